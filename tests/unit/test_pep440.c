/* PEP 440 versions and specifiers against pip's own `packaging`: fixed cases
 * written here, a table generated from packaging 24.1 (pep440_cases.h), and,
 * when a Python with pip is on this machine, a live comparison on versions
 * made up at random from the grammar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pip/pep440.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include "pep440_cases.h"

#define N_OF(a) (sizeof(a) / sizeof(*(a)))

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static struct scan_pep440 *must_parse(const char *s)
{
	struct scan_pep440 *v = NULL;
	struct vs_err err = {0};

	if (scan_pep440_parse(&v, s, &err) != 0)
		fail_msg("\"%s\" did not parse: %s", s, err.msg);
	return v;
}

static int cmp_str(const char *a, const char *b)
{
	int c = 99;

	assert_int_equal(scan_pep440_cmp_str(&c, a, b, NULL), 0);
	return c;
}

static bool contains(const char *spec, const char *version)
{
	struct scan_pep440_spec *s = NULL;
	struct vs_err err = {0};
	bool r;

	if (scan_pep440_spec_parse(&s, spec, &err) != 0)
		fail_msg("spec \"%s\" did not parse: %s", spec, err.msg);
	r = scan_pep440_spec_contains_str(s, version);
	scan_pep440_spec_free(s);
	return r;
}

/* ---- fixed cases ---- */

static void test_normalise_examples(void **state)
{
	static const char *const cases[][2] = {
		{"01.0rc1", "1.0rc1"},
		{"1.0-post1", "1.0.post1"},
		{"1.0.0-ALPHA", "1.0.0a0"},
		{"v1.0", "1.0"},
		{"1.0+UBUNTU-1", "1.0+ubuntu.1"},
		{"1!2.0", "1!2.0"},
		{"0!2.0", "2.0"},
		{"1.0-1", "1.0.post1"},
		{"1.0.dev", "1.0.dev0"},
		{"1.0c1", "1.0rc1"},
		{"1.0preview2", "1.0rc2"},
		{"1.0_Beta_3", "1.0b3"},
		{"1.0.r4", "1.0.post4"},
		{" 1.0\n", "1.0"},
		{"1.0+001.ABC", "1.0+1.abc"},
		{"20230101120000", "20230101120000"},
		{"1.0.99999999999999999999999999", "1.0.99999999999999999999999999"},
	};

	(void)state;
	for (size_t i = 0; i < N_OF(cases); i++) {
		struct scan_pep440 *v = must_parse(cases[i][0]);

		assert_string_equal(scan_pep440_str(v), cases[i][1]);
		scan_pep440_free(v);
	}
}

static void test_invalid_versions_say_why(void **state)
{
	static const char *const bad[] = {"",     "1.0.x", "1.0+", "latest", "1.0a1a2",
					  "1..0", "1.0-",  "1!",   "v",      "1.0+abc."};
	struct vs_err err = {0};
	struct scan_pep440 *v = (void *)1;

	(void)state;
	for (size_t i = 0; i < N_OF(bad); i++) {
		assert_int_equal(scan_pep440_parse(&v, bad[i], &err), VS_EUSAGE);
		assert_null(v);
		assert_false(scan_pep440_valid(bad[i]));
	}
	assert_int_equal(scan_pep440_parse(&v, "1.0.x", &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "\"1.0.x\" is not a valid version"));
	assert_int_equal(scan_pep440_cmp_str(&(int){0}, "1.0", "nope", &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "nope"));
	scan_pep440_free(NULL);
	scan_pep440_spec_free(NULL);
}

/* The order from PEP 440's examples, plus local labels, epochs and big numbers. */
static void test_order_chain(void **state)
{
	static const char *const chain[] = {
		"1.0.dev456",
		"1.0a1",
		"1.0a2.dev456",
		"1.0a12.dev456",
		"1.0a12",
		"1.0b1.dev456",
		"1.0b2",
		"1.0b2.post345.dev456",
		"1.0b2.post345",
		"1.0rc1.dev456",
		"1.0rc1",
		"1.0",
		"1.0+abc",
		"1.0+abc.5",
		"1.0+abc.7",
		"1.0+abc.10",
		"1.0+5",
		"1.0+10",
		"1.0.post456.dev34",
		"1.0.post456",
		"1.0.15",
		"1.1.dev1",
		"1.1",
		"2.0",
		"20230101120000",
		"18446744073709551615",
		"18446744073709551616",
		"99999999999999999999999999",
		"1!0.1",
	};

	(void)state;
	for (size_t i = 0; i < N_OF(chain); i++)
		for (size_t j = 0; j < N_OF(chain); j++)
			if (sign(cmp_str(chain[i], chain[j])) != (i > j) - (i < j))
				fail_msg("%s vs %s", chain[i], chain[j]);
}

