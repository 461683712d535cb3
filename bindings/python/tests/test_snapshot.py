# SPDX-License-Identifier: MIT
"""Snapshots and the action journal (omniq/snapshot.h): Engine.snapshot(),
Engine.restore(), Engine.set_journal() and Engine.journal_apply()."""

import unittest

import _support
import omniq
from omniq import Engine, OmniqError, _lib

HAS_SNAPSHOT = _lib.has_symbol("oq_engine_snapshot_buffer")


def busy_center(engine):
    """Contacts waiting, offered and active, pending timers (offer timeout,
    escalation) and a not-ready agent: a state worth snapshotting."""
    _support.small_center(engine, agents=("alice", "bob", "carol"), wrapup_s=5)
    engine.queue_add("tier2", offer_timeout_s=15)
    engine.queue_add_channel("tier2", "voice")
    engine.queue_add_step("sales", "overflow", after_s=60, to_queue="tier2")
    engine.agent_login("alice", now_ms=0)
    engine.agent_login("bob", now_ms=0)
    engine.agent_login("carol", ready=False, now_ms=0)
    for i in range(5):
        engine.contact_arrive(f"c{i}", "voice" if i % 2 else "chat", "sales",
                              now_ms=1000 * (i + 1))
    offered = [c for c in ("c0", "c1", "c2", "c3", "c4")
               if engine.contact_get(c).state == omniq.OQ_CONTACT_OFFERED]
    engine.offer_accept(offered[0], engine.contact_get(offered[0]).agent, now_ms=7000)
    engine.advance(9000)
    return engine


def next_decisions(engine, until_ms=200_000):
    """Drive the engine through a fixed script and record every event."""
    seen = []
    engine.on_event = lambda ev: seen.append((ev.type, ev.time_ms, ev.contact, ev.agent,
                                              ev.queue))
    engine.contact_arrive("late", "voice", "sales", now_ms=engine.now() + 500)
    engine.agent_ready("carol", now_ms=engine.now() + 1000)
    engine.advance(until_ms)
    engine.on_event = None
    return seen


