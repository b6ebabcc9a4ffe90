//! Detection: candidates by pattern, confirmed by validation, so that look-alikes (order numbers,
//! invoice references, dates, version strings) are not reported.

use std::cell::RefCell;
use std::net::Ipv4Addr;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use regex_automata::{Input, MatchKind, hybrid, meta};
use smol_str::{SmolStr, StrExt as _, format_smolstr};

use crate::context::{self, CustomerNumbers};
use crate::doc::Cue;
use crate::names::{Written, by_place_near};
use crate::rules;

pub use breachdesk_pii::Category;

/// One validated occurrence: its category and its value in a normal form (for counting distinct
/// values and linking), never logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub category: Category,
    pub value: SmolStr,
    /// Whether a Finnish or Swedish national number's country was guessed, and from what
    /// (`044 856 5548`: a Finnish mobile or Kristianstad's area code). The linker may read a
    /// guessed number as the other country's when the leak holds that number with its country
    /// certain and never this one ([`crate::link`]).
    pub country: Country,
    /// A masked card (`****1845`, `4156 **** **** 1845`): its last four digits, never a finding
    /// (the card number is not there), only what links a card's holder to a customer whose
    /// records show the same card masked ([`crate::link`]).
    pub masked_card: bool,
}

/// How a phone number's country was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    /// From the number as written (`+358 44 …`), or the plans of only one country allow it.
    Written,
    /// Both plans allow it, and its record's own words chose (`sms skickat till 044-856 55 48`).
    ByItsRecord,
    /// Both plans allow it and its record says nothing either way (a log line of keys and
    /// numbers): the rest of its text chose, a vote over everyone else in it.
    ByItsText,
}

impl Country {
    /// Whether the country is the number's own.
    #[must_use]
    pub fn certain(self) -> bool {
        self == Self::Written
    }
}

impl Hit {
    /// A finding as the text says it.
    #[must_use]
    pub fn new(category: Category, value: impl Into<SmolStr>) -> Self {
        Self {
            category,
            value: value.into(),
            country: Country::Written,
            masked_card: false,
        }
    }
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(rules::pattern("email")).expect("rule pattern"));
// International (+358 / 00358 / +46 …) and Finnish or Swedish national mobile formats.
/// A date written with separators (`01-12-2024`, `05 12 2026`): never a national number. The
/// shape of `\d{1,2}[-. /]\d{1,2}[-. /](?:19|20)\d\d`, checked on the bytes (this runs on every
/// national phone candidate).
fn date_shaped(raw: &str) -> bool {
    let sep = |b: u8| matches!(b, b'-' | b'.' | b' ' | b'/');
    let mut parts = raw.as_bytes().split(|&b| sep(b));
    let (Some(d), Some(m), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let all_digits = |p: &[u8]| p.iter().all(u8::is_ascii_digit);
    (1..=2).contains(&d.len())
        && (1..=2).contains(&m.len())
        && y.len() == 4
        && all_digits(d)
        && all_digits(m)
        && all_digits(y)
        && matches!(&y[..2], b"19" | b"20")
}

/// Shaped like a US social security number (`012-75-4961`: three, two and four digits with
/// hyphens): no national telephone number is grouped so.
fn ssn_shaped(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.len() == 11
        && b[3] == b'-'
        && b[6] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 3 || i == 6 || c.is_ascii_digit())
}

/// Shaped like an identity code (`\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]`), whatever its check character.
fn hetu_shaped(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.len() == 11
        && b[..6].iter().all(u8::is_ascii_digit)
        && matches!(b[6], b'-' | b'+' | b'A'..=b'F' | b'U'..=b'Y')
        && b[7..10].iter().all(u8::is_ascii_digit)
        && (b[10].is_ascii_digit() || matches!(b[10], b'A'..=b'Y'))
}

/// The identifiers made of digits (and an IBAN's country code), found in one pass of one
/// automaton: a pattern per kind, the first listed winning where two start at the same place.
/// One pass costs about a quarter of five.
/// Compiled without Unicode: `\d` is `[0-9]` (the identifiers are ASCII digits) and `(?i)` folds
/// ASCII only; the rules' `\b` are ASCII already. A rule for these categories must so stay
/// within what an ASCII pattern may say (no `.` or `[^…]`, which could match within a UTF-8
/// character and are refused when this is built), as `rules.toml` says.
static NUMBERS: LazyLock<meta::Regex> = LazyLock::new(|| {
    meta::Builder::new()
        .configure(meta::Config::new().hybrid_cache_capacity(DFA_CACHE))
        .syntax(regex_automata::util::syntax::Config::new().unicode(false))
        .build_many(&[
            rules::pattern("national_id"),
            rules::pattern("iban"),
            rules::pattern("phone"),
            rules::pattern("payment_card"),
            rules::pattern("ip_address"),
            MASKED_CARD,
        ])
        .expect("rule patterns")
});

/// The lazy DFA's cache per pattern set and thread: the default 2 MiB is rebuilt again and
/// again on a large leak (a `perf` of 256 MiB showed a fifth of the time in determinisation).
const DFA_CACHE: usize = 16 * 1024 * 1024;
const N_HETU: usize = 0;
const N_IBAN: usize = 1;
const N_PHONE: usize = 2;
const N_CARD: usize = 3;
const N_IP: usize = 4;
const N_MASKED: usize = 5;

/// A word of cards before a mask that keeps only the last digits.
static MASKED_CARD_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:card|kort|pan|visa|mastercard|amex)[^\n]{0,12}$").expect("static regex")
});

/// The words of cards. Not Swedish `visa` (show) nor `credit`/`debit`, which bank statements
/// write before amounts and references.
const CARD_WORDS: &str =
    "cards?|cc|kortti|kortin|korttinumero|kortnummer|kort|kortet|mastercard|maestro|amex|jcb";

/// What may stand between a word of cards and its number: blanks, signs and the words of a
/// label (`card # `, `credit card number is `, `kortin numero on `).
const CARD_LABEL: &str = r"(?:[ \t#:=.-]|\b(?:number|no|nr|nro|numero|nummer|is|on|är)\b){1,16}$";

/// A word of cards just before a number (`card # `, `cc `): what a short card number needs to
/// count.
static CARD_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b(?:{CARD_WORDS}){CARD_LABEL}")).expect("static regex")
});

/// A word of cards after a preposition just before a number (`transactions of card `, `paid
/// with card `, `refund to my debit card `, `retur till ert kort `), or a Finnish card word in a
/// case that says the same (`Hyvitys kortille `, `Lasku kortilleni `; a word of its own, not the
/// end of `ID-kortilla`, `Hyvitys-kortille`, `lahjakortille`): it outweighs a word of references
/// further back, which is then about the card, not the number. Right after a word of references
/// (`Order card `, `ID card `, `Refund gift card `) the card word is part of the reference's
/// name. Not for a product code's label (`EAN for card `) nor a short number.
static CARD_AFTER_A_PREPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:\b(?:of|for|on|with|to|from|by|via|using|på|med|till|från|för|av)[ \t]+(?:(?:the|my|your|our|their|his|her|this|that|a|min|mitt|din|ditt|er|ert|vår|vårt|sin|sitt|deras)[ \t]+)?(?:(?:credit|debit|payment|bank|visa|kredit|debet|betal)[ \t]+)?(?:{CARD_WORDS})|(?:^|[ \t])(?:maksu|luotto|pankki|debit|credit)?kort(?:ille|illa|ilta|ista)(?:ni|si|nsa|nsä|mme|nne|en|an|än)?){CARD_LABEL}"
    ))
    .expect("static regex")
});

/// A card masked as payment systems log and print it: the last four digits shown, the first
/// four or six perhaps, the rest starred or crossed out.
const MASKED_CARD: &str = r"(?:(?-u:\b)[0-9]{4,6}[ -]?)?(?:\*{4}|X{4}|x{4})(?:[ -]?(?:\*{2,8}|X{2,8}|x{2,8})){0,3}[ -]?[0-9]{4}(?-u:\b)";

thread_local! {
    static NUMBERS_CACHE: RefCell<meta::Cache> = RefCell::new(NUMBERS.create_cache());
}

/// Where to look again after a candidate that did not validate: at the next word inside it (a
/// phone number after a run of digits that is no card), or after it.
fn restart(text: &str, start: usize, end: usize) -> usize {
    let b = text.as_bytes();
    (start + 1..end)
        .find(|&p| {
            matches!(b[p - 1], b' ' | b'-' | b'.') && (b[p].is_ascii_alphanumeric() || b[p] == b'+')
        })
        .unwrap_or(end)
}

/// Part of a longer token: joined to letters or digits by a hyphen or a dot on that side
/// (`db3ce18a-…`, `1.2.3.4-beta`).
fn glued(a: Option<char>, b: Option<char>) -> bool {
    matches!(a, Some('-' | '.')) && b.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Whether `rest` (the text right after a phone number) begins with an extension that ends
/// there: `x704`, `ext. 55`, `ext 1234` — the number before it is a phone number all the same
/// (`289-755-8556x659`), and the extension is no part of it.
fn extension_follows(rest: &str) -> bool {
    let b = rest.as_bytes();
    let skip = if matches!(b.first(), Some(b'x' | b'X')) {
        1
    } else if b.len() > 3 && b[..3].eq_ignore_ascii_case(b"ext") {
        let mut i = 3;
        if b.get(i) == Some(&b'.') {
            i += 1;
        }
        if b.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    } else {
        return false;
    };
    let digits = b[skip..].iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=5).contains(&digits)
        && !rest[skip + digits..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
}
static DOB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(rules::pattern("date_of_birth")).expect("rule pattern"));
static CREDENTIAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(rules::pattern("credential")).expect("rule pattern"));
// "Nimi: Maija Meikäläinen", "Name: John Smith", "Namn: Erik Svensson" — two or three capitalised words.
static LABELLED_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(rules::pattern("person_name")).expect("rule pattern"));
// A Finnish or Swedish street address with its postcode: "Mannerheimintie 1 A 2, 00100 Helsinki",
// "Storgatan 5, 111 22 Stockholm".
static ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(rules::pattern("postal_address")).expect("rule pattern"));
static HEALTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(rules::pattern("health")).expect("rule pattern"));

