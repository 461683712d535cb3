# SPDX-License-Identifier: MIT
"""Periodic snapshots of a tenant on the NATS JetStream journal, written by a
forked child and uploaded by a thread while the leader goes on answering
(examples/server/upload.c).

A 3-node nats-server cluster on loopback (ports chosen free, temporary
stores, every process stopped at the end). The child is held at a gate
(OMNIQ_SERVER_SNAPSHOT_GATE: it waits until a file exists before it
serializes) and the upload thread at another (OMNIQ_SERVER_UPLOAD_GATE:
after the chunks, before the head), so the test knows where the snapshot is
without any timing assumption:

- requests sent while the child is held, and while the chunks are stored
  but not yet named, are answered; the head in the bucket still names the
  first snapshot meanwhile;
- once both gates open the head names the message the leader had stored at
  the fork, and the stored bytes equal, byte for byte, an engine rebuilt
  independently here (the center from its YAML through the Python binding,
  plus every journal record of messages 1..that one, read from the stream
  by `omniq-journal dump`); the registry holds the contacts of that moment;
- a server that joins later restores that snapshot (its log names the
  message), applies the rest, and, once handed the tenant, holds every
  acknowledged contact, passes `check`, and its final snapshot equals a
  full replay (`omniq-journal verify`);
- a leader killed while the thread holds its chunks before the head leaves
  the head on the previous snapshot: the standby that takes over has every
  acknowledged contact, and a server that joins afterwards restores from
  the previous snapshot (a half-stored snapshot is never read);
- a leader that hands the tenant over while its child is held abandons
  that snapshot (it says so); the new leader stores its own.

Exits 77 (skipped) when nats-server is not installed. Needs the Python
binding (OMNIQ_LIBRARY) and omniq-journal (OMNIQ_JOURNAL)."""
import os
import re
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
import nats_cluster  # noqa: E402
from replica_client import Node, TenantClient, decode_contact, free_port, journal_tool, leader_of  # noqa: E402
from server_client import CENTER  # noqa: E402
from test_snapshot_child import WAIT, wait_for  # noqa: E402

SNAP_ARGS = ["--snapshot-every", "20", "--snapshot-bytes", "1G", "--snapshot-secs", "3600"]


class JetStreamSnapshotTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.cluster = nats_cluster.Cluster(nodes=3)

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()
        cls.tmp.cleanup()

    def setUp(self):
        self.nodes = []
        self.clients = []
        d = tempfile.mkdtemp(dir=self.tmp.name)
        self.dir = d
        self.child_gate = os.path.join(d, "child-gate")
        self.upload_gate = os.path.join(d, "upload-gate")
        self.saved = {k: os.environ.get(k) for k in ("OMNIQ_SERVER_SNAPSHOT_GATE", "OMNIQ_SERVER_UPLOAD_GATE")}
        os.environ["OMNIQ_SERVER_SNAPSHOT_GATE"] = self.child_gate
        os.environ["OMNIQ_SERVER_UPLOAD_GATE"] = self.upload_gate

    def tearDown(self):
        for c in self.clients:
            c.close()
        for n in self.nodes:
            n.kill()
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def node(self, name, tenant, role):
        n = Node(name, free_port(), self.cluster.urls, [(tenant, role)], self.dir, extra=SNAP_ARGS)
        n.start()
        self.nodes.append(n)
        return n

    def client(self, nodes, tenant):
        c = TenantClient([n.addr for n in nodes], tenant, timeout=10.0)
        self.clients.append(c)
        return c

    def ok(self, c, cmd, **fields):
        r = c.request(cmd, deadline=time.monotonic() + WAIT, **fields)
        self.assertTrue(r and r.get("ok"), "%s %r: %r" % (cmd, fields, r))
        return r

    def arrive(self, c, ids):
        for cid in ids:
            self.ok(c, "arrive", contact=cid, channel="email", queue="support")

    def info(self, tenant):
        rc, rows, err = journal_tool(self.cluster.urls, tenant, "info")
        self.assertEqual(rc, 0, err)
        return rows[0]

    def leads(self, node, tenant):
        return wait_for(lambda: leader_of([node.addr], tenant)[0], "%s to lead %s" % (node.name, tenant))

    def stored(self, tenant):
        """(message, engine bytes, registry ids) of the stored snapshot, read
        from the bucket by omniq-journal."""
        out = os.path.join(self.dir, "snap-%s" % tenant)
        rc, rows, err = journal_tool(self.cluster.urls, tenant, "snapshot", out)
        self.assertEqual(rc, 0, err)
        with open(out, "rb") as f:
            data = f.read()
        with open(out + ".registry", "rb") as f:
            ids = [x.decode() for x in f.read().split(b"\0") if x]
        self.assertEqual(len(data), rows[0]["bytes"])
        return rows[0]["snapshot_seq"], data, ids

    def replay(self, tenant, upto):
        """An engine built here: the center from YAML, then every record of
        messages 1..upto of the stream, in order."""
        import omniq
        rc, recs, err = journal_tool(self.cluster.urls, tenant, "dump")
        self.assertEqual(rc, 0, err)
        e = omniq.Engine.from_yaml_file(CENTER)
        for r in recs:
            if r["seq"] <= upto:
                e.journal_apply(bytes.fromhex(r["hex"]))
        return e

    def counts(self, c):
        """counts from the tenant's leader (asked again after a dropped connection: it changes nothing)."""
        return wait_for(lambda: (lambda r: r if r and r.get("ok") else None)(
            c.request("counts", deadline=time.monotonic() + WAIT)), "counts from the leader")

    def arrived_upto(self, tenant, upto):
        """(contacts whose arrive record is in messages 1..upto, records there),
        decoded from the records' bytes without the library."""
        rc, recs, err = journal_tool(self.cluster.urls, tenant, "dump")
        self.assertEqual(rc, 0, err)
        mine = [r for r in recs if r["seq"] <= upto]
        return {decode_contact(r["hex"]) for r in mine if r["action"] == "contact_arrive"}, len(mine)

    def test_answered_while_the_snapshot_is_written_and_restored_by_a_newcomer(self):
        t = "snap1"
        a = self.node("A", t, "primary")
        self.leads(a, t)
        c = self.client([a], t)
        self.assertEqual(self.info(t)["snapshot_seq"], 0, "the first snapshot is the center from --config")

        # 20 records make the next commit fork a child, held at its gate.
        self.arrive(c, ["a%02d" % i for i in range(20)])
        n = self.counts(c)
        self.assertTrue(n["snapshot_running"], "a snapshot should be in progress: %r" % n)
        self.assertEqual(n["snapshot_phase"], "child", n)
        claimed = n["snapshot_running_seq"]  # the message the leader had stored at the fork
        self.assertTrue(0 < claimed <= n["journal_seq"], n)
        at_fork, records = self.arrived_upto(t, claimed)
        self.assertGreaterEqual(records, 20, "the policy: 20 records since snapshot 0")
        self.assertTrue(at_fork <= {"a%02d" % i for i in range(20)}, at_fork)

        # Answered while the child is held.
        self.arrive(c, ["b%02d" % i for i in range(10)])
        self.ok(c, "abandon", contact="a03")
        n = self.counts(c)
        self.assertTrue(n["snapshot_running"], n)
        self.assertEqual(n["snapshot_seq"], 0, n)
        self.assertEqual(self.info(t)["snapshot_seq"], 0, "nothing is named before the upload ends")

        # The child serializes; the thread stores the chunks and holds before the head.
        open(self.child_gate, "w").close()
        wait_for(lambda: self.counts(c)["snapshot_phase"] == "head", "the chunks to be stored")
        self.arrive(c, ["c%02d" % i for i in range(5)])
        self.assertEqual(self.info(t)["snapshot_seq"], 0, "chunks without their head are not a snapshot")
        n = self.counts(c)
        self.assertEqual((n["snapshot_seq"], n["snapshot_phase"]), (0, "head"), n)
        last = n["journal_seq"]
        self.assertGreater(last, claimed)

        open(self.upload_gate, "w").close()
        n = wait_for(lambda: (lambda m: m if m["snapshot_seq"] else None)(self.counts(c)),
                     "the snapshot to be stored")
        self.assertEqual(n["snapshot_seq"], claimed, "it covers the stream as it was at the fork")
        self.assertFalse(n["snapshot_running"], n)
        self.assertEqual(n["snapshot_phase"], "none", n)

        seq, data, ids = self.stored(t)
        self.assertEqual(seq, claimed)
        ref = self.replay(t, claimed)
        self.assertTrue(ref.snapshot() == data,
                        "the stored snapshot differs from the center + messages 1..%d" % claimed)
        self.assertEqual(sorted(ids), sorted(at_fork),
                         "the registry as it was at the fork (no b*, c*, a03 still there)")

        # A server that joins now restores that snapshot and follows the rest.
        b = self.node("B", t, "standby")
        wait_for(lambda: "tenant %s: replica at message %d, following the stream" % (t, claimed) in b.log_text(),
                 "B to restore the snapshot of message %d" % claimed)
        self.ok(c, "handover", to="B")
        self.leads(b, t)
        cb = self.client([b], t)
        n = self.counts(cb)
        self.assertEqual(n["contacts"], 34, n)
        self.assertGreaterEqual(n["journal_seq"], last, n)
        self.ok(cb, "check")
        got = sorted(x["contact"] for x in self.ok(cb, "list")["contacts"])
        want = sorted(["a%02d" % i for i in range(20) if i != 3] + ["b%02d" % i for i in range(10)]
                      + ["c%02d" % i for i in range(5)])
        self.assertEqual(got, want)
        cb.close()
        self.assertEqual(b.stop(), 0, "B's exit status")
        a.kill()
        rc, rows, err = journal_tool(self.cluster.urls, t, "verify", "--config", CENTER)
        self.assertEqual(rc, 0, "%s %r" % (err, rows))
        self.assertTrue(rows[0]["snapshot_compared"] and rows[0]["snapshot_equal"], rows)
        self.assertEqual(rows[0]["contacts"], 34, rows)

    def test_leader_killed_before_the_head(self):
        t = "snap2"
        open(self.child_gate, "w").close()  # the child writes at once; the thread holds before the head
        a = self.node("A", t, "primary")
        self.leads(a, t)
        b = self.node("B", t, "standby")
        c = self.client([a, b], t)
        self.arrive(c, ["k%02d" % i for i in range(25)])
        wait_for(lambda: self.counts(c)["snapshot_phase"] == "head", "A's chunks to be stored")
        self.arrive(c, ["m%02d" % i for i in range(3)])
        a.kill()
        self.leads(b, t)
        self.assertEqual(self.info(t)["snapshot_seq"], 0, "A's snapshot was never named")
        n = self.counts(c)  # reconnects to B
        self.assertEqual(n["contacts"], 28, n)
        self.ok(c, "check")
        # A newcomer restores from the snapshot the head names: the first one.
        d = self.node("D", t, "standby")
        wait_for(lambda: "tenant %s: replica at message 0, following the stream" % t in d.log_text(),
                 "D to restore snapshot 0")
        self.arrive(c, ["p00"])  # B's first commit: its own periodic snapshot, held before its head
        wait_for(lambda: self.counts(c)["snapshot_phase"] == "head", "B's chunks to be stored")
        self.assertEqual(self.info(t)["snapshot_seq"], 0)
        open(self.upload_gate, "w").close()
        n = wait_for(lambda: (lambda m: m if m["snapshot_seq"] else None)(self.counts(c)),
                     "B's snapshot to be stored")
        self.assertEqual(self.info(t)["snapshot_seq"], n["snapshot_seq"])
        seq, data, ids = self.stored(t)
        self.assertTrue(self.replay(t, seq).snapshot() == data, "B's snapshot differs from a replay")

    def test_step_down_abandons_the_upload(self):
        t = "snap3"
        open(self.upload_gate, "w").close()
        a = self.node("A", t, "primary")
        self.leads(a, t)
        b = self.node("B", t, "standby")
        c = self.client([a, b], t)
        self.arrive(c, ["h%02d" % i for i in range(22)])
        n = self.counts(c)
        self.assertEqual(n["snapshot_phase"], "child", n)
        claimed = n["snapshot_running_seq"]
        self.ok(c, "handover", to="B")
        self.leads(b, t)
        wait_for(lambda: "tenant %s: the snapshot of message %d being written is abandoned" % (t, claimed)
                 in a.log_text(), "A to abandon its snapshot")
        open(self.child_gate, "w").close()
        self.arrive(c, ["j%02d" % i for i in range(3)])  # B leads: its own snapshot follows
        n = wait_for(lambda: (lambda m: m if m["snapshot_seq"] else None)(self.counts(c)),
                     "B's snapshot to be stored")
        self.assertGreater(n["snapshot_seq"], claimed, "B's snapshot, not A's: %r" % n)
        self.assertEqual(self.info(t)["snapshot_seq"], n["snapshot_seq"])
        self.assertEqual(n["contacts"], 25, n)
        self.assertTrue(re.search(r"tenant %s: leading from message \d+" % t, b.log_text()))
        seq, data, ids = self.stored(t)
        self.assertTrue(self.replay(t, seq).snapshot() == data, "B's snapshot differs from a replay")


if __name__ == "__main__":
    if not nats_cluster.nats_server_binary():
        print("nats-server is not installed: skipped")
        sys.exit(77)
    unittest.main(verbosity=2)
