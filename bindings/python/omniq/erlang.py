# SPDX-License-Identifier: MIT
"""Service-level mathematics: Erlang B, C, A, chat concurrency, staffing and plans.

Plain functions over ``omniq/erlang.h``. Loads are in Erlangs, times in
seconds, agent counts are ``int``. Invalid arguments (negative, NaN, a target
outside (0, 1), ...) raise :class:`omniq.OmniqError` with status ``OQ_EINVAL``;
an answer that does not fit an ``int32`` agent count raises it with
``OQ_ERANGE``. Unstable Erlang C queues (agents <= load) are not errors:
P(wait) = 1, service level 0, ASA ``math.inf``.
"""

import ctypes
import math
from ctypes import byref, c_double, c_int32
from dataclasses import dataclass, fields
from typing import List

from . import _lib
from .constants import OQ_ERANGE
from .errors import OmniqError, bad, status_str, to_float, to_int

__all__ = [
    "erlang_b", "erlang_c", "service_level", "asa", "occupancy",
    "agents_for_service_level", "agents_for_asa", "agents_for_occupancy", "scheduled",
    "erlang_a", "ErlangAResult", "erlang_a_agents", "erlang_a_agents_abandon",
    "staffing", "StaffingResult", "chat", "ChatResult", "chat_agents",
    "plan", "Plan", "PlanInterval", "PlanTotals",
]


def _call(name, *args, **shown):
    status = getattr(_lib.load(), name)(*args)
    if status != 0:
        detail = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        raise OmniqError(status, f"{status_str(status)} ({detail})", name)


def _occupancy_guard(function, load, max_occupancy):
    """Work around a hang in the C library: oq_erlang_agents_occupancy (also
    used by oq_erlang_staffing / oq_erlang_plan with max_occupancy) loops for
    ever once load / max_occupancy exceeds 2**53 (n += 1.0 stops changing n).
    Any answer above INT32_MAX is OQ_ERANGE anyway, so answer that first."""
    if (0.0 < max_occupancy <= 1.0 and 0.0 <= load < math.inf
            and load / max_occupancy > 2.0 ** 31 + 16):
        raise OmniqError(OQ_ERANGE, f"{status_str(OQ_ERANGE)} (load={load!r}, "
                         f"max_occupancy={max_occupancy!r}: more than INT32_MAX agents)",
                         function)


def _to_struct(dc, st):
    return dc(**{f.name: getattr(st, f.name) for f in fields(dc)})


# ---- Erlang B and C ----------------------------------------------------------------

def erlang_b(load, agents):
    """Blocking probability of ``load`` Erlangs on ``agents`` servers (M/M/N/N)."""
    f = "oq_erlang_b"
    a, n = to_float(load, "load", f), to_int(agents, "agents", function=f)
    out = c_double()
    _call(f, a, n, byref(out), load=a, agents=n)
    return out.value


def erlang_c(load, agents):
    """Probability that an arriving contact waits (M/M/N); 1 when agents <= load."""
    f = "oq_erlang_c"
    a, n = to_float(load, "load", f), to_int(agents, "agents", function=f)
    out = c_double()
    _call(f, a, n, byref(out), load=a, agents=n)
    return out.value


def service_level(load, agents, aht_s, threshold_s):
    """Erlang C P(wait <= threshold_s) for mean handle time ``aht_s``."""
    f = "oq_erlang_c_service_level"
    a, n = to_float(load, "load", f), to_int(agents, "agents", function=f)
    h, t = to_float(aht_s, "aht_s", f), to_float(threshold_s, "threshold_s", f)
    out = c_double()
    _call(f, a, n, h, t, byref(out), load=a, agents=n, aht_s=h, threshold_s=t)
    return out.value


def asa(load, agents, aht_s):
    """Erlang C average speed of answer in seconds (``math.inf`` if unstable)."""
    f = "oq_erlang_c_asa"
    a, n, h = to_float(load, "load", f), to_int(agents, "agents", function=f), \
        to_float(aht_s, "aht_s", f)
    out = c_double()
    _call(f, a, n, h, byref(out), load=a, agents=n, aht_s=h)
    return out.value


def occupancy(load, agents):
    """Agent occupancy load / agents (1 when saturated)."""
    f = "oq_erlang_occupancy"
    a, n = to_float(load, "load", f), to_int(agents, "agents", function=f)
    out = c_double()
    _call(f, a, n, byref(out), load=a, agents=n)
    return out.value


def agents_for_service_level(load, aht_s, threshold_s, target):
    """Smallest N whose Erlang C service level within threshold_s is >= target."""
    f = "oq_erlang_c_agents"
    a, h = to_float(load, "load", f), to_float(aht_s, "aht_s", f)
    t, g = to_float(threshold_s, "threshold_s", f), to_float(target, "target", f)
    out = c_int32()
    _call(f, a, h, t, g, byref(out), load=a, aht_s=h, threshold_s=t, target=g)
    return out.value


