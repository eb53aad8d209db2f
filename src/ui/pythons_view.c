/* The Pythons view (P from the list): every interpreter on the machine
 * (scan/pythons.h) with its version, support status, end of life and the
 * envs of the list whose base it is; the ones most envs use come first,
 * the unused ones (safe to uninstall as far as the envs found go) last.
 * Enter goes back to the list filtered to the envs of one (python:PATH);
 * p in the list comes here with the cursor on the selected env's
 * interpreter. The interpreters are found once, and again on r, on a
 * thread of their own (each is run with -I -S -B: about a second in all,
 * and the browser stays responsive meanwhile); which envs use them is
 * counted each time the view opens or the interpreters come. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scan/eol.h"
#include "../scan/pythons.h"
#include "../util/bgjob.h"
#include "../util/human.h"
#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"

#define PYTHONS_TOP 3 /* header, title, column titles */

/* One search, the job's `arg` (util/bgjob.h): the thread reads only its
 * own copies (home, extra) and the disk, and fills `result`. */
struct find_work {
	char *home;
	struct vs_vec extra; /* owned copies of the envs' base paths */
	struct scan_python_list result;
};

struct pythons_state {
	bool found;           /* the interpreters were looked for */
	struct vs_bgjob *job; /* a search running (of a find_work), or NULL */
	struct scan_python_list l;
	struct ui_cursor cur; /* the selected interpreter (cur.pos), the first on screen */
	time_t now;
	bool jump;      /* p: once found, put the cursor on jump_id's base */
	size_t jump_id; /* a model id */
	size_t counted; /* model ids when the envs were last counted */
};

static struct pythons_state *state(struct ui *ui)
{
	return ui_view_private(ui, &ui_pythons_view);
}

static int height(void)
{
	return LINES - PYTHONS_TOP - 1 > 0 ? LINES - PYTHONS_TOP - 1 : 0;
}

/* The interpreter under the cursor, to find it again after a new order. */
struct cursor_at {
	bool had;
	dev_t dev;
	ino_t ino;
};

static struct cursor_at cursor_save(const struct pythons_state *S)
{
	const struct scan_python *py = S->cur.pos < S->l.n ? &S->l.items[S->cur.pos] : NULL;

	return py ? (struct cursor_at){true, py->dev, py->ino} : (struct cursor_at){0};
}

/* Which envs of the list use each interpreter (model ids), most used first;
 * the cursor goes back to `at` when it is still there. */
static void count_users(struct ui *ui, struct pythons_state *S, struct cursor_at at)
{
	scan_pythons_users(&S->l, (const struct venv *const *)ui->model.by_id, ui->model.n_ids);
	scan_pythons_sort_by_users(&S->l);
	S->counted = ui->model.n_ids;
	for (size_t i = 0; at.had && i < S->l.n; i++)
		if (S->l.items[i].dev == at.dev && S->l.items[i].ino == at.ino)
			S->cur.pos = i;
	if (S->cur.pos >= S->l.n)
		S->cur.pos = S->l.n ? S->l.n - 1 : 0;
}

static void work_free(void *arg)
{
	struct find_work *w = arg;

	free(w->home);
	vs_vec_clear(&w->extra);
	scan_python_list_free(&w->result);
	free(w);
}

static void work_run(void *arg, const atomic_bool *cancel)
{
	struct find_work *w = arg;

	(void)cancel; /* the search has no stop: an abandoned one ends on its own */
	scan_find_pythons(&w->result, w->home, (const char *const *)w->extra.v, w->extra.n,
			  SCAN_PYTHONS_ALL);
}

/* Starts looking for the interpreters, the bases of the envs found so far
 * too; the rows shown stay until the new ones come. */
static void find(struct ui *ui, struct pythons_state *S)
{
	struct find_work *w;
	struct vs_err err = {0};

	if (S->job)
		return;
	w = xcalloc(1, sizeof(*w));
	vs_vec_init(&w->extra, free);
	w->home = ui->home ? xstrdup(ui->home) : NULL;
	for (size_t i = 0; i < ui->model.n_ids; i++) {
		const struct venv *v = ui->model.by_id[i];

		if (v && v->base_exists)
			vs_vec_push(&w->extra, xstrdup(v->base_python));
	}
	if (vs_bgjob_start(&S->job, work_run, work_free, w, &err) < 0) {
		ui_message(ui, true, "cannot look for the interpreters: %s", err.msg);
		work_free(w);
	}
}

/* p: the cursor on the base of the env jump_id, or a message. */
static void do_jump(struct ui *ui, struct pythons_state *S)
{
	const struct venv *v = S->jump_id < ui->model.n_ids ? ui->model.by_id[S->jump_id] : NULL;
	const struct scan_python *py = v ? scan_python_of(&S->l, v) : NULL;

	S->jump = false;
	if (py) {
		S->cur.pos = (size_t)(py - S->l.items);
		return;
	}
	if (v)
		ui_message(ui, true, "%s: its base interpreter %s", v->name,
			   v->base_python ? (v->base_exists ? "is not among the interpreters found"
							    : "is gone")
					  : "is not known");
}

