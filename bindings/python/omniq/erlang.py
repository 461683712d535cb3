# SPDX-License-Identifier: MIT
"""Service-level mathematics: Erlang B, C, A, chat concurrency, staffing and plans.

Plain functions over ``omniq/erlang.h``. Loads are in Erlangs, times in
seconds, agent counts are ``int``. An argument outside its domain (negative,
NaN, a target outside (0, 1), ...) raises :class:`omniq.InvalidArgument` (a
``ValueError``, status ``OQ_EINVAL``) whose message names that argument
(``oq_erlang_c_agents: target: must be in (0, 1), got 1.5``); an answer that
does not fit an ``int32`` agent count raises :class:`omniq.OutOfRange`
(``OQ_ERANGE``). Unstable Erlang C queues (agents <= load) are not errors:
P(wait) = 1, service level 0, ASA ``math.inf``.
"""

import ctypes
import math
from ctypes import byref, c_double, c_int32
from dataclasses import dataclass, fields
from typing import Any, Callable, Dict, Iterable, List, Sequence, Tuple, Type, TypeVar, Union

from . import _lib
from .constants import OQ_ERANGE
from .errors import INT32_MAX, OmniqError, bad, from_bytes, status_str, to_float, to_int

__all__ = [
    "erlang_b", "erlang_b_agents", "erlang_b_load", "erlang_c", "service_level", "asa",
    "occupancy", "agents_for_service_level", "agents_for_asa", "agents_for_occupancy",
    "scheduled", "erlang_a", "ErlangAResult", "erlang_a_agents", "erlang_a_agents_abandon",
    "staffing", "StaffingResult", "chat", "ChatResult", "chat_agents",
    "plan", "Plan", "PlanInterval", "PlanTotals",
]

T = TypeVar("T")


def _call(name: str, *args: Any, **shown: object) -> None:
    """Call C; the arguments were checked, so a failure is OQ_ERANGE (or a rule
    the binding does not know yet): report it with every argument."""
    status = int(getattr(_lib.load(), name)(*args))
    if status != 0:
        detail = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        extra = " (more than INT32_MAX agents)" if status == OQ_ERANGE else ""
        raise OmniqError(status, f"{status_str(status)}{extra} ({detail})", name)


def _call_result(name: str, *args: Any, **shown: object) -> None:
    """_call for a function that fills a result struct and takes a trailing
    oq_error: the library's message (naming the argument or the struct) leads."""
    err = _lib.padded(_lib.oq_error)
    status = int(getattr(_lib.load(), name)(*args, byref(err)))
    if status != 0:
        detail = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        extra = " (more than INT32_MAX agents)" if status == OQ_ERANGE else ""
        message = from_bytes(err.message) or status_str(status)
        raise OmniqError(status, f"{message}{extra} ({detail})", name)


def _to_struct(dc: Type[T], st: Any) -> T:
    return dc(**{f.name: getattr(st, f.name) for f in fields(dc)})


# ---- argument rules: each refusal names the argument ------------------------------------

def _number(f: str, name: str, value: object, ok: bool, rule: str) -> float:
    x = to_float(value, name, f)
    if not (math.isfinite(x) and ok):
        raise bad(name, f"must be {rule}, got {x!r}", f)
    return x


def _nonneg(f: str, name: str, value: object) -> float:
    x = to_float(value, name, f)
    return _number(f, name, x, x >= 0.0, "a finite number >= 0")


def _positive(f: str, name: str, value: object) -> float:
    x = to_float(value, name, f)
    return _number(f, name, x, x > 0.0, "a finite number > 0")


def _fraction(f: str, name: str, value: object) -> float:
    x = to_float(value, name, f)
    return _number(f, name, x, 0.0 < x < 1.0, "in (0, 1)")


def _agents(f: str, name: str, value: object) -> int:
    return to_int(value, name, 0, INT32_MAX, f)


# ---- Erlang B and C ----------------------------------------------------------------

def erlang_b(load: float, agents: int) -> float:
    """Blocking probability of ``load`` Erlangs on ``agents`` servers (M/M/N/N)."""
    f = "oq_erlang_b"
    a, n = _nonneg(f, "load", load), _agents(f, "agents", agents)
    out = c_double()
    _call(f, a, n, byref(out), load=a, agents=n)
    return out.value


