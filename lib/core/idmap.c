/* SPDX-License-Identifier: MIT */
/* The only file that includes uthash: its allocation goes through the
 * engine's hook and its out-of-memory path is non-fatal (uthash would call
 * exit() otherwise). */
#include "core/idmap.h"

#include <stdint.h>
#include <string.h>

#define HASH_NONFATAL_OOM 1
#define uthash_malloc(sz) oq__alloc(idmap_mem, (sz))
#define uthash_free(ptr, sz) oq__free(idmap_mem, (ptr), (sz))
#define uthash_nonfatal_oom(obj) \
    do {                         \
        (void)(obj);             \
        idmap_oom = 1;           \
    } while (0)
/* FNV-1a with a final avalanche (as core/idtable.c) rather than uthash's
 * default, Jenkins: the maps' keys are short host ids looked up on every call
 * (a contact's queue and channel), where Jenkins' fixed cost dominated; the
 * avalanche makes uthash's bucket (the low bits) depend on every bit. The
 * hash decides buckets only: iteration (insertion order) and so everything
 * the engine reports is unchanged. */
#define HASH_FUNCTION(keyptr, keylen, hashv)                          \
    do {                                                              \
        const unsigned char *hf_k = (const unsigned char *)(keyptr); \
        uint32_t hf_h = 2166136261u;                                  \
        for (size_t hf_i = 0; hf_i < (size_t)(keylen); hf_i++)        \
            hf_h = (hf_h ^ hf_k[hf_i]) * 16777619u;                   \
        hf_h ^= hf_h >> 16;                                           \
        hf_h *= 0x7feb352du;                                          \
        hf_h ^= hf_h >> 15;                                           \
        (hashv) = hf_h;                                               \
    } while (0)
#include <uthash.h>

typedef struct oq_idmap_entry {
    UT_hash_handle hh;
    const char *key;
    void *obj;
} oq_idmap_entry;

void oq__idmap_init(oq_idmap *m, oq_mem *mem)
{
    m->head = NULL;
    m->mem = mem;
    m->count = 0;
}

void oq__idmap_clear(oq_idmap *m)
{
    oq_mem *idmap_mem = m->mem;
    oq_idmap_entry *cur, *tmp;
    HASH_ITER(hh, m->head, cur, tmp) {
        HASH_DELETE(hh, m->head, cur);
        oq__free(idmap_mem, cur, sizeof *cur);
    }
    m->head = NULL;
    m->count = 0;
}

void *oq__idmap_get(const oq_idmap *m, const char *key)
{
    oq_idmap_entry *found = NULL;
    size_t len = strlen(key);
    HASH_FIND(hh, m->head, key, len, found);
    return found ? found->obj : NULL;
}

int oq__idmap_put(oq_idmap *m, const char *key, void *obj)
{
    oq_mem *idmap_mem = m->mem;
    int idmap_oom = 0;
    oq_idmap_entry *ent = oq__alloc(idmap_mem, sizeof *ent);
    if (!ent)
        return 0;
    memset(ent, 0, sizeof *ent);
    ent->key = key;
    ent->obj = obj;
    size_t len = strlen(key);
    HASH_ADD_KEYPTR(hh, m->head, ent->key, len, ent);
    if (idmap_oom) {
        oq__free(idmap_mem, ent, sizeof *ent);
        return 0;
    }
    m->count++;
    return 1;
}

void oq__idmap_del(oq_idmap *m, const char *key)
{
    oq_mem *idmap_mem = m->mem;
    oq_idmap_entry *found = NULL;
    size_t len = strlen(key);
    HASH_FIND(hh, m->head, key, len, found);
    if (!found)
        return;
    HASH_DELETE(hh, m->head, found);
    oq__free(idmap_mem, found, sizeof *found);
    m->count--;
}

int32_t oq__idmap_collect(const oq_idmap *m, void **out, int32_t max)
{
    int32_t n = 0;
    for (const oq_idmap_entry *cur = m->head; cur && n < max; cur = cur->hh.next)
        out[n++] = cur->obj;
    return n;
}

void *oq__idmap_any(const oq_idmap *m) { return m->head ? m->head->obj : NULL; }
