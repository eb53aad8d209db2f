/* Text for a terminal: display width of UTF-8 strings and fitting them into
 * columns. Bytes that are not valid in the current locale and control
 * characters (a newline in a folder name) are shown as '?', so one env is
 * always one line. Call setlocale(LC_CTYPE, "") first for UTF-8. */
#ifndef VS_UTIL_TEXTWIDTH_H
#define VS_UTIL_TEXTWIDTH_H

#include <stddef.h>

#include "strbuf.h"

enum tw_cut { TW_CUT_END, TW_CUT_MIDDLE };

/* Columns `s` takes once made printable. */
size_t tw_width(const char *s);

/* Appends `s` made printable and fitted into `width` columns: cut at the
 * end or in the middle with an ellipsis when too wide, and padded with
 * spaces to exactly `width` when `pad` is set. */
void tw_fit(struct strbuf *out, const char *s, size_t width, enum tw_cut cut, int pad);

/* Bytes of the longest prefix of `s` that fits in `width` columns (at
 * least one character when `s` is not empty, so a caller always advances). */
size_t tw_take(const char *s, size_t width);

#endif
