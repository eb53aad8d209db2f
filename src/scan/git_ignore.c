/* git's ignore rules, worked out the way git's dir.c does.
 *
 * Not git_ignore_path_is_ignored: libgit2 1.5 drops a negation that has no
 * earlier positive rule in the same file, so "!venv/" in sub/.gitignore
 * does not undo "venv/" in the top-level one there, while git does undo
 * it. git goes from the top down: each leading folder is checked as a
 * folder against the ignore files that apply to it (the .gitignore files
 * of the folders above it, nearest first, then $GIT_COMMON_DIR/info/exclude,
 * then core.excludesFile or $XDG_CONFIG_HOME/git/ignore); within a file the
 * last matching line wins; the first folder a positive rule matches hides
 * everything below it; else the file decides. That rule is `rule`.
 * Patterns as dir.c reads them: one without a '/' (but a trailing one) is
 * matched against the name alone, any other against the path below its
 * file's folder, with git's wildmatch (util/wildmatch.h, polynomial) and
 * dir.c's shortcuts for literal patterns and "*literal". Each file is
 * parsed once per `struct scan_ign_cache` and again only when its (device,
 * inode, mtime, size) changed. */
#include "git_ignore.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "git_files.h"
#include "../util/ascii.h"
#include "../util/path.h"
#include "../util/strmap.h"
#include "../util/vec.h"
#include "../util/wildmatch.h"
#include "../util/xalloc.h"

struct ign_rule {
	char *pattern; /* without '!', a trailing '/', and a leading '/' unless basename */
	size_t len;    /* of pattern */
	size_t simple; /* its leading bytes without a glob character (dir.c's nowildcardlen) */
	char *text;    /* the line as shown in `rule` */
	int line;
	bool negative, dir_only;
	bool basename;            /* no '/' in it: matched against the name alone (NODIR) */
	bool endswith;            /* "*literal" (dir.c's ENDSWITH) */
	struct vs_wildpat *wp[2]; /* compiled on first need, [icase] */
};

struct ign_file {
	char *shown;         /* its name in `rule` */
	char *base;          /* the folder it applies to, relative to the work tree ("" = all) */
	struct vs_vec rules; /* struct ign_rule *, owned */
	/* What it was read from, for the cache: */
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	off_t size;
};

struct scan_ign_cache {
	struct strmap *files; /* path -> struct ign_file * */
};

static void ign_rule_free(void *p)
{
	struct ign_rule *r = p;

	vs_wildpat_free(r->wp[0]);
	vs_wildpat_free(r->wp[1]);
	free(r->pattern);
	free(r->text);
	free(r);
}

static void ign_file_free(void *p)
{
	struct ign_file *f = p;

	if (!f)
		return;
	vs_vec_clear(&f->rules);
	free(f->shown);
	free(f->base);
	free(f);
}

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

/* dir.c's simple_length: the bytes before the first of * ? [ \. */
static size_t simple_length(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && !strchr("*?[\\", s[i]))
		i++;
	return i;
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
	/* "*literal", judged on the text before the trailing '/' goes, as git does */
	r.endswith = *p == '*' && simple_length(p + 1, strlen(p + 1)) == strlen(p + 1);
	if (n && p[n - 1] == '/') {
		r.dir_only = true;
		p[--n] = '\0';
	}
	r.basename = !memchr(p, '/', n);
	if (*p == '/')
		p++;
	if (!*p) {
		free(r.text);
		return;
	}
	r.pattern = xstrdup(p);
	r.len = strlen(p);
	r.simple = simple_length(p, r.len);
	{
		struct ign_rule *copy = xmalloc(sizeof(*copy));

		*copy = r;
		vs_vec_push(&f->rules, copy);
	}
}

/* The rules of `path` (none when it is missing or unreadable), or NULL
 * with *problem when it is not a regular file of sane size (git_files.h).
 * In-tree .gitignore files are never read through a symlink, as git does.
 * Takes `shown`. */
