/* What git will do with an environment.
 *
 * libgit2 finds and opens the repository (git_repository_discover from the
 * env's folder: GIT_CEILING_DIRECTORIES, no filesystem crossing unless
 * GIT_DISCOVERY_ACROSS_FILESYSTEM says so; each git folder is opened once
 * per scan and kept with its work tree) and reads the index and the config.
 *
 * Ignored is worked out here, with git's own algorithm (dir.c), not with
 * git_ignore_path_is_ignored: libgit2 1.5 drops a negation that has no
 * earlier positive rule in the same file, so "!venv/" in sub/.gitignore
 * does not undo "venv/" in the top-level one there, while git does undo
 * it. git goes from the top down: each leading folder is checked as a
 * folder against the ignore files that apply to it (the .gitignore files
 * of the folders above it, nearest first, then $GIT_COMMON_DIR/info/exclude,
 * then core.excludesFile or $XDG_CONFIG_HOME/git/ignore); within a file the
 * last matching line wins; the first folder a positive rule matches hides
 * everything below it; else the file decides. That rule is `rule`.
 * Patterns: fnmatch per path component, "**" across components. */
#include "git.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <git2.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_index.h"
#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"

/* One opened repository (or the failure to open one), by its git folder. */
struct repo_entry {
	char *gitdir;          /* what git_repository_discover named */
	git_repository *repo; /* NULL when it could not be opened */
	char *workdir;         /* absolute, no trailing slash; NULL for bare or failed */
	char *error;           /* why it could not be opened */
	char *exclude;         /* $GIT_COMMON_DIR/info/exclude */
	char *excludes_file;   /* core.excludesFile or git's default, or NULL */
	char *index_path;      /* $GIT_DIR/index */
	struct scan_index *index; /* its paths as last read, or NULL */
	bool icase;            /* core.ignorecase */
};

struct scan_git {
	struct repo_entry *items;
	size_t n, cap;
	char *ceiling; /* GIT_CEILING_DIRECTORIES, read once */
	bool across_fs;
	bool inited;   /* git_libgit2_init was called (on the first repository) */
	char **clean;  /* sorted: folders with no .git or HEAD in them or above */
	size_t n_clean, cap_clean;
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
	if (strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "on") == 0)
		return true;
	return strtol(v, NULL, 10) != 0;
}

struct scan_git *scan_git_new(void)
{
	struct scan_git *g = xcalloc(1, sizeof(*g));
	const char *ceiling = getenv("GIT_CEILING_DIRECTORIES");

	g->ceiling = ceiling ? xstrdup(ceiling) : NULL;
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
		free(g->items[i].exclude);
		free(g->items[i].excludes_file);
		free(g->items[i].index_path);
		scan_index_free(g->items[i].index);
	}
	free(g->items);
	free(g->ceiling);
	for (size_t i = 0; i < g->n_clean; i++)
		free(g->clean[i]);
	free(g->clean);
	if (g->inited)
		git_libgit2_shutdown();
	free(g);
}

/* ---- Whether libgit2 is needed at all ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool known_clean(const struct scan_git *g, const char *dir)
{
	return g->n_clean && bsearch(&dir, g->clean, g->n_clean, sizeof(*g->clean), cmp_str);
}

static void add_clean(struct scan_git *g, const char *dir)
{
	size_t at = 0;

	while (at < g->n_clean && strcmp(g->clean[at], dir) < 0)
		at++;
	g->clean = xgrow(g->clean, &g->cap_clean, g->n_clean + 1, sizeof(*g->clean));
	memmove(g->clean + at + 1, g->clean + at, (g->n_clean - at) * sizeof(*g->clean));
	g->clean[at] = xstrdup(dir);
	g->n_clean++;
}

/* False when git cannot find a repository from `dir` (absolute, no
 * symlinks): no folder from it up to / holds a `.git` (a work tree's) or a
 * `HEAD` (a git folder's own, which a bare repository or a folder inside
 * .git has). Then libgit2 is not even loaded: its start (TLS certificates
 * included) costs more than a hundred lookups. Ceilings and filesystem
 * boundaries are not looked at: they only ever stop the search sooner. */
