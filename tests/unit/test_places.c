/* Central places and manager detection, with a temporary home folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/places.h"
#include "helpers/fixture.h"

/* Every variable places.c reads; saved before each test, cleared, and put
 * back after it, so the machine's own settings never leak in. */
static const char *const vars[] = {
	"WORKON_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
	"PIPX_HOME",   "PYENV_ROOT",    "UV_TOOL_DIR",
};
#define NVARS (sizeof(vars) / sizeof(vars[0]))

struct fx {
	char *home;
	char *saved[NVARS];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	size_t i;

	if (!f)
		return -1;
	for (i = 0; i < NVARS; i++) {
		const char *v = getenv(vars[i]);

		f->saved[i] = v ? strdup(v) : NULL;
		unsetenv(vars[i]);
	}
	f->home = fx_tmpdir();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < NVARS; i++) {
		if (f->saved[i])
			setenv(vars[i], f->saved[i], 1);
		else
			unsetenv(vars[i]);
		free(f->saved[i]);
	}
	fx_rmtree(f->home);
	free(f->home);
	free(f);
	return 0;
}

static char *hp(struct fx *f, const char *rel)
{
	return fx_path(f->home, rel);
}

/* Asserts the central places are exactly home/<want[i]> in order; a want
 * starting with '/' is taken as it is. */
static void assert_places(struct fx *f, const char *const *want, size_t n)
{
	char **v;
	size_t got = scan_central_places(&v, f->home), i;

	for (i = 0; i < got && i < n; i++) {
		char *w = want[i][0] == '/' ? strdup(want[i]) : hp(f, want[i]);

		assert_string_equal(v[i], w);
		free(w);
	}
	assert_int_equal(got, n);
	scan_free_strv(v, got);
}

static void test_null_home(void **state)
{
	char **v = (char **)1;

	(void)state;
	assert_int_equal(scan_central_places(&v, NULL), 0);
	assert_null(v);
}

static void test_nothing_exists(void **state)
{
	struct fx *f = *state;
	char **v;

	assert_int_equal(scan_central_places(&v, f->home), 0);
	assert_null(v);
	scan_free_strv(v, 0);
}

static const char *const all_defaults[] = {
	"venvs",
	".venvs",
	".virtualenvs",
	".local/share/virtualenvs",
	".cache/pypoetry/virtualenvs",
	".local/share/pipx/venvs",
	".local/share/hatch/env/virtual",
	".pyenv/versions/3.9.18/envs",
	".pyenv/versions/3.10.2/envs",
	".pyenv/versions/3.12.1/envs",
	".local/share/uv/tools",
};

static void make_defaults(struct fx *f)
{
	size_t i;

	/* Made in reverse, so creation order cannot pass for list order. */
	for (i = sizeof(all_defaults) / sizeof(all_defaults[0]); i-- > 0;)
		fx_mkdirs(f->home, all_defaults[i]);
	/* Versions without an envs folder are not listed. */
	fx_mkdirs(f->home, ".pyenv/versions/3.11.0/bin");
	fx_write(f->home, ".pyenv/versions/3.8.0/envs", "not a folder", (size_t)-1);
}

static void test_all_defaults_in_order(void **state)
{
	struct fx *f = *state;

	make_defaults(f);
	assert_places(f, all_defaults, sizeof(all_defaults) / sizeof(all_defaults[0]));
}

static void test_files_and_links(void **state)
{
	struct fx *f = *state;
	char *target = hp(f, "elsewhere");
	static const char *const want[] = {".venvs"};

	/* A file is not a place; a symlink to a folder is (stat follows). */
	fx_write(f->home, "venvs", "x", (size_t)-1);
	fx_mkdirs(f->home, "elsewhere");
	fx_symlink(target, f->home, ".venvs");
	fx_symlink("missing", f->home, ".virtualenvs");
	assert_places(f, want, 1);
	free(target);
}

