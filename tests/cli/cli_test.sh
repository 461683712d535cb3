#!/bin/sh
# SPDX-License-Identifier: MIT
# CLI tests for `omniq`: every example checks, every script replays to its
# golden output (twice: determinism), broken files exit 2 naming line:column,
# staff renders the goldens, simulate renders its golden and writes parseable
# files, usage errors exit 1.
#   cli_test.sh OMNIQ_BINARY SOURCE_DIR [--update]
set -u
OMNIQ=$1
SRC=$2
UPDATE=${3:-}
GOLD=$SRC/tests/config/golden
TMP=${TMPDIR:-/tmp}/omniq-cli-test.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# 1. every example configuration and script is valid
for f in "$SRC"/examples/*.yaml "$SRC"/examples/scripts/*.yaml; do
    "$OMNIQ" check --quiet "$f" || fail "omniq check $f (exit $?)"
done

# 2. scripts replay to their golden output, the same twice in a row
for f in "$SRC"/examples/scripts/*.yaml; do
    name=$(basename "$f" .yaml)
    (cd "$SRC" && "$OMNIQ" run --stats "examples/scripts/$name.yaml") >"$TMP/$name.1" 2>"$TMP/$name.err" || fail "omniq run $name (exit $?): $(cat "$TMP/$name.err")"
    (cd "$SRC" && "$OMNIQ" run --stats "examples/scripts/$name.yaml") >"$TMP/$name.2" 2>/dev/null
    cmp -s "$TMP/$name.1" "$TMP/$name.2" || fail "omniq run $name is not deterministic"
    if [ "$UPDATE" = --update ]; then
        cp "$TMP/$name.1" "$GOLD/run_$name.jsonl"
    elif ! diff -u "$GOLD/run_$name.jsonl" "$TMP/$name.1"; then
        fail "omniq run $name differs from $GOLD/run_$name.jsonl"
    fi
done

# the wait histogram of every stats line adds up to its answered / abandoned counts
if command -v python3 >/dev/null 2>&1; then
    cat "$GOLD"/run_*.jsonl | python3 -c '
import json, sys
n = 0
for line in sys.stdin:
    j = json.loads(line)
    if j["event"] != "stats":
        continue
    h = j["wait_histogram"]
    assert len(h["answered"]) == len(h["bounds"]) + 1 == len(h["abandoned"]), h
    assert sum(h["answered"]) == j["answered"] and sum(h["abandoned"]) == j["abandoned"], j
    n += 1
assert n > 0
' || fail "omniq run --stats: wait histogram missing or not adding up"
fi

# 3. broken files: exit 2, FILE:LINE:COL: on stderr (the expected position is in the file's first line)
for f in "$SRC"/tests/config/broken/*.yaml; do
    want=$(sed -n '1s/^# expect: //p' "$f")
    "$OMNIQ" check "$f" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ "$rc" = 2 ] || fail "omniq check $f: exit $rc, expected 2"
    grep -q "^$f:$want: " "$TMP/err" || fail "omniq check $f: expected '$f:$want: ...', got: $(cat "$TMP/err")"
    [ -s "$TMP/out" ] && fail "omniq check $f wrote to stdout"
done
"$OMNIQ" check /nonexistent.yaml 2>/dev/null; [ $? = 2 ] || fail "missing file: exit 2"
# every error of a file, with "did you mean", and a script's timeline references
cat >"$TMP/many.yaml" <<'YAML'
channels: {voice: {exclusive: true}}
skills: {english: 5}
queues:
  sales: {channels: [voice], requires: {englsh: 1}}
agents:
  alice: {skills: {english: 3}}
  bob: {capacity: 0}
timeline:
  - {at: 0, do: login, agent: alcie}
  - {at: 1, do: complete, contact: c9}
  - {at: 2, do: login, agent: bob}
YAML
"$OMNIQ" check "$TMP/many.yaml" >"$TMP/out" 2>"$TMP/err"
[ $? = 2 ] || fail "omniq check many.yaml: exit 2 expected"
for want in "many.yaml:4:41: queues.sales.requires.englsh: undefined skill 'englsh' (did you mean 'english'?)" \
            "many.yaml:7:19: agents.bob.capacity:" \
            "many.yaml:9:31: timeline\[0\].agent: undefined agent 'alcie' (did you mean 'alice'?)" \
            "many.yaml:10:36: timeline\[1\].contact: contact 'c9' is not introduced by an earlier arrive"; do
    grep -q "^$TMP/$want" "$TMP/err" || fail "omniq check many.yaml: missing '$want' in: $(cat "$TMP/err")"
done
[ "$(wc -l <"$TMP/err")" = 4 ] || fail "omniq check many.yaml: expected 4 errors: $(cat "$TMP/err")"
# a calendar file is summarized calendar by calendar (docs/cli.md); a center that
# defines calendars gets the center's summary and then its calendars
"$OMNIQ" check "$SRC/examples/calendars.yaml" >"$TMP/out" 2>"$TMP/err" || fail "omniq check calendars.yaml: exit $?: $(cat "$TMP/err")"
[ "$(head -1 "$TMP/out")" = "$SRC/examples/calendars.yaml: 4 calendars" ] \
    || fail "omniq check calendars.yaml: first line: $(head -1 "$TMP/out")"
grep -q "^calendar shanghai-ecommerce: Asia/Shanghai, 84 h open a regular week; " "$TMP/out" \
    || fail "omniq check calendars.yaml: no line for shanghai-ecommerce: $(cat "$TMP/out")"
[ "$(grep -c '^calendar ' "$TMP/out")" = 4 ] || fail "omniq check calendars.yaml: 4 calendar lines expected: $(cat "$TMP/out")"
{ printf 'channels:\n  voice: {synchronous: true}\nqueues:\n  q: {channels: [voice], calendar: london-support}\n'
  cat "$SRC/examples/calendars.yaml"; } >"$TMP/center-cal.yaml"
"$OMNIQ" check "$TMP/center-cal.yaml" >"$TMP/out" 2>"$TMP/err" || fail "omniq check center-cal.yaml: exit $?: $(cat "$TMP/err")"
grep -q "^queues      1:" "$TMP/out" && grep -q "^calendars   4:" "$TMP/out" \
    && grep -q "^calendar london-support: Europe/London, " "$TMP/out" \
    || fail "omniq check center-cal.yaml: center summary and calendars expected: $(cat "$TMP/out")"

# 4. staff: single intervals and a day from a CSV, in every format
staff_case() { # name args...
    name=$1; shift
    "$OMNIQ" staff "$@" >"$TMP/staff_$name" 2>"$TMP/staff_err" || fail "omniq staff $*: exit $?: $(cat "$TMP/staff_err")"
    if [ "$UPDATE" = --update ]; then
        cp "$TMP/staff_$name" "$GOLD/staff_$name.txt"
    elif ! diff -u "$GOLD/staff_$name.txt" "$TMP/staff_$name"; then
        fail "omniq staff $name differs"
    fi
}
staff_case erlang_c --contacts 100 --aht 180 --threshold 20 --target 0.8
staff_case erlang_c_json --rate 400 --aht 180 --target 80% --shrinkage 0.3 --format json
staff_case erlang_a --contacts 300 --aht 240 --patience 120 --target 0.8 --max-abandon 0.05 --format csv
staff_case occupancy --contacts 500 --aht 300 --interval 1800 --max-occupancy 0.85 --max-asa 15
staff_case chat --contacts 60 --chat 3 --chat-aht 300,360,450 --threshold 60 --target 0.9
staff_case day --csv "$SRC/tests/config/day.csv" --target 0.8 --threshold 20 --shrinkage 0.25
staff_case day_json --csv "$SRC/tests/config/day.csv" --format json
staff_case day_csv --csv "$SRC/tests/config/day.csv" --format csv --patience 90
# chat honours --max-asa (the smallest N with ASA <= 5 s) and prints the AHT
# that makes the load (--chat-aht's first value)
"$OMNIQ" staff --contacts 60 --chat 3 --chat-aht 300,360,450 --threshold 60 --target 0.9 --max-asa 5 --format json >"$TMP/chat.json" 2>"$TMP/err" || fail "omniq staff --chat --max-asa: $(cat "$TMP/err")"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$TMP/chat.json" <<'PY' || fail "omniq staff --chat --max-asa is not honoured: $(cat "$TMP/chat.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["asa"] <= 5 and j["aht"] == 300 and j["chat_aht"] == [300, 360, 450], j
assert j["required"] == 13, j  # 12 agents meet the SL target at ASA 7.84 s
PY
fi
# columns are read by their header names: the same day with its columns
# reordered and comments before the header gives the same plan
"$OMNIQ" staff --csv "$SRC/tests/config/day_columns.csv" --target 0.8 --threshold 20 --shrinkage 0.25 >"$TMP/staff_cols" 2>"$TMP/err" || fail "omniq staff day_columns.csv: exit $?: $(cat "$TMP/err")"
diff -u "$GOLD/staff_day.txt" "$TMP/staff_cols" || fail "omniq staff: reordered columns give another plan"
"$OMNIQ" staff --csv "$SRC/tests/config/day_bad_column.csv" >"$TMP/out" 2>"$TMP/err"
[ $? = 2 ] || fail "omniq staff: an unknown column: exit 2 expected"
grep -q "^$SRC/tests/config/day_bad_column.csv:1: unknown column 'handle'" "$TMP/err" || fail "omniq staff: unknown column not named with FILE:LINE: $(cat "$TMP/err")"
printf 'interval,aht\n09:00,240\n' >"$TMP/nocontacts.csv"
"$OMNIQ" staff --csv "$TMP/nocontacts.csv" >"$TMP/out" 2>"$TMP/err"
[ $? = 2 ] && grep -q "nocontacts.csv:1: missing column 'contacts'" "$TMP/err" || fail "omniq staff: missing column: $(cat "$TMP/err")"
# RFC 4180 output: a label with a comma and a quote is quoted, quotes doubled
printf 'interval,contacts,aht\n"Mon 09:00, ""peak""",120,240\n' >"$TMP/quoted.csv"
"$OMNIQ" staff --csv "$TMP/quoted.csv" --format csv >"$TMP/out" 2>"$TMP/err" || fail "omniq staff quoted label: $(cat "$TMP/err")"
grep -q '^"Mon 09:00, ""peak""",120,' "$TMP/out" || fail "omniq staff --format csv does not quote: $(cat "$TMP/out")"

# 5. simulate: a small scenario renders its golden summary (seeded: the same
# twice), writes parseable JSON / CSV / SVG; broken scenarios exit 2 naming
# FILE:LINE:COL (simulate and check alike)
(cd "$SRC" && "$OMNIQ" simulate tests/config/sim_small.yaml) >"$TMP/sim.1" 2>"$TMP/sim.err" || fail "omniq simulate sim_small (exit $?): $(cat "$TMP/sim.err")"
[ -s "$TMP/sim.err" ] && fail "omniq simulate wrote to stderr (not a terminal): $(cat "$TMP/sim.err")"
(cd "$SRC" && "$OMNIQ" simulate tests/config/sim_small.yaml) >"$TMP/sim.2" 2>/dev/null
cmp -s "$TMP/sim.1" "$TMP/sim.2" || fail "omniq simulate is not deterministic"
if [ "$UPDATE" = --update ]; then
    cp "$TMP/sim.1" "$GOLD/simulate_small.txt"
elif ! diff -u "$GOLD/simulate_small.txt" "$TMP/sim.1"; then
    fail "omniq simulate sim_small differs from $GOLD/simulate_small.txt"
fi
"$OMNIQ" simulate --quiet --replications 2 --seed 7 --json "$TMP/sim.json" --csv "$TMP/simcsv" \
    --svg "$TMP/sim.svg" "$SRC/tests/config/sim_small.yaml" >"$TMP/out" 2>"$TMP/err" || fail "omniq simulate with files: exit $?: $(cat "$TMP/err")"
[ -s "$TMP/out" ] && fail "omniq simulate --quiet wrote to stdout"
for f in sim.json simcsv/summary.csv simcsv/intervals.csv sim.svg; do
    [ -s "$TMP/$f" ] || fail "omniq simulate did not write $f"
done
if command -v python3 >/dev/null 2>&1; then
    python3 - "$TMP" <<'PY' || fail "omniq simulate: output files do not parse"
import csv, json, sys, xml.dom.minidom
d = sys.argv[1]
j = json.load(open(d + "/sim.json"))
assert j["replications"] == 2 and j["seed"] == 7, j["replications"]
assert len(j["intervals"]) == 4 and len(j["summary"]["queues"]) == 2
assert j["summary"]["total"]["offered"]["n"] == 2
t = j["summary"]["total"]
for key in ("p_wait", "waiting_at_end", "in_service_at_end", "abandon_rate", "occupancy"):
    assert key in t, key
assert j["definitions"]["abandon_rate"] == "abandoned / offered", j["definitions"]
# full precision (shortest round-trip form), not 6 significant digits
asa = t["asa_s"]["mean"]
assert len(repr(asa).replace(".", "").lstrip("0")) > 8, asa
assert abs(t["abandon_rate"]["mean"] - t["abandoned"]["mean"] / t["offered"]["mean"]) < 0.2
rows = list(csv.DictReader(open(d + "/simcsv/intervals.csv")))
assert len(rows) == 4 * (1 + 2 + 2), len(rows)
rows = list(csv.DictReader(open(d + "/simcsv/summary.csv")))
assert [r["id"] for r in rows] == ["total", "sales", "billing", "voice", "chat"], rows
for r in rows:
    float(r["p_wait"]); float(r["waiting_at_end"]); float(r["in_service_at_end"])
svg = xml.dom.minidom.parse(d + "/sim.svg")
def of_class(tag, cls):
    return [e for e in svg.getElementsByTagName(tag) if e.getAttribute("class") == cls]
# each queue's own target (sales 80 %, billing 80 %: sla_target default), not one weighted line
targets = of_class("line", "queue-target")
assert len(targets) == 2, len(targets)
ys = {float(t.getAttribute("y1")) for t in targets}
assert ys == {50 + 260 - 260 * 0.8}, ys
assert len(of_class("polygon", "total-ci")) == 1  # the 95 % band of the total (2 replications)
for cls in ("agents-logged-in", "agents-ready"):  # the staffing panel
    (line,) = of_class("polyline", cls)
    assert len(line.getAttribute("points").split()) == 4, cls
PY
else
    grep -q '"intervals":' "$TMP/sim.json" || fail "sim.json has no intervals"
    grep -q '</svg>' "$TMP/sim.svg" || fail "sim.svg is not complete"
fi
# ids with a comma and a quote stay one CSV field (RFC 4180)
sed -e 's/^  sales:$/  "sales, \\"north\\"":/' -e 's/queue: sales$/queue: "sales, \\"north\\""/' \
    "$SRC/tests/config/sim_small.yaml" >"$TMP/comma.yaml"
"$OMNIQ" simulate --quiet --replications 1 --csv "$TMP/commacsv" "$TMP/comma.yaml" 2>"$TMP/err" || fail "omniq simulate with a comma in an id: $(cat "$TMP/err")"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$TMP/commacsv" <<'PY' || fail "omniq simulate: CSV with a comma in an id does not parse as RFC 4180"
import csv, sys
for name in ("summary.csv", "intervals.csv"):
    rows = list(csv.reader(open(sys.argv[1] + "/" + name, newline="")))
    assert all(len(r) == len(rows[0]) for r in rows), name
    ids = {r[rows[0].index("id")] for r in rows[1:]}
    assert 'sales, "north"' in ids, (name, ids)
PY
fi
"$OMNIQ" simulate --replications 2 --seed 7 "$SRC/tests/config/sim_small.yaml" | head -1 | grep -q "2 replications (seed 7)" || fail "omniq simulate --replications/--seed"
for f in "$SRC"/tests/config/broken_sim/*.yaml; do
    want=$(sed -n '1s/^# expect: //p' "$f")
    for c in simulate check; do
        "$OMNIQ" $c "$f" >"$TMP/out" 2>"$TMP/err"
        rc=$?
        [ "$rc" = 2 ] || fail "omniq $c $f: exit $rc, expected 2"
        grep -q "^$f:$want: " "$TMP/err" || fail "omniq $c $f: expected '$f:$want: ...', got: $(cat "$TMP/err")"
        [ -s "$TMP/out" ] && fail "omniq $c $f wrote to stdout"
    done
done
"$OMNIQ" simulate /nonexistent.yaml 2>/dev/null; [ $? = 2 ] || fail "simulate missing file: exit 2"

# 6. schedule: the example week (staff's CSV shape too), JSON and SVG that parse, coverage
#    recomputed from the JSON's rows, broken inputs with file:line:column, infeasible exit 2
EX="$SRC/examples/schedule"
"$OMNIQ" schedule "$EX/week.csv" --shifts "$EX/shifts.yaml" --roster "$EX/agents.yaml" \
    --solver builtin --time-limit 3 --format json --svg "$TMP/week.svg" >"$TMP/week.json" 2>"$TMP/err" \
    || fail "omniq schedule example: exit $?: $(cat "$TMP/err")"
printf 'interval,contacts,aht,load,required,scheduled,service_level,asa,occupancy,p_abandon\n08:00,20,180,4,3,4,0.8,10,0.5,0\n08:15,30,180,6,4,5,0.8,12,0.6,0\n08:30,10,180,2,2,3,0.8,8,0.5,0\n' >"$TMP/staff.csv"
printf 'templates:\n  - {name: two, start_window: ["07:00", "08:30"], length: 2h}\n' >"$TMP/two.yaml"
"$OMNIQ" schedule "$TMP/staff.csv" --shifts "$TMP/two.yaml" --format csv >"$TMP/staff.out" 2>"$TMP/err" \
    || fail "omniq schedule on staff's CSV: exit $?: $(cat "$TMP/err")"
grep -q "^two,," "$TMP/staff.out" || fail "omniq schedule --format csv: no shift rows"
# RFC 4180: a template name with a comma and a quote is one quoted field
printf 'templates:\n  - {name: "two, \\"early\\"", start_window: ["07:00", "08:30"], length: 2h}\n' >"$TMP/comma.yaml"
"$OMNIQ" schedule "$TMP/staff.csv" --shifts "$TMP/comma.yaml" --format csv >"$TMP/comma.out" 2>"$TMP/err" \
    || fail "omniq schedule comma.yaml: exit $?: $(cat "$TMP/err")"
grep -q '^"two, ""early""",,' "$TMP/comma.out" || fail "omniq schedule --format csv: name not quoted: $(cat "$TMP/comma.out")"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$TMP" <<'PY' || fail "omniq schedule: JSON/SVG wrong"
import json, sys, xml.dom.minidom
d = sys.argv[1]
j = json.load(open(d + "/week.json"))
for k in ("status", "objective", "paid_hours", "lower_bound", "gap", "seconds", "shifts",
          "coverage", "under", "roster"):
    assert k in j, k
assert j["status"] in ("optimal", "feasible"), j["status"]
n = len(j["coverage"])
assert n == 672, n
# coverage from the rows: shift minus breaks
start0 = j["coverage"][0]["start"]
def idx(stamp):
    day = int(stamp[8:10]) - int(start0[8:10])
    return day * 96 + int(stamp[11:13]) * 4 + int(stamp[14:16]) // 15
cov = [0] * n
for s in j["shifts"]:
    a = idx(s["start"])
    for k in range(int(s["length"] // 900)):
        cov[(a + k) % n] += s["count"]
    for b in s["breaks"]:
        for k in range(int(b["length"] // 900)):
            cov[(idx(b["start"]) + k) % n] -= s["count"]
assert cov == [c["scheduled"] for c in j["coverage"]], "coverage"
assert all(c["scheduled"] >= c["required"] for c in j["coverage"]), "short"
assert j["under"] == 0
assert len(j["roster"]) == 66 and "violations" in j
xml.dom.minidom.parse(d + "/week.svg")
PY
fi
printf 'start,required\n2024-01-01 08:00,1\n2024-01-01 08:15,1\n2024-01-01 09:00,1\n' >"$TMP/gap.csv"
"$OMNIQ" schedule "$TMP/gap.csv" --shifts "$TMP/two.yaml" >/dev/null 2>"$TMP/err"
[ $? = 2 ] || fail "omniq schedule gap.csv: exit 2 expected"
grep -q "gap.csv:4:1: a gap" "$TMP/err" || fail "omniq schedule gap.csv: $(cat "$TMP/err")"
printf 'templates:\n  - name: d\n    start_window: ["07:00", "08:00"]\n    length: 2h\n    breaks:\n      - {length: 1h, window: [30m, 90m]}\n' >"$TMP/brk.yaml"
"$OMNIQ" schedule "$TMP/staff.csv" --shifts "$TMP/brk.yaml" >/dev/null 2>"$TMP/err"
[ $? = 2 ] || fail "omniq schedule brk.yaml: exit 2 expected"
grep -q "brk.yaml:6:" "$TMP/err" || fail "omniq schedule brk.yaml: $(cat "$TMP/err")"
# a calendar: open 08:00-20:00 Monday to Saturday, closed on a holiday Tuesday: no shift
# starts before 08:00 or works on the holiday
printf 'holidays:\n  local:\n    2024-01-02: holiday\ncalendars:\n  desk:\n    time_zone: UTC\n    hours:\n      mon-sat: 08:00-20:00\n    holidays: [local]\n' >"$TMP/cal.yaml"
printf 'start,required\n2024-01-01 10:00,2\n2024-01-01 10:15,2\n' >"$TMP/mon.csv"
printf 'templates:\n  - {name: four, start_window: ["00:00", "23:45"], length: 4h}\n' >"$TMP/four.yaml"
"$OMNIQ" schedule "$TMP/mon.csv" --shifts "$TMP/four.yaml" --calendar "$TMP/cal.yaml" --format csv \
    >"$TMP/cal.out" 2>"$TMP/err" || fail "omniq schedule --calendar: exit $?: $(cat "$TMP/err")"
awk -F, 'NR > 1 { split($5, d, " "); if (d[2] < "08:00") bad = 1 } END { exit bad }' "$TMP/cal.out" \
    || fail "omniq schedule --calendar: a shift starts before the calendar opens: $(cat "$TMP/cal.out")"
printf 'start,required\n2024-01-02 10:00,1\n' >"$TMP/hol.csv"
"$OMNIQ" schedule "$TMP/hol.csv" --interval 900 --shifts "$TMP/four.yaml" --calendar "$TMP/cal.yaml" \
    >/dev/null 2>"$TMP/err"
[ $? = 2 ] || fail "omniq schedule on a holiday: exit 2 expected"
grep -q "while the calendar is open" "$TMP/err" || fail "omniq schedule on a holiday: $(cat "$TMP/err")"
printf 'start,required\n02:00,3\n02:15,3\n' >"$TMP/night.csv"
"$OMNIQ" schedule "$TMP/night.csv" --shifts "$TMP/two.yaml" >/dev/null 2>"$TMP/err"
[ $? = 2 ] || fail "omniq schedule infeasible: exit 2 expected"
grep -q "no shift template covers it" "$TMP/err" || fail "omniq schedule infeasible: $(cat "$TMP/err")"

# 7. usage: --help everywhere (exit 0), --version, usage errors exit 1
for c in "" check run staff simulate schedule; do
    "$OMNIQ" $c --help >"$TMP/help" 2>&1 || fail "omniq $c --help: exit $?"
    grep -q usage "$TMP/help" || fail "omniq $c --help prints no usage"
done
"$OMNIQ" --version | grep -q "^omniq [0-9]" || fail "omniq --version"
for args in "" "frobnicate" "check" "check a b" "run" "run --bogus x" "staff --aht 100" \
            "staff --contacts 10 --aht -3" "staff --contacts 10 --rate 5 --aht 100" \
            "staff --contacts 10 --aht 100 --format xml" "staff --contacts 10 --aht 100 --target 1.5" \
            "staff --contacts 10 --chat 2 --chat-aht 100,200 --aht 100" "staff --csv x --chat-aht 1" \
            "simulate" "simulate a b" "simulate --bogus x" "simulate --replications 0 x" \
            "simulate --seed -1 x" "simulate --json" "schedule" "schedule x.csv" \
            "schedule x.csv --shifts" "schedule x.csv --shifts s.yaml --solver magic" \
            "schedule x.csv --shifts s.yaml --time-limit 0" "schedule a b --shifts s"; do
    "$OMNIQ" $args >/dev/null 2>"$TMP/err"
    rc=$?
    [ "$rc" = 1 ] || fail "omniq $args: exit $rc, expected 1"
    [ -s "$TMP/err" ] || fail "omniq $args: no message on stderr"
done

[ "$failed" = 0 ] && echo "all CLI tests passed"
exit $failed
