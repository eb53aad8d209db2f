/* venvscope create | clear | upgrade | shell: the command-line
 * twins of the browser's actions, on the same functions in src/actions/. */
#include <cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../actions/delete.h"
#include "../actions/job.h"
#include "../actions/open.h"
#include "../scan/pythons.h"
#include "../actions/shell.h"
#include "../util/human.h"
#include "../util/textwidth.h"
#include "../util/path.h"
#include "../util/xalloc.h"
#include "cli.h"
#include "collect.h"
#include "json.h"

static const char create_usage[] =
	"usage: venvscope create [--python PATH] [OPTIONS] DIR...\n"
	"\n"
	"Makes a virtual environment in each DIR with `PYTHON -m venv` (one run for\n"
	"all of them). DIR must be new, an empty folder, or (with --clear) an\n"
	"environment: venvscope never mixes a venv into a folder with other files.\n"
	"\n"
	"  --python PATH              the base interpreter (default: python3 on PATH;\n"
	"                             `venvscope pythons` lists them)\n"
	"  --system-site-packages     give the env access to the base's site-packages\n"
	"  --symlinks | --copies      link or copy the interpreter\n"
	"  --without-pip              do not install pip\n"
	"  --prompt TEXT              the prompt shown when active ('.' = the folder name, 3.9+)\n"
	"  --upgrade-deps             upgrade pip (and setuptools) from the index (3.9+)\n"
	"  --without-scm-ignore-files no .gitignore inside the env (3.13+)\n"
	"  --clear                    replace an existing environment\n"
	"  -y, --yes                  remove what a failed create left, without asking\n"
	"\n"
	"  -h, --help                 this text\n"
	"\n"
	"Ctrl-C stops the create (pip too) and offers to remove what it left; a\n"
	"half-made env is listed with the flag `incomplete`.\n"
	"\n"
	"Exit status: 0 every DIR was made, 1 the create failed, 2 bad usage or a DIR\n"
	"that cannot hold a new environment.\n";

static const char clear_usage[] =
	"usage: venvscope clear [--yes] [--force] ENV\n"
	"\n"
	"Empties ENV and makes it again with its own base interpreter (python -m venv\n"
	"--clear), keeping symlinks or copies, system-site-packages, prompt and\n"
	"without-pip. Its installed packages are removed. Asks first unless --yes.\n"
	"Nothing inside ENV is run: a base interpreter that lies inside it is refused.\n"
	"An ENV a running process uses (its program, cwd or a mapped file is inside,\n"
	"per /proc, looked at right before) is refused with the processes named\n"
	"(exit 2) unless --force.\n"
	"\n"
	"  -y, --yes    do not ask (needed when there is no terminal)\n"
	"  --force      clear it even when a running process uses it\n"
	"  -h, --help   this text\n"
	"\n"
	"Exit status: 0 cleared, 1 failed or the answer was no, 2 bad usage, ENV\n"
	"is not an environment, or it is in use (without --force).\n";

static const char upgrade_usage[] =
	"usage: venvscope upgrade [--deps] ENV\n"
	"\n"
	"Without --deps: `BASE -m venv --upgrade ENV`, for when the base Python was\n"
	"updated in place; prints the version before and after.\n"
	"With --deps: upgrades pip (and setuptools before Python 3.12) inside ENV from\n"
	"the package index, as venv's --upgrade-deps does; fails (exit 1) when the\n"
	"index cannot be reached.\n"
	"Either way ENV's own python may run (venv's ensurepip, pip), and with it the\n"
	"code of ENV's .pth files.\n"
	"\n"
	"  --deps       upgrade pip (and setuptools) instead\n"
	"  -h, --help   this text\n"
	"\n"
	"Exit status: 0 upgraded, 1 failed, 2 bad usage or ENV is not an environment.\n";

