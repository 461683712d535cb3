/* SPDX-License-Identifier: MIT */
/* Internal: minimum-cost flow by the primal network simplex (spanning-tree
 * basis with thread/successor indexes, block-search pricing; artificial root
 * arcs for the start). Integer supplies, capacities and costs: the optimum it
 * returns is integral. */
#ifndef OQ_SCHEDULE_NETFLOW_H
#define OQ_SCHEDULE_NETFLOW_H

#include <stdint.h>

#include "core/mem.h"

#define NSX_INF ((int64_t)1 << 52)

enum { NSX_OPTIMAL = 0, NSX_INFEASIBLE = 1, NSX_UNBOUNDED = 2, NSX_NOMEM = 3 };

typedef struct nsx {
    oq_mem *mem;
    int32_t n;          /* nodes (the root is node n) */
    int32_t m, cap_m;   /* real arcs */
    int32_t *src, *dst;
    int64_t *cost, *cap;
    int64_t *supply;    /* n: flow leaving each node */
    /* solver state (sized at solve time: m + n arcs, n + 1 nodes) */
    int64_t *flow, *pi;
    int32_t *parent, *pred, *thread, *rev_thread, *succ_num, *last_succ, *dirty;
    int8_t *pred_dir, *state;
    int32_t alloc_arcs, alloc_nodes;
    int64_t pivots;
} nsx;

int oq__nsx_init(nsx *g, oq_mem *mem, int32_t nodes);
void oq__nsx_free(nsx *g);
/* Add an arc; returns its index, or -1 when out of memory. cap may be NSX_INF. */
int32_t oq__nsx_arc(nsx *g, int32_t from, int32_t to, int64_t cost, int64_t cap);
/* Solve; afterwards g->flow[a] is the flow on arc a, g->pi[v] node potentials
 * (reduced cost of arc a: cost + pi[src] - pi[dst]). */
int oq__nsx_solve(nsx *g);

#endif
