/* The deletion record ("recipe") of an env: its files and their content,
 * the folder name, listing and finding records, a path that is not UTF-8
 * read back byte for byte, and failures (a records folder we may not
 * write, a disk that fills up half-way) that leave nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "actions/record.h"
#include "helpers/fixture.h"
#include "pip/pip.h"
#include "scan/inspect.h"
#include "util/json_quote.h"
#include "util/xalloc.h"

static const char cfg_text[] = "home = /usr/bin\n"
			       "include-system-site-packages = false\n"
			       "version = 3.11.2\n"
			       "prompt = 'shop'\n"
			       "command = /usr/bin/python3 -m venv --prompt shop /srv/webshop/.venv\n";

/* The test's own state folder and home, with the old values kept. */
struct rec_fx {
	char *dir;
	char *old_state, *old_home;
};

static char *save_env(const char *name)
{
	const char *v = getenv(name);

	return v ? xstrdup(v) : NULL;
}

static void restore_env(const char *name, char *old)
{
	if (old)
		setenv(name, old, 1);
	else
		unsetenv(name);
	free(old);
}

static int setup(void **state)
{
	struct rec_fx *fx = xcalloc(1, sizeof(*fx));
	char *p;

	fx->dir = fx_tmpdir();
	fx->old_state = save_env("XDG_STATE_HOME");
	fx->old_home = save_env("HOME");
	p = fx_path(fx->dir, "state");
	setenv("XDG_STATE_HOME", p, 1);
	free(p);
	p = fx_path(fx->dir, "home");
	setenv("HOME", p, 1);
	free(p);
	fx_mkdirs(fx->dir, "state");
	fx_mkdirs(fx->dir, "home");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct rec_fx *fx = *state;

	restore_env("XDG_STATE_HOME", fx->old_state);
	restore_env("HOME", fx->old_home);
	fx_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

/* A hand-made env at dir/rel: pyvenv.cfg, a symlinked python and one
 * distribution, so its freeze has a line. */
static struct venv *make_env(const char *dir, const char *rel)
{
	char buf[4096], *path;
	struct venv *v;
	int fd;

	snprintf(buf, sizeof(buf), "%s/pyvenv.cfg", rel);
	fx_write(dir, buf, cfg_text, (size_t)-1);
	snprintf(buf, sizeof(buf), "%s/lib/python3.11/site-packages/demo-1.0.dist-info/METADATA", rel);
	fx_write(dir, buf, "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n", (size_t)-1);
	snprintf(buf, sizeof(buf), "%s/lib/python3.11/site-packages/demo.py", rel);
	fx_write(dir, buf, "x = 1\n", (size_t)-1);
	snprintf(buf, sizeof(buf), "%s/bin/python", rel);
	fx_symlink("/usr/bin/python3", dir, buf);
	path = fx_path(dir, rel);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	v = scan_inspect_env(fd, path, NULL, SCAN_PARENT_UNKNOWN);
	close(fd);
	free(path);
	return v;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char *p = fx_path(dir, name), *text = NULL;

	assert_int_equal(scan_freeze_read_file(&text, len, p, NULL), 0);
	assert_non_null(text);
	free(p);
	return text;
}

static time_t at(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static int entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void check_files(const char *rdir, const struct venv *v)
{
	struct scan_freeze_opts opts = {0};
	char *want, *got, *p;
	size_t wlen, glen;
	cJSON *o;

	assert_int_equal(scan_freeze_env(&want, &wlen, v, &opts, NULL, NULL), 0);
	assert_string_equal(want, "demo==1.0\n");
	got = slurp(rdir, "requirements.txt", &glen);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	free(got);
	free(want);

	got = slurp(rdir, "pyvenv.cfg", &glen);
	assert_int_equal(glen, strlen(cfg_text));
	assert_memory_equal(got, cfg_text, glen);
	free(got);

	got = slurp(rdir, "record.json", &glen);
	o = json_parse_bytes(got);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "path")->valuestring, v->path);
	assert_string_equal(cJSON_GetObjectItem(o, "name")->valuestring, ".venv");
	assert_string_equal(cJSON_GetObjectItem(o, "deleted")->valuestring, "2026-11-26T06:30:00");
	assert_string_equal(cJSON_GetObjectItem(o, "python_version")->valuestring, "3.11.2");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "copies")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "system_site_packages")));
	assert_string_equal(cJSON_GetObjectItem(o, "prompt")->valuestring, v->prompt);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "without_pip")));
	assert_true(cJSON_GetObjectItem(o, "size_bytes")->valuedouble > 0);
	assert_int_equal((int)cJSON_GetObjectItem(o, "package_count")->valuedouble, 1);
	assert_non_null(cJSON_GetObjectItem(o, "base_python"));
	cJSON_Delete(o);
	free(got);
	p = fx_path(rdir, ".");
	{
		struct stat st;

		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0700);
	}
	free(p);
}

