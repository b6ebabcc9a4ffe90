//! Linking records into data subjects, and what a scan gives at its end.
//!
//! Records are linked in file order as the reading threads hand them over: a record with a strong
//! identifier becomes a union-find node joined to every earlier record sharing one. Only the
//! identifiers' 64-bit keys and the union-find stay in memory. When findings or subjects were
//! asked for, each record also goes to a sealed spill file ([`crate::spill`]); at the end the
//! spill is read once to number the subjects in order of first appearance (and write the
//! findings), and each subject's data is sorted into buckets of consecutive subject numbers, each
//! small enough to gather in memory on its own. Memory so stays bounded by the number of
//! identifiers, not by the size of the leak.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};

use crate::spill::{SpillReader, SpillWriter};
use crate::unionfind::UnionFind;
use crate::{
    Category, CategoryCount, Country, FileCounts, FileProblem, FileResult, FindingLine, Hit,
    Options, Report, ScanError, Sink, SubjectLine, mask,
};

/// Makes a record with a strong identifier a node of the union-find, joined to every earlier
/// record that shares one of its identifiers; `None` for a record that identifies nobody.
fn link(
    hits: &[Hit],
    uf: &mut UnionFind,
    nodes: &mut Vec<NodeFacts>,
    owner: &mut Owners,
    later: &mut Later,
    distinct: &mut [u64; CATEGORIES],
) -> Option<u32> {
    let Later {
        guessed,
        first_names,
        one_name,
    } = later;
    // (the category whose distinct values a new key counts, the key, whether its country, if it
    // is a number, is certain)
    let mut keys: Vec<(Option<Category>, u64, bool)> = hits
        .iter()
        .filter(|h| h.category.is_strong() && !h.masked_card)
        .map(|h| {
            let key = identifier_key(h.category, &h.value, "");
            if !h.country.certain()
                && let Some(other) = other_country(&h.value)
            {
                let by_record = h.country == Country::ByItsRecord;
                guessed
                    .entry(key)
                    .and_modify(|g| g.by_record |= by_record)
                    .or_insert_with(|| Guessed {
                        other: identifier_key(h.category, &other, ""),
                        by_record,
                    });
            }
            (Some(h.category), key, h.country.certain())
        })
        .collect();
    // A name together with an address identifies a person; either alone does not.
    let name = hits.iter().find(|h| h.category == Category::PersonName);
    let address = hits.iter().find(|h| h.category == Category::PostalAddress);
    if name.is_some() {
        keys.extend(
            hits.iter()
                .filter_map(|h| nordic_phone_key(h.category, &h.value))
                .map(|k| (None, k, false)),
        );
    }
    if let (Some(n), Some(a)) = (name, address) {
        keys.extend(
            name_and_address_keys(&n.value, &a.value)
                .into_iter()
                .flatten()
                .map(|k| (None, k, false)),
        );
    }
    if keys.is_empty() {
        return None;
    }
    // A masked card alone identifies no one; it only says what a subject's card ends in.
    let node = uf.add();
    // Whose record it is: its first name (a message's sender comes first, by the display name
    // of its address).
    let who = name.map_or(NO_NAME, |n| name_words(&n.value));
    nodes.push(NodeFacts::of(hits, &keys, who));
    if let (Some(n), Some(a)) = (name, address)
        && let Some((key, postcode, town)) = first_name_at(&n.value, &a.value)
    {
        let facts = nodes[node as usize];
        if facts.name == 0 {
            one_name.entry((key, postcode, town)).or_insert(node);
        } else {
            first_names
                .entry(key)
                .and_modify(|at| at.add(node, facts.name, postcode, town))
                .or_insert(FirstNameAt::new(node, facts.name, postcode, town));
        }
    }
    for (category, key, certain) in keys {
        match owner.first(key, node, who, certain) {
            Owner::Earlier(kept) => *kept = uf.union(node, *kept),
            Owner::Shared => {}
            Owner::This => {
                // The linking map holds every strong identifier once: it counts them too.
                if let Some(c) = category {
                    distinct[c as usize] += 1;
                }
            }
        }
    }
    Some(node)
}

/// A name's words (letters, digits and hyphens).
fn words(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect()
}

/// A name's first name and surname in order of the alphabet, so that `Virtanen, Maija`, `Maija
/// Virtanen`, `Maija Liisa Virtanen` and `Virtanen, Maija Liisa` are one: the first and the last
/// word, or with a comma the word before it and the first after it.
fn name_key(name: &str) -> [&str; 2] {
    let (first, last) = if let Some((surname, given)) = name.split_once(',') {
        let (surname, given) = (words(surname), words(given));
        (
            given.first().copied().unwrap_or_default(),
            surname.last().copied().unwrap_or_default(),
        )
    } else {
        let all = words(name);
        let first = all.first().copied().unwrap_or_default();
        (first, all.last().copied().unwrap_or(first))
    };
    if first <= last {
        [first, last]
    } else {
        [last, first]
    }
}

/// A second key for a Finnish or Swedish phone number, by its national significant number. A
/// national number that both plans allow (`044 856 5548`: a Finnish mobile, or Kristianstad's
/// area code) is read as one country's by what its text says, which a Swedish note about a
/// Finnish customer gets wrong; so a record with a name links through this key to a record of the
/// same name with `+358 44 856 5548`. Only records with a name have it, and a record of another
/// name does not link through it (see [`Owners::first`]): a Finnish mobile and a Malmö number of
/// the same digits, without names, stay two. The number's own key is the number as read (see
/// [`read_again`] for when that reading is corrected at the end).
fn nordic_phone_key(category: Category, value: &str) -> Option<u64> {
    if category != Category::Phone {
        return None;
    }
    let national = value
        .strip_prefix("+358")
        .or_else(|| value.strip_prefix("+46"))?;
    Some(identifier_key(category, national, "+358|+46"))
}

/// The other reading of a Finnish or Swedish number: `+358 44 …` for `+46 44 …` and back.
fn other_country(value: &str) -> Option<String> {
    if let Some(national) = value.strip_prefix("+358") {
        Some(format!("+46{national}"))
    } else {
        value
            .strip_prefix("+46")
            .map(|national| format!("+358{national}"))
    }
}

/// What the linking gathers for the joins decided at the end of the scan.
#[derive(Default)]
pub(crate) struct Later {
    /// The keys of national numbers whose country was guessed, with the other country's key
    /// and whether a record's own words ever chose (see [`read_again`]).
    guessed: foldhash::HashMap<u64, Guessed>,
    /// Full names' first names at addresses, and the records of one name with an address (see
    /// [`by_first_name`]).
    first_names: foldhash::HashMap<u64, FirstNameAt>,
    one_name: OneName,
}

/// A national number whose country was guessed: the key of the other country's reading, and
/// whether a record's own words ever chose its country (see [`Country`]).
#[derive(Clone, Copy)]
pub(crate) struct Guessed {
    other: u64,
    by_record: bool,
}

