/* Child processes for actions (python -m venv, pip, a shell): started with
 * an argv array — never through a shell, so a path with spaces, quotes, $,
 * ; or newlines is just a path — with stdout and stderr streamed line by
 * line to a callback, cancellable, and always reaped (no zombies).
 *
 * Use: act_proc_start, then either act_proc_wait (blocking, for the CLI) or,
 * from an event loop, poll act_proc_fds and call act_proc_pump until it
 * returns 0, then act_proc_done; act_proc_free in every case. */
#ifndef VS_ACTIONS_RUNNER_H
#define VS_ACTIONS_RUNNER_H

#include <stdbool.h>

#include "../util/err.h"

enum act_stream { ACT_STDOUT = 1, ACT_STDERR = 2 };

/* Called once per line of output, without its newline (a last line with no
 * newline is passed too). `line` is only valid during the call. */
typedef void (*act_line_fn)(void *ctx, enum act_stream stream, const char *line);

struct act_spawn {
	const char *const *argv;  /* argv[0] is the program (a path or a name on PATH) */
	const char *const *unset; /* variable names removed from the child's environment (NULL-terminated, may be NULL) */
	const char *const *set;   /* "NAME=value" entries added or replaced (NULL-terminated, may be NULL) */
	const char *cwd;          /* NULL: the current folder */
};

struct act_proc;

/* Starts the child in its own process group with stdin on /dev/null.
 * Returns 0, or VS_EFAIL with the program and the reason in err. */
int act_proc_start(struct act_proc **out, const struct act_spawn *sp, struct vs_err *err);

/* The fds to poll for output (-1 once a stream is closed). */
void act_proc_fds(const struct act_proc *p, int fds[2]);

/* Reads what is available without blocking and passes complete lines on.
 * Returns 1 while output may still come, 0 once both streams are closed. */
int act_proc_pump(struct act_proc *p, act_line_fn cb, void *ctx);

/* True once the child has exited and its output is drained; *status is its
 * exit code, or 128 + the signal that ended it. Reaps the child. */
bool act_proc_done(struct act_proc *p, int *status);

/* Asks the child (and its process group) to stop: SIGTERM now, SIGKILL when
 * it is still there after `grace_ms` (act_proc_tick escalates). */
void act_proc_cancel(struct act_proc *p, int grace_ms);
/* Escalates a cancel whose grace time has passed. Call it now and then. */
void act_proc_tick(struct act_proc *p);
bool act_proc_cancelled(const struct act_proc *p);

/* Blocks until the child is done, streaming its lines to cb. */
int act_proc_wait(struct act_proc *p, act_line_fn cb, void *ctx, int *status);

/* Kills (SIGKILL) and reaps the child if it still runs; frees. NULL ok. */
void act_proc_free(struct act_proc *p);

/* Start + wait. Returns 0 with *status, or VS_EFAIL when it could not start. */
int act_run(const struct act_spawn *sp, act_line_fn cb, void *ctx, int *status, struct vs_err *err);

#endif
