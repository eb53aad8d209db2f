#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../actions/open.h"
#include "../scan/places.h"
#include "../scan/sort.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "options.h"

static const char *const key_names[CLI_KEY_COUNT] = {
	[CLI_KEY_DEPTH] = "depth",     [CLI_KEY_STALE_DAYS] = "stale-days",
	[CLI_KEY_THREADS] = "threads", [CLI_KEY_THEME] = "theme",
	[CLI_KEY_SORT] = "sort",       [CLI_KEY_REVERSE] = "reverse",
	[CLI_KEY_COLUMNS] = "columns", [CLI_KEY_SIZE_MODE] = "size-mode",
};

/* The most scan workers a file may ask for (a typo of 10000 is not meant). */
#define THREADS_MAX 1024

const char *cli_key_name(enum cli_key k)
{
	return key_names[k];
}

static void free_bind(void *p)
{
	struct cli_bind *b = p;

	free(b->key);
	free(b->action);
	free(b);
}

void cli_settings_init(struct cli_settings *s)
{
	memset(s, 0, sizeof(*s));
	vs_vec_init_strs(&s->roots);
	vs_vec_init(&s->roots_at, free);
	vs_vec_init_strs(&s->excludes);
	vs_vec_init(&s->excludes_at, free);
	vs_vec_init(&s->binds, free_bind);
	vs_vec_init_strs(&s->errors);
	/* The defaults, each written once: here and in scan.h. */
	s->depth = -1;
	s->stale_days = SCAN_STALE_DAYS_DEFAULT;
	s->threads = 0;
	s->sort = SCAN_SORT_SIZE;
}

void cli_settings_free(struct cli_settings *s)
{
	free(s->config_file);
	free(s->state_file);
	vs_vec_clear(&s->roots);
	vs_vec_clear(&s->roots_at);
	vs_vec_clear(&s->excludes);
	vs_vec_clear(&s->excludes_at);
	vs_vec_clear(&s->binds);
	vs_vec_clear(&s->errors);
	free(s->theme);
	free(s->columns);
	memset(&s->req, 0, sizeof(s->req));
}

static struct cli_origin *origin_new(enum cli_src src, int line)
{
	struct cli_origin *o = xmalloc(sizeof(*o));

	o->src = src;
	o->line = line;
	return o;
}

/* ---- one line ---- */

struct line_ctx {
	struct cli_settings *s;
	enum cli_src src;
	const char *file;
	int line;
	bool roots_seen; /* this file's first roots line replaces what came before */
};

static int bad(struct line_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct line_ctx *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_addf(&sb, "%s:%d: %s", c->file, c->line, msg);
	vs_vec_push(&c->s->errors, sb_detach(&sb));
	return -1;
}

