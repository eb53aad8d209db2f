/* Reading deletion records back: listing them, and finding the one a user
 * means by a folder, a name, a part of a name or the path the env had. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "../pip/pip.h"
#include "../util/json_quote.h"
#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "record.h"

static char *json_str(const cJSON *o, const char *key)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(n) && n->valuestring ? xstrdup(n->valuestring) : NULL;
}

static bool json_bool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static double json_num(const cJSON *o, const char *key)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(n) && n->valuedouble > 0 ? n->valuedouble : 0;
}

/* "pip", "pip and setuptools", "pip, setuptools and wheel" from the
 * record's "tools" (names only, at most four); NULL when it has none. */
static char *tools_text(const cJSON *a)
{
	const char *names[4];
	size_t n = 0;
	const cJSON *it;
	struct strbuf sb = STRBUF_INIT;

	cJSON_ArrayForEach(it, a) if (n < 4 && cJSON_IsString(it) && it->valuestring &&
				      *it->valuestring) names[n++] = it->valuestring;
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
	return sb_detach(&sb);
}

/* Reads dir/record.json. A record without "path" is of no use: -1. */
static int load_record(struct act_record *out, const char *dir)
{
	char *file = path_join(dir, "record.json");
	char *text = NULL;
	size_t len;
	cJSON *o = NULL;

	memset(out, 0, sizeof(*out));
	if (scan_freeze_read_file(&text, &len, file, NULL) == 0 && text)
		o = json_parse_bytes(text);
	free(file);
	free(text);
	if (!cJSON_IsObject(o) || !(out->path = json_str(o, "path"))) {
		cJSON_Delete(o);
		return -1;
	}
	out->dir = path_absolute(dir);
	if (!out->dir)
		out->dir = xstrdup(dir);
	out->name = json_str(o, "name");
	if (!out->name)
		out->name = xstrdup(path_basename(out->path));
	out->deleted = json_str(o, "deleted");
	out->python_version = json_str(o, "python_version");
	out->base_python = json_str(o, "base_python");
	out->copies = json_bool(o, "copies");
	out->system_site_packages = json_bool(o, "system_site_packages");
	out->prompt = json_str(o, "prompt");
	out->without_pip = json_bool(o, "without_pip");
	out->size_bytes = (uint64_t)json_num(o, "size_bytes");
	out->package_count = (size_t)json_num(o, "package_count");
	out->tools = tools_text(cJSON_GetObjectItemCaseSensitive(o, "tools"));
	out->state = json_str(o, "state");
	if (!out->state) /* written before there were states: finished */
		out->state = xstrdup("deleted");
	out->dev = (uint64_t)json_num(o, "dev");
	out->ino = (uint64_t)json_num(o, "ino");
	cJSON_Delete(o);
	return 0;
}

/* Newest first: by the date inside, then by folder name (whose -2, -3 ...
 * suffixes were made later). */
static int newest_first(const void *a, const void *b)
{
	const struct act_record *x = a, *y = b;
	int c = strcmp(y->deleted ? y->deleted : "", x->deleted ? x->deleted : "");

	if (c != 0)
		return c;
	if (strlen(x->dir) != strlen(y->dir)) /* "-10" after "-9" */
		return strlen(x->dir) > strlen(y->dir) ? -1 : 1;
	return strcmp(y->dir, x->dir);
}

size_t act_records_list(struct act_record **out)
{
	char *root = act_records_dir();
	struct act_record *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	d = root ? opendir(root) : NULL;
	while (d && (de = readdir(d)) != NULL) {
		char *dir;

		if (de->d_name[0] == '.')
			continue;
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		dir = path_join(root, de->d_name);
		if (load_record(&v[n], dir) == 0)
			n++;
		free(dir);
	}
	if (d)
		closedir(d);
	free(root);
	if (n > 1)
		qsort(v, n, sizeof(*v), newest_first);
	if (n == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	return n;
}

/* Moves the records `keep` says yes to from `all` into `out`, in order. */
static void pick(struct act_record_list *out, struct act_record *all, size_t n,
		 bool (*keep)(const struct act_record *r, const void *arg), const void *arg)
{
	out->v = NULL;
	out->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (!all[i].path || !keep(&all[i], arg))
			continue;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = all[i];
		memset(&all[i], 0, sizeof(all[i]));
	}
}

struct path_arg {
	const char *path, *abs;
};

static bool of_path(const struct act_record *r, const void *arg)
{
	const struct path_arg *a = arg;

	return strcmp(r->path, a->path) == 0 || (a->abs && strcmp(r->path, a->abs) == 0);
}

static bool has_packages(const struct act_record *r, const void *arg)
{
	(void)arg;
	return r->package_count > 0;
}

static bool name_has(const struct act_record *r, const void *arg)
{
	return strstr(path_basename(r->dir), (const char *)arg) != NULL;
}

