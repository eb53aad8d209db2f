#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scan/dupes.h"
#include "../util/json_quote.h"
#include "../util/xalloc.h"

void cli_json_quote(struct strbuf *out, const char *s)
{
	json_quote(out, s);
}

cJSON *cli_json_string(const char *s)
{
	return json_string_node(s);
}

cJSON *cli_json_u64(uint64_t n)
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

/* A conda env's records, each with "installer": "conda" (its site-packages
 * dists that no record installed follow with "installer": "pip"). */
static void add_conda_records(cJSON *pkgs, const struct venv *v)
{
	for (size_t i = 0; v->conda && i < v->conda->n; i++) {
		const struct scan_conda_rec *r = &v->conda->recs[i];
		cJSON *e = cJSON_CreateObject();

		cJSON_AddItemToObject(e, "name", cli_json_string(r->name));
		cJSON_AddItemToObject(e, "version", cli_json_string(r->version));
		cJSON_AddItemToObject(e, "location", cJSON_CreateNull());
		cJSON_AddItemToObject(e, "installer", cli_json_string("conda"));
		cJSON_AddItemToObject(e, "build", cli_json_string(r->build));
		cJSON_AddItemToObject(e, "channel", cli_json_string(r->channel));
		cJSON_AddItemToArray(pkgs, e);
	}
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
	add_conda_records(pkgs, v);
	for (size_t i = 0; i < v->packages.n; i++) {
		const struct scan_package *p = &v->packages.items[i];
		cJSON *e;

		/* A conda env's dist installed by a record is listed as that record. */
		if (v->conda && scan_conda_owns(v->conda, p->meta_dir))
			continue;
		e = cJSON_CreateObject();
		cJSON_AddItemToObject(e, "name", cli_json_string(p->name));
		cJSON_AddItemToObject(e, "version", cli_json_string(p->version));
		cJSON_AddItemToObject(e, "location", cli_json_string(p->location));
		if (v->conda)
			cJSON_AddItemToObject(e, "installer", cli_json_string("pip"));
		cJSON_AddItemToArray(pkgs, e);
	}
	cJSON_AddItemToObject(o, "config", cfg);
	cJSON_AddItemToObject(o, "packages", pkgs);
}

/* The pids of the processes using it; null when /proc could not be read. */
static cJSON *json_users(const struct venv *v)
{
	cJSON *a;

	if (!v->in_use_known)
		return cJSON_CreateNull();
	a = cJSON_CreateArray();
	for (size_t i = 0; i < v->users.n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v->users.v[i].pid));
	return a;
}

static cJSON *json_time(int64_t t)
{
	return t > 0 ? cli_json_u64((uint64_t)t) : cJSON_CreateNull();
}

/* Issue 16's keys: the env's story. */
static void add_story(cJSON *o, const struct venv *v)
{
	bool known = v->life.support != SCAN_SUPPORT_UNKNOWN;

	cJSON_AddItemToObject(o, "project_exists", json_tri(v->project_exists));
	cJSON_AddBoolToObject(o, "orphan", v->orphan);
	cJSON_AddItemToObject(o, "moved_from", cli_json_string(v->moved_from));
	cJSON_AddBoolToObject(o, "version_mismatch", v->version_mismatch);
	cJSON_AddItemToObject(o, "base_version", cli_json_string(v->base_version));
	cJSON_AddItemToObject(o, "python_eol",
			      known ? cJSON_CreateBool(venv_is_eol(v)) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "python_eol_date", cli_json_string(v->life.eol_date));
	cJSON_AddItemToObject(o, "python_support", cli_json_string(scan_support_word(v->life.support)));
	cJSON_AddItemToObject(o, "last_used", json_time(v->last_used));
	cJSON_AddItemToObject(o, "last_used_source", cli_json_string(v->last_used_source));
	cJSON_AddItemToObject(o, "created", json_time(v->created));
}

