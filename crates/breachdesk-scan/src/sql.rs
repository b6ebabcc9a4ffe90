//! SQL dumps (`mysqldump`, `pg_dump`, the `.dump` of `SQLite`): each row is a record, and the column
//! names of its table are the context, as a table's header is for CSV. Rows come from
//! `INSERT … VALUES (…), (…)` statements (mysqldump's extended inserts put a thousand rows on
//! one line) and from `COPY … FROM stdin` blocks; column names from the `CREATE TABLE` seen
//! before, the column list of the `INSERT`, or the `COPY` header. Other lines are records of
//! their own, as in a log.
//!
//! A large dump is read in pieces; each piece knows the tables of the first piece (a dump's
//! schema usually comes first) and those created within itself.

use std::collections::HashMap;

use crate::doc::Doc;
use crate::table::{Column, column, push_row};

/// The tables a dump has created so far, by name, with the meaning of each column.
#[derive(Debug, Clone, Default)]
pub struct Tables(HashMap<String, Vec<Column>>);

/// Whether text looks like an SQL dump (by its first kilobytes).
#[must_use]
pub fn looks_like_dump(text: &str) -> bool {
    let head = &text[..text.floor_char_boundary(text.len().min(64 * 1024))];
    head.contains("CREATE TABLE") || head.contains("INSERT INTO") || head.contains(" FROM stdin;")
}

/// A table or column name without quotes and schema: `` `x` ``, `"x"`, `[x]`, `public.x`.
fn bare(name: &str) -> String {
    let name = name.trim();
    let last = name.rsplit('.').next().unwrap_or(name);
    last.trim_matches(|c| c == '`' || c == '"' || c == '[' || c == ']')
        .to_lowercase()
}

/// Reads a dump (or a piece of one) into `doc`; `tables` grows with the `CREATE TABLE`s read.
pub fn read(text: &str, tables: &mut Tables, doc: &mut Doc<'_>) {
    let mut lines = text.lines().peekable();
    // The columns of the COPY block being read, if any.
    let mut copy: Option<Option<Vec<Column>>> = None;
    while let Some(line) = lines.next() {
        if let Some(columns) = &copy {
            if line == "\\." {
                copy = None;
                continue;
            }
            let cells: Vec<&str> = line
                .split('\t')
                .map(|c| if c == "\\N" { "" } else { c })
                .collect();
            push_row(doc, columns.as_deref(), &cells);
            continue;
        }
        let trimmed = line.trim_start();
        let upper: String = trimmed.chars().take(16).collect::<String>().to_uppercase();
        if upper.starts_with("CREATE TABLE") {
            // The definition runs to the line that closes it.
            let mut definition = String::from(trimmed);
            while !balanced(&definition) {
                match lines.next() {
                    Some(next) => {
                        definition.push('\n');
                        definition.push_str(next);
                    }
                    None => break,
                }
            }
            if let Some((name, columns)) = create_table(&definition) {
                tables.0.insert(name, columns);
            }
        } else if upper.starts_with("INSERT INTO") || upper.starts_with("REPLACE INTO") {
            insert(trimmed, tables, doc);
        } else if upper.starts_with("COPY ") && trimmed.ends_with("FROM stdin;") {
            copy = Some(copy_columns(trimmed, tables));
        } else if !(trimmed.is_empty()
            || trimmed.starts_with("--")
            || trimmed.starts_with("/*")
            || upper.starts_with("SET ")
            || upper.starts_with("LOCK TABLES")
            || upper.starts_with("UNLOCK TABLES")
            || upper.starts_with("DROP TABLE")
            || upper.starts_with("ALTER TABLE"))
        {
            doc.push([line], Vec::new());
        }
    }
}

/// Whether the parentheses of a definition are closed (outside quotes).
fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    let mut seen = false;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => {
                depth += 1;
                seen = true;
            }
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    seen && depth <= 0
}

