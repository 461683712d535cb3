#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpus of fuzz_api (tests/fuzz/corpus/fuzz_api/seed-*).

The byte encoding is fuzz_api.c's: an options byte, then per operation an
opcode byte and its arguments. Keep OPS in the order of fuzz_api.c's enum.
Run again after changing that encoding: python3 tests/fuzz/make_api_seeds.py
"""
import os

OPS = """ADVANCE ADVANCE_NEXT CHANNEL_ADD CHANNEL_UPDATE CHANNEL_REMOVE SKILL_ADD SKILL_REMOVE
GROUP_ADD GROUP_REMOVE AGENT_ADD AGENT_REMOVE AGENT_CAPACITY AGENT_SKILL AGENT_CHANNEL_LIMIT
AGENT_JOIN AGENT_LEAVE AGENT_LOGIN AGENT_READY AGENT_NOT_READY AGENT_LOGOUT AGENT_END_WRAPUP
QUEUE_ADD QUEUE_UPDATE QUEUE_REMOVE QUEUE_ADD_CHANNEL QUEUE_REMOVE_CHANNEL QUEUE_REQUIRE
QUEUE_PREFER QUEUE_ADD_GROUP QUEUE_REMOVE_GROUP ARRIVE ACCEPT REJECT ABANDON COMPLETE TRANSFER
SET_PRIORITY PARK REOPEN ESCALATE TRANSFER_TO_AGENT REMOVE ADD_STEP CLEAR_STEPS PROFILE_ADD
PROFILE_REMOVE PROFILE_QUEUE PROFILE_CHANNEL PROFILE_OPTIONS AGENT_PROFILE GROUP_PROFILE
QUEUE_BLEND AGENT_POLICY ALLOC_FAIL READ_ONLY DUMP ACCEPT_OFFERED SETUP
REQUEST_CALLBACK CALENDAR_ADD CALENDAR_REPLACE CALENDAR_REMOVE QUEUE_CALENDAR""".split()
OP = {name: i for i, name in enumerate(OPS)}

# when(): index into {0, 0, 1, 10, 100, 500, 1000, 2000, 5000, 15000, 30000, 60000, 600000, 3600000} ms
T0, T1S, T5S, T15S, T30S, T60S, T10M = 0, 6, 8, 9, 10, 11, 12
# ival(): index into {0,1,2,3,4,5,6,8,10,30,50,100,200,1000,10000,7}
I = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 8: 7, 10: 8, 30: 9, 50: 10, 100: 11, 200: 12,
     1000: 13, 10000: 14, 7: 15}
# secs(): index into {0,0.001,0.5,1,2,3,5,10,15,20,30,60,120,300,3600,0.25}
S = {0: 0, 1: 3, 2: 4, 5: 6, 10: 7, 15: 8, 20: 9, 30: 10, 60: 11, 120: 12, 300: 13, 3600: 14}
CH = {"voice": 0, "chat": 1, "email": 2, "ch3": 3}


def setup(ch, queue=0, a=(0, 1)):
    """channel ch, skill s0, queue q<queue> (defaults), agents a<a[0]>, a<a[1]> ready."""
    return [OP["SETUP"], T0, CH[ch], 0 if ch == "voice" else 1, 0, queue, 0, 0,
            a[0], 4, a[1], 2]


def arrive(c, ch="voice", q=0, t=T1S, prio=None):
    if prio is None:
        return [OP["ARRIVE"], t, c, CH[ch], q, 0]
    return [OP["ARRIVE"], t, c, CH[ch], q, 1, prio]


def seed_basic():
    b = [0] + setup("voice")
    for c in range(4):
        b += arrive(c)
    b += [OP["ACCEPT_OFFERED"], 0, 0, T5S, OP["ACCEPT_OFFERED"], 1, 0, T5S]
    b += [OP["COMPLETE"], T30S, 0, OP["REJECT"], T1S, 1, 1, OP["ADVANCE_NEXT"]]
    b += [OP["READ_ONLY"], 0, 2, 0, 0, 0, 0, 0, 0, OP["ADVANCE"], T10M, OP["DUMP"]]
    return b


def seed_chat_profiles():
    b = [0] + setup("chat")
    b += [OP["PROFILE_ADD"], 0, OP["PROFILE_QUEUE"], T0, 0, 0, I[1], S[5]]
    b += [OP["PROFILE_CHANNEL"], T0, 0, CH["chat"], 0, I[2], 1]
    b += [OP["AGENT_PROFILE"], T0, 0, 0, OP["GROUP_ADD"], 1, OP["AGENT_JOIN"], T0, 1, 1]
    b += [OP["GROUP_PROFILE"], T0, 1, 0]
    for c in range(6):
        b += arrive(c, "chat", t=T1S)
    b += [OP["ACCEPT_OFFERED"], 0, 0, T1S, OP["ACCEPT_OFFERED"], 1, 0, T1S]
    b += [OP["AGENT_NOT_READY"], T5S, 0, 0, OP["COMPLETE"], T30S, 0, OP["AGENT_READY"], T1S, 0]
    b += [OP["PROFILE_OPTIONS"], T0, 0, 1, 1, OP["ADVANCE_NEXT"], OP["ADVANCE_NEXT"], OP["DUMP"]]
    return b


def seed_ladder():
    b = [0] + setup("voice", a=(0, 1))
    b += [OP["SKILL_ADD"], 1, I[10], OP["QUEUE_REQUIRE"], T0, 0, 1, I[5]]
    b += [OP["GROUP_ADD"], 0, OP["GROUP_ADD"], 1, OP["QUEUE_ADD_GROUP"], T0, 0, 0]
    # q1 accepting voice, for overflow
    b += [OP["QUEUE_ADD"], 1, 0, 0, OP["QUEUE_ADD_CHANNEL"], T0, 1, CH["voice"]]
    # steps: lower_level(1) s1 to 2 after 10 s; add_group g1 after 20; overflow to q1 after 60; alert
    # step: when, queue, action, timing, after, mask, skill, level, [priority], group, queue, [message]
    b += [OP["ADD_STEP"], T0, 0, 1, 0, S[10], 0, 1, I[2], 0, 0]         # lower s1 to 2
    b += [OP["ADD_STEP"], T0, 0, 3, 1, S[10], 0, 0, I[1], 1, 0]         # add group g1
    b += [OP["ADD_STEP"], T0, 0, 5, 1, S[10], 1, 0, I[1], 15, 0, 0]     # priority +5
    b += [OP["ADD_STEP"], T0, 0, 6, 0, S[60], 0, 0, I[1], 0, 1]         # overflow to q1
    b += [OP["ADD_STEP"], T0, 0, 7, 1, S[5], 2, 0, I[1], 0, 1, 3]       # alert
    for c in range(3):
        b += arrive(c, prio=c)
    b += [OP["ADVANCE_NEXT"]] * 8 + [OP["AGENT_ADD"], 2, 0, OP["AGENT_SKILL"], T5S, 2, 1, I[3]]
    b += [OP["AGENT_JOIN"], T0, 2, 1, OP["AGENT_LOGIN"], T0, 2, 0, OP["ADVANCE"], T10M, OP["DUMP"]]
    return b


def seed_workorders():
    b = [0] + setup("email", a=(0, 1))
    b += [OP["QUEUE_ADD"], 1, 0, 0, OP["QUEUE_ADD_CHANNEL"], T0, 1, CH["email"]]
    for c in range(4):
        b += arrive(c, "email", t=T1S)
    b += [OP["ACCEPT_OFFERED"], 0, 0, T1S, OP["PARK"], T5S, 0, 0]
    b += [OP["REOPEN"], T60S, 0, 129, 1, S[30]]
    b += [OP["ESCALATE"], T1S, 1, 1, 2, OP["TRANSFER_TO_AGENT"], T1S, 2, 1, S[60]]
    b += [OP["TRANSFER"], T1S, 3, 1, OP["SET_PRIORITY"], T1S, 3, 15]
    b += [OP["REMOVE"], T1S, 2, OP["ABANDON"], T1S, 3]
    b += [OP["READ_ONLY"], 0, 0, 0, 0, 0, 0, 0, 0, OP["DUMP"]]
    return b


def seed_policy_and_limits():
    b = [0] + setup("voice", a=(0, 1))
    # queue q0 updated: offer time-out 5 s, wrap-up 10 s, limits, timeout_not_ready
    b += [OP["QUEUE_UPDATE"], T0, 0, 0x68, 0x01, 1, S[5], S[10], I[2], 0, S[60], 1, 0]
    b += [OP["QUEUE_ADD"], 1, 0, 0, OP["QUEUE_ADD_CHANNEL"], T0, 1, CH["voice"]]
    b += [OP["AGENT_POLICY"], T0, 0, 0x0f, I[2], I[3], S[60], S[5], S[10]]
    for c in range(5):
        b += arrive(c, t=T1S)
    b += [OP["ADVANCE_NEXT"]] * 6
    b += [OP["ACCEPT_OFFERED"], 2, 0, T0, OP["COMPLETE"], T30S, 2, OP["AGENT_END_WRAPUP"], T1S, 0]
    b += [OP["AGENT_LOGOUT"], T1S, 1, OP["AGENT_REMOVE"], 1, OP["ADVANCE"], T10M, OP["DUMP"]]
    return b


def seed_enomem():
    b = [1, 2] + setup("voice")
    for c in range(3):
        b += [OP["ALLOC_FAIL"], c] + arrive(c)
    b += [OP["ALLOC_FAIL"], 0, OP["CHANNEL_ADD"], 1, 0, OP["ALLOC_FAIL"], 1, OP["QUEUE_ADD"], 2, 0, 0]
    b += [OP["ALLOC_FAIL"], 0, OP["ACCEPT_OFFERED"], 0, 0, T1S, OP["ALLOC_FAIL"], 3, OP["DUMP"]]
    return b


def seed_reentry():
    b = [2 | 32] + setup("chat") + arrive(0, "chat") + arrive(1, "chat")
    b += [OP["ABANDON"], T1S, 0] + arrive(0, "chat")
    b += [OP["ACCEPT_OFFERED"], 1, 0, T1S, OP["COMPLETE"], T1S, 1, OP["ADVANCE_NEXT"]]
    return b


def seed_calendars():
    # The engine clock starts at 0: Thursday 1970-01-01 00:00 UTC.
    b = [0] + setup("voice")
    b += [OP["QUEUE_ADD"], 1, 0, 0, OP["QUEUE_ADD_CHANNEL"], T0, 1, CH["voice"]]
    # calendar: when, id k0, zone UTC, 1 range: Thursday 00:00-00:30 (quarter hours), no closed day
    b += [OP["CALENDAR_ADD"], T0, 0, 0, 1, 3, 0, 2, 0]
    # q0 names k0, closed action overflow to q1, callback channel voice, business time
    # queue_calendar: when, queue, mask, calendar, action, closed queue, channel, business
    b += [OP["QUEUE_CALENDAR"], T0, 0, 0, 0, 2, 1, 0, 1]
    for c in range(2):
        b += arrive(c)
    b += [OP["ADVANCE"], T10M] * 3 + [OP["ADVANCE_NEXT"]]
    for c in range(2, 4):
        b += arrive(c)  # after the closing: overflowed to q1
    # replaced by London hours Thursday 00:00-24:00 and 1970-01-08 closed; removal refused (in use)
    b += [OP["CALENDAR_REPLACE"], T1S, 0, 1, 1, 3, 0, 96, 1 | (7 << 3)]
    b += [OP["CALENDAR_REMOVE"], 0, OP["ALLOC_FAIL"], 2, OP["CALENDAR_ADD"], T0, 1, 3, 0, 0]
    b += [OP["QUEUE_CALENDAR"], T0, 0, 1, 0, 1, 0, 0, OP["CALENDAR_REMOVE"], 0]  # no calendar; k0 goes
    b += [OP["ADVANCE"], T10M, OP["DUMP"]]
    return b


def seed_calendar_beyond_9999():
    # Calendars answer for years 1..9999. While a queue names a calendar the
    # clock moves at most four weeks a call, so the clock goes past year 9999
    # first (2^53 ms: year 287,396), then a calendar is added and named.
    b = [0] + setup("voice") + [OP["ADVANCE"], 245]
    b += [OP["CALENDAR_ADD"], T0, 0, 0, 2, 1, 36, 68, 4, 0, 96, 0]
    b += [OP["QUEUE_ADD"], 1, 0, 0, OP["QUEUE_ADD_CHANNEL"], T0, 1, CH["voice"]]
    b += [OP["QUEUE_CALENDAR"], T0, 0, 0, 0, 2, 1, 0, 1]
    b += arrive(0) + [OP["ADVANCE"], T10M, OP["ADVANCE_NEXT"], OP["ADVANCE"], 244, OP["DUMP"]]
    return b


def seed_calendar_end_of_9999():
    # when() byte 255: 9999-12-03, four weeks before the calendars' end; a
    # weekday calendar named there (a removed queue q1 left a hole), then
    # two capped jumps cross the end.
    b = [0] + setup("voice") + [OP["ADVANCE"], 255, OP["QUEUE_ADD"], 1, 0, 0, OP["QUEUE_REMOVE"], 1]
    b += [OP["CALENDAR_ADD"], T0, 0, 0, 2, 1, 36, 68, 4, 0, 96, 0]
    b += [OP["QUEUE_CALENDAR"], T0, 0, 2, 0, 0, 0, 1]
    b += arrive(0) + [OP["ADVANCE_NEXT"]] * 4 + [OP["ADVANCE"], 243, OP["ADVANCE"], 243]
    b += arrive(1) + [OP["ADVANCE"], T10M, OP["DUMP"]]
    return b


def seed_invalid():
    # unusual ids and extreme values
    b = [0, OP["AGENT_ADD"], 224, 0, OP["AGENT_ADD"], 225, 0, OP["AGENT_ADD"], 227, 0]
    b += [OP["AGENT_ADD"], 228, 0, OP["AGENT_ADD"], 229, 0, OP["AGENT_ADD"], 230, 0]
    b += [OP["AGENT_ADD"], 231, 0, OP["SKILL_ADD"], 0, 226, OP["SKILL_ADD"], 1, 235]
    b += [OP["ADVANCE"], 241, OP["ADVANCE"], 243, OP["ADVANCE"], 240, OP["QUEUE_ADD"], 0, 0x60, 0, 208, 209]
    b += [OP["CHANNEL_ADD"], 0, 0x10, 230, OP["DUMP"]]
    return b


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_api")
    os.makedirs(out, exist_ok=True)
    for name, fn in sorted(globals().items()):
        if name.startswith("seed_") and callable(fn):
            data = bytes(fn())
            with open(os.path.join(out, name.replace("_", "-")), "wb") as f:
                f.write(data)
            print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
