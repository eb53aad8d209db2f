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
}

void ui_switch(struct ui *ui, const struct ui_view *view)
{
	ui->view = view;
	if (view->open)
		view->open(ui);
}

static const struct ui_view *const all_views[UI_VIEW_COUNT] = {
	[UI_VIEW_LIST] = &ui_list_view,
	[UI_VIEW_DETAIL] = &ui_detail_view,
	[UI_VIEW_HELP] = &ui_help_view,
	[UI_VIEW_CREATE] = &ui_create_view,
};

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
	for (const struct ui_binding *b = table; b->action; b++) {
		if (b->key == ch) {
			*handled = true;
			return b->action(ui);
		}
	}
	*handled = false;
	return UI_REACT_NONE;
}
