/* Path and text helpers that behave exactly like the Python functions pip
 * relies on, so that what venvscope prints matches pip byte for byte.
 * Pure string functions (no file system access) unless said otherwise. */
#ifndef VS_SCAN_PYPATH_H
#define VS_SCAN_PYPATH_H

#include <stdbool.h>
#include <stddef.h>

/* posixpath.normpath: "." segments and doubled slashes go, ".." is
 * resolved lexically, no trailing slash; a leading "//" (exactly two) is
 * kept; "" becomes ".". Caller frees. */
char *py_normpath(const char *p);

/* posixpath.abspath with `cwd` as the current folder (cwd must be
 * absolute). Caller frees. */
char *py_abspath(const char *p, const char *cwd);

/* posixpath.relpath(path, start) for two absolute, normalised paths.
 * Caller frees. */
char *py_relpath(const char *path, const char *start);

/* Whether s[0..n) is valid UTF-8 (what Python's strict decoder accepts:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
bool py_utf8_valid(const char *s, size_t n);

/* A Python string may hold U+0000 (a NUL in METADATA, "\u0000" in JSON);
 * the C strings here carry it as the bytes C0 80 ("modified UTF-8"), which
 * never occur in decoded text (they are not valid UTF-8). The freeze text
 * turns them back into NUL bytes when it is finished. */
#define PY_NUL "\xc0\x80"

/* s[0..n) with every NUL byte as PY_NUL, NUL-terminated; *out_len set.
 * Caller frees. */
char *py_nul_encode(const char *s, size_t n, size_t *out_len);

/* Turns every PY_NUL of s[0..n) back into a NUL byte, in place; returns
 * the new length. */
size_t py_nul_decode(char *s, size_t n);

/* strcmp() where PY_NUL counts as U+0000, so it sorts first like Python's
 * str comparison. */
int py_strcmp(const char *a, const char *b);

/* str.lower() for UTF-8 text: ASCII, Latin-1, Latin Extended-A, Greek
 * and Cyrillic letters are mapped; other characters are kept. Invalid
 * bytes are kept as they are. Caller frees. */
char *py_lower(const char *s);

/* Length of s[0..n) once trailing white space (Python's str.isspace(),
 * ASCII and Unicode) is removed, as str.rstrip() does. */
size_t py_rstrip_len(const char *s, size_t n);

/* urllib.parse.quote_from_bytes(s, safe="/"): every byte except
 * letters, digits, "_.-~" and "/" becomes %XX. Caller frees. */
char *py_url_quote(const char *s);

/* A match of Python's re "\w" for the character at s (ASCII letters,
 * digits and "_", and any non-ASCII letter, approximated as any byte of a
 * multi-byte UTF-8 sequence). */
bool py_is_word_byte(unsigned char c);

#endif
