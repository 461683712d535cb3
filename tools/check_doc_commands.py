#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run every shell command the documentation shows (ctest `doc_commands`).

Commands are the fenced ```sh / ```bash / ```shell blocks of README.md,
docs/*.md and the README.md files under bindings/, examples/, cli/ and
tools/, and the usage line(s) of each examples/python/*.py docstring (its
first indented block). Each block runs with `bash -eo pipefail`, in order,
from a scratch directory that looks like the repository (a symlink to every
top-level entry) and must exit 0. How the scratch maps to the real tree:

- `build/` is the build tree the suite was built in (this test's --build);
  commands that write files (`--csv out`, a database) write in the scratch.
- `cmake -S . -B build ARGS` configures for real, from the source tree, into
  a scratch build directory (the same ARGS are configured once per run) and
  fails on "Manually-specified variables were not used"; `cmake --build
  build ARGS` builds the suite's build tree (a no-op when it is up to date;
  the same ARGS are built once per run).
  `ctest` is refused: it would run this test again.
- `pip install` installs into the scratch (PIP_TARGET, offline: no index);
  the scratch's site directory, then its bindings/python, are on PYTHONPATH. build/bin
  (`omniq`) is on PATH.
- When the process may (root, or CAP_SYS_ADMIN), the blocks run in a private
  network namespace and with a private /tmp, so the fixed ports and /tmp paths
  of the docs never clash with another run; otherwise a note says so.

A block that cannot run in a test is marked on the line above its fence:

    <!-- doc-test: skip REASON -->      REASON is one of SKIP_REASONS below
    <!-- doc-test: background "TEXT" -->

`background` starts the block, waits until its output contains TEXT (a
server's "listening on"), runs the file's later blocks, then sends SIGINT to
it and requires exit status 0 (a clean shutdown). For a skipped block the
repository and build/ paths it names must still exist.

Usage: check_doc_commands.py --build BUILD_DIR [--isolate] [-v] [FILE...]
"""

import argparse
import ast
import ctypes
import fcntl
import hashlib
import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The only reasons a documented command may go unrun. Keep this list tiny.
SKIP_REASONS = {
    "apt": "installs system packages (needs root and the network)",
    "suite": "runs the test suite, which includes this test",
    "long": "runs for minutes or hours (full benchmarks, fuzzing campaigns)",
    "template": "a template: names a file the reader supplies (a crash input)",
}
RUN_LANGS = {"sh", "bash", "shell"}
BLOCK_TIMEOUT_S = 600
BACKGROUND_READY_TIMEOUT_S = 300
DIRECTIVE = re.compile(r"^\s*<!--\s*doc-test:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^(\s{0,3}|\s*(?:[-*]|\d+\.)?\s+)(`{3,})\s*([\w+-]*)")


class Block:
    def __init__(self, path, line, lang, text, directive):
        self.path, self.line, self.lang, self.text = path, line, lang, text
        self.kind, self.arg = "run", None
        if directive is not None:
            self.kind, self.arg = parse_directive(directive, self.where())

    def where(self):
        return f"{os.path.relpath(self.path, ROOT)}:{self.line}"


class DocError(Exception):
    pass


def parse_directive(text, where):
    m = re.fullmatch(r"skip\s+(\w+)", text)
    if m:
        if m.group(1) not in SKIP_REASONS:
            raise DocError(f"{where}: unknown skip reason '{m.group(1)}' "
                           f"(known: {', '.join(SKIP_REASONS)})")
        return "skip", m.group(1)
    m = re.fullmatch(r'background\s+"([^"]+)"', text)
    if m:
        return "background", m.group(1)
    raise DocError(f"{where}: bad directive '<!-- doc-test: {text} -->' "
                   "(expected 'skip REASON' or 'background \"TEXT\"')")


# ---- finding the commands ------------------------------------------------------------

def markdown_files():
    files = [os.path.join(ROOT, "README.md")]
    docs = os.path.join(ROOT, "docs")
    files += sorted(os.path.join(docs, f) for f in os.listdir(docs) if f.endswith(".md"))
    for top in ("bindings", "examples", "cli", "tools"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "build", "_")))
            if "README.md" in filenames:
                files.append(os.path.join(dirpath, "README.md"))
    return [f for f in files if os.path.isfile(f)]


