/* The env-list filter on environments filled in by hand: what a user types
 * and which rows should stay. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/filter.h"

#define N_OF(a) (sizeof(a) / sizeof(*(a)))

struct pkg_spec {
	const char *name, *version, *canonical;
};

/* An env as the scanner would hand it over, packages read. Strings are
 * borrowed from the test: venv_free is never called on these. */
struct env {
	struct venv v;
	struct scan_package pkgs[8];
};

static void env_init(struct env *e, const char *path, const char *py, const struct pkg_spec *pkgs,
		     size_t n)
{
	memset(e, 0, sizeof(*e));
	e->v.path = (char *)path;
	e->v.name = strrchr(path, '/') ? (char *)strrchr(path, '/') + 1 : (char *)path;
	e->v.python_version = (char *)py;
	e->v.packages_known = true;
	assert_true(n <= N_OF(e->pkgs));
	for (size_t i = 0; i < n; i++) {
		e->pkgs[i].name = (char *)pkgs[i].name;
		e->pkgs[i].version = (char *)pkgs[i].version;
		e->pkgs[i].canonical = (char *)pkgs[i].canonical;
	}
	e->v.packages.items = e->pkgs;
	e->v.packages.n = n;
	e->v.packages.cap = N_OF(e->pkgs);
}

static struct scan_filter *must_parse(const char *text)
{
	struct scan_filter *f = NULL;
	struct vs_err err = {0};

	if (scan_filter_parse(&f, text, &err) != 0)
		fail_msg("filter \"%s\" did not parse: %s", text, err.msg);
	return f;
}

static bool matches(const char *text, const struct env *e)
{
	struct scan_filter *f = must_parse(text);
	bool r = scan_filter_match(f, &e->v);

	scan_filter_free(f);
	return r;
}

/* Which of envs[] the filter keeps, as a string of '0' / '1'. */
static void expect_rows(const char *text, const struct env *envs, size_t n, const char *want)
{
	struct scan_filter *f = must_parse(text);
	char got[16] = {0};

	assert_true(n < sizeof(got));
	for (size_t i = 0; i < n; i++)
		got[i] = scan_filter_match(f, &envs[i].v) ? '1' : '0';
	scan_filter_free(f);
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\" kept %s, expected %s", text, got, want);
}

/* Five requests installs a user might have lying around. */
static struct env req[6];

static int setup_requests(void **state)
{
	static const struct pkg_spec old[] = {{"requests", "2.28.1", "requests"},
					      {"pip", "23.0.1", "pip"}};
	static const struct pkg_spec current[] = {{"requests", "2.31.0", "requests"},
						  {"pip", "24.2", "pip"}};
	static const struct pkg_spec rc[] = {{"requests", "2.31.0rc1", "requests"}};
	static const struct pkg_spec post[] = {{"Requests", "2.30.0.post1", "requests"},
					       {"urllib3", "2.0.7", "urllib3"}};
	static const struct pkg_spec none[] = {{"pip", "24.2", "pip"}};
	static const struct pkg_spec odd[] = {{"requests", "not a version", "requests"}};

	(void)state;
	env_init(&req[0], "/home/ann/work/api/.venv", "3.11.7", old, N_OF(old));
	env_init(&req[1], "/home/ann/work/web/.venv", "3.12.1", current, N_OF(current));
	env_init(&req[2], "/home/ann/try/rc-test", "3.12.1", rc, N_OF(rc));
	env_init(&req[3], "/home/ann/.virtualenvs/Legacy", "3.8.18", post, N_OF(post));
	env_init(&req[4], "/home/ann/tools/venv", "3.10.13", none, N_OF(none));
	env_init(&req[5], "/srv/odd/env", "3.9.18", odd, N_OF(odd));
	return 0;
}

static void test_requests_older_than_2_31(void **state)
{
	(void)state;
	/* 2.31.0rc1 is a pre-release of the bound, so `<2.31` leaves it out. */
	expect_rows("pkg:requests<2.31", req, 6, "100100");
	expect_rows("pkg:requests>=2.31", req, 6, "010000");
	expect_rows("pkg:requests>=2.31rc1", req, 6, "011000");
	expect_rows("pkg:requests==2.31.*", req, 6, "011000");
	expect_rows("pkg:requests~=2.28", req, 6, "111100");
	expect_rows("pkg:requests!=2.31.0", req, 6, "101100");
	/* Without a version, an unparsable one still counts as installed. */
	expect_rows("pkg:requests", req, 6, "111101");
	expect_rows("pkg:Requests", req, 6, "111101");
	expect_rows("PKG:REQUESTS<2.31", req, 6, "100100");
}