static bool may_be_in_repo(struct scan_git *g, const char *dir)
{
	char *path = xstrdup(dir);
	size_t len = strlen(path), n_checked = 0;
	bool found = false;

	for (;;) {
		struct stat st;
		char *probe;

		if (known_clean(g, path))
			break;
		probe = xasprintf("%s/.git", len == 1 ? "" : path);
		found = lstat(probe, &st) == 0 || errno != ENOENT;
		free(probe);
		if (!found) {
			probe = xasprintf("%s/HEAD", len == 1 ? "" : path);
			found = lstat(probe, &st) == 0 || errno != ENOENT;
			free(probe);
		}
		if (found)
			break;
		n_checked++;
		if (len == 1)
			break;
		while (len > 1 && path[len - 1] != '/')
			len--;
		if (len > 1)
			len--; /* the slash, except the root's */
		path[len] = '\0';
	}
	/* Everything checked is clean up to the root: remember the chain. */
	if (!found) {
		len = strlen(dir);
		memcpy(path, dir, len + 1);
		for (size_t i = 0; i < n_checked; i++) {
			add_clean(g, path);
			while (len > 1 && path[len - 1] != '/')
				len--;
			if (len > 1)
				len--;
			path[len] = '\0';
		}
	}
	free(path);
	return found;
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

/* core.excludesFile (else git's XDG default) and core.ignorecase. */
static void read_config(struct repo_entry *e)
{
	git_config *cfg = NULL;
	git_buf buf = {0};
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int icase = 0;

	if (git_repository_config_snapshot(&cfg, e->repo) == 0) {
		if (git_config_get_path(&buf, cfg, "core.excludesfile") == 0 && buf.ptr)
			e->excludes_file = xstrdup(buf.ptr);
		if (git_config_get_bool(&icase, cfg, "core.ignorecase") == 0)
			e->icase = icase != 0;
		git_buf_dispose(&buf);
		git_config_free(cfg);
	}
	git_error_clear();
	if (e->excludes_file)
		return;
	if (xdg && *xdg)
		e->excludes_file = xasprintf("%s/git/ignore", xdg);
	else if (home)
		e->excludes_file = xasprintf("%s/.config/git/ignore", home);
}

/* The repository whose git folder discovery finds from `dir`, opened once.
 * NULL with *none when there is none. */
static struct repo_entry *repo_for(struct scan_git *g, const char *dir, bool *none, char **error)
{
	git_buf buf = {0};
	struct repo_entry *e;
	int rc;

	*none = false;
	if (!g->inited) {
		git_libgit2_init();
		g->inited = true;
	}
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
		e->exclude = xasprintf("%sinfo/exclude", git_repository_commondir(e->repo));
		e->index_path = xasprintf("%sindex", git_repository_path(e->repo));
		read_config(e);
	}
	return e;
}

/* ---- Ignore files and git's pattern rules ---- */

struct ign_rule {
	char *pattern; /* without '!', trailing '/' and a leading '/' */
	char *text;    /* the line as shown in `rule` */
	int line;
	bool negative, dir_only, anchored;
};

struct ign_file {
	char *shown; /* its name in `rule` */
	char *base;  /* the folder it applies to, relative to the work tree ("" = all) */
	struct ign_rule *rules;
	size_t n, cap;
};

/* git's trim_trailing_spaces: spaces go unless escaped with a backslash. */
static void trim_trailing_spaces(char *s)
{
	char *last_space = NULL;

	for (char *p = s; *p; p++) {
		if (*p == ' ') {
			if (!last_space)
				last_space = p;
			continue;
		}
		if (*p == '\\' && !*++p)
			return;
		last_space = NULL;
	}
	if (last_space)
		*last_space = '\0';
}

/* One line (no newline) as git's add_patterns_from_buffer and
 * parse_path_pattern read it. */
