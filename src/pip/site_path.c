/* sys.path of an environment, the part pip freeze searches (site.py's
 * venv(), addsitedir() and addpackage()). */
#include "site_path.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/vec.h"
#include "../util/xalloc.h"
#include "../scan/venv.h"
#include "listing.h"
#include "packages.h"
#include "../scan/places.h"
#include "pypath.h"
#include "site_base.h"

void scan_path_add(struct scan_path_list *l, const char *dir)
{
	char *p = py_abspath(dir, "/");

	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], p) == 0) {
			free(p);
			return;
		}
	}
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->lists = xrealloc(l->lists, l->cap * sizeof(*l->lists));
	l->lists[l->n] = NULL;
	l->v[l->n++] = p;
}

size_t scan_path_find(const struct scan_path_list *l, const char *dir)
{
	size_t i = 0;

	while (i < l->n && strcmp(l->v[i], dir) != 0)
		i++;
	return i;
}

struct scan_listing *scan_path_listing(struct scan_path_list *l, size_t i)
{
	if (!l->lists[i])
		l->lists[i] = scan_listing_read(l->v[i]);
	return l->lists[i];
}

static bool known(const struct scan_path_list *l, const char *p)
{
	return scan_path_find(l, p) < l->n;
}

static int by_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* site.addpackage(): one .pth file of `sitedir` (open as `dirfd`). */
static void add_pth(struct scan_path_list *l, const char *sitedir, int dirfd, const char *name)
{
	char *text;
	size_t len = 0, i = 0;

	if (vs_read_at(dirfd, name, 0, VS_READ_MAX_META, &text, &len, NULL) < 0)
		return;
	/* Python 3.13 reads .pth files as utf-8-sig. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		size_t e = i, n;
		char *line, *dir;
		struct stat st;

		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		n = e - i;
		line = xstrndup(text + i, n);
		i = (e < len && text[e] == '\r' && e + 1 < len && text[e + 1] == '\n') ? e + 2 : e + 1;
		n = py_rstrip_len(line, strlen(line));
		if (line[0] == '#' || n == 0 || strncmp(line, "import ", 7) == 0 ||
		    strncmp(line, "import\t", 7) == 0) {
			free(line);
			continue;
		}
		line[n] = '\0';
		dir = line[0] == '/' ? py_normpath(line) : NULL;
		if (!dir) {
			char *j = path_join(sitedir, line);

			dir = py_normpath(j);
			free(j);
		}
		if (!known(l, dir) && stat(dir, &st) == 0)
			scan_path_add(l, dir);
		free(dir);
		free(line);
	}
	free(text);
}

void scan_path_add_site(struct scan_path_list *l, const char *sitedir)
{
	struct scan_listing *dir;
	struct vs_vec names = {0}; /* borrowed from the listing */
	size_t at;

	scan_path_add(l, sitedir);
	dir = scan_listing_read(sitedir);
	if (!dir)
		return;
	for (size_t i = 0; i < dir->n; i++) {
		const char *name = dir->v[i].name;
		size_t len = strlen(name);

		if (name[0] == '.' || len < 4 || strcmp(name + len - 4, ".pth") != 0)
			continue;
		vs_vec_push(&names, (void *)name);
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), by_strcmp);
	for (size_t i = 0; i < names.n; i++)
		add_pth(l, sitedir, dir->fd, names.v[i]);
	vs_vec_clear(&names);
	/* Kept for the freeze reader, which looks into the same folder, when
	 * the list names it as written here (it does unless sitedir is not
	 * normalised). Found again: the .pth files may have added folders. */
	at = scan_path_find(l, sitedir);
	if (at < l->n && !l->lists[at])
		l->lists[at] = dir;
	else
		scan_listing_free(dir);
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* site.getsitepackages() for the env's prefix, from the disk. */
static void local_paths(struct scan_path_list *out, const struct venv *v)
{
	const char *ver = v->python_version;
	bool pypy = v->implementation && strcmp(v->implementation, "PyPy") == 0;
	int major = 0, minor = 0;
	char *xy, *cand[4] = {0};
	size_t nc = 0;

	if (ver && sscanf(ver, "%d.%d", &major, &minor) == 2) {
		/* pyvenv.cfg may name another X.Y than the env's lib/pythonX.Y (an
		 * edited file): then the folders on disk are what Python uses. */
		xy = xasprintf("%s/lib/%s%d.%d/site-packages", v->path, pypy ? "pypy" : "python",
			       major, minor);
		if (!is_dir(xy))
			major = 0;
		free(xy);
	}
	if (major == 0) {
		char **dirs = NULL;
		int fd = open(v->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		size_t n = fd >= 0 ? scan_site_dirs(&dirs, fd, v->path) : 0;

		if (fd >= 0)
			close(fd);
		for (size_t i = 0; i < n; i++) {
			if (!out->site_packages)
				out->site_packages = xstrdup(dirs[i]);
			scan_path_add_site(out, dirs[i]);
		}
		vs_strv_free(dirs, n);
		return;
	}
	xy = xasprintf("%s%d.%d", pypy ? "pypy" : "python", major, minor);
	cand[nc++] = xasprintf("%s/lib/%s/site-packages", v->path, xy);
	/* Debian's site.py also looks at these inside a venv. */
	if (v->home && (strcmp(v->home, "/usr/bin") == 0 || strcmp(v->home, "/bin") == 0)) {
		cand[nc++] = xasprintf("%s/local/lib/%s/dist-packages", v->path, xy);
		cand[nc++] = xasprintf("%s/lib/python3/dist-packages", v->path);
		cand[nc++] = xasprintf("%s/lib/%s/dist-packages", v->path, xy);
	}
	out->site_packages = xstrdup(cand[0]);
	for (size_t i = 0; i < nc; i++) {
		/* cand[0] is the folder found to be one above. */
		if (i == 0 || is_dir(cand[i]))
			scan_path_add_site(out, cand[i]);
		free(cand[i]);
	}
	free(xy);
}

/* ---- system site packages: site.main(), from the base's answer ---- */

/* site.addsitepackages(): each folder that exists, through addsitedir(). A
 * folder seen before is read again, as site.py does (its .pth files then
 * add nothing new). */
static void add_sites(struct scan_path_list *out, char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dirs[i][0] == '/' && is_dir(dirs[i]))
			scan_path_add_site(out, dirs[i]);
}

