/* SPDX-License-Identifier: MIT */
/* Skills and agent groups: named objects that agents and queues refer to. */
#include <string.h>

#include "engine/internal.h"
#include "engine/journal.h"

/* Shared by skills and groups: allocate the object and its id, index it. */
static oq_status add_named(oq_engine *e, const char *what, oq_idmap *map, void ***slots,
                           int32_t *n, int32_t *cap, int32_t *live, const char *id, size_t size,
                           void **out, char **out_id, int32_t *out_idx)
{
    if (oq__idmap_get(map, id))
        return oq__fail(e, OQ_EEXIST, "%s '%s' already exists", what, id);
    char *copy = oq__strndup(&e->mem, id, strlen(id));
    void *obj = oq__calloc(&e->mem, 1, size);
    if (!copy || !obj || !oq__grow(&e->mem, (void **)slots, cap, *n + 1, sizeof(void *)) ||
        !oq__idmap_put(map, copy, obj)) {
        oq__strfree(&e->mem, copy);
        oq__free(&e->mem, obj, size);
        return oq__fail(e, OQ_ENOMEM, "%s '%s': out of memory", what, id);
    }
    *out_id = copy;
    *out_idx = oq__slot_add(e, slots, n, cap, obj);
    (*live)++;
    *out = obj;
    return OQ_OK;
}

oq_status oq_skill_add(oq_engine *e, const char *id, int32_t max_level)
{
    OQ_RECORDED(e, SKILL_ADD, oq_skill_add, id, max_level);
    oq_status st = oq__enter(e);
    if (st == OQ_OK)
        st = oq__check_id(e, "skill", id);
    if (st != OQ_OK)
        return st;
    if (max_level < 1 || max_level > OQ_LEVEL_MAX)
        return oq__fail(e, OQ_EINVAL, "skill '%s': max_level must be 1..%d, got %d", id,
                        OQ_LEVEL_MAX, max_level);
    void *obj = NULL;
    char *copy = NULL;
    int32_t idx = -1;
    st = add_named(e, "skill", &e->skill_ids, (void ***)&e->skills, &e->n_skills, &e->cap_skills,
                   &e->live_skills, id, sizeof(oq_skill), &obj, &copy, &idx);
    if (st == OQ_OK) {
        oq_skill *s = obj;
        s->id = copy;
        s->idx = idx;
        s->max_level = max_level;
    }
    return st;
}

oq_status oq_skill_remove(oq_engine *e, const char *id)
{
    OQ_RECORDED(e, SKILL_REMOVE, oq_skill_remove, id);
    oq_status st = oq__enter(e);
    oq_skill *s = NULL;
    if (st == OQ_OK)
        st = oq__find_skill(e, "skill", id, &s);
    if (st != OQ_OK)
        return st;
    if (s->refs > 0)
        return oq__fail(e, OQ_ESTATE, "skill '%s': still used by %d agent(s), queue(s) or contact(s)",
                        id, s->refs);
    oq__idmap_del(&e->skill_ids, s->id);
    e->skills[s->idx] = NULL;
    e->live_skills--;
    oq__strfree(&e->mem, s->id);
    oq__free(&e->mem, s, sizeof *s);
    return OQ_OK;
}

oq_status oq_skill_get(const oq_engine *e, const char *id, int32_t *max_level)
{
    if (!e)
        return OQ_EINVAL;
    if (!max_level)
        return oq__fail(e, OQ_EINVAL, "max_level is NULL");
    const oq_skill *s = NULL;
    oq_status st = oq__lookup_skill(e, "skill", id, &s);
    if (st == OQ_OK)
        *max_level = s->max_level;
    return st;
}

oq_status oq_group_add(oq_engine *e, const char *id)
{
    OQ_RECORDED(e, GROUP_ADD, oq_group_add, id);
    oq_status st = oq__enter(e);
    if (st == OQ_OK)
        st = oq__check_id(e, "group", id);
    if (st != OQ_OK)
        return st;
    void *obj = NULL;
    char *copy = NULL;
    int32_t idx = -1;
    st = add_named(e, "group", &e->group_ids, (void ***)&e->groups, &e->n_groups,
                   &e->cap_groups, &e->live_groups, id, sizeof(oq_group), &obj, &copy, &idx);
    if (st == OQ_OK) {
        oq_group *g = obj;
        g->id = copy;
        g->idx = idx;
        g->profile = -1;
    }
    return st;
}

oq_status oq_group_remove(oq_engine *e, const char *id)
{
    OQ_RECORDED(e, GROUP_REMOVE, oq_group_remove, id);
    oq_status st = oq__enter(e);
    oq_group *g = NULL;
    if (st == OQ_OK)
        st = oq__find_group(e, "group", id, &g);
    if (st != OQ_OK)
        return st;
    if (g->refs > 0)
        return oq__fail(e, OQ_ESTATE, "group '%s': still used by %d agent(s) or queue(s)", id,
                        g->refs);
    if (g->profile >= 0)
        e->profiles[g->profile]->refs--;
    oq__idmap_del(&e->group_ids, g->id);
    e->groups[g->idx] = NULL;
    e->live_groups--;
    oq__strfree(&e->mem, g->id);
    oq__free(&e->mem, g, sizeof *g);
    return OQ_OK;
}
