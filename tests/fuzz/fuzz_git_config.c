/* libFuzzer target: git config parsing on arbitrary bytes, copied to an
 * exact-size buffer so a read past `len` is caught by ASan. A value the
 * reader is sure of must be an absolute path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/git_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct scan_git_config cfg = {0};

	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	scan_git_config_parse(&cfg, buf, size, "/home/u");
	if (!cfg.unsure && cfg.excludes_file && cfg.excludes_file[0] != '/')
		abort();
	scan_git_config_clear(&cfg);
	free(buf);
	return 0;
}
