/* SPDX-License-Identifier: MIT */
/* Assertions on oq_status results that say what went wrong: the call, the
 * status's name and the message the library left (the engine's last error,
 * or an oq_error's message). */
#ifndef OQ_ASSERT_OQ_H
#define OQ_ASSERT_OQ_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "omniq/omniq.h"

static inline void assert_oq_report(oq_status st, const char *call, const char *message,
                                    const char *file, int line)
{
    print_error("%s returned %s (%d)%s%s\n", call, oq_status_str(st), (int)st,
                message && *message ? ": " : "", message ? message : "");
    _fail(file, line);
}

/* In a function returning oq_status (a simulation's build callback, a
 * setup step): return the status of `x` unless it is OQ_OK. */
#define TRY(x)                                                                              \
    do {                                                                                    \
        oq_status try_st_ = (x);                                                            \
        if (try_st_ != OQ_OK)                                                               \
            return try_st_;                                                                 \
    } while (0)

/* `call` must return OQ_OK; `engine` (an oq_engine *, or NULL when the call
 * has none) is asked for its last error message when it does not. */
#define assert_oq_ok(engine, call)                                                          \
    do {                                                                                    \
        oq_status assert_oq_st_ = (call);                                                   \
        if (assert_oq_st_ != OQ_OK) {                                                       \
            const oq_engine *assert_oq_e_ = (engine);                                       \
            assert_oq_report(assert_oq_st_, #call,                                          \
                             assert_oq_e_ ? oq_engine_last_error(assert_oq_e_) : NULL,       \
                             __FILE__, __LINE__);                                           \
        }                                                                                   \
    } while (0)

/* The same for a call that reports through an oq_error (`err`, a pointer). */
#define assert_oq_ok_err(err, call)                                                         \
    do {                                                                                    \
        oq_status assert_oq_st_ = (call);                                                   \
        if (assert_oq_st_ != OQ_OK) {                                                       \
            const oq_error *assert_oq_err_ = (err);                                         \
            assert_oq_report(assert_oq_st_, #call,                                          \
                             assert_oq_err_ ? assert_oq_err_->message : NULL, __FILE__,      \
                             __LINE__);                                                     \
        }                                                                                   \
    } while (0)

/* `fn(args..., &err)` must return OQ_OK, for a function whose last argument
 * is an oq_error *: the error is declared here, passed last, and its
 * message printed when the call fails. assert_oq_ok_e(oq_sim_create, &o, &sim). */
#define assert_oq_ok_e(fn, ...)                                                             \
    do {                                                                                    \
        oq_error assert_oq_e_err_ = OQ_ERROR_INIT;                                          \
        oq_status assert_oq_st_ = fn(__VA_ARGS__, &assert_oq_e_err_);                       \
        if (assert_oq_st_ != OQ_OK)                                                         \
            assert_oq_report(assert_oq_st_, #fn, assert_oq_e_err_.message, __FILE__,        \
                             __LINE__);                                                     \
    } while (0)

#endif