/// A label that says phone, with up to three small words after it (`Phone number is`, `Tel.
/// no.`), and the number after it, on the same line or the next (group 1); or a word of calling
/// or texting and a blank, with up to three small words (`call me at`, `answering at`, `messages
/// to`), and the number (group 2). What [`crate::plans`] reads when the numbers automaton's
/// reading did not take the number.
static PHONE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    let lists = &rules::RULES.lists;
    Regex::new(&format!(
        r"(?i)(?:^|[^\p{{L}}])(?:(?:{labels})(?:[ \t]+(?:{between}|{label_between})){{0,3}}[ \t]*[.:=]?[ \t]*(?:\r?\n[ \t]*)?{PHONE_DIGITS}|(?:{verbs})(?:[ \t]+(?:{between})){{0,3}}[ \t]+{PHONE_DIGITS})",
        labels = rules::alternation(&lists.phone_labels),
        verbs = rules::alternation(&lists.phone_verbs),
        between = rules::alternation(&lists.phone_between),
        label_between = rules::alternation(&lists.phone_label_between),
    ))
    .expect("static regex")
});

/// What a number after a label may look like (the plans decide whether it is one).
const PHONE_DIGITS: &str = r"(\(?[0-9][0-9 .()/-]{4,18}[0-9])";

/// A number alone on its line with a label after it, as a business card writes it (`22 171741
/// office`, `9381 8821 (mobile)`, `+41 58 567 28 72 fax`); the number is group 1 (with a `+`,
/// which the numbers automaton reads). Its own pass, so that a label it takes at a line's end is
/// still read by [`PHONE_LABEL`] for the number on the next line.
static PHONE_LABEL_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let after = rules::alternation(&rules::RULES.lists.phone_labels_after);
    Regex::new(&format!(
        r"(?im)^[ \t]*(\+?{PHONE_DIGITS})[ \t]+(?:{after}|\((?:{after})\))[ \t]*\r?$"
    ))
    .expect("static regex")
});

/// What a line of numbers with a word after it is when it is no business card's: a numbered
/// list's item (`1. 9381 8821 home`), a count grouped by thousands with dots (`125.000 home`), a
/// range of years (`2015-2019 koti`) or of clock times (`1500-1700 work`), a date written with a
/// blank (`12.03. 2024`).
static NOT_ON_A_CARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[0-9]{1,3}[.)][ \t]|[1-9][0-9]{0,2}(?:\.[0-9]{3})+$|(?:19|20)[0-9]{2} ?[-/ ] ?(?:19|20)[0-9]{2}$|[0-2][0-9][0-5][0-9] ?- ?[0-2][0-9][0-5][0-9]$|[0-9]{1,2}\.[0-9]{1,2}\. (?:19|20)[0-9]{2}$)",
    )
    .expect("static regex")
});

/// Runs of digits no phone number is written as, whatever the words before them: a date with a
/// two-digit year (`12.03.24`, `03/12/24`), a time range (`14.30-15.00`), a dotted quad
/// (`2.23.20.76`), a sum with decimals (`1 299.00`).
static NOT_A_PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{2}|[0-9]{1,2}\.[0-9]{2} ?- ?[0-9]{1,2}\.[0-9]{2}|[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9 ]+\.[0-9]{2})$")
        .expect("static regex")
});

/// A count or an amount grouped by thousands (`250 000`, `2 345 678`): after a word of calling it
/// is how many (`we phoned 250 000 customers`), not a number to call.
static THOUSANDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[1-9][0-9]{0,2}(?: [0-9]{3})+$").expect("static regex"));

/// A date or a time in a run of digits (`12.03.2024`, `2024-03-12`): no telephone number.
static DATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:19|20)[0-9]{2}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./](?:19|20)[0-9]{2}")
        .expect("static regex")
});

/// The context patterns (date of birth, credential, labelled name, address, health), the
/// hints of the names' places (signature, salutation, words of contact, address block, key,
/// short signature, naming phrase or title) and the phone labels, in one automaton: one
/// overlapping pass over a text says which of them occur — only those are run for their
/// matches — and where each hint of a name's place ends, so that the place's pattern is run
/// on the lines there without a pass of its own.
static CONTEXT_PATTERNS: LazyLock<[&'static str; 14]> = LazyLock::new(|| {
    [
        DOB.as_str(),
        CREDENTIAL.as_str(),
        LABELLED_NAME.as_str(),
        ADDRESS.as_str(),
        HEALTH.as_str(),
        crate::names::SIGNATURE_HINT.as_str(),
        crate::names::SALUTATION_HINT.as_str(),
        crate::names::CONTACT_HINT.as_str(),
        crate::names::ADDRESS_BLOCK_HINT.as_str(),
        crate::names::KEYED_HINT.as_str(),
        crate::names::SHORT_SIGNATURE_HINT.as_str(),
        crate::names::NAMING_HINT.as_str(),
        PHONE_LABEL.as_str(),
        PHONE_LABEL_AFTER.as_str(),
    ]
});
/// The patterns of [`CONTEXT_PATTERNS`] that are hints of a name's place.
const NAME_HINTS: Range<usize> = 5..12;

static CONTEXT: LazyLock<hybrid::dfa::DFA> = LazyLock::new(|| {
    hybrid::dfa::DFA::builder()
        .configure(
            hybrid::dfa::DFA::config()
                .match_kind(MatchKind::All)
                .cache_capacity(DFA_CACHE),
        )
        .build_many(&CONTEXT_PATTERNS[..])
        .expect("static regex set")
});

thread_local! {
    static CONTEXT_CACHE: RefCell<hybrid::dfa::Cache> = RefCell::new(CONTEXT.create_cache());
}

/// How far back from the end of a hint of a name's place the start of its line is looked for
/// (a right-aligned address block's indentation, blanks between a postcode and its town).
const HINT_LINE: usize = 4096;

/// Where the hints of names' places end in a text, by pattern.
type HintEnds = [Vec<usize>; NAME_HINTS.end - NAME_HINTS.start];

/// What the context automaton saw in a text.
struct Signs {
    /// Which patterns occur (bit `i` for pattern `i`).
    occur: u32,
    /// Where the hints of names' places end, by pattern; `None` when the automaton gave up and
    /// the hints must be searched for one by one.
    hint_ends: Option<HintEnds>,
}

impl Signs {
    fn of(text: &str) -> Signs {
        let mut occur = 0u32;
        let mut hint_ends = HintEnds::default();
        let seen = CONTEXT_CACHE.with_borrow_mut(|cache| {
            let input = Input::new(text);
            let mut state = hybrid::dfa::OverlappingState::start();
            loop {
                CONTEXT.try_search_overlapping_fwd(cache, &input, &mut state)?;
                let Some(m) = state.get_match() else {
                    return Ok::<(), regex_automata::MatchError>(());
                };
                let i = m.pattern().as_usize();
                occur |= 1 << i;
                if NAME_HINTS.contains(&i) {
                    let ends = &mut hint_ends[i - NAME_HINTS.start];
                    if ends.last() != Some(&m.offset()) {
                        ends.push(m.offset());
                    }
                }
            }
        });
        match seen {
            Ok(()) => Signs {
                occur,
                hint_ends: Some(hint_ends),
            },
            Err(_) => Signs {
                occur: u32::MAX,
                hint_ends: None,
            },
        }
    }

    fn occurs(&self, i: usize) -> bool {
        self.occur & (1 << i) != 0
    }

    /// Where the hint of a name's place `i` (`hint`, its pattern) stands in `text`: the spans
    /// the automaton's ends give, or the hint's own matches when it gave up.
    fn hints(&self, i: usize, hint: &Regex, text: &str) -> Vec<Range<usize>> {
        if !self.occurs(i) {
            return Vec::new();
        }
        match &self.hint_ends {
            Some(ends) => ends[i - NAME_HINTS.start]
                .iter()
                .map(|&end| {
                    // A hint lies on one line, but for the line break that ends a signature's
                    // phrase: it starts no earlier than the line of its last byte.
                    let last = text.floor_char_boundary(end.saturating_sub(1));
                    let floor = text.floor_char_boundary(last.saturating_sub(HINT_LINE));
                    let start = text[floor..last]
                        .rfind('\n')
                        .map_or(floor, |n| floor + n + 1);
                    start..end
                })
                .collect(),
            None => hint.find_iter(text).map(|m| m.range()).collect(),
        }
    }
}