static int parse_num(const char *v, int min, int max, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* roots = PATH[:PATH...]: the first roots line of a file replaces the
 * roots before it; the next ones add. */
static int set_roots(struct line_ctx *c, const char *v)
{
	struct cli_settings *s = c->s;
	char *copy = xstrdup(v), *p = copy, *part;
	struct vs_vec add;
	struct vs_err err = {0};
	int rc = 0;

	vs_vec_init_strs(&add);
	while ((part = strsep(&p, ":")) != NULL) {
		char *root = NULL;

		if (!*part) {
			rc = bad(c, "roots: an empty path (two ':' in a row, or one at an end)");
			break;
		}
		if (path_expand_tilde(&root, part, &err) < 0) {
			rc = bad(c, "roots: %s", err.msg);
			break;
		}
		vs_vec_push(&add, root);
	}
	if (rc == 0) {
		if (!c->roots_seen) {
			vs_vec_clear(&s->roots);
			vs_vec_clear(&s->roots_at);
			c->roots_seen = true;
		}
		for (size_t i = 0; i < add.n; i++) {
			vs_vec_push(&s->roots, add.v[i]);
			vs_vec_push(&s->roots_at, origin_new(c->src, c->line));
			add.v[i] = NULL;
		}
		add.n = 0;
	}
	vs_vec_clear(&add);
	free(copy);
	return rc;
}

/* One single-valued key; -1 (with the error kept) when the value is bad. */
static int set_key(struct line_ctx *c, enum cli_key k, const char *v)
{
	struct cli_settings *s = c->s;
	int n;

	switch (k) {
	case CLI_KEY_DEPTH:
		if (parse_num(v, 0, INT_MAX, &s->depth) < 0)
			return bad(c, "depth wants a number of levels (0 or more), not '%s'", v);
		break;
	case CLI_KEY_STALE_DAYS:
		if (parse_num(v, 0, INT_MAX, &s->stale_days) < 0)
			return bad(c, "stale-days wants a number of days (0 or more), not '%s'", v);
		break;
	case CLI_KEY_THREADS:
		if (parse_num(v, 1, THREADS_MAX, &s->threads) < 0)
			return bad(c, "threads wants a number from 1 to %d, not '%s'", THREADS_MAX, v);
		break;
	case CLI_KEY_THEME:
		set_str(&s->theme, v);
		break;
	case CLI_KEY_SORT:
		if ((n = scan_sort_parse(v)) < 0)
			return bad(c,
				   "sort wants one of size, name, age, used, python, path; not '%s'",
				   v);
		s->sort = n;
		break;
	case CLI_KEY_REVERSE:
		if (parse_bool(v, &s->reverse) < 0)
			return bad(c, "reverse wants yes or no, not '%s'", v);
		break;
	case CLI_KEY_COLUMNS:
		set_str(&s->columns, v);
		break;
	case CLI_KEY_SIZE_MODE:
		if (strcmp(v, "apparent") != 0 && strcmp(v, "disk") != 0)
			return bad(c, "size-mode wants apparent or disk, not '%s'", v);
		s->disk = strcmp(v, "disk") == 0;
		break;
	default:
		return -1;
	}
	s->at[k] = (struct cli_origin){c->src, c->line};
	return 0;
}

/* "bind KEY ACTION": exactly two words after bind. */
static int parse_bind(struct line_ctx *c, char *rest)
{
	char *words[3];
	int n = 0;
	struct cli_bind *b;

	if (c->src != CLI_SRC_FILE)
		return bad(c, "bind lines belong in the config file, not here");
	for (char *w = strtok(rest, " \t"); w; w = strtok(NULL, " \t")) {
		if (n == 3)
			break;
		words[n++] = w;
	}
	if (n != 2)
		return bad(c, "bind wants a KEY and an ACTION: 'bind KEY ACTION'");
	b = xmalloc(sizeof(*b));
	b->key = xstrdup(words[0]);
	b->action = xstrdup(words[1]);
	b->line = c->line;
	vs_vec_push(&c->s->binds, b);
	return 0;
}

static char *trim(char *p)
{
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return p;
}

static bool remembered(enum cli_key k)
{
	return k == CLI_KEY_THEME || k == CLI_KEY_SORT || k == CLI_KEY_REVERSE ||
	       k == CLI_KEY_SIZE_MODE;
}

static int parse_line(struct line_ctx *c, char *line)
{
	char *p = trim(line), *eq, *key, *val;

	if (!*p || *p == '#')
		return 0;
	if (strncmp(p, "bind", 4) == 0 && (p[4] == ' ' || p[4] == '\t'))
		return parse_bind(c, p + 4);
	if (strcmp(p, "bind") == 0)
		return bad(c, "bind wants a KEY and an ACTION: 'bind KEY ACTION'");
	if ((eq = strchr(p, '=')) == NULL)
		return bad(c, "'%s' is not 'key = value' (no '=')", p);
	*eq = '\0';
	key = trim(p);
	val = trim(eq + 1);
	if (!*key)
		return bad(c, "a value with no key before '='");
	if (!*val)
		return bad(c, "%s: no value after '='", key);
	if (c->src == CLI_SRC_FILE && strcmp(key, "roots") == 0)
		return set_roots(c, val);
	if (c->src == CLI_SRC_FILE && strcmp(key, "exclude") == 0) {
		vs_vec_push_str(&c->s->excludes, val);
		vs_vec_push(&c->s->excludes_at, origin_new(c->src, c->line));
		return 0;
	}
	for (int k = 0; k < CLI_KEY_COUNT; k++) {
		if (strcmp(key, key_names[k]) != 0)
			continue;
		if (c->src == CLI_SRC_STATE && !remembered((enum cli_key)k))
			return bad(c, "%s is not a remembered setting (it belongs in the config)", key);
		return set_key(c, (enum cli_key)k, val);
	}
	return bad(c, "unknown key '%s'", key);
}

int cli_settings_parse(struct cli_settings *s, enum cli_src src, const char *file, const char *text,
		       size_t len)
{
	struct line_ctx c = {.s = s, .src = src, .file = file};
	const char *p = text, *end = text + len;
	int n_bad = 0;

	set_str(src == CLI_SRC_STATE ? &s->state_file : &s->config_file, file);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, n);

		c.line++;
		if (memchr(p, '\0', n))
			n_bad += bad(&c, "a NUL byte in the line") < 0;
		else
			n_bad += parse_line(&c, line) < 0;
		free(line);
		p += n + (nl != NULL);
	}
	return n_bad;
}