static const char rebuild_usage[] =
	"usage: venvscope rebuild [--python PATH] [--find-links DIR] [--yes] [--dry-run] [--force]\n"
	"                         ENV\n"
	"\n"
	"Makes ENV again with its packages, e.g. when its base Python is gone or to\n"
	"move it to another Python:\n"
	"  1. its recipe is its freeze, read natively (a dead interpreter is fine) and\n"
	"     kept as a deletion record (venvscope deleted);\n"
	"  2. ENV is moved aside to .NAME.rebuild-old and a new env is made at its path\n"
	"     with PYTHON and its old options (copies or symlinks, system-site-packages,\n"
	"     the prompt as it was);\n"
	"  3. the recipe is installed with the new env's pip (your pip config, or only\n"
	"     the wheels in --find-links DIR);\n"
	"  4. a manager's files (.project, virtualenvwrapper hooks, pipx and uv\n"
	"     receipts) are copied over, and the old env goes to the trash.\n"
	"If any step fails, the new env is removed and the old one put back unchanged.\n"
	"At the end it says whether the new env's freeze is the recipe: compared line\n"
	"by line as sets, with what differs between pip versions alone set aside (the\n"
	"spelling of names, a #sha256= a newer pip adds after a file URL, pip's own\n"
	"tools), and names pip's own tools (pip, setuptools, wheel) before and after:\n"
	"a newer Python's venv may not bring setuptools or wheel.\n"
	"\n"
	"  --python PATH      the new base interpreter (default: ENV's own when it runs,\n"
	"                     else python3 on PATH; `venvscope pythons` lists them)\n"
	"  --find-links DIR   install from the wheels in DIR only (pip --no-index)\n"
	"  -y, --yes          do not ask (needed without a terminal)\n"
	"  -n, --dry-run      print the recipe and the plan; change nothing\n"
	"  --force            rebuild even when a running process uses ENV (without it:\n"
	"                     refused, exit 2, the processes named)\n"
	"  -h, --help         this text\n"
	"\n"
	"Exit status: 0 rebuilt (or --dry-run), 1 a step failed (the old env is back)\n"
	"or the answer was no, 2 bad usage, no terminal without --yes, or in use.\n";

static const char shell_usage[] =
	"usage: venvscope shell ENV\n"
	"\n"
	"Opens $SHELL (else /bin/sh) with ENV activated as `source ENV/bin/activate`\n"
	"would; exit the shell to come back.\n"
	"\n"
	"  -h, --help   this text\n"
	"\n"
	"Exit status: the shell's own, or 2 when ENV is not an environment.\n";

static void echo_line(void *ctx, enum vs_proc_stream s, const char *line)
{
	(void)ctx;
	(void)s;
	printf("%s\n", tw_esc(line));
	fflush(stdout);
}

static int usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "venvscope %s: %s (see venvscope %s --help)\n", cmd, tw_esc(msg), cmd);
	return CLI_EXIT_USAGE;
}

static bool cli_is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* True when `dir` holds a pyvenv.cfg (the scan then lists it). */
static bool holds_cfg(const char *dir)
{
	char *p = path_join(dir, "pyvenv.cfg");
	struct stat st;
	bool yes = lstat(p, &st) == 0 && S_ISREG(st.st_mode);

	free(p);
	return yes;
}

/* Offers to remove what a failed create left behind. */
static void offer_cleanup(const struct act_job *j, bool yes)
{
	for (size_t i = 0; i < j->n_partial; i++) {
		struct vs_err err = {0};
		char q[4200];

		snprintf(q, sizeof(q), "The failed create left a partial folder %s. Remove it?",
			 j->partial[i]);
		if (yes || cli_ask(q)) {
			if (act_remove_partial(j->partial[i], &err) < 0)
				fprintf(stderr, "venvscope create: %s\n", tw_esc(err.msg));
			else
				fprintf(stderr, "venvscope create: removed %s\n",
					tw_esc(j->partial[i]));
		} else if (holds_cfg(j->partial[i])) {
			fprintf(stderr,
				"venvscope create: left a partial environment at %s: `venvscope list` "
				"flags it incomplete, `venvscope delete %s` removes it\n",
				tw_esc(j->partial[i]), tw_esc(j->partial[i]));
		} else {
			fprintf(stderr, "venvscope create: left a partial folder at %s\n",
				tw_esc(j->partial[i]));
		}
	}
}