/// `s` in small letters as `str::to_lowercase` writes it (a word's last `Σ` is `ς`), without a
/// `String` when `s` is ASCII and short.
fn lowercase(s: &str) -> SmolStr {
    if s.is_ascii() {
        s.to_ascii_lowercase_smolstr()
    } else {
        SmolStr::from(s.to_lowercase())
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// All validated personal data in one record of text.
#[must_use]
pub fn detect(
    text: &str,
    customer_number: Option<&CustomerNumbers>,
    role_mailboxes: &[&str],
) -> Vec<Hit> {
    let mut hits = detect_with_masked(text, customer_number, role_mailboxes);
    hits.retain(|h| !h.masked_card);
    hits
}

/// As [`detect`], with the masked cards that only linking reads.
fn detect_with_masked(
    text: &str,
    customer_number: Option<&CustomerNumbers>,
    role_mailboxes: &[&str],
) -> Vec<Hit> {
    let whole = std::iter::once(0..text.len()).collect::<Vec<_>>();
    detect_records(text, &whole, &[], customer_number, role_mailboxes, true)
        .pop()
        .unwrap_or_default()
}

/// Gives each match to the record it lies in. Matches of one pattern come in order, so a cursor
/// moves forward through the records; it starts again for the next pattern.
struct Records<'r> {
    ranges: &'r [Range<usize>],
    cursor: usize,
    hits: Vec<Vec<Hit>>,
    /// What cells' columns say about their numbers.
    cues: &'r [(Range<usize>, Cue)],
    /// Whether the text as a whole reads Swedish (for national numbers that Finland and Sweden
    /// both use), found when first needed.
    swedish_text: std::cell::OnceCell<bool>,
    /// The last record whose country was read, and what it said (a row often holds two
    /// national numbers).
    swedish_record: Option<(usize, Option<bool>)>,
    /// Where the numbers automaton found telephone numbers, in order.
    phones: Vec<Range<usize>>,
}

impl Records<'_> {
    fn restart(&mut self) {
        self.cursor = 0;
    }

    /// The record that holds `start..end` whole; `None` for text between records (a header
    /// row, a separator) and for a match that runs from one record into the next.
    fn of(&mut self, start: usize, end: usize) -> Option<usize> {
        while self.ranges.get(self.cursor).is_some_and(|r| r.end <= start) {
            self.cursor += 1;
        }
        let r = self.ranges.get(self.cursor)?;
        (r.start <= start && end <= r.end).then_some(self.cursor)
    }

    fn push(&mut self, record: usize, category: Category, value: impl Into<SmolStr>) {
        self.hits[record].push(Hit::new(category, value));
    }
}

/// Confirms a candidate of the numbers automaton (pattern `kind`, at `start..end`) and records
/// it; gives back where the text it took ends, or `None` when it is no identifier.
fn numbers_hit(
    text: &str,
    kind: usize,
    start: usize,
    end: usize,
    out: &mut Records<'_>,
) -> Option<usize> {
    // A phone number's extension (`8556x659`, `4567X12`) is matched with it and is no part of it.
    let end = match kind {
        N_PHONE => text[start..end].find(['x', 'X']).map_or(end, |x| start + x),
        _ => end,
    };
    let raw = &text[start..end];
    let compact = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    let record = out.of(start, end);
    let range = record.map(|r| out.ranges[r].clone());
    let (before, after, after2) = match &range {
        Some(r) => {
            let mut rest = text[end..r.end].chars();
            (
                text[r.start..start].chars().next_back(),
                rest.next(),
                rest.next(),
            )
        }
        None => (None, None, None),
    };
    match kind {
        N_HETU => {
            breachdesk_pii::confirm(breachdesk_pii::IdentifierKind::NationalId, raw)?;
            if let Some(record) = record {
                out.push(
                    record,
                    Category::NationalId,
                    raw.to_ascii_uppercase_smolstr(),
                );
            }
            Some(end)
        }
        N_IBAN => {
            let len = breachdesk_pii::confirm(breachdesk_pii::IdentifierKind::Iban, raw)?;
            if let Some(record) = out.of(start, start + len) {
                out.push(record, Category::Iban, compact(&raw[..len]));
            }
            Some(start + len)
        }
        N_CARD => {
            breachdesk_pii::confirm(breachdesk_pii::IdentifierKind::PaymentCard, raw)?;
            let value = compact(raw);
            // One random number in ten passes Luhn: an issuer's range and length, and no column
            // or label saying order, transaction, refund or reference, tell a card from an id —
            // but a word of cards after a preposition right before the number is the nearer
            // label (`the last 10 transactions of card 4175…`, `refund to card …`).
            // Most cards have 14 to 19 digits; twelve and thirteen (Maestro, the Visa numbers of
            // the 1990s) are more often UPC and EAN-13 product codes: they count only after a
            // word of cards (`card`, `cc`, `kortti`). (JCB's old 15-digit ranges 1800 and 2131,
            // which some generators still draw, are no issuer's today and are not read.)
            let weak = value.len() < 14;
            let before = {
                let r = range.as_ref().map_or(0, |r| r.start);
                &text[text.floor_char_boundary(start.saturating_sub(40).max(r))..start]
            };
            let about_the_card = || {
                !weak
                    && CARD_AFTER_A_PREPOSITION.is_match(before)
                    && !context::names_a_product_code(before)
            };
            if !issued_card(&value)
                || (weak && !CARD_WORD.is_match(before))
                || context::cue_at(out.cues, &(start..end)).is_some()
                || (range
                    .as_ref()
                    .is_some_and(|r| context::reference_before(text, r.start, start))
                    && !about_the_card())
            {
                return None;
            }
            if let Some(record) = record {
                out.push(record, Category::PaymentCard, value);
            }
            Some(end)
        }
        N_PHONE => {
            // Nothing shaped like an identity code (six digits, a century sign, four
            // characters) is a phone number, even with a wrong check character; nor is a number
            // inside a longer run of digits or letters (an IBAN, an order number, a UUID).
            let record = record?;
            if hetu_shaped(raw)
                || before.is_some_and(|c| c.is_ascii_alphanumeric())
                || (after.is_some_and(|c| c.is_ascii_alphanumeric())
                    && !extension_follows(&text[end..]))
                || glued(after, after2)
                || glued(before, text[..start].chars().rev().nth(1))
            {
                return None;
            }
            let d = digits(raw);
            let mut country = Country::Written;
            let normal = if let Some(rest) = d.strip_prefix("00") {
                without_trunk(rest)
            } else if raw.starts_with('+') {
                without_trunk(&d)
            } else if date_shaped(raw) || ssn_shaped(raw) {
                return None;
            } else if let Some(rest) = d.strip_prefix('0') {
                // A national number of Finland or Sweden: Swedish mobiles are 07x; the rest
                // (Finnish mobiles 04x/050 and landlines, Swedish landlines such as Malmö's
                // 040) by what the record, or else the text, reads like.
                let r = &out.ranges[record];
                let swedish = rest.starts_with('7')
                    || match national_plans(raw) {
                        (true, false) => false,
                        (false, true) => true,
                        _ => {
                            let said = match out.swedish_record {
                                Some((at, said)) if at == record => said,
                                _ => {
                                    let said = swedish_record(&text[r.clone()]);
                                    out.swedish_record = Some((record, said));
                                    said
                                }
                            };
                            if let Some(said) = said {
                                country = Country::ByItsRecord;
                                said
                            } else {
                                country = Country::ByItsText;
                                *out.swedish_text.get_or_init(|| swedish_text(text))
                            }
                        }
                    };
                if swedish {
                    if !(7..=9).contains(&rest.len()) {
                        return None;
                    }
                    format!("46{rest}")
                } else {
                    if !(5..=9).contains(&rest.len()) {
                        return None;
                    }
                    format!("358{rest}")
                }
            } else {
                north_american(&d)?
            };
            if !(9..=15).contains(&normal.len()) {
                return None;
            }
            out.hits[record].push(Hit {
                category: Category::Phone,
                value: format_smolstr!("+{normal}"),
                country,
                masked_card: false,
            });
            out.phones.push(start..end);
            Some(end)
        }
        N_MASKED => {
            // Only a mask that keeps the issuer's first digits, or one after a word of cards
            // (`card=****1845`, `kortti **** 1845`), is a card's: stars before four digits are
            // also ratings, redacted years and masked accounts. Its four digits are read again,
            // since they may begin another identifier (`PIN **** 0401 098 528`).
            let record = record?;
            let digits_at = end - 4;
            let with_issuer = raw.as_bytes()[0].is_ascii_digit();
            let r = &out.ranges[record];
            let card_word = || {
                let from = text.floor_char_boundary(start.saturating_sub(32).max(r.start));
                MASKED_CARD_WORD.is_match(&text[from..start])
            };
            if after.is_some_and(|c| c.is_ascii_alphanumeric())
                || before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '*')
                || context::cue_at(out.cues, &(start..end)).is_some()
                || !(with_issuer || card_word())
            {
                return None;
            }
            out.hits[record].push(Hit {
                category: Category::PaymentCard,
                value: SmolStr::new(&text[digits_at..end]),
                country: Country::Written,
                masked_card: true,
            });
            Some(digits_at)
        }
        N_IP => {
            // An IPv4 address. Version strings (1.2.3.4-beta, v1.2.3.4) and longer dotted
            // numbers are not addresses.
            let record = record?;
            let versionish = before.is_some_and(|c| c == '.' || c == 'v' || c.is_ascii_digit())
                || (after == Some('.') && after2.is_some_and(|d| d.is_ascii_digit()))
                || (after == Some('-') && after2.is_some_and(char::is_alphabetic));
            if versionish {
                return None;
            }
            let ip = raw.parse::<Ipv4Addr>().ok()?;
            if ip.is_unspecified() || ip.is_loopback() || ip.is_broadcast() {
                return None;
            }
            // The parser refuses octets with leading zeros: what it took is its normal form.
            out.push(record, Category::IpAddress, raw);
            Some(end)
        }
        _ => None,
    }
}

/// A card number of an issuer's range with a length that issuer gives (Visa, Mastercard,
/// American Express, Discover, JCB, Diners Club, `UnionPay`, Maestro, Mir).
fn issued_card(d: &str) -> bool {
    let n = d.len();
    let p = |k: usize| d.get(..k).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    match d.as_bytes().first() {
        Some(b'4') => matches!(n, 13 | 16 | 19),
        Some(b'5') => {
            (51..=55).contains(&p(2)) && n == 16
                || matches!(p(2), 50 | 56..=59) && (12..=19).contains(&n)
        }
        Some(b'2') => {
            (2221..=2720).contains(&p(4)) && n == 16
                || (2200..=2204).contains(&p(4)) && (16..=19).contains(&n)
        }
        Some(b'3') => {
            matches!(p(2), 34 | 37) && n == 15
                || (3528..=3589).contains(&p(4)) && (16..=19).contains(&n)
                || ((300..=305).contains(&p(3)) || matches!(p(2), 36 | 38 | 39))
                    && (14..=19).contains(&n)
        }
        Some(b'6') => {
            (p(4) == 6011
                || (644..=649).contains(&p(3))
                || p(2) == 65
                || p(2) == 62
                || matches!(p(4), 6304 | 6759 | 6761..=6763))
                && (16..=19).contains(&n)
                || matches!(p(2), 60 | 63 | 66..=69) && (12..=19).contains(&n) && p(4) != 6011
        }
        _ => false,
    }
}

