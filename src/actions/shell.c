#include "shell.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/proc.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
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
	struct vs_vec argv; /* owned strings */
	struct vs_vec set;  /* owned "NAME=value" for the shell's environment */
	char *tmpdir;
	char *rcfile;
};

/* What `source bin/activate` sets (PYTHONHOME goes: see act_shell). */
static void activated_env(struct shell_plan *p, const struct venv *v)
{
	const char *path = getenv("PATH");
	char *bin = path_join(v->path, "bin");

	vs_vec_push(&p->set, xasprintf("VIRTUAL_ENV=%s", v->path));
	vs_vec_push(&p->set, xasprintf("PATH=%s%s%s", bin, path && *path ? ":" : "", path ? path : ""));
	vs_vec_push(&p->set, xasprintf("VIRTUAL_ENV_PROMPT=%s", v->prompt ? v->prompt : v->name));
	free(bin);
}

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
	activated_env(p, v);
	vs_vec_push_str(&p->argv, shell);
	if (strcmp(name, "bash") == 0) {
		p->rcfile = path_join(p->tmpdir, "bashrc");
		text = rc_text(".bashrc", activate);
		vs_vec_push_str(&p->argv, "--rcfile");
		vs_vec_push_str(&p->argv, p->rcfile);
		vs_vec_push_str(&p->argv, "-i");
	} else if (strcmp(name, "zsh") == 0) {
		p->rcfile = path_join(p->tmpdir, ".zshrc");
		text = rc_text(".zshrc", activate);
		vs_vec_push(&p->set, xasprintf("ZDOTDIR=%s", p->tmpdir));
		vs_vec_push_str(&p->argv, "-i");
	} else if (strcmp(name, "fish") == 0) {
		char *fa = path_join(v->path, "bin/activate.fish");

		sb_adds(&sb, "source ");
		fish_quote(&sb, fa);
		free(fa);
		vs_vec_push_str(&p->argv, "-i");
		vs_vec_push_str(&p->argv, "-C");
		vs_vec_push(&p->argv, sb_detach(&sb));
	} else {
		/* POSIX sh reads $ENV when interactive. */
		p->rcfile = path_join(p->tmpdir, "shrc");
		text = rc_text(NULL, activate);
		/* activate (sourced from $ENV) adds the env's prompt to PS1 itself. */
		vs_vec_push(&p->set, xasprintf("ENV=%s", p->rcfile));
		vs_vec_push_str(&p->argv, "-i");
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
	vs_vec_clear(&p->argv);
	vs_vec_clear(&p->set);
	free(p->rcfile);
	free(p->tmpdir);
}

static int refuse(const struct venv *v, struct vs_err *err)
{
	char *activate = path_join(v->path, "bin/activate");
	struct stat st;
	int rc = 0;

	if (v->broken)
		rc = vs_err_set(err, VS_EUSAGE,
				"%s cannot be activated: %s. Its python would not run; rebuild it "
				"with another interpreter (venvscope rebuild --python PYTHON %s)",
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
	static const char *const unset[] = {"PYTHONHOME", NULL};
	const char *shell = getenv("SHELL");
	struct shell_plan p = {0};
	int rc;

	if ((rc = refuse(v, err)) < 0)
		return rc;
	if (!shell || *shell != '/' || access(shell, X_OK) != 0)
		shell = "/bin/sh";
	vs_vec_init_strs(&p.argv);
	vs_vec_init_strs(&p.set);
	if ((rc = plan(&p, v, shell, err)) == 0) {
		struct vs_proc_spawn sp = {
			.argv = (const char *const *)vs_vec_terminate(&p.argv),
			.unset = unset,
			.set = (const char *const *)vs_vec_terminate(&p.set),
		};

		/* On the terminal, in our process group, Ctrl-C its own. */
		rc = vs_proc_run_fg(&sp, status, err);
	}
	plan_free(&p);
	return rc;
}
