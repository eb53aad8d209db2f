#include "pythons.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/version.h"
#include "../util/path.h"
#include "../util/proc.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "../util/vec.h"

/* One line: "3.11.7 1 1" = version, venv importable, ensurepip importable.
 * Python 2 fails on importlib.util and is left out, as it has no venv. */
static const char probe_code[] =
	"import sys, importlib.util as u\n"
	"print('%d.%d.%d' % sys.version_info[:3], int(u.find_spec('venv') is not None),"
	" int(u.find_spec('ensurepip') is not None))\n";

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

static int parse_probe(struct act_python *py, const char *line)
{
	int venv = 0, pip = 0, patch = 0;

	if (sscanf(line, "%d.%d.%d %d %d", &py->major, &py->minor, &patch, &venv, &pip) != 5)
		return -1;
	py->version = xasprintf("%d.%d.%d", py->major, py->minor, patch);
	py->has_venv = venv == 1;
	py->has_ensurepip = pip == 1;
	return 0;
}

static int start_probe(struct probe *p, const char *path, struct vs_err *err)
{
	/* -S: no site, so no .pth file of that interpreter (or of an env whose
	 * python it is) runs; venv and ensurepip are in the standard library. */
	const char *argv[] = {path, "-I", "-S", "-c", probe_code, NULL};
	struct vs_proc_spawn sp = {.argv = argv, .unset = probe_unset};

	return vs_proc_start(&p->proc, &sp, err);
}

int act_probe_python(struct act_python *out, const char *typed, struct vs_err *err)
{
	struct probe p = {0};
	int status = -1;
	char *path = NULL;

	memset(out, 0, sizeof(*out));
	/* --python '~/x' reaches us unexpanded: the shell's rule, here. */
	if (path_expand_tilde(&path, typed, err) < 0)
		return VS_EUSAGE;
	if (start_probe(&p, path, err) < 0) {
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
	return 0;
}

bool act_python_at_least(const struct act_python *py, int major, int minor)
{
	return py->major > major || (py->major == major && py->minor >= minor);
}

void act_python_clear(struct act_python *py)
{
	free(py->path);
	free(py->real);
	free(py->version);
	memset(py, 0, sizeof(*py));
}

void act_python_list_free(struct act_python_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		act_python_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* "python3", "python3.11" (not python3-config, python3.11m...). */
static bool python_name(const char *n)
{
	if (strncmp(n, "python3", 7) != 0)
		return false;
	n += 7;
	if (*n == '\0')
		return true;
	if (*n++ != '.')
		return false;
	if (!*n)
		return false;
	for (; *n; n++)
		if (*n < '0' || *n > '9')
			return false;
	return true;
}

struct cands {
	char **v;
	size_t n, cap;
};

static void add_cand(struct cands *c, char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || access(path, X_OK) != 0) {
		free(path);
		return;
	}
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = path;
}

static void add_dir(struct cands *c, const char *dir, const char *sub)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (sub) {
			if (de->d_name[0] != '.') {
				char *p = xasprintf("%s/%s/%s", dir, de->d_name, sub);

				add_cand(c, p);
			}
		} else if (python_name(de->d_name)) {
			add_cand(c, path_join(dir, de->d_name));
		}
	}
	closedir(d);
}

/* A folder of PATH that is an environment's bin/ (pyvenv.cfg in it or in
 * its parent, where Python looks): its pythons are the env's, not bases,
 * and nothing inside an env is run to list interpreters. */
static bool env_bin(const char *dir)
{
	char *parent = path_dirname(dir);
	char *a = path_join(dir, "pyvenv.cfg"), *b = path_join(parent, "pyvenv.cfg");
	struct stat st;
	bool env = lstat(a, &st) == 0 || lstat(b, &st) == 0;

	free(a);
	free(b);
	free(parent);
	return env;
}

static void gather(struct cands *c, const char *home, const char *const *extra, size_t n_extra)
{
	const char *path = getenv("PATH");
	const char *root = getenv("PYENV_ROOT");

	if (path) {
		char *copy = xstrdup(path), *save = NULL;

		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
			/* pyenv's shims are scripts that pick a version by folder. */
			if (*d == '/' && strcmp(path_basename(d), "shims") != 0 && !env_bin(d))
				add_dir(c, d, NULL);
		free(copy);
	}
	add_dir(c, "/usr/bin", NULL);
	add_dir(c, "/usr/local/bin", NULL);
	if (root && *root == '/') {
		char *v = path_join(root, "versions");

		add_dir(c, v, "bin/python");
		free(v);
	} else if (home) {
		char *v = path_join(home, ".pyenv/versions");

		add_dir(c, v, "bin/python");
		free(v);
	}
	for (size_t i = 0; i < n_extra; i++)
		if (extra[i])
			add_cand(c, xstrdup(extra[i]));
}

static int newest_first(const void *a, const void *b)
{
	const struct act_python *x = a, *y = b;
	int c = vs_version_cmp(y->version, x->version);

	return c ? c : strcmp(x->path, y->path);
}

/* Keeps the first candidate of each real path (PATH order wins). */
static void dedupe(struct cands *c)
{
	char **real = xcalloc(c->n + 1, sizeof(*real));
	size_t k = 0;

	for (size_t i = 0; i < c->n; i++) {
		bool dup = false;
		char *r = realpath(c->v[i], NULL);

		for (size_t j = 0; j < k && r && !dup; j++)
			dup = strcmp(real[j], r) == 0;
		if (dup || !r) {
			free(r);
			free(c->v[i]);
			continue;
		}
		real[k] = r;
		c->v[k++] = c->v[i];
	}
	vs_strv_free(real, k);
	c->n = k;
}

void act_find_pythons(struct act_python_list *out, const char *home, const char *const *extra,
		      size_t n_extra)
{
	struct cands c = {0};
	struct probe *p;

	memset(out, 0, sizeof(*out));
	gather(&c, home, extra, n_extra);
	dedupe(&c);
	p = xcalloc(c.n + 1, sizeof(*p));
	out->items = xcalloc(c.n + 1, sizeof(*out->items));
	/* All probes run at once: a dozen interpreters cost one start-up time. */
	for (size_t i = 0; i < c.n; i++) {
		struct vs_err err = {0};

		if (start_probe(&p[i], c.v[i], &err) < 0)
			p[i].proc = NULL;
	}
	for (size_t i = 0; i < c.n; i++) {
		struct act_python *py = &out->items[out->n];
		int status = -1;

		if (!p[i].proc)
			continue;
		vs_proc_wait(p[i].proc, collect, &p[i], &status);
		vs_proc_free(p[i].proc);
		if (status == 0 && parse_probe(py, sb_str(&p[i].out)) == 0 && py->has_venv) {
			py->path = xstrdup(c.v[i]);
			py->real = realpath(c.v[i], NULL);
			out->n++;
		} else {
			act_python_clear(py);
		}
		sb_free(&p[i].out);
	}
	vs_strv_free(c.v, c.n);
	free(p);
	qsort(out->items, out->n, sizeof(*out->items), newest_first);
}
