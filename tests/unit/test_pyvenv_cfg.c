/* pyvenv.cfg parsing and reading, on real files in temp folders. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "scan/pyvenv_cfg.h"

/* Parses a copy that holds exactly `len` bytes, so ASan sees any read past
 * the end (the parser must not need a terminating NUL). */
static struct scan_cfg *parse_exact(const char *data, size_t len)
{
	char *copy = malloc(len ? len : 1);
	struct scan_cfg *cfg;

	assert_non_null(copy);
	memcpy(copy, data, len);
	cfg = scan_cfg_parse(copy, len);
	free(copy);
	return cfg;
}

static struct scan_cfg *parse_str(const char *s)
{
	return parse_exact(s, strlen(s));
}

static void assert_entry(const struct scan_cfg *cfg, size_t i, const char *key, const char *value)
{
	assert_true(i < cfg->n);
	assert_string_equal(cfg->items[i].key, key);
	assert_string_equal(cfg->items[i].value, value);
}

/* ---- samples written by real tools ---- */

static void test_venv_py36(void **state)
{
	(void)state;
	struct scan_cfg *cfg = parse_str("home = /usr/bin\n"
					 "include-system-site-packages = false\n"
					 "version = 3.6.9\n");

	assert_int_equal(cfg->n, 3);
	assert_entry(cfg, 0, "home", "/usr/bin");
	assert_entry(cfg, 1, "include-system-site-packages", "false");
	assert_entry(cfg, 2, "version", "3.6.9");
	assert_null(scan_cfg_get(cfg, "prompt"));
	assert_false(scan_cfg_is_true(scan_cfg_get(cfg, "include-system-site-packages")));
	assert_false(cfg->binary);
	assert_false(cfg->truncated);
	scan_cfg_free(cfg);
}

static void test_venv_py311(void **state)
{
	(void)state;
	struct scan_cfg *cfg = parse_str(
		"home = /root/.pyenv/versions/3.11.7/bin\n"
		"include-system-site-packages = true\n"
		"version = 3.11.7\n"
		"prompt = 'proj'\n"
		"executable = /root/.pyenv/versions/3.11.7/bin/python3.11\n"
		"command = /root/.pyenv/versions/3.11.7/bin/python3 -m venv --prompt=proj /tmp/v\n");
	char *prompt;

	assert_int_equal(cfg->n, 6);
	assert_entry(cfg, 4, "executable", "/root/.pyenv/versions/3.11.7/bin/python3.11");
	/* Split at the first '=' only: the rest belongs to the value. */
	assert_entry(cfg, 5, "command",
		     "/root/.pyenv/versions/3.11.7/bin/python3 -m venv --prompt=proj /tmp/v");
	assert_string_equal(scan_cfg_get(cfg, "version"), "3.11.7");
	assert_true(scan_cfg_is_true(scan_cfg_get(cfg, "include-system-site-packages")));
	prompt = scan_cfg_unquote_prompt(scan_cfg_get(cfg, "prompt"));
	assert_string_equal(prompt, "proj");
	free(prompt);
	scan_cfg_free(cfg);
}

static void test_virtualenv(void **state)
{
	(void)state;
	static const char *const keys[] = {
		"home",
		"implementation",
		"version_info",
		"virtualenv",
		"include-system-site-packages",
		"base-prefix",
		"base-exec-prefix",
		"base-executable",
	};
	struct scan_cfg *cfg = parse_str("home = /usr/bin\n"
					 "implementation = CPython\n"
					 "version_info = 3.11.2.final.0\n"
					 "virtualenv = 20.17.1+ds\n"
					 "include-system-site-packages = false\n"
					 "base-prefix = /usr\n"
					 "base-exec-prefix = /usr\n"
					 "base-executable = /usr/bin/python3\n");
	size_t i;

	assert_int_equal(cfg->n, 8);
	for (i = 0; i < 8; i++)
		assert_string_equal(cfg->items[i].key, keys[i]);
	assert_string_equal(scan_cfg_get(cfg, "implementation"), "CPython");
	assert_string_equal(scan_cfg_get(cfg, "version_info"), "3.11.2.final.0");
	assert_string_equal(scan_cfg_get(cfg, "virtualenv"), "20.17.1+ds");
	assert_string_equal(scan_cfg_get(cfg, "base-executable"), "/usr/bin/python3");
	assert_null(scan_cfg_get(cfg, "version"));
	scan_cfg_free(cfg);
}

