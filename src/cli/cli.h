/* The non-interactive front end: one entry point per subcommand. Each takes
 * argv starting at the subcommand's name and returns the exit code:
 * 0 ok, 1 something failed, 2 bad usage or bad input. */
#ifndef VS_CLI_CLI_H
#define VS_CLI_CLI_H

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

int cli_list(int argc, char **argv);
int cli_show(int argc, char **argv);
int cli_create(int argc, char **argv);
int cli_clear(int argc, char **argv);
int cli_upgrade(int argc, char **argv);
int cli_rebuild(int argc, char **argv);
int cli_shell(int argc, char **argv);
int cli_pythons(int argc, char **argv);
int cli_delete(int argc, char **argv);
int cli_deleted(int argc, char **argv);
int cli_recreate(int argc, char **argv);
int cli_freeze(int argc, char **argv);
int cli_gitignore(int argc, char **argv);
int cli_caches(int argc, char **argv);
int cli_dupes(int argc, char **argv);

/* `list` with options already parsed (the browser's fallback). */
struct cli_opts;
int cli_list_run(const struct cli_opts *o);

/* Prints a JSON document (and a newline) to stdout; frees it. */
struct cJSON;
int cli_print_json(struct cJSON *doc);

/* Maps a negative VS_E* code to an exit code. */
int cli_exit_code(int err);

#endif