static void check_record(const struct act_record *r, const struct venv *v, const char *dir)
{
	assert_string_equal(r->dir, dir);
	assert_string_equal(r->path, v->path);
	assert_string_equal(r->name, ".venv");
	assert_string_equal(r->deleted, "2026-11-26T06:30:00");
	assert_string_equal(r->python_version, "3.11.2");
	assert_false(r->copies);
	assert_false(r->system_site_packages);
	assert_true(r->without_pip);
	assert_int_equal(r->package_count, 1);
	assert_true(r->size_bytes > 0);
	if (v->prompt)
		assert_string_equal(r->prompt, v->prompt);
}

static void test_write_list_find(void **state)
{
	struct rec_fx *fx = *state;
	struct venv *v = make_env(fx->dir, "webshop/.venv");
	time_t when = at(2026, 11, 26, 6, 30, 0);
	char *dir1 = NULL, *dir2 = NULL, *want;
	struct vs_err err = {0};
	struct act_record *list, r;
	struct act_record_list choices;
	size_t n;

	assert_int_equal(act_record_write(&dir1, v, when, &err), 0);
	want = xasprintf("%s/state/venvscope/deleted/20261126-063000-webshop-.venv", fx->dir);
	assert_string_equal(dir1, want);
	check_files(dir1, v);
	/* The same env, the same second: a second folder, not an overwrite. */
	assert_int_equal(act_record_write(&dir2, v, when, &err), 0);
	free(want);
	want = xasprintf("%s-2", dir1);
	assert_string_equal(dir2, want);
	free(want);

	n = act_records_list(&list);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].dir, dir2);
	assert_string_equal(list[1].dir, dir1);
	check_record(&list[1], v, dir1);
	act_records_free(list, n);

	assert_int_equal(act_record_find(&r, dir1, NULL, &err), 0);
	check_record(&r, v, dir1);
	act_record_clear(&r);
	assert_int_equal(act_record_find(&r, "20261126-063000-webshop-.venv", NULL, &err), 0);
	check_record(&r, v, dir1);
	act_record_clear(&r);
	/* Two records with packages for one path: which one is the user's
	 * call; both are handed back, newest first. */
	assert_int_equal(act_record_find(&r, v->path, &choices, &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "2 deletion records"));
	assert_int_equal(choices.n, 2);
	assert_string_equal(choices.v[0].dir, dir2);
	assert_string_equal(choices.v[1].dir, dir1);
	act_record_list_clear(&choices);
	act_record_clear(&r);
	/* A part of a name that fits both is ambiguous too; "-2" fits one. */
	assert_int_equal(act_record_find(&r, "webshop-.ve", &choices, &err), VS_EUSAGE);
	assert_int_equal(choices.n, 2);
	act_record_list_clear(&choices);
	assert_int_equal(act_record_find(&r, ".venv-2", NULL, &err), 0);
	check_record(&r, v, dir2);
	act_record_clear(&r);
	assert_int_equal(act_record_find(&r, "no-such-record", NULL, &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "no-such-record"));
	act_record_clear(&r);

	venv_free(v);
	free(dir1);
	free(dir2);
}

/* A folder name that is not UTF-8 goes into record.json as \udcXX and
 * comes back as the same bytes; a generic env name takes its parent's. */
static void test_non_utf8_path(void **state)
{
	struct rec_fx *fx = *state;
	struct venv *v = make_env(fx->dir, "caf\xe9/env");
	char *dir = NULL, *text, *want;
	struct vs_err err = {0};
	struct act_record r;
	size_t len;

	assert_int_equal(act_record_write(&dir, v, at(2026, 1, 2, 3, 4, 5), &err), 0);
	want = xasprintf("%s/state/venvscope/deleted/20260102-030405-caf\xe9-env", fx->dir);
	assert_string_equal(dir, want);
	free(want);
	text = slurp(dir, "record.json", &len);
	assert_non_null(strstr(text, "caf\\udce9/env"));
	free(text);
	assert_int_equal(act_record_find(&r, v->path, NULL, &err), 0);
	assert_string_equal(r.path, v->path);
	assert_string_equal(r.name, "env");
	act_record_clear(&r);
	venv_free(v);
	free(dir);
}

