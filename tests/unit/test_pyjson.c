/* pip/pyjson.c: JSON read by json.loads' rules, not cJSON's. Each verdict
 * below is what Python 3.11's json.loads says for the same text (checked
 * with `python3 -c 'import json,sys; json.loads(sys.stdin.read())'`); the
 * e2e freeze corpus checks the same cases against a real pip. Plus the
 * NUL convention (PY_NUL) and py_strcmp. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pip/direct_url.h"
#include "pip/pyjson.h"
#include "pip/pypath.h"
#include "util/strbuf.h"

static cJSON *parse_n(const char *text, size_t len)
{
	struct vs_err err = {0};
	cJSON *doc = pyjson_parse(text, len, &err);

	if (!doc)
		assert_true(err.msg[0] != '\0'); /* a refusal says why */
	return doc;
}

static cJSON *parse(const char *text)
{
	return parse_n(text, strlen(text));
}

static void accepted(const char *text)
{
	cJSON *doc = parse(text);

	if (!doc)
		fail_msg("json.loads accepts %s", text);
	cJSON_Delete(doc);
}

static void refused_n(const char *text, size_t len)
{
	cJSON *doc = parse_n(text, len);

	if (doc)
		fail_msg("json.loads refuses %.*s", (int)len, text);
}

static void refused(const char *text)
{
	refused_n(text, strlen(text));
}

static void test_grammar(void **state)
{
	(void)state;
	accepted("{}");
	accepted(" \t\r\n{\"a\": [1, -0, 0.5, 1e5, 1E+2, -1.5e-3, true, false, null, \"\"]} \n\t\r");
	accepted("{\"n\": NaN, \"i\": Infinity, \"m\": -Infinity}");
	accepted("[NaN]");
	accepted("NaN");
	accepted("{\"big\": 9999999999999999999999999999999999999999999999999999999999999999999999}");
	accepted("{\"a\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"}");
	accepted("{\"lone\\ud800\": 1, \"low\\udc80\": 2}"); /* lone surrogates */
	accepted("\"del \x7f raw\"");
	accepted("{\"a\": 1, \"a\": 2}");
	/* Raw control characters in strings. */
	refused("{\"url\": \"a\x01b\"}");
	refused("{\"url\": \"a\tb\"}");
	refused("{\"url\": \"a\nb\"}");
	refused("{\"url\": \"a\x1b[31mb\"}");
	refused_n("{\"url\": \"a\0b\"}", 13);
	/* Trailing junk; white space is only " \t\r\n". */
	refused("{} x");
	refused("{}{}");
	refused_n("{}\0", 3);
	refused("{}\x0b");
	refused("\x0c{}");
	refused("{\"a\":\x0c1}");
	refused("");
	refused("   ");
	/* Numbers: no leading zeros, plus signs, bare dots, hex; nan is not NaN. */
	refused("[01]");
	refused("[+1]");
	refused("[1.]");
	refused("[.5]");
	refused("[1e]");
	refused("[-]");
	refused("[0x10]");
	refused("[nan]");
	refused("[-NaN]");
	refused("[infinity]");
	refused("[Inf]");
	/* Structure: trailing commas, missing parts, unknown escapes. */
	refused("{\"a\": 1,}");
	refused("[1,]");
	refused("{,}");
	refused("{\"a\" 1}");
	refused("{a: 1}");
	refused("{'a': 1}");
	refused("[1 2]");
	refused("{\"a\": 1");
	refused("\"open");
	refused("\"bad \\x41\"");
	refused("\"bad \\u12G4\"");
	refused("\"cut \\u12\"");
	refused("[True]");
	refused("[nul]");
	refused("/* c */ {}");
}

