/* The config file's parser (cli/config.c): every key, the errors each
 * naming FILE:LINE with the rest of the file still applied, the state
 * file's narrower set of keys, the command line over both, and the
 * columns list (ui/layout.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "cli/options.h"
#include "scan/sort.h"
#include "ui/layout.h"

static int parse(struct cli_settings *s, enum cli_src src, const char *text)
{
	return cli_settings_parse(s, src, "cfg", text, strlen(text));
}

static void test_every_key(void **state)
{
	struct cli_settings s;
	const struct cli_bind *b;

	(void)state;
	setenv("HOME", "/home/u", 1);
	cli_settings_init(&s);
	assert_int_equal(parse(&s, CLI_SRC_FILE,
			       "# comment\n"
			       "\n"
			       "roots = /a:~/b\n"
			       "  roots=/c  \n"
			       "exclude = node_modules\n"
			       "exclude = *.cache\n"
			       "depth = 4\n"
			       "stale-days = 30\n"
			       "threads = 3\n"
			       "theme = light\n"
			       "sort = name\n"
			       "reverse = yes\n"
			       "columns = name, size path\n"
			       "size-mode = disk\n"
			       "bind b shell\n"
			       "bind\tEnd  last-row\r\n"),
			 0);
	assert_int_equal(s.roots.n, 3);
	assert_string_equal(s.roots.v[0], "/a");
	assert_string_equal(s.roots.v[1], "/home/u/b");
	assert_string_equal(s.roots.v[2], "/c");
	assert_int_equal(((const struct cli_origin *)s.roots_at.v[2])->line, 4);
	assert_int_equal(s.excludes.n, 2);
	assert_string_equal(s.excludes.v[1], "*.cache");
	assert_int_equal(s.depth, 4);
	assert_int_equal(s.stale_days, 30);
	assert_int_equal(s.threads, 3);
	assert_string_equal(s.theme, "light");
	assert_int_equal(s.sort, SCAN_SORT_NAME);
	assert_true(s.reverse);
	assert_string_equal(s.columns, "name, size path");
	assert_true(s.disk);
	assert_int_equal(s.at[CLI_KEY_SIZE_MODE].src, CLI_SRC_FILE);
	assert_int_equal(s.at[CLI_KEY_SIZE_MODE].line, 14);
	assert_int_equal(s.at[CLI_KEY_STALE_DAYS].line, 8);
	assert_int_equal(s.binds.n, 2);
	b = s.binds.v[1];
	assert_string_equal(b->key, "End");
	assert_string_equal(b->action, "last-row");
	assert_int_equal(b->line, 16);
	assert_int_equal(s.errors.n, 0);
	cli_settings_free(&s);
}

/* Each bad line is one error naming the file and its line; the good lines
 * around them still count. */
static void test_bad_lines_named_rest_applied(void **state)
{
	static const char *const want[] = {
		"cfg:1: unknown key 'colour'",
		"cfg:2: depth wants a number of levels (0 or more), not 'deep'",
		"cfg:4: 'stale-days 3' is not 'key = value' (no '=')",
		"cfg:5: bind wants a KEY and an ACTION: 'bind KEY ACTION'",
		"cfg:6: bind wants a KEY and an ACTION: 'bind KEY ACTION'",
		"cfg:7: threads wants a number from 1 to 1024, not '0'",
		"cfg:8: size-mode wants apparent or disk, not 'blocks'",
		"cfg:9: sort wants one of size, name, age, used, python, path; not 'colour'",
		"cfg:10: reverse wants yes or no, not 'maybe'",
		"cfg:11: roots: an empty path (two ':' in a row, or one at an end)",
		"cfg:12: theme: no value after '='",
		"cfg:13: a value with no key before '='",
		"cfg:14: stale-days wants a number of days (0 or more), not '-1'",
	};
	struct cli_settings s;

	(void)state;
	cli_settings_init(&s);
	assert_int_equal(parse(&s, CLI_SRC_FILE,
			       "colour = red\n"
			       "depth = deep\n"
			       "sort = age\n"
			       "stale-days 3\n"
			       "bind x\n"
			       "bind a b c\n"
			       "threads = 0\n"
			       "size-mode = blocks\n"
			       "sort = colour\n"
			       "reverse = maybe\n"
			       "roots = /a::/b\n"
			       "theme =\n"
			       "= 3\n"
			       "stale-days = -1\n"
			       "depth = 2"),
			 13);
	assert_int_equal(s.errors.n, 13);
	for (size_t i = 0; i < 13; i++)
		assert_string_equal(s.errors.v[i], want[i]);
	/* the good lines: sort on line 3, depth on the last line (no newline) */
	assert_int_equal(s.sort, SCAN_SORT_AGE);
	assert_int_equal(s.depth, 2);
	assert_int_equal(s.at[CLI_KEY_DEPTH].line, 15);
	/* the bad ones left the defaults */
	assert_int_equal(s.roots.n, 0);
	assert_int_equal(s.threads, 0);
	assert_int_equal(s.stale_days, SCAN_STALE_DAYS_DEFAULT);
	assert_false(s.disk);
	assert_false(s.reverse);
	assert_int_equal(s.binds.n, 0);
	cli_settings_free(&s);
}

