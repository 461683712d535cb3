# SPDX-License-Identifier: MIT
"""Integration tests of examples/server (omniq-server): the line protocol,
and crash recovery — route a few hundred contacts with several agent clients
and a feeder, SIGKILL the server mid-flight, restart it on the same database,
check every contact is accounted for, then route on until everything is done.

Run: OMNIQ_SERVER=build/examples/bin/omniq-server python3 tests/server/test_server.py
Optional: OMNIQ_SERVER_WRAPPER="valgrind -q --error-exitcode=1 --leak-check=full"
(the server then runs under valgrind and fewer contacts are routed).

No timing assertions: the kill point is chosen by progress counts, every wait
is bounded by a generous timeout, and the checks hold whatever the
interleaving."""
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_client import CENTER, Client, Closed, Server, server_binary  # noqa: E402

WRAPPED = bool(os.environ.get("OMNIQ_SERVER_WRAPPER"))
N_BEFORE = 120 if WRAPPED else 300   # contacts fed before the kill
KILL_AFTER = 40 if WRAPPED else 100  # ... once this many are finished
N_AFTER = 40 if WRAPPED else 100     # contacts fed after the restart
AGENTS = ["a%d" % i for i in range(1, 9)]
BILLING_AGENTS = {"a1", "a2", "a4", "a6", "a8"}
DRAIN_TIMEOUT = 240.0 if WRAPPED else 60.0


class Ledger:
    """What the clients know, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = set()        # arrive requests sent
        self.acked = set()       # arrive replied ok (durable)
        self.done = set()        # completed / abandoned, known durable
        self.wrapup = set()      # complete replied "wrapup", no completed event yet
        self.active = {}         # contact -> agent: accept replied ok, no complete sent
        self.inflight = set()    # contacts named by a request with no reply (at the kill)
        self.errors = []

    def finished(self):
        with self.lock:
            return len(self.done)


def contact_spec(i):
    """Deterministic mix of queues and channels."""
    if i % 5 == 0:
        return "billing", ("voice", "email")[i % 2]
    return "support", ("voice", "chat", "email")[i % 3]


class AgentThread(threading.Thread):
    """Logs in (if needed), takes over what the agent holds, then accepts and
    completes every offer; ends wrap-up itself for half the contacts and lets
    the engine's timer end it for the others."""

    def __init__(self, port, agent, ledger):
        super().__init__(daemon=True)
        self.port, self.agent, self.ledger = port, agent, ledger
        self.stop = threading.Event()

    def req(self, c, cmd, contact=None, **fields):
        with self.ledger.lock:
            if contact:
                self.ledger.inflight.add(contact)
        if contact:
            fields["contact"] = contact
        r = c.request(cmd, **fields)
        with self.ledger.lock:
            if contact:
                self.ledger.inflight.discard(contact)
        return r

    def on_event(self, c, ev):
        L = self.ledger
        name, contact = ev.get("event"), ev.get("contact")
        if name == "completed":
            with L.lock:
                L.done.add(contact)
                L.wrapup.discard(contact)
        elif name == "offered" and ev.get("agent") == self.agent:
            self.serve(c, contact, "offered")

    def serve(self, c, contact, state):
        L = self.ledger
        if state == "offered":
            r = self.req(c, "accept", contact)
            if not r["ok"]:
                return  # e.g. already taken over by a listing, or gone
            with L.lock:
                L.active[contact] = self.agent
            state = "active"
        if state == "active":
            with L.lock:
                L.active.pop(contact, None)
            r = self.req(c, "complete", contact)
            if not r["ok"]:
                with L.lock:
                    L.errors.append("complete %s: %r" % (contact, r))
                return
            with L.lock:
                if r["state"] == "completed":
                    L.done.add(contact)
                elif contact not in L.done:  # the completed event may have come first
                    L.wrapup.add(contact)
            state = r["state"]
        if state == "wrapup" and int(contact[1:]) % 2 == 0:
            with L.lock:
                L.inflight.add(contact)
            r = c.request("end_wrapup")
            with L.lock:
                L.inflight.discard(contact)
            # OQ_ESTATE: the timer ended it first; the completed event says so.

    def run(self):
        try:
            c = Client(self.port)
        except OSError:
            return
        try:
            assert c.request("hello", agent=self.agent)["ok"]
            info = c.request("agent")
            if info["presence"] == "offline":
                r = c.request("login")
                assert r["ok"], r
            # Take over what the agent holds (after a restart).
            held = c.request("list", agent=self.agent)
            for item in held["contacts"]:
                self.serve(c, item["contact"], item["state"])
            while not self.stop.is_set():
                ev = c.next_event(0.2)
                if ev is not None:
                    self.on_event(c, ev)
        except Closed:
            pass
        except Exception as e:  # noqa: BLE001 - reported by the test
            with self.ledger.lock:
                self.ledger.errors.append("%s: %r" % (self.agent, e))
        finally:
            c.close()


