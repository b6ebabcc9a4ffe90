//! The synthetic people and decoys shared by the scanner's benchmarks.

#![allow(dead_code)]

use std::fmt::Write as _;

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

// The generator's own names: common ones, and rarer ones that the scanner's gazetteers do not
// hold (Vilppu, Lumi, Hilla, Sulo, Peppi; Sorsa, Kivi, Pyykkönen, Ruohola, Uimonen; Imogen,
// Tamsin; Whitfield, Pryce, Ellison), so that names in free text are not found by lookup alone.
const FIRST_FI: &[&str] = &[
    "Maija",
    "Matti",
    "Aino",
    "Juhani",
    "Liisa",
    "Mikko",
    "Helmi",
    "Eero",
    "Sanna",
    "Ville",
    "Päivi",
    "Jyrki",
    "Kaisu",
    "Tuomas",
    "Elina",
    "Anna-Liisa",
    "Vilppu",
    "Lumi",
    "Hilla",
    "Sulo",
    "Peppi",
];
const LAST_FI: &[&str] = &[
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Saarinen",
    "Salminen",
    "Pyykkönen",
    "Ruohola",
    "Uimonen",
    "Sorsa",
    "Kivi",
];
const FIRST_SV: &[&str] = &[
    "Erik", "Anna", "Lars", "Karin", "Johan", "Ingrid", "Nils", "Sofia", "Åsa", "Tindra",
];
const LAST_SV: &[&str] = &[
    "Svensson",
    "Lindqvist",
    "Johansson",
    "Berg",
    "Holmström",
    "Nyberg",
    "Åkesson",
    "Sjöberg",
];
const FIRST_EN: &[&str] = &[
    "John", "Emily", "George", "Olivia", "Harry", "Grace", "Imogen", "Tamsin",
];
const LAST_EN: &[&str] = &[
    "Smith",
    "Taylor",
    "Brown",
    "Wilson",
    "Evans",
    "Walker",
    "Whitfield",
    "Pryce",
    "Ellison",
];
const STREETS: &[&str] = &[
    "Mannerheimintie",
    "Hämeenkatu",
    "Aleksanterinkatu",
    "Puistotie",
    "Koivukuja",
    "Rantapolku",
    "Storgatan",
    "Kungsvägen",
    "Kyrkogatan",
];
const CITIES: &[(&str, &str)] = &[
    ("00100", "Helsinki"),
    ("33100", "Tampere"),
    ("20100", "Turku"),
    ("90100", "Oulu"),
    ("65100", "Vaasa"),
];
const HETU_CHECK: &[u8] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

#[derive(Debug, Clone)]
pub struct Person {
    pub id: usize,
    /// `fi`, `sv` or `en`.
    pub lang: &'static str,
    pub name: String,
    pub email: String,
    pub phone_intl: String,
    pub phone_shown: String,
    pub hetu: String,
    pub iban: String,
    pub card: String,
    pub street: String,
    pub postcode: &'static str,
    pub city: &'static str,
}

pub fn hetu(rng: &mut StdRng) -> String {
    let (d, m, y) = (
        rng.gen_range(1..=28),
        rng.gen_range(1..=12),
        rng.gen_range(1940..2006),
    );
    let n = rng.gen_range(2..900);
    let sign = if y >= 2000 { 'A' } else { '-' };
    let num: u64 = format!("{d:02}{m:02}{:02}{n:03}", y % 100).parse().unwrap();
    let check = char::from(HETU_CHECK[(num % 31) as usize]);
    format!("{d:02}{m:02}{:02}{sign}{n:03}{check}", y % 100)
}

fn wrong_hetu(rng: &mut StdRng) -> String {
    let good = hetu(rng);
    let last = good.chars().last().unwrap();
    let other = HETU_CHECK
        .iter()
        .map(|b| char::from(*b))
        .find(|c| *c != last)
        .unwrap();
    format!("{}{other}", &good[..good.len() - 1])
}

fn iban(rng: &mut StdRng) -> String {
    let bban: String = (0..14)
        .map(|_| char::from(b'0' + rng.gen_range(0..10)))
        .collect();
    // FI = 15 18, check digits from mod 97 of BBAN + "FI00".
    let digits = format!("{bban}151800");
    let rem = digits
        .bytes()
        .fold(0u64, |acc, b| (acc * 10 + u64::from(b - b'0')) % 97);
    format!("FI{:02}{bban}", 98 - rem)
}

