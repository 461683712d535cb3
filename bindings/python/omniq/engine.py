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
import math
import os
from collections import abc
from ctypes import byref, c_char_p, c_double, c_int32, c_int64, c_void_p
from dataclasses import dataclass, fields
from typing import (Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple,
                    Type, TypeVar, Union)

from . import _lib
from . import stats as _stats
from .calendar import Calendar
from .constants import (OQ_CLOSED_CALLBACK, OQ_CLOSED_OVERFLOW, OQ_CLOSED_REJECT,
                        OQ_CLOSED_WAIT, OQ_EBUSY, OQ_EINVAL, OQ_ENOTFOUND, OQ_LIMIT_CALLBACK,
                        OQ_LIMIT_CALLBACK_KEEP_PLACE, OQ_LIMIT_OVERFLOW,
                        OQ_LIMIT_REJECT, OQ_PERIOD_DAY, OQ_PERIOD_INTERVAL, OQ_PERIOD_WINDOW,
                        OQ_SKIP_NEVER, OQ_SKIP_NONE_AVAILABLE, OQ_SKIP_NONE_LOGGED_IN)
from .errors import (CallbackError, OmniqError, bad, error_from, from_bytes, status_str,
                     to_bytes, to_float, to_id, to_int, to_int64)

__all__ = ["Engine", "Event", "Counts", "ChannelInfo", "AgentInfo", "QueueInfo",
           "ContactInfo", "HistoryEntry", "event_type_name", "agent_state_name",
           "contact_state_name", "ordering_name", "strategy_name", "journal_action_name",
           "journal_record_seq"]

INT64_MAX = 2 ** 63 - 1
T = TypeVar("T")
EngineT = TypeVar("EngineT", bound="Engine")
#: ``on_event`` callbacks receive one :class:`Event`; their result is ignored.
EventCallback = Callable[["Event"], object]
#: ``scorer`` callbacks (OQ_STRATEGY_HOST_SCORE) receive (contact, agent, queue) ids and
#: return a score: higher is better, NaN or negative refuses the agent.
ScoreCallback = Callable[[str, str, str], float]
#: ``set_journal`` callbacks receive (action name, now_ms, record bytes).
JournalCallback = Callable[[str, int, bytes], object]
#: Skills of a contact: {skill: level} or (skill, level) pairs.
Skills = Union[Mapping[str, int], Iterable[Tuple[str, int]]]
_ALL_PERIODS = (OQ_PERIOD_INTERVAL, OQ_PERIOD_WINDOW, OQ_PERIOD_DAY)


# ---- static names ----------------------------------------------------------------------

def event_type_name(t: int) -> str:
    """Static name of an OQ_EV_* event type ("offered"); "unknown" for others."""
    return str(_lib.load().oq_event_type_name(to_int(t, "type")).decode())


def agent_state_name(s: int) -> str:
    """Static name of an OQ_AGENT_* state ("ready"); "unknown" for others."""
    return str(_lib.load().oq_agent_state_name(to_int(s, "state")).decode())


def contact_state_name(s: int) -> str:
    """Static name of an OQ_CONTACT_* state ("queued"); "unknown" for others."""
    return str(_lib.load().oq_contact_state_name(to_int(s, "state")).decode())


def ordering_name(o: int) -> str:
    """Static name of an OQ_ORDER_* queue ordering ("fifo")."""
    return str(_lib.load().oq_ordering_name(to_int(o, "ordering")).decode())


def strategy_name(s: int) -> str:
    """Static name of an OQ_STRATEGY_* agent selection ("longest_idle")."""
    return str(_lib.load().oq_strategy_name(to_int(s, "strategy")).decode())


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


_EVENT_NAMES: Dict[int, str] = {}


def _event_from_c(ev: Any) -> "Event":
    t = ev.type
    name = _EVENT_NAMES.get(t)
    if name is None:
        name = _EVENT_NAMES[t] = str(_lib.load().oq_event_type_name(t).decode())
    return Event(t, name, ev.time_ms, from_bytes(ev.contact), from_bytes(ev.agent),
                 from_bytes(ev.queue), from_bytes(ev.from_queue), from_bytes(ev.channel),
                 from_bytes(ev.detail), ev.agent_state, ev.prev_agent_state, ev.priority,
                 ev.wait_ms)


@dataclass(frozen=True)
class Counts:
    """How many objects the engine holds (oq_engine_counts)."""
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
    """A channel's settings (oq_channel_spec)."""
    id: str
    synchronous: bool
    exclusive: bool
    capacity_cost: int
    max_per_agent: int


@dataclass(frozen=True)
class AgentInfo:
    """An agent's state and load (oq_agent_info)."""
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
    """A queue's settings (oq_queue_spec) and what it holds now (oq_queue_info)."""
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
    keep_offer_on_not_ready: bool
    retry_after_s: float
    max_offers: int
    last_agent_window_s: float
    last_agent_wait_s: float
    calendar: Optional[str]
    closed_action: int
    closed_queue: Optional[str]
    business_time: bool
    n_channels: int
    n_required_skills: int
    n_preferred_skills: int
    n_groups: int
    waiting: int
    offered: int
    active: int
    eligible_agents: int
    open: bool


@dataclass(frozen=True)
class ContactInfo:
    """A contact's state (oq_contact_info)."""
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
    preferred_agent: Optional[str]
    reserved_until_ms: int
    kept_place_callback: bool


@dataclass(frozen=True)
class HistoryEntry:
    """One entry of a contact's history (oq_history_entry)."""
    type: int
    name: str
    time_ms: int
    queue: Optional[str]
    agent: Optional[str]
    detail: Optional[str]


# ---- spec filling -------------------------------------------------------------------------

#: Enumerations whose names come from the library's own table (its name function,
#: from the first value up to the first "unknown"), so a value added there is named here.
_LIBRARY_NAMED = {"strategy": ("oq_strategy_name", 0), "action": ("oq_step_action_name", 1)}


def _library_names(cname: str) -> Dict[str, int]:
    fn, v = _LIBRARY_NAMED[cname]
    name_of = getattr(_lib.load(), fn)
    names: Dict[str, int] = {}
    while True:
        name = name_of(v).decode()
        if name == "unknown":
            return names
        names[name] = v
        v += 1


_NAMED_VALUES = {
    "ordering": {"fifo": 0, "priority": 1, "deadline": 2},
    "limit_action": {"reject": OQ_LIMIT_REJECT, "overflow": OQ_LIMIT_OVERFLOW,
                     "callback": OQ_LIMIT_CALLBACK,
                     "callback_keep_place": OQ_LIMIT_CALLBACK_KEEP_PLACE},
    "closed_action": {"reject": OQ_CLOSED_REJECT, "wait": OQ_CLOSED_WAIT,
                      "overflow": OQ_CLOSED_OVERFLOW, "callback": OQ_CLOSED_CALLBACK},
    "timing": {"after_entry": 0, "after_previous": 1},
    "skip_if_no_agents": {"never": OQ_SKIP_NEVER, "available": OQ_SKIP_NONE_AVAILABLE,
                          "logged_in": OQ_SKIP_NONE_LOGGED_IN},
}


S = TypeVar("S", bound=ctypes.Structure)


def _new_spec(struct_type: Type[S], init_name: str) -> S:
    """A C-initialised spec; checks the library agrees on its size."""
    spec = _lib.padded(struct_type)
    getattr(_lib.load(), init_name)(byref(spec))
    if spec.struct_size != ctypes.sizeof(struct_type):
        raise OmniqError(OQ_EINVAL, f"{struct_type.__name__}: the library's struct_size "
                         f"{spec.struct_size} differs from the binding's "
                         f"{ctypes.sizeof(struct_type)} (mismatched library version)",
                         init_name)
    return spec


