/* SPDX-License-Identifier: MIT */
/* Writes the seeds of fuzz_snapshot with the very library being fuzzed, so
 * they are always in its current format (the fuzz build runs it; see
 * tests/fuzz/CMakeLists.txt):
 *
 *   make_snapshot_seeds OUTDIR EXAMPLES_DIR
 *
 * - the rich world of tests/support/world.h (ladders, profiles with delays,
 *   policies, blending, deadlines, work orders, limits, removed-object holes,
 *   statistics) at several points of two random runs, then after clock jumps
 *   past 2^62 ms and to INT64_MAX;
 * - every example script (EXAMPLES_DIR/scripts), after each timeline action;
 * - an empty engine.
 * Statistics are configured small (one bucket, two closed intervals) so the
 * seeds stay a few kilobytes and mutations reach the model, not only the
 * counters. Old seed-* files in OUTDIR are removed first. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "omniq/omniq.h"
#include "world.h"

static const char *out_dir;
static int written;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "make_snapshot_seeds: %s: %s\n", what, detail);
    exit(1);
}

static void write_seed(oq_engine *e, const char *name, int n)
{
    void *buf = NULL;
    size_t len = 0;
    oq_status st = oq_engine_snapshot_buffer(e, &buf, &len);
    if (st != OQ_OK)
        die("snapshot", oq_status_name(st));
    char path[4096];
    snprintf(path, sizeof path, "%s/seed-%s-%02d", out_dir, name, n);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        die("cannot write", path);
    oq_free(buf);
    written++;
}

static void small_stats(oq_engine *e)
{
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.ring_size = 2;
    o.interval_s = 60;
    o.window_s = 60;
    o.window_bucket_s = 60;
    o.n_wait_bounds = 2;
    if (oq_stats_configure(e, &o) != OQ_OK)
        die("stats", oq_engine_last_error(e));
}

static void world(uint64_t seed)
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.seed = seed;
    o.start_ms = 1000;
    o.abandon_resume_s = 30;
    oq_engine *e = NULL;
    if (oq_engine_create(&o, &e) != OQ_OK)
        die("create", "engine");
    wstream s;
    memset(&s, 0, sizeof s);
    s.rng = seed;
    s.t = 1000;
    w_setup(e, s.t);
    small_stats(e);
    char name[32];
    snprintf(name, sizeof name, "world%llu", (unsigned long long)seed);
    int n = 0;
    write_seed(e, name, n++);
    /* Early points too: small snapshots let mutations reach every section. */
    static const int at[] = {15, 40, 80, 150, 300, 600};
    for (int i = 1, k = 0; k < (int)(sizeof at / sizeof at[0]); i++) {
        w_step(e, &e, 1, &s);
        if (i == at[k]) {
            write_seed(e, name, n++);
            k++;
        }
    }
    if (oq_engine_advance(e, ((int64_t)1 << 62) + 777) != OQ_OK)
        die("advance", oq_engine_last_error(e));
    write_seed(e, name, n++);
    if (oq_engine_advance(e, INT64_MAX) != OQ_OK)
        die("advance", oq_engine_last_error(e));
    write_seed(e, name, n++);
    oq_engine_destroy(e);
}

static void script(const char *dir, const char *file)
{
    char path[4096], name[64];
    snprintf(path, sizeof path, "%s/scripts/%s.yaml", dir, file);
    oq_engine *e = NULL;
    oq_script *sc = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (oq_script_load_file(NULL, path, &e, &sc, &err) != OQ_OK)
        die("load", err.message);
    small_stats(e);
    snprintf(name, sizeof name, "script-%s", file);
    int n = oq_script_count(sc);
    write_seed(e, name, 0);
    for (int32_t i = 0; i < n; i++) {
        (void)oq_script_apply(e, sc, i); /* a step a script expects to fail is part of it */
        write_seed(e, name, i + 1);
    }
    oq_script_free(sc);
    oq_engine_destroy(e);
}

static void clear_old_seeds(void)
{
    DIR *d = opendir(out_dir);
    if (!d)
        die("cannot open", out_dir);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "seed-", 5) != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", out_dir, de->d_name);
        unlink(path);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: make_snapshot_seeds OUTDIR EXAMPLES_DIR\n", stderr);
        return 2;
    }
    out_dir = argv[1];
    clear_old_seeds();
    oq_engine *e = NULL;
    if (oq_engine_create(NULL, &e) != OQ_OK)
        die("create", "engine");
    write_seed(e, "empty", 0);
    oq_engine_destroy(e);
    world(1);
    world(2);
    static const char *const scripts[] = {"chat_concurrency", "escalation", "overflow", "preferred_agent",
                                          "workorder"};
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++)
        script(argv[2], scripts[i]);
    printf("make_snapshot_seeds: %d seeds in %s\n", written, out_dir);
    return 0;
}