class Feeder(threading.Thread):
    def __init__(self, port, ids, ledger, abandon_every=0):
        super().__init__(daemon=True)
        self.port, self.ids, self.ledger = port, ids, ledger
        self.abandon_every = abandon_every

    def run(self):
        L = self.ledger
        try:
            c = Client(self.port)
        except OSError:
            return
        try:
            for i in self.ids:
                cid = "c%05d" % i
                queue, channel = contact_spec(i)
                with L.lock:
                    L.sent.add(cid)
                    L.inflight.add(cid)
                r = c.request("arrive", contact=cid, channel=channel, queue=queue,
                              priority=i % 3, skills=["billing:3"] if queue == "billing" else [])
                with L.lock:
                    L.inflight.discard(cid)
                    if r["ok"]:
                        L.acked.add(cid)
                    else:
                        L.errors.append("arrive %s: %r" % (cid, r))
                if self.abandon_every and i % self.abandon_every == 7:
                    with L.lock:
                        L.inflight.add(cid)
                    r = c.request("abandon", contact=cid)
                    with L.lock:
                        L.inflight.discard(cid)
                        if r["ok"]:
                            L.done.add(cid)
        except Closed:
            pass
        finally:
            c.close()


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out (%.0f s) waiting for %s" % (timeout, what))


