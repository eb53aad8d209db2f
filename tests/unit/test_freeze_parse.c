/* What freeze reads, parsed the way Python does it for pip: METADATA
 * headers (email's compat32 feedparser), pkg_resources' version line,
 * direct_url.json (PEP 610 as pip validates it), file: URLs, and the
 * posixpath / str helpers. Pure functions: no files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "pip/direct_url.h"
#include "scan/git_info.h"
#include "pip/pymeta.h"
#include "pip/pypath.h"

static void check_str(char *got, const char *want)
{
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static char *header(const char *text, const char *field)
{
	return pymeta_header(text, strlen(text), field);
}

static void test_headers(void **state)
{
	(void)state;
	check_str(header("Name: foo\nVersion: 1.0\n\nName: body\n", "name"), "foo");
	check_str(header("name:foo\n", "Name"), "foo");
	/* First one wins; leading blanks go, trailing ones stay. */
	check_str(header("Name:  \tA  \nName: B\n", "Name"), "A  ");
	/* A continuation line is kept with its line break. */
	check_str(header("Name: a\n  b\nVersion: 1\n", "Name"), "a\n  b");
	/* The body starts at a blank line, or at a line that is no header. */
	check_str(header("Summary: x\n\nVersion: 1\n", "Version"), NULL);
	check_str(header("Summary: x\nnot a header\nVersion: 1\n", "Version"), NULL);
	check_str(header("Bad Name: x\nVersion: 1\n", "Version"), NULL);
	/* CRLF and lone CR end lines too. */
	check_str(header("Name: crlf\r\nVersion: 2\r\n", "Version"), "2");
	check_str(header("Name: cr\rVersion: 3\r", "Version"), "3");
	/* A unix-from line and a ":" line are not headers; parsing goes on. */
	check_str(header("From nobody\nName: x\n", "Name"), "x");
	check_str(header(":odd\nName: y\n", "Name"), "y");
	/* No newline at the end, empty value, absent field. */
	check_str(header("Version: 4", "Version"), "4");
	check_str(header("Name:\n", "Name"), "");
	check_str(header("", "Name"), NULL);
	{
		size_t n;
		char *u = pymeta_universal_newlines("a\r\nb\rc\n", 7, &n);

		assert_int_equal(n, 6);
		assert_string_equal(u, "a\nb\nc\n");
		free(u);
		u = pymeta_universal_newlines("a\nb\0c", 5, &n); /* no CR: copied as is */
		assert_int_equal(n, 5);
		assert_memory_equal(u, "a\nb\0c", 6);
		free(u);
	}
}

static void test_version_line(void **state)
{
	const char *t = "Metadata-Version: 2.1\nName: x\n\n  VERSION:  7.0 \n";

	(void)state;
	check_str(pymeta_version_line(t, strlen(t)), "7.0");
	check_str(pymeta_version_line("Version:\n", 9), NULL);
	check_str(pymeta_version_line("Name: x\n", 8), NULL);
}

static int parse(struct scan_direct_url *d, const char *json)
{
	struct vs_err err = {0};
	int rc = scan_direct_url_parse(d, json, strlen(json), &err);

	if (rc != 0)
		assert_true(err.msg[0] != '\0');
	return rc;
}

static void test_direct_url_valid(void **state)
{
	struct scan_direct_url d;
	char *req;

	(void)state;
	assert_int_equal(parse(&d, "{\"url\": \"https://h/r.git\", \"vcs_info\": {\"vcs\": \"git\", "
				   "\"commit_id\": \"abc\", \"requested_revision\": \"main\"}}"),
			 0);
	assert_int_equal(d.kind, SCAN_DIRECT_VCS);
	req = scan_direct_url_requirement(&d, "Pkg");
	check_str(req, "Pkg @ git+https://h/r.git@abc");
	scan_direct_url_clear(&d);

	assert_int_equal(parse(&d,
			       "{\"url\": \"file:///w/a.whl\", \"archive_info\": {\"hash\": "
			       "\"sha256=ff\", \"hashes\": {\"sha256\": \"ff\"}}, \"subdirectory\": \"s\"}"),
			 0);
	check_str(scan_direct_url_requirement(&d, "a"), "a @ file:///w/a.whl#sha256=ff&subdirectory=s");
	scan_direct_url_clear(&d);

	assert_int_equal(parse(&d, "{\"url\": \"file:///src/x\", \"dir_info\": {\"editable\": true}}"),
			 0);
	assert_int_equal(d.kind, SCAN_DIRECT_DIR);
	assert_true(d.editable);
	scan_direct_url_clear(&d);

	/* A repeated key: the last value counts (Python's json). */
	assert_int_equal(parse(&d, "{\"url\": 1, \"url\": \"u\", \"dir_info\": {}}"), 0);
	assert_string_equal(d.url, "u");
	assert_false(d.editable);
	check_str(scan_direct_url_requirement(&d, "n"), "n @ u");
	scan_direct_url_clear(&d);
}

