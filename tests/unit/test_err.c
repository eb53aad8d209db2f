/* util/err: a message longer than its buffer keeps its reason (the end)
 * and both ends of the path; a short one is kept whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && memcmp(s + n - m, tail, m) == 0;
}

static void test_short_whole(void **state)
{
	struct vs_err e = {0};

	(void)state;
	assert_int_equal(vs_err_set(&e, VS_EUSAGE, "%s: %s", "/a/b", "no such folder"), VS_EUSAGE);
	assert_int_equal(e.code, VS_EUSAGE);
	assert_string_equal(e.msg, "/a/b: no such folder");
}

static void test_long_path_keeps_reason(void **state)
{
	struct vs_err e = {0};
	char path[3100];
	size_t n = 0;

	(void)state;
	while (n + 20 < sizeof(path)) {
		memcpy(path + n, "/dddddddddd", 11);
		n += 11;
	}
	memcpy(path + n, "/env", 5);
	vs_err_set(&e, VS_EUSAGE, "%s: not a virtual environment (it holds no pyvenv.cfg file)", path);
	assert_true(strlen(e.msg) < sizeof(e.msg));
	assert_true(ends_with(e.msg, "/env: not a virtual environment (it holds no pyvenv.cfg file)"));
	assert_true(strncmp(e.msg, "/dddddddddd/dddddddddd", 22) == 0);
	assert_non_null(strstr(e.msg, "..."));
}

/* An outer message made from an inner one (both long) still ends with the
 * inner reason. */
static void test_nested_keeps_reason(void **state)
{
	struct vs_err in = {0}, out = {0};
	char path[2000];

	(void)state;
	memset(path, 'x', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	vs_err_set(&in, VS_EFAIL, "%s/lib: Permission denied", path);
	vs_err_set(&out, VS_EFAIL, "%s: not deleted: %s", path, in.msg);
	assert_true(ends_with(out.msg, "/lib: Permission denied"));
	/* Formatting from its own message is fine. */
	vs_err_set(&out, VS_EFAIL, "cannot delete %s", out.msg);
	assert_true(ends_with(out.msg, "/lib: Permission denied"));
	assert_true(strncmp(out.msg, "cannot delete /xxx", 18) == 0);
}

/* The cut never splits a UTF-8 character. */
static void test_utf8_boundaries(void **state)
{
	char buf[16], s[64];

	(void)state;
	strcpy(s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9: reason");
	vs_err_fit(buf, sizeof(buf), s);
	assert_true(strlen(buf) < sizeof(buf));
	assert_true(ends_with(buf, ": reason"));
	for (size_t i = 0; buf[i]; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == 0xc3)
			assert_int_equal((unsigned char)buf[i + 1], 0xa9);
		if (c == 0xa9)
			assert_int_equal((unsigned char)buf[i - 1], 0xc3);
	}
	vs_err_fit(buf, 4, "abcdefgh");
	assert_string_equal(buf, "fgh");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_whole),
		cmocka_unit_test(test_long_path_keeps_reason),
		cmocka_unit_test(test_nested_keeps_reason),
		cmocka_unit_test(test_utf8_boundaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
