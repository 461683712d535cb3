# SPDX-License-Identifier: MIT
"""omniq.simulate (omniq/sim.h): agreement with Erlang C, reproducibility,
build callbacks that fail, every wrapper function called, bad arguments."""

import gc
import os
import pathlib
import tempfile
import unittest
import weakref

import _support
import omniq
from omniq import Dist, Engine, OmniqError, SimAgent, Stream, erlang, sim
from omniq import _lib

try:
    from test_leaks import HEAP_IN_USE
except Exception:  # pragma: no cover
    HEAP_IN_USE = None


def erlang_c_center(n_agents=10, threshold_s=20):
    def build(e):
        assert isinstance(e, Engine) and not e.owned
        e.channel_add("voice", exclusive=True)
        e.queue_add("sales", sla_threshold_s=threshold_s, offer_timeout_s=0)
        e.queue_add_channel("sales", "voice")
        for i in range(n_agents):
            e.agent_add(f"a{i}")
            e.agent_login(f"a{i}")
    return build


VOICE = {"queue": "sales", "channel": "voice", "rate_per_hour": 140,
         "handle": ("exponential", 180)}


def erlang_run(**kw):
    args = dict(replications=8, duration_s=8 * 3600, warmup_s=3600, interval_s=3600,
                seed=1000, check=True)
    args.update(kw)
    return omniq.simulate(erlang_c_center(), [VOICE], **args)


class ErlangC(unittest.TestCase):
    """10 agents, 7 Erlangs (140/h x 180 s), T = 20 s: M/M/10."""

    @classmethod
    def setUpClass(cls):
        cls.r = erlang_run()

    def test_agrees_with_erlang_c(self):
        s = self.r.total.summary
        sl = erlang.service_level(7.0, 10, 180, 20)         # 0.8411
        pw = erlang.erlang_c(7.0, 10)                       # 0.2217
        self.assertEqual(s.replications, 8)
        self.assertTrue(s.service_level.covers(sl), (s.service_level, sl))
        self.assertTrue(s.p_wait.covers(pw), (s.p_wait, pw))
        self.assertTrue(s.occupancy.covers(0.7), s.occupancy)
        self.assertTrue(s.aht_s.covers(180.0), s.aht_s)
        self.assertTrue(0 < s.service_level.half_width < 0.1)
        self.assertAlmostEqual(s.service_level.low, s.service_level.mean -
                               s.service_level.half_width, places=12)
        self.assertEqual(s.service_level.n, 8)
        self.assertAlmostEqual(s.service_level.half_width, sim.t975(7) * s.service_level.sd /
                               8 ** 0.5, places=12)
        self.assertEqual(s.abandon_rate.mean, 0.0)

    def test_shape_and_accounting(self):
        r = self.r
        self.assertEqual((r.seed, r.n_replications, r.interval_s), (1000, 8, 3600.0))
        self.assertEqual((r.total.scope, r.total.id), ("total", "total"))
        self.assertEqual(list(r.queues), ["sales"])
        self.assertEqual(list(r.channels), ["voice"])
        q = r.queues["sales"]
        self.assertEqual((q.scope, q.index), ("queue", 0))
        self.assertEqual(len(r.total.replications), 8)
        self.assertEqual(len(r.total.intervals), 8)
        self.assertEqual(len(r.runs), 8)
        for k, (run, rep, qrep) in enumerate(zip(r.runs, r.total.replications,
                                                 q.replications)):
            self.assertEqual(run.seed, 1000 + k)
            self.assertEqual(run.contacts, run.completed + run.abandoned + run.rejected +
                             run.removed + run.in_system)
            self.assertEqual(run.in_system, run.engine_contacts)
            self.assertEqual(run.check_status, omniq.OQ_OK)
            self.assertEqual(rep.offered, qrep.offered)
            self.assertLess(rep.offered, run.contacts)  # the warm-up hour is not counted
        # intervals pool every arrival of every replication, warm-up included
        self.assertEqual(sum(i.offered for i in r.total.intervals),
                         sum(run.contacts for run in r.runs))
        self.assertEqual(r.final_counts.agents, 10)
        self.assertEqual(r.final_counts.contacts, 0)
        self.assertIsInstance(r.total.replications[0], omniq.SimStats)

    def test_same_seed_same_results(self):
        again = erlang_run()
        self.assertEqual(again, self.r)
        other = erlang_run(seed=1001)
        self.assertNotEqual(other.total.summary, self.r.total.summary)
        # replication r of seed s is replication r-1 of seed s+1
        self.assertEqual(other.total.replications[0], self.r.total.replications[1])


