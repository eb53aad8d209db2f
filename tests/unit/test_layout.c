/* Column layout: the path gives way first, nothing overflows the screen,
 * empty columns take no room. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>

#include "ui/layout.h"

static int right_edge(const struct ui_layout *l)
{
	int edge = 0;

	for (int c = 0; c < UI_COL_COUNT; c++)
		if (l->shown[c] && l->x[c] + l->w[c] > edge)
			edge = l->x[c] + l->w[c];
	return edge;
}

static void layout(struct ui_layout *l, int width, int name, int path, bool git, int flags)
{
	const struct ui_col_wants w = {.name = name,
				       .path = path,
				       .flags = flags,
				       .git = git,
				       .hlink = true};

	ui_layout_columns(l, width, &w);
}

static void test_wide_screen_shows_everything(void **state)
{
	struct ui_layout l;

	(void)state;
	layout(&l, 200, 12, 40, true, 11);
	for (int c = 0; c < UI_COL_COUNT; c++)
		assert_true(l.shown[c]);
	assert_int_equal(right_edge(&l), 200); /* the path takes the rest */
	assert_int_equal(l.w[UI_COL_NAME], 12);
	assert_true(l.x[UI_COL_NAME] < l.x[UI_COL_PYTHON]);
	assert_true(l.x[UI_COL_FLAGS] < l.x[UI_COL_PATH]);
	assert_true(l.right[UI_COL_SIZE]);
}

/* Issue 16: NAME, SIZE and a short path are kept before the decorative
 * columns. A long path shrinks to its short width first; then LINK, GIT,
 * PKGS, AGE, KIND, the share, PYTHON, FLAGS and the marker give way; the
 * path goes only when none of them is left. */
static void test_path_kept_while_decorations_remain(void **state)
{
	static const enum ui_col decorative[] = {UI_COL_KIND,  UI_COL_PYTHON, UI_COL_HLINK,
						 UI_COL_SHARE, UI_COL_PKGS,   UI_COL_LINK,
						 UI_COL_GIT,   UI_COL_AGE,    UI_COL_FLAGS};
	struct ui_layout l;

	(void)state;
	layout(&l, 114, 12, 200, true, 13); /* a long path on 114 columns: shortened */
	assert_true(l.shown[UI_COL_PATH]);
	assert_true(l.w[UI_COL_PATH] >= 12 && l.w[UI_COL_PATH] < 200);
	assert_int_equal(right_edge(&l), 114);
	layout(&l, 104, 12, 200, true, 13);
	assert_true(l.shown[UI_COL_PATH]);
	assert_false(l.shown[UI_COL_LINK]); /* a decorative column went instead */
	assert_true(right_edge(&l) <= 104);
	for (int w = 20; w <= 240; w++) {
		struct ui_col_wants want =
			{.name = 20, .path = 60, .flags = 13, .kind = 7, .git = true, .hlink = true};

		ui_layout_columns(&l, w, &want);
		assert_true(l.shown[UI_COL_NAME]);
		if (l.shown[UI_COL_PATH]) {
			assert_true(l.shown[UI_COL_SIZE]);
			assert_true(l.w[UI_COL_PATH] >= 12);
			continue;
		}
		for (size_t i = 0; i < sizeof(decorative) / sizeof(*decorative); i++)
			if (l.shown[decorative[i]])
				fail_msg("width %d: the path is dropped while column %s stays", w,
					 ui_col_title(decorative[i]));
	}
}

/* The widths the browser is tried at: 60, 80 and 120 columns keep the
 * name, the size and the path; at 120 every column of a plain row fits. */
static void test_60_80_120_columns(void **state)
{
	struct ui_col_wants want =
		{.name = 14, .path = 34, .flags = 6, .kind = 6, .git = true, .hlink = false};
	static const int widths[] = {60, 80, 120};
	struct ui_layout l;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		ui_layout_columns(&l, widths[i], &want);
		assert_true(l.shown[UI_COL_NAME]);
		assert_true(l.shown[UI_COL_SIZE]);
		assert_true(l.shown[UI_COL_PATH]);
		assert_true(right_edge(&l) <= widths[i]);
	}
	ui_layout_columns(&l, 60, &want);
	assert_false(l.shown[UI_COL_GIT]);
	ui_layout_columns(&l, 80, &want);
	assert_true(l.shown[UI_COL_KIND]);
	assert_true(l.shown[UI_COL_FLAGS]);
	assert_int_equal(l.w[UI_COL_KIND], 6);
	assert_true(l.x[UI_COL_NAME] < l.x[UI_COL_KIND] && l.x[UI_COL_KIND] < l.x[UI_COL_SIZE]);
	ui_layout_columns(&l, 120, &want);
	for (int c = 0; c < UI_COL_COUNT; c++)
		if (c != UI_COL_HLINK)
			assert_true(l.shown[c]);
	assert_string_equal(ui_col_title(UI_COL_KIND), "KIND");
}

