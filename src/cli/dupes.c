/* venvscope dupes: the distributions installed in several envs, with the
 * space hard links already share and the space still duplicated. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "../scan/dupes.h"
#include "../util/strbuf.h"
#include "../util/textwidth.h"
#include "cli.h"
#include "collect.h"
#include "json.h"

static const char dupes_usage[] =
	"usage: venvscope dupes [--json] [OPTIONS] [ROOT...]\n"
	"\n"
	"Groups the distributions installed in several environments: the same name\n"
	"(as pip compares names) and the same version. For each: the envs, the bytes\n"
	"of one copy, how many are already shared through hard links (cp -al, uv)\n"
	"and how many are duplicated (what hard-linking every copy would still\n"
	"save). A copy is the files its RECORD lists inside its site-packages,\n"
	"counted on disk (blocks), a hard-linked file once per copy. Largest\n"
	"duplication first. With no ROOT: the current folder and the central places.\n"
	"\n"
	"  --json               a JSON array, one object per group: name, canonical,\n"
	"                       version, envs, copies, bytes_per_copy, total_bytes,\n"
	"                       shared_bytes, duplicated_bytes (disk), apparent\n"
	"                       (the same four in apparent sizes), files,\n"
	"                       missing_files, outside_files\n"
	"  --depth N            look at most N levels below each ROOT (ROOT is 0)\n"
	"  --exclude GLOB       skip folders whose name or path matches (repeatable)\n"
	"  -x, --one-file-system  stay on each ROOT's filesystem\n"
	"  --threads N          worker threads (default: one per core, up to 16\n"
	"                       while they wait for the disk)\n"
	"  --no-size, --no-git, --stale-days N\n"
	"                       accepted as for list; they change nothing here\n"
	"  -h, --help           this text\n"
	"\n"
	"Exit status: 0 ok, 1 something failed (or the scan was incomplete), 2 bad\n"
	"usage or a ROOT that is not a folder.\n";

static void print_text(const struct scan_dupes *d)
{
	struct strbuf sb = {0};

	if (d->n == 0)
		printf("no distribution is installed in more than one environment\n");
	for (size_t i = 0; i < d->n; i++) {
		sb_reset(&sb);
		scan_dupe_text(&sb, d->groups + i);
		printf("%s\n", tw_esc(sb.buf));
		for (size_t k = 0; k < d->groups[i].n_envs; k++)
			printf("  %s\n", tw_esc(d->groups[i].envs[k]));
	}
	sb_free(&sb);
}

static int report(const struct cli_opts *o, const struct cli_result *r)
{
	struct scan_dupes d;
	int rc;

	scan_dupes_find(&d, (const struct venv *const *)r->venvs, r->n);
	if (o->json) {
		cJSON *arr = cJSON_CreateArray();

		for (size_t i = 0; i < d.n; i++)
			cJSON_AddItemToArray(arr, cli_json_dupe_group(d.groups + i));
		rc = cli_print_json(arr);
	} else {
		print_text(&d);
		rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	}
	scan_dupes_free(&d);
	return rc;
}

int cli_dupes(int argc, char **argv)
{
	return cli_report(argc, argv, "dupes", dupes_usage, report);
}
