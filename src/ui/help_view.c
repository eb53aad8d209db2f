/* The help screen: every key, read from the same binding tables that
 * dispatch them, plus the filter language and the mouse. */
#include <stdio.h>
#include <string.h>

#include "../util/textwidth.h"
#include "app.h"
#include "colors.h"

#define HELP_MAX 192 /* lines of help, at most */

static const char *const filter_help[] = {
	"text            name or path contains the text (any case)",
	"pkg:NAME        has the package (names compared as pip does)",
	"pkg:NAME<2.31   ... at a version below 2.31 (also <= > >= == != ~=, and lists: >=3,<4)",
	"py:3.11         Python 3.11.x (also py:<3.9)",
	"is:broken       broken (also is:stale, is:incomplete, is:problem, is:in-use)",
	"is:conda        conda, mamba, micromamba and pixi envs",
	"kind:conda      its kind is conda (also venv, virtualenv, uv)",
	"mgr:poetry      its manager is poetry (also pipx, conda, mamba, pixi, ...)",
	"is:orphan       its project is gone (also is:moved, is:eol: its Python's end of life)",
	"python:PATH     its base interpreter is PATH (Enter in the Pythons view, P)",
	"!TERM           environments the term does not match",
	"Terms are combined: all must match. Esc clears the filter.",
	NULL,
};

static const char *const columns_help[] = {
	"SIZE            apparent (bytes in the files, du -sb) or disk usage (blocks, du -s):",
	"                a switches them, with the sort by size and the header's total",
	"%               the row's share of the listed total, in the same size",
	"H               after the size: most of its blocks are hard links shared with files",
	"                outside it (a uv or pip cache, a cp -al twin); deleting it frees little",
	"Space marks     the status line: what deleting the marked envs together frees, of",
	"                their disk usage (both in blocks, whichever size a shows; a file",
	"                linked between them counts once all its links go)",
	NULL,
};

static const char *const mouse_help[] = {
	"click selects a row, double-click opens it, the wheel scrolls",
	NULL,
};

/* Each line of the help: a section title, words, or a binding (its keys
 * now, its action's name and what it does). */
struct help_line {
	char key[48];     /* "" but for a binding */
	const char *name; /* the action, for a binding */
	const char *text;
	bool title;
};

/* The view's own state. */
struct help_state {
	struct ui_cursor cur;       /* a page: cur.top is the first line on screen */
	const struct ui_view *back; /* where Esc goes */
};

static struct help_state *state(struct ui *ui)
{
	return ui_view_private(ui, &ui_help_view);
}

void ui_help_show(struct ui *ui)
{
	state(ui)->back = ui->view;
	ui_switch(ui, &ui_help_view);
}

static void add(struct help_line *out, size_t max, size_t *n, const char *text, bool title)
{
	if (*n < max)
		out[(*n)++] = (struct help_line){"", NULL, text, title};
}

/* The keys of every view, from the tables the dispatcher reads (keymap.h),
 * then the filter, the columns and the mouse. */
static size_t collect(struct help_line *out, size_t max)
{
	size_t n = 0, n_sections;
	const struct ui_keymap_section *sec = ui_keymap_sections(&n_sections);

	for (size_t s = 0; s < n_sections; s++) {
		const struct ui_binding *t = sec[s].table;

		add(out, max, &n, sec[s].title, true);
		for (const struct ui_binding *b = t; b->action && n < max; b++) {
			bool first = b->help != NULL;

			for (const struct ui_binding *c = t; first && c != b; c++)
				first = !(c->help && strcmp(c->name, b->name) == 0);
			if (!first)
				continue;
			out[n] = (struct help_line){"", b->name, b->help, false};
			ui_keymap_label(t, b->name, out[n].key, sizeof(out[n].key));
			n++;
		}
		add(out, max, &n, "", false);
	}
	add(out, max, &n, "Filter (/)", true);
	for (size_t i = 0; filter_help[i]; i++)
		add(out, max, &n, filter_help[i], false);
	add(out, max, &n, "", false);
	add(out, max, &n, "Columns and sizes", true);
	for (size_t i = 0; columns_help[i]; i++)
		add(out, max, &n, columns_help[i], false);
	add(out, max, &n, "", false);
	add(out, max, &n, "Mouse", true);
	for (size_t i = 0; mouse_help[i]; i++)
		add(out, max, &n, mouse_help[i], false);
	return n;
}

