/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the schedule module's inputs.
 *
 * The first byte picks what the rest is: a shift file (YAML) loaded into a
 * day of quarter-hours, an agent file (YAML), or a requirements CSV (written
 * to a private directory and loaded by oq_schedule_load_csv). Loaders must
 * return documented statuses with NUL-terminated messages carrying a
 * position, and a failed shift load must add nothing. What loads is solved
 * (a small time limit): the result must be consistent — coverage recomputed
 * from its rows equals the library's, a hard result that claims a schedule
 * covers every interval — and what an agent file loads is rostered. All
 * schedule memory goes through a counting allocator (a leak or a wrong
 * old_size aborts). */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "omniq/omniq.h"
#include "omniq/schedule.h"
#include "fuzz_alloc.h"

static char g_dir[64];

static void check_error(oq_status st, const oq_error *err, const char *what)
{
    if (st == OQ_OK)
        return;
    if (st != OQ_EINVAL && st != OQ_ECONFIG && st != OQ_ENOMEM && st != OQ_ENOTFOUND &&
        st != OQ_EEXIST) {
        fprintf(stderr, "%s: %s: %s\n", what, oq_status_name(st), err->message);
        fuzz_die("undocumented status");
    }
    if (!memchr(err->message, '\0', sizeof err->message) || !err->message[0])
        fuzz_die("an error without a NUL-terminated message");
}

