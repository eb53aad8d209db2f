/* The one remove workflow (act_remove: check, keep the recipe, trash or
 * delete) and the one walker's other user (act_remove_partial). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/job.h"
#include "actions/remove.h"
#include "helpers/fixture.h"
#include "scan/inspect.h"

static struct venv *inspect_at(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	struct venv *v;

	assert_true(fd >= 0);
	v = scan_inspect_env(fd, path, NULL, SCAN_PARENT_UNKNOWN);
	close(fd);
	return v;
}

static void make_env(const char *d)
{
	fx_write(d, "env/pyvenv.cfg", "home = /usr/bin\nversion = 3.11.2\n", (size_t)-1);
	fx_write(d, "env/lib/python3.11/site-packages/pkg/mod.py", "x = 1\n", (size_t)-1);
	fx_write(d, "outside/keep.txt", "precious\n", (size_t)-1);
	fx_symlink("../../../../outside", d, "env/lib/python3.11/site-packages/out");
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The recipe cannot be kept: nothing is touched, and the message names the
 * env, says so once, and keeps the reason (the drift bug). */
static void test_record_failure_keeps_the_reason(void **state)
{
	char *d = fx_tmpdir(), *env = fx_path(d, "env"), *state_home = fx_path(d, "state");
	struct act_remove_result res;
	struct vs_err err = {0};
	struct venv *v;

	(void)state;
	make_env(d);
	fx_write(d, "state/venvscope", "a file where the records folder goes\n", (size_t)-1);
	setenv("XDG_STATE_HOME", state_home, 1);
	v = inspect_at(env);
	assert_int_equal(act_remove(&res, v, false, "/nonexistent-home", NULL, &err), VS_EFAIL);
	assert_int_equal(strncmp(err.msg, env, strlen(env)), 0);
	assert_int_equal(count(err.msg, "not deleted, its recipe could not be kept"), 1);
	assert_non_null(strstr(err.msg, "Not a directory"));
	assert_non_null(strstr(err.msg, state_home));
	assert_null(res.record);
	assert_int_equal(access(env, F_OK), 0);
	act_remove_result_clear(&res);
	venv_free(v);
	fx_rmtree(d);
	free(env);
	free(state_home);
	free(d);
}

static void test_delete_keeps_a_record(void **state)
{
	char *d = fx_tmpdir(), *env = fx_path(d, "env"), *state_home = fx_path(d, "state");
	char *keep = fx_path(d, "outside/keep.txt");
	struct act_remove_result res;
	struct vs_err err = {0};
	struct venv *v;

	(void)state;
	make_env(d);
	setenv("XDG_STATE_HOME", state_home, 1);
	v = inspect_at(env);
	assert_int_equal(act_remove(&res, v, false, "/nonexistent-home", NULL, &err), 0);
	assert_non_null(res.record);
	assert_int_equal(strncmp(res.record, state_home, strlen(state_home)), 0);
	assert_int_equal(access(res.record, F_OK), 0);
	assert_true(res.del.removed);
	assert_int_equal(access(env, F_OK), -1);
	assert_int_equal(access(keep, F_OK), 0);
	act_remove_result_clear(&res);
	venv_free(v);
	fx_rmtree(d);
	free(env);
	free(state_home);
	free(keep);
	free(d);
}

/* A refused env gets no record. */
static void test_refusal_writes_nothing(void **state)
{
	char *d = fx_tmpdir(), *env = fx_path(d, "env"), *state_home = fx_path(d, "state");
	char *cfg = fx_path(d, "env/pyvenv.cfg");
	struct act_remove_result res;
	struct vs_err err = {0};
	struct venv *v;

	(void)state;
	make_env(d);
	setenv("XDG_STATE_HOME", state_home, 1);
	v = inspect_at(env);
	unlink(cfg);
	assert_int_equal(act_remove(&res, v, false, "/nonexistent-home", NULL, &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "not a virtual environment"));
	assert_int_equal(access(state_home, F_OK), -1);
	assert_int_equal(access(env, F_OK), 0);
	act_remove_result_clear(&res);
	venv_free(v);
	fx_rmtree(d);
	free(env);
	free(state_home);
	free(cfg);
	free(d);
}

/* What a failed create left: removed with the same walker, links not
 * followed. */
static void test_partial(void **state)
{
	char *d = fx_tmpdir(), *env = fx_path(d, "env"), *keep = fx_path(d, "outside/keep.txt");
	struct vs_err err = {0};

	(void)state;
	make_env(d);
	fx_symlink("../outside", d, "env/direct");
	assert_int_equal(act_remove_partial(env, &err), 0);
	assert_int_equal(access(env, F_OK), -1);
	assert_int_equal(access(keep, F_OK), 0);
	assert_int_equal(act_remove_partial(env, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, env));
	fx_rmtree(d);
	free(env);
	free(keep);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_failure_keeps_the_reason),
		cmocka_unit_test(test_delete_keeps_a_record),
		cmocka_unit_test(test_refusal_writes_nothing),
		cmocka_unit_test(test_partial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
