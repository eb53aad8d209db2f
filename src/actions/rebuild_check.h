/* What a rebuild says about its result: whether the new env's freeze is the
 * recipe it was made from, and pip's own tools before and after. Pure text
 * work on freezes and package lists; nothing here touches the disk. */
#ifndef VS_ACTIONS_REBUILD_CHECK_H
#define VS_ACTIONS_REBUILD_CHECK_H

#include "../pip/pip.h"

/* "pip 23.0.1, setuptools 65.5.0": the tools pip manages (pip, setuptools,
 * wheel, distribute) that `l` holds, with their versions, or NULL when
 * none. Caller frees. */
char *act_rebuild_tools(const struct scan_pkg_list *l);

/* Compares two freezes line by line as sets, after what differs between
 * pip versions alone is set aside: a "#sha256=..." fragment after a URL
 * (pip >= 23.1 adds it to a file URL it installed from) and the spelling
 * of the name before "==" / " @ " (PEP 503: case, runs of - _ .).
 * Comments, blank lines and pip's own tools (pip, setuptools, wheel,
 * distribute: shown or not by pip's version) are skipped. NULL when they agree, else
 * "missing: A==1, B==2; new: C==3" (lines as `before` / `after` write
 * them). Caller frees. */
char *act_rebuild_compare(const char *before, const char *after);

#endif
