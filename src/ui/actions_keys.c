/* The list's action keys: x clear, X rebuild, u upgrade, b activate, q (asks while an
 * action runs). Each confirms in a dialog, then hands jobs to jobs.c.
 * Actions apply to the marked envs when there are any, else to the row
 * under the cursor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../actions/delete.h"
#include "../actions/shell.h"
#include "../util/human.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "app.h"

/* The envs an action applies to (borrowed pointers). */
struct venv *ui_target_env(struct ui *ui)
{
	if (ui->view->subject)
		return ui->view->subject(ui);
	return ui_model_selected(&ui->model);
}

size_t ui_targets(struct ui *ui, struct venv ***out)
{
	size_t n = 0;

	*out = xcalloc(ui->model.n_ids + 1, sizeof(**out));
	/* A view about one env (the details): the marks of the list do not count. */
	for (size_t i = 0; i < ui->model.n_ids && !ui->view->subject; i++)
		if (ui->model.by_id[i] && ui->model.marked[i])
			(*out)[n++] = ui->model.by_id[i];
	if (n == 0 && ui_target_env(ui))
		(*out)[n++] = ui_target_env(ui);
	return n;
}

/* The prepared jobs a confirmation will submit (a vector that owns them). */
static void job_free(void *job)
{
	act_job_free(job);
}

static void pending_free(void *data)
{
	vs_vec_clear(data);
	free(data);
}

static int submit_all(struct ui *ui, void *data)
{
	struct vs_vec *p = data;

	while (p->n)
		ui_job_submit(ui, vs_vec_take(p, 0)); /* handed over */
	return UI_REACT_REDRAW;
}

/* A broken env cannot be cleared or upgraded in place: rebuild it on
 * another Python, with its packages (a bare re-create lost them). */
static int rebuild_choice(struct ui *ui, void *data)
{
	ui_rebuild_open(ui, data);
	return UI_REACT_REDRAW;
}

int ui_act_rebuild(struct ui *ui)
{
	struct venv *v = ui_model_selected(&ui->model);

	if (!v)
		return UI_REACT_NONE;
	ui_rebuild_open(ui, v->path);
	return UI_REACT_REDRAW;
}

static void explain_refusal(struct ui *ui, const struct venv *v, const char *msg)
{
	static const struct ui_choice choices[] = {
		{'r', "r rebuild with another Python, keeping its packages", rebuild_choice},
	};
	struct ui_dialog *d;

	if (!v->broken) {
		ui_message(ui, true, "%s", msg);
		return;
	}
	d = ui_dialog_open(ui, "This environment is broken", choices, 1, xstrdup(v->path), free);
	d->error = true;
	ui_dialog_line(d, "%s", msg);
}

/* Prepares one job per target; the first refusal is explained instead. */
static struct vs_vec *prepare(struct ui *ui, struct venv **t, size_t n, int kind)
{
	struct vs_vec *p = xcalloc(1, sizeof(*p));

	vs_vec_init(p, job_free);
	for (size_t i = 0; i < n; i++) {
		struct vs_err err = {0};
		struct act_job *j = NULL;
		int rc = kind == ACT_CLEAR
				 ? act_prepare_clear(&j, t[i], &err)
				 : act_prepare_upgrade(&j, t[i], kind == ACT_UPGRADE_DEPS, &err);

		if (rc < 0) {
			explain_refusal(ui, t[i], err.msg);
			pending_free(p);
			return NULL;
		}
		vs_vec_push(p, j);
	}
	return p;
}

static void list_targets(struct ui_dialog *d, struct venv **t, size_t n)
{
	for (size_t i = 0; i < n && i < 8; i++) {
		char size[32] = "?";

		if (t[i]->size_known)
			human_size(size, sizeof(size), t[i]->size.size_bytes);
		ui_dialog_line(d, "%-20s %9s  %3zu %-8s  %s", t[i]->name, size, t[i]->package_count,
			       human_noun(t[i]->package_count, "package", "packages"), t[i]->path);
	}
	if (n > 8)
		ui_dialog_line(d, "... and %zu more", n - 8);
}

