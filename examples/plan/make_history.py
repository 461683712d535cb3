#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write history.csv: four synthetic weeks (2026-02-02 .. 2026-02-28) of half-hour
volumes for the queues sales and support, 08:00-20:00 Monday to Saturday
(Sundays closed: absent), a midday peak, Saturdays at 60 %, Poisson noise.
Deterministic (fixed seed): `python3 make_history.py > history.csv`."""
import datetime as dt
import math
import random

rng = random.Random(20260202)


def poisson(mean: float) -> int:
    # Knuth's method is fine for these small means
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


print("queue,start,volume,aht")
first = dt.date(2026, 2, 2)  # a Monday
for queue, peak, aht in (("sales", 36.0, 240), ("support", 14.0, 300)):
    for d in range(27):
        day = first + dt.timedelta(days=d)
        if day.weekday() == 6:
            continue
        level = 0.6 if day.weekday() == 5 else 1.0
        for half in range(16, 40):
            h = half / 2
            shape = 0.45 + 0.55 * math.exp(-((h - 13) / 3.2) ** 2)
            v = poisson(peak * level * shape)
            print(f"{queue},{day} {int(h):02d}:{(half % 2) * 30:02d},{v},{aht}")
