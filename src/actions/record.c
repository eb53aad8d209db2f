/* The recipe of a deleted env: everything is gathered in memory first, so
 * the only steps that touch the disk are one mkdir and three atomic writes,
 * and a failure can take back exactly what it made. */
#include "record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "../pip/pip.h"
#include "../scan/inspect.h"
#include "../scan/size.h"
#include "../util/json_quote.h"
#include "../util/path.h"
#include "../util/xalloc.h"
#include "write_atomic.h"

/* Record folders with the same second and name get -2, -3 ... up to this. */
#define MAX_SUFFIX 1000

static const char *const files[] = {"requirements.txt", "pyvenv.cfg", "record.json"};
enum { F_REQS, F_CFG, F_JSON, N_FILES };

/* What goes into one record, all in memory before anything is written. */
struct recipe {
	char *data[N_FILES];
	size_t len[N_FILES];
};

char *act_records_dir(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	/* The XDG spec says a relative value is invalid and must be ignored. */
	if (state && state[0] == '/')
		return path_join(state, "venvscope/deleted");
	if (home && *home)
		return xasprintf("%s/.local/state/venvscope/deleted", strcmp(home, "/") ? home : "");
	return NULL;
}

/* ---- writing ---- */

/* The env's folder name, with its parent's in front when the name alone
 * says nothing (".venv" of which project?). */
static char *display_name(const struct venv *v)
{
	static const char *const generic[] = {".venv", "venv", "env", ".env"};
	const char *name = v->name ? v->name : path_basename(v->path);
	char *parent, *out = NULL;

	for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++) {
		if (strcmp(name, generic[i]) != 0)
			continue;
		parent = path_dirname(v->path);
		if (strcmp(parent, "/") != 0)
			out = xasprintf("%s-%s", path_basename(parent), name);
		free(parent);
		break;
	}
	return out ? out : xstrdup(name);
}

static void local_time(char *out, size_t n, const char *fmt, time_t when)
{
	struct tm tm;

	if (!localtime_r(&when, &tm) || strftime(out, n, fmt, &tm) == 0)
		snprintf(out, n, "%lld", (long long)when);
}

/* Package count and pip, from the model when the scan read them, else read
 * here (a delete may come straight from a path). */
