//! Names of people in free text, where no column or key says "name": by a label ("Nimi: …"), by
//! the place of a signature (the line after "Ystävällisin terveisin", "Med vänlig hälsning",
//! "Best regards"), by a salutation ("Hei Maija", "Hej Erik Svensson", "Dear John Smith"), by
//! words that say who someone is or a title ("My name is Diego Lima", "Mrs. Flores"), and
//! by gazetteers of first names and surnames from public name statistics (`data/names/`: Finnish,
//! Swedish and English ones, and those of the other Nordic, EU and North American countries;
//! sources in each file's header): a known first name followed by a known surname, or by a word
//! shaped like one (-nen, -sson, -berg; after a Finnish, Swedish or English first name also
//! -sen, -ski, -ová …), perhaps with an initial between (`Ben A. Lundgren`), or a known surname
//! followed by a known first name, as registers write them.
//!
//! A capitalised word pair alone is not a name ("Helsinki Airport", "Anna Palautetta"): one of
//! the two words must be a known first name and the other a known or surname-shaped surname, and
//! one of them must be on the Finnish, Swedish or English lists (the other countries' lists hold
//! words of these languages too: `Till`, `Tack`, `Santa`, `Costa`); and a pair the gazetteers
//! read that names a street, a place or a firm (`Nelson Mandela Drive`, `4908 Leroy Lane`, `Via
//! Carlo Cattaneo`, `Atlas Mara Ltd`) is no person's name.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use regex_automata::{Anchored, Input, meta};

use crate::rules;

/// A capitalised word: `Maija`, `Anna-Liisa`, `O'Brien`, `McDonald`, `Åsa`.
const WORD: &str = r"\p{Lu}(?:['’]\p{Lu})?\p{Ll}+(?:\p{Lu}\p{Ll}+)?(?:-\p{Lu}\p{Ll}+)?";

fn list(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// First names and surnames of Finnish, Swedish and English name statistics: the lists a name in
/// the scanner's own countries is most likely on, and where a word that is also a common word of
/// them (`Till`, `Tack`, `Holder`) is least likely to be.
static FIRST: LazyLock<foldhash::HashSet<&'static str>> = LazyLock::new(|| {
    list(include_str!("../data/names/fi-first.txt"))
        .chain(list(include_str!("../data/names/sv-first.txt")))
        .chain(list(include_str!("../data/names/en-first.txt")))
        .collect()
});

static LAST: LazyLock<foldhash::HashSet<&'static str>> = LazyLock::new(|| {
    list(include_str!("../data/names/fi-last.txt"))
        .chain(list(include_str!("../data/names/sv-last.txt")))
        .chain(list(include_str!("../data/names/en-last.txt")))
        .collect()
});

/// The other Nordic, EU and North American countries' names (`data/names/eu-*.txt`): a name
/// read with one of them needs the other word from [`FIRST`] or [`LAST`] (or a Finnish, Swedish
/// or English surname's shape), since these lists also hold words of those languages (`Till`,
/// `Can`, `Santa`, `Costa`).
static FIRST_OTHER: LazyLock<foldhash::HashSet<&'static str>> =
    LazyLock::new(|| list(include_str!("../data/names/eu-first.txt")).collect());
static LAST_OTHER: LazyLock<foldhash::HashSet<&'static str>> =
    LazyLock::new(|| list(include_str!("../data/names/eu-last.txt")).collect());

/// Runs of two to four capitalised words on one line, perhaps with an initial between two of them
/// (`Ben A. Lundgren`, `Tero S Lahtinen`).
fn run_pattern() -> String {
    format!(r"{WORD}(?:(?:[ \t]+\p{{Lu}}\.?)?[ \t]+{WORD}){{1,3}}")
}

/// [`run_pattern`], searched only where a run can begin (see [`runs`]).
static RUN: LazyLock<meta::Regex> =
    LazyLock::new(|| meta::Regex::new(&run_pattern()).expect("static regex"));

thread_local! {
    static RUN_SEARCH: RefCell<meta::Cache> = RefCell::new(RUN.create_cache());
}

/// An initial: one capital letter, perhaps with a full stop (`A.`, `S`).
fn is_initial(word: &str) -> bool {
    let mut c = word.chars();
    c.next().is_some_and(char::is_uppercase) && matches!(c.as_str(), "" | ".")
}

static CLOSINGS: LazyLock<String> =
    LazyLock::new(|| rules::alternation(&rules::RULES.lists.closings));
static GREETINGS: LazyLock<String> =
    LazyLock::new(|| rules::alternation(&rules::RULES.lists.greetings));

/// Cheap signs of a signature or a salutation (the phrase and what must follow it): whether a
/// text may hold one at all, and where the patterns that read the name are run.
pub(crate) static SIGNATURE_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?im)^[ \t]*(?:{})[ \t,.!]*\r?\n", *CLOSINGS)).expect("static regex")
});
pub(crate) static SALUTATION_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?m)(?:^|[ \t])(?i:{})[ \t]+\p{{Lu}}",
        *GREETINGS
    ))
    .expect("static regex")
});

static CONTACT_BEFORE: LazyLock<String> =
    LazyLock::new(|| rules::alternation(&rules::RULES.lists.contact_before));
static CONTACT_AFTER: LazyLock<String> =
    LazyLock::new(|| rules::alternation(&rules::RULES.lists.contact_after));
