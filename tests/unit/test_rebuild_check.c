/* act_rebuild_compare and act_rebuild_tools: what a rebuild says about
 * the new env's freeze against its recipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "actions/rebuild_check.h"

static void test_same_but_pip(void **state)
{
	/* pip 23.0 wrote the first, pip 24.2 the second: the same packages. */
	const char *old = "alpha @ file:///w/alpha-1.0-py3-none-any.whl\n"
			  "Beta_Pkg==2.5\n"
			  "setuptools==56.0.0\n";
	const char *now = "alpha @ file:///w/alpha-1.0-py3-none-any.whl#sha256=5851323a\n"
			  "beta-pkg==2.5\n";

	(void)state;
	assert_null(act_rebuild_compare(old, now));
}

static void test_differs(void **state)
{
	char *d;

	(void)state;
	d = act_rebuild_compare("alpha==1.0\nbeta==2.0\n", "alpha==1.1\nbeta==2.0\n");
	assert_non_null(d);
	assert_string_equal(d, "missing: alpha==1.0; new: alpha==1.1");
	free(d);
	/* Another file is another package, hash or not. */
	d = act_rebuild_compare("a @ file:///x/a-1.whl\n", "a @ file:///y/a-1.whl#sha256=00\n");
	assert_string_equal(d, "missing: a @ file:///x/a-1.whl; new: a @ file:///y/a-1.whl#sha256=00");
	free(d);
}

static void test_tools(void **state)
{
	struct scan_package items[] = {
		{.name = "wheel", .version = "0.38.4", .canonical = "wheel"},
		{.name = "alpha", .version = "1.0", .canonical = "alpha"},
		{.name = "pip", .version = "23.0.1", .canonical = "pip"},
		{.name = "setuptools", .version = "56.0.0", .canonical = "setuptools"},
	};
	struct scan_pkg_list l = {.items = items, .n = 4};
	char *t;

	(void)state;
	t = act_rebuild_tools(&l);
	assert_string_equal(t, "pip 23.0.1, setuptools 56.0.0, wheel 0.38.4");
	free(t);
	l.items = &items[1];
	l.n = 1;
	assert_null(act_rebuild_tools(&l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_but_pip),
		cmocka_unit_test(test_differs),
		cmocka_unit_test(test_tools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
