//! Tables (CSV, TSV and the like): the delimiter is guessed from the first line, a header is
//! recognised by its column names in Finnish, Swedish and English, and columns that name a person
//! or a postal address make those values personal data even though no pattern could tell.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::detect::{Category, Hit};
use crate::doc::Doc;

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
    Other,
}

fn normalise(h: &str) -> String {
    h.trim()
        .trim_matches('"')
        .to_lowercase()
        .chars()
        .map(|c| if c == '-' || c == ' ' { '_' } else { c })
        .collect()
}

/// The meaning of a header cell.
#[must_use]
pub fn column(header: &str) -> Column {
    match normalise(header).as_str() {
        "nimi" | "koko_nimi" | "name" | "full_name" | "fullname" | "namn" | "fullständigt_namn"
        | "customer_name" | "asiakkaan_nimi" | "henkilö" | "person" | "contact_name"
        | "yhteyshenkilö" | "kontaktperson" | "display_name" | "displayname" | "kontaktnamn"
        | "cardholder" | "card_holder" | "holder_name" | "kortinhaltija" | "asiakas" | "kund"
        | "kundnamn" | "customer" => Column::FullName,
        "etunimi" | "etunimet" | "kutsumanimi" | "first_name" | "firstname" | "given_name"
        | "förnamn" | "fornamn" => Column::FirstName,
        "sukunimi" | "last_name" | "lastname" | "surname" | "family_name" | "efternamn" => {
            Column::LastName
        }
        "osoite" | "katuosoite" | "lähiosoite" | "postiosoite" | "address" | "street"
        | "street_address" | "address_line_1" | "address1" | "adress" | "gatuadress"
        | "postadress" | "utdelningsadress" => Column::Street,
        "postinumero" | "postcode" | "postal_code" | "zip" | "zip_code" | "postnummer" => {
            Column::Postcode
        }
        "postitoimipaikka" | "kaupunki" | "kunta" | "city" | "town" | "ort" | "postort"
        | "stad" => Column::City,
        "syntymäaika" | "syntymäpäivä" | "date_of_birth" | "birth_date" | "birthdate" | "dob"
        | "födelsedatum" | "födelsedag" => Column::DateOfBirth,
        _ => Column::Other,
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
    cols.iter().any(|c| *c != Column::Other).then_some(cols)
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
        hits.push(Hit {
            category: Category::PersonName,
            value: name.to_lowercase(),
        });
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
        hits.push(Hit {
            category: Category::PostalAddress,
            value,
        });
    }
    if let Some(d) = cell(Column::DateOfBirth) {
        hits.push(Hit {
            category: Category::DateOfBirth,
            value: d.to_owned(),
        });
    }
    hits
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
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // A row that is not valid UTF-8 or is malformed: the rest is still read.
            Err(_) => continue,
        }
        let cells: Vec<&str> = record.iter().collect();
        if std::mem::take(&mut first_row)
            && let Some(h) = header(&cells)
        {
            shape.columns = Some(h);
            continue;
        }
        let hits = shape
            .columns
            .as_ref()
            .map(|c| column_hits(c, &cells))
            .unwrap_or_default();
        doc.push(cells.iter(), hits);
    }
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

/// Walks a JSON value, adding a record to the doc for every object that holds scalars (its
/// keys read like column headers, so `{"nimi": …, "osoite": …}` is a name and an address) and
/// for every scalar in an array; gives back the value's own text when it is a scalar.
struct Walk<'d, 't>(&'d mut Doc<'t>);

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while let Some(item) = seq.next_element_seed(Walk(&mut *self.0))? {
            if let Some(text) = item {
                self.0.push([text], Vec::new());
            }
        }
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut columns = Vec::new();
        let mut cells = Vec::new();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            if let Some(value) = map.next_value_seed(Walk(&mut *self.0))? {
                columns.push(column(&key));
                cells.push(value);
            }
        }
        if !cells.is_empty() {
            let hits = column_hits(&columns, &cells);
            self.0.push(cells, hits);
        }
        Ok(None)
    }
}

/// Reads one JSON document into `doc` (a string at the top is a record of its own). On an error
/// nothing is added.
pub fn json(text: &str, doc: &mut Doc<'_>) -> Result<(), serde_json::Error> {
    let mark = doc.mark();
    let mut de = serde_json::Deserializer::from_str(text);
    let read = Walk(doc)
        .deserialize(&mut de)
        .and_then(|top| de.end().map(|()| top));
    match read {
        Ok(top) => {
            if let Some(text) = top {
                doc.push([text], Vec::new());
            }
            Ok(())
        }
        Err(e) => {
            doc.truncate(mark);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
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
                        .map(|h| (h.category.id(), h.value.clone()))
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
        // Without a header nothing is guessed from position.
        let r = table("4711,blue,42\n4712,red,7\n");
        assert_eq!(r.len(), 2);
        assert!(r.iter().all(|r| r.1.is_empty()));
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
        // Inner objects first, each object's scalars joined, each scalar of an array alone.
        assert_eq!(
            texts,
            [
                "85.76.12.3",
                "Maija Meikäläinen | Mannerheimintie 1",
                "vip",
                "4111111111111111",
                "Erik",
                "2"
            ]
        );
        assert_eq!(
            r[1].1,
            [
                ("person_name", "maija meikäläinen".into()),
                ("postal_address", "mannerheimintie 1".into())
            ]
        );
        assert_eq!(r[4].1, [("person_name", "erik".into())]);
        // A string at the top is a record; broken JSON adds nothing.
        let mut doc = Doc::built();
        json(r#""only 131052-308T""#, &mut doc).unwrap();
        assert_eq!(read(&doc)[0].0, "only 131052-308T");
        let mark = doc.mark();
        assert!(json(r#"{"name":"Erik","x":[1,2"#, &mut doc).is_err());
        assert_eq!(doc.mark(), mark);
    }
}
