#!/bin/sh
# SPDX-License-Identifier: MIT
# CLI tests for `omniq forecast` on a generated history (two queues, eight
# weeks of half hours, closed Sundays): every format, the JSON shape of
# docs/cli.md, staffing and the pipe into `omniq staff`, special days, the
# SVG, and bad input (exit 2 naming FILE:LINE) and usage errors (exit 1).
#   forecast_test.sh OMNIQ_BINARY
set -u
OMNIQ=$1
TMP=${TMPDIR:-/tmp}/omniq-forecast-test.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
PY=$(command -v python3 || true)

# A deterministic history: 2024-01-01 (a Monday) .. 2024-02-25, 08:00-20:00,
# rates with a midday peak, Saturdays at half volume, Sundays absent: the
# history ends on Saturday 2024-02-24, forecasts start on Sunday 2024-02-25.
H=$TMP/history.csv
awk 'BEGIN {
    print "queue,start,volume,aht"
    x = 12345
    split("31 29 31", mdays, " ")
    for (q = 0; q < 2; q++) {
        name = q ? "support" : "sales"
        m = 1; d = 1
        for (day = 0; day < 56; day++) {
            wd = day % 7
            if (wd != 6)
                for (s = 16; s < 40; s++) {
                    h = s / 2
                    rate = (q ? 6 : 10) * (1 + 0.8 * (1 - ((h - 13) / 6) ^ 2))
                    if (wd == 5) rate /= 2
                    x = (x * 16807) % 2147483647
                    v = int(rate * (0.7 + 0.6 * x / 2147483647) + 0.5)
                    printf "%s,2024-%02d-%02d %02d:%02d,%d,%d\n", name, m, d, int(h), (s % 2) * 30, v, 180 + 20 * q
                }
            d++
            if (d > mdays[m]) { d = 1; m++ }
        }
    }
}' >"$H"

run() { # expected-exit args... ; stdout in $TMP/out, stderr in $TMP/err
    want=$1; shift
    "$OMNIQ" forecast "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ "$rc" = "$want" ] || fail "omniq forecast $*: exit $rc, expected $want: $(head -3 "$TMP/err")"
}

# 1. table: both queues, a backtest and a week's forecast
run 0 "$H" --backtest 14 --intraday 12:00
grep -q '^queue sales: 1800-second intervals' "$TMP/out" || fail "table: no sales header"
grep -q '^queue support: ' "$TMP/out" || fail "table: no support header"
[ "$(grep -c '^  auto ' "$TMP/out")" = 2 ] || fail "table: an auto backtest line per queue"
grep -q '2024-02-25 (sun) closed' "$TMP/out" || fail "table: Sunday (absent from the history) is closed"
grep -q 're-forecast from 12:00' "$TMP/out" || fail "table: intraday line"

# 2. JSON: the shape documented in docs/cli.md
run 0 "$H" --queue sales --backtest 14 --intraday 12:00 --horizon 2 --format json
if [ -n "$PY" ]; then
    "$PY" - "$TMP/out" <<'EOF' || fail "json shape"
import json, sys
d = json.load(open(sys.argv[1]))
f = d["forecast"]
assert len(f) == 2 * 48, len(f)
for r in f:
    assert set(r) >= {"start", "volume", "lo80", "hi80", "lo95", "hi95"}, r
    assert r["lo95"] <= r["lo80"] <= r["hi80"] <= r["hi95"], r
    assert r["lo80"] <= r["volume"] + 1 and r["volume"] <= r["hi80"] + 1, r
assert f[0]["start"] == "2024-02-25 00:00" and f[64]["start"] == "2024-02-26 08:00"
assert all(r["volume"] == 0 and r["hi95"] == 0 for r in f[:48])  # Sunday: closed
assert f[48]["volume"] == 0 and f[68]["volume"] > 5
b = d["backtest"]
assert b["days"] == 14 and b["lead_days"] == 1
names = [r["method"] for r in b["results"]]
assert names == ["seasonal-naive", "ha", "ewha", "day-level", "holt-winters", "auto"], names
for r in b["results"]:
    assert 0 < r["wape"] < 1 and r["rmse"] > 0 and 0 < r["coverage80"] <= 1, r
assert b["chosen"] in names[:-1]
assert b["intraday"]["from"] == "12:00" and b["intraday"]["wape_before"] > 0
EOF
fi

# 3. CSV: a header and one line per interval of the horizon (two queues x 3 days)
run 0 "$H" --horizon 3 --format csv
[ "$(head -1 "$TMP/out")" = "queue,start,volume,lo80,hi80,lo95,hi95,method,day" ] || fail "csv header: $(head -1 "$TMP/out")"
[ "$(wc -l <"$TMP/out")" = $((1 + 2 * 3 * 48)) ] || fail "csv: $(wc -l <"$TMP/out") lines"

# 4. staffing: the plan of the forecast, to its mean and to its 90 % quantile
run 0 "$H" --queue sales --horizon 2 --target 0.8 --threshold 20 --format csv
grep -q ',required,scheduled,' "$TMP/out" || fail "staffing csv header"
hours_mean=$("$OMNIQ" forecast "$H" --queue sales --horizon 2 --target 0.8 | sed -n 's/^staffing: \([0-9.]*\) required.*/\1/p')
hours_q90=$("$OMNIQ" forecast "$H" --queue sales --horizon 2 --target 0.8 --quantile 0.9 | sed -n 's/^staffing: \([0-9.]*\) required.*/\1/p')
[ -n "$hours_mean" ] && [ -n "$hours_q90" ] || fail "staffing totals missing"
awk -v a="$hours_mean" -v b="$hours_q90" 'BEGIN { exit !(a > 0 && b > a) }' || fail "staffing to the 90 % quantile ($hours_q90 h) is not above staffing to the mean ($hours_mean h)"

