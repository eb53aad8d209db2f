/* posix_spawn, two pipes and poll: the one process runner. */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"
#include "vec.h"
#include "xalloc.h"

extern char **environ;

struct vs_proc {
	pid_t pid;
	bool own_group;       /* signals go to the whole group */
	int fd[2];            /* stdout, stderr read ends; -1 when closed */
	struct strbuf buf[2]; /* partial lines, or (capture) everything kept */
	bool capture;         /* keep bytes as they are instead of passing lines */
	size_t max;           /* capture: bytes kept per stream at most */
	bool exited;
	int wstatus; /* as waitpid gave it */
	bool cancelled;
	int64_t kill_at_ms; /* 0: no SIGKILL pending */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the child's environment ---- */

/* Whether `entry` ("NAME=value") names one of `names` ("NAME" or "NAME=..."),
 * or starts with one that ends in '*' when `prefixes` is set. */
static bool names_entry(const char *entry, const char *const *names, bool prefixes)
{
	for (size_t i = 0; names && names[i]; i++) {
		const char *eq = strchr(names[i], '=');
		size_t n = eq ? (size_t)(eq - names[i]) : strlen(names[i]);

		if (prefixes && !eq && n && names[i][n - 1] == '*') {
			if (strncmp(entry, names[i], n - 1) == 0)
				return true;
		} else if (strncmp(entry, names[i], n) == 0 && entry[n] == '=') {
			return true;
		}
	}
	return false;
}

/* Ours, less `unset`, with `set` applied; the strings are borrowed. */
static void child_env(struct vs_vec *env, const struct vs_proc_spawn *sp)
{
	vs_vec_init(env, NULL);
	for (size_t i = 0; environ && environ[i]; i++)
		if (!names_entry(environ[i], sp->unset, true) &&
		    !names_entry(environ[i], sp->set, false))
			vs_vec_push(env, environ[i]);
	for (size_t i = 0; sp->set && sp->set[i]; i++)
		vs_vec_push(env, (void *)sp->set[i]);
	vs_vec_terminate(env);
}

/* ---- starting ---- */

/* Starts sp->argv with stdout and stderr on out[1] and err[1] and stdin on
 * /dev/null, or, when `out` is NULL, with our own three fds. */
static int spawn(pid_t *pid, const struct vs_proc_spawn *sp, const int *out, const int *errp,
		 bool own_group, struct vs_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t all, none;
	struct vs_vec env;
	int rc;

	child_env(&env, sp);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	if (out) {
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, out[1], 1);
		posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	}
	if (sp->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, sp->cwd);
	if (own_group)
		posix_spawnattr_setpgroup(&attr, 0);
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, (own_group ? POSIX_SPAWN_SETPGROUP : 0) |
						POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawnp(pid, sp->argv[0], &fa, &attr, (char *const *)sp->argv, (char *const *)env.v);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	vs_vec_clear(&env);
	if (rc != 0)
		return vs_err_set(err, VS_EFAIL, "%s: cannot run it: %s", sp->argv[0], strerror(rc));
	return 0;
}

static int start(struct vs_proc **out, const struct vs_proc_spawn *sp, bool capture, size_t max,
		 struct vs_err *err)
{
	struct vs_proc *p = xcalloc(1, sizeof(*p));
	int o[2] = {-1, -1}, e[2] = {-1, -1};

	*out = NULL;
	p->own_group = !(sp->flags & VS_PROC_SAME_PGROUP);
	p->capture = capture;
	p->max = max;
	if (pipe2(o, O_CLOEXEC) != 0 || pipe2(e, O_CLOEXEC) != 0) {
		vs_err_set(err, VS_EFAIL, "cannot make a pipe: %s", strerror(errno));
		goto fail;
	}
	if (spawn(&p->pid, sp, o, e, p->own_group, err) < 0)
		goto fail;
	close(o[1]);
	close(e[1]);
	p->fd[0] = o[0];
	p->fd[1] = e[0];
	fcntl(p->fd[0], F_SETFL, O_NONBLOCK);
	fcntl(p->fd[1], F_SETFL, O_NONBLOCK);
	*out = p;
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (o[i] >= 0)
			close(o[i]);
		if (e[i] >= 0)
			close(e[i]);
	}
	free(p);
	return VS_EFAIL;
}

int vs_proc_start(struct vs_proc **out, const struct vs_proc_spawn *sp, struct vs_err *err)
{
	return start(out, sp, false, 0, err);
}

void vs_proc_fds(const struct vs_proc *p, int fds[2])
{
	fds[0] = p->fd[0];
	fds[1] = p->fd[1];
}

/* ---- output ---- */

