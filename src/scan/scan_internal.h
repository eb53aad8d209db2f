/* Private to the scan engine (scan.c, queue.c, discover.c, detail.c,
 * scan_projects.c): its state, shared by the worker threads. Nothing
 * outside src/scan/ includes this. */
#ifndef VS_SCAN_SCAN_INTERNAL_H
#define VS_SCAN_SCAN_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#include "inuse.h"
#include "scan.h"

/* A folder to walk: its fd is open and owned by the job. */
struct walk_job {
	int fd;
	char *path;
	int depth;
	dev_t root_dev;
	enum scan_parent parent; /* whether the folder above holds a project marker */
};

/* An env to read packages of and size: reopened by path, checked by dev/ino. */
struct detail_job {
	char *path;
	size_t id;
	dev_t dev;
	ino_t ino;
};

/* Part of an env's size handed over by the worker sizing it. */
struct part_job {
	int fd; /* the subfolder, owned by the job */
	struct size_acc *acc;
};

enum job_kind { JOB_DETAIL, JOB_WALK, JOB_SIZE_PART };

struct job {
	struct job *next;
	enum job_kind kind;
	union {
		struct walk_job walk;
		struct detail_job detail;
		struct part_job part;
	} u;
};

struct env_key {
	dev_t dev;
	ino_t ino;
};

/* The events, FIFO (queue.c). The eventfd is readable exactly while the
 * queue is not empty: both change under `lock`. */
struct ev_node;
struct scan_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ev_node *head, *tail;
	int evfd;
	bool done_taken; /* the consumer took DONE: a waiting pop returns NULL */
};

/* Call order: init (cannot fail), open (makes the eventfd), push from any
 * thread, pop from the consumer, destroy (frees events never taken; fine
 * after an init without open). */
void scan_queue_init(struct scan_queue *q);
int scan_queue_open(struct scan_queue *q, struct vs_err *err);
/* Appends `ev` (takes it) and wakes the consumer. */
void scan_queue_push(struct scan_queue *q, struct scan_event *ev);
/* The oldest event, or NULL: none pending (wait false), or DONE was taken
 * already (wait true blocks until an event comes otherwise). */
struct scan_event *scan_queue_pop(struct scan_queue *q, bool wait);
void scan_queue_destroy(struct scan_queue *q);

struct scan {
	/* The request, deep-copied. */
	char **roots; /* absolute */
	size_t n_roots;
	char **excludes;
	size_t n_excludes;
	int max_depth;
	bool one_file_system;
	bool no_size;
	char *home;
	/* Folders never walked into: venvscope's state and the home trash
	 * (scan_state_dir, scan_home_trash), those that exist, by identity. */
	struct env_key own[2];
	int n_own;

	/* Work: walk and size-part jobs (a stack) come before detail jobs (a
	 * FIFO); n_walks counts the stack. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *walks;
	size_t n_walks;
	struct job *details, *details_tail;
	int active; /* workers running a job */
	int idle;   /* workers waiting for a job */
	/* Workers allowed to run a job at once (pace.c): cpu_workers, more
	 * while the workers mostly wait for the disk; at most max_threads. */
	int max_active;
	int cpu_workers;
	atomic_int *tids; /* [max_threads]: each started worker's thread id */
	atomic_int n_tids;
	bool finished;
	struct env_key *seen; /* envs already reported (a root inside another root) */
	size_t n_seen, cap_seen;
	pthread_t *threads; /* [max_threads] */
	int n_threads;      /* workers started (the pacer starts more), under `lock` */
	int max_threads;
	bool *joined; /* [max_threads + 1]: each worker, then the git thread, once joined */
	atomic_bool cancel;
	/* The pacer thread (pace.c), when there are more workers than cores. */
	pthread_t pacer;
	bool pacer_on, pacer_joined, pace_inited;
	pthread_cond_t pace_cond; /* with `lock`, CLOCK_MONOTONIC: wakes the pacer */

	struct scan_queue queue;
	bool done_queued; /* under `lock`: DONE was pushed */

	/* Git: one thread owns every libgit2 object (scan_git is not shared). */
	bool git_on;
	pthread_t git_thread;
	pthread_cond_t git_cond;         /* with `lock` */
	struct job *git_jobs, *git_tail; /* detail jobs reused: path + id */
	bool git_closing;                /* the workers are done: drain and end */