static void check_result(oq_schedule *s, const oq_schedule_options *o)
{
    oq_schedule_result *r = NULL;
    oq_error e = OQ_ERROR_INIT;
    oq_status st = oq_schedule_solve(s, o, &r, &e);
    if (st != OQ_OK) {
        check_error(st, &e, "oq_schedule_solve");
        if (r)
            fuzz_die("solve failed but gave a result");
        return;
    }
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    if (oq_schedule_result_summary(r, &sm, NULL) != OQ_OK)
        fuzz_die("summary");
    int32_t n = sm.n_intervals;
    int32_t *cov = calloc((size_t)n, sizeof *cov), *lib = calloc((size_t)n, sizeof *lib),
            *req = calloc((size_t)n, sizeof *req);
    if (cov && lib && req) {
        oq_schedule_horizon h = OQ_OUTPUT_INIT(oq_schedule_horizon);
        if (oq_schedule_result_horizon(r, &h, NULL) != OQ_OK)
            fuzz_die("horizon");
        for (int32_t i = 0; i < sm.n_shifts; i++) {
            oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
            oq_schedule_result_shift(r, i, &sh, NULL);
            for (int32_t k = 0; k < sh.length; k++) {
                int32_t t = sh.start + k;
                if (t >= n && !h.wrap)
                    break;
                cov[t % n] += sh.count;
            }
            for (int32_t b = 0; b < sh.n_breaks; b++) {
                oq_schedule_break br = OQ_OUTPUT_INIT(oq_schedule_break);
                oq_schedule_result_break(r, i, b, &br, NULL);
                if (br.start < sh.start || br.start + br.length > sh.start + sh.length)
                    fuzz_die("a break outside its shift");
                for (int32_t k = 0; k < br.length; k++) {
                    int32_t t = br.start + k;
                    if (t >= n && !h.wrap)
                        break;
                    cov[t % n] -= sh.count;
                }
            }
        }
        oq_schedule_result_coverage(r, lib, n);
        oq_schedule_result_required(r, req, n);
        for (int32_t t = 0; t < n; t++) {
            if (cov[t] != lib[t])
                fuzz_die("coverage from the rows differs from the library's");
            if (o->objective == OQ_SCHED_HARD &&
                (sm.status == OQ_SCHED_OPTIMAL || sm.status == OQ_SCHED_FEASIBLE) &&
                cov[t] < req[t])
                fuzz_die("a hard schedule short of the requirement");
        }
    }
    free(cov);
    free(lib);
    free(req);
    oq_schedule_result_destroy(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] % 3;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    fuzz_alloc fa;
    memset(&fa, 0, sizeof fa);
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.days = 1;
    h.alloc = fuzz_alloc_fn;
    h.alloc_user = &fa;
    oq_error e = OQ_ERROR_INIT;
    oq_schedule_options o;
    oq_schedule_options_init(&o);
    o.time_limit_s = 0.05;
    o.objective = (data[0] / 3) % 2 ? OQ_SCHED_SOFT : OQ_SCHED_HARD;
    if (mode == 0) {
        oq_schedule *s = NULL;
        if (oq_schedule_create(&h, &s, &e) != OQ_OK)
            fuzz_die("create");
        int32_t req[96];
        for (int i = 0; i < 96; i++)
            req[i] = i >= 32 && i < 80 ? 1 + (i % 3) : 0;
        oq_schedule_set_required(s, 0, 96, req, &e);
        oq_status st = oq_schedule_load_shifts_buffer(s, text, len, "shifts.yaml", &e);
        check_error(st, &e, "oq_schedule_load_shifts_buffer");
        if (st != OQ_OK && (oq_schedule_template_count(s) || oq_schedule_tour_count(s)))
            fuzz_die("a failed shift load added something");
        if (st == OQ_OK && oq_schedule_tour_count(s) == 0)
            check_result(s, &o);
        oq_schedule_destroy(s);
    } else if (mode == 1) {
        oq_roster_agents *ag = NULL;
        h.days = 7;
        oq_status st = oq_roster_agents_load_buffer(text, len, "agents.yaml", &h, &ag, &e);
        check_error(st, &e, "oq_roster_agents_load_buffer");
        if (st == OQ_OK) {
            int32_t n;
            const oq_roster_agent *a = oq_roster_agents_list(ag, &n);
            oq_schedule *s = NULL;
            oq_schedule_create(&h, &s, &e);
            int32_t req[672];
            for (int i = 0; i < 672; i++)
                req[i] = (i % 96) >= 36 && (i % 96) < 68 ? 2 : 0;
            oq_schedule_set_required(s, 0, 672, req, &e);
            oq_shift_template t;
            oq_shift_template_init(&t);
            t.name = "day";
            t.earliest_start_s = 9 * 3600;
            t.latest_start_s = 9 * 3600;
            t.length_s = 8 * 3600;
            oq_schedule_add_template(s, &t, NULL, &e);
            oq_schedule_result *r = NULL;
            if (oq_schedule_solve(s, &o, &r, &e) == OQ_OK) {
                oq_roster_options ro = OQ_OUTPUT_INIT(oq_roster_options);
                oq_roster_agents_options(ag, &ro, NULL);
                ro.time_limit_s = 0.05;
                oq_roster *roster = NULL;
                oq_status rs = oq_roster_build(r, a, n, &ro, &roster, &e);
                if (rs != OQ_OK && rs != OQ_EINVAL && rs != OQ_ENOMEM)
                    fuzz_die("roster: undocumented status");
                oq_roster_destroy(roster);
            }
            oq_schedule_result_destroy(r);
            oq_schedule_destroy(s);
        }
        oq_roster_agents_destroy(ag);
    } else {
        if (!g_dir[0]) {
            snprintf(g_dir, sizeof g_dir, "/tmp/oq-fuzz-sched-XXXXXX");
            if (!mkdtemp(g_dir))
                fuzz_die("mkdtemp");
        }
        char path[128];
        snprintf(path, sizeof path, "%s/req.csv", g_dir);
        FILE *f = fopen(path, "wb");
        if (!f)
            fuzz_die("fopen");
        fwrite(text, 1, len, f);
        fclose(f);
        oq_schedule *s = NULL;
        oq_status st = oq_schedule_load_csv(path, NULL, 0, &h, &s, &e);
        check_error(st, &e, "oq_schedule_load_csv");
        if (st == OQ_OK) {
            oq_shift_template t;
            oq_shift_template_init(&t);
            oq_schedule_horizon got = OQ_OUTPUT_INIT(oq_schedule_horizon);
            oq_schedule_get_horizon(s, &got, NULL);
            t.name = "any";
            t.earliest_start_s = 0;
            t.latest_start_s = 86400 - got.interval_s;
            t.length_s = got.interval_s * 4 <= 86400 ? got.interval_s * 4 : got.interval_s;
            if (oq_schedule_add_template(s, &t, NULL, &e) == OQ_OK && got.days <= 7)
                check_result(s, &o);
        }
        oq_schedule_destroy(s);
    }
    if (fa.live_bytes != 0 || fa.live_blocks != 0)
        fuzz_die("leak: schedule memory left after destroy");
    return 0;
}
