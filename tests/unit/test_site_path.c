/* sys.path of an env with include-system-site-packages, computed without
 * running anything under the env: the base interpreter's answer
 * (scan_base_site_parse) and site.main() done natively
 * (scan_path_from_base) on real folders and .pth files; which base is
 * asked (venv_base_interpreter: never one inside the env, as named, through
 * a link, or with the env reached through a link); then, for every
 * Python of this machine (/usr/bin/python3.*, ~/.pyenv/versions/X/bin/python
 * of the real HOME, looked at but never written), a real
 * `python -m venv --system-site-packages` env whose sys.path, as
 * scan_freeze_paths() gives it, must equal what the env's python prints -
 * while an import line in its .pth files is shown to have run only when
 * the env's python itself was run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "helpers/shell.h"
#include "pip/freeze.h"
#include "pip/site_base.h"
#include "pip/site_path.h"
#include "scan/inspect.h"
#include "scan/venv.h"

/* ---- the answer ---- */

static void test_parse(void **state)
{
	static const char good[] = "u/h/site\0p/lib/py.zip\0p/lib/py\0e/env/sp\0b/usr/sp\0b/usr/dp";
	struct scan_base_site b;

	(void)state;
	assert_int_equal(scan_base_site_parse(&b, good, sizeof(good) - 1), 0);
	assert_string_equal(b.user_site, "/h/site");
	assert_int_equal(b.n_path, 2);
	assert_string_equal(b.path[1], "/lib/py");
	assert_int_equal(b.n_env, 1);
	assert_string_equal(b.env[0], "/env/sp");
	assert_int_equal(b.n_base, 2);
	assert_string_equal(b.base[1], "/usr/dp");
	scan_base_site_clear(&b);

	/* An empty user site is NULL; nothing else is fine too. */
	assert_int_equal(scan_base_site_parse(&b, "u", 1), 0);
	assert_null(b.user_site);
	assert_int_equal(b.n_path + b.n_env + b.n_base, 0);
	scan_base_site_clear(&b);

	/* Not an answer: empty, no 'u' first, a second 'u', an unknown tag,
	 * an empty item, a trailing NUL. */
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {{"", 0},         {"p/x", 3},      {"u\0u/x", 5},   {"u\0x/y", 5},
		   {"u\0\0p/x", 6}, {"u\0p/x\0", 6}, {"Traceback", 9}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(scan_base_site_parse(&b, bad[i].s, bad[i].n), VS_EFAIL);
		assert_null(b.path);
		assert_null(b.user_site);
	}
}

/* ---- site.main(), natively ---- */

static char *answer_for(const char *dir, size_t *len)
{
	/* stdlib, env sites (one missing), base sites (one missing, one the
	 * same as a stdlib entry), the user site. */
	char *a = NULL;
	int n = asprintf(&a,
			 "u%s/user%cp%s/stdlib%cp%s/stdlib/lib-dynload%cp%s/nozip.zip%c"
			 "e%s/env/sp%ce%s/env/missing%c"
			 "b%s/base/sp%cb%s/base/missing%cb%s/stdlib",
			 dir, 0, dir, 0, dir, 0, dir, 0, dir, 0, dir, 0, dir, 0, dir, 0, dir);

	assert_true(n > 0);
	*len = (size_t)n;
	return a;
}

static void want_list(const struct scan_path_list *l, const char *dir, const char *const *rel, size_t n)
{
	for (size_t i = 0; i < n && i < l->n; i++) {
		char *w = fx_path(dir, rel[i]);

		if (strcmp(l->v[i], w) != 0)
			fail_msg("sys.path[%zu] is %s, expected %s", i, l->v[i], w);
		free(w);
	}
	if (l->n != n)
		fail_msg("%zu entries, expected %zu (last: %s)", l->n, n, l->n ? l->v[l->n - 1] : "-");
}