class Features(unittest.TestCase):
    def test_agents_streams_and_inspect(self):
        events = []

        def build(e):
            e.channel_add("voice", exclusive=True)
            e.channel_add("chat", capacity_cost=30, max_per_agent=3)
            e.queue_add("sales", sla_threshold_s=20, offer_timeout_s=15, wrapup_s=5)
            e.queue_add("support", sla_threshold_s=60)
            for q in ("sales", "support"):
                e.queue_add_channel(q, "voice")
                e.queue_add_channel(q, "chat")
            for a in ("ann", "bob", "cy", "dee"):
                e.agent_add(a)
            e.agent_login("dee")
            self.assertIsNotNone(e.replication_seed)

        streams = [
            Stream("sales", "voice", rate_per_hour=40, handle=Dist.lognormal(200, 100),
                   patience=Dist.exponential(90)),
            {"queue": "support", "channel": "chat", "volumes": [5, 10, 0, 8],
             "handle": ("gamma", 300, 2.0), "patience": ("constant", 600), "priority": 2},
            Stream("sales", "chat", rate_per_hour=10, handle=("empirical", [60, 120, 240])),
        ]
        agents = [
            SimAgent("ann", accept_prob=0.9, response=("constant", 3),
                     shifts=[(0, 7200)], breaks=[(1800, 2400, "coffee")]),
            {"id": "bob", "response": Dist.exponential(4), "shifts": [(600, 7200)],
             "breaks": [(3000, 3300)]},
            "cy",  # no shifts: stays logged out as built
        ]
        r = omniq.simulate(build, streams, agents, seed=7, replications=3, duration_s=3600,
                           drain_s=3600, interval_s=900, short_abandon_s=10, start_ms=10_000,
                           default_accept_prob=1.0, default_response=("constant", 1),
                           check=True, on_event=events.append,
                           inspect=lambda e: (e.stats_center().offered, e.owned))
        self.assertEqual(list(r.queues), ["sales", "support"])
        self.assertEqual(list(r.channels), ["voice", "chat"])
        self.assertEqual(len(r.total.intervals), 4)
        for run in r.runs:
            self.assertEqual(run.check_status, 0)
            self.assertEqual(run.contacts, run.completed + run.abandoned + run.rejected +
                             run.removed + run.in_system)
        for k in range(3):
            tot = r.total.replications[k].offered
            self.assertEqual(tot, sum(q.replications[k].offered for q in r.queues.values()))
            self.assertEqual(tot, sum(c.replications[k].offered for c in r.channels.values()))
        # the last engine's own statistics saw every contact of the last replication
        self.assertEqual(r.inspected, (r.runs[-1].contacts, False))
        self.assertGreater(r.events, 0)
        self.assertEqual(r.events, len(events))
        self.assertTrue(all(isinstance(ev, omniq.Event) for ev in events[:10]))
        self.assertEqual(events[0].time_ms, 10_000)

    def test_engine_stats(self):
        """Which replication engines keep statistics changes no result; "none"
        leaves the inspected engine without them (its reads raise OQ_ESTATE)."""
        def stats_or_status(e):
            try:
                return e.stats_center().offered
            except OmniqError as exc:
                return exc.status
        runs = {mode: erlang_run(replications=3, duration_s=4 * 3600, engine_stats=mode,
                                 inspect=stats_or_status)
                for mode in (None, "last", "all", "none")}
        base = runs[None]
        for mode, r in runs.items():
            self.assertEqual(r.total.replications, base.total.replications, mode)
            self.assertEqual(r.runs, base.runs, mode)
        self.assertEqual(base.inspected, base.runs[-1].contacts)
        self.assertEqual(runs["all"].inspected, base.runs[-1].contacts)
        self.assertEqual(runs["none"].inspected, omniq.OQ_ESTATE)
        for wrong in ("some", 2, ""):
            with self.assertRaises(OmniqError) as cm:
                erlang_run(engine_stats=wrong)
            self.assertEqual(cm.exception.status, omniq.OQ_EINVAL)
            self.assertIn("engine_stats", cm.exception.message)
        if _lib.has_symbol("oq_scenario_load_file"):
            path = os.path.join(_support.REPO, "examples", "omnichannel-day.yaml")
            a = omniq.simulate_file(path, replications=1, engine_stats="none",
                                    inspect=stats_or_status)
            b = omniq.simulate_file(path, replications=1, engine_stats="all")
            self.assertEqual(a.total.replications, b.total.replications)
            self.assertEqual(a.inspected, omniq.OQ_ESTATE)
            with self.assertRaises(OmniqError):
                omniq.simulate_file(path, engine_stats="some")

    def test_on_event_errors_become_callback_error(self):
        def cb(ev):
            raise ValueError("sink")
        with self.assertRaises(omniq.CallbackError) as cm:
            omniq.simulate(erlang_c_center(2), [VOICE], replications=1, duration_s=600,
                           on_event=cb)
        self.assertIsInstance(cm.exception.__cause__, ValueError)

    def test_names(self):
        self.assertAlmostEqual(sim.t975(1), 12.706, places=3)
        self.assertAlmostEqual(sim.t975(10 ** 6), 1.96, places=2)
        names = {k: sim.dist_name(k) for k in range(6)}
        self.assertEqual(names[omniq.OQ_DIST_EXPONENTIAL], "exponential")
        self.assertEqual(Dist.gamma(1, 2).name, "gamma")
        self.assertEqual(len(set(names.values())), 6)
        self.assertEqual(sim.dist_name(99), "unknown")


