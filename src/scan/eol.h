/* The support status of a Python language version: CPython's release
 * calendar, built into the program (PEP 602 and the release PEPs), so no
 * network is needed. One table serves the env rows, the Pythons view and
 * the JSON keys python_eol, python_eol_date and python_support. */
#ifndef VS_SCAN_EOL_H
#define VS_SCAN_EOL_H

#include <stdbool.h>
#include <time.h>

enum scan_support {
	SCAN_SUPPORT_UNKNOWN,  /* not a version the table knows (or NULL) */
	SCAN_SUPPORT_BUGFIX,   /* still gets bug fixes (or is not released yet) */
	SCAN_SUPPORT_SECURITY, /* security fixes only */
	SCAN_SUPPORT_EOL,      /* reached its end of life */
};

struct scan_python_life {
	enum scan_support support;
	const char *eol_date; /* "2024-10-07" or, where only the month is
			       * announced, "2026-10"; static; NULL when unknown */
};

/* The status of the language version `version` ("3.8.18", "3.13", "2.7")
 * on the day `now` falls on (UTC). A date given as a month counts as
 * reached after that month's last day. Versions older than the table
 * (2.x below 2.7, 3.0-3.5) are EOL with no date; newer ones are unknown. */
struct scan_python_life scan_python_life(const char *version, time_t now);

/* "eol", "security", "bugfix", or NULL for unknown: the JSON words. */
const char *scan_support_word(enum scan_support s);

#endif