def erlang_b_agents(load: float, max_blocking: float) -> int:
    """Smallest number of servers (lines, ports, agents with no queue) whose
    Erlang B blocking for ``load`` is <= ``max_blocking`` (in (0, 1)); 0 for
    no load (oq_erlang_b_agents)."""
    f = "oq_erlang_b_agents"
    a, b = _nonneg(f, "load", load), _fraction(f, "max_blocking", max_blocking)
    out = c_int32()
    _call(f, a, b, byref(out), load=a, max_blocking=b)
    return out.value


def erlang_b_load(agents: int, max_blocking: float) -> float:
    """Largest load (Erlangs) ``agents`` servers carry with Erlang B blocking
    <= ``max_blocking``: 15 lines at 1% carry 8.108 Erlangs (oq_erlang_b_load)."""
    f = "oq_erlang_b_load"
    n, b = _agents(f, "agents", agents), _fraction(f, "max_blocking", max_blocking)
    out = c_double()
    _call(f, n, b, byref(out), agents=n, max_blocking=b)
    return out.value


def erlang_c(load: float, agents: int) -> float:
    """Probability that an arriving contact waits (M/M/N); 1 when agents <= load."""
    f = "oq_erlang_c"
    a, n = _nonneg(f, "load", load), _agents(f, "agents", agents)
    out = c_double()
    _call(f, a, n, byref(out), load=a, agents=n)
    return out.value


def service_level(load: float, agents: int, aht_s: float, threshold_s: float) -> float:
    """Erlang C P(wait <= threshold_s) for mean handle time ``aht_s``."""
    f = "oq_erlang_c_service_level"
    a, n = _nonneg(f, "load", load), _agents(f, "agents", agents)
    h, t = _positive(f, "aht_s", aht_s), _nonneg(f, "threshold_s", threshold_s)
    out = c_double()
    _call(f, a, n, h, t, byref(out), load=a, agents=n, aht_s=h, threshold_s=t)
    return out.value


def asa(load: float, agents: int, aht_s: float) -> float:
    """Erlang C average speed of answer in seconds (``math.inf`` if unstable)."""
    f = "oq_erlang_c_asa"
    a, n = _nonneg(f, "load", load), _agents(f, "agents", agents)
    h = _positive(f, "aht_s", aht_s)
    out = c_double()
    _call(f, a, n, h, byref(out), load=a, agents=n, aht_s=h)
    return out.value


def occupancy(load: float, agents: int) -> float:
    """Agent occupancy load / agents (1 when saturated)."""
    f = "oq_erlang_occupancy"
    a, n = _nonneg(f, "load", load), _agents(f, "agents", agents)
    out = c_double()
    _call(f, a, n, byref(out), load=a, agents=n)
    return out.value


def agents_for_service_level(load: float, aht_s: float, threshold_s: float,
                             target: float) -> int:
    """Smallest N whose Erlang C service level within threshold_s is >= target."""
    f = "oq_erlang_c_agents"
    a, h = _nonneg(f, "load", load), _positive(f, "aht_s", aht_s)
    t, g = _nonneg(f, "threshold_s", threshold_s), _fraction(f, "target", target)
    out = c_int32()
    _call(f, a, h, t, g, byref(out), load=a, aht_s=h, threshold_s=t, target=g)
    return out.value


def agents_for_asa(load: float, aht_s: float, max_asa_s: float) -> int:
    """Smallest N whose Erlang C ASA is <= max_asa_s."""
    f = "oq_erlang_c_agents_asa"
    a, h = _nonneg(f, "load", load), _positive(f, "aht_s", aht_s)
    m = _positive(f, "max_asa_s", max_asa_s)
    out = c_int32()
    _call(f, a, h, m, byref(out), load=a, aht_s=h, max_asa_s=m)
    return out.value


def agents_for_occupancy(load: float, max_occupancy: float) -> int:
    """Smallest N with load / N <= max_occupancy (at least 1 when load > 0)."""
    f = "oq_erlang_agents_occupancy"
    a = _nonneg(f, "load", load)
    m = to_float(max_occupancy, "max_occupancy", f)
    _number(f, "max_occupancy", m, 0.0 < m <= 1.0, "in (0, 1]")
    out = c_int32()
    _call(f, a, m, byref(out), load=a, max_occupancy=m)
    return out.value


