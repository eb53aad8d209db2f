/* The pacer: how many workers may run a job at once. Warm, a walk is
 * CPU-bound and one worker per core is best. Cold, the workers spend most
 * of their time asleep in statx/getdents64 waiting for the disk, one
 * request each, while the disk could serve many: then more workers may run
 * (started as needed, up to max_threads), and back to one per core once
 * they no longer wait.
 *
 * The measure: every few milliseconds, how many workers are asleep waiting
 * for the disk (state D in /proc/self/task/TID/stat), over a window taken
 * while every allowed worker holds a job (otherwise few busy workers mean
 * little work, not a slow disk). A machine busy with other programs keeps
 * the workers runnable (R), not in D: more threads would not help there and
 * none are added. Without /proc nothing changes: one worker per core. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/readfile.h"
#include "scan_internal.h"

/* How often the pacer looks, and how many looks make a decision. A cold
 * scan of a home folder takes seconds; a warm one that ends inside the
 * first window never sees the pacer act. */
#define PACE_NS 10000000LL
#define PACE_LOOKS 3
/* Workers waiting for the disk, on average over a window: from PACE_RAISE
 * on (with a CPU left idle) two workers per core more may run; under
 * PACE_LOWER, step back towards one per core. */
#define PACE_RAISE 1.0
#define PACE_LOWER 0.5

/* Adds how many workers are in state D (waiting for the disk) and R (on a
 * CPU or waiting for one) now; false when /proc cannot say. */
static bool count_states(struct scan *s, int *in_io, int *runnable)
{
	int n = atomic_load(&s->n_tids);

	for (int i = 0; i < n; i++) {
		char path[64], *buf = NULL, *paren;
		size_t len;

		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", atomic_load(&s->tids[i]));
		if (vs_read_at(AT_FDCWD, path, 0, 4096, &buf, &len, NULL) != 0)
			return false;
		/* "tid (comm) S ...": comm may hold anything, ')' included. */
		paren = strrchr(buf, ')');
		if (paren && paren[1] == ' ') {
			*in_io += paren[2] == 'D';
			*runnable += paren[2] == 'R';
		}
		free(buf);
	}
	return true;
}

/* One decision from the average count of workers waiting for the disk
 * (`in_io`) and of runnable ones: while every allowed worker held a job
 * (`saturated`), a CPU left idle because workers wait for the disk lets
 * more run; once hardly any waits, back towards one per core. Caller
 * holds `lock`. */
static void adjust(struct scan *s, double in_io, double runnable, bool saturated)
{
	int was = s->max_active;

	if (saturated && in_io >= PACE_RAISE && runnable < s->cpu_workers &&
	    s->max_active < s->max_threads) {
		s->max_active += s->cpu_workers * 2;
		if (s->max_active > s->max_threads)
			s->max_active = s->max_threads;
		while (s->n_threads < s->max_active && scan_start_worker(s)) {
		}
		if (s->max_active > s->n_threads)
			s->max_active = s->n_threads;
	} else if (in_io < PACE_LOWER && s->max_active > s->cpu_workers) {
		s->max_active -= s->cpu_workers;
		if (s->max_active < s->cpu_workers)
			s->max_active = s->cpu_workers;
	}
	if (s->max_active > was)
		pthread_cond_broadcast(&s->cond);
}

static void *pacer(void *arg)
{
	struct scan *s = arg;
	bool saturated = true;
	int looks = 0, in_io = 0, runnable = 0;

	pthread_mutex_lock(&s->lock);
	while (!s->finished && !atomic_load(&s->cancel)) {
		struct timespec ts;
		bool ok;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += PACE_NS;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		while (!s->finished && !atomic_load(&s->cancel) &&
		       pthread_cond_timedwait(&s->pace_cond, &s->lock, &ts) != ETIMEDOUT) {
		}
		if (s->finished || atomic_load(&s->cancel))
			break;
		saturated = saturated && s->active >= s->max_active;
		pthread_mutex_unlock(&s->lock);
		ok = count_states(s, &in_io, &runnable);
		pthread_mutex_lock(&s->lock);
		if (!ok)
			break;
		if (++looks == PACE_LOOKS) {
			adjust(s, (double)in_io / looks, (double)runnable / looks,
			       saturated && s->active >= s->max_active);
			looks = in_io = runnable = 0;
			saturated = true;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

void scan_pace_start(struct scan *s)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->pace_cond, &ca);
	pthread_condattr_destroy(&ca);
	s->pace_inited = true;
	if (s->max_threads > s->cpu_workers)
		s->pacer_on = pthread_create(&s->pacer, NULL, pacer, s) == 0;
}

void scan_pace_wake(struct scan *s)
{
	if (s->pace_inited)
		pthread_cond_broadcast(&s->pace_cond);
}
