/* venvscope recreate: a deleted environment made again from its record. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../actions/job.h"
#include "../actions/record.h"
#include "../pip/pip.h"
#include "../util/human.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "cli.h"
#include "collect.h"

static const char recreate_usage[] =
	"usage: venvscope recreate [--python PATH] [--clear] [--empty] RECORD\n"
	"\n"
	"Makes a deleted environment again at its old path with the same options\n"
	"and installs its requirements with pip (which needs a package index or\n"
	"local wheels: your pip configuration). RECORD is a record folder, its name\n"
	"(venvscope deleted), a part of its name, or the path the environment had\n"
	"(then the newest record with packages). The env's exact name wins over a\n"
	"part of another's (legacy over legacy-twin). When several records fit, they are\n"
	"listed with their dates: on a terminal you pick one by number, else nothing\n"
	"is made (exit 2) and you give one's name.\n"
	"\n"
	"  --python PATH   another interpreter (when the original one is gone)\n"
	"  --clear         replace an environment that is at the path now\n"
	"  --empty         make it even when its record has no requirements\n"
	"  -h, --help      this text\n"
	"\n"
	"It says what pip installed, or pip's own error when it could not. A record of\n"
	"an env that had only pip and its tools (setuptools, wheel: a freeze leaves\n"
	"them out) is made again with pip, as it was, saying so; nothing to install.\n"
	"A conda env's record (environment.yml, explicit.txt) is not made again: the\n"
	"conda command that does it is named instead (exit 2).\n"
	"\n"
	"Exit status: 0 made and installed, 1 something failed, 2 bad usage or no\n"
	"single record fits.\n";

static int run_quiet(struct act_job *j, const char *what)
{
	struct vs_err err = {0};
	int rc;

	fprintf(stderr, "venvscope recreate: %s\n", tw_esc(j->title));
	rc = act_job_run(j, NULL, NULL, &err);
	if (rc < 0)
		fprintf(stderr, "venvscope recreate: %s failed: %s\n", tw_esc(what), tw_esc(err.msg));
	else
		printf("%s\n", tw_esc(j->summary));
	return rc;
}

/* The records that fit an ambiguous RECORD, numbered, newest first. */
static void print_choices(const struct act_record_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		fprintf(stderr, "  %zu) %s  %4zu %-4s  %s  (%s)\n", i + 1,
			tw_esc(l->v[i].deleted ? l->v[i].deleted : "?"), l->v[i].package_count,
			human_noun(l->v[i].package_count, "pkg", "pkgs"),
			tw_esc(path_basename(l->v[i].dir)), tw_esc(l->v[i].path));
}

/* On a terminal: asks for one of `l` by number; 0 and *out filled, else -1. */
static int ask_choice(struct act_record *out, struct act_record_list *l)
{
	char line[64];
	char *end;
	unsigned long k;

	if (!isatty(STDIN_FILENO) || l->n == 0)
		return -1;
	fprintf(stderr, "Which one? [1-%zu, Enter: none] ", l->n);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return -1;
	k = strtoul(line, &end, 10);
	if (end == line || k < 1 || k > l->n)
		return -1;
	*out = l->v[k - 1];
	memset(&l->v[k - 1], 0, sizeof(l->v[k - 1]));
	return 0;
}

/* The record's requirement lines (its requirements.txt). */
static size_t recipe_lines(const struct act_record *r)
{
	char *req = path_join(r->dir, "requirements.txt");
	char *text = NULL;
	size_t len = 0, n = 0;

	if (scan_freeze_read_file(&text, &len, req, NULL) == 0 && text)
		for (char *p = text; p && *p;) {
			char *e = strchr(p, '\n');

			n += p[0] != '#' && p[0] != '\n' && p[0] != '\r';
			p = e ? e + 1 : NULL;
		}
	free(text);
	free(req);
	return n;
}

/* A record with no requirements of an env that had pip: only pip's own
 * tools, which its freeze leaves out. Made again as it was (with pip),
 * saying so, as --empty would. */
static bool tools_only(const struct act_record *rec, size_t lines)
{
	return lines == 0 && !rec->without_pip && rec->package_count > 0;
}

struct recreate_opts {
	const char *python;
	bool clear, empty;
};

