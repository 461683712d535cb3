# SPDX-License-Identifier: MIT
"""Mirrors of the ``#define`` constants of the omniq C headers.

Every constant keeps its C name (``OQ_EINVAL``, ``OQ_EV_OFFERED``, ...). They are
plain ``int`` values: the C enums are ``int32_t`` macros, not C enums.
"""

# ---- core.h: status codes ----------------------------------------------------
OQ_OK = 0
OQ_EINVAL = -1
OQ_ENOTFOUND = -2
OQ_EEXIST = -3
OQ_ENOMEM = -4
OQ_ESTATE = -5
OQ_ECONFIG = -6
OQ_EBUSY = -7
OQ_ECORRUPT = -8
OQ_ERANGE = -9

# ---- engine.h: event types ---------------------------------------------------
OQ_EV_CONTACT_QUEUED = 1
OQ_EV_OFFERED = 2
OQ_EV_OFFER_REJECTED = 3
OQ_EV_OFFER_TIMEOUT = 4
OQ_EV_ASSIGNED = 5
OQ_EV_WRAPUP_STARTED = 6
OQ_EV_COMPLETED = 7
OQ_EV_ABANDONED = 8
OQ_EV_TRANSFERRED = 9
OQ_EV_REMOVED = 10
OQ_EV_PRIORITY_CHANGED = 11
OQ_EV_AGENT_STATE = 12
OQ_EV_ESCALATED = 13
OQ_EV_OVERFLOWED = 14
OQ_EV_ALERT = 15
OQ_EV_DEADLINE_WARNING = 16
OQ_EV_DEADLINE_BREACH = 17
OQ_EV_QUEUE_REJECTED = 18
OQ_EV_PARKED = 19
OQ_EV_REOPENED = 20
OQ_EV_INTERVAL_CLOSED = 21
OQ_EV_CALLBACK_QUEUED = 22

# ---- model.h -------------------------------------------------------------------
OQ_ID_MAX = 255
OQ_CAPACITY_MAX = 10000
OQ_LEVEL_MAX = 1000
OQ_PRIORITY_MAX = 1000000

OQ_AGENT_OFFLINE = 0
OQ_AGENT_READY = 1
OQ_AGENT_NOT_READY = 2
OQ_AGENT_BUSY = 3
OQ_AGENT_WRAPUP = 4

OQ_ORDER_FIFO = 0
OQ_ORDER_PRIORITY = 1
OQ_ORDER_DEADLINE = 2

OQ_STRATEGY_LONGEST_IDLE = 0
OQ_STRATEGY_LEAST_OCCUPIED = 1
OQ_STRATEGY_BEST_SKILL = 2
OQ_STRATEGY_ROUND_ROBIN = 3
OQ_STRATEGY_FEWEST_HANDLED = 4
OQ_STRATEGY_RANDOM = 5

# ---- contact.h -----------------------------------------------------------------
OQ_CONTACT_QUEUED = 1
OQ_CONTACT_OFFERED = 2
OQ_CONTACT_ACTIVE = 3
OQ_CONTACT_WRAPUP = 4
OQ_CONTACT_PARKED = 5
OQ_CONTACT_SKILLS_MAX = 32
OQ_HISTORY_MAX = 64

# ---- escalation.h --------------------------------------------------------------
OQ_STEP_LOWER_LEVEL = 1
OQ_STEP_DROP_REQUIRED = 2
OQ_STEP_ADD_GROUP = 3
OQ_STEP_DROP_PREFERRED = 4
OQ_STEP_RAISE_PRIORITY = 5
OQ_STEP_OVERFLOW = 6
OQ_STEP_ALERT = 7

OQ_STEP_AFTER_ENTRY = 0
OQ_STEP_AFTER_PREVIOUS = 1

OQ_LADDER_MAX = 32

OQ_SKIP_NEVER = 0
OQ_SKIP_NONE_AVAILABLE = 1
OQ_SKIP_NONE_LOGGED_IN = 2

OQ_LIMIT_REJECT = 0
OQ_LIMIT_OVERFLOW = 1
OQ_LIMIT_CALLBACK = 2
OQ_LIMIT_CALLBACK_KEEP_PLACE = 3

# ---- profile.h -----------------------------------------------------------------
OQ_IDLE_LAST_ACTIVITY = 0
OQ_IDLE_LAST_INBOUND = 1

OQ_BLEND_WHEN_IDLE = 0
OQ_BLEND_SL_ABOVE_TARGET = 1

# ---- config.h ------------------------------------------------------------------
OQ_CONFIG_DEPTH_MAX = 32
OQ_KIND_CHANNEL = 1
OQ_KIND_SKILL = 2
OQ_KIND_GROUP = 3
OQ_KIND_PROFILE = 4
OQ_KIND_QUEUE = 5
OQ_KIND_AGENT = 6

# ---- stats.h -------------------------------------------------------------------
OQ_PERIOD_INTERVAL = 0
OQ_PERIOD_WINDOW = 1
OQ_PERIOD_DAY = 2
OQ_PERIOD_CLOSED = 3

OQ_SL_ANSWERED_ABANDONED = 1
OQ_SL_OFFERED = 2
OQ_SL_OFFERED_NO_SHORT = 3
OQ_SL_ANSWERED = 4
OQ_SL_ASTERISK_SL2 = 5

OQ_STATS_BOUNDS_MAX = 16
OQ_STATS_RING_MAX = 10000
OQ_STATS_REASONS_MAX = 8

# ---- sim.h ---------------------------------------------------------------------
OQ_DIST_NONE = 0
OQ_DIST_CONSTANT = 1
OQ_DIST_EXPONENTIAL = 2
OQ_DIST_LOGNORMAL = 3
OQ_DIST_GAMMA = 4
OQ_DIST_EMPIRICAL = 5

OQ_SIM_TOTAL = 0
OQ_SIM_QUEUE = 1
OQ_SIM_CHANNEL = 2

# ---- calendar.h ------------------------------------------------------------------
OQ_MS_PER_DAY = 86400000
OQ_DAY_REGULAR = 0
OQ_DAY_SPECIAL = 1
OQ_DAY_CLOSED = 2
OQ_DAY_HOLIDAY = 3

# ---- forecast.h ----------------------------------------------------------------
OQ_FORECAST_NO_DATE = -(2 ** 31)

OQ_FORECAST_SEASONAL_NAIVE = 0
OQ_FORECAST_HA = 1
OQ_FORECAST_EWHA = 2
OQ_FORECAST_DAY_LEVEL = 3
OQ_FORECAST_HOLT_WINTERS = 4
OQ_FORECAST_AUTO = 5
OQ_FORECAST_METHODS = 6

OQ_SPECIAL_CLOSED = 0
OQ_SPECIAL_FACTOR = 1
OQ_SPECIAL_LIKE_DATE = 2
OQ_SPECIAL_LIKE_WEEKDAY = 3

OQ_FORECAST_DAY_REGULAR = 0
OQ_FORECAST_DAY_CLOSED = 1
OQ_FORECAST_DAY_SPECIAL = 2
OQ_FORECAST_DAY_ACTUAL = 3


# No __all__: `from .constants import *` takes every (public) name above, and
# type checkers see each of them; omniq.__all__ lists them from this module.
