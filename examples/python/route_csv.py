#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A small host: route the contacts of a CSV file through an omniq.Engine.

    OMNIQ_LIBRARY=build/libomniq.so python3 examples/python/route_csv.py \
        examples/python/contacts.csv --agents 5

CSV columns: arrival_s, id, channel, queue, handle_s, patience_s (0 = never
abandons), priority. Agents answer an offer after --ring seconds and serve for
the contact's handle_s; a customer not answered within patience_s abandons.
The host keeps its own action heap and calls Engine.advance() at the engine's
next deadline, as a real host would with a timer. Prints every event and a
per-queue summary.
"""

import argparse
import csv
import heapq
import os
import sys
from collections import defaultdict
from typing import Any, DefaultDict, Dict, List, Optional, Sequence, Tuple

try:
    import omniq
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "bindings", "python"))
    import omniq


Action = Tuple[int, int, str, Tuple[Any, ...]]   # (time_ms, seq, kind, args)
Stats = DefaultDict[str, DefaultDict[str, float]]


class Host:
    """A host driving an omniq.Engine from a CSV of contacts."""

    def __init__(self, n_agents: int, ring_s: float, wrapup_s: float,
                 quiet: bool = False) -> None:
        self.ring_ms = int(ring_s * 1000)
        self.quiet = quiet
        self.actions: List[Action] = []          # a heap
        self.seq = 0
        self.contacts: Dict[str, Dict[str, str]] = {}   # id -> CSV row
        self.stats: Stats = defaultdict(lambda: defaultdict(float))
        self.e = omniq.Engine(on_event=self.on_event)
        e = self.e
        e.channel_add("voice", exclusive=True)
        e.channel_add("chat", capacity_cost=30, max_per_agent=3)
        e.channel_add("email", synchronous=False, capacity_cost=20, max_per_agent=2)
        for q in ("sales", "support"):
            e.queue_add(q, ordering="priority", wrapup_s=wrapup_s, offer_timeout_s=15,
                        sla_threshold_s=20)
            for ch in ("voice", "chat", "email"):
                e.queue_add_channel(q, ch)
        for i in range(n_agents):
            e.agent_add(f"agent{i + 1}")
            e.agent_login(f"agent{i + 1}", now_ms=0)

    def schedule(self, t_ms: int, kind: str, *args: Any) -> None:
        """Do ``kind`` with ``args`` at t_ms."""
        self.seq += 1
        heapq.heappush(self.actions, (t_ms, self.seq, kind, args))

    # Events arrive during engine calls: only record and schedule here (mutating
    # calls from a callback would raise OmniqError OQ_EBUSY).
    def on_event(self, ev: omniq.Event) -> None:
        """Print the event and schedule the agent's or customer's reaction."""
        if not self.quiet:
            who = f" agent={ev.agent}" if ev.agent else ""
            what = f" contact={ev.contact}" if ev.contact else ""
            extra = f" ({ev.detail})" if ev.detail else ""
            print(f"{ev.time_ms / 1000:8.1f}s {ev.name:<16}{what}{who}{extra}")
        st = self.stats[ev.queue or "(none)"]
        if ev.type == omniq.OQ_EV_OFFERED:
            self.schedule(ev.time_ms + self.ring_ms, "accept", ev.contact, ev.agent)
        elif ev.type == omniq.OQ_EV_ASSIGNED:
            row = self.contacts[ev.contact or ""]
            self.schedule(ev.time_ms + int(float(row["handle_s"]) * 1000), "complete",
                          ev.contact)
            st["answered"] += 1
            st["wait_s"] += ev.wait_ms / 1000
            st["within_20s"] += ev.wait_ms <= 20_000
        elif ev.type == omniq.OQ_EV_ABANDONED:
            st["abandoned"] += 1
        elif ev.type == omniq.OQ_EV_COMPLETED:
            st["completed"] += 1

    def load(self, path: str) -> None:
        """Read the CSV and schedule each contact's arrival and abandonment."""
        with open(path, newline="") as fh:
            for row in csv.DictReader(fh):
                self.contacts[row["id"]] = row
                t = int(float(row["arrival_s"]) * 1000)
                self.schedule(t, "arrive", row["id"])
                patience = float(row["patience_s"] or 0)
                if patience > 0:
                    self.schedule(t + int(patience * 1000), "abandon", row["id"])

    def do(self, t: int, kind: str, args: Tuple[Any, ...]) -> None:
        """Perform one scheduled action on the engine."""
        e = self.e
        try:
            if kind == "arrive":
                row = self.contacts[args[0]]
                e.contact_arrive(row["id"], row["channel"], row["queue"], now_ms=t,
                                 priority=int(row["priority"] or 0))
            elif kind == "accept":
                e.offer_accept(*args, now_ms=t)
            elif kind == "complete":
                e.contact_complete(args[0], now_ms=t)
            elif kind == "abandon":
                info = e.contact_get(args[0])
                if info.state in (omniq.OQ_CONTACT_QUEUED, omniq.OQ_CONTACT_OFFERED):
                    e.contact_abandon(args[0], now_ms=t)
        except omniq.OmniqError as exc:
            # Expected races: an offer that timed out before the agent answered,
            # an abandon timer for a contact already finished.
            if exc.status not in (omniq.OQ_ESTATE, omniq.OQ_ENOTFOUND):
                raise

    def run(self) -> Stats:
        """Run until nothing is scheduled and no timer is pending."""
        while True:
            deadline = self.e.next_deadline()
            if not self.actions and deadline is None:
                break
            if self.actions and (deadline is None or self.actions[0][0] <= deadline):
                t, _, kind, args = heapq.heappop(self.actions)
                self.do(t, kind, args)
            else:
                assert deadline is not None  # no action is due first, so a timer is
                self.e.advance(deadline)
        self.e.check()
        return self.stats


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Route the CSV, print the summary; 0 when every contact finished."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("csv", nargs="?", default=os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "contacts.csv"))
    p.add_argument("--agents", type=int, default=5)
    p.add_argument("--ring", type=float, default=3.0, help="seconds before an agent answers")
    p.add_argument("--wrapup", type=float, default=10.0, help="after-contact work, s")
    p.add_argument("--quiet", action="store_true", help="summary only")
    args = p.parse_args(argv)

    host = Host(args.agents, args.ring, args.wrapup, args.quiet)
    host.load(args.csv)
    stats = host.run()
    print(f"\n{'queue':<10}{'answered':>9}{'abandoned':>10}{'avg wait s':>11}{'SL 20s':>8}")
    for q in sorted(stats):
        s = stats[q]
        offered = s["answered"] + s["abandoned"]
        avg = s["wait_s"] / s["answered"] if s["answered"] else 0.0
        sl = s["within_20s"] / offered if offered else 1.0
        print(f"{q:<10}{int(s['answered']):>9}{int(s['abandoned']):>10}{avg:>11.1f}{sl:>8.2f}")
    counts = host.e.counts()
    host.e.close()
    return 0 if counts.contacts == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
