#!/usr/bin/env bash
# kp-lint's benchmark (docs/performance.md). Not part of `cargo test` or CI.
#
#   bench/run.sh [WORK_DIR]            # default WORK_DIR: ${TMPDIR:-/tmp}/kp-lint-bench
#
# In one run, on warm caches: generates the synthetic GitOps corpus with shared/bench's
# gen_corpus.py (10,000 files, seed 42; kept in WORK_DIR for later runs), builds kp-lint
# --release, and measures with hyperfine (medians) and GNU time (peak RSS):
#   cat of every YAML file (the floor), kp-lint on the tree (default output, the GitHub Action's
#   outputs, one thread), kp-lint on one file (the pre-commit case), and check-jsonschema on
#   the KubeProxyConfiguration files when it is installed; then compares kp-lint's findings
#   with the corpus manifest (bench/agreement.py). The report goes to WORK_DIR/results.md.
#
# Needs python3, hyperfine (apt-get install hyperfine), GNU time (/usr/bin/time) and cargo.
# Environment: FILES (10000), SEED (42), RUNS (10), KP_LINT_BENCH_GEN (gen_corpus.py; default:
# shared/bench beside this repository), SCALING=1 (also time 2,500 and 5,000 files).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-${TMPDIR:-/tmp}/kp-lint-bench}
files=${FILES:-10000}
seed=${SEED:-42}
runs=${RUNS:-10}
mkdir -p "$work"
work=$(cd "$work" && pwd)

gen=${KP_LINT_BENCH_GEN:-}
if [ -z "$gen" ]; then
  for candidate in "$repo/../shared/bench/gen_corpus.py" "$repo/../../shared/bench/gen_corpus.py" /work/shared/bench/gen_corpus.py; do
    if [ -f "$candidate" ]; then gen=$candidate; break; fi
  done
fi
[ -n "$gen" ] && [ -f "$gen" ] || { echo "bench: gen_corpus.py not found; set KP_LINT_BENCH_GEN" >&2; exit 2; }
schema=$(dirname "$gen")/kubeproxy-min.schema.json
command -v hyperfine > /dev/null || { echo "bench: hyperfine not found (apt-get install hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time not found (apt-get install time)" >&2; exit 2; }

corpus_for() { echo "$work/corpus-$1-seed$seed"; }
generate() {
  local dir
  dir=$(corpus_for "$1")
  if [ ! -f "$dir/.kpcorpus.json" ]; then
    echo "== generating $1 files in $dir" >&2
    rm -rf "$dir"
    python3 "$gen" "$dir" --files "$1" --seed "$seed" >&2
  fi
  echo "$dir"
}
corpus=$(generate "$files")

echo "== building kp-lint --release" >&2
cargo build --release --locked --manifest-path "$repo/Cargo.toml" >&2
target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$repo/Cargo.toml" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
kp="$target/release/kp-lint"
cp "$kp" "$work/kp-lint"
kp="$work/kp-lint"

single=$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1] + "/.kpcorpus.json"))
print(next(f["path"] for f in m["kube_proxy_files"] if f["kind"] == "KubeProxyConfiguration"))
' "$corpus")

cd "$corpus"
cat_cmd="find . -type f \\( -name '*.yaml' -o -name '*.yml' \\) -print0 | xargs -0 cat > /dev/null"
cjs_cmd="grep -rlZ --include='*.yaml' --include='*.yml' '^kind: KubeProxyConfiguration' . | xargs -0 check-jsonschema --schemafile '$schema' > /dev/null"
sarif="$work/kp-lint.sarif"

names=(cat "kp-lint ." "kp-lint . (Action outputs)" "kp-lint . --threads 1")
cmds=("$cat_cmd" "'$kp' ." "'$kp' . --format github --format sarif='$sarif'" "'$kp' . --threads 1")
if command -v check-jsonschema > /dev/null; then
  names+=("check-jsonschema (KubeProxyConfiguration files)")
  cmds+=("$cjs_cmd")
else
  echo "== check-jsonschema not installed: not measured (python3 -m pip install check-jsonschema)" >&2