static void help_draw(struct ui *ui)
{
	struct help_line lines[HELP_MAX];
	size_t n = collect(lines, HELP_MAX);
	int h = LINES - 2;
	struct help_state *H = state(ui);

	ui_draw_header(ui);
	H->cur.page = true;
	H->cur.count = n;
	H->cur.height = h > 0 ? (size_t)h : 0;
	ui_cursor_fit(&H->cur);
	for (int i = 0; i < h; i++) {
		size_t k = H->cur.top + (size_t)i;
		int y = 1 + i;

		ui_fill_line(y, ui_role_attr(UI_ROLE_DEFAULT));
		if (k >= n)
			continue;
		if (lines[k].title) {
			ui_put(y, 1, COLS - 1, lines[k].text, ui_role_attr(UI_ROLE_TITLE), 0);
		} else if (lines[k].name) {
			ui_put(y, 3, 14, lines[k].key[0] ? lines[k].key : "-",
			       ui_role_attr(UI_ROLE_KEY), 0);
			ui_put(y, 18, 13, lines[k].name, ui_role_attr(UI_ROLE_DIM), 0);
			ui_put(y, 32, COLS - 32, lines[k].text, ui_role_attr(UI_ROLE_ROW), 0);
		} else {
			ui_put(y, 3, COLS - 3, lines[k].text, ui_role_attr(UI_ROLE_ROW), 0);
		}
	}
	ui_draw_status(ui, " Esc q back  ↑↓ PgUp PgDn Home End scroll");
}

static int act_back(struct ui *ui)
{
	struct help_state *H = state(ui);

	/* Back without reopening: the details keep their scroll. */
	ui->view = H->back ? H->back : ui_view_get(UI_VIEW_LIST);
	return UI_REACT_REDRAW;
}

const struct ui_binding ui_help_bindings[] = {
	UI_CURSOR_BINDINGS("scroll up", "scroll down", "top", "bottom"),
	{' ', "page-down", NULL, ui_act_page_down},
	UI_BACK_BINDINGS("back", act_back),
	{'?', "back", NULL, act_back},
	{0, NULL, NULL, NULL},
};

static int help_key(struct ui *ui, int ch)
{
	bool handled;
	int r = ui_dispatch(ui, ui_help_bindings, ch, &handled);

	return handled ? r : UI_REACT_NONE;
}

/* The shared moves' cursor: count and height are the last drawn. */
/* The shared moves' cursor at this screen's size (a key may follow a
 * resize before the help is drawn again). */
static struct ui_cursor *help_cursor(struct ui *ui)
{
	struct help_line lines[HELP_MAX];
	struct help_state *H = state(ui);
	int h = LINES - 2;

	H->cur.count = collect(lines, HELP_MAX);
	H->cur.height = h > 0 ? (size_t)h : 0;
	return &H->cur;
}

/* Opened from the details or the duplicates, the help starts at their keys. */
static void help_open(struct ui *ui)
{
	struct help_line lines[HELP_MAX];
	size_t n = collect(lines, HELP_MAX);
	struct help_state *H = state(ui);

	H->cur.top = 0;
	const char *want = !H->back                         ? NULL
			   : H->back->id == UI_VIEW_DETAIL  ? "In the details"
			   : H->back->id == UI_VIEW_DUPES   ? "In the duplicates (D)"
			   : H->back->id == UI_VIEW_CACHES  ? "In the caches (C)"
			   : H->back->id == UI_VIEW_PYTHONS ? "In the Pythons (P)"
							    : NULL;

	for (size_t i = 0; want && i < n; i++)
		if (lines[i].title && strcmp(lines[i].text, want) == 0)
			H->cur.top = i;
}

const struct ui_view ui_help_view = {
	.name = "help",
	.id = UI_VIEW_HELP,
	.private_size = sizeof(struct help_state),
	.open = help_open,
	.draw = help_draw,
	.key = help_key,
	.bindings = ui_help_bindings,
	.cursor = help_cursor,
};
