/* The browser's state that is not drawing: every environment the scan has
 * reported, which of them are shown (filter, problems-only) in what order
 * (sort), the cursor, the scroll position and the marks. No curses here.
 *
 * The envs are a scan model (src/scan/model.h): keyed by path, merged
 * from any number of scans, each env in a slot that is its id here. Rows
 * are ids into `by_id`; the cursor stays on the same environment when rows
 * are re-sorted or re-filtered, and a rescanned env keeps its row and mark. */
#ifndef VS_UI_MODEL_H
#define VS_UI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../scan/model.h"
#include "../scan/scan.h"
#include "../scan/sort.h"
#include "../util/err.h"
#include "cursor.h"

struct scan_filter;

struct ui_model {
	/* The envs. Views read `by_id[id]` (NULL where gone) for id < n_ids:
	 * the first members of `envs`, named here for them. */
	union {
		struct scan_model envs;
		struct {
			struct venv **by_id;
			size_t n_ids;
		};
	};
	bool *marked; /* by id */
	size_t cap_marked;

	size_t *rows; /* ids shown, in display order */
	size_t n_rows, cap_rows;
	/* The selected row (cur.pos, an index into rows) and the first row on
	 * screen (cur.top); cur.count is n_rows, cur.height the list's. */
	struct ui_cursor cur;

	enum scan_sort sort;
	bool reverse;
	bool disk; /* sizes are disk usage (disk_bytes), not apparent (`a`) */
	bool problems_only;
	struct scan_filter *filter; /* NULL: no filter */
	char *filter_text;          /* the text of the filter in force, or NULL */

	bool dirty; /* rows must be recomputed (ui_model_refresh) */

	/* The marked envs' set figure, kept until an env or a mark changes. */
	unsigned long gen, marked_gen; /* changes so far; when it was computed */
	bool marked_known;
	uint64_t marked_freeable;
};

/* Counts, and bytes in the model's size mode (apparent or disk). */
struct ui_summary {
	size_t envs, sized, stale, broken, problems, marked, shown;
	size_t orphaned, eol, moved; /* issue 16's story counts */
	uint64_t bytes, stale_bytes, broken_bytes, marked_bytes;
	uint64_t marked_disk; /* the marked envs' disk usage whatever the mode: the unit of freeable */
	uint64_t shown_bytes; /* of the rows listed: what a row's share is of */
};

void ui_model_init(struct ui_model *m, enum scan_sort sort, bool reverse, int stale_days);
void ui_model_free(struct ui_model *m);

/* Drops every environment and mark (a full rescan starts). */
void ui_model_clear(struct ui_model *m);

/* Ages and the stale flag move with the clock: once UI_AGE_TICK_S have
 * passed since the model's "now", it becomes `now` and the stale flags
 * are worked out again. True when it did (redraw). */
#define UI_AGE_TICK_S 60
bool ui_model_tick(struct ui_model *m, time_t now);
/* Milliseconds until the next tick is due (0: due now). */
int ui_model_tick_ms(const struct ui_model *m, time_t now);

/* Takes an event of the scan `f` reads (scan_model_merge): FOUND (the
 * venv moves to the model, in place of an env with the same path),
 * PACKAGES, SIZED and GIT. Other events are ignored. */
void ui_model_apply(struct ui_model *m, struct scan_feed *f, struct scan_event *ev);

/* Drops the env with this id (it is no longer an environment). */
void ui_model_remove(struct ui_model *m, size_t id);

/* Recomputes the shown rows when dirty; the cursor keeps its env. */
void ui_model_refresh(struct ui_model *m);

/* The env under the cursor, or NULL when no row is shown. */
struct venv *ui_model_selected(const struct ui_model *m);

/* Moves the cursor by `delta` rows (clamped) or to a row (cursor.h). */
void ui_model_move(struct ui_model *m, long delta);
void ui_model_move_to(struct ui_model *m, size_t row);
/* Keeps the cursor inside a window of `height` rows starting at cur.top. */
void ui_model_scroll(struct ui_model *m, size_t height);
/* Sorts by `sort`; by it already, reverses the order (ncdu's n and M). */
void ui_model_sort_by(struct ui_model *m, enum scan_sort sort);

void ui_model_toggle_mark(struct ui_model *m);
/* Marks every shown row; when all of them already are, unmarks them. */
void ui_model_mark_all_shown(struct ui_model *m);

void ui_model_cycle_sort(struct ui_model *m);
void ui_model_toggle_reverse(struct ui_model *m);
void ui_model_toggle_problems(struct ui_model *m);
/* `a`: apparent size <-> disk usage, for the sizes, the sort and totals. */
void ui_model_toggle_disk(struct ui_model *m);

/* The env's size in the model's mode; 0 while it is not known. */
uint64_t ui_model_bytes(const struct ui_model *m, const struct venv *v);

/* Sets the filter from `text` ("" or NULL clears it). On a parse error the
 * filter in force is kept and VS_EUSAGE is returned with the reason. */
int ui_model_set_filter(struct ui_model *m, const char *text, struct vs_err *err);

void ui_model_summary(const struct ui_model *m, struct ui_summary *out);

/* What deleting the envs vs[0..n) together would free (issue 14's set
 * figure: a file hard-linked between two of them counts once all its
 * links are among them), from what their size walks kept, without a walk;
 * false when that is unknown (an env not sized yet, or with unreadable
 * parts). */
bool ui_set_freeable(const struct venv *const *vs, size_t n, uint64_t *out);
/* The envs in the model that hold links of v's shared files (a cp -al
 * twin, another env linked from the same cache): borrowed pointers in
 * *out (the caller frees the array), their count returned; 0 when v keeps
 * no inode list (nothing linked from outside). */
size_t ui_model_linked_envs(const struct ui_model *m, const struct venv *v, const struct venv ***out);

/* The same for the marked envs (kept until an env or a mark changes). */
bool ui_model_marked_freeable(struct ui_model *m, uint64_t *out);

/* True when the env counts as having a problem (venv_has_problem: broken,
 * stale, orphan, moved, EOL, ..., or any problem sentence) — what `!`
 * shows. */
bool ui_venv_has_problem(const struct venv *v);

#endif
