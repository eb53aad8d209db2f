/* act_prepare_install: pip install -r into an environment (recreate). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/xalloc.h"
#include "job.h"
#include "job_internal.h"

int act_prepare_install(struct act_job **out, const char *env, const char *requirements,
			struct vs_err *err)
{
	struct act_job *j;
	char *py = path_join(env, "bin/python");
	size_t n = 0;
	int rc;

	*out = NULL;
	if (access(py, X_OK) != 0) {
		rc = vs_err_set(err, VS_EUSAGE, "%s: no runnable bin/python to install with", env);
		free(py);
		return rc;
	}
	j = xcalloc(1, sizeof(*j));
	j->kind = ACT_INSTALL;
	j->paths = xcalloc(1, sizeof(*j->paths));
	j->existed = xcalloc(1, sizeof(*j->existed));
	j->paths[0] = xstrdup(env);
	j->existed[0] = true;
	j->n_paths = 1;
	if ((rc = scan_probe_python(&j->python, py, err)) < 0) {
		free(py);
		act_job_free(j);
		return rc;
	}
	act_argv_add(j, &n, py);
	act_argv_add(j, &n, "-m");
	act_argv_add(j, &n, "pip");
	act_argv_add(j, &n, "install");
	act_argv_add(j, &n, "-r");
	j->n_argv_req = n;
	act_argv_add(j, &n, requirements);
	j->title = xasprintf("install %s into %s", requirements, env);
	free(py);
	*out = j;
	return 0;
}
