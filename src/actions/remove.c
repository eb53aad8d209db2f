#include "remove.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>

#include "job.h"
#include "manager.h"
#include "record.h"
#include "trash.h"

static bool gone_now(const struct venv *v)
{
	struct stat st;

	return lstat(v->path, &st) != 0 && errno == ENOENT;
}

/* How far an attempt got, for its record. */
static enum act_record_outcome outcome(int rc, const struct act_remove_result *r)
{
	if (rc == 0)
		return ACT_RECORD_DONE;
	if (r->del.done.files || r->del.done.folders)
		return ACT_RECORD_PARTIAL;
	return ACT_RECORD_UNTOUCHED;
}

int act_remove(struct act_remove_result *out, const struct venv *v, bool trash, const char *home,
	       const struct act_delete_hooks *hooks, struct vs_err *err)
{
	struct vs_err why = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	vs_vec_init_strs(&out->links);
	/* Gone since it was loaded, and its recipe is kept: another delete of
	 * the same env got there first, which is what was asked. */
	if ((rc = act_delete_check(v, home, err)) < 0)
		return act_record_of_gone_env(&out->record, v) ? (out->record_reused = true, 0) : rc;
	/* The reason goes through its own buffer: formatting err from err.msg
	 * once showed the prefix twice and never the reason. */
	if (act_record_begin(&out->record, &out->record_reused, v, time(NULL), &why) < 0) {
		/* The other delete finished while we waited for the records. */
		if (act_record_of_gone_env(&out->record, v))
			return out->record_reused = true, 0;
		return vs_err_set(err, VS_EFAIL, "%s: not deleted, its recipe could not be kept: %s",
				  v->path, why.msg);
	}
	if (trash)
		rc = act_trash(&out->trashed, v, home, err);
	else
		rc = act_delete(v, home, hooks, &out->del, err);
	if (rc < 0 && !trash && !out->del.aborted && gone_now(v)) {
		/* Vanished between the check and the walk: the other delete. */
		out->del.removed = true;
		rc = 0;
	}
	act_record_end(out->record, out->record_reused, outcome(rc, out));
	if (rc == 0 && !trash)
		act_manager_tidy(v, home, &out->links);
	return rc;
}

void act_remove_result_clear(struct act_remove_result *r)
{
	free(r->record);
	free(r->trashed);
	r->record = r->trashed = NULL;
	vs_vec_clear(&r->links);
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