static void test_equal_but_written_differently(void **state)
{
	(void)state;
	assert_int_equal(cmp_str("1.0", "1.0.0"), 0);
	assert_int_equal(cmp_str("1", "1.0.0.0"), 0);
	assert_int_equal(cmp_str("v1.0", "1.0"), 0);
	assert_int_equal(cmp_str("0!1.0", "1.0"), 0);
	assert_int_equal(cmp_str("1.0-1", "1.0.post1"), 0);
	assert_int_equal(cmp_str("1.0+01", "1.0+1"), 0);
	assert_int_equal(cmp_str("1.0A", "1.0.alpha.0"), 0);
	/* Trailing zeros only count in the release, not in a local label. */
	assert_true(cmp_str("1.0+1", "1.0+1.0") < 0);
}

static void test_flags(void **state)
{
	struct scan_pep440 *v;

	(void)state;
	v = must_parse("2.31.0rc1");
	assert_true(scan_pep440_is_prerelease(v));
	assert_false(scan_pep440_is_postrelease(v));
	scan_pep440_free(v);
	v = must_parse("1.0.post1.dev2+x");
	assert_true(scan_pep440_is_prerelease(v)); /* a dev release counts */
	assert_true(scan_pep440_is_postrelease(v));
	assert_true(scan_pep440_is_devrelease(v));
	assert_true(scan_pep440_has_local(v));
	scan_pep440_free(v);
}

/* "Which envs still have requests < 2.31?" and friends. */
static void test_specifier_examples(void **state)
{
	static const struct {
		const char *spec, *version;
		bool want;
	} cases[] = {
		{"<2.31", "2.30.0", true},
		{"<2.31", "2.31.0rc1", false}, /* a pre-release of the bound itself */
		{"<2.31", "2.31.0.dev0", false},
		{"<2.31", "2.31.0", false},
		{"<2.31", "2.30.0.post1", true},
		{"<2.31", "2.30.0+deb1", true},
		{"<2.31", "2.31.0+deb1", false},
		{"<2.31rc2", "2.31.0rc1", true}, /* the bound is a pre-release */
		{"<2.31", "2.31.0a1", false},
		{"<2.31", "2.30.0rc1", true},    /* other pre-releases are fine */
		{"<=2.31", "2.31.0+deb1", true}, /* local labels are ignored */
		{">2.31", "2.31.0.post1", false},
		{">2.31", "2.31.0+deb1", false},
		{">2.31", "2.31.1", true},
		{">2.31.post0", "2.31.post1", true},
		{">=2.31", "2.31.0rc1", false},
		{">=2.31rc1", "2.31.0rc1", true},
		{"==2.31", "2.31.0", true},
		{"==2.31", "2.31.0+deb1", true},
		{"==2.31+deb1", "2.31.0", false},
		{"==2.31.0+DEB1", "2.31+deb1", true},
		{"!=2.31", "2.31.0", false},
		{"==2.31.*", "2.31.5", true},
		{"==2.31.*", "2.310", false},
		{"==2.31.*", "2.31.0rc1", true},
		{"==2.31.*", "2.31", true},
		{"==2.31.0.*", "2.31", true},
		{"!=2.31.*", "2.30", true},
		{"~=2.31", "2.99", true},
		{"~=2.31", "3.0", false},
		{"~=2.31.0", "2.31.9", true},
		{"~=2.31.0", "2.32", false},
		{"~=2.2rc1", "2.3", true},
		{"~=2.2c1", "2.3", false}, /* packaging's quirk: c1 is not seen as a suffix */
		{"===2.31.0", "2.31.0", true},
		{"===2.31.0", "2.31", false},
		{"===V2.31", "2.31", false},
		{">=3,<4", "3.2", true},
		{">=3,<4", "4.0", false},
		{">=3,<4", "4.0.dev0", false},
		{" >= 3 , , < 4 ", "3.9", true},
		{"", "0.1", true},
		{">1!0", "99.0", false},
		{"<1.0", "20230101120000", false},
	};

	(void)state;
	for (size_t i = 0; i < N_OF(cases); i++)
		if (contains(cases[i].spec, cases[i].version) != cases[i].want)
			fail_msg("%s in %s: expected %d", cases[i].version, cases[i].spec,
				 cases[i].want);
}

