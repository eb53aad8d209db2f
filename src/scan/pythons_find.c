/* Where interpreters are looked for (pythons.h): the candidate paths, each
 * with the place it was found in, before they are merged and probed. */
#include "pythons_internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/xalloc.h"

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

/* A folder that is an environment's bin/ (pyvenv.cfg in it or in its
 * parent, where Python looks): its pythons are the env's, not bases, and
 * nothing inside an env is run to list interpreters. */
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

/* Takes `path` (owned) when it is an executable regular file outside any
 * environment. */
static void add_cand(struct pythons_cands *c, char *path, const char *source)
{
	struct stat st;
	char *dir = path_dirname(path);
	bool ok = stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0 &&
		  !env_bin(dir);

	free(dir);
	if (!ok) {
		free(path);
		return;
	}
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = (struct pythons_cand){.path = path,
					     .source = source,
					     .dev = st.st_dev,
					     .ino = st.st_ino};
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The python3* files of `dir`, or with `sub` each DIR/ENTRY/SUB (entries
 * not starting with a dot), in name order so that the first name of an
 * interpreter does not depend on the order of the folder. */
static void add_dir(struct pythons_cands *c, const char *dir, const char *sub, const char *source)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (sub ? de->d_name[0] == '.' : !python_name(de->d_name))
			continue;
		names = xgrow(names, &cap, n + 1, sizeof(*names));
		names[n++] = sub ? xasprintf("%s/%s/%s", dir, de->d_name, sub)
				 : path_join(dir, de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++)
		add_cand(c, names[i], source);
	free(names);
}

/* `var` when it is set to an absolute path, else HOME/`fallback` (NULL
 * without a home). Caller frees. */
static char *env_or_home(const char *var, const char *home, const char *fallback)
{
	const char *v = var ? getenv(var) : NULL;

	if (v && *v == '/')
		return xstrdup(v);
	return home && fallback ? path_join(home, fallback) : NULL;
}

static void add_versions(struct pythons_cands *c, char *root, const char *sub, const char *source)
{
	if (root)
		add_dir(c, root, sub, source);
	free(root);
}

/* A prefix's bin/python (a conda base). */
static void add_prefix(struct pythons_cands *c, char *prefix, const char *source)
{
	if (prefix)
		add_cand(c, path_join(prefix, "bin/python"), source);
	free(prefix);
}

static void gather_path(struct pythons_cands *c)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL;

	if (!path)
		return;
	copy = xstrdup(path);
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
		/* pyenv's shims are scripts that pick a version by folder. */
		if (*d == '/' && strcmp(path_basename(d), "shims") != 0 && !env_bin(d))
			add_dir(c, d, NULL, "PATH");
	free(copy);
}

void pythons_gather(struct pythons_cands *c, const char *home, const char *const *extra, size_t n_extra)
{
	static const char *const conda_bases[] = {"miniconda3", "anaconda3", "miniforge3",
						  "mambaforge", "micromamba"};
	char *pyenv = env_or_home("PYENV_ROOT", home, ".pyenv");

	gather_path(c);
	add_dir(c, "/usr/bin", NULL, "/usr/bin");
	add_dir(c, "/usr/local/bin", NULL, "/usr/local/bin");
	if (pyenv)
		add_versions(c, path_join(pyenv, "versions"), "bin/python", "pyenv");
	free(pyenv);
	add_versions(c, env_or_home("UV_PYTHON_INSTALL_DIR", home, ".local/share/uv/python"),
		     "bin/python3", "uv");
	for (size_t i = 0; home && i < sizeof(conda_bases) / sizeof(*conda_bases); i++)
		add_prefix(c, path_join(home, conda_bases[i]), "conda");
	add_prefix(c, env_or_home("MAMBA_ROOT_PREFIX", NULL, NULL), "conda");
	add_dir(c, "/home/linuxbrew/.linuxbrew/bin", NULL, "homebrew");
	add_versions(c, env_or_home(NULL, home, ".linuxbrew/bin"), NULL, "homebrew");
	for (size_t i = 0; i < n_extra; i++)
		if (extra[i])
			add_cand(c, xstrdup(extra[i]), "env-base");
}
