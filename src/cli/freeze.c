/* venvscope freeze ENV: requirements.txt as `pip freeze` prints it, without
 * running pip (unless --pip), written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../actions/freeze_out.h"
#include "../actions/open.h"
#include "../pip/pip.h"
#include "../scan/conda_export.h"
#include "../scan/inspect.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "cli.h"
#include "collect.h"

static const char freeze_usage[] =
	"usage: venvscope freeze [--local] [--all] [--exclude-editable] [--pip] [--yes]\n"
	"                        [--explicit [--md5]] [-o FILE|-] ENV\n"
	"\n"
	"Writes the environment's requirements exactly as `ENV/bin/python -m pip freeze`\n"
	"prints them, read natively from its metadata: nothing inside ENV is run (not its\n"
	"python, not its pip, not the import lines of its .pth files), so it also works\n"
	"when the base interpreter is gone or the env has no pip. With\n"
	"include-system-site-packages, the base interpreter (outside ENV) is asked for\n"
	"its own folders, isolated and without site (-I -S).\n"
	"\n"
	"  -o, --output FILE   where to write (\"-\": standard output); default\n"
	"                      <project>/requirements.txt when the env has a project folder\n"
	"                      (ENV/.project, relative to ENV, or the folder ENV is in\n"
	"                      when it holds a project file; a central folder such as\n"
	"                      ~/venvs or a tool's folder is never a project)\n"
	"  -y, --yes           write the default file even when it belongs to another\n"
	"                      project (ENV/.project points elsewhere) or says otherwise;\n"
	"                      with no project folder, write ENV/requirements.txt (or\n"
	"                      FOLDER/requirements.txt when ENV is in the current folder\n"
	"                      or is named .venv, venv or env, FOLDER being the folder it\n"
	"                      is in, unless that is your home or a central folder)\n"
	"  --local             leave out what is installed outside the env (pip freeze --local)\n"
	"  --all               keep pip, setuptools, wheel and distribute (pip freeze --all)\n"
	"  --exclude-editable  leave out editable installs\n"
	"  --pip               run the environment's own pip instead (runs ENV's code)\n"
	"  --explicit          conda env: the @EXPLICIT list of package URLs that\n"
	"                      `conda list --explicit` prints, instead of environment.yml;\n"
	"                      to standard output unless -o FILE\n"
	"  --md5               with --explicit: each URL ends with #MD5 (conda's --md5)\n"
	"  -h, --help          this text\n"
	"\n"
	"A conda, mamba, micromamba or pixi env (conda-meta, no pyvenv.cfg) is frozen\n"
	"the way `conda env export` writes it, to <project>/environment.yml: name,\n"
	"channels, NAME=VERSION=BUILD for each conda package, a pip: section for the\n"
	"dists pip installed, and prefix; all read from conda-meta, no conda needed.\n"
	"\n"
	"A file is replaced atomically (temporary file, fsync, rename), keeps its mode,\n"
	"and is left alone when it already says the same. Without -o, a file in another\n"
	"project or with another content is only written with --yes or a yes on the\n"
	"terminal (else exit 2, naming the file). A replaced file with another content\n"
	"is kept as FILE~. Warnings go to stderr.\n"
	"\n"
	"Exit status: 0 ok, 1 reading or writing failed, 2 bad usage, ENV is not a\n"
	"virtual environment, or the file needs --yes.\n";

enum { OPT_LOCAL = 256, OPT_ALL, OPT_EXCLUDE_EDITABLE, OPT_PIP, OPT_EXPLICIT, OPT_MD5 };

static const struct option long_opts[] = {
	{"local", no_argument, NULL, OPT_LOCAL},
	{"all", no_argument, NULL, OPT_ALL},
	{"exclude-editable", no_argument, NULL, OPT_EXCLUDE_EDITABLE},
	{"pip", no_argument, NULL, OPT_PIP},
	{"explicit", no_argument, NULL, OPT_EXPLICIT},
	{"md5", no_argument, NULL, OPT_MD5},
	{"output", required_argument, NULL, 'o'},
	{"yes", no_argument, NULL, 'y'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct freeze_args {
	struct scan_freeze_opts opts;
	bool pip;
	bool explicit; /* conda: the @EXPLICIT list */
	bool md5;      /* with explicit: #md5 after each url */
	bool help;
	bool yes;           /* write to another project's file or over a differing one */
	const char *output; /* NULL: the default */
	const char *env;
};

