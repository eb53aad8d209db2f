/* The JSON form of the model, shared by `list --json` and `show --json`. */
#ifndef VS_CLI_JSON_H
#define VS_CLI_JSON_H

#include <cJSON.h>
#include <stdint.h>

#include "../scan/venv.h"
#include "../util/strbuf.h"

/* Appends `s` as a quoted JSON string. Valid UTF-8 is kept as it is; every
 * byte that is not part of valid UTF-8 is written as \udcXX (XX = the byte),
 * Python's surrogateescape convention, so the exact bytes can be recovered. */
void cli_json_quote(struct strbuf *out, const char *s);

/* A cJSON string node for `s` (NULL -> JSON null), escaped as above. */
cJSON *cli_json_string(const char *s);

/* A JSON number for `n` with all 64 bits (a raw node, not a double). */
cJSON *cli_json_u64(uint64_t n);

/* The object `list --json` prints for one env (keys in the documented order).
 * With `details`, adds `config` and `packages` (what `show --json` prints). */
cJSON *cli_json_venv(const struct venv *v, int details);

/* The object `dupes --json` prints for one group (keys in the documented
 * order; the byte figures are disk bytes, `apparent` holds the same four
 * in apparent sizes). */
struct scan_dupe_group;
cJSON *cli_json_dupe_group(const struct scan_dupe_group *g);

#endif