def _fill(spec: Any, values: Mapping[str, Any], function: str,
          skip: Tuple[str, ...] = ("struct_size",),
          rename: Optional[Dict[str, str]] = None) -> None:
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
            if isinstance(value, str) and (cname in _NAMED_VALUES or cname in _LIBRARY_NAMED):
                table = _NAMED_VALUES.get(cname) or _library_names(cname)
                if value not in table:
                    raise bad(key, f"unknown name {value!r} (known: {', '.join(table)})",
                              function)
                value = table[value]
            if isinstance(value, bool):
                value = int(value)
            setattr(spec, cname, to_int(value, key, function=function))


def _copy_fields(dst: Any, src: Any, skip: Tuple[str, ...] = ("struct_size",)) -> None:
    for name, _ in dst._fields_:
        if name not in skip:
            setattr(dst, name, getattr(src, name))


def _dataclass_from(dc: Type[T], st: Any, **extra: Any) -> T:
    kw = dict(extra)
    for name in (f.name for f in fields(dc)):
        if name in kw:
            continue
        v = getattr(st, name)
        if isinstance(v, bytes):
            v = from_bytes(v)
        kw[name] = v
    return dc(**kw)


def _calendar_handle(calendar: Any, f: str) -> Any:
    if not isinstance(calendar, Calendar):
        raise bad("calendar", f"expected an omniq.Calendar, got {type(calendar).__name__}", f)
    return calendar._handle()


_KINDS = {"channel": 1, "skill": 2, "group": 3, "profile": 4, "queue": 5, "agent": 6}


def _kind(kind: Union[str, int], f: str) -> int:
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

    def __init__(self, callback: Optional[EventCallback]) -> None:
        self.callback = callback
        self.errors: List[BaseException] = []

    def __call__(self, ev_ptr: Any, _user: Any) -> None:
        cb = self.callback
        if cb is None:
            return
        try:
            cb(_event_from_c(ev_ptr.contents))
        except BaseException as exc:  # never let an exception unwind into C
            self.errors.append(exc)


class _Scorer:
    """Called by C for every (contact, agent) a host_score decision weighs;
    holds the Python scorer. An exception refuses the agent (NaN) and is
    kept like an event callback's."""

    __slots__ = ("callback", "errors")

    def __init__(self, errors: List[BaseException]) -> None:
        self.callback: Optional[ScoreCallback] = None
        self.errors = errors

    def __call__(self, contact: bytes, agent: bytes, queue: bytes, _user: Any) -> float:
        cb = self.callback
        if cb is None:
            return math.nan
        try:
            return float(cb(contact.decode(), agent.decode(), queue.decode()))
        except BaseException as exc:  # never let an exception unwind into C
            self.errors.append(exc)
            return math.nan


_CALLBACK_MODES = ("raise", "store")


