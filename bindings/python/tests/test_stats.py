# SPDX-License-Identifier: MIT
"""Statistics wrappers (omniq/stats.h) against a small case computed by hand.

One queue 'sales' (T = 20 s), one exclusive voice channel, one agent, short
abandons < 5 s, wait bounds 10 20 30 60, 100-second intervals:

    c1 arrives at 1 s, offered at once, accepted at 11 s   -> wait 10 s (within T)
    c2 arrives at 2 s, abandons at 5 s                      -> wait 3 s (short, within T)
    c3 arrives at 3 s, offered at 40 s (c1 completes), accepted at 50 s -> wait 47 s
    c3 completes at 110 s; the agent is not ready ("lunch") 120..180 s.

offered 3, answered 2, A = 1, abandoned 1 (short 1, within T 1), so the five
service-level definitions are 1/3, 1/3, 1/2, 1/2 and 2/3; ASA 28.5 s;
handle times 29 s and 60 s (AHT 44.5 s).
"""

import unittest

import _support
import omniq
from omniq import Engine, OmniqError, stats


def scenario(events=None):
    e = Engine(on_event=events.append if events is not None else None)
    e.channel_add("voice", exclusive=True)
    e.queue_add("sales", sla_threshold_s=20)
    e.queue_add_channel("sales", "voice")
    e.agent_add("a")
    e.stats_configure(interval_s=100, short_abandon_s=5, wait_bounds_s=[10, 20, 30, 60],
                      window_s=1800, window_bucket_s=60, ring_size=10)
    e.agent_login("a", now_ms=0)
    e.contact_arrive("c1", "voice", "sales", now_ms=1000)
    e.contact_arrive("c2", "voice", "sales", now_ms=2000)
    e.contact_arrive("c3", "voice", "sales", now_ms=3000)
    e.contact_abandon("c2", now_ms=5000)
    e.offer_accept("c1", "a", now_ms=11000)
    e.contact_complete("c1", now_ms=40000)   # c3 is offered to a now
    e.offer_accept("c3", "a", now_ms=50000)
    e.contact_complete("c3", now_ms=110000)
    e.agent_not_ready("a", "lunch", now_ms=120000)
    e.agent_ready("a", now_ms=180000)
    e.advance(200000)
    return e


class Attribution(unittest.TestCase):
    """A contact arriving at 90 s and answered at 110 s (100 s intervals)
    counts in [100, 200) by event and in [0, 100) by arrival."""

    def run_hour(self, attribution):
        e = Engine()
        e.channel_add("voice", exclusive=True)
        e.queue_add("sales", sla_threshold_s=20)
        e.queue_add_channel("sales", "voice")
        e.agent_add("a")
        e.stats_configure(interval_s=100, attribution=attribution)
        self.assertEqual(e.stats_options().attribution, attribution)
        e.contact_arrive("c1", "voice", "sales", now_ms=90000)
        e.agent_login("a", now_ms=110000)
        e.offer_accept("c1", "a", now_ms=110000)
        e.advance(200000)
        return e

    def test_event_and_arrival(self):
        for attribution, want in ((omniq.OQ_ATTRIBUTION_EVENT, (0, 1)),
                                  (omniq.OQ_ATTRIBUTION_ARRIVAL, (1, 0))):
            with self.subTest(attribution=attribution), self.run_hour(attribution) as e:
                got = tuple(s.answered for s in e.stats_intervals())  # oldest first
                self.assertEqual(got, want)

    def test_empty_convention_and_bad_values(self):
        with self.run_hour(omniq.OQ_ATTRIBUTION_ARRIVAL) as e:
            empty = e.stats_intervals()[1]  # [100, 200): nothing arrived
            self.assertEqual(empty.answered + empty.abandoned, 0)
            self.assertEqual(stats.service_level(empty), 0.0)
            self.assertEqual(stats.service_level(empty, if_empty=1.0), 1.0)
            for bad_value in (1.5, -0.1, "x"):
                with self.assertRaises(OmniqError) as cm:
                    stats.service_level(empty, if_empty=bad_value)
                self.assertEqual(cm.exception.status, omniq.OQ_EINVAL)
            with self.assertRaises(OmniqError) as cm:
                e.stats_configure(attribution=2)
            self.assertEqual(cm.exception.status, omniq.OQ_EINVAL)
            self.assertIn("attribution", cm.exception.message)


