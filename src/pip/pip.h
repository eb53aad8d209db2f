/* pip's rules, reimplemented: the one header the rest of venvscope includes
 * for them (scan, actions, cli and ui never include a file of src/pip/
 * other than this one).
 *
 * What it offers, by header (each says its own contract):
 * - packages.h:    the site-packages folders of an env and the
 *                  distributions installed in them (name, version, size);
 * - dist_record.h: a distribution's RECORD (the bytes it installed);
 * - pep440.h:      PEP 440 versions and specifiers, as pip's `packaging`;
 * - pypath.h:      Python's path and text helpers pip relies on;
 * - freeze.h:      the `pip freeze` formatter (a pure function);
 * - freeze_read.h: reading an env the way pip freeze does, and the whole
 *                  freeze (scan_freeze_env), or the env's own pip.
 * Internal to src/pip/: site_path.h (sys.path), freeze_find.h (metadata
 * lookup), listing.h (folder listings), pymeta.h (METADATA fields),
 * direct_url.h (PEP 610, reached through freeze.h), pep440_internal.h.
 *
 * Everything here only reads the disk. */
#ifndef VS_PIP_PIP_H
#define VS_PIP_PIP_H

#include "packages.h"
#include "dist_record.h"
#include "pep440.h"
#include "pypath.h"
#include "freeze.h"
#include "freeze_read.h"

#endif
