/* d: delete the marked (or selected) environments, safely, off the UI
 * thread. Each one's recipe is recorded first; progress (files and bytes,
 * per env and in total) shows under the list, rows go as their env goes,
 * errors ask skip / skip all / abort, Esc stops. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../actions/open.h"
#include "../actions/remove.h"
#include "../scan/space_set.h"
#include "../util/human.h"
#include "../util/vec.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"
#include "delete_dialog.h"

enum { ST_WAIT, ST_RUN, ST_DONE, ST_FAIL, ST_SEEN };

struct ui_deleter {
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool trash;
	size_t n, cur;
	char **paths;
	char **names;
	size_t *ids;
	dev_t *devs;
	ino_t *inos;
	uint64_t *sizes;                   /* apparent, as the scan measured (the record says it) */
	uint64_t *disks;                   /* disk usage: the unit of the dialog and the progress */
	int *state;                        /* ST_* per env */
	char **msgs;                       /* per env: the record folder, or why it failed */
	uint64_t total, done;              /* disk bytes: all, and of the envs finished (progress) */
	struct scan_space_set space;       /* walked before the first removal: what they free */
	bool *gone;                        /* per env: removed (or trashed) whole */
	atomic_uint_fast64_t files, bytes; /* of the env being deleted (bytes: disk usage) */
	atomic_bool cancel;
	bool asking; /* the worker waits for `answer` */
	char ask_path[4096];
	int ask_errno;
	int answer;    /* enum act_delete_choice, -1 while unanswered */
	bool finished; /* the worker is done; join it */
	int wake[2];   /* worker -> UI */
	char *home;
	int stale_days;
};

static void poke(struct ui_deleter *d)
{
	char b = 1;

	if (write(d->wake[1], &b, 1) < 0) {
		/* Full pipe: the UI is already being woken. */
	}
}

static enum act_delete_choice ask(void *ctx, const char *path, int e)
{
	struct ui_deleter *d = ctx;
	int a;

	pthread_mutex_lock(&d->lock);
	snprintf(d->ask_path, sizeof(d->ask_path), "%s", path);
	d->ask_errno = e;
	d->answer = -1;
	d->asking = true;
	poke(d);
	while (d->answer < 0 && !atomic_load(&d->cancel))
		pthread_cond_wait(&d->cond, &d->lock);
	a = d->answer < 0 ? ACT_DEL_ABORT : d->answer;
	d->asking = false;
	pthread_mutex_unlock(&d->lock);
	return (enum act_delete_choice)a;
}

static void progress(void *ctx, const struct act_delete_progress *p)
{
	struct ui_deleter *d = ctx;

	atomic_store(&d->files, p->files);
	atomic_store(&d->bytes, p->disk);
	poke(d);
}

/* The env as it is now, checked to be the one the scan saw. */
static struct venv *fresh(struct ui_deleter *d, size_t i, struct vs_err *err)
{
	struct scan_request req = {.stale_days = d->stale_days, .home = d->home};
	struct act_open_opts o = {.what = ACT_OPEN_PACKAGES, .scan = &req};
	struct venv *v = NULL;
	struct stat st;

	/* A link put in its place is not followed. */
	if (lstat(d->paths[i], &st) != 0 || !S_ISDIR(st.st_mode) ||
	    act_open_env(&v, d->paths[i], &o, err) < 0) {
		vs_err_set(err, VS_EUSAGE, "%s: cannot open it any more", d->paths[i]);
		return NULL;
	}
	if (v->dev != d->devs[i] || v->ino != d->inos[i]) {
		vs_err_set(err, VS_EUSAGE, "%s: replaced since the scan; not deleted", d->paths[i]);
		venv_free(v);
		return NULL;
	}
	v->size_known = true;
	v->size.size_bytes = d->sizes[i];
	return v;
}

static void *worker(void *arg)
{
	struct ui_deleter *d = arg;
	struct act_delete_hooks hooks = {ask, progress, d, &d->cancel};

	/* What goes is measured first, as the CLI does: a file hard-linked from
	 * outside the marked envs frees nothing (issue 14). */
	scan_space_set_measure(&d->space, (const char *const *)d->paths, d->n);
	for (size_t i = 0; i < d->n && !atomic_load(&d->cancel); i++) {
		struct vs_err err = {0};
		struct act_remove_result res = {0};
		struct venv *v;
		int rc = -1;

		pthread_mutex_lock(&d->lock);
		d->cur = i;
		d->state[i] = ST_RUN;
		pthread_mutex_unlock(&d->lock);
		atomic_store(&d->files, 0);
		atomic_store(&d->bytes, 0);
		poke(d);
		v = fresh(d, i, &err);
		if (v)
			rc = act_remove(&res, v, d->trash, d->home, &hooks, &err);
		pthread_mutex_lock(&d->lock);
		d->state[i] = rc == 0 ? ST_DONE : ST_FAIL;
		d->msgs[i] = rc == 0 ? xstrdup(res.record ? res.record : "") : xstrdup(err.msg);
		d->gone[i] = rc == 0;
		if (rc == 0)
			d->done += d->disks[i];
		pthread_mutex_unlock(&d->lock);
		venv_free(v);
		act_remove_result_clear(&res);
		poke(d);
	}
	pthread_mutex_lock(&d->lock);
	d->finished = true;
	pthread_mutex_unlock(&d->lock);
	poke(d);
	return NULL;
}

