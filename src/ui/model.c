#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "../scan/filter.h"
#include "../scan/sharing.h"
#include "../scan/space_set.h"
#include "../util/xalloc.h"

void ui_model_init(struct ui_model *m, enum scan_sort sort, bool reverse, int stale_days)
{
	memset(m, 0, sizeof(*m));
	m->sort = sort;
	m->reverse = reverse;
	scan_model_init(&m->envs, stale_days, time(NULL));
}

void ui_model_clear(struct ui_model *m)
{
	scan_model_clear(&m->envs);
	memset(m->marked, 0, m->cap_marked * sizeof(*m->marked));
	m->n_rows = m->cur.pos = m->cur.top = m->cur.count = 0;
	m->envs.now = time(NULL);
	m->dirty = true;
	m->gen++;
}

bool ui_model_tick(struct ui_model *m, time_t now)
{
	if (now - m->envs.now < UI_AGE_TICK_S)
		return false;
	m->envs.now = now;
	for (size_t i = 0; i < m->envs.n_ids; i++) {
		struct venv *v = m->envs.by_id[i];

		/* As scan_venv_apply decides it when the packages arrive. */
		if (v && v->packages_known)
			v->stale = v->last_modified > 0 && (int64_t)now - v->last_modified >
								   (int64_t)m->envs.stale_days * 86400;
	}
	m->dirty = true; /* a filter on is:stale may show other rows */
	return true;
}

int ui_model_tick_ms(const struct ui_model *m, time_t now)
{
	time_t left = m->envs.now + UI_AGE_TICK_S - now;

	return left <= 0 ? 0 : left > UI_AGE_TICK_S ? UI_AGE_TICK_S * 1000 : (int)left * 1000;
}

void ui_model_free(struct ui_model *m)
{
	scan_model_free(&m->envs);
	free(m->marked);
	free(m->rows);
	scan_filter_free(m->filter);
	free(m->filter_text);
	memset(m, 0, sizeof(*m));
}

void ui_model_apply(struct ui_model *m, struct scan_feed *f, struct scan_event *ev)
{
	size_t old = m->cap_marked;

	if (scan_model_merge(&m->envs, f, ev) == SCAN_NO_SLOT)
		return;
	if (m->n_ids > m->cap_marked) {
		m->marked = xgrow(m->marked, &m->cap_marked, m->n_ids, sizeof(*m->marked));
		memset(m->marked + old, 0, (m->cap_marked - old) * sizeof(*m->marked));
	}
	m->dirty = true;
	m->gen++;
}

void ui_model_remove(struct ui_model *m, size_t id)
{
	if (id >= m->n_ids || !m->by_id[id])
		return;
	scan_model_remove(&m->envs, id);
	m->marked[id] = false;
	m->dirty = true;
	m->gen++;
}

bool ui_venv_has_problem(const struct venv *v)
{
	return venv_has_problem(v);
}

static bool shown(const struct ui_model *m, const struct venv *v)
{
	if (m->problems_only && !ui_venv_has_problem(v))
		return false;
	return !m->filter || scan_filter_match(m->filter, v);
}

void ui_model_refresh(struct ui_model *m)
{
	/* The cursor follows its env, except at the top: rows arriving during
	 * the scan should not carry it down the list (ncdu does the same). */
	struct venv *keep = m->cur.pos == 0 ? NULL : ui_model_selected(m);
	struct venv **tmp;
	size_t n = 0;

	if (!m->dirty)
		return;
	m->dirty = false;
	tmp = xcalloc(m->n_ids + 1, sizeof(*tmp));
	for (size_t i = 0; i < m->n_ids; i++)
		if (m->by_id[i] && shown(m, m->by_id[i]))
			tmp[n++] = m->by_id[i];
	scan_sort_venvs_by(tmp, n, m->sort, m->reverse, m->disk);
	m->rows = xgrow(m->rows, &m->cap_rows, n + 1, sizeof(*m->rows));
	m->n_rows = m->cur.count = n;
	for (size_t i = 0; i < n; i++) {
		m->rows[i] = tmp[i]->id;
		if (tmp[i] == keep)
			m->cur.pos = i;
	}
	free(tmp);
	if (!keep)
		m->cur.pos = 0;
	if (m->cur.pos >= m->n_rows)
		m->cur.pos = m->n_rows ? m->n_rows - 1 : 0;
}

struct venv *ui_model_selected(const struct ui_model *m)
{
	if (m->cur.pos >= m->n_rows)
		return NULL;
	return m->by_id[m->rows[m->cur.pos]];
}

void ui_model_move_to(struct ui_model *m, size_t row)
{
	ui_cursor_set(&m->cur, row);
}

void ui_model_move(struct ui_model *m, long delta)
{
	ui_cursor_move_by(&m->cur, delta);
}

void ui_model_scroll(struct ui_model *m, size_t height)
{
	m->cur.height = height;
	ui_cursor_fit(&m->cur);
}

void ui_model_toggle_mark(struct ui_model *m)
{
	struct venv *v = ui_model_selected(m);

	if (v)
		m->marked[v->id] = !m->marked[v->id];
	m->gen++;
}