static void test_values(void **state)
{
	cJSON *doc, *it;
	const char *text = "{\"n\": NaN, \"i\": -Infinity, \"k\": 1, \"k\": \"two\", "
			   "\"s\": \"\\u00e9\\ud83d\\ude00\\u0000x\", \"x\\ud800\": 0}";
	int k = 0;

	(void)state;
	doc = parse(text);
	assert_non_null(doc);
	assert_true(isnan(cJSON_GetObjectItemCaseSensitive(doc, "n")->valuedouble));
	assert_true(isinf(cJSON_GetObjectItemCaseSensitive(doc, "i")->valuedouble));
	assert_true(cJSON_GetObjectItemCaseSensitive(doc, "i")->valuedouble < 0);
	/* Both "k" members are kept, in order (the reader takes the last). */
	cJSON_ArrayForEach(it, doc) if (strcmp(it->string, "k") == 0) k++;
	assert_int_equal(k, 2);
	/* U+0000 is carried as PY_NUL; a pair is one character. */
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(doc, "s")->valuestring,
			    "\xc3\xa9\xf0\x9f\x98\x80" PY_NUL "x");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(doc, "x\xed\xa0\x80"));
	cJSON_Delete(doc);
}

static void test_depth(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	cJSON *doc;

	(void)state;
	for (int i = 0; i < PYJSON_MAX_DEPTH; i++)
		sb_addc(&sb, '[');
	for (int i = 0; i < PYJSON_MAX_DEPTH; i++)
		sb_addc(&sb, ']');
	doc = parse(sb_str(&sb));
	assert_non_null(doc);
	cJSON_Delete(doc);
	sb_reset(&sb);
	for (int i = 0; i < 100000; i++)
		sb_addc(&sb, '[');
	refused(sb_str(&sb)); /* no stack overflow: refused */
	sb_free(&sb);
}

/* direct_url.json through the parser: what pip keeps and what it drops. */
static void test_direct_url(void **state)
{
	static const char *const ok[] = {
		"{\"url\": \"file:///x\", \"dir_info\": {}, \"n\": NaN}",
		"{\"url\": \"file:///x\", \"dir_info\": {}, \"n\": [Infinity, -Infinity]}",
		"{\"url\": \"file:///x\", \"dir_info\": {}}\n \r\t",
		"{\"url\": \"file:///x\", \"dir_info\": {}, \"n\\ud800\": 1}",
	};
	static const char *const bad[] = {
		"{\"url\": \"file:///a\x01b\", \"dir_info\": {}}",
		"{\"url\": \"file:///x\", \"dir_info\": {}} x",
		"\x0b{\"url\": \"file:///x\", \"dir_info\": {}}",
		"{\"url\": NaN, \"dir_info\": {}}",
	};
	struct scan_direct_url d;
	struct vs_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		assert_int_equal(scan_direct_url_parse(&d, ok[i], strlen(ok[i]), &err), 0);
		assert_string_equal(d.url, "file:///x");
		scan_direct_url_clear(&d);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(scan_direct_url_parse(&d, bad[i], strlen(bad[i]), &err), VS_EUSAGE);
	/* The object followed by a NUL byte: "Extra data". */
	{
		static const char text[] = "{\"url\": \"u\", \"dir_info\": {}}\0";

		assert_int_equal(scan_direct_url_parse(&d, text, sizeof(text) - 2, &err), 0);
		scan_direct_url_clear(&d);
		assert_int_equal(scan_direct_url_parse(&d, text, sizeof(text) - 1, &err), VS_EUSAGE);
	}
}

static void test_nul(void **state)
{
	size_t n;
	char *s = py_nul_encode("a\0b\0", 4, &n);

	(void)state;
	assert_int_equal(n, 6);
	assert_memory_equal(s,
			    "a\xc0\x80"
			    "b\xc0\x80",
			    7);
	assert_int_equal(py_nul_decode(s, n), 4);
	assert_memory_equal(s, "a\0b\0", 4);
	free(s);
	/* Python's order: U+0000 before everything, a prefix first. */
	assert_true(py_strcmp("ab" PY_NUL "cd", "ab-x") < 0);
	assert_true(py_strcmp("ab", "ab" PY_NUL) < 0);
	assert_true(py_strcmp("ab" PY_NUL, "ab\x01") < 0);
	assert_true(py_strcmp("b", "a" PY_NUL) > 0);
	assert_int_equal(py_strcmp("a" PY_NUL, "a" PY_NUL), 0);
	assert_true(py_strcmp("\xc3\xa9", "z") > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grammar), cmocka_unit_test(test_values),
		cmocka_unit_test(test_depth),   cmocka_unit_test(test_direct_url),
		cmocka_unit_test(test_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
