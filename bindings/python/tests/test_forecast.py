# SPDX-License-Identifier: MIT
"""omniq.forecast over the C API: series from lists, days and CSV files; forecasts
checked by hand; backtests against day-by-day forecasts; errors that name the
field or the file and line."""

import datetime as dt
import math
import os
import random
import subprocess
import sys
import tempfile
import unittest

import _support  # puts the binding first on sys.path
from omniq import OmniqError, forecast as fc
from omniq.constants import OQ_EINVAL, OQ_ESTATE

MONDAY = dt.date(2024, 1, 1)


def four_weeks():
    """Hourly days: volume 100 (week + 1) + 10 weekday + hour in the hours 8..11 only."""
    s = fc.Series(3600)
    for k in range(28):
        q, w = divmod(k, 7)
        if w == 6:
            continue  # Sundays closed
        day = [0.0] * 24
        for h in range(8, 12):
            day[h] = 100 * (q + 1) + 10 * w + h
        s.set_day(MONDAY + dt.timedelta(days=k), day)
    return s


class Series(unittest.TestCase):
    def test_from_lists_and_days(self):
        starts = [dt.datetime(2024, 1, 1, 9, 0), "2024-01-01 09:30", "2024-01-02 10:00"]
        with fc.Series.from_lists(starts, [1, 2.5, 3], aht=[180, 0, 200]) as s:
            i = s.info
            self.assertEqual((i.interval_s, i.intervals_per_day, i.days), (1800, 48, 2))
            self.assertEqual((i.first_date, i.last_date), (MONDAY, dt.date(2024, 1, 2)))
            self.assertTrue(i.has_aht)
            self.assertAlmostEqual(i.total_volume, 6.5)
            self.assertEqual(s.day("2024-01-01")[18:20], [1.0, 2.5])
            self.assertIsNone(s.day(dt.date(2024, 1, 5)))
            hourly = s.aggregate(3600)
            self.assertEqual(hourly.day(MONDAY)[9], 3.5)
            hourly.close()

    def test_bad_series(self):
        with self.assertRaises(OmniqError) as cm:
            fc.Series.from_lists(["2024-01-01 09:30", "2024-01-01 09:00"], [1, 2])
        self.assertIn("starts[1]", cm.exception.message)
        self.assertIn("not after", cm.exception.message)
        with self.assertRaises(OmniqError) as cm:
            fc.Series.from_lists(["2024-01-01 09:00"], [-1], interval_s=1800)
        self.assertIn("volume", cm.exception.message)
        with self.assertRaises(OmniqError) as cm:
            fc.Series(7)
        self.assertEqual(cm.exception.status, OQ_EINVAL)
        with self.assertRaises(OmniqError):
            fc.Series.from_lists([], [])
        s = fc.Series(3600)
        with self.assertRaises(OmniqError) as cm:
            s.set_day(MONDAY, [1, 2, 3])
        self.assertIn("24 intervals", cm.exception.message)
        s.close()
        with self.assertRaises(OmniqError):
            s.info  # closed

    def test_csv(self):
        with tempfile.TemporaryDirectory() as tmp:
            good = os.path.join(tmp, "h.csv")
            with open(good, "w") as fh:
                fh.write("queue,start,volume\nsales,2024-01-01 09:00,4\n"
                         "support,2024-01-01 09:00,7\nsales,2024-01-01 09:15,5\n")
            self.assertEqual(fc.queues_in_csv(good), ["sales", "support"])
            with fc.Series.from_csv(good, queue="sales") as s:
                self.assertEqual(s.queue, "sales")
                self.assertEqual(s.info.interval_s, 900)
                self.assertEqual(s.day(MONDAY)[36:38], [4.0, 5.0])
            bad = os.path.join(tmp, "bad.csv")
            with open(bad, "w") as fh:
                fh.write("start,volume\n2024-01-01 09:00,1\n2024-01-01 09:00,2\n")
            with self.assertRaises(OmniqError) as cm:
                fc.Series.from_csv(bad)
            self.assertIn("bad.csv:3:", cm.exception.message)
            self.assertIn("duplicate timestamp", cm.exception.message)


