#include "packages.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/ascii.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/xalloc.h"
#include "dist_record.h"

/* Metadata is read up to here; real headers are a few KiB, the rest of a
 * big METADATA is the long description, which we never need. */
#define META_MAX_BYTES (256 * 1024)
#define META_CHUNK 8192

/* ---- site-packages folders ---- */

struct site_cand {
	char *path;
	dev_t dev;
	ino_t ino;
};

struct site_cands {
	struct site_cand *items;
	size_t n;
	size_t cap;
};

/* The site-packages folder in `parentfd` (a real folder, not a symlink),
 * added as env_path/rel/site-packages. */
static void add_site(struct site_cands *c, int parentfd, const char *env_path, const char *rel)
{
	struct stat st;
	struct site_cand *s;
	char *sub;

	if (fstatat(parentfd, "site-packages", &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
		return;
	c->items = xgrow(c->items, &c->cap, c->n + 1, sizeof(*c->items));
	s = &c->items[c->n++];
	sub = rel ? xasprintf("%s/site-packages", rel) : xstrdup("site-packages");
	s->path = path_join(env_path, sub);
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	free(sub);
}

/* Opens a real folder (no symlink at the last step) below dirfd. */
static int open_dir_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		vs_fd_shortage_note(errno);
	return fd;
}

/* lib/python* / lib/pypy* site folders below the folder `lib`. */
static void scan_lib(struct site_cands *c, int envfd, const char *env_path, const char *lib)
{
	DIR *d = vs_opendir_at(envfd, lib, VS_READ_NOFOLLOW);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char *rel;
		int sub;

		if (strncmp(de->d_name, "python", 6) != 0 && strncmp(de->d_name, "pypy", 4) != 0)
			continue;
		sub = open_dir_at(dirfd(d), de->d_name);
		if (sub < 0)
			continue;
		rel = xasprintf("%s/%s", lib, de->d_name);
		add_site(c, sub, env_path, rel);
		free(rel);
		close(sub);
	}
	closedir(d);
}

static int cmp_cand(const void *a, const void *b)
{
	return strcmp(((const struct site_cand *)a)->path, ((const struct site_cand *)b)->path);
}

/* Sorts by path and keeps the first of any two that are the same folder
 * (a bind mount, or Lib and lib on a case-insensitive file system). */
static size_t finish_sites(char ***out, struct site_cands *c)
{
	size_t i, j, n = 0;
	char **v;

	*out = NULL;
	if (c->n == 0)
		return 0;
	qsort(c->items, c->n, sizeof(*c->items), cmp_cand);
	v = xcalloc(c->n, sizeof(*v));
	for (i = 0; i < c->n; i++) {
		bool dup = false;

		for (j = 0; j < i && !dup; j++)
			dup = c->items[j].dev == c->items[i].dev && c->items[j].ino == c->items[i].ino;
		if (dup)
			free(c->items[i].path);
		else
			v[n++] = c->items[i].path;
	}
	free(c->items);
	*out = v;
	return n;
}

