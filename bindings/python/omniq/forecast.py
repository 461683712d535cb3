# SPDX-License-Identifier: MIT
"""``omniq.forecast``: forecasting interval volumes (omniq/forecast.h).

    from omniq import forecast
    s = forecast.Series.from_csv("history.csv")            # start,volume[,aht][,queue]
    f = forecast.forecast(s, days=7)                        # auto: chosen per origin
    f.rows[0].start, f.rows[0].volume, f.rows[0].lo80, f.rows[0].hi95
    b = forecast.backtest(s, days=28, method="ha")          # rolling origin
    b.wape, b.coverage80

A :class:`Series` holds the volumes of the intervals of local days (absent days
are closed days). It is built from a CSV file, from lists of interval starts
and volumes, or day by day. Dates are :class:`datetime.date` (or "YYYY-MM-DD"),
interval starts :class:`datetime.datetime` (or "YYYY-MM-DD HH:MM"). Methods:
``"seasonal-naive"``, ``"ha"``, ``"ewha"``, ``"day-level"``, ``"holt-winters"``,
``"auto"`` (docs/forecasting.md). Every refusal raises :class:`omniq.OmniqError`
whose message names the field, or the file and line.
"""

import datetime as _dt
import os
from collections import Counter
from ctypes import byref, c_char_p, c_double, c_int32, c_void_p
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from . import _lib
from .constants import (OQ_FORECAST_NO_DATE, OQ_SPECIAL_CLOSED, OQ_SPECIAL_FACTOR,
                        OQ_SPECIAL_LIKE_DATE, OQ_SPECIAL_LIKE_WEEKDAY)
from .errors import OmniqError, bad, from_bytes, status_str, to_bytes, to_float, to_int

__all__ = ["Series", "SeriesInfo", "SpecialDay", "Forecast", "ForecastRow", "ForecastInfo",
           "BacktestResult", "forecast", "intraday", "backtest", "quantile", "queues_in_csv",
           "METHODS", "to_date_number", "from_date_number"]

METHODS = ("seasonal-naive", "ha", "ewha", "day-level", "holt-winters", "auto")
_DAY_KINDS = ("regular", "closed", "special", "actual")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EPOCH = _dt.date(1970, 1, 1).toordinal()

DateLike = Union[_dt.date, str, int]
"""A date: a :class:`datetime.date` (or datetime), "YYYY-MM-DD", or a C date number."""
DateTimeLike = Union[_dt.datetime, str]
"""An interval start: a :class:`datetime.datetime` or "YYYY-MM-DD HH:MM[:SS]"."""


def _null_alloc() -> Any:
    return _lib.oq_alloc_fn(0)  # address 0: NULL, the C library's malloc


def _require(symbol: str) -> None:
    if not _lib.has_symbol(symbol):
        raise NotImplementedError(
            f"omniq.forecast: the loaded libomniq ({_lib.library_path()}) has no forecast "
            f"module (symbol {symbol}, omniq/forecast.h); build a newer libomniq")


def _raise(function: str, status: int, err: Any = None, prefix: str = "") -> None:
    msg = (from_bytes(err.message) or "") if err is not None and err.message else status_str(status)
    raise OmniqError(status, prefix + msg, function)


# ---- dates ------------------------------------------------------------------------------

