/* Private to src/ui/: the browser's state shared by its views, the view
 * operations table, key bindings, and drawing helpers. */
#ifndef VS_UI_APP_H
#define VS_UI_APP_H

#include <curses.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "../actions/job.h"
#include "../scan/scan.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "cursor.h"
#include "keymap.h"
#include "layout.h"
#include "lineedit.h"
#include "model.h"
#include "task.h"
#include "theme.h"
#include "ui.h"

/* What a key handler asks for next (htop's reaction flags). */
enum {
	UI_REACT_NONE = 0,
	UI_REACT_REDRAW = 1 << 0,
	UI_REACT_QUIT = 1 << 1,
	UI_REACT_RESCAN_ALL = 1 << 2,
	UI_REACT_RESCAN_ONE = 1 << 3,
};

struct ui;

/* A choice in a dialog: a key and what it does. `fn` gets the dialog's data
 * and returns UI_REACT_* flags; the dialog is closed before it runs. */
struct ui_choice {
	int key;
	const char *label; /* "y clear" */
	int (*fn)(struct ui *ui, void *data);
};

/* A modal box over the current view: a title, lines of text, choices.
 * Esc always closes it (after the choice with key 27, if any). */
struct ui_dialog {
	char *title;
	struct vs_vec text; /* owned strings; not "lines": term.h defines that name */
	struct ui_choice choices[6];
	size_t n_choices;
	void *data;
	void (*free_data)(void *data);
	bool error; /* drawn in the error role */
	/* A dialog about work that may end by itself (quit while an action
	 * runs, cancel it): closed by the loop once this says false. NULL:
	 * stays until answered. */
	bool (*lasts_while)(const struct ui *ui);
};

/* A line of text asked for in the status line (a path, ...). */
struct ui_prompt {
	char *label;
	struct ui_lineedit edit;
	int (*done)(struct ui *ui, const char *text, void *data);
	void *data;
	void (*free_data)(void *data);
};

/* The screens. Each keeps its own state (tig's view_ops.private_size):
 * ui_view_private gives it, zeroed on first use, kept until the browser
 * ends (then `close` frees what it points to). */
enum ui_view_id {
	UI_VIEW_LIST,
	UI_VIEW_DETAIL,
	UI_VIEW_HELP,
	UI_VIEW_CREATE,
	UI_VIEW_CACHES,
	UI_VIEW_DUPES,
	UI_VIEW_REBUILD,
	UI_VIEW_PYTHONS,
	UI_VIEW_COUNT
};

struct ui_view {
	const char *name;
	enum ui_view_id id;
	size_t private_size; /* 0: no state of its own */
	void (*open)(struct ui *ui);
	void (*draw)(struct ui *ui);
	int (*key)(struct ui *ui, int ch);
	int (*mouse)(struct ui *ui, const MEVENT *ev); /* may be NULL */
	void (*close)(void *private);                  /* may be NULL */
	/* The one env this view is about: actions apply to it alone, not to
	 * the list's marks (NULL: the list's selection and marks). */
	struct venv *(*subject)(struct ui *ui);
	const struct ui_binding *bindings; /* its keys (keymap.h), may be NULL */
	/* Its list cursor with count and height brought up to date, for the
	 * shared moves (ui_act_up...); NULL: nothing scrolls. */
	struct ui_cursor *(*cursor)(struct ui *ui);
};

extern const struct ui_view ui_list_view;
extern const struct ui_view ui_detail_view;
extern const struct ui_view ui_help_view;
extern const struct ui_view ui_caches_view;
extern const struct ui_view ui_dupes_view;   /* dupes_view.c: D, duplicates across envs */
extern const struct ui_view ui_rebuild_view; /* rebuild_view.c: X, and r on a broken env */
extern const struct ui_view ui_pythons_view; /* pythons_view.c: P, the interpreters */

/* The bindings of each view, for the help screen (NULL-key terminated). */
extern const struct ui_binding ui_list_bindings[];
extern const struct ui_binding ui_detail_bindings[];
extern const struct ui_binding ui_caches_bindings[];
extern const struct ui_binding ui_dupes_bindings[];
extern const struct ui_binding ui_pythons_bindings[];
extern const struct ui_binding ui_help_bindings[];

/* What every view shares. A view's own state is in view_private, a
 * background task's behind its pointer here (task.h). */
struct ui {
	struct ui_options opts;
	struct ui_model model;
	const char *home;
	char *start_dir;   /* the folder the browser was started in: typed paths start there */
	char *roots_label; /* what is scanned, for the header */

	const struct ui_view *view;
	void *view_private[UI_VIEW_COUNT]; /* ui_view_private */

	/* The status line's message ("" none). It belongs to the action that
	 * set it: another action beginning (a dialog, a prompt, a form) clears
	 * it, and the action ending replaces it (ui_message_end). */
	char message[512];
	bool message_error;
	const void *message_owner; /* ui_message_as's owner, NULL for ui_message */

	unsigned spinner;
	bool quit;
	int exit_status; /* 128 + the signal that ended the browser, or 0 */
	struct ui_theme *theme;
	bool mono; /* NO_COLOR or no colours: attributes only */

