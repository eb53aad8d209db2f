#include "sort.h"

#include <stdlib.h>
#include <string.h>

#include "../util/version.h"

static const char *const sort_names[] = {"path", "size", "name", "age", "python", "used"};

int scan_sort_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(sort_names) / sizeof(*sort_names); i++)
		if (strcmp(s, sort_names[i]) == 0)
			return (int)i;
	if (strcmp(s, "last_used") == 0 || strcmp(s, "last-used") == 0)
		return SCAN_SORT_USED;
	return -1;
}

const char *scan_sort_name(enum scan_sort key)
{
	return sort_names[key];
}

/* Negative when x sorts before y in the natural direction of `key`; unknown
 * values go last in both directions (handled by the caller). */
static int natural(const struct venv *x, const struct venv *y, enum scan_sort key, bool disk,
		   bool shown)
{
	uint64_t bx, by;

	switch (key) {
	case SCAN_SORT_SIZE:
		bx = disk ? x->size.disk_bytes : x->size.size_bytes;
		by = disk ? y->size.disk_bytes : y->size.size_bytes;
		if (bx != by)
			return bx > by ? -1 : 1;
		return 0;
	case SCAN_SORT_NAME:
		return shown ? strcmp(venv_shown_name(x), venv_shown_name(y))
			     : strcmp(x->name, y->name);
	case SCAN_SORT_AGE:
		if (x->last_modified != y->last_modified)
			return x->last_modified < y->last_modified ? -1 : 1;
		return 0;
	case SCAN_SORT_PYTHON:
		return vs_version_cmp(x->python_version, y->python_version);
	case SCAN_SORT_USED:
		if (x->last_used != y->last_used)
			return x->last_used < y->last_used ? -1 : 1;
		return 0;
	case SCAN_SORT_PATH:
		break;
	}
	return 0;
}

static bool known(const struct venv *v, enum scan_sort key)
{
	switch (key) {
	case SCAN_SORT_SIZE:
		return v->size_known;
	case SCAN_SORT_AGE:
		return v->last_modified > 0;
	case SCAN_SORT_PYTHON:
		return v->python_version != NULL;
	case SCAN_SORT_USED:
		return v->last_used > 0;
	default:
		return true;
	}
}

static enum scan_sort sort_key;
static bool sort_reverse;
static bool sort_disk;
static bool sort_shown;

static int compare(const void *pa, const void *pb)
{
	const struct venv *x = *(const struct venv *const *)pa;
	const struct venv *y = *(const struct venv *const *)pb;
	bool kx = known(x, sort_key), ky = known(y, sort_key);
	int c;

	if (kx != ky)
		return kx ? -1 : 1;
	c = kx ? natural(x, y, sort_key, sort_disk, sort_shown) : 0;
	if (c == 0)
		c = strcmp(x->path, y->path);
	if (c == 0)
		c = x->id < y->id ? -1 : x->id > y->id;
	return sort_reverse ? -c : c;
}

static void sort(struct venv **v, size_t n, enum scan_sort key, bool reverse, bool disk, bool shown)
{
	/* qsort has no context argument in C11; the consumer thread is the only
	 * caller, so file-scope state is safe. */
	sort_key = key;
	sort_reverse = reverse;
	sort_disk = disk;
	sort_shown = shown;
	if (n > 1)
		qsort(v, n, sizeof(*v), compare);
}

void scan_sort_venvs_by(struct venv **v, size_t n, enum scan_sort key, bool reverse, bool disk)
{
	sort(v, n, key, reverse, disk, true);
}

void scan_sort_venvs(struct venv **v, size_t n, enum scan_sort key, bool reverse)
{
	sort(v, n, key, reverse, false, false);
}