static void test_uv(void **state)
{
	(void)state;
	struct scan_cfg *cfg = parse_str(
		"home = /home/me/.local/share/uv/python/cpython-3.12.4-linux-x86_64-gnu/bin\n"
		"implementation = CPython\n"
		"uv = 0.4.18\n"
		"version_info = 3.12.4\n"
		"include-system-site-packages = false\n"
		"relocatable = false\n"
		"seed = false\n"
		"prompt = my project\n");
	char *prompt;

	assert_int_equal(cfg->n, 8);
	assert_entry(cfg, 2, "uv", "0.4.18");
	assert_entry(cfg, 5, "relocatable", "false");
	assert_entry(cfg, 6, "seed", "false");
	/* uv writes the prompt unquoted: it comes back untouched. */
	prompt = scan_cfg_unquote_prompt(scan_cfg_get(cfg, "prompt"));
	assert_string_equal(prompt, "my project");
	free(prompt);
	scan_cfg_free(cfg);
}

/* ---- line and whitespace rules ---- */

static void test_crlf_and_no_final_newline(void **state)
{
	(void)state;
	struct scan_cfg *cfg = parse_str("home = C:\\Python311\r\n"
					 "version = 3.11.4\r\n"
					 "prompt = 'x'");

	assert_int_equal(cfg->n, 3);
	assert_entry(cfg, 0, "home", "C:\\Python311");
	assert_entry(cfg, 1, "version", "3.11.4");
	assert_entry(cfg, 2, "prompt", "'x'");
	scan_cfg_free(cfg);

	/* A lone CR ends a line too (universal newlines, as site.py reads). */
	cfg = parse_str("a = 1\rb = 2\r\r\nc = 3");
	assert_int_equal(cfg->n, 3);
	assert_entry(cfg, 0, "a", "1");
	assert_entry(cfg, 1, "b", "2");
	assert_entry(cfg, 2, "c", "3");
	scan_cfg_free(cfg);
}

static void test_lines_without_equals_and_no_comments(void **state)
{
	(void)state;
	struct scan_cfg *cfg = parse_str("[venv]\n"
					 "just words\n"
					 "\n"
					 "# home = /not/a/comment\n"
					 "home = /usr/bin # trailing\n"
					 "=\n"
					 "empty =\n");

	assert_int_equal(cfg->n, 4);
	/* 3.11+ has no comment syntax: '#' is part of key and value. */
	assert_entry(cfg, 0, "# home", "/not/a/comment");
	assert_entry(cfg, 1, "home", "/usr/bin # trailing");
	assert_entry(cfg, 2, "", "");
	assert_entry(cfg, 3, "empty", "");
	assert_string_equal(scan_cfg_get(cfg, "empty"), "");
	scan_cfg_free(cfg);
}

static void test_trim_and_case(void **state)
{
	(void)state;
	/* Tabs, spaces, CR, and the non-ASCII spaces Python's strip() removes
	 * (U+00A0 no-break space, U+3000 ideographic space). */
	struct scan_cfg *cfg = parse_str("\t  Home\t=\t /opt/py/bin  \t\r\n"
					 "VERSION=3.12.1\n"
					 "\xc2\xa0prompt\xc2\xa0= caf\xc3\xa9\xe3\x80\x80\n"
					 "inner = a  b\n");

	assert_int_equal(cfg->n, 4);
	assert_entry(cfg, 0, "Home", "/opt/py/bin");
	assert_entry(cfg, 2, "prompt", "caf\xc3\xa9");
	assert_entry(cfg, 3, "inner", "a  b");
	assert_string_equal(scan_cfg_get(cfg, "HOME"), "/opt/py/bin");
	assert_string_equal(scan_cfg_get(cfg, "version"), "3.12.1");
	assert_false(cfg->binary);
	scan_cfg_free(cfg);
}

static void test_duplicates_last_wins(void **state)
{
	(void)state;
	struct scan_cfg *cfg = parse_str("home = /first\nHOME = /second\nversion = 3.9.0\n");

	assert_int_equal(cfg->n, 3);
	assert_entry(cfg, 0, "home", "/first");
	assert_entry(cfg, 1, "HOME", "/second");
	assert_string_equal(scan_cfg_get(cfg, "home"), "/second");
	scan_cfg_free(cfg);
}

static void test_empty(void **state)
{
	(void)state;
	struct scan_cfg *cfg = parse_exact("", 0);

	assert_int_equal(cfg->n, 0);
	assert_false(cfg->binary);
	assert_null(scan_cfg_get(cfg, "home"));
	scan_cfg_free(cfg);
	cfg = scan_cfg_parse(NULL, 0);
	assert_int_equal(cfg->n, 0);
	scan_cfg_free(cfg);
	assert_null(scan_cfg_get(NULL, "home"));
	scan_cfg_free(NULL);
}

