# SPDX-License-Identifier: MIT
"""Loading ``libomniq`` and the complete ctypes declarations of its public API.

Search order for the shared library (the first hit wins):

1. the ``OMNIQ_LIBRARY`` environment variable: a path to the library file (or to
   a directory holding ``libomniq.so*``); if it is set and cannot be loaded,
   nothing else is tried and :class:`LibraryNotFound` is raised;
2. a ``libomniq.so*`` / ``libomniq*.dylib`` / ``omniq.dll`` next to this package;
3. the system's library path (``libomniq.so.0`` through the dynamic loader,
   then :func:`ctypes.util.find_library`).

The library is loaded lazily on first use, so ``import omniq`` always works.
"""

import ctypes
import ctypes.util
import glob
import os
import sys
import threading
from typing import Any, List, Optional, Tuple, Type, TypeVar
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double, c_int32,
                    c_int64, c_size_t, c_uint32, c_uint64, c_void_p)

from . import _fields

# ---- structures (field for field the C headers) ---------------------------------


class oq_event(Structure):
    _fields_ = [
        ("type", c_int32),
        ("agent_state", c_int32),
        ("time_ms", c_int64),
        ("contact", c_char_p),
        ("agent", c_char_p),
        ("queue", c_char_p),
        ("from_queue", c_char_p),
        ("channel", c_char_p),
        ("detail", c_char_p),
        ("prev_agent_state", c_int32),
        ("priority", c_int32),
        ("wait_ms", c_int64),
    ]


oq_event_fn = CFUNCTYPE(None, POINTER(oq_event), c_void_p)
oq_alloc_fn = CFUNCTYPE(c_void_p, c_void_p, c_size_t, c_size_t, c_void_p)
#: the host's scorer of OQ_STRATEGY_HOST_SCORE: (contact, agent, queue, user) -> score
oq_score_fn = CFUNCTYPE(c_double, c_char_p, c_char_p, c_char_p, c_void_p)


class oq_engine_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("alloc", oq_alloc_fn),
        ("alloc_user", c_void_p),
        ("on_event", oq_event_fn),
        ("event_user", c_void_p),
        ("seed", c_uint64),
        ("start_ms", c_int64),
        ("abandon_resume_s", c_double),
        ("last_agent_max", c_int32),
        ("reserved", c_int32),
        ("score", oq_score_fn),
        ("score_user", c_void_p),
        ("score_max_candidates", c_int32),
        ("reserved_2", c_int32),
    ]


class oq_engine_counts(Structure):
    _fields_ = [("struct_size", c_uint32)] + [(n, c_int32) for n in (
        "channels", "skills", "groups", "agents", "queues", "contacts", "contacts_queued",
        "contacts_offered", "contacts_active", "contacts_wrapup", "timers", "contacts_parked")]


class oq_channel_spec(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("id", c_char_p),
        ("synchronous", c_int32),
        ("exclusive", c_int32),
        ("capacity_cost", c_int32),
        ("max_per_agent", c_int32),
    ]


class oq_agent_info(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("state", c_int32),
        ("presence", c_int32),
        ("capacity", c_int32),
        ("used_capacity", c_int32),
        ("n_offered", c_int32),
        ("n_active", c_int32),
        ("n_wrapup", c_int32),
        ("n_skills", c_int32),
        ("state_since_ms", c_int64),
        ("idle_since_ms", c_int64),
        ("handled", c_int64),
        ("not_ready_reason", c_char_p),
    ]


class oq_queue_spec(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("id", c_char_p),
        ("priority", c_int32),
        ("ordering", c_int32),
        ("strategy", c_int32),
        ("timeout_not_ready", c_int32),
        ("sla_threshold_s", c_double),
        ("sla_target", c_double),
        ("offer_timeout_s", c_double),
        ("wrapup_s", c_double),
        ("aging_per_s", c_double),
        ("max_length", c_int32),
        ("limit_action", c_int32),
        ("max_wait_s", c_double),
        ("limit_queue", c_char_p),
        ("callback_channel", c_char_p),
        ("refuse_if_no_agents", c_int32),
        ("outbound", c_int32),
        ("default_aht_s", c_double),
        ("deadline_warning_s", c_double),
        ("keep_offer_on_not_ready", c_int32),
        ("retry_after_s", c_double),
        ("max_offers", c_int32),
        ("last_agent_window_s", c_double),
        ("last_agent_wait_s", c_double),
        ("calendar", c_char_p),
        ("closed_action", c_int32),
        ("closed_queue", c_char_p),
        ("business_time", c_int32),
        ("reserved", c_int32),
    ]


class oq_queue_info(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("n_channels", c_int32),
        ("n_required_skills", c_int32),
        ("n_preferred_skills", c_int32),
        ("n_groups", c_int32),
        ("waiting", c_int32),
        ("offered", c_int32),
        ("active", c_int32),
        ("eligible_agents", c_int32),
        ("open", c_int32),
    ]


class oq_contact_spec(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("id", c_char_p),
        ("channel", c_char_p),
        ("queue", c_char_p),
        ("customer", c_char_p),
        ("preferred_agent", c_char_p),
        ("priority", c_int32),
        ("n_required", c_int32),
        ("required_skills", POINTER(c_char_p)),
        ("required_levels", POINTER(c_int32)),
        ("n_preferred", c_int32),
        ("preferred_skills", POINTER(c_char_p)),
        ("preferred_levels", POINTER(c_int32)),
        ("deadline_ms", c_int64),
        ("preferred_wait_s", c_double),
    ]


class oq_history_entry(Structure):
    _fields_ = [
        ("type", c_int32),
        ("reserved", c_int32),
        ("time_ms", c_int64),
        ("queue", c_char_p),
        ("agent", c_char_p),
        ("detail", c_char_p),
    ]


class oq_contact_info(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("state", c_int32),
        ("priority", c_int32),
        ("arrived_ms", c_int64),
        ("enqueued_ms", c_int64),
        ("deadline_ms", c_int64),
        ("n_rejected", c_int32),
        ("n_offers", c_int32),
        ("queue", c_char_p),
        ("channel", c_char_p),
        ("agent", c_char_p),
        ("customer", c_char_p),
        ("preferred_agent", c_char_p),
        ("reserved_until_ms", c_int64),
        ("kept_place_callback", c_int32),
        ("reserved", c_int32),
    ]


class oq_escalation_step(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("action", c_int32),
        ("timing", c_int32),
        ("after_s", c_double),
        ("skill", c_char_p),
        ("level", c_int32),
        ("priority", c_int32),
        ("group", c_char_p),
        ("queue", c_char_p),
        ("message", c_char_p),
        ("skip_if_no_agents", c_int32),
        ("when_ewt_above_s", c_double),
        ("when_sl_below", c_double),
    ]


class oq_agent_policy(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("max_no_answer", c_int32),
        ("max_per_window", c_int32),
        ("window_s", c_double),
        ("reject_delay_s", c_double),
        ("no_answer_delay_s", c_double),
    ]


class oq_erlang_a_result(Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32)] + [(n, c_double) for n in (
        "p_wait", "p_abandon", "service_level", "asa_s", "occupancy")]


class oq_staffing_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("reserved", c_int32),
        ("threshold_s", c_double),
        ("target_sl", c_double),
        ("max_asa_s", c_double),
        ("max_occupancy", c_double),
        ("patience_s", c_double),
        ("max_abandon", c_double),
        ("shrinkage", c_double),
    ]


class oq_staffing_result(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("required", c_int32),
        ("scheduled", c_int32),
        ("reserved", c_int32),
        ("service_level", c_double),
        ("asa_s", c_double),
        ("occupancy", c_double),
        ("p_abandon", c_double),
        ("p_wait", c_double),
    ]