# 5. forecast -> staff is one pipe: --format staff prints what `omniq staff --csv` reads
run 0 "$H" --queue support --horizon 2 --format staff
[ "$(head -1 "$TMP/out")" = "interval,contacts,aht" ] || fail "staff format header"
grep -q '^2024-02-26 12:00,[0-9.]*,200$' "$TMP/out" || fail "staff format: the history's handle time"
cp "$TMP/out" "$TMP/staff_in.csv"
"$OMNIQ" staff --csv "$TMP/staff_in.csv" --interval 1800 --target 0.8 >"$TMP/staff_out" 2>"$TMP/err" || fail "omniq staff --csv of the forecast: $(cat "$TMP/err")"
grep -q '^total: ' "$TMP/staff_out" || fail "omniq staff read no plan from the forecast"

# 6. special days: a closed Monday, a Tuesday like a Saturday
printf 'date,kind,factor,like\n2024-02-26,closed,,\n2024-02-27,like-weekday,,sat\n' >"$TMP/special.csv"
run 0 "$H" --queue sales --horizon 3 --special "$TMP/special.csv" --format csv
grep -q '^sales,2024-02-26 12:00,0.0000,0,0,0,0,[a-z-]*,closed$' "$TMP/out" || fail "special: closed Monday"
grep -q '^sales,2024-02-27 12:00,[0-9.]*,.*,special$' "$TMP/out" || fail "special: like-weekday Tuesday"
printf 'date,kind\n2024-02-30,closed\n' >"$TMP/bad_special.csv"
run 2 "$H" --special "$TMP/bad_special.csv"
grep -q "bad_special.csv:2: date" "$TMP/err" || fail "special: bad date not reported with its line"

# 7. SVG: well-formed, one queue
run 0 "$H" --queue sales --svg "$TMP/f.svg"
if [ -n "$PY" ]; then
    "$PY" -c "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.getElementsByTagName('polygon'), 'no bands'" "$TMP/f.svg" || fail "svg not well-formed"
fi
run 1 "$H" --svg "$TMP/f.svg"   # two queues

# 7b. a calendar: open 10:00-16:00 every day, a holiday on Monday 2024-02-26 and the
# Tuesday 2024-01-02 of the history: the holiday forecasts 0, so does every interval outside
# the hours; the history's holiday is not history (one day fewer present than without it).
printf 'holidays:\n  local:\n    2024-01-02: a\n    2024-02-26: b\ncalendars:\n  desk:\n    time_zone: UTC\n    hours:\n      mon-sun: 10:00-16:00\n    holidays: [local]\n' >"$TMP/cal.yaml"
run 0 "$H" --queue sales --calendar "$TMP/cal.yaml" --format csv
if [ -n "$PY" ]; then
    "$PY" - "$TMP/out" <<'PYEOF' || fail "--calendar: csv check"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows, "no rows"
for r in rows:
    day, hm = r["start"].split(" ")
    open_ = "10:00" <= hm < "16:00" and day != "2024-02-26" and day != "2024-02-25"
    v = float(r["volume"])
    if not open_:
        assert v == 0 and float(r["hi95"]) == 0, f"closed interval {r['start']} forecasts {v}"
    else:
        assert v > 0, f"open interval {r['start']} forecasts 0"
PYEOF
fi
run 0 "$H" --queue sales --calendar "$TMP/cal.yaml"
grep -q '2024-02-26 (mon) closed' "$TMP/out" || fail "--calendar: the holiday is not closed: $(head -5 "$TMP/out")"
grep -q '(48 days present, 1 not history)' "$TMP/out" || fail "--calendar: the history's holiday is history: $(head -1 "$TMP/out")"
run 2 "$H" --calendar "$TMP/nonexistent.yaml"
run 1 "$H" --calendar-id desk

# 8. bad histories: exit 2, FILE:LINE: what
bad() { # name expected-line expected-text content
    printf '%b' "$4" >"$TMP/$1.csv"
    run 2 "$TMP/$1.csv"
    grep -q "$1.csv:$2:[0-9]*: .*$3" "$TMP/err" || fail "$1: expected '$1.csv:$2:...$3', got: $(cat "$TMP/err")"
}
bad unsorted 3 "must be sorted" 'start,volume\n2024-01-01 09:30,1\n2024-01-01 09:00,1\n'
bad duplicate 3 "duplicate timestamp" 'start,volume\n2024-01-01 09:00,1\n2024-01-01 09:00,1\n'
bad mixed 5 "mixed interval lengths" 'start,volume\n2024-01-01 09:00,1\n2024-01-01 09:30,1\n2024-01-01 10:00,1\n2024-01-01 10:10,1\n'
bad negative 2 "negative" 'start,volume\n2024-01-01 09:00,-1\n'
bad unknown 1 "unknown column 'calls'" 'start,calls\n2024-01-01 09:00,1\n'
printf 'start,volume\n' >"$TMP/empty.csv"
run 2 "$TMP/empty.csv"
grep -q "empty history" "$TMP/err" || fail "empty history: $(cat "$TMP/err")"
run 2 "$TMP/nonexistent.csv"

# 9. usage errors: exit 1
run 1
run 1 "$H" --method arima
run 1 "$H" --intraday 12:00
run 1 "$H" --intraday 25:00 --backtest 7
run 1 "$H" --horizon -1
run 1 "$H" --quantile 0.9
run 1 "$H" --bogus 1
"$OMNIQ" forecast --help >/dev/null || fail "--help"

[ "$failed" = 0 ] && echo "forecast CLI tests passed"
exit $failed
