#include "dist_record.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/xalloc.h"

#define RECORD_MAX_BYTES (16 * 1024 * 1024)

/* The number in line[0..n) after the last comma, or -1. */
static int64_t last_field(const char *line, size_t n)
{
	const char *comma = NULL;
	int64_t v = 0;

	for (size_t i = 0; i < n; i++)
		if (line[i] == ',')
			comma = line + i;
	if (!comma || comma + 1 >= line + n)
		return -1;
	for (const char *p = comma + 1; p < line + n; p++) {
		if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

uint64_t scan_record_sum(const char *buf, size_t len)
{
	uint64_t total = 0;
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t n = end - i;
		int64_t v;

		if (n && buf[i + n - 1] == '\r')
			n--;
		v = last_field(buf + i, n);
		if (v > 0)
			total += (uint64_t)v;
		i = end + 1;
	}
	return total;
}

int scan_record_size(int sitefd, const char *dist_info, uint64_t *out)
{
	char *rel = xasprintf("%s/RECORD", dist_info);
	int fd = openat(sitefd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char *buf;
	size_t len = 0;
	ssize_t n;

	free(rel);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > RECORD_MAX_BYTES) {
		close(fd);
		return -1;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size &&
	       (n = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)n;
	close(fd);
	*out = scan_record_sum(buf, len);
	free(buf);
	return 0;
}
