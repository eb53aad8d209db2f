/* util/version: the dotted comparison used to sort Pythons and to pick
 * pip's rules (pip/pep440.h is tested on its own). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/version.h"

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

static void test_cmp(void **state)
{
	(void)state;
	assert_int_equal(sign(vs_version_cmp("3.9.18", "3.10.1")), -1);
	assert_int_equal(sign(vs_version_cmp("3.10.1", "3.9.18")), 1);
	assert_int_equal(sign(vs_version_cmp("3.11.7", "3.11.7")), 0);
	assert_int_equal(sign(vs_version_cmp("3.10", "3.10.1")), -1);
	assert_int_equal(sign(vs_version_cmp("3.13.0rc1", "3.13.0")), 1);
	assert_int_equal(sign(vs_version_cmp("3.12", "pypy")), -1);
	assert_int_equal(sign(vs_version_cmp("", "")), 0);
	assert_int_equal(sign(vs_version_cmp("", "3")), -1);
}

static void test_major_minor(void **state)
{
	int ma, mi;

	(void)state;
	vs_version_major_minor("3.11.7", &ma, &mi);
	assert_int_equal(ma, 3);
	assert_int_equal(mi, 11);
	vs_version_major_minor("24.2.dev0", &ma, &mi);
	assert_int_equal(ma, 24);
	assert_int_equal(mi, 2);
	vs_version_major_minor("24", &ma, &mi);
	assert_int_equal(ma, 0);
	assert_int_equal(mi, 0);
	vs_version_major_minor(NULL, &ma, &mi);
	assert_int_equal(ma, 0);
	assert_true(vs_version_at_least(24, 2, 24, 2));
	assert_true(vs_version_at_least(24, 10, 24, 2));
	assert_true(vs_version_at_least(25, 0, 24, 2));
	assert_false(vs_version_at_least(24, 1, 24, 2));
	assert_false(vs_version_at_least(23, 9, 24, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_major_minor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
