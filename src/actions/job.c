/* What every venv/pip job shares: output capture, running, and reading the
 * end of a run into words. */
#include "job.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../scan/inspect.h"
#include "caches.h"
#include "job_internal.h"
#include "keep.h"
#include "../scan/pyvenv_cfg.h"
#include "../util/xalloc.h"
#include "../util/vec.h"

#define OUTPUT_KEEP (256 * 1024)

static const char *const child_unset[] = {"PYTHONHOME", NULL};

void act_job_output(struct act_job *j, enum vs_proc_stream s, const char *line)
{
	(void)s;
	if (j->output.len > OUTPUT_KEEP) {
		/* Keep the tail: the end of the output says what went wrong. */
		size_t drop = j->output.len - OUTPUT_KEEP / 2;

		memmove(j->output.buf, j->output.buf + drop, j->output.len - drop);
		j->output.len -= drop;
		j->output.buf[j->output.len] = '\0';
	}
	sb_adds(&j->output, line);
	sb_addc(&j->output, '\n');
}

void act_job_spawn(const struct act_job *j, struct vs_proc_spawn *out)
{
	memset(out, 0, sizeof(*out));
	out->argv = (const char *const *)j->argv;
	out->unset = child_unset;
	/* `python -m venv` and `-m pip` put the current folder first on
	 * sys.path: run from inside an env, a venv/ or pip/ there would be what
	 * runs. Every path a job names is absolute (a create's targets are made
	 * so); a relative --python, and a job run isolated because venv needs
	 * the current folder's name, keep the current folder. */
	if (!j->keep_cwd && (j->argv[0][0] == '/' || !strchr(j->argv[0], '/')))
		out->cwd = "/";
}

struct echo_ctx {
	struct act_job *job;
	vs_proc_line_fn echo;
	void *ctx;
};

static void tee_line(void *ctx, enum vs_proc_stream s, const char *line)
{
	struct echo_ctx *e = ctx;

	act_job_output(e->job, s, line);
	if (e->echo)
		e->echo(e->ctx, s, line);
}

int act_job_begin(struct act_job *j, struct vs_err *err)
{
	return j->kind == ACT_REBUILD ? act_rebuild_begin(j, err) : 0;
}

/* One child of the job, to its end. */
static int run_step(struct act_job *j, struct echo_ctx *e, struct vs_err *err)
{
	struct sigaction ign = {0}, old_int, old_quit;
	struct vs_proc_spawn sp;
	int status = -1, rc;

	act_job_spawn(j, &sp);
	/* In its own group the child missed the terminal's Ctrl-C: we died
	 * and it finished (or half-finished) the env unseen. */
	sp.flags |= VS_PROC_SAME_PGROUP;
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	rc = vs_proc_run(&sp, tee_line, e, &status, err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (rc < 0 && j->kind != ACT_REBUILD)
		return VS_EFAIL;
	if (rc < 0) /* a rebuild must still put the old env back */
		act_job_output(j, VS_PROC_STDERR, err->msg), status = 127;
	return act_job_finish(j, status, false, err);
}

int act_job_run(struct act_job *j, vs_proc_line_fn echo, void *ctx, struct vs_err *err)
{
	struct echo_ctx e = {j, echo, ctx};
	int rc = act_job_begin(j, err);

	if (rc < 0)
		return rc;
	while ((rc = run_step(j, &e, err)) == ACT_JOB_AGAIN)
		; /* the next step's argv is set */
	return rc;
}

static bool said(const struct act_job *j, const char *words)
{
	return j->output.buf && strstr(j->output.buf, words) != NULL;
}

static bool network_trouble(const struct act_job *j)
{
	static const char *const signs[] = {
		"Failed to establish a new connection",
		"Temporary failure in name resolution",
		"NewConnectionError",
		"Network is unreachable",
		"Could not fetch URL",
		"No matching distribution found",
		"Could not find a version that satisfies",
		"Retrying (Retry(",
		"ConnectTimeoutError",
		"ProxyError",
	};

	for (size_t i = 0; i < sizeof(signs) / sizeof(*signs); i++)
		if (said(j, signs[i]))
			return true;
	return false;
}

/* The last `n` non-empty lines of output, joined with " / ". */
static char *last_lines(const struct act_job *j, int n)
{
	const char *s = j->output.buf ? j->output.buf : "";
	const char *end = s + strlen(s);
	const char *p = end;
	int found = 0;
	struct strbuf sb = STRBUF_INIT;

	while (p > s && found < n) {
		const char *e = p;

		while (e > s && e[-1] == '\n')
			e--;
		p = e;
		while (p > s && p[-1] != '\n')
			p--;
		if (e > p)
			found++;
		if (found == n || p == s)
			break;
	}
	for (const char *q = p; q < end; q++) {
		if (*q == '\n') {
			if (sb.len && q + 1 < end)
				sb_adds(&sb, " / ");
		} else {
			sb_addc(&sb, *q);
		}
	}
	return sb_detach(&sb);
}

char *act_job_lines(const struct act_job *j, const char *prefix)
{
	const char *s = j->output.buf ? j->output.buf : "";
	struct strbuf sb = STRBUF_INIT;
	char *last = NULL;

	for (const char *p = s; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len && !prefix) {
			free(last);
			last = xstrndup(p, len);
		} else if (len && strncmp(p, prefix, strlen(prefix)) == 0) {
			if (sb.len)
				sb_adds(&sb, " / ");
			sb_add(&sb, p, len);
		}
		p = e ? e + 1 : p + len;
	}
	if (!prefix) {
		sb_free(&sb);
		return last ? last : xstrdup("");
	}
	return sb_detach(&sb);
}

