/* libFuzzer target: what venvscope freeze parses and derives from bytes it
 * reads - METADATA headers, direct_url.json, entry names, file: URLs, git
 * remotes, paths - and the formatter on one distribution built from them,
 * under each pip / Python rule set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pip/direct_url.h"
#include "pip/freeze.h"
#include "scan/git_info.h"
#include "pip/pymeta.h"
#include "pip/pypath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_paths(const char *s)
{
	char *a = py_normpath(s), *b = py_normpath(a), *abs = py_abspath(s, "/cwd"), *rel;

	if (strcmp(a, b) != 0)
		abort(); /* normpath is idempotent */
	rel = py_relpath(abs, "/cwd/x");
	free(rel);
	free(abs);
	free(a);
	free(b);
	free(py_lower(s));
	if (py_rstrip_len(s, strlen(s)) > strlen(s))
		abort();
	free(py_url_quote(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pys[] = {"3.8", "3.11", "3.12", NULL};
	static const char *const pips[] = {"23.0.1", "23.2.1", "24.1", "24.2", NULL};
	char *buf = malloc(size ? size : 1), *s = malloc(size + 1);
	struct scan_freeze_dist d;
	struct scan_direct_url du;
	struct vs_err err = {0};

	if (!buf || !s) {
		free(buf);
		free(s);
		return 0;
	}
	if (size)
		memcpy(buf, data, size);
	memcpy(s, buf, size);
	s[size] = '\0';

	memset(&d, 0, sizeof(d));
	d.location = strdup("/site");
	d.entry = strdup(*s ? s : "x-1.dist-info");
	d.is_dir = true;
	d.meta_name = pymeta_header(buf, size, "Name");
	d.meta_version = pymeta_header(buf, size, "Version");
	d.version_line = pymeta_version_line(buf, size);
	d.local = true;
	if (scan_direct_url_parse(&du, buf, size, &err) == 0) {
		char *req = scan_direct_url_requirement(&du, "n");
		char *path = scan_file_url_to_path(du.url);

		free(req);
		free(path);
		d.du = du;
		d.du_state = SCAN_DU_OK;
	}
	check_paths(s);
	free(scan_git_remote_to_pip_url(s));
	free(scan_file_url_to_path(s));
	for (size_t i = 0; i < 4; i++) {
		for (size_t k = 0; k < 5; k++) {
			struct scan_freeze_rules r;
			struct scan_freeze_opts o = {k & 1, k & 2, false};
			struct scan_msgs warn = {0};
			size_t len;
			bool legacy;
			char *out;

			scan_freeze_rules_init(&r, pys[i], pips[k]);
			free(scan_freeze_canonical(&r, d.entry, d.meta_name));
			free(scan_freeze_dedupe_key(&r, d.entry, d.meta_name));
			free(scan_freeze_version(&r, &d, &legacy));
			out = scan_freeze_format(&len, &d, 1, &r, &o, &warn);
			if (strlen(out) != len || (len && out[len - 1] != '\n'))
				abort(); /* every line group ends with "\n" */
			free(out);
			scan_msgs_clear(&warn);
		}
	}
	scan_freeze_dist_clear(&d);
	free(buf);
	free(s);
	return 0;
}