void scan_path_from_base(struct scan_path_list *out, const struct scan_base_site *b,
			 bool user_site_enabled)
{
	for (size_t i = 0; i < b->n_path; i++)
		if (b->path[i][0] == '/')
			scan_path_add(out, b->path[i]);
	add_sites(out, b->env, b->n_env); /* site.venv() */
	if (user_site_enabled && b->user_site && b->user_site[0] == '/' && is_dir(b->user_site))
		scan_path_add_site(out, b->user_site);
	add_sites(out, b->env, b->n_env);   /* PREFIXES: the env first, */
	add_sites(out, b->base, b->n_base); /* then the base's */
	free(out->user_site);
	out->user_site = b->user_site ? xstrdup(b->user_site) : NULL;
}

/* site.check_enableusersite() and PYTHONNOUSERSITE, as `ENV/bin/python -m
 * pip freeze` run here would see them. */
static bool user_site_enabled(void)
{
	const char *no = getenv("PYTHONNOUSERSITE");

	if (no && *no)
		return false;
	return getuid() == geteuid() && getgid() == getegid();
}

void scan_freeze_paths(struct scan_path_list *out, const struct venv *v, struct scan_msgs *warn)
{
	struct scan_path_list tmp = {0};
	struct scan_base_site b;
	struct vs_err why = {0};

	memset(out, 0, sizeof(*out));
	if (v->system_site_packages != VENV_YES) {
		local_paths(out, v);
		return;
	}
	if (scan_base_site_ask(&b, v, &why) < 0) {
		scan_msgs_add(warn,
			      "%s: include-system-site-packages is true but its base interpreter "
			      "could not tell its folders (%s); only the environment's own folders "
			      "were read",
			      v->path, why.msg);
		local_paths(out, v);
		return;
	}
	local_paths(&tmp, v); /* only for site_packages */
	out->site_packages = tmp.site_packages;
	tmp.site_packages = NULL;
	scan_path_list_clear(&tmp);
	scan_path_from_base(out, &b, user_site_enabled());
	scan_base_site_clear(&b);
}

void scan_path_list_clear(struct scan_path_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i]);
		scan_listing_free(l->lists[i]);
	}
	free(l->v);
	free(l->lists);
	free(l->user_site);
	free(l->site_packages);
	memset(l, 0, sizeof(*l));
}