static void test_binary(void **state)
{
	(void)state;
	static const char data[] = "home = /usr/bin\n"
				   "ver\0sion = 3.11\n"
				   "version = 3.10.2\n"
				   "\x7f"
				   "ELF\x02\x01\x01";
	struct scan_cfg *cfg = parse_exact(data, sizeof(data) - 1);

	assert_true(cfg->binary);
	/* The line holding a NUL is dropped; the others are still read. */
	assert_int_equal(cfg->n, 2);
	assert_entry(cfg, 0, "home", "/usr/bin");
	assert_entry(cfg, 1, "version", "3.10.2");
	scan_cfg_free(cfg);

	/* Latin-1 bytes are not UTF-8 text. */
	cfg = parse_str("prompt = caf\xe9\n");
	assert_true(cfg->binary);
	assert_int_equal(cfg->n, 1);
	scan_cfg_free(cfg);

	/* A file of NULs only. */
	cfg = parse_exact("\0\0\0\0", 4);
	assert_true(cfg->binary);
	assert_int_equal(cfg->n, 0);
	scan_cfg_free(cfg);
}

static void test_long_line(void **state)
{
	(void)state;
	size_t n = 60000;
	char *data = malloc(n + 32);
	struct scan_cfg *cfg;

	assert_non_null(data);
	memcpy(data, "home = ", 7);
	memset(data + 7, 'x', n);
	memcpy(data + 7 + n, "\nversion = 3.8.10", 17);
	cfg = parse_exact(data, 7 + n + 17);
	assert_int_equal(cfg->n, 2);
	assert_int_equal(strlen(scan_cfg_get(cfg, "home")), n);
	assert_string_equal(scan_cfg_get(cfg, "version"), "3.8.10");
	scan_cfg_free(cfg);
	free(data);
}

/* ---- reading files ---- */

static void test_read_regular(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_cfg *cfg = NULL;
	struct vs_err err = {0};

	fx_write(fx->dir, "pyvenv.cfg",
		 "home = /usr/bin\r\ninclude-system-site-packages = false\r\nversion = 3.11.2\r\n",
		 (size_t)-1);
	assert_int_equal(scan_cfg_read_at(&cfg, fx->fd, "pyvenv.cfg", &err), 0);
	assert_non_null(cfg);
	assert_int_equal(cfg->n, 3);
	assert_string_equal(scan_cfg_get(cfg, "version"), "3.11.2");
	assert_false(cfg->truncated);
	scan_cfg_free(cfg);
}

static void expect_refused(struct fx_dir *fx, const char *msg)
{
	struct scan_cfg *cfg = (struct scan_cfg *)&cfg; /* must be reset */
	struct vs_err err = {0};

	assert_int_equal(scan_cfg_read_at(&cfg, fx->fd, "pyvenv.cfg", &err), VS_EFAIL);
	assert_null(cfg);
	assert_string_equal(err.msg, msg);
}

static void test_read_fifo_does_not_block(void **state)
{
	struct fx_dir *fx = *state;
	char *p = fx_path(fx->dir, "pyvenv.cfg");

	assert_int_equal(mkfifo(p, 0644), 0);
	expect_refused(fx, "pyvenv.cfg: is a FIFO, not a file");
	free(p);
}

static void test_read_directory(void **state)
{
	struct fx_dir *fx = *state;

	fx_mkdirs(fx->dir, "pyvenv.cfg");
	expect_refused(fx, "pyvenv.cfg: is a directory");
}

static void test_read_dangling_symlink(void **state)
{
	struct fx_dir *fx = *state;

	fx_symlink("/nonexistent/pyvenv.cfg", fx->dir, "pyvenv.cfg");
	expect_refused(fx, "pyvenv.cfg: is a symbolic link");
}

static void test_read_symlink_to_file(void **state)
{
	struct fx_dir *fx = *state;

	/* Even a good target is refused: the link is not the env's own file. */
	fx_write(fx->dir, "real.cfg", "home = /usr/bin\n", (size_t)-1);
	fx_symlink("real.cfg", fx->dir, "pyvenv.cfg");
	expect_refused(fx, "pyvenv.cfg: is a symbolic link");
}

static void test_read_missing(void **state)
{
	expect_refused(*state, "pyvenv.cfg: does not exist");
}

