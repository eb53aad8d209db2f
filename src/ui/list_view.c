/* The list of environments: one row each, the header, the column titles
 * and the status line; keys that move, sort, filter and mark. */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/human.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"
#include "layout.h"
#include "lineedit.h"

#define LIST_TOP 2 /* header, column titles */

/* The list's own state: the filter being typed in the status line, and
 * the columns the config's `columns` hides. */
struct list_state {
	bool editing;
	struct ui_lineedit edit;
	bool cols_read;             /* col_off holds the setting */
	bool col_off[UI_COL_COUNT]; /* hidden columns */
};

static struct list_state *state(struct ui *ui)
{
	return ui_view_private(ui, &ui_list_view);
}

/* Rows for envs: the screen less the header, titles, status and panes. */
static int list_height(const struct ui *ui)
{
	int h = LINES - LIST_TOP - 1 - ui_tasks_rows(ui);

	return h > 0 ? h : 0;
}

static bool utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && strcmp(cs, "UTF-8") == 0;
}

/* ---- drawing ---- */

static bool scanning(const struct ui *ui)
{
	struct scan_progress p;

	return ui_scan_progress(ui, &p);
}

/* "[##---] 45%": the env's share of the listed total, in the size mode. */
static char *share_text(const struct venv *v, uint64_t bytes, uint64_t total)
{
	char b[64], p[16];

	if (!v->size_known || total == 0)
		return xstrdup("");
	human_bar(b, sizeof(b), bytes, total, 5);
	human_percent(p, sizeof(p), bytes, total);
	return xasprintf("%s %4s", b, p);
}

/* The KIND column: the tool that manages the env, else its kind. */
static const char *kind_text(const struct venv *v)
{
	return v->manager ? v->manager : venv_kind_name(v->kind);
}

static void cell_texts(const struct ui *ui, const struct venv *v, uint64_t total, char **cells)
{
	char buf[64];
	uint64_t bytes = ui_model_bytes(&ui->model, v);

	cells[UI_COL_MARK] = xstrdup(ui->model.marked[v->id] ? "*" : " ");
	cells[UI_COL_NAME] = ui_display_name(v);
	cells[UI_COL_KIND] = xstrdup(kind_text(v));
	cells[UI_COL_PYTHON] = xstrdup(v->python_version ? v->python_version : "?");
	if (v->size_known)
		human_size(buf, sizeof(buf), bytes);
	else
		snprintf(buf, sizeof(buf), "%s", scanning(ui) ? "…" : "-");
	cells[UI_COL_SIZE] = xstrdup(buf);
	cells[UI_COL_HLINK] = xstrdup(venv_is_shared(v) ? "H" : "");
	cells[UI_COL_SHARE] = share_text(v, bytes, total);
	if (v->packages_known)
		snprintf(buf, sizeof(buf), "%zu", v->package_count);
	else
		snprintf(buf, sizeof(buf), "-");
	cells[UI_COL_PKGS] = xstrdup(buf);
	cells[UI_COL_LINK] = xstrdup(venv_link_name(v->link));
	cells[UI_COL_GIT] = xstrdup(venv_git_word(v));
	if (v->last_modified > 0)
		human_age(buf, sizeof(buf), (int64_t)ui->model.envs.now - v->last_modified);
	else
		snprintf(buf, sizeof(buf), "-");
	cells[UI_COL_AGE] = xstrdup(buf);
	venv_flags(buf, sizeof(buf), v);
	cells[UI_COL_FLAGS] = xstrdup(buf);
	cells[UI_COL_PATH] = path_tilde(v->path, ui->home);
}

/* The role of a cell of a row that is not under the cursor. */
static enum ui_role cell_role(const struct ui *ui, const struct venv *v, int c)
{
	enum ui_role row = ui->model.marked[v->id] ? UI_ROLE_MARKED : UI_ROLE_ROW;

	switch (c) {
	case UI_COL_NAME:
		return v->broken ? UI_ROLE_BROKEN : v->stale ? UI_ROLE_STALE : row;
	case UI_COL_SIZE:
		return venv_is_large(v) ? UI_ROLE_SIZE_LARGE : row;
	case UI_COL_FLAGS:
		return v->broken  ? UI_ROLE_BROKEN
		       : v->stale ? UI_ROLE_STALE
				  : (v->n_problems ? UI_ROLE_PROBLEM : row);
	case UI_COL_PATH:
		return ui->model.marked[v->id] ? row : UI_ROLE_DIM;
	case UI_COL_GIT:
		return v->git_state == SCAN_GIT_IGNORED       ? UI_ROLE_GIT_OK
		       : v->git_state == SCAN_GIT_NOT_IGNORED ? UI_ROLE_GIT_WARN
		       : v->git_state == SCAN_GIT_TRACKED     ? UI_ROLE_GIT_BAD
							      : UI_ROLE_DIM;
	case UI_COL_PYTHON:
		return v->python_version ? row : UI_ROLE_DIM;
	default:
		return row;
	}
}

