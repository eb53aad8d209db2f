/* The freeze formatter's rules one by one (names, versions, what pip hides,
 * editables, direct URLs, sorting, warnings), each with the pip behaviour
 * it reproduces, plus the line diff. Pure functions: no files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pip/freeze.h"
#include "pip/pypath.h"
#include "util/xalloc.h"

#define N_OF(a) (sizeof(a) / sizeof(*(a)))

static struct scan_freeze_rules rules(const char *py, const char *pip)
{
	struct scan_freeze_rules r;

	scan_freeze_rules_init(&r, py, pip);
	return r;
}

/* A dist-info with METADATA giving name and version. */
static struct scan_freeze_dist dist(const char *entry, const char *name, const char *version)
{
	struct scan_freeze_dist d;

	memset(&d, 0, sizeof(d));
	d.location = xstrdup("/env/lib/python3.12/site-packages");
	d.entry = xstrdup(entry);
	d.is_dir = true;
	d.meta_name = name ? xstrdup(name) : NULL;
	d.meta_version = version ? xstrdup(version) : NULL;
	d.version_line = version ? xstrdup(version) : NULL;
	d.local = true;
	return d;
}

static char *format(struct scan_freeze_dist *d, size_t n, const struct scan_freeze_rules *r,
		    struct scan_freeze_opts o, struct scan_msgs *warn)
{
	size_t len;
	char *out = scan_freeze_format(&len, d, n, r, &o, warn);

	assert_int_equal(len, strlen(out));
	return out;
}

static void clear_all(struct scan_freeze_dist *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		scan_freeze_dist_clear(&d[i]);
}

