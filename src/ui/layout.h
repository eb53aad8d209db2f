/* Column layout of the environment list: which columns fit and where they
 * go. Pure arithmetic (no curses), so it is unit-tested. */
#ifndef VS_UI_LAYOUT_H
#define VS_UI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

enum ui_col {
	UI_COL_MARK, /* '*' for marked rows */
	UI_COL_NAME,
	UI_COL_KIND, /* the manager (poetry, pipx, ...) or the kind (venv, uv, ...) */
	UI_COL_PYTHON,
	UI_COL_SIZE,
	UI_COL_HLINK, /* 'H': most of its files are hard links from outside */
	UI_COL_SHARE, /* its share of the listed total: bar and percent */
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
	int x[UI_COL_COUNT];      /* start column */
	int w[UI_COL_COUNT];      /* width */
	bool right[UI_COL_COUNT]; /* right-aligned (numbers) */
};

/* What the rows on screen would like. */
struct ui_col_wants {
	int name, path;  /* widths of the longest name and path */
	int flags;       /* width of the longest FLAGS cell; 0: no env has a flag */
	int kind;        /* width of the longest KIND cell */
	bool git;        /* some env is in a repository */
	bool hlink;      /* some env gets the hard-link marker */
	const bool *off; /* UI_COL_COUNT columns the user hid (config `columns`), or NULL */
};

/* Lays out columns in `width` screen columns. NAME, SIZE and a short path
 * are kept before the decorative columns: the path first shrinks to 12
 * columns, then link, git, packages, age, the share, kind, Python, flags
 * and the marker give way, and only then the path, then the size; the name
 * shrinks to 8 columns but always stays. So a path is never dropped while
 * a decorative column remains. The GIT, FLAGS and marker columns are left
 * out when they would be empty on every row; FLAGS is as wide as its
 * longest cell (5 to 30), KIND too (4 to 10). */
void ui_layout_columns(struct ui_layout *out, int width, const struct ui_col_wants *want);

const char *ui_col_title(enum ui_col c);

/* Parses a `columns` list (names split by commas or spaces: name kind
 * python size hlink share pkgs link git age flags path) into off[]: true
 * for every column not listed. NAME and the marker are never off. Returns
 * 0, or -1 with the first unknown name copied into bad (cap bytes). */
int ui_layout_parse_columns(bool off[UI_COL_COUNT], const char *text, char *bad, size_t cap);

#endif
