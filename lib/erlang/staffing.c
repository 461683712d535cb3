/* SPDX-License-Identifier: MIT */
/* Erlang A staffing and the combined staffing call (targets, occupancy cap,
 * shrinkage) used by the interval plan. */
#include <math.h>
#include <string.h>

#include "erlang/erlang_internal.h"

typedef struct a_ctx {
    double load, aht_s, patience_s, threshold_s;
    double target_sl, max_abandon, max_asa_s, max_occupancy;
} a_ctx;

static int a_meets(int32_t n, const void *vctx)
{
    const a_ctx *c = vctx;
    oq_erlang_a_result r;
    oq_status st = oq__erlang_a(c->load, n, c->aht_s, c->patience_s, c->threshold_s, &r);
    if (st != OQ_OK)
        return st;
    if (c->target_sl > 0.0 && !(r.service_level >= c->target_sl))
        return 0;
    if (c->max_abandon > 0.0 && !(r.p_abandon <= c->max_abandon))
        return 0;
    if (c->max_asa_s > 0.0 && (n == 0 || !(r.asa_s <= c->max_asa_s)))
        return 0;
    /* occupancy = busy agents / N = load (1 - p_abandon) / N, which falls as N
     * grows; N = 0 holds no work but serves nobody */
    if (c->max_occupancy > 0.0 && (n == 0 || !(r.occupancy <= c->max_occupancy)))
        return 0;
    return 1;
}

/* A count that certainly fails: SL <= P(served) <= N / A, P(Ab) >= 1 - N / A. */
static int32_t a_lower_fail(const a_ctx *c)
{
    double lb = 0.0;
    if (c->target_sl > 0.0)
        lb = fmax(lb, ceil(c->target_sl * c->load) - 1.0);
    if (c->max_abandon > 0.0)
        lb = fmax(lb, ceil((1.0 - c->max_abandon) * c->load) - 1.0);
    if (lb > (double)INT32_MAX - 1.0)
        lb = (double)INT32_MAX - 1.0;
    return (int32_t)lb; /* N = 0 never meets: everyone abandons */
}

static oq_status a_search(const a_ctx *c, int32_t *agents)
{
    if (c->load == 0.0) {
        *agents = 0;
        return OQ_OK;
    }
    return oq__search_min(a_lower_fail(c), a_meets, c, agents);
}

oq_status oq_erlang_a_agents(double load, double aht_s, double patience_s, double threshold_s,
                             double target, int32_t *agents)
{
    if (!agents || !oq__nonneg(load) || !oq__pos(aht_s) || !oq__pos(patience_s) ||
        !oq__nonneg(threshold_s) || !oq__prob(target))
        return OQ_EINVAL;
    a_ctx c = {load, aht_s, patience_s, threshold_s, target, 0.0, 0.0, 0.0};
    return a_search(&c, agents);
}

oq_status oq_erlang_a_agents_abandon(double load, double aht_s, double patience_s,
                                     double max_abandon, int32_t *agents)
{
    if (!agents || !oq__nonneg(load) || !oq__pos(aht_s) || !oq__pos(patience_s) ||
        !oq__prob(max_abandon))
        return OQ_EINVAL;
    a_ctx c = {load, aht_s, patience_s, 0.0, 0.0, max_abandon, 0.0, 0.0};
    return a_search(&c, agents);
}

oq_status oq_staffing_options_init(oq_staffing_options *options)
{
    if (!options)
        return OQ_EINVAL;
    memset(options, 0, sizeof *options);
    options->struct_size = (uint32_t)sizeof *options;
    return OQ_OK;
}

/* 0 = "off" or a value in the range. */
static int off_or(double v, double lo, double hi, int hi_inclusive)
{
    if (!isfinite(v))
        return 0;
    if (v == 0.0)
        return 1;
    return v > lo && (hi_inclusive ? v <= hi : v < hi);
}

static oq_status bad_option(oq_error *err, const char *fn, const char *name, double v,
                            const char *need)
{
    return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s: options.%s: %g, need %s", fn, name, v, need);
}

oq_status oq__staffing_options_check(const oq_staffing_options *options, oq_staffing_options *full,
                                     const char *fn, oq_error *err)
{
    char why[OQ__ABI_MSG];
    if (!options)
        return oq__erlang_bad(err, fn, "options is NULL");
    if (OQ__OPTIONS_COPY(full, options, oq_staffing_options, threshold_s, why) != OQ_OK)
        return oq__erlang_bad(err, fn, why);
    const oq_staffing_options *o = full;
    if (!oq__nonneg(o->threshold_s))
        return bad_option(err, fn, "threshold_s", o->threshold_s, ">= 0 and finite");
    if (!off_or(o->target_sl, 0.0, 1.0, 0))
        return bad_option(err, fn, "target_sl", o->target_sl, "0 (off) or (0, 1)");
    if (!oq__nonneg(o->max_asa_s))
        return bad_option(err, fn, "max_asa_s", o->max_asa_s, ">= 0 (0: off) and finite");
    if (!off_or(o->max_occupancy, 0.0, 1.0, 1))
        return bad_option(err, fn, "max_occupancy", o->max_occupancy, "0 (off) or (0, 1]");
    if (!oq__nonneg(o->patience_s))
        return bad_option(err, fn, "patience_s", o->patience_s, ">= 0 and finite");
    if (!off_or(o->max_abandon, 0.0, 1.0, 0))
        return bad_option(err, fn, "max_abandon", o->max_abandon, "0 (off) or (0, 1)");
    if (!isfinite(o->shrinkage) || o->shrinkage < 0.0 || o->shrinkage >= 1.0)
        return bad_option(err, fn, "shrinkage", o->shrinkage, "[0, 1)");
    if (o->max_abandon > 0.0 && o->patience_s == 0.0)
        return oq__erlang_bad(err, fn, "options.max_abandon needs options.patience_s > 0");
    if (!(o->target_sl > 0.0 || o->max_asa_s > 0.0 || o->max_occupancy > 0.0 ||
          o->max_abandon > 0.0))
        return oq__erlang_bad(err, fn,
                              "options: no constraint set (target_sl, max_asa_s, max_occupancy "
                              "or max_abandon)");
    return OQ_OK;
}

