# SPDX-License-Identifier: MIT
"""The omniq exception types and argument conversion helpers.

Every failed call raises an :class:`OmniqError`. ``OmniqError(status, ...)``
returns the subclass that fits the status, which also derives from the
built-in exception a Python caller would catch:

- ``OQ_EINVAL``: :class:`InvalidArgument`, a ``ValueError``;
- ``OQ_ENOTFOUND``: :class:`NotFound`, a ``KeyError``;
- ``OQ_EEXIST``: :class:`AlreadyExists`, a ``ValueError``;
- ``OQ_ENOMEM``: :class:`OutOfMemory`, a ``MemoryError``;
- ``OQ_ESTATE``: :class:`InvalidState`, a ``RuntimeError``;
- ``OQ_ECONFIG``: :class:`ConfigError`, a ``ValueError``;
- ``OQ_EBUSY``: :class:`Busy`, a ``RuntimeError``;
- ``OQ_ECORRUPT``: :class:`Corrupt`, a ``RuntimeError``;
- ``OQ_ERANGE``: :class:`OutOfRange`, a ``ValueError``;

so ``except KeyError`` catches an unknown agent id and ``except OmniqError``
catches everything the library raises.
"""

import math
import numbers
from typing import Any, Dict, List, Optional, Type, Union

from . import _lib
from .constants import (OQ_EBUSY, OQ_ECONFIG, OQ_ECORRUPT, OQ_EEXIST, OQ_EINVAL, OQ_ENOMEM,
                        OQ_ENOTFOUND, OQ_ERANGE, OQ_ESTATE)


class OmniqError(Exception):
    """A failed omniq call.

    Attributes:
        status:  the negative ``oq_status`` (``omniq.OQ_EINVAL``, ...).
        name:    its symbolic name (``"OQ_EINVAL"``).
        message: the engine's last-error message (which names the id or field
                 at fault), or a description of the argument the binding
                 refused before calling C.
        function: the C function (or binding method) that failed, if known.
        callback_errors: exceptions the event callback raised during the call.
        line, column, path: where a configuration error is (``OQ_ECONFIG``
                 from a loader; 0, 0, None otherwise).

    Constructing ``OmniqError(status, ...)`` gives the subclass that fits
    ``status`` (see the module's table); unknown statuses stay OmniqError.
    """

    status: int
    message: str
    function: Optional[str]
    name: str
    callback_errors: List[BaseException]
    line: int
    column: int
    path: Optional[str]

    def __new__(cls, status: int, message: str = "",
                function: Optional[str] = None) -> "OmniqError":
        if cls is OmniqError:
            cls = _CLASS_BY_STATUS.get(int(status), OmniqError)
        # Exception's __new__, not the next one in the MRO: MemoryError's
        # refuses subclasses whose first base is not MemoryError.
        return Exception.__new__(cls)

    def __init__(self, status: int, message: str = "", function: Optional[str] = None) -> None:
        self.status = int(status)
        self.message = message
        self.function = function
        self.name = status_name(self.status)
        self.callback_errors = []
        self.line, self.column, self.path = 0, 0, None
        where = f"{function}: " if function else ""
        super().__init__(f"{where}{message} [{self.name}]")

    def __str__(self) -> str:
        # KeyError would show repr(message); every subclass prints it plainly.
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> Any:
        return (OmniqError, (self.status, self.message, self.function))


class InvalidArgument(OmniqError, ValueError):
    """``OQ_EINVAL``: an argument is missing, malformed or out of its domain."""


class NotFound(OmniqError, KeyError):
    """``OQ_ENOTFOUND``: an id names no object of that kind."""


class AlreadyExists(OmniqError, ValueError):
    """``OQ_EEXIST``: an object with that id already exists."""


class OutOfMemory(OmniqError, MemoryError):
    """``OQ_ENOMEM``: the allocator refused; nothing was changed."""


class InvalidState(OmniqError, RuntimeError):
    """``OQ_ESTATE``: the operation is illegal in the object's current state."""


class ConfigError(OmniqError, ValueError):
    """``OQ_ECONFIG``: a configuration is inconsistent or cannot be parsed
    (``line``, ``column`` and ``path`` say where, for files)."""


class Busy(OmniqError, RuntimeError):
    """``OQ_EBUSY``: a mutating call was made from inside an engine callback."""


class Corrupt(OmniqError, RuntimeError):
    """``OQ_ECORRUPT``: an invariant does not hold, or snapshot / journal data
    is damaged."""