def run_server_args(*args):
    """Run the server with these arguments only (it must exit at once)."""
    cmd = shlex.split(os.environ.get("OMNIQ_SERVER_WRAPPER", "")) + [server_binary(), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


class ArgumentsTest(unittest.TestCase):
    """The exit codes examples/server/README.md documents."""

    def test_help_is_usage_on_stdout_and_success(self):
        for flag in ("--help", "-h"):
            r = run_server_args(flag)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(r.stdout.startswith("usage: omniq-server --db FILE"), r.stdout)
            self.assertIn("--snapshot-secs", r.stdout)
            self.assertEqual(r.stderr, "")

    def test_bad_arguments_exit_2_naming_the_option(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "x.db")
            for args, named in ((("--db", db, "--port", "99999"), "--port '99999'"),
                                (("--db", db, "--sync", "sometimes"), "--sync 'sometimes'"),
                                (("--db", db, "--bogus"), "--bogus: unknown option"),
                                (("--db", db, "--max-clients", "0"), "--max-clients '0'"),
                                (("--db", db, "--idle-secs", "-1"), "--idle-secs '-1'"),
                                (("--db", db, "--bind", "localhost"), "--bind 'localhost': expected an IPv4"),
                                (("--db", db, "--token-file", os.path.join(tmp, "none")), "cannot read it"),
                                (("--db",), "--db: needs a value"),
                                ((), "--db: is required")):
                r = run_server_args(*args)
                self.assertEqual(r.returncode, 2, (args, r.stderr))
                self.assertIn(named, r.stderr)
                self.assertIn("usage: omniq-server", r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertFalse(os.path.exists(db), "bad arguments must not create the database")

    def test_start_up_failure_exits_1(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = run_server_args("--db", os.path.join(tmp, "x.db"), "--config",
                                os.path.join(tmp, "missing.yaml"), "--quiet")
            self.assertEqual(r.returncode, 1, r.stderr)


class ProtocolTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.server = Server(os.path.join(self.tmp.name, "p.db"))

    def tearDown(self):
        rc = self.server.stop()
        self.tmp.cleanup()
        self.assertEqual(rc, 0, "server exit status (valgrind/ASan errors?)")

    def test_bad_input_gets_one_error_reply_each(self):
        c = Client(self.server.port)
        bad = [b"{", b"[]", b"not json", b'{"cmd":1}', b'{"cmd":"nope"}', b'{"cmd":"login"}',
               b'{"cmd":"login","agent":"a1","bogus":1}', b'{"cmd":"login","agent":7}',
               b'{"cmd":"arrive","contact":"x","channel":"voice","queue":"support","priority":1.5}',
               b'{"cmd":"arrive","contact":"x","channel":"voice","queue":"support","skills":["a:0"]}',
               b'{"cmd":"ping","cmd":"ping"}', b'{"cmd":"ping"} trailing', b'{"a":{"b":1}}',
               b'{"cmd":"ping","x":"\\u0000"}', b'{"cmd":"ping","x":"\\ud800"}', b"\xff\xfe\x00\x01",
               b'{"cmd":"accept","contact":"nobody","agent":"a1"}', b"x" * 20000]
        for line in bad:
            c.send_raw(line + b"\n")
            r = c.reply()
            self.assertFalse(r["ok"], line[:60])
            self.assertTrue(r["error"].startswith("OQ_E"), r)
            self.assertTrue(r["message"], r)
        r = c.request("accept", contact="nobody", agent="a1")
        self.assertEqual(r["error"], "OQ_ENOTFOUND")
        # Still serving, unicode ids round-trip.
        self.assertTrue(c.request("ping")["ok"])
        self.assertTrue(c.request("hello", agent="a1")["ok"])
        self.assertTrue(c.request("login")["ok"])
        self.assertEqual(c.request("login")["error"], "OQ_ESTATE")
        r = c.request("arrive", contact="客户-1 \"q\"", channel="chat", queue="support")
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["state"], "offered")
        ev = c.next_event(30)
        while ev["event"] != "offered":
            ev = c.next_event(30)
        self.assertEqual(ev["contact"], "客户-1 \"q\"")
        self.assertTrue(c.request("check")["ok"])
        c.close()

    def test_random_junk_never_kills_the_server(self):
        import random
        rnd = random.Random(11)
        c = Client(self.server.port)
        pieces = [b"{", b"}", b"[", b"]", b'"', b"\\", b"\\u", b":", b",", b"cmd", b"arrive",
                  b"1e999", b"-0.5", b"true", b"null", b" ", b"\xc3\xa9", b"\x00", b"\x7f"]
        for i in range(2000):
            if i % 2:
                line = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 200)))
            else:
                line = b"".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 40)))
            line = line.replace(b"\n", b"").strip(b" \t\r")
            if not line:
                continue
            c.send_raw(line + b"\n")
            r = c.reply()
            self.assertIn("ok", r)
        self.assertTrue(c.request("ping")["ok"])
        self.assertTrue(c.request("check")["ok"])
        c.close()