static void add_rule(struct ign_file *f, char *line, int no)
{
	struct ign_rule r = {.line = no};
	size_t n = strlen(line);
	char *p;

	if (!n || line[0] == '#')
		return;
	if (line[n - 1] == '\r')
		line[--n] = '\0';
	trim_trailing_spaces(line);
	r.text = xstrdup(line);
	p = line;
	if (*p == '!') {
		r.negative = true;
		p++;
	}
	n = strlen(p);
	if (n && p[n - 1] == '/') {
		r.dir_only = true;
		p[--n] = '\0';
	}
	r.anchored = strchr(p, '/') != NULL;
	if (*p == '/')
		p++;
	if (!*p) {
		free(r.text);
		return;
	}
	r.pattern = xstrdup(p);
	f->rules = xgrow(f->rules, &f->cap, f->n + 1, sizeof(*f->rules));
	f->rules[f->n++] = r;
}

/* Reads `path` (a missing or unreadable file has no rules). In-tree
 * .gitignore files are never read through a symlink, as git does. */
static void ign_file_load(struct ign_file *f, const char *path, char *shown, const char *base,
			  bool nofollow)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
	FILE *in = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int no = 0;

	memset(f, 0, sizeof(*f));
	f->shown = shown;
	f->base = xstrdup(base);
	if (!in) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		char *s = line;

		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (++no == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		add_rule(f, s, no);
	}
	free(line);
	fclose(in);
}

static void ign_file_free(struct ign_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->rules[i].pattern);
		free(f->rules[i].text);
	}
	free(f->rules);
	free(f->shown);
	free(f->base);
}

/* One path component against one pattern component. */
static bool component_match(const char *pat, size_t pn, const char *name, size_t nn, int flags)
{
	char *a = xstrndup(pat, pn), *b = xstrndup(name, nn);
	bool ok = fnmatch(a, b, flags) == 0;

	free(a);
	free(b);
	return ok;
}

/* wildmatch with WM_PATHNAME: `*` stays inside a component; a component
 * "**" matches zero or more components (one or more at the end). */
static bool path_match(const char *pat, const char *path, int flags)
{
	const char *pe = strchrnul(pat, '/'), *te;

	if (pe - pat == 2 && pat[0] == '*' && pat[1] == '*') {
		if (!*pe)
			return *path != '\0';
		for (const char *p = path;;) {
			if (path_match(pe + 1, p, flags))
				return true;
			if (!(p = strchr(p, '/')))
				return false;
			p++;
		}
	}
	te = strchrnul(path, '/');
	if (!component_match(pat, (size_t)(pe - pat), path, (size_t)(te - path), flags))
		return false;
	if (!*pe || !*te)
		return !*pe && !*te;
	return path_match(pe + 1, te + 1, flags);
}

/* The last rule of `f` that matches `rel` (relative to the work tree, a
 * folder when is_dir), or NULL. */
static const struct ign_rule *ign_file_match(const struct ign_file *f, const char *rel, bool is_dir,
					     bool icase)
{
	size_t bn = strlen(f->base);
	const char *sub = rel, *slash = strrchr(rel, '/');
	int flags = icase ? FNM_CASEFOLD : 0;

	if (bn) {
		if (strncmp(rel, f->base, bn) != 0 || rel[bn] != '/')
			return NULL;
		sub = rel + bn + 1;
	}
	for (size_t i = f->n; i-- > 0;) {
		const struct ign_rule *r = &f->rules[i];

		if (r->dir_only && !is_dir)
			continue;
		if (r->anchored ? path_match(r->pattern, sub, flags)
				: fnmatch(r->pattern, slash ? slash + 1 : rel, flags) == 0)
			return r;
	}
	return NULL;
}

/* `git check-ignore -q <rel>/pyvenv.cfg` without the index: true when
 * ignored, with *rule naming the file, line and pattern. */
