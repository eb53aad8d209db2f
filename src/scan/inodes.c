/* Hard-linked files shared with the outside of a tree: see inodes.h. */
#include "inodes.h"

#include <stdlib.h>

#include "../util/xalloc.h"

void scan_inodes_free(struct scan_inodes *l)
{
	if (!l)
		return;
	free(l->v);
	free(l);
}

size_t scan_inodes_mem(const struct scan_inodes *l)
{
	return l ? sizeof(*l) + l->n * sizeof(*l->v) : 0;
}

/* One entry of a merged list: the device comes from its tree. */
struct tagged {
	dev_t dev;
	const struct scan_inode *e;
};

static int cmp_tagged(const void *pa, const void *pb)
{
	const struct tagged *a = pa, *b = pb;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->e->ino != b->e->ino)
		return a->e->ino < b->e->ino ? -1 : 1;
	return 0;
}

uint64_t scan_inodes_union_freeable(const struct scan_inodes *const *ls, size_t n)
{
	size_t total = 0, k = 0;
	struct tagged *all;
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		total += ls[i] ? ls[i]->n : 0;
	if (total < 2)
		return 0; /* one partial entry alone never has all its links */
	all = xcalloc(total, sizeof(*all));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; ls[i] && j < ls[i]->n; j++)
			all[k++] = (struct tagged){ls[i]->dev, &ls[i]->v[j]};
	qsort(all, total, sizeof(*all), cmp_tagged);
	for (size_t i = 0; i < total;) {
		uint64_t seen = 0;
		size_t j = i;

		/* The same inode in several trees: its links add up. When
		 * its st_nlink changed between walks, the largest is the
		 * cautious one (it claims less). */
		uint32_t nlink = all[i].e->nlink;
		for (; j < total && cmp_tagged(&all[i], &all[j]) == 0; j++) {
			seen += all[j].e->seen;
			if (all[j].e->nlink > nlink)
				nlink = all[j].e->nlink;
		}
		if (seen >= nlink)
			sum += all[i].e->disk;
		i = j;
	}
	free(all);
	return sum;
}

static int cmp_ino(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

uint64_t scan_inodes_linked(const struct scan_inodes *tree, const struct scan_inodes *const *others,
			    size_t n)
{
	size_t total = 0, k = 0;
	uint64_t *inos, sum = 0;

	if (!tree)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (others[i] && others[i] != tree && others[i]->dev == tree->dev)
			total += others[i]->n;
	if (!total)
		return 0;
	/* All the others' inodes in one sorted array: one search per file of
	 * the tree, however many envs there are. */
	inos = xcalloc(total, sizeof(*inos));
	for (size_t i = 0; i < n; i++)
		if (others[i] && others[i] != tree && others[i]->dev == tree->dev)
			for (size_t j = 0; j < others[i]->n; j++)
				inos[k++] = others[i]->v[j].ino;
	qsort(inos, total, sizeof(*inos), cmp_ino);
	for (size_t j = 0; j < tree->n; j++)
		if (bsearch(&tree->v[j].ino, inos, total, sizeof(*inos), cmp_ino))
			sum += tree->v[j].disk;
	free(inos);
	return sum;
}

bool scan_inodes_overlap(const struct scan_inodes *a, const struct scan_inodes *b)
{
	size_t i = 0, j = 0;

	if (!a || !b || a == b || a->dev != b->dev)
		return false;
	while (i < a->n && j < b->n) {
		if (a->v[i].ino == b->v[j].ino)
			return true;
		if (a->v[i].ino < b->v[j].ino)
			i++;
		else
			j++;
	}
	return false;
}
