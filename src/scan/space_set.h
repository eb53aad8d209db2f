/* What deleting several envs together frees (issue 14). Each env brings
 * what deleting it alone frees and its hard-linked files that have links
 * outside it (inodes.h); any subset's figure is then a pure computation
 * over those lists. A file is freed when all its links lie in the subset's
 * envs (two cp -al twins deleted together free everything, either alone
 * frees little). */
#ifndef VS_SCAN_SPACE_SET_H
#define VS_SCAN_SPACE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scan_inodes;
struct venv;

struct scan_space_set {
	size_t n;
	const struct scan_inodes **inodes; /* per env; NULL: no file linked outside */
	uint64_t *own;                     /* what deleting the env alone frees */
	bool *known;                       /* walked with nothing unreadable */
	bool owns;                         /* the lists are ours to free (measured) */
};

/* Walks the envs at `paths` (never following a symlink or leaving their
 * filesystem). An env that cannot be read whole is marked unknown. */
void scan_space_set_measure(struct scan_space_set *s, const char *const *paths, size_t n);

/* The same from the scan's results, in memory (no walk): the lists stay
 * the envs', which must outlive `s`. An env not sized is unknown. */
void scan_space_set_from_venvs(struct scan_space_set *s, const struct venv *const *vs, size_t n);

/* Bytes freed by deleting the envs i with pick[i] (pick NULL: all);
 * false when one of them is unknown. */
bool scan_space_set_freeable(const struct scan_space_set *s, const bool *pick, uint64_t *out);

/* The same for the env i alone. */
bool scan_space_set_one(const struct scan_space_set *s, size_t i, uint64_t *out);

/* scan_space_set_freeable() in words, into buf: "12 MiB", or "an unknown
 * amount (some files could not be read)". Returns buf. */
const char *scan_space_set_text(char *buf, size_t n, const struct scan_space_set *s, const bool *pick);

void scan_space_set_free(struct scan_space_set *s);

#endif
