/* Opening one environment by its path: the one way every front end turns
 * "ENV" (a command's argument, or a row of the browser to act on now) into
 * a model. */
#ifndef VS_ACTIONS_OPEN_H
#define VS_ACTIONS_OPEN_H

#include <stdbool.h>

#include "../scan/scan.h"
#include "../scan/venv.h"
#include "../util/err.h"

enum act_open_what {
	ACT_OPEN_CONFIG,   /* pyvenv.cfg, interpreter, health: a few syscalls */
	ACT_OPEN_PACKAGES, /* and its packages (last_modified, stale), on this thread */
	ACT_OPEN_FULL,     /* everything a scan learns (sizes and git unless turned off):
			    * a scan of that one folder, depth 0 */
};

struct act_open_opts {
	enum act_open_what what;
	/* The scan's settings: stale_days, now and home for every depth;
	 * no_size, no_git and threads for ACT_OPEN_FULL. Its roots, depth and
	 * excludes are not used. NULL: the defaults (SCAN_STALE_DAYS_DEFAULT,
	 * sizes and git, now, $HOME). */
	const struct scan_request *scan;
	/* ACT_OPEN_FULL: something could not be read (the scan goes on); may
	 * be NULL. */
	void (*on_warning)(void *ctx, const char *message);
	void *ctx;
};

/* Reads the environment at `path` into *out (owned: venv_free). A leading
 * ~ or ~user in `path` is expanded as the shell would (util/path.h). Returns
 * VS_EUSAGE with a sentence naming the path when it is not a folder holding
 * a regular pyvenv.cfg nor a conda prefix (conda-meta/history or
 * conda-meta/pixi: scan/conda.h) ("no such folder", "not a folder",
 * "cannot open folder: REASON", "not a virtual environment (it holds no
 * pyvenv.cfg file)"), VS_EFAIL when it vanished while it was read. The model's path is
 * absolute. */
int act_open_env(struct venv **out, const char *path, const struct act_open_opts *o,
		 struct vs_err *err);

/* The user's home folder ($HOME when set and not empty), or NULL. */
const char *act_home(void);

#endif
