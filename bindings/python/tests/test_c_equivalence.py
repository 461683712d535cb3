# SPDX-License-Identifier: MIT
"""The Python results equal the C results bit for bit: a tiny C program, built
here against the headers and the same libomniq, prints the values as hex
floats (%a) and the test compares them with what the binding returns."""

import os
import shutil
import subprocess
import tempfile
import unittest

import _support
import omniq
from omniq import erlang

HELPER = r"""
#include <omniq/omniq.h>
#include <stdio.h>
static void d(const char *k, double v) { printf("%s %a\n", k, v); }
static void i(const char *k, int v) { printf("%s %d\n", k, v); }
int main(void) {
    static const double loads[] = {0.5, 2.5, 10, 37.25, 120};
    for (int a = 0; a < 5; a++) {
        double A = loads[a];
        for (int n = 0; n <= 140; n += 7) {
            char k[64]; double v; oq_erlang_a_result ea = OQ_OUTPUT_INIT(oq_erlang_a_result);
            snprintf(k, sizeof k, "b/%d/%d", a, n); oq_erlang_b(A, n, &v); d(k, v);
            snprintf(k, sizeof k, "c/%d/%d", a, n); oq_erlang_c(A, n, &v); d(k, v);
            snprintf(k, sizeof k, "sl/%d/%d", a, n); oq_erlang_c_service_level(A, n, 180, 20, &v); d(k, v);
            snprintf(k, sizeof k, "asa/%d/%d", a, n); oq_erlang_c_asa(A, n, 180, &v); d(k, v);
            snprintf(k, sizeof k, "occ/%d/%d", a, n); oq_erlang_occupancy(A, n, &v); d(k, v);
            snprintf(k, sizeof k, "ea/%d/%d", a, n); oq_erlang_a(A, n, 180, 90, 20, &ea, NULL);
            d(k, ea.p_wait); d(k, ea.p_abandon); d(k, ea.service_level); d(k, ea.asa_s); d(k, ea.occupancy);
        }
        int m; char k[64]; double v0;
        snprintf(k, sizeof k, "nsl/%d", a); oq_erlang_c_agents(A, 180, 20, 0.8, &m); i(k, m);
        snprintf(k, sizeof k, "nasa/%d", a); oq_erlang_c_agents_asa(A, 180, 15, &m); i(k, m);
        snprintf(k, sizeof k, "nocc/%d", a); oq_erlang_agents_occupancy(A, 0.85, &m); i(k, m);
        snprintf(k, sizeof k, "nea/%d", a); oq_erlang_a_agents(A, 180, 90, 20, 0.8, &m); i(k, m);
        snprintf(k, sizeof k, "neab/%d", a); oq_erlang_a_agents_abandon(A, 180, 90, 0.05, &m); i(k, m);
        double aht[3] = {300, 360, 420}; oq_erlang_chat_result cr = OQ_OUTPUT_INIT(oq_erlang_chat_result);
        snprintf(k, sizeof k, "chat/%d", a); oq_erlang_chat(A, 4 + a * 10, 3, aht, 30, &cr, NULL);
        d(k, cr.p_wait); d(k, cr.service_level); d(k, cr.asa_s); d(k, cr.occupancy); d(k, cr.sessions_per_agent);
        snprintf(k, sizeof k, "nchat/%d", a); oq_erlang_chat_agents(A, 3, aht, 30, 0.8, &m); i(k, m);
        oq_staffing_options o; oq_staffing_options_init(&o);
        o.threshold_s = 20; o.target_sl = 0.8; o.patience_s = 90; o.max_abandon = 0.05; o.shrinkage = 0.3;
        oq_staffing_result sr = OQ_OUTPUT_INIT(oq_staffing_result);
        oq_erlang_staffing(A, 180, &o, &sr, NULL);
        snprintf(k, sizeof k, "staff/%d", a);
        i(k, sr.required); i(k, sr.scheduled); d(k, sr.service_level); d(k, sr.asa_s); d(k, sr.occupancy); d(k, sr.p_abandon); d(k, sr.p_wait);
        snprintf(k, sizeof k, "nb/%d", a); oq_erlang_b_agents(A, 0.01, &m); i(k, m);
        snprintf(k, sizeof k, "bload/%d", a); oq_erlang_b_load(5 + a * 20, 0.02, &v0); d(k, v0);
    }
    int s; oq_erlang_scheduled(17, 0.35, &s); i("sched", s);
    return 0;
}
"""


