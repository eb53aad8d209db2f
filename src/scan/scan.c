/* The scan engine: a pool of worker threads pulling jobs (walk a folder;
 * read an env's packages and size it, or size a part of an env: detail.c),
 * one git thread. Their events go through the queue (queue.c) to the
 * single consumer. See scan.h for the contract. */
#include "scan.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/human.h"
#include "../util/readfile.h"
#include "../util/trace.h"
#include "../util/xalloc.h"
#include "git.h"
#include "places.h"
#include "scan_internal.h"

#define PROGRESS_INTERVAL_NS 100000000LL /* at most ten progress events a second */

/* ---- events ---------------------------------------------------------- */

void scan_emit(struct scan *s, struct scan_event *ev)
{
	scan_queue_push(&s->queue, ev);
}

void scan_warn(struct scan *s, const char *fmt, ...)
{
	struct scan_event *ev = xcalloc(1, sizeof(*ev));
	va_list ap;

	va_start(ap, fmt);
	ev->type = SCAN_EV_WARNING;
	ev->message = xvasprintf(fmt, ap);
	va_end(ap);
	atomic_fetch_add(&s->warnings, 1);
	scan_emit(s, ev);
}

static void fill_progress(const struct scan *s, struct scan_progress *p)
{
	p->entries = atomic_load(&s->entries);
	p->dirs = atomic_load(&s->dirs);
	p->envs = atomic_load(&s->envs);
	p->sized = atomic_load(&s->sized);
	p->bytes = atomic_load(&s->bytes);
	p->warnings = atomic_load(&s->warnings);
	p->fd_shortages = vs_fd_shortages() - s->fd_base;
	p->elapsed = (double)(vs_now_ns() - s->start_ns) / 1e9;
}

void scan_maybe_progress(struct scan *s)
{
	int64_t t = vs_now_ns();
	int_fast64_t last = atomic_load(&s->last_progress_ns);
	struct scan_event *ev;

	if (t - last < PROGRESS_INTERVAL_NS ||
	    !atomic_compare_exchange_strong(&s->last_progress_ns, &last, t))
		return;
	ev = xcalloc(1, sizeof(*ev));
	ev->type = SCAN_EV_PROGRESS;
	fill_progress(s, &ev->progress);
	scan_emit(s, ev);
}

/* ---- jobs ------------------------------------------------------------ */

bool scan_wants_work(struct scan *s)
{
	bool wants;

	/* A racy peek is fine here: it only decides who walks a subtree. */
	pthread_mutex_lock(&s->lock);
	wants = s->idle > 0 && s->active < s->max_active && s->n_walks < (size_t)s->max_active;
	pthread_mutex_unlock(&s->lock);
	return wants;
}

/* Puts a walk or size-part job on the stack. */
void scan_push_stacked(struct scan *s, struct job *j)
{
	pthread_mutex_lock(&s->lock);
	j->next = s->walks;
	s->walks = j;
	s->n_walks++;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

void scan_push_walk(struct scan *s, int fd, char *path, int depth, dev_t root_dev,
		    enum scan_parent parent)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->kind = JOB_WALK;
	j->u.walk.fd = fd;
	j->u.walk.path = path;
	j->u.walk.depth = depth;
	j->u.walk.root_dev = root_dev;
	j->u.walk.parent = parent;
	scan_push_stacked(s, j);
}

void scan_push_detail(struct scan *s, char *path, size_t id, dev_t dev, ino_t ino)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->kind = JOB_DETAIL;
	j->u.detail.path = path;
	j->u.detail.id = id;
	j->u.detail.dev = dev;
	j->u.detail.ino = ino;
	pthread_mutex_lock(&s->lock);
	if (s->details_tail)
		s->details_tail->next = j;
	else
		s->details = j;
	s->details_tail = j;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

bool scan_claim_env(struct scan *s, dev_t dev, ino_t ino)
{
	bool fresh = true;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n_seen && fresh; i++)
		if (s->seen[i].dev == dev && s->seen[i].ino == ino)
			fresh = false;
	if (fresh) {
		s->seen = xgrow(s->seen, &s->cap_seen, s->n_seen + 1, sizeof(*s->seen));
		s->seen[s->n_seen].dev = dev;
		s->seen[s->n_seen].ino = ino;
		s->n_seen++;
	}
	pthread_mutex_unlock(&s->lock);
	return fresh;
}