static void draw_row(const struct ui *ui, const struct ui_layout *l, int y, const struct venv *v,
		     uint64_t total, bool selected)
{
	char *cells[UI_COL_COUNT];
	attr_t sel = ui_role_attr(UI_ROLE_SELECTED);

	cell_texts(ui, v, total, cells);
	ui_fill_line(y,
		     selected ? sel
			      : ui_role_attr(ui->model.marked[v->id] ? UI_ROLE_MARKED : UI_ROLE_ROW));
	for (int c = 0; c < UI_COL_COUNT; c++) {
		/* The flags keep their colour under the cursor: a broken row must
		 * still look broken when selected. */
		enum ui_role role = cell_role(ui, v, c);
		bool keep = (c == UI_COL_FLAGS || c == UI_COL_GIT) && role != UI_ROLE_ROW &&
			    role != UI_ROLE_MARKED && role != UI_ROLE_DIM;
		attr_t a = selected && !keep ? sel : ui_role_attr(role) | (selected ? A_REVERSE : 0);

		if (!l->shown[c])
			continue;
		if (l->right[c])
			ui_put_right(y, l->x[c], l->w[c], cells[c], a);
		else
			ui_put(y, l->x[c], l->w[c], cells[c], a, c == UI_COL_PATH);
	}
	for (int c = 0; c < UI_COL_COUNT; c++)
		free(cells[c]);
}

static enum ui_col sorted_col(enum scan_sort s)
{
	switch (s) {
	case SCAN_SORT_SIZE:
		return UI_COL_SIZE;
	case SCAN_SORT_NAME:
		return UI_COL_NAME;
	case SCAN_SORT_AGE:
		return UI_COL_AGE;
	case SCAN_SORT_PYTHON:
		return UI_COL_PYTHON;
	case SCAN_SORT_USED:
		return UI_COL_COUNT; /* no column: the status line says it */
	default:
		return UI_COL_PATH;
	}
}

static void draw_titles(const struct ui *ui, const struct ui_layout *l)
{
	attr_t a = ui_role_attr(UI_ROLE_COLUMNS);
	enum ui_col sc = sorted_col(ui->model.sort);

	ui_fill_line(1, a);
	for (int c = 0; c < UI_COL_COUNT; c++) {
		char t[32];

		if (!l->shown[c])
			continue;
		snprintf(t, sizeof(t), "%s%s", ui_col_title(c),
			 c != (int)sc        ? ""
			 : ui->model.reverse ? (utf8() ? "↑" : "^")
					     : (utf8() ? "↓" : "v"));
		if (l->right[c])
			ui_put_right(1, l->x[c], l->w[c], t, a);
		else
			ui_put(1, l->x[c], l->w[c], t, a, 0);
	}
}

/* The widest name and path among the rows, for the layout. */
/* What the rows on screen would like: widths, and whether the GIT column
 * earns its room (some env is in a repository). */
static void wanted_widths(const struct ui *ui, struct ui_col_wants *w, const bool *off)
{
	char flags[64];

	memset(w, 0, sizeof(*w));
	w->name = w->path = 4;
	w->off = off;
	for (size_t i = 0; i < ui->model.n_rows; i++) {
		const struct venv *v = ui->model.by_id[ui->model.rows[i]];
		char *p = path_tilde(v->path, ui->home);
		char *dn = ui_display_name(v);
		int nw = (int)tw_width(dn), pw = (int)tw_width(p), fw;
		int kw = (int)tw_width(kind_text(v));

		venv_flags(flags, sizeof(flags), v);
		fw = (int)strlen(flags);
		w->name = nw > w->name ? nw : w->name;
		w->path = pw > w->path ? pw : w->path;
		w->flags = fw > w->flags ? fw : w->flags;
		w->kind = kw > w->kind ? kw : w->kind;
		w->git = w->git || v->git_state > SCAN_GIT_NO_REPO;
		w->hlink = w->hlink || venv_is_shared(v);
		free(p);
		free(dn);
	}
}

