/* A subshell with an environment activated, the way `source bin/activate`
 * does it: the user's own $SHELL (else /bin/sh) with their startup file,
 * then the env's activate script (VIRTUAL_ENV, PATH with the env's bin
 * first, PYTHONHOME unset, the env's prompt where the shell allows). */
#ifndef VS_ACTIONS_SHELL_H
#define VS_ACTIONS_SHELL_H

#include "../scan/venv.h"
#include "../util/err.h"

/* Runs the shell on the current terminal and waits for it to end (the
 * caller leaves full-screen mode first). Returns 0 with the shell's exit
 * status, or a negative code with the reason: a broken env cannot be
 * activated, a missing activate script, a shell that does not start. */
int act_shell(const struct venv *v, int *status, struct vs_err *err);

#endif
