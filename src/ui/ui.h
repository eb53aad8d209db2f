/* The full-screen browser. The only part of venvscope that draws. */
#ifndef VS_UI_UI_H
#define VS_UI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The browser's own options; what to scan comes in main's scan request. */
struct ui_settings {
	int sort; /* enum scan_sort */
	bool reverse;
	const char *theme;        /* NULL: "default" */
	bool default_roots;       /* the request's roots are "." and the central places */
	bool disk;                /* sizes as disk usage at start (`a`), else apparent */
	const char *visible_cols; /* the list's visible columns (ui_check_columns), NULL: all */
	/* Where the theme (T), the sort (s, S) and the size mode (a) are
	 * remembered when changed (actions/state.h), or NULL: nowhere. */
	const char *state_file;
	const char *message; /* for the status line at start (config errors), or NULL */
};

/* What the views read (ui->opts), set once by ui_run: main's scan request
 * (borrowed until ui_run returns) and the browser's own settings. */
struct scan_request;
struct ui_options {
	const struct scan_request *req;
	struct ui_settings set;
};

/* Whether a full-screen UI can run here: stdin and stdout are terminals and
 * TERM names a terminal that can address the cursor. When not, *why says
 * so in words. */
bool ui_terminal_usable(const char **why);

/* Checks that a theme name or path loads (0), or says why not (VS_EUSAGE,
 * naming the file and line) in err. */
struct vs_err;
int ui_check_theme(const char *name_or_path, struct vs_err *err);

/* Key bindings (app.c over keymap.c), for the config file's `bind KEY ACTION` lines,
 * called before ui_run. Binds the key spec `key` (a printable character,
 * Space, Enter, Esc, Tab, Backspace, Up, Down, Left, Right, Home, End,
 * PgUp, PgDn, Insert, Delete, F1-F12, ^A-^Z) to the action named `action`
 * ("delete", "shell", "end", ... as `venvscope --print-keys` lists them, or
 * "none": the key does nothing) in every view that has that action,
 * replacing what the key did there; the action keeps its other keys, and a
 * view without the action keeps the key's own meaning. A key bound twice
 * takes the last. 0, or VS_EUSAGE with a message naming the key and the
 * action in err (nothing changes then). */
int ui_keymap_bind(const char *key, const char *action, struct vs_err *err);
/* Forgets every rebinding. */
void ui_keymap_reset(void);
/* Writes the key tables (the defaults with the rebindings): "md" for
 * README's, "man" for the man page's. 0, or VS_EUSAGE for another format. */
int ui_keymap_print(FILE *out, const char *format, struct vs_err *err);

/* Checks a list of the list's columns ("name, size, path"; names:
 * name kind python size hlink share pkgs link git age flags path, split
 * by commas or spaces): 0, or VS_EUSAGE naming the unknown one in err. */
int ui_check_columns(const char *text, struct vs_err *err);

/* Runs the browser on the scan request `req` (borrowed until it returns)
 * until the user quits. Returns the exit code (0, or 2 for a bad theme or
 * root, with the reason on stderr after the screen is restored). Every
 * exit path restores the terminal. */
int ui_run(const struct scan_request *req, const struct ui_settings *set);

#endif