static void emit_lines(struct strbuf *b, enum vs_proc_stream s, vs_proc_line_fn cb, void *ctx, bool eof)
{
	size_t start_at = 0;

	for (size_t i = 0; i < b->len; i++) {
		if (b->buf[i] != '\n')
			continue;
		b->buf[i] = '\0';
		if (i > start_at && b->buf[i - 1] == '\r')
			b->buf[i - 1] = '\0';
		if (cb)
			cb(ctx, s, b->buf + start_at);
		start_at = i + 1;
	}
	if (eof && start_at < b->len) {
		if (cb)
			cb(ctx, s, b->buf + start_at);
		start_at = b->len;
	}
	if (start_at) {
		memmove(b->buf, b->buf + start_at, b->len - start_at);
		b->len -= start_at;
		if (b->buf)
			b->buf[b->len] = '\0';
	}
}

/* A chunk read from stream i: kept (up to the cap) or cut into lines. */
static void take(struct vs_proc *p, int i, const char *chunk, size_t n, vs_proc_line_fn cb, void *ctx)
{
	enum vs_proc_stream s = i ? VS_PROC_STDERR : VS_PROC_STDOUT;

	if (!p->capture) {
		sb_add(&p->buf[i], chunk, n);
		emit_lines(&p->buf[i], s, cb, ctx, false);
	} else if (p->buf[i].len < p->max) {
		size_t room = p->max - p->buf[i].len;

		sb_add(&p->buf[i], chunk, n < room ? n : room);
	}
}

int vs_proc_pump(struct vs_proc *p, vs_proc_line_fn cb, void *ctx)
{
	char chunk[8192];

	for (int i = 0; i < 2; i++) {
		ssize_t n = -1;

		while (p->fd[i] >= 0 && (n = read(p->fd[i], chunk, sizeof(chunk))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break;
				n = 0; /* a read error ends the stream */
			}
			if (n == 0)
				break;
			take(p, i, chunk, (size_t)n, cb, ctx);
		}
		if (p->fd[i] >= 0 && n == 0) {
			if (!p->capture)
				emit_lines(&p->buf[i], i ? VS_PROC_STDERR : VS_PROC_STDOUT, cb, ctx,
					   true);
			close(p->fd[i]);
			p->fd[i] = -1;
		}
	}
	vs_proc_tick(p);
	return p->fd[0] >= 0 || p->fd[1] >= 0;
}

/* ---- the end ---- */