/* Validated options, load >= 0, aht_s > 0. */
oq_status oq__staffing(double load, double aht_s, const oq_staffing_options *o,
                       oq_staffing_result *out)
{
    oq_staffing_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = (uint32_t)sizeof r;
    int32_t need = 0, n;
    oq_status st;
    if (load == 0.0) {
        r.service_level = 1.0;
        *out = r;
        return OQ_OK;
    }
    if (o->patience_s == 0.0) {
        /* Erlang C: occupancy = load / N */
        if (o->max_occupancy > 0.0) {
            if ((st = oq_erlang_agents_occupancy(load, o->max_occupancy, &n)) != OQ_OK)
                return st;
            need = n > need ? n : need;
        }
        if (floor(load) + 1.0 > (double)INT32_MAX)
            return OQ_ERANGE;
        n = (int32_t)floor(load) + 1; /* stable */
        need = n > need ? n : need;
        if (o->target_sl > 0.0) {
            if ((st = oq_erlang_c_agents(load, aht_s, o->threshold_s, o->target_sl, &n)) != OQ_OK)
                return st;
            need = n > need ? n : need;
        }
        if (o->max_asa_s > 0.0) {
            if ((st = oq_erlang_c_agents_asa(load, aht_s, o->max_asa_s, &n)) != OQ_OK)
                return st;
            need = n > need ? n : need;
        }
        r.required = need;
        if ((st = oq_erlang_c_service_level(load, need, aht_s, o->threshold_s, &r.service_level)) ||
            (st = oq_erlang_c_asa(load, need, aht_s, &r.asa_s)) ||
            (st = oq_erlang_occupancy(load, need, &r.occupancy)) ||
            (st = oq_erlang_c(load, need, &r.p_wait)))
            return st;
        r.p_abandon = 0.0;
    } else {
        /* Erlang A: every constraint, the occupancy cap included (on the
         * occupancy Erlang A reports, load (1 - p_abandon) / N), in one search */
        a_ctx c = {load,         aht_s,          o->patience_s, o->threshold_s,
                   o->target_sl, o->max_abandon, o->max_asa_s,  o->max_occupancy};
        if ((st = oq__search_min(a_lower_fail(&c), a_meets, &c, &n)) != OQ_OK)
            return st;
        need = n;
        r.required = need;
        oq_erlang_a_result a;
        if ((st = oq__erlang_a(load, need, aht_s, o->patience_s, o->threshold_s, &a)) != OQ_OK)
            return st;
        r.service_level = a.service_level;
        r.asa_s = a.asa_s;
        r.occupancy = a.occupancy;
        r.p_abandon = a.p_abandon;
        r.p_wait = a.p_wait;
    }
    if ((st = oq_erlang_scheduled(r.required, o->shrinkage, &r.scheduled)) != OQ_OK)
        return st;
    *out = r;
    return OQ_OK;
}

oq_status oq_erlang_staffing(double load, double aht_s, const oq_staffing_options *options,
                             oq_staffing_result *out, oq_error *err)
{
    static const char fn[] = "oq_erlang_staffing";
    oq_staffing_options full;
    oq_status st = OQ__OUTPUT_CHECK(out, oq_staffing_result, required, err);
    if (st != OQ_OK)
        return st;
    if (!oq__nonneg(load))
        return oq__erlang_bad(err, fn, "load must be >= 0 and finite");
    if (!oq__pos(aht_s))
        return oq__erlang_bad(err, fn, "aht_s must be > 0 and finite");
    if ((st = oq__staffing_options_check(options, &full, fn, err)) != OQ_OK)
        return st;
    oq_staffing_result r;
    if ((st = oq__staffing(load, aht_s, &full, &r)) != OQ_OK)
        return oq__erlang_fail(err, fn, st);
    return OQ__OUTPUT_PUT(out, &r, oq_staffing_result, required, err);
}

oq_status oq__erlang_bad(oq_error *err, const char *fn, const char *what)
{
    return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s: %s", fn, what);
}

oq_status oq__erlang_load_agents(oq_error *err, const char *fn, double load, int32_t agents)
{
    if (!oq__nonneg(load))
        return oq__erlang_bad(err, fn, "load must be >= 0 and finite");
    if (agents < 0)
        return oq__erlang_bad(err, fn, "agents must be >= 0");
    return OQ_OK;
}

oq_status oq__erlang_fail(oq_error *err, const char *fn, oq_status st)
{
    if (st == OQ_ERANGE)
        return oq__error(err, st, NULL, 0, 0,
                         "%s: the answer does not fit an int32_t agent count", fn);
    return oq__error(err, st, NULL, 0, 0, "%s: %s", fn, oq_status_name(st));
}
