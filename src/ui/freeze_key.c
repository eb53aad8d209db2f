/* f: freeze the marked (or selected) envs to their project's
 * requirements.txt (a conda env: environment.yml, scan/conda_export.h). Up to date: nothing is
 * written. Different, or in another project than the env's folder (a .project pointing elsewhere): a
 * dialog names the file, shows the lines added and removed, and the user decides; a replaced file is
 * kept as FILE~. No project: the path is asked for, proposing <env>/requirements.txt (or the start
 * folder's when the env is in it), never a central folder's (act_freeze_out_proposal); ~ and relative
 * paths are taken as path_resolve_typed has them. Written atomically (actions/freeze_out.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/human.h"
#include "../actions/freeze_out.h"
#include "../pip/pip.h"
#include "../scan/conda_export.h"
#include "../util/path.h"
#include "../util/xalloc.h"
#include "app.h"

struct freeze_run {
	size_t *ids; /* envs to freeze, by model id */
	size_t n, next;
	int written, same, skipped, failed;
	char *text; /* the current env's freeze */
	size_t len;
	char *out;                  /* where it goes (a path the user gave), or NULL */
	struct act_freeze_out plan; /* the current env's target */
	char last[1200];
};

static void run_free(void *data)
{
	struct freeze_run *r = data;

	free(r->ids);
	free(r->text);
	free(r->out);
	act_freeze_out_clear(&r->plan);
	free(r);
}

static void step(struct ui *ui, struct freeze_run *r);

static void write_it(struct ui *ui, struct freeze_run *r)
{
	struct vs_err err = {0};

	if (act_freeze_out_write(&r->plan, r->text, r->len, &err) < 0) {
		r->failed++;
		snprintf(r->last, sizeof(r->last), "%s", err.msg);
		ui_message(ui, true, "%s", err.msg);
	} else {
		r->written++;
		snprintf(r->last, sizeof(r->last), "wrote %s%s%s%s", r->plan.path,
			 r->plan.old ? " (the old one is kept as " : "",
			 r->plan.old ? r->plan.path : "", r->plan.old ? "~)" : "");
	}
}

static int replace_choice(struct ui *ui, void *data)
{
	struct freeze_run *r = data;

	write_it(ui, r);
	act_freeze_out_clear(&r->plan);
	free(r->out);
	r->out = NULL;
	step(ui, r);
	return UI_REACT_REDRAW;
}

static int keep_choice(struct ui *ui, void *data)
{
	struct freeze_run *r = data;

	r->skipped++;
	act_freeze_out_clear(&r->plan);
	free(r->out);
	r->out = NULL;
	step(ui, r);
	return UI_REACT_REDRAW;
}

static int path_given(struct ui *ui, const char *text, void *data)
{
	struct freeze_run *r = data;
	struct vs_err err = {0};

	free(r->out);
	r->out = NULL;
	if (!*text) {
		r->skipped++;
		step(ui, r);
		return UI_REACT_REDRAW;
	}
	/* ~ and ~user as the shell has them; relative: from the start folder. */
	if (path_resolve_typed(&r->out, text, ui->start_dir, &err) < 0) {
		r->failed++;
		snprintf(r->last, sizeof(r->last), "not written: %s", err.msg);
		step(ui, r);
		return UI_REACT_REDRAW;
	}
	r->next--; /* the same env again, now with a path */
	step(ui, r);
	return UI_REACT_REDRAW;
}