/// A list of `rules.toml` as a set of its words.
fn word_set(list: &'static [String]) -> foldhash::HashSet<&'static str> {
    list.iter().map(String::as_str).collect()
}

static NOT_NAMES: LazyLock<foldhash::HashSet<&'static str>> =
    LazyLock::new(|| word_set(&rules::RULES.lists.not_names));
/// The words of greetings and closing phrases (`dear`, `hei`, `regards`): no part of a name.
static GREETING_WORDS: LazyLock<foldhash::HashSet<&'static str>> = LazyLock::new(|| {
    let lists = &rules::RULES.lists;
    lists
        .greetings
        .iter()
        .chain(&lists.closings)
        .flat_map(|phrase| phrase.split_whitespace())
        .collect()
});
/// The titles in lower case (`mr`, `fröken`): a title is no name.
static TITLE_WORDS: LazyLock<foldhash::HashSet<String>> = LazyLock::new(|| {
    rules::RULES
        .lists
        .titles
        .iter()
        .map(|t| t.to_lowercase())
        .collect()
});

/// Cheap signs of where the place patterns below may match (the patterns themselves, with
/// their many Unicode word classes, are run only on the lines around such a sign).
pub(crate) static CONTACT_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|[^\p{{L}}])(?i:{}|{})(?:$|[^\p{{L}}])",
        *CONTACT_BEFORE, *CONTACT_AFTER
    ))
    .expect("static regex")
});
pub(crate) static ADDRESS_BLOCK_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(?:FI-|SE-)?(?:\d{5}|\d{3}[ \t]\d{2})[ \t]+\p{Lu}")
        .expect("static regex")
});
pub(crate) static KEYED_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i:card_?holder|holder|customer_?name|full_?name|display_?name|contact_?name|nimi|namn|kortinhaltija)["']?[ \t]*[:=]"#)
        .expect("static regex")
});
pub(crate) static SHORT_SIGNATURE_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(?i:t\.|terv\.|mvh|br|/)[ \t]+\p{Lu}").expect("static regex")
});

/// Runs a place pattern `re` on the lines around each of its `hints` (spans of `text` in
/// order: from `back` bytes before one to `ahead` bytes after, widened to whole lines of up to
/// a few hundred bytes, overlapping windows joined), with [`by_place_from`]'s test of the name.
/// Where the pattern's names are [`Written::Capitalised`], a window where no such word may begin
/// is not searched: in a log, most lines with a word of contact hold none.
pub(crate) fn by_place_near(
    hints: &[Range<usize>],
    re: &Regex,
    written: Written,
    text: &str,
    (back, ahead): (usize, usize),
    out: &mut Vec<Found>,
) {
    const LINE: usize = 400;
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for m in hints {
        let s0 = text.floor_char_boundary(m.start.saturating_sub(back));
        // The line's start and end, looked for no further than `LINE` bytes away.
        let floor = text.floor_char_boundary(s0.saturating_sub(LINE));
        let s = text[floor..s0].rfind('\n').map_or(floor, |i| floor + i + 1);
        let e0 = text.ceil_char_boundary((m.end + ahead).min(text.len()));
        let ceiling = text.ceil_char_boundary((e0 + LINE).min(text.len()));
        let e = text[e0..ceiling].find('\n').map_or(ceiling, |i| e0 + i);
        match windows.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => windows.push((s, e)),
        }
    }
    for (s, e) in windows {
        if written == Written::AnyCase || word_begins_in(&text[..e], s) {
            by_place_from(re, &text[..e], s, out);
        }
    }
}

/// How a place's pattern writes the names it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    /// As capitalised words ([`WORD`]).
    Capitalised,
    /// In letters of either case (a key's value: `"holder":"MAIJA VIRTANEN"`).
    AnyCase,
}

/// Whether a capitalised word ([`WORD`]) may begin in `text` at or after `from`.
fn word_begins_in(text: &str, from: usize) -> bool {
    next_word_start(text, from) < text.len()
}

/// The first byte at or after `from` where [`word_may_begin`] says a capitalised word may
/// begin (`text.len()` if none).
fn next_word_start(text: &str, mut from: usize) -> usize {
    let b = text.as_bytes();
    loop {
        from = next_capital_or_lead(b, from);
        if from >= b.len() || word_may_begin(text, from) {
            return from;
        }
        from += 1;
    }
}

/// Whether a capitalised word may begin at byte `i` of `text`: an ASCII capital followed by a
/// small letter, an apostrophe or a byte outside ASCII (`’`, `ä`), or any capital outside ASCII
/// (a superset of what `\p{Lu}` holds; the pattern decides). A byte within a character never
/// begins one.
fn word_may_begin(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    match b[i] {
        c if c.is_ascii_uppercase() => b
            .get(i + 1)
            .is_some_and(|&n| n.is_ascii_lowercase() || n == b'\'' || n >= 0x80),
        // A lead byte: a capital outside ASCII (`Åsa`, `Öberg`) may begin one.
        c if c >= 0xC0 => text[i..].chars().next().is_some_and(char::is_uppercase),
        _ => false,
    }
}

/// A name next to words of contact in a note: "Pratade med Nore Öhrvall", "Impi Kivilahti
/// soitti" (two words before such a verb, so that a sentence's first word is not taken).
pub(crate) static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|[^\p{{L}}])(?i:{})[ \t]+({WORD}(?:[ \t]+{WORD}){{1,2}})|({WORD}[ \t]+{WORD})[ \t]+(?i:{})(?:$|[^\p{{L}}])",
        *CONTACT_BEFORE, *CONTACT_AFTER
    ))
    .expect("static regex")
});

/// A name on the line above a street address and a postcode with its town: the address block
/// of a letter.
pub(crate) static ADDRESS_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?m)^[ \t]*({WORD}(?:[ \t]+{WORD}){{1,3}})[ \t]*\r?\n[ \t]*\p{{Lu}}[^\n\d]{{1,40}}[ \t]\d{{1,4}}[^\n]{{0,24}}\r?\n[ \t]*(?:FI-|SE-)?(?:\d{{5}}|\d{{3}}[ \t]\d{{2}})[ \t]+\p{{Lu}}"
    ))
    .expect("static regex")
});

