//! Tables (CSV, TSV and the like): the delimiter is guessed from the first line, a header is
//! recognised by its column names in Finnish, Swedish and English, and columns that name a person
//! or a postal address make those values personal data even though no pattern could tell.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::LazyLock;

use regex::Regex;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::detect::{Category, Hit};
use crate::doc::{Cue, Doc};

/// What a column holds, by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    FullName,
    FirstName,
    LastName,
    Street,
    Postcode,
    City,
    DateOfBirth,
    /// The organisation's customer number.
    CustomerNumber,
    Phone,
    /// A payment card number (named so that no `…_number` rule makes it a reference).
    Card,
    /// An order, transaction or refund id, a reference, an EAN code, a key: no card, phone or
    /// customer number is read in it.
    Reference,
    Other,
}

impl Column {
    /// What the column tells the detectors about numbers in its cells.
    #[must_use]
    pub fn cue(self) -> Option<Cue> {
        match self {
            Self::CustomerNumber => Some(Cue::CustomerNumber),
            Self::Phone => Some(Cue::Phone),
            Self::Reference => Some(Cue::Reference),
            _ => None,
        }
    }
}

/// A header as one lower-case word with `_` between its parts: `Customer No.` →
/// `customer_no`, `postalCode` → `postal_code`, `"full-name"` → `full_name`.
fn normalise(h: &str) -> String {
    let h = h
        .trim()
        .trim_matches(['"', '\'', '`'])
        .trim_end_matches(['.', ':', '#']);
    let mut out = String::with_capacity(h.len() + 4);
    let mut previous_lower = false;
    for c in h.chars() {
        if c.is_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_lowercase();
        match c {
            '-' | ' ' | '.' => {
                if !out.ends_with('_') {
                    out.push('_');
                }
            }
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The meaning of a header cell (a column name, a JSON key, a vCard property). JSON documents
/// ask for the same few keys millions of times: the answers are kept per thread.
#[must_use]
pub fn column(header: &str) -> Column {
    reading(header).0
}

/// A header's column, and whether the lists name it exactly (not only a generic rule such as
/// `…_id` or `…nummer`); kept per thread.
fn reading(header: &str) -> (Column, bool) {
    thread_local! {
        static SEEN: RefCell<foldhash::HashMap<String, (Column, bool)>> =
            RefCell::new(foldhash::HashMap::default());
    }
    SEEN.with_borrow_mut(|seen| {
        if let Some(c) = seen.get(header) {
            return *c;
        }
        let h = normalise(header);
        let exact = known(&h);
        let c = if exact == Column::Other {
            (generic(&h), false)
        } else {
            (exact, true)
        };
        // Bounded: a document whose keys are data (ids as keys) does not grow it without end.
        if seen.len() >= 4096 {
            seen.clear();
        }
        seen.insert(header.to_owned(), c);
        c
    })
}

/// Whether a header is one the lists name exactly (not only by a generic rule).
fn exactly(header: &str) -> bool {
    reading(header).1
}

/// A header the lists name (normalised).
fn known(h: &str) -> Column {
    match h {
        "nimi" | "koko_nimi" | "name" | "full_name" | "fullname" | "namn" | "fullständigt_namn"
        | "customer_name" | "asiakkaan_nimi" | "henkilö" | "person" | "contact_name"
        | "yhteyshenkilö" | "kontaktperson" | "display_name" | "displayname" | "kontaktnamn"
        | "cardholder" | "card_holder" | "holder_name" | "holder" | "kortinhaltija" | "asiakas"
        | "kund" | "kundnamn" | "customer" | "member_name" | "jäsen" | "medlem" | "fn" => {
            Column::FullName
        }
        "etunimi" | "etunimet" | "kutsumanimi" | "first_name" | "firstname" | "given_name"
        | "givenname" | "given" | "first" | "fname" | "förnamn" | "fornamn" | "tilltalsnamn" => {
            Column::FirstName
        }
        "sukunimi" | "last_name" | "lastname" | "surname" | "family_name" | "familyname"
        | "family" | "last" | "lname" | "efternamn" => Column::LastName,
        "osoite" | "katuosoite" | "lähiosoite" | "postiosoite" | "address" | "street"
        | "street_address" | "streetaddress" | "address_line_1" | "address_line1" | "address1"
        | "adress" | "gatuadress" | "postadress" | "utdelningsadress" | "street_line" => {
            Column::Street
        }
        "postinumero" | "postinro" | "postcode" | "post_code" | "postal_code" | "zip"
        | "zip_code" | "zipcode" | "postnummer" | "postnr" => Column::Postcode,
        "postitoimipaikka" | "kaupunki" | "kunta" | "city" | "town" | "locality" | "ort"
        | "postort" | "stad" => Column::City,
        "syntymäaika" | "syntymäpäivä" | "date_of_birth" | "birth_date" | "birthdate" | "dob"
        | "bday" | "birthday" | "födelsedatum" | "födelsedag" => Column::DateOfBirth,
        "card" | "card_number" | "cardnumber" | "card_no" | "pan" | "cc_number" | "kortti"
        | "kortinnumero" | "kortin_numero" | "kort" | "kortnummer" | "credit_card" => Column::Card,
        _ => Column::Other,
    }
}

/// A header by the words in it (normalised): phones, customer numbers, references.
fn generic(h: &str) -> Column {
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    let ends = |words: &[&str]| words.iter().any(|w| h.ends_with(w));
    if has(&["phone", "puhelin", "telefon", "mobil", "gsm", "matkapuh"]) || h == "tel" {
        Column::Phone
    } else if has(&[
        "asiakasn",
        "asiakas_n",
        "kundn",
        "kund_n",
        "jäsenn",
        "medlemsn",
    ]) || (has(&["customer", "client", "member", "asiakas", "kund"])
        && ends(&["_no", "_nr", "number", "numero", "nummer", "nro"]))
    {
        Column::CustomerNumber
    } else if has(&["card", "kortti", "kortin", "kortnummer"]) {
        Column::Card
    } else if h == "id"
        || h == "ref"
        || ends(&[
            "_id",
            "_no",
            "_nr",
            "number",
            "numero",
            "nummer",
            "nro",
            "_ref",
            "reference",
        ])
        // Whole words of the header (`order_id`, `ean_code`), or a word's start (`tilausnro`,
        // `transactionid`): never the inside of a word (`jean_dupont` is no EAN).
        || h.split('_').any(|w| {
            matches!(w, "txn" | "ean" | "ean13" | "gtin" | "sku" | "viite" | "build")
                || [
                    "transaction", "refund", "order", "tilaus", "invoice", "lasku", "faktura",
                    "viitenum", "tracking", "seuranta", "session",
                ]
                .iter()
                .any(|p| w.starts_with(p))
        })
    {
        Column::Reference
    } else {
        Column::Other
    }
}

/// The most likely delimiter of a table whose first line is `first`.
#[must_use]
pub fn delimiter(first: &str) -> u8 {
    [b';', b',', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// A table's header, if its first row names at least one known column.
#[must_use]
pub fn header<S: AsRef<str>>(cells: &[S]) -> Option<Vec<Column>> {
    let cols: Vec<Column> = cells.iter().map(|c| column(c.as_ref())).collect();
    // A cell named exactly by the lists, or one that a generic rule reads and that looks like a
    // header (no digits, no `@`): a data row (`Jean Dupont,jean@…,040 …`) is not taken for one.
    let named = cells.iter().zip(&cols).any(|(c, col)| {
        let c = c.as_ref();
        *col != Column::Other
            && (exactly(c)
                || (!c.contains('@') && !c.chars().any(|ch| ch.is_ascii_digit()) && c.len() <= 40))
    });
    named.then_some(cols)
}

/// Personal data that a row holds by its columns (names, addresses, dates of birth).
#[must_use]
pub fn column_hits<S: AsRef<str>>(columns: &[Column], row: &[S]) -> Vec<Hit> {
    let cell = |kind: Column| -> Option<&str> {
        columns
            .iter()
            .zip(row)
            .map(|(c, v)| (c, v.as_ref()))
            .find(|(c, v)| **c == kind && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    };
    let mut hits = Vec::new();
    let name = match (
        cell(Column::FullName),
        cell(Column::FirstName),
        cell(Column::LastName),
    ) {
        (Some(full), _, _) => Some(full.to_owned()),
        (None, Some(first), Some(last)) => Some(format!("{first} {last}")),
        (None, None, Some(last)) => Some(last.to_owned()),
        (None, Some(_) | None, None) => None,
    };
    if let Some(name) = name.filter(|n| n.chars().any(char::is_alphabetic)) {
        hits.push(Hit::new(Category::PersonName, name.to_lowercase()));
    }
    if let Some(street) = cell(Column::Street).filter(|s| s.chars().any(char::is_alphabetic)) {
        let mut value = street.to_lowercase();
        if let Some(p) = cell(Column::Postcode) {
            value.push_str(", ");
            value.push_str(p);
        }
        if let Some(c) = cell(Column::City) {
            value.push(' ');
            value.push_str(&c.to_lowercase());
        }
        hits.push(Hit::new(Category::PostalAddress, value));
    }
    if let Some(d) = cell(Column::DateOfBirth) {
        hits.push(Hit::new(Category::DateOfBirth, d.to_owned()));
    }
    hits
}

/// Adds a row of cells to `doc` as a record, with what its columns say (when the columns are
/// known).
pub fn push_row<S: AsRef<str>>(doc: &mut Doc<'_>, columns: Option<&[Column]>, cells: &[S]) {
    match columns {
        Some(columns) => {
            let cues: Vec<Option<Cue>> = columns.iter().map(|c| c.cue()).collect();
            doc.push_cued(cells, &cues, column_hits(columns, cells));
        }
        None => doc.push(cells, Vec::new()),
    }
}

/// How a table is read: its delimiter and, when its first row was a header, its columns. A
/// large table read in pieces keeps the shape of its first piece.
#[derive(Debug, Clone)]
pub struct Shape {
    pub delimiter: u8,
    pub columns: Option<Vec<Column>>,
}

/// Reads a table (or the first piece of one) into `doc`: each data row a record of its cells,
/// with its column hits. Gives back the table's shape for the pieces that follow.
pub fn rows(text: &str, doc: &mut Doc<'_>) -> Shape {
    let first = text.lines().next().unwrap_or_default();
    let mut shape = Shape {
        delimiter: delimiter(first),
        columns: None,
    };
    read_rows(text, &mut shape, true, doc);
    shape
}

/// Reads a further piece of a table whose shape is known (no header row in it).
pub fn more_rows(text: &str, shape: &Shape, doc: &mut Doc<'_>) {
    let mut shape = shape.clone();
    read_rows(text, &mut shape, false, doc);
}

fn read_rows(text: &str, shape: &mut Shape, header_first: bool, doc: &mut Doc<'_>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(shape.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut first_row = header_first;
    // A table without a header row: its first rows are held back until their columns are
    // read from what the cells look like.
    let mut held: Option<Vec<Vec<String>>> = None;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // A row that is not valid UTF-8 or is malformed: the rest is still read.
            Err(_) => continue,
        }
        let cells: Vec<&str> = record.iter().collect();
        if std::mem::take(&mut first_row) {
            if let Some(h) = header(&cells) {
                shape.columns = Some(h);
                continue;
            }
            held = Some(Vec::new());
        }
        if let Some(rows) = held.as_mut() {
            rows.push(cells.iter().map(|&c| c.to_owned()).collect());
            if rows.len() < INFER_ROWS {
                continue;
            }
            shape.columns = infer(rows);
            for row in held.take().unwrap_or_default() {
                push_row(doc, shape.columns.as_deref(), &row);
            }
            continue;
        }
        push_row(doc, shape.columns.as_deref(), &cells);
    }
    if let Some(rows) = held {
        shape.columns = infer(&rows);
        for row in rows {
            push_row(doc, shape.columns.as_deref(), &row);
        }
    }
}

/// How many rows of a table without a header are looked at to read its columns.
const INFER_ROWS: usize = 50;

static NAME_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Lu}[\p{L}'-]+,?(?:[ \t]+\p{Lu}[\p{L}'-]+){1,2}$").expect("static regex")
});
/// A street and number as the Nordic countries and Germany write it (`Aurakatu 139 D 60`,
/// `Sveavägen 44 lgh 1102`), or number first as France and North America do (`104 rue du
/// Faubourg`, `4141 Prospect Place`).
static STREET_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\p{Lu}[\p{L} .'-]*[ \t]\d{1,4}(?:[ \t]?[A-Za-z]{1,2}(?:[ \t]?\d{1,3})?|[ \t](?:as\.?|lgh|bst|apt\.?)[ \t]?\d{1,4})?|\d{1,5}(?:[ \t]?(?:bis|ter))?,?[ \t]\p{L}[\p{L} .'-]*\p{L}(?:[ \t](?:Apt\.?|Suite|#)[ \t]?\w{1,5})?)$",
    )
    .expect("static regex")
});
/// A postcode: Finnish, French, German and US five digits, Swedish `113 45`, Canadian `K1P 5J2`.
static POSTCODE_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{5}|\d{3} \d{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)$").expect("static regex")
});
static TOWN_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Lu}[\p{L}-]+(?:[ \t]\p{Lu}[\p{L}-]+)?$").expect("static regex")
});

