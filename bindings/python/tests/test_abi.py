# SPDX-License-Identifier: MIT
"""Versioned structs through ctypes (include/omniq/core.h): the binding's
output structs carry struct_size, the library writes only that much of them,
and the queue settings come from oq_queue_get_spec."""

import ctypes
import unittest

import _support  # noqa: F401  (finds the library)
import omniq
from omniq import Engine, OmniqError, _lib


class VersionedStructs(unittest.TestCase):
    def setUp(self):
        self.e = Engine()
        self.e.channel_add("voice")
        self.e.queue_add("q", priority=4)
        self.e.queue_add_channel("q", "voice")
        self.e.agent_add("a1")
        self.e.agent_login("a1")
        self.lib = _lib.load()

    def tearDown(self):
        self.e.close()

    def test_padded_sets_struct_size(self):
        for t in (_lib.oq_queue_stats, _lib.oq_agent_stats, _lib.oq_agent_info,
                  _lib.oq_queue_info, _lib.oq_contact_info):
            self.assertEqual(t._fields_[0][0], "struct_size", t.__name__)
            self.assertEqual(_lib.padded(t).struct_size, ctypes.sizeof(t), t.__name__)

    def test_older_output_struct_gets_only_its_prefix(self):
        t = _lib.oq_agent_info
        older = t.not_ready_reason.offset  # a header without the last field
        buf = (ctypes.c_ubyte * (ctypes.sizeof(t) + 16))(*([0xAB] * (ctypes.sizeof(t) + 16)))
        out = t.from_buffer(buf)
        out.struct_size = older
        st = self.lib.oq_agent_get(self.e._handle("oq_agent_get"), b"a1", ctypes.byref(out))
        self.assertEqual(st, 0)
        self.assertEqual(out.struct_size, older)
        self.assertEqual(out.capacity, 100)  # the prefix was written
        self.assertEqual(out.presence, omniq.OQ_AGENT_READY)
        self.assertEqual(bytes(buf[older:]), b"\xab" * (len(buf) - older))  # the rest was not

    def test_out_of_range_size_is_refused_naming_the_struct(self):
        out = _lib.padded(_lib.oq_queue_stats)
        out.struct_size = ctypes.sizeof(_lib.oq_queue_stats) + 8
        st = self.lib.oq_stats_queue(self.e._handle("oq_stats_queue"), b"q", omniq.OQ_PERIOD_DAY,
                                     ctypes.byref(out))
        self.assertEqual(st, omniq.OQ_EINVAL)
        msg = self.lib.oq_engine_last_error(self.e._handle("x")).decode()
        self.assertIn("oq_queue_stats.struct_size", msg)

    def test_queue_settings_and_figures_from_two_reads(self):
        info = self.e.queue_get("q")
        self.assertEqual(info.priority, 4)  # oq_queue_get_spec
        self.assertEqual(info.n_channels, 1)  # oq_queue_get
        self.e.queue_update("q", priority=9)
        self.assertEqual(self.e.queue_get("q").priority, 9)
        with self.assertRaises(OmniqError):
            self.e.queue_get("nope")


if __name__ == "__main__":
    unittest.main()