static int parse(struct freeze_args *a, int argc, char **argv, struct vs_err *err)
{
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hyo:", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_LOCAL:
			a->opts.local = true;
			break;
		case OPT_ALL:
			a->opts.all = true;
			break;
		case OPT_EXCLUDE_EDITABLE:
			a->opts.exclude_editable = true;
			break;
		case OPT_PIP:
			a->pip = true;
			break;
		case OPT_EXPLICIT:
			a->explicit = true;
			break;
		case OPT_MD5:
			a->md5 = true;
			break;
		case 'o':
			if (!*optarg)
				return vs_err_set(err, VS_EUSAGE, "-o wants a file name or '-'");
			a->output = optarg;
			break;
		case 'h':
			a->help = true;
			break;
		case 'y':
			a->yes = true;
			break;
		default:
			return vs_err_set(err, VS_EUSAGE,
					  "%s: unknown option or missing value (see --help)",
					  argv[optind - 1]);
		}
	}
	if (a->help)
		return 0;
	if (argc - optind != 1)
		return vs_err_set(err, VS_EUSAGE, "give exactly one ENV (see --help)");
	if (a->md5 && !a->explicit)
		return vs_err_set(err, VS_EUSAGE, "--md5 goes with --explicit");
	a->env = argv[optind];
	return 0;
}

