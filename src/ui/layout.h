/* Column layout of the environment list: which columns fit and where they
 * go. Pure arithmetic (no curses), so it is unit-tested. */
#ifndef VS_UI_LAYOUT_H
#define VS_UI_LAYOUT_H

#include <stdbool.h>

enum ui_col {
	UI_COL_MARK, /* '*' for marked rows */
	UI_COL_NAME,
	UI_COL_PYTHON,
	UI_COL_SIZE,
	UI_COL_PKGS,
	UI_COL_LINK,
	UI_COL_GIT,
	UI_COL_AGE,
	UI_COL_FLAGS,
	UI_COL_PATH,
	UI_COL_COUNT
};

struct ui_layout {
	bool shown[UI_COL_COUNT];
	int x[UI_COL_COUNT]; /* start column */
	int w[UI_COL_COUNT]; /* width */
	bool right[UI_COL_COUNT]; /* right-aligned (numbers) */
};

/* Lays out columns in `width` screen columns. `name_want` and `path_want`
 * are the widths the longest name and path would like. The path gives way
 * first (it shrinks to 12, then goes), then link, packages, age, Python,
 * flags and size; the name shrinks to 8 columns but always stays. */
/* `git` false leaves the GIT column out (no env is in a repository). */
void ui_layout_columns(struct ui_layout *out, int width, int name_want, int path_want, bool git);

const char *ui_col_title(enum ui_col c);

#endif
