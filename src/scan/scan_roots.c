/* The scan's roots (scan.c calls these in scan_start): each opened and
 * checked, the same folder given twice walked once, and venvscope's own
 * folders noted so the walk never enters them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/xalloc.h"
#include "places.h"
#include "scan_internal.h"

/* Opens every root; on the first bad one, says why and closes the rest. */
int scan_open_roots(struct scan *s, const struct scan_request *req, int *fds, dev_t *devs,
		    struct vs_err *err)
{
	for (size_t i = 0; i < req->n_roots; i++) {
		const char *r = req->roots[i];
		char *abs = path_absolute(r);
		struct stat st;
		int fd;

		fds[i] = -1;
		if (!abs) {
			vs_err_set(err, VS_EFAIL, "%s: cannot read the current folder: %s", r,
				   strerror(errno));
			goto fail;
		}
		if (stat(abs, &st) != 0) {
			char why[128];

			if (errno == ENOENT)
				vs_err_set(err, VS_EUSAGE, "%s: no such folder", r);
			else
				vs_err_set(err, VS_EUSAGE, "%s: %s", r,
					   path_errno_reason(why, sizeof(why), abs, errno));
			free(abs);
			goto fail;
		}
		if (!S_ISDIR(st.st_mode)) {
			vs_err_set(err, VS_EUSAGE, "%s: not a folder", r);
			free(abs);
			goto fail;
		}
		fd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			vs_err_set(err, VS_EUSAGE, "%s: cannot open folder: %s", r, strerror(errno));
			free(abs);
			goto fail;
		}
		fds[i] = fd;
		devs[i] = st.st_dev;
		s->roots[i] = abs;
	}
	return 0;
fail:
	for (size_t i = 0; i < req->n_roots; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return VS_EUSAGE;
}

void scan_queue_roots(struct scan *s, int *fds, dev_t *devs)
{
	for (size_t i = 0; i < s->n_roots; i++) {
		struct stat st;
		bool dup = false;

		/* The same folder given twice (or "." inside the list of central
		 * places) is walked once. */
		if (fstat(fds[i], &st) == 0) {
			for (size_t k = 0; k < i && !dup; k++) {
				struct stat sk;

				dup = fds[k] >= 0 && fstat(fds[k], &sk) == 0 &&
				      sk.st_dev == st.st_dev && sk.st_ino == st.st_ino;
			}
		}
		if (dup) {
			close(fds[i]);
			fds[i] = -1;
			continue;
		}
		scan_push_walk(s, fds[i], xstrdup(s->roots[i]), 0, devs[i], SCAN_PARENT_UNKNOWN);
	}
}

/* Remembers venvscope's own state folder and the home trash, so the walk
 * never lists a deletion record or a trashed env (discover.c). */
void scan_note_own_folders(struct scan *s)
{
	char *dirs[2] = {scan_state_dir(s->home), scan_home_trash(s->home)};

	for (int i = 0; i < 2; i++) {
		struct stat st;

		if (dirs[i] && stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			s->own[s->n_own++] = (struct env_key){st.st_dev, st.st_ino};
		free(dirs[i]);
	}
}
