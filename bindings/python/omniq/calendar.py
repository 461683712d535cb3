# SPDX-License-Identifier: MIT
"""``omniq.calendar``: business hours, holidays and business time (omniq/calendar.h).

A :class:`Calendar` is a time zone (read once from the system's tz database),
weekly opening hours, dated exceptions (special hours, closed days) and named
holiday lists. It answers: is it open at t, when does it next open or close,
how many business milliseconds lie between two instants, and when a deadline
of so many business milliseconds falls::

    from omniq import Calendar
    cal = Calendar("weibo", "Asia/Shanghai")
    cal.add_hours("mon-fri", "09:00", "18:00")
    cal.add_holiday("cn-2026", "2026-10-01", "National Day")
    due = cal.add_business_ms(now_ms, 2 * 3600_000)    # a 2-hour reply deadline
    Calendar.load("examples/calendars.yaml", "london-support")

Instants are int milliseconds since 1970-01-01 UTC (as everywhere in omniq);
an aware ``datetime.datetime`` is accepted too. Dates are ``datetime.date``,
``"YYYY-MM-DD"`` or the C day number (days since 1970-01-01). Times of day
are ``"HH:MM[:SS]"`` strings, ``datetime.time`` or int milliseconds after
midnight; with strings and times a close at or before the open runs past
midnight ("22:00" to "02:00"), as in calendar files. Weekdays are 0 = Monday
.. 6 = Sunday or "mon" .. "sun" ("mon-fri" where several are allowed).

Queries on a built calendar may run on several threads at once; building
calls need exclusive access (docs/calendars.md).
"""

import ctypes
import datetime
import os
from ctypes import byref, c_char_p, c_int32, c_int64, c_void_p
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple, Union

from . import _lib
from .constants import (OQ_DAY_CLOSED, OQ_DAY_HOLIDAY, OQ_DAY_REGULAR, OQ_DAY_SPECIAL,
                        OQ_MS_PER_DAY)
from .errors import OmniqError, bad, from_bytes, status_str, to_bytes, to_int, to_int64

__all__ = ["Calendar", "LocalTime", "DAY_KINDS", "date_number", "date_from_number",
           "weekday_number", "Instant", "DateLike", "TimeOfDay", "Weekday"]

# What the methods accept.
Instant = Union[int, datetime.datetime]    # ms since 1970-01-01 UTC, or an aware datetime
DateLike = Union[datetime.date, str, int]  # a date, "YYYY-MM-DD", or the C day number
TimeOfDay = Union[str, datetime.time, int] # "HH:MM[:SS]", a time, or ms after midnight
Weekday = Union[int, str]                  # 0 = Monday .. 6, "mon" .. "sun", or a run "mon-fri"

# Day kinds by name (oq_calendar_day_kind).
DAY_KINDS = {"regular": OQ_DAY_REGULAR, "special": OQ_DAY_SPECIAL, "closed": OQ_DAY_CLOSED,
             "holiday": OQ_DAY_HOLIDAY}
_KIND_NAMES = {v: k for k, v in DAY_KINDS.items()}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EPOCH = datetime.date(1970, 1, 1)
INT64_MAX = 2 ** 63 - 1


def _require(symbol: str, what: str) -> None:
    if not _lib.has_symbol(symbol):
        raise NotImplementedError(
            f"{what}: the loaded libomniq ({_lib.library_path()}) has no calendars "
            f"(symbol {symbol}, omniq/calendar.h); build a newer libomniq")


def _raise(st: int, err: Any, function: str) -> None:
    exc = OmniqError(st, from_bytes(err.message) or status_str(st), function)
    exc.line, exc.column, exc.path = err.line, err.column, from_bytes(err.path)
    raise exc


# ---- conversions ----------------------------------------------------------------------------