/* Runs a prepared job, printing its output and the result. */
static int run_job(const char *cmd, struct act_job *j, bool yes)
{
	struct vs_err err = {0};
	int rc;

	fprintf(stderr, "venvscope %s: running %s\n", cmd, tw_esc(j->title));
	rc = act_job_run(j, echo_line, NULL, &err);
	if (rc < 0) {
		fprintf(stderr, "venvscope %s: %s\n", cmd, tw_esc(err.msg));
		offer_cleanup(j, yes);
		return cli_exit_code(rc);
	}
	printf("%s\n", tw_esc(j->summary));
	return CLI_EXIT_OK;
}

enum {
	O_PYTHON = 256,
	O_SYSSITE,
	O_SYMLINKS,
	O_COPIES,
	O_NOPIP,
	O_PROMPT,
	O_UPDEPS,
	O_NOSCM,
	O_CLEAR,
	O_DEPS,
	O_JSON,
	O_FORCE
};

static const struct option create_opts[] = {
	{"python", required_argument, NULL, O_PYTHON},
	{"system-site-packages", no_argument, NULL, O_SYSSITE},
	{"symlinks", no_argument, NULL, O_SYMLINKS},
	{"copies", no_argument, NULL, O_COPIES},
	{"without-pip", no_argument, NULL, O_NOPIP},
	{"prompt", required_argument, NULL, O_PROMPT},
	{"upgrade-deps", no_argument, NULL, O_UPDEPS},
	{"without-scm-ignore-files", no_argument, NULL, O_NOSCM},
	{"clear", no_argument, NULL, O_CLEAR},
	{"yes", no_argument, NULL, 'y'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cli_create(int argc, char **argv)
{
	struct act_create_opts o = {0};
	struct vs_err err = {0};
	struct act_job *j;
	bool yes = false;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "yh", create_opts, NULL)) != -1) {
		switch (c) {
		case O_PYTHON:
			o.python = optarg;
			break;
		case O_SYSSITE:
			o.system_site_packages = true;
			break;
		case O_SYMLINKS:
			o.link = ACT_LINK_SYMLINKS;
			break;
		case O_COPIES:
			o.link = ACT_LINK_COPIES;
			break;
		case O_NOPIP:
			o.without_pip = true;
			break;
		case O_PROMPT:
			o.prompt = optarg;
			break;
		case O_UPDEPS:
			o.upgrade_deps = true;
			break;
		case O_NOSCM:
			o.without_scm_ignore_files = true;
			break;
		case O_CLEAR:
			o.clear = true;
			break;
		case 'y':
			yes = true;
			break;
		case 'h':
			fputs(create_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return usage_error("create", "unknown option or missing value");
		}
	}
	if (optind >= argc)
		return usage_error("create", "give at least one DIR");
	o.targets = (const char *const *)argv + optind;
	o.n_targets = (size_t)(argc - optind);
	rc = act_prepare_create(&j, &o, &err);
	if (rc < 0) {
		fprintf(stderr, "venvscope create: %s\n", tw_esc(err.msg));
		return cli_exit_code(rc);
	}
	rc = run_job("create", j, yes);
	act_job_free(j);
	return rc;
}

/* Parses `CMD [flags] ENV` for the commands on one env. Returns 0 to go
 * on, -1 when the help was printed (exit 0), or CLI_EXIT_USAGE. */
