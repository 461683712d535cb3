# SPDX-License-Identifier: MIT
"""Planning by simulation over ``omniq/plan.h``: run a plan file — history ->
forecast -> staffing per interval -> shifts -> roster -> the horizon simulated
through the router, optionally corrected by simulation (docs/planning.md).

    import omniq
    p = omniq.plan("examples/plan/plan.yaml", iterations=8, replications=10)  # omniq.planning.plan
    print(p.met, p.paid_hours, p.first_missed, p.missed)
    for d in p.days:
        print(d.date, d.contacts, d.paid_hours, d.service_level.mean, d.service_level.half_width)
    p.service_level("support", first=48, n=48)      # any span, any queue (None: the center)
    p.counts[r][q][i]                               # replication r, queue q (0: center), interval i

A :class:`PlanResult` copies everything when it is made (no C object is kept).
"""

import datetime
import os
from ctypes import byref, c_double, c_int32, c_void_p, pointer
from dataclasses import dataclass
from typing import Any, Dict, List, NoReturn, Optional, Tuple, Union

from . import _lib
from .errors import OmniqError, bad, from_bytes, status_str, to_bytes, to_int
from .sim import Estimate

__all__ = ["plan", "PlanResult", "PlanDay", "PlanGroup", "PlanShift", "PlanIteration"]

_EPOCH = datetime.date(1970, 1, 1)


def _s(data: Any) -> str:
    return from_bytes(data) or ""


def _raise(status: int, err: Any, function: str) -> NoReturn:
    msg = err.message.decode("utf-8", "replace") if err is not None else ""
    raise OmniqError(status, msg or status_str(status), function)


def _require(symbol: str) -> None:
    if not _lib.has_symbol(symbol):
        raise NotImplementedError(f"the loaded omniq library lacks {symbol} (omniq.plan)")


@dataclass(frozen=True)
class PlanShift:
    """``count`` agents work ``template`` on ``day`` from ``start_s`` to ``end_s`` (seconds
    from the horizon's start)."""
    template: str
    day: int
    start_s: float
    end_s: float
    count: int
    paid_hours: float


@dataclass(frozen=True)
class PlanGroup:
    """A group's kept schedule and roster, and its requirements."""
    name: str
    status: str               # the schedule's: optimal, feasible, ...
    solver: str
    paid_hours: float
    agents: int
    unassigned: int           # agent-shifts no agent could take
    shifts: List[PlanShift]
    first_required: List[int]  # the staffing requirement per interval (Erlang, before the loop)
    required: List[int]       # the requirement the kept schedule was solved against


@dataclass(frozen=True)
class PlanIteration:
    """One schedule simulated by the loop."""
    missed: int               # (queue, interval) pairs below target
    added: int                # agent-intervals of requirement added after it
    removed: int
    unassigned: int
    paid_hours: float
    service_level: float      # the whole center over the horizon


@dataclass(frozen=True)
class PlanDay:
    """One day: forecast contacts, paid hours of the shifts starting that day, and the
    simulated service level of the center and of each queue (mean over replications with
    its 95 % interval; ``n`` 0: no contacts)."""
    date: datetime.date
    contacts: float
    paid_hours: float
    service_level: Estimate
    queues: Dict[str, Estimate]


