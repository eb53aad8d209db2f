/* Column layout: the path gives way first, nothing overflows the screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/layout.h"

static int right_edge(const struct ui_layout *l)
{
	int edge = 0;

	for (int c = 0; c < UI_COL_COUNT; c++)
		if (l->shown[c] && l->x[c] + l->w[c] > edge)
			edge = l->x[c] + l->w[c];
	return edge;
}

static void test_wide_screen_shows_everything(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_columns(&l, 200, 12, 40, true);
	for (int c = 0; c < UI_COL_COUNT; c++)
		assert_true(l.shown[c]);
	assert_int_equal(right_edge(&l), 200); /* the path takes the rest */
	assert_int_equal(l.w[UI_COL_NAME], 12);
	assert_true(l.x[UI_COL_NAME] < l.x[UI_COL_PYTHON]);
	assert_true(l.x[UI_COL_FLAGS] < l.x[UI_COL_PATH]);
	assert_true(l.right[UI_COL_SIZE]);
}

static void test_path_gives_way_first(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_columns(&l, 100, 12, 200, true); /* a long path on 100 columns */
	assert_true(l.shown[UI_COL_PATH]);
	assert_int_equal(right_edge(&l), 100);
	ui_layout_columns(&l, 90, 12, 200, true);
	assert_false(l.shown[UI_COL_PATH]);
	assert_true(l.shown[UI_COL_LINK]);
	assert_true(right_edge(&l) <= 90);
}

static void test_narrow_screens_never_overflow(void **state)
{
	(void)state;
	for (int w = 20; w <= 240; w++) {
		struct ui_layout l;

		ui_layout_columns(&l, w, 30, 60, true);
		assert_true(l.shown[UI_COL_NAME]);
		if (right_edge(&l) > w && w >= 30)
			fail_msg("width %d: columns reach %d", w, right_edge(&l));
	}
}

static void test_name_keeps_what_it_needs(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_columns(&l, 120, 40, 10, true);
	assert_true(l.w[UI_COL_NAME] >= 28);
	assert_int_equal(right_edge(&l), 120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide_screen_shows_everything),
		cmocka_unit_test(test_path_gives_way_first),
		cmocka_unit_test(test_narrow_screens_never_overflow),
		cmocka_unit_test(test_name_keeps_what_it_needs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
