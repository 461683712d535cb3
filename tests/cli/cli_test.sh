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

# 6. usage: --help everywhere (exit 0), --version, usage errors exit 1
for c in "" check run staff simulate; do
    "$OMNIQ" $c --help >"$TMP/help" 2>&1 || fail "omniq $c --help: exit $?"
    grep -q usage "$TMP/help" || fail "omniq $c --help prints no usage"
done
"$OMNIQ" --version | grep -q "^omniq [0-9]" || fail "omniq --version"
for args in "" "frobnicate" "check" "check a b" "run" "run --bogus x" "staff --aht 100" \
            "staff --contacts 10 --aht -3" "staff --contacts 10 --rate 5 --aht 100" \
            "staff --contacts 10 --aht 100 --format xml" "staff --contacts 10 --aht 100 --target 1.5" \
            "staff --contacts 10 --chat 2 --chat-aht 100,200 --aht 100" "staff --csv x --chat-aht 1" \
            "simulate" "simulate a b" "simulate --bogus x" "simulate --replications 0 x" \
            "simulate --seed -1 x" "simulate --json"; do
    "$OMNIQ" $args >/dev/null 2>"$TMP/err"
    rc=$?
    [ "$rc" = 1 ] || fail "omniq $args: exit $rc, expected 1"
    [ -s "$TMP/err" ] || fail "omniq $args: no message on stderr"
done

[ "$failed" = 0 ] && echo "all CLI tests passed"
exit $failed