static int parse_env_cmd(int argc, char **argv, const char *cmd, const char *usage, bool *flag,
			 const char *flag_name, char **env, bool *force)
{
	struct option opts[] = {
		{"yes", no_argument, NULL, 'y'},
		{"help", no_argument, NULL, 'h'},
		{flag_name ? flag_name : "yes", no_argument, NULL, O_DEPS},
		{force ? "force" : "help", no_argument, NULL, force ? O_FORCE : 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "yh", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return -1;
		}
		if ((c == 'y' && flag_name && strcmp(flag_name, "yes") == 0) || c == O_DEPS)
			*flag = true;
		else if (c == O_FORCE && force)
			*force = true;
		else
			return usage_error(cmd, "unknown option");
	}
	if (optind != argc - 1)
		return usage_error(cmd, "give exactly one ENV");
	*env = argv[optind];
	return 0;
}

static int load_env(struct venv **v, char *path, const char *cmd)
{
	struct act_open_opts o = cli_open_opts();
	struct vs_err err = {0};
	int rc = act_open_env(v, path, &o, &err);

	if (rc < 0)
		fprintf(stderr, "venvscope %s: %s\n", cmd, tw_esc(err.msg));
	return rc;
}

int cli_clear(int argc, char **argv)
{
	struct venv *v = NULL;
	struct vs_err err = {0};
	struct act_job *j = NULL;
	bool yes = false, force = false;
	char *env = NULL, size[32] = "?";
	int rc = parse_env_cmd(argc, argv, "clear", clear_usage, &yes, "yes", &env, &force);

	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if ((rc = load_env(&v, env, "clear")) < 0)
		return cli_exit_code(rc);
	if ((rc = act_prepare_clear(&j, v, &err)) < 0) {
		fprintf(stderr, "venvscope clear: %s\n", tw_esc(err.msg));
		venv_free(v);
		return cli_exit_code(rc);
	}
	if (act_inuse_guard(v, NULL, &err) < 0) {
		fprintf(stderr, "venvscope clear: %s%s\n", tw_esc(err.msg),
			force ? " (--force: clearing it anyway)"
			      : "; not cleared (--force clears it anyway)");
		if (!force) {
			rc = CLI_EXIT_USAGE;
			goto done;
		}
	}
	if (v->size_known)
		human_size(size, sizeof(size), v->size.size_bytes);
	if (!yes) {
		char q[4400];

		snprintf(q, sizeof(q),
			 "Clear %s (%s, %zu %s)? Its packages will be removed; keep a list "
			 "first with `python -m pip freeze > requirements.txt`.",
			 v->path, size, v->package_count,
			 human_noun(v->package_count, "package", "packages"));
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr,
				"venvscope clear: not clearing %s without --yes (no terminal to "
				"ask on)\n",
				tw_esc(env));
			rc = CLI_EXIT_USAGE;
			goto done;
		}
		if (!cli_ask(q)) {
			fprintf(stderr, "venvscope clear: nothing changed\n");
			rc = CLI_EXIT_FAIL;
			goto done;
		}
	}
	rc = run_job("clear", j, false);
done:
	act_job_free(j);
	venv_free(v);
	return rc;
}

int cli_upgrade(int argc, char **argv)
{
	struct venv *v = NULL;
	struct vs_err err = {0};
	struct act_job *j = NULL;
	bool deps = false;
	char *env = NULL;
	int rc = parse_env_cmd(argc, argv, "upgrade", upgrade_usage, &deps, "deps", &env, NULL);

	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if ((rc = load_env(&v, env, "upgrade")) < 0)
		return cli_exit_code(rc);
	if ((rc = act_prepare_upgrade(&j, v, deps, &err)) < 0) {
		fprintf(stderr, "venvscope upgrade: %s\n", tw_esc(err.msg));
		venv_free(v);
		return cli_exit_code(rc);
	}
	rc = run_job("upgrade", j, false);
	act_job_free(j);
	venv_free(v);
	return rc;
}

/* Each line of `text` escaped on its own (tw_esc would show the newlines). */
static void print_lines(const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		char *line = xstrndup(p, e ? (size_t)(e - p) : strlen(p));

		printf("%s\n", tw_esc(line));
		free(line);
		p = e ? e + 1 : NULL;
	}
}

