/* Site folders and installed distributions, on real files in temp folders. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "pip/packages.h"

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Checks scan_site_dirs against the expected env-relative paths (sorted). */
static void expect_sites(struct fx_dir *fx, const char *const *want, size_t n_want)
{
	char **got = NULL;
	size_t n = scan_site_dirs(&got, fx->fd, fx->dir), i;

	assert_int_equal(n, n_want);
	if (n == 0)
		assert_null(got);
	for (i = 0; i < n; i++) {
		char *p = fx_path(fx->dir, want[i]);

		assert_string_equal(got[i], p);
		free(p);
	}
	free_strv(got, n);
}

/* ---- site folders ---- */

static void test_sites_venv_with_lib64_symlink(void **state)
{
	struct fx_dir *fx = *state;
	static const char *const want[] = {"lib/python3.11/site-packages"};

	/* What `python3 -m venv` makes on 64-bit Linux. */
	fx_mkdirs(fx->dir, "lib/python3.11/site-packages");
	fx_mkdirs(fx->dir, "bin");
	fx_mkdirs(fx->dir, "include/python3.11");
	fx_symlink("lib", fx->dir, "lib64");
	expect_sites(fx, want, 1);
}

static void test_sites_real_lib64(void **state)
{
	struct fx_dir *fx = *state;
	static const char *const want[] = {
		"lib/python3.12/site-packages",
		"lib/python3.9/site-packages",
		"lib64/python3.12/site-packages",
	};

	fx_mkdirs(fx->dir, "lib64/python3.12/site-packages");
	fx_mkdirs(fx->dir, "lib/python3.9/site-packages");
	fx_mkdirs(fx->dir, "lib/python3.12/site-packages");
	fx_mkdirs(fx->dir, "lib/python3.10"); /* no site-packages inside */
	fx_mkdirs(fx->dir, "lib/other/site-packages");
	expect_sites(fx, want, 3);
}

static void test_sites_pypy(void **state)
{
	struct fx_dir *fx = *state;
	static const char *const want[] = {
		"lib/pypy3.10/site-packages",
		"site-packages",
	};

	/* Current PyPy, and the old layout with site-packages at the top. */
	fx_mkdirs(fx->dir, "lib/pypy3.10/site-packages");
	fx_mkdirs(fx->dir, "site-packages");
	expect_sites(fx, want, 2);
}

static void test_sites_windows_layout(void **state)
{
	struct fx_dir *fx = *state;
	static const char *const want[] = {"Lib/site-packages"};

	fx_mkdirs(fx->dir, "Lib/site-packages");
	fx_mkdirs(fx->dir, "Scripts");
	expect_sites(fx, want, 1);
}

static void test_sites_symlinks_not_followed(void **state)
{
	struct fx_dir *fx = *state;
	char *other = fx_tmpdir();
	static const char *const want[] = {"lib/python3.11/site-packages"};

	fx_mkdirs(other, "lib/python3.12/site-packages");
	fx_mkdirs(other, "site-packages");
	fx_mkdirs(fx->dir, "lib/python3.11/site-packages");
	/* Links that lead out of the env: none of them may be counted. */
	{
		char *p;

		p = fx_path(other, "lib");
		fx_symlink(p, fx->dir, "lib64");
		free(p);
		p = fx_path(other, "lib/python3.12");
		fx_symlink(p, fx->dir, "lib/python3.12");
		free(p);
		p = fx_path(other, "site-packages");
		fx_symlink(p, fx->dir, "site-packages");
		fx_mkdirs(fx->dir, "lib/python3.13");
		fx_symlink(p, fx->dir, "lib/python3.13/site-packages");
		free(p);
	}
	expect_sites(fx, want, 1);
	fx_rmtree(other);
	free(other);
}

static void test_sites_none(void **state)
{
	struct fx_dir *fx = *state;

	fx_write(fx->dir, "pyvenv.cfg", "home = /usr/bin\n", (size_t)-1);
	fx_write(fx->dir, "lib", "not a folder", (size_t)-1);
	expect_sites(fx, NULL, 0);
}

/* ---- reading distributions ---- */