static void draw_empty(const struct ui *ui)
{
	char msg[512];
	struct ui_summary s;

	ui_model_summary(&ui->model, &s);
	if (s.envs > 0 && ui->model.filter_text)
		snprintf(msg, sizeof(msg), "No environment matches the filter '%s' (Esc clears it).",
			 ui->model.filter_text);
	else if (s.envs > 0)
		snprintf(msg, sizeof(msg), "No environment has a problem (! shows them all).");
	else if (scanning(ui))
		snprintf(msg, sizeof(msg), "Looking for environments in %s ...", ui->roots_label);
	else
		snprintf(msg, sizeof(msg), "No virtual environment found in %s.", ui->roots_label);
	ui_put(LIST_TOP + 1, 2, COLS - 4, msg, ui_role_attr(UI_ROLE_DIM), 0);
}

/* "/text" while the filter is typed, with the parse error (if any) after. */
static void draw_filter_prompt(struct ui *ui, struct list_state *L)
{
	struct strbuf sb = STRBUF_INIT;
	int y = LINES - 1, w;

	ui_fill_line(y, ui_role_attr(UI_ROLE_STATUS));
	sb_addf(&sb, "/%s", ui_lineedit_str(&L->edit));
	w = (int)tw_width(sb_str(&sb));
	ui_put(y, 0, COLS, sb_str(&sb), ui_role_attr(UI_ROLE_FILTER), 0);
	if (ui->message[0] && w + 3 < COLS)
		ui_put(y, w + 3, COLS - w - 3, ui->message,
		       ui_role_attr(ui->message_error ? UI_ROLE_ERROR : UI_ROLE_MESSAGE), 0);
	move(y, w < COLS ? w : COLS - 1);
	curs_set(1);
	sb_free(&sb);
}

/* The status line's reminder, from the keys as bound now. */
static void draw_hint(struct ui *ui)
{
	static const struct ui_hint rows[] = {
		{"open", "details"},
		{"filter", "filter"},
		{"sort", "sort"},
		{"reverse", "reverse"},
		{"size-mode", "apparent/disk"},
		{"problems", "problems"},
		{"mark", "mark"},
		{"help", "help"},
		{"quit", "quit"},
		{NULL, NULL},
	};
	static const struct ui_hint empty[] = {
		{"filter", "filter"}, {"problems", "problems"}, {"rescan-all", "rescan"},
		{"help", "help"},     {"quit", "quit"},         {NULL, NULL},
	};

	ui_draw_hint(ui, ui_list_bindings, ui->model.n_rows ? rows : empty);
}

static void list_draw(struct ui *ui)
{
	struct list_state *L = state(ui);
	struct ui_layout l;
	struct ui_col_wants want;
	struct ui_summary s;
	int h;

	h = list_height(ui);
	ui_model_refresh(&ui->model);
	ui_model_summary(&ui->model, &s);
	ui_model_scroll(&ui->model, (size_t)h);
	if (!L->cols_read && ui->opts.set.visible_cols) {
		char bad[64];

		/* main checked it (ui_check_columns): a bad list never gets here */
		(void)ui_layout_parse_columns(L->col_off, ui->opts.set.visible_cols, bad, sizeof(bad));
	}
	L->cols_read = true;
	wanted_widths(ui, &want, L->col_off);
	ui_layout_columns(&l, COLS, &want);
	ui_draw_header(ui);
	draw_titles(ui, &l);
	for (int i = 0; i < h; i++) {
		size_t row = ui->model.cur.top + (size_t)i;

		if (row < ui->model.n_rows)
			draw_row(ui, &l, LIST_TOP + i, ui->model.by_id[ui->model.rows[row]],
				 s.shown_bytes, row == ui->model.cur.pos);
		else
			ui_fill_line(LIST_TOP + i, ui_role_attr(UI_ROLE_DEFAULT));
	}
	if (ui->model.n_rows == 0)
		draw_empty(ui);
	ui_tasks_draw(ui, LIST_TOP + h);
	if (state(ui)->editing)
		draw_filter_prompt(ui, state(ui));
	else
		draw_hint(ui);
}

/* ---- keys ---- */

/* The shared moves' cursor: the model's, over the list's height. */
static struct ui_cursor *list_cursor(struct ui *ui)
{
	ui->model.cur.height = (size_t)(list_height(ui) > 0 ? list_height(ui) : 0);
	return &ui->model.cur;
}

static int act_open(struct ui *ui)
{
	struct venv *v = ui_model_selected(&ui->model);

	if (!v)
		return UI_REACT_NONE;
	ui_detail_show(ui, v->id);
	return UI_REACT_REDRAW;
}

