/* util/percent: the one percent-encoder (pip's file:// URLs, the trash's
 * Path= lines). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "util/percent.h"

static void is(const char *in, const char *safe, const char *want)
{
	char *got = vs_percent_encode(in, safe);

	assert_string_equal(got, want);
	free(got);
}

static void test_encode(void **state)
{
	(void)state;
	is("/a b/\xc3\xbc~_.-", "/", "/a%20b/%C3%BC~_.-");
	is("/a b", NULL, "%2Fa%20b");
	is("/a b", "", "%2Fa%20b");
	is("", "/", "");
	is("100%+x?#", "/", "100%25%2Bx%3F%23");
	is("\x01\x7f\xff", "/", "%01%7F%FF");
	is("AZaz09", "/", "AZaz09");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
