/* The rebuild form: one environment made again with its packages on the
 * Python picked here (the contract of the workflow is in actions/job.h).
 * The cursor starts on the Python picker; the form shows the recipe's line
 * count and its first lines; Enter is the one question's answer, Esc
 * cancels. The job's output streams into the log pane, as a create's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scan/pythons.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"

#define RECIPE_SHOWN 6

struct ui_rebuild {
	char *path; /* the env (owned) */
	struct scan_python_list pys;
	size_t py;
	struct act_job *probe; /* prepared once at open: the recipe (owned) */
	char error[1100];
};

static struct ui_rebuild *state(struct ui *ui)
{
	return ui_view_private(ui, &ui_rebuild_view);
}

static void form_reset(void *private)
{
	struct ui_rebuild *f = private;

	free(f->path);
	scan_python_list_free(&f->pys);
	act_job_free(f->probe);
	memset(f, 0, sizeof(*f));
}

static struct venv *find_env(struct ui *ui, const char *path)
{
	for (size_t i = 0; path && i < ui->model.n_ids; i++)
		if (ui->model.by_id[i] && strcmp(ui->model.by_id[i]->path, path) == 0)
			return ui->model.by_id[i];
	return NULL;
}

/* The Python of the env's own minor version when there is one (a broken
 * 3.10 env wants 3.10), else the version python3 runs. */
static size_t default_python(const struct ui_rebuild *f, const struct venv *v)
{
	struct scan_python def = {0};
	struct vs_err err = {0};
	size_t pick = 0;
	char mm[32] = "";

	if (v->python_version) {
		const char *dot = strchr(v->python_version, '.');
		const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;

		snprintf(mm, sizeof(mm), "%.*s.",
			 (int)(dot2 ? (size_t)(dot2 - v->python_version) : strlen(v->python_version)),
			 v->python_version);
	}
	if (scan_probe_python(&def, "python3", &err) == 0)
		for (size_t i = f->pys.n; i-- > 0;)
			if (strcmp(f->pys.items[i].version, def.version) == 0)
				pick = i;
	scan_python_clear(&def);
	for (size_t i = f->pys.n; mm[0] && i-- > 0;) {
		char with_dot[64];

		snprintf(with_dot, sizeof(with_dot), "%s.", f->pys.items[i].version);
		if (strncmp(with_dot, mm, strlen(mm)) == 0 && f->pys.items[i].has_ensurepip)
			pick = i;
	}
	return pick;
}

void ui_rebuild_open(struct ui *ui, const char *path)
{
	struct ui_rebuild *f = state(ui);
	struct act_rebuild_opts o = {0};
	struct vs_err err = {0};
	struct venv *v = find_env(ui, path);

	ui_message_clear(ui);
	form_reset(f);
	f->path = xstrdup(path);
	scan_find_pythons(&f->pys, ui->home, NULL, 0, 0);
	if (v) {
		f->py = default_python(f, v);
		o.python = f->py < f->pys.n ? f->pys.items[f->py].path : NULL;
		if (act_prepare_rebuild(&f->probe, v, &o, &err) < 0)
			snprintf(f->error, sizeof(f->error), "%s", err.msg);
	} else {
		snprintf(f->error, sizeof(f->error), "%s is no longer listed", path);
	}
	ui_switch_to(ui, UI_VIEW_REBUILD);
}

static void draw_recipe(const struct ui_rebuild *f, int y, int rows)
{
	const char *p = act_rebuild_recipe(f->probe);
	size_t n = act_rebuild_recipe_lines(f->probe);
	char line[256];

	snprintf(line, sizeof(line),
		 "Recipe: %zu requirement%s (its freeze, kept as a deletion record)", n,
		 n == 1 ? "" : "s");
	ui_put(y++, 2, COLS - 4, line, ui_role_attr(UI_ROLE_TITLE), 0);
	for (int i = 0; i < rows && i < RECIPE_SHOWN && p && *p; i++) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		snprintf(line, sizeof(line), "%.*s", (int)(len < 200 ? len : 200), p);
		ui_put(y++, 4, COLS - 6, line, ui_role_attr(UI_ROLE_DIM), 0);
		p = e ? e + 1 : NULL;
	}
	if (n > RECIPE_SHOWN)
		ui_put(y, 4, COLS - 6, "...", ui_role_attr(UI_ROLE_DIM), 0);
}

