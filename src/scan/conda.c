/* conda-meta: the history head and the package records (see conda.h). */
#include "conda.h"

#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../pip/packages.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/utf8.h"
#include "../util/xalloc.h"

static bool is_regular_at(int fd, const char *rel)
{
	struct stat st;

	return fstatat(fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

bool scan_conda_is_prefix(int fd)
{
	struct stat st;

	/* One failed lookup when there is no conda-meta, the usual case. */
	if (fstatat(fd, "conda-meta", &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
		return false;
	return is_regular_at(fd, "conda-meta/history") || is_regular_at(fd, "conda-meta/pixi");
}

bool scan_conda_is_pixi(int fd)
{
	return is_regular_at(fd, "conda-meta/pixi");
}

/* "conda", "mamba" or "micromamba" from the program conda wrote first in
 * the command line (a path, or a bare name). */
static const char *manager_of(const char *argv0, size_t n)
{
	char name[64];
	const char *slash = memrchr(argv0, '/', n);

	if (slash) {
		n -= (size_t)(slash + 1 - argv0);
		argv0 = slash + 1;
	}
	if (n >= sizeof(name))
		return NULL;
	memcpy(name, argv0, n);
	name[n] = '\0';
	if (strncmp(name, "micromamba", 10) == 0)
		return "micromamba";
	if (strncmp(name, "mamba", 5) == 0)
		return "mamba";
	if (strstr(name, "conda"))
		return "conda";
	return NULL;
}

static bool has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* One `# cmd:` argument list: conda writes ' '.join(sys.argv), unquoted. */
static void parse_cmd(struct scan_conda_history *h, const char *s, size_t n)
{
	const char *end = s + n, *w[64];
	size_t wl[64], nw = 0;

	while (s < end && nw < 64) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s == end)
			break;
		w[nw] = s;
		while (s < end && *s != ' ' && *s != '\t')
			s++;
		wl[nw] = (size_t)(s - w[nw]);
		nw++;
	}
	if (nw == 0)
		return;
	h->manager = manager_of(w[0], wl[0]);
	if (!h->manager)
		h->manager = "conda";
	for (size_t i = 1; i < nw; i++) {
		char **slot = NULL;
		const char *val = NULL;
		size_t vl = 0;

		if ((wl[i] == 2 && memcmp(w[i], "-n", 2) == 0) ||
		    (wl[i] == 6 && memcmp(w[i], "--name", 6) == 0))
			slot = &h->name;
		else if ((wl[i] == 2 && memcmp(w[i], "-p", 2) == 0) ||
			 (wl[i] == 8 && memcmp(w[i], "--prefix", 8) == 0))
			slot = &h->prefix;
		if (slot && i + 1 < nw) {
			val = w[i + 1];
			vl = wl[i + 1];
			i++;
		} else if (wl[i] > 7 && memcmp(w[i], "--name=", 7) == 0) {
			slot = &h->name;
			val = w[i] + 7;
			vl = wl[i] - 7;
		} else if (wl[i] > 9 && memcmp(w[i], "--prefix=", 9) == 0) {
			slot = &h->prefix;
			val = w[i] + 9;
			vl = wl[i] - 9;
		}
		/* A control character (a CR inside the line) makes no name. */
		if (slot && val && vl && !*slot && !has_control(val, vl))
			*slot = xstrndup(val, vl);
	}
}

/* True when s[0..n) is UTF-8 text without NUL bytes. */
static bool is_text(const char *s, size_t n)
{
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		size_t k;

		if (s[i] == '\0')
			return false;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

void scan_conda_history_parse(struct scan_conda_history *out, const char *buf, size_t len)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		const char *line = buf + i, *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;

		i += n + (nl ? 1 : 0);
		if (n && line[n - 1] == '\r')
			n--;
		if (!is_text(line, n)) {
			/* The last line of a head may be cut inside a character:
			 * only a complete line counts as junk. */
			if (nl || len < SCAN_CONDA_HISTORY_HEAD)
				out->junk = true;
			continue;
		}
		if (out->manager)
			continue;
		if (n > 7 && memcmp(line, "# cmd: ", 7) == 0)
			parse_cmd(out, line + 7, n - 7);
		else if (n > 12 && memcmp(line, "# cmd_line: ", 12) == 0)
			parse_cmd(out, line + 12, n - 12);
	}
}

void scan_conda_history_clear(struct scan_conda_history *h)
{
	if (!h)
		return;
	free(h->name);
	free(h->prefix);
	memset(h, 0, sizeof(*h));
}

int scan_conda_history_read(struct scan_conda_history *out, int envfd, struct vs_err *err)
{
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	memset(out, 0, sizeof(*out));
	/* Any size: only the head is read. */
	fd = vs_open_at(envfd, "conda-meta/history", VS_READ_NOFOLLOW, (size_t)-1, NULL, err);
	if (fd < 0)
		return fd;
	buf = xmalloc(SCAN_CONDA_HISTORY_HEAD);
	while (got < SCAN_CONDA_HISTORY_HEAD &&
	       (n = read(fd, buf + got, SCAN_CONDA_HISTORY_HEAD - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	scan_conda_history_parse(out, buf, got);
	free(buf);
	return 0;
}

static char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring ? xstrdup(v->valuestring) : NULL;
}

/* "lib/python3.11/site-packages/six-1.16.0.dist-info/RECORD": the
 * dist-info basename, when the path lies in a site-packages folder. */
static char *dist_dir_of(const char *file)
{
	const char *sp = strstr(file, "site-packages/"), *name, *slash;
	size_t n;

	if (!sp)
		return NULL;
	name = sp + 14;
	slash = strchr(name, '/');
	n = slash ? (size_t)(slash - name) : strlen(name);
	if ((n > 10 && memcmp(name + n - 10, ".dist-info", 10) == 0) ||
	    (n > 9 && memcmp(name + n - 9, ".egg-info", 9) == 0))
		return xstrndup(name, n);
	return NULL;
}

static void add_owned(struct scan_conda *c, char *dir)
{
	for (size_t i = c->n_owned; i > 0; i--)
		if (strcmp(c->owned[i - 1], dir) == 0) {
			free(dir);
			return;
		}
	c->owned = xgrow(c->owned, &c->owned_cap, c->n_owned + 1, sizeof(*c->owned));
	c->owned[c->n_owned++] = dir;
}

int scan_conda_record_parse(struct scan_conda_rec *out, struct scan_conda *c, const char *buf,
			    size_t len, struct vs_err *err)
{
	cJSON *doc = cJSON_ParseWithLength(buf, len), *files;

	memset(out, 0, sizeof(*out));
	if (!doc)
		return vs_err_set(err, VS_EUSAGE, "not valid JSON");
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return vs_err_set(err, VS_EUSAGE, "not a JSON object");
	}
	out->name = json_str(doc, "name");
	if (!out->name || !out->name[0]) {
		cJSON_Delete(doc);
		scan_conda_rec_clear(out);
		return vs_err_set(err, VS_EUSAGE, "no \"name\" string");
	}
	out->version = json_str(doc, "version");
	out->build = json_str(doc, "build");
	out->channel = json_str(doc, "channel");
	out->url = json_str(doc, "url");
	out->md5 = json_str(doc, "md5");
	out->fn = json_str(doc, "fn");
	out->subdir = json_str(doc, "subdir");
	files = cJSON_GetObjectItemCaseSensitive(doc, "files");
	if (c && cJSON_IsArray(files)) {
		const cJSON *f;

		cJSON_ArrayForEach(f, files)
		{
			char *d = cJSON_IsString(f) ? dist_dir_of(f->valuestring) : NULL;

			if (d)
				add_owned(c, d);
		}
	}
	cJSON_Delete(doc);
	return 0;
}

void scan_conda_rec_clear(struct scan_conda_rec *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->version);
	free(r->build);
	free(r->channel);
	free(r->url);
	free(r->md5);
	free(r->fn);
	free(r->subdir);
	memset(r, 0, sizeof(*r));
}

static int cmp_rec(const void *a, const void *b)
{
	const struct scan_conda_rec *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void note_bad(struct scan_conda *c, const char *file, const char *why)
{
	c->n_bad++;
	if (!c->problem)
		c->problem = xasprintf("conda-meta/%s: %s", file, why);
}

static void read_record(struct scan_conda *c, int metafd, const char *file)
{
	struct vs_err err = {0};
	struct scan_conda_rec rec;
	char *text = NULL;
	size_t len = 0;

	if (vs_read_at(metafd, file, VS_READ_NOFOLLOW, VS_READ_MAX_META, &text, &len, NULL) < 0) {
		char why[128];

		note_bad(c, file,
			 errno == EFBIG ? "larger than 16 MiB, not read"
					: path_errno_reason(why, sizeof(why), file, errno));
		return;
	}
	if (scan_conda_record_parse(&rec, c, text, len, &err) < 0) {
		note_bad(c, file, err.msg);
	} else {
		c->recs = xgrow(c->recs, &c->cap, c->n + 1, sizeof(*c->recs));
		c->recs[c->n++] = rec;
	}
	free(text);
}

int scan_conda_read(struct scan_conda *out, int envfd, struct vs_err *err)
{
	DIR *d = vs_opendir_at(envfd, "conda-meta", VS_READ_NOFOLLOW);
	struct dirent *de;

	memset(out, 0, sizeof(*out));
	if (!d)
		return vs_err_set(err, VS_EFAIL, "conda-meta: %s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n <= 5 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		read_record(out, dirfd(d), de->d_name);
	}
	closedir(d);
	if (out->n > 1)
		qsort(out->recs, out->n, sizeof(*out->recs), cmp_rec);
	if (out->n_owned > 1)
		qsort(out->owned, out->n_owned, sizeof(*out->owned), cmp_str);
	return 0;
}

bool scan_conda_owns(const struct scan_conda *c, const char *meta_dir)
{
	if (!c || !meta_dir || c->n_owned == 0)
		return false;
	return bsearch(&meta_dir, c->owned, c->n_owned, sizeof(*c->owned), cmp_str) != NULL;
}

char *scan_conda_python_version(int envfd)
{
	DIR *d = vs_opendir_at(envfd, "conda-meta", VS_READ_NOFOLLOW);
	struct dirent *de;
	char *found = NULL;

	if (!d)
		return NULL;
	/* python-3.11.7-h955ad1f_0.json; not python-dateutil-2.8.2-... */
	while (!found && (de = readdir(d)) != NULL) {
		const char *v = de->d_name + 7, *dash;

		if (strncmp(de->d_name, "python-", 7) != 0 || *v < '0' || *v > '9')
			continue;
		dash = strchr(v, '-');
		if (dash && strcmp(de->d_name + strlen(de->d_name) - 5, ".json") == 0)
			found = xstrndup(v, (size_t)(dash - v));
	}
	closedir(d);
	return found;
}

char *scan_conda_channel_name(const char *channel, const char *subdir)
{
	static const char anaconda_org[] = "https://conda.anaconda.org/";
	static const char repo[] = "https://repo.anaconda.com/pkgs/";
	size_t n;
	const char *s;

	if (!channel)
		return NULL;
	if (!strstr(channel, "://"))
		return xstrdup(channel);
	if (strncmp(channel, repo, sizeof(repo) - 1) == 0)
		return xstrdup("defaults");
	s = channel;
	if (strncmp(channel, anaconda_org, sizeof(anaconda_org) - 1) == 0)
		s = channel + sizeof(anaconda_org) - 1;
	n = strlen(s);
	while (n && s[n - 1] == '/')
		n--;
	/* Drop the platform folder: the record's subdir, or noarch. */
	{
		const char *last = memrchr(s, '/', n);
		size_t ln = last ? n - (size_t)(last + 1 - s) : 0;

		if (last && ((subdir && ln == strlen(subdir) && memcmp(last + 1, subdir, ln) == 0) ||
			     (ln == 6 && memcmp(last + 1, "noarch", 6) == 0)))
			n = (size_t)(last - s);
	}
	return xstrndup(s, n);
}

size_t scan_conda_package_count(const struct scan_conda *c, const struct scan_pkg_list *pip)
{
	size_t n = c ? c->n : 0;

	for (size_t i = 0; pip && i < pip->n; i++)
		n += !scan_conda_owns(c, pip->items[i].meta_dir);
	return n;
}

void scan_conda_clear(struct scan_conda *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		scan_conda_rec_clear(&c->recs[i]);
	free(c->recs);
	for (size_t i = 0; i < c->n_owned; i++)
		free(c->owned[i]);
	free(c->owned);
	free(c->problem);
	memset(c, 0, sizeof(*c));
}

void scan_conda_free(struct scan_conda *c)
{
	scan_conda_clear(c);
	free(c);
}