class oq_erlang_chat_result(Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32)] + [(n, c_double) for n in (
        "p_wait", "service_level", "asa_s", "occupancy", "sessions_per_agent", "utilisation")]


class oq_plan_interval(Structure):
    _fields_ = [
        ("load", c_double),
        ("required", c_int32),
        ("scheduled", c_int32),
        ("service_level", c_double),
        ("asa_s", c_double),
        ("occupancy", c_double),
        ("p_abandon", c_double),
        ("p_wait", c_double),
    ]


class oq_plan_totals(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("peak_required", c_int32),
        ("peak_scheduled", c_int32),
        ("peak_interval", c_int32),
        ("contacts", c_double),
        ("required_agent_hours", c_double),
        ("scheduled_agent_hours", c_double),
        ("service_level", c_double),
    ]


# ---- function prototypes: name -> (restype, argtypes) ---------------------------

_E = c_void_p            # oq_engine * (opaque)
_S = c_int32             # oq_status
_P = c_char_p            # const char *
_I = c_int32
_L = c_int64
_D = c_double
_PI = POINTER(c_int32)
_PL = POINTER(c_int64)
_PD = POINTER(c_double)

PROTOTYPES = {
    # core.h
    "oq_status_str": (_P, [_S]),
    "oq_status_name": (_P, [_S]),
    "oq_version": (_P, []),
    "oq_version_number": (_I, []),
    # engine.h
    "oq_event_type_name": (_P, [_I]),
    "oq_engine_options_init": (None, [POINTER(oq_engine_options)]),
    "oq_engine_create": (_S, [POINTER(oq_engine_options), POINTER(c_void_p)]),
    "oq_engine_destroy": (None, [_E]),
    "oq_engine_last_error": (_P, [_E]),
    "oq_engine_now": (_S, [_E, _PL]),
    "oq_engine_set_seed": (_S, [_E, c_uint64]),
    "oq_engine_set_scorer": (_S, [_E, oq_score_fn, c_void_p, _I]),
    "oq_engine_next_deadline": (_S, [_E, _PL]),
    "oq_engine_advance": (_S, [_E, _L]),
    "oq_engine_check": (_S, [_E]),
    "oq_engine_get_counts": (_S, [_E, POINTER(oq_engine_counts)]),
    # model.h
    "oq_channel_spec_init": (None, [POINTER(oq_channel_spec)]),
    "oq_channel_add": (_S, [_E, POINTER(oq_channel_spec)]),
    "oq_channel_update": (_S, [_E, POINTER(oq_channel_spec)]),
    "oq_channel_remove": (_S, [_E, _P]),
    "oq_channel_get": (_S, [_E, _P, POINTER(oq_channel_spec)]),
    "oq_skill_add": (_S, [_E, _P, _I]),
    "oq_skill_remove": (_S, [_E, _P]),
    "oq_skill_get": (_S, [_E, _P, _PI]),
    "oq_group_add": (_S, [_E, _P]),
    "oq_group_remove": (_S, [_E, _P]),
    "oq_agent_state_name": (_P, [_I]),
    "oq_agent_add": (_S, [_E, _P, _I]),
    "oq_agent_remove": (_S, [_E, _P]),
    "oq_agent_set_capacity": (_S, [_E, _P, _I]),
    "oq_agent_set_skill": (_S, [_E, _L, _P, _P, _I]),
    "oq_agent_set_channel_limit": (_S, [_E, _L, _P, _P, _I]),
    "oq_agent_join_group": (_S, [_E, _L, _P, _P]),
    "oq_agent_leave_group": (_S, [_E, _L, _P, _P]),
    "oq_agent_login": (_S, [_E, _L, _P, _I]),
    "oq_agent_ready": (_S, [_E, _L, _P]),
    "oq_agent_not_ready": (_S, [_E, _L, _P, _P]),
    "oq_agent_logout": (_S, [_E, _L, _P]),
    "oq_agent_end_wrapup": (_S, [_E, _L, _P]),
    "oq_agent_get": (_S, [_E, _P, POINTER(oq_agent_info)]),
    "oq_agent_get_skill": (_S, [_E, _P, _P, _PI]),
    "oq_ordering_name": (_P, [_I]),
    "oq_strategy_name": (_P, [_I]),
    "oq_step_action_name": (_P, [_I]),
    "oq_queue_spec_init": (None, [POINTER(oq_queue_spec)]),
    "oq_queue_add": (_S, [_E, POINTER(oq_queue_spec)]),
    "oq_queue_update": (_S, [_E, _L, POINTER(oq_queue_spec)]),
    "oq_queue_remove": (_S, [_E, _P]),
    "oq_queue_add_channel": (_S, [_E, _L, _P, _P]),
    "oq_queue_remove_channel": (_S, [_E, _L, _P, _P]),
    "oq_queue_require_skill": (_S, [_E, _L, _P, _P, _I]),
    "oq_queue_prefer_skill": (_S, [_E, _L, _P, _P, _I]),
    "oq_queue_add_group": (_S, [_E, _L, _P, _P]),
    "oq_queue_remove_group": (_S, [_E, _L, _P, _P]),
    "oq_queue_get": (_S, [_E, _P, POINTER(oq_queue_info)]),
    "oq_queue_get_spec": (_S, [_E, _P, POINTER(oq_queue_spec)]),
    # contact.h
    "oq_contact_state_name": (_P, [_I]),
    "oq_contact_spec_init": (None, [POINTER(oq_contact_spec)]),
    "oq_contact_arrive": (_S, [_E, _L, POINTER(oq_contact_spec)]),
    "oq_offer_accept": (_S, [_E, _L, _P, _P]),
    "oq_offer_reject": (_S, [_E, _L, _P, _P]),
    "oq_contact_abandon": (_S, [_E, _L, _P]),
    "oq_contact_complete": (_S, [_E, _L, _P]),
    "oq_contact_transfer": (_S, [_E, _L, _P, _P]),
    "oq_contact_set_priority": (_S, [_E, _L, _P, _I]),
    "oq_contact_park": (_S, [_E, _L, _P, _P]),
    "oq_contact_reopen": (_S, [_E, _L, _P, _P, _D]),
    "oq_contact_escalate": (_S, [_E, _L, _P, _P, _P]),
    "oq_contact_transfer_to_agent": (_S, [_E, _L, _P, _P, _D]),
    "oq_contact_history_count": (_S, [_E, _P, _PI]),
    "oq_contact_history_get": (_S, [_E, _P, _I, POINTER(oq_history_entry)]),
    "oq_contact_remove": (_S, [_E, _L, _P]),
    "oq_contact_get": (_S, [_E, _P, POINTER(oq_contact_info)]),
    "oq_customer_last_agent": (_S, [_E, _P, POINTER(c_char_p), _PL]),
    "oq_contact_request_callback": (_S, [_E, _L, _P]),
    # escalation.h
    "oq_escalation_step_init": (None, [POINTER(oq_escalation_step)]),
    "oq_queue_add_step": (_S, [_E, _L, _P, POINTER(oq_escalation_step)]),
    "oq_queue_clear_steps": (_S, [_E, _L, _P]),
    "oq_queue_step_count": (_S, [_E, _P, _PI]),
    "oq_contact_position": (_S, [_E, _P, _PI, _PD]),
    "oq_queue_ewt": (_S, [_E, _P, _PD]),
    # profile.h
    "oq_profile_add": (_S, [_E, _P]),
    "oq_profile_remove": (_S, [_E, _P]),
    "oq_profile_set_queue": (_S, [_E, _L, _P, _P, _I, _D]),
    "oq_profile_set_channel": (_S, [_E, _L, _P, _P, _I, _I]),
    "oq_profile_set_options": (_S, [_E, _L, _P, _I, _I]),
    "oq_agent_set_profile": (_S, [_E, _L, _P, _P]),
    "oq_group_set_profile": (_S, [_E, _L, _P, _P]),
    "oq_queue_set_blend": (_S, [_E, _L, _P, _I]),
    "oq_agent_policy_init": (None, [POINTER(oq_agent_policy)]),
    "oq_agent_set_policy": (_S, [_E, _L, _P, POINTER(oq_agent_policy)]),
    # erlang.h
    "oq_erlang_b": (_S, [_D, _I, _PD]),
    "oq_erlang_b_agents": (_S, [_D, _D, _PI]),
    "oq_erlang_b_load": (_S, [_I, _D, _PD]),
    "oq_erlang_c": (_S, [_D, _I, _PD]),
    "oq_erlang_c_service_level": (_S, [_D, _I, _D, _D, _PD]),
    "oq_erlang_c_asa": (_S, [_D, _I, _D, _PD]),
    "oq_erlang_occupancy": (_S, [_D, _I, _PD]),
    "oq_erlang_c_agents": (_S, [_D, _D, _D, _D, _PI]),
    "oq_erlang_c_agents_asa": (_S, [_D, _D, _D, _PI]),
    "oq_erlang_agents_occupancy": (_S, [_D, _D, _PI]),
    "oq_erlang_scheduled": (_S, [_I, _D, _PI]),
    "oq_erlang_a": (_S, [_D, _I, _D, _D, _D, POINTER(oq_erlang_a_result), _E]),
    "oq_erlang_a_agents": (_S, [_D, _D, _D, _D, _D, _PI]),
    "oq_erlang_a_agents_abandon": (_S, [_D, _D, _D, _D, _PI]),
    "oq_staffing_options_init": (_S, [POINTER(oq_staffing_options)]),
    "oq_erlang_staffing": (_S, [_D, _D, POINTER(oq_staffing_options),
                                POINTER(oq_staffing_result), _E]),
    "oq_erlang_chat": (_S, [_D, _I, _I, _PD, _D, POINTER(oq_erlang_chat_result), _E]),
    "oq_erlang_chat_agents": (_S, [_D, _I, _PD, _D, _D, _PI]),
    "oq_erlang_plan": (_S, [_PD, _PD, _I, _D, POINTER(oq_staffing_options),
                            POINTER(oq_plan_interval), POINTER(oq_plan_totals), _E]),
}

