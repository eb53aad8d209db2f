/* What deleting several envs together frees: see space_set.h. */
#include "space_set.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../util/human.h"
#include "../util/xalloc.h"
#include "size.h"

void scan_space_set_measure(struct scan_space_set *s, const char *const *paths, size_t n)
{
	s->n = n;
	s->links = xcalloc(n ? n : 1, sizeof(*s->links));
	s->own = xcalloc(n ? n : 1, sizeof(*s->own));
	s->known = xcalloc(n ? n : 1, sizeof(*s->known));
	for (size_t i = 0; i < n; i++) {
		int fd = open(paths[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct scan_size sz;

		s->links[i] = scan_size_links_new();
		if (fd < 0)
			continue;
		s->known[i] = scan_size_tree_links(&sz, fd, s->links[i]) == 0 && sz.errors == 0;
		s->own[i] = sz.freeable_bytes;
		close(fd);
	}
}

bool scan_space_set_freeable(const struct scan_space_set *s, const bool *pick, uint64_t *out)
{
	struct scan_size_links **ls = xcalloc(s->n ? s->n : 1, sizeof(*ls));
	size_t k = 0;
	uint64_t sum = 0;
	bool known = true;

	for (size_t i = 0; i < s->n; i++) {
		if (pick && !pick[i])
			continue;
		known &= s->known[i];
		sum += s->own[i];
		ls[k++] = s->links[i];
	}
	*out = sum + scan_size_union_freeable(ls, k);
	free(ls);
	return known;
}

bool scan_space_set_one(const struct scan_space_set *s, size_t i, uint64_t *out)
{
	*out = s->own[i] + scan_size_union_freeable(&s->links[i], 1);
	return s->known[i];
}

void scan_space_set_free(struct scan_space_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		scan_size_links_free(s->links[i]);
	free(s->links);
	free(s->own);
	free(s->known);
	s->n = 0;
}

const char *scan_space_set_text(char *buf, size_t n, const struct scan_space_set *s, const bool *pick)
{
	uint64_t b;

	if (!scan_space_set_freeable(s, pick, &b))
		return snprintf(buf, n, "an unknown amount (some files could not be read)"), buf;
	human_size(buf, n, b);
	return buf;
}
