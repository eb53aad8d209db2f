/* Duplicates across envs: RECORD's path column, the group arithmetic, and
 * scan_dupes_find on real files (links, a path leaving the site folder, a
 * folder symlinked out, a missing file, another version). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "pip/dist_record.h"
#include "scan/dupes.h"
#include "scan/venv.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* ---- RECORD paths ---- */

struct paths {
	char *v[16];
	size_t n;
};

static void keep(void *ctx, const char *path)
{
	struct paths *p = ctx;

	assert_true(p->n < 16);
	p->v[p->n++] = xstrdup(path);
}

static void test_record_paths(void **state)
{
	const char *rec = "six.py,sha256=abc,34549\r\n"
			  "\"we,ird\".py,sha256=def,100\n"
			  "\n"
			  "\"say \"\"hi\"\".py\",,\n"
			  "\"two\nlines.py\",,1\n"
			  "../../../bin/six,,3\n"
			  "last";
	const char *want[] = {"six.py",        "we,ird.py",        "say \"hi\".py",
			      "two\nlines.py", "../../../bin/six", "last"};
	struct paths p = {0};

	(void)state;
	scan_record_paths(rec, strlen(rec), keep, &p);
	assert_int_equal(p.n, 6);
	for (size_t i = 0; i < p.n; i++) {
		assert_string_equal(p.v[i], want[i]);
		free(p.v[i]);
	}
	p.n = 0;
	scan_record_paths("", 0, keep, &p);
	assert_int_equal(p.n, 0);
}

/* ---- the arithmetic ---- */

#define F(i_, b_, c_)                                                                 \
	{                                                                             \
		.dev = 1, .ino = (i_), .disk = (b_), .apparent = (b_)-1, .copy = (c_) \
	}

static void test_figures(void **state)
{
	struct scan_dupe_bytes d, a;

	(void)state;
	/* Three plain copies of two files: two copies' worth duplicated. */
	struct scan_dupe_file plain[] = {F(1, 10, 0), F(2, 20, 0), F(3, 10, 1),
					 F(4, 20, 1), F(5, 10, 2), F(6, 20, 2)};
	scan_dupes_figures(&d, &a, plain, 6, 3);
	assert_int_equal(d.per_copy, 30);
	assert_int_equal(d.total, 90);
	assert_int_equal(d.shared, 0);
	assert_int_equal(d.duplicated, 60);
	assert_int_equal(a.per_copy, 28);
	assert_int_equal(a.duplicated, 56);

	/* cp -al twins: all shared, nothing left to save. */
	struct scan_dupe_file twins[] = {F(1, 10, 0), F(2, 20, 0), F(2, 20, 1), F(1, 10, 1)};
	scan_dupes_figures(&d, &a, twins, 4, 2);
	assert_int_equal(d.per_copy, 30);
	assert_int_equal(d.total, 60);
	assert_int_equal(d.shared, 30);
	assert_int_equal(d.duplicated, 0);

	/* Copies that differ (one has a .pyc the other lacks), one file
	 * linked, and an inode listed twice in a copy (counted once there). */
	struct scan_dupe_file mixed[] = {F(1, 10, 0), F(2, 20, 0), F(2, 20, 0), F(1, 10, 1),
					 F(3, 5, 1)};
	scan_dupes_figures(&d, &a, mixed, 5, 2);
	assert_int_equal(d.per_copy, 30);
	assert_int_equal(d.total, 45);
	assert_int_equal(d.shared, 10); /* unique 35 */
	assert_int_equal(d.duplicated, 5);

	/* The same inode number on two devices is two files. */
	struct scan_dupe_file devs[] = {{.dev = 1, .ino = 7, .disk = 8, .copy = 0},
					{.dev = 2, .ino = 7, .disk = 8, .copy = 1}};
	scan_dupes_figures(&d, &a, devs, 2, 2);
	assert_int_equal(d.shared, 0);
	assert_int_equal(d.duplicated, 8);

	scan_dupes_figures(&d, &a, NULL, 0, 2);
	assert_int_equal(d.total, 0);
	assert_int_equal(d.duplicated, 0);
}

/* ---- on disk ---- */

/* A venv struct with one site folder `site` holding the given dists. */
static struct venv *fake_env(const char *dir, const char *name, const char *const *dists, size_t n)
{
	struct venv *v = xcalloc(1, sizeof(*v));

	v->path = fx_path(dir, name);
	v->packages_known = true;
	v->packages.items = xcalloc(n, sizeof(*v->packages.items));
	v->packages.n = n;
	for (size_t i = 0; i < n; i++) {
		struct scan_package *p = v->packages.items + i;

		/* dists[i] is "Name 1.0" */
		p->name = xstrdup(dists[i]);
		*strchr(p->name, ' ') = '\0';
		p->version = xstrdup(strchr(dists[i], ' ') + 1);
		p->canonical = xstrdup(p->name);
		for (char *c = p->canonical; *c; c++)
			*c = (*c == '_') ? '-' : (char)(*c | 0x20);
		p->location = xasprintf("%s/site", v->path);
		p->meta_dir = xasprintf("%s-%s.dist-info", p->name, p->version);
		p->size_known = true;
	}
	return v;
}

