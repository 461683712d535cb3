#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The statistics counters table (lib/stats/counters.h) reaches every place
a counter must: each row is counted by lib/stats/stats.c (its K_* index is
used there), its oq_queue_stats field is documented in docs/statistics.md,
and the Python binding's struct rows (_fields.py, generated from the header)
hold that field with the C type the row's kind needs. The C side (every
field read out, one field per row): tests/unit/test_stats_counters.c."""
import pathlib
import re
import sys
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings" / "python"))


def rows():
    """(id, read, field, per) per row of OQ__STATS_COUNTERS."""
    text = (ROOT / "lib" / "stats" / "counters.h").read_text(encoding="utf-8")
    body = text[text.index("#define OQ__STATS_COUNTERS(X)"):]
    body = body[:body.index("\n\n")]
    return re.findall(r"X\(\s*(\w+),\s*(\w+),\s*(\w+),\s*(\w+)\s*\)", body)


class CountersTable(unittest.TestCase):
    def test_the_table_is_read(self):
        self.assertGreaterEqual(len(rows()), 40)

    def test_every_counter_is_counted(self):
        stats_c = (ROOT / "lib" / "stats" / "stats.c").read_text(encoding="utf-8")
        for cid, *_ in rows():
            self.assertRegex(stats_c, rf"\bK_{cid}\b",
                             f"counter K_{cid} (lib/stats/counters.h) is never counted in lib/stats/stats.c")

    def test_max_rows_are_raised_and_sums_added(self):
        """stats.c adds to a sum with add/add3/ADD3/blk_add and raises a MAX_S row with
        add_max (the adders test no kind: a MAX_S row given to them would be summed)."""
        stats_c = (ROOT / "lib" / "stats" / "stats.c").read_text(encoding="utf-8")
        for cid, read, *_ in rows():
            raised = re.search(rf"\badd_max\([^;]*\bK_{cid}\b", stats_c)
            added = re.search(rf"\b(add3?|ADD3|blk_add)\([^;]*\bK_{cid}\b", stats_c)
            if read == "MAX_S":
                self.assertTrue(raised and not added, f"K_{cid} (MAX_S) must be counted with add_max only")
            else:
                self.assertFalse(raised, f"K_{cid} ({read}) is a sum: add, add3, ADD3 or blk_add, not add_max")

    def test_every_field_is_documented(self):
        doc = (ROOT / "docs" / "statistics.md").read_text(encoding="utf-8")
        for cid, _, field, _ in rows():
            self.assertTrue(f"`{field}`" in doc,
                            f"oq_queue_stats.{field} (counter K_{cid}) is not in docs/statistics.md")

    def test_python_has_every_field_with_its_type(self):
        from omniq import _fields  # generated from include/omniq/stats.h
        ctype = {name: t for name, t, _ in _fields.OQ_QUEUE_STATS}
        want = {"COUNT": "int64_t", "MEAN_S": "double", "MAX_S": "double"}
        for cid, read, field, _ in rows():
            self.assertEqual(ctype.get(field), want[read],
                             f"oq_queue_stats.{field} (K_{cid}, {read}) in bindings/python/omniq/_fields.py")

    def test_a_forgotten_place_is_caught(self):
        """The checks above fail on a row nothing counts or documents."""
        stats_c = "add3(e, qo, co, K_OFFERED, 1);"
        self.assertIsNone(re.search(r"\bK_OFF\b", stats_c))
        self.assertNotIn("`offers_x`", "`offers` `offers_accepted`")


if __name__ == "__main__":
    unittest.main()