static void test_workon_home(void **state)
{
	struct fx *f = *state;
	char *abs = hp(f, "wrapper/envs");
	const char *want[] = {abs};
	static const char *const want_rel[] = {"relenvs"};
	static const char *const want_tilde[] = {"tilde"};

	fx_mkdirs(f->home, ".virtualenvs");
	fx_mkdirs(f->home, "wrapper/envs");
	fx_mkdirs(f->home, "relenvs");
	fx_mkdirs(f->home, "tilde");
	/* An absolute value replaces ~/.virtualenvs. */
	setenv("WORKON_HOME", abs, 1);
	assert_places(f, want, 1);
	/* virtualenvwrapper takes relative values from home... */
	setenv("WORKON_HOME", "relenvs", 1);
	assert_places(f, want_rel, 1);
	/* ...and expands a leading "~/". */
	setenv("WORKON_HOME", "~/tilde/", 1);
	assert_places(f, want_tilde, 1);
	/* An empty value is no value. */
	setenv("WORKON_HOME", "", 1);
	{
		static const char *const want_dflt[] = {".virtualenvs"};

		assert_places(f, want_dflt, 1);
	}
	free(abs);
}

static void test_xdg_dirs(void **state)
{
	struct fx *f = *state;
	char *data = hp(f, "xdata"), *cache = hp(f, "xcache");
	char *w[5];
	size_t i;

	w[0] = fx_path(data, "virtualenvs");
	w[1] = fx_path(cache, "pypoetry/virtualenvs");
	w[2] = fx_path(data, "pipx/venvs");
	w[3] = fx_path(data, "hatch/env/virtual");
	w[4] = fx_path(data, "uv/tools");
	fx_mkdirs(f->home, "xdata/virtualenvs");
	fx_mkdirs(f->home, "xcache/pypoetry/virtualenvs");
	fx_mkdirs(f->home, "xdata/pipx/venvs");
	fx_mkdirs(f->home, "xdata/hatch/env/virtual");
	fx_mkdirs(f->home, "xdata/uv/tools");
	/* The defaults exist too, but the variables win over them. */
	make_defaults(f);
	setenv("XDG_DATA_HOME", data, 1);
	setenv("XDG_CACHE_HOME", cache, 1);
	{
		const char *want[] = {
			"venvs",
			".venvs",
			".virtualenvs",
			w[0],
			w[1],
			w[2],
			w[3],
			".pyenv/versions/3.9.18/envs",
			".pyenv/versions/3.10.2/envs",
			".pyenv/versions/3.12.1/envs",
			w[4],
		};

		assert_places(f, want, sizeof(want) / sizeof(want[0]));
	}
	/* Relative XDG values are ignored, as the XDG spec says. */
	setenv("XDG_DATA_HOME", "xdata", 1);
	setenv("XDG_CACHE_HOME", "xcache", 1);
	assert_places(f, all_defaults, sizeof(all_defaults) / sizeof(all_defaults[0]));
	for (i = 0; i < 5; i++)
		free(w[i]);
	free(data);
	free(cache);
}

static void test_tool_roots(void **state)
{
	struct fx *f = *state;
	char *pipx = hp(f, "px"), *pyenv = hp(f, "pe"), *uv = hp(f, "uvt");
	char *pipx_venvs = fx_path(pipx, "venvs");
	char *pe_envs = fx_path(pyenv, "versions/3.13.0/envs");

	make_defaults(f);
	fx_mkdirs(f->home, "px/venvs");
	fx_mkdirs(f->home, "pe/versions/3.13.0/envs");
	fx_mkdirs(f->home, "uvt");
	setenv("PIPX_HOME", pipx, 1);
	setenv("PYENV_ROOT", pyenv, 1);
	setenv("UV_TOOL_DIR", uv, 1);
	{
		const char *want[] = {
			"venvs",
			".venvs",
			".virtualenvs",
			".local/share/virtualenvs",
			".cache/pypoetry/virtualenvs",
			pipx_venvs,
			".local/share/hatch/env/virtual",
			pe_envs,
			uv,
		};

		assert_places(f, want, sizeof(want) / sizeof(want[0]));
	}
	/* Relative tool roots depend on a working directory we cannot know:
	 * those places are left out, not replaced by the defaults. */
	setenv("PIPX_HOME", "px", 1);
	setenv("PYENV_ROOT", "pe", 1);
	setenv("UV_TOOL_DIR", "uvt", 1);
	{
		static const char *const want[] = {
			"venvs",
			".venvs",
			".virtualenvs",
			".local/share/virtualenvs",
			".cache/pypoetry/virtualenvs",
			".local/share/hatch/env/virtual",
		};

		assert_places(f, want, sizeof(want) / sizeof(want[0]));
	}
	free(pipx_venvs);
	free(pe_envs);
	free(pipx);
	free(pyenv);
	free(uv);
}

