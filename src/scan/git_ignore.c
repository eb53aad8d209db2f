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
 * Patterns: fnmatch per path component, "**" across components. */
#include "git_ignore.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git_files.h"
#include "../util/path.h"
#include "../util/vec.h"
#include "../util/xalloc.h"

struct ign_rule {
	char *pattern; /* without '!', trailing '/' and a leading '/' */
	char *text;    /* the line as shown in `rule` */
	int line;
	bool negative, dir_only, anchored;
};

struct ign_file {
	char *shown;         /* its name in `rule` */
	char *base;          /* the folder it applies to, relative to the work tree ("" = all) */
	struct vs_vec rules; /* struct ign_rule *, owned */
};

static void ign_rule_free(void *p)
{
	struct ign_rule *r = p;

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
	for (size_t i = f->rules.n; i-- > 0;) {
		const struct ign_rule *r = f->rules.v[i];

		if (r->dir_only && !is_dir)
			continue;
		if (r->anchored ? path_match(r->pattern, sub, flags)
				: fnmatch(r->pattern, slash ? slash + 1 : rel, flags) == 0)
			return r;
	}
	return NULL;
}

/* The files that apply everywhere: info/exclude, then the excludes file. */
static int load_global(struct vs_vec *out, const struct scan_git_excludes *e, char **problem)
{
	const char *shown = path_has_prefix(e->exclude, e->workdir)
				    ? e->exclude + strlen(e->workdir) + 1
				    : e->exclude;
	struct ign_file *f = ign_file_load(e->exclude, xstrdup(shown), "", false, problem);

	if (!f)
		return -1;
	vs_vec_push(out, f);
	if (e->excludes_file) {
		f = ign_file_load(e->excludes_file, xstrdup(e->excludes_file), "", false, problem);
		if (!f)
			return -1;
		vs_vec_push(out, f);
	}
	return 0;
}

/* The .gitignore of `dir` (relative to the work tree, "" for its top)
 * pushed onto `stack`; -1 with *problem when it cannot be read safely. */
static int push_gitignore(struct vs_vec *stack, const struct scan_git_excludes *e, const char *dir,
			  char **problem)
{
	char *file = dir[0] ? xasprintf("%s/%s/.gitignore", e->workdir, dir)
			    : xasprintf("%s/.gitignore", e->workdir);
	char *shown = dir[0] ? xasprintf("%s/.gitignore", dir) : xstrdup(".gitignore");
	struct ign_file *f = ign_file_load(file, shown, dir, true, problem);

	free(file);
	if (!f)
		return -1;
	vs_vec_push(stack, f);
	return 0;
}

int scan_git_ignored(const struct scan_git_excludes *e, const char *rel, char **rule, char **problem)
{
	char *path = rel[0] ? xasprintf("%s/pyvenv.cfg", rel) : xstrdup("pyvenv.cfg");
	struct vs_vec stack, global;
	int rc = 0;

	*rule = *problem = NULL;
	vs_vec_init(&stack, ign_file_free);
	vs_vec_init(&global, ign_file_free);
	if (load_global(&global, e, problem) < 0 || push_gitignore(&stack, e, "", problem) < 0)
		rc = -1;
	for (char *p = path; rc == 0; p++) {
		const struct ign_file *from = NULL;
		const struct ign_rule *r = NULL;
		bool is_dir = *p == '/';

		if (*p && !is_dir)
			continue;
		*p = '\0';
		for (size_t i = stack.n; !r && i-- > 0;)
			r = ign_file_match(from = stack.v[i], path, is_dir, e->icase);
		for (size_t i = 0; !r && i < global.n; i++)
			r = ign_file_match(from = global.v[i], path, is_dir, e->icase);
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
	vs_vec_clear(&stack);
	vs_vec_clear(&global);
	free(path);
	return rc;
}