static void check_str(char *got, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* ---- rules ---- */

static void test_rules_backend(void **state)
{
	struct scan_freeze_rules r;

	(void)state;
	r = rules("3.11.7", "23.2.1");
	assert_int_equal(r.backend, SCAN_FREEZE_IMPORTLIB);
	assert_int_equal(r.pip_major, 23);
	assert_int_equal(r.pip_minor, 2);
	assert_int_equal(rules("3.10.13", NULL).backend, SCAN_FREEZE_PKG_RESOURCES);
	assert_int_equal(rules("3.8", "24.2").backend, SCAN_FREEZE_PKG_RESOURCES);
	assert_int_equal(rules(NULL, NULL).backend, SCAN_FREEZE_IMPORTLIB);
	assert_int_equal(rules("garbage", "x").pip_major, 0);
}

static void test_canonicalize_and_valid(void **state)
{
	(void)state;
	check_str(scan_freeze_canonicalize("Foo__Bar.-baz"), "foo-bar-baz");
	check_str(scan_freeze_canonicalize("Ñandú"), "ñandú");
	assert_true(scan_freeze_valid_name("a"));
	assert_true(scan_freeze_valid_name("foo-bar.baz_1"));
	assert_false(scan_freeze_valid_name(""));
	assert_false(scan_freeze_valid_name("-foo"));
	assert_false(scan_freeze_valid_name("foo-"));
	assert_false(scan_freeze_valid_name("~atplotlib"));
	assert_false(scan_freeze_valid_name("foo bar"));
}

static void test_canonical_and_keys(void **state)
{
	struct scan_freeze_rules new_pip = rules("3.12", "24.2"), old_pip = rules("3.12", "23.2");
	struct scan_freeze_rules pr = rules("3.10", "23.0.1");

	(void)state;
	/* importlib: from the entry, up to the first "-". */
	check_str(scan_freeze_canonical(&new_pip, "Foo_Bar-1.0.dist-info", "Other"), "foo-bar");
	check_str(scan_freeze_canonical(&new_pip, "egg_x-1.0-py3.11.egg-info", NULL), "egg-x");
	/* pip >= 24.2 wants a "-" in a dist-info name; before, the stem counts. */
	check_str(scan_freeze_canonical(&new_pip, "plain.dist-info", "Plain_Name"), "plain-name");
	check_str(scan_freeze_canonical(&old_pip, "plain.dist-info", "Plain_Name"), "plain");
	/* An entry in odd case is not ".dist-info" for os.path.splitext. */
	check_str(scan_freeze_canonical(&new_pip, "X-1.0.DIST-INFO", "From_Meta"), "from-meta");
	assert_null(scan_freeze_canonical(&new_pip, "X-1.0.DIST-INFO", NULL));
	/* pkg_resources: safe_name of the first part. */
	check_str(scan_freeze_canonical(&pr, "~oops-1.0.dist-info", "oops"), "-oops");
	check_str(scan_freeze_dedupe_key(&pr, "Foo.Bar-1.0.dist-info", NULL), "foo.bar");
	check_str(scan_freeze_dedupe_key(&pr, "Foo_Bar-1.0.dist-info", NULL), "foo-bar");
	/* importlib keys: the Name header before pip 24.2, the entry after. */
	check_str(scan_freeze_dedupe_key(&new_pip, "Foo.Bar-1.0.dist-info", NULL), "foo-bar");
	check_str(scan_freeze_dedupe_key(&old_pip, "noname-1.0.dist-info", "Meta.Name"), "meta-name");
	assert_null(scan_freeze_dedupe_key(&old_pip, "noname-1.0.dist-info", NULL));
}

static void test_raw_name(void **state)
{
	struct scan_freeze_rules r = rules("3.12", "24.2");
	struct scan_freeze_dist a = dist("Foo_Bar-1.0.dist-info", "  Odd Spaced  ", "1.0");
	struct scan_freeze_dist b = dist("Foo_Bar-1.0.dist-info", NULL, "1.0");

	(void)state;
	check_str(scan_freeze_raw_name(&r, &a), "  Odd Spaced  ");
	check_str(scan_freeze_raw_name(&r, &b), "foo-bar");
	scan_freeze_dist_clear(&a);
	scan_freeze_dist_clear(&b);
}

static void check_version(const struct scan_freeze_rules *r, struct scan_freeze_dist d,
			  const char *want, bool want_legacy)
{
	bool legacy = !want_legacy;
	char *v = scan_freeze_version(r, &d, &legacy);

	if (!want) {
		assert_null(v);
	} else {
		check_str(v, want);
		assert_int_equal(legacy, want_legacy);
	}
	scan_freeze_dist_clear(&d);
}

static void test_versions(void **state)
{
	struct scan_freeze_rules p242 = rules("3.13", "24.2"), p232 = rules("3.12", "23.2.1");
	struct scan_freeze_rules p241 = rules("3.12", "24.1"), pr = rules("3.10", "23.0.1");
	struct scan_freeze_dist d;

	(void)state;
	/* Normalised as PEP 440 says. */
	check_version(&p242, dist("a-01.0rc1.dist-info", "a", "01.0rc1"), "1.0rc1", false);
	check_version(&p242, dist("a-1.0+Ubuntu.1.dist-info", "a", "x"), "1.0+ubuntu.1", false);
	/* pip >= 24.2 reads the entry name; before, the Version header. */
	check_version(&p242, dist("a-2.0.dist-info", "a", "1.0"), "2.0", false);
	check_version(&p232, dist("a-2.0.dist-info", "a", "1.0"), "1.0", false);
	/* Invalid: "===" and the Version header as written (pip >= 24.1) or the
	 * text it read (before). */
	check_version(&p242, dist("a-2.0.beta.x.dist-info", "a", "2.0 beta!x"), "2.0 beta!x", true);
	check_version(&p242, dist("a-2.0.beta.x.dist-info", "a", NULL), "None", true);
	check_version(&p241, dist("a-1.dist-info", "a", "not a version"), "not a version", true);
	check_version(&p232, dist("a-1.dist-info", "a", "not a version"), "not a version", true);
	/* No version anywhere: pip stops. */
	check_version(&p242, dist("a.dist-info", "a", NULL), NULL, false);
	check_version(&p232, dist("a-1.0.dist-info", "a", NULL), NULL, false);
	/* pkg_resources: safe_version of the entry's version for a dist-info,
	 * the metadata first for an egg-info. */
	check_version(&pr, dist("a-2.0.beta.x.dist-info", "a", "2.0 beta!x"), "2.0.beta.x", true);
	check_version(&pr, dist("a-1.0.dist-info", "a", "1.0 beta"), "1.0", false);
	d = dist("a-1.0-py3.10.egg-info", "a", "1.0 beta x");
	check_version(&pr, d, "1.0.beta.x", true);
	d = dist("a-1.0-py3.10.egg-info", "a", NULL);
	check_version(&pr, d, "1.0", false);
	check_version(&pr, dist("a.dist-info", "a", NULL), NULL, false);
}

static void test_hidden(void **state)
{
	struct scan_freeze_rules p311 = rules("3.11", "24.2"), p312 = rules("3.12", "23.2.1");
	struct scan_freeze_rules old = rules("3.12", "23.0.1"), nopip = rules("3.12", NULL);

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		const char *always[] = {"python", "wsgiref", "argparse"};

		assert_true(scan_freeze_hidden(&p312, always[i], false));
		assert_true(scan_freeze_hidden(&p312, always[i], true));
	}
	assert_true(scan_freeze_hidden(&p312, "pip", false));
	assert_false(scan_freeze_hidden(&p312, "pip", true));
	assert_true(scan_freeze_hidden(&p311, "setuptools", false));
	assert_true(scan_freeze_hidden(&p311, "wheel", false));
	assert_true(scan_freeze_hidden(&p311, "distribute", false));
	assert_false(scan_freeze_hidden(&p311, "pkg-resources", false));
	assert_false(scan_freeze_hidden(&p312, "setuptools", false));
	assert_false(scan_freeze_hidden(&nopip, "wheel", false));
	/* pip 23.0 / 23.1: DEV_PKGS whatever the Python; Debian's pip also
	 * hides pkg-resources. */
	assert_true(scan_freeze_hidden(&old, "setuptools", false));
	assert_false(scan_freeze_hidden(&old, "pkg-resources", false));
	old.hide_pkg_resources = true;
	assert_true(scan_freeze_hidden(&old, "pkg-resources", false));
	assert_false(scan_freeze_hidden(&old, "pkg-resources", true));
	p311.hide_pkg_resources = true;
	assert_true(scan_freeze_hidden(&p311, "pkg-resources", false));
	assert_false(scan_freeze_hidden(&p312, "requests", false));
}