def scheduled(required: int, shrinkage: float) -> int:
    """Scheduled agents: ceil(required / (1 - shrinkage))."""
    f = "oq_erlang_scheduled"
    r = _agents(f, "required", required)
    s = to_float(shrinkage, "shrinkage", f)
    _number(f, "shrinkage", s, 0.0 <= s < 1.0, "in [0, 1)")
    out = c_int32()
    _call(f, r, s, byref(out), required=r, shrinkage=s)
    return out.value


# ---- Erlang A ------------------------------------------------------------------------

@dataclass(frozen=True)
class ErlangAResult:
    """Erlang A figures (oq_erlang_a_result)."""
    p_wait: float         # P(an arriving contact waits at all)
    p_abandon: float      # P(an arriving contact abandons)
    service_level: float  # P(answered within threshold) over all arrivals
    asa_s: float          # mean wait of the answered contacts
    occupancy: float      # busy agents / agents


def erlang_a(load: float, agents: int, aht_s: float, patience_s: float,
             threshold_s: float) -> ErlangAResult:
    """Erlang A (M/M/N+M, exponential patience with mean ``patience_s``)."""
    f = "oq_erlang_a"
    a, n = _nonneg(f, "load", load), _agents(f, "agents", agents)
    h, p = _positive(f, "aht_s", aht_s), _positive(f, "patience_s", patience_s)
    t = _nonneg(f, "threshold_s", threshold_s)
    out = _lib.padded(_lib.oq_erlang_a_result)
    _call_result(f, a, n, h, p, t, byref(out), load=a, agents=n, aht_s=h, patience_s=p,
          threshold_s=t)
    return _to_struct(ErlangAResult, out)


def erlang_a_agents(load: float, aht_s: float, patience_s: float, threshold_s: float,
                    target: float) -> int:
    """Smallest N whose Erlang A service level is >= target."""
    f = "oq_erlang_a_agents"
    a, h = _nonneg(f, "load", load), _positive(f, "aht_s", aht_s)
    p, t = _positive(f, "patience_s", patience_s), _nonneg(f, "threshold_s", threshold_s)
    g = _fraction(f, "target", target)
    out = c_int32()
    _call(f, a, h, p, t, g, byref(out), load=a, aht_s=h, patience_s=p, threshold_s=t,
          target=g)
    return out.value


def erlang_a_agents_abandon(load: float, aht_s: float, patience_s: float,
                            max_abandon: float) -> int:
    """Smallest N whose Erlang A P(abandon) is <= max_abandon."""
    f = "oq_erlang_a_agents_abandon"
    a, h = _nonneg(f, "load", load), _positive(f, "aht_s", aht_s)
    p, m = _positive(f, "patience_s", patience_s), _fraction(f, "max_abandon", max_abandon)
    out = c_int32()
    _call(f, a, h, p, m, byref(out), load=a, aht_s=h, patience_s=p, max_abandon=m)
    return out.value


# ---- staffing --------------------------------------------------------------------------

# Each staffing option: (the values it may take, as a test and as words).
_STAFFING_RULES: Dict[str, Tuple[Callable[[float], bool], str]] = {
    "threshold_s": (lambda x: x >= 0.0, "a finite number >= 0"),
    "target_sl": (lambda x: x == 0.0 or 0.0 < x < 1.0, "0 (none) or in (0, 1)"),
    "max_asa_s": (lambda x: x >= 0.0, "0 (none) or a finite number > 0"),
    "max_occupancy": (lambda x: x == 0.0 or 0.0 < x <= 1.0, "0 (none) or in (0, 1]"),
    "patience_s": (lambda x: x >= 0.0, "0 (Erlang C) or a finite number > 0 (Erlang A)"),
    "max_abandon": (lambda x: x == 0.0 or 0.0 < x < 1.0, "0 (none) or in (0, 1)"),
    "shrinkage": (lambda x: 0.0 <= x < 1.0, "in [0, 1)"),
}
_TARGETS = ("target_sl", "max_asa_s", "max_occupancy", "max_abandon")


