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

#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/xalloc.h"

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

bool scan_git_ignored(const struct scan_git_excludes *e, const char *rel, char **rule)
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
