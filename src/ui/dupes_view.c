/* Duplicates across envs (D from the list): the distributions installed in
 * several envs, largest duplication first, one line each as `venvscope
 * dupes` prints it; Enter shows or hides the envs of a group. The groups
 * are counted when the view opens (and again on r) from the envs whose
 * packages the scan has read by then, on a thread of their own (the task
 * ui_dupes_task): thousands of files are looked at, and the browser stays
 * responsive meanwhile. */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scan/dupes.h"
#include "../util/bgjob.h"
#include "../util/human.h"
#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"

#define DUPES_TOP 2 /* header, title line */

/* One count, the job's `arg` (util/bgjob.h): the thread reads only `in`
 * and the disk and fills `result`. */
struct dupes_work {
	struct scan_dupes_input *in;
	struct scan_dupes result;
};

/* The view's own state. */
struct dupes_state {
	struct vs_bgjob *job; /* a count running (of a dupes_work), or NULL */
	bool counted_once;    /* a result was shown */
	struct scan_dupes d;
	bool *open;           /* by group: its envs are shown */
	struct ui_cursor cur; /* cur.pos: the selected group (its top unused: */
	/* groups open to several lines, `top` counts lines) */
	size_t top;     /* first screen line (of the group and env lines) */
	size_t unread;  /* envs whose packages were not known when counted */
	size_t counted; /* envs counted */
};

static struct dupes_state *state(struct ui *ui)
{
	return ui_view_private(ui, &ui_dupes_view);
}

static void dupes_clear(struct dupes_state *S)
{
	scan_dupes_free(&S->d);
	free(S->open);
	S->open = NULL;
}

static void work_free(void *arg)
{
	struct dupes_work *w = arg;

	scan_dupes_input_free(w->in);
	scan_dupes_free(&w->result);
	free(w);
}

static void work_run(void *arg, const atomic_bool *cancel)
{
	struct dupes_work *w = arg;

	scan_dupes_run(&w->result, w->in, cancel);
}

/* Counts the groups again from the envs the browser has now, on a thread;
 * the groups shown stay until the new ones come (ui_dupes_task). */
static void recount(struct ui *ui)
{
	struct dupes_state *S = state(ui);
	struct dupes_work *w;
	struct vs_err err = {0};

	if (S->job)
		return; /* one count at a time: this one sees the same envs */
	S->unread = S->counted = 0;
	for (size_t i = 0; i < ui->model.n_ids; i++) {
		const struct venv *v = ui->model.by_id[i];

		if (v && v->packages_known)
			S->counted++;
		else if (v)
			S->unread++;
	}
	w = xcalloc(1, sizeof(*w));
	w->in = scan_dupes_input_new((const struct venv *const *)ui->model.by_id, ui->model.n_ids);
	if (vs_bgjob_start(&S->job, work_run, work_free, w, &err) < 0) {
		ui_message(ui, true, "cannot count the duplicates: %s", err.msg);
		work_free(w);
	}
}

/* Screen lines before group g (its own line and, when open, its envs). */
static size_t line_of(const struct dupes_state *S, size_t g)
{
	size_t y = 0;

	for (size_t i = 0; i < g && i < S->d.n; i++)
		y += 1 + (S->open[i] ? S->d.groups[i].n_envs : 0);
	return y;
}

static int height(void)
{
	return LINES - DUPES_TOP - 1 > 0 ? LINES - DUPES_TOP - 1 : 0;
}

/* Keeps the cursor's group line on screen. */
static void scroll_to_cursor(struct dupes_state *S)
{
	size_t y = line_of(S, S->cur.pos), h = (size_t)height();

	if (y < S->top)
		S->top = y;
	else if (h && y >= S->top + h)
		S->top = y - h + 1;
}

static void draw_title(const struct ui *ui, const struct dupes_state *S)
{
	uint64_t dup = 0, shared = 0;
	char a[32], b[32], line[256];

	if (!S->counted_once) {
		snprintf(line, sizeof(line), " Duplicates: counting the copies in %zu %s %s",
			 S->counted, human_noun(S->counted, "env", "envs"), ui_spinner(ui));
		ui_fill_line(1, ui_role_attr(UI_ROLE_COLUMNS));
		ui_put(1, 0, COLS, line, ui_role_attr(UI_ROLE_COLUMNS), 0);
		return;
	}

	for (size_t i = 0; i < S->d.n; i++) {
		dup += S->d.groups[i].disk.duplicated;
		shared += S->d.groups[i].disk.shared;
	}
	human_size(a, sizeof(a), dup);
	human_size(b, sizeof(b), shared);
	snprintf(line, sizeof(line),
		 " Duplicates: %zu %s in more than one of %zu %s · %s duplicated · %s shared "
		 "through hard links%s",
		 S->d.n, human_noun(S->d.n, "distribution", "distributions"), S->counted,
		 human_noun(S->counted, "env", "envs"), a, b,
		 S->unread ? " · packages of some envs not read yet (r)" : "");
	ui_fill_line(1, ui_role_attr(UI_ROLE_COLUMNS));
	ui_put(1, 0, COLS, line, ui_role_attr(UI_ROLE_COLUMNS), 0);
}

