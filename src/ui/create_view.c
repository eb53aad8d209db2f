/* The create form: folders, the base interpreter (every Python the machine
 * has, newest first), and venv's options — only those the chosen Python
 * supports. Enter creates; the job's output streams into the log pane. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scan/pythons.h"
#include "../util/human.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"
#include "lineedit.h"

enum field {
	F_PATHS,
	F_PYTHON,
	F_DEPS,
	F_SYSSITE,
	F_LINK,
	F_NOPIP,
	F_PROMPT,
	F_NOSCM,
	F_CLEAR,
	F_GO,
	F_COUNT
};

/* The view's own state: the form. */
struct ui_form {
	struct ui_lineedit paths, prompt;
	struct scan_python_list pys;
	size_t py;
	bool deps, syssite, nopip, noscm, clear;
	int link; /* enum act_link */
	int focus;
	char error[1100];
	char note[160]; /* said until the next key (keys dropped at opening) */
};

static struct ui_form *state(struct ui *ui)
{
	return ui_view_private(ui, &ui_create_view);
}

static const struct scan_python *chosen(const struct ui_form *form)
{
	return form->py < form->pys.n ? &form->pys.items[form->py] : NULL;
}

/* Fields the chosen Python can use. */
static bool shown(const struct ui_form *form, enum field f)
{
	const struct scan_python *py = chosen(form);

	if (f == F_DEPS)
		return py && scan_python_at_least(py, 3, 9);
	if (f == F_NOSCM)
		return py && scan_python_at_least(py, 3, 13);
	return true;
}

/* Frees what the form holds; it is empty after. */
static void form_reset(void *private)
{
	struct ui_form *form = private;

	ui_lineedit_free(&form->paths);
	ui_lineedit_free(&form->prompt);
	scan_python_list_free(&form->pys);
	memset(form, 0, sizeof(*form));
}

/* The base interpreters of the envs found, so the picker offers them too
 * (each is probed: never one inside its env, see venv_base_interpreter). */
static void find_pythons(struct ui *ui, struct ui_form *form)
{
	struct vs_vec extra = {.free_item = free}; /* owns the paths */
	struct scan_python def = {0};
	struct vs_err err = {0};

	for (size_t i = 0; i < ui->model.n_ids; i++) {
		const struct venv *v = ui->model.by_id[i];
		char *base = v && v->base_exists ? venv_base_interpreter(v, NULL) : NULL;

		if (base)
			vs_vec_push(&extra, base);
	}
	scan_find_pythons(&form->pys, ui->home, (const char *const *)extra.v, extra.n, 0);
	vs_vec_clear(&extra);
	/* The default: the version `python3` runs here, as on the command line. */
	if (scan_probe_python(&def, "python3", &err) == 0) {
		for (size_t i = form->pys.n; i-- > 0;)
			if (strcmp(form->pys.items[i].version, def.version) == 0)
				form->py = i;
	}
	scan_python_clear(&def);
}

/* Keys typed while the Pythons were probed (about a second) were meant for
 * a form not yet on screen, most likely for another field than Folder, or
 * for the list: they are dropped, and the form says how many, rather than
 * typed into the Folder field. */
static void drop_typeahead(struct ui_form *form)
{
	unsigned n = 0;
	int ch;

	while ((ch = getch()) != ERR)
		n += ch != KEY_RESIZE;
	if (n)
		snprintf(form->note, sizeof(form->note),
			 "%u %s typed before the form was ready %s dropped: type %s again.", n,
			 human_noun(n, "key", "keys"), n == 1 ? "was" : "were",
			 n == 1 ? "it" : "them");
}

static void form_open(struct ui *ui)
{
	const char *root = ui->opts.req->n_roots ? ui->opts.req->roots[0] : ".";
	char *abs = path_absolute(root);
	struct ui_form *form = state(ui);

	ui_message_clear(ui);
	form_reset(form);
	ui_lineedit_set(&form->paths, abs ? abs : root);
	sb_adds(&form->paths.text, "/.venv");
	free(abs);
	form->deps = false;
	find_pythons(ui, form);
	drop_typeahead(form);
	if (form->pys.n == 0)
		snprintf(form->error, sizeof(form->error),
			 "No Python 3 with the venv module was found on this machine.");
}

void ui_create_prefill(struct ui *ui, const char *path)
{
	struct ui_form *form = state(ui);

	ui_lineedit_set(&form->paths, path);
	form->clear = true;
	form->py = 0; /* the newest: the broken env's own base is gone */
	snprintf(form->error, sizeof(form->error),
		 "Re-create %s with another Python: pick one, then Enter.", path);
}

static const char *link_name(int l)
{
	return l == ACT_LINK_SYMLINKS ? "symlinks" : l == ACT_LINK_COPIES ? "copies" : "default";
}

/* One line of the form: label and value, the focused one highlighted. */
static void field_line(const struct ui_form *form, int y, int f, const char *label, const char *value)
{
	attr_t a = ui_role_attr(form->focus == f ? UI_ROLE_SELECTED : UI_ROLE_ROW);

	ui_fill_line(y, ui_role_attr(UI_ROLE_DEFAULT));
	ui_put(y, 2, 30, label, ui_role_attr(UI_ROLE_TITLE), 0);
	ui_put(y, 33, COLS - 34, value, a, 0);
}