def date_number(value: DateLike, what: str = "date", function: Optional[str] = None) -> int:
    """A date as the C day number: from datetime.date, "YYYY-MM-DD" or an int."""
    if isinstance(value, datetime.datetime):
        raise bad(what, "expected a date, got a datetime (use .date())", function)
    if isinstance(value, datetime.date):
        return (value - _EPOCH).days
    if isinstance(value, str):
        out = c_int32()
        if _lib.load().oq_date_parse(to_bytes(value, what, function), byref(out)) != 0:
            raise bad(what, f"expected a date YYYY-MM-DD, got {value!r}", function)
        return out.value
    return to_int(value, what, function=function)


def date_from_number(number: int) -> datetime.date:
    """The datetime.date of a C day number."""
    return _EPOCH + datetime.timedelta(days=int(number))


def weekday_number(value: Weekday, what: str = "weekday", function: Optional[str] = None) -> int:
    """0 = Monday .. 6 = Sunday from an int or "mon" .. "sun"."""
    if isinstance(value, str):
        if value not in _WEEKDAYS:
            raise bad(what, f"expected one of {', '.join(_WEEKDAYS)}, got {value!r}", function)
        return _WEEKDAYS.index(value)
    return to_int(value, what, 0, 6, function)


def _weekdays(value: Weekday, function: str) -> List[int]:
    """A weekday, or a run "mon-fri" (wrapping: "fri-mon"), as a list."""
    if isinstance(value, str) and "-" in value:
        a, _, b = value.partition("-")
        first, last = weekday_number(a, "weekday", function), weekday_number(b, "weekday", function)
        out = [first]
        while out[-1] != last:
            out.append((out[-1] + 1) % 7)
        return out
    return [weekday_number(value, "weekday", function)]


def _time_of_day(value: TimeOfDay, what: str, function: str) -> Tuple[int, bool]:
    """ms after midnight, and whether it was written as a clock time."""
    if isinstance(value, datetime.time):
        return ((value.hour * 60 + value.minute) * 60 + value.second) * 1000 + \
            value.microsecond // 1000, True
    if isinstance(value, str):
        parts = value.strip().split(":")
        ok = 2 <= len(parts) <= 3 and all(p.isdigit() and 1 <= len(p) <= 2 for p in parts)
        if ok:
            h, m, s = (int(p) for p in parts + ["0"] * (3 - len(parts)))
            ok = m < 60 and s < 60 and (h < 24 or (h == 24 and m == 0 and s == 0))
        if not ok:
            raise bad(what, f"expected a time of day HH:MM or HH:MM:SS, got {value!r}", function)
        return ((h * 60 + m) * 60 + s) * 1000, True
    return to_int(value, what, function=function), False


def _range(open_: TimeOfDay, close: TimeOfDay, function: str) -> Tuple[int, int]:
    a, clock_a = _time_of_day(open_, "open", function)
    b, clock_b = _time_of_day(close, "close", function)
    if clock_a and clock_b and b <= a:
        b += OQ_MS_PER_DAY  # "22:00" to "02:00": past midnight
    return a, b


def _instant(value: Instant, what: str, function: str) -> int:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise bad(what, "a naive datetime is ambiguous: give an aware one or ms", function)
        delta = value - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000
    return to_int64(value, what, function)


def _duration_ms(value: Union[int, datetime.timedelta], what: str, function: str) -> int:
    if isinstance(value, datetime.timedelta):
        return (value.days * 86400 + value.seconds) * 1000 + value.microseconds // 1000
    return to_int64(value, what, function)


def _options(tzdir: Optional[Union[str, "os.PathLike[str]"]], function: str) -> Tuple[Any, Optional[bytes]]:
    opts = _lib.padded(_lib.oq_calendar_options)
    _lib.load().oq_calendar_options_init(byref(opts))
    keep = None
    if tzdir is not None:
        try:
            tzdir = os.fspath(tzdir)
        except TypeError:
            raise bad("tzdir", f"expected a path, got {type(tzdir).__name__}", function) from None
        keep = to_bytes(tzdir, "tzdir", function)
        opts.tzdir = keep
    return opts, keep


