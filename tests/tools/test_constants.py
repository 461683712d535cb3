#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Python's constants equal the headers': constants.py is what
tools/gen_constants.py makes of the headers, and a C compiler agrees with
every value in it (each becomes a _Static_assert against the header)."""
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Constants(unittest.TestCase):
    def test_generated_file_is_current(self):
        r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_constants.py"), "--check"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_every_value_agrees_with_the_compiler(self):
        consts = load(ROOT / "bindings" / "python" / "omniq" / "constants.py", "constants")
        names = {k: v for k, v in vars(consts).items() if k.startswith("OQ_")}
        self.assertGreater(len(names), 200)
        cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
        self.assertTrue(cc, "no C compiler to check the values with")
        lines = ['#include "omniq/omniq.h"', '#include "omniq/schedule_cbc.h"']
        for k, v in names.items():
            lit = f"({v}LL)" if v >= -2**63 + 1 else f"(-{-v - 1}LL - 1)"
            lines.append(f'_Static_assert((long long)({k}) == {lit}, "{k} != {v}");')
        with tempfile.TemporaryDirectory() as d:
            src = pathlib.Path(d) / "constants.c"
            src.write_text("\n".join(lines) + "\n")
            r = subprocess.run([cc, "-std=c11", "-fsyntax-only", "-I", str(ROOT / "include"),
                                str(src)], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])

    def test_a_changed_value_is_caught(self):
        gen = load(ROOT / "tools" / "gen_constants.py", "gen_constants")
        self.assertEqual(gen.value_of("(64LL * 1024 * 1024)"), 64 * 1024 * 1024)
        self.assertEqual(gen.value_of("INT32_MIN"), -2**31)
        self.assertEqual(gen.value_of("0x7f"), 127)
        self.assertIsNone(gen.value_of('"0.1.0"'))


if __name__ == "__main__":
    unittest.main()