# config.h: present in newer libraries (declared when the symbols exist).
class oq_calendar_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("alloc", oq_alloc_fn),
        ("alloc_user", c_void_p),
        ("tzdir", c_char_p),
    ]


class oq_local_time(Structure):
    _fields_ = [
        ("date", c_int32),
        ("ms_of_day", c_int32),
        ("utc_offset_s", c_int32),
        ("is_dst", c_int32),
    ]


# core.h: the one error shape of engine-less calls (loaders, restore, journal
# replay, simulator creation, planning constructors). A versioned output
# struct: a new one has struct_size set (the library writes only that much).
class oq_error(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("status", c_int32),
        ("line", c_int32),
        ("column", c_int32),
        ("message", c_char * 512),
        ("path", c_char * 256),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not getattr(self, "struct_size"):
            setattr(self, "struct_size", ctypes.sizeof(oq_error))


oq_load_error_fn = CFUNCTYPE(None, POINTER(oq_error), c_void_p)


class oq_load_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("max_errors", c_int32),
        ("max_bytes", c_int64),
        ("max_nodes", c_int64),
        ("check_references", c_int32),
        ("reserved", c_int32),
        ("engine", c_void_p),
        ("on_error", oq_load_error_fn),
        ("error_user", c_void_p),
    ]



# stats.h
OQ_STATS_BOUNDS_MAX = 16


class oq_stats_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("ring_size", c_int32),
        ("interval_s", c_double),
        ("window_s", c_double),
        ("window_bucket_s", c_double),
        ("short_abandon_s", c_double),
        ("n_wait_bounds", c_int32),
        ("attribution", c_int32),
        ("wait_bounds_s", c_double * OQ_STATS_BOUNDS_MAX),
    ]


# C types of the generated field rows (_fields.py) -> ctypes.
_CTYPES = {"uint32_t": c_uint32, "int32_t": c_int32, "int64_t": c_int64, "uint64_t": c_uint64,
           "double": c_double}


def _fields_of(rows: Any) -> List[Tuple[str, Any]]:
    """ctypes _fields_ from _fields.py rows (name, C type, array length or 0)."""
    return [(n, _CTYPES[t] * k if k else _CTYPES[t]) for n, t, k in rows]


class oq_queue_stats(Structure):
    _fields_ = _fields_of(_fields.OQ_QUEUE_STATS)  # generated from stats.h


class oq_agent_stats(Structure):
    _fields_ = (
        [("struct_size", c_uint32), ("period", c_int32), ("state", c_int32),
         ("start_ms", c_int64), ("end_ms", c_int64)]
        + [(n, c_double) for n in ("offline_s", "ready_s", "not_ready_s", "busy_s",
                                   "wrapup_s", "logged_in_s", "occupancy", "utilisation")]
        + [("handled", c_int64), ("aht_s", c_double), ("mean_talk_s", c_double),
           ("mean_wrapup_s", c_double)]
        + [(n, c_int64) for n in ("offers", "offers_accepted", "offers_rejected",
                                  "offers_timed_out")]
        + [("n_reasons", c_int32), ("reserved", c_int32), ("dropped", c_int64)])


class oq_reason_stats(Structure):
    _fields_ = [("struct_size", c_uint32), ("reason", c_char_p), ("seconds", c_double)]


# sim.h
class oq_sim_dist(Structure):
    _fields_ = [
        ("kind", c_int32),
        ("n_values", c_int32),
        ("mean", c_double),
        ("param", c_double),
        ("values", POINTER(c_double)),
    ]


class oq_sim_stream(Structure):
    _fields_ = [
        ("queue", c_char_p),
        ("channel", c_char_p),
        ("rate_per_hour", c_double),
        ("n_volumes", c_int32),
        ("priority", c_int32),
        ("volumes", POINTER(c_double)),
        ("handle", oq_sim_dist),
        ("patience", oq_sim_dist),
    ]


class oq_sim_window(Structure):
    _fields_ = [("start_s", c_double), ("end_s", c_double), ("reason", c_char_p)]


class oq_sim_agent(Structure):
    _fields_ = [
        ("id", c_char_p),
        ("accept_prob", c_double),
        ("response", oq_sim_dist),
        ("n_shifts", c_int32),
        ("n_breaks", c_int32),
        ("shifts", POINTER(oq_sim_window)),
        ("breaks", POINTER(oq_sim_window)),
    ]


oq_sim_build_fn = CFUNCTYPE(c_int32, c_void_p, c_uint64, c_void_p)



# ---- schedule.h ------------------------------------------------------------------------

class oq_schedule_horizon(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("first_date", c_int32),
        ("days", c_int32),
        ("wrap", c_int32),
        ("interval_s", c_double),
        ("alloc", c_void_p),
        ("alloc_user", c_void_p),
    ]


class oq_shift_break(Structure):
    _fields_ = [
        ("length_s", c_double),
        ("earliest_s", c_double),
        ("latest_s", c_double),
        ("step_s", c_double),
        ("paid", c_int32),
        ("reserved", c_int32),
    ]