/// National numbers read as the other country's: a number whose country was guessed (a Swedish
/// note about a Finnish customer: `044 856 5548`) is the other country's when the leak holds
/// that number with its country certain (`+358 44 856 5548`) in a record with a name, never this
/// reading so, neither reading is shared, and either
///
/// - the two were first seen with names of the same person, or
/// - the person of this reading is named nowhere (no record of the subject it belongs to had a
///   name), no other name ever had the certain reading, and no record with this reading had
///   words that chose its country: a log line of keys and numbers (`sms.sent to=044 856 5548
///   code=4471`), whose country only a vote over the rest of its text gave; or its records
///   are of the certain number's subject already.
///
/// Its records join the certain number's, its findings show it so and it is counted once. A
/// nameless line whose own words chose (`sms skickat till 044-856 55 48`) or a number of
/// another name stays another person: a Finnish mobile and a Malmö number of the same digits.
/// Decided on the subjects as they were before any such reading, in a fixed order: a subject
/// whose numbers would be read as two other subjects' is read as neither.
///
/// The nameless join is wrong when such a line is a Swedish number (or a Finnish one read as
/// Swedish) that shares its digits with another country's number the leak holds: of S such
/// lines and F numbers of the other country in one seven-digit subscriber range, about S × F /
/// 10⁷ (on our 1 GiB leak, some 250 lines and a few thousand numbers: under one). The report
/// counts these joins. Gives back the keys read again, and how many subjects they joined (two
/// records of one subject read again join nothing).
fn read_again(
    guessed: &foldhash::HashMap<u64, Guessed>,
    owner: &Owners,
    uf: &mut UnionFind,
    nodes: &[NodeFacts],
) -> (foldhash::HashSet<u64>, u64) {
    // Decided on the subjects as they were before any such reading: whether each has a name,
    // and for each subject of guessed numbers, the certain numbers' subjects they point at.
    let named = subjects_with(uf, nodes, NodeFacts::NAMED);
    // (the guessed number's subject, the certain number's subject, the guessed key)
    let mut readings: Vec<(u32, u32, u64)> = Vec::new();
    for (&key, g) in guessed {
        let (Some(this), Some(that)) = (owner.get(key), owner.get(g.other)) else {
            continue;
        };
        let (a, b) = (uf.find(this.node), uf.find(that.node));
        // (Records of one subject already: reading the number again joins nothing.)
        let same = if this.name == NO_NAME {
            a == b || !g.by_record && !named[a as usize] && that.others == 0
        } else {
            same_person(this.name, that.name)
        };
        if !this.certain()
            && that.certain()
            && !this.shared()
            && !that.shared()
            && that.name != NO_NAME
            && same
        {
            readings.push((a, b, key));
        }
    }
    readings.sort_unstable();
    let mut again = foldhash::HashSet::default();
    let mut joined = 0;
    // A subject whose numbers point at two others' (`044 856 5548` and `040 123 4567` on one
    // nameless line, each another person's with its country) is read as neither.
    for group in readings.chunk_by(|x, y| x.0 == y.0) {
        let (a, b, _) = group[0];
        if group.iter().any(|r| r.1 != b) {
            continue;
        }
        if uf.find(a) != uf.find(b) {
            joined += 1;
            uf.union(a, b);
        }
        again.extend(group.iter().map(|r| r.2));
    }
    (again, joined)
}

/// Words of a flat's or a floor's number, never a town (`Storgatan 5 lgh 1102`).
const UNIT_WORDS: &[&str] = &["lgh", "apt", "unit", "suite", "bst", "krs", "trappa"];

/// An address's parts as it links: its street's first word and its first number, with its
/// postcode (five digits, or Sweden's three and two, as digits) and with its town (the last word
/// of three letters or more) — each a key with the name (see [`name_and_address_keys`]).
fn address_parts(address: &str) -> (&str, &str, Option<String>, Option<&str>) {
    let mut words = address
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2);
    let first = words.next().unwrap_or_default();
    let town = words.rfind(|w| w.chars().count() >= 3 && !UNIT_WORDS.contains(w));
    let mut numbers = address
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty());
    let number = numbers.next().unwrap_or_default();
    let rest: Vec<&str> = numbers.collect();
    let postcode = rest
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, n)| match n.len() {
            5 => Some((*n).to_owned()),
            2 if i > 0 && rest[i - 1].len() == 3 => Some(format!("{}{n}", rest[i - 1])),
            _ => None,
        });
    (first, number, postcode, town)
}

/// The keys of a name together with an address: one with the postcode, one with the town, so
/// that the same address is one however it is written — `Storgatan 5, 111 22 Stockholm` as a
/// column composes it, `Storgatan 5 111 22 Stockholm` in running text, `7037 Magnolia Way,
/// Portland` without its ZIP code, `8553 Washington Boulevard, Chicago IL 60601` with a state,
/// `Bergstraße 4, 60311 Frankfurt am Main` — while Storgatan 5 in Uppsala is another.
fn name_and_address_keys(name: &str, address: &str) -> [Option<u64>; 2] {
    use std::hash::BuildHasher as _;
    let [a, b] = name_key(name);
    let (street, number, postcode, town) = address_parts(address);
    let key = |kind: u8, place: &str| -> u64 {
        foldhash::quality::FixedState::with_seed(0x6e61_6d65_6164_6472)
            .hash_one((a, b, street, number, kind, place))
    };
    match (postcode, town) {
        // A street alone (a table with no postcode or town column): with the street.
        (None, None) => [Some(key(2, "")), None],
        (postcode, town) => [postcode.map(|p| key(0, &p)), town.map(|t| key(1, t))],
    }
}

/// A person's first name with the street and number of an address, and the address's postcode
/// and town hashed (0: none): what a record of one name and an address (a reply's quote signed
/// `Fride`) is compared with (see [`by_first_name`]). None when the first name is empty or may be
/// a surname (`Virtanen`, and `VIRTANEN MAIJA` of a register that writes the surname first).
fn first_name_at(name: &str, address: &str) -> Option<(u64, u32, u32)> {
    use std::hash::BuildHasher as _;
    let given = if let Some((_, given)) = name.split_once(',') {
        words(given).first().copied().unwrap_or_default()
    } else {
        words(name).first().copied().unwrap_or_default()
    };
    if given.is_empty() || crate::names::may_be_surname(given) {
        return None;
    }
    let (street, number, postcode, town) = address_parts(address);
    let hasher = foldhash::quality::FixedState::with_seed(0x6669_7273_7461_7421);
    #[allow(clippy::cast_possible_truncation)] // a 32-bit digest of a postcode or a town
    let digest = |part: Option<&str>| part.map_or(0, |p| (hasher.hash_one(p) as u32).max(1));
    Some((
        hasher.hash_one((given, street, number)),
        digest(postcode.as_deref()),
        digest(town),
    ))
}