static const char pip_metadata[] = "Metadata-Version: 2.1\n"
				   "Name: pip\n"
				   "Version: 23.2.1\n"
				   "Summary: The PyPA recommended tool for installing Python packages.\n"
				   "Classifier: Programming Language :: Python :: 3\n"
				   "Requires-Python: >=3.7\n"
				   "License-File: LICENSE.txt\n"
				   "\n"
				   "Name: not-a-header\n"
				   "Version: 0.0.0\n";

static const struct scan_package *find_pkg(const struct scan_pkg_list *l, const char *meta_dir)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->items[i].meta_dir, meta_dir) == 0)
			return &l->items[i];
	}
	fail_msg("no package from %s", meta_dir);
	return NULL;
}

static void expect_pkg(const struct scan_pkg_list *l, const char *meta_dir, const char *name,
		       const char *version, const char *canonical, const char *location)
{
	const struct scan_package *p = find_pkg(l, meta_dir);

	assert_string_equal(p->name, name);
	if (version)
		assert_string_equal(p->version, version);
	else
		assert_null(p->version);
	assert_string_equal(p->canonical, canonical);
	assert_string_equal(p->location, location);
}

static void test_read_dist_info(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list l = {0};
	struct vs_err err = {0};

	fx_write(fx->dir, "pip-23.2.1.dist-info/METADATA", pip_metadata, (size_t)-1);
	fx_write(fx->dir, "pip-23.2.1.dist-info/RECORD", "pip/__init__.py,,\n", (size_t)-1);
	fx_write(fx->dir, "Foo_Bar-1.0.dist-info/METADATA",
		 "Metadata-Version: 2.1\r\nName:   Foo_Bar  \r\nVersion:\t1.0.post1\r\n\r\n",
		 (size_t)-1);
	fx_mkdirs(fx->dir, "pip");
	fx_write(fx->dir, "six.py", "", 0);
	assert_int_equal(scan_packages_read(&l, fx->dir, &err), 0);
	assert_int_equal(l.n, 2);
	/* The body's "Name:" line is not a header. */
	expect_pkg(&l, "pip-23.2.1.dist-info", "pip", "23.2.1", "pip", fx->dir);
	/* Written name kept as is (only trimmed); METADATA beats the folder. */
	expect_pkg(&l, "Foo_Bar-1.0.dist-info", "Foo_Bar", "1.0.post1", "foo-bar", fx->dir);
	scan_pkg_list_clear(&l);
}

/* In a Turkish locale strcasecmp does not fold "I" to "i": headers and
 * folder suffixes must still match as Python's do (ASCII). The locale is
 * built into the fixture with localedef; the test is skipped without it. */
static void test_read_turkish_locale(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list l = {0};
	struct vs_err err = {0};
	char *locales = fx_path(fx->dir, "locales"), *site = fx_path(fx->dir, "site");
	char cmd[4200];

	/* localedef exits non-zero on mere warnings: look at what it made. */
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s' && { localedef -i tr_TR -f UTF-8 '%s/tr_TR.UTF-8' >/dev/null 2>&1; "
		 "test -f '%s/tr_TR.UTF-8/LC_CTYPE'; }",
		 locales, locales, locales);
	if (system(cmd) != 0) {
		free(locales);
		free(site);
		skip();
	}
	setenv("LOCPATH", locales, 1);
	if (!setlocale(LC_ALL, "tr_TR.UTF-8")) {
		unsetenv("LOCPATH");
		free(locales);
		free(site);
		skip();
	}
	fx_write(fx->dir, "site/Izmir-1.0.DIST-INFO/METADATA",
		 "METADATA-VERSION: 2.1\nNAME: Izmir\nVERSION: 1.0.post1\n\n", (size_t)-1);
	fx_write(fx->dir, "site/Istanbul-2.0.EGG-INFO", "NAME: Istanbul\nVERSION: 2.0\n", (size_t)-1);
	assert_int_equal(scan_packages_read(&l, site, &err), 0);
	setlocale(LC_ALL, "C");
	unsetenv("LOCPATH");
	assert_int_equal(l.n, 2);
	expect_pkg(&l, "Izmir-1.0.DIST-INFO", "Izmir", "1.0.post1", "izmir", site);
	expect_pkg(&l, "Istanbul-2.0.EGG-INFO", "Istanbul", "2.0", "istanbul", site);
	scan_pkg_list_clear(&l);
	free(locales);
	free(site);
}

