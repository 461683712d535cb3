# SPDX-License-Identifier: MIT
"""omniq.schedule: problems, solvers, results checked by coverage recomputed
here from the shift rows, files with their errors, rosters and their rules."""

import itertools
import os
import tempfile
import unittest

import _support  # noqa: F401  (path and library set-up)
import omniq
import omniq.schedule as sch

HOUR = 3600.0


def recount(result):
    """Working agents per interval from the rows (shift minus breaks)."""
    n, iv = result.n_intervals, result.interval
    cov = [0] * n
    for s in result.shifts:
        for k in range(s.length):
            cov[(s.start + k) % n] += s.count
        for b0, b1, _paid in s.breaks:
            for k in range(round((b1 - b0) / iv)):
                cov[(round(b0 / iv) + k) % n] -= s.count
    return cov


def day_problem(req, wrap=False):
    p = sch.Problem(days=1, interval=HOUR, wrap=wrap)
    p.set_required(req)
    return p


class TestSolve(unittest.TestCase):
    def test_flow_is_optimal_against_exhaustive_search(self):
        req = [0] * 7 + [1, 2, 3, 3, 2, 2, 3, 3, 2, 1, 1] + [0] * 6
        p = day_problem(req)
        p.add_template(sch.Template("six", (7 * HOUR, 12 * HOUR), 6 * HOUR))
        p.add_template(sch.Template("four", (7 * HOUR, 14 * HOUR), 4 * HOUR, cost_per_hour=1.1))
        r = p.solve()
        self.assertEqual((r.status, r.solver), ("optimal", "flow"))
        cov = recount(r)
        self.assertEqual(cov, r.coverage)
        self.assertTrue(all(c >= q for c, q in zip(cov, req)))
        self.assertAlmostEqual(r.paid_hours, sum(s.paid_hours * s.count for s in r.shifts))
        # exhaustive: 6 six-hour starts and 8 four-hour starts, at most 3 each
        cols = [(st, 6, 6.0) for st in range(7, 13)] + [(st, 4, 4.4) for st in range(7, 15)]
        best = float("inf")
        for x in itertools.product(range(4), repeat=6):
            base = [0] * 24
            cost6 = 0.0
            for (st, ln, c), k in zip(cols[:6], x):
                cost6 += k * c
                for i in range(ln):
                    base[st + i] += k
            if cost6 >= best:
                continue
            # the four-hour shifts then fill the rest greedily left to right
            # (optimal for consecutive-ones with equal lengths from the left)
            cov4, cost = base[:], cost6
            for t in range(24):
                while cov4[t] < req[t]:
                    st = min(t, 14)
                    if st < 7:
                        cost = float("inf")
                        break
                    for i in range(4):
                        if st + i < 24:
                            cov4[st + i] += 1
                    cost += 4.4
                if cost == float("inf"):
                    break
            best = min(best, cost)
        self.assertAlmostEqual(r.objective, best, places=6)
        r.close()
        p.close()

    def test_soft_objective_and_service_level_penalty(self):
        p = sch.Problem(days=1, interval=HOUR)
        p.add_template(sch.Template("hour", (0, 23 * HOUR), HOUR))
        req = [0] * 24
        req[9], req[14] = 3, 40
        load = [0.0] * 24
        load[9], load[14] = 1.5, 33.0
        p.set_required(req)
        p.set_traffic(load, [300.0] * 24)
        r = p.solve(objective="soft", under_penalty=0.1, sl_penalty=10)
        self.assertEqual(r.status, "optimal")
        self.assertEqual(r.coverage[9], 3)
        self.assertLess(r.coverage[14], 40)
        self.assertEqual(r.under, sum(max(0, q - c) for q, c in zip(req, r.coverage)))

    def test_breaks_builtin_and_cbc(self):
        req = [0] * 8 + [2, 3, 3, 2, 3, 3, 2, 2, 1, 1] + [0] * 6
        p = day_problem(req)
        p.add_template(sch.Template("duty7", (8 * HOUR, 11 * HOUR), 7 * HOUR,
                                    breaks=[sch.Break(HOUR, 2 * HOUR, 4 * HOUR)]))
        r = p.solve(solver="builtin", time_limit=2)
        self.assertEqual(r.solver, "heuristic")
        self.assertIn(r.status, ("optimal", "feasible"))
        cov = recount(r)
        self.assertEqual(cov, r.coverage)
        self.assertTrue(all(c >= q for c, q in zip(cov, req)))
        self.assertLessEqual(r.lower_bound, r.objective + 1e-9)
        for s in r.shifts:
            for b0, b1, paid in s.breaks:
                self.assertFalse(paid)
                self.assertGreaterEqual(b0 - s.start_s, 2 * HOUR)
                self.assertLessEqual(b0 - s.start_s, 4 * HOUR)
        if sch.cbc_available():
            c = p.solve(solver="cbc", time_limit=20)
            self.assertEqual((c.status, c.solver), ("optimal", "cbc"))
            self.assertTrue(all(x >= q for x, q in zip(recount(c), req)))
            self.assertLessEqual(c.objective, r.objective + 1e-9)
            self.assertGreaterEqual(c.objective, r.lower_bound - 1e-9)
            self.assertTrue(sch.cbc_version())

    def test_tours(self):
        p = sch.Problem(days=7, interval=12 * HOUR)
        p.set_required([2, 0] * 5 + [1, 0] * 2)
        p.add_template(sch.Template("day", (0, 0), 12 * HOUR))
        p.add_tour(sch.Tour("5x2", "day"))
        r = p.solve(time_limit=5)
        self.assertTrue(all(c >= q for c, q in zip(recount(r), p.required)))
        self.assertTrue(r.tours)
        for t in r.tours:
            self.assertEqual(len(t.days), 5)
            self.assertEqual(len(t.shifts), 5)

    def test_calendar_bounds_the_shifts(self):
        cal = omniq.Calendar.loads("calendars:\n  desk:\n    time_zone: UTC\n    hours:\n"
                                   "      mon-sun: 08:00-20:00\n")
        p = day_problem([0] * 10 + [2] * 4 + [0] * 10)
        p.add_template(sch.Template("four", (0, 23 * HOUR), 4 * HOUR))
        free = p.solve()
        r = p.solve(calendar=cal)
        self.assertEqual(r.status, "optimal")
        self.assertTrue(all(c >= q for c, q in zip(recount(r), p.required)))
        for s in r.shifts:
            self.assertGreaterEqual(s.start_s, 8 * HOUR)
            self.assertLessEqual(s.end_s, 20 * HOUR)
        self.assertLessEqual(free.objective, r.objective)
        with self.assertRaises(omniq.OmniqError):
            p.solve(calendar="desk")

    def test_infeasible_says_why(self):
        p = day_problem([0, 0, 2] + [0] * 21)
        p.add_template(sch.Template("day", (8 * HOUR, 10 * HOUR), 8 * HOUR))
        r = p.solve()
        self.assertEqual(r.status, "infeasible")
        self.assertIn("no shift template covers it", r.message)

    def test_bad_input(self):
        p = day_problem([1] * 24)
        with self.assertRaises(omniq.OmniqError) as cm:
            p.add_template(sch.Template("x", (0, 0), 8 * HOUR,
                                        breaks=[sch.Break(HOUR, 7 * HOUR, 8 * HOUR)]))
        self.assertIn("breaks[0].window", cm.exception.message)
        self.assertEqual(cm.exception.status, omniq.OQ_EINVAL)
        with self.assertRaises(omniq.OmniqError):
            p.set_required([-1])
        with self.assertRaises(omniq.OmniqError):
            p.solve()  # no template
        with self.assertRaises(omniq.OmniqError):
            p.solve(objective="maybe")
        with self.assertRaises(omniq.OmniqError):
            sch.Problem(interval=700)


