#include "open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../scan/inspect.h"
#include "../scan/scan.h"
#include "../util/path.h"

const char *act_home(void)
{
	const char *h = getenv("HOME");

	return h && *h ? h : NULL;
}

/* Opens ENV, a folder holding a regular pyvenv.cfg (or a conda prefix); returns its fd or a
 * negative code with the reason. */
static int open_checked(const char *env, struct vs_err *err)
{
	struct stat st;
	int fd = open(env, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		/* stat tells why (asked only now: most opens succeed). */
		int e = errno;
		char why[128];

		if (stat(env, &st) != 0)
			return vs_err_set(err, VS_EUSAGE, "%s: %s", env,
					  errno == ENOENT
						  ? "no such folder"
						  : path_errno_reason(why, sizeof(why), env, errno));
		if (!S_ISDIR(st.st_mode))
			return vs_err_set(err, VS_EUSAGE, "%s: not a folder", env);
		return vs_err_set(err, VS_EUSAGE, "%s: cannot open folder: %s", env,
				  path_errno_reason(why, sizeof(why), env, e));
	}
	if ((fstatat(fd, "pyvenv.cfg", &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) &&
	    !scan_conda_is_prefix(fd)) {
		close(fd);
		return vs_err_set(err, VS_EUSAGE,
				  "%s: not a virtual environment (it holds no pyvenv.cfg file)", env);
	}
	return fd;
}

/* CONFIG and PACKAGES: the inspection steps of a scan, on this thread. */
static int open_here(struct venv **out, int fd, const char *env, enum act_open_what what,
		     const struct scan_request *req, struct vs_err *err)
{
	char *abs = path_absolute(env);
	struct venv *v;

	if (!abs)
		return vs_err_set(err, VS_EFAIL, "%s: cannot tell its absolute path: %s", env,
				  strerror(errno));
	v = scan_inspect_env(fd, abs, req->home, SCAN_PARENT_UNKNOWN);
	if (what == ACT_OPEN_PACKAGES) {
		struct scan_event ev = {.type = SCAN_EV_PACKAGES, .id = v->id};

		ev.pkgs = scan_inspect_packages(fd, abs);
		scan_venv_apply(v, &ev, req->stale_days, req->now);
		scan_pkgs_result_free(ev.pkgs);
	}
	free(abs);
	*out = v;
	return 0;
}

/* FULL: a scan of the one folder, drained to the end. */
static int open_scan(struct venv **out, const char *env, struct scan_request req,
		     const struct act_open_opts *o, struct vs_err *err)
{
	const char *roots[1] = {env};
	struct scan_event *ev;
	struct venv *v = NULL;
	struct scan *s;

	req.roots = roots;
	req.n_roots = 1;
	req.max_depth = 0;
	req.excludes = NULL;
	req.n_excludes = 0;
	if (!(s = scan_start(&req, err)))
		return err->code ? err->code : VS_EFAIL;
	while ((ev = scan_wait(s)) != NULL) {
		if (ev->type == SCAN_EV_FOUND && !v) {
			v = ev->venv;
			ev->venv = NULL;
		} else if (ev->type == SCAN_EV_WARNING && o->on_warning) {
			o->on_warning(o->ctx, ev->message);
		} else if (v) {
			scan_venv_apply(v, ev, req.stale_days, req.now);
		}
		scan_event_free(ev);
	}
	scan_free(s);
	if (!v)
		return vs_err_set(err, VS_EFAIL, "%s: the environment vanished while it was read", env);
	*out = v;
	return 0;
}

/* Opens the folder `path` (already expanded) as act_open_env says. */
static int open_env(struct venv **out, const char *path, const struct act_open_opts *o,
		    struct vs_err *err)
{
	struct scan_request req = {.stale_days = SCAN_STALE_DAYS_DEFAULT};
	int fd, rc;

	if (o->scan)
		req = *o->scan;
	if (!req.now)
		req.now = time(NULL);
	if (!req.home)
		req.home = act_home();
	if ((fd = open_checked(path, err)) < 0)
		return fd;
	if (o->what == ACT_OPEN_FULL) {
		close(fd);
		return open_scan(out, path, req, o, err);
	}
	rc = open_here(out, fd, path, o->what, &req, err);
	close(fd);
	return rc;
}

int act_open_env(struct venv **out, const char *path, const struct act_open_opts *o, struct vs_err *err)
{
	char *exp = NULL;
	int rc;

	*out = NULL;
	/* An ENV given quoted ('~/x') reaches us as typed: the shell's rule. */
	if ((rc = path_expand_tilde(&exp, path, err)) < 0)
		return rc;
	rc = open_env(out, exp, o, err);
	free(exp);
	return rc;
}
