# SPDX-License-Identifier: MIT
"""omniq.Engine: lifecycle, model, contacts, events, errors and callbacks."""

import gc
import math
import unittest
import weakref

import _support
import omniq
from omniq import Engine, OmniqError


class Recorder:
    def __init__(self):
        self.events = []

    def __call__(self, ev):
        self.events.append(ev)

    def names(self, contact=None):
        return [e.name for e in self.events if contact is None or e.contact == contact]


class Lifecycle(unittest.TestCase):
    def test_create_options_and_clock(self):
        e = Engine(seed=7, start_ms=5000, abandon_resume_s=30)
        self.assertEqual(e.now(), 5000)
        self.assertIsNone(e.next_deadline())
        e.advance(6000)
        self.assertEqual(e.now(), 6000)
        with self.assertRaises(OmniqError) as cm:
            e.advance(100)  # times never go backwards
        self.assertEqual(cm.exception.status, omniq.OQ_EINVAL)
        self.assertTrue(e.last_error)
        self.assertIn(cm.exception.message, str(cm.exception))
        e.check()
        self.assertEqual(e.counts(), omniq.Counts(*([0] * 12)))
        e.close()

    def test_set_seed_repeats_random_routing(self):
        def offers(seed):
            rec = Recorder()
            e = Engine(rec, seed=3)
            e.channel_add("chat", capacity_cost=1, max_per_agent=100)
            e.queue_add("q", strategy="random")
            e.queue_add_channel("q", "chat")
            for i in range(8):
                e.agent_add(f"a{i}")
                e.agent_login(f"a{i}")
            e.set_seed(seed)
            for i in range(30):
                e.contact_arrive(f"c{i}", "chat", "q")
            return [ev.agent for ev in rec.events if ev.name == "offered"]
        first = offers(2024)
        self.assertEqual(len(first), 30)
        self.assertEqual(first, offers(2024))
        self.assertNotEqual(first, offers(2025))
        with self.assertRaises(OmniqError) as cm:
            Engine().set_seed(-1)
        self.assertIn("seed", cm.exception.message)

    def test_close_is_idempotent_and_closed_engine_raises(self):
        e = Engine()
        self.assertFalse(e.closed)
        e.close()
        e.close()
        self.assertTrue(e.closed)
        self.assertIn("closed", repr(e))
        for call in (e.now, e.counts, e.check, lambda: e.agent_add("a"),
                     lambda: e.last_error, lambda: e.advance(1)):
            with self.assertRaises(OmniqError) as cm:
                call()
            self.assertIn("closed", cm.exception.message)

    def test_context_manager(self):
        with Engine() as e:
            e.agent_add("a")
            self.assertIn("now_ms=0", repr(e))
        self.assertTrue(e.closed)

    def test_collected_engine_is_destroyed(self):
        e = Engine(on_event=lambda ev: None)
        ref = weakref.ref(e)
        del e
        self.assertIsNone(ref())  # no reference cycle: freed at once

    def test_bad_options(self):
        for kw in ({"seed": -1}, {"start_ms": "x"}, {"abandon_resume_s": None},
                   {"on_event": 42}, {"callback_errors": "ignore"}, {"seed": 2 ** 64}):
            with self.assertRaises(OmniqError, msg=str(kw)):
                Engine(**kw)
        with self.assertRaises(OmniqError):
            Engine(abandon_resume_s=-1)  # rejected by C
        with self.assertRaises(TypeError):
            Engine(bogus=1)

    def test_version_and_names(self):
        self.assertEqual(omniq.version(), "0.1.0")
        self.assertEqual(omniq.version_number(), 100)
        self.assertEqual(omniq.event_type_name(omniq.OQ_EV_OFFERED), "offered")
        self.assertEqual(omniq.event_type_name(999), "unknown")
        self.assertEqual(omniq.agent_state_name(omniq.OQ_AGENT_READY), "ready")
        self.assertEqual(omniq.contact_state_name(omniq.OQ_CONTACT_QUEUED), "queued")
        self.assertEqual(omniq.ordering_name(omniq.OQ_ORDER_PRIORITY), "priority")
        self.assertEqual(omniq.strategy_name(omniq.OQ_STRATEGY_BEST_SKILL), "best_skill")
        self.assertEqual(omniq.status_name(omniq.OQ_EBUSY), "OQ_EBUSY")


