/* One growable array of pointers, with an owner flag (htop's Vector): a
 * vector made with a free function owns its items and frees them with it;
 * one made with NULL only borrows them. Every hand-grown array of pointers
 * in venvscope is one of these, and so is every list of strings. */
#ifndef VS_UTIL_VEC_H
#define VS_UTIL_VEC_H

#include <stdbool.h>
#include <stddef.h>

struct vs_vec {
	void **v; /* the items, v[0..n) */
	size_t n, cap;
	void (*free_item)(void *); /* non-NULL: the vector owns its items */
};

/* A vector that frees its items with `free_item` (NULL: borrowed items).
 * A zeroed struct is an empty vector of borrowed items. */
void vs_vec_init(struct vs_vec *vec, void (*free_item)(void *));
/* An empty vector that owns strings (freed with free). */
void vs_vec_init_strs(struct vs_vec *vec);

/* Appends `item` (taking it when the vector owns its items). */
void vs_vec_push(struct vs_vec *vec, void *item);
/* Appends a copy of `s` (for a vector that owns strings). */
void vs_vec_push_str(struct vs_vec *vec, const char *s);
/* Appends a NULL after the items without counting it, so v can be passed
 * where a NULL-terminated array is wanted (argv). Returns v. */
void **vs_vec_terminate(struct vs_vec *vec);
/* Removes item i (shifting the rest down) and returns it: it is the
 * caller's now, whoever owned it. */
void *vs_vec_take(struct vs_vec *vec, size_t i);
/* Hands the array over: returns it (NULL-terminated) with its n items,
 * which the caller now owns, and leaves the vector empty. */
void **vs_vec_steal(struct vs_vec *vec, size_t *n);
/* Frees the items (when owned) and the array; the vector is empty after,
 * and keeps its owner flag. */
void vs_vec_clear(struct vs_vec *vec);

/* Frees n strings and the array holding them (a NULL array is fine). */
void vs_strv_free(char **v, size_t n);

#endif
