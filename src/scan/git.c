/* What git will do with an environment.
 *
 * Finding the repository: the folders from the env up to / are looked at
 * once per scan (a `.git`, a `HEAD`, the device); with neither anywhere it
 * is no-repo and libgit2 is never started. A plain repository at the
 * nearest such folder — a .git folder libgit2 would take, on the env's
 * filesystem, owned by this user, with config the reader is sure of — is
 * opened here (native_repo). Everything else goes to libgit2
 * (git_repository_discover from the env's folder: GIT_CEILING_DIRECTORIES,
 * no filesystem crossing unless GIT_DISCOVERY_ACROSS_FILESYSTEM says so),
 * started on first need. Either way once per marker folder and filesystem;
 * each git folder is kept with its work tree and config for the scan.
 * Tracked comes from the index (git_index.c, libgit2 for the formats it
 * leaves); ignored from git's own rules (git_ignore.c). */
#include "git.h"

#include <errno.h>
#include <git2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_config.h"
#include "git_ignore.h"
#include "git_index.h"
#include "../util/ascii.h"
#include "../util/path.h"
#include "../util/strmap.h"
#include "../util/xalloc.h"

/* One opened repository (or the failure to open one), by its git folder. */
struct repo_entry {
	char *gitdir;          /* with a trailing slash, as git_repository_discover names it */
	git_repository *repo; /* NULL when it could not be opened, or not by libgit2 */
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
	bool native;   /* plain repositories may be opened here (see native_repo) */
	bool global_read;
	struct scan_git_config global; /* system, XDG and global config, read once */
	struct strmap *dirs;  /* folder -> struct dir_info: what it holds */
	struct strmap *found; /* "MARKER\nDEV" -> struct found: what discovery found */
};

/* One folder as far as finding a repository goes. */
struct dir_info {
	dev_t dev;
	bool marker; /* holds a .git or a HEAD, or could not be looked at */
};

/* What git_repository_discover found from below a marker folder. */
struct found {
	bool none;
	size_t item; /* index in scan_git.items */
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
	if (vs_ascii_casecmp(v, "true") == 0 || vs_ascii_casecmp(v, "yes") == 0 ||
	    vs_ascii_casecmp(v, "on") == 0)
		return true;
	return strtol(v, NULL, 10) != 0;
}

/* Whether this process may open plain repositories without libgit2: no
 * variable says where git's config, git folder, work tree or index are
 * (git reads them; the reader here does not, and libgit2 decides as it
 * always did), and HOME says where the global config is. Other GIT_*
 * variables (GIT_SSL_CAINFO, GIT_AUTHOR_NAME...) change nothing here. */
static bool native_allowed(void)
{
	static const char *const moves[] = {"GIT_DIR=", "GIT_WORK_TREE=", "GIT_COMMON_DIR=",
					    "GIT_INDEX_FILE=", "GIT_OBJECT_DIRECTORY=",
					    "GIT_NAMESPACE="};
	extern char **environ;
	const char *home = getenv("HOME");

	if (!home || !*home)
		return false;
	for (char **e = environ; *e; e++) {
		if (strncmp(*e, "GIT_CONFIG", 10) == 0)
			return false;
		for (size_t i = 0; i < sizeof(moves) / sizeof(*moves); i++)
			if (strncmp(*e, moves[i], strlen(moves[i])) == 0)
				return false;
	}
	return true;
}

struct scan_git *scan_git_new(void)
{
	struct scan_git *g = xcalloc(1, sizeof(*g));
	const char *ceiling = getenv("GIT_CEILING_DIRECTORIES");

	g->ceiling = ceiling ? xstrdup(ceiling) : NULL;
	g->dirs = strmap_new();
	g->found = strmap_new();
	g->native = native_allowed();
	g->across_fs = env_true("GIT_DISCOVERY_ACROSS_FILESYSTEM");
	return g;
}

static void free_value(const char *key, void *value, void *ctx)
{
	(void)key;
	(void)ctx;
	free(value);
}

void scan_git_free(struct scan_git *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		if (g->items[i].repo)
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
	scan_git_config_clear(&g->global);
	strmap_each(g->dirs, free_value, NULL);
	strmap_free(g->dirs);
	strmap_each(g->found, free_value, NULL);
	strmap_free(g->found);
	if (g->inited)
		git_libgit2_shutdown();
	free(g);
}

/* ---- Finding the repository ---- */

