/* Installed distributions: finding site-packages folders of an environment
 * and reading the *.dist-info / *.egg-info found in them. Read-only. */
#ifndef VS_SCAN_PACKAGES_H
#define VS_SCAN_PACKAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

struct scan_package {
	char *name;      /* METADATA/PKG-INFO `Name` exactly as written; else from the folder name */
	char *version;   /* `Version` as written, else from the folder name; NULL when unknown */
	char *canonical; /* PEP 503: lower-case, runs of "-_." become "-" */
	char *location;  /* absolute path of the site folder it was found in */
	char *meta_dir;  /* file name of the .dist-info / .egg-info entry, relative to location */
	uint64_t size;   /* bytes its RECORD lists (valid when size_known) */
	bool size_known; /* a RECORD was read */
};

struct scan_pkg_list {
	struct scan_package *items; /* owned */
	size_t n;
	size_t cap;
	char *problem; /* the first metadata file refused: "PATH: REASON" (owned), or NULL */
};

/* The site-packages folders of the env at absolute path `env_path` (dirfd
 * `envfd` open on it): lib/python*\/site-packages, lib/pypy*\/site-packages,
 * lib64/... only when lib64 is not the same folder as lib (a symlink
 * lib64 -> lib is counted once), Lib/site-packages (Windows layout),
 * site-packages (old PyPy layout). Sorted, absolute paths.
 * Returns the count; *out is an owned array of owned strings (NULL when 0). */
size_t scan_site_dirs(char ***out, int envfd, const char *env_path);

/* Appends every distribution found directly in the site folder `site_path`
 * to `list` (directory order). Unreadable metadata still gives an entry,
 * named from the folder; an entry with no name from either is skipped.
 * Entry names match ".dist-info" / ".egg-info" in any case, and a symlinked
 * entry is followed (as importlib.metadata does). A METADATA, PKG-INFO or
 * RECORD that is there but refused (a FIFO, a device, larger than
 * VS_READ_MAX_META, unreadable; util/readfile.h) is never waited for: the
 * entry is kept and the first such file is named in list->problem
 * ("<site_path>/<entry>/METADATA: <reason>"; a missing or symlinked RECORD
 * is no problem, as before). Returns 0, or a negative code with `err` set
 * ("<site_path>: <reason>") when the folder itself cannot be read. */
int scan_packages_read(struct scan_pkg_list *list, const char *site_path, struct vs_err *err);

/* Parses RFC 822-style headers (METADATA, PKG-INFO) in buf[0..len): returns
 * the first `Name` and `Version` values (trimmed; NULL when absent). Header
 * names are matched case-insensitively; the headers end at the first empty
 * line. Caller frees both. */
void scan_metadata_parse(const char *buf, size_t len, char **name, char **version);

/* Splits a "NAME-VERSION.dist-info" / "NAME-VERSION[-pyX.Y].egg-info" file
 * name into name and version (either may come back NULL). Caller frees. */
void scan_metadata_split_dirname(const char *dirname, char **name, char **version);

/* PEP 503 canonical form of a project name. Caller frees. */
char *scan_canonical_name(const char *name);

/* Newest mtime (seconds) of `site_path` itself and of each entry directly in
 * it (lstat, no symlink followed). 0 when nothing could be read. */
int64_t scan_site_newest_mtime(const char *site_path);

void scan_pkg_list_clear(struct scan_pkg_list *list);

#endif