/// A full name's first name at a street and number (see [`first_name_at`]): the first record
/// with it, its full name ([`NodeFacts::name`]; [`FirstNameAt::AMBIGUOUS`] once records of two
/// full names, or of two postcodes or two towns, had it) and the postcode and town its records
/// gave (0: none did). The same whatever the order of the records.
#[derive(Clone, Copy)]
pub(crate) struct FirstNameAt {
    node: u32,
    name: u32,
    postcode: u32,
    town: u32,
    /// A record whose place shares neither postcode nor town with the first's (`111 22` and
    /// `Uppsala`): it shares no key with it, and may be another person of the same name; the
    /// two must be one subject at the end. [`NO_NODE`]: none.
    apart: u32,
}

impl FirstNameAt {
    const AMBIGUOUS: u32 = 0;

    fn new(node: u32, name: u32, postcode: u32, town: u32) -> Self {
        Self {
            node,
            name,
            postcode,
            town,
            apart: NO_NODE,
        }
    }

    /// Another record's (`node`) full name, postcode and town with this first name at this
    /// street.
    fn add(&mut self, node: u32, name: u32, postcode: u32, town: u32) {
        let shares = |kept: u32, new: u32| kept != 0 && kept == new;
        if !shares(self.postcode, postcode) && !shares(self.town, town) && self.apart == NO_NODE {
            self.apart = node;
        }
        let merge = |kept: &mut u32, new: u32| {
            if *kept == 0 {
                *kept = new;
                true
            } else {
                new == 0 || new == *kept
            }
        };
        let same =
            name == self.name && merge(&mut self.postcode, postcode) && merge(&mut self.town, town);
        if !same {
            self.name = Self::AMBIGUOUS;
        }
    }

    /// Whether `postcode` and `town` (0: none) are this address's: each that both have is the
    /// same, and at least one is there.
    fn same_place(self, postcode: u32, town: u32) -> bool {
        let agree = |a: u32, b: u32| a == 0 || b == 0 || a == b;
        agree(self.postcode, postcode)
            && agree(self.town, town)
            && (self.postcode != 0 && self.postcode == postcode
                || self.town != 0 && self.town == town)
    }
}

/// The records of one name with an address, by [`first_name_at`]: the first record of each.
/// Records of one name at one address share a name-and-address key, and so a subject.
pub(crate) type OneName = foldhash::HashMap<(u64, u32, u32), u32>;

