/* Drawing helpers shared by the views: fitted text, the header and the
 * status line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/human.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"

void ui_put(int y, int x, int width, const char *s, attr_t attr, int cut_middle)
{
	struct strbuf sb = STRBUF_INIT;

	if (width <= 0)
		return;
	tw_fit(&sb, s ? s : "", (size_t)width, cut_middle ? TW_CUT_MIDDLE : TW_CUT_END, 1);
	attrset(attr);
	mvaddstr(y, x, sb_str(&sb));
	attrset(A_NORMAL);
	sb_free(&sb);
}

void ui_put_right(int y, int x, int width, const char *s, attr_t attr)
{
	size_t w = tw_width(s);

	if (width <= 0)
		return;
	if ((int)w < width) {
		attrset(attr);
		mvhline(y, x, ' ', width - (int)w);
		ui_put(y, x + width - (int)w, (int)w, s, attr, 0);
	} else {
		ui_put(y, x, width, s, attr, 0);
	}
}

void ui_fill_line(int y, attr_t attr)
{
	attrset(attr);
	move(y, 0);
	hline(' ', COLS);
	attrset(A_NORMAL);
}

char *ui_display_name(const struct venv *v)
{
	return xstrdup(venv_shown_name(v));
}

const char *ui_spinner(const struct ui *ui)
{
	static const char *const frames[] = {"|", "/", "-", "\\"};

	return frames[ui->spinner % 4];
}

void ui_draw_header(struct ui *ui)
{
	struct ui_summary s;
	char size[32], stale[32], line[1400];
	attr_t a = ui_role_attr(UI_ROLE_HEADER);
	struct scan_progress p;

	ui_model_summary(&ui->model, &s);
	ui_fill_line(0, a);
	if (ui_scan_progress(ui, &p)) {
		human_size(size, sizeof(size), p.bytes);
		snprintf(line, sizeof(line),
			 " venvscope  %s scanning  %llu %s · %llu %s · %s · %.1fs  in %s",
			 ui_spinner(ui), (unsigned long long)p.entries,
			 human_noun(p.entries, "entry", "entries"), (unsigned long long)p.envs,
			 human_noun(p.envs, "env", "envs"), size, p.elapsed, ui->roots_label);
	} else {
		char took[32];

		human_size(size, sizeof(size), s.bytes);
		human_size(stale, sizeof(stale), s.stale_bytes);
		if (p.elapsed < 1.0)
			snprintf(took, sizeof(took), "%.0f ms", p.elapsed * 1000);
		else
			snprintf(took, sizeof(took), "%.1f s", p.elapsed);
		/* The totals and the time first: the roots may be cut off. A scan
		 * that missed files for want of descriptors says so before all. */
		/* The total says which size it is: `a` switches it. */
		snprintf(line, sizeof(line),
			 " venvscope  %s%zu environment%s · %s %s · %zu stale (%s) · %zu broken · "
			 "%zu orphaned · %zu EOL · %zu moved · scanned in %s: %s",
			 p.fd_shortages ? "INCOMPLETE scan (too many open files) · " : "", s.envs,
			 s.envs == 1 ? "" : "s", size, ui->model.disk ? "on disk" : "apparent",
			 s.stale, stale, s.broken, s.orphaned, s.eol, s.moved, took, ui->roots_label);
	}
	if (ui->model.filter_text || ui->model.problems_only) {
		char *rest = xstrdup(line + strlen(" venvscope  "));

		/* Rows are hidden: say so first, where a narrow screen still shows it. */
		snprintf(line, sizeof(line), " venvscope  [%zu of %zu shown: %.200s%s%s]  %.1000s",
			 s.shown, s.envs, ui->model.filter_text ? ui->model.filter_text : "",
			 ui->model.filter_text && ui->model.problems_only ? ", " : "",
			 ui->model.problems_only ? "problems only" : "", rest);
		free(rest);
	}
	ui_put(0, 0, COLS, line, a, 0);
}

void ui_draw_hint(struct ui *ui, const struct ui_binding *table, const struct ui_hint *hints)
{
	char hint[256];

	ui_keymap_hint(table, hints, hint, sizeof(hint));
	ui_draw_status(ui, hint);
}

void ui_draw_status(struct ui *ui, const char *keys)
{
	int y = LINES - 1;
	attr_t a = ui_role_attr(UI_ROLE_STATUS);
	struct ui_summary s;
	char right[160] = "", size[32], freed[32];
	uint64_t set;
	int rw;

	ui_fill_line(y, a);
	ui_model_summary(&ui->model, &s);
	if (s.marked) {
		/* What deleting them together frees, of their disk usage: freeable
		 * counts blocks, so the total is in blocks too whatever `a` shows. */
		human_size(size, sizeof(size), s.marked_disk);
		if (ui_model_marked_freeable(&ui->model, &set))
			human_size(freed, sizeof(freed), set);
		else
			snprintf(freed, sizeof(freed), "unknown");
		snprintf(right, sizeof(right), " %zu marked · %s freeable of %s on disk ", s.marked,
			 freed, size);
	}
	rw = (int)tw_width(right);
	if (ui->message[0]) {
		ui_put(y, 0, COLS - rw, ui->message,
		       ui_role_attr(ui->message_error ? UI_ROLE_ERROR : UI_ROLE_MESSAGE), 0);
	} else {
		ui_put(y, 0, COLS - rw, keys, a, 0);
	}
	if (rw && rw < COLS)
		ui_put(y, COLS - rw, rw, right, ui_role_attr(UI_ROLE_MARKED) | A_REVERSE, 0);
}
