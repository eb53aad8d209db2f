/* Clear and upgrade an existing environment with its own base interpreter,
 * keeping how it was made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcntl.h>

#include "../scan/pyvenv_cfg.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/xalloc.h"
#include "job.h"
#include "job_internal.h"
#include "keep.h"

static int refuse_broken(const struct venv *v, const char *what, struct vs_err *err)
{
	return vs_err_set(err, VS_EUSAGE,
			  "%s cannot be %s in place: its base interpreter %s is gone. Rebuild it "
			  "with another Python, keeping its packages: venvscope rebuild --python "
			  "PYTHON %s",
			  v->path, what, v->base_python ? v->base_python : "(unknown)", v->path);
}

/* True when pyvenv.cfg's `command` (3.11+) was run with `flag`. */
static bool made_with(const struct venv *v, const char *flag)
{
	const char *cmd = v->cfg ? scan_cfg_get(v->cfg, "command") : NULL;
	size_t n = strlen(flag);

	for (const char *p = cmd; p && (p = strstr(p, flag)) != NULL; p += n) {
		bool start = p == cmd || p[-1] == ' ';
		bool end = p[n] == '\0' || p[n] == ' ';

		if (start && end)
			return true;
	}
	return false;
}

static struct act_job *new_job(enum act_kind kind, const struct venv *v)
{
	struct act_job *j = xcalloc(1, sizeof(*j));

	j->kind = kind;
	j->paths = xcalloc(1, sizeof(*j->paths));
	j->existed = xcalloc(1, sizeof(*j->existed));
	j->paths[0] = xstrdup(v->path);
	j->existed[0] = true;
	j->n_paths = 1;
	return j;
}

/* The job with its base interpreter probed: never a python inside the env
 * (venv_base_interpreter), so clearing or upgrading runs nothing of it. */
int act_refuse_conda(const struct venv *v, const char *what, struct vs_err *err)
{
	bool pixi;

	if (v->kind != VENV_KIND_CONDA)
		return 0;
	pixi = v->manager && strcmp(v->manager, "pixi") == 0;
	return vs_err_set(err, VS_EUSAGE,
			  "%s cannot be %s by venvscope: it is a %s environment, whose packages %s "
			  "keeps in conda-meta, not one python -m venv made; %s",
			  v->path, what, pixi ? "pixi" : "conda", v->manager ? v->manager : "conda",
			  pixi ? "use `pixi install` or `pixi update` in its project instead"
			       : "use its own tool instead (conda update --all -p PREFIX, conda "
				 "remove --all -p PREFIX)");
}

static int start(struct act_job **out, enum act_kind kind, const struct venv *v, const char *what,
		 struct vs_err *err)
{
	struct vs_err why = {0};
	char *base = NULL;
	struct act_job *j;
	int rc;

	*out = NULL;
	if ((rc = act_refuse_conda(v, what, err)) < 0)
		return rc;
	if (v->broken)
		return refuse_broken(v, what, err);
	if (!(base = venv_base_interpreter(v, &why)))
		return vs_err_set(err, VS_EUSAGE,
				  "%s cannot be %s in place: %s. Rebuild it with another Python, keeping "
				  "its packages: venvscope rebuild --python PYTHON %s",
				  v->path, what, why.msg, v->path);
	j = new_job(kind, v);
	rc = scan_probe_python(&j->python, base, err);
	free(base);
	if (rc < 0) {
		act_job_free(j);
		return rc;
	}
	*out = j;
	return 0;
}

/* The prompt a pre-3.8 venv wrote into bin/activate as `PS1="(PROMPT) ...`,
 * when it is not the folder's name (venv's default). Caller frees. */
static char *prompt_from_activate(const struct venv *v)
{
	char *path = path_join(v->path, "bin/activate");
	char *text = NULL, *found = NULL;
	size_t len = 0;

	/* Bounded like every read: a FIFO or /dev/zero there is no script. */
	if (vs_read_at(AT_FDCWD, path, 0, VS_READ_MAX_SMALL, &text, &len, NULL) == 0) {
		for (char *line = text; line && !found;) {
			char *end = strchr(line, '\n');
			char *p, *e;

			if (end)
				*end = '\0';
			p = strstr(line, "PS1=\"(");
			e = p ? strstr(p, ") ${PS1") : NULL;
			if (p && e)
				found = xstrndup(p + 6, (size_t)(e - (p + 6)));
			line = end ? end + 1 : NULL;
		}
	}
	free(text);
	free(path);
	if (found && (!*found || strcmp(found, v->name) == 0 || strchr(found, '$'))) {
		free(found); /* none, the default, or not a literal */
		found = NULL;
	}
	return found;
}

