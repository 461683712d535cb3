/* SPDX-License-Identifier: MIT */
/* Loading a large configuration: N queues (each on one channel) and one agent
 * who serves them all, from YAML in memory. Building a center must grow
 * linearly: issue #22's target is 100,000 queues in under 2 s. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, gmtime_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "omniq/omniq.h"

static char *center_yaml(int n, size_t *len)
{
    size_t cap = 128 + (size_t)n * 40;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t k = (size_t)snprintf(s, cap, "channels:\n  voice: {exclusive: true}\nqueues:\n");
    for (int i = 0; i < n; i++)
        k += (size_t)snprintf(s + k, cap - k, "  q%d: {channels: [voice]}\n", i);
    k += (size_t)snprintf(s + k, cap - k, "agents:\n  a1: {capacity: 100}\n");
    *len = k;
    return s;
}

int main(int argc, char **argv)
{
    int quick = 0, runs = 3;
    bench_quick_runs_args(argc, argv, &quick, &runs, 50);
    bench_env env;
    bench_env_get(&env);
    bench_env_print("bench_config", &env, runs, quick);
    const int sizes_full[] = {10000, 50000, 100000};
    const int sizes_quick[] = {2000, 5000};
    const int *sizes = quick ? sizes_quick : sizes_full;
    int n_sizes = quick ? 2 : 3;
    for (int z = 0; z < n_sizes; z++) {
        int n = sizes[z];
        size_t len = 0;
        char *yaml = center_yaml(n, &len);
        if (!yaml)
            return 1;
        double cpu[50], wall[50];
        for (int r = 0; r < runs; r++) {
            oq_load_options lo;
            oq_load_options_init(&lo);
            lo.max_bytes = (int64_t)len + 1;
            oq_engine *e = NULL;
            oq_error err = OQ_ERROR_INIT;
            double c0 = bench_cpu(), w0 = bench_wall();
            oq_status st = oq_config_load(&lo, NULL, yaml, len, "bench.yaml", &e, NULL, &err);
            cpu[r] = bench_cpu() - c0;
            wall[r] = bench_wall() - w0;
            if (st != OQ_OK) {
                fprintf(stderr, "load failed: %s: %s\n", oq_status_str(st), err.message);
                return 1;
            }
            int32_t count = 0;
            oq_config_count(e, OQ_KIND_QUEUE, &count);
            if (count != n) {
                fprintf(stderr, "loaded %d queues of %d\n", count, n);
                return 1;
            }
            oq_engine_destroy(e);
        }
        bench_spread c = bench_spread_of(cpu, runs), w = bench_spread_of(wall, runs);
        printf("%7d queues: load CPU %.3f s [%.3f .. %.3f], wall %.3f s [%.3f .. %.3f]%s\n", n, c.med,
               c.min, c.max, w.med, w.min, w.max,
               n == 100000 ? (c.med < 2.0 ? "  (target < 2 s: met)" : "  (target < 2 s: NOT MET)") : "");
        printf("{\"bench\":\"config_load\",\"queues\":%d", n);
        bench_spread_json("cpu_s", c);
        bench_spread_json("wall_s", w);
        bench_env_json(&env);
        printf("}\n");
        free(yaml);
    }
    return 0;
}
