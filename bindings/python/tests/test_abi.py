# SPDX-License-Identifier: MIT
"""Versioned structs through ctypes (include/omniq/core.h): the binding's
output structs carry struct_size, the library writes only that much of them,
and the queue settings come from oq_queue_get_spec."""

import ctypes
import os
import re
import unittest

import _support  # noqa: F401  (finds the library)
import omniq
from omniq import Engine, OmniqError, _lib


# The planning and simulation results (each getter takes an oq_error *err).
PLANNING_OUTPUTS = (
    _lib.oq_plan_sim_info, _lib.oq_plan_counts, _lib.oq_plan_summary, _lib.oq_plan_iteration,
    _lib.oq_plan_scenario_info, _lib.oq_schedule_summary, _lib.oq_roster_summary,
    _lib.oq_schedule_shift, _lib.oq_schedule_break, _lib.oq_schedule_tour_row,
    _lib.oq_roster_shift, _lib.oq_roster_violation, _lib.oq_sim_summary, _lib.oq_sim_run_info,
    _lib.oq_sim_stats, _lib.oq_volume_series_info, _lib.oq_forecast_info, _lib.oq_backtest_result,
    _lib.oq_erlang_a_result, _lib.oq_staffing_result, _lib.oq_erlang_chat_result,
    _lib.oq_plan_totals)


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
                  _lib.oq_queue_info, _lib.oq_contact_info, _lib.oq_engine_counts,
                  _lib.oq_reason_stats, *PLANNING_OUTPUTS):
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

    def test_older_counts_get_only_their_prefix(self):
        t = _lib.oq_engine_counts
        older = t.contacts_parked.offset  # int32 only: any multiple of 4 is a header's end
        buf = (ctypes.c_ubyte * (ctypes.sizeof(t) + 16))(*([0xAB] * (ctypes.sizeof(t) + 16)))
        out = t.from_buffer(buf)
        out.struct_size = older
        st = self.lib.oq_engine_get_counts(self.e._handle("oq_engine_get_counts"), ctypes.byref(out))
        self.assertEqual(st, 0)
        self.assertEqual((out.channels, out.queues, out.agents), (1, 1, 1))
        self.assertEqual(bytes(buf[older:]), b"\xab" * (len(buf) - older))
        self.assertEqual(self.e.counts().agents, 1)  # the binding's own read is whole

    def test_too_small_size_is_refused_naming_the_struct(self):
        for t, call in ((_lib.oq_engine_counts,
                         lambda h, o: self.lib.oq_engine_get_counts(h, o)),
                        (_lib.oq_reason_stats,
                         lambda h, o: self.lib.oq_stats_agent_reason(h, b"a1", omniq.OQ_PERIOD_DAY,
                                                                     0, o))):
            out = _lib.padded(t)
            out.struct_size = 2
            st = call(self.e._handle(t.__name__), ctypes.byref(out))
            self.assertEqual(st, omniq.OQ_EINVAL, t.__name__)
            msg = self.lib.oq_engine_last_error(self.e._handle("x")).decode()
            self.assertIn(t.__name__ + ".struct_size", msg)

    def test_planning_results_write_only_their_prefix(self):
        # A planning object has no engine: the message comes back in oq_error.
        root = os.path.join(os.path.dirname(__file__), "..", "..", "..")
        path = os.path.join(root, "examples", "plan", "plan.yaml").encode()
        sc = ctypes.c_void_p()
        err = _lib.oq_error()
        self.assertEqual(self.lib.oq_plan_scenario_load(path, ctypes.byref(sc), ctypes.byref(err)),
                         0, err.message)
        try:
            t = _lib.oq_plan_scenario_info
            older = t.target_sl.offset  # a header without the last two doubles
            buf = (ctypes.c_ubyte * (ctypes.sizeof(t) + 16))(*([0xAB] * (ctypes.sizeof(t) + 16)))
            out = t.from_buffer(buf)
            out.struct_size = older
            st = self.lib.oq_plan_scenario_info_get(sc, ctypes.byref(out), ctypes.byref(err))
            self.assertEqual(st, 0, err.message)
            self.assertEqual((out.days, out.interval_s), (7, 1800))
            self.assertEqual(bytes(buf[older:]), b"\xab" * (len(buf) - older))
            for size in (2, ctypes.sizeof(t) + 8):
                out = _lib.padded(t)
                out.struct_size = size
                st = self.lib.oq_plan_scenario_info_get(sc, ctypes.byref(out), ctypes.byref(err))
                self.assertEqual(st, omniq.OQ_EINVAL)
                self.assertIn("oq_plan_scenario_info.struct_size", err.message.decode())
                self.assertEqual(out.days, 0)  # nothing written
        finally:
            self.lib.oq_plan_scenario_destroy(sc)

    def test_erlang_results_write_only_their_prefix(self):
        # The Erlang functions are pure: their trailing oq_error holds the message.
        t = _lib.oq_erlang_a_result
        err = _lib.padded(_lib.oq_error)
        full = _lib.padded(t)
        self.assertEqual(self.lib.oq_erlang_a(100.0, 105, 180.0, 120.0, 20.0, ctypes.byref(full),
                                              ctypes.byref(err)), 0, err.message)
        older = t.asa_s.offset  # a header without asa_s and occupancy
        buf = (ctypes.c_ubyte * (ctypes.sizeof(t) + 16))(*([0xAB] * (ctypes.sizeof(t) + 16)))
        out = t.from_buffer(buf)
        out.struct_size = older
        st = self.lib.oq_erlang_a(100.0, 105, 180.0, 120.0, 20.0, ctypes.byref(out),
                                  ctypes.byref(err))
        self.assertEqual(st, 0, err.message)
        self.assertEqual((out.p_wait, out.p_abandon, out.service_level),
                         (full.p_wait, full.p_abandon, full.service_level))
        self.assertEqual(bytes(buf[older:]), b"\xab" * (len(buf) - older))
        for size in (2, ctypes.sizeof(t) + 8):
            out = _lib.padded(t)
            out.struct_size = size
            st = self.lib.oq_erlang_a(100.0, 105, 180.0, 120.0, 20.0, ctypes.byref(out),
                                      ctypes.byref(err))
            self.assertEqual(st, omniq.OQ_EINVAL)
            self.assertIn("oq_erlang_a_result.struct_size", err.message.decode())
            self.assertEqual(out.p_wait, 0.0)  # nothing written
        # The Python function's errors carry the library's message too.
        with self.assertRaises(OmniqError) as cm:
            omniq.erlang.staffing(1e300, 180, target_sl=0.8, threshold_s=20)
        self.assertIn("does not fit an int32_t agent count", str(cm.exception))

    def test_binding_mirrors_have_the_header_sizes(self):
        # tests/unit/test_abi.c's HISTORY records each struct's sizeof (LP64):
        # the ctypes mirror of a planning result must match it, or a getter
        # would refuse (or cut) what the binding passes.
        root = os.path.join(os.path.dirname(__file__), "..", "..", "..")
        with open(os.path.join(root, "tests", "unit", "test_abi.c"), encoding="utf-8") as f:
            text = f.read()
        if ctypes.sizeof(ctypes.c_void_p) != 8:
            self.skipTest("HISTORY records LP64 sizes")
        for t in PLANNING_OUTPUTS:
            sizes = re.findall(r"V\(" + t.__name__ + r", (\d+),", text)
            self.assertTrue(sizes, t.__name__)
            self.assertEqual(ctypes.sizeof(t), int(sizes[-1]), t.__name__)

    def test_every_versioned_struct_has_a_history_row(self):
        # tests/unit/test_abi.c's HISTORY is what checks that no field is ever
        # added into an older version's tail padding: a struct missing from it
        # would escape the check.
        root = os.path.join(os.path.dirname(__file__), "..", "..", "..")
        names = set()
        inc = os.path.join(root, "include", "omniq")
        for h in os.listdir(inc):
            with open(os.path.join(inc, h), encoding="utf-8") as f:
                text = f.read()
            for m in re.finditer(r"typedef struct (oq_\w+) \{\s*u?int32_t struct_size;", text):
                names.add(m.group(1))
        with open(os.path.join(root, "tests", "unit", "test_abi.c"), encoding="utf-8") as f:
            rows = set(re.findall(r"^\s*H\((oq_\w+),", f.read(), re.M))
        self.assertGreater(len(names), 20)
        self.assertEqual(sorted(names - rows), [], "versioned structs missing from HISTORY")

    def test_binding_structs_have_no_tail_padding(self):
        # The binding mirrors the headers; a versioned struct's last field ends
        # at its sizeof (a reserved field fills the rest), as test_abi.c checks.
        for name in dir(_lib):
            t = getattr(_lib, name)
            if not (isinstance(t, type) and issubclass(t, ctypes.Structure) and name.startswith("oq_")
                    and t._fields_ and t._fields_[0][0] == "struct_size"):
                continue
            last = t._fields_[-1]
            f = getattr(t, last[0])
            self.assertEqual(f.offset + f.size, ctypes.sizeof(t), f"{name}.{last[0]}")

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