fi
args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done

echo "== timing the tree ($runs runs each)" >&2
hyperfine --warmup 3 --runs "$runs" --ignore-failure --export-json "$work/tree.json" "${args[@]}" >&2
echo "== timing one file: $single" >&2
hyperfine -N --warmup 10 --runs 200 --ignore-failure --export-json "$work/one.json" \
  -n "kp-lint one file" "$kp $single" >&2

# Peak RSS: the largest of three runs.
rss() {
  local max=0 v
  for _ in 1 2 3; do
    v=$(/usr/bin/time -f '%M' -o "$work/rss.txt" "$@" > /dev/null 2>&1; tail -n 1 "$work/rss.txt")
    [ "$v" -gt "$max" ] && max=$v
  done
  echo "$max"
}
echo "== peak memory" >&2
{
  echo "cat	$(rss sh -c "$cat_cmd")"
  echo "kp-lint .	$(rss "$kp" .)"
  echo "kp-lint . (Action outputs)	$(rss "$kp" . --format github --format "sarif=$sarif")"
  echo "kp-lint . --threads 1	$(rss "$kp" . --threads 1)"
  if command -v check-jsonschema > /dev/null; then
    echo "check-jsonschema (KubeProxyConfiguration files)	$(rss sh -c "$cjs_cmd")"
  fi
  echo "kp-lint one file	$(rss "$kp" "$single")"
} > "$work/rss.tsv"

scaling=""
if [ "${SCALING:-0}" = 1 ]; then
  for n in 2500 5000; do
    dir=$(generate "$n")
    (cd "$dir" && hyperfine --warmup 3 --runs "$runs" --ignore-failure --export-json "$work/scale-$n.json" \
      -n "cat ($n files)" "$cat_cmd" -n "kp-lint . ($n files)" "'$kp' ." >&2)
    scaling="$scaling $work/scale-$n.json"
  done
fi

echo "== findings against the corpus manifest" >&2
"$kp" . --format json > "$work/findings.json" || true

python3 - "$work" "$files" "$single" "$scaling" > "$work/results.md" << 'EOF'
import json, os, sys
work, files, single, scaling = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()
rss = dict(line.rstrip("\n").split("\t") for line in open(os.path.join(work, "rss.tsv")))
tree = json.load(open(os.path.join(work, "tree.json")))["results"]
one = json.load(open(os.path.join(work, "one.json")))["results"]
cat = next(r for r in tree if r["command"] == "cat")["median"]
print(f"Corpus: {files} YAML files (gen_corpus.py, seed 42), warm cache, "
      f"{os.cpu_count()} cores; medians of hyperfine runs.\n")
print("| what | median | min – max | × cat | peak RSS |")
print("|---|---:|---:|---:|---:|")
for r in tree + one:
    name = r["command"]
    ms = lambda s: f"{s * 1000:.0f} ms" if s >= 0.1 else f"{s * 1000:.1f} ms"
    ratio = f"{r['median'] / cat:.2f}" if r in tree else "–"
    mem = int(rss.get(name, "0")) / 1024
    print(f"| {name} | {ms(r['median'])} | {ms(r['min'])} – {ms(r['max'])} | {ratio} | {mem:.0f} MB |")
print(f"\nOne file: `{single}`.")
if scaling:
    print("\n| files | cat | kp-lint . | × cat |")
    print("|---:|---:|---:|---:|")
    rows = []
    for path in scaling:
        res = json.load(open(path))["results"]
        rows.append((res[0]["command"].split("(")[1].split()[0], res[0]["median"], res[1]["median"]))
    rows.append((files, cat, next(r for r in tree if r["command"] == "kp-lint .")["median"]))
    for n, c, k in rows:
        print(f"| {n} | {c * 1000:.0f} ms | {k * 1000:.0f} ms | {k / c:.2f} |")
EOF
echo >> "$work/results.md"
python3 "$repo/bench/agreement.py" "$corpus/.kpcorpus.json" "$work/findings.json" --markdown >> "$work/results.md"
cat "$work/results.md"