static bool env_ignored(const struct repo_entry *e, const char *rel, char **rule)
{
	char *path = rel[0] ? xasprintf("%s/pyvenv.cfg", rel) : xstrdup("pyvenv.cfg");
	struct ign_file *stack = NULL, global[2];
	size_t n = 0, cap = 0;
	bool ignored = false;

	ign_file_load(&global[0], e->exclude,
		      xstrdup(path_has_prefix(e->exclude, e->workdir)
				      ? e->exclude + strlen(e->workdir) + 1 : e->exclude),
		      "", false);
	ign_file_load(&global[1], e->excludes_file ? e->excludes_file : "",
		      xstrdup(e->excludes_file ? e->excludes_file : ""), "", false);
	stack = xgrow(stack, &cap, 1, sizeof(*stack));
	{
		char *file = xasprintf("%s/.gitignore", e->workdir);

		ign_file_load(&stack[n++], file, xstrdup(".gitignore"), "", true);
		free(file);
	}
	for (char *p = path;; p++) {
		const struct ign_file *from = NULL;
		const struct ign_rule *r = NULL;
		bool is_dir = *p == '/';
		char *file;

		if (*p && !is_dir)
			continue;
		*p = '\0';
		for (size_t i = n; !r && i-- > 0;)
			r = ign_file_match(from = &stack[i], path, is_dir, e->icase);
		for (size_t i = 0; !r && i < 2; i++)
			r = ign_file_match(from = &global[i], path, is_dir, e->icase);
		if (r && !r->negative) {
			*rule = xasprintf("%s:%d: %s", from->shown, r->line, r->text);
			ignored = true;
			break;
		}
		if (!is_dir)
			break;
		/* Going down: this folder's .gitignore applies below it. */
		stack = xgrow(stack, &cap, n + 1, sizeof(*stack));
		file = xasprintf("%s/%s/.gitignore", e->workdir, path);
		ign_file_load(&stack[n++], file, xasprintf("%s/.gitignore", path), path, true);
		free(file);
		*p = '/';
	}
	for (size_t i = 0; i < n; i++)
		ign_file_free(&stack[i]);
	ign_file_free(&global[0]);
	ign_file_free(&global[1]);
	free(stack);
	free(path);
	return ignored;
}

/* ---- The lookup ---- */

/* Whether the index holds a path below `rel` ("" = anything): 1, 0, or a
 * libgit2 error. The index is read here (and again only when the file
 * changes); libgit2 reads the ones this reader leaves to it. */
static int env_tracked(struct repo_entry *e, const char *rel)
{
	git_index *idx = NULL;
	char *prefix = rel[0] ? xasprintf("%s/", rel) : xstrdup("");
	size_t pos;
	int rc;

	if (e->index && scan_index_stale(e->index, e->index_path)) {
		scan_index_free(e->index);
		e->index = NULL;
	}
	if (e->index || scan_index_read(&e->index, e->index_path) == SCAN_INDEX_OK) {
		rc = scan_index_has_prefix(e->index, prefix, e->icase);
		free(prefix);
		return rc;
	}
	if ((rc = git_repository_index(&idx, e->repo)) == 0 && (rc = git_index_read(idx, 0)) == 0) {
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
	bool none, ign;
	int rc;

	memset(out, 0, sizeof(*out));
	out->state = SCAN_GIT_UNKNOWN;
	/* libgit2 works on the physical path; so must the relative one. */
	if (!(real = realpath(env_path, NULL))) {
		out->error = xasprintf("cannot resolve %s: %s", env_path, strerror(errno));
		return;
	}
	if (!may_be_in_repo(g, real)) {
		out->state = SCAN_GIT_NO_REPO;
		goto done;
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
	rc = env_tracked(e, rel);
	if (rc < 0) {
		out->error = git_message("cannot read the index");
		goto done;
	}
	ign = env_ignored(e, rel, &out->rule);
	out->state = rc == 1 ? SCAN_GIT_TRACKED : ign ? SCAN_GIT_IGNORED : SCAN_GIT_NOT_IGNORED;
done:
	free(error);
	free(real);
}
