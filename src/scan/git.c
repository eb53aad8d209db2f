/* What git will do with an environment, through libgit2.
 *
 * Finding the repository: git_repository_discover (GIT_CEILING_DIRECTORIES,
 * no filesystem crossing unless GIT_DISCOVERY_ACROSS_FILESYSTEM says so)
 * names the git folder; each one is opened once and kept with its work tree.
 *
 * Ignored: git decides from the top down. Each leading folder of the path
 * is checked as a folder (with the ignore files above it), and the first
 * one a rule excludes hides everything below it, whatever deeper rules
 * say; only then is the file itself checked. libgit2 is asked the same
 * questions in the same order (git_ignore_path_is_ignored on "a/", "a/b/",
 * ..., then "a/b/env/pyvenv.cfg"): the first "ignored" is git's answer, and
 * it also tells at which level the deciding rule matched.
 *
 * The rule: libgit2 has no API that names it, so the ignore files that
 * apply at the deciding level are read here and matched with git's pattern
 * rules (fnmatch per path component, `**` across components). It is only
 * reported when that search also finds a positive match; else NULL. */
#include "git.h"

#include <errno.h>
#include <fnmatch.h>
#include <git2.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"

/* One opened repository (or the failure to open one), by its git folder. */
struct repo_entry {
	char *gitdir;          /* what git_repository_discover named */
	git_repository *repo; /* NULL when it could not be opened */
	char *workdir;         /* absolute, no trailing slash; NULL for bare or failed */
	char *error;           /* why it could not be opened */
};

struct scan_git {
	struct repo_entry *items;
	size_t n, cap;
	const char *ceiling; /* GIT_CEILING_DIRECTORIES, read once */
	bool across_fs;
};

static char *git_message(const char *what)
{
	const git_error *e = git_error_last();

	return xasprintf("%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

/* git's boolean words, for GIT_DISCOVERY_ACROSS_FILESYSTEM. */
static bool env_true(const char *name)
{
	const char *v = getenv(name);

	if (!v)
		return false;
	if (!*v || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "on") == 0)
		return true;
	return strtol(v, NULL, 10) != 0;
}

struct scan_git *scan_git_new(void)
{
	struct scan_git *g = xcalloc(1, sizeof(*g));

	git_libgit2_init();
	g->ceiling = getenv("GIT_CEILING_DIRECTORIES");
	g->across_fs = env_true("GIT_DISCOVERY_ACROSS_FILESYSTEM");
	return g;
}

void scan_git_free(struct scan_git *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		git_repository_free(g->items[i].repo);
		free(g->items[i].gitdir);
		free(g->items[i].workdir);
		free(g->items[i].error);
	}
	free(g->items);
	free(g);
	git_libgit2_shutdown();
}

void scan_git_info_clear(struct scan_git_info *info)
{
	if (!info)
		return;
	free(info->repo);
	free(info->rule);
	free(info->error);
	info->repo = info->rule = info->error = NULL;
	info->state = SCAN_GIT_UNKNOWN;
}

const char *scan_git_state_name(enum scan_git_state s)
{
	switch (s) {
	case SCAN_GIT_NO_REPO: return "no-repo";
	case SCAN_GIT_IGNORED: return "ignored";
	case SCAN_GIT_NOT_IGNORED: return "not-ignored";
	case SCAN_GIT_TRACKED: return "tracked";
	case SCAN_GIT_UNKNOWN: break;
	}
	return NULL;
}

/* The repository whose git folder discovery finds from `dir`, opened once.
 * NULL with *none when there is none. */
static struct repo_entry *repo_for(struct scan_git *g, const char *dir, bool *none, char **error)
{
	git_buf buf = {0};
	struct repo_entry *e;
	int rc;

	*none = false;
	rc = git_repository_discover(&buf, dir, g->across_fs, g->ceiling);
	if (rc == GIT_ENOTFOUND) {
		*none = true;
		return NULL;
	}
	if (rc < 0) {
		*error = git_message("cannot look for a git repository");
		return NULL;
	}
	for (size_t i = 0; i < g->n; i++) {
		if (strcmp(g->items[i].gitdir, buf.ptr) == 0) {
			git_buf_dispose(&buf);
			return &g->items[i];
		}
	}
	g->items = xgrow(g->items, &g->cap, g->n + 1, sizeof(*g->items));
	e = &g->items[g->n++];
	memset(e, 0, sizeof(*e));
	e->gitdir = xstrdup(buf.ptr);
	git_buf_dispose(&buf);
	rc = git_repository_open_ext(&e->repo, dir, g->across_fs ? GIT_REPOSITORY_OPEN_CROSS_FS : 0,
				     g->ceiling);
	if (rc == GIT_EOWNER) {
		e->error = xasprintf("git refuses the repository at %s: it is owned by someone else "
				     "(see git's safe.directory)", e->gitdir);
	} else if (rc < 0) {
		e->error = git_message("cannot open the git repository");
		e->repo = NULL;
	} else if (git_repository_workdir(e->repo)) {
		size_t n;

		e->workdir = xstrdup(git_repository_workdir(e->repo));
		n = strlen(e->workdir);
		while (n > 1 && e->workdir[n - 1] == '/')
			e->workdir[--n] = '\0';
	}
	return e;
}

