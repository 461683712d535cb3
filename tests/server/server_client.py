# SPDX-License-Identifier: MIT
"""Shared helpers for the omniq-server tests and load test: start a server,
talk line-delimited JSON to it. Standard library only."""
import atexit
import json
import os
import shlex
import signal
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CENTER = os.path.join(ROOT, "examples", "server", "center.yaml")


def server_binary():
    exe = os.environ.get("OMNIQ_SERVER")
    if not exe:
        exe = os.path.join(ROOT, "build", "examples", "bin", "omniq-server")
    return exe


class Server:
    """One omniq-server process on 127.0.0.1 and a free port.

    OMNIQ_SERVER_WRAPPER (e.g. "valgrind -q --error-exitcode=1 --leak-check=full")
    is put in front of the command."""

    def __init__(self, db, config=CENTER, extra=(), start_timeout=60.0, preexec_fn=None):
        cmd = shlex.split(os.environ.get("OMNIQ_SERVER_WRAPPER", ""))
        cmd += [server_binary(), "--db", db, "--config", config, "--port", "0", "--quiet"]
        cmd += list(extra)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=None, text=True,
                                     preexec_fn=preexec_fn)
        deadline = time.monotonic() + start_timeout
        line = ""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if line.startswith("listening on "):
                break
            if not line and self.proc.poll() is not None:
                raise RuntimeError("omniq-server exited with %s" % self.proc.returncode)
        else:
            self.proc.kill()
            self.proc.wait(timeout=60)
            raise RuntimeError("omniq-server did not start: %r" % line)
        self.port = int(line.rsplit(":", 1)[1])
        atexit.register(self._cleanup)

    def _cleanup(self):
        """Never leave a server behind (a failed test, an interrupted run)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=60)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)
        self.proc.stdout.close()

    def stop(self, timeout=120.0):
        """SIGTERM; returns the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        finally:
            self.proc.stdout.close()
        return rc


class Closed(Exception):
    pass


class Client:
    """A synchronous client: request() returns the reply; pushed events that
    arrive meanwhile are kept in self.events (oldest first)."""

    def __init__(self, port, timeout=60.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.rbuf = b""
        self.events = []

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _line(self, timeout):
        """The next line as a dict, or None if nothing arrived within timeout."""
        while b"\n" not in self.rbuf:
            self.sock.settimeout(timeout)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return None
            except OSError as e:
                raise Closed(str(e))
            if not data:
                raise Closed("server closed the connection")
            self.rbuf += data
        line, self.rbuf = self.rbuf.split(b"\n", 1)
        return json.loads(line)

    def send_raw(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise Closed(str(e))

    def reply(self):
        while True:
            msg = self._line(self.timeout)
            if msg is None:
                raise Closed("no reply within %.0f s" % self.timeout)
            if "ok" in msg:
                return msg
            self.events.append(msg)

    def request(self, cmd, **fields):
        fields["cmd"] = cmd
        self.send_raw((json.dumps(fields) + "\n").encode())
        return self.reply()

    def next_event(self, timeout):
        if self.events:
            return self.events.pop(0)
        msg = self._line(timeout)
        if msg is not None and "ok" in msg:
            raise AssertionError("unexpected reply without request: %r" % msg)
        return msg
