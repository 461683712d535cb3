# SPDX-License-Identifier: MIT
"""Shift scheduling and rostering (排班) over ``omniq/schedule.h``.

    import omniq.schedule as sch
    p = sch.Problem.from_csv("staff.csv")            # 'start'/'interval' + 'required'
    p.load_shifts("shifts.yaml")                     # or p.add_template(sch.Template(...))
    r = p.solve(time_limit=10)                       # hard: cover every interval
    print(r.status, r.paid_hours, r.lower_bound, r.gap)
    for s in r.shifts:
        print(s.template, s.day, s.start_s, s.count, s.breaks)
    roster = r.roster([sch.Agent("alice", max_hours=40), ...])

Times are seconds (floats); days of the week are "mon" .. "sun". The solver
is chosen as in C: the exact network flow for break-free daily shifts, CBC
(libomniq_cbc, when it can be loaded) for breaks and tours, otherwise the
built-in LP bound + local search, which states its gap. A :class:`Result`
copies everything it reports when it is made; it keeps the C result only to
build rosters from it.
"""

import ctypes
import datetime
import os
from ctypes import byref, c_char_p, c_double, c_int32, c_void_p
from dataclasses import dataclass, field, fields
from typing import Any, Dict, List, NoReturn, Optional, Sequence, Tuple, Union

from . import _lib
from .errors import OmniqError, bad, from_bytes, status_str, to_bytes, to_float, to_int

__all__ = [
    "Break", "Template", "Tour", "Agent", "Problem", "Result", "Shift", "TourRow",
    "Roster", "AgentRoster", "RosterShift", "Violation", "RosterSummary", "cbc_available",
    "cbc_version", "load_agents", "DAYS",
]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EPOCH = datetime.date(1970, 1, 1)


def _mask(days: Any, what: str) -> int:
    if days is None:
        return 0x7F
    if isinstance(days, int) and not isinstance(days, bool):
        return int(days)
    if isinstance(days, str):
        days = [days]
    m = 0
    for d in days:
        if d not in DAYS:
            raise bad(what, f"{d!r} is not one of {', '.join(DAYS)}")
        m |= 1 << DAYS.index(d)
    return m


def _days_of(mask: int) -> List[str]:
    return [d for i, d in enumerate(DAYS) if (mask >> i) & 1]


def _raise(status: int, err: Any, function: str) -> NoReturn:
    msg = err.message.decode("utf-8", "replace") if err else status_str(status)
    raise OmniqError(status, msg or status_str(status), function)


def cbc_available() -> bool:
    """Whether libomniq_cbc (COIN-OR CBC) can be loaded."""
    return _lib.load_cbc() is not None


def cbc_version() -> Optional[str]:
    """CBC's version string, or None without libomniq_cbc."""
    lib = _lib.load_cbc()
    return from_bytes(lib.oq_schedule_cbc_version()) if lib else None


# ---- what a problem is made of ---------------------------------------------------

@dataclass
class Break:
    """A break ``length`` seconds long starting between ``earliest`` and
    ``latest`` seconds after its shift's start, every ``step`` (0: the interval)."""
    length: float
    earliest: float
    latest: float
    step: float = 0
    paid: bool = False


@dataclass
class Template:
    """A shift template (docs/scheduling.md). ``start_window`` is the earliest
    and latest start, seconds after midnight (the latest may pass midnight)."""
    name: str
    start_window: Tuple[float, float]
    length: float
    start_step: Optional[float] = None
    paid_hours: Optional[float] = None
    cost_per_hour: float = 1.0
    breaks: Sequence[Break] = ()
    days: Optional[Sequence[str]] = None
    max_per_start: int = 0
    max_per_day: int = 0
    skills: Sequence[str] = ()


@dataclass
class Tour:
    """A weekly pattern over a template: ``days_on`` days a week, the days off
    consecutive or not, the start within ``max_drift`` seconds every day."""
    name: str
    template: str
    days_on: int = 5
    consecutive_off: bool = True
    max_drift: float = 0
    max_count: int = 0


