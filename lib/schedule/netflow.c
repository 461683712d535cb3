/* SPDX-License-Identifier: MIT */
/* Primal network simplex for minimum-cost flow (see netflow.h). The basis is
 * a spanning tree rooted at an artificial node; each node keeps its parent,
 * the tree arc to it (pred) and that arc's direction, and the tree is walked
 * in depth-first order through `thread` (with rev_thread, succ_num = subtree
 * size and last_succ = last node of the subtree in thread order), so a pivot
 * updates the tree and the potentials in time proportional to the subtrees
 * that move. Pricing: block search over the arcs, a block of about sqrt(m)
 * arcs at a time, the most negative reduced cost of the block enters. */
#include <math.h>
#include <string.h>

#include "schedule/netflow.h"

enum { STATE_UPPER = -1, STATE_TREE = 0, STATE_LOWER = 1 };
enum { DIR_DOWN = -1, DIR_UP = 1 };

int oq__nsx_init(nsx *g, oq_mem *mem, int32_t nodes)
{
    memset(g, 0, sizeof *g);
    g->mem = mem;
    g->n = nodes;
    g->supply = oq__calloc(mem, (size_t)nodes + 1, sizeof *g->supply);
    return g->supply != NULL;
}

static void free_state(nsx *g)
{
    oq_mem *m = g->mem;
    size_t a = (size_t)g->alloc_arcs, v = (size_t)g->alloc_nodes;
    oq__free(m, g->flow, a * sizeof *g->flow);
    oq__free(m, g->state, a * sizeof *g->state);
    oq__free(m, g->pi, v * sizeof *g->pi);
    oq__free(m, g->parent, v * sizeof *g->parent);
    oq__free(m, g->pred, v * sizeof *g->pred);
    oq__free(m, g->thread, v * sizeof *g->thread);
    oq__free(m, g->rev_thread, v * sizeof *g->rev_thread);
    oq__free(m, g->succ_num, v * sizeof *g->succ_num);
    oq__free(m, g->last_succ, v * sizeof *g->last_succ);
    oq__free(m, g->dirty, v * sizeof *g->dirty);
    oq__free(m, g->pred_dir, v * sizeof *g->pred_dir);
    g->flow = g->pi = NULL;
    g->state = g->pred_dir = NULL;
    g->parent = g->pred = g->thread = g->rev_thread = g->succ_num = g->last_succ = g->dirty = NULL;
    g->alloc_arcs = g->alloc_nodes = 0;
}

void oq__nsx_free(nsx *g)
{
    if (!g->mem)
        return;
    free_state(g);
    size_t c = (size_t)g->cap_m;
    oq__free(g->mem, g->src, c * sizeof *g->src);
    oq__free(g->mem, g->dst, c * sizeof *g->dst);
    oq__free(g->mem, g->cost, c * sizeof *g->cost);
    oq__free(g->mem, g->cap, c * sizeof *g->cap);
    oq__free(g->mem, g->supply, ((size_t)g->n + 1) * sizeof *g->supply);
    memset(g, 0, sizeof *g);
}

int32_t oq__nsx_arc(nsx *g, int32_t from, int32_t to, int64_t cost, int64_t cap)
{
    if (g->m == g->cap_m) {
        int32_t nc = g->cap_m ? g->cap_m * 2 : 256;
        size_t o = (size_t)g->cap_m, c = (size_t)nc;
        int32_t *s = oq__alloc(g->mem, c * sizeof *s);
        int32_t *d = oq__alloc(g->mem, c * sizeof *d);
        int64_t *k = oq__alloc(g->mem, c * sizeof *k);
        int64_t *u = oq__alloc(g->mem, c * sizeof *u);
        if (!s || !d || !k || !u) {
            oq__free(g->mem, s, s ? c * sizeof *s : 0);
            oq__free(g->mem, d, d ? c * sizeof *d : 0);
            oq__free(g->mem, k, k ? c * sizeof *k : 0);
            oq__free(g->mem, u, u ? c * sizeof *u : 0);
            return -1;
        }
        if (o) {
            memcpy(s, g->src, o * sizeof *s);
            memcpy(d, g->dst, o * sizeof *d);
            memcpy(k, g->cost, o * sizeof *k);
            memcpy(u, g->cap, o * sizeof *u);
        }
        oq__free(g->mem, g->src, o * sizeof *s);
        oq__free(g->mem, g->dst, o * sizeof *d);
        oq__free(g->mem, g->cost, o * sizeof *k);
        oq__free(g->mem, g->cap, o * sizeof *u);
        g->src = s;
        g->dst = d;
        g->cost = k;
        g->cap = u;
        g->cap_m = nc;
    }
    int32_t a = g->m++;
    g->src[a] = from;
    g->dst[a] = to;
    g->cost[a] = cost;
    g->cap[a] = cap;
    return a;
}