def to_date_number(value: object, what: str = "date") -> int:
    """A date as the C library counts it: days since 1970-01-01."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.toordinal() - _EPOCH
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value).toordinal() - _EPOCH
        except ValueError:
            raise bad(what, f"'{value}' is not a date YYYY-MM-DD") from None
    if isinstance(value, int) and not isinstance(value, bool):
        return to_int(value, what)
    raise bad(what, f"expected a date, got {value!r}")


def from_date_number(n: int) -> _dt.date:
    """The :class:`datetime.date` of a C date number."""
    return _dt.date.fromordinal(n + _EPOCH)


def _to_datetime(value: object, what: str) -> _dt.datetime:
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return _dt.datetime.fromisoformat(value)
        except ValueError:
            raise bad(what, f"'{value}' is not a date-time 'YYYY-MM-DD HH:MM'") from None
    raise bad(what, f"expected a datetime, got {value!r}")


# ---- series -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SeriesInfo:
    """What a series holds (``oq_volume_series_info``); dates are None when it is empty."""
    interval_s: int
    intervals_per_day: int
    first_date: Optional[_dt.date]
    last_date: Optional[_dt.date]
    days: int
    has_aht: bool
    total_volume: float


class Series:
    """Interval volumes of local days (an ``oq_volume_series``). Close it (or use
    ``with``) to free it at once; it is freed when collected otherwise."""

    def __init__(self, interval_s: int, _handle: Optional[int] = None) -> None:
        _require("oq_volume_series_create")
        self._lib = _lib.load()
        if _handle is None:
            err = _lib.oq_error()
            h = c_void_p()
            f = "oq_volume_series_create"
            st = self._lib.oq_volume_series_create(to_int(interval_s, "interval_s", function=f),
                                                   _null_alloc(), None, byref(h), byref(err))
            if st != 0:
                _raise(f, st, err)
            _handle = h.value
        self._h: Optional[int] = _handle
        self._per_day = self.info.intervals_per_day

    @classmethod
    def from_csv(cls, path: Union[str, "os.PathLike[str]"], queue: Optional[str] = None,
                 interval_s: int = 0) -> "Series":
        """Load a CSV whose header names its columns: start, volume, optionally aht and
        queue (``queue`` selects the rows of one queue). ``interval_s`` 0 infers the
        interval; a multiple of the file's sums its intervals."""
        _require("oq_volume_series_load_csv")
        f = "oq_volume_series_load_csv"
        err = _lib.oq_error()
        h = c_void_p()
        st = _lib.load().oq_volume_series_load_csv(
            to_bytes(str(path), "path", f), to_bytes(queue, "queue", f, optional=True),
            to_int(interval_s, "interval_s", function=f), _null_alloc(), None, byref(h),
            byref(err))
        if st != 0:
            _raise(f, st, err)
        return cls(0, _handle=h.value)

    @classmethod
    def from_lists(cls, starts: Sequence[DateTimeLike], volumes: Sequence[float],
                   aht: Optional[Sequence[float]] = None,
                   interval_s: Optional[int] = None) -> "Series":
        """A series from interval starts (datetimes or 'YYYY-MM-DD HH:MM' strings, in time
        order) and their volumes (and handle times, 0 for unknown). ``interval_s`` None
        infers it: the most common gap between starts of the same day."""
        times = [_to_datetime(t, f"starts[{i}]") for i, t in enumerate(starts)]
        vols = list(volumes)
        if len(vols) != len(times) or (aht is not None and len(aht) != len(times)):
            raise bad("volumes", f"{len(times)} starts, {len(vols)} volumes"
                      + ("" if aht is None else f", {len(aht)} handle times"))
        if not times:
            raise bad("starts", "no intervals (empty history)")
        if interval_s is None:
            gaps = Counter(abs((b - a).total_seconds()) for a, b in zip(times, times[1:])
                           if a.date() == b.date() and b != a)
            interval_s = int(min(gaps, key=lambda g: (-gaps[g], g))) if gaps else 86400
        s = cls(interval_s)
        try:
            for i, t in enumerate(times):
                sec = t.hour * 3600 + t.minute * 60 + t.second
                if sec % s.info.interval_s:
                    raise bad(f"starts[{i}]", f"{t} is not on the {s.info.interval_s}-second grid")
                s.add(t, vols[i], aht[i] if aht is not None else 0, _what=f"starts[{i}]")
        except BaseException:
            s.close()
            raise
        return s

    def add(self, start: DateTimeLike, volume: float, aht_s: float = 0.0,
            _what: str = "start") -> None:
        """Append the volume of the interval starting at ``start`` (after the last one)."""
        t = _to_datetime(start, _what)
        f = "oq_volume_series_add"
        sec = t.hour * 3600 + t.minute * 60 + t.second
        info = self.info
        if sec % info.interval_s:
            raise bad(_what, f"{t} is not on the {info.interval_s}-second grid", f)
        err = _lib.oq_error()
        st = self._lib.oq_volume_series_add(self._handle(), to_date_number(t, _what),
                                            sec // info.interval_s, to_float(volume, "volume", f),
                                            to_float(aht_s, "aht_s", f), byref(err))
        if st != 0:
            _raise(f, st, err, "" if _what == "start" else f"{_what}: ")

    def set_day(self, date: DateLike, volumes: Sequence[float],
                aht_s: Optional[Sequence[float]] = None) -> None:
        """Set (or replace) a whole day: one volume per interval of the day."""
        f = "oq_volume_series_set_day"
        n = len(volumes)
        vol = (c_double * max(n, 1))(*[to_float(v, "volumes", f) for v in volumes])
        ah = None
        if aht_s is not None:
            ah = (c_double * max(len(aht_s), 1))(*[to_float(v, "aht_s", f) for v in aht_s])
        err = _lib.oq_error()
        st = self._lib.oq_volume_series_set_day(self._handle(), to_date_number(date), vol, ah,
                                                to_int(n, "len(volumes)", function=f), byref(err))
        if st != 0:
            _raise(f, st, err)

    @property
    def info(self) -> SeriesInfo:
        """Interval length, days held, first and last date, total volume."""
        i = _lib.padded(_lib.oq_volume_series_info)
        err = _lib.oq_error()
        st = self._lib.oq_volume_series_info_get(self._handle(), byref(i), byref(err))
        if st != 0:
            _raise("oq_volume_series_info_get", st, err)
        nd = OQ_FORECAST_NO_DATE
        return SeriesInfo(i.interval_s, i.intervals_per_day,
                          None if i.first_date == nd else from_date_number(i.first_date),
                          None if i.last_date == nd else from_date_number(i.last_date),
                          i.days, bool(i.has_aht), i.total_volume)

    @property
    def queue(self) -> str:
        """The queue the series was loaded for ("" when none)."""
        return from_bytes(self._lib.oq_volume_series_queue(self._handle())) or ""

    def day(self, date: DateLike) -> Optional[List[float]]:
        """The volumes of ``date`` as a list, or None when the day is absent (closed)."""
        n = self._per_day
        vol = (c_double * n)()
        present = c_int32()
        st = self._lib.oq_volume_series_day(self._handle(), to_date_number(date), vol, None, n,
                                            byref(present))
        if st != 0:
            _raise("oq_volume_series_day", st)
        return list(vol) if present.value else None

    def aggregate(self, interval_s: int) -> "Series":
        """A new series of longer intervals (a multiple of this one's): volumes summed."""
        f = "oq_volume_series_aggregate"
        err = _lib.oq_error()
        h = c_void_p()
        st = self._lib.oq_volume_series_aggregate(self._handle(),
                                                  to_int(interval_s, "interval_s", function=f),
                                                  byref(h), byref(err))
        if st != 0:
            _raise(f, st, err)
        return Series(0, _handle=h.value)

    def _handle(self) -> int:
        if not self._h:
            raise OmniqError(-5, "the series is closed", "omniq.forecast.Series")
        return self._h

    def close(self) -> None:
        """Free the C series now (idempotent); later calls raise InvalidState."""
        if getattr(self, "_h", None):
            self._lib.oq_volume_series_destroy(self._h)
            self._h = None

    def __enter__(self) -> "Series":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


