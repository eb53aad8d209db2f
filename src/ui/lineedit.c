#include "lineedit.h"

#include <curses.h>

void ui_lineedit_set(struct ui_lineedit *e, const char *text)
{
	sb_reset(&e->text);
	sb_adds(&e->text, text ? text : "");
}

const char *ui_lineedit_str(const struct ui_lineedit *e)
{
	return sb_str(&e->text);
}

bool ui_lineedit_key(struct ui_lineedit *e, int ch)
{
	struct strbuf *sb = &e->text;

	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		while (sb->len > 0 && (sb->buf[--sb->len] & 0xC0) == 0x80)
			;
		if (sb->buf)
			sb->buf[sb->len] = '\0';
	} else if (ch == 21) { /* Ctrl-U */
		sb_reset(sb);
	} else if (ch >= 32 && ch < 256 && ch != 127) {
		sb_addc(sb, (char)ch);
	} else {
		return false;
	}
	return true;
}

void ui_lineedit_free(struct ui_lineedit *e)
{
	sb_free(&e->text);
}
