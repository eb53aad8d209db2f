/* libFuzzer target: direct_url.json and the JSON reader under it
 * (pip/pyjson.c, json.loads' rules). The input is not NUL-terminated, so a
 * read past its end is caught by ASan. Invariants:
 *  - a refusal always says why;
 *  - what is accepted prints (cJSON) to text that is accepted again and
 *    prints the same (the reader agrees with itself on its own output);
 *  - a direct_url.json that parses gives a requirement that names it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pip/direct_url.h"
#include "pip/pyjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const char *buf, size_t size)
{
	struct vs_err err = {0};
	cJSON *doc = pyjson_parse(buf, size, &err), *again;
	char *one, *two;

	if (!doc) {
		if (!err.msg[0])
			abort();
		return;
	}
	one = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!one)
		return; /* cJSON's own limits (allocation) */
	again = pyjson_parse(one, strlen(one), &err);
	if (!again)
		abort();
	two = cJSON_PrintUnformatted(again);
	cJSON_Delete(again);
	if (!two || strcmp(one, two) != 0)
		abort();
	free(one);
	free(two);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct scan_direct_url du;
	struct vs_err err = {0};

	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	round_trip(buf, size);
	if (scan_direct_url_parse(&du, buf, size, &err) == 0) {
		char *req = scan_direct_url_requirement(&du, "n");

		if (strncmp(req, "n @ ", 4) != 0)
			abort();
		free(req);
		scan_direct_url_clear(&du);
	}
	free(buf);
	return 0;
}