def queues_in_csv(path: Union[str, "os.PathLike[str]"]) -> List[str]:
    """The queues named in a CSV's ``queue`` column, in order ([] without one)."""
    _require("oq_volume_csv_queues")
    f = "oq_volume_csv_queues"
    lib = _lib.load()
    err = _lib.oq_error()
    out = c_void_p()
    n = c_int32()
    st = lib.oq_volume_csv_queues(to_bytes(str(path), "path", f), byref(out), byref(n),
                                  byref(err))
    if st != 0:
        _raise(f, st, err)
    try:
        raw = c_char_p(out.value).value or b""
        text = raw.decode("utf-8", "surrogateescape")
    finally:
        lib.oq_free(out)
    return [q for q in text.split("\n") if q]


# ---- special days and options -----------------------------------------------------------

@dataclass(frozen=True)
class SpecialDay:
    """A day that is not ordinary history. ``kind``: "closed" (no contacts), "holiday"
    or "factor" (the regular forecast x factor), "like-date" (the actuals of the date
    ``like`` x factor), "like-weekday" (the regular forecast of weekday ``like``,
    0 = Monday or "mon".."sun", x factor)."""
    date: object
    kind: str = "holiday"
    factor: float = 1.0
    like: object = None

    def _c(self, i: int) -> Any:
        what = f"special_days[{i}]"
        kinds = {"closed": OQ_SPECIAL_CLOSED, "holiday": OQ_SPECIAL_FACTOR,
                 "factor": OQ_SPECIAL_FACTOR, "like-date": OQ_SPECIAL_LIKE_DATE,
                 "like-weekday": OQ_SPECIAL_LIKE_WEEKDAY}
        if self.kind not in kinds:
            raise bad(f"{what}.kind", f"'{self.kind}' is not one of {', '.join(kinds)}")
        d = _lib.oq_special_day(date=to_date_number(self.date, f"{what}.date"),
                                kind=kinds[self.kind], factor=to_float(self.factor, what))
        if self.kind == "like-date":
            d.like_date = to_date_number(self.like, f"{what}.like")
        elif self.kind == "like-weekday":
            w = self.like
            if isinstance(w, str) and w.lower()[:3] in _WEEKDAYS:
                w = _WEEKDAYS.index(w.lower()[:3])
            d.like_weekday = to_int(w, f"{what}.like", 0, 6)
        return d