/* ncdu's i: the details (there, i again goes back). */
static int act_info(struct ui *ui)
{
	return act_open(ui);
}

static int act_sort(struct ui *ui)
{
	ui_model_cycle_sort(&ui->model);
	ui_message(ui, false, "sorted by %s", scan_sort_name(ui->model.sort));
	return UI_REACT_REDRAW;
}

/* ncdu's n and M: by name, by last use; again, the other way round. */
static int sort_by(struct ui *ui, enum scan_sort sort)
{
	ui_model_sort_by(&ui->model, sort);
	ui_message(ui, false, "sorted by %s, %s", scan_sort_name(ui->model.sort),
		   ui->model.reverse ? "reversed" : "natural order");
	return UI_REACT_REDRAW;
}

static int act_sort_name(struct ui *ui)
{
	return sort_by(ui, SCAN_SORT_NAME);
}

static int act_sort_used(struct ui *ui)
{
	return sort_by(ui, SCAN_SORT_USED);
}

static int act_reverse(struct ui *ui)
{
	ui_model_toggle_reverse(&ui->model);
	ui_message(ui, false, "sorted by %s, %s", scan_sort_name(ui->model.sort),
		   ui->model.reverse ? "reversed" : "natural order");
	return UI_REACT_REDRAW;
}

static int act_size_mode(struct ui *ui)
{
	ui_model_toggle_disk(&ui->model);
	ui_message(ui, false, "%s",
		   ui->model.disk ? "sizes: disk usage (blocks allocated, du -s)"
				  : "sizes: apparent (bytes in the files, du -sb)");
	return UI_REACT_REDRAW;
}

static int act_filter(struct ui *ui)
{
	state(ui)->editing = true;
	ui_lineedit_set(&state(ui)->edit, ui->model.filter_text);
	ui->message[0] = '\0';
	return UI_REACT_REDRAW;
}

static int act_escape(struct ui *ui)
{
	/* A running delete or action answers first (its pane, lowest first). */
	int r = ui_tasks_escape(ui);

	if (r != UI_REACT_NONE)
		return r;
	if (ui->model.filter_text) {
		ui_model_set_filter(&ui->model, NULL, NULL);
		ui_message(ui, false, "filter cleared");
	} else {
		ui->message[0] = '\0';
	}
	return UI_REACT_REDRAW;
}

static int act_problems(struct ui *ui)
{
	ui_model_toggle_problems(&ui->model);
	ui_message(ui, false, "%s",
		   ui->model.problems_only ? "showing only environments with problems"
					   : "showing every environment");
	return UI_REACT_REDRAW;
}

static int act_mark(struct ui *ui)
{
	ui_model_toggle_mark(&ui->model);
	ui_model_move(&ui->model, 1);
	ui->message[0] = '\0';
	return UI_REACT_REDRAW;
}

static int act_mark_all(struct ui *ui)
{
	ui_model_mark_all_shown(&ui->model);
	ui->message[0] = '\0';
	return UI_REACT_REDRAW;
}

static int act_rescan_one(struct ui *ui)
{
	return ui_model_selected(&ui->model) ? UI_REACT_RESCAN_ONE : UI_REACT_NONE;
}
static int act_rescan_all(struct ui *ui)
{
	return (void)ui, UI_REACT_RESCAN_ALL;
}

static int act_help(struct ui *ui)
{
	ui_help_show(ui);
	return UI_REACT_REDRAW;
}

static int act_quit(struct ui *ui)
{
	return ui_act_quit(ui);
}

static int act_theme(struct ui *ui)
{
	return ui_cycle_theme(ui);
}