class Model(unittest.TestCase):
    def setUp(self):
        self.e = Engine()

    def tearDown(self):
        self.e.close()

    def test_channels(self):
        e = self.e
        e.channel_add("voice", exclusive=True)
        e.channel_add("chat", synchronous=True, capacity_cost=30, max_per_agent=3)
        self.assertEqual(e.channel_get("chat"), omniq.ChannelInfo("chat", True, False, 30, 3))
        e.channel_update("chat", max_per_agent=4)
        self.assertEqual(e.channel_get("chat").max_per_agent, 4)
        self.assertEqual(e.channel_get("chat").capacity_cost, 30)
        e.channel_remove("chat")
        with self.assertRaises(OmniqError) as cm:
            e.channel_get("chat")
        self.assertEqual(cm.exception.status, omniq.OQ_ENOTFOUND)
        self.assertIn("chat", cm.exception.message)
        with self.assertRaises(OmniqError) as cm:
            e.channel_add("bad", capacity_cost=0)
        self.assertIn("capacity_cost", cm.exception.message)
        with self.assertRaises(OmniqError) as cm:
            e.channel_add("bad", colour="red")
        self.assertIn("unknown field", cm.exception.message)

    def test_skills_groups_agents(self):
        e = self.e
        e.skill_add("english", 5)
        self.assertEqual(e.skill_get("english"), 5)
        e.group_add("team1")
        e.agent_add("alice", 200)
        e.agent_set_capacity("alice", 150)
        e.agent_set_skill("alice", "english", 4)
        self.assertEqual(e.agent_get_skill("alice", "english"), 4)
        e.agent_join_group("alice", "team1")
        with self.assertRaises(OmniqError) as cm:
            e.agent_join_group("alice", "team1")
        self.assertEqual(cm.exception.status, omniq.OQ_ESTATE)
        e.channel_add("chat", capacity_cost=30, max_per_agent=3)
        e.agent_set_channel_limit("alice", "chat", 2)
        info = e.agent_get("alice")
        self.assertEqual((info.id, info.state_name, info.capacity, info.n_skills),
                         ("alice", "offline", 150, 1))
        e.agent_login("alice", ready=False, now_ms=10)
        self.assertEqual(e.agent_get("alice").state, omniq.OQ_AGENT_NOT_READY)
        e.agent_ready("alice", now_ms=20)
        self.assertEqual(e.agent_get("alice").state_name, "ready")
        e.agent_not_ready("alice", "lunch", now_ms=30)
        info = e.agent_get("alice")
        self.assertEqual((info.state_name, info.not_ready_reason, info.state_since_ms),
                         ("not_ready", "lunch", 30))
        e.agent_logout("alice", now_ms=40)
        e.agent_leave_group("alice", "team1")
        e.group_remove("team1")
        e.agent_set_skill("alice", "english", 0)
        e.skill_remove("english")
        e.agent_remove("alice")
        self.assertEqual(e.counts().agents, 0)
        with self.assertRaises(OmniqError) as cm:
            e.agent_add("x", 0)
        self.assertIn("capacity", cm.exception.message)
        with self.assertRaises(OmniqError):
            e.agent_add("x" * 256)  # over OQ_ID_MAX
        with self.assertRaises(OmniqError):
            e.agent_add("")
        with self.assertRaises(OmniqError) as cm:
            e.agent_add("a\0b")
        self.assertIn("NUL", cm.exception.message)
        with self.assertRaises(OmniqError):
            e.agent_add(None)
        with self.assertRaises(OmniqError):
            e.agent_add(12)
        e.agent_add("日本語")  # UTF-8 ids round-trip
        self.assertEqual(e.agent_get("日本語").id, "日本語")

    def test_queues(self):
        e = self.e
        _support.small_center(e)
        e.group_add("team1")
        e.queue_add("support", ordering="priority", strategy="best_skill", priority=5,
                    aging_per_s=0.5, timeout_not_ready=True)
        q = e.queue_get("support")
        self.assertEqual((q.ordering, q.strategy, q.priority, q.timeout_not_ready),
                         (omniq.OQ_ORDER_PRIORITY, omniq.OQ_STRATEGY_BEST_SKILL, 5, True))
        self.assertEqual((q.sla_threshold_s, q.sla_target, q.default_aht_s), (20.0, 0.8, 180.0))
        e.queue_update("support", sla_target=0.9, limit_action="overflow", limit_queue="sales",
                       max_length=3)
        q = e.queue_get("support")
        self.assertEqual((q.sla_target, q.limit_action, q.limit_queue, q.max_length, q.priority),
                         (0.9, omniq.OQ_LIMIT_OVERFLOW, "sales", 3, 5))
        e.queue_add_channel("support", "voice")
        e.queue_require_skill("support", "english", 2)
        e.queue_prefer_skill("support", "english", 4)
        e.queue_add_group("support", "team1")
        q = e.queue_get("support")
        self.assertEqual((q.n_channels, q.n_required_skills, q.n_preferred_skills, q.n_groups),
                         (1, 1, 1, 1))
        e.queue_remove_group("support", "team1")
        e.queue_require_skill("support", "english", 0)
        e.queue_remove_channel("support", "voice")
        self.assertEqual(e.queue_ewt("sales"), math.inf)  # nobody logged in
        e.queue_remove("support")
        self.assertEqual(e.queue_get("sales").retry_after_s, 30.0)
        e.queue_update("sales", retry_after_s=12.5, max_offers=3)
        q = e.queue_get("sales")
        self.assertEqual((q.retry_after_s, q.max_offers), (12.5, 3))
        with self.assertRaises(OmniqError) as cm:
            e.queue_update("sales", max_offers=-2)
        self.assertIn("max_offers", cm.exception.message)
        self.assertFalse(e.queue_get("sales").keep_offer_on_not_ready)
        e.queue_update("sales", keep_offer_on_not_ready=True)
        self.assertTrue(e.queue_get("sales").keep_offer_on_not_ready)
        with self.assertRaises(OmniqError) as cm:
            e.queue_add("x", ordering="sideways")
        self.assertIn("sideways", cm.exception.message)
        with self.assertRaises(OmniqError) as cm:
            e.queue_add("x", sla_target=2)
        self.assertIn("sla_target", cm.exception.message)

    def test_escalation_steps(self):
        e = self.e
        _support.small_center(e)
        e.queue_add("tier2")
        e.queue_add_channel("tier2", "voice")
        e.queue_require_skill("sales", "english", 3)
        e.queue_add_step("sales", "lower_level", after_s=30, skill="english", level=1)
        e.queue_add_step("sales", omniq.OQ_STEP_ALERT, timing="after_previous", after_s=10,
                         message="still waiting")
        e.queue_add_step("sales", "alert", after_s=60, message="nobody on",
                         skip_if_no_agents="logged_in")
        e.queue_add_step("sales", "overflow", after_s=120, to_queue="tier2")
        self.assertEqual(e.queue_step_count("sales"), 4)
        with self.assertRaises(OmniqError) as cm:
            e.queue_add_step("sales", "alert", after_s=1, skip_if_no_agents="sometimes")
        self.assertIn("sometimes", cm.exception.message)
        with self.assertRaises(OmniqError) as cm:
            e.queue_add_step("sales", "alert", after_s=1, skip_if_no_agents=7)
        self.assertIn("skip_if_no_agents", cm.exception.message)
        with self.assertRaises(OmniqError) as cm:
            e.queue_add_step("sales", "overflow", after_s=1, to_queue="sales")
        self.assertEqual(cm.exception.status, omniq.OQ_ESTATE)
        with self.assertRaises(OmniqError):
            e.queue_add_step("sales", "teleport")
        rec = Recorder()
        e.on_event = rec
        e.contact_arrive("c1", "voice", "sales", now_ms=0)
        e.advance(200_000)
        self.assertIn("escalated", rec.names("c1"))
        self.assertIn("alert", rec.names("c1"))
        self.assertIn("overflowed", rec.names("c1"))
        self.assertEqual(e.contact_get("c1").queue, "tier2")
        e.contact_remove("c1")
        e.queue_clear_steps("sales")
        self.assertEqual(e.queue_step_count("sales"), 0)

    def test_profiles_and_policies(self):
        e = self.e
        _support.small_center(e)
        e.queue_add("callbacks", outbound=True)
        e.queue_add_channel("callbacks", "voice")
        e.queue_set_blend("callbacks", "sl_above_target")
        with self.assertRaises(OmniqError) as cm:
            e.queue_set_blend("sales", omniq.OQ_BLEND_WHEN_IDLE)
        self.assertEqual(cm.exception.status, omniq.OQ_ESTATE)
        e.profile_add("p1")
        e.profile_set_queue("p1", "sales", 1, 0)
        e.profile_set_queue("p1", "callbacks", 2, 5.0)
        e.profile_set_channel("p1", "chat", 2, cross_channel=False)
        e.profile_set_options("p1", force_longest_waiting=True,
                              idle_measure=omniq.OQ_IDLE_LAST_INBOUND)
        e.agent_set_profile("alice", "p1")
        e.group_add("g")
        e.group_set_profile("g", "p1")
        with self.assertRaises(OmniqError) as cm:
            e.profile_remove("p1")
        self.assertEqual(cm.exception.status, omniq.OQ_ESTATE)
        e.agent_set_profile("alice", None)
        e.group_set_profile("g", None)
        e.profile_remove("p1")
        e.agent_set_policy("alice", max_no_answer=2, reject_delay_s=5)
        e.agent_set_policy("bob", max_per_window=3, window_s=60)
        with self.assertRaises(OmniqError) as cm:
            e.agent_set_policy("bob", max_per_window=3)  # window_s missing
        self.assertIn("window", cm.exception.message)
        e.check()