/* ---- the whole text ---- */

static void test_sorted_and_hidden(void **state)
{
	struct scan_freeze_rules r = rules("3.11", "24.2");
	struct scan_freeze_dist d[] = {
		dist("zeta-1.0.dist-info", "Zeta", "1.0"),
		dist("Alpha-2.dist-info", "Alpha", "2"),
		dist("beta_x-3.0.dist-info", "beta_x", "3.0"),
		dist("pip-24.2.dist-info", "pip", "24.2"),
		dist("setuptools-70.0.dist-info", "setuptools", "70.0"),
		dist("Beta-1.0.dist-info", "Beta", "1.0"),
	};
	struct scan_freeze_opts o = {0};

	(void)state;
	check_str(format(d, N_OF(d), &r, o, NULL), "Alpha==2\nBeta==1.0\nbeta_x==3.0\nZeta==1.0\n");
	o.all = true;
	check_str(format(d, N_OF(d), &r, o, NULL),
		  "Alpha==2\nBeta==1.0\nbeta_x==3.0\npip==24.2\nsetuptools==70.0\nZeta==1.0\n");
	clear_all(d, N_OF(d));
}

static void test_same_name_later_wins_in_place(void **state)
{
	/* installations[canonical(raw name)] = req: different entries whose
	 * Name headers agree; the later text replaces the earlier one. */
	struct scan_freeze_rules r = rules("3.12", "24.2");
	struct scan_freeze_dist d[] = {
		dist("one-1.0.dist-info", "Same", "1.0"),
		dist("two-2.0.dist-info", "same", "2.0"),
	};
	struct scan_freeze_opts o = {0};

	(void)state;
	check_str(format(d, N_OF(d), &r, o, NULL), "same==2.0\n");
	clear_all(d, N_OF(d));
}

static void test_skips_and_warnings(void **state)
{
	struct scan_freeze_rules r = rules("3.12", "24.2");
	struct scan_freeze_dist d[] = {
		dist("~atplotlib-1.0.dist-info", "matplotlib", "1.0"),
		dist("notutf8-1.0.dist-info", NULL, NULL),
		dist("noversion.dist-info", "noversion", NULL),
		dist("broken-1.0.dist-info", "broken", "1.0"),
		dist("ok-1.0.dist-info", "ok", "1.0"),
		dist("outside-1.0.dist-info", "outside", "1.0"),
	};
	struct scan_freeze_opts o = {0};
	struct scan_msgs warn = {0};

	(void)state;
	d[1].meta = SCAN_META_NOT_UTF8;
	d[3].problem = xstrdup("its direct_url.json is not valid UTF-8");
	d[5].local = false;
	check_str(format(d, N_OF(d), &r, o, &warn), "ok==1.0\noutside==1.0\n");
	assert_int_equal(warn.n, 4);
	assert_non_null(strstr(warn.v[0], "invalid distribution ~atplotlib"));
	assert_non_null(strstr(warn.v[1], "not valid UTF-8"));
	assert_non_null(strstr(warn.v[2], "no version"));
	assert_non_null(strstr(warn.v[3], "direct_url.json"));
	scan_msgs_clear(&warn);
	o.local = true;
	check_str(format(d, N_OF(d), &r, o, NULL), "ok==1.0\n");
	clear_all(d, N_OF(d));
}

