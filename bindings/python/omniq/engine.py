# SPDX-License-Identifier: MIT
"""``omniq.Engine``: one contact center, wrapping ``oq_engine`` and its API.

Naming: every C function ``oq_<name>(engine, ...)`` is the method
``Engine.<name>(...)`` (``oq_agent_login`` -> ``Engine.agent_login``,
``oq_offer_accept`` -> ``Engine.offer_accept``). Ids come first; the host time
``now_ms`` is keyword-only and defaults to the engine's current clock.

Errors raise :class:`omniq.OmniqError` carrying the status and the engine's
last-error message. Calls are not thread-safe (like the C engine).

Events: the callback given as ``on_event`` (or assigned to
``Engine.on_event`` later) receives :class:`Event` objects synchronously,
during the engine call that caused them. It may call the read-only methods
(``*_get``, ``counts``, ``next_deadline``, ``check``); mutating methods raise
``OmniqError`` with status ``OQ_EBUSY`` there. An exception escaping the
callback never reaches C: it is stored, the engine finishes the call (every
event is still delivered) and then, with ``callback_errors="raise"`` (the
default), :class:`omniq.CallbackError` is raised from the engine call, its
``__cause__`` the first exception; with ``callback_errors="store"`` the
exceptions are appended to ``Engine.callback_errors`` instead.
"""

import ctypes
import os
from ctypes import byref, c_char_p, c_double, c_int32, c_int64, c_void_p
from dataclasses import dataclass
from typing import Optional

from . import _lib
from . import stats as _stats
from .constants import (OQ_EBUSY, OQ_EINVAL, OQ_LIMIT_CALLBACK, OQ_LIMIT_OVERFLOW,
                        OQ_LIMIT_REJECT, OQ_PERIOD_DAY, OQ_PERIOD_INTERVAL, OQ_PERIOD_WINDOW)
from .errors import (CallbackError, OmniqError, bad, from_bytes, status_str, to_bytes,
                     to_float, to_int, to_int64)

__all__ = ["Engine", "Event", "Counts", "ChannelInfo", "AgentInfo", "QueueInfo",
           "ContactInfo", "HistoryEntry", "event_type_name", "agent_state_name",
           "contact_state_name", "ordering_name", "strategy_name", "journal_action_name",
           "journal_record_seq"]

INT64_MAX = 2 ** 63 - 1
_ALL_PERIODS = (OQ_PERIOD_INTERVAL, OQ_PERIOD_WINDOW, OQ_PERIOD_DAY)


# ---- static names ----------------------------------------------------------------------

def event_type_name(t):
    return _lib.load().oq_event_type_name(to_int(t, "type")).decode()


def agent_state_name(s):
    return _lib.load().oq_agent_state_name(to_int(s, "state")).decode()


def contact_state_name(s):
    return _lib.load().oq_contact_state_name(to_int(s, "state")).decode()


def ordering_name(o):
    return _lib.load().oq_ordering_name(to_int(o, "ordering")).decode()


def strategy_name(s):
    return _lib.load().oq_strategy_name(to_int(s, "strategy")).decode()


# ---- value objects -------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """One engine event (a copy: safe to keep after the callback returns)."""
    type: int                 # OQ_EV_*
    name: str                 # oq_event_type_name(type): "offered", "assigned", ...
    time_ms: int
    contact: Optional[str]
    agent: Optional[str]
    queue: Optional[str]
    from_queue: Optional[str]
    channel: Optional[str]
    detail: Optional[str]
    agent_state: int
    prev_agent_state: int
    priority: int
    wait_ms: int


_EVENT_NAMES = {}


def _event_from_c(ev):
    t = ev.type
    name = _EVENT_NAMES.get(t)
    if name is None:
        name = _EVENT_NAMES[t] = _lib.load().oq_event_type_name(t).decode()
    return Event(t, name, ev.time_ms, from_bytes(ev.contact), from_bytes(ev.agent),
                 from_bytes(ev.queue), from_bytes(ev.from_queue), from_bytes(ev.channel),
                 from_bytes(ev.detail), ev.agent_state, ev.prev_agent_state, ev.priority,
                 ev.wait_ms)


@dataclass(frozen=True)
class Counts:
    channels: int
    skills: int
    groups: int
    agents: int
    queues: int
    contacts: int
    contacts_queued: int
    contacts_offered: int
    contacts_active: int
    contacts_wrapup: int
    timers: int
    contacts_parked: int


@dataclass(frozen=True)
class ChannelInfo:
    id: str
    synchronous: bool
    exclusive: bool
    capacity_cost: int
    max_per_agent: int


@dataclass(frozen=True)
class AgentInfo:
    id: str
    state: int
    state_name: str
    presence: int
    capacity: int
    used_capacity: int
    n_offered: int
    n_active: int
    n_wrapup: int
    n_skills: int
    state_since_ms: int
    idle_since_ms: int
    handled: int
    not_ready_reason: str


@dataclass(frozen=True)
class QueueInfo:
    id: str
    priority: int
    ordering: int
    strategy: int
    timeout_not_ready: bool
    sla_threshold_s: float
    sla_target: float
    offer_timeout_s: float
    wrapup_s: float
    aging_per_s: float
    max_length: int
    limit_action: int
    max_wait_s: float
    limit_queue: Optional[str]
    callback_channel: Optional[str]
    refuse_if_no_agents: bool
    outbound: bool
    default_aht_s: float
    deadline_warning_s: float
    n_channels: int
    n_required_skills: int
    n_preferred_skills: int
    n_groups: int
    waiting: int
    offered: int
    active: int
    eligible_agents: int


@dataclass(frozen=True)
class ContactInfo:
    id: str
    state: int
    state_name: str
    priority: int
    arrived_ms: int
    enqueued_ms: int
    deadline_ms: int
    n_rejected: int
    n_offers: int
    queue: Optional[str]
    channel: Optional[str]
    agent: Optional[str]
    customer: Optional[str]


@dataclass(frozen=True)
class HistoryEntry:
    type: int
    name: str
    time_ms: int
    queue: Optional[str]
    agent: Optional[str]
    detail: Optional[str]


# ---- spec filling -------------------------------------------------------------------------

_NAMED_VALUES = {
    "ordering": {"fifo": 0, "priority": 1, "deadline": 2},
    "strategy": {"longest_idle": 0, "least_occupied": 1, "best_skill": 2, "round_robin": 3,
                 "fewest_handled": 4, "random": 5},
    "limit_action": {"reject": OQ_LIMIT_REJECT, "overflow": OQ_LIMIT_OVERFLOW,
                     "callback": OQ_LIMIT_CALLBACK},
    "action": {"lower_level": 1, "drop_required": 2, "add_group": 3, "drop_preferred": 4,
               "raise_priority": 5, "overflow": 6, "alert": 7},
    "timing": {"after_entry": 0, "after_previous": 1},
}