int cli_settings_load(struct cli_settings *s, enum cli_src src, const char *path, struct vs_err *err)
{
	char *text = NULL;
	size_t len = 0;

	if (vs_read_at(AT_FDCWD, path, 0, CLI_CONFIG_MAX, &text, &len, err) < 0)
		return VS_EFAIL;
	cli_settings_parse(s, src, path, text, len);
	free(text);
	return 0;
}

/* ---- the command line over the rest ---- */

int cli_settings_from_opts(struct cli_settings *s, const struct cli_opts *o, struct vs_err *err)
{
	if (o->roots.n > 0 && !o->default_roots) {
		/* ROOTs given: they replace the file's. */
		vs_vec_clear(&s->roots);
		vs_vec_clear(&s->roots_at);
		for (size_t i = 0; i < o->roots.n; i++) {
			vs_vec_push_str(&s->roots, o->roots.v[i]);
			vs_vec_push(&s->roots_at, origin_new(CLI_SRC_FLAG, 0));
		}
	}
	for (size_t i = 0; i < o->excludes.n; i++) {
		vs_vec_push_str(&s->excludes, o->excludes.v[i]);
		vs_vec_push(&s->excludes_at, origin_new(CLI_SRC_FLAG, 0));
	}
	if (o->given & (1u << CLI_KEY_DEPTH))
		s->depth = o->req.max_depth;
	if (o->given & (1u << CLI_KEY_STALE_DAYS))
		s->stale_days = o->req.stale_days;
	if (o->given & (1u << CLI_KEY_THREADS))
		s->threads = o->req.threads;
	if (o->given & (1u << CLI_KEY_THEME))
		set_str(&s->theme, o->theme);
	if (o->given & (1u << CLI_KEY_SORT))
		s->sort = o->sort;
	if (o->given & (1u << CLI_KEY_REVERSE))
		s->reverse = o->reverse;
	for (int k = 0; k < CLI_KEY_COUNT; k++)
		if (o->given & (1u << k))
			s->at[k] = (struct cli_origin){CLI_SRC_FLAG, 0};
	s->default_roots = s->roots.n == 0;
	if (s->default_roots) {
		/* Worked out here only: every front end gets them in the request. */
		char **defaults = NULL;
		size_t n = scan_default_roots(&defaults, act_home());

		for (size_t i = 0; i < n; i++) {
			vs_vec_push(&s->roots, defaults[i]);
			vs_vec_push(&s->roots_at, origin_new(CLI_SRC_DEFAULT, 0));
		}
		free(defaults);
		if (n == 0)
			return vs_err_set(err, VS_EUSAGE, "no folder to scan");
	}
	s->req = o->req;
	s->req.roots = (const char *const *)s->roots.v;
	s->req.n_roots = s->roots.n;
	s->req.excludes = (const char *const *)s->excludes.v;
	s->req.n_excludes = s->excludes.n;
	s->req.max_depth = s->depth;
	s->req.stale_days = s->stale_days;
	s->req.threads = s->threads;
	return 0;
}

/* ---- where the files are ---- */

char *cli_config_default_path(void)
{
	char *dir = scan_xdg_dir("XDG_CONFIG_HOME", act_home(), ".config");
	char *p = dir ? xasprintf("%s/venvscope/config", dir) : NULL;

	free(dir);
	return p;
}

char *cli_state_default_path(void)
{
	char *dir = scan_state_dir(act_home());
	char *p = dir ? path_join(dir, "state") : NULL;

	free(dir);
	return p;
}

/* ---- --print-config ---- */

static void print_at(const struct cli_settings *s, const struct cli_origin *at, FILE *out)
{
	switch (at->src) {
	case CLI_SRC_DEFAULT:
		fputs("  # default\n", out);
		break;
	case CLI_SRC_FLAG:
		fputs("  # command line\n", out);
		break;
	case CLI_SRC_FILE:
		fprintf(out, "  # config %s:%d\n", s->config_file, at->line);
		break;
	case CLI_SRC_STATE:
		fprintf(out, "  # state %s:%d\n", s->state_file, at->line);
		break;
	}
}