def _staffing_options(function: str, opts: Dict[str, float]) -> Any:
    st = _lib.padded(_lib.oq_staffing_options)
    status = int(_lib.load().oq_staffing_options_init(byref(st)))
    if status != 0 or st.struct_size != ctypes.sizeof(_lib.oq_staffing_options):
        raise OmniqError(status or -1, "oq_staffing_options size mismatch between the "
                         "binding and the library", function)
    for key, value in opts.items():
        if key not in _STAFFING_RULES:
            raise bad(key, f"unknown staffing option (known: {', '.join(_STAFFING_RULES)})",
                      function)
        ok, rule = _STAFFING_RULES[key]
        x = to_float(value, key, function)
        setattr(st, key, _number(function, key, x, ok(x), rule))
    if st.max_abandon > 0.0 and st.patience_s == 0.0:
        raise bad("max_abandon", "needs patience_s > 0 (an Erlang A target)", function)
    if not any(getattr(st, k) > 0.0 for k in _TARGETS):
        raise bad("options", f"set at least one target ({', '.join(_TARGETS)})", function)
    return st


@dataclass(frozen=True)
class StaffingResult:
    """Agents needed and the figures they achieve (oq_staffing_result)."""
    required: int         # smallest N meeting every constraint
    scheduled: int        # ceil(required / (1 - shrinkage))
    service_level: float  # at `required`
    asa_s: float          # at `required` (Erlang A: of answered contacts)
    occupancy: float      # at `required`
    p_abandon: float      # at `required` (0 for Erlang C)
    p_wait: float         # at `required`: P(an arriving contact waits at all)


def staffing(load: float, aht_s: float, **options: float) -> StaffingResult:
    """Agents meeting every constraint given as keyword options.

    Options (0 = no such constraint): ``threshold_s``, ``target_sl``,
    ``max_asa_s``, ``max_occupancy``, ``patience_s`` (> 0 selects Erlang A),
    ``max_abandon``, ``shrinkage``. At least one target must be set.
    """
    f = "oq_erlang_staffing"
    a, h = _nonneg(f, "load", load), _positive(f, "aht_s", aht_s)
    st = _staffing_options(f, options)
    out = _lib.padded(_lib.oq_staffing_result)
    _call_result(f, a, h, byref(st), byref(out), load=a, aht_s=h, **options)
    return _to_struct(StaffingResult, out)


# ---- chat concurrency ------------------------------------------------------------------

@dataclass(frozen=True)
class ChatResult:
    """Chat concurrency figures (oq_erlang_chat_result)."""
    p_wait: float              # P(an arriving session waits)
    service_level: float       # P(wait <= threshold)
    asa_s: float               # mean wait over all sessions
    occupancy: float           # agents holding at least one session / N (agent time holding work)
    sessions_per_agent: float  # mean sessions in service / N
    utilisation: float         # mean sessions in service / (N k): session slots in use


def _aht_array(aht_s: Iterable[float], function: str) -> Tuple[Any, int]:
    try:
        values = [to_float(v, f"aht_s[{i}]", function) for i, v in enumerate(aht_s)]
    except TypeError:
        raise bad("aht_s", "expected a sequence of handle times (one per concurrency level)",
                  function) from None
    if not 1 <= len(values) <= 64:
        raise bad("aht_s", f"needs 1..64 handle times, got {len(values)}", function)
    for i, v in enumerate(values):
        _number(function, f"aht_s[{i}]", v, v > 0.0 and math.isfinite(1.0 / v),
                "a finite number > 0")
    return (c_double * len(values))(*values), len(values)


def chat(load: float, agents: int, aht_s: Sequence[float], threshold_s: float) -> ChatResult:
    """Chat concurrency model: ``aht_s[j-1]`` is the handle time at j sessions.

    ``len(aht_s)`` is the maximum sessions per agent.
    """
    f = "oq_erlang_chat"
    a, n = _nonneg(f, "load", load), _agents(f, "agents", agents)
    arr, k = _aht_array(aht_s, f)
    t = _nonneg(f, "threshold_s", threshold_s)
    out = _lib.padded(_lib.oq_erlang_chat_result)
    _call_result(f, a, n, k, arr, t, byref(out), load=a, agents=n, aht_s=list(arr), threshold_s=t)
    return _to_struct(ChatResult, out)


