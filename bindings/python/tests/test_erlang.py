# SPDX-License-Identifier: MIT
"""omniq.erlang: every wrapper against the published values used by the C tests
(tests/unit/test_erlang_bc.c, test_erlang_a.c, test_erlang_chat_plan.c), and
bad arguments."""

import math
import unittest

import _support  # noqa: F401
import omniq
from omniq import erlang


def rel(a, b):
    return abs(a - b) / (abs(b) if abs(b) > 1e-300 else 1.0)


class ErlangBC(unittest.TestCase):
    def test_erlang_b_exact(self):
        self.assertLess(rel(erlang.erlang_b(0.1, 1), 1 / 11), 1e-15)
        self.assertLess(rel(erlang.erlang_b(0.1, 2), 1 / 221), 1e-15)
        self.assertLess(rel(erlang.erlang_b(2.5, 5), 625 / 8963), 1e-15)
        self.assertLess(rel(erlang.erlang_b(5, 10), 390625 / 21247437), 1e-15)
        self.assertEqual(erlang.erlang_b(3, 0), 1.0)
        self.assertEqual(erlang.erlang_b(0, 4), 0.0)
        self.assertLess(abs(erlang.erlang_b(8.108, 15) - 0.01), 2e-5)

    def test_erlang_c_published(self):
        self.assertLess(rel(erlang.erlang_c(10, 14), 976562500 / 5608175823), 1e-15)
        self.assertLess(abs(erlang.erlang_c(10, 11) - 0.6821182), 5e-8)
        self.assertLess(abs(erlang.erlang_c(10, 12) - 0.4493882), 5e-8)
        self.assertEqual(erlang.erlang_c(10, 10), 1.0)
        self.assertEqual(erlang.erlang_c(5, 0), 1.0)
        self.assertEqual(erlang.erlang_c(0, 1), 0.0)

    def test_service_level_and_asa(self):
        self.assertLess(abs(erlang.service_level(10, 14, 180, 20) - 0.88835), 5e-6)
        self.assertLess(abs(erlang.service_level(10, 11, 180, 20) - 0.3896138), 5e-8)
        self.assertLess(abs(erlang.asa(10, 14, 180) - 7.83593701177724), 1e-12)
        self.assertEqual(erlang.service_level(10, 10, 180, 20), 0.0)
        self.assertEqual(erlang.service_level(0, 1, 180, 0), 1.0)
        self.assertTrue(math.isinf(erlang.asa(10, 9, 180)))
        self.assertEqual(erlang.asa(0, 1, 180), 0.0)

    def test_occupancy(self):
        self.assertLess(abs(erlang.occupancy(10, 14) - 0.714), 5e-4)
        self.assertEqual(erlang.occupancy(10, 5), 1.0)

    def test_staffing_searches(self):
        n = erlang.agents_for_service_level(10, 180, 20, 0.8)
        self.assertGreaterEqual(erlang.service_level(10, n, 180, 20), 0.8)
        self.assertLess(erlang.service_level(10, n - 1, 180, 20), 0.8)
        self.assertEqual(n, 14)
        self.assertEqual(erlang.agents_for_service_level(0, 180, 20, 0.8), 0)
        m = erlang.agents_for_asa(10, 180, 15)
        self.assertLessEqual(erlang.asa(10, m, 180), 15)
        self.assertGreater(erlang.asa(10, m - 1, 180), 15)
        self.assertEqual(erlang.agents_for_occupancy(10, 0.85), 12)
        self.assertEqual(erlang.agents_for_occupancy(8.5, 0.85), 10)
        self.assertEqual(erlang.agents_for_occupancy(0.01, 1), 1)
        self.assertEqual(erlang.scheduled(10, 0.2), 13)
        self.assertEqual(erlang.scheduled(8, 0.2), 10)
        self.assertEqual(erlang.scheduled(0, 0.5), 0)

    def test_ints_are_accepted_as_floats(self):
        self.assertEqual(erlang.erlang_c(10, 12), erlang.erlang_c(10.0, 12))
        self.assertEqual(erlang.erlang_c(10, 12.0), erlang.erlang_c(10, 12))  # integral float


