/* Colour themes: one table of roles, defined once (UI_ROLES), and theme
 * files that give each role a colour, one role a line (tig's tigrc style):
 *
 *     # comment
 *     color <role> <fg> <bg> [attr...]
 *
 * Colours: default (the terminal's own, -1), black, red, green, yellow, blue,
 * magenta, cyan, white, their bright-* forms, or a number 0-255. Attributes:
 * normal, bold, dim, underline, reverse, standout, italic, blink.
 * This module parses and holds themes; it does not include curses (the
 * drawing side maps them to colour pairs in ui/colors.c). */
#ifndef VS_UI_THEME_H
#define VS_UI_THEME_H

#include <stdbool.h>

#include "../util/err.h"

/* X(ENUM_NAME, "file-name", "what it colours") */
#define UI_ROLES(X)                                                            \
	X(DEFAULT, "default", "everything not named below")                    \
	X(HEADER, "header", "the top line: what is scanned, progress, totals") \
	X(PROGRESS, "progress", "the progress bar")                            \
	X(COLUMNS, "columns", "the column titles")                             \
	X(ROW, "row", "an ordinary environment row")                           \
	X(SELECTED, "selected", "the row under the cursor")                    \
	X(MARKED, "marked", "rows marked with Space")                          \
	X(SIZE_LARGE, "size-large", "sizes of oversized environments")         \
	X(BROKEN, "broken", "broken environments")                             \
	X(STALE, "stale", "stale environments")                                \
	X(PROBLEM, "problem", "other problems")                                \
	X(DIM, "dim", "secondary text: paths, unknown values")                 \
	X(GIT_OK, "git-ok", "ignored by git")                                  \
	X(GIT_WARN, "git-warn", "not ignored by git")                          \
	X(GIT_BAD, "git-bad", "tracked by git")                                \
	X(TITLE, "title", "section titles in details and help")                \
	X(KEY, "key", "key names in the status line and help")                 \
	X(STATUS, "status", "the status line")                                 \
	X(MESSAGE, "message", "messages in the status line")                   \
	X(ERROR, "error", "error messages")                                    \
	X(FILTER, "filter", "the filter prompt")

enum ui_role {
#define UI_ROLE_ENUM(e, name, doc) UI_ROLE_##e,
	UI_ROLES(UI_ROLE_ENUM)
#undef UI_ROLE_ENUM
		UI_ROLE_COUNT
};

enum {
	UI_ATTR_BOLD = 1 << 0,
	UI_ATTR_DIM = 1 << 1,
	UI_ATTR_UNDERLINE = 1 << 2,
	UI_ATTR_REVERSE = 1 << 3,
	UI_ATTR_STANDOUT = 1 << 4,
	UI_ATTR_ITALIC = 1 << 5,
	UI_ATTR_BLINK = 1 << 6,
};

#define UI_COLOR_DEFAULT (-1)

struct ui_style {
	short fg, bg;   /* 0-255, or UI_COLOR_DEFAULT */
	unsigned attrs; /* UI_ATTR_* */
	bool set;       /* given by the theme (else inherits DEFAULT) */
};

struct ui_theme {
	char *name;
	struct ui_style roles[UI_ROLE_COUNT];
};

const char *ui_role_name(enum ui_role role);
/* -1 when unknown. */
int ui_role_parse(const char *name);

/* Parses theme text; `origin` names the file in messages ("themes/light:7:
 * unknown colour 'purpel'"). Returns 0 and *out, or VS_EUSAGE. */
int ui_theme_parse(struct ui_theme **out, const char *text, const char *origin, struct vs_err *err);

/* Loads a theme by PATH (when it contains a '/') or by NAME: the file NAME
 * in $VENVSCOPE_THEMES when set, else the copy of themes/NAME built into the
 * binary. Returns 0 and *out, or VS_EUSAGE with a sentence naming the file
 * (and line) and the reason. */
int ui_theme_load(struct ui_theme **out, const char *name_or_path, struct vs_err *err);

/* The names of the themes built into the binary (NULL-terminated). */
const char *const *ui_theme_names(void);

void ui_theme_free(struct ui_theme *t);

#endif
