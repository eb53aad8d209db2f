/* Duplicates across envs (issue 14): the same distribution - the same
 * canonical name and version - installed in several scanned envs, and how
 * many of its bytes are already shared through hard links against how many
 * are duplicated.
 *
 * A copy's files are the ones its RECORD lists, lstat'd (never followed)
 * relative to its site folder. Only paths that stay inside the site folder
 * are counted: "../../../bin/x" scripts (their shebang names their own env,
 * so they can never be one file for two envs) and absolute paths are left
 * out, and so is a path through a symlinked folder. A file missing from
 * disk is skipped; a copy whose RECORD cannot be read (egg-info, a
 * symlinked dist-info, refused), or whose site folder resolves outside its
 * env, is left out of its group.
 *
 * For each group, over its copies (sizes of distinct (dev, ino) only):
 *   copy      = bytes of one copy's distinct inodes; per_copy the largest;
 *   total     = sum over copies of copy;
 *   unique    = bytes of the distinct inodes across all copies;
 *   shared    = total - unique  (already saved by hard links);
 *   duplicated = unique - per_copy (what linking every copy would still save).
 * The disk figures (st_blocks * 512) drive the order: the space you get
 * back; the apparent ones (st_size) come along.
 *
 * Reads the disk, never writes. scan_dupes_find reads the venvs (the
 * model's): call it on the consumer's thread, or split it (below). */
#ifndef VS_SCAN_DUPES_H
#define VS_SCAN_DUPES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct venv;

struct scan_dupe_bytes {
	uint64_t per_copy;   /* the largest copy */
	uint64_t total;      /* all copies, a hard link counted in each copy it is in */
	uint64_t shared;     /* total - unique */
	uint64_t duplicated; /* unique - per_copy */
};

struct scan_dupe_group {
	char *name;      /* Name as written in the first copy's METADATA (envs in path order) */
	char *canonical; /* PEP 503 */
	char *version;   /* as written in the first copy */
	char **envs;     /* the envs' paths, sorted, each once; owned */
	size_t n_envs;   /* at least 2 */
	size_t copies;   /* installations counted (an env with two site folders may hold two) */
	struct scan_dupe_bytes disk;     /* st_blocks * 512: the order */
	struct scan_dupe_bytes apparent; /* st_size */
	uint64_t files;                  /* files counted, all copies */
	uint64_t missing;                /* RECORD paths absent from disk (skipped) */
	uint64_t outside;                /* RECORD paths outside the site folder (not counted) */
};

struct scan_dupes {
	struct scan_dupe_group *groups; /* by disk.duplicated, largest first; ties by name, version */
	size_t n;
};

/* Groups the distributions of the envs vs[0..n) whose packages are known
 * (an env whose packages are not known yet is left out). A name and
 * version are the same when the canonical names are equal and the
 * versions are equal as PEP 440 writes them (str(Version)), or as written
 * when one is not a valid version. A group needs at least two envs. */
void scan_dupes_find(struct scan_dupes *out, const struct venv *const *vs, size_t n);
void scan_dupes_free(struct scan_dupes *d);

/* scan_dupes_find in two steps, for a thread of its own: the input is a
 * copy of what it needs from the envs (the candidates of a group: names,
 * versions, folders), made on the consumer's thread and owned by the
 * caller; scan_dupes_run then reads only it and the disk, from any thread.
 * It returns false, *out partial (free it), when `cancel` (may be NULL)
 * became true. */
struct scan_dupes_input;
struct scan_dupes_input *scan_dupes_input_new(const struct venv *const *vs, size_t n);
void scan_dupes_input_free(struct scan_dupes_input *in);
bool scan_dupes_run(struct scan_dupes *out, const struct scan_dupes_input *in,
		    const atomic_bool *cancel);

/* The group in words, one line, disk figures:
 * "numpy 1.26.4 — 14 envs, 1.1 GiB duplicated, 0 shared (80 MiB a copy)";
 * "14 envs (15 copies)" when an env holds two. Name and version as
 * written (the caller escapes them for a terminal). */
struct strbuf;
void scan_dupe_text(struct strbuf *sb, const struct scan_dupe_group *g);

/* The arithmetic alone, for tests: one counted file of one copy. */
struct scan_dupe_file {
	dev_t dev;
	ino_t ino;
	uint64_t disk, apparent;
	size_t copy; /* 0 .. copies-1 */
};

/* Fills `disk` and `apparent` from files[0..n) of `copies` copies (the
 * array is reordered). */
void scan_dupes_figures(struct scan_dupe_bytes *disk, struct scan_dupe_bytes *apparent,
			struct scan_dupe_file *files, size_t n, size_t copies);

#endif
