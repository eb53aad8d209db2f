/* Actions running from the browser: one child at a time (the rest wait in
 * a queue), its output streamed into a log pane under the list with a
 * spinner and the elapsed time, Esc to cancel, the result in words, and the
 * touched environments looked at again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/trace.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"

#define KEEP_LINES 200
#define CANCEL_GRACE_MS 3000

struct ui_jobs {
	struct act_job *job; /* the running or last finished job */
	struct vs_proc *proc;
	char *lines[KEEP_LINES]; /* a ring of its last output lines */
	size_t n, head;
	int64_t started, ended;
	bool running, shown, failed;
	char result[2400];
	struct vs_vec queue; /* jobs waiting (owned) */
};

static void job_free(void *job)
{
	act_job_free(job);
}

static struct ui_jobs *jobs(struct ui *ui)
{
	if (!ui->jobs) {
		ui->jobs = xcalloc(1, sizeof(*ui->jobs));
		vs_vec_init(&ui->jobs->queue, job_free);
	}
	return ui->jobs;
}

static void clear_lines(struct ui_jobs *J)
{
	for (size_t i = 0; i < KEEP_LINES; i++) {
		free(J->lines[i]);
		J->lines[i] = NULL;
	}
	J->n = J->head = 0;
}

static void keep_line(void *ctx, enum vs_proc_stream s, const char *line)
{
	struct ui_jobs *J = ctx;

	act_job_output(J->job, s, line);
	free(J->lines[J->head]);
	J->lines[J->head] = xstrdup(line);
	J->head = (J->head + 1) % KEEP_LINES;
	if (J->n < KEEP_LINES)
		J->n++;
}

/* Starts the child; when it cannot start, a job that already changed the
 * disk (a rebuild moved its env aside) puts it back. */
static int start_or_undo(struct act_job *j, struct vs_proc **proc, const struct vs_proc_spawn *sp,
			 struct vs_err *err)
{
	if (vs_proc_start(proc, sp, err) == 0)
		return 0;
	if (j->kind == ACT_REBUILD) {
		act_job_output(j, VS_PROC_STDERR, err->msg);
		return act_job_finish(j, 127, false, err);
	}
	return -1;
}

static void start_next(struct ui *ui)
{
	struct ui_jobs *J = jobs(ui);
	struct vs_proc_spawn sp;
	struct vs_err err = {0};

	while (!J->running && J->queue.n) {
		act_job_free(J->job);
		J->job = vs_vec_take(&J->queue, 0);
		clear_lines(J);
		J->failed = false;
		J->result[0] = '\0';
		J->shown = true;
		J->started = vs_now_ns();
		act_job_spawn(J->job, &sp);
		if (act_job_begin(J->job, &err) < 0 || start_or_undo(J->job, &J->proc, &sp, &err) < 0) {
			J->failed = true;
			J->ended = J->started;
			snprintf(J->result, sizeof(J->result), "%s", err.msg);
			ui_message(ui, true, "%s", err.msg);
			continue;
		}
		J->running = true;
		keep_line(J, VS_PROC_STDOUT, J->job->title);
	}
}

void ui_job_submit(struct ui *ui, struct act_job *job)
{
	struct ui_jobs *J = jobs(ui);

	vs_vec_push(&J->queue, job);
	start_next(ui);
}

static bool job_running(const struct ui *ui)
{
	return ui->jobs && ui->jobs->running;
}

static int pane_rows(const struct ui *ui)
{
	int rows = LINES / 3;

	if (!ui->jobs || !ui->jobs->shown)
		return 0;
	return rows < 4 ? (LINES >= 12 ? 4 : 0) : rows > 12 ? 12 : rows;
}

static int remove_partial_choice(struct ui *ui, void *data)
{
	struct vs_err err = {0};
	char *path = data;

	if (act_remove_partial(path, &err) < 0)
		ui_message(ui, true, "%s", err.msg);
	else
		ui_message(ui, false, "removed the partial folder %s", path);
	/* Its row goes now (a rescan would say "no longer an environment"). */
	for (size_t id = 0; id < ui->model.n_ids; id++)
		if (ui->model.by_id[id] && strcmp(ui->model.by_id[id]->path, path) == 0 &&
		    access(path, F_OK) != 0)
			ui_model_remove(&ui->model, id);
	return UI_REACT_REDRAW;
}