static int decode(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

static void reaped(struct vs_proc *p, int wstatus)
{
	p->exited = true;
	p->wstatus = wstatus;
}

bool vs_proc_done(struct vs_proc *p, int *status)
{
	int ws;

	if (!p->exited && p->fd[0] < 0 && p->fd[1] < 0 && waitpid(p->pid, &ws, WNOHANG) == p->pid)
		reaped(p, ws);
	if (p->exited && status)
		*status = decode(p->wstatus);
	return p->exited;
}

static void signal_child(const struct vs_proc *p, int sig)
{
	kill(p->own_group ? -p->pid : p->pid, sig);
}

void vs_proc_cancel(struct vs_proc *p, int grace_ms)
{
	if (p->exited)
		return;
	p->cancelled = true;
	signal_child(p, SIGTERM);
	p->kill_at_ms = now_ms() + grace_ms;
}

void vs_proc_tick(struct vs_proc *p)
{
	if (p->kill_at_ms && !p->exited && now_ms() >= p->kill_at_ms) {
		signal_child(p, SIGKILL);
		p->kill_at_ms = 0;
	}
}

bool vs_proc_cancelled(const struct vs_proc *p)
{
	return p->cancelled;
}

/* Polls the open streams for at most `ms` (< 0: until something comes). */
static void poll_streams(const struct vs_proc *p, int ms)
{
	struct pollfd pf[2];
	nfds_t n = 0;

	for (int i = 0; i < 2; i++)
		if (p->fd[i] >= 0)
			pf[n++] = (struct pollfd){.fd = p->fd[i], .events = POLLIN};
	poll(pf, n, ms);
}

/* Blocks until the child has exited, escalating a pending cancel. */
static void reap(struct vs_proc *p)
{
	while (!p->exited) {
		int ws;
		/* With a cancel pending, look every 20 ms so SIGKILL follows. */
		pid_t r = waitpid(p->pid, &ws, p->kill_at_ms ? WNOHANG : 0);

		if (r == p->pid) {
			reaped(p, ws);
		} else if (r == 0) {
			struct timespec ts = {0, 20000000};

			nanosleep(&ts, NULL);
			vs_proc_tick(p);
		} else if (r < 0 && errno != EINTR) {
			reaped(p, 255 << 8);
		}
	}
}

int vs_proc_wait(struct vs_proc *p, vs_proc_line_fn cb, void *ctx, int *status)
{
	while (vs_proc_pump(p, cb, ctx))
		poll_streams(p, p->kill_at_ms ? 100 : -1);
	reap(p);
	if (status)
		*status = decode(p->wstatus);
	return 0;
}

void vs_proc_free(struct vs_proc *p)
{
	if (!p)
		return;
	for (int i = 0; i < 2; i++) {
		if (p->fd[i] >= 0)
			close(p->fd[i]);
		sb_free(&p->buf[i]);
	}
	if (!p->exited) {
		int ws;

		signal_child(p, SIGKILL);
		while (waitpid(p->pid, &ws, 0) < 0 && errno == EINTR)
			;
	}
	free(p);
}

int vs_proc_run(const struct vs_proc_spawn *sp, vs_proc_line_fn cb, void *ctx, int *status,
		struct vs_err *err)
{
	struct vs_proc *p;
	int rc = vs_proc_start(&p, sp, err);

	if (rc < 0)
		return rc;
	rc = vs_proc_wait(p, cb, ctx, status);
	vs_proc_free(p);
	return rc;
}

/* ---- captured ---- */

/* Pumps until both streams close (true) or the deadline passes (false). */
static bool pump_until(struct vs_proc *p, int64_t deadline)
{
	while (vs_proc_pump(p, NULL, NULL)) {
		int wait = -1;

		if (deadline > 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				return false;
			wait = left > 1000000 ? 1000000 : (int)left;
		}
		poll_streams(p, wait);
	}
	return true;
}

/* Reaps a child that closed its output (true), unless it is still there at
 * the deadline (false). Looks at once, then at growing intervals. */
static bool reap_until(struct vs_proc *p, int64_t deadline)
{
	long ns = 1000000;

	if (deadline <= 0) {
		reap(p);
		return true;
	}
	while (!p->exited) {
		int ws;
		pid_t r = waitpid(p->pid, &ws, WNOHANG);

		if (r == p->pid) {
			reaped(p, ws);
		} else if (r < 0 && errno != EINTR) {
			reaped(p, 255 << 8);
		} else if (now_ms() >= deadline) {
			return false;
		} else if (r == 0) {
			struct timespec ts = {0, ns};

			nanosleep(&ts, NULL);
			ns = ns < 20000000 ? ns * 2 : ns;
		}
	}
	return true;
}

static char *keep(struct strbuf *b, size_t *len)
{
	*len = b->len;
	return sb_detach(b);
}

int vs_proc_capture(struct vs_proc_output *out, const struct vs_proc_spawn *sp, size_t max_bytes,
		    int timeout_ms, struct vs_err *err)
{
	struct vs_proc *p;
	int64_t deadline;
	bool done;

	memset(out, 0, sizeof(*out));
	if (start(&p, sp, true, max_bytes, err) < 0)
		return VS_EFAIL;
	deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	done = pump_until(p, deadline) && reap_until(p, deadline);
	if (!done)
		signal_child(p, SIGKILL);
	reap(p);
	if (!done) {
		vs_err_set(err, VS_EFAIL, "%s did not finish within %d s; stopped it", sp->argv[0],
			   timeout_ms / 1000);
		vs_proc_free(p);
		return VS_EFAIL;
	}
	out->out = keep(&p->buf[0], &out->out_len);
	out->err = keep(&p->buf[1], &out->err_len);
	if (WIFEXITED(p->wstatus)) {
		out->exit_code = WEXITSTATUS(p->wstatus);
	} else {
		out->exit_code = -1;
		out->signal = WIFSIGNALED(p->wstatus) ? WTERMSIG(p->wstatus) : 0;
	}
	vs_proc_free(p);
	return 0;
}

void vs_proc_output_clear(struct vs_proc_output *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* ---- on the terminal ---- */

int vs_proc_run_fg(const struct vs_proc_spawn *sp, int *status, struct vs_err *err)
{
	struct sigaction ign = {0}, old_int, old_quit;
	pid_t pid = -1;
	int ws = 0, rc;

	/* Like system(): the child owns Ctrl-C while it runs. Ignored before
	 * the spawn, so no key pressed in between reaches us. */
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	rc = spawn(&pid, sp, NULL, NULL, false, err);
	while (rc == 0 && waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (rc == 0 && status)
		*status = decode(ws);
	return rc;
}

char *vs_proc_which(const char *name)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (strchr(name, '/'))
		return stat(name, &st) == 0 && S_ISREG(st.st_mode) && access(name, X_OK) == 0
			       ? xstrdup(name)
			       : NULL;
	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		/* An empty entry is the current folder, as for execvp. */
		char *cand = n ? xasprintf("%.*s/%s", (int)n, p, name) : xasprintf("./%s", name);

		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (!end)
			return NULL;
		p = end;
	}
}
