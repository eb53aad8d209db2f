/* util/sha256: the digest against FIPS 180-4 vectors and Python's hashlib
 * (values printed by `python3 -c "import hashlib; ..."`), across the
 * padding boundaries (55, 56, 64, 119 bytes), and the 8-character name
 * poetry and hatch derive from a path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/sha256.h"

static void expect_hex(const char *in, size_t n, const char *hex)
{
	uint8_t d[VS_SHA256_LEN];
	char got[2 * VS_SHA256_LEN + 1];

	vs_sha256(d, in, n);
	for (int i = 0; i < VS_SHA256_LEN; i++)
		snprintf(got + 2 * i, 3, "%02x", d[i]);
	assert_string_equal(got, hex);
}

static void test_vectors(void **state)
{
	char a[128];

	(void)state;
	memset(a, 'a', sizeof(a));
	expect_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	expect_hex(a, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	expect_hex(a, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	expect_hex(a, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
	expect_hex(a, 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
}

static void test_b64_8(void **state)
{
	char out[9];

	(void)state;
	vs_sha256_b64_8(out, "/home/u/projects/demo");
	assert_string_equal(out, "a1CE37F5");
	vs_sha256_b64_8(out, "");
	assert_string_equal(out, "47DEQpj8");
	/* '-' and '_' stand for + and / (urlsafe). */
	{
		char a[65];

		memset(a, 'a', 64);
		a[64] = '\0';
		vs_sha256_b64_8(out, a);
		assert_string_equal(out, "_-BU_nrg");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_b64_8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
