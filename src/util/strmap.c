/* Open addressing with linear probing, kept under 3/4 full. */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct slot {
	char *key; /* NULL: empty */
	void *value;
	uint64_t hash;
};

struct strmap {
	struct slot *slots;
	size_t cap; /* a power of two */
	size_t len;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

struct strmap *strmap_new(void)
{
	struct strmap *m = xcalloc(1, sizeof(*m));

	m->cap = 16;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	return m;
}

void strmap_free(struct strmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

static size_t find(const struct slot *slots, size_t cap, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	while (slots[i].key && !(slots[i].hash == h && strcmp(slots[i].key, key) == 0))
		i = (i + 1) & (cap - 1);
	return i;
}

static void grow(struct strmap *m)
{
	size_t ncap = m->cap * 2;
	struct slot *n = xcalloc(ncap, sizeof(*n));

	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			n[find(n, ncap, m->slots[i].key, m->slots[i].hash)] = m->slots[i];
	free(m->slots);
	m->slots = n;
	m->cap = ncap;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	return m->slots[find(m->slots, m->cap, key, fnv1a(key))].value;
}

void *strmap_put(struct strmap *m, const char *key, void *value)
{
	uint64_t h = fnv1a(key);
	size_t i;
	void *old;

	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	i = find(m->slots, m->cap, key, h);
	old = m->slots[i].value;
	if (!m->slots[i].key) {
		m->slots[i].key = xstrdup(key);
		m->slots[i].hash = h;
		m->len++;
	}
	m->slots[i].value = value;
	return old;
}

size_t strmap_len(const struct strmap *m)
{
	return m->len;
}

void strmap_each(const struct strmap *m, void (*fn)(const char *key, void *value, void *ctx), void *ctx)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			fn(m->slots[i].key, m->slots[i].value, ctx);
}
