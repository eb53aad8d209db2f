/* PEP 610 direct_url.json, validated the way pip's models/direct_url.py
 * does it, and the two things pip freeze derives from it. */
#include "direct_url.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "../util/hex.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "pyjson.h"
#include "pypath.h"

/* The last member named `key` (Python's json keeps the last duplicate). */
static const cJSON *member(const cJSON *obj, const char *key)
{
	const cJSON *found = NULL, *it;

	cJSON_ArrayForEach(it, obj) if (it->string && strcmp(it->string, key) == 0) found = it;
	return found;
}

/* _get(d, str, key): absent -> NULL (ok); present must be a string. */
static int get_str(const cJSON *obj, const char *key, const char **out, const char *where,
		   struct vs_err *err)
{
	const cJSON *v = member(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!cJSON_IsString(v))
		return vs_err_set(err, VS_EUSAGE, "%s%s is not a string", where, key);
	*out = v->valuestring;
	return 0;
}

static int get_required_str(const cJSON *obj, const char *key, const char **out, const char *where,
			    struct vs_err *err)
{
	if (get_str(obj, key, out, where, err) < 0)
		return VS_EUSAGE;
	if (!*out)
		return vs_err_set(err, VS_EUSAGE, "%s%s must have a value", where, key);
	return 0;
}

/* _get(d, dict, key): absent -> NULL; present must be an object. */
static int get_obj(const cJSON *obj, const char *key, const cJSON **out, struct vs_err *err)
{
	const cJSON *v = member(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!cJSON_IsObject(v))
		return vs_err_set(err, VS_EUSAGE, "%s is not an object", key);
	*out = v;
	return 0;
}

static int parse_vcs(struct scan_direct_url *d, const cJSON *vi, struct vs_err *err)
{
	const char *vcs, *commit, *rev;

	if (get_required_str(vi, "vcs", &vcs, "vcs_info.", err) < 0 ||
	    get_required_str(vi, "commit_id", &commit, "vcs_info.", err) < 0 ||
	    get_str(vi, "requested_revision", &rev, "vcs_info.", err) < 0)
		return VS_EUSAGE;
	d->kind = SCAN_DIRECT_VCS;
	d->vcs = xstrdup(vcs);
	d->commit_id = xstrdup(commit);
	return 0;
}

static int parse_archive(struct scan_direct_url *d, const cJSON *ai, struct vs_err *err)
{
	const cJSON *hashes;
	const char *hash;

	if (get_str(ai, "hash", &hash, "archive_info.", err) < 0 ||
	    get_obj(ai, "hashes", &hashes, err) < 0)
		return VS_EUSAGE;
	if (hash && !strchr(hash, '='))
		return vs_err_set(err, VS_EUSAGE, "invalid archive_info.hash format: '%s'", hash);
	d->kind = SCAN_DIRECT_ARCHIVE;
	d->hash = hash ? xstrdup(hash) : NULL;
	return 0;
}

static int parse_dir(struct scan_direct_url *d, const cJSON *di, struct vs_err *err)
{
	const cJSON *e = member(di, "editable");

	if (e && !cJSON_IsBool(e))
		return vs_err_set(err, VS_EUSAGE, "dir_info.editable is not true or false");
	d->kind = SCAN_DIRECT_DIR;
	d->editable = e && cJSON_IsTrue(e);
	return 0;
}