static void test_read_permission_denied(void **state)
{
	struct fx_dir *fx = *state;
	char *p;

	if (geteuid() == 0)
		skip(); /* root reads anything */
	fx_write(fx->dir, "pyvenv.cfg", "home = /usr/bin\n", (size_t)-1);
	p = fx_path(fx->dir, "pyvenv.cfg");
	assert_int_equal(chmod(p, 0), 0);
	expect_refused(fx, "pyvenv.cfg: permission denied");
	free(p);
}

static void test_read_truncated(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_cfg *cfg = NULL;
	struct vs_err err = {0};
	size_t line = 32, n = SCAN_CFG_MAX_BYTES / line + 10, i;
	char *data = malloc(16 + n * line + 1);

	/* A 16-byte first line, then lines of exactly 32 bytes
	 * ("k00000 = 0000000000000000000000\n"), so the limit cuts a line. */
	memcpy(data, "home = /usr/bin\n", 16);
	for (i = 0; i < n; i++) {
		char one[64];

		snprintf(one, sizeof(one), "k%05zu = %022d\n", i, 0);
		assert_int_equal(strlen(one), line);
		memcpy(data + 16 + i * line, one, line);
	}
	fx_write(fx->dir, "pyvenv.cfg", data, 16 + n * line);
	assert_int_equal(scan_cfg_read_at(&cfg, fx->fd, "pyvenv.cfg", &err), 0);
	assert_true(cfg->truncated);
	assert_false(cfg->binary);
	/* The line cut in half is dropped, every whole one is kept. */
	assert_int_equal(cfg->n, 1 + (SCAN_CFG_MAX_BYTES - 16) / line);
	assert_string_equal(scan_cfg_get(cfg, "home"), "/usr/bin");
	assert_string_equal(cfg->items[cfg->n - 1].key, "k02046");
	assert_string_equal(cfg->items[cfg->n - 1].value, "0000000000000000000000");
	scan_cfg_free(cfg);

	/* Exactly the limit: not truncated, nothing dropped. */
	fx_write(fx->dir, "pyvenv.cfg", data + 16, SCAN_CFG_MAX_BYTES);
	assert_int_equal(scan_cfg_read_at(&cfg, fx->fd, "pyvenv.cfg", &err), 0);
	assert_false(cfg->truncated);
	assert_int_equal(cfg->n, SCAN_CFG_MAX_BYTES / line);
	assert_string_equal(cfg->items[cfg->n - 1].key, "k02047");
	scan_cfg_free(cfg);

	/* A big blob with no line break: nothing to read, and flagged. */
	memset(data, 0xff, SCAN_CFG_MAX_BYTES + 100);
	fx_write(fx->dir, "pyvenv.cfg", data, SCAN_CFG_MAX_BYTES + 100);
	assert_int_equal(scan_cfg_read_at(&cfg, fx->fd, "pyvenv.cfg", &err), 0);
	assert_true(cfg->truncated);
	assert_true(cfg->binary);
	assert_int_equal(cfg->n, 0);
	scan_cfg_free(cfg);

	/* Text whose cut splits a two-byte character is still text. */
	memset(data, 'a', SCAN_CFG_MAX_BYTES + 100);
	memcpy(data, "home = /usr/bin\nprompt = ", 25);
	for (i = 25; i + 1 < SCAN_CFG_MAX_BYTES + 100; i += 2)
		memcpy(data + i, "\xc3\xa9", 2);
	fx_write(fx->dir, "pyvenv.cfg", data, SCAN_CFG_MAX_BYTES + 100);
	assert_int_equal(scan_cfg_read_at(&cfg, fx->fd, "pyvenv.cfg", &err), 0);
	assert_true(cfg->truncated);
	assert_false(cfg->binary);
	assert_int_equal(cfg->n, 1);
	assert_string_equal(cfg->items[0].value, "/usr/bin");
	scan_cfg_free(cfg);
	free(data);
}

