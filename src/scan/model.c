#include "model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strmap.h"
#include "../util/xalloc.h"
#include "project.h"

void scan_model_init(struct scan_model *m, int stale_days, time_t now)
{
	memset(m, 0, sizeof(*m));
	m->slot_of = strmap_new();
	m->stale_days = stale_days;
	m->now = now;
}

void scan_model_clear(struct scan_model *m)
{
	for (size_t i = 0; i < m->n_ids; i++) {
		venv_free(m->by_id[i]);
		m->by_id[i] = NULL;
	}
	m->n_ids = 0;
	strmap_free(m->slot_of);
	m->slot_of = strmap_new();
}

void scan_model_free(struct scan_model *m)
{
	scan_model_clear(m);
	strmap_free(m->slot_of);
	free(m->by_id);
	memset(m, 0, sizeof(*m));
}

size_t scan_model_find(const struct scan_model *m, const char *path)
{
	uintptr_t k = (uintptr_t)strmap_get(m->slot_of, path);

	return k && m->by_id[k - 1] ? (size_t)k - 1 : SCAN_NO_SLOT;
}

void scan_model_remove(struct scan_model *m, size_t slot)
{
	if (slot >= m->n_ids)
		return;
	venv_free(m->by_id[slot]);
	m->by_id[slot] = NULL;
}

/* The slot for `path`: the one it had, or a new one at the end. */
static size_t slot_for(struct scan_model *m, const char *path)
{
	uintptr_t k = (uintptr_t)strmap_get(m->slot_of, path);

	if (k)
		return (size_t)k - 1;
	m->by_id = xgrow(m->by_id, &m->cap_ids, m->n_ids + 1, sizeof(*m->by_id));
	m->by_id[m->n_ids] = NULL;
	strmap_put(m->slot_of, path, (void *)(uintptr_t)(m->n_ids + 1));
	return m->n_ids++;
}

static void feed_put(struct scan_feed *f, size_t id, size_t slot)
{
	if (id >= f->n) {
		f->slot = xgrow(f->slot, &f->cap, id + 1, sizeof(*f->slot));
		for (size_t k = f->n; k <= id; k++)
			f->slot[k] = SCAN_NO_SLOT;
		f->n = id + 1;
	}
	f->slot[id] = slot;
}

size_t scan_model_merge(struct scan_model *m, struct scan_feed *f, struct scan_event *ev)
{
	size_t slot;

	switch (ev->type) {
	case SCAN_EV_FOUND:
		slot = slot_for(m, ev->venv->path);
		feed_put(f, ev->venv->id, slot);
		venv_free(m->by_id[slot]);
		m->by_id[slot] = ev->venv;
		ev->venv->id = slot;
		ev->venv = NULL;
		return slot;
	case SCAN_EV_PACKAGES:
	case SCAN_EV_SIZED:
	case SCAN_EV_GIT:
	case SCAN_EV_PROJECT:
		slot = ev->id < f->n ? f->slot[ev->id] : SCAN_NO_SLOT;
		if (slot == SCAN_NO_SLOT || !m->by_id[slot])
			return SCAN_NO_SLOT;
		ev->id = slot;
		scan_venv_apply(m->by_id[slot], ev, m->stale_days, m->now);
		return slot;
	default:
		return SCAN_NO_SLOT;
	}
}

bool scan_feed_saw(const struct scan_feed *f, size_t slot)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->slot[i] == slot)
			return true;
	return false;
}

void scan_feed_free(struct scan_feed *f)
{
	free(f->slot);
	memset(f, 0, sizeof(*f));
}

/* ---- one env's results ---- */

static void apply_packages(struct venv *v, struct scan_pkgs_result *r, int stale_days, time_t now)
{
	v->packages_known = true;
	v->site_packages = r->site_packages;
	v->n_site_packages = r->n_site_packages;
	r->site_packages = NULL;
	r->n_site_packages = 0;
	v->packages = r->packages;
	memset(&r->packages, 0, sizeof(r->packages));
	v->package_count = v->packages.n;
	if (r->conda) {
		scan_conda_free(v->conda);
		v->conda = r->conda;
		r->conda = NULL;
		v->package_count = scan_conda_package_count(v->conda, &v->packages);
	}
	for (size_t i = 0; i < v->packages.n; i++) {
		const struct scan_package *p = &v->packages.items[i];

		if (!v->has_pip && p->canonical && strcmp(p->canonical, "pip") == 0) {
			v->has_pip = true;
			v->pip_version = p->version ? xstrdup(p->version) : NULL;
		}
	}
	v->last_modified = r->last_modified;
	if (now == 0)
		now = time(NULL);
	v->stale = v->last_modified > 0 &&
		   (int64_t)now - v->last_modified > (int64_t)stale_days * 86400;
	if (r->problem)
		venv_add_problem(v, "%s", r->problem);
}

void scan_venv_apply(struct venv *v, struct scan_event *ev, int stale_days, time_t now)
{
	if (!v || !ev || v->id != ev->id)
		return;
	if (ev->type == SCAN_EV_PACKAGES && ev->pkgs) {
		apply_packages(v, ev->pkgs, stale_days, now);
	} else if (ev->type == SCAN_EV_SIZED) {
		v->size_known = !ev->size_failed;
		v->size = ev->size;
		scan_inodes_free(v->inodes);
		v->inodes = ev->inodes;
		ev->inodes = NULL;
	} else if (ev->type == SCAN_EV_GIT && ev->git) {
		v->git_state = ev->git->state;
		free(v->git_repo);
		free(v->git_rule);
		v->git_repo = ev->git->repo;
		v->git_rule = ev->git->rule;
		ev->git->repo = ev->git->rule = NULL;
		if (ev->git->error)
			venv_add_problem(v, "git: %s", ev->git->error);
	} else if (ev->type == SCAN_EV_PROJECT && ev->project) {
		free(v->project);
		v->project = ev->project;
		ev->project = NULL;
		scan_project_check(v);
	}
}