static void test_read_fallbacks(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list l = {0};
	struct vs_err err = {0};
	char *p;

	fx_mkdirs(fx->dir, "no_meta-2.0.dist-info");
	fx_write(fx->dir, "no_meta-2.0.dist-info/RECORD", "", 0);
	fx_write(fx->dir, "noversion-3.1.dist-info/METADATA", "Name: NoVersion\n\n", (size_t)-1);
	fx_write(fx->dir, "noname-4.2.dist-info/METADATA", "Version: 4.2rc1\n", (size_t)-1);
	/* METADATA that cannot be read: a FIFO (never opened) and a folder. */
	fx_mkdirs(fx->dir, "fifo_meta-5.0.dist-info");
	p = fx_path(fx->dir, "fifo_meta-5.0.dist-info/METADATA");
	assert_int_equal(mkfifo(p, 0644), 0);
	free(p);
	fx_mkdirs(fx->dir, "dir_meta-6.0.dist-info/METADATA");
	assert_int_equal(scan_packages_read(&l, fx->dir, &err), 0);
	assert_int_equal(l.n, 5);
	expect_pkg(&l, "no_meta-2.0.dist-info", "no_meta", "2.0", "no-meta", fx->dir);
	expect_pkg(&l, "noversion-3.1.dist-info", "NoVersion", "3.1", "noversion", fx->dir);
	expect_pkg(&l, "noname-4.2.dist-info", "noname", "4.2rc1", "noname", fx->dir);
	expect_pkg(&l, "fifo_meta-5.0.dist-info", "fifo_meta", "5.0", "fifo-meta", fx->dir);
	expect_pkg(&l, "dir_meta-6.0.dist-info", "dir_meta", "6.0", "dir-meta", fx->dir);
	scan_pkg_list_clear(&l);
}

static void test_read_unreadable_metadata(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list l = {0};
	struct vs_err err = {0};
	char *p;

	if (geteuid() == 0)
		skip(); /* root reads anything */
	fx_write(fx->dir, "locked-1.5.dist-info/METADATA", "Name: Locked\nVersion: 9\n", (size_t)-1);
	p = fx_path(fx->dir, "locked-1.5.dist-info/METADATA");
	assert_int_equal(chmod(p, 0), 0);
	free(p);
	assert_int_equal(scan_packages_read(&l, fx->dir, &err), 0);
	assert_int_equal(l.n, 1);
	expect_pkg(&l, "locked-1.5.dist-info", "locked", "1.5", "locked", fx->dir);
	scan_pkg_list_clear(&l);
}

static void test_read_egg_info(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list l = {0};
	struct vs_err err = {0};

	/* setup.py develop / old setuptools: a folder with PKG-INFO inside. */
	fx_write(fx->dir, "My.Pkg-0.3.egg-info/PKG-INFO",
		 "Metadata-Version: 1.0\nName: My.Pkg\nVersion: 0.3\nSummary: x\n"
		 "Description: long\n        Name: continued\n\n",
		 (size_t)-1);
	fx_write(fx->dir, "My.Pkg-0.3.egg-info/top_level.txt", "my_pkg\n", (size_t)-1);
	/* distutils: a plain file holding the headers. */
	fx_write(fx->dir, "argparse-1.2.1-py2.7.egg-info",
		 "Metadata-Version: 1.1\nName: argparse\nVersion: 1.2.1\n", (size_t)-1);
	fx_write(fx->dir, "bare.egg-info", "Metadata-Version: 1.0\nSummary: nothing\n", (size_t)-1);
	fx_write(fx->dir, "empty-0.1-py3.11.egg-info", "", 0);
	assert_int_equal(scan_packages_read(&l, fx->dir, &err), 0);
	assert_int_equal(l.n, 4);
	expect_pkg(&l, "My.Pkg-0.3.egg-info", "My.Pkg", "0.3", "my-pkg", fx->dir);
	expect_pkg(&l, "argparse-1.2.1-py2.7.egg-info", "argparse", "1.2.1", "argparse", fx->dir);
	expect_pkg(&l, "bare.egg-info", "bare", NULL, "bare", fx->dir);
	expect_pkg(&l, "empty-0.1-py3.11.egg-info", "empty", "0.1", "empty", fx->dir);
	scan_pkg_list_clear(&l);
}

