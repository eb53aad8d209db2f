/* Files git reads, checked before they are read (see git_files.h). */
#include "git_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/ascii.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"

static char *too_big(const char *shown, size_t max)
{
	return xasprintf("%s is larger than %zu MiB", shown, max >> 20);
}

char *scan_git_file_problem(const char *path, const char *shown, size_t max)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return NULL;
	if (!S_ISREG(st.st_mode))
		return xasprintf("%s is not a regular file", shown);
	if ((unsigned long long)st.st_size > max)
		return too_big(shown, max);
	return NULL;
}

int scan_git_read_file(const char *path, const char *shown, bool nofollow, size_t max, char **out,
		       size_t *len, char **problem)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0));
	int rc;

	*out = NULL;
	*len = 0;
	*problem = NULL;
	if (fd < 0)
		return 1;
	rc = vs_read_fd(fd, max, out, len);
	if (rc != 0 && errno == EINVAL)
		*problem = xasprintf("%s is not a regular file", shown);
	else if (rc != 0 && errno == EFBIG)
		*problem = too_big(shown, max);
	close(fd);
	if (rc == 0)
		return 0;
	return *problem ? -1 : 1;
}

/* ---- A repository's files ---- */

/* `file` in the folder `dir` (with or without a trailing slash). */
static char *in_dir(const char *dir, const char *file)
{
	size_t n = strlen(dir);

	return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", file);
}

/* A file checked by git_files.h, named in a problem by its full path. */
static char *check(const char *dir, const char *file, size_t max)
{
	char *path = in_dir(dir, file), *problem = scan_git_file_problem(path, path, max);

	free(path);
	return problem;
}

/* libgit2 reads a `commondir` or a `.git` link file only when it is a
 * regular file: then its size is what matters. */
static char *size_problem(const char *dir, const char *file)
{
	char *path = in_dir(dir, file), *problem = NULL;
	struct stat st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		problem = scan_git_file_problem(path, path, SCAN_GIT_TEXT_MAX);
	free(path);
	return problem;
}

char *scan_git_discovery_problem(const char *dir)
{
	char *path = xstrdup(dir), *problem = NULL;

	for (;;) {
		char *dotgit = in_dir(path, ".git"), *slash;

		if (!problem)
			problem = size_problem(path, "commondir");
		if (!problem)
			problem = size_problem(path, ".git");
		if (!problem)
			problem = size_problem(dotgit, "commondir");
		free(dotgit);
		if (problem || strcmp(path, "/") == 0)
			break;
		slash = strrchr(path, '/');
		slash[slash == path ? 1 : 0] = '\0';
	}
	free(path);
	return problem;
}

/* The common git folder of `gitdir`: what its `commondir` file names, or
 * `gitdir` itself. The file was checked before; read it bounded anyway. */
static char *common_dir(const char *gitdir)
{
	char *path = in_dir(gitdir, "commondir"), *text = NULL, *problem = NULL, *out;
	size_t len;

	if (scan_git_read_file(path, path, false, SCAN_GIT_TEXT_MAX, &text, &len, &problem) != 0 ||
	    !len) {
		free(path);
		free(text);
		free(problem);
		return xstrdup(gitdir);
	}
	free(path);
	text[strcspn(text, "\r\n")] = '\0';
	out = text[0] == '/' ? xstrdup(text) : in_dir(gitdir, text);
	free(text);
	return out;
}

/* The config files libgit2 reads for `gitdir`, in its order; returns how
 * many (at most 5), each the caller's to free. */
static size_t config_files(const char *gitdir, char *files[5])
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	char *common = common_dir(gitdir);
	size_t n = 0;

	files[n++] = in_dir(common, "config");
	files[n++] = in_dir(gitdir, "config.worktree");
	files[n++] = xstrdup("/etc/gitconfig");
	if (xdg && *xdg)
		files[n++] = xasprintf("%s/git/config", xdg);
	else if (home)
		files[n++] = xasprintf("%s/.config/git/config", home);
	if (home)
		files[n++] = xasprintf("%s/.gitconfig", home);
	free(common);
	return n;
}

char *scan_git_open_problem(const char *gitdir)
{
	char *files[5], *problem;
	size_t n;

	problem = check(gitdir, "gitdir", SCAN_GIT_TEXT_MAX);
	if (!problem)
		problem = check(gitdir, "HEAD", SCAN_GIT_TEXT_MAX);
	n = config_files(gitdir, files);
	for (size_t i = 0; i < n; i++) {
		if (!problem)
			problem = scan_git_config_problem(files[i], files[i], getenv("HOME"));
		free(files[i]);
	}
	return problem;
}

/* ---- include.path and includeIf.*.path ---- */

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* A value as git writes it: quotes removed, backslash escapes undone, up to
 * a comment or the end of the line. */
