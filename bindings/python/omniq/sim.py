# SPDX-License-Identifier: MIT
"""``omniq.simulate``: discrete-event simulation of a center (omniq/sim.h).

The simulator drives the real engine with synthetic traffic (docs/simulation.md).
For every replication it creates a fresh engine and calls ``build(engine)``, a
Python callable that defines channels, skills, queues and agents on it:

    from omniq import simulate, Dist

    def build(e):
        e.channel_add("voice", exclusive=True)
        e.queue_add("sales", sla_threshold_s=20, offer_timeout_s=0)
        e.queue_add_channel("sales", "voice")
        for i in range(10):
            e.agent_add(f"a{i}")
            e.agent_login(f"a{i}")

    r = simulate(build, streams=[{"queue": "sales", "channel": "voice",
                                  "rate_per_hour": 140, "handle": ("exponential", 180)}],
                 replications=8, duration_s=6 * 3600, warmup_s=3600)
    r.total.summary.service_level.mean, r.total.summary.service_level.half_width

The engine given to ``build`` is *borrowed* (``engine.owned`` is False): the
simulator owns and destroys it; the wrapper is detached when ``build``
returns, so keeping it is harmless (it then acts as a closed engine).
``engine.replication_seed`` is the replication's seed. An exception raised by
``build`` makes the C build callback return an error status (the engine's own
status for an OmniqError, else OQ_ECONFIG); the run stops and ``simulate``
re-raises that very exception.
"""

import ctypes
import os
from ctypes import byref, c_char_p, c_int32, c_void_p
from dataclasses import dataclass, field, fields
from typing import (TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Sequence,
                    Tuple, Type, TypeVar, Union, cast)

from . import _lib
from .constants import (OQ_DIST_CONSTANT, OQ_DIST_EMPIRICAL, OQ_DIST_EXPONENTIAL,
                        OQ_DIST_GAMMA, OQ_DIST_LOGNORMAL, OQ_DIST_NONE, OQ_ECONFIG, OQ_EINVAL,
                        OQ_SIM_CHANNEL, OQ_SIM_ENGINE_STATS_ALL, OQ_SIM_ENGINE_STATS_LAST,
                        OQ_SIM_ENGINE_STATS_NONE, OQ_SIM_QUEUE, OQ_SIM_TOTAL)
from .errors import (CallbackError, OmniqError, bad, error_from, from_bytes, status_str,
                     to_bytes, to_float, to_int, to_int64)

if TYPE_CHECKING:
    from .engine import Counts, Engine, Event

T = TypeVar("T")
#: A distribution wherever one is expected: a Dist, None, a dict of Dist's
#: fields or a tuple such as ("exponential", 180) or ("empirical", [60, 120]).
DistLike = Union["Dist", None, Dict[str, Any], Tuple[Any, ...], List[Any]]

__all__ = ["simulate", "simulate_file", "SimulationResult", "ScopeResult", "SimStats",
           "Estimate", "Summary", "RunInfo", "Dist", "Stream", "SimAgent", "t975",
           "dist_name"]

_DIST_KINDS = {"none": OQ_DIST_NONE, "constant": OQ_DIST_CONSTANT,
               "exponential": OQ_DIST_EXPONENTIAL, "lognormal": OQ_DIST_LOGNORMAL,
               "gamma": OQ_DIST_GAMMA, "empirical": OQ_DIST_EMPIRICAL}


def _require(symbol: str, what: str) -> None:
    if not _lib.has_symbol(symbol):
        raise NotImplementedError(
            f"{what}: the loaded libomniq ({_lib.library_path()}) has no simulator "
            f"(symbol {symbol}, omniq/sim.h); build a newer libomniq")


def t975(dof: int) -> float:
    """Two-sided 95% Student t quantile t(0.975, dof), dof >= 1 (oq_sim_t975)."""
    _require("oq_sim_t975", "omniq.sim.t975")
    return float(_lib.load().oq_sim_t975(to_int(dof, "dof", 1, function="oq_sim_t975")))


