/* scan_inspect_env on real folders laid out like venv, virtualenv and uv
 * leave them: kind, version, interpreter link, base, health, project. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "scan/inspect.h"

struct ctx {
	char *dir;  /* temp folder */
	char *base; /* a fake base install: dir/base/bin/python3.11 */
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	c->dir = fx_tmpdir();
	fx_write(c->dir, "base/bin/python3.11", "#!fake interpreter\n", (size_t)-1);
	c->base = fx_path(c->dir, "base/bin");
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	fx_rmtree(c->dir);
	free(c->dir);
	free(c->base);
	free(c);
	return 0;
}

static struct venv *inspect(const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel);
	int fd = open(p, O_RDONLY | O_DIRECTORY);
	struct venv *v;

	assert_true(fd >= 0);
	v = scan_inspect_env(fd, p, NULL, SCAN_PARENT_UNKNOWN);
	close(fd);
	free(p);
	return v;
}

static bool has_problem(const struct venv *v, const char *words)
{
	for (size_t i = 0; i < v->n_problems; i++)
		if (strstr(v->problems[i], words))
			return true;
	return false;
}

static void test_symlink_venv(void **state)
{
	struct ctx *c = *state;
	char cfg[1024], *target = fx_path(c->base, "python3.11"), *real;
	struct venv *v;

	snprintf(cfg, sizeof(cfg),
		 "home = %s\ninclude-system-site-packages = true\nversion = 3.11.7\n"
		 "prompt = 'my env'\nexecutable = %s\n",
		 c->base, target);
	fx_write(c->dir, "proj/.venv/pyvenv.cfg", cfg, (size_t)-1);
	fx_symlink(target, c->dir, "proj/.venv/bin/python3.11");
	fx_symlink("python3.11", c->dir, "proj/.venv/bin/python");
	fx_write(c->dir, "proj/.venv/bin/activate", "# finished\n", (size_t)-1);
	fx_write(c->dir, "proj/pyproject.toml", "[project]\n", (size_t)-1);
	v = inspect(c->dir, "proj/.venv");
	real = realpath(target, NULL);
	assert_int_equal(v->kind, VENV_KIND_VENV);
	assert_string_equal(v->name, ".venv");
	assert_string_equal(v->python_version, "3.11.7");
	assert_string_equal(v->implementation, "CPython");
	assert_int_equal(v->link, VENV_LINK_SYMLINK);
	assert_string_equal(v->link_target, "python3.11");
	assert_string_equal(v->base_python, real);
	assert_true(v->base_exists);
	assert_false(v->broken);
	assert_false(v->incomplete);
	assert_int_equal(v->n_problems, 0);
	assert_int_equal(v->system_site_packages, VENV_YES);
	assert_string_equal(v->prompt, "my env");
	{
		char *proj = fx_path(c->dir, "proj");

		assert_string_equal(v->project, proj);
		free(proj);
	}
	venv_free(v);
	free(real);
	free(target);
}

static void test_base_removed_is_broken(void **state)
{
	struct ctx *c = *state;
	char cfg[1024];
	char *gone = fx_path(c->dir, "gone/bin/python3.9");
	struct venv *v;

	snprintf(cfg, sizeof(cfg), "home = %s/gone/bin\nversion = 3.9.18\n", c->dir);
	fx_write(c->dir, "old/pyvenv.cfg", cfg, (size_t)-1);
	fx_symlink(gone, c->dir, "old/bin/python");
	v = inspect(c->dir, "old");
	assert_int_equal(v->link, VENV_LINK_SYMLINK);
	assert_true(v->broken);
	assert_false(v->base_exists);
	assert_string_equal(v->base_python, gone); /* where the chain ends */
	assert_true(has_problem(v, "no longer exists"));
	assert_true(has_problem(v, "does not exist"));
	assert_null(v->project); /* the parent holds no project marker */
	venv_free(v);
	free(gone);
}