static void test_without_pip(void **state)
{
	(void)state;
	expect_rows("!pkg:pip", req, 6, "001101");
	expect_rows("pkg:pip>=24", req, 6, "010010");
	expect_rows("!pkg:pip>=24", req, 6, "101101");
}

static void test_text_terms(void **state)
{
	(void)state;
	expect_rows("work", req, 6, "110000");
	expect_rows("WORK", req, 6, "110000");
	expect_rows("legacy", req, 6, "000100");
	expect_rows("/home/ann", req, 6, "111110");
	expect_rows("!.venv", req, 6, "001111");
	expect_rows("work web", req, 6, "010000");
	/* Unknown prefixes are just text. */
	expect_rows("rc-test", req, 6, "001000");
	expect_rows("foo:bar", req, 6, "000000");
}

static void test_python_terms(void **state)
{
	(void)state;
	expect_rows("py:3.12", req, 6, "011000");
	expect_rows("py:3.1", req, 6, "000000"); /* 3.10 and 3.11 do not start with "3.1." */
	expect_rows("py:3", req, 6, "111111");
	expect_rows("py:3.11.7", req, 6, "100000");
	/* A comparison is numeric: 3.10 is newer than 3.9. */
	expect_rows("py:<3.10", req, 6, "000101");
	expect_rows("py:>=3.10,<3.12", req, 6, "100010");
	expect_rows("!py:3.12", req, 6, "100111");
}

static void test_combined_terms(void **state)
{
	(void)state;
	expect_rows("work pkg:requests<2.31 py:3.11", req, 6, "100000");
	expect_rows("  pkg:requests   !pkg:pip\t", req, 6, "001101");
	expect_rows("pkg:requests pkg:urllib3>=2", req, 6, "000100");
	expect_rows("pkg:requests<2.31 !py:<3.9", req, 6, "100000");
}

/* Several distributions of one name (two site folders): one of them must
 * satisfy the whole specifier list. */
static void test_one_distribution_must_fit_all(void **state)
{
	static const struct pkg_spec two[] = {{"Django", "3.2.25", "django"},
					      {"django", "4.2.11", "django"}};
	struct env e;

	(void)state;
	env_init(&e, "/p/two", "3.11.7", two, N_OF(two));
	assert_true(matches("pkg:django>=3,<4", &e));
	assert_true(matches("pkg:django>=4", &e));
	assert_false(matches("pkg:django>=3.3,<4.2", &e));
	assert_false(matches("pkg:django>=5", &e));
}

static void test_prereleases(void **state)
{
	static const struct pkg_spec pk[] = {
		{"Django", "5.0rc1", "django"},    {"numpy", "2.0.0b1", "numpy"},
		{"flask", "3.0.0.dev0", "flask"},  {"attrs", "23.1.0.post1", "attrs"},
		{"mylib", "1.0+local.7", "mylib"},
	};
	struct env e;

	(void)state;
	env_init(&e, "/p/pre", "3.13.0rc2", pk, N_OF(pk));
	assert_false(matches("pkg:django>=5.0", &e));
	assert_true(matches("pkg:django>=5.0rc1", &e));
	assert_true(matches("pkg:django==5.0.*", &e));
	assert_true(matches("pkg:django<5.1", &e));
	assert_false(matches("pkg:numpy<2", &e));
	assert_true(matches("pkg:numpy<2.0.0rc1", &e));
	assert_true(matches("pkg:numpy>=2.0.0a1", &e));
	assert_false(matches("pkg:flask>=3", &e));
	assert_true(matches("pkg:flask<3.0.1", &e));
	assert_false(matches("pkg:attrs>23.1.0", &e));
	assert_true(matches("pkg:attrs>=23.1.0", &e));
	assert_true(matches("pkg:mylib==1.0", &e));
	assert_false(matches("pkg:mylib>1.0", &e));
	assert_true(matches("pkg:mylib==1.0+local.7", &e));
	assert_false(matches("pkg:mylib==1.0+local.8", &e));
	/* A pre-release interpreter: starts with 3.13, but is not >= 3.13. */
	assert_true(matches("py:3.13", &e));
	assert_false(matches("py:>=3.13", &e));
	assert_true(matches("py:>=3.13.0rc1", &e));
}