def agents_for_asa(load, aht_s, max_asa_s):
    """Smallest N whose Erlang C ASA is <= max_asa_s."""
    f = "oq_erlang_c_agents_asa"
    a, h, m = (to_float(load, "load", f), to_float(aht_s, "aht_s", f),
               to_float(max_asa_s, "max_asa_s", f))
    out = c_int32()
    _call(f, a, h, m, byref(out), load=a, aht_s=h, max_asa_s=m)
    return out.value


def agents_for_occupancy(load, max_occupancy):
    """Smallest N with load / N <= max_occupancy (at least 1 when load > 0)."""
    f = "oq_erlang_agents_occupancy"
    a, m = to_float(load, "load", f), to_float(max_occupancy, "max_occupancy", f)
    _occupancy_guard(f, a, m)
    out = c_int32()
    _call(f, a, m, byref(out), load=a, max_occupancy=m)
    return out.value


def scheduled(required, shrinkage):
    """Scheduled agents: ceil(required / (1 - shrinkage))."""
    f = "oq_erlang_scheduled"
    r, s = to_int(required, "required", function=f), to_float(shrinkage, "shrinkage", f)
    out = c_int32()
    _call(f, r, s, byref(out), required=r, shrinkage=s)
    return out.value


# ---- Erlang A ------------------------------------------------------------------------

@dataclass(frozen=True)
class ErlangAResult:
    p_wait: float
    p_abandon: float
    service_level: float
    asa_s: float
    occupancy: float


def erlang_a(load, agents, aht_s, patience_s, threshold_s):
    """Erlang A (M/M/N+M, exponential patience with mean ``patience_s``)."""
    f = "oq_erlang_a"
    a, n = to_float(load, "load", f), to_int(agents, "agents", function=f)
    h, p = to_float(aht_s, "aht_s", f), to_float(patience_s, "patience_s", f)
    t = to_float(threshold_s, "threshold_s", f)
    out = _lib.padded(_lib.oq_erlang_a_result)
    _call(f, a, n, h, p, t, byref(out), load=a, agents=n, aht_s=h, patience_s=p,
          threshold_s=t)
    return _to_struct(ErlangAResult, out)


def erlang_a_agents(load, aht_s, patience_s, threshold_s, target):
    """Smallest N whose Erlang A service level is >= target."""
    f = "oq_erlang_a_agents"
    a, h = to_float(load, "load", f), to_float(aht_s, "aht_s", f)
    p, t = to_float(patience_s, "patience_s", f), to_float(threshold_s, "threshold_s", f)
    g = to_float(target, "target", f)
    out = c_int32()
    _call(f, a, h, p, t, g, byref(out), load=a, aht_s=h, patience_s=p, threshold_s=t,
          target=g)
    return out.value


def erlang_a_agents_abandon(load, aht_s, patience_s, max_abandon):
    """Smallest N whose Erlang A P(abandon) is <= max_abandon."""
    f = "oq_erlang_a_agents_abandon"
    a, h = to_float(load, "load", f), to_float(aht_s, "aht_s", f)
    p, m = to_float(patience_s, "patience_s", f), to_float(max_abandon, "max_abandon", f)
    out = c_int32()
    _call(f, a, h, p, m, byref(out), load=a, aht_s=h, patience_s=p, max_abandon=m)
    return out.value


# ---- staffing --------------------------------------------------------------------------

_STAFFING_FIELDS = ("threshold_s", "target_sl", "max_asa_s", "max_occupancy", "patience_s",
                    "max_abandon", "shrinkage")


def _staffing_options(function, opts):
    st = _lib.padded(_lib.oq_staffing_options)
    status = _lib.load().oq_staffing_options_init(byref(st))
    if status != 0 or st.struct_size != ctypes.sizeof(_lib.oq_staffing_options):
        raise OmniqError(status or -1, "oq_staffing_options size mismatch between the "
                         "binding and the library", function)
    for key, value in opts.items():
        if key not in _STAFFING_FIELDS:
            raise bad(key, f"unknown staffing option (known: {', '.join(_STAFFING_FIELDS)})",
                      function)
        setattr(st, key, to_float(value, key, function))
    return st


@dataclass(frozen=True)
class StaffingResult:
    required: int
    scheduled: int
    service_level: float
    asa_s: float
    occupancy: float
    p_abandon: float


def staffing(load, aht_s, **options):
    """Agents meeting every constraint given as keyword options.

    Options (0 = no such constraint): ``threshold_s``, ``target_sl``,
    ``max_asa_s``, ``max_occupancy``, ``patience_s`` (> 0 selects Erlang A),
    ``max_abandon``, ``shrinkage``. At least one target must be set.
    """
    f = "oq_erlang_staffing"
    a, h = to_float(load, "load", f), to_float(aht_s, "aht_s", f)
    st = _staffing_options(f, options)
    _occupancy_guard(f, a, st.max_occupancy)
    out = _lib.padded(_lib.oq_staffing_result)
    _call(f, a, h, byref(st), byref(out), load=a, aht_s=h, **options)
    return _to_struct(StaffingResult, out)