class Contacts(unittest.TestCase):
    def setUp(self):
        self.rec = Recorder()
        self.e = _support.small_center(Engine(on_event=self.rec), wrapup_s=10)

    def tearDown(self):
        self.e.close()

    def test_full_lifecycle_and_events(self):
        e, rec = self.e, self.rec
        e.agent_login("alice", now_ms=0)
        e.contact_arrive("c1", "voice", "sales", now_ms=1000, customer="cust-9", priority=3)
        info = e.contact_get("c1")
        self.assertEqual((info.state_name, info.agent, info.customer, info.priority),
                         ("offered", "alice", "cust-9", 3))
        e.offer_accept("c1", "alice", now_ms=4000)
        self.assertEqual(e.contact_get("c1").state, omniq.OQ_CONTACT_ACTIVE)
        e.contact_complete("c1", now_ms=180_000)
        self.assertEqual(e.agent_get("alice").state_name, "wrapup")
        self.assertEqual(e.next_deadline(), 190_000)
        e.advance(e.next_deadline())
        self.assertEqual(rec.names("c1"), ["contact_queued", "offered", "assigned",
                                           "wrapup_started", "completed"])
        assigned = [ev for ev in rec.events if ev.type == omniq.OQ_EV_ASSIGNED][0]
        self.assertEqual((assigned.time_ms, assigned.agent, assigned.queue, assigned.channel,
                          assigned.wait_ms), (4000, "alice", "sales", "voice", 3000))
        states = [(ev.prev_agent_state, ev.agent_state) for ev in rec.events
                  if ev.type == omniq.OQ_EV_AGENT_STATE]
        self.assertIn((omniq.OQ_AGENT_READY, omniq.OQ_AGENT_BUSY), states)
        self.assertIsInstance(assigned, omniq.Event)
        with self.assertRaises(OmniqError) as cm:
            e.contact_get("c1")  # forgotten
        self.assertEqual(cm.exception.status, omniq.OQ_ENOTFOUND)
        self.assertEqual(e.agent_get("alice").handled, 1)
        e.check()

    def test_reject_timeout_abandon_transfer_priority_remove(self):
        e, rec = self.e, self.rec
        e.queue_add("other")
        e.queue_add_channel("other", "voice")
        e.agent_login("alice", now_ms=0)
        e.agent_login("bob", now_ms=0)
        e.contact_arrive("c1", "voice", "sales", now_ms=100)
        first = e.contact_get("c1").agent
        e.offer_reject("c1", first, now_ms=200)
        second = e.contact_get("c1").agent
        self.assertNotEqual(first, second)
        self.assertEqual(e.contact_get("c1").n_rejected, 1)
        e.advance(200 + 20_000)  # offer timeout
        self.assertIn("offer_timeout", rec.names("c1"))
        self.assertEqual(e.contact_get("c1").state_name, "queued")
        pos, ewt = e.contact_position("c1")
        self.assertEqual(pos, 1)
        e.contact_set_priority("c1", 50)
        self.assertEqual(e.contact_get("c1").priority, 50)
        e.contact_transfer("c1", "other")
        self.assertIn("transferred", rec.names("c1"))
        self.assertEqual(e.contact_get("c1").queue, "other")
        e.contact_abandon("c1")
        self.assertIn("abandoned", rec.names("c1"))
        e.contact_arrive("c2", "chat", "sales", required_skills={"english": 2},
                         preferred_skills=[("english", 3)], deadline_ms=10 ** 9,
                         preferred_agent="bob", preferred_wait_s=5)
        e.contact_remove("c2")
        self.assertIn("removed", rec.names("c2"))
        with self.assertRaises(OmniqError) as cm:
            e.contact_arrive("c3", "voice", "sales", required_skills={"klingon": 1})
        self.assertEqual(cm.exception.status, omniq.OQ_ENOTFOUND)
        self.assertIn("klingon", cm.exception.message)
        with self.assertRaises(OmniqError):
            e.contact_arrive("c3", "voice", "sales", required_skills=[("english",)])
        with self.assertRaises(OmniqError):
            e.contact_arrive("c3", "voice", "sales", priority=10 ** 7)
        with self.assertRaises(OmniqError) as cm:
            e.offer_accept("nope", "alice")
        self.assertEqual(cm.exception.status, omniq.OQ_ENOTFOUND)
        self.assertEqual(e.counts().contacts, 0)
        e.check()

    def test_work_orders_history(self):
        e, rec = self.e, self.rec
        e.queue_add("tier2")
        e.queue_add_channel("tier2", "chat")
        e.agent_login("alice", now_ms=0)
        e.contact_arrive("t1", "chat", "sales", now_ms=0)
        e.offer_accept("t1", "alice", now_ms=10)
        e.contact_park("t1", "waiting for customer", now_ms=20)
        self.assertEqual(e.contact_get("t1").state_name, "parked")
        self.assertEqual(e.counts().contacts_parked, 1)
        e.contact_reopen("t1", None, 30, now_ms=1000)
        self.assertIn("reopened", rec.names("t1"))
        e.contact_escalate("t1", "tier2", "needs expert", now_ms=2000)
        e.agent_login("bob", now_ms=2100)
        e.contact_transfer_to_agent("t1", "bob", 10, now_ms=3000)
        self.assertEqual(e.contact_get("t1").agent, "bob")
        hist = e.contact_history("t1")
        self.assertGreaterEqual(len(hist), 4)
        self.assertIsInstance(hist[0], omniq.HistoryEntry)
        self.assertEqual(hist[0].time_ms, 0)
        self.assertIn("parked", [h.name for h in hist])
        self.assertIn("needs expert", [h.detail for h in hist])
        e.contact_remove("t1")
        e.check()

    def test_last_agent_routing(self):
        e = Engine(last_agent_max=10)
        _support.small_center(e)
        e.queue_update("sales", last_agent_window_s=3600, last_agent_wait_s=30)
        q = e.queue_get("sales")
        self.assertEqual((q.last_agent_window_s, q.last_agent_wait_s), (3600.0, 30.0))
        e.agent_login("alice", now_ms=0)
        e.contact_arrive("c1", "chat", "sales", customer="wx:42", now_ms=1000)
        self.assertEqual(e.contact_get("c1").agent, "alice")
        e.offer_accept("c1", "alice", now_ms=2000)
        e.contact_complete("c1", now_ms=3000)
        self.assertEqual(e.customer_last_agent("wx:42"), ("alice", 2000))
        self.assertIsNone(e.customer_last_agent("wx:43"))
        # alice is not ready: no reservation is made for her, bob gets it.
        e.agent_not_ready("alice", "break", now_ms=4000)
        e.agent_login("bob", now_ms=4000)
        e.contact_arrive("c2", "chat", "sales", customer="wx:42", now_ms=5000)
        info = e.contact_get("c2")
        self.assertEqual((info.preferred_agent, info.reserved_until_ms, info.agent),
                         ("alice", 0, "bob"))
        with self.assertRaises(OmniqError):
            Engine(last_agent_max=-1)
        e.close()

    def test_kept_place_callback(self):
        e = Engine()
        e.channel_add("voice", exclusive=True)
        e.channel_add("callback", exclusive=True)
        e.queue_add("sales", callback_channel="callback", limit_action="callback_keep_place",
                    max_length=2)
        e.queue_add_channel("sales", "voice")
        e.queue_add_channel("sales", "callback")
        e.agent_add("a")
        rec = Recorder()
        e.on_event = rec
        for i, t in enumerate((0, 1000, 2000)):
            e.contact_arrive(f"c{i}", "voice", "sales", now_ms=t)
        self.assertTrue(e.contact_get("c2").kept_place_callback)  # third: queue full
        e.contact_request_callback("c0", now_ms=3000)
        info = e.contact_get("c0")
        self.assertEqual((info.channel, info.queue, info.enqueued_ms, info.kept_place_callback),
                         ("callback", "sales", 0, True))
        self.assertIn("callback_queued", rec.names("c0"))
        with self.assertRaises(OmniqError) as cm:
            e.contact_request_callback("c0", now_ms=3000)
        self.assertEqual(cm.exception.status, omniq.OQ_ESTATE)
        e.agent_login("a", now_ms=4000)
        self.assertEqual(e.contact_get("c0").agent, "a")  # first by its place
        self.assertEqual(e.stats_queue("sales").callbacks_kept, 2)
        e.close()

    def test_end_wrapup(self):
        e = self.e
        e.agent_login("alice", now_ms=0)
        e.contact_arrive("c1", "voice", "sales", now_ms=0)
        e.offer_accept("c1", "alice", now_ms=1)
        e.contact_complete("c1", now_ms=2)
        e.agent_end_wrapup("alice", now_ms=3)
        self.assertEqual(e.agent_get("alice").state_name, "ready")
        with self.assertRaises(OmniqError) as cm:
            e.agent_end_wrapup("alice", now_ms=4)
        self.assertEqual(cm.exception.status, omniq.OQ_ESTATE)

    def test_now_ms_defaults_to_engine_clock(self):
        e = self.e
        e.advance(5000)
        e.agent_login("alice")
        self.assertEqual(e.agent_get("alice").state_since_ms, 5000)
        with self.assertRaises(OmniqError):
            e.agent_logout("alice", now_ms="later")
        with self.assertRaises(OmniqError):
            e.agent_logout("alice", now_ms=2 ** 63)


