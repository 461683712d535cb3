# SPDX-License-Identifier: MIT
"""OmniqError subclasses: each status raises the class that fits it, which is
also the built-in exception a Python caller catches (ValueError for bad
arguments, KeyError for unknown ids, RuntimeError for wrong states), from
real engine calls."""

import pickle
import unittest

import _support
import omniq
from omniq import OmniqError


class StatusClasses(unittest.TestCase):
    TABLE = [
        (omniq.OQ_EINVAL, omniq.InvalidArgument, ValueError),
        (omniq.OQ_ENOTFOUND, omniq.NotFound, KeyError),
        (omniq.OQ_EEXIST, omniq.AlreadyExists, ValueError),
        (omniq.OQ_ENOMEM, omniq.OutOfMemory, MemoryError),
        (omniq.OQ_ESTATE, omniq.InvalidState, RuntimeError),
        (omniq.OQ_ECONFIG, omniq.ConfigError, ValueError),
        (omniq.OQ_EBUSY, omniq.Busy, RuntimeError),
        (omniq.OQ_ECORRUPT, omniq.Corrupt, RuntimeError),
        (omniq.OQ_ERANGE, omniq.OutOfRange, ValueError),
    ]

    def test_constructor_picks_the_subclass(self):
        for status, cls, builtin in self.TABLE:
            with self.subTest(status=status):
                e = OmniqError(status, "what", "oq_fn")
                self.assertIs(type(e), cls)
                self.assertIsInstance(e, OmniqError)
                self.assertIsInstance(e, builtin)
                self.assertEqual(e.status, status)
                self.assertEqual(e.name, omniq.status_name(status))
                # plain text, also for KeyError (whose str() would quote it)
                self.assertEqual(str(e), f"oq_fn: what [{e.name}]")
                back = pickle.loads(pickle.dumps(e))
                self.assertIs(type(back), cls)
                self.assertEqual((back.status, back.message, back.function),
                                 (status, "what", "oq_fn"))
        self.assertIs(type(OmniqError(-99, "x")), OmniqError)  # unknown status

    def test_every_status_has_a_class(self):
        statuses = {v for k, v in vars(omniq).items()
                    if k.startswith("OQ_E") and isinstance(v, int) and v < 0}
        self.assertEqual(statuses, {s for s, _, _ in self.TABLE})


class FromEngineCalls(unittest.TestCase):
    def setUp(self):
        self.e = _support.small_center(omniq.Engine())

    def tearDown(self):
        self.e.close()

    def test_unknown_id_is_a_key_error(self):
        with self.assertRaises(KeyError) as cm:
            self.e.agent_get("nobody")
        self.assertIsInstance(cm.exception, omniq.NotFound)
        self.assertIn("nobody", str(cm.exception))
        with self.assertRaises(KeyError):
            self.e.contact_arrive("c1", "voice", "no-such-queue", now_ms=0)

    def test_duplicate_and_bad_argument_are_value_errors(self):
        with self.assertRaises(ValueError) as cm:
            self.e.agent_add("alice")
        self.assertIsInstance(cm.exception, omniq.AlreadyExists)
        with self.assertRaises(ValueError) as cm2:
            self.e.agent_add("carol", capacity="lots")
        self.assertIsInstance(cm2.exception, omniq.InvalidArgument)
        self.assertIn("capacity", cm2.exception.message)

    def test_wrong_state_is_a_runtime_error(self):
        self.e.contact_arrive("c1", "voice", "sales", now_ms=0)  # nobody logged in: queued
        with self.assertRaises(RuntimeError) as cm:
            self.e.offer_accept("c1", "alice", now_ms=1000)
        self.assertIsInstance(cm.exception, omniq.InvalidState)

    def test_call_from_callback_is_busy(self):
        seen = []

        def on_event(ev):
            try:
                self.e.agent_add("dave")
            except RuntimeError as exc:
                seen.append(exc)
        self.e.on_event = on_event
        self.e.agent_login("alice", now_ms=0)
        self.assertTrue(seen)
        self.assertIsInstance(seen[0], omniq.Busy)

    def test_bad_snapshot_is_corrupt(self):
        with self.assertRaises(RuntimeError) as cm:
            omniq.Engine.restore(b"not a snapshot")
        self.assertIsInstance(cm.exception, omniq.Corrupt)

    def test_bad_configuration_is_a_value_error_with_position(self):
        with self.assertRaises(ValueError) as cm:
            omniq.Engine.from_yaml("channels:\n  voice: {capacity_cost: -5}\n", name="c.yaml")
        e = cm.exception
        self.assertIsInstance(e, omniq.ConfigError)
        self.assertGreater(e.line, 0)
        self.assertIn("c.yaml", e.message)


class FromOneErrorShape(unittest.TestCase):
    """Calls without a live engine report through oq_error (core.h): the
    exception carries its status, message, line, column and path."""

    def test_configuration_error_position(self):
        with self.assertRaises(omniq.ConfigError) as cm:
            omniq.Engine.from_yaml("channels:\n  voice: {}\nqueuez: {}\n", name="c.yaml")
        e = cm.exception
        self.assertEqual(e.status, omniq.OQ_ECONFIG)
        self.assertEqual((e.line, e.column, e.path), (3, 1, "c.yaml"))
        self.assertTrue(e.message.startswith("c.yaml:3:1: "), e.message)

    def test_restore_error_has_status_and_no_position(self):
        with self.assertRaises(omniq.Corrupt) as cm:
            omniq.Engine.restore(b"not a snapshot, but long enough to be read")
        e = cm.exception
        self.assertEqual(e.status, omniq.OQ_ECORRUPT)
        self.assertIn("at byte 0", e.message)
        self.assertEqual((e.line, e.column, e.path), (0, 0, None))

    def test_journal_gap_names_the_sequence(self):
        records = []
        primary = omniq.Engine()
        primary.set_journal(lambda action, now, rec: records.append(rec))
        primary.channel_add("voice")
        primary.channel_add("chat")
        standby = omniq.Engine()
        with self.assertRaises(omniq.Corrupt) as cm:
            standby.journal_apply(records[1])
        self.assertIn("sequence 2, expected 1", cm.exception.message)

    def test_new_error_struct_has_its_size(self):
        from omniq import _lib
        import ctypes
        self.assertEqual(_lib.oq_error().struct_size, ctypes.sizeof(_lib.oq_error))


if __name__ == "__main__":
    unittest.main()
