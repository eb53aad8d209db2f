/* A folder listed once (scan/listing.h), on real files in a temp folder:
 * every name comes back with its type, and scan_listing_lacks() only says
 * "certainly not there" for what stat would not find either. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "pip/listing.h"

static const struct scan_listing_entry *entry(const struct scan_listing *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* What the listing says about `name` never contradicts stat. */
static void agrees_with_stat(const struct scan_listing *l, const char *dir, const char *name)
{
	char *p = fx_path(dir, name);
	struct stat st;

	if (scan_listing_lacks(l, name))
		assert_int_not_equal(lstat(p, &st), 0);
	free(p);
}

static void test_names_and_types(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_listing *l;
	const struct scan_listing_entry *e;

	fx_write(fx->dir, "file.egg-link", "x\n", (size_t)-1);
	fx_mkdirs(fx->dir, "pkg-1.0.dist-info");
	fx_symlink("pkg-1.0.dist-info", fx->dir, "link-1.0.dist-info");
	fx_symlink("nowhere", fx->dir, "dangling.egg-link");
	l = scan_listing_read(fx->dir);
	assert_non_null(l);
	assert_true(l->fd >= 0);
	assert_int_equal(l->n, 4); /* no "." nor ".." */
	e = entry(l, "file.egg-link");
	assert_non_null(e);
	assert_true(e->type == DT_REG || e->type == DT_UNKNOWN);
	e = entry(l, "pkg-1.0.dist-info");
	assert_non_null(e);
	assert_true(e->type == DT_DIR || e->type == DT_UNKNOWN);
	e = entry(l, "link-1.0.dist-info");
	assert_non_null(e);
	assert_true(e->type == DT_LNK || e->type == DT_UNKNOWN);
	assert_non_null(entry(l, "dangling.egg-link"));
	/* The fd is the folder: names open relative to it. */
	{
		int fd = openat(l->fd, "file.egg-link", O_RDONLY | O_CLOEXEC);

		assert_true(fd >= 0);
		close(fd);
	}
	scan_listing_free(l);
	scan_listing_free(NULL);
}

static void test_lacks(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_listing *l;

	fx_write(fx->dir, "Foo.egg-link", "x\n", (size_t)-1);
	fx_symlink("nowhere", fx->dir, "dangling.egg-link");
	fx_mkdirs(fx->dir, "sub");
	fx_write(fx->dir, "sub/inner.egg-link", "x\n", (size_t)-1);
	l = scan_listing_read(fx->dir);
	assert_non_null(l);
	/* Listed names, even a dangling symlink, are never "lacking": the
	 * caller stats them and keeps stat's answer. */
	assert_false(scan_listing_lacks(l, "Foo.egg-link"));
	assert_false(scan_listing_lacks(l, "dangling.egg-link"));
	assert_false(scan_listing_lacks(l, "sub"));
	/* More than one component, "", "." and "..": not the listing's to say. */
	assert_false(scan_listing_lacks(l, "sub/inner.egg-link"));
	assert_false(scan_listing_lacks(l, "sub/none.egg-link"));
	assert_false(scan_listing_lacks(l, ""));
	assert_false(scan_listing_lacks(l, "."));
	assert_false(scan_listing_lacks(l, ".."));
	/* A name that is not there: certainly missing where lookups are exact
	 * (ext4, tmpfs, btrfs, f2fs folders without casefold), "maybe" elsewhere. */
	assert_int_equal(scan_listing_lacks(l, "Bar.egg-link"), l->exact);
	assert_int_equal(scan_listing_lacks(l, "foo.egg-link"), l->exact);
	agrees_with_stat(l, fx->dir, "Bar.egg-link");
	agrees_with_stat(l, fx->dir, "foo.egg-link");
	agrees_with_stat(l, fx->dir, "FOO.EGG-LINK");
	assert_false(scan_listing_lacks(NULL, "Bar.egg-link"));
	scan_listing_free(l);
}

static void test_not_a_folder(void **state)
{
	struct fx_dir *fx = *state;
	char *file = fx_path(fx->dir, "f"), *missing = fx_path(fx->dir, "missing");

	fx_write(fx->dir, "f", "", (size_t)-1);
	errno = 0;
	assert_null(scan_listing_read(file));
	assert_int_equal(errno, ENOTDIR);
	assert_null(scan_listing_read(missing));
	assert_int_equal(errno, ENOENT);
	free(file);
	free(missing);
}

static void test_many(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_listing *l;
	char name[64];

	/* More than one getdents buffer's worth, all found by the lookup. */
	for (int i = 0; i < 1500; i++) {
		snprintf(name, sizeof(name), "package_number_%04d-1.0.dist-info", i);
		fx_write(fx->dir, name, "", (size_t)-1);
	}
	l = scan_listing_read(fx->dir);
	assert_non_null(l);
	assert_int_equal(l->n, 1500);
	for (int i = 0; i < 1500; i++) {
		snprintf(name, sizeof(name), "package_number_%04d-1.0.dist-info", i);
		assert_false(scan_listing_lacks(l, name));
	}
	assert_int_equal(scan_listing_lacks(l, "package_number_1500-1.0.dist-info"), l->exact);
	scan_listing_free(l);
}

/* Where the fast path is meant to work, it does: a folder without the
 * casefold attribute on ext4, tmpfs or btrfs is exact. */
static void test_exact_where_it_can_be(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_listing *l;
	struct statfs sf;
	int flags = 0;

	assert_int_equal(fstatfs(fx->fd, &sf), 0);
	if (sf.f_type != EXT4_SUPER_MAGIC && sf.f_type != TMPFS_MAGIC && sf.f_type != BTRFS_SUPER_MAGIC)
		skip();
	if (ioctl(fx->fd, FS_IOC_GETFLAGS, &flags) != 0 || (flags & FS_CASEFOLD_FL))
		skip();
	l = scan_listing_read(fx->dir);
	assert_non_null(l);
	assert_true(l->exact);
	scan_listing_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_names_and_types, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_lacks, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_not_a_folder, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_many, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_exact_where_it_can_be, fx_setup_dir,
						fx_teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
