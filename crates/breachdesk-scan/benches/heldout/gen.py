#!/usr/bin/env python3
"""Held-out labelled leak generator for `breachdesk scan` (standard library only).

Writes a leak directory whose layouts, people and look-alikes were made independently of the
scanner and of its own accuracy bench (benches/accuracy.rs, benches/synth/mod.rs), and the list
of every planted value, so that score.py can measure the scanner on data it was not built from.

    gen.py --out /tmp/heldout/leak --people 2000 --seed 1 [--size-mib 1024] [--truth FILE]

Writes:
  OUT/...                      the leak (CSV, mail, JSON, logs, notes, SQL dumps, HTML, vCards ...)
  OUT/../truth.tsv             every planted value: file TAB category TAB value TAB subject_id
                               (or --truth FILE)
  OUT/../subjects.txt          the true number of distinct data subjects (people) in the leak
  OUT/../ignore.tsv            personal data the scanner's categories do not cover (Swedish
                               personnummer): neither a hit nor a false positive when found

Names come from names/*.txt (written for this generator); every entry that the scanner's own
lists (crates/breachdesk-scan/data/names/*.txt) or the Rust bench's synth names hold is dropped
at start-up (case-insensitive; a hyphenated name also when one of its parts is held), the count
is printed, and disjointness is asserted before anything is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import random
import re
import sys
import unicodedata
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

HERE = pathlib.Path(__file__).resolve().parent
SCAN_CRATE = HERE.parent.parent
SCANNER_NAME_DIR = SCAN_CRATE / "data" / "names"
SYNTH_RS = SCAN_CRATE / "benches" / "synth" / "mod.rs"

CATEGORIES = (
    "email", "iban", "ip_address", "national_id", "payment_card", "person_name", "phone",
    "postal_address", "customer_number",
)

TRUTH_HEADER = """\
# BreachDesk held-out labelled leak (benches/heldout/gen.py): every planted value, one per line.
# columns: file<TAB>category<TAB>value<TAB>subject_id
# file: path relative to the leak directory, '/'-separated, as `breachdesk scan --findings` names
#   it (a mail attachment: 'mail/x.eml!name.csv').
# category: the scanner's category ids: email, iban, ip_address, national_id (Finnish
#   henkilötunnus only), payment_card, person_name, phone, postal_address, customer_number.
# value: e-mail lower case; phone in E.164 (+358…, whatever the file wrote); card and customer
#   number digits only; IBAN compact, upper case; henkilötunnus upper case; person_name and
#   postal_address as written in the file, except that tables, JSON, SQL rows and vCards give a
#   name as first (middle) last and an address as street postcode city (as the scanner and
#   benches/accuracy.rs compose columns).
# subject_id: the data subject (Sxxxxx). EMPTY for shared values that are no one person's: role
#   mailboxes (info@, asiakaspalvelu@, kundtjanst@, varaukset@ …), switchboard and service
#   numbers, the company's own bank account and street address. They are planted values of their
#   category all the same (score.py --exclude-shared leaves them out) and never make a subject.
# Compare as score.py does (the rule of benches/accuracy.rs): per (file, category, distinct
# value), value lower-cased with whitespace, ',' and '-' removed, and a phone's leading '+'.
"""

# --------------------------------------------------------------------------------------------
# Names


def read_list(path: pathlib.Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def scanner_names() -> set[str]:
    names: set[str] = set()
    for f in sorted(SCANNER_NAME_DIR.glob("*.txt")):
        names |= {n.casefold() for n in read_list(f)}
    if not names:
        sys.exit(f"gen.py: no scanner name lists found in {SCANNER_NAME_DIR}")
    return names


def synth_names() -> set[str]:
    """The names of the Rust bench's generator (FIRST_*/LAST_* in benches/synth/mod.rs)."""
    if not SYNTH_RS.exists():
        return set()
    src = SYNTH_RS.read_text(encoding="utf-8")
    out: set[str] = set()
    for m in re.finditer(r"const (?:FIRST|LAST)_\w+: &\[&str\] = &\[(.*?)\];", src, re.S):
        out |= {s.casefold() for s in re.findall(r'"([^"]+)"', m.group(1))}
    return out


NAME_LISTS = ("fi-first", "fi-last", "sv-first", "sv-last", "en-first", "en-last",
              "eu-first", "eu-last")


def load_names(quiet: bool) -> dict[str, list[str]]:
    banned = scanner_names() | synth_names()

    def clashes(name: str) -> bool:
        return name.casefold() in banned or any(
            p.casefold() in banned for p in re.split(r"[-\s]", name) if p)

    lists: dict[str, list[str]] = {}
    report = []
    for key in NAME_LISTS:
        names = read_list(HERE / "names" / f"{key}.txt")
        keep = sorted({n for n in names if not clashes(n)})
        report.append(f"{key} {len(names) - len(keep)}/{len(names)}")
        lists[key] = keep
    # The promise of the held-out set: no entry in common with what the scanner ships.
    for key, names in lists.items():
        common = {n.casefold() for n in names} & banned
        assert not common, f"{key} shares {sorted(common)} with the scanner's lists"
        assert len(names) >= 60, f"{key}: only {len(names)} names left after filtering"
    if not quiet:
        print("names excluded as shared with the scanner's lists or the synth bench: "
              + ", ".join(report), file=sys.stderr)
    return lists


def ascii_fold(s: str) -> str:
    s = s.replace("ß", "ss").replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("æ", "ae")
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")


# --------------------------------------------------------------------------------------------
# Places, numbering plans

# (postcode, city, Finnish area code)
FI_PLACES = [
    ("00100", "Helsinki", "9"), ("00180", "Helsinki", "9"), ("00530", "Helsinki", "9"),
    ("00710", "Helsinki", "9"), ("00940", "Helsinki", "9"), ("02100", "Espoo", "9"),
    ("02230", "Espoo", "9"), ("01300", "Vantaa", "9"), ("01600", "Vantaa", "9"),
    ("33100", "Tampere", "3"), ("33540", "Tampere", "3"), ("20100", "Turku", "2"),
    ("20810", "Turku", "2"), ("40100", "Jyväskylä", "14"), ("70100", "Kuopio", "17"),
    ("90100", "Oulu", "8"), ("90570", "Oulu", "8"), ("15100", "Lahti", "3"),
    ("53100", "Lappeenranta", "5"), ("48100", "Kotka", "5"), ("28100", "Pori", "2"),
    ("65100", "Vaasa", "6"), ("80100", "Joensuu", "13"), ("96100", "Rovaniemi", "16"),
    ("13100", "Hämeenlinna", "3"), ("50100", "Mikkeli", "15"), ("60100", "Seinäjoki", "6"),
    ("05800", "Hyvinkää", "19"), ("04400", "Järvenpää", "9"), ("06100", "Porvoo", "19"),
    ("08100", "Lohja", "19"), ("11100", "Riihimäki", "19"), ("68600", "Pietarsaari", "6"),
    ("10600", "Tammisaari", "19"),
]
FI_STREETS = [
    "Kalevankatu", "Fredrikinkatu", "Runeberginkatu", "Topeliuksenkatu", "Sturenkatu",
    "Mäkelänkatu", "Tehtaankatu", "Museokatu", "Kasarmikatu", "Satamakatu", "Kauppakatu",
    "Kirkkokatu", "Koulukatu", "Asemakatu", "Rautatienkatu", "Yliopistonkatu", "Hallituskatu",
    "Läntinen Pitkäkatu", "Vanha Turuntie", "Otaniementie", "Tapiolantie", "Myyrmäentie",
    "Peltolantie", "Pihlajakuja", "Kuusikuja", "Katajapolku", "Mäntypolku", "Haapatie",
    "Kielotie", "Sireenitie", "Vaahterakuja", "Tammirinne", "Pajumäki", "Kotiranta", "Harjukatu",
    "Ojakatu", "Metsolantie", "Aurinkorinne", "Kuutamokuja", "Sammonkatu", "Satakunnankatu",
    "Itsenäisyydenkatu", "Hatanpään valtatie", "Puijonkatu", "Kauppurienkatu", "Isokatu",
    "Torikatu", "Kirkkopuistikko", "Hovioikeudenpuistikko", "Linnankatu", "Maariankatu",
    "Aurakatu", "Humalistonkatu", "Eerikinkatu", "Puutarhakatu", "Sibeliuksenkatu", "Väinönkatu",
    "Kilpisenkatu", "Rovakatu", "Koskikatu", "Valtakatu", "Raatimiehenkatu", "Vesijärvenkatu",
    "Lönnrotinkatu", "Hietalahdenranta", "Ruoholahdenkatu", "Lauttasaarentie", "Tiilimäki",
    "Kalliolanrinne", "Merikannontie", "Ratapihantie", "Viikinkaari", "Porthaninrinne",
    "Siltasaarenkatu", "Rantaraitti", "Kuusiniemi", "Keskusaukio", "Toinen linja",
    "Kanervaraitti", "Lehtotie", "Riihitie", "Nummikuja", "Honkaväylä", "Soukanniemi",
]
SE_PLACES = [
    ("111 22", "Stockholm", "8"), ("113 45", "Stockholm", "8"), ("116 28", "Stockholm", "8"),
    ("118 20", "Stockholm", "8"), ("171 65", "Solna", "8"), ("411 03", "Göteborg", "31"),
    ("413 14", "Göteborg", "31"), ("211 20", "Malmö", "40"), ("214 21", "Malmö", "40"),
    ("753 20", "Uppsala", "18"), ("582 22", "Linköping", "13"), ("722 11", "Västerås", "21"),
    ("702 10", "Örebro", "19"), ("903 26", "Umeå", "90"), ("222 21", "Lund", "46"),
    ("252 21", "Helsingborg", "42"), ("352 30", "Växjö", "470"), ("831 30", "Östersund", "63"),
    ("972 31", "Luleå", "920"), ("803 20", "Gävle", "26"),
]
SE_STREETS = [
    "Drottninggatan", "Sveavägen", "Götgatan", "Hornsgatan", "Vasagatan", "Linnégatan",
    "Ringvägen", "Strandvägen", "Östra Hamngatan", "Södra Förstadsgatan", "Järntorgsgatan",
    "Fjällgatan", "Bondegatan", "Karlavägen", "Valhallavägen", "Åsögatan", "Skolgatan",
    "Tegnérgatan", "Sankt Eriksgatan", "Torsgatan", "Dalagatan", "Fleminggatan",
    "Hantverkargatan", "Slottsbacken", "Björkbacken", "Ekstigen", "Tallstigen", "Lingonstigen",
    "Granvägen", "Stora Nygatan", "Kopparbergsvägen", "Lundavägen", "Amiralsgatan",
    "Davidshallsgatan", "Rosenlundsgatan", "Mäster Samuelsgatan", "Övre Husargatan",
]
# (zip, city, state, area codes)
US_PLACES = [
    ("10001", "New York", "NY", ["212", "646", "917"]), ("11215", "Brooklyn", "NY", ["718", "347"]),
    ("94103", "San Francisco", "CA", ["415", "628"]), ("98101", "Seattle", "WA", ["206"]),
    ("98052", "Redmond", "WA", ["425"]), ("60601", "Chicago", "IL", ["312", "773"]),
    ("02108", "Boston", "MA", ["617"]), ("80202", "Denver", "CO", ["303", "720"]),
    ("78701", "Austin", "TX", ["512"]), ("20001", "Washington", "DC", ["202"]),
    ("77002", "Houston", "TX", ["713", "832"]), ("33130", "Miami", "FL", ["305", "786"]),
    ("30303", "Atlanta", "GA", ["404", "678"]), ("55401", "Minneapolis", "MN", ["612"]),
    ("97204", "Portland", "OR", ["503", "971"]), ("89101", "Las Vegas", "NV", ["702"]),
    ("19107", "Philadelphia", "PA", ["215", "267"]), ("48226", "Detroit", "MI", ["313"]),
]
CA_PLACES = [
    ("M5H 1K5", "Toronto", "ON", ["416", "647"]), ("M4W 1A8", "Toronto", "ON", ["416"]),
    ("V6B 1A1", "Vancouver", "BC", ["604", "778"]), ("H2X 1Y4", "Montréal", "QC", ["514", "438"]),
    ("K1P 5J2", "Ottawa", "ON", ["613"]), ("T2P 1J9", "Calgary", "AB", ["403"]),
]
US_STREETS = [
    "Maple Avenue", "Oak Street", "Elm Street", "Cedar Lane", "Washington Boulevard",
    "Lakeview Drive", "Pine Ridge Road", "Willow Court", "Highland Avenue", "Magnolia Way",
    "Chestnut Street", "Sycamore Drive", "Hillcrest Road", "Main Street", "Market Street",
    "Spring Street", "Prospect Place", "Riverside Drive", "Orchard Lane", "Franklin Avenue",
]
CA_STREETS = ["Queen Street West", "King Street East", "Granville Street", "Rue Saint-Denis",
              "Bank Street", "Yonge Street", "Robson Street"]
