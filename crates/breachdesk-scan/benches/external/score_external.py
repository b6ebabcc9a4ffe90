"""Scores `breachdesk scan` on the leak `presidio_sentences.py` wrote.

    score_external.py --leak DIR/leak --scanner target/release/breachdesk [--examples N] [--json]

Runs `SCANNER scan DIR/leak --json --reveal --findings TMP` and compares per (file, category,
value) with DIR/truth.tsv, leaving out what DIR/ignore.tsv lists. Values are compared as
heldout/score.py compares them (lower case, without blanks, commas and hyphens), except phones,
which both sides give as their national significant number (libphonenumber's reading of the
scanner's E.164 value), since the leak writes most numbers without a country; a number the
scanner gives as national digits (no country known) is the planted one its digits end with.

Names and addresses are also scored by overlap: a planted value counts as found when a finding
of its category in the same file (of 100 sentences: so this runs high) contains it or lies within it (the scanner reads `Maija
Virtanen` where the leak says `Mrs. Maija Virtanen`, an address with its town where the
generator's span ends at the street). Exact figures are the ones to quote; overlap shows how much
of the difference is where a value begins and ends.
"""

import argparse
import collections
import json
import pathlib
import subprocess
import sys
import tempfile

import phonenumbers

CATEGORIES = ("email", "iban", "ip_address", "payment_card", "person_name", "phone", "postal_address")


def comparable(category, value):
    if category == "phone":
        digits = "".join(c for c in value if c.isdigit())
        if value.startswith("+"):
            try:
                return phonenumbers.national_significant_number(phonenumbers.parse(value))
            except phonenumbers.NumberParseException:
                return digits
        return digits
    return "".join(c for c in value.lower() if not (c.isspace() or c in ",-"))


def read(path):
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        out.add((parts[0], parts[1], comparable(parts[1], parts[2])))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--leak", required=True, type=pathlib.Path)
    ap.add_argument("--scanner", required=True, type=pathlib.Path)
    ap.add_argument("--examples", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    side = args.leak.resolve().parent
    truth = read(side / "truth.tsv")
    ignore = read(side / "ignore.tsv")
    # An ignored phone is written as the text has it (`0380 7558505`): a finding is that number
    # when the digits written end with the finding's national significant number.
    truth_phones = collections.defaultdict(list)
    for k in truth:
        if k[1] == "phone":
            truth_phones[k[0]].append(k)
    ignored_phones = collections.defaultdict(list)
    for file, cat, digits in ignore:
        if cat == "phone":
            ignored_phones[file].append(digits)

    with tempfile.TemporaryDirectory(prefix="external-score-") as tmp:
        findings_path = pathlib.Path(tmp) / "findings.jsonl"
        cmd = [str(args.scanner), "scan", str(args.leak), "--json", "--reveal", "--findings", str(findings_path)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"score_external.py: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
        found = set()
        for line in findings_path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            x = json.loads(line)
            if x["category"] not in CATEGORIES:
                continue
            key = (x["file"], x["category"], comparable(x["category"], x["value"]))
            if x["category"] == "phone" and not x["value"].startswith("+"):
                # A national number the scanner could give no country (its digits as written,
                # trunk prefix and all): the planted number whose national significant number
                # those digits end with.
                key = next((k for k in truth_phones[x["file"]] if len(k[2]) >= 6 and key[2].endswith(k[2])),
                           (key[0], key[1], key[2].lstrip("0")))
            if key in ignore or (x["category"] == "phone" and len(key[2]) >= 6 and any(
                    d.endswith(key[2]) for d in ignored_phones[x["file"]])):
                continue
            found.add(key)

    rows = {}
    for cat in CATEGORIES:
        t = {k for k in truth if k[1] == cat}
        f = {k for k in found if k[1] == cat}
        tp = len(t & f)
        row = {"planted": len(t), "found": len(f), "precision": tp / len(f) if f else 1.0,
               "recall": tp / len(t) if t else 1.0}
        if cat in ("person_name", "postal_address"):
            by_file = collections.defaultdict(list)
            for k in f:
                by_file[k[0]].append(k[2])
            t_by_file = collections.defaultdict(list)
            for k in t:
                t_by_file[k[0]].append(k[2])
            hit = sum(1 for k in t if any(k[2] in v or v in k[2] for v in by_file[k[0]]))
            good = sum(1 for k in f if any(k[2] in v or v in k[2] for v in t_by_file[k[0]]))
            row["overlap_recall"] = hit / len(t) if t else 1.0
            row["overlap_precision"] = good / len(f) if f else 1.0
        if args.examples:
            row["missed_examples"] = sorted(k[2] for k in t - f)[: args.examples]
            row["false_positive_examples"] = sorted(k[2] for k in f - t)[: args.examples]
        rows[cat] = row
    if args.json:
        print(json.dumps({"command": cmd, "categories": rows}, indent=1, ensure_ascii=False))
        return
    print(f"{'category':<16}{'planted':>8}{'found':>8}{'precision':>10}{'recall':>8}   overlap p / r")
    for cat, r in rows.items():
        extra = (f"   {r['overlap_precision']:.3f} / {r['overlap_recall']:.3f}"
                 if "overlap_recall" in r else "")
        print(f"{cat:<16}{r['planted']:>8}{r['found']:>8}{r['precision']:>10.3f}{r['recall']:>8.3f}{extra}")
        for k in ("missed_examples", "false_positive_examples"):
            if k in r and r[k]:
                print(f"   {k}: {r[k]}")


if __name__ == "__main__":
    main()