static NAMING: LazyLock<String> = LazyLock::new(|| rules::alternation(&rules::RULES.lists.naming));
static TITLES: LazyLock<String> = LazyLock::new(|| rules::alternation(&rules::RULES.lists.titles));

/// Cheap signs of a naming phrase or a title before a capitalised word.
pub(crate) static NAMING_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i:{})[ \t]+\p{{Lu}}|(?:{})\.?[ \t]+\p{{Lu}}",
        *NAMING, *TITLES
    ))
    .expect("static regex")
});

/// A name after words that say who someone is (`My name is Diego Lima`, `jag heter Åsa
/// Berg`), or after a title (`Mrs. Flores`, `Ms. Lenka T. Mizerová`): up to three capitalised
/// words, initials between them; after a title a single word (a surname) too, after a phrase
/// two or more (a first name alone there is as often a pet's or a nickname).
pub(crate) static NAMING_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    let initial = r"\p{Lu}\.";
    Regex::new(&format!(
        r"(?:^|[^\p{{L}}])(?i:{naming})[ \t]+(?:(?:{titles})\.?[ \t]+)?({WORD}(?:[ \t]+{initial})?(?:[ \t]+{WORD}){{1,2}})|(?:^|[^\p{{L}}])(?:{titles})\.?[ \t]+({WORD}(?:[ \t]+{initial})?(?:[ \t]+{WORD}){{0,2}})",
        naming = *NAMING,
        titles = *TITLES,
    ))
    .expect("static regex")
});

/// A name as the value of a key that says so, in a log line's JSON or key=value pairs:
/// `"holder":"MAIJA VIRTANEN"`, `customer_name='Erik Svensson'`.
pub(crate) static KEYED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i:["']?(?:card_?holder|holder|customer_?name|full_?name|display_?name|contact_?name|nimi|namn|kortinhaltija)["']?[ 	]*[:=][ 	]*["'])(\p{L}[\p{L}'.-]*(?:[ 	]+\p{L}[\p{L}'.-]*){1,3})["']"#,
    )
    .expect("static regex")
});

/// A signature of a closing abbreviation and a name on one line: `t. Maija`, `mvh Erik`.
pub(crate) static SHORT_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?m)^[ \t]*(?i:t\.|terv\.|mvh|br|/)[ \t]+({WORD}(?:[ \t]+{WORD})?)[ \t]*\r?$"
    ))
    .expect("static regex")
});

/// The line after a closing phrase: the writer's name.
pub(crate) static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?m)^[ \t]*(?i:{})[ \t,.!]*\r?\n[ \t]*({WORD}(?:[ \t]+{WORD}){{0,2}})[ \t]*\r?$",
        *CLOSINGS
    ))
    .expect("static regex")
});

/// A salutation and the name it addresses.
pub(crate) static SALUTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?m)(?:^|[ \t])(?i:{})[ \t]+({WORD}(?:[ \t]+{WORD}){{0,2}})[ \t]*(?:[,!:.]|\r?$)",
        *GREETINGS
    ))
    .expect("static regex")
});

fn surname_shaped(word: &str, endings: &[&str]) -> bool {
    word.chars().count() >= 5 && endings.iter().any(|e| word.ends_with(e))
}

/// A surname of the Finnish, Swedish or English lists, or of their shapes (-nen, -sson, -berg …).
fn is_surname(word: &str) -> bool {
    LAST.contains(word) || surname_shaped(word, rules::surname_endings())
}

/// A surname of any list or shape (also -sen, -ski, -ová …).
fn is_any_surname(word: &str) -> bool {
    is_surname(word)
        || LAST_OTHER.contains(word)
        || surname_shaped(word, rules::other_surname_endings())
}

/// Whether a word in small letters (`virtanen`) is a surname of any list or shape and no first
/// name of any list (`erik` and `hanna` are both): a name of one such word is never taken for a
/// first name.
pub(crate) fn may_be_surname(lower: &str) -> bool {
    let mut chars = lower.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let word: String = first.to_uppercase().chain(chars).collect();
    is_any_surname(&word) && !is_any_first(&word)
}

fn is_first(word: &str) -> bool {
    // "Anna-Liisa": the whole, or each part, a known first name.
    FIRST.contains(word) || (word.contains('-') && word.split('-').all(|p| FIRST.contains(p)))
}

fn is_any_first(word: &str) -> bool {
    let known = |p: &str| FIRST.contains(p) || FIRST_OTHER.contains(p);
    known(word) || (word.contains('-') && word.split('-').all(known))
}