static char *unquote_value(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool quoted = false;

	for (; *s && *s != '\n'; s++) {
		if (*s == '"') {
			quoted = !quoted;
		} else if (*s == '\\' && s[1] && s[1] != '\n') {
			s++;
			sb_addc(&sb, *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'b' ? '\b' : *s);
		} else if (!quoted && (*s == '#' || *s == ';')) {
			break;
		} else {
			sb_addc(&sb, *s);
		}
	}
	while (sb.len &&
	       (sb.buf[sb.len - 1] == ' ' || sb.buf[sb.len - 1] == '\t' || sb.buf[sb.len - 1] == '\r'))
		sb.buf[--sb.len] = '\0';
	return sb_detach(&sb);
}

/* `value` as libgit2 resolves an include path: "~/" is HOME, a relative
 * path is relative to the including file's folder. */
static char *include_target(const char *value, const char *from, const char *home)
{
	char *dir, *out;

	if (strncmp(value, "~/", 2) == 0)
		return home ? path_join(home, value + 2) : NULL;
	if (value[0] == '/')
		return xstrdup(value);
	dir = path_dirname(from);
	out = path_join(dir, value);
	free(dir);
	return out;
}

/* A walk over config files and their includes: checking each file (the
 * check before libgit2), or looking for a loop (after libgit2 failed). */
struct config_walk {
	const char *home;
	bool loops;            /* find an include loop instead of checking files */
	const char *chain[12]; /* the files on the way, outermost first */
};

static char *config_check(struct config_walk *w, const char *path, const char *shown, int depth);

/* The `path` key on the line at `p` (after any section header), when the
 * section is an include one: its target checked. */
static char *line_include(struct config_walk *w, const char *p, const char *from, int depth)
{
	const char *k = p;
	char *value, *target, *problem = NULL;

	while (is_key_char(*p))
		p++;
	if (p - k != 4 || vs_ascii_ncasecmp(k, "path", 4) != 0)
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		return NULL;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	value = unquote_value(p);
	target = value[0] ? include_target(value, from, w->home) : NULL;
	if (target)
		problem = config_check(w, target, target, depth + 1);
	free(target);
	free(value);
	return problem;
}

/* Every include a config text may hold, checked. */
static char *includes_check(struct config_walk *w, const char *text, const char *from, int depth)
{
	bool in_include = false;
	char *problem = NULL;

	for (const char *p = text; p && *p && !problem; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			const char *name = ++p;

			while (*p && *p != ']' && *p != ' ' && *p != '"' && *p != '.' && *p != '\n')
				p++;
			in_include = (p - name == 7 || p - name == 9) &&
				     vs_ascii_ncasecmp(name, "includeif", (size_t)(p - name)) == 0;
			while (*p && *p != ']' && *p != '\n')
				p++;
			if (*p != ']')
				continue;
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
		}
		if (in_include)
			problem = line_include(w, p, from, depth);
	}
	return problem;
}

/* Whether `path` is already on the way (same file: realpath, else the name). */
static const char *on_the_way(const struct config_walk *w, const char *path, int depth)
{
	char *real = realpath(path, NULL);
	const char *found = NULL;

	for (int i = 0; i < depth && i < 12 && !found; i++) {
		char *other = realpath(w->chain[i], NULL);

		if (real && other ? strcmp(real, other) == 0 : strcmp(path, w->chain[i]) == 0)
			found = w->chain[i];
		free(other);
	}
	free(real);
	return found;
}

static char *config_check(struct config_walk *w, const char *path, const char *shown, int depth)
{
	char *text = NULL, *problem = NULL;
	const char *again;
	size_t len;

	if (w->loops && depth > 0 && (again = on_the_way(w, path, depth)) != NULL)
		return xasprintf("%s includes %s, which is already being read: an include loop",
				 w->chain[depth - 1], again);
	if (depth > 10) /* libgit2 stops there too, with an error */
		return w->loops ? xasprintf("%s: config includes nest more than 10 deep", path) : NULL;
	w->chain[depth] = path;
	if (scan_git_read_file(path, shown, false, SCAN_GIT_TEXT_MAX, &text, &len, &problem) == 0)
		problem = includes_check(w, text, path, depth);
	else if (w->loops) {
		free(problem); /* checked before libgit2 ran: not the reason */
		problem = NULL;
	}
	free(text);
	return problem;
}

char *scan_git_config_problem(const char *path, const char *shown, const char *home)
{
	struct config_walk w = {.home = home};

	return config_check(&w, path, shown, 0);
}

char *scan_git_include_loop(const char *gitdir)
{
	char *files[5], *problem = NULL;
	size_t n = config_files(gitdir, files);

	for (size_t i = 0; i < n; i++) {
		struct config_walk w = {.home = getenv("HOME"), .loops = true};

		if (!problem)
			problem = config_check(&w, files[i], files[i], 0);
		free(files[i]);
	}
	return problem;
}
