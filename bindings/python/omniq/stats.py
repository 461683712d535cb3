# SPDX-License-Identifier: MIT
"""``omniq.stats``: statistics value objects and service-level helpers (omniq/stats.h).

The figures themselves are read through the engine: ``Engine.stats_queue``,
``stats_channel``, ``stats_center``, ``stats_intervals``, ``stats_agent`` (see
docs/python.md and docs/statistics.md for the definitions). This module holds
the frozen dataclasses they return and the service-level definitions:

    from omniq import stats
    s = engine.stats_queue("sales", "interval")
    stats.service_level(s, stats.SL_OFFERED)          # oq_stats_service_level
    stats.service_level(s, "answered")                # by name
    stats.definition_name(stats.SL_ANSWERED)          # oq_sl_definition_name
"""

from ctypes import byref, c_double
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Sequence, Tuple, Union

from . import _lib
from ._fields import QueueStatsFields
from .constants import (OQ_PERIOD_CLOSED, OQ_PERIOD_DAY, OQ_PERIOD_INTERVAL,
                        OQ_PERIOD_WINDOW, OQ_SL_ANSWERED, OQ_SL_ANSWERED_ABANDONED,
                        OQ_SL_ASTERISK_SL2, OQ_SL_OFFERED, OQ_SL_OFFERED_NO_SHORT)
from .errors import OmniqError, bad, status_str, to_float, to_int

Period = Union[str, int]          # "day", "interval", "window" or OQ_PERIOD_*
Definition = Union[str, int]      # a name of DEFINITIONS or OQ_SL_*

__all__ = ["QueueStats", "AgentStats", "StatsOptions", "service_level", "definition_name",
           "DEFINITIONS", "PERIODS", "SL_ANSWERED_ABANDONED", "SL_OFFERED",
           "SL_OFFERED_NO_SHORT", "SL_ANSWERED", "SL_ASTERISK_SL2", "period_value"]

SL_ANSWERED_ABANDONED = OQ_SL_ANSWERED_ABANDONED   # A / (answered + abandoned)
SL_OFFERED = OQ_SL_OFFERED                         # A / offered
SL_OFFERED_NO_SHORT = OQ_SL_OFFERED_NO_SHORT       # A / (offered - short abandons)
SL_ANSWERED = OQ_SL_ANSWERED                       # A / answered
SL_ASTERISK_SL2 = OQ_SL_ASTERISK_SL2               # (A + B) / (answered + abandoned)

# Short names of the definitions, and the QueueStats field holding each.
DEFINITIONS = {
    "answered_abandoned": SL_ANSWERED_ABANDONED,
    "offered": SL_OFFERED,
    "offered_no_short": SL_OFFERED_NO_SHORT,
    "answered": SL_ANSWERED,
    "asterisk_sl2": SL_ASTERISK_SL2,
}
_SL_FIELD = {v: "sl_" + k for k, v in DEFINITIONS.items()}

PERIODS = {"interval": OQ_PERIOD_INTERVAL, "window": OQ_PERIOD_WINDOW, "day": OQ_PERIOD_DAY}
_PERIOD_NAMES = {v: k for k, v in PERIODS.items()}
_PERIOD_NAMES[OQ_PERIOD_CLOSED] = "closed"


def period_value(period: Period, function: str,
                 allowed: Sequence[int] = (OQ_PERIOD_INTERVAL, OQ_PERIOD_WINDOW,
                                           OQ_PERIOD_DAY)) -> int:
    """"day" / "interval" / "window" or an OQ_PERIOD_* int -> the int."""
    if isinstance(period, str):
        if period not in PERIODS:
            raise bad("period", f"unknown period {period!r} (known: {', '.join(PERIODS)})",
                      function)
        period = PERIODS[period]
    value = to_int(period, "period", function=function)
    if value not in allowed:
        names = ", ".join(_PERIOD_NAMES[p] for p in allowed)
        raise bad("period", f"{value} is not allowed here (allowed: {names})", function)
    return value


def _definition_value(definition: Definition, function: str) -> int:
    if isinstance(definition, str):
        if definition not in DEFINITIONS:
            raise bad("definition", f"unknown definition {definition!r} (known: "
                      f"{', '.join(DEFINITIONS)})", function)
        return DEFINITIONS[definition]
    return to_int(definition, "definition", function=function)


def definition_name(definition: Definition) -> str:
    """The C library's name of a definition (oq_sl_definition_name):
    ``"answered_within_t/(answered+abandoned)"``; "unknown" for others."""
    d = _definition_value(definition, "oq_sl_definition_name")
    return str(_lib.load().oq_sl_definition_name(d).decode())


# ---- value objects ---------------------------------------------------------------------


