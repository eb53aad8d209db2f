/* The browser's scans: the full scan of the roots, and side scans of chosen
 * environment folders (a rescan, envs an action made or changed), merged
 * into the model as their events arrive. Both are background tasks
 * (task.h); their state is private to this file. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scan/places.h"
#include "../util/trace.h"
#include "../util/vec.h"
#include "../util/xalloc.h"
#include "app.h"
#include "task.h"

#define EVENT_BUDGET_NS 15000000LL /* events handled per turn before keys get a look */

struct ui_scans {
	struct scan *scan;     /* the full scan, NULL when done */
	struct scan_feed feed; /* its ids -> model ids */
	struct scan_progress progress;
	bool scanning; /* the full scan has not said DONE */

	struct scan *side;          /* a scan of chosen envs (rescan, new envs), or NULL */
	struct scan_feed side_feed; /* its ids -> model ids */
	struct vs_vec side_paths;   /* what `side` was asked to look at (owned) */
	struct vs_vec queue;        /* paths waiting for the next side scan (owned) */
	char *announce;             /* r: the name to say "rescanned" about when done */
	struct vs_vec retired;      /* struct scan *: replaced by a rescan, not yet stopped */
};

/* The owner of "rescanning everything ..." (ui_message_as): it goes when
 * that scan ends. */
static const char rescan_all = 'R';

static void free_scan(void *s)
{
	scan_free(s);
}

static struct ui_scans *scans(struct ui *ui)
{
	if (!ui->scans) {
		ui->scans = xcalloc(1, sizeof(*ui->scans));
		vs_vec_init_strs(&ui->scans->side_paths);
		vs_vec_init_strs(&ui->scans->queue);
		vs_vec_init(&ui->scans->retired, free_scan);
	}
	return ui->scans;
}

/* A scan with the request's settings over `roots` to `depth`. */
static struct scan *start_scan(struct ui *ui, const char *const *roots, size_t n_roots, int depth,
			       struct vs_err *err)
{
	struct scan_request req = *ui->opts.req;

	req.roots = roots;
	req.n_roots = n_roots;
	req.max_depth = depth;
	req.home = ui->home;
	return scan_start(&req, err);
}

int ui_scan_start_full(struct ui *ui, struct vs_err *err)
{
	struct ui_scans *S = scans(ui);
	const struct scan_request *r = ui->opts.req;

	S->scan = start_scan(ui, r->roots, r->n_roots, r->max_depth, err);
	S->scanning = S->scan != NULL;
	memset(&S->progress, 0, sizeof(S->progress));
	return S->scan ? 0 : err->code;
}

bool ui_scan_progress(const struct ui *ui, struct scan_progress *out)
{
	const struct ui_scans *S = ui->scans;

	memset(out, 0, sizeof(*out));
	if (!S)
		return false;
	*out = S->progress;
	/* Live counters, not the last (rate-limited) progress event. */
	if (S->scanning && S->scan)
		scan_progress_now(S->scan, out);
	return S->scanning;
}

static void drop_side(struct ui_scans *S)
{
	scan_free(S->side);
	S->side = NULL;
	scan_feed_free(&S->side_feed);
	vs_vec_clear(&S->side_paths);
}

static void drop_full(struct ui_scans *S)
{
	scan_free(S->scan);
	S->scan = NULL;
	scan_feed_free(&S->feed);
}