class Forecasts(unittest.TestCase):
    def test_by_hand(self):
        s = four_weeks()
        monday = dt.date(2024, 1, 29)  # the history ends on Saturday the 27th
        f = fc.forecast(s, days=7, start=monday, method="seasonal-naive", calibration_days=0)
        self.assertEqual(len(f.rows), 7 * 24)
        r = f.rows[9]
        self.assertEqual(r.start, dt.datetime(2024, 1, 29, 9, 0))
        self.assertEqual((r.volume, r.method, r.day_kind), (409.0, "seasonal-naive", "regular"))
        self.assertTrue(r.lo80 < 409 < r.hi80 and r.lo95 <= r.lo80 and r.hi95 >= r.hi80)
        self.assertEqual(f.rows[6 * 24 + 9].day_kind, "closed")  # no Sunday in history
        self.assertEqual(fc.forecast(s, days=1, start=monday, method="ha",
                                     ha_weeks=2).rows[9].volume, 359)
        self.assertEqual(fc.forecast(s, days=1, method="ha").rows[9].day_kind, "closed")
        ew = fc.forecast(s, days=1, start=monday, method="ewha", ew_alpha=0.5).rows[9].volume
        self.assertAlmostEqual(ew, (400 + 150 + 50 + 12.5) / 1.875 + 9)
        # from an earlier origin: the days before it only
        self.assertEqual(fc.forecast(s, days=1, start=MONDAY + dt.timedelta(days=14),
                                     method="seasonal-naive").rows[9].volume, 209)
        s.close()

    def test_special_days(self):
        s = four_weeks()
        monday = dt.date(2024, 1, 29)
        sd = [fc.SpecialDay(MONDAY + dt.timedelta(days=21)),            # a holiday last Monday
              fc.SpecialDay(monday + dt.timedelta(days=1), "factor", 2),
              fc.SpecialDay(monday + dt.timedelta(days=2), "closed"),
              fc.SpecialDay(monday + dt.timedelta(days=3), "like-date", 0.5, MONDAY),
              fc.SpecialDay(monday + dt.timedelta(days=4), "like-weekday", like="sat")]
        f = fc.forecast(s, days=5, start=monday, method="seasonal-naive", special_days=sd)
        v = [f.rows[d * 24 + 9].volume for d in range(5)]
        self.assertEqual(v, [309, 2 * 419, 0, 0.5 * 109, 459])
        self.assertEqual([f.rows[d * 24].day_kind for d in range(5)],
                         ["regular", "special", "closed", "special", "special"])
        self.assertEqual(f.info.excluded_days, 1)
        with self.assertRaises(OmniqError) as cm:
            fc.forecast(s, start=monday, special_days=[fc.SpecialDay(monday, "factor", 0)])
        self.assertIn("factor must be > 0", cm.exception.message)
        with self.assertRaises(OmniqError):
            fc.forecast(s, special_days=[fc.SpecialDay(monday, "someday")])
        s.close()

    def test_calendar(self):
        """A holiday last Monday is not history (seasonal naive then takes the Monday before),
        a holiday this Tuesday forecasts 0, and hours 09:00-11:00 zero hours 8 and 11."""
        from omniq import Calendar
        s = four_weeks()
        monday = dt.date(2024, 1, 29)
        with Calendar("desk", "UTC") as cal:
            cal.add_hours("mon-sun", "09:00", "11:00")
            cal.add_holiday("local", MONDAY + dt.timedelta(days=21))
            cal.add_holiday("local", monday + dt.timedelta(days=1))
            f = fc.forecast(s, days=3, start=monday, method="seasonal-naive", calendar=cal)
            mon = [f.rows[h].volume for h in range(24)]
            # by hand: the Monday two weeks back is week q = 2: 300 + 0 + hour
            self.assertEqual(mon[9:11], [309, 310])
            self.assertEqual(mon[8], 0)
            self.assertEqual(mon[11], 0)
            self.assertEqual(f.rows[24 + 9].day_kind, "closed")
            self.assertEqual(sum(r.volume for r in f.rows[24:48]), 0)
            self.assertEqual(f.rows[48 + 9].volume, 429)  # Wednesday: last Wednesday (q 3, w 2)
            self.assertEqual(f.info.excluded_days, 1)
            bt = fc.backtest(s, days=7, method="seasonal-naive", calendar=cal)
            self.assertGreater(bt.days, 0)
        without = fc.forecast(s, days=1, start=monday, method="seasonal-naive")
        self.assertEqual(without.rows[9].volume, 409)
        self.assertEqual(without.rows[8].volume, 408)
        with self.assertRaises(OmniqError) as cm:
            fc.forecast(s, calendar="desk")
        self.assertIn("calendar", cm.exception.message)
        s.close()

    def test_errors(self):
        s = four_weeks()
        with self.assertRaises(OmniqError) as cm:
            fc.forecast(s, start=MONDAY)
        self.assertEqual(cm.exception.status, OQ_ESTATE)
        with self.assertRaises(OmniqError) as cm:
            fc.forecast(s, method="arima")
        self.assertIn("method", cm.exception.message)
        with self.assertRaises(OmniqError) as cm:
            fc.forecast(s, ew_alpha=2)
        self.assertIn("ew_alpha", cm.exception.message)
        with self.assertRaises(TypeError):
            fc.forecast(s, alpha=0.1)
        self.assertEqual(fc.quantile(2, 0, 0.9), 4)
        with self.assertRaises(OmniqError):
            fc.quantile(2, 0, 1.5)
        s.close()