void ui_model_mark_all_shown(struct ui_model *m)
{
	bool all = m->n_rows > 0;

	for (size_t i = 0; i < m->n_rows && all; i++)
		all = m->marked[m->rows[i]];
	for (size_t i = 0; i < m->n_rows; i++)
		m->marked[m->rows[i]] = !all;
	m->gen++;
}

void ui_model_cycle_sort(struct ui_model *m)
{
	/* The order the issue names: size, name, age, Python, path; last
	 * used (issue 16) after age. */
	static const enum scan_sort cycle[] = {SCAN_SORT_SIZE, SCAN_SORT_NAME,   SCAN_SORT_AGE,
					       SCAN_SORT_USED, SCAN_SORT_PYTHON, SCAN_SORT_PATH};
	const size_t n = sizeof(cycle) / sizeof(*cycle);
	size_t i = 0;

	while (i < n && cycle[i] != m->sort)
		i++;
	m->sort = cycle[(i + 1) % n];
	m->dirty = true;
}

void ui_model_sort_by(struct ui_model *m, enum scan_sort sort)
{
	m->reverse = m->sort == sort ? !m->reverse : false;
	m->sort = sort;
	m->dirty = true;
}

void ui_model_toggle_reverse(struct ui_model *m)
{
	m->reverse = !m->reverse;
	m->dirty = true;
}

void ui_model_toggle_problems(struct ui_model *m)
{
	m->problems_only = !m->problems_only;
	m->dirty = true;
}

void ui_model_toggle_disk(struct ui_model *m)
{
	m->disk = !m->disk;
	m->dirty = true;
}

uint64_t ui_model_bytes(const struct ui_model *m, const struct venv *v)
{
	if (!v->size_known)
		return 0;
	return m->disk ? v->size.disk_bytes : v->size.size_bytes;
}

int ui_model_set_filter(struct ui_model *m, const char *text, struct vs_err *err)
{
	struct scan_filter *f = NULL;

	if (text && *text) {
		int rc = scan_filter_parse(&f, text, err);

		if (rc < 0)
			return rc;
	}
	scan_filter_free(m->filter);
	free(m->filter_text);
	m->filter = f;
	m->filter_text = f ? xstrdup(text) : NULL;
	m->dirty = true;
	return 0;
}

void ui_model_summary(const struct ui_model *m, struct ui_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->shown = m->n_rows;
	for (size_t i = 0; i < m->n_ids; i++) {
		const struct venv *v = m->by_id[i];
		uint64_t b;

		if (!v)
			continue;
		b = ui_model_bytes(m, v);
		s->envs++;
		s->sized += v->size_known;
		s->bytes += b;
		if (v->stale) {
			s->stale++;
			s->stale_bytes += b;
		}
		if (v->broken) {
			s->broken++;
			s->broken_bytes += b;
		}
		s->problems += ui_venv_has_problem(v);
		s->orphaned += v->orphan;
		s->eol += venv_is_eol(v);
		s->moved += v->moved_from != NULL;
		if (m->marked[i]) {
			s->marked++;
			s->marked_bytes += b;
			s->marked_disk += v->size_known ? v->size.disk_bytes : 0;
		}
	}
	for (size_t i = 0; i < m->n_rows; i++)
		s->shown_bytes += ui_model_bytes(m, m->by_id[m->rows[i]]);
}

bool ui_set_freeable(const struct venv *const *vs, size_t n, uint64_t *out)
{
	struct scan_space_set set;
	bool known;

	scan_space_set_from_venvs(&set, vs, n);
	known = scan_space_set_freeable(&set, NULL, out);
	scan_space_set_free(&set);
	return known;
}

size_t ui_model_linked_envs(const struct ui_model *m, const struct venv *v, const struct venv ***out)
{
	const struct venv **vs = xcalloc(m->n_ids + 1, sizeof(*vs));
	struct scan_sharing sh;
	size_t n = 0, k = 0;

	*out = xcalloc(m->n_ids + 1, sizeof(**out));
	if (!v->inodes) {
		free(vs);
		return 0;
	}
	vs[n++] = v;
	for (size_t i = 0; i < m->n_ids; i++)
		if (m->by_id[i] && m->by_id[i] != v && m->by_id[i]->inodes)
			vs[n++] = m->by_id[i];
	scan_sharing_compute(&sh, vs, n);
	for (size_t j = 0; j < sh.n_with[0]; j++)
		(*out)[k++] = vs[sh.with[0][j]];
	scan_sharing_free(&sh);
	free(vs);
	return k;
}

bool ui_model_marked_freeable(struct ui_model *m, uint64_t *out)
{
	const struct venv **vs;
	size_t n = 0;

	/* gen starts at 0 with nothing marked: computed on the first call. */
	if (m->marked_gen != m->gen + 1) {
		vs = xcalloc(m->n_ids + 1, sizeof(*vs));
		for (size_t i = 0; i < m->n_ids; i++)
			if (m->by_id[i] && m->marked[i])
				vs[n++] = m->by_id[i];
		m->marked_known = ui_set_freeable(vs, n, &m->marked_freeable);
		m->marked_gen = m->gen + 1;
		free(vs);
	}
	*out = m->marked_freeable;
	return m->marked_known;
}