/// The columns of a table without a header row, from what the cells of its first rows look
/// like: a column of two or three capitalised words is a name (the first such), one of a street
/// and number a street, five digits (or three and two) a postcode, and a word after a postcode
/// its town. A column counts when four in five of its filled cells, and at least five, look so.
/// `None` when no column could be read.
fn infer(rows: &[Vec<String>]) -> Option<Vec<Column>> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width > 256 {
        return None;
    }
    let looks = |i: usize, re: &Regex| -> bool {
        let filled: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.get(i).map(|c| c.trim()))
            .filter(|c| !c.is_empty())
            .collect();
        filled.len() >= 5
            && filled.iter().filter(|c| re.is_match(c)).count() * 5 >= filled.len() * 4
    };
    let mut columns = vec![Column::Other; width];
    for (i, c) in columns.iter_mut().enumerate() {
        if looks(i, &POSTCODE_CELL) {
            *c = Column::Postcode;
        } else if looks(i, &STREET_CELL) {
            *c = Column::Street;
        }
    }
    let mut named = false;
    for i in 0..width {
        if columns[i] != Column::Other {
            continue;
        }
        if i > 0 && columns[i - 1] == Column::Postcode && looks(i, &TOWN_CELL) {
            columns[i] = Column::City;
        } else if !named && looks(i, &NAME_CELL) {
            columns[i] = Column::FullName;
            named = true;
        }
    }
    columns
        .iter()
        .any(|c| *c != Column::Other)
        .then_some(columns)
}

