/* Theme files: parsing and lookup. No curses here. */
#include "theme.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/ascii.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "themes_builtin.h"

static const char *const role_names[] = {
#define UI_ROLE_NAME(e, name, doc) name,
	UI_ROLES(UI_ROLE_NAME)
#undef UI_ROLE_NAME
};

const char *ui_role_name(enum ui_role role)
{
	return role_names[role];
}

int ui_role_parse(const char *name)
{
	for (int i = 0; i < UI_ROLE_COUNT; i++)
		if (strcmp(name, role_names[i]) == 0)
			return i;
	return -1;
}

static const char *const colour_names[] = {"black", "red",     "green", "yellow",
					   "blue",  "magenta", "cyan",  "white"};

/* Returns 0 and the colour (-1 for default), or -1 when not a colour. */
static int parse_colour(const char *w, short *out)
{
	char *end;
	long n;

	if (vs_ascii_casecmp(w, "default") == 0 || strcmp(w, "-1") == 0) {
		*out = UI_COLOR_DEFAULT;
		return 0;
	}
	for (int bright = 0; bright < 2; bright++) {
		const char *name = w;

		if (bright && vs_ascii_ncasecmp(w, "bright-", 7) != 0 &&
		    vs_ascii_ncasecmp(w, "bright", 6) != 0)
			continue;
		if (bright)
			name = w[6] == '-' ? w + 7 : w + 6;
		for (int i = 0; i < 8; i++) {
			if (vs_ascii_casecmp(name, colour_names[i]) == 0) {
				*out = (short)(i + 8 * bright);
				return 0;
			}
		}
	}
	if (vs_ascii_ncasecmp(w, "color", 5) == 0)
		w += 5;
	errno = 0;
	n = strtol(w, &end, 10);
	if (!errno && end != w && !*end && n >= 0 && n <= 255) {
		*out = (short)n;
		return 0;
	}
	return -1;
}

static int parse_attr(const char *w, unsigned *attrs)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{"normal", 0},
		{"bold", UI_ATTR_BOLD},
		{"dim", UI_ATTR_DIM},
		{"underline", UI_ATTR_UNDERLINE},
		{"reverse", UI_ATTR_REVERSE},
		{"standout", UI_ATTR_STANDOUT},
		{"italic", UI_ATTR_ITALIC},
		{"blink", UI_ATTR_BLINK},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (vs_ascii_casecmp(w, names[i].name) == 0) {
			*attrs |= names[i].bit;
			return 0;
		}
	}
	return -1;
}

/* Splits a line into at most `max` words in place; returns the count. */
static int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
		if (n == max)
			return max + 1;
		words[n++] = w;
	}
	return n;
}

static int parse_line(struct ui_theme *t, char *line, const char *origin, int lineno,
		      struct vs_err *err)
{
	char *hash = strchr(line, '#');
	char *w[16];
	int n, role;
	struct ui_style st = {.set = true};

	if (hash)
		*hash = '\0';
	n = split_words(line, w, 15);
	if (n == 0)
		return 0;
	if (strcmp(w[0], "color") != 0)
		return vs_err_set(err, VS_EUSAGE,
				  "%s:%d: unknown command '%s' (lines read: color <role> <fg> <bg> [attr...])",
				  origin, lineno, w[0]);
	if (n < 4)
		return vs_err_set(err, VS_EUSAGE,
				  "%s:%d: 'color' wants a role, a foreground and a background", origin,
				  lineno);
	if (n > 15)
		return vs_err_set(err, VS_EUSAGE, "%s:%d: too many words", origin, lineno);
	role = ui_role_parse(w[1]);
	if (role < 0)
		return vs_err_set(err, VS_EUSAGE, "%s:%d: unknown role '%s'", origin, lineno, w[1]);
	if (parse_colour(w[2], &st.fg) < 0)
		return vs_err_set(err, VS_EUSAGE, "%s:%d: unknown colour '%s'", origin, lineno, w[2]);
	if (parse_colour(w[3], &st.bg) < 0)
		return vs_err_set(err, VS_EUSAGE, "%s:%d: unknown colour '%s'", origin, lineno, w[3]);
	for (int i = 4; i < n; i++)
		if (parse_attr(w[i], &st.attrs) < 0)
			return vs_err_set(err, VS_EUSAGE, "%s:%d: unknown attribute '%s'", origin,
					  lineno, w[i]);
	t->roles[role] = st;
	return 0;
}

