/* The browser's model: rows, filter, sort, cursor and marks, fed with the
 * same events a scan sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/model.h"
#include "util/xalloc.h"

static struct scan_feed feed; /* the scan the envs come from */

static void found_in(struct ui_model *m, struct scan_feed *f, size_t id, const char *path,
		     uint64_t size, bool broken)
{
	struct scan_event ev = {.type = SCAN_EV_FOUND, .id = id};
	struct venv *v = xcalloc(1, sizeof(*v));

	v->id = id;
	v->path = xstrdup(path);
	v->name = xstrdup(strrchr(path, '/') + 1);
	v->python_version = xstrdup("3.11.7");
	v->broken = broken;
	ev.venv = v;
	ui_model_apply(m, f, &ev);
	{
		struct scan_event se = {.type = SCAN_EV_SIZED, .id = id};

		se.size.size_bytes = size;
		ui_model_apply(m, f, &se);
	}
}

static void found(struct ui_model *m, size_t id, const char *path, uint64_t size, bool broken)
{
	found_in(m, &feed, id, path, size, broken);
}

static const char *row_name(const struct ui_model *m, size_t row)
{
	return m->by_id[m->rows[row]]->name;
}

static void test_rows_sort_and_cursor(void **state)
{
	struct ui_model m;

	(void)state;
	ui_model_init(&m, SCAN_SORT_SIZE, false, 90);
	found(&m, 1, "/p/small", 10, false); /* ids may arrive out of order */
	found(&m, 0, "/p/big", 1000, false);
	ui_model_refresh(&m);
	assert_int_equal(m.n_rows, 2);
	assert_string_equal(row_name(&m, 0), "big");
	assert_int_equal(m.cur.pos, 0);
	/* At the top the cursor stays on row 0 while rows arrive... */
	found(&m, 2, "/p/huge", 5000, false);
	ui_model_refresh(&m);
	assert_string_equal(ui_model_selected(&m)->name, "huge");
	/* ...elsewhere it follows its env. */
	ui_model_move(&m, 1);
	assert_string_equal(ui_model_selected(&m)->name, "big");
	found(&m, 3, "/p/giant", 9000, false);
	ui_model_refresh(&m);
	assert_string_equal(ui_model_selected(&m)->name, "big");
	assert_int_equal(m.cur.pos, 2);
	ui_model_toggle_reverse(&m);
	ui_model_refresh(&m);
	assert_string_equal(row_name(&m, 0), "small");
	assert_string_equal(ui_model_selected(&m)->name, "big");
	ui_model_cycle_sort(&m); /* size -> name */
	assert_int_equal(m.sort, SCAN_SORT_NAME);
	ui_model_move(&m, 100);
	assert_int_equal(m.cur.pos, 3);
	ui_model_move(&m, -100);
	assert_int_equal(m.cur.pos, 0);
	ui_model_free(&m);
	scan_feed_free(&feed);
}

static void test_filter_problems_and_marks(void **state)
{
	struct ui_model m;
	struct ui_summary s;
	struct vs_err err = {0};

	(void)state;
	ui_model_init(&m, SCAN_SORT_PATH, false, 90);
	found(&m, 0, "/work/api/.venv", 100, false);
	found(&m, 1, "/work/web/.venv", 200, true);
	found(&m, 2, "/old/tool", 300, false);
	assert_int_equal(ui_model_set_filter(&m, "work", &err), 0);
	ui_model_refresh(&m);
	assert_int_equal(m.n_rows, 2);
	assert_int_equal(ui_model_set_filter(&m, "pkg:", &err), VS_EUSAGE);
	assert_string_equal(m.filter_text, "work"); /* the old filter stays */
	ui_model_toggle_problems(&m);
	ui_model_refresh(&m);
	assert_int_equal(m.n_rows, 1);
	assert_string_equal(ui_model_selected(&m)->path, "/work/web/.venv");
	ui_model_toggle_problems(&m);
	assert_int_equal(ui_model_set_filter(&m, "", &err), 0);
	ui_model_refresh(&m);
	assert_int_equal(m.n_rows, 3);
	ui_model_toggle_mark(&m); /* /old/tool */
	ui_model_move(&m, 1);
	ui_model_toggle_mark(&m); /* /work/api/.venv */
	ui_model_summary(&m, &s);
	assert_int_equal(s.marked, 2);
	assert_int_equal(s.marked_bytes, 400);
	assert_int_equal(s.envs, 3);
	assert_int_equal(s.bytes, 600);
	assert_int_equal(s.broken, 1);
	ui_model_mark_all_shown(&m); /* not all marked yet: marks all */
	ui_model_summary(&m, &s);
	assert_int_equal(s.marked, 3);
	ui_model_mark_all_shown(&m); /* all marked: unmarks */
	ui_model_summary(&m, &s);
	assert_int_equal(s.marked, 0);
	ui_model_free(&m);
	scan_feed_free(&feed);
}