static void dupes_draw(struct ui *ui)
{
	struct dupes_state *S = state(ui);
	struct strbuf sb = STRBUF_INIT;
	int h = height(), y = 0;
	size_t line = 0;
	const char *cs = nl_langinfo(CODESET);
	bool utf8 = cs && strcmp(cs, "UTF-8") == 0;

	ui_draw_header(ui);
	draw_title(ui, S);
	scroll_to_cursor(S);
	for (int i = 0; i < h; i++)
		ui_fill_line(DUPES_TOP + i, ui_role_attr(UI_ROLE_DEFAULT));
	if (S->d.n == 0 && S->counted_once)
		ui_put(DUPES_TOP, 1, COLS - 1,
		       "no distribution is installed in more than one environment",
		       ui_role_attr(UI_ROLE_DIM), 0);
	for (size_t g = 0; g < S->d.n && y < h; g++) {
		const struct scan_dupe_group *G = S->d.groups + g;

		if (line++ >= S->top) {
			attr_t a = ui_role_attr(g == S->cur.pos ? UI_ROLE_SELECTED : UI_ROLE_ROW);

			sb_reset(&sb);
			sb_addf(&sb, "%s ", S->open[g] ? (utf8 ? "▾" : "v") : (utf8 ? "▸" : ">"));
			scan_dupe_text(&sb, G);
			ui_fill_line(DUPES_TOP + y, a);
			ui_put(DUPES_TOP + y, 1, COLS - 1, sb_str(&sb), a, 0);
			y++;
		}
		for (size_t k = 0; S->open[g] && k < G->n_envs && y < h; k++) {
			char *p;

			if (line++ < S->top)
				continue;
			p = path_tilde(G->envs[k], ui->home);
			ui_put(DUPES_TOP + y, 5, COLS - 5, p, ui_role_attr(UI_ROLE_DIM), 1);
			free(p);
			y++;
		}
	}
	sb_free(&sb);
	ui_draw_status(ui, " Enter envs  ↑↓ move  r recount  Esc q back  ? help");
}

/* ---- keys ---- */

/* The shared moves' cursor over the groups; the draw then scrolls the
 * lines to it (scroll_to_cursor). */
static struct ui_cursor *dupes_cursor(struct ui *ui)
{
	struct dupes_state *S = state(ui);

	S->cur.count = S->d.n;
	S->cur.height = (size_t)height();
	return &S->cur;
}

static int act_toggle(struct ui *ui)
{
	struct dupes_state *S = state(ui);

	if (S->d.n == 0)
		return UI_REACT_NONE;
	S->open[S->cur.pos] = !S->open[S->cur.pos];
	/* Its envs come into view when there is room. */
	if (S->open[S->cur.pos]) {
		size_t end = line_of(S, S->cur.pos + 1), h = (size_t)height();

		if (h && end > S->top + h)
			S->top = end - h;
	}
	return UI_REACT_REDRAW;
}

static int act_recount(struct ui *ui)
{
	if (state(ui)->job) {
		ui_message(ui, false, "still counting");
		return UI_REACT_REDRAW;
	}
	recount(ui);
	ui_message(ui, false, "counting the duplicates again over %zu %s", state(ui)->counted,
		   human_noun(state(ui)->counted, "environment", "environments"));
	return UI_REACT_REDRAW;
}

static int act_back(struct ui *ui)
{
	ui_switch_to(ui, UI_VIEW_LIST);
	return UI_REACT_REDRAW;
}

static int act_help(struct ui *ui)
{
	ui_help_show(ui);
	return UI_REACT_REDRAW;
}

const struct ui_binding ui_dupes_bindings[] = {
	UI_CURSOR_BINDINGS("previous distribution", "next distribution", "first", "last"),
	{'\n', "open", "show / hide the envs that hold it", act_toggle},
	{'l', "open", NULL, act_toggle},
	{KEY_RIGHT, "open", NULL, act_toggle},
	{'r', "rescan", "count again (after the scan has read more envs)", act_recount},
	UI_BACK_BINDINGS("back to the list", act_back),
	{'?', "help", "this help", act_help},
	{0, NULL, NULL, NULL},
};

static int dupes_key(struct ui *ui, int ch)
{
	bool handled;
	int r = ui_dispatch(ui, ui_dupes_bindings, ch, &handled);

	return handled ? r : UI_REACT_NONE;
}

static void dupes_open(struct ui *ui)
{
	/* The view's own words: not what the view left before said. */
	ui_message(ui, false, "counting the duplicates...");
	recount(ui);
}

static void dupes_close(void *private)
{
	struct dupes_state *S = private;

	vs_bgjob_abandon(S->job); /* normally gone already: ui_dupes_task's free */
	S->job = NULL;
	dupes_clear(S);
}

/* ---- the count as a background task ---- */

static struct vs_bgjob **task_job(const struct ui *ui)
{
	struct dupes_state *S = ui->view_private[UI_VIEW_DUPES];

	return S ? &S->job : NULL;
}

/* The count's result (a dupes_work) replaces the groups shown. */
static bool task_take(struct ui *ui, void *arg)
{
	struct dupes_state *S = state(ui);
	struct dupes_work *w = arg;

	dupes_clear(S);
	S->d = w->result;
	memset(&w->result, 0, sizeof(w->result));
	work_free(w);
	S->open = xcalloc(S->d.n + 1, sizeof(*S->open));
	S->cur.pos = S->cur.top = S->top = 0;
	S->counted_once = true;
	ui_message(ui, false, "%zu duplicated distribution%s; Enter shows the envs of one", S->d.n,
		   S->d.n == 1 ? "" : "s");
	return true;
}

const struct ui_task_ops ui_dupes_task = {
	.name = "duplicates",
	.job = task_job,
	.take = task_take,
};

int ui_act_dupes(struct ui *ui)
{
	ui_switch(ui, &ui_dupes_view);
	return UI_REACT_REDRAW;
}

const struct ui_view ui_dupes_view = {
	.name = "duplicates",
	.id = UI_VIEW_DUPES,
	.private_size = sizeof(struct dupes_state),
	.open = dupes_open,
	.draw = dupes_draw,
	.key = dupes_key,
	.close = dupes_close,
	.bindings = ui_dupes_bindings,
	.cursor = dupes_cursor,
};
