/* vs_dir (src/util/dirread.c) against readdir and the names made: a folder
 * holding more names than one getdents64 buffer, a subfolder and a symlink
 * typed as such, an empty folder, and an fd that is not a folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/dirread.h"

/* Longer than 200 bytes each, so 400 of them need several 32 KiB reads. */
#define N_FILES 400

static char *make_tmp(void)
{
	char tmpl[] = "/tmp/vs-test-dirread-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void file_name(char *buf, size_t cap, int i)
{
	snprintf(buf, cap, "f%04d-%0200d", i, i);
}

static void test_many_names_and_types(void **state)
{
	char *dir = make_tmp(), path[512];
	char seen[N_FILES] = {0};
	int dots = 0, sub = 0, link = 0, files = 0, fd, readdir_count = 0;
	const char *name;
	unsigned char type;
	struct vs_dir *d;
	DIR *ref;

	(void)state;
	for (int i = 0; i < N_FILES; i++) {
		char n[256];

		file_name(n, sizeof(n), i);
		snprintf(path, sizeof(path), "%s/%s", dir, n);
		fd = open(path, O_CREAT | O_WRONLY, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/link", dir);
	assert_int_equal(symlink("sub", path), 0);

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	d = vs_dir_open(fd);
	assert_int_equal(vs_dir_fd(d), fd);
	while ((name = vs_dir_next(d, &type)) != NULL) {
		int i;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			dots++;
		} else if (strcmp(name, "sub") == 0) {
			sub++;
			assert_true(type == DT_DIR || type == DT_UNKNOWN);
		} else if (strcmp(name, "link") == 0) {
			link++;
			assert_true(type == DT_LNK || type == DT_UNKNOWN);
		} else {
			char want[256];

			assert_int_equal(sscanf(name, "f%04d-", &i), 1);
			assert_true(i >= 0 && i < N_FILES);
			file_name(want, sizeof(want), i);
			assert_string_equal(name, want);
			assert_int_equal(seen[i], 0);
			seen[i] = 1;
			files++;
		}
	}
	assert_int_equal(errno, 0);
	vs_dir_close(d);
	assert_int_equal(dots, 2);
	assert_int_equal(sub, 1);
	assert_int_equal(link, 1);
	assert_int_equal(files, N_FILES);

	/* readdir sees as many entries. */
	ref = opendir(dir);
	assert_non_null(ref);
	while (readdir(ref))
		readdir_count++;
	closedir(ref);
	assert_int_equal(readdir_count, N_FILES + 4);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
	free(dir);
}

static void test_empty_folder(void **state)
{
	char *dir = make_tmp(), cmd[256];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = 0;
	unsigned char type;
	struct vs_dir *d;

	(void)state;
	assert_true(fd >= 0);
	d = vs_dir_open(fd);
	while (vs_dir_next(d, &type))
		n++;
	assert_int_equal(errno, 0);
	assert_int_equal(n, 2); /* . and .. */
	vs_dir_close(d);
	/* The fd was closed with it. */
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static void test_not_a_folder(void **state)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	unsigned char type;
	struct vs_dir *d;

	(void)state;
	assert_true(fd >= 0);
	d = vs_dir_open(fd);
	assert_null(vs_dir_next(d, &type));
	assert_int_equal(errno, ENOTDIR);
	vs_dir_close(d);
	vs_dir_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_names_and_types),
		cmocka_unit_test(test_empty_folder),
		cmocka_unit_test(test_not_a_folder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
