/* Asking an environment's base interpreter, isolated and without site, for
 * its own layout (site_base.h). */
#include "site_base.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scan/venv.h"
#include "../util/proc.h"
#include "../util/vec.h"
#include "../util/xalloc.h"

/* Python 2.7 and 3.x alike. With -I (3.4+) there is no script folder in
 * sys.path; with -E -s -S there is, first. site is imported but, under -S,
 * its main() does not run: no .pth file is read. sys.prefix is set as
 * site.venv() sets it before site.getsitepackages() is called, so that a
 * distribution's patched site.py answers as it does inside the env. */
static const char query[] =
	"import os, sys\n"
	"f = getattr(os, 'fsencode', lambda s: s)\n"
	"iso = getattr(sys.flags, 'isolated', 0) or getattr(sys.flags, 'safe_path', 0)\n"
	"p = sys.path if iso else sys.path[1:]\n"
	"import site\n"
	"pre = list(site.PREFIXES)\n"
	"u = site.getusersitepackages() or ''\n"
	"sys.prefix = sys.exec_prefix = sys.argv[1]\n"
	"o = [b'u' + f(u)] + [b'p' + f(x) for x in p]\n"
	"o += [b'e' + f(x) for x in site.getsitepackages([sys.argv[1]])]\n"
	"o += [b'b' + f(x) for x in site.getsitepackages(pre)]\n"
	"getattr(sys.stdout, 'buffer', sys.stdout).write(b'\\0'.join(o))\n";

/* -I appeared in Python 3.4; an unknown version gets it. */
static bool has_isolated_flag(const char *version)
{
	int major = 0, minor = 0;

	if (!version || sscanf(version, "%d.%d", &major, &minor) != 2)
		return true;
	return major > 3 || (major == 3 && minor >= 4);
}

static void push(char ***v, size_t *n, const char *s, size_t len)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrndup(s, len);
}

int scan_base_site_parse(struct scan_base_site *out, const char *answer, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (len == 0 || answer[0] != 'u')
		return VS_EFAIL;
	for (size_t i = 0, first = 1; i <= len; first = 0) {
		size_t e = i;

		while (e < len && answer[e])
			e++;
		if (e == i || (first != (answer[i] == 'u'))) {
			scan_base_site_clear(out);
			return VS_EFAIL;
		}
		switch (answer[i]) {
		case 'u':
			if (e > i + 1)
				out->user_site = xstrndup(answer + i + 1, e - i - 1);
			break;
		case 'p':
			push(&out->path, &out->n_path, answer + i + 1, e - i - 1);
			break;
		case 'e':
			push(&out->env, &out->n_env, answer + i + 1, e - i - 1);
			break;
		case 'b':
			push(&out->base, &out->n_base, answer + i + 1, e - i - 1);
			break;
		default:
			scan_base_site_clear(out);
			return VS_EFAIL;
		}
		i = e + 1;
	}
	return 0;
}

int scan_base_site_ask(struct scan_base_site *out, const struct venv *v, struct vs_err *why)
{
	bool iso = has_isolated_flag(v->python_version);
	const char *argv[8];
	struct vs_proc_output r;
	size_t n = 0;
	char *base;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!(base = venv_base_interpreter(v, why)))
		return VS_EFAIL;
	argv[n++] = base;
	argv[n++] = iso ? "-I" : "-E";
	if (!iso)
		argv[n++] = "-s";
	argv[n++] = "-S";
	argv[n++] = "-c";
	argv[n++] = query;
	argv[n++] = v->path;
	argv[n] = NULL;
	rc = vs_proc_capture(&r,
			     &(struct vs_proc_spawn){.argv = argv,
						     .unset = (const char *const[]){"PIP_*", NULL},
						     .cwd = "/",
						     .flags = VS_PROC_SAME_PGROUP},
			     16 * 1024 * 1024, 60000, why);
	if (rc < 0) {
		free(base);
		return VS_EFAIL;
	}
	if (r.exit_code != 0)
		rc = r.signal ? vs_err_set(why, VS_EFAIL, "%s was killed by signal %d", base, r.signal)
			      : vs_err_set(why, VS_EFAIL, "%s exited with status %d", base,
					   r.exit_code);
	else if (scan_base_site_parse(out, r.out, r.out_len) < 0)
		rc = vs_err_set(why, VS_EFAIL, "%s gave no answer about its site folders", base);
	vs_proc_output_clear(&r);
	free(base);
	return rc;
}

void scan_base_site_clear(struct scan_base_site *b)
{
	if (!b)
		return;
	vs_strv_free(b->path, b->n_path);
	vs_strv_free(b->env, b->n_env);
	vs_strv_free(b->base, b->n_base);
	free(b->user_site);
	memset(b, 0, sizeof(*b));
}