static int write_stdout(const char *text, size_t len, struct vs_err *err)
{
	/* write(2), not stdio: nothing else goes to stdout here, and stdio
	 * would first fstat and ioctl the descriptor to pick a buffer. */
	for (size_t done = 0; done < len;) {
		ssize_t w = write(STDOUT_FILENO, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return vs_err_set(err, VS_EFAIL, "cannot write to standard output: %s",
					  strerror(errno));
		done += (size_t)w;
	}
	return 0;
}

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* Why writing `o` needs a yes, in words. */
static void reasons(char *buf, size_t n, const struct act_freeze_out *o, const char *env,
		    const char *text, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	if (o->project)
		at += (size_t)snprintf(buf, n,
				       "it belongs to %s, another project than the folder the "
				       "environment is in (%s/.project points there)",
				       o->project, env);
	if (o->old && at < n) {
		struct scan_freeze_diff diff;

		scan_freeze_diff_lines(&diff, o->old, o->old_len, text, len);
		snprintf(buf + at, n - at,
			 "%sit differs from the environment (%zu line%s added, %zu removed)",
			 at ? "; and " : "", diff.n_added, diff.n_added == 1 ? "" : "s",
			 diff.n_removed);
		scan_freeze_diff_clear(&diff);
	}
}

/* Writes the freeze to its file when that is safe or the user said so;
 * -o FILE (explicit) or --yes is a yes, a terminal may be asked. */
static int write_out(const struct freeze_args *a, const struct venv *v, const char *text, size_t len,
		     struct vs_err *err)
{
	struct act_freeze_out o;
	char why[2048];
	int rc;

	if (a->output && strcmp(a->output, "-") == 0)
		return write_stdout(text, len, err);
	if ((rc = act_freeze_out_plan(&o, v, a->output, text, len, err)) < 0)
		return rc;
	if (o.same) {
		fprintf(stderr, "venvscope freeze: %s is up to date\n", tw_esc(o.path));
	} else if (act_freeze_out_needs_yes(&o) && !a->yes && !a->output) {
		reasons(why, sizeof(why), &o, v->path, text, len);
		fprintf(stderr, "venvscope freeze: %s: %s\n", tw_esc(o.path), tw_esc(why));
		if (!cli_ask("Write it?"))
			rc = vs_err_set(err, VS_EUSAGE,
					"%s: not written; pass --yes to write it%s%s%s, or -o "
					"FILE to write somewhere else",
					o.path, o.old ? " (the old file is kept as " : "",
					o.old ? o.path : "", o.old ? "~)" : "");
	}
	if (rc == 0 && !o.same && (rc = act_freeze_out_write(&o, text, len, err)) == 0) {
		fprintf(stderr, "venvscope freeze: wrote %s (%zu line%s)\n", tw_esc(o.path),
			count_lines(text, len), count_lines(text, len) == 1 ? "" : "s");
		if (o.old)
			fprintf(stderr, "venvscope freeze: the old one is kept as %s~\n",
				tw_esc(o.path));
	}
	act_freeze_out_clear(&o);
	return rc;
}

/* A conda env's environment.yml or explicit list, from its records: the
 * env is opened again with its packages. */
static int conda_text(char **text, size_t *len, struct venv **v, const struct freeze_args *a,
		      struct vs_err *err)
{
	struct venv *full = NULL;
	int rc;

	if ((*v)->kind != VENV_KIND_CONDA)
		return vs_err_set(err, VS_EUSAGE,
				  "%s: --explicit is for conda environments (it holds no conda-meta)",
				  (*v)->path);
	if (a->pip || a->opts.local || a->opts.all || a->opts.exclude_editable)
		return vs_err_set(err, VS_EUSAGE,
				  "%s is a conda environment: it is frozen from its conda-meta "
				  "records, so --pip, --local, --all and --exclude-editable do "
				  "not apply",
				  (*v)->path);
	rc = act_open_env(&full, (*v)->path, &(struct act_open_opts){.what = ACT_OPEN_PACKAGES}, err);
	if (rc < 0)
		return rc;
	venv_free(*v);
	*v = full;
	return scan_conda_export(text, len, full,
				 !a->explicit ? SCAN_CONDA_YML
				 : a->md5     ? SCAN_CONDA_EXPLICIT_MD5
					      : SCAN_CONDA_EXPLICIT,
				 err);
}

int cli_freeze(int argc, char **argv)
{
	struct vs_err err = {0};
	struct scan_msgs warn = {0};
	struct freeze_args a;
	struct venv *v = NULL;
	char *text = NULL, *proposal = NULL, *output = NULL, q[2200];
	size_t len = 0;
	int rc;

	if (parse(&a, argc, argv, &err) < 0) {
		fprintf(stderr, "venvscope freeze: %s\n", tw_esc(err.msg));
		return CLI_EXIT_USAGE;
	}
	if (a.help) {
		fputs(freeze_usage, stdout);
		return CLI_EXIT_OK;
	}
	if (a.output && strcmp(a.output, "-") != 0) {
		/* -o '~/req.txt' reaches us as typed: the shell's rule. */
		if (path_expand_tilde(&output, a.output, &err) < 0) {
			fprintf(stderr, "venvscope freeze: %s\n", tw_esc(err.msg));
			return CLI_EXIT_USAGE;
		}
		a.output = output;
	}
	rc = act_open_env(&v, a.env, &(struct act_open_opts){.what = ACT_OPEN_CONFIG}, &err);
	if (rc < 0) {
		fprintf(stderr, "venvscope freeze: %s\n", tw_esc(err.msg));
		free(output);
		return cli_exit_code(err.code ? err.code : VS_EUSAGE);
	}
	if (a.explicit && !a.output)
		a.output = "-"; /* as `conda list --explicit` prints it */
	if (!a.output && !v->project) {
		char *cwd = getcwd(NULL, 0);

		proposal = act_freeze_out_proposal(v, cwd, cli_home());
		free(cwd);
		snprintf(q, sizeof(q), "%s has no project folder; write the freeze to %s?", v->path,
			 proposal);
		if (!a.yes && !cli_ask(q)) {
			fprintf(stderr,
				"venvscope freeze: %s has no project folder to put %s "
				"in; pass --yes to write %s, or say where with -o FILE (or -o - for "
				"standard output)\n",
				tw_esc(v->path), venv_freeze_file(v), tw_esc(proposal));
			free(proposal);
			free(output);
			venv_free(v);
			return CLI_EXIT_USAGE;
		}
		a.output = proposal;
	}
	if (v->kind == VENV_KIND_CONDA || a.explicit)
		rc = conda_text(&text, &len, &v, &a, &err);
	else if (a.pip)
		rc = scan_freeze_pip(&text, &len, v, &a.opts, &warn, &err);
	else
		rc = scan_freeze_env(&text, &len, v, &a.opts, &warn, &err);
	for (size_t i = 0; i < warn.n; i++)
		fprintf(stderr, "venvscope freeze: %s%s\n",
			a.pip ? "" : "warning: ", tw_esc(warn.v[i]));
	if (rc == 0)
		rc = write_out(&a, v, text, len, &err);
	if (rc < 0)
		fprintf(stderr, "venvscope freeze: %s\n", tw_esc(err.msg));
	scan_msgs_clear(&warn);
	free(text);
	free(proposal);
	free(output);
	venv_free(v);
	return rc < 0 ? cli_exit_code(rc) : CLI_EXIT_OK;
}
