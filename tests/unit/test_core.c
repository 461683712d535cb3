/* SPDX-License-Identifier: MIT */
/* core: status codes, version. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "omniq/omniq.h"

static void status_strings_are_distinct_and_named(void **state)
{
    (void)state;
    const oq_status codes[] = {OQ_OK, OQ_EINVAL, OQ_ENOTFOUND, OQ_EEXIST, OQ_ENOMEM,
                               OQ_ESTATE, OQ_ECONFIG, OQ_EBUSY, OQ_ECORRUPT, OQ_ERANGE};
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(oq_status_str(codes[i]), "unknown status");
        assert_true(strncmp(oq_status_name(codes[i]), "OQ_", 3) == 0);
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(oq_status_str(codes[i]), oq_status_str(codes[j]));
    }
    assert_string_equal(oq_status_str(OQ_EINVAL), "invalid argument");
    assert_string_equal(oq_status_name(OQ_ENOMEM), "OQ_ENOMEM");
    assert_string_equal(oq_status_str(12345), "unknown status");
    assert_string_equal(oq_status_name(-999), "OQ_UNKNOWN");
}

static void version_matches_headers(void **state)
{
    (void)state;
    assert_string_equal(oq_version(), OQ_VERSION_STRING);
    assert_int_equal(oq_version_number(), OQ_VERSION_NUMBER);
    assert_int_equal(OQ_VERSION_NUMBER,
                     OQ_VERSION_MAJOR * 10000 + OQ_VERSION_MINOR * 100 + OQ_VERSION_PATCH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_strings_are_distinct_and_named),
        cmocka_unit_test(version_matches_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