static int parse_doc(struct scan_direct_url *d, const cJSON *doc, struct vs_err *err)
{
	const cJSON *ai, *di, *vi;
	const char *url, *sub;
	int n;

	if (!cJSON_IsObject(doc))
		return vs_err_set(err, VS_EUSAGE, "not a JSON object");
	if (get_required_str(doc, "url", &url, "", err) < 0 ||
	    get_str(doc, "subdirectory", &sub, "", err) < 0 ||
	    get_obj(doc, "archive_info", &ai, err) < 0 || get_obj(doc, "dir_info", &di, err) < 0 ||
	    get_obj(doc, "vcs_info", &vi, err) < 0)
		return VS_EUSAGE;
	n = (ai != NULL) + (di != NULL) + (vi != NULL);
	if (n == 0)
		return vs_err_set(err, VS_EUSAGE, "missing one of archive_info, dir_info, vcs_info");
	if (n > 1)
		return vs_err_set(err, VS_EUSAGE, "more than one of archive_info, dir_info, vcs_info");
	if ((ai && parse_archive(d, ai, err) < 0) || (di && parse_dir(d, di, err) < 0) ||
	    (vi && parse_vcs(d, vi, err) < 0))
		return VS_EUSAGE;
	d->url = xstrdup(url);
	d->subdirectory = sub ? xstrdup(sub) : NULL;
	return 0;
}

int scan_direct_url_parse(struct scan_direct_url *out, const char *json, size_t len, struct vs_err *err)
{
	cJSON *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!py_utf8_valid(json, len))
		return vs_err_set(err, VS_EUSAGE, "not valid UTF-8");
	if (len >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0)
		return vs_err_set(err, VS_EUSAGE, "starts with a byte order mark");
	/* json.loads' rules, not cJSON's (see pyjson.h). */
	doc = pyjson_parse(json, len, err);
	if (!doc)
		return VS_EUSAGE;
	rc = parse_doc(out, doc, err);
	cJSON_Delete(doc);
	if (rc < 0)
		scan_direct_url_clear(out);
	return rc;
}

void scan_direct_url_clear(struct scan_direct_url *d)
{
	if (!d)
		return;
	free(d->url);
	free(d->subdirectory);
	free(d->vcs);
	free(d->commit_id);
	free(d->hash);
	memset(d, 0, sizeof(*d));
}

char *scan_direct_url_requirement(const struct scan_direct_url *d, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	bool frag = false;

	sb_addf(&sb, "%s @ ", name);
	if (d->kind == SCAN_DIRECT_VCS)
		sb_addf(&sb, "%s+%s@%s", d->vcs, d->url, d->commit_id);
	else
		sb_adds(&sb, d->url);
	if (d->kind == SCAN_DIRECT_ARCHIVE && d->hash) {
		sb_addf(&sb, "#%s", d->hash);
		frag = true;
	}
	if (d->subdirectory)
		sb_addf(&sb, "%csubdirectory=%s", frag ? '&' : '#', d->subdirectory);
	return sb_detach(&sb);
}

char *scan_file_url_to_path(const char *url)
{
	struct strbuf clean = STRBUF_INIT, path = STRBUF_INIT;
	const char *p, *end;
	char *out;

	/* urlsplit drops tabs and newlines anywhere and leading C0/space. */
	while (*url && (unsigned char)*url <= ' ')
		url++;
	for (p = url; *p; p++)
		if (*p != '\t' && *p != '\r' && *p != '\n')
			sb_addc(&clean, *p);
	p = sb_str(&clean);
	if (strncmp(p, "file:", 5) != 0) {
		sb_free(&clean);
		return NULL;
	}
	p += 5;
	if (p[0] == '/' && p[1] == '/') {
		const char *host = p + 2, *hend = host + strcspn(host, "/?#");

		if (hend != host &&
		    !((size_t)(hend - host) == 9 && strncmp(host, "localhost", 9) == 0)) {
			sb_free(&clean);
			return NULL;
		}
		p = hend;
	}
	end = p + strcspn(p, "?#");
	for (; p < end; p++) {
		if (*p == '%' && p + 2 < end && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0) {
			sb_addc(&path, (char)(hex_value(p[1]) * 16 + hex_value(p[2])));
			p += 2;
		} else {
			sb_addc(&path, *p);
		}
	}
	/* pip then runs os.path.abspath() in its own (neutral) folder. */
	out = py_abspath(sb_str(&path), "/");
	sb_free(&clean);
	sb_free(&path);
	return out;
}
