/* pip's view of a git work tree, through libgit2 (no git process). */
#include "git_info.h"

#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "../pip/pip.h"
#include "git_files.h"

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* re.match(r"\w+://", url) */
static bool looks_like_url(const char *u)
{
	const char *p = u;

	while (py_is_word_byte((unsigned char)*p))
		p++;
	return p > u && strncmp(p, "://", 3) == 0;
}

/* PurePosixPath(p).as_uri() for an absolute path. */
static char *path_as_uri(const char *p)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = p;
	char *q, *out;

	/* pathlib keeps a leading "//" and drops empty and "." parts. */
	if (p[0] == '/' && p[1] == '/' && p[2] != '/')
		sb_adds(&sb, "/");
	while (*s) {
		const char *e;

		while (*s == '/')
			s++;
		e = s + strcspn(s, "/");
		if (e > s && !(e - s == 1 && *s == '.')) {
			sb_addc(&sb, '/');
			sb_add(&sb, s, (size_t)(e - s));
		}
		s = e;
	}
	if (sb.len == 0)
		sb_addc(&sb, '/');
	q = py_url_quote(sb_str(&sb));
	out = xasprintf("file://%s", q);
	free(q);
	sb_free(&sb);
	return out;
}

char *scan_git_remote_to_pip_url(const char *raw)
{
	const char *s = raw, *colon;
	size_t n;
	char *url, *out = NULL;
	struct stat st;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n && is_space(s[n - 1]))
		n--;
	url = xstrndup(s, n);
	if (looks_like_url(url))
		return url;
	if (url[0] == '/' && stat(url, &st) == 0) {
		out = path_as_uri(url);
		free(url);
		return out;
	}
	/* SCP_REGEX: ^(\w+@)?([^/:]+):(\w[^:]*)$ -> ssh://\1\2/\3 */
	colon = strchr(url, ':');
	if (colon && colon > url && !memchr(url, '/', (size_t)(colon - url)) &&
	    py_is_word_byte((unsigned char)colon[1]) && !strchr(colon + 1, ':'))
		out = xasprintf("ssh://%.*s/%s", (int)(colon - url), url, colon + 1);
	free(url);
	return out;
}

struct remote_entry {
	char *name;
	char *value;
	int level;
	size_t order;
};

static int by_level(const void *a, const void *b)
{
	const struct remote_entry *x = a, *y = b;

	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* `git config --get-regexp 'remote\..*\.url'`, first line for origin or
 * else the first line; returns the URL token (the value up to its first
 * space, as pip splits the line), or NULL when there is no remote. */
static char *configured_remote(git_repository *repo)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	struct remote_entry *v = NULL;
	size_t n = 0, cap = 0, pick = 0;
	char *out = NULL;

	if (git_repository_config_snapshot(&cfg, repo) != 0)
		return NULL;
	/* All entries, matched here: libgit2 1.5's regex matching leaks. */
	if (git_config_iterator_new(&it, cfg) == 0) {
		while (git_config_next(&e, it) == 0) {
			size_t len = strlen(e->name);

			if (len <= 11 || strncmp(e->name, "remote.", 7) != 0 ||
			    strcmp(e->name + len - 4, ".url") != 0)
				continue;
			v = xgrow(v, &cap, n + 1, sizeof(*v));
			v[n] = (struct remote_entry){xstrdup(e->name),
						     xstrdup(e->value ? e->value : ""), (int)e->level,
						     n};
			n++;
		}
		git_config_iterator_free(it);
	}
	git_config_free(cfg);
	/* git lists system, then global, then the repository's own config. */
	if (n)
		qsort(v, n, sizeof(*v), by_level);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].name, "remote.origin.url") == 0) {
			pick = i;
			break;
		}
	}
	if (n)
		out = xstrndup(v[pick].value, strcspn(v[pick].value, " "));
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
	return out;
}

