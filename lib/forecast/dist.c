/* SPDX-License-Identifier: MIT */
/* Count distributions for prediction intervals: Poisson, and the negative
 * binomial (a Poisson whose rate is gamma-distributed: "counts are noisier
 * than their rate") with variance mu + phi mu^2. Small counts use the
 * probability recurrence; large ones the regularized incomplete gamma and
 * beta functions (continued fractions as in Numerical Recipes), with a
 * Lanczos log-gamma: the C library's lgamma writes the global signgam, which
 * is not thread-safe. */
#include <float.h>
#include <math.h>

#include "forecast/internal.h"

#define RECURRENCE_MAX 400
#define PI 3.14159265358979323846   /* counts up to this sum the probabilities directly */

/* The over-dispersion grid for calibration: 0, then 0.0005 .. 1 geometrically. */
const double oq__phi_grid[FC_PHI_GRID] = {
    0, 0.0005, 0.000644176, 0.000829925, 0.00106923, 0.00137755, 0.00177477, 0.00228653,
    0.00294585, 0.00379529, 0.00488966, 0.00629961, 0.00811611, 0.0104564, 0.0134715, 0.017356,
    0.0223607, 0.0288084, 0.0371154, 0.0478176, 0.0616059, 0.0793701, 0.102257, 0.131742,
    0.16973, 0.218672, 0.281727, 0.362963, 0.467624, 0.602464, 0.776186, 1,
};

static double log_gamma(double x)
{
    static const double c[6] = {76.18009172947146,  -86.50532032941677, 24.01409824083091,
                                -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5};
    if (x < 0.5) /* reflection keeps the series accurate near 0 */
        return log(PI / fabs(sin(PI * x))) - log_gamma(1 - x);
    double y = x, tmp = x + 5.5;
    tmp -= (x + 0.5) * log(tmp);
    double ser = 1.000000000190015;
    for (int j = 0; j < 6; j++)
        ser += c[j] / ++y;
    return -tmp + log(2.5066282746310005 * ser / x);
}

/* Regularized lower incomplete gamma P(a, x). */
static double gamma_p(double a, double x)
{
    if (x <= 0)
        return 0;
    double gln = log_gamma(a);
    if (x < a + 1) {
        double ap = a, sum = 1 / a, del = sum;
        for (int n = 0; n < 1000; n++) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-14)
                break;
        }
        return sum * exp(-x + a * log(x) - gln);
    }
    double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
    for (int i = 1; i < 1000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < 1e-300)
            d = 1e-300;
        c = b + an / c;
        if (fabs(c) < 1e-300)
            c = 1e-300;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-14)
            break;
    }
    return 1 - exp(-x + a * log(x) - gln) * h;
}

/* One step of the modified Lentz algorithm for a continued fraction term aa:
 * updates c and d (kept away from 0) and returns the factor d c. */
static double lentz_step(double aa, double *c, double *d)
{
    *d = 1 + aa * *d;
    if (fabs(*d) < 1e-300)
        *d = 1e-300;
    *c = 1 + aa / *c;
    if (fabs(*c) < 1e-300)
        *c = 1e-300;
    *d = 1 / *d;
    return *d * *c;
}

static double beta_cf(double a, double b, double x)
{
    double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < 1e-300)
        d = 1e-300;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 1000; m++) {
        int m2 = 2 * m;
        h *= lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), &c, &d);
        double del = lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), &c, &d);
        h *= del;
        if (fabs(del - 1) < 1e-14)
            break;
    }
    return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double beta_i(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double bt = exp(log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2))
        return bt * beta_cf(a, b, x) / a;
    return 1 - bt * beta_cf(b, a, 1 - x) / b;
}

/* log P(X = 0) and the ratio step of P(X = k+1) / P(X = k) = (k + r) q / (k + 1). */
static double log_p0(double mu, double phi)
{
    return phi > 0 ? -log1p(phi * mu) / phi : -mu;
}

double oq__count_cdf(double k, double mu, double phi)
{
    k = floor(k);
    if (k < 0)
        return 0;
    if (!(mu > 0))
        return 1;
    double lp0 = log_p0(mu, phi);
    if (k <= RECURRENCE_MAX && lp0 > -600) {
        double p = exp(lp0), c = p;
        if (phi > 0) {
            double r = 1 / phi, q = mu / (r + mu);
            for (double i = 0; i < k; i++) {
                p *= (i + r) / (i + 1) * q;
                c += p;
            }
        } else {
            for (double i = 0; i < k; i++) {
                p *= mu / (i + 1);
                c += p;
            }
        }
        return c < 1 ? c : 1;
    }
    if (phi > 0) {
        double r = 1 / phi;
        return beta_i(r, k + 1, r / (r + mu));
    }
    return 1 - gamma_p(k + 1, mu);
}