@dataclass
class Agent:
    """A named agent for rostering. Hours are paid hours per week;
    ``available`` is a list of (start_s, end_s) from the horizon's start."""
    id: str
    skills: Sequence[str] = ()
    min_hours: float = 0
    max_hours: float = 0
    work_days: Sequence[str] = ()
    off_days: Sequence[str] = ()
    available: Sequence[Tuple[float, float]] = ()
    min_rest: Optional[float] = None
    max_consecutive_days: int = 0


# ---- results ----------------------------------------------------------------------

@dataclass
class Shift:
    """A row of a schedule: ``count`` agents on template ``template`` from ``start_s`` to ``end_s``
    (seconds from the horizon's start); ``breaks`` as (start_s, end_s, paid)."""
    template: str
    tour: Optional[str]
    tour_row: int
    day: int
    start: int
    length: int
    count: int
    start_s: float
    end_s: float
    paid_hours: float
    cost: float
    breaks: List[Tuple[float, float, bool]] = field(default_factory=list)


@dataclass
class TourRow:
    """``count`` agents working the same week of tour ``tour``: the weekdays
    ``days`` and the shift rows ``shifts`` (indexes into Result.shifts)."""
    tour: str
    count: int
    days: List[str]
    shifts: List[int]


@dataclass
class RosterShift:
    """One shift of one agent: row ``shift_row`` of the schedule."""
    shift_row: int
    day: int
    start_s: float
    end_s: float
    paid_hours: float


@dataclass
class AgentRoster:
    """An agent's week: its shifts, paid hours, weekend and night shifts, and
    the (start_s, end_s) windows the simulator takes (oq_sim_agent)."""
    id: str
    hours: float
    weekend: int
    night: int
    shifts: List[RosterShift]
    sim_shifts: List[Tuple[float, float]]
    sim_breaks: List[Tuple[float, float]]


@dataclass
class Violation:
    """A rule a roster could not meet: "unassigned", "min_hours" or "work_day"."""
    rule: str
    agent: Optional[str]
    shift_row: int
    day: int
    message: str


@dataclass
class RosterSummary:
    """A roster's figures (oq_roster_summary)."""
    agents: int
    assigned: int
    unassigned: int
    violations: int
    seconds: float
    hours_min: float
    hours_max: float
    weekend_min: int
    weekend_max: int
    night_min: int
    night_max: int


class Roster:
    """Who works what: ``agents`` (one :class:`AgentRoster` per agent, with
    simulator-ready windows), ``violations`` and ``summary``."""

    def __init__(self, agents: List[AgentRoster], violations: List[Violation],
                 summary: RosterSummary) -> None:
        self.agents = agents
        self.violations = violations
        self.summary = summary


def _agent_structs(agents: Sequence[Agent]) -> Tuple[Any, List[Any]]:
    keep: List[Any] = []
    arr = (_lib.oq_roster_agent * max(1, len(agents)))()
    lib = _lib.load()
    for i, a in enumerate(agents):
        st = arr[i]
        lib.oq_roster_agent_init(byref(st))
        f = "Result.roster"
        st.id = to_bytes(a.id, f"agents[{i}].id", f)
        skills = (c_char_p * max(1, len(a.skills)))(
            *[to_bytes(s, f"agents[{i}].skills", f) for s in a.skills])
        keep.append(skills)
        st.skills = ctypes.cast(skills, ctypes.POINTER(c_char_p))
        st.n_skills = len(a.skills)
        st.min_hours = to_float(a.min_hours, f"agents[{i}].min_hours", f)
        st.max_hours = to_float(a.max_hours, f"agents[{i}].max_hours", f)
        st.work_days = _mask(list(a.work_days), f"agents[{i}].work_days")
        st.off_days = _mask(list(a.off_days), f"agents[{i}].off_days")
        win = (_lib.oq_sim_window * max(1, len(a.available)))()
        for k, (s0, s1) in enumerate(a.available):
            win[k].start_s, win[k].end_s = float(s0), float(s1)
        keep.append(win)
        st.available = ctypes.cast(win, ctypes.POINTER(_lib.oq_sim_window))
        st.n_available = len(a.available)
        st.min_rest_s = -1.0 if a.min_rest is None else to_float(a.min_rest, "min_rest", f)
        st.max_consecutive_days = to_int(a.max_consecutive_days, "max_consecutive_days",
                                         function=f)
    return arr, keep


