/* `pip freeze`, natively: the formatter.
 *
 * scan_freeze_format() turns the distributions pip would see (read from
 * disk by scan_freeze_read(), freeze_read.h) into the exact text
 * `python -m pip freeze` prints: one requirement per line, "\n" endings,
 * sorted by name lower-cased, with pip's comment lines for editables. It is
 * a pure function of its inputs: no disk access, no global state.
 *
 * pip's behaviour depends on its version and on the Python it runs on
 * (which metadata backend it uses, which packages it hides); `struct
 * scan_freeze_rules` names both, so the same list formats the way that
 * pip would. The reference versions are pip 23.0-25.x (importlib.metadata
 * on Python >= 3.11, pkg_resources before). */
#ifndef VS_SCAN_FREEZE_H
#define VS_SCAN_FREEZE_H

#include <stdbool.h>
#include <stddef.h>

#include "direct_url.h"

/* ---- warnings ---- */

/* Sentences for the user (stderr in the CLI), in the order they arose. */
struct scan_msgs {
	char **v; /* owned */
	size_t n;
	size_t cap;
};

void scan_msgs_add(struct scan_msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void scan_msgs_clear(struct scan_msgs *m);

/* ---- which pip to imitate ---- */

enum scan_freeze_backend {
	SCAN_FREEZE_IMPORTLIB,     /* importlib.metadata: pip on Python >= 3.11 */
	SCAN_FREEZE_PKG_RESOURCES, /* pkg_resources: pip on Python <= 3.10 */
};

struct scan_freeze_rules {
	int pip_major, pip_minor; /* the env's pip; 0.0 = none: the newest rules */
	int py_major, py_minor;   /* the env's Python; 0.0 = unknown: taken as new */
	enum scan_freeze_backend backend;
	bool hide_pkg_resources; /* this pip also hides pkg-resources (Debian's patch) */
};

/* Fills `r` from version strings ("3.11.7", "24.2"; NULL when unknown);
 * hide_pkg_resources starts false. */
void scan_freeze_rules_init(struct scan_freeze_rules *r, const char *python_version,
			    const char *pip_version);

/* ---- one distribution, as read from disk ---- */

enum scan_meta_state {
	SCAN_META_OK,       /* METADATA / PKG-INFO read (maybe without Name or Version) */
	SCAN_META_MISSING,  /* no metadata file: name from the entry, no header values */
	SCAN_META_NOT_UTF8, /* the file is not UTF-8: pip stops with a traceback */
};

enum scan_du_state {
	SCAN_DU_NONE, /* no direct_url.json */
	SCAN_DU_OK,   /* parsed: `du` is valid */
	SCAN_DU_BAD,  /* present but malformed: pip warns and ignores it */
};

enum scan_vcs_state {
	SCAN_VCS_NONE,           /* the editable folder is not in a git work tree */
	SCAN_VCS_GIT,            /* url, commit (and subdir) are known */
	SCAN_VCS_GIT_NO_REMOTE,  /* a git work tree without any remote */
	SCAN_VCS_GIT_BAD_REMOTE, /* remote (raw in url) is neither a URL, a path nor scp-like */
	SCAN_VCS_GIT_NO_COMMIT,  /* HEAD does not name a commit (a repository without one) */
};

struct scan_vcs_info {
	enum scan_vcs_state state;
	char *url;    /* GIT: remote as pip writes it (file:// for paths); BAD_REMOTE: as configured */
	char *commit; /* GIT: full hex id of HEAD */
	char *subdir; /* GIT: project folder relative to the repository root, or NULL */
};

struct scan_freeze_dist {
	char *location; /* absolute folder the entry was found in */
	char *entry;    /* the *.dist-info / *.egg-info name in `location` */
	bool is_dir;    /* `entry` is a folder (an egg-info may be a file) */
	enum scan_meta_state meta;
	char *meta_name;    /* the Name header exactly as Python returns it, or NULL */
	char *meta_version; /* the Version header likewise, or NULL */
	char *version_line; /* pkg_resources' "version:" line value, or NULL */
	enum scan_du_state du_state;
	struct scan_direct_url du; /* valid when du_state == SCAN_DU_OK */
	bool local;                /* installed under the env's own prefix (for --local) */
	bool editable;             /* pip calls it editable */
	char *editable_location;   /* editable: the project folder pip prints */
	struct scan_vcs_info vcs;  /* editable: version control of that folder */
	char *problem;             /* non-NULL: pip would stop with an error here; why */
};

void scan_freeze_dist_clear(struct scan_freeze_dist *d);

/* ---- the rules, one by one (exposed for the reader and for tests) ---- */

/* pip's canonical name of a distribution: from the entry name ("Foo_Bar-1.0
 * .dist-info" -> "foo-bar") the way the backend reads it, else from the
 * Name header. NULL when there is none (pip skips it with a warning).
 * Caller frees. */
char *scan_freeze_canonical(const struct scan_freeze_rules *r, const char *entry,
			    const char *meta_name);

/* The key under which pip keeps one distribution per name, first found
 * wins: the canonical name (importlib; pip < 24.2 takes it from the Name
 * header only) or pkg_resources' safe_name lower-cased ("foo.bar" and
 * "foo-bar" differ there). NULL: pip skips it with a warning. */
char *scan_freeze_dedupe_key(const struct scan_freeze_rules *r, const char *entry,
			     const char *meta_name);

/* The name pip prints: the Name header as written, else the canonical
 * name. Caller frees; NULL when neither exists. */
char *scan_freeze_raw_name(const struct scan_freeze_rules *r, const struct scan_freeze_dist *d);

/* PEP 508 project-name check pip applies to the canonical name: letters,
 * digits and ".-_", starting and ending with a letter or digit. */
bool scan_freeze_valid_name(const char *canonical);

/* packaging's canonicalize_name(): runs of "-_." become "-", lower-cased.
 * Caller frees. */
char *scan_freeze_canonicalize(const char *name);

/* What follows the name in "Name==V" (or "Name===V" when *legacy is set):
 * the version normalised by PEP 440, taken where this pip takes it. NULL
 * when there is none (pip stops with an error). Caller frees. */
char *scan_freeze_version(const struct scan_freeze_rules *r, const struct scan_freeze_dist *d,
			  bool *legacy);

/* Whether pip freeze hides this canonical name: python, wsgiref, argparse
 * always; without --all also pip, and setuptools, wheel, distribute on
 * Python < 3.12 (pip >= 23.2) or on any Python (pip 23.0 and 23.1), and
 * pkg-resources where the pip is Debian's (hide_pkg_resources). */
bool scan_freeze_hidden(const struct scan_freeze_rules *r, const char *canonical, bool all);

/* ---- the whole output ---- */

struct scan_freeze_opts {
	bool local;            /* --local: only distributions under the env's prefix */
	bool all;              /* --all: do not hide pip, setuptools, ... */
	bool exclude_editable; /* --exclude-editable */
};

/* The text pip freeze prints for `dists` (n entries in the order pip finds
 * them, one per dedupe key). Distributions pip would skip or stop on are
 * left out with a sentence in `warn` (may be NULL). Returns an owned
 * NUL-terminated string ("" when nothing is left); *len is its length. */
char *scan_freeze_format(size_t *len, const struct scan_freeze_dist *dists, size_t n,
			 const struct scan_freeze_rules *r, const struct scan_freeze_opts *o,
			 struct scan_msgs *warn);

/* ---- comparing with a file that exists ---- */

/* Lines of `new` that `old` lacks (added) and lines of `old` that `new`
 * lacks (removed), each counted as often as it differs, in the order they
 * appear; "\n" and "\r\n" line ends are ignored. */
struct scan_freeze_diff {
	char **added; /* owned */
	size_t n_added;
	char **removed; /* owned */
	size_t n_removed;
};

void scan_freeze_diff_lines(struct scan_freeze_diff *out, const char *old, size_t old_len,
			    const char *new_text, size_t new_len);
void scan_freeze_diff_clear(struct scan_freeze_diff *d);

#endif
