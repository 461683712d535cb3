#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/gen_api_doc.py takes only attached comments, and lists structures,
their fields and constants."""
import importlib.util
import pathlib
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("gen_api_doc", ROOT / "tools" / "gen_api_doc.py")
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)

HEADER = """/* SPDX-License-Identifier: MIT */
/* omniq — a test header. */
/* Orderings. */
#define OQ_ORDER_FIFO 0     /* first come, first served */
#define OQ_ORDER_PRIO 1     /* priority, then age */

OQ_API const char *oq_ordering_name(int32_t ordering);

/* Stands alone: a blank line follows. */

OQ_API int oq_orphan(void);

/* The first of a group, and the second. */
OQ_API int oq_first(void);
OQ_API int oq_second(int32_t x,
                     int32_t y);
OQ_API int oq_inline(void);   /* documented on its own line */

/* A spec. */
typedef struct oq_spec {
    uint32_t struct_size;   /* set by init; says
                               sizeof at build time */
    /* Limits: both in seconds. */
    double a_s;
    double b_s;
    char name[16];          /* NUL-terminated; a ; inside a comment */
    oq_status (*solve)(void *user);
} oq_spec;

typedef struct oq_bare {
    int x;
} oq_bare;
"""


def items():
    h = gen.Header(HEADER)
    return {e[2]: e for e in gen.functions(h) + gen.types(h) + gen.constants(h)}


class AttachedComments(unittest.TestCase):
    def test_a_neighbours_comment_is_not_taken(self):
        it = items()
        self.assertEqual(it["oq_ordering_name"][4], "",
                         "a comment of the #define run above a blank line was taken")
        self.assertEqual(it["oq_orphan"][4], "", "a comment separated by a blank line was taken")

    def test_a_group_shares_its_comment_and_an_inline_comment_counts(self):
        it = items()
        self.assertEqual(it["oq_first"][4], "The first of a group, and the second.")
        self.assertEqual(it["oq_second"][4], "The first of a group, and the second.")
        self.assertEqual(it["oq_inline"][4], "documented on its own line")

    def test_structures_list_every_field_with_its_comment(self):
        it = items()
        spec = it["oq_spec"]
        self.assertEqual(spec[4], "A spec.")
        fields = {name: (ftype, doc) for name, ftype, doc in spec[5]}
        self.assertEqual(list(fields), ["struct_size", "a_s", "b_s", "name", "solve"])
        self.assertEqual(fields["struct_size"], ("uint32_t", "set by init; says sizeof at build time"))
        self.assertEqual(fields["a_s"][1], "Limits: both in seconds.")
        self.assertEqual(fields["b_s"][1], "Limits: both in seconds.")
        self.assertEqual(fields["name"], ("char[16]", "NUL-terminated; a ; inside a comment"))
        self.assertEqual(it["oq_bare"][4], "", "an undocumented structure must show as such")

    def test_constants_keep_their_group_and_meaning(self):
        it = items()
        run = it["OQ_ORDER_FIFO"]
        self.assertEqual(run[4], "Orderings.")
        self.assertEqual(run[5], [("OQ_ORDER_FIFO", "0", "first come, first served"),
                                  ("OQ_ORDER_PRIO", "1", "priority, then age")])

    def test_the_real_headers_have_every_function_and_type_documented(self):
        docs, missing = gen.collect()
        self.assertEqual(missing, [])
        names = {e[2] for _, _, entries in docs for e in entries}
        self.assertIn("oq_error", names)
        self.assertIn("oq_queue_spec", names)


if __name__ == "__main__":
    unittest.main()
