#include "freeze_out.h"

#include <stdlib.h>
#include <string.h>

#include "../pip/pip.h"
#include "../scan/places.h"
#include "../util/path.h"
#include "../util/xalloc.h"
#include "write_atomic.h"

int act_freeze_out_plan(struct act_freeze_out *out, const struct venv *v, const char *output,
			const char *text, size_t len, struct vs_err *err)
{
	char *old = NULL;
	size_t old_len = 0;

	memset(out, 0, sizeof(*out));
	out->path = output ? xstrdup(output) : scan_freeze_default_output(v);
	if (!out->path)
		return vs_err_set(err, VS_EUSAGE,
				  "%s has no project folder to put %s in; say "
				  "where to write with -o FILE (or -o - for standard output)",
				  v->path, venv_freeze_file(v));
	if (!output) {
		char *parent = path_dirname(v->path);

		if (strcmp(parent, v->project) != 0)
			out->project = xstrdup(v->project);
		free(parent);
	}
	if (scan_freeze_read_file(&old, &old_len, out->path, err) < 0) {
		act_freeze_out_clear(out);
		return VS_EFAIL;
	}
	out->exists = old != NULL;
	out->same = old && old_len == len && memcmp(old, text, len) == 0;
	if (old && !out->same) {
		out->old = old;
		out->old_len = old_len;
	} else {
		free(old);
	}
	return 0;
}

/* Named as a project's own env is (python -m venv .venv): its folder is
 * the project's, marker or not (a .git, only .py files). */
static bool generic_name(const char *path)
{
	static const char *const names[] = {".venv", "venv", "env"};
	const char *base = path_basename(path);

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(base, names[i]) == 0)
			return true;
	return false;
}

char *act_freeze_out_proposal(const struct venv *v, const char *start, const char *home)
{
	char *parent = path_dirname(v->path);
	bool here = ((start && strcmp(parent, start) == 0) || generic_name(v->path)) &&
		    strcmp(parent, "/") != 0 && !(home && strcmp(parent, home) == 0) &&
		    !scan_is_central_folder(parent, home);
	char *out = path_join(here ? parent : v->path, venv_freeze_file(v));

	free(parent);
	return out;
}

bool act_freeze_out_needs_yes(const struct act_freeze_out *o)
{
	return !o->same && (o->project || o->old);
}

int act_freeze_out_write(const struct act_freeze_out *o, const char *text, size_t len,
			 struct vs_err *err)
{
	if (o->same)
		return 0;
	if (o->old) {
		char *backup = xasprintf("%s~", o->path);
		int rc = act_write_atomic(backup, o->old, o->old_len, 0, err);

		free(backup);
		if (rc < 0)
			return VS_EFAIL;
	}
	return act_write_atomic(o->path, text, len, 0, err) < 0 ? VS_EFAIL : 0;
}

void act_freeze_out_clear(struct act_freeze_out *o)
{
	if (!o)
		return;
	free(o->path);
	free(o->project);
	free(o->old);
	memset(o, 0, sizeof(*o));
}
