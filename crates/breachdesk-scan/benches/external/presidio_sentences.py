"""A labelled leak made by someone else: Microsoft's presidio-evaluator sentence generator.

    presidio_sentences.py --out DIR/leak --sentences N [--seed S] [--per-file K] [--locale L]

Runs `presidio_evaluator.data_generator.PresidioSentenceFaker` (presidio-evaluator 0.3.2 from PyPI,
MIT licence) with the settings of its own README (`lower_case_ratio=0.05`, its 209 templates, its
3,000 fake people from FakeNameGenerator.com and its entity providers), and writes:

    DIR/leak/sentences-NNN.txt   K sentences a file, one paragraph each (a blank line between)
    DIR/truth.tsv                file TAB category TAB value TAB sentence number (heldout/score.py's format)
    DIR/ignore.tsv               phone numbers that libphonenumber (the `phonenumbers` port) finds
                                 invalid in every region below, and IPv6 addresses: not counted
                                 either way
    DIR/subjects.txt             the number of sentences (each is about one made-up person; the
                                 generator draws people with replacement, so this is NOT the number
                                 of people, and the subject error of score.py means nothing here)

What this script decides, and nothing else: which of the generator's entity types are which of the
scanner's categories, and the value each is compared by.

- Names (person, first_name, last_name …) -> person_name; a first and a last name with only a
  blank between are one name.
- email -> email; credit_card_number -> payment_card (digits); iban -> iban (compact).
- phone_number -> phone, compared by its national significant number, when libphonenumber reads it
  as a valid number of a Nordic, EU or North American region; else ignored (the country the
  scanner gives a number is not scored: a number written nationally has none in the text).
- ip_address -> ip_address when it is IPv4 (the scanner reads IPv4 only), else ignored.
- address (a whole address) -> postal_address as written; a street name, building number, flat
  or postcode alone is not scored.
- The rest (dates, ages, SSNs, driver's licences, organisations, places, titles, URLs) are no
  category the scanner scores; a finding of another category is not scored.
"""

import argparse
import ipaddress
import pathlib
import random
import re

import phonenumbers
from presidio_evaluator.data_generator import PresidioSentenceFaker  # noqa: I001

# The Nordic countries, the rest of the EU and North America (issue 20's phone target).
REGIONS = ["US", "CA", "FI", "SE", "NO", "DK", "IS", "DE", "FR", "NL", "BE", "LU", "IT", "ES", "PT",
           "IE", "GB", "AT", "CH", "PL", "CZ", "SK", "HU", "SI", "HR", "RO", "BG", "GR", "CY", "MT",
           "EE", "LV", "LT"]

# The generator's own entity types (its spans keep them: the script passes a mapping of each type
# to itself) and the scanner's category of each; parts of an address alone (a street name, a
# building number, a flat, a postcode) are no address the scanner reports and are not scored.
CATEGORY = {
    **{t: "person_name" for t in (
        "person", "name", "name_female", "name_male", "first_name", "first_name_male",
        "first_name_female", "first_name_nonbinary", "last_name", "last_name_male",
        "last_name_female")},
    "email": "email",
    "credit_card_number": "payment_card",
    "credit_card": "payment_card",
    "iban": "iban",
    "phone_number": "phone",
    "ip_address": "ip_address",
    "address": "postal_address",
}


def runs(text, spans):
    """The scored values of a sentence: a name's parts next to each other (a first name, blanks,
    a last name) are one name; names separated by anything else (`A, B and C`) stay apart."""
    out = []
    for s in sorted(spans, key=lambda s: s.start_position):
        cat = CATEGORY.get(s.entity_type)
        if cat is None:
            continue
        if (out and out[-1][0] == cat == "person_name"
                and text[out[-1][2]:s.start_position] in (" ", "\t")):
            out[-1][2] = s.end_position
        else:
            out.append([cat, s.start_position, s.end_position])
    return [(cat, text[a:b]) for cat, a, b in out]


def value(cat, raw):
    """The compared value, or None when the value is ignored."""
    if cat == "phone":
        # The generator's people come from many countries and write their numbers nationally
        # (`06-82237745`): a number is a phone when libphonenumber finds it valid in one of the
        # regions the issue names, and it is compared by its national significant number (the
        # country the scanner gives it is not scored).
        for region in REGIONS:
            try:
                n = phonenumbers.parse(raw, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(n):
                return phonenumbers.national_significant_number(n)
        return None
    if cat == "ip_address":
        try:
            return raw if ipaddress.ip_address(raw).version == 4 else None
        except ValueError:
            return None
    if cat == "payment_card":
        return re.sub(r"\D", "", raw)
    if cat == "iban":
        return re.sub(r"\s", "", raw).upper()
    if cat == "email":
        return raw.lower()
    # Names and addresses as written, on one line.
    return " ".join(raw.split())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    ap.add_argument("--sentences", type=int, default=3000)
    ap.add_argument("--per-file", type=int, default=100)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--locale", default="en")
    ap.add_argument("--templates", choices=("all", "even", "odd", "odd-a", "odd-b"), default="all",
                    help="the generator's templates by their index in its file (from 0): the even "
                         "ones and odd-a (1 mod 4) for looking at misses, odd-b (3 mod 4) held out "
                         "for reporting; odd is both quarters")
    args = ap.parse_args()

    random.seed(args.seed)
    from presidio_evaluator.data_generator import presidio_templates_file_path

    templates = [t.strip() for t in presidio_templates_file_path.read_text().splitlines()]
    if args.templates != "all":
        start, step = {"even": (0, 2), "odd": (1, 2), "odd-a": (1, 4), "odd-b": (3, 4)}[args.templates]
        templates = templates[start::step]
    own_types = {t: t for t in PresidioSentenceFaker.ENTITY_TYPE_MAPPING}
    faker = PresidioSentenceFaker(args.locale, lower_case_ratio=0.05, random_seed=args.seed,
                                  sentence_templates=templates, entity_type_mapping=own_types)
    samples = faker.generate_new_fake_sentences(args.sentences)

    args.out.mkdir(parents=True, exist_ok=False)
    side = args.out.parent
    truth, ignore = [], []
    counts = {}
    for first in range(0, len(samples), args.per_file):
        name = f"sentences-{first // args.per_file:03}.txt"
        paragraphs = []
        for i, s in enumerate(samples[first:first + args.per_file], start=first):
            # A paragraph is the scanner's record: a sentence's own line breaks (the generator's
            # addresses have them) stay, blank lines inside it do not.
            text = re.sub(r"\n\s*\n", "\n", s.full_text.strip())
            spans = runs(s.full_text, s.spans)
            paragraphs.append(text)
            for cat, raw in spans:
                v = value(cat, raw)
                if v is None:
                    ignore.append(f"{name}\t{cat}\t{' '.join(raw.split())}")
                    counts[cat + " ignored"] = counts.get(cat + " ignored", 0) + 1
                else:
                    truth.append(f"{name}\t{cat}\t{v}\t{i}")
                    counts[cat] = counts.get(cat, 0) + 1
        (args.out / name).write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (side / "truth.tsv").write_text("\n".join(truth) + "\n", encoding="utf-8")
    (side / "ignore.tsv").write_text("\n".join(ignore) + "\n", encoding="utf-8")
    (side / "subjects.txt").write_text(f"{len(samples)}\n")
    for k in sorted(counts):
        print(f"{k}\t{counts[k]}")


if __name__ == "__main__":
    main()
