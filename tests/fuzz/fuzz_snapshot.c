/* SPDX-License-Identifier: MIT */
/* libFuzzer target: snapshot restore.
 *
 * The input is taken as a snapshot (oq_engine_restore_buffer). Most inputs
 * must be refused with OQ_ECORRUPT; any that restores must give an engine
 * that passes oq_engine_check and whose own snapshot restores again to the
 * same bytes. A second pass fails the N-th allocation (N from the input) to
 * exercise restore's clean-up. Every engine allocates through a counting
 * allocator: a leak or a wrong old_size aborts. The seed corpus holds real
 * snapshots of the example center (tests/fuzz/make_snapshot_seeds.sh). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omniq/omniq.h"
#include "fuzz_alloc.h"

static void restore_once(const uint8_t *data, size_t size, int64_t fail_at)
{
    fuzz_alloc fa = {0};
    fa.fail_at = fail_at;
    oq_engine_options opts;
    oq_engine_options_init(&opts);
    opts.alloc = fuzz_alloc_fn;
    opts.alloc_user = &fa;
    oq_engine *e = NULL;
    oq_status st = oq_engine_restore_buffer(&opts, data, size, &e);
    if (st != OQ_OK) {
        if (st != OQ_ECORRUPT && st != OQ_ENOMEM && st != OQ_EINVAL)
            fuzz_die("restore returned a status it does not document");
        if (e)
            fuzz_die("failed restore returned an engine");
        if (fa.live_bytes != 0 || fa.live_blocks != 0)
            fuzz_die("failed restore leaked");
        return;
    }
    if (oq_engine_check(e) != OQ_OK) {
        fprintf(stderr, "%s\n", oq_engine_last_error(e));
        fuzz_die("restored engine fails its self-check");
    }
    void *again = NULL;
    size_t len = 0;
    if (fail_at == 0 && oq_engine_snapshot_buffer(e, &again, &len) == OQ_OK) {
        oq_engine *e2 = NULL;
        if (oq_engine_restore_buffer(&opts, again, len, &e2) != OQ_OK)
            fuzz_die("snapshot of a restored engine does not restore");
        void *third = NULL;
        size_t len3 = 0;
        if (oq_engine_snapshot_buffer(e2, &third, &len3) == OQ_OK) {
            if (len3 != len || memcmp(third, again, len) != 0)
                fuzz_die("snapshot -> restore -> snapshot is not identical");
            oq_free(third);
        }
        oq_engine_destroy(e2);
        oq_free(again);
    }
    oq_engine_destroy(e);
    if (fa.live_bytes != 0 || fa.live_blocks != 0)
        fuzz_die("engine leaked after destroy");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    restore_once(data, size, 0);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size && i < 64; i++)
        h = (h ^ data[i]) * 16777619u;
    restore_once(data, size, 1 + (int64_t)(h % 200));
    return 0;
}