def python_values():
    out = []

    def d(k, v):
        out.append(f"{k} {float(v).hex()}")

    def i(k, v):
        out.append(f"{k} {v}")

    loads = [0.5, 2.5, 10, 37.25, 120]
    for a, A in enumerate(loads):
        for n in range(0, 141, 7):
            d(f"b/{a}/{n}", erlang.erlang_b(A, n))
            d(f"c/{a}/{n}", erlang.erlang_c(A, n))
            d(f"sl/{a}/{n}", erlang.service_level(A, n, 180, 20))
            d(f"asa/{a}/{n}", erlang.asa(A, n, 180))
            d(f"occ/{a}/{n}", erlang.occupancy(A, n))
            ea = erlang.erlang_a(A, n, 180, 90, 20)
            for v in (ea.p_wait, ea.p_abandon, ea.service_level, ea.asa_s, ea.occupancy):
                d(f"ea/{a}/{n}", v)
        i(f"nsl/{a}", erlang.agents_for_service_level(A, 180, 20, 0.8))
        i(f"nasa/{a}", erlang.agents_for_asa(A, 180, 15))
        i(f"nocc/{a}", erlang.agents_for_occupancy(A, 0.85))
        i(f"nea/{a}", erlang.erlang_a_agents(A, 180, 90, 20, 0.8))
        i(f"neab/{a}", erlang.erlang_a_agents_abandon(A, 180, 90, 0.05))
        cr = erlang.chat(A, 4 + a * 10, [300, 360, 420], 30)
        for v in (cr.p_wait, cr.service_level, cr.asa_s, cr.occupancy, cr.sessions_per_agent):
            d(f"chat/{a}", v)
        i(f"nchat/{a}", erlang.chat_agents(A, [300, 360, 420], 30, 0.8))
        sr = erlang.staffing(A, 180, threshold_s=20, target_sl=0.8, patience_s=90,
                             max_abandon=0.05, shrinkage=0.3)
        i(f"staff/{a}", sr.required)
        i(f"staff/{a}", sr.scheduled)
        for v in (sr.service_level, sr.asa_s, sr.occupancy, sr.p_abandon, sr.p_wait):
            d(f"staff/{a}", v)
        i(f"nb/{a}", erlang.erlang_b_agents(A, 0.01))
        d(f"bload/{a}", erlang.erlang_b_load(5 + a * 20, 0.02))
    i("sched", erlang.scheduled(17, 0.35))
    return out


def c_hex_to_python(line):
    """glibc prints %a as 0x1.8p+3 / inf / 0x0p+0; normalise via float.fromhex."""
    key, val = line.split(" ", 1)
    if val.startswith(("0x", "-0x")):
        return f"{key} {float.fromhex(val).hex()}"
    if val in ("inf", "-inf", "nan"):
        return f"{key} {float(val).hex()}"
    return line


@unittest.skipUnless(shutil.which("cc") or shutil.which("gcc"), "no C compiler")
class PythonEqualsC(unittest.TestCase):
    def test_erlang_bit_for_bit(self):
        lib = omniq.library_path()
        if not os.path.isabs(lib):
            self.skipTest("library loaded by soname; need a path to link the helper")
        include = os.path.join(_support.REPO, "include")
        cc = shutil.which("cc") or shutil.which("gcc")
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "helper.c")
            exe = os.path.join(tmp, "helper")
            with open(src, "w") as fh:
                fh.write(HELPER)
            libdir = os.path.dirname(os.path.realpath(lib))
            subprocess.run([cc, "-std=c11", "-O2", "-I", include, src, "-o", exe,
                            os.path.realpath(lib), f"-Wl,-rpath,{libdir}", "-lm"],
                           check=True, capture_output=True)
            res = subprocess.run([exe], check=True, capture_output=True, text=True)
        c_lines = [c_hex_to_python(x) for x in res.stdout.splitlines()]
        py_lines = python_values()
        self.assertEqual(len(c_lines), len(py_lines))
        self.assertGreater(len(c_lines), 700)
        for c_line, p_line in zip(c_lines, py_lines):
            self.assertEqual(p_line, c_line)


if __name__ == "__main__":
    unittest.main()