def _method(name: Union[str, int]) -> int:
    if isinstance(name, int) and not isinstance(name, bool):
        return name
    f = "oq_forecast_method_parse"
    out = c_int32()
    st = _lib.load().oq_forecast_method_parse(to_bytes(name, "method", f), byref(out))
    if st != 0:
        raise bad("method", f"'{name}' is not one of {', '.join(METHODS)}", f)
    return int(out.value)


def _calendar_handle(calendar: Any, function: str) -> Optional[int]:
    """The oq_calendar * of an omniq.Calendar (None: no calendar)."""
    if calendar is None:
        return None
    if not hasattr(calendar, "_handle"):
        raise bad("calendar", "expected an omniq.Calendar", function)
    handle = calendar._handle()
    return handle.value if isinstance(handle, c_void_p) else int(handle)


def _options(method: Union[str, int], special_days: Iterable[Any], quantile: float,
             kw: Dict[str, Any], calendar: Any = None,
             function: str = "oq_forecast_run") -> Tuple[Any, Any]:
    _require("oq_forecast_options_init")
    o = _lib.oq_forecast_options()
    _lib.load().oq_forecast_options_init(byref(o))
    o.method = _method(method)
    fields = {"ha_weeks", "level_window_days", "auto_window_days", "calibration_days",
              "ew_alpha", "level_alpha", "hw_alpha", "hw_delta", "hw_omega"}
    for k, v in kw.items():
        if k not in fields:
            raise TypeError(f"unexpected option {k!r} (one of {', '.join(sorted(fields))})")
        setattr(o, k, to_int(v, k) if k.endswith(("_weeks", "_days")) else to_float(v, k))
    o.quantile = to_float(quantile or 0, "quantile")
    days = [d if isinstance(d, SpecialDay) else SpecialDay(*d) for d in (special_days or ())]
    arr = (_lib.oq_special_day * max(len(days), 1))(*[d._c(i) for i, d in enumerate(days)])
    o.special_days = arr
    o.n_special_days = len(days)
    # the calendar: closed days and holidays are not history and forecast 0, so is every
    # interval outside its hours (the caller keeps the Calendar alive during the call)
    o.calendar = _calendar_handle(calendar, function)
    return o, arr  # arr must outlive the call


