/* getdents64 into a buffer, one entry at a time (see dirread.h). */
#include "dirread.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xalloc.h"

/* glibc's readdir reads 32 KiB at a time too. */
#define DIR_BUF 32768

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct vs_dir {
	int fd;
	size_t pos, len;
	char buf[DIR_BUF] __attribute__((aligned(8)));
};

struct vs_dir *vs_dir_open(int fd)
{
	struct vs_dir *d = xmalloc(sizeof(*d));

	d->fd = fd;
	d->pos = d->len = 0;
	return d;
}

int vs_dir_fd(const struct vs_dir *d)
{
	return d->fd;
}

const char *vs_dir_next(struct vs_dir *d, unsigned char *type)
{
	const struct linux_dirent64 *e;

	if (d->pos >= d->len) {
		long n = syscall(SYS_getdents64, d->fd, d->buf, sizeof(d->buf));

		if (n <= 0) {
			errno = n < 0 ? errno : 0;
			return NULL;
		}
		d->len = (size_t)n;
		d->pos = 0;
	}
	e = (const struct linux_dirent64 *)(d->buf + d->pos);
	d->pos += e->d_reclen;
	*type = e->d_type;
	return e->d_name;
}

void vs_dir_close(struct vs_dir *d)
{
	if (!d)
		return;
	close(d->fd);
	free(d);
}
