/* json.loads' grammar (Lib/json/decoder.py, scanner.py), by recursive
 * descent into cJSON nodes. */
#include "pyjson.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/hex.h"
#include "../util/strbuf.h"
#include "../util/utf8.h"
#include "../util/xalloc.h"
#include "pypath.h"

struct pj {
	const char *s;
	size_t len, i;
	int depth;
	struct vs_err *err;
};

static cJSON *value(struct pj *p);

static int fail(struct pj *p, const char *what)
{
	return vs_err_set(p->err, VS_EUSAGE, "%s (at byte %zu)", what, p->i);
}

static bool at(const struct pj *p, char c)
{
	return p->i < p->len && p->s[p->i] == c;
}

static bool word(const struct pj *p, const char *w)
{
	size_t n = strlen(w);

	return p->len - p->i >= n && memcmp(p->s + p->i, w, n) == 0;
}

/* json's WHITESPACE: [ \t\n\r]* */
static void ws(struct pj *p)
{
	while (p->i < p->len &&
	       (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

/* The 4 hex digits at s[i..i+4), or -1. */
static long hex4_at(const struct pj *p, size_t i)
{
	long v = 0;

	if (p->len - i < 4)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		int h = hex_value(p->s[i + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* After a backslash-u at p->i (pointing at 'u'): the character, a
 * surrogate pair joined as Python's scanstring joins it. */
static int unicode_escape(struct pj *p, struct strbuf *sb)
{
	long cp = hex4_at(p, p->i + 1), lo;

	if (cp < 0)
		return fail(p, "Invalid \\uXXXX escape");
	p->i += 5;
	if (cp >= 0xd800 && cp <= 0xdbff && p->len - p->i >= 6 && p->s[p->i] == '\\' &&
	    p->s[p->i + 1] == 'u' && (lo = hex4_at(p, p->i + 2)) >= 0xdc00 && lo <= 0xdfff) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p->i += 6;
	}
	if (cp == 0)
		sb_adds(sb, PY_NUL);
	else
		utf8_put(sb, (uint32_t)cp);
	return 0;
}

/* A string; p->i is just after the opening quote. Caller frees. */
static char *string(struct pj *p)
{
	static const char plain[] = "\"\\/bfnrt", real[] = "\"\\/\b\f\n\r\t";
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, "");
	for (;;) {
		const char *e;
		unsigned char c;

		if (p->i >= p->len) {
			fail(p, "Unterminated string");
			goto bad;
		}
		c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			return sb_detach(&sb);
		}
		if (c < 0x20) {
			fail(p, "Invalid control character");
			goto bad;
		}
		if (c != '\\') {
			sb_addc(&sb, (char)c);
			p->i++;
			continue;
		}
		p->i++;
		if (p->i >= p->len) {
			fail(p, "Unterminated string");
			goto bad;
		}
		if (p->s[p->i] == 'u') {
			if (unicode_escape(p, &sb) < 0)
				goto bad;
			continue;
		}
		e = p->s[p->i] ? strchr(plain, p->s[p->i]) : NULL;
		if (!e) {
			fail(p, "Invalid \\escape");
			goto bad;
		}
		sb_addc(&sb, real[e - plain]);
		p->i++;
	}
bad:
	sb_free(&sb);
	return NULL;
}

static size_t digits(const struct pj *p, size_t i)
{
	while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
		i++;
	return i;
}

/* NUMBER_RE = r'(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?', or NaN /
 * Infinity / -Infinity. Only the type matters to pip's checks; the value
 * is strtod's. */
static cJSON *number(struct pj *p)
{
	size_t i = p->i, j;
	char *text;
	double v;
	cJSON *n;

	if (word(p, "NaN") || word(p, "Infinity") || word(p, "-Infinity")) {
		v = p->s[p->i] == 'N' ? NAN : p->s[p->i] == '-' ? -INFINITY : INFINITY;
		p->i += p->s[p->i] == 'N' ? 3 : p->s[p->i] == '-' ? 9 : 8;
		goto made;
	}
	if (i < p->len && p->s[i] == '-')
		i++;
	if (i < p->len && p->s[i] == '0')
		i++;
	else if (i < p->len && p->s[i] >= '1' && p->s[i] <= '9')
		i = digits(p, i);
	else
		return fail(p, "Expecting value"), NULL;
	if (i + 1 < p->len && p->s[i] == '.' && (j = digits(p, i + 1)) > i + 1)
		i = j;
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		j = i + 1;
		if (j < p->len && (p->s[j] == '+' || p->s[j] == '-'))
			j++;
		if (digits(p, j) > j)
			i = digits(p, j);
	}
	text = xstrndup(p->s + p->i, i - p->i);
	v = strtod(text, NULL);
	free(text);
	p->i = i;
made:
	/* cJSON_CreateNumber converts to int: not with NaN (undefined). */
	n = cJSON_CreateNumber(0);
	n->valuedouble = v;
	return n;
}

static cJSON *object(struct pj *p)
{
	cJSON *obj = cJSON_CreateObject();

	ws(p);
	if (at(p, '}')) {
		p->i++;
		return obj;
	}
	for (;;) {
		char *key;
		cJSON *v;

		if (!at(p, '"')) {
			fail(p, "Expecting property name enclosed in double quotes");
			goto bad;
		}
		p->i++;
		if (!(key = string(p)))
			goto bad;
		ws(p);
		if (!at(p, ':')) {
			free(key);
			fail(p, "Expecting ':' delimiter");
			goto bad;
		}
		p->i++;
		ws(p);
		v = value(p);
		if (!v) {
			free(key);
			goto bad;
		}
		cJSON_AddItemToObject(obj, key, v);
		free(key);
		ws(p);
		if (at(p, '}')) {
			p->i++;
			return obj;
		}
		if (!at(p, ',')) {
			fail(p, "Expecting ',' delimiter");
			goto bad;
		}
		p->i++;
		ws(p);
	}
bad:
	cJSON_Delete(obj);
	return NULL;
}

static cJSON *array(struct pj *p)
{
	cJSON *arr = cJSON_CreateArray();

	ws(p);
	if (at(p, ']')) {
		p->i++;
		return arr;
	}
	for (;;) {
		cJSON *v = value(p);

		if (!v)
			goto bad;
		cJSON_AddItemToArray(arr, v);
		ws(p);
		if (at(p, ']')) {
			p->i++;
			return arr;
		}
		if (!at(p, ',')) {
			fail(p, "Expecting ',' delimiter");
			goto bad;
		}
		p->i++;
		ws(p);
	}
bad:
	cJSON_Delete(arr);
	return NULL;
}

/* A value at p->i (white space before it already skipped). */
static cJSON *value(struct pj *p)
{
	cJSON *v = NULL;
	char *s;

	if (p->i >= p->len)
		return fail(p, "Expecting value"), NULL;
	if (++p->depth > PYJSON_MAX_DEPTH) {
		fail(p, "nested too deeply");
		p->depth--;
		return NULL;
	}
	switch (p->s[p->i]) {
	case '{':
		p->i++;
		v = object(p);
		break;
	case '[':
		p->i++;
		v = array(p);
		break;
	case '"':
		p->i++;
		if ((s = string(p)) != NULL) {
			v = cJSON_CreateString(s);
			free(s);
		}
		break;
	default:
		if (word(p, "null") || word(p, "true") || word(p, "false")) {
			v = p->s[p->i] == 'n'   ? cJSON_CreateNull()
			    : p->s[p->i] == 't' ? cJSON_CreateTrue()
						: cJSON_CreateFalse();
			p->i += p->s[p->i] == 'f' ? 5 : 4;
		} else {
			v = number(p);
		}
		break;
	}
	p->depth--;
	return v;
}

cJSON *pyjson_parse(const char *text, size_t len, struct vs_err *err)
{
	struct pj p = {text, len, 0, 0, err};
	cJSON *doc;

	ws(&p);
	doc = value(&p);
	if (!doc)
		return NULL;
	ws(&p);
	if (p.i != len) {
		fail(&p, "Extra data");
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}
