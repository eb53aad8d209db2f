#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

void cli_json_quote(struct strbuf *out, const char *str)
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

cJSON *cli_json_string(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	cJSON *node;

	if (!s)
		return cJSON_CreateNull();
	/* cJSON would escape our \udcXX as \\udcXX, so the literal is made here. */
	cli_json_quote(&sb, s);
	node = cJSON_CreateRaw(sb.buf);
	sb_free(&sb);
	return node;
}

static cJSON *json_u64(uint64_t n)
{
	char buf[32];

	/* Raw keeps all 64 bits; a double would round past 2^53. */
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
	return cJSON_CreateRaw(buf);
}

static cJSON *json_strv(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cli_json_string(v[i]));
	return a;
}

static cJSON *json_tri(enum venv_tri t)
{
	return t == VENV_UNKNOWN ? cJSON_CreateNull() : cJSON_CreateBool(t == VENV_YES);
}

static void add_details(cJSON *o, const struct venv *v)
{
	cJSON *cfg = cJSON_CreateArray();
	cJSON *pkgs = cJSON_CreateArray();

	for (size_t i = 0; v->cfg && i < v->cfg->n; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddItemToObject(e, "key", cli_json_string(v->cfg->items[i].key));
		cJSON_AddItemToObject(e, "value", cli_json_string(v->cfg->items[i].value));
		cJSON_AddItemToArray(cfg, e);
	}
	for (size_t i = 0; i < v->packages.n; i++) {
		const struct scan_package *p = &v->packages.items[i];
		cJSON *e = cJSON_CreateObject();

		cJSON_AddItemToObject(e, "name", cli_json_string(p->name));
		cJSON_AddItemToObject(e, "version", cli_json_string(p->version));
		cJSON_AddItemToObject(e, "location", cli_json_string(p->location));
		cJSON_AddItemToArray(pkgs, e);
	}
	cJSON_AddItemToObject(o, "config", cfg);
	cJSON_AddItemToObject(o, "packages", pkgs);
}

cJSON *cli_json_venv(const struct venv *v, int details)
{
	cJSON *o = cJSON_CreateObject();
	bool sized = v->size_known;

	cJSON_AddItemToObject(o, "path", cli_json_string(v->path));
	cJSON_AddItemToObject(o, "name", cli_json_string(v->name));
	cJSON_AddItemToObject(o, "kind", cli_json_string(venv_kind_name(v->kind)));
	cJSON_AddItemToObject(o, "manager", cli_json_string(v->manager));
	cJSON_AddItemToObject(o, "python_version", cli_json_string(v->python_version));
	cJSON_AddItemToObject(o, "implementation", cli_json_string(v->implementation));
	cJSON_AddItemToObject(o, "home", cli_json_string(v->home));
	cJSON_AddItemToObject(o, "base_python", cli_json_string(v->base_python));
	cJSON_AddBoolToObject(o, "base_exists", v->base_exists);
	cJSON_AddBoolToObject(o, "broken", v->broken);
	cJSON_AddItemToObject(o, "problems", json_strv(v->problems, v->n_problems));
	cJSON_AddItemToObject(o, "link", cli_json_string(venv_link_name(v->link)));
	cJSON_AddItemToObject(o, "system_site_packages", json_tri(v->system_site_packages));
	cJSON_AddItemToObject(o, "prompt", cli_json_string(v->prompt));
	cJSON_AddItemToObject(o, "site_packages", json_strv(v->site_packages, v->n_site_packages));
	cJSON_AddItemToObject(o, "package_count",
			      v->packages_known ? json_u64(v->package_count) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "has_pip",
			      v->packages_known ? cJSON_CreateBool(v->has_pip) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "pip_version", cli_json_string(v->pip_version));
	cJSON_AddItemToObject(o, "size_bytes", sized ? json_u64(v->size.size_bytes) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "disk_bytes", sized ? json_u64(v->size.disk_bytes) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "files", sized ? json_u64(v->size.files) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "last_modified", v->last_modified > 0
							   ? json_u64((uint64_t)v->last_modified)
							   : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "stale", v->packages_known ? cJSON_CreateBool(v->stale)
							     : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "project", cli_json_string(v->project));
	if (details)
		add_details(o, v);
	return o;
}
