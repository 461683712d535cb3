# SPDX-License-Identifier: MIT
"""omniq-server processes on a NATS JetStream journal, and clients that find
whichever of them leads a tenant. Shared by the failover test and the
replication benchmark. Standard library only.

How a client finds the leader (examples/server/README.md, "Replication"):
it asks any server {"cmd":"leader","tenant":T} — the answer names the leading
server's address from the tenant's lease — or says hello with the tenant and,
when refused with NOT_LEADER, follows the reply's "leader" address. A
connection that drops, or a request without a reply, has an unknown outcome:
the client reconnects and asks again."""
import json
import os
import shlex
import signal
import socket
import subprocess
import time

from server_client import CENTER, Client, Closed, server_binary


def journal_binary():
    exe = os.environ.get("OMNIQ_JOURNAL")
    if not exe:
        exe = os.path.join(os.path.dirname(server_binary()), "omniq-journal")
    return exe


class Node:
    """One omniq-server leading or standing by for some tenants.

    tenants: [(name, "primary" | "standby"), ...]. The port is fixed at
    construction so a restarted node is found at the same address."""

    def __init__(self, name, port, urls, tenants, logdir, config=CENTER, extra=()):
        self.name, self.port, self.urls, self.tenants = name, port, urls, tenants
        self.config, self.extra = config, list(extra)
        self.log_path = os.path.join(logdir, "%s.log" % name)
        self.proc = None
        self.starts = 0

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    def start(self, timeout=60.0):
        cmd = shlex.split(os.environ.get("OMNIQ_SERVER_WRAPPER", ""))
        cmd += [server_binary(), "--journal", self.urls, "--name", self.name,
                "--port", str(self.port), "--config", self.config]
        for t, role in self.tenants:
            cmd += ["--tenant", t, "--role", role]
        cmd += self.extra
        log = open(self.log_path, "ab")
        log.write(("---- start %d: %s\n" % (self.starts, " ".join(cmd))).encode())
        log.flush()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True,
                                     stdin=subprocess.DEVNULL)
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if line.startswith("listening on "):
                return
            if not line and self.proc.poll() is not None:
                raise RuntimeError("omniq-server %s exited with %s:\n%s"
                                   % (self.name, self.proc.returncode, self.log_tail()))
        self.kill()
        raise RuntimeError("omniq-server %s did not start: %r" % (self.name, line))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.alive():
            self.proc.send_signal(signal.SIGCONT)  # a paused one too
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=60)
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def stop(self, timeout=60.0):
        """SIGTERM; the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.proc.stdout.close()

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines=30):
        return "\n".join(self.log_text().splitlines()[-lines:])


def ask(addr, request, timeout=2.0):
    """One request on a fresh connection: the reply, or None (no answer)."""
    host, port = addr.rsplit(":", 1)
    try:
        c = Client(int(port), timeout=timeout)
    except OSError:
        return None
    try:
        return c.request(request.pop("cmd"), **request)
    except (Closed, OSError, ValueError):
        return None
    finally:
        c.close()


def leader_of(addrs, tenant, timeout=2.0):
    """(address of the server leading tenant, its "leader" reply) or (None, None):
    asks each server; only a server that says it leads counts."""
    for a in addrs:
        r = ask(a, {"cmd": "leader", "tenant": tenant}, timeout)
        if r and r.get("ok") and r.get("role") == "leader":
            return a, r
    return None, None


class TenantClient:
    """One connection to the server leading a tenant, re-found after every
    failure. request() returns the reply, or None when the outcome is unknown
    (the connection dropped or no reply came within the time-out)."""

    def __init__(self, addrs, tenant, timeout=5.0, agent=None):
        self.addrs, self.tenant, self.timeout, self.agent = list(addrs), tenant, timeout, agent
        self.c = None
        self.hint = None        # the last "leader" address a server named
        self.reconnects = 0

    def close(self):
        if self.c:
            self.c.close()
            self.c = None

    def _try(self, addr):
        host, port = addr.rsplit(":", 1)
        try:
            c = Client(int(port), timeout=self.timeout)
        except OSError:
            return False
        try:
            fields = {"tenant": self.tenant}
            if self.agent:
                fields["agent"] = self.agent
            r = c.request("hello", **fields)
        except (Closed, OSError, ValueError):
            c.close()
            return False
        if r.get("ok"):
            self.c = c
            return True
        c.close()
        if r.get("error") == "NOT_LEADER" and r.get("leader"):
            self.hint = r["leader"]
        return False

    def connect(self, deadline):
        """Until connected to the tenant's leader or the deadline (False)."""
        self.close()
        while time.monotonic() < deadline:
            order = ([self.hint] if self.hint else []) + [a for a in self.addrs if a != self.hint]
            self.hint = None
            for a in order:
                if self._try(a):
                    self.reconnects += 1
                    return True
            time.sleep(0.05)
        return False

    def request(self, cmd, deadline=None, **fields):
        """The reply, or None (unknown outcome). NOT_LEADER is a definite
        refusal: the client reconnects and sends the request again."""
        deadline = deadline or time.monotonic() + 60.0
        while time.monotonic() < deadline:
            if not self.c and not self.connect(deadline):
                return None
            try:
                r = self.c.request(cmd, **fields)
            except (Closed, OSError, ValueError):
                self.close()
                return None
            if r.get("error") == "NOT_LEADER":
                self.hint = r.get("leader")
                self.close()
                continue
            return r
        return None


def journal_tool(urls, tenant, *args, timeout=120.0):
    """Run omniq-journal; (exit status, stdout lines as dicts, stderr)."""
    p = subprocess.run([journal_binary(), "--journal", urls, "--tenant", tenant] + list(args),
                       capture_output=True, text=True, timeout=timeout)
    rows = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    return p.returncode, rows, p.stderr


def decode_contact(hexdata):
    """The contact id a contact_* record names: its first argument, read from
    the record bytes as docs/snapshot.md lays them out — "OQJ", version byte,
    i32 action, i64 now_ms, u64 sequence number, u8 count n of allocations the
    call lost (bit 7: and all after) and n u32 numbers, then the arguments (a
    string is a u32 length and its bytes), a u32 CRC last — independently of
    the library."""
    b = bytes.fromhex(hexdata)
    if b[:3] != b"OQJ" or len(b) < 33:
        raise ValueError("not a journal record: %s" % hexdata)
    off = 25 + 4 * (b[24] & 0x7F)
    n = int.from_bytes(b[off:off + 4], "little")
    if not 0 < n <= len(b) - off - 8:
        raise ValueError("no contact id in record %s" % hexdata)
    return b[off + 4:off + 4 + n].decode()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p