fn card(rng: &mut StdRng) -> String {
    let mut d: Vec<u8> = vec![4];
    d.extend((0..14).map(|_| rng.gen_range(0..10)));
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, x)| {
            let x = u32::from(*x);
            if i % 2 == 0 {
                let y = x * 2;
                if y > 9 { y - 9 } else { y }
            } else {
                x
            }
        })
        .sum();
    d.push(u8::try_from((10 - sum % 10) % 10).unwrap());
    d.iter().map(|x| char::from(b'0' + x)).collect()
}

pub fn person(id: usize, rng: &mut StdRng) -> Person {
    let (lang, first, last, domain, intl_prefix) = match rng.gen_range(0..10) {
        0..=5 => ("fi", FIRST_FI, LAST_FI, "example.fi", "+35840"),
        6..=8 => ("sv", FIRST_SV, LAST_SV, "example.se", "+4670"),
        _ => ("en", FIRST_EN, LAST_EN, "example.co.uk", "+35850"),
    };
    let f = *first.choose(rng).unwrap();
    let l = *last.choose(rng).unwrap();
    let local: String = format!("{f}.{l}{id}")
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ä' | 'å' => 'a',
            'ö' => 'o',
            c => c,
        })
        .filter(|c| *c != '-')
        .collect();
    let tail: String = (0..7)
        .map(|_| char::from(b'0' + rng.gen_range(0..10)))
        .collect();
    let phone_intl = format!("{intl_prefix}{tail}");
    let cc = if phone_intl.starts_with("+358") { 4 } else { 3 };
    let phone_shown = if rng.gen_bool(0.5) {
        format!(
            "{} {} {} {}",
            &phone_intl[..cc],
            &phone_intl[cc..cc + 2],
            &tail[..3],
            &tail[3..]
        )
    } else {
        // National format: 040 / 050 / 070 …
        let national = format!("0{}", &phone_intl[phone_intl.len() - 9..]);
        format!("{} {} {}", &national[..3], &national[3..6], &national[6..])
    };
    let (postcode, city) = *CITIES.choose(rng).unwrap();
    Person {
        id,
        lang,
        name: format!("{f} {l}"),
        email: format!("{local}@{domain}"),
        phone_intl,
        phone_shown,
        hetu: hetu(rng),
        iban: iban(rng),
        card: card(rng),
        street: format!("{} {}", STREETS.choose(rng).unwrap(), rng.gen_range(1..120)),
        postcode,
        city,
    }
}

/// A valid EAN-13 product code (GS1 Finland prefix 64).
fn ean(rng: &mut StdRng) -> String {
    let mut d: Vec<u32> = vec![6, 4];
    d.extend((0..10).map(|_| rng.gen_range(0..10)));
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, x)| if i % 2 == 0 { *x } else { x * 3 })
        .sum();
    d.push((10 - sum % 10) % 10);
    d.iter()
        .map(|x| char::from_digit(*x, 10).unwrap())
        .collect()
}

pub fn decoys(rng: &mut StdRng, out: &mut String) {
    let _ = writeln!(
        out,
        "order {}-{} invoice ref {} EAN {} at 2026-11-{:02} 12:{:02}:00 build v{}.{}.{}.{} id {:08x}-1234-4abc-9def-0123456789ab session 0{}{:06}-89ab-4cde-8f01-23456789abcd wrong {}",
        rng.gen_range(100_000..999_999),
        rng.gen_range(100..999),
        rng.gen_range(1_000_000_000u64..9_999_999_999),
        ean(rng),
        rng.gen_range(1..28),
        rng.gen_range(0..60),
        rng.gen_range(1..9),
        rng.gen_range(0..20),
        rng.gen_range(0..20),
        rng.gen_range(0..200),
        rng.r#gen::<u32>(),
        // A UUID whose first group is all digits shaped like a mobile number.
        ["40", "50", "70", "45"][rng.gen_range(0..4)],
        rng.gen_range(0..1_000_000),
        wrong_hetu(rng),
    );
}

/// Capitalised words in prose that are not names: headings, places, firms, products, and first
/// names that are also words ("Toivo" is hope, "Anna" is give).
pub const NAME_DECOYS: &[&str] = &[
    "Anna Palautetta verkkosivuillamme.",
    "Tilaus toimitettiin Helsinki Airport -noutopisteeseen.",
    "Toimittaja Valio Oy ja Kesko Oyj vahvistivat hinnat.",
    "Kokous pidetään Microsoft Teams -palvelussa.",
    "Kampanja Toivo Paremmasta alkaa maanantaina.",
    "Leveransen gick via Posten Norden till Stockholm Central.",
    "Please see the Customer Service Portal for details.",
    "Team Meeting Notes from Helsinki Office.",
];