class ErlangA(unittest.TestCase):
    def test_result_dataclass(self):
        r = erlang.erlang_a(10, 12, 180, 120, 20)
        self.assertIsInstance(r, erlang.ErlangAResult)
        for v in (r.p_wait, r.p_abandon, r.service_level, r.occupancy):
            self.assertTrue(0 <= v <= 1)
        self.assertLess(abs(r.occupancy - 10 * (1 - r.p_abandon) / 12), 1e-12)

    def test_limits(self):
        r = erlang.erlang_a(10, 0, 180, 120, 20)
        self.assertEqual((r.p_wait, r.p_abandon, r.service_level), (1, 1, 0))
        r = erlang.erlang_a(0, 5, 180, 120, 20)
        self.assertEqual((r.p_wait, r.p_abandon, r.service_level), (0, 0, 1))

    def test_long_patience_tends_to_erlang_c(self):
        r = erlang.erlang_a(10, 14, 180, 1e12, 20)
        self.assertLess(abs(r.p_wait - 0.1741319), 1e-6)
        self.assertLess(abs(r.service_level - 0.88835), 1e-5)

    def test_agents(self):
        n = erlang.erlang_a_agents(10, 180, 120, 20, 0.8)
        self.assertGreaterEqual(erlang.erlang_a(10, n, 180, 120, 20).service_level, 0.8)
        self.assertLess(erlang.erlang_a(10, n - 1, 180, 120, 20).service_level, 0.8)
        m = erlang.erlang_a_agents_abandon(10, 180, 120, 0.03)
        self.assertLessEqual(erlang.erlang_a(10, m, 180, 120, 20).p_abandon, 0.03)
        self.assertGreater(erlang.erlang_a(10, m - 1, 180, 120, 20).p_abandon, 0.03)
        self.assertEqual(erlang.erlang_a_agents(0, 180, 120, 20, 0.8), 0)


