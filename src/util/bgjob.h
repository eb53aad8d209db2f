/* One piece of work on a thread of its own, with a pipe that wakes a poll
 * loop when it is done. The browser's views count the duplicates, find the
 * interpreters and measure the caches this way (src/ui/).
 *
 * Call order, on the one thread that owns the job (the caller):
 *   vs_bgjob_start(&job, run, free_arg, arg, err)
 *       `run(arg, cancel)` starts on a new thread; `arg` is the job's now.
 *   vs_bgjob_fd(job)
 *       a pipe end to poll: readable exactly when `run` has returned (and
 *       stays so until the job is taken or abandoned).
 *   then ONE of:
 *   vs_bgjob_take(job)
 *       waits for `run` to return (at once when the fd is readable), frees
 *       the job and hands `arg` back: the caller owns it again.
 *   vs_bgjob_abandon(job)
 *       asks `run` to stop (sets `cancel`) and never waits: when `run` has
 *       returned, the job and `arg` (through `free_arg`) are freed now;
 *       otherwise the job's thread frees them when `run` returns. For
 *       quitting: a read stuck on a hung mount does not hold the browser.
 *
 * `run` may read only `arg`, its own copies and the disk: the caller does
 * not touch `arg` while the job holds it. No curses here. */
#ifndef VS_UTIL_BGJOB_H
#define VS_UTIL_BGJOB_H

#include <stdatomic.h>
#include <stdbool.h>

#include "err.h"

struct vs_bgjob;

/* The work; `cancel` turns true when the job is abandoned. */
typedef void vs_bgjob_run_fn(void *arg, const atomic_bool *cancel);
/* Frees an `arg` whose job was abandoned; NULL when nothing needs freeing. */
typedef void vs_bgjob_free_fn(void *arg);

/* Starts `run(arg, cancel)` on a thread. 0 with *out set; or a negative
 * code with the reason in `err` (the pipe's error, or "no thread"),
 * *out NULL, and `arg` still the caller's (not freed). */
int vs_bgjob_start(struct vs_bgjob **out, vs_bgjob_run_fn *run, vs_bgjob_free_fn *free_arg, void *arg,
		   struct vs_err *err);

/* The fd to poll for POLLIN; -1 for NULL. */
int vs_bgjob_fd(const struct vs_bgjob *job);

/* True once `run` has returned (never blocks); false for NULL. */
bool vs_bgjob_finished(struct vs_bgjob *job);

/* Joins the thread, frees the job and returns `arg` (the caller's again).
 * Blocks until `run` returns: call it when vs_bgjob_finished() says so. */
void *vs_bgjob_take(struct vs_bgjob *job);

/* Cancels and lets go without waiting (see above). NULL: nothing. */
void vs_bgjob_abandon(struct vs_bgjob *job);

#endif
