/* libFuzzer target: the config and state files' parser (cli/config.c).
 * The input is not NUL-terminated, so a read past its end is caught by
 * ASan. Invariants:
 *  - every error names the file and a line that exists: "cfg:N: ..." with
 *    1 <= N <= the input's line count;
 *  - the state file takes no roots, excludes nor binds;
 *  - numbers stay in their ranges (depth >= -1, stale-days >= 0, threads
 *    0..1024) and every bind has a key and an action without spaces. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct cli_settings *s, size_t lines)
{
	for (size_t i = 0; i < s->errors.n; i++) {
		const char *e = s->errors.v[i];
		long n;

		if (strncmp(e, "cfg:", 4) != 0)
			abort();
		n = strtol(e + 4, NULL, 10);
		if (n < 1 || (size_t)n > lines)
			abort();
	}
	if (s->depth < -1 || s->stale_days < 0 || s->threads < 0 || s->threads > 1024)
		abort();
	for (size_t i = 0; i < s->binds.n; i++) {
		const struct cli_bind *b = s->binds.v[i];

		if (!*b->key || !*b->action || strpbrk(b->key, " \t") || strpbrk(b->action, " \t"))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct cli_settings s;
	size_t lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += buf[i] == '\n';
	cli_settings_init(&s);
	cli_settings_parse(&s, CLI_SRC_FILE, "cfg", buf, size);
	check(&s, lines);
	cli_settings_free(&s);

	cli_settings_init(&s);
	cli_settings_parse(&s, CLI_SRC_STATE, "cfg", buf, size);
	check(&s, lines);
	if (s.roots.n || s.excludes.n || s.binds.n)
		abort();
	cli_settings_free(&s);
	return 0;
}