/* Looked at again now: the processes using the envs, one a line (the
 * dialog's y is the CLI's --force). */
static void warn_in_use(struct ui_dialog *d, struct venv **t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct scan_users u = {0};
		struct vs_err err = {0};

		if (act_inuse_guard(t[i], &u, &err) < 0) {
			d->error = true;
			ui_dialog_line(d, "WARNING %s is in use by:", t[i]->name);
			for (size_t k = 0; k < u.n; k++)
				ui_dialog_line(d, "  pid %d  %s", (int)u.v[k].pid, u.v[k].cmd);
		}
		scan_users_clear(&u);
	}
}

int ui_act_clear(struct ui *ui)
{
	static const struct ui_choice choices[] = {{'y', "y clear", submit_all}};
	struct venv **t;
	size_t n = ui_targets(ui, &t);
	struct vs_vec *p = n ? prepare(ui, t, n, ACT_CLEAR) : NULL;

	if (p) {
		struct ui_dialog *d = ui_dialog_open(ui,
						     n == 1 ? "Clear this environment?"
							    : "Clear these environments?",
						     choices, 1, p, pending_free);

		list_targets(d, t, n);
		ui_dialog_line(d, "%s", "");
		ui_dialog_line(d, "Every installed package goes; the env is made again, empty, with");
		ui_dialog_line(d, "its own Python and options. The package list will be lost: freeze");
		ui_dialog_line(d, "it first if you need it (python -m pip freeze > requirements.txt).");
		warn_in_use(d, t, n);
	}
	free(t);
	return UI_REACT_REDRAW;
}

static int upgrade_kind(struct ui *ui, int kind)
{
	struct venv **t;
	size_t n = ui_targets(ui, &t);
	struct vs_vec *p = n ? prepare(ui, t, n, kind) : NULL;

	if (p)
		submit_all(ui, p), pending_free(p);
	free(t);
	return UI_REACT_REDRAW;
}

static int upgrade_python(struct ui *ui, void *data)
{
	(void)data;
	return upgrade_kind(ui, ACT_UPGRADE);
}

static int upgrade_deps(struct ui *ui, void *data)
{
	(void)data;
	return upgrade_kind(ui, ACT_UPGRADE_DEPS);
}

int ui_act_upgrade(struct ui *ui)
{
	static const struct ui_choice choices[] = {
		{'u', "u follow the base Python", upgrade_python},
		{'p', "p upgrade pip", upgrade_deps},
	};
	struct venv **t;
	size_t n = ui_targets(ui, &t);
	struct ui_dialog *d;

	if (n == 0) {
		free(t);
		return UI_REACT_NONE;
	}
	d = ui_dialog_open(ui, n == 1 ? "Upgrade this environment" : "Upgrade these environments",
			   choices, 2, NULL, NULL);
	list_targets(d, t, n);
	ui_dialog_line(d, "%s", "");
	ui_dialog_line(d, "u: python -m venv --upgrade, after the base Python was updated in place");
	ui_dialog_line(d, "p: upgrade pip (and setuptools before 3.12) from the package index");
	free(t);
	return UI_REACT_REDRAW;
}

int ui_act_activate(struct ui *ui)
{
	struct venv *v = ui_target_env(ui);
	struct vs_err err = {0};
	int status = 0, rc;

	if (!v)
		return UI_REACT_NONE;
	def_prog_mode();
	endwin();
	printf("venvscope: a shell with %s active; exit it to come back.\n", tw_esc(v->path));
	fflush(stdout);
	rc = act_shell(v, &status, &err);
	if (rc < 0) {
		/* Said on the screen: the message below is gone once curses is back. */
		fprintf(stderr, "venvscope: %s\n", tw_esc(err.msg));
	}
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (rc < 0)
		ui_message(ui, true, "%s", err.msg);
	else
		ui_message(ui, false, "back from the shell in %s (exit status %d)", v->name, status);
	return UI_REACT_REDRAW;
}
