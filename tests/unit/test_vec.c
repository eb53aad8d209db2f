/* vec: items survive many growths in order; an owning vector frees its
 * items (ASan/valgrind see any leak), a borrowing one leaves them; take and
 * steal hand items over; the array is NULL-terminated when asked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

static int freed;
static void count_free(void *p)
{
	freed++;
	free(p);
}

static void test_owned_strings(void **state)
{
	struct vs_vec v;
	char buf[32];

	(void)state;
	vs_vec_init_strs(&v);
	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "s%d", i);
		vs_vec_push_str(&v, buf);
	}
	assert_int_equal(v.n, 1000);
	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "s%d", i);
		assert_string_equal(v.v[i], buf);
	}
	assert_null(vs_vec_terminate(&v)[1000]);
	char *taken = vs_vec_take(&v, 10);
	assert_string_equal(taken, "s10");
	assert_string_equal(v.v[10], "s11");
	assert_int_equal(v.n, 999);
	free(taken);
	vs_vec_clear(&v);
	assert_int_equal(v.n, 0);
	assert_null(v.v);
	assert_ptr_equal(v.free_item, free);
}

static void test_owner_flag(void **state)
{
	struct vs_vec own, borrow;
	char *items[5];

	(void)state;
	freed = 0;
	vs_vec_init(&own, count_free);
	vs_vec_init(&borrow, NULL);
	for (int i = 0; i < 5; i++) {
		items[i] = malloc(4);
		vs_vec_push(&own, items[i]);
		vs_vec_push(&borrow, items[i]);
	}
	vs_vec_clear(&borrow);
	assert_int_equal(freed, 0);
	vs_vec_clear(&own);
	assert_int_equal(freed, 5);
}

static void test_steal(void **state)
{
	struct vs_vec v;
	size_t n = 0;

	(void)state;
	vs_vec_init_strs(&v);
	vs_vec_push_str(&v, "a");
	vs_vec_push_str(&v, "b");
	char **arr = (char **)vs_vec_steal(&v, &n);
	assert_int_equal(n, 2);
	assert_string_equal(arr[0], "a");
	assert_string_equal(arr[1], "b");
	assert_null(arr[2]);
	assert_int_equal(v.n, 0);
	assert_null(v.v);
	vs_strv_free(arr, n);
	vs_strv_free(NULL, 0);
	/* An empty vector steals as a lone NULL. */
	arr = (char **)vs_vec_steal(&v, &n);
	assert_int_equal(n, 0);
	assert_null(arr[0]);
	free(arr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owned_strings),
		cmocka_unit_test(test_owner_flag),
		cmocka_unit_test(test_steal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
