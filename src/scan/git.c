/* What git will do with an environment, through libgit2.
 *
 * Finding the repository: the folders from the env up to / are looked at
 * once per scan (a `.git`, a `HEAD`, the device); with neither anywhere it
 * is no-repo and libgit2 is never started (its start loads the system's CA
 * certificates: tens of ms). Else libgit2 finds it
 * (git_repository_discover from the env's folder: GIT_CEILING_DIRECTORIES,
 * no filesystem crossing unless GIT_DISCOVERY_ACROSS_FILESYSTEM says so)
 * and opens it, once per marker folder and filesystem; each repository is
 * kept with its work tree and config for the scan. Before libgit2 reads a
 * file, git_files.h checks it is absent or a regular file of sane size.
 * Tracked comes from libgit2's index; ignored from git's own rules
 * (git_ignore.c). */
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

#include "git_files.h"
#include "git_ignore.h"
#include "../util/ascii.h"
#include "../util/path.h"
#include "../util/strmap.h"
#include "../util/vec.h"
#include "../util/xalloc.h"

/* One opened repository (or the failure to open one), by its git folder. */
struct repo_entry {
	char *gitdir;         /* with a trailing slash, as git_repository_discover names it */
	git_repository *repo; /* NULL when it could not be opened */
	char *workdir;        /* absolute, no trailing slash; NULL for bare or failed */
	char *error;          /* why it could not be opened */
	char *exclude;        /* $GIT_COMMON_DIR/info/exclude */
	char *excludes_file;  /* core.excludesFile or git's default, or NULL */
	char *index_path;     /* $GIT_DIR/index */
	bool icase;           /* core.ignorecase */
};

struct scan_git {
	struct vs_vec repos; /* struct repo_entry *, owned */
	char *ceiling;       /* GIT_CEILING_DIRECTORIES, read once */
	bool across_fs;
	bool inited;                    /* git_libgit2_init was called (on the first repository) */
	struct strmap *dirs;            /* folder -> struct dir_info: what it holds */
	struct strmap *found;           /* "MARKER\nDEV" -> struct found: what discovery found */
	struct scan_ign_cache *ignores; /* parsed ignore files, for every repository */
};

/* One folder as far as finding a repository goes. */
struct dir_info {
	dev_t dev;
	bool marker; /* holds a .git or a HEAD, or could not be looked at */
};

/* What discovery found from below a marker folder. */
struct found {
	struct repo_entry *repo; /* NULL: no repository */
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

static void repo_entry_free(void *p)
{
	struct repo_entry *e = p;

	if (!e)
		return;
	if (e->repo)
		git_repository_free(e->repo);
	free(e->gitdir);
	free(e->workdir);
	free(e->error);
	free(e->exclude);
	free(e->excludes_file);
	free(e->index_path);
	free(e);
}

struct scan_git *scan_git_new(void)
{
	struct scan_git *g = xcalloc(1, sizeof(*g));
	const char *ceiling = getenv("GIT_CEILING_DIRECTORIES");

	vs_vec_init(&g->repos, repo_entry_free);
	g->ceiling = ceiling ? xstrdup(ceiling) : NULL;
	g->dirs = strmap_new();
	g->found = strmap_new();
	g->ignores = scan_ign_cache_new();
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
	vs_vec_clear(&g->repos);
	free(g->ceiling);
	strmap_each(g->dirs, free_value, NULL);
	strmap_free(g->dirs);
	strmap_each(g->found, free_value, NULL);
	strmap_free(g->found);
	scan_ign_cache_free(g->ignores);
	if (g->inited)
		git_libgit2_shutdown();
	free(g);
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
	case SCAN_GIT_NO_REPO:
		return "no-repo";
	case SCAN_GIT_IGNORED:
		return "ignored";
	case SCAN_GIT_NOT_IGNORED:
		return "not-ignored";
	case SCAN_GIT_TRACKED:
		return "tracked";
	case SCAN_GIT_UNKNOWN:
		break;
	}
	return NULL;
}

/* ---- Is there a repository at all (without libgit2) ---- */

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

/* The nearest folder from `dir` (absolute, no symlinks) up to / that holds
 * a `.git` (a work tree's) or a `HEAD` (a git folder's own: a bare
 * repository, or a folder inside .git), or NULL: then git finds no
 * repository and libgit2 is not even started. *same_dev: every folder
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

/* ---- Opening it with libgit2 ---- */

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

static void start_libgit2(struct scan_git *g)
{
	if (!g->inited) {
		/* No supported way in libgit2 1.5 skips the CA certificates here
		 * (mbedTLS loads them in git_libgit2_init, unconditionally):
		 * the marker walk above keeps this off envs outside repositories. */
		git_libgit2_init();
		g->inited = true;
	}
}

