/* conda prefixes as envs (see conda_env.h). */
#include "conda_env.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/xalloc.h"
#include "inspect.h"
#include "project.h"
#include "places.h"

static bool is_dir_at(int fd, const char *rel)
{
	struct stat st;

	return fstatat(fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* True when the folder `dir` holds one of the files a project keeps. */
static bool holds_marker(const char *dir, bool pixi)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool yes = false;

	if (!d)
		return false;
	while (!yes && (de = readdir(d)) != NULL) {
		if (pixi)
			yes = strcmp(de->d_name, "pixi.toml") == 0 ||
			      strcmp(de->d_name, "pyproject.toml") == 0;
		else
			yes = scan_is_project_marker(de->d_name) ||
			      strcmp(de->d_name, "environment.yml") == 0;
	}
	closedir(d);
	return yes;
}

/* <project>/.pixi/envs/<name>: <project>, when it holds pixi.toml or
 * pyproject.toml. */
static char *pixi_project(const char *path)
{
	char *envs = path_dirname(path), *dot = path_dirname(envs), *proj = path_dirname(dot);
	char *r = NULL;

	if (strcmp(path_basename(envs), "envs") == 0 && strcmp(path_basename(dot), ".pixi") == 0 &&
	    holds_marker(proj, true))
		r = xstrdup(proj);
	free(envs);
	free(dot);
	free(proj);
	return r;
}

/* The parent of `conda create -p PREFIX`, when that is a project folder.
 * A relative PREFIX was taken from a folder we cannot know: the env's own
 * parent stands for it. */
static char *prefix_project(const char *prefix, const char *env, const char *home)
{
	char *norm, *parent = NULL;
	struct stat st;
	bool ok;

	if (prefix && prefix[0] != '/')
		prefix = env;
	if (!prefix || !(norm = path_absolute(prefix)))
		return NULL;
	parent = path_dirname(norm);
	ok = parent && strcmp(parent, "/") != 0 && !(home && strcmp(parent, home) == 0) &&
	     !scan_is_central_folder(parent, home);
	if (ok && stat(parent, &st) == 0)
		ok = S_ISDIR(st.st_mode) && holds_marker(parent, false);
	free(norm);
	if (!ok) {
		free(parent);
		return NULL;
	}
	return parent;
}

bool scan_conda_inspect(struct venv *v, int envfd, const char *home)
{
	struct scan_conda_history h;
	bool pixi = scan_conda_is_pixi(envfd);

	v->kind = VENV_KIND_CONDA;
	if (scan_conda_history_read(&h, envfd, NULL) < 0)
		memset(&h, 0, sizeof(h));
	if (h.junk)
		venv_add_problem(v, "conda-meta/history holds bytes that are not text; only its "
				    "text lines were read");
	v->manager = pixi ? "pixi" : h.manager ? h.manager : "conda";
	if (!pixi && (is_dir_at(envfd, "condabin") || is_dir_at(envfd, "envs"))) {
		v->role = "base";
		free(v->name);
		v->name = xstrdup("base");
	} else if (h.name && !strchr(h.name, '/')) {
		free(v->name);
		v->name = xstrdup(h.name);
	}
	v->project = pixi ? pixi_project(v->path) : prefix_project(h.prefix, v->path, home);
	v->python_version = scan_conda_python_version(envfd);
	if (v->python_version)
		v->implementation = xstrdup("CPython");
	scan_conda_history_clear(&h);
	return v->python_version != NULL;
}

struct scan_conda *scan_conda_packages(int envfd, char **problem)
{
	struct scan_conda *c = xcalloc(1, sizeof(*c));
	struct vs_err err = {0};

	if (scan_conda_read(c, envfd, &err) < 0) {
		if (!*problem)
			*problem = xstrdup(err.msg);
		return c;
	}
	if (c->n_bad && !*problem)
		*problem = c->n_bad == 1
				   ? xasprintf("a conda-meta record cannot be read (%s); the other %zu "
					       "were read",
					       c->problem, c->n)
				   : xasprintf("%zu conda-meta records cannot be read (first: %s); "
					       "the other %zu were read",
					       c->n_bad, c->problem, c->n);
	return c;
}
