#include "collect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "../scan/scan.h"
#include "../util/xalloc.h"

const char *cli_home(void) { return act_home(); }

void cli_warn(void *ctx, const char *message)
{
	(void)ctx;
	fprintf(stderr, "venvscope: warning: %s\n", message);
}

/* The venvs indexed by id while the scan runs (ids are dense from 0, but
 * FOUND events of two workers may arrive out of order). */
struct by_id {
	struct venv **v;
	size_t n, cap;
};

static void put(struct by_id *t, struct venv *v)
{
	if (v->id >= t->n) {
		t->v = xgrow(t->v, &t->cap, v->id + 1, sizeof(*t->v));
		memset(t->v + t->n, 0, (v->id + 1 - t->n) * sizeof(*t->v));
		t->n = v->id + 1;
	}
	t->v[v->id] = v;
}

static void consume(struct scan *s, struct by_id *t, struct cli_result *out, int stale_days)
{
	struct scan_event *ev;

	while ((ev = scan_wait(s)) != NULL) {
		switch (ev->type) {
		case SCAN_EV_FOUND:
			put(t, ev->venv);
			ev->venv = NULL;
			break;
		case SCAN_EV_PACKAGES:
		case SCAN_EV_SIZED:
		case SCAN_EV_GIT:
			if (ev->id < t->n)
				scan_venv_apply(t->v[ev->id], ev, stale_days, out->now);
			break;
		case SCAN_EV_WARNING:
			out->warnings++;
			cli_warn(NULL, ev->message);
			break;
		case SCAN_EV_PROGRESS:
		case SCAN_EV_DONE:
			break;
		}
		scan_event_free(ev);
	}
}

int cli_collect(struct cli_result *out, const struct cli_opts *o, struct vs_err *err)
{
	struct scan_request req = o->req;
	struct by_id t = {0};
	struct scan *s;

	memset(out, 0, sizeof(*out));
	out->now = time(NULL);
	req.now = out->now;
	req.home = cli_home();
	s = scan_start(&req, err);
	if (!s)
		return err->code ? err->code : VS_EFAIL;
	consume(s, &t, out, req.stale_days);
	scan_free(s);

	out->venvs = xcalloc(t.n + 1, sizeof(*out->venvs));
	for (size_t i = 0; i < t.n; i++)
		if (t.v[i])
			out->venvs[out->n++] = t.v[i];
	free(t.v);
	return 0;
}

struct act_open_opts cli_open_opts(void)
{
	return (struct act_open_opts){.what = ACT_OPEN_FULL, .on_warning = cli_warn};
}

void cli_result_free(struct cli_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		venv_free(r->venvs[i]);
	free(r->venvs);
	r->venvs = NULL;
	r->n = 0;
}