/* The env's own name, or the record folder's name after its
 * "YYYYmmdd-HHMMSS-" date (a ".venv" is kept as "PROJECT-.venv"), exactly. */
static bool name_is(const struct act_record *r, const void *arg)
{
	const char *want = arg, *base = path_basename(r->dir);
	size_t n = strlen(want);

	if (r->name && strcmp(r->name, want) == 0)
		return true;
	return strlen(base) == 16 + n && base[8] == '-' && base[15] == '-' &&
	       strcmp(base + 16, want) == 0;
}

/* Takes the only record of `l` into *out (0), or hands `l` to `choices`
 * and says how to pick one (VS_EUSAGE). */
static int one_of(struct act_record *out, struct act_record_list *l, struct act_record_list *choices,
		  const char *what, const char *why, struct vs_err *err)
{
	if (l->n == 1) {
		*out = l->v[0];
		free(l->v);
		l->v = NULL;
		l->n = 0;
		return 0;
	}
	vs_err_set(err, VS_EUSAGE,
		   "%s: %zu deletion records %s; pick one by giving its folder name "
		   "(`venvscope recreate NAME`)",
		   what, l->n, why);
	if (choices) {
		*choices = *l;
		l->v = NULL;
		l->n = 0;
	}
	act_record_list_clear(l);
	return VS_EUSAGE;
}

/* The records of the env that was at `path`: the newest with packages, or
 * the newest when none has any. 1: no record of that path. */
static int find_by_env_path(struct act_record *out, const char *path, struct act_record_list *choices,
			    struct vs_err *err)
{
	struct act_record *all;
	size_t n = act_records_list(&all);
	char *abs = NULL;
	struct path_arg a;
	struct act_record_list of, full;
	int rc = 1;

	/* A quoted '~/x' as the shell has it; unresolvable: compared as given. */
	path_resolve_typed(&abs, path, NULL, NULL);
	a = (struct path_arg){path, abs};

	pick(&of, all, n, of_path, &a);
	act_records_free(all, n);
	pick(&full, of.v, of.n, has_packages, NULL);
	if (full.n > 0) {
		rc = one_of(out, &full, choices, path, "with packages were kept for it", err);
	} else if (of.n > 0) {
		*out = of.v[0];
		memset(&of.v[0], 0, sizeof(of.v[0]));
		rc = 0;
	}
	act_record_list_clear(&full);
	act_record_list_clear(&of);
	free((char *)a.abs);
	return rc;
}

/* An env's exact name, else a part of a record folder's name ("legacy"
 * is the env legacy's record, not legacy-twin's too). 1: none matches. */
static int find_by_part(struct act_record *out, const char *part, struct act_record_list *choices,
			struct vs_err *err)
{
	struct act_record *all;
	size_t n = act_records_list(&all);
	struct act_record_list l;

	pick(&l, all, n, name_is, part);
	if (l.n > 0) {
		act_records_free(all, n);
		return one_of(out, &l, choices, part, "are of an env of that name", err);
	}
	pick(&l, all, n, name_has, part);
	act_records_free(all, n);
	if (l.n == 0)
		return 1;
	return one_of(out, &l, choices, part, "have that in their name", err);
}

int act_record_find(struct act_record *out, const char *what, struct act_record_list *choices,
		    struct vs_err *err)
{
	char *root;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (choices)
		memset(choices, 0, sizeof(*choices));
	if (!what || !*what)
		return vs_err_set(err, VS_EUSAGE,
				  "no record named: give a record folder, its name, or "
				  "the path the environment had");
	rc = load_record(out, what);
	if (rc != 0 && !strchr(what, '/') && strcmp(what, ".") != 0 && strcmp(what, "..") != 0 &&
	    (root = act_records_dir()) != NULL) {
		char *dir = path_join(root, what);

		rc = load_record(out, dir);
		free(dir);
		free(root);
	}
	if (rc != 0)
		rc = find_by_env_path(out, what, choices, err);
	if (rc > 0 && !strchr(what, '/'))
		rc = find_by_part(out, what, choices, err);
	if (rc < 0)
		return rc;
	if (rc != 0)
		return vs_err_set(err, VS_EUSAGE,
				  "%s: no deletion record found (neither a record "
				  "folder, a record's name, nor the path of a deleted "
				  "environment; `venvscope deleted` lists them)",
				  what);
	return 0;
}

void act_record_clear(struct act_record *r)
{
	if (!r)
		return;
	free(r->dir);
	free(r->path);
	free(r->name);
	free(r->deleted);
	free(r->python_version);
	free(r->base_python);
	free(r->prompt);
	free(r->state);
	free(r->tools);
	memset(r, 0, sizeof(*r));
}

void act_records_free(struct act_record *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		act_record_clear(&v[i]);
	free(v);
}

void act_record_list_clear(struct act_record_list *l)
{
	if (!l)
		return;
	act_records_free(l->v, l->n);
	l->v = NULL;
	l->n = 0;
}