/* The last word of a batch: what it freed and, when an env was tried and
 * not removed, which ones (one alone: its reason), so a failure is never
 * hidden by the envs after it. */
static void say_done(struct ui *ui, const struct ui_deleter *d)
{
	const char *stopped = atomic_load(&d->cancel) ? " (stopped)" : "";
	struct strbuf not = STRBUF_INIT;
	size_t failed = 0, last = 0;
	bool any = false;
	char size[64];

	for (size_t i = 0; i < d->n; i++) {
		any = any || d->gone[i];
		if (!d->gone[i] && d->msgs[i]) { /* tried, not removed (a stop tries none) */
			sb_adds(&not, failed++ ? ", " : "");
			sb_adds(&not, d->names[i]);
			last = i;
		}
	}
	/* The same figure as the CLI's: blocks whose every link went. */
	scan_space_set_text(size, sizeof(size), &d->space, d->gone);
	if (failed == 1 && d->n == 1)
		ui_message(ui, true, "%s%s", d->msgs[last], stopped);
	else if (failed)
		ui_message(ui, true, "not %s: %s; %s %s%s", d->trash ? "moved" : "deleted",
			   sb_str(&not ), any ? size : "nothing",
			   d->trash ? "moved to the trash" : "freed", stopped);
	else if (d->trash)
		ui_message(ui, false,
			   "moved to the trash: %s (frees nothing until the trash is emptied)%s",
			   any ? size : "nothing", stopped);
	else
		ui_message(ui, false, "deleted: %s freed%s", any ? size : "nothing", stopped);
	sb_free(&not );
}

static void deleter_free(struct ui_deleter *d)
{
	vs_strv_free(d->paths, d->n);
	vs_strv_free(d->names, d->n);
	vs_strv_free(d->msgs, d->n);
	free(d->ids);
	free(d->devs);
	free(d->inos);
	free(d->sizes);
	free(d->disks);
	free(d->state);
	free(d->gone);
	scan_space_set_free(&d->space);
	free(d->home);
	close(d->wake[0]);
	close(d->wake[1]);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	free(d);
}

static struct ui_deleter *deleter_new(struct ui *ui, bool trash)
{
	struct ui_deleter *d = xcalloc(1, sizeof(*d));
	size_t cap = ui->model.n_ids + 1;

	d->trash = trash;
	d->paths = xcalloc(cap, sizeof(*d->paths));
	d->names = xcalloc(cap, sizeof(*d->names));
	d->msgs = xcalloc(cap, sizeof(*d->msgs));
	d->ids = xcalloc(cap, sizeof(*d->ids));
	d->devs = xcalloc(cap, sizeof(*d->devs));
	d->inos = xcalloc(cap, sizeof(*d->inos));
	d->sizes = xcalloc(cap, sizeof(*d->sizes));
	d->disks = xcalloc(cap, sizeof(*d->disks));
	d->state = xcalloc(cap, sizeof(*d->state));
	d->gone = xcalloc(cap, sizeof(*d->gone));
	d->home = ui->home ? xstrdup(ui->home) : NULL;
	d->stale_days = ui->opts.req->stale_days;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	if (pipe2(d->wake, O_NONBLOCK | O_CLOEXEC) != 0)
		vs_die("cannot make a pipe");
	return d;
}

static void add_target(struct ui_deleter *d, const struct venv *v)
{
	size_t i = d->n++;

	d->paths[i] = xstrdup(v->path);
	d->names[i] = ui_display_name(v);
	d->ids[i] = v->id;
	d->devs[i] = v->dev;
	d->inos[i] = v->ino;
	d->sizes[i] = v->size_known ? v->size.size_bytes : 0;
	d->disks[i] = v->size_known ? v->size.disk_bytes : 0;
	d->total += d->disks[i];
}