static void test_no_duplicates(void **state)
{
	struct fx *f = *state;
	char *venvs = hp(f, "venvs"), *spelled = hp(f, "./venvs//");
	char *target = hp(f, ".venvs");
	static const char *const want[] = {"venvs", ".venvs"};

	fx_mkdirs(f->home, "venvs");
	fx_mkdirs(f->home, ".venvs");
	/* Two variables naming folders already listed, spelled otherwise. */
	setenv("WORKON_HOME", spelled, 1);
	setenv("UV_TOOL_DIR", venvs, 1);
	/* And a folder reached through a symlink. */
	fx_mkdirs(f->home, ".local/share");
	fx_symlink(target, f->home, ".local/share/virtualenvs");
	assert_places(f, want, 2);
	free(venvs);
	free(spelled);
	free(target);
}

static void test_manager_defaults(void **state)
{
	struct fx *f = *state;
	const char *h = f->home;
	char p[4096];

	/* Nothing exists under this home: the default places still count. */
#define MGR(rel) (snprintf(p, sizeof(p), "%s/%s", h, rel), scan_manager_for(p, h))
	assert_null(MGR("venvs/a"));
	assert_null(MGR(".venvs/a"));
	assert_string_equal(MGR(".virtualenvs/proj"), "virtualenvwrapper");
	assert_string_equal(MGR(".local/share/virtualenvs/proj-AbC123"), "pipenv");
	assert_string_equal(MGR(".cache/pypoetry/virtualenvs/proj-x-py3.12"), "poetry");
	assert_string_equal(MGR(".local/share/pipx/venvs/black"), "pipx");
	assert_string_equal(MGR(".local/share/hatch/env/virtual/proj/abc/default"), "hatch");
	assert_string_equal(MGR(".pyenv/versions/3.12.1/envs/tools"), "pyenv-virtualenv");
	assert_string_equal(MGR(".pyenv/versions/3.12.1/envs/tools/"), "pyenv-virtualenv");
	assert_string_equal(MGR(".local/share/uv/tools/ruff"), "uv");
	/* The folders themselves are not environments of the tool. */
	assert_null(MGR(".virtualenvs"));
	assert_null(MGR(".local/share/pipx/venvs"));
	assert_null(MGR(".pyenv/versions/3.12.1/envs"));
	/* A pyenv version itself (or its symlinked alias) is not an env. */
	assert_null(MGR(".pyenv/versions/3.12.1"));
	assert_null(MGR(".pyenv/versions/tools"));
	assert_null(MGR(".pyenv/versions/3.12.1/lib/envs"));
	/* Names that only look alike. */
	assert_null(MGR(".virtualenvs2/proj"));
	assert_null(MGR(".local/share/virtualenvsX/proj"));
#undef MGR
	assert_null(scan_manager_for("relative/.tox/py", h));
	assert_null(scan_manager_for(NULL, h));
}

static void test_manager_tox_nox(void **state)
{
	struct fx *f = *state;

	assert_string_equal(scan_manager_for("/src/proj/.tox/py311", f->home), "tox");
	assert_string_equal(scan_manager_for("/src/proj/.tox/sub/py", f->home), "tox");
	assert_string_equal(scan_manager_for("/src/proj/.nox/tests-3-12", f->home), "nox");
	assert_string_equal(scan_manager_for("/src/proj/.nox/tests", NULL), "nox");
	/* Only the parent's components count, whole components only. */
	assert_null(scan_manager_for("/src/proj/.tox", f->home));
	assert_null(scan_manager_for("/src/proj/x.tox/py", f->home));
	assert_null(scan_manager_for("/src/proj/.toxic/py", f->home));
	assert_null(scan_manager_for("/src/proj/.venv", f->home));
}

