/* One env's details, on a worker: its packages, then its size. Packages
 * are read once; the size walk hands subfolders to idle workers as parts
 * (scan_size_split), so one big env does not keep a single core busy while
 * the other waits, and the part that finishes last sends SIZED. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/xalloc.h"
#include "inspect.h"
#include "scan_internal.h"
#include "size.h"

/* One env's size, summed from its parts. */
struct size_acc {
	struct scan *s;
	size_t id;
	pthread_mutex_t lock;
	struct scan_size sum;
	int pending; /* parts not finished, the env's own walk included */
	bool failed;
	struct scan_size_links *links;
	struct scan_size_split split;
	dev_t dev;
};

static bool take_part(void *ctx, int fd)
{
	struct size_acc *acc = ctx;
	struct job *j;

	if (!scan_wants_work(acc->s))
		return false;
	pthread_mutex_lock(&acc->lock);
	acc->pending++;
	pthread_mutex_unlock(&acc->lock);
	j = xcalloc(1, sizeof(*j));
	j->kind = JOB_SIZE_PART;
	j->u.part.fd = fd;
	j->u.part.acc = acc;
	scan_push_stacked(acc->s, j);
	return true;
}

static struct size_acc *size_acc_new(struct scan *s, size_t id, dev_t dev)
{
	struct size_acc *acc = xcalloc(1, sizeof(*acc));

	acc->s = s;
	acc->id = id;
	acc->dev = dev;
	acc->pending = 1;
	pthread_mutex_init(&acc->lock, NULL);
	acc->links = scan_size_links_new();
	acc->split.take = take_part;
	acc->split.ctx = acc;
	acc->split.links = acc->links;
	return acc;
}

/* Adds a finished part (NULL: nothing counted); the last one reports. */
static void part_done(struct size_acc *acc, const struct scan_size *part, bool failed)
{
	struct scan *s = acc->s;
	struct scan_event *se;
	bool last;

	pthread_mutex_lock(&acc->lock);
	if (part)
		scan_size_add(&acc->sum, part);
	acc->failed |= failed;
	last = --acc->pending == 0;
	pthread_mutex_unlock(&acc->lock);
	if (!last)
		return;
	se = xcalloc(1, sizeof(*se));
	se->type = SCAN_EV_SIZED;
	se->id = acc->id;
	/* A cancelled walk stops early: its partial sums are not a size. */
	se->size_failed = acc->failed || atomic_load(&s->cancel);
	if (!se->size_failed) {
		acc->sum.freeable_bytes += scan_size_links_freeable(acc->links);
		se->size = acc->sum;
		se->inodes = scan_size_links_export(acc->links, acc->dev);
		atomic_fetch_add(&s->bytes, se->size.size_bytes);
	}
	atomic_fetch_add(&s->sized, 1);
	scan_emit(s, se);
	scan_size_links_free(acc->links);
	pthread_mutex_destroy(&acc->lock);
	free(acc);
}

void scan_run_part(struct scan *s, struct part_job *pj)
{
	struct scan_size part;

	scan_size_part(&part, pj->fd, pj->acc->dev, &s->cancel, &pj->acc->split);
	part_done(pj->acc, &part, false);
}

void scan_run_detail(struct scan *s, struct detail_job *dj)
{
	struct scan_event *pe = xcalloc(1, sizeof(*pe));
	int fd = open(dj->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		vs_fd_shortage_note(errno);
	if (fd >= 0 && (fstat(fd, &st) != 0 || st.st_dev != dj->dev || st.st_ino != dj->ino)) {
		close(fd);
		fd = -1;
		errno = ESTALE;
	}
	pe->type = SCAN_EV_PACKAGES;
	pe->id = dj->id;
	if (fd < 0 && (errno == ENAMETOOLONG || errno == EMFILE || errno == ENFILE)) {
		char why[128];

		/* Nothing changed: the kernel refuses the name (found by a walk
		 * relative to open folders), or is out of file descriptors. */
		pe->pkgs = xcalloc(1, sizeof(*pe->pkgs));
		pe->pkgs->problem = xasprintf("packages and size not read: %s",
					      path_errno_reason(why, sizeof(why), dj->path, errno));
	} else if (fd < 0) {
		pe->pkgs = xcalloc(1, sizeof(*pe->pkgs));
		pe->pkgs->problem =
			xasprintf("the environment changed or vanished during the scan (%s)",
				  strerror(errno));
	} else {
		pe->pkgs = scan_inspect_packages(fd, dj->path);
	}
	scan_emit(s, pe);
	if (!s->no_size) {
		struct size_acc *acc = size_acc_new(s, dj->id, dj->dev);
		struct scan_size own;
		bool failed = fd < 0 || scan_size_tree_split(&own, fd, &s->cancel, &acc->split) < 0;

		part_done(acc, failed ? NULL : &own, failed);
	}
	if (fd >= 0)
		close(fd);
	free(dj->path);
}

void scan_drop_part(struct part_job *pj)
{
	close(pj->fd);
	part_done(pj->acc, NULL, true);
}
