/* The one list cursor (cursor.h): moves, clamping, scrolling. */
#include "cursor.h"

static size_t page_rows(const struct ui_cursor *c)
{
	return c->height > 1 ? c->height - 1 : 1;
}

/* The last top that still fills the screen. */
static size_t last_top(const struct ui_cursor *c)
{
	return c->count > c->height ? c->count - c->height : 0;
}

void ui_cursor_fit(struct ui_cursor *c)
{
	if (c->pos >= c->count)
		c->pos = c->count ? c->count - 1 : 0;
	if (!c->page && c->height) {
		if (c->pos < c->top)
			c->top = c->pos;
		if (c->pos >= c->top + c->height)
			c->top = c->pos - c->height + 1;
	}
	if (c->top > last_top(c))
		c->top = last_top(c);
	if (c->page)
		c->pos = c->top;
}

void ui_cursor_move_by(struct ui_cursor *c, long delta)
{
	size_t *at = c->page ? &c->top : &c->pos;

	if (delta < 0)
		*at = (size_t)-delta > *at ? 0 : *at - (size_t)-delta;
	else
		*at = (size_t)delta >= c->count - (*at < c->count ? *at : c->count)
			      ? c->count
			      : *at + (size_t)delta;
	ui_cursor_fit(c);
}

void ui_cursor_set(struct ui_cursor *c, size_t row)
{
	if (c->page)
		c->top = row;
	else
		c->pos = row;
	ui_cursor_fit(c);
}

void ui_cursor_move(struct ui_cursor *c, enum ui_move m)
{
	switch (m) {
	case UI_MOVE_UP:
		ui_cursor_move_by(c, -1);
		break;
	case UI_MOVE_DOWN:
		ui_cursor_move_by(c, 1);
		break;
	case UI_MOVE_PAGE_UP:
		ui_cursor_move_by(c, -(long)page_rows(c));
		break;
	case UI_MOVE_PAGE_DOWN:
		ui_cursor_move_by(c, (long)page_rows(c));
		break;
	case UI_MOVE_HOME:
		ui_cursor_set(c, 0);
		break;
	case UI_MOVE_END:
		ui_cursor_set(c, c->count);
		break;
	}
}