def dist_name(kind: int) -> str:
    """Static name of an OQ_DIST_* kind ("exponential"); "unknown" for others."""
    _require("oq_sim_dist_name", "omniq.sim.dist_name")
    lib = _lib.load()
    return str(lib.oq_sim_dist_name(to_int(kind, "kind", function="oq_sim_dist_name")).decode())


# ---- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dist:
    """A distribution of seconds (oq_sim_dist). Build one with the static
    constructors, or write ``None`` (NONE), ``("exponential", 180)``,
    ``("lognormal", mean, sd)``, ``("gamma", mean, shape)``, ``("constant", 5)``,
    ``("empirical", [values])`` wherever a distribution is expected."""
    kind: int
    mean: float = 0.0
    param: float = 0.0
    values: Tuple[float, ...] = ()

    @property
    def name(self) -> str:
        """The kind's name ("exponential", ...)."""
        return dist_name(self.kind)

    @staticmethod
    def none() -> "Dist":
        """No distribution (no abandonment, an immediate response, ...)."""
        return Dist(OQ_DIST_NONE)

    @staticmethod
    def constant(value: float) -> "Dist":
        """Always ``value`` seconds."""
        return Dist(OQ_DIST_CONSTANT, value)

    @staticmethod
    def exponential(mean: float) -> "Dist":
        """Exponential with the given mean (seconds)."""
        return Dist(OQ_DIST_EXPONENTIAL, mean)

    @staticmethod
    def lognormal(mean: float, sd: float) -> "Dist":
        """Log-normal with the given mean and standard deviation (seconds)."""
        return Dist(OQ_DIST_LOGNORMAL, mean, sd)

    @staticmethod
    def gamma(mean: float, shape: float) -> "Dist":
        """Gamma with the given mean (seconds) and shape."""
        return Dist(OQ_DIST_GAMMA, mean, shape)

    @staticmethod
    def empirical(values: Iterable[float]) -> "Dist":
        """Drawn uniformly from the given sample of seconds."""
        return Dist(OQ_DIST_EMPIRICAL, values=tuple(values))


@dataclass(frozen=True)
class Stream:
    """One arrival stream (oq_sim_stream): Poisson arrivals of ``channel``
    contacts into ``queue``, at ``rate_per_hour`` or, with ``volumes``, the
    expected arrivals of each interval. Plain dicts with these keys work too."""
    queue: str
    channel: str
    rate_per_hour: float = 0.0
    volumes: Tuple[float, ...] = ()
    priority: int = 0
    handle: DistLike = ("exponential", 180.0)
    patience: DistLike = None


@dataclass(frozen=True)
class SimAgent:
    """How the simulator drives one agent (oq_sim_agent). ``shifts``:
    ``(start_s, end_s)`` pairs (login ready .. logout; none: the agent stays as
    built); ``breaks``: ``(start_s, end_s)`` or ``(start_s, end_s, reason)``.
    Plain dicts, or just the agent id, work too."""
    id: str
    accept_prob: float = 1.0
    response: DistLike = None
    shifts: Sequence[Tuple[float, float]] = ()
    breaks: Sequence[Union[Tuple[float, float], Tuple[float, float, Optional[str]]]] = ()


def _as(cls: Type[T], value: object, what: str, f: str) -> T:
    if isinstance(value, cls):
        return value
    if cls is SimAgent and isinstance(value, (str, bytes)):
        return cls(value)  # type: ignore[call-arg]
    if isinstance(value, dict):
        try:
            return cls(**value)
        except TypeError as exc:
            raise bad(what, str(exc), f) from None
    raise bad(what, f"expected an omniq.{cls.__name__} or a dict, got {type(value).__name__}",
              f)


def _seq(value: object, what: str, f: str) -> List[Any]:
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise bad(what, "expected a sequence", f)
    try:
        return list(cast(Iterable[Any], value))
    except TypeError:
        raise bad(what, "expected a sequence", f) from None