/* A NUL in Name or Version (carried as PY_NUL): pip 23.0.1 prints it as a
 * NUL byte and sorts it before every other character. */
static void test_nul_in_metadata(void **state)
{
	static const char want[] = "nul\0name==1.0\nnul-ver===1.0\0x\nnul-x==1.0\n";
	struct scan_freeze_rules r = rules("3.11.2", "23.0.1");
	struct scan_freeze_dist d[] = {
		dist("nul_x-1.0.dist-info", "nul-x", "1.0"),
		dist("nul_ver-1.0.dist-info", "nul-ver", "1.0" PY_NUL "x"),
		dist("nul_name-1.0.dist-info", "nul" PY_NUL "name", "1.0"),
	};
	struct scan_freeze_opts o = {0};
	size_t len;
	char *out;

	(void)state;
	out = scan_freeze_format(&len, d, N_OF(d), &r, &o, NULL);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(out, want, len);
	free(out);
	clear_all(d, N_OF(d));
}

static void test_trailing_space_and_odd_names(void **state)
{
	struct scan_freeze_rules r = rules("3.12", "24.2");
	struct scan_freeze_dist d[] = {
		dist("spaced-1.0.dist-info", "Spaced  ", "1.0"),
		dist("bad-1.dist-info", "bad", "1 beta "),
		dist("noname-3.1.dist-info", NULL, "3.1"),
	};
	struct scan_freeze_opts o = {0};

	(void)state;
	free(d[1].entry);
	d[1].entry = xstrdup("bad.dist-info"); /* no version in the entry name */
	/* The name keeps its spaces; the line's end is stripped. */
	check_str(format(d, N_OF(d), &r, o, NULL), "bad===1 beta\nnoname==3.1\nSpaced  ==1.0\n");
	clear_all(d, N_OF(d));
}

static void set_du(struct scan_freeze_dist *d, enum scan_direct_kind k, const char *url)
{
	d->du_state = SCAN_DU_OK;
	d->du.kind = k;
	d->du.url = xstrdup(url);
}

static void test_direct_urls(void **state)
{
	struct scan_freeze_rules r = rules("3.12", "24.2");
	struct scan_freeze_dist d[] = {
		dist("a-1.0.dist-info", "a", "1.0"), dist("b-1.0.dist-info", "b", "1.0"),
		dist("c-1.0.dist-info", "c", "1.0"), dist("d-1.0.dist-info", "d", "1.0"),
		dist("e-1.0.dist-info", "e", "1.0"),
	};
	struct scan_freeze_opts o = {0};

	(void)state;
	set_du(&d[0], SCAN_DIRECT_VCS, "https://h/r.git");
	d[0].du.vcs = xstrdup("git");
	d[0].du.commit_id = xstrdup("abc123");
	d[0].du.subdirectory = xstrdup("sub");
	set_du(&d[1], SCAN_DIRECT_ARCHIVE, "file:///w/b-1.0-py3-none-any.whl");
	d[1].du.hash = xstrdup("sha256=ff");
	set_du(&d[2], SCAN_DIRECT_ARCHIVE, "https://h/c.tgz");
	d[2].du.hash = xstrdup("md5=00");
	d[2].du.subdirectory = xstrdup("x/y");
	set_du(&d[3], SCAN_DIRECT_DIR, "file:///src/d");
	d[4].du_state = SCAN_DU_BAD; /* malformed: a plain line */
	check_str(format(d, N_OF(d), &r, o, NULL), "a @ git+https://h/r.git@abc123#subdirectory=sub\n"
						   "b @ file:///w/b-1.0-py3-none-any.whl#sha256=ff\n"
						   "c @ https://h/c.tgz#md5=00&subdirectory=x/y\n"
						   "d @ file:///src/d\n"
						   "e==1.0\n");
	clear_all(d, N_OF(d));
}

