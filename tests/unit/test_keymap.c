/* The key bindings and the one list cursor: key specs, the rebindings the
 * config file's `bind KEY ACTION` lines make (ui_keymap_bind), what the
 * dispatcher then finds in each view's table, the tables as text, and the
 * moves of the shared cursor. No terminal: only tables and numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/app.h"
#include "ui/cursor.h"
#include "ui/keymap.h"
#include "util/err.h"

static int key(const char *spec)
{
	struct vs_err err = {0};
	int k = -1;

	assert_int_equal(ui_keymap_parse(spec, &k, &err), 0);
	return k;
}

/* The action `k` runs in the table, or "" when none. */
static const char *action(const struct ui_binding *table, int k)
{
	const struct ui_binding *b = ui_keymap_lookup(table, k);

	return b ? b->name : "";
}

static int reset(void **state)
{
	struct vs_err err = {0};
	FILE *null = fopen("/dev/null", "w");

	(void)state;
	/* The first print registers the views' tables, as in the program. */
	assert_int_equal(ui_keymap_print(null, "md", &err), 0);
	fclose(null);
	ui_keymap_reset();
	return 0;
}

static void test_specs(void **state)
{
	static const char *const canonical[] = {"x",     "G",    "?",      "/",         "Space",
						"Enter", "Esc",  "Tab",    "Backspace", "Up",
						"Down",  "Left", "Right",  "Home",      "End",
						"PgUp",  "PgDn", "Insert", "Delete",    "F1",
						"F12",   "^A",   "^R",     "^Z"};
	char name[32];

	(void)state;
	assert_int_equal(key("x"), 'x');
	assert_int_equal(key("Space"), ' ');
	assert_int_equal(key("enter"), '\n');
	assert_int_equal(key("ESC"), 27);
	assert_int_equal(key("^R"), 18);
	assert_int_equal(key("^r"), 18);
	assert_int_equal(key("^"), '^'); /* a lone ^ is the character */
	assert_int_not_equal(key("F1"), key("F12"));
	/* Each spec names a key that is written back the same way. */
	for (size_t i = 0; i < sizeof(canonical) / sizeof(*canonical); i++) {
		ui_keymap_key_name(key(canonical[i]), name, sizeof(name));
		assert_string_equal(name, canonical[i]);
	}
	/* Distinct specs, distinct keys. */
	for (size_t i = 0; i < sizeof(canonical) / sizeof(*canonical); i++)
		for (size_t j = i + 1; j < sizeof(canonical) / sizeof(*canonical); j++)
			assert_int_not_equal(key(canonical[i]), key(canonical[j]));
}

static void test_bad_specs(void **state)
{
	static const char *const bad[] = {"", "xy", "Foo", "F0", "F13", "F1x", "^1", " ", "^AB"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct vs_err err = {0};
		int k = 0;
		char want[32];

		assert_int_equal(ui_keymap_parse(bad[i], &k, &err), VS_EUSAGE);
		snprintf(want, sizeof(want), "'%s'", bad[i]);
		assert_non_null(strstr(err.msg, want));
	}
}

static void test_defaults(void **state)
{
	size_t n;
	const struct ui_keymap_section *s = ui_keymap_sections(&n);

	(void)state;
	assert_true(n >= 6);
	assert_string_equal(action(ui_list_bindings, 'b'), "shell");
	assert_string_equal(action(ui_list_bindings, 'i'), "info");
	assert_string_equal(action(ui_list_bindings, 'I'), "gitignore");
	assert_string_equal(action(ui_list_bindings, 'n'), "sort-name");
	assert_string_equal(action(ui_list_bindings, 'M'), "sort-used");
	assert_string_equal(action(ui_list_bindings, 'C'), "caches");
	assert_string_equal(action(ui_detail_bindings, 'i'), "info");
	assert_string_equal(action(ui_list_bindings, '\r'), "open"); /* Enter as a terminal sends it */
	/* G/End and g/Home everywhere a list scrolls, the help too. */
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(action(s[i].table, key("End")), "end");
		assert_string_equal(action(s[i].table, 'G'), "end");
		assert_string_equal(action(s[i].table, key("Home")), "home");
		assert_string_equal(action(s[i].table, 'g'), "home");
	}
}

/* One name per action: rows that run the same function have the same name,
 * every row has a name, and no key of a table is written twice (the second
 * would never run). */
static void test_tables_consistent(void **state)
{
	size_t n;
	const struct ui_keymap_section *s = ui_keymap_sections(&n);

	(void)state;
	for (size_t i = 0; i < n; i++)
		for (const struct ui_binding *a = s[i].table; a->action; a++) {
			assert_non_null(a->name);
			for (const struct ui_binding *b = a + 1; b->action; b++)
				assert_int_not_equal(a->key, b->key);
			for (size_t j = 0; j < n; j++)
				for (const struct ui_binding *b = s[j].table; b->action; b++)
					if (a->action == b->action)
						assert_string_equal(a->name, b->name);
		}
}