def markdown_blocks(path):
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = len(m.group(1)), m.group(2), m.group(3).lower()
        start = i
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        i += 1
        prev = start - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        d = DIRECTIVE.match(lines[prev]) if prev >= 0 else None
        if lang in RUN_LANGS:
            blocks.append(Block(path, start + 1, lang, "\n".join(body) + "\n",
                                d.group(1) if d else None))
        elif d:
            raise DocError(f"{os.path.relpath(path, ROOT)}:{start + 1}: doc-test directive "
                           f"on a '{lang or 'plain'}' block, which is never run")
    return blocks


def example_blocks():
    """The usage command of each examples/python/*.py: the first indented
    block of its module docstring, run from the repository root."""
    d = os.path.join(ROOT, "examples", "python")
    out = []
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if not name.endswith(".py"):
            continue
        path = os.path.join(d, name)
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        doc = ast.get_docstring(tree, clean=True)
        if not doc:
            raise DocError(f"{os.path.relpath(path, ROOT)}: no docstring with a usage line")
        usage = []
        for line in doc.splitlines():
            if line.startswith("    "):
                usage.append(line[4:])
            elif usage:
                break
        if not usage:
            raise DocError(f"{os.path.relpath(path, ROOT)}: the docstring shows no usage "
                           "command (an indented line)")
        line_no = tree.body[0].lineno if tree.body else 1
        out.append(Block(path, line_no, "sh", "\n".join(usage) + "\n", None))
    return out


# ---- isolation -------------------------------------------------------------------------

def isolate(keep):
    """Private network namespace (loopback up) and, when no path in `keep`
    is under /tmp, a private /tmp. Returns a note when it could not."""
    libc = ctypes.CDLL(None, use_errno=True)
    clone_newns, clone_newnet = 0x00020000, 0x40000000
    if libc.unshare(clone_newns | clone_newnet) != 0:
        return f"not isolated (unshare: {os.strerror(ctypes.get_errno())})"
    ms_rec, ms_private = 0x4000, 1 << 18
    if libc.mount(b"none", b"/", None, ms_rec | ms_private, None) != 0:
        return f"isolated network only (mount: {os.strerror(ctypes.get_errno())})"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
        ifr = fcntl.ioctl(s.fileno(), siocgifflags, struct.pack("16sH22x", b"lo", 0))
        flags = struct.unpack("16sH22x", ifr)[1]
        fcntl.ioctl(s.fileno(), siocsifflags, struct.pack("16sH22x", b"lo", flags | iff_up))
    real_tmp = os.path.realpath("/tmp")
    if any(os.path.realpath(p).startswith(real_tmp + os.sep) for p in keep):
        return "isolated network; /tmp shared (the build or source tree is under /tmp)"
    if libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, b"mode=1777") != 0:
        return f"isolated network; /tmp shared (mount: {os.strerror(ctypes.get_errno())})"
    return None


# ---- running ---------------------------------------------------------------------------

PRELUDE = r"""
cmake() {
    if [ "$#" -ge 4 ] && [ "$1" = -S ] && [ "$2" = . ] && [ "$3" = -B ] && [ "$4" = build ]; then
        shift 4
        "$OMNIQ_DOC_PYTHON" "$OMNIQ_DOC_TOOL" --build "$OMNIQ_DOC_BUILD" --configure "$@"
    elif [ "$#" -ge 2 ] && [ "$1" = --build ] && [ "$2" = build ]; then
        shift 2
        "$OMNIQ_DOC_PYTHON" "$OMNIQ_DOC_TOOL" --build "$OMNIQ_DOC_BUILD" --cmake-build "$@"
    else
        command cmake "$@"
    fi
}
ctest() {
    echo "doc-test: ctest would run the suite, and this test, again:" \
         "mark the block <!-- doc-test: skip suite -->" >&2
    return 1
}
set -eo pipefail
"""