static void test_copy_virtualenv(void **state)
{
	struct ctx *c = *state;
	char cfg[1024], *want = fx_path(c->base, "python3.11"), *real;
	struct venv *v;

	snprintf(cfg, sizeof(cfg),
		 "home = %s\nimplementation = CPython\nversion_info = 3.11.7.final.0\n"
		 "virtualenv = 20.17.1\ninclude-system-site-packages = false\n"
		 "base-prefix = /usr\n",
		 c->base);
	fx_write(c->dir, "ve/pyvenv.cfg", cfg, (size_t)-1);
	fx_write(c->dir, "ve/bin/python", "copy", (size_t)-1);
	fx_write(c->dir, "ve/.project", "/somewhere/project\n", (size_t)-1);
	v = inspect(c->dir, "ve");
	real = realpath(want, NULL);
	assert_int_equal(v->kind, VENV_KIND_VIRTUALENV);
	assert_string_equal(v->python_version, "3.11.7");
	assert_int_equal(v->link, VENV_LINK_COPY);
	assert_null(v->link_target);
	assert_string_equal(v->base_python, real); /* home/python3.11 */
	assert_true(v->base_exists);
	assert_false(v->broken);
	assert_int_equal(v->system_site_packages, VENV_NO);
	assert_null(v->prompt);
	assert_string_equal(v->project, "/somewhere/project");
	venv_free(v);
	free(real);
	free(want);
}

static void test_uv_and_lib_version(void **state)
{
	struct ctx *c = *state;
	char cfg[1024];
	struct venv *v;

	snprintf(cfg, sizeof(cfg), "home = %s\nimplementation = CPython\nuv = 0.4.0\n", c->base);
	fx_write(c->dir, "uvenv/pyvenv.cfg", cfg, (size_t)-1);
	fx_mkdirs(c->dir, "uvenv/lib/python3.12/site-packages");
	fx_symlink("/nonexistent/python3.12", c->dir, "uvenv/bin/python");
	fx_write(c->dir, "requirements-dev.txt", "", 0);
	v = inspect(c->dir, "uvenv");
	assert_int_equal(v->kind, VENV_KIND_UV);
	assert_string_equal(v->python_version, "3.12"); /* from lib/python3.12 */
	assert_true(v->broken);
	assert_string_equal(v->project, c->dir); /* requirements-dev.txt marks it */
	venv_free(v);
}

static void test_missing_interpreter_and_empty_cfg(void **state)
{
	struct ctx *c = *state;
	struct venv *v;

	fx_write(c->dir, "empty/pyvenv.cfg", "", 0);
	v = inspect(c->dir, "empty");
	assert_int_equal(v->link, VENV_LINK_MISSING);
	assert_true(v->broken);
	assert_null(v->python_version);
	assert_null(v->home);
	assert_int_equal(v->system_site_packages, VENV_UNKNOWN);
	assert_true(has_problem(v, "empty"));
	assert_true(has_problem(v, "bin/python is missing"));
	assert_true(has_problem(v, "no home key"));
	venv_free(v);
}

/* venv writes bin/activate last: without any activation script the env is
 * a half-made one, and the advice names the command that removes it. */
static void test_incomplete(void **state)
{
	struct ctx *c = *state;
	char cfg[1024], want[2048], *target = fx_path(c->base, "python3.11");
	char *path = fx_path(c->dir, "half env");
	struct venv *v;

	snprintf(cfg, sizeof(cfg), "home = %s\nversion = 3.11.7\n", c->base);
	fx_write(c->dir, "half env/pyvenv.cfg", cfg, (size_t)-1);
	fx_symlink(target, c->dir, "half env/bin/python");
	v = inspect(c->dir, "half env");
	assert_true(v->incomplete);
	assert_false(v->broken);
	snprintf(want, sizeof(want), "remove it with: venvscope delete '%s'", path);
	assert_true(has_problem(v, want));
	venv_free(v);

	/* Any activation script means venv got to its end (fish only here). */
	fx_write(c->dir, "half env/bin/activate.fish", "", 0);
	v = inspect(c->dir, "half env");
	assert_false(v->incomplete);
	assert_int_equal(v->n_problems, 0);
	venv_free(v);

	/* A plain path is written as is. */
	snprintf(cfg, sizeof(cfg), "home = %s\nversion = 3.11.7\nvirtualenv = 20.17.1\n", c->base);
	fx_write(c->dir, "half/pyvenv.cfg", cfg, (size_t)-1);
	fx_symlink(target, c->dir, "half/bin/python");
	free(path);
	path = fx_path(c->dir, "half");
	v = inspect(c->dir, "half");
	assert_true(v->incomplete);
	snprintf(want, sizeof(want), "remove it with: venvscope delete %s", path);
	assert_true(has_problem(v, want));
	venv_free(v);

	/* uv is not judged by its scripts. */
	snprintf(cfg, sizeof(cfg), "home = %s\nuv = 0.4.0\n", c->base);
	fx_write(c->dir, "uvhalf/pyvenv.cfg", cfg, (size_t)-1);
	fx_symlink(target, c->dir, "uvhalf/bin/python");
	v = inspect(c->dir, "uvhalf");
	assert_false(v->incomplete);
	venv_free(v);
	free(path);
	free(target);
}

