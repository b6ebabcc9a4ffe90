#!/usr/bin/env python3
"""Writes the scanner's own rule patterns (data/rules.toml) as a ripgrep patterns file, one per
line, for the speed comparison of issue 20: ripgrep counts the same categories with the same
expressions (ASCII word boundaries `(?-u:\\b)`, as the rules are written) that the scanner
confirms, validates and links.

    python3 rg_patterns.py > /tmp/patterns
    rg --no-ignore -j2 --count-matches -f /tmp/patterns LEAK
"""
import pathlib
import tomllib

RULES = pathlib.Path(__file__).resolve().parents[2] / "data" / "rules.toml"
# The categories ripgrep can count by a pattern alone; the others (date of birth, credential,
# health) are context rules the brief does not score.
CATEGORIES = ["national_id", "payment_card", "iban", "email", "phone", "ip_address",
              "person_name", "postal_address"]

rules = {r["category"]: r["pattern"] for r in tomllib.loads(RULES.read_text())["rule"]}
for c in CATEGORIES:
    pattern = rules[c]
    assert "\n" not in pattern, c
    print(pattern)
