/* util/readfile: the one bounded reader, on real files in a temp folder:
 * whole files, the cap, and everything that is not a regular file (a FIFO,
 * /dev/zero through a symlink, a folder, a 1 GiB sparse file) refused at
 * once with a reason, never blocking, never reading the size of the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "helpers/fixture.h"

#include "util/readfile.h"

/* vs_read_at refuses `rel` with errno `e` and the message `msg`. */
static void refused(struct fx_dir *f, const char *rel, int flags, size_t max, int e, const char *msg)
{
	struct vs_err err = {0};
	char *buf = (char *)1;
	size_t len = 7;

	errno = 0;
	assert_int_equal(vs_read_at(f->fd, rel, flags, max, &buf, &len, &err), VS_EFAIL);
	assert_int_equal(errno, e);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.code, VS_EFAIL);
}

static void test_whole_file(void **state)
{
	struct fx_dir *f = *state;
	struct vs_err err = {0};
	char *buf;
	size_t len;

	fx_write(f->dir, "a", "hello\0world", 11);
	assert_int_equal(vs_read_at(f->fd, "a", 0, 11, &buf, &len, &err), 0);
	assert_int_equal(len, 11);
	assert_memory_equal(buf, "hello\0world", 12); /* and the NUL after */
	free(buf);
	/* Through a symlink unless VS_READ_NOFOLLOW; NULL err is fine. */
	fx_symlink("a", f->dir, "link");
	assert_int_equal(vs_read_at(f->fd, "link", 0, 100, &buf, &len, NULL), 0);
	assert_int_equal(len, 11);
	free(buf);
	refused(f, "link", VS_READ_NOFOLLOW, 100, ELOOP, "link: is a symbolic link");
	/* Empty, and AT_FDCWD with an absolute path. */
	fx_write(f->dir, "empty", "", 0);
	assert_int_equal(vs_read_at(f->fd, "empty", 0, 0, &buf, &len, &err), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	{
		char *p = fx_path(f->dir, "a");

		assert_int_equal(vs_read_at(AT_FDCWD, p, VS_READ_NOFOLLOW, 11, &buf, &len, &err), 0);
		assert_int_equal(len, 11);
		free(buf);
		free(p);
	}
}

/* The atime of `rel`, after setting it a day before its mtime. */
static time_t set_back(struct fx_dir *f, const char *rel)
{
	struct stat st;
	struct timespec ts[2];

	assert_int_equal(fstatat(f->fd, rel, &st, 0), 0);
	ts[0].tv_sec = st.st_mtime - 86400;
	ts[0].tv_nsec = 0;
	ts[1] = st.st_mtim;
	assert_int_equal(utimensat(f->fd, rel, ts, 0), 0);
	return ts[0].tv_sec;
}

static time_t atime_of(struct fx_dir *f, const char *rel)
{
	struct stat st;

	assert_int_equal(fstatat(f->fd, rel, &st, 0), 0);
	return st.st_atime;
}

/* VS_READ_NOATIME (issue 16's last_used): a read leaves the atime alone,
 * where a plain read moves it (relatime moves an atime older than the
 * mtime; on a noatime mount neither moves and the test skips). */
static void test_noatime(void **state)
{
	struct fx_dir *f = *state;
	char *buf;
	size_t len;
	time_t old;

	if (geteuid() != 0) {
		skip(); /* O_NOATIME is for the owner, and the fixture is ours anyway */
	}
	fx_write(f->dir, "act", "VIRTUAL_ENV=/x\n", 15);
	old = set_back(f, "act");
	assert_int_equal(vs_read_at(f->fd, "act", VS_READ_NOATIME, 100, &buf, &len, NULL), 0);
	free(buf);
	assert_int_equal(atime_of(f, "act"), old);
	assert_int_equal(vs_read_at(f->fd, "act", 0, 100, &buf, &len, NULL), 0);
	free(buf);
	if (atime_of(f, "act") == old)
		skip(); /* a noatime mount: nothing to compare with */
}

static void test_cap(void **state)
{
	struct fx_dir *f = *state;

	fx_write(f->dir, "a", "hello\0world", 11);
	refused(f, "a", 0, 10, EFBIG, "a: is larger than 10 bytes, not read");
	refused(f, "missing", 0, 10, ENOENT, "missing: does not exist");
}

static void test_not_regular(void **state)
{
	struct fx_dir *f = *state;
	char *p;

	p = fx_path(f->dir, "fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	free(p);
	/* A FIFO with no writer: refused at once, not waited on. */
	refused(f, "fifo", 0, 100, EINVAL, "fifo: is a FIFO, not a file");
	fx_symlink("/dev/zero", f->dir, "zero");
	refused(f, "zero", 0, 1 << 20, EINVAL, "zero: is a character device, not a file");
	refused(f, "zero", VS_READ_NOFOLLOW, 1 << 20, ELOOP, "zero: is a symbolic link");
	fx_mkdirs(f->dir, "dir");
	refused(f, "dir", 0, 100, EISDIR, "dir: is a directory");
	fx_symlink("/nonexistent/x", f->dir, "dangling");
	refused(f, "dangling", 0, 100, ENOENT, "dangling: does not exist");
	fx_write(f->dir, "file", "x", 1);
	refused(f, "file/sub", 0, 100, ENOTDIR, "file/sub: cannot be read: Not a directory");
}

static void test_sparse(void **state)
{
	struct fx_dir *f = *state;
	int fd = openat(f->fd, "big", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)1 << 30), 0);
	close(fd);
	refused(f, "big", 0, 16 << 20, EFBIG, "big: is larger than 16 MiB, not read");
	/* vs_open_at says the same, and gives the size of what it opens. */
	{
		struct vs_err err = {0};
		off_t size = -1;

		assert_int_equal(vs_open_at(f->fd, "big", 0, 16 << 20, &size, &err), VS_EFAIL);
		assert_int_equal(errno, EFBIG);
		fd = vs_open_at(f->fd, "big", 0, (size_t)1 << 30, &size, &err);
		assert_true(fd >= 0);
		assert_int_equal(size, (off_t)1 << 30);
		assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}
}