def _create(function: str, tzdir: Optional[Union[str, "os.PathLike[str]"]], *args: Any) -> Any:
    """Call the constructor ``function(*args, opts, &handle, &err)``; the new handle."""
    opts, keep = _options(tzdir, function)
    err = _lib.padded(_lib.oq_error)
    h = c_void_p()
    st = getattr(_lib.load(), function)(*args, byref(opts), byref(h), byref(err))
    del keep  # the tzdir bytes lived through the call
    if st != 0:
        _raise(st, err, function)
    return h


# ---- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalTime:
    """Local date and time of an instant (oq_local_time)."""
    date: datetime.date
    ms_of_day: int        # 0 .. 86399999
    utc_offset_s: int     # local = UTC + offset
    is_dst: bool

    @property
    def time(self) -> datetime.time:
        """The local time of day as a datetime.time."""
        ms = self.ms_of_day
        return datetime.time(ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000 * 1000)

    @property
    def datetime(self) -> datetime.datetime:
        """An aware datetime with the fixed offset then in force."""
        tz = datetime.timezone(datetime.timedelta(seconds=self.utc_offset_s))
        return datetime.datetime.combine(self.date, self.time, tz)


# ---- the calendar -------------------------------------------------------------------------------


class Calendar:
    """A business-hours calendar. ``Calendar(id, time_zone)`` creates an empty
    one (open around the clock until hours are added); :meth:`load` reads one
    from a calendar file. Close it with :meth:`close` or a ``with`` block (the
    garbage collector frees it otherwise)."""

    def __init__(self, id: str, time_zone: str, *,
                 tzdir: Optional[Union[str, "os.PathLike[str]"]] = None) -> None:
        f = "oq_calendar_create"
        _require(f, "omniq.Calendar")
        self._lib = _lib.load()
        self._h = None
        self._h = _create(f, tzdir, to_bytes(id, "id", f), to_bytes(time_zone, "time_zone", f))

    @classmethod
    def _adopt(cls, handle: Any) -> "Calendar":
        self = cls.__new__(cls)
        self._lib = _lib.load()
        self._h = handle
        return self

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"], id: Optional[str] = None, *,
             tzdir: Optional[Union[str, "os.PathLike[str]"]] = None) -> "Calendar":
        """Calendar ``id`` of a calendar file (``id`` None: the file's only one).
        Errors raise OmniqError with ``.line``, ``.column`` and ``.path``:
        OQ_ECONFIG (the message is ``file:line:column: key.path: what``),
        OQ_ENOTFOUND (no such calendar), OQ_EINVAL (several and no id)."""
        f = "oq_calendar_load_file"
        _require(f, "omniq.Calendar.load")
        try:
            path = os.fspath(path)
        except TypeError:
            raise bad("path", f"expected a path, got {type(path).__name__}", f) from None
        return cls._adopt(_create(f, tzdir, to_bytes(path, "path", f),
                                  to_bytes(id, "id", f, optional=True)))

    @classmethod
    def loads(cls, text: Union[str, bytes], id: Optional[str] = None, *, name: Optional[str] = None,
              tzdir: Optional[Union[str, "os.PathLike[str]"]] = None) -> "Calendar":
        """The same from YAML text (str or bytes); ``name`` appears in messages."""
        f = "oq_calendar_load_buffer"
        _require(f, "omniq.Calendar.loads")
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        return cls._adopt(_create(f, tzdir, data, len(data), to_bytes(name, "name", f, optional=True),
                                  to_bytes(id, "id", f, optional=True)))

    @staticmethod
    def ids(path: Optional[Union[str, "os.PathLike[str]"]] = None, *,
            text: Optional[Union[str, bytes]] = None, name: Optional[str] = None) -> List[str]:
        """The ids of the calendars of a file (or of YAML ``text``), in file
        order, after checking the whole document."""
        lib = _lib.load()
        err = _lib.padded(_lib.oq_error)
        out, n = c_void_p(), c_int32()
        if (path is None) == (text is None):
            raise bad("path", "give a path or text=", "omniq.Calendar.ids")
        if path is not None:
            f = "oq_calendar_ids_file"
            _require(f, "omniq.Calendar.ids")
            st = lib.oq_calendar_ids_file(to_bytes(os.fspath(path), "path", f), byref(out),
                                          byref(n), byref(err))
        else:
            f = "oq_calendar_ids_buffer"
            _require(f, "omniq.Calendar.ids")
            data = text.encode("utf-8") if isinstance(text, str) else bytes(text or b"")
            st = lib.oq_calendar_ids_buffer(data, len(data), to_bytes(name, "name", f, optional=True),
                                            byref(out), byref(n), byref(err))
        if st != 0:
            _raise(st, err, f)
        ids: List[str] = []
        pos = out.value or 0
        try:
            for _ in range(n.value):
                raw = ctypes.string_at(pos)
                ids.append(raw.decode("utf-8", "surrogateescape"))
                pos += len(raw) + 1
        finally:
            lib.oq_free(out)
        return ids

    def copy(self) -> "Calendar":
        """An independent deep copy."""
        return Calendar._adopt(_create("oq_calendar_copy", None, self._handle()))

    @staticmethod
    def _copy_handle(handle: Any) -> Any:
        """A new calendar handle copying a C calendar this object does not own."""
        return _create("oq_calendar_copy", None, handle)

    def close(self) -> None:
        """Free the calendar (idempotent)."""
        if getattr(self, "_h", None):
            self._lib.oq_calendar_destroy(self._h)
            self._h = None

    def __enter__(self) -> "Calendar":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __repr__(self) -> str:
        if not self._h:
            return "<omniq.Calendar (closed)>"
        return f"<omniq.Calendar {self.id!r} {self.time_zone}>"

    def _handle(self) -> Any:
        if not self._h:
            raise OmniqError(-1, "the calendar is closed", "omniq.Calendar")
        return self._h

    def _build(self, function: str, *args: Any) -> None:
        err = _lib.padded(_lib.oq_error)
        st = getattr(self._lib, function)(self._handle(), *args, byref(err))
        if st != 0:
            _raise(st, err, function)

    def _query(self, function: str, *args: Any) -> None:
        st = getattr(self._lib, function)(self._handle(), *args)
        if st != 0:
            raise OmniqError(st, status_str(st), function)

    # ---- properties ----------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The calendar's id."""
        return from_bytes(self._lib.oq_calendar_id(self._handle())) or ""

    @property
    def time_zone(self) -> str:
        """The time zone as given ("Europe/London", "UTC", "+08:00")."""
        return from_bytes(self._lib.oq_calendar_time_zone(self._handle())) or ""

    # ---- building -------------------------------------------------------------------------

    def add_hours(self, weekday: Weekday, open: TimeOfDay, close: TimeOfDay) -> "Calendar":
        """Weekly hours: open..close on ``weekday`` ("mon", 0, or a run "mon-fri")."""
        f = "oq_calendar_add_hours"
        a, b = _range(open, close, f)
        for w in _weekdays(weekday, f):
            self._build(f, w, a, b)
        return self

    def set_day_hours(self, date: DateLike, open: TimeOfDay, close: TimeOfDay,
                      name: Optional[str] = None) -> "Calendar":
        """Special hours on one date (call again for a second range)."""
        f = "oq_calendar_set_day_hours"
        a, b = _range(open, close, f)
        self._build(f, date_number(date, "date", f), a, b, to_bytes(name, "name", f, optional=True))
        return self

    def close_day(self, date: DateLike, name: Optional[str] = None) -> "Calendar":
        """Close one date entirely (an exception, not a holiday)."""
        f = "oq_calendar_close_day"
        self._build(f, date_number(date, "date", f), to_bytes(name, "name", f, optional=True))
        return self

    def add_holiday(self, list: str, date: DateLike, name: Optional[str] = None) -> "Calendar":
        """A holiday of the named list on ``date``."""
        f = "oq_calendar_add_holiday"
        self._build(f, to_bytes(list, "list", f), date_number(date, "date", f),
                    to_bytes(name, "name", f, optional=True))
        return self

    # ---- days -------------------------------------------------------------------------------

    def day_kind(self, date: DateLike) -> Tuple[str, Optional[str]]:
        """(kind, name): kind is "regular", "special", "closed" or "holiday";
        name the exception's or holiday's label, or None."""
        f = "oq_calendar_day_kind"
        kind, name = c_int32(), c_char_p()
        self._query(f, date_number(date, "date", f), byref(kind), byref(name))
        return _KIND_NAMES.get(kind.value, str(kind.value)), from_bytes(name.value)

    def open_ms_of_day(self, date: DateLike) -> int:
        """Open milliseconds of local time on ``date`` (ranges past midnight
        counted on the day they start)."""
        f = "oq_calendar_open_ms_of_day"
        out = c_int64()
        self._query(f, date_number(date, "date", f), byref(out))
        return out.value

    # ---- instants -----------------------------------------------------------------------------

    def to_local(self, t: Instant) -> LocalTime:
        """The local date and time at instant ``t`` (ms or aware datetime)."""
        f = "oq_calendar_to_local"
        out = _lib.oq_local_time()
        self._query(f, _instant(t, "t", f), byref(out))
        return LocalTime(date_from_number(out.date), out.ms_of_day, out.utc_offset_s,
                         bool(out.is_dst))

    def from_local(self, date: DateLike, time_of_day: TimeOfDay) -> int:
        """The instant (ms) of a local date and time; a time skipped by a DST
        change gives the end of the gap, a repeated one the earlier instant."""
        f = "oq_calendar_from_local"
        ms, _ = _time_of_day(time_of_day, "time_of_day", f)
        out = c_int64()
        self._query(f, date_number(date, "date", f), ms, byref(out))
        return out.value

    def is_open(self, t: Instant) -> bool:
        """Whether the calendar is open at ``t`` (ranges are [open, close))."""
        f = "oq_calendar_is_open"
        out = c_int32()
        self._query(f, _instant(t, "t", f), byref(out))
        return bool(out.value)

    def next_open(self, t: Instant) -> int:
        """The first instant >= t at which it is open (ms). OmniqError
        (OQ_ENOTFOUND) when it does not open within 1,000 days."""
        f = "oq_calendar_next_open"
        out = c_int64()
        self._query(f, _instant(t, "t", f), byref(out))
        return out.value

    def next_close(self, t: Instant) -> Optional[int]:
        """When it next closes (ms); None when it never closes."""
        f = "oq_calendar_next_close"
        out = c_int64()
        self._query(f, _instant(t, "t", f), byref(out))
        return None if out.value == INT64_MAX else out.value

    def business_ms(self, start: Instant, end: Instant) -> int:
        """Open milliseconds in [start, end)."""
        f = "oq_calendar_business_ms"
        out = c_int64()
        self._query(f, _instant(start, "start", f), _instant(end, "end", f), byref(out))
        return out.value

    def add_business_ms(self, t: Instant, business_ms: Union[int, datetime.timedelta]) -> int:
        """The instant (ms) at which ``business_ms`` (int ms or timedelta) open
        milliseconds have passed after t: a deadline in business time."""
        f = "oq_calendar_add_business_ms"
        out = c_int64()
        self._query(f, _instant(t, "t", f), _duration_ms(business_ms, "business_ms", f),
                    byref(out))
        return out.value
