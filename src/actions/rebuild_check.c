/* act_rebuild_tools and act_rebuild_compare (contracts in rebuild_check.h). */
#include "rebuild_check.h"

#include <stdlib.h>
#include <string.h>

#include "../pip/pip.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/xalloc.h"

char *act_rebuild_tools(const struct scan_pkg_list *l)
{
	static const char *const names[] = {"pip", "setuptools", "wheel", "distribute"};
	struct strbuf sb = STRBUF_INIT;

	for (size_t k = 0; k < sizeof(names) / sizeof(*names); k++)
		for (size_t i = 0; l && i < l->n; i++) {
			const struct scan_package *p = &l->items[i];

			if (!p->canonical || strcmp(p->canonical, names[k]) != 0)
				continue;
			sb_addf(&sb, "%s%s %s", sb.len ? ", " : "", names[k],
				p->version ? p->version : "(version unknown)");
			break;
		}
	return sb.len ? sb_detach(&sb) : (sb_free(&sb), NULL);
}

/* One requirement line as compared: the name canonical, a URL's
 * "#sha256=" fragment dropped. */
static char *norm(const char *line, size_t len)
{
	char *s = xstrndup(line, len), *name, *out, *hash;
	size_t n = strcspn(s, " =@;[");

	hash = strstr(s, "#sha256=");
	if (hash)
		*hash = '\0';
	name = xstrndup(s, n);
	out = scan_freeze_canonicalize(name);
	free(name);
	name = xasprintf("%s%s", out ? out : "", s + n);
	free(out);
	free(s);
	return name;
}

/* pip's own tools, said apart (act_rebuild_tools): whether a freeze shows
 * them depends on pip's version and Python's. */
static bool is_tool(const char *normed)
{
	static const char *const names[] = {"pip", "setuptools", "wheel", "distribute"};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		size_t n = strlen(names[i]);

		if (strncmp(normed, names[i], n) == 0 && strchr(" =@;[", normed[n]))
			return true;
	}
	return false;
}

/* The requirement lines of a freeze but pip's tools: (normalised, as
 * written) pairs. */
static void lines_of(struct vs_vec *normed, struct vs_vec *raw, const char *text)
{
	vs_vec_init_strs(normed);
	vs_vec_init_strs(raw);
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (len && *p != '#') {
			char *n = norm(p, len);

			if (is_tool(n)) {
				free(n);
			} else {
				vs_vec_push(normed, n);
				vs_vec_push(raw, xstrndup(p, len));
			}
		}
		p = e ? e + 1 : NULL;
	}
}

static bool has(const struct vs_vec *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

/* Appends to sb the raw lines of `a` whose normalised form `b` lacks. */
static void add_missing(struct strbuf *sb, const char *label, const struct vs_vec *an,
			const struct vs_vec *araw, const struct vs_vec *bn)
{
	bool first = true;

	for (size_t i = 0; i < an->n; i++) {
		if (has(bn, an->v[i]))
			continue;
		sb_addf(sb, "%s%s", first ? (sb->len ? "; " : "") : ", ", first ? label : "");
		sb_addf(sb, "%s", (const char *)araw->v[i]);
		first = false;
	}
}

char *act_rebuild_compare(const char *before, const char *after)
{
	struct vs_vec bn, braw, an, araw;
	struct strbuf sb = STRBUF_INIT;

	lines_of(&bn, &braw, before);
	lines_of(&an, &araw, after);
	add_missing(&sb, "missing: ", &bn, &braw, &an);
	add_missing(&sb, "new: ", &an, &araw, &bn);
	vs_vec_clear(&bn);
	vs_vec_clear(&braw);
	vs_vec_clear(&an);
	vs_vec_clear(&araw);
	return sb.len ? sb_detach(&sb) : (sb_free(&sb), NULL);
}
