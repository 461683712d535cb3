# SPDX-License-Identifier: MIT
"""Periodic snapshots written by a forked child (examples/server/background.c)
while the server goes on answering.

The child is held at a gate (OMNIQ_SERVER_SNAPSHOT_GATE: it waits until a
file exists before writing), so the test knows a snapshot is in progress
without any timing assumption:

- requests sent while the child waits are answered (and committed) before
  the snapshot exists;
- once the gate opens, the snapshot the database names covers exactly the
  record it claims: its engine bytes equal, byte for byte, the snapshot of
  an engine rebuilt independently (the first snapshot file, restored
  through the Python binding, plus every journal record up to that one,
  read from the database while the child waited); its file's header and
  hash are checked here without the server's code;
- the records committed while the child ran stay in the journal, dense
  from the snapshot's record on, and a server killed afterwards restarts
  with every acknowledged contact;
- a server killed while its child waits leaves no snapshot that is taken
  for valid: a stray half-written file is ignored and removed, and every
  acknowledged contact comes back from the previous snapshot and the journal;
- every snapshot child the test makes ends as it should, checked from its
  wait status: the one whose gate opens exits 0 (read while its server is
  held with SIGSTOP, so the child stays a zombie the server cannot reap yet:
  Linux shows a zombie's wait status in /proc/PID/stat), the one whose
  server was killed exits 6 without writing (the test is a child subreaper,
  so it adopts and reaps that orphan), and no other child outlives its
  server. A child that crashes or exits otherwise fails the test, saying
  which child and how it ended.

Needs Linux (/proc, prctl), the Python binding (OMNIQ_LIBRARY) and sqlite3
(standard library)."""
import ctypes
import glob
import os
import shlex
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
from server_client import Client, Server, server_binary  # noqa: E402

import omniq  # noqa: E402

WAIT = 120.0  # generous: the server may run under valgrind
# Under valgrind (CI's OMNIQ_SERVER_WRAPPER) a snapshot child, forked from the
# checked process, leaves with the parent's heap still allocated: valgrind's
# leak check at its _exit turns its status into --error-exitcode (1) whatever
# the child's own code was. There a child must still have exited (not been
# killed by a signal) with its own code or valgrind's; the exact codes are
# checked in the plain and sanitizer runs.
UNDER_VALGRIND = "valgrind" in os.environ.get("OMNIQ_SERVER_WRAPPER", "")


def exited_with(status, code):
    """Did a child exit with `code` (or valgrind's error code, see above)?"""
    if not os.WIFEXITED(status):
        return False
    return os.WEXITSTATUS(status) == code or (UNDER_VALGRIND and os.WEXITSTATUS(status) == 1)


def decode(body, off, n):
    """n bytes of a snapshot file's body from off: (bytes, next offset)."""
    out = bytearray()
    while len(out) < n:
        x = shift = 0
        while True:
            b = body[off]
            off += 1
            x |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        count = x >> 1
        if count == 0 or len(out) + count > n:
            raise AssertionError("a token of %d bytes at %d overruns %d" % (count, off, n))
        if x & 1:
            out += bytes(count)
        else:
            out += body[off:off + count]
            off += count
    return bytes(out), off


def read_snapfile(path):
    """(seq, engine bytes, registry bytes) of a snapshot file, decoded by the
    layout documented in examples/server/snapfile.h."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 48 or blob[:8] != b"OQSNAPF1":
        raise AssertionError("%s: not a snapshot file (%d bytes)" % (path, len(blob)))
    seq, dlen, elen, h, blen = struct.unpack_from("<QQQQQ", blob, 8)
    if len(blob) != 48 + blen:
        raise AssertionError("%s: %d bytes, the header says %d" % (path, len(blob), 48 + blen))
    body = blob[48:]
    data, off = decode(body, 0, dlen)
    extra, off = decode(body, off, elen)
    if off != blen:
        raise AssertionError("%s: %d body bytes left over" % (path, blen - off))
    fnv = 0xcbf29ce484222325
    for b in data + extra:
        fnv = ((fnv ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    if fnv != h:
        raise AssertionError("%s: hash %x, the header says %x" % (path, fnv, h))
    if len(blob) * 2 > 48 + dlen + elen:
        raise AssertionError("%s: %d bytes stored for %d: not encoded" % (path, len(blob), dlen + elen))
    return seq, data, extra


def journal_rows(db):
    con = sqlite3.connect(db)
    try:
        return [(seq, bytes(rec)) for seq, rec in con.execute("SELECT seq, rec FROM journal ORDER BY seq")]
    finally:
        con.close()


def snapshot_row(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT seq, file FROM snapshot WHERE id = 1").fetchone()
    finally:
        con.close()


def proc_stat(pid):
    """(state, ppid, wait status) of a process from /proc/PID/stat, None once
    it is gone. The wait status (field 52, Linux >= 3.5) is set when the
    process has ended and is a zombie its parent has not reaped."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    rest = text[text.rindex(")") + 2:].split()  # fields 3.. (the name may hold spaces)
    return rest[0], int(rest[1]), int(rest[49])


