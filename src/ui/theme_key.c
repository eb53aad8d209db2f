/* The browser's theme: the one the options name at start (mono with
 * NO_COLOR), a check of a theme name for main.c, and T, which switches to
 * the next built-in theme. */
#include <string.h>

#include "app.h"
#include "colors.h"

/* The theme asked for; NO_COLOR or a colourless terminal get `mono`. */
int ui_theme_pick(struct ui *ui, bool *mono, struct vs_err *err)
{
	const char *name = ui->opts.set.theme ? ui->opts.set.theme : "default";

	*mono = ui_no_color_env();
	if (ui_theme_load(&ui->theme, name, err) < 0)
		return VS_EUSAGE;
	if (*mono) {
		ui_theme_free(ui->theme);
		return ui_theme_load(&ui->theme, "mono", err);
	}
	return 0;
}

int ui_check_theme(const char *name, struct vs_err *err)
{
	struct ui_theme *t = NULL;
	int rc = ui_theme_load(&t, name, err);

	ui_theme_free(t);
	return rc;
}

int ui_cycle_theme(struct ui *ui)
{
	const char *const *names = ui_theme_names();
	struct ui_theme *next = NULL;
	struct vs_err err = {0};
	size_t i = 0, n = 0;

	if (ui->mono) {
		ui_message(ui, false, "colours are off (NO_COLOR or a colourless terminal)");
		return UI_REACT_REDRAW;
	}
	while (names[n])
		n++;
	while (i < n && strcmp(names[i], ui->theme->name) != 0)
		i++;
	i = i < n ? (i + 1) % n : 0;
	if (ui_theme_load(&next, names[i], &err) < 0) {
		ui_message(ui, true, "%s", err.msg);
		return UI_REACT_REDRAW;
	}
	ui_theme_free(ui->theme);
	ui->theme = next;
	ui_colors_apply(ui->theme, false);
	bkgdset(' ' | ui_role_attr(UI_ROLE_DEFAULT));
	clearok(curscr, TRUE);
	ui_message(ui, false, "theme: %s", names[i]);
	return UI_REACT_REDRAW;
}