class oq_shift_template(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("days", c_int32),
        ("name", c_char_p),
        ("earliest_start_s", c_double),
        ("latest_start_s", c_double),
        ("start_step_s", c_double),
        ("length_s", c_double),
        ("paid_hours", c_double),
        ("cost_per_hour", c_double),
        ("max_per_start", c_int32),
        ("max_per_day", c_int32),
        ("n_breaks", c_int32),
        ("n_skills", c_int32),
        ("breaks", POINTER(oq_shift_break)),
        ("skills", POINTER(c_char_p)),
    ]


class oq_shift_tour(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("days_on", c_int32),
        ("name", c_char_p),
        ("template_name", c_char_p),
        ("consecutive_off", c_int32),
        ("max_count", c_int32),
        ("max_drift_s", c_double),
    ]


class oq_schedule_solver(Structure):
    _fields_ = [("name", c_char_p), ("solve", c_void_p), ("user", c_void_p)]


class oq_schedule_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("objective", c_int32),
        ("under_penalty", c_double),
        ("sl_penalty", c_double),
        ("over_penalty", c_double),
        ("threshold_s", c_double),
        ("max_per_interval", c_int32),
        ("max_agents", c_int32),
        ("solver", c_int32),
        ("reserved", c_int32),
        ("time_limit_s", c_double),
        ("gap_tolerance", c_double),
        ("seed", c_uint64),
        ("mip", POINTER(oq_schedule_solver)),
        ("calendar", c_void_p),
    ]


class oq_schedule_summary(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("status", c_int32),
        ("n_intervals", c_int32),
        ("n_shifts", c_int32),
        ("n_tours", c_int32),
        ("agents", c_int32),
        ("objective", c_double),
        ("cost", c_double),
        ("paid_hours", c_double),
        ("lower_bound", c_double),
        ("gap", c_double),
        ("seconds", c_double),
        ("cpu_seconds", c_double),
        ("under_hours", c_double),
        ("over_hours", c_double),
        ("under", c_int64),
        ("over", c_int64),
    ]


class oq_schedule_shift(Structure):
    _fields_ = [("struct_size", c_uint32)] + [(n, c_int32) for n in (
        "template_index", "tour_index", "tour_row", "day", "start", "length", "count",
        "n_breaks", "reserved")] + [
        (n, c_double) for n in ("start_s", "end_s", "paid_hours", "cost")]


class oq_schedule_break(Structure):
    _fields_ = [("struct_size", c_uint32)] + [(n, c_int32) for n in ("start", "length", "paid")] + [
        ("start_s", c_double), ("end_s", c_double)]


class oq_schedule_tour_row(Structure):
    _fields_ = [("struct_size", c_uint32)] + [(n, c_int32) for n in (
        "tour_index", "count", "days", "first_shift", "n_shifts")]


class oq_roster_agent(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("n_skills", c_int32),
        ("id", c_char_p),
        ("skills", POINTER(c_char_p)),
        ("min_hours", c_double),
        ("max_hours", c_double),
        ("work_days", c_int32),
        ("off_days", c_int32),
        ("n_available", c_int32),
        ("max_consecutive_days", c_int32),
        ("available", POINTER(oq_sim_window)),
        ("min_rest_s", c_double),
    ]


class oq_roster_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("max_consecutive_days", c_int32),
        ("min_rest_s", c_double),
        ("night_start_s", c_double),
        ("night_end_s", c_double),
        ("time_limit_s", c_double),
        ("seed", c_uint64),
    ]


class oq_roster_summary(Structure):
    _fields_ = [("struct_size", c_uint32)] + [(n, c_int32) for n in (
        "agents", "assigned", "unassigned", "violations", "weekend_min", "weekend_max",
        "night_min", "night_max", "reserved")] + [
        (n, c_double) for n in ("seconds", "hours_min", "hours_max")]


class oq_roster_shift(Structure):
    _fields_ = [("struct_size", c_uint32)] + [(n, c_int32) for n in (
        "shift_row", "day", "start", "length", "reserved")] + [
        (n, c_double) for n in ("start_s", "end_s", "paid_hours")]


class oq_roster_violation(Structure):
    _fields_ = [("struct_size", c_uint32)] + [(n, c_int32) for n in (
        "rule", "agent", "shift_row", "day")] + [("message", c_char * 192)]



class oq_sim_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("replications", c_int32),
        ("seed", c_uint64),
        ("start_ms", c_int64),
        ("duration_s", c_double),
        ("warmup_s", c_double),
        ("drain_s", c_double),
        ("interval_s", c_double),
        ("short_abandon_s", c_double),
        ("build", oq_sim_build_fn),
        ("build_user", c_void_p),
        ("n_streams", c_int32),
        ("n_agents", c_int32),
        ("streams", POINTER(oq_sim_stream)),
        ("agents", POINTER(oq_sim_agent)),
        ("default_accept_prob", c_double),
        ("default_response", oq_sim_dist),
        ("on_event", oq_event_fn),
        ("event_user", c_void_p),
        ("check", c_int32),
        ("reserved", c_int32),
        ("alloc", oq_alloc_fn),
        ("alloc_user", c_void_p),
        ("engine_stats", c_int32),
        ("reserved2", c_int32),
    ]


class oq_sim_stats(Structure):
    _fields_ = (
        [("struct_size", c_uint32), ("reserved", c_int32)]
        + [(n, c_int64) for n in ("offered", "answered", "answered_in_t", "abandoned",
                                "abandoned_short", "waited", "rejected", "unfinished",
                                "in_service")]
        + [(n, c_double) for n in (
            "wait_answered_s", "wait_abandoned_s", "max_wait_s", "handle_s", "busy_s",
            "staffed_s", "ready_s", "service_level", "service_level_offered", "p_wait", "asa_s",
            "abandon_rate", "aht_s", "occupancy")])


class oq_sim_estimate(Structure):
    _fields_ = [
        ("mean", c_double),
        ("half_width", c_double),
        ("low", c_double),
        ("high", c_double),
        ("sd", c_double),
        ("n", c_int32),
        ("reserved", c_int32),
    ]


# plan.h
class oq_plan_sim_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("replications", c_int32),
        ("seed", c_uint64),
        ("target_sl", c_double),
        ("skill_level", c_int32),
        ("capacity", c_int32),
        ("alloc", oq_alloc_fn),
        ("alloc_user", c_void_p),
    ]


class oq_plan_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("max_iterations", c_int32),
        ("max_cpu_s", c_double),
        ("margin", c_double),
        ("sim", POINTER(oq_plan_sim_options)),
    ]


class oq_plan_sim_info(Structure):
    _fields_ = ([("struct_size", c_uint32)]
                + [(n, c_int32) for n in ("replications", "n_intervals", "n_queues", "agents",
                                          "first_date")]
                + [(n, c_double) for n in ("interval_s", "target_sl", "cpu_seconds", "seconds")])


class oq_plan_counts(Structure):
    _fields_ = ([("struct_size", c_uint32), ("reserved", c_int32)]
                + [(n, c_int64) for n in ("offered", "answered", "answered_in_t", "abandoned")])


class oq_plan_summary(Structure):
    _fields_ = ([("struct_size", c_uint32)]
                + [(n, c_int32) for n in ("iterations", "best", "met", "missed", "first_missed",
                                          "n_groups", "budget_spent")]
                + [(n, c_double) for n in ("paid_hours", "first_paid_hours", "cpu_seconds",
                                           "seconds")])


class oq_plan_iteration(Structure):
    _fields_ = ([("struct_size", c_uint32)]
                + [(n, c_int32) for n in ("missed", "added", "removed", "unassigned", "reserved")]
                + [(n, c_double) for n in ("paid_hours", "service_level", "cpu_seconds")])