static void test_specifier_errors(void **state)
{
	static const char *const bad[] = {"<<4",    "1.0",     "=1.0",      "=>1.0", "~=1",
					  "<1.0+x", ">=1.0.*", "==1.0a1.*", "==",    "<=abc",
					  "===a b", "~1.0",    ">=1,<<2"};
	struct scan_pep440_spec *s = (void *)1;
	struct vs_err err = {0};

	(void)state;
	for (size_t i = 0; i < N_OF(bad); i++) {
		assert_int_equal(scan_pep440_spec_parse(&s, bad[i], &err), VS_EUSAGE);
		assert_null(s);
	}
	scan_pep440_spec_parse(&s, ">=1,<<2", &err);
	assert_non_null(strstr(err.msg, "\"<<2\" is not a version specifier"));
	scan_pep440_spec_parse(&s, "~=1", &err);
	assert_non_null(strstr(err.msg, "two release numbers"));
	scan_pep440_spec_parse(&s, "<1.0+x", &err);
	assert_non_null(strstr(err.msg, "local"));
	/* A version that does not parse is never in a specifier. */
	assert_false(contains("!=1.0", "not-a-version"));
}

/* ---- the generated table ---- */

static void test_table_versions(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OF(pep440_versions); i++) {
		const struct pep440_vcase *c = &pep440_versions[i];
		struct scan_pep440 *v = NULL;
		int rc = scan_pep440_parse(&v, c->in, NULL);
		char flags[5];

		assert_int_equal(i < PEP440_N_VALID, c->norm != NULL);
		if (!c->norm) {
			if (rc != VS_EUSAGE)
				fail_msg("\"%s\" should be invalid, got %s", c->in, scan_pep440_str(v));
			continue;
		}
		if (rc != 0)
			fail_msg("\"%s\" should parse", c->in);
		assert_string_equal(scan_pep440_str(v), c->norm);
		snprintf(flags, sizeof(flags), "%d%d%d%d", scan_pep440_is_prerelease(v),
			 scan_pep440_is_postrelease(v), scan_pep440_is_devrelease(v),
			 scan_pep440_has_local(v));
		assert_string_equal(flags, c->flags);
		scan_pep440_free(v);
	}
}

static void test_table_order(void **state)
{
	struct scan_pep440 *v[PEP440_N_VALID];

	(void)state;
	for (size_t i = 0; i < PEP440_N_VALID; i++)
		v[i] = must_parse(pep440_versions[i].in);
	for (size_t i = 0; i < PEP440_N_VALID; i++) {
		for (size_t j = 0; j < PEP440_N_VALID; j++) {
			int want = sign(pep440_versions[i].rank - pep440_versions[j].rank);

			if (sign(scan_pep440_cmp(v[i], v[j])) != want)
				fail_msg("cmp(%s, %s) should be %d", pep440_versions[i].in,
					 pep440_versions[j].in, want);
		}
	}
	for (size_t i = 0; i < PEP440_N_VALID; i++)
		scan_pep440_free(v[i]);
}

static void test_table_specifiers(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OF(pep440_specs); i++) {
		const struct pep440_scase *c = &pep440_specs[i];
		struct scan_pep440_spec *s = NULL;
		int rc = scan_pep440_spec_parse(&s, c->spec, NULL);

		if ((rc == 0) != (c->contains != NULL))
			fail_msg("spec \"%s\": parse returned %d", c->spec, rc);
		for (size_t j = 0; s && j < PEP440_N_VALID; j++) {
			const char *in = pep440_versions[j].in;
			bool want = c->contains[j] == '1';

			if (scan_pep440_spec_contains_str(s, in) != want)
				fail_msg("\"%s\" in \"%s\" should be %d", in, c->spec, want);
		}
		scan_pep440_spec_free(s);
	}
}

/* str() of a version is a fixed point and names an equal version. */
static void test_normal_form_is_stable(void **state)
{
	(void)state;
	for (size_t i = 0; i < PEP440_N_VALID; i++) {
		struct scan_pep440 *a = must_parse(pep440_versions[i].in);
		struct scan_pep440 *b = must_parse(scan_pep440_str(a));

		assert_string_equal(scan_pep440_str(a), scan_pep440_str(b));
		assert_int_equal(scan_pep440_cmp(a, b), 0);
		scan_pep440_free(a);
		scan_pep440_free(b);
	}
}

