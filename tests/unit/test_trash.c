/* The freedesktop trash: the env lands in files/NAME with a parsable
 * info/NAME.trashinfo, clashes get NAME.2 ..., refusals touch nothing, a
 * failed rename leaves no .trashinfo, an env on another filesystem goes to
 * that filesystem's $topdir trash (or is refused), and Path= encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "actions/trash.h"
#include "helpers/fixture.h"
#include "scan/inspect.h"
#include "util/xalloc.h"

struct trash_fx {
	char *dir;
	char *home, *data; /* $HOME and $XDG_DATA_HOME for the test */
	char *old_home, *old_data;
	char *immutable; /* a folder made immutable, undone in teardown */
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

static int set_immutable(const char *path, bool on)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	int flags, rc = -1;

	if (fd < 0)
		return -1;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
		flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
		rc = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	close(fd);
	return rc;
}

static int setup(void **state)
{
	struct trash_fx *fx = xcalloc(1, sizeof(*fx));

	fx->dir = fx_tmpdir();
	fx->home = fx_path(fx->dir, "home");
	fx->data = fx_path(fx->dir, "data"); /* not made: the trash makes it */
	fx_mkdirs(fx->dir, "home");
	fx->old_home = save_env("HOME");
	fx->old_data = save_env("XDG_DATA_HOME");
	setenv("HOME", fx->home, 1);
	setenv("XDG_DATA_HOME", fx->data, 1);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct trash_fx *fx = *state;

	if (fx->immutable) {
		set_immutable(fx->immutable, false);
		chmod(fx->immutable, 0755);
		free(fx->immutable);
	}
	restore_env("HOME", fx->old_home);
	restore_env("XDG_DATA_HOME", fx->old_data);
	fx_rmtree(fx->dir);
	free(fx->dir);
	free(fx->home);
	free(fx->data);
	free(fx);
	return 0;
}

static struct venv *inspect_at(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	struct venv *v;

	if (fd < 0)
		return NULL;
	v = scan_inspect_env(fd, path, NULL, SCAN_PARENT_UNKNOWN);
	close(fd);
	return v;
}

/* An env at dir/rel (pyvenv.cfg, a python link, a package file). */
static struct venv *make_env(const char *dir, const char *rel)
{
	char buf[4096], *path;
	struct venv *v;

	snprintf(buf, sizeof(buf), "%s/pyvenv.cfg", rel);
	fx_write(dir, buf, "home = /usr/bin\nversion = 3.11.2\n", (size_t)-1);
	snprintf(buf, sizeof(buf), "%s/lib/python3.11/site-packages/demo.py", rel);
	fx_write(dir, buf, "x = 1\n", (size_t)-1);
	snprintf(buf, sizeof(buf), "%s/bin/python", rel);
	fx_symlink("/usr/bin/python3", dir, buf);
	path = fx_path(dir, rel);
	v = inspect_at(path);
	free(path);
	return v;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decoding; NULL when a %XX is malformed (lower-case hex too:
 * the header promises upper case). */
static char *decode(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *w = out;

	while (*s) {
		if (*s != '%') {
			*w++ = *s++;
			continue;
		}
		if (hexval(s[1]) < 0 || hexval(s[2]) < 0) {
			free(out);
			return NULL;
		}
		*w++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
		s += 3;
	}
	*w = '\0';
	return out;
}

/* Parses info/<name>.trashinfo of the trash at `trash`: the header, Path=
 * (which must decode to `want`) and DeletionDate= (local time, now-ish). */
static void check_info(const char *trash, const char *name, const char *want)
{
	char path[8192], text[8192], *nl, *date, *p;
	struct tm tm = {0};
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/info/%s.trashinfo", trash, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	assert_true(n > 0);
	text[n] = '\0';
	assert_int_equal(strncmp(text, "[Trash Info]\nPath=", 18), 0);
	nl = strchr(text + 18, '\n');
	assert_non_null(nl);
	*nl = '\0';
	p = decode(text + 18);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
	assert_int_equal(strncmp(nl + 1, "DeletionDate=", 13), 0);
	date = nl + 14;
	assert_int_equal(strlen(date), 20); /* YYYY-MM-DDThh:mm:ss\n */
	assert_int_equal(date[19], '\n');
	p = strptime(date, "%Y-%m-%dT%H:%M:%S", &tm);
	assert_non_null(p);
	assert_string_equal(p, "\n");
	tm.tm_isdst = -1;
	assert_true(llabs((long long)(mktime(&tm) - time(NULL))) < 120);
}

static int mode_of(const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel);
	struct stat st;
	int m = -1;

