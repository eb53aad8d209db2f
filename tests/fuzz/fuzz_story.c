/* libFuzzer target: where an env says it was made (scan/story.c): the
 * VIRTUAL_ENV= line of an activate script and pyvenv.cfg's command line,
 * from any bytes. Invariants: what comes back is an absolute path of one
 * line, holding no '$' (a shell expansion is never taken for a path). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/story.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(char *p, const char *input)
{
	if (!p)
		return;
	if (p[0] != '/' || strchr(p, '\n') || strlen(p) > strlen(input))
		abort();
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char *p;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	p = scan_story_activate_path(text);
	if (p && strchr(p, '$'))
		abort();
	check(p, text);
	check(scan_story_command_path(text), text);
	free(text);
	return 0;
}
