/* scan/story and scan/project: where an env says it was made (the
 * VIRTUAL_ENV= line of each activate flavour venv, virtualenv and uv
 * write, and pyvenv.cfg's command line), and the 8 characters poetry and
 * hatch put in an env's folder name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scan/project.h"
#include "scan/story.h"

static void expect_activate(const char *text, const char *want)
{
	char *got = scan_story_activate_path(text);

	if (want) {
		assert_non_null(got);
		assert_string_equal(got, want);
	} else {
		assert_null(got);
	}
	free(got);
}

static void test_activate(void **state)
{
	(void)state;
	/* CPython 3.11's venv. */
	expect_activate("deactivate nondestructive\n\nVIRTUAL_ENV=\"/home/a/proj/.venv\"\nexport VIRTUAL_ENV\n",
			"/home/a/proj/.venv");
	/* CPython 3.13: the Cygwin branch first, then the path as is. */
	expect_activate("case \"$(uname)\" in\n    CYGWIN*)\n        VIRTUAL_ENV=$(cygpath /x)\n"
			"        ;;\n    *)\n        export VIRTUAL_ENV=/srv/env\n        ;;\nesac\n",
			"/srv/env");
	/* virtualenv and uv: single quotes, a space inside. */
	expect_activate("VIRTUAL_ENV='/tmp/with space/env'\nif ([ \"$OSTYPE\" = \"cygwin\" ]) then\n"
			"    VIRTUAL_ENV=$(cygpath \"$VIRTUAL_ENV\")\nfi\n",
			"/tmp/with space/env");
	/* Nothing absolute, an unclosed quote, no line at all. */
	expect_activate("VIRTUAL_ENV=relative/env\n", NULL);
	expect_activate("VIRTUAL_ENV=\"/unclosed\n", NULL);
	expect_activate("export PATH\n_OLD_VIRTUAL_PATH=\"$PATH\"\n", NULL);
	expect_activate("", NULL);
}

static void test_command(void **state)
{
	char *p;

	(void)state;
	p = scan_story_command_path(
		"/usr/bin/python3.11 -m venv --without-pip --prompt=\"x\" /a/b env");
	assert_string_equal(p, "/a/b env");
	free(p);
	p = scan_story_command_path("/usr/bin/python3 -m venv /srv/e");
	assert_string_equal(p, "/srv/e");
	free(p);
	assert_null(scan_story_command_path("/usr/bin/python3 -m venv rel"));
	assert_null(scan_story_command_path("uv venv /x"));
	assert_null(scan_story_command_path(NULL));
}

static int hash_of(const char *manager, const char *path, char out[9])
{
	struct venv v;

	memset(&v, 0, sizeof(v));
	v.manager = manager;
	v.path = (char *)path;
	v.name = strrchr(path, '/') + 1;
	return scan_project_hash_of(&v, out);
}

static void test_hash_of(void **state)
{
	char h[9];

	(void)state;
	assert_true(hash_of("poetry", "/c/pypoetry/virtualenvs/my-app-a1CE37F5-py3.11", h));
	assert_string_equal(h, "a1CE37F5");
	/* A name holding "-py" itself, and '-'/'_' inside the hash. */
	assert_true(hash_of("poetry", "/c/virtualenvs/my-pyx-_-BU_nrg-py3.12", h));
	assert_string_equal(h, "_-BU_nrg");
	assert_false(hash_of("poetry", "/c/virtualenvs/envs.toml-like", h));
	assert_false(hash_of("poetry", "/c/virtualenvs/x-short-py3.11", h));
	assert_true(hash_of("hatch", "/d/hatch/env/virtual/proj/47DEQpj8/proj", h));
	assert_string_equal(h, "47DEQpj8");
	assert_false(hash_of("hatch", "/d/hatch/env/virtual/proj/toolong123/proj", h));
	assert_false(hash_of(NULL, "/x/name-a1CE37F5-py3.11", h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_activate),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_hash_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