# ---- forecasts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ForecastRow:
    """One forecast interval (``oq_forecast_row``)."""
    start: _dt.datetime     # local start of the interval
    date: _dt.date
    interval: int           # index within the day
    method: str             # the method that produced it
    day_kind: str           # "regular", "closed", "special" or "actual"
    volume: float           # the forecast (mean)
    lo80: float
    hi80: float
    lo95: float
    hi95: float
    quantile: float         # the asked quantile (0 when none was asked)
    aht_s: float            # forecast handle time (0 when the history has none)


@dataclass(frozen=True)
class ForecastInfo:
    """How a forecast was made (``oq_forecast_info``): the method (auto: the one chosen),
    the history used, the calibrated over-dispersions and band levels, the intraday factor."""
    method: str
    history_days: int
    excluded_days: int
    calibration_days: int
    dispersion80: float
    dispersion95: float
    level80: float
    level95: float
    day_factor: float


@dataclass(frozen=True)
class Forecast:
    """A forecast: its rows (one per interval of the forecast days) and how it was made."""
    rows: List[ForecastRow]
    info: ForecastInfo
    interval_s: int

    @property
    def starts(self) -> List[_dt.datetime]:
        """The rows' interval starts."""
        return [r.start for r in self.rows]

    @property
    def volumes(self) -> List[float]:
        """The rows' forecast volumes."""
        return [r.volume for r in self.rows]


def _rows(buf: Any, n: int, interval_s: int) -> List[ForecastRow]:
    out = []
    for r in buf[:n]:
        date = from_date_number(r.date)
        start = _dt.datetime.combine(date, _dt.time()) + _dt.timedelta(
            seconds=r.interval * interval_s)
        out.append(ForecastRow(start, date, r.interval, METHODS[r.method], _DAY_KINDS[r.day_kind],
                               r.volume, r.lo80, r.hi80, r.lo95, r.hi95, r.quantile, r.aht_s))
    return out


def _info(i: Any) -> ForecastInfo:
    return ForecastInfo(METHODS[i.method], i.history_days, i.excluded_days, i.calibration_days,
                        i.dispersion80, i.dispersion95, i.level80, i.level95, i.day_factor)


def forecast(series: Series, days: int = 7, start: Optional[DateLike] = None,
             method: Union[str, int] = "auto", special_days: Iterable[Any] = (),
             quantile: float = 0.0, calendar: Any = None, **options: float) -> Forecast:
    """Forecast ``days`` days from ``start`` (default: the day after the series' last), using
    only the days before ``start``. ``calendar`` (an :class:`omniq.Calendar`): its closed
    days and holidays are not history and forecast 0, as is every interval outside its
    hours. ``options``: ha_weeks, ew_alpha, level_alpha,
    level_window_days, auto_window_days, calibration_days, hw_alpha/hw_delta/hw_omega."""
    f = "oq_forecast_run"
    info = series.info
    first = (to_date_number(start, "start") if start is not None
             else to_date_number(info.last_date) + 1 if info.last_date else 0)
    n_days = to_int(days, "days", 1, 3660, f)
    o, keep = _options(method, special_days, quantile, options, calendar, f)
    n = n_days * info.intervals_per_day
    rows = (_lib.oq_forecast_row * n)()
    fi = _lib.padded(_lib.oq_forecast_info)
    err = _lib.oq_error()
    st = _lib.load().oq_forecast_run(series._handle(), first, n_days, byref(o), rows, n,
                                     byref(fi), byref(err))
    del keep
    if st != 0:
        _raise(f, st, err)
    return Forecast(_rows(rows, n, info.interval_s), _info(fi), info.interval_s)