/* The arrays of the solver over m + n arcs (real then artificial) and n + 1 nodes. */
typedef struct nsx_run {
    nsx *g;
    int32_t n, m, all, root;
    int32_t *src, *dst;     /* m + n arcs */
    int64_t *cost, *cap;
    int32_t in_arc, join, u_in, v_in, u_out, v_out;
    int32_t next_arc, block;
    int64_t delta;
} nsx_run;

static int alloc_state(nsx *g, int32_t arcs, int32_t nodes)
{
    oq_mem *m = g->mem;
    size_t a = (size_t)arcs, v = (size_t)nodes;
    g->alloc_arcs = arcs;
    g->alloc_nodes = nodes;
    g->flow = oq__calloc(m, a, sizeof *g->flow);
    g->state = oq__calloc(m, a, sizeof *g->state);
    g->pi = oq__calloc(m, v, sizeof *g->pi);
    g->parent = oq__calloc(m, v, sizeof *g->parent);
    g->pred = oq__calloc(m, v, sizeof *g->pred);
    g->thread = oq__calloc(m, v, sizeof *g->thread);
    g->rev_thread = oq__calloc(m, v, sizeof *g->rev_thread);
    g->succ_num = oq__calloc(m, v, sizeof *g->succ_num);
    g->last_succ = oq__calloc(m, v, sizeof *g->last_succ);
    g->dirty = oq__calloc(m, v, sizeof *g->dirty);
    g->pred_dir = oq__calloc(m, v, sizeof *g->pred_dir);
    return g->flow && g->state && g->pi && g->parent && g->pred && g->thread && g->rev_thread &&
           g->succ_num && g->last_succ && g->dirty && g->pred_dir;
}

static int find_entering(nsx_run *r)
{
    nsx *g = r->g;
    int64_t min = 0;
    int32_t cnt = r->block, e = r->next_arc;
    const int32_t m = r->m;
    for (int32_t seen = 0; seen < m; seen++) {
        int64_t c = (int64_t)g->state[e] * (r->cost[e] + g->pi[r->src[e]] - g->pi[r->dst[e]]);
        if (c < min) {
            min = c;
            r->in_arc = e;
        }
        if (++e == m)
            e = 0;
        if (--cnt == 0) {
            if (min < 0)
                break;
            cnt = r->block;
        }
    }
    if (min >= 0)
        return 0;
    r->next_arc = e;
    return 1;
}

static void find_join(nsx_run *r)
{
    nsx *g = r->g;
    int32_t u = r->src[r->in_arc], v = r->dst[r->in_arc];
    while (u != v) {
        if (g->succ_num[u] < g->succ_num[v])
            u = g->parent[u];
        else
            v = g->parent[v];
    }
    r->join = u;
}

/* The arc leaving the basis on the cycle closed by in_arc; 0 when in_arc
 * itself is the bottleneck (it only switches bound). */
static int find_leaving(nsx_run *r)
{
    nsx *g = r->g;
    int32_t first, second;
    if (g->state[r->in_arc] == STATE_LOWER) {
        first = r->src[r->in_arc];
        second = r->dst[r->in_arc];
    } else {
        first = r->dst[r->in_arc];
        second = r->src[r->in_arc];
    }
    r->delta = r->cap[r->in_arc];
    int result = 0;
    for (int32_t u = first; u != r->join; u = g->parent[u]) {
        int32_t e = g->pred[u];
        int64_t d = g->flow[e];
        if (g->pred_dir[u] == DIR_DOWN)
            d = r->cap[e] >= NSX_INF ? NSX_INF : r->cap[e] - d;
        if (d < r->delta) {
            r->delta = d;
            r->u_out = u;
            result = 1;
        }
    }
    for (int32_t u = second; u != r->join; u = g->parent[u]) {
        int32_t e = g->pred[u];
        int64_t d = g->flow[e];
        if (g->pred_dir[u] == DIR_UP)
            d = r->cap[e] >= NSX_INF ? NSX_INF : r->cap[e] - d;
        if (d <= r->delta) {
            r->delta = d;
            r->u_out = u;
            result = 2;
        }
    }
    if (result == 1) {
        r->u_in = first;
        r->v_in = second;
    } else {
        r->u_in = second;
        r->v_in = first;
    }
    return result != 0;
}

