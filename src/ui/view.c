/* What the views share: the status-line message, switching views, the
 * views' own state, and dispatching a key through a binding table. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../util/xalloc.h"
#include "app.h"

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
	ui->message_error = error;
	ui->message_owner = NULL;
}

void ui_message_as(struct ui *ui, const void *owner, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
	ui->message_error = error;
	ui->message_owner = owner;
}

void ui_message_end(struct ui *ui, const void *owner)
{
	if (owner && ui->message_owner == owner)
		ui_message_clear(ui);
}

void ui_message_clear(struct ui *ui)
{
	ui->message[0] = '\0';
	ui->message_error = false;
	ui->message_owner = NULL;
}

void ui_switch(struct ui *ui, const struct ui_view *view)
{
	ui->view = view;
	if (view->open)
		view->open(ui);
}

/* Filled by the top (app.c) at start, so no view and not this file names
 * another view's table: they switch by id. */
static const struct ui_view *all_views[UI_VIEW_COUNT];

void ui_views_register(const struct ui_view *const views[UI_VIEW_COUNT])
{
	for (int i = 0; i < UI_VIEW_COUNT; i++)
		all_views[i] = views[i];
}

const struct ui_view *ui_view_get(enum ui_view_id id)
{
	return all_views[id];
}

void ui_switch_to(struct ui *ui, enum ui_view_id id)
{
	ui_switch(ui, all_views[id]);
}

void *ui_view_private(struct ui *ui, const struct ui_view *view)
{
	void **p = &ui->view_private[view->id];

	if (!*p && view->private_size)
		*p = xcalloc(1, view->private_size);
	return *p;
}

void ui_views_free(struct ui *ui)
{
	for (int i = 0; i < UI_VIEW_COUNT; i++) {
		if (!ui->view_private[i])
			continue;
		if (all_views[i]->close)
			all_views[i]->close(ui->view_private[i]);
		free(ui->view_private[i]);
		ui->view_private[i] = NULL;
	}
}

int ui_dispatch(struct ui *ui, const struct ui_binding *table, int ch, bool *handled)
{
	const struct ui_binding *b = ui_keymap_lookup(table, ch);

	*handled = b != NULL;
	return b ? b->action(ui) : UI_REACT_NONE;
}

static int move_view_cursor(struct ui *ui, enum ui_move m)
{
	struct ui_cursor *c = ui->view->cursor ? ui->view->cursor(ui) : NULL;

	if (!c)
		return UI_REACT_NONE;
	ui_cursor_move(c, m);
	return UI_REACT_REDRAW;
}

int ui_act_up(struct ui *ui)
{
	return move_view_cursor(ui, UI_MOVE_UP);
}
int ui_act_down(struct ui *ui)
{
	return move_view_cursor(ui, UI_MOVE_DOWN);
}
int ui_act_page_up(struct ui *ui)
{
	return move_view_cursor(ui, UI_MOVE_PAGE_UP);
}
int ui_act_page_down(struct ui *ui)
{
	return move_view_cursor(ui, UI_MOVE_PAGE_DOWN);
}
int ui_act_home(struct ui *ui)
{
	return move_view_cursor(ui, UI_MOVE_HOME);
}
int ui_act_end(struct ui *ui)
{
	return move_view_cursor(ui, UI_MOVE_END);
}