static int make_again(const struct act_record *rec, const struct recreate_opts *ro, size_t lines)
{
	struct act_create_opts co = {0};
	struct act_job *j = NULL;
	struct vs_err err = {0};
	const char *target = rec->path;
	char *req;
	int rc;

	co.python = ro->python;
	co.targets = &target;
	co.n_targets = 1;
	co.link = rec->copies ? ACT_LINK_COPIES : ACT_LINK_SYMLINKS;
	co.system_site_packages = rec->system_site_packages;
	co.prompt = rec->prompt;
	co.without_pip = rec->without_pip;
	co.clear = ro->clear;
	if ((rc = act_prepare_create(&j, &co, &err)) < 0) {
		fprintf(stderr, "venvscope recreate: %s\n", tw_esc(err.msg));
		return cli_exit_code(rc);
	}
	rc = run_quiet(j, "create");
	act_job_free(j);
	req = path_join(rec->dir, "requirements.txt");
	if (rc == 0 && rec->without_pip && lines > 0) {
		printf("made without pip, as before: install its requirements yourself from %s (%zu "
		       "line%s)\n",
		       tw_esc(req), lines, lines == 1 ? "" : "s");
	} else if (rc == 0 && lines > 0) {
		if ((rc = act_prepare_install(&j, rec->path, req, &err)) < 0)
			fprintf(stderr, "venvscope recreate: %s\n", tw_esc(err.msg));
		else
			rc = run_quiet(j, "installing the requirements");
		act_job_free(j);
	} else if (rc == 0 && tools_only(rec, lines)) {
		printf("made %s again with pip, as it was; nothing else to install\n",
		       tw_esc(rec->path));
	} else if (rc == 0) {
		printf("its record has no requirements: %s is empty (--empty)\n", tw_esc(rec->path));
	}
	free(req);
	return cli_exit_code(rc);
}

/* A conda env's record holds environment.yml (actions/record.h). */
static bool conda_record(const struct act_record *rec)
{
	char *yml = path_join(rec->dir, "environment.yml");
	struct stat st;
	bool yes = lstat(yml, &st) == 0 && S_ISREG(st.st_mode);

	free(yml);
	return yes;
}

int cli_recreate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"python", required_argument, NULL, 'p'},
		{"clear", no_argument, NULL, 'c'},
		{"empty", no_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct recreate_opts ro = {0};
	struct act_record rec = {0};
	struct act_record_list choices = {0};
	struct vs_err err = {0};
	size_t lines;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return fputs(recreate_usage, stdout), CLI_EXIT_OK;
		if (c == 'c')
			ro.clear = true;
		else if (c == 'e')
			ro.empty = true;
		else if (c == 'p')
			ro.python = optarg;
		else
			return fprintf(stderr, "venvscope recreate: unknown option (see venvscope "
					       "recreate --help)\n"),
			       CLI_EXIT_USAGE;
	}
	if (optind != argc - 1)
		return fprintf(stderr, "venvscope recreate: give one RECORD (see venvscope deleted)\n"),
		       CLI_EXIT_USAGE;
	if (act_record_find(&rec, argv[optind], &choices, &err) < 0) {
		fprintf(stderr, "venvscope recreate: %s\n", tw_esc(err.msg));
		print_choices(&choices);
		rc = ask_choice(&rec, &choices);
		act_record_list_clear(&choices);
		if (rc < 0)
			return CLI_EXIT_USAGE;
	}
	if (conda_record(&rec)) {
		fprintf(stderr,
			"venvscope recreate: the record %s is of a conda environment, which "
			"python -m venv cannot make again; make it with conda: conda env create "
			"-p %s -f %s/environment.yml (or conda create -p %s --file "
			"%s/explicit.txt)\n",
			tw_esc(rec.dir), tw_esc(rec.path), tw_esc(rec.dir), tw_esc(rec.path),
			tw_esc(rec.dir));
		act_record_clear(&rec);
		return CLI_EXIT_USAGE;
	}
	lines = recipe_lines(&rec);
	if (tools_only(&rec, lines)) {
		printf("the record lists only %s; nothing to install\n",
		       tw_esc(rec.tools ? rec.tools : "pip and its tools (setuptools, wheel)"));
	} else if (lines == 0 && !ro.empty) {
		fprintf(stderr,
			"venvscope recreate: the record %s has no requirements (the env had no "
			"packages): nothing to install. --empty makes it empty anyway; `venvscope "
			"deleted` lists the other records\n",
			tw_esc(rec.dir));
		act_record_clear(&rec);
		return CLI_EXIT_USAGE;
	}
	if (!ro.python && rec.base_python && access(rec.base_python, X_OK) == 0)
		ro.python = rec.base_python;
	if (!ro.python) {
		fprintf(stderr,
			"venvscope recreate: its Python (%s) is gone; pick another with --python "
			"(venvscope pythons lists them)\n",
			tw_esc(rec.base_python ? rec.base_python : "unknown"));
		act_record_clear(&rec);
		return CLI_EXIT_USAGE;
	}
	rc = make_again(&rec, &ro, lines);
	act_record_clear(&rec);
	return rc;
}
