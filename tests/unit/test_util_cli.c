/* Small pure functions: JSON quoting, sorting, text fitting, human units,
 * paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/fixture.h"

#include "cli/json.h"
#include "scan/sort.h"
#include "util/human.h"
#include "util/path.h"
#include "util/readfile.h"
#include "util/textwidth.h"

static void quote_is(const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	cli_json_quote(&sb, in);
	assert_string_equal(sb_str(&sb), want);
	sb_free(&sb);
}

static void test_json_quote(void **state)
{
	(void)state;
	quote_is("plain", "\"plain\"");
	quote_is("a\"b\\c", "\"a\\\"b\\\\c\"");
	quote_is("new\nline\ttab\x01", "\"new\\nline\\ttab\\u0001\"");
	quote_is("caf\xc3\xa9", "\"caf\xc3\xa9\"");            /* valid UTF-8 kept */
	quote_is("inv\xffx", "\"inv\\udcffx\"");               /* surrogateescape */
	quote_is("\xc3", "\"\\udcc3\"");                       /* truncated sequence */
	quote_is("\xc0\xaf", "\"\\udcc0\\udcaf\"");            /* overlong */
	quote_is("\xed\xa0\x80", "\"\\udced\\udca0\\udc80\""); /* encoded surrogate */
	quote_is("\xf0\x9f\x90\x8d", "\"\xf0\x9f\x90\x8d\"");  /* 4-byte */
}

static struct venv *mk(const char *path, uint64_t size, int64_t mtime, const char *ver)
{
	struct venv *v = calloc(1, sizeof(*v));

	v->path = strdup(path);
	v->name = strdup(strrchr(path, '/') + 1);
	v->size_known = size != 0;
	v->size.size_bytes = size;
	v->last_modified = mtime;
	v->python_version = ver ? strdup(ver) : NULL;
	return v;
}

static void test_sort(void **state)
{
	struct venv *v[4];

	(void)state;
	v[0] = mk("/a/one", 100, 50, "3.9.18");
	v[1] = mk("/b/two", 300, 10, "3.10.1");
	v[2] = mk("/c/three", 0, 0, NULL); /* not sized yet, unknown age and version */
	v[3] = mk("/d/four", 200, 30, "3.8.0");
	scan_sort_venvs(v, 4, SCAN_SORT_SIZE, false);
	assert_string_equal(v[0]->name, "two");
	assert_string_equal(v[1]->name, "four");
	assert_string_equal(v[2]->name, "one");
	assert_string_equal(v[3]->name, "three");
	scan_sort_venvs(v, 4, SCAN_SORT_SIZE, true);
	assert_string_equal(v[0]->name, "one");
	assert_string_equal(v[3]->name, "three"); /* unknown stays last */
	scan_sort_venvs(v, 4, SCAN_SORT_PYTHON, false);
	assert_string_equal(v[0]->name, "four");
	assert_string_equal(v[1]->name, "one");
	assert_string_equal(v[2]->name, "two"); /* 3.10 after 3.9 */
	scan_sort_venvs(v, 4, SCAN_SORT_AGE, false);
	assert_string_equal(v[0]->name, "two"); /* oldest first */
	scan_sort_venvs(v, 4, SCAN_SORT_NAME, false);
	assert_string_equal(v[0]->name, "four");
	assert_int_equal(scan_sort_parse("python"), SCAN_SORT_PYTHON);
	for (int i = 0; i < 4; i++)
		venv_free(v[i]);

	/* By name: `list` by the folder's name, the browser by the name a
	 * row shows (a generic name with its parent's in front). */
	v[0] = mk("/w/zeta", 1, 1, NULL);
	v[1] = mk("/w/proj/.venv", 1, 1, NULL);
	v[2] = mk("/w/alpha", 1, 1, NULL);
	v[3] = mk("/.venv", 1, 1, NULL);
	assert_string_equal(venv_shown_name(v[1]), "proj/.venv");
	assert_string_equal(venv_shown_name(v[3]), ".venv"); /* no parent to name */
	assert_string_equal(venv_shown_name(v[0]), "zeta");
	assert_true(venv_name_is_generic(".direnv"));
	assert_false(venv_name_is_generic("webshop"));
	scan_sort_venvs(v, 4, SCAN_SORT_NAME, false);
	assert_string_equal(v[0]->path, "/.venv");
	assert_string_equal(v[1]->path, "/w/proj/.venv");
	assert_string_equal(v[2]->path, "/w/alpha");
	assert_string_equal(v[3]->path, "/w/zeta");
	scan_sort_venvs_by(v, 4, SCAN_SORT_NAME, false, false);
	assert_string_equal(v[0]->path, "/.venv");
	assert_string_equal(v[1]->path, "/w/alpha");
	assert_string_equal(v[2]->path, "/w/proj/.venv");
	assert_string_equal(v[3]->path, "/w/zeta");
	assert_int_equal(scan_sort_parse("bogus"), -1);
	for (int i = 0; i < 4; i++)
		venv_free(v[i]);
}