class Boom(Exception):
    pass


class BuildFailures(unittest.TestCase):
    def test_exception_is_reraised(self):
        seen = []

        def build(e):
            seen.append(e)
            e.channel_add("voice")
            raise Boom("no center today")

        with self.assertRaises(Boom) as cm:
            omniq.simulate(build, [VOICE], replications=3, duration_s=60)
        self.assertEqual(str(cm.exception), "no center today")
        self.assertEqual(len(seen), 1)        # the run stopped at the first failure
        self.assertTrue(seen[0].closed)       # the borrowed wrapper is detached ...
        self.assertFalse(seen[0].owned)
        with self.assertRaises(OmniqError):   # ... and refuses to be used
            seen[0].counts()
        seen[0].close()                       # never destroys the simulator's engine

    def test_base_exceptions_and_omniq_errors(self):
        def exits(e):
            raise SystemExit(3)
        with self.assertRaises(SystemExit):
            omniq.simulate(exits, [VOICE], replications=1, duration_s=60)

        def dup(e):
            e.channel_add("voice")
            e.channel_add("voice")
        with self.assertRaises(OmniqError) as cm:
            omniq.simulate(dup, [VOICE], replications=1, duration_s=60)
        self.assertEqual(cm.exception.status, omniq.OQ_EEXIST)
        self.assertEqual(cm.exception.function, "oq_channel_add")

    def test_close_and_keep_in_build(self):
        kept = []

        def build(e):
            erlang_c_center(1)(e)
            e.close()                 # detaches only: the run goes on
            kept.append(e)

        with self.assertRaises(OmniqError):  # the closed wrapper refuses; nothing crashes
            omniq.simulate(lambda e: (build(e), e.agent_add("x")), [VOICE], replications=1,
                           duration_s=60)
        r = omniq.simulate(build, [VOICE], replications=2, duration_s=600)
        self.assertGreater(r.total.summary.offered.mean, 0)
        gc.collect()

    def test_nothing_leaks(self):
        class Build:
            def __call__(self, e):
                e.channel_add("voice")
                raise Boom()

        b = Build()
        ref = weakref.ref(b)
        try:
            omniq.simulate(b, [VOICE], replications=1, duration_s=60)
        except Boom:
            pass
        del b
        gc.collect()
        self.assertIsNone(ref())              # no reference cycle through the callback

        def cycle(n):
            for _ in range(n):
                try:
                    omniq.simulate(Build(), [VOICE], replications=2, duration_s=60)
                except Boom:
                    pass
                omniq.simulate(erlang_c_center(2), [VOICE], replications=1, duration_s=300)
            gc.collect()

        cycle(20)
        if HEAP_IN_USE is None:
            return
        before = HEAP_IN_USE()
        cycle(200)
        grown = HEAP_IN_USE() - before
        self.assertLess(grown, 256 * 1024, f"C heap grew by {grown} bytes over 200 runs")


