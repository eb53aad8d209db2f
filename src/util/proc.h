/* The one process runner (tig's io.h: io_run, io_run_buf, io_run_fg,
 * io_kill): every child venvscope starts — python -m venv, pip, an env's
 * own python asked for sys.path, an interactive shell — goes through here.
 *
 * A child is started with an argv array and posix_spawn, never through a
 * shell, so a path with spaces, quotes, $, ; or newlines is just a path.
 * argv[0] holding a '/' is run as is; a bare name is looked up on PATH.
 * Signals are at their defaults in the child and none is blocked, whatever
 * the parent (a curses UI, a scan thread) set up. Every child is reaped.
 *
 * Three ways to run one:
 * - streamed: vs_proc_start, then either vs_proc_wait (blocking, for the
 *   CLI) or, from an event loop, poll vs_proc_fds and call vs_proc_pump until
 *   it returns 0, then vs_proc_done; vs_proc_free in every case. vs_proc_run
 *   is start + wait + free. Output comes line by line to a callback.
 * - captured: vs_proc_capture keeps stdout and stderr in buffers (with a cap)
 *   and stops the child at a timeout.
 * - on the terminal: vs_proc_run_fg gives the child our stdin, stdout and
 *   stderr and waits, like system() (an interactive shell).
 *
 * Streamed and captured children get stdin from /dev/null and, unless
 * VS_PROC_SAME_PGROUP, their own process group, so a cancel or a timeout
 * reaches their own children too (pip's). */
#ifndef VS_UTIL_PROC_H
#define VS_UTIL_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum vs_proc_stream { VS_PROC_STDOUT = 1, VS_PROC_STDERR = 2 };

/* Called once per line of output, without its newline (nor a "\r" before
 * it); a last line with no newline is passed too. `line` is only valid
 * during the call. */
typedef void (*vs_proc_line_fn)(void *ctx, enum vs_proc_stream stream, const char *line);

enum {
	/* Stay in our process group: Ctrl-C at the terminal reaches the child
	 * too, and a cancel or timeout signals the child alone. */
	VS_PROC_SAME_PGROUP = 1 << 0,
};

struct vs_proc_spawn {
	const char *const *argv;  /* NULL-terminated; argv[0] is the program */
	const char *const *unset; /* names removed from the child's environment; "PIP_*"
				     (a trailing '*') removes every name with that prefix.
				     NULL-terminated, may be NULL */
	const char *const *set;   /* "NAME=value" entries added or replaced (NULL-terminated,
				     may be NULL); they win over `unset` */
	const char *cwd;          /* NULL: the current folder */
	unsigned flags;           /* VS_PROC_* */
};

struct vs_proc;

/* Starts the child with stdin on /dev/null and stdout and stderr on pipes.
 * Returns 0, or VS_EFAIL with the program and the reason in err (*out is
 * NULL then). */
int vs_proc_start(struct vs_proc **out, const struct vs_proc_spawn *sp, struct vs_err *err);

/* The fds to poll for output (-1 once a stream is closed). */
void vs_proc_fds(const struct vs_proc *p, int fds[2]);

/* Reads what is available without blocking and passes complete lines to cb
 * (may be NULL). Returns 1 while output may still come, 0 once both streams
 * are closed. Escalates a pending cancel (vs_proc_tick). */
int vs_proc_pump(struct vs_proc *p, vs_proc_line_fn cb, void *ctx);

/* True once the child has exited and its output is drained; *status (may be
 * NULL) is its exit code, or 128 + the signal that ended it. Reaps it. */
bool vs_proc_done(struct vs_proc *p, int *status);

/* Asks the child (and its process group) to stop: SIGTERM now, SIGKILL when
 * it is still there after `grace_ms` (vs_proc_tick escalates). */
void vs_proc_cancel(struct vs_proc *p, int grace_ms);
/* Escalates a cancel whose grace time has passed. Call it now and then. */
void vs_proc_tick(struct vs_proc *p);
bool vs_proc_cancelled(const struct vs_proc *p);

/* Blocks until the child is done, streaming its lines to cb (may be NULL);
 * *status as vs_proc_done. Returns 0. */
int vs_proc_wait(struct vs_proc *p, vs_proc_line_fn cb, void *ctx, int *status);

/* Kills (SIGKILL) and reaps the child if it still runs; frees. NULL ok. */
void vs_proc_free(struct vs_proc *p);

/* Start + wait + free. Returns 0 with *status, or VS_EFAIL when it could not
 * start. */
int vs_proc_run(const struct vs_proc_spawn *sp, vs_proc_line_fn cb, void *ctx, int *status,
		struct vs_err *err);

/* What vs_proc_capture kept. */
struct vs_proc_output {
	int exit_code; /* 0..255, or -1 when killed by a signal (see `signal`) */
	int signal;    /* the signal that ended it, or 0 */
	char *out;     /* stdout (owned, NUL-terminated; at most `max_bytes`) */
	size_t out_len;
	char *err; /* stderr likewise */
	size_t err_len;
};

/* Runs the child and keeps its stdout and stderr as they are (bytes, NULs
 * included), each cut at `max_bytes` (the rest is read and dropped, so the
 * child never blocks on a full pipe). Kills it (SIGKILL) after `timeout_ms`
 * (<= 0: no limit). Returns 0 once the child has ended, whatever its exit
 * code; VS_EFAIL with err set when it could not be started or timed out
 * (*out is then empty). Clear *out with vs_proc_output_clear. */
int vs_proc_capture(struct vs_proc_output *out, const struct vs_proc_spawn *sp, size_t max_bytes,
		    int timeout_ms, struct vs_err *err);

/* Frees the buffers and zeroes *r. NULL ok. */
void vs_proc_output_clear(struct vs_proc_output *r);

/* Runs the child on our terminal, like system(): stdin, stdout and stderr
 * are ours, it stays in our process group (so an interactive shell can take
 * the terminal for its jobs and give it back), and SIGINT and SIGQUIT are
 * ignored here until it ends, so Ctrl-C belongs to the child. `sp->flags` is
 * not used. Returns 0 with *status (exit code, or 128 + signal), or VS_EFAIL
 * when it could not start. */
int vs_proc_run_fg(const struct vs_proc_spawn *sp, int *status, struct vs_err *err);

/* The program `name` as posix_spawnp would find it on $PATH (an
 * executable regular file), or NULL. `name` holding a '/' is taken as is.
 * Caller frees. */
char *vs_proc_which(const char *name);

#endif
