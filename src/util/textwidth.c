#include "textwidth.h"

#include <langinfo.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "xalloc.h"

/* One printable unit of the input: its bytes and its width. */
struct unit {
	const char *bytes;
	size_t len;
	int width;
};

static bool utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && strcmp(cs, "UTF-8") == 0;
}

/* Splits `s` into units; '?' stands for anything unprintable. */
static struct unit *units_of(const char *s, size_t *count)
{
	size_t len = strlen(s), n = 0;
	struct unit *u = xcalloc(len + 1, sizeof(*u));
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	while (*s) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, len, &st);
		int w = -1;

		if (k != (size_t)-1 && k != (size_t)-2 && k != 0)
			w = wcwidth(wc);
		if (w < 0 || k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof(st));
			u[n++] = (struct unit){"?", 1, 1};
			s++;
			len--;
			continue;
		}
		u[n++] = (struct unit){s, k, w};
		s += k;
		len -= k;
	}
	*count = n;
	return u;
}

size_t tw_width(const char *s)
{
	size_t n, w = 0;
	struct unit *u = units_of(s, &n);

	for (size_t i = 0; i < n; i++)
		w += (size_t)u[i].width;
	free(u);
	return w;
}

static void add_units(struct strbuf *out, const struct unit *u, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		sb_add(out, u[i].bytes, u[i].len);
}

void tw_fit(struct strbuf *out, const char *s, size_t width, enum tw_cut cut, int pad)
{
	const char *ell = utf8_locale() ? "\xe2\x80\xa6" : "~";
	size_t n, total = 0, used = 0;
	struct unit *u = units_of(s, &n);

	for (size_t i = 0; i < n; i++)
		total += (size_t)u[i].width;
	if (total <= width) {
		add_units(out, u, 0, n);
		used = total;
	} else if (width > 0) {
		size_t room = width - 1, head = 0, hw = 0, tail = n, tw = 0;
		size_t head_room = cut == TW_CUT_MIDDLE ? (room + 1) / 2 : room;

		while (head < n && hw + (size_t)u[head].width <= head_room)
			hw += (size_t)u[head++].width;
		if (cut == TW_CUT_MIDDLE)
			while (tail > head && tw + (size_t)u[tail - 1].width <= room - hw)
				tw += (size_t)u[--tail].width;
		add_units(out, u, 0, head);
		sb_adds(out, ell);
		add_units(out, u, tail, n);
		used = hw + 1 + tw;
	}
	free(u);
	while (pad && used < width) {
		sb_addc(out, ' ');
		used++;
	}
}

size_t tw_take(const char *s, size_t width)
{
	size_t n, used = 0, bytes = 0, i;
	struct unit *u = units_of(s, &n);

	for (i = 0; i < n && (i == 0 || used + (size_t)u[i].width <= width); i++) {
		used += (size_t)u[i].width;
		bytes += u[i].len; /* a '?' stand-in covers one input byte: len 1 */
	}
	free(u);
	return bytes;
}