def chat_agents(load: float, aht_s: Sequence[float], threshold_s: float,
                target: float) -> int:
    """Smallest N whose chat service level is >= target."""
    f = "oq_erlang_chat_agents"
    a = _nonneg(f, "load", load)
    arr, k = _aht_array(aht_s, f)
    t, g = _nonneg(f, "threshold_s", threshold_s), _fraction(f, "target", target)
    out = c_int32()
    _call(f, a, k, arr, t, g, byref(out), load=a, aht_s=list(arr), threshold_s=t, target=g)
    return out.value


# ---- interval plan -----------------------------------------------------------------------

@dataclass(frozen=True)
class PlanInterval:
    """One interval of a plan (oq_plan_interval)."""
    load: float           # contacts * aht / interval_s, Erlangs
    required: int         # agents needed in the interval
    scheduled: int        # after shrinkage
    service_level: float  # at `required`
    asa_s: float          # at `required`
    occupancy: float      # at `required`
    p_abandon: float      # at `required` (0 for Erlang C)
    p_wait: float         # at `required`: P(an arriving contact waits at all)


@dataclass(frozen=True)
class PlanTotals:
    """Totals of a plan (oq_plan_totals)."""
    contacts: float
    required_agent_hours: float
    scheduled_agent_hours: float
    peak_required: int
    peak_scheduled: int
    peak_interval: int    # first interval with peak_required (-1 if none)
    service_level: float  # contact-weighted mean at `required`


@dataclass(frozen=True)
class Plan:
    """A staffing plan: one :class:`PlanInterval` per interval, and totals."""
    intervals: List[PlanInterval]
    totals: PlanTotals


def plan(contacts: Sequence[float], aht_s: Union[float, Sequence[float]],
         interval_s: float = 1800.0, **options: float) -> Plan:
    """Staffing plan for a run of intervals (a day of 30-minute intervals, say).

    ``contacts`` is a sequence of contacts offered per interval; ``aht_s`` a
    sequence of the same length or a single number for every interval.
    ``options`` are those of :func:`staffing`.
    """
    f = "oq_erlang_plan"
    try:
        cs = [_nonneg(f, f"contacts[{i}]", c) for i, c in enumerate(contacts)]
    except TypeError:
        raise bad("contacts", "expected a sequence of numbers", f) from None
    n = len(cs)
    if isinstance(aht_s, (int, float)) and not isinstance(aht_s, bool):
        hs = [to_float(aht_s, "aht_s", f)] * n
        names = ["aht_s"] * n
    else:
        try:
            hs = [to_float(h, f"aht_s[{i}]", f) for i, h in enumerate(aht_s)]
        except TypeError:
            raise bad("aht_s", "expected a number or a sequence of numbers", f) from None
        if len(hs) != n:
            raise bad("aht_s", f"has {len(hs)} values for {n} intervals", f)
        names = [f"aht_s[{i}]" for i in range(n)]
    to_int(n, "len(contacts)", 0, function=f)
    iv = _positive(f, "interval_s", interval_s)
    for i, (c, h) in enumerate(zip(cs, hs)):
        if c > 0.0:  # the handle time of an interval without contacts is ignored
            _positive(f, names[i], h)
            if not math.isfinite(c * h / iv):
                raise bad(f"contacts[{i}]", f"{c!r} contacts of {h!r} s in {iv!r} s is not "
                          "a finite load", f)
    st = _staffing_options(f, options)
    carr = (c_double * max(n, 1))(*cs)
    harr = (c_double * max(n, 1))(*hs)
    # The rows array is the one out-parameter that cannot be padded per row:
    # oq_plan_interval has no struct_size, its layout is fixed by the ABI.
    rows = (_lib.oq_plan_interval * max(n, 1))()
    totals = _lib.padded(_lib.oq_plan_totals)
    _call_result(f, carr, harr, n, iv, byref(st), rows, byref(totals), n_intervals=n,
          interval_s=iv, **options)
    return Plan([_to_struct(PlanInterval, rows[i]) for i in range(n)],
                _to_struct(PlanTotals, totals))