static void test_bind(void **state)
{
	struct vs_err err = {0};
	char label[64];

	(void)state;
	/* e deletes wherever there is a delete; d still does too. */
	assert_int_equal(ui_keymap_bind("e", "delete", &err), 0);
	assert_string_equal(action(ui_list_bindings, 'e'), "delete");
	assert_string_equal(action(ui_detail_bindings, 'e'), "delete");
	assert_string_equal(action(ui_list_bindings, 'd'), "delete");
	assert_string_equal(action(ui_caches_bindings, 'e'), ""); /* no delete there */
	ui_keymap_label(ui_list_bindings, "delete", label, sizeof(label));
	assert_string_equal(label, "d e");

	/* x takes over delete: in the list x no longer clears, and help's
	 * clear has no key left; the caches (no delete) keep x as clean. */
	assert_int_equal(ui_keymap_bind("x", "delete", &err), 0);
	assert_string_equal(action(ui_list_bindings, 'x'), "delete");
	assert_string_equal(action(ui_caches_bindings, 'x'), "clean");
	ui_keymap_label(ui_list_bindings, "clear", label, sizeof(label));
	assert_string_equal(label, "");
	ui_keymap_label(ui_list_bindings, "delete", label, sizeof(label));
	assert_string_equal(label, "x d e"); /* in the table's order */

	/* A key bound twice takes the last; ^E and F5 work as keys. */
	assert_int_equal(ui_keymap_bind("x", "freeze", &err), 0);
	assert_string_equal(action(ui_list_bindings, 'x'), "freeze");
	assert_int_equal(ui_keymap_bind("^E", "end", &err), 0);
	assert_int_equal(ui_keymap_bind("F5", "rescan-all", &err), 0);
	assert_string_equal(action(ui_help_bindings, 5), "end");
	assert_string_equal(action(ui_list_bindings, key("F5")), "rescan-all");
	/* Enter rebound: every form of it. */
	assert_int_equal(ui_keymap_bind("Enter", "mark", &err), 0);
	assert_string_equal(action(ui_list_bindings, '\r'), "mark");
	assert_string_equal(action(ui_dupes_bindings, '\n'), "open"); /* no mark there */

	/* none: the key does nothing anywhere. */
	assert_int_equal(ui_keymap_bind("q", "none", &err), 0);
	assert_string_equal(action(ui_list_bindings, 'q'), "");
	assert_string_equal(action(ui_detail_bindings, 'q'), "");

	ui_keymap_reset();
	assert_string_equal(action(ui_list_bindings, 'x'), "clear");
	assert_string_equal(action(ui_list_bindings, 'e'), "");
	assert_string_equal(action(ui_list_bindings, 'q'), "quit");
}

/* The status line's reminder follows the keys as bound now. */
static void test_hint(void **state)
{
	static const struct ui_hint list[] = {{"open", "details"},
					      {"help", "help"},
					      {"quit", "quit"},
					      {NULL, NULL}};
	static const struct ui_hint detail[] = {{"back back", "back"},
						{"up down", "scroll"},
						{"clear upgrade shell freeze delete gitignore",
						 "act on it"},
						{NULL, NULL}};
	struct vs_err err = {0};
	char hint[128];

	(void)state;
	ui_keymap_hint(ui_list_bindings, list, hint, sizeof(hint));
	assert_string_equal(hint, " Enter details  ? help  q quit");
	ui_keymap_hint(ui_detail_bindings, detail, hint, sizeof(hint));
	assert_string_equal(hint, " Esc q back  ↑↓ scroll  x u b f d I act on it");

	/* Rebound: ? does nothing, Z is help, q is gone, e deletes before d. */
	assert_int_equal(ui_keymap_bind("?", "none", &err), 0);
	assert_int_equal(ui_keymap_bind("Z", "help", &err), 0);
	assert_int_equal(ui_keymap_bind("q", "none", &err), 0);
	assert_int_equal(ui_keymap_bind("d", "none", &err), 0);
	assert_int_equal(ui_keymap_bind("e", "delete", &err), 0);
	ui_keymap_hint(ui_list_bindings, list, hint, sizeof(hint));
	assert_string_equal(hint, " Enter details  Z help");
	ui_keymap_hint(ui_detail_bindings, detail, hint, sizeof(hint));
	assert_string_equal(hint, " Esc h back  ↑↓ scroll  x u b f e I act on it");
}

