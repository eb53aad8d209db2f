/* Cleaning a shared cache: see caches.h. */
#include "caches.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/human.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/proc.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/xalloc.h"

#define PIP_ASK_TIMEOUT_MS 30000

/* A copy of the cache record (strings duplicated). */
static struct scan_cache *cache_dup(const struct scan_cache *c)
{
	struct scan_cache *d = xcalloc(1, sizeof(*d));

	*d = *c;
	d->path = xstrdup(c->path);
	d->target = c->target ? xstrdup(c->target) : NULL;
	d->inodes = NULL; /* the figures are enough */
	return d;
}

/* True when `python3 -m pip cache dir` names `dir`: pip (its config file
 * and variables included) would purge this very folder. */
static bool pip_cleans(const char *python, const char *dir)
{
	const char *argv[] = {python, "-m", "pip", "cache", "dir", NULL};
	static const char *const unset[] = {"PYTHONHOME", NULL};
	struct vs_proc_spawn sp = {.argv = argv, .unset = unset, .cwd = "/"};
	struct vs_proc_output o = {0};
	struct vs_err err = {0};
	bool same = false;

	if (vs_proc_capture(&o, &sp, 64 * 1024, PIP_ASK_TIMEOUT_MS, &err) == 0 && o.exit_code == 0) {
		char *a, *b;

		while (o.out_len && (o.out[o.out_len - 1] == '\n' || o.out[o.out_len - 1] == '\r'))
			o.out[--o.out_len] = '\0';
		a = path_absolute(o.out);
		b = path_absolute(dir);
		same = a && b && strcmp(a, b) == 0;
		free(a);
		free(b);
	}
	vs_proc_output_clear(&o);
	return same;
}

/* The tool's own command for `c` (a NULL-terminated owned argv), or NULL
 * when the tool is not installed or would not clean this folder. */
static char **tool_argv(const struct scan_cache *c)
{
	struct vs_vec a;
	char *prog = NULL;

	vs_vec_init_strs(&a);
	if (strcmp(c->tool, "uv") == 0 && (prog = vs_proc_which("uv"))) {
		vs_vec_push(&a, prog);
		vs_vec_push_str(&a, "cache");
		vs_vec_push_str(&a, "clean");
		vs_vec_push_str(&a, "--cache-dir");
		vs_vec_push_str(&a, c->path);
	} else if (strcmp(c->tool, "pip") == 0 && (prog = vs_proc_which("python3")) &&
		   pip_cleans(prog, c->path)) {
		vs_vec_push(&a, prog);
		vs_vec_push_str(&a, "-m");
		vs_vec_push_str(&a, "pip");
		vs_vec_push_str(&a, "cache");
		vs_vec_push_str(&a, "purge");
	} else if (strcmp(c->tool, "conda") == 0 && (prog = vs_proc_which("conda"))) {
		vs_vec_push(&a, prog);
		vs_vec_push_str(&a, "clean");
		vs_vec_push_str(&a, "--all");
		vs_vec_push_str(&a, "--yes");
	} else {
		free(prog);
		return NULL;
	}
	return (char **)vs_vec_steal(&a, NULL);
}

/* The argv as one line a person can read (and paste). */
static char *argv_text(char *const *argv)
{
	struct strbuf sb = {0};

	for (size_t i = 0; argv[i]; i++) {
		bool plain = strpbrk(argv[i], " \t\n'\"\\$`;&|<>*?()") == NULL && argv[i][0];

		if (i)
			sb_addc(&sb, ' ');
		if (plain) {
			sb_adds(&sb, argv[i]);
			continue;
		}
		sb_addc(&sb, '\'');
		for (const char *p = argv[i]; *p; p++)
			sb_adds(&sb, *p == '\'' ? "'\\''" : (char[]){*p, '\0'});
		sb_addc(&sb, '\'');
	}
	return sb_detach(&sb);
}

static int refuse(const struct scan_cache *c, struct vs_err *err)
{
	if (c->target)
		return vs_err_set(err, VS_EUSAGE,
				  "%s: is a symlink (to %s); not cleaned through it: clean the "
				  "folder it points to yourself",
				  c->path, c->target);
	if (c->mount_point)
		return vs_err_set(err, VS_EUSAGE,
				  "%s: is a mount point; not cleaned: remove what is in it yourself",
				  c->path);
	return 0;
}

int act_cache_plan(struct act_cache_plan *out, const struct scan_cache *c, struct vs_err *err)
{
	char **argv;

	memset(out, 0, sizeof(*out));
	if (refuse(c, err) < 0)
		return VS_EUSAGE;
	argv = tool_argv(c);
	if (!argv) {
		out->how = c->skip ? xasprintf("remove everything in %s but %s/", c->path, c->skip)
				   : xasprintf("remove everything in %s", c->path);
		return 0;
	}
	out->job = xcalloc(1, sizeof(*out->job));
	out->job->kind = ACT_CACHE_CLEAN;
	out->job->argv = argv;
	out->job->cache = cache_dup(c);
	out->how = argv_text(argv);
	out->job->title = xasprintf("clean the %s cache: %s", c->tool, out->how);
	return 0;
}