def _new_spec(struct_type, init_name):
    """A C-initialised spec; checks the library agrees on its size."""
    spec = _lib.padded(struct_type)
    getattr(_lib.load(), init_name)(byref(spec))
    if spec.struct_size != ctypes.sizeof(struct_type):
        raise OmniqError(OQ_EINVAL, f"{struct_type.__name__}: the library's struct_size "
                         f"{spec.struct_size} differs from the binding's "
                         f"{ctypes.sizeof(struct_type)} (mismatched library version)",
                         init_name)
    return spec


def _fill(spec, values, function, skip=("struct_size",), rename=None):
    """Set spec fields from a dict of Python values, converting and checking each."""
    ftypes = dict(spec._fields_)
    for key, value in values.items():
        cname = (rename or {}).get(key, key)
        if cname in skip or cname not in ftypes:
            known = sorted(k for k in ftypes if k not in skip)
            raise bad(key, f"unknown field (known: {', '.join(known)})", function)
        ftype = ftypes[cname]
        if ftype is c_char_p:
            setattr(spec, cname, to_bytes(value, key, function, optional=True))
        elif ftype is c_double:
            setattr(spec, cname, to_float(value, key, function))
        elif ftype is c_int64:
            setattr(spec, cname, to_int64(value, key, function))
        else:  # int32 / uint32
            if isinstance(value, str) and cname in _NAMED_VALUES:
                table = _NAMED_VALUES[cname]
                if value not in table:
                    raise bad(key, f"unknown name {value!r} (known: {', '.join(table)})",
                              function)
                value = table[value]
            if isinstance(value, bool):
                value = int(value)
            setattr(spec, cname, to_int(value, key, function=function))


def _copy_fields(dst, src, skip=("struct_size",)):
    for name, _ in dst._fields_:
        if name not in skip:
            setattr(dst, name, getattr(src, name))


def _dataclass_from(dc, st, **extra):
    kw = dict(extra)
    for name in dc.__dataclass_fields__:
        if name in kw:
            continue
        v = getattr(st, name)
        if isinstance(v, bytes):
            v = from_bytes(v)
        kw[name] = v
    return dc(**kw)


_KINDS = {"channel": 1, "skill": 2, "group": 3, "profile": 4, "queue": 5, "agent": 6}


def _kind(kind, f):
    if isinstance(kind, str):
        if kind not in _KINDS:
            raise bad("kind", f"unknown kind {kind!r} (known: {', '.join(_KINDS)})", f)
        return _KINDS[kind]
    return to_int(kind, "kind", function=f)


# ---- the event trampoline ---------------------------------------------------------------------

class _Dispatcher:
    """Called by C for every event; holds the Python callback, never the Engine
    (so dropping the last reference to an Engine destroys it at once)."""

    __slots__ = ("callback", "errors")

    def __init__(self, callback):
        self.callback = callback
        self.errors = []

    def __call__(self, ev_ptr, _user):
        cb = self.callback
        if cb is None:
            return
        try:
            cb(_event_from_c(ev_ptr.contents))
        except BaseException as exc:  # never let an exception unwind into C
            self.errors.append(exc)


_CALLBACK_MODES = ("raise", "store")