def _doubles(values: object, what: str, f: str, keep: List[Any]) -> Tuple[int, Any]:
    vals = [to_float(v, f"{what}[{i}]", f) for i, v in enumerate(_seq(values, what, f))]
    if len(vals) > 10_000_000:
        raise bad(what, "too many values", f)
    if not vals:
        return 0, None
    arr = (ctypes.c_double * len(vals))(*vals)
    keep.append(arr)
    return len(vals), ctypes.cast(arr, ctypes.POINTER(ctypes.c_double))


def _fill_dist(dst: Any, value: object, what: str, f: str, keep: List[Any]) -> None:
    if value is None:
        value = Dist.none()
    elif isinstance(value, (tuple, list)) and value and isinstance(value[0], str):
        name, *params = value
        if name not in _DIST_KINDS:
            raise bad(what, f"unknown distribution {name!r} (known: {', '.join(_DIST_KINDS)})",
                      f)
        kind = _DIST_KINDS[name]
        if kind == OQ_DIST_EMPIRICAL:
            if len(params) != 1:
                raise bad(what, "expected ('empirical', [values])", f)
            value = Dist(kind, values=params[0])
        else:
            if len(params) > 2:
                raise bad(what, f"expected ({name!r}, mean[, param])", f)
            value = Dist(kind, *params)
    elif isinstance(value, dict):
        value = _as(Dist, value, what, f)
    elif not isinstance(value, Dist):
        raise bad(what, "expected an omniq.Dist, None or a tuple such as "
                  "('exponential', 180)", f)
    dst.kind = to_int(value.kind, what + ".kind", function=f)
    dst.mean = to_float(value.mean, what + ".mean", f)
    dst.param = to_float(value.param, what + ".param", f)
    if value.kind == OQ_DIST_EMPIRICAL or value.values:
        dst.n_values, dst.values = _doubles(value.values, what + ".values", f, keep)


def _windows(items: object, what: str, f: str, keep: List[Any],
             with_reason: bool) -> Tuple[int, Any]:
    seq = _seq(items, what, f)
    if not seq:
        return 0, None
    arr = (_lib.oq_sim_window * len(seq))()
    for i, w in enumerate(seq):
        w = _seq(w, f"{what}[{i}]", f)
        if len(w) not in ((2, 3) if with_reason else (2,)):
            raise bad(f"{what}[{i}]", "expected (start_s, end_s" +
                      (", reason)" if with_reason else ")"), f)
        arr[i].start_s = to_float(w[0], f"{what}[{i}].start_s", f)
        arr[i].end_s = to_float(w[1], f"{what}[{i}].end_s", f)
        if len(w) == 3:
            r = to_bytes(w[2], f"{what}[{i}].reason", f, optional=True)
            keep.append(r)
            arr[i].reason = r
    keep.append(arr)
    return len(seq), ctypes.cast(arr, ctypes.POINTER(_lib.oq_sim_window))


# ---- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimStats:
    """Figures of one replication or one interval (oq_sim_stats)."""
    offered: int
    answered: int
    answered_in_t: int
    abandoned: int
    abandoned_short: int
    waited: int
    rejected: int
    unfinished: int
    in_service: int
    wait_answered_s: float
    wait_abandoned_s: float
    max_wait_s: float
    handle_s: float
    busy_s: float
    staffed_s: float
    ready_s: float
    service_level: float
    service_level_offered: float
    p_wait: float
    asa_s: float
    abandon_rate: float
    aht_s: float
    occupancy: float


@dataclass(frozen=True)
class Estimate:
    """Mean over replications and its two-sided 95% confidence interval."""
    mean: float
    half_width: float
    low: float
    high: float
    sd: float
    n: int

    def covers(self, value: float, tolerance: float = 0.0) -> bool:
        """Whether |value - mean| <= half_width + tolerance."""
        return abs(value - self.mean) <= self.half_width + tolerance