static void test_from_base(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_path_list l = {0};
	struct scan_base_site b;
	size_t len = 0;
	char *a = answer_for(fx->dir, &len), *line;

	fx_mkdirs(fx->dir, "stdlib/lib-dynload");
	fx_mkdirs(fx->dir, "env/sp");
	fx_mkdirs(fx->dir, "base/sp");
	fx_mkdirs(fx->dir, "user");
	fx_mkdirs(fx->dir, "extra-env");
	fx_mkdirs(fx->dir, "extra-user");
	fx_mkdirs(fx->dir, "extra-base");
	fx_mkdirs(fx->dir, "env/sp/rel");
	/* Import lines add nothing (they are skipped, never run); comments
	 * and blank lines neither; a missing folder is left out. */
	assert_true(asprintf(&line,
			     "import os; os.makedirs('%s/base/sp')\nimport\tsys\n# %s/base/sp\n\n"
			     "rel\n%s/extra-env\n%s/no-such\n",
			     fx->dir, fx->dir, fx->dir, fx->dir) > 0);
	fx_write(fx->dir, "env/sp/a.pth", line, (size_t)-1);
	free(line);
	/* Sorted: b.pth after a.pth; a folder seen before is not added again. */
	assert_true(asprintf(&line, "%s/extra-env\n%s/extra-base\n", fx->dir, fx->dir) > 0);
	fx_write(fx->dir, "env/sp/b.pth", line, (size_t)-1);
	free(line);
	assert_true(asprintf(&line, "../extra-user\n") > 0);
	fx_write(fx->dir, "user/u.pth", line, (size_t)-1);
	free(line);
	fx_write(fx->dir, "base/sp/z.pth", "../extra-base\n../stdlib\n", (size_t)-1);

	assert_int_equal(scan_base_site_parse(&b, a, len), 0);
	scan_path_from_base(&l, &b, true);
	{
		static const char *const want[] = {
			"stdlib",    "stdlib/lib-dynload", "nozip.zip", "env/sp",     "env/sp/rel",
			"extra-env", "extra-base",         "user",      "extra-user", "base/sp",
		};
		want_list(&l, fx->dir, want, sizeof(want) / sizeof(*want));
	}
	char *u = fx_path(fx->dir, "user");
	assert_string_equal(l.user_site, u);
	free(u);
	scan_path_list_clear(&l);

	/* The user site switched off (PYTHONNOUSERSITE, another euid): left out,
	 * and so is what its .pth files name; user_site is still known. */
	scan_path_from_base(&l, &b, false);
	{
		static const char *const want[] = {
			"stdlib",     "stdlib/lib-dynload", "nozip.zip",  "env/sp",
			"env/sp/rel", "extra-env",          "extra-base", "base/sp",
		};
		want_list(&l, fx->dir, want, sizeof(want) / sizeof(*want));
	}
	assert_non_null(l.user_site);
	scan_path_list_clear(&l);
	scan_base_site_clear(&b);
	free(a);
}

/* ---- which base is asked ---- */

static void exe(const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel);

	fx_write(dir, rel, "#!/bin/sh\nexit 99\n", (size_t)-1); /* never run here */
	assert_int_equal(chmod(p, 0755), 0);
	free(p);
}

static void cfg(const char *dir, const char *home_rel, const char *exe_rel)
{
	char *text;

	assert_true(asprintf(&text, "home = %s/%s\nversion = 3.11.2\n%s%s%s%s", dir, home_rel,
			     exe_rel ? "executable = " : "", exe_rel ? dir : "", exe_rel ? "/" : "",
			     exe_rel ? exe_rel : "") > 0);
	fx_write(dir, "env/pyvenv.cfg", text, (size_t)-1);
	free(text);
}

static struct venv *inspect(const char *env);

static char *base_of(const char *dir, const char *env_rel, struct vs_err *why)
{
	char *env = fx_path(dir, env_rel), *b;
	struct venv *v = inspect(env);

	b = venv_base_interpreter(v, why);
	venv_free(v);
	free(env);
	return b;
}