def descendants(root):
    """The pids below process root, as {pid: ppid}."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st:
                parent[int(d)] = st[1]
    out, todo = {}, [root]
    while todo:
        p = todo.pop()
        for pid, pp in parent.items():
            if pp == p and pid not in out:
                out[pid] = pp
                todo.append(pid)
    return out


def how_it_ended(status):
    """A wait status in words."""
    if os.WIFEXITED(status):
        return "exited with status %d" % os.WEXITSTATUS(status)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = "signal %d" % sig
        return "was killed by %s (%d)%s" % (name, sig, ", core dumped" if os.WCOREDUMP(status) else "")
    return "ended with wait status %#x" % status


def become_subreaper():
    """Orphans of the servers this test starts (a snapshot child whose server
    was killed) are reparented to this process, which can then reap them."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_CHILD_SUBREAPER = 36
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        e = ctypes.get_errno()
        raise AssertionError("prctl(PR_SET_CHILD_SUBREAPER): %s" % os.strerror(e))


def reap(pid, what):
    """Wait (at most WAIT s) for an adopted process to end; its wait status."""
    deadline = time.monotonic() + WAIT
    while True:
        try:
            got, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            raise AssertionError("%s (pid %d) is not a child of the test: was it adopted?" % (what, pid))
        if got == pid:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError("%s (pid %d) did not end within %g s; killed" % (what, pid, WAIT))
        time.sleep(0.02)