static void test_read_ignores_others(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list l = {0};
	struct vs_err err = {0};
	char *p;

	fx_write(fx->dir, "pip-23.0.1.virtualenv", "", 0);
	fx_write(fx->dir, "distutils-precedence.pth", "import os\n", (size_t)-1);
	fx_mkdirs(fx->dir, "__pycache__");
	fx_mkdirs(fx->dir, ".dist-info");
	fx_mkdirs(fx->dir, "setuptools");
	fx_mkdirs(fx->dir, "setuptools-65.5.0.dist-info.bak");
	/* A dist-info must be a folder; a FIFO egg-info is never opened. */
	fx_write(fx->dir, "file-1.0.dist-info", "Name: file\n", (size_t)-1);
	p = fx_path(fx->dir, "pipe-1.0.egg-info");
	assert_int_equal(mkfifo(p, 0644), 0);
	free(p);
	fx_symlink("/nonexistent", fx->dir, "dangling-1.0.dist-info");
	assert_int_equal(scan_packages_read(&l, fx->dir, &err), 0);
	assert_int_equal(l.n, 0);
	scan_pkg_list_clear(&l);
}

static void test_read_directory_order_and_append(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list l = {0};
	struct vs_err err = {0};
	char *site = fx_path(fx->dir, "lib/python3.11/site-packages");
	static const char *const names[] = {"zeta", "alpha", "mid", "beta", "omega", "gamma"};
	char expect[6][256];
	struct dirent *de;
	size_t i, k = 0;
	DIR *d;

	for (i = 0; i < 6; i++) {
		char rel[128], meta[128];

		snprintf(rel, sizeof(rel), "lib/python3.11/site-packages/%s-1.%zu.dist-info/METADATA",
			 names[i], i);
		snprintf(meta, sizeof(meta), "Name: %s\nVersion: 1.%zu\n", names[i], i);
		fx_write(fx->dir, rel, meta, (size_t)-1);
	}
	/* What readdir gives is the order the list must keep. */
	d = opendir(site);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".dist-info")) {
			assert_true(strlen(de->d_name) < sizeof(expect[0]));
			strcpy(expect[k++], de->d_name);
		}
	}
	closedir(d);
	assert_int_equal(k, 6);

	/* An existing entry stays first: the call appends. */
	fx_write(fx->dir, "first-0.1.dist-info/METADATA", "Name: first\nVersion: 0.1\n", (size_t)-1);
	assert_int_equal(scan_packages_read(&l, fx->dir, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(scan_packages_read(&l, site, &err), 0);
	assert_int_equal(l.n, 7);
	assert_string_equal(l.items[0].name, "first");
	for (i = 0; i < 6; i++) {
		assert_string_equal(l.items[i + 1].meta_dir, expect[i]);
		assert_string_equal(l.items[i + 1].location, site);
	}
	scan_pkg_list_clear(&l);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.cap, 0);
	assert_null(l.items);
	scan_pkg_list_clear(&l);
	free(site);
}

static void test_read_missing_folder(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list l = {0};
	struct vs_err err = {0};
	char *site = fx_path(fx->dir, "lib/python3.11/site-packages");
	char want[8192];

	assert_int_equal(scan_packages_read(&l, site, &err), VS_EFAIL);
	snprintf(want, sizeof(want), "%s: does not exist", site);
	assert_string_equal(err.msg, want);
	assert_int_equal(l.n, 0);
	free(site);
}

static void test_read_big_metadata(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list l = {0};
	struct vs_err err = {0};
	size_t body = 600 * 1024;
	char *data = malloc(body + 128);
	int n;

	/* Headers first, then a long description: read stops at the blank line. */
	n = snprintf(data, 128, "Metadata-Version: 2.1\nName: big\nVersion: 7.0\n\n");
	memset(data + n, 'd', body);
	fx_write(fx->dir, "big-7.0.dist-info/METADATA", data, (size_t)n + body);
	/* Headers that never end within the read limit: Name past it is lost. */
	memset(data, 'X', body);
	memcpy(data, "Summary: ", 9);
	data[body - 1] = '\n';
	memcpy(data + body, "Name: far\nVersion: 8\n", 21);
	fx_write(fx->dir, "far-8.0.dist-info/METADATA", data, body + 21);
	assert_int_equal(scan_packages_read(&l, fx->dir, &err), 0);
	assert_int_equal(l.n, 2);
	expect_pkg(&l, "big-7.0.dist-info", "big", "7.0", "big", fx->dir);
	expect_pkg(&l, "far-8.0.dist-info", "far", "8.0", "far", fx->dir);
	scan_pkg_list_clear(&l);
	free(data);
}