def configure(build, args):
    """`cmake -S . -B build ARGS` for real, into a scratch build directory
    keyed by ARGS (configured once per run), from the source tree."""
    base = os.environ.get("OMNIQ_DOC_CONFIGURE") or tempfile.mkdtemp(prefix="omniq-doc-cfg-")
    cfg = os.path.join(base, hashlib.sha256("\0".join(args).encode()).hexdigest()[:12])
    if os.path.exists(os.path.join(cfg, "doc-test-configured")):
        print(f"doc-test: cmake -S . -B build {' '.join(args)}: configured earlier in this run")
        return 0
    r = subprocess.run(["cmake", "-S", ROOT, "-B", cfg, *args], capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    if r.returncode != 0:
        return r.returncode
    if "Manually-specified variables were not used" in r.stdout + r.stderr:
        print("doc-test: the command passes a variable the project does not use", file=sys.stderr)
        return 1
    open(os.path.join(cfg, "doc-test-configured"), "w").close()
    print(f"doc-test: configured in {cfg}; `build` is the suite's build tree {build}")
    return 0


def cmake_build(build, args):
    """`cmake --build build ARGS` on the suite's build tree; the same ARGS
    again in this run are not rebuilt (nothing changed in between)."""
    base = os.environ.get("OMNIQ_DOC_CONFIGURE") or tempfile.mkdtemp(prefix="omniq-doc-cfg-")
    done = os.path.join(base, "built-" + hashlib.sha256("\0".join(args).encode()).hexdigest()[:12])
    if os.path.exists(done):
        print(f"doc-test: cmake --build build {' '.join(args)}: built earlier in this run")
        return 0
    rc = subprocess.run(["cmake", "--build", build, *args]).returncode
    if rc == 0:
        open(done, "w").close()
    return rc


def make_scratch(parent, label, build):
    scratch = tempfile.mkdtemp(prefix=re.sub(r"\W", "_", label) + "-", dir=parent)
    for entry in os.listdir(ROOT):
        if entry.startswith((".git", "build")):
            continue
        os.symlink(os.path.join(ROOT, entry), os.path.join(scratch, entry))
    os.symlink(build, os.path.join(scratch, "build"))
    os.mkdir(os.path.join(scratch, "site"))
    return scratch


def block_env(scratch, build, cfgdir):
    env = dict(os.environ)
    env.pop("OMNIQ_LIBRARY", None)  # the commands say where the library is
    env.update({
        "PATH": os.path.join(build, "bin") + os.pathsep + env.get("PATH", ""),
        "PIP_TARGET": os.path.join(scratch, "site"),
        # The scratch's pip target first, then the checkout's package: a copy of
        # omniq installed elsewhere (an older version) never answers for it.
        "PYTHONPATH": os.pathsep.join([os.path.join(scratch, "site"),
                                       os.path.join(scratch, "bindings", "python")]),
        "PIP_NO_INDEX": "1", "PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_BREAK_SYSTEM_PACKAGES": "1", "PYTHONDONTWRITEBYTECODE": "1",
        "OMNIQ_DOC_BUILD": build, "OMNIQ_DOC_CONFIGURE": cfgdir,
        "OMNIQ_DOC_PYTHON": sys.executable, "OMNIQ_DOC_TOOL": os.path.abspath(__file__),
    })
    return env


def paths_named(block, build):
    """Repository / build paths a (skipped) block names that do not exist."""
    top = set(os.listdir(ROOT))
    missing = []
    text = block.text.replace("\\\n", " ")
    for line in text.splitlines():
        try:
            tokens = shlex.split(line, comments=True)
        except ValueError:
            tokens = line.split()
        for tok in tokens:
            tok = tok.split("=", 1)[1] if re.match(r"^[A-Z_]+=", tok) else tok
            if tok.startswith("./"):
                tok = tok[2:]
            if "/" not in tok or re.search(r"[$*?\[\]{}]|\.\.\.", tok) or \
                    tok.startswith(("/", "-", "http")):
                continue
            first, rest = tok.split("/", 1)
            if first == "build":
                full = os.path.join(build, rest)
            elif first in top:
                full = os.path.join(ROOT, tok)
            else:
                continue
            if not os.path.exists(full):
                missing.append(tok)
    return missing


class Background:
    def __init__(self, block, scratch, env, verbose):
        self.block, self.lines, self.ready = block, [], threading.Event()
        self.proc = subprocess.Popen(["bash", "-c", PRELUDE + block.text], cwd=scratch, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, text=True,
                                     start_new_session=True)
        self.reader = threading.Thread(target=self._read, args=(verbose,), daemon=True)
        self.reader.start()

    def _read(self, verbose):
        for line in self.proc.stdout:
            self.lines.append(line)
            if verbose:
                sys.stdout.write(f"  [bg] {line}")
            if self.block.arg in line:
                self.ready.set()
        self.ready.set()

    def wait_ready(self):
        self.ready.wait(BACKGROUND_READY_TIMEOUT_S)
        return self.proc.poll() is None and any(self.block.arg in x for x in self.lines)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
        try:
            rc = self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            rc = self.proc.wait()
        self.reader.join(10)
        return rc


def run_file(blocks, parent, build, cfgdir, verbose):
    """Run one file's blocks in order in one scratch. Returns (failures, ran, skipped)."""
    failures, ran, skipped, background = [], 0, [], []
    label = os.path.relpath(blocks[0].path, ROOT)
    scratch = make_scratch(parent, label, build)
    env = block_env(scratch, build, cfgdir)
    try:
        for b in blocks:
            if b.kind == "skip":
                skipped.append(b)
                missing = paths_named(b, build)
                if missing:
                    failures.append((b, f"not run ({b.arg}), and names paths that do not "
                                        f"exist: {', '.join(missing)}"))
                continue
            ran += 1
            t0 = time.monotonic()
            if b.kind == "background":
                bg = Background(b, scratch, env, verbose)
                background.append(bg)
                if not bg.wait_ready():
                    rc = bg.stop()
                    background.remove(bg)
                    failures.append((b, f"never printed \"{b.arg}\" (exit {rc})\n"
                                        + "".join(bg.lines[-40:])))
                elif verbose:
                    print(f"{b.where()}: running in the background "
                          f"({time.monotonic() - t0:.1f} s to start)")
                continue
            try:
                r = subprocess.run(["bash", "-c", PRELUDE + b.text], cwd=scratch, env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True,
                                   timeout=BLOCK_TIMEOUT_S)
                rc, out = r.returncode, r.stdout
            except subprocess.TimeoutExpired as e:
                rc = "timeout"
                out = e.output.decode(errors="replace") if isinstance(e.output, bytes) else (
                    e.output or "")
            if verbose:
                print(f"{b.where()}: exit {rc} ({time.monotonic() - t0:.1f} s)")
            if rc != 0:
                tail = "".join(out.splitlines(True)[-40:])
                failures.append((b, f"exit {rc}\n{tail}"))
    finally:
        for bg in background:
            rc = bg.stop()
            if rc != 0:
                failures.append((bg.block, f"exit {rc} after SIGINT (expected a clean exit 0)\n"
                                 + "".join(bg.lines[-40:])))
        shutil.rmtree(scratch, ignore_errors=True)
    return failures, ran, skipped


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True, help="the build tree that `build/` stands for")
    ap.add_argument("--isolate", action="store_true",
                    help="private network namespace and /tmp when permitted")
    ap.add_argument("--configure", nargs=argparse.REMAINDER,
                    help=argparse.SUPPRESS)  # used by the blocks' cmake function
    ap.add_argument("--cmake-build", nargs=argparse.REMAINDER,
                    help=argparse.SUPPRESS)  # likewise
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("files", nargs="*", help="only these files (default: all)")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    if a.configure is not None:
        return configure(build, a.configure)
    if a.cmake_build is not None:
        return cmake_build(build, a.cmake_build)
    note = isolate([build, ROOT]) if a.isolate else "not isolated (no --isolate)"
    if note:
        print(f"doc-test: {note}: fixed ports and /tmp paths in the docs may clash with "
              "another run")

    try:
        by_file = {}
        wanted = {os.path.abspath(f) for f in a.files}
        for path in markdown_files():
            if not wanted or path in wanted:
                by_file[path] = markdown_blocks(path)
        for b in example_blocks():
            if not wanted or b.path in wanted:
                by_file.setdefault(b.path, []).append(b)
    except DocError as e:
        print(f"doc-test: {e}", file=sys.stderr)
        return 1

    work = tempfile.mkdtemp(prefix="omniq-doc-")
    cfgdir = os.path.join(work, "configure")
    os.mkdir(cfgdir)
    failures, ran, skipped = [], 0, []
    try:
        for path, blocks in by_file.items():
            if blocks:
                f, n, s = run_file(blocks, work, build, cfgdir, a.verbose)
                failures += f
                ran += n
                skipped += s
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"doc-test: {ran} command blocks run, {len(skipped)} not run:")
    for b in skipped:
        print(f"  {b.where()}: {b.arg} — {SKIP_REASONS[b.arg]}")
    for b, why in failures:
        print(f"\nFAILED {b.where()}: {why}\n--- the block:\n{b.text}---", file=sys.stderr)
    if failures:
        print(f"doc-test: {len(failures)} block(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
