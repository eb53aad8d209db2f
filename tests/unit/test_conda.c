/* conda-meta (issue 16): the history head, the JSON records, channel
 * names, .condarc's envs_dirs, a prefix read from real files in a temp
 * folder, its environment.yml and explicit list, and the filter terms. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "scan/conda.h"
#include "scan/conda_export.h"
#include "scan/conda_places.h"
#include "scan/filter.h"
#include "scan/inspect.h"
#include "scan/scan.h"

static void test_history(void **state)
{
	static const char text[] = "==> 2026-11-30 09:12:44 <==\n"
				   "# cmd: /home/u/miniconda3/bin/conda create -n sci python=3.11 six\n"
				   "# conda version: 23.9.0\n"
				   "+defaults/linux-64::python-3.11.5-h955ad1f_0\n"
				   "==> 2026-12-01 10:00:00 <==\n"
				   "# cmd: /home/u/miniconda3/bin/mamba install -n other numpy\n";
	struct scan_conda_history h;

	(void)state;
	scan_conda_history_parse(&h, text, sizeof(text) - 1);
	assert_string_equal(h.manager, "conda"); /* the first cmd: the one that made it */
	assert_string_equal(h.name, "sci");
	assert_null(h.prefix);
	assert_false(h.junk);
	scan_conda_history_clear(&h);

	scan_conda_history_parse(&h, "# cmd: micromamba create --prefix=/p/env\r\n", 41);
	assert_string_equal(h.manager, "micromamba");
	assert_string_equal(h.prefix, "/p/env");
	assert_null(h.name);
	scan_conda_history_clear(&h);

	scan_conda_history_parse(&h, "# cmd: mamba create -p /w/proj/env --name=x\n", 44);
	assert_string_equal(h.manager, "mamba");
	assert_string_equal(h.prefix, "/w/proj/env");
	assert_string_equal(h.name, "x");
	scan_conda_history_clear(&h);

	/* Binary junk: flagged, the text lines around it still read. */
	{
		static const char junk[] = "\x89PNG\0\xff\xfe garbage\n# cmd: conda create -n j\n";

		scan_conda_history_parse(&h, junk, sizeof(junk) - 1);
		assert_true(h.junk);
		assert_string_equal(h.name, "j");
		scan_conda_history_clear(&h);
	}
	/* No cmd line at all: nothing known, no crash. */
	scan_conda_history_parse(&h, "", 0);
	assert_null(h.manager);
	assert_null(h.name);
}

static void test_record(void **state)
{
	static const char rec[] =
		"{\"build\": \"pyhd8ed1ab_0\", \"build_number\": 0,"
		" \"channel\": \"https://conda.anaconda.org/conda-forge/noarch\","
		" \"depends\": [\"python >=3.7\"], \"files\": ["
		" \"lib/python3.11/site-packages/six-1.16.0.dist-info/RECORD\","
		" \"lib/python3.11/site-packages/six.py\"],"
		" \"fn\": \"six-1.16.0-pyhd8ed1ab_0.conda\", \"md5\": \"abc\", \"name\": \"six\","
		" \"subdir\": \"noarch\", \"url\": \"https://u/six.conda\", \"version\": \"1.16.0\"}";
	struct scan_conda c = {0};
	struct scan_conda_rec r;
	struct vs_err err = {0};

	(void)state;
	assert_int_equal(scan_conda_record_parse(&r, &c, rec, sizeof(rec) - 1, &err), 0);
	assert_string_equal(r.name, "six");
	assert_string_equal(r.version, "1.16.0");
	assert_string_equal(r.build, "pyhd8ed1ab_0");
	assert_string_equal(r.channel, "https://conda.anaconda.org/conda-forge/noarch");
	assert_string_equal(r.md5, "abc");
	assert_int_equal(c.n_owned, 1);
	assert_true(scan_conda_owns(&c, "six-1.16.0.dist-info"));
	assert_false(scan_conda_owns(&c, "tinydist-0.3.dist-info"));
	scan_conda_rec_clear(&r);
	scan_conda_clear(&c);

	assert_true(scan_conda_record_parse(&r, NULL, "{\"name\": ", 9, &err) < 0);
	assert_string_equal(err.msg, "not valid JSON");
	assert_true(scan_conda_record_parse(&r, NULL, "[1]", 3, &err) < 0);
	assert_true(scan_conda_record_parse(&r, NULL, "{\"name\": 3}", 11, &err) < 0);
}