@dataclass(frozen=True)
class Summary:
    """oq_sim_summary: an Estimate per figure (occupancy: total scope only)."""
    replications: int
    offered: Estimate
    service_level: Estimate
    service_level_offered: Estimate
    p_wait: Estimate
    asa_s: Estimate
    abandon_rate: Estimate
    aht_s: Estimate
    occupancy: Estimate


@dataclass(frozen=True)
class RunInfo:
    """One replication's accounting (oq_sim_run_info)."""
    seed: int
    contacts: int
    completed: int
    abandoned: int
    rejected: int
    removed: int
    in_system: int
    sim_events: int
    engine_events: int
    stale: int
    end_ms: int
    engine_contacts: int
    check_status: int


@dataclass(frozen=True)
class ScopeResult:
    """Results of one scope: "total", a queue or a channel."""
    scope: str                        # "total", "queue" or "channel"
    index: int
    id: str                           # "total", the queue id or the channel id
    summary: Summary
    replications: Tuple[SimStats, ...]  # whole-window figures per replication
    intervals: Tuple[SimStats, ...]     # per arrival interval, pooled over replications


@dataclass(frozen=True)
class SimulationResult:
    """What :func:`simulate` returns: the total, per-queue and per-channel
    results, and each replication's accounting."""
    seed: int
    n_replications: int
    interval_s: float
    total: ScopeResult
    queues: Dict[str, ScopeResult]
    channels: Dict[str, ScopeResult]
    runs: Tuple[RunInfo, ...]         # per replication
    final_counts: Optional["Counts"] = None  # the last replication's engine at its end
    inspected: Any = None             # what inspect(engine) returned, if given
    events: int = field(default=0)    # events passed to on_event
    # the center's service level per interval across replications, with its 95% confidence
    # interval (oq_sim_interval_service_level); None when not kept (too many cells)
    interval_service_level: Optional[Tuple[Estimate, ...]] = None


def _estimate(e: Any) -> Estimate:
    return Estimate(e.mean, e.half_width, e.low, e.high, e.sd, e.n)


def _from(dc: Type[T], st: Any) -> T:
    return dc(**{fd.name: getattr(st, fd.name) for fd in fields(dc)})


class _SimHandle:
    """Owns an oq_sim*; calls check the status and raise OmniqError."""

    def __init__(self, lib: Any, ptr: Optional[c_void_p]) -> None:
        self.lib, self.ptr = lib, ptr

    def call(self, name: str, *args: Any) -> None:
        st = int(getattr(self.lib, name)(self.ptr, *args))
        if st != 0:
            msg = from_bytes(self.lib.oq_sim_last_error(self.ptr)) or status_str(st)
            raise OmniqError(st, msg, name)

    def get(self, name: str, *args: Any) -> None:
        """A result getter: its message comes back in an oq_error (it does
        not change the simulator's last error)."""
        err = _lib.oq_error()
        st = int(getattr(self.lib, name)(self.ptr, *args, byref(err)))
        if st != 0:
            raise error_from(st, err, name)

    def destroy(self) -> None:
        ptr, self.ptr = self.ptr, None
        if ptr:
            self.lib.oq_sim_destroy(ptr)


class _Build:
    """The C build callback: runs the Python build on a borrowed Engine."""

    def __init__(self, build: Callable[["Engine"], object]) -> None:
        self.build = build
        self.error: Optional[BaseException] = None
        self.calls = 0

    def __call__(self, eptr: Any, seed: int, _user: Any) -> int:
        from .engine import Engine
        self.calls += 1
        try:
            eng = Engine._borrow(eptr)
        except BaseException as exc:  # never unwind into C
            self.error = exc
            return OQ_ECONFIG
        eng.replication_seed = seed
        try:
            self.build(eng)
            return 0
        except OmniqError as exc:
            self.error = exc
            return exc.status if exc.status < 0 else OQ_ECONFIG
        except BaseException as exc:
            self.error = exc
            return OQ_ECONFIG
        finally:
            eng.close()  # detach: the engine belongs to the simulator