/// A JSON string as given: borrowed from the text unless it had escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A JSON value as the walk gives it back to its parent.
enum Item<'de> {
    /// A string or a number, as text.
    Scalar(Cow<'de, str>),
    /// The scalars of an object or an array that belong to the object around it: the key
    /// each was found under (empty for an array's items), innermost key last.
    Fields(Vec<(Cow<'de, str>, Cow<'de, str>)>),
    /// Nothing to add (a boolean, `null`, or objects that became records of their own).
    Nothing,
}

/// Walks a JSON value. An object is one record with everything nested in it (`{"name":
/// {"given": …, "family": …}, "address": {…}, "phones": […]}` is one person), its keys read
/// like column headers, the innermost key first (`name.given` is a first name, `customer.id` a
/// customer number); an array's objects are records of their own (a list of customers).
struct Walk<'d, 't>(&'d mut Doc<'t>);

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
    type Value = Item<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Adds an object's fields to `doc` as one record.
fn push_object(doc: &mut Doc<'_>, fields: &[(Cow<'_, str>, Cow<'_, str>)]) {
    let columns: Vec<Column> = fields.iter().map(|(k, _)| column(k)).collect();
    let cells: Vec<&str> = fields.iter().map(|(_, v)| v.as_ref()).collect();
    push_row(doc, Some(&columns), &cells);
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
    type Value = Item<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Item::Scalar(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Item::Scalar(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Item::Scalar(Cow::Owned(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Item::Scalar(Cow::Owned(v.to_string())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Item::Scalar(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Item::Scalar(Cow::Owned(v.to_string())))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Item::Nothing)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Item::Nothing)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Item::Nothing)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut fields = Vec::new();
        while let Some(item) = seq.next_element_seed(Walk(&mut *self.0))? {
            match item {
                Item::Scalar(text) => fields.push((Cow::Borrowed(""), text)),
                // An object in a list is a record of its own.
                Item::Fields(inner) => push_object(self.0, &inner),
                Item::Nothing => {}
            }
        }
        Ok(if fields.is_empty() {
            Item::Nothing
        } else {
            Item::Fields(fields)
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields: Vec<(Cow<'de, str>, Cow<'de, str>)> = Vec::new();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match map.next_value_seed(Walk(&mut *self.0))? {
                Item::Scalar(text) => fields.push((key, text)),
                // An object under a key that is an id (`"u1": {…}`, `"1045": {…}`, Firebase's
                // `"-Nab3…"`): one of a collection, a record of its own.
                Item::Fields(inner) if key.chars().any(|c| c.is_ascii_digit()) => {
                    push_object(self.0, &inner);
                }
                Item::Fields(inner) => {
                    // A nested key is named `outer_inner` where that names a column
                    // (`customer.no`), else by the inner key where that does (`name.given`);
                    // a list's items by the list's key (`phones`).
                    for (k, v) in inner {
                        let name = if k.is_empty() {
                            key.clone()
                        } else {
                            let combined = format!("{key}_{k}");
                            // A name the lists know beats one that only a generic rule (`…_id`,
                            // `…nummer`) reads: `adress.postnummer` is a postcode.
                            match (exactly(&combined), exactly(&k)) {
                                (true, _) => Cow::Owned(combined),
                                (false, true) => k,
                                _ if column(&combined) != Column::Other => Cow::Owned(combined),
                                _ if column(&k) != Column::Other => k,
                                _ => Cow::Owned(combined),
                            }
                        };
                        fields.push((name, v));
                    }
                }
                Item::Nothing => {}
            }
        }
        Ok(if fields.is_empty() {
            Item::Nothing
        } else {
            Item::Fields(fields)
        })
    }
}

/// Reads one JSON document into `doc`: an object is a record, a list's objects and scalars
/// records of their own. On an error nothing is added.
pub fn json(text: &str, doc: &mut Doc<'_>) -> Result<(), serde_json::Error> {
    let mark = doc.mark();
    let mut de = serde_json::Deserializer::from_str(text);
    let read = Walk(doc)
        .deserialize(&mut de)
        .and_then(|top| de.end().map(|()| top));
    match read {
        Ok(Item::Scalar(text)) => {
            doc.push([text], Vec::new());
            Ok(())
        }
        Ok(Item::Fields(fields)) => {
            if fields.iter().all(|(k, _)| k.is_empty()) {
                // A list of scalars at the top: each its own record.
                for (_, v) in fields {
                    doc.push([v], Vec::new());
                }
            } else {
                push_object(doc, &fields);
            }
            Ok(())
        }
        Ok(Item::Nothing) => Ok(()),
        Err(e) => {
            doc.truncate(mark);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    /// (record text, column hits' category ids and values) of a doc.
    fn read(doc: &Doc<'_>) -> Vec<(String, Vec<(&'static str, String)>)> {
        doc.records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let hits = doc.columns.get(i).map(Vec::as_slice).unwrap_or_default();
                (
                    doc.text[r.clone()].to_owned(),
                    hits.iter()
                        .map(|h| (h.category.id(), h.value.to_string()))
                        .collect(),
                )
            })
            .collect()
    }

    fn table(text: &str) -> Vec<(String, Vec<(&'static str, String)>)> {
        let mut doc = Doc::built();
        rows(text, &mut doc);
        read(&doc)
    }

    #[test]
    fn headers_in_three_languages_and_any_delimiter() {
        let r = table(
            "Etunimi;Sukunimi;Lähiosoite;Postinumero;Postitoimipaikka\n\
             Maija;Meikäläinen;Mannerheimintie 1 A 2;00100;Helsinki\n",
        );
        assert_eq!(
            r,
            [(
                "Maija | Meikäläinen | Mannerheimintie 1 A 2 | 00100 | Helsinki".into(),
                vec![
                    ("person_name", "maija meikäläinen".into()),
                    (
                        "postal_address",
                        "mannerheimintie 1 a 2, 00100 helsinki".into()
                    )
                ]
            )]
        );
        let r = table("Förnamn\tEfternamn\tFödelsedatum\nErik\tSvensson\t1980-02-03\n");
        let cats: Vec<&str> = r[0].1.iter().map(|h| h.0).collect();
        assert_eq!(cats, ["person_name", "date_of_birth"]);
        // Quoted cells with the delimiter inside stay one cell.
        let r = table("name,address\n\"Smith, John\",\"1 High Street, Leeds\"\n");
        assert_eq!(r[0].1[0].1, "smith, john");
        assert_eq!(r[0].0, "Smith, John | 1 High Street, Leeds");
        // Without a header nothing is guessed from position, nor from a few rows.
        let r = table("4711,blue,42\n4712,red,7\n");
        assert_eq!(r.len(), 2);
        assert!(r.iter().all(|r| r.1.is_empty()));
        // But the columns of a table without a header are read from its cells.
        let mut old = String::new();
        for (i, (name, street, post, town)) in [
            ("Kailasalo Tiitus", "Haapatie 116", "13100", "HÄMEENLINNA"),
            (
                "Helenelund Tyyne",
                "Humalistonkatu 67",
                "53100",
                "Lappeenranta",
            ),
            ("Álvarez Rüdiger", "Aurakatu 139 D 60", "04400", "JÄRVENPÄÄ"),
            ("Aho Ilmari", "Sveavägen 44 lgh 1102", "113 45", "Stockholm"),
            ("Berg Anna", "Koivukuja 3", "00100", "Helsinki"),
            ("Nieminen Matti", "Rantatie 9 as. 4", "90100", "Oulu"),
            ("Tolliver Greer", "4141 Prospect Place", "78701", "AUSTIN"),
            ("Moreau Jean", "104 rue du Faubourg", "33000", "Bordeaux"),
        ]
        .into_iter()
        .enumerate()
        {
            writeln!(
                old,
                "{i},{name},x{i}@example.fi,{street},{post},{town},2012"
            )
            .unwrap();
        }
        let r = table(&old);
        assert_eq!(r.len(), 8);
        assert_eq!(
            r[0].1,
            [
                ("person_name", "kailasalo tiitus".into()),
                ("postal_address", "haapatie 116, 13100 hämeenlinna".into())
            ]
        );
        assert_eq!(r[3].1[1].1, "sveavägen 44 lgh 1102, 113 45 stockholm");
        assert_eq!(r[7].1[1].1, "104 rue du faubourg, 33000 bordeaux");
    }

    #[test]
    fn json_objects_are_records_and_their_keys_are_columns() {
        let mut doc = Doc::built();
        json(
            r#"{"users":[{"nimi":"Maija Meik\u00e4l\u00e4inen","osoite":"Mannerheimintie 1","meta":{"ip":"85.76.12.3"}},
                {"name":"Erik","tags":["vip", 4111111111111111, true, null]}], "count": 2}"#,
            &mut doc,
        )
        .unwrap();
        let r = read(&doc);
        let texts: Vec<&str> = r.iter().map(|x| x.0.as_str()).collect();
        // Each object of a list is one record with everything nested in it; a list's scalars
        // belong to the object that holds the list.
        assert_eq!(
            texts,
            [
                "Maija Meikäläinen | Mannerheimintie 1 | 85.76.12.3",
                "Erik | vip | 4111111111111111",
                "2"
            ]
        );
        assert_eq!(
            r[0].1,
            [
                ("person_name", "maija meikäläinen".into()),
                ("postal_address", "mannerheimintie 1".into())
            ]
        );
        assert_eq!(r[1].1, [("person_name", "erik".into())]);
        // An object keyed by ids is a collection: each object a record.
        let mut doc = Doc::built();
        json(
            r#"{"users":{"u1":{"name":"Ann Lee","email":"a@x.fi"},"u2":{"name":"Bo Ek","email":"b@x.fi"}}}"#,
            &mut doc,
        )
        .unwrap();
        assert_eq!(doc.records.len(), 2);
        // A data row is not a header though a generic rule reads a cell of it; a card column
        // named `…_number` is no reference.
        assert!(header(&["Jean Dupont", "jean.dupont@example.fr", "040 123 4567"]).is_none());
        assert_eq!(column("creditCardNumber"), Column::Card);
        assert_eq!(column("order_id"), Column::Reference);
        assert_eq!(column("ocean_view"), Column::Other);
        // Nested keys: the inner name where the lists know it, `outer_inner` where that names a
        // column, never the outer's meaning for a field it does not describe.
        let mut doc = Doc::built();
        json(
            r#"{"customer":{"name":{"given":"Rakel","family":"Tottie"},"email":"r@x.se","no":"1234567"},
                "adress":{"gatuadress":"Storgatan 5","postnummer":"111 22","ort":"Stockholm"},
                "order":{"id":"4111111111111111"}}"#,
            &mut doc,
        )
        .unwrap();
        let r = read(&doc);
        assert_eq!(
            r[0].1,
            [
                ("person_name", "rakel tottie".into()),
                ("postal_address", "storgatan 5, 111 22 stockholm".into())
            ]
        );
        let cued: Vec<(&str, Cue)> = doc
            .cues
            .iter()
            .map(|(s, c)| (&doc.text[s.clone()], *c))
            .collect();
        assert_eq!(
            cued,
            [
                ("1234567", Cue::CustomerNumber),
                ("4111111111111111", Cue::Reference)
            ]
        );
        // A string at the top is a record; broken JSON adds nothing.
        let mut doc = Doc::built();
        json(r#""only 131052-308T""#, &mut doc).unwrap();
        assert_eq!(read(&doc)[0].0, "only 131052-308T");
        let mark = doc.mark();
        assert!(json(r#"{"name":"Erik","x":[1,2"#, &mut doc).is_err());
        assert_eq!(doc.mark(), mark);
    }
}
