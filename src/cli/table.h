/* The plain-text table of `venvscope list`. */
#ifndef VS_CLI_TABLE_H
#define VS_CLI_TABLE_H

#include <stdio.h>
#include <time.h>

#include "../scan/venv.h"

/* Prints a header, one row per env and a totals line. `width` is the
 * terminal width in columns, or 0 for no limit (the path is never cut). */
void cli_print_table(FILE *out, struct venv *const *v, size_t n, size_t width, time_t now,
		     const char *home);

#endif