class TestFiles(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_staff_csv_and_shift_file(self):
        csv = self.write("staff.csv",
                         "interval,contacts,aht,load,required,scheduled,service_level,asa,"
                         "occupancy,p_abandon\n"
                         "08:00,20,180,4,7,8,0.85,10,0.57,0\n08:15,30,180,6,9,10,0.8,12,0.6,0\n")
        p = sch.Problem.from_csv(csv)
        self.assertEqual(p.intervals, 96)
        self.assertEqual(p.required[32:34], [7, 9])
        p.load_shifts(text="templates:\n  - {name: two, start_window: ['07:00', '08:00'], "
                           "length: 2h}\n", name="s.yaml")
        self.assertEqual(p.templates, ["two"])
        r = p.solve()
        self.assertEqual(r.status, "optimal")
        self.assertTrue(all(c >= q for c, q in zip(recount(r), p.required)))
        gap = self.write("gap.csv", "start,required\n2024-01-01 08:00,1\n2024-01-01 09:00,1\n"
                                    "2024-01-01 09:30,1\n")
        with self.assertRaises(omniq.OmniqError) as cm:
            sch.Problem.from_csv(gap)
        self.assertIn(":4:1:", cm.exception.message)
        with self.assertRaises(omniq.OmniqError) as cm:
            p.load_shifts(text="templates:\n  - {name: bad, start_window: [0, 0], length: 2h,"
                               " breaks: [{length: 1h, window: [0, 2h]}]}\n", name="b.yaml")
        self.assertIn("b.yaml:2:", cm.exception.message)
        self.assertIn("inside", cm.exception.message)

    def test_agents_file(self):
        p = sch.Problem()
        agents, rules = sch.load_agents(problem=p, text=(
            "rules: {min_rest: 12h}\nagents:\n  - {id: a, count: 2, skills: [chat], "
            "hours: [10, 20], off_days: weekend}\n"))
        self.assertEqual([a.id for a in agents], ["a001", "a002"])
        self.assertEqual(agents[0].off_days, ["sat", "sun"])
        self.assertEqual(rules["min_rest"], 12 * HOUR)


class TestRoster(unittest.TestCase):
    def test_rules_hold(self):
        p = sch.Problem(interval=HOUR)
        req = []
        for _ in range(7):
            req += [0] * 7 + [2] * 8 + [1] * 7 + [0] * 2
        p.set_required(req)
        p.add_template(sch.Template("early", (7 * HOUR, 7 * HOUR), 8 * HOUR,
                                    breaks=[sch.Break(HOUR, 3 * HOUR, 4 * HOUR)]))
        p.add_template(sch.Template("late", (14 * HOUR, 14 * HOUR), 8 * HOUR, skills=["chat"]))
        r = p.solve(time_limit=2)
        agents = [sch.Agent(f"a{i}", skills=["chat"] if i < 2 else [], max_hours=40)
                  for i in range(6)]
        agents[5].off_days = ["sat", "sun"]
        ro = r.roster(agents, min_rest=11 * HOUR, max_consecutive_days=5)
        self.assertEqual(len(ro.agents), 6)
        given = 0
        for a, ar in zip(agents, ro.agents):
            days = set()
            for k, s in enumerate(ar.shifts):
                row = r.shifts[s.shift_row]
                if row.template == "late":
                    self.assertIn("chat", a.skills)
                self.assertNotIn(s.day, days)
                days.add(s.day)
                if a.off_days:
                    self.assertNotIn(s.day, (5, 6))
                if k:
                    self.assertGreaterEqual(s.start_s - ar.shifts[k - 1].end_s, 11 * HOUR)
            self.assertLessEqual(ar.hours, 40 + 1e-9)
            self.assertEqual(len(ar.sim_shifts), len(ar.shifts))
            for b0, b1 in ar.sim_breaks:
                self.assertTrue(any(s0 <= b0 and b1 <= s1 for s0, s1 in ar.sim_shifts))
            given += len(ar.shifts)
        self.assertEqual(given, ro.summary.assigned)
        total = sum(s.count for s in r.shifts)
        self.assertEqual(ro.summary.assigned + ro.summary.unassigned, total)
        if ro.summary.unassigned:
            self.assertTrue(any(v.rule == "unassigned" for v in ro.violations))
        with self.assertRaises(omniq.OmniqError):
            r.roster([sch.Agent("x"), sch.Agent("x")])


if __name__ == "__main__":
    unittest.main()
