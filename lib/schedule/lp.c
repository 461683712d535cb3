/* SPDX-License-Identifier: MIT */
/* The LP relaxation of the model by a first-order primal-dual method (PDHG,
 * Chambolle & Pock, with the restarts and primal weight of Applegate et
 * al.'s PDLP), and a lower bound that needs no exact LP solution.
 *
 * The method only multiplies by A and A^T, so it needs no factorisation and
 * no LP library; it is accurate to about 1e-4 in a few thousand iterations on
 * these models. Its answer is never trusted as a bound: the bound comes from
 * the duals of the coverage rows alone (oq__lp_bound), made feasible by
 * scaling — weak duality then makes it a valid lower bound whatever the
 * accuracy, and the closer the duals, the tighter it is. */
#include <math.h>
#include <string.h>

#include "schedule/lp.h"

typedef struct pd {
    const sch_model *md;
    int32_t m, n;                 /* rows, columns */
    double *rs, *cs;              /* row and column scaling */
    double *c, *lb, *ub, *l, *u;  /* scaled data */
    double *val;                  /* scaled matrix values (CSC of md) */
    double *x, *y, *xn, *yn, *xa, *ya, *ax, *aty, *x0, *y0, *tmpm, *tmpn;
} pd;

static void matvec(const pd *p, const double *x, double *out)
{
    const sch_model *md = p->md;
    memset(out, 0, (size_t)p->m * sizeof *out);
    for (int32_t j = 0; j < p->n; j++) {
        double v = x[j];
        if (v == 0)
            continue;
        for (int64_t k = md->col_start[j]; k < md->col_start[j + 1]; k++)
            out[md->row_index[k]] += p->val[k] * v;
    }
}

static void matvec_t(const pd *p, const double *y, double *out)
{
    const sch_model *md = p->md;
    for (int32_t j = 0; j < p->n; j++) {
        double s = 0;
        for (int64_t k = md->col_start[j]; k < md->col_start[j + 1]; k++)
            s += p->val[k] * y[md->row_index[k]];
        out[j] = s;
    }
}

