#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util/strbuf.h"
#include "../util/xalloc.h"

extern char **environ;

struct act_proc {
	pid_t pid;
	int fd[2];           /* stdout, stderr read ends; -1 when closed */
	struct strbuf buf[2]; /* partial lines */
	bool exited;
	int status;
	bool cancelled;
	int64_t kill_at_ms; /* 0: no SIGKILL pending */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool name_in(const char *entry, const char *const *names)
{
	for (size_t i = 0; names && names[i]; i++) {
		size_t n = strlen(names[i]);

		if (strncmp(entry, names[i], n) == 0 && entry[n] == '=')
			return true;
	}
	return false;
}

static bool replaced_by(const char *entry, const char *const *set)
{
	for (size_t i = 0; set && set[i]; i++) {
		const char *eq = strchr(set[i], '=');
		size_t n = eq ? (size_t)(eq - set[i]) : strlen(set[i]);

		if (strncmp(entry, set[i], n) == 0 && entry[n] == '=')
			return true;
	}
	return false;
}

/* The child's environment: ours, less `unset`, with `set` applied. */
static char **child_env(const struct act_spawn *sp)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	for (size_t i = 0; sp->set && sp->set[i]; i++)
		n++;
	env = xcalloc(n + 1, sizeof(*env));
	for (size_t i = 0; environ[i]; i++)
		if (!name_in(environ[i], sp->unset) && !replaced_by(environ[i], sp->set))
			env[k++] = environ[i];
	for (size_t i = 0; sp->set && sp->set[i]; i++)
		env[k++] = (char *)sp->set[i];
	return env;
}

static int spawn(struct act_proc *p, const struct act_spawn *sp, int out[2], int errp[2],
		 struct vs_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char **env = child_env(sp);
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	if (sp->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, sp->cwd);
	/* Own process group, so a cancel reaches pip's own children too; default
	 * signal handling, whatever the parent (a curses UI) set up. */
	posix_spawnattr_setpgroup(&attr, 0);
	{
		sigset_t all, none;

		sigfillset(&all);
		sigemptyset(&none);
		posix_spawnattr_setsigdefault(&attr, &all);
		posix_spawnattr_setsigmask(&attr, &none);
	}
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
						POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawnp(&p->pid, sp->argv[0], &fa, &attr, (char *const *)sp->argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(env);
	if (rc != 0)
		return vs_err_set(err, VS_EFAIL, "%s: cannot run it: %s", sp->argv[0], strerror(rc));
	return 0;
}

int act_proc_start(struct act_proc **out, const struct act_spawn *sp, struct vs_err *err)
{
	struct act_proc *p = xcalloc(1, sizeof(*p));
	int o[2] = {-1, -1}, e[2] = {-1, -1};

	*out = NULL;
	if (pipe2(o, O_CLOEXEC) != 0 || pipe2(e, O_CLOEXEC) != 0) {
		vs_err_set(err, VS_EFAIL, "cannot make a pipe: %s", strerror(errno));
		goto fail;
	}
	if (spawn(p, sp, o, e, err) < 0)
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

void act_proc_fds(const struct act_proc *p, int fds[2])
{
	fds[0] = p->fd[0];
	fds[1] = p->fd[1];
}

static void emit_lines(struct strbuf *b, enum act_stream s, act_line_fn cb, void *ctx, bool eof)
{
	size_t start = 0;

	for (size_t i = 0; i < b->len; i++) {
		if (b->buf[i] != '\n')
			continue;
		b->buf[i] = '\0';
		if (i > start && b->buf[i - 1] == '\r')
			b->buf[i - 1] = '\0';
		if (cb)
			cb(ctx, s, b->buf + start);
		start = i + 1;
	}
	if (eof && start < b->len) {
		if (cb)
			cb(ctx, s, b->buf + start);
		start = b->len;
	}
	if (start) {
		memmove(b->buf, b->buf + start, b->len - start);
		b->len -= start;
		if (b->buf)
			b->buf[b->len] = '\0';
	}
}

int act_proc_pump(struct act_proc *p, act_line_fn cb, void *ctx)
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
			sb_add(&p->buf[i], chunk, (size_t)n);
			emit_lines(&p->buf[i], i ? ACT_STDERR : ACT_STDOUT, cb, ctx, false);
		}
		if (p->fd[i] >= 0 && n == 0) {
			emit_lines(&p->buf[i], i ? ACT_STDERR : ACT_STDOUT, cb, ctx, true);
			close(p->fd[i]);
			p->fd[i] = -1;
		}
	}
	act_proc_tick(p);
	return p->fd[0] >= 0 || p->fd[1] >= 0;
}

static int decode(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

bool act_proc_done(struct act_proc *p, int *status)
{
	int ws;

	if (!p->exited && p->fd[0] < 0 && p->fd[1] < 0) {
		pid_t r = waitpid(p->pid, &ws, WNOHANG);

		if (r == p->pid) {
			p->exited = true;
			p->status = decode(ws);
		}
	}
	if (p->exited && status)
		*status = p->status;
	return p->exited;
}

void act_proc_cancel(struct act_proc *p, int grace_ms)
{
	if (p->exited)
		return;
	p->cancelled = true;
	kill(-p->pid, SIGTERM);
	p->kill_at_ms = now_ms() + grace_ms;
}

void act_proc_tick(struct act_proc *p)
{
	if (p->kill_at_ms && !p->exited && now_ms() >= p->kill_at_ms) {
		kill(-p->pid, SIGKILL);
		p->kill_at_ms = 0;
	}
}

bool act_proc_cancelled(const struct act_proc *p) { return p->cancelled; }

int act_proc_wait(struct act_proc *p, act_line_fn cb, void *ctx, int *status)
{
	while (act_proc_pump(p, cb, ctx)) {
		struct pollfd pf[2];
		nfds_t n = 0;

		for (int i = 0; i < 2; i++)
			if (p->fd[i] >= 0)
				pf[n++] = (struct pollfd){.fd = p->fd[i], .events = POLLIN};
		poll(pf, n, p->kill_at_ms ? 100 : -1);
	}
	while (!p->exited) {
		int ws;
		/* With a cancel pending, look every 20 ms so SIGKILL follows. */
		pid_t r = waitpid(p->pid, &ws, p->kill_at_ms ? WNOHANG : 0);

		if (r == p->pid) {
			p->exited = true;
			p->status = decode(ws);
		} else if (r == 0) {
			struct timespec ts = {0, 20000000};

			nanosleep(&ts, NULL);
			act_proc_tick(p);
		} else if (r < 0 && errno != EINTR) {
			p->exited = true;
			p->status = 255;
		}
	}
	if (status)
		*status = p->status;
	return 0;
}

void act_proc_free(struct act_proc *p)
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

		kill(-p->pid, SIGKILL);
		while (waitpid(p->pid, &ws, 0) < 0 && errno == EINTR)
			;
	}
	free(p);
}

int act_run(const struct act_spawn *sp, act_line_fn cb, void *ctx, int *status, struct vs_err *err)
{
	struct act_proc *p;
	int rc = act_proc_start(&p, sp, err);

	if (rc < 0)
		return rc;
	rc = act_proc_wait(p, cb, ctx, status);
	act_proc_free(p);
	return rc;
}