/* A failed create that left folders behind offers to remove each. */
static void offer_partial(struct ui *ui, const struct act_job *j)
{
	static const struct ui_choice choices[] = {{'y', "y remove it", remove_partial_choice}};

	for (size_t i = 0; i < j->n_partial; i++) {
		struct ui_dialog *d = ui_dialog_open(ui, "The failed create left a folder behind",
						     choices, 1, xstrdup(j->partial[i]), free);

		d->error = true;
		ui_dialog_line(d, "%s", j->partial[i]);
		ui_dialog_line(d, "was made by this create and is not a working environment.");
		ui_dialog_line(d, "Remove it?");
		break; /* one question at a time; the rest are named in the pane */
	}
}

/* A job with a second step (a rebuild's pip): its child runs in the same
 * pane. False when it cannot start (finish then says so). */
static bool next_step(struct ui *ui)
{
	struct ui_jobs *J = ui->jobs;
	struct vs_proc_spawn sp;
	struct vs_err err = {0};
	int rc;

	vs_proc_free(J->proc);
	J->proc = NULL;
	act_job_spawn(J->job, &sp);
	if (vs_proc_start(&J->proc, &sp, &err) == 0) {
		struct strbuf cmd = STRBUF_INIT;

		for (size_t i = 0; J->job->argv[i]; i++)
			sb_adds(&cmd, i ? " " : ""), sb_adds(&cmd, J->job->argv[i]);
		keep_line(J, VS_PROC_STDOUT, cmd.buf);
		sb_free(&cmd);
		return true;
	}
	/* The step could not start: the job puts things back and says why. */
	act_job_output(J->job, VS_PROC_STDERR, err.msg);
	rc = act_job_finish(J->job, 127, false, &err);
	J->running = false;
	J->failed = rc < 0;
	J->ended = vs_now_ns();
	snprintf(J->result, sizeof(J->result), "%s failed: %s", J->job->title, err.msg);
	ui_message(ui, true, "%s", err.msg);
	ui_scan_paths(ui, J->job->paths, J->job->n_paths);
	start_next(ui);
	return true;
}

static void finish(struct ui *ui)
{
	struct ui_jobs *J = ui->jobs;
	struct vs_err err = {0};
	int status = -1, rc;
	double secs;

	vs_proc_done(J->proc, &status);
	rc = act_job_finish(J->job, status, vs_proc_cancelled(J->proc), &err);
	if (rc == ACT_JOB_AGAIN && next_step(ui))
		return;
	J->running = false;
	J->ended = vs_now_ns();
	secs = (double)(J->ended - J->started) / 1e9;
	if (rc < 0) {
		J->failed = true;
		snprintf(J->result, sizeof(J->result), "%s failed after %.1fs: %s", J->job->title,
			 secs, err.msg);
		offer_partial(ui, J->job); /* its dialog first: the message stays under it */
		ui_message(ui, true, "%s", err.msg);
	} else {
		snprintf(J->result, sizeof(J->result), "%s (%.1fs)", J->job->summary, secs);
		ui_message(ui, false, "%s", J->job->summary);
	}
	vs_proc_free(J->proc);
	J->proc = NULL;
	/* Whatever happened, the rows show the envs as they are now. */
	ui_scan_paths(ui, J->job->paths, J->job->n_paths);
	start_next(ui);
}

static bool job_pump(struct ui *ui)
{
	struct ui_jobs *J = ui->jobs;
	size_t before;

	if (!J || !J->running)
		return false;
	before = J->n + J->head;
	vs_proc_pump(J->proc, keep_line, J);
	if (vs_proc_done(J->proc, NULL)) {
		finish(ui);
		return true;
	}
	return before != J->n + J->head;
}

