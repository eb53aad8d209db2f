/* bgjob: a job taken after it finished hands its result back; the fd is
 * readable exactly when the work has returned; an abandoned job sees its
 * cancel and is freed (free_fn) by its own thread when unfinished, at once
 * when finished. No fixed sleeps: the tests wait on conditions, bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <time.h>

#include "util/bgjob.h"

#define WAIT_MS 5000 /* the bound on every wait: a failure, never a hang */

/* What a job's work and its free_fn share with the test. */
struct ctx {
	pthread_mutex_t m;
	pthread_cond_t c;
	bool started, release; /* under m */
	int freed;             /* under m: free_fn calls */
	bool saw_cancel;       /* under m: cancel as run left it */
	int result;            /* set by run: read after take */
};

static void ctx_init(struct ctx *x)
{
	*x = (struct ctx){0};
	pthread_mutex_init(&x->m, NULL);
	pthread_cond_init(&x->c, NULL);
}

static void ctx_done(struct ctx *x)
{
	pthread_cond_destroy(&x->c);
	pthread_mutex_destroy(&x->m);
}

static void run_quick(void *arg, const atomic_bool *cancel)
{
	struct ctx *x = arg;

	x->result = 42;
	pthread_mutex_lock(&x->m);
	x->saw_cancel = atomic_load(cancel);
	pthread_mutex_unlock(&x->m);
}

/* Says it started, then waits for the test's release. */
static void run_held(void *arg, const atomic_bool *cancel)
{
	struct ctx *x = arg;

	pthread_mutex_lock(&x->m);
	x->started = true;
	pthread_cond_broadcast(&x->c);
	while (!x->release)
		pthread_cond_wait(&x->c, &x->m);
	x->saw_cancel = atomic_load(cancel);
	pthread_mutex_unlock(&x->m);
	x->result = 7;
}

/* Works until cancelled (bounded, so a broken cancel fails, not hangs). */
static void run_until_cancel(void *arg, const atomic_bool *cancel)
{
	struct ctx *x = arg;
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_mutex_lock(&x->m);
	x->started = true;
	pthread_cond_broadcast(&x->c);
	pthread_mutex_unlock(&x->m);
	do {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!atomic_load(cancel) && (t.tv_sec - t0.tv_sec) * 1000 < WAIT_MS);
	pthread_mutex_lock(&x->m);
	x->saw_cancel = atomic_load(cancel);
	pthread_mutex_unlock(&x->m);
}

static void count_free(void *arg)
{
	struct ctx *x = arg;

	pthread_mutex_lock(&x->m);
	x->freed++;
	pthread_cond_broadcast(&x->c);
	pthread_mutex_unlock(&x->m);
}

/* Waits until *flag (under x->m) is true, at most WAIT_MS; its value. */
static bool wait_for(struct ctx *x, const bool *flag)
{
	struct timespec end;
	int rc = 0;
	bool v;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&x->m);
	while (!*flag && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&x->c, &x->m, &end);
	v = *flag;
	pthread_mutex_unlock(&x->m);
	return v;
}

/* Waits until x->freed reaches n, at most WAIT_MS; the count then. */
static int wait_freed(struct ctx *x, int n)
{
	struct timespec end;
	int rc = 0, v;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&x->m);
	while (x->freed < n && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&x->c, &x->m, &end);
	v = x->freed;
	pthread_mutex_unlock(&x->m);
	return v;
}

static int freed_now(struct ctx *x)
{
	int v;

	pthread_mutex_lock(&x->m);
	v = x->freed;
	pthread_mutex_unlock(&x->m);
	return v;
}

static void release(struct ctx *x)
{
	pthread_mutex_lock(&x->m);
	x->release = true;
	pthread_cond_broadcast(&x->c);
	pthread_mutex_unlock(&x->m);
}

/* poll(2) on the job's fd: 1 readable, 0 not within timeout_ms. */
static int readable(const struct vs_bgjob *job, int timeout_ms)
{
	struct pollfd p = {.fd = vs_bgjob_fd(job), .events = POLLIN};

	return poll(&p, 1, timeout_ms);
}

