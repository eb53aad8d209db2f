/* util/path path_expand_tilde and path_resolve_typed: a typed path follows
 * the shell's rules for a leading ~ and ~user (the truth: getpwuid and
 * getpwnam, as the shell asks them), and a relative one is taken from the
 * base folder given, never left relative. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"
#include "util/path.h"

static char *resolved(const char *typed, const char *base)
{
	struct vs_err err = {0};
	char *out = NULL;

	assert_int_equal(path_resolve_typed(&out, typed, base, &err), 0);
	assert_non_null(out);
	return out;
}

static void tilde_is_home(void **state)
{
	char *out;

	(void)state;
	setenv("HOME", "/home/someone", 1);
	out = resolved("~/code/newproj/.venv", "/elsewhere");
	assert_string_equal(out, "/home/someone/code/newproj/.venv");
	free(out);
	out = resolved("~", "/elsewhere");
	assert_string_equal(out, "/home/someone");
	free(out);
	/* A "~" that is not first is a name like any other. */
	out = resolved("a/~/b", "/base");
	assert_string_equal(out, "/base/a/~/b");
	free(out);
}

static void tilde_without_home_asks_passwd(void **state)
{
	struct passwd *pw = getpwuid(getuid());
	char *out;

	(void)state;
	assert_non_null(pw);
	unsetenv("HOME");
	out = resolved("~/x", "/base");
	char *want = path_join(pw->pw_dir, "x");
	assert_string_equal(out, want);
	free(want);
	free(out);
	setenv("HOME", "", 1);
	out = resolved("~", "/base");
	assert_string_equal(out, pw->pw_dir);
	free(out);
}

static void tilde_user(void **state)
{
	struct passwd *pw = getpwnam("root");
	struct vs_err err = {0};
	char *out = NULL, *want;

	(void)state;
	assert_non_null(pw);
	setenv("HOME", "/home/someone", 1);
	out = resolved("~root/req.txt", "/base");
	want = path_join(pw->pw_dir, "req.txt");
	assert_string_equal(out, want);
	free(want);
	free(out);
	out = NULL;
	assert_int_equal(path_resolve_typed(&out, "~no-such-user-xq/x", "/base", &err), VS_EUSAGE);
	assert_null(out);
	assert_non_null(strstr(err.msg, "~no-such-user-xq/x"));
	assert_non_null(strstr(err.msg, "no such user"));
	/* Expansion alone keeps a relative path relative. */
	assert_int_equal(path_expand_tilde(&out, "rel/x", &err), 0);
	assert_string_equal(out, "rel/x");
	free(out);
}

static void relative_takes_base(void **state)
{
	struct vs_err err = {0};
	char *out = NULL, *cwd = getcwd(NULL, 0), *want;

	(void)state;
	out = resolved("proj/./.venv/", "/start/here");
	assert_string_equal(out, "/start/here/proj/.venv");
	free(out);
	out = resolved("/abs//x", "/start/here");
	assert_string_equal(out, "/abs/x");
	free(out);
	out = resolved("y", NULL);
	want = path_join(cwd, "y");
	assert_string_equal(out, want);
	free(want);
	free(out);
	free(cwd);
	out = NULL;
	assert_int_equal(path_resolve_typed(&out, "", "/b", &err), VS_EUSAGE);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tilde_is_home),
		cmocka_unit_test(tilde_without_home_asks_passwd),
		cmocka_unit_test(tilde_user),
		cmocka_unit_test(relative_takes_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
