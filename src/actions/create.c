/* act_prepare_create: check a create request and build its argv. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/xalloc.h"
#include "job.h"
#include "job_internal.h"

void act_argv_add(struct act_job *j, size_t *n, const char *s)
{
	j->argv = xrealloc(j->argv, (*n + 2) * sizeof(*j->argv));
	j->argv[(*n)++] = xstrdup(s);
	j->argv[*n] = NULL;
}

/* Empty folder: only "." and "..". */
static bool is_empty_dir(const char *p)
{
	DIR *d = opendir(p);
	struct dirent *de;
	bool empty = true;

	if (!d)
		return false;
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* The nearest folder that exists at or above `p`. */
static char *existing_ancestor(const char *p)
{
	char *cur = xstrdup(p);
	struct stat st;

	while (stat(cur, &st) != 0 && strcmp(cur, "/") != 0) {
		char *up = path_dirname(cur);

		free(cur);
		cur = up;
	}
	return cur;
}

static int check_target(const char *t, bool clear, bool *existed, struct vs_err *err)
{
	struct stat st;
	char *cfg, *anc;
	bool is_env;

	if (strchr(t, ':'))
		return vs_err_set(err, VS_EUSAGE,
				  "%s: a path with ':' cannot hold a venv (activating it would break PATH)",
				  t);
	*existed = lstat(t, &st) == 0;
	if (*existed && !S_ISDIR(st.st_mode))
		return vs_err_set(err, VS_EUSAGE, "%s: exists and is not a folder", t);
	if (*existed) {
		cfg = path_join(t, "pyvenv.cfg");
		is_env = lstat(cfg, &st) == 0 && S_ISREG(st.st_mode);
		free(cfg);
		if (is_env && !clear)
			return vs_err_set(err, VS_EUSAGE,
					  "%s: already an environment; use --clear to replace it", t);
		if (!is_env && !is_empty_dir(t))
			return vs_err_set(err, VS_EUSAGE,
					  "%s: a folder with files in it that is not an environment; "
					  "venvscope will not mix a venv into it (pick a new or empty folder)",
					  t);
	}
	anc = existing_ancestor(t);
	if (access(anc, W_OK) != 0) {
		vs_err_set(err, VS_EUSAGE, "%s: permission denied: cannot write in %s", t, anc);
		free(anc);
		return VS_EUSAGE;
	}
	free(anc);
	return 0;
}

/* Options this interpreter's venv does not know are refused up front. */
static int check_options(const struct act_create_opts *o, const struct scan_python *py,
			 struct vs_err *err)
{
	if (o->upgrade_deps && !scan_python_at_least(py, 3, 9))
		return vs_err_set(err, VS_EUSAGE, "--upgrade-deps needs Python 3.9 or newer; %s is %s",
				  py->path, py->version);
	if (o->without_scm_ignore_files && !scan_python_at_least(py, 3, 13))
		return vs_err_set(err, VS_EUSAGE,
				  "--without-scm-ignore-files needs Python 3.13 or newer; %s is %s",
				  py->path, py->version);
	if (o->prompt && strcmp(o->prompt, ".") == 0 && !scan_python_at_least(py, 3, 9))
		return vs_err_set(err, VS_EUSAGE,
				  "--prompt . (the folder's name) needs Python 3.9 or newer; %s is %s",
				  py->path, py->version);
	if (!o->without_pip && !py->has_ensurepip)
		return vs_err_set(err, VS_EUSAGE,
				  "%s has no ensurepip, so it cannot put pip into the environment. On "
				  "Debian or Ubuntu install python%d.%d-venv (apt install python%d.%d-venv), "
				  "or create it without pip",
				  py->path, py->major, py->minor, py->major, py->minor);
	return 0;
}

static void build_argv(struct act_job *j, const struct act_create_opts *o)
{
	size_t n = 0;

	act_argv_add(j, &n, j->python.path);
	if (o->prompt && strcmp(o->prompt, ".") == 0) {
		/* venv names the prompt after the current folder: run there, but
		 * isolated (3.9+ here), so the folder is not on sys.path and a
		 * venv/ package in it is not what runs. */
		act_argv_add(j, &n, "-I");
		j->keep_cwd = true;
	}
	act_argv_add(j, &n, "-m");
	act_argv_add(j, &n, "venv");
	if (o->clear)
		act_argv_add(j, &n, "--clear");
	if (o->system_site_packages)
		act_argv_add(j, &n, "--system-site-packages");
	if (o->link == ACT_LINK_SYMLINKS)
		act_argv_add(j, &n, "--symlinks");
	else if (o->link == ACT_LINK_COPIES)
		act_argv_add(j, &n, "--copies");
	if (o->without_pip)
		act_argv_add(j, &n, "--without-pip");
	if (o->prompt) {
		act_argv_add(j, &n, "--prompt");
		act_argv_add(j, &n, o->prompt);
	}
	if (o->upgrade_deps)
		act_argv_add(j, &n, "--upgrade-deps");
	if (o->without_scm_ignore_files)
		act_argv_add(j, &n, "--without-scm-ignore-files");
	for (size_t i = 0; i < j->n_paths; i++)
		act_argv_add(j, &n, j->paths[i]);
}

int act_prepare_create(struct act_job **out, const struct act_create_opts *o, struct vs_err *err)
{
	struct act_job *j = xcalloc(1, sizeof(*j));
	int rc;

	*out = NULL;
	j->kind = ACT_CREATE;
	if (o->n_targets == 0) {
		act_job_free(j);
		return vs_err_set(err, VS_EUSAGE, "give at least one folder to create");
	}
	if ((rc = scan_probe_python(&j->python, o->python ? o->python : "python3", err)) < 0 ||
	    (rc = check_options(o, &j->python, err)) < 0) {
		act_job_free(j);
		return rc;
	}
	j->paths = xcalloc(o->n_targets, sizeof(*j->paths));
	j->existed = xcalloc(o->n_targets, sizeof(*j->existed));
	for (size_t i = 0; i < o->n_targets; i++) {
		/* A DIR given quoted ('~/x') or typed in the form: the shell's rule. */
		rc = path_resolve_typed(&j->paths[i], o->targets[i], NULL, err);
		j->n_paths++;
		if (rc < 0 || (rc = check_target(j->paths[i], o->clear, &j->existed[i], err)) < 0) {
			act_job_free(j);
			return rc;
		}
	}
	build_argv(j, o);
	j->title = j->n_paths == 1 ? xasprintf("create %s", j->paths[0])
				   : xasprintf("create %zu environments", j->n_paths);
	*out = j;
	return 0;
}
