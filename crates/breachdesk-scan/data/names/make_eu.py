"""Writes eu-first.txt and eu-last.txt in this folder from Faker's person providers.

    python3 -m venv /tmp/pev && /tmp/pev/bin/pip install faker==40.63.0
    /tmp/pev/bin/python make_eu.py

Faker (MIT) gathers the given names and surnames of each locale from that country's name
statistics (its providers' comments name the sources). Kept: one word or a hyphenated pair, in
Latin letters, three letters or more, capitalised; less what fi-, sv- and en-*.txt already hold.
Not part of the build or of CI: the lists are committed.
"""

import importlib
import pathlib
import textwrap
import unicodedata

import faker

LOCALES = ["da_DK", "no_NO", "is_IS", "et_EE", "lv_LV", "lt_LT", "de_DE", "de_AT", "de_CH", "de_LU",
           "fr_FR", "fr_BE", "fr_CH", "fr_CA", "nl_NL", "nl_BE", "it_IT", "es_ES", "pt_PT", "ga_IE",
           "en_IE", "en_GB", "en_US", "pl_PL", "cs_CZ", "sk_SK", "hu_HU", "sl_SI", "hr_HR",
           "ro_RO", "el_GR", "bg_BG"]
HERE = pathlib.Path(__file__).parent


def latin(name):
    return all(c in "-'’" or unicodedata.name(c, "").startswith("LATIN") for c in name)


def kept(name):
    return (latin(name) and " " not in name and len(name) >= 3 and name[0].isupper()
            and name[1:].replace("-", "").replace("'", "").isalpha())


def listed(path):
    return {l.strip() for l in path.read_text(encoding="utf-8").splitlines()
            if l.strip() and not l.startswith("#")}


def main():
    found = {"first": set(), "last": set()}
    for loc in LOCALES:
        provider = importlib.import_module("faker.providers.person." + loc).Provider
        for attr in ("first_names", "first_names_male", "first_names_female",
                     "last_names", "last_names_male", "last_names_female"):
            into = found["first" if attr.startswith("first") else "last"]
            into |= {n.strip() for n in (getattr(provider, attr, None) or ()) if kept(n.strip())}
    for kind, word in (("first", "Given names"), ("last", "Surnames")):
        have = set().union(*(listed(HERE / f"{lang}-{kind}.txt") for lang in ("fi", "sv", "en")))
        names = sorted(found[kind] - have)
        about = (f"{word} of the other Nordic countries, the rest of the EU and the EEA, the UK, "
                 f"Switzerland and North America: the {word.lower()} of Faker's person providers "
                 f"(MIT; Faker {faker.VERSION}) for the locales {' '.join(LOCALES)}, which their "
                 "sources give as the common names of those countries' name statistics; one word "
                 f"in Latin letters, three letters or more, less those in fi-, sv- and "
                 f"en-{kind}.txt. Made by `make_eu.py` in this folder. One name per line, sorted; "
                 "lines starting with # are comments.")
        header = "".join(f"# {line}\n" for line in textwrap.wrap(about, 96))
        (HERE / f"eu-{kind}.txt").write_text(header + "\n".join(names) + "\n", encoding="utf-8")
        print(f"eu-{kind}.txt: {len(names)} names")


if __name__ == "__main__":
    main()
