/* CPython's release calendar. Dates are from the release PEPs and the
 * devguide's status page; a month where only the month is announced. */
#include "eol.h"

#include <stdio.h>
#include <string.h>

#include "../util/version.h"

struct life_row {
	int major, minor;
	const char *bugfix_end; /* last day of bug fixes (YYYY-MM[-DD]) */
	const char *eol;        /* end of life (YYYY-MM[-DD]) */
};

static const struct life_row rows[] = {
	{2, 7, "2020-04-20", "2020-04-20"}, {3, 6, "2018-12-24", "2021-12-23"},
	{3, 7, "2020-06-27", "2023-06-27"}, {3, 8, "2021-05-03", "2024-10-07"},
	{3, 9, "2022-05-17", "2025-10-31"}, {3, 10, "2023-04-05", "2026-10"},
	{3, 11, "2024-04-02", "2027-10"},   {3, 12, "2025-04-08", "2028-10"},
	{3, 13, "2026-10", "2029-10"},      {3, 14, "2027-10", "2030-10"},
	{3, 15, "2028-10", "2031-10"},
};

/* "YYYY-MM-DD" -> yyyymmdd; "YYYY-MM" -> the last day of that month (31 is
 * enough to compare: no real date lies between the month's last day and
 * its 31st). */
static long date_key(const char *s)
{
	int y = 0, m = 0, d = 31;

	if (sscanf(s, "%d-%d-%d", &y, &m, &d) < 2)
		return 0;
	return (long)y * 10000 + m * 100 + d;
}

struct scan_python_life scan_python_life(const char *version, time_t now)
{
	struct scan_python_life life = {SCAN_SUPPORT_UNKNOWN, NULL};
	struct tm tm;
	long today;
	int major, minor;
	size_t i;

	vs_version_major_minor(version, &major, &minor);
	if (!version || (major == 0 && minor == 0))
		return life;
	if (!gmtime_r(&now, &tm))
		return life;
	today = (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (rows[i].major != major || rows[i].minor != minor)
			continue;
		life.eol_date = rows[i].eol;
		if (today > date_key(rows[i].eol))
			life.support = SCAN_SUPPORT_EOL;
		else if (today > date_key(rows[i].bugfix_end))
			life.support = SCAN_SUPPORT_SECURITY;
		else
			life.support = SCAN_SUPPORT_BUGFIX;
		return life;
	}
	if (major < 3 || (major == 3 && minor < 6))
		life.support = SCAN_SUPPORT_EOL;
	return life;
}

const char *scan_support_word(enum scan_support s)
{
	switch (s) {
	case SCAN_SUPPORT_BUGFIX:
		return "bugfix";
	case SCAN_SUPPORT_SECURITY:
		return "security";
	case SCAN_SUPPORT_EOL:
		return "eol";
	default:
		return NULL;
	}
}