static void change_flow(nsx_run *r, int change)
{
    nsx *g = r->g;
    if (r->delta > 0) {
        int64_t val = (int64_t)g->state[r->in_arc] * r->delta;
        g->flow[r->in_arc] += val;
        for (int32_t u = r->src[r->in_arc]; u != r->join; u = g->parent[u])
            g->flow[g->pred[u]] -= (int64_t)g->pred_dir[u] * val;
        for (int32_t u = r->dst[r->in_arc]; u != r->join; u = g->parent[u])
            g->flow[g->pred[u]] += (int64_t)g->pred_dir[u] * val;
    }
    if (change) {
        g->state[r->in_arc] = STATE_TREE;
        int32_t out = g->pred[r->u_out];
        g->state[out] = g->flow[out] == 0 ? STATE_LOWER : STATE_UPPER;
    } else {
        g->state[r->in_arc] = (int8_t)-g->state[r->in_arc];
    }
}

static void update_tree(nsx_run *r)
{
    nsx *g = r->g;
    int32_t *parent = g->parent, *thread = g->thread, *rev = g->rev_thread;
    int32_t *succ = g->succ_num, *last_succ = g->last_succ, *pred = g->pred;
    int8_t *dir = g->pred_dir;
    const int32_t u_in = r->u_in, v_in = r->v_in, u_out = r->u_out, join = r->join;
    int32_t old_rev_thread = rev[u_out];
    int32_t old_succ_num = succ[u_out];
    int32_t old_last_succ = last_succ[u_out];
    r->v_out = parent[u_out];
    const int32_t v_out = r->v_out;

    if (u_in == u_out) {
        parent[u_in] = v_in;
        pred[u_in] = r->in_arc;
        dir[u_in] = u_in == r->src[r->in_arc] ? DIR_UP : DIR_DOWN;
        if (thread[v_in] != u_out) {
            int32_t after = thread[old_last_succ];
            thread[old_rev_thread] = after;
            rev[after] = old_rev_thread;
            after = thread[v_in];
            thread[v_in] = u_out;
            rev[u_out] = v_in;
            thread[old_last_succ] = after;
            rev[after] = old_last_succ;
        }
    } else {
        int32_t thread_continue = old_rev_thread == v_in ? thread[old_last_succ] : thread[v_in];
        int32_t stem = u_in, par_stem = v_in, next_stem;
        int32_t last = last_succ[u_in];
        int32_t before, after = thread[last];
        int32_t n_dirty = 0;
        thread[v_in] = u_in;
        g->dirty[n_dirty++] = v_in;
        while (stem != u_out) {
            next_stem = parent[stem];
            thread[last] = next_stem;
            g->dirty[n_dirty++] = last;
            before = rev[stem];
            thread[before] = after;
            rev[after] = before;
            parent[stem] = par_stem;
            par_stem = stem;
            stem = next_stem;
            last = last_succ[stem] == last_succ[par_stem] ? rev[par_stem] : last_succ[stem];
            after = thread[last];
        }
        parent[u_out] = par_stem;
        thread[last] = thread_continue;
        rev[thread_continue] = last;
        last_succ[u_out] = last;
        if (old_rev_thread != v_in) {
            thread[old_rev_thread] = after;
            rev[after] = old_rev_thread;
        }
        for (int32_t i = 0; i < n_dirty; i++) {
            int32_t u = g->dirty[i];
            rev[thread[u]] = u;
        }
        int32_t tmp_sc = 0, tmp_ls = last_succ[u_out];
        for (int32_t u = u_out, p = parent[u]; u != u_in; u = p, p = parent[u]) {
            pred[u] = pred[p];
            dir[u] = (int8_t)-dir[p];
            tmp_sc += succ[u] - succ[p];
            succ[u] = tmp_sc;
            last_succ[p] = tmp_ls;
        }
        pred[u_in] = r->in_arc;
        dir[u_in] = u_in == r->src[r->in_arc] ? DIR_UP : DIR_DOWN;
        succ[u_in] = old_succ_num;
    }

    int32_t up_limit_out = last_succ[join] == v_in ? join : -1;
    int32_t last_succ_out = last_succ[u_out];
    for (int32_t u = v_in; u != -1 && last_succ[u] == v_in; u = parent[u])
        last_succ[u] = last_succ_out;
    if (join != old_rev_thread && v_in != old_rev_thread) {
        for (int32_t u = v_out; u != up_limit_out && last_succ[u] == old_last_succ; u = parent[u])
            last_succ[u] = old_rev_thread;
    } else if (last_succ_out != old_last_succ) {
        for (int32_t u = v_out; u != up_limit_out && last_succ[u] == old_last_succ; u = parent[u])
            last_succ[u] = last_succ_out;
    }
    for (int32_t u = v_in; u != join; u = parent[u])
        succ[u] += old_succ_num;
    for (int32_t u = v_out; u != join; u = parent[u])
        succ[u] -= old_succ_num;
}

