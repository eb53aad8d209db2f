/* The paths in a git index file (git's Documentation/gitformat-index.txt).
 *
 * Layout: "DIRC", version, entry count (big-endian 32-bit); the entries;
 * the extensions (4-byte signature, 32-bit size, data); a 20-byte SHA-1 of
 * all that. An entry is 40 bytes of stat data, a 20-byte object name, 16
 * bits of flags (assume-valid, extended, 2 bits of stage, 12 bits of name
 * length saturating at 0xFFF), 16 more bits of flags when "extended" is set
 * (version 3 and up), then the path: NUL-terminated and padded with NULs to
 * a multiple of 8 bytes in versions 2 and 3; in version 4 a varint N and a
 * NUL-terminated suffix that replaces the last N bytes of the previous
 * entry's path, without padding. */
#include "git_index.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/ascii.h"
#include "../util/readfile.h"
#include "../util/xalloc.h"

#define HEADER_SIZE 12u
#define TRAILER_SIZE 20u /* SHA-1; a SHA-256 repository does not add up and is UNSUPPORTED */
#define ENTRY_FIXED 62u  /* stat data, object name, flags */
#define FLAG_EXTENDED 0x4000u
#define NAME_MASK 0x0fffu
#define MAX_FILE ((size_t)1 << 32) /* git's entry count and offsets are 32-bit */

struct scan_index {
	char *names;    /* every path, NUL-terminated, in index order */
	size_t *offset; /* entry i's path is names + offset[i] */
	size_t n, cap, names_len, names_cap;
	/* The file this was read from, to tell when it changed. */
	bool exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static struct scan_index *index_new(void)
{
	return xcalloc(1, sizeof(struct scan_index));
}

void scan_index_free(struct scan_index *ix)
{
	if (!ix)
		return;
	free(ix->names);
	free(ix->offset);
	free(ix);
}

/* Appends a path: the first `keep` bytes of the previous one (0 when
 * there is none), then `tail`. */
static void add_name(struct scan_index *ix, size_t keep, const char *tail, size_t tail_len)
{
	size_t need = ix->names_len + keep + tail_len + 1;
	size_t prev = ix->n ? ix->offset[ix->n - 1] : 0;

	if (need > ix->names_cap) {
		ix->names_cap = need > 2 * ix->names_cap ? need : 2 * ix->names_cap;
		ix->names = xrealloc(ix->names, ix->names_cap);
	}
	ix->offset = xgrow(ix->offset, &ix->cap, ix->n + 1, sizeof(*ix->offset));
	ix->offset[ix->n++] = ix->names_len;
	/* By offset, not pointer: the realloc above may have moved it. */
	memmove(ix->names + ix->names_len, ix->names + prev, keep);
	memcpy(ix->names + ix->names_len + keep, tail, tail_len);
	ix->names[need - 1] = '\0';
	ix->names_len = need;
}

static const char *name_at(const struct scan_index *ix, size_t i)
{
	return ix->names + ix->offset[i];
}

/* git's varint of version 4 (varint.c): 7 bits a byte, high bit "more",
 * and each continuation adds one so that no value has two spellings. */
static bool read_varint(const unsigned char **p, const unsigned char *end, uint64_t *out)
{
	uint64_t v;
	unsigned char c;

	if (*p >= end)
		return false;
	c = *(*p)++;
	v = c & 127u;
	while (c & 128u) {
		if (*p >= end || v > (UINT64_MAX >> 8))
			return false;
		c = *(*p)++;
		v = ((v + 1) << 7) | (c & 127u);
	}
	*out = v;
	return true;
}

/* One entry at *p (not past `end`, where the extensions or the trailer
 * begin); moves *p past it. False when it is not one this reader takes. */
static bool read_entry(struct scan_index *ix, uint32_t version, const unsigned char **p,
		       const unsigned char *end)
{
	const unsigned char *e = *p, *name;
	size_t fixed = ENTRY_FIXED, len;
	uint16_t flags;
	uint32_t mode;

	if ((size_t)(end - e) < fixed)
		return false;
	mode = be32(e + 24);
	/* A sparse index's folder entry: only with "sdir", but be sure. */
	if ((mode & 0170000u) == 0040000u)
		return false;
	flags = be16(e + 60);
	if (flags & FLAG_EXTENDED) {
		if (version < 3)
			return false;
		fixed += 2;
		if ((size_t)(end - e) < fixed)
			return false;
	}
	name = e + fixed;
	if (version == 4) {
		uint64_t strip;
		const unsigned char *suffix, *nul;
		size_t prev_len = ix->n ? strlen(name_at(ix, ix->n - 1)) : 0;

		if (!read_varint(&name, end, &strip) || strip > prev_len)
			return false;
		suffix = name;
		nul = memchr(suffix, '\0', (size_t)(end - suffix));
		if (!nul)
			return false;
		len = prev_len - (size_t)strip + (size_t)(nul - suffix);
		if ((flags & NAME_MASK) != NAME_MASK && len != (flags & NAME_MASK))
			return false;
		add_name(ix, prev_len - (size_t)strip, (const char *)suffix, (size_t)(nul - suffix));
		*p = nul + 1;
	} else {
		const unsigned char *nul = memchr(name, '\0', (size_t)(end - name));
		size_t size;

		if (!nul)
			return false;
		len = (size_t)(nul - name);
		if ((flags & NAME_MASK) != NAME_MASK && len != (flags & NAME_MASK))
			return false;
		/* The entry is padded with 1 to 8 NULs to a multiple of 8. */
		size = (fixed + len + 8) & ~(size_t)7;
		if ((size_t)(end - e) < size)
			return false;
		add_name(ix, 0, (const char *)name, len);
		*p = e + size;
	}
	if (len == 0)
		return false;
	/* git keeps entries sorted by path (then stage); the lookups rely on it. */
	if (ix->n > 1 && strcmp(name_at(ix, ix->n - 2), name_at(ix, ix->n - 1)) > 0)
		return false;
	return true;
}

/* The extensions between *p and `end`: optional ones (an upper-case first
 * letter) are skipped; a required one changes what the entries mean. */
static bool read_extensions(const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		uint32_t size;

		if ((size_t)(end - p) < 8)
			return false;
		if (!(p[0] >= 'A' && p[0] <= 'Z'))
			return false; /* "link" (split index), "sdir" (sparse), or unknown */
		size = be32(p + 4);
		if ((size_t)(end - p) - 8 < size)
			return false;
		p += 8 + (size_t)size;
	}
	return true;
}

