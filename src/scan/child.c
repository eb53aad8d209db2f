/* posix_spawn, two pipes and poll: a child whose output we keep. */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util/xalloc.h"

extern char **environ;

/* environ without PIP_* (the child must not see the user's pip settings). */
static char **clean_env(void)
{
	size_t n = 0, k = 0;
	char **v;

	while (environ && environ[n])
		n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PIP_", 4) != 0)
			v[k++] = environ[i];
	return v;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct sink {
	int fd;
	char *buf;
	size_t len, cap, max;
};

/* Reads what is there; returns false at end of file (or error). */
static bool drain(struct sink *s)
{
	char tmp[8192];
	ssize_t r = read(s->fd, tmp, sizeof(tmp));

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (r <= 0)
		return false;
	if (s->len < s->max) {
		size_t keep = (size_t)r < s->max - s->len ? (size_t)r : s->max - s->len;

		s->buf = xgrow(s->buf, &s->cap, s->len + keep + 1, 1);
		memcpy(s->buf + s->len, tmp, keep);
		s->len += keep;
	}
	return true;
}

static char *finish(struct sink *s, size_t *len)
{
	char *b = s->buf ? s->buf : xmalloc(1);

	b[s->len] = '\0';
	*len = s->len;
	return b;
}

/* Pumps both pipes until they close or the deadline passes. */
static bool pump(struct sink *o, struct sink *e, long long deadline)
{
	bool open_o = true, open_e = true;

	while (open_o || open_e) {
		struct pollfd p[2];
		nfds_t n = 0;
		int wait = -1, r;

		if (open_o)
			p[n++] = (struct pollfd){o->fd, POLLIN, 0};
		if (open_e)
			p[n++] = (struct pollfd){e->fd, POLLIN, 0};
		if (deadline > 0) {
			long long left = deadline - now_ms();

			if (left <= 0)
				return false;
			wait = left > 1000000 ? 1000000 : (int)left;
		}
		r = poll(p, n, wait);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		for (nfds_t i = 0; i < n; i++) {
			struct sink *s = p[i].fd == o->fd ? o : e;

			if (p[i].revents && !drain(s)) {
				if (s == o)
					open_o = false;
				else
					open_e = false;
			}
		}
	}
	return true;
}

int scan_child_run(struct scan_child_result *out, const char *const *argv, const char *cwd,
		   size_t max_bytes, int timeout_ms, struct vs_err *err)
{
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, status = 0, rc;
	posix_spawn_file_actions_t fa;
	struct sink so, se;
	char **env;
	pid_t pid;
	bool done;

	memset(out, 0, sizeof(*out));
	if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
		rc = vs_err_set(err, VS_EFAIL, "cannot make a pipe: %s", strerror(errno));
		if (po[0] >= 0) {
			close(po[0]);
			close(po[1]);
		}
		return rc;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	env = clean_env();
	rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, env);
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	if (rc != 0) {
		close(po[0]);
		close(pe[0]);
		return vs_err_set(err, VS_EFAIL, "cannot run %s: %s", argv[0], strerror(rc));
	}
	so = (struct sink){po[0], NULL, 0, 0, max_bytes};
	se = (struct sink){pe[0], NULL, 0, 0, max_bytes};
	done = pump(&so, &se, timeout_ms > 0 ? now_ms() + timeout_ms : 0);
	if (!done)
		kill(pid, SIGKILL);
	close(po[0]);
	close(pe[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	out->out = finish(&so, &out->out_len);
	out->err = finish(&se, &out->err_len);
	if (!done) {
		scan_child_result_clear(out);
		return vs_err_set(err, VS_EFAIL, "%s did not finish within %d s; stopped it", argv[0],
				  timeout_ms / 1000);
	}
	if (WIFEXITED(status)) {
		out->exit_code = WEXITSTATUS(status);
	} else {
		out->exit_code = -1;
		out->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	return 0;
}

void scan_child_result_clear(struct scan_child_result *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}