/* bin/python pointing at a device or a FIFO (or being a FIFO) says what it
 * is, not "does not exist". */
static void test_interpreter_not_a_file(void **state)
{
	struct ctx *c = *state;
	char cfg[1024], *fifo = fx_path(c->dir, "a-fifo"), *self;
	struct venv *v;

	snprintf(cfg, sizeof(cfg), "home = %s\nversion = 3.11.7\n", c->base);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	fx_write(c->dir, "dev/pyvenv.cfg", cfg, (size_t)-1);
	fx_write(c->dir, "dev/bin/activate", "", 0);
	fx_symlink("/dev/null", c->dir, "dev/bin/python");
	v = inspect(c->dir, "dev");
	assert_true(v->broken);
	assert_true(has_problem(v, "points to /dev/null, which is a character device, not a file"));
	assert_false(has_problem(v, "does not exist"));
	venv_free(v);

	fx_write(c->dir, "fifo/pyvenv.cfg", cfg, (size_t)-1);
	fx_write(c->dir, "fifo/bin/activate", "", 0);
	fx_symlink(fifo, c->dir, "fifo/bin/python");
	v = inspect(c->dir, "fifo");
	assert_true(v->broken);
	assert_true(has_problem(v, "which is a FIFO, not a file"));
	assert_false(has_problem(v, "does not exist"));
	venv_free(v);

	fx_write(c->dir, "self/pyvenv.cfg", cfg, (size_t)-1);
	fx_write(c->dir, "self/bin/activate", "", 0);
	self = fx_path(c->dir, "self/bin/python");
	assert_int_equal(mkfifo(self, 0700), 0);
	v = inspect(c->dir, "self");
	assert_true(v->broken);
	assert_true(has_problem(v, "bin/python is a FIFO, not a file"));
	venv_free(v);
	free(self);
	free(fifo);
}

static void test_packages_step(void **state)
{
	struct ctx *c = *state;
	char *p = fx_path(c->dir, "pk");
	struct scan_pkgs_result *r;
	int fd;

	fx_write(c->dir, "pk/pyvenv.cfg", "home = /usr/bin\n", (size_t)-1);
	fx_write(c->dir, "pk/lib/python3.11/site-packages/pip-23.2.1.dist-info/METADATA",
		 "Metadata-Version: 2.1\nName: pip\nVersion: 23.2.1\n\nbody\n", (size_t)-1);
	fd = open(p, O_RDONLY | O_DIRECTORY);
	r = scan_inspect_packages(fd, p);
	close(fd);
	assert_int_equal(r->n_site_packages, 1);
	assert_int_equal(r->packages.n, 1);
	assert_string_equal(r->packages.items[0].name, "pip");
	assert_string_equal(r->packages.items[0].version, "23.2.1");
	assert_true(r->last_modified > 0);
	assert_null(r->problem);
	scan_pkgs_result_free(r);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_symlink_venv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base_removed_is_broken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_virtualenv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uv_and_lib_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_interpreter_and_empty_cfg, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_packages_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incomplete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interpreter_not_a_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