/* Names the file, says why it needs a yes, shows what changes, asks. */
static void ask_replace(struct ui *ui, struct freeze_run *r, const struct venv *v)
{
	static const struct ui_choice choices[] = {{'y', "y write it", replace_choice},
						   {'n', "n keep the file", keep_choice}};
	const struct act_freeze_out *p = &r->plan;
	struct scan_freeze_diff diff;
	char title[96];
	struct ui_dialog *d;

	snprintf(title, sizeof(title), "%s %s", venv_freeze_file(v),
		 p->project ? "of another project" : "differs from the environment");
	d = ui_dialog_open(ui, title, choices, 2, r, run_free);
	size_t shown = 0;

	ui_dialog_line(d, "%s", p->path);
	if (p->project)
		ui_dialog_line(d, "%s/.project points to %s, not to the folder the environment is in",
			       v->path, p->project);
	if (!p->old) {
		size_t lines = 0;

		for (size_t i = 0; i < r->len; i++)
			lines += r->text[i] == '\n';
		ui_dialog_line(d, "a new file of %zu line%s", lines, lines == 1 ? "" : "s");
		return;
	}
	scan_freeze_diff_lines(&diff, p->old, p->old_len, r->text, r->len);
	for (size_t i = 0; i < diff.n_added && shown < 12; i++, shown++)
		ui_dialog_line(d, "+ %s", diff.added[i]);
	for (size_t i = 0; i < diff.n_removed && shown < 12; i++, shown++)
		ui_dialog_line(d, "- %s", diff.removed[i]);
	if (diff.n_added + diff.n_removed > shown)
		ui_dialog_line(d, "... %zu more changed %s", diff.n_added + diff.n_removed - shown,
			       human_noun(diff.n_added + diff.n_removed - shown, "line", "lines"));
	ui_dialog_line(d, "the old file is kept as %s~", p->path);
	scan_freeze_diff_clear(&diff);
}

/* Works through the envs until one needs an answer, then waits for it. */
static void step(struct ui *ui, struct freeze_run *r)
{
	while (r->next < r->n) {
		struct venv *v = r->ids[r->next] < ui->model.n_ids ? ui->model.by_id[r->ids[r->next]]
								   : NULL;
		struct scan_msgs warn = {0};
		struct vs_err err = {0};

		r->next++;
		if (!v)
			continue;
		free(r->text);
		r->text = NULL;
		if (v->kind == VENV_KIND_CONDA) {
			/* environment.yml, from the records (read with its packages). */
			if (scan_conda_export(&r->text, &r->len, v, SCAN_CONDA_YML, &err) < 0) {
				r->failed++;
				snprintf(r->last, sizeof(r->last), "%s", err.msg);
				continue;
			}
		} else {
			scan_freeze_env(&r->text, &r->len, v, &(struct scan_freeze_opts){0}, &warn,
					&err);
		}
		scan_msgs_clear(&warn);
		if (!r->out && !v->project) {
			char *initial = act_freeze_out_proposal(v, ui->start_dir, ui->home);

			ui_prompt_open(ui, "no project folder: write the freeze to", initial,
				       path_given, r, run_free);
			free(initial);
			return;
		}
		act_freeze_out_clear(&r->plan);
		if (act_freeze_out_plan(&r->plan, v, r->out, r->text, r->len, &err) < 0) {
			r->failed++;
			snprintf(r->last, sizeof(r->last), "%s", err.msg);
		} else if (r->plan.same) {
			r->same++;
			snprintf(r->last, sizeof(r->last), "%s is up to date", r->plan.path);
		} else if (act_freeze_out_needs_yes(&r->plan)) {
			/* The plan stays until the answer: the choice writes it. */
			ask_replace(ui, r, v);
			return;
		} else {
			write_it(ui, r);
		}
		act_freeze_out_clear(&r->plan);
		free(r->out);
		r->out = NULL;
	}
	if (r->n == 1 || r->written + r->same + r->skipped + r->failed == 1)
		ui_message(ui, r->failed > 0, "%s", r->last);
	else
		ui_message(ui, r->failed > 0,
			   "freeze: %d written, %d up to date, %d kept, %d failed%s%s", r->written,
			   r->same, r->skipped, r->failed, r->failed ? ": " : "",
			   r->failed ? r->last : "");
	/* Run-to-completion: nothing pending, so the caller frees it. */
}

int ui_act_freeze(struct ui *ui)
{
	struct freeze_run *r = xcalloc(1, sizeof(*r));
	struct venv **t;
	size_t n = ui_targets(ui, &t);

	r->ids = xcalloc(n + 1, sizeof(*r->ids));
	for (size_t i = 0; i < n; i++)
		r->ids[r->n++] = t[i]->id;
	free(t);
	step(ui, r);
	if (!(ui->dialog && ui->dialog->data == r) && !(ui->prompt && ui->prompt->data == r))
		run_free(r);
	return UI_REACT_REDRAW;
}
