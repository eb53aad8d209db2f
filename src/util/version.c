#include "version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vs_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		char *ea, *eb;
		unsigned long na = strtoul(a, &ea, 10);
		unsigned long nb = strtoul(b, &eb, 10);

		if (ea == a || eb == b) /* not a number here: compare the rest as text */
			return strcmp(a, b);
		if (na != nb)
			return na < nb ? -1 : 1;
		a = ea;
		b = eb;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
	}
	return 0;
}

void vs_version_major_minor(const char *v, int *major, int *minor)
{
	*major = *minor = 0;
	if (v && sscanf(v, "%d.%d", major, minor) != 2)
		*major = *minor = 0;
}

bool vs_version_at_least(int major, int minor, int want_major, int want_minor)
{
	return major > want_major || (major == want_major && minor >= want_minor);
}