def wait_for(pred, what):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class SnapshotChildTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        become_subreaper()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "center.db")
        self.gate = os.path.join(self.tmp.name, "gate")
        self.old_gate = os.environ.get("OMNIQ_SERVER_SNAPSHOT_GATE")
        os.environ["OMNIQ_SERVER_SNAPSHOT_GATE"] = self.gate
        self.servers = set()

    def tearDown(self):
        # A snapshot child that outlived its server was adopted by this
        # process: none may be left (a stopped server kills and reaps its
        # child), and each is reaped here so the next test starts clean.
        leftovers = []
        for pid in descendants(os.getpid()):
            st = proc_stat(pid)
            if st and st[1] == os.getpid() and pid not in self.servers:
                leftovers.append("pid %d %s" % (pid, how_it_ended(reap(pid, "a leftover process"))))
        if self.old_gate is None:
            os.environ.pop("OMNIQ_SERVER_SNAPSHOT_GATE", None)
        else:
            os.environ["OMNIQ_SERVER_SNAPSHOT_GATE"] = self.old_gate
        self.tmp.cleanup()
        self.assertEqual(leftovers, [], "snapshot children outlived their server")

    def start(self):
        # a child after 20 records; no other rule fires during the test
        srv = Server(self.db, extra=["--snapshot-every", "20", "--snapshot-bytes", "1G",
                                     "--snapshot-secs", "3600"])
        self.servers.add(srv.proc.pid)
        return srv

    def new_child(self, srv, before):
        """The snapshot child srv forked since `before` (descendants() then):
        (its pid, its parent's pid), checked to be alive and waiting."""
        new = {p: pp for p, pp in descendants(srv.proc.pid).items() if p not in before}
        self.assertEqual(len(new), 1, "one snapshot child expected below the server: %r" % new)
        pid, parent = next(iter(new.items()))
        st = proc_stat(pid)
        self.assertTrue(st and st[0] != "Z", "snapshot child %d ended before its gate opened: %r" % (pid, st))
        return pid, parent

    def open_gate_and_check_child(self, pid, parent, what):
        """Open the gate with the child's server held (SIGSTOP), so the child,
        once done, stays a zombie whose wait status /proc shows; then let
        the server go on (it reaps the child and stores the snapshot). The
        child must have exited 0."""
        def ended():
            st = proc_stat(pid)
            if st is None:
                return ("gone", 0, 0)
            return st if st[0] == "Z" else None

        os.kill(parent, signal.SIGSTOP)
        try:
            open(self.gate, "w").close()
            st = wait_for(ended, "%s (pid %d) to end" % (what, pid))
        finally:
            os.kill(parent, signal.SIGCONT)
        self.assertNotEqual(st[0], "gone", "%s (pid %d) was reaped while its server was held" % (what, pid))
        status = st[2]
        self.assertTrue(exited_with(status, 0), "%s (pid %d) %s" % (what, pid, how_it_ended(status)))

    def arrive(self, c, ids):
        for cid in ids:
            r = c.request("arrive", contact=cid, channel="email", queue="support")
            self.assertTrue(r.get("ok"), "arrive %s: %r" % (cid, r))

    def test_snapshot_in_child_while_requests_are_answered(self):
        srv = self.start()
        c = Client(srv.port)
        first = snapshot_row(self.db)
        self.assertEqual(first[0], 0, "the first snapshot covers no record: %r" % (first,))
        seq0, data0, _ = read_snapfile(os.path.join(self.tmp.name, first[1]))
        self.assertEqual(seq0, 0)

        # 20 records make the next commit fork a child, which waits at the gate.
        before = descendants(srv.proc.pid)
        self.arrive(c, ["a%02d" % i for i in range(20)])
        n = c.request("counts")
        self.assertTrue(n["snapshot_running"], "a child should be writing a snapshot: %r" % n)
        claimed = n["journal_seq"]
        child, server_pid = self.new_child(srv, before)
        self.assertGreaterEqual(claimed, 20, n)

        # Requests are answered (and committed) while the child is held.
        self.arrive(c, ["b%02d" % i for i in range(15)])
        self.assertTrue(c.request("abandon", contact="a03")["ok"])
        n = c.request("counts")
        self.assertTrue(n["snapshot_running"], "answered before the snapshot was stored: %r" % n)
        self.assertEqual(n["snapshot_seq"], 0, n)
        self.assertEqual(n["contacts"], 34, n)
        last = n["journal_seq"]
        self.assertGreater(last, claimed)
        rows = journal_rows(self.db)  # every record so far: none is dropped yet
        self.assertEqual([s for s, _ in rows], list(range(1, last + 1)))

        self.open_gate_and_check_child(child, server_pid, "the snapshot child of record %d" % claimed)
        n = wait_for(lambda: (lambda m: m if m["snapshot_seq"] else None)(c.request("counts")),
                     "the child's snapshot to be stored")
        self.assertEqual(n["snapshot_seq"], claimed, "it covers the journal as it was at the fork")
        self.assertFalse(n["snapshot_running"], n)

        seq, file = snapshot_row(self.db)
        self.assertEqual(seq, claimed)
        self.assertEqual(file, "center.db.snap-%d" % claimed)
        fseq, data, extra = read_snapfile(os.path.join(self.tmp.name, file))
        self.assertEqual(fseq, claimed)
        self.assertEqual(sorted(glob.glob(self.db + ".snap-*")), [os.path.join(self.tmp.name, file)],
                         "the previous snapshot file is removed once replaced")

        # Independent rebuild: first snapshot + records 1..claimed.
        ref = omniq.Engine.restore(data0)
        for s, rec in rows:
            if s > claimed:
                break
            ref.journal_apply(rec)
        self.assertEqual(ref.journal_seq(), claimed + 1)
        restored = omniq.Engine.restore(data)
        self.assertEqual(restored.journal_seq(), claimed + 1)
        self.assertTrue(restored.snapshot() == ref.snapshot(),
                        "the child's snapshot differs from first snapshot + records 1..%d" % claimed)
        ids = [x.decode() for x in extra.split(b"\0") if x]
        self.assertEqual(sorted(ids), sorted("a%02d" % i for i in range(20)),
                         "the registry as it was at the fork (no b*, a03 still there)")

        # The records committed while the child ran are kept, dense after it.
        kept = [s for s, _ in journal_rows(self.db)]
        self.assertEqual(kept, list(range(claimed + 1, last + 1)))
        for s, rec in rows:
            if s > claimed:
                ref.journal_apply(rec)
        self.assertEqual(ref.counts().contacts, 34)

        # A crash now: the restart restores the child's snapshot and replays the rest.
        srv.kill()
        c.close()
        srv = self.start()
        c = Client(srv.port)
        n = c.request("counts")
        self.assertEqual(n["journal_seq"], last, n)
        self.assertEqual(n["contacts"], 34, n)
        self.assertEqual(n["snapshot_seq"], claimed, n)
        self.assertTrue(c.request("check")["ok"])
        lst = c.request("list")
        self.assertEqual(sorted(x["contact"] for x in lst["contacts"]),
                         sorted(["a%02d" % i for i in range(20) if i != 3] + ["b%02d" % i for i in range(15)]))
        c.close()
        self.assertEqual(srv.stop(), 0, "server exit status (valgrind/ASan errors?)")

    def test_killed_while_the_child_writes(self):
        srv = self.start()
        c = Client(srv.port)
        before = descendants(srv.proc.pid)
        self.arrive(c, ["k%02d" % i for i in range(25)])
        n = c.request("counts")
        self.assertTrue(n["snapshot_running"], n)
        last = n["journal_seq"]
        child, _ = self.new_child(srv, before)
        srv.kill()  # the child, held at the gate, sees its server gone and exits
        c.close()
        # Orphaned, it was adopted by this test (a subreaper): exit status 6,
        # "the server is gone", without writing anything.
        what = "the snapshot child (pid %d) of the killed server" % child
        status = reap(child, what)
        self.assertTrue(exited_with(status, 6),
                        "%s %s; 6 expected (its server gone, it writes nothing)" % (what, how_it_ended(status)))
        # What a snapshot cut short would leave: a partial file the database does not name.
        stray = self.db + ".snap-%d" % last
        with open(stray, "wb") as f:
            f.write(b"OQSNAPF1" + b"\0" * 100)  # lengths that do not match
        with open(stray + ".tmp", "wb") as f:
            f.write(b"half")
        self.assertEqual(snapshot_row(self.db)[0], 0, "the database still names the first snapshot")

        srv = self.start()
        c = Client(srv.port)
        n = c.request("counts")
        self.assertEqual(n["journal_seq"], last, n)
        self.assertEqual(n["contacts"], 25, n)
        self.assertEqual(n["snapshot_seq"], 0, n)
        self.assertTrue(c.request("check")["ok"])
        self.assertFalse(os.path.exists(stray) or os.path.exists(stray + ".tmp"),
                         "files the database does not name are removed at start")
        c.close()
        open(self.gate, "w").close()
        self.assertEqual(srv.stop(), 0, "server exit status (valgrind/ASan errors?)")

    def test_damaged_snapshot_file_refuses_to_start(self):
        srv = self.start()
        c = Client(srv.port)
        self.arrive(c, ["d%02d" % i for i in range(5)])
        c.close()
        self.assertEqual(srv.stop(), 0)  # the final snapshot names a file
        seq, file = snapshot_row(self.db)
        path = os.path.join(self.tmp.name, file)
        self.assertEqual(read_snapfile(path)[0], seq)
        with open(path, "r+b") as f:
            f.seek(-3, os.SEEK_END)
            b = f.read(1)
            f.seek(-3, os.SEEK_END)
            f.write(bytes([b[0] ^ 0x40]))
        cmd = shlex.split(os.environ.get("OMNIQ_SERVER_WRAPPER", "")) + [
            server_binary(), "--db", self.db, "--port", "0"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertNotIn("listening on", p.stdout)
        self.assertIn("snapshot file %s: damaged" % path, p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
