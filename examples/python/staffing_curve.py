#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Plot service level against the number of agents (Erlang C and Erlang A).

    OMNIQ_LIBRARY=build/libomniq.so python3 examples/python/staffing_curve.py \
        --calls-per-hour 200 --aht 180 --threshold 20 --patience 120 --out staffing.png

Prints the table and writes the PNG (matplotlib from Debian's
python3-matplotlib; without matplotlib only the table is printed).
"""

import argparse
import math
import os
import sys
from typing import List, Optional, Sequence, Tuple

try:
    import omniq
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "bindings", "python"))
    import omniq

from omniq import erlang


Row = Tuple[int, float, float, float, float, float]


def curve(load: float, aht: float, threshold: float, patience: float,
          extra: int = 12) -> List[Row]:
    """(agents, SL Erlang C, SL Erlang A, ASA Erlang C, occupancy, abandon
    Erlang A) for every staffing level around the requirement."""
    first = max(1, math.floor(load))
    last = max(first + extra, erlang.agents_for_service_level(load, aht, threshold, 0.95) + 3)
    rows: List[Row] = []
    for n in range(first, last + 1):
        a = erlang.erlang_a(load, n, aht, patience, threshold)
        rows.append((n, erlang.service_level(load, n, aht, threshold), a.service_level,
                     erlang.asa(load, n, aht), erlang.occupancy(load, n), a.p_abandon))
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the table, write the PNG; 0 on success."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls-per-hour", type=float, default=200)
    p.add_argument("--aht", type=float, default=180, help="mean handle time, s")
    p.add_argument("--threshold", type=float, default=20, help="service-level threshold, s")
    p.add_argument("--target", type=float, default=0.8, help="service-level target")
    p.add_argument("--patience", type=float, default=120, help="mean patience (Erlang A), s")
    p.add_argument("--out", default="staffing_curve.png", help="PNG to write")
    args = p.parse_args(argv)

    load = args.calls_per_hour * args.aht / 3600.0
    rows = curve(load, args.aht, args.threshold, args.patience)
    need_c = erlang.agents_for_service_level(load, args.aht, args.threshold, args.target)
    need_a = erlang.erlang_a_agents(load, args.aht, args.patience, args.threshold, args.target)

    print(f"load {load:.2f} Erlangs; {args.target:.0%} in {args.threshold:g} s needs "
          f"{need_c} agents (Erlang C), {need_a} (Erlang A, patience {args.patience:g} s)")
    print(f"{'agents':>6} {'SL C':>7} {'SL A':>7} {'ASA C s':>9} {'occ':>6} {'abandon A':>9}")
    for n, slc, sla, asa, occ, ab in rows:
        asa_s = "inf" if math.isinf(asa) else f"{asa:.1f}"
        print(f"{n:>6} {slc:>7.3f} {sla:>7.3f} {asa_s:>9} {occ:>6.3f} {ab:>9.3f}")

    try:
        import matplotlib  # type: ignore[import]
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # type: ignore[import]
    except ImportError:
        print("matplotlib not available (apt-get install python3-matplotlib): no plot",
              file=sys.stderr)
        return 0
    ns = [r[0] for r in rows]
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.plot(ns, [r[1] for r in rows], "o-", label="Erlang C (infinite patience)")
    ax.plot(ns, [r[2] for r in rows], "s-", label=f"Erlang A (patience {args.patience:g} s)")
    ax.axhline(args.target, color="grey", linestyle="--", label=f"target {args.target:.0%}")
    ax.axvline(need_c, color="C0", linestyle=":")
    ax.axvline(need_a, color="C1", linestyle=":")
    ax.set_xlabel("agents")
    ax.set_ylabel(f"service level (answered within {args.threshold:g} s)")
    ax.set_title(f"{args.calls_per_hour:g} calls/h, AHT {args.aht:g} s "
                 f"({load:.1f} Erlangs)")
    ax.set_ylim(0, 1.02)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