/// A `CREATE TABLE name (col type …, …)`: the table's name and its columns' meanings.
fn create_table(definition: &str) -> Option<(String, Vec<Column>)> {
    let open = definition.find('(')?;
    let head = &definition[..open];
    let name = head.split_whitespace().rfind(|w| {
        !matches!(
            w.to_uppercase().as_str(),
            "CREATE" | "TABLE" | "IF" | "NOT" | "EXISTS" | "TEMPORARY" | "UNLOGGED"
        )
    })?;
    let body = &definition[open + 1..definition.rfind(')').unwrap_or(definition.len())];
    let mut columns = Vec::new();
    for part in split_top(body, ',') {
        let part = part.trim();
        let first = part.split_whitespace().next().unwrap_or_default();
        let keyword = first.to_uppercase();
        if first.is_empty()
            || matches!(
                keyword.as_str(),
                "PRIMARY"
                    | "KEY"
                    | "UNIQUE"
                    | "CONSTRAINT"
                    | "INDEX"
                    | "FOREIGN"
                    | "CHECK"
                    | "FULLTEXT"
                    | "SPATIAL"
                    | "EXCLUDE"
            )
        {
            continue;
        }
        columns.push(column(&bare(first)));
    }
    Some((bare(name), columns))
}

/// Splits at `sep` outside parentheses and quotes.
fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, c) if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// `COPY name (a, b) FROM stdin;`: the columns' meanings (the table's, if no list is given).
fn copy_columns(line: &str, tables: &Tables) -> Option<Vec<Column>> {
    let rest = line[5..].trim_start();
    match (rest.find('('), rest.find(" FROM ")) {
        (Some(open), Some(from)) if open < from => {
            let close = rest[..from].rfind(')')?;
            Some(
                rest[open + 1..close]
                    .split(',')
                    .map(|c| column(&bare(c)))
                    .collect(),
            )
        }
        (_, Some(from)) => tables.0.get(&bare(&rest[..from])).cloned(),
        _ => None,
    }
}

/// An `INSERT INTO name [(cols)] VALUES (…), (…);`: each row a record.
fn insert(statement: &str, tables: &Tables, doc: &mut Doc<'_>) {
    let upper_at = |needle: &str| {
        statement
            .char_indices()
            .find(|(i, _)| {
                statement
                    .get(*i..*i + needle.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(needle))
            })
            .map(|(i, _)| i)
    };
    let Some(values_at) = upper_at("VALUES") else {
        doc.push([statement], Vec::new());
        return;
    };
    let head = &statement[..values_at];
    // After INSERT INTO (or REPLACE INTO): the name, then perhaps a column list.
    let target = head
        .split_once(|c: char| c.is_whitespace())
        .map_or("", |(_, r)| r)
        .trim_start();
    let target = target
        .split_once(|c: char| c.is_whitespace())
        .map_or("", |(_, r)| r)
        .trim();
    let (name, list) = match target.find('(') {
        Some(open) => (&target[..open], Some(&target[open + 1..])),
        None => (target, None),
    };
    let columns: Option<Vec<Column>> = match list {
        Some(list) => {
            let list = &list[..list.rfind(')').unwrap_or(list.len())];
            Some(list.split(',').map(|c| column(&bare(c))).collect())
        }
        None => tables.0.get(&bare(name)).cloned(),
    };
    let mut rest = &statement[values_at + "VALUES".len()..];
    let mut cells: Vec<String> = Vec::new();
    while let Some(open) = rest.find('(') {
        rest = &rest[open + 1..];
        cells.clear();
        let Some(after) = tuple(rest, &mut cells) else {
            break;
        };
        push_row(doc, columns.as_deref(), &cells);
        rest = after;
    }
}

