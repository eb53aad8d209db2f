/* The parts of a freeze around the native reading: running the env's own
 * pip (--pip), the default output file, and reading the file that is there. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/proc.h"
#include "../util/readfile.h"
#include "../util/xalloc.h"
#include "../scan/venv.h"
#include "freeze_read.h"

/* ---- pip itself ---- */

int scan_freeze_pip(char **out, size_t *len, const struct venv *v, const struct scan_freeze_opts *o,
		    struct scan_msgs *warn, struct vs_err *err)
{
	const char *argv[8];
	struct vs_proc_output r;
	size_t n = 0;

	*out = NULL;
	*len = 0;
	if (!v->interpreter)
		return vs_err_set(err, VS_EFAIL, "%s: the environment has no python to run pip with",
				  v->path);
	argv[n++] = v->interpreter;
	argv[n++] = "-m";
	argv[n++] = "pip";
	argv[n++] = "freeze";
	if (o->local)
		argv[n++] = "--local";
	if (o->all)
		argv[n++] = "--all";
	if (o->exclude_editable)
		argv[n++] = "--exclude-editable";
	argv[n] = NULL;
	if (vs_proc_capture(&r,
			    &(struct vs_proc_spawn){.argv = argv,
						    .unset = (const char *const[]){"PIP_*", NULL},
						    .cwd = "/",
						    .flags = VS_PROC_SAME_PGROUP},
			    256 * 1024 * 1024, 600000, err) < 0)
		return VS_EFAIL;
	for (size_t i = 0; i < r.err_len;) {
		size_t e = i;

		while (e < r.err_len && r.err[e] != '\n')
			e++;
		if (e > i)
			scan_msgs_add(warn, "pip: %.*s", (int)(e - i), r.err + i);
		i = e + 1;
	}
	if (r.exit_code != 0) {
		int code = r.exit_code;

		vs_proc_output_clear(&r);
		if (code < 0)
			return vs_err_set(err, VS_EFAIL, "%s -m pip freeze was killed", v->interpreter);
		return vs_err_set(err, VS_EFAIL, "%s -m pip freeze failed (exit status %d)",
				  v->interpreter, code);
	}
	*out = r.out;
	*len = r.out_len;
	r.out = NULL;
	vs_proc_output_clear(&r);
	return 0;
}

/* ---- files around the freeze ---- */

char *scan_freeze_default_output(const struct venv *v)
{
	return v->project ? path_join(v->project, venv_freeze_file(v)) : NULL;
}

int scan_freeze_read_file(char **out, size_t *len, const char *path, struct vs_err *err)
{
	struct vs_err e = {0};

	*out = NULL;
	*len = 0;
	if (vs_read_at(AT_FDCWD, path, VS_READ_NOFOLLOW, VS_READ_MAX_LARGE, out, len, &e) == 0)
		return 0;
	switch (errno) {
	case ENOENT:
		return 0;
	case ELOOP:
		return vs_err_set(err, VS_EFAIL, "%s is a symbolic link", path);
	case EISDIR:
		return vs_err_set(err, VS_EFAIL, "%s is a folder, not a file", path);
	case EINVAL:
		return vs_err_set(err, VS_EFAIL, "%s is not a regular file", path);
	default:
		return vs_err_set(err, VS_EFAIL, "%.1000s", e.msg);
	}
}
