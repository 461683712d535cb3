/* SPDX-License-Identifier: MIT */
/* Sorted (skill, level) arrays and small int lists. */
#include <string.h>

#include "engine/internal.h"

static int32_t find_pos(const oq_skill_level *arr, int32_t n, int32_t skill)
{
    int32_t lo = 0, hi = n;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (arr[mid].skill < skill)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int32_t oq__level_of(const oq_skill_level *arr, int32_t n, int32_t skill)
{
    int32_t p = find_pos(arr, n, skill);
    return (p < n && arr[p].skill == skill) ? arr[p].level : 0;
}

int oq__levels_set(oq_mem *m, oq_skill_level **arr, int32_t *n, int32_t *cap, int32_t skill,
                   int32_t level)
{
    int32_t p = find_pos(*arr, *n, skill);
    int present = p < *n && (*arr)[p].skill == skill;
    if (level == 0) {
        if (present) {
            memmove(&(*arr)[p], &(*arr)[p + 1], (size_t)(*n - p - 1) * sizeof **arr);
            (*n)--;
        }
        return 1;
    }
    if (present) {
        (*arr)[p].level = level;
        return 1;
    }
    if (!oq__grow(m, (void **)arr, cap, *n + 1, sizeof **arr))
        return 0;
    memmove(&(*arr)[p + 1], &(*arr)[p], (size_t)(*n - p) * sizeof **arr);
    (*arr)[p].skill = skill;
    (*arr)[p].level = level;
    (*n)++;
    return 1;
}

int oq__int_list_has(const int32_t *arr, int32_t n, int32_t v)
{
    for (int32_t i = 0; i < n; i++)
        if (arr[i] == v)
            return 1;
    return 0;
}