class OutOfRange(OmniqError, ValueError):
    """``OQ_ERANGE``: a count or size exceeds a built-in limit (an agent count
    beyond ``int32``, ...)."""


_CLASS_BY_STATUS: Dict[int, Type[OmniqError]] = {
    OQ_EINVAL: InvalidArgument,
    OQ_ENOTFOUND: NotFound,
    OQ_EEXIST: AlreadyExists,
    OQ_ENOMEM: OutOfMemory,
    OQ_ESTATE: InvalidState,
    OQ_ECONFIG: ConfigError,
    OQ_EBUSY: Busy,
    OQ_ECORRUPT: Corrupt,
    OQ_ERANGE: OutOfRange,
}


class CallbackError(Exception):
    """The Python event callback raised while an engine call ran.

    The engine call itself succeeded (its effects stand, and every event was
    still delivered); this is raised after it returns. ``__cause__`` is the
    first exception, ``errors`` all of them, in order.
    """

    def __init__(self, errors: List[BaseException]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"event callback raised {type(first).__name__}: {first}{more}")


def status_name(status: int) -> str:
    """The symbolic name of a status (``"OQ_EINVAL"``; oq_status_name)."""
    try:
        return str(_lib.load().oq_status_name(int(status)).decode())
    except Exception:  # library unavailable: still give a usable name
        return f"status {status}"


def error_from(status: int, err: Any, function: Optional[str] = None) -> "OmniqError":
    """The OmniqError for a call that failed with ``status`` and filled the
    oq_error ``err`` (include/omniq/core.h): its message (the status's
    description when empty), line, column and path (None when "")."""
    exc = OmniqError(status, from_bytes(err.message) or status_str(status), function)
    exc.line, exc.column = int(err.line), int(err.column)
    exc.path = from_bytes(err.path) or None
    return exc


def status_str(status: int) -> str:
    """The English description of a status (``"invalid argument"``; oq_status_str)."""
    return str(_lib.load().oq_status_str(int(status)).decode())


# ---- argument conversion: every refusal is an InvalidArgument (OQ_EINVAL) --------

INT32_MIN, INT32_MAX = -(2 ** 31), 2 ** 31 - 1
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1


def bad(what: str, message: str, function: Optional[str] = None) -> OmniqError:
    """The error for a refused argument: ``InvalidArgument("what: message")``."""
    return OmniqError(OQ_EINVAL, f"{what}: {message}", function)


def to_int(value: object, what: str, lo: int = INT32_MIN, hi: int = INT32_MAX,
           function: Optional[str] = None) -> int:
    """An integer in [lo, hi] (an integral float is accepted), else InvalidArgument."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        ivalue = int(value)
    elif isinstance(value, float) and value.is_integer():
        ivalue = int(value)
    else:
        raise bad(what, f"expected an integer, got {value!r}", function)
    if not lo <= ivalue <= hi:
        raise bad(what, f"{ivalue} is out of range [{lo}, {hi}]", function)
    return ivalue


def to_int64(value: object, what: str, function: Optional[str] = None) -> int:
    """An integer in the int64 range, else InvalidArgument."""
    return to_int(value, what, INT64_MIN, INT64_MAX, function)


def to_bool(value: object, what: str, function: Optional[str] = None) -> int:
    """A bool (or integer) as 0 / 1, else InvalidArgument."""
    if isinstance(value, (bool, numbers.Integral)):
        return 1 if value else 0
    raise bad(what, f"expected a bool, got {value!r}", function)


def to_float(value: object, what: str, function: Optional[str] = None) -> float:
    """Any real number; NaN and infinities are passed on for C to judge."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise bad(what, f"expected a number, got {value!r}", function)
    try:
        return float(value)
    except (OverflowError, ValueError) as exc:
        raise bad(what, str(exc), function) from None


def to_bytes(value: object, what: str, function: Optional[str] = None,
             optional: bool = False) -> Optional[bytes]:
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


def to_id(value: object, what: str, function: Optional[str] = None) -> bytes:
    """A required id or name (str or bytes) as bytes without NUL."""
    data = to_bytes(value, what, function)
    assert data is not None  # to_bytes raises for None unless optional
    return data


def from_bytes(data: Optional[Union[bytes, Any]]) -> Optional[str]:
    """C string bytes -> str (None stays None)."""
    return None if data is None else str(data.decode("utf-8", "surrogateescape"))


def is_finite(x: float) -> bool:
    """Neither NaN nor infinite."""
    return not (math.isnan(x) or math.isinf(x))
