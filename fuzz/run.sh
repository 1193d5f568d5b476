#!/bin/sh
# Run every fuzz target in turn for SECONDS each (default 480), one process at a time, from the
# seeds (fuzz/seeds/) into a working corpus (fuzz/corpus/, not committed). Crashes are saved in
# fuzz/artifacts/<target>/ and fuzzing goes on (-fork=1 -ignore_crashes=1); the last status line
# of each target (executions, coverage, ooms/timeouts/crashes, seconds) is in fuzz/logs/.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
set -eu
cd "$(dirname "$0")"
secs=${1:-480}
[ $# -gt 0 ] && shift
targets=${*:-yaml model lint fix flags metrics}
mkdir -p logs
for t in $targets; do
    case $t in
        yaml | model | lint) seeds=seeds/yaml ;;
        *) seeds=seeds/$t ;;
    esac
    mkdir -p "corpus/$t"
    cargo +nightly fuzz run -O --target-dir "${FUZZ_TARGET_DIR:-target}" "$t" "corpus/$t" "$seeds" -- \
        -dict=kp-lint.dict -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        >"logs/$t.log" 2>&1 || true
    printf '%s: ' "$t"
    grep -E '^#[0-9]+' "logs/$t.log" | tail -1
done
