/* scan_caches_find: where each tool's cache is looked for (its variable,
 * XDG, the home folder), what is listed once, what is flagged; and
 * scan_cache_measure against du on a real tree (poetry's virtualenvs left
 * out, a file hard-linked from outside not freeable). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/caches.h"
#include "helpers/fixture.h"

static const char *const vars[] = {
	"XDG_CACHE_HOME",   "XDG_DATA_HOME",
	"PIP_CACHE_DIR",    "UV_CACHE_DIR",
	"POETRY_CACHE_DIR", "PIPENV_CACHE_DIR",
	"PDM_CACHE_DIR",    "HATCH_CACHE_DIR",
	"CONDA_PKGS_DIRS",  "VIRTUALENV_OVERRIDE_APP_DATA",
};

static void unset_all(void)
{
	for (size_t i = 0; i < sizeof(vars) / sizeof(*vars); i++)
		unsetenv(vars[i]);
}

static const struct scan_cache *find(const struct scan_cache *v, size_t n, const char *tool,
				     const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].tool, tool) == 0 && strcmp(v[i].path, path) == 0)
			return &v[i];
	return NULL;
}

static size_t count_tool(const struct scan_cache *v, size_t n, const char *tool)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += strcmp(v[i].tool, tool) == 0;
	return k;
}

static uint64_t du(const char *opts, const char *dir)
{
	char cmd[4096];
	unsigned long long v = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "du -s %s '%s'", opts, dir);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%llu", &v), 1);
	pclose(f);
	return v;
}

/* Nothing there: nothing listed; each default place once it exists. */
static void test_defaults(void **state)
{
	struct fx_dir *d = *state;
	struct scan_cache *v = NULL;
	size_t n;
	char *p;

	unset_all();
	n = scan_caches_find(&v, d->dir);
	assert_int_equal(n, 0);
	scan_caches_free(v, n);
	fx_mkdirs(d->dir, ".cache/pip/wheels");
	fx_mkdirs(d->dir, ".cache/uv");
	fx_mkdirs(d->dir, ".cache/pypoetry/virtualenvs");
	fx_mkdirs(d->dir, ".cache/pipenv");
	fx_mkdirs(d->dir, ".cache/pdm");
	fx_mkdirs(d->dir, ".cache/hatch");
	fx_mkdirs(d->dir, "miniforge3/pkgs");
	fx_mkdirs(d->dir, ".conda/pkgs");
	fx_mkdirs(d->dir, ".local/share/virtualenv");
	fx_mkdirs(d->dir, "anaconda3"); /* no pkgs inside: not a cache */
	n = scan_caches_find(&v, d->dir);
	assert_int_equal(n, 9);
	const char *want[][2] = {
		{"pip", ".cache/pip"},
		{"uv", ".cache/uv"},
		{"poetry", ".cache/pypoetry"},
		{"pipenv", ".cache/pipenv"},
		{"pdm", ".cache/pdm"},
		{"hatch", ".cache/hatch"},
		{"conda", "miniforge3/pkgs"},
		{"conda", ".conda/pkgs"},
		{"virtualenv", ".local/share/virtualenv"},
	};
	for (size_t i = 0; i < 9; i++) {
		p = fx_path(d->dir, want[i][1]);
		assert_string_equal(v[i].tool, want[i][0]);
		assert_string_equal(v[i].path, p);
		assert_null(v[i].target);
		assert_false(v[i].mount_point);
		free(p);
	}
	assert_string_equal(v[2].skip, "virtualenvs");
	assert_null(v[0].skip);
	scan_caches_free(v, n);
}

/* The tools' variables win; XDG_CACHE_HOME moves the defaults; a relative
 * XDG value is ignored; "~/x" is below home; a relative tool variable is
 * not guessed; CONDA_PKGS_DIRS is a list; a folder named twice is listed
 * once. */