static uint64_t disk_of(const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel);
	struct stat st;

	assert_int_equal(lstat(p, &st), 0);
	free(p);
	return (uint64_t)st.st_blocks * 512;
}

static void link_file(const char *dir, const char *from, const char *to)
{
	char *a = fx_path(dir, from), *b = fx_path(dir, to);

	assert_int_equal(unlink(b), 0);
	assert_int_equal(link(a, b), 0);
	free(a);
	free(b);
}

static void test_find(void **state)
{
	struct fx_dir *fx = *state;
	static const char rec[] = "pkg/a.bin,,\npkg/sub/b.bin,,\n../../../bin/tool,,\n/etc/passwd,,\n"
				  "pkg/gone.bin,,\npkg/../pkg/a.bin,,\n";
	char big[9000], small[3000];
	const char *const d1[] = {"Pkg 1.0"};
	const char *const d2[] = {"Pkg 2.0"};
	struct venv *v[5];
	struct scan_dupes d;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	memset(big, 'b', sizeof(big));
	memset(small, 's', sizeof(small));
	for (int i = 0; i < 4; i++) {
		char rel[64];
		const char *env = (const char *[]){"e0", "e1", "e2", "e3"}[i];

		snprintf(rel, sizeof(rel), "%s/site/pkg/a.bin", env);
		fx_write(fx->dir, rel, big, sizeof(big));
		snprintf(rel, sizeof(rel), "%s/site/pkg/sub/b.bin", env);
		fx_write(fx->dir, rel, small, sizeof(small));
		snprintf(rel, sizeof(rel), "%s/bin/tool", env);
		fx_write(fx->dir, rel, "#!x\n", (size_t)-1);
		snprintf(rel, sizeof(rel), "%s/site/Pkg-%s.dist-info/RECORD", env,
			 i == 3 ? "2.0" : "1.0");
		fx_write(fx->dir, rel, rec, (size_t)-1);
	}
	/* e1's a.bin is e0's; e2's sub folder is a symlink to e0's (not followed). */
	link_file(fx->dir, "e0/site/pkg/a.bin", "e1/site/pkg/a.bin");
	char *sub = fx_path(fx->dir, "e2/site/pkg/sub");

	fx_rmtree(sub);
	free(sub);
	fx_symlink("../../../e0/site/pkg/sub", fx->dir, "e2/site/pkg/sub");
	v[0] = fake_env(fx->dir, "e0", d1, 1);
	v[1] = fake_env(fx->dir, "e1", d1, 1);
	v[2] = fake_env(fx->dir, "e2", d1, 1);
	v[3] = fake_env(fx->dir, "e3", d2, 1); /* another version: alone */
	/* e4's site folder is a link to e0's: outside e4, never read. */
	fx_mkdirs(fx->dir, "e4");
	fx_symlink("../e0/site", fx->dir, "e4/site");
	v[4] = fake_env(fx->dir, "e4", d1, 1);

	scan_dupes_find(&d, (const struct venv *const *)v, 5);
	assert_int_equal(d.n, 1);
	const struct scan_dupe_group *g = d.groups;
	uint64_t a = disk_of(fx->dir, "e0/site/pkg/a.bin"),
		 b = disk_of(fx->dir, "e0/site/pkg/sub/b.bin");

	assert_string_equal(g->name, "Pkg");
	assert_string_equal(g->version, "1.0");
	assert_int_equal(g->n_envs, 3);
	assert_int_equal(g->copies, 3);
	/* Per copy: a.bin (listed twice, once through ..), b.bin in e0 and e1. */
	assert_int_equal(g->files, 3 * 2 + 2);
	assert_int_equal(g->missing, 3);
	assert_int_equal(g->outside, 3 * 2 + 1); /* the script, /etc/passwd; e2's sub */
	assert_int_equal(g->disk.per_copy, a + b);
	assert_int_equal(g->disk.total, 2 * (a + b) + a);
	assert_int_equal(g->disk.shared, a);
	/* unique: e0's a and b, e1's b, e2's a */
	assert_int_equal(g->disk.duplicated, 2 * a + 2 * b - (a + b));
	scan_dupe_text(&sb, g);
	assert_non_null(strstr(sb_str(&sb), "Pkg 1.0 — 3 envs, "));
	sb_free(&sb);
	scan_dupes_free(&d);
	scan_dupes_free(NULL);
	for (int i = 0; i < 5; i++)
		venv_free(v[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_paths),
		cmocka_unit_test(test_figures),
		cmocka_unit_test_setup_teardown(test_find, fx_setup_dir, fx_teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