class Engine:
    """An omniq engine: one contact center.

    ``Engine(on_event=None, *, seed=1, start_ms=0, abandon_resume_s=0.0,
    callback_errors="raise")``. Destroyed by :meth:`close`, by leaving a
    ``with`` block, or when the object is collected.
    """

    _owned = True
    replication_seed = None  # set on the engine a simulate() build callback receives

    def __init__(self, on_event=None, *, seed=1, start_ms=0, abandon_resume_s=0.0,
                 callback_errors="raise"):
        self._ptr = None
        self._depth = 0
        self._setup(on_event, callback_errors)
        opts = self._options(seed, start_ms, abandon_resume_s)
        out = c_void_p()
        st = self._lib.oq_engine_create(byref(opts), byref(out))
        if st != 0:
            raise OmniqError(st, status_str(st), "oq_engine_create")
        self._ptr = out

    def _setup(self, on_event, callback_errors):
        if on_event is not None and not callable(on_event):
            raise bad("on_event", "must be callable or None", "Engine")
        if callback_errors not in _CALLBACK_MODES:
            raise bad("callback_errors", f"must be one of {_CALLBACK_MODES}", "Engine")
        self._lib = _lib.load()
        self._dispatch = _Dispatcher(on_event)
        self._cfunc = _lib.oq_event_fn(self._dispatch)  # kept alive as long as the engine
        self._callback_mode = callback_errors
        self.callback_errors = []

    def _options(self, seed, start_ms, abandon_resume_s):
        f = "oq_engine_create"
        opts = _new_spec(_lib.oq_engine_options, "oq_engine_options_init")
        opts.on_event = self._cfunc
        opts.seed = to_int(seed, "seed", 0, 2 ** 64 - 1, f)
        opts.start_ms = to_int64(start_ms, "start_ms", f)
        opts.abandon_resume_s = to_float(abandon_resume_s, "abandon_resume_s", f)
        return opts

    # ---- YAML configuration (omniq/config.h; in newer libraries) -----------------------------

    @classmethod
    def from_yaml(cls, text, on_event=None, *, name=None, **kwargs):
        """Create an engine from a YAML configuration given as a string
        (``oq_config_load_buffer``; docs/config.md has the format). ``name``
        is used in error messages. ``seed``, ``start_ms`` and
        ``abandon_resume_s`` may be given as for ``Engine()``; the file's
        ``engine:`` section overrides them. A failed load raises OmniqError
        (OQ_ECONFIG) whose message is ``name:line:column: what``, with
        ``.line``, ``.column`` and ``.path`` attributes. Raises
        NotImplementedError if the loaded libomniq has no configuration module."""
        f = "oq_config_load_buffer"
        data = to_bytes(text, "text", f)
        nm = to_bytes(name, "name", f, optional=True)
        return cls._from_config(f, (data, len(data), nm), on_event, kwargs)

    @classmethod
    def from_yaml_file(cls, path, on_event=None, **kwargs):
        """Create an engine from a YAML configuration file (``oq_config_load_file``)."""
        f = "oq_config_load_file"
        try:
            path = os.fspath(path)
        except TypeError:
            raise bad("path", f"expected a path, got {type(path).__name__}", f) from None
        return cls._from_config(f, (to_bytes(path, "path", f),), on_event, kwargs)

    @classmethod
    def _from_config(cls, fname, args, on_event, kwargs):
        lib = _lib.load()
        if not hasattr(lib, fname):
            raise NotImplementedError(
                f"Engine.from_yaml: the loaded libomniq ({_lib.library_path()}) has no "
                f"configuration module ({fname}, omniq/config.h); build a newer libomniq")
        mode = kwargs.pop("callback_errors", "raise")
        opt_values = {k: kwargs.pop(k) for k in ("seed", "start_ms", "abandon_resume_s")
                      if k in kwargs}
        if kwargs:
            raise bad(next(iter(kwargs)), "unknown option", fname)
        self = cls.__new__(cls)
        self._ptr = None
        self._depth = 0
        self._setup(on_event, mode)
        opts = self._options(opt_values.get("seed", 1), opt_values.get("start_ms", 0),
                             opt_values.get("abandon_resume_s", 0.0))
        err = _lib.padded(_lib.oq_config_error)
        out = c_void_p()
        st = getattr(lib, fname)(byref(opts), *args, byref(out), byref(err))
        if st != 0:
            exc = OmniqError(st, from_bytes(err.message) or status_str(st), fname)
            exc.line, exc.column, exc.path = err.line, err.column, from_bytes(err.path)
            exc.callback_errors = self._take_callback_errors()
            raise exc
        self._ptr = out
        return self

    def _config_symbol(self, name):
        if not _lib.has_symbol(name):
            raise NotImplementedError(
                f"Engine: the loaded libomniq ({_lib.library_path()}) has no configuration "
                f"module ({name}, omniq/config.h); build a newer libomniq")

    def config_dump(self):
        """The engine's configuration as YAML text (``oq_config_dump``)."""
        f = "oq_config_dump"
        self._config_symbol(f)
        text, n = c_void_p(), ctypes.c_size_t()
        self._call(f, byref(text), byref(n))
        try:
            return ctypes.string_at(text, n.value).decode("utf-8", "surrogateescape")
        finally:
            self._lib.oq_free(text)

    def config_count(self, kind):
        """Number of objects of ``kind`` (OQ_KIND_* or "channel", "skill",
        "group", "profile", "queue", "agent")."""
        f = "oq_config_count"
        self._config_symbol(f)
        n = c_int32()
        self._call(f, _kind(kind, f), byref(n))
        return n.value

    def config_ids(self, kind):
        """The ids of every object of ``kind``, in creation order."""
        f = "oq_config_id"
        self._config_symbol(f)
        k = _kind(kind, f)
        out = []
        for i in range(self.config_count(k)):
            p = c_char_p()
            self._call(f, k, i, byref(p))
            out.append(from_bytes(p.value))
        return out

    # ---- lifecycle ----------------------------------------------------------------------------

    def close(self):
        """Destroy the engine (once; later calls do nothing). Not from a callback.
        A borrowed engine (``owned`` False: the simulator's) is only detached:
        this object stops using it, and the C engine is left to its owner."""
        if getattr(self, "_ptr", None) is None:
            return
        if self._depth > 0:
            raise OmniqError(OQ_EBUSY, "close() called from inside an event callback",
                             "oq_engine_destroy")
        ptr, self._ptr = self._ptr, None
        if self._owned:
            self._lib.oq_engine_destroy(ptr)

    @classmethod
    def _borrow(cls, ptr, callback_errors="raise"):
        """A non-owning Engine over an engine pointer owned by someone else
        (the simulator). close() / collection never destroy it."""
        self = cls.__new__(cls)
        self._ptr = None
        self._depth = 0
        self._owned = False
        self._setup(None, callback_errors)
        self._ptr = c_void_p(ptr) if not isinstance(ptr, c_void_p) else ptr
        return self

    @property
    def owned(self):
        """False for a borrowed engine (the one a simulate() build callback gets)."""
        return self._owned

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def closed(self):
        return self._ptr is None

    @property
    def on_event(self):
        return self._dispatch.callback

    @on_event.setter
    def on_event(self, callback):
        if callback is not None and not callable(callback):
            raise bad("on_event", "must be callable or None", "Engine.on_event")
        self._dispatch.callback = callback

    def __repr__(self):
        if self._ptr is None:
            return "<omniq.Engine closed>"
        if not self._owned:
            return f"<omniq.Engine borrowed now_ms={self.now()} {self.counts()}>"
        return f"<omniq.Engine now_ms={self.now()} {self.counts()}>"

    # ---- calling C --------------------------------------------------------------------------

    def _handle(self, function):
        if self._ptr is None:
            raise OmniqError(OQ_EINVAL, "the engine is closed", function)
        return self._ptr

    def _call(self, name, *args):
        ptr = self._handle(name)
        self._depth += 1
        try:
            st = getattr(self._lib, name)(ptr, *args)
        finally:
            self._depth -= 1
        if st != 0:
            msg = from_bytes(self._lib.oq_engine_last_error(ptr)) or status_str(st)
            err = OmniqError(st, msg, name)
            if self._depth == 0:
                err.callback_errors = self._take_callback_errors()
                if self._callback_mode == "store":
                    self.callback_errors.extend(err.callback_errors)
            raise err
        if self._depth == 0 and self._dispatch.errors:
            errors = self._take_callback_errors()
            if self._callback_mode == "store":
                self.callback_errors.extend(errors)
            else:
                raise CallbackError(errors) from errors[0]

    def _take_callback_errors(self):
        errors, self._dispatch.errors = self._dispatch.errors, []
        return errors

    def _now(self, now_ms, function):
        if now_ms is None:
            return self.now()
        return to_int64(now_ms, "now_ms", function)

    # ---- engine -------------------------------------------------------------------------------

    @property
    def last_error(self):
        """The message of the last failed call on this engine ("" if none)."""
        return from_bytes(self._lib.oq_engine_last_error(self._handle("oq_engine_last_error")))

    def now(self):
        """The engine's clock, ms."""
        v = c_int64()
        self._call("oq_engine_now", byref(v))
        return v.value

    def next_deadline(self):
        """Due time of the earliest pending timer, or None when none is pending."""
        v = c_int64()
        self._call("oq_engine_next_deadline", byref(v))
        return None if v.value == INT64_MAX else v.value

    def advance(self, now_ms):
        """Move the clock to now_ms, firing every timer due by then."""
        self._call("oq_engine_advance", to_int64(now_ms, "now_ms", "oq_engine_advance"))

    def check(self):
        """Verify every internal invariant; OmniqError(OQ_ECORRUPT) if one fails."""
        self._call("oq_engine_check")

    def counts(self):
        out = _lib.padded(_lib.oq_engine_counts)
        self._call("oq_engine_get_counts", byref(out))
        return _dataclass_from(Counts, out)

    # ---- channels -----------------------------------------------------------------------------

    def channel_add(self, id, /, **fields):
        """Add a channel. Fields: synchronous, exclusive, capacity_cost, max_per_agent."""
        f = "oq_channel_add"
        spec = _new_spec(_lib.oq_channel_spec, "oq_channel_spec_init")
        _fill(spec, fields, f, skip=("struct_size", "id"))
        spec.id = to_bytes(id, "id", f)
        self._call(f, byref(spec))

    def channel_update(self, id, /, **changes):
        """Change some of a channel's settings (the others keep their values)."""
        f = "oq_channel_update"
        cur = _lib.padded(_lib.oq_channel_spec)
        key = to_bytes(id, "id", f)
        self._call("oq_channel_get", key, byref(cur))
        spec = _new_spec(_lib.oq_channel_spec, "oq_channel_spec_init")
        _copy_fields(spec, cur)
        spec.id = key
        _fill(spec, changes, f, skip=("struct_size", "id"))
        self._call(f, byref(spec))

    def channel_remove(self, id):
        self._call("oq_channel_remove", to_bytes(id, "id", "oq_channel_remove"))

    def channel_get(self, id):
        out = _lib.padded(_lib.oq_channel_spec)
        self._call("oq_channel_get", to_bytes(id, "id", "oq_channel_get"), byref(out))
        return ChannelInfo(from_bytes(out.id), bool(out.synchronous), bool(out.exclusive),
                           out.capacity_cost, out.max_per_agent)

    # ---- skills and groups --------------------------------------------------------------------

    def skill_add(self, id, max_level=1):
        f = "oq_skill_add"
        self._call(f, to_bytes(id, "id", f), to_int(max_level, "max_level", function=f))

    def skill_remove(self, id):
        self._call("oq_skill_remove", to_bytes(id, "id", "oq_skill_remove"))

    def skill_get(self, id):
        """The skill's max level."""
        v = c_int32()
        self._call("oq_skill_get", to_bytes(id, "id", "oq_skill_get"), byref(v))
        return v.value

    def group_add(self, id):
        self._call("oq_group_add", to_bytes(id, "id", "oq_group_add"))

    def group_remove(self, id):
        self._call("oq_group_remove", to_bytes(id, "id", "oq_group_remove"))

    # ---- agents -------------------------------------------------------------------------------

    def _agent_op(self, f, agent, now_ms, *rest):
        self._call(f, self._now(now_ms, f), to_bytes(agent, "agent", f), *rest)

    def agent_add(self, id, capacity=100):
        f = "oq_agent_add"
        self._call(f, to_bytes(id, "id", f), to_int(capacity, "capacity", function=f))

    def agent_remove(self, id):
        self._call("oq_agent_remove", to_bytes(id, "id", "oq_agent_remove"))

    def agent_set_capacity(self, agent, capacity):
        f = "oq_agent_set_capacity"
        self._call(f, to_bytes(agent, "agent", f), to_int(capacity, "capacity", function=f))

    def agent_set_skill(self, agent, skill, level, *, now_ms=None):
        f = "oq_agent_set_skill"
        self._agent_op(f, agent, now_ms, to_bytes(skill, "skill", f),
                       to_int(level, "level", function=f))

    def agent_set_channel_limit(self, agent, channel, max_items, *, now_ms=None):
        f = "oq_agent_set_channel_limit"
        self._agent_op(f, agent, now_ms, to_bytes(channel, "channel", f),
                       to_int(max_items, "max_items", function=f))

    def agent_join_group(self, agent, group, *, now_ms=None):
        f = "oq_agent_join_group"
        self._agent_op(f, agent, now_ms, to_bytes(group, "group", f))

    def agent_leave_group(self, agent, group, *, now_ms=None):
        f = "oq_agent_leave_group"
        self._agent_op(f, agent, now_ms, to_bytes(group, "group", f))

    def agent_login(self, agent, ready=True, *, now_ms=None):
        f = "oq_agent_login"
        self._agent_op(f, agent, now_ms, 1 if ready else 0)

    def agent_ready(self, agent, *, now_ms=None):
        self._agent_op("oq_agent_ready", agent, now_ms)

    def agent_not_ready(self, agent, reason=None, *, now_ms=None):
        f = "oq_agent_not_ready"
        self._agent_op(f, agent, now_ms, to_bytes(reason, "reason", f, optional=True))

    def agent_logout(self, agent, *, now_ms=None):
        self._agent_op("oq_agent_logout", agent, now_ms)

    def agent_end_wrapup(self, agent, *, now_ms=None):
        self._agent_op("oq_agent_end_wrapup", agent, now_ms)

    def agent_get(self, id):
        out = _lib.padded(_lib.oq_agent_info)
        self._call("oq_agent_get", to_bytes(id, "id", "oq_agent_get"), byref(out))
        return _dataclass_from(AgentInfo, out, id=id if isinstance(id, str) else from_bytes(id),
                               state_name=agent_state_name(out.state),
                               not_ready_reason=from_bytes(out.not_ready_reason) or "")

    def agent_get_skill(self, agent, skill):
        """The agent's level in skill (0 if it lacks it)."""
        f = "oq_agent_get_skill"
        v = c_int32()
        self._call(f, to_bytes(agent, "agent", f), to_bytes(skill, "skill", f), byref(v))
        return v.value

    def agent_set_profile(self, agent, profile, *, now_ms=None):
        """Give the agent a routing profile; None removes it."""
        f = "oq_agent_set_profile"
        self._agent_op(f, agent, now_ms, to_bytes(profile, "profile", f, optional=True))

    def agent_set_policy(self, agent, /, *, now_ms=None, **policy):
        """Fields: max_no_answer, max_per_window, window_s, reject_delay_s,
        no_answer_delay_s (all 0 = off; unspecified fields are 0)."""
        f = "oq_agent_set_policy"
        spec = _new_spec(_lib.oq_agent_policy, "oq_agent_policy_init")
        _fill(spec, policy, f)
        self._agent_op(f, agent, now_ms, byref(spec))

    # ---- queues ---------------------------------------------------------------------------------

    def queue_add(self, id, /, **fields):
        """Add a queue. Fields are those of oq_queue_spec (priority, ordering,
        strategy, sla_threshold_s, sla_target, offer_timeout_s, wrapup_s, ...);
        ordering / strategy / limit_action also accept their names ("priority",
        "best_skill", "overflow")."""
        f = "oq_queue_add"
        spec = _new_spec(_lib.oq_queue_spec, "oq_queue_spec_init")
        _fill(spec, fields, f, skip=("struct_size", "id"))
        spec.id = to_bytes(id, "id", f)
        self._call(f, byref(spec))

    def queue_update(self, id, /, *, now_ms=None, **changes):
        """Change some of a queue's settings (the others keep their values)."""
        f = "oq_queue_update"
        key = to_bytes(id, "id", f)
        cur = _lib.padded(_lib.oq_queue_info)
        self._call("oq_queue_get", key, byref(cur))
        spec = _new_spec(_lib.oq_queue_spec, "oq_queue_spec_init")
        _copy_fields(spec, cur.spec)
        spec.id = key
        _fill(spec, changes, f, skip=("struct_size", "id"))
        self._call(f, self._now(now_ms, f), byref(spec))

    def queue_remove(self, id):
        self._call("oq_queue_remove", to_bytes(id, "id", "oq_queue_remove"))

    def _queue_op(self, f, queue, now_ms, *rest):
        self._call(f, self._now(now_ms, f), to_bytes(queue, "queue", f), *rest)

    def queue_add_channel(self, queue, channel, *, now_ms=None):
        f = "oq_queue_add_channel"
        self._queue_op(f, queue, now_ms, to_bytes(channel, "channel", f))

    def queue_remove_channel(self, queue, channel, *, now_ms=None):
        f = "oq_queue_remove_channel"
        self._queue_op(f, queue, now_ms, to_bytes(channel, "channel", f))

    def queue_require_skill(self, queue, skill, min_level, *, now_ms=None):
        f = "oq_queue_require_skill"
        self._queue_op(f, queue, now_ms, to_bytes(skill, "skill", f),
                       to_int(min_level, "min_level", function=f))

    def queue_prefer_skill(self, queue, skill, min_level, *, now_ms=None):
        f = "oq_queue_prefer_skill"
        self._queue_op(f, queue, now_ms, to_bytes(skill, "skill", f),
                       to_int(min_level, "min_level", function=f))

    def queue_add_group(self, queue, group, *, now_ms=None):
        f = "oq_queue_add_group"
        self._queue_op(f, queue, now_ms, to_bytes(group, "group", f))

    def queue_remove_group(self, queue, group, *, now_ms=None):
        f = "oq_queue_remove_group"
        self._queue_op(f, queue, now_ms, to_bytes(group, "group", f))

    def queue_get(self, id):
        out = _lib.padded(_lib.oq_queue_info)
        self._call("oq_queue_get", to_bytes(id, "id", "oq_queue_get"), byref(out))
        spec_fields = {name for name, _ in _lib.oq_queue_spec._fields_}
        kw = {}
        for name in QueueInfo.__dataclass_fields__:
            v = getattr(out.spec if name in spec_fields else out, name)
            if name in ("id", "limit_queue", "callback_channel"):
                v = from_bytes(v)
            elif name in ("timeout_not_ready", "refuse_if_no_agents", "outbound"):
                v = bool(v)
            kw[name] = v
        return QueueInfo(**kw)

    def queue_add_step(self, queue, action, /, *, now_ms=None, **step):
        """Append an escalation step. ``action`` is OQ_STEP_* or its name
        ("lower_level", "drop_required", "add_group", "drop_preferred",
        "raise_priority", "overflow", "alert"). Fields: timing ("after_entry" /
        "after_previous"), after_s, skill, level, priority, group, to_queue
        (the OVERFLOW target), message, skip_if_no_agents, when_ewt_above_s,
        when_sl_below."""
        f = "oq_queue_add_step"
        spec = _new_spec(_lib.oq_escalation_step, "oq_escalation_step_init")
        if "queue" in step:
            raise bad("queue", "use to_queue= for the overflow target", f)
        _fill(spec, dict(step, action=action), f, rename={"to_queue": "queue"})
        self._queue_op(f, queue, now_ms, byref(spec))

    def queue_clear_steps(self, queue, *, now_ms=None):
        self._queue_op("oq_queue_clear_steps", queue, now_ms)

    def queue_step_count(self, queue):
        f = "oq_queue_step_count"
        v = c_int32()
        self._call(f, to_bytes(queue, "queue", f), byref(v))
        return v.value

    def queue_ewt(self, queue):
        """Estimated wait (s) of a contact arriving now; math.inf with no agents."""
        f = "oq_queue_ewt"
        v = c_double()
        self._call(f, to_bytes(queue, "queue", f), byref(v))
        return v.value

    def queue_set_blend(self, queue, rule, *, now_ms=None):
        f = "oq_queue_set_blend"
        if isinstance(rule, str):
            table = {"when_idle": 0, "sl_above_target": 1}
            if rule not in table:
                raise bad("rule", f"unknown blend rule {rule!r}", f)
            rule = table[rule]
        self._queue_op(f, queue, now_ms, to_int(rule, "rule", function=f))

    # ---- routing profiles --------------------------------------------------------------------

    def profile_add(self, id):
        self._call("oq_profile_add", to_bytes(id, "id", "oq_profile_add"))

    def profile_remove(self, id):
        self._call("oq_profile_remove", to_bytes(id, "id", "oq_profile_remove"))

    def profile_set_queue(self, profile, queue, priority, delay_s=0.0, *, now_ms=None):
        f = "oq_profile_set_queue"
        self._call(f, self._now(now_ms, f), to_bytes(profile, "profile", f),
                   to_bytes(queue, "queue", f), to_int(priority, "priority", function=f),
                   to_float(delay_s, "delay_s", f))

    def profile_set_channel(self, profile, channel, max_items=-1, cross_channel=True, *,
                            now_ms=None):
        f = "oq_profile_set_channel"
        self._call(f, self._now(now_ms, f), to_bytes(profile, "profile", f),
                   to_bytes(channel, "channel", f), to_int(max_items, "max_items", function=f),
                   1 if cross_channel else 0)

    def profile_set_options(self, profile, force_longest_waiting=False, idle_measure=0, *,
                            now_ms=None):
        f = "oq_profile_set_options"
        self._call(f, self._now(now_ms, f), to_bytes(profile, "profile", f),
                   1 if force_longest_waiting else 0,
                   to_int(idle_measure, "idle_measure", function=f))

    def group_set_profile(self, group, profile, *, now_ms=None):
        f = "oq_group_set_profile"
        self._call(f, self._now(now_ms, f), to_bytes(group, "group", f),
                   to_bytes(profile, "profile", f, optional=True))

    # ---- contacts ---------------------------------------------------------------------------------

    @staticmethod
    def _skill_arrays(skills, what, f, keep):
        if not skills:
            return 0, None, None
        try:
            pairs = list(skills.items()) if isinstance(skills, dict) else list(skills)
        except TypeError:
            raise bad(what, "expected a dict {skill: level} or (skill, level) pairs",
                      f) from None
        if isinstance(skills, (str, bytes)):
            raise bad(what, "expected a dict {skill: level} or (skill, level) pairs", f)
        names, levels = [], []
        for item in pairs:
            try:
                name, level = item
            except (TypeError, ValueError):
                raise bad(what, "expected a dict {skill: level} or (skill, level) pairs",
                          f) from None
            names.append(to_bytes(name, what, f))
            levels.append(to_int(level, what + " level", function=f))
        if len(names) > 10000:
            raise bad(what, "too many skills", f)
        n = len(names)
        arr_n = (c_char_p * n)(*names)
        arr_l = (c_int32 * n)(*levels)
        keep.extend((names, arr_n, arr_l))
        return n, ctypes.cast(arr_n, ctypes.POINTER(c_char_p)), \
            ctypes.cast(arr_l, ctypes.POINTER(c_int32))

    def contact_arrive(self, id, channel, queue, *, now_ms=None, customer=None,
                       preferred_agent=None, priority=0, required_skills=None,
                       preferred_skills=None, deadline_ms=0, preferred_wait_s=0.0):
        """A contact arrives. Skills are {skill: min_level} dicts (or pairs)."""
        f = "oq_contact_arrive"
        keep = []
        spec = _new_spec(_lib.oq_contact_spec, "oq_contact_spec_init")
        spec.id = to_bytes(id, "id", f)
        spec.channel = to_bytes(channel, "channel", f)
        spec.queue = to_bytes(queue, "queue", f)
        spec.customer = to_bytes(customer, "customer", f, optional=True)
        spec.preferred_agent = to_bytes(preferred_agent, "preferred_agent", f, optional=True)
        spec.priority = to_int(priority, "priority", function=f)
        n, names, levels = self._skill_arrays(required_skills, "required_skills", f, keep)
        spec.n_required, spec.required_skills, spec.required_levels = n, names, levels
        n, names, levels = self._skill_arrays(preferred_skills, "preferred_skills", f, keep)
        spec.n_preferred, spec.preferred_skills, spec.preferred_levels = n, names, levels
        spec.deadline_ms = to_int64(deadline_ms, "deadline_ms", f)
        spec.preferred_wait_s = to_float(preferred_wait_s, "preferred_wait_s", f)
        self._call(f, self._now(now_ms, f), byref(spec))
        del keep

    def _contact_op(self, f, contact, now_ms, *rest):
        self._call(f, self._now(now_ms, f), to_bytes(contact, "contact", f), *rest)

    def offer_accept(self, contact, agent, *, now_ms=None):
        f = "oq_offer_accept"
        self._contact_op(f, contact, now_ms, to_bytes(agent, "agent", f))

    def offer_reject(self, contact, agent, *, now_ms=None):
        f = "oq_offer_reject"
        self._contact_op(f, contact, now_ms, to_bytes(agent, "agent", f))

    def contact_abandon(self, contact, *, now_ms=None):
        self._contact_op("oq_contact_abandon", contact, now_ms)

    def contact_complete(self, contact, *, now_ms=None):
        self._contact_op("oq_contact_complete", contact, now_ms)

    def contact_transfer(self, contact, queue, *, now_ms=None):
        f = "oq_contact_transfer"
        self._contact_op(f, contact, now_ms, to_bytes(queue, "queue", f))

    def contact_set_priority(self, contact, priority, *, now_ms=None):
        f = "oq_contact_set_priority"
        self._contact_op(f, contact, now_ms, to_int(priority, "priority", function=f))

    def contact_park(self, contact, reason=None, *, now_ms=None):
        f = "oq_contact_park"
        self._contact_op(f, contact, now_ms, to_bytes(reason, "reason", f, optional=True))

    def contact_reopen(self, contact, queue=None, owner_wait_s=0.0, *, now_ms=None):
        f = "oq_contact_reopen"
        self._contact_op(f, contact, now_ms, to_bytes(queue, "queue", f, optional=True),
                         to_float(owner_wait_s, "owner_wait_s", f))

    def contact_escalate(self, contact, queue, reason=None, *, now_ms=None):
        f = "oq_contact_escalate"
        self._contact_op(f, contact, now_ms, to_bytes(queue, "queue", f),
                         to_bytes(reason, "reason", f, optional=True))

    def contact_transfer_to_agent(self, contact, agent, wait_s, *, now_ms=None):
        f = "oq_contact_transfer_to_agent"
        self._contact_op(f, contact, now_ms, to_bytes(agent, "agent", f),
                         to_float(wait_s, "wait_s", f))

    def contact_remove(self, contact, *, now_ms=None):
        self._contact_op("oq_contact_remove", contact, now_ms)

    def contact_get(self, id):
        out = _lib.padded(_lib.oq_contact_info)
        self._call("oq_contact_get", to_bytes(id, "id", "oq_contact_get"), byref(out))
        return _dataclass_from(ContactInfo, out, id=id if isinstance(id, str) else from_bytes(id),
                               state_name=contact_state_name(out.state))

    def contact_history(self, contact):
        """The contact's history, oldest first, as a list of HistoryEntry."""
        f = "oq_contact_history_count"
        key = to_bytes(contact, "contact", f)
        n = c_int32()
        self._call(f, key, byref(n))
        entries = []
        for i in range(n.value):
            h = _lib.padded(_lib.oq_history_entry)
            self._call("oq_contact_history_get", key, i, byref(h))
            entries.append(HistoryEntry(h.type, event_type_name(h.type), h.time_ms,
                                        from_bytes(h.queue), from_bytes(h.agent),
                                        from_bytes(h.detail)))
        return entries

    def contact_position(self, contact):
        """(position, ewt_s) of a QUEUED contact."""
        f = "oq_contact_position"
        pos, ewt = c_int32(), c_double()
        self._call(f, to_bytes(contact, "contact", f), byref(pos), byref(ewt))
        return pos.value, ewt.value

    # ---- statistics (omniq/stats.h) -------------------------------------------------------

    def _stats_symbol(self, symbol):
        if not hasattr(self._lib, symbol):
            self._missing(symbol.replace("oq_", "", 1) + "()", symbol,
                          "statistics module (omniq/stats.h)")

    def stats_configure(self, *, now_ms=None, **options):
        """Configure statistics (oq_stats_configure) and start collecting afresh.

        Options (the fields of oq_stats_options; unspecified ones take the C
        defaults of oq_stats_options_init, not the values in force):
        ``interval_s`` (900), ``window_s`` (1800), ``window_bucket_s`` (60),
        ``short_abandon_s`` (5), ``ring_size`` (96), ``wait_bounds_s`` (a
        sequence of at most 16 strictly increasing bounds; default 10, 20, 30,
        60, 120, 300). Allowed only while the engine holds no contact.
        ``now_ms`` is accepted for symmetry and ignored (collection restarts at
        the engine's clock)."""
        f = "oq_stats_configure"
        self._stats_symbol(f)
        spec = _new_spec(_lib.oq_stats_options, "oq_stats_options_init")
        bounds = options.pop("wait_bounds_s", None)
        for key in ("n_wait_bounds", "reserved"):
            if key in options:
                raise bad(key, "unknown field (give wait_bounds_s as a sequence)", f)
        _fill(spec, options, f)
        if bounds is not None:
            try:
                bounds = list(bounds)
            except TypeError:
                raise bad("wait_bounds_s", "expected a sequence of numbers", f) from None
            if len(bounds) > _lib.OQ_STATS_BOUNDS_MAX:
                raise bad("wait_bounds_s", f"at most {_lib.OQ_STATS_BOUNDS_MAX} bounds", f)
            spec.n_wait_bounds = len(bounds)
            for i, b in enumerate(bounds):
                spec.wait_bounds_s[i] = to_float(b, f"wait_bounds_s[{i}]", f)
        self._call(f, byref(spec))

    def stats_options(self):
        """The statistics options in force, as omniq.stats.StatsOptions."""
        f = "oq_stats_get_options"
        self._stats_symbol(f)
        out = _lib.padded(_lib.oq_stats_options)
        self._call(f, byref(out))
        return _stats.options_from_c(out)

    def stats_reset_day(self, *, now_ms=None):
        """Start a new statistics day at now_ms (oq_stats_reset_day)."""
        f = "oq_stats_reset_day"
        self._stats_symbol(f)
        self._call(f, self._now(now_ms, f))

    def _stats_read(self, f, scope, key, period, allowed):
        self._stats_symbol(f)
        p = _stats.period_value(period, f, allowed)
        out = _lib.padded(_lib.oq_queue_stats)
        if scope == "center":
            self._call(f, p, byref(out))
            return _stats.queue_stats_from_c(out, scope, None)
        data = to_bytes(key, scope, f)
        self._call(f, data, p, byref(out))
        return _stats.queue_stats_from_c(out, scope, from_bytes(data))

    def stats_queue(self, queue, period="day"):
        """A queue's figures for ``period`` ("day", "interval", "window" or
        OQ_PERIOD_*) as omniq.stats.QueueStats (oq_stats_queue)."""
        return self._stats_read("oq_stats_queue", "queue", queue, period, _ALL_PERIODS)

    def stats_channel(self, channel, period="day"):
        """A channel's figures (oq_stats_channel); see stats_queue."""
        return self._stats_read("oq_stats_channel", "channel", channel, period, _ALL_PERIODS)

    def stats_center(self, period="day"):
        """The whole center's figures (oq_stats_center); see stats_queue."""
        return self._stats_read("oq_stats_center", "center", None, period, _ALL_PERIODS)

    def stats(self, queue=None, period="day"):
        """Shorthand: stats_queue(queue, period), or stats_center(period) without a queue."""
        if queue is None:
            return self.stats_center(period)
        return self.stats_queue(queue, period)

    def stats_interval_count(self):
        """Number of closed intervals kept (oq_stats_interval_count)."""
        f = "oq_stats_interval_count"
        self._stats_symbol(f)
        n = c_int32()
        self._call(f, byref(n))
        return n.value

    def stats_intervals(self, queue=None, *, channel=None):
        """The kept closed intervals of a queue, a channel (``channel=``) or,
        with neither, the center: a list of QueueStats (period OQ_PERIOD_CLOSED),
        oldest first (the last element is the interval closed most recently,
        k = 0 of oq_stats_interval_*)."""
        if queue is not None and channel is not None:
            raise bad("channel", "give a queue or a channel, not both", "stats_intervals")
        if queue is not None:
            f, scope, key = "oq_stats_interval_queue", "queue", to_bytes(queue, "queue",
                                                                         "oq_stats_interval_queue")
        elif channel is not None:
            f, scope, key = "oq_stats_interval_channel", "channel", to_bytes(
                channel, "channel", "oq_stats_interval_channel")
        else:
            f, scope, key = "oq_stats_interval_center", "center", None
        self._stats_symbol(f)
        ident = None if key is None else from_bytes(key)
        out = []
        for k in reversed(range(self.stats_interval_count())):
            st = _lib.padded(_lib.oq_queue_stats)
            if key is None:
                self._call(f, k, byref(st))
            else:
                self._call(f, key, k, byref(st))
            out.append(_stats.queue_stats_from_c(st, scope, ident))
        return out

    def stats_agent(self, agent, period="day"):
        """An agent's figures ("day" or "interval") as omniq.stats.AgentStats,
        with not-ready time per reason (oq_stats_agent_reason) and contacts
        handled per channel (oq_stats_agent_channel)."""
        f = "oq_stats_agent"
        self._stats_symbol(f)
        key = to_bytes(agent, "agent", f)
        p = _stats.period_value(period, f, (OQ_PERIOD_INTERVAL, OQ_PERIOD_DAY))
        out = _lib.padded(_lib.oq_agent_stats)
        self._call(f, key, p, byref(out))
        reasons = {}
        for k in range(max(0, out.n_reasons) + 1):
            r = _lib.padded(_lib.oq_reason_stats)
            self._call("oq_stats_agent_reason", key, p, k, byref(r))
            name = from_bytes(r.reason) or ""
            if k < out.n_reasons or r.seconds > 0:
                reasons[name] = reasons.get(name, 0.0) + r.seconds
        channels = {}
        if hasattr(self._lib, "oq_config_count"):
            for ch in self.config_ids("channel"):
                channels[ch] = self.stats_agent_channel(key, ch, p)
        return _dataclass_from(_stats.AgentStats, out, id=from_bytes(key), reasons=reasons,
                               channels=channels)

    def stats_agent_reason(self, agent, k, period="day"):
        """(reason, seconds) of an agent's k-th not-ready reason (k = n_reasons: "(other)")."""
        f = "oq_stats_agent_reason"
        self._stats_symbol(f)
        p = _stats.period_value(period, f, (OQ_PERIOD_INTERVAL, OQ_PERIOD_DAY))
        r = _lib.padded(_lib.oq_reason_stats)
        self._call(f, to_bytes(agent, "agent", f), p, to_int(k, "k", function=f), byref(r))
        return from_bytes(r.reason), r.seconds

    def stats_agent_channel(self, agent, channel, period="day"):
        """Contacts of ``channel`` the agent completed in ``period``."""
        f = "oq_stats_agent_channel"
        self._stats_symbol(f)
        p = _stats.period_value(period, f, (OQ_PERIOD_INTERVAL, OQ_PERIOD_DAY))
        v = c_int64()
        self._call(f, to_bytes(agent, "agent", f), to_bytes(channel, "channel", f), p,
                   byref(v))
        return v.value

    # ---- snapshots and the journal (omniq/snapshot.h) ------------------------------------------

    @staticmethod
    def _snapshot_symbol(what, symbol):
        if not _lib.has_symbol(symbol):
            raise NotImplementedError(
                f"Engine.{what}: the loaded libomniq ({_lib.library_path()}) has no snapshot "
                f"support (symbol {symbol}, omniq/snapshot.h); build a newer libomniq")

    def snapshot(self):
        """The engine's complete state as bytes (``oq_engine_snapshot_buffer``).

        Read-only. :meth:`restore` rebuilds an engine that makes the same
        decisions from then on. Raises OmniqError (OQ_EBUSY) from an event
        callback."""
        f = "oq_engine_snapshot_buffer"
        self._handle(f)
        self._snapshot_symbol("snapshot()", f)
        buf, n = c_void_p(), ctypes.c_size_t()
        self._call(f, byref(buf), byref(n))
        try:
            return ctypes.string_at(buf, n.value)
        finally:
            self._lib.oq_free(buf)

    @classmethod
    def restore(cls, data, on_event=None, *, callback_errors="raise"):
        """A new engine rebuilt from :meth:`snapshot` bytes
        (``oq_engine_restore_buffer``). Seed, clock and every setting come
        from the snapshot; ``on_event`` and ``callback_errors`` are as for
        ``Engine()``. The restore emits no event and the journal is off.
        Truncated, corrupted or inconsistent data raise OmniqError
        (OQ_ECORRUPT) whose message says what is wrong and at which offset."""
        f = "oq_engine_restore_buffer"
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        if not isinstance(data, bytes):
            raise bad("data", f"expected bytes, got {type(data).__name__}", f)
        cls._snapshot_symbol("restore()", f)
        self = cls.__new__(cls)
        self._ptr = None
        self._depth = 0
        self._setup(on_event, callback_errors)
        opts = _new_spec(_lib.oq_engine_options, "oq_engine_options_init")
        opts.on_event = self._cfunc
        out = c_void_p()
        st = self._lib.oq_engine_restore_buffer(byref(opts), data, len(data), byref(out))
        if st != 0:
            msg = from_bytes(self._lib.oq_restore_last_error()) or status_str(st)
            raise OmniqError(st, msg, f)
        self._ptr = out
        return self

    def set_journal(self, callback):
        """Start (``callback``) or stop (None) the action journal
        (``oq_engine_set_journal``). After every successful state-changing
        call, ``callback(action_name, now_ms, record)`` receives the action's
        name ("contact_arrive"), its clock and the record as bytes (a copy,
        kept as long as you like); :meth:`journal_apply` replays a record on
        another engine. Records are numbered 1, 2, 3, ... (read a record's
        number with :func:`journal_record_seq`; the engine's next one with
        :meth:`journal_seq`). A snapshot plus the records emitted after it
        rebuild the same state. Exceptions from the callback are handled like
        those of ``on_event``."""
        f = "oq_engine_set_journal"
        self._handle(f)
        if callback is not None and not callable(callback):
            raise bad("callback", "must be callable or None", f)
        self._snapshot_symbol("set_journal()", f)
        if callback is None:
            self._call(f, _lib.oq_journal_fn(), None)
            self._journal = None
            return
        cfunc = _lib.oq_journal_fn(_Journal(callback, self._dispatch, self._lib))
        self._call(f, cfunc, None)
        self._journal = cfunc  # alive as long as the engine may call it

    def journal_apply(self, record):
        """Replay one journal record (bytes from a :meth:`set_journal`
        callback) on this engine (``oq_journal_apply``): the same call with
        the same arguments; its failure raises OmniqError as that call would,
        a malformed record OQ_ECORRUPT. The record must carry the sequence
        number this engine expects next (:meth:`journal_seq`): a gap or a
        duplicate raises OmniqError (OQ_ECORRUPT) naming the expected and the
        found number, and changes nothing."""
        f = "oq_journal_apply"
        self._handle(f)
        if isinstance(record, (bytearray, memoryview)):
            record = bytes(record)
        if not isinstance(record, bytes):
            raise bad("record", f"expected bytes, got {type(record).__name__}", f)
        self._snapshot_symbol("journal_apply()", f)
        self._call(f, record, len(record))

    def journal_seq(self):
        """Sequence number of the next journal record (``oq_engine_journal_seq``):
        the one this engine emits next, which is also the one
        :meth:`journal_apply` accepts next. 1 for a new engine; a restored
        engine continues from its snapshot (which covers every record before
        that number)."""
        f = "oq_engine_journal_seq"
        self._handle(f)
        self._snapshot_symbol("journal_seq()", f)
        v = ctypes.c_uint64()
        self._call(f, byref(v))
        return v.value

    def set_journal_seq(self, next_seq):
        """Set the sequence number of the next journal record, 1..2**62
        (``oq_engine_set_journal_seq``): for a standby built from the
        configuration whose log starts at a known number. Not journaled."""
        f = "oq_engine_set_journal_seq"
        self._handle(f)
        self._snapshot_symbol("set_journal_seq()", f)
        self._call(f, to_int(next_seq, "next_seq", 0, 2**64 - 1, f))


