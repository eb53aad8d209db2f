/* The delete dialog's words: what y frees, each env with its size and
 * what deleting it loses, the processes using them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../actions/delete.h"
#include "../util/human.h"
#include "../util/xalloc.h"
#include "app.h"
#include "delete_dialog.h"

/* Checked again now (a fresh look at /proc): the envs in use, pipx's
 * shared env, pipx apps. Named in the dialog, whose y is the "yes, anyway"
 * the CLI's --force is. */
static void warn_guarded(struct ui_dialog *dlg, struct venv **t, size_t n)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		struct vs_err err = {0};
		struct scan_users u = {0};
		char *name;

		if (act_delete_guard(t[i], &u, &err) == 0)
			continue;
		if (first)
			ui_dialog_line(dlg, "%s", "");
		first = false;
		name = ui_display_name(t[i]);
		if (u.n == 0)
			ui_dialog_line(dlg, "WARNING %s", err.msg);
		else
			ui_dialog_line(dlg, "WARNING %s is in use by:", name);
		/* One process a line: pid first, so a narrow screen keeps it. */
		for (size_t k = 0; k < u.n; k++)
			ui_dialog_line(dlg, "  pid %d  %s", (int)u.v[k].pid, u.v[k].cmd);
		if (u.n && t[i]->role)
			ui_dialog_line(dlg, "  and it is pipx's %s env (every pipx app runs on it)",
				       t[i]->role);
		free(name);
		scan_users_clear(&u);
	}
	if (!first) {
		dlg->error = true;
		ui_dialog_line(dlg, "y deletes anyway.");
	}
}

/* The space sentence of the delete dialog: what y frees, or that a size
 * is not known yet (still being measured, or --no-size) rather than 0 B. */
static void say_space(struct ui *ui, struct ui_dialog *dlg, struct venv **t, size_t n, size_t unsized,
		      bool known, const char *frees)
{
	uint64_t total = 0;
	char size[32];

	if (unsized) {
		if (ui->opts.req->no_size)
			ui_dialog_line(dlg,
				       "Sizes are not measured (--no-size): y deletes %s all the same.",
				       n > 1 ? "them" : "it");
		else
			ui_dialog_line(dlg,
				       "The size of %zu of %s is not known yet (still being measured): "
				       "y deletes %s all the same.",
				       unsized, n > 1 ? "them" : "it", n > 1 ? "them" : "it");
		return;
	}
	/* Freeable counts blocks: the total it is a part of is their disk
	 * usage, whichever size the list shows. */
	for (size_t i = 0; i < n; i++)
		total += t[i]->size.disk_bytes;
	human_size(size, sizeof(size), total);
	ui_dialog_line(dlg, "y frees %s of %s %s on disk.", frees, n > 1 ? "their" : "its", size);
	if (!known)
		ui_dialog_line(dlg, "(parts could not be read)");
}

/* "It is" for one env, "2 of them are" for several: who the sentence is
 * about, with the verb agreeing (singular, plural). */
static void about(char *out, size_t size, size_t k, size_t n, const char *one, const char *many)
{
	if (n == 1)
		snprintf(out, size, "It %s", one);
	else
		snprintf(out, size, "%zu of them %s", k, human_noun(k, one, many));
}

/* What the dialog warns about: envs touched lately, envs whose project
 * keeps no requirements file, envs with no project at all (~/venvs, a
 * manager's folder: nothing else keeps their packages). */
static void say_keep(struct ui *ui, struct ui_dialog *dlg, struct venv **t, size_t n, size_t recent)
{
	size_t norec = 0, noproj = 0;
	int days = ui->opts.req->stale_days;
	char who[64];

	for (size_t i = 0; i < n; i++) {
		if (!t[i]->project)
			noproj++;
		else if (!venv_project_has_recipe(t[i]))
			norec++;
	}
	if (recent) {
		about(who, sizeof(who), recent, n, "is", "are");
		ui_dialog_line(dlg, "%s not stale (touched in the last %d %s).", who, days,
			       human_noun((unsigned)days, "day", "days"));
	}
	if (norec) {
		about(who, sizeof(who), norec, n, "has", "have");
		ui_dialog_line(dlg, "%s no requirements file in %s project.", who,
			       human_noun(norec, "its", "their"));
	}
	if (noproj) {
		about(who, sizeof(who), noproj, n, "belongs", "belong");
		ui_dialog_line(dlg, "%s to no project: no requirements file keeps %s packages.", who,
			       human_noun(noproj, "its", "their"));
	}
}

void ui_delete_dialog_fill(struct ui *ui, struct ui_dialog *dlg, struct venv **t, size_t n)
{
	size_t recent = 0, unsized = 0;
	uint64_t set;
	char frees[96];
	bool known;

	for (size_t i = 0; i < n; i++)
		unsized += !t[i]->size_known;
	/* What the envs free together (issue 14), not the sum of their sizes. */
	known = ui_set_freeable((const struct venv *const *)t, n, &set);
	if (unsized)
		snprintf(frees, sizeof(frees), "size not known yet");
	else if (known)
		human_size(frees, sizeof(frees), set);
	else
		snprintf(frees, sizeof(frees), "an unknown amount");
	free(dlg->title);
	dlg->title = xasprintf(unsized ? "Delete %zu environment%s (%s)?"
				       : "Delete %zu environment%s, freeing %s?",
			       n, n > 1 ? "s" : "", frees);
	for (size_t i = 0; i < n; i++) {
		bool rec = venv_project_has_recipe(t[i]);
		char s[32] = "not known", *name = ui_display_name(t[i]);

		recent += !t[i]->stale;
		if (t[i]->size_known)
			human_size(s, sizeof(s), ui_model_bytes(&ui->model, t[i]));
		if (i < 10)
			ui_dialog_line(dlg, "%-24s %9s%s%s", name, s, t[i]->stale ? "" : "  not stale",
				       rec ? "" : "  no requirements file");
		free(name);
	}
	if (n > 10)
		ui_dialog_line(dlg, "... and %zu more", n - 10);
	ui_dialog_line(dlg, "%s", "");
	say_space(ui, dlg, t, n, unsized, known, frees);
	ui_dialog_line(dlg, "t: the trash frees nothing until it is emptied.");
	say_keep(ui, dlg, t, n, recent);
	ui_dialog_line(dlg, "Each one's recipe (freeze, pyvenv.cfg) is kept first: `venvscope "
			    "recreate` makes it again.");
	warn_guarded(dlg, t, n);
}
