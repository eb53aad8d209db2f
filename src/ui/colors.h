/* Theme roles as curses attributes: one colour pair per role. */
#ifndef VS_UI_COLORS_H
#define VS_UI_COLORS_H

#include <curses.h>
#include <stdbool.h>

#include "theme.h"

/* Starts colours (when the terminal has them and NO_COLOR is not set) and
 * maps every role of `t` to an attribute; roles the theme leaves unset take
 * the `default` role. With `mono`, colours are dropped and attributes kept. */
void ui_colors_apply(const struct ui_theme *t, bool mono);

/* The attribute for a role (after ui_colors_apply). */
attr_t ui_role_attr(enum ui_role role);

/* True when the environment asks for no colour (NO_COLOR set, not empty). */
bool ui_no_color_env(void);

#endif