class Result:
    """A solved schedule: figures, shift rows, tour rows and coverage."""

    def __init__(self, handle: int) -> None:
        lib = _lib.load()
        self._h: Optional[c_void_p] = c_void_p(handle)
        sm = _lib.padded(_lib.oq_schedule_summary)
        lib.oq_schedule_result_summary(self._h, byref(sm), None)
        self.status: str = from_bytes(lib.oq_schedule_status_name(sm.status)) or ""
        self.solver: str = from_bytes(lib.oq_schedule_result_solver(self._h)) or ""
        self.message: str = from_bytes(lib.oq_schedule_result_message(self._h)) or ""
        self.objective: float = sm.objective
        self.cost: float = sm.cost
        self.paid_hours: float = sm.paid_hours
        self.lower_bound: float = sm.lower_bound
        self.gap: float = sm.gap
        self.seconds: float = sm.seconds
        self.cpu_seconds: float = sm.cpu_seconds
        self.under_hours: float = sm.under_hours
        self.over_hours: float = sm.over_hours
        self.under: int = sm.under
        self.over: int = sm.over
        self.agents: int = sm.agents
        self.n_intervals: int = sm.n_intervals
        hz = _lib.padded(_lib.oq_schedule_horizon)
        lib.oq_schedule_result_horizon(self._h, byref(hz), None)
        self.interval: float = hz.interval_s
        self.days: int = hz.days
        self.first_date: datetime.date = _EPOCH + datetime.timedelta(days=hz.first_date)
        self.shifts: List[Shift] = []
        for i in range(sm.n_shifts):
            s = _lib.padded(_lib.oq_schedule_shift)
            lib.oq_schedule_result_shift(self._h, i, byref(s), None)
            brk = []
            for k in range(s.n_breaks):
                b = _lib.padded(_lib.oq_schedule_break)
                lib.oq_schedule_result_break(self._h, i, k, byref(b), None)
                brk.append((float(b.start_s), float(b.end_s), bool(b.paid)))
            tour = (from_bytes(lib.oq_schedule_result_tour_name(self._h, s.tour_index))
                    if s.tour_index >= 0 else None)
            self.shifts.append(Shift(
                from_bytes(lib.oq_schedule_result_template_name(self._h, s.template_index))
                or "",
                tour, s.tour_row, s.day, s.start, s.length, s.count, s.start_s, s.end_s,
                s.paid_hours, s.cost, brk))
        self.tours: List[TourRow] = []
        for i in range(sm.n_tours):
            t = _lib.padded(_lib.oq_schedule_tour_row)
            lib.oq_schedule_result_tour(self._h, i, byref(t), None)
            self.tours.append(TourRow(
                from_bytes(lib.oq_schedule_result_tour_name(self._h, t.tour_index)) or "", t.count,
                _days_of(t.days), list(range(t.first_shift, t.first_shift + t.n_shifts))))
        n = sm.n_intervals
        req, cov = (c_int32 * n)(), (c_int32 * n)()
        lib.oq_schedule_result_required(self._h, req, n)
        lib.oq_schedule_result_coverage(self._h, cov, n)
        self.required: List[int] = list(req)
        self.coverage: List[int] = list(cov)

    def roster(self, agents: Sequence[Agent], min_rest: float = 39600.0,
               max_consecutive_days: int = 6, night: Tuple[float, float] = (79200.0, 21600.0),
               time_limit: float = 5.0, seed: int = 1) -> Roster:
        """Give every agent-shift to one of ``agents`` (a list of :class:`Agent`)."""
        if self._h is None:
            raise bad("Result.roster", "the result is closed")
        lib = _lib.load()
        f = "Result.roster"
        arr, keep = _agent_structs(list(agents))
        o = _lib.padded(_lib.oq_roster_options)
        lib.oq_roster_options_init(byref(o))
        o.min_rest_s = to_float(min_rest, "min_rest", f)
        o.max_consecutive_days = to_int(max_consecutive_days, "max_consecutive_days", function=f)
        o.night_start_s, o.night_end_s = float(night[0]), float(night[1])
        o.time_limit_s = to_float(time_limit, "time_limit", f)
        o.seed = to_int(seed, "seed", 0, 2 ** 64 - 1, f)
        h = c_void_p()
        err = _lib.oq_error()
        st = lib.oq_roster_build(self._h, arr, len(agents), byref(o), byref(h), byref(err))
        del keep
        if st != 0:
            _raise(st, err, "oq_roster_build")
        try:
            out: List[AgentRoster] = []
            for a, ag in enumerate(agents):
                cnt = c_int32()
                lib.oq_roster_agent_shift_count(h, a, byref(cnt))
                shifts = []
                for k in range(cnt.value):
                    rs = _lib.padded(_lib.oq_roster_shift)
                    lib.oq_roster_agent_shift(h, a, k, byref(rs), None)
                    shifts.append(RosterShift(rs.shift_row, rs.day, rs.start_s, rs.end_s,
                                              rs.paid_hours))
                hours, we, ni = c_double(), c_int32(), c_int32()
                lib.oq_roster_agent_totals(h, a, byref(hours), byref(we), byref(ni))
                ns, nb = c_int32(), c_int32()
                lib.oq_roster_agent_windows(h, a, None, 0, None, 0, byref(ns), byref(nb))
                sw = (_lib.oq_sim_window * max(1, ns.value))()
                bw = (_lib.oq_sim_window * max(1, nb.value))()
                lib.oq_roster_agent_windows(h, a, sw, ns.value, bw, nb.value, byref(ns),
                                            byref(nb))
                out.append(AgentRoster(ag.id, hours.value, we.value, ni.value, shifts,
                                       [(w.start_s, w.end_s) for w in sw[:ns.value]],
                                       [(w.start_s, w.end_s) for w in bw[:nb.value]]))
            sm = _lib.padded(_lib.oq_roster_summary)
            lib.oq_roster_summary_get(h, byref(sm), None)
            viol: List[Violation] = []
            for i in range(sm.violations):
                v = _lib.padded(_lib.oq_roster_violation)
                lib.oq_roster_violation_get(h, i, byref(v), None)
                viol.append(Violation(from_bytes(lib.oq_roster_rule_name(v.rule)) or "",
                                      agents[v.agent].id if v.agent >= 0 else None,
                                      v.shift_row, v.day,
                                      v.message.decode("utf-8", "replace")))
            summary = RosterSummary(**{f.name: getattr(sm, f.name) for f in fields(RosterSummary)})
            return Roster(out, viol, summary)
        finally:
            lib.oq_roster_destroy(h)

    def close(self) -> None:
        """Free the C result (the figures stay)."""
        if self._h is not None and self._h.value:
            _lib.load().oq_schedule_result_destroy(self._h)
        self._h = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        return (f"<omniq.schedule.Result {self.status} by {self.solver}: "
                f"{self.paid_hours:.2f} paid hours, gap {self.gap:.4%}>")