/* ---- live comparison with the machine's pip ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((unsigned)n)];
}

#define PICK(a) pick(a, N_OF(a))

/* A string from the version grammar, sometimes damaged, one line of text. */
static char *random_version(void)
{
	static const char *const nums[] = {"0",
					   "1",
					   "2",
					   "00",
					   "01",
					   "10",
					   "9",
					   "007",
					   "99999999999999999999999",
					   "18446744073709551616"};
	static const char *const seps[] = {"", "", "", ".", "-", "_"};
	static const char *const pres[] = {"a",    "b",   "c",       "rc", "alpha",
					   "beta", "pre", "preview", "RC"};
	static const char *const posts[] = {"post", "rev", "r", "POST"};
	static const char *const locals[] = {"abc", "1", "01", "ubuntu", "Z9", "0"};
	static const char *const damage[] = {"-", ".", "_", "+", "!", "x", "*", "a", "1", " "};
	struct strbuf sb = STRBUF_INIT;
	unsigned n;

	if (rnd(10) == 0)
		sb_adds(&sb, "v");
	if (rnd(8) == 0)
		sb_addf(&sb, "%s!", PICK(nums));
	n = 1 + rnd(4);
	for (unsigned i = 0; i < n; i++)
		sb_addf(&sb, "%s%s", i ? "." : "", PICK(nums));
	if (rnd(3) == 0)
		sb_addf(&sb, "%s%s%s%s", PICK(seps), PICK(pres), PICK(seps), rnd(2) ? PICK(nums) : "");
	if (rnd(3) == 0 && rnd(3) == 0)
		sb_addf(&sb, "-%s", PICK(nums));
	else if (rnd(3) == 0)
		sb_addf(&sb, "%s%s%s%s", PICK(seps), PICK(posts), PICK(seps), rnd(2) ? PICK(nums) : "");
	if (rnd(3) == 0)
		sb_addf(&sb, "%sdev%s%s", PICK(seps), PICK(seps), rnd(2) ? PICK(nums) : "");
	if (rnd(4) == 0) {
		sb_addf(&sb, "+%s", PICK(locals));
		if (rnd(2))
			sb_addf(&sb, "%s%s", seps[3 + rnd(3)], PICK(locals));
	}
	if (rnd(8) == 0) {
		char *s = sb_detach(&sb);
		size_t at = rnd((unsigned)strlen(s) + 1);

		sb_add(&sb, s, at);
		sb_adds(&sb, PICK(damage));
		sb_adds(&sb, s + at);
		free(s);
	}
	return sb_detach(&sb);
}

static const char live_script[] =
	"import sys\n"
	"from pip._vendor import packaging\n"
	"from pip._vendor.packaging.version import Version, InvalidVersion\n"
	"from pip._vendor.packaging.specifiers import SpecifierSet, InvalidSpecifier\n"
	"new = int(packaging.__version__.split('.')[0]) >= 22\n"
	"print(packaging.__version__)\n"
	"for line in sys.stdin:\n"
	"    kind, a, b = line.rstrip('\\n').split('\\t')\n"
	"    try:\n"
	"        if kind == 'V':\n"
	"            print(str(Version(a)))\n"
	"        elif kind == 'C':\n"
	"            x, y = Version(a), Version(b)\n"
	"            print((x > y) - (x < y))\n"
	"        elif not new:\n"
	"            print('skip')\n"
	"        else:\n"
	"            print(int(SpecifierSet(a).contains(Version(b), prereleases=True)))\n"
	"    except (InvalidVersion, InvalidSpecifier):\n"
	"        print('bad')\n";

/* A Python that has pip's packaging, or NULL: $PYTHON first. Specifiers
 * are only compared when its packaging is 22 or newer (older ones differ
 * from pip 24's on purpose, e.g. in ==01.*), the rest with any. */
static const char *find_python(void)
{
	static const char *const names[] = {"python3", "/usr/bin/python3", "python"};
	const char *env = getenv("PYTHON");

	for (size_t i = 0; i <= N_OF(names); i++) {
		const char *py = i == 0 ? env : names[i - 1];
		char *cmd;
		int rc;

		if (!py || !*py)
			continue;
		cmd = xasprintf("'%s' -c 'import pip._vendor.packaging.specifiers' >/dev/null 2>&1",
				py);
		rc = system(cmd);
		free(cmd);
		if (rc == 0)
			return py;
	}
	return NULL;
}

