/* SPDX-License-Identifier: MIT */
/* Internal: host id (string) -> object index for the objects that exist by
 * the hundred thousand (contacts) or are looked up on every call (agents).
 *
 * Why not uthash (which the small catalog maps use, core/idmap.h): uthash
 * adds a 56-byte handle or a separate entry per object and follows three to
 * five pointers per lookup; at 100,000+ contacts the lookups were 20 % of
 * routing time and the entries a tenth of the memory per waiting contact.
 * This is open addressing with linear probing over two parallel arrays - a
 * 32-bit hash and the object pointer - so a probe touches one dense array and
 * dereferences an object only when the hash matches: 12 bytes per slot,
 * load kept between 0.1 and 0.7.
 *
 * Contract: every object stored starts with its id, `char *id` (the table
 * does not copy keys). */
#ifndef OQ_CORE_IDTABLE_H
#define OQ_CORE_IDTABLE_H

#include <stdint.h>
#include "core/mem.h"

typedef struct oq_idtable {
    uint32_t *hashes;  /* 0 = empty slot (real hashes are forced non-zero) */
    void **objs;
    int32_t cap;       /* power of two, 0 before the first put */
    int32_t count;
    oq_mem *mem;
} oq_idtable;

void oq__idtable_init(oq_idtable *t, oq_mem *mem);
/* Free the arrays (not the objects). */
void oq__idtable_clear(oq_idtable *t);
/* The object whose id is `key`, or NULL. */
void *oq__idtable_get(const oq_idtable *t, const char *key);
/* Make room for `more` puts that cannot then fail. Returns 0 on allocation
 * failure, leaving the table unchanged. */
int oq__idtable_reserve(oq_idtable *t, int32_t more);
/* Store obj under its id (which must not be present). Returns 0 on
 * allocation failure, leaving the table unchanged. */
int oq__idtable_put(oq_idtable *t, void *obj);
/* Remove the object with id `key` if present. May shrink the arrays after a
 * burst has gone; a failed shrink is ignored, so it never fails. */
void oq__idtable_del(oq_idtable *t, const char *key);
/* Remove this object (stored under its id) if present: the same as
 * oq__idtable_del(t, its id) without comparing ids, for a caller that holds
 * the object. */
void oq__idtable_del_obj(oq_idtable *t, const void *obj);

#endif
