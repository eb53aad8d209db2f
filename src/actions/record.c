/* The recipe of a deleted env: everything is gathered in memory first, so
 * the only steps that touch the disk are one mkdir and three atomic writes,
 * and a failure can take back exactly what it made. */
#include "record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "../pip/pip.h"
#include "../scan/conda_export.h"
#include "../scan/inspect.h"
#include "../scan/places.h"
#include "../scan/size.h"
#include "../util/json_quote.h"
#include "../util/path.h"
#include "../util/xalloc.h"
#include "write_atomic.h"

/* Record folders with the same second and name get -2, -3 ... up to this. */
#define MAX_SUFFIX 1000
/* Room kept in a folder name for that suffix ("-1000"). */
#define SUFFIX_ROOM 5

static const char *const files[] = {"requirements.txt", "pyvenv.cfg", "record.json"};
/* A conda env's recipe: its environment.yml and its explicit URL list. */
static const char *const conda_files[] = {"environment.yml", "explicit.txt", "record.json"};
enum { F_REQS, F_CFG, F_JSON, N_FILES };

/* What goes into one record, all in memory before anything is written. */
struct recipe {
	const char *const *names; /* files or conda_files */
	char *data[N_FILES];
	size_t len[N_FILES];
};

char *act_records_dir(void)
{
	/* The scan knows the folder too: it never lists a record as an env. */
	char *state = scan_state_dir(getenv("HOME"));
	char *dir = state ? path_join(state, "deleted") : NULL;

	free(state);
	return dir;
}

/* ---- writing ---- */

/* The env's folder name, with its parent's in front when the name alone
 * says nothing (".venv" of which project?). */
static char *display_name(const struct venv *v)
{
	const char *name = v->name ? v->name : path_basename(v->path);
	char *parent, *out = NULL;

	if (venv_name_is_generic(name)) {
		parent = path_dirname(v->path);
		if (strcmp(parent, "/") != 0)
			out = xasprintf("%s-%s", path_basename(parent), name);
		free(parent);
	}
	return out ? out : xstrdup(name);
}

static void local_time(char *out, size_t n, const char *fmt, time_t when)
{
	struct tm tm;

	if (!localtime_r(&when, &tm) || strftime(out, n, fmt, &tm) == 0)
		snprintf(out, n, "%lld", (long long)when);
}

/* pip's own tools, which a freeze may leave out: the record names the ones
 * the env had, so recreate can say what a record with no requirements held. */
static void add_tools(cJSON *tools, const struct scan_pkg_list *l)
{
	static const char *const names[] = {"pip", "setuptools", "wheel", "distribute"};

	for (size_t k = 0; k < sizeof(names) / sizeof(*names); k++)
		for (size_t i = 0; i < l->n; i++)
			if (l->items[i].canonical && strcmp(l->items[i].canonical, names[k]) == 0) {
				cJSON_AddItemToArray(tools, json_string_node(names[k]));
				break;
			}
}

/* Package count, pip and the tools, from the model when the scan read
 * them, else read here (a delete may come straight from a path). */
