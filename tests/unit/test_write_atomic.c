/* The atomic replace of a file: new and existing files, the mode kept,
 * "already up to date", and every refusal or failure leaving the old file
 * exactly as it was with no temporary file behind: a folder or a symlink
 * as the target, a missing folder, a read-only folder (as nobody), a full
 * disk (simulated with RLIMIT_FSIZE). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "actions/write_atomic.h"
#include "helpers/fixture.h"

static const char text[] = "alpha==1.0\nBeta==2.0\n";

static char *slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* How many ".*.tmp" files a folder holds. */
static int temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		n += de->d_name[0] == '.' && len > 4 && strcmp(de->d_name + len - 4, ".tmp") == 0;
	}
	closedir(d);
	return n;
}

static void test_new_file(void **state)
{
	struct fx_dir *fx = *state;
	char *p = fx_path(fx->dir, "requirements.txt");
	struct vs_err err = {0};
	struct stat st;
	mode_t mask = umask(022);

	assert_int_equal(act_write_atomic(p, text, strlen(text), 0, &err), ACT_WRITE_WRITTEN);
	umask(mask);
	assert_string_equal(slurp(p), text);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(temp_files(fx->dir), 0);
	assert_true(act_file_holds(p, text, strlen(text)));
	assert_false(act_file_holds(p, text, strlen(text) - 1));
	assert_false(act_file_holds(p, "alpha==1.1\nBeta==2.0\n", strlen(text)));
	/* An empty text makes an empty file. */
	assert_int_equal(act_write_atomic(p, "", 0, 0, &err), ACT_WRITE_WRITTEN);
	assert_string_equal(slurp(p), "");
	free(p);
}

static void test_replace_keeps_mode(void **state)
{
	struct fx_dir *fx = *state;
	char *p = fx_path(fx->dir, "req.txt");
	struct vs_err err = {0};
	struct stat before, after;

	fx_write(fx->dir, "req.txt", "old==1\n", (size_t)-1);
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(stat(p, &before), 0);
	assert_int_equal(act_write_atomic(p, text, strlen(text), ACT_WRITE_IF_CHANGED, &err),
			 ACT_WRITE_WRITTEN);
	assert_int_equal(stat(p, &after), 0);
	assert_string_equal(slurp(p), text);
	assert_int_equal(after.st_mode & 07777, 0640);
	assert_true(after.st_ino != before.st_ino); /* a new file took the name */
	assert_int_equal(temp_files(fx->dir), 0);
	free(p);
}

static void test_unchanged(void **state)
{
	struct fx_dir *fx = *state;
	char *p = fx_path(fx->dir, "req.txt");
	struct vs_err err = {0};
	struct stat before, after;

	fx_write(fx->dir, "req.txt", text, (size_t)-1);
	assert_int_equal(stat(p, &before), 0);
	assert_int_equal(act_write_atomic(p, text, strlen(text), ACT_WRITE_IF_CHANGED, &err),
			 ACT_WRITE_UNCHANGED);
	assert_int_equal(stat(p, &after), 0);
	assert_true(after.st_ino == before.st_ino);
	/* Without the flag it is written again. */
	assert_int_equal(act_write_atomic(p, text, strlen(text), 0, &err), ACT_WRITE_WRITTEN);
	assert_int_equal(stat(p, &after), 0);
	assert_true(after.st_ino != before.st_ino);
	free(p);
}

static void test_refusals(void **state)
{
	struct fx_dir *fx = *state;
	char *dir = fx_path(fx->dir, "adir"), *link = fx_path(fx->dir, "link.txt");
	char *missing = fx_path(fx->dir, "missing/req.txt"), *real = fx_path(fx->dir, "real.txt");
	char *dangling = fx_path(fx->dir, "dangling.txt");
	struct vs_err err = {0};
	char target[64];
	ssize_t n;

	fx_mkdirs(fx->dir, "adir");
	assert_int_equal(act_write_atomic(dir, text, strlen(text), 0, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "is a folder"));

	fx_write(fx->dir, "real.txt", "real==1\n", (size_t)-1);
	fx_symlink("real.txt", fx->dir, "link.txt");
	memset(&err, 0, sizeof(err));
	assert_int_equal(act_write_atomic(link, text, strlen(text), 0, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "symbolic link"));
	n = readlink(link, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "real.txt");
	assert_string_equal(slurp(real), "real==1\n");
	assert_false(act_file_holds(link, "real==1\n", 8)); /* never through a link */

	fx_symlink("/nonexistent/target", fx->dir, "dangling.txt");
	assert_int_equal(act_write_atomic(dangling, text, strlen(text), 0, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "symbolic link"));

	memset(&err, 0, sizeof(err));
	assert_int_equal(act_write_atomic(missing, text, strlen(text), 0, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "missing"));
	assert_int_equal(temp_files(fx->dir), 0);
	free(dir);
	free(link);
	free(missing);
	free(real);
	free(dangling);
}