static void editable(struct scan_freeze_dist *d, const char *loc, enum scan_vcs_state s,
		     const char *url, const char *commit, const char *sub)
{
	d->editable = true;
	d->editable_location = xstrdup(loc);
	d->vcs.state = s;
	d->vcs.url = url ? xstrdup(url) : NULL;
	d->vcs.commit = commit ? xstrdup(commit) : NULL;
	d->vcs.subdir = sub ? xstrdup(sub) : NULL;
}

static void test_editables(void **state)
{
	struct scan_freeze_rules r = rules("3.12", "24.2");
	struct scan_freeze_dist d[] = {
		dist("a_pkg-1.0.dist-info", "a-pkg", "1.0"), dist("b-1.0.dist-info", "B", "1.0"),
		dist("c-1.0.dist-info", "c", "1.0"),         dist("d-1.0.dist-info", "d", "1.0"),
		dist("e-1.0.dist-info", "e", "1.0"),         dist("f-1.0.dist-info", "f", "1.0"),
		dist("g-1.0.dist-info", "g", "1.0"),
	};
	struct scan_freeze_opts o = {0};
	struct scan_msgs warn = {0};

	(void)state;
	editable(&d[0], "/src/mono/pkg", SCAN_VCS_GIT, "file:///srv/remote.git", "0123abcd", "pkg");
	editable(&d[1], "/src/b", SCAN_VCS_NONE, NULL, NULL, NULL);
	editable(&d[2], "/src/c", SCAN_VCS_GIT_NO_REMOTE, NULL, NULL, NULL);
	editable(&d[3], "/src/d", SCAN_VCS_GIT_BAD_REMOTE, "../gone.git", NULL, NULL);
	editable(&d[4], "/src/e", SCAN_VCS_GIT_NO_COMMIT, NULL, NULL, NULL);
	editable(&d[5], "/src/f", SCAN_VCS_GIT, "git://h/f.git", "ff", NULL);
	free(d[6].meta_version);
	d[6].meta_version = NULL;
	free(d[6].entry);
	d[6].entry = xstrdup("g.dist-info");
	editable(&d[6], "/src/g", SCAN_VCS_NONE, NULL, NULL, NULL); /* needs a version: left out */
	check_str(format(d, N_OF(d), &r, o, &warn),
		  "-e git+file:///srv/remote.git@0123abcd#egg=a_pkg&subdirectory=pkg\n"
		  "# Editable install with no version control (B==1.0)\n-e /src/b\n"
		  "# Editable Git install with no remote (c==1.0)\n-e /src/c\n"
		  "# Editable Git install (d==1.0) with either a deleted local remote or invalid URI:\n"
		  "# '../gone.git'\n-e /src/d\n"
		  "## !! Could not determine repository location\n-e /src/e\n"
		  "-e git://h/f.git@ff#egg=f\n");
	assert_int_equal(warn.n, 2);
	scan_msgs_clear(&warn);
	o.exclude_editable = true;
	check_str(format(d, N_OF(d), &r, o, NULL), "");
	clear_all(d, N_OF(d));
}

static void test_diff_lines(void **state)
{
	struct scan_freeze_diff df;
	const char *old = "a==1\r\nb==1\nb==1\nc==1\n", *new_text = "b==1\nc==2\na==1\nd==1";

	(void)state;
	scan_freeze_diff_lines(&df, old, strlen(old), new_text, strlen(new_text));
	assert_int_equal(df.n_added, 2);
	assert_string_equal(df.added[0], "c==2");
	assert_string_equal(df.added[1], "d==1");
	assert_int_equal(df.n_removed, 2);
	assert_string_equal(df.removed[0], "b==1");
	assert_string_equal(df.removed[1], "c==1");
	scan_freeze_diff_clear(&df);
	scan_freeze_diff_lines(&df, NULL, 0, "x\n", 2);
	assert_int_equal(df.n_added, 1);
	assert_int_equal(df.n_removed, 0);
	scan_freeze_diff_clear(&df);
	scan_freeze_diff_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_backend),
		cmocka_unit_test(test_canonicalize_and_valid),
		cmocka_unit_test(test_canonical_and_keys),
		cmocka_unit_test(test_raw_name),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_sorted_and_hidden),
		cmocka_unit_test(test_same_name_later_wins_in_place),
		cmocka_unit_test(test_skips_and_warnings),
		cmocka_unit_test(test_trailing_space_and_odd_names),
		cmocka_unit_test(test_nul_in_metadata),
		cmocka_unit_test(test_direct_urls),
		cmocka_unit_test(test_editables),
		cmocka_unit_test(test_diff_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