double oq__count_quantile(double mu, double phi, double p)
{
    if (!(mu > 0))
        return 0;
    double sd = sqrt(mu) * sqrt(1 + phi * mu); /* sqrt(mu + phi mu^2), finite for every finite mu */
    double lo = floor(mu - 8 * sd) - 1, hi = ceil(mu + 8 * sd) + 1;
    if (lo < -1)
        lo = -1;
    if (!(hi < DBL_MAX / 4))
        hi = DBL_MAX / 4;
    while (hi < DBL_MAX / 4 && oq__count_cdf(hi, mu, phi) < p)
        hi = hi * 2 + 1;
    /* invariant: cdf(lo) < p (or lo == -1), cdf(hi) >= p */
    while (lo >= 0 && oq__count_cdf(lo, mu, phi) >= p)
        lo = floor(lo / 2) - 1;
    while (hi - lo > 1) {
        double mid = floor(lo / 2 + hi / 2);
        /* Beyond 2^53 two neighbouring doubles may be further apart than 1:
         * no count lies between them, and the search ends (fuzz_forecast: a
         * mean of 9e96 made it loop for ever). */
        if (!(mid > lo && mid < hi))
            break;
        if (oq__count_cdf(mid, mu, phi) >= p)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

fc_band oq__band_at(double w, double nominal)
{
    fc_band b = {0, nominal};
    if (w < 0)
        w = 0;
    if (w > FC_WIDTHS - 1)
        w = FC_WIDTHS - 1;
    if (w < FC_NARROW) /* narrowing: level between nominal (1 - 0.04 (FC_NARROW - w)) and nominal */
        b.level = nominal * (1 - 0.04 * (FC_NARROW - w));
    else {
        int g = (int)floor(w - FC_NARROW);
        double frac = w - FC_NARROW - g;
        b.phi = g + 1 < FC_PHI_GRID
                    ? oq__phi_grid[g] + frac * (oq__phi_grid[g + 1] - oq__phi_grid[g])
                    : oq__phi_grid[FC_PHI_GRID - 1];
    }
    return b;
}

double oq__band_lo(double mu, const fc_band *b)
{
    return oq__count_quantile(mu, b->phi, (1 - b->level) / 2);
}

double oq__band_hi(double mu, const fc_band *b)
{
    return oq__count_quantile(mu, b->phi, 1 - (1 - b->level) / 2);
}

/* a in [q(p), q(1 - p)] from the cumulative probabilities at floor(a) and
 * ceil(a) - 1: q(p) <= floor(a) iff F(floor(a)) >= p, and q(1-p) >= ceil(a)
 * iff F(ceil(a) - 1) < 1 - p. */
static int inside(double c_lo, double c_hi, double level)
{
    double p = (1 - level) / 2;
    return c_lo >= p && c_hi < 1 - p;
}

int oq__in_band(double mu, const fc_band *b, double a)
{
    double k_hi = ceil(a) - 1;
    return inside(oq__count_cdf(floor(a), mu, b->phi),
                  k_hi < 0 ? 0 : oq__count_cdf(k_hi, mu, b->phi), b->level);
}

void oq__coverage_bits(double mu, double a, uint64_t *in80, uint64_t *in95)
{
    double k_lo = floor(a), k_hi = ceil(a) - 1;
    uint64_t b80 = 0, b95 = 0;
    for (int g = 0; g < FC_PHI_GRID; g++) {
        double phi = oq__phi_grid[g];
        double c_lo, c_hi;
        if (!(mu > 0)) {
            c_lo = 1;
            c_hi = k_hi >= 0 ? 1 : 0;
        } else if (k_lo <= RECURRENCE_MAX && log_p0(mu, phi) > -600) {
            /* one pass gives both cumulative probabilities */
            double p = exp(log_p0(mu, phi)), c = p, r = phi > 0 ? 1 / phi : 0,
                   q = phi > 0 ? mu / (r + mu) : 0;
            c_hi = k_hi >= 0 ? -1 : 0;
            for (double i = 0; i < k_lo; i++) {
                if (i == k_hi)
                    c_hi = c;
                p *= phi > 0 ? (i + r) / (i + 1) * q : mu / (i + 1);
                c += p;
            }
            if (k_hi == k_lo)
                c_hi = c;
            c_lo = c;
        } else {
            c_lo = oq__count_cdf(k_lo, mu, phi);
            c_hi = k_hi < 0 ? 0 : oq__count_cdf(k_hi, mu, phi);
        }
        if (g == 0) /* the narrowed Poisson bands */
            for (int w = 0; w < FC_NARROW; w++) {
                double f = 1 - 0.04 * (FC_NARROW - w);
                b80 |= (uint64_t)inside(c_lo, c_hi, 0.80 * f) << w;
                b95 |= (uint64_t)inside(c_lo, c_hi, 0.95 * f) << w;
            }
        int i80 = inside(c_lo, c_hi, 0.80), i95 = inside(c_lo, c_hi, 0.95);
        if (i80 && i95) {
            /* wider bands (larger phi) contain this one: covered by every one after it */
            uint64_t rest = ~(uint64_t)0 << (FC_NARROW + g);
            b80 |= rest;
            b95 |= rest;
            break;
        }
        b80 |= (uint64_t)i80 << (FC_NARROW + g);
        b95 |= (uint64_t)i95 << (FC_NARROW + g);
    }
    if (FC_WIDTHS < 64) {
        b80 &= ((uint64_t)1 << FC_WIDTHS) - 1;
        b95 &= ((uint64_t)1 << FC_WIDTHS) - 1;
    }
    *in80 = b80;
    *in95 = b95;
}

oq_status oq_forecast_quantile(double mean, double dispersion, double p, double *out)
{
    if (!out || !(mean >= 0) || !isfinite(mean) || !(dispersion >= 0) || !isfinite(dispersion) ||
        !(p > 0 && p < 1))
        return OQ_EINVAL;
    *out = oq__count_quantile(mean, dispersion, p);
    return OQ_OK;
}