/// Joins a person known by one name and an address to the one person of a full name whose
/// first name it is, at that address: a reply quotes a customer's message and its signature,
/// `Fride`, without the display name `Fride Österlind` that her own message had with the same
/// address. Decided on the subjects as they were before any such join, and only when every
/// record of one name with an address in the subject finds the same full name there: not
///
/// - when two full names have that first name at that street and number (two Annas of one
///   office), or their records give two postcodes or two towns, or records of two subjects give
///   one only the postcode and the other only the town (two Anna Linds, of `Storgatan 5, 111 22`
///   and of `Storgatan 5, Uppsala`);
/// - when one of the subject's records finds none, or another (a staff member who signs `Anna`
///   and writes to customers at their addresses; two messages signed `Anna` from one mailbox,
///   each with another Anna's address);
/// - when the subject has a full name already that is not that one (a message from
///   `anna.berg@…` signed `Anna` with Anna Lind's address).
///
/// A word that may be a surname and is no first name (a household's `Virtanen`) is never looked
/// up. Gives the number of subjects joined.
fn by_first_name(
    full: &foldhash::HashMap<u64, FirstNameAt>,
    one_name: &OneName,
    uf: &mut UnionFind,
    nodes: &[NodeFacts],
) -> u64 {
    if one_name.is_empty() {
        return 0;
    }
    let roots = roots(uf, nodes.len());
    // Each subject's full name (0: none), and whether it has several.
    let mut name = vec![0u32; nodes.len()];
    let mut several = vec![false; nodes.len()];
    for (&root, facts) in roots.iter().zip(nodes) {
        let r = root as usize;
        if facts.name != 0 {
            if name[r] == 0 {
                name[r] = facts.name;
            } else if name[r] != facts.name {
                several[r] = true;
            }
        }
    }
    // (the one name's subject, the full name's subject and name; `None`: found none)
    let mut found: Vec<(u32, Option<(u32, u32)>)> = one_name
        .iter()
        .map(|(&(key, postcode, town), &node)| {
            let whole = full
                .get(&key)
                .filter(|at| {
                    at.name != FirstNameAt::AMBIGUOUS
                        && at.same_place(postcode, town)
                        && (at.apart == NO_NODE
                            || roots[at.apart as usize] == roots[at.node as usize])
                })
                .map(|at| (roots[at.node as usize], at.name));
            (roots[node as usize], whole)
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    let mut joined = 0;
    for group in found.chunk_by(|x, y| x.0 == y.0) {
        let (one, whole) = group[0];
        let r = one as usize;
        let Some((whole, full_name)) = whole else {
            continue;
        };
        if group.len() > 1 || several[r] || name[r] != 0 && name[r] != full_name {
            continue;
        }
        if uf.find(one) != uf.find(whole) {
            joined += 1;
            uf.union(one, whole);
        }
    }
    joined
}

/// A name's first and last word, hashed (0: none): enough to tell `Maija Virtanen`,
/// `Virtanen, Maija` and `Maija` apart from `Erkka Maijala`.
type NameWords = [u32; 2];
const NO_NAME: NameWords = [0, 0];

fn name_words(name: &str) -> NameWords {
    use std::hash::BuildHasher as _;
    let hash = |w: &str| -> u32 {
        let h = foldhash::quality::FixedState::with_seed(0x6e61_6d65).hash_one(w);
        #[allow(clippy::cast_possible_truncation)] // a 32-bit digest of the word
        let h = h as u32;
        h.max(1)
    };
    let mut words = name
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty());
    let first = words.next().map_or(0, hash);
    let last = words.next_back().map_or(first, hash);
    [first, last]
}

/// Whether two names may be the same person's: one shares a word with the other.
fn same_person(a: NameWords, b: NameWords) -> bool {
    a == NO_NAME || b == NO_NAME || a.iter().any(|w| b.contains(w))
}

/// What the end of a scan needs to know of a union-find node's record (8 bytes).
#[derive(Clone, Copy)]
struct NodeFacts {
    /// Its full name (first and last word, in either order), hashed; 0: none.
    name: u32,
    /// [`NodeFacts::STRONG`], [`NodeFacts::CONTACT`], [`NodeFacts::NAMED`].
    flags: u8,
    /// The last four digits of its first card, with [`MASKED`] when the card was masked;
    /// [`NO_CARD`]: none.
    card_ending: u16,
}

const NO_CARD: u16 = u16::MAX;
const MASKED: u16 = 0x8000;

impl NodeFacts {
    /// It had a strong identifier (not only a name with an address).
    const STRONG: u8 = 1;
    /// It had a way to reach its person — an e-mail address, a phone number, an identity code
    /// or an address — and not only a payment identifier (a card, an IBAN, a customer number).
    const CONTACT: u8 = 2;
    /// It had a name, if only a first name.
    const NAMED: u8 = 4;

    fn of(hits: &[Hit], keys: &[(Option<Category>, u64, bool)], who: NameWords) -> Self {
        let [a, b] = who;
        let strong = keys.iter().any(|(c, _, _)| c.is_some());
        let contact = keys.iter().any(|(c, _, _)| {
            matches!(
                c,
                None | Some(Category::Email | Category::Phone | Category::NationalId)
            )
        }) || hits.iter().any(|h| h.category == Category::PostalAddress);
        Self {
            name: if a == 0 || a == b { 0 } else { (a ^ b).max(1) },
            flags: [
                (strong, Self::STRONG),
                (contact, Self::CONTACT),
                (who != NO_NAME, Self::NAMED),
            ]
            .into_iter()
            .filter(|&(set, _)| set)
            .fold(0, |flags, (_, flag)| flags | flag),
            card_ending: hits
                .iter()
                .filter(|h| h.category == Category::PaymentCard)
                .find_map(|h| {
                    let ending: u16 = h
                        .value
                        .get(h.value.len().saturating_sub(4)..)?
                        .parse()
                        .ok()?;
                    Some(if h.masked_card {
                        ending | MASKED
                    } else {
                        ending
                    })
                })
                .unwrap_or(NO_CARD),
        }
    }

    fn has(self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// Which subjects have a record with `flag` (see [`NodeFacts`]), by union-find root.
fn subjects_with(uf: &mut UnionFind, nodes: &[NodeFacts], flag: u8) -> Vec<bool> {
    let mut with = vec![false; nodes.len()];
    for (node, facts) in (0u32..).zip(nodes) {
        if facts.has(flag) {
            with[uf.find(node) as usize] = true;
        }
    }
    with
}

/// Each node's union-find root, as the subjects are now.
fn roots(uf: &mut UnionFind, nodes: usize) -> Vec<u32> {
    (0..u32::try_from(nodes).unwrap_or(u32::MAX))
        .map(|node| uf.find(node))
        .collect()
}

/// Joins a subject known only by a card and its holder's full name (a payment gateway's log
/// line) to the one subject with contact data that has the same full name and that card masked
/// with the same last four digits (`card=****1845` beside a customer number): a name with a
/// second attribute. A whole card offers nothing (the same card would have linked already; a
/// different one with the same ending says nothing). Nothing is joined where two subjects with
/// contact data have that name and ending, or where the card's subject points at two; a
/// subject of more than eight names or masked cards (a switchboard's, a shared mailbox's) offers
/// none. Decided on the subjects as they were before any such join. Gives the number of
/// subjects joined.
fn by_name_and_card_ending(uf: &mut UnionFind, nodes: &[NodeFacts]) -> u64 {
    const MANY: usize = 8;
    let contact = subjects_with(uf, nodes, NodeFacts::CONTACT);
    let roots = roots(uf, nodes.len());
    // Names and masked cards' endings of the subjects with contact data, by subject.
    let mut names: Vec<(u32, u32)> = Vec::new();
    let mut endings: Vec<(u32, u16)> = Vec::new();
    for (&root, facts) in roots.iter().zip(nodes) {
        if !contact[root as usize] {
            continue;
        }
        if facts.name != 0 {
            names.push((root, facts.name));
        }
        if facts.card_ending != NO_CARD && facts.card_ending & MASKED != 0 {
            endings.push((root, facts.card_ending & !MASKED));
        }
    }
    names.sort_unstable();
    names.dedup();
    endings.sort_unstable();
    endings.dedup();
    // (name, ending) → the one subject that has both (`None`: more than one).
    let mut known: foldhash::HashMap<(u32, u16), Option<u32>> = foldhash::HashMap::default();
    // Both lists are sorted by subject: walk them side by side.
    let mut endings_of = endings.chunk_by(|x, y| x.0 == y.0).peekable();
    for names_of in names.chunk_by(|x, y| x.0 == y.0) {
        let root = names_of[0].0;
        while endings_of.peek().is_some_and(|e| e[0].0 < root) {
            endings_of.next();
        }
        let Some(ends) = endings_of.peek().filter(|e| e[0].0 == root) else {
            continue;
        };
        if names_of.len() > MANY || ends.len() > MANY {
            continue;
        }
        for &(_, name) in names_of {
            for &(_, ending) in *ends {
                known
                    .entry((name, ending))
                    .and_modify(|r| {
                        if *r != Some(root) {
                            *r = None;
                        }
                    })
                    .or_insert(Some(root));
            }
        }
    }
    // What each card's subject points at: (its root, the subject it may be; `None`: several).
    let mut points: Vec<(u32, Option<u32>)> = Vec::new();
    for (&root, facts) in roots.iter().zip(nodes) {
        if facts.name == 0
            || facts.card_ending == NO_CARD
            || facts.card_ending & MASKED != 0
            || contact[root as usize]
        {
            continue;
        }
        if let Some(&to) = known.get(&(facts.name, facts.card_ending)) {
            points.push((root, to));
        }
    }
    points.sort_unstable();
    points.dedup();
    let mut joined = 0;
    for of_one in points.chunk_by(|x, y| x.0 == y.0) {
        if let [(root, Some(to))] = of_one {
            uf.union(*root, *to);
            joined += 1;
        }
    }
    joined
}

/// Subjects that may be people counted twice: known only by a payment identifier and a full
/// name that another subject with contact or identifying data also has (a payment gateway's log
/// line with a card and its holder). Linking them would be linking by a name alone, which is
/// not done: two people can share a name. At most this many subjects may be duplicates. Names
/// are compared by a 32-bit digest: with a million distinct names of reachable subjects, about
/// one name in four thousand would match by chance.
fn named_like_another(uf: &mut UnionFind, nodes: &[NodeFacts]) -> u64 {
    let contact = subjects_with(uf, nodes, NodeFacts::CONTACT);
    // The names of subjects with contact data (few: one per person), and the subjects without.
    let mut reachable: foldhash::HashSet<u32> = foldhash::HashSet::default();
    let mut unreachable: Vec<(u32, u32)> = Vec::new();
    for (node, facts) in (0u32..).zip(nodes) {
        if facts.name == 0 {
            continue;
        }
        let root = uf.find(node);
        if contact[root as usize] {
            reachable.insert(facts.name);
        } else {
            unreachable.push((root, facts.name));
        }
    }
    let mut twins: Vec<u32> = unreachable
        .into_iter()
        .filter(|(_, name)| reachable.contains(name))
        .map(|(root, _)| root)
        .collect();
    twins.sort_unstable();
    twins.dedup();
    twins.len() as u64
}

/// What the linking map says of an identifier key for a record.
enum Owner<'a> {
    /// This record is the first with it.
    This,
    /// An earlier record had it: the two are one person. The node the map keeps for it (of
    /// that person's records; the caller makes it their set's root, so that the next record
    /// with the key finds the root at once).
    Earlier(&'a mut u32),
    /// A record of another name has it (a reply quoting its customer's number), or records
    /// of several have had it (a switchboard, a shared mailbox, the company's account): it
    /// does not link this record.
    Shared,
}

/// A fixed-size key for an identifier (or a name with an address): the same value always gives
/// the same key, within a run and across runs.
fn identifier_key(category: Category, value: &str, with: &str) -> u64 {
    use std::hash::BuildHasher as _;
    foldhash::quality::FixedState::with_seed(0x6272_6561_6368_6473)
        .hash_one((category, value, with))
}

/// The linking map: for each identifier key, a union-find node of the records that had it (at
/// first the first record's; after each join, the root its set then had, so that the next record
/// with the key finds the root at once), the two word hashes of the name first seen with it and
/// two counts of later records. It is the bulk of a scan's memory: one entry of 24 bytes (not 32)
/// per distinct identifier, the key kept as two 32-bit halves. The map is split into shards by the
/// key's top bits, so that growing it copies one shard at a time rather than the whole map — a
/// single map of 20 million keys needs its old and its new table at once, half again its size.
struct Owners {
    shards: Vec<foldhash::HashMap<[u32; 2], Owned>>,
}

/// A node of the records with a key (see [`Owners`]), the name seen first with it, and how many
/// later records had it with that name and with another.
#[derive(Clone, Copy)]
struct Owned {
    node: u32,
    name: NameWords,
    /// The count of records of the same name (15 bits), and in the top bit whether a record
    /// had it with its country certain (see [`Hit::country`]).
    same: u16,
    others: u16,
}

impl Owned {
    const CERTAIN: u16 = 0x8000;

    fn same(&self) -> u16 {
        self.same & !Self::CERTAIN
    }

    fn certain(&self) -> bool {
        self.same & Self::CERTAIN != 0
    }

    /// Shared (a switchboard, a team's mailbox): records of other names have had it at least
    /// twice, and as often as records of its first name. A customer's address quoted now and
    /// then in a reply stays theirs.
    fn shared(&self) -> bool {
        self.others >= 2 && self.others >= self.same()
    }
}

impl Owners {
    const SHARD_BITS: u32 = 6;

    fn new() -> Self {
        Self {
            shards: (0..1 << Self::SHARD_BITS)
                .map(|_| foldhash::HashMap::default())
                .collect(),
        }
    }

    /// Who had `key` first: `node` (which now owns it), an earlier record, or records of
    /// people with different names (`name`, this record's), which makes the key shared.
    fn first(&mut self, key: u64, node: u32, name: NameWords, certain: bool) -> Owner<'_> {
        let (shard, halves) = Self::place(key);
        let certain = if certain { Owned::CERTAIN } else { 0 };
        match self.shards[shard].entry(halves) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let owned = e.into_mut();
                owned.same |= certain;
                if owned.shared() {
                    Owner::Shared
                } else if !same_person(owned.name, name) {
                    owned.others = owned.others.saturating_add(1);
                    Owner::Shared
                } else {
                    if owned.name == NO_NAME {
                        owned.name = name;
                    }
                    if owned.same() < !Owned::CERTAIN {
                        owned.same += 1;
                    }
                    Owner::Earlier(&mut owned.node)
                }
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Owned {
                    node,
                    name,
                    same: 1 | certain,
                    others: 0,
                });
                Owner::This
            }
        }
    }

    /// Who has `key` (see [`Owners`]), if any record had it.
    fn get(&self, key: u64) -> Option<Owned> {
        let (shard, halves) = Self::place(key);
        self.shards[shard].get(&halves).copied()
    }

    /// A key's shard (by its top bits) and its two halves.
    fn place(key: u64) -> (usize, [u32; 2]) {
        let shard = usize::try_from(key >> (64 - Self::SHARD_BITS)).unwrap_or_default();
        #[allow(clippy::cast_possible_truncation)] // the two halves of the key
        (shard, [(key >> 32) as u32, key as u32])
    }
}