class BadArguments(unittest.TestCase):
    def check(self, status, *args, **kw):
        with self.assertRaises(OmniqError) as cm:
            omniq.simulate(*args, **kw)
        self.assertEqual(cm.exception.status, status, str(cm.exception))
        return cm.exception

    def test_refused(self):
        b = erlang_c_center(2)
        E = omniq.OQ_EINVAL
        self.check(E, None, [VOICE])
        self.check(E, b, [])
        self.check(E, b, VOICE)                               # a dict, not a list
        self.check(E, b, [42])
        self.check(E, b, [dict(VOICE, colour="red")])
        self.check(E, b, [dict(VOICE, handle=("weibull", 3))])
        self.check(E, b, [dict(VOICE, handle=180)])
        self.check(E, b, [dict(VOICE, queue=None)])
        self.check(E, b, [dict(VOICE, volumes=["x"])])
        self.check(E, b, [VOICE], [("a0",)])
        self.check(E, b, [VOICE], [{"id": "a0", "shifts": [(0,)]}])
        self.check(E, b, [VOICE], replications=0)
        self.check(E, b, [VOICE], seed=-1)
        self.check(E, b, [VOICE], on_event=1)
        self.check(E, b, [VOICE], inspect="x")
        self.check(E, b, [VOICE], duration_s="1h")
        err = self.check(E, b, [dict(VOICE, handle=("exponential", -1))])
        self.assertIn("streams[0].handle", err.message)       # oq_sim_options_check
        err = self.check(E, b, [VOICE], warmup_s=-5)
        self.assertIn("warmup", err.message)
        err = self.check(omniq.OQ_ECONFIG, b, [dict(VOICE, queue="nope")], duration_s=60)
        self.assertIn("streams[0].queue", err.message)        # oq_sim_last_error
        self.check(omniq.OQ_ECONFIG, b, [VOICE], [SimAgent("ghost")], duration_s=60)
        with self.assertRaises(OmniqError):
            sim.t975(0)

    def test_simulate_file(self):
        if _lib.has_symbol("oq_scenario_load_file"):
            self.skipTest("library has a scenario loader: see test_simulate_file_example")
        with self.assertRaises(NotImplementedError) as cm:
            omniq.simulate_file("scenario.yaml")
        self.assertIn("oq_scenario_load_file", str(cm.exception))
        with self.assertRaises(OmniqError):
            omniq.simulate_file(None)

    @unittest.skipUnless(_lib.has_symbol("oq_scenario_load_file"), "no scenario loader")
    def test_simulate_file_example(self):
        """examples/omnichannel-day.yaml through oq_scenario_load_file."""
        path = os.path.join(_support.REPO, "examples", "omnichannel-day.yaml")
        r = omniq.simulate_file(path, replications=1)
        self.assertIsInstance(r, omniq.SimulationResult)
        self.assertEqual(r.n_replications, 1)
        self.assertEqual(len(r.runs), 1)
        self.assertIn("sales_mandarin", r.queues)
        self.assertGreaterEqual(len(r.queues), 5)
        for qid, q in r.queues.items():
            self.assertEqual(q.id, qid)
            self.assertEqual(q.scope, "queue")
            self.assertEqual(q.summary.replications, 1)
            self.assertEqual(len(q.replications), 1)
            self.assertGreaterEqual(q.summary.offered.mean, 0)
        self.assertGreater(r.total.summary.offered.mean, 1000)
        self.assertTrue(0 < r.total.summary.service_level.mean <= 1)
        self.assertEqual(r.total.replications[0].offered,
                         sum(q.replications[0].offered for q in r.queues.values()))
        # reproducible; the seed override changes the draw
        again = omniq.simulate_file(pathlib.Path(path), replications=1)
        self.assertEqual(again.total.replications, r.total.replications)
        other = omniq.simulate_file(path, seed=r.seed + 1000, replications=1)
        self.assertEqual(other.seed, r.seed + 1000)
        self.assertNotEqual(other.total.replications, r.total.replications)

    @unittest.skipUnless(_lib.has_symbol("oq_scenario_load_file"), "no scenario loader")
    def test_simulate_file_errors(self):
        with self.assertRaises(OmniqError) as cm:
            omniq.simulate_file("/nonexistent/scenario.yaml")
        self.assertEqual(cm.exception.status, omniq.OQ_ECONFIG)
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.yaml")
            with open(bad, "w", encoding="utf-8") as fh:
                fh.write("channels:\n  voice: {exclusive: true}\nqueues:\n  q: {channels: [voice]}\n"
                         "simulation:\n  streams:\n    - {queue: nope, channel: voice, "
                         "rate_per_hour: 10}\n")
            with self.assertRaises(OmniqError) as cm:
                omniq.simulate_file(bad)
            self.assertEqual(cm.exception.status, omniq.OQ_ECONFIG)
            self.assertIn("bad.yaml", cm.exception.message)
            self.assertTrue(cm.exception.path)
        for kw in ({"seed": -1}, {"replications": 0}, {"on_event": 3}, {"inspect": "x"}):
            with self.assertRaises(OmniqError):
                omniq.simulate_file("x.yaml", **kw)