def intraday(series: Series, date: DateLike, at: Union[str, _dt.time, int],
             method: Union[str, int] = "auto", special_days: Iterable[Any] = (),
             quantile: float = 0.0, calendar: Any = None, **options: float) -> Forecast:
    """Re-forecast the rest of ``date`` from its actuals before ``at`` ("HH:MM", a
    :class:`datetime.time`, or an interval index). Rows before ``at`` are the actuals.
    ``calendar`` as for :func:`forecast`."""
    f = "oq_forecast_intraday"
    info = series.info
    if isinstance(at, str):
        try:
            at = _dt.time.fromisoformat(at)
        except ValueError:
            raise bad("at", f"'{at}' is not a time HH:MM", f) from None
    if isinstance(at, _dt.time):
        sec = at.hour * 3600 + at.minute * 60 + at.second
        if sec % info.interval_s:
            raise bad("at", f"{at} is not the start of a {info.interval_s}-second interval", f)
        at = sec // info.interval_s
    frm = to_int(at, "at", function=f)
    o, keep = _options(method, special_days, quantile, options, calendar, f)
    n = info.intervals_per_day
    rows = (_lib.oq_forecast_row * n)()
    fi = _lib.padded(_lib.oq_forecast_info)
    err = _lib.oq_error()
    st = _lib.load().oq_forecast_intraday(series._handle(), to_date_number(date), frm, byref(o),
                                          rows, n, byref(fi), byref(err))
    del keep
    if st != 0:
        _raise(f, st, err)
    return Forecast(_rows(rows, n, info.interval_s), _info(fi), info.interval_s)


@dataclass(frozen=True)
class BacktestResult:
    """A rolling-origin backtest's figures (``oq_backtest_result``)."""
    method: str
    chosen: str              # auto: the method chosen most often
    days: int                # days evaluated
    intervals: int
    actual: float
    forecast: float
    wape: float
    mape: float
    rmse: float
    coverage80: float
    coverage95: float
    intraday_before: float   # NaN unless intraday_from was given
    intraday_after: float


def backtest(series: Series, days: int = 28, method: Union[str, int] = "auto",
             lead_days: int = 1, end: Optional[DateLike] = None,
             intraday_from: Optional[Union[str, _dt.time, int]] = None,
             special_days: Iterable[Any] = (), calendar: Any = None,
             **options: float) -> BacktestResult:
    """Rolling-origin backtest over the last ``days`` days up to ``end`` (default: the
    series' last day): each day forecast ``lead_days`` ahead from the days before it.
    ``calendar`` as for :func:`forecast` (its closed days are not evaluated)."""
    f = "oq_forecast_backtest"
    o, keep = _options(method, special_days, 0, options, calendar, f)
    b = _lib.oq_backtest_options()
    _lib.load().oq_backtest_options_init(byref(b))
    b.days = to_int(days, "days", function=f)
    b.lead_days = to_int(lead_days, "lead_days", function=f)
    if end is not None:
        b.end_date = to_date_number(end, "end")
    if intraday_from is not None:
        if isinstance(intraday_from, (str, _dt.time)):
            t = (_dt.time.fromisoformat(intraday_from) if isinstance(intraday_from, str)
                 else intraday_from)
            intraday_from = (t.hour * 3600 + t.minute * 60) // series.info.interval_s
        b.intraday_from = to_int(intraday_from, "intraday_from", function=f)
    r = _lib.padded(_lib.oq_backtest_result)
    err = _lib.oq_error()
    st = _lib.load().oq_forecast_backtest(series._handle(), byref(o), byref(b), byref(r),
                                          byref(err))
    del keep
    if st != 0:
        _raise(f, st, err)
    return BacktestResult(METHODS[r.method], METHODS[r.chosen], r.days, r.intervals, r.actual,
                          r.forecast, r.wape, r.mape, r.rmse, r.coverage80, r.coverage95,
                          r.intraday_before, r.intraday_after)


def quantile(mean: float, dispersion: float, p: float) -> float:
    """The p-quantile of a count with this mean and over-dispersion (negative binomial
    with variance mean + dispersion * mean^2; Poisson at 0)."""
    _require("oq_forecast_quantile")
    f = "oq_forecast_quantile"
    out = c_double()
    st = _lib.load().oq_forecast_quantile(to_float(mean, "mean", f),
                                          to_float(dispersion, "dispersion", f),
                                          to_float(p, "p", f), byref(out))
    if st != 0:
        raise bad("mean/dispersion/p", f"{mean!r}, {dispersion!r}, {p!r}: need mean >= 0, "
                  "dispersion >= 0, 0 < p < 1", f)
    return float(out.value)