/* Runs body(dir) in a child (which may drop privileges or lower limits)
 * and returns its exit code; 90 means "cannot do that here". */
static int in_child(int (*body)(const char *), const char *dir)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(body(dir));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* As nobody (or, when not root, as ourselves in a folder made read-only):
 * neither a new file nor a replacement can be written. */
static int readonly_body(const char *dir)
{
	char old[4096], fresh[4096];
	struct vs_err err = {0};

	snprintf(old, sizeof(old), "%s/ro/req.txt", dir);
	snprintf(fresh, sizeof(fresh), "%s/ro/new.txt", dir);
	if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
		return 90;
	if (act_write_atomic(old, text, strlen(text), 0, &err) != VS_EFAIL ||
	    !strstr(err.msg, "permission denied"))
		return 1;
	if (act_write_atomic(fresh, text, strlen(text), 0, &err) != VS_EFAIL)
		return 2;
	return 0;
}

static void test_readonly_folder(void **state)
{
	struct fx_dir *fx = *state;
	char *ro = fx_path(fx->dir, "ro"), *old = fx_path(fx->dir, "ro/req.txt");
	char *fresh = fx_path(fx->dir, "ro/new.txt");
	int rc;

	fx_write(fx->dir, "ro/req.txt", "keep==1\n", (size_t)-1);
	assert_int_equal(chmod(old, 0666), 0);
	assert_int_equal(chmod(fx->dir, 0755), 0);
	assert_int_equal(chmod(ro, geteuid() == 0 ? 0755 : 0555), 0);
	rc = in_child(readonly_body, fx->dir);
	chmod(ro, 0755);
	if (rc == 90)
		skip();
	assert_int_equal(rc, 0);
	assert_string_equal(slurp(old), "keep==1\n");
	assert_int_equal(access(fresh, F_OK), -1);
	assert_int_equal(temp_files(ro), 0);
	free(ro);
	free(old);
	free(fresh);
}

/* A disk that fills up: writes past RLIMIT_FSIZE fail with EFBIG. */
static int full_disk_body(const char *dir)
{
	char path[4096], big[8192];
	struct rlimit rl = {1024, 1024};
	struct vs_err err = {0};

	snprintf(path, sizeof(path), "%s/req.txt", dir);
	memset(big, 'x', sizeof(big));
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 90;
	if (act_write_atomic(path, big, sizeof(big), 0, &err) != VS_EFAIL)
		return 1;
	if (!strstr(err.msg, "larger than allowed"))
		return 2;
	return 0;
}

static void test_full_disk(void **state)
{
	struct fx_dir *fx = *state;
	char *p = fx_path(fx->dir, "req.txt");
	int rc;

	fx_write(fx->dir, "req.txt", "old==1\n", (size_t)-1);
	rc = in_child(full_disk_body, fx->dir);
	if (rc == 90)
		skip();
	assert_int_equal(rc, 0);
	assert_string_equal(slurp(p), "old==1\n");
	assert_int_equal(temp_files(fx->dir), 0);
	free(p);
}

static void test_bad_names(void **state)
{
	struct vs_err err = {0};

	(void)state;
	assert_int_equal(act_write_atomic("/tmp/", text, 1, 0, &err), VS_EFAIL);
	assert_int_equal(act_write_atomic("/", text, 1, 0, &err), VS_EFAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_file, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_replace_keeps_mode, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_unchanged, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_refusals, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_readonly_folder, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_full_disk, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test(test_bad_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
