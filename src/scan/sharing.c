/* Which envs share files: see sharing.h. The envs' lists are sorted by
 * inode, so they are merged (a heap of one cursor per env, per device)
 * without copying them: each inode met in several lists names a set of
 * envs that share a file. The files of one package share the same set, so
 * each distinct set is handled once (a map keyed by the set). */
#include "sharing.h"

#include <stdio.h>
#include <stdlib.h>

#include "../util/strbuf.h"
#include "../util/strmap.h"
#include "../util/xalloc.h"
#include "inodes.h"
#include "venv.h"

struct cursor {
	const struct scan_inodes *l;
	size_t pos;
	size_t env;
};

static uint64_t ino_at(const struct cursor *c)
{
	return c->l->v[c->pos].ino;
}

static void sift_down(struct cursor *h, size_t n, size_t i)
{
	for (;;) {
		size_t m = i, a = 2 * i + 1, b = a + 1;
		struct cursor t;

		if (a < n && ino_at(&h[a]) < ino_at(&h[m]))
			m = a;
		if (b < n && ino_at(&h[b]) < ino_at(&h[m]))
			m = b;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
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

/* The envs run[0..k) (ascending) hold the same file. */
static void add_run(struct scan_sharing *s, size_t *cap, struct strmap *seen, struct strbuf *key,
		    const size_t *run, size_t k)
{
	static int mark;

	if (k < 2)
		return;
	sb_reset(key);
	for (size_t i = 0; i < k; i++)
		sb_addf(key, "%zu,", run[i]);
	if (strmap_get(seen, key->buf))
		return;
	strmap_put(seen, key->buf, &mark);
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			if (i != j)
				add_with(s, cap, run[i], run[j]);
}

struct ctx {
	struct scan_sharing *s;
	size_t *cap;
	struct strmap *seen;
	struct strbuf key;
	size_t *run;
};

/* Merges the lists of the envs h[0..n) (one device). */
static void merge(struct ctx *c, struct cursor *h, size_t n)
{
	for (size_t i = n; i-- > 0;)
		sift_down(h, n, i);
	while (n) {
		uint64_t ino = ino_at(&h[0]);
		size_t k = 0;

		/* Every list holds an inode once: the cursors at it are
		 * different envs. */
		while (n && ino_at(&h[0]) == ino) {
			c->run[k++] = h[0].env;
			if (++h[0].pos == h[0].l->n)
				h[0] = h[--n];
			sift_down(h, n, 0);
		}
		qsort(c->run, k, sizeof(*c->run), cmp_size);
		add_run(c->s, c->cap, c->seen, &c->key, c->run, k);
	}
}

static int cmp_dev(const void *pa, const void *pb)
{
	const struct cursor *a = pa, *b = pb;

	if (a->l->dev != b->l->dev)
		return a->l->dev < b->l->dev ? -1 : 1;
	return a->env < b->env ? -1 : a->env > b->env;
}

void scan_sharing_compute(struct scan_sharing *out, const struct venv *const *vs, size_t n)
{
	struct ctx c = {out, NULL, strmap_new(), STRBUF_INIT, NULL};
	struct cursor *h = xcalloc(n ? n : 1, sizeof(*h));
	size_t m = 0;

	out->n = n;
	out->with = xcalloc(n ? n : 1, sizeof(*out->with));
	out->n_with = xcalloc(n ? n : 1, sizeof(*out->n_with));
	c.cap = xcalloc(n ? n : 1, sizeof(*c.cap));
	c.run = xcalloc(n ? n : 1, sizeof(*c.run));
	for (size_t i = 0; i < n; i++)
		if (vs[i]->inodes && vs[i]->inodes->n)
			h[m++] = (struct cursor){vs[i]->inodes, 0, i};
	qsort(h, m, sizeof(*h), cmp_dev);
	for (size_t i = 0; i < m;) {
		size_t j = i + 1;

		while (j < m && h[j].l->dev == h[i].l->dev)
			j++;
		merge(&c, h + i, j - i);
		i = j;
	}
	/* Different sets can name the same pair: keep each env once. */
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		if (!out->with[i])
			continue; /* shares nothing (qsort wants an array) */
		qsort(out->with[i], out->n_with[i], sizeof(size_t), cmp_size);
		for (size_t j = 0; j < out->n_with[i]; j++)
			if (k == 0 || out->with[i][k - 1] != out->with[i][j])
				out->with[i][k++] = out->with[i][j];
		out->n_with[i] = k;
	}
	free(h);
	free(c.cap);
	free(c.run);
	sb_free(&c.key);
	strmap_free(c.seen);
}

void scan_sharing_free(struct scan_sharing *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->with[i]);
	free(s->with);
	free(s->n_with);
	s->n = 0;
}
