/* libFuzzer target: RECORD on arbitrary bytes: the size column sum and the
 * path column read as CSV (quotes, line breaks inside quotes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pip/dist_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t n, bytes, size;
};

static void on_path(void *ctx, const char *path)
{
	struct seen *s = ctx;
	size_t n = strlen(path);

	/* Never empty; unquoting only shortens, so all paths fit in the input. */
	if (n == 0 || n > s->size)
		abort();
	s->n++;
	s->bytes += n;
	if (s->bytes > s->size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size copy: a read past `size` shows in ASan. */
	char *buf = malloc(size ? size : 1);
	struct seen s = {0, 0, size};

	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	(void)scan_record_sum(buf, size);
	scan_record_paths(buf, size, on_path, &s);
	free(buf);
	return 0;
}
