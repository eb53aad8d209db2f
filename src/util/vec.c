/* The one growable array of pointers. */
#include "vec.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void vs_vec_init(struct vs_vec *vec, void (*free_item)(void *))
{
	memset(vec, 0, sizeof(*vec));
	vec->free_item = free_item;
}

void vs_vec_init_strs(struct vs_vec *vec)
{
	vs_vec_init(vec, free);
}

void vs_vec_push(struct vs_vec *vec, void *item)
{
	/* One slot more than asked, so vs_vec_terminate never moves v. */
	vec->v = xgrow(vec->v, &vec->cap, vec->n + 2, sizeof(*vec->v));
	vec->v[vec->n++] = item;
}

void vs_vec_push_str(struct vs_vec *vec, const char *s)
{
	vs_vec_push(vec, xstrdup(s));
}

void **vs_vec_terminate(struct vs_vec *vec)
{
	vec->v = xgrow(vec->v, &vec->cap, vec->n + 1, sizeof(*vec->v));
	vec->v[vec->n] = NULL;
	return vec->v;
}

void *vs_vec_take(struct vs_vec *vec, size_t i)
{
	void *item = vec->v[i];

	memmove(vec->v + i, vec->v + i + 1, (vec->n - i - 1) * sizeof(*vec->v));
	vec->n--;
	return item;
}

void **vs_vec_steal(struct vs_vec *vec, size_t *n)
{
	void **v = vs_vec_terminate(vec);

	if (n)
		*n = vec->n;
	vec->v = NULL;
	vec->n = vec->cap = 0;
	return v;
}

void vs_vec_clear(struct vs_vec *vec)
{
	if (vec->free_item)
		for (size_t i = 0; i < vec->n; i++)
			vec->free_item(vec->v[i]);
	free(vec->v);
	vec->v = NULL;
	vec->n = vec->cap = 0;
}

void vs_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
