/* Which running processes use an environment: one pass over /proc.
 *
 * scan_inuse_take() reads, for every process it may read (not this one),
 * /proc/PID/exe, /proc/PID/cwd, the file paths of /proc/PID/maps and the
 * program as started (argv[0] of /proc/PID/cmdline, made absolute against
 * the process's cwd without following its last link: ENV/bin/python is a
 * link to the base interpreter, so exe alone would never name the env).
 * It keeps them sorted, so that asking about one env is a binary search:
 * a scan takes one snapshot and asks it about every env it finds.
 * Read-only; maps are read bounded (util/readfile.c).
 *
 * Call order: u = scan_inuse_take(); scan_inuse_users(u, path, &out)...;
 * scan_inuse_free(u). A snapshot is immutable once taken: any thread may
 * ask it. */
#ifndef VS_SCAN_INUSE_H
#define VS_SCAN_INUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct scan_inuse;

/* One process using an env. */
struct scan_user {
	pid_t pid;
	char *cmd; /* its command line, spaces between the arguments (owned) */
};

/* The users of one env; n == 0 when none. */
struct scan_users {
	struct scan_user *v;
	size_t n;
};

/* One pass over /proc. NULL when /proc cannot be read at all (then "in
 * use" is unknown). */
struct scan_inuse *scan_inuse_take(void);
void scan_inuse_free(struct scan_inuse *u);
/* How many processes were read (for the trace and the bench). */
size_t scan_inuse_procs(const struct scan_inuse *u);

/* Fills *out (cleared first) with the processes that have a file, their
 * cwd or their program inside the folder `path` (compared with the folder
 * as given and with its resolved path), by pid. */
void scan_inuse_users(const struct scan_inuse *u, const char *path, struct scan_users *out);

/* A pass of its own for the one folder `path` (the check again right
 * before a delete, clear or rebuild). False when /proc cannot be read. */
bool scan_inuse_now(const char *path, struct scan_users *out);

/* Frees the users; *u is empty after. */
void scan_users_clear(struct scan_users *u);
/* A deep copy of `from` into *out. */
void scan_users_copy(struct scan_users *out, const struct scan_users *from);
/* "pid 123 (python -c ...), pid 456 (...)" into a new string (caller frees). */
char *scan_users_text(const struct scan_users *u);

#endif