static void test_package_names_canonical(void **state)
{
	static const struct pkg_spec pk[] = {
		{"zope.interface", "6.2", "zope-interface"},
		{"typing_extensions", "4.10.0", "typing-extensions"},
	};
	struct env e;

	(void)state;
	env_init(&e, "/p/names", "3.11.7", pk, N_OF(pk));
	assert_true(matches("pkg:Zope.Interface", &e));
	assert_true(matches("pkg:zope_interface>=6", &e));
	assert_true(matches("pkg:typing-extensions", &e));
	assert_true(matches("pkg:Typing__Extensions", &e));
	assert_false(matches("pkg:typing", &e)); /* names are whole, not substrings */
}

static void test_state_words(void **state)
{
	struct env e[4];

	(void)state;
	env_init(&e[0], "/a/fine", "3.11.7", NULL, 0);
	env_init(&e[1], "/a/broken", NULL, NULL, 0);
	e[1].v.broken = true;
	e[1].v.n_problems = 1;
	env_init(&e[2], "/a/old", "3.8.18", NULL, 0);
	e[2].v.stale = true;
	env_init(&e[3], "/a/odd", "3.11.7", NULL, 0);
	e[3].v.n_problems = 2;
	expect_rows("is:broken", e, 4, "0100");
	expect_rows("IS:Broken", e, 4, "0100");
	expect_rows("is:stale", e, 4, "0010");
	/* Stale counts as a problem (issue 16: what `!` shows). */
	expect_rows("is:problem", e, 4, "0111");
	expect_rows("!is:problem", e, 4, "1000");
	{
		struct scan_user u = {4242, (char *)"python -c sleep"};

		e[2].v.users.v = &u;
		e[2].v.users.n = 1;
		expect_rows("is:in-use", e, 4, "0010");
		expect_rows("!is:in-use", e, 4, "1101");
		e[2].v.users.v = NULL;
		e[2].v.users.n = 0;
	}
	/* An unknown interpreter version is never 3.11, so it is "not 3.11". */
	expect_rows("py:3.11", e, 4, "1001");
	expect_rows("!py:3.11", e, 4, "0110");
	expect_rows("py:<4", e, 4, "1011");
}

/* Issue 16: is:orphan, is:moved, is:eol, and is:problem for each story
 * flag, a git state that needs care, and in use - with no problem
 * sentence to lean on. */
static void test_story_words(void **state)
{
	struct env e[7];
	struct scan_user u = {4242, (char *)"python -c sleep"};

	(void)state;
	env_init(&e[0], "/a/fine", "3.11.7", NULL, 0);
	e[0].v.life.support = SCAN_SUPPORT_SECURITY;
	env_init(&e[1], "/a/orphan", "3.11.7", NULL, 0);
	e[1].v.orphan = true;
	env_init(&e[2], "/a/moved", "3.11.7", NULL, 0);
	e[2].v.moved_from = (char *)"/b/moved";
	env_init(&e[3], "/a/eol", "3.7.16", NULL, 0);
	e[3].v.life.support = SCAN_SUPPORT_EOL;
	env_init(&e[4], "/a/mismatch", "3.11.7", NULL, 0);
	e[4].v.version_mismatch = true;
	env_init(&e[5], "/a/tracked", "3.11.7", NULL, 0);
	e[5].v.git_state = SCAN_GIT_TRACKED;
	env_init(&e[6], "/a/used", "3.11.7", NULL, 0);
	e[6].v.users.v = &u;
	e[6].v.users.n = 1;
	expect_rows("is:orphan", e, 7, "0100000");
	expect_rows("is:moved", e, 7, "0010000");
	expect_rows("is:eol", e, 7, "0001000");
	expect_rows("!is:eol", e, 7, "1110111");
	expect_rows("is:problem", e, 7, "0111111");
	e[5].v.git_state = SCAN_GIT_NOT_IGNORED;
	expect_rows("is:problem", e, 7, "0111111");
	e[5].v.git_state = SCAN_GIT_IGNORED;
	expect_rows("is:problem", e, 7, "0111101");
}

/* python:PATH (the Pythons view's Enter): the envs whose resolved base is
 * the file PATH leads to, typed by any of its names. */
static void test_python_path_term(void **state)
{
	char dir[] = "/tmp/vs-filter-XXXXXX";
	char file[128], link[128], *real;
	struct env e[3];
	struct vs_err err = {0};
	struct scan_filter *f = NULL;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/python3.11", dir);
	snprintf(link, sizeof(link), "%s/python3", dir);
	assert_non_null(fp = fopen(file, "w"));
	fclose(fp);
	assert_int_equal(symlink("python3.11", link), 0);
	real = realpath(file, NULL);
	env_init(&e[0], "/a/uses", "3.11.7", NULL, 0);
	e[0].v.base_python = real;
	env_init(&e[1], "/a/other", "3.11.7", NULL, 0);
	e[1].v.base_python = (char *)"/usr/bin/python3.99";
	env_init(&e[2], "/a/unknown", NULL, NULL, 0);
	{
		char term[160];

		snprintf(term, sizeof(term), "python:%s", link);
		expect_rows(term, e, 3, "100");
		snprintf(term, sizeof(term), "!python:%s", file);
		expect_rows(term, e, 3, "011");
	}
	assert_int_equal(scan_filter_parse(&f, "python:python3", &err), VS_EUSAGE);
	assert_null(f);
	assert_non_null(strstr(err.msg, "absolute path"));
	unlink(link);
	unlink(file);
	rmdir(dir);
	free(real);
}