static void test_narrow_screens_never_overflow(void **state)
{
	(void)state;
	for (int w = 20; w <= 240; w++) {
		struct ui_layout l;

		layout(&l, w, 30, 60, true, 30);
		assert_true(l.shown[UI_COL_NAME]);
		if (right_edge(&l) > w && w >= 30)
			fail_msg("width %d: columns reach %d", w, right_edge(&l));
	}
}

static void test_name_keeps_what_it_needs(void **state)
{
	struct ui_layout l;

	(void)state;
	layout(&l, 120, 40, 10, true, 13);
	assert_true(l.w[UI_COL_NAME] >= 28);
	assert_int_equal(right_edge(&l), 120);
}

/* GIT and FLAGS only take room when some row has something to say there;
 * FLAGS is as wide as its longest cell, within 5..30. */
static void test_empty_columns_left_out(void **state)
{
	struct ui_layout with, without;

	(void)state;
	layout(&with, 120, 12, 200, true, 13);
	layout(&without, 120, 12, 200, false, 0);
	assert_false(without.shown[UI_COL_GIT]);
	assert_false(without.shown[UI_COL_FLAGS]);
	assert_true(without.shown[UI_COL_PATH]);
	/* The room goes to the path: 11 + 13 columns and their two gaps. */
	assert_int_equal(without.w[UI_COL_PATH], with.w[UI_COL_PATH] + 11 + 13 + 4);
	layout(&with, 200, 12, 40, false, 2);
	assert_int_equal(with.w[UI_COL_FLAGS], 5);
	layout(&with, 200, 12, 40, false, 29);
	assert_int_equal(with.w[UI_COL_FLAGS], 29);
	layout(&with, 200, 12, 40, false, 50);
	assert_int_equal(with.w[UI_COL_FLAGS], 30);
}

/* The size's share and the hard-link marker: on 80 columns, with a
 * repository, flags and a 20-column name, the path stays and the share
 * gives way (after link, git, packages and age); the marker stays; it takes
 * room only when some row has it, and goes just before the path and the
 * size themselves. */
static void test_share_and_marker_on_80_columns(void **state)
{
	struct ui_layout l;
	struct ui_col_wants w = {.name = 20, .path = 40, .flags = 6, .git = true, .hlink = true};

	(void)state;
	ui_layout_columns(&l, 80, &w);
	assert_false(l.shown[UI_COL_SHARE]);
	assert_true(l.shown[UI_COL_HLINK]);
	assert_true(l.shown[UI_COL_SIZE]);
	assert_true(l.shown[UI_COL_PATH]);
	assert_false(l.shown[UI_COL_GIT]);
	assert_true(right_edge(&l) <= 80);
	assert_int_equal(l.x[UI_COL_HLINK], l.x[UI_COL_SIZE] + l.w[UI_COL_SIZE] + 2);
	ui_layout_columns(&l, 140, &w);
	assert_true(l.x[UI_COL_SHARE] > l.x[UI_COL_HLINK]);
	assert_int_equal(l.w[UI_COL_SHARE], 12); /* "[#####] 100%" */
	ui_layout_columns(&l, 80, &w);
	w.hlink = false;
	ui_layout_columns(&l, 80, &w);
	assert_false(l.shown[UI_COL_HLINK]);
	/* Very narrow: the share goes after packages and age, before Python
	 * and flags; the marker only just before the path and the size. */
	w.hlink = true;
	ui_layout_columns(&l, 50, &w);
	assert_false(l.shown[UI_COL_SHARE]);
	assert_true(l.shown[UI_COL_SIZE]);
	for (int width = 20; width <= 200; width++) {
		ui_layout_columns(&l, width, &w);
		if (l.shown[UI_COL_PKGS])
			assert_true(l.shown[UI_COL_SHARE] && l.shown[UI_COL_SIZE]);
		if (l.shown[UI_COL_SHARE])
			assert_true(l.shown[UI_COL_PYTHON] && l.shown[UI_COL_FLAGS]);
		if (l.shown[UI_COL_HLINK])
			assert_true(l.shown[UI_COL_SIZE]);
		if (l.shown[UI_COL_FLAGS])
			assert_true(l.shown[UI_COL_HLINK]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide_screen_shows_everything),
		cmocka_unit_test(test_path_kept_while_decorations_remain),
		cmocka_unit_test(test_60_80_120_columns),
		cmocka_unit_test(test_narrow_screens_never_overflow),
		cmocka_unit_test(test_name_keeps_what_it_needs),
		cmocka_unit_test(test_empty_columns_left_out),
		cmocka_unit_test(test_share_and_marker_on_80_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