cJSON *cli_json_venv(const struct venv *v, int details)
{
	cJSON *o = cJSON_CreateObject();
	bool sized = v->size_known;

	cJSON_AddItemToObject(o, "path", cli_json_string(v->path));
	cJSON_AddItemToObject(o, "name", cli_json_string(v->name));
	cJSON_AddItemToObject(o, "kind", cli_json_string(venv_kind_name(v->kind)));
	cJSON_AddItemToObject(o, "manager", cli_json_string(v->manager));
	cJSON_AddItemToObject(o, "manager_role", cli_json_string(v->role));
	cJSON_AddItemToObject(o, "app", cli_json_string(v->app));
	cJSON_AddItemToObject(o, "python_version", cli_json_string(v->python_version));
	cJSON_AddItemToObject(o, "implementation", cli_json_string(v->implementation));
	cJSON_AddItemToObject(o, "home", cli_json_string(v->home));
	cJSON_AddItemToObject(o, "base_python", cli_json_string(v->base_python));
	cJSON_AddBoolToObject(o, "base_exists", v->base_exists);
	cJSON_AddBoolToObject(o, "broken", v->broken);
	cJSON_AddBoolToObject(o, "incomplete", v->incomplete);
	cJSON_AddItemToObject(o, "problems", json_strv(v->problems, v->n_problems));
	cJSON_AddItemToObject(o, "link", cli_json_string(venv_link_name(v->link)));
	cJSON_AddItemToObject(o, "system_site_packages", json_tri(v->system_site_packages));
	cJSON_AddItemToObject(o, "prompt", cli_json_string(v->prompt));
	cJSON_AddItemToObject(o, "site_packages", json_strv(v->site_packages, v->n_site_packages));
	cJSON_AddItemToObject(o, "package_count",
			      v->packages_known ? cli_json_u64(v->package_count) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "has_pip",
			      v->packages_known ? cJSON_CreateBool(v->has_pip) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "pip_version", cli_json_string(v->pip_version));
	cJSON_AddItemToObject(o, "size_bytes",
			      sized ? cli_json_u64(v->size.size_bytes) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "disk_bytes",
			      sized ? cli_json_u64(v->size.disk_bytes) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "freeable_bytes",
			      venv_freeable_known(v) ? cli_json_u64(v->size.freeable_bytes)
						     : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "shared_bytes",
			      venv_freeable_known(v) ? cli_json_u64(scan_size_shared(&v->size))
						     : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "shared",
			      venv_freeable_known(v) ? cJSON_CreateBool(venv_is_shared(v))
						     : cJSON_CreateNull());
	/* Known only when the other envs were scanned too (list). */
	cJSON_AddItemToObject(o, "shared_with", cJSON_CreateNull());
	cJSON_AddItemToObject(o, "shared_with_count", cJSON_CreateNull());
	cJSON_AddItemToObject(o, "files", sized ? cli_json_u64(v->size.files) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "last_modified",
			      v->last_modified > 0 ? cli_json_u64((uint64_t)v->last_modified)
						   : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "stale",
			      v->packages_known ? cJSON_CreateBool(v->stale) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "project", cli_json_string(v->project));
	add_story(o, v);
	cJSON_AddItemToObject(o, "in_use", json_users(v));
	cJSON_AddItemToObject(o, "git", cli_json_string(scan_git_state_name(v->git_state)));
	cJSON_AddItemToObject(o, "git_repo", cli_json_string(v->git_repo));
	if (details) {
		cJSON_AddItemToObject(o, "git_rule", cli_json_string(v->git_rule));
		add_details(o, v);
	}
	return o;
}

/* The four figures of a group, under the keys of `dupes --json`. */
static void add_dupe_bytes(cJSON *o, const struct scan_dupe_bytes *b)
{
	cJSON_AddItemToObject(o, "bytes_per_copy", cli_json_u64(b->per_copy));
	cJSON_AddItemToObject(o, "total_bytes", cli_json_u64(b->total));
	cJSON_AddItemToObject(o, "shared_bytes", cli_json_u64(b->shared));
	cJSON_AddItemToObject(o, "duplicated_bytes", cli_json_u64(b->duplicated));
}

cJSON *cli_json_dupe_group(const struct scan_dupe_group *g)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *apparent = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "name", cli_json_string(g->name));
	cJSON_AddItemToObject(o, "canonical", cli_json_string(g->canonical));
	cJSON_AddItemToObject(o, "version", cli_json_string(g->version));
	cJSON_AddItemToObject(o, "envs", json_strv(g->envs, g->n_envs));
	cJSON_AddItemToObject(o, "copies", cli_json_u64(g->copies));
	add_dupe_bytes(o, &g->disk);
	add_dupe_bytes(apparent, &g->apparent);
	cJSON_AddItemToObject(o, "apparent", apparent);
	cJSON_AddItemToObject(o, "files", cli_json_u64(g->files));
	cJSON_AddItemToObject(o, "missing_files", cli_json_u64(g->missing));
	cJSON_AddItemToObject(o, "outside_files", cli_json_u64(g->outside));
	return o;
}