@dataclass(frozen=True)
class PlanResult:
    """What ``omniq plan`` prints, as data."""
    first_date: datetime.date
    interval_s: int
    target: float
    threshold_s: float
    replications: int
    method: str
    queues: List[str]
    forecast: Dict[str, List[float]]     # contacts per interval, per queue
    groups: List[PlanGroup]
    iterations: List[PlanIteration]
    best: int
    met: bool
    missed: int
    first_missed: int
    paid_hours: float
    first_paid_hours: float
    cpu_seconds: float
    seconds: float
    days: List[PlanDay]
    total: PlanDay
    # counts[r][q][i] = (offered, answered, answered_in_t, abandoned) of replication r,
    # queue q (0: the whole center, q + 1: queues[q]) and interval i
    counts: List[List[List[Tuple[int, int, int, int]]]]
    _interval_sl: Dict[Optional[str], List[Estimate]]

    def service_level(self, queue: Optional[str] = None, first: int = 0,
                      n: Optional[int] = None) -> Estimate:
        """Service level of ``queue`` (None: the center) over intervals ``first`` ..
        ``first + n - 1`` (default: to the end): per replication answered within the
        threshold / (answered + abandoned), then mean and 95 % Student t interval."""
        if queue is not None and queue not in self.queues:
            raise bad("queue", f"{queue!r} is not one of {', '.join(self.queues)}",
                      "PlanResult.service_level")
        q = 0 if queue is None else self.queues.index(queue) + 1
        ni = len(self.counts[0][0]) if self.counts else 0
        n = ni - first if n is None else n
        if first < 0 or n < 1 or first + n > ni:
            raise bad("first", f"the span {first}..{first + n - 1} is outside 0..{ni - 1}",
                      "PlanResult.service_level")
        sls = []
        for rep in self.counts:
            rows = rep[q][first:first + n]
            closed = sum(c[1] + c[3] for c in rows)
            if closed:
                sls.append(sum(c[2] for c in rows) / closed)
        m = len(sls)
        if m == 0:
            return Estimate(0.0, 0.0, 0.0, 0.0, 0.0, 0)
        mean = sum(sls) / m
        sd = (sum((x - mean) ** 2 for x in sls) / (m - 1)) ** 0.5 if m > 1 else 0.0
        hw = float(_lib.load().oq_sim_t975(m - 1)) * sd / m ** 0.5 if m > 1 else 0.0
        return Estimate(mean, hw, mean - hw, mean + hw, sd, m)

    def interval_service_level(self, queue: Optional[str] = None) -> List[Estimate]:
        """The library's own estimate for every interval (``oq_plan_sim_service_level``)."""
        return list(self._interval_sl[queue])


def _estimate(e: Any) -> Estimate:
    return Estimate(e.mean, e.half_width, e.low, e.high, e.sd, e.n)


def _sl(lib: Any, sim: Any, q: int, first: int, n: int) -> Estimate:
    e = _lib.padded(_lib.oq_sim_estimate)
    st = lib.oq_plan_sim_service_level(sim, q, first, n, byref(e))
    if st != 0:
        _raise(st, None, "oq_plan_sim_service_level")
    return _estimate(e)


def _group(lib: Any, sc: Any, pl: Any, g: int, ni: int) -> PlanGroup:
    res = lib.oq_plan_schedule(pl, g)
    s = _lib.padded(_lib.oq_schedule_summary)
    lib.oq_schedule_result_summary(res, byref(s), None)
    rs = _lib.padded(_lib.oq_roster_summary)
    lib.oq_roster_summary_get(lib.oq_plan_roster(pl, g), byref(rs), None)
    shifts = []
    for k in range(s.n_shifts):
        sh = _lib.padded(_lib.oq_schedule_shift)
        lib.oq_schedule_result_shift(res, k, byref(sh), None)
        shifts.append(PlanShift(_s(lib.oq_schedule_result_template_name(
            res, sh.template_index)), sh.day, sh.start_s, sh.end_s, sh.count, sh.paid_hours))
    first = (c_int32 * ni)()
    kept = (c_int32 * ni)()
    lib.oq_plan_scenario_required(sc, g, first, ni)
    lib.oq_plan_required(pl, g, kept, ni)
    return PlanGroup(_s(lib.oq_plan_scenario_group(sc, g)),
                     _s(lib.oq_schedule_status_name(s.status)),
                     _s(lib.oq_schedule_result_solver(res)), s.paid_hours, rs.agents,
                     rs.unassigned, shifts, list(first), list(kept))