static struct ign_file *ign_file_load(const char *path, char *shown, const char *base, bool nofollow,
				      char **problem)
{
	struct ign_file *f;
	char *text = NULL, *line, *end;
	size_t len = 0;
	int no = 0;

	if (scan_git_read_file(path, shown, nofollow, SCAN_GIT_TEXT_MAX, &text, &len, problem) < 0) {
		free(shown);
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	vs_vec_init(&f->rules, ign_rule_free);
	f->shown = shown;
	f->base = xstrdup(base);
	/* Line by line over the whole buffer, as git's add_patterns_from_buffer. */
	for (line = text; text && line < text + len; line = end + 1) {
		end = memchr(line, '\n', (size_t)(text + len - line));
		if (!end)
			end = text + len;
		*end = '\0';
		if (++no == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			line += 3;
		add_rule(f, line, no);
	}
	free(text);
	return f;
}

/* ---- The cache of parsed files ---- */

struct scan_ign_cache *scan_ign_cache_new(void)
{
	struct scan_ign_cache *c = xcalloc(1, sizeof(*c));

	c->files = strmap_new();
	return c;
}

static void free_file_value(const char *key, void *value, void *ctx)
{
	(void)key;
	(void)ctx;
	ign_file_free(value);
}

void scan_ign_cache_free(struct scan_ign_cache *c)
{
	if (!c)
		return;
	strmap_each(c->files, free_file_value, NULL);
	strmap_free(c->files);
	free(c);
}

static bool same_file(const struct ign_file *f, const struct stat *st)
{
	return f->dev == st->st_dev && f->ino == st->st_ino && f->size == st->st_size &&
	       f->mtime.tv_sec == st->st_mtim.tv_sec && f->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The parsed file at `path`, from the cache when it is unchanged, else read
 * now (and kept when `cache`). NULL with *problem NULL: nothing to read
 * (absent, unreadable, a link when `nofollow`); NULL with *problem: not a
 * regular file of sane size. *owned: the caller frees what is returned. */
static struct ign_file *ign_file_get(struct scan_ign_cache *cache, const char *path, char *shown,
				     const char *base, bool nofollow, bool *owned, char **problem)
{
	struct ign_file *f = cache ? strmap_get(cache->files, path) : NULL;
	struct stat st;

	*owned = false;
	*problem = NULL;
	if ((nofollow ? lstat(path, &st) : stat(path, &st)) != 0 || (nofollow && S_ISLNK(st.st_mode))) {
		free(shown);
		return NULL;
	}
	if (f && S_ISREG(st.st_mode) && same_file(f, &st)) {
		free(shown);
		return f;
	}
	if (!(f = ign_file_load(path, shown, base, nofollow, problem)))
		return NULL;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
	if (cache && S_ISREG(st.st_mode))
		ign_file_free(strmap_put(cache->files, path, f));
	else
		*owned = true;
	return f;
}

/* ---- Matching ---- */

static int cmp(const char *a, const char *b, size_t n, bool icase)
{
	return icase ? vs_ascii_ncasecmp(a, b, n) : memcmp(a, b, n);
}

/* wildmatch of the pattern from byte `from` on (the same for every call
 * with this rule) against `s`. */
static bool wild(struct ign_rule *r, size_t from, const char *s, size_t n, bool icase, unsigned flags)
{
	if (!r->wp[icase])
		r->wp[icase] = vs_wildpat_new(r->pattern + from, r->len - from,
					      flags | (icase ? VS_WM_CASEFOLD : 0));
	return vs_wildpat_match(r->wp[icase], s, n);
}

/* dir.c's match_basename: `name` is the last part of the path. */
static bool match_basename(struct ign_rule *r, const char *name, size_t n, bool icase)
{
	if (r->simple == r->len)
		return n == r->len && cmp(r->pattern, name, n, icase) == 0;
	if (r->endswith)
		return r->len - 1 <= n &&
		       cmp(r->pattern + 1, name + n - (r->len - 1), r->len - 1, icase) == 0;
	return wild(r, 0, name, n, icase, 0);
}

/* dir.c's match_pathname: `path` relative to the work tree, `base` the
 * rule's file's folder ("" for the top). As git before 2.52 does it (the
 * git of Debian 12 and of most systems today): the pattern's literal
 * prefix is compared, and the rest is matched as if it began the path, so
 * in "foo**" "/bar" the stars are a leading "**" "/" (it matches "foobar"
 * and "foo/x/bar"); git 2.52 keeps one byte of context there instead. */
static bool match_pathname(struct ign_rule *r, const char *path, size_t n, const char *base, size_t bn,
			   bool icase)
{
	const char *name = path;

	if (bn) {
		if (n < bn + 1 || path[bn] != '/' || cmp(path, base, bn, icase) != 0)
			return false;
		name = path + bn + 1;
		n -= bn + 1;
	}
	if (r->simple) {
		if (r->simple > n || cmp(r->pattern, name, r->simple, icase) != 0)
			return false;
		name += r->simple;
		n -= r->simple;
		if (r->simple == r->len)
			return n == 0;
	}
	return wild(r, r->simple, name, n, icase, VS_WM_PATHNAME);
}

/* The last rule of `f` that matches `rel` (relative to the work tree, a
 * folder when is_dir), or NULL. */
static const struct ign_rule *ign_file_match(const struct ign_file *f, const char *rel, bool is_dir,
					     bool icase)
{
	size_t n = strlen(rel), bn = strlen(f->base);
	const char *slash = strrchr(rel, '/'), *name = slash ? slash + 1 : rel;

	for (size_t i = f->rules.n; i-- > 0;) {
		struct ign_rule *r = f->rules.v[i];

		if (r->dir_only && !is_dir)
			continue;
		if (r->basename ? match_basename(r, name, n - (size_t)(name - rel), icase)
				: match_pathname(r, rel, n, f->base, bn, icase))
			return r;
	}
	return NULL;
}

/* ---- The walk ---- */

/* The files in use for one lookup: borrowed from the cache, or owned. */
struct ign_stack {
	struct vs_vec files; /* struct ign_file *, borrowed */
	struct vs_vec owned; /* the ones to free */
};

/* Pushes the file at `path` (if it has rules to give); -1 with *problem
 * when it cannot be read safely. Takes `shown`. */
static int push_file(struct ign_stack *st, const struct scan_git_excludes *e, const char *path,
		     char *shown, const char *base, bool nofollow, char **problem)
{
	bool owned;
	struct ign_file *f = ign_file_get(e->cache, path, shown, base, nofollow, &owned, problem);

	if (!f)
		return *problem ? -1 : 0;
	vs_vec_push(&st->files, f);
	if (owned)
		vs_vec_push(&st->owned, f);
	return 0;
}

/* The files that apply everywhere: info/exclude, then the excludes file. */
static int load_global(struct ign_stack *global, const struct scan_git_excludes *e, char **problem)
{
	const char *shown = path_has_prefix(e->exclude, e->workdir)
				    ? e->exclude + strlen(e->workdir) + 1
				    : e->exclude;

	if (push_file(global, e, e->exclude, xstrdup(shown), "", false, problem) < 0)
		return -1;
	if (e->excludes_file &&
	    push_file(global, e, e->excludes_file, xstrdup(e->excludes_file), "", false, problem) < 0)
		return -1;
	return 0;
}

/* The .gitignore of `dir` (relative to the work tree, "" for its top)
 * pushed onto `stack`; -1 with *problem when it cannot be read safely. */
static int push_gitignore(struct ign_stack *stack, const struct scan_git_excludes *e, const char *dir,
			  char **problem)
{
	char *file = dir[0] ? xasprintf("%s/%s/.gitignore", e->workdir, dir)
			    : xasprintf("%s/.gitignore", e->workdir);
	char *shown = dir[0] ? xasprintf("%s/.gitignore", dir) : xstrdup(".gitignore");
	int rc = push_file(stack, e, file, shown, dir, true, problem);

	free(file);
	return rc;
}

static void stack_init(struct ign_stack *st)
{
	vs_vec_init(&st->files, NULL);
	vs_vec_init(&st->owned, ign_file_free);
}

static void stack_clear(struct ign_stack *st)
{
	vs_vec_clear(&st->files);
	vs_vec_clear(&st->owned);
}

int scan_git_path_ignored(const struct scan_git_excludes *e, const char *file, char **rule,
			  char **problem)
{
	char *path = xstrdup(file);
	struct ign_stack stack, global;
	int rc = 0;

	*rule = *problem = NULL;
	stack_init(&stack);
	stack_init(&global);
	if (load_global(&global, e, problem) < 0 || push_gitignore(&stack, e, "", problem) < 0)
		rc = -1;
	for (char *p = path; rc == 0; p++) {
		const struct ign_file *from = NULL;
		const struct ign_rule *r = NULL;
		bool is_dir = *p == '/';

		if (*p && !is_dir)
			continue;
		*p = '\0';
		for (size_t i = stack.files.n; !r && i-- > 0;)
			r = ign_file_match(from = stack.files.v[i], path, is_dir, e->icase);
		for (size_t i = 0; !r && i < global.files.n; i++)
			r = ign_file_match(from = global.files.v[i], path, is_dir, e->icase);
		if (r && !r->negative) {
			*rule = xasprintf("%s:%d: %s", from->shown, r->line, r->text);
			rc = 1;
			break;
		}
		if (!is_dir)
			break;
		/* Going down: this folder's .gitignore applies below it. */
		if (push_gitignore(&stack, e, path, problem) < 0)
			rc = -1;
		*p = '/';
	}
	stack_clear(&stack);
	stack_clear(&global);
	free(path);
	return rc;
}

int scan_git_ignored(const struct scan_git_excludes *e, const char *rel, char **rule, char **problem)
{
	char *file = rel[0] ? xasprintf("%s/pyvenv.cfg", rel) : xstrdup("pyvenv.cfg");
	int rc = scan_git_path_ignored(e, file, rule, problem);

	free(file);
	return rc;
}
