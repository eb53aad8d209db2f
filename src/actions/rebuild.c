/* act_prepare_rebuild and its steps: re-create an env with its packages
 * (the contract is in job.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../pip/pip.h"
#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "job.h"
#include "job_internal.h"
#include "keep.h"
#include "open.h"
#include "rebuild_check.h"
#include "record.h"
#include "trash.h"

#define ASIDE_TRIES 20

enum step { STEP_VENV, STEP_PIP, STEP_DONE };

struct act_rebuild {
	char *recipe; /* the native freeze (owned) */
	size_t lines; /* its requirement lines */
	char *find_links;
	char *aside;     /* where the old env waits while the new one is made */
	char *record;    /* the deletion record holding the recipe */
	char *old_tools; /* pip's own tools the old env had ("pip 23.0.1, ..."), or NULL */
	enum step step;
};

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (const char *p = s; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len && *p != '#')
			n++;
		p = e ? e + 1 : NULL;
	}
	return n;
}

/* Drops "--clear" from a create's argv: the path is free when venv runs,
 * and nothing must ever clear the old env by mistake. */
static void drop_clear(struct act_job *j)
{
	size_t w = 0;

	for (size_t r = 0; j->argv[r]; r++) {
		if (strcmp(j->argv[r], "--clear") == 0)
			free(j->argv[r]);
		else
			j->argv[w++] = j->argv[r];
	}
	j->argv[w] = NULL;
}

/* pip's own tools in `v`: from the model when its packages were read, else
 * read now (a freeze leaves them out, so the recipe cannot say). */
static char *tools_of(const struct venv *v)
{
	struct scan_pkgs_result *r;
	char *out;
	int fd;

	if (v->packages_known)
		return act_rebuild_tools(&v->packages);
	fd = open(v->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	r = scan_inspect_packages(fd, v->path);
	close(fd);
	out = act_rebuild_tools(&r->packages);
	scan_pkgs_result_free(r);
	return out;
}

int act_prepare_rebuild(struct act_job **out, const struct venv *v, const struct act_rebuild_opts *o,
			struct vs_err *err)
{
	struct scan_freeze_opts fo = {0};
	struct act_create_opts co = {0};
	struct act_rebuild *rb;
	char *base = NULL, *recipe = NULL;
	const char *target = v->path;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = act_refuse_conda(v, "rebuilt", err)) < 0)
		return rc;
	if (!v->cfg)
		return vs_err_set(err, VS_EUSAGE,
				  "%s: not a venv (no readable pyvenv.cfg): venvscope rebuilds "
				  "only what python -m venv or virtualenv made",
				  v->path);
	if (scan_freeze_env(&recipe, &len, v, &fo, NULL, err) != 0)
		return VS_EFAIL;
	if (!o->python)
		base = venv_base_interpreter(v, &(struct vs_err){0});
	co.python = o->python ? o->python : base;
	co.targets = &target;
	co.n_targets = 1;
	co.clear = true; /* the old env is there now; it is moved aside first */
	co.system_site_packages = v->system_site_packages == VENV_YES;
	co.link = v->link == VENV_LINK_COPY ? ACT_LINK_COPIES : ACT_LINK_SYMLINKS;
	/* The prompt as it was: venv's default (the folder's name) stays so. */
	co.prompt = v->prompt && scan_cfg_get(v->cfg, "prompt") ? v->prompt : NULL;
	co.without_pip = count_lines(recipe) == 0 && v->packages_known && !v->has_pip;
	rc = act_prepare_create(out, &co, err);
	free(base);
	if (rc < 0) {
		free(recipe);
		return rc;
	}
	drop_clear(*out);
	(*out)->kind = ACT_REBUILD;
	free((*out)->title);
	(*out)->title = xasprintf("rebuild %s with Python %s", v->path, (*out)->python.version);
	(*out)->existed[0] = true;
	rb = (*out)->rebuild = xcalloc(1, sizeof(*rb));
	rb->recipe = recipe;
	rb->lines = count_lines(recipe);
	rb->find_links = o->find_links ? path_absolute(o->find_links) : NULL;
	rb->old_tools = tools_of(v);
	return 0;
}

size_t act_rebuild_recipe_lines(const struct act_job *j)
{
	return j->rebuild ? j->rebuild->lines : 0;
}

const char *act_rebuild_recipe(const struct act_job *j)
{
	return j->rebuild ? j->rebuild->recipe : "";
}

