/* libFuzzer target: conda-meta's parsers (scan/conda.c): the history head
 * and a JSON package record, plus .condarc's envs_dirs and the channel
 * name. The input is not NUL-terminated, so a read past its end is caught
 * by ASan. Invariants:
 *  - a record refused always says why, an accepted one has a name;
 *  - every dist-info folder a record owns is found again by
 *    scan_conda_owns (the sorted list agrees with itself);
 *  - the history's manager is one of the three names, or NULL;
 *  - a name or prefix from the history holds no NUL, CR or LF. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/conda.h"
#include "scan/conda_places.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *s)
{
	if (s && (strchr(s, '\n') || strchr(s, '\r')))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct scan_conda_history h;
	struct scan_conda c = {0};
	struct scan_conda_rec r;
	struct vs_err err = {0};
	struct vs_vec dirs;

	scan_conda_history_parse(&h, buf, size);
	if (h.manager && strcmp(h.manager, "conda") != 0 && strcmp(h.manager, "mamba") != 0 &&
	    strcmp(h.manager, "micromamba") != 0)
		abort();
	one_line(h.name);
	one_line(h.prefix);
	scan_conda_history_clear(&h);

	if (scan_conda_record_parse(&r, &c, buf, size, &err) < 0) {
		if (!err.msg[0] || r.name)
			abort();
	} else {
		char *chan;

		if (!r.name || !r.name[0])
			abort();
		chan = scan_conda_channel_name(r.channel, r.subdir);
		if (r.channel && !chan)
			abort();
		free(chan);
		scan_conda_rec_clear(&r);
	}
	/* The read sorts the owned list before looking up: do the same. */
	for (size_t i = 1; i < c.n_owned; i++)
		for (size_t k = i; k > 0 && strcmp(c.owned[k - 1], c.owned[k]) > 0; k--) {
			char *t = c.owned[k];

			c.owned[k] = c.owned[k - 1];
			c.owned[k - 1] = t;
		}
	for (size_t i = 0; i < c.n_owned; i++)
		if (!scan_conda_owns(&c, c.owned[i]))
			abort();
	scan_conda_clear(&c);

	vs_vec_init_strs(&dirs);
	scan_condarc_envs_dirs(&dirs, buf, size, "/home/u");
	vs_vec_clear(&dirs);
	return 0;
}