class LimitsTest(unittest.TestCase):
    """Descriptor limit, idle clients, one address taking every slot, empty
    lines, and the shared-secret token."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "l.db")
        self.servers = []

    def tearDown(self):
        for srv in self.servers:
            self.assertEqual(srv.stop(), 0, "server exit status (valgrind/ASan errors?)")
        self.tmp.cleanup()

    def start(self, *extra, preexec_fn=None):
        srv = Server(self.db, extra=list(extra), preexec_fn=preexec_fn)
        self.servers.append(srv)
        return srv

    def test_empty_line_gets_one_reply(self):
        srv = self.start()
        c = Client(srv.port)
        for line in (b"\n", b"\r\n", b"\n\n"):
            c.send_raw(line)
            for _ in range(line.count(b"\n")):
                r = c.reply()
                self.assertEqual(r["error"], "OQ_EINVAL", r)
                self.assertEqual(r["message"], "empty line")
        self.assertTrue(c.request("ping")["ok"])
        c.close()

    def test_descriptor_limit_caps_clients_without_spinning(self):
        import resource
        import socket

        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (48, 48))
        srv = self.start(preexec_fn=low_limit)
        ctl = Client(srv.port)
        n0 = ctl.request("counts")
        cap = n0["max_clients"]
        self.assertLessEqual(cap, 48 - 16, n0)
        self.assertGreater(cap, 4, n0)
        socks = [socket.create_connection(("127.0.0.1", srv.port), timeout=30) for _ in range(cap + 8)]
        wait_for(lambda: ctl.request("counts")["clients"] == cap, 30, "the server to reach its cap")
        # At the cap the listener is not polled: the loop sleeps instead of
        # spinning on accept() (it wakes about once a second, plus our requests).
        a = ctl.request("counts")
        time.sleep(2.0)
        b = ctl.request("counts")
        self.assertEqual(b["clients"], cap)
        self.assertLess(b["loops"] - a["loops"], 30, (a, b))
        # Clients beyond the cap wait; when others leave they are served.
        served, waiting = [], []
        for s in socks:
            s.settimeout(0.5)
            s.sendall(b'{"cmd":"ping"}\n')
        for s in socks:
            try:
                (served if s.recv(4096) else waiting).append(s)
            except socket.timeout:
                waiting.append(s)
        self.assertEqual(len(served), cap - 1)
        self.assertEqual(len(waiting), 9)
        for s in served[:9]:
            s.close()
        for s in waiting:
            s.settimeout(30)
            self.assertIn(b'"ok":true', s.recv(4096))
        for s in served[9:] + waiting:
            s.close()
        self.assertTrue(ctl.request("check")["ok"])
        ctl.close()

    def test_idle_clients_are_closed(self):
        srv = self.start("--idle-secs", "1")
        silent = Client(srv.port)
        talker = Client(srv.port)
        deadline = time.monotonic() + 30
        closed = False
        while time.monotonic() < deadline and not closed:
            self.assertTrue(talker.request("ping")["ok"])  # keeps its connection alive
            try:
                silent._line(0.3)
            except Closed:
                closed = True
        self.assertTrue(closed, "a silent client is closed after the idle time-out")
        self.assertTrue(talker.request("ping")["ok"])
        silent.close()
        talker.close()

    def test_one_address_cannot_take_every_slot(self):
        srv = self.start("--max-per-address", "3")
        held = [Client(srv.port) for _ in range(3)]
        for c in held:
            self.assertTrue(c.request("ping")["ok"])
        extra = Client(srv.port)
        r = extra._line(30)
        self.assertEqual(r["error"], "OQ_ERANGE", r)
        self.assertIn("too many connections from this address", r["message"])
        with self.assertRaises(Closed):
            extra._line(30)
        extra.close()
        held.pop().close()
        wait_for(lambda: held[0].request("counts")["clients"] == 2, 30, "a slot to free")
        again = Client(srv.port)
        self.assertTrue(again.request("ping")["ok"])
        for c in held + [again]:
            c.close()

    def test_token_guards_hello_and_every_command(self):
        token = os.path.join(self.tmp.name, "token")
        with open(token, "w") as f:
            f.write("s3cr3t-with-some-length\n")
        srv = self.start("--token-file", token)
        c = Client(srv.port)
        self.assertTrue(c.request("ping")["ok"])
        r = c.request("login", agent="a1")
        self.assertEqual(r["error"], "OQ_ESTATE", r)
        self.assertIn("hello", r["message"])
        r = c.request("hello", agent="a1", token="s3cr3t-with-some-lengtH")
        self.assertEqual(r["error"], "OQ_EINVAL", r)
        self.assertIn("wrong token", r["message"])
        with self.assertRaises(Closed):
            c._line(30)  # a wrong token ends the connection
        c.close()
        c = Client(srv.port)
        r = c.request("hello", monitor=True)
        self.assertIn("missing token", r["message"])
        c.close()
        c = Client(srv.port)
        self.assertTrue(c.request("hello", agent="a1", token="s3cr3t-with-some-length")["ok"])
        self.assertTrue(c.request("login")["ok"])
        self.assertTrue(c.request("check")["ok"])
        c.close()

    def test_binding_beyond_loopback_needs_a_token(self):
        p = run_server_args("--db", self.db, "--config", CENTER, "--port", "0", "--bind", "0.0.0.0")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--bind '0.0.0.0': not a loopback address: a --token-file is required", p.stderr)
        self.assertFalse(os.path.exists(self.db), "refused before the database is touched")
        token = os.path.join(self.tmp.name, "token")
        with open(token, "w") as f:
            f.write("another-secret\n")
        srv = self.start("--bind", "0.0.0.0", "--token-file", token)
        c = Client(srv.port)
        self.assertEqual(c.request("counts")["error"], "OQ_ESTATE")
        self.assertTrue(c.request("hello", token="another-secret")["ok"])
        self.assertTrue(c.request("counts")["ok"])
        c.close()


class JournalGapTest(unittest.TestCase):
    """A journal row missing in the middle (one contact silently gone) or a
    snapshot row that disagrees with its snapshot stops the start-up with a
    message naming the missing record, instead of serving a different center."""

    def _fill(self, db):
        srv = Server(db, extra=["--snapshot-every", "100000", "--snapshot-secs", "3600"])
        c = Client(srv.port)
        self.assertTrue(c.request("login", agent="a1")["ok"])
        for i in range(6):
            self.assertTrue(c.request("arrive", contact="g%d" % i, channel="email",
                                      queue="support")["ok"])
        c.close()
        srv.kill()  # no final snapshot: the records stay in the journal

    def _start_fails(self, db):
        p = run_server_args("--db", db, "--port", "0")
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertNotIn("listening on", p.stdout)
        return p.stderr

    def test_missing_row_refuses_to_start(self):
        import sqlite3
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "gap.db")
            self._fill(db)
            con = sqlite3.connect(db)
            seqs = [r[0] for r in con.execute("SELECT seq FROM journal ORDER BY seq")]
            self.assertGreaterEqual(len(seqs), 7, seqs)
            self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))), "keyed by record number")
            gone = seqs[3]
            con.execute("DELETE FROM journal WHERE seq = ?", (gone,))
            con.commit()
            con.close()
            err = self._start_fails(db)
            self.assertIn("journal record %d is missing" % gone, err)
            self.assertIn("next stored record is %d" % (gone + 1), err)

    def test_intact_journal_replays(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "ok.db")
            self._fill(db)
            srv = Server(db)
            c = Client(srv.port)
            self.assertEqual(c.request("counts")["contacts"], 6)
            self.assertTrue(c.request("check")["ok"])
            c.close()
            self.assertEqual(srv.stop(), 0)

    def test_snapshot_row_disagreeing_with_its_snapshot(self):
        import sqlite3
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "snap.db")
            self._fill(db)
            con = sqlite3.connect(db)
            con.execute("UPDATE snapshot SET seq = seq + 2")
            con.commit()
            con.close()
            err = self._start_fails(db)
            self.assertIn("inconsistent", err)


class CrashRecoveryTest(unittest.TestCase):
    def test_sigkill_mid_flight_then_restart(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "center.db")
            # Frequent snapshots, so the kill lands between snapshots with a journal tail.
            extra = ["--snapshot-every", "50"]
            L = Ledger()

            # ---- phase 1: route, then SIGKILL mid-flight -----------------------
            srv = Server(db, extra=extra)
            agents = [AgentThread(srv.port, a, L) for a in AGENTS]
            for t in agents:
                t.start()
            feeder = Feeder(srv.port, range(N_BEFORE), L, abandon_every=10)
            feeder.start()
            wait_for(lambda: L.finished() >= KILL_AFTER, DRAIN_TIMEOUT, "contacts to finish")
            srv.kill()
            feeder.join(60)
            for t in agents:
                t.stop.set()
                t.join(60)
            self.assertFalse(L.errors, L.errors)
            with L.lock:
                done, acked, sent = set(L.done), set(L.acked), set(L.sent)
                maybe = set(L.wrapup) | set(L.inflight)
                active = dict(L.active)
            self.assertGreater(len(sent - done), 0, "the kill should land mid-flight")

            # ---- phase 2: restart on the same database, account for everything --
            srv = Server(db, extra=extra)
            c = Client(srv.port)
            self.assertTrue(c.request("check")["ok"])
            lst = c.request("list")
            self.assertEqual(lst["stale"], 0, lst)
            self.assertEqual(lst["count"], lst["engine_contacts"], "every engine contact is listed")
            present = {item["contact"]: item for item in lst["contacts"]}
            self.assertFalse(set(present) - sent, "contacts nobody sent")
            self.assertFalse(set(present) & done, "finished contacts came back")
            lost = acked - done - maybe - set(present)
            self.assertFalse(lost, "acknowledged contacts lost by the crash")
            for cid, agent in active.items():
                if cid in maybe:
                    continue
                self.assertIn(cid, present)
                self.assertEqual(present[cid]["state"], "active", present[cid])
                self.assertEqual(present[cid]["agent"], agent)
            for item in lst["contacts"]:
                self.assertIn(item["state"], ("queued", "offered", "active", "wrapup"))
            survivors = set(present)
            sys.stderr.write("\nkilled with %d sent, %d acknowledged, %d finished, %d in doubt; "
                             "%d contacts after the restart\n"
                             % (len(sent), len(acked), len(done), len(maybe), len(present)))

            # ---- phase 3: routing goes on: old and new contacts all finish -------
            L.errors.clear()
            agents = [AgentThread(srv.port, a, L) for a in AGENTS]
            for t in agents:
                t.start()
            new_ids = range(1000, 1000 + N_AFTER)
            feeder = Feeder(srv.port, new_ids, L)
            feeder.start()
            feeder.join(DRAIN_TIMEOUT)
            self.assertFalse(feeder.is_alive())

            def drained():
                n = c.request("counts")
                return n["contacts"] == 0
            wait_for(drained, DRAIN_TIMEOUT, "every contact to finish after the restart")
            new = {"c%05d" % i for i in new_ids}
            self.assertEqual(new - L.acked, set(), "every new arrival acknowledged")
            # Completions reach the agent clients after the commit, a moment later.
            def all_finished():
                with L.lock:
                    return new <= L.done | L.wrapup
            wait_for(all_finished, DRAIN_TIMEOUT, "completed events")
            self.assertTrue(c.request("check")["ok"])
            st = c.request("stats")
            self.assertTrue(st["ok"])
            self.assertGreaterEqual(st["handled"], len(new) + len(survivors) - N_BEFORE // 10)
            for t in agents:
                t.stop.set()
                t.join(60)
            self.assertFalse(L.errors, L.errors)
            c.close()
            self.assertEqual(srv.stop(), 0, "server exit status (valgrind/ASan errors?)")

            # ---- phase 4: a clean restart after the final snapshot --------------
            srv = Server(db, extra=extra)
            c = Client(srv.port)
            self.assertEqual(c.request("counts")["contacts"], 0)
            self.assertTrue(c.request("check")["ok"])
            c.close()
            self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
