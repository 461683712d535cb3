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
 * Why growth is incremental: rehashing 165,500 contacts at once cost ~500 us
 * inside one host call (issue #22), and a routing engine must not stall a
 * call for its index. So growing (or shrinking after a burst) allocates the
 * new arrays and then each later put or delete does a bounded step of the
 * work (at most OQ_IDTABLE_ZERO new hash slots cleared, or OQ_IDTABLE_STEP
 * objects moved looking at OQ_IDTABLE_SCAN old slots):
 *   1. clearing: the new hash array is zeroed in steps (a fresh 2 MB memset
 *      with its page faults was a stall of its own); the current table stays
 *      the only one, and may fill to 0.8 meanwhile;
 *   2. draining: the new arrays become the table every put goes to, and the
 *      old ones are read-only except that a delete there leaves a
 *      tombstone (hash kept, object NULL) so probe runs stay intact; a
 *      lookup tries the new table, then the old one;
 *   3. the old arrays drain from the top and shrink behind the drain (a
 *      shrinking realloc of 4096 slots at a time: returning megabytes of
 *      touched pages to the system at once was a ~1 ms stall of its own);
 *      a probe run that reaches the drained top continues at slot 0.
 * Outside a migration a lookup costs one more predictable branch (on a
 * miss), a delete two, and the migration code is kept out of line. The rates
 * are such that single puts and deletes never need a second growth before a
 * migration ends (grow: 0.7 x old capacity puts of room vs old capacity / 8
 * steps; a shrink is simply not started while one runs, and its sparse old
 * arrays drain at 64 slots a step). Only a reserve of
 * many puts at once that does not fit mid-migration rebuilds synchronously.
 *
 * Slot order is history-dependent (and differs mid-migration): walk every
 * object with oq__idtable_next, and let no output depend on that order.
 *
 * Contract: every object stored starts with its id, `char *id` (the table
 * does not copy keys). */
#ifndef OQ_CORE_IDTABLE_H
#define OQ_CORE_IDTABLE_H

#include <stdint.h>
#include "core/mem.h"

/* One put or delete moves at most STEP objects out of the old arrays,
 * looking at most at SCAN old slots, or clears ZERO new hash slots. */
#define OQ_IDTABLE_STEP 8
#define OQ_IDTABLE_SCAN 64
#define OQ_IDTABLE_ZERO 1024
/* Drained old slots given back to the allocator at a time (a shrinking
 * realloc): freeing 6 MB of touched pages at once took ~1 ms here. */
#define OQ_IDTABLE_RELEASE 4096

typedef struct oq_idtable {
    uint32_t *hashes;  /* 0 = empty slot (real hashes are forced non-zero) */
    void **objs;       /* meaningful only where hashes[i] != 0 */
    int32_t cap;       /* power of two, 0 before the first put */
    int32_t count;     /* objects stored, in both tables during a migration */
    /* Clearing phase: the arrays that will replace hashes/objs, their
     * hash slots [0, next_zeroed) zeroed so far. */
    uint32_t *next_hashes;
    void **next_objs;
    int32_t next_cap, next_zeroed;
    /* Draining phase: the previous arrays (old_cap slots, its mask), drained
     * from the top: slots [0, old_left) remain, and the allocations are cut
     * down to them in OQ_IDTABLE_RELEASE steps (old_alloc_*: slots still
     * allocated). A slot with a hash and a NULL object is a tombstone. */
    uint32_t *old_hashes;
    void **old_objs;
    int32_t old_cap, old_left, old_alloc_h, old_alloc_o;
    /* Work of the migrations so far, for tests (counted, not timed; one
     * operation's is the difference): objects moved between arrays, old
     * slots looked at, new hash slots cleared. */
    int64_t work_moved, work_scanned, work_zeroed;
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
/* Remove the object with id `key` if present. May start shrinking the arrays
 * after a burst has gone; a failed shrink is ignored, so it never fails. */
void oq__idtable_del(oq_idtable *t, const char *key);
/* Remove this object (stored under its id) if present: the same as
 * oq__idtable_del(t, its id) without comparing ids, for a caller that holds
 * the object. */
void oq__idtable_del_obj(oq_idtable *t, const void *obj);
/* Walk every object once, also mid-migration: start with *pos = 0; returns
 * the next object and advances *pos, or NULL at the end. The order is the
 * slots' (see above). The table must not change during the walk. */
void *oq__idtable_next(const oq_idtable *t, int32_t *pos);

#endif