def synthetic(days=120, seed=4):
    """Hourly Poisson counts with a weekday shape and a persistent day level."""
    rnd = random.Random(seed)
    s = fc.Series(3600)
    level = 1.0
    for k in range(days):
        level = 1 + 0.6 * (level - 1) + rnd.uniform(-0.08, 0.08)
        w = k % 7
        if w == 6:
            continue
        day = []
        for h in range(24):
            rate = (1.0 if h < 7 or h >= 21 else 10 + 20 * math.sin((h - 7) / 14 * math.pi))
            rate *= (1, 0.9, 0.9, 0.85, 0.8, 0.3)[w] * level
            # Poisson by inversion
            u, p, k_, c = rnd.random(), math.exp(-rate), 0, math.exp(-rate)
            while u > c:
                k_ += 1
                p *= rate / k_
                c += p
            day.append(k_)
        s.set_day(MONDAY + dt.timedelta(days=k), day)
    return s


class Backtests(unittest.TestCase):
    def test_backtest_is_day_by_day(self):
        s = synthetic()
        last = s.info.last_date
        for method in ("ha", "auto"):
            b = fc.backtest(s, days=14, method=method)
            err = act = 0.0
            n = 0
            for k in range(14):
                d = last - dt.timedelta(days=13 - k)
                actual = s.day(d)
                if actual is None:
                    continue
                f = fc.forecast(s, days=1, start=d, method=method)
                err += sum(abs(a - r.volume) for a, r in zip(actual, f.rows))
                act += sum(actual)
                n += 1
            self.assertEqual(b.days, n)
            self.assertAlmostEqual(b.wape, err / act, places=12)
            self.assertEqual(b.method, method)
            self.assertTrue(0.6 < b.coverage80 < 0.95 and 0.85 < b.coverage95 <= 1, b)
        s.close()

    def test_intraday(self):
        s = synthetic()
        last = s.info.last_date
        ahead = fc.forecast(s, days=1, start=last)
        re = fc.intraday(s, last, "12:00")
        self.assertEqual(re.rows[11].day_kind, "actual")
        self.assertEqual(re.rows[11].volume, s.day(last)[11])
        k = re.info.day_factor
        for a, r in zip(ahead.rows[12:], re.rows[12:]):
            self.assertAlmostEqual(r.volume, a.volume * k, places=9)
        b = fc.backtest(s, days=14, intraday_from="12:00")
        self.assertGreater(b.intraday_before, 0)
        self.assertGreater(b.intraday_after, 0)
        self.assertTrue(math.isnan(fc.backtest(s, days=7).intraday_before))
        s.close()


class Example(unittest.TestCase):
    """examples/python/forecast_plot.py: the numbers always, the PNG where matplotlib is
    (Debian's python3-matplotlib, for /usr/bin/python3)."""

    SCRIPT = os.path.join(_support.REPO, "examples", "python", "forecast_plot.py")

    def run_with(self, python, out):
        env = dict(os.environ, PYTHONPATH=_support.BINDING)
        return subprocess.run([python, self.SCRIPT, "--days", "3", "--out", out], env=env,
                              capture_output=True, text=True, timeout=120)

    def test_forecast_plot(self):
        pythons = [sys.executable]
        if os.path.exists("/usr/bin/python3") and os.path.realpath("/usr/bin/python3") != \
                os.path.realpath(sys.executable):
            pythons.append("/usr/bin/python3")
        for python in pythons:
            with tempfile.TemporaryDirectory() as tmp:
                out = os.path.join(tmp, "f.png")
                r = self.run_with(python, out)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("synthetic history: 72 days", r.stdout)
                self.assertIn("closed", r.stdout)  # the Sunday
                has_mpl = subprocess.run([python, "-c", "import matplotlib"],
                                         capture_output=True).returncode == 0
                if not has_mpl:
                    self.assertIn("matplotlib not available", r.stderr)
                    self.assertFalse(os.path.exists(out))
                    continue
                with open(out, "rb") as fh:
                    self.assertEqual(fh.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
