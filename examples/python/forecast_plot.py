#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Forecast interval volumes and plot the history, the forecast and its bands.

    OMNIQ_LIBRARY=build/libomniq.so /usr/bin/python3 examples/python/forecast_plot.py \
        examples/forecast/history.csv --days 7 --out forecast.png

HISTORY is a CSV with the columns start, volume (and optionally aht, queue); with
--bank FILE the 6-minute "Anonymous Bank" file of ../shared/data is read instead
(columns calls,u,Date: built into a series from lists); with neither, a synthetic
twelve-week history is generated. The script backtests the last four weeks,
prints the per-day totals of the forecast and writes the PNG (matplotlib from
Debian's python3-matplotlib, which runs under /usr/bin/python3; without
matplotlib the numbers are printed and the plot is skipped with a message).
"""

import argparse
import csv
import datetime as dt
import math
import os
import random
import sys
from typing import List, Optional, Sequence

try:
    import omniq
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "bindings", "python"))
    import omniq

from omniq import forecast as fc


def bank_series(path: str, interval_s: int) -> fc.Series:
    """The bank's 6-minute counts (calls, u = interval 1..240, Date) as a series."""
    starts: List[dt.datetime] = []
    volumes: List[float] = []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            day = dt.datetime.fromisoformat(row["Date"])
            starts.append(day + dt.timedelta(minutes=6 * (int(row["u"]) - 1)))
            volumes.append(float(row["calls"]))
    s = fc.Series.from_lists(starts, volumes, interval_s=360)
    if interval_s and interval_s != 360:
        coarse = s.aggregate(interval_s)
        s.close()
        return coarse
    return s


def synthetic_series(interval_s: int, weeks: int = 12, seed: int = 1) -> fc.Series:
    """Weekday-shaped Poisson counts with a level that wanders from day to day."""
    rnd = random.Random(seed)
    per_day = 86400 // interval_s
    s = fc.Series(interval_s)
    first = dt.date(2024, 1, 1)
    level = 1.0
    for k in range(7 * weeks):
        level = 1 + 0.7 * (level - 1) + rnd.gauss(0, 0.05)
        w = k % 7
        if w == 6:
            continue  # closed on Sundays
        day: List[float] = []
        for i in range(per_day):
            h = (i + 0.5) * 24 / per_day
            shape = 0 if h < 8 or h >= 20 else 1 + 0.8 * math.sin((h - 8) / 12 * math.pi)
            rate = 20 * interval_s / 1800 * (1, 0.95, 0.9, 0.9, 0.85, 0.4)[w] * shape * level
            # Poisson draw by inversion
            u, p, n = rnd.random(), math.exp(-rate), 0
            c = p
            while u > c and n < 10000:
                n += 1
                p *= rate / n
                c += p
            day.append(n)
        s.set_day(first + dt.timedelta(days=k), day)
    return s


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("history", nargs="?", help="history CSV (start,volume[,aht][,queue])")
    p.add_argument("--bank", help="the Anonymous Bank 6-minute CSV instead")
    p.add_argument("--queue", help="the queue of a multi-queue CSV")
    p.add_argument("--interval", type=int, default=0, help="interval seconds (default: the file's; "
                   "1800 for --bank and the synthetic history)")
    p.add_argument("--days", type=int, default=7, help="days to forecast")
    p.add_argument("--method", default="auto", choices=fc.METHODS)
    p.add_argument("--history-days", type=int, default=21, help="days of history to plot")
    p.add_argument("--out", default="forecast.png", help="PNG to write")
    args = p.parse_args(argv)

    if args.bank:
        series, where = bank_series(args.bank, args.interval or 1800), args.bank
    elif args.history:
        series = fc.Series.from_csv(args.history, queue=args.queue, interval_s=args.interval)
        where = args.history
    else:
        series, where = synthetic_series(args.interval or 1800), "synthetic history"
    info = series.info
    last = info.last_date
    assert last is not None  # a loaded series is never empty
    bt = fc.backtest(series, days=28, method=args.method)
    f = fc.forecast(series, days=args.days, method=args.method)
    print(f"{where}: {info.days} days {info.first_date} .. {info.last_date}, "
          f"{info.interval_s // 60}-minute intervals")
    print(f"backtest, last 28 days ({args.method}): WAPE {bt.wape:.3f}, 80 % band covers "
          f"{bt.coverage80:.1%}, 95 % band {bt.coverage95:.1%}")
    print(f"forecast by {f.info.method}:")
    per_day = info.intervals_per_day
    for d in range(args.days):
        rows = f.rows[d * per_day:(d + 1) * per_day]
        total = sum(r.volume for r in rows)
        print(f"  {rows[0].date} {rows[0].date.strftime('%a')} {total:9.1f}"
              f"{'  closed' if rows[0].day_kind == 'closed' else ''}")

    try:
        import matplotlib  # type: ignore[import]
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # type: ignore[import]
    except ImportError:
        print("matplotlib not available (apt-get install python3-matplotlib and run with "
              "/usr/bin/python3): no plot", file=sys.stderr)
        series.close()
        return 0
    hx: List[dt.datetime] = []
    hy: List[float] = []
    for k in range(args.history_days, 0, -1):
        day = last - dt.timedelta(days=k - 1)
        vols = series.day(day) or [0.0] * per_day
        for i, v in enumerate(vols):
            hx.append(dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=i * info.interval_s))
            hy.append(v)
    fx = f.starts
    fig, ax = plt.subplots(figsize=(11, 4.5))
    ax.fill_between(fx, [r.lo95 for r in f.rows], [r.hi95 for r in f.rows], color="#deebf7",
                    step="post", label="95 % band")
    ax.fill_between(fx, [r.lo80 for r in f.rows], [r.hi80 for r in f.rows], color="#9ecae1",
                    step="post", label="80 % band")
    ax.plot(hx, hy, color="#444", lw=0.8, drawstyle="steps-post", label="history")
    ax.plot(fx, f.volumes, color="#08519c", lw=1.4, drawstyle="steps-post",
            label=f"forecast ({f.info.method})")
    ax.axvline(fx[0], color="#888", ls="--", lw=0.8)
    ax.set_ylabel(f"contacts per {info.interval_s // 60} minutes")
    ax.set_title(f"{series.queue or os.path.basename(where)}: history, forecast and "
                 "prediction bands")
    ax.legend(loc="upper left", ncol=4, fontsize=9)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")
    series.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
