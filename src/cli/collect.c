#include "collect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "../scan/conda_places.h"
#include "../scan/model.h"
#include "../scan/scan.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "cli.h"

bool cli_ask(const char *question)
{
	char answer[16];

	if (!isatty(STDIN_FILENO))
		return false;
	fprintf(stderr, "%s [y/N] ", tw_esc(question));
	fflush(stderr);
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

const char *cli_home(void)
{
	return act_home();
}

void cli_warn(void *ctx, const char *message)
{
	(void)ctx;
	fprintf(stderr, "venvscope: warning: %s\n", tw_esc(message));
}

/* Takes the scan's events into the model, the same merge the browser uses;
 * warnings go to stderr as they come. */
static void consume(struct scan *s, struct scan_model *m, struct cli_result *out)
{
	struct scan_feed feed = {0};
	struct scan_event *ev;

	while ((ev = scan_wait(s)) != NULL) {
		if (ev->type == SCAN_EV_WARNING) {
			out->warnings++;
			cli_warn(NULL, ev->message);
		} else if (ev->type == SCAN_EV_DONE) {
			out->done = ev->progress;
		}
		scan_model_merge(m, &feed, ev);
		scan_event_free(ev);
	}
	scan_feed_free(&feed);
}

int cli_collect(struct cli_result *out, const struct cli_opts *o, struct vs_err *err)
{
	struct scan_request req = o->req;
	struct scan_model m;
	struct scan *s;

	memset(out, 0, sizeof(*out));
	out->now = time(NULL);
	req.now = out->now;
	req.home = cli_home();
	s = scan_start(&req, err);
	if (!s)
		return err->code ? err->code : VS_EFAIL;
	if (o->default_roots) {
		/* The conda list's lines that name no env: said, never walked. */
		struct vs_vec skipped;

		vs_vec_init_strs(&skipped);
		scan_conda_txt_skipped(&skipped, req.home);
		for (size_t i = 0; i < skipped.n; i++, out->warnings++)
			cli_warn(NULL, skipped.v[i]);
		vs_vec_clear(&skipped);
	}
	scan_model_init(&m, req.stale_days, out->now);
	consume(s, &m, out);
	scan_free(s);

	/* The envs leave the model in slot order, which is the scan's id order. */
	out->venvs = xcalloc(m.n_ids + 1, sizeof(*out->venvs));
	for (size_t i = 0; i < m.n_ids; i++)
		if (m.by_id[i]) {
			out->venvs[out->n++] = m.by_id[i];
			m.by_id[i] = NULL;
		}
	scan_model_free(&m);
	return 0;
}

struct act_open_opts cli_open_opts(void)
{
	return (struct act_open_opts){.what = ACT_OPEN_FULL, .on_warning = cli_warn};
}

int cli_report(int argc, char **argv, const char *cmd, const char *usage,
	       int (*report)(const struct cli_opts *o, const struct cli_result *r))
{
	struct vs_err err = {0};
	struct cli_result r;
	struct cli_opts o;
	int rc = cli_start(&o, argc, argv, CLI_OPT_DEFAULT_ROOTS, -1, cmd, usage);

	if (rc >= 0)
		return rc;
	/* Neither sizes nor git are part of such an answer. */
	o.req.no_size = true;
	o.req.no_git = true;
	if ((rc = cli_collect(&r, &o, &err)) < 0) {
		fprintf(stderr, "venvscope %s: %s\n", cmd, tw_esc(err.msg));
		cli_opts_free(&o);
		return cli_exit_code(rc);
	}
	rc = report(&o, &r);
	if (scan_incomplete_text(err.msg, sizeof(err.msg), &r.done)) {
		fprintf(stderr, "venvscope %s: %s\n", cmd, err.msg);
		rc = CLI_EXIT_FAIL;
	}
	cli_result_free(&r);
	cli_opts_free(&o);
	return rc;
}

void cli_result_free(struct cli_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		venv_free(r->venvs[i]);
	free(r->venvs);
	r->venvs = NULL;
	r->n = 0;
}
