//! Tables (CSV, TSV and the like): the delimiter is guessed from the first line, a header is
//! recognised by its column names in Finnish, Swedish and English, and columns that name a person
//! or a postal address make those values personal data even though no pattern could tell.

use crate::detect::{Category, Hit};

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
        | "yhteyshenkilö" | "kontaktperson" => Column::FullName,
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
pub fn header(cells: &[String]) -> Option<Vec<Column>> {
    let cols: Vec<Column> = cells.iter().map(|c| column(c)).collect();
    cols.iter().any(|c| *c != Column::Other).then_some(cols)
}

/// Personal data that a row holds by its columns (names, addresses, dates of birth).
#[must_use]
pub fn column_hits(columns: &[Column], row: &[String]) -> Vec<Hit> {
    let cell = |kind: Column| -> Option<&str> {
        columns
            .iter()
            .zip(row)
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

/// Reads a whole table: for each data row, its cells joined (for the patterns) and its column hits.
#[must_use]
pub fn rows(text: &str) -> Vec<(String, Vec<Hit>)> {
    let first = text.lines().next().unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(first))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut columns: Option<Vec<Column>> = None;
    for (i, record) in reader.records().enumerate() {
        let Ok(record) = record else {
            continue;
        };
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if i == 0
            && let Some(h) = header(&cells)
        {
            columns = Some(h);
            continue;
        }
        let hits = columns
            .as_ref()
            .map(|c| column_hits(c, &cells))
            .unwrap_or_default();
        out.push((cells.join(" | "), hits));
    }
    out
}

/// Records of JSON: every object that holds a scalar value is a record; its keys are read like
/// column headers (so `{"nimi": …, "osoite": …}` is a name and an address).
#[must_use]
pub fn json_records(value: &serde_json::Value) -> Vec<(String, Vec<Hit>)> {
    fn visit(v: &serde_json::Value, out: &mut Vec<(String, Vec<Hit>)>) {
        match v {
            serde_json::Value::Object(map) => {
                let mut columns = Vec::new();
                let mut cells = Vec::new();
                for (k, v) in map {
                    match v {
                        serde_json::Value::String(s) => {
                            columns.push(column(k));
                            cells.push(s.clone());
                        }
                        serde_json::Value::Number(n) => {
                            columns.push(column(k));
                            cells.push(n.to_string());
                        }
                        other => visit(other, out),
                    }
                }
                if !cells.is_empty() {
                    let hits = column_hits(&columns, &cells);
                    out.push((cells.join(" | "), hits));
                }
            }
            serde_json::Value::Array(items) => {
                for i in items {
                    visit(i, out);
                }
            }
            serde_json::Value::String(s) => out.push((s.clone(), Vec::new())),
            _ => {}
        }
    }
    let mut out = Vec::new();
    visit(value, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_three_languages_and_any_delimiter() {
        let t = "Etunimi;Sukunimi;Lähiosoite;Postinumero;Postitoimipaikka\n\
                 Maija;Meikäläinen;Mannerheimintie 1 A 2;00100;Helsinki\n";
        let r = rows(t);
        assert_eq!(r.len(), 1);
        let cats: Vec<&str> = r[0].1.iter().map(|h| h.category.id()).collect();
        assert_eq!(cats, ["person_name", "postal_address"]);
        assert_eq!(r[0].1[0].value, "maija meikäläinen");
        assert_eq!(r[0].1[1].value, "mannerheimintie 1 a 2, 00100 helsinki");
        let t = "Förnamn\tEfternamn\tFödelsedatum\nErik\tSvensson\t1980-02-03\n";
        let cats: Vec<&str> = rows(t)[0].1.iter().map(|h| h.category.id()).collect();
        assert_eq!(cats, ["person_name", "date_of_birth"]);
        // Quoted cells with the delimiter inside stay one cell.
        let t = "name,address\n\"Smith, John\",\"1 High Street, Leeds\"\n";
        let r = rows(t);
        assert_eq!(r[0].1[0].value, "smith, john");
        let v: serde_json::Value = serde_json::from_str(
            r#"{"users":[{"nimi":"Maija Meikäläinen","osoite":"Mannerheimintie 1","meta":{"ip":"85.76.12.3"}}]}"#,
        )
        .unwrap();
        let r = json_records(&v);
        let cats: Vec<&str> = r
            .iter()
            .flat_map(|x| x.1.iter().map(|h| h.category.id()))
            .collect();
        assert_eq!(cats, ["person_name", "postal_address"]);
        assert!(r.iter().any(|x| x.0.contains("85.76.12.3")));
        // Without a header nothing is guessed from position.
        assert!(
            rows("4711,blue,42\n4712,red,7\n")
                .iter()
                .all(|r| r.1.is_empty())
        );
    }
}
