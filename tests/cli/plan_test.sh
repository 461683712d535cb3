#!/bin/sh
# SPDX-License-Identifier: MIT
# CLI tests for `omniq plan` on examples/plan: the JSON's paid hours recomputed
# from its shift rows, its days' contacts from the forecast, its service levels
# inside their intervals and the per-day figures consistent with the week; the
# table; a calendar; bad plan files (exit 2 with file:line:col) and usage errors.
#   plan_test.sh OMNIQ_BINARY EXAMPLE_DIR
set -u
OMNIQ=$1
EX=$2
TMP=${TMPDIR:-/tmp}/omniq-plan-test.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
PY=$(command -v python3 || true)

run() { # expected-exit args... ; stdout in $TMP/out, stderr in $TMP/err
    want=$1; shift
    "$OMNIQ" plan "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ "$rc" = "$want" ] || fail "omniq plan $*: exit $rc, expected $want: $(head -3 "$TMP/err")"
}

# 1. JSON, two loop iterations, checked independently of the command's own totals
run 0 "$EX/plan.yaml" --format json --iterations 2 --replications 4
if [ -n "$PY" ]; then
    "$PY" - "$TMP/out" <<'PYEOF' || fail "plan JSON checks"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["days"] == 7 and d["interval"] == 1800 and d["replications"] == 4, d
assert d["first_date"] == "2026-03-01", d["first_date"]          # the day after the history
assert 1 <= len(d["iterations"]) <= 3
paid = sum(s["count"] * s["paid_hours"] for g in d["groups"] for s in g["shifts"])
assert abs(paid - d["paid_hours"]) < 1e-6, (paid, d["paid_hours"])
for g in d["groups"]:
    assert abs(sum(s["count"] * s["paid_hours"] for s in g["shifts"]) - g["paid_hours"]) < 1e-6
    for s in g["shifts"]:
        assert abs((s["end"] - s["start"]) / 3600 - s["paid_hours"]) < 1e-9  # no breaks
per_day = [sum(s["count"] * s["paid_hours"] for g in d["groups"] for s in g["shifts"]
               if s["day"] == k) for k in range(7)]
assert all(abs(a - b["paid_hours"]) < 1e-6 for a, b in zip(per_day, d["days_detail"]))
assert d["days_detail"][0]["contacts"] == 0   # Sunday: closed in the history
assert d["days_detail"][0]["service_level"]["n"] == 0
for day in d["days_detail"][1:]:
    sl = day["service_level"]
    assert sl["n"] == 4 and sl["low"] <= sl["mean"] <= sl["high"] <= 1.0 + 1e-9, sl
    assert set(day["queues"]) == {"sales", "support"}
best = d["iterations"][d["best"]]
assert best["missed"] == d["missed"] and abs(best["paid_hours"] - d["paid_hours"]) < 1e-6
assert d["iterations"][0]["missed"] == d["first_missed"]
assert d["met"] == (d["missed"] == 0)
PYEOF
fi

# 2. the table, verification only
run 0 "$EX/plan.yaml" --iterations 0 --replications 3
grep -q '^plan .*2026-03-01 .. 2026-03-07, 30-minute intervals' "$TMP/out" || fail "table header: $(head -1 "$TMP/out")"
grep -q '^iteration 0: ' "$TMP/out" || fail "table: iteration line"
grep -q '^iteration 1: ' "$TMP/out" && fail "table: --iterations 0 ran the loop"
grep -q '^mon 2026-03-02 ' "$TMP/out" || fail "table: Monday row"
grep -q '^total ' "$TMP/out" || fail "table: total row"

# 3. a calendar closing Wednesday: no contacts, no shifts that day
cp "$EX"/*.yaml "$EX"/history.csv "$TMP/"
printf 'holidays:\n  h:\n    2026-03-04: closed\ncalendars:\n  desk:\n    time_zone: UTC\n    hours:\n      mon-sat: 08:00-20:00\n    holidays: [h]\n' >"$TMP/cal.yaml"
printf 'calendar: cal.yaml\ncalendar_id: desk\n' >>"$TMP/plan.yaml"
run 0 "$TMP/plan.yaml" --iterations 0 --replications 2 --format json
if [ -n "$PY" ]; then
    "$PY" - "$TMP/out" <<'PYEOF' || fail "plan --calendar checks"
import json, sys
d = json.load(open(sys.argv[1]))
wed = d["days_detail"][3]
assert wed["date"] == "2026-03-04" and wed["contacts"] == 0 and wed["paid_hours"] == 0, wed
assert d["days_detail"][2]["contacts"] > 0
PYEOF
fi

# 4. bad plan files: exit 2, file:line:col
bad() { # name expected-text content
    printf '%b' "$3" >"$TMP/$1.yaml"
    run 2 "$TMP/$1.yaml"
    grep -q "$2" "$TMP/err" || fail "$1: expected '$2', got: $(cat "$TMP/err")"
}
bad unknown_key "unknown_key.yaml:2:1: .*colour" 'center: center.yaml\ncolour: blue\n'
bad no_center "center" 'history: history.csv\n'
bad bad_queue "bad_queue.yaml:3:36: .*'billing' is the queue of no stream" 'center: center.yaml\nhistory: history.csv\ngroups: [{name: a, queues: [sales, billing], agents: agents_sales.yaml}]\nshifts: shifts.yaml\n'
bad bad_target "bad_target.yaml:5:19:" 'center: center.yaml\nhistory: history.csv\nshifts: shifts.yaml\ngroups: [{name: a, queues: [sales, support], agents: agents_sales.yaml}]\nservice: {target: 2}\n'
bad missing_history "nonexistent.csv" 'center: center.yaml\nhistory: nonexistent.csv\nshifts: shifts.yaml\ngroups: [{name: a, queues: [sales, support], agents: agents_sales.yaml}]\n'
bad uncovered "queue 'support' has a stream but no group" 'center: center.yaml\nhistory: history.csv\nshifts: shifts.yaml\ngroups: [{name: a, queues: [sales], agents: agents_sales.yaml}]\n'
printf 'interval: 30m\ntemplates:\n  - {name: x, start_window: ["08:00", "09:00"], length: 7m}\n' >"$TMP/badshift.yaml"
bad bad_shift_file "badshift.yaml:3:" 'center: center.yaml\nhistory: history.csv\nshifts: badshift.yaml\ngroups: [{name: a, queues: [sales, support], agents: agents_sales.yaml}]\n'
run 2 "$TMP/nonexistent.yaml"

# 5. usage errors: exit 1
run 1
run 1 "$EX/plan.yaml" --format csv
run 1 "$EX/plan.yaml" --replications 1
run 1 "$EX/plan.yaml" --bogus 1
"$OMNIQ" plan --help >/dev/null || fail "--help"

[ "$failed" = 0 ] && echo "plan CLI tests passed"
exit $failed
