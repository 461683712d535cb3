# SPDX-License-Identifier: MIT
"""omniq.plan over the C API: the example plan file run end to end, every figure
checked against what it is made of — paid hours against the shift rows, the
days' service levels against the per-replication counts, the forecast against
omniq.forecast on the same CSV, the first requirement against Erlang C — and
bad plan files that name the file, line and column."""

import datetime as dt
import os
import shutil
import tempfile
import unittest

import _support  # puts the binding first on sys.path
import omniq
from omniq import ConfigError, InvalidArgument, erlang, forecast as fc

EXAMPLE = os.path.join(_support.REPO, "examples", "plan")


class Plan(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = omniq.plan(os.path.join(EXAMPLE, "plan.yaml"), iterations=3, replications=4,
                           seed=5)

    def test_shape(self):
        p = self.p
        self.assertEqual(p.first_date, dt.date(2026, 3, 1))  # the day after the history
        self.assertEqual((p.interval_s, p.replications, len(p.days)), (1800, 4, 7))
        self.assertEqual(p.queues, ["sales", "support"])
        self.assertEqual([g.name for g in p.groups], ["sales", "support"])
        self.assertTrue(1 <= len(p.iterations) <= 4)
        self.assertEqual(p.iterations[0].missed, p.first_missed)
        self.assertEqual(p.iterations[p.best].missed, p.missed)
        self.assertEqual(p.met, p.missed == 0)

    def test_paid_hours_are_the_shifts(self):
        p = self.p
        total = sum(s.count * s.paid_hours for g in p.groups for s in g.shifts)
        self.assertAlmostEqual(total, p.paid_hours, places=9)
        self.assertAlmostEqual(sum(d.paid_hours for d in p.days), p.paid_hours, places=9)
        for g in p.groups:
            self.assertAlmostEqual(sum(s.count * s.paid_hours for s in g.shifts), g.paid_hours)
            for s in g.shifts:  # break-free shifts: paid = length
                self.assertAlmostEqual((s.end_s - s.start_s) / 3600, s.paid_hours)
        self.assertAlmostEqual(p.iterations[p.best].paid_hours, p.paid_hours)

    def test_service_levels_from_the_counts(self):
        p = self.p
        pd = 86400 // p.interval_s
        for d, day in enumerate(p.days):
            mine = p.service_level(None, d * pd, pd)
            self.assertEqual(mine.n, day.service_level.n)
            if mine.n:
                self.assertAlmostEqual(mine.mean, day.service_level.mean, places=12)
                self.assertAlmostEqual(mine.half_width, day.service_level.half_width, places=9)
            for q in p.queues:
                self.assertAlmostEqual(p.service_level(q, d * pd, pd).mean, day.queues[q].mean,
                                       places=12)
        self.assertEqual(p.days[0].service_level.n, 0)  # Sunday: closed, no contacts
        # the center's counts are the queues' summed, in every replication and interval
        for rep in p.counts:
            for i in range(len(rep[0])):
                self.assertEqual(rep[0][i], tuple(map(sum, zip(rep[1][i], rep[2][i]))))
        # 'met' recomputed: no (queue, interval) with contacts whose mean is below target
        below = 0
        for q in range(1, 3):
            for i in range(len(p.counts[0][0])):
                sls = [c[2] / (c[1] + c[3]) for c in (rep[q][i] for rep in p.counts)
                       if c[1] + c[3]]
                below += bool(sls) and sum(sls) / len(sls) < p.target
        self.assertEqual(below, p.missed)
        self.assertEqual([e.n for e in p.interval_service_level("sales")][:16], [0] * 16)

    def test_forecast_and_first_requirement(self):
        p = self.p
        with fc.Series.from_csv(os.path.join(EXAMPLE, "history.csv"), queue="support") as s:
            f = fc.forecast(s, days=7, start=p.first_date)
        self.assertEqual([r.volume for r in f.rows], p.forecast["support"])
        self.assertAlmostEqual(sum(d.contacts for d in p.days),
                               sum(map(sum, p.forecast.values())))
        req = p.groups[1].first_required
        for i, v in enumerate(p.forecast["support"]):
            want = (erlang.agents_for_service_level(v * 315 / 1800, 315, 20, 0.8) if v > 0
                    else 0)  # handle time 300 + wrap-up 15
            self.assertEqual(req[i], want, f"interval {i}")

    def test_bad_files(self):
        with tempfile.TemporaryDirectory() as d:
            for name in os.listdir(EXAMPLE):
                shutil.copy(os.path.join(EXAMPLE, name), d)
            path = os.path.join(d, "bad.yaml")
            with open(path, "w") as fh:
                fh.write("center: center.yaml\nhistory: history.csv\nshifts: shifts.yaml\n"
                         "groups: [{name: a, queues: [sales, nowhere], agents: agents_sales.yaml}]\n")
            with self.assertRaises(ConfigError) as cm:
                omniq.plan(path)
            self.assertIn("bad.yaml:4:36:", cm.exception.message)
            self.assertIn("'nowhere' is the queue of no stream", cm.exception.message)
            with self.assertRaises(ConfigError):
                omniq.plan(os.path.join(d, "missing.yaml"))
        with self.assertRaises(InvalidArgument):
            omniq.plan(os.path.join(EXAMPLE, "plan.yaml"), replications=1)


if __name__ == "__main__":
    unittest.main()