static void test_scroll_keeps_cursor_visible(void **state)
{
	struct ui_model m;
	char path[32];

	(void)state;
	ui_model_init(&m, SCAN_SORT_PATH, false, 90);
	for (size_t i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "/p/env%02zu", i);
		found(&m, i, path, i, false);
	}
	ui_model_refresh(&m);
	ui_model_move_to(&m, 30);
	ui_model_scroll(&m, 10);
	assert_true(m.cur.top <= 30 && 30 < m.cur.top + 10);
	ui_model_move_to(&m, 2);
	ui_model_scroll(&m, 10);
	assert_int_equal(m.cur.top, 2);
	ui_model_move_to(&m, 49);
	ui_model_scroll(&m, 10);
	assert_int_equal(m.cur.top, 40);
	ui_model_free(&m);
	scan_feed_free(&feed);
}

/* A second scan's env with a known path replaces that row (same id, mark
 * kept); its later events reach it through that scan's own ids. */
static void test_rescan_replaces_by_path(void **state)
{
	struct ui_model m;
	struct scan_feed side = {0};
	struct ui_summary s;
	size_t id;

	(void)state;
	ui_model_init(&m, SCAN_SORT_PATH, false, 90);
	found(&m, 0, "/p/a", 100, false);
	found(&m, 1, "/p/b", 200, false);
	ui_model_refresh(&m);
	ui_model_move_to(&m, 1);
	ui_model_toggle_mark(&m); /* /p/b */
	id = scan_model_find(&m.envs, "/p/b");
	assert_int_equal(id, 1);
	found_in(&m, &side, 0, "/p/b", 999, true); /* the side scan's id 0 */
	ui_model_refresh(&m);
	assert_int_equal(m.n_rows, 2);
	assert_int_equal(scan_model_find(&m.envs, "/p/b"), id);
	assert_true(m.by_id[id]->broken);
	assert_int_equal(m.by_id[id]->size.size_bytes, 999);
	assert_int_equal(m.by_id[0]->size.size_bytes, 100); /* the other env untouched */
	assert_true(scan_feed_saw(&side, id));
	assert_false(scan_feed_saw(&side, 0));
	ui_model_summary(&m, &s);
	assert_int_equal(s.marked, 1);
	found_in(&m, &side, 1, "/p/c", 5, false); /* a new path: a new row */
	ui_model_refresh(&m);
	assert_int_equal(m.n_rows, 3);
	ui_model_remove(&m, id);
	ui_model_refresh(&m);
	assert_int_equal(m.n_rows, 2);
	assert_int_equal(scan_model_find(&m.envs, "/p/b"), SCAN_NO_SLOT);
	scan_feed_free(&side);
	ui_model_free(&m);
	scan_feed_free(&feed);
}

/* `a`: the sort by size, the totals and the marked sum follow the mode;
 * the marked set figure is the sum of freeable bytes when no marked env
 * shares a block, and unknown while one is not sized. */
static void sized(struct ui_model *m, size_t id, uint64_t apparent, uint64_t disk, uint64_t freeable)
{
	struct scan_event se = {.type = SCAN_EV_SIZED, .id = id};

	se.size.size_bytes = apparent;
	se.size.disk_bytes = disk;
	se.size.freeable_bytes = freeable;
	ui_model_apply(m, &feed, &se);
}

static void test_size_mode_and_marked_figure(void **state)
{
	struct ui_model m;
	struct ui_summary s;
	uint64_t f = 0;

	(void)state;
	ui_model_init(&m, SCAN_SORT_SIZE, false, 90);
	found(&m, 0, "/w/sparse", 0, false);
	found(&m, 1, "/w/full", 0, false);
	sized(&m, 0, 1 << 30, 40960, 40960); /* a 1 GiB sparse file */
	sized(&m, 1, 3 << 20, 3 << 20, 3 << 20);
	ui_model_refresh(&m);
	assert_string_equal(row_name(&m, 0), "sparse");
	ui_model_summary(&m, &s);
	assert_true(s.bytes == (1u << 30) + (3u << 20) && s.shown_bytes == s.bytes);
	ui_model_toggle_disk(&m);
	ui_model_refresh(&m);
	assert_string_equal(row_name(&m, 0), "full");
	ui_model_summary(&m, &s);
	assert_true(s.bytes == 40960 + (3u << 20));
	ui_model_move_to(&m, 0);
	ui_model_toggle_mark(&m);
	ui_model_move_to(&m, 1);
	ui_model_toggle_mark(&m);
	ui_model_summary(&m, &s);
	assert_int_equal(s.marked, 2);
	assert_true(s.marked_bytes == 40960 + (3u << 20));
	assert_true(ui_model_marked_freeable(&m, &f));
	assert_true(f == 40960 + (3u << 20));
	/* A rescan finds one of them unsized: the figure is unknown, not 0. */
	{
		struct scan_event se = {.type = SCAN_EV_SIZED, .id = 1};

		se.size.errors = 1;
		se.size.disk_bytes = 3 << 20;
		ui_model_apply(&m, &feed, &se);
	}
	assert_false(ui_model_marked_freeable(&m, &f));
	ui_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_sort_and_cursor),
		cmocka_unit_test(test_filter_problems_and_marks),
		cmocka_unit_test(test_scroll_keeps_cursor_visible),
		cmocka_unit_test(test_rescan_replaces_by_path),
		cmocka_unit_test(test_size_mode_and_marked_figure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