/* ---- Finding the rule: git's pattern matching, for naming it only. ---- */

struct pattern {
	const char *text; /* the pattern without '!', leading '/' and trailing '/' */
	bool negative, dir_only, anchored;
};

/* Parses one line in place (git's add_patterns_from_buffer and
 * parse_path_pattern); false for blank lines and comments. */
static bool parse_pattern(char *line, struct pattern *p)
{
	size_t n = strlen(line);

	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (!n || line[0] == '#')
		return false;
	/* Trailing spaces go unless escaped with a backslash. */
	while (n && line[n - 1] == ' ' && !(n >= 2 && line[n - 2] == '\\'))
		line[--n] = '\0';
	memset(p, 0, sizeof(*p));
	if (line[0] == '!') {
		p->negative = true;
		line++;
		n--;
	}
	if (n && line[n - 1] == '/') {
		p->dir_only = true;
		line[--n] = '\0';
	}
	if (!n)
		return false;
	p->anchored = strchr(line, '/') != NULL;
	if (line[0] == '/')
		line++;
	p->text = line;
	return true;
}

/* One path component against one pattern component. */
static bool component_match(const char *pat, size_t pn, const char *name, size_t nn)
{
	char *a = xstrndup(pat, pn), *b = xstrndup(name, nn);
	bool ok = fnmatch(a, b, 0) == 0;

	free(a);
	free(b);
	return ok;
}

/* wildmatch with WM_PATHNAME: `*` stays inside a component; a component
 * "**" matches zero or more components (one or more at the end). */
static bool path_match(const char *pat, const char *path)
{
	const char *pe = strchrnul(pat, '/'), *te;

	if (pe - pat == 2 && pat[0] == '*' && pat[1] == '*') {
		if (!*pe)
			return *path != '\0';
		for (const char *p = path;;) {
			if (path_match(pe + 1, p))
				return true;
			if (!(p = strchr(p, '/')))
				return false;
			p++;
		}
	}
	te = strchrnul(path, '/');
	if (!component_match(pat, (size_t)(pe - pat), path, (size_t)(te - path)))
		return false;
	if (!*pe || !*te)
		return !*pe && !*te;
	return path_match(pe + 1, te + 1);
}

/* Whether pattern `p` from an ignore file in folder `base` ("" for the
 * root) matches `rel` (relative to the work tree). */
static bool pattern_matches(const struct pattern *p, const char *base, const char *rel, bool is_dir)
{
	size_t bn = strlen(base);
	const char *sub = rel, *slash;

	if (p->dir_only && !is_dir)
		return false;
	if (bn) {
		if (strncmp(rel, base, bn) != 0 || rel[bn] != '/')
			return false;
		sub = rel + bn + 1;
	}
	if (p->anchored)
		return path_match(p->text, sub);
	slash = strrchr(sub, '/');
	return fnmatch(p->text, slash ? slash + 1 : sub, 0) == 0;
}

/* The last line of `file` that matches: 1 positive, 0 none, -1 negative.
 * *line_no and *text describe it. */
static int last_match_in(const char *file, const char *base, const char *rel, bool is_dir,
			 int *line_no, char **text)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int no = 0, found = 0;

	if (!f)
		return 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct pattern p;
		char *s = line;

		no++;
		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (no == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		char *shown = xstrdup(s);

		if (parse_pattern(s, &p) && pattern_matches(&p, base, rel, is_dir)) {
			size_t n = strlen(shown);

			while (n && (shown[n - 1] == '\r' || shown[n - 1] == ' '))
				shown[--n] = '\0';
			free(*text);
			*text = shown;
			*line_no = no;
			found = p.negative ? -1 : 1;
		} else {
			free(shown);
		}
	}
	free(line);
	fclose(f);
	return found;
}

/* The user's excludes file: core.excludesFile, else git's XDG default. */
static char *excludes_file(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf buf = {0};
	char *out = NULL;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (git_repository_config_snapshot(&cfg, repo) == 0) {
		if (git_config_get_path(&buf, cfg, "core.excludesfile") == 0 && buf.ptr)
			out = xstrdup(buf.ptr);
		git_buf_dispose(&buf);
		git_config_free(cfg);
	}
	if (out)
		return out;
	if (xdg && *xdg)
		return xasprintf("%s/git/ignore", xdg);
	return home ? xasprintf("%s/.config/git/ignore", home) : NULL;
}

/* "FILE:LINE: PATTERN" for the rule that ignores `rel` (a folder when
 * is_dir), or NULL when the search does not find a positive one. */