static void test_channel_name(void **state)
{
	char *s;

	(void)state;
	s = scan_conda_channel_name("https://conda.anaconda.org/conda-forge/linux-64", "linux-64");
	assert_string_equal(s, "conda-forge");
	free(s);
	s = scan_conda_channel_name("https://conda.anaconda.org/conda-forge/noarch", "noarch");
	assert_string_equal(s, "conda-forge");
	free(s);
	s = scan_conda_channel_name("https://repo.anaconda.com/pkgs/main/linux-64", "linux-64");
	assert_string_equal(s, "defaults");
	free(s);
	s = scan_conda_channel_name("https://my.host/chan/linux-64", "linux-64");
	assert_string_equal(s, "https://my.host/chan");
	free(s);
	s = scan_conda_channel_name("bioconda", NULL);
	assert_string_equal(s, "bioconda");
	free(s);
	assert_null(scan_conda_channel_name(NULL, NULL));
}

static void test_condarc(void **state)
{
	static const char rc[] =
		"channels:\n  - conda-forge\nenvs_dirs:\n  - ~/my-envs\n"
		"  - \"/opt/envs\"  # shared\n  # - /commented\nauto_activate_base: false\n"
		"  - /not/in/envs_dirs\n";
	struct vs_vec v;

	(void)state;
	vs_vec_init_strs(&v);
	scan_condarc_envs_dirs(&v, rc, sizeof(rc) - 1, "/home/u");
	assert_int_equal(v.n, 2);
	assert_string_equal(v.v[0], "/home/u/my-envs");
	assert_string_equal(v.v[1], "/opt/envs");
	vs_vec_clear(&v);
}

static const char *rec_json(char *buf, size_t n, const char *name, const char *ver, const char *build,
			    const char *chan, const char *sub, const char *extra)
{
	snprintf(buf, n,
		 "{\"name\": \"%s\", \"version\": \"%s\", \"build\": \"%s\", \"build_number\": 0,"
		 " \"channel\": \"%s/%s\", \"subdir\": \"%s\", \"fn\": \"%s-%s-%s.conda\","
		 " \"url\": \"%s/%s/%s-%s-%s.conda\", \"md5\": \"md5%s\", \"files\": [%s]}",
		 name, ver, build, chan, sub, sub, name, ver, build, chan, sub, name, ver, build, name,
		 extra);
	return buf;
}

/* A prefix on disk: two records, one broken record, a huge one, pip's dist. */
static void test_prefix_and_export(void **state)
{
	const char *dir = ((struct fx_dir *)*state)->dir;
	char buf[1024], *text = NULL, *big;
	struct venv *v;
	struct scan_pkgs_result *r;
	size_t len;
	int fd;

	fx_write(dir, "conda-meta/history", "# cmd: conda create -n demo\n", 28);
	rec_json(buf, sizeof(buf), "python", "3.11.5", "h955ad1f_0",
		 "https://repo.anaconda.com/pkgs/main", "linux-64", "");
	fx_write(dir, "conda-meta/python-3.11.5-h955ad1f_0.json", buf, strlen(buf));
	rec_json(buf, sizeof(buf), "six", "1.16.0", "pyh_0", "https://conda.anaconda.org/conda-forge",
		 "noarch", "\"lib/python3.11/site-packages/six-1.16.0.dist-info/RECORD\"");
	fx_write(dir, "conda-meta/six-1.16.0-pyh_0.json", buf, strlen(buf));
	fx_write(dir, "conda-meta/broken-1-0.json", "{\"name\": \"broken\",", 18);
	big = malloc(17u << 20);
	memset(big, ' ', 17u << 20);
	fx_write(dir, "conda-meta/huge-1-0.json", big, 17u << 20);
	free(big);
	fx_write(dir, "lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA",
		 "Name: six\nVersion: 1.16.0\n", 26);
	fx_write(dir, "lib/python3.11/site-packages/tinydist-0.3.dist-info/METADATA",
		 "Name: tinydist\nVersion: 0.3\n", 28);

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_true(scan_conda_is_prefix(fd));
	assert_false(scan_conda_is_pixi(fd));
	v = scan_inspect_env(fd, dir, NULL, SCAN_PARENT_UNKNOWN);
	assert_int_equal(v->kind, VENV_KIND_CONDA);
	assert_string_equal(v->manager, "conda");
	assert_string_equal(v->name, "demo");
	assert_string_equal(v->python_version, "3.11.5");
	r = scan_inspect_packages(fd, dir);
	close(fd);
	assert_non_null(r->conda);
	assert_int_equal(r->conda->n, 2); /* the two good ones, sorted */
	assert_string_equal(r->conda->recs[0].name, "python");
	assert_string_equal(r->conda->recs[1].name, "six");
	assert_int_equal(r->conda->n_bad, 2);
	assert_non_null(r->problem);
	assert_non_null(strstr(r->problem, "2 conda-meta records cannot be read"));
	{
		struct scan_event ev = {.type = SCAN_EV_PACKAGES, .id = v->id, .pkgs = r};

		scan_venv_apply(v, &ev, 90, 1);
	}
	scan_pkgs_result_free(r);
	assert_int_equal(v->package_count, 3); /* python, six, and pip's tinydist */

	assert_int_equal(scan_conda_export(&text, &len, v, SCAN_CONDA_YML, NULL), 0);
	snprintf(buf, sizeof(buf),
		 "name: demo\nchannels:\n  - conda-forge\n  - defaults\ndependencies:\n"
		 "  - python=3.11.5=h955ad1f_0\n  - six=1.16.0=pyh_0\n  - pip:\n"
		 "      - tinydist==0.3\nprefix: %s\n",
		 dir);
	assert_string_equal(text, buf);
	free(text);
	assert_int_equal(scan_conda_export(&text, &len, v, SCAN_CONDA_EXPLICIT_MD5, NULL), 0);
	assert_string_equal(text,
			    "# This file may be used to create an environment using:\n"
			    "# $ conda create --name <env> --file <this file>\n"
			    "# platform: linux-64\n@EXPLICIT\n"
			    "https://repo.anaconda.com/pkgs/main/linux-64/python-3.11.5-h955ad1f_0.conda"
			    "#md5python\n"
			    "https://conda.anaconda.org/conda-forge/noarch/six-1.16.0-pyh_0.conda#md5six\n");
	free(text);
	venv_free(v);
}