/* A venv with pip made by the machine's python3, when there is one. */
static void test_real_venv(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list l = {0};
	struct vs_err err = {0};
	char cmd[8192], pipver[256] = "", *env, *want;
	char **sites = NULL;
	const struct scan_package *pip = NULL;
	size_t n, i;
	FILE *f;
	int envfd;

	alarm(300);
	snprintf(cmd, sizeof(cmd), "python3 -m venv '%s/env' >/dev/null 2>&1", fx->dir);
	if (system(cmd) != 0)
		skip();
	snprintf(cmd, sizeof(cmd),
		 "'%s/env/bin/python' -c 'import importlib.metadata as m; print(m.version(\"pip\"))'",
		 fx->dir);
	f = popen(cmd, "r");
	if (!f || !fgets(pipver, sizeof(pipver), f)) {
		if (f)
			pclose(f);
		skip();
	}
	pclose(f);
	pipver[strcspn(pipver, "\n")] = '\0';
	env = fx_path(fx->dir, "env");
	envfd = open(env, O_RDONLY | O_DIRECTORY);
	assert_true(envfd >= 0);
	n = scan_site_dirs(&sites, envfd, env);
	close(envfd);
	/* lib64 -> lib (when venv made it) must not double the folder. */
	assert_int_equal(n, 1);
	assert_true(strncmp(sites[0], env, strlen(env)) == 0);
	assert_non_null(strstr(sites[0], "/lib/python3."));
	assert_non_null(strstr(sites[0], "/site-packages"));
	assert_int_equal(scan_packages_read(&l, sites[0], &err), 0);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.items[i].canonical, "pip") == 0)
			pip = &l.items[i];
	}
	assert_non_null(pip);
	assert_string_equal(pip->name, "pip");
	assert_string_equal(pip->version, pipver);
	want = malloc(strlen(pipver) + 32);
	sprintf(want, "pip-%s.dist-info", pipver);
	assert_string_equal(pip->meta_dir, want);
	free(want);
	assert_true(scan_site_newest_mtime(sites[0]) > 0);
	scan_pkg_list_clear(&l);
	free_strv(sites, n);
	free(env);
}

/* ---- pure helpers ---- */

static void expect_meta(const char *text, const char *name, const char *version)
{
	char *n = NULL, *v = NULL;
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);

	/* Exactly len bytes, no NUL after: a read past the end shows in ASan. */
	memcpy(copy, text, len);
	scan_metadata_parse(copy, len, &n, &v);
	if (name)
		assert_string_equal(n, name);
	else
		assert_null(n);
	if (version)
		assert_string_equal(v, version);
	else
		assert_null(v);
	free(n);
	free(v);
	free(copy);
}

static void test_metadata_parse(void **state)
{
	(void)state;
	expect_meta("Name: requests\nVersion: 2.31.0\n", "requests", "2.31.0");
	expect_meta("name: lower\nVERSION: 1\n", "lower", "1");
	expect_meta("Name: first\nName: second\nVersion: 1\nVersion: 2\n", "first", "1");
	expect_meta("Name:  \t spaced \t \r\nVersion:3.0", "spaced", "3.0");
	expect_meta("Name: cr\rVersion: 4\r", "cr", "4");
	expect_meta("Summary: s\n\nName: body\nVersion: 1\n", NULL, NULL);
	expect_meta("\nName: body\n", NULL, NULL);
	expect_meta("Summary: a\n  Name: folded\nName: real\n", "real", NULL);
	expect_meta("Names: no\nVersionx: no\n", NULL, NULL);
	expect_meta("Name : not a header\nVersion: 1\n", NULL, NULL);
	expect_meta("", NULL, NULL);
	expect_meta("Name", NULL, NULL);
	expect_meta("Name:", "", NULL);
	expect_meta("Name: caf\xc3\xa9\n", "caf\xc3\xa9", NULL);
}

