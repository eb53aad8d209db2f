/* JSON read by Python's rules (json.loads, as pip reads direct_url.json),
 * into a cJSON tree. What it accepts and refuses is exactly what json.loads
 * does, where cJSON's own parser differs:
 *  - white space is only space, tab, newline and carriage return;
 *  - a raw control character (below 0x20) inside a string is refused;
 *  - anything but white space after the value is refused ("Extra data");
 *  - NaN, Infinity and -Infinity are numbers;
 *  - numbers follow -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][-+]?[0-9]+)? (no "01",
 *    "+1", "1.", ".5"), of any length;
 *  - a lone surrogate escape (\ud800) is accepted, kept in its 3-byte form;
 *  - a repeated key is kept twice (Python keeps the last one: look up the
 *    last member).
 * A U+0000 in a string (\u0000) is carried as the bytes C0 80 (PY_NUL), as
 * pymeta does for a NUL in METADATA. Nesting deeper than PYJSON_MAX_DEPTH is
 * refused (Python would stop with a RecursionError). The text must be
 * valid UTF-8 without a byte order mark: the caller checks that first. */
#ifndef VS_PIP_PYJSON_H
#define VS_PIP_PYJSON_H

#include <cJSON.h>
#include <stddef.h>

#include "../util/err.h"

#define PYJSON_MAX_DEPTH 900

/* Parses text[0..len). Returns the tree (free with cJSON_Delete), or NULL
 * with `err` (VS_EUSAGE) saying what json.loads would: "Extra data",
 * "Invalid control character", "Expecting value"... and the offset. */
cJSON *pyjson_parse(const char *text, size_t len, struct vs_err *err);

#endif
