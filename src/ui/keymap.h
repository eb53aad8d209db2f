/* The key bindings: every view's table maps keys to named actions, and a
 * user's rebindings (`bind KEY ACTION` in the config file) lie over them.
 * The dispatcher, the help screen, `venvscope --print-keys` (README's and
 * the man page's key tables) all read them here, so they cannot drift. */
#ifndef VS_UI_KEYMAP_H
#define VS_UI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ui.h"

struct ui;
struct vs_err;

/* One default binding. A view's table ends with a zero row. Every key of an
 * action carries the action's name (one name per action across views:
 * "down" is "down" everywhere); the first row of an action with a `help`
 * text is the one help lists, with all the keys the action has then; an
 * action without any help text is not listed. Enter is written '\n' ('\r'
 * and KEY_ENTER are read as it). */
struct ui_binding {
	int key;
	const char *name; /* the action's name, as `bind` takes it */
	const char *help; /* what it does, or NULL (listed once per action) */
	int (*action)(struct ui *ui);
};

/* The views whose keys the help, --print-keys and bind know, in help's
 * order. */
struct ui_keymap_section {
	const char *title; /* "In the list" */
	const struct ui_binding *table;
};
/* app.c hands over the sections (a static array) once, before any other
 * call here. */
void ui_keymap_register(const struct ui_keymap_section *s, size_t n);
/* The sections and how many in *n. */
const struct ui_keymap_section *ui_keymap_sections(size_t *n);

/* Parses a key spec into a key code: a printable character ("x", "G",
 * "?"), Space, Enter, Esc, Tab, Backspace, Up, Down, Left, Right, Home,
 * End, PgUp, PgDn, Insert, Delete, F1 to F12, or ^X for Ctrl-X (A to Z).
 * Names are read in any case. 0, or VS_EUSAGE with the reason in err. */
int ui_keymap_parse(const char *spec, int *out, struct vs_err *err);
/* How the key is written in a spec, and in help ("Up", "^R", "k"). */
void ui_keymap_key_name(int key, char *out, size_t size);

/* The binding `key` runs in `table` after the rebindings, or NULL. */
const struct ui_binding *ui_keymap_lookup(const struct ui_binding *table, int key);
/* The keys that run action `name` in `table` now, as help writes them
 * ("Down j"), into out; "" when none. */
void ui_keymap_label(const struct ui_binding *table, const char *name, char *out, size_t size);

/* One reminder of the status line: the first key each action of `actions`
 * (names, space-separated) has now, then `words`. A table of them ends with
 * a zero row. */
struct ui_hint {
	const char *actions; /* "up down" */
	const char *words;   /* "scroll" */
};
/* The status line's reminder for `table` after the rebindings (" Enter
 * details  / filter  ? help"), into out: Up and Down are written as arrows
 * run together ("↑↓"); an item none of whose actions has a key is left
 * out, so a rebinding shows and an unbound action is not offered. */
void ui_keymap_hint(const struct ui_binding *table, const struct ui_hint *hints, char *out,
		    size_t size);

/* ui_keymap_bind and ui_keymap_print (ui.h) once the tables are registered
 * (app.c registers them, then calls these). */
int ui_keymap_set(const char *key, const char *action, struct vs_err *err);
int ui_keymap_write(FILE *out, const char *format, struct vs_err *err);
/* ui_keymap_reset is in ui.h. */

#endif