/* What pip said when it could not install a recipe, and how to retry. */
static void install_failure(const struct act_job *j, int status, struct vs_err *err)
{
	char *said_err = act_job_lines(j, "ERROR:");
	char *last = *said_err ? NULL : act_job_lines(j, NULL);

	vs_err_set(err, VS_EFAIL,
		   "pip installed nothing (exit %d): %s%s. Later: %s -m pip install -r %s", status,
		   *said_err ? said_err : last,
		   network_trouble(j) ? " (the package index could not be reached, or has no "
					"such versions)"
				      : "",
		   j->argv[0], j->argv[j->n_argv_req]);
	free(said_err);
	free(last);
}

/* Why `python -m venv` failed, in words a person can act on. */
static void explain_venv_failure(const struct act_job *j, int status, struct vs_err *err)
{
	char *tail = last_lines(j, 3);

	if (said(j, "ensurepip is not available"))
		vs_err_set(err, VS_EFAIL,
			   "%s has no ensurepip, so it cannot put pip into the environment. On Debian "
			   "or Ubuntu install the package python%d.%d-venv (apt install python%d.%d-venv), "
			   "or create it without pip",
			   j->python.path, j->python.major, j->python.minor, j->python.major,
			   j->python.minor);
	else if (said(j, "Permission denied"))
		vs_err_set(err, VS_EFAIL, "permission denied: %s", tail);
	else if (said(j, "contains the PATH separator"))
		vs_err_set(err, VS_EUSAGE, "venv refuses a path that contains ':' (%s)", tail);
	else if (said(j, "No space left on device"))
		vs_err_set(err, VS_EFAIL, "the disk is full: %s", tail);
	else if (j->kind == ACT_INSTALL)
		install_failure(j, status, err);
	else if (network_trouble(j))
		vs_err_set(err, VS_EFAIL,
			   "the package index could not be reached (no network?), so "
			   "pip could not be upgraded: %s",
			   tail);
	else
		vs_err_set(err, VS_EFAIL, "%s exited with status %d: %s", j->argv[0], status,
			   *tail ? tail : "(no output)");
	free(tail);
}