static const char *checkbox(bool on)
{
	return on ? "[x]" : "[ ]";
}

static void draw_pythons(const struct ui_form *form, int y, int rows)
{
	ui_put(y, 2, COLS - 4, "Interpreters on this machine (Left/Right on Python picks):",
	       ui_role_attr(UI_ROLE_TITLE), 0);
	for (int i = 0; i < rows - 1 && (size_t)i < form->pys.n; i++) {
		size_t k = form->py >= (size_t)rows - 1 ? form->py - (size_t)rows + 2 + (size_t)i
							: (size_t)i;
		const struct scan_python *p;
		char line[4200];

		if (k >= form->pys.n)
			break;
		p = &form->pys.items[k];
		snprintf(line, sizeof(line), "%s %-8s %s%s", k == form->py ? ">" : " ", p->version,
			 p->path, p->has_ensurepip ? "" : "  (no ensurepip: without pip only)");
		ui_put(y + 1 + i, 4, COLS - 6, line,
		       ui_role_attr(k == form->py ? UI_ROLE_MARKED : UI_ROLE_DIM), 0);
	}
}

static void split_paths(struct vs_vec *out, const char *text);

/* The folders the form would create, absolute: ~ and ~user as the shell
 * has them, relative ones from the folder the browser was started in.
 * Returns 0, or a negative code with the first bad one's reason. */
static int resolve_paths(struct vs_vec *out, const struct ui *ui, const struct ui_form *form,
			 struct vs_err *err)
{
	struct vs_vec typed;
	int rc = 0;

	split_paths(&typed, ui_lineedit_str(&form->paths));
	vs_vec_init_strs(out);
	for (size_t i = 0; i < typed.n && rc == 0; i++) {
		char *abs = NULL;

		if ((rc = path_resolve_typed(&abs, typed.v[i], ui->start_dir, err)) == 0)
			vs_vec_push(out, abs);
	}
	vs_vec_clear(&typed);
	return rc;
}

/* Under the fields: the absolute folders Enter will create, or why not. */
static void draw_resolved(const struct ui *ui, const struct ui_form *form, int y)
{
	struct strbuf sb = STRBUF_INIT;
	struct vs_err err = {0};
	struct vs_vec abs;

	if (resolve_paths(&abs, ui, form, &err) < 0)
		sb_addf(&sb, "Folder: %s", err.msg);
	else
		for (size_t i = 0; i < abs.n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "Creates ", (const char *)abs.v[i]);
	if (abs.n || err.msg[0])
		ui_put(y, 2, COLS - 4, sb_str(&sb),
		       ui_role_attr(err.msg[0] ? UI_ROLE_ERROR : UI_ROLE_DIM), 0);
	vs_vec_clear(&abs);
	sb_free(&sb);
}

static void form_draw(struct ui *ui)
{
	const struct ui_form *form = state(ui);
	const struct scan_python *py = chosen(form);
	char v[4400];
	int y = 2;

	ui_draw_header(ui);
	for (int r = 1; r < LINES - 1; r++)
		ui_fill_line(r, ui_role_attr(UI_ROLE_DEFAULT));
	ui_put(1, 1, COLS - 2, "Create a virtual environment", ui_role_attr(UI_ROLE_TITLE), 0);
	field_line(form, y++, F_PATHS, "Folder (several: a:b)", ui_lineedit_str(&form->paths));
	snprintf(v, sizeof(v), "%s  %s", py ? py->version : "-", py ? py->path : "(none found)");
	field_line(form, y++, F_PYTHON, "Python  < >", v);
	if (shown(form, F_DEPS))
		field_line(form, y++, F_DEPS, "Upgrade pip on creation", checkbox(form->deps));
	field_line(form, y++, F_SYSSITE, "System site-packages", checkbox(form->syssite));
	field_line(form, y++, F_LINK, "Interpreter  < >", link_name(form->link));
	field_line(form, y++, F_NOPIP, "Without pip", checkbox(form->nopip));
	field_line(form, y++, F_PROMPT, "Prompt ('.' = folder name)", ui_lineedit_str(&form->prompt));
	if (shown(form, F_NOSCM))
		field_line(form, y++, F_NOSCM, "No .gitignore inside", checkbox(form->noscm));
	field_line(form, y++, F_CLEAR, "Replace an existing env", checkbox(form->clear));
	field_line(form, y++, F_GO, "", "[ Create ]");
	draw_resolved(ui, form, y++);
	if (form->error[0])
		ui_put(y++, 2, COLS - 4, form->error, ui_role_attr(UI_ROLE_ERROR), 0);
	if (form->note[0])
		ui_put(y++, 2, COLS - 4, form->note, ui_role_attr(UI_ROLE_MESSAGE), 0);
	if (LINES - 2 - y > 2)
		draw_pythons(form, y + 1, LINES - 2 - y - 1);
	ui_draw_status(ui, " Up/Down Tab move  Space toggle  Left/Right choose  Enter create  "
			   "Esc cancel");
	if (form->focus == F_PATHS || form->focus == F_PROMPT) {
		int fy = 2 + (form->focus == F_PROMPT ? 4 + shown(form, F_DEPS) + 1 : 0);
		const struct ui_lineedit *e = form->focus == F_PATHS ? &form->paths : &form->prompt;
		int x = 33 + (int)tw_width(ui_lineedit_str(e));

		move(fy, x < COLS - 1 ? x : COLS - 1);
		curs_set(1);
	} else {
		curs_set(0);
	}
}

