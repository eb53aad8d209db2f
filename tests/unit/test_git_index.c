/* scan_index against git itself: indexes written by real `git` in every
 * format (2, 3 with intent-to-add entries, 4 with prefix compression),
 * with odd and very long names and conflict stages, must list exactly the
 * paths `git ls-files -s` lists, in its order, and answer prefix questions
 * like `git ls-files -- DIR/`. Split and sparse indexes must be left to
 * libgit2 (UNSUPPORTED); a missing index is empty; a changed one is seen;
 * every truncation and many corruptions of a real index are refused or read
 * without reading outside the buffer (run under ASan by `make asan`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "helpers/shell.h"
#include "scan/git_index.h"

static void git_env(const char *dir)
{
	fx_git_env(dir, "[advice]\n\tdetachedHead = false\n");
}

#define SH_OK FX_SH_OK

static struct scan_index *read_ok(const char *repo)
{
	char *path = fx_path(repo, ".git/index");
	struct scan_index *ix = NULL;

	assert_int_equal(scan_index_read(&ix, path), SCAN_INDEX_OK);
	assert_non_null(ix);
	free(path);
	return ix;
}

/* The index format version git wrote. */
static unsigned index_version(const char *repo)
{
	char *path = fx_path(repo, ".git/index");
	unsigned char head[8];
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	assert_int_equal(fread(head, 1, 8, f), 8);
	fclose(f);
	free(path);
	return (unsigned)head[4] << 24 | (unsigned)head[5] << 16 | (unsigned)head[6] << 8 | head[7];
}

/* Every entry's path equals `git ls-files -s -z`'s, in order. */
static void same_paths_as_git(const char *repo)
{
	struct scan_index *ix = read_ok(repo);
	size_t len, i = 0;
	int rc;
	char *out = fx_output(&rc, &len, "git -C '%s' ls-files -s -z", repo);

	assert_int_equal(rc, 0);
	for (char *p = out; p < out + len; p += strlen(p) + 1, i++) {
		const char *path = strchr(p, '\t');

		assert_non_null(path);
		if (i >= scan_index_count(ix))
			fail_msg("git lists more than the %zu entries read", scan_index_count(ix));
		assert_string_equal(scan_index_path(ix, i), path + 1);
	}
	assert_int_equal(i, scan_index_count(ix));
	assert_true(i > 0);
	free(out);
	scan_index_free(ix);
}

/* has_prefix(DIR/) equals "git ls-files -- DIR/ is not empty". */
static void prefix_like_git(const char *repo, const char *dir)
{
	struct scan_index *ix = read_ok(repo);
	char prefix[8192];
	size_t len;
	int rc;
	char *out = fx_output(&rc, &len, "git -C '%s' --literal-pathspecs ls-files -z -- '%s/'",
			      repo, dir);

	assert_int_equal(rc, 0);
	snprintf(prefix, sizeof(prefix), "%s/", dir);
	if (scan_index_has_prefix(ix, prefix, false) != (len > 0))
		fail_msg("%s: scan_index says %s, git ls-files lists %zu bytes", dir,
			 len ? "nothing" : "something", len);
	free(out);
	scan_index_free(ix);
}

/* A repository with names that stress the formats: a directory name that
 * is a string prefix of another, spaces and UTF-8, a newline, and a path
 * longer than the 12-bit length field (0xFFF) can hold. */