static char *find_rule(git_repository *repo, const char *workdir, const char *rel, bool is_dir)
{
	char *dir = xstrdup(rel), *text = NULL, *out = NULL, *slash;
	int line = 0, m = 0;

	/* .gitignore files from the folder holding `rel` up to the root. */
	for (;;) {
		char *file, *shown;

		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			dir[0] = '\0';
		shown = dir[0] ? xasprintf("%s/.gitignore", dir) : xstrdup(".gitignore");
		file = xasprintf("%s/%s", workdir, shown);
		m = last_match_in(file, dir, rel, is_dir, &line, &text);
		free(file);
		if (m > 0)
			out = xasprintf("%s:%d: %s", shown, line, text);
		free(shown);
		if (m || !dir[0])
			break;
	}
	if (!m) {
		char *file = xasprintf("%sinfo/exclude", git_repository_commondir(repo));

		m = last_match_in(file, "", rel, is_dir, &line, &text);
		if (m > 0) {
			size_t wn = strlen(workdir);
			const char *shown = file;

			if (strncmp(file, workdir, wn) == 0 && file[wn] == '/')
				shown = file + wn + 1;
			out = xasprintf("%s:%d: %s", shown, line, text);
		}
		free(file);
	}
	if (!m) {
		char *file = excludes_file(repo);

		if (file && file[0] == '/' && last_match_in(file, "", rel, is_dir, &line, &text) > 0)
			out = xasprintf("%s:%d: %s", file, line, text);
		free(file);
	}
	free(text);
	free(dir);
	return out;
}

/* ---- The lookup. ---- */

/* git's answer to `git check-ignore -q <rel>/pyvenv.cfg` without looking
 * at the index: 1 ignored, 0 not, <0 error. On 1, *rule may be set. */
static int env_ignored(git_repository *repo, const char *workdir, const char *rel, char **rule)
{
	char *path = rel[0] ? xasprintf("%s/pyvenv.cfg", rel) : xstrdup("pyvenv.cfg");
	int rc = 0;

	for (char *p = path;; p++) {
		bool is_dir = *p == '/';
		int ignored = 0;

		if (*p && !is_dir)
			continue;
		/* A folder is asked about with its trailing slash. */
		char saved = p[is_dir ? 1 : 0];

		if (is_dir)
			p[1] = '\0';
		rc = git_ignore_path_is_ignored(&ignored, repo, path);
		if (is_dir)
			p[1] = saved;
		if (rc < 0)
			break;
		if (ignored) {
			*p = '\0';
			*rule = find_rule(repo, workdir, path, is_dir);
			rc = 1;
			break;
		}
		if (!*p)
			break;
	}
	free(path);
	return rc;
}

/* Whether the index holds a path below `rel` ("" = anything). */
static int env_tracked(git_repository *repo, const char *rel)
{
	git_index *idx = NULL;
	char *prefix = rel[0] ? xasprintf("%s/", rel) : xstrdup("");
	size_t pos;
	int rc;

	if ((rc = git_repository_index(&idx, repo)) == 0 && (rc = git_index_read(idx, 0)) == 0) {
		rc = git_index_find_prefix(&pos, idx, prefix);
		rc = rc == 0 ? 1 : rc == GIT_ENOTFOUND ? 0 : rc;
	}
	git_index_free(idx);
	free(prefix);
	return rc;
}

void scan_git_lookup(struct scan_git *g, const char *env_path, struct scan_git_info *out)
{
	struct repo_entry *e;
	char *real = NULL, *error = NULL;
	const char *rel;
	bool none;
	int rc, ign;

	memset(out, 0, sizeof(*out));
	out->state = SCAN_GIT_UNKNOWN;
	/* libgit2 works on the physical path; so must the relative one. */
	if (!(real = realpath(env_path, NULL))) {
		out->error = xasprintf("cannot resolve %s: %s", env_path, strerror(errno));
		return;
	}
	e = repo_for(g, real, &none, &error);
	if (none || (e && !e->error && !e->workdir)) {
		out->state = SCAN_GIT_NO_REPO; /* none, or bare */
		goto done;
	}
	if (!e || e->error) {
		out->error = error ? error : xstrdup(e->error);
		error = NULL;
		goto done;
	}
	if (!path_has_prefix(real, e->workdir)) {
		out->state = SCAN_GIT_NO_REPO; /* e.g. a work tree configured elsewhere */
		goto done;
	}
	rel = real + strlen(e->workdir);
	while (*rel == '/')
		rel++;
	/* Inside the git folder is not in the work tree. */
	if (strncmp(rel, ".git", 4) == 0 && (rel[4] == '/' || !rel[4])) {
		out->state = SCAN_GIT_NO_REPO;
		goto done;
	}
	out->repo = xstrdup(e->workdir);
	rc = env_tracked(e->repo, rel);
	ign = rc < 0 ? 0 : env_ignored(e->repo, e->workdir, rel, &out->rule);
	if (rc < 0 || ign < 0) {
		out->error = git_message("cannot read what git does with it");
		free(out->rule);
		out->rule = NULL;
		goto done;
	}
	out->state = rc == 1 ? SCAN_GIT_TRACKED : ign ? SCAN_GIT_IGNORED : SCAN_GIT_NOT_IGNORED;
done:
	free(error);
	free(real);
}
