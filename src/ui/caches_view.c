/* The caches view (C from the list): the shared caches of pip, uv,
 * poetry, conda... with their four sizes, the same figures as `venvscope
 * caches`, and x to clean the selected one (a dialog naming what is freed
 * and how; the tool's command runs as a job in the log pane). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../actions/caches.h"
#include "../util/bgjob.h"
#include "../util/human.h"
#include "../util/path.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"

/* One measuring, the job's `arg` (util/bgjob.h): the thread sizes the
 * caches `v` found before it started. */
struct caches_work {
	struct scan_cache *v;
	size_t n;
};

struct caches_state {
	struct scan_cache *v; /* owned: what is shown */
	size_t n;
	struct ui_cursor cur; /* the selected cache (cur.pos) and the first on screen */
	struct vs_bgjob *job; /* measuring (of a caches_work), or NULL */
	bool quiet;           /* measuring after a clean: the clean's message stays */
	bool after_job;       /* a clean runs as a job: measure again when it ends */
	bool measured;        /* v holds a measurement (with the caches' linked files) */
	unsigned long gen;    /* measurements taken so far (ui_caches_generation) */
};

static struct caches_state *state(struct ui *ui)
{
	return ui_view_private(ui, &ui_caches_view);
}

/* The state when the view was ever opened, else NULL (for the task ops,
 * which get a const ui). */
static struct caches_state *peek(const struct ui *ui)
{
	return ui->view_private[UI_VIEW_CACHES];
}

static void work_free(void *arg)
{
	struct caches_work *w = arg;

	scan_caches_free(w->v, w->n);
	free(w);
}

static void work_run(void *arg, const atomic_bool *cancel)
{
	struct caches_work *w = arg;

	for (size_t i = 0; i < w->n && !atomic_load(cancel); i++)
		scan_cache_measure(&w->v[i], cancel);
}

/* The measured caches (a caches_work) replace the shown ones; linked
 * bytes against the envs the list holds now. The task's `take`. */
static bool measure_take(struct ui *ui, void *arg)
{
	struct caches_state *S = state(ui);
	struct caches_work *w = arg;
	const struct venv **vs = xcalloc(ui->model.n_ids + 1, sizeof(*vs));
	size_t k = 0;

	for (size_t id = 0; id < ui->model.n_ids; id++)
		if (ui->model.by_id[id])
			vs[k++] = ui->model.by_id[id];
	scan_caches_free(S->v, S->n);
	S->v = w->v;
	S->n = w->n;
	free(w);
	/* The caches' linked files stay (a few bytes a file): the details
	 * of an env name the cache it is linked from (ui_caches_holding). */
	for (size_t i = 0; i < S->n; i++)
		scan_cache_link(&S->v[i], vs, k);
	S->measured = true;
	S->gen++;
	S->cur.count = S->n;
	ui_cursor_fit(&S->cur);
	free(vs);
	if (!S->quiet)
		ui_message(ui, false, "%zu cache%s measured; x cleans the selected one", S->n,
			   S->n == 1 ? "" : "s");
	return true;
}

/* Finds the caches now (cheap) and sizes them on a thread; `quiet`: the
 * result comes without a message (measuring after a clean). */
static void measure_start(struct ui *ui, bool quiet)
{
	struct caches_state *S = state(ui);
	struct caches_work *w;

	if (S->job)
		return;
	S->quiet = quiet;
	w = xcalloc(1, sizeof(*w));
	w->n = scan_caches_find(&w->v, ui->home);
	if (vs_bgjob_start(&S->job, work_run, work_free, w, NULL) < 0) {
		/* No thread: measure here, the browser waits. */
		for (size_t i = 0; i < w->n; i++)
			scan_cache_measure(&w->v[i], NULL);
		measure_take(ui, w);
	}
}

unsigned long ui_caches_generation(const struct ui *ui)
{
	const struct caches_state *S = peek(ui);

	return S ? S->gen : 0;
}

bool ui_caches_holding(const struct ui *ui, const struct venv *v, struct strbuf *out)
{
	const struct caches_state *S = peek(ui);

	for (size_t i = 0; S && i < S->n; i++) {
		char *shown;

		if (!scan_cache_holds(&S->v[i], v))
			continue;
		shown = path_tilde(S->v[i].path, ui->home);
		sb_addf(out, "%sthe %s cache %s", out->len ? ", " : "", S->v[i].tool, shown);
		free(shown);
	}
	return S && S->measured;
}

static void caches_open(struct ui *ui)
{
	ui_message(ui, false, "measuring the caches...");
	measure_start(ui, false);
}

/* ---- the task: the measuring job in the loop ---- */

static struct vs_bgjob **task_job(const struct ui *ui)
{
	struct caches_state *S = peek(ui);

