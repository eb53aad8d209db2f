/* Removing a folder tree safely: relative to open directory fds, never
 * following a symlink (a link is removed as a link), never leaving the
 * folder's filesystem. Used for what a failed create left behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/xalloc.h"
#include "job.h"

/* Empties the folder open as `fd` (on device `dev`); closes fd. Returns
 * the first errno met, or 0. */
static int empty_dir(int fd, dev_t dev, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int first = 0;

	if (!d) {
		close(fd);
		return errno;
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		struct stat st;

		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			first = first ? first : errno;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int cfd;

			if (st.st_dev != dev || depth > 256) {
				first = first ? first : EXDEV;
				continue;
			}
			cfd = openat(dirfd(d), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd < 0) {
				first = first ? first : errno;
				continue;
			}
			{
				int e = empty_dir(cfd, dev, depth + 1);

				first = first ? first : e;
			}
			if (unlinkat(dirfd(d), n, AT_REMOVEDIR) != 0)
				first = first ? first : errno;
		} else if (unlinkat(dirfd(d), n, 0) != 0) {
			first = first ? first : errno;
		}
	}
	closedir(d);
	return first;
}

int act_remove_partial(const char *path, struct vs_err *err)
{
	char *parent = path_dirname(path);
	const char *name = path_basename(path);
	int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = -1, e = 0;
	struct stat st;

	if (pfd < 0) {
		e = errno;
		goto done;
	}
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		e = errno;
		goto done;
	}
	e = empty_dir(fd, st.st_dev, 0);
	fd = -1;
	if (e == 0 && unlinkat(pfd, name, AT_REMOVEDIR) != 0)
		e = errno;
done:
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	free(parent);
	if (e)
		return vs_err_set(err, VS_EFAIL, "%s: could not remove all of it: %s", path,
				  strerror(e));
	return 0;
}
