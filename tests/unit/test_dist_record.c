/* RECORD sizes: what `pip show -f` lists, summed without walking files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/fixture.h"
#include "pip/packages.h"
#include "pip/dist_record.h"

static void test_sum(void **state)
{
	const char *rec = "six.py,sha256=abc,34549\r\n"
			  "\"we,ird\".py,sha256=def,100\n"
			  "six-1.16.0.dist-info/RECORD,,\n"
			  "__pycache__/six.cpython-311.pyc,,\n"
			  "bad,sha,12x\n"
			  "last,sha256=x,1";

	(void)state;
	assert_int_equal(scan_record_sum(rec, strlen(rec)), 34549 + 100 + 1);
	assert_int_equal(scan_record_sum("", 0), 0);
}

static void test_package_size_from_record(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_pkg_list list = {0};
	struct vs_err err = {0};

	fx_write(fx->dir, "six-1.16.0.dist-info/METADATA", "Name: six\nVersion: 1.16.0\n\n",
		 (size_t)-1);
	fx_write(fx->dir, "six-1.16.0.dist-info/RECORD", "six.py,sha256=a,34549\nx,,\n", (size_t)-1);
	fx_write(fx->dir, "norecord-1.0.dist-info/METADATA", "Name: norecord\n\n", (size_t)-1);
	assert_int_equal(scan_packages_read(&list, fx->dir, &err), 0);
	assert_int_equal(list.n, 2);
	for (size_t i = 0; i < list.n; i++) {
		if (strcmp(list.items[i].name, "six") == 0) {
			assert_true(list.items[i].size_known);
			assert_int_equal(list.items[i].size, 34549);
		} else {
			assert_false(list.items[i].size_known);
		}
	}
	scan_pkg_list_clear(&list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sum),
		cmocka_unit_test_setup_teardown(test_package_size_from_record, fx_setup_dir,
						fx_teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
