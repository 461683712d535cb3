# SPDX-License-Identifier: MIT
"""Failover of omniq-server on a NATS JetStream journal, on loopback.

Starts a 3-node nats-server cluster (ports chosen free now, temporary store
directories) and two omniq-server processes, A and B, each hosting two
tenants: A leads t1 and stands by for t2, B the other way round. Client
threads put a randomized load on both tenants (arrivals, abandons, removals,
agents going not ready and ready) while the test

  - SIGKILLs the server leading a tenant at random moments (KILLS times):
    the other one takes the tenant over; the killed one is restarted and
    stands by again;
  - once kills the nats-server node leading a tenant's stream (and later
    brings it back);
  - once pauses a leader (SIGSTOP) past its lease, lets the standby take
    over, then resumes it with a write request waiting in its socket: its
    append is refused, it steps down and says so;
  - every few kills hands a tenant over to the other server (planned move).

At the end, for each tenant: every request a client saw acknowledged
(arrive, abandon, remove of a contact) is in the stream exactly once and
nothing is in it twice (records decoded from their documented byte layout,
not by the library; each stream message holds the records of one commit); the leader — a promoted standby — passes
oq_engine_check; and its snapshot equals, byte for byte, the snapshot of a
fresh engine that replays the whole stream (omniq-journal verify).

Every process it starts is stopped, also on failure. Without nats-server it
exits 77 (ctest: skipped) saying so. No timing assertions: failover times
are printed, every wait is bounded by a generous time-out.

Run: OMNIQ_SERVER=build/examples/bin/omniq-server python3 tests/server/test_failover.py
Environment: FAILOVER_KILLS (default 22), FAILOVER_SEED."""
import json
import os
import random
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import nats_cluster  # noqa: E402
from replica_client import (Node, TenantClient, ask, decode_contact, free_port,  # noqa: E402
                            journal_binary, journal_tool, leader_of)
from server_client import CENTER, Client, server_binary  # noqa: E402

KILLS = int(os.environ.get("FAILOVER_KILLS", "22"))
SEED = int(os.environ.get("FAILOVER_SEED", str(int(time.time()))))
TENANTS = ("t1", "t2")
AGENTS = ["a%d" % i for i in range(1, 9)]
CONTACT_ACTIONS = ("contact_arrive", "contact_abandon", "contact_remove")
WAIT = 60.0  # the longest any single step may take on a loaded machine


class Ledger:
    """What clients were told, per tenant: (action, contact) pairs."""

    def __init__(self):
        self.lock = threading.Lock()
        self.go = threading.Event()      # cleared: the load threads hold still
        self.go.set()
        self.acked = {t: set() for t in TENANTS}     # replied ok (or EEXIST to a retried arrive)
        self.requests = {t: 0 for t in TENANTS}
        self.unknown = {t: 0 for t in TENANTS}
        self.errors = []

    def ack(self, tenant, action, contact):
        with self.lock:
            self.acked[tenant].add((action, contact))


class Feeder(threading.Thread):
    """Arrivals with fresh ids; about half leave again (abandon or remove).
    An unknown outcome is retried once on the new leader: EEXIST to a retried
    arrive means the first one was stored."""

    def __init__(self, addrs, tenant, wid, ledger, rng):
        super().__init__(daemon=True)
        self.addrs, self.tenant, self.wid, self.ledger, self.rng = addrs, tenant, wid, ledger, rng
        self.stop = threading.Event()

    def call(self, cli, action, cmd, contact, **fields):
        for attempt in range(2):
            r = cli.request(cmd, contact=contact, **fields)
            with self.ledger.lock:
                self.ledger.requests[self.tenant] += 1
            if r is None:
                with self.ledger.lock:
                    self.ledger.unknown[self.tenant] += 1
                continue
            if r.get("ok"):
                self.ledger.ack(self.tenant, action, contact)
                return True
            if attempt == 1 and action == "contact_arrive" and r.get("error") == "OQ_EEXIST":
                self.ledger.ack(self.tenant, action, contact)  # the lost first try was stored
                return True
            if attempt == 0:
                with self.ledger.lock:
                    self.ledger.errors.append("%s %s %s: %r" % (self.tenant, cmd, contact, r))
            return False
        return False

    def run(self):
        cli = TenantClient(self.addrs, self.tenant, timeout=5.0)
        i = 0
        try:
            while not self.stop.is_set():
                self.ledger.go.wait()
                cid = "%s-w%d-%d" % (self.tenant, self.wid, i)
                i += 1
                queue, channel = ("billing", "email") if i % 5 == 0 else ("support", "email")
                if not self.call(cli, "contact_arrive", "arrive", cid, channel=channel, queue=queue,
                                 priority=self.rng.randint(0, 3)):
                    continue
                x = self.rng.random()
                if x < 0.25:
                    self.call(cli, "contact_abandon", "abandon", cid)
                elif x < 0.5:
                    self.call(cli, "contact_remove", "remove", cid)
        finally:
            cli.close()


