#include "err.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define ELLIPSIS "..."

/* True for the second and later bytes of a UTF-8 sequence. */
static int continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

void vs_err_fit(char *out, size_t cap, const char *s)
{
	size_t len = strlen(s), room, head, tail;

	if (cap == 0)
		return;
	if (len < cap) {
		memcpy(out, s, len + 1);
		return;
	}
	if (cap <= sizeof(ELLIPSIS) + 1) {
		/* No room for both ends: the end, where the reason is. */
		memcpy(out, s + len - (cap - 1), cap - 1);
		out[cap - 1] = '\0';
		return;
	}
	/* A quarter for the head (what was done, and where the path starts),
	 * the rest for the tail: the end of the path and the reason. */
	room = cap - 1 - (sizeof(ELLIPSIS) - 1);
	head = room / 4;
	tail = room - head;
	while (head > 0 && continuation((unsigned char)s[head]))
		head--;
	while (tail > 0 && continuation((unsigned char)s[len - tail]))
		tail--;
	memcpy(out, s, head);
	memcpy(out + head, ELLIPSIS, sizeof(ELLIPSIS) - 1);
	memcpy(out + head + sizeof(ELLIPSIS) - 1, s + len - tail, tail);
	out[head + sizeof(ELLIPSIS) - 1 + tail] = '\0';
}

int vs_err_set(struct vs_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	char *full;

	if (!e)
		return code;
	/* Formatted in full first (fmt's arguments may be e->msg itself), then
	 * fitted: a long path is cut in its middle, never the reason. */
	va_start(ap, fmt);
	full = xvasprintf(fmt, ap);
	va_end(ap);
	e->code = code;
	vs_err_fit(e->msg, sizeof(e->msg), full);
	free(full);
	return code;
}
