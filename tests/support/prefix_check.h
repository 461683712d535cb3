/* SPDX-License-Identifier: MIT */
/* Checks of versioned output structs (include/omniq/core.h), shared by the
 * tests of each module: a getter given an older struct_size writes only
 * that prefix; an out-of-range one is refused naming `<type>.struct_size`.
 * Include after cmocka.h and assert_oq.h. */
#ifndef OQ_TEST_PREFIX_CHECK_H
#define OQ_TEST_PREFIX_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "omniq/core.h"

#define CANARY 0xAB

/* The struct_size of an older header that ended before `last_field`: its
 * sizeof, a multiple of the alignment (8 for these structs), so rounded down. */
#define OLDER(type, last_field) ((uint32_t)(offsetof(type, last_field) & ~(size_t)7))

/* Read with the full struct, then with struct_size = `older` into a buffer
 * of canaries: the prefix matches the full read, every byte past it is
 * still the canary. */
#define CHECK_PREFIX_AS(ok, type, older, call_full, call_older)                                \
    do {                                                                                      \
        type full_ = OQ_OUTPUT_INIT(type);                                                    \
        union {                                                                               \
            type s;                                                                           \
            unsigned char b[sizeof(type) + 32];                                               \
        } u_;                                                                                 \
        unsigned char *buf_ = u_.b;                                                           \
        type *out_ = &u_.s;                                                                   \
        memset(buf_, CANARY, sizeof u_.b);                                                    \
        out_->struct_size = (older);                                                          \
        {                                                                                     \
            type *o = &full_;                                                                 \
            ok(call_full);                                                                    \
        }                                                                                     \
        {                                                                                     \
            type *o = out_;                                                                   \
            ok(call_older);                                                                   \
        }                                                                                     \
        assert_int_equal(out_->struct_size, (older));                                         \
        assert_memory_equal(buf_ + 4, (unsigned char *)&full_ + 4, (older) - 4);              \
        for (size_t k_ = (older); k_ < sizeof u_.b; k_++)                                     \
            if (buf_[k_] != CANARY)                                                           \
                fail_msg(#type ": byte %zu past struct_size %u was written", k_,              \
                         (unsigned)(older));                                                  \
    } while (0)

/* A getter of a planning result (no engine: its message in `err`, an
 * oq_error in scope). */
#define ERR_OK(call) assert_oq_ok_err(&err, call)
#define CHECK_PREFIX_ERR(type, older, call) CHECK_PREFIX_AS(ERR_OK, type, older, call, call)

/* A planning getter with struct_size 2 (never set) and sizeof + 8 (a newer
 * header): OQ_EINVAL, err names `type.struct_size`, nothing written. `call`
 * reads into `o` (a type *) with `&err`. */
#define CHECK_REFUSED_ERR(type, call)                                                         \
    do {                                                                                      \
        const uint32_t sizes_[2] = {2, (uint32_t)sizeof(type) + 8};                           \
        for (int s_ = 0; s_ < 2; s_++) {                                                      \
            union {                                                                           \
                type s;                                                                       \
                unsigned char b[sizeof(type)];                                                \
            } u_;                                                                             \
            memset(u_.b, CANARY, sizeof u_.b);                                                \
            u_.s.struct_size = sizes_[s_];                                                    \
            type *o = &u_.s;                                                                  \
            oq_error_init(&err);                                                              \
            oq_status st_ = (call);                                                           \
            if (st_ != OQ_EINVAL || !strstr(err.message, #type ".struct_size"))               \
                fail_msg(#type " with struct_size %u: %s '%s' (want OQ_EINVAL naming it)",    \
                         (unsigned)sizes_[s_], oq_status_name(st_), err.message);             \
            for (size_t k_ = 4; k_ < sizeof u_.b; k_++)                                       \
                if (u_.b[k_] != CANARY)                                                       \
                    fail_msg(#type ": byte %zu written by a refused call", k_);               \
        }                                                                                     \
    } while (0)

#endif