const CATEGORIES: usize = Category::ALL.len();

/// Spill layout: a file part starts with `FILE` (name, photo flag); each record after it is
/// `RECORD` (node or `NO_NODE`, number of hits, each hit's category and value).
const FILE: u8 = 0;
const RECORD: u8 = 1;
const NO_NODE: u32 = u32::MAX;

/// At most this many buckets are open at once (each holds a frame buffer).
const MAX_BUCKETS: u64 = 512;

/// The error for a spill file in `dir` that could not be written or read.
fn spill_error(dir: &Path) -> impl Fn(io::Error) -> ScanError + Copy + '_ {
    move |source| ScanError::Spill {
        dir: dir.to_owned(),
        source,
    }
}

/// Where the spill files go: a directory outside the scanned tree.
pub(crate) fn spill_dir(root: &Path, options: &Options) -> Result<PathBuf, ScanError> {
    let dir = options.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
    let inside = match (std::fs::canonicalize(&dir), std::fs::canonicalize(root)) {
        (Ok(d), Ok(r)) => d.starts_with(r),
        (Err(source), _) => return Err(ScanError::Spill { dir, source }),
        (_, Err(_)) => false,
    };
    if inside {
        return Err(ScanError::Spill {
            dir,
            source: io::Error::other(
                "it is inside the scanned tree, where a scan never writes; choose a directory \
                 outside it for the temporary files",
            ),
        });
    }
    Ok(dir)
}

pub(crate) struct Linker<'o> {
    options: &'o Options,
    counts: FileCounts,
    problems: Vec<FileProblem>,
    uf: UnionFind,
    /// Per node: what its record had.
    nodes: Vec<NodeFacts>,
    /// Identifiers are kept as 64-bit hashes (foldhash's quality hasher, fixed seed), not as
    /// strings: two different identifiers sharing a hash would join two people, which at 10
    /// million identifiers has a probability of about 3 in a million.
    owner: Owners,
    /// What the joins at the end need.
    later: Later,
    /// Occurrences by category (indexed by `Category as usize`: this is counted per hit).
    occurrences: [u64; CATEGORIES],
    /// Distinct values: of identifiers, counted by the linking map; of the rest, a set of keys.
    distinct: [foldhash::HashSet<u64>; CATEGORIES],
    strong_distinct: [u64; CATEGORIES],
    /// The records behind findings and subjects, sealed on disk until the subjects are known.
    spill: Option<(PathBuf, SpillWriter)>,
    /// The first error writing the spill (the scan stops at it).
    failed: Option<io::Error>,
}