# ---- chat concurrency ------------------------------------------------------------------

@dataclass(frozen=True)
class ChatResult:
    p_wait: float
    service_level: float
    asa_s: float
    occupancy: float           # agents holding at least one session / agents
    sessions_per_agent: float
    utilisation: float         # sessions in service / (agents x sessions per agent)


def _aht_array(aht_s, function):
    try:
        values = [to_float(v, "aht_s[]", function) for v in aht_s]
    except TypeError:
        raise bad("aht_s", "expected a sequence of handle times (one per concurrency level)",
                  function) from None
    if not 1 <= len(values) <= 64:
        raise bad("aht_s", f"needs 1..64 handle times, got {len(values)}", function)
    return (c_double * len(values))(*values), len(values)


def chat(load, agents, aht_s, threshold_s):
    """Chat concurrency model: ``aht_s[j-1]`` is the handle time at j sessions.

    ``len(aht_s)`` is the maximum sessions per agent.
    """
    f = "oq_erlang_chat"
    a, n = to_float(load, "load", f), to_int(agents, "agents", function=f)
    arr, k = _aht_array(aht_s, f)
    t = to_float(threshold_s, "threshold_s", f)
    out = _lib.padded(_lib.oq_erlang_chat_result)
    _call(f, a, n, k, arr, t, byref(out), load=a, agents=n, aht_s=list(arr), threshold_s=t)
    return _to_struct(ChatResult, out)


def chat_agents(load, aht_s, threshold_s, target):
    """Smallest N whose chat service level is >= target."""
    f = "oq_erlang_chat_agents"
    a = to_float(load, "load", f)
    arr, k = _aht_array(aht_s, f)
    t, g = to_float(threshold_s, "threshold_s", f), to_float(target, "target", f)
    out = c_int32()
    _call(f, a, k, arr, t, g, byref(out), load=a, aht_s=list(arr), threshold_s=t, target=g)
    return out.value


# ---- interval plan -----------------------------------------------------------------------

@dataclass(frozen=True)
class PlanInterval:
    load: float
    required: int
    scheduled: int
    service_level: float
    asa_s: float
    occupancy: float
    p_abandon: float


@dataclass(frozen=True)
class PlanTotals:
    contacts: float
    required_agent_hours: float
    scheduled_agent_hours: float
    peak_required: int
    peak_scheduled: int
    peak_interval: int
    service_level: float


@dataclass(frozen=True)
class Plan:
    intervals: List[PlanInterval]
    totals: PlanTotals


def plan(contacts, aht_s, interval_s=1800.0, **options):
    """Staffing plan for a run of intervals (a day of 30-minute intervals, say).

    ``contacts`` is a sequence of contacts offered per interval; ``aht_s`` a
    sequence of the same length or a single number for every interval.
    ``options`` are those of :func:`staffing`.
    """
    f = "oq_erlang_plan"
    try:
        cs = [to_float(c, "contacts[]", f) for c in contacts]
    except TypeError:
        raise bad("contacts", "expected a sequence of numbers", f) from None
    n = len(cs)
    if isinstance(aht_s, (int, float)) and not isinstance(aht_s, bool):
        hs = [to_float(aht_s, "aht_s", f)] * n
    else:
        try:
            hs = [to_float(h, "aht_s[]", f) for h in aht_s]
        except TypeError:
            raise bad("aht_s", "expected a number or a sequence of numbers", f) from None
        if len(hs) != n:
            raise bad("aht_s", f"has {len(hs)} values for {n} intervals", f)
    to_int(n, "len(contacts)", 0, function=f)
    iv = to_float(interval_s, "interval_s", f)
    st = _staffing_options(f, options)
    if iv > 0 and math.isfinite(iv):
        for c, h in zip(cs, hs):
            if c > 0 and h > 0:
                _occupancy_guard(f, c * h / iv, st.max_occupancy)
    carr = (c_double * max(n, 1))(*cs)
    harr = (c_double * max(n, 1))(*hs)
    # The rows array is the one out-parameter that cannot be padded per row:
    # oq_plan_interval has no struct_size, its layout is fixed by the ABI.
    rows = (_lib.oq_plan_interval * max(n, 1))()
    totals = _lib.padded(_lib.oq_plan_totals)
    _call(f, carr, harr, n, iv, byref(st), rows, byref(totals), n_intervals=n,
          interval_s=iv, **options)
    return Plan([_to_struct(PlanInterval, rows[i]) for i in range(n)],
                _to_struct(PlanTotals, totals))