/// Signs that a text is Swedish or about Sweden or Finnish: strong ones (an international
/// number, an IBAN, a postcode and street of the country, an identity code; the first two
/// patterns) count two, words and letters (the last two) one. No Unicode `\b`: the lazy DFA
/// cannot run it, and these run on every record with a national number.
static COUNTRY_SIGNS: LazyLock<meta::Regex> = LazyLock::new(|| {
    meta::Builder::new()
        .configure(meta::Config::new().hybrid_cache_capacity(DFA_CACHE))
        .build_many(&[
            // Swedish, strong
            r"\+46|(?-u:\b)0046|(?-u:\b)SE\d\d|(?-u:\b)SE-\d|(?-u:\b)\d{3} \d{2}(?: \p{Lu}| \||$)|\p{Ll}(?:gatan|vägen|gränd|torget|stigen|backen)(?:$|[^\p{L}])|(?-u:\b)(?:19|20)\d{6}-\d{4}(?-u:\b)|Sverige|Sweden",
            // Finnish, strong
            r"\+358|(?-u:\b)00358|(?-u:\b)FI\d\d|(?-u:\b)FI-\d|(?-u:\b)\d{5}(?: \p{Lu}| \||$)|\p{Ll}(?:katu|tie|kuja|polku|rinne|mäki|väylä|ranta|kaari|aukio)(?:$|[^\p{L}])|(?-u:\b)\d{6}[-+A]\d{3}[0-9A-Y](?-u:\b)|Suomi|Finland",
            // Swedish, weak
            r"(?i)å|(?:^|[^\p{L}])(?:och|är|kund|tack|hej|med vänlig)(?:$|[^\p{L}])|\.se(?-u:\b)",
            // Finnish, weak
            r"(?i)(?:^|[^\p{L}])(?:ja|on|asiakas|kiitos|hei|terveisin)(?:$|[^\p{L}])|\.fi(?-u:\b)",
        ])
        .expect("static regex")
});

thread_local! {
    static COUNTRY_CACHE: RefCell<meta::Cache> = RefCell::new(COUNTRY_SIGNS.create_cache());
}

/// How much more a text says Swedish than Finnish (one pass for the four kinds of sign).
fn swedish_score(text: &str) -> i64 {
    const WEIGHT: [i64; 4] = [2, -2, 1, -1];
    COUNTRY_CACHE.with_borrow_mut(|cache| {
        let mut input = Input::new(text);
        let mut score = 0;
        // No sign matches the empty string. A sign that ends in the character after its word
        // (`Storgatan ` of `Storgatan och`) gives that character back, so that a word sign can
        // start there, as it could when each kind was counted in a pass of its own.
        while let Some(m) = COUNTRY_SIGNS.search_with(cache, &input) {
            score += WEIGHT[m.pattern().as_usize()];
            let next = match text[m.range()].chars().next_back() {
                Some(c) if !c.is_alphanumeric() && m.end() - c.len_utf8() > m.start() => {
                    m.end() - c.len_utf8()
                }
                _ => m.end(),
            };
            if next >= text.len() {
                break;
            }
            input.set_start(next);
        }
        score
    })
}

/// Swedish or Finnish by what a record says of itself (`None`: it says neither more).
fn swedish_record(r: &str) -> Option<bool> {
    match swedish_score(r) {
        0 => None,
        n => Some(n > 0),
    }
}

/// Whether a whole text reads Swedish rather than Finnish (by its first 64 KiB).
fn swedish_text(text: &str) -> bool {
    swedish_score(&text[..text.floor_char_boundary(text.len().min(64 * 1024))]) > 0
}

/// Whether a national number, by its area code as written (the digits before the first
/// blank or hyphen, or in parentheses), may be Finnish and may be Swedish. Sweden has one
/// two-digit area code (08, Stockholm) and Finland six (02, 03, 05, 06, 08, 09); Finnish
/// three-digit prefixes are 013–019, the mobile 04x and 050, and the national 02x, 03x, 010
/// and 075; a Finnish mobile may be grouped `0401 098 528`. Written without a break, either.
fn national_plans(raw: &str) -> (bool, bool) {
    let raw = raw.trim_start();
    let open = raw.starts_with('(');
    let area: String = raw
        .trim_start_matches('(')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let rest = &raw[raw.len().min(area.len() + usize::from(open))..];
    if rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit()) {
        return (true, true);
    }
    let b = area.as_bytes();
    let finnish = match b {
        [b'0', d] => matches!(d, b'2' | b'3' | b'5' | b'6' | b'8' | b'9'),
        [b'0', b'1', d] => (b'3'..=b'9').contains(d) || *d == b'0',
        [b'0', b'2' | b'3' | b'4', _]
        | [b'0', b'5', b'0']
        | [b'0', b'7', b'5']
        | [b'0', b'4', _, _]
        | [b'0', b'5', b'0', _] => true,
        _ => false,
    };
    let swedish = match b {
        [b'0', d] => *d == b'8',
        [b'0', d, _] | [b'0', d, _, _] => *d != b'0',
        _ => false,
    };
    (finnish, swedish)
}

/// A North American number (`(212) 621-4239`, `415-556-8969`, `1-206-453-8968`) in E.164:
/// area code and exchange of the plan (2–9 first, no `N11` area).
fn north_american(d: &str) -> Option<String> {
    let ten = match d.len() {
        10 => d,
        11 => d.strip_prefix('1')?,
        _ => return None,
    };
    let b = ten.as_bytes();
    let ok = (b'2'..=b'9').contains(&b[0])
        && (b'2'..=b'9').contains(&b[3])
        && !(b[1] == b'1' && b[2] == b'1');
    ok.then(|| format!("1{ten}"))
}

/// Grouped as North American numbers are (`415-556-8969`, `(415) 556-8969`, `1.415.556.8969`):
/// such a number is that plan's or none, so what [`north_american`] rejects (`911-555-1234`)
/// no other plan reads.
fn north_american_shaped(raw: &str) -> bool {
    let mut b = raw.as_bytes();
    if let [b'1', sep, rest @ ..] = b
        && matches!(sep, b' ' | b'.' | b'-')
    {
        b = rest;
    }
    let digits = |p: &[u8]| p.iter().all(u8::is_ascii_digit);
    let rest = match b {
        [b'(', a, c, d, b')', rest @ ..] if digits(&[*a, *c, *d]) => {
            rest.strip_prefix(b" ").unwrap_or(rest)
        }
        [a, c, d, sep, rest @ ..] if digits(&[*a, *c, *d]) && matches!(sep, b'.' | b'-') => rest,
        _ => return false,
    };
    matches!(rest, [e1, e2, e3, sep, l @ ..]
        if digits(&[*e1, *e2, *e3]) && matches!(sep, b'.' | b'-') && l.len() == 4 && digits(l))
}

/// The country codes an international number is read with (`rules.toml`'s phone pattern), the
/// longer ones first.
const COUNTRY_CODES: &[&str] = &[
    "358", "351", "353", "354", "359", "370", "371", "372", "420", "46", "47", "45", "49", "44",
    "33", "31", "32", "34", "39", "41", "43", "48", "1",
];

/// An international number without the national trunk `0` written after the country code
/// (`+358 (0)40 …`, `+46 (0)8 …`): no number of these plans starts with `0` after its code.
fn without_trunk(d: &str) -> String {
    match COUNTRY_CODES.iter().find(|cc| d.starts_with(**cc)) {
        Some(cc) if d[cc.len()..].starts_with('0') => format!("{cc}{}", &d[cc.len() + 1..]),
        _ => d.to_owned(),
    }
}

/// How a number came to be read as a phone number without the numbers automaton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cued {
    /// After a label (`Phone: 9381 8821`).
    Label,
    /// After a word of calling (`answering at 22 187936`).
    Verb,
    /// Alone on its line with a label after it, beside another such line (a business card).
    After,
}

