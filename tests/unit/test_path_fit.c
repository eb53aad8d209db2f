/* util/path path_fit_name: the record and trash names of long env names
 * fit NAME_MAX, never end inside a UTF-8 character, and differ for two
 * paths that share their first bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/path.h"

static char *repeat(const char *unit, size_t n)
{
	size_t u = strlen(unit);
	char *s = malloc(u * n + 1);

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[u * n] = '\0';
	return s;
}

/* Valid UTF-8 all through (no character cut). */
static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : 3;

		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

static void test_short_unchanged(void **state)
{
	char *got = path_fit_name("venv", 200, "/x/venv");

	(void)state;
	assert_string_equal(got, "venv");
	free(got);
}

static void test_cut_with_hash(void **state)
{
	char *name = repeat("a", 300);
	char *one = path_fit_name(name, NAME_MAX - 16, "/p/one");
	char *two = path_fit_name(name, NAME_MAX - 16, "/p/two");
	size_t len = strlen(one);

	(void)state;
	assert_int_equal(len, NAME_MAX - 16);
	assert_int_equal(one[len - 9], '-');
	for (size_t i = len - 8; i < len; i++)
		assert_non_null(strchr("0123456789abcdef", one[i]));
	assert_string_not_equal(one, two);
	assert_memory_equal(one, name, len - 9);
	free(name);
	free(one);
	free(two);
}

static void test_utf8_boundary(void **state)
{
	static const char *const units[] = {"\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x90\x8d"};

	(void)state;
	for (size_t u = 0; u < 3; u++) {
		for (size_t max = 16; max < 80; max++) {
			char *name = repeat(units[u], 100);
			char *got = path_fit_name(name, max, name);

			assert_true(strlen(got) <= max);
			assert_true(valid_utf8(got));
			free(name);
			free(got);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_unchanged),
		cmocka_unit_test(test_cut_with_hash),
		cmocka_unit_test(test_utf8_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