static void test_base_interpreter(void **state)
{
	struct fx_dir *fx = *state;
	struct vs_err why = {0};
	char *b, *want;

	exe(fx->dir, "env/hb/python3.11");
	exe(fx->dir, "outside/bin/python3.11");
	fx_symlink("../hb/python3.11", fx->dir, "env/bin/python");
	fx_symlink("env/hb", fx->dir, "sneaky");
	fx_symlink("env", fx->dir, "envlink");

	/* home, executable and bin/python all inside: refused, with the reason. */
	cfg(fx->dir, "env/hb", "env/hb/python3.11");
	assert_null(base_of(fx->dir, "env", &why));
	assert_non_null(strstr(why.msg, "inside the environment"));
	/* The same env reached through a link to it. */
	memset(&why, 0, sizeof(why));
	assert_null(base_of(fx->dir, "envlink", &why));
	assert_non_null(strstr(why.msg, "inside the environment"));
	/* A home outside that is a link into the env. */
	cfg(fx->dir, "sneaky", NULL);
	assert_null(base_of(fx->dir, "env", NULL));
	/* A home inside, an executable outside: the executable. */
	cfg(fx->dir, "env/hb", "outside/bin/python3.11");
	want = fx_path(fx->dir, "outside/bin/python3.11");
	b = base_of(fx->dir, "env", NULL);
	assert_non_null(b);
	assert_string_equal(b, want);
	free(b);
	/* A home outside: its pythonX.Y, as named. */
	cfg(fx->dir, "outside/bin", NULL);
	b = base_of(fx->dir, "env", NULL);
	assert_non_null(b);
	assert_string_equal(b, want);
	free(b);
	free(want);
}

/* ---- real environments of this machine's Pythons ---- */

struct pythons {
	char *v[64];
	size_t n;
};

static void add_python(struct pythons *p, char *path)
{
	if (p->n < 64 && access(path, X_OK) == 0)
		p->v[p->n++] = path;
	else
		free(path);
}

/* /usr/bin/python3.X and the real HOME's ~/.pyenv/versions/X/bin/python,
 * found before the test's own HOME is set. */
