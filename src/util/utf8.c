#include "utf8.h"

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void utf8_put(struct strbuf *sb, uint32_t c)
{
	if (c < 0x80) {
		sb_addc(sb, (char)c);
	} else if (c < 0x800) {
		sb_addc(sb, (char)(0xc0 | (c >> 6)));
		sb_addc(sb, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		sb_addc(sb, (char)(0xe0 | (c >> 12)));
		sb_addc(sb, (char)(0x80 | ((c >> 6) & 0x3f)));
		sb_addc(sb, (char)(0x80 | (c & 0x3f)));
	} else {
		sb_addc(sb, (char)(0xf0 | (c >> 18)));
		sb_addc(sb, (char)(0x80 | ((c >> 12) & 0x3f)));
		sb_addc(sb, (char)(0x80 | ((c >> 6) & 0x3f)));
		sb_addc(sb, (char)(0x80 | (c & 0x3f)));
	}
}
