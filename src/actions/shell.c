#include "shell.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"

/* 'it'\''s' for POSIX shells. */
static void sh_quote(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_adds(sb, "'\\''");
		else
			sb_addc(sb, *s);
	}
	sb_addc(sb, '\'');
}

/* 'it\'s' for fish. */
static void fish_quote(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			sb_addc(sb, '\\');
		sb_addc(sb, *s);
	}
	sb_addc(sb, '\'');
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	size_t len = strlen(text);
	bool ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, len) == (ssize_t)len;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* The startup file: the user's own first, then the env's activate. */
static char *rc_text(const char *user_rc, const char *activate)
{
	struct strbuf sb = STRBUF_INIT;

	if (user_rc)
		sb_addf(&sb, "[ -f \"$HOME/%s\" ] && . \"$HOME/%s\"\n", user_rc, user_rc);
	sb_adds(&sb, ". ");
	sh_quote(&sb, activate);
	sb_addc(&sb, '\n');
	return sb_detach(&sb);
}

struct shell_plan {
	char *argv[6];
	char *env_set[8];
	size_t n_env;
	char *tmpdir;
	char *rcfile;
};

static int plan(struct shell_plan *p, const struct venv *v, const char *shell, struct vs_err *err)
{
	const char *name = path_basename(shell);
	const char *tmp = getenv("TMPDIR");
	char *activate = path_join(v->path, "bin/activate");
	char *tmpl = xasprintf("%s/venvscope-shell-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *text = NULL;
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	p->tmpdir = mkdtemp(tmpl) ? tmpl : (free(tmpl), NULL);
	if (!p->tmpdir) {
		free(activate);
		return vs_err_set(err, VS_EFAIL, "cannot make a temporary folder: %s", strerror(errno));
	}
	p->argv[0] = xstrdup(shell);
	if (strcmp(name, "bash") == 0) {
		p->rcfile = path_join(p->tmpdir, "bashrc");
		text = rc_text(".bashrc", activate);
		p->argv[1] = xstrdup("--rcfile");
		p->argv[2] = xstrdup(p->rcfile);
		p->argv[3] = xstrdup("-i");
	} else if (strcmp(name, "zsh") == 0) {
		p->rcfile = path_join(p->tmpdir, ".zshrc");
		text = rc_text(".zshrc", activate);
		p->env_set[p->n_env++] = xasprintf("ZDOTDIR=%s", p->tmpdir);
		p->argv[1] = xstrdup("-i");
	} else if (strcmp(name, "fish") == 0) {
		char *fa = path_join(v->path, "bin/activate.fish");

		sb_adds(&sb, "source ");
		fish_quote(&sb, fa);
		free(fa);
		p->argv[1] = xstrdup("-i");
		p->argv[2] = xstrdup("-C");
		p->argv[3] = sb_detach(&sb);
	} else {
		/* POSIX sh reads $ENV when interactive. */
		p->rcfile = path_join(p->tmpdir, "shrc");
		text = rc_text(NULL, activate);
		/* activate (sourced from $ENV) adds the env's prompt to PS1 itself. */
		p->env_set[p->n_env++] = xasprintf("ENV=%s", p->rcfile);
		p->argv[1] = xstrdup("-i");
	}
	if (text && write_file(p->rcfile, text) < 0)
		rc = vs_err_set(err, VS_EFAIL, "%s: cannot write: %s", p->rcfile, strerror(errno));
	free(text);
	free(activate);
	return rc;
}

static void plan_free(struct shell_plan *p)
{
	if (p->rcfile)
		unlink(p->rcfile);
	if (p->tmpdir)
		rmdir(p->tmpdir);
	for (size_t i = 0; i < 6; i++)
		free(p->argv[i]);
	for (size_t i = 0; i < p->n_env; i++)
		free(p->env_set[i]);
	free(p->rcfile);
	free(p->tmpdir);
}

/* In the child: the activated environment, then the shell. */
static _Noreturn void exec_shell(const struct shell_plan *p, const struct venv *v)
{
	const char *path = getenv("PATH");
	char *bin = path_join(v->path, "bin");
	char *newpath = xasprintf("%s%s%s", bin, path && *path ? ":" : "", path ? path : "");

	setenv("VIRTUAL_ENV", v->path, 1);
	setenv("PATH", newpath, 1);
	setenv("VIRTUAL_ENV_PROMPT", v->prompt ? v->prompt : v->name, 1);
	unsetenv("PYTHONHOME");
	for (size_t i = 0; i < p->n_env; i++)
		putenv(p->env_set[i]);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	execv(p->argv[0], p->argv);
	fprintf(stderr, "venvscope: %s: cannot start the shell: %s\n", p->argv[0], strerror(errno));
	_exit(127);
}

static int refuse(const struct venv *v, struct vs_err *err)
{
	char *activate = path_join(v->path, "bin/activate");
	struct stat st;
	int rc = 0;

	if (v->broken)
		rc = vs_err_set(err, VS_EUSAGE,
				"%s cannot be activated: %s. Its python would not run; re-create it "
				"with another interpreter (venvscope create --clear --python PYTHON %s)",
				v->path, v->n_problems ? v->problems[0] : "it is broken", v->path);
	else if (strpbrk(v->path, "$`\"\\"))
		/* venv's activate puts the path in double quotes: these would run
		 * as shell code when it is sourced (CVE-2024-9287). */
		rc = vs_err_set(err, VS_EUSAGE,
				"%s: not activating: its path holds $, `, \" or \\, which the env's own "
				"activate script would run as shell code",
				v->path);
	else if (stat(activate, &st) != 0)
		rc = vs_err_set(err, VS_EUSAGE, "%s has no bin/activate script to activate it",
				v->path);
	free(activate);
	return rc;
}

int act_shell(const struct venv *v, int *status, struct vs_err *err)
{
	const char *shell = getenv("SHELL");
	struct shell_plan p = {0};
	struct sigaction ign = {0}, old_int, old_quit;
	pid_t pid;
	int ws = 0, rc;

	if ((rc = refuse(v, err)) < 0)
		return rc;
	if (!shell || *shell != '/' || access(shell, X_OK) != 0)
		shell = "/bin/sh";
	if ((rc = plan(&p, v, shell, err)) < 0) {
		plan_free(&p);
		return rc;
	}
	/* Like system(): the shell owns Ctrl-C while it runs. */
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0)
		exec_shell(&p, v);
	if (pid < 0)
		rc = vs_err_set(err, VS_EFAIL, "cannot start a shell: %s", strerror(errno));
	while (pid > 0 && waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	plan_free(&p);
	if (rc == 0 && status)
		*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return rc;
}