static void test_variables(void **state)
{
	struct fx_dir *d = *state;
	struct scan_cache *v = NULL;
	size_t n;
	char *xdg = fx_path(d->dir, "xdg"), *pipd = fx_path(d->dir, "mypip");
	char *c1 = fx_path(d->dir, "c1"), *c2 = fx_path(d->dir, "c2");
	char *list, *p;

	unset_all();
	fx_mkdirs(d->dir, "xdg/uv");
	fx_mkdirs(d->dir, "xdg/pip"); /* not pip's: PIP_CACHE_DIR says where */
	fx_mkdirs(d->dir, "mypip");
	fx_mkdirs(d->dir, "c1");
	fx_mkdirs(d->dir, "c2");
	fx_mkdirs(d->dir, "home-hatch");
	fx_mkdirs(d->dir, ".cache/pdm"); /* PDM_CACHE_DIR is relative: not guessed */
	fx_mkdirs(d->dir, "venvapp");
	setenv("XDG_CACHE_HOME", xdg, 1);
	setenv("PIP_CACHE_DIR", pipd, 1);
	setenv("HATCH_CACHE_DIR", "~/home-hatch", 1);
	setenv("PDM_CACHE_DIR", "rel/pdm", 1);
	list = malloc(2 * strlen(c1) + strlen(c2) + 16);
	sprintf(list, "%s,%s, %s", c1, c2, c1);
	setenv("CONDA_PKGS_DIRS", list, 1);
	setenv("VIRTUALENV_OVERRIDE_APP_DATA", "~/venvapp", 1);
	n = scan_caches_find(&v, d->dir);
	assert_non_null(find(v, n, "pip", pipd));
	assert_int_equal(count_tool(v, n, "pip"), 1);
	p = fx_path(xdg, "uv");
	assert_non_null(find(v, n, "uv", p));
	free(p);
	p = fx_path(d->dir, "home-hatch");
	assert_non_null(find(v, n, "hatch", p));
	free(p);
	assert_int_equal(count_tool(v, n, "pdm"), 0);
	assert_non_null(find(v, n, "conda", c1));
	assert_non_null(find(v, n, "conda", c2));
	assert_int_equal(count_tool(v, n, "conda"), 2);
	p = fx_path(d->dir, "venvapp");
	assert_non_null(find(v, n, "virtualenv", p));
	free(p);
	scan_caches_free(v, n);

	/* A relative XDG_CACHE_HOME is ignored: ~/.cache again. */
	setenv("XDG_CACHE_HOME", "xdg", 1);
	unsetenv("PDM_CACHE_DIR");
	n = scan_caches_find(&v, d->dir);
	p = fx_path(d->dir, ".cache/pdm");
	assert_non_null(find(v, n, "pdm", p));
	free(p);
	assert_int_equal(count_tool(v, n, "uv"), 0);
	scan_caches_free(v, n);
	unset_all();
	free(list);
	free(xdg);
	free(pipd);
	free(c1);
	free(c2);
}

/* A symlinked cache folder is listed with its target, sized at the
 * target; a symlink to another cache is listed too. */
static void test_symlink(void **state)
{
	struct fx_dir *d = *state;
	struct scan_cache *v = NULL;
	size_t n;
	char *real = fx_path(d->dir, "elsewhere");

	unset_all();
	fx_write(d->dir, "elsewhere/a.bin", "0123456789", 10);
	fx_mkdirs(d->dir, ".cache");
	fx_symlink(real, d->dir, ".cache/uv");
	n = scan_caches_find(&v, d->dir);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].tool, "uv");
	assert_non_null(v[0].target);
	assert_string_equal(v[0].target, real);
	scan_cache_measure(&v[0], NULL);
	assert_true(scan_cache_known(&v[0]));
	assert_int_equal(v[0].size.size_bytes, du("-b", real));
	assert_int_equal(v[0].size.disk_bytes, du("--block-size=1", real));
	scan_caches_free(v, n);
	free(real);
}

/* poetry: its virtualenvs are not counted; a file hard-linked from
 * outside the cache is on disk but not freeable. */
static void test_measure_poetry(void **state)
{
	struct fx_dir *d = *state;
	struct scan_cache *v = NULL;
	char buf[50000];
	size_t n;
	char *pc = fx_path(d->dir, ".cache/pypoetry"), *venvs, *a, *b;
	struct stat st;
	uint64_t size, disk;

	unset_all();
	memset(buf, 'x', sizeof(buf));
	fx_mkdirs(d->dir, ".cache/pypoetry");
	fx_write(pc, "artifacts/ab/x.whl", buf, sizeof(buf));
	fx_write(pc, "artifacts/ab/y.whl", buf, 30000);
	fx_write(pc, "loose.json", buf, 5000);
	fx_write(pc, "virtualenvs/proj/big.bin", buf, sizeof(buf));
	a = fx_path(pc, "artifacts/ab/y.whl");
	b = fx_path(d->dir, "outside-link");
	assert_int_equal(link(a, b), 0);
	venvs = fx_path(pc, "virtualenvs");
	n = scan_caches_find(&v, d->dir);
	assert_int_equal(n, 1);
	scan_cache_measure(&v[0], NULL);
	size = du("-b", pc) - du("-b", venvs);
	disk = du("--block-size=1", pc) - du("--block-size=1", venvs);
	assert_true(scan_cache_known(&v[0]));
	assert_int_equal(v[0].size.size_bytes, size);
	assert_int_equal(v[0].size.disk_bytes, disk);
	assert_int_equal(lstat(a, &st), 0);
	assert_int_equal(v[0].size.freeable_bytes, disk - (uint64_t)st.st_blocks * 512);
	assert_int_equal(v[0].size.files, 3);
	scan_caches_free(v, n);
	free(pc);
	free(venvs);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_variables, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_symlink, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_measure_poetry, fx_setup_dir, fx_teardown_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