class StaffingChatPlan(unittest.TestCase):
    def test_staffing_erlang_c(self):
        r = erlang.staffing(10, 180, threshold_s=20, target_sl=0.8, shrinkage=0.3)
        self.assertIsInstance(r, erlang.StaffingResult)
        self.assertEqual(r.required, 14)
        self.assertEqual(r.scheduled, erlang.scheduled(14, 0.3))
        self.assertEqual(r.service_level, erlang.service_level(10, 14, 180, 20))
        self.assertEqual(r.asa_s, erlang.asa(10, 14, 180))
        self.assertEqual(r.p_abandon, 0.0)

    def test_staffing_p_wait(self):
        """P(wait) at the required agents: CRAN ErlangC's 0.1741319 (exactly
        976562500/5608175823) for 14 agents, pyworkforce's 0.102 for 15."""
        r = erlang.staffing(10, 180, threshold_s=20, target_sl=0.85)
        self.assertEqual(r.required, 14)
        self.assertLess(rel(r.p_wait, 976562500 / 5608175823), 1e-14)
        r = erlang.staffing(10, 180, threshold_s=20, target_sl=0.9)
        self.assertEqual(r.required, 15)
        self.assertLess(abs(r.p_wait - 0.102), 5e-4)
        a = erlang.staffing(10, 180, threshold_s=20, target_sl=0.8, patience_s=120)
        self.assertEqual(a.p_wait, erlang.erlang_a(10, a.required, 180, 120, 20).p_wait)
        self.assertEqual(erlang.staffing(0, 180, target_sl=0.8).p_wait, 0.0)
        p = erlang.plan([0, 100, 200], 180, 1800, threshold_s=20, target_sl=0.8)
        self.assertEqual([iv.p_wait for iv in p.intervals],
                         [0.0] + [erlang.erlang_c(iv.load, iv.required)
                                  for iv in p.intervals[1:]])

    def test_erlang_b_staffing(self):
        """erlang.com calculator manual: 15 lines at 1% blocking carry 8.108
        Erlangs; exact fraction B(5, 2.5) = 625/8963."""
        self.assertLess(abs(erlang.erlang_b_load(15, 0.01) - 8.108), 5e-4)
        self.assertEqual(erlang.erlang_b_agents(8.108, 0.01), 15)
        self.assertEqual(erlang.erlang_b_agents(8.2, 0.01), 16)
        self.assertEqual(erlang.erlang_b_agents(2.5, 625 / 8963 + 1e-9), 5)
        self.assertEqual(erlang.erlang_b_agents(2.5, 625 / 8963 - 1e-9), 6)
        self.assertEqual(erlang.erlang_b_agents(0, 0.01), 0)
        self.assertEqual(erlang.erlang_b_load(0, 0.01), 0.0)
        # one line: B(1, A) = A / (1 + A), so it carries b / (1 - b)
        self.assertLess(rel(erlang.erlang_b_load(1, 0.2), 0.25), 1e-12)
        for load in (0.5, 3.3, 47.0, 480.5):
            for b in (0.001, 0.01, 0.05, 0.3):
                n = erlang.erlang_b_agents(load, b)
                self.assertLessEqual(erlang.erlang_b(load, n), b)
                self.assertGreater(erlang.erlang_b(load, n - 1), b)
                # n lines carry this load at b, n - 1 lines carry less
                self.assertGreaterEqual(erlang.erlang_b_load(n, b), load * (1 - 1e-12))
                self.assertLess(erlang.erlang_b_load(n - 1, b), load)

    def test_staffing_erlang_a_and_occupancy(self):
        r = erlang.staffing(10, 180, patience_s=120, max_abandon=0.03)
        self.assertEqual(r.required, erlang.erlang_a_agents_abandon(10, 180, 120, 0.03))
        r = erlang.staffing(10, 180, max_occupancy=0.85)
        self.assertGreaterEqual(r.required, 12)

    def test_staffing_needs_a_target(self):
        with self.assertRaises(omniq.OmniqError) as cm:
            erlang.staffing(10, 180)
        self.assertEqual(cm.exception.status, omniq.OQ_EINVAL)
        with self.assertRaises(omniq.OmniqError) as cm:
            erlang.staffing(10, 180, target=0.8)  # not an option name
        self.assertIn("unknown staffing option", cm.exception.message)

    def test_chat_k1_is_erlang_c(self):
        r = erlang.chat(10, 14, [240], 30)
        self.assertIsInstance(r, erlang.ChatResult)
        self.assertLess(rel(r.p_wait, erlang.erlang_c(10, 14)), 1e-13)
        self.assertLess(rel(r.service_level, erlang.service_level(10, 14, 240, 30)), 1e-13)
        self.assertLess(rel(r.asa_s, erlang.asa(10, 14, 240)), 1e-13)

    def test_chat_constant_aht_is_erlang_c_with_nk_servers(self):
        r = erlang.chat(10, 5, (300, 300, 300), 20)
        self.assertLess(rel(r.p_wait, erlang.erlang_c(10, 15)), 1e-13)

    def test_chat_agents(self):
        aht = [300, 360, 420]
        n = erlang.chat_agents(6, aht, 60, 0.8)
        self.assertGreaterEqual(erlang.chat(6, n, aht, 60).service_level, 0.8)
        self.assertLess(erlang.chat(6, n - 1, aht, 60).service_level, 0.8)
        self.assertEqual(erlang.chat_agents(0, aht, 60, 0.8), 0)

    def test_plan(self):
        p = erlang.plan([0, 100, 200], 180, 1800, threshold_s=20, target_sl=0.8)
        self.assertEqual(len(p.intervals), 3)
        self.assertEqual(p.intervals[0].required, 0)
        self.assertEqual(p.intervals[1].load, 10.0)
        self.assertEqual(p.intervals[1].required, 14)
        self.assertEqual(p.intervals[2].required, erlang.agents_for_service_level(20, 180, 20, .8))
        self.assertEqual(p.totals.contacts, 300)
        self.assertEqual(p.totals.peak_required, p.intervals[2].required)
        self.assertEqual(p.totals.peak_interval, 2)
        self.assertEqual(p.totals.required_agent_hours, (14 + p.intervals[2].required) * 0.5)
        q = erlang.plan([100, 200], [180, 240], 1800, threshold_s=20, target_sl=0.8)
        self.assertEqual(q.intervals[1].load, 200 * 240 / 1800)
        empty = erlang.plan([], [], 1800, target_sl=0.8, threshold_s=20)
        self.assertEqual(empty.intervals, [])
        self.assertEqual(empty.totals.peak_interval, -1)