static void test_direct_url_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"{not json",
		"[]",
		"\"url\"",
		"{\"dir_info\": {}}",
		"{\"url\": null, \"dir_info\": {}}",
		"{\"url\": \"u\"}",
		"{\"url\": \"u\", \"dir_info\": {}, \"archive_info\": {}}",
		"{\"url\": \"u\", \"dir_info\": null}",
		"{\"url\": \"u\", \"dir_info\": {\"editable\": 1}}",
		"{\"url\": \"u\", \"archive_info\": {\"hash\": \"nohashname\"}}",
		"{\"url\": \"u\", \"archive_info\": {\"hashes\": []}}",
		"{\"url\": \"u\", \"vcs_info\": {\"vcs\": \"git\"}}",
		"{\"url\": \"u\", \"vcs_info\": {\"commit_id\": \"c\"}}",
		"{\"url\": \"u\", \"vcs_info\": {\"vcs\": \"git\", \"commit_id\": \"c\", \"requested_revision\": 3}}",
		"{\"url\": \"u\", \"subdirectory\": 5, \"dir_info\": {}}",
		"\xef\xbb\xbf{\"url\": \"u\", \"dir_info\": {}}",
		"{\"url\": \"\xff\", \"dir_info\": {}}",
	};
	struct scan_direct_url d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (parse(&d, bad[i]) == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_null(d.url);
	}
	scan_direct_url_clear(NULL);
}

static void test_file_urls(void **state)
{
	(void)state;
	check_str(scan_file_url_to_path("file:///src/a%20b/"), "/src/a b");
	check_str(scan_file_url_to_path("file://localhost/x/./y/../z"), "/x/z");
	check_str(scan_file_url_to_path("file:/p?q#f"), "/p");
	check_str(scan_file_url_to_path("file://host/x"), NULL);
	check_str(scan_file_url_to_path("https://h/x"), NULL);
}

static void test_git_remotes(void **state)
{
	(void)state;
	check_str(scan_git_remote_to_pip_url("https://h/r.git"), "https://h/r.git");
	check_str(scan_git_remote_to_pip_url("  ssh://git@h/r.git \n"), "ssh://git@h/r.git");
	check_str(scan_git_remote_to_pip_url("git@github.com:org/repo.git"),
		  "ssh://git@github.com/org/repo.git");
	check_str(scan_git_remote_to_pip_url("host:path"), "ssh://host/path");
	check_str(scan_git_remote_to_pip_url("/"), "file:///");
	check_str(scan_git_remote_to_pip_url("/tmp//./"), "file:///tmp");
	check_str(scan_git_remote_to_pip_url("../relative.git"), NULL);
	check_str(scan_git_remote_to_pip_url("/does/not/exist.git"), NULL);
	check_str(scan_git_remote_to_pip_url("h:/abs"), NULL);
	check_str(scan_git_remote_to_pip_url("a/b:c"), NULL);
}

static void test_pypath(void **state)
{
	(void)state;
	check_str(py_normpath("/a//b/./c/../d/"), "/a/b/d");
	check_str(py_normpath("//a/b"), "//a/b");
	check_str(py_normpath("///a"), "/a");
	check_str(py_normpath("/.."), "/");
	check_str(py_normpath("a/../../b"), "../b");
	check_str(py_normpath(""), ".");
	check_str(py_abspath("x/y", "/cwd"), "/cwd/x/y");
	check_str(py_relpath("/r/a/b", "/r"), "a/b");
	check_str(py_relpath("/r", "/r/a/b"), "../..");
	check_str(py_relpath("/x/y", "/r/z"), "../../x/y");
	check_str(py_relpath("/r", "/r"), ".");
	check_str(py_lower("ABC-Ñandú-ΣΑΣ-ЖУК-İ"), "abc-ñandú-σασ-жук-i\xcc\x87");
	check_str(py_lower("@AZ[`az{_Foo-1.0"), "@az[`az{_foo-1.0"); /* ASCII only */
	check_str(py_lower(""), "");
	assert_int_equal(py_rstrip_len("a \t\n", 4), 1);
	assert_int_equal(py_rstrip_len("a\xc2\xa0", 3), 1);
	assert_int_equal(py_rstrip_len("a\xe3\x80\x80", 4), 1);
	assert_int_equal(py_rstrip_len("\xc3\xa9", 2), 2);
	check_str(py_url_quote("/a b/ü~_.-"), "/a%20b/%C3%BC~_.-");
	assert_true(py_utf8_valid("ü", 2));
	assert_false(py_utf8_valid("\xc0\x80", 2));
	assert_false(py_utf8_valid("\xed\xa0\x80", 3));
	assert_false(py_utf8_valid("\xf4\x90\x80\x80", 4));
	/* Long ASCII runs are skipped eight bytes at a time: a bad byte or
	 * sequence is still seen at every offset, and a good one accepted. */
	for (size_t at = 0; at < 20; at++) {
		char buf[32];

		memset(buf, 'a', sizeof(buf));
		buf[at] = '\xff';
		assert_false(py_utf8_valid(buf, 24));
		assert_true(py_utf8_valid(buf, at)); /* everything before it */
		memcpy(buf + at, "\xc3\xbc", 2);
		assert_true(py_utf8_valid(buf, 24));
		memcpy(buf + at, "\xed\xa0\x80", 3);
		assert_false(py_utf8_valid(buf, 24));
		assert_false(py_utf8_valid(buf, at + 2)); /* cut short */
	}
	assert_true(py_utf8_valid("", 0));
	assert_true(py_utf8_valid("0123456789abcdef", 16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),          cmocka_unit_test(test_version_line),
		cmocka_unit_test(test_direct_url_valid), cmocka_unit_test(test_direct_url_invalid),
		cmocka_unit_test(test_file_urls),        cmocka_unit_test(test_git_remotes),
		cmocka_unit_test(test_pypath),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