static void count_packages(const struct venv *v, size_t *count, bool *has_pip, cJSON *tools)
{
	struct scan_pkgs_result *r;
	int fd;

	*count = v->package_count;
	*has_pip = v->has_pip;
	if (v->packages_known) {
		add_tools(tools, &v->packages);
		return;
	}
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
	add_tools(tools, &r->packages);
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

/* The env folder's st_dev/st_ino: from the scan, else looked up now. */
static void env_identity(const struct venv *v, uint64_t *dev, uint64_t *ino)
{
	struct stat st;

	*dev = v->dev;
	*ino = v->ino;
	if (!v->dev && lstat(v->path, &st) == 0) {
		*dev = st.st_dev;
		*ino = st.st_ino;
	}
}

static char *record_json(const struct venv *v, time_t when)
{
	cJSON *o = cJSON_CreateObject(), *tools = cJSON_CreateArray();
	char deleted[64], num[32];
	uint64_t dev, ino;
	size_t count;
	bool has_pip;
	char *text, *out;

	local_time(deleted, sizeof(deleted), "%Y-%m-%dT%H:%M:%S", when);
	count_packages(v, &count, &has_pip, tools);
	cJSON_AddItemToObject(o, "path", json_string_node(v->path));
	cJSON_AddItemToObject(o, "name", json_string_node(v->name ? v->name : path_basename(v->path)));
	cJSON_AddItemToObject(o, "deleted", json_string_node(deleted));
	cJSON_AddItemToObject(o, "python_version", json_string_node(v->python_version));
	if (v->kind == VENV_KIND_CONDA)
		cJSON_AddItemToObject(o, "kind", json_string_node("conda"));
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
	cJSON_AddItemToObject(o, "tools", tools);
	cJSON_AddItemToObject(o, "state", json_string_node("deleting"));
	env_identity(v, &dev, &ino);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)dev);
	cJSON_AddItemToObject(o, "dev", cJSON_CreateRaw(num));
	snprintf(num, sizeof(num), "%llu", (unsigned long long)ino);
	cJSON_AddItemToObject(o, "ino", cJSON_CreateRaw(num));
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

/* A conda env: environment.yml and the explicit list, from its records
 * (read here when the model has not read them). */
static int conda_recipe(struct recipe *r, const struct venv *v, struct vs_err *err)
{
	struct scan_pkgs_result *pk = NULL;
	struct venv tmp = *v;
	int rc, fd;

	r->names = conda_files;
	if (!v->conda) {
		fd = open(v->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return vs_err_set(err, VS_EFAIL, "%s: %s", v->path, strerror(errno));
		pk = scan_inspect_packages(fd, v->path);
		close(fd);
		tmp.conda = pk->conda;
		tmp.packages = pk->packages;
	}
	rc = scan_conda_export(&r->data[F_REQS], &r->len[F_REQS], &tmp, SCAN_CONDA_YML, err);
	if (rc == 0)
		rc = scan_conda_export(&r->data[F_CFG], &r->len[F_CFG], &tmp, SCAN_CONDA_EXPLICIT_MD5,
				       err);
	scan_pkgs_result_free(pk);
	return rc < 0 ? VS_EFAIL : 0;
}

/* Freeze, pyvenv.cfg and record.json, in memory. */
static int recipe_make(struct recipe *r, const struct venv *v, time_t when, struct vs_err *err)
{
	struct scan_freeze_opts opts = {0};
	char *cfg;
	int rc;

	memset(r, 0, sizeof(*r));
	r->names = files;
	if (v->kind == VENV_KIND_CONDA) {
		if (conda_recipe(r, v, err) != 0)
			return VS_EFAIL;
		r->data[F_JSON] = record_json(v, when);
		r->len[F_JSON] = strlen(r->data[F_JSON]);
		return 0;
	}
	cfg = path_join(v->path, "pyvenv.cfg");
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
		char *p = path_join(dir, r->names[i]);

		if (act_write_atomic(p, r->data[i], r->len[i], 0, err) < 0)
			rc = VS_EFAIL;
		free(p);
	}
	if (rc == 0)
		return 0;
	/* i - 1 failed (and left nothing); the ones before it were written. */
	for (int j = 0; j < i - 1; j++) {
		char *p = path_join(dir, r->names[j]);

		unlink(p);
		free(p);
	}
	rmdir(dir);
	return rc;
}

int act_record_write(char **out_dir, const struct venv *v, time_t when, struct vs_err *err)
{
	char *root = act_records_dir();
	char *display = NULL, *name = NULL, *fitted = NULL, *base = NULL, *dir = NULL;
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
	name = xasprintf("%s-%s", stamp, display);
	fitted = path_fit_name(name, NAME_MAX - SUFFIX_ROOM, v->path);
	base = path_join(root, fitted);
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
	free(name);
	free(fitted);
	free(base);
	free(dir);
	return rc;
}

/* ---- one record per removal ---- */

/* Holds an exclusive lock on the records folder itself (flock on the
 * folder's fd: no lock file among the records), made when missing; -1
 * with errno when it cannot. */