static void test_manager_env_vars(void **state)
{
	struct fx *f = *state;

	setenv("WORKON_HOME", "/srv/wrap", 1);
	setenv("XDG_DATA_HOME", "/data", 1);
	setenv("XDG_CACHE_HOME", "/cache", 1);
	setenv("PIPX_HOME", "/opt/pipx", 1);
	setenv("PYENV_ROOT", "/opt/pyenv/", 1);
	setenv("UV_TOOL_DIR", "/opt/uvtools", 1);
	assert_string_equal(scan_manager_for("/srv/wrap/e", f->home), "virtualenvwrapper");
	assert_string_equal(scan_manager_for("/data/virtualenvs/e", f->home), "pipenv");
	assert_string_equal(scan_manager_for("/cache/pypoetry/virtualenvs/e", f->home), "poetry");
	assert_string_equal(scan_manager_for("/opt/pipx/venvs/e", f->home), "pipx");
	assert_string_equal(scan_manager_for("/data/hatch/env/virtual/p/h/e", f->home), "hatch");
	assert_string_equal(scan_manager_for("/opt/pyenv/versions/3.11.4/envs/e", f->home),
			    "pyenv-virtualenv");
	assert_string_equal(scan_manager_for("/opt/uvtools/e", f->home), "uv");
	/* The defaults they replace no longer count. */
	{
		char p[4096];

		snprintf(p, sizeof(p), "%s/.virtualenvs/e", f->home);
		assert_null(scan_manager_for(p, f->home));
		snprintf(p, sizeof(p), "%s/.local/share/pipx/venvs/e", f->home);
		assert_null(scan_manager_for(p, f->home));
	}
	/* Absolute variables work without a home folder. */
	assert_string_equal(scan_manager_for("/opt/pipx/venvs/e", NULL), "pipx");
	assert_string_equal(scan_manager_for("/srv/wrap/e", NULL), "virtualenvwrapper");
}

static void test_free_strv_null(void **state)
{
	char **v = malloc(2 * sizeof(*v));

	(void)state;
	scan_free_strv(NULL, 0);
	scan_free_strv(NULL, 3);
	assert_non_null(v);
	v[0] = strdup("a");
	v[1] = strdup("b");
	scan_free_strv(v, 2);
}

static bool central(struct fx *f, const char *rel)
{
	char *p = hp(f, rel);
	bool yes = scan_is_central_folder(p, f->home);

	free(p);
	return yes;
}

/* A central folder, anything below it, pyenv's and conda's envs/ folders
 * are nobody's project; home, a project folder and a folder merely named
 * envs are not central. */
static void test_central_folder(void **state)
{
	struct fx *f = *state;

	setenv("WORKON_HOME", "~/wk", 1);
	fx_mkdirs(f->home, "mini/conda-meta");
	fx_mkdirs(f->home, "mini/envs");
	fx_mkdirs(f->home, "code/envs");
	assert_true(central(f, "venvs"));
	assert_true(central(f, ".venvs"));
	assert_true(central(f, "wk"));
	assert_true(central(f, ".cache/pypoetry/virtualenvs"));
	assert_true(central(f, ".local/share/hatch/env/virtual/proj/Ab12"));
	assert_true(central(f, ".local/share/pipx/venvs"));
	assert_true(central(f, ".pyenv/versions/3.11.2/envs"));
	assert_true(central(f, "mini/envs"));
	assert_true(central(f, ".conda/envs"));
	assert_false(central(f, ""));
	assert_false(central(f, "code/proj"));
	assert_false(central(f, "code/envs"));
	assert_false(central(f, ".pyenv/versions/3.11.2"));
	assert_false(scan_is_central_folder("relative/venvs", f->home));
}

/* The state folder and the home trash, from XDG or below home. */
static void test_state_and_trash(void **state)
{
	struct fx *f = *state;
	char *s = scan_state_dir(f->home), *t = scan_home_trash(f->home);
	char *ws = hp(f, ".local/state/venvscope"), *wt = hp(f, ".local/share/Trash");

	assert_string_equal(s, ws);
	assert_string_equal(t, wt);
	free(s);
	free(t);
	setenv("XDG_DATA_HOME", "/xd", 1);
	setenv("XDG_STATE_HOME", "/xs", 1);
	s = scan_state_dir(f->home);
	t = scan_home_trash(f->home);
	assert_string_equal(s, "/xs/venvscope");
	assert_string_equal(t, "/xd/Trash");
	free(s);
	free(t);
	unsetenv("XDG_STATE_HOME");
	assert_null(scan_state_dir(NULL));
	assert_null(scan_state_dir("relative"));
	free(ws);
	free(wt);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_null_home),       T(test_nothing_exists),   T(test_all_defaults_in_order),
		T(test_files_and_links), T(test_workon_home),      T(test_xdg_dirs),
		T(test_tool_roots),      T(test_no_duplicates),    T(test_manager_defaults),
		T(test_manager_tox_nox), T(test_manager_env_vars), T(test_free_strv_null),
		T(test_central_folder),  T(test_state_and_trash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
