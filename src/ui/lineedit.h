/* The one line editor of the browser: the filter (/), the prompts in the
 * status line and the create form's text fields all edit text with it,
 * so a key does the same everywhere. Text is added at the end. */
#ifndef VS_UI_LINEEDIT_H
#define VS_UI_LINEEDIT_H

#include <stdbool.h>

#include "../util/strbuf.h"

struct ui_lineedit {
	struct strbuf text;
};

/* Replaces the text. */
void ui_lineedit_set(struct ui_lineedit *e, const char *text);
/* The text ("" when empty; valid until the next change). */
const char *ui_lineedit_str(const struct ui_lineedit *e);
/* Takes a key: Backspace (also ^H and DEL) drops the last character (a
 * whole UTF-8 sequence), ^U empties the line, a printable byte is added.
 * Returns false for every other key, which the caller handles. */
bool ui_lineedit_key(struct ui_lineedit *e, int ch);
void ui_lineedit_free(struct ui_lineedit *e);

#endif