/// National numbers of other plans after a phone label or a word of calling ([`PHONE_LABEL`]:
/// `Phone: 9381 8821`, `answering at 22 187936`), or alone on a business card's line with a label
/// after it ([`PHONE_LABEL_AFTER`]: `22 171741 office`) when the line above or below is one too:
/// those the numbers automaton's reading did not take, when a Nordic, EU or North American plan
/// takes them ([`crate::plans`]); never a date, a time, a sum, an identity code or a cell whose
/// column says reference, nor after a word of calling or on a card's line a count grouped by
/// thousands, nor a numbered list's item. `labelled` and `carded` are the text, or empty when
/// no label of the kind occurs in it.
fn labelled_phones(text: &str, labelled: &str, carded: &str, out: &mut Records<'_>) {
    let mut found: Vec<(Range<usize>, Cued)> = Vec::new();
    for c in PHONE_LABEL.captures_iter(labelled) {
        if let Some(n) = c.get(1) {
            found.push((n.range(), Cued::Label));
        } else if let Some(n) = c.get(2) {
            found.push((n.range(), Cued::Verb));
        }
    }
    // A card lists its numbers one under another (office, fax, mobile): a line counts beside
    // another that reads as a number, never alone (`1234567 work` in a note is an id).
    let lines: Vec<(Range<usize>, Range<usize>)> = PHONE_LABEL_AFTER
        .captures_iter(carded)
        .filter_map(|c| Some((c.get(0)?.range(), c.get(1)?.range())))
        .filter(|(_, n)| !shaped_otherwise(&text[n.clone()], Cued::After))
        .collect();
    let adjacent = |a: &Range<usize>, b: &Range<usize>| {
        let between = &text[a.end.min(b.end)..a.start.max(b.start)];
        between.bytes().all(|c| c.is_ascii_whitespace())
            && between.bytes().filter(|&c| c == b'\n').count() == 1
    };
    for (i, (line, n)) in lines.iter().enumerate() {
        let beside = |j: usize| lines.get(j).is_some_and(|(other, _)| adjacent(line, other));
        // A number with its country is the numbers automaton's to read; here only a neighbour.
        if !text[n.clone()].starts_with('+') && ((i > 0 && beside(i - 1)) || beside(i + 1)) {
            found.push((n.clone(), Cued::After));
        }
    }
    found.sort_by_key(|(n, _)| (n.start, n.end));
    found.dedup_by_key(|(n, _)| n.clone());
    out.restart();
    for (n, cued) in found {
        let (start, end) = (n.start, n.end);
        let raw = &text[n];
        let taken = {
            let i = out.phones.partition_point(|p| p.end <= start);
            out.phones.get(i).is_some_and(|p| p.start < end)
        };
        if taken
            || (text[end..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
                && !extension_follows(&text[end..]))
            || shaped_otherwise(raw, cued)
            || north_american_shaped(raw)
            || context::cue_at(out.cues, &(start..end)) == Some(Cue::Reference)
        {
            continue;
        }
        let Some(record) = out.of(start, end) else {
            continue;
        };
        if let Some(digits) = crate::plans::national(digits(raw)) {
            out.push(record, Category::Phone, digits);
        }
    }
}

/// A run of digits that reads as something other than a phone number, whatever the label: an
/// identity code, a US social security number, a date, a time range, a sum; after a word of
/// calling or on a card's line a count grouped by thousands (`we phoned 250 000 customers`,
/// `150 000 home`); on a card's line what [`NOT_ON_A_CARD`] says (a list's item, a range of years).
fn shaped_otherwise(raw: &str, cued: Cued) -> bool {
    hetu_shaped(raw)
        || ssn_shaped(raw)
        || DATED.is_match(raw)
        || NOT_A_PHONE.is_match(raw)
        || (cued != Cued::Label && THOUSANDS.is_match(raw))
        || (cued == Cued::After && NOT_ON_A_CARD.is_match(raw))
}

/// All validated personal data in the records of `text`: `records` are sorted, non-overlapping
/// byte ranges of it; `cues` what the columns of cells say (sorted). Each pattern runs once
/// over the whole text and each match goes to its record; a match that does not lie within one
/// record is not a finding. Without `free_text_names` (every record's name is known from its
/// columns) names are not looked for.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn detect_records(
    text: &str,
    records: &[Range<usize>],
    cues: &[(Range<usize>, Cue)],
    customer_number: Option<&CustomerNumbers>,
    role_mailboxes: &[&str],
    free_text_names: bool,
) -> Vec<Vec<Hit>> {
    let mut out = Records {
        ranges: records,
        cursor: 0,
        hits: vec![Vec::new(); records.len()],
        cues,
        swedish_text: std::cell::OnceCell::new(),
        swedish_record: None,
        phones: Vec::new(),
    };
    if records.is_empty() {
        return out.hits;
    }
    // Cheap tests first: many texts hold no digits, no '@' or no keyword at all, and the
    // patterns that need them are not run.
    let bytes = text.as_bytes();
    let has_digit = bytes.iter().any(u8::is_ascii_digit);
    let has_at = bytes.contains(&b'@');
    let signs = Signs::of(text);
    out.restart();
    if has_digit {
        NUMBERS_CACHE.with_borrow_mut(|cache| {
            let mut pos = 0;
            while pos < text.len() {
                let Some(m) = NUMBERS.search_with(cache, &Input::new(text).span(pos..text.len()))
                else {
                    break;
                };
                let (start, end) = (m.start(), m.end());
                pos = match numbers_hit(text, m.pattern().as_usize(), start, end, &mut out) {
                    Some(taken) => taken,
                    None => restart(text, start, end),
                };
            }
        });
    }
    let when = |i: usize| if signs.occurs(i) { text } else { "" };
    labelled_phones(text, when(12), when(13), &mut out);
    out.restart();
    // A person's addresses, with the part of their record around them: where a name they spell
    // is looked for.
    let mut spelling: Vec<(Range<usize>, String)> = Vec::new();
    for m in EMAIL.find_iter(if has_at { text } else { "" }) {
        let Some(record) = out.of(m.start(), m.end()) else {
            continue;
        };
        let value = lowercase(m.as_str());
        let local_len = value.find('@').unwrap_or_default();
        if !role_mailboxes.contains(&&value[..local_len]) {
            if free_text_names {
                let r = &out.ranges[record];
                let from = text.floor_char_boundary(
                    m.start()
                        .saturating_sub(crate::names::SPELT_NEAR)
                        .max(r.start),
                );
                let to = text.ceil_char_boundary((m.end() + crate::names::SPELT_NEAR).min(r.end));
                spelling.push((from..to, value[..local_len].to_owned()));
            }
            out.push(record, Category::Email, value);
        }
    }
    out.restart();
    for c in DOB.captures_iter(when(0)) {
        if let (Some(all), Some(d)) = (c.get(0), c.get(1))
            && let Some(record) = out.of(all.start(), all.end())
        {
            out.push(record, Category::DateOfBirth, d.as_str());
        }
    }
    out.restart();
    for m in CREDENTIAL.find_iter(when(1)) {
        if let Some(record) = out.of(m.start(), m.end()) {
            out.push(record, Category::Credential, m.as_str());
        }
    }
    out.restart();
    for m in HEALTH.find_iter(when(4)) {
        if let Some(record) = out.of(m.start(), m.end()) {
            out.push(record, Category::Health, lowercase(m.as_str()));
        }
    }
    // Names: by a label, a signature's place, a salutation or the gazetteers — where two
    // readings overlap, the first of these wins.
    let mut names: Vec<(usize, usize, String)> = Vec::new();
    let when_names = |i: usize| if free_text_names { when(i) } else { "" };
    let near = |i: usize, hint: &Regex| {
        if free_text_names {
            signs.hints(i, hint, text)
        } else {
            Vec::new()
        }
    };
    // The runs of capitalised words the gazetteers and the addresses read.
    let runs = if free_text_names {
        crate::names::runs(text)
    } else {
        Vec::new()
    };
    for c in LABELLED_NAME.captures_iter(when_names(2)) {
        if let Some(n) = c.get(1) {
            names.push((n.start(), n.end(), n.as_str().to_lowercase()));
        }
    }
    // Where two readings overlap, the one of the earlier group wins: a label; a key; a
    // signature; a salutation, a naming phrase or title, words of contact or an address block;
    // the gazetteers.
    let mut ends = vec![names.len()];
    by_place_near(
        &near(9, &crate::names::KEYED_HINT),
        &crate::names::KEYED,
        Written::AnyCase,
        text,
        (0, 80),
        &mut names,
    );
    ends.push(names.len());
    // A signature's phrase ends its line: the name is on the line after it.
    by_place_near(
        &near(5, &crate::names::SIGNATURE_HINT),
        &crate::names::SIGNATURE,
        Written::Capitalised,
        text,
        (0, 0),
        &mut names,
    );
    by_place_near(
        &near(10, &crate::names::SHORT_SIGNATURE_HINT),
        &crate::names::SHORT_SIGNATURE,
        Written::Capitalised,
        text,
        (0, 0),
        &mut names,
    );
    ends.push(names.len());
    by_place_near(
        &near(6, &crate::names::SALUTATION_HINT),
        &crate::names::SALUTATION,
        Written::Capitalised,
        text,
        (0, 0),
        &mut names,
    );
    by_place_near(
        &near(11, &crate::names::NAMING_HINT),
        &crate::names::NAMING_PLACE,
        Written::Capitalised,
        text,
        (40, 80),
        &mut names,
    );
    by_place_near(
        &near(7, &crate::names::CONTACT_HINT),
        &crate::names::CONTACT,
        Written::Capitalised,
        text,
        (80, 80),
        &mut names,
    );
    by_place_near(
        &near(8, &crate::names::ADDRESS_BLOCK_HINT),
        &crate::names::ADDRESS_BLOCK,
        Written::Capitalised,
        text,
        (200, 0),
        &mut names,
    );
    ends.push(names.len());
    if free_text_names {
        crate::names::by_gazetteer(text, &runs, &mut names);
    }
    // Last, and only where no other reading overlaps: a name an address spells (`Maija Liisa
    // Virtanen` by the gazetteers beside `maija.liisa@…` stays whole).
    ends.push(names.len());
    let mut spelt = Vec::new();
    for (window, local) in spelling {
        crate::names::by_address(text, &runs, window, &local, &mut spelt);
    }
    if !spelt.is_empty() {
        let mut read: Vec<(usize, usize)> = names.iter().map(|n| (n.0, n.1)).collect();
        read.sort_unstable();
        // The furthest end of the readings up to each one, in order of their starts.
        let reach: Vec<usize> = read
            .iter()
            .scan(0, |far, &(_, end)| {
                *far = end.max(*far);
                Some(*far)
            })
            .collect();
        names.extend(spelt.into_iter().filter(|&(start, end, _)| {
            let before = read.partition_point(|&(s, _)| s < end);
            before == 0 || reach[before - 1] <= start
        }));
    }
    let rank = |i: usize| ends.iter().position(|&e| i < e).unwrap_or(ends.len());
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| (names[i].0, rank(i)));
    let mut names_end = 0;
    out.restart();
    for i in order {
        let (start, end) = (names[i].0, names[i].1);
        if start < names_end {
            continue;
        }
        names_end = end;
        if let Some(record) = out.of(start, end) {
            out.push(
                record,
                Category::PersonName,
                std::mem::take(&mut names[i].2),
            );
        }
    }
    out.restart();
    for m in ADDRESS.find_iter(when(3)) {
        let address = m
            .as_str()
            .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '('));
        let start = m.end() - address.len();
        if let Some(record) = out.of(start, m.end()) {
            out.push(
                record,
                Category::PostalAddress,
                address.to_lowercase().replace(',', ""),
            );
        }
    }
    if let Some(c) = customer_number {
        let mut found = Vec::new();
        c.find(text, cues, &mut found);
        found.sort_by_key(|f| f.0);
        out.restart();
        for (start, end, value) in found {
            if let Some(record) = out.of(start, end) {
                out.push(record, Category::CustomerNumber, value);
            }
        }
    }
    out.hits
}