/* Moves `path` to a free hidden sibling, .NAME.rebuild-old[-N]. */
static int move_aside(struct act_rebuild *rb, const char *path, struct vs_err *err)
{
	char *dir = path_dirname(path);
	int e = 0;

	for (int i = 1; i <= ASIDE_TRIES && !rb->aside; i++) {
		char *name = i == 1 ? xasprintf(".%s.rebuild-old", path_basename(path))
				    : xasprintf(".%s.rebuild-old-%d", path_basename(path), i);
		char *to = path_join(dir, name);

		free(name);
		if (renameat2(AT_FDCWD, path, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
			rb->aside = to;
		else
			e = errno, free(to);
		if (e != EEXIST && e != ENOTEMPTY && !rb->aside)
			break;
	}
	free(dir);
	if (rb->aside)
		return 0;
	return vs_err_set(err, VS_EFAIL, "%s: could not be moved aside to make the new one: %s", path,
			  strerror(e));
}

int act_rebuild_begin(struct act_job *j, struct vs_err *err)
{
	struct act_rebuild *rb = j->rebuild;
	struct act_open_opts oo = {.what = ACT_OPEN_PACKAGES};
	struct venv *v = NULL;
	int rc;

	/* The recipe is kept as a deletion record before anything moves. */
	if ((rc = act_open_env(&v, j->paths[0], &oo, err)) < 0)
		return rc;
	rc = act_record_write(&rb->record, v, time(NULL), err);
	venv_free(v);
	if (rc < 0)
		return rc;
	j->kept = act_kept_read(j->paths[0]);
	if ((rc = move_aside(rb, j->paths[0], err)) < 0) {
		act_record_end(rb->record, false, ACT_RECORD_UNTOUCHED);
		return rc;
	}
	rb->step = STEP_VENV;
	return 0;
}

/* pip's own ERROR lines, joined; else the last line of output. */
static char *child_error(const struct act_job *j, int status)
{
	char *out = act_job_lines(j, "ERROR:");
	char *last;

	if (*out)
		return out;
	free(out);
	last = act_job_lines(j, NULL);
	out = *last ? xasprintf("exited with status %d: %s", status, last)
		    : xasprintf("exited with status %d", status);
	free(last);
	return out;
}

/* Puts the old env back: the new one (or what venv left) goes first. */
static int undo(struct act_job *j, const char *why, struct vs_err *err)
{
	struct act_rebuild *rb = j->rebuild;
	const char *path = j->paths[0];
	struct vs_err rm = {0};
	struct stat st;

	if (lstat(path, &st) == 0 && act_remove_partial(path, &rm) < 0)
		return vs_err_set(err, VS_EFAIL,
				  "rebuild of %s failed: %s. The new environment could not be "
				  "removed (%s); the old one is unchanged at %s",
				  path, why, rm.msg, rb->aside);
	if (renameat2(AT_FDCWD, rb->aside, AT_FDCWD, path, RENAME_NOREPLACE) != 0)
		return vs_err_set(err, VS_EFAIL,
				  "rebuild of %s failed: %s. The old environment is unchanged at "
				  "%s but could not be moved back: %s",
				  path, why, rb->aside, strerror(errno));
	act_record_end(rb->record, false, ACT_RECORD_UNTOUCHED);
	return vs_err_set(err, VS_EFAIL,
			  "rebuild of %s failed: %s. The old environment is back in place, unchanged",
			  path, why);
}

static void pip_argv(struct act_job *j)
{
	struct act_rebuild *rb = j->rebuild;
	char *py = path_join(j->paths[0], "bin/python");
	char *req = path_join(rb->record, "requirements.txt");
	size_t n = 0;

	for (size_t i = 0; j->argv[i]; i++)
		free(j->argv[i]);
	free(j->argv);
	j->argv = NULL;
	act_argv_add(j, &n, py);
	act_argv_add(j, &n, "-m");
	act_argv_add(j, &n, "pip");
	act_argv_add(j, &n, "install");
	act_argv_add(j, &n, "--disable-pip-version-check");
	act_argv_add(j, &n, "--no-input");
	if (rb->find_links) {
		act_argv_add(j, &n, "--no-index");
		act_argv_add(j, &n, "--find-links");
		act_argv_add(j, &n, rb->find_links);
	}
	act_argv_add(j, &n, "-r");
	act_argv_add(j, &n, req);
	free(py);
	free(req);
}

/* The new env's freeze against the recipe, and pip's own tools before and
 * after, in words (never silently: a venv of Python 3.12 brings no
 * setuptools where the old one had it). */
static char *checked(const struct act_rebuild *rb, const char *path)
{
	static const char *const tools[] = {"setuptools ", "wheel ", "distribute "};
	struct act_open_opts oo = {.what = ACT_OPEN_PACKAGES};
	struct scan_freeze_opts fo = {0};
	struct vs_err e = {0};
	struct venv *nv = NULL;
	char *now = NULL, *diff = NULL, *new_tools = NULL, *out;
	size_t len = 0;
	struct strbuf sb = STRBUF_INIT;

	if (act_open_env(&nv, path, &oo, &e) == 0 &&
	    scan_freeze_env(&now, &len, nv, &fo, NULL, &e) == 0) {
		diff = act_rebuild_compare(rb->recipe, now);
		new_tools = act_rebuild_tools(&nv->packages);
		if (diff)
			sb_addf(&sb, "its freeze differs from the recipe (%s)", diff);
		else
			sb_addf(&sb, "its freeze is the recipe (compared line by line as sets, with "
				     "what differs between pip versions alone set aside: the "
				     "spelling of names, a #sha256= after a URL, pip's own tools)");
	} else {
		sb_addf(&sb, "its freeze could not be read to compare: %s", e.msg);
	}
	sb_addf(&sb, "; pip's own tools (a freeze leaves them out): before %s, now %s",
		rb->old_tools ? rb->old_tools : "none", new_tools ? new_tools : "none");
	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++)
		if (rb->old_tools && strstr(rb->old_tools, tools[i]) &&
		    !(new_tools && strstr(new_tools, tools[i])))
			sb_addf(&sb,
				" (%.*s is not brought by the new venv: pip install it if the "
				"project needs it)",
				(int)strlen(tools[i]) - 1, tools[i]);
	out = sb_detach(&sb);
	free(now);
	free(diff);
	free(new_tools);
	venv_free(nv);
	return out;
}

/* All went well: the manager's files back, the old env to the trash. */
static int finish_done(struct act_job *j, struct vs_err *err)
{
	struct act_rebuild *rb = j->rebuild;
	struct act_open_opts oo = {.what = ACT_OPEN_CONFIG};
	struct vs_err kerr = {0}, terr = {0};
	struct venv *old = NULL;
	char *trashed = NULL, *check;
	int rc;

	rb->step = STEP_DONE;
	act_kept_restore(j->kept, j->paths[0], &kerr);
	rc = act_open_env(&old, rb->aside, &oo, &terr);
	if (rc == 0)
		rc = act_trash_as(&trashed, old, act_home(), j->paths[0], &terr);
	venv_free(old);
	act_record_end(rb->record, false, ACT_RECORD_DONE);
	if (rc < 0) {
		rc = vs_err_set(err, VS_EFAIL,
				"rebuilt %s, but the old environment could not be moved to the "
				"trash (%s): it is still at %s",
				j->paths[0], terr.msg, rb->aside);
		return rc;
	}
	check = checked(rb, j->paths[0]);
	j->summary = xasprintf("rebuilt %s with Python %s: %zu requirement%s of its recipe "
			       "installed; %s; the old environment is in the trash (%s); recipe: "
			       "%s/requirements.txt%s%s",
			       j->paths[0], j->python.version, rb->lines, rb->lines == 1 ? "" : "s",
			       check, trashed, rb->record, kerr.msg[0] ? "; but " : "", kerr.msg);
	free(check);
	free(trashed);
	return 0;
}

int act_rebuild_finish(struct act_job *j, int status, bool cancelled, struct vs_err *err)
{
	struct act_rebuild *rb = j->rebuild;
	char *why;
	int rc;

	if (cancelled || status != 0) {
		char *child = cancelled ? xstrdup("cancelled") : child_error(j, status);

		why = rb->step == STEP_VENV ? xasprintf("python -m venv %s", child)
					    : xasprintf("pip could not install the recipe: %s", child);
		free(child);
		rc = undo(j, why, err);
		free(why);
		return rc;
	}
	if (rb->step == STEP_VENV && rb->lines > 0) {
		rb->step = STEP_PIP;
		pip_argv(j);
		return ACT_JOB_AGAIN;
	}
	return finish_done(j, err);
}

void act_rebuild_free(struct act_rebuild *r)
{
	if (!r)
		return;
	free(r->recipe);
	free(r->find_links);
	free(r->aside);
	free(r->record);
	free(r->old_tools);
	free(r);
}