static void test_take_after_finish(void **state)
{
	struct ctx x;
	struct vs_bgjob *job;
	struct vs_err err = {0};

	(void)state;
	ctx_init(&x);
	assert_int_equal(vs_bgjob_start(&job, run_quick, count_free, &x, &err), 0);
	assert_non_null(job);
	assert_true(vs_bgjob_fd(job) >= 0);
	assert_int_equal(readable(job, WAIT_MS), 1);
	assert_true(vs_bgjob_finished(job));
	assert_ptr_equal(vs_bgjob_take(job), &x);
	/* Taken: the result is the caller's, free_fn is not called. */
	assert_int_equal(x.result, 42);
	assert_false(x.saw_cancel);
	assert_int_equal(x.freed, 0);
	ctx_done(&x);
}

static void test_fd_readable_when_finished(void **state)
{
	struct ctx x;
	struct vs_bgjob *job;

	(void)state;
	ctx_init(&x);
	assert_int_equal(vs_bgjob_start(&job, run_held, count_free, &x, NULL), 0);
	assert_true(wait_for(&x, &x.started));
	/* Running: not readable, not finished. */
	assert_int_equal(readable(job, 0), 0);
	assert_false(vs_bgjob_finished(job));
	release(&x);
	assert_int_equal(readable(job, WAIT_MS), 1);
	assert_true(vs_bgjob_finished(job));
	/* It stays readable until taken. */
	assert_int_equal(readable(job, 0), 1);
	assert_ptr_equal(vs_bgjob_take(job), &x);
	assert_int_equal(x.result, 7);
	assert_int_equal(x.freed, 0);
	ctx_done(&x);
}

static void test_abandon_before_finish(void **state)
{
	struct ctx x;
	struct vs_bgjob *job;

	(void)state;
	ctx_init(&x);
	assert_int_equal(vs_bgjob_start(&job, run_held, count_free, &x, NULL), 0);
	assert_true(wait_for(&x, &x.started));
	/* Returns at once although the work is held; nothing freed yet. */
	vs_bgjob_abandon(job);
	assert_int_equal(freed_now(&x), 0);
	release(&x);
	/* The job's own thread frees it when the work returns. */
	assert_int_equal(wait_freed(&x, 1), 1);
	pthread_mutex_lock(&x.m);
	assert_true(x.saw_cancel);
	pthread_mutex_unlock(&x.m);
	ctx_done(&x);
}

static void test_abandon_after_finish(void **state)
{
	struct ctx x;
	struct vs_bgjob *job;

	(void)state;
	ctx_init(&x);
	assert_int_equal(vs_bgjob_start(&job, run_quick, count_free, &x, NULL), 0);
	assert_int_equal(readable(job, WAIT_MS), 1);
	vs_bgjob_abandon(job);
	/* Finished: freed before abandon returned, on this thread. */
	assert_int_equal(x.freed, 1);
	ctx_done(&x);
}

static void test_cancel_seen(void **state)
{
	struct ctx x;
	struct vs_bgjob *job;

	(void)state;
	ctx_init(&x);
	assert_int_equal(vs_bgjob_start(&job, run_until_cancel, count_free, &x, NULL), 0);
	assert_true(wait_for(&x, &x.started));
	vs_bgjob_abandon(job);
	assert_int_equal(wait_freed(&x, 1), 1);
	pthread_mutex_lock(&x.m);
	assert_true(x.saw_cancel);
	pthread_mutex_unlock(&x.m);
	ctx_done(&x);
}

static void test_null(void **state)
{
	(void)state;
	vs_bgjob_abandon(NULL);
	assert_int_equal(vs_bgjob_fd(NULL), -1);
	assert_false(vs_bgjob_finished(NULL));
	assert_null(vs_bgjob_take(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_take_after_finish),
		cmocka_unit_test(test_fd_readable_when_finished),
		cmocka_unit_test(test_abandon_before_finish),
		cmocka_unit_test(test_abandon_after_finish),
		cmocka_unit_test(test_cancel_seen),
		cmocka_unit_test(test_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