# ---- problems ---------------------------------------------------------------------

class Problem:
    """A schedule problem: a horizon of ``days`` days of ``interval``-second
    intervals from midnight of ``first_date`` (a :class:`datetime.date`,
    default a Monday), the agents required per interval, templates, tours."""

    def __init__(self, days: int = 7, interval: float = 900.0,
                 first_date: Optional[datetime.date] = None, wrap: bool = True,
                 _handle: Optional[int] = None) -> None:
        lib = _lib.load()
        self._h: Optional[c_void_p]
        if _handle is not None:
            self._h = c_void_p(_handle)
            return
        h = _lib.padded(_lib.oq_schedule_horizon)
        lib.oq_schedule_horizon_init(byref(h))
        f = "Problem"
        h.days = to_int(days, "days", function=f)
        h.interval_s = to_float(interval, "interval", f)
        h.wrap = 1 if wrap else 0
        if first_date is not None:
            h.first_date = (first_date - _EPOCH).days
        out = c_void_p()
        err = _lib.oq_error()
        st = lib.oq_schedule_create(byref(h), byref(out), byref(err))
        if st != 0:
            _raise(st, err, "oq_schedule_create")
        self._h = out

    @classmethod
    def from_csv(cls, path: Union[str, "os.PathLike[str]"], column: Optional[str] = None,
                 interval: float = 0.0, wrap: bool = True) -> "Problem":
        """Read a requirements CSV (``start``/``interval`` and ``required``
        columns; what ``omniq staff --format csv`` writes is accepted)."""
        lib = _lib.load()
        h = _lib.padded(_lib.oq_schedule_horizon)
        lib.oq_schedule_horizon_init(byref(h))
        h.wrap = 1 if wrap else 0
        out = c_void_p()
        err = _lib.oq_error()
        st = lib.oq_schedule_load_csv(to_bytes(str(path), "path"),
                                      to_bytes(column, "column", optional=True),
                                      to_float(interval, "interval"), byref(h), byref(out),
                                      byref(err))
        if st != 0:
            _raise(st, err, "oq_schedule_load_csv")
        return cls(_handle=out.value)

    def _handle(self) -> c_void_p:
        if self._h is None:
            raise bad("Problem", "the problem is closed")
        return self._h

    @property
    def intervals(self) -> int:
        """Number of intervals of the horizon."""
        return int(_lib.load().oq_schedule_interval_count(self._handle()))

    @property
    def horizon(self) -> Dict[str, Any]:
        """days, interval (s), wrap and first_date of the horizon."""
        hz = _lib.padded(_lib.oq_schedule_horizon)
        _lib.load().oq_schedule_get_horizon(self._handle(), byref(hz), None)
        return {"days": hz.days, "interval": hz.interval_s, "wrap": bool(hz.wrap),
                "first_date": _EPOCH + datetime.timedelta(days=hz.first_date)}

    @property
    def required(self) -> List[int]:
        """Agents required in every interval."""
        n = self.intervals
        arr = (c_int32 * n)()
        _lib.load().oq_schedule_get_required(self._handle(), arr, n)
        return list(arr)

    def set_required(self, values: Sequence[int], first: int = 0) -> None:
        """Agents required in intervals first, first + 1, ..."""
        vals = [to_int(v, f"required[{i}]", function="Problem.set_required")
                for i, v in enumerate(values)]
        arr = (c_int32 * max(1, len(vals)))(*vals)
        err = _lib.oq_error()
        st = _lib.load().oq_schedule_set_required(self._handle(), first, len(vals), arr,
                                                  byref(err))
        if st != 0:
            _raise(st, err, "oq_schedule_set_required")

    def set_traffic(self, load: Sequence[float], aht: Sequence[float], first: int = 0) -> None:
        """The load (Erlangs) and handle time (s) behind each requirement."""
        if len(load) != len(aht):
            raise bad("Problem.set_traffic", "load and aht differ in length")
        n = len(load)
        la = (c_double * max(1, n))(*[float(x) for x in load])
        ha = (c_double * max(1, n))(*[float(x) for x in aht])
        err = _lib.oq_error()
        st = _lib.load().oq_schedule_set_traffic(self._handle(), first, n, la, ha, byref(err))
        if st != 0:
            _raise(st, err, "oq_schedule_set_traffic")

    def add_template(self, t: Template) -> int:
        """Add a shift template; returns its index."""
        lib = _lib.load()
        f = "Problem.add_template"
        st = _lib.padded(_lib.oq_shift_template)
        lib.oq_shift_template_init(byref(st))
        st.name = to_bytes(t.name, "name", f)
        st.earliest_start_s = to_float(t.start_window[0], "start_window", f)
        st.latest_start_s = to_float(t.start_window[1], "start_window", f)
        if t.start_step is not None:
            st.start_step_s = to_float(t.start_step, "start_step", f)
        st.length_s = to_float(t.length, "length", f)
        if t.paid_hours is not None:
            st.paid_hours = to_float(t.paid_hours, "paid_hours", f)
        st.cost_per_hour = to_float(t.cost_per_hour, "cost_per_hour", f)
        st.days = _mask(t.days, "days")
        st.max_per_start = to_int(t.max_per_start, "max_per_start", function=f)
        st.max_per_day = to_int(t.max_per_day, "max_per_day", function=f)
        brk = (_lib.oq_shift_break * max(1, len(t.breaks)))()
        for i, b in enumerate(t.breaks):
            brk[i].length_s = to_float(b.length, f"breaks[{i}].length", f)
            brk[i].earliest_s = to_float(b.earliest, f"breaks[{i}].earliest", f)
            brk[i].latest_s = to_float(b.latest, f"breaks[{i}].latest", f)
            brk[i].step_s = to_float(b.step, f"breaks[{i}].step", f)
            brk[i].paid = 1 if b.paid else 0
        st.breaks = ctypes.cast(brk, ctypes.POINTER(_lib.oq_shift_break))
        st.n_breaks = len(t.breaks)
        sk = (c_char_p * max(1, len(t.skills)))(*[to_bytes(s, "skills", f) for s in t.skills])
        st.skills = ctypes.cast(sk, ctypes.POINTER(c_char_p))
        st.n_skills = len(t.skills)
        err = _lib.oq_error()
        idx = c_int32()
        s = lib.oq_schedule_add_template(self._handle(), byref(st), byref(idx), byref(err))
        if s != 0:
            _raise(s, err, "oq_schedule_add_template")
        return idx.value

    def add_tour(self, t: Tour) -> int:
        """Add a tour over a template already added; returns its index."""
        lib = _lib.load()
        f = "Problem.add_tour"
        st = _lib.padded(_lib.oq_shift_tour)
        lib.oq_shift_tour_init(byref(st))
        st.name = to_bytes(t.name, "name", f)
        st.template_name = to_bytes(t.template, "template", f)
        st.days_on = to_int(t.days_on, "days_on", function=f)
        st.consecutive_off = 1 if t.consecutive_off else 0
        st.max_drift_s = to_float(t.max_drift, "max_drift", f)
        st.max_count = to_int(t.max_count, "max_count", function=f)
        err = _lib.oq_error()
        idx = c_int32()
        s = lib.oq_schedule_add_tour(self._handle(), byref(st), byref(idx), byref(err))
        if s != 0:
            _raise(s, err, "oq_schedule_add_tour")
        return idx.value

    def load_shifts(self, path: Optional[Union[str, "os.PathLike[str]"]] = None,
                    text: Optional[str] = None, name: Optional[str] = None) -> None:
        """Add the templates and tours of a shift file (or of YAML ``text``)."""
        lib = _lib.load()
        err = _lib.oq_error()
        if text is not None:
            data = to_bytes(text, "text") or b""
            st = lib.oq_schedule_load_shifts_buffer(self._handle(), data, len(data),
                                                    to_bytes(name, "name", optional=True),
                                                    byref(err))
        else:
            st = lib.oq_schedule_load_shifts(self._handle(), to_bytes(str(path), "path"),
                                             byref(err))
        if st != 0:
            _raise(st, err, "oq_schedule_load_shifts")

    @property
    def templates(self) -> List[str]:
        """The templates' names."""
        lib = _lib.load()
        return [from_bytes(lib.oq_schedule_template_name(self._handle(), i)) or ""
                for i in range(lib.oq_schedule_template_count(self._handle()))]

    @property
    def tours(self) -> List[str]:
        """The tours' names."""
        lib = _lib.load()
        return [from_bytes(lib.oq_schedule_tour_name(self._handle(), i)) or ""
                for i in range(lib.oq_schedule_tour_count(self._handle()))]

    def solve(self, objective: str = "hard", solver: str = "auto", time_limit: float = 60.0,
              under_penalty: float = 10.0, sl_penalty: float = 0.0, over_penalty: float = 0.0,
              threshold: float = 20.0, max_per_interval: int = 0, max_agents: int = 0,
              gap_tolerance: float = 1e-6, seed: int = 1, calendar: Any = None) -> Result:
        """Solve; returns a :class:`Result` (infeasible problems included).

        ``solver``: "auto" (the flow when exact, else CBC when libomniq_cbc
        loads, else the built-in heuristic), "builtin", or "cbc". ``calendar``:
        an :class:`omniq.Calendar` (hours of operation, holidays): no shift
        works while it is closed."""
        lib = _lib.load()
        f = "Problem.solve"
        o = _lib.padded(_lib.oq_schedule_options)
        lib.oq_schedule_options_init(byref(o))
        if objective not in ("hard", "soft"):
            raise bad("objective", f"expected 'hard' or 'soft', got {objective!r}", f)
        o.objective = 0 if objective == "hard" else 1
        o.under_penalty = to_float(under_penalty, "under_penalty", f)
        o.sl_penalty = to_float(sl_penalty, "sl_penalty", f)
        o.over_penalty = to_float(over_penalty, "over_penalty", f)
        o.threshold_s = to_float(threshold, "threshold", f)
        o.max_per_interval = to_int(max_per_interval, "max_per_interval", function=f)
        o.max_agents = to_int(max_agents, "max_agents", function=f)
        o.time_limit_s = to_float(time_limit, "time_limit", f)
        o.gap_tolerance = to_float(gap_tolerance, "gap_tolerance", f)
        o.seed = to_int(seed, "seed", 0, 2 ** 64 - 1, f)
        if calendar is not None:
            if not hasattr(calendar, "_handle"):
                raise bad("calendar", "expected an omniq.Calendar", f)
            handle = calendar._handle()
            o.calendar = handle.value if isinstance(handle, c_void_p) else int(handle)
        hook = None
        if solver not in ("auto", "builtin", "cbc"):
            raise bad("solver", f"expected 'auto', 'builtin' or 'cbc', got {solver!r}", f)
        if solver != "builtin":
            cbc = _lib.load_cbc()
            if cbc is not None:
                hook = _lib.oq_schedule_solver()
                cbc.oq_schedule_cbc_solver(byref(hook))
                o.mip = ctypes.pointer(hook)
            elif solver == "cbc":
                raise OmniqError(-1, "solver 'cbc': libomniq_cbc cannot be loaded "
                                     "(build omniq with coinor-libcbc-dev)", f)
        o.solver = {"auto": 0, "builtin": 1, "cbc": 2}[solver]
        out = c_void_p()
        err = _lib.oq_error()
        st = lib.oq_schedule_solve(self._handle(), byref(o), byref(out), byref(err))
        if st != 0:
            _raise(st, err, "oq_schedule_solve")
        return Result(out.value or 0)

    def close(self) -> None:
        """Free the problem (results made from it stay valid)."""
        if self._h is not None and self._h.value:
            _lib.load().oq_schedule_destroy(self._h)
        self._h = None

    def __enter__(self) -> "Problem":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


