/* wildmatch: every case of git's own t/t3070-wildmatch.sh in its four
 * modes (wildmatch_cases.h), the "**" forms gitignore(5) describes, git's
 * case-folding quirks, and time: patterns that make a backtracking
 * matcher take minutes (git's "*a*a*...", the "**" x 12 + "zz"
 * against a path 60 folders deep) answer in milliseconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/strbuf.h"
#include "util/wildmatch.h"
#include "wildmatch_cases.h"

static void test_t3070(void **state)
{
	static const unsigned modes[4] = {VS_WM_PATHNAME, VS_WM_PATHNAME | VS_WM_CASEFOLD, 0,
					  VS_WM_CASEFOLD};
	static const char *const names[4] = {"wildmatch", "iwildmatch", "pathmatch", "ipathmatch"};
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(t3070_cases) / sizeof(*t3070_cases); i++) {
		const struct wm_case *c = &t3070_cases[i];
		const int want[4] = {c->glob, c->iglob, c->path, c->ipath};

		for (int m = 0; m < 4; m++) {
			bool got = vs_wildmatch(c->pattern, c->text, modes[m]);

			if (got != (want[m] == 1)) {
				print_error("%s '%s' '%s': got %d, git says %d\n", names[m], c->text,
					    c->pattern, got, want[m]);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

struct pm {
	const char *pattern, *text;
	bool want;
};

/* gitignore(5)'s "**" rules and the edges of the star runs. */
static void test_double_star(void **state)
{
	static const struct pm cases[] = {
		{"**/foo", "foo", true},
		{"**/foo", "a/b/foo", true},
		{"**/foo", "a/b/foox", false},
		{"abc/**", "abc/x/y", true},
		{"abc/**", "abc", false},
		{"abc/**", "abc/", true},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "ab", false},
		{"a/**\\/b", "a/b", false}, /* "\/" after "**": no zero folders */
		{"a/**\\/b", "a/x/b", true},
		{"a**/b", "ax/b", true}, /* not after a '/': one star */
		{"a**/b", "ax/y/b", false},
		{"**a", "x/a", false},
		{"***/x", "a/b/x", true},
		{"**", "a/b", true},
		{"**/", "a/", true},
		{"**/**/**/zz", "zz", true},
		{"*/", "a/", true},
		{"a/*", "a/b/c", false},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		if (vs_wildmatch(cases[i].pattern, cases[i].text, VS_WM_PATHNAME) != cases[i].want)
			fail_msg("'%s' on '%s': expected %d", cases[i].pattern, cases[i].text,
				 cases[i].want);
	}
}

/* git folds the text and unescaped pattern letters only. */
static void test_casefold_quirks(void **state)
{
	(void)state;
	assert_true(vs_wildmatch("ABC", "abc", VS_WM_CASEFOLD));
	assert_true(vs_wildmatch("\\a", "A", VS_WM_CASEFOLD));
	assert_false(vs_wildmatch("\\A", "A", VS_WM_CASEFOLD));
	assert_false(vs_wildmatch("\\A", "a", VS_WM_CASEFOLD));
	assert_true(vs_wildmatch("\\A", "A", 0));
	assert_false(vs_wildmatch("[A]", "A", VS_WM_CASEFOLD));
	assert_true(vs_wildmatch("[a]", "A", VS_WM_CASEFOLD));
	assert_true(vs_wildmatch("[A-C]", "b", VS_WM_CASEFOLD));
	assert_false(vs_wildmatch("[A-C]", "b", 0));
	/* Bytes above ASCII are never folded nor in a class. */
	assert_false(vs_wildmatch("[[:alpha:]]", "\xc3", 0));
	assert_true(vs_wildmatch("[!a]", "\xc3", 0));
}

static void test_malformed(void **state)
{
	(void)state;
	assert_false(vs_wildmatch("a[b", "a[b", VS_WM_PATHNAME));
	assert_false(vs_wildmatch("*[[:nope:]]", "x", VS_WM_PATHNAME));
	assert_false(vs_wildmatch("x\\", "x\\", VS_WM_PATHNAME));
	assert_true(vs_wildmatch("[[:digit]ab]", "[ab]", VS_WM_PATHNAME));
	assert_true(vs_wildmatch("", "", VS_WM_PATHNAME));
	assert_false(vs_wildmatch("", "a", VS_WM_PATHNAME));
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Patterns that are exponential for a backtracking matcher. */
static void test_polynomial(void **state)
{
	struct strbuf pat = STRBUF_INIT, text = STRBUF_INIT;
	struct timespec t0;
	double ms;
	bool m;

	(void)state;
	/* The issue's: "**" "/" x 12 + "zz" against a path 60 folders deep. */
	for (int i = 0; i < 12; i++)
		sb_adds(&pat, "**/");
	sb_adds(&pat, "zz");
	for (int i = 0; i < 60; i++)
		sb_adds(&text, "d/");
	sb_adds(&text, "pyvenv.cfg");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	m = vs_wildmatch(sb_str(&pat), sb_str(&text), VS_WM_PATHNAME);
	ms = ms_since(&t0);
	assert_false(m);
	if (ms > 100)
		fail_msg("\"**/\" x 12 + \"zz\" on 60 folders: %.1f ms", ms);
	/* git's t3070 guard: "*a" x 16 against a...ab, and more. */
	sb_reset(&pat);
	sb_reset(&text);
	for (int i = 0; i < 64; i++)
		sb_adds(&pat, "*a");
	for (int i = 0; i < 200; i++)
		sb_adds(&text, "a");
	sb_adds(&text, "b");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	m = vs_wildmatch(sb_str(&pat), sb_str(&text), VS_WM_PATHNAME);
	ms = ms_since(&t0);
	assert_false(m);
	if (ms > 100)
		fail_msg("\"*a\" x 64 on a x 200 + b: %.1f ms", ms);
	sb_free(&pat);
	sb_free(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t3070),           cmocka_unit_test(test_double_star),
		cmocka_unit_test(test_casefold_quirks), cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_polynomial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
