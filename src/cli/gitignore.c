/* venvscope gitignore ENV: the command-line twin of the browser's `I` key.
 * Shows what will change, asks, then runs act_gitignore_apply. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../util/human.h"
#include "../actions/gitignore.h"
#include "../actions/open.h"
#include "../util/textwidth.h"
#include "cli.h"
#include "collect.h"

static const char gitignore_usage[] =
	"usage: venvscope gitignore [--yes] [--inner] ENV\n"
	"\n"
	"Makes git ignore the environment ENV. Adds a line for it (\"/.venv/\", from\n"
	"the repository's top folder) to the repository's top-level .gitignore,\n"
	"creating it if needed and keeping its other lines and line endings; with\n"
	"--inner, writes a .gitignore holding \"*\" inside ENV instead (what Python\n"
	"3.13's venv does). When files of ENV are already in git's index, ignoring\n"
	"is not enough: they are first taken out of the index (git rm -r --cached;\n"
	"the files stay on disk), and a commit is still needed afterwards.\n"
	"Shows what will change and asks first.\n"
	"\n"
	"  --inner      a .gitignore with \"*\" inside ENV, not a line in the repository's\n"
	"               top-level .gitignore\n"
	"  -y, --yes    do not ask (needed when there is no terminal)\n"
	"  -h, --help   this text\n"
	"\n"
	"Exit status: 0 done, 1 something failed or the answer was no, 2 bad usage,\n"
	"ENV is not an environment, or there is nothing to fix (not in a git work\n"
	"tree, or already ignored and not tracked).\n";

enum { O_INNER = 256 };

static const struct option gitignore_opts[] = {
	{"yes", no_argument, NULL, 'y'},
	{"inner", no_argument, NULL, O_INNER},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "venvscope gitignore: %s (see venvscope gitignore --help)\n", tw_esc(msg));
	return CLI_EXIT_USAGE;
}

static void print_plan(const struct act_gitignore_plan *p, const char *env)
{
	if (p->untrack) {
		printf("%s: %zu of its files %s in git's index (repository %s); ignoring it "
		       "is not enough.\n",
		       tw_esc(env), p->n_tracked, human_noun(p->n_tracked, "is", "are"),
		       tw_esc(p->repo));
		printf("  - take them out of the index (git rm -r --cached; the files stay on disk)\n");
	} else {
		printf("%s: git would commit it (repository %s).\n", tw_esc(env), tw_esc(p->repo));
	}
	if (p->line)
		printf("  - add this line to %s:\n        %s\n", tw_esc(p->file), tw_esc(p->line));
	else
		printf("  - no ignore line is needed: a rule already ignores it\n");
	fflush(stdout);
}

int cli_gitignore(int argc, char **argv)
{
	struct act_gitignore_plan p = {0};
	struct scan_request req = {.stale_days = SCAN_STALE_DAYS_DEFAULT, .no_size = true};
	struct act_open_opts o = cli_open_opts();
	struct venv *v = NULL;
	struct vs_err err = {0};
	bool yes = false, inner = false;
	const char *env;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "yh", gitignore_opts, NULL)) != -1) {
		switch (c) {
		case 'y':
			yes = true;
			break;
		case O_INNER:
			inner = true;
			break;
		case 'h':
			fputs(gitignore_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return usage_error("unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error("give exactly one ENV");

	/* Only environments: the same check as the other commands on one env. */
	o.scan = &req;
	if ((rc = act_open_env(&v, argv[optind], &o, &err)) < 0) {
		fprintf(stderr, "venvscope gitignore: %s\n", tw_esc(err.msg));
		return cli_exit_code(rc);
	}
	env = v->path;
	if ((rc = act_gitignore_plan(&p, env, inner, &err)) < 0) {
		fprintf(stderr, "venvscope gitignore: %s\n", tw_esc(err.msg));
		rc = cli_exit_code(rc);
		goto done;
	}
	print_plan(&p, env);
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "venvscope gitignore: nothing changed: run with --yes to do "
					"this without a terminal to ask on\n");
			rc = CLI_EXIT_USAGE;
			goto done;
		}
		if (!cli_ask("Go ahead?")) {
			fprintf(stderr, "venvscope gitignore: nothing changed\n");
			rc = CLI_EXIT_FAIL;
			goto done;
		}
	}
	if ((rc = act_gitignore_apply(&p, env, &err)) < 0) {
		fprintf(stderr, "venvscope gitignore: %s\n", tw_esc(err.msg));
		rc = cli_exit_code(rc);
		goto done;
	}
	if (p.untrack)
		printf("took %zu file%s of %s out of git's index (the files are still there)\n",
		       p.n_tracked, p.n_tracked == 1 ? "" : "s", tw_esc(env));
	if (p.line)
		printf("added the line %s to %s\n", tw_esc(p.line), tw_esc(p.file));
	if (p.untrack)
		printf("a commit is still needed: their removal is staged in %s\n", tw_esc(p.repo));
	rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
done:
	act_gitignore_plan_clear(&p);
	venv_free(v);
	return rc;
}
