/* The settings venvscope starts with, and where each one came from: the
 * defaults, the config file ($XDG_CONFIG_HOME/venvscope/config), the
 * remembered state ($XDG_STATE_HOME/venvscope/state, written by the
 * browser: actions/state.h) and the command line.
 *
 * Both files are `key = value` lines; `#` starts a comment line; blank
 * lines are skipped. The config file also takes `bind KEY ACTION` lines.
 * Precedence, lowest first: default < config file < state < command line.
 *
 * Call order:
 *   cli_settings_init(&s);                       the defaults
 *   cli_settings_load(&s, CLI_SRC_FILE, path, &err);   the config file
 *   cli_settings_load(&s, CLI_SRC_STATE, path, &err);  the remembered state
 *   (or cli_settings_parse on text already read: the unit tests)
 *   cli_settings_from_opts(&s, &o, &err);         the command line wins
 *   ... s.req is the scan request ...
 *   cli_settings_free(&s);
 * A bad line never stops the load: its sentence "FILE:LINE: what is
 * wrong" goes into s.errors and the other lines are applied. */
#ifndef VS_CLI_CONFIG_H
#define VS_CLI_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "../scan/scan.h"
#include "../util/err.h"
#include "../util/vec.h"

struct cli_opts;

enum cli_src { CLI_SRC_DEFAULT, CLI_SRC_FILE, CLI_SRC_STATE, CLI_SRC_FLAG };

/* The settings with one value (roots, excludes and binds are lists). */
enum cli_key {
	CLI_KEY_DEPTH,
	CLI_KEY_STALE_DAYS,
	CLI_KEY_THREADS,
	CLI_KEY_THEME,
	CLI_KEY_SORT,
	CLI_KEY_REVERSE,
	CLI_KEY_COLUMNS,
	CLI_KEY_SIZE_MODE,
	CLI_KEY_COUNT
};

/* Where a value came from: the line is that of the file `src` names. */
struct cli_origin {
	enum cli_src src;
	int line; /* 1-based; 0 for the defaults and the command line */
};

/* A `bind KEY ACTION` line, kept as written (ui_keymap_bind applies it). */
struct cli_bind {
	char *key;    /* owned */
	char *action; /* owned */
	int line;     /* in the config file (cli_settings.config_file) */
};

/* Bytes a config or state file may hold. */
#define CLI_CONFIG_MAX (64 * 1024)

struct cli_settings {
	char *config_file;         /* the config file read (owned), or NULL */
	char *state_file;          /* the state file read and to be written (owned), or NULL */
	struct vs_vec roots;       /* owned strings, ~ expanded; empty: the default roots */
	struct vs_vec roots_at;    /* owned struct cli_origin *, one per root */
	struct vs_vec excludes;    /* owned strings */
	struct vs_vec excludes_at; /* owned struct cli_origin *, one per exclude */
	struct vs_vec binds;       /* owned struct cli_bind * */
	bool default_roots;        /* roots are "." and the central places */
	int depth;                 /* levels below a root; -1 unlimited */
	int stale_days;
	int threads; /* scan workers; 0 one per core */
	char *theme; /* owned; NULL: "default" */
	int sort;    /* enum scan_sort */
	bool reverse;
	char *columns; /* the browser's visible columns as written (owned), NULL: all */
	bool disk;     /* sizes as disk usage (the browser's `a`), else apparent */
	struct cli_origin at[CLI_KEY_COUNT];
	struct vs_vec errors;    /* owned "FILE:LINE: what is wrong" sentences */
	struct scan_request req; /* filled by cli_settings_from_opts; points into the above */
};

void cli_settings_init(struct cli_settings *s);
void cli_settings_free(struct cli_settings *s);

/* The key's name as written in the files ("stale-days", ...). */
const char *cli_key_name(enum cli_key k);

/* Applies the lines of `text` (len bytes) read from `file` (CLI_SRC_FILE
 * or CLI_SRC_STATE: the state file takes only theme, sort, reverse and
 * size-mode). Remembers `file` as s->config_file or s->state_file. Bad
 * lines go to s->errors. Returns how many lines were bad. */
int cli_settings_parse(struct cli_settings *s, enum cli_src src, const char *file, const char *text,
		       size_t len);

/* Reads `path` with the bounded reader (util/readfile.h, at most
 * CLI_CONFIG_MAX bytes: a FIFO or a device is refused, never waited on)
 * and applies it. Returns 0 (bad lines are in s->errors), VS_EFAIL with
 * errno ENOENT when there is no such file (err says so), or VS_EFAIL with
 * "PATH: REASON" in err when it cannot be read. */
int cli_settings_load(struct cli_settings *s, enum cli_src src, const char *path, struct vs_err *err);

/* The command line over the rest: ROOTs replace the roots, --exclude adds
 * to the excludes, --depth, --stale-days, --threads, --theme, --sort and
 * --reverse replace theirs. Then fills s->req (no ROOT anywhere: the
 * default roots). Returns 0, or VS_EUSAGE with err set. */
int cli_settings_from_opts(struct cli_settings *s, const struct cli_opts *o, struct vs_err *err);

/* All of it as `o` says: the config file (o->config_path, else the
 * default place; none with --no-config), the state file (none with
 * --no-config), then the command line (cli_settings_from_opts). A missing
 * default config is no config; one that cannot be read is a sentence in
 * s->errors and the defaults are used. Returns 0, or VS_EUSAGE with err
 * set when --config names a file that cannot be read. */
int cli_settings_build(struct cli_settings *s, const struct cli_opts *o, struct vs_err *err);

/* A value of `k` found bad after loading (a theme that does not load, a
 * column that does not exist): "FILE:LINE: why" goes to s->errors and `k`
 * goes back to its default. */
void cli_settings_reject(struct cli_settings *s, enum cli_key k, const char *why);

/* The default paths: $XDG_CONFIG_HOME/venvscope/config and
 * $XDG_STATE_HOME/venvscope/state (~/.config, ~/.local/state without
 * them); NULL without a home. Caller frees. */
char *cli_config_default_path(void);
char *cli_state_default_path(void);

/* --print-config: one line per setting, `KEY = VALUE  # SOURCE` where
 * SOURCE is `default`, `command line`, `config FILE:LINE` or
 * `state FILE:LINE`; a list (roots, exclude, bind) has one line per item. */
void cli_settings_print(const struct cli_settings *s, FILE *out);

#endif
