/* SPDX-License-Identifier: MIT */
/* omniq — the action journal: with oq_engine_set_journal(), every successful
 * state-changing call on the engine hands the host one compact record (a byte
 * string) carrying a sequence number (1, 2, 3, ... per engine).
 * oq_journal_apply() replays a record on another engine and refuses a gap or
 * a duplicate. A snapshot (omniq/snapshot.h, which includes this header)
 * records the number of the next record, so a snapshot plus the records
 * emitted after it rebuild the same state: how a standby takes over. The
 * record format is docs/snapshot.md, "Journal records".
 *
 * Thread-safety: as engine.h — serialize calls on one engine. */
#ifndef OMNIQ_JOURNAL_H
#define OMNIQ_JOURNAL_H

#include "omniq/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Journal actions (oq_journal_record.action): one per public mutating call
 * (the library's table of them: lib/engine/journal_actions.h). */
#define OQ_J_ADVANCE               1  /* oq_engine_advance (also: a failed call that moved the clock) */
#define OQ_J_CHANNEL_ADD           2
#define OQ_J_CHANNEL_UPDATE        3
#define OQ_J_CHANNEL_REMOVE        4
#define OQ_J_SKILL_ADD             5
#define OQ_J_SKILL_REMOVE          6
#define OQ_J_GROUP_ADD             7
#define OQ_J_GROUP_REMOVE          8
#define OQ_J_AGENT_ADD             9
#define OQ_J_AGENT_REMOVE         10
#define OQ_J_AGENT_SET_CAPACITY   11
#define OQ_J_AGENT_SET_SKILL      12
#define OQ_J_AGENT_SET_CH_LIMIT   13
#define OQ_J_AGENT_JOIN_GROUP     14
#define OQ_J_AGENT_LEAVE_GROUP    15
#define OQ_J_AGENT_LOGIN          16
#define OQ_J_AGENT_READY          17
#define OQ_J_AGENT_NOT_READY      18
#define OQ_J_AGENT_LOGOUT         19
#define OQ_J_AGENT_END_WRAPUP     20
#define OQ_J_QUEUE_ADD            21
#define OQ_J_QUEUE_UPDATE         22
#define OQ_J_QUEUE_REMOVE         23
#define OQ_J_QUEUE_ADD_CHANNEL    24
#define OQ_J_QUEUE_REMOVE_CHANNEL 25
#define OQ_J_QUEUE_REQUIRE_SKILL  26
#define OQ_J_QUEUE_PREFER_SKILL   27
#define OQ_J_QUEUE_ADD_GROUP      28
#define OQ_J_QUEUE_REMOVE_GROUP   29
#define OQ_J_CONTACT_ARRIVE       30
#define OQ_J_OFFER_ACCEPT         31
#define OQ_J_OFFER_REJECT         32
#define OQ_J_CONTACT_ABANDON      33
#define OQ_J_CONTACT_COMPLETE     34
#define OQ_J_CONTACT_TRANSFER     35
#define OQ_J_CONTACT_SET_PRIORITY 36
#define OQ_J_CONTACT_PARK         37
#define OQ_J_CONTACT_REOPEN       38
#define OQ_J_CONTACT_ESCALATE     39
#define OQ_J_CONTACT_TO_AGENT     40
#define OQ_J_CONTACT_REMOVE       41
#define OQ_J_QUEUE_ADD_STEP       42
#define OQ_J_QUEUE_CLEAR_STEPS    43
#define OQ_J_PROFILE_ADD          44
#define OQ_J_PROFILE_REMOVE       45
#define OQ_J_PROFILE_SET_QUEUE    46
#define OQ_J_PROFILE_SET_CHANNEL  47
#define OQ_J_PROFILE_SET_OPTIONS  48
#define OQ_J_AGENT_SET_PROFILE    49
#define OQ_J_GROUP_SET_PROFILE    50
#define OQ_J_QUEUE_SET_BLEND      51
#define OQ_J_AGENT_SET_POLICY     52
#define OQ_J_STATS_CONFIGURE      53
#define OQ_J_STATS_RESET_DAY      54
#define OQ_J_CONTACT_CALLBACK     55  /* oq_contact_request_callback */
#define OQ_J_CALENDAR_ADD         56  /* oq_engine_add_calendar (the whole calendar) */
#define OQ_J_CALENDAR_REPLACE     57  /* oq_engine_replace_calendar */
#define OQ_J_CALENDAR_REMOVE      58  /* oq_engine_remove_calendar */
#define OQ_J_SET_SEED             59  /* oq_engine_set_seed */
#define OQ_J_MAX                  59

/* One journal record, valid during the callback only (copy data[0..len)). */
typedef struct oq_journal_record {
    int32_t action;        /* OQ_J_* */
    int32_t reserved;      /* 0 */
    int64_t now_ms;        /* the call's now_ms (the clock for calls without one) */
    const void *data;      /* the whole record, self-contained, checksummed: give it to oq_journal_apply */
    size_t len;
    uint64_t seq;          /* its sequence number: the previous record's + 1 (the first is 1);
                              also bytes 16..23 of data, little-endian (OQ_JOURNAL_SEQ_OFFSET) */
} oq_journal_record;

/* Byte offset of the sequence number (u64, little-endian) in an encoded
 * record, for hosts that index stored records without this library (a log
 * keyed by it, an expected-last-sequence check on append). */
#define OQ_JOURNAL_SEQ_OFFSET 16

/* Journal sink: called once per successful state-changing call, after the
 * call's events. A call that fails emits nothing — except that a failed call
 * which still moved the clock (timers fired before validation) emits an
 * OQ_J_ADVANCE record for that. Calls made from inside a public call (e.g. by
 * oq_script_apply) are journaled as the individual calls. Every record takes
 * the next sequence number — also one the library could not encode (data
 * NULL: out of memory), so a standby that misses it sees a gap. */
typedef void (*oq_journal_fn)(const oq_journal_record *rec, void *user);

/* Start (fn non-NULL) or stop (fn NULL) journaling. Errors: OQ_EINVAL (NULL
 * engine), OQ_EBUSY (from a callback). */
OQ_API oq_status oq_engine_set_journal(oq_engine *e, oq_journal_fn fn, void *user);

/* Replay one record (as delivered in oq_journal_record.data/len) on e: makes
 * the same call with the same arguments, and returns that call's status.
 * The record must carry the sequence number e expects next
 * (oq_engine_journal_seq); once it applies (OQ_OK) e expects the one after.
 * Errors: OQ_EINVAL (NULL), OQ_EBUSY (from a callback), OQ_ECORRUPT for a
 * malformed record or one out of sequence — "sequence 7, expected 5: records
 * 5..6 are missing (a gap)", "sequence 3, expected 5: already applied (a
 * duplicate ...)"; nothing changes then. A record whose call fails (the
 * call's status) is not counted either: correct the cause and apply it
 * again. Every failure fills *err (oq_error, core.h; may be NULL) with the
 * status and the message — also when e is NULL or the call comes from a
 * callback, where the engine has no message to give — and, with an engine,
 * oq_engine_last_error says the same. Not thread-safe: as every call on e. */
OQ_API oq_status oq_journal_apply(oq_engine *e, const void *rec, size_t len, oq_error *err);

/* The sequence number of the next journal record: the one e will emit next,
 * which is also the one oq_journal_apply expects next (a standby that takes
 * over continues the numbering). A new engine starts at 1; a restored one at
 * the value its snapshot recorded (the snapshot covers every record before
 * it). Errors: OQ_EINVAL (NULL). Read-only; may be called from a callback. */
OQ_API oq_status oq_engine_journal_seq(const oq_engine *e, uint64_t *next_seq);

/* Set the sequence number of the next journal record (1..2^62), e.g. for a
 * standby built from the configuration rather than from a snapshot, whose
 * log starts at a known number. Not journaled (it changes no routing state);
 * written into later snapshots. Errors: OQ_EINVAL (NULL engine, 0 or beyond
 * 2^62), OQ_EBUSY (from a callback). */
OQ_API oq_status oq_engine_set_journal_seq(oq_engine *e, uint64_t next_seq);

/* The sequence number of an encoded record, without applying it (after
 * checking its magic, version, length and checksum). Needs no engine and is
 * thread-safe. Errors: OQ_EINVAL (NULL rec or seq), OQ_ECORRUPT (not a valid
 * record); *err (may be NULL) says why. */
OQ_API oq_status oq_journal_record_seq(const void *rec, size_t len, uint64_t *seq, oq_error *err);

/* Static name of a journal action ("contact_arrive"), "unknown" for others. */
OQ_API const char *oq_journal_action_name(int32_t action);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_JOURNAL_H */