/* The state file holds what the browser remembers, nothing else; it wins
 * over the config file. */
static void test_state_over_config(void **state)
{
	struct cli_settings s;

	(void)state;
	cli_settings_init(&s);
	parse(&s, CLI_SRC_FILE, "theme = light\nsort = name\nsize-mode = apparent\ndepth = 2\n");
	assert_int_equal(cli_settings_parse(&s, CLI_SRC_STATE, "st",
					    "theme = mono\nsort = path\nreverse = yes\n"
					    "size-mode = disk\ndepth = 5\nbind b shell\n",
					    strlen("theme = mono\nsort = path\nreverse = yes\n"
						   "size-mode = disk\ndepth = 5\nbind b shell\n")),
			 2);
	assert_string_equal(s.theme, "mono");
	assert_int_equal(s.sort, SCAN_SORT_PATH);
	assert_true(s.reverse);
	assert_true(s.disk);
	assert_int_equal(s.at[CLI_KEY_THEME].src, CLI_SRC_STATE);
	assert_int_equal(s.at[CLI_KEY_THEME].line, 1);
	assert_int_equal(s.depth, 2); /* not the state's */
	assert_int_equal(s.at[CLI_KEY_DEPTH].src, CLI_SRC_FILE);
	assert_string_equal(s.errors.v[0],
			    "st:5: depth is not a remembered setting (it belongs in the config)");
	assert_string_equal(s.errors.v[1], "st:6: bind lines belong in the config file, not here");
	assert_string_equal(s.state_file, "st");
	assert_string_equal(s.config_file, "cfg");
	cli_settings_free(&s);
}

/* Flags win; --exclude adds to the file's; ROOTs replace the file's. */
static void test_command_line_wins(void **state)
{
	char *argv[] = {"venvscope", "--depth",   "1", "--sort", "age", "--exclude",
			"x*",        "--threads", "2", "/r",     NULL};
	struct cli_settings s;
	struct cli_opts o;
	struct vs_err err = {0};

	(void)state;
	cli_settings_init(&s);
	parse(&s, CLI_SRC_FILE,
	      "roots = /a\nexclude = y*\ndepth = 4\nsort = name\nthreads = 8\nstale-days = 9\n");
	assert_int_equal(cli_parse_opts(&o, 10, argv, CLI_OPT_SORT | CLI_OPT_CONFIG, &err), 0);
	assert_int_equal(cli_settings_from_opts(&s, &o, &err), 0);
	assert_int_equal(s.req.n_roots, 1);
	assert_string_equal(s.req.roots[0], "/r");
	assert_int_equal(s.req.n_excludes, 2);
	assert_string_equal(s.req.excludes[0], "y*");
	assert_string_equal(s.req.excludes[1], "x*");
	assert_int_equal(s.req.max_depth, 1);
	assert_int_equal(s.req.threads, 2);
	assert_int_equal(s.req.stale_days, 9);
	assert_int_equal(s.sort, SCAN_SORT_AGE);
	assert_int_equal(s.at[CLI_KEY_SORT].src, CLI_SRC_FLAG);
	assert_int_equal(s.at[CLI_KEY_STALE_DAYS].src, CLI_SRC_FILE);
	assert_false(s.default_roots);
	cli_opts_free(&o);
	cli_settings_free(&s);
}

static void test_columns(void **state)
{
	bool off[UI_COL_COUNT];
	char bad[16];

	(void)state;
	assert_int_equal(ui_layout_parse_columns(off, "size,path  age", bad, sizeof(bad)), 0);
	assert_false(off[UI_COL_NAME]); /* always shown */
	assert_false(off[UI_COL_SIZE]);
	assert_false(off[UI_COL_PATH]);
	assert_false(off[UI_COL_AGE]);
	assert_true(off[UI_COL_KIND]);
	assert_true(off[UI_COL_PKGS]);
	assert_int_equal(ui_layout_parse_columns(off, "size,colour", bad, sizeof(bad)), -1);
	assert_string_equal(bad, "colour");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_bad_lines_named_rest_applied),
		cmocka_unit_test(test_state_over_config),
		cmocka_unit_test(test_command_line_wins),
		cmocka_unit_test(test_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
