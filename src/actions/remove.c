#include "remove.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job.h"
#include "record.h"
#include "trash.h"

int act_remove(struct act_remove_result *out, const struct venv *v, bool trash, const char *home,
	       const struct act_delete_hooks *hooks, struct vs_err *err)
{
	struct vs_err why = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = act_delete_check(v, home, err)) < 0)
		return rc;
	/* The reason goes through its own buffer: formatting err from err.msg
	 * once showed the prefix twice and never the reason. */
	if (act_record_write(&out->record, v, time(NULL), &why) < 0)
		return vs_err_set(err, VS_EFAIL, "%s: not deleted, its recipe could not be kept: %s",
				  v->path, why.msg);
	if (trash)
		return act_trash(&out->trashed, v, home, err);
	return act_delete(v, home, hooks, &out->del, err);
}

void act_remove_result_clear(struct act_remove_result *r)
{
	free(r->record);
	free(r->trashed);
	r->record = r->trashed = NULL;
}

/* What a failed create left: the walker without env checks, no questions. */
int act_remove_partial(const char *path, struct vs_err *err)
{
	struct act_delete_result res;
	struct vs_err why = {0};

	if (act_delete_tree(path, NULL, false, NULL, &res, &why) == 0)
		return 0;
	if (res.first_error[0])
		return vs_err_set(err, VS_EFAIL, "%s: could not remove all of it: %s", path,
				  res.first_error);
	return vs_err_set(err, VS_EFAIL, "%s", why.msg);
}