static void draw_title(struct ui *ui, const struct pythons_state *S)
{
	size_t unused = 0, envs = 0;
	char line[256];

	for (size_t i = 0; i < S->l.n; i++) {
		unused += S->l.items[i].n_envs == 0;
		envs += S->l.items[i].n_envs;
	}
	if (!S->found)
		snprintf(line, sizeof(line), " Pythons: looking for the interpreters %s",
			 ui_spinner(ui));
	else
		snprintf(line, sizeof(line),
			 " Pythons: %zu %s · %zu %s on them · %zu unused (no env uses it)%s", S->l.n,
			 human_noun(S->l.n, "interpreter", "interpreters"), envs,
			 human_noun(envs, "env", "envs"), unused, S->job ? " · looking again" : "");
	ui_fill_line(1, ui_role_attr(UI_ROLE_COLUMNS));
	ui_put(1, 0, COLS, line, ui_role_attr(UI_ROLE_COLUMNS), 0);
	ui_fill_line(2, ui_role_attr(UI_ROLE_COLUMNS));
	ui_put(2, 0, COLS, "  ENVS      VERSION   SUPPORT   EOL         PATH",
	       ui_role_attr(UI_ROLE_COLUMNS), 0);
}

static void draw_row(struct ui *ui, const struct pythons_state *S, size_t i, int y)
{
	const struct scan_python *py = &S->l.items[i];
	struct scan_python_life life = scan_python_life(py->version, S->now);
	const char *support = scan_support_word(life.support);
	struct strbuf sb = STRBUF_INIT;
	enum ui_role role = i == S->cur.pos                    ? UI_ROLE_SELECTED
			    : life.support == SCAN_SUPPORT_EOL ? UI_ROLE_STALE
							       : UI_ROLE_ROW;
	char envs[32], *p = path_tilde(py->path, ui->home);

	if (py->n_envs)
		snprintf(envs, sizeof(envs), "%zu %s", py->n_envs,
			 human_noun(py->n_envs, "env", "envs"));
	else
		snprintf(envs, sizeof(envs), "unused");
	sb_addf(&sb, "%-8s  %-9s %-9s %-10s  %s", envs, py->version ? py->version : "?",
		support ? support : "?", life.eol_date ? life.eol_date : "?", p);
	free(p);
	for (size_t k = 1; k < py->n_names; k++) {
		p = path_tilde(py->names[k], ui->home);
		sb_addf(&sb, "%s%s", k == 1 ? " (also " : ", ", p);
		free(p);
	}
	sb_addf(&sb, "%s  [%s]", py->n_names > 1 ? ")" : "", py->source);
	ui_fill_line(y, ui_role_attr(role));
	/* The cursor is also a '>', for monochrome terminals. */
	ui_put(y, 0, 2, i == S->cur.pos ? ">" : "", ui_role_attr(role), 0);
	ui_put(y, 2, COLS - 2, sb_str(&sb), ui_role_attr(role), 0);
	sb_free(&sb);
}

static void pythons_draw(struct ui *ui)
{
	struct pythons_state *S = state(ui);
	size_t h = (size_t)height();

	/* The scan may still be finding envs: count them in as they come. */
	if (S->found && S->counted != ui->model.n_ids)
		count_users(ui, S, cursor_save(S));
	ui_draw_header(ui);
	draw_title(ui, S);
	S->cur.count = S->l.n;
	S->cur.height = h;
	ui_cursor_fit(&S->cur);
	for (size_t i = 0; i < h; i++)
		ui_fill_line(PYTHONS_TOP + (int)i, ui_role_attr(UI_ROLE_DEFAULT));
	if (S->l.n == 0 && S->found)
		ui_put(PYTHONS_TOP, 1, COLS - 1, "no Python interpreter found",
		       ui_role_attr(UI_ROLE_DIM), 0);
	for (size_t i = S->cur.top; i < S->l.n && i - S->cur.top < h; i++)
		draw_row(ui, S, i, PYTHONS_TOP + (int)(i - S->cur.top));
	ui_draw_status(ui, " Enter its envs  ↑↓ move  r find again  Esc back  ? help  q quit");
}

/* ---- keys ---- */

/* The shared moves' cursor over the interpreters. */
static struct ui_cursor *pythons_cursor(struct ui *ui)
{
	struct pythons_state *S = state(ui);

	S->cur.count = S->l.n;
	S->cur.height = (size_t)height();
	return &S->cur;
}