int ui_theme_parse(struct ui_theme **out, const char *text, const char *origin, struct vs_err *err)
{
	struct ui_theme *t = xcalloc(1, sizeof(*t));
	char *copy = xstrdup(text);
	char *line = copy;
	int lineno = 0, rc = 0;

	t->name = xstrdup(path_basename(origin));
	for (int i = 0; i < UI_ROLE_COUNT; i++)
		t->roles[i] = (struct ui_style){UI_COLOR_DEFAULT, UI_COLOR_DEFAULT, 0, false};
	while (line && rc == 0) {
		char *next = strchr(line, '\n');

		if (next)
			*next++ = '\0';
		lineno++;
		rc = parse_line(t, line, origin, lineno, err);
		line = next;
	}
	free(copy);
	if (rc < 0) {
		ui_theme_free(t);
		*out = NULL;
		return rc;
	}
	*out = t;
	return 0;
}

static char *read_text_file(const char *path, struct vs_err *err)
{
	char *text;
	size_t len;

	if (vs_read_at(AT_FDCWD, path, 0, VS_READ_MAX_SMALL, &text, &len, err) < 0) {
		if (err)
			err->code = VS_EUSAGE;
		return NULL;
	}
	return text;
}

/* A theme file may set only some roles: the rest come from the default
 * theme, so a partial file never leaves the cursor row invisible. */
static void fill_from_default(struct ui_theme *t)
{
	struct ui_theme *def = NULL;

	if (ui_theme_parse(&def, ui_builtin_theme_texts[0], "themes/default", NULL) < 0)
		return;
	for (int r = 0; r < UI_ROLE_COUNT; r++)
		if (!t->roles[r].set)
			t->roles[r] = def->roles[r];
	ui_theme_free(def);
}

static int load_file(struct ui_theme **out, const char *path, struct vs_err *err)
{
	char *text = read_text_file(path, err);
	int rc;

	if (!text)
		return VS_EUSAGE;
	rc = ui_theme_parse(out, text, path, err);
	free(text);
	if (rc == 0)
		fill_from_default(*out);
	return rc;
}

const char *const *ui_theme_names(void)
{
	return ui_builtin_theme_names;
}

int ui_theme_load(struct ui_theme **out, const char *name, struct vs_err *err)
{
	const char *dir = getenv("VENVSCOPE_THEMES");
	struct strbuf known = STRBUF_INIT;
	int rc;

	*out = NULL;
	if (strchr(name, '/'))
		return load_file(out, name, err);
	if (dir && *dir) {
		char *p = path_join(dir, name);
		struct stat st;

		/* There when the name exists at all: load_file then refuses
		 * what is not a regular file, without ever opening a FIFO. */
		if (lstat(p, &st) == 0) {
			rc = load_file(out, p, err);
			free(p);
			return rc;
		}
		free(p);
	}
	for (size_t i = 0; ui_builtin_theme_names[i]; i++) {
		if (strcmp(ui_builtin_theme_names[i], name) == 0) {
			char *origin = xasprintf("themes/%s", name);

			rc = ui_theme_parse(out, ui_builtin_theme_texts[i], origin, err);
			free(origin);
			return rc;
		}
	}
	for (size_t i = 0; ui_builtin_theme_names[i]; i++)
		sb_addf(&known, "%s%s", i ? ", " : "", ui_builtin_theme_names[i]);
	vs_err_set(err, VS_EUSAGE, "unknown theme '%s' (known: %s; or give a path)", name,
		   sb_str(&known));
	sb_free(&known);
	return VS_EUSAGE;
}

void ui_theme_free(struct ui_theme *t)
{
	if (!t)
		return;
	free(t->name);
	free(t);
}