static void expect_split(const char *dirname, const char *name, const char *version)
{
	char *n = (char *)1, *v = (char *)1;

	scan_metadata_split_dirname(dirname, &n, &v);
	if (name)
		assert_string_equal(n, name);
	else
		assert_null(n);
	if (version)
		assert_string_equal(v, version);
	else
		assert_null(v);
	free(n);
	free(v);
}

static void test_split_dirname(void **state)
{
	(void)state;
	expect_split("foo_bar-1.2.3.dist-info", "foo_bar", "1.2.3");
	expect_split("foo-1.0-py3.11.egg-info", "foo", "1.0");
	expect_split("foo.egg-info", "foo", NULL);
	expect_split("zope.interface-6.0.dist-info", "zope.interface", "6.0");
	expect_split("PyYAML-6.0.1.dist-info", "PyYAML", "6.0.1");
	expect_split("pkg-1.0+local.abc.dist-info", "pkg", "1.0+local.abc");
	expect_split("Upper-2.0.DIST-INFO", "Upper", "2.0");
	expect_split("noversion.dist-info", "noversion", NULL);
	expect_split("trailing-.dist-info", "trailing", NULL);
	expect_split("-1.0.dist-info", NULL, "1.0");
	expect_split("plain", "plain", NULL);
	expect_split("", NULL, NULL);
}

static void expect_canon(const char *name, const char *want)
{
	char *c = scan_canonical_name(name);

	assert_string_equal(c, want);
	free(c);
}

static void test_canonical_name(void **state)
{
	(void)state;
	expect_canon("requests", "requests");
	expect_canon("Foo_Bar", "foo-bar");
	expect_canon("zope.interface", "zope-interface");
	expect_canon("A-_-.B", "a-b");
	expect_canon("Django", "django");
	expect_canon("typing_extensions", "typing-extensions");
	expect_canon("ruamel.yaml.clib", "ruamel-yaml-clib");
	expect_canon("", "");
}

/* ---- newest mtime ---- */

static void set_mtime(const char *dir, const char *rel, time_t t, int flags)
{
	struct timespec ts[2] = {{t, 0}, {t, 0}};
	char *p = rel ? fx_path(dir, rel) : strdup(dir);

	assert_int_equal(utimensat(AT_FDCWD, p, ts, flags), 0);
	free(p);
}

static void test_newest_mtime(void **state)
{
	struct fx_dir *fx = *state;
	char *site = fx_path(fx->dir, "site");
	char *outside = fx_path(fx->dir, "outside");

	fx_write(fx->dir, "site/a.py", "", 0);
	fx_write(fx->dir, "site/pkg/deep/b.py", "", 0);
	fx_write(fx->dir, "outside", "", 0);
	fx_symlink(outside, fx->dir, "site/link");
	set_mtime(fx->dir, "site/a.py", 2000000000, 0);
	set_mtime(fx->dir, "site/pkg", 1900000000, 0);
	/* Deeper than one level and outside the folder do not count... */
	set_mtime(fx->dir, "site/pkg/deep/b.py", 2100000000, 0);
	set_mtime(fx->dir, "outside", 2200000000, 0);
	/* ...and the link's own time is used, not its target's. */
	set_mtime(fx->dir, "site/link", 1800000000, AT_SYMLINK_NOFOLLOW);
	set_mtime(site, NULL, 1700000000, 0);
	assert_int_equal(scan_site_newest_mtime(site), 2000000000);

	set_mtime(fx->dir, "site/a.py", 1000000000, 0);
	set_mtime(site, NULL, 1950000000, 0);
	assert_int_equal(scan_site_newest_mtime(site), 1950000000);

	free(site);
	site = fx_path(fx->dir, "missing");
	assert_int_equal(scan_site_newest_mtime(site), 0);
	free(site);
	free(outside);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sites_venv_with_lib64_symlink, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_sites_real_lib64, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_sites_pypy, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_sites_windows_layout, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_sites_symlinks_not_followed, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_sites_none, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_dist_info, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_turkish_locale, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_fallbacks, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_unreadable_metadata, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_egg_info, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_ignores_others, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_directory_order_and_append, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_missing_folder, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_big_metadata, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_real_venv, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test(test_metadata_parse),
		cmocka_unit_test(test_split_dirname),
		cmocka_unit_test(test_canonical_name),
		cmocka_unit_test_setup_teardown(test_newest_mtime, fx_setup_dir, fx_teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
