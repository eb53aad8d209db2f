#include "json_quote.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "utf8.h"
/* While parsing, an escaped byte travels through cJSON as the control
 * character MARK followed by two hex digits; a real MARK is doubled. */
#define MARK '\x01'

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;

	return utf8_decode(s, strnlen((const char *)s, 4), &cp);
}

void json_quote(struct strbuf *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	sb_addc(out, '"');
	while (*s) {
		size_t n = utf8_len(s);

		if (n == 0) {
			sb_addf(out, "\\udc%02x", *s);
			s++;
			continue;
		}
		if (n > 1) {
			sb_add(out, (const char *)s, n);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':
			sb_adds(out, "\\\"");
			break;
		case '\\':
			sb_adds(out, "\\\\");
			break;
		case '\n':
			sb_adds(out, "\\n");
			break;
		case '\t':
			sb_adds(out, "\\t");
			break;
		case '\r':
			sb_adds(out, "\\r");
			break;
		default:
			if (*s < 0x20)
				sb_addf(out, "\\u%04x", *s);
			else
				sb_addc(out, (char)*s);
		}
		s++;
	}
	sb_addc(out, '"');
}

cJSON *json_string_node(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	cJSON *node;

	if (!s)
		return cJSON_CreateNull();
	json_quote(&sb, s);
	node = cJSON_CreateRaw(sb.buf);
	sb_free(&sb);
	return node;
}

/* The value of the four hex digits at p, or -1. */
static long hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int h = hex_value(p[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* The JSON text with \udcXX written as \u0001 X X and \u0001 as \u0001\u0001,
 * both of which cJSON accepts. Backslashes only occur inside strings, so
 * walking escape by escape is enough. */
static char *mark_escapes(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text;

	while (*p) {
		long cp;

		if (*p == MARK) {
			/* Invalid JSON anyway, but never mistaken for a mark. */
			sb_adds(&sb, "\\u0001\\u0001");
			p++;
			continue;
		}
		if (*p != '\\' || !p[1]) {
			sb_addc(&sb, *p++);
			continue;
		}
		if (p[1] != 'u' || (cp = hex4(p + 2)) < 0) {
			sb_add(&sb, p, 2);
			p += 2;
			continue;
		}
		if (cp >= 0xDC80 && cp <= 0xDCFF)
			sb_addf(&sb, "\\u0001%02X", (unsigned)(cp & 0xFF));
		else if (cp == MARK)
			sb_adds(&sb, "\\u0001\\u0001");
		else
			sb_add(&sb, p, 6);
		p += 6;
	}
	return sb_detach(&sb);
}

/* Undoes mark_escapes() in a parsed string, in place (it only shrinks). */
static void unmark(char *s)
{
	char *w = s;

	if (!s)
		return;
	while (*s) {
		if (s[0] == MARK && s[1] == MARK) {
			*w++ = MARK;
			s += 2;
		} else if (s[0] == MARK && hex_value(s[1]) >= 0 && hex_value(s[2]) >= 0) {
			*w++ = (char)(hex_value(s[1]) * 16 + hex_value(s[2]));
			s += 3;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

static void unmark_tree(cJSON *n)
{
	for (; n; n = n->next) {
		unmark(n->string);
		if (cJSON_IsString(n))
			unmark(n->valuestring);
		unmark_tree(n->child);
	}
}

cJSON *json_parse_bytes(const char *text)
{
	char *marked = mark_escapes(text);
	cJSON *root = cJSON_Parse(marked);

	free(marked);
	unmark_tree(root);
	return root;
}
