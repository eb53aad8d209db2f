#include "colors.h"

#include <stdlib.h>

static attr_t role_attrs[UI_ROLE_COUNT];

bool ui_no_color_env(void)
{
	const char *v = getenv("NO_COLOR");

	return v && *v;
}

static attr_t curses_attrs(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & UI_ATTR_BOLD)
		r |= A_BOLD;
	if (a & UI_ATTR_DIM)
		r |= A_DIM;
	if (a & UI_ATTR_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & UI_ATTR_REVERSE)
		r |= A_REVERSE;
	if (a & UI_ATTR_STANDOUT)
		r |= A_STANDOUT;
	if (a & UI_ATTR_BLINK)
		r |= A_BLINK;
#ifdef A_ITALIC
	if (a & UI_ATTR_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

/* A colour the terminal can show: bright colours on an 8-colour terminal
 * become their base colour (the caller adds bold), 256-colour numbers on a
 * smaller palette fall back to the default. */
static short fit_colour(short c, bool *bold)
{
	if (c < 0 || c < COLORS)
		return c;
	if (c < 16) {
		*bold = true;
		return (short)(c - 8);
	}
	return -1;
}

void ui_colors_apply(const struct ui_theme *t, bool mono)
{
	bool colour = !mono && has_colors() && !ui_no_color_env();
	const struct ui_style *def = &t->roles[UI_ROLE_DEFAULT];

	if (colour && start_color() == OK) {
		use_default_colors();
	} else {
		colour = false;
	}
	for (int r = 0; r < UI_ROLE_COUNT; r++) {
		const struct ui_style *st = t->roles[r].set ? &t->roles[r] : def;
		bool bold = false;
		attr_t a = curses_attrs(st->attrs);

		if (colour && r + 1 < COLOR_PAIRS) {
			short fg = fit_colour(st->fg, &bold);
			short bg = fit_colour(st->bg, &bold);

			init_pair((short)(r + 1), fg, bg);
			a |= COLOR_PAIR(r + 1);
			if (bold && st->fg >= 8 && st->fg < 16)
				a |= A_BOLD;
		}
		role_attrs[r] = a;
	}
}

attr_t ui_role_attr(enum ui_role role)
{
	return role_attrs[role];
}
