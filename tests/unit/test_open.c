/* act_open_env: the one way a path becomes an env's model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/open.h"
#include "helpers/fixture.h"

static void make_env(const char *d)
{
	fx_write(d, "env/pyvenv.cfg", "home = /usr/bin\nversion = 3.11.2\n", (size_t)-1);
	fx_write(d, "env/lib/python3.11/site-packages/demo-1.0.dist-info/METADATA",
		 "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n", (size_t)-1);
	fx_write(d, "env/lib/python3.11/site-packages/demo.py", "x = 1\n", (size_t)-1);
	fx_write(d, "plain/file.txt", "not an env\n", (size_t)-1);
}

static void test_refusals(void **state)
{
	char *d = fx_tmpdir(), *p;
	struct scan_request req = {.no_git = true};
	struct act_open_opts o = {.what = ACT_OPEN_FULL, .scan = &req};
	struct vs_err err = {0};
	struct venv *v = (struct venv *)1;

	(void)state;
	make_env(d);
	p = fx_path(d, "missing");
	assert_int_equal(act_open_env(&v, p, &o, &err), VS_EUSAGE);
	assert_null(v);
	assert_non_null(strstr(err.msg, "no such folder"));
	free(p);
	p = fx_path(d, "plain/file.txt");
	assert_int_equal(act_open_env(&v, p, &o, &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "not a folder"));
	free(p);
	p = fx_path(d, "plain");
	assert_int_equal(act_open_env(&v, p, &o, &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "not a virtual environment (it holds no pyvenv.cfg file)"));
	assert_int_equal(strncmp(err.msg, p, strlen(p)), 0);
	free(p);
	fx_rmtree(d);
	free(d);
}

/* Each depth gives what it promises; a relative path becomes absolute. */
static void test_depths(void **state)
{
	char *d = fx_tmpdir(), *env = fx_path(d, "env"), cwd[4096];
	struct scan_request req = {.stale_days = 90, .no_git = true};
	struct act_open_opts o = {.what = ACT_OPEN_CONFIG, .scan = &req};
	struct vs_err err = {0};
	struct venv *v = NULL;

	(void)state;
	make_env(d);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(d), 0);
	assert_int_equal(act_open_env(&v, "env", &o, &err), 0);
	assert_string_equal(v->path, env);
	assert_false(v->packages_known);
	assert_false(v->size_known);
	venv_free(v);
	o.what = ACT_OPEN_PACKAGES;
	assert_int_equal(act_open_env(&v, "env", &o, &err), 0);
	assert_true(v->packages_known);
	assert_int_equal(v->package_count, 1);
	assert_false(v->size_known);
	venv_free(v);
	o.what = ACT_OPEN_FULL;
	assert_int_equal(act_open_env(&v, env, &o, &err), 0);
	assert_string_equal(v->path, env);
	assert_true(v->packages_known);
	assert_true(v->size_known);
	assert_true(v->size.files >= 3);
	venv_free(v);
	assert_int_equal(chdir(cwd), 0);
	fx_rmtree(d);
	free(env);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_depths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