static void count_packages(const struct venv *v, size_t *count, bool *has_pip)
{
	struct scan_pkgs_result *r;
	int fd;

	*count = v->package_count;
	*has_pip = v->has_pip;
	if (v->packages_known)
		return;
	fd = open(v->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	r = scan_inspect_packages(fd, v->path);
	close(fd);
	*count = r->packages.n;
	for (size_t i = 0; i < r->packages.n; i++)
		if (r->packages.items[i].canonical &&
		    strcmp(r->packages.items[i].canonical, "pip") == 0)
			*has_pip = true;
	scan_pkgs_result_free(r);
}

static uint64_t env_size(const struct venv *v)
{
	struct scan_size sz = {0};
	int fd;

	if (v->size_known)
		return v->size.size_bytes;
	fd = open(v->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (scan_size_tree(&sz, fd, NULL) != 0)
		sz.size_bytes = 0;
	close(fd);
	return sz.size_bytes;
}

static char *record_json(const struct venv *v, time_t when)
{
	cJSON *o = cJSON_CreateObject();
	char deleted[64], num[32];
	size_t count;
	bool has_pip;
	char *text, *out;

	local_time(deleted, sizeof(deleted), "%Y-%m-%dT%H:%M:%S", when);
	count_packages(v, &count, &has_pip);
	cJSON_AddItemToObject(o, "path", json_string_node(v->path));
	cJSON_AddItemToObject(o, "name", json_string_node(v->name ? v->name : path_basename(v->path)));
	cJSON_AddItemToObject(o, "deleted", json_string_node(deleted));
	cJSON_AddItemToObject(o, "python_version", json_string_node(v->python_version));
	cJSON_AddItemToObject(o, "base_python", json_string_node(v->base_python));
	cJSON_AddBoolToObject(o, "copies", v->link == VENV_LINK_COPY);
	cJSON_AddBoolToObject(o, "system_site_packages", v->system_site_packages == VENV_YES);
	cJSON_AddItemToObject(o, "prompt", json_string_node(v->prompt));
	cJSON_AddBoolToObject(o, "without_pip", !has_pip);
	/* Raw keeps all 64 bits; a double would round past 2^53. */
	snprintf(num, sizeof(num), "%llu", (unsigned long long)env_size(v));
	cJSON_AddItemToObject(o, "size_bytes", cJSON_CreateRaw(num));
	snprintf(num, sizeof(num), "%zu", count);
	cJSON_AddItemToObject(o, "package_count", cJSON_CreateRaw(num));
	text = cJSON_Print(o);
	cJSON_Delete(o);
	if (!text)
		vs_die("out of memory");
	out = xasprintf("%s\n", text);
	cJSON_free(text);
	return out;
}

static void recipe_clear(struct recipe *r)
{
	for (int i = 0; i < N_FILES; i++)
		free(r->data[i]);
}

/* Freeze, pyvenv.cfg and record.json, in memory. */
static int recipe_make(struct recipe *r, const struct venv *v, time_t when, struct vs_err *err)
{
	struct scan_freeze_opts opts = {0};
	char *cfg = path_join(v->path, "pyvenv.cfg");
	int rc;

	memset(r, 0, sizeof(*r));
	rc = scan_freeze_read_file(&r->data[F_CFG], &r->len[F_CFG], cfg, err);
	if (rc == 0 && !r->data[F_CFG])
		rc = vs_err_set(err, VS_EFAIL, "%s: no such file, so there is no recipe to keep", cfg);
	free(cfg);
	if (rc != 0)
		return VS_EFAIL;
	if (scan_freeze_env(&r->data[F_REQS], &r->len[F_REQS], v, &opts, NULL, err) != 0)
		return VS_EFAIL;
	r->data[F_JSON] = record_json(v, when);
	r->len[F_JSON] = strlen(r->data[F_JSON]);
	return 0;
}

/* Removes the (empty) folders path_mkdirs() made, deepest first. */
static void unmake_dirs(const char *path, size_t first_made)
{
	char *p = xstrdup(path);
	char *slash;

	while (first_made && strlen(p) >= first_made && rmdir(p) == 0 &&
	       (slash = strrchr(p, '/')) != NULL)
		*slash = '\0';
	free(p);
}

/* mkdir base, base-2, base-3 ... (0700); returns the one made or NULL. */
static char *make_record_dir(const char *base, int *e)
{
	for (int i = 1; i <= MAX_SUFFIX; i++) {
		char *d = i == 1 ? xstrdup(base) : xasprintf("%s-%d", base, i);

		if (mkdir(d, 0700) == 0)
			return d;
		*e = errno;
		free(d);
		if (*e != EEXIST)
			return NULL;
	}
	return NULL;
}

/* Writes the files into the new folder `dir`; on failure removes those
 * written and the folder. */
static int write_files(const char *dir, const struct recipe *r, struct vs_err *err)
{
	int i, rc = 0;

	for (i = 0; i < N_FILES && rc == 0; i++) {
		char *p = path_join(dir, files[i]);

		if (act_write_atomic(p, r->data[i], r->len[i], 0, err) < 0)
			rc = VS_EFAIL;
		free(p);
	}
	if (rc == 0)
		return 0;
	/* i - 1 failed (and left nothing); the ones before it were written. */
	for (int j = 0; j < i - 1; j++) {
		char *p = path_join(dir, files[j]);

		unlink(p);
		free(p);
	}
	rmdir(dir);
	return rc;
}

int act_record_write(char **out_dir, const struct venv *v, time_t when, struct vs_err *err)
{
	char *root = act_records_dir();
	char *display = NULL, *base = NULL, *dir = NULL;
	struct recipe r = {0};
	char stamp[32];
	size_t made;
	int rc = VS_EFAIL, e = 0;

	*out_dir = NULL;
	if (!root) {
		vs_err_set(err, VS_EFAIL,
			   "cannot keep a deletion record: neither XDG_STATE_HOME nor "
			   "HOME is set");
		goto done;
	}
	if (recipe_make(&r, v, when, err) != 0)
		goto done;
	if ((e = path_mkdirs(root, 0700, &made) /* private, says XDG */) != 0) {
		vs_err_set(err, VS_EFAIL, "%s: cannot make the records folder: %s", root, strerror(e));
		unmake_dirs(root, made);
		goto done;
	}
	local_time(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", when);
	display = display_name(v);
	base = xasprintf("%s/%s-%s", root, stamp, display);
	dir = make_record_dir(base, &e);
	if (!dir) {
		vs_err_set(err, VS_EFAIL, "%s: cannot make the record folder: %s", base,
			   e == EEXIST ? "too many records of that name" : strerror(e));
	} else if (write_files(dir, &r, err) == 0) {
		*out_dir = dir;
		dir = NULL;
		rc = 0;
	}
	if (rc != 0)
		unmake_dirs(root, made);
done:
	recipe_clear(&r);
	free(root);
	free(display);
	free(base);
	free(dir);
	return rc;
}

/* ---- reading ---- */

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

/* The newest record of the env that was at `path`. */
static int find_by_env_path(struct act_record *out, const char *path)
{
	struct act_record *v;
	size_t n = act_records_list(&v);
	char *abs = path_absolute(path);
	int rc = -1;

	for (size_t i = 0; i < n && rc != 0; i++) {
		if (strcmp(v[i].path, path) != 0 && !(abs && strcmp(v[i].path, abs) == 0))
			continue;
		*out = v[i];
		memset(&v[i], 0, sizeof(v[i]));
		rc = 0;
	}
	act_records_free(v, n);
	free(abs);
	return rc;
}

int act_record_find(struct act_record *out, const char *what, struct vs_err *err)
{
	char *root;
	int rc = -1;

	memset(out, 0, sizeof(*out));
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
		rc = find_by_env_path(out, what);
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
	memset(r, 0, sizeof(*r));
}

void act_records_free(struct act_record *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		act_record_clear(&v[i]);
	free(v);
}
