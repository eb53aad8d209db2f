/* The parts of a freeze around the native reading: running the env's own
 * pip (--pip), the default output file, and reading the file that is there. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/xalloc.h"
#include "../scan/child.h"
#include "../scan/venv.h"
#include "freeze_read.h"

#define FILE_MAX_BYTES (64 * 1024 * 1024)

/* ---- pip itself ---- */

int scan_freeze_pip(char **out, size_t *len, const struct venv *v, const struct scan_freeze_opts *o,
		    struct scan_msgs *warn, struct vs_err *err)
{
	const char *argv[8];
	struct scan_child_result r;
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
	if (scan_child_run(&r, argv, "/", 256 * 1024 * 1024, 600000, err) < 0)
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

		scan_child_result_clear(&r);
		if (code < 0)
			return vs_err_set(err, VS_EFAIL, "%s -m pip freeze was killed", v->interpreter);
		return vs_err_set(err, VS_EFAIL, "%s -m pip freeze failed (exit status %d)",
				  v->interpreter, code);
	}
	*out = r.out;
	*len = r.out_len;
	r.out = NULL;
	scan_child_result_clear(&r);
	return 0;
}

/* ---- files around the freeze ---- */

char *scan_freeze_default_output(const struct venv *v)
{
	return v->project ? path_join(v->project, "requirements.txt") : NULL;
}

/* The whole of the regular file `path` (at most FILE_MAX_BYTES). */
static int read_all(char **out, size_t *len, const char *path, struct vs_err *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	size_t got = 0, cap = 0;
	char *b = NULL;

	if (fd < 0)
		return vs_err_set(err, VS_EFAIL, "%s cannot be read: %s", path, strerror(errno));
	for (;;) {
		ssize_t r;

		b = xgrow(b, &cap, got + 65536 + 1, 1);
		if (got >= FILE_MAX_BYTES)
			break;
		r = read(fd, b + got, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(b);
			close(fd);
			return vs_err_set(err, VS_EFAIL, "%s cannot be read: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	b[got] = '\0';
	*out = b;
	*len = got;
	return 0;
}

int scan_freeze_read_file(char **out, size_t *len, const char *path, struct vs_err *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	int rc;

	*out = NULL;
	*len = 0;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP)
			return vs_err_set(err, VS_EFAIL, "%s is a symbolic link", path);
		return vs_err_set(err, VS_EFAIL, "%s: %s", path, strerror(errno));
	}
	rc = fstat(fd, &st);
	close(fd);
	if (rc != 0)
		return vs_err_set(err, VS_EFAIL, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return vs_err_set(err, VS_EFAIL, "%s is a folder, not a file", path);
	if (!S_ISREG(st.st_mode))
		return vs_err_set(err, VS_EFAIL, "%s is not a regular file", path);
	return read_all(out, len, path, err);
}