DE_PLACES = [("10115", "Berlin", "30"), ("10437", "Berlin", "30"), ("80331", "München", "89"),
             ("20095", "Hamburg", "40"), ("50667", "Köln", "221"), ("60311", "Frankfurt am Main", "69"),
             ("04109", "Leipzig", "341"), ("70173", "Stuttgart", "711")]
DE_STREETS = ["Lindenstraße", "Goethestraße", "Schillerstraße", "Hauptstraße", "Bahnhofstraße",
              "Gartenweg", "Rosenweg", "Kastanienallee", "Bergstraße", "Friedrichstraße",
              "Mozartstraße", "Am Markt", "Kirchplatz"]
FR_PLACES = [("75011", "Paris", "1"), ("75015", "Paris", "1"), ("69002", "Lyon", "4"),
             ("13001", "Marseille", "4"), ("33000", "Bordeaux", "5"), ("59000", "Lille", "3"),
             ("44000", "Nantes", "2"), ("67000", "Strasbourg", "3")]
FR_STREETS = ["rue de la République", "avenue Victor Hugo", "boulevard Voltaire", "rue des Lilas",
              "place Bellecour", "rue Sainte-Catherine", "quai de la Fosse", "rue du Faubourg",
              "allée des Tilleuls"]

EMAIL_DOMAINS = {
    "fi": ["koti.example", "posti.example", "sahkoposti.example", "netti.example", "example.com",
           "kolumbus.example"],
    "sv": ["mejl.example", "brev.example", "bredband.example", "example.com", "post.example"],
    "en": ["inbox.example", "mail.example", "example.com", "example.net", "example.org",
           "webmail.example"],
    "de": ["gmx.example", "web.example", "example.com"],
    "fr": ["laposte.example", "orange.example", "example.com"],
}

COMPANY = {
    "name": "Kauppahuone Lumo Oy",
    "domain": "lumo.example",
    "street": "Teollisuuskatu 21", "postcode": "00510", "city": "Helsinki",
}
# Shared values: belong to no data subject.
ROLE_MAILBOXES_LISTED = ["info", "asiakaspalvelu", "kundtjanst", "support", "noreply", "laskutus"]
ROLE_MAILBOXES_OTHER = ["varaukset", "palaute", "helpdesk", "verkkokauppa", "orders", "reception"]
SWITCHBOARDS = {
    # shown form, E.164
    "fi_vaihde": ("09 612 9900", "+35896129900"),
    "fi_service": ("0800 961 234", "+358800961234"),
    "se_vaxel": ("08-519 440 00", "+46851944000"),
    "us_office": ("(646) 555-0142", "+16465550142"),
}

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


# --------------------------------------------------------------------------------------------
# Check digits


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(s: str) -> bool:
    return luhn_digit(s[:-1]) == s[-1]


def iban_of(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    num = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{country}{98 - num % 97:02d}{bban}"


def iban_ok(iban: str) -> bool:
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


def ean13(rng: random.Random, prefix: str = "64") -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(12 - len(prefix)))
    s = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body))
    return body + str((10 - s % 10) % 10)


def fi_reference(rng: random.Random, n: int) -> str:
    """A Finnish bank reference number (viitenumero): digits + 7-3-1 check digit."""
    body = str(rng.randrange(10 ** (n - 2), 10 ** (n - 1)))
    weights = [7, 3, 1]
    s = sum(int(c) * weights[i % 3] for i, c in enumerate(reversed(body)))
    return body + str((10 - s % 10) % 10)


# --------------------------------------------------------------------------------------------
# People


def se_group(s: str) -> str:
    """Swedish grouping of a subscriber number: 123 45, 12 34 56, 123 45 67, 123 456 78."""
    return {5: f"{s[:3]} {s[3:]}", 6: f"{s[:2]} {s[2:4]} {s[4:]}",
            7: f"{s[:3]} {s[3:5]} {s[5:]}"}.get(len(s), f"{s[:3]} {s[3:6]} {s[6:]}")


class Phone:
    """A telephone number: country code, national area/prefix (no trunk 0), subscriber digits."""

    __slots__ = ("cc", "area", "sub", "kind", "e164")

    def __init__(self, cc: str, area: str, sub: str, kind: str):
        self.cc, self.area, self.sub, self.kind = cc, area, sub, kind
        self.e164 = f"+{cc}{area}{sub}"

    def national(self, rng: random.Random) -> str:
        a, s = self.area, self.sub
        if self.cc == "358":
            if self.kind == "mobile":
                return rng.choice([f"0{a} {s[:3]} {s[3:]}", f"0{a}{s}", f"0{a}-{s}",
                                   f"0{a}{s[0]} {s[1:4]} {s[4:]}", f"0{a} {s[:3]} {s[3:5]} {s[5:]}"])
            return rng.choice([f"0{a} {s[:3]} {s[3:]}", f"(0{a}) {s[:3]} {s[3:]}",
                               f"0{a}-{s[:3]} {s[3:]}", f"0{a} {s}", f"0{a}-{s}"])
        if self.cc == "46":
            grouped = se_group(s)
            opts = [f"0{a}-{grouped}", f"0{a}-{s}", f"0{a} {grouped}"]
            if self.kind == "mobile":
                opts.append(f"0{a}{s}")
            if len(s) == 7 and self.kind != "mobile":
                opts.append(f"0{a} {s[:3]} {s[3:]}")  # "08 716 1700"
            return rng.choice(opts)
        if self.cc == "1":
            x, line = s[:3], s[3:]
            return rng.choice([f"({a}) {x}-{line}", f"{a}-{x}-{line}", f"{a}.{x}.{line}",
                               f"({a}) {x}-{line}", f"1-{a}-{x}-{line}"])
        return self.international(rng)

    def international(self, rng: random.Random) -> str:
        c, a, s = self.cc, self.area, self.sub
        if c == "358":
            return rng.choice([f"+358 {a} {s[:3]} {s[3:]}", f"+358{a}{s}", f"+358 (0){a} {s}",
                               f"00358 {a} {s[:3]} {s[3:]}", f"+358 {a} {s}"])
        if c == "46":
            g = se_group(s)
            return rng.choice([f"+46 {a} {g}", f"+46{a}{s}", f"+46 (0){a}-{g}", f"0046 {a} {g}",
                               f"+46 {a}-{s}"])
        if c == "1":
            x, line = s[:3], s[3:]
            return rng.choice([f"+1 {a} {x} {line}", f"+1 ({a}) {x}-{line}", f"+1-{a}-{x}-{line}",
                               f"+1{a}{x}{line}"])
        if c == "49":
            return rng.choice([f"+49 {a} {s}", f"+49 (0){a} {s}", f"+49 {a} {s[:3]} {s[3:]}",
                               f"0049 {a} {s}", f"+49{a}{s}"])
        if c == "33":
            g = " ".join([s[i:i + 2] for i in range(0, 8, 2)])
            return rng.choice([f"+33 {a} {g}", f"+33 (0){a} {g}", f"0033 {a} {g}", f"+33{a}{s}"])
        return self.e164

    def shown(self, rng: random.Random, intl_share: float = 0.3) -> str:
        if self.cc in ("49", "33") or rng.random() < intl_share:
            return self.international(rng)
        return self.national(rng)


def subscriber(rng: random.Random, n: int) -> str:
    return str(rng.randint(2, 8)) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def fi_mobile(rng):
    return Phone("358", rng.choice(["40", "41", "44", "45", "46", "50", "50", "40"]),
                 "".join(rng.choice("0123456789") for _ in range(7)), "mobile")


def fi_landline(rng, area):
    return Phone("358", area, subscriber(rng, 7), "landline")


def se_mobile(rng):
    return Phone("46", rng.choice(["70", "72", "73", "76", "79"]),
                 "".join(rng.choice("0123456789") for _ in range(7)), "mobile")


def se_landline(rng, area):
    n = 7 if area in ("8", "31") else (6 if len(area) <= 2 else 5)
    if area == "8" and rng.random() < 0.15:
        n = 8
    return Phone("46", area, subscriber(rng, n), "landline")


def na_phone(rng, areas):
    exch = str(rng.randint(2, 9)) + f"{rng.randint(0, 99):02d}"
    while exch[1:] == "11" or exch == "555":
        exch = str(rng.randint(2, 9)) + f"{rng.randint(0, 99):02d}"
    return Phone("1", rng.choice(areas), exch + f"{rng.randint(0, 9999):04d}", "landline")


def de_phone(rng, area):
    if rng.random() < 0.5:
        return Phone("49", rng.choice(["151", "152", "160", "170", "171", "176"]),
                     subscriber(rng, rng.choice([7, 8])), "mobile")
    return Phone("49", area, subscriber(rng, 8 if len(area) == 2 else 7), "landline")


def fr_phone(rng, area):
    if rng.random() < 0.6:
        return Phone("33", rng.choice(["6", "7"]), "".join(rng.choice("0123456789") for _ in range(8)),
                     "mobile")
    return Phone("33", area, subscriber(rng, 8), "landline")


class Address:
    __slots__ = ("street", "postcode", "city", "state", "country")

    def __init__(self, street, postcode, city, country, state=""):
        self.street, self.postcode, self.city, self.country, self.state = (
            street, postcode, city, country, state)

    def canonical(self) -> str:
        """Street postcode city: how a table's columns are composed (truth of structured data)."""
        return f"{self.street} {self.postcode} {self.city}"

    def written(self, rng: random.Random, multiline: bool = False) -> tuple[str, str]:
        """(text as written in running text or a letter, truth value as written)."""
        if self.country in ("US", "CA"):
            text = f"{self.street}, {self.city}, {self.state} {self.postcode}"
            if multiline:
                text = f"{self.street}\n{self.city}, {self.state} {self.postcode}"
            return text, f"{self.street} {self.city} {self.state} {self.postcode}"
        city = self.city.upper() if rng.random() < 0.15 else self.city
        sep = "\n" if multiline else rng.choice([", ", ", ", " "])
        cc = ""
        if self.country in ("SE",) and rng.random() < 0.1:
            cc = "SE-"
        text = f"{self.street}{sep}{cc}{self.postcode} {city}"
        return text, f"{self.street} {cc}{self.postcode} {city}"


class Person:
    __slots__ = ("sid", "kind", "lang", "first", "middle", "last", "email", "mobile", "landline",
                 "primary", "address", "custno", "hetu", "pnr", "iban", "card", "ips", "birth", "staff")

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def full(self) -> str:
        return f"{self.first} {self.middle} {self.last}" if self.middle else self.name

    @property
    def phone(self) -> Phone:
        """The number the person gives first: a landline for some, a mobile for most."""
        return self.primary


