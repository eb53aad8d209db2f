/* The scan's event queue: a FIFO filled by the worker threads and emptied
 * by the single consumer, with an eventfd that is readable exactly while
 * events are pending (so the consumer can poll it beside its other fds). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../util/xalloc.h"
#include "scan_internal.h"

struct ev_node {
	struct ev_node *next;
	struct scan_event *ev;
};

void scan_queue_init(struct scan_queue *q)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	q->evfd = -1;
}

int scan_queue_open(struct scan_queue *q, struct vs_err *err)
{
	q->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->evfd < 0) {
		vs_err_set(err, VS_EFAIL, "cannot create an eventfd: %s", strerror(errno));
		return VS_EFAIL;
	}
	return 0;
}

void scan_queue_push(struct scan_queue *q, struct scan_event *ev)
{
	struct ev_node *n = xmalloc(sizeof(*n));
	uint64_t one = 1;

	n->next = NULL;
	n->ev = ev;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	if (write(q->evfd, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow in practice; the cond wakes waiters anyway. */
	}
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

/* Pops the head; caller holds the lock. Keeps the eventfd readable exactly
 * while events are pending. */
static struct scan_event *pop_locked(struct scan_queue *q)
{
	struct ev_node *n = q->head;
	struct scan_event *ev;
	uint64_t count;

	if (!n)
		return NULL;
	q->head = n->next;
	if (!q->head) {
		q->tail = NULL;
		if (read(q->evfd, &count, sizeof(count)) < 0) {
			/* EAGAIN: already reset. */
		}
	}
	ev = n->ev;
	free(n);
	if (ev->type == SCAN_EV_DONE)
		q->done_taken = true;
	return ev;
}

struct scan_event *scan_queue_pop(struct scan_queue *q, bool wait)
{
	struct scan_event *ev;

	pthread_mutex_lock(&q->lock);
	while (wait && !q->head && !q->done_taken)
		pthread_cond_wait(&q->cond, &q->lock);
	ev = pop_locked(q);
	pthread_mutex_unlock(&q->lock);
	return ev;
}

void scan_queue_destroy(struct scan_queue *q)
{
	struct ev_node *n;

	while ((n = q->head) != NULL) {
		q->head = n->next;
		scan_event_free(n->ev);
		free(n);
	}
	q->tail = NULL;
	if (q->evfd >= 0)
		close(q->evfd);
	q->evfd = -1;
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
}

void scan_event_free(struct scan_event *ev)
{
	if (!ev)
		return;
	venv_free(ev->venv);
	scan_pkgs_result_free(ev->pkgs);
	scan_inodes_free(ev->inodes);
	free(ev->project);
	if (ev->git) {
		free(ev->git->repo);
		free(ev->git->rule);
		free(ev->git->error);
		free(ev->git);
	}
	free(ev->message);
	free(ev);
}