/* One record per removal: an unfinished record of the same folder is
 * reused, a finished one is not, and an attempt that removed nothing takes
 * back the record it made. */
static void test_begin_end(void **state)
{
	struct rec_fx *fx = *state;
	struct venv *v = make_env(fx->dir, "proj/env");
	char *st = fx_path(fx->dir, "state/venvscope/deleted");
	char *a = NULL, *b = NULL, *c = NULL;
	struct vs_err err = {0};
	struct act_record r;
	bool reused;

	assert_int_equal(act_record_begin(&a, &reused, v, at(2026, 1, 1, 0, 0, 0), &err), 0);
	assert_false(reused);
	act_record_end(a, reused, ACT_RECORD_UNTOUCHED); /* refused: no record left */
	assert_int_equal(entries(st), 0);
	free(a);

	assert_int_equal(act_record_begin(&a, &reused, v, at(2026, 1, 1, 0, 0, 1), &err), 0);
	act_record_end(a, reused, ACT_RECORD_PARTIAL);
	assert_int_equal(act_record_find(&r, a, NULL, &err), 0);
	assert_string_equal(r.state, "partial");
	assert_int_equal(r.package_count, 1);
	act_record_clear(&r);
	/* The retry: the first record again, nothing new written. */
	assert_int_equal(act_record_begin(&b, &reused, v, at(2026, 1, 1, 0, 0, 2), &err), 0);
	assert_true(reused);
	assert_string_equal(a, b);
	act_record_end(b, reused, ACT_RECORD_UNTOUCHED); /* kept: it was not ours */
	assert_int_equal(entries(st), 1);
	act_record_end(b, reused, ACT_RECORD_DONE);
	assert_int_equal(act_record_find(&r, a, NULL, &err), 0);
	assert_string_equal(r.state, "deleted");
	assert_string_equal(r.path, v->path);
	act_record_clear(&r);
	/* Finished: a later delete of the same folder gets its own record. */
	assert_int_equal(act_record_begin(&c, &reused, v, at(2026, 1, 1, 0, 0, 3), &err), 0);
	assert_false(reused);
	assert_string_not_equal(a, c);
	assert_int_equal(entries(st), 2);
	venv_free(v);
	free(st);
	free(a);
	free(b);
	free(c);
}

/* Every byte string survives json_quote() + json_parse_bytes(), including
 * the control byte the parser uses as its marker and text that looks like
 * an escape. */
static void test_json_bytes(void **state)
{
	static const char *const cases[] = {
		"plain",
		"caf\xc3\xa9",
		"\xff\xfe",
		"a\x01"
		"80b",
		"\x01\x01",
		"\\udc80 literal",
		"mix \xe9\x01\xc3\xa9\"\n\t",
		"",
	};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *o;

		sb_reset(&sb);
		sb_adds(&sb, "{\"k\\udce9\": ");
		json_quote(&sb, cases[i]);
		sb_adds(&sb, "}");
		o = json_parse_bytes(sb.buf);
		assert_non_null(o);
		assert_string_equal(o->child->string, "k\xe9");
		assert_string_equal(o->child->valuestring, cases[i]);
		cJSON_Delete(o);
	}
	sb_free(&sb);
	assert_null(json_parse_bytes("{\"k\": \"\\udc12\"}"));
}

static void test_records_dir(void **state)
{
	struct rec_fx *fx = *state;
	char *d, *want;

	d = act_records_dir();
	want = xasprintf("%s/state/venvscope/deleted", fx->dir);
	assert_string_equal(d, want);
	free(d);
	free(want);
	/* A relative XDG_STATE_HOME is invalid (XDG spec): the default is used. */
	setenv("XDG_STATE_HOME", "relative/state", 1);
	d = act_records_dir();
	want = xasprintf("%s/home/.local/state/venvscope/deleted", fx->dir);
	assert_string_equal(d, want);
	free(d);
	unsetenv("XDG_STATE_HOME");
	d = act_records_dir();
	assert_string_equal(d, want);
	free(d);
	free(want);
	unsetenv("HOME");
	assert_null(act_records_dir());
}

