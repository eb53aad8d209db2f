/* One pass over /proc: which files each process holds (see inuse.h). */
#include "inuse.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"

/* A command line is shown up to this many bytes. */
#define CMD_MAX 4096

struct use {
	char *path;  /* absolute */
	size_t proc; /* index into procs */
};

struct proc {
	pid_t pid;
	char *cmd;
};

struct scan_inuse {
	struct use *uses; /* sorted by path */
	size_t n_uses, cap_uses;
	struct proc *procs;
	size_t n_procs, cap_procs;
};

static void add_use(struct scan_inuse *u, const char *path, size_t len, size_t proc)
{
	if (len == 0 || path[0] != '/')
		return;
	u->uses = xgrow(u->uses, &u->cap_uses, u->n_uses + 1, sizeof(*u->uses));
	u->uses[u->n_uses].path = xstrndup(path, len);
	u->uses[u->n_uses].proc = proc;
	u->n_uses++;
}

/* readlink of /proc/PID/<what> into buf; false when unreadable. */
static bool proc_link(char *buf, size_t cap, const char *dir, const char *what)
{
	char p[64];
	ssize_t r;

	snprintf(p, sizeof(p), "%s/%s", dir, what);
	r = readlink(p, buf, cap - 1);
	if (r <= 0)
		return false;
	buf[r] = '\0';
	return true;
}

/* The file paths of /proc/PID/maps (each run of equal paths once). */
static void add_maps(struct scan_inuse *u, const char *dir, size_t proc)
{
	char p[64], *text = NULL, *line, *next;
	const char *last = NULL;
	size_t len = 0, last_len = 0;

	snprintf(p, sizeof(p), "%s/maps", dir);
	if (vs_read_at(AT_FDCWD, p, 0, VS_READ_MAX_META, &text, &len, NULL) < 0)
		return;
	for (line = text; line && *line; line = next) {
		char *slash, *end;

		next = strchr(line, '\n');
		end = next ? next : line + strlen(line);
		if (next)
			next++;
		/* "start-end perms offset dev inode      /path": the path is
		 * the first '/' after the inode. */
		slash = memchr(line, '/', (size_t)(end - line));
		if (!slash)
			continue;
		if (last && last_len == (size_t)(end - slash) && memcmp(last, slash, last_len) == 0)
			continue;
		last = slash;
		last_len = (size_t)(end - slash);
		add_use(u, slash, last_len, proc);
	}
	free(text);
}

/* The command line (NULs as spaces) into a new string; argv0 gets a copy
 * of argv[0]. NULL when unreadable (a kernel thread has none). */
static char *read_cmdline(const char *dir, char **argv0)
{
	char p[64], buf[CMD_MAX + 1];
	int fd;
	ssize_t r;

	*argv0 = NULL;
	snprintf(p, sizeof(p), "%s/cmdline", dir);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	r = read(fd, buf, CMD_MAX);
	close(fd);
	if (r <= 0)
		return NULL;
	buf[r] = '\0';
	*argv0 = xstrdup(buf);
	while (r > 0 && buf[r - 1] == '\0')
		r--;
	for (ssize_t i = 0; i < r; i++)
		if (buf[i] == '\0' || buf[i] == '\n')
			buf[i] = ' ';
	buf[r] = '\0';
	return xstrdup(buf);
}

/* argv[0] as a path: relative to the process's cwd, its folder resolved,
 * its last component kept (the link a venv's bin/python is). */
static void add_program(struct scan_inuse *u, const char *argv0, const char *cwd, size_t proc)
{
	char *abs, *dir, *rdir;

	if (!strchr(argv0, '/'))
		return;
	if (argv0[0] == '/')
		abs = xstrdup(argv0);
	else if (cwd)
		abs = path_join(cwd, argv0);
	else
		return;
	dir = path_dirname(abs);
	rdir = dir ? realpath(dir, NULL) : NULL;
	if (rdir) {
		char *p = path_join(rdir, path_basename(abs));

		add_use(u, p, strlen(p), proc);
		free(p);
		free(rdir);
	}
	add_use(u, abs, strlen(abs), proc);
	free(dir);
	free(abs);
}

static void read_proc(struct scan_inuse *u, pid_t pid)
{
	char dir[32], exe[PATH_MAX], cwd[PATH_MAX], *argv0 = NULL, *cmd;
	bool has_cwd;
	size_t k = u->n_procs;

	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	cmd = read_cmdline(dir, &argv0);
	if (!cmd)
		return;
	u->procs = xgrow(u->procs, &u->cap_procs, k + 1, sizeof(*u->procs));
	u->procs[k].pid = pid;
	u->procs[k].cmd = cmd;
	u->n_procs++;
	if (proc_link(exe, sizeof(exe), dir, "exe"))
		add_use(u, exe, strlen(exe), k);
	has_cwd = proc_link(cwd, sizeof(cwd), dir, "cwd");
	if (has_cwd)
		add_use(u, cwd, strlen(cwd), k);
	add_program(u, argv0, has_cwd ? cwd : NULL, k);
	add_maps(u, dir, k);
	free(argv0);
}