size_t scan_site_dirs(char ***out, int envfd, const char *env_path)
{
	struct site_cands c = {NULL, 0, 0};
	struct stat lib, lib64;
	bool have_lib;
	int fd;

	have_lib = fstatat(envfd, "lib", &lib, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(lib.st_mode);
	if (have_lib)
		scan_lib(&c, envfd, env_path, "lib");
	/* lib64 is usually a symlink to lib (venv makes one on 64-bit Linux);
	 * only a real, different folder is looked into. */
	if (fstatat(envfd, "lib64", &lib64, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(lib64.st_mode) &&
	    !(have_lib && lib64.st_dev == lib.st_dev && lib64.st_ino == lib.st_ino))
		scan_lib(&c, envfd, env_path, "lib64");
	fd = open_dir_at(envfd, "Lib");
	if (fd >= 0) {
		add_site(&c, fd, env_path, "Lib");
		close(fd);
	}
	add_site(&c, envfd, env_path, NULL);
	return finish_sites(out, &c);
}

/* ---- metadata headers ---- */

static bool is_hspace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && is_hspace(*s))
		s++, n--;
	while (n && is_hspace(s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* End of the line starting at `i`, and where the next one starts. Lines end
 * at "\n", "\r\n" or "\r" (the email parser's rule). */
static size_t line_end(const char *buf, size_t len, size_t i, size_t *next)
{
	size_t e = i;

	while (e < len && buf[e] != '\n' && buf[e] != '\r')
		e++;
	*next = e;
	if (e < len && buf[e] == '\r') {
		*next = e + 1;
		if (e + 1 < len && buf[e + 1] == '\n')
			*next = e + 2;
	} else if (e < len) {
		*next = e + 1;
	}
	return e;
}

/* A header line is "Field-Name:" with printable, non-space characters
 * before the colon (RFC 822 / Python's feedparser). */
static const char *header_colon(const char *line, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == ':')
			return i ? line + i : NULL;
		if (c < 0x21 || c > 0x7e)
			return NULL;
	}
	return NULL;
}

static bool field_is(const char *line, const char *colon, const char *field)
{
	size_t n = (size_t)(colon - line);

	return n == strlen(field) && vs_ascii_ncasecmp(line, field, n) == 0;
}

void scan_metadata_parse(const char *buf, size_t len, char **name, char **version)
{
	size_t i = 0, next;

	*name = NULL;
	*version = NULL;
	while (i < len && !(*name && *version)) {
		size_t e = line_end(buf, len, i, &next);
		const char *line = buf + i, *colon;

		if (e == i)
			break; /* the empty line that ends the headers */
		if (line[0] == ' ' || line[0] == '\t') {
			i = next; /* continuation of the previous header */
			continue;
		}
		colon = header_colon(line, e - i);
		if (!colon)
			break; /* not a header: the body starts here */
		if (!*name && field_is(line, colon, "Name"))
			*name = trim_dup(colon + 1, (size_t)(buf + e - colon - 1));
		else if (!*version && field_is(line, colon, "Version"))
			*version = trim_dup(colon + 1, (size_t)(buf + e - colon - 1));
		i = next;
	}
}

/* True once buf[0..len) holds the blank line that ends the headers; *pos
 * remembers where the scan stopped (the start of an unfinished line). */
static bool headers_done(const char *buf, size_t len, size_t *pos)
{
	while (*pos < len) {
		size_t next, e = line_end(buf, len, *pos, &next);

		/* Not finished yet; a final "\r" may be half of a "\r\n". */
		if (e == len || (buf[e] == '\r' && e + 1 == len))
			return false;
		if (e == *pos)
			return true;
		*pos = next;
	}
	return false;
}

/* Reads the headers of the regular file `rel` below dirfd (symlinks
 * followed, as importlib.metadata does; a FIFO or a device never opened;
 * a file over VS_READ_MAX_META refused, `err` saying so). Only the start
 * is read: the headers end at the first empty line. */
static int read_headers(int dirfd, const char *rel, char **out, size_t *len, struct vs_err *err)
{
	size_t got = 0, cap = 0, pos = 0;
	char *buf = NULL;
	int fd = vs_open_at(dirfd, rel, 0, VS_READ_MAX_META, NULL, err);

	if (fd < 0)
		return VS_EFAIL;
	while (got < META_MAX_BYTES && !headers_done(buf, got, &pos)) {
		ssize_t r;

		buf = xgrow(buf, &cap, got + META_CHUNK, 1);
		r = read(fd, buf + got, META_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0) {
				vs_err_set(err, VS_EFAIL, "%s: cannot be read: %s", rel,
					   strerror(errno));
				free(buf);
				close(fd);
				return VS_EFAIL;
			}
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = got;
	return 0;
}

/* ---- names ---- */

static const char *meta_suffix(const char *name, bool *dist)
{
	size_t n = strlen(name);

	/* importlib.metadata matches these endings in any case. */
	if (n > 10 && vs_ascii_casecmp(name + n - 10, ".dist-info") == 0) {
		*dist = true;
		return name + n - 10;
	}
	if (n > 9 && vs_ascii_casecmp(name + n - 9, ".egg-info") == 0) {
		*dist = false;
		return name + n - 9;
	}
	return NULL;
}

void scan_metadata_split_dirname(const char *dirname, char **name, char **version)
{
	bool dist;
	const char *end = meta_suffix(dirname, &dist);
	const char *dash, *vend;

	*name = NULL;
	*version = NULL;
	if (!end)
		end = dirname + strlen(dirname);
	dash = memchr(dirname, '-', (size_t)(end - dirname));
	if (!dash) {
		if (end > dirname)
			*name = xstrndup(dirname, (size_t)(end - dirname));
		return;
	}
	if (dash > dirname)
		*name = xstrndup(dirname, (size_t)(dash - dirname));
	/* An egg-info name may carry "-pyX.Y" (and more) after the version. */
	vend = memchr(dash + 1, '-', (size_t)(end - dash - 1));
	if (!vend)
		vend = end;
	if (vend > dash + 1)
		*version = xstrndup(dash + 1, (size_t)(vend - dash - 1));
}

char *scan_canonical_name(const char *name)
{
	size_t n = strlen(name), i, o = 0;
	char *out = xmalloc(n + 1);
	bool in_run = false;

	for (i = 0; i < n; i++) {
		char c = name[i];

		if (c == '-' || c == '_' || c == '.') {
			if (!in_run)
				out[o++] = '-';
			in_run = true;
			continue;
		}
		in_run = false;
		out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[o] = '\0';
	return out;
}

/* ---- reading a site folder ---- */

static const char *dir_reason(int e)
{
	switch (e) {
	case ENOENT:
		return "does not exist";
	case EACCES:
	case EPERM:
		return "permission denied";
	case ENOTDIR:
		return "is not a folder";
	default:
		return strerror(e);
	}
}

static void add_package(struct scan_pkg_list *list, const char *site_path, const char *entry,
			char *name, char *version)
{
	struct scan_package *p;

	list->items = xgrow(list->items, &list->cap, list->n + 1, sizeof(*list->items));
	p = &list->items[list->n++];
	p->name = name;
	p->version = version;
	p->canonical = scan_canonical_name(name);
	p->location = xstrdup(site_path);
	p->meta_dir = xstrdup(entry);
}

/* Keeps the first refusal of a metadata file of `site_path` (`e`, its path
 * relative to the folder; errno says why) as the list's problem. A missing
 * file is none, nor a RECORD symlink (RECORD is never followed). */
static void note_refusal(struct scan_pkg_list *list, const char *site_path, const struct vs_err *e)
{
	if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || list->problem)
		return;
	list->problem = xasprintf("%s/%s", site_path, e->msg);
}

/* One *.dist-info / *.egg-info entry of the site folder `sitefd`. */
static void read_entry(struct scan_pkg_list *list, int sitefd, const char *site_path,
		       const char *entry, bool dist)
{
	char *name = NULL, *version = NULL, *dname, *dversion, *buf = NULL, *rel;
	struct vs_err e = {0};
	struct stat st;
	size_t len = 0;

	/* Followed like importlib.metadata follows it; type checked first. */
	if (fstatat(sitefd, entry, &st, 0) != 0)
		return;
	if (S_ISDIR(st.st_mode))
		rel = xasprintf("%s/%s", entry, dist ? "METADATA" : "PKG-INFO");
	else if (S_ISREG(st.st_mode) && !dist)
		rel = xstrdup(entry);
	else
		return;
	if (read_headers(sitefd, rel, &buf, &len, &e) == 0)
		scan_metadata_parse(buf, len, &name, &version);
	else
		note_refusal(list, site_path, &e);
	free(buf);
	free(rel);
	scan_metadata_split_dirname(entry, &dname, &dversion);
	if (!name || !*name) {
		free(name);
		name = dname;
		dname = NULL;
	}
	if (!version || !*version) {
		free(version);
		version = dversion;
		dversion = NULL;
	}
	free(dname);
	free(dversion);
	if (!name) {
		/* Neither METADATA nor the entry name tell what this is. */
		free(version);
		return;
	}
	add_package(list, site_path, entry, name, version);
	if (dist && S_ISDIR(st.st_mode)) {
		struct scan_package *p = &list->items[list->n - 1];

		p->size_known = scan_record_size(sitefd, entry, &p->size, &e) == 0;
		if (!p->size_known)
			note_refusal(list, site_path, &e);
	}
}

int scan_packages_read(struct scan_pkg_list *list, const char *site_path, struct vs_err *err)
{
	DIR *d = vs_opendir_at(AT_FDCWD, site_path, 0);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return vs_err_set(err, VS_EFAIL, "%s: %s", site_path, dir_reason(errno));
	for (;;) {
		bool dist;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				rc = vs_err_set(err, VS_EFAIL, "%s: %s", site_path, dir_reason(errno));
			break;
		}
		if (meta_suffix(de->d_name, &dist))
			read_entry(list, dirfd(d), site_path, de->d_name, dist);
	}
	closedir(d);
	return rc;
}

int64_t scan_site_newest_mtime(const char *site_path)
{
	struct stat st;
	struct dirent *de;
	int64_t best = 0;
	DIR *d;

	if (stat(site_path, &st) == 0)
		best = (int64_t)st.st_mtime;
	if (!(d = vs_opendir_at(AT_FDCWD, site_path, 0)))
		return best;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (int64_t)st.st_mtime > best)
			best = (int64_t)st.st_mtime;
	}
	closedir(d);
	return best;
}

void scan_pkg_list_clear(struct scan_pkg_list *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->n; i++) {
		struct scan_package *p = &list->items[i];

		free(p->name);
		free(p->version);
		free(p->canonical);
		free(p->location);
		free(p->meta_dir);
	}
	free(list->items);
	free(list->problem);
	list->problem = NULL;
	list->items = NULL;
	list->n = 0;
	list->cap = 0;
}