def journal_action_name(action):
    """Static name of an OQ_J_* journal action ("contact_arrive"); "unknown" for others."""
    f = "oq_journal_action_name"
    Engine._snapshot_symbol("journal_action_name()", f)
    return _lib.load().oq_journal_action_name(to_int(action, "action", function=f)).decode()


def journal_record_seq(record):
    """Sequence number of an encoded journal record (``oq_journal_record_seq``),
    after checking its format and checksum (OmniqError OQ_ECORRUPT if it is not
    a valid record). The number is also bytes 16..23 of the record,
    little-endian: ``int.from_bytes(record[16:24], "little")``."""
    f = "oq_journal_record_seq"
    if isinstance(record, (bytearray, memoryview)):
        record = bytes(record)
    if not isinstance(record, bytes):
        raise bad("record", f"expected bytes, got {type(record).__name__}", f)
    Engine._snapshot_symbol("journal_record_seq()", f)
    seq = ctypes.c_uint64()
    err = _lib.oq_error()
    st = _lib.load().oq_journal_record_seq(record, len(record), byref(seq), byref(err))
    if st != 0:
        raise OmniqError(st, from_bytes(err.message) or status_str(st), f)
    return seq.value


class _Journal:
    """Called by C for every journal record: copies it and calls the Python
    callback; exceptions go to the engine's dispatcher (never into C)."""

    __slots__ = ("callback", "dispatch", "lib")

    def __init__(self, callback, dispatch, lib):
        self.callback, self.dispatch, self.lib = callback, dispatch, lib

    def __call__(self, rec_ptr, _user):
        try:
            rec = rec_ptr.contents
            data = ctypes.string_at(rec.data, rec.len) if rec.len else b""
            name = self.lib.oq_journal_action_name(rec.action).decode()
            self.callback(name, rec.now_ms, data)
        except BaseException as exc:  # never let an exception unwind into C
            self.dispatch.errors.append(exc)