const struct ui_binding ui_list_bindings[] = {
	UI_CURSOR_BINDINGS("move up", "move down", "first row", "last row"),
	{'\n', "open", "details of the environment", act_open},
	{'l', "open", NULL, act_open},
	{KEY_RIGHT, "open", NULL, act_open},
	{'i', "info", "details of the environment (ncdu's info; i again: back)", act_info},
	{'s', "sort", "sort by size, name, age, last used, Python, path (cycles)", act_sort},
	{'n', "sort-name", "sort by name (again: reverse), as ncdu", act_sort_name},
	{'M', "sort-used", "sort by last used (again: reverse), as ncdu's M", act_sort_used},
	{'S', "reverse", "reverse the order", act_reverse},
	{'a', "size-mode", "sizes: apparent / disk usage (SIZE, %, sort, totals)", act_size_mode},
	{'/', "filter", "filter: text, pkg:NAME, pkg:NAME<VERSION, py:3.11, is:broken", act_filter},
	{27, "clear-filter", "clear the filter", act_escape},
	{'!', "problems", "show only environments with problems (again: all)", act_problems},
	{' ', "mark", "mark / unmark (then move down)", act_mark},
	{'*', "mark-all", "mark all shown (again: unmark)", act_mark_all},
	{'r', "rescan", "rescan the selected environment", act_rescan_one},
	{'R', "rescan-all", "rescan everything", act_rescan_all},
	{'T', "theme", "next colour theme (default, high-contrast, light, mono)", act_theme},
	{'?', "help", "this help", act_help},
	{'q', "quit", "quit", act_quit},
	{'c', "create", "create an environment (form: folder, Python, options)", ui_act_create},
	{'x', "clear", "clear: empty the marked / selected envs, keeping their options", ui_act_clear},
	{'X', "rebuild", "rebuild the selected env on a Python you pick, keeping its packages",
	 ui_act_rebuild},
	{'u', "upgrade", "upgrade: follow the base Python, or upgrade pip", ui_act_upgrade},
	{'b', "shell", "activate: a shell with the selected env active", ui_act_activate},
	{'f', "freeze", "freeze to the project's requirements.txt (conda: environment.yml)",
	 ui_act_freeze},
	{'d', "delete", "delete the marked / selected envs (recipe kept; or to the trash)",
	 ui_act_delete},
	{'I', "gitignore", "make git ignore the selected env (shows the line, asks)", ui_act_gitignore},
	{'C', "caches", "the shared caches (pip, uv, conda...): sizes, and cleaning", ui_act_caches},
	{'P', "pythons", "Pythons: every interpreter, its support, EOL and how many envs use it",
	 ui_act_pythons},
	{'p', "its-python", "its Python: the Pythons view on the selected env's base interpreter",
	 ui_act_env_python},
	{'D', "dupes", "duplicates: packages installed in several envs, duplicated or hard-linked",
	 ui_act_dupes},
	{0, NULL, NULL, NULL},
};

/* Typing the filter: every change is applied at once. */
static int edit_key(struct ui *ui, struct list_state *L, int ch)
{
	struct vs_err err = {0};

	if (ch == 27) {
		L->editing = false;
		ui_model_set_filter(&ui->model, NULL, NULL);
		ui->message[0] = '\0';
		return UI_REACT_REDRAW;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		L->editing = false;
		if (!ui->message_error)
			ui->message[0] = '\0';
		return UI_REACT_REDRAW;
	}
	if (!ui_lineedit_key(&L->edit, ch))
		return UI_REACT_NONE;
	ui->message[0] = '\0';
	if (ui_model_set_filter(&ui->model, ui_lineedit_str(&L->edit), &err) < 0)
		ui_message(ui, true, "%s", err.msg);
	return UI_REACT_REDRAW;
}

static int list_key(struct ui *ui, int ch)
{
	bool handled;
	int r;

	if (state(ui)->editing)
		return edit_key(ui, state(ui), ch);
	r = ui_dispatch(ui, ui_list_bindings, ch, &handled);
	return handled ? r : UI_REACT_NONE;
}

static int list_mouse(struct ui *ui, const MEVENT *ev)
{
	int row = ev->y - LIST_TOP;

	if (ev->bstate & BUTTON4_PRESSED)
		return ui_model_move(&ui->model, -3), UI_REACT_REDRAW;
#ifdef BUTTON5_PRESSED
	if (ev->bstate & BUTTON5_PRESSED)
		return ui_model_move(&ui->model, 3), UI_REACT_REDRAW;
#endif
	if (row < 0 || row >= list_height(ui) || ui->model.cur.top + (size_t)row >= ui->model.n_rows)
		return UI_REACT_NONE;
	ui_model_move_to(&ui->model, ui->model.cur.top + (size_t)row);
	if (ev->bstate & BUTTON1_DOUBLE_CLICKED)
		return act_open(ui);
	return UI_REACT_REDRAW;
}

static void list_close(void *private)
{
	struct list_state *L = private;

	ui_lineedit_free(&L->edit);
}

const struct ui_view ui_list_view = {
	.name = "list",
	.id = UI_VIEW_LIST,
	.private_size = sizeof(struct list_state),
	.draw = list_draw,
	.key = list_key,
	.mouse = list_mouse,
	.close = list_close,
	.bindings = ui_list_bindings,
	.cursor = list_cursor,
};
