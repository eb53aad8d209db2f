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

/* Each line of the help: a section title (key NULL) or a key and words. */
struct help_line {
	const char *key;
	const char *text;
	bool title;
};

/* The view's own state. */
struct help_state {
	int top;                    /* first line on screen */
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

static size_t collect(struct help_line *out, size_t max)
{
	size_t n = 0;
	struct {
		const char *title;
		enum ui_view_id view;
	} sections[] = {{"In the list", UI_VIEW_LIST},
			{"In the details", UI_VIEW_DETAIL},
			{"In the caches (C)", UI_VIEW_CACHES},
			{"In the duplicates (D)", UI_VIEW_DUPES},
			{"In the Pythons (P)", UI_VIEW_PYTHONS}};

	for (size_t s = 0; s < sizeof(sections) / sizeof(*sections); s++) {
		if (n < max)
			out[n++] = (struct help_line){NULL, sections[s].title, true};
		for (const struct ui_binding *b = ui_view_get(sections[s].view)->bindings;
		     b->action && n < max; b++)
			if (b->label)
				out[n++] = (struct help_line){b->label, b->help, false};
		if (n < max)
			out[n++] = (struct help_line){NULL, "", false};
	}
	if (n < max)
		out[n++] = (struct help_line){NULL, "Filter (/)", true};
	for (size_t i = 0; filter_help[i] && n < max; i++)
		out[n++] = (struct help_line){NULL, filter_help[i], false};
	if (n < max)
		out[n++] = (struct help_line){NULL, "", false};
	if (n < max)
		out[n++] = (struct help_line){NULL, "Columns and sizes", true};
	for (size_t i = 0; columns_help[i] && n < max; i++)
		out[n++] = (struct help_line){NULL, columns_help[i], false};
	if (n < max)
		out[n++] = (struct help_line){NULL, "", false};
	if (n < max)
		out[n++] = (struct help_line){NULL, "Mouse", true};
	for (size_t i = 0; mouse_help[i] && n < max; i++)
		out[n++] = (struct help_line){NULL, mouse_help[i], false};
	return n;
}

static void help_draw(struct ui *ui)
{
	struct help_line lines[HELP_MAX];
	size_t n = collect(lines, HELP_MAX);
	int h = LINES - 2;
	struct help_state *H = state(ui);

	ui_draw_header(ui);
	if (H->top > (int)n - h)
		H->top = (int)n - h;
	if (H->top < 0)
		H->top = 0;
	for (int i = 0; i < h; i++) {
		size_t k = (size_t)(H->top + i);
		int y = 1 + i;

		ui_fill_line(y, ui_role_attr(UI_ROLE_DEFAULT));
		if (k >= n)
			continue;
		if (lines[k].title) {
			ui_put(y, 1, COLS - 1, lines[k].text, ui_role_attr(UI_ROLE_TITLE), 0);
		} else if (lines[k].key) {
			ui_put(y, 3, 14, lines[k].key, ui_role_attr(UI_ROLE_KEY), 0);
			ui_put(y, 18, COLS - 18, lines[k].text, ui_role_attr(UI_ROLE_ROW), 0);
		} else {
			ui_put(y, 3, COLS - 3, lines[k].text, ui_role_attr(UI_ROLE_ROW), 0);
		}
	}
	ui_draw_status(ui, " Esc q back  ↑↓ scroll");
}

static int help_key(struct ui *ui, int ch)
{
	struct help_state *H = state(ui);

	switch (ch) {
	case KEY_UP:
	case 'k':
		H->top--;
		return UI_REACT_REDRAW;
	case KEY_DOWN:
	case 'j':
		H->top++;
		return UI_REACT_REDRAW;
	case KEY_PPAGE:
		H->top -= LINES - 3;
		return UI_REACT_REDRAW;
	case KEY_NPAGE:
	case ' ':
		H->top += LINES - 3;
		return UI_REACT_REDRAW;
	case 27:
	case 'q':
	case '?':
	case 'h':
	case KEY_LEFT:
		/* Back without reopening: the details keep their scroll. */
		ui->view = H->back ? H->back : ui_view_get(UI_VIEW_LIST);
		return UI_REACT_REDRAW;
	default:
		return UI_REACT_NONE;
	}
}

/* Opened from the details or the duplicates, the help starts at their keys. */
static void help_open(struct ui *ui)
{
	struct help_line lines[HELP_MAX];
	size_t n = collect(lines, HELP_MAX);
	struct help_state *H = state(ui);

	H->top = 0;
	const char *want = !H->back                         ? NULL
			   : H->back->id == UI_VIEW_DETAIL  ? "In the details"
			   : H->back->id == UI_VIEW_DUPES   ? "In the duplicates (D)"
			   : H->back->id == UI_VIEW_CACHES  ? "In the caches (C)"
			   : H->back->id == UI_VIEW_PYTHONS ? "In the Pythons (P)"
							    : NULL;

	for (size_t i = 0; want && i < n; i++)
		if (lines[i].title && strcmp(lines[i].text, want) == 0)
			H->top = (int)i;
}

const struct ui_view ui_help_view = {
	.name = "help",
	.id = UI_VIEW_HELP,
	.private_size = sizeof(struct help_state),
	.open = help_open,
	.draw = help_draw,
	.key = help_key,
};
