/* The words of the delete confirmation (delete_dialog.c), apart from the
 * delete itself (delete_key.c). */
#ifndef VS_UI_DELETE_DIALOG_H
#define VS_UI_DELETE_DIALOG_H

#include "app.h"

/* Titles `dlg` (just opened, with its choices) and writes its lines for
 * deleting the `n` envs `t`: what they free together of their disk usage,
 * each one's size, which are recent or keep no requirements file, the
 * processes that use them (checked again now). */
void ui_delete_dialog_fill(struct ui *ui, struct ui_dialog *dlg, struct venv **t, size_t n);

#endif
