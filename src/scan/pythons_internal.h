/* Private to src/scan/pythons*.c: the candidates before they are merged. */
#ifndef VS_SCAN_PYTHONS_INTERNAL_H
#define VS_SCAN_PYTHONS_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "pythons.h"

struct pythons_cand {
	char *path;         /* owned */
	const char *source; /* static */
	dev_t dev;
	ino_t ino;
};

struct pythons_cands {
	struct pythons_cand *v;
	size_t n, cap;
};

/* Appends every candidate of the places pythons.h lists, in that order
 * (PATH first), each an executable regular file outside any environment;
 * one file may come several times under different names. */
void pythons_gather(struct pythons_cands *c, const char *home, const char *const *extra,
		    size_t n_extra);

#endif