class Toggler(threading.Thread):
    """Agents go not ready and ready again: routing moves with them."""

    def __init__(self, addrs, tenant, ledger, rng):
        super().__init__(daemon=True)
        self.addrs, self.tenant, self.ledger, self.rng = addrs, tenant, ledger, rng
        self.stop = threading.Event()

    def run(self):
        cli = TenantClient(self.addrs, self.tenant, timeout=5.0)
        try:
            while not self.stop.is_set():
                self.ledger.go.wait()
                a = self.rng.choice(AGENTS)
                cli.request("not_ready", agent=a, reason="break")
                cli.request("ready", agent=a)
                time.sleep(0.02)
        finally:
            cli.close()


def wait_for(what, fn, timeout=WAIT, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))


@unittest.skipIf(nats_cluster.nats_server_binary() is None, "nats-server is not installed")
class FailoverTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="omniq-failover-")
        self.cluster = nats_cluster.Cluster(nodes=3)
        urls = self.cluster.urls
        pa, pb = free_port(), free_port()
        while pb == pa:
            pb = free_port()
        self.nodes = {
            "A": Node("A", pa, urls, [("t1", "primary"), ("t2", "standby")], self.tmp),
            "B": Node("B", pb, urls, [("t1", "standby"), ("t2", "primary")], self.tmp),
        }
        self.addrs = [n.addr for n in self.nodes.values()]
        self.nodes["A"].start()
        self.nodes["B"].start()

    def tearDown(self):
        for n in self.nodes.values():
            n.kill()
        self.cluster.stop()
        if not os.environ.get("OMNIQ_KEEP_FAILOVER_DIR"):
            import shutil
            shutil.rmtree(self.tmp, ignore_errors=True)

    def node_at(self, addr):
        return next(n for n in self.nodes.values() if n.addr == addr)

    def leader_node(self, tenant):
        addr = wait_for("a leader of %s" % tenant, lambda: leader_of(self.addrs, tenant)[0])
        return self.node_at(addr)

    def role(self, node, tenant):
        r = ask(node.addr, {"cmd": "leader", "tenant": tenant})
        return r.get("role") if r and r.get("ok") else None

    def wait_standby(self, node):
        for t in TENANTS:
            wait_for("%s standing by for %s" % (node.name, t),
                     lambda: self.role(node, t) in ("standby", "leader"))

    def kill_leader(self, tenant, failovers):
        victim = self.leader_node(tenant)
        other = next(n for n in self.nodes.values() if n is not victim)
        t0 = time.monotonic()
        victim.kill()
        wait_for("%s to take over %s" % (other.name, tenant), lambda: self.role(other, tenant) == "leader",
                 step=0.02)
        failovers.append(time.monotonic() - t0)
        victim.start()
        self.wait_standby(victim)

    def handover(self, tenant):
        """Move tenant from its leader to the other server. Tried again when
        the leader changed meanwhile or the cluster was busy electing. Done
        once the target says it took the lease handed over to it (it may
        lose it again at once if the cluster stalls its renewals)."""
        r = None
        for attempt in range(5):
            src = self.leader_node(tenant)
            dst = next(n for n in self.nodes.values() if n is not src)
            self.wait_standby(dst)
            # an operator hands over to a standby that keeps up (lag: commits behind the stream)
            wait_for("%s to catch up with %s" % (dst.name, tenant),
                     lambda: (ask(dst.addr, {"cmd": "leader", "tenant": tenant}) or {}).get("lag", 1 << 30) < 50)
            mark = len(dst.log_text())
            r = ask(src.addr, {"cmd": "handover", "tenant": tenant, "to": dst.name}, timeout=30)
            if r and r.get("ok"):
                try:
                    wait_for("%s to take %s over from %s" % (dst.name, tenant, src.name),
                             lambda: "tenant %s: took the lease from %s (handed over)" % (tenant, src.name)
                             in dst.log_text()[mark:], timeout=WAIT / 2)
                    return
                except AssertionError:
                    # the cluster stalled the target past a lease and the source took the
                    # tenant back (safe: one of them is fenced): hand it over again
                    print("hand-over of %s to %s did not complete (attempt %d); again" % (tenant, dst.name, attempt),
                          flush=True)
                    continue
            if r and r.get("error") not in ("NOT_LEADER", "OQ_ESTATE"):
                break
            time.sleep(0.5)
        self.fail("handover of %s: %r" % (tenant, r))

    def kill_stream_leader(self, tenant):
        rc, rows, err = journal_tool(self.cluster.urls, tenant, "info")
        self.assertEqual(rc, 0, err)
        name = rows[0]["stream_leader"]
        self.assertTrue(name, "the stream of %s has no leader: %r" % (tenant, rows))
        node = self.cluster.node(name)
        self.cluster.kill(node)
        return node

    def fence_stale_leader(self, tenant, ledger):
        """Pause the leader past its lease; the standby takes over; resume it
        with two write requests waiting — one from a client bound by hello,
        one from a client naming the tenant in the request: that append is refused
        (the successor appended first), the stale leader steps down and says
        so. The load holds still meanwhile, so the paused server sits in
        poll() and reads the request before its next lease renewal; should
        the renewal still come first (it then steps down for the lost lease
        without appending), the scenario is played again."""
        ledger.go.clear()
        try:
            for attempt in range(3):
                time.sleep(0.3)
                stale = self.leader_node(tenant)
                other = next(n for n in self.nodes.values() if n is not stale)
                self.wait_standby(other)
                contact = "stale-write-%d" % attempt
                named = "stale-named-%d" % attempt  # from a client that names the tenant per request
                mark = len(stale.log_text())
                c = Client(stale.port, timeout=30)
                hello = c.request("hello", tenant=tenant)
                self.assertTrue(hello.get("ok"), hello)
                c2 = Client(stale.port, timeout=30)
                stale.pause()
                try:
                    wait_for("%s to take over %s from the paused %s" % (other.name, tenant, stale.name),
                             lambda: self.role(other, tenant) == "leader")
                    c.send_raw(('{"cmd":"arrive","contact":"%s","channel":"email","queue":"support"}\n'
                                % contact).encode())
                    c2.send_raw(('{"cmd":"arrive","tenant":"%s","contact":"%s","channel":"email",'
                                 '"queue":"support"}\n' % (tenant, named)).encode())
                finally:
                    stale.resume()
                for cli, cid in ((c, contact), (c2, named)):
                    try:
                        r = cli.reply()
                    except Exception:  # noqa: BLE001 - a dropped connection is the expected answer
                        r = None
                    cli.close()
                    self.assertFalse(r and r.get("ok"), "a deposed leader acknowledged %s: %r" % (cid, r))
                wait_for("%s to step down for %s" % (stale.name, tenant),
                         lambda: "tenant %s:" % tenant in stale.log_text()[mark:]
                         and "stepping down" in stale.log_text()[mark:])
                wait_for("%s to stand by for %s again" % (stale.name, tenant),
                         lambda: self.role(stale, tenant) == "standby")
                if "tenant %s: fenced" % tenant in stale.log_text()[mark:]:
                    return [contact, named]
            self.fail("the paused leader never got to append (it always saw its lost lease first)")
        finally:
            ledger.go.set()

    def diagnose(self):
        """What each server was doing when a step timed out: alive or not,
        its last log lines, and (gdb installed) where its threads were; each
        tenant's journal is dumped beside the logs (OMNIQ_KEEP_FAILOVER_DIR
        keeps them)."""
        import shutil
        import subprocess
        for t in TENANTS:
            try:
                rc, rows, err = journal_tool(self.cluster.urls, t, "dump", timeout=120)
                with open(os.path.join(self.tmp, "%s.dump" % t), "w") as f:
                    f.write("".join(json.dumps(r) + "\n" for r in rows) + err)
                rc, rows, err = journal_tool(self.cluster.urls, t, "verify", "--config", CENTER, timeout=120)
                print("---- %s: omniq-journal verify: %s %s" % (t, rows, err.strip()), flush=True)
            except Exception as e:  # noqa: BLE001 - diagnostics only
                print("---- %s: no journal dump: %s" % (t, e), flush=True)
        for n in self.nodes.values():
            state = "running" if n.alive() else "exited with %s" % (n.proc.returncode if n.proc else None)
            print("---- %s (%s), last log lines:\n%s" % (n.name, state, n.log_tail(15)), flush=True)
            if n.alive() and shutil.which("gdb"):
                try:
                    p = subprocess.run(["gdb", "-p", str(n.proc.pid), "-batch", "-ex", "thread apply all bt 12"],
                                       capture_output=True, text=True, timeout=60)
                    print("\n".join(line for line in p.stdout.splitlines() if line.startswith(("#", "Thread"))),
                          flush=True)
                except (OSError, subprocess.TimeoutExpired):
                    pass

    def test_failover(self):
        try:
            self.run_failover()
        except AssertionError:
            self.diagnose()
            raise

    def run_failover(self):
        rng = random.Random(SEED)
        print("seed %d, %d primary kills" % (SEED, KILLS), flush=True)
        t_start = time.monotonic()
        for t in TENANTS:
            self.leader_node(t)
        ledger = Ledger()
        # The agents of both tenants log in (acknowledged before the load).
        for t in TENANTS:
            cli = TenantClient(self.addrs, t)
            for a in AGENTS:
                r = cli.request("login", agent=a, deadline=time.monotonic() + WAIT)
                self.assertTrue(r and r.get("ok"), "login %s on %s: %r" % (a, t, r))
            cli.close()
        threads = []
        for t in TENANTS:
            for w in range(2):
                threads.append(Feeder(self.addrs, t, w, ledger, random.Random(rng.random())))
            threads.append(Toggler(self.addrs, t, ledger, random.Random(rng.random())))
        for th in threads:
            th.start()

        failovers, handovers = [], 0
        nats_down = None
        stale_contacts = []
        try:
            for k in range(KILLS):
                time.sleep(rng.uniform(0.2, 1.0))
                # both tenants fail over at least once: the final leaders are promoted standbys
                self.kill_leader(TENANTS[k] if k < len(TENANTS) else rng.choice(TENANTS), failovers)
                if k == KILLS // 2:
                    nats_down = self.kill_stream_leader(rng.choice(TENANTS))
                elif nats_down is not None:
                    self.cluster.restart(nats_down)
                    self.cluster.wait_ready(nodes=[nats_down])
                    nats_down = None
                if k == KILLS // 3:
                    stale_tenant = rng.choice(TENANTS)
                    stale_contacts = [(stale_tenant, c) for c in self.fence_stale_leader(stale_tenant, ledger)]
                if k % 6 == 5:
                    self.handover(rng.choice(TENANTS))
                    handovers += 1
            time.sleep(0.5)
        finally:
            for th in threads:
                th.stop.set()
            for th in threads:
                th.join(WAIT)
        if nats_down is not None:
            self.cluster.restart(nats_down)
            self.cluster.wait_ready(nodes=[nats_down])
        load_s = time.monotonic() - t_start
        self.assertEqual(ledger.errors, [], "requests refused that should have worked")

        for t in TENANTS:
            self.verify_tenant(t, ledger, [c for st, c in stale_contacts if st == t])
        failovers.sort()
        print("%d kills, %d hand-overs, load %.0f s; failover (kill -> standby leading) "
              "median %.2f s, max %.2f s; requests %s, unknown outcomes %s"
              % (len(failovers), handovers, load_s, failovers[len(failovers) // 2], failovers[-1],
                 ledger.requests, ledger.unknown), flush=True)
        for n in self.nodes.values():
            self.assertEqual(n.stop(), 0, "%s did not stop cleanly:\n%s" % (n.name, n.log_tail()))

    def verify_tenant(self, t, ledger, stale_contacts):
        urls = self.cluster.urls
        cli = TenantClient(self.addrs, t)
        snap = cli.request("snapshot", deadline=time.monotonic() + WAIT)
        self.assertTrue(snap and snap.get("ok"), "snapshot on %s: %r" % (t, snap))
        check = cli.request("check", deadline=time.monotonic() + WAIT)
        self.assertTrue(check and check.get("ok"), "oq_engine_check on the leader of %s: %r" % (t, check))
        counts = cli.request("counts", deadline=time.monotonic() + WAIT)
        cli.close()

        rc, rows, err = journal_tool(urls, t, "verify", "--config", CENTER)
        self.assertEqual(rc, 0, "omniq-journal verify %s: %s %r" % (t, err, rows))
        v = rows[0]
        self.assertTrue(v["snapshot_compared"] and v["snapshot_equal"],
                        "%s: the leader's snapshot was not compared with a full replay or differs "
                        "at byte %s: %r %s" % (t, v["differ_at"], v, err.strip()))
        self.assertEqual(v["check"], "OQ_OK")
        rc, recs, err = journal_tool(urls, t, "dump")
        self.assertEqual(rc, 0, err)
        # each stream message holds the records of one commit: messages 1..n, none empty,
        # records numbered 1.. inside each
        order = [(r["seq"], r["rec"]) for r in recs]
        self.assertEqual(order, sorted(order), "%s: records out of order" % t)
        self.assertEqual(sorted({s for s, _ in order}), list(range(1, v["messages"] + 1)),
                         "%s: stream messages missing or out of sequence" % t)
        for i, (s, k) in enumerate(order):
            self.assertEqual(k, 1 if i == 0 or order[i - 1][0] != s else order[i - 1][1] + 1,
                             "%s: record numbering inside message %d" % (t, s))
        self.assertEqual(len(recs), v["records"])
        seen = {}
        for r in recs:
            if r["action"] in CONTACT_ACTIONS:
                key = (r["action"], decode_contact(r["hex"]))
                seen[key] = seen.get(key, 0) + 1
        twice = sorted(k for k, n in seen.items() if n > 1)
        self.assertEqual(twice, [], "%s: stored more than once" % t)
        missing = sorted(k for k in ledger.acked[t] if k not in seen)
        self.assertEqual(missing, [], "%s: acknowledged but not in the stream" % t)
        for c in stale_contacts:
            self.assertNotIn(("contact_arrive", c), seen, "%s: the fenced leader's write was stored" % t)
        print("%s: %d records in %d messages, %d acknowledged contact requests all present once, snapshot at "
              "message %s equal to the full replay, %d contacts (leader counts %s)"
              % (t, len(recs), v["messages"], len(ledger.acked[t]), v["snapshot_seq"], v["contacts"],
                 counts.get("contacts")), flush=True)


if __name__ == "__main__":
    if nats_cluster.nats_server_binary() is None:
        print("SKIP: nats-server is not installed (Debian: apt-get install nats-server); "
              "the failover test needs a real JetStream cluster")
        sys.exit(77)
    for exe in (server_binary(), journal_binary()):
        if not os.access(exe, os.X_OK):
            print("FAIL: %s is not built (libnats-dev missing?)" % exe)
            sys.exit(1)
    unittest.main()