	struct ui_dialog *dialog;   /* a modal box, or NULL */
	struct ui_prompt *prompt;   /* a line being typed in the status line, or NULL */
	struct ui_scans *scans;     /* the full and side scans (scans.c) */
	struct ui_jobs *jobs;       /* running and queued actions (jobs.c) */
	struct ui_deleter *deleter; /* a running delete (delete_key.c), or NULL */
};

/* ---- shared by the views (view.c) ---- */

/* Sets the status-line message (printf style); `error` picks the role. */
void ui_message(struct ui *ui, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same for an action that ends later: ui_message_end(ui, owner) then
 * clears it, unless another message replaced it meanwhile. */
void ui_message_as(struct ui *ui, const void *owner, bool error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ui_message_end(struct ui *ui, const void *owner);
/* A new action begins: the last one's message goes. */
void ui_message_clear(struct ui *ui);

/* Switches views (calls the new view's open). */
void ui_switch(struct ui *ui, const struct ui_view *view);
/* The same by id: a view switches to another without naming its table. */
void ui_switch_to(struct ui *ui, enum ui_view_id id);
/* The view with that id (registered by app.c at start). */
const struct ui_view *ui_view_get(enum ui_view_id id);
/* app.c hands over every view's table once, before the first switch. */
void ui_views_register(const struct ui_view *const views[UI_VIEW_COUNT]);

/* The view's own state (private_size bytes, zeroed on first use). */
void *ui_view_private(struct ui *ui, const struct ui_view *view);
/* Closes every view's state (the browser ends). */
void ui_views_free(struct ui *ui);

/* Dispatches `ch` through a binding table after the user's rebindings
 * (keymap.h); UI_REACT_NONE if no binding. */
int ui_dispatch(struct ui *ui, const struct ui_binding *table, int ch, bool *handled);

/* The cursor keys' actions, one for every view: they move the current
 * view's cursor (its `cursor` op). */
int ui_act_up(struct ui *ui);
int ui_act_down(struct ui *ui);
int ui_act_page_up(struct ui *ui);
int ui_act_page_down(struct ui *ui);
int ui_act_home(struct ui *ui);
int ui_act_end(struct ui *ui);
/* Their ten rows, as every view that scrolls binds them (Up k, Down j,
 * PgUp, PgDn, Home g, End G): `up`, `down`, `home` and `end` are help's
 * words for the moves that differ from view to view. */
/* clang-format off */
#define UI_CURSOR_BINDINGS(up, down, home, end)                                   \
	{KEY_UP, "up", up, ui_act_up},                                            \
	{'k', "up", NULL, ui_act_up},                                             \
	{KEY_DOWN, "down", down, ui_act_down},                                    \
	{'j', "down", NULL, ui_act_down},                                         \
	{KEY_PPAGE, "page-up", "page up", ui_act_page_up},                        \
	{KEY_NPAGE, "page-down", "page down", ui_act_page_down},                  \
	{KEY_HOME, "home", home, ui_act_home},                                    \
	{'g', "home", NULL, ui_act_home},                                         \
	{KEY_END, "end", end, ui_act_end},                                        \
	{'G', "end", NULL, ui_act_end}
/* The four rows of a view that goes back where it came from (Esc, q, h,
 * Left), `what` being help's words for it and `act` the view's own step. */
#define UI_BACK_BINDINGS(what, act)                                               \
	{27, "back", what, act},                                                  \
	{'q', "back", NULL, act},                                                 \
	{'h', "back", NULL, act},                                                 \
	{KEY_LEFT, "back", NULL, act}
/* clang-format on */

/* ---- drawing helpers (draw.c) ---- */

/* Writes `s` at y,x fitted into `width` columns (printable, cut with an
 * ellipsis, padded with spaces) in the role's attribute. */
void ui_put(int y, int x, int width, const char *s, attr_t attr, int cut_middle);
/* Appends `s` to `rows` (strings, owned) as rows of `width` columns cut at
 * word boundaries (a word longer than a row is cut where the row ends):
 * the dialogs and the log pane show whole lines this way. */
void ui_wrap(struct vs_vec *rows, const char *s, int width);
/* Right-aligned variant. */
void ui_put_right(int y, int x, int width, const char *s, attr_t attr);
/* Clears a line to its end in the given attribute. */
void ui_fill_line(int y, attr_t attr);

/* The spinner's frame now (a busy task turns it). */
const char *ui_spinner(const struct ui *ui);
/* The header (line 0) and status line (last line), shared by views. */
void ui_draw_header(struct ui *ui);
void ui_draw_status(struct ui *ui, const char *keys);
/* The status line with its reminder built from `table` as bound now
 * (ui_keymap_hint). */
void ui_draw_hint(struct ui *ui, const struct ui_binding *table, const struct ui_hint *hints);

/* ---- dialogs (dialog.c) ---- */

/* Opens a dialog (replacing any open one); the dialog owns `data`. */
struct ui_dialog *ui_dialog_open(struct ui *ui, const char *title, const struct ui_choice *choices,
				 size_t n_choices, void *data, void (*free_data)(void *));
void ui_dialog_line(struct ui_dialog *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_dialog_close(struct ui *ui);
/* Closes a dialog whose lasts_while went false (the action it asks about
 * ended, so the next key is not eaten by a stale question); true if so. */
bool ui_dialog_expire(struct ui *ui);
int ui_dialog_key(struct ui *ui, int ch);
void ui_dialog_draw(const struct ui *ui);

/* Asks for a line of text; `done` gets it on Enter (Esc cancels). */
void ui_prompt_open(struct ui *ui, const char *label, const char *initial,
		    int (*done)(struct ui *ui, const char *text, void *data), void *data,
		    void (*free_data)(void *));
void ui_prompt_close(struct ui *ui);
int ui_prompt_key(struct ui *ui, int ch);
void ui_prompt_draw(const struct ui *ui);

/* ---- actions (jobs.c) ---- */

/* Runs the job now, or after the ones already queued; takes ownership.
 * `rescan` says whether its paths are looked at again when it ends. */
void ui_job_submit(struct ui *ui, struct act_job *job);
/* The log pane, Esc and the rest: the task ui_jobs_task (task.h). */

/* The list's action keys (actions_keys.c). */
int ui_act_clear(struct ui *ui);
int ui_act_upgrade(struct ui *ui);
int ui_act_activate(struct ui *ui);
int ui_act_freeze(struct ui *ui);
int ui_act_delete(struct ui *ui);
int ui_act_gitignore(struct ui *ui);

/* The envs an action applies to: in the details view its env; in the list
 * the marked ones, else the selected one (borrowed pointers; *out is owned
 * by the caller). */
size_t ui_targets(struct ui *ui, struct venv ***out);
/* The one env an action on one env applies to: the details view's, else
 * the selected row's (NULL: none). */
struct venv *ui_target_env(struct ui *ui);

/* A delete running on its own thread is the task ui_delete_task (task.h). */

extern const struct ui_view ui_create_view;
/* Opens the rebuild form for the env at `path` (its row in the model). */
void ui_rebuild_open(struct ui *ui, const char *path);
int ui_act_rebuild(struct ui *ui);
/* Fills the create form to re-create the env at `path` (--clear). */
void ui_create_prefill(struct ui *ui, const char *path);

/* ---- scans (scans.c) ---- */

/* The scan of the roots the user gave (or the default places). */
int ui_scan_start_full(struct ui *ui, struct vs_err *err);
/* Drops every row and scans everything again (R); the caller shows the
 * list. */
void ui_scan_restart_all(struct ui *ui);
/* Quitting: cancels the scans and waits for their threads at most
 * `timeout_ms`; false when one is still running then (stuck in a system
 * call), and the process should leave without freeing them. */
bool ui_scans_stop(struct ui *ui, int timeout_ms);
/* Looks at these env folders again (after an action, or r): rows are
 * replaced, added, or dropped when the folder is no longer an env. */
void ui_scan_paths(struct ui *ui, char *const *paths, size_t n);
/* r: looks at `v` again, saying so in the status line (NULL: nothing). */
void ui_scan_rescan(struct ui *ui, const struct venv *v);
/* The full scan's counters (live while it runs, the final ones after);
 * true while it runs. The tasks are ui_scan_task and ui_side_task. */
bool ui_scan_progress(const struct ui *ui, struct scan_progress *out);

/* ---- the views' entry points ---- */

/* The details of the env with this model id. */
void ui_detail_show(struct ui *ui, size_t id);
/* The help, over the view showing now (Esc goes back to it). */
void ui_help_show(struct ui *ui);
/* C: the caches view (caches_view.c); c: the create form (create_view.c);
 * D: the duplicates (dupes_view.c). */
int ui_act_caches(struct ui *ui);
int ui_act_create(struct ui *ui);
int ui_act_dupes(struct ui *ui);
/* Appends to `out` the caches the env `v` is hard-linked from ("the uv
 * cache ~/.cache/uv"), as the caches view last measured them; false when
 * they were never measured (nothing is known). */
struct strbuf;
bool ui_caches_holding(const struct ui *ui, const struct venv *v, struct strbuf *out);
/* How many times the caches were measured: what ui_caches_holding says
 * changes only when this does. */
unsigned long ui_caches_generation(const struct ui *ui);
/* P: the Pythons view; p: the same with the cursor on the selected env's
 * base interpreter (a message when it is gone or not found). pythons_view.c */
int ui_act_pythons(struct ui *ui);
int ui_act_env_python(struct ui *ui);
/* T: the next built-in theme (theme_key.c). */
int ui_cycle_theme(struct ui *ui);
/* Loads the theme the options name, or mono with NO_COLOR (theme_key.c). */
int ui_theme_pick(struct ui *ui, bool *mono, struct vs_err *err);

/* The name a row shows, venv_shown_name() as a string the caller frees. */
char *ui_display_name(const struct venv *v);

#endif
