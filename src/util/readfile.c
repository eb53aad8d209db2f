#include "readfile.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int vs_read_fd(int fd, size_t max, char **out, size_t *len)
{
	struct stat st;
	size_t got = 0, cap;
	char *buf;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &st) != 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	if ((unsigned long long)st.st_size > max) {
		errno = EFBIG;
		return -1;
	}
	/* One byte more than fstat's size: an unchanged file ends with a
	 * short read, and a grown one is seen. */
	cap = (size_t)st.st_size + 2;
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