static const struct dir_info *dir_info(struct scan_git *g, const char *dir)
{
	struct dir_info *d = strmap_get(g->dirs, dir);
	const char *base = strcmp(dir, "/") == 0 ? "" : dir;
	struct stat st;
	char *probe;

	if (d)
		return d;
	d = xcalloc(1, sizeof(*d));
	if (lstat(dir, &st) != 0) {
		d->marker = true; /* let libgit2 say what it makes of it */
	} else {
		d->dev = st.st_dev;
		probe = xasprintf("%s/.git", base);
		d->marker = lstat(probe, &st) == 0 || errno != ENOENT;
		free(probe);
		if (!d->marker) {
			probe = xasprintf("%s/HEAD", base);
			d->marker = lstat(probe, &st) == 0 || errno != ENOENT;
			free(probe);
		}
	}
	strmap_put(g->dirs, dir, d);
	return d;
}

static dev_t dev_of(struct scan_git *g, const char *dir)
{
	return dir_info(g, dir)->dev;
}

/* The nearest folder from `dir` (absolute, no symlinks) up to / that holds
 * a `.git` (a work tree's) or a `HEAD` (a git folder's own: a bare
 * repository, or a folder inside .git), or NULL: then git finds no
 * repository and libgit2 is not even started (its start, TLS certificates
 * included, costs more than a hundred lookups). *same_dev: every folder
 * from `dir` up to it is on `dir`'s filesystem. Each folder is looked at
 * once per scan. */
static char *nearest_marker(struct scan_git *g, const char *dir, bool *same_dev)
{
	char *path = xstrdup(dir);
	size_t len = strlen(path);
	dev_t dev0 = 0;

	*same_dev = true;
	for (bool first = true;; first = false) {
		const struct dir_info *d = dir_info(g, path);

		if (first)
			dev0 = d->dev;
		else if (d->dev != dev0)
			*same_dev = false;
		if (d->marker)
			return path;
		if (len == 1)
			break;
		while (len > 1 && path[len - 1] != '/')
			len--;
		if (len > 1)
			len--; /* the slash, except the root's */
		path[len] = '\0';
	}
	free(path);
	return NULL;
}

bool scan_git_started_libgit2(const struct scan_git *g)
{
	return g->inited;
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

/* git's excludes file when core.excludesFile is not set, or NULL. */
static char *default_excludes(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		return xasprintf("%s/git/ignore", xdg);
	return home ? xasprintf("%s/.config/git/ignore", home) : NULL;
}

/* core.excludesFile (else git's XDG default) and core.ignorecase. */
static void read_config(struct repo_entry *e)
{
	git_config *cfg = NULL;
	git_buf buf = {0};
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
	if (!e->excludes_file)
		e->excludes_file = default_excludes();
}

static struct repo_entry *add_entry(struct scan_git *g, const char *gitdir)
{
	struct repo_entry *e;

	g->items = xgrow(g->items, &g->cap, g->n + 1, sizeof(*g->items));
	e = &g->items[g->n++];
	memset(e, 0, sizeof(*e));
	e->gitdir = xstrdup(gitdir);
	return e;
}

static void start_libgit2(struct scan_git *g)
{
	if (!g->inited) {
		git_libgit2_init();
		g->inited = true;
	}
}

/* The repository whose git folder discovery finds from `dir`, opened once.
 * NULL with *none when there is none. */
static struct repo_entry *repo_for(struct scan_git *g, const char *dir, bool *none, char **error)
{
	git_buf buf = {0};
	struct repo_entry *e;
	int rc;

	*none = false;
	start_libgit2(g);
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
	e = add_entry(g, buf.ptr);
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

/* ---- The lookup ---- */

static bool is_kind(const char *dir, const char *name, mode_t kind)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct stat st;
	bool ok = stat(p, &st) == 0 && (st.st_mode & S_IFMT) == kind;

	free(p);
	return ok;
}

/* The repository whose work tree is `top` (the nearest marker folder above
 * an env, on filesystem `dev`), opened without libgit2 when it is a plain
 * one: `top/.git` a folder on the same filesystem that libgit2 would take
 * for a git folder (HEAD, objects/, refs/, no commondir), `top` and its
 * .git owned by this user (no safe.directory question), and config files
 * the reader is sure of (no include, no core.worktree or core.bare, format
 * 0). Anything else returns NULL and is left to libgit2. */
static struct repo_entry *native_repo(struct scan_git *g, const char *top, dev_t dev)
{
	const char *base = strcmp(top, "/") == 0 ? "" : top;
	char *gitdir = xasprintf("%s/.git", base), *key = NULL, *path;
	struct scan_git_config cfg;
	struct repo_entry *e = NULL;
	struct stat st, tst;

	if (lstat(gitdir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_dev != dev ||
	    st.st_uid != geteuid() || lstat(top, &tst) != 0 || tst.st_uid != geteuid() ||
	    !is_kind(gitdir, "HEAD", S_IFREG) || !is_kind(gitdir, "objects", S_IFDIR) ||
	    !is_kind(gitdir, "refs", S_IFDIR))
		goto done;
	path = xasprintf("%s/commondir", gitdir);
	if (lstat(path, &st) == 0 || errno != ENOENT) {
		free(path);
		goto done;
	}
	free(path);
	key = xasprintf("%s/", gitdir);
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->items[i].gitdir, key) == 0) {
			e = &g->items[i];
			goto done;
		}
	if (!g->global_read) {
		const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");

		g->global_read = true;
		scan_git_config_read(&g->global, "/etc/gitconfig", home);
		path = xdg && *xdg ? xasprintf("%s/git/config", xdg)
				   : xasprintf("%s/.config/git/config", home);
		scan_git_config_read(&g->global, path, home);
		free(path);
		path = xasprintf("%s/.gitconfig", home);
		scan_git_config_read(&g->global, path, home);
		free(path);
	}
	if (g->global.unsure)
		goto done;
	scan_git_config_copy(&cfg, &g->global);
	path = xasprintf("%s/config", gitdir);
	scan_git_config_read(&cfg, path, getenv("HOME"));
	free(path);
	if (!cfg.unsure) {
		e = add_entry(g, key);
		e->workdir = xstrdup(top);
		e->exclude = xasprintf("%s/info/exclude", gitdir);
		e->index_path = xasprintf("%s/index", gitdir);
		e->excludes_file = cfg.excludes_file ? xstrdup(cfg.excludes_file) : default_excludes();
		e->icase = cfg.icase;
	}
	scan_git_config_clear(&cfg);
done:
	free(gitdir);
	free(key);
	return e;
}