static void fit_is(const char *in, size_t w, enum tw_cut cut, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	tw_fit(&sb, in, w, cut, 1);
	assert_string_equal(sb_str(&sb), want);
	sb_free(&sb);
}

static void test_textwidth(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	assert_int_equal(tw_width("abc"), 3);
	assert_int_equal(tw_width("caf\xc3\xa9"), 4);
	assert_int_equal(tw_width("a\nb"), 6); /* newline shown as \x0a */
	fit_is("abc", 5, TW_CUT_END, "abc  ");
	fit_is("abcdefgh", 5, TW_CUT_END, "abcd\xe2\x80\xa6");
	fit_is("/home/me/projects/x", 9, TW_CUT_MIDDLE,
	       "/hom\xe2\x80\xa6"
	       "ts/x");
	fit_is("bad\xffname", 20, TW_CUT_END, "bad\\xffname         ");
	/* Controls, bidi and zero-width characters are escaped, whole. */
	fit_is("a\x1b[31mb\x07", 16, TW_CUT_END, "a\\x1b[31mb\\x07  ");
	fit_is("x\xe2\x80\xaey\xe2\x80\x8bz", 15, TW_CUT_END, "x\\u202ey\\u200bz");
	fit_is("\xe2\x80\xae"
	       "abcdef",
	       7, TW_CUT_END, "\\u202e\xe2\x80\xa6");
	assert_int_equal(tw_take("\x1b\x1bz", 5), 1); /* \x1b\x1b: 8 columns */
	assert_int_equal(tw_take("\xe2\x80\xaez", 6), 3);
	/* C1 controls as UTF-8, tags, and what only fits in a UTF-8 locale. */
	fit_is("\xc2\x9b"
	       "1m",
	       8, TW_CUT_END, "\\u009b1m");
	fit_is("\xf3\xa0\x80\x81", 10, TW_CUT_END, "\\U000e0001");
	assert_non_null(setlocale(LC_CTYPE, "C"));
	fit_is("caf\xc3\xa9", 11, TW_CUT_END, "caf\\xc3\\xa9");
}

static void escaped_is(const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	tw_escape(&sb, in);
	assert_string_equal(sb_str(&sb), want);
	sb_free(&sb);
}

/* Text output: the same escapes whatever the locale; UTF-8 text kept. */
static void test_escape(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C"));
	escaped_is("caf\xc3\xa9 \\x1b", "caf\xc3\xa9 \\x1b");
	escaped_is("\x1b[31mred\x07\x7f\t\n", "\\x1b[31mred\\x07\\x7f\\x09\\x0a");
	escaped_is("\xe2\x80\xaa\xe2\x80\xae\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c",
		   "\\u202a\\u202e\\u2066\\u2069\\u200e\\u200f\\u061c");
	escaped_is("\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d\xe2\x81\xa0\xef\xbb\xbf",
		   "\\u200b\\u200c\\u200d\\u2060\\ufeff");
	/* Invalid UTF-8: a lone continuation, an overlong, a surrogate, a cut
	 * sequence at the end: each byte on its own. */
	escaped_is("\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x80",
		   "\\x80|\\xc0\\xaf|\\xed\\xa0\\x80|\\xe2\\x80");
	escaped_is("\xf0\x9f\x98\x80 \xe4\xb8\xad", "\xf0\x9f\x98\x80 \xe4\xb8\xad");
	{
		/* tw_esc: several arguments of one printf stay valid. */
		const char *a = tw_esc("a\x1b"), *b = tw_esc("b\x07"), *n = tw_esc(NULL);

		assert_string_equal(a, "a\\x1b");
		assert_string_equal(b, "b\\x07");
		assert_string_equal(n, "(null)");
	}
}

static void test_human(void **state)
{
	char b[32];

	(void)state;
	human_size(b, sizeof(b), 0);
	assert_string_equal(b, "0 B");
	human_size(b, sizeof(b), 1536);
	assert_string_equal(b, "1.5 KiB");
	human_size(b, sizeof(b), 18ULL * 1024 * 1024 * 1024 + 400ULL * 1024 * 1024);
	assert_string_equal(b, "18 GiB");
	human_age(b, sizeof(b), 3 * 86400 + 5);
	assert_string_equal(b, "3d");
	human_age(b, sizeof(b), 150LL * 86400);
	assert_string_equal(b, "5mo");
	human_age(b, sizeof(b), 800LL * 86400);
	assert_string_equal(b, "2y");
	/* In a sentence: "just now", never "now ago"; the day is local time. */
	{
		char w[64], day[32];
		time_t t = 1764000000;
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d %H:%M", &tm);
		human_when(w, sizeof(w), t, t + 4);
		assert_true(strstr(w, "(just now)") && strncmp(w, day, strlen(day)) == 0);
		human_when(w, sizeof(w), t + 60, t); /* a clock behind the file's time */
		assert_non_null(strstr(w, "(just now)"));
		human_when(w, sizeof(w), t, t + 5);
		assert_non_null(strstr(w, "(5s ago)"));
		assert_null(strstr(w, "now ago"));
	}
}

