/* The list of background tasks and the loops over it. */
#include "task.h"

#include "app.h"

const struct ui_task_ops *const ui_tasks[UI_N_TASKS] = {&ui_scan_task, &ui_side_task, &ui_jobs_task,
							&ui_delete_task};

int ui_tasks_fds(const struct ui *ui, struct pollfd *p)
{
	int n = 0;

	for (int i = 0; i < UI_N_TASKS; i++)
		if (ui_tasks[i]->fds)
			n += ui_tasks[i]->fds(ui, p + n);
	return n;
}

bool ui_tasks_pump(struct ui *ui)
{
	bool changed = false;

	for (int i = 0; i < UI_N_TASKS; i++)
		if (ui_tasks[i]->pump && ui_tasks[i]->pump(ui))
			changed = true;
	return changed;
}

bool ui_tasks_busy(const struct ui *ui)
{
	for (int i = 0; i < UI_N_TASKS; i++)
		if (ui_tasks[i]->busy && ui_tasks[i]->busy(ui))
			return true;
	return false;
}

bool ui_tasks_block_quit(const struct ui *ui)
{
	for (int i = 0; i < UI_N_TASKS; i++)
		if (ui_tasks[i]->ask_before_quit && ui_tasks[i]->busy && ui_tasks[i]->busy(ui))
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
		if (ui_tasks[i]->free)
			ui_tasks[i]->free(ui);
}

void ui_tasks_free_changing(struct ui *ui)
{
	for (int i = UI_N_TASKS; i-- > 0;)
		if (ui_tasks[i]->ask_before_quit && ui_tasks[i]->free)
			ui_tasks[i]->free(ui);
}