KINDS = [("fi", 40), ("fse", 5), ("eu_fi", 6), ("sv", 22), ("us", 12), ("ca", 3), ("de", 7),
         ("fr", 5)]


class People:
    def __init__(self, rng: random.Random, names: dict[str, list[str]]):
        self.rng = rng
        self.names = names
        self.used_emails: set[str] = set()
        self.used_custno: set[str] = set()
        self.count = 0

    def _email(self, p: Person, domain_lang: str, domain: str | None = None) -> str:
        rng = self.rng
        f = ascii_fold(p.first).lower().replace(" ", "")
        last = ascii_fold(p.last).lower().replace(" ", "").replace("'", "")
        yy = p.birth.year % 100
        local = rng.choice([
            f"{f}.{last}", f"{f}.{last}", f"{f[0]}{last}", f"{f}{last[0]}{rng.randint(1, 99)}",
            f"{f}_{last}{yy:02d}", f"{last}.{f}", f"{f}.{last}{rng.randint(1, 9)}",
            f"{f[0]}.{last}",
        ]).replace("--", "-")
        domain = domain or rng.choice(EMAIL_DOMAINS[domain_lang])
        email = f"{local}@{domain}"
        n = 2
        while email in self.used_emails:
            email = f"{local}{n}@{domain}"
            n += 1
        self.used_emails.add(email)
        return email

    def _custno(self) -> str:
        while True:
            c = str(self.rng.randint(1_000_000, 9_999_999))
            if c not in self.used_custno:
                self.used_custno.add(c)
                return c

    def _birth(self) -> dt.date:
        rng = self.rng
        return dt.date(rng.randint(1938, 2006), rng.randint(1, 12), rng.randint(1, 28))

    def _hetu(self, b: dt.date) -> str:
        rng = self.rng
        yy = b.year % 100
        n = rng.randint(2, 899)
        if b.year >= 2000:
            sign = "B" if rng.random() < 0.1 else "A"
        else:
            sign = rng.choice("YX") if rng.random() < 0.08 else "-"
        num = int(f"{b.day:02d}{b.month:02d}{yy:02d}{n:03d}")
        return f"{b.day:02d}{b.month:02d}{yy:02d}{sign}{n:03d}{HETU_CHECK[num % 31]}"

    def _pnr(self, b: dt.date) -> str:
        body = f"{b.year % 100:02d}{b.month:02d}{b.day:02d}{self.rng.randint(0, 999):03d}"
        sign = "+" if b.year < 1925 else "-"
        return f"{body[:6]}{sign}{body[6:]}{luhn_digit(body)}"

    def _card(self) -> str:
        rng = self.rng
        brand = rng.choices(["visa", "mc", "mc2", "amex", "disc"], [50, 30, 6, 10, 4])[0]
        if brand == "visa":
            body = "4" + "".join(rng.choice("0123456789") for _ in range(14))
        elif brand == "mc":
            body = str(rng.randint(51, 55)) + "".join(rng.choice("0123456789") for _ in range(13))
        elif brand == "mc2":
            body = str(rng.randint(2221, 2720)) + "".join(rng.choice("0123456789") for _ in range(11))
        elif brand == "amex":
            body = rng.choice(["34", "37"]) + "".join(rng.choice("0123456789") for _ in range(12))
        else:
            body = "6011" + "".join(rng.choice("0123456789") for _ in range(11))
        return body + luhn_digit(body)

    def _iban(self, country: str) -> str:
        rng = self.rng
        d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
        letters = lambda n: "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(n))  # noqa: E731
        if country == "FI":
            return iban_of("FI", rng.choice(["1", "2", "4", "5", "8"]) + d(13))
        if country == "SE":
            return iban_of("SE", rng.choice(["500", "600", "800", "300", "120"]) + d(17))
        if country == "DE":
            return iban_of("DE", d(18))
        if country == "FR":
            return iban_of("FR", d(23))
        return iban_of("GB", letters(4) + d(14))

    def _ip(self) -> str:
        rng = self.rng
        first = rng.choice([85, 91, 62, 84, 88, 176, 193, 194, 213, 217, 37, 46, 78, 81, 95,
                            24, 68, 73, 98, 107, 151, 188])
        return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"

    def make(self, kind: str | None = None, staff: bool = False) -> Person:
        rng = self.rng
        n = self.names
        self.count += 1
        p = Person()
        p.sid = f"S{self.count:05d}"
        p.staff = staff
        p.kind = kind or rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        p.birth = self._birth()
        p.hetu = p.pnr = p.iban = p.card = None
        p.mobile = p.landline = None
        lists = {"fi": ("fi", "fi"), "fse": ("sv", "sv"), "eu_fi": ("eu", "eu"), "sv": ("sv", "sv"),
                 "us": ("en", "en"), "ca": ("en", "en"), "de": ("eu", "eu"), "fr": ("eu", "eu")}
        fl, ll = lists[p.kind]
        p.first = rng.choice(n[f"{fl}-first"])
        p.last = rng.choice(n[f"{ll}-last"])
        p.middle = rng.choice(n[f"{fl}-first"]) if rng.random() < 0.15 else ""
        if p.middle == p.first:
            p.middle = ""
        if p.kind in ("fi", "fse", "eu_fi"):
            p.lang = "fi" if p.kind == "fi" else ("sv" if p.kind == "fse" else rng.choice(["fi", "en"]))
            postcode, city, area = rng.choice(FI_PLACES)
            street = f"{rng.choice(FI_STREETS)} {rng.randint(1, 140)}"
            r = rng.random()
            if r < 0.35:
                street += f" {rng.choice('ABCDEF')} {rng.randint(1, 60)}"
            elif r < 0.45:
                street += f" as. {rng.randint(1, 30)}"
            p.address = Address(street, postcode, city, "FI")
            p.mobile = fi_mobile(rng)
            if rng.random() < 0.3:
                p.landline = fi_landline(rng, area)
            p.hetu = self._hetu(p.birth)
            if rng.random() < 0.6:
                p.iban = self._iban("FI")
            dom = "fi"
        elif p.kind == "sv":
            p.lang = "sv"
            postcode, city, area = rng.choice(SE_PLACES)
            street = f"{rng.choice(SE_STREETS)} {rng.randint(1, 90)}"
            if rng.random() < 0.2:
                street += f" lgh {rng.randint(1001, 1404)}"
            p.address = Address(street, postcode, city, "SE")
            p.mobile = se_mobile(rng) if rng.random() < 0.85 else None
            if p.mobile is None or rng.random() < 0.3:
                p.landline = se_landline(rng, area)
            p.pnr = self._pnr(p.birth)
            if rng.random() < 0.5:
                p.iban = self._iban("SE")
            dom = "sv"
        elif p.kind in ("us", "ca"):
            p.lang = "en"
            zip_, city, state, areas = rng.choice(US_PLACES if p.kind == "us" else CA_PLACES)
            streets = US_STREETS if p.kind == "us" else CA_STREETS
            street = f"{rng.randint(10, 9899)} {rng.choice(streets)}"
            if rng.random() < 0.2:
                street += f" Apt {rng.randint(1, 30)}{rng.choice('ABCD')}"
            p.address = Address(street, zip_, city, p.kind.upper(), state)
            p.landline = na_phone(rng, areas)
            dom = "en"
        elif p.kind == "de":
            p.lang = "en"
            postcode, city, area = rng.choice(DE_PLACES)
            p.address = Address(f"{rng.choice(DE_STREETS)} {rng.randint(1, 120)}", postcode, city, "DE")
            p.mobile = de_phone(rng, area)
            if rng.random() < 0.4:
                p.iban = self._iban("DE")
            dom = "de"
        else:  # fr
            p.lang = "en"
            postcode, city, area = rng.choice(FR_PLACES)
            p.address = Address(f"{rng.randint(1, 140)} {rng.choice(FR_STREETS)}", postcode, city, "FR")
            p.mobile = fr_phone(rng, area)
            if rng.random() < 0.4:
                p.iban = self._iban("FR")
            dom = "fr"
        if staff:
            p.email = self._email(p, dom, COMPANY["domain"])
            p.landline = Phone("358", "9", "6129" + f"{rng.randint(901, 989):03d}", "landline")
            p.custno = None
        else:
            p.email = self._email(p, dom)
            p.custno = self._custno()
        if not staff and rng.random() < 0.45:
            p.card = self._card()
        p.ips = [self._ip() for _ in range(rng.choice([1, 1, 2]))]
        if p.mobile and p.landline:
            p.primary = p.landline if rng.random() < 0.45 else p.mobile
        else:
            p.primary = p.mobile or p.landline
        return p


# --------------------------------------------------------------------------------------------
# Output


class Leak:
    """The leak directory, its truth and the subjects planted in it."""

    def __init__(self, out: pathlib.Path, truth_path: pathlib.Path, rng: random.Random):
        self.out = out
        self.rng = rng
        self.truth = open(truth_path, "w", encoding="utf-8")
        self.truth.write(TRUTH_HEADER)
        self.ignore_rows: set[tuple[str, str, str]] = set()
        self.subjects: set[str] = set()
        self.files = 0
        self.bytes = 0
        self.rows = 0

    def write(self, rel: str, content: str | bytes, facts: "Facts") -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)
        facts.flush(self, rel)

    def close(self) -> None:
        self.truth.close()


class Facts:
    """The values planted in one file (or one attachment of it)."""

    def __init__(self):
        self.rows: set[tuple[str, str, str]] = set()
        self.ignored: set[tuple[str, str]] = set()
        self.parts: list[tuple[str, "Facts"]] = []

    def add(self, category: str, value: str, who: Person | None) -> None:
        assert category in CATEGORIES, category
        assert value and "\t" not in value and "\n" not in value, value
        self.rows.add((category, value, who.sid if who else ""))

    def name(self, written: str, who: Person) -> None:
        self.add("person_name", " ".join(written.split()), who)

    def phone(self, ph: Phone, who: Person | None) -> None:
        self.add("phone", ph.e164, who)

    def ignore(self, category: str, value: str) -> None:
        self.ignored.add((category, value))

    def part(self, suffix: str) -> "Facts":
        f = Facts()
        self.parts.append((suffix, f))
        return f

    def flush(self, leak: Leak, rel: str) -> None:
        for cat, value, sid in sorted(self.rows):
            leak.truth.write(f"{rel}\t{cat}\t{value}\t{sid}\n")
            leak.rows += 1
            if sid:
                leak.subjects.add(sid)
        for cat, value in self.ignored:
            leak.ignore_rows.add((rel, cat, value))
        for suffix, f in self.parts:
            f.flush(leak, rel + suffix)


def role(name: str) -> str:
    return f"{name}@{COMPANY['domain']}"


def card_shown(rng: random.Random, card: str) -> str:
    if len(card) == 15:
        return rng.choice([f"{card[:4]} {card[4:10]} {card[10:]}", card, f"{card[:4]}-{card[4:10]}-{card[10:]}"])
    groups = [card[i:i + 4] for i in range(0, 16, 4)]
    return rng.choice([" ".join(groups), "-".join(groups), card, " ".join(groups)])


def iban_shown(rng: random.Random, iban: str) -> str:
    if rng.random() < 0.6:
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


def csv_cell(value: str, sep: str, quote: str) -> str:
    """quote: 'all', 'none' or 'some' (only where needed, and now and then anyway)."""
    needs = sep in value or '"' in value or "\n" in value
    if quote == "all" or needs or (quote == "some" and value and random.random() < 0.2):
        return '"' + value.replace('"', '""') + '"'
    return value


def ts(rng: random.Random, year: int = 2024) -> dt.datetime:
    return dt.datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                       rng.randint(0, 59), rng.randint(0, 59))