static void update_potential(nsx_run *r)
{
    nsx *g = r->g;
    int64_t sigma =
        g->pi[r->v_in] - g->pi[r->u_in] - (int64_t)g->pred_dir[r->u_in] * r->cost[r->in_arc];
    int32_t end = g->thread[g->last_succ[r->u_in]];
    for (int32_t u = r->u_in; u != end; u = g->thread[u])
        g->pi[u] += sigma;
}

int oq__nsx_solve(nsx *g)
{
    const int32_t n = g->n, m = g->m, all = m + n;
    free_state(g);
    /* artificial arcs take the arrays' tail: grow the arc arrays to m + n */
    nsx_run r;
    memset(&r, 0, sizeof r);
    r.g = g;
    r.n = n;
    r.m = m;
    r.all = all;
    r.root = n;
    oq_mem *mem = g->mem;
    r.src = oq__alloc(mem, (size_t)all * sizeof *r.src + 1);
    r.dst = oq__alloc(mem, (size_t)all * sizeof *r.dst + 1);
    r.cost = oq__alloc(mem, (size_t)all * sizeof *r.cost + 1);
    r.cap = oq__alloc(mem, (size_t)all * sizeof *r.cap + 1);
    int ok = r.src && r.dst && r.cost && r.cap && alloc_state(g, all, n + 1);
    int result = NSX_NOMEM;
    if (!ok)
        goto out;
    if (m) {
        memcpy(r.src, g->src, (size_t)m * sizeof *r.src);
        memcpy(r.dst, g->dst, (size_t)m * sizeof *r.dst);
        memcpy(r.cost, g->cost, (size_t)m * sizeof *r.cost);
        memcpy(r.cap, g->cap, (size_t)m * sizeof *r.cap);
    }
    int64_t max_cost = 0, sum = 0;
    for (int32_t a = 0; a < m; a++) {
        int64_t c = r.cost[a] < 0 ? -r.cost[a] : r.cost[a];
        if (c > max_cost)
            max_cost = c;
        g->state[a] = STATE_LOWER;
        g->flow[a] = 0;
    }
    for (int32_t v = 0; v < n; v++)
        sum += g->supply[v];
    if (sum != 0) {
        result = NSX_INFEASIBLE;
        goto out;
    }
    const int64_t art_cost = (max_cost + 1) * ((int64_t)n + 1);
    const int32_t root = n;
    g->parent[root] = -1;
    g->pred[root] = -1;
    g->thread[root] = 0;
    g->rev_thread[0] = root;
    g->succ_num[root] = n + 1;
    g->last_succ[root] = n > 0 ? n - 1 : root;
    g->pi[root] = 0;
    if (n == 0)
        g->thread[root] = root;
    for (int32_t u = 0, e = m; u < n; u++, e++) {
        g->parent[u] = root;
        g->pred[u] = e;
        g->thread[u] = u + 1;
        g->rev_thread[u + 1] = u;
        g->succ_num[u] = 1;
        g->last_succ[u] = u;
        r.cap[e] = NSX_INF;
        g->state[e] = STATE_TREE;
        if (g->supply[u] >= 0) {
            g->pred_dir[u] = DIR_UP;
            g->pi[u] = 0;
            r.src[e] = u;
            r.dst[e] = root;
            g->flow[e] = g->supply[u];
            r.cost[e] = 0;
        } else {
            g->pred_dir[u] = DIR_DOWN;
            g->pi[u] = art_cost;
            r.src[e] = root;
            r.dst[e] = u;
            g->flow[e] = -g->supply[u];
            r.cost[e] = art_cost;
        }
    }
    /* only real arcs are priced: an artificial arc that left the tree never
     * comes back, and one still carrying flow at the end means infeasible */
    r.block = (int32_t)sqrt((double)(m > 0 ? m : 1));
    if (r.block < 10)
        r.block = 10;
    g->pivots = 0;
    result = NSX_OPTIMAL;
    while (m > 0 && find_entering(&r)) {
        find_join(&r);
        int change = find_leaving(&r);
        if (r.delta >= NSX_INF) {
            result = NSX_UNBOUNDED;
            break;
        }
        change_flow(&r, change);
        if (change) {
            update_tree(&r);
            update_potential(&r);
        }
        g->pivots++;
    }
    if (result == NSX_OPTIMAL)
        for (int32_t e = m; e < all; e++)
            if (g->flow[e] != 0) {
                result = NSX_INFEASIBLE;
                break;
            }
out:
    oq__free(mem, r.src, (size_t)all * sizeof *r.src + 1);
    oq__free(mem, r.dst, (size_t)all * sizeof *r.dst + 1);
    oq__free(mem, r.cost, (size_t)all * sizeof *r.cost + 1);
    oq__free(mem, r.cap, (size_t)all * sizeof *r.cap + 1);
    return result;
}
