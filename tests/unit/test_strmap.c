/* strmap: puts, gets and replacements across many growths agree with a
 * plain array; empty and odd keys; each visits every pair once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strmap.h"

#define N 5000

static void count_pair(const char *key, void *value, void *ctx)
{
	size_t *seen = ctx;
	long i = strtol(key + 1, NULL, 10);

	assert_true(key[0] == 'k' && i >= 0 && i < N);
	assert_ptr_equal(value, (void *)(intptr_t)(i * 2 + 1));
	seen[i]++;
}

static void test_many_keys(void **state)
{
	struct strmap *m = strmap_new();
	char key[32];
	static size_t seen[N];

	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_null(strmap_put(m, key, (void *)(intptr_t)(i + 1)));
	}
	assert_int_equal(strmap_len(m), N);
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_ptr_equal(strmap_get(m, key), (void *)(intptr_t)(i + 1));
		/* Replacing returns the old value and keeps the count. */
		assert_ptr_equal(strmap_put(m, key, (void *)(intptr_t)(i * 2 + 1)),
				 (void *)(intptr_t)(i + 1));
	}
	assert_int_equal(strmap_len(m), N);
	assert_null(strmap_get(m, "k5000"));
	assert_null(strmap_get(m, "k"));
	assert_null(strmap_get(m, ""));
	strmap_each(m, count_pair, seen);
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	strmap_free(m);
	strmap_free(NULL);
}

static void test_odd_keys(void **state)
{
	struct strmap *m = strmap_new();
	int a, b, c;

	(void)state;
	strmap_put(m, "", &a);
	strmap_put(m, "/", &b);
	strmap_put(m, "/a\n\xff", &c);
	assert_ptr_equal(strmap_get(m, ""), &a);
	assert_ptr_equal(strmap_get(m, "/"), &b);
	assert_ptr_equal(strmap_get(m, "/a\n\xff"), &c);
	assert_null(strmap_get(m, "/a\n"));
	strmap_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_odd_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