def plan(path: Union[str, "os.PathLike[str]"], iterations: Optional[int] = None,
         replications: Optional[int] = None, seed: Optional[int] = None) -> PlanResult:
    """Run the plan file at ``path`` (docs/config.md, "Plan files"), overriding its
    ``loop.iterations``, ``simulation.replications`` and ``simulation.seed`` when given.
    Raises OmniqError (ConfigError with file:line:column for a bad file)."""
    f = "oq_plan_scenario_load"
    _require(f)
    lib = _lib.load()
    err = _lib.oq_error()
    sc = c_void_p()
    st = lib.oq_plan_scenario_load(to_bytes(os.fspath(path), "path", f), byref(sc), byref(err))
    if st != 0:
        _raise(st, err, f)
    pl = c_void_p()
    try:
        info = _lib.padded(_lib.oq_plan_scenario_info)
        lib.oq_plan_scenario_info_get(sc, byref(info), None)
        o = _lib.padded(_lib.oq_plan_options)
        lib.oq_plan_scenario_options(sc, byref(o), None)
        if iterations is not None:
            o.max_iterations = to_int(iterations, "iterations", 0, 1000, "plan")
        # The file's simulation options, copied so the arguments can change them
        # (o.sim points into the scenario; so lives until the run returns).
        so = _lib.oq_plan_sim_options.from_buffer_copy(o.sim.contents)
        o.sim = pointer(so)
        if replications is not None:
            so.replications = to_int(replications, "replications", 2, 10000, "plan")
        if seed is not None:
            so.seed = to_int(seed, "seed", 0, 2 ** 64 - 1, "plan")
        st = lib.oq_plan_scenario_run(sc, byref(o), byref(pl), byref(err))
        if st != 0:
            _raise(st, err, "oq_plan_scenario_run")
        return _result(lib, sc, pl, info)
    finally:
        if pl:
            lib.oq_plan_destroy(pl)
        lib.oq_plan_scenario_destroy(sc)


def _result(lib: Any, sc: Any, pl: Any, info: Any) -> PlanResult:
    ni, nq = info.n_intervals, info.n_queues
    pd = 86400 // info.interval_s
    queues = [_s(lib.oq_plan_scenario_queue(sc, q)) for q in range(nq)]
    forecast: Dict[str, List[float]] = {}
    for q, name in enumerate(queues):
        buf = (c_double * ni)()
        lib.oq_plan_scenario_forecast(sc, q, buf, ni)
        forecast[name] = list(buf)
    s = _lib.padded(_lib.oq_plan_summary)
    lib.oq_plan_summary_get(pl, byref(s), None)
    iters = []
    for k in range(s.iterations):
        it = _lib.padded(_lib.oq_plan_iteration)
        lib.oq_plan_iteration_get(pl, k, byref(it), None)
        iters.append(PlanIteration(it.missed, it.added, it.removed, it.unassigned,
                                   it.paid_hours, it.service_level))
    groups = [_group(lib, sc, pl, g, ni) for g in range(info.n_groups)]
    sim = lib.oq_plan_simulation(pl)
    si = _lib.padded(_lib.oq_plan_sim_info)
    lib.oq_plan_sim_info_get(sim, byref(si), None)
    counts = []
    c = _lib.padded(_lib.oq_plan_counts)
    for r in range(si.replications):
        per_q = []
        for q in range(-1, nq):
            row = []
            for i in range(ni):
                lib.oq_plan_sim_counts(sim, r, q, i, byref(c), None)
                row.append((c.offered, c.answered, c.answered_in_t, c.abandoned))
            per_q.append(row)
        counts.append(per_q)
    scopes: List[Tuple[int, Optional[str]]] = [(-1, None)]
    scopes += [(q, name) for q, name in enumerate(queues)]
    interval_sl: Dict[Optional[str], List[Estimate]] = {
        name: [_sl(lib, sim, q, i, 1) for i in range(ni)] for q, name in scopes}

    def day_row(date: datetime.date, first: int, n: int, paid: float) -> PlanDay:
        contacts = sum(sum(v[first:first + n]) for v in forecast.values())
        return PlanDay(date, contacts, paid, _sl(lib, sim, -1, first, n),
                       {name: _sl(lib, sim, q, first, n) for q, name in enumerate(queues)})

    first_date = _EPOCH + datetime.timedelta(days=info.first_date)
    days = []
    for d in range(info.days):
        paid = sum(sh.count * sh.paid_hours for g in groups for sh in g.shifts if sh.day == d)
        days.append(day_row(first_date + datetime.timedelta(days=d), d * pd, pd, paid))
    total = day_row(first_date, 0, ni, s.paid_hours)
    return PlanResult(first_date, info.interval_s, info.target_sl, info.threshold_s,
                      si.replications, _s(lib.oq_plan_scenario_method(sc)), queues,
                      forecast, groups, iters, s.best, bool(s.met), s.missed, s.first_missed,
                      s.paid_hours, s.first_paid_hours, s.cpu_seconds, s.seconds, days, total,
                      counts, interval_sl)