class oq_plan_scenario_info(Structure):
    _fields_ = ([("struct_size", c_uint32)]
                + [(n, c_int32) for n in ("first_date", "days", "interval_s", "n_intervals",
                                          "n_queues", "n_groups", "replications",
                                          "loop_iterations", "reserved")]
                + [(n, c_double) for n in ("target_sl", "threshold_s")])


SIM_SUMMARY_FIGURES = ("offered", "service_level", "service_level_offered", "p_wait",
                       "asa_s", "abandon_rate", "aht_s", "occupancy")


class oq_sim_summary(Structure):
    _fields_ = ([("struct_size", c_uint32), ("replications", c_int32)]
                + [(n, oq_sim_estimate) for n in SIM_SUMMARY_FIGURES])


class oq_sim_run_info(Structure):
    _fields_ = (
        [("struct_size", c_uint32)]
        + [(n, c_int32) for n in ("engine_contacts", "check_status", "reserved")]
        + [("seed", c_uint64)]
        + [(n, c_int64) for n in ("contacts", "completed", "abandoned", "rejected", "removed",
                                  "in_system", "sim_events", "engine_events", "stale",
                                  "end_ms")])


# forecast.h
class oq_volume_series_info(Structure):
    _fields_ = [("struct_size", c_uint32)] + [
        (n, c_int32) for n in ("interval_s", "intervals_per_day", "first_date", "last_date",
                               "days", "has_aht", "reserved")] + [("total_volume", c_double)]


class oq_special_day(Structure):
    _fields_ = [("date", c_int32), ("kind", c_int32), ("like_date", c_int32),
                ("like_weekday", c_int32), ("factor", c_double)]


class oq_forecast_options(Structure):
    _fields_ = (
        [("struct_size", c_uint32)]
        + [(n, c_int32) for n in ("method", "ha_weeks", "level_window_days",
                                  "auto_window_days", "calibration_days")]
        + [(n, c_double) for n in ("ew_alpha", "level_alpha", "hw_alpha", "hw_delta",
                                   "hw_omega", "quantile")]
        + [("calendar", c_void_p), ("special_days", POINTER(oq_special_day)),
           ("n_special_days", c_int32), ("reserved", c_int32), ("alloc", oq_alloc_fn),
           ("alloc_user", c_void_p)])


class oq_forecast_row(Structure):
    _fields_ = ([(n, c_int32) for n in ("date", "interval", "method", "day_kind")]
                + [(n, c_double) for n in ("volume", "lo80", "hi80", "lo95", "hi95",
                                           "quantile", "aht_s")])


class oq_forecast_info(Structure):
    _fields_ = ([("struct_size", c_uint32)]
                + [(n, c_int32) for n in ("method", "history_days", "excluded_days",
                                          "calibration_days", "reserved")]
                + [(n, c_double) for n in ("dispersion80", "dispersion95", "level80",
                                           "level95", "day_factor")])


class oq_backtest_options(Structure):
    _fields_ = [("struct_size", c_uint32)] + [
        (n, c_int32) for n in ("days", "end_date", "lead_days", "intraday_from")]


class oq_backtest_result(Structure):
    _fields_ = ([("struct_size", c_uint32)]
                + [(n, c_int32) for n in ("method", "chosen", "days")]
                + [("intervals", c_int64)]
                + [(n, c_double) for n in ("actual", "forecast", "wape", "mape", "rmse",
                                           "coverage80", "coverage95", "intraday_before",
                                           "intraday_after")])


_SIM = c_void_p  # oq_sim * (opaque)
_SCN = c_void_p  # oq_scenario * (opaque)
_CAL = c_void_p  # oq_calendar * (opaque)


# snapshot.h
class oq_journal_record(Structure):
    _fields_ = [
        ("action", c_int32),
        ("reserved", c_int32),
        ("now_ms", c_int64),
        ("data", c_void_p),
        ("len", c_size_t),
        ("seq", c_uint64),
    ]


oq_write_fn = CFUNCTYPE(c_int32, c_void_p, c_size_t, c_void_p)
oq_read_fn = CFUNCTYPE(c_int64, c_void_p, c_size_t, c_void_p)
oq_journal_fn = CFUNCTYPE(None, POINTER(oq_journal_record), c_void_p)