static void drop_job(struct job *j)
{
	switch (j->kind) {
	case JOB_WALK:
		close(j->u.walk.fd);
		free(j->u.walk.path);
		break;
	case JOB_SIZE_PART:
		scan_drop_part(&j->u.part);
		break;
	case JOB_DETAIL:
		free(j->u.detail.path);
		break;
	}
	free(j);
}

/* Takes the next job, or returns NULL when all work is done. */
static struct job *take_job(struct scan *s)
{
	struct job *j = NULL;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		/* Past max_active (pace.c) a worker waits even with work queued. */
		bool room = s->active < s->max_active;

		if (room && s->walks) {
			j = s->walks;
			s->walks = j->next;
			s->n_walks--;
		} else if (room && s->details) {
			j = s->details;
			s->details = j->next;
			if (!s->details)
				s->details_tail = NULL;
		}
		if (j) {
			s->active++;
			break;
		}
		if (s->active == 0 || s->finished) {
			s->finished = true;
			pthread_cond_broadcast(&s->cond);
			scan_pace_wake(s);
			break;
		}
		s->idle++;
		pthread_cond_wait(&s->cond, &s->lock);
		s->idle--;
	}
	pthread_mutex_unlock(&s->lock);
	return j;
}

static void finish_job(struct scan *s)
{
	pthread_mutex_lock(&s->lock);
	s->active--;
	if (s->active == 0 && !s->walks && !s->details)
		pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void *worker(void *arg)
{
	struct scan *s = arg;
	struct job *j;

	atomic_store(&s->tids[atomic_fetch_add(&s->n_tids, 1)], (int)gettid());
	while ((j = take_job(s)) != NULL) {
		if (atomic_load(&s->cancel))
			drop_job(j);
		else if (j->kind == JOB_WALK)
			scan_walk(s, &j->u.walk), free(j);
		else if (j->kind == JOB_SIZE_PART)
			scan_run_part(s, &j->u.part), free(j);
		else
			scan_run_detail(s, &j->u.detail), free(j);
		finish_job(s);
	}
	/* Exactly one worker ends the walk: DONE now, or (with git) the git
	 * thread sends it once its own queue is empty. */
	pthread_mutex_lock(&s->lock);
	if (!s->projects_matched && !atomic_load(&s->cancel))
		scan_match_projects(s);
	s->projects_matched = true;
	if (s->git_on) {
		s->git_closing = true;
		pthread_cond_broadcast(&s->git_cond);
	} else if (!s->done_queued) {
		struct scan_event *ev = xcalloc(1, sizeof(*ev));

		s->done_queued = true;
		ev->type = SCAN_EV_DONE;
		fill_progress(s, &ev->progress);
		scan_emit(s, ev);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

void scan_push_git(struct scan *s, char *path, size_t id)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->u.detail.path = path;
	j->u.detail.id = id;
	pthread_mutex_lock(&s->lock);
	if (s->git_tail)
		s->git_tail->next = j;
	else
		s->git_jobs = j;
	s->git_tail = j;
	pthread_cond_signal(&s->git_cond);
	pthread_mutex_unlock(&s->lock);
}

static struct job *take_git(struct scan *s)
{
	struct job *j;

	pthread_mutex_lock(&s->lock);
	while (!s->git_jobs && !s->git_closing)
		pthread_cond_wait(&s->git_cond, &s->lock);
	j = s->git_jobs;
	if (j) {
		s->git_jobs = j->next;
		if (!s->git_jobs)
			s->git_tail = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	return j;
}

static void *git_worker(void *arg)
{
	struct scan *s = arg;
	struct scan_git *g = scan_git_new();
	struct scan_event *ev;
	struct job *j;

	while ((j = take_git(s)) != NULL) {
		if (!atomic_load(&s->cancel)) {
			ev = xcalloc(1, sizeof(*ev));
			ev->type = SCAN_EV_GIT;
			ev->id = j->u.detail.id;
			ev->git = xcalloc(1, sizeof(*ev->git));
			scan_git_lookup(g, j->u.detail.path, ev->git);
			scan_emit(s, ev);
		}
		free(j->u.detail.path);
		free(j);
	}
	scan_git_free(g);
	ev = xcalloc(1, sizeof(*ev));
	ev->type = SCAN_EV_DONE;
	pthread_mutex_lock(&s->lock);
	s->done_queued = true;
	fill_progress(s, &ev->progress);
	scan_emit(s, ev);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- the public side -------------------------------------------------- */

/* Below this many descriptors one worker walks: workers each hold a chain
 * of open folders, and with a handful of fds they would starve each other
 * (a size walk puts aside what it cannot open and comes back to it). */
#define LEAN_FD_LIMIT 64

/* Workers in all, the extra ones waiting for the disk (pace.c) included:
 * only when the worker count is ours to choose (no --threads) and open
 * files are plenty (each worker holds a chain of open folders). */
#define IO_WORKERS 16
#define IO_FD_LIMIT 1024

static int io_workers(const struct scan_request *req, int cpu, rlim_t fd_limit)
{
	if (req->threads > 0 || (fd_limit != RLIM_INFINITY && fd_limit < IO_FD_LIMIT))
		return cpu;
	return IO_WORKERS > cpu ? IO_WORKERS : cpu;
}

bool scan_start_worker(struct scan *s)
{
	if (s->n_threads >= s->max_threads ||
	    pthread_create(&s->threads[s->n_threads], NULL, worker, s) != 0)
		return false;
	s->n_threads++;
	return true;
}

/* Returns the soft limit on open files now (RLIM_INFINITY: no limit). */
static rlim_t raise_fd_limit(void)
{
	struct rlimit rl;

	/* One fd per level of a deep walk, per worker: ask for what we may have. */
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return RLIM_INFINITY;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur;
}

static char **copy_strv(const char *const *v, size_t n)
{
	char **out = n ? xcalloc(n, sizeof(*out)) : NULL;

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void scan_destroy(struct scan *s)
{
	scan_free_strv(s->roots, s->n_roots);
	scan_free_strv(s->excludes, s->n_excludes);
	free(s->home);
	free(s->seen);
	scan_free_strv(s->projects, s->n_projects);
	free(s->hashed);
	free(s->threads);
	free(s->joined);
	free(s->tids);
	scan_queue_destroy(&s->queue);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->inuse_lock);
	scan_inuse_free(s->inuse);
	pthread_cond_destroy(&s->cond);
	pthread_cond_destroy(&s->git_cond);
	if (s->pace_inited)
		pthread_cond_destroy(&s->pace_cond);
	free(s);
}

struct scan *scan_start(const struct scan_request *req, struct vs_err *err)
{
	struct scan *s = xcalloc(1, sizeof(*s));
	int *fds = xcalloc(req->n_roots ? req->n_roots : 1, sizeof(*fds));
	dev_t *devs = xcalloc(req->n_roots ? req->n_roots : 1, sizeof(*devs));
	const char *home = req->home ? req->home : getenv("HOME");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	rlim_t fd_limit;

	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->inuse_lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	pthread_cond_init(&s->git_cond, NULL);
	scan_queue_init(&s->queue);
	s->n_roots = req->n_roots;
	s->roots = xcalloc(req->n_roots ? req->n_roots : 1, sizeof(*s->roots));
	s->excludes = copy_strv(req->excludes, req->n_excludes);
	s->n_excludes = req->n_excludes;
	s->max_depth = req->max_depth;
	s->one_file_system = req->one_file_system;
	s->no_size = req->no_size;
	s->git_on = !req->no_git;
	s->home = home && *home ? xstrdup(home) : NULL;
	scan_note_own_folders(s);
	s->start_ns = vs_now_ns();
	s->fd_base = vs_fd_shortages();
	atomic_store(&s->last_progress_ns, s->start_ns);

	if (req->n_roots == 0) {
		vs_err_set(err, VS_EUSAGE, "nothing to scan: no folder given");
		goto fail;
	}
	if (scan_open_roots(s, req, fds, devs, err) < 0)
		goto fail;
	if (scan_queue_open(&s->queue, err) < 0) {
		for (size_t i = 0; i < req->n_roots; i++)
			close(fds[i]);
		goto fail;
	}
	fd_limit = raise_fd_limit();
	scan_queue_roots(s, fds, devs);
	s->n_threads = req->threads > 0 ? req->threads : (int)(cores > 0 ? cores : 1);
	if (fd_limit != RLIM_INFINITY && fd_limit < LEAN_FD_LIMIT)
		s->n_threads = 1;
	if (s->n_threads > 64)
		s->n_threads = 64;
	s->cpu_workers = s->max_active = s->n_threads;
	s->max_threads = io_workers(req, s->n_threads, fd_limit);
	s->threads = xcalloc((size_t)s->max_threads, sizeof(*s->threads));
	s->joined = xcalloc((size_t)s->max_threads + 1, sizeof(*s->joined));
	s->tids = xcalloc((size_t)s->max_threads, sizeof(*s->tids));
	if (s->git_on && pthread_create(&s->git_thread, NULL, git_worker, s) != 0)
		vs_die("cannot start the git thread");
	for (int i = 0; i < s->n_threads; i++) {
		if (pthread_create(&s->threads[i], NULL, worker, s) != 0)
			vs_die("cannot start a scan thread");
	}
	scan_pace_start(s);
	free(fds);
	free(devs);
	return s;
fail:
	free(fds);
	free(devs);
	scan_destroy(s);
	return NULL;
}

int scan_fd(const struct scan *s)
{
	return s->queue.evfd;
}

struct scan_event *scan_next(struct scan *s)
{
	return scan_queue_pop(&s->queue, false);
}

struct scan_event *scan_wait(struct scan *s)
{
	return scan_queue_pop(&s->queue, true);
}

void scan_cancel(struct scan *s)
{
	atomic_store(&s->cancel, true);
	scan_pace_wake(s);
}

bool scan_incomplete_text(char *buf, size_t cap, const struct scan_progress *p)
{
	struct rlimit rl;

	if (p->fd_shortages == 0)
		return false;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		snprintf(buf, cap,
			 "the scan is incomplete: %llu %s could not be opened "
			 "(too many open files; the limit is %llu, see ulimit -n)",
			 (unsigned long long)p->fd_shortages,
			 human_noun(p->fd_shortages, "file or folder", "files or folders"),
			 (unsigned long long)rl.rlim_cur);
	else
		snprintf(buf, cap,
			 "the scan is incomplete: %llu %s could not be opened "
			 "(too many open files)",
			 (unsigned long long)p->fd_shortages,
			 human_noun(p->fd_shortages, "file or folder", "files or folders"));
	return true;
}

void scan_progress_now(const struct scan *s, struct scan_progress *out)
{
	fill_progress(s, out);
}

/* Joins thread `t` unless `joined` says it was; by `deadline`
 * (CLOCK_REALTIME) when given. True once it is joined. */
static bool join_thread(pthread_t t, bool *joined, const struct timespec *deadline)
{
	if (!*joined)
		*joined = deadline ? pthread_timedjoin_np(t, NULL, deadline) == 0
				   : pthread_join(t, NULL) == 0;
	return *joined;
}

bool scan_stop(struct scan *s, const struct timespec *deadline)
{
	bool all = true;

	if (!s)
		return true;
	scan_cancel(s);
	/* The pacer first: once it is gone, no worker starts. */
	if (s->pacer_on && !join_thread(s->pacer, &s->pacer_joined, deadline))
		return false;
	/* The git thread ends after the workers closed its queue. */
	for (int i = 0; i < s->n_threads; i++)
		all = join_thread(s->threads[i], &s->joined[i], deadline) && all;
	if (s->git_on)
		all = join_thread(s->git_thread, &s->joined[s->max_threads], deadline) && all;
	return all;
}

void scan_free(struct scan *s)
{
	if (!s)
		return;
	scan_stop(s, NULL);
	scan_destroy(s);
}
