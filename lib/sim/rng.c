/* SPDX-License-Identifier: MIT */
/* The simulator's random numbers: xoshiro256** and the distributions of
 * sim.h. No global state: every generator lives in its run. */
#include <math.h>
#include <stdio.h>

#include "sim/internal.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void oq__sim_rng_seed(oq_sim_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t oq__sim_rng_next(oq_sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double oq__sim_uniform(oq_sim_rng *r)
{
    /* 53 random bits, centred in their cell: never 0, never 1. */
    return ((double)(oq__sim_rng_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

double oq__sim_exp1(oq_sim_rng *r) { return -log(oq__sim_uniform(r)); }

static double normal(oq_sim_rng *r)
{
    /* Box-Muller, one value per call (keeps the generator state simple). */
    double u1 = oq__sim_uniform(r), u2 = oq__sim_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", ACM TOMS 26(3); shape < 1 by the U^(1/shape) boost. */
static double gamma_unit(oq_sim_rng *r, double shape)
{
    double boost = 1.0;
    if (shape < 1.0) {
        boost = pow(oq__sim_uniform(r), 1.0 / shape);
        shape += 1.0;
    }
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = normal(r);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = oq__sim_uniform(r);
        if (u < 1.0 - 0.0331 * x * x * x * x)
            return d * v * boost;
        if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return d * v * boost;
    }
}

double oq__sim_sample(oq_sim_rng *r, const oq_sim_dist *d)
{
    switch (d->kind) {
    case OQ_DIST_CONSTANT:
        return d->mean;
    case OQ_DIST_EXPONENTIAL:
        return d->mean * oq__sim_exp1(r);
    case OQ_DIST_LOGNORMAL: {
        double cv2 = (d->param / d->mean) * (d->param / d->mean);
        double s2 = log1p(cv2);
        double mu = log(d->mean) - 0.5 * s2;
        return exp(mu + sqrt(s2) * normal(r));
    }
    case OQ_DIST_GAMMA:
        return gamma_unit(r, d->param) * (d->mean / d->param);
    case OQ_DIST_EMPIRICAL: {
        uint64_t i = oq__sim_rng_next(r) % (uint64_t)d->n_values;
        return d->values[i];
    }
    default:
        return 0.0;
    }
}

const char *oq_sim_dist_name(int32_t kind)
{
    switch (kind) {
    case OQ_DIST_NONE: return "none";
    case OQ_DIST_CONSTANT: return "constant";
    case OQ_DIST_EXPONENTIAL: return "exponential";
    case OQ_DIST_LOGNORMAL: return "lognormal";
    case OQ_DIST_GAMMA: return "gamma";
    case OQ_DIST_EMPIRICAL: return "empirical";
    default: return "unknown";
    }
}

#define DIST_MAX_S 1e9 /* about 31 years: keeps every time in int64 ms */

static oq_status fail(char *buf, size_t n, const char *field, const char *msg)
{
    if (buf && n)
        snprintf(buf, n, "%s: %s", field, msg);
    return OQ_EINVAL;
}

oq_status oq__sim_dist_check(const oq_sim_dist *d, int allow_none, const char *field, char *buf,
                             size_t buf_size)
{
    if (d->kind < OQ_DIST_NONE || d->kind > OQ_DIST_EMPIRICAL)
        return fail(buf, buf_size, field, "unknown distribution kind");
    if (d->kind == OQ_DIST_NONE)
        return allow_none ? OQ_OK : fail(buf, buf_size, field, "a distribution is required");
    if (d->kind == OQ_DIST_EMPIRICAL) {
        if (d->n_values < 1 || !d->values)
            return fail(buf, buf_size, field, "empirical needs n_values >= 1 and values");
        for (int32_t i = 0; i < d->n_values; i++)
            if (!(d->values[i] >= 0.0 && d->values[i] <= DIST_MAX_S))
                return fail(buf, buf_size, field, "empirical values must be in [0, 1e9] s");
        return OQ_OK;
    }
    if (!(d->mean >= 0.0 && d->mean <= DIST_MAX_S))
        return fail(buf, buf_size, field, "mean must be in [0, 1e9] s");
    if (d->kind != OQ_DIST_CONSTANT && !(d->mean > 0.0))
        return fail(buf, buf_size, field, "mean must be > 0");
    if (d->kind == OQ_DIST_LOGNORMAL && !(d->param > 0.0 && d->param <= DIST_MAX_S))
        return fail(buf, buf_size, field, "lognormal standard deviation (param) must be > 0");
    if (d->kind == OQ_DIST_GAMMA && !(d->param >= 1e-3 && d->param <= 1e6))
        return fail(buf, buf_size, field, "gamma shape (param) must be in [0.001, 1e6]");
    return OQ_OK;
}