@dataclass(frozen=True)
class QueueStats(QueueStatsFields):
    """Figures of a queue, a channel or the center for one period (oq_queue_stats).

    Every field of the C struct, with the same name (``QueueStatsFields``,
    generated from the header: a statistic added to oq_queue_stats appears
    here by regenerating ``_fields.py``); the wait histograms are tuples of
    ``n_wait_bounds + 1`` buckets. ``scope`` is "queue", "channel" or
    "center" and ``id`` the queue / channel id (None for the center)."""
    scope: str = "center"
    id: Optional[str] = None

    @property
    def period_name(self) -> str:
        """The period's name: "interval", "window", "day" or "closed"."""
        return _PERIOD_NAMES.get(self.period, str(self.period))

    @property
    def service_levels(self) -> Dict[int, float]:
        """{definition constant: service level} for every OQ_SL_* definition."""
        return {d: float(getattr(self, f)) for d, f in _SL_FIELD.items()}

    def service_level(self, definition: Definition = SL_ANSWERED_ABANDONED) -> float:
        """This figure's service level under ``definition`` (constant or name)."""
        return service_level(self, definition)


@dataclass(frozen=True)
class AgentStats:
    """Figures of one agent (oq_agent_stats), plus ``reasons`` — not-ready
    seconds per reason (oq_stats_agent_reason; "(other)" sums the reasons past
    the first OQ_STATS_REASONS_MAX) — and ``channels`` — contacts handled per
    channel (oq_stats_agent_channel), for every channel of the engine."""
    id: str
    period: int
    state: int
    start_ms: int
    end_ms: int
    offline_s: float
    ready_s: float
    not_ready_s: float
    busy_s: float
    wrapup_s: float
    logged_in_s: float
    occupancy: float
    utilisation: float
    handled: int
    aht_s: float
    mean_talk_s: float
    mean_wrapup_s: float
    offers: int
    offers_accepted: int
    offers_rejected: int
    offers_timed_out: int
    n_reasons: int
    dropped: int
    reasons: Dict[str, float] = field(default_factory=dict)
    channels: Dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class StatsOptions:
    """The statistics options in force (oq_stats_options)."""
    ring_size: int
    interval_s: float
    window_s: float
    window_bucket_s: float
    short_abandon_s: float
    wait_bounds_s: Tuple[float, ...]
    attribution: int = 0  # OQ_ATTRIBUTION_EVENT (0) or OQ_ATTRIBUTION_ARRIVAL (1)


# ---- conversions ------------------------------------------------------------------------

_QS_FIELDS = [n for n, _ in _lib.oq_queue_stats._fields_ if n != "struct_size"]
_HIST = ("wait_hist_answered", "wait_hist_abandoned")


def queue_stats_from_c(st: Any, scope: str, id: Optional[str]) -> QueueStats:
    """A QueueStats from an oq_queue_stats (binding internal)."""
    kw: Dict[str, Any] = {"scope": scope, "id": id}
    nb = max(0, min(st.n_wait_bounds, _lib.OQ_STATS_BOUNDS_MAX))
    for name in _QS_FIELDS:
        v = getattr(st, name)
        if name in _HIST:
            v = tuple(v[:nb + 1])
        kw[name] = v
    return QueueStats(**kw)


def queue_stats_to_c(stats: QueueStats, function: str) -> Any:
    """An oq_queue_stats from a QueueStats (binding internal)."""
    if not isinstance(stats, QueueStats):
        raise bad("stats", f"expected an omniq.stats.QueueStats, got {type(stats).__name__}",
                  function)
    st = _lib.padded(_lib.oq_queue_stats)
    for name in _QS_FIELDS:
        v = getattr(stats, name)
        if name in _HIST:
            arr = getattr(st, name)
            for i, x in enumerate(v[:len(arr)]):
                arr[i] = x
        else:
            setattr(st, name, v)
    return st


def options_from_c(o: Any) -> StatsOptions:
    """A StatsOptions from an oq_stats_options (binding internal)."""
    n = max(0, min(o.n_wait_bounds, _lib.OQ_STATS_BOUNDS_MAX))
    return StatsOptions(o.ring_size, o.interval_s, o.window_s, o.window_bucket_s,
                        o.short_abandon_s, tuple(o.wait_bounds_s[:n]), o.attribution)


def service_level(stats: QueueStats, definition: Definition = SL_ANSWERED_ABANDONED,
                  if_empty: float = 0.0) -> float:
    """Service level of a :class:`QueueStats` under ``definition`` (OQ_SL_*
    constant or a name of :data:`DEFINITIONS`), computed by the C library
    (oq_stats_service_level_if_empty): a fraction in [0, 1]; ``if_empty``
    (in [0, 1]) when the denominator is 0 — 0, the engine's convention, by
    default; 1 is the simulator's and the planner's."""
    engine_convention = isinstance(if_empty, (int, float)) and if_empty == 0
    f = "oq_stats_service_level" if engine_convention else "oq_stats_service_level_if_empty"
    d = _definition_value(definition, f)
    st = queue_stats_to_c(stats, f)
    out = c_double()
    lib = _lib.load()
    if engine_convention:
        rc = int(lib.oq_stats_service_level(byref(st), d, byref(out)))
    else:
        rc = int(lib.oq_stats_service_level_if_empty(byref(st), d,
                                                     to_float(if_empty, "if_empty", f), byref(out)))
    if rc != 0:
        raise OmniqError(rc, f"definition {d}, if_empty {if_empty}: {status_str(rc)}", f)
    return out.value

