#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Load test of omniq-server (examples/server) over loopback.

For each client count N (default 1, 4, 16) it starts N client processes
(multiprocessing: no GIL between them), each a closed loop of requests on its
own connection — `arrive` (a new contact; no agent is logged in, so it waits),
`stats` (a read), `abandon` (the contact leaves) — so two of every three
requests change the engine and are committed to SQLite before their reply.
It reports sustained requests per second over the run and the p50 / p99
latency of single requests, as a table and as JSON lines.

    python3 tests/bench/server_load.py                      # 1, 4, 16 clients, 5 s each, sync=full
    python3 tests/bench/server_load.py --sync normal --clients 1,4,16,64
    python3 tests/bench/server_load.py --quick              # CI smoke: 1 and 4 clients, 1 s each

Bounded: each run stops after --seconds or --max-requests per client,
whichever comes first. Standard library only."""
import argparse
import json
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "server"))
from server_client import Client, Server  # noqa: E402


def worker(port, wid, seconds, max_requests, barrier, out):
    c = Client(port)
    lat = {"write": [], "read": []}
    errors = 0
    barrier.wait()
    t0 = time.perf_counter()
    stop = t0 + seconds
    n = i = 0
    while n < max_requests and time.perf_counter() < stop:
        cid = "w%d-%d" % (wid, i)
        i += 1
        for kind, cmd, fields in (
            ("write", "arrive", {"contact": cid, "channel": "email", "queue": "support"}),
            ("read", "stats", {"queue": "support"}),
            ("write", "abandon", {"contact": cid}),
        ):
            t = time.perf_counter()
            r = c.request(cmd, **fields)
            lat[kind].append(time.perf_counter() - t)
            errors += not r["ok"]
            n += 1
    elapsed = time.perf_counter() - t0
    c.close()
    out.put((lat, errors, elapsed))


def pct(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def run(port, n_clients, seconds, max_requests):
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(n_clients)
    out = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(port, w, seconds, max_requests, barrier, out))
             for w in range(n_clients)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(60)
    every, writes, reads = [], [], []
    errors, elapsed = 0, 0.0
    for lat, e, el in results:
        writes += lat["write"]
        reads += lat["read"]
        errors += e
        elapsed = max(elapsed, el)
    every = sorted(writes + reads)
    writes.sort()
    reads.sort()
    return {
        "clients": n_clients,
        "requests": len(every),
        "seconds": round(elapsed, 3),
        "req_per_s": round(len(every) / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(pct(every, 50) * 1e3, 3),
        "p99_ms": round(pct(every, 99) * 1e3, 3),
        "write_p50_ms": round(pct(writes, 50) * 1e3, 3),
        "write_p99_ms": round(pct(writes, 99) * 1e3, 3),
        "read_p50_ms": round(pct(reads, 50) * 1e3, 3),
        "errors": errors,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", default="1,4,16", help="comma-separated client counts")
    ap.add_argument("--seconds", type=float, default=5.0, help="length of each run")
    ap.add_argument("--max-requests", type=int, default=200000, help="cap per client and run")
    ap.add_argument("--sync", default="full", choices=("full", "normal", "off"))
    ap.add_argument("--quick", action="store_true", help="CI smoke: 1 and 4 clients, 1 s each")
    ap.add_argument("--server", help="omniq-server binary (default: build/examples/bin/omniq-server)")
    ap.add_argument("--db-dir", help="directory for the database (default: a temporary one)")
    args = ap.parse_args()
    if args.server:
        os.environ["OMNIQ_SERVER"] = args.server
    counts = [1, 4] if args.quick else [int(x) for x in args.clients.split(",")]
    seconds = 1.0 if args.quick else args.seconds

    tmp = tempfile.mkdtemp(dir=args.db_dir)
    failed = False
    try:
        srv = Server(os.path.join(tmp, "load.db"), extra=["--sync", args.sync])
        print("omniq-server load test: sync=%s, %.1f s per run, mix arrive/stats/abandon (2/3 writes)"
              % (args.sync, seconds))
        print("%8s %10s %10s %9s %9s %12s %12s %12s %7s" % (
            "clients", "requests", "req/s", "p50 ms", "p99 ms", "write p99", "read p50",
            "writes/commit", "errors"))
        rows = []
        probe = Client(srv.port)
        for n in counts:
            before = probe.request("counts")
            r = run(srv.port, n, seconds, args.max_requests)
            after = probe.request("counts")
            r["sync"] = args.sync
            r["commits"] = after["commits"] - before["commits"]
            r["writes_per_commit"] = round(r["requests"] * 2 / 3 / max(1, r["commits"]), 2)
            rows.append(r)
            print("%8d %10d %10.0f %9.3f %9.3f %12.3f %12.3f %12.2f %7d" % (
                r["clients"], r["requests"], r["req_per_s"], r["p50_ms"], r["p99_ms"],
                r["write_p99_ms"], r["read_p50_ms"], r["writes_per_commit"], r["errors"]))
            failed |= r["errors"] > 0 or r["requests"] == 0
        for r in rows:
            print(json.dumps({"bench": "server_load", **r}))
        sys.stdout.flush()
        probe.close()
        rc = srv.stop()
        failed |= rc != 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
