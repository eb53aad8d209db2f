/* One list cursor for every view that scrolls: the env list, the details,
 * the help, the caches, the duplicates and the Pythons. No curses here. */
#ifndef VS_UI_CURSOR_H
#define VS_UI_CURSOR_H

#include <stdbool.h>
#include <stddef.h>

/* The moves the cursor keys make (up, down, page up, page down, home, end). */
enum ui_move {
	UI_MOVE_UP,
	UI_MOVE_DOWN,
	UI_MOVE_PAGE_UP,
	UI_MOVE_PAGE_DOWN,
	UI_MOVE_HOME,
	UI_MOVE_END,
};

/* A window of `height` rows over `count` rows. In a list, `pos` is the
 * selected row and the window follows it; in a page (`page` true: the help,
 * the details) there is no selection and a move scrolls `top` itself. The
 * owner sets count and height (when it draws, or before a move). */
struct ui_cursor {
	size_t pos;    /* the selected row (a list), < count unless count is 0 */
	size_t top;    /* the first row on screen */
	size_t count;  /* rows in all */
	size_t height; /* rows on screen */
	bool page;     /* no selection: moves scroll */
};

/* Moves as the key says: one row, a page (height - 1 rows, at least one),
 * or to the first or last row; then keeps the window right (ui_cursor_fit). */
void ui_cursor_move(struct ui_cursor *c, enum ui_move m);
/* Moves by `delta` rows (the mouse wheel), clamped; then fits. */
void ui_cursor_move_by(struct ui_cursor *c, long delta);
/* Puts the selection on `row` (clamped to the last row); then fits. */
void ui_cursor_set(struct ui_cursor *c, size_t row);
/* Clamps pos to the rows and scrolls so that it is on screen; in both a
 * list and a page, no empty rows below the last when the rows could fill
 * the screen. */
void ui_cursor_fit(struct ui_cursor *c);

#endif
