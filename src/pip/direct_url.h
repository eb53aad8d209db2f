/* direct_url.json (PEP 610): where a distribution was installed from, read
 * exactly as pip's models/direct_url.py validates it. Pure: bytes in,
 * struct out. */
#ifndef VS_SCAN_DIRECT_URL_H
#define VS_SCAN_DIRECT_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/err.h"

enum scan_direct_kind {
	SCAN_DIRECT_VCS,     /* vcs_info: a VCS checkout at a commit */
	SCAN_DIRECT_ARCHIVE, /* archive_info: a wheel or sdist file or URL */
	SCAN_DIRECT_DIR,     /* dir_info: a local folder (maybe editable) */
};

struct scan_direct_url {
	enum scan_direct_kind kind;
	char *url;          /* "url", as written */
	char *subdirectory; /* "subdirectory", or NULL */
	char *vcs;          /* VCS: vcs_info.vcs ("git") */
	char *commit_id;    /* VCS: vcs_info.commit_id */
	char *hash;         /* ARCHIVE: archive_info.hash ("sha256=..."), or NULL */
	bool editable;      /* DIR: dir_info.editable */
};

/* Parses json[0..len). Accepts what pip accepts: an object with a string
 * "url", an optional string "subdirectory", and exactly one of
 * archive_info / dir_info / vcs_info (objects; vcs and commit_id required
 * strings, requested_revision an optional string, hash an optional
 * "name=value" string, hashes an optional object, editable an optional
 * boolean). A repeated key counts once, its last value (Python's json).
 * Text must be UTF-8. Returns 0 with *out filled (free with
 * scan_direct_url_clear), or VS_EUSAGE with `err` saying what is wrong
 * (pip then ignores the file with a warning). */
int scan_direct_url_parse(struct scan_direct_url *out, const char *json, size_t len,
			  struct vs_err *err);

void scan_direct_url_clear(struct scan_direct_url *d);

/* The requirement pip freeze prints for a non-editable direct install:
 * "NAME @ URL" where URL is <vcs>+<url>@<commit_id> (vcs), url plus
 * "#<hash>" (archive), or url (dir); "subdirectory=<s>" is added as a
 * fragment (after the hash with "&"). Caller frees. */
char *scan_direct_url_requirement(const struct scan_direct_url *d, const char *name);

/* The local path of a file: URL as pip's url_to_path() computes it
 * ("file:///a%20b" -> "/a b"; host must be empty or "localhost"), made
 * absolute and normalised like os.path.abspath. Returns NULL for any other
 * URL (pip stops with an error there). Caller frees. */
char *scan_file_url_to_path(const char *url);

#endif
