/* The interpreter discovery (scan/pythons.h) on real interpreters: names
 * found in a PATH folder of symlinks merge into the row of the file they
 * lead to, and an env belongs to the interpreter its base resolves to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/pythons.h"
#include "scan/venv.h"

static const char *system_python(void)
{
	return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : NULL;
}

static bool has_name(const struct scan_python *py, const char *name)
{
	for (size_t i = 0; i < py->n_names; i++)
		if (strcmp(py->names[i], name) == 0)
			return true;
	return false;
}

static void test_path_symlinks_are_names(void **state)
{
	char dir[] = "/tmp/vs-pythons-XXXXXX";
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], home[PATH_MAX];
	const char *sys = system_python();
	char *real, *old_path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	struct scan_python_list l;
	const struct scan_python *row = NULL;
	struct venv uses = {0}, gone = {0};
	const struct venv *envs[3];

	(void)state;
	if (!sys)
		skip(); /* a machine without /usr/bin/python3: nothing real to find */
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/python3", dir);
	snprintf(b, sizeof(b), "%s/python3.99", dir);
	snprintf(c, sizeof(c), "%s/python3-config", dir);
	snprintf(home, sizeof(home), "%s/home", dir);
	assert_int_equal(symlink(sys, a), 0);
	assert_int_equal(symlink(sys, b), 0);
	assert_int_equal(symlink(sys, c), 0);
	real = realpath(sys, NULL);
	setenv("PATH", dir, 1);
	unsetenv("PYENV_ROOT");
	unsetenv("UV_PYTHON_INSTALL_DIR");
	unsetenv("MAMBA_ROOT_PREFIX");

	scan_find_pythons(&l, home, NULL, 0, SCAN_PYTHONS_ALL);
	for (size_t i = 0; i < l.n; i++) {
		assert_true(strstr(l.items[i].path, "python3-config") == NULL);
		for (size_t j = 0; j < i; j++)
			assert_false(l.items[i].dev == l.items[j].dev &&
				     l.items[i].ino == l.items[j].ino);
		if (strcmp(l.items[i].real, real) == 0)
			row = &l.items[i];
	}
	assert_non_null(row);
	assert_string_equal(row->path, a); /* PATH comes first, python3 before python3.99 */
	assert_true(has_name(row, a) && has_name(row, b) && has_name(row, sys));
	assert_false(has_name(row, c));
	assert_string_equal(row->source, "/usr/bin"); /* the named place, not "PATH" */
	assert_non_null(row->version);
	assert_true(row->has_venv);

	/* The env whose base resolves to it is its; a gone base is nobody's. */
	uses.base_python = real;
	gone.base_python = (char *)"/nonexistent/python3.11";
	envs[0] = &gone;
	envs[1] = NULL;
	envs[2] = &uses;
	scan_pythons_users(&l, envs, 3);
	assert_int_equal(row->n_envs, 1);
	assert_int_equal(row->envs[0], 2);
	assert_ptr_equal(scan_python_of(&l, &uses), row);
	assert_null(scan_python_of(&l, &gone));
	scan_pythons_sort_by_users(&l);
	assert_int_equal(l.items[0].n_envs, 1);

	scan_python_list_free(&l);
	if (old_path)
		setenv("PATH", old_path, 1);
	free(old_path);
	free(real);
	unlink(a);
	unlink(b);
	unlink(c);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_symlinks_are_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