static double norm2(const double *v, int32_t n)
{
    double s = 0;
    for (int32_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Relative KKT error of (x, y) in the scaled problem; ax = A x, aty = A^T y. */
static double kkt(const pd *p, const double *x, const double *y, const double *ax,
                  const double *aty, double *pobj_out, double *dobj_out)
{
    double pr = 0, dr = 0, pobj = 0, dobj = 0;
    for (int32_t i = 0; i < p->m; i++) {
        double v = ax[i], d = 0;
        if (v < p->l[i])
            d = p->l[i] - v;
        else if (v > p->u[i])
            d = v - p->u[i];
        pr += d * d;
        if (y[i] > 0)
            dobj += y[i] * (isfinite(p->l[i]) ? p->l[i] : 0);
        else if (y[i] < 0)
            dobj += y[i] * (isfinite(p->u[i]) ? p->u[i] : 0);
    }
    for (int32_t j = 0; j < p->n; j++) {
        double rc = p->c[j] - aty[j];
        pobj += p->c[j] * x[j];
        double res = 0;
        if (rc > 0) {
            if (isfinite(p->lb[j]))
                dobj += rc * p->lb[j];
            else
                res = rc;
        } else if (rc < 0) {
            if (isfinite(p->ub[j]))
                dobj += rc * p->ub[j];
            else
                res = rc;
        }
        dr += res * res;
    }
    double cn = norm2(p->c, p->n), ln = 0;
    for (int32_t i = 0; i < p->m; i++) {
        double b = isfinite(p->l[i]) ? p->l[i] : isfinite(p->u[i]) ? p->u[i] : 0;
        ln += b * b;
    }
    ln = sqrt(ln);
    *pobj_out = pobj;
    *dobj_out = dobj;
    double e1 = sqrt(pr) / (1 + ln), e2 = sqrt(dr) / (1 + cn);
    double e3 = fabs(pobj - dobj) / (1 + fabs(pobj) + fabs(dobj));
    return e1 > e2 ? (e1 > e3 ? e1 : e3) : (e2 > e3 ? e2 : e3);
}

#define NVEC_M 6
#define NVEC_N 8

oq_status oq__lp_solve(oq_mem *mem, const sch_model *md, double deadline, int32_t max_iter,
                       double tol, double *x_out, double *y_out, int32_t *iters)
{
    pd p;
    memset(&p, 0, sizeof p);
    p.md = md;
    p.m = md->n_rows;
    p.n = md->n_cols;
    const size_t m = (size_t)p.m, n = (size_t)p.n, nnz = (size_t)(md->nnz > 0 ? md->nnz : 1);
    double *block_m = oq__calloc(mem, m * 12 + 1, sizeof(double));
    double *block_n = oq__calloc(mem, n * 14 + 1, sizeof(double));
    p.val = oq__alloc(mem, nnz * sizeof *p.val);
    if (!block_m || !block_n || !p.val) {
        oq__free(mem, block_m, block_m ? (m * 12 + 1) * sizeof(double) : 0);
        oq__free(mem, block_n, block_n ? (n * 14 + 1) * sizeof(double) : 0);
        oq__free(mem, p.val, p.val ? nnz * sizeof *p.val : 0);
        return OQ_ENOMEM;
    }
    double *bm = block_m, *bn = block_n;
    p.rs = bm; bm += m;
    p.l = bm; bm += m;
    p.u = bm; bm += m;
    p.y = bm; bm += m;
    p.yn = bm; bm += m;
    p.ya = bm; bm += m;
    p.ax = bm; bm += m;
    p.y0 = bm; bm += m;
    p.tmpm = bm; bm += m;
    double *ax_n = bm; bm += m;
    double *rmax = bm; bm += m;
    double *ax_a = bm;
    p.cs = bn; bn += n;
    p.c = bn; bn += n;
    p.lb = bn; bn += n;
    p.ub = bn; bn += n;
    p.x = bn; bn += n;
    p.xn = bn; bn += n;
    p.xa = bn; bn += n;
    p.aty = bn; bn += n;
    p.x0 = bn; bn += n;
    p.tmpn = bn; bn += n;
    double *aty_n = bn; bn += n;
    double *cmax = bn; bn += n;
    double *aty_a = bn; bn += n;
    double *xbar = bn;

    /* Ruiz equilibration, then Pock-Chambolle (alpha 1) scaling */
    for (size_t i = 0; i < m; i++)
        p.rs[i] = 1;
    for (size_t j = 0; j < n; j++)
        p.cs[j] = 1;
    memcpy(p.val, md->value, nnz * sizeof *p.val);
    for (int it = 0; it < 12; it++) {
        memset(rmax, 0, m * sizeof *rmax);
        for (size_t j = 0; j < n; j++) {
            cmax[j] = 0;
            for (int64_t k = md->col_start[j]; k < md->col_start[j + 1]; k++) {
                double a = fabs(p.val[k]);
                if (a > cmax[j])
                    cmax[j] = a;
                if (a > rmax[md->row_index[k]])
                    rmax[md->row_index[k]] = a;
            }
        }
        for (size_t i = 0; i < m; i++)
            rmax[i] = rmax[i] > 0 ? 1 / sqrt(rmax[i]) : 1;
        for (size_t j = 0; j < n; j++)
            cmax[j] = cmax[j] > 0 ? 1 / sqrt(cmax[j]) : 1;
        for (size_t j = 0; j < n; j++)
            for (int64_t k = md->col_start[j]; k < md->col_start[j + 1]; k++)
                p.val[k] *= rmax[md->row_index[k]] * cmax[j];
        for (size_t i = 0; i < m; i++)
            p.rs[i] *= rmax[i];
        for (size_t j = 0; j < n; j++)
            p.cs[j] *= cmax[j];
    }
    memset(rmax, 0, m * sizeof *rmax);
    for (size_t j = 0; j < n; j++) {
        cmax[j] = 0;
        for (int64_t k = md->col_start[j]; k < md->col_start[j + 1]; k++) {
            cmax[j] += fabs(p.val[k]);
            rmax[md->row_index[k]] += fabs(p.val[k]);
        }
    }
    for (size_t i = 0; i < m; i++)
        rmax[i] = rmax[i] > 0 ? 1 / sqrt(rmax[i]) : 1;
    for (size_t j = 0; j < n; j++)
        cmax[j] = cmax[j] > 0 ? 1 / sqrt(cmax[j]) : 1;
    for (size_t j = 0; j < n; j++)
        for (int64_t k = md->col_start[j]; k < md->col_start[j + 1]; k++)
            p.val[k] *= rmax[md->row_index[k]] * cmax[j];
    for (size_t i = 0; i < m; i++)
        p.rs[i] *= rmax[i];
    for (size_t j = 0; j < n; j++)
        p.cs[j] *= cmax[j];
    /* scaled data: x = cs * xs, rows multiplied by rs */
    for (size_t j = 0; j < n; j++) {
        p.c[j] = md->obj[j] * p.cs[j];
        p.lb[j] = md->col_lo[j] / p.cs[j];
        p.ub[j] = md->col_hi[j] / p.cs[j];
    }
    for (size_t i = 0; i < m; i++) {
        p.l[i] = md->row_lo[i] * p.rs[i];
        p.u[i] = md->row_hi[i] * p.rs[i];
    }
    /* ||A||_2 by power iteration */
    for (size_t j = 0; j < n; j++)
        p.tmpn[j] = 1.0 / sqrt((double)(n > 0 ? n : 1));
    double norm = 1;
    for (int it = 0; it < 40; it++) {
        matvec(&p, p.tmpn, p.tmpm);
        matvec_t(&p, p.tmpm, p.tmpn);
        double s = norm2(p.tmpn, p.n);
        if (!(s > 0))
            break;
        norm = sqrt(s);
        for (size_t j = 0; j < n; j++)
            p.tmpn[j] /= s;
    }
    const double eta = 0.95 / (norm > 0 ? norm : 1);
    double cnorm = norm2(p.c, p.n), bnorm = 0;
    for (size_t i = 0; i < m; i++) {
        double b = isfinite(p.l[i]) ? p.l[i] : isfinite(p.u[i]) ? p.u[i] : 0;
        bnorm += b * b;
    }
    bnorm = sqrt(bnorm);
    double omega = cnorm > 1e-10 && bnorm > 1e-10 ? cnorm / bnorm : 1;
    /* start at 0 (projected) */
    for (size_t j = 0; j < n; j++)
        p.x[j] = clampd(0, p.lb[j], p.ub[j]);
    memset(p.y, 0, m * sizeof *p.y);
    matvec(&p, p.x, p.ax);
    matvec_t(&p, p.y, p.aty);
    memcpy(p.x0, p.x, n * sizeof *p.x);
    memcpy(p.y0, p.y, m * sizeof *p.y);
    memset(p.xa, 0, n * sizeof *p.xa);
    memset(p.ya, 0, m * sizeof *p.ya);
    double pobj, dobj;
    double kkt_restart = kkt(&p, p.x, p.y, p.ax, p.aty, &pobj, &dobj), kkt_prev = HUGE_VAL;
    int32_t since = 0, total = 0;
    double best_kkt = kkt_restart;
    memcpy(x_out, p.x, n * sizeof *p.x);
    memcpy(y_out, p.y, m * sizeof *p.y);
    while (total < max_iter) {
        const double tau = eta / omega, sigma = eta * omega;
        /* x+ = proj(x - tau (c - A^T y)) */
        for (size_t j = 0; j < n; j++) {
            p.xn[j] = clampd(p.x[j] - tau * (p.c[j] - p.aty[j]), p.lb[j], p.ub[j]);
            xbar[j] = 2 * p.xn[j] - p.x[j];
        }
        matvec(&p, xbar, p.tmpm);
        for (size_t i = 0; i < m; i++) {
            double v = p.y[i] - sigma * p.tmpm[i];
            double hi = v + sigma * p.l[i], lo = v + sigma * p.u[i];
            p.yn[i] = hi > 0 ? hi : lo < 0 ? lo : 0;
        }
        matvec(&p, p.xn, ax_n);
        matvec_t(&p, p.yn, aty_n);
        since++;
        total++;
        const double w = 1.0 / since;
        for (size_t j = 0; j < n; j++)
            p.xa[j] += (p.xn[j] - p.xa[j]) * w;
        for (size_t i = 0; i < m; i++)
            p.ya[i] += (p.yn[i] - p.ya[i]) * w;
        memcpy(p.x, p.xn, n * sizeof *p.x);
        memcpy(p.y, p.yn, m * sizeof *p.y);
        memcpy(p.ax, ax_n, m * sizeof *p.ax);
        memcpy(p.aty, aty_n, n * sizeof *p.aty);
        if (total % 64 != 0)
            continue;
        /* restart check: the current point or the average, whichever is better */
        double k_cur = kkt(&p, p.x, p.y, p.ax, p.aty, &pobj, &dobj);
        matvec(&p, p.xa, ax_a);
        matvec_t(&p, p.ya, aty_a);
        double pa, da;
        double k_avg = kkt(&p, p.xa, p.ya, ax_a, aty_a, &pa, &da);
        int use_avg = k_avg < k_cur;
        double k_cand = use_avg ? k_avg : k_cur;
        if (k_cand < best_kkt) {
            best_kkt = k_cand;
            memcpy(x_out, use_avg ? p.xa : p.x, n * sizeof *p.x);
            memcpy(y_out, use_avg ? p.ya : p.y, m * sizeof *p.y);
        }
        if (k_cand <= tol || oq__now() > deadline)
            break;
        int restart = k_cand <= 0.2 * kkt_restart ||
                      (k_cand <= 0.8 * kkt_restart && k_cand > kkt_prev) || since >= 0.36 * total;
        kkt_prev = k_cand;
        if (!restart)
            continue;
        if (use_avg) {
            memcpy(p.x, p.xa, n * sizeof *p.x);
            memcpy(p.y, p.ya, m * sizeof *p.y);
            memcpy(p.ax, ax_a, m * sizeof *p.ax);
            memcpy(p.aty, aty_a, n * sizeof *p.aty);
        }
        /* primal weight from the movement since the last restart */
        double dx = 0, dy = 0;
        for (size_t j = 0; j < n; j++)
            dx += (p.x[j] - p.x0[j]) * (p.x[j] - p.x0[j]);
        for (size_t i = 0; i < m; i++)
            dy += (p.y[i] - p.y0[i]) * (p.y[i] - p.y0[i]);
        dx = sqrt(dx);
        dy = sqrt(dy);
        if (dx > 1e-10 && dy > 1e-10)
            omega = exp(0.5 * log(dy / dx) + 0.5 * log(omega));
        memcpy(p.x0, p.x, n * sizeof *p.x);
        memcpy(p.y0, p.y, m * sizeof *p.y);
        memset(p.xa, 0, n * sizeof *p.xa);
        memset(p.ya, 0, m * sizeof *p.ya);
        since = 0;
        kkt_restart = k_cand;
        kkt_prev = HUGE_VAL;
    }
    /* back to the model's units */
    for (size_t j = 0; j < n; j++)
        x_out[j] *= p.cs[j];
    for (size_t i = 0; i < m; i++)
        y_out[i] *= p.rs[i];
    if (iters)
        *iters = total;
    oq__free(mem, block_m, (m * 12 + 1) * sizeof(double));
    oq__free(mem, block_n, (n * 14 + 1) * sizeof(double));
    oq__free(mem, p.val, nnz * sizeof *p.val);
    return OQ_OK;
}