/* The flags that keep an env as it was made. */
static void keep_options(struct act_job *j, size_t *n, const struct venv *v, bool with_prompt)
{
	if (v->link == VENV_LINK_COPY)
		act_argv_add(j, n, "--copies");
	else
		act_argv_add(j, n, "--symlinks");
	if (v->system_site_packages == VENV_YES)
		act_argv_add(j, n, "--system-site-packages");
	if ((v->packages_known && !v->has_pip) || made_with(v, "--without-pip"))
		act_argv_add(j, n, "--without-pip");
	if (with_prompt && v->prompt && v->cfg && scan_cfg_get(v->cfg, "prompt")) {
		act_argv_add(j, n, "--prompt");
		act_argv_add(j, n, v->prompt);
	} else if (with_prompt && !(v->cfg && scan_cfg_get(v->cfg, "virtualenv"))) {
		/* venv before 3.8 kept --prompt only in bin/activate. virtualenv
		 * keeps it in pyvenv.cfg; its activate script's `PS1="() ..."`
		 * branch is not a prompt (as --prompt "" it made `() $`). */
		char *old = prompt_from_activate(v);

		if (old) {
			act_argv_add(j, n, "--prompt");
			act_argv_add(j, n, old);
			free(old);
		}
	}
	if (made_with(v, "--without-scm-ignore-files") && scan_python_at_least(&j->python, 3, 13))
		act_argv_add(j, n, "--without-scm-ignore-files");
}

int act_prepare_clear(struct act_job **out, const struct venv *v, struct vs_err *err)
{
	struct act_job *j;
	size_t n = 0;
	int rc = start(&j, ACT_CLEAR, v, "cleared", err);

	if (rc < 0)
		return rc;
	act_argv_add(j, &n, j->python.path);
	act_argv_add(j, &n, "-m");
	act_argv_add(j, &n, "venv");
	act_argv_add(j, &n, "--clear");
	keep_options(j, &n, v, true);
	act_argv_add(j, &n, v->path);
	j->title = xasprintf("clear %s", v->path);
	j->kept = act_kept_read(v->path); /* venv --clear deletes them */
	*out = j;
	return 0;
}

static void upgrade_python_argv(struct act_job *j, const struct venv *v)
{
	size_t n = 0;

	act_argv_add(j, &n, j->python.path);
	act_argv_add(j, &n, "-m");
	act_argv_add(j, &n, "venv");
	act_argv_add(j, &n, "--upgrade");
	keep_options(j, &n, v, false);
	act_argv_add(j, &n, v->path);
	j->title = xasprintf("upgrade %s", v->path);
	j->before = v->python_version ? xstrdup(v->python_version) : NULL;
}

/* pip (and setuptools before 3.12), as venv's --upgrade-deps does. */
static int upgrade_deps_argv(struct act_job *j, const struct venv *v, struct vs_err *err)
{
	char *py = path_join(v->path, "bin/python");
	size_t n = 0;

	if (!v->has_pip) {
		free(py);
		return vs_err_set(err, VS_EUSAGE,
				  "%s has no pip (it was made --without-pip): nothing "
				  "to upgrade",
				  v->path);
	}
	act_argv_add(j, &n, py);
	act_argv_add(j, &n, "-m");
	act_argv_add(j, &n, "pip");
	act_argv_add(j, &n, "install");
	act_argv_add(j, &n, "--upgrade");
	act_argv_add(j, &n, "pip");
	if (!scan_python_at_least(&j->python, 3, 12))
		act_argv_add(j, &n, "setuptools");
	free(py);
	j->title = xasprintf("upgrade pip in %s", v->path);
	j->before = v->pip_version ? xstrdup(v->pip_version) : NULL;
	return 0;
}

int act_prepare_upgrade(struct act_job **out, const struct venv *v, bool deps, struct vs_err *err)
{
	struct act_job *j;
	int rc = start(&j, deps ? ACT_UPGRADE_DEPS : ACT_UPGRADE, v, "upgraded", err);

	if (rc < 0)
		return rc;
	if (!deps) {
		upgrade_python_argv(j, v);
	} else if ((rc = upgrade_deps_argv(j, v, err)) < 0) {
		act_job_free(j);
		return rc;
	}
	*out = j;
	return 0;
}