static int cmp_use(const void *a, const void *b)
{
	return strcmp(((const struct use *)a)->path, ((const struct use *)b)->path);
}

struct scan_inuse *scan_inuse_take(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	struct scan_inuse *u;
	pid_t self = getpid();

	if (!d)
		return NULL;
	u = xcalloc(1, sizeof(*u));
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		errno = 0;
		pid = strtol(de->d_name, &end, 10);
		if (*end || errno || pid <= 0 || (pid_t)pid == self)
			continue;
		read_proc(u, (pid_t)pid);
	}
	closedir(d);
	if (u->n_uses > 1)
		qsort(u->uses, u->n_uses, sizeof(*u->uses), cmp_use);
	return u;
}

void scan_inuse_free(struct scan_inuse *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->n_uses; i++)
		free(u->uses[i].path);
	for (size_t i = 0; i < u->n_procs; i++)
		free(u->procs[i].cmd);
	free(u->uses);
	free(u->procs);
	free(u);
}

size_t scan_inuse_procs(const struct scan_inuse *u)
{
	return u ? u->n_procs : 0;
}

/* The first use whose path is >= key. */
static size_t lower_bound(const struct scan_inuse *u, const char *key)
{
	size_t lo = 0, hi = u->n_uses;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(u->uses[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Marks in `hit` the processes with a use equal to `dir` or below it. */
static void mark(const struct scan_inuse *u, const char *dir, bool *hit)
{
	size_t n = strlen(dir), i;
	char *prefix;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	prefix = xasprintf("%.*s/", (int)n, dir);
	for (i = lower_bound(u, prefix); i < u->n_uses; i++) {
		if (strncmp(u->uses[i].path, prefix, n + 1) != 0)
			break;
		hit[u->uses[i].proc] = true;
	}
	prefix[n] = '\0';
	for (i = lower_bound(u, prefix); i < u->n_uses && strcmp(u->uses[i].path, prefix) == 0; i++)
		hit[u->uses[i].proc] = true;
	free(prefix);
}

static int cmp_user(const void *a, const void *b)
{
	pid_t x = ((const struct scan_user *)a)->pid, y = ((const struct scan_user *)b)->pid;

	return (x > y) - (x < y);
}

void scan_inuse_users(const struct scan_inuse *u, const char *path, struct scan_users *out)
{
	bool *hit;
	char *real;
	size_t k = 0;

	scan_users_clear(out);
	if (!u || !u->n_procs || !path)
		return;
	hit = xcalloc(u->n_procs, sizeof(*hit));
	mark(u, path, hit);
	real = realpath(path, NULL);
	if (real && strcmp(real, path) != 0)
		mark(u, real, hit);
	free(real);
	for (size_t i = 0; i < u->n_procs; i++)
		k += hit[i];
	if (k) {
		out->v = xcalloc(k, sizeof(*out->v));
		for (size_t i = 0; i < u->n_procs; i++) {
			if (!hit[i])
				continue;
			out->v[out->n].pid = u->procs[i].pid;
			out->v[out->n].cmd = xstrdup(u->procs[i].cmd);
			out->n++;
		}
		qsort(out->v, out->n, sizeof(*out->v), cmp_user);
	}
	free(hit);
}

bool scan_inuse_now(const char *path, struct scan_users *out)
{
	struct scan_inuse *u = scan_inuse_take();
	bool known = u != NULL;

	scan_inuse_users(u, path, out);
	scan_inuse_free(u);
	return known;
}

void scan_users_clear(struct scan_users *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i].cmd);
	free(u->v);
	u->v = NULL;
	u->n = 0;
}

void scan_users_copy(struct scan_users *out, const struct scan_users *from)
{
	out->n = 0;
	out->v = from->n ? xcalloc(from->n, sizeof(*out->v)) : NULL;
	for (size_t i = 0; i < from->n; i++) {
		out->v[i].pid = from->v[i].pid;
		out->v[i].cmd = xstrdup(from->v[i].cmd);
	}
	out->n = from->n;
}

char *scan_users_text(const struct scan_users *u)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < u->n; i++) {
		sb_addf(&sb, "%spid %d (%s)", i ? ", " : "", (int)u->v[i].pid, u->v[i].cmd);
	}
	return sb.buf ? sb_detach(&sb) : xstrdup("");
}
