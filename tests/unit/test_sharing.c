/* scan_sharing_compute and the inode-list arithmetic (inodes.h) on lists
 * written out here: which envs share a file is a pure function of the
 * lists the scan keeps (the walk that fills them is tested on real trees
 * in test_size.c and tests/e2e/tests_space.py). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "scan/inodes.h"
#include "scan/sharing.h"
#include "scan/space_set.h"
#include "scan/venv.h"
#include "util/xalloc.h"

/* An env (sized, nothing unreadable) holding `n` files linked outside it:
 * inos[i] with nlinks[i] links, one of them here, 4096 bytes each. */
static struct venv *env(dev_t dev, const uint64_t *inos, const uint32_t *nlinks, size_t n, uint64_t own)
{
	struct venv *v = xcalloc(1, sizeof(*v));

	v->size_known = true;
	v->size.freeable_bytes = own;
	if (n) {
		v->inodes = xcalloc(1, sizeof(*v->inodes));
		v->inodes->dev = dev;
		v->inodes->n = n;
		v->inodes->v = xcalloc(n, sizeof(*v->inodes->v));
		for (size_t i = 0; i < n; i++)
			v->inodes->v[i] = (struct scan_inode){inos[i], 4096, nlinks[i], 1};
	}
	return v;
}

static void test_chain(void **state)
{
	/* a-b share inode 10, b-c share 20, d has the same inode numbers on
	 * another device, e has nothing linked. */
	const uint64_t ia[] = {5, 10}, ib[] = {10, 20}, ic[] = {20}, id[] = {10, 20};
	const uint32_t two[] = {2, 2}, three[] = {3, 3};
	struct venv *vs[5] = {env(1, ia, two, 2, 100), env(1, ib, two, 2, 100),
			      env(1, ic, two, 1, 100), env(2, id, three, 2, 100),
			      env(1, NULL, NULL, 0, 100)};
	struct scan_sharing sh;

	(void)state;
	scan_sharing_compute(&sh, (const struct venv *const *)vs, 5);
	assert_int_equal(sh.n_with[0], 1);
	assert_int_equal(sh.with[0][0], 1);
	assert_int_equal(sh.n_with[1], 2);
	assert_int_equal(sh.with[1][0], 0);
	assert_int_equal(sh.with[1][1], 2);
	assert_int_equal(sh.n_with[2], 1);
	assert_int_equal(sh.with[2][0], 1);
	assert_int_equal(sh.n_with[3], 0);
	assert_int_equal(sh.n_with[4], 0);
	scan_sharing_free(&sh);

	/* The set figures: a and b together free inode 10 (both links), not
	 * 5 (its other link is elsewhere) nor 20 (its other link is in c). */
	{
		struct scan_space_set set;
		bool pick[5] = {true, true, false, false, false};
		uint64_t b;

		scan_space_set_from_venvs(&set, (const struct venv *const *)vs, 5);
		assert_true(scan_space_set_freeable(&set, pick, &b));
		assert_int_equal(b, 200 + 4096);
		pick[2] = true; /* a, b, c: 10 and 20 */
		assert_true(scan_space_set_freeable(&set, pick, &b));
		assert_int_equal(b, 300 + 2 * 4096);
		pick[3] = true; /* d: same numbers, other device, 3 links: nothing more */
		assert_true(scan_space_set_freeable(&set, pick, &b));
		assert_int_equal(b, 400 + 2 * 4096);
		assert_true(scan_space_set_one(&set, 1, &b));
		assert_int_equal(b, 100);
		vs[4]->size.errors = 1; /* an unreadable part: unknown, not 0 */
		scan_space_set_free(&set);
		scan_space_set_from_venvs(&set, (const struct venv *const *)vs, 5);
		assert_false(scan_space_set_freeable(&set, NULL, &b));
		scan_space_set_free(&set);
	}
	/* linked: of a's files, those also in b or c */
	{
		const struct scan_inodes *others[] = {vs[1]->inodes, vs[2]->inodes, vs[3]->inodes};

		assert_int_equal(scan_inodes_linked(vs[0]->inodes, others, 3), 4096);
		assert_int_equal(scan_inodes_linked(vs[1]->inodes, others + 1, 2), 4096);
		assert_int_equal(scan_inodes_linked(vs[3]->inodes, others, 2), 0);
	}
	for (size_t i = 0; i < 5; i++)
		venv_free(vs[i]);
}

/* Many envs all linked to one cache file: each shares with every other,
 * named once each. */
static void test_many_share_one(void **state)
{
	enum { N = 300 };
	struct venv *vs[N];
	const uint64_t ino[] = {77, 78};
	const uint32_t nl[] = {N + 1, N + 1};
	struct scan_sharing sh;

	(void)state;
	for (size_t i = 0; i < N; i++)
		vs[i] = env(9, ino, nl, 2, 0);
	scan_sharing_compute(&sh, (const struct venv *const *)vs, N);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(sh.n_with[i], N - 1);
		for (size_t j = 1; j < sh.n_with[i]; j++)
			assert_true(sh.with[i][j - 1] < sh.with[i][j]);
	}
	scan_sharing_free(&sh);
	for (size_t i = 0; i < N; i++)
		venv_free(vs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_many_share_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
