/* Which envs share files: see sharing.h. Every kept inode of every env is
 * put in one array sorted by (dev, ino); each run of equal inodes names a
 * set of envs that share a file. The files of one package share the same
 * set, so each distinct set is seen once (a map keyed by the set). */
#include "sharing.h"

#include <stdio.h>
#include <stdlib.h>

#include "../util/strbuf.h"
#include "../util/strmap.h"
#include "../util/xalloc.h"
#include "inodes.h"
#include "venv.h"

struct entry {
	dev_t dev;
	uint64_t ino;
	size_t env;
};

static int cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return a->env < b->env ? -1 : a->env > b->env;
}

static int cmp_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	return a < b ? -1 : a > b;
}

static void add_with(struct scan_sharing *s, size_t *cap, size_t i, size_t j)
{
	if (s->n_with[i] == cap[i]) {
		cap[i] = cap[i] ? cap[i] * 2 : 4;
		s->with[i] = xrealloc(s->with[i], cap[i] * sizeof(*s->with[i]));
	}
	s->with[i][s->n_with[i]++] = j;
}

/* One run of entries [a, b) of the same inode, envs ascending. */
static void add_run(struct scan_sharing *s, size_t *cap, struct strmap *seen, struct strbuf *key,
		    const struct entry *a, const struct entry *b)
{
	static int mark;
	size_t k = 0;

	sb_reset(key);
	for (const struct entry *e = a; e < b; e++)
		if (e == a || e->env != e[-1].env) {
			sb_addf(key, "%zu,", e->env);
			k++;
		}
	if (k < 2 || strmap_get(seen, key->buf))
		return;
	strmap_put(seen, key->buf, &mark);
	for (const struct entry *x = a; x < b; x++) {
		if (x != a && x->env == x[-1].env)
			continue;
		for (const struct entry *y = a; y < b; y++)
			if (y->env != x->env && (y == a || y->env != y[-1].env))
				add_with(s, cap, x->env, y->env);
	}
}

void scan_sharing_compute(struct scan_sharing *out, const struct venv *const *vs, size_t n)
{
	size_t total = 0, k = 0, *cap;
	struct strmap *seen = strmap_new();
	struct strbuf key = STRBUF_INIT;
	struct entry *all;

	out->n = n;
	out->with = xcalloc(n ? n : 1, sizeof(*out->with));
	out->n_with = xcalloc(n ? n : 1, sizeof(*out->n_with));
	cap = xcalloc(n ? n : 1, sizeof(*cap));
	for (size_t i = 0; i < n; i++)
		total += vs[i]->inodes ? vs[i]->inodes->n : 0;
	all = xcalloc(total ? total : 1, sizeof(*all));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; vs[i]->inodes && j < vs[i]->inodes->n; j++)
			all[k++] = (struct entry){vs[i]->inodes->dev, vs[i]->inodes->v[j].ino, i};
	qsort(all, total, sizeof(*all), cmp_entry);
	for (size_t i = 0; i < total;) {
		size_t j = i + 1;

		while (j < total && all[j].dev == all[i].dev && all[j].ino == all[i].ino)
			j++;
		add_run(out, cap, seen, &key, all + i, all + j);
		i = j;
	}
	/* Different sets can name the same pair: keep each env once. */
	for (size_t i = 0; i < n; i++) {
		size_t m = 0;

		qsort(out->with[i], out->n_with[i], sizeof(size_t), cmp_size);
		for (size_t j = 0; j < out->n_with[i]; j++)
			if (m == 0 || out->with[i][m - 1] != out->with[i][j])
				out->with[i][m++] = out->with[i][j];
		out->n_with[i] = m;
	}
	free(all);
	free(cap);
	sb_free(&key);
	strmap_free(seen);
}

void scan_sharing_free(struct scan_sharing *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->with[i]);
	free(s->with);
	free(s->n_with);
	s->n = 0;
}
