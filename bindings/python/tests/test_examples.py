# SPDX-License-Identifier: MIT
"""The examples in examples/python run against this binding."""

import os
import subprocess
import sys
import tempfile
import unittest

import _support

EXAMPLES = os.path.join(_support.REPO, "examples", "python")


def run(script, *args, cwd=None):
    env = dict(os.environ, PYTHONPATH=_support.BINDING)
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *args], env=env,
                          cwd=cwd, capture_output=True, text=True, timeout=120)


class Examples(unittest.TestCase):
    def test_route_csv(self):
        r = run("route_csv.py", os.path.join(EXAMPLES, "contacts.csv"), "--agents", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("assigned", r.stdout)
        self.assertIn("sales", r.stdout.split("queue")[-1])
        # every contact of the CSV is answered or abandoned
        lines = r.stdout.strip().splitlines()[-2:]
        handled = sum(int(x.split()[1]) + int(x.split()[2]) for x in lines)
        with open(os.path.join(EXAMPLES, "contacts.csv")) as fh:
            self.assertEqual(handled, len(fh.readlines()) - 1)

    def test_simulate_vs_erlang(self):
        r = run("simulate_vs_erlang.py", "--agents", "10", "--hours", "4",
                "--replications", "4")
        self.assertEqual(r.returncode, 0, r.stderr)
        row = r.stdout.strip().splitlines()[-1].split()
        self.assertEqual(row[0], "10")
        sim, half, theory = float(row[1]), float(row[3]), float(row[4])
        self.assertAlmostEqual(theory, 0.841, places=3)
        self.assertLessEqual(abs(sim - theory), half + 0.02)

    def test_staffing_curve(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "curve.png")
            r = run("staffing_curve.py", "--calls-per-hour", "200", "--aht", "180",
                    "--out", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("needs 14 agents (Erlang C)", r.stdout)
            try:
                import matplotlib  # noqa: F401
            except ImportError:
                self.assertIn("matplotlib not available", r.stderr)
                return
            with open(out, "rb") as fh:
                self.assertEqual(fh.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
