#include "dist_record.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../util/readfile.h"
#include "../util/xalloc.h"

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

int scan_record_size(int sitefd, const char *dist_info, uint64_t *out, struct vs_err *err)
{
	char *rel = xasprintf("%s/RECORD", dist_info);
	char *buf;
	size_t len;
	int rc = vs_read_at(sitefd, rel, VS_READ_NOFOLLOW, VS_READ_MAX_META, &buf, &len, err);

	if (rc < 0) {
		int e = errno;

		free(rel);
		errno = e;
		return VS_EFAIL;
	}
	free(rel);
	*out = scan_record_sum(buf, len);
	free(buf);
	return 0;
}

/* One CSV field starting at buf[*i], unquoted into the growing buffer *f; stops
 * after the comma or at the end of the row. Returns true when the row goes
 * on (a comma ended the field). */
static bool csv_field(const char *buf, size_t len, size_t *i, char **f, size_t *cap)
{
	size_t n = 0;
	bool quoted = *i < len && buf[*i] == '"';
	bool more = false;

	if (quoted)
		(*i)++;
	while (*i < len) {
		char c = buf[*i];

		if (quoted && c == '"') {
			if (*i + 1 < len && buf[*i + 1] == '"') {
				*i += 2;
				c = '"';
			} else {
				(*i)++;
				quoted = false;
				continue;
			}
		} else if (!quoted && (c == ',' || c == '\n' || c == '\r')) {
			(*i)++;
			if (c == ',') {
				more = true;
			} else if (c == '\r' && *i < len && buf[*i] == '\n') {
				(*i)++;
			}
			break;
		} else {
			(*i)++;
		}
		if (n + 2 > *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*f = xrealloc(*f, *cap);
		}
		(*f)[n++] = c;
	}
	if (n + 1 > *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*f = xrealloc(*f, *cap);
	}
	(*f)[n] = '\0';
	return more;
}

void scan_record_paths(const char *buf, size_t len, void (*fn)(void *ctx, const char *path), void *ctx)
{
	char *field = NULL, *skip = NULL;
	size_t cap = 0, skip_cap = 0, i = 0;

	while (i < len) {
		bool more = csv_field(buf, len, &i, &field, &cap);

		if (field[0])
			fn(ctx, field);
		while (more)
			more = csv_field(buf, len, &i, &skip, &skip_cap);
	}
	free(field);
	free(skip);
}
