#include "percent.h"

#include <string.h>

#include "strbuf.h"

char *vs_percent_encode(const char *s, const char *safe)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, ""); /* "" for "", never NULL */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || (safe && strchr(safe, c))) {
			sb_addc(&sb, (char)c);
		} else {
			sb_addc(&sb, '%');
			sb_addc(&sb, hex[c >> 4]);
			sb_addc(&sb, hex[c & 15]);
		}
	}
	return sb_detach(&sb);
}
