#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Throughput and stalls of omniq-server leading a tenant on a NATS JetStream
journal while it snapshots a large engine.

Starts a 3-node nats-server cluster (free ports, temporary directories,
GOMAXPROCS=1 per node as in nats_load.py) and fills one tenant (one per
server binary: --server-for) with --waiting contacts (default 100,000; no
agent is logged in, so they all wait) through one pipelined connection on a leader started with snapshots
out of the way; stopping it stores the final snapshot holding them. Each run
then starts a leader with the snapshot options under test (--case): it
restores that snapshot from the bucket and leads; the compiled load client
(build/tests/server_load_client: N connections, one request in flight each,
arrive then abandon, so the waiting population stays the same) drives it
for --seconds; the leader is stopped (SIGTERM). The cases are interleaved
run by run (the machine is shared and noisy). Reported per case, median
[min .. max] over --runs runs:

  req/s        acknowledged requests per second (wall)
  p99 / max    request latency; max is the longest single request: a stall
               of the server's loop shows here
  snapshots    snapshots stored during the run (the server's counter)
  server CPU   utime + stime of the leader per 1,000 requests; its reaped
               children (the snapshot serializers) separately
  NATS CPU     the three nodes' CPU per 1,000 requests (replicating the
               journal and the snapshots)
  fork ms      the longest fork() of the run (the loop's pause for a snapshot)
  child ms     how long the last child took, fork to its last byte
  upload ms    how long the last upload took, chunks and head

    python3 tests/bench/nats_snapshot_load.py \\
        --case none="--snapshot-bytes 1G --snapshot-secs 3600" \\
        --case every5000="--snapshot-every 5000 --snapshot-bytes 1G"
    python3 tests/bench/nats_snapshot_load.py --case old5000="--snapshot-every 5000" \
        --server-for old5000=/path/to/old/omniq-server --case new5000="--snapshot-every 5000"
    python3 tests/bench/nats_snapshot_load.py --quick        # CI smoke

The date, machine and load average are printed. Standard library only;
every process started is stopped. Exits 0 without measuring (saying so)
when nats-server is not installed."""
import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "server"))
sys.path.insert(0, HERE)
import nats_cluster  # noqa: E402
from replica_client import Node, free_port, leader_of  # noqa: E402
from server_client import Client  # noqa: E402
from server_snapshot_load import cpu, preload, spread  # noqa: E402

TENANT = "load"
QUIET = ["--snapshot-bytes", "1G", "--snapshot-every", "1000000000", "--snapshot-secs", "86400"]


def nodes_cpu(cluster):
    return sum(cpu(n.proc.pid)[0] for n in cluster.nodes)


def lead(node, tenant):
    node.start(timeout=300)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if leader_of([node.addr], tenant)[0]:
            return
        time.sleep(0.1)
    raise RuntimeError("%s did not lead %s:\n%s" % (node.name, tenant, node.log_tail()))


def one_run(args, cluster, logdir, name, extra, r):
    binary = args.server_for.get(name, args.server_default)
    os.environ["OMNIQ_SERVER"] = binary
    tenant = args.tenants[binary]
    node = Node("%s-%d" % (name, r), free_port(), cluster.urls, [(tenant, "primary")], logdir,
                extra=["--quiet"] + shlex.split(extra))
    lead(node, tenant)
    try:
        probe = Client(node.port)
        n0 = probe.request("counts")
        c0, k0 = cpu(node.proc.pid), nodes_cpu(cluster)
        out = subprocess.run([args.client, "--port", str(node.port), "--tenant", tenant,
                              "--clients", str(args.clients), "--seconds", str(args.seconds)],
                             capture_output=True, text=True, timeout=args.seconds + 300)
        c1, k1 = cpu(node.proc.pid), nodes_cpu(cluster)
        n1 = probe.request("counts")
        probe.close()
    finally:
        rc = node.stop(timeout=300)
    try:
        res = json.loads(out.stdout)
    except ValueError:
        raise RuntimeError("load client: %r %r" % (out.stdout, out.stderr))
    if rc != 0:
        raise RuntimeError("%s exited with %s:\n%s" % (node.name, rc, node.log_tail()))
    if n1.get("contacts", 0) < args.waiting:
        raise RuntimeError("the leader holds %r contacts, not the %d preloaded" % (n1.get("contacts"), args.waiting))
    res["snapshots"] = n1["snapshots"] - n0["snapshots"] if "snapshots" in n1 else -1
    res["fork_ms_max"] = n1.get("snapshot_fork_ms_max", -1)
    res["child_ms"] = n1.get("snapshot_child_ms", -1)
    res["upload_ms"] = n1.get("snapshot_upload_ms", -1)
    res["server_cpu_ms_per_1k"] = 1e6 * (c1[0] - c0[0]) / max(1, res["requests"])
    res["child_cpu_s"] = c1[1] - c0[1]
    res["nats_cpu_ms_per_1k"] = 1e6 * (k1 - k0) / max(1, res["requests"])
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", help="omniq-server binary (default: build/examples/bin/omniq-server)")
    ap.add_argument("--client", default=os.path.join(ROOT, "build", "tests", "server_load_client"))
    ap.add_argument("--waiting", type=int, default=100000, help="contacts waiting before the runs")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--gomaxprocs", type=int, default=1, help="GOMAXPROCS of each nats-server (0: Go's default)")
    ap.add_argument("--server-for", action="append", default=[], metavar="NAME=PATH",
                    help="the omniq-server binary of one case (e.g. a build of the code before a change), "
                         "so before and after run interleaved")
    ap.add_argument("--case", action="append", default=[],
                    help="NAME=\"server arguments\" (repeatable; default: none and every5000)")
    ap.add_argument("--quick", action="store_true",
                    help="CI smoke: 2,000 waiting, 4 clients, 1 run of 2 s per case (not figures to quote)")
    args = ap.parse_args()
    if args.quick:
        args.waiting, args.clients, args.seconds, args.runs = 2000, 4, 2.0, 1
        args.case = args.case or ["none=--snapshot-bytes 1G --snapshot-secs 3600",
                                  "every200=--snapshot-every 200 --snapshot-bytes 1G"]
    if not nats_cluster.nats_server_binary():
        print("nats_snapshot_load: nats-server is not installed: nothing measured")
        return 0
    if not os.path.exists(args.client):
        print("nats_snapshot_load: %s is not built" % args.client)
        return 1
    args.server_default = os.path.abspath(args.server) if args.server else os.environ.get(
        "OMNIQ_SERVER", os.path.join(ROOT, "build", "examples", "bin", "omniq-server"))
    args.server_for = {k: os.path.abspath(v) for k, v in (x.split("=", 1) for x in args.server_for)}
    os.environ["OMNIQ_SERVER"] = args.server_default
    cases = [c.split("=", 1) for c in args.case] or [
        ["none", "--snapshot-bytes 1G --snapshot-secs 3600"],
        ["every5000", "--snapshot-every 5000 --snapshot-bytes 1G"]]
    load = [round(x, 2) for x in os.getloadavg()]
    u = platform.uname()
    print("# nats_snapshot_load, %s, %s %s %s (%d CPUs), load average %s; %d waiting, %d clients, "
          "%.0f s per run, %d runs per case (interleaved), 3 nats-server nodes GOMAXPROCS=%s, Replicas=3; "
          "median [min .. max]"
          % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), u.system, u.release, u.machine,
             os.cpu_count() or 0, " ".join("%.2f" % x for x in load), args.waiting, args.clients,
             args.seconds, args.runs, args.gomaxprocs or "default"))
    sys.stdout.flush()
    failed = False
    with tempfile.TemporaryDirectory() as logdir, \
            nats_cluster.Cluster(nodes=3, gomaxprocs=args.gomaxprocs or None) as cluster:
        # One tenant per server binary: each stores snapshots its own way
        # (an older build may not read a newer one's), each is filled by it.
        args.tenants = {}
        for binary in [args.server_default] + sorted(set(args.server_for.values())):
            if binary in args.tenants:
                continue
            tenant = "%s%d" % (TENANT, len(args.tenants))
            args.tenants[binary] = tenant
            t0 = time.monotonic()
            os.environ["OMNIQ_SERVER"] = binary
            seed = Node("seed-" + tenant, free_port(), cluster.urls, [(tenant, "primary")], logdir,
                        extra=["--quiet"] + QUIET)
            lead(seed, tenant)
            try:
                preload(seed.port, args.waiting)
            finally:
                seed.stop(timeout=300)
            print("# preload of tenant %s (%s): %d contacts in %.1f s (the final snapshot stored)"
                  % (tenant, binary, args.waiting, time.monotonic() - t0))
        print("%-10s %24s %22s %26s %9s %22s %14s %20s %8s %9s %10s" % (
            "case", "req/s", "p99 ms", "max ms", "snapshots", "server CPU ms/1k req", "child CPU s",
            "NATS CPU ms/1k req", "fork ms", "child ms", "upload ms"))
        sys.stdout.flush()
        results = {name: [] for name, _ in cases}
        for r in range(args.runs):
            for name, extra in cases:
                res = one_run(args, cluster, logdir, name, extra, r)
                failed |= res["errors"] > 0 or not res["complete"]
                results[name].append(res)
        for name, extra in cases:
            runs = results[name]
            row = {k: spread([x[k] for x in runs]) for k in
                   ("req_per_s", "p99_ms", "max_ms", "snapshots", "server_cpu_ms_per_1k", "child_cpu_s",
                    "nats_cpu_ms_per_1k", "fork_ms_max", "child_ms", "upload_ms")}

            def f(x, fmt):
                return (fmt + " [" + fmt + " .. " + fmt + "]") % (x["med"], x["min"], x["max"])
            print("%-10s %24s %22s %26s %9s %22s %14s %20s %8s %9s %10s" % (
                name, f(row["req_per_s"], "%.0f"), f(row["p99_ms"], "%.2f"), f(row["max_ms"], "%.1f"),
                "%g" % row["snapshots"]["med"], f(row["server_cpu_ms_per_1k"], "%.1f"),
                f(row["child_cpu_s"], "%.2f"), f(row["nats_cpu_ms_per_1k"], "%.0f"),
                "%g" % row["fork_ms_max"]["med"], "%g" % row["child_ms"]["med"], "%g" % row["upload_ms"]["med"]))
            print(json.dumps({"bench": "nats_snapshot_load", "case": name, "args": extra, "waiting": args.waiting,
                              "clients": args.clients, "load": load, "runs": runs, **row}))
            sys.stdout.flush()
    print("# load average at the end: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