/// Reads the values of one tuple (after its `(`) into `cells`; what follows its `)`.
fn tuple<'s>(s: &'s str, cells: &mut Vec<String>) -> Option<&'s str> {
    let mut chars = s.char_indices().peekable();
    let mut cell = String::new();
    loop {
        let (i, c) = chars.next()?;
        match c {
            '\'' => {
                // A quoted string: '' is a quote, a backslash escapes (MySQL).
                loop {
                    let (_, c) = chars.next()?;
                    match c {
                        '\'' if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                            chars.next();
                            cell.push('\'');
                        }
                        '\'' => break,
                        '\\' => {
                            let (_, e) = chars.next()?;
                            cell.push(match e {
                                'n' => '\n',
                                't' => '\t',
                                'r' => '\r',
                                '0' => ' ',
                                other => other,
                            });
                        }
                        other => cell.push(other),
                    }
                }
            }
            ',' => cells.push(std::mem::take(&mut cell)),
            ')' => {
                cells.push(std::mem::take(&mut cell));
                for c in cells.iter_mut() {
                    if c.eq_ignore_ascii_case("null") {
                        c.clear();
                    }
                }
                return Some(&s[i + 1..]);
            }
            c if c.is_whitespace() && cell.is_empty() => {}
            other => cell.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Category;

    fn rows(text: &str) -> Vec<(String, Vec<(Category, String)>)> {
        let mut doc = Doc::built();
        read(text, &mut Tables::default(), &mut doc);
        let columns = doc.columns.clone();
        doc.records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    doc.text[r.clone()].to_owned(),
                    columns
                        .get(i)
                        .map(|h| {
                            h.iter()
                                .map(|h| (h.category, h.value.to_string()))
                                .collect()
                        })
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn an_extended_insert_is_a_record_per_row_with_its_columns() {
        let dump = "-- MySQL dump 10.13\n\
            CREATE TABLE `asiakkaat` (\n  `id` int NOT NULL,\n  `etunimi` varchar(64),\n  `sukunimi` varchar(64),\n  `katuosoite` varchar(128),\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n\
            LOCK TABLES `asiakkaat` WRITE;\n\
            INSERT INTO `asiakkaat` VALUES (1,'Arnhild','Ljungdahl','Storgatan 1'),(2,'O\\'Brien','Kyrö, Aarre',NULL);\n\
            UNLOCK TABLES;\n";
        let r = rows(dump);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[0].0, "1 | Arnhild | Ljungdahl | Storgatan 1");
        assert!(
            r[0].1
                .contains(&(Category::PersonName, "arnhild ljungdahl".into()))
        );
        assert!(
            r[0].1
                .contains(&(Category::PostalAddress, "storgatan 1".into()))
        );
        assert_eq!(r[1].0, "2 | O'Brien | Kyrö, Aarre | ");
    }

    #[test]
    fn copy_blocks_and_inserts_with_column_lists_are_read() {
        let dump = "CREATE TABLE public.contacts (\n    id integer NOT NULL,\n    full_name text\n);\n\
            COPY public.contacts (id, full_name) FROM stdin;\n\
            1001\tHele Kaarlela\n1002\t\\N\n\\.\n\
            INSERT INTO users (display_name, id) VALUES ('Jeroen Bos', 4);\n\
            INSERT INTO users VALUES(1,'x');\n";
        let r = rows(dump);
        assert_eq!(r.len(), 4, "{r:?}");
        assert_eq!(r[0].1, vec![(Category::PersonName, "hele kaarlela".into())]);
        assert!(r[1].1.is_empty());
        assert_eq!(r[2].1, vec![(Category::PersonName, "jeroen bos".into())]);
        assert_eq!(r[3].0, "1 | x");
    }

    #[test]
    fn a_broken_statement_still_gives_its_rows_so_far_and_never_panics() {
        let r = rows("INSERT INTO t VALUES (1,'a'),(2,'unterminated");
        assert_eq!(r.len(), 1);
        let _ = rows("CREATE TABLE (((");
        let _ = rows("COPY x FROM stdin;\n");
    }
}