/* Folders a failed create made that were not there before. */
static void note_partial(struct act_job *j)
{
	for (size_t i = 0; i < j->n_paths; i++) {
		struct stat st;

		if (j->existed[i] || lstat(j->paths[i], &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		j->partial = xrealloc(j->partial, (j->n_partial + 1) * sizeof(*j->partial));
		j->partial[j->n_partial++] = xstrdup(j->paths[i]);
	}
}

/* The `version` pyvenv.cfg says now, or NULL. */
static char *cfg_version(const char *env)
{
	int fd = open(env, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct scan_cfg *cfg = NULL;
	char *v = NULL;

	if (fd < 0)
		return NULL;
	if (scan_cfg_read_at(&cfg, fd, "pyvenv.cfg", NULL) == 0) {
		const char *s = scan_cfg_get(cfg, "version");

		if (!s)
			s = scan_cfg_get(cfg, "version_info");
		v = s ? xstrdup(s) : NULL;
		scan_cfg_free(cfg);
	}
	close(fd);
	return v;
}

/* The pip version installed in the env now, or NULL. */
static char *pip_version(const char *env)
{
	int fd = open(env, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct scan_pkgs_result *r;
	char *v = NULL;

	if (fd < 0)
		return NULL;
	r = scan_inspect_packages(fd, env);
	close(fd);
	for (size_t i = 0; i < r->packages.n && !v; i++)
		if (r->packages.items[i].canonical &&
		    strcmp(r->packages.items[i].canonical, "pip") == 0)
			v = r->packages.items[i].version ? xstrdup(r->packages.items[i].version)
							 : NULL;
	scan_pkgs_result_free(r);
	return v;
}

static bool upgraded_deps(const struct act_job *j)
{
	for (size_t i = 0; j->argv[i]; i++)
		if (strcmp(j->argv[i], "--upgrade-deps") == 0)
			return true;
	return false;
}

static int finish_ok(struct act_job *j)
{
	char *now = NULL;

	switch (j->kind) {
	case ACT_CREATE: {
		/* venv exits 0 when --upgrade-deps could not reach the index. */
		const char *warn = upgraded_deps(j) && network_trouble(j)
					   ? ", but pip could not be upgraded: the package index "
					     "could not be reached (no network?)"
					   : "";

		j->summary = j->n_paths == 1 ? xasprintf("created %s with Python %s%s", j->paths[0],
							 j->python.version, warn)
					     : xasprintf("created %zu environments with Python %s%s",
							 j->n_paths, j->python.version, warn);
		break;
	}
	case ACT_CLEAR: {
		struct vs_err kerr = {0};
		size_t kept = act_kept_count(j->kept);

		if (act_kept_restore(j->kept, j->paths[0], &kerr) < 0)
			j->summary = xasprintf("cleared %s, but %s", j->paths[0], kerr.msg);
		else
			j->summary = xasprintf("cleared %s: an empty environment with Python %s%s",
					       j->paths[0], j->python.version,
					       kept ? "; its manager's files were kept" : "");
		break;
	}
	case ACT_UPGRADE:
		now = cfg_version(j->paths[0]);
		if (now && j->before && strcmp(now, j->before) != 0)
			j->summary = xasprintf("upgraded %s: Python %s -> %s", j->paths[0], j->before,
					       now);
		else
			j->summary = xasprintf("%s already uses Python %s; its links and scripts were "
					       "refreshed",
					       j->paths[0], now ? now : "?");
		break;
	case ACT_INSTALL: {
		/* pip's own words: "Successfully installed alpha-1.0 beta-2.5". */
		char *done = act_job_lines(j, "Successfully installed ");

		j->summary = *done ? xasprintf("%s into %s", done, j->paths[0])
				   : xasprintf("pip installed nothing new into %s (every requirement "
					       "was already there)",
					       j->paths[0]);
		free(done);
		break;
	}
	case ACT_CACHE_CLEAN:
		j->summary = act_cache_freed_text(j->cache);
		break;
	case ACT_REBUILD: /* rebuild.c */
		break;
	case ACT_UPGRADE_DEPS:
		now = pip_version(j->paths[0]);
		if (now && j->before && strcmp(now, j->before) != 0)
			j->summary = xasprintf("upgraded pip in %s: %s -> %s", j->paths[0], j->before,
					       now);
		else
			j->summary = xasprintf("pip %s in %s is already the newest the index offers",
					       now ? now : "?", j->paths[0]);
		break;
	}
	free(now);
	return 0;
}

int act_job_finish(struct act_job *j, int status, bool cancelled, struct vs_err *err)
{
	if (j->kind == ACT_REBUILD)
		return act_rebuild_finish(j, status, cancelled, err);
	/* 128 + SIGINT: Ctrl-C at the terminal (Python re-raises it). */
	if (cancelled || status == 128 + 2 || status == 128 + 15 || status == 128 + 9) {
		if (j->kind == ACT_CREATE)
			note_partial(j);
		return vs_err_set(err, VS_EFAIL, "cancelled%s",
				  j->n_partial ? "; it left a partial "
						 "folder behind"
					       : "");
	}
	if (status != 0) {
		if (j->kind == ACT_CREATE)
			note_partial(j);
		if (j->kind == ACT_CLEAR) /* best effort: a half-cleared env keeps them */
			act_kept_restore(j->kept, j->paths[0], &(struct vs_err){0});
		explain_venv_failure(j, status, err);
		return err->code ? err->code : VS_EFAIL;
	}
	/* pip exits 0 offline after retrying: its warnings and an unchanged
	 * version say what really happened. */
	if (j->kind == ACT_UPGRADE_DEPS && network_trouble(j)) {
		char *now = pip_version(j->paths[0]);
		bool same = !now || !j->before || strcmp(now, j->before) == 0;

		free(now);
		if (same)
			return vs_err_set(err, VS_EFAIL,
					  "the package index could not be reached (no network?): pip "
					  "stayed at %s in %s",
					  j->before ? j->before : "?", j->paths[0]);
	}
	return finish_ok(j);
}

void act_job_free(struct act_job *j)
{
	if (!j)
		return;
	free(j->title);
	for (size_t i = 0; j->argv && j->argv[i]; i++)
		free(j->argv[i]);
	free(j->argv);
	vs_strv_free(j->paths, j->n_paths);
	free(j->existed);
	scan_python_clear(&j->python);
	free(j->before);
	sb_free(&j->output);
	free(j->summary);
	if (j->cache)
		scan_caches_free(j->cache, 1);
	vs_strv_free(j->partial, j->n_partial);
	act_kept_free(j->kept);
	act_rebuild_free(j->rebuild);
	free(j);
}
