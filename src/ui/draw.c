/* Drawing helpers shared by the views: fitted text, the header and the
 * status line. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../util/human.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "app.h"
#include "colors.h"

int64_t ui_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

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

static const char *spinner_frame(unsigned n)
{
	static const char *const frames[] = {"|", "/", "-", "\\"};

	return frames[n % 4];
}

void ui_draw_header(struct ui *ui)
{
	struct ui_summary s;
	char size[32], stale[32], line[512];
	attr_t a = ui_role_attr(UI_ROLE_HEADER);

	ui_model_summary(&ui->model, &s);
	ui_fill_line(0, a);
	human_size(size, sizeof(size), ui->scanning ? ui->progress.bytes : s.bytes);
	if (ui->scanning) {
		snprintf(line, sizeof(line),
			 " venvscope  %s scanning %s  %llu entries · %zu envs · %s · %.1fs",
			 spinner_frame(ui->spinner), ui->roots_label,
			 (unsigned long long)ui->progress.entries, s.envs, size,
			 ui->progress.elapsed);
	} else {
		human_size(stale, sizeof(stale), s.stale_bytes);
		snprintf(line, sizeof(line),
			 " venvscope  %zu environment%s · %s · %zu stale (%s) · %zu broken · "
			 "scanned %s in %.1fs",
			 s.envs, s.envs == 1 ? "" : "s", size, s.stale, stale, s.broken,
			 ui->roots_label, ui->progress.elapsed);
	}
	ui_put(0, 0, COLS, line, a, 0);
}

/* "/text" while the filter is typed, with the parse error (if any) after. */
static void draw_filter_prompt(struct ui *ui, int y)
{
	struct strbuf sb = STRBUF_INIT;
	int w;

	sb_addf(&sb, "/%s", sb_str(&ui->edit));
	w = (int)tw_width(sb_str(&sb));
	ui_put(y, 0, COLS, sb_str(&sb), ui_role_attr(UI_ROLE_FILTER), 0);
	if (ui->message[0] && w + 3 < COLS)
		ui_put(y, w + 3, COLS - w - 3, ui->message,
		       ui_role_attr(ui->message_error ? UI_ROLE_ERROR : UI_ROLE_MESSAGE), 0);
	move(y, w < COLS ? w : COLS - 1);
	sb_free(&sb);
}

void ui_draw_status(struct ui *ui, const char *keys)
{
	int y = LINES - 1;
	attr_t a = ui_role_attr(UI_ROLE_STATUS);
	struct ui_summary s;
	char right[128] = "", size[32];
	int rw;

	ui_fill_line(y, a);
	if (ui->editing) {
		draw_filter_prompt(ui, y);
		return;
	}
	ui_model_summary(&ui->model, &s);
	if (s.marked) {
		human_size(size, sizeof(size), s.marked_bytes);
		snprintf(right, sizeof(right), " %zu marked · %s ", s.marked, size);
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
