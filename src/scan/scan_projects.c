/* Poetry and hatch envs name their project only through a hash of its
 * path (project.h, scan_project_hash_of). The walk notes the folders that
 * hold a pyproject.toml - no extra walk - and the envs so named; once the
 * walk is over, each env whose hash is that of a noted folder gets a
 * PROJECT event. */
#include <stdlib.h>
#include <string.h>

#include "../util/sha256.h"
#include "../util/xalloc.h"
#include "scan_internal.h"

void scan_note_project(struct scan *s, const char *dir)
{
	pthread_mutex_lock(&s->lock);
	s->projects = xgrow(s->projects, &s->cap_projects, s->n_projects + 1, sizeof(*s->projects));
	s->projects[s->n_projects++] = xstrdup(dir);
	pthread_mutex_unlock(&s->lock);
}

void scan_note_hashed(struct scan *s, size_t id, const char hash[9])
{
	pthread_mutex_lock(&s->lock);
	s->hashed = xgrow(s->hashed, &s->cap_hashed, s->n_hashed + 1, sizeof(*s->hashed));
	s->hashed[s->n_hashed].id = id;
	memcpy(s->hashed[s->n_hashed].hash, hash, 9);
	s->n_hashed++;
	pthread_mutex_unlock(&s->lock);
}

/* Sends PROJECT for every env still unmatched whose hash is `h`. */
static void match_one(struct scan *s, const char *h, const char *dir, bool *done)
{
	for (size_t i = 0; i < s->n_hashed; i++) {
		struct scan_event *ev;

		if (done[i] || strcmp(s->hashed[i].hash, h) != 0)
			continue;
		done[i] = true;
		ev = xcalloc(1, sizeof(*ev));
		ev->type = SCAN_EV_PROJECT;
		ev->id = s->hashed[i].id;
		ev->project = xstrdup(dir);
		scan_emit(s, ev);
	}
}

void scan_match_projects(struct scan *s)
{
	bool *done;

	if (s->n_hashed == 0)
		return;
	done = xcalloc(s->n_hashed, sizeof(*done));
	for (size_t i = 0; i < s->n_projects; i++) {
		/* Poetry hashes the resolved path (older poetry and hatch the
		 * path as found, which is the same unless a link is on the way). */
		char *real = realpath(s->projects[i], NULL);
		char h[9];

		if (real) {
			vs_sha256_b64_8(h, real);
			match_one(s, h, s->projects[i], done);
		}
		if (!real || strcmp(real, s->projects[i]) != 0) {
			vs_sha256_b64_8(h, s->projects[i]);
			match_one(s, h, s->projects[i], done);
		}
		free(real);
	}
	free(done);
}
