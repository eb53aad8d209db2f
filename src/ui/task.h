/* Private to src/ui/: background work the browser's loop serves beside
 * the keys — the full scan, side scans, actions (jobs.c), a delete
 * (delete_key.c) and the one job of a view (util/bgjob.h: measuring the
 * caches, counting duplicates, finding interpreters). Each kind is one ops table; the loop, the list's
 * panes and Esc go through the list app.c registers, so a new kind of work is added in one place.
 * Every op may be NULL; each finds its own state from `ui`. */
#ifndef VS_UI_TASK_H
#define VS_UI_TASK_H

#include <poll.h>
#include <stdbool.h>

struct ui;
struct vs_bgjob;

#define UI_TASK_MAX_FDS 2 /* fds one task may add to the poll set */

struct ui_task_ops {
	const char *name;
	/* Adds the fds to wake for (at most UI_TASK_MAX_FDS); returns how many. */
	int (*fds)(const struct ui *ui, struct pollfd *p);
	/* Takes what is pending; true when the screen changed. */
	bool (*pump)(struct ui *ui);
	/* True while it works: the loop then wakes for the spinner. */
	bool (*busy)(const struct ui *ui);
	/* Rows of its pane under the list (0: none shown), and drawing it. */
	int (*rows)(const struct ui *ui);
	void (*draw)(const struct ui *ui, int top, int rows);
	/* Esc on the list: asks or closes, or UI_REACT_NONE when it has nothing
	 * to say. */
	int (*escape)(struct ui *ui);
	/* Stops the work and frees its state (quitting). */
	void (*free)(struct ui *ui);
	/* Quitting while busy asks first (it changes disk). */
	bool ask_before_quit;
	/* A task that is one background job (util/bgjob.h) of a view, one at
	 * a time: `job` says where the view keeps it (NULL: the view never
	 * opened; *job NULL: none running). The loop then polls the job's fd,
	 * is busy while *job is set, takes the finished job and hands its arg
	 * to `take` (which owns it then; true when the screen changed), and
	 * abandons the job (sets *job NULL) when quitting. fds, busy and free
	 * are then not needed; pump, when given, runs after `take`. */
	struct vs_bgjob **(*job)(const struct ui *ui);
	bool (*take)(struct ui *ui, void *arg);
};

extern const struct ui_task_ops ui_scan_task;    /* scans.c: the full scan */
extern const struct ui_task_ops ui_side_task;    /* scans.c: side scans */
extern const struct ui_task_ops ui_jobs_task;    /* jobs.c */
extern const struct ui_task_ops ui_delete_task;  /* delete_key.c */
extern const struct ui_task_ops ui_caches_task;  /* caches_view.c: measuring the caches */
extern const struct ui_task_ops ui_dupes_task;   /* dupes_view.c: counting duplicates */
extern const struct ui_task_ops ui_pythons_task; /* pythons_view.c: finding the interpreters */

#define UI_N_TASKS 7
/* app.c hands over every task once, before the loop starts, in the order
 * the loop pumps them and their panes stack. */
void ui_tasks_register(const struct ui_task_ops *const tasks[UI_N_TASKS]);

/* Over the list: */
int ui_tasks_fds(const struct ui *ui, struct pollfd *p); /* up to UI_N_TASKS * MAX_FDS */
bool ui_tasks_pump(struct ui *ui);
bool ui_tasks_busy(const struct ui *ui);
/* True when a busy task asks before quitting. */
bool ui_tasks_block_quit(const struct ui *ui);
/* Rows all panes take, and drawing them from `top` down. */
int ui_tasks_rows(const struct ui *ui);
void ui_tasks_draw(const struct ui *ui, int top);
/* Esc goes to the lowest pane first: the first task with an answer. */
int ui_tasks_escape(struct ui *ui);
/* q: quits, or asks first while a task that changes disk is busy. */
int ui_act_quit(struct ui *ui);
/* Frees every task, the last in the list first. */
void ui_tasks_free(struct ui *ui);
/* Frees only the tasks that change disk (ask_before_quit), for a browser
 * ended by a signal that leaves without joining the scans. */
void ui_tasks_free_changing(struct ui *ui);

#endif
