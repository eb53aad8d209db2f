/* libFuzzer target: METADATA / PKG-INFO header parsing, dist-info name
 * splitting and PEP 503 names on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pip/packages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_canonical(const char *name)
{
	char *c = scan_canonical_name(name);
	char *again = scan_canonical_name(c);

	/* Canonical form is stable and never longer than the name. */
	if (strcmp(c, again) != 0 || strlen(c) > strlen(name))
		abort();
	free(again);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	char *s = malloc(size + 1);
	char *name = NULL, *version = NULL;

	if (!buf || !s) {
		free(buf);
		free(s);
		return 0;
	}
	if (size)
		memcpy(buf, data, size);
	/* Exact-size copy: a read past `size` shows in ASan. */
	scan_metadata_parse(buf, size, &name, &version);
	if (name)
		check_canonical(name);
	free(name);
	free(version);

	memcpy(s, buf, size);
	s[size] = '\0';
	scan_metadata_split_dirname(s, &name, &version);
	if (name) {
		if (!*name || strchr(name, '-'))
			abort(); /* the name is the part before the first '-' */
		check_canonical(name);
	}
	if (version && !*version)
		abort();
	free(name);
	free(version);
	free(s);
	free(buf);
	return 0;
}
