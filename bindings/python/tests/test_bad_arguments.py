# SPDX-License-Identifier: MIT
"""No call can crash the interpreter with bad arguments: every public function
and Engine method is called with hostile values in every position; the only
outcomes allowed are a result, OmniqError, CallbackError or NotImplementedError
(TypeError only for a wrong number of Python arguments)."""

import inspect
import itertools
import math
import unittest

import _support
import omniq
from omniq import Engine, OmniqError, erlang

HOSTILE = [None, -1, 0, 2 ** 31, -(2 ** 63) - 1, 2 ** 64, 1e308, math.nan, -math.inf,
           "", "x" * 300, "a\0b", b"\xff\xfe", "日本", True, 3.5, [], {}, object(),
           [("english", 2 ** 40)], {"english": -5}, ["x"] * 70]

ALLOWED = (OmniqError, omniq.CallbackError, NotImplementedError)


def engine():
    e = _support.small_center(Engine(on_event=lambda ev: None))
    e.agent_login("alice", now_ms=0)
    e.contact_arrive("c1", "voice", "sales", now_ms=0)
    e.queue_add("tier2")
    e.profile_add("p")
    e.group_add("g")
    return e


def valid_for(name):
    return {"id": "alice", "agent": "alice", "contact": "c1", "queue": "sales",
            "channel": "voice", "skill": "english", "group": "g", "profile": "p",
            "level": 1, "min_level": 1, "capacity": 100, "priority": 1, "max_items": 1,
            "now_ms": None, "max_level": 2, "rule": 0, "wait_s": 1.0, "action": "alert",
            "reason": "r", "text": "x: 1", "path": "/nonexistent.yaml", "data": b"",
            "ready": True, "delay_s": 0.0, "owner_wait_s": 0.0, "cross_channel": True,
            "force_longest_waiting": False, "idle_measure": 0, "now": 1}.get(name, 1)


class HostileArguments(unittest.TestCase):
    def call_all(self, fn, label):
        sig = inspect.signature(fn)
        params = [p for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        for i, p in enumerate(params):
            for bad in HOSTILE:
                args = [bad if q is p else valid_for(q.name) for q in params
                        if q.kind == q.POSITIONAL_ONLY]
                kwargs = {q.name: valid_for(q.name) for q in params
                          if q.kind != q.POSITIONAL_ONLY
                          and (q.default is inspect.Parameter.empty or q is p)}
                if p.name in kwargs:
                    kwargs[p.name] = bad
                try:
                    fn(*args, **kwargs)
                except ALLOWED:
                    pass
                except TypeError as exc:
                    # only "wrong call" TypeErrors from Python itself are tolerated
                    self.assertIn("argument", str(exc), f"{label}({p.name}={bad!r})")

    def test_engine_methods(self):
        names = [n for n, m in inspect.getmembers(Engine) if not n.startswith("_")
                 and callable(m) and n not in ("close", "restore", "from_yaml",
                                               "from_yaml_file")]
        self.assertGreater(len(names), 60)
        for name in names:
            e = engine()
            with self.subTest(name):
                self.call_all(getattr(e, name), name)
            e.on_event = None
            try:
                e.check()
            except OmniqError as exc:  # a hostile call must never corrupt the engine
                self.fail(f"{name}: {exc}")
            e.close()

    def test_hostile_spec_fields(self):
        from omniq import _lib
        cases = [("channel_add", ("chx",), _lib.oq_channel_spec),
                 ("queue_add", ("qx",), _lib.oq_queue_spec),
                 ("queue_update", ("sales",), _lib.oq_queue_spec),
                 ("channel_update", ("voice",), _lib.oq_channel_spec),
                 ("agent_set_policy", ("alice",), _lib.oq_agent_policy),
                 ("queue_add_step", ("sales", "alert"), _lib.oq_escalation_step)]
        e = engine()
        e.contact_remove("c1")
        for meth, args, st in cases:
            for field, _ in st._fields_:
                if field in ("struct_size", "id", "action"):
                    continue
                for bad in HOSTILE:
                    try:
                        getattr(e, meth)(*args, **{field: bad})
                    except ALLOWED:
                        pass
                    try:
                        e.queue_clear_steps("sales")
                    except OmniqError:
                        pass
        e.check()
        e.close()

    def test_class_methods(self):
        for fn in (Engine.from_yaml, Engine.from_yaml_file, Engine.restore, omniq.simulate,
                   omniq.simulate_file, omniq.stats.service_level, omniq.stats.definition_name,
                   omniq.sim.t975, omniq.sim.dist_name):
            self.call_all(fn, fn.__name__)

    def test_erlang_functions(self):
        for name in erlang.__all__:
            fn = getattr(erlang, name)
            if inspect.isfunction(fn):
                with self.subTest(name):
                    self.call_all(fn, name)

    def test_name_functions(self):
        for fn in (omniq.event_type_name, omniq.agent_state_name, omniq.contact_state_name,
                   omniq.ordering_name, omniq.strategy_name):
            for bad in HOSTILE:
                try:
                    self.assertIsInstance(fn(bad), str)
                except OmniqError:
                    pass
        for bad in (-100, 0, 1, 2 ** 31 - 1):
            self.assertIsInstance(omniq.status_name(bad), str)

    def test_hostile_engine_options(self):
        for key, bad in itertools.product(("seed", "start_ms", "abandon_resume_s"), HOSTILE):
            try:
                Engine(**{key: bad}).close()
            except OmniqError:
                pass


if __name__ == "__main__":
    unittest.main()