def load_agents(path: Optional[Union[str, "os.PathLike[str]"]] = None,
                problem: Optional[Problem] = None, text: Optional[str] = None,
                name: Optional[str] = None) -> Tuple[List[Agent], Dict[str, Any]]:
    """Read an agents file (docs/config.md) against a problem's horizon.
    Returns (agents, rules) — a list of :class:`Agent` and the file's rules
    as keyword arguments for :meth:`Result.roster`."""
    lib = _lib.load()
    hz = _lib.padded(_lib.oq_schedule_horizon)
    if problem is not None:
        lib.oq_schedule_get_horizon(problem._handle(), byref(hz), None)
    else:
        lib.oq_schedule_horizon_init(byref(hz))
    out = c_void_p()
    err = _lib.oq_error()
    if text is not None:
        data = to_bytes(text, "text") or b""
        st = lib.oq_roster_agents_load_buffer(data, len(data),
                                              to_bytes(name, "name", optional=True),
                                              byref(hz), byref(out), byref(err))
    else:
        st = lib.oq_roster_agents_load(to_bytes(str(path), "path"), byref(hz), byref(out),
                                       byref(err))
    if st != 0:
        _raise(st, err, "oq_roster_agents_load")
    try:
        n = c_int32()
        arr = lib.oq_roster_agents_list(out, byref(n))
        agents: List[Agent] = []
        for i in range(n.value):
            a = arr[i]
            agents.append(Agent(
                from_bytes(a.id) or "", [from_bytes(a.skills[k]) or "" for k in range(a.n_skills)],
                a.min_hours, a.max_hours, _days_of(a.work_days), _days_of(a.off_days),
                [(a.available[k].start_s, a.available[k].end_s) for k in range(a.n_available)],
                None if a.min_rest_s < 0 else a.min_rest_s, a.max_consecutive_days))
        o = _lib.padded(_lib.oq_roster_options)
        lib.oq_roster_agents_options(out, byref(o), None)
        rules: Dict[str, Any] = {"min_rest": o.min_rest_s, "max_consecutive_days": o.max_consecutive_days,
                 "night": (o.night_start_s, o.night_end_s)}
        return agents, rules
    finally:
        lib.oq_roster_agents_destroy(out)