static void ask_rebuild(char *q, size_t cap, const struct act_job *j)
{
	size_t n = act_rebuild_recipe_lines(j);

	snprintf(q, cap,
		 "Rebuild %s with Python %s (%s) and its %zu requirement%s? The old one goes to "
		 "the trash once the new one works.",
		 j->paths[0], j->python.version, j->python.path, n, n == 1 ? "" : "s");
}

int cli_rebuild(int argc, char **argv)
{
	static const struct option opts[] = {
		{"python", required_argument, NULL, O_PYTHON},
		{"find-links", required_argument, NULL, 'f'},
		{"yes", no_argument, NULL, 'y'},
		{"dry-run", no_argument, NULL, 'n'},
		{"force", no_argument, NULL, O_FORCE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct act_rebuild_opts o = {0};
	struct venv *v = NULL;
	struct vs_err err = {0};
	struct act_job *j = NULL;
	bool yes = false, dry = false, force = false;
	char q[4400];
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ynh", opts, NULL)) != -1) {
		if (c == O_PYTHON)
			o.python = optarg;
		else if (c == 'f')
			o.find_links = optarg;
		else if (c == 'y')
			yes = true;
		else if (c == 'n')
			dry = true;
		else if (c == O_FORCE)
			force = true;
		else if (c == 'h')
			return fputs(rebuild_usage, stdout), CLI_EXIT_OK;
		else
			return usage_error("rebuild", "unknown option or missing value");
	}
	if (optind != argc - 1)
		return usage_error("rebuild", "give exactly one ENV");
	if (o.find_links && !cli_is_dir(o.find_links))
		return usage_error("rebuild", "--find-links needs a folder");
	if ((rc = load_env(&v, argv[optind], "rebuild")) < 0)
		return cli_exit_code(rc);
	if ((rc = act_prepare_rebuild(&j, v, &o, &err)) < 0) {
		fprintf(stderr, "venvscope rebuild: %s\n", tw_esc(err.msg));
		venv_free(v);
		return cli_exit_code(rc);
	}
	ask_rebuild(q, sizeof(q), j);
	/* The old env goes to the trash: not under a running process. */
	if (!dry && act_inuse_guard(v, NULL, &err) < 0) {
		fprintf(stderr, "venvscope rebuild: %s%s\n", tw_esc(err.msg),
			force ? " (--force: rebuilding it anyway)"
			      : "; not rebuilt (--force rebuilds it anyway)");
		if (!force) {
			act_job_free(j);
			venv_free(v);
			return CLI_EXIT_USAGE;
		}
	}
	if (dry) {
		printf("%s\n--- recipe ---\n", tw_esc(q));
		print_lines(act_rebuild_recipe(j));
		rc = CLI_EXIT_OK;
	} else if (!yes && !isatty(STDIN_FILENO)) {
		fprintf(stderr,
			"venvscope rebuild: not rebuilding %s without --yes (no terminal to ask on)\n",
			tw_esc(v->path));
		rc = CLI_EXIT_USAGE;
	} else if (!yes && !cli_ask(q)) {
		fprintf(stderr, "venvscope rebuild: nothing changed\n");
		rc = CLI_EXIT_FAIL;
	} else {
		rc = run_job("rebuild", j, false);
	}
	act_job_free(j);
	venv_free(v);
	return rc;
}

int cli_shell(int argc, char **argv)
{
	struct venv *v = NULL;
	struct vs_err err = {0};
	bool unused = false;
	char *env = NULL;
	int status = 0,
	    rc = parse_env_cmd(argc, argv, "shell", shell_usage, &unused, NULL, &env, NULL);

	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if ((rc = load_env(&v, env, "shell")) < 0)
		return cli_exit_code(rc);
	rc = act_shell(v, &status, &err);
	venv_free(v);
	if (rc < 0) {
		fprintf(stderr, "venvscope shell: %s\n", tw_esc(err.msg));
		return cli_exit_code(rc);
	}
	return status;
}
