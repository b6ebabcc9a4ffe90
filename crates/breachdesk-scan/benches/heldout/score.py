#!/usr/bin/env python3
"""Scores `breachdesk scan` on a held-out labelled leak written by gen.py (standard library only).

    score.py --leak DIR --truth truth.tsv --scanner target/release/breachdesk [--json]

Runs `SCANNER scan DIR --json --reveal --findings TMP [--customer-number RE]` (the JSON on stdout
holds only counts; the values come from the --findings JSON Lines), then compares per (file,
category, distinct value), as benches/accuracy.rs does: a value is lower-cased, whitespace, ','
and '-' are removed, and a phone loses its leading '+'. Prints, per category, planted / found /
precision / recall, and the distinct data subjects found against subjects.txt, as Markdown (or
JSON with --json).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

CATEGORIES = ("email", "iban", "ip_address", "national_id", "payment_card", "person_name", "phone",
              "postal_address", "customer_number")
DEFAULT_CUSTOMER_NUMBER = r"(?-u:\b)[0-9]{7}(?-u:\b)"


def comparable(category: str, value: str) -> str:
    """benches/accuracy.rs's `comparable`, with every kind of whitespace (the truth is TSV, and a
    finding may span a line break) where that removes only ' '."""
    v = "".join(c for c in value.lower() if not (c.isspace() or c in ",-"))
    return v.lstrip("+") if category == "phone" else v


def top(file: str) -> str:
    """Where a file belongs for --breakdown: its first folder (or itself)."""
    return file.split("/", 1)[0] if "/" in file else file


def read_truth(path: pathlib.Path):
    truth: dict[tuple[str, str, str], set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        file, cat, value, sid = (line.split("\t") + [""])[:4]
        truth.setdefault((file, cat, comparable(cat, value)), set()).add(sid)
    return truth


def read_ignore(path: pathlib.Path | None):
    out = set()
    if path and path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                file, cat, value = line.split("\t")[:3]
                out.add((file, cat, comparable(cat, value)))
    return out


def run_scanner(args, workdir: pathlib.Path):
    findings = workdir / "findings.jsonl"
    cmd = [str(args.scanner), "scan", str(args.leak), "--json", "--reveal", "--findings", str(findings)]
    if args.customer_number:
        cmd += ["--customer-number", args.customer_number]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"score.py: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    report = json.loads(proc.stdout)
    (workdir / "report.json").write_text(json.dumps({"report": report, "elapsed_s": elapsed,
                                                     "command": cmd}, indent=1))
    return report, findings, elapsed, cmd


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--leak", required=True, type=pathlib.Path)
    ap.add_argument("--truth", required=True, type=pathlib.Path)
    ap.add_argument("--scanner", type=pathlib.Path, help="the breachdesk binary (not needed with --from)")
    ap.add_argument("--subjects", type=pathlib.Path, help="default: LEAK/../subjects.txt")
    ap.add_argument("--ignore", type=pathlib.Path, help="default: LEAK/../ignore.tsv")
    ap.add_argument("--customer-number", default=DEFAULT_CUSTOMER_NUMBER,
                    help=f"the pattern passed to the scanner (default {DEFAULT_CUSTOMER_NUMBER}; '' = none)")
    ap.add_argument("--exclude-shared", action="store_true",
                    help="leave out the values of no subject (role mailboxes, switchboards, the company's IBAN and address)")
    ap.add_argument("--json", action="store_true", help="print machine-readable JSON")
    ap.add_argument("--examples", type=int, default=0, help="print N misses and N false positives per category")
    ap.add_argument("--breakdown", action="store_true", help="precision and recall per category and top folder")
    ap.add_argument("--keep", type=pathlib.Path, help="keep the scanner's findings and report in this directory")
    ap.add_argument("--from", dest="from_dir", type=pathlib.Path,
                    help="score the findings.jsonl and report.json kept by an earlier --keep instead of running")
    args = ap.parse_args()

    truth = read_truth(args.truth)
    side = args.leak.resolve().parent
    ignore = read_ignore(args.ignore or side / "ignore.tsv")
    subjects_path = args.subjects or side / "subjects.txt"
    truth_subjects = int(subjects_path.read_text().split()[0])
    shared = {k for k, sids in truth.items() if sids == {""}}
    if args.exclude_shared:
        truth = {k: v for k, v in truth.items() if k not in shared}

    tmp = None
    if args.from_dir:
        saved = json.loads((args.from_dir / "report.json").read_text())
        report, elapsed, cmd = saved["report"], saved["elapsed_s"], saved["command"]
        findings_path = args.from_dir / "findings.jsonl"
        args.customer_number = (cmd[cmd.index("--customer-number") + 1]
                                if "--customer-number" in cmd else "")
    else:
        if not args.scanner:
            sys.exit("score.py: --scanner is needed (or --from)")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            work = args.keep
        else:
            tmp = tempfile.mkdtemp(prefix="heldout-score-")
            work = pathlib.Path(tmp)
        report, findings_path, elapsed, cmd = run_scanner(args, work)

    found: set[tuple[str, str, str]] = set()
    unscored: collections.Counter[str] = collections.Counter()
    # Which true people each of the scanner's subjects holds, and the other way round.
    subject_people: dict[int, set[str]] = collections.defaultdict(set)
    person_subjects: dict[str, set[int]] = collections.defaultdict(set)
    # The same by identifiers only, each of one person in its file: a record names other people
    # too (a reply quoting its customer and signed by staff, a note), and people of one household
    # share an address, neither of which is a link between them.
    subject_people_by_ids: dict[int, set[str]] = collections.defaultdict(set)
    person_subjects_by_ids: dict[str, set[int]] = collections.defaultdict(set)
    occurrences = 0
    with open(findings_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            x = json.loads(line)
            occurrences += 1
            cat = x["category"]
            if cat not in CATEGORIES:
                unscored[cat] += 1
                continue
            key = (x["file"], cat, comparable(cat, x["value"]))
            if key in ignore or (args.exclude_shared and key in shared):
                continue
            found.add(key)
            s = x.get("subject")
            if s is not None:
                sids = truth.get(key, set()) - {""}
                subject_people[s].update(sids)
                if cat != "person_name" and len(sids) == 1:
                    subject_people_by_ids[s].update(sids)
                    person_subjects_by_ids[next(iter(sids))].add(s)
                for sid in sids:
                    person_subjects[sid].add(s)
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)

    rows = {}
    for cat in CATEGORIES:
        t = {k for k in truth if k[1] == cat}
        fnd = {k for k in found if k[1] == cat}
        tp = len(t & fnd)
        rows[cat] = {
            "planted": len(t), "found": len(fnd), "true_positives": tp,
            "false_positives": len(fnd) - tp, "missed": len(t) - tp,
            "precision": tp / len(fnd) if fnd else 1.0,
            "recall": tp / len(t) if t else 1.0,
            "planted_shared": len(t & shared),
            "found_shared": len(fnd & shared),
        }
    all_t, all_f = set(truth), found
    tp = len(all_t & all_f)
    total = {"planted": len(all_t), "found": len(all_f), "true_positives": tp,
             "precision": tp / len(all_f) if all_f else 1.0, "recall": tp / len(all_t) if all_t else 1.0}
    found_subjects = int(report.get("subjects", 0))
    error = (found_subjects - truth_subjects) / truth_subjects * 100 if truth_subjects else 0.0
    # Subjects the scanner says may be people counted twice (a payment identifier with a name
    # another subject has): the number of people it gives is a range.
    twice = int(report.get("subjects_named_like_another", 0))
    lower_error = (found_subjects - twice - truth_subjects) / truth_subjects * 100 if truth_subjects else 0.0
    result = {
        "command": cmd, "elapsed_s": round(elapsed, 3), "customer_number_pattern": args.customer_number or None,
        "exclude_shared": args.exclude_shared, "files": report.get("files"),
        "categories": rows, "total": total,
        "subjects": {"found": found_subjects, "truth": truth_subjects, "error_pct": round(error, 2),
                     "named_like_another": twice, "lower_end": found_subjects - twice,
                     "lower_end_error_pct": round(lower_error, 2),
                     "joined_by_a_number_read_again": int(report.get("subjects_joined_by_a_number_read_again", 0)),
                     "joined_by_name_and_card_ending": int(report.get("subjects_joined_by_name_and_card_ending", 0)),
                     "joined_by_first_name_and_address": int(report.get("subjects_joined_by_first_name_and_address", 0))},
        "unscored_findings": dict(unscored), "occurrences": occurrences,
    }
    sizes = [len(v) for v in subject_people.values()]
    result["linking"] = {
        "subjects_with_findings": len(subject_people),
        "holding_one_person": sum(1 for n in sizes if n == 1),
        "holding_several_people": sum(1 for n in sizes if n > 1),
        "people_in_shared_subjects": sum(n for n in sizes if n > 1),
        "largest_subject_people": max(sizes, default=0),
        "holding_no_true_person": sum(1 for n in sizes if n == 0),
        "people_split_over_several_subjects": sum(1 for v in person_subjects.values() if len(v) > 1),
        "people_in_no_subject": truth_subjects - len(person_subjects),
        "holding_several_people_by_identifiers": sum(1 for v in subject_people_by_ids.values() if len(v) > 1),
        "people_in_shared_subjects_by_identifiers": sum(len(v) for v in subject_people_by_ids.values() if len(v) > 1),
        "people_split_by_identifiers": sum(1 for v in person_subjects_by_ids.values() if len(v) > 1),
    }
    if args.breakdown:
        bd = {}
        for cat in CATEGORIES:
            groups = sorted({top(k[0]) for k in all_t | all_f if k[1] == cat})
            for g in groups:
                t = {k for k in all_t if k[1] == cat and top(k[0]) == g}
                fnd = {k for k in all_f if k[1] == cat and top(k[0]) == g}
                hit = len(t & fnd)
                bd.setdefault(cat, {})[g] = {"planted": len(t), "found": len(fnd), "true_positives": hit}
        result["breakdown"] = bd
    if args.examples:
        ex = {}
        for cat in CATEGORIES:
            missed = sorted(k for k in all_t - all_f if k[1] == cat)
            fps = sorted(k for k in all_f - all_t if k[1] == cat)
            step_m = max(1, len(missed) // args.examples)
            step_f = max(1, len(fps) // args.examples)
            ex[cat] = {"missed": [[k[0], k[2]] for k in missed[::step_m][:args.examples]],
                       "false_positives": [[k[0], k[2]] for k in fps[::step_f][:args.examples]]}
        result["examples"] = ex

    if args.json:
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
        print()
        return
    files = report.get("files", {})
    print(f"held-out leak {args.leak}: scanned {files.get('scanned')} files "
          f"(skipped {files.get('skipped')}, failed {files.get('failed')}) in {elapsed:.2f} s; "
          f"customer-number pattern: {args.customer_number or 'none'}"
          + ("; shared values excluded" if args.exclude_shared else ""))
    print("(counted per file, category and distinct value; 'shared' = of those, values of no "
          "subject: role mailboxes, switchboards, the company's IBAN/address)\n")
    print("| category | planted | found | precision | recall | shared planted / found |")
    print("|---|---:|---:|---:|---:|---:|")
    for cat in CATEGORIES:
        r = rows[cat]
        print(f"| {cat} | {r['planted']} | {r['found']} | {r['precision']:.3f} | {r['recall']:.3f} | "
              f"{r['planted_shared']} / {r['found_shared']} |")
    print(f"| **all** | {total['planted']} | {total['found']} | {total['precision']:.3f} | "
          f"{total['recall']:.3f} | |")
    print(f"\ndistinct data subjects: found {found_subjects}, truth {truth_subjects}, error {error:+.1f} %")
    print(f"possibly counted twice (a payment identifier with a name another subject has): {twice}; "
          f"lower end {found_subjects - twice}, error {lower_error:+.1f} %")
    joins = result["subjects"]
    print(f"joined by the scanner's weaker rules (each a subject more, were it another person): by a "
          f"number read as the other country's {joins['joined_by_a_number_read_again']}, by a name and a "
          f"masked card's ending {joins['joined_by_name_and_card_ending']}, by a first name with an address "
          f"{joins['joined_by_first_name_and_address']}")
    ln = result["linking"]
    print(f"linking: {ln['subjects_with_findings']} subjects in the findings; {ln['holding_one_person']} hold one "
          f"true person, {ln['holding_several_people']} hold several ({ln['people_in_shared_subjects']} people, the "
          f"largest {ln['largest_subject_people']}), {ln['holding_no_true_person']} hold only false positives; "
          f"{ln['people_split_over_several_subjects']} people are split over several subjects, "
          f"{ln['people_in_no_subject']} are in none")
    print(f"  by identifiers other than names, each one person's in its file (a record also names others, "
          f"a household shares an address): "
          f"{ln['holding_several_people_by_identifiers']} subjects hold several people "
          f"({ln['people_in_shared_subjects_by_identifiers']} people); "
          f"{ln['people_split_by_identifiers']} people are split over several")
    if unscored:
        print("other categories found (not scored): "
              + ", ".join(f"{c} {n}" for c, n in sorted(unscored.items())))
    if args.breakdown:
        print("\n| category | folder | planted | found | precision | recall |")
        print("|---|---|---:|---:|---:|---:|")
        for cat, groups in result["breakdown"].items():
            for g, r in groups.items():
                p = r["true_positives"] / r["found"] if r["found"] else 1.0
                rc = r["true_positives"] / r["planted"] if r["planted"] else 1.0
                print(f"| {cat} | {g} | {r['planted']} | {r['found']} | {p:.3f} | {rc:.3f} |")
    if args.examples:
        for cat, e in result["examples"].items():
            for kind in ("missed", "false_positives"):
                for file, value in e[kind]:
                    print(f"{cat}\t{kind}\t{file}\t{value}")


if __name__ == "__main__":
    main()