static int job_fds(const struct ui *ui, struct pollfd *p)
{
	int fds[2], n = 0;

	if (!ui->jobs || !ui->jobs->running)
		return 0;
	vs_proc_fds(ui->jobs->proc, fds);
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			p[n++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	return n;
}

static int cancel_choice(struct ui *ui, void *data)
{
	(void)data;
	if (ui->jobs && ui->jobs->running) {
		vs_proc_cancel(ui->jobs->proc, CANCEL_GRACE_MS);
		ui_message(ui, false, "cancelling %s ...", ui->jobs->job->title);
	}
	return UI_REACT_REDRAW;
}

static int job_escape(struct ui *ui)
{
	static const struct ui_choice choices[] = {{'y', "y cancel it", cancel_choice}};
	struct ui_jobs *J = ui->jobs;

	if (J && J->running) {
		struct ui_dialog *d = ui_dialog_open(ui, "Cancel the running action?", choices, 1,
						     NULL, NULL);

		d->lasts_while = job_running;
		ui_dialog_line(d, "%s", J->job->title);
		ui_dialog_line(d, "It is stopped (SIGTERM, then SIGKILL after 3 s); a create that "
				  "stops halfway leaves a folder you can remove.");
		return UI_REACT_REDRAW;
	}
	if (J && J->shown) {
		J->shown = false;
		return UI_REACT_REDRAW;
	}
	return UI_REACT_NONE;
}

/* The newest output at the bottom, each line wrapped at words (a long pip
 * line is read whole, never cut with "..."); continuation rows are
 * indented by two columns. */
static void draw_lines(const struct ui_jobs *J, int top, int body)
{
	struct vs_vec rows, one;
	int n = 0;

	vs_vec_init_strs(&rows); /* newest row first */
	for (size_t k = J->n; k-- > 0 && rows.n < (size_t)body;) {
		const char *line = J->lines[(J->head + KEEP_LINES - J->n + k) % KEEP_LINES];

		vs_vec_init_strs(&one);
		ui_wrap(&one, line ? line : "", COLS > 2 ? COLS - 2 : 1);
		for (size_t r = one.n; r-- > 0 && rows.n < (size_t)body;) {
			char *row = vs_vec_take(&one, r);

			vs_vec_push(&rows, r ? xasprintf("  %s", row) : xstrdup(row));
			free(row);
		}
		vs_vec_clear(&one);
	}
	for (size_t r = rows.n; r-- > 0; n++)
		ui_put(top + n, 0, COLS, rows.v[r], ui_role_attr(UI_ROLE_DIM), 0);
	for (; n < body; n++)
		ui_put(top + n, 0, COLS, "", ui_role_attr(UI_ROLE_DIM), 0);
	vs_vec_clear(&rows);
}

static void draw_pane(const struct ui *ui, int top, int rows)
{
	static const char *const spin[] = {"|", "/", "-", "\\"};
	const struct ui_jobs *J = ui->jobs;
	char title[1400];
	int body = rows - 2;

	if (J->running)
		snprintf(title, sizeof(title), " %s %s  %.1fs   Esc cancel", spin[ui->spinner % 4],
			 J->job ? J->job->title : "", (double)(vs_now_ns() - J->started) / 1e9);
	else
		snprintf(title, sizeof(title), " %s   Esc close", J->job ? J->job->title : "");
	ui_put(top, 0, COLS, title, ui_role_attr(UI_ROLE_TITLE) | A_REVERSE, 0);
	draw_lines(J, top + 1, body);
	ui_put(top + rows - 1, 0, COLS, J->running ? "running ..." : J->result,
	       ui_role_attr(J->running  ? UI_ROLE_MESSAGE
			    : J->failed ? UI_ROLE_ERROR
					: UI_ROLE_MESSAGE),
	       0);
}

static void jobs_free(struct ui *ui)
{
	struct ui_jobs *J = ui->jobs;

	if (!J)
		return;
	vs_proc_free(J->proc); /* kills and reaps a child still running */
	act_job_free(J->job);
	vs_vec_clear(&J->queue);
	clear_lines(J);
	free(J);
	ui->jobs = NULL;
}

const struct ui_task_ops ui_jobs_task = {
	.name = "actions",
	.fds = job_fds,
	.pump = job_pump,
	.busy = job_running,
	.rows = pane_rows,
	.draw = draw_pane,
	.escape = job_escape,
	.free = jobs_free,
	.ask_before_quit = true,
};