/* The owner of the git folder or of the work tree above it when it is not
 * us (libgit2's safe.directory check), as a sentence; else NULL. libgit2
 * 1.5 does not always say so itself: with no safe.directory set anywhere
 * it fails with "config value 'safe.directory' was not found". */
static char *owner_problem(const char *gitdir)
{
	char *dir = xstrdup(gitdir), *problem = NULL;
	size_t n = strlen(dir);
	struct stat st;

	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	for (int i = 0; i < 2 && !problem; i++) {
		if (stat(dir, &st) == 0 && st.st_uid != geteuid())
			problem = xasprintf("the repository at %s belongs to another user: %s is "
					    "owned by uid %ju, not by uid %ju (git refuses it; see "
					    "git's safe.directory)",
					    gitdir, dir, (uintmax_t)st.st_uid, (uintmax_t)geteuid());
		/* then the work tree: the folder holding ".git" */
		if (n < 5 || strcmp(dir + n - 5, "/.git") != 0)
			break;
		dir[n -= 5] = '\0';
	}
	free(dir);
	return problem;
}

/* Why libgit2 could not open the repository at `gitdir`: the owner check,
 * an include loop, else libgit2's own words, with the repository named. */
static char *open_problem(const char *gitdir)
{
	char *p = owner_problem(gitdir);

	if (!p && (p = scan_git_include_loop(gitdir)) != NULL) {
		char *q = xasprintf("cannot open the git repository at %s: %s", gitdir, p);

		free(p);
		return q;
	}
	if (!p) {
		const git_error *err = git_error_last();

		p = xasprintf("cannot open the git repository at %s: %s", gitdir,
			      err && err->message ? err->message : "unknown libgit2 error");
	}
	return p;
}

/* Opens the repository at `e->gitdir`, found from `dir`, filling `e`. */
static void open_entry(struct scan_git *g, struct repo_entry *e, const char *dir)
{
	size_t n;
	int rc;

	if ((e->error = scan_git_open_problem(e->gitdir)) != NULL)
		return;
	rc = git_repository_open_ext(&e->repo, dir, g->across_fs ? GIT_REPOSITORY_OPEN_CROSS_FS : 0,
				     g->ceiling);
	if (rc < 0) {
		e->error = open_problem(e->gitdir);
		e->repo = NULL;
	}
	if (rc < 0 || !git_repository_workdir(e->repo))
		return;
	e->workdir = xstrdup(git_repository_workdir(e->repo));
	n = strlen(e->workdir);
	while (n > 1 && e->workdir[n - 1] == '/')
		e->workdir[--n] = '\0';
	e->exclude = xasprintf("%sinfo/exclude", git_repository_commondir(e->repo));
	e->index_path = xasprintf("%sindex", git_repository_path(e->repo));
	read_config(e);
}

/* The repository discovery finds from `dir`, opened once: NULL with
 * *error NULL when there is none, NULL with *error when it cannot be
 * looked for (or a file on the way is unsafe), else an entry (which may
 * hold its own error). */
static struct repo_entry *repo_for(struct scan_git *g, const char *dir, char **error)
{
	git_buf buf = {0};
	struct repo_entry *e;
	int rc;

	if ((*error = scan_git_discovery_problem(dir)) != NULL)
		return NULL;
	start_libgit2(g);
	rc = git_repository_discover(&buf, dir, g->across_fs, g->ceiling);
	if (rc == GIT_ENOTFOUND)
		return NULL;
	if (rc < 0) {
		*error = git_message("cannot look for a git repository");
		return NULL;
	}
	for (size_t i = 0; i < g->repos.n; i++) {
		e = g->repos.v[i];
		if (strcmp(e->gitdir, buf.ptr) == 0) {
			git_buf_dispose(&buf);
			return e;
		}
	}
	e = xcalloc(1, sizeof(*e));
	e->gitdir = xstrdup(buf.ptr);
	git_buf_dispose(&buf);
	vs_vec_push(&g->repos, e);
	open_entry(g, e, dir);
	return e;
}

/* The repository of the env at `real` (physical), through the cache of
 * what was found below each marker; as repo_for. */
static struct repo_entry *find_repo(struct scan_git *g, const char *real, char **error)
{
	char *marker, *key;
	const struct found *cached;
	struct repo_entry *e;
	bool same_dev, shared;

