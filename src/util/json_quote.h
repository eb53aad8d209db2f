/* JSON strings that keep every byte: file names on Linux are bytes, not
 * text, so a path that is not valid UTF-8 must still round-trip.
 *
 * Writing keeps valid UTF-8 as it is and writes every other byte as \udcXX
 * (XX = the byte), Python's surrogateescape convention. cJSON refuses such
 * lone surrogates when parsing, so json_parse_bytes() reads them back. */
#ifndef VS_UTIL_JSON_QUOTE_H
#define VS_UTIL_JSON_QUOTE_H

#include <cJSON.h>

#include "strbuf.h"

/* Appends `s` as a quoted JSON string, escaped as above. */
void json_quote(struct strbuf *out, const char *s);

/* A cJSON node printing `s` escaped as above (a raw node, since cJSON would
 * double our backslashes); NULL -> JSON null. */
cJSON *json_string_node(const char *s);

/* cJSON_Parse() that also accepts \udc80..\udcff and turns each back into
 * its byte in every string (keys and values) of the result. NULL when the
 * text is not JSON. Free with cJSON_Delete(). */
cJSON *json_parse_bytes(const char *text);

#endif