impl<'o> Linker<'o> {
    /// A linker; with a spill file in `spill_dir` when there is one (findings or subjects are
    /// asked for).
    pub(crate) fn new(
        counts: FileCounts,
        problems: Vec<FileProblem>,
        options: &'o Options,
        spill_dir: Option<PathBuf>,
    ) -> Result<Self, ScanError> {
        let spill = match spill_dir {
            Some(dir) => {
                let writer = SpillWriter::new(&dir).map_err(spill_error(&dir))?;
                Some((dir, writer))
            }
            None => None,
        };
        Ok(Self {
            options,
            counts,
            problems,
            uf: UnionFind::default(),
            nodes: Vec::new(),
            owner: Owners::new(),
            later: Later::default(),
            occurrences: [0; CATEGORIES],
            distinct: std::array::from_fn(|_| foldhash::HashSet::default()),
            strong_distinct: [0; CATEGORIES],
            spill,
            failed: None,
        })
    }

    /// Writes to the spill, if there is one; false (and the error kept) when that fails.
    fn spilled(&mut self, f: impl FnOnce(&mut SpillWriter) -> io::Result<()>) -> bool {
        let Some((_, writer)) = &mut self.spill else {
            return true;
        };
        match f(writer) {
            Ok(()) => true,
            Err(e) => {
                self.failed = Some(e);
                false
            }
        }
    }

    /// One file's parts. False when the records could not be kept: the scan stops.
    pub(crate) fn add(&mut self, base: &str, parts: Vec<(String, FileResult)>) -> bool {
        for (suffix, result) in parts {
            let file = format!("{base}{suffix}");
            let (records, photo, more) = match result {
                FileResult::Skipped(reason) => {
                    self.counts.skipped += 1;
                    self.problems.push(FileProblem {
                        file: file.into(),
                        outcome: "skipped",
                        reason: reason.into(),
                    });
                    continue;
                }
                FileResult::Failed(reason) => {
                    self.counts.failed += 1;
                    self.problems.push(FileProblem {
                        file: file.into(),
                        outcome: "failed",
                        reason: reason.into(),
                    });
                    continue;
                }
                FileResult::Scanned { records, photo } => (records, photo, false),
                FileResult::More(records) => (records, false, true),
            };
            if !more {
                self.counts.scanned += 1;
            }
            if photo {
                self.occurrences[Category::Photo as usize] += 1;
                self.distinct[Category::Photo as usize].insert(identifier_key(
                    Category::Photo,
                    &file,
                    "",
                ));
            }
            if !self.spilled(|w| {
                w.put_u8(FILE)?;
                w.put_str(&file)?;
                w.put_u8(u8::from(photo))
            }) {
                return false;
            }
            for hits in records {
                for h in hits.iter().filter(|h| !h.masked_card) {
                    self.occurrences[h.category as usize] += 1;
                    if !h.category.is_strong() {
                        self.distinct[h.category as usize]
                            .insert(identifier_key(h.category, &h.value, ""));
                    }
                }
                let node = link(
                    &hits,
                    &mut self.uf,
                    &mut self.nodes,
                    &mut self.owner,
                    &mut self.later,
                    &mut self.strong_distinct,
                );
                // A record of nobody matters only to the findings.
                if (node.is_some() || self.options.collect_findings)
                    && !self.spilled(|w| spill_record(w, node, &hits))
                {
                    return false;
                }
            }
        }
        true
    }

    /// The counts, and the findings and subject lines to `sink`.
    pub(crate) fn finish(self, sink: &mut dyn Sink) -> Result<Report, ScanError> {
        let Self {
            options,
            counts,
            problems,
            mut uf,
            nodes,
            owner,
            later:
                Later {
                    guessed,
                    first_names,
                    one_name,
                },
            occurrences,
            distinct,
            mut strong_distinct,
            spill,
            failed,
        } = self;
        if let (Some(source), Some((dir, _))) = (failed, &spill) {
            return Err(spill_error(dir)(source));
        }
        let (read_again, joined_by_number_read_again) =
            read_again(&guessed, &owner, &mut uf, &nodes);
        drop(guessed);
        let joined_by_first_name = by_first_name(&first_names, &one_name, &mut uf, &nodes);
        drop(first_names);
        drop(one_name);
        // A number read again is one already counted.
        strong_distinct[Category::Phone as usize] -= read_again.len() as u64;
        // The categories found, with their occurrences and distinct values.
        let categories: BTreeMap<&'static str, CategoryCount> = Category::ALL
            .into_iter()
            .filter(|c| occurrences[*c as usize] > 0)
            .map(|c| {
                let i = c as usize;
                let distinct_values = if c.is_strong() {
                    strong_distinct[i]
                } else {
                    distinct[i].len() as u64
                };
                (
                    c.id(),
                    CategoryCount {
                        occurrences: occurrences[i],
                        distinct_values,
                    },
                )
            })
            .collect();
        drop(distinct);
        drop(owner);
        let joined_by_card_ending = by_name_and_card_ending(&mut uf, &nodes);
        let subjects = uf.sets();
        // Subjects that rest on a name with an address alone: no record of theirs had a strong
        // identifier.
        let held_strong = subjects_with(&mut uf, &nodes, NodeFacts::STRONG);
        let by_name_and_address = (0u32..)
            .zip(&held_strong)
            .filter(|(node, s)| !**s && uf.find(*node) == *node)
            .count() as u64;
        drop(held_strong);
        let named_like_another = named_like_another(&mut uf, &nodes);
        drop(nodes);
        if let Some((dir, writer)) = spill {
            let spill_error = spill_error(&dir);
            let buckets = if options.collect_subjects {
                (writer.written() / options.subject_bucket_bytes.max(1) + 1).min(MAX_BUCKETS)
            } else {
                0
            };
            let buckets = (0..buckets)
                .map(|_| SpillWriter::new(&dir))
                .collect::<io::Result<Vec<_>>>()
                .map_err(spill_error)?;
            let reader = writer.into_reader().map_err(spill_error)?;
            let mut numbering = Numbering {
                dir: &dir,
                options,
                uf: &mut uf,
                read_again: &read_again,
                subjects,
                buckets,
                sink,
            };
            let files = numbering.run(reader)?;
            for bucket in numbering.buckets {
                let reader = bucket.into_reader().map_err(spill_error)?;
                gather(reader, &files, &dir, options, numbering.sink)?;
            }
        }
        Ok(Report {
            subjects,
            subjects_by_name_and_address: by_name_and_address,
            subjects_named_like_another: named_like_another,
            subjects_joined_by_name_and_card_ending: joined_by_card_ending,
            subjects_joined_by_a_number_read_again: joined_by_number_read_again,
            subjects_joined_by_first_name_and_address: joined_by_first_name,
            categories,
            files: counts,
            problems,
            findings: Vec::new(),
            subject_lines: Vec::new(),
        })
    }
}

fn spill_record(w: &mut SpillWriter, node: Option<u32>, hits: &[Hit]) -> io::Result<()> {
    w.put_u8(RECORD)?;
    w.put_u32(node.unwrap_or(NO_NODE))?;
    // A masked card is no finding.
    let findings = || hits.iter().filter(|h| !h.masked_card);
    w.put_u32(u32::try_from(findings().count()).map_err(io::Error::other)?)?;
    for h in findings() {
        w.put_u8(h.category as u8)?;
        w.put_str(&h.value)?;
    }
    Ok(())
}