static char *odd_repo(const char *dir)
{
	char *repo = fx_path(dir, "repo");
	char longdir[8192] = "";

	fx_write(dir, "repo/part/lib/x.py", "1\n", (size_t)-1);
	fx_write(dir, "repo/part2/y.py", "2\n", (size_t)-1);
	fx_write(dir, "repo/part-x/z.py", "3\n", (size_t)-1);
	fx_write(dir, "repo/a b/\xc3\xbc.txt", "4\n", (size_t)-1);
	fx_write(dir, "repo/new\nline/f", "5\n", (size_t)-1);
	fx_write(dir, "repo/top.txt", "6\n", (size_t)-1);
	for (int i = 0; i < 20; i++) {
		char seg[256];

		memset(seg, 'a' + i, 210);
		seg[210] = '\0';
		strcat(longdir, seg);
		strcat(longdir, "/");
	}
	strcat(longdir, "deep.txt");
	assert_true(strlen(longdir) > 0xFFF);
	SH_OK("git init -q '%s' && cd '%s' && git add -A && git commit -q -m one", repo, repo);
	/* Too long for the work tree (PATH_MAX), not for the index. */
	SH_OK("cd '%s' && git update-index --add --cacheinfo 100644,$(echo x | git hash-object -w "
	      "--stdin),%s && git commit -q -m long",
	      repo, longdir);
	return repo;
}

static void check_all_prefixes(const char *repo)
{
	const char *dirs[] = {"part", "part/lib", "part2", "part-x", "par", "a b", "new\nline",
			      "missing", "part/lib/x.py", "aaaa"};

	same_paths_as_git(repo);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		prefix_like_git(repo, dirs[i]);
}

static void test_versions(void **state)
{
	struct fx_dir *fx = *state;
	char *repo;

	git_env(fx->dir);
	repo = odd_repo(fx->dir);
	assert_int_equal(index_version(repo), 2);
	check_all_prefixes(repo);

	/* Version 3: an intent-to-add entry carries the extended flags. */
	fx_write(fx->dir, "repo/part3/ita.py", "8\n", (size_t)-1);
	SH_OK("cd '%s' && git add -N part3/ita.py && git update-index --index-version 3", repo);
	assert_int_equal(index_version(repo), 3);
	check_all_prefixes(repo);
	prefix_like_git(repo, "part3");

	/* Version 4: paths compressed against the previous one. */
	SH_OK("cd '%s' && git update-index --index-version 4", repo);
	assert_int_equal(index_version(repo), 4);
	check_all_prefixes(repo);
	prefix_like_git(repo, "part3");
	free(repo);
}

/* A merge conflict leaves stages 1-3 of one path: all are entries. */
static void test_conflict_stages(void **state)
{
	struct fx_dir *fx = *state;
	char *repo;

	git_env(fx->dir);
	repo = fx_path(fx->dir, "repo");
	fx_write(fx->dir, "repo/f.txt", "base\n", (size_t)-1);
	fx_write(fx->dir, "repo/g/h.txt", "h\n", (size_t)-1);
	SH_OK("git init -q '%s' && cd '%s' && git add -A && git commit -q -m base && "
	      "git checkout -q -b other && echo other > f.txt && git commit -q -am other && "
	      "git checkout -q main && echo mine > f.txt && git commit -q -am mine && "
	      "! git merge -q other >/dev/null 2>&1",
	      repo, repo);
	same_paths_as_git(repo);
	{
		struct scan_index *ix = read_ok(repo);

		assert_int_equal(scan_index_count(ix), 4);
		assert_true(scan_index_has_prefix(ix, "g/", false));
		assert_false(scan_index_has_prefix(ix, "f.txt/", false));
		scan_index_free(ix);
	}
	free(repo);
}

static void test_left_to_libgit2(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_index *ix = (struct scan_index *)1;
	char *repo, *path;

	git_env(fx->dir);
	repo = odd_repo(fx->dir);
	path = fx_path(repo, ".git/index");
	/* Split index: the entries live partly in .git/sharedindex.*. */
	SH_OK("cd '%s' && git update-index --split-index", repo);
	assert_int_equal(scan_index_read(&ix, path), SCAN_INDEX_UNSUPPORTED);
	assert_null(ix);
	SH_OK("cd '%s' && git update-index --no-split-index", repo);
	ix = read_ok(repo);
	scan_index_free(ix);
	/* Sparse index: folders stand for everything below them. */
	SH_OK("(cd '%s' && git sparse-checkout init --cone --sparse-index && "
	      "git sparse-checkout set part) >/dev/null 2>&1",
	      repo);
	assert_int_equal(scan_index_read(&ix, path), SCAN_INDEX_UNSUPPORTED);
	assert_null(ix);
	free(path);
	free(repo);
}

