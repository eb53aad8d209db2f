/* I: make git ignore the selected env. Shows the line that will be added
 * (and, for a tracked env, that its files leave the index while staying on
 * disk) and asks; or writes a .gitignore with "*" inside the env. */
#include <stdio.h>
#include <stdlib.h>

#include "../util/human.h"
#include "../actions/gitignore.h"
#include "../util/path.h"
#include "../util/xalloc.h"
#include "app.h"

static int apply(struct ui *ui, const char *env, bool inner)
{
	struct act_gitignore_plan plan = {0};
	struct vs_err err = {0};
	char *paths[1];

	if (act_gitignore_plan(&plan, env, inner, &err) < 0 ||
	    act_gitignore_apply(&plan, env, &err) < 0) {
		ui_message(ui, true, "%s", err.msg);
	} else if (!plan.line) {
		ui_message(ui, false, "its files left the index (still on disk): commit to finish");
	} else {
		ui_message(ui, false, "added %s to %s%s", plan.line, plan.file,
			   plan.untrack
				   ? "; its files left the index (still on disk): commit to finish"
				   : "");
	}
	act_gitignore_plan_clear(&plan);
	paths[0] = (char *)env;
	ui_scan_paths(ui, paths, 1); /* the row shows the new state */
	return UI_REACT_REDRAW;
}

static int choose_root(struct ui *ui, void *data)
{
	return apply(ui, data, false);
}
static int choose_inner(struct ui *ui, void *data)
{
	return apply(ui, data, true);
}

int ui_act_gitignore(struct ui *ui)
{
	static const struct ui_choice choices[] = {
		{'y', "y add the line", choose_root},
		{'e', "e a .gitignore inside the env instead", choose_inner},
	};
	struct venv *v = ui_target_env(ui);
	struct act_gitignore_plan plan = {0};
	struct vs_err err = {0};
	struct ui_dialog *d;

	if (!v)
		return UI_REACT_NONE;
	if (act_gitignore_plan(&plan, v->path, false, &err) < 0) {
		ui_message(ui, true, "%s", err.msg);
		return UI_REACT_REDRAW;
	}
	d = ui_dialog_open(ui,
			   plan.untrack ? "Git tracks this environment"
					: "Make git ignore this environment",
			   choices, plan.untrack ? 1 : 2, xstrdup(v->path), free);
	if (plan.untrack) {
		d->error = true;
		ui_dialog_line(d, "%zu of its files %s in the index of %s.", plan.n_tracked,
			       human_noun(plan.n_tracked, "is", "are"), plan.repo);
		ui_dialog_line(d, "An ignore rule alone does not stop git tracking them: they will be");
		ui_dialog_line(d,
			       "removed from the index (git rm -r --cached; the files stay on disk),");
		ui_dialog_line(d, "then this line is added. A commit is still needed afterwards.");
	}
	if (plan.line) {
		ui_dialog_line(d, "%s gets the line:", plan.file);
		ui_dialog_line(d, "    %s", plan.line);
	} else {
		ui_dialog_line(d, "A rule already ignores it: only the index changes.");
	}
	act_gitignore_plan_clear(&plan);
	return UI_REACT_REDRAW;
}