static void test_empty_filter_keeps_all(void **state)
{
	struct scan_filter *f;
	struct env e;

	(void)state;
	env_init(&e, "/x/y", NULL, NULL, 0);
	e.v.packages_known = false;
	f = must_parse("");
	assert_true(scan_filter_match(f, &e.v));
	assert_false(scan_filter_needs_packages(f));
	scan_filter_free(f);
	f = must_parse(" \t\n ");
	assert_true(scan_filter_match(f, &e.v));
	scan_filter_free(f);
	scan_filter_free(NULL);
}

/* Rows whose packages are not read yet cannot be decided by pkg: terms. */
static void test_packages_not_read_yet(void **state)
{
	struct scan_filter *f;
	struct env e;

	(void)state;
	env_init(&e, "/home/ann/work/new", "3.12.1", NULL, 0);
	e.v.packages_known = false;
	f = must_parse("work");
	assert_false(scan_filter_needs_packages(f));
	assert_true(scan_filter_match(f, &e.v));
	scan_filter_free(f);
	f = must_parse("work !pkg:pip");
	assert_true(scan_filter_needs_packages(f));
	assert_false(scan_filter_match(f, &e.v));
	e.v.packages_known = true; /* read now: it has no pip */
	assert_true(scan_filter_match(f, &e.v));
	scan_filter_free(f);
}

static void test_bad_input_says_which_term(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"pkg:", "\"pkg:\": a package name must follow pkg:"},
		{"work pkg:django<<4", "\"pkg:django<<4\": \"<<4\" is not a version specifier"},
		{"py:>=abc", "\"py:>=abc\": \">=abc\" is not a version specifier"},
		{"py:", "\"py:\": write a Python version"},
		{"py:3.x", "\"py:3.x\": write a Python version"},
		{"is:old", "\"is:old\": use is:broken, is:stale, is:incomplete, is:in-use, is:orphan, "
			   "is:moved, is:eol, is:conda or is:problem"},
		{"!", "\"!\": write '!' once, right before the term"},
		{"!!pkg:pip", "\"!!pkg:pip\": write '!' once"},
		{"pkg:django[bcrypt]", "\"pkg:django[bcrypt]\": a package name is"},
		{"pkg:==1.0", "\"pkg:==1.0\": a package name must follow"},
		{"pkg:django==", "a version must follow the operator"},
		{"pkg:django>=1.0.*", ".* wildcard is only allowed after == or !="},
		{"pkg:requests<2.31+local", "local version label"},
	};

	(void)state;
	for (size_t i = 0; i < N_OF(bad); i++) {
		struct scan_filter *f = (void *)1;
		struct vs_err err = {0};

		assert_int_equal(scan_filter_parse(&f, bad[i].text, &err), VS_EUSAGE);
		assert_null(f);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("\"%s\": message \"%s\" lacks \"%s\"", bad[i].text, err.msg,
				 bad[i].msg);
	}
	/* err may be NULL. */
	{
		struct scan_filter *f = NULL;

		assert_int_equal(scan_filter_parse(&f, "pkg:", NULL), VS_EUSAGE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_requests_older_than_2_31, setup_requests),
		cmocka_unit_test_setup(test_without_pip, setup_requests),
		cmocka_unit_test_setup(test_text_terms, setup_requests),
		cmocka_unit_test_setup(test_python_terms, setup_requests),
		cmocka_unit_test_setup(test_combined_terms, setup_requests),
		cmocka_unit_test(test_one_distribution_must_fit_all),
		cmocka_unit_test(test_prereleases),
		cmocka_unit_test(test_package_names_canonical),
		cmocka_unit_test(test_state_words),
		cmocka_unit_test(test_story_words),
		cmocka_unit_test(test_python_path_term),
		cmocka_unit_test(test_empty_filter_keeps_all),
		cmocka_unit_test(test_packages_not_read_yet),
		cmocka_unit_test(test_bad_input_says_which_term),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