static int start(struct ui *ui, bool trash)
{
	struct ui_deleter *d = deleter_new(ui, trash);
	struct venv **t;
	size_t n = ui_targets(ui, &t);

	for (size_t i = 0; i < n; i++)
		add_target(d, t[i]);
	free(t);
	if (d->n == 0 || pthread_create(&d->th, NULL, worker, d) != 0) {
		deleter_free(d);
		return UI_REACT_REDRAW;
	}
	ui->deleter = d;
	return UI_REACT_REDRAW;
}

static int choose_delete(struct ui *ui, void *data)
{
	return (void)data, start(ui, false);
}
static int choose_trash(struct ui *ui, void *data)
{
	return (void)data, start(ui, true);
}

int ui_act_delete(struct ui *ui)
{
	static const struct ui_choice choices[] = {{'y', "y delete", choose_delete},
						   {'t', "t move to the trash", choose_trash}};
	struct venv **t;
	size_t n = ui_targets(ui, &t);

	if (ui->deleter || n == 0) {
		if (ui->deleter)
			ui_message(ui, true, "a delete is already running");
		free(t);
		return UI_REACT_REDRAW;
	}
	ui_delete_dialog_fill(ui, ui_dialog_open(ui, "", choices, 2, NULL, NULL), t, n);
	free(t);
	return UI_REACT_REDRAW;
}

static bool ui_deleting(const struct ui *ui)
{
	return ui->deleter != NULL;
}

static int ui_delete_fds(const struct ui *ui, struct pollfd *p)
{
	if (!ui->deleter)
		return 0;
	p[0] = (struct pollfd){.fd = ui->deleter->wake[0], .events = POLLIN};
	return 1;
}

static int answer(struct ui *ui, int a)
{
	struct ui_deleter *d = ui->deleter;

	if (!d)
		return UI_REACT_REDRAW;
	pthread_mutex_lock(&d->lock);
	d->answer = a;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return UI_REACT_REDRAW;
}

static int ans_skip(struct ui *ui, void *data)
{
	return (void)data, answer(ui, ACT_DEL_SKIP);
}
static int ans_skip_all(struct ui *ui, void *data)
{
	return (void)data, answer(ui, ACT_DEL_SKIP_ALL);
}
static int ans_abort(struct ui *ui, void *data)
{
	return (void)data, answer(ui, ACT_DEL_ABORT);
}

static void ask_user(struct ui *ui, struct ui_deleter *d)
{
	static const struct ui_choice choices[] = {{'s', "s skip", ans_skip},
						   {'a', "a skip all", ans_skip_all},
						   {'b', "b abort", ans_abort},
						   {27, "", ans_abort}};
	char said[sizeof(ui->message)];
	bool error = ui->message_error;
	struct ui_dialog *dlg;

	/* A question of the running delete: what it said of the envs before
	 * stays (the same action goes on), the dialog shows over it. */
	memcpy(said, ui->message, sizeof(said));
	dlg = ui_dialog_open(ui, "Cannot remove a file", choices, 3, NULL, NULL);
	memcpy(ui->message, said, sizeof(said));
	ui->message_error = error;

	dlg->error = true;
	ui_dialog_line(dlg, "%s", d->ask_path);
	ui_dialog_line(dlg, "%s", strerror(d->ask_errno));
}

static bool is_target(const struct ui_deleter *d, size_t id)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->ids[i] == id)
			return true;
	return false;
}

/* The env `id` is gone: the envs that shared its files now own more of
 * their blocks (a cp -al twin becomes whole), so they are looked at again;
 * not the ones this delete is still to remove (or has failed on: those
 * are rescanned anyway). */
static void rescan_linked(struct ui *ui, const struct ui_deleter *d, size_t id)
{
	const struct venv **with;
	struct venv *v = id < ui->model.n_ids ? ui->model.by_id[id] : NULL;
	size_t n = v ? ui_model_linked_envs(&ui->model, v, &with) : 0, k = 0;
	char **paths;

	if (!v)
		return;
	paths = xcalloc(n + 1, sizeof(*paths));
	for (size_t i = 0; i < n; i++)
		if (!is_target(d, with[i]->id))
			paths[k++] = with[i]->path;
	if (k)
		ui_scan_paths(ui, paths, k);
	free(paths);
	free(with);
}

