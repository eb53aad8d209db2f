/* A job on its own thread (bgjob.h). The mutex guards `finished` and
 * `abandoned`: whichever of the thread's end and the abandon comes second
 * frees the job, so it is freed once, and never while the other side
 * still looks at it. */
#include "bgjob.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

struct vs_bgjob {
	pthread_t thread;
	pthread_mutex_t lock;
	bool finished, abandoned; /* under lock */
	atomic_bool cancel;       /* set by the abandon; read by `run` */
	int wake[2];              /* wake[1] gets one byte when `run` returned */
	vs_bgjob_run_fn *run;
	vs_bgjob_free_fn *free_arg;
	void *arg;
};

static void job_free(struct vs_bgjob *j)
{
	close(j->wake[0]);
	close(j->wake[1]);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

static void *job_main(void *p)
{
	struct vs_bgjob *j = p;
	bool abandoned;

	j->run(j->arg, &j->cancel);
	pthread_mutex_lock(&j->lock);
	j->finished = true;
	abandoned = j->abandoned;
	pthread_mutex_unlock(&j->lock);
	if (abandoned) {
		/* Detached: nobody waits for this thread or takes `arg`. */
		vs_bgjob_free_fn *free_arg = j->free_arg;
		void *arg = j->arg;

		job_free(j);
		if (free_arg)
			free_arg(arg);
	} else {
		while (write(j->wake[1], "x", 1) < 0 && errno == EINTR)
			; /* non-blocking, and one byte never fills the pipe */
	}
	return NULL;
}

int vs_bgjob_start(struct vs_bgjob **out, vs_bgjob_run_fn *run, vs_bgjob_free_fn *free_arg, void *arg,
		   struct vs_err *err)
{
	struct vs_bgjob *j = xcalloc(1, sizeof(*j));

	*out = NULL;
	if (pipe2(j->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		int e = errno;

		free(j);
		return vs_err_set(err, VS_EFAIL, "%s", strerror(e));
	}
	pthread_mutex_init(&j->lock, NULL);
	atomic_init(&j->cancel, false);
	j->run = run;
	j->free_arg = free_arg;
	j->arg = arg;
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		job_free(j);
		return vs_err_set(err, VS_EFAIL, "no thread");
	}
	*out = j;
	return 0;
}

int vs_bgjob_fd(const struct vs_bgjob *job)
{
	return job ? job->wake[0] : -1;
}

bool vs_bgjob_finished(struct vs_bgjob *job)
{
	bool finished;

	if (!job)
		return false;
	pthread_mutex_lock(&job->lock);
	finished = job->finished;
	pthread_mutex_unlock(&job->lock);
	return finished;
}

void *vs_bgjob_take(struct vs_bgjob *job)
{
	void *arg;

	if (!job)
		return NULL;
	pthread_join(job->thread, NULL);
	arg = job->arg;
	job_free(job);
	return arg;
}

void vs_bgjob_abandon(struct vs_bgjob *job)
{
	pthread_t thread;
	bool finished;

	if (!job)
		return;
	pthread_mutex_lock(&job->lock);
	job->abandoned = true;
	atomic_store(&job->cancel, true);
	finished = job->finished;
	/* Past the unlock an unfinished job may be freed by its thread. */
	thread = job->thread;
	pthread_mutex_unlock(&job->lock);
	if (!finished) {
		pthread_detach(thread);
		return;
	}
	pthread_join(thread, NULL);
	if (job->free_arg)
		job->free_arg(job->arg);
	job_free(job);
}