def digits(rng: random.Random, n: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def id_like(rng: random.Random, n: int, luhn: bool | None = None) -> str:
    """A 14–16 digit transaction/refund/order id; with luhn=True it passes the Luhn check."""
    body = digits(rng, n - 1)
    if luhn is None:
        luhn = rng.random() < 0.35
    return body + (luhn_digit(body) if luhn else rng.choice("0123456789"))


def money(rng: random.Random, comma: bool = True) -> str:
    v = f"{rng.randint(1, 1999)}.{rng.randint(0, 99):02d}"
    return v.replace(".", ",") if comma else v


# --------------------------------------------------------------------------------------------
# Layouts. Each takes the people it is about and fills a Facts with what it writes.


def fi_export(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    cols = ["Asiakasnumero", "Etunimet", "Sukunimi", "Katuosoite", "Postinumero",
            "Postitoimipaikka", "Puhelin", "Kotipuhelin", "Sähköposti", "Henkilötunnus",
            "Tilinumero (IBAN)", "Asiakas alkaen"]
    lines = [";".join(cols)]
    for p in people:
        first = f"{p.first} {p.middle}" if p.middle else p.first
        ph = p.mobile or p.landline
        home = p.landline if p.landline is not ph else None
        row = [p.custno, first, p.last, p.address.street, p.address.postcode, p.address.city,
               ph.shown(rng, 0.25), home.shown(rng, 0.1) if home else "",
               p.email if rng.random() > 0.1 else p.email.title(),
               p.hetu or "", iban_shown(rng, p.iban) if p.iban else "",
               f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(2005, 2024)}"]
        lines.append(";".join(csv_cell(c, ";", "some") for c in row))
        facts.add("customer_number", p.custno, p)
        facts.name(f"{first} {p.last}", p)
        facts.add("postal_address", p.address.canonical(), p)
        facts.phone(ph, p)
        if home:
            facts.phone(home, p)
        facts.add("email", p.email, p)
        if p.hetu:
            facts.add("national_id", p.hetu, p)
        if p.iban:
            facts.add("iban", p.iban, p)
    leak.write(rel, "\n".join(lines) + "\n", facts)


def se_export(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    cols = ["Kundnummer", "Förnamn", "Efternamn", "Utdelningsadress", "Postnummer", "Ort",
            "Telefon", "Mobil", "E-postadress", "Personnummer", "Kund sedan"]
    lines = [",".join(csv_cell(c, ",", "all") for c in cols)]
    for p in people:
        row = [p.custno, p.first, p.last, p.address.street, p.address.postcode, p.address.city,
               p.landline.shown(rng, 0.15) if p.landline else "",
               p.mobile.shown(rng, 0.2) if p.mobile else "", p.email, p.pnr or "",
               f"{rng.randint(2008, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
        lines.append(",".join(csv_cell(c, ",", "all") for c in row))
        facts.add("customer_number", p.custno, p)
        facts.name(p.name, p)
        facts.add("postal_address", p.address.canonical(), p)
        for ph in (p.landline, p.mobile):
            if ph:
                facts.phone(ph, p)
        facts.add("email", p.email, p)
        if p.pnr:
            facts.ignore("national_id", p.pnr)
    leak.write(rel, "\r\n".join(lines) + "\r\n", facts)


def na_export(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    cols = ["Customer No.", "Full Name", "Address Line 1", "City", "State", "ZIP Code", "Phone",
            "Email", "Member Since"]
    lines = [",".join(cols)]
    for p in people:
        full = p.name if not p.middle or rng.random() < 0.5 else f"{p.first} {p.middle[0]}. {p.last}"
        row = [p.custno, full, p.address.street, p.address.city, p.address.state,
               p.address.postcode, p.phone.shown(rng, 0.2), p.email,
               f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(2010, 2024)}"]
        lines.append(",".join(csv_cell(c, ",", "none") for c in row))
        facts.add("customer_number", p.custno, p)
        facts.name(full, p)
        facts.add("postal_address", p.address.canonical(), p)
        facts.phone(p.phone, p)
        facts.add("email", p.email, p)
    leak.write(rel, "\n".join(lines) + "\n", facts)


def eu_export(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    cols = ["Customer no", "Name", "E-mail", "Phone", "Address", "Postcode", "City", "Country",
            "IBAN"]
    lines = [";".join(cols)]
    for p in people:
        name = f"{p.last}, {p.first}" if rng.random() < 0.5 else p.name
        row = [p.custno, name, p.email, p.phone.shown(rng), p.address.street, p.address.postcode,
               p.address.city, p.address.country, iban_shown(rng, p.iban) if p.iban else ""]
        lines.append(";".join(csv_cell(c, ";", "some") for c in row))
        facts.add("customer_number", p.custno, p)
        facts.name(name, p)
        facts.add("email", p.email, p)
        facts.phone(p.phone, p)
        facts.add("postal_address", p.address.canonical(), p)
        if p.iban:
            facts.add("iban", p.iban, p)
    leak.write(rel, "\n".join(lines) + "\n", facts)


def headerless_export(leak: Leak, rel: str, people: list[Person]) -> None:
    """An old export without a header row: position alone says what a field is."""
    rng = leak.rng
    facts = Facts()
    lines = []
    for i, p in enumerate(people, 1):
        name = f"{p.last} {p.first}"
        row = [str(i), name, p.email, p.phone.shown(rng, 0.1), p.address.street,
               p.address.postcode, p.address.city.upper(), f"{rng.randint(2012, 2018)}"]
        lines.append(",".join(csv_cell(c, ",", "some") for c in row))
        facts.name(name, p)
        facts.add("email", p.email, p)
        facts.phone(p.phone, p)
        facts.add("postal_address", f"{p.address.street} {p.address.postcode} {p.address.city.upper()}", p)
    leak.write(rel, "\n".join(lines) + "\n", facts)


def newsletter_export(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    lines = ['"email","first_name","last_name","mobile","postal_code","consent_ts","source_ip","list"']
    for p in people:
        ip = rng.choice(p.ips)
        mob = p.phone.shown(rng, 0.5)
        row = [p.email, p.first, p.last, mob, p.address.postcode,
               ts(rng).strftime("%Y-%m-%dT%H:%M:%SZ"), ip, rng.choice(["weekly", "offers", "news-fi"])]
        lines.append(",".join(csv_cell(c, ",", "all") for c in row))
        facts.add("email", p.email, p)
        facts.name(p.name, p)
        facts.phone(p.phone, p)
        facts.add("ip_address", ip, p)
    leak.write(rel, "\n".join(lines) + "\n", facts)


def payments_csv(leak: Leak, rel: str, people: list[Person]) -> None:
    """Card payments: transaction, refund and order ids of 14–16 digits (some pass Luhn)."""
    rng = leak.rng
    facts = Facts()
    lines = ["transaction_id,refund_id,order_id,created_at,amount,currency,card_number,"
             "card_holder,customer_no,receipt_email,ean,status"]
    for p in people:
        for _ in range(rng.choice([1, 1, 2, 3])):
            full = rng.random() < 0.7 and p.card
            card = card_shown(rng, p.card) if full else (
                f"{p.card[:4]} **** **** {p.card[-4:]}" if p.card else "")
            refund = id_like(rng, rng.choice([14, 15, 16])) if rng.random() < 0.3 else ""
            email = p.email if rng.random() < 0.5 else ""
            holder = p.name.upper()
            row = [id_like(rng, 16), refund, id_like(rng, 14),
                   ts(rng).strftime("%Y-%m-%d %H:%M:%S"), money(rng, False), "EUR", card, holder,
                   p.custno, email, ean13(rng), rng.choice(["captured", "captured", "refunded", "failed"])]
            lines.append(",".join(csv_cell(c, ",", "none") for c in row))
            if full:
                facts.add("payment_card", p.card, p)
            facts.name(holder, p)
            facts.add("customer_number", p.custno, p)
            if email:
                facts.add("email", email, p)
    leak.write(rel, "\n".join(lines) + "\n", facts)


# ---- mail

SUBJECTS = {
    "fi": ["Tilaus {order}", "Palautus", "Osoitteenmuutos", "Laskusta {invoice}", "Kortti veloitettu kahdesti",
           "Kysymys toimituksesta", "Tietojen poistopyyntö"],
    "sv": ["Order {order}", "Retur", "Adressändring", "Angående faktura {invoice}", "Dubbeldebitering",
           "Fråga om leverans", "Begäran om radering"],
    "en": ["Order {order}", "Return request", "Change of address", "Invoice {invoice}",
           "Card charged twice", "Delivery question", "Please delete my data"],
}
GREET = {"fi": ["Hei,", "Hei!", "Hyvä asiakaspalvelu,", "Moi,", "Hei asiakaspalvelu,", ""],
         "sv": ["Hej,", "Hej!", "Hej kundtjänst,", "Goddag,", ""],
         "en": ["Hello,", "Hi there,", "Dear Sir or Madam,", "Dear Customer Service,", ""]}
CLOSE = {"fi": ["Ystävällisin terveisin", "Terveisin", "Kiitos,", "Parhain terveisin", "t."],
         "sv": ["Med vänlig hälsning", "Vänliga hälsningar", "Hälsningar", "Mvh", "Tack,"],
         "en": ["Best regards,", "Kind regards,", "Thanks,", "Sincerely,", "Cheers,"]}
LINES = {
    "fi": {
        "order": "Tilasin {date} tuotteen (tilausnumero {order}), mutta paketti ei ole vielä tullut.",
        "card": "Korttini {card} veloitettiin kahdesti {amount} €.",
        "custno": "Asiakasnumeroni on {custno}.",
        "address": "Uusi osoitteeni on {address}.",
        "phone": "Voitte soittaa minulle numeroon {phone}.",
        "refund": "Palautusviite {refund}, seurantakoodi JJFI{track}.",
        "iban": "Hyvityksen voi maksaa tililleni {iban}.",
        "hetu": "Henkilötunnukseni on {hetu}, jos sitä tarvitaan tunnistamiseen.",
        "delete": "Pyydän poistamaan tietoni rekisteristänne.",
    },
    "sv": {
        "order": "Jag beställde en vara {date} (ordernummer {order}) men paketet har inte kommit.",
        "card": "Mitt kort {card} debiterades två gånger {amount} kr.",
        "custno": "Mitt kundnummer är {custno}.",
        "address": "Min nya adress är {address}.",
        "phone": "Ni når mig på {phone}.",
        "refund": "Returnummer {refund}, kolli-id {track}.",
        "iban": "Återbetalningen kan göras till {iban}.",
        "hetu": "",
        "delete": "Jag vill att ni raderar mina uppgifter.",
    },
    "en": {
        "order": "I ordered an item on {date} (order number {order}) but the parcel has not arrived.",
        "card": "My card {card} was charged twice for {amount} EUR.",
        "custno": "My customer no. is {custno}.",
        "address": "My new address is {address}.",
        "phone": "You can reach me on {phone}.",
        "refund": "Return reference {refund}, tracking {track}.",
        "iban": "Please refund to {iban}.",
        "hetu": "",
        "delete": "Please delete all the data you hold about me.",
    },
}
REPLY = {
    "fi": ("Hei {first},\n\nkiitos viestistäsi. Tarkistimme tilauksen {order}: hyvitys {amount} € on "
           "tehty kortille, jonka numero päättyy {last4}. Käsittely kestää 3–5 pankkipäivää.",
           "Ystävällisin terveisin", "Asiakaspalvelu | {company}",
           "puh. {switch} (vaihde), suora {direct}"),
    "sv": ("Hej {first},\n\ntack för ditt meddelande. Vi har kontrollerat order {order}: {amount} kr "
           "har återbetalats till kortet som slutar på {last4}.",
           "Med vänlig hälsning", "Kundtjänst | Lumo Handel AB", "växel {switch_se}, direkt {direct}"),
    "en": ("Hi {first},\n\nthank you for your message. We checked order {order}: a refund of {amount} EUR "
           "was made to the card ending {last4}. It takes 3-5 banking days.",
           "Kind regards,", "Customer Service | {company}", "tel. {switch} (switchboard), direct {direct}"),
}


def customer_message(rng: random.Random, p: Person, facts: Facts, to_addr: str,
                     when: dt.datetime) -> EmailMessage:
    lang = p.lang
    msg = EmailMessage(policy=policy.SMTP)
    style = rng.random()
    if style < 0.55:
        display = p.name
    elif style < 0.7:
        display = f"{p.last}, {p.first}"
    elif style < 0.8:
        display = p.full
    else:
        display = ""
    msg["From"] = f'"{display}" <{p.email}>' if display else p.email
    if display:
        facts.name(display, p)
    msg["To"] = to_addr
    facts.add("email", p.email, p)
    facts.add("email", to_addr, None)
    msg["Date"] = format_datetime(when.replace(tzinfo=dt.timezone(dt.timedelta(hours=3))))
    msg["Message-ID"] = f"<{rng.getrandbits(64):016x}.{rng.randint(1000, 9999)}@{p.email.split('@')[1]}>"
    order = id_like(rng, 14)
    msg["Subject"] = rng.choice(SUBJECTS[lang]).format(order=order, invoice=digits(rng, 7))
    body = []
    greet = rng.choice(GREET[lang])
    if greet:
        body.append(greet + "\n")
    L = LINES[lang]
    parts = ["order"] + rng.sample(["card", "custno", "address", "phone", "refund", "iban", "hetu",
                                    "delete"], rng.randint(1, 4))
    for key in parts:
        tpl = L[key]
        if not tpl:
            continue
        if key == "card":
            if not p.card:
                continue
            tpl = tpl.replace("{card}", card_shown(rng, p.card))
            facts.add("payment_card", p.card, p)
        if key == "custno":
            tpl = tpl.replace("{custno}", p.custno)
            facts.add("customer_number", p.custno, p)
        if key == "address":
            text, truth = p.address.written(rng)
            tpl = tpl.replace("{address}", text)
            facts.add("postal_address", truth, p)
        if key == "phone":
            tpl = tpl.replace("{phone}", p.phone.shown(rng, 0.3))
            facts.phone(p.phone, p)
        if key == "iban":
            if not p.iban:
                continue
            tpl = tpl.replace("{iban}", iban_shown(rng, p.iban))
            facts.add("iban", p.iban, p)
        if key == "hetu":
            if not p.hetu:
                continue
            tpl = tpl.replace("{hetu}", p.hetu)
            facts.add("national_id", p.hetu, p)
        body.append(tpl.format(date=f"{when.day}.{when.month}.", order=order, amount=money(rng),
                               refund=id_like(rng, 15), track=digits(rng, 12)))
    close = rng.choice(CLOSE[lang])
    sig = rng.random()
    if close == "t.":
        body.append(f"\nt. {p.first}")
        facts.name(p.first, p)
    elif sig < 0.6:
        body.append(f"\n{close}\n{p.name}")
        facts.name(p.name, p)
        if rng.random() < 0.4:
            body.append(p.phone.shown(rng, 0.4))
            facts.phone(p.phone, p)
    elif sig < 0.8:
        body.append(f"\n{close}\n{p.first}")
        facts.name(p.first, p)
    else:
        body.append(f"\n{close}")
    text = "\n".join(body) + "\n"
    msg.set_content(text, cte=rng.choice(["8bit", "8bit", "quoted-printable", "base64"]))
    msg.body_text = text  # type: ignore[attr-defined]
    return msg


def staff_reply(rng: random.Random, p: Person, staff: Person, facts: Facts, original: str,
                when: dt.datetime) -> EmailMessage:
    lang = p.lang
    msg = EmailMessage(policy=policy.SMTP)
    if rng.random() < 0.5:
        msg["From"] = f'"{staff.name}" <{staff.email}>'
        facts.name(staff.name, staff)
        facts.add("email", staff.email, staff)
    else:
        box = role(rng.choice(["asiakaspalvelu", "kundtjanst", "support", "helpdesk"]))
        msg["From"] = f'"Kauppahuone Lumo" <{box}>'
        facts.add("email", box, None)
    msg["To"] = f'"{p.name}" <{p.email}>'
    facts.name(p.name, p)
    facts.add("email", p.email, p)
    msg["Date"] = format_datetime(when.replace(tzinfo=dt.timezone(dt.timedelta(hours=3))))
    msg["Subject"] = "Re: " + rng.choice(SUBJECTS[lang]).format(order=id_like(rng, 14), invoice=digits(rng, 7))
    head, close, dept, contact = REPLY[lang]
    last4 = p.card[-4:] if p.card else digits(rng, 4)
    text = head.format(first=p.first, order=id_like(rng, 14), amount=money(rng), last4=last4)
    facts.name(p.first, p)
    text += f"\n\n{close}\n{staff.name}\n{dept.format(company=COMPANY['name'])}\n"
    facts.name(staff.name, staff)
    sw, sw164 = SWITCHBOARDS["fi_vaihde"]
    sw_se, sw_se164 = SWITCHBOARDS["se_vaxel"]
    direct = staff.landline.national(rng)
    text += contact.format(switch=sw, switch_se=sw_se, direct=direct) + "\n"
    facts.add("phone", sw_se164 if lang == "sv" else sw164, None)
    facts.phone(staff.landline, staff)
    text += f"{staff.email}\n"
    facts.add("email", staff.email, staff)
    if original and rng.random() < 0.25:
        # The customer's message quoted below the reply, as mail programs do.
        text += "\n" + "\n".join("> " + line for line in original.splitlines()) + "\n"
    msg.set_content(text, cte=rng.choice(["8bit", "quoted-printable"]))
    return msg


def mbox_bytes(msg: EmailMessage, sender: str, when: dt.datetime) -> bytes:
    raw = msg.as_bytes(policy=policy.SMTP.clone(linesep="\n"))
    raw = re.sub(rb"(?m)^From ", b">From ", raw)
    return f"From {sender} {when.strftime('%a %b %d %H:%M:%S %Y')}\n".encode() + raw + b"\n"


def mbox_file(leak: Leak, rel: str, people: list[Person], staff: list[Person],
              target: int | None = None) -> None:
    rng = leak.rng
    facts = Facts()
    out: list[bytes] = []
    size = 0
    for p in people:
        when = ts(rng)
        box = role(rng.choice(["asiakaspalvelu", "asiakaspalvelu", "info", "kundtjanst",
                               "varaukset", "palaute", "orders"]))
        m = customer_message(rng, p, facts, box, when)
        b = mbox_bytes(m, p.email, when)
        out.append(b)
        size += len(b)
        if rng.random() < 0.6:
            s = rng.choice(staff)
            when2 = when + dt.timedelta(hours=rng.randint(1, 60))
            r = staff_reply(rng, p, s, facts, m.body_text, when2)  # type: ignore[attr-defined]
            b = mbox_bytes(r, s.email, when2)
            out.append(b)
            size += len(b)
        if target and size >= target:
            break
    leak.write(rel, b"".join(out), facts)


def eml_files(leak: Leak, folder: str, people: list[Person], staff: list[Person]) -> None:
    rng = leak.rng
    for i, p in enumerate(people, 1):
        facts = Facts()
        when = ts(rng)
        m = customer_message(rng, p, facts, role(rng.choice(["info", "asiakaspalvelu", "reception"])), when)
        rel = f"{folder}/viesti-{i:04d}.eml"
        if i % 15 == 0:
            # A customer list as an attachment: scanned as a file of its own.
            att_name = "yhteystiedot.csv"
            part = facts.part("!" + att_name)
            rows = ["nimi;sähköposti;puhelin"]
            for q in rng.sample(people, min(5, len(people))):
                rows.append(f"{q.name};{q.email};{q.phone.shown(rng, 0.2)}")
                part.name(q.name, q)
                part.add("email", q.email, q)
                part.phone(q.phone, q)
            m.add_attachment("\n".join(rows).encode("utf-8") + b"\n", maintype="text", subtype="csv",
                             filename=att_name)
        if rng.random() < 0.3:
            m["Cc"] = f'"{staff[0].name}" <{staff[0].email}>'
            facts.name(staff[0].name, staff[0])
            facts.add("email", staff[0].email, staff[0])
        leak.write(rel, m.as_bytes(policy=policy.SMTP), facts)


# ---- JSON


def ndjson_users(leak: Leak, rel: str, people: list[Person], target: int | None = None) -> None:
    rng = leak.rng
    facts = Facts()
    out = []
    size = 0
    for p in people:
        ip = rng.choice(p.ips)
        phone = p.phone.e164 if rng.random() < 0.5 else p.phone.shown(rng, 0.3)
        rec = {
            "id": f"usr_{rng.getrandbits(48):012x}",
            "createdAt": ts(rng, rng.randint(2019, 2024)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "customer": {
                "customerNumber": p.custno,
                "name": {"given": p.first, "family": p.last},
                "contact": {"email": p.email, "phone": phone, "marketingOptIn": rng.random() < 0.4},
            },
            "address": {"street": p.address.street, "postalCode": p.address.postcode,
                        "city": p.address.city, "country": p.address.country},
            "lastLogin": {"ip": ip, "at": ts(rng).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"},
            "device": {"os": rng.choice(["Android 14", "iOS 17.5.1", "Android 13"]),
                       "appVersion": f"4.{rng.randint(0, 15)}.{rng.randint(0, 9)}",
                       "build": str(rng.randint(1_000_000, 9_999_999)),
                       "metrics": {"sessionMs": rng.randint(1_000_000, 9_999_999),
                                   "bytesUp": rng.randint(1_000_000, 9_999_999)}},
        }
        line = json.dumps(rec, ensure_ascii=rng.random() < 0.3)
        out.append(line)
        size += len(line) + 1
        facts.add("customer_number", p.custno, p)
        facts.name(p.name, p)
        facts.add("email", p.email, p)
        facts.phone(p.phone, p)
        facts.add("postal_address", p.address.canonical(), p)
        facts.add("ip_address", ip, p)
        if target and size >= target:
            break
    leak.write(rel, "\n".join(out) + "\n", facts)


def crm_json(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    kunder = []
    for p in people:
        k = {
            "kundnummer": p.custno,
            "namn": {"förnamn": p.first, "efternamn": p.last},
            "kontakt": {"epost": p.email},
            "adress": {"gatuadress": p.address.street, "postnummer": p.address.postcode,
                       "ort": p.address.city},
            "ärenden": [{"ärendenummer": id_like(rng, 16), "rubrik": rng.choice(
                ["Retur", "Leveransfråga", "Faktura", "Reklamation"]), "skapat": ts(rng).isoformat()}],
        }
        if p.mobile:
            k["kontakt"]["mobil"] = p.mobile.shown(rng, 0.2)
            facts.phone(p.mobile, p)
        if p.landline:
            k["kontakt"]["telefon"] = p.landline.shown(rng, 0.2)
            facts.phone(p.landline, p)
        if p.iban:
            k["betalning"] = {"iban": iban_shown(rng, p.iban), "autogiro": rng.random() < 0.5}
            facts.add("iban", p.iban, p)
        kunder.append(k)
        facts.add("customer_number", p.custno, p)
        facts.name(p.name, p)
        facts.add("email", p.email, p)
        facts.add("postal_address", p.address.canonical(), p)
    doc = {"export": {"skapad": "2024-10-01T06:00:00Z", "system": "Kundo CRM 7.4.2",
                      "antal": len(kunder), "kunder": kunder}}
    leak.write(rel, json.dumps(doc, ensure_ascii=False, indent=2) + "\n", facts)


# ---- logs

UA = ['"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/128.0.0.0 Safari/537.36"',
      '"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"',
      '"LumoApp/4.12.3 (Android 14; SM-S911B)"']


def decoy_log_line(rng: random.Random, t: dt.datetime) -> str:
    stamp = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randint(0, 999):03d}+03:00"
    k = rng.randint(0, 9)
    if k == 0:
        return (f"{stamp} INFO  [inventory] inventory.sync ean={ean13(rng)} qty={rng.randint(0, 400)} "
                f"warehouse=VANTAA-{rng.randint(1, 4)} zip={rng.choice(FI_PLACES)[0]}")
    if k == 1:
        return (f"{stamp} DEBUG [metrics] sensor=freezer-{rng.randint(1, 12):02d} temp_mc=-{rng.randint(17000, 21000)} "
                f"uptime_s={rng.randint(1_000_000, 9_999_999)} counter={rng.randint(1_000_000, 9_999_999)}")
    if k == 2:
        return (f"{stamp} INFO  [http] GET /api/orders/{id_like(rng, 14)} status=200 "
                f"duration_us={rng.randint(1_000_000, 9_999_999)} upstream=10.20.{rng.randint(0, 3)}.{rng.randint(2, 9)}:8080")
    if k == 3:
        return (f"{stamp} INFO  [deploy] release version={rng.randint(3, 4)}.{rng.randint(0, 15)}.{rng.randint(0, 9)} "
                f"build={t.strftime('%Y%m%d')}.{rng.randint(1, 9)} commit={rng.getrandbits(28):07x}")
    if k == 4:
        return (f"{stamp} INFO  [payments] refund.created refund_id={id_like(rng, rng.choice([14, 15, 16]))} "
                f"original_txn={id_like(rng, 16)} amount={money(rng, False)} currency=EUR")
    if k == 5:
        return (f"{stamp} WARN  [payments] payment.failed txn_id={id_like(rng, 16)} order_id={id_like(rng, 14)} "
                f"reason=insufficient_funds card_bin={digits(rng, 6, '45')}")
    if k == 6:
        return (f"{stamp} INFO  [orders] order.created order_no={digits(rng, 7)} lines={rng.randint(1, 9)} "
                f"total={money(rng, False)} invoice={digits(rng, 7)} ref={fi_reference(rng, 10)}")
    if k == 7:
        return (f"{stamp} DEBUG [cache] evicted={rng.randint(1_000_000, 9_999_999)} bytes={rng.randint(1_000_000, 99_999_999)} "
                f"hit_ratio=0.{rng.randint(10, 99)} gc_pause_ms={rng.randint(1, 400)}")
    if k == 8:
        return (f"{stamp} INFO  [batch] job=nightly-export rows={rng.randint(1_000_000, 9_999_999)} "
                f"elapsed={rng.randint(10, 900)}.{rng.randint(0, 99)}s fw=2.4.10.{rng.randint(1, 3)}")
    return (f"{stamp} INFO  [shipping] label.created tracking=JJFI64{digits(rng, 14)} parcel_id={id_like(rng, 15)} "
            f"weight_g={rng.randint(100, 30000)} zip={rng.choice(FI_PLACES)[0]}")


def app_log(leak: Leak, rel: str, people: list[Person], target: int | None = None,
            per_person: float = 1.0) -> None:
    rng = leak.rng
    facts = Facts()
    t = dt.datetime(2024, 10, rng.randint(1, 28), 0, 0, 0)
    out = []
    size = 0
    it = iter(people)
    done = False
    while not done:
        t += dt.timedelta(milliseconds=rng.randint(5, 4000))
        if rng.random() < 0.3 * per_person:
            p = next(it, None)
            if p is None:
                done = True
                continue
            stamp = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randint(0, 999):03d}+03:00"
            k = rng.randint(0, 6)
            ip = rng.choice(p.ips)
            if k == 0:
                line = (f"{stamp} INFO  [auth] user.login email={p.email} ip={ip} ua={rng.choice(UA)} "
                        f"app={rng.randint(3, 4)}.{rng.randint(0, 15)}.{rng.randint(0, 9)}")
                facts.add("email", p.email, p)
                facts.add("ip_address", ip, p)
            elif k == 1:
                line = (f"{stamp} INFO  [payments] payment.captured txn_id={id_like(rng, 16)} "
                        f"order_id={id_like(rng, 14)} amount={money(rng, False)} currency=EUR "
                        f"card=****{(p.card or digits(rng, 16))[-4:]} customer_no={p.custno}")
                facts.add("customer_number", p.custno, p)
            elif k == 2 and p.card:
                line = (f"{stamp} DEBUG [gateway] request body={{\"pan\":\"{p.card}\",\"exp\":\"{rng.randint(1, 12):02d}/{rng.randint(25, 30)}\","
                        f"\"holder\":\"{p.name.upper()}\",\"txn\":\"{id_like(rng, 16)}\"}}")
                facts.add("payment_card", p.card, p)
                facts.name(p.name.upper(), p)
            elif k == 3:
                ph = p.phone.shown(rng, 0.5)
                line = (f"{stamp} INFO  [profile] user.updated customer_no={p.custno} field=phone "
                        f"new=\"{ph}\" by=self")
                facts.add("customer_number", p.custno, p)
                facts.phone(p.phone, p)
            elif k == 4:
                line = (f"{stamp} INFO  [mail] mail.sent from={role('noreply')} to={p.email} "
                        f"template=order_confirmation order_id={id_like(rng, 14)}")
                facts.add("email", role("noreply"), None)
                facts.add("email", p.email, p)
            elif k == 5:
                line = (f"{stamp} INFO  [sms] sms.sent to={p.phone.e164 if rng.random() < 0.6 else p.phone.national(rng)} "
                        f"template=pickup_code code={rng.randint(1000, 9999)}")
                facts.phone(p.phone, p)
            else:
                line = (f"{stamp} INFO  [geo] geo.lookup ip={ip} zip={p.address.postcode} "
                        f"country={p.address.country} asn={rng.randint(1000, 65000)}")
                facts.add("ip_address", ip, p)
        else:
            line = decoy_log_line(rng, t)
        out.append(line)
        size += len(line) + 1
        if target and size >= target:
            break
    leak.write(rel, "\n".join(out) + "\n", facts)


def access_log(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    out = []
    t = dt.datetime(2024, 10, 3, 0, 0, 0)
    for p in people:
        for _ in range(rng.randint(1, 4)):
            t += dt.timedelta(seconds=rng.randint(1, 90))
            ip = rng.choice(p.ips)
            path = rng.choice([f"/tili?user={p.email}", "/kassa", f"/api/v2/orders/{id_like(rng, 14)}",
                               "/static/app.4f2a9c.js", f"/account/login?email={p.email}"])
            out.append(f'{ip} - - [{t.strftime("%d/%b/%Y:%H:%M:%S")} +0300] "GET {path} HTTP/2.0" '
                       f'{rng.choice([200, 200, 304, 302])} {rng.randint(200, 99999)} "-" {rng.choice(UA)}')
            facts.add("ip_address", ip, p)
            if "@" in path:
                facts.add("email", p.email, p)
    leak.write(rel, "\n".join(out) + "\n", facts)


def sensor_log(leak: Leak, rel: str, lines: int) -> None:
    rng = leak.rng
    out = []
    t = dt.datetime(2024, 10, 1)
    for _ in range(lines):
        t += dt.timedelta(seconds=rng.randint(1, 30))
        out.append(f"{t.isoformat()}Z device=cold-room-{rng.randint(1, 6)} seq={rng.randint(1_000_000, 9_999_999)} "
                   f"reading={rng.randint(1_000_000, 9_999_999)} unit=uV fw=3.2.1.{rng.randint(1, 7)} "
                   f"batt={rng.randint(30, 100)}%")
    leak.write(rel, "\n".join(out) + "\n", Facts())


# ---- free text

NOTES = {
    "fi": [
        "{name} soitti klo {hh}.{mm} ja kysyi palautuksen tilannetta. Lupasin soittaa takaisin huomenna.",
        "{name} kävi myymälässä ja toivoi, että laskut lähetetään jatkossa sähköpostiin {email}.",
        "Keskustelin puhelimessa {name} kanssa. Numero {phone}. Ei jatkotoimenpiteitä.",
        "{name} (asiakasnro {custno}) reklamoi viallisesta tuotteesta, EAN {ean}. Hyvitys {amount} € tehty.",
        "Muistutus: {name} ei halua markkinointia. Osoite päivitetty: {address}.",
        "Tänään {name} kertoi, että kortti on kadonnut ja pyysi sulkemaan tilin.",
    ],
    "sv": [
        "{name} ringde kl. {hh}.{mm} angående en retur. Ska ringa tillbaka på {phone}.",
        "Pratade med {name} om fakturan; kundnummer {custno}.",
        "{name} har flyttat till {address}.",
        "Idag mejlade {name} från {email} och ville avsluta kontot.",
    ],
    "en": [
        "{name} called at {hh}:{mm} about a missing parcel; promised a call-back on {phone}.",
        "Met {name} at the pop-up store, wants invoices by e-mail to {email}.",
        "{name} asked us to close the account (customer no {custno}).",
        "Spoke with {name} today, refund of {amount} EUR approved, ref {refund}.",
        "Follow-up: {name} has moved to {address}.",
    ],
}
NOTE_DECOYS = [
    "Toimitus Matkahuolto Express -palvelulla perjantaina.",
    "Kokous Pitkäranta Consulting Oy:n kanssa siirtyi ensi viikolle.",
    "Suomen Posti ja Airam Electric vahvistivat uudet hinnat.",
    "Kampanja Kesäinen Kattaus alkaa maanantaina, koodi SYKSY24.",
    "Leverans via DB Schenker till Göteborg Hamn, order {order}.",
    "Sprint Review and Planning Poker moved to Thursday.",
    "Please escalate to the Customer Experience Team before Friday.",
    "Varasto Tuusula Logistics Park suljettu 6.12., avataan klo {hh}.{mm}.",
    "Inventaario: {count} kpl, erä {lot}, versio {version}.",
    "Kassajärjestelmä Lumo POS {version} päivitetty, tapahtumia {count}.",
]


def notes_file(leak: Leak, rel: str, people: list[Person], lang: str) -> None:
    rng = leak.rng
    facts = Facts()
    paras = []
    for p in people:
        tpl = rng.choice(NOTES[lang])
        vals = {"name": p.name, "hh": f"{rng.randint(8, 17):02d}", "mm": f"{rng.randint(0, 59):02d}",
                "email": p.email, "custno": p.custno, "ean": ean13(rng), "amount": money(rng),
                "refund": id_like(rng, 15)}
        facts.name(p.name, p)
        if "{email}" in tpl:
            facts.add("email", p.email, p)
        if "{custno}" in tpl:
            facts.add("customer_number", p.custno, p)
        if "{phone}" in tpl:
            vals["phone"] = p.phone.shown(rng, 0.2)
            facts.phone(p.phone, p)
        if "{address}" in tpl:
            vals["address"], truth = p.address.written(rng)
            facts.add("postal_address", truth, p)
        date = f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.2024"
        paras.append(f"{date} / {rng.choice(['HK', 'TL', 'asiakaspalvelu', 'MV'])}\n" + tpl.format(**vals))
        if rng.random() < 0.5:
            paras.append(rng.choice(NOTE_DECOYS).format(order=id_like(rng, 14), hh="08", mm="30",
                                                         count=rng.randint(1_000_000, 9_999_999),
                                                         lot=digits(rng, 7),
                                                         version=f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"))
    leak.write(rel, "\n\n".join(paras) + "\n", facts)


def letters(leak: Leak, folder: str, people: list[Person]) -> None:
    """Payment reminders: name and address block without labels, the company's shared details."""
    rng = leak.rng
    sw, sw164 = SWITCHBOARDS["fi_vaihde"]
    company_iban = "FI4950009420028730"
    assert iban_ok(company_iban)
    for p in people:
        facts = Facts()
        addr_text, addr_truth = p.address.written(rng, multiline=True)
        invoice = digits(rng, 7)
        text = (f"{COMPANY['name']:<52}MAKSUMUISTUTUS\n"
                f"{COMPANY['street']}, {COMPANY['postcode']} {COMPANY['city']:<26}Päiväys {rng.randint(1, 28)}.10.2024\n\n"
                f"{p.name}\n{addr_text}\n\n"
                f"Asiakasnumero: {p.custno}\nLaskun numero: {invoice}\nViitenumero: {fi_reference(rng, 12)}\n"
                f"Eräpäivä: {rng.randint(1, 28)}.11.2024\nAvoin summa: {money(rng)} €\n\n"
                f"Maksathan avoimen summan tilille {iban_shown(rng, company_iban)} viitenumerolla.\n"
                f"Kysyttävää? Soita {sw} tai kirjoita {role('laskutus')}.\n")
        facts.name(p.name, p)
        facts.add("postal_address", addr_truth, p)
        facts.add("customer_number", p.custno, p)
        facts.add("iban", company_iban, None)
        facts.add("phone", sw164, None)
        facts.add("email", role("laskutus"), None)
        facts.add("postal_address", f"{COMPANY['street']} {COMPANY['postcode']} {COMPANY['city']}", None)
        leak.write(f"{folder}/maksumuistutus_{invoice}.txt", text, facts)


# ---- SQL dumps


def sql_str(v: str) -> str:
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def mysqldump(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    rows = []
    for i, p in enumerate(people, 1):
        ph = p.phone.shown(rng, 0.3)
        rows.append("(" + ",".join([
            str(i), sql_str(p.custno), sql_str(p.first), sql_str(p.last), sql_str(p.email),
            sql_str(ph), sql_str(p.address.street), sql_str(p.address.postcode),
            sql_str(p.address.city), sql_str(ts(rng, rng.randint(2015, 2024)).strftime("%Y-%m-%d %H:%M:%S")),
        ]) + ")")
        facts.add("customer_number", p.custno, p)
        facts.name(p.name, p)
        facts.add("email", p.email, p)
        facts.phone(p.phone, p)
        facts.add("postal_address", p.address.canonical(), p)
    orders = []
    for i in range(1, len(people) * 2 + 1):
        orders.append(f"({i},{id_like(rng, 14)},{rng.randint(1, len(people))},'{ean13(rng)}',"
                      f"{money(rng, False)},'{ts(rng).strftime('%Y-%m-%d %H:%M:%S')}',{digits(rng, 7)})")
    text = f"""-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: db-prod-2.lumo.internal    Database: verkkokauppa
-- ------------------------------------------------------
-- Server version	8.0.36-0ubuntu0.22.04.1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;

--
-- Table structure for table `asiakkaat`
--

DROP TABLE IF EXISTS `asiakkaat`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE `asiakkaat` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `asiakasnumero` char(7) NOT NULL,
  `etunimi` varchar(64) NOT NULL,
  `sukunimi` varchar(64) NOT NULL,
  `sahkoposti` varchar(255) DEFAULT NULL,
  `puhelin` varchar(32) DEFAULT NULL,
  `katuosoite` varchar(128) DEFAULT NULL,
  `postinumero` varchar(10) DEFAULT NULL,
  `postitoimipaikka` varchar(64) DEFAULT NULL,
  `luotu` datetime NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `asiakasnumero` (`asiakasnumero`)
) ENGINE=InnoDB AUTO_INCREMENT={len(people) + 1} DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `asiakkaat`
--

LOCK TABLES `asiakkaat` WRITE;
/*!40000 ALTER TABLE `asiakkaat` DISABLE KEYS */;
INSERT INTO `asiakkaat` VALUES {",".join(rows)};
/*!40000 ALTER TABLE `asiakkaat` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `tilaukset`
--

DROP TABLE IF EXISTS `tilaukset`;
CREATE TABLE `tilaukset` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `tilausnumero` bigint NOT NULL,
  `asiakas_id` int unsigned NOT NULL,
  `ean` char(13) NOT NULL,
  `summa` decimal(10,2) NOT NULL,
  `tilattu` datetime NOT NULL,
  `varastoviite` int NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

LOCK TABLES `tilaukset` WRITE;
INSERT INTO `tilaukset` VALUES {",".join(orders)};
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

-- Dump completed on 2024-10-03  2:15:07
"""
    leak.write(rel, text, facts)


def pg_dump(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    copy = []
    for i, p in enumerate(people, 1):
        iban = iban_shown(rng, p.iban) if p.iban else "\\N"
        copy.append("\t".join([str(1000 + i), p.name, p.email, p.phone.shown(rng, 0.4),
                               p.address.street, p.address.postcode, p.address.city, iban, p.custno,
                               ts(rng).strftime("%Y-%m-%d %H:%M:%S+03")]))
        facts.name(p.name, p)
        facts.add("email", p.email, p)
        facts.phone(p.phone, p)
        facts.add("postal_address", p.address.canonical(), p)
        facts.add("customer_number", p.custno, p)
        if p.iban:
            facts.add("iban", p.iban, p)
    refunds = []
    for i in range(1, len(people) + 1):
        refunds.append("\t".join([str(i), id_like(rng, rng.choice([14, 15, 16])), id_like(rng, 16),
                                  str(1000 + rng.randint(1, len(people))), money(rng, False),
                                  rng.choice(["damaged", "late", "wrong_size", "other"])]))
    optins = []
    for i, p in enumerate(rng.sample(people, max(1, len(people) // 5)), 1):
        optins.append(f"INSERT INTO public.newsletter_optins VALUES ({i}, '{p.email}', '{ts(rng).date()}', 'web');")
        facts.add("email", p.email, p)
    text = f"""--
-- PostgreSQL database dump
--

-- Dumped from database version 15.6 (Debian 15.6-0+deb12u1)
-- Dumped by pg_dump version 15.6 (Debian 15.6-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);

--
-- Name: contacts; Type: TABLE; Schema: public; Owner: crm
--

CREATE TABLE public.contacts (
    contact_id integer NOT NULL,
    full_name text NOT NULL,
    email text,
    phone text,
    street_address text,
    postal_code text,
    city text,
    iban text,
    customer_no character(7),
    created_at timestamp with time zone DEFAULT now()
);

ALTER TABLE public.contacts OWNER TO crm;

CREATE TABLE public.refunds (
    id integer NOT NULL,
    refund_id bigint NOT NULL,
    transaction_id bigint NOT NULL,
    contact_id integer,
    amount numeric(10,2),
    reason text
);

CREATE TABLE public.newsletter_optins (
    id integer NOT NULL,
    email text NOT NULL,
    opted_in date,
    source text
);

--
-- Data for Name: contacts; Type: TABLE DATA; Schema: public; Owner: crm
--

COPY public.contacts (contact_id, full_name, email, phone, street_address, postal_code, city, iban, customer_no, created_at) FROM stdin;
{chr(10).join(copy)}
\\.


--
-- Data for Name: refunds; Type: TABLE DATA; Schema: public; Owner: crm
--

COPY public.refunds (id, refund_id, transaction_id, contact_id, amount, reason) FROM stdin;
{chr(10).join(refunds)}
\\.


--
-- Data for Name: newsletter_optins; Type: TABLE DATA; Schema: public; Owner: crm
--

{chr(10).join(optins)}

--
-- PostgreSQL database dump complete
--
"""
    leak.write(rel, text, facts)


def sqlite_dump(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    users = []
    sessions = []
    for i, p in enumerate(people, 1):
        ip = rng.choice(p.ips)
        name = p.name.replace("'", "''")
        users.append(f"INSERT INTO users VALUES({i},'{name}','{p.email}','{p.phone.e164}','{ip}',"
                     f"'{ts(rng).strftime('%Y-%m-%d %H:%M:%S')}','{rng.randint(3, 4)}.{rng.randint(0, 15)}.{rng.randint(0, 9)}');")
        facts.name(p.name, p)
        facts.add("email", p.email, p)
        facts.phone(p.phone, p)
        facts.add("ip_address", ip, p)
        for _ in range(rng.randint(0, 2)):
            sessions.append(f"INSERT INTO sessions VALUES('{rng.getrandbits(128):032x}',{i},"
                            f"'{ts(rng).strftime('%Y-%m-%d %H:%M:%S')}',{rng.randint(1_000_000, 9_999_999)});")
    text = ("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
            "CREATE TABLE users (id INTEGER PRIMARY KEY, display_name TEXT NOT NULL, email TEXT UNIQUE, "
            "phone TEXT, last_ip TEXT, created_at TEXT, app_version TEXT);\n"
            + "\n".join(users) + "\n"
            "CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id INTEGER REFERENCES users(id), "
            "started_at TEXT, duration_ms INTEGER);\n"
            + "\n".join(sessions) + "\n"
            "CREATE INDEX idx_sessions_user ON sessions(user_id);\nCOMMIT;\n")
    leak.write(rel, text, facts)


# ---- HTML and vCards


def html_table(leak: Leak, rel: str, people: list[Person]) -> None:
    rng = leak.rng
    facts = Facts()
    rows = []
    for i, p in enumerate(people, 1):
        addr_text, addr_truth = p.address.written(rng)
        ph = p.phone.shown(rng, 0.2)
        cells = [str(rng.randint(1000, 9999)), p.name,
                 f'<a href="mailto:{p.email}">{p.email}</a>', ph, addr_text]
        if i % 2:
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        else:
            rows.append("<tr>\n" + "\n".join(f"  <td>{c}</td>" for c in cells) + "\n</tr>")
        facts.name(p.name, p)
        facts.add("email", p.email, p)
        facts.phone(p.phone, p)
        facts.add("postal_address", addr_truth, p)
    sw, sw164 = SWITCHBOARDS["fi_vaihde"]
    text = f"""<!DOCTYPE html>
<html lang="fi">
<head><meta charset="utf-8"><title>Jäsenrekisteri 2024 – Lumo Kanta-asiakasklubi</title></head>
<body>
<h1>Kanta-asiakasklubin jäsenet 2024</h1>
<p>Päivitetty 3.10.2024, versio 2.14.1. Yhteydet: {role('info')}, puh. {sw}.</p>
<table class="members">
<thead><tr><th>Jäsennumero</th><th>Nimi</th><th>Sähköposti</th><th>Puhelin</th><th>Osoite</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""
    facts.add("email", role("info"), None)
    facts.add("phone", sw164, None)
    leak.write(rel, text, facts)


def vcard(rng: random.Random, p: Person, facts: Facts) -> str:
    a = p.address
    country = {"FI": "Finland", "SE": "Sweden", "US": "USA", "CA": "Canada", "DE": "Germany",
               "FR": "France"}[a.country]
    v4 = rng.random() < 0.3
    lines = ["BEGIN:VCARD", "VERSION:4.0" if v4 else "VERSION:3.0",
             f"N:{p.last};{p.first};{p.middle};;", f"FN:{p.full}"]
    facts.name(p.full, p)
    for ph in (p.mobile, p.landline):
        if ph:
            kind = "cell" if ph.kind == "mobile" else "home"
            shown = ph.shown(rng, 0.5)
            lines.append(f"TEL;TYPE={kind}:{shown}" if not v4 else f'TEL;VALUE=uri;TYPE="{kind},voice":tel:{ph.e164}')
            facts.phone(ph, p)
    lines.append(f"EMAIL;TYPE=home:{p.email}" if not v4 else f"EMAIL;TYPE=home:{p.email}")
    facts.add("email", p.email, p)
    region = a.state
    lines.append(f"ADR;TYPE=home:;;{a.street};{a.city};{region};{a.postcode};{country}")
    facts.add("postal_address", a.canonical(), p)
    if rng.random() < 0.3:
        lines.append(f"BDAY:{p.birth.isoformat()}")
    lines.append(f"REV:{ts(rng).strftime('%Y%m%dT%H%M%SZ')}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def vcards(leak: Leak, rel_all: str, folder_single: str, people: list[Person], singles: int) -> None:
    rng = leak.rng
    facts = Facts()
    leak.write(rel_all, "".join(vcard(rng, p, facts) for p in people[singles:]), facts)
    for p in people[:singles]:
        f = Facts()
        slug = ascii_fold(p.name).lower().replace(" ", "_").replace("'", "")
        leak.write(f"{folder_single}/{slug}_{p.sid[-3:]}.vcf", vcard(rng, p, f), f)


# ---- noise


def noise(leak: Leak) -> None:
    rng = leak.rng
    lines = ["tuotenumero;EAN;tuotenimi;hinta;varastosaldo;päivitetty"]
    for _ in range(600):
        lines.append(f"{digits(rng, 7)};{ean13(rng)};{rng.choice(['Kahvimuki', 'Villasukat', 'Retkilamppu', 'Leikkuulauta', 'Sateenvarjo'])} "
                     f"{rng.randint(1, 99)};{money(rng)};{rng.randint(0, 900)};{ts(rng).strftime('%d.%m.%Y %H:%M')}")
    leak.write("noise/tuotteet.csv", "\n".join(lines) + "\n", Facts())
    lines = ["laskunumero;viitenumero;eräpäivä;summa;tila"]
    for _ in range(800):
        lines.append(f"{digits(rng, 7)};{fi_reference(rng, rng.choice([7, 10, 12]))};"
                     f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.2024;{money(rng)};{rng.choice(['avoin', 'maksettu', 'muistutettu'])}")
    leak.write("noise/laskut_2024.csv", "\n".join(lines) + "\n", Facts())
    lines = ["device_id,timestamp,reading,counter,firmware"]
    t = dt.datetime(2024, 9, 1)
    for _ in range(1500):
        t += dt.timedelta(minutes=5)
        lines.append(f"sensor-{rng.randint(1, 40):03d},{t.isoformat()},{rng.randint(1_000_000, 9_999_999)},"
                     f"{rng.randint(1_000_000, 9_999_999)},1.{rng.randint(0, 9)}.{rng.randint(0, 30)}")
    leak.write("noise/sensor_export.csv", "\n".join(lines) + "\n", Facts())
    out = []
    t = dt.datetime(2024, 10, 2, 23, 0)
    for i in range(1500):
        t += dt.timedelta(seconds=rng.randint(1, 20))
        out.append(rng.choice([
            f"[{t.isoformat()}] Compiling lumo-core v{rng.randint(0, 3)}.{rng.randint(0, 40)}.{rng.randint(0, 9)}",
            f"[{t.isoformat()}] Downloaded {rng.randint(1_000_000, 9_999_999)} bytes in {rng.randint(1, 99)}.{rng.randint(0, 9)}s",
            f"[{t.isoformat()}] test result: ok. {rng.randint(100, 4000)} passed; 0 failed; finished in {rng.randint(1, 300)}.{rng.randint(10, 99)}s",
            f"[{t.isoformat()}] artifact sha256:{rng.getrandbits(256):064x}",
            f"[{t.isoformat()}] job {id_like(rng, 15)} queued at position {rng.randint(1, 40)}",
            f"[{t.isoformat()}] image registry.lumo.internal/shop:{rng.randint(1, 4)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}-{rng.getrandbits(24):06x}",
            f"[{t.isoformat()}] checksum mismatch crc32=0x{rng.getrandbits(32):08x}, retrying in {rng.randint(1, 9)}s",
        ]))
    leak.write("noise/ci_build.log", "\n".join(out) + "\n", Facts())
    wrong = []
    for _ in range(40):
        b = dt.date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
        n = rng.randint(2, 899)
        yy = b.year % 100
        num = int(f"{b.day:02d}{b.month:02d}{yy:02d}{n:03d}")
        bad = HETU_CHECK[(num + rng.randint(1, 30)) % 31]
        sign = "-" if b.year < 2000 else "A"
        wrong.append(f"{b.day:02d}{b.month:02d}{yy:02d}{sign}{n:03d}{bad}")
    bad_ibans = []
    for _ in range(20):
        good = iban_of("FI", digits(rng, 14))
        bad_ibans.append(good[:2] + f"{(int(good[2:4]) + rng.randint(1, 9)) % 100:02d}" + good[4:])
    conf = ["# shop.yaml", "server:", "  listen: 0.0.0.0:8080", "  upstream: 10.20.1.5",
            "  version: 3.2.1.7", "database:", "  host: db-prod-2.lumo.internal", "  pool: 32",
            "validation_test_data:", "  # intentionally invalid identifiers for the validator's tests"]
    conf += [f"  - hetu: '{w}'" for w in wrong] + [f"  - iban: '{b}'" for b in bad_ibans]
    leak.write("noise/config/shop.yaml", "\n".join(conf) + "\n", Facts())


# --------------------------------------------------------------------------------------------
# The corpus


def build(leak: Leak, people: list[Person], staff: list[Person]) -> None:
    rng = leak.rng

    def pick(pool, share):
        return [p for p in pool if rng.random() < share]

    by = lambda *kinds: [p for p in people if p.kind in kinds]  # noqa: E731
    fi_res = by("fi", "fse", "eu_fi")
    fi_export(leak, "exports/asiakasrekisteri_2024.csv", fi_res)
    se_export(leak, "exports/kundregister_se.csv", by("sv"))
    na_export(leak, "exports/customers_north_america.csv", by("us", "ca"))
    eu_export(leak, "exports/eu_customers.csv", by("de", "fr"))
    headerless_export(leak, "exports/vanhat/asiakkaat_2016.csv", pick(fi_res, 0.15))
    newsletter_export(leak, "exports/newsletter_subscribers.csv", pick(people, 0.2))
    payments_csv(leak, "payments/card_transactions_2024Q3.csv", [p for p in people if p.card and rng.random() < 0.7])
    mbox_file(leak, "mail/asiakaspalvelu_2024.mbox", pick(people, 0.25), staff)
    eml_files(leak, "mail/saapuneet", pick(people, 0.04), staff)
    ndjson_users(leak, "dumps/mobile_users.ndjson", pick(people, 0.3))
    crm_json(leak, "dumps/crm_kunder.json", pick(by("sv", "fse"), 0.5))
    app_log(leak, "logs/app-2024-10-03.log", pick(people, 0.4))
    access_log(leak, "logs/nginx_access.log", pick(people, 0.1))
    sensor_log(leak, "logs/sensors.log", 3000)
    notes_file(leak, "notes/puhelumuistiinpanot.txt", pick(by("fi", "eu_fi"), 0.12), "fi")
    notes_file(leak, "notes/anteckningar_kundtjanst.txt", pick(by("sv", "fse"), 0.12), "sv")
    notes_file(leak, "notes/account_notes.txt", pick(by("us", "ca", "de", "fr"), 0.12), "en")
    letters(leak, "letters", pick(fi_res, 0.03))
    my = rng.sample(people, min(1000, len(people)))
    mysqldump(leak, "sql/verkkokauppa_mysqldump.sql", my)
    pg_dump(leak, "sql/crm_pg_dump.sql", pick(people, 0.15))
    sqlite_dump(leak, "sql/mobile_app.sqlite.sql", pick(people, 0.1))
    html_table(leak, "web/jasenrekisteri_2024.html", pick(fi_res, 0.08))
    vc = pick(people, 0.08)
    vcards(leak, "contacts/yhteystiedot.vcf", "contacts/vip", vc, min(20, len(vc) // 3))
    noise(leak)


def bulk(leak: Leak, people: list[Person], staff: list[Person], target_bytes: int) -> None:
    """Further files of 100 KiB – 1 MiB each, people drawn at random, until the leak is large."""
    rng = leak.rng
    n = 0

    def stream():
        while True:
            yield rng.choice(people)

    while leak.bytes < target_bytes:
        n += 1
        folder = f"bulk/{n // 200:04d}"
        size = rng.randint(100 * 1024, 1024 * 1024)
        kind = rng.choices(["log", "csv", "ndjson", "mbox", "notes", "sql", "sensor"],
                           [40, 18, 14, 10, 6, 6, 6])[0]
        if kind == "log":
            app_log(leak, f"{folder}/app-{n:06d}.log", stream(), target=size)
        elif kind == "csv":
            k = max(1, size // 160)
            chunk = [rng.choice(people) for _ in range(k)]
            chunk = list({p.sid: p for p in chunk}.values())
            f = rng.choice([(fi_export, "asiakkaat"), (se_export, "kunder"), (na_export, "customers"),
                            (headerless_export, "export")])
            f[0](leak, f"{folder}/{f[1]}-{n:06d}.csv", chunk)
        elif kind == "ndjson":
            ndjson_users(leak, f"{folder}/users-{n:06d}.ndjson", stream(), target=size)
        elif kind == "mbox":
            mbox_file(leak, f"{folder}/support-{n:06d}.mbox", stream(), staff, target=size)
        elif kind == "notes":
            chunk = list({p.sid: p for p in (rng.choice(people) for _ in range(size // 160))}.values())
            notes_file(leak, f"{folder}/notes-{n:06d}.txt", chunk, rng.choice(["fi", "sv", "en"]))
        elif kind == "sql":
            chunk = list({p.sid: p for p in (rng.choice(people) for _ in range(size // 400))}.values())
            mysqldump(leak, f"{folder}/dump-{n:06d}.sql", chunk)
        else:
            sensor_log(leak, f"{folder}/sensors-{n:06d}.log", size // 110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=pathlib.Path, help="the leak directory (created; must be empty)")
    ap.add_argument("--people", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size-mib", type=float, default=0,
                    help="add files of 100 KiB–1 MiB until the leak holds this many MiB")
    ap.add_argument("--truth", type=pathlib.Path, help="default: OUT/../truth.tsv")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    names = load_names(args.quiet)
    out = args.out
    if out.exists() and any(out.iterdir()):
        sys.exit(f"gen.py: {out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    side = out.resolve().parent
    truth_path = (args.truth or side / "truth.tsv").resolve()
    if truth_path.is_relative_to(out.resolve()):
        sys.exit("gen.py: the truth must not be inside the leak (the scanner would read it)")
    rng = random.Random(args.seed)
    random.seed(args.seed)  # csv_cell's occasional quoting

    factory = People(rng, names)
    people = [factory.make() for _ in range(args.people)]
    staff = [factory.make(kind=rng.choice(["fi", "fi", "fse"]), staff=True)
             for _ in range(max(6, args.people // 200))]
    leak = Leak(out, truth_path, rng)
    build(leak, people, staff)
    if args.size_mib:
        bulk(leak, people, staff, int(args.size_mib * 1024 * 1024))
    leak.close()
    (side / "subjects.txt").write_text(f"{len(leak.subjects)}\n", encoding="utf-8")
    with open(side / "ignore.tsv", "w", encoding="utf-8") as f:
        f.write("# personal data planted in the leak that the scanner's categories do not cover\n"
                "# (Swedish personnummer): score.py counts a finding of it neither way.\n")
        for rel, cat, value in sorted(leak.ignore_rows):
            f.write(f"{rel}\t{cat}\t{value}\n")
    staff_seen = sum(1 for s in staff if s.sid in leak.subjects)
    if not args.quiet:
        print(f"wrote {leak.files} files, {leak.bytes / 1048576:.1f} MiB, to {out}; "
              f"{leak.rows} truth rows in {truth_path}; "
              f"{len(leak.subjects)} data subjects ({len(leak.subjects) - staff_seen} customers, "
              f"{staff_seen} staff) in {side / 'subjects.txt'}", file=sys.stderr)


if __name__ == "__main__":
    main()
