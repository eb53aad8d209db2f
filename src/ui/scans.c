/* The browser's scans: the full scan of the roots, and side scans of chosen
 * environment folders (a rescan, envs an action made or changed), merged
 * into the model as their events arrive. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scan/places.h"
#include "../util/trace.h"
#include "../util/xalloc.h"
#include "app.h"

#define EVENT_BUDGET_NS 15000000LL /* events handled per turn before keys get a look */

static struct scan *start_scan(struct ui *ui, char *const *roots, size_t n_roots, int depth,
			       struct vs_err *err)
{
	struct scan_request req = {0};

	req.roots = (const char *const *)roots;
	req.n_roots = n_roots;
	req.excludes = (const char *const *)ui->opts.excludes;
	req.n_excludes = ui->opts.n_excludes;
	req.max_depth = depth;
	req.one_file_system = ui->opts.one_file_system;
	req.no_size = ui->opts.no_size;
	req.no_git = ui->opts.no_git;
	req.stale_days = ui->opts.stale_days;
	req.threads = ui->opts.threads;
	req.home = ui->home;
	return scan_start(&req, err);
}

int ui_scan_start_full(struct ui *ui, struct vs_err *err)
{
	char **defaults = NULL;
	size_t n_defaults = 0;

	if (ui->opts.n_roots == 0)
		n_defaults = scan_default_roots(&defaults, ui->home);
	ui->scan = start_scan(ui, ui->opts.n_roots ? ui->opts.roots : defaults,
			      ui->opts.n_roots ? ui->opts.n_roots : n_defaults, ui->opts.depth, err);
	scan_free_strv(defaults, n_defaults);
	ui->scanning = ui->scan != NULL;
	memset(&ui->progress, 0, sizeof(ui->progress));
	return ui->scan ? 0 : err->code;
}

static void drop_side(struct ui *ui)
{
	scan_free(ui->side);
	ui->side = NULL;
	scan_free_strv(ui->side_paths, ui->n_side_paths);
	ui->side_paths = NULL;
	ui->n_side_paths = 0;
	free(ui->side_map);
	ui->side_map = NULL;
	ui->n_side_map = 0;
}

void ui_scan_free(struct ui *ui)
{
	scan_free(ui->scan);
	ui->scan = NULL;
	drop_side(ui);
	scan_free_strv(ui->side_queue, ui->n_side_queue);
	ui->side_queue = NULL;
	ui->n_side_queue = 0;
	free(ui->side_announce);
	ui->side_announce = NULL;
}

void ui_scan_restart_all(struct ui *ui)
{
	struct vs_err err = {0};

	ui_scan_free(ui);
	ui_model_clear(&ui->model);
	if (ui_scan_start_full(ui, &err) < 0)
		ui_message(ui, true, "cannot rescan: %s", err.msg);
	else
		ui_message(ui, false, "rescanning everything ...");
	ui_switch(ui, &ui_list_view);
}

/* Starts the next side scan from the queue, when none runs. Paths that are
 * gone are scanned too: their DONE says so, and their rows go. */
static void next_side(struct ui *ui)
{
	struct vs_err err = {0};
	char **live;
	size_t n = 0;

	if (ui->side || ui->n_side_queue == 0)
		return;
	ui->side_paths = ui->side_queue;
	ui->n_side_paths = ui->n_side_queue;
	ui->side_queue = NULL;
	ui->n_side_queue = 0;
	/* scan_start refuses a missing root: only existing folders are scanned. */
	live = xcalloc(ui->n_side_paths + 1, sizeof(*live));
	for (size_t i = 0; i < ui->n_side_paths; i++)
		if (access(ui->side_paths[i], F_OK) == 0)
			live[n++] = ui->side_paths[i];
	if (n)
		ui->side = start_scan(ui, live, n, 0, &err);
	free(live);
	if (!ui->side) {
		/* Nothing to look at: every path is gone. */
		for (size_t i = 0; i < ui->n_side_paths; i++)
			for (size_t id = 0; id < ui->model.n_ids; id++)
				if (ui->model.by_id[id] &&
				    strcmp(ui->model.by_id[id]->path, ui->side_paths[i]) == 0) {
					ui_message(ui, true, "%s is no longer an environment",
						   ui->side_paths[i]);
					ui_model_remove(&ui->model, id);
				}
		drop_side(ui);
		next_side(ui);
	}
}

void ui_scan_paths(struct ui *ui, char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ui->side_queue = xrealloc(ui->side_queue, (ui->n_side_queue + 1) * sizeof(char *));
		ui->side_queue[ui->n_side_queue++] = xstrdup(paths[i]);
	}
	next_side(ui);
}

