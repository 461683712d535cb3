# SPDX-License-Identifier: MIT
"""YAML configuration (omniq/config.h): NotImplementedError while the library
lacks it; with a library that has it, loading, errors with line and column,
dump and enumeration."""

import os
import tempfile
import unittest

import _support
import omniq
from omniq import Engine, OmniqError, _lib

HAS_CONFIG = _lib.has_symbol("oq_config_load_buffer")

CENTER = """\
engine:
  seed: 42
channels:
  voice: {exclusive: true}
  chat: {capacity_cost: 30, max_per_agent: 3}
skills:
  english: 5
queues:
  sales:
    channels: [voice, chat]
    wrapup: 10
agents:
  alice: {skills: {english: 3}}
  bob: {skills: {english: 4}}
"""


@unittest.skipIf(HAS_CONFIG, "library has the configuration module")
class ConfigMissing(unittest.TestCase):
    def test_not_implemented(self):
        for call in (lambda: Engine.from_yaml(CENTER),
                     lambda: Engine.from_yaml_file("center.yaml")):
            with self.assertRaises(NotImplementedError) as cm:
                call()
            self.assertIn("oq_config_load", str(cm.exception))
        with Engine() as e:
            for call in (e.config_dump, lambda: e.config_count("agent"),
                         lambda: e.config_ids("queue")):
                with self.assertRaises(NotImplementedError) as cm:
                    call()
                self.assertIn("config.h", str(cm.exception))


@unittest.skipUnless(HAS_CONFIG, "library has no configuration module (omniq/config.h)")
class ConfigPresent(unittest.TestCase):
    def test_load_buffer_and_route(self):
        events = []
        e = Engine.from_yaml(CENTER, on_event=events.append, name="center.yaml")
        self.assertEqual(e.config_ids("channel"), ["voice", "chat"])
        self.assertEqual(e.config_ids(omniq.OQ_KIND_AGENT), ["alice", "bob"])
        self.assertEqual(e.config_count("queue"), 1)
        self.assertTrue(e.config_exists("agent", "bob"))
        self.assertFalse(e.config_exists("queue", "bob"))
        self.assertEqual(e.queue_get("sales").wrapup_s, 10.0)
        self.assertEqual(e.agent_get_skill("bob", "english"), 4)
        e.agent_login("alice", now_ms=0)
        e.contact_arrive("c1", "voice", "sales", now_ms=5)
        self.assertIn("offered", [ev.name for ev in events])  # the callback is wired
        e.check()
        e.close()

    def test_load_file_and_dump_round_trip(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "center.yaml")
            with open(path, "w") as fh:
                fh.write(CENTER)
            with Engine.from_yaml_file(path) as e:
                text = e.config_dump()
            self.assertIn("sales", text)
            with Engine.from_yaml(text) as again:
                self.assertEqual(again.config_ids("agent"), ["alice", "bob"])
                self.assertEqual(again.config_dump(), text)

    def test_errors_carry_position(self):
        bad = CENTER.replace("wrapup: 10", "wrapup: soon")
        with self.assertRaises(OmniqError) as cm:
            Engine.from_yaml(bad, name="center.yaml")
        exc = cm.exception
        self.assertEqual(exc.status, omniq.OQ_ECONFIG)
        self.assertEqual(exc.line, 11)
        self.assertGreater(exc.column, 0)
        self.assertEqual(exc.path, "center.yaml")
        self.assertTrue(exc.message.startswith("center.yaml:11:"), exc.message)
        with self.assertRaises(OmniqError) as cm:
            Engine.from_yaml_file("/nonexistent/center.yaml")
        self.assertEqual(cm.exception.status, omniq.OQ_ECONFIG)
        self.assertEqual(cm.exception.line, 0)
        for bad_arg in (None, 12, "a\0b"):
            with self.assertRaises(OmniqError):
                Engine.from_yaml(bad_arg)
        with self.assertRaises(OmniqError):
            Engine.from_yaml(CENTER, colour="red")
        with Engine.from_yaml(CENTER) as e:
            with self.assertRaises(OmniqError):
                e.config_ids("widget")
            with self.assertRaises(OmniqError):
                e.config_count(99)

    def test_options_before_file_engine_section(self):
        with Engine.from_yaml("channels: {voice: {}}\n", start_ms=7000) as e:
            self.assertEqual(e.now(), 7000)


if __name__ == "__main__":
    unittest.main()
