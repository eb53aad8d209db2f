/* libFuzzer target: pyvenv.cfg parsing, lookups and prompt unquoting on
 * arbitrary bytes. The input is copied to an exact-size buffer so a read
 * past `len` is caught by ASan. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/pyvenv_cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct scan_cfg *cfg;
	size_t i;

	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	cfg = scan_cfg_parse(buf, size);
	for (i = 0; i < cfg->n; i++) {
		const char *v = scan_cfg_get(cfg, cfg->items[i].key);
		char *prompt;

		/* The last value of a key is what get returns. */
		if (!v)
			abort();
		prompt = scan_cfg_unquote_prompt(cfg->items[i].value);
		/* Unquoting never makes a value longer. */
		if (strlen(prompt) > strlen(cfg->items[i].value))
			abort();
		free(prompt);
		(void)scan_cfg_is_true(cfg->items[i].value);
	}
	scan_cfg_free(cfg);

	/* The whole input, NUL-terminated, as a prompt value. */
	{
		char *s = malloc(size + 1);
		char *p;

		if (s) {
			memcpy(s, buf, size);
			s[size] = '\0';
			p = scan_cfg_unquote_prompt(s);
			free(p);
			free(s);
		}
	}
	free(buf);
	return 0;
}