static int lock_records(const char *root)
{
	int fd, e = path_mkdirs(root, 0700, NULL);

	if (e != 0) {
		errno = e;
		return -1;
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	return fd;
}

/* The newest record of this folder (path and dev/ino); `unfinished`: only
 * one not "deleted". NULL when none. */
static char *record_of(const struct venv *v, bool unfinished)
{
	struct act_record *all;
	size_t n = act_records_list(&all);
	uint64_t dev, ino;
	char *out = NULL;

	env_identity(v, &dev, &ino);
	for (size_t i = 0; i < n && !out && dev; i++) {
		const struct act_record *r = &all[i];

		if (strcmp(r->path, v->path) == 0 && r->dev == dev && r->ino == ino &&
		    !(unfinished && strcmp(r->state, "deleted") == 0))
			out = xstrdup(r->dir);
	}
	act_records_free(all, n);
	return out;
}

int act_record_begin(char **out_dir, bool *out_reused, const struct venv *v, time_t when,
		     struct vs_err *err)
{
	char *root = act_records_dir();
	int lock, rc = 0;

	*out_dir = NULL;
	*out_reused = false;
	if (!root)
		return act_record_write(out_dir, v, when, err); /* says why */
	/* Without the lock two deletes at once would each keep a recipe, the
	 * second one of a half-removed env; with it the second reuses the
	 * first's. A records folder we cannot lock: go on without. */
	lock = lock_records(root);
	*out_dir = record_of(v, true);
	if (*out_dir)
		*out_reused = true;
	else
		rc = act_record_write(out_dir, v, when, err);
	if (lock >= 0)
		close(lock);
	free(root);
	return rc;
}

/* record.json again with "state" set to `state`; every other member as it
 * was (strings re-escaped byte for byte). */
static int set_state(const char *dir, const char *state)
{
	char *file = path_join(dir, "record.json"), *text = NULL, *out = NULL;
	cJSON *o = NULL, *n = NULL, *it;
	size_t len;
	int rc = -1;

	if (scan_freeze_read_file(&text, &len, file, NULL) == 0 && text)
		o = json_parse_bytes(text);
	if (!cJSON_IsObject(o))
		goto done;
	n = cJSON_CreateObject();
	cJSON_ArrayForEach(it, o)
	{
		cJSON *c;

		if (strcmp(it->string, "state") == 0)
			continue;
		c = cJSON_IsString(it) ? json_string_node(it->valuestring) : cJSON_Duplicate(it, 1);
		cJSON_AddItemToObject(n, it->string, c);
	}
	cJSON_AddItemToObject(n, "state", json_string_node(state));
	if ((out = cJSON_Print(n)) != NULL) {
		char *line = xasprintf("%s\n", out);

		rc = act_write_atomic(file, line, strlen(line), ACT_WRITE_IF_CHANGED, NULL) < 0 ? -1
												: 0;
		free(line);
	}
done:
	cJSON_free(out);
	cJSON_Delete(n);
	cJSON_Delete(o);
	free(text);
	free(file);
	return rc;
}

/* Removes a record folder and the files this module writes in it. */
static void drop_record(const char *dir)
{
	for (int i = 0; i < N_FILES; i++) {
		char *p = path_join(dir, files[i]);

		unlink(p);
		free(p);
	}
	rmdir(dir);
}

void act_record_end(const char *dir, bool reused, enum act_record_outcome o)
{
	if (!dir)
		return;
	if (o == ACT_RECORD_UNTOUCHED) {
		if (!reused)
			drop_record(dir);
		return;
	}
	set_state(dir, o == ACT_RECORD_DONE ? "deleted" : "partial");
}

bool act_record_of_gone_env(char **out_dir, const struct venv *v)
{
	struct stat st;

	*out_dir = NULL;
	if (!v->dev || lstat(v->path, &st) == 0 || errno != ENOENT)
		return false;
	*out_dir = record_of(v, false);
	return *out_dir != NULL;
}
