/* The gitignore fix: an ignore line for the env (or a "*" .gitignore inside
 * it), after taking its files out of the index when they are tracked. */
#include "gitignore.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../scan/git.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "write_atomic.h"

void act_gitignore_plan_clear(struct act_gitignore_plan *p)
{
	if (!p)
		return;
	free(p->repo);
	free(p->file);
	free(p->line);
	memset(p, 0, sizeof(*p));
}

static const char *git_why(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

/* The env's path below the work tree `repo` ("" when it is the root), as
 * libgit2 sees it (physical). NULL with err set when it is not below. */
static char *rel_path(const char *repo, const char *env_path, struct vs_err *err)
{
	char *real = realpath(env_path, NULL), *rel = NULL;
	size_t n = strlen(repo);

	if (!real) {
		vs_err_set(err, VS_EFAIL, "cannot resolve %s: %s", env_path, strerror(errno));
		return NULL;
	}
	if (path_has_prefix(real, repo)) {
		const char *r = real + n;

		while (*r == '/')
			r++;
		rel = xstrdup(r);
	} else {
		vs_err_set(err, VS_EFAIL, "%s is not inside the work tree %s", env_path, repo);
	}
	free(real);
	return rel;
}

/* A .gitignore line that matches exactly the folder `rel` below the root:
 * glob characters are escaped. NULL when a name holds a newline. */
static char *ignore_line(const char *rel)
{
	struct strbuf sb = STRBUF_INIT;

	if (strchr(rel, '\n'))
		return NULL;
	sb_addc(&sb, '/');
	for (const char *p = rel; *p; p++) {
		if (strchr("*?[\\", *p))
			sb_addc(&sb, '\\');
		sb_addc(&sb, *p);
	}
	sb_addc(&sb, '/');
	return sb_detach(&sb);
}

/* Index entries below `rel` (any stage); <0 when the index cannot be read. */
static int count_tracked(git_repository *repo, const char *rel, size_t *out)
{
	git_index *idx = NULL;
	char *prefix = rel[0] ? xasprintf("%s/", rel) : xstrdup("");
	size_t pos, n = strlen(prefix);
	int rc;

	*out = 0;
	if ((rc = git_repository_index(&idx, repo)) == 0 && (rc = git_index_read(idx, 1)) == 0 &&
	    git_index_find_prefix(&pos, idx, prefix) == 0) {
		const git_index_entry *e;

		while ((e = git_index_get_byindex(idx, pos++)) && strncmp(e->path, prefix, n) == 0)
			(*out)++;
	}
	git_index_free(idx);
	free(prefix);
	return rc;
}

int act_gitignore_plan(struct act_gitignore_plan *out, const char *env_path, bool inner,
		       struct vs_err *err)
{
	struct scan_git_info info = {0};
	struct scan_git *g = NULL;
	git_repository *repo = NULL;
	char *abs = path_absolute(env_path), *rel = NULL;
	struct stat st;
	int rc = VS_OK;

	memset(out, 0, sizeof(*out));
	git_libgit2_init();
	if (!abs || stat(abs, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = vs_err_set(err, VS_EUSAGE, "%s is not a folder", env_path);
		goto done;
	}
	g = scan_git_new();
	scan_git_lookup(g, abs, &info);
	switch (info.state) {
	case SCAN_GIT_UNKNOWN:
		rc = vs_err_set(err, VS_EFAIL, "%s", info.error ? info.error : "git state unknown");
		goto done;
	case SCAN_GIT_NO_REPO:
		rc = vs_err_set(err, VS_EUSAGE,
				"%s is not inside a git work tree: there is nothing to ignore", abs);
		goto done;
	case SCAN_GIT_IGNORED:
		rc = vs_err_set(err, VS_EUSAGE,
				"git already ignores %s (%s) and tracks none of its files", abs,
				info.rule ? info.rule : "an ignore rule");
		goto done;
	case SCAN_GIT_NOT_IGNORED:
	case SCAN_GIT_TRACKED:
		break;
	}
	if (!(rel = rel_path(info.repo, abs, err))) {
		rc = VS_EFAIL;
		goto done;
	}
	out->repo = xstrdup(info.repo);
	if (info.state == SCAN_GIT_TRACKED) {
		out->untrack = true;
		if (git_repository_open(&repo, info.repo) < 0 ||
		    count_tracked(repo, rel, &out->n_tracked) < 0) {
			rc = vs_err_set(err, VS_EFAIL, "cannot read the index of %s: %s", info.repo,
					git_why());
			goto done;
		}
		/* A rule already ignores it: taking it out of the index is enough. */
		if (info.rule)
			goto done;
	}
	if (inner) {
		out->file = path_join(abs, ".gitignore");
		out->line = xstrdup("*");
	} else if (!rel[0]) {
		rc = vs_err_set(err, VS_EUSAGE,
				"%s is the top folder of its repository; only a .gitignore inside it "
				"(--inner) can ignore it",
				abs);
	} else if (!(out->line = ignore_line(rel))) {
		rc = vs_err_set(err, VS_EUSAGE,
				"%s has a newline in its path, which a .gitignore line cannot hold; "
				"use a .gitignore inside it (--inner)",
				abs);
	} else {
		out->file = path_join(info.repo, ".gitignore");
	}
done:
	if (rc < 0)
		act_gitignore_plan_clear(out);
	git_repository_free(repo);
	scan_git_info_clear(&info);
	scan_git_free(g);
	free(rel);
	free(abs);
	git_libgit2_shutdown();
	return rc;
}

/* git rm -r --cached: every index entry below `rel`, then the index is
 * written (under git's index.lock). */
static int untrack(const char *repo_path, const char *rel, struct vs_err *err)
{
	git_repository *repo = NULL;
	git_index *idx = NULL;
	char *prefix = rel[0] ? xasprintf("%s/", rel) : xstrdup("");
	size_t pos;
	int rc = VS_OK;

	if (git_repository_open(&repo, repo_path) < 0 || git_repository_index(&idx, repo) < 0 ||
	    git_index_read(idx, 1) < 0) {
		rc = vs_err_set(err, VS_EFAIL, "cannot read the index of %s: %s", repo_path, git_why());
		goto done;
	}
	while (git_index_find_prefix(&pos, idx, prefix) == 0) {
		const git_index_entry *e = git_index_get_byindex(idx, pos);
		char *path = xstrdup(e->path);
		int r = git_index_remove(idx, path, git_index_entry_stage(e));

		free(path);
		if (r < 0) {
			rc = vs_err_set(err, VS_EFAIL, "cannot remove %s from the index: %s", rel,
					git_why());
			goto done;
		}
	}
	if (git_index_write(idx) < 0)
		rc = vs_err_set(err, VS_EFAIL, "cannot write the index of %s: %s", repo_path,
				git_why());
done:
	git_index_free(idx);
	git_repository_free(repo);
	free(prefix);
	return rc;
}

/* The whole file (bounded, never a FIFO or device), or an empty buffer
 * when it does not exist. */
static int read_all(const char *path, struct strbuf *out, struct vs_err *err)
{
	struct vs_err why = {0};
	char *buf = NULL;
	size_t len = 0;

	if (vs_read_at(AT_FDCWD, path, 0, VS_READ_MAX_META, &buf, &len, &why) < 0) {
		if (errno == ENOENT)
			return 0;
		return vs_err_set(err, VS_EFAIL, "cannot read %s", why.msg);
	}
	sb_add(out, buf, len);
	free(buf);
	return 0;
}

/* Appends `line` to the file, in the file's own line endings (even when
 * the file has it already: a later negation may be what un-ignores it, and
 * the last matching line wins). */
static int add_line(const char *file, const char *line, struct vs_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *nl, *eol;
	int rc;

	if ((rc = read_all(file, &sb, err)) < 0)
		goto done;
	nl = sb.len ? memchr(sb.buf, '\n', sb.len) : NULL;
	eol = nl && nl > sb.buf && nl[-1] == '\r' ? "\r\n" : "\n";
	if (sb.len && sb.buf[sb.len - 1] != '\n')
		sb_adds(&sb, eol);
	sb_adds(&sb, line);
	sb_adds(&sb, eol);
	rc = act_write_atomic(file, sb.buf, sb.len, 0, err);
	rc = rc < 0 ? rc : VS_OK;
done:
	sb_free(&sb);
	return rc;
}

/* What git says now: a negation in an ignore file nearer to the env can
 * still win over the line added to the top-level one. */
static int check_ignored(const struct act_gitignore_plan *plan, const char *env_path,
			 struct vs_err *err)
{
	struct scan_git *g = scan_git_new();
	struct scan_git_info info;
	bool inner = plan->line && strcmp(plan->line, "*") == 0;
	int rc = VS_OK;

	scan_git_lookup(g, env_path, &info);
	if (info.state != SCAN_GIT_IGNORED)
		rc = vs_err_set(err, VS_EFAIL,
				"git still does not ignore %s after the change (%s): a rule nearer to "
				"it un-ignores it%s",
				env_path, info.error ? info.error : scan_git_state_name(info.state),
				inner ? "" : "; a .gitignore inside it (--inner) would win");
	scan_git_info_clear(&info);
	scan_git_free(g);
	return rc;
}

int act_gitignore_apply(const struct act_gitignore_plan *plan, const char *env_path, struct vs_err *err)
{
	char *rel = NULL;
	int rc = VS_OK;

	git_libgit2_init();
	if (plan->untrack) {
		if (!(rel = rel_path(plan->repo, env_path, err))) {
			rc = VS_EFAIL;
			goto done;
		}
		if ((rc = untrack(plan->repo, rel, err)) < 0)
			goto done;
	}
	if (plan->line && plan->file && (rc = add_line(plan->file, plan->line, err)) < 0) {
		if (plan->untrack && err) {
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			vs_err_set(err, VS_EFAIL, "%s (its files were already taken out of the index)",
				   msg);
		}
		goto done;
	}
	rc = check_ignored(plan, env_path, err);
done:
	free(rel);
	git_libgit2_shutdown();
	return rc;
}
