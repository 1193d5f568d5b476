#!/usr/bin/env bash
# Time and memory of kp-lint on each hostile case (docs/robustness.md). Not part of `cargo test`.
#
#   bench/hostile.sh [WORK_DIR]        # default WORK_DIR: ${TMPDIR:-/tmp}/kp-lint-hostile
#
# Builds kp-lint --release, generates the large cases in WORK_DIR (a 100 MB file, a 50 MB line,
# 10,000-deep nesting, thousands of documents; they are never committed), runs each case RUNS
# times (default 5) under GNU time and prints a Markdown table: the median wall time, the highest
# peak RSS, the exit code and the first line kp-lint printed about the file.
#
# Needs python3, GNU time (/usr/bin/time) and cargo. Environment: RUNS (5), CARGO_TARGET_DIR.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-${TMPDIR:-/tmp}/kp-lint-hostile}
runs=${RUNS:-5}
mkdir -p "$work"
work=$(cd "$work" && pwd)

(cd "$repo" && cargo build --release --locked --quiet)
bin=${CARGO_TARGET_DIR:-$repo/target}/release/kp-lint

python3 - "$work" <<'PY'
import os, sys
w = sys.argv[1]
hdr = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
doc = hdr + "mode: ipvs\n"
def put(name, text):
    p = os.path.join(w, name)
    if not os.path.exists(p):
        with open(p, "w") as f:
            f.write(text)
put("big.yaml", "a: b\n" * (20 << 20))
put("long-line.yaml", "mode: " + "x" * (50 << 20) + "\n")
put("deep-flow.yaml", hdr + "ipvs: " + "[" * 10000 + "]" * 10000 + "\n")
put("deep-block.yaml", hdr + "ipvs:\n  " + "- " * 10000 + "x\n")
put("docs-5000.yaml", "---\n".join([doc] * 5000))
put("docs-20000.yaml", "---\n".join([doc] * 20000))
PY
rm -rf "$work/tree" && mkdir -p "$work/tree/sub"
cp "$repo/testdata/hostile/crlf.yaml" "$work/tree/good.yaml"
ln -s .. "$work/tree/sub/loop"
ln -s nowhere.yaml "$work/tree/dangling.yaml"
ln -s /proc/self/mem "$work/tree/mem.yaml"
mkfifo "$work/tree/pipe.yaml"

h=$repo/testdata/hostile
cases=(
  "100 MB file|$work/big.yaml"
  "50 MB line|$work/long-line.yaml"
  "50 MB line, --max-file-size=64MiB|--max-file-size=67108864 $work/long-line.yaml"
  "10,000-deep flow nesting|$work/deep-flow.yaml"
  "10,000-deep block nesting|$work/deep-block.yaml"
  "5,000 documents|$work/docs-5000.yaml"
  "20,000 documents (limit 10,000)|$work/docs-20000.yaml"
  "alias bomb|$h/alias-bomb.yaml"
  "binary|$h/binary.yaml"
  "NUL bytes|$h/nul-bytes.yaml"
  "invalid UTF-8|$h/invalid-utf8.yaml"
  "UTF-16 LE with BOM|$h/utf16le-bom.yaml"
  "CRLF|$h/crlf.yaml"
  "lone CR|$h/lone-cr.yaml"
  "duplicate keys|$h/duplicate-keys.yaml"
  "Helm template|$h/helm-template.yaml"
  "unreadable (/proc/self/mem)|/proc/self/mem"
  "FIFO named|$work/tree/pipe.yaml"
  "hostile directory, --follow-symlinks|--follow-symlinks $work/tree"
)

echo "| case | median time | peak RSS | exit | first message |"
echo "|---|---|---|---|---|"
for c in "${cases[@]}"; do
  name=${c%%|*}
  args=${c#*|}
  times=()
  peak=0
  code=0
  for _ in $(seq "$runs"); do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" --no-config --color=never $args \
      >"$work/out.txt" 2>&1 </dev/null && code=0 || code=$?
    # (GNU time writes "Command exited with non-zero status N" first.)
    read -r secs kb < <(tail -n 1 "$work/time.txt")
    times+=("$secs")
    [ "${kb:-0}" -gt "$peak" ] && peak=$kb
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  msg=$(grep -m1 -E '^ *(×|⚠|☞|error:|kp-lint:)' "$work/out.txt" | sed 's/^ *//; s/|/\\|/g' | cut -c1-110)
  printf '| %s | %s s | %.1f MiB | %s | %s |\n' "$name" "$median" "$(echo "$peak/1024" | bc -l)" "$code" "$msg"
done