static void form_draw(struct ui *ui)
{
	const struct ui_rebuild *f = state(ui);
	const struct scan_python *py = f->py < f->pys.n ? &f->pys.items[f->py] : NULL;
	char v[4400];
	int y = 2;

	ui_draw_header(ui);
	for (int r = 1; r < LINES - 1; r++)
		ui_fill_line(r, ui_role_attr(UI_ROLE_DEFAULT));
	ui_put(1, 1, COLS - 2, "Rebuild an environment with its packages", ui_role_attr(UI_ROLE_TITLE),
	       0);
	ui_put(y, 2, 30, "Environment", ui_role_attr(UI_ROLE_TITLE), 0);
	ui_put(y++, 33, COLS - 34, f->path ? f->path : "", ui_role_attr(UI_ROLE_ROW), 0);
	snprintf(v, sizeof(v), "%s  %s%s", py ? py->version : "-", py ? py->path : "(none found)",
		 py && !py->has_ensurepip ? "  (no ensurepip: cannot install pip)" : "");
	ui_put(y, 2, 30, "Python  < >", ui_role_attr(UI_ROLE_TITLE), 0);
	ui_put(y++, 33, COLS - 34, v, ui_role_attr(UI_ROLE_SELECTED), 0);
	y++;
	if (f->probe)
		draw_recipe(f, y, LINES - 6 - y), y += 2 + RECIPE_SHOWN;
	ui_put(y++, 2, COLS - 4,
	       "A new env is made at the same path with this Python and the old options, the",
	       ui_role_attr(UI_ROLE_ROW), 0);
	ui_put(y++, 2, COLS - 4,
	       "recipe installed with its pip; only then the old env goes to the trash. If",
	       ui_role_attr(UI_ROLE_ROW), 0);
	ui_put(y++, 2, COLS - 4, "anything fails the old env is put back unchanged.",
	       ui_role_attr(UI_ROLE_ROW), 0);
	if (f->error[0])
		ui_put(y + 1, 2, COLS - 4, f->error, ui_role_attr(UI_ROLE_ERROR), 0);
	ui_draw_status(ui, " Left/Right choose the Python  Enter rebuild  Esc cancel");
	curs_set(0);
}

static int submit(struct ui *ui, struct ui_rebuild *f)
{
	struct act_rebuild_opts o = {0};
	struct vs_err err = {0};
	struct act_job *j = NULL;
	struct venv *v = find_env(ui, f->path);

	if (!v) {
		snprintf(f->error, sizeof(f->error), "%s is no longer listed", f->path);
		return UI_REACT_REDRAW;
	}
	o.python = f->py < f->pys.n ? f->pys.items[f->py].path : NULL;
	if (act_prepare_rebuild(&j, v, &o, &err) < 0) {
		snprintf(f->error, sizeof(f->error), "%s", err.msg);
		return UI_REACT_REDRAW;
	}
	form_reset(f);
	ui_switch_to(ui, UI_VIEW_LIST);
	ui_job_submit(ui, j);
	return UI_REACT_REDRAW;
}

static int form_key(struct ui *ui, int ch)
{
	struct ui_rebuild *f = state(ui);

	switch (ch) {
	case 27:
	case 'q':
		form_reset(f);
		ui_switch_to(ui, UI_VIEW_LIST);
		ui_message(ui, false, "nothing rebuilt");
		return UI_REACT_REDRAW;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return submit(ui, f);
	case KEY_LEFT:
	case KEY_RIGHT:
		if (f->pys.n)
			f->py = (f->py + f->pys.n + (size_t)(ch == KEY_LEFT ? -1 : 1)) % f->pys.n;
		f->error[0] = '\0';
		return UI_REACT_REDRAW;
	default:
		return UI_REACT_NONE;
	}
}

const struct ui_view ui_rebuild_view = {
	.name = "rebuild",
	.id = UI_VIEW_REBUILD,
	.private_size = sizeof(struct ui_rebuild),
	.draw = form_draw,
	.key = form_key,
	.close = form_reset,
};
