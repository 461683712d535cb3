# SPDX-License-Identifier: MIT
"""omniq-server's replication options and commands that need no NATS cluster:
argument errors of the --journal family (exit 2, naming the option, nothing
started), a journal that cannot be reached or a server built without libnats
(exit 1 before listening), and what a SQLite server answers to `leader`,
`handover` and a hello naming a tenant.

Run: OMNIQ_SERVER=build/examples/bin/omniq-server python3 tests/server/test_replica_options.py"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_client import Client, Server  # noqa: E402
from test_server import run_server_args  # noqa: E402


class JournalArgumentsTest(unittest.TestCase):
    def test_bad_arguments_exit_2_naming_the_option(self):
        j = ("--journal", "nats://127.0.0.1:1")
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "x.db")
            for args, named in (
                    (j, "--tenant: at least one is required with --journal"),
                    (j + ("--role", "primary", "--tenant", "t1"), "--role 'primary': must follow the --tenant"),
                    (j + ("--tenant", "a.b"), "--tenant 'a.b': expected 1..32 of A-Z a-z 0-9 _ -"),
                    (j + ("--tenant", "x" * 33), "expected 1..32"),
                    (j + ("--tenant", "t1", "--tenant", "t1"), "--tenant 't1': given twice"),
                    (j + ("--tenant", "t1", "--role", "boss"), "--role 'boss': expected primary or standby"),
                    (j + ("--tenant", "t1", "--db", db), "--journal: and --db exclude each other"),
                    (("--db", db, "--tenant", "t1"), "--tenant: needs --journal"),
                    (j + ("--tenant", "t1", "--lease-secs", "0"), "--lease-secs '0': expected seconds"),
                    (j + ("--tenant", "t1", "--journal-timeout", "x"), "--journal-timeout 'x'"),
                    (j + ("--tenant", "t1", "--journal-replicas", "9"), "--journal-replicas '9': expected 1..5"),
                    (j + ("--tenant", "t1", "--name", "a b"), "--name 'a b': expected 1..63 characters"),
                    (j + ("--tenant", "t1", "--advertise"), "--advertise: needs a value")):
                r = run_server_args(*args)
                self.assertEqual(r.returncode, 2, (args, r.stderr))
                self.assertIn(named, r.stderr)
                self.assertIn("usage: omniq-server", r.stderr)
                self.assertEqual(r.stdout, "", "nothing may listen on bad arguments")
                self.assertFalse(os.path.exists(db))

    def test_help_names_the_journal_options(self):
        r = run_server_args("--help")
        self.assertEqual(r.returncode, 0)
        for opt in ("--journal URLS", "--tenant NAME", "--role ROLE", "--lease-secs", "--journal-replicas"):
            self.assertIn(opt, r.stdout)

    def test_unreachable_journal_exits_1_before_listening(self):
        # Port 1 on loopback: nothing listens there. A server built without
        # libnats says so instead; either way it never listens.
        r = run_server_args("--journal", "nats://127.0.0.1:1", "--tenant", "t1", "--journal-timeout", "0.5")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertTrue("cannot connect to the NATS cluster" in r.stderr
                        or "built without NATS JetStream support" in r.stderr, r.stderr)


class SingleServerTest(unittest.TestCase):
    """A SQLite server hosts one tenant, "default", and always leads it."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.server = Server(os.path.join(self.tmp.name, "s.db"))
        self.c = Client(self.server.port)

    def tearDown(self):
        self.c.close()
        rc = self.server.stop()
        self.tmp.cleanup()
        self.assertEqual(rc, 0)

    def test_leader_is_itself(self):
        r = self.c.request("leader")
        self.assertTrue(r["ok"], r)
        self.assertEqual((r["tenant"], r["role"], r["leader"]),
                         ("default", "single", "127.0.0.1:%d" % self.server.port))
        self.assertEqual(r["lag"], 0)

    def test_handover_is_refused(self):
        r = self.c.request("handover", to="elsewhere")
        self.assertEqual(r["error"], "OQ_ESTATE", r)
        self.assertIn("not replicated", r["message"])

    def test_tenant_names(self):
        r = self.c.request("hello", tenant="default")
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["tenant"], "default")
        r = self.c.request("hello", tenant="other")
        self.assertEqual(r["error"], "OQ_ENOTFOUND", r)
        self.assertIn("tenant 'other' is not hosted by this server (it hosts default)", r["message"])
        r = self.c.request("counts", tenant="other")
        self.assertEqual(r["error"], "OQ_ENOTFOUND", r)
        r = self.c.request("counts")
        self.assertEqual((r["tenant"], r["role"]), ("default", "single"))


if __name__ == "__main__":
    unittest.main()
