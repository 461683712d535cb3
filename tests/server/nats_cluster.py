# SPDX-License-Identifier: MIT
"""A throw-away NATS JetStream cluster on 127.0.0.1 for tests and benchmarks.

Three (or N) nats-server processes, ports chosen free at run time, each with
its own temporary store directory; stop() (also registered with atexit and
run by the context manager) kills every process it started and removes the
directories, whatever happened before. Standard library only."""
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request


def nats_server_binary():
    """The nats-server executable, or None when it is not installed."""
    exe = os.environ.get("NATS_SERVER")
    if exe:
        return exe if os.access(exe, os.X_OK) else None
    return shutil.which("nats-server") or (
        "/usr/sbin/nats-server" if os.access("/usr/sbin/nats-server", os.X_OK) else None)


def free_ports(n):
    """n distinct TCP ports that were free a moment ago (bound together, then released)."""
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


class Node:
    def __init__(self, name, client, route, http, store):
        self.name, self.client, self.route, self.http, self.store = name, client, route, http, store
        self.proc = None
        self.log = None

    @property
    def url(self):
        return "nats://127.0.0.1:%d" % self.client


class Cluster:
    """nodes: how many servers (3: a replicated stream survives one loss)."""

    def __init__(self, nodes=3, exe=None, max_payload=None, gomaxprocs=None):
        self.exe = exe or nats_server_binary()
        if not self.exe:
            raise RuntimeError("nats-server is not installed")
        self.dir = tempfile.mkdtemp(prefix="omniq-nats-")
        self.max_payload = max_payload
        self.gomaxprocs = gomaxprocs or os.environ.get("NATS_GOMAXPROCS")
        ports = free_ports(3 * nodes)
        self.nodes = [Node("n%d" % (i + 1), ports[3 * i], ports[3 * i + 1], ports[3 * i + 2],
                           os.path.join(self.dir, "n%d" % (i + 1))) for i in range(nodes)]
        atexit.register(self.stop)
        try:
            for n in self.nodes:
                self.start_node(n)
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def urls(self):
        """Every node's client URL, comma-separated (what --journal takes)."""
        return ",".join(n.url for n in self.nodes)

    def _config(self, n):
        routes = ", ".join("nats-route://127.0.0.1:%d" % m.route for m in self.nodes if m is not n)
        lines = [
            "server_name: %s" % n.name,
            "listen: 127.0.0.1:%d" % n.client,
            "http: 127.0.0.1:%d" % n.http,
            "jetstream { store_dir: %s, max_memory_store: 64MB, max_file_store: 2GB }"
            % json.dumps(n.store),
            "cluster { name: omniq, listen: 127.0.0.1:%d, routes: [%s] }" % (n.route, routes),
        ]
        if self.max_payload:
            lines.append("max_payload: %d" % self.max_payload)
        path = os.path.join(self.dir, n.name + ".conf")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def start_node(self, n):
        conf = self._config(n)
        n.log = open(os.path.join(self.dir, n.name + ".log"), "ab")
        env = dict(os.environ)
        # NATS_GOMAXPROCS: Go threads per node (unset: Go's default, one per
        # CPU). Three nodes on a small machine spin their schedulers against
        # each other; the benchmark runs them with 1 (tests/bench/nats_load.py).
        if self.gomaxprocs:
            env["GOMAXPROCS"] = str(self.gomaxprocs)
        n.proc = subprocess.Popen([self.exe, "-c", conf], stdout=n.log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, env=env)

    def healthy(self, n):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % n.http, timeout=2) as r:
                return json.loads(r.read().decode()).get("status") == "ok"
        except (OSError, ValueError):
            return False

    def wait_ready(self, timeout=60.0, nodes=None):
        """Until every running node reports JetStream healthy (a meta leader elected)."""
        deadline = time.monotonic() + timeout
        for n in nodes or self.nodes:
            while not self.healthy(n):
                if n.proc.poll() is not None:
                    raise RuntimeError("nats-server %s exited with %s (log: %s)"
                                       % (n.name, n.proc.returncode, self.log_tail(n)))
                if time.monotonic() > deadline:
                    raise RuntimeError("nats-server %s not healthy after %.0f s (log: %s)"
                                       % (n.name, timeout, self.log_tail(n)))
                time.sleep(0.1)

    def log_tail(self, n, lines=20):
        try:
            with open(os.path.join(self.dir, n.name + ".log"), "rb") as f:
                return b"".join(f.readlines()[-lines:]).decode(errors="replace")
        except OSError:
            return ""

    def node(self, name):
        return next(n for n in self.nodes if n.name == name)

    def kill(self, n):
        """SIGKILL one node (its store directory stays: restart() brings it back)."""
        if n.proc and n.proc.poll() is None:
            n.proc.send_signal(signal.SIGKILL)
            n.proc.wait(timeout=30)

    def restart(self, n):
        self.kill(n)
        if n.log:
            n.log.close()
        self.start_node(n)

    def stop(self):
        for n in self.nodes:
            if n.proc and n.proc.poll() is None:
                n.proc.send_signal(signal.SIGKILL)
                try:
                    n.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    pass
            if n.log:
                n.log.close()
                n.log = None
        if self.dir and os.path.isdir(self.dir) and not os.environ.get("OMNIQ_KEEP_NATS_DIR"):
            shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    # Manual use: start a cluster, print its URLs, stop on Ctrl-C.
    with Cluster() as c:
        print(c.urls, flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
