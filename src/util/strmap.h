/* A map from strings to pointers (open addressing, FNV-1a). The map owns
 * copies of its keys, never the values: the caller frees those. */
#ifndef VS_UTIL_STRMAP_H
#define VS_UTIL_STRMAP_H

#include <stddef.h>

struct strmap;

struct strmap *strmap_new(void);
/* Frees the map and its keys; strmap_free(NULL) does nothing. */
void strmap_free(struct strmap *m);

/* The value stored under `key`, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
/* Stores `value` (not NULL) under `key`, replacing any; returns the old value or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *value);

size_t strmap_len(const struct strmap *m);
/* Visits every pair in no particular order. */
void strmap_each(const struct strmap *m, void (*fn)(const char *key, void *value, void *ctx),
		 void *ctx);

#endif