/* Enter: the list, filtered to the envs whose base this one is. */
static int act_envs(struct ui *ui)
{
	struct pythons_state *S = state(ui);
	const struct scan_python *py = S->cur.pos < S->l.n ? &S->l.items[S->cur.pos] : NULL;
	struct vs_err err = {0};
	char *filter;

	if (!py)
		return UI_REACT_NONE;
	if (py->n_envs == 0) {
		ui_message(ui, false, "no env found uses %s: removing it breaks none of them",
			   py->path);
		return UI_REACT_REDRAW;
	}
	filter = xasprintf("python:%s", py->real);
	if (ui_model_set_filter(&ui->model, filter, &err) < 0) {
		ui_message(ui, true, "%s", err.msg);
		free(filter);
		return UI_REACT_REDRAW;
	}
	free(filter);
	ui_switch_to(ui, UI_VIEW_LIST);
	ui_message(ui, false, "the %zu %s on %s (Esc: all)", py->n_envs,
		   human_noun(py->n_envs, "env", "envs"), py->path);
	return UI_REACT_REDRAW;
}

static int act_refind(struct ui *ui)
{
	find(ui, state(ui));
	ui_message(ui, false, "looking for the interpreters again");
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

static int act_quit(struct ui *ui)
{
	return ui_act_quit(ui);
}

const struct ui_binding ui_pythons_bindings[] = {
	UI_CURSOR_BINDINGS("previous interpreter", "next interpreter", "first", "last"),
	{'\n', "open", "the list of the envs it is the base of (filter python:PATH)", act_envs},
	{'l', "open", NULL, act_envs},
	{KEY_RIGHT, "open", NULL, act_envs},
	{'r', "rescan", "look for the interpreters again", act_refind},
	{27, "back", "back to the list", act_back},
	{'h', "back", NULL, act_back},
	{KEY_LEFT, "back", NULL, act_back},
	{'?', "help", "this help", act_help},
	{'q', "quit", "quit", act_quit},
	{0, NULL, NULL, NULL},
};

static int pythons_key(struct ui *ui, int ch)
{
	bool handled;
	int r = ui_dispatch(ui, ui_pythons_bindings, ch, &handled);

	return handled ? r : UI_REACT_NONE;
}

static void pythons_open(struct ui *ui)
{
	struct pythons_state *S = state(ui);

	S->now = time(NULL);
	/* The view's own words: not what the view left before said. */
	ui->message[0] = '\0';
	if (!S->found)
		find(ui, S);
	count_users(ui, S, cursor_save(S));
	if (S->found && S->jump)
		do_jump(ui, S);
}

static void pythons_close(void *private)
{
	struct pythons_state *S = private;

	vs_bgjob_abandon(S->job);
	S->job = NULL;
	scan_python_list_free(&S->l);
}

int ui_act_pythons(struct ui *ui)
{
	ui_switch_to(ui, UI_VIEW_PYTHONS);
	return UI_REACT_REDRAW;
}

int ui_act_env_python(struct ui *ui)
{
	const struct venv *v = ui_model_selected(&ui->model);
	struct pythons_state *S = state(ui);

	if (!v)
		return UI_REACT_NONE;
	if (!v->base_exists) {
		ui_message(ui, true, "%s: its base interpreter %s", v->name,
			   v->base_python ? "is gone" : "is not known");
		return UI_REACT_REDRAW;
	}
	/* The view opens at once; the cursor goes to its base when known. */
	S->jump = true;
	S->jump_id = v->id;
	ui_switch_to(ui, UI_VIEW_PYTHONS);
	return UI_REACT_REDRAW;
}

/* ---- the search as a background task ---- */

static struct vs_bgjob **task_job(const struct ui *ui)
{
	struct pythons_state *S = ui->view_private[UI_VIEW_PYTHONS];

	return S ? &S->job : NULL;
}

/* The interpreters found (a find_work) replace the rows shown. */
static bool task_take(struct ui *ui, void *arg)
{
	struct pythons_state *S = state(ui);
	struct find_work *w = arg;
	struct cursor_at at = cursor_save(S);

	scan_python_list_free(&S->l);
	S->l = w->result;
	memset(&w->result, 0, sizeof(w->result));
	work_free(w);
	S->found = true;
	count_users(ui, S, at);
	if (ui->view == &ui_pythons_view && (!ui->message[0] || !ui->message_error))
		ui_message(ui, false, "%zu %s; Enter shows the envs of one", S->l.n,
			   human_noun(S->l.n, "interpreter", "interpreters"));
	if (S->jump)
		do_jump(ui, S);
	return true;
}

const struct ui_task_ops ui_pythons_task = {
	.name = "pythons",
	.job = task_job,
	.take = task_take,
};

const struct ui_view ui_pythons_view = {
	.name = "pythons",
	.id = UI_VIEW_PYTHONS,
	.private_size = sizeof(struct pythons_state),
	.open = pythons_open,
	.draw = pythons_draw,
	.key = pythons_key,
	.close = pythons_close,
	.bindings = ui_pythons_bindings,
	.cursor = pythons_cursor,
};