	if (lstat(p, &st) == 0)
		m = (int)(st.st_mode & 07777);
	free(p);
	return m;
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

static void test_home_trash(void **state)
{
	struct trash_fx *fx = *state;
	struct venv *v = make_env(fx->dir, "proj/.venv");
	struct vs_err err = {0};
	char *out = NULL, *want, *trash = fx_path(fx->data, "Trash");

	assert_int_equal(act_trash(&out, v, fx->home, &err), 0);
	want = xasprintf("%s/files/.venv", trash);
	assert_string_equal(out, want);
	assert_int_equal(access(v->path, F_OK), -1);
	assert_int_equal(access(want, F_OK), 0);
	assert_int_equal(mode_of(want, "lib/python3.11/site-packages/demo.py") & 0777, 0644);
	check_info(trash, ".venv", v->path);
	/* Made private, as the spec asks. */
	assert_int_equal(mode_of(fx->dir, "data"), 0700);
	assert_int_equal(mode_of(fx->dir, "data/Trash"), 0700);
	assert_int_equal(mode_of(fx->dir, "data/Trash/files"), 0700);
	assert_int_equal(mode_of(fx->dir, "data/Trash/info"), 0700);
	free(want);
	free(out);
	free(trash);
	venv_free(v);
}

/* .venv, .venv.2; a leftover files/.venv.3 and a stray info/.venv.4.trashinfo
 * are both skipped over, never replaced. */
static void test_name_clash(void **state)
{
	struct trash_fx *fx = *state;
	const char *envs[] = {"a/.venv", "b/.venv", "c/.venv"};
	const char *got[] = {".venv", ".venv.2", ".venv.5"};
	char *trash = fx_path(fx->data, "Trash");
	struct vs_err err = {0};

	for (int i = 0; i < 3; i++) {
		struct venv *v = make_env(fx->dir, envs[i]);
		char *out = NULL, *want = xasprintf("%s/files/%s", trash, got[i]);

		if (i == 2) {
			fx_mkdirs(fx->dir, "data/Trash/files/.venv.3");
			fx_write(fx->dir, "data/Trash/info/.venv.4.trashinfo", "stray\n", (size_t)-1);
		}
		assert_int_equal(act_trash(&out, v, fx->home, &err), 0);
		assert_string_equal(out, want);
		check_info(trash, got[i], v->path);
		free(out);
		free(want);
		venv_free(v);
	}
	assert_int_equal(mode_of(fx->dir, "data/Trash/info/.venv.3.trashinfo"), -1);
	for (int i = 0; i < 3; i++) {
		char *p = fx_path(fx->dir, envs[i]);

		*strrchr(p, '/') = '\0';
		assert_int_equal(entries(p), 0);
		free(p);
	}
	assert_int_equal(mode_of(fx->dir, "data/Trash/files/.venv.3/pyvenv.cfg"), -1);
	free(trash);
}

/* Spaces, '%', UTF-8 and a newline in the path, percent-encoded. */
static void test_odd_path(void **state)
{
	struct trash_fx *fx = *state;
	const char *rel = "my proj 100%/caf\xc3\xa9\nenv";
	struct venv *v = make_env(fx->dir, rel);
	char *trash = fx_path(fx->data, "Trash");
	struct vs_err err = {0};
	char *out = NULL, *enc;

	assert_int_equal(act_trash(&out, v, fx->home, &err), 0);
	check_info(trash, "caf\xc3\xa9\nenv", v->path);
	enc = act_trash_encode_path(v->path);
	assert_non_null(strstr(enc, "/my%20proj%20100%25/caf%C3%A9%0Aenv"));
	free(enc);
	free(out);
	free(trash);
	venv_free(v);
}

/* Refused like a delete; nothing is made, nothing moves. */
static void test_refusals(void **state)
{
	struct trash_fx *fx = *state;
	struct vs_err err = {0};
	char *out = NULL, *plain, *link;
	struct venv *v;

	fx_write(fx->dir, "plain/file.txt", "keep\n", (size_t)-1);
	plain = fx_path(fx->dir, "plain");
	v = inspect_at(plain);
	assert_int_equal(act_trash(&out, v, fx->home, &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "not a virtual environment"));
	assert_null(out);
	assert_int_equal(mode_of(fx->dir, "plain/file.txt") & 0777, 0644);
	venv_free(v);

	/* A link to an env: only the link could go; refused. */
	venv_free(make_env(fx->dir, "real/.venv"));
	link = fx_path(fx->dir, "link");
	fx_symlink("real/.venv", fx->dir, "link");
	v = inspect_at(link);
	free(v->path);
	v->path = xstrdup(link);
	assert_int_equal(act_trash(&out, v, fx->home, &err), VS_EUSAGE);
	venv_free(v);

	/* Replaced by another folder between the scan and the move. */
	v = make_env(fx->dir, "proj/.venv");
	{
		/* Kept aside, so the new folder cannot reuse its inode. */
		char *aside = fx_path(fx->dir, "proj/aside");

		assert_int_equal(rename(v->path, aside), 0);
		free(aside);
	}
	venv_free(make_env(fx->dir, "proj/.venv"));
	assert_int_equal(act_trash(&out, v, fx->home, &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "no longer"));
	venv_free(v);

	assert_int_equal(mode_of(fx->dir, "data"), -1);
	assert_int_equal(mode_of(fx->dir, "real/.venv/pyvenv.cfg") & 0777, 0644);
	assert_int_equal(mode_of(fx->dir, "proj/.venv/pyvenv.cfg") & 0777, 0644);
	free(plain);
	free(link);
}

/* The rename fails (the env's folder cannot be changed): no .trashinfo is
 * left and the env stays. */
static void test_rename_fails(void **state)
{
	struct trash_fx *fx = *state;
	struct venv *v = make_env(fx->dir, "proj/.venv");
	char *proj = fx_path(fx->dir, "proj"), *info = fx_path(fx->data, "Trash/info");
	struct vs_err err = {0};
	char *out = NULL;

	fx->immutable = xstrdup(proj);
	if (geteuid() == 0 ? set_immutable(proj, true) != 0 : chmod(proj, 0555) != 0)
		skip();
	assert_int_equal(act_trash(&out, v, fx->home, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "cannot move it"));
	assert_null(out);
	assert_int_equal(entries(info), 0);
	assert_int_equal(access(v->path, F_OK), 0);
	free(proj);
	free(info);
	venv_free(v);
}

static void test_encode(void **state)
{
	static const char *const cases[][2] = {
		{"/home/u/proj/.venv", "/home/u/proj/.venv"},
		{"/a b/c", "/a%20b/c"},
		{"/100%", "/100%25"},
		{"/caf\xc3\xa9", "/caf%C3%A9"},
		{"/x\ny", "/x%0Ay"},
		{"/\xff\x01", "/%FF%01"},
		{"A-Z_a.z~09/", "A-Z_a.z~09/"},
		{"+&=?#:;,@!$'()*[]", "%2B%26%3D%3F%23%3A%3B%2C%40%21%24%27%28%29%2A%5B%5D"},
		{"", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = act_trash_encode_path(cases[i][0]);

		assert_string_equal(e, cases[i][1]);
		free(e);
	}
}

/* ---- another filesystem (a tmpfs in a private mount namespace) ---- */

static int other_fs_checks(const char *dir, const char *data)
{
	struct vs_err err = {0};
	char mnt[2048], want[4096];
	struct venv *v;
	char *out = NULL;

	/* No .Trash: $topdir/.Trash-$uid, with a Path= relative to topdir. */
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	v = make_env(mnt, "proj/.venv");
	if (act_trash(&out, v, NULL, &err) != 0)
		return 10;
	snprintf(want, sizeof(want), "%s/.Trash-%u/files/.venv", mnt, (unsigned)geteuid());
	if (strcmp(out, want) != 0 || access(data, F_OK) == 0)
		return 11;
	snprintf(want, sizeof(want), "%s/.Trash-%u/info/.venv.trashinfo", mnt, (unsigned)geteuid());
	{
		char text[4096] = "";
		int fd = open(want, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

		if (fd >= 0)
			close(fd);
		if (n <= 0 || strncmp(text, "[Trash Info]\nPath=proj/.venv\nDeletionDate=", 42) != 0)
			return 12;
	}
	free(out);
	venv_free(v);

	/* A shared, sticky .Trash: .Trash/$uid. */
	snprintf(want, sizeof(want), "%s/.Trash", mnt);
	if (mkdir(want, 0777) != 0 || chmod(want, 01777) != 0)
		return 20;
	v = make_env(mnt, "q/.venv");
	if (act_trash(&out, v, NULL, &err) != 0)
		return 21;
	snprintf(want, sizeof(want), "%s/.Trash/%u/files/.venv", mnt, (unsigned)geteuid());
	if (strcmp(out, want) != 0)
		return 22;
	free(out);
	venv_free(v);
	return 0;
}

/* A read-only filesystem: no trash can be made there; never the home one. */
static int readonly_fs_checks(const char *dir, const char *data)
{
	struct vs_err err = {0};
	char mnt[2048];
	struct venv *v;
	char *out = NULL;

	snprintf(mnt, sizeof(mnt), "%s/ro", dir);
	v = make_env(mnt, "proj/.venv");
	if (mount(NULL, mnt, NULL, MS_REMOUNT | MS_RDONLY, NULL) != 0)
		return 30;
	if (act_trash(&out, v, NULL, &err) != VS_EFAIL || out)
		return 31;
	if (!strstr(err.msg, "another filesystem") || access(data, F_OK) == 0)
		return 32;
	if (access(v->path, F_OK) != 0)
		return 33;
	venv_free(v);
	return 0;
}

static void test_other_filesystem(void **state)
{
	struct trash_fx *fx = *state;
	pid_t pid;
	int st;

	fx_mkdirs(fx->dir, "mnt");
	fx_mkdirs(fx->dir, "ro");
	pid = fork();
	if (pid == 0) {
		char mnt[4096], ro[4096];
		int rc;

		snprintf(mnt, sizeof(mnt), "%s/mnt", fx->dir);
		snprintf(ro, sizeof(ro), "%s/ro", fx->dir);
		if (unshare(CLONE_NEWNS) != 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount("tmpfs", mnt, "tmpfs", 0, "size=4m") != 0 ||
		    mount("tmpfs", ro, "tmpfs", 0, "size=4m") != 0)
			_exit(90);
		rc = other_fs_checks(fx->dir, fx->data);
		if (rc == 0)
			rc = readonly_fs_checks(fx->dir, fx->data);
		_exit(rc);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 90)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_home_trash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_clash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_fails, setup, teardown),
		cmocka_unit_test(test_encode),
		cmocka_unit_test_setup_teardown(test_other_filesystem, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
