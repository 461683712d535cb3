/* SPDX-License-Identifier: MIT */
/* Writes snapshots of the example configurations (some with contacts and
 * timers in flight) as seeds for fuzz_snapshot:
 *   make_snapshot_seeds OUTDIR examples/center.yaml ... */
#include <stdio.h>
#include <stdlib.h>

#include "omniq/omniq.h"

int main(int argc, char **argv)
{
    if (argc < 3)
        return 1;
    for (int i = 2; i < argc; i++) {
        oq_engine *e = NULL;
        oq_config_error err;
        if (oq_config_load_file(NULL, argv[i], &e, &err) != OQ_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        for (int pass = 0; pass < 2; pass++) {
            void *buf = NULL;
            size_t len = 0;
            if (oq_engine_snapshot_buffer(e, &buf, &len) != OQ_OK)
                return 1;
            char path[4096];
            snprintf(path, sizeof path, "%s/seed-%d-%d", argv[1], i, pass);
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(buf, 1, len, f) != len)
                return 1;
            fclose(f);
            oq_free(buf);
            /* second seed: the same center with time moved on */
            oq_engine_advance(e, 60000);
        }
        oq_engine_destroy(e);
    }
    return 0;
}