/* CLOCK_REALTIME `ms` from now, as scan_stop takes it. */
static struct timespec deadline_in(int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* A scan a rescan replaces: freed now when its workers stop at once, else
 * kept (cancelled) until they do, so a worker stuck in a system call
 * never freezes the browser. */
static void retire(struct ui_scans *S, struct scan *old)
{
	struct timespec now = deadline_in(0);

	if (!old)
		return;
	if (scan_stop(old, &now))
		scan_free(old);
	else
		vs_vec_push(&S->retired, old);
}

/* Frees the retired scans whose workers have stopped since. */
static void reap_retired(struct ui_scans *S)
{
	struct timespec now = deadline_in(0);
	size_t kept = 0;

	for (size_t i = 0; i < S->retired.n; i++) {
		struct scan *old = S->retired.v[i];

		if (scan_stop(old, &now))
			scan_free(old);
		else
			S->retired.v[kept++] = old;
	}
	S->retired.n = kept;
}

bool ui_scans_stop(struct ui *ui, int timeout_ms)
{
	struct ui_scans *S = ui->scans;
	struct timespec deadline;
	bool all;

	if (!S)
		return true;
	deadline = deadline_in(timeout_ms);
	all = scan_stop(S->scan, &deadline);
	all = scan_stop(S->side, &deadline) && all;
	for (size_t i = 0; i < S->retired.n; i++)
		all = scan_stop(S->retired.v[i], &deadline) && all;
	return all;
}

static void scans_free(struct ui *ui)
{
	struct ui_scans *S = ui->scans;

	if (!S)
		return;
	drop_full(S);
	drop_side(S);
	vs_vec_clear(&S->queue);
	vs_vec_clear(&S->retired);
	free(S->announce);
	free(S);
	ui->scans = NULL;
}

void ui_scan_restart_all(struct ui *ui)
{
	struct ui_scans *S = scans(ui);
	struct vs_err err = {0};

	/* The running scans are retired, not joined: one may be stuck. */
	retire(S, S->scan);
	S->scan = NULL;
	scan_feed_free(&S->feed);
	retire(S, S->side);
	S->side = NULL;
	scan_feed_free(&S->side_feed);
	vs_vec_clear(&S->side_paths);
	vs_vec_clear(&S->queue);
	free(S->announce);
	S->announce = NULL;
	ui_model_clear(&ui->model);
	if (ui_scan_start_full(ui, &err) < 0)
		ui_message(ui, true, "cannot rescan: %s", err.msg);
	else
		ui_message_as(ui, &rescan_all, false, "rescanning everything ...");
}

/* The rows of asked-for paths that are not envs any more go. */
static void drop_gone(struct ui *ui, struct ui_scans *S)
{
	for (size_t i = 0; i < S->side_paths.n; i++) {
		const char *path = S->side_paths.v[i];
		size_t id = scan_model_find(&ui->model.envs, path);

		if (id != SCAN_NO_SLOT && !scan_feed_saw(&S->side_feed, id)) {
			ui_message(ui, true, "%s is no longer an environment", path);
			ui_model_remove(&ui->model, id);
		}
	}
}

/* Starts the next side scan from the queue, when none runs. Paths that are
 * gone are scanned too: their DONE says so, and their rows go. */
static void next_side(struct ui *ui)
{
	struct ui_scans *S = scans(ui);
	struct vs_err err = {0};
	struct vs_vec live = {0};

	if (S->side || S->queue.n == 0)
		return;
	/* The queue becomes what this scan looks at (side_paths is empty). */
	live = S->side_paths;
	S->side_paths = S->queue;
	S->queue = live;
	vs_vec_init(&live, NULL);
	/* scan_start refuses a missing root: only existing folders are scanned. */
	for (size_t i = 0; i < S->side_paths.n; i++)
		if (access(S->side_paths.v[i], F_OK) == 0)
			vs_vec_push(&live, S->side_paths.v[i]);
	if (live.n)
		S->side = start_scan(ui, (const char *const *)live.v, live.n, 0, &err);
	vs_vec_clear(&live);
	if (!S->side) {
		/* Nothing to look at: every path is gone. */
		drop_gone(ui, S);
		drop_side(S);
	}
}

void ui_scan_paths(struct ui *ui, char *const *paths, size_t n)
{
	struct ui_scans *S = scans(ui);

	for (size_t i = 0; i < n; i++)
		vs_vec_push_str(&S->queue, paths[i]);
	next_side(ui);
}

void ui_scan_rescan(struct ui *ui, const struct venv *v)
{
	struct ui_scans *S = scans(ui);
	char *paths[1];

	if (!v)
		return;
	/* Said first: the scan may drop the row (and free v) at once. */
	ui_message(ui, false, "rescanning %s ...", v->name);
	free(S->announce);
	S->announce = xstrdup(v->name);
	paths[0] = v->path;
	ui_scan_paths(ui, paths, 1);
}

static void side_event(struct ui *ui, struct ui_scans *S, struct scan_event *ev)
{
	switch (ev->type) {
	case SCAN_EV_WARNING:
		ui_message(ui, true, "%s", ev->message);
		break;
	case SCAN_EV_DONE:
		if (S->announce) {
			ui_message(ui, false, "rescanned %s", S->announce);
			free(S->announce);
			S->announce = NULL;
		}
		drop_gone(ui, S);
		break;
	default:
		/* A FOUND replaces the row with the same path. */
		ui_model_apply(&ui->model, &S->side_feed, ev);
	}
}

static void main_event(struct ui *ui, struct ui_scans *S, struct scan_event *ev)
{
	switch (ev->type) {
	case SCAN_EV_WARNING:
		ui_message(ui, false, "warning: %s", ev->message);
		break;
	case SCAN_EV_PROGRESS:
		S->progress = ev->progress;
		break;
	case SCAN_EV_DONE: {
		char why[256];

		S->progress = ev->progress;
		S->scanning = false;
		ui_message_end(ui, &rescan_all); /* the header says the new totals */
		/* The header says so too, for as long as these rows are shown. */
		if (scan_incomplete_text(why, sizeof(why), &ev->progress))
			ui_message(ui, true, "%s", why);
		vs_trace_mark("scan_done_ms");
		break;
	}
	default:
		ui_model_apply(&ui->model, &S->feed, ev);
	}
}

/* ---- the two tasks ---- */

static bool full_pump(struct ui *ui)
{
	struct ui_scans *S = ui->scans;
	int64_t deadline = vs_now_ns() + EVENT_BUDGET_NS;
	struct scan_event *ev;
	bool any = false;

	if (S && S->retired.n)
		reap_retired(S);
	while (S && S->scan && vs_now_ns() < deadline && (ev = scan_next(S->scan))) {
		bool done = ev->type == SCAN_EV_DONE;

		any = true;
		main_event(ui, S, ev);
		scan_event_free(ev);
		if (done)
			drop_full(S);
	}
	return any;
}

static bool side_pump(struct ui *ui)
{
	struct ui_scans *S = ui->scans;
	struct scan_event *ev;
	bool any = false;

	while (S && S->side && (ev = scan_next(S->side))) {
		bool done = ev->type == SCAN_EV_DONE;

		any = true;
		side_event(ui, S, ev);
		scan_event_free(ev);
		if (done) {
			drop_side(S);
			next_side(ui);
		}
	}
	return any;
}

static int full_fds(const struct ui *ui, struct pollfd *p)
{
	if (!ui->scans || !ui->scans->scan)
		return 0;
	p[0] = (struct pollfd){.fd = scan_fd(ui->scans->scan), .events = POLLIN};
	return 1;
}

static int side_fds(const struct ui *ui, struct pollfd *p)
{
	if (!ui->scans || !ui->scans->side)
		return 0;
	p[0] = (struct pollfd){.fd = scan_fd(ui->scans->side), .events = POLLIN};
	return 1;
}

static bool full_busy(const struct ui *ui)
{
	return ui->scans && ui->scans->scanning;
}
static bool side_busy(const struct ui *ui)
{
	return ui->scans && ui->scans->side;
}

const struct ui_task_ops ui_scan_task = {
	.name = "scan",
	.fds = full_fds,
	.pump = full_pump,
	.busy = full_busy,
	.free = scans_free,
};

/* Frees nothing itself: the full scan's free owns the shared state. */
const struct ui_task_ops ui_side_task = {
	.name = "side scans",
	.fds = side_fds,
	.pump = side_pump,
	.busy = side_busy,
};