	*error = NULL;
	if (!(marker = nearest_marker(g, real, &same_dev)))
		return NULL;
	/* Folders without a marker are ones discovery goes through: from any
	 * env below the same marker, on one filesystem all the way, it ends
	 * the same. Ceilings could stop it in between: then ask each time. */
	shared = same_dev && !(g->ceiling && *g->ceiling);
	key = xasprintf("%s\n%ju", marker, (uintmax_t)dir_info(g, real)->dev);
	cached = shared ? strmap_get(g->found, key) : NULL;
	if (cached) {
		e = cached->repo;
	} else {
		e = repo_for(g, real, error);
		if (shared && !*error) {
			struct found *f = xcalloc(1, sizeof(*f));

			f->repo = e;
			free(strmap_put(g->found, key, f));
		}
	}
	free(marker);
	free(key);
	return e;
}

/* ---- The lookup ---- */

/* Why libgit2 could not read the index at `path`, naming it. A file too
 * short for the header and checksum every index has gets its own words:
 * libgit2 1.5 says it "no longer exists". */
static char *index_problem(const char *path)
{
	const git_error *err = git_error_last();
	struct stat st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < 32)
		return xasprintf("cannot read the index %s: it is %jd bytes, too short for a git index",
				 path, (intmax_t)st.st_size);
	return xasprintf("cannot read the index %s: %s", path,
			 err && err->message ? err->message : "unknown libgit2 error");
}

/* Whether the index holds a path below `rel` ("" = anything): 1, 0, or -1
 * with *error. libgit2 reads the index again only when it changed. */
static int env_tracked(struct repo_entry *e, const char *rel, char **error)
{
	git_index *idx = NULL;
	char *prefix;
	size_t pos;
	int rc;

	if ((*error = scan_git_file_problem(e->index_path, e->index_path, SCAN_GIT_INDEX_MAX)))
		return -1;
	prefix = rel[0] ? xasprintf("%s/", rel) : xstrdup("");
	if ((rc = git_repository_index(&idx, e->repo)) == 0 && (rc = git_index_read(idx, 0)) == 0) {
		rc = git_index_find_prefix(&pos, idx, prefix);
		rc = rc == 0 ? 1 : rc == GIT_ENOTFOUND ? 0 : rc;
	}
	if (rc < 0) {
		*error = index_problem(e->index_path);
		rc = -1;
	}
	git_index_free(idx);
	free(prefix);
	return rc;
}

/* The state of the env at `real` in the work tree of `e`. */
static void fill_state(struct scan_git *g, struct repo_entry *e, const char *real,
		       struct scan_git_info *out)
{
	const char *rel;
	int tracked, ignored;

	if (!path_has_prefix(real, e->workdir)) {
		out->state = SCAN_GIT_NO_REPO; /* e.g. a work tree configured elsewhere */
		return;
	}
	rel = real + strlen(e->workdir);
	while (*rel == '/')
		rel++;
	/* Inside the git folder is not in the work tree. */
	if (strncmp(rel, ".git", 4) == 0 && (rel[4] == '/' || !rel[4])) {
		out->state = SCAN_GIT_NO_REPO;
		return;
	}
	out->repo = xstrdup(e->workdir);
	if ((tracked = env_tracked(e, rel, &out->error)) < 0)
		return;
	{
		const struct scan_git_excludes ex = {.workdir = e->workdir,
						     .exclude = e->exclude,
						     .excludes_file = e->excludes_file,
						     .icase = e->icase,
						     .cache = g->ignores};

		ignored = scan_git_ignored(&ex, rel, &out->rule, &out->error);
	}
	if (ignored < 0) {
		free(out->rule);
		out->rule = NULL;
		return;
	}
	out->state = tracked ? SCAN_GIT_TRACKED : ignored ? SCAN_GIT_IGNORED : SCAN_GIT_NOT_IGNORED;
}

void scan_git_lookup(struct scan_git *g, const char *env_path, struct scan_git_info *out)
{
	struct repo_entry *e;
	char *real, *error = NULL;

	memset(out, 0, sizeof(*out));
	out->state = SCAN_GIT_UNKNOWN;
	/* libgit2 works on the physical path; so must the relative one. */
	if (!(real = realpath(env_path, NULL))) {
		out->error = xasprintf("cannot resolve %s: %s", env_path, strerror(errno));
		return;
	}
	e = find_repo(g, real, &error);
	if (error)
		out->error = error;
	else if (!e || (!e->error && !e->workdir))
		out->state = SCAN_GIT_NO_REPO; /* none, or bare */
	else if (e->error)
		out->error = xstrdup(e->error);
	else
		fill_state(g, e, real, out);
	free(real);
}