OPTIONAL_PROTOTYPES = {
    "oq_config_load_file": (_S, [POINTER(oq_engine_options), _P, POINTER(c_void_p),
                                 POINTER(oq_error)]),
    "oq_config_load_buffer": (_S, [POINTER(oq_engine_options), _P, c_size_t, _P,
                                   POINTER(c_void_p), POINTER(oq_error)]),
    "oq_load_options_init": (None, [POINTER(oq_load_options)]),
    "oq_config_load": (_S, [POINTER(oq_load_options), _P, _P, c_size_t, _P, POINTER(c_void_p),
                            POINTER(c_void_p), POINTER(oq_error)]),
    "oq_scenario_load": (_S, [POINTER(oq_load_options), _P, _P, c_size_t, _P, POINTER(_SCN),
                              POINTER(oq_error)]),
    "oq_config_dump": (_S, [_E, POINTER(c_void_p), POINTER(c_size_t)]),
    "oq_error_init": (None, [POINTER(oq_error)]),
    "oq_free": (None, [c_void_p]),
    "oq_config_count": (_S, [_E, _I, _PI]),
    "oq_config_id": (_S, [_E, _I, _I, POINTER(c_char_p)]),
    "oq_config_next": (_S, [_E, _I, _PI, POINTER(c_char_p)]),
    "oq_config_exists": (_S, [_E, _I, c_char_p]),
    # stats.h
    "oq_sl_definition_name": (_P, [_I]),
    "oq_stats_options_init": (None, [POINTER(oq_stats_options)]),
    "oq_stats_configure": (_S, [_E, POINTER(oq_stats_options)]),
    "oq_stats_get_options": (_S, [_E, POINTER(oq_stats_options)]),
    "oq_stats_reset_day": (_S, [_E, _L]),
    "oq_stats_queue": (_S, [_E, _P, _I, POINTER(oq_queue_stats)]),
    "oq_stats_channel": (_S, [_E, _P, _I, POINTER(oq_queue_stats)]),
    "oq_stats_center": (_S, [_E, _I, POINTER(oq_queue_stats)]),
    "oq_stats_interval_count": (_S, [_E, _PI]),
    "oq_stats_interval_queue": (_S, [_E, _P, _I, POINTER(oq_queue_stats)]),
    "oq_stats_interval_channel": (_S, [_E, _P, _I, POINTER(oq_queue_stats)]),
    "oq_stats_interval_center": (_S, [_E, _I, POINTER(oq_queue_stats)]),
    "oq_stats_service_level": (_S, [POINTER(oq_queue_stats), _I, _PD]),
    "oq_stats_service_level_if_empty": (_S, [POINTER(oq_queue_stats), _I, c_double, _PD]),
    "oq_stats_agent": (_S, [_E, _P, _I, POINTER(oq_agent_stats)]),
    "oq_stats_agent_reason": (_S, [_E, _P, _I, _I, POINTER(oq_reason_stats)]),
    "oq_stats_agent_channel": (_S, [_E, _P, _P, _I, _PL]),
    # sim.h
    "oq_sim_dist_name": (_P, [_I]),
    "oq_sim_stream_init": (None, [POINTER(oq_sim_stream)]),
    "oq_sim_agent_init": (None, [POINTER(oq_sim_agent)]),
    "oq_sim_options_init": (None, [POINTER(oq_sim_options)]),
    "oq_sim_create": (_S, [POINTER(oq_sim_options), POINTER(c_void_p), POINTER(oq_error)]),
    "oq_sim_options_check": (_S, [POINTER(oq_sim_options), POINTER(oq_error)]),
    "oq_sim_destroy": (None, [_SIM]),
    "oq_sim_run": (_S, [_SIM]),
    "oq_sim_last_error": (_P, [_SIM]),
    "oq_sim_engine": (_E, [_SIM]),
    "oq_sim_scope_count": (_S, [_SIM, _I, _PI]),
    "oq_sim_scope_id": (_S, [_SIM, _I, _I, POINTER(c_char_p)]),
    "oq_sim_replication_stats": (_S, [_SIM, _I, _I, _I, POINTER(oq_sim_stats), POINTER(oq_error)]),
    "oq_sim_interval_count": (_S, [_SIM, _PI]),
    "oq_sim_interval_stats": (_S, [_SIM, _I, _I, _I, POINTER(oq_sim_stats), POINTER(oq_error)]),
    "oq_sim_summarize": (_S, [_SIM, _I, _I, POINTER(oq_sim_summary), POINTER(oq_error)]),
    "oq_sim_run_info_get": (_S, [_SIM, _I, POINTER(oq_sim_run_info), POINTER(oq_error)]),
    "oq_sim_interval_service_level": (_S, [_SIM, _I, POINTER(oq_sim_estimate)]),
    "oq_sim_t975": (_D, [_I]),
    # calendar.h
    "oq_date_from_ymd": (_S, [_I, _I, _I, _PI]),
    "oq_date_to_ymd": (_S, [_I, _PI, _PI, _PI]),
    "oq_date_weekday": (_I, [_I]),
    "oq_date_parse": (_S, [_P, _PI]),
    "oq_weekday_name": (_P, [_I]),
    "oq_calendar_options_init": (_S, [POINTER(oq_calendar_options)]),
    "oq_calendar_create": (_S, [_P, _P, POINTER(oq_calendar_options), POINTER(c_void_p),
                                POINTER(oq_error)]),
    "oq_calendar_copy": (_S, [_CAL, POINTER(oq_calendar_options), POINTER(c_void_p),
                              POINTER(oq_error)]),
    "oq_calendar_destroy": (None, [_CAL]),
    "oq_calendar_id": (_P, [_CAL]),
    "oq_calendar_time_zone": (_P, [_CAL]),
    "oq_calendar_add_hours": (_S, [_CAL, _I, _I, _I, POINTER(oq_error)]),
    "oq_calendar_set_day_hours": (_S, [_CAL, _I, _I, _I, _P, POINTER(oq_error)]),
    "oq_calendar_close_day": (_S, [_CAL, _I, _P, POINTER(oq_error)]),
    "oq_calendar_add_holiday": (_S, [_CAL, _P, _I, _P, POINTER(oq_error)]),
    "oq_calendar_day_kind": (_S, [_CAL, _I, _PI, POINTER(c_char_p)]),
    "oq_calendar_open_ms_of_day": (_S, [_CAL, _I, _PL]),
    "oq_calendar_to_local": (_S, [_CAL, _L, POINTER(oq_local_time)]),
    "oq_calendar_from_local": (_S, [_CAL, _I, _I, _PL]),
    "oq_calendar_is_open": (_S, [_CAL, _L, _PI]),
    "oq_engine_add_calendar": (_S, [_E, _L, _CAL]),
    "oq_engine_replace_calendar": (_S, [_E, _L, _CAL]),
    "oq_engine_remove_calendar": (_S, [_E, _P]),
    "oq_engine_get_calendar": (_S, [_E, _P, POINTER(_CAL)]),
    "oq_engine_calendar_count": (_S, [_E, _PI]),
    "oq_calendar_next_open": (_S, [_CAL, _L, _PL]),
    "oq_calendar_next_close": (_S, [_CAL, _L, _PL]),
    "oq_calendar_business_ms": (_S, [_CAL, _L, _L, _PL]),
    "oq_calendar_add_business_ms": (_S, [_CAL, _L, _L, _PL]),
    "oq_calendar_load_file": (_S, [_P, _P, POINTER(oq_calendar_options), POINTER(c_void_p),
                                   POINTER(oq_error)]),
    "oq_calendar_load_buffer": (_S, [_P, c_size_t, _P, _P, POINTER(oq_calendar_options),
                                     POINTER(c_void_p), POINTER(oq_error)]),
    "oq_calendar_ids_file": (_S, [_P, POINTER(c_void_p), _PI, POINTER(oq_error)]),
    "oq_calendar_ids_buffer": (_S, [_P, c_size_t, _P, POINTER(c_void_p), _PI,
                                    POINTER(oq_error)]),
    # config.h: scenarios
    "oq_scenario_load_file": (_S, [_P, POINTER(_SCN), POINTER(oq_error)]),
    "oq_scenario_load_buffer": (_S, [_P, c_size_t, _P, POINTER(_SCN),
                                     POINTER(oq_error)]),
    "oq_scenario_options": (_S, [_SCN, POINTER(oq_sim_options), POINTER(oq_error)]),
    "oq_scenario_build": (_S, [_E, _SCN]),
    "oq_scenario_free": (None, [_SCN]),
    # snapshot.h (buffers are passed as bytes: c_char_p, NULs included)
    "oq_engine_snapshot": (_S, [_E, oq_write_fn, c_void_p]),
    "oq_engine_restore": (_S, [POINTER(oq_engine_options), oq_read_fn, c_void_p,
                               POINTER(c_void_p), POINTER(oq_error)]),
    "oq_engine_snapshot_buffer": (_S, [_E, POINTER(c_void_p), POINTER(c_size_t)]),
    "oq_engine_restore_buffer": (_S, [POINTER(oq_engine_options), _P, c_size_t,
                                      POINTER(c_void_p), POINTER(oq_error)]),
    "oq_engine_set_journal": (_S, [_E, oq_journal_fn, c_void_p]),
    "oq_journal_apply": (_S, [_E, _P, c_size_t, POINTER(oq_error)]),
    "oq_journal_action_name": (_P, [_I]),
    "oq_engine_journal_seq": (_S, [_E, POINTER(c_uint64)]),
    "oq_engine_set_journal_seq": (_S, [_E, c_uint64]),
    "oq_journal_record_seq": (_S, [_P, c_size_t, POINTER(c_uint64), POINTER(oq_error)]),
    # forecast.h (series are opaque pointers)
    "oq_volume_series_create": (_S, [_I, oq_alloc_fn, c_void_p, POINTER(c_void_p),
                                     POINTER(oq_error)]),
    "oq_volume_series_destroy": (None, [c_void_p]),
    "oq_volume_series_add": (_S, [c_void_p, _I, _I, _D, _D, POINTER(oq_error)]),
    "oq_volume_series_set_day": (_S, [c_void_p, _I, _PD, _PD, _I, POINTER(oq_error)]),
    "oq_volume_series_load_csv": (_S, [_P, _P, _I, oq_alloc_fn, c_void_p, POINTER(c_void_p),
                                       POINTER(oq_error)]),
    "oq_volume_csv_queues": (_S, [_P, POINTER(c_void_p), _PI, POINTER(oq_error)]),
    "oq_volume_series_info_get": (_S, [c_void_p, POINTER(oq_volume_series_info),
                                          POINTER(oq_error)]),
    "oq_volume_series_queue": (_P, [c_void_p]),
    "oq_volume_series_day": (_S, [c_void_p, _I, _PD, _PD, _I, _PI]),
    "oq_volume_series_aggregate": (_S, [c_void_p, _I, POINTER(c_void_p), POINTER(oq_error)]),
    "oq_forecast_method_name": (_P, [_I]),
    "oq_forecast_method_parse": (_S, [_P, _PI]),
    "oq_forecast_options_init": (_S, [POINTER(oq_forecast_options)]),
    "oq_forecast_run": (_S, [c_void_p, _I, _I, POINTER(oq_forecast_options),
                             POINTER(oq_forecast_row), _I, POINTER(oq_forecast_info),
                             POINTER(oq_error)]),
    "oq_forecast_intraday": (_S, [c_void_p, _I, _I, POINTER(oq_forecast_options),
                                  POINTER(oq_forecast_row), _I, POINTER(oq_forecast_info),
                                  POINTER(oq_error)]),
    "oq_forecast_quantile": (_S, [_D, _D, _D, _PD]),
    "oq_backtest_options_init": (_S, [POINTER(oq_backtest_options)]),
    "oq_forecast_backtest": (_S, [c_void_p, POINTER(oq_forecast_options),
                                  POINTER(oq_backtest_options), POINTER(oq_backtest_result),
                                  POINTER(oq_error)]),
    # schedule.h (opaque handles as c_void_p)
    "oq_schedule_horizon_init": (_S, [POINTER(oq_schedule_horizon)]),
    "oq_schedule_create": (_S, [POINTER(oq_schedule_horizon), POINTER(c_void_p),
                                POINTER(oq_error)]),
    "oq_schedule_destroy": (None, [c_void_p]),
    "oq_schedule_get_horizon": (_S, [c_void_p, POINTER(oq_schedule_horizon), POINTER(oq_error)]),
    "oq_schedule_interval_count": (_I, [c_void_p]),
    "oq_schedule_set_required": (_S, [c_void_p, _I, _I, _PI, POINTER(oq_error)]),
    "oq_schedule_set_traffic": (_S, [c_void_p, _I, _I, _PD, _PD, POINTER(oq_error)]),
    "oq_schedule_set_plan": (_S, [c_void_p, _I, _I, POINTER(oq_plan_interval), _I, _PD,
                                  POINTER(oq_error)]),
    "oq_schedule_get_required": (_S, [c_void_p, _PI, _I]),
    "oq_schedule_load_csv": (_S, [_P, _P, _D, POINTER(oq_schedule_horizon), POINTER(c_void_p),
                                  POINTER(oq_error)]),
    "oq_shift_template_init": (_S, [POINTER(oq_shift_template)]),
    "oq_schedule_add_template": (_S, [c_void_p, POINTER(oq_shift_template), _PI,
                                      POINTER(oq_error)]),
    "oq_shift_tour_init": (_S, [POINTER(oq_shift_tour)]),
    "oq_schedule_add_tour": (_S, [c_void_p, POINTER(oq_shift_tour), _PI, POINTER(oq_error)]),
    "oq_schedule_template_count": (_I, [c_void_p]),
    "oq_schedule_tour_count": (_I, [c_void_p]),
    "oq_schedule_template_name": (_P, [c_void_p, _I]),
    "oq_schedule_tour_name": (_P, [c_void_p, _I]),
    "oq_schedule_options_init": (_S, [POINTER(oq_schedule_options)]),
    "oq_schedule_status_name": (_P, [_I]),
    "oq_schedule_solve": (_S, [c_void_p, POINTER(oq_schedule_options), POINTER(c_void_p),
                               POINTER(oq_error)]),
    "oq_schedule_result_destroy": (None, [c_void_p]),
    "oq_schedule_result_summary": (_S, [c_void_p, POINTER(oq_schedule_summary),
                                      POINTER(oq_error)]),
    "oq_schedule_result_message": (_P, [c_void_p]),
    "oq_schedule_result_solver": (_P, [c_void_p]),
    "oq_schedule_result_shift": (_S, [c_void_p, _I, POINTER(oq_schedule_shift),
                                    POINTER(oq_error)]),
    "oq_schedule_result_break": (_S, [c_void_p, _I, _I, POINTER(oq_schedule_break),
                                    POINTER(oq_error)]),
    "oq_schedule_result_tour": (_S, [c_void_p, _I, POINTER(oq_schedule_tour_row),
                                   POINTER(oq_error)]),
    "oq_schedule_result_coverage": (_S, [c_void_p, _PI, _I]),
    "oq_schedule_result_required": (_S, [c_void_p, _PI, _I]),
    "oq_schedule_result_template_name": (_P, [c_void_p, _I]),
    "oq_schedule_result_tour_name": (_P, [c_void_p, _I]),
    "oq_schedule_result_horizon": (_S, [c_void_p, POINTER(oq_schedule_horizon), POINTER(oq_error)]),
    "oq_roster_agent_init": (_S, [POINTER(oq_roster_agent)]),
    "oq_roster_options_init": (_S, [POINTER(oq_roster_options)]),
    "oq_roster_build": (_S, [c_void_p, POINTER(oq_roster_agent), _I, POINTER(oq_roster_options),
                             POINTER(c_void_p), POINTER(oq_error)]),
    "oq_roster_destroy": (None, [c_void_p]),
    "oq_roster_summary_get": (_S, [c_void_p, POINTER(oq_roster_summary),
                                 POINTER(oq_error)]),
    "oq_roster_agent_shift_count": (_S, [c_void_p, _I, _PI]),
    "oq_roster_agent_shift": (_S, [c_void_p, _I, _I, POINTER(oq_roster_shift),
                                 POINTER(oq_error)]),
    "oq_roster_agent_totals": (_S, [c_void_p, _I, _PD, _PI, _PI]),
    "oq_roster_agent_windows": (_S, [c_void_p, _I, POINTER(oq_sim_window), _I,
                                     POINTER(oq_sim_window), _I, _PI, _PI]),
    "oq_roster_rule_name": (_P, [_I]),
    "oq_roster_violation_get": (_S, [c_void_p, _I, POINTER(oq_roster_violation),
                                   POINTER(oq_error)]),
    "oq_schedule_load_shifts": (_S, [c_void_p, _P, POINTER(oq_error)]),
    "oq_schedule_load_shifts_buffer": (_S, [c_void_p, _P, c_size_t, _P, POINTER(oq_error)]),
    "oq_roster_agents_load": (_S, [_P, POINTER(oq_schedule_horizon), POINTER(c_void_p),
                                   POINTER(oq_error)]),
    "oq_roster_agents_load_buffer": (_S, [_P, c_size_t, _P, POINTER(oq_schedule_horizon),
                                          POINTER(c_void_p), POINTER(oq_error)]),
    "oq_roster_agents_destroy": (None, [c_void_p]),
    "oq_roster_agents_list": (POINTER(oq_roster_agent), [c_void_p, _PI]),
    "oq_roster_agents_options": (_S, [c_void_p, POINTER(oq_roster_options), POINTER(oq_error)]),
    # plan.h (oq_plan_staff / oq_plan_group arrays are passed as pointers)
    "oq_plan_sim_options_init": (_S, [POINTER(oq_plan_sim_options)]),
    "oq_plan_simulate": (_S, [c_void_p, c_void_p, _I, POINTER(oq_plan_sim_options),
                              POINTER(c_void_p), POINTER(oq_error)]),
    "oq_plan_sim_destroy": (None, [c_void_p]),
    "oq_plan_sim_info_get": (_S, [c_void_p, POINTER(oq_plan_sim_info), POINTER(oq_error)]),
    "oq_plan_sim_queue": (_P, [c_void_p, _I]),
    "oq_plan_sim_counts": (_S, [c_void_p, _I, _I, _I, POINTER(oq_plan_counts),
                                   POINTER(oq_error)]),
    "oq_plan_sim_service_level": (_S, [c_void_p, _I, _I, _I, POINTER(oq_sim_estimate)]),
    "oq_plan_options_init": (_S, [POINTER(oq_plan_options)]),
    "oq_plan_run": (_S, [c_void_p, c_void_p, _I, POINTER(oq_plan_options), POINTER(c_void_p),
                         POINTER(oq_error)]),
    "oq_plan_destroy": (None, [c_void_p]),
    "oq_plan_summary_get": (_S, [c_void_p, POINTER(oq_plan_summary), POINTER(oq_error)]),
    "oq_plan_iteration_get": (_S, [c_void_p, _I, POINTER(oq_plan_iteration), POINTER(oq_error)]),
    "oq_plan_simulation": (c_void_p, [c_void_p]),
    "oq_plan_schedule": (c_void_p, [c_void_p, _I]),
    "oq_plan_roster": (c_void_p, [c_void_p, _I]),
    "oq_plan_required": (_S, [c_void_p, _I, _PI, _I]),
    "oq_plan_scenario_load": (_S, [_P, POINTER(c_void_p), POINTER(oq_error)]),
    "oq_plan_scenario_destroy": (None, [c_void_p]),
    "oq_plan_scenario_info_get": (_S, [c_void_p, POINTER(oq_plan_scenario_info),
                                          POINTER(oq_error)]),
    "oq_plan_scenario_queue": (_P, [c_void_p, _I]),
    "oq_plan_scenario_group": (_P, [c_void_p, _I]),
    "oq_plan_scenario_method": (_P, [c_void_p]),
    "oq_plan_scenario_forecast": (_S, [c_void_p, _I, _PD, _I]),
    "oq_plan_scenario_required": (_S, [c_void_p, _I, _PI, _I]),
    "oq_plan_scenario_options": (_S, [c_void_p, POINTER(oq_plan_options), POINTER(oq_error)]),
    "oq_plan_scenario_run": (_S, [c_void_p, POINTER(oq_plan_options), POINTER(c_void_p),
                                  POINTER(oq_error)]),
}

