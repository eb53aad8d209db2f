#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

const char *vs_trace_path;
static int64_t start_ns;
static const char *once_seen[16]; /* the `what`s vs_trace_mark_once has written */

int64_t vs_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t vs_trace_elapsed_ns(void)
{
	return vs_now_ns() - start_ns;
}

void vs_trace_start(void)
{
	const char *p = getenv("VENVSCOPE_TIMING_LOG");

	start_ns = vs_now_ns();
	vs_trace_path = p && *p ? p : NULL;
}

void vs_trace_value_(const char *what, int64_t ns)
{
	FILE *f = fopen(vs_trace_path, "a");

	if (!f)
		return;
	fprintf(f, "%s %.1f\n", what, (double)ns / 1e6);
	fclose(f);
}

void vs_trace_mark_(const char *what, bool once)
{
	if (once) {
		size_t i = 0;

		while (i < sizeof(once_seen) / sizeof(*once_seen) && once_seen[i] &&
		       once_seen[i] != what)
			i++;
		if (i == sizeof(once_seen) / sizeof(*once_seen) || once_seen[i])
			return; /* written already (or the table is full) */
		once_seen[i] = what;
	}
	vs_trace_value_(what, vs_now_ns() - start_ns);
}