class Callbacks(unittest.TestCase):
    def test_callback_kept_alive(self):
        seen = []

        def make():
            return lambda ev: seen.append(ev.name)  # nothing else references it

        e = _support.small_center(Engine(on_event=make()))
        gc.collect()
        e.agent_login("alice", now_ms=0)
        e.contact_arrive("c1", "voice", "sales", now_ms=1)
        gc.collect()
        e.on_event = make()
        gc.collect()
        e.offer_accept("c1", "alice", now_ms=2)
        self.assertIn("offered", seen)
        self.assertIn("assigned", seen)
        e.close()

    def test_callback_error_modes(self):
        def bad(ev):
            raise ValueError(f"boom on {ev.name}")

        e = _support.small_center(Engine(on_event=bad))
        with self.assertRaises(omniq.CallbackError) as cm:
            e.agent_login("alice", now_ms=0)
        self.assertIsInstance(cm.exception.__cause__, ValueError)
        self.assertEqual(e.agent_get("alice").state_name, "ready")  # the call took effect
        with self.assertRaises(omniq.CallbackError) as cm:
            e.contact_arrive("c1", "voice", "sales", now_ms=1)
        self.assertGreaterEqual(len(cm.exception.errors), 2)  # queued + offered + state
        self.assertEqual(e.contact_get("c1").state_name, "offered")
        e.check()
        e.on_event = None
        e.offer_accept("c1", "alice", now_ms=2)  # nothing pending any more
        e.close()

        s = _support.small_center(Engine(on_event=bad, callback_errors="store"))
        s.agent_login("alice", now_ms=0)
        s.contact_arrive("c1", "voice", "sales", now_ms=1)
        self.assertGreaterEqual(len(s.callback_errors), 3)
        self.assertTrue(all(isinstance(x, ValueError) for x in s.callback_errors))
        s.check()
        s.close()

    def test_failing_call_carries_callback_errors(self):
        def bad(ev):
            raise KeyError(ev.name)

        e = _support.small_center(Engine())
        e.agent_login("alice", now_ms=0)
        e.contact_arrive("c1", "voice", "sales", now_ms=0)  # offered; times out at 20 s
        e.on_event = bad
        with self.assertRaises(OmniqError) as cm:
            # fires the offer time-out first (events -> callback raises), then
            # fails: alice is already logged in
            e.agent_login("alice", now_ms=30_000)
        self.assertEqual(cm.exception.status, omniq.OQ_ESTATE)
        self.assertTrue(cm.exception.callback_errors)
        self.assertIsInstance(cm.exception.callback_errors[0], KeyError)
        self.assertEqual(e.contact_get("c1").n_rejected, 1)
        e.on_event = None
        e.check()
        e.close()

    def test_mutating_from_callback_is_ebusy_reading_is_fine(self):
        e = _support.small_center(Engine())
        seen = {}

        def cb(ev):
            if ev.type == omniq.OQ_EV_OFFERED:
                seen["agent"] = e.agent_get(ev.agent).state_name
                seen["counts"] = e.counts().contacts
                seen["deadline"] = e.next_deadline()
                # (oq_engine_check is documented as callable here, but inside the
                # OFFERED callback it reports "reported state ready, derived busy":
                # the agent-state update is still pending. Reported upstream.)
                try:
                    e.offer_accept(ev.contact, ev.agent)
                except OmniqError as exc:
                    seen["busy"] = exc.status
                try:
                    e.close()
                except OmniqError as exc:
                    seen["close"] = exc.status

        e.on_event = cb
        e.agent_login("alice", now_ms=0)
        e.contact_arrive("c1", "voice", "sales", now_ms=1)
        self.assertEqual(seen["busy"], omniq.OQ_EBUSY)
        self.assertEqual(seen["close"], omniq.OQ_EBUSY)
        self.assertEqual(seen["counts"], 1)
        self.assertEqual(seen["deadline"], 1 + 20_000)
        self.assertFalse(e.closed)
        self.assertEqual(e.contact_get("c1").state_name, "offered")
        e.close()

    def test_engine_referenced_from_its_callback_is_collected(self):
        e = Engine()
        e.on_event = lambda ev: e.counts()  # cycle through the callback
        ref = weakref.ref(e)
        del e
        gc.collect()
        self.assertIsNone(ref())


class Optional(unittest.TestCase):
    """Modules not in the library yet raise NotImplementedError, clearly."""

    def check_missing(self, symbol, call):
        if _support.omniq._lib.has_symbol(symbol):
            self.skipTest(f"library has {symbol}")
        with self.assertRaises(NotImplementedError) as cm:
            call()
        self.assertIn(symbol, str(cm.exception))

    def test_simulate_file(self):
        self.check_missing("oq_scenario_load_file", lambda: omniq.simulate_file("x.yaml"))
        with self.assertRaises(OmniqError):
            omniq.simulate_file(42)
        with self.assertRaises(OmniqError):
            omniq.simulate(42, [])

    def test_snapshots(self):
        with Engine() as e:
            self.check_missing("oq_engine_snapshot", e.snapshot)
        self.check_missing("oq_engine_restore", lambda: Engine.restore(b""))

if __name__ == "__main__":
    unittest.main()