	return S ? &S->job : NULL;
}

/* After the measuring is taken (`take`): a clean that ran as a job has
 * ended, so the caches are measured again. */
static bool task_pump(struct ui *ui)
{
	struct caches_state *S = peek(ui);

	if (!S || !S->after_job || S->job || ui_jobs_task.busy(ui))
		return false;
	/* The clean's job has ended (jobs are pumped before us). */
	S->after_job = false;
	measure_start(ui, true);
	return true;
}

const struct ui_task_ops ui_caches_task = {
	.name = "caches",
	.pump = task_pump,
	.job = task_job,
	.take = measure_take,
};

static const char *size_text(char *buf, size_t n, bool known, uint64_t v)
{
	if (!known)
		return snprintf(buf, n, "?"), buf;
	human_size(buf, n, v);
	return buf;
}

static void draw_row(struct ui *ui, int y, const struct scan_cache *c, bool sel)
{
	attr_t a = ui_role_attr(sel ? UI_ROLE_SELECTED : UI_ROLE_ROW);
	bool k = scan_cache_known(c);
	char s[32], path[1200];
	char *t = path_tilde(c->path, ui->home);

	ui_fill_line(y, a);
	ui_put(y, 1, 10, c->tool, a, 0);
	ui_put_right(y, 12, 10, size_text(s, sizeof(s), k, c->size.size_bytes), a);
	ui_put_right(y, 23, 10, size_text(s, sizeof(s), k, c->size.disk_bytes), a);
	ui_put_right(y, 34, 10, size_text(s, sizeof(s), k, c->size.freeable_bytes), a);
	ui_put_right(y, 45, 10, size_text(s, sizeof(s), k && c->linked_known, c->linked_bytes), a);
	snprintf(path, sizeof(path), "%s%s%s%s%s", t, c->target ? "  (symlink -> " : "",
		 c->target ? c->target : "", c->target ? ")" : "",
		 c->mount_point ? "  (mount point)"
		 : c->skip      ? "  (without virtualenvs/)"
				: "");
	if (COLS > 58)
		ui_put(y, 57, COLS - 57, path, sel ? a : ui_role_attr(UI_ROLE_DIM), 1);
	free(t);
}

/* Rows for caches: the screen less the header, titles, status and panes. */
static int rows_height(const struct ui *ui)
{
	int h = LINES - 3 - ui_tasks_rows(ui);

	return h < 1 ? 1 : h;
}

static void caches_draw(struct ui *ui)
{
	struct caches_state *S = state(ui);
	int h = rows_height(ui);
	attr_t ct = ui_role_attr(UI_ROLE_COLUMNS);

	ui_draw_header(ui);
	ui_fill_line(1, ct);
	ui_put(1, 1, 10, "TOOL", ct, 0);
	ui_put_right(1, 12, 10, "SIZE", ct);
	ui_put_right(1, 23, 10, "DISK", ct);
	ui_put_right(1, 34, 10, "FREEABLE", ct);
	ui_put_right(1, 45, 10, "LINKED", ct);
	if (COLS > 58)
		ui_put(1, 57, COLS - 57, "PATH", ct, 0);
	S->cur.count = S->n;
	S->cur.height = (size_t)h;
	ui_cursor_fit(&S->cur);
	for (int i = 0; i < h; i++) {
		size_t k = S->cur.top + (size_t)i;

		ui_fill_line(2 + i, ui_role_attr(UI_ROLE_DEFAULT));
		if (k < S->n)
			draw_row(ui, 2 + i, &S->v[k], k == S->cur.pos);
		else if (k == 0 && S->job)
			ui_put(2, 1, COLS - 1, "measuring...", ui_role_attr(UI_ROLE_DIM), 0);
		else if (k == 0)
			ui_put(2, 1, COLS - 1,
			       "(no cache of pip, uv, poetry, pipenv, pdm, hatch, conda or virtualenv here)",
			       ui_role_attr(UI_ROLE_DIM), 0);
	}
	if (ui_tasks_rows(ui))
		ui_tasks_draw(ui, 2 + h);
	ui_draw_status(ui, " Esc q back  x clean  r measure again  ? help");
}

