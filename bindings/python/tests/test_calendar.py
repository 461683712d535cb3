# SPDX-License-Identifier: MIT
"""omniq.Calendar: local time against Python's zoneinfo (an independent reader
of the same tz database), business time against a minute-by-minute count done
here with zoneinfo, the example calendar file, file errors with line and
column, bad arguments, the constants against calendar.h."""

import datetime
import os
import random
import re
import unittest
import zoneinfo

import _support
import omniq
from omniq import Calendar, OmniqError

UTC = datetime.timezone.utc
MIN = 60_000
HOUR = 3_600_000
EXAMPLE = os.path.join(_support.REPO, "examples", "calendars.yaml")


def ms(dt):
    return int(dt.timestamp() * 1000)


def utc(*args):
    return ms(datetime.datetime(*args, tzinfo=UTC))


class Constants(unittest.TestCase):
    def test_mirrors_of_calendar_h(self):
        with open(os.path.join(_support.REPO, "include", "omniq", "calendar.h"),
                  encoding="utf-8") as fh:
            defines = dict(re.findall(r"#define (OQ_\w+)\s+(-?\d+)", fh.read()))
        self.assertGreaterEqual(len(defines), 5)
        for name, value in defines.items():
            self.assertEqual(getattr(omniq, name), int(value), name)


class LocalTime(unittest.TestCase):
    def test_to_local_matches_zoneinfo(self):
        rnd = random.Random(19)
        for zone in ("Europe/London", "America/New_York", "Asia/Shanghai", "Australia/Sydney"):
            with Calendar("z", zone) as cal:
                zi = zoneinfo.ZoneInfo(zone)
                for _ in range(500):
                    t = rnd.randrange(utc(1950, 1, 1), utc(2090, 1, 1)) // 1000 * 1000
                    want = datetime.datetime.fromtimestamp(t / 1000, zi)
                    got = cal.to_local(t)
                    self.assertEqual(got.date, want.date(), (zone, t))
                    self.assertEqual(got.time, want.time().replace(tzinfo=None), (zone, t))
                    self.assertEqual(got.utc_offset_s, want.utcoffset().total_seconds(), (zone, t))
                    self.assertEqual(got.is_dst, bool(want.dst()), (zone, t))
                    self.assertEqual(ms(got.datetime), t)

    def test_from_local_gap_and_fold(self):
        with Calendar("lon", "Europe/London") as cal:
            self.assertEqual(cal.from_local("2026-03-29", "01:30"), utc(2026, 3, 29, 1, 0))  # gap
            self.assertEqual(cal.from_local("2026-10-25", "01:30"), utc(2026, 10, 25, 0, 30))  # fold
            self.assertEqual(cal.from_local(datetime.date(2026, 7, 1), datetime.time(9)),
                             utc(2026, 7, 1, 8, 0))