class EveryWrapperCalled(unittest.TestCase):
    """Each stats.h / sim.h function is called at least once by the binding."""

    def test_coverage(self):
        lib = _lib.load()
        names = [n for n in _lib.OPTIONAL_PROTOTYPES
                 if n.startswith(("oq_stats_", "oq_sim_", "oq_sl_"))]
        self.assertEqual(len(names), 36)
        calls = dict.fromkeys(names, 0)
        originals = {n: getattr(lib, n) for n in names}

        def wrap(n, fn):
            def counted(*a):
                calls[n] += 1
                return fn(*a)
            return counted

        for n, fn in originals.items():
            setattr(lib, n, wrap(n, fn))
        try:
            import test_stats
            e = test_stats.scenario()
            e.stats_options()
            e.stats_queue("sales"), e.stats_channel("voice"), e.stats_center()
            e.stats_intervals("sales"), e.stats_intervals(channel="voice"), e.stats_intervals()
            e.stats_agent("a")
            e.stats_reset_day()
            omniq.stats.service_level(e.stats_center(), "offered")
            omniq.stats.service_level(e.stats_center(), "offered", if_empty=1.0)
            omniq.stats.definition_name(1)
            e.close()
            omniq.simulate(erlang_c_center(2), [VOICE], [SimAgent("a0")], replications=2,
                           duration_s=600)
            sim.t975(3), sim.dist_name(2)
            try:
                omniq.simulate(erlang_c_center(2), [dict(VOICE, queue="x")], duration_s=60)
            except OmniqError:
                pass
        finally:
            for n, fn in originals.items():
                setattr(lib, n, fn)
        self.assertEqual([n for n, c in calls.items() if c == 0], [])


if __name__ == "__main__":
    unittest.main()