fn category(byte: u8) -> io::Result<Category> {
    Category::ALL
        .get(usize::from(byte))
        .copied()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "unknown category in a spill"))
}

/// The first pass over the spill: subject numbers in order of first appearance, findings out,
/// each subject's data into its bucket.
struct Numbering<'a, 'o> {
    dir: &'a Path,
    options: &'o Options,
    uf: &'a mut UnionFind,
    /// The keys of numbers whose country was guessed wrong: shown as the other country's.
    read_again: &'a foldhash::HashSet<u64>,
    /// The number of subjects (the union-find's sets).
    subjects: u64,
    buckets: Vec<SpillWriter>,
    sink: &'a mut dyn Sink,
}

impl Numbering<'_, '_> {
    /// Reads the spill; returns the names of the files the buckets refer to by index.
    fn run(&mut self, mut reader: SpillReader) -> Result<Vec<String>, ScanError> {
        let options = self.options;
        let spill_error = spill_error(self.dir);
        let shown = |c: Category, v: &str| {
            if options.reveal {
                v.to_owned()
            } else {
                mask(c, v)
            }
        };
        // Subject numbers by union-find root (0: not yet numbered).
        let mut number = vec![0u32; self.uf.len()];
        let mut next = 0u32;
        // The names of files (a file read in pieces, or a mailbox, may come back as several
        // parts): the buckets refer to them by index.
        let mut files: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut part = 0u32;
        let mut file = String::new();
        let mut hits: Vec<(Category, String)> = Vec::new();
        while let Some(tag) = reader.next_u8().map_err(spill_error)? {
            if tag == FILE {
                reader.str_into(&mut file).map_err(spill_error)?;
                let photo = reader.u8().map_err(spill_error)? != 0;
                if options.collect_subjects {
                    part = if let Some(&i) = index.get(&file) {
                        i
                    } else {
                        let i = u32::try_from(files.len()).map_err(|e| {
                            spill_error(io::Error::other(format!("too many files: {e}")))
                        })?;
                        index.insert(file.clone(), i);
                        files.push(file.clone());
                        i
                    };
                }
                if photo && options.collect_findings {
                    self.sink
                        .finding(FindingLine {
                            file: file.clone(),
                            category: Category::Photo.id(),
                            value: file.clone(),
                            subject: None,
                        })
                        .map_err(ScanError::Output)?;
                }
                continue;
            }
            if tag != RECORD {
                return Err(spill_error(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "unknown entry in a spill",
                )));
            }
            let node = reader.u32().map_err(spill_error)?;
            let n = reader.u32().map_err(spill_error)? as usize;
            if hits.len() < n {
                hits.resize_with(n, || (Category::Photo, String::new()));
            }
            for h in &mut hits[..n] {
                h.0 = category(reader.u8().map_err(spill_error)?).map_err(spill_error)?;
                reader.str_into(&mut h.1).map_err(spill_error)?;
                if h.0 == Category::Phone
                    && !self.read_again.is_empty()
                    && self
                        .read_again
                        .contains(&identifier_key(Category::Phone, &h.1, ""))
                    && let Some(other) = other_country(&h.1)
                {
                    h.1 = other;
                }
            }
            let hits = &hits[..n];
            let subject = (node != NO_NODE).then(|| {
                let root = self.uf.find(node) as usize;
                if number[root] == 0 {
                    next += 1;
                    number[root] = next;
                }
                number[root]
            });
            if options.collect_findings {
                for (c, v) in hits {
                    self.sink
                        .finding(FindingLine {
                            file: file.clone(),
                            category: c.id(),
                            value: shown(*c, v),
                            subject: subject.map(u64::from),
                        })
                        .map_err(ScanError::Output)?;
                }
            }
            if let Some(s) = subject.filter(|_| !self.buckets.is_empty()) {
                let count = self.buckets.len() as u64;
                let b = ((u64::from(s) - 1) * count / self.subjects.max(1)).min(count - 1);
                let w = &mut self.buckets[usize::try_from(b).unwrap_or_default()];
                (|| {
                    w.put_u32(s)?;
                    w.put_u32(part)?;
                    w.put_u32(u32::try_from(n).map_err(io::Error::other)?)?;
                    for (c, v) in hits {
                        w.put_u8(*c as u8)?;
                        // Only identifiers are shown in a subject line.
                        w.put_str(if c.is_strong() { v } else { "" })?;
                    }
                    Ok(())
                })()
                .map_err(spill_error)?;
            }
        }
        Ok(files)
    }
}

/// What is gathered about one subject: identifiers shown, categories, file parts, language.
#[derive(Default)]
struct Gathered {
    /// Identifiers by category, as shown (masked unless revealed).
    identifiers: BTreeMap<&'static str, Distinct<String>>,
    categories: Vec<&'static str>,
    files: Distinct<u32>,
    language_hint: Option<&'static str>,
}

/// Distinct values in order of first appearance. A few are compared one by one; past that they
/// are found by their hash, so that a subject with thousands of identifiers (a switchboard
/// number shared by a whole staff joins them all) is not quadratic.
struct Distinct<T> {
    values: Vec<T>,
    /// Value hash → index in `values` (the first value with that hash).
    index: foldhash::HashMap<u64, u32>,
}

impl<T> Default for Distinct<T> {
    fn default() -> Self {
        Self {
            values: Vec::new(),
            index: foldhash::HashMap::default(),
        }
    }
}

impl<T: PartialEq + std::hash::Hash> Distinct<T> {
    const LINEAR: usize = 16;

    fn insert(&mut self, value: T) {
        use std::hash::BuildHasher as _;
        if self.values.len() < Self::LINEAR {
            if !self.values.contains(&value) {
                self.values.push(value);
                if self.values.len() == Self::LINEAR {
                    for (i, v) in self.values.iter().enumerate() {
                        let h = self.index.hasher().hash_one(v);
                        self.index
                            .entry(h)
                            .or_insert(u32::try_from(i).unwrap_or(u32::MAX));
                    }
                }
            }
            return;
        }
        let h = self.index.hasher().hash_one(&value);
        match self.index.get(&h) {
            Some(&i) if self.values.get(i as usize) == Some(&value) => {}
            // Another value with the same hash: compare them all (rare).
            Some(_) => {
                if !self.values.contains(&value) {
                    self.values.push(value);
                }
            }
            None => {
                self.index
                    .insert(h, u32::try_from(self.values.len()).unwrap_or(u32::MAX));
                self.values.push(value);
            }
        }
    }
}