/// A name from inside an archive or a mail, safe to print: no path of the outside, no control
/// characters.
#[must_use]
pub fn safe_member_name(name: &str) -> String {
    let cleaned: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    if cleaned.trim().is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

/// A value as shown by default: enough to recognise it, not enough to use it.
#[must_use]
pub fn mask(category: Category, value: &str) -> String {
    match category {
        Category::Email => {
            let (local, domain) = value.split_once('@').unwrap_or((value, ""));
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        Category::Health | Category::Photo => value.to_owned(),
        _ => {
            let chars: Vec<char> = value.chars().collect();
            let keep = if chars.len() > 8 { 2 } else { 1 };
            chars
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i < keep || i + keep >= chars.len() || !c.is_alphanumeric() {
                        *c
                    } else {
                        '*'
                    }
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&'static str, String)> {
        detect(text, None, rules::role_mailboxes())
            .into_iter()
            .map(|h| (h.category.id(), h.value.to_string()))
            .collect()
    }

    fn names(text: &str, records: &[Range<usize>]) -> Vec<Vec<String>> {
        detect_records(text, records, &[], None, rules::role_mailboxes(), true)
            .into_iter()
            .map(|hits| {
                hits.into_iter()
                    .filter(|h| h.category == Category::PersonName)
                    .map(|h| h.value.to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_name_its_record_s_address_spells_is_found() {
        // A first name and a surname of the other countries' lists (`Luca`, `Zofia`; `Bianchi`,
        // `Nowak`), which the gazetteers alone do not take, spelt by an address of the same
        // record: the two words, the two in the other order, all of them with an initial, the
        // first one's initial and the surname. Each text is one record.
        let one =
            |text: &str| names(text, &std::iter::once(0..text.len()).collect::<Vec<_>>()).concat();
        assert!(one("Team lead Luca Bianchi, in office.").is_empty());
        for (text, want) in [
            (
                "Luca Bianchi\nCard holder\nE-mail: LucaBianchi@example.com\n",
                "luca bianchi",
            ),
            (
                "Wrote to bianchi.luca@example.com about Luca Bianchi.",
                "luca bianchi",
            ),
            (
                "Zofia Nowak\nOffice support\nznowak@example.org\n",
                "zofia nowak",
            ),
            ("Luca D. Nowak, luca.d.nowak@example.pl", "luca d. nowak"),
            // Where another reading overlaps, the other one is kept.
            (
                "Signed by Maija Liisa Virtanen, maija.liisa@example.fi",
                "maija liisa virtanen",
            ),
            (
                "Luca Bianchi Lindqvist soitti laskusta, luca.bianchi@example.com",
                "bianchi lindqvist",
            ),
            // A greeting is no part of the name (the salutation's reading stands).
            (
                "Dear Bianchi,\nplease reply to dbianchi@example.com",
                "bianchi",
            ),
        ] {
            assert_eq!(one(text), [want], "{text}");
        }
        // A firm's, a team's or a place's words (no first name, no surname, or listed as no
        // names), a street's, titles, a local part of four letters or one that spells only one
        // word, a surname on no list, a name more than 300 bytes from the address, and an
        // address of another record spell no one.
        let far = format!("Luca Bianchi {} lucabianchi@example.com", "x".repeat(310));
        for text in [
            "Nordic Trading <nordictrading@example.com>",
            "Red Cross, redcross@example.org",
            "Thank you for your order.\n\nAlma Media\nalma.media@example.fi",
            "Customer Service <customerservice@example.fi>",
            "Atlas Mara Ltd, atlasmara@example.com",
            "Quorn Street 5, quornstreet@example.com",
            "Mrs Ms <mrsms@example.com>",
            "Al Bo <albo@example.com>",
            "Luca Bianchi <bianchi@example.com>",
            "Luca Zertovane <luca.zertovane@example.com>",
            far.as_str(),
        ] {
            assert!(one(text).is_empty(), "{text}: {:?}", one(text));
        }
        let two = "Luca Bianchi\n\nnothing here\n\nlucabianchi@example.com\n";
        let first = two.find("\n\nnothing").unwrap();
        let got = names(two, &[0..first, first + 2..two.len()]).concat();
        assert!(got.is_empty(), "{got:?}");
    }

    /// A name's place: its pattern's index in the context automaton, its hint, its pattern, how
    /// its names are written, the margins around a hint.
    type Place<'a> = (usize, &'a Regex, &'a Regex, Written, (usize, usize));

    #[test]
    fn the_context_automaton_places_names_as_the_hints_own_passes_do() {
        let text = "Hej Åsa Öberg,\ntack.\nHei Maija Virtanen,\nkiitos viestistä.\n\nYstävällisin terveisin\nErik \
                    Holmström\nt. Aino\n{\"holder\":\"JUHANI KORHONEN\"}\nPratade med Nore \
                    Öhrvall igår.\nMy name is Diego Lima and Mrs. Flores called.\n\nKalle \
                    Mäkinen\nMannerheimintie 5 A 3\n00100 HELSINKI\n\n";
        // A right-aligned address block (as `pdftotext -layout` writes one) and a town far
        // from its postcode: hints longer than any phrase.
        let pad = " ".repeat(150);
        let text = format!(
            "{text}{pad}Sulo Kivilahti\n{pad}Hämeenkatu 3\n{pad}33100 TAMPERE\n\nAino Sorsa\n\
             Pispalantie 4\n33200{}TAMPERE\n",
            " ".repeat(300)
        );
        let text = text.as_str();
        let places: [Place<'_>; 7] = [
            (
                5,
                &crate::names::SIGNATURE_HINT,
                &crate::names::SIGNATURE,
                Written::Capitalised,
                (0, 0),
            ),
            (
                6,
                &crate::names::SALUTATION_HINT,
                &crate::names::SALUTATION,
                Written::Capitalised,
                (0, 0),
            ),
            (
                7,
                &crate::names::CONTACT_HINT,
                &crate::names::CONTACT,
                Written::Capitalised,
                (80, 80),
            ),
            (
                8,
                &crate::names::ADDRESS_BLOCK_HINT,
                &crate::names::ADDRESS_BLOCK,
                Written::Capitalised,
                (200, 0),
            ),
            (
                9,
                &crate::names::KEYED_HINT,
                &crate::names::KEYED,
                Written::AnyCase,
                (0, 80),
            ),
            (
                10,
                &crate::names::SHORT_SIGNATURE_HINT,
                &crate::names::SHORT_SIGNATURE,
                Written::Capitalised,
                (0, 0),
            ),
            (
                11,
                &crate::names::NAMING_HINT,
                &crate::names::NAMING_PLACE,
                Written::Capitalised,
                (40, 80),
            ),
        ];
        let seen = Signs::of(text);
        assert!(seen.hint_ends.is_some());
        let searched = Signs {
            occur: u32::MAX,
            hint_ends: None,
        };
        for (i, hint, place, written, margins) in places {
            let found = |signs: &Signs, written: Written| {
                let mut out = Vec::new();
                let hints = signs.hints(i, hint, text);
                by_place_near(&hints, place, written, text, margins, &mut out);
                out
            };
            let by_automaton = found(&seen, written);
            assert!(!by_automaton.is_empty(), "pattern {i}");
            assert_eq!(by_automaton, found(&searched, written), "pattern {i}");
            // Windows without a capitalised word are passed over only where none is found.
            assert_eq!(by_automaton, found(&seen, Written::AnyCase), "pattern {i}");
            // As the whole text read by the place's pattern.
            let mut whole = Vec::new();
            crate::names::by_place(place, text, &mut whole);
            assert_eq!(by_automaton, whole, "pattern {i}");
        }
    }

    #[test]
    fn values_are_lower_cased_as_str_to_lowercase_does() {
        // A word's last sigma is final however short the value (a small string's own
        // lower-casing went letter by letter and wrote `σ`); ASCII stays as it was.
        let text =
            "diagnoosi psykiatriΣ1\nDiagnosis PSYKIATRIAAAAAAAAAAAAAΣ_\nMaija.Virtanen@Example.COM";
        let values: Vec<(&str, String)> = found(text)
            .into_iter()
            .filter(|(c, _)| matches!(*c, "health" | "email"))
            .collect();
        let expected = [
            ("email", "maija.virtanen@example.com"),
            ("health", "diagnoosi"),
            ("health", "psykiatriς1"),
            ("health", "diagnosis"),
            ("health", "psykiatriaaaaaaaaaaaaaς_"),
        ];
        assert_eq!(values, expected.map(|(c, v)| (c, v.to_owned())));
        assert_eq!(lowercase("ΟΔΟΣ ΜΙΑ"), "οδο\u{3c2} μια");
    }

    #[test]
    fn valid_identifiers_are_found_in_their_normal_form() {
        let t = "Maija, 131052-308T, maija.m@example.fi, +358 40 123 4567, IBAN FI21 1234 5600 0007 85, 4111 1111 1111 1111, from 85.76.12.3";
        let f = found(t);
        assert!(f.contains(&("national_id", "131052-308T".into())), "{f:?}");
        assert!(f.contains(&("email", "maija.m@example.fi".into())));
        assert!(f.contains(&("phone", "+358401234567".into())));
        assert!(f.contains(&("iban", "FI2112345600000785".into())));
        assert!(f.contains(&("payment_card", "4111111111111111".into())));
        assert!(f.contains(&("ip_address", "85.76.12.3".into())));
        // National mobile formats: the same numbers as the international ones.
        assert_eq!(
            found("soita 040 123 4567"),
            [("phone", "+358401234567".into())]
        );
        assert_eq!(
            found("ring 070-123 45 67"),
            [("phone", "+46701234567".into())]
        );
    }

    #[test]
    fn look_alikes_and_role_mailboxes_are_not_reported() {
        for decoy in [
            "order 131052-308X",                       // wrong checksum
            "invoice reference 1234567890123",         // not Luhn-valid, no prefix
            "EAN 6417084100018",                       // a product code
            "version 1.2.3.4-beta and v10.0.0.1",      // version strings
            "on 2026-11-22 12:00:00",                  // a timestamp
            "id 550e8400-e29b-41d4-a716-446655440000", // a UUID
            "write to info@uni.example or noreply@uni.example",
            "FI21 1234 5600 0007 86", // IBAN with a wrong check
        ] {
            assert!(found(decoy).is_empty(), "{decoy}: {:?}", found(decoy));
        }
    }

    #[test]
    fn short_card_numbers_count_after_a_word_of_cards_only() {
        // Luhn-valid: a Visa of 13 digits, a Maestro of 12.
        for (text, card) in [
            (
                "Could you block my card 4218196001337 please",
                "4218196001337",
            ),
            ("cc 676160024573", "676160024573"),
            ("my credit card number is 4218196001337.", "4218196001337"),
        ] {
            assert_eq!(found(text), [("payment_card", card.to_owned())], "{text}");
            // A word between the card word and the number, or a cell's separator: no card.
            let apart = text.replace(card, &format!("| {card}"));
            assert!(
                found(&apart).iter().all(|h| h.0 != "payment_card"),
                "{apart}"
            );
            // The same digits as a product code or in running text: no card.
            let plain = text
                .replace("credit card", "item")
                .replace("card", "item")
                .replace("cc", "sku");
            assert!(
                found(&plain).iter().all(|h| h.0 != "payment_card"),
                "{plain}: {:?}",
                found(&plain)
            );
        }
    }

    #[test]
    fn a_word_of_cards_after_a_preposition_outweighs_a_reference_further_back() {
        let cards = |text: &str| -> Vec<String> {
            found(text)
                .into_iter()
                .filter(|h| h.0 == "payment_card")
                .map(|h| h.1)
                .collect()
        };
        for text in [
            "Need to see last 10 transaction of card 4175655125674681",
            "Refund to card 4175 6551 2567 4681 made",
            "Paid with card 4175655125674681",
            "Retur till kort 4175655125674681",
            "Refund to my debit card 4175655125674681",
            "Retur till ert kort 4175655125674681",
            "Tilauksen maksanut kortti 4175655125674681",
            "Ingrid Berg 4175655125674681",
            "Sigrid: 4175655125674681",
            "Det skulle vara retur till kort 4175655125674681",
            "Hyvitys kortille 4175655125674681",
            "Lasku kortilleni 4175655125674681",
            "Hyvitys kortille nro 4175655125674681",
            "Tilaus kortilla 4175655125674681",
        ] {
            assert_eq!(cards(text), ["4175655125674681"], "{text}");
        }
        // The label nearest the number says reference, or the word of cards is part of the
        // reference's name (`Order card`, `ID card`, `gift card` after `Refund`): no card.
        for decoy in [
            "card transaction id 4175655125674681",
            "card txn=4175655125674681",
            r#"{"card_txn":"4175655125674681"}"#,
            "transaction_id=4175655125674681",
            "Need to see transaction 4175655125674681",
            "Order card 4175655125674681",
            "ID card 4175655125674681",
            "ID card no. 4175655125674681",
            "Job card #4175655125674681",
            "Invoice card 4175655125674681",
            "Viite kortti 4175655125674681",
            "Refund gift card 4175655125674681",
            "SKU card 5012345678908",
            "EAN card 5012345678908",
            "order card 5012345678908",
            "EAN for card 5012345678908",
            "productEan for card 4175655125674681",
            "paymentId is 4175655125674681",
            "SKU for the card 6901234567892",
            "GTIN of card 4175655125674681",
            "Order for card 5012345678908",
            "userid=4175655125674681",
            r#"{"paymentId":"4175655125674681"}"#,
            "BetalningsID: 4175655125674681",
            "customerid=4175655125674681",
            "Viite: kortilla 5012345678908",
            "Tunnistettu ID-kortilla 4175655125674681",
            "Hyvitys-kortille 4175655125674681",
            // JCB's old 15-digit ranges: no issuer's today.
            "My card 213121913619398 expires soon",
            "library card 180002621745965",
        ] {
            assert!(cards(decoy).is_empty(), "{decoy}");
        }
    }

    #[test]
    fn a_name_after_a_naming_phrase_is_found_in_a_record() {
        let f = found("Hi, my name is Diego Lima and I lost my card");
        assert!(f.contains(&("person_name", "diego lima".into())), "{f:?}");
        let f = found("Please ask Mrs. Flores to call back");
        assert!(f.contains(&("person_name", "flores".into())), "{f:?}");
    }

    /// The phone findings of a text, as found.
    fn phones(text: &str) -> Vec<String> {
        found(text)
            .into_iter()
            .filter(|h| h.0 == "phone")
            .map(|h| h.1)
            .collect()
    }

    #[test]
    fn a_national_number_of_another_plan_counts_after_a_phone_label() {
        for (text, digits) in [
            ("Name: Malvin Froyland\nPhone: 9381 8821", "93818821"),
            (
                "How can we reach you? You can call me at 03.17.74.30.53",
                "0317743053",
            ),
            ("Mobile:\n0664 313 06 34", "06643130634"),
        ] {
            assert_eq!(phones(text), [digits], "{text}");
            // Without the label the same digits are no number.
            let bare = text
                .replace("Phone:", "Room")
                .replace("call me at", "see")
                .replace("Mobile:", "Order");
            assert!(phones(&bare).is_empty(), "{bare}");
        }
        for decoy in [
            "Hotel 9381 8821",
            "Desk: 12.03.2024",
            "Tel: 12",
            "Phone: 0380 7558505",
        ] {
            assert!(phones(decoy).is_empty(), "{decoy}");
        }
        // A number the plans of the scanner's own reading take is read once, as before.
        assert_eq!(
            found("Phone: +358 40 123 4567"),
            [("phone", "+358401234567".into())]
        );
        assert_eq!(
            found("puh. 040 123 4567"),
            [("phone", "+358401234567".into())]
        );
    }

    #[test]
    fn a_number_alone_on_its_line_with_a_label_after_it_counts() {
        // A business card: its numbers one under another, each with its kind after it.
        let card = "Anna Berg\nAcme Oy\n22 171741 office\n9381 8821 (mobile)\n";
        assert_eq!(phones(card), ["22171741", "93818821"]);
        // Beside a line the numbers automaton reads (`+41 …`), a card's line counts too.
        assert_eq!(
            phones("Acme Oy\n22 270578 office\n+41 58 567 28 72 fax\n"),
            ["+41585672872", "22270578"]
        );
        for decoy in [
            // A line alone is no card.
            "Anna Berg\n22 171741 office\nanna@example.com",
            "Totals\n1234567 work",
            // Other words on the line: a log's, a sentence's.
            "rows 1522963 home\nrows 1522964 home",
            "moved 9381 8821 office chairs\n9381 8822 office chairs",
            // Counts, amounts and a numbered list's items, one under another.
            "Totals\n150 000 home\n1 299 000 office",
            "1. 9381 8821 home\n2. 9381 8822 office",
            "125.000 home\n1.250.000 office",
            // Ranges of years and of clock times, and dates, one under another.
            "Asuinhistoria\n2015-2019 koti\n2019-2024 koti",
            "2023 2024 koti\n2024 2025 hem",
            "1500-1700 work\n1700-1900 home",
            "12.03. 2024 koti\n13.03. 2024 koti",
            // No word of phones after it, or a date or a sum with one.
            "9381 8821 offices\n9381 8822 offices",
            "12.03.2024 office\n13.03.2024 office",
            "1 299.00 office\n2 399.00 home",
        ] {
            assert!(phones(decoy).is_empty(), "{decoy}: {:?}", phones(decoy));
        }
        // A label at a line's end still reads the number on the next line when its own line's
        // number is none (a date), as before cards were read.
        assert_eq!(phones("Anna Berg\n12.03.2024 fax\n9381 8821"), ["93818821"]);
        assert_eq!(
            phones("Anna Berg\n9381 8821 mobile\n22 171741\n"),
            ["22171741"]
        );
    }

    #[test]
    fn a_national_number_after_a_word_of_calling_or_texting_counts() {
        for (text, digits) in [
            ("They're not answering at 22 187936", "22187936"),
            (
                "I would like to stop receiving messages to 40-29-18-24",
                "40291824",
            ),
            ("You can call 9637 3075 after five", "96373075"),
            ("Ring honom på 9381 8821", "93818821"),
            ("Please text me on 0664 313 06 34", "06643130634"),
            ("My phone number is 9381 8821.", "93818821"),
        ] {
            assert_eq!(phones(text), [digits], "{text}");
        }
        // A log's counters and keys, words of calling far from the number, and what after a
        // word of calling is a count, an amount, a date, a time or an address are no cue.
        for decoy in [
            "worker stats: messages: 40291824 sms: 93818821 calls: 96373075",
            "Call the office about invoice 96373075",
            "We could not reach the target of 22 187936 units",
            "Call #40291824 closed by agent",
            "Call number 40291824 escalated",
            "Help desk #40291824 resolved",
            "event call=40291824 status=ok",
            "rpc call: 40291824 took 12ms",
            "dial=40291824 ok",
            "Asiakas soitti 14.30-15.00 välillä",
            "Please call at 14.30-15.30 tomorrow",
            "Asiakas soitti 12.03.24 reklamaatiosta",
            "called on 03/12/24",
            "reach us on 01.12.24",
            "The call was 1 234 567 seconds",
            "The phone is 1 299.00 EUR",
            "we phoned 250 000 customers",
            "Vi vill nå 100 000 kunder i år",
            "Det er nå 12 345 678 brukere",
            "Vi ringde 2 345 678 samtal i fjol",
            "WhatsApp 2.23.20.76 started",
        ] {
            assert!(phones(decoy).is_empty(), "{decoy}");
        }
    }

    #[test]
    fn an_extension_after_a_number_leaves_the_number_a_phone() {
        for (text, phone) in [
            ("Fax: 289-755-8556x659", "+12897558556"),
            ("Desk: (415) 556-8969 x12", "+14155568969"),
            ("Call 415-556-8969 ext. 55 today", "+14155568969"),
            ("Mobile: 9381 8821x44", "93818821"),
            ("phone 415-556-8969X12", "+14155568969"),
            ("+358 40 123 4567x12", "+358401234567"),
            ("Asiakas 040 1234567x12", "+358401234567"),
            ("Phone: 040 1234567x12", "+358401234567"),
        ] {
            assert_eq!(found(text), [("phone", phone.into())], "{text}");
        }
        // Grouped as North America groups numbers, a number is that plan's or none.
        assert!(north_american_shaped("(415) 556-8969"));
        assert!(north_american_shaped("1-911-555-1234"));
        assert!(!north_american_shaped("040-123 4567"));
        assert!(found("Fax: 196-655-3307x704").is_empty());
        // Letters glued to a number are still no extension.
        for decoy in [
            "Fax: 289-755-8556xyz",
            "id 415-556-8969x123456",
            "Mobile: 9381 8821x4é",
        ] {
            assert!(phones(decoy).is_empty(), "{decoy}");
        }
    }

    #[test]
    fn a_social_security_number_is_no_national_phone_number() {
        for decoy in [
            "His social security number is 012-75-4961",
            "Phone: 028-29-9971",
        ] {
            assert!(phones(decoy).is_empty(), "{decoy}");
        }
        // A national landline grouped as Finns and Swedes group it is still one.
        let f = found("puh. 012-754 961");
        assert!(
            matches!(&f[..], [(c, v)] if *c == "phone" && v.ends_with("12754961")),
            "{f:?}"
        );
    }

    #[test]
    fn an_identity_code_is_not_also_a_phone_number() {
        let t = "hetu 131052-308T, 040879-198X, wrong 040288-1760";
        let f = found(t);
        assert!(f.iter().all(|h| h.0 != "phone"), "{f:?}");
    }

    #[test]
    fn context_categories_and_the_customer_number_pattern() {
        let f = found("Syntymäaika: 13.10.1952, diagnoosi: diabetes, password=hunter2hunter2");
        let cats: Vec<&str> = f.iter().map(|h| h.0).collect();
        assert!(cats.contains(&"date_of_birth"));
        assert!(cats.contains(&"health"));
        assert!(cats.contains(&"credential"));
        let c = CustomerNumbers::new(Some(r"(?-u:\b)MK-\d{6}(?-u:\b)"), &[]).unwrap();
        let hits = detect("asiakas MK-123456", Some(&c), rules::role_mailboxes());
        assert_eq!(hits[0].category, Category::CustomerNumber);
        // A pattern of digits only counts after a label.
        let c = CustomerNumbers::new(Some(r"[0-9]{7}"), &[]).unwrap();
        let cats = |t: &str| -> Vec<&str> {
            detect(t, Some(&c), rules::role_mailboxes())
                .iter()
                .map(|h| h.category.id())
                .collect()
        };
        assert_eq!(cats("kundnummer 1234567"), ["customer_number"]);
        assert!(cats("sensor reading 1234567").is_empty());
    }

    #[test]
    fn names_by_label_and_addresses_by_street_and_postcode_in_free_text() {
        let f = found("Nimi: Maija Meikäläinen\nOsoite: Mannerheimintie 1 A 2, 00100 Helsinki");
        assert!(
            f.contains(&("person_name", "maija meikäläinen".into())),
            "{f:?}"
        );
        assert!(f.iter().any(|h| h.0 == "postal_address"), "{f:?}");
        let f = found("Namn: Erik Svensson, Åbogatan 5, 111 22 Stockholm");
        assert!(
            f.contains(&("person_name", "erik svensson".into())),
            "{f:?}"
        );
        assert!(f.iter().any(|h| h.0 == "postal_address"), "{f:?}");
        // An invoice line with a number and a postcode-like figure is not an address.
        assert!(found("Invoice 12345 total 00100 EUR").is_empty());
    }

    #[test]
    fn the_signs_of_a_country_are_counted_each() {
        // A street of the country (2) and a word of its language (1) side by side.
        assert_eq!(swedish_score("Storgatan och"), 3);
        assert_eq!(swedish_score("Mannerheimintie ja"), -3);
        assert_eq!(swedish_score("tack, hej"), 2);
        assert_eq!(swedish_score("kiitos ja hei"), -3);
        assert_eq!(swedish_score("+46 70 123 45 67"), 2);
        assert_eq!(swedish_score("nothing here"), 0);
    }

    #[test]
    fn masked_cards_give_their_last_four_digits_for_linking_only() {
        let masked = |text: &str| -> Vec<String> {
            detect_with_masked(text, None, rules::role_mailboxes())
                .into_iter()
                .filter(|h| h.masked_card)
                .map(|h| h.value.to_string())
                .collect()
        };
        for (text, ending) in [
            ("payment.captured card=****1881 customer_no=3675913", "1881"),
            ("4012 **** **** 1881 captured", "1881"),
            ("kortti XXXX-XXXX-XXXX-4444", "4444"),
            ("pan 401288******1881.", "1881"),
        ] {
            assert_eq!(masked(text), [ending], "{text}");
            // Never a finding of the public detection.
            assert!(found(text).iter().all(|h| h.0 != "payment_card"), "{text}");
        }
        for text in [
            "rating ***** 2024",
            "rating **** 2024",
            "id ****12345",
            "*****1881",
            "Account ****5678",
            "IBAN FI49 **** **** **** 1234 56",
            "personnummer XXXXXX-1234",
            "SKU-XXXX-1234",
            "IDXXXX1234",
        ] {
            assert!(masked(text).is_empty(), "{text}: {:?}", masked(text));
        }
        // The digits after a mask are read again: a mask before a phone number or a card.
        let f = found("PIN **** 0401 098 528, card XXXX 4012 8888 8888 1881");
        assert!(f.contains(&("phone", "+358401098528".into())), "{f:?}");
        assert!(
            f.contains(&("payment_card", "4012888888881881".into())),
            "{f:?}"
        );
    }

    #[test]
    fn the_shape_checks_agree_with_the_patterns_they_replace() {
        let date = Regex::new(r"^[0-9]{1,2}[-. /][0-9]{1,2}[-. /](?:19|20)[0-9][0-9]$").unwrap();
        let hetu = Regex::new(r"^[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]$").unwrap();
        // Strings of both shapes and their near misses: valid examples with up to two
        // characters replaced, one dropped or one added, drawn by a fixed linear congruential
        // sequence from an alphabet of digits, separators and letters in and out of the sets.
        let alphabet = b"0129-. /+AFGUYZa";
        let seeds = [
            "01-12-2024",
            "5.6.1999",
            "31 12 2000",
            "131052-308T",
            "010101+1234",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            usize::try_from(x >> 33).unwrap_or_default() % n
        };
        let mut agreed = [0_u32; 2];
        for _ in 0..200_000 {
            let mut s = seeds[next(seeds.len())].as_bytes().to_vec();
            for _ in 0..next(3) {
                let at = next(s.len());
                let c = alphabet[next(alphabet.len())];
                match next(4) {
                    0 => {
                        s.remove(at);
                    }
                    1 => s.insert(at, c),
                    _ => s[at] = c,
                }
            }
            let s = String::from_utf8(s).unwrap();
            assert_eq!(date_shaped(&s), date.is_match(&s), "{s:?}");
            assert_eq!(hetu_shaped(&s), hetu.is_match(&s), "{s:?}");
            agreed[0] += u32::from(date.is_match(&s));
            agreed[1] += u32::from(hetu.is_match(&s));
        }
        for (s, d) in [
            ("01-12-2024", true),
            ("5 12 1999", true),
            ("01-12-2124", false),
        ] {
            assert_eq!(date_shaped(s), d, "{s}");
        }
        for (s, h) in [
            ("131052-308T", true),
            ("131052+3081", true),
            ("131052Z308T", false),
        ] {
            assert_eq!(hetu_shaped(s), h, "{s}");
        }
        // The comparison saw strings of both shapes, not only misses.
        assert!(agreed.iter().all(|&n| n > 0), "{agreed:?}");
        // An address with a leading zero is no address to the parser, so what parses is
        // written as it is normally written.
        assert!("10.01.2.3".parse::<Ipv4Addr>().is_err());
        assert_eq!(
            found("from 85.76.12.3"),
            [("ip_address", "85.76.12.3".into())]
        );
    }

    #[test]
    fn masks_keep_values_recognisable_but_unusable() {
        assert_eq!(
            mask(Category::Email, "maija.m@example.fi"),
            "m***@example.fi"
        );
        assert_eq!(mask(Category::NationalId, "131052-308T"), "13****-**8T");
        assert_eq!(
            mask(Category::PaymentCard, "4111111111111111"),
            "41************11"
        );
    }
}
