# SPDX-License-Identifier: MIT
"""Business hours in the engine from Python: a queue naming a calendar opens
and closes at the zone's wall-clock times, arrivals after hours follow its
closed action, and the engine's copy answers like the host's calendar."""

import datetime
import unittest

import _support  # noqa: F401  (puts the package on the path)
import omniq
from omniq import Calendar, Engine, OmniqError


def utc_ms(*args):
    return int(datetime.datetime(*args, tzinfo=datetime.timezone.utc).timestamp() * 1000)


class EngineCalendars(unittest.TestCase):
    def setUp(self):
        self.events = []
        self.e = Engine(self.events.append, start_ms=utc_ms(2026, 12, 4, 8))  # a Friday, GMT
        cal = Calendar("ldn", "Europe/London").add_hours("mon-fri", "09:00", "17:30")
        self.e.add_calendar(cal)
        cal.close()
        self.e.channel_add("voice")
        self.e.queue_add("night")
        self.e.queue_add_channel("night", "voice")
        self.e.queue_add("day", calendar="ldn", closed_action="overflow", closed_queue="night")
        self.e.queue_add_channel("day", "voice")

    def tearDown(self):
        self.e.close()

    def test_open_close_events_and_closed_action(self):
        q = self.e.queue_get("day")
        self.assertEqual((q.calendar, q.closed_action, q.closed_queue, q.open),
                         ("ldn", omniq.OQ_CLOSED_OVERFLOW, "night", False))
        self.e.advance(utc_ms(2026, 12, 7, 12))  # Monday noon
        times = [(ev.type, ev.time_ms) for ev in self.events
                 if ev.type in (omniq.OQ_EV_QUEUE_OPENED, omniq.OQ_EV_QUEUE_CLOSED)]
        self.assertEqual(times, [(omniq.OQ_EV_QUEUE_OPENED, utc_ms(2026, 12, 4, 9)),
                                 (omniq.OQ_EV_QUEUE_CLOSED, utc_ms(2026, 12, 4, 17, 30)),
                                 (omniq.OQ_EV_QUEUE_OPENED, utc_ms(2026, 12, 7, 9))])
        self.assertTrue(self.e.queue_get("day").open)
        self.e.contact_arrive("c1", "voice", "day", now_ms=utc_ms(2026, 12, 7, 18))
        self.assertEqual(self.e.contact_get("c1").queue, "night")

    def test_engine_copy_and_errors(self):
        self.assertEqual(self.e.calendar_count, 1)
        copy = self.e.calendar("ldn")
        self.assertTrue(copy.is_open(utc_ms(2026, 12, 7, 10)))
        self.assertFalse(copy.is_open(utc_ms(2026, 12, 5, 10)))  # Saturday
        with self.assertRaises(OmniqError) as cm:
            self.e.remove_calendar("ldn")
        self.assertEqual(cm.exception.status, omniq.OQ_ESTATE)
        self.assertIn("1 queue(s) use it", cm.exception.message)
        with self.assertRaises(OmniqError) as cm:
            self.e.queue_add("x", calendar="nope")
        self.assertEqual(cm.exception.status, omniq.OQ_ENOTFOUND)
        with self.assertRaises(OmniqError):
            self.e.queue_add("y", closed_action="later")

    def test_business_time_waits_in_stats(self):
        # Friday 17:20 (open until 17:30) to Monday 09:05: 10 + 5 min of open time.
        self.e.queue_add("desk", calendar="ldn", closed_action="wait", business_time=True,
                         sla_threshold_s=600, offer_timeout_s=0)
        self.e.queue_add_channel("desk", "voice")
        self.e.agent_add("a")
        self.e.stats_configure()
        self.e.contact_arrive("c1", "voice", "desk", now_ms=utc_ms(2026, 12, 4, 17, 20))
        self.e.agent_login("a", now_ms=utc_ms(2026, 12, 7, 9))
        self.e.offer_accept("c1", "a", now_ms=utc_ms(2026, 12, 7, 9, 5))
        s = self.e.stats_queue("desk")
        wall = (utc_ms(2026, 12, 7, 9, 5) - utc_ms(2026, 12, 4, 17, 20)) / 1000
        self.assertAlmostEqual(s.asa_s, wall)
        self.assertEqual((s.business_answered, s.business_answered_within), (1, 0))
        self.assertAlmostEqual(s.asa_business_s, 15 * 60)
        self.assertEqual((s.answered_within, s.sl_business), (0, 0.0))
        self.assertEqual(self.e.stats_queue("day").business_answered, 0)


if __name__ == "__main__":
    unittest.main()
