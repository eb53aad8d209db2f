/* libFuzzer target: theme files. Must never crash; a parsed theme has every
 * colour in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct ui_theme *t = NULL;
	struct vs_err err = {0};

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (ui_theme_parse(&t, text, "fuzz", &err) == 0) {
		for (int r = 0; r < UI_ROLE_COUNT; r++)
			if (t->roles[r].fg < -1 || t->roles[r].fg > 255 || t->roles[r].bg < -1 ||
			    t->roles[r].bg > 255)
				abort();
		ui_theme_free(t);
	} else if (!err.msg[0]) {
		abort();
	}
	free(text);
	return 0;
}