/// The names inside a run of capitalised words, as byte ranges of `run`: first name(s) then a
/// surname, or a surname then a first name. A name needs its first or its last word from the
/// Finnish, Swedish and English lists (or their surname shapes); a word known only from the other
/// countries' lists does not begin a longer name when a name begins after it (`Till Erik
/// Svensson`, `Can John Smith`), nor does a register's "surname first name" begin where a first
/// name and surname do (`Tack Erik Svensson`).
fn names_in(run: &str) -> Vec<(usize, usize)> {
    let words: Vec<(usize, &str)> = run
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .map(|w| (w.as_ptr() as usize - run.as_ptr() as usize, w))
        .collect();
    let n = words.len();
    // The last word of a first-name-first name that starts at word `i`.
    let first_first = |i: usize| -> Option<usize> {
        if !is_any_first(words[i].1) {
            return None;
        }
        let mut j = i + 1;
        while j < n {
            let w = words[j].1;
            // A middle name or initial ("Anna Maria Virtanen", "Ben A. Lundgren") when a
            // surname follows it.
            if (is_any_first(w) || is_initial(w)) && j + 1 < n && is_any_surname(words[j + 1].1) {
                j += 1;
                continue;
            }
            if is_any_surname(w) {
                return (is_first(words[i].1) || is_surname(w)).then_some(j);
            }
            if !is_any_first(w) {
                return None;
            }
            j += 1;
        }
        None
    };
    let name_from = |i: usize| -> Option<usize> {
        if let Some(j) = first_first(i) {
            let later = j > i + 1 && !is_first(words[i].1) && first_first(i + 1).is_some();
            return (!later).then_some(j);
        }
        let register = LAST.contains(words[i].1)
            && i + 1 < n
            && is_any_first(words[i + 1].1)
            && first_first(i + 1).is_none();
        register.then_some(i + 1)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if let Some(j) = name_from(i) {
            out.push((words[i].0, words[j].0 + words[j].1.len()));
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// A name found: its byte range in the text and its normal form (lower case).
pub(crate) type Found = (usize, usize, String);

static PLACE_AFTER: LazyLock<foldhash::HashSet<&'static str>> =
    LazyLock::new(|| word_set(&rules::RULES.lists.place_after));
static FIRM_WORDS: LazyLock<foldhash::HashSet<&'static str>> =
    LazyLock::new(|| word_set(&rules::RULES.lists.firm_words));
static STREET_BEFORE: LazyLock<foldhash::HashSet<&'static str>> =
    LazyLock::new(|| word_set(&rules::RULES.lists.street_before));

/// Whether the name at `start..end` of `text` is part of a street's, a place's or an
/// organisation's name, on the same line: after a word of streets that is capitalised or follows
/// a house number (`boulevard Aristide Briand` after `69`, `Via Carlo Cattaneo`); before a
/// capitalised word of places or firms, or `&` (`Nelson Mandela Drive`, `Atlas Mara Ltd`, `James
/// Fisher & Sons`), or before a word of firms that is also a heading's when a word of firms
/// follows it (`Philip Morris International Inc.`); or after a house number when its last word is
/// a word of places (`4908 Leroy Lane`).
fn names_a_place(text: &str, start: usize, end: usize) -> bool {
    const LOOK_BACK: usize = 256;
    let listed = |set: &foldhash::HashSet<&str>, w: &str| {
        set.contains(w.trim_end_matches('.').to_lowercase().as_str())
    };
    let place = |w: &str| listed(&PLACE_AFTER, w);
    let number = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
    // The words before it on its line (no further back than two words can be: on a line of a
    // whole file's length, looking further made each name cost the line).
    let floor = text.floor_char_boundary(start.saturating_sub(LOOK_BACK));
    let line_before = &text[text[floor..start]
        .rfind('\n')
        .map_or(floor, |i| floor + i + 1)..start];
    let before = line_before.trim_end_matches([' ', '\t']);
    if before.len() < line_before.len() {
        let back: Vec<&str> = before
            .rsplit(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | '"'))
            .take(2)
            .collect();
        let previous = back.first().copied().unwrap_or_default();
        let street = {
            let key = previous.to_lowercase();
            // `av.` as listed, `Via.` as `via`; `av` without its stop is no word of streets.
            STREET_BEFORE.contains(key.as_str())
                || (key.ends_with('.') && STREET_BEFORE.contains(key.trim_end_matches('.')))
        };
        let capitalised = previous.chars().next().is_some_and(char::is_uppercase);
        let after_number = back.get(1).is_some_and(|w| number(w));
        if street && (capitalised || after_number) {
            return true;
        }
        let last = text[start..end]
            .split_whitespace()
            .next_back()
            .unwrap_or_default();
        if number(previous) && place(last) {
            return true;
        }
    }
    let after = text[end..].trim_start_matches([' ', '\t']);
    if after.len() == text.len() - end {
        return false;
    }
    let (capital, next) = first_word(after);
    // A word of firms that is also a heading's (`International`) counts when a word of firms
    // follows it: `Philip Morris International Inc.`, not `Laura Santos International Relations`.
    let firm = || {
        listed(&FIRM_WORDS, next) && {
            let (capital, then) = first_word(after[next.len()..].trim_start_matches([' ', '\t']));
            capital && place(then)
        }
    };
    after.starts_with('&') || (capital && (place(next) || firm()))
}

/// The first word of `s` (letters, digits and full stops), and whether it is capitalised.
fn first_word(s: &str) -> (bool, &str) {
    let w = s
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .next()
        .unwrap_or_default();
    (w.chars().next().is_some_and(char::is_uppercase), w)
}

/// The runs of capitalised words in `text` that may hold a name (two to four on one line, an
/// initial between allowed), not starting inside a word (`McDonald` seen from `Donald`): what
/// [`by_gazetteer`] and [`by_address`] read, found in one pass.
///
/// A run begins where [`word_may_begin`] says a capitalised word may (an ASCII capital followed
/// by a small letter, an apostrophe or a byte outside ASCII, or any capital outside ASCII), so
/// the automaton is started only there, anchored: most of a text (digits, small letters, `INFO`,
/// `GET`) is passed over eight bytes at a time without it. The runs are those the pattern finds
/// searching the whole text from left to right (a test checks it).
pub(crate) fn runs(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    RUN_SEARCH.with_borrow_mut(|cache| {
        let mut i = 0;
        loop {
            i = next_word_start(text, i);
            if i >= text.len() {
                break;
            }
            let input = Input::new(text).span(i..text.len()).anchored(Anchored::Yes);
            match RUN.search_with(cache, &input) {
                Some(m) => {
                    if !text[..i]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric)
                    {
                        found.push(m.range());
                    }
                    i = m.end();
                }
                None => i += 1,
            }
        }
    });
    found
}

/// The first byte at or after `from` that is an ASCII capital or the first byte of a character
/// outside ASCII (`b.len()` if none): eight bytes are tested at a time.
fn next_capital_or_lead(b: &[u8], mut from: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = ONES * 0x80;
    while let Some(chunk) = b.get(from..from + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let ascii = x & (ONES * 0x7F);
        // Per byte, no carry between bytes: a byte's low seven bits plus 0x3F reach 0x80 when
        // it is at least `A`, plus 0x25 when it is past `Z`.
        let capital = (ascii + ONES * 0x3F) & !(ascii + ONES * 0x25) & !x & HIGH;
        // A lead byte of two bytes or more has its top two bits set.
        let lead = x & (x << 1) & HIGH;
        let any = capital | lead;
        if any != 0 {
            return from + (any.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    b[from.min(b.len())..]
        .iter()
        .position(|&c| c.is_ascii_uppercase() || c >= 0xC0)
        .map_or(b.len(), |p| from + p)
}

/// Names in `text` by the gazetteers, with their byte ranges, in its [`runs`].
pub(crate) fn by_gazetteer(text: &str, runs: &[Range<usize>], out: &mut Vec<Found>) {
    for run in runs {
        for (s, e) in names_in(&text[run.clone()]) {
            let (start, end) = (run.start + s, run.start + e);
            if !names_a_place(text, start, end) {
                out.push((start, end, normal(&text[start..end])));
            }
        }
    }
}

/// How far from an e-mail address a name it spells is looked for (within the address's record).
pub(crate) const SPELT_NEAR: usize = 300;

/// Names that an e-mail address of the same record spells: the capitalised words of a run (as
/// the gazetteers read them, among `runs`) in `window` whose letters are the address's local
/// part's — first name and surname in either order, or all the run's words, or the first
/// name's initial and the surname (`Luca Bianchi` beside `LucaBianchi@…`, `bianchi.luca@…` or
/// `lbianchi@…`). `local` is the local part in lower case; its digits, dots, hyphens and
/// underscores are no letters of the name. The first word must be a first name and the last a
/// surname of any list or a surname's shape (a firm's or a place's mailbox spells its words
/// too: `Nordic Trading` beside `nordictrading@…`, `Red Cross`, `Alma Media`); so it adds the
/// names whose two words are both of the other countries' lists, which the gazetteers alone do
/// not take. A word that names no person, a title, a greeting's or a closing's word, or a word
/// of places or firms keeps the words from counting (`Customer Service` beside
/// `customerservice@…`, `Dear Bianchi` beside `dbianchi@…`), as does a run that names a street
/// or a firm.
pub(crate) fn by_address(
    text: &str,
    runs: &[Range<usize>],
    window: Range<usize>,
    local: &str,
    out: &mut Vec<Found>,
) {
    let key: String = fold(local).chars().filter(|c| c.is_alphabetic()).collect();
    if key.chars().count() < 5 {
        return;
    }
    let from = runs.partition_point(|r| r.start < window.start);
    for run in runs[from..]
        .iter()
        .take_while(|r| r.start < window.end)
        .filter(|r| r.end <= window.end)
    {
        // Most runs near an address spell nothing: none of their words begins as it does.
        let opens = |w: &str| {
            w.chars()
                .next()
                .and_then(|c| c.to_lowercase().next())
                .map(fold_char)
                == key.chars().next()
        };
        if !text[run.clone()].split([' ', '\t']).any(opens) {
            continue;
        }
        let words: Vec<(usize, &str)> = text[run.clone()]
            .split([' ', '\t'])
            .filter(|w| !w.is_empty() && !is_initial(w))
            .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
            .collect();
        let folded: Vec<String> = words.iter().map(|(_, w)| fold(w)).collect();
        let spelt = |i: usize, j: usize| {
            let (first, last) = (&folded[i], &folded[j]);
            // All the words, an initial between too (`luca.d.nowak`).
            let all: String = fold(&text[words[i].0..words[j].0 + words[j].1.len()])
                .chars()
                .filter(|c| c.is_alphabetic())
                .collect();
            let joined = |a: &str, b: &str| {
                key.len() == a.len() + b.len() && key.starts_with(a) && key.ends_with(b)
            };
            key == all
                || joined(first, last)
                || joined(last, first)
                || (last.chars().count() >= 4
                    && first
                        .chars()
                        .next()
                        .is_some_and(|c| key.strip_prefix(c) == Some(last.as_str())))
        };
        let no_name = |w: &str| {
            let w = w.trim_end_matches('.').to_lowercase();
            NOT_NAMES.contains(w.as_str())
                || TITLE_WORDS.contains(&w)
                || PLACE_AFTER.contains(w.as_str())
                || FIRM_WORDS.contains(w.as_str())
                || GREETING_WORDS.contains(w.as_str())
        };
        // A firm's, a team's or a place's mailbox spells its words too (`Nordic Trading` beside
        // `nordictrading@`, `Red Cross`, `New York`, `Alma Media`: many surnames are words, many
        // firms begin with a first name): the first word must be a first name of any list and
        // the last a surname of any list or of a surname's shape.
        'from: for i in 0..words.len() {
            for j in i + 1..words.len().min(i + 3) {
                if spelt(i, j) {
                    let (start, end) = (words[i].0, words[j].0 + words[j].1.len());
                    if !words[i..=j].iter().any(|(_, w)| no_name(w))
                        && is_any_first(words[i].1)
                        && is_any_surname(words[j].1)
                        && !names_a_place(text, start, end)
                    {
                        out.push((start, end, normal(&text[start..end])));
                    }
                    break 'from;
                }
            }
        }
    }
}

/// [`by_place_from`] over the whole text.
#[cfg(test)]
pub(crate) fn by_place(re: &Regex, text: &str, out: &mut Vec<Found>) {
    by_place_from(re, text, 0, out);
}

/// Names by their place (after a closing phrase or a salutation, next to words of contact, above
/// an address, after a key), from byte `from` of `text` on — what stands before it is still
/// seen as the context of a match there (a window that begins inside a line is no line's
/// start): the capitalised words there, unless one of them is a word that names no person
/// (`Hyvä asiakas`, `Hello Customer Service`, `Lumo Oy`). The name is the first capture group
/// that took part.
fn by_place_from(re: &Regex, text: &str, from: usize, out: &mut Vec<Found>) {
    // Where to search next: `want` when it is past `at`, else the next character.
    let onward = |text: &str, at: usize, want: usize| {
        if want > at {
            want
        } else {
            at + text[at..].chars().next().map_or(1, char::len_utf8)
        }
    };
    let mut at = from;
    while at <= text.len()
        && let Some(c) = re.captures_at(text, at)
    {
        let whole = c.get(0).map_or(text.len(), |m| m.end());
        let Some(n) = c.iter().skip(1).flatten().next() else {
            at = onward(text, at, whole);
            continue;
        };
        let plausible = n.as_str().split_whitespace().all(|w| {
            let w = w.to_lowercase();
            w.chars().count() >= 2
                && !NOT_NAMES.contains(w.as_str())
                && !TITLE_WORDS.contains(w.trim_end_matches('.'))
        });
        if plausible {
            out.push((n.start(), n.end(), normal(n.as_str())));
            at = onward(text, at, whole);
        } else {
            // What was read as the name may itself open the place (`Mr. Mr. James Guibord`:
            // a title written twice): look again from the character before it, which the
            // patterns read as the start of a word.
            let before = text[..n.start()]
                .char_indices()
                .next_back()
                .map_or(0, |(i, _)| i);
            at = onward(text, at, before);
        }
    }
}

/// Whether a display name (`"Maija Virtanen" <…>`) reads as a person's rather than a
/// company's or a team's: `Last, First`; a word of it a known first name, a known or
/// surname-shaped surname; or the address's local part spelling a word of it (`kmallat`,
/// `paakkunainen.retu`) — so names on no list count when the address is theirs, and
/// `Kauppahuone Lumo <helpdesk@…>` does not.
pub(crate) fn person_like(display: &str, local: &str) -> bool {
    let words: Vec<&str> = display
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let shaped = !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '.'))
        });
    if !shaped {
        return false;
    }
    let capitalised = |w: &str| -> String {
        let lower = w.to_lowercase();
        let mut c = lower.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    };
    if words.len() == 2 && display.contains(',') {
        return true;
    }
    if words.iter().any(|w| {
        let w = capitalised(w);
        is_first(&w) || is_surname(&w)
    }) {
        return true;
    }
    let local = fold(local);
    words.iter().any(|w| {
        let w = fold(w);
        w.chars().count() >= 3 && local.contains(&w)
    })
}