void act_cache_plan_clear(struct act_cache_plan *p)
{
	act_job_free(p->job);
	free(p->how);
	p->job = NULL;
	p->how = NULL;
}

/* Adds what one removal left to the total. */
static void add_result(struct act_delete_result *res, const struct act_delete_result *one)
{
	res->done.files += one->done.files;
	res->done.bytes += one->done.bytes;
	res->done.disk += one->done.disk;
	res->done.folders += one->done.folders;
	res->left += one->left;
	res->aborted |= one->aborted;
	if (!res->first_error[0])
		memcpy(res->first_error, one->first_error, sizeof(res->first_error));
}

/* Removes the entry `name` of the cache folder open as `fd` (on the
 * device `dev`). */
static void remove_entry(int fd, dev_t dev, const char *dir, const char *name,
			 const struct act_delete_hooks *hooks, struct act_delete_result *res)
{
	struct act_delete_result one = {0};
	struct vs_err e = {0};
	struct stat st;
	char *p = path_join(dir, name);

	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT)
			one.left = 1;
	} else if (S_ISDIR(st.st_mode) && (st.st_dev != dev || path_is_mount_point(p, &st))) {
		/* Another filesystem mounted inside the cache is not the cache. */
		one.left = 1;
		snprintf(one.first_error, sizeof(one.first_error), "%s: is a mount point; left alone",
			 p);
	} else if (S_ISDIR(st.st_mode)) {
		/* `st` pins the folder: swapped for anything else meanwhile,
		 * it is left alone. */
		act_delete_tree(p, &st, false, hooks, &one, &e);
	} else if (unlinkat(fd, name, 0) == 0) {
		one.done.files = 1;
		one.done.bytes = st.st_size > 0 ? (uint64_t)st.st_size : 0;
		one.done.disk = (uint64_t)st.st_blocks * 512u;
	} else if (errno != ENOENT) {
		one.left = 1;
		snprintf(one.first_error, sizeof(one.first_error), "%s: %s", p, strerror(errno));
	}
	add_result(res, &one);
	free(p);
}

int act_cache_remove(const struct scan_cache *c, const struct act_delete_hooks *hooks,
		     struct act_delete_result *res, struct vs_err *err)
{
	struct vs_vec names;
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd;

	memset(res, 0, sizeof(*res));
	if (refuse(c, err) < 0)
		return VS_EUSAGE;
	fd = open(c->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || path_is_mount_point(c->path, &st)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return vs_err_set(err, VS_EUSAGE, "%s: %s", c->path,
				  fd < 0 ? strerror(e) : "is a mount point; not cleaned");
	}
	d = vs_opendir_at(fd, ".", 0);
	if (!d) {
		close(fd);
		return vs_err_set(err, VS_EFAIL, "%s: %s", c->path, strerror(errno));
	}
	vs_vec_init_strs(&names);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    !(c->skip && strcmp(de->d_name, c->skip) == 0))
			vs_vec_push_str(&names, de->d_name);
	closedir(d);
	for (size_t i = 0; i < names.n && !res->aborted; i++) {
		if (hooks && hooks->cancel && atomic_load(hooks->cancel)) {
			res->aborted = true;
			break;
		}
		remove_entry(fd, st.st_dev, c->path, names.v[i], hooks, res);
	}
	vs_vec_clear(&names);
	close(fd);
	if (res->left || res->aborted)
		return vs_err_set(err, VS_EFAIL, "%s: %llu entr%s could not be removed%s%s%s", c->path,
				  (unsigned long long)res->left, res->left == 1 ? "y" : "ies",
				  res->aborted ? " (stopped)" : "", res->first_error[0] ? ": " : "",
				  res->first_error);
	return 0;
}

char *act_cache_freed_text(const struct scan_cache *c)
{
	struct scan_cache now = *c;
	char fr[32], left[32];
	char *s;

	now.inodes = NULL;
	scan_cache_measure(&now, NULL);
	scan_cache_forget(&now);
	if (!scan_cache_known(c) || !scan_cache_known(&now)) {
		s = xasprintf("cleaned the %s cache %s: freed an unknown amount (some files could "
			      "not be read)",
			      c->tool, c->path);
	} else {
		uint64_t b = c->size.freeable_bytes > now.size.freeable_bytes
				     ? c->size.freeable_bytes - now.size.freeable_bytes
				     : 0;

		human_size(fr, sizeof(fr), b);
		human_size(left, sizeof(left), now.size.disk_bytes);
		s = xasprintf("cleaned the %s cache %s: freed %s (%s left in it)", c->tool, c->path,
			      fr, left);
	}
	return s;
}
