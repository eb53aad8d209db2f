/* The machine's interpreters (pythons.h): merging the candidates into one
 * entry per file, probing them, and matching them with the envs. */
#include "pythons_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/path.h"
#include "../util/proc.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/version.h"
#include "../util/xalloc.h"
#include "venv.h"

/* One line: "3.11.7 1 1" = version, venv importable, ensurepip importable.
 * Written for Python 2 too (imp instead of importlib.util), so that a 2.7
 * says its full version; it has no venv, so the pickers leave it out. */
static const char probe_code[] =
	"import sys\n"
	"try:\n"
	"    import importlib.util as u\n"
	"    f = lambda m: u.find_spec(m) is not None\n"
	"except ImportError:\n"
	"    import imp\n"
	"    def f(m):\n"
	"        try:\n"
	"            imp.find_module(m)\n"
	"            return True\n"
	"        except ImportError:\n"
	"            return False\n"
	"print('%d.%d.%d %d %d' % (tuple(sys.version_info[:3]) + (f('venv'), f('ensurepip'))))\n";

/* Strips PYTHON* variables that would change what the probe reports. */
static const char *const probe_unset[] = {"PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV", NULL};

struct probe {
	struct vs_proc *proc;
	struct strbuf out;
};

static void collect(void *ctx, enum vs_proc_stream s, const char *line)
{
	struct probe *p = ctx;

	if (s == VS_PROC_STDOUT && p->out.len == 0)
		sb_adds(&p->out, line);
}

static int parse_probe(struct scan_python *py, const char *line)
{
	int venv = 0, pip = 0, patch = 0;

	if (sscanf(line, "%d.%d.%d %d %d", &py->major, &py->minor, &patch, &venv, &pip) != 5)
		return -1;
	py->version = xasprintf("%d.%d.%d", py->major, py->minor, patch);
	py->has_venv = venv == 1;
	py->has_ensurepip = pip == 1;
	return 0;
}

/* An interpreter that did not answer: "X.Y" from its file's name
 * (python3.11, python2.7), or nothing. */
static void version_from_name(struct scan_python *py)
{
	int major, minor;
	char end;

	if (py->real && sscanf(path_basename(py->real), "python%d.%d%c", &major, &minor, &end) == 2) {
		py->major = major;
		py->minor = minor;
		py->version = xasprintf("%d.%d", major, minor);
	}
}

/* `legacy`: for Python 2, which has no -I: -E -s (its parts that 2.7 has),
 * run in / so that the folder of the caller is not searched for modules. */
static int start_probe(struct probe *p, const char *path, bool legacy, struct vs_err *err)
{
	/* -S: no site, so no .pth file of that interpreter runs; -B: it
	 * writes no bytecode; venv and ensurepip are in the standard library. */
	const char *argv[] = {path, "-I", "-S", "-B", "-c", probe_code, NULL};
	const char *argv2[] = {path, "-E", "-s", "-S", "-B", "-c", probe_code, NULL};
	struct vs_proc_spawn sp = {.argv = legacy ? argv2 : argv,
				   .unset = probe_unset,
				   .cwd = legacy ? "/" : NULL};

	return vs_proc_start(&p->proc, &sp, err);
}

/* Waits for a probe started by start_probe; true when it answered. */
static bool finish_probe(struct probe *p, struct scan_python *py)
{
	int status = -1;
	bool ok = false;

	if (p->proc) {
		vs_proc_wait(p->proc, collect, p, &status);
		vs_proc_free(p->proc);
		p->proc = NULL;
		ok = status == 0 && parse_probe(py, sb_str(&p->out)) == 0;
		sb_reset(&p->out);
	}
	return ok;
}

int scan_probe_python(struct scan_python *out, const char *typed, struct vs_err *err)
{
	struct probe p = {0};
	int status = -1;
	char *path = NULL;
	struct stat st;

	memset(out, 0, sizeof(*out));
	/* --python '~/x' reaches us unexpanded: the shell's rule, here. */
	if (path_expand_tilde(&path, typed, err) < 0)
		return VS_EUSAGE;
	if (start_probe(&p, path, false, err) < 0) {
		free(path);
		err->code = VS_EUSAGE; /* the message (path and reason) is already there */
		return VS_EUSAGE;
	}
	vs_proc_wait(p.proc, collect, &p, &status);
	vs_proc_free(p.proc);
	if (status != 0 || parse_probe(out, sb_str(&p.out)) < 0) {
		sb_free(&p.out);
		vs_err_set(err, VS_EUSAGE,
			   "%s: not a Python 3 interpreter (it did not answer the version probe)",
			   path);
		free(path);
		return VS_EUSAGE;
	}
	sb_free(&p.out);
	out->path = path;
	out->real = realpath(path, NULL);
	if (!out->real)
		out->real = xstrdup(path);
	out->names = xcalloc(2, sizeof(*out->names));
	out->names[out->n_names++] = xstrdup(path);
	if (stat(path, &st) == 0) {
		out->dev = st.st_dev;
		out->ino = st.st_ino;
	}
	return 0;
}

bool scan_python_at_least(const struct scan_python *py, int major, int minor)
{
	return py->major > major || (py->major == major && py->minor >= minor);
}