_SCOPES = ((OQ_SIM_QUEUE, "queue"), (OQ_SIM_CHANNEL, "channel"))


_ENGINE_STATS = {"last": OQ_SIM_ENGINE_STATS_LAST, "all": OQ_SIM_ENGINE_STATS_ALL,
                 "none": OQ_SIM_ENGINE_STATS_NONE}


def _engine_stats(value: Optional[str], f: str) -> Optional[int]:
    """oq_sim_options.engine_stats from "last" / "all" / "none" (None: the C default)."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in _ENGINE_STATS:
        raise bad("engine_stats", f"must be 'last', 'all' or 'none', got {value!r}", f)
    return _ENGINE_STATS[value]


def simulate(build: Callable[["Engine"], object],
             streams: Sequence[Union[Stream, Dict[str, Any]]],
             agents: Sequence[Union[SimAgent, Dict[str, Any], str]] = (), *, seed: int = 1,
             replications: int = 10, duration_s: Optional[float] = None,
             warmup_s: Optional[float] = None, drain_s: Optional[float] = None,
             interval_s: Optional[float] = None, start_ms: Optional[int] = None,
             short_abandon_s: Optional[float] = None,
             default_accept_prob: Optional[float] = None,
             default_response: DistLike = None, check: bool = False,
             on_event: Optional[Callable[["Event"], object]] = None,
             inspect: Optional[Callable[["Engine"], object]] = None,
             engine_stats: Optional[str] = None) -> SimulationResult:
    """Simulate the center ``build`` defines under ``streams`` of traffic.

    ``build(engine)``: defines the center on each replication's fresh engine.
    ``streams``: Stream objects or dicts (queue, channel, rate_per_hour or
    volumes, priority, handle, patience); ``agents``: SimAgent objects, dicts
    or ids (accept_prob, response, shifts, breaks) — agents not listed answer
    with ``default_accept_prob`` after ``default_response``. Options left at
    None take the C defaults (duration 86400 s, warm-up 0, drain 86400 s,
    interval 900 s, start 0, short abandon 0). Replication r uses seed
    ``seed + r``; the same arguments give the same results. ``check=True``
    runs oq_engine_check after every replication (``RunInfo.check_status``).
    ``on_event(event)`` sees every engine event (exceptions are collected and
    raised as CallbackError after the run). ``inspect(engine)`` is called with
    the last replication's engine (borrowed) after the run; its return value
    is ``result.inspected``. ``engine_stats``: which replication engines keep
    the engine's own statistics (oq_sim_options.engine_stats) — "last" (the C
    default: the one ``inspect`` sees), "all", or "none" (fastest; ``inspect``
    then gets an engine whose statistics reads raise OQ_ESTATE). The
    simulation's results are the same whichever is chosen.
    """
    f = "omniq.simulate"
    stats_mode = _engine_stats(engine_stats, f)
    if not callable(build):
        raise bad("build", "must be a callable build(engine)", f)
    if on_event is not None and not callable(on_event):
        raise bad("on_event", "must be callable or None", f)
    if inspect is not None and not callable(inspect):
        raise bad("inspect", "must be callable or None", f)
    stream_list = [_as(Stream, s, f"streams[{i}]", f)
                   for i, s in enumerate(_seq(streams, "streams", f))]
    if not stream_list:
        raise bad("streams", "at least one stream is required", f)
    agent_list = [_as(SimAgent, a, f"agents[{i}]", f)
                  for i, a in enumerate(_seq(agents, "agents", f))]
    seed = to_int(seed, "seed", 0, 2 ** 64 - 1, f)
    replications = to_int(replications, "replications", 1, 2 ** 31 - 1, f)
    _require("oq_sim_run", f)
    lib = _lib.load()
    keep: List[Any] = []

    opts = _lib.padded(_lib.oq_sim_options)
    lib.oq_sim_options_init(byref(opts))
    if opts.struct_size != ctypes.sizeof(_lib.oq_sim_options):
        raise OmniqError(OQ_EINVAL, f"oq_sim_options: the library's struct_size "
                         f"{opts.struct_size} differs from the binding's "
                         f"{ctypes.sizeof(_lib.oq_sim_options)} (mismatched library version)",
                         "oq_sim_options_init")
    opts.seed = seed
    opts.replications = replications
    for name, value in (("duration_s", duration_s), ("warmup_s", warmup_s),
                        ("drain_s", drain_s), ("interval_s", interval_s),
                        ("short_abandon_s", short_abandon_s),
                        ("default_accept_prob", default_accept_prob)):
        if value is not None:
            setattr(opts, name, to_float(value, name, f))
    if start_ms is not None:
        opts.start_ms = to_int64(start_ms, "start_ms", f)
    if default_response is not None:
        _fill_dist(opts.default_response, default_response, "default_response", f, keep)
    opts.check = 1 if check else 0
    if stats_mode is not None:
        opts.engine_stats = stats_mode

    sarr = (_lib.oq_sim_stream * len(stream_list))()
    for i, s in enumerate(stream_list):
        w = f"streams[{i}]"
        st = sarr[i]
        lib.oq_sim_stream_init(byref(st))
        st.queue = _kept(to_bytes(s.queue, w + ".queue", f), keep)
        st.channel = _kept(to_bytes(s.channel, w + ".channel", f), keep)
        st.rate_per_hour = to_float(s.rate_per_hour, w + ".rate_per_hour", f)
        st.priority = to_int(s.priority, w + ".priority", function=f)
        st.n_volumes, st.volumes = _doubles(s.volumes, w + ".volumes", f, keep)
        _fill_dist(st.handle, s.handle, w + ".handle", f, keep)
        _fill_dist(st.patience, s.patience, w + ".patience", f, keep)
    keep.append(sarr)
    opts.n_streams = len(stream_list)
    opts.streams = ctypes.cast(sarr, ctypes.POINTER(_lib.oq_sim_stream))

    if agent_list:
        aarr = (_lib.oq_sim_agent * len(agent_list))()
        for i, a in enumerate(agent_list):
            w = f"agents[{i}]"
            ag = aarr[i]
            lib.oq_sim_agent_init(byref(ag))
            ag.id = _kept(to_bytes(a.id, w + ".id", f), keep)
            ag.accept_prob = to_float(a.accept_prob, w + ".accept_prob", f)
            _fill_dist(ag.response, a.response, w + ".response", f, keep)
            ag.n_shifts, ag.shifts = _windows(a.shifts, w + ".shifts", f, keep, False)
            ag.n_breaks, ag.breaks = _windows(a.breaks, w + ".breaks", f, keep, True)
        keep.append(aarr)
        opts.n_agents = len(agent_list)
        opts.agents = ctypes.cast(aarr, ctypes.POINTER(_lib.oq_sim_agent))

    trampoline = _Build(build)
    cbuild = _lib.oq_sim_build_fn(trampoline)  # alive until the simulator is destroyed
    keep.append(cbuild)
    opts.build = cbuild
    return _run(lib, opts, seed, replications, on_event, inspect, trampoline, keep)


def _run(lib: Any, opts: Any, seed: int, replications: int,
         on_event: Optional[Callable[["Event"], object]],
         inspect: Optional[Callable[["Engine"], object]], trampoline: Optional[_Build],
         keep: List[Any]) -> SimulationResult:
    """Check the options, create and run the simulator, collect the results.
    ``opts`` is complete except for the event sink; ``keep`` holds what its
    pointers reference (freed only after the simulator is destroyed)."""
    dispatch = None
    counter = [0]
    if on_event is not None:
        from .engine import _Dispatcher
        dispatch = _Dispatcher(on_event)

        user_callback: Callable[["Event"], object] = on_event

        def counting(ev: "Event") -> None:
            counter[0] += 1
            user_callback(ev)
        dispatch.callback = counting
        cevent = _lib.oq_event_fn(dispatch)
        keep.append(cevent)
        opts.on_event = cevent

    out = c_void_p()
    cerr = _lib.padded(_lib.oq_error)
    # the check first: it allocates nothing (oq_sim_create checks the same)
    st = int(lib.oq_sim_options_check(byref(opts), byref(cerr)))
    if st == 0:
        st = int(lib.oq_sim_create(byref(opts), byref(out), byref(cerr)))
    if st != 0:
        raise error_from(st, cerr, "oq_sim_create")
    sim = _SimHandle(lib, out)
    try:
        try:
            sim.call("oq_sim_run")
        except OmniqError as exc:
            if trampoline is not None and trampoline.error is not None:
                err = trampoline.error
                trampoline.error = None
                raise err from None
            if dispatch is not None and dispatch.errors:
                exc.callback_errors = list(dispatch.errors)
            raise
        result = _collect(sim, seed, replications, opts.interval_s, inspect)
        if dispatch is not None:
            result = _replace_events(result, counter[0])
            if dispatch.errors:
                errors = list(dispatch.errors)
                raise CallbackError(errors) from errors[0]
        return result
    finally:
        sim.destroy()  # only now may the callbacks and borrowed arrays go
        del keep


def _kept(data: T, keep: List[Any]) -> T:
    keep.append(data)
    return data


def _replace_events(result: SimulationResult, n: int) -> SimulationResult:
    import dataclasses
    return dataclasses.replace(result, events=n)


def _collect(sim: _SimHandle, seed: int, replications: int, interval_s: float,
             inspect: Optional[Callable[["Engine"], object]]) -> SimulationResult:
    from .engine import Engine
    n_int = c_int32()
    sim.call("oq_sim_interval_count", byref(n_int))

    def scope_result(scope: int, name: str, index: int) -> ScopeResult:
        ident = c_char_p()
        sim.call("oq_sim_scope_id", scope, index, byref(ident))
        summ = _lib.padded(_lib.oq_sim_summary)
        sim.get("oq_sim_summarize", scope, index, byref(summ))
        summary = Summary(summ.replications,
                          *[_estimate(getattr(summ, n)) for n in _lib.SIM_SUMMARY_FIGURES])
        reps: List[SimStats] = []
        for r in range(replications):
            s = _lib.padded(_lib.oq_sim_stats)
            sim.get("oq_sim_replication_stats", r, scope, index, byref(s))
            reps.append(_from(SimStats, s))
        ints: List[SimStats] = []
        for i in range(n_int.value):
            s = _lib.padded(_lib.oq_sim_stats)
            sim.get("oq_sim_interval_stats", i, scope, index, byref(s))
            ints.append(_from(SimStats, s))
        return ScopeResult(name, index, from_bytes(ident.value) or "", summary, tuple(reps),
                           tuple(ints))

    total = scope_result(OQ_SIM_TOTAL, "total", 0)
    groups: Dict[str, Dict[str, ScopeResult]] = {}
    for scope, name in _SCOPES:
        n = c_int32()
        sim.call("oq_sim_scope_count", scope, byref(n))
        groups[name] = {}
        for i in range(n.value):
            sr = scope_result(scope, name, i)
            groups[name][sr.id] = sr
    runs: List[RunInfo] = []
    for r in range(replications):
        info = _lib.padded(_lib.oq_sim_run_info)
        sim.get("oq_sim_run_info_get", r, byref(info))
        runs.append(_from(RunInfo, info))
    counts: Optional["Counts"] = None
    inspected: object = None
    eptr = sim.lib.oq_sim_engine(sim.ptr)
    if eptr:
        eng = Engine._borrow(eptr)
        try:
            counts = eng.counts()
            if inspect is not None:
                inspected = inspect(eng)
        finally:
            eng.close()
    band: Optional[List[Estimate]] = []
    for i in range(n_int.value):
        est = _lib.padded(_lib.oq_sim_estimate)
        if sim.lib.oq_sim_interval_service_level(sim.ptr, i, byref(est)) != 0:
            band = None  # OQ_ERANGE: too many replications x intervals to keep
            break
        assert band is not None
        band.append(_estimate(est))
    return SimulationResult(seed, replications, interval_s, total, groups["queue"],
                            groups["channel"], tuple(runs), counts, inspected,
                            interval_service_level=tuple(band) if band is not None else None)


def simulate_file(path: Union[str, "os.PathLike[str]"], seed: Optional[int] = None,
                  replications: Optional[int] = None, *, check: Optional[bool] = None,
                  on_event: Optional[Callable[["Event"], object]] = None,
                  inspect: Optional[Callable[["Engine"], object]] = None,
                  engine_stats: Optional[str] = None) -> SimulationResult:
    """Simulate a scenario file: a YAML configuration plus a ``simulation:``
    section (streams, agents, shifts, replications; docs/config.md, "Scenario
    files"), loaded with ``oq_scenario_load_file``.

    Everything comes from the file; ``seed``, ``replications`` and ``check``
    override it when not None. ``on_event``, ``inspect`` and ``engine_stats``
    are as for :func:`simulate`. A file that does not load raises OmniqError
    (OQ_ECONFIG) whose message is ``file:line:column: what``, with ``.line``,
    ``.column`` and ``.path`` (e.g. "simulation.streams[2].handle.mean").
    Raises NotImplementedError if the loaded libomniq has no scenario loader.
    """
    f = "omniq.simulate_file"
    try:
        fspath = os.fspath(path)
    except TypeError:
        raise bad("path", f"expected a path, got {type(path).__name__}", f) from None
    bpath = to_bytes(fspath, "path", f)
    if seed is not None:
        seed = to_int(seed, "seed", 0, 2 ** 64 - 1, f)
    if replications is not None:
        replications = to_int(replications, "replications", 1, 2 ** 31 - 1, f)
    stats_mode = _engine_stats(engine_stats, f)
    if on_event is not None and not callable(on_event):
        raise bad("on_event", "must be callable or None", f)
    if inspect is not None and not callable(inspect):
        raise bad("inspect", "must be callable or None", f)
    if not _lib.has_symbol("oq_scenario_load_file"):
        raise NotImplementedError(
            f"omniq.simulate_file: the loaded libomniq ({_lib.library_path()}) has no "
            "scenario loader (symbol oq_scenario_load_file); use omniq.simulate(build, "
            "streams, agents) or a newer libomniq")
    _require("oq_sim_run", f)
    lib = _lib.load()
    err = _lib.padded(_lib.oq_error)
    scn = c_void_p()
    st = int(lib.oq_scenario_load_file(bpath, byref(scn), byref(err)))
    if st != 0:
        raise error_from(st, err, "oq_scenario_load_file")
    try:
        opts = _lib.padded(_lib.oq_sim_options)
        st = int(lib.oq_scenario_options(scn, byref(opts), None))
        if st != 0:
            raise OmniqError(st, status_str(st), "oq_scenario_options")
        if opts.struct_size != ctypes.sizeof(_lib.oq_sim_options):
            raise OmniqError(OQ_EINVAL, f"oq_sim_options: the library's struct_size "
                             f"{opts.struct_size} differs from the binding's "
                             f"{ctypes.sizeof(_lib.oq_sim_options)} (mismatched library "
                             "version)", "oq_scenario_options")
        if seed is not None:
            opts.seed = seed
        if replications is not None:
            opts.replications = replications
        if check is not None:
            opts.check = 1 if check else 0
        if stats_mode is not None:
            opts.engine_stats = stats_mode
        # build: the scenario's own C callback (oq_scenario_build on each fresh engine)
        return _run(lib, opts, opts.seed, opts.replications, on_event, inspect, None, [])
    finally:
        lib.oq_scenario_free(scn)  # the options point into it: only after the run