static void test_bind_errors(void **state)
{
	struct vs_err err = {0};

	(void)state;
	assert_int_equal(ui_keymap_bind("e", "explode", &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "'explode'"));
	assert_non_null(strstr(err.msg, "bind e explode"));
	assert_non_null(strstr(err.msg, "delete")); /* it says what there is */
	assert_int_equal(ui_keymap_bind("Foo", "delete", &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "'Foo'"));
	assert_non_null(strstr(err.msg, "bind Foo delete"));
	/* A failed bind changes nothing. */
	assert_string_equal(action(ui_list_bindings, 'e'), "");
	assert_string_equal(action(ui_list_bindings, 'd'), "delete");
}

static char *print(const char *format)
{
	struct vs_err err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ui_keymap_print(f, format, &err), 0);
	fclose(f);
	return buf;
}

static void test_print(void **state)
{
	struct vs_err err = {0};
	char *md, *man;

	(void)state;
	assert_int_equal(ui_keymap_bind("e", "delete", &err), 0);
	md = print("md");
	man = print("man");
	assert_non_null(strstr(md, "**In the list**\n\n| key | action | what it does |\n"));
	assert_non_null(strstr(md, "| `d` `e` | `delete` |"));
	assert_non_null(strstr(md, "| `End` `G` | `end` |"));
	assert_non_null(strstr(man, ".SS \"In the help (?)\"\n"));
	assert_non_null(strstr(man, ".B \"d e\"\ndelete the marked"));
	assert_non_null(strstr(man, "(\\fIpage\\-down\\fR)"));
	assert_int_equal(ui_keymap_print(stdout, "html", &err), VS_EUSAGE);
	free(md);
	free(man);
}

static void test_cursor_list(void **state)
{
	struct ui_cursor c = {.count = 50, .height = 10};

	(void)state;
	ui_cursor_move(&c, UI_MOVE_END);
	assert_int_equal(c.pos, 49);
	assert_int_equal(c.top, 40);
	ui_cursor_move(&c, UI_MOVE_DOWN);
	assert_int_equal(c.pos, 49);
	ui_cursor_move(&c, UI_MOVE_PAGE_UP);
	assert_int_equal(c.pos, 40);
	ui_cursor_move(&c, UI_MOVE_UP);
	assert_int_equal(c.pos, 39);
	assert_int_equal(c.top, 39);
	ui_cursor_move(&c, UI_MOVE_HOME);
	assert_int_equal(c.pos, 0);
	assert_int_equal(c.top, 0);
	ui_cursor_move(&c, UI_MOVE_UP);
	assert_int_equal(c.pos, 0);
	ui_cursor_move(&c, UI_MOVE_PAGE_DOWN);
	assert_int_equal(c.pos, 9);
	assert_int_equal(c.top, 0);
	ui_cursor_move(&c, UI_MOVE_DOWN);
	assert_int_equal(c.top, 1);
	/* The rows shrink under it: it stays on the last, the screen full. */
	c.count = 5;
	ui_cursor_fit(&c);
	assert_int_equal(c.pos, 4);
	assert_int_equal(c.top, 0);
	c.count = 0;
	ui_cursor_move(&c, UI_MOVE_END);
	assert_int_equal(c.pos, 0);
	ui_cursor_move(&c, UI_MOVE_DOWN);
	assert_int_equal(c.pos, 0);
}

static void test_cursor_page(void **state)
{
	struct ui_cursor c = {.count = 100, .height = 20, .page = true};

	(void)state;
	ui_cursor_move(&c, UI_MOVE_END);
	assert_int_equal(c.top, 80); /* the last screen is full */
	ui_cursor_move(&c, UI_MOVE_DOWN);
	assert_int_equal(c.top, 80);
	ui_cursor_move(&c, UI_MOVE_PAGE_UP);
	assert_int_equal(c.top, 61);
	ui_cursor_move(&c, UI_MOVE_HOME);
	assert_int_equal(c.top, 0);
	ui_cursor_move(&c, UI_MOVE_PAGE_DOWN);
	assert_int_equal(c.top, 19);
	ui_cursor_move_by(&c, 1000);
	assert_int_equal(c.top, 80);
	ui_cursor_move_by(&c, -1000);
	assert_int_equal(c.top, 0);
	/* Shorter than the screen: nothing scrolls. */
	c.count = 7;
	ui_cursor_move(&c, UI_MOVE_END);
	assert_int_equal(c.top, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_specs, reset),
		cmocka_unit_test_setup(test_bad_specs, reset),
		cmocka_unit_test_setup(test_defaults, reset),
		cmocka_unit_test_setup(test_tables_consistent, reset),
		cmocka_unit_test_setup(test_bind, reset),
		cmocka_unit_test_setup(test_hint, reset),
		cmocka_unit_test_setup(test_bind_errors, reset),
		cmocka_unit_test_setup(test_print, reset),
		cmocka_unit_test(test_cursor_list),
		cmocka_unit_test(test_cursor_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
