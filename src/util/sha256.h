/* SHA-256 (FIPS 180-4), for the names tools derive from a path: poetry's
 * and hatch's env folders hold the first 8 characters of the urlsafe
 * base64 of sha256(project path). */
#ifndef VS_UTIL_SHA256_H
#define VS_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define VS_SHA256_LEN 32

/* The digest of `len` bytes at `data` into out[32]. */
void vs_sha256(uint8_t out[VS_SHA256_LEN], const void *data, size_t len);

/* The first 8 characters of urlsafe_b64encode(sha256(s)) into out[9]
 * (NUL-terminated): what poetry and hatch put in an env's folder name. */
void vs_sha256_b64_8(char out[9], const char *s);

#endif