@unittest.skipUnless(HAS_SNAPSHOT, "library has no snapshot support (omniq/snapshot.h)")
class Snapshots(unittest.TestCase):
    def test_round_trip_identical_bytes(self):
        with busy_center(Engine(seed=42)) as e:
            c = e.counts()
            self.assertGreater(c.contacts, 0)
            self.assertGreater(c.timers, 0)
            data = e.snapshot()
            self.assertIsInstance(data, bytes)
            self.assertEqual(e.snapshot(), data)  # read-only
            with Engine.restore(data) as r:
                self.assertEqual(r.snapshot(), data)
                self.assertEqual(r.counts(), c)
                self.assertEqual(r.now(), e.now())
                r.check()
            with Engine.restore(bytearray(data)) as r:
                self.assertEqual(r.snapshot(), data)

    def test_restored_engine_makes_the_same_decisions(self):
        with busy_center(Engine(seed=7)) as e:
            with Engine.restore(e.snapshot()) as r:
                a, b = next_decisions(e), next_decisions(r)
                self.assertTrue(a)
                self.assertEqual(a, b)
                self.assertEqual(e.snapshot(), r.snapshot())

    def test_restore_with_on_event(self):
        seen = []
        with busy_center(Engine()) as e:
            with Engine.restore(e.snapshot(), on_event=seen.append) as r:
                self.assertEqual(seen, [])  # the restore itself emits nothing
                r.advance(r.now() + 100_000)
                self.assertTrue(seen)
                self.assertIsInstance(seen[0], omniq.Event)

    def test_corrupt_and_truncated_data(self):
        with busy_center(Engine()) as e:
            data = e.snapshot()
        bad = [b"", b"OQ", data[:16], data[:len(data) // 2], data[:-1], data + b"\0",
               data[:100] + bytes([data[100] ^ 0x55]) + data[101:],
               data[:-4] + bytes(4), b"x" * len(data)]
        for d in bad:
            with self.subTest(len=len(d)):
                with self.assertRaises(OmniqError) as cm:
                    Engine.restore(d)
                self.assertEqual(cm.exception.status, omniq.OQ_ECORRUPT)
                self.assertTrue(cm.exception.message)
        with self.assertRaises(OmniqError) as cm:
            Engine.restore(data[:-3])
        self.assertIn("byte", cm.exception.message)
        for d in (None, "text", 42, [1, 2]):
            with self.assertRaises(OmniqError):
                Engine.restore(d)

    def test_closed_engine(self):
        e = Engine()
        e.close()
        with self.assertRaises(OmniqError):
            e.snapshot()

    def test_snapshot_from_a_callback_is_busy(self):
        errors = []
        e = _support.small_center(Engine())

        def cb(ev):
            try:
                e.snapshot()
            except OmniqError as exc:
                errors.append(exc.status)
        e.on_event = cb
        e.agent_login("alice", now_ms=0)
        self.assertTrue(errors)
        self.assertEqual(set(errors), {omniq.OQ_EBUSY})
        e.close()


@unittest.skipUnless(HAS_SNAPSHOT, "library has no snapshot support (omniq/snapshot.h)")
class Journal(unittest.TestCase):
    def test_standby_reaches_the_same_state(self):
        records = []
        primary = _support.small_center(Engine(seed=3))
        primary.agent_login("alice", now_ms=0)
        standby = Engine.restore(primary.snapshot())
        primary.set_journal(lambda name, now_ms, rec: records.append((name, now_ms, rec)))
        primary.agent_login("bob", now_ms=500)
        for i in range(4):
            primary.contact_arrive(f"j{i}", "voice", "sales", now_ms=1000 + i * 700)
        primary.advance(30_000)
        for c in ("j0", "j1", "j2", "j3"):
            if primary.contact_get(c).state == omniq.OQ_CONTACT_OFFERED:
                primary.offer_accept(c, primary.contact_get(c).agent, now_ms=31_000)
                primary.contact_complete(c, now_ms=35_000)
                break
        primary.agent_not_ready("bob", "lunch", now_ms=40_000)
        primary.advance(120_000)
        self.assertTrue(records)
        names = [r[0] for r in records]
        self.assertIn("contact_arrive", names)
        self.assertIn("agent_login", names)
        self.assertIn("engine_advance", names)
        for name, now_ms, rec in records:
            self.assertIsInstance(rec, bytes)
            self.assertIsInstance(now_ms, int)
            standby.journal_apply(rec)
        self.assertEqual(standby.snapshot(), primary.snapshot())
        # stopping the journal: no more records
        primary.set_journal(None)
        n = len(records)
        primary.advance(200_000)
        self.assertEqual(len(records), n)
        primary.close()
        standby.close()

    def test_records_are_copies(self):
        records = []
        with _support.small_center(Engine()) as e:
            e.set_journal(lambda *a: records.append(a))
            e.agent_login("alice", now_ms=0)
            e.agent_login("bob", now_ms=0)
        # the engine is gone; the bytes must still be intact and replayable
        with _support.small_center(Engine()) as s:
            for _, _, rec in records:
                s.journal_apply(rec)
            self.assertEqual(s.agent_get("bob").state, omniq.OQ_AGENT_READY)

    def test_bad_records(self):
        with _support.small_center(Engine()) as e:
            rec = []
            e.set_journal(lambda *a: rec.append(a[2]))
            e.agent_login("alice", now_ms=0)
            e.set_journal(None)
            good = rec[0]
            for d in (b"", b"OQJ", good[:-1], good[:8] + b"\xff" + good[9:]):
                with self.assertRaises(OmniqError) as cm:
                    e.journal_apply(d)
                self.assertEqual(cm.exception.status, omniq.OQ_ECORRUPT, d)
            for d in (None, "x", 5):
                with self.assertRaises(OmniqError):
                    e.journal_apply(d)
            with self.assertRaises(OmniqError):
                e.set_journal(42)

    def test_callback_exception(self):
        def boom(*a):
            raise ValueError("journal")
        with _support.small_center(Engine()) as e:
            e.set_journal(boom)
            with self.assertRaises(omniq.CallbackError) as cm:
                e.agent_login("alice", now_ms=0)
            self.assertIsInstance(cm.exception.__cause__, ValueError)
            self.assertEqual(e.agent_get("alice").state, omniq.OQ_AGENT_READY)

    def test_records_are_numbered_and_checked(self):
        records = []
        with _support.small_center(Engine(seed=5)) as e:
            e.queue_add("care")
            e.queue_add_channel("care", "voice")
            e.set_journal(lambda name, now_ms, rec: records.append(rec))
            e.agent_login("alice", now_ms=0)
            e.agent_login("bob", now_ms=0)
            snap = e.snapshot()  # covers records 1 and 2
            self.assertEqual(e.journal_seq(), 3)
            for i in range(4):
                e.contact_arrive(f"n{i}", "voice", "sales", now_ms=1000 + i)
            e.contact_transfer("n3", "care", now_ms=2000)
            final = e.snapshot()
        seqs = [omniq.journal_record_seq(r) for r in records]
        self.assertEqual(seqs, list(range(1, len(records) + 1)))
        # also readable without the library, at a fixed offset
        self.assertEqual([int.from_bytes(r[16:24], "little") for r in records], seqs)
        with Engine.restore(snap) as s:
            self.assertEqual(s.journal_seq(), 3)
            # a record the snapshot covers: a duplicate
            with self.assertRaises(OmniqError) as cm:
                s.journal_apply(records[1])
            self.assertEqual(cm.exception.status, omniq.OQ_ECORRUPT)
            self.assertIn("sequence 2, expected 3", str(cm.exception))
            # a missing record in the middle: a gap, and nothing changes
            before = s.snapshot()
            with self.assertRaises(OmniqError) as cm:
                s.journal_apply(records[3])
            self.assertIn("sequence 4, expected 3", str(cm.exception))
            self.assertIn("missing", str(cm.exception))
            self.assertEqual(s.snapshot(), before)
            for r in records[2:]:
                s.journal_apply(r)
            # a transfer applied twice would move the contact twice: refused
            with self.assertRaises(OmniqError) as cm:
                s.journal_apply(records[-1])
            self.assertIn("already applied", str(cm.exception))
            self.assertEqual(s.snapshot(), final)
            self.assertEqual(s.journal_seq(), len(records) + 1)
            s.set_journal_seq(100)
            self.assertEqual(s.journal_seq(), 100)
            for bad_seq in (0, 2**62 + 1, -1, "7"):
                with self.assertRaises(OmniqError):
                    s.set_journal_seq(bad_seq)
        with self.assertRaises(OmniqError) as cm:
            omniq.journal_record_seq(records[0][:-1] + bytes([records[0][-1] ^ 1]))
        self.assertEqual(cm.exception.status, omniq.OQ_ECORRUPT)
        self.assertIn("checksum", str(cm.exception))
        with self.assertRaises(OmniqError):
            omniq.journal_record_seq("not bytes")

    def test_action_names(self):
        self.assertEqual(omniq.journal_action_name(30), "contact_arrive")
        self.assertEqual(omniq.journal_action_name(1), "engine_advance")
        self.assertEqual(omniq.journal_action_name(999), "unknown")


if __name__ == "__main__":
    unittest.main()