static void test_missing_and_changed(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_index *ix;
	char *repo, *path;

	git_env(fx->dir);
	repo = fx_path(fx->dir, "repo");
	path = fx_path(repo, ".git/index");
	SH_OK("git init -q '%s'", repo);
	/* No index file yet: nothing is tracked. */
	assert_int_equal(scan_index_read(&ix, path), SCAN_INDEX_OK);
	assert_int_equal(scan_index_count(ix), 0);
	assert_false(scan_index_has_prefix(ix, "", false));
	assert_false(scan_index_stale(ix, path));
	fx_write(fx->dir, "repo/env/pyvenv.cfg", "home = /usr/bin\n", (size_t)-1);
	SH_OK("cd '%s' && git add env/pyvenv.cfg", repo);
	assert_true(scan_index_stale(ix, path));
	scan_index_free(ix);
	ix = read_ok(repo);
	assert_false(scan_index_stale(ix, path));
	assert_true(scan_index_has_prefix(ix, "env/", false));
	assert_true(scan_index_has_prefix(ix, "", false));
	assert_false(scan_index_has_prefix(ix, "ENV/", false));
	assert_true(scan_index_has_prefix(ix, "ENV/", true));
	SH_OK("cd '%s' && git rm -q --cached env/pyvenv.cfg", repo);
	assert_true(scan_index_stale(ix, path));
	scan_index_free(ix);
	ix = read_ok(repo);
	assert_false(scan_index_has_prefix(ix, "env/", false));
	scan_index_free(ix);
	free(path);
	free(repo);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The checksum is not checked (git does not either, outside fsck): a cut
 * is refused unless what is left still adds up, and then it must read as
 * the very same entries. One byte changed anywhere in a real index is
 * refused or reads as sorted, non-empty paths. Every buffer is a copy of
 * exactly the bytes given, so ASan catches a read past them. */
static void test_damaged(void **state)
{
	struct fx_dir *fx = *state;
	char *repo, *path;
	unsigned char *data;
	size_t len;

	git_env(fx->dir);
	repo = odd_repo(fx->dir);
	for (unsigned v = 2; v <= 4; v++) {
		struct scan_index *ix, *whole;

		SH_OK("cd '%s' && git update-index --index-version %u", repo, v);
		path = fx_path(repo, ".git/index");
		data = slurp(path, &len);
		assert_int_equal(scan_index_parse(&whole, data, len), SCAN_INDEX_OK);
		for (size_t cut = 0; cut < len; cut++) {
			unsigned char *copy = malloc(cut ? cut : 1);

			memcpy(copy, data, cut);
			if (scan_index_parse(&ix, copy, cut) == SCAN_INDEX_OK) {
				assert_int_equal(scan_index_count(ix), scan_index_count(whole));
				for (size_t i = 0; i < scan_index_count(ix); i++)
					assert_string_equal(scan_index_path(ix, i),
							    scan_index_path(whole, i));
				scan_index_free(ix);
			}
			free(copy);
		}
		for (size_t at = 0; at < len; at++) {
			unsigned char *copy = malloc(len);

			memcpy(copy, data, len);
			copy[at] ^= 0xA5;
			if (scan_index_parse(&ix, copy, len) == SCAN_INDEX_OK) {
				for (size_t i = 0; i < scan_index_count(ix); i++) {
					assert_true(scan_index_path(ix, i)[0] != '\0');
					if (i)
						assert_true(strcmp(scan_index_path(ix, i - 1),
								   scan_index_path(ix, i)) <= 0);
				}
				scan_index_free(ix);
			}
			free(copy);
		}
		scan_index_free(whole);
		free(data);
		free(path);
	}
	free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_versions, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_conflict_stages, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_left_to_libgit2, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_missing_and_changed, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_damaged, fx_setup_dir, fx_teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
