#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Throughput and stalls of omniq-server (SQLite) while it snapshots a large engine.

A database is first filled with --waiting contacts (default 100,000; no agent
is logged in, so they all wait) by one pipelined connection on a server
started with snapshots out of the way, then stopped (its final snapshot holds
them). Each run copies that database, starts the server on it with the
snapshot options under test (--server-args) and drives it with the compiled
load client (build/tests/server_load_client: N connections, one request in
flight each, arrive then abandon) for --seconds. Reported per case, median
[min .. max] over --runs runs:

  req/s        sustained requests per second (wall)
  p99 / max    request latency; max is the longest single request: a stall
               of the server's loop shows here
  snapshots    snapshots stored during the run (the server's counter)
  server CPU   utime + stime of the server per 1,000 requests, and the CPU of
               its reaped children (the snapshot writers) separately
  snapshot MB  the size of the last stored snapshot (file or database row)
  fork ms      the longest fork() of the run (the server's counter: the loop's
               only pause for a periodic snapshot), median of the runs
  child ms     how long the last finished child took, fork to file complete
  adopt ms     the longest commit that named a child's file (and removed the old one)

    python3 tests/bench/server_snapshot_load.py \\
        --case none="--snapshot-bytes 1G --snapshot-secs 3600" \\
        --case bytes16M="--snapshot-bytes 16M"
    python3 tests/bench/server_snapshot_load.py --server /path/to/old/omniq-server \\
        --case every1000="--snapshot-every 1000"
    python3 tests/bench/server_snapshot_load.py --quick     # CI smoke

The date, machine and load average are printed: the machine may be shared.
Standard library only; every process started is stopped."""
import argparse
import json
import os
import platform
import shlex
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "server"))
from server_client import Client, Server  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu(pid):
    """(utime + stime, cutime + cstime) of a process in seconds, from /proc."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return ((int(fields[11]) + int(fields[12])) / TICKS, (int(fields[13]) + int(fields[14])) / TICKS)


def preload(port, n, batch=1000):
    """n arrivals on one connection, batch requests in flight at a time."""
    s = socket.create_connection(("127.0.0.1", port))
    buf = b""
    for start in range(0, n, batch):
        k = min(batch, n - start)
        s.sendall(b"".join(b'{"cmd":"arrive","contact":"p%d","channel":"email","queue":"support"}\n'
                           % (start + i) for i in range(k)))
        got = 0
        while got < k:
            data = s.recv(1 << 20)
            if not data:
                raise RuntimeError("server closed the connection during the preload")
            buf += data
            lines = buf.split(b"\n")
            buf = lines.pop()
            for line in lines:
                if b'"ok":true' not in line:
                    raise RuntimeError("preload: %s" % line[:200])
                got += 1
    s.close()


def snapshot_bytes(db):
    con = sqlite3.connect(db)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(snapshot)")]
        if "file" in cols:
            row = con.execute("SELECT file, length(data) + length(extra) FROM snapshot").fetchone()
            if row and row[0]:
                return os.path.getsize(os.path.join(os.path.dirname(db), row[0]))
            return row[1] if row else 0
        row = con.execute("SELECT length(data) + length(extra) FROM snapshot").fetchone()
        return row[0] if row else 0
    finally:
        con.close()


def spread(values):
    return {"med": statistics.median(values), "min": min(values), "max": max(values)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", help="omniq-server binary (default: build/examples/bin/omniq-server)")
    ap.add_argument("--client", default=os.path.join(ROOT, "build", "tests", "server_load_client"))
    ap.add_argument("--waiting", type=int, default=100000, help="contacts waiting before the runs")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sync", default="normal", choices=("full", "normal", "off"))
    ap.add_argument("--case", action="append", default=[],
                    help="NAME=\"server arguments\" (repeatable; default: none and bytes16M)")
    ap.add_argument("--db-dir", help="directory for the databases (default: a temporary one)")
    ap.add_argument("--quick", action="store_true",
                    help="CI smoke: 2,000 waiting, 4 clients, 1 run of 1 s per case (not figures to quote)")
    args = ap.parse_args()
    if args.quick:
        args.waiting, args.clients, args.seconds, args.runs = 2000, 4, 1.0, 1
        args.case = args.case or ["none=--snapshot-bytes 1G --snapshot-secs 3600",
                                  "bytes64K=--snapshot-bytes 64K"]
    if not os.path.exists(args.client):
        print("server_snapshot_load: %s is not built" % args.client)
        return 1
    if args.server:
        os.environ["OMNIQ_SERVER"] = os.path.abspath(args.server)
    cases = [c.split("=", 1) for c in args.case] or [
        ["none", "--snapshot-bytes 1G --snapshot-secs 3600"], ["bytes16M", "--snapshot-bytes 16M"]]
    load = [round(x, 2) for x in os.getloadavg()]
    u = platform.uname()
    print("# server_snapshot_load, %s, %s %s %s (%d CPUs), load average %s; %d waiting, %d clients, "
          "%.0f s per run, %d runs per case, sync=%s; median [min .. max]"
          % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), u.system, u.release, u.machine,
             os.cpu_count() or 0, " ".join("%.2f" % x for x in load), args.waiting, args.clients,
             args.seconds, args.runs, args.sync, ))
    tmp = tempfile.mkdtemp(dir=args.db_dir)
    failed = False
    try:
        seed = os.path.join(tmp, "seed")
        os.mkdir(seed)
        seed_db = os.path.join(seed, "load.db")
        t0 = time.monotonic()
        srv = Server(seed_db, extra=["--sync", "off", "--snapshot-every", "1000000000",
                                     "--snapshot-secs", "86400"])
        preload(srv.port, args.waiting)
        srv.stop()
        print("# preload: %d contacts in %.1f s; stored snapshot %.1f MB"
              % (args.waiting, time.monotonic() - t0, snapshot_bytes(seed_db) / 1e6))
        print("%-12s %24s %22s %26s %10s %22s %14s %12s %8s %9s %9s" % (
            "case", "req/s", "p99 ms", "max ms", "snapshots", "server CPU ms/1k req",
            "child CPU s", "snapshot MB", "fork ms", "child ms", "adopt ms"))
        for name, extra in cases:
            runs = []
            for r in range(args.runs):
                run_dir = os.path.join(tmp, "%s-%d" % (name, r))
                shutil.copytree(seed, run_dir)
                db = os.path.join(run_dir, "load.db")
                srv = Server(db, extra=["--sync", args.sync] + shlex.split(extra))
                probe = Client(srv.port)
                n0 = probe.request("counts")
                c0 = cpu(srv.proc.pid)
                out = subprocess.run([args.client, "--port", str(srv.port), "--clients", str(args.clients),
                                      "--seconds", str(args.seconds)], capture_output=True, text=True)
                c1 = cpu(srv.proc.pid)
                n1 = probe.request("counts")
                probe.close()
                try:
                    res = json.loads(out.stdout)
                except ValueError:
                    raise RuntimeError("load client: %r %r" % (out.stdout, out.stderr))
                # (a server before this counter: -1)
                res["snapshots"] = n1["snapshots"] - n0["snapshots"] if "snapshots" in n1 else -1
                res["fork_ms_max"] = n1.get("snapshot_fork_ms_max", -1)
                res["child_ms"] = n1.get("snapshot_child_ms", -1)
                res["adopt_ms_max"] = n1.get("snapshot_adopt_ms_max", -1)
                res["server_cpu_ms_per_1k"] = 1e6 * (c1[0] - c0[0]) / max(1, res["requests"])
                res["child_cpu_s"] = c1[1] - c0[1]
                res["snapshot_mb"] = snapshot_bytes(db) / 1e6
                failed |= res["errors"] > 0 or not res["complete"]
                runs.append(res)
                srv.stop()  # each run starts from its own copy of the seed
                shutil.rmtree(run_dir, ignore_errors=True)
            row = {k: spread([r[k] for r in runs]) for k in
                   ("req_per_s", "p99_ms", "max_ms", "snapshots", "server_cpu_ms_per_1k", "child_cpu_s",
                    "snapshot_mb", "fork_ms_max", "child_ms", "adopt_ms_max")}

            def f(x, fmt):
                return (fmt + " [" + fmt + " .. " + fmt + "]") % (x["med"], x["min"], x["max"])
            print("%-12s %24s %22s %26s %10s %22s %14s %12s %8s %9s %9s" % (
                name, f(row["req_per_s"], "%.0f"), f(row["p99_ms"], "%.2f"), f(row["max_ms"], "%.1f"),
                "%g" % row["snapshots"]["med"], f(row["server_cpu_ms_per_1k"], "%.1f"),
                f(row["child_cpu_s"], "%.2f"), "%.1f" % row["snapshot_mb"]["med"],
                "%g" % row["fork_ms_max"]["med"], "%g" % row["child_ms"]["med"],
                "%g" % row["adopt_ms_max"]["med"]))
            print(json.dumps({"bench": "server_snapshot_load", "case": name, "args": extra,
                              "waiting": args.waiting, "clients": args.clients, "sync": args.sync,
                              "load": load, **row}))
            sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