/* A venv made by the machine's own python3, when there is one. */
static void test_read_real_venv(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_cfg *cfg = NULL;
	struct vs_err err = {0};
	char cmd[8192], version[64] = "";
	char *prompt;
	FILE *f;
	int envfd;

	f = popen("python3 -c 'import platform; print(platform.python_version())' 2>/dev/null", "r");
	if (!f || !fgets(version, sizeof(version), f) || !*version) {
		if (f)
			pclose(f);
		skip();
	}
	pclose(f);
	version[strcspn(version, "\n")] = '\0';
	alarm(120);
	snprintf(cmd, sizeof(cmd),
		 "python3 -m venv --without-pip --prompt \"it's a \\\\ test\" '%s/env' >/dev/null 2>&1",
		 fx->dir);
	if (system(cmd) != 0)
		skip();
	snprintf(cmd, sizeof(cmd), "%s/env", fx->dir);
	envfd = open(cmd, O_RDONLY | O_DIRECTORY);
	assert_true(envfd >= 0);
	assert_int_equal(scan_cfg_read_at(&cfg, envfd, "pyvenv.cfg", &err), 0);
	close(envfd);
	assert_string_equal(scan_cfg_get(cfg, "version"), version);
	assert_string_equal(scan_cfg_get(cfg, "include-system-site-packages"), "false");
	assert_non_null(scan_cfg_get(cfg, "home"));
	assert_int_equal(scan_cfg_get(cfg, "home")[0], '/');
	/* venv wrote repr("it's a \\ test"), i.e. "it's a \\ test". */
	assert_string_equal(scan_cfg_get(cfg, "prompt"), "\"it's a \\\\ test\"");
	prompt = scan_cfg_unquote_prompt(scan_cfg_get(cfg, "prompt"));
	assert_string_equal(prompt, "it's a \\ test");
	free(prompt);
	scan_cfg_free(cfg);
}

/* ---- prompt and booleans ---- */

static void expect_prompt(const char *value, const char *want)
{
	char *got = scan_cfg_unquote_prompt(value);

	assert_string_equal(got, want);
	free(got);
}

static void test_unquote_prompt(void **state)
{
	(void)state;
	/* Left: what Python's repr() wrote; right: the prompt itself. */
	expect_prompt("'my env'", "my env");
	expect_prompt("\"it's\"", "it's");
	expect_prompt("'say \"hi\"'", "say \"hi\"");
	expect_prompt("'both \\' and \"'", "both ' and \"");
	expect_prompt("'tab\\there'", "tab\there");
	expect_prompt("'new\\nline'", "new\nline");
	expect_prompt("'a\\\\b'", "a\\b");
	expect_prompt("'\\x7f'", "\x7f");
	expect_prompt("'\\xa0'", "\xc2\xa0");
	expect_prompt("'\\u200b'", "\xe2\x80\x8b");
	expect_prompt("'\\U000e0001'", "\xf3\xa0\x80\x81");
	expect_prompt("'\xc3\xa9t\xc3\xa9'", "\xc3\xa9t\xc3\xa9");
	expect_prompt("'\\ud800'", "\xef\xbf\xbd");
	expect_prompt("''", "");
}

static void test_unquote_prompt_not_repr(void **state)
{
	(void)state;
	/* virtualenv and uv write the prompt bare. */
	expect_prompt("my env", "my env");
	expect_prompt("(proj) ", "(proj) ");
	expect_prompt("", "");
	expect_prompt("'", "'");
	expect_prompt("\"", "\"");
	expect_prompt("'mismatched\"", "'mismatched\"");
	expect_prompt("'it's'", "'it's'");
	expect_prompt("'ends in \\'", "'ends in \\'");
	expect_prompt("'\\xZZ'", "'\\xZZ'");
	expect_prompt("'\\x00'", "'\\x00'");
	expect_prompt("'\\U00110000'", "'\\U00110000'");
	/* An escape repr never writes is kept as Python keeps it. */
	expect_prompt("'a\\qb'", "a\\qb");
}

static void test_is_true(void **state)
{
	(void)state;
	assert_true(scan_cfg_is_true("true"));
	assert_true(scan_cfg_is_true("True"));
	assert_true(scan_cfg_is_true("TRUE"));
	assert_false(scan_cfg_is_true("false"));
	assert_false(scan_cfg_is_true("yes"));
	assert_false(scan_cfg_is_true("1"));
	assert_false(scan_cfg_is_true("truely"));
	assert_false(scan_cfg_is_true(""));
	assert_false(scan_cfg_is_true(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_venv_py36),
		cmocka_unit_test(test_venv_py311),
		cmocka_unit_test(test_virtualenv),
		cmocka_unit_test(test_uv),
		cmocka_unit_test(test_crlf_and_no_final_newline),
		cmocka_unit_test(test_lines_without_equals_and_no_comments),
		cmocka_unit_test(test_trim_and_case),
		cmocka_unit_test(test_duplicates_last_wins),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test_setup_teardown(test_read_regular, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_fifo_does_not_block, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_directory, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_dangling_symlink, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_symlink_to_file, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_missing, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_permission_denied, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_truncated, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_real_venv, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test(test_unquote_prompt),
		cmocka_unit_test(test_unquote_prompt_not_repr),
		cmocka_unit_test(test_is_true),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
