#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build the libFuzzer targets (tests/fuzz/fuzz_*.c) and run each for a bounded
# time, all at once (one process per target). Prints, per target, the number
# of executions and whether it found a bug; exits 1 if any target crashed,
# leaked, hit undefined behaviour, timed out or ran out of memory.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     (default: 60 s, every target)
#
# Environment:
#   FUZZ_BUILD   build directory (default: build-fuzz)
#   FUZZ_CC      compiler (default: clang)
#   FUZZ_ARGS    extra libFuzzer flags, e.g. "-jobs=4 -workers=4"
#   FUZZ_SERIAL  1: run the targets one after another instead of together
#
# New inputs found go to $FUZZ_BUILD/fuzz-work/<target>/corpus (not to the
# seed corpus in tests/fuzz/corpus/<target>, which is only read); crashing
# inputs to $FUZZ_BUILD/fuzz-work/<target>/artifacts/. See docs/fuzzing.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
build=${FUZZ_BUILD:-$root/build-fuzz}
case "$build" in /*) ;; *) build=$root/$build ;; esac

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER="${FUZZ_CC:-clang}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DOMNIQ_FUZZ=ON -DOMNIQ_BUILD_TESTS=OFF -DOMNIQ_BUILD_EXAMPLES=OFF -DOMNIQ_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for src in "$root"/tests/fuzz/fuzz_*.c; do
        targets+=("$(basename "$src" .c)")
    done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
    local t=$1 bin="$build/tests/fuzz/$1" work="$build/fuzz-work/$1"
    local seeds="$root/tests/fuzz/corpus/$1" dict=()
    mkdir -p "$work/corpus" "$work/artifacts" "$seeds"
    local opts=""
    [ -f "$root/tests/fuzz/$t.dict" ] && dict=("-dict=$root/tests/fuzz/$t.dict")
    [ -f "$root/tests/fuzz/$t.options" ] && opts=$(grep -v '^#' "$root/tests/fuzz/$t.options" | tr '\n' ' ')
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "${dict[@]}" $opts ${FUZZ_ARGS:-} \
        "$work/corpus" "$seeds" >"$work/log" 2>&1
}

declare -A pid
start=$(date +%s)
for t in "${targets[@]}"; do
    if [ ! -x "$build/tests/fuzz/$t" ]; then
        echo "no such fuzz target: $t" >&2
        exit 2
    fi
    if [ "${FUZZ_SERIAL:-0}" = 1 ]; then
        run_one "$t" && pid[$t]=ok || pid[$t]=fail
    else
        run_one "$t" & pid[$t]=$!
    fi
done

failed=0
printf '\n%-16s %12s %8s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
    work="$build/fuzz-work/$t"
    rc=0
    case "${pid[$t]}" in
        ok) ;;
        fail) rc=1 ;;
        *) wait "${pid[$t]}" || rc=$? ;;
    esac
    execs=$(sed -n 's/.*stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$work/log" | tail -1)
    rate=$(sed -n 's/.*stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$work/log" | tail -1)
    if [ -z "$execs" ]; then # crashed: no final stats; take the last progress line
        execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$work/log" | tail -1)
    fi
    ncorpus=$(find "$work/corpus" -type f | wc -l)
    if [ "$rc" = 0 ]; then
        result=ok
    else
        result="BUG (exit $rc)"
        failed=1
    fi
    printf '%-16s %12s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$ncorpus" "$result"
done
echo "fuzzing took $(( $(date +%s) - start )) s"

if [ "$failed" != 0 ]; then
    for t in "${targets[@]}"; do
        work="$build/fuzz-work/$t"
        if ls "$work/artifacts/"* >/dev/null 2>&1 || ! grep -q "stat::number_of_executed_units" "$work/log"; then
            echo
            echo "==== $t: last lines of $work/log ===="
            grep -v '^#[0-9]' "$work/log" | tail -60
            echo "artifacts (reproduce: $build/tests/fuzz/$t FILE):"
            ls -l "$work/artifacts/" 2>/dev/null || true
        fi
    done
    exit 1
fi
