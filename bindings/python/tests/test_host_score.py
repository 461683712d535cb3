# SPDX-License-Identifier: MIT
"""OQ_STRATEGY_HOST_SCORE from Python: a scorer written in Python picks the
agent, its bound and refusals hold, a mutating call from it is refused, a
configuration naming host_score loads with it, the journal replays with it;
every strategy and step action of the library has a name Python accepts,
a line in docs/config.md, and survives dump and load."""

import math
import os
import re
import unittest

import _support  # noqa: F401  (puts the package on the path)
import omniq
from omniq import Engine, OmniqError

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs")


def center(scores, calls, max_candidates=0, n=5):
    def scorer(contact, agent, queue):
        calls.append((contact, agent, queue))
        return scores[agent]

    e = Engine(scorer=scorer, max_candidates=max_candidates)
    e.channel_add("voice", exclusive=True)
    e.queue_add("q", strategy="host_score", ordering="fifo")
    e.queue_add_channel("q", "voice")
    for k in range(1, n + 1):
        e.agent_add(f"a{k}")
        e.agent_login(f"a{k}", now_ms=k)
    return e


class HostScore(unittest.TestCase):
    def test_the_best_score_wins_among_the_bounded_candidates(self):
        scores = {"a1": 1.0, "a2": 7.5, "a3": math.nan, "a4": 9.0, "a5": 100.0}
        calls = []
        e = center(scores, calls, max_candidates=4)
        e.contact_arrive("c1", "voice", "q", now_ms=10)
        # Candidates: a1..a4 (longest idle first); a3 refuses; a5 is beyond the bound.
        self.assertEqual([a for _, a, _ in calls], ["a1", "a2", "a3", "a4"])
        best = max((a for a in ("a1", "a2", "a3", "a4") if scores[a] >= 0), key=scores.get)
        self.assertEqual(e.contact_get("c1").agent, best)
        self.assertEqual(calls[0], ("c1", "a1", "q"))
        e.check()

    def test_mutating_from_the_scorer_is_refused(self):
        seen = []
        e = Engine()

        def scorer(contact, agent, queue):
            try:
                e.agent_not_ready(agent, "x")
            except OmniqError as exc:
                seen.append(exc.status)
            return 1.0

        e.set_scorer(scorer, max_candidates=2)
        e.channel_add("voice", exclusive=True)
        e.queue_add("q", strategy="host_score")
        e.queue_add_channel("q", "voice")
        e.agent_add("a1")
        e.agent_login("a1")
        e.contact_arrive("c1", "voice", "q")
        self.assertEqual(seen, [omniq.OQ_EBUSY])
        self.assertEqual(e.contact_get("c1").agent, "a1")

    def test_missing_scorer_names_the_queue(self):
        e = Engine()
        e.channel_add("voice", exclusive=True)
        with self.assertRaises(OmniqError) as cm:
            e.queue_add("sales", strategy="host_score")
        self.assertEqual(cm.exception.status, omniq.OQ_ESTATE)
        self.assertIn("queue 'sales'", cm.exception.message)
        yaml = ("channels:\n  voice: {exclusive: true}\n"
                "queues:\n  sales:\n    channels: [voice]\n    strategy: host_score\n")
        with self.assertRaises(OmniqError) as cm:
            Engine.from_yaml(yaml)
        self.assertEqual(cm.exception.line, 4)
        self.assertIn("host_score", cm.exception.message)
        f = Engine.from_yaml(yaml, scorer=lambda c, a, q: 1.0)
        self.assertIn("strategy: host_score", f.config_dump())

    def test_journal_replays_with_the_same_scorer(self):
        scores = {"a1": 2.0, "a2": 5.0, "a3": -1.0}
        calls = []
        a = center(scores, calls, n=3)
        base = a.snapshot()
        records = []
        a.set_journal(lambda name, now, rec: records.append(rec))
        for i in range(6):
            a.contact_arrive(f"c{i}", "voice", "q", now_ms=100 + i)
        b = Engine.restore(base, scorer=lambda c, ag, q: scores[ag])
        for rec in records:
            b.journal_apply(rec)
        for i in range(6):
            self.assertEqual(b.contact_get(f"c{i}").agent, a.contact_get(f"c{i}").agent)
        self.assertEqual(a.contact_get("c0").agent, "a2")
        self.assertEqual(a.contact_get("c1").agent, "a1")

    def test_every_strategy_and_step_action_is_named_documented_and_round_trips(self):
        with open(os.path.join(DOCS, "config.md"), encoding="utf-8") as fh:
            config_doc = fh.read()
        strategies = sorted(v for k, v in vars(omniq.constants).items()
                            if re.fullmatch(r"OQ_STRATEGY_[A-Z_]+", k))
        self.assertEqual(strategies, list(range(len(strategies))))
        for v in strategies:
            name = omniq.strategy_name(v)
            self.assertNotEqual(name, "unknown", v)
            self.assertIn(f"`{name}`", config_doc, f"docs/config.md does not mention {name}")
            e = Engine(scorer=lambda c, a, q: 1.0)
            e.channel_add("voice", exclusive=True)
            e.queue_add("q", strategy=name)
            e.queue_add_channel("q", "voice")
            f = Engine.from_yaml(e.config_dump(), scorer=lambda c, a, q: 1.0)
            self.assertEqual(f.config_dump(), e.config_dump())
        lib = omniq._lib.load()
        actions = sorted(v for k, v in vars(omniq.constants).items()
                         if re.fullmatch(r"OQ_STEP_[A-Z_]+", k) and not k.startswith("OQ_STEP_AFTER"))
        self.assertEqual(actions, list(range(1, len(actions) + 1)))
        for v in actions:
            name = lib.oq_step_action_name(v).decode()
            self.assertNotEqual(name, "unknown", v)
            self.assertIn(f"`{name}`", config_doc, f"docs/config.md does not mention {name}")


if __name__ == "__main__":
    unittest.main()