# libomniq_cbc (schedule_cbc.h), loaded apart by load_cbc()
CBC_PROTOTYPES = {
    "oq_schedule_cbc_solver": (_S, [POINTER(oq_schedule_solver)]),
    "oq_schedule_cbc_version": (_P, []),
    "oq_schedule_cbc_solve": (_S, [c_void_p, c_void_p, c_void_p]),
}

# Symbols the binding looks for with has_symbol(): the optional prototypes
# above (config.h, stats.h, sim.h, snapshot.h, forecast.h); the binding raises
# NotImplementedError naming the symbol while the loaded library lacks one.
OPTIONAL_SYMBOLS = tuple(OPTIONAL_PROTOTYPES)


class LibraryNotFound(ImportError):
    """The omniq shared library could not be located or loaded."""


_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None
_lib_path: Optional[str] = None


def _candidates() -> List[Tuple[str, str]]:
    env = os.environ.get("OMNIQ_LIBRARY")
    if env:
        if os.path.isdir(env):
            hits = sorted(glob.glob(os.path.join(env, "libomniq.so*")) +
                          glob.glob(os.path.join(env, "libomniq*.dylib")) +
                          glob.glob(os.path.join(env, "omniq.dll")))
            return [("OMNIQ_LIBRARY", hits[0] if hits else env)]
        return [("OMNIQ_LIBRARY", env)]
    here = os.path.dirname(os.path.abspath(__file__))
    out = []
    for pattern in ("libomniq.so", "libomniq.so.*", "libomniq*.dylib", "omniq.dll"):
        for path in sorted(glob.glob(os.path.join(here, pattern))):
            out.append(("package directory", path))
    if sys.platform.startswith("linux"):
        out.append(("system library path", "libomniq.so.0"))
        out.append(("system library path", "libomniq.so"))
    found = ctypes.util.find_library("omniq")
    if found:
        out.append(("system library path", found))
    return out


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    for name, (restype, argtypes) in PROTOTYPES.items():
        fn = getattr(lib, name)  # AttributeError: not an omniq library of this version
        fn.restype = restype
        fn.argtypes = argtypes
    for name, (restype, argtypes) in OPTIONAL_PROTOTYPES.items():
        if hasattr(lib, name):
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
    return lib


