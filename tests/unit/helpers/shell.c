#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fixture.h"

extern char **environ;

void fx_git_env(const char *dir, const char *extra)
{
	char *home = fx_path(dir, "home"), *config;

	/* Unset one at a time: unsetenv moves the rest of environ. */
	for (char **e = environ; *e;) {
		if (strncmp(*e, "GIT_", 4) == 0) {
			char *name = strndup(*e, strcspn(*e, "="));

			unsetenv(name);
			free(name);
			e = environ;
			continue;
		}
		e++;
	}
	unsetenv("XDG_CONFIG_HOME");
	if (asprintf(&config,
		     "[user]\n\tname = Test\n\temail = test@example.invalid\n"
		     "[init]\n\tdefaultBranch = main\n%s",
		     extra ? extra : "") < 0)
		fail_msg("out of memory");
	fx_write(dir, "home/.gitconfig", config, (size_t)-1);
	setenv("HOME", home, 1);
	free(config);
	free(home);
}

static int status_of(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int fx_sh(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return status_of(system(cmd));
}

static char *voutput(int *rc, size_t *len, const char *fmt, va_list ap)
{
	char cmd[16384], buf[4096];
	char *out = calloc(1, 1);
	size_t n;
	FILE *p;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	p = popen(cmd, "r");
	if (!p)
		fail_msg("cannot run %s", cmd);
	*len = 0;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		out = realloc(out, *len + n + 1);
		memcpy(out + *len, buf, n);
		*len += n;
		out[*len] = '\0';
	}
	*rc = status_of(pclose(p));
	return out;
}

char *fx_output(int *rc, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = voutput(rc, len, fmt, ap);
	va_end(ap);
	return out;
}

static char *chomp(char *out, size_t len)
{
	while (len && out[len - 1] == '\n')
		out[--len] = '\0';
	return out;
}

char *fx_capture(int *rc, const char *fmt, ...)
{
	va_list ap;
	size_t len;
	char *out;

	va_start(ap, fmt);
	out = voutput(rc, &len, fmt, ap);
	va_end(ap);
	return chomp(out, len);
}

char *fx_capture_ok(const char *fmt, ...)
{
	va_list ap;
	size_t len;
	int rc;
	char *out;

	va_start(ap, fmt);
	out = voutput(&rc, &len, fmt, ap);
	va_end(ap);
	if (rc != 0)
		fail_msg("a command failed (%d); it printed: %s", rc, out);
	return chomp(out, len);
}
