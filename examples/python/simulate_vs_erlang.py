#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Simulate one voice queue with N agents and compare with Erlang C.

    OMNIQ_LIBRARY=build/libomniq.so python3 examples/python/simulate_vs_erlang.py \
        --calls-per-hour 140 --aht 180 --agents 9 10 11

For each staffing level the real omniq engine is driven by omniq.simulate
(Poisson arrivals, exponential handle times, offers accepted at once) and the
simulated service level / ASA (mean +- 95% CI half-width over replications)
are printed next to Erlang C's. Standard library only.
"""

import argparse
import os
import sys

try:
    import omniq
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "bindings", "python"))
    import omniq

from typing import Callable

from omniq import erlang


def center(n_agents: int, threshold_s: float) -> Callable[[omniq.Engine], None]:
    """A build callback: one voice queue and n_agents agents logged in."""
    def build(e: omniq.Engine) -> None:
        e.channel_add("voice", exclusive=True)
        e.queue_add("sales", sla_threshold_s=threshold_s, offer_timeout_s=0)
        e.queue_add_channel("sales", "voice")
        for i in range(n_agents):
            e.agent_add(f"agent-{i}")
            e.agent_login(f"agent-{i}")
    return build


def main() -> None:
    """Print the simulated and Erlang C figures for each staffing level."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls-per-hour", type=float, default=140)
    ap.add_argument("--aht", type=float, default=180, help="mean handle time, s")
    ap.add_argument("--threshold", type=float, default=20, help="service-level T, s")
    ap.add_argument("--agents", type=int, nargs="+", default=[9, 10, 11])
    ap.add_argument("--hours", type=float, default=8)
    ap.add_argument("--replications", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    load = a.calls_per_hour * a.aht / 3600
    print(f"load {load:.2f} Erlangs, T = {a.threshold:g} s, {a.replications} x "
          f"{a.hours:g} h (+1 h warm-up)")
    print(f"{'agents':>6} {'SL sim':>16} {'SL Erlang C':>11} {'ASA sim (s)':>16} "
          f"{'ASA Erlang C':>12} {'occupancy':>9}")
    for n in a.agents:
        r = omniq.simulate(center(n, a.threshold),
                           [omniq.Stream("sales", "voice", rate_per_hour=a.calls_per_hour,
                                         handle=omniq.Dist.exponential(a.aht))],
                           seed=a.seed, replications=a.replications,
                           duration_s=(a.hours + 1) * 3600, warmup_s=3600)
        s = r.total.summary
        sl = erlang.service_level(load, n, a.aht, a.threshold) if n > load else 0.0
        asa = erlang.asa(load, n, a.aht)
        print(f"{n:>6} {s.service_level.mean:>8.3f} ± {s.service_level.half_width:.3f} "
              f"{sl:>11.3f} {s.asa_s.mean:>8.1f} ± {s.asa_s.half_width:>5.1f} {asa:>12.1f} "
              f"{s.occupancy.mean:>9.3f}")


if __name__ == "__main__":
    main()
