/* The scanner: a streaming, multi-threaded walk that finds environments and
 * reports what it learns as events.
 *
 * Call order:
 *   s = scan_start(&req, &err);      starts worker threads; req is copied
 *   loop: poll(scan_fd(s)) for POLLIN, then
 *         while ((ev = scan_next(s))) { ...; scan_event_free(ev); }
 *         until an event of type SCAN_EV_DONE was taken
 *   scan_free(s);                    joins the workers (cancels if still running)
 *
 * Ownership: every event returned by scan_next belongs to the caller.
 * SCAN_EV_FOUND carries a `struct venv *` whose ownership moves to the caller
 * (set ev->venv = NULL to keep it, or scan_event_free frees it).
 * SCAN_EV_PACKAGES and SCAN_EV_SIZED refer to an env by `id`; merge them with
 * scan_venv_apply(), which moves their payload into the venv (or merge a
 * whole scan into a model keyed by path: scan_model_merge in model.h).
 * Events for one env always come in the order FOUND, PACKAGES, SIZED (SIZED
 * only without no_size); GIT (unless no_git) comes after FOUND, in any order
 * with the others. PROJECT (a poetry or hatch env's project, matched once
 * the walk is over) comes after FOUND too. DONE is the last event. Workers never touch a venv
 * after handing it over: the model has a single owner, the consumer. */
#ifndef VS_SCAN_SCAN_H
#define VS_SCAN_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../util/err.h"
#include "inspect.h"
#include "venv.h"

/* An env untouched for more than this many days is stale, unless the user
 * says otherwise (--stale-days): the one place this default is written. */
#define SCAN_STALE_DAYS_DEFAULT 90

struct scan_request {
	const char *const *roots; /* paths as the user gave them; at least one */
	size_t n_roots;
	int max_depth; /* levels below a root to look; -1 = unlimited */
	const char *const
		*excludes; /* fnmatch globs, matched against the entry name and its full path */
	size_t n_excludes;
	bool one_file_system; /* do not cross into other filesystems */
	bool no_size;         /* skip sizing */
	bool no_git;          /* skip git status */
	int stale_days;       /* last_modified older than this -> stale */
	int threads;          /* worker count; 0 = one per online core */
	time_t now;           /* reference time for staleness; 0 = time(NULL) */
	const char *home;     /* home folder for manager detection; NULL = $HOME */
};

enum scan_event_type {
	SCAN_EV_FOUND,    /* venv: a new environment (owned by the event) */
	SCAN_EV_PACKAGES, /* id + pkgs: site-packages, packages, last_modified */
	SCAN_EV_SIZED,    /* id + size */
	SCAN_EV_GIT,      /* id + git: what git does with the env (after FOUND, any order) */
	SCAN_EV_PROJECT,  /* id + project: the project a poetry/hatch env's name hashes */
	SCAN_EV_WARNING,  /* message: something could not be read; the scan goes on */
	SCAN_EV_PROGRESS, /* progress: counters so far */
	SCAN_EV_DONE,     /* progress: final counters; nothing follows */
};

struct scan_progress {
	uint64_t entries;  /* directory entries walked by discovery */
	uint64_t dirs;     /* directories opened by discovery */
	uint64_t envs;     /* environments found */
	uint64_t sized;    /* environments sized */
	uint64_t bytes;    /* apparent bytes of the environments sized so far */
	uint64_t warnings; /* warnings emitted */
	/* opens refused for want of file descriptors (EMFILE, ENFILE) while
	 * this scan ran: not 0 means some envs, packages or sizes are missing */
	uint64_t fd_shortages;
	double elapsed; /* seconds since scan_start */
};

struct scan_event {
	enum scan_event_type type;
	size_t id;                     /* env id (PACKAGES, SIZED, FOUND) */
	struct venv *venv;             /* FOUND */
	struct scan_pkgs_result *pkgs; /* PACKAGES */
	struct scan_size size;         /* SIZED */
	bool size_failed;              /* SIZED: the env could not be opened; size unknown */
	struct scan_inodes *inodes;    /* SIZED: files linked outside it, or NULL; owned */
	struct scan_git_info *git;     /* GIT */
	char *project;                 /* PROJECT: the folder, as the walk met it; owned */
	char *message;                 /* WARNING: names the path and the reason */
	struct scan_progress progress; /* PROGRESS, DONE */
};

struct scan;

/* Checks every root (exit-2 style error in `err` when one does not exist or
 * is not a directory: nothing is started then) and starts the workers.
 * Returns NULL on error. */
struct scan *scan_start(const struct scan_request *req, struct vs_err *err);

/* A file descriptor that becomes readable when events are pending. */
int scan_fd(const struct scan *s);

/* Next pending event, or NULL when none is pending right now (non-blocking).
 * After SCAN_EV_DONE it always returns NULL. */
struct scan_event *scan_next(struct scan *s);

/* Blocks until an event is pending or the scan is done, then returns it
 * (NULL only after DONE was taken). */
struct scan_event *scan_wait(struct scan *s);

/* The counters right now (thread-safe; for a live header between the
 * rate-limited PROGRESS events). */
void scan_progress_now(const struct scan *s, struct scan_progress *out);

/* When `p` (DONE's counters) says the scan missed something for want of
 * file descriptors, writes "the scan is incomplete: N files or folders
 * could not be opened (too many open files; the limit is L, see ulimit
 * -n)" into buf and returns true; else returns false. */
bool scan_incomplete_text(char *buf, size_t cap, const struct scan_progress *p);

/* Asks the workers to stop soon; a DONE event still follows. */
void scan_cancel(struct scan *s);

/* Cancels and joins the workers, waiting for them until `deadline`
 * (CLOCK_REALTIME; NULL: as long as it takes). False when one is still
 * running then (stuck in a system call, e.g. on a hung mount): the caller
 * may leave the process without scan_free. Can be called again. */
bool scan_stop(struct scan *s, const struct timespec *deadline);

/* Cancels, joins the workers and frees everything not handed over. */
void scan_free(struct scan *s);

void scan_event_free(struct scan_event *ev);

/* Merges a PACKAGES, SIZED, GIT or PROJECT event into `v` (ids must match); moves
 * the payload out of the event. `stale_days` and `now` decide `stale`.
 * Defined next to the model (model.c); scan_model_merge calls it for a
 * whole set of envs. */
void scan_venv_apply(struct venv *v, struct scan_event *ev, int stale_days, time_t now);

#endif
