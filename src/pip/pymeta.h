/* METADATA / PKG-INFO as Python reads them for pip: header values exactly
 * as email.message_from_string() (policy compat32) returns them, and the
 * "version:" line pkg_resources looks for. Pure string functions. */
#ifndef VS_SCAN_PYMETA_H
#define VS_SCAN_PYMETA_H

#include <stdbool.h>
#include <stddef.h>

/* Text as Python's text mode reads it: "\r\n" and "\r" become "\n".
 * Caller frees; *out_len set. */
char *pymeta_universal_newlines(const char *text, size_t len, size_t *out_len);

/* The first value of header `field` (matched case-insensitively) in
 * text[0..len), or NULL when there is none. Rules of Python's feedparser:
 * lines end at "\r\n", "\r" or "\n"; headers stop at the first line that
 * is neither "Name:"-like (printable ASCII without spaces before the
 * colon), a continuation (leading space or tab) nor a "From " line; the
 * value is the text after the colon with leading spaces and tabs removed,
 * plus every continuation line as written (line breaks included), with
 * trailing "\r" and "\n" removed. Trailing spaces are kept. Caller frees. */
char *pymeta_header(const char *text, size_t len, const char *field);

/* pkg_resources' reading of a version: the first line, anywhere in the
 * text, that once stripped starts with "version:" in any case; returns its
 * value stripped, or NULL (also when that value is empty). Caller frees. */
char *pymeta_version_line(const char *text, size_t len);

#endif