void ui_rescan_selected(struct ui *ui)
{
	struct venv *v = ui->view == &ui_detail_view && ui->detail_id < ui->model.n_ids
				 ? ui->model.by_id[ui->detail_id]
				 : ui_model_selected(&ui->model);
	char *paths[1];

	if (!v)
		return;
	/* Said first: the scan may drop the row (and free v) at once. */
	ui_message(ui, false, "rescanning %s ...", v->name);
	free(ui->side_announce);
	ui->side_announce = xstrdup(v->name);
	paths[0] = v->path;
	ui_scan_paths(ui, paths, 1);
}

static size_t model_id_of_path(const struct ui *ui, const char *path)
{
	for (size_t id = 0; id < ui->model.n_ids; id++)
		if (ui->model.by_id[id] && strcmp(ui->model.by_id[id]->path, path) == 0)
			return id;
	return (size_t)-1;
}

static void side_found(struct ui *ui, struct scan_event *ev)
{
	size_t id = model_id_of_path(ui, ev->venv->path);

	if (id == (size_t)-1)
		id = ui->model.n_ids; /* a new env: a new row */
	if (ev->id >= ui->n_side_map) {
		ui->side_map = xrealloc(ui->side_map, (ev->id + 1) * sizeof(*ui->side_map));
		for (size_t k = ui->n_side_map; k <= ev->id; k++)
			ui->side_map[k] = (size_t)-1;
		ui->n_side_map = ev->id + 1;
	}
	ui->side_map[ev->id] = id;
	ui_model_replace(&ui->model, id, ev->venv);
	ev->venv = NULL;
}

/* Rows for asked-for paths that the side scan did not find go away. */
static void side_done(struct ui *ui)
{
	if (ui->side_announce) {
		ui_message(ui, false, "rescanned %s", ui->side_announce);
		free(ui->side_announce);
		ui->side_announce = NULL;
	}
	for (size_t i = 0; i < ui->n_side_paths; i++) {
		size_t id = model_id_of_path(ui, ui->side_paths[i]);
		bool seen = false;

		for (size_t k = 0; k < ui->n_side_map && !seen; k++)
			seen = ui->side_map[k] == id;
		if (id != (size_t)-1 && !seen) {
			ui_message(ui, true, "%s is no longer an environment", ui->side_paths[i]);
			ui_model_remove(&ui->model, id);
		}
	}
}

static void side_event(struct ui *ui, struct scan_event *ev)
{
	switch (ev->type) {
	case SCAN_EV_FOUND:
		side_found(ui, ev);
		break;
	case SCAN_EV_PACKAGES:
	case SCAN_EV_SIZED:
	case SCAN_EV_GIT:
		if (ev->id < ui->n_side_map && ui->side_map[ev->id] != (size_t)-1) {
			ev->id = ui->side_map[ev->id];
			ui_model_apply(&ui->model, ev);
		}
		break;
	case SCAN_EV_WARNING:
		ui_message(ui, true, "%s", ev->message);
		break;
	case SCAN_EV_DONE:
		side_done(ui);
		break;
	default:
		break;
	}
}

static void main_event(struct ui *ui, struct scan_event *ev)
{
	switch (ev->type) {
	case SCAN_EV_WARNING:
		ui_message(ui, false, "warning: %s", ev->message);
		break;
	case SCAN_EV_PROGRESS:
		ui->progress = ev->progress;
		break;
	case SCAN_EV_DONE:
		ui->progress = ev->progress;
		ui->scanning = false;
		vs_trace_mark("scan_done_ms");
		break;
	default:
		ui_model_apply(&ui->model, ev);
	}
}

bool ui_scan_drain(struct ui *ui)
{
	int64_t deadline = vs_now_ns() + EVENT_BUDGET_NS;
	struct scan_event *ev;
	bool any = false;

	while (ui->scan && vs_now_ns() < deadline && (ev = scan_next(ui->scan))) {
		bool done = ev->type == SCAN_EV_DONE;

		any = true;
		main_event(ui, ev);
		scan_event_free(ev);
		if (done) {
			scan_free(ui->scan);
			ui->scan = NULL;
		}
	}
	while (ui->side && (ev = scan_next(ui->side))) {
		bool done = ev->type == SCAN_EV_DONE;

		any = true;
		side_event(ui, ev);
		scan_event_free(ev);
		if (done) {
			drop_side(ui);
			next_side(ui);
		}
	}
	return any;
}

int ui_scan_fds(const struct ui *ui, struct pollfd *p)
{
	int n = 0;

	if (ui->scan)
		p[n++] = (struct pollfd){.fd = scan_fd(ui->scan), .events = POLLIN};
	if (ui->side)
		p[n++] = (struct pollfd){.fd = scan_fd(ui->side), .events = POLLIN};
	return n;
}
