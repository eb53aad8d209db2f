/* A manager's files kept across a clear or a rebuild (actions/keep.c):
 * read from one env, written back into the env made again, with their
 * modes; a file already there, a symlink or a FIFO is left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actions/keep.h"
#include "helpers/fixture.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static void assert_file(const char *dir, const char *rel, const char *text, mode_t mode)
{
	char *p = fx_path(dir, rel), *got = slurp(p);

	assert_non_null(got);
	assert_string_equal(got, text);
	assert_int_equal(mode_of(p), mode);
	free(got);
	free(p);
}

static void test_kept_and_put_back(void **state)
{
	char *d = fx_tmpdir(), *old = fx_path(d, "old"), *new = fx_path(d, "new");
	char *hook = fx_path(d, "old/bin/postactivate"), *fifo = fx_path(d, "old/uv-receipt.toml");
	char *proj = fx_path(d, "old/.project"), *pipx = fx_path(d, "new/pipx_metadata.json");
	struct vs_err err = {0};
	struct act_kept *k;

	(void)state;
	fx_write(d, "old/.project", "/home/u/code/proj\n", (size_t)-1);
	fx_write(d, "old/bin/postactivate", "#!/bin/bash\necho hi\n", (size_t)-1);
	chmod(hook, 0750);
	fx_write(d, "old/pipx_metadata.json", "{\"main_package\": {}}\n", (size_t)-1);
	assert_int_equal(mkfifo(fifo, 0644), 0); /* not a receipt: never read */
	fx_symlink("/etc/passwd", d, "old/bin/predeactivate");
	fx_write(d, "old/lib/other.txt", "not a manager's file\n", (size_t)-1);
	k = act_kept_read(old);
	assert_int_equal(act_kept_count(k), 3);

	fx_write(d, "new/pyvenv.cfg", "home = /usr/bin\n", (size_t)-1);
	fx_write(d, "new/pipx_metadata.json", "newer\n", (size_t)-1); /* already there: kept */
	fx_mkdirs(d, "new/bin");
	assert_int_equal(act_kept_restore(k, new, &err), 0);
	assert_file(new, ".project", "/home/u/code/proj\n", mode_of(proj));
	assert_file(new, "bin/postactivate", "#!/bin/bash\necho hi\n", 0750);
	assert_file(new, "pipx_metadata.json", "newer\n", mode_of(pipx));
	{
		char *p = fx_path(new, "bin/predeactivate"), *q = fx_path(new, "uv-receipt.toml");
		char *r = fx_path(new, "lib/other.txt");

		assert_int_equal(access(p, F_OK), -1);
		assert_int_equal(access(q, F_OK), -1);
		assert_int_equal(access(r, F_OK), -1);
		free(p);
		free(q);
		free(r);
	}
	act_kept_free(k);
	fx_rmtree(d);
	free(old);
	free(new);
	free(hook);
	free(fifo);
	free(proj);
	free(pipx);
	free(d);
}

/* A folder that cannot take the file: the error names it. */
static void test_restore_error_names_the_file(void **state)
{
	char *d = fx_tmpdir(), *old = fx_path(d, "old"), *new = fx_path(d, "new");
	struct vs_err err = {0};
	struct act_kept *k;

	(void)state;
	fx_write(d, "old/bin/postactivate", "x\n", (size_t)-1);
	k = act_kept_read(old);
	fx_write(d, "new/pyvenv.cfg", "home = /usr/bin\n", (size_t)-1); /* no bin/ */
	assert_int_equal(act_kept_restore(k, new, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "bin/postactivate"));
	assert_non_null(strstr(err.msg, new));
	act_kept_free(k);
	act_kept_free(NULL);
	fx_rmtree(d);
	free(old);
	free(new);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_and_put_back),
		cmocka_unit_test(test_restore_error_names_the_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