/* Broken records are skipped; missing keys are tolerated. */
static void test_odd_records(void **state)
{
	struct rec_fx *fx = *state;
	struct act_record *list;
	size_t n;

	fx_write(fx->dir, "state/venvscope/deleted/a/record.json", "not json", (size_t)-1);
	fx_write(fx->dir, "state/venvscope/deleted/b/record.json", "{\"name\": \"x\"}", (size_t)-1);
	fx_mkdirs(fx->dir, "state/venvscope/deleted/c");
	fx_write(fx->dir, "state/venvscope/deleted/d/record.json", "{\"path\": \"/srv/app/venv\"}",
		 (size_t)-1);
	n = act_records_list(&list);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].path, "/srv/app/venv");
	assert_string_equal(list[0].name, "venv");
	assert_null(list[0].deleted);
	assert_null(list[0].prompt);
	assert_int_equal(list[0].package_count, 0);
	act_records_free(list, n);
}

static int in_child(int (*body)(struct venv *), struct venv *v)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(body(v));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

static int expect_failure(struct venv *v)
{
	struct vs_err err = {0};
	char *dir = (char *)"untouched";

	if (act_record_write(&dir, v, time(NULL), &err) != VS_EFAIL)
		return 1;
	if (dir != NULL || !err.msg[0])
		return 2;
	return 0;
}

/* As nobody (or, when not root, as ourselves under a read-only folder). */
static int unwritable_body(struct venv *v)
{
	if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
		return 90;
	return expect_failure(v);
}

static void test_unwritable(void **state)
{
	struct rec_fx *fx = *state;
	struct venv *v = make_env(fx->dir, "proj/.venv");
	char *st = fx_path(fx->dir, "state");
	int rc;

	/* nobody must be able to read the env, just not to write the records. */
	assert_int_equal(chmod(fx->dir, 0755), 0);
	assert_int_equal(chmod(st, geteuid() == 0 ? 0755 : 0555), 0);
	rc = in_child(unwritable_body, v);
	chmod(st, 0755);
	if (rc == 90)
		skip();
	assert_int_equal(rc, 0);
	assert_int_equal(entries(st), 0);
	venv_free(v);
	free(st);
}

/* Writes past RLIMIT_FSIZE fail with EFBIG: requirements.txt (10 bytes)
 * fits, the copy of pyvenv.cfg does not. */
static int full_disk_body(struct venv *v)
{
	struct rlimit rl = {64, 64};

	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 90;
	return expect_failure(v);
}

static void test_full_disk_midway(void **state)
{
	struct rec_fx *fx = *state;
	struct venv *v = make_env(fx->dir, "proj/.venv");
	char *st = fx_path(fx->dir, "state");
	int rc;

	assert_true(strlen(cfg_text) > 64);
	rc = in_child(full_disk_body, v);
	if (rc == 90)
		skip();
	assert_int_equal(rc, 0);
	/* Not even the venvscope/deleted folders it made are left. */
	assert_int_equal(entries(st), 0);
	/* With the records folder already there, it stays, empty. */
	fx_mkdirs(fx->dir, "state/venvscope/deleted");
	rc = in_child(full_disk_body, v);
	assert_int_equal(rc, 0);
	free(st);
	st = fx_path(fx->dir, "state/venvscope/deleted");
	assert_int_equal(entries(st), 0);
	venv_free(v);
	free(st);
}

/* Without pyvenv.cfg there is no recipe, and nothing is made. */
static void test_no_cfg(void **state)
{
	struct rec_fx *fx = *state;
	struct venv *v = make_env(fx->dir, "proj/.venv");
	char *cfg = fx_path(fx->dir, "proj/.venv/pyvenv.cfg");
	char *st = fx_path(fx->dir, "state");

	assert_int_equal(unlink(cfg), 0);
	assert_int_equal(expect_failure(v), 0);
	assert_int_equal(entries(st), 0);
	venv_free(v);
	free(cfg);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_list_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_utf8_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_begin_end, setup, teardown),
		cmocka_unit_test(test_json_bytes),
		cmocka_unit_test_setup_teardown(test_records_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_disk_midway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_cfg, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