static bool ui_delete_pump(struct ui *ui)
{
	struct ui_deleter *d = ui->deleter;
	char buf[64];
	bool finished;

	if (!d)
		return false;
	while (read(d->wake[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < d->n; i++) {
		if (d->state[i] == ST_DONE) {
			rescan_linked(ui, d, d->ids[i]);
			ui_model_remove(&ui->model, d->ids[i]);
			ui_message(ui, false, "%s %s; its recipe: %s",
				   d->trash ? "trashed" : "deleted", d->names[i], d->msgs[i]);
			d->state[i] = ST_SEEN;
		} else if (d->state[i] == ST_FAIL) {
			ui_message(ui, true, "%s", d->msgs[i]);
			ui_scan_paths(ui, &d->paths[i], 1); /* the row shows what is left */
			d->state[i] = ST_SEEN;
		}
	}
	if (d->asking && d->answer < 0 && !ui->dialog)
		ask_user(ui, d);
	finished = d->finished;
	pthread_mutex_unlock(&d->lock);
	if (finished) {
		pthread_join(d->th, NULL);
		say_done(ui, d);
		deleter_free(d);
		ui->deleter = NULL;
	}
	return true;
}

static int stop_choice(struct ui *ui, void *data)
{
	struct ui_deleter *d = ui->deleter;

	(void)data;
	if (d) {
		atomic_store(&d->cancel, true);
		pthread_mutex_lock(&d->lock);
		pthread_cond_broadcast(&d->cond);
		pthread_mutex_unlock(&d->lock);
		ui_message(ui, false, "stopping the delete ...");
	}
	return UI_REACT_REDRAW;
}

static int ui_delete_escape(struct ui *ui)
{
	static const struct ui_choice choices[] = {{'y', "y stop", stop_choice}};
	struct ui_dialog *dlg;

	if (!ui->deleter)
		return UI_REACT_NONE;
	dlg = ui_dialog_open(ui, "Stop deleting?", choices, 1, NULL, NULL);
	dlg->lasts_while = ui_deleting;
	ui_dialog_line(dlg, "The environment being deleted stops where it is (its row shows what is");
	ui_dialog_line(dlg, "left); the ones after it are kept.");
	return UI_REACT_REDRAW;
}

static int ui_delete_rows(const struct ui *ui)
{
	return ui->deleter && LINES >= 12 ? 3 : 0;
}

static void ui_delete_draw(const struct ui *ui, int top, int rows)
{
	struct ui_deleter *d = ui->deleter;
	char line[1400], b1[128], b2[128], s1[32], s2[32], s3[32];
	uint64_t bytes = atomic_load(&d->bytes), files = atomic_load(&d->files);
	size_t cur;
	uint64_t size_cur, freed;

	(void)rows; /* always 3 */
	pthread_mutex_lock(&d->lock);
	cur = d->cur;
	freed = d->done;
	pthread_mutex_unlock(&d->lock);
	size_cur = d->disks[cur];
	/* A file linked twice inside the env is counted at each link: kept
	 * within what du said. */
	bytes = bytes > size_cur ? size_cur : bytes;
	human_bar(b1, sizeof(b1), bytes, size_cur, 30);
	human_bar(b2, sizeof(b2), freed + bytes, d->total, 30);
	human_size(s1, sizeof(s1), bytes);
	human_size(s2, sizeof(s2), size_cur);
	snprintf(line, sizeof(line), " %s %zu of %zu: %s  %s  %llu %s, %s of %s on disk",
		 d->trash ? "Trashing" : "Deleting", cur + 1, d->n, d->names[cur], b1,
		 (unsigned long long)files, human_noun(files, "file", "files"), s1, s2);
	ui_put(top, 0, COLS, line, ui_role_attr(UI_ROLE_TITLE) | A_REVERSE, 0);
	human_size(s1, sizeof(s1), freed + bytes);
	human_size(s3, sizeof(s3), d->total);
	snprintf(line, sizeof(line), " In all                 %s  %s of %s on disk", b2, s1, s3);
	ui_put(top + 1, 0, COLS, line, ui_role_attr(UI_ROLE_PROGRESS), 0);
	ui_put(top + 2, 0, COLS, " Esc stops; the list stays usable", ui_role_attr(UI_ROLE_DIM), 0);
}

static void ui_delete_free(struct ui *ui)
{
	struct ui_deleter *d = ui->deleter;

	if (!d)
		return;
	/* Quitting: the env being deleted stops where it is. */
	atomic_store(&d->cancel, true);
	pthread_mutex_lock(&d->lock);
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->th, NULL);
	deleter_free(d);
	ui->deleter = NULL;
}

const struct ui_task_ops ui_delete_task = {
	.name = "delete",
	.fds = ui_delete_fds,
	.pump = ui_delete_pump,
	.busy = ui_deleting,
	.rows = ui_delete_rows,
	.draw = ui_delete_draw,
	.escape = ui_delete_escape,
	.free = ui_delete_free,
	.ask_before_quit = true,
};
