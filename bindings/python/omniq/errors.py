# SPDX-License-Identifier: MIT
"""The omniq exception types and argument conversion helpers."""

import math
import numbers

from . import _lib
from .constants import OQ_EINVAL, OQ_OK


class OmniqError(Exception):
    """A failed omniq call.

    Attributes:
        status:  the negative ``oq_status`` (``omniq.OQ_EINVAL``, ...).
        name:    its symbolic name (``"OQ_EINVAL"``).
        message: the engine's last-error message (which names the id or field
                 at fault), or a description of the argument the binding
                 refused before calling C.
        function: the C function (or binding method) that failed, if known.
    """

    def __init__(self, status, message, function=None):
        self.status = int(status)
        self.message = message
        self.function = function
        self.name = status_name(self.status)
        self.callback_errors = []
        where = f"{function}: " if function else ""
        super().__init__(f"{where}{message} [{self.name}]")


class CallbackError(Exception):
    """The Python event callback raised while an engine call ran.

    The engine call itself succeeded (its effects stand, and every event was
    still delivered); this is raised after it returns. ``__cause__`` is the
    first exception, ``errors`` all of them, in order.
    """

    def __init__(self, errors):
        self.errors = list(errors)
        first = self.errors[0]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"event callback raised {type(first).__name__}: {first}{more}")


def status_name(status):
    try:
        return _lib.load().oq_status_name(int(status)).decode()
    except Exception:  # library unavailable: still give a usable name
        return f"status {status}"


def status_str(status):
    return _lib.load().oq_status_str(int(status)).decode()


# ---- argument conversion: every refusal is an OmniqError(OQ_EINVAL) ---------------

INT32_MIN, INT32_MAX = -(2 ** 31), 2 ** 31 - 1
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1


def bad(what, message, function=None):
    return OmniqError(OQ_EINVAL, f"{what}: {message}", function)


def to_int(value, what, lo=INT32_MIN, hi=INT32_MAX, function=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise bad(what, f"expected an integer, got {value!r}", function)
    value = int(value)
    if not lo <= value <= hi:
        raise bad(what, f"{value} is out of range [{lo}, {hi}]", function)
    return value


def to_int64(value, what, function=None):
    return to_int(value, what, INT64_MIN, INT64_MAX, function)


def to_bool(value, what, function=None):
    if isinstance(value, (bool, numbers.Integral)):
        return 1 if value else 0
    raise bad(what, f"expected a bool, got {value!r}", function)


def to_float(value, what, function=None):
    """Any real number; NaN and infinities are passed on for C to judge."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise bad(what, f"expected a number, got {value!r}", function)
    try:
        return float(value)
    except (OverflowError, ValueError) as exc:
        raise bad(what, str(exc), function) from None


def to_bytes(value, what, function=None, optional=False):
    """str (UTF-8) or bytes -> bytes without NUL; None -> None if optional."""
    if value is None:
        if optional:
            return None
        raise bad(what, "is required (got None)", function)
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogateescape")
    elif isinstance(value, (bytes, bytearray)):
        data = bytes(value)
    else:
        raise bad(what, f"expected a str, got {type(value).__name__}", function)
    if b"\0" in data:
        raise bad(what, "contains a NUL character", function)
    return data


def from_bytes(data):
    return None if data is None else data.decode("utf-8", "surrogateescape")


def is_finite(x):
    return not (math.isnan(x) or math.isinf(x))
