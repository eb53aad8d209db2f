/* scan/eol: CPython's calendar as of a given day. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "scan/eol.h"

/* Noon UTC of y-m-d. */
static time_t day(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	return timegm(&tm);
}

static void expect(const char *v, time_t now, const char *word, const char *date)
{
	struct scan_python_life l = scan_python_life(v, now);

	if (word)
		assert_string_equal(scan_support_word(l.support), word);
	else
		assert_null(scan_support_word(l.support));
	if (date)
		assert_string_equal(l.eol_date, date);
	else
		assert_null(l.eol_date);
}

static void test_calendar(void **state)
{
	time_t today = day(2026, 12, 3);

	(void)state;
	expect("2.7.18", today, "eol", "2020-04-20");
	expect("3.7.17", today, "eol", "2023-06-27");
	expect("3.8.20", today, "eol", "2024-10-07");
	expect("3.9.18", today, "eol", "2025-10-31");
	expect("3.10.14", today, "eol", "2026-10");
	expect("3.11.2", today, "security", "2027-10");
	expect("3.12.1", today, "security", "2028-10");
	expect("3.13.0", today, "security", "2029-10");
	expect("3.14.0rc1", today, "bugfix", "2030-10");
	expect("3.5.10", today, "eol", NULL);
	expect("3.99", today, NULL, NULL);
	expect(NULL, today, NULL, NULL);
	expect("pypy", today, NULL, NULL);
}

static void test_boundaries(void **state)
{
	(void)state;
	/* An exact date is reached the day after. */
	expect("3.8", day(2024, 10, 7), "security", "2024-10-07");
	expect("3.8", day(2024, 10, 8), "eol", "2024-10-07");
	/* A month is reached after its last day. */
	expect("3.10", day(2026, 10, 31), "security", "2026-10");
	expect("3.10", day(2026, 11, 1), "eol", "2026-10");
	expect("3.13", day(2025, 6, 1), "bugfix", "2029-10");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_boundaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
