#!/usr/bin/env python3
"""Run `kp-lint --fix --unsafe-fixes` over every plain file of the real-world corpus, on a copy.

    bench/fix-corpus.py [CORPUS_DIR] [--bin PATH]

CORPUS_DIR defaults to shared/corpus/real beside this repository (or /work/shared/corpus/real).
Plain files are the regular files directly in it that SOURCES.tsv lists (templates/ holds the
templated ones). The release binary is target/release/kp-lint (or $CARGO_TARGET_DIR/release);
build it first with `cargo build --release`.

For each file it reports whether the fix changed it, whether a second run changes nothing
(idempotent), crashes (exit code above 2, or a signal), refusals ("not fixed: ..." on stderr),
and stray changes: a fix that touched more than its own lines (more changed hunks than fixes
applied, a hunk of more than 3 original lines, a comment line lost, a line ending or the final
newline or a byte-order mark changed). Exit status 1 if any crash, non-idempotent file or stray
change is found. Python 3 standard library only.
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def default_corpus():
    for c in (REPO / "../shared/corpus/real", REPO / "../../shared/corpus/real",
              Path("/work/shared/corpus/real")):
        if c.is_dir():
            return c.resolve()
    sys.exit("corpus not found; give CORPUS_DIR")


def default_bin():
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "release" / "kp-lint"


def plain_files(corpus):
    listed = set()
    sources = corpus / "SOURCES.tsv"
    if sources.exists():
        for line in sources.read_text(encoding="utf-8").splitlines()[1:]:
            if line.strip():
                listed.add(line.split("\t", 1)[0])
    files = sorted(p for p in corpus.iterdir() if p.is_file() and p.name != "SOURCES.tsv")
    unlisted = [p.name for p in files if listed and p.name not in listed]
    return files, unlisted


def run(binary, path):
    p = subprocess.run([str(binary), "--no-config", "--color=never", "--fix", "--unsafe-fixes",
                        str(path)], capture_output=True)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def fixes_applied(stderr):
    m = re.search(r": fixed (\d+) finding", stderr)
    return int(m.group(1)) if m else 0


def stray_changes(before, after, applied):
    """Reasons the change looks wider than the fixes; empty if it does not."""
    why = []
    if before.startswith(b"\xef\xbb\xbf") != after.startswith(b"\xef\xbb\xbf"):
        why.append("byte-order mark changed")
    if before.endswith(b"\n") != after.endswith(b"\n"):
        why.append("final newline changed")
    crlf_before = b"\r\n" in before
    lf_only = lambda b: re.search(rb"(?<!\r)\n", b) is not None
    if crlf_before and lf_only(after) and not lf_only(before):
        why.append("LF line endings introduced into a CRLF file")
    if not crlf_before and b"\r\n" in after:
        why.append("CRLF line endings introduced into an LF file")
    a = before.decode("utf-8", "replace").splitlines(keepends=True)
    b = after.decode("utf-8", "replace").splitlines(keepends=True)
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    if len(ops) > applied:
        why.append(f"{len(ops)} changed places for {applied} fixes")
    for tag, i1, i2, _, _ in ops:
        if i2 - i1 > 3:
            why.append(f"{i2 - i1} lines replaced at line {i1 + 1}")
    comments_before = [l.strip() for l in a if l.strip().startswith("#")]
    comments_after = [l.strip() for l in b if l.strip().startswith("#")]
    if comments_before != comments_after:
        why.append("a comment line was lost or changed")
    return why


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path)
    ap.add_argument("--bin", type=Path, default=default_bin())
    ap.add_argument("-v", "--verbose", action="store_true", help="list changed and refused files")
    args = ap.parse_args()
    corpus = (args.corpus or default_corpus()).resolve()
    if not args.bin.exists():
        sys.exit(f"{args.bin} not found: cargo build --release first")
    files, unlisted = plain_files(corpus)
    counts = dict(files=0, changed=0, idempotent=0, crashes=0, refused=0, stray=0)
    problems = []
    with tempfile.TemporaryDirectory(prefix="kp-lint-fix-corpus-") as tmp:
        for src in files:
            dst = Path(tmp) / src.name
            shutil.copyfile(src, dst)
            before = dst.read_bytes()
            counts["files"] += 1
            code, err = run(args.bin, dst)
            if code > 2 or code < 0:
                counts["crashes"] += 1
                problems.append(f"{src.name}: crash (exit {code}): {err.strip()[-300:]}")
                continue
            if ": not fixed:" in err:
                counts["refused"] += 1
                if args.verbose:
                    problems.append(f"{src.name}: refused: {err.split(': not fixed: ')[1].splitlines()[0]}")
            once = dst.read_bytes()
            if once != before:
                counts["changed"] += 1
                if args.verbose:
                    summary = [l for l in err.splitlines() if ": fixed " in l]
                    problems.append(f"{src.name}: changed: {summary[0].split(': ', 2)[-1] if summary else '?'}")
                why = stray_changes(before, once, fixes_applied(err))
                if why:
                    counts["stray"] += 1
                    problems.append(f"{src.name}: stray change: {'; '.join(why)}")
            code2, err2 = run(args.bin, dst)
            if code2 > 2 or code2 < 0:
                counts["crashes"] += 1
                problems.append(f"{src.name}: crash on the second run (exit {code2})")
                continue
            if dst.read_bytes() == once:
                counts["idempotent"] += 1
            else:
                problems.append(f"{src.name}: a second --fix changed it again")
    print(f"corpus: {corpus}")
    print(f"kp-lint: {args.bin}")
    if unlisted:
        print(f"not in SOURCES.tsv (run anyway): {', '.join(unlisted)}")
    print("files {files}, changed {changed}, idempotent {idempotent}, crashes {crashes}, "
          "refused {refused}, stray changes {stray}".format(**counts))
    for p in problems:
        print("  " + p)
    bad = counts["crashes"] or counts["stray"] or counts["idempotent"] != counts["files"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
