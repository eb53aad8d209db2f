/* Dotted version numbers as venvscope compares them outside pip's rules:
 * Python versions from pyvenv.cfg or an interpreter ("3.9.18", "3.13.0rc1")
 * and pip's major.minor. Never fails: any string has a place in the order.
 * PEP 440 proper (pre-releases before finals, epochs, local labels) is
 * pip/pep440.h, for what pip itself would compare. */
#ifndef VS_UTIL_VERSION_H
#define VS_UTIL_VERSION_H

#include <stdbool.h>

/* Compares a and b number by number ("3.9.18" < "3.10.1", "3.10" < "3.10.1");
 * from the first part that is not a number the rest compares as text
 * (strcmp), and a version with more after equal numbers sorts after
 * ("3.13.0rc1" > "3.13.0"). <0, 0 or >0. */
int vs_version_cmp(const char *a, const char *b);

/* The first two numbers of "X.Y..." ("3.11.7" -> 3, 11; "24.2.dev0" -> 24,
 * 2). 0, 0 when `v` is NULL or does not start with two numbers. */
void vs_version_major_minor(const char *v, int *major, int *minor);

/* major.minor >= want_major.want_minor. */
bool vs_version_at_least(int major, int minor, int want_major, int want_minor);

#endif