/* conda create -p: the prefix's folder is the project when it holds a
 * project file; a relative -p stands for the env's own place. */
static void test_prefix_project(void **state)
{
	const char *dir = ((struct fx_dir *)*state)->dir;
	char hist[512], *proj = fx_path(dir, "proj"), *env = fx_path(dir, "proj/env");
	struct venv *v;
	int fd;

	fx_write(dir, "proj/pyproject.toml", "[project]\n", 10);
	fx_write(dir, "proj/env/conda-meta/history", "# cmd: conda create -p ./env\n", 29);
	fd = open(env, O_RDONLY | O_DIRECTORY);
	v = scan_inspect_env(fd, env, NULL, SCAN_PARENT_UNKNOWN);
	assert_non_null(v->project);
	assert_string_equal(v->project, proj);
	assert_string_equal(v->name, "env");
	venv_free(v);
	/* An absolute -p whose folder holds no project file: no project. */
	snprintf(hist, sizeof(hist), "# cmd: conda create -p %s/plain/env\n", dir);
	fx_write(dir, "plain/env/conda-meta/history", hist, strlen(hist));
	close(fd);
	free(env);
	env = fx_path(dir, "plain/env");
	fd = open(env, O_RDONLY | O_DIRECTORY);
	v = scan_inspect_env(fd, env, NULL, SCAN_PARENT_UNKNOWN);
	assert_null(v->project);
	venv_free(v);
	close(fd);
	free(env);
	free(proj);
}

static void test_filter_terms(void **state)
{
	struct venv conda = {0}, plain = {0};
	struct scan_filter *f;

	(void)state;
	conda.kind = VENV_KIND_CONDA;
	conda.manager = "mamba";
	conda.path = conda.name = (char *)"/x/envs/sci";
	plain.kind = VENV_KIND_VENV;
	plain.manager = "poetry";
	plain.path = plain.name = (char *)"/y/env";
	assert_int_equal(scan_filter_parse(&f, "is:conda", NULL), 0);
	assert_true(scan_filter_match(f, &conda));
	assert_false(scan_filter_match(f, &plain));
	scan_filter_free(f);
	assert_int_equal(scan_filter_parse(&f, "KIND:Conda", NULL), 0);
	assert_true(scan_filter_match(f, &conda));
	assert_false(scan_filter_match(f, &plain));
	scan_filter_free(f);
	assert_int_equal(scan_filter_parse(&f, "mgr:poetry", NULL), 0);
	assert_false(scan_filter_match(f, &conda));
	assert_true(scan_filter_match(f, &plain));
	scan_filter_free(f);
	assert_int_equal(scan_filter_parse(&f, "!mgr:mamba kind:venv", NULL), 0);
	assert_false(scan_filter_match(f, &conda));
	assert_true(scan_filter_match(f, &plain));
	scan_filter_free(f);
	assert_true(scan_filter_parse(&f, "mgr:", NULL) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_channel_name),
		cmocka_unit_test(test_condarc),
		cmocka_unit_test_setup_teardown(test_prefix_and_export, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_prefix_project, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test(test_filter_terms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