/* Whether the index holds a path below `rel` ("" = anything): 1, 0, or a
 * libgit2 error. The index is read here (and again only when the file
 * changes); libgit2 reads the ones this reader leaves to it. */
static int env_tracked(struct scan_git *g, struct repo_entry *e, const char *rel)
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
	/* Opened without libgit2, the repository is opened with it now. */
	if (!e->repo) {
		start_libgit2(g);
		if ((rc = git_repository_open(&e->repo, e->gitdir)) < 0) {
			e->repo = NULL;
			free(prefix);
			return rc;
		}
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
	char *real = NULL, *error = NULL, *marker = NULL, *key = NULL;
	const struct found *cached;
	const char *rel;
	bool none, ign, same_dev, shared;
	dev_t dev;
	int rc;

	memset(out, 0, sizeof(*out));
	out->state = SCAN_GIT_UNKNOWN;
	/* libgit2 works on the physical path; so must the relative one. */
	if (!(real = realpath(env_path, NULL))) {
		out->error = xasprintf("cannot resolve %s: %s", env_path, strerror(errno));
		return;
	}
	marker = nearest_marker(g, real, &same_dev);
	if (!marker) {
		out->state = SCAN_GIT_NO_REPO;
		goto done;
	}
	/* Folders without a marker are ones discovery goes through: from any
	 * env below the same marker, on one filesystem all the way, it ends
	 * the same. Ceilings could stop it in between: then ask each time. */
	dev = dev_of(g, real);
	shared = same_dev && !(g->ceiling && *g->ceiling);
	key = xasprintf("%s\n%ju", marker, (uintmax_t)dev);
	cached = shared ? strmap_get(g->found, key) : NULL;
	if (cached) {
		none = cached->none;
		e = none ? NULL : &g->items[cached->item];
	} else {
		none = false;
		e = shared && g->native ? native_repo(g, marker, dev) : NULL;
		if (!e)
			e = repo_for(g, real, &none, &error);
		if (shared && (none || e)) {
			struct found *f = xcalloc(1, sizeof(*f));

			f->none = none;
			f->item = e ? (size_t)(e - g->items) : 0;
			free(strmap_put(g->found, key, f));
		}
	}
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
	rc = env_tracked(g, e, rel);
	if (rc < 0) {
		out->error = git_message("cannot read the index");
		goto done;
	}
	{
		const struct scan_git_excludes ex = {.workdir = e->workdir,
						     .exclude = e->exclude,
						     .excludes_file = e->excludes_file,
						     .icase = e->icase};

		ign = scan_git_ignored(&ex, rel, &out->rule);
	}
	out->state = rc == 1 ? SCAN_GIT_TRACKED : ign ? SCAN_GIT_IGNORED : SCAN_GIT_NOT_IGNORED;
done:
	free(error);
	free(real);
	free(marker);
	free(key);
}