	/* The one /proc pass of this scan (inuse.h), taken by the first
	 * worker that finds an env; under inuse_lock. */
	pthread_mutex_t inuse_lock;
	bool inuse_taken;
	struct scan_inuse *inuse;

	/* Issue 16: poetry and hatch name an env by a hash of its project's
	 * path. The walk notes every folder holding a pyproject.toml and
	 * every env so named; the first worker done matches them (all under
	 * `lock`, scan_note_project / scan_note_hashed / scan_match_projects). */
	char **projects;
	size_t n_projects, cap_projects;
	struct hashed_env *hashed;
	size_t n_hashed, cap_hashed;
	bool projects_matched;

	/* Progress. */
	atomic_uint_fast64_t entries, dirs, envs, sized, bytes, warnings;
	atomic_size_t next_id;
	atomic_int_fast64_t last_progress_ns;
	unsigned long long fd_base; /* vs_fd_shortages() when the scan started */
	int64_t start_ns;
};

struct hashed_env {
	size_t id;
	char hash[9];
};

/* The walk met `dir` holding a pyproject.toml (copies it). */
void scan_note_project(struct scan *s, const char *dir);
/* Env `id` names its project by `hash` (scan_project_hash_of). */
void scan_note_hashed(struct scan *s, size_t id, const char hash[9]);
/* Once, when the walk is over: a PROJECT event for each noted env whose
 * hash is that of a noted folder's path (as met, or resolved). Caller
 * holds `lock`. */
void scan_match_projects(struct scan *s);

/* Engine services used by the walker (scan.c). */
void scan_emit(struct scan *s, struct scan_event *ev);
void scan_warn(struct scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void scan_maybe_progress(struct scan *s);
/* True when another worker is idle and would take a walk job. */
bool scan_wants_work(struct scan *s);
/* Hands a folder over to the pool (takes ownership of fd and path). */
void scan_push_walk(struct scan *s, int fd, char *path, int depth, dev_t root_dev,
		    enum scan_parent parent);
/* Records an env; false when it was already reported through another root. */
bool scan_claim_env(struct scan *s, dev_t dev, ino_t ino);
/* Queues the packages + size step for env `id` (takes ownership of path). */
void scan_push_detail(struct scan *s, char *path, size_t id, dev_t dev, ino_t ino);

/* Queues the git lookup of env `id` (takes ownership of path). */
void scan_push_git(struct scan *s, char *path, size_t id);

/* Puts a walk or size-part job on the stack (takes the job). */
void scan_push_stacked(struct scan *s, struct job *j);

/* An env's details (detail.c): packages, then size, sending PACKAGES and,
 * unless no_size, SIZED. The env is reopened by path and checked against
 * the dev/ino discovery saw, so a swapped folder is not measured. Frees
 * dj->path. */
void scan_run_detail(struct scan *s, struct detail_job *dj);
/* Sizes a part handed over by an env's size walk; scan_drop_part when the
 * scan is cancelled instead (the env then reports a failed size). */
void scan_run_part(struct scan *s, struct part_job *pj);
void scan_drop_part(struct part_job *pj);

/* The roots (scan_roots.c). scan_open_roots opens req's roots into fds
 * (their st_dev into devs) and s->roots (absolute); on the first bad one
 * it says why in err, closes the others and returns VS_EUSAGE.
 * scan_queue_roots queues a walk of each distinct one (takes the fds).
 * scan_note_own_folders fills s->own from s->home. */
int scan_open_roots(struct scan *s, const struct scan_request *req, int *fds, dev_t *devs,
		    struct vs_err *err);
void scan_queue_roots(struct scan *s, int *fds, dev_t *devs);
void scan_note_own_folders(struct scan *s);

/* The pacer (pace.c): inits pace_cond, then starts the pacer thread when
 * max_threads > cpu_workers (set both first); it starts more workers
 * (scan_start_worker, under `lock`) as it raises max_active. A pacer that
 * cannot start leaves the scan to its cpu_workers. scan_pace_wake: the scan
 * finished or was cancelled; the pacer ends (joined by scan_stop). */
void scan_pace_start(struct scan *s);
void scan_pace_wake(struct scan *s);
/* Starts worker n_threads; false when no thread could be made. */
bool scan_start_worker(struct scan *s);

/* The walker (discover.c): walks job->fd and below, closes the fd. */
void scan_walk(struct scan *s, struct walk_job *job);

#endif