enum scan_index_result scan_index_parse(struct scan_index **out, const unsigned char *data,
					size_t len)
{
	struct scan_index *ix;
	const unsigned char *p, *end;
	uint32_t version, count;

	*out = NULL;
	if (len < HEADER_SIZE + TRAILER_SIZE || memcmp(data, "DIRC", 4) != 0)
		return SCAN_INDEX_UNSUPPORTED;
	version = be32(data + 4);
	count = be32(data + 8);
	if (version < 2 || version > 4)
		return SCAN_INDEX_UNSUPPORTED;
	ix = index_new();
	p = data + HEADER_SIZE;
	end = data + len - TRAILER_SIZE;
	for (uint32_t i = 0; i < count; i++) {
		if (!read_entry(ix, version, &p, end)) {
			scan_index_free(ix);
			return SCAN_INDEX_UNSUPPORTED;
		}
	}
	if (!read_extensions(p, end)) {
		scan_index_free(ix);
		return SCAN_INDEX_UNSUPPORTED;
	}
	*out = ix;
	return SCAN_INDEX_OK;
}

static void stamp(struct scan_index *ix, const struct stat *st)
{
	ix->exists = true;
	ix->dev = st->st_dev;
	ix->ino = st->st_ino;
	ix->size = st->st_size;
	ix->mtime = st->st_mtim;
}

enum scan_index_result scan_index_read(struct scan_index **out, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	enum scan_index_result rc = SCAN_INDEX_UNSUPPORTED;
	char *buf;
	size_t len;
	struct stat st;

	*out = NULL;
	if (fd < 0) {
		if (errno != ENOENT)
			return SCAN_INDEX_UNSUPPORTED;
		*out = index_new(); /* no index yet: nothing is tracked */
		return SCAN_INDEX_OK;
	}
	/* The stamp first: a change while reading makes the next look stale. */
	if (fstat(fd, &st) == 0 && vs_read_fd(fd, MAX_FILE, &buf, &len) == 0) {
		rc = scan_index_parse(out, (const unsigned char *)buf, len);
		if (rc == SCAN_INDEX_OK)
			stamp(*out, &st);
		free(buf);
	}
	close(fd);
	return rc;
}

bool scan_index_stale(const struct scan_index *ix, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return ix->exists;
	return !ix->exists || st.st_dev != ix->dev || st.st_ino != ix->ino ||
	       st.st_size != ix->size || st.st_mtim.tv_sec != ix->mtime.tv_sec ||
	       st.st_mtim.tv_nsec != ix->mtime.tv_nsec;
}

bool scan_index_has_prefix(const struct scan_index *ix, const char *prefix, bool icase)
{
	size_t plen = strlen(prefix), lo = 0, hi = ix->n;

	if (icase) {
		for (size_t i = 0; i < ix->n; i++)
			if (vs_ascii_ncasecmp(name_at(ix, i), prefix, plen) == 0)
				return true;
		return false;
	}
	/* The first path not before `prefix`: any path starting with it sorts
	 * at or after it, and before every path that does not that follows. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(name_at(ix, mid), prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->n && strncmp(name_at(ix, lo), prefix, plen) == 0;
}

size_t scan_index_count(const struct scan_index *ix)
{
	return ix->n;
}

const char *scan_index_path(const struct scan_index *ix, size_t i)
{
	return name_at(ix, i);
}
