#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Load test of omniq-server (examples/server) over loopback.

For each client count N (default 1, 4, 16) it starts N client processes
(multiprocessing: no GIL between them), each a closed loop of requests on its
own connection — `arrive` (a new contact; no agent is logged in, so it waits),
`stats` (a read), `abandon` (the contact leaves) — so two of every three
requests change the engine and are committed to SQLite before their reply.
It reports sustained requests per second over the run, the p50 / p99
latency of single requests and the server's CPU time per 1,000 requests
(from /proc), as a table and as JSON lines. Each client count runs --runs
times (default 3): the table gives the median [min .. max] of the runs, with
the date, machine and load average (the machine may be shared).

    python3 tests/bench/server_load.py                      # 1, 4, 16 clients, 5 s each, sync=full, 3 runs
    python3 tests/bench/server_load.py --sync normal --clients 1,4,16,64
    python3 tests/bench/server_load.py --quick              # CI smoke: 1 and 4 clients, 1 s each, 1 run

Bounded: each run stops after --seconds or --max-requests per client,
whichever comes first. Standard library only."""
import argparse
import json
import multiprocessing as mp
import os
import platform
import shutil
import statistics
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


def proc_cpu_s(pid):
    """User + system CPU seconds of a process (Linux /proc), None elsewhere."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def environment():
    """Date, machine and load average, as the C benchmarks print them."""
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    u = platform.uname()
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = [-1, -1, -1]
    return {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": "%s %s %s%s" % (u.system, u.release, u.machine, ", " + model if model else ""),
            "nproc": os.cpu_count() or 0, "load": load}


def spread(values):
    return {"med": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3)}


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
    ap.add_argument("--runs", type=int, default=None, help="runs per client count (default 3; --quick 1)")
    ap.add_argument("--quick", action="store_true", help="CI smoke: 1 and 4 clients, 1 s each, 1 run")
    ap.add_argument("--server", help="omniq-server binary (default: build/examples/bin/omniq-server)")
    ap.add_argument("--db-dir", help="directory for the database (default: a temporary one)")
    args = ap.parse_args()
    if args.server:
        os.environ["OMNIQ_SERVER"] = args.server
    counts = [1, 4] if args.quick else [int(x) for x in args.clients.split(",")]
    seconds = 1.0 if args.quick else args.seconds
    runs = args.runs if args.runs else (1 if args.quick else 3)
    if runs < 1:
        ap.error("--runs: need a number >= 1")
    env = environment()

    tmp = tempfile.mkdtemp(dir=args.db_dir)
    failed = False
    try:
        srv = Server(os.path.join(tmp, "load.db"), extra=["--sync", args.sync])
        print("omniq-server load test: sync=%s, %.1f s per run, mix arrive/stats/abandon (2/3 writes)"
              % (args.sync, seconds))
        print("# server_load, %s, %s (%d CPUs), load average %s; %d run%s per case%s"
              % (env["date"], env["machine"], env["nproc"], " ".join("%.2f" % x for x in env["load"]),
                 runs, "" if runs == 1 else "s", " (--quick: not figures to quote)" if args.quick else ""))
        print("# median [min .. max] over the runs; server CPU ms per 1,000 requests from /proc")
        print("%8s %28s %24s %24s %12s %20s %7s" % (
            "clients", "req/s (wall)", "p50 ms", "p99 ms", "writes/commit", "server CPU ms/1k req",
            "errors"))
        rows = []
        probe = Client(srv.port)
        for n in counts:
            per_run = []
            for _ in range(runs):
                before = probe.request("counts")
                c0 = proc_cpu_s(srv.proc.pid)
                r = run(srv.port, n, seconds, args.max_requests)
                c1 = proc_cpu_s(srv.proc.pid)
                after = probe.request("counts")
                r["sync"] = args.sync
                r["commits"] = after["commits"] - before["commits"]
                r["writes_per_commit"] = round(r["requests"] * 2 / 3 / max(1, r["commits"]), 2)
                r["server_cpu_s"] = round(c1 - c0, 3) if c0 is not None and c1 is not None else None
                per_run.append(r)
                failed |= r["errors"] > 0 or r["requests"] == 0
            row = {"clients": n, "sync": args.sync, "runs": runs,
                   "requests": [r["requests"] for r in per_run],
                   "errors": sum(r["errors"] for r in per_run)}
            for key in ("req_per_s", "p50_ms", "p99_ms", "write_p99_ms", "read_p50_ms",
                        "writes_per_commit"):
                row[key] = spread([r[key] for r in per_run])
            cpu = [1e6 * r["server_cpu_s"] / r["requests"] for r in per_run
                   if r["server_cpu_s"] is not None and r["requests"]]
            row["server_cpu_ms_per_1k"] = spread(cpu) if cpu else None
            row.update({"date": env["date"], "machine": env["machine"], "nproc": env["nproc"],
                        "load1": env["load"][0]})
            rows.append(row)

            def fmt(x, f):
                return (f + " [" + f + " .. " + f + "]") % (x["med"], x["min"], x["max"])
            print("%8d %28s %24s %24s %12.2f %20s %7d" % (
                n, fmt(row["req_per_s"], "%.0f"), fmt(row["p50_ms"], "%.3f"),
                fmt(row["p99_ms"], "%.3f"), row["writes_per_commit"]["med"],
                fmt(row["server_cpu_ms_per_1k"], "%.1f") if cpu else "n/a", row["errors"]))
            sys.stdout.flush()
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