/* Splits "a:b" into folders (':' cannot be in a venv path anyway). */
static void split_paths(struct vs_vec *out, const char *text)
{
	char *copy = xstrdup(text), *save = NULL;

	vs_vec_init_strs(out);
	for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
		while (*t == ' ')
			t++;
		if (*t)
			vs_vec_push_str(out, t);
	}
	free(copy);
}

static int submit(struct ui *ui, struct ui_form *form)
{
	const struct scan_python *py = chosen(form);
	struct act_create_opts o = {0};
	struct vs_err err = {0};
	struct act_job *j = NULL;
	struct vs_vec paths;
	int rc;

	if (resolve_paths(&paths, ui, form, &err) < 0) {
		vs_vec_clear(&paths);
		snprintf(form->error, sizeof(form->error), "%s", err.msg);
		return UI_REACT_REDRAW;
	}
	o.python = py ? py->path : NULL;
	o.targets = (const char *const *)paths.v;
	o.n_targets = paths.n;
	o.system_site_packages = form->syssite;
	o.link = (enum act_link)form->link;
	o.without_pip = form->nopip;
	o.prompt = form->prompt.text.len ? ui_lineedit_str(&form->prompt) : NULL;
	o.upgrade_deps = shown(form, F_DEPS) && form->deps;
	o.without_scm_ignore_files = shown(form, F_NOSCM) && form->noscm;
	o.clear = form->clear;
	rc = act_prepare_create(&j, &o, &err);
	vs_vec_clear(&paths);
	if (rc < 0) {
		snprintf(form->error, sizeof(form->error), "%s", err.msg);
		return UI_REACT_REDRAW;
	}
	ui_switch_to(ui, UI_VIEW_LIST);
	form_reset(form);
	ui_job_submit(ui, j);
	return UI_REACT_REDRAW;
}

static void move_focus(struct ui_form *form, int d)
{
	do
		form->focus = (form->focus + d + F_COUNT) % F_COUNT;
	while (!shown(form, (enum field)form->focus));
}

static void toggle(struct ui_form *form, int dir)
{
	switch (form->focus) {
	case F_PYTHON:
		if (form->pys.n)
			form->py = (form->py + form->pys.n + (size_t)(dir < 0 ? -1 : 1)) % form->pys.n;
		break;
	case F_LINK:
		form->link = (form->link + 3 + dir) % 3;
		break;
	case F_DEPS:
		form->deps = !form->deps;
		break;
	case F_SYSSITE:
		form->syssite = !form->syssite;
		break;
	case F_NOPIP:
		form->nopip = !form->nopip;
		break;
	case F_NOSCM:
		form->noscm = !form->noscm;
		break;
	case F_CLEAR:
		form->clear = !form->clear;
		break;
	default:
		break;
	}
}

static int form_key(struct ui *ui, int ch)
{
	struct ui_form *form = state(ui);
	bool text = form->focus == F_PATHS || form->focus == F_PROMPT;

	form->note[0] = '\0';
	switch (ch) {
	case 27:
		form_reset(form);
		ui_switch_to(ui, UI_VIEW_LIST);
		ui_message(ui, false, "nothing created");
		return UI_REACT_REDRAW;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return submit(ui, form);
	case KEY_UP:
	case KEY_BTAB:
		move_focus(form, -1);
		return UI_REACT_REDRAW;
	case KEY_DOWN:
	case '\t':
		move_focus(form, 1);
		return UI_REACT_REDRAW;
	case KEY_LEFT:
	case KEY_RIGHT:
		if (!text)
			toggle(form, ch == KEY_LEFT ? -1 : 1);
		return UI_REACT_REDRAW;
	case ' ':
		if (!text) {
			toggle(form, 1);
			return UI_REACT_REDRAW;
		}
		break;
	default:
		break;
	}
	if (text) {
		/* Any other key is the text's (one that edits nothing changes nothing). */
		ui_lineedit_key(form->focus == F_PATHS ? &form->paths : &form->prompt, ch);
		form->error[0] = '\0';
		return UI_REACT_REDRAW;
	}
	return UI_REACT_NONE;
}

int ui_act_create(struct ui *ui)
{
	ui_switch(ui, &ui_create_view);
	return UI_REACT_REDRAW;
}

const struct ui_view ui_create_view = {
	.name = "create",
	.id = UI_VIEW_CREATE,
	.private_size = sizeof(struct ui_form),
	.open = form_open,
	.draw = form_draw,
	.key = form_key,
	.close = form_reset,
};