void scan_python_clear(struct scan_python *py)
{
	free(py->path);
	free(py->real);
	free(py->version);
	vs_strv_free(py->names, py->n_names);
	free(py->envs);
	memset(py, 0, sizeof(*py));
}

void scan_python_list_free(struct scan_python_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		scan_python_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Merges the candidates that are one file (device and inode) into one
 * entry: its first candidate's path, every name, and the most telling
 * source (a named place rather than "PATH"; "env-base" only when nothing
 * else found it). Takes the candidates' paths. */
static void merge(struct scan_python_list *out, struct pythons_cands *c)
{
	size_t cap = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct pythons_cand *k = &c->v[i];
		struct scan_python *py = NULL;

		for (size_t j = 0; j < out->n && !py; j++)
			if (out->items[j].dev == k->dev && out->items[j].ino == k->ino)
				py = &out->items[j];
		if (!py) {
			out->items = xgrow(out->items, &cap, out->n + 1, sizeof(*out->items));
			py = memset(&out->items[out->n++], 0, sizeof(*py));
			py->path = xstrdup(k->path);
			py->real = realpath(k->path, NULL);
			if (!py->real)
				py->real = xstrdup(k->path);
			py->dev = k->dev;
			py->ino = k->ino;
			py->source = k->source;
		} else if (strcmp(py->source, "PATH") == 0 && strcmp(k->source, "env-base") != 0) {
			py->source = k->source;
		}
		for (size_t j = 0; j < py->n_names && k->path; j++)
			if (strcmp(py->names[j], k->path) == 0) {
				free(k->path);
				k->path = NULL;
			}
		if (k->path) {
			py->names = xrealloc(py->names, (py->n_names + 1) * sizeof(*py->names));
			py->names[py->n_names++] = k->path;
			k->path = NULL;
		}
	}
}

static int newest_first(const void *a, const void *b)
{
	const struct scan_python *x = a, *y = b;
	int c = vs_version_cmp(y->version ? y->version : "", x->version ? x->version : "");

	return c ? c : strcmp(x->path, y->path);
}

/* Runs every probe at once (a dozen interpreters cost one start-up time);
 * with SCAN_PYTHONS_ALL, those that did not answer are asked again the
 * Python 2 way, then named by their file; keeps what `flags` asks for. */
static void probe_all(struct scan_python_list *l, unsigned flags)
{
	struct probe *p = xcalloc(l->n + 1, sizeof(*p));
	bool *ok = xcalloc(l->n + 1, sizeof(*ok));
	size_t k = 0;

	for (int legacy = 0; legacy < ((flags & SCAN_PYTHONS_ALL) ? 2 : 1); legacy++) {
		for (size_t i = 0; i < l->n; i++) {
			struct vs_err err = {0};

			if (!ok[i] && start_probe(&p[i], l->items[i].path, legacy, &err) < 0)
				p[i].proc = NULL;
		}
		for (size_t i = 0; i < l->n; i++)
			if (!ok[i])
				ok[i] = finish_probe(&p[i], &l->items[i]);
	}
	for (size_t i = 0; i < l->n; i++) {
		struct scan_python *py = &l->items[i];

		sb_free(&p[i].out);
		if (!ok[i])
			version_from_name(py);
		if ((ok[i] && py->has_venv) || (flags & SCAN_PYTHONS_ALL))
			l->items[k++] = *py;
		else
			scan_python_clear(py);
	}
	l->n = k;
	free(ok);
	free(p);
}

void scan_find_pythons(struct scan_python_list *out, const char *home, const char *const *extra,
		       size_t n_extra, unsigned flags)
{
	struct pythons_cands c = {0};

	memset(out, 0, sizeof(*out));
	pythons_gather(&c, home, extra, n_extra);
	merge(out, &c);
	free(c.v);
	probe_all(out, flags);
	if (out->n)
		qsort(out->items, out->n, sizeof(*out->items), newest_first);
}

const struct scan_python *scan_python_of(const struct scan_python_list *l, const struct venv *v)
{
	struct stat st;

	if (!v->base_python || stat(v->base_python, &st) != 0)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].dev == st.st_dev && l->items[i].ino == st.st_ino)
			return &l->items[i];
	return NULL;
}

void scan_pythons_users(struct scan_python_list *l, const struct venv *const *venvs, size_t n)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].envs);
		l->items[i].envs = xcalloc(n + 1, sizeof(*l->items[i].envs));
		l->items[i].n_envs = 0;
	}
	for (size_t e = 0; e < n; e++) {
		const struct scan_python *py = venvs[e] ? scan_python_of(l, venvs[e]) : NULL;

		if (py) {
			struct scan_python *w = &l->items[py - l->items];

			w->envs[w->n_envs++] = e;
		}
	}
}

static int most_users_first(const void *a, const void *b)
{
	const struct scan_python *x = a, *y = b;

	if (x->n_envs != y->n_envs)
		return x->n_envs > y->n_envs ? -1 : 1;
	return newest_first(a, b);
}

void scan_pythons_sort_by_users(struct scan_python_list *l)
{
	if (l->n)
		qsort(l->items, l->n, sizeof(*l->items), most_users_first);
}