class StatsByHand(unittest.TestCase):
    def setUp(self):
        self.events = []
        self.e = scenario(self.events)

    def tearDown(self):
        self.e.close()

    def check_day_counts(self, s):
        self.assertEqual((s.offered, s.answered, s.answered_within), (3, 2, 1))
        self.assertEqual((s.abandoned, s.abandoned_short, s.abandoned_within), (1, 1, 1))
        self.assertEqual(s.asa_s, 28.5)
        self.assertEqual(s.max_answered_wait_s, 47.0)
        self.assertEqual(s.mean_abandoned_wait_s, 3.0)
        self.assertAlmostEqual(s.abandon_rate, 1 / 3, places=15)
        self.assertAlmostEqual(s.sl_answered_abandoned, 1 / 3, places=15)
        self.assertAlmostEqual(s.sl_offered, 1 / 3, places=15)
        self.assertEqual(s.sl_offered_no_short, 0.5)
        self.assertEqual(s.sl_answered, 0.5)
        self.assertAlmostEqual(s.sl_asterisk_sl2, 2 / 3, places=15)
        self.assertEqual((s.handled, s.aht_s), (2, 44.5))
        self.assertEqual((s.offers, s.offers_accepted, s.mean_accept_s), (2, 2, 10.0))
        self.assertEqual(s.n_wait_bounds, 4)
        self.assertEqual(s.wait_hist_answered, (0, 1, 0, 1, 0))  # 10 in [10,20), 47 in [30,60)
        self.assertEqual(s.wait_hist_abandoned, (1, 0, 0, 0, 0))
        self.assertEqual((s.waiting_now, s.backlog), (0, 0))

    def test_queue_day(self):
        s = self.e.stats_queue("sales")  # period "day" by default
        self.assertIsInstance(s, stats.QueueStats)
        self.assertEqual((s.scope, s.id, s.period, s.period_name), ("queue", "sales",
                                                                    omniq.OQ_PERIOD_DAY, "day"))
        self.assertEqual((s.start_ms, s.end_ms, s.threshold_s), (0, 200000, 20.0))
        self.check_day_counts(s)
        self.assertEqual(s.agents_ready, 1)
        with self.assertRaises(Exception):  # frozen
            s.offered = 4
        self.assertEqual(self.e.stats("sales"), s)

    def test_flowed_out(self):
        # Transferred out unanswered after 5 s and after 30 s (T = 20 s).
        e = self.e
        e.queue_add("tier2")
        e.queue_add_channel("tier2", "voice")
        e.agent_not_ready("a", now_ms=200000)
        e.contact_arrive("f1", "voice", "sales", now_ms=201000)
        e.contact_arrive("f2", "voice", "sales", now_ms=201000)
        e.contact_transfer("f1", "tier2", now_ms=206000)
        e.contact_transfer("f2", "tier2", now_ms=231000)
        s = e.stats_queue("sales")
        self.assertEqual((s.flowed_out_within, s.flowed_out_after), (1, 1))
        self.assertEqual(s.transferred_out, 2)
        t = e.stats_queue("tier2")
        self.assertEqual((t.flowed_out_within, t.flowed_out_after), (0, 0))

    def test_channel_center_window(self):
        for s in (self.e.stats_channel("voice", "day"), self.e.stats_center(omniq.OQ_PERIOD_DAY),
                  self.e.stats_queue("sales", "window"), self.e.stats()):
            with self.subTest(scope=s.scope, period=s.period_name):
                self.check_day_counts(s)
        self.assertEqual(self.e.stats_channel("voice").threshold_s, -1.0)
        self.assertEqual(self.e.stats_center().id, None)

    def test_service_level_helper(self):
        s = self.e.stats_queue("sales")
        expected = {stats.SL_ANSWERED_ABANDONED: 1 / 3, stats.SL_OFFERED: 1 / 3,
                    stats.SL_OFFERED_NO_SHORT: 1 / 2, stats.SL_ANSWERED: 1 / 2,
                    stats.SL_ASTERISK_SL2: 2 / 3}
        self.assertEqual(set(s.service_levels), set(expected))
        for d, v in expected.items():
            self.assertAlmostEqual(stats.service_level(s, d), v, places=15)
            self.assertEqual(stats.service_level(s, d), s.service_levels[d])
            self.assertEqual(s.service_level(d), s.service_levels[d])
        for name, d in stats.DEFINITIONS.items():
            self.assertEqual(stats.service_level(s, name), expected[d])
        self.assertEqual(stats.definition_name(stats.SL_ANSWERED_ABANDONED),
                         "answered_within_t/(answered+abandoned)")
        self.assertEqual(stats.definition_name("offered"),
                         stats.definition_name(omniq.OQ_SL_OFFERED))
        self.assertEqual(stats.definition_name(99), "unknown")
        self.assertEqual(len({stats.definition_name(d) for d in expected}), 5)

    def test_intervals(self):
        self.assertEqual(self.e.stats_interval_count(), 2)
        closed = [ev for ev in self.events if ev.type == omniq.OQ_EV_INTERVAL_CLOSED]
        self.assertEqual([ev.time_ms for ev in closed], [100000, 200000])
        for iv in (self.e.stats_intervals("sales"), self.e.stats_intervals(channel="voice"),
                   self.e.stats_intervals()):
            self.assertEqual(len(iv), 2)
            first, second = iv  # oldest first
            self.assertEqual([i.period for i in iv], [omniq.OQ_PERIOD_CLOSED] * 2)
            self.assertEqual((first.start_ms, first.end_ms), (0, 100000))
            self.assertEqual((second.start_ms, second.end_ms), (100000, 200000))
            self.assertEqual((first.offered, first.answered, first.abandoned), (3, 2, 1))
            self.assertEqual((first.handled, first.aht_s), (1, 29.0))
            self.assertEqual((second.offered, second.handled, second.aht_s), (0, 1, 60.0))
            self.assertEqual(first.wait_hist_answered, (0, 1, 0, 1, 0))
        self.assertEqual(self.e.stats_intervals("sales")[0].id, "sales")
        cur = self.e.stats_queue("sales", "interval")
        self.assertEqual((cur.start_ms, cur.offered), (200000, 0))

    def test_agent(self):
        a = self.e.stats_agent("a")
        self.assertIsInstance(a, stats.AgentStats)
        self.assertEqual((a.id, a.period, a.state), ("a", omniq.OQ_PERIOD_DAY,
                                                     omniq.OQ_AGENT_READY))
        self.assertEqual((a.start_ms, a.end_ms), (0, 200000))
        self.assertEqual((a.ready_s, a.busy_s, a.not_ready_s, a.wrapup_s, a.offline_s),
                         (31.0, 109.0, 60.0, 0.0, 0.0))
        self.assertEqual(a.logged_in_s, 200.0)
        self.assertAlmostEqual(a.occupancy, 109 / 200, places=15)
        self.assertEqual((a.handled, a.aht_s, a.offers, a.offers_accepted), (2, 44.5, 2, 2))
        self.assertEqual(a.n_reasons, 1)
        self.assertEqual(a.reasons, {"lunch": 60.0})
        self.assertEqual(a.channels, {"voice": 2})
        self.assertEqual(self.e.stats_agent_reason("a", 0), ("lunch", 60.0))
        self.assertEqual(self.e.stats_agent_reason("a", 1)[1], 0.0)  # "(other)"
        self.assertEqual(self.e.stats_agent_channel("a", "voice", "day"), 2)
        iv = self.e.stats_agent("a", "interval")
        self.assertEqual((iv.start_ms, iv.handled), (200000, 0))

    def test_options_and_reset_day(self):
        o = self.e.stats_options()
        self.assertEqual(o, stats.StatsOptions(10, 100.0, 1800.0, 60.0, 5.0,
                                               (10.0, 20.0, 30.0, 60.0)))
        self.e.stats_reset_day(now_ms=250000)
        s = self.e.stats_queue("sales")
        self.assertEqual((s.start_ms, s.offered, s.handled), (250000, 0, 0))
        self.assertEqual(self.e.stats_interval_count(), 2)  # intervals untouched
        with Engine() as e2:
            e2.stats_configure()  # every default
            d = e2.stats_options()
            self.assertEqual((d.ring_size, d.interval_s, d.wait_bounds_s),
                             (96, 900.0, (10.0, 20.0, 30.0, 60.0, 120.0, 300.0)))

    def test_bad_arguments(self):
        e = self.e
        cases = [
            (lambda: e.stats_queue("sales", "week"), omniq.OQ_EINVAL),
            (lambda: e.stats_queue("sales", 7), omniq.OQ_EINVAL),
            (lambda: e.stats_queue("sales", True), omniq.OQ_EINVAL),
            (lambda: e.stats_queue("nope"), omniq.OQ_ENOTFOUND),
            (lambda: e.stats_queue(None), omniq.OQ_EINVAL),
            (lambda: e.stats_channel("nope"), omniq.OQ_ENOTFOUND),
            (lambda: e.stats_center("closed"), omniq.OQ_EINVAL),
            (lambda: e.stats_intervals("nope"), omniq.OQ_ENOTFOUND),
            (lambda: e.stats_intervals("sales", channel="voice"), omniq.OQ_EINVAL),
            (lambda: e.stats_agent("a", "window"), omniq.OQ_EINVAL),
            (lambda: e.stats_agent("nobody"), omniq.OQ_ENOTFOUND),
            (lambda: e.stats_agent_reason("a", 5), omniq.OQ_EINVAL),
            (lambda: e.stats_agent_channel("a", "fax"), omniq.OQ_ENOTFOUND),
            (lambda: e.stats_configure(interval_s=0), omniq.OQ_EINVAL),
            (lambda: e.stats_configure(bogus=1), omniq.OQ_EINVAL),
            (lambda: e.stats_configure(n_wait_bounds=3), omniq.OQ_EINVAL),
            (lambda: e.stats_configure(wait_bounds_s=[20, 10]), omniq.OQ_EINVAL),
            (lambda: e.stats_configure(wait_bounds_s=range(1, 18)), omniq.OQ_EINVAL),
            (lambda: e.stats_configure(wait_bounds_s=5), omniq.OQ_EINVAL),
            (lambda: e.stats_reset_day(now_ms=0), omniq.OQ_EINVAL),  # before the clock
            (lambda: stats.service_level("x"), omniq.OQ_EINVAL),
            (lambda: stats.service_level(e.stats_center(), 99), omniq.OQ_EINVAL),
            (lambda: stats.service_level(e.stats_center(), "sl3"), omniq.OQ_EINVAL),
            (lambda: stats.definition_name(None), omniq.OQ_EINVAL),
        ]
        for i, (call, status) in enumerate(cases):
            with self.subTest(i):
                with self.assertRaises(OmniqError) as cm:
                    call()
                self.assertEqual(cm.exception.status, status, str(cm.exception))
        e.contact_arrive("c9", "voice", "sales")
        with self.assertRaises(OmniqError) as cm:
            e.stats_configure()
        self.assertEqual(cm.exception.status, omniq.OQ_ESTATE)
        self.assertIn("oq_stats_configure", str(cm.exception))
        e.check()

    def test_busy_inside_callback(self):
        seen = {}

        def cb(ev):
            if ev.type == omniq.OQ_EV_OFFERED:
                seen["read"] = e.stats_queue("sales").offered
                try:
                    e.stats_reset_day()
                except OmniqError as exc:
                    seen["reset"] = exc.status

        with Engine(on_event=cb) as e:
            _support.small_center(e)
            e.agent_login("alice", now_ms=0)
            e.contact_arrive("c1", "voice", "sales", now_ms=1)
        self.assertEqual(seen, {"read": 1, "reset": omniq.OQ_EBUSY})

    def test_closed_engine(self):
        e = Engine()
        e.close()
        with self.assertRaises(OmniqError):
            e.stats_center()


if __name__ == "__main__":
    unittest.main()