/* y in the dialog: clean the cache the dialog names (its index). */
static int clean_choice(struct ui *ui, void *data)
{
	struct caches_state *S = state(ui);
	size_t i = *(size_t *)data;
	struct act_cache_plan p;
	struct act_delete_result res;
	struct vs_err err = {0};
	char *said;

	if (i >= S->n || act_cache_plan(&p, &S->v[i], &err) < 0) {
		ui_message(ui, true, "%s", err.msg[0] ? err.msg : "the cache is gone");
		return UI_REACT_REDRAW;
	}
	if (p.job) {
		ui_job_submit(ui, p.job); /* its summary says what was freed */
		p.job = NULL;
		S->after_job = true;
		act_cache_plan_clear(&p);
		return UI_REACT_REDRAW;
	}
	act_cache_plan_clear(&p);
	ui_message(ui, false, "removing everything in %s...", S->v[i].path);
	ui_draw_status(ui, "");
	refresh();
	if (act_cache_remove(&S->v[i], NULL, &res, &err) < 0 && err.code == VS_EUSAGE) {
		ui_message(ui, true, "%s", err.msg);
		return UI_REACT_REDRAW;
	}
	said = act_cache_freed_text(&S->v[i]);
	measure_start(ui, true);
	if (err.code)
		ui_message(ui, true, "%s; %s", err.msg, said);
	else
		ui_message(ui, false, "%s", said);
	free(said);
	return UI_REACT_REDRAW;
}

static int act_clean(struct ui *ui)
{
	static const struct ui_choice choices[] = {{'y', "y clean it", clean_choice}};
	struct caches_state *S = state(ui);
	const struct scan_cache *c;
	struct act_cache_plan p;
	struct vs_err err = {0};
	struct ui_dialog *d;
	size_t *idx;
	char f[32], dk[32], l[32];

	if (S->cur.pos >= S->n)
		return UI_REACT_NONE;
	c = &S->v[S->cur.pos];
	if (act_cache_plan(&p, c, &err) < 0) {
		ui_message(ui, true, "%s", err.msg);
		return UI_REACT_REDRAW;
	}
	idx = xcalloc(1, sizeof(*idx));
	*idx = S->cur.pos;
	d = ui_dialog_open(ui, "Clean this cache?", choices, 1, idx, free);
	ui_dialog_line(d, "the %s cache %s", c->tool, c->path);
	if (scan_cache_known(c)) {
		human_size(f, sizeof(f), c->size.freeable_bytes);
		human_size(dk, sizeof(dk), c->size.disk_bytes);
		ui_dialog_line(d, "frees %s of %s on disk", f, dk);
		if (c->linked_known) {
			human_size(l, sizeof(l), c->linked_bytes);
			ui_dialog_line(d, "%s of it is hard-linked into environments and stays", l);
		}
	} else {
		ui_dialog_line(d, "frees an unknown amount (some files could not be read)");
	}
	ui_dialog_line(d, "by: %s", p.how);
	act_cache_plan_clear(&p);
	return UI_REACT_REDRAW;
}

/* The shared moves' cursor: the height is the last drawn. */
static struct ui_cursor *caches_cursor(struct ui *ui)
{
	struct caches_state *S = state(ui);

	S->cur.count = S->n;
	S->cur.height = (size_t)rows_height(ui); /* this size, if a resize is not drawn yet */
	return &S->cur;
}

static int act_back(struct ui *ui)
{
	/* Back without reopening: the list keeps its place. */
	ui->view = ui_view_get(UI_VIEW_LIST);
	return UI_REACT_REDRAW;
}

static int act_again(struct ui *ui)
{
	if (state(ui)->job)
		return UI_REACT_NONE;
	caches_open(ui);
	return UI_REACT_REDRAW;
}

static int act_help(struct ui *ui)
{
	ui_help_show(ui);
	return UI_REACT_REDRAW;
}

const struct ui_binding ui_caches_bindings[] = {
	UI_CURSOR_BINDINGS("previous cache", "next cache", "first", "last"),
	{'x', "clean", "clean the selected cache (says what it frees and how, asks)", act_clean},
	{'r', "rescan", "find and measure the caches again", act_again},
	UI_BACK_BINDINGS("back to the list", act_back),
	{'?', "help", "this help", act_help},
	{0, NULL, NULL, NULL},
};

static int caches_key(struct ui *ui, int ch)
{
	bool handled;
	int r = ui_dispatch(ui, ui_caches_bindings, ch, &handled);

	if (!handled && ch == 27)
		return ui_tasks_escape(ui);
	return r;
}

static void caches_close(void *private)
{
	struct caches_state *S = private;

	vs_bgjob_abandon(S->job); /* normally gone already: the task's free */
	S->job = NULL;
	scan_caches_free(S->v, S->n);
	S->v = NULL;
	S->n = 0;
}

int ui_act_caches(struct ui *ui)
{
	ui_switch(ui, &ui_caches_view);
	return UI_REACT_REDRAW;
}

const struct ui_view ui_caches_view = {
	.name = "caches",
	.id = UI_VIEW_CACHES,
	.private_size = sizeof(struct caches_state),
	.open = caches_open,
	.draw = caches_draw,
	.key = caches_key,
	.close = caches_close,
	.bindings = ui_caches_bindings,
	.cursor = caches_cursor,
};
