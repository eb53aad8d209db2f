/* The list of background tasks and the loops over it. */
#include "task.h"

#include "../util/bgjob.h"
#include "app.h"

/* The tasks, as app.c registers them: task.c names no kind of work, so
 * the files that own a kind are never called back from here by name. */
static const struct ui_task_ops *ui_tasks[UI_N_TASKS];

void ui_tasks_register(const struct ui_task_ops *const tasks[UI_N_TASKS])
{
	for (int i = 0; i < UI_N_TASKS; i++)
		ui_tasks[i] = tasks[i];
}

/* The view's job pointer of a task that is one job, else NULL. */
static struct vs_bgjob **job_of(const struct ui_task_ops *t, const struct ui *ui)
{
	return t->job ? t->job(ui) : NULL;
}

static int task_fds(const struct ui_task_ops *t, const struct ui *ui, struct pollfd *p)
{
	struct vs_bgjob **j = job_of(t, ui);

	if (t->fds)
		return t->fds(ui, p);
	if (!j || !*j)
		return 0;
	*p = (struct pollfd){.fd = vs_bgjob_fd(*j), .events = POLLIN};
	return 1;
}

static bool task_pump(const struct ui_task_ops *t, struct ui *ui)
{
	struct vs_bgjob **j = job_of(t, ui);
	bool changed = false;

	if (j && vs_bgjob_finished(*j)) {
		void *arg = vs_bgjob_take(*j);

		*j = NULL;
		changed = t->take(ui, arg);
	}
	if (t->pump && t->pump(ui))
		changed = true;
	return changed;
}

static bool task_busy(const struct ui_task_ops *t, const struct ui *ui)
{
	struct vs_bgjob **j = job_of(t, ui);

	if (t->busy)
		return t->busy(ui);
	return j && *j;
}

static void task_free(const struct ui_task_ops *t, struct ui *ui)
{
	struct vs_bgjob **j = job_of(t, ui);

	if (j) {
		vs_bgjob_abandon(*j);
		*j = NULL;
	}
	if (t->free)
		t->free(ui);
}

int ui_tasks_fds(const struct ui *ui, struct pollfd *p)
{
	int n = 0;

	for (int i = 0; i < UI_N_TASKS; i++)
		n += task_fds(ui_tasks[i], ui, p + n);
	return n;
}

bool ui_tasks_pump(struct ui *ui)
{
	bool changed = false;

	for (int i = 0; i < UI_N_TASKS; i++)
		if (task_pump(ui_tasks[i], ui))
			changed = true;
	return changed;
}

bool ui_tasks_busy(const struct ui *ui)
{
	for (int i = 0; i < UI_N_TASKS; i++)
		if (task_busy(ui_tasks[i], ui))
			return true;
	return false;
}

bool ui_tasks_block_quit(const struct ui *ui)
{
	for (int i = 0; i < UI_N_TASKS; i++)
		if (ui_tasks[i]->ask_before_quit && task_busy(ui_tasks[i], ui))
			return true;
	return false;
}

int ui_tasks_rows(const struct ui *ui)
{
	int rows = 0;

	for (int i = 0; i < UI_N_TASKS; i++)
		if (ui_tasks[i]->rows)
			rows += ui_tasks[i]->rows(ui);
	return rows;
}

void ui_tasks_draw(const struct ui *ui, int top)
{
	for (int i = 0; i < UI_N_TASKS; i++) {
		int rows = ui_tasks[i]->rows ? ui_tasks[i]->rows(ui) : 0;

		if (rows > 0 && ui_tasks[i]->draw) {
			ui_tasks[i]->draw(ui, top, rows);
			top += rows;
		}
	}
}

int ui_tasks_escape(struct ui *ui)
{
	for (int i = UI_N_TASKS; i-- > 0;) {
		int r = ui_tasks[i]->escape ? ui_tasks[i]->escape(ui) : UI_REACT_NONE;

		if (r != UI_REACT_NONE)
			return r;
	}
	return UI_REACT_NONE;
}

void ui_tasks_free(struct ui *ui)
{
	for (int i = UI_N_TASKS; i-- > 0;)
		task_free(ui_tasks[i], ui);
}

void ui_tasks_free_changing(struct ui *ui)
{
	for (int i = UI_N_TASKS; i-- > 0;)
		if (ui_tasks[i]->ask_before_quit)
			task_free(ui_tasks[i], ui);
}

static int quit_choice(struct ui *ui, void *data)
{
	(void)data;
	ui->quit = true;
	return UI_REACT_QUIT;
}

int ui_act_quit(struct ui *ui)
{
	static const struct ui_choice choices[] = {{'y', "y quit and stop it", quit_choice}};
	struct ui_dialog *d;

	if (!ui_tasks_block_quit(ui))
		return UI_REACT_QUIT;
	d = ui_dialog_open(ui, "An action is still running", choices, 1, NULL, NULL);
	d->lasts_while = ui_tasks_block_quit;
	ui_dialog_line(d, "Quitting stops it; a create stopped halfway leaves a folder behind.");
	return UI_REACT_REDRAW;
}