static void find_pythons(struct pythons *p, const char *real_home)
{
	DIR *d = opendir("/usr/bin");
	struct dirent *de;
	char *vers;

	while (d && (de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (strncmp(n, "python3.", 8) == 0 && n[8] >= '0' && n[8] <= '9' &&
		    strspn(n + 8, "0123456789") == strlen(n + 8))
			add_python(p, fx_path("/usr/bin", n));
	}
	if (d)
		closedir(d);
	if (!real_home)
		return;
	vers = fx_path(real_home, ".pyenv/versions");
	d = opendir(vers);
	while (d && (de = readdir(d)) != NULL) {
		char *rel;

		if (de->d_name[0] == '.')
			continue;
		assert_true(asprintf(&rel, "%s/bin/python", de->d_name) > 0);
		add_python(p, fx_path(vers, rel));
		free(rel);
	}
	if (d)
		closedir(d);
	free(vers);
}

static struct venv *inspect(const char *env)
{
	int fd = open(env, O_RDONLY | O_DIRECTORY);
	struct venv *v;

	assert_true(fd >= 0);
	v = scan_inspect_env(fd, env, NULL, SCAN_PARENT_UNKNOWN);
	close(fd);
	return v;
}

/* One Python: 1 when its env was compared, 0 when it makes no venv here
 * (Python 2, no venv module). */
static int compare_one(const char *dir, const char *py, size_t k)
{
	char *env, *sp, *line, *truth, *mark;
	struct scan_path_list l = {0};
	struct scan_msgs warn = {0};
	struct venv *v;
	size_t tlen = 0;
	int rc;

	assert_true(asprintf(&env, "%s/env%zu", dir, k) > 0);
	if (fx_sh("'%s' -c 'import venv' >/dev/null 2>&1 && '%s' -m venv --without-pip "
		  "--system-site-packages '%s' >/dev/null 2>&1",
		  py, py, env) != 0) {
		print_message("  %s: no venv made, left out\n", py);
		free(env);
		return 0;
	}
	/* The env's site folder, its .pth files (an import line that leaves a
	 * marker, a path line), and a user site with a .pth of its own. */
	sp = fx_capture_ok("'%s/bin/python' -I -S -c 'import site, sys; sys.prefix = sys.argv[1]; "
			   "print(site.getsitepackages([sys.argv[1]])[0])' '%s'",
			   env, env);
	assert_true(asprintf(&mark, "%s/MARK%zu", dir, k) > 0);
	assert_true(asprintf(&line, "import os; open('%s', 'w').close()\n%s/extra%zu\n", mark, dir,
			     k) > 0);
	fx_write(sp, "evil.pth", line, (size_t)-1);
	free(line);
	assert_true(asprintf(&line, "extra%zu", k) > 0);
	fx_mkdirs(dir, line);
	free(line);
	{
		char *us =
			fx_capture_ok("'%s' -I -S -c 'import site; print(site.getusersitepackages())'",
				      py);

		FX_SH_OK("mkdir -p '%s' '%s/../user-extra'", us, us);
		fx_write(us, "user.pth", "../user-extra\n", (size_t)-1);
		free(us);
	}

	v = inspect(env);
	scan_freeze_paths(&l, v, &warn);
	for (size_t i = 0; i < warn.n; i++)
		print_message("  warning: %s\n", warn.v[i]);
	assert_int_equal(warn.n, 0);
	if (access(mark, F_OK) == 0)
		fail_msg("%s: computing sys.path ran the .pth import line of %s", py, env);

	/* The truth: the env's own python, from "/", its script folder left out. */
	truth = fx_output(&rc, &tlen,
			  "cd / && '%s/bin/python' -c 'import sys; "
			  "sys.stdout.write(\"\\n\".join(sys.path[1:]))'",
			  env);
	assert_int_equal(rc, 0);
	assert_int_equal(access(mark, F_OK), 0); /* the env's python did run it */
	{
		size_t i = 0, at = 0;

		while (at <= tlen && tlen) {
			size_t e = at;

			while (e < tlen && truth[e] != '\n')
				e++;
			if (i >= l.n || strncmp(l.v[i], truth + at, e - at) != 0 ||
			    l.v[i][e - at] != '\0')
				fail_msg("%s: sys.path[%zu] is %.*s, venvscope has %s", py, i + 1,
					 (int)(e - at), truth + at, i < l.n ? l.v[i] : "nothing");
			i++;
			at = e + 1;
		}
		if (i != l.n)
			fail_msg("%s: venvscope has %zu entries, the env's python %zu", py, l.n, i);
		print_message("  %s: %zu sys.path entries equal\n", py, i);
	}
	scan_path_list_clear(&l);
	scan_msgs_clear(&warn);
	venv_free(v);
	free(truth);
	free(mark);
	free(sp);
	free(env);
	return 1;
}

static void test_real_pythons(void **state)
{
	struct fx_dir *fx = *state;
	struct pythons p = {0};
	char *home = fx_path(fx->dir, "home");
	const char *real_home = getenv("HOME");
	int compared = 0;

	find_pythons(&p, real_home);
	fx_mkdirs(fx->dir, "home");
	setenv("HOME", home, 1);
	static const char *const drop[] = {"PYTHONPATH",     "PYTHONHOME",     "PYTHONNOUSERSITE",
					   "PYTHONUSERBASE", "PYTHONSAFEPATH", "PYTHONSTARTUP",
					   "VIRTUAL_ENV"};
	for (size_t i = 0; i < sizeof(drop) / sizeof(*drop); i++)
		unsetenv(drop[i]);
	for (size_t i = 0; i < p.n; i++) {
		compared += compare_one(fx->dir, p.v[i], i);
		free(p.v[i]);
	}
	free(home);
	if (compared == 0)
		fail_msg("no Python of this machine made a venv to compare with");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_from_base, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_base_interpreter, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_real_pythons, fx_setup_dir, fx_teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