/* What we say for one input line, in the script's words. */
static char *our_answer(const char *kind, const char *a, const char *b)
{
	struct scan_pep440 *v = NULL;
	struct scan_pep440_spec *s = NULL;
	char *out;
	int c;

	if (*kind == 'V')
		out = scan_pep440_parse(&v, a, NULL) ? xstrdup("bad") : xstrdup(scan_pep440_str(v));
	else if (*kind == 'C')
		out = scan_pep440_cmp_str(&c, a, b, NULL) ? xstrdup("bad") : xasprintf("%d", c);
	else if (scan_pep440_spec_parse(&s, a, NULL) || scan_pep440_parse(&v, b, NULL))
		out = xstrdup("bad");
	else
		out = xasprintf("%d", scan_pep440_spec_contains(s, v));
	scan_pep440_free(v);
	scan_pep440_spec_free(s);
	return out;
}

/* Writes n lines of each kind to `in`, keeping copies in lines[]. */
static void make_live_input(FILE *in, char **lines, size_t n)
{
	static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">=", "~=", "==="};

	for (size_t i = 0; i < 3 * n; i++) {
		char *a = random_version(), *b = random_version();

		if (i < n)
			lines[i] = xasprintf("V\t%s\t", a);
		else if (i < 2 * n)
			lines[i] = xasprintf("C\t%s\t%s", a, rnd(3) ? b : a);
		else
			lines[i] = xasprintf("S\t%s%s%s\t%s", PICK(ops), rnd(4) ? a : "1.0",
					     rnd(5) ? "" : ".*", rnd(2) ? b : a);
		fprintf(in, "%s\n", lines[i]);
		free(a);
		free(b);
	}
}

static void test_live_against_pip(void **state)
{
	enum { N = 1500 };
	const char *py = find_python();
	char dir[] = "/tmp/test_pep440.XXXXXX", *cmd, *lines[3 * N], *got = NULL;
	char *script, *input, *output;
	FILE *f;
	size_t cap = 0, bad = 0, skipped = 0;

	(void)state;
	if (getenv("PEP440_SEED")) /* to explore: PEP440_SEED=n test_pep440 */
		rng_state += strtoull(getenv("PEP440_SEED"), NULL, 10);
	if (!py) {
		print_message("no Python with pip here: live comparison skipped\n");
		skip();
	}
	assert_non_null(mkdtemp(dir));
	script = xasprintf("%s/check.py", dir);
	input = xasprintf("%s/in.txt", dir);
	output = xasprintf("%s/out.txt", dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fputs(live_script, f);
	fclose(f);
	f = fopen(input, "w");
	assert_non_null(f);
	make_live_input(f, lines, N);
	fclose(f);
	cmd = xasprintf("'%s' '%s' <'%s' >'%s'", py, script, input, output);
	assert_int_equal(system(cmd), 0);
	f = fopen(output, "r");
	assert_non_null(f);
	assert_true(getline(&got, &cap, f) > 0);
	got[strcspn(got, "\n")] = '\0';
	print_message("comparing %d cases with %s (pip's packaging %s)\n", 3 * N, py, got);
	for (size_t i = 0; i < 3 * N; i++) {
		char *kind = lines[i], *a = strchr(kind, '\t') + 1, *b = strchr(a, '\t') + 1;
		char *ours;
		ssize_t len = getline(&got, &cap, f);

		assert_true(len > 0);
		got[strcspn(got, "\n")] = '\0';
		a[-1] = b[-1] = '\0';
		ours = our_answer(kind, a, b);
		skipped += strcmp(got, "skip") == 0;
		if (strcmp(got, "skip") != 0 && strcmp(got, ours) != 0 && bad++ < 10)
			print_error("%s \"%s\" \"%s\": pip says %s, we say %s\n", kind, a, b, got,
				    ours);
		free(ours);
		free(lines[i]);
	}
	fclose(f);
	if (skipped)
		print_message("%zu specifier cases skipped: that packaging is older than 22\n",
			      skipped);
	free(got);
	unlink(script);
	unlink(input);
	unlink(output);
	rmdir(dir);
	free(cmd);
	free(script);
	free(input);
	free(output);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_examples),
		cmocka_unit_test(test_invalid_versions_say_why),
		cmocka_unit_test(test_order_chain),
		cmocka_unit_test(test_equal_but_written_differently),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_specifier_examples),
		cmocka_unit_test(test_specifier_errors),
		cmocka_unit_test(test_table_versions),
		cmocka_unit_test(test_table_order),
		cmocka_unit_test(test_table_specifiers),
		cmocka_unit_test(test_normal_form_is_stable),
		cmocka_unit_test(test_live_against_pip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