static void print_key(const struct cli_settings *s, enum cli_key k, const char *v, FILE *out)
{
	fprintf(out, "%s = %s", key_names[k], v);
	print_at(s, &s->at[k], out);
}

void cli_settings_print(const struct cli_settings *s, FILE *out)
{
	static const struct cli_origin in_file = {CLI_SRC_FILE, 0};
	char num[32];

	fprintf(out, "# config file: %s\n", s->config_file ? s->config_file : "(none)");
	fprintf(out, "# state file: %s\n", s->state_file ? s->state_file : "(none)");
	for (size_t i = 0; i < s->roots.n; i++) {
		fprintf(out, "roots = %s", (const char *)s->roots.v[i]);
		print_at(s, s->roots_at.v[i], out);
	}
	for (size_t i = 0; i < s->excludes.n; i++) {
		fprintf(out, "exclude = %s", (const char *)s->excludes.v[i]);
		print_at(s, s->excludes_at.v[i], out);
	}
	if (s->depth < 0)
		print_key(s, CLI_KEY_DEPTH, "unlimited", out);
	else
		snprintf(num, sizeof(num), "%d", s->depth), print_key(s, CLI_KEY_DEPTH, num, out);
	snprintf(num, sizeof(num), "%d", s->stale_days);
	print_key(s, CLI_KEY_STALE_DAYS, num, out);
	if (s->threads == 0)
		print_key(s, CLI_KEY_THREADS, "auto", out);
	else
		snprintf(num, sizeof(num), "%d", s->threads), print_key(s, CLI_KEY_THREADS, num, out);
	print_key(s, CLI_KEY_THEME, s->theme ? s->theme : "default", out);
	print_key(s, CLI_KEY_SORT, scan_sort_name((enum scan_sort)s->sort), out);
	print_key(s, CLI_KEY_REVERSE, s->reverse ? "yes" : "no", out);
	print_key(s, CLI_KEY_COLUMNS, s->columns ? s->columns : "all", out);
	print_key(s, CLI_KEY_SIZE_MODE, s->disk ? "disk" : "apparent", out);
	for (size_t i = 0; i < s->binds.n; i++) {
		const struct cli_bind *b = s->binds.v[i];
		struct cli_origin at = in_file;

		at.line = b->line;
		fprintf(out, "bind %s %s", b->key, b->action);
		print_at(s, &at, out);
	}
}

/* ---- all of it ---- */

int cli_settings_build(struct cli_settings *s, const struct cli_opts *o, struct vs_err *err)
{
	struct vs_err e = {0};
	char *path;

	if (!o->no_config) {
		path = o->config_path ? xstrdup(o->config_path) : cli_config_default_path();
		if (path && cli_settings_load(s, CLI_SRC_FILE, path, &e) < 0) {
			if (o->config_path) {
				free(path);
				return vs_err_set(err, VS_EUSAGE, "--config %s", e.msg);
			}
			if (errno != ENOENT)
				vs_vec_push(&s->errors, xstrdup(e.msg));
		}
		free(path);
		path = cli_state_default_path();
		if (path && cli_settings_load(s, CLI_SRC_STATE, path, &e) < 0 && errno != ENOENT)
			vs_vec_push(&s->errors, xstrdup(e.msg));
		/* Written at quit even when it is not there yet. */
		if (path && !s->state_file)
			s->state_file = path;
		else
			free(path);
	}
	return cli_settings_from_opts(s, o, err);
}

void cli_settings_reject(struct cli_settings *s, enum cli_key k, const char *why)
{
	const struct cli_origin *at = &s->at[k];
	const char *file = at->src == CLI_SRC_STATE ? s->state_file : s->config_file;

	vs_vec_push(&s->errors, xasprintf("%s:%d: %s", file ? file : "?", at->line, why));
	if (k == CLI_KEY_THEME) {
		free(s->theme);
		s->theme = NULL;
	} else if (k == CLI_KEY_COLUMNS) {
		free(s->columns);
		s->columns = NULL;
	}
	s->at[k] = (struct cli_origin){CLI_SRC_DEFAULT, 0};
}