static void test_paths(void **state)
{
	char *s;

	(void)state;
	s = path_join("/a/", "/b");
	assert_string_equal(s, "/a/b");
	free(s);
	s = path_join("/", "b/c");
	assert_string_equal(s, "/b/c");
	free(s);
	s = path_join("//", "//b");
	assert_string_equal(s, "/b");
	free(s);
	s = path_join("", "b");
	assert_string_equal(s, "/b");
	free(s);
	s = path_join("a", "");
	assert_string_equal(s, "a/");
	free(s);
	s = path_absolute("/x/./y//z/");
	assert_string_equal(s, "/x/y/z");
	free(s);
	s = path_tilde("/home/me/p/.venv", "/home/me");
	assert_string_equal(s, "~/p/.venv");
	free(s);
	s = path_tilde("/home/meat/x", "/home/me");
	assert_string_equal(s, "/home/meat/x");
	free(s);
	assert_true(path_has_prefix("/a/b", "/a"));
	assert_false(path_has_prefix("/ab", "/a"));
	assert_string_equal(path_basename("/a/b"), "b");
	s = path_dirname("/a/b");
	assert_string_equal(s, "/a");
	free(s);
}

/* vs_read_fd: whole files, empty ones, the size cap, and what is not a
 * regular file. */
static void test_read_fd(void **state)
{
	char *d = fx_tmpdir(), *p, *buf;
	size_t len;
	int fd;

	(void)state;
	fx_write(d, "f", "hello\0world", 11);
	fx_write(d, "empty", "", 0);
	p = fx_path(d, "f");
	fd = open(p, O_RDONLY);
	assert_int_equal(vs_read_fd(fd, 11, &buf, &len), 0);
	assert_int_equal(len, 11);
	assert_memory_equal(buf, "hello\0world", 12); /* and the NUL after */
	free(buf);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(vs_read_fd(fd, 10, &buf, &len), -1);
	assert_int_equal(errno, EFBIG);
	assert_null(buf);
	close(fd);
	free(p);
	p = fx_path(d, "empty");
	fd = open(p, O_RDONLY);
	assert_int_equal(vs_read_fd(fd, 0, &buf, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	close(fd);
	free(p);
	fd = open(d, O_RDONLY | O_DIRECTORY);
	assert_int_equal(vs_read_fd(fd, 100, &buf, &len), -1);
	assert_int_equal(errno, EINVAL);
	close(fd);
	p = fx_path(d, "fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	fd = open(p, O_RDONLY | O_NONBLOCK);
	assert_int_equal(vs_read_fd(fd, 100, &buf, &len), -1);
	assert_int_equal(errno, EINVAL);
	close(fd);
	free(p);
	fx_rmtree(d);
	free(d);
}

/* Rows of `width` columns made with tw_take_words, joined by '|'. */
static void words_are(const char *s, size_t width, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	while (*s) {
		size_t take = tw_take_words(s, width);

		assert_true(take > 0);
		sb_addf(&sb, "%s%.*s", sb.len ? "|" : "", (int)take, s);
		s += take;
	}
	assert_string_equal(sb_str(&sb), want);
	sb_free(&sb);
}

static void test_wrap_words(void **st)
{
	(void)st;
	words_are("venvscope create --clear --python /usr/bin/python3.11 /srv/app/.venv", 24,
		  "venvscope create --clear |--python |/usr/bin/python3.11 |/srv/app/.venv");
	words_are("fits", 10, "fits");
	words_are("ab cd", 2, "ab |cd");              /* the row ends on a word's end */
	words_are("abcdefgh ij", 4, "abcd|efgh |ij"); /* a word longer than the row is cut */
	assert_string_equal(human_noun(1, "package", "packages"), "package");
	assert_string_equal(human_noun(0, "package", "packages"), "packages");
	assert_string_equal(human_noun(2, "copy", "copies"), "copies");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_quote), cmocka_unit_test(test_sort),
		cmocka_unit_test(test_textwidth),  cmocka_unit_test(test_escape),
		cmocka_unit_test(test_human),      cmocka_unit_test(test_paths),
		cmocka_unit_test(test_read_fd),    cmocka_unit_test(test_wrap_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
