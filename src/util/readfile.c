#include "readfile.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

const char *vs_file_type_reason(mode_t mode)
{
	if (S_ISDIR(mode))
		return "is a directory";
	if (S_ISFIFO(mode))
		return "is a FIFO, not a file";
	if (S_ISLNK(mode))
		return "is a symbolic link";
	if (S_ISSOCK(mode))
		return "is a socket, not a file";
	if (S_ISCHR(mode))
		return "is a character device, not a file";
	if (S_ISBLK(mode))
		return "is a block device, not a file";
	return "is not a regular file";
}

static atomic_ullong fd_shortages;

void vs_fd_shortage_note(int e)
{
	if (e == EMFILE || e == ENFILE)
		atomic_fetch_add(&fd_shortages, 1);
}

unsigned long long vs_fd_shortages(void)
{
	return atomic_load(&fd_shortages);
}

DIR *vs_opendir_at(int dirfd, const char *path, int flags)
{
	int fd = openat(dirfd, path,
			O_RDONLY | O_DIRECTORY | O_CLOEXEC |
				(flags & VS_READ_NOFOLLOW ? O_NOFOLLOW : 0));

	if (fd < 0) {
		vs_fd_shortage_note(errno);
		return NULL;
	}
	return vs_fdopendir(fd);
}

DIR *vs_fdopendir(int fd)
{
	DIR *d = fdopendir(fd);

	if (!d) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return d;
}

/* Sets `err` for errno value `e` and leaves errno at `e`. */
static int refuse_errno(struct vs_err *err, const char *path, int e)
{
	vs_fd_shortage_note(e);
	switch (e) {
	case ENOENT:
		vs_err_set(err, VS_EFAIL, "%s: does not exist", path);
		break;
	case ELOOP:
		/* O_NOFOLLOW refuses a symlink at the last component with ELOOP. */
		vs_err_set(err, VS_EFAIL, "%s: is a symbolic link", path);
		break;
	case EACCES:
	case EPERM:
		vs_err_set(err, VS_EFAIL, "%s: permission denied", path);
		break;
	case ENXIO:
		vs_err_set(err, VS_EFAIL, "%s: is a socket, not a file", path);
		break;
	case EFBIG:
		vs_err_set(err, VS_EFAIL, "%s: is too large to read", path);
		break;
	default:
		vs_err_set(err, VS_EFAIL, "%s: cannot be read: %s", path, strerror(e));
		break;
	}
	errno = e;
	return VS_EFAIL;
}

/* 0 when `st` is a regular file of at most `max` bytes; else VS_EFAIL
 * with errno and `err` saying why. */
static int check_stat(const struct stat *st, size_t max, const char *path, struct vs_err *err)
{
	int e;

	if (S_ISREG(st->st_mode)) {
		if ((uintmax_t)st->st_size <= (uintmax_t)max)
			return 0;
		if (max % (1024 * 1024) == 0)
			vs_err_set(err, VS_EFAIL, "%s: is larger than %zu MiB, not read", path,
				   max / (1024 * 1024));
		else
			vs_err_set(err, VS_EFAIL, "%s: is larger than %zu bytes, not read", path, max);
		errno = EFBIG;
		return VS_EFAIL;
	}
	e = S_ISLNK(st->st_mode) ? ELOOP : S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
	vs_err_set(err, VS_EFAIL, "%s: %s", path, vs_file_type_reason(st->st_mode));
	errno = e;
	return VS_EFAIL;
}

int vs_open_at(int dirfd, const char *path, int flags, size_t max, off_t *size, struct vs_err *err)
{
	bool nofollow = flags & VS_READ_NOFOLLOW;
	struct stat st;
	int fd;

	/* Look before opening, so a FIFO or a device is never even opened. */
	if (fstatat(dirfd, path, &st, nofollow ? AT_SYMLINK_NOFOLLOW : 0) != 0)
		return refuse_errno(err, path, errno);
	if (check_stat(&st, max, path, err) < 0)
		return VS_EFAIL;
	fd = -1;
	if (flags & VS_READ_NOATIME)
		fd = openat(dirfd, path,
			    O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOATIME |
				    (nofollow ? O_NOFOLLOW : 0));
	/* EPERM: O_NOATIME is refused on a file that is not ours. */
	if (fd < 0 && (!(flags & VS_READ_NOATIME) || errno == EPERM))
		fd = openat(dirfd, path,
			    O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0)
		return refuse_errno(err, path, errno);
	/* It may have been swapped between the look and the open. */
	if (fstat(fd, &st) != 0 || check_stat(&st, max, path, err) < 0) {
		int e = errno;

		close(fd);
		if (e != EFBIG && e != EINVAL && e != EISDIR && e != ELOOP)
			return refuse_errno(err, path, e);
		errno = e;
		return VS_EFAIL;
	}
	if (size)
		*size = st.st_size;
	return fd;
}

/* Reads fd (a regular file fstat said holds `size` bytes) to its end. */
static int read_all(int fd, size_t size, size_t max, char **out, size_t *len)
{
	size_t got = 0, cap;
	char *buf;

	/* One byte more than fstat's size: an unchanged file ends with a
	 * short read, and a grown one is seen. */
	cap = size + 2;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (got + 1 >= cap) {
			if (got >= max) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			buf = xgrow(buf, &cap, got + 65536 + 2, 1);
		}
		r = read(fd, buf + got, cap - got - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got > max) {
		free(buf);
		errno = EFBIG;
		return -1;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

int vs_read_fd(int fd, size_t max, char **out, size_t *len)
{
	struct stat st;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &st) != 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	if ((uintmax_t)st.st_size > (uintmax_t)max) {
		errno = EFBIG;
		return -1;
	}
	return read_all(fd, (size_t)st.st_size, max, out, len);
}

int vs_read_at(int dirfd, const char *path, int flags, size_t max, char **out, size_t *len,
	       struct vs_err *err)
{
	off_t size = 0;
	int fd, rc;

	*out = NULL;
	*len = 0;
	fd = vs_open_at(dirfd, path, flags, max, &size, err);
	if (fd < 0)
		return VS_EFAIL;
	rc = read_all(fd, (size_t)size, max, out, len);
	if (rc < 0) {
		int e = errno;

		close(fd);
		return refuse_errno(err, path, e);
	}
	close(fd);
	return 0;
}