/// Lower case without diacritics (`Pyörälä` → `pyorala`), as addresses spell names.
fn fold(s: &str) -> String {
    s.to_lowercase().chars().map(fold_char).collect()
}

/// A lower-case letter without its diacritic, as [`fold`] writes it.
fn fold_char(c: char) -> char {
    match c {
        'ä' | 'å' | 'á' | 'à' | 'â' => 'a',
        'ö' | 'ø' | 'ó' | 'ô' => 'o',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'ü' | 'ú' => 'u',
        'í' | 'ï' => 'i',
        'ñ' => 'n',
        'ç' => 'c',
        c => c,
    }
}

/// A name's normal form: lower case, single spaces.
pub(crate) fn normal(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gazetteer(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        by_gazetteer(text, &runs(text), &mut out);
        out.into_iter().map(|f| f.2).collect()
    }

    /// The runs as the pattern gives them searching the whole text (what [`runs`] was before it
    /// looked for where a run may begin).
    fn runs_of_the_whole_search(text: &str) -> Vec<Range<usize>> {
        Regex::new(&run_pattern())
            .unwrap()
            .find_iter(text)
            .filter(|m| {
                !text[..m.start()]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
            })
            .map(|m| m.range())
            .collect()
    }

    #[test]
    fn the_next_capital_or_lead_byte_is_the_first_one() {
        // Every byte value at every place of a 20-byte text of small letters.
        for at in 0..20 {
            for c in 0..=255u8 {
                let mut b = vec![b'x'; 20];
                b[at] = c;
                let wanted = if c.is_ascii_uppercase() || c >= 0xC0 {
                    at
                } else {
                    20
                };
                for from in 0..=at {
                    assert_eq!(
                        next_capital_or_lead(&b, from),
                        wanted,
                        "{c:#x} at {at} from {from}"
                    );
                }
                assert_eq!(next_capital_or_lead(&b, at + 1), 20);
            }
        }
        assert_eq!(next_capital_or_lead(b"", 0), 0);
    }

    #[test]
    fn a_capitalised_word_is_looked_for_from_where_the_window_begins() {
        let log = "2024-10-27T00:00:03 INFO [profile] field=phone new=\"0502 696 710\" by=self";
        assert!(
            !word_begins_in(log, 0),
            "capitals alone, digits and small letters"
        );
        for (text, from) in [
            ("soitti Maija", 0),
            ("x Åsa", 0),
            ("x O'Brien", 0),
            ("x O’Neil", 0),
            ("x Ölund", 2),
            ("GET Äiti", 0),
        ] {
            assert!(word_begins_in(text, from), "{text}");
        }
        assert!(
            !word_begins_in("Maija soitti", 1),
            "it began before the window"
        );
        assert!(
            !word_begins_in("ABC DEF G.", 0),
            "capitals without a small letter after"
        );
        // Outside ASCII any capital is taken as one that may begin a word (the pattern decides).
        assert!(word_begins_in("ÅÄÖ", 0));
    }

    #[test]
    fn runs_are_those_of_a_search_of_the_whole_text() {
        // Pieces that begin, end, break and glue runs: capitals inside words, after letters and
        // digits, outside ASCII (`Åsa`, `Ölund`, Greek, a title-case digraph), apostrophes, initials,
        // tabs, line breaks, words in capitals.
        let pieces = [
            "Maija",
            "Virtanen",
            "Åsa",
            "Öberg",
            "O'Brien",
            "O’Neil",
            "McDonald",
            "Anna-Liisa",
            "A.",
            "S",
            "INFO",
            "GET",
            "xAbc",
            "9Bo",
            "Σωκράτης",
            "Παπαδόπουλος",
            "ǅemal",
            "Ⅻ",
            "é",
            "ß",
            "Ääkkönen",
            "Über",
            "the",
            "and",
            "Ltd",
            "-",
            "'",
            ".",
            ",",
            "1234",
            "@",
            "ÅÄÖ",
            "Ła",
            "Żaneta",
        ];
        let gaps = [" ", " ", " ", "\t", "\n", "", ", ", "  "];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % n as u64).unwrap()
        };
        let mut checked = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..next(24) {
                text.push_str(pieces[next(pieces.len())]);
                text.push_str(gaps[next(gaps.len())]);
            }
            let expected = runs_of_the_whole_search(&text);
            checked += expected.len();
            assert_eq!(runs(&text), expected, "{text:?}");
        }
        // The texts did hold runs to compare.
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn a_window_that_begins_inside_a_line_is_no_line_s_start() {
        // The window around a hint reaches 400 bytes back when no line starts nearer; where it
        // begins, `hi` of `sushi` is no greeting at a line's start.
        let text = format!(
            "We ate sushi Bar, lovely. {} Hei Xandor Qwyllup, kiitos",
            "y".repeat(500)
        );
        let at = text.find("hi Bar").unwrap() + 400;
        let mut out = Vec::new();
        let hint = std::iter::once(at..at + 1).collect::<Vec<_>>();
        by_place_near(
            &hint,
            &SALUTATION,
            Written::Capitalised,
            &text,
            (0, 0),
            &mut out,
        );
        let found: Vec<&str> = out.iter().map(|f| f.2.as_str()).collect();
        assert_eq!(found, ["xandor qwyllup"]);
    }

    #[test]
    fn the_gazetteers_hold_the_common_names() {
        for first in [
            "Maija", "Juhani", "Aino", "Erik", "Karin", "Åsa", "Olivia", "John",
        ] {
            assert!(FIRST.contains(first), "{first}");
        }
        for last in ["Virtanen", "Korhonen", "Johansson", "Lindqvist", "Smith"] {
            assert!(LAST.contains(last), "{last}");
        }
        assert!(FIRST.len() > 1000 && LAST.len() > 1000);
    }

    #[test]
    fn names_in_running_text_by_gazetteer_and_shape() {
        assert_eq!(
            gazetteer("Soitin eilen Maija Virtanen kertoi kortista"),
            ["maija virtanen"]
        );
        // A rare surname of a common shape, a double first name, a register's order.
        assert_eq!(
            gazetteer("Asiakas Anna-Liisa Pyykkönen, ja Virtanen Matti"),
            ["anna-liisa pyykkönen", "virtanen matti"]
        );
        assert_eq!(
            gazetteer("Jag pratade med Erik Holmström igår"),
            ["erik holmström"]
        );
        assert_eq!(
            gazetteer("Called Olivia Walker about it"),
            ["olivia walker"]
        );
    }

    #[test]
    fn common_words_on_the_other_countries_lists_do_not_take_a_name() {
        for (text, name) in [
            ("Tack Erik Svensson för beställningen", "erik svensson"),
            ("Ring Anna Berg i morgon", "anna berg"),
            ("Account Holder Maria Smith", "maria smith"),
            ("Did Judge Anna Berg sign?", "anna berg"),
            ("Till Erik Svensson", "erik svensson"),
            ("Til Kari Hansen", "kari hansen"),
            ("Can John Smith call back?", "john smith"),
            ("Pastor Anna Berg", "anna berg"),
        ] {
            assert_eq!(gazetteer(text), [name], "{text}");
        }
        // Two words known only from the other countries' lists, or a surname's shape of theirs
        // after such a word, are no name; a Finnish, Swedish or English word makes one.
        for decoy in [
            "Mercedes Benz",
            "Santa Cruz",
            "Monte Carlo",
            "Costa Blanca",
            "Costa Rica",
            "Sierra Leone",
            "Alla Svenska Banker",
        ] {
            assert!(
                gazetteer(decoy).is_empty(),
                "{decoy}: {:?}",
                gazetteer(decoy)
            );
        }
        assert_eq!(gazetteer("Kontakt: Lars Weber"), ["lars weber"]);
    }

    #[test]
    fn a_sender_is_a_person_by_the_finnish_swedish_and_english_names_only() {
        for (display, local) in [
            ("Svenska Spel", "info"),
            ("Sales Team", "info"),
            ("Grand Hotel Helsinki", "reception"),
            ("Karolinska Institutet", "noreply"),
            ("Asia Travel", "booking"),
        ] {
            assert!(!person_like(display, local), "{display}");
        }
        assert!(person_like("Maija Virtanen", "mv"));
        assert!(person_like("Weber, Ralf", "rw"));
        assert!(person_like("Ralf Weber", "ralf.weber"));
    }

    #[test]
    fn names_of_streets_places_and_firms_are_no_persons() {
        for decoy in [
            "Service SA\n541 Nelson Mandela Drive",
            "shows on Martim Bridge Street today",
            "69 boulevard Aristide Briand",
            "461 Via Carlo Cattaneo 88",
            "199 4908 Leroy Lane",
            "Atlas Mara Ltd, Lusaka",
            "a director of Philip Morris International Inc.",
            "Erik Johansson Holdings AB",
            "Hoidettiin Maria Hospital -yksikössä",
        ] {
            assert!(
                gazetteer(decoy).is_empty(),
                "{decoy}: {:?}",
                gazetteer(decoy)
            );
        }
        // A person's name beside a number or a word of places on another line, after a comma,
        // after a lower-case "via" or Swedish "av", after a number when its last word is no word
        // of places, or before a lower-case word, is still one.
        for (text, name) in [
            ("Skickat av Erik Johansson", "erik johansson"),
            ("Beställningen gjordes av Anna Berg i går", "anna berg"),
            ("Payment sent via John Smith yesterday", "john smith"),
            (
                "2024-05-01 12:00:01 uid 4711 Maija Virtanen logged in",
                "maija virtanen",
            ),
            ("In 2019 Emma Walker joined", "emma walker"),
            ("Asiakasnumero 123456 Maija Virtanen", "maija virtanen"),
            ("Anna Berg sa att hon har flyttat", "anna berg"),
            ("Mark Jones group leader", "mark jones"),
            ("Maija Virtanen bank account FI21", "maija virtanen"),
            ("Transfer to Mark Jones bank account", "mark jones"),
            ("Mark Jones co-signed the loan", "mark jones"),
            // A word of firms that is also a heading's, without a firm's word after it.
            (
                "The board: Laura Santos International Relations lead",
                "laura santos",
            ),
            ("Sarah Miller Limited edition prints", "sarah miller"),
            (
                "Approved by Peter Nilsson Incorporated in 2019",
                "peter nilsson",
            ),
        ] {
            assert_eq!(gazetteer(text), [name], "{text}");
        }
        assert_eq!(
            gazetteer("Order 1234\nNelson Mandela\nDrive safely"),
            ["nelson mandela"]
        );
        assert_eq!(
            gazetteer("Room 12, Emma Walker, Street team"),
            ["emma walker"]
        );
    }

    #[test]
    fn names_with_an_initial_and_surnames_of_other_nordic_and_european_shapes() {
        for (text, name) in [
            ("Please ask Ben A. Lundgren to sign", "ben a. lundgren"),
            ("Tero S Lahtinen called", "tero s lahtinen"),
            ("Kontakt: Emma Sørensen, Aarhus", "emma sørensen"),
            ("Anna Jóhannesdóttir wrote", "anna jóhannesdóttir"),
            ("sent by Maria Kvapilová yesterday", "maria kvapilová"),
            ("with Peter Kozłowski and", "peter kozłowski"),
            ("the account of Elena Mironova was", "elena mironova"),
        ] {
            assert_eq!(gazetteer(text), [name], "{text}");
        }
        // An initial is a middle name only between a first name and a surname; a surname's
        // ending on a word of under five letters, or after a word no list knows, is no name.
        for decoy in [
            "Anna B Project",
            "Maria K. Results",
            "Anna Ski",
            "Board Ski Resort",
        ] {
            assert!(
                gazetteer(decoy).is_empty(),
                "{decoy}: {:?}",
                gazetteer(decoy)
            );
        }
    }

    #[test]
    fn capitalised_words_that_are_not_names() {
        for decoy in [
            "Anna Palautetta verkossa",
            "Helsinki Airport Terminal",
            "Valio Oy ja Kesko Oyj",
            "Microsoft Teams Meeting",
            "Mannerheimintie Helsinki",
            "Toivo Paremmasta",
        ] {
            assert!(
                gazetteer(decoy).is_empty(),
                "{decoy}: {:?}",
                gazetteer(decoy)
            );
        }
    }

    #[test]
    fn names_by_signature_and_salutation() {
        let mut out = Vec::new();
        by_place(
            &SIGNATURE,
            "Kiitos!\n\nYstävällisin terveisin\nKaisu Rautiainen\n",
            &mut out,
        );
        by_place(
            &SIGNATURE,
            "Best regards,\nGeorge Whitfield-Brown\n",
            &mut out,
        );
        by_place(&SALUTATION, "Hej Ingrid,\nTack för", &mut out);
        by_place(&SALUTATION, "Dear Customer Service,", &mut out);
        let names: Vec<&str> = out.iter().map(|f| f.2.as_str()).collect();
        assert_eq!(
            names,
            ["kaisu rautiainen", "george whitfield-brown", "ingrid"]
        );
    }

    #[test]
    fn names_after_a_naming_phrase_or_a_title() {
        let named = |text: &str| -> Vec<String> {
            let mut out = Vec::new();
            let hints: Vec<_> = NAMING_HINT.find_iter(text).map(|m| m.range()).collect();
            by_place_near(
                &hints,
                &NAMING_PLACE,
                Written::Capitalised,
                text,
                (40, 80),
                &mut out,
            );
            out.into_iter().map(|f| f.2).collect()
        };
        assert_eq!(named("Hi, my name is Diego Lima."), ["diego lima"]);
        assert_eq!(named("Jag heter Åsa Berg och ringer om"), ["åsa berg"]);
        assert_eq!(named("She named him Ruben Oduya"), ["ruben oduya"]);
        assert_eq!(named("For my take on Mrs. Flores, see"), ["flores"]);
        assert_eq!(
            named("join accounts with Ms. Lenka T. Mizerová"),
            ["lenka t. mizerová"]
        );
        // A title written twice is no name; the name after it is.
        assert_eq!(
            named("correct it to Mr. Mr. James Guibord?"),
            ["james guibord"]
        );
        for decoy in [
            // A first name alone after a phrase, a lower-case word, no capital, a word that
            // names no person, a title inside a word.
            "she named him Misty",
            "a folder named New Folder",
            "Named Pipes Provider: Could not open a connection",
            "the server name is Production Database",
            "my name is on the list",
            "Dear Mr. Customer",
            "the BBC ProMs Festival",
        ] {
            assert!(named(decoy).is_empty(), "{decoy}: {:?}", named(decoy));
        }
    }
}
