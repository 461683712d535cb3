# SPDX-License-Identifier: MIT
"""omniq: Python bindings (ctypes, standard library only) for the omniq C library.

    import omniq
    omniq.erlang.erlang_c(10, 12)           # P(wait), Erlang C
    cal = omniq.Calendar.load("calendars.yaml", "london-support")
    cal.add_business_ms(now_ms, 2 * 3600_000)  # a deadline in business time
    omniq.schedule.Problem.from_csv(...)    # shifts and rosters (排班)
    omniq.plan("examples/plan/plan.yaml")    # forecast -> staffing -> shifts -> roster -> simulation
    with omniq.Engine(on_event=print) as e:  # a contact center
        e.channel_add("voice", exclusive=True)
        ...

The shared library is found through the OMNIQ_LIBRARY environment variable,
next to this package, or on the system's library path (see omniq._lib).
"""

from . import calendar, erlang, forecast, stats
from ._lib import LibraryNotFound, library_path
from .constants import *  # noqa: F401,F403  (OQ_* constants)
from . import constants as _constants
from .engine import (AgentInfo, ChannelInfo, ContactInfo, Counts, Engine, Event,
                     HistoryEntry, QueueInfo, agent_state_name, contact_state_name,
                     event_type_name, journal_action_name, journal_record_seq,
                     ordering_name, strategy_name)
from .calendar import Calendar, LocalTime
from .errors import (AlreadyExists, Busy, CallbackError, ConfigError, Corrupt, InvalidArgument,
                     InvalidState, NotFound, OmniqError, OutOfMemory, OutOfRange, status_name,
                     status_str)
from . import sim
from . import schedule
from . import planning
from .planning import PlanResult, plan
from .sim import (Dist, Estimate, RunInfo, ScopeResult, SimAgent, SimStats, SimulationResult,
                  Stream, Summary, simulate, simulate_file)
from .stats import AgentStats, QueueStats, StatsOptions

__version__ = "0.1.0"


def version() -> str:
    """The run-time version of the loaded C library ("0.1.0")."""
    from . import _lib
    return str(_lib.load().oq_version().decode())


def version_number() -> int:
    """The run-time version as MAJOR * 10000 + MINOR * 100 + PATCH."""
    from . import _lib
    return int(_lib.load().oq_version_number())


__all__ = [
    "erlang", "calendar", "forecast", "Calendar", "LocalTime", "Engine", "Event", "Counts",
    "ChannelInfo", "AgentInfo", "QueueInfo",
    "ContactInfo", "HistoryEntry", "OmniqError", "CallbackError", "LibraryNotFound",
    "InvalidArgument", "NotFound", "AlreadyExists", "OutOfMemory", "InvalidState",
    "ConfigError", "Busy", "Corrupt", "OutOfRange",
    "simulate", "simulate_file", "SimulationResult", "ScopeResult", "SimStats", "Estimate",
    "Summary", "RunInfo", "Dist", "Stream", "SimAgent", "sim", "stats", "QueueStats",
    "AgentStats", "StatsOptions", "version", "version_number", "library_path", "schedule",
    "status_name", "status_str", "event_type_name", "agent_state_name",
    "contact_state_name", "ordering_name", "strategy_name", "journal_action_name",
    "journal_record_seq",
]
__all__ += [_name for _name in vars(_constants) if _name.startswith("OQ_")]