def load() -> Any:
    """Return the loaded, fully declared library (loading it on first call).

    Typed ``Any``: its attributes are the C functions, declared by
    :data:`PROTOTYPES` at load time."""
    global _lib, _lib_path
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        tried = []
        cands = _candidates()
        for where, path in cands:
            try:
                lib = ctypes.CDLL(path)
            except OSError as exc:
                tried.append(f"{where}: {path}: {exc}")
                continue
            try:
                _declare(lib)
            except AttributeError as exc:
                tried.append(f"{where}: {path}: not a compatible libomniq ({exc})")
                continue
            _lib_path = path
            _lib = lib
            return lib
        if not cands:
            tried.append("no candidate found")
        raise LibraryNotFound(
            "cannot load the omniq shared library; set OMNIQ_LIBRARY to the path of "
            "libomniq.so. Tried:\n  " + "\n  ".join(tried))


def has_symbol(name: str) -> bool:
    """Whether the loaded library exports ``name`` (for optional modules)."""
    return hasattr(load(), name)


def library_path() -> str:
    """The path (or soname) the library was loaded from."""
    load()
    assert _lib_path is not None
    return _lib_path


S = TypeVar("S", bound=Structure)


def padded(struct_type: Type[S]) -> S:
    """A zeroed ``struct_type`` inside a larger buffer.

    Out-parameters are allocated with 512 spare bytes, so that a library built
    from newer headers with a larger struct can never write past our memory.
    A versioned struct (first field ``struct_size``) gets its size set, as
    include/omniq/core.h asks of an output struct: the library writes that much.
    """
    buf = (c_char * (ctypes.sizeof(struct_type) + 512))()
    out = struct_type.from_buffer(buf)
    if struct_type._fields_ and struct_type._fields_[0][0] == "struct_size":
        out.struct_size = ctypes.sizeof(struct_type)
    return out


_cbc: Any = None
_cbc_tried = False


def load_cbc() -> Any:
    """The CBC solver library (libomniq_cbc), or None when it is not there.

    Search: the OMNIQ_CBC_LIBRARY environment variable (a file or a directory),
    then a libomniq_cbc next to the loaded libomniq, then the system's library
    path. It is loaded after libomniq, whose symbols it uses.
    """
    global _cbc, _cbc_tried
    load()  # first, and outside the lock: load() takes it too
    with _lock:
        if _cbc_tried:
            return _cbc
        _cbc_tried = True
        cands: List[str] = []
        env = os.environ.get("OMNIQ_CBC_LIBRARY")
        if env:
            if os.path.isdir(env):
                cands += sorted(glob.glob(os.path.join(env, "libomniq_cbc.so*")))
            else:
                cands.append(env)
        here = os.path.dirname(_lib_path or "")
        if here:
            cands += sorted(glob.glob(os.path.join(here, "libomniq_cbc.so*")))
        cands += ["libomniq_cbc.so.0", "libomniq_cbc.so"]
        for path in cands:
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            try:
                for name, (restype, argtypes) in CBC_PROTOTYPES.items():
                    fn = getattr(lib, name)
                    fn.restype = restype
                    fn.argtypes = argtypes
            except AttributeError:
                continue
            _cbc = lib
            break
        return _cbc