/// One bucket's subjects, gathered and written in subject order.
fn gather(
    mut reader: SpillReader,
    files: &[String],
    dir: &Path,
    options: &Options,
    sink: &mut dyn Sink,
) -> Result<(), ScanError> {
    let spill_error = spill_error(dir);
    let mut subjects: BTreeMap<u32, Gathered> = BTreeMap::new();
    let mut value = String::new();
    while let Some(subject) = reader.next_u32().map_err(spill_error)? {
        let part = reader.u32().map_err(spill_error)?;
        let n = reader.u32().map_err(spill_error)?;
        let entry = subjects.entry(subject).or_default();
        for _ in 0..n {
            let c = category(reader.u8().map_err(spill_error)?).map_err(spill_error)?;
            reader.str_into(&mut value).map_err(spill_error)?;
            if c.is_strong() {
                // Masked here: masked values are fewer (and shorter) than the values.
                let shown = if options.reveal {
                    value.clone()
                } else {
                    mask(c, &value)
                };
                entry.identifiers.entry(c.id()).or_default().insert(shown);
                if entry.language_hint.is_none() {
                    entry.language_hint = crate::language_hint(&[(c, value.as_str())]);
                }
            }
            if !entry.categories.contains(&c.id()) {
                entry.categories.push(c.id());
            }
            entry.files.insert(part);
        }
    }
    for (subject, mut g) in subjects {
        g.categories.sort_unstable();
        let identifiers = g
            .identifiers
            .into_iter()
            .map(|(id, shown)| (id, shown.values))
            .collect();
        sink.subject(SubjectLine {
            subject: u64::from(subject),
            identifiers,
            categories: g.categories,
            language_hint: g.language_hint,
            files: g
                .files
                .values
                .iter()
                .map(|&i| files.get(i as usize).cloned().unwrap_or_default())
                .collect(),
        })
        .map_err(ScanError::Output)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether two addresses share a key (and so link, with the same name).
    fn same_address(a: &str, b: &str) -> bool {
        let b = name_and_address_keys("maija virtanen", b);
        name_and_address_keys("maija virtanen", a)
            .into_iter()
            .flatten()
            .any(|k| b.contains(&Some(k)))
    }

    #[test]
    fn names_and_addresses_are_keyed_however_they_are_written() {
        assert_eq!(name_key("virtanen, maija"), name_key("maija virtanen"));
        assert_eq!(name_key("retu vieno kulju"), name_key("retu kulju"));
        assert_ne!(name_key("maija virtanen"), name_key("maija virta"));
        let address = "storgatan 5, 111 22 stockholm";
        assert_ne!(
            name_and_address_keys("maija virtanen", address),
            name_and_address_keys("maija virta", address)
        );
        for (a, b) in [
            (
                "storgatan 5, 111 22 stockholm",
                "storgatan 5 111 22 stockholm",
            ),
            (
                "storgatan 5, 111 22 stockholm",
                "storgatan 5, 11122 stockholm",
            ),
            (
                "7037 magnolia way, 97204 portland",
                "7037 magnolia way portland",
            ),
            (
                "8553 washington boulevard, 60601 chicago",
                "8553 washington boulevard chicago il 60601",
            ),
            (
                "bergstraße 4, 60311 frankfurt am main",
                "bergstraße 4 60311 frankfurt",
            ),
            (
                "hovioikeudenpuistikko 19 f 51, 00710 helsinki",
                "hovioikeudenpuistikko 19 f 51 00710 helsinki",
            ),
        ] {
            assert!(same_address(a, b), "{a} / {b}");
        }
        for (a, b) in [
            (
                "storgatan 5, 111 22 stockholm",
                "storgatan 7, 111 22 stockholm",
            ),
            (
                "storgatan 5, 111 22 stockholm",
                "storgatan 5, 753 20 uppsala",
            ),
            ("storgatan 5 stockholm", "storgatan 5 uppsala"),
        ] {
            assert!(!same_address(a, b), "{a} / {b}");
        }
        // A street alone still keys (a table without postcode and town columns).
        assert!(same_address("storgatan 5", "storgatan 5"));
        assert!(!same_address("storgatan 5", "storgatan 7"));
        // A flat's number is no town.
        assert_eq!(address_parts("storgatan 5 lgh 1102").3, None);
        assert_eq!(
            name_key("virtanen, maija liisa"),
            name_key("maija liisa virtanen")
        );
        assert_eq!(name_key("maija"), ["maija", "maija"]);
        assert_eq!(name_key("virtanen,"), ["", "virtanen"]);
    }

    #[test]
    fn finnish_and_swedish_numbers_have_a_second_key_by_their_national_digits() {
        let key = |v: &str| nordic_phone_key(Category::Phone, v);
        assert_eq!(key("+358448565548"), key("+46448565548"));
        assert!(key("+358448565548").is_some());
        assert_ne!(key("+358448565548"), key("+358448565549"));
        assert_eq!(key("+4915112345678"), None);
        assert_eq!(nordic_phone_key(Category::Email, "+358448565548"), None);
        // Not the number's own key.
        assert_ne!(
            key("+358448565548"),
            Some(identifier_key(Category::Phone, "+358448565548", ""))
        );
    }

    #[test]
    fn the_linking_map_keeps_whether_a_key_was_ever_read_without_a_guess() {
        let mut owners = Owners::new();
        let maija = name_words("maija virtanen");
        assert!(matches!(owners.first(7, 0, maija, false), Owner::This));
        assert!(!owners.get(7).unwrap().certain());
        assert!(matches!(
            owners.first(7, 1, maija, true),
            Owner::Earlier(&mut 0)
        ));
        assert!(matches!(
            owners.first(7, 2, NO_NAME, false),
            Owner::Earlier(&mut 0)
        ));
        let owned = owners.get(7).unwrap();
        assert!(owned.certain(), "once certain, always");
        assert_eq!(owned.same(), 3);
        // The count stops below the bit and never clears it.
        for node in 3..40_000 {
            owners.first(7, node, maija, false);
        }
        let owned = owners.get(7).unwrap();
        assert!(owned.certain());
        assert_eq!(owned.same(), 0x7FFF);
        assert!(owners.get(8).is_none());
    }

    #[test]
    fn categories_are_indexed_by_their_place() {
        for (i, c) in Category::ALL.into_iter().enumerate() {
            assert_eq!(c as usize, i);
            assert_eq!(category(u8::try_from(i).unwrap()).unwrap(), c);
        }
        assert!(category(13).is_err());
    }

    #[test]
    fn distinct_keeps_first_appearances_in_order_few_or_many() {
        let mut d: Distinct<u32> = Distinct::default();
        for round in 0..3 {
            for v in (0..1000u32).rev() {
                d.insert(v);
            }
            assert_eq!(d.values.len(), 1000, "round {round}");
        }
        assert!(d.values.iter().copied().eq((0..1000u32).rev()));
        let mut few: Distinct<String> = Distinct::default();
        for v in ["b", "a", "b", "c", "a"] {
            few.insert(v.to_owned());
        }
        assert_eq!(few.values, ["b", "a", "c"]);
    }
}
