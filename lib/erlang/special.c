/* SPDX-License-Identifier: MIT */
/* Special functions for the erlang module: Loader's saddle-point Poisson
 * density (stirlerr, bd0) and a digamma difference, all in log scale or
 * without cancellation so that nothing overflows for arguments up to 1e15. */
#include <math.h>

#include "erlang/erlang_internal.h"

#define LN_SQRT_2PI 0.918938533204672741780329736406

/* stirlerr(n) = ln Gamma(n + 1) - (n + 1/2) ln n + n - ln sqrt(2 pi), n > 0. */
static double stirlerr(double n)
{
    const double S0 = 1.0 / 12.0, S1 = 1.0 / 360.0, S2 = 1.0 / 1260.0, S3 = 1.0 / 1680.0,
                 S4 = 1.0 / 1188.0;
    if (n <= 15.0)
        return lgamma(n + 1.0) - (n + 0.5) * log(n) + n - LN_SQRT_2PI;
    double nn = n * n;
    if (n > 500.0)
        return (S0 - S1 / nn) / n;
    if (n > 80.0)
        return (S0 - (S1 - S2 / nn) / nn) / n;
    if (n > 35.0)
        return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
    return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/* bd0(x, m) = x ln(x / m) + m - x >= 0, without cancellation when x ~ m. */
static double bd0(double x, double m)
{
    if (fabs(x - m) < 0.1 * (x + m)) {
        double v = (x - m) / (x + m);
        double s = (x - m) * v;
        double ej = 2.0 * x * v;
        v *= v;
        for (int j = 1; j < 1000; j++) {
            ej *= v;
            double s1 = s + ej / (2 * j + 1);
            if (s1 == s)
                return s1;
            s = s1;
        }
        return s;
    }
    return x * log(x / m) + m - x;
}

double oq__log_dpois(double b, double x)
{
    if (x <= 0.0)
        return b == 0.0 ? 0.0 : -INFINITY;
    return -stirlerr(b) - bd0(b, x) - 0.5 * log(2.0 * 3.14159265358979323846 * b);
}

/* psi(z) - ln z for z >= 20 (asymptotic series, error < 1e-17). */
static double digamma_tail(double z)
{
    double zz = 1.0 / (z * z);
    return -0.5 / z -
           zz * (1.0 / 12.0 -
                 zz * (1.0 / 120.0 - zz * (1.0 / 252.0 - zz * (1.0 / 240.0 - zz * (1.0 / 132.0)))));
}

double oq__digamma_diff(double u, double v)
{
    double acc = 0.0;
    while (v < 20.0) {
        acc += 1.0 / v - 1.0 / u;
        u += 1.0;
        v += 1.0;
    }
    return acc + log1p((u - v) / v) + (digamma_tail(u) - digamma_tail(v));
}