class Engine:
    """An omniq engine: one contact center.

    ``Engine(on_event=None, *, seed=1, start_ms=0, abandon_resume_s=0.0,
    last_agent_max=100000, callback_errors="raise", scorer=None, max_candidates=0)``
    (``scorer``: see :meth:`set_scorer`). Destroyed by :meth:`close`, by leaving a
    ``with`` block, or when the object is collected.
    """

    _owned = True
    #: set on the engine a simulate() build callback receives: the replication's seed
    replication_seed: Optional[int] = None
    _ptr: Optional[c_void_p]
    _journal: Any

    def __init__(self, on_event: Optional[EventCallback] = None, *, seed: int = 1,
                 start_ms: int = 0, abandon_resume_s: float = 0.0,
                 last_agent_max: int = 100000, callback_errors: str = "raise",
                 scorer: Optional[ScoreCallback] = None, max_candidates: int = 0) -> None:
        """Create an engine (oq_engine_create); see the class docstring."""
        self._ptr = None
        self._depth = 0
        self._setup(on_event, callback_errors)
        opts = self._options(seed, start_ms, abandon_resume_s, last_agent_max)
        self._score_options(opts, scorer, max_candidates, "oq_engine_create")
        out = c_void_p()
        st = int(self._lib.oq_engine_create(byref(opts), byref(out)))
        if st != 0:
            raise OmniqError(st, status_str(st), "oq_engine_create")
        self._ptr = out

    def _setup(self, on_event: Optional[EventCallback], callback_errors: str) -> None:
        if on_event is not None and not callable(on_event):
            raise bad("on_event", "must be callable or None", "Engine")
        if callback_errors not in _CALLBACK_MODES:
            raise bad("callback_errors", f"must be one of {_CALLBACK_MODES}", "Engine")
        self._lib = _lib.load()
        self._dispatch = _Dispatcher(on_event)
        self._cfunc = _lib.oq_event_fn(self._dispatch)  # kept alive as long as the engine
        self._scorer = _Scorer(self._dispatch.errors)
        self._score_cfunc = _lib.oq_score_fn(self._scorer)  # likewise
        self._callback_mode = callback_errors
        self.callback_errors: List[BaseException] = []

    def _options(self, seed: int, start_ms: int, abandon_resume_s: float,
                 last_agent_max: int = 100000) -> Any:
        f = "oq_engine_create"
        opts = _new_spec(_lib.oq_engine_options, "oq_engine_options_init")
        opts.on_event = self._cfunc
        opts.seed = to_int(seed, "seed", 0, 2 ** 64 - 1, f)
        opts.start_ms = to_int64(start_ms, "start_ms", f)
        opts.abandon_resume_s = to_float(abandon_resume_s, "abandon_resume_s", f)
        opts.last_agent_max = to_int(last_agent_max, "last_agent_max", 0, 10_000_000, f)
        return opts

    def _score_options(self, opts: Any, scorer: Optional[ScoreCallback],
                       max_candidates: int, f: str) -> None:
        if scorer is None:
            return
        if not callable(scorer):
            raise bad("scorer", "must be callable or None", f)
        self._scorer.callback = scorer
        opts.score = self._score_cfunc
        opts.score_max_candidates = to_int(max_candidates, "max_candidates", 0, 256, f)

    def set_scorer(self, scorer: Optional[ScoreCallback], max_candidates: int = 0) -> None:
        """Register the scorer of OQ_STRATEGY_HOST_SCORE queues
        (``oq_engine_set_scorer``): ``scorer(contact, agent, queue)`` returns
        a float, higher is better, NaN or negative refuses the agent; at most
        ``max_candidates`` (0 = 16, up to 256) calls per decision. None
        unregisters it (OQ_ESTATE while a queue uses host_score). Not
        journaled: a standby registers the same scorer before it replays.
        The scorer may read the engine; mutating calls from it fail with
        OQ_EBUSY. An exception it raises refuses the agent and is reported
        like an event callback's."""
        f = "oq_engine_set_scorer"
        if scorer is not None and not callable(scorer):
            raise bad("scorer", "must be callable or None", f)
        n = to_int(max_candidates, "max_candidates", 0, 256, f)
        fn = self._score_cfunc if scorer is not None else ctypes.cast(0, _lib.oq_score_fn)
        self._call(f, fn, None, n)
        self._scorer.callback = scorer

    # ---- YAML configuration (omniq/config.h; in newer libraries) -----------------------------

    @classmethod
    def from_yaml(cls: Type[EngineT], text: str, on_event: Optional[EventCallback] = None, *,
                  name: Optional[str] = None, **kwargs: Any) -> EngineT:
        """Create an engine from a YAML configuration given as a string
        (``oq_config_load_buffer``; docs/config.md has the format). ``name``
        is used in error messages. ``seed``, ``start_ms``, ``abandon_resume_s``
        and ``last_agent_max`` may be given as for ``Engine()``; the file's
        ``engine:`` section overrides them. A failed load raises OmniqError
        (OQ_ECONFIG) whose message is ``name:line:column: what``, with
        ``.line``, ``.column`` and ``.path`` attributes. Raises
        NotImplementedError if the loaded libomniq has no configuration module."""
        f = "oq_config_load_buffer"
        data = to_id(text, "text", f)
        nm = to_bytes(name, "name", f, optional=True)
        return cls._from_config(f, (data, len(data), nm), on_event, kwargs)

    @classmethod
    def from_yaml_file(cls: Type[EngineT], path: Union[str, "os.PathLike[str]"],
                       on_event: Optional[EventCallback] = None, **kwargs: Any) -> EngineT:
        """Create an engine from a YAML configuration file (``oq_config_load_file``)."""
        f = "oq_config_load_file"
        try:
            fspath = os.fspath(path)
        except TypeError:
            raise bad("path", f"expected a path, got {type(path).__name__}", f) from None
        return cls._from_config(f, (to_bytes(fspath, "path", f),), on_event, kwargs)

    @classmethod
    def _from_config(cls: Type[EngineT], fname: str, args: Tuple[Any, ...],
                     on_event: Optional[EventCallback], kwargs: Dict[str, Any]) -> EngineT:
        lib = _lib.load()
        if not hasattr(lib, fname):
            raise NotImplementedError(
                f"Engine.from_yaml: the loaded libomniq ({_lib.library_path()}) has no "
                f"configuration module ({fname}, omniq/config.h); build a newer libomniq")
        mode = kwargs.pop("callback_errors", "raise")
        opt_values = {k: kwargs.pop(k) for k in ("seed", "start_ms", "abandon_resume_s",
                                                 "last_agent_max", "scorer", "max_candidates")
                      if k in kwargs}
        if kwargs:
            raise bad(next(iter(kwargs)), "unknown option", fname)
        self = cls.__new__(cls)
        self._ptr = None
        self._depth = 0
        self._setup(on_event, mode)
        opts = self._options(opt_values.get("seed", 1), opt_values.get("start_ms", 0),
                             opt_values.get("abandon_resume_s", 0.0),
                             opt_values.get("last_agent_max", 100000))
        self._score_options(opts, opt_values.get("scorer"), opt_values.get("max_candidates", 0),
                            fname)
        err = _lib.padded(_lib.oq_error)
        out = c_void_p()
        st = int(getattr(lib, fname)(byref(opts), *args, byref(out), byref(err)))
        if st != 0:
            exc = error_from(st, err, fname)
            exc.callback_errors = self._take_callback_errors()
            raise exc
        self._ptr = out
        return self

    def _config_symbol(self, name: str) -> None:
        if not _lib.has_symbol(name):
            raise NotImplementedError(
                f"Engine: the loaded libomniq ({_lib.library_path()}) has no configuration "
                f"module ({name}, omniq/config.h); build a newer libomniq")

    def config_dump(self) -> str:
        """The engine's configuration as YAML text (``oq_config_dump``)."""
        f = "oq_config_dump"
        self._config_symbol(f)
        text, n = c_void_p(), ctypes.c_size_t()
        self._call(f, byref(text), byref(n))
        try:
            return ctypes.string_at(text, n.value).decode("utf-8", "surrogateescape")
        finally:
            self._lib.oq_free(text)

    def config_count(self, kind: Union[str, int]) -> int:
        """Number of objects of ``kind`` (OQ_KIND_* or "channel", "skill",
        "group", "profile", "queue", "agent")."""
        f = "oq_config_count"
        self._config_symbol(f)
        n = c_int32()
        self._call(f, _kind(kind, f), byref(n))
        return n.value

    def config_ids(self, kind: Union[str, int]) -> List[Optional[str]]:
        """The ids of every object of ``kind``, in creation order (one walk:
        linear in the number of objects, removals included)."""
        f = "oq_config_next"
        self._config_symbol(f)
        k = _kind(kind, f)
        out: List[Optional[str]] = []
        cursor = c_int32(0)
        p = c_char_p()
        ptr = self._handle(f)
        while True:
            st = int(self._lib.oq_config_next(ptr, k, byref(cursor), byref(p)))
            if st == OQ_ENOTFOUND:
                return out
            if st != 0:
                raise OmniqError(st, status_str(st), f)
            out.append(from_bytes(p.value))

    def config_exists(self, kind: Union[str, int], id: str) -> bool:
        """Whether an object of ``kind`` has the id ``id`` (O(1))."""
        f = "oq_config_exists"
        self._config_symbol(f)
        st = int(self._lib.oq_config_exists(self._handle(f), _kind(kind, f), to_bytes(id, "id")))
        if st not in (0, OQ_ENOTFOUND):
            raise OmniqError(st, status_str(st), f)
        return st == 0

    # ---- lifecycle ----------------------------------------------------------------------------

    def close(self) -> None:
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
    def _borrow(cls: Type[EngineT], ptr: Any, callback_errors: str = "raise") -> EngineT:
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
    def owned(self) -> bool:
        """False for a borrowed engine (the one a simulate() build callback gets)."""
        return self._owned

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self: EngineT) -> EngineT:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        """Whether close() was called (any other method then raises OmniqError)."""
        return self._ptr is None

    @property
    def on_event(self) -> Optional[EventCallback]:
        """The event callback (None: events are discarded); assignable at any time."""
        return self._dispatch.callback

    @on_event.setter
    def on_event(self, callback: Optional[EventCallback]) -> None:
        if callback is not None and not callable(callback):
            raise bad("on_event", "must be callable or None", "Engine.on_event")
        self._dispatch.callback = callback

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<omniq.Engine closed>"
        if not self._owned:
            return f"<omniq.Engine borrowed now_ms={self.now()} {self.counts()}>"
        return f"<omniq.Engine now_ms={self.now()} {self.counts()}>"

    # ---- calling C --------------------------------------------------------------------------

    def _handle(self, function: str) -> c_void_p:
        if self._ptr is None:
            raise OmniqError(OQ_EINVAL, "the engine is closed", function)
        return self._ptr

    def _call(self, name: str, *args: Any) -> None:
        ptr = self._handle(name)
        self._depth += 1
        try:
            st = int(getattr(self._lib, name)(ptr, *args))
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

    def _take_callback_errors(self) -> List[BaseException]:
        errors, self._dispatch.errors = self._dispatch.errors, []
        return errors

    def _now(self, now_ms: Optional[int], function: str) -> int:
        if now_ms is None:
            return self.now()
        return to_int64(now_ms, "now_ms", function)

    # ---- engine -------------------------------------------------------------------------------

    @property
    def last_error(self) -> str:
        """The message of the last failed call on this engine ("" if none)."""
        return from_bytes(
            self._lib.oq_engine_last_error(self._handle("oq_engine_last_error"))) or ""

    def now(self) -> int:
        """The engine's clock, ms."""
        v = c_int64()
        self._call("oq_engine_now", byref(v))
        return v.value

    def set_seed(self, seed: int) -> None:
        """Restart the random generator of OQ_STRATEGY_RANDOM at seed
        (0..2**64-1), as the engine options' seed does at creation."""
        f = "oq_engine_set_seed"
        self._call(f, ctypes.c_uint64(to_int(seed, "seed", 0, 2**64 - 1, f)))

    def next_deadline(self) -> Optional[int]:
        """Due time of the earliest pending timer, or None when none is pending."""
        v = c_int64()
        self._call("oq_engine_next_deadline", byref(v))
        return None if v.value == INT64_MAX else v.value

    def advance(self, now_ms: int) -> None:
        """Move the clock to now_ms, firing every timer due by then."""
        self._call("oq_engine_advance", to_int64(now_ms, "now_ms", "oq_engine_advance"))

    def check(self) -> None:
        """Verify every internal invariant; OmniqError(OQ_ECORRUPT) if one fails."""
        self._call("oq_engine_check")

    def counts(self) -> Counts:
        """How many objects of each kind the engine holds (oq_engine_get_counts)."""
        out = _lib.padded(_lib.oq_engine_counts)
        self._call("oq_engine_get_counts", byref(out))
        return _dataclass_from(Counts, out)

    # ---- channels -----------------------------------------------------------------------------

    def channel_add(self, id: str, /, **fields: Any) -> None:
        """Add a channel. Fields: synchronous, exclusive, capacity_cost, max_per_agent."""
        f = "oq_channel_add"
        spec = _new_spec(_lib.oq_channel_spec, "oq_channel_spec_init")
        _fill(spec, fields, f, skip=("struct_size", "id"))
        spec.id = to_bytes(id, "id", f)
        self._call(f, byref(spec))

    def channel_update(self, id: str, /, **changes: Any) -> None:
        """Change some of a channel's settings (the others keep their values)."""
        f = "oq_channel_update"
        cur = _lib.padded(_lib.oq_channel_spec)
        key = to_id(id, "id", f)
        self._call("oq_channel_get", key, byref(cur))
        spec = _new_spec(_lib.oq_channel_spec, "oq_channel_spec_init")
        _copy_fields(spec, cur)
        spec.id = key
        _fill(spec, changes, f, skip=("struct_size", "id"))
        self._call(f, byref(spec))

    def channel_remove(self, id: str) -> None:
        """Remove a channel no queue, contact or agent limit uses (oq_channel_remove)."""
        self._call("oq_channel_remove", to_bytes(id, "id", "oq_channel_remove"))

    def channel_get(self, id: str) -> ChannelInfo:
        """A channel's settings (oq_channel_get)."""
        out = _lib.padded(_lib.oq_channel_spec)
        self._call("oq_channel_get", to_bytes(id, "id", "oq_channel_get"), byref(out))
        return ChannelInfo(from_bytes(out.id) or "", bool(out.synchronous), bool(out.exclusive),
                           out.capacity_cost, out.max_per_agent)

    # ---- skills and groups --------------------------------------------------------------------

    def skill_add(self, id: str, max_level: int = 1) -> None:
        """Define a skill with levels 1..max_level (oq_skill_add)."""
        f = "oq_skill_add"
        self._call(f, to_bytes(id, "id", f), to_int(max_level, "max_level", function=f))

    def skill_remove(self, id: str) -> None:
        """Remove a skill (oq_skill_remove)."""
        self._call("oq_skill_remove", to_bytes(id, "id", "oq_skill_remove"))

    def skill_get(self, id: str) -> int:
        """The skill's max level."""
        v = c_int32()
        self._call("oq_skill_get", to_bytes(id, "id", "oq_skill_get"), byref(v))
        return v.value

    def group_add(self, id: str) -> None:
        """Define an agent group (oq_group_add)."""
        self._call("oq_group_add", to_bytes(id, "id", "oq_group_add"))

    def group_remove(self, id: str) -> None:
        """Remove an agent group (oq_group_remove)."""
        self._call("oq_group_remove", to_bytes(id, "id", "oq_group_remove"))

    # ---- agents -------------------------------------------------------------------------------

    def _agent_op(self, f: str, agent: str, now_ms: Optional[int], *rest: Any) -> None:
        self._call(f, self._now(now_ms, f), to_bytes(agent, "agent", f), *rest)

    def agent_add(self, id: str, capacity: int = 100) -> None:
        """Add an agent (logged out) with a capacity in channel cost units (oq_agent_add)."""
        f = "oq_agent_add"
        self._call(f, to_bytes(id, "id", f), to_int(capacity, "capacity", function=f))

    def agent_remove(self, id: str) -> None:
        """Remove a logged-out agent (oq_agent_remove)."""
        self._call("oq_agent_remove", to_bytes(id, "id", "oq_agent_remove"))

    def agent_set_capacity(self, agent: str, capacity: int) -> None:
        """Change an agent's capacity (oq_agent_set_capacity)."""
        f = "oq_agent_set_capacity"
        self._call(f, to_bytes(agent, "agent", f), to_int(capacity, "capacity", function=f))

    def agent_set_skill(self, agent: str, skill: str, level: int, *,
                        now_ms: Optional[int] = None) -> None:
        """Give an agent a skill at a level; 0 removes it (oq_agent_set_skill)."""
        f = "oq_agent_set_skill"
        self._agent_op(f, agent, now_ms, to_bytes(skill, "skill", f),
                       to_int(level, "level", function=f))

    def agent_set_channel_limit(self, agent: str, channel: str, max_items: int, *,
                                now_ms: Optional[int] = None) -> None:
        """Cap how many contacts of a channel the agent holds at once
        (oq_agent_set_channel_limit)."""
        f = "oq_agent_set_channel_limit"
        self._agent_op(f, agent, now_ms, to_bytes(channel, "channel", f),
                       to_int(max_items, "max_items", function=f))

    def agent_join_group(self, agent: str, group: str, *, now_ms: Optional[int] = None) -> None:
        """Add the agent to a group (oq_agent_join_group)."""
        f = "oq_agent_join_group"
        self._agent_op(f, agent, now_ms, to_bytes(group, "group", f))

    def agent_leave_group(self, agent: str, group: str, *,
                          now_ms: Optional[int] = None) -> None:
        """Remove the agent from a group (oq_agent_leave_group)."""
        f = "oq_agent_leave_group"
        self._agent_op(f, agent, now_ms, to_bytes(group, "group", f))

    def agent_login(self, agent: str, ready: bool = True, *,
                    now_ms: Optional[int] = None) -> None:
        """Log the agent in, ready for work or not (oq_agent_login)."""
        f = "oq_agent_login"
        self._agent_op(f, agent, now_ms, 1 if ready else 0)

    def agent_ready(self, agent: str, *, now_ms: Optional[int] = None) -> None:
        """Make a logged-in agent ready for offers (oq_agent_ready)."""
        self._agent_op("oq_agent_ready", agent, now_ms)

    def agent_not_ready(self, agent: str, reason: Optional[str] = None, *,
                        now_ms: Optional[int] = None) -> None:
        """Make the agent not ready, with an optional reason code (oq_agent_not_ready)."""
        f = "oq_agent_not_ready"
        self._agent_op(f, agent, now_ms, to_bytes(reason, "reason", f, optional=True))

    def agent_logout(self, agent: str, *, now_ms: Optional[int] = None) -> None:
        """Log the agent out (oq_agent_logout)."""
        self._agent_op("oq_agent_logout", agent, now_ms)

    def agent_end_wrapup(self, agent: str, *, now_ms: Optional[int] = None) -> None:
        """End the agent's wrap-up before its timer does (oq_agent_end_wrapup)."""
        self._agent_op("oq_agent_end_wrapup", agent, now_ms)

    def agent_get(self, id: str) -> AgentInfo:
        """An agent's state and load (oq_agent_get)."""
        out = _lib.padded(_lib.oq_agent_info)
        self._call("oq_agent_get", to_bytes(id, "id", "oq_agent_get"), byref(out))
        return _dataclass_from(AgentInfo, out, id=id if isinstance(id, str) else from_bytes(id),
                               state_name=agent_state_name(out.state),
                               not_ready_reason=from_bytes(out.not_ready_reason) or "")

    def agent_get_skill(self, agent: str, skill: str) -> int:
        """The agent's level in skill (0 if it lacks it)."""
        f = "oq_agent_get_skill"
        v = c_int32()
        self._call(f, to_bytes(agent, "agent", f), to_bytes(skill, "skill", f), byref(v))
        return v.value

    def agent_set_profile(self, agent: str, profile: Optional[str], *,
                          now_ms: Optional[int] = None) -> None:
        """Give the agent a routing profile; None removes it."""
        f = "oq_agent_set_profile"
        self._agent_op(f, agent, now_ms, to_bytes(profile, "profile", f, optional=True))

    def agent_set_policy(self, agent: str, /, *, now_ms: Optional[int] = None,
                         **policy: Any) -> None:
        """Fields: max_no_answer, max_per_window, window_s, reject_delay_s,
        no_answer_delay_s (all 0 = off; unspecified fields are 0)."""
        f = "oq_agent_set_policy"
        spec = _new_spec(_lib.oq_agent_policy, "oq_agent_policy_init")
        _fill(spec, policy, f)
        self._agent_op(f, agent, now_ms, byref(spec))

    # ---- queues ---------------------------------------------------------------------------------

    def queue_add(self, id: str, /, **fields: Any) -> None:
        """Add a queue. Fields are those of oq_queue_spec (priority, ordering,
        strategy, sla_threshold_s, sla_target, offer_timeout_s, wrapup_s, ...);
        ordering / strategy / limit_action also accept their names ("priority",
        "best_skill", "overflow")."""
        f = "oq_queue_add"
        spec = _new_spec(_lib.oq_queue_spec, "oq_queue_spec_init")
        _fill(spec, fields, f, skip=("struct_size", "id"))
        spec.id = to_bytes(id, "id", f)
        self._call(f, byref(spec))

    def queue_update(self, id: str, /, *, now_ms: Optional[int] = None,
                     **changes: Any) -> None:
        """Change some of a queue's settings (the others keep their values)."""
        f = "oq_queue_update"
        key = to_id(id, "id", f)
        spec = _new_spec(_lib.oq_queue_spec, "oq_queue_spec_init")
        self._call("oq_queue_get_spec", key, byref(spec))
        spec.id = key
        _fill(spec, changes, f, skip=("struct_size", "id"))
        self._call(f, self._now(now_ms, f), byref(spec))

    def queue_remove(self, id: str) -> None:
        """Remove an empty queue (oq_queue_remove)."""
        self._call("oq_queue_remove", to_bytes(id, "id", "oq_queue_remove"))

    def _queue_op(self, f: str, queue: str, now_ms: Optional[int], *rest: Any) -> None:
        self._call(f, self._now(now_ms, f), to_bytes(queue, "queue", f), *rest)

    def queue_add_channel(self, queue: str, channel: str, *,
                          now_ms: Optional[int] = None) -> None:
        """Let the queue take contacts of a channel (oq_queue_add_channel)."""
        f = "oq_queue_add_channel"
        self._queue_op(f, queue, now_ms, to_bytes(channel, "channel", f))

    def queue_remove_channel(self, queue: str, channel: str, *,
                             now_ms: Optional[int] = None) -> None:
        """Stop the queue taking a channel (oq_queue_remove_channel)."""
        f = "oq_queue_remove_channel"
        self._queue_op(f, queue, now_ms, to_bytes(channel, "channel", f))

    def queue_require_skill(self, queue: str, skill: str, min_level: int, *,
                            now_ms: Optional[int] = None) -> None:
        """Agents must have ``skill`` at ``min_level`` or more (oq_queue_require_skill)."""
        f = "oq_queue_require_skill"
        self._queue_op(f, queue, now_ms, to_bytes(skill, "skill", f),
                       to_int(min_level, "min_level", function=f))

    def queue_prefer_skill(self, queue: str, skill: str, min_level: int, *,
                           now_ms: Optional[int] = None) -> None:
        """Prefer agents with ``skill`` at ``min_level`` or more (oq_queue_prefer_skill)."""
        f = "oq_queue_prefer_skill"
        self._queue_op(f, queue, now_ms, to_bytes(skill, "skill", f),
                       to_int(min_level, "min_level", function=f))

    def queue_add_group(self, queue: str, group: str, *, now_ms: Optional[int] = None) -> None:
        """Restrict the queue to agents of its groups, adding this one (oq_queue_add_group)."""
        f = "oq_queue_add_group"
        self._queue_op(f, queue, now_ms, to_bytes(group, "group", f))

    def queue_remove_group(self, queue: str, group: str, *,
                           now_ms: Optional[int] = None) -> None:
        """Remove a target group from the queue (oq_queue_remove_group)."""
        f = "oq_queue_remove_group"
        self._queue_op(f, queue, now_ms, to_bytes(group, "group", f))

    def queue_get(self, id: str) -> QueueInfo:
        """A queue's settings and what it holds now (oq_queue_get)."""
        key = to_bytes(id, "id", "oq_queue_get")
        out = _lib.padded(_lib.oq_queue_info)
        self._call("oq_queue_get", key, byref(out))
        spec = _new_spec(_lib.oq_queue_spec, "oq_queue_spec_init")
        self._call("oq_queue_get_spec", key, byref(spec))
        spec_fields = {name for name, _ in _lib.oq_queue_spec._fields_}
        kw: Dict[str, Any] = {}
        for name in (fd.name for fd in fields(QueueInfo)):
            v = getattr(spec if name in spec_fields else out, name)
            if name in ("id", "limit_queue", "callback_channel", "calendar", "closed_queue"):
                v = from_bytes(v)
            elif name in ("timeout_not_ready", "refuse_if_no_agents", "outbound",
                          "keep_offer_on_not_ready", "business_time", "open"):
                v = bool(v)
            kw[name] = v
        return QueueInfo(**kw)

    # ---- calendars (business hours) ------------------------------------------------------

    def add_calendar(self, calendar: Calendar, *, now_ms: Optional[int] = None) -> None:
        """Give the engine a copy of ``calendar`` (oq_engine_add_calendar); queues
        name it by its id (``calendar=``, ``closed_action=``)."""
        f = "oq_engine_add_calendar"
        self._call(f, self._now(now_ms, f), _calendar_handle(calendar, f))

    def replace_calendar(self, calendar: Calendar, *, now_ms: Optional[int] = None) -> None:
        """Replace the engine's calendar of the same id (oq_engine_replace_calendar)."""
        f = "oq_engine_replace_calendar"
        self._call(f, self._now(now_ms, f), _calendar_handle(calendar, f))

    def remove_calendar(self, id: str) -> None:
        """Remove a calendar no queue names (oq_engine_remove_calendar)."""
        f = "oq_engine_remove_calendar"
        self._call(f, to_bytes(id, "id", f))

    def calendar(self, id: str) -> Calendar:
        """A copy of the engine's calendar ``id`` (oq_engine_get_calendar), to query."""
        f = "oq_engine_get_calendar"
        out = c_void_p()
        self._call(f, to_bytes(id, "id", f), byref(out))
        return Calendar._adopt(Calendar._copy_handle(out))

    @property
    def calendar_count(self) -> int:
        """Number of calendars in the engine (oq_engine_calendar_count)."""
        n = c_int32()
        self._call("oq_engine_calendar_count", byref(n))
        return n.value

    def queue_add_step(self, queue: str, action: Union[str, int], /, *,
                       now_ms: Optional[int] = None, **step: Any) -> None:
        """Append an escalation step. ``action`` is OQ_STEP_* or its name
        ("lower_level", "drop_required", "add_group", "drop_preferred",
        "raise_priority", "overflow", "alert"). Fields: timing ("after_entry" /
        "after_previous"), after_s, skill, level, priority, group, to_queue
        (the OVERFLOW target), message, skip_if_no_agents (OQ_SKIP_*, True, or
        "never" / "available" / "logged_in"), when_ewt_above_s, when_sl_below."""
        f = "oq_queue_add_step"
        spec = _new_spec(_lib.oq_escalation_step, "oq_escalation_step_init")
        if "queue" in step:
            raise bad("queue", "use to_queue= for the overflow target", f)
        _fill(spec, dict(step, action=action), f, rename={"to_queue": "queue"})
        self._queue_op(f, queue, now_ms, byref(spec))

    def queue_clear_steps(self, queue: str, *, now_ms: Optional[int] = None) -> None:
        """Remove every escalation step of the queue (oq_queue_clear_steps)."""
        self._queue_op("oq_queue_clear_steps", queue, now_ms)

    def queue_step_count(self, queue: str) -> int:
        """Number of escalation steps of the queue (oq_queue_step_count)."""
        f = "oq_queue_step_count"
        v = c_int32()
        self._call(f, to_bytes(queue, "queue", f), byref(v))
        return v.value

    def queue_ewt(self, queue: str) -> float:
        """Estimated wait (s) of a contact arriving now; math.inf with no agents."""
        f = "oq_queue_ewt"
        v = c_double()
        self._call(f, to_bytes(queue, "queue", f), byref(v))
        return v.value

    def queue_set_blend(self, queue: str, rule: Union[str, int], *,
                        now_ms: Optional[int] = None) -> None:
        """When an outbound queue is offered: "when_idle" or "sl_above_target"
        (OQ_BLEND_*; oq_queue_set_blend)."""
        f = "oq_queue_set_blend"
        if isinstance(rule, str):
            table = {"when_idle": 0, "sl_above_target": 1}
            if rule not in table:
                raise bad("rule", f"unknown blend rule {rule!r}", f)
            rule = table[rule]
        self._queue_op(f, queue, now_ms, to_int(rule, "rule", function=f))

    # ---- routing profiles --------------------------------------------------------------------

    def profile_add(self, id: str) -> None:
        """Define a routing profile (oq_profile_add)."""
        self._call("oq_profile_add", to_bytes(id, "id", "oq_profile_add"))

    def profile_remove(self, id: str) -> None:
        """Remove a routing profile (oq_profile_remove)."""
        self._call("oq_profile_remove", to_bytes(id, "id", "oq_profile_remove"))

    def profile_set_queue(self, profile: str, queue: str, priority: int, delay_s: float = 0.0,
                          *, now_ms: Optional[int] = None) -> None:
        """Serve ``queue`` at ``priority`` (1 first), after ``delay_s`` of waiting
        (oq_profile_set_queue)."""
        f = "oq_profile_set_queue"
        self._call(f, self._now(now_ms, f), to_bytes(profile, "profile", f),
                   to_bytes(queue, "queue", f), to_int(priority, "priority", function=f),
                   to_float(delay_s, "delay_s", f))

    def profile_set_channel(self, profile: str, channel: str, max_items: int = -1,
                            cross_channel: bool = True, *,
                            now_ms: Optional[int] = None) -> None:
        """How many contacts of ``channel`` the profile's agents hold, and whether
        other channels may come alongside (oq_profile_set_channel)."""
        f = "oq_profile_set_channel"
        self._call(f, self._now(now_ms, f), to_bytes(profile, "profile", f),
                   to_bytes(channel, "channel", f), to_int(max_items, "max_items", function=f),
                   1 if cross_channel else 0)

    def profile_set_options(self, profile: str, force_longest_waiting: bool = False,
                            idle_measure: int = 0, *, now_ms: Optional[int] = None) -> None:
        """Profile options: always take the longest-waiting contact first, and how
        agent idle time is measured (oq_profile_set_options)."""
        f = "oq_profile_set_options"
        self._call(f, self._now(now_ms, f), to_bytes(profile, "profile", f),
                   1 if force_longest_waiting else 0,
                   to_int(idle_measure, "idle_measure", function=f))

    def group_set_profile(self, group: str, profile: Optional[str], *,
                          now_ms: Optional[int] = None) -> None:
        """Give every agent of a group a routing profile; None removes it
        (oq_group_set_profile)."""
        f = "oq_group_set_profile"
        self._call(f, self._now(now_ms, f), to_bytes(group, "group", f),
                   to_bytes(profile, "profile", f, optional=True))

    # ---- contacts ---------------------------------------------------------------------------------

    @staticmethod
    def _skill_arrays(skills: Optional[Skills], what: str, f: str,
                      keep: List[Any]) -> Tuple[int, Any, Any]:
        if not skills:
            return 0, None, None
        try:
            pairs = list(skills.items()) if isinstance(skills, abc.Mapping) else list(skills)
        except TypeError:
            raise bad(what, "expected a dict {skill: level} or (skill, level) pairs",
                      f) from None
        if isinstance(skills, (str, bytes)):
            raise bad(what, "expected a dict {skill: level} or (skill, level) pairs", f)
        names: List[Optional[bytes]] = []
        levels: List[int] = []
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

    def contact_arrive(self, id: str, channel: str, queue: str, *,
                       now_ms: Optional[int] = None, customer: Optional[str] = None,
                       preferred_agent: Optional[str] = None, priority: int = 0,
                       required_skills: Optional[Skills] = None,
                       preferred_skills: Optional[Skills] = None, deadline_ms: int = 0,
                       preferred_wait_s: float = 0.0) -> None:
        """A contact arrives. Skills are {skill: min_level} dicts (or pairs)."""
        f = "oq_contact_arrive"
        keep: List[Any] = []
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

    def _contact_op(self, f: str, contact: str, now_ms: Optional[int], *rest: Any) -> None:
        self._call(f, self._now(now_ms, f), to_bytes(contact, "contact", f), *rest)

    def offer_accept(self, contact: str, agent: str, *, now_ms: Optional[int] = None) -> None:
        """The agent accepts the contact offered to it (oq_offer_accept)."""
        f = "oq_offer_accept"
        self._contact_op(f, contact, now_ms, to_bytes(agent, "agent", f))

    def offer_reject(self, contact: str, agent: str, *, now_ms: Optional[int] = None) -> None:
        """The agent rejects the offer; the contact goes back to its queue
        (oq_offer_reject)."""
        f = "oq_offer_reject"
        self._contact_op(f, contact, now_ms, to_bytes(agent, "agent", f))

    def contact_abandon(self, contact: str, *, now_ms: Optional[int] = None) -> None:
        """The customer gave up before being answered (oq_contact_abandon)."""
        self._contact_op("oq_contact_abandon", contact, now_ms)

    def contact_complete(self, contact: str, *, now_ms: Optional[int] = None) -> None:
        """The agent finished handling the contact; wrap-up follows if the queue
        has one (oq_contact_complete)."""
        self._contact_op("oq_contact_complete", contact, now_ms)

    def contact_transfer(self, contact: str, queue: str, *,
                         now_ms: Optional[int] = None) -> None:
        """Move the contact to another queue (oq_contact_transfer)."""
        f = "oq_contact_transfer"
        self._contact_op(f, contact, now_ms, to_bytes(queue, "queue", f))

    def contact_request_callback(self, contact: str, *, now_ms: Optional[int] = None) -> None:
        """The customer asks to be called back: the waiting contact becomes a
        callback that keeps its place in its queue (oq_contact_request_callback)."""
        self._contact_op("oq_contact_request_callback", contact, now_ms)

    def contact_set_priority(self, contact: str, priority: int, *,
                             now_ms: Optional[int] = None) -> None:
        """Change a waiting contact's priority (oq_contact_set_priority)."""
        f = "oq_contact_set_priority"
        self._contact_op(f, contact, now_ms, to_int(priority, "priority", function=f))

    def contact_park(self, contact: str, reason: Optional[str] = None, *,
                     now_ms: Optional[int] = None) -> None:
        """Park a work order (waiting on the customer, say) (oq_contact_park)."""
        f = "oq_contact_park"
        self._contact_op(f, contact, now_ms, to_bytes(reason, "reason", f, optional=True))

    def contact_reopen(self, contact: str, queue: Optional[str] = None,
                       owner_wait_s: float = 0.0, *, now_ms: Optional[int] = None) -> None:
        """Reopen a parked work order, in its queue or another; its last owner
        gets ``owner_wait_s`` to take it first (oq_contact_reopen)."""
        f = "oq_contact_reopen"
        self._contact_op(f, contact, now_ms, to_bytes(queue, "queue", f, optional=True),
                         to_float(owner_wait_s, "owner_wait_s", f))

    def contact_escalate(self, contact: str, queue: str, reason: Optional[str] = None, *,
                         now_ms: Optional[int] = None) -> None:
        """Escalate a work order to another queue (oq_contact_escalate)."""
        f = "oq_contact_escalate"
        self._contact_op(f, contact, now_ms, to_bytes(queue, "queue", f),
                         to_bytes(reason, "reason", f, optional=True))

    def contact_transfer_to_agent(self, contact: str, agent: str, wait_s: float, *,
                                  now_ms: Optional[int] = None) -> None:
        """Transfer the contact to a named agent, waiting for it up to ``wait_s``
        (oq_contact_transfer_to_agent)."""
        f = "oq_contact_transfer_to_agent"
        self._contact_op(f, contact, now_ms, to_bytes(agent, "agent", f),
                         to_float(wait_s, "wait_s", f))

    def contact_remove(self, contact: str, *, now_ms: Optional[int] = None) -> None:
        """Remove the contact whatever its state (oq_contact_remove)."""
        self._contact_op("oq_contact_remove", contact, now_ms)

    def contact_get(self, id: str) -> ContactInfo:
        """A contact's state (oq_contact_get)."""
        out = _lib.padded(_lib.oq_contact_info)
        self._call("oq_contact_get", to_bytes(id, "id", "oq_contact_get"), byref(out))
        return _dataclass_from(ContactInfo, out, id=id if isinstance(id, str) else from_bytes(id),
                               state_name=contact_state_name(out.state),
                               kept_place_callback=bool(out.kept_place_callback))

    def customer_last_agent(self, customer: str) -> Optional[Tuple[str, int]]:
        """(agent id, served_ms) of the agent who last accepted a contact of
        ``customer`` in a queue with last_agent_window_s > 0, or None if the
        engine remembers none (oq_customer_last_agent)."""
        f = "oq_customer_last_agent"
        agent = c_char_p()
        served = c_int64()
        try:
            self._call(f, to_bytes(customer, "customer", f), byref(agent), byref(served))
        except OmniqError as err:
            if err.status == OQ_ENOTFOUND:
                return None
            raise
        return from_bytes(agent.value) or "", int(served.value)

    def contact_history(self, contact: str) -> List[HistoryEntry]:
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

    def contact_position(self, contact: str) -> Tuple[int, float]:
        """(position, ewt_s) of a QUEUED contact."""
        f = "oq_contact_position"
        pos, ewt = c_int32(), c_double()
        self._call(f, to_bytes(contact, "contact", f), byref(pos), byref(ewt))
        return pos.value, ewt.value

    # ---- statistics (omniq/stats.h) -------------------------------------------------------

    def _stats_symbol(self, symbol: str) -> None:
        if not hasattr(self._lib, symbol):
            raise NotImplementedError(
                f"Engine: the loaded libomniq ({_lib.library_path()}) has no statistics "
                f"module ({symbol}, omniq/stats.h); build a newer libomniq")

    def stats_configure(self, *, now_ms: Optional[int] = None, **options: Any) -> None:
        """Configure statistics (oq_stats_configure) and start collecting afresh.

        Options (the fields of oq_stats_options; unspecified ones take the C
        defaults of oq_stats_options_init, not the values in force):
        ``interval_s`` (900), ``window_s`` (1800), ``window_bucket_s`` (60),
        ``short_abandon_s`` (5), ``ring_size`` (96), ``wait_bounds_s`` (a
        sequence of at most 16 strictly increasing bounds; default 10, 20, 30,
        60, 120, 300), ``attribution`` (OQ_ATTRIBUTION_EVENT, 0: answers and
        abandonments count in the interval where they happen;
        OQ_ATTRIBUTION_ARRIVAL, 1: in the interval where the contact's wait
        began — docs/statistics.md). Allowed only while the engine holds no
        contact.
        ``now_ms`` is accepted for symmetry and ignored (collection restarts at
        the engine's clock)."""
        f = "oq_stats_configure"
        self._stats_symbol(f)
        spec = _new_spec(_lib.oq_stats_options, "oq_stats_options_init")
        bounds = options.pop("wait_bounds_s", None)
        for key in ("n_wait_bounds",):
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

    def stats_options(self) -> _stats.StatsOptions:
        """The statistics options in force, as omniq.stats.StatsOptions."""
        f = "oq_stats_get_options"
        self._stats_symbol(f)
        out = _lib.padded(_lib.oq_stats_options)
        self._call(f, byref(out))
        return _stats.options_from_c(out)

    def stats_reset_day(self, *, now_ms: Optional[int] = None) -> None:
        """Start a new statistics day at now_ms (oq_stats_reset_day)."""
        f = "oq_stats_reset_day"
        self._stats_symbol(f)
        self._call(f, self._now(now_ms, f))

    def _stats_read(self, f: str, scope: str, key: Optional[str], period: _stats.Period,
                    allowed: Sequence[int]) -> _stats.QueueStats:
        self._stats_symbol(f)
        p = _stats.period_value(period, f, allowed)
        out = _lib.padded(_lib.oq_queue_stats)
        if scope == "center":
            self._call(f, p, byref(out))
            return _stats.queue_stats_from_c(out, scope, None)
        data = to_bytes(key, scope, f)
        self._call(f, data, p, byref(out))
        return _stats.queue_stats_from_c(out, scope, from_bytes(data))

    def stats_queue(self, queue: str, period: _stats.Period = "day") -> _stats.QueueStats:
        """A queue's figures for ``period`` ("day", "interval", "window" or
        OQ_PERIOD_*) as omniq.stats.QueueStats (oq_stats_queue)."""
        return self._stats_read("oq_stats_queue", "queue", queue, period, _ALL_PERIODS)

    def stats_channel(self, channel: str, period: _stats.Period = "day") -> _stats.QueueStats:
        """A channel's figures (oq_stats_channel); see stats_queue."""
        return self._stats_read("oq_stats_channel", "channel", channel, period, _ALL_PERIODS)

    def stats_center(self, period: _stats.Period = "day") -> _stats.QueueStats:
        """The whole center's figures (oq_stats_center); see stats_queue."""
        return self._stats_read("oq_stats_center", "center", None, period, _ALL_PERIODS)

    def stats(self, queue: Optional[str] = None,
              period: _stats.Period = "day") -> _stats.QueueStats:
        """Shorthand: stats_queue(queue, period), or stats_center(period) without a queue."""
        if queue is None:
            return self.stats_center(period)
        return self.stats_queue(queue, period)

    def stats_interval_count(self) -> int:
        """Number of closed intervals kept (oq_stats_interval_count)."""
        f = "oq_stats_interval_count"
        self._stats_symbol(f)
        n = c_int32()
        self._call(f, byref(n))
        return n.value

    def stats_intervals(self, queue: Optional[str] = None, *,
                        channel: Optional[str] = None) -> List[_stats.QueueStats]:
        """The kept closed intervals of a queue, a channel (``channel=``) or,
        with neither, the center: a list of QueueStats (period OQ_PERIOD_CLOSED),
        oldest first (the last element is the interval closed most recently,
        k = 0 of oq_stats_interval_*)."""
        if queue is not None and channel is not None:
            raise bad("channel", "give a queue or a channel, not both", "stats_intervals")
        key: Optional[bytes]
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
        out: List[_stats.QueueStats] = []
        for k in reversed(range(self.stats_interval_count())):
            st = _lib.padded(_lib.oq_queue_stats)
            if key is None:
                self._call(f, k, byref(st))
            else:
                self._call(f, key, k, byref(st))
            out.append(_stats.queue_stats_from_c(st, scope, ident))
        return out

    def stats_agent(self, agent: str, period: _stats.Period = "day") -> _stats.AgentStats:
        """An agent's figures ("day" or "interval") as omniq.stats.AgentStats,
        with not-ready time per reason (oq_stats_agent_reason) and contacts
        handled per channel (oq_stats_agent_channel)."""
        f = "oq_stats_agent"
        self._stats_symbol(f)
        key = to_id(agent, "agent", f)
        p = _stats.period_value(period, f, (OQ_PERIOD_INTERVAL, OQ_PERIOD_DAY))
        out = _lib.padded(_lib.oq_agent_stats)
        self._call(f, key, p, byref(out))
        reasons: Dict[str, float] = {}
        for k in range(max(0, out.n_reasons) + 1):
            r = _lib.padded(_lib.oq_reason_stats)
            self._call("oq_stats_agent_reason", key, p, k, byref(r))
            name = from_bytes(r.reason) or ""
            if k < out.n_reasons or r.seconds > 0:
                reasons[name] = reasons.get(name, 0.0) + r.seconds
        channels: Dict[str, int] = {}
        if hasattr(self._lib, "oq_config_count"):
            for ch in self.config_ids("channel"):
                if ch is not None:
                    channels[ch] = self._agent_channel(key, ch, p)
        return _dataclass_from(_stats.AgentStats, out, id=from_bytes(key), reasons=reasons,
                               channels=channels)

    def stats_agent_reason(self, agent: str, k: int,
                           period: _stats.Period = "day") -> Tuple[Optional[str], float]:
        """(reason, seconds) of an agent's k-th not-ready reason (k = n_reasons: "(other)")."""
        f = "oq_stats_agent_reason"
        self._stats_symbol(f)
        p = _stats.period_value(period, f, (OQ_PERIOD_INTERVAL, OQ_PERIOD_DAY))
        r = _lib.padded(_lib.oq_reason_stats)
        self._call(f, to_bytes(agent, "agent", f), p, to_int(k, "k", function=f), byref(r))
        return from_bytes(r.reason), r.seconds

    def stats_agent_channel(self, agent: str, channel: str,
                            period: _stats.Period = "day") -> int:
        """Contacts of ``channel`` the agent completed in ``period``."""
        f = "oq_stats_agent_channel"
        self._stats_symbol(f)
        p = _stats.period_value(period, f, (OQ_PERIOD_INTERVAL, OQ_PERIOD_DAY))
        return self._agent_channel(to_id(agent, "agent", f), channel, p)

    def _agent_channel(self, agent: bytes, channel: str, period: int) -> int:
        f = "oq_stats_agent_channel"
        v = c_int64()
        self._call(f, agent, to_bytes(channel, "channel", f), period, byref(v))
        return v.value

    # ---- snapshots and the journal (omniq/snapshot.h) ------------------------------------------

    @staticmethod
    def _snapshot_symbol(what: str, symbol: str) -> None:
        if not _lib.has_symbol(symbol):
            raise NotImplementedError(
                f"Engine.{what}: the loaded libomniq ({_lib.library_path()}) has no snapshot "
                f"support (symbol {symbol}, omniq/snapshot.h); build a newer libomniq")

    def snapshot(self) -> bytes:
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
    def restore(cls: Type[EngineT], data: Union[bytes, bytearray, memoryview],
                on_event: Optional[EventCallback] = None, *,
                callback_errors: str = "raise", scorer: Optional[ScoreCallback] = None,
                max_candidates: int = 0) -> EngineT:
        """A new engine rebuilt from :meth:`snapshot` bytes
        (``oq_engine_restore_buffer``). Seed, clock and every setting come
        from the snapshot; ``on_event`` and ``callback_errors`` are as for
        ``Engine()``, ``scorer`` and ``max_candidates`` as for ``Engine()``
        (a snapshot with host_score queues needs them). The restore emits no
        event and the journal is off.
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
        self._score_options(opts, scorer, max_candidates, f)
        out = c_void_p()
        err = _lib.padded(_lib.oq_error)
        st = int(self._lib.oq_engine_restore_buffer(byref(opts), data, len(data), byref(out),
                                                    byref(err)))
        if st != 0:
            raise error_from(st, err, f)
        self._ptr = out
        return self

    def set_journal(self, callback: Optional[JournalCallback]) -> None:
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
            self._call(f, ctypes.cast(0, _lib.oq_journal_fn), None)  # a NULL pointer: stop
            self._journal = None
            return
        cfunc = _lib.oq_journal_fn(_Journal(callback, self._dispatch, self._lib))
        self._call(f, cfunc, None)
        self._journal = cfunc  # alive as long as the engine may call it

    def journal_apply(self, record: Union[bytes, bytearray, memoryview]) -> None:
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
        err = _lib.padded(_lib.oq_error)
        self._call(f, record, len(record), byref(err))

    def journal_seq(self) -> int:
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
        return int(v.value)

    def set_journal_seq(self, next_seq: int) -> None:
        """Set the sequence number of the next journal record, 1..2**62
        (``oq_engine_set_journal_seq``): for a standby built from the
        configuration whose log starts at a known number. Not journaled."""
        f = "oq_engine_set_journal_seq"
        self._handle(f)
        self._snapshot_symbol("set_journal_seq()", f)
        self._call(f, to_int(next_seq, "next_seq", 0, 2**64 - 1, f))


def journal_action_name(action: int) -> str:
    """Static name of an OQ_J_* journal action ("contact_arrive"); "unknown" for others."""
    f = "oq_journal_action_name"
    Engine._snapshot_symbol("journal_action_name()", f)
    return str(_lib.load().oq_journal_action_name(to_int(action, "action", function=f)).decode())


def journal_record_seq(record: Union[bytes, bytearray, memoryview]) -> int:
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
    err = _lib.padded(_lib.oq_error)
    st = _lib.load().oq_journal_record_seq(record, len(record), byref(seq), byref(err))
    if st != 0:
        raise error_from(st, err, f)
    return int(seq.value)


class _Journal:
    """Called by C for every journal record: copies it and calls the Python
    callback; exceptions go to the engine's dispatcher (never into C)."""

    __slots__ = ("callback", "dispatch", "lib")

    def __init__(self, callback: JournalCallback, dispatch: _Dispatcher, lib: Any) -> None:
        self.callback, self.dispatch, self.lib = callback, dispatch, lib

    def __call__(self, rec_ptr: Any, _user: Any) -> None:
        try:
            rec = rec_ptr.contents
            data = ctypes.string_at(rec.data, rec.len) if rec.len else b""
            name = self.lib.oq_journal_action_name(rec.action).decode()
            self.callback(name, rec.now_ms, data)
        except BaseException as exc:  # never let an exception unwind into C
            self.dispatch.errors.append(exc)