class BusinessTime(unittest.TestCase):
    def _oracle(self, zone, start, days, is_open):
        """Open flags of every minute from `start` (UTC ms) for `days` days."""
        zi = zoneinfo.ZoneInfo(zone)
        flags = []
        for m in range(days * 1440):
            loc = datetime.datetime.fromtimestamp((start + m * MIN) / 1000, zi)
            flags.append(is_open(loc))
        return flags

    def test_against_minute_count_across_dst(self):
        cal = Calendar("desk", "America/New_York")
        cal.add_hours("mon-fri", "08:00", "12:00").add_hours("mon-fri", "13:00", "17:30")
        cal.add_hours("sat", "22:00", "02:00")  # Saturday night into Sunday
        cal.add_hours("sun", "03:00", "05:00").add_holiday("us", "2026-11-03", "Election Day")
        cal.close_day("2026-11-05").set_day_hours("2026-11-06", "10:00", "11:00", "short")

        def is_open(loc):
            d, h = loc.date(), loc.hour * 60 + loc.minute
            if d == datetime.date(2026, 11, 6):
                return 600 <= h < 660
            if d in (datetime.date(2026, 11, 3), datetime.date(2026, 11, 5)):
                return False
            wd = d.weekday()
            if wd < 5 and (480 <= h < 720 or 780 <= h < 1050):
                return True
            if wd == 5 and h >= 1320:
                return True
            if wd == 6 and (h < 120 or 180 <= h < 300):
                return True
            return False

        start, days = utc(2026, 10, 27), 14  # holds the 2026-11-01 fall-back
        flags = self._oracle("America/New_York", start, days, is_open)
        prefix = [0]
        for f in flags:
            prefix.append(prefix[-1] + f)
        rnd = random.Random(7)
        for _ in range(300):
            a, b = sorted(rnd.randrange(len(flags) + 1) for _ in range(2))
            self.assertEqual(cal.business_ms(start + a * MIN, start + b * MIN),
                             (prefix[b] - prefix[a]) * MIN, (a, b))
            m = rnd.randrange(len(flags))
            self.assertEqual(cal.is_open(start + m * MIN + 1), flags[m])
            n = rnd.randrange(1, 1500)
            ends = [x + 1 for x in range(m, len(flags)) if prefix[x + 1] - prefix[m] == n]
            if ends:
                self.assertEqual(cal.add_business_ms(start + m * MIN, n * MIN), start + ends[0] * MIN)
        cal.close()

    def test_deadline_across_weekend_and_holiday(self):
        with Calendar("weibo", "Asia/Shanghai") as cal:
            cal.add_hours("mon-fri", "09:00", "18:00")
            cal.add_holiday("cn-2026", "2026-09-25", "Mid-Autumn Festival")
            t = cal.from_local("2026-09-24", "17:00")
            due = cal.add_business_ms(t, datetime.timedelta(hours=2))
            self.assertEqual(due, cal.from_local("2026-09-28", "10:00"))
            self.assertEqual(cal.business_ms(t, due), 2 * HOUR)
            self.assertEqual(cal.day_kind("2026-09-25"), ("holiday", "Mid-Autumn Festival"))
            self.assertEqual(cal.next_open(cal.from_local("2026-09-24", "18:00")),
                             cal.from_local("2026-09-28", "09:00"))
            self.assertEqual(cal.next_close(t), cal.from_local("2026-09-24", "18:00"))
            aware = datetime.datetime(2026, 9, 24, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
            self.assertTrue(cal.is_open(aware))

    def test_never_closes_is_none(self):
        with Calendar("ops", "UTC") as cal:
            self.assertIsNone(cal.next_close(0))
            self.assertEqual(cal.business_ms(0, 7 * 86_400_000), 7 * 86_400_000)


class Files(unittest.TestCase):
    def test_example(self):
        self.assertEqual(Calendar.ids(EXAMPLE), ["shanghai-ecommerce", "shanghai-backoffice",
                                                 "shanghai-livestream", "london-support"])
        with Calendar.load(EXAMPLE, "shanghai-ecommerce") as shop:
            self.assertEqual(shop.time_zone, "Asia/Shanghai")
            self.assertEqual(shop.day_kind("2026-02-16"), ("holiday", "春节 Spring Festival"))
            self.assertEqual(shop.open_ms_of_day("2026-11-11"), 24 * HOUR)
            copy = shop.copy()
        self.assertEqual(copy.day_kind("2026-02-18")[0], "special")
        copy.close()
        copy.close()  # idempotent
        with Calendar.load(EXAMPLE, "london-support") as lon:
            self.assertEqual(lon.from_local("2026-06-01", "08:00"), utc(2026, 6, 1, 7, 0))

    def test_errors_name_line_and_column(self):
        text = "calendars:\n  desk:\n    time_zone: UTC\n    hours:\n      mon: 9-18\n"
        with self.assertRaises(OmniqError) as cm:
            Calendar.loads(text, "desk", name="desk.yaml")
        e = cm.exception
        self.assertEqual(e.name, "OQ_ECONFIG")
        self.assertEqual((e.line, e.column, e.path), (5, 12, "desk.yaml"))
        self.assertIn("desk.yaml:5:12: calendars.desk.hours.mon: expected a range", e.message)
        with self.assertRaises(OmniqError) as cm:
            Calendar.load(EXAMPLE, "nowhere")
        self.assertEqual(cm.exception.name, "OQ_ENOTFOUND")
        with self.assertRaises(OmniqError) as cm:
            Calendar.load(EXAMPLE)
        self.assertEqual(cm.exception.name, "OQ_EINVAL")
        self.assertIn("defines 4 calendars", cm.exception.message)
        self.assertEqual(Calendar.ids(text="calendars: {a: {time_zone: UTC}}"), ["a"])


class BadArguments(unittest.TestCase):
    def test_refused_with_clear_errors(self):
        with self.assertRaises(OmniqError) as cm:
            Calendar("x", "Mars/Olympus_Mons")
        self.assertIn("unknown time zone 'Mars/Olympus_Mons'", cm.exception.message)
        self.assertEqual(cm.exception.name, "OQ_EINVAL")
        cal = Calendar("x", "Europe/London")
        cal.add_hours("mon", "09:00", "18:00")
        with self.assertRaises(OmniqError) as cm:
            cal.add_hours("mon", "12:00", "20:00")
        self.assertIn("mon 12:00-20:00 overlaps mon 09:00-18:00", cm.exception.message)
        for call in (lambda: cal.add_hours("mnd", "09:00", "10:00"),
                     lambda: cal.add_hours(7, "09:00", "10:00"),
                     lambda: cal.add_hours("tue", "9h", "10:00"),
                     lambda: cal.add_hours("tue", "25:00", "26:00"),
                     lambda: cal.close_day("2026-02-30"),
                     lambda: cal.close_day(datetime.datetime(2026, 1, 1)),
                     lambda: cal.is_open(datetime.datetime(2026, 1, 1)),
                     lambda: cal.is_open("soon"),
                     lambda: cal.add_business_ms(0, -1),
                     lambda: cal.business_ms(10, 0)):
            with self.assertRaises(OmniqError):
                call()
        with self.assertRaises(OmniqError) as cm:
            cal.add_holiday("uk", "2026-12-25").add_holiday("uk", "2026-12-25")
        self.assertEqual(cm.exception.name, "OQ_EEXIST")
        cal.close()
        with self.assertRaises(OmniqError):
            cal.is_open(0)  # closed
        self.assertIn("closed", repr(cal))


if __name__ == "__main__":
    unittest.main()