static bool is_file_in(const char *dir, const char *name)
{
	struct stat st;
	char *p = path_join(dir, name);
	bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);

	free(p);
	return ok;
}

/* find_path_to_project_root_from_repo_root() */
static char *project_subdir(const char *location, const char *repo_root, struct scan_msgs *warn)
{
	char *dir = xstrdup(location), *out = NULL;
	struct stat a, b;

	while (!(is_file_in(dir, "pyproject.toml") || is_file_in(dir, "setup.py"))) {
		char *up;

		if (strcmp(dir, "/") == 0) {
			scan_msgs_add(warn,
				      "could not find a Python project for directory %s "
				      "(tried all parent directories)",
				      location);
			free(dir);
			return NULL;
		}
		up = path_dirname(dir);
		free(dir);
		dir = up;
	}
	if (!(stat(repo_root, &a) == 0 && stat(dir, &b) == 0 && a.st_dev == b.st_dev &&
	      a.st_ino == b.st_ino))
		out = py_relpath(dir, repo_root);
	free(dir);
	return out;
}

/* The repository root as pip computes it: abspath(<git dir>/..). */
static char *repo_root_of(git_repository *repo)
{
	char *gitdir = xstrdup(git_repository_path(repo)), *root;
	size_t n = strlen(gitdir);

	while (n > 1 && gitdir[n - 1] == '/')
		gitdir[--n] = '\0';
	root = path_dirname(gitdir);
	free(gitdir);
	return root;
}

/* `git rev-parse --show-toplevel` fails inside the .git folder. */
static bool inside_git_dir(git_repository *repo, const char *location)
{
	char *real = realpath(location, NULL), *gd = realpath(git_repository_path(repo), NULL);
	bool inside = real && gd && path_has_prefix(real, gd);

	free(real);
	free(gd);
	return inside;
}

static void describe(struct scan_vcs_info *out, git_repository *repo, const char *location,
		     struct scan_msgs *warn)
{
	char *remote = configured_remote(repo), *url;
	git_oid oid;
	char hex[GIT_OID_HEXSZ + 1];

	if (!remote) {
		out->state = SCAN_VCS_GIT_NO_REMOTE;
		return;
	}
	url = scan_git_remote_to_pip_url(remote);
	if (!url) {
		out->state = SCAN_VCS_GIT_BAD_REMOTE;
		out->url = remote;
		return;
	}
	free(remote);
	if (git_reference_name_to_id(&oid, repo, "HEAD") != 0) {
		out->state = SCAN_VCS_GIT_NO_COMMIT;
		free(url);
		return;
	}
	git_oid_tostr(hex, sizeof(hex), &oid);
	out->state = SCAN_VCS_GIT;
	out->url = url;
	out->commit = xstrdup(hex);
	{
		char *root = repo_root_of(repo);

		out->subdir = project_subdir(location, root, warn);
		free(root);
	}
}

void scan_git_editable(struct scan_vcs_info *out, const char *location, struct scan_msgs *warn)
{
	git_repository *repo = NULL;
	git_buf gitdir = {0};
	char *problem;
	struct stat st;

	memset(out, 0, sizeof(*out));
	out->state = SCAN_VCS_NONE;
	if (stat(location, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	git_libgit2_init();
	/* The files libgit2 would read, checked first (git_files.h). */
	problem = scan_git_discovery_problem(location);
	if (!problem && git_repository_discover(&gitdir, location, 0, NULL) == 0)
		problem = scan_git_open_problem(gitdir.ptr);
	git_buf_dispose(&gitdir);
	if (problem) {
		scan_msgs_add(warn, "git: %s", problem);
		free(problem);
	} else if (git_repository_open_ext(&repo, location, 0, NULL) == 0) {
		if (!git_repository_is_bare(repo) && !inside_git_dir(repo, location))
			describe(out, repo, location, warn);
		git_repository_free(repo);
	}
	git_libgit2_shutdown();
}
