/* Theme files: every shipped theme parses and sets every role; bad lines
 * are named by file and line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/fixture.h"
#include "ui/theme.h"

static void test_shipped_themes_set_every_role(void **state)
{
	const char *const *names = ui_theme_names();
	const char *want[] = {"default", "light", "mono", "high-contrast"};

	(void)state;
	assert_string_equal(names[0], "default");
	for (size_t w = 0; w < 4; w++) {
		struct ui_theme *t = NULL;
		struct vs_err err = {0};

		assert_int_equal(ui_theme_load(&t, want[w], &err), 0);
		for (int r = 0; r < UI_ROLE_COUNT; r++)
			if (!t->roles[r].set)
				fail_msg("theme %s does not set role %s", want[w], ui_role_name(r));
		ui_theme_free(t);
	}
}

static void test_parse_values(void **state)
{
	struct ui_theme *t = NULL;
	struct vs_err err = {0};
	const char *text = "# comment\n\n  color header black bright-cyan bold underline # trailing\n"
			   "color broken 196 default\ncolor stale color3 -1 dim\n";

	(void)state;
	assert_int_equal(ui_theme_parse(&t, text, "x", &err), 0);
	assert_int_equal(t->roles[UI_ROLE_HEADER].fg, 0);
	assert_int_equal(t->roles[UI_ROLE_HEADER].bg, 14);
	assert_int_equal(t->roles[UI_ROLE_HEADER].attrs, UI_ATTR_BOLD | UI_ATTR_UNDERLINE);
	assert_int_equal(t->roles[UI_ROLE_BROKEN].fg, 196);
	assert_int_equal(t->roles[UI_ROLE_BROKEN].bg, UI_COLOR_DEFAULT);
	assert_int_equal(t->roles[UI_ROLE_STALE].fg, 3);
	assert_int_equal(t->roles[UI_ROLE_STALE].attrs, UI_ATTR_DIM);
	assert_false(t->roles[UI_ROLE_ROW].set);
	ui_theme_free(t);
}

static void expect_error(const char *text, const char *words)
{
	struct ui_theme *t = NULL;
	struct vs_err err = {0};

	assert_int_equal(ui_theme_parse(&t, text, "themes/mine", &err), VS_EUSAGE);
	assert_null(t);
	if (!strstr(err.msg, words))
		fail_msg("'%s' does not say '%s'", err.msg, words);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("color row default default\ncolor header purpel default\n",
		     "themes/mine:2: unknown colour 'purpel'");
	expect_error("colour row red blue\n", "themes/mine:1: unknown command 'colour'");
	expect_error("color rows red blue\n", "themes/mine:1: unknown role 'rows'");
	expect_error("color row red\n", "themes/mine:1: 'color' wants");
	expect_error("color row red blue shiny\n", "themes/mine:1: unknown attribute 'shiny'");
	expect_error("color row 256 blue\n", "unknown colour '256'");
}

static void test_load_by_path_and_unknown_name(void **state)
{
	char *d = fx_tmpdir();
	char *p = fx_path(d, "mytheme");
	struct ui_theme *t = NULL;
	struct vs_err err = {0};

	(void)state;
	fx_write(d, "mytheme", "color row red default\n", (size_t)-1);
	assert_int_equal(ui_theme_load(&t, p, &err), 0);
	assert_int_equal(t->roles[UI_ROLE_ROW].fg, 1);
	ui_theme_free(t);
	assert_int_equal(ui_theme_load(&t, "nosuch", &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "unknown theme 'nosuch'"));
	assert_non_null(strstr(err.msg, "high-contrast"));
	fx_write(d, "broken", "color row red\n", (size_t)-1);
	free(p);
	p = fx_path(d, "broken");
	assert_int_equal(ui_theme_load(&t, p, &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, p));
	assert_non_null(strstr(err.msg, ":1:"));
	/* $VENVSCOPE_THEMES overrides the built-in copy of a name. */
	setenv("VENVSCOPE_THEMES", d, 1);
	fx_write(d, "light", "color row green default\n", (size_t)-1);
	assert_int_equal(ui_theme_load(&t, "light", &err), 0);
	assert_int_equal(t->roles[UI_ROLE_ROW].fg, 2);
	ui_theme_free(t);
	unsetenv("VENVSCOPE_THEMES");
	fx_rmtree(d);
	free(p);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes_set_every_role),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_load_by_path_and_unknown_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
