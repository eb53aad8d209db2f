/* A distribution's RECORD file (the CSV of installed files, hashes and
 * sizes that pip writes into *.dist-info): how many bytes the package put on
 * disk, without walking its files. */
#ifndef VS_SCAN_RECORD_H
#define VS_SCAN_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

/* Sum of the size column of RECORD in buf[0..len]: the last field of each
 * line, when it is a number (RECORD's own line and .pyc entries have none).
 * CSV quoting of the path is handled because the size is the last field. */
uint64_t scan_record_sum(const char *buf, size_t len);

/* Reads dist_info/RECORD relative to the directory fd `sitefd` (a regular
 * file, not a symlink, at most VS_READ_MAX_META, never blocking;
 * util/readfile.h) and sums it. Returns 0 and *out, or VS_EFAIL when there
 * is no readable RECORD: errno ENOENT when there is none, else `err` (may
 * be NULL) says "DIST_INFO/RECORD: REASON". */
int scan_record_size(int sitefd, const char *dist_info, uint64_t *out, struct vs_err *err);

/* Calls fn(ctx, path) with the path column (the first field) of each row of
 * RECORD in buf[0..len], in file order: CSV as Python's csv module writes
 * it (a quoted field may hold commas, line breaks and "" for a quote; the
 * path given is unquoted and NUL-terminated, valid during the call only).
 * Empty paths are skipped. Paths are as written: relative to the site
 * folder, and may hold "../" (scripts) or be absolute. */
void scan_record_paths(const char *buf, size_t len, void (*fn)(void *ctx, const char *path), void *ctx);

#endif
