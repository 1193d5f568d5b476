#!/usr/bin/env python3
"""Compare kp-lint's JSON findings on the benchmark corpus with the corpus manifest.

    python3 bench/agreement.py CORPUS/.kpcorpus.json kp-lint.json [--markdown]

The manifest (written by shared/bench/gen_corpus.py) lists every kube-proxy relevant file with
its deliberate mistakes, the gitignored YAML files and the files with syntax errors. For each
kind of mistake this prints in how many of its files kp-lint reports the rule that covers it
(recall), which errors kp-lint reports in files without any deliberate mistake, and whether any
gitignored file was reported (it must not be).
"""

import argparse
import collections
import json
import sys

# The kp-lint rule that reports each deliberate mistake, where kp-lint has one. `None`: the
# mistake is not about kube-proxy's configuration (MetalLB pools, Cilium's own settings) or no
# rule covers it yet.
EXPECTED = {
    "min-sync-gt-sync": "KP104",
    "unknown-ipvs-scheduler": "KP121",
    "ipvs-strictarp-false": "KP501",
    "unknown-mode": "KP101",
    "unknown-field": "KP201",
    "bad-duration": "KP009",
    "conntrack-invalid": "KP107",
    "bad-cidr": "KP114",
    "duplicate-key": "KP008",
    "wrong-apiversion": "KP005",
    "embedded-config-syntax-error": "KP001",
    "cidr-mismatch-podsubnet": "KP710",
    "kubeadm-mixed-apiversions": "KP007",
    "flags-with-config": "KP701",
    "deprecated-flag": "KP702",
    "kube-proxy-with-cilium-kpr": "KP603",
    # Reported on the kube-proxy configuration, not on the MetalLB file the manifest names.
    "metallb-l2-needs-strictarp": None,
    "kubeadm-extraargs-shape": None,
    "kpc-with-kube-proxy-skipped": None,
    "metallb-adv-unknown-pool": None,
    "metallb-overlapping-pools": None,
    "metallb-legacy-configmap": None,
    "cilium-kpr-deprecated-value": None,
    "cilium-kpr-without-k8sServiceHost": None,
}


def norm(path):
    return path[2:] if path.startswith("./") else path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("manifest")
    ap.add_argument("findings", help="kp-lint --format json output, run at the corpus root")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    a = ap.parse_args()
    manifest = json.load(open(a.manifest))
    out = json.load(open(a.findings))

    by_file = collections.defaultdict(list)
    for f in out["findings"]:
        by_file[norm(f["file"])].append((f["code"], f["severity"]))
    kp_files = {f["path"]: f for f in manifest["kube_proxy_files"]}
    ignored = set(manifest["gitignored_yaml_files"])
    broken = set(manifest["syntax_error_files"])

    rows = []
    total_files = total_hits = 0
    for mistake in sorted({m for f in kp_files.values() for m in f["mistakes"]}):
        files = [p for p, f in kp_files.items() if mistake in f["mistakes"]]
        code = EXPECTED.get(mistake)
        if code is None:
            rows.append((mistake, len(files), "-", "-", "out of scope"))
            continue
        hits = sum(1 for p in files if any(c == code for c, _ in by_file.get(p, [])))
        total_files += len(files)
        total_hits += hits
        rows.append((mistake, len(files), code, hits, f"{100 * hits / len(files):.0f} %"))

    clean = [p for p, f in kp_files.items() if not f["mistakes"]]
    clean_errors = collections.Counter(
        c for p in clean for c, s in by_file.get(p, []) if s == "error"
    )
    clean_with_error = sum(1 for p in clean if any(s == "error" for _, s in by_file.get(p, [])))
    outside = [p for p in by_file if p not in kp_files]
    ignored_reported = sorted(set(by_file) & ignored)
    broken_reported = sorted(set(by_file) & broken)

    summary = {
        "files_reported": len(by_file),
        "files_in_summary": out["summary"]["files"],
        "findings": len(out["findings"]),
        "recall_files": total_hits,
        "recall_of": total_files,
        "clean_kube_proxy_files": len(clean),
        "clean_files_with_an_error": clean_with_error,
        "errors_in_clean_files": dict(clean_errors.most_common()),
        "reported_outside_kube_proxy_files": len(outside),
        "gitignored_reported": ignored_reported,
        "syntax_error_files_reported": broken_reported,
    }
    if a.markdown:
        print("| deliberate mistake | files | rule | files where kp-lint reports it | recall |")
        print("|---|---:|---|---:|---:|")
        for m, n, code, hits, pct in rows:
            print(f"| `{m}` | {n} | {code} | {hits} | {pct} |")
        print(f"| **all covered mistakes** | {total_files} | | {total_hits} | "
              f"{100 * total_hits / max(total_files, 1):.0f} % |")
        print()
        print(f"- files in the summary: {summary['files_in_summary']}; files with findings: "
              f"{summary['files_reported']}; findings: {summary['findings']}")
        print(f"- kube-proxy relevant files without a deliberate mistake: {len(clean)}; with an "
              f"error from kp-lint: {clean_with_error} ({dict(clean_errors.most_common(5))})")
        print(f"- findings in files the manifest does not list as kube-proxy relevant: "
              f"{len(outside)} files")
        print(f"- gitignored files reported: {len(ignored_reported)} (of {len(ignored)})")
        print(f"- files with deliberate syntax errors (not about kube-proxy) reported: "
              f"{len(broken_reported)} (of {len(broken)})")
    else:
        json.dump(summary, sys.stdout, indent=2)
        print()
    return 1 if ignored_reported else 0


if __name__ == "__main__":
    sys.exit(main())
