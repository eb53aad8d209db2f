/* What deleting several envs together frees: see space_set.h. */
#include "space_set.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/human.h"
#include "../util/xalloc.h"
#include "size.h"
#include "venv.h"

static void alloc(struct scan_space_set *s, size_t n, bool owns)
{
	s->n = n;
	s->owns = owns;
	s->inodes = xcalloc(n ? n : 1, sizeof(*s->inodes));
	s->own = xcalloc(n ? n : 1, sizeof(*s->own));
	s->known = xcalloc(n ? n : 1, sizeof(*s->known));
}

void scan_space_set_measure(struct scan_space_set *s, const char *const *paths, size_t n)
{
	alloc(s, n, true);
	for (size_t i = 0; i < n; i++) {
		int fd = open(paths[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct scan_size_links *links;
		struct scan_size sz;
		struct stat st;

		if (fd < 0)
			continue;
		links = scan_size_links_new();
		s->known[i] = fstat(fd, &st) == 0 && scan_size_tree_links(&sz, fd, links) == 0 &&
			      sz.errors == 0;
		if (s->known[i]) {
			s->own[i] = sz.freeable_bytes + scan_size_links_freeable(links);
			s->inodes[i] = scan_size_links_export(links, st.st_dev);
		}
		scan_size_links_free(links);
		close(fd);
	}
}

void scan_space_set_from_venvs(struct scan_space_set *s, const struct venv *const *vs, size_t n)
{
	alloc(s, n, false);
	for (size_t i = 0; i < n; i++) {
		s->known[i] = venv_freeable_known(vs[i]);
		s->own[i] = s->known[i] ? vs[i]->size.freeable_bytes : 0;
		s->inodes[i] = s->known[i] ? vs[i]->inodes : NULL;
	}
}

bool scan_space_set_freeable(const struct scan_space_set *s, const bool *pick, uint64_t *out)
{
	const struct scan_inodes **ls = xcalloc(s->n ? s->n : 1, sizeof(*ls));
	size_t k = 0;
	uint64_t sum = 0;
	bool known = true;

	for (size_t i = 0; i < s->n; i++) {
		if (pick && !pick[i])
			continue;
		known &= s->known[i];
		sum += s->own[i];
		ls[k++] = s->inodes[i];
	}
	*out = sum + scan_inodes_union_freeable(ls, k);
	free(ls);
	return known;
}

bool scan_space_set_one(const struct scan_space_set *s, size_t i, uint64_t *out)
{
	/* Alone, a file linked outside never has all its links inside. */
	*out = s->own[i];
	return s->known[i];
}

void scan_space_set_free(struct scan_space_set *s)
{
	if (s->owns)
		for (size_t i = 0; i < s->n; i++)
			scan_inodes_free((struct scan_inodes *)s->inodes[i]);
	free(s->inodes);
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