class BadArguments(unittest.TestCase):
    def check(self, fn, *args, status=omniq.OQ_EINVAL, contains=None, **kw):
        with self.assertRaises(omniq.OmniqError) as cm:
            fn(*args, **kw)
        e = cm.exception
        self.assertEqual(e.status, status, str(e))
        self.assertTrue(e.message)
        self.assertEqual(e.name, omniq.status_name(status))
        if contains:
            self.assertIn(contains, str(e))
        return e

    def test_errors_name_the_offending_argument(self):
        """Each refusal names exactly the argument at fault, as an
        InvalidArgument that is also a ValueError."""
        nan, inf = float("nan"), float("inf")
        cases = [
            (erlang.erlang_b, (-1, 3), {}, "load"),
            (erlang.erlang_b, (10, -1), {}, "agents"),
            (erlang.erlang_b_agents, (10, 0), {}, "max_blocking"),
            (erlang.erlang_b_agents, (-2, 0.01), {}, "load"),
            (erlang.erlang_b_load, (-1, 0.01), {}, "agents"),
            (erlang.erlang_b_load, (15, 1.0), {}, "max_blocking"),
            (erlang.erlang_c, (nan, 3), {}, "load"),
            (erlang.erlang_c, (10, -1), {}, "agents"),
            (erlang.service_level, (10, 12, 0, 20), {}, "aht_s"),
            (erlang.service_level, (10, 12, 180, -1), {}, "threshold_s"),
            (erlang.asa, (10, 12, -5), {}, "aht_s"),
            (erlang.occupancy, (inf, 12), {}, "load"),
            (erlang.agents_for_service_level, (10, 180, 20, 1.5), {}, "target"),
            (erlang.agents_for_service_level, (10, 180, nan, 0.8), {}, "threshold_s"),
            (erlang.agents_for_asa, (10, 180, 0), {}, "max_asa_s"),
            (erlang.agents_for_occupancy, (10, 0), {}, "max_occupancy"),
            (erlang.scheduled, (10, 1.0), {}, "shrinkage"),
            (erlang.scheduled, (-1, 0.1), {}, "required"),
            (erlang.erlang_a, (10, 12, 180, 0, 20), {}, "patience_s"),
            (erlang.erlang_a_agents, (10, 180, 120, 20, 0), {}, "target"),
            (erlang.erlang_a_agents_abandon, (10, 180, 120, 1), {}, "max_abandon"),
            (erlang.staffing, (-10, 180), {"target_sl": 0.8, "threshold_s": 20}, "load"),
            (erlang.staffing, (10, 0), {"target_sl": 0.8}, "aht_s"),
            (erlang.staffing, (10, 180), {"target_sl": 1.2}, "target_sl"),
            (erlang.staffing, (10, 180), {"target_sl": 0.8, "shrinkage": 1}, "shrinkage"),
            (erlang.staffing, (10, 180), {"max_occupancy": 1.5}, "max_occupancy"),
            (erlang.staffing, (10, 180), {"max_abandon": 0.05}, "max_abandon"),
            (erlang.staffing, (10, 180), {"threshold_s": 20}, "options"),
            (erlang.chat, (10, 5, [300, -1], 20), {}, "aht_s[1]"),
            (erlang.chat, (10, -5, [300], 20), {}, "agents"),
            (erlang.chat_agents, (10, [300], 20, 2), {}, "target"),
            (erlang.plan, ([10, -1], 180, 1800), {"target_sl": 0.8}, "contacts[1]"),
            (erlang.plan, ([10, 20], [180, 0], 1800), {"target_sl": 0.8}, "aht_s[1]"),
            (erlang.plan, ([10], 180, 0), {"target_sl": 0.8}, "interval_s"),
        ]
        for fn, args, kw, name in cases:
            with self.subTest(fn=fn.__name__, args=args, kw=kw):
                e = self.check(fn, *args, **kw)
                self.assertIsInstance(e, omniq.InvalidArgument)
                self.assertIsInstance(e, ValueError)
                self.assertTrue(e.message.startswith(name + ":"), e.message)
                others = [a for a in ("load", "agents", "aht_s", "threshold_s", "target")
                          if a != name and not name.startswith(a)]
                for other in others:  # only the offending argument is named
                    self.assertNotIn(f"{other}=", e.message)
        # an interval without contacts may have any handle time (it is ignored)
        erlang.plan([0, 10], [0, 180], 1800, target_sl=0.8, threshold_s=20)

    def test_range(self):
        e = self.check(erlang.agents_for_service_level, 1e12, 180, 20, 0.8,
                       status=omniq.OQ_ERANGE)
        self.assertIsInstance(e, omniq.OutOfRange)
        self.assertIn("more than INT32_MAX agents", e.message)
        self.check(erlang.erlang_b_agents, 1e12, 0.01, status=omniq.OQ_ERANGE)
        # Loads whose answer would exceed 2**53 once hung the C library.
        self.check(erlang.agents_for_occupancy, 1e308, 1, status=omniq.OQ_ERANGE)
        self.check(erlang.agents_for_occupancy, 1, 1e-300, status=omniq.OQ_ERANGE)
        self.check(erlang.staffing, 2.0 ** 60, 180, max_occupancy=0.9, status=omniq.OQ_ERANGE)
        self.check(erlang.plan, [1e300], 180, 1800, max_occupancy=0.9, status=omniq.OQ_ERANGE)
        self.assertEqual(erlang.agents_for_occupancy(2.0 ** 31 - 1, 1), 2 ** 31 - 1)

    def test_python_side_rejections(self):
        self.check(erlang.erlang_c, "ten", 12, contains="load")
        self.check(erlang.erlang_c, None, 12)
        self.check(erlang.erlang_c, 10, 2 ** 40, contains="out of range")
        self.check(erlang.erlang_c, 10, 12.5, contains="integer")
        self.check(erlang.erlang_c, 10, True)
        self.check(erlang.erlang_b, 10 ** 400, 3)
        self.check(erlang.chat, 10, 5, [], 20, contains="1..64")
        self.check(erlang.chat, 10, 5, [300] * 65, 20)
        self.check(erlang.chat, 10, 5, 300, 20, contains="sequence")
        self.check(erlang.chat, 10, 5, ["x"], 20)
        self.check(erlang.plan, [1, 2], [180], 1800, target_sl=0.8)
        self.check(erlang.plan, 5, 180, 1800, target_sl=0.8)
        self.check(erlang.scheduled, 1.5, 0.2)

    def test_omniq_error_is_an_exception_with_fields(self):
        e = self.check(erlang.erlang_c, -1, 2)
        self.assertIsInstance(e, Exception)
        self.assertEqual(e.function, "oq_erlang_c")
        self.assertEqual(omniq.status_str(omniq.OQ_EINVAL), "invalid argument")


if __name__ == "__main__":
    unittest.main()