/* The names in the stream, sorted and joined by spaces (the caller frees). */
static char *names_of(DIR *d)
{
	char *names[16], *out = calloc(1, 256);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && n < 16)
			names[n++] = strdup(de->d_name);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				char *t = names[i];

				names[i] = names[j];
				names[j] = t;
			}
	for (int i = 0; i < n; i++) {
		strcat(out, i ? " " : "");
		strcat(out, names[i]);
		free(names[i]);
	}
	return out;
}

/* vs_opendir_at: a folder below a dirfd read as a stream; a link to a
 * folder is followed unless VS_READ_NOFOLLOW; a file or nothing is NULL
 * with the system's errno; vs_fdopendir takes an fd over, closing it when
 * it is not a folder. */
static void test_opendir_at(void **state)
{
	struct fx_dir *f = *state;
	char *names;
	DIR *d;
	int fd;

	fx_write(f->dir, "sub/a", "1", 1);
	fx_write(f->dir, "sub/b", "2", 1);
	fx_symlink("sub", f->dir, "link");
	fx_write(f->dir, "file", "x", 1);
	assert_non_null(d = vs_opendir_at(f->fd, "sub", VS_READ_NOFOLLOW));
	assert_string_equal(names = names_of(d), "a b");
	free(names);
	assert_true(fcntl(dirfd(d), F_GETFD) & FD_CLOEXEC);
	closedir(d);
	assert_non_null(d = vs_opendir_at(f->fd, "link", 0));
	assert_string_equal(names = names_of(d), "a b");
	free(names);
	closedir(d);
	errno = 0;
	assert_null(vs_opendir_at(f->fd, "link", VS_READ_NOFOLLOW));
	assert_true(errno == ELOOP || errno == ENOTDIR);
	errno = 0;
	assert_null(vs_opendir_at(f->fd, "file", 0));
	assert_int_equal(errno, ENOTDIR);
	errno = 0;
	assert_null(vs_opendir_at(f->fd, "none", 0));
	assert_int_equal(errno, ENOENT);
	/* An absolute path with AT_FDCWD, and ".." of a folder fd. */
	names = fx_path(f->dir, "sub");
	assert_non_null(d = vs_opendir_at(AT_FDCWD, names, 0));
	free(names);
	fd = dup(dirfd(d));
	closedir(d);
	assert_non_null(d = vs_opendir_at(fd, "..", 0));
	assert_string_equal(names = names_of(d), "file link sub");
	free(names);
	closedir(d);
	close(fd);
	/* vs_fdopendir on a file's fd: NULL, errno kept, the fd closed. */
	fd = openat(f->fd, "file", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	errno = 0;
	assert_null(vs_fdopendir(fd));
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
}

static void test_type_reason(void **state)
{
	(void)state;
	assert_string_equal(vs_file_type_reason(S_IFDIR), "is a directory");
	assert_string_equal(vs_file_type_reason(S_IFIFO), "is a FIFO, not a file");
	assert_string_equal(vs_file_type_reason(S_IFLNK), "is a symbolic link");
	assert_string_equal(vs_file_type_reason(S_IFSOCK), "is a socket, not a file");
	assert_string_equal(vs_file_type_reason(S_IFCHR), "is a character device, not a file");
	assert_string_equal(vs_file_type_reason(S_IFBLK), "is a block device, not a file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_file, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_cap, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_noatime, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_not_regular, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_sparse, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_opendir_at, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test(test_type_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
