/* The pacer: how many workers may run a job at once. Warm, a walk is
 * CPU-bound and one worker per core is best. Cold, the workers spend most
 * of their time asleep in statx/getdents64 waiting for the disk, one
 * request each, while the disk could serve many: then more workers may run
 * (up to the extra ones started for this), and back to one per core once
 * the CPU is busy again. The measure is the process's CPU time against the
 * wall clock over a short window, taken while every allowed worker holds a
 * job (otherwise a low figure means little work, not a slow disk). */
#include <errno.h>
#include <time.h>

#include "../util/trace.h"
#include "scan_internal.h"

/* How often the pacer looks. A cold scan of a home folder takes seconds; a
 * warm one that ends inside the first window never sees the pacer act. */
#define PACE_NS 20000000LL
/* Below this share of the allowed CPU workers' time, the workers wait for
 * the disk: let more run. Above the upper share, the CPU is the limit. */
#define PACE_LOW 0.5
#define PACE_HIGH 0.85

static int64_t cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One decision from `used` (CPU-ns) over `wall` (ns); caller holds `lock`. */
static void adjust(struct scan *s, int64_t used, int64_t wall, bool saturated)
{
	double cores = (double)used / (double)wall;
	int was = s->max_active;

	if (saturated && cores < PACE_LOW * s->cpu_workers && s->max_active < s->max_threads) {
		s->max_active += s->cpu_workers * 2;
		if (s->max_active > s->max_threads)
			s->max_active = s->max_threads;
		while (s->n_threads < s->max_active && scan_start_worker(s)) {
		}
		if (s->max_active > s->n_threads)
			s->max_active = s->n_threads;
	} else if (cores > PACE_HIGH * s->cpu_workers && s->max_active > s->cpu_workers) {
		s->max_active -= s->cpu_workers;
		if (s->max_active < s->cpu_workers)
			s->max_active = s->cpu_workers;
	}
	if (s->max_active > was) {
		vs_trace_mark("scan: more workers while the disk is slow");
		pthread_cond_broadcast(&s->cond);
	} else if (s->max_active < was) {
		vs_trace_mark("scan: back to one worker per core");
	}
}

static void *pacer(void *arg)
{
	struct scan *s = arg;
	int64_t wall0 = vs_now_ns(), cpu0 = cpu_ns();
	bool saturated = false;

	pthread_mutex_lock(&s->lock);
	while (!s->finished && !atomic_load(&s->cancel)) {
		struct timespec ts;
		int64_t wall1, cpu1;

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
		/* Saturated: every allowed worker ran a job at the end of the
		 * window (at its start too, or the figure mixes in idle time). */
		wall1 = vs_now_ns();
		cpu1 = cpu_ns();
		if (saturated && s->active >= s->max_active && wall1 > wall0)
			adjust(s, cpu1 - cpu0, wall1 - wall0, true);
		else if (wall1 > wall0)
			adjust(s, cpu1 - cpu0, wall1 - wall0, false);
		saturated = s->active >= s->max_active;
		wall0 = wall1;
		cpu0 = cpu1;
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
