/* The model: every env a consumer knows, merged from the events of any
 * number of scans (the browser runs a full scan and, later, scans of
 * chosen folders; the CLI runs one). No curses, no threads: the consumer
 * owns it.
 *
 * Envs are keyed by path. Each one lives in a slot (a small number, stable
 * while the model lives): a FOUND for a path the model knows replaces the
 * env in that slot, so a rescan updates the row instead of adding one.
 *
 * A scan numbers its envs itself; the events of one scan are merged through
 * a `struct scan_feed`, which remembers which slot each of the scan's ids
 * went to. Call order:
 *   scan_model_init(&m, stale_days, now);
 *   per scan: struct scan_feed f = {0};
 *             for each event: scan_model_merge(&m, &f, ev); scan_event_free(ev);
 *             scan_feed_free(&f);
 *   scan_model_free(&m);
 */
#ifndef VS_SCAN_MODEL_H
#define VS_SCAN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "scan.h"

struct strmap;

#define SCAN_NO_SLOT ((size_t)-1)

struct scan_model {
	struct venv **by_id; /* slot -> env (owned; v->id is its slot), NULL where none */
	size_t n_ids, cap_ids;
	struct strmap *slot_of; /* path -> slot + 1 (kept when the env goes) */
	int stale_days;         /* decides `stale` when packages arrive */
	time_t now;             /* 0: time(NULL) at each merge */
};

/* One scan's ids -> the model's slots. A zeroed struct is an empty feed. */
struct scan_feed {
	size_t *slot; /* by the scan's env id; SCAN_NO_SLOT where unknown */
	size_t n, cap;
};

void scan_model_init(struct scan_model *m, int stale_days, time_t now);
/* Frees every env and the model's arrays; the model is empty after. */
void scan_model_free(struct scan_model *m);
/* Drops every env and forgets their slots (a full rescan starts). */
void scan_model_clear(struct scan_model *m);

/* Merges one event of the scan `f` reads: FOUND takes the venv (ev->venv
 * is NULL after) into the slot of its path, or a new slot; PACKAGES, SIZED
 * and GIT move their payload into the env their id went to. Returns the
 * slot touched, or SCAN_NO_SLOT (other events, or an env since dropped). */
size_t scan_model_merge(struct scan_model *m, struct scan_feed *f, struct scan_event *ev);

/* The slot of the env at `path`, or SCAN_NO_SLOT when none is there now. */
size_t scan_model_find(const struct scan_model *m, const char *path);
/* Frees the env in `slot` (it is no longer an environment). */
void scan_model_remove(struct scan_model *m, size_t slot);

/* True when a FOUND of the feed's scan went to `slot`. */
bool scan_feed_saw(const struct scan_feed *f, size_t slot);
void scan_feed_free(struct scan_feed *f);

#endif
