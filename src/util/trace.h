/* Timing marks for the benchmarks (bench/run.sh) and the e2e timing test:
 * when $VENVSCOPE_TIMING_LOG names a file, each mark appends one line
 * "what N.N" (milliseconds) to it. When it is unset a mark costs one
 * predictable branch: production code may call these anywhere.
 *
 * Call vs_trace_start() once at start (it reads the variable and notes the
 * time marks are measured from); marks made before it are dropped. */
#ifndef VS_UTIL_TRACE_H
#define VS_UTIL_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The log file, or NULL when tracing is off (read by the inline checks). */
extern const char *vs_trace_path;

/* The monotonic clock, in nanoseconds. */
int64_t vs_now_ns(void);
/* Nanoseconds since vs_trace_start (whether tracing is on or not). */
int64_t vs_trace_elapsed_ns(void);

void vs_trace_start(void);

void vs_trace_mark_(const char *what, bool once);
void vs_trace_value_(const char *what, int64_t ns);

/* "what <ms since start>". */
static inline void vs_trace_mark(const char *what)
{
	if (__builtin_expect(vs_trace_path != NULL, 0))
		vs_trace_mark_(what, false);
}

/* The same, only the first time this `what` (the same pointer) is marked. */
static inline void vs_trace_mark_once(const char *what)
{
	if (__builtin_expect(vs_trace_path != NULL, 0))
		vs_trace_mark_(what, true);
}

/* "what <ns as ms>": a duration measured by the caller. */
static inline void vs_trace_value(const char *what, int64_t ns)
{
	if (__builtin_expect(vs_trace_path != NULL, 0))
		vs_trace_value_(what, ns);
}

#endif
