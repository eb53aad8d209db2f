/* conda, mamba, micromamba and pixi prefixes: what their conda-meta folder
 * says, read natively (cJSON, the bounded reader), never by running conda.
 *
 * A prefix is a folder holding conda-meta/history (conda, mamba and
 * micromamba write it at creation) or conda-meta/pixi (pixi's marker). Its
 * packages are the JSON records conda-meta/<name>-<version>-<build>.json,
 * one per conda package, with the keys conda writes (name, version, build,
 * build_number, channel, url, md5, fn, subdir, files, depends ...).
 * Read-only. */
#ifndef VS_SCAN_CONDA_H
#define VS_SCAN_CONDA_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/err.h"

/* Bytes of conda-meta/history read at discovery: its head, where the
 * command that made the env is. */
#define SCAN_CONDA_HISTORY_HEAD (64 * 1024)

/* One conda package record; any field may be NULL when the record lacks it. */
struct scan_conda_rec {
	char *name;
	char *version;
	char *build;
	char *channel; /* as written: a URL (.../conda-forge/linux-64) or a name */
	char *url;
	char *md5;
	char *fn;
	char *subdir;
};

/* What the head of conda-meta/history says about how the env was made: its
 * first `# cmd:` (or micromamba's `# cmd_line:`) line. */
struct scan_conda_history {
	char *name;          /* -n NAME / --name NAME / --name=NAME, or NULL */
	char *prefix;        /* -p PATH / --prefix PATH / --prefix=PATH, or NULL */
	const char *manager; /* "conda", "mamba", "micromamba" (static), or NULL */
	bool junk;           /* bytes that are not text (a NUL, invalid UTF-8) */
};

/* Every record of a prefix, and the dist-info folders they installed. */
struct scan_conda {
	struct scan_conda_rec *recs; /* sorted by name; owned */
	size_t n, cap;
	char **owned; /* basenames of *.dist-info / *.egg-info the records' `files`
		       * list (conda's, not pip's); sorted; owned */
	size_t n_owned, owned_cap;
	char *problem; /* the first record refused: "conda-meta/F: REASON"; owned */
	size_t n_bad;  /* how many records were refused */
};

/* True when the open folder `fd` holds a regular conda-meta/history or
 * conda-meta/pixi (no symbolic link followed at the last component). */
bool scan_conda_is_prefix(int fd);
/* True when it holds conda-meta/pixi: a pixi env. */
bool scan_conda_is_pixi(int fd);

/* Parses buf[0..len) as conda-meta/history text. Never fails; fields not
 * found stay NULL. Caller clears with scan_conda_history_clear. */
void scan_conda_history_parse(struct scan_conda_history *out, const char *buf, size_t len);
void scan_conda_history_clear(struct scan_conda_history *h);

/* Reads the head of conda-meta/history below the open prefix `envfd`.
 * Returns 0, or a negative code with `err` set (missing, not a file ...). */
int scan_conda_history_read(struct scan_conda_history *out, int envfd, struct vs_err *err);

/* Parses one JSON record buf[0..len) into `out`, and appends to `c->owned`
 * (when `c` is not NULL) the dist-info folders its `files` list. Returns 0,
 * or VS_EUSAGE with `err` saying why (not JSON, not an object, no name). */
int scan_conda_record_parse(struct scan_conda_rec *out, struct scan_conda *c, const char *buf,
			    size_t len, struct vs_err *err);
void scan_conda_rec_clear(struct scan_conda_rec *r);

/* Reads every conda-meta/<file>.json record of the open prefix `envfd` into
 * `out` (zeroed first). A record that cannot be read or parsed (too large
 * for VS_READ_MAX_META, broken JSON, a FIFO ...) is counted in n_bad and
 * named in `problem`; the others are still read. Returns 0, or a negative
 * code with `err` when conda-meta itself cannot be read. */
int scan_conda_read(struct scan_conda *out, int envfd, struct vs_err *err);

/* True when the site-packages entry `meta_dir` (a *.dist-info basename)
 * was installed by a conda record, false when pip (or another installer)
 * put it there. */
bool scan_conda_owns(const struct scan_conda *c, const char *meta_dir);

/* The Python version its conda-meta/python-X.Y.Z-*.json record names
 * ("3.11.7"), from the file name alone; NULL when there is none. */
char *scan_conda_python_version(int envfd);

/* The channel's name as `conda env export` writes it: "conda-forge" for
 * https://conda.anaconda.org/conda-forge/linux-64, "defaults" for
 * repo.anaconda.com's pkgs/main, pkgs/r ..., a name as is, any other URL
 * without its subdir. Caller frees; NULL for NULL. */
char *scan_conda_channel_name(const char *channel, const char *subdir);

/* How many packages the env holds: its records, plus the dists of `pip`
 * (its site-packages) that no record installed. */
struct scan_pkg_list;
size_t scan_conda_package_count(const struct scan_conda *c, const struct scan_pkg_list *pip);

void scan_conda_clear(struct scan_conda *c);
void scan_conda_free(struct scan_conda *c);

#endif
