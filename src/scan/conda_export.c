/* environment.yml and the explicit list (see conda_export.h). */
#include "conda_export.h"

#include <stdlib.h>
#include <string.h>

#include "../util/ascii.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/xalloc.h"

static void add_channels(struct strbuf *sb, const struct scan_conda *c)
{
	struct vs_vec names;

	vs_vec_init_strs(&names);
	for (size_t i = 0; i < c->n; i++) {
		char *name = scan_conda_channel_name(c->recs[i].channel, c->recs[i].subdir);
		bool seen = !name;

		for (size_t k = 0; !seen && k < names.n; k++)
			seen = strcmp(names.v[k], name) == 0;
		if (seen) {
			free(name);
			continue;
		}
		/* conda env export: channels.insert(0, canonical_name) */
		vs_vec_push(&names, name);
		memmove(names.v + 1, names.v, (names.n - 1) * sizeof(*names.v));
		names.v[0] = name;
	}
	if (names.n) {
		sb_adds(sb, "channels:\n");
		for (size_t k = 0; k < names.n; k++)
			sb_addf(sb, "  - %s\n", (const char *)names.v[k]);
	}
	vs_vec_clear(&names);
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct scan_package *x = *(const struct scan_package *const *)a;
	const struct scan_package *y = *(const struct scan_package *const *)b;

	return vs_ascii_casecmp(x->name, y->name);
}

static void add_pip(struct strbuf *sb, const struct venv *v)
{
	const struct scan_package **pip = xcalloc(v->packages.n + 1, sizeof(*pip));
	size_t n = 0;

	for (size_t i = 0; i < v->packages.n; i++)
		if (v->packages.items[i].name &&
		    !scan_conda_owns(v->conda, v->packages.items[i].meta_dir))
			pip[n++] = &v->packages.items[i];
	if (n > 1)
		qsort(pip, n, sizeof(*pip), cmp_pkg);
	if (n)
		sb_adds(sb, "  - pip:\n");
	for (size_t i = 0; i < n; i++)
		sb_addf(sb, "      - %s==%s\n", pip[i]->name, pip[i]->version ? pip[i]->version : "");
	free(pip);
}

static void yml(struct strbuf *sb, const struct venv *v)
{
	const struct scan_conda *c = v->conda;

	sb_addf(sb, "name: %s\n", v->name);
	add_channels(sb, c);
	sb_adds(sb, "dependencies:\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct scan_conda_rec *r = &c->recs[i];

		sb_addf(sb, "  - %s=%s=%s\n", r->name, r->version ? r->version : "",
			r->build ? r->build : "");
	}
	add_pip(sb, v);
	sb_addf(sb, "prefix: %s\n", v->path);
}

static void explicit(struct strbuf *sb, const struct scan_conda *c, bool md5)
{
	const char *platform = NULL;

	for (size_t i = 0; i < c->n && !platform; i++)
		if (c->recs[i].subdir && strcmp(c->recs[i].subdir, "noarch") != 0)
			platform = c->recs[i].subdir;
	sb_adds(sb, "# This file may be used to create an environment using:\n"
		    "# $ conda create --name <env> --file <this file>\n");
	sb_addf(sb, "# platform: %s\n", platform ? platform : "noarch");
	sb_adds(sb, "@EXPLICIT\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct scan_conda_rec *r = &c->recs[i];

		if (!r->url || !*r->url) {
			sb_addf(sb, "# no URL for: %s\n", r->fn ? r->fn : r->name);
			continue;
		}
		sb_adds(sb, r->url);
		if (md5 && r->md5 && *r->md5)
			sb_addf(sb, "#%s", r->md5);
		sb_addc(sb, '\n');
	}
}

int scan_conda_export(char **out, size_t *len, const struct venv *v, enum scan_conda_format f,
		      struct vs_err *err)
{
	struct strbuf sb = STRBUF_INIT;

	*out = NULL;
	*len = 0;
	if (v->kind != VENV_KIND_CONDA)
		return vs_err_set(err, VS_EUSAGE, "%s: not a conda environment", v->path);
	if (!v->conda)
		return vs_err_set(err, VS_EUSAGE, "%s: its conda-meta records were not read", v->path);
	if (f == SCAN_CONDA_YML)
		yml(&sb, v);
	else
		explicit(&sb, v->conda, f == SCAN_CONDA_EXPLICIT_MD5);
	*len = sb.len;
	*out = sb_detach(&sb);
	return 0;
}
