//! `SQLite` database files (`.sqlite`, `.db`, any name: by the file's header): read table by table,
//! each row a record whose columns are named by the table's column names, as a dump's are. The
//! file is opened read-only and immutable (`rusqlite`, the `SQLite` that sqlx links): `SQLite` writes
//! no journal, lock or WAL file beside it, so the scanned tree stays untouched. A database inside
//! an archive or a mail is not unpacked to disk to be read: it is listed as skipped. Immutable
//! also means that a write-ahead log beside the file (`-wal`) is not read: rows committed but
//! not yet checkpointed are missed (a known gap; the `-wal` file itself is skipped as binary).

use std::path::Path;

use rusqlite::{Connection, OpenFlags, limits::Limit, types::ValueRef};

use crate::doc::Doc;
use crate::table::{Column, column, push_row};

/// The first bytes of every `SQLite` 3 database file.
pub const MAGIC: &[u8] = b"SQLite format 3\0";

/// Reads every table of the database at `path` into `doc`.
///
/// # Errors
/// What `SQLite` said when the file could not be opened or read (not a database, encrypted,
/// corrupt).
pub fn read(path: &Path, doc: &mut Doc<'_>) -> Result<(), String> {
    let mut uri = url_path(path);
    uri.insert_str(0, "file:");
    uri.push_str("?immutable=1");
    let conn = Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    // A hostile schema (a generated column that builds a string of a gigabyte) meets SQLite's
    // own limits, and functions in it run only if harmless.
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, 64 * 1024 * 1024);
    conn.execute_batch("PRAGMA trusted_schema = OFF")
        .map_err(|e| e.to_string())?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))
                .and_then(Iterator::collect)
        })
        .map_err(|e| e.to_string())?;
    // A table SQLite cannot read (a full-text index with an application's own tokenizer, a
    // damaged page) is left out; the rows read so far and the other tables are kept.
    let mut unread = Vec::new();
    for table in tables {
        if let Err(e) = read_table(&conn, &table, doc) {
            unread.push(format!("{}: {e}", crate::untrusted::Untrusted(table)));
        }
    }
    if unread.is_empty() || !doc.records.is_empty() {
        Ok(())
    } else {
        Err(unread.join("; "))
    }
}

/// Reads one table's rows into `doc`.
fn read_table(conn: &Connection, table: &str, doc: &mut Doc<'_>) -> rusqlite::Result<()> {
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let mut statement = conn.prepare(&format!("SELECT * FROM {quoted}"))?;
    let columns: Vec<Column> = statement.column_names().into_iter().map(column).collect();
    let width = columns.len();
    let mut rows = statement.query([])?;
    let mut cells: Vec<String> = Vec::with_capacity(width);
    while let Some(row) = rows.next()? {
        cells.clear();
        for i in 0..width {
            cells.push(match row.get_ref(i)? {
                ValueRef::Null => String::new(),
                ValueRef::Integer(n) => n.to_string(),
                ValueRef::Real(f) => f.to_string(),
                // Text is often stored as a blob; other blobs (images, keys) are not read.
                ValueRef::Blob(b) => std::str::from_utf8(b)
                    .map(str::to_owned)
                    .unwrap_or_default(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            });
        }
        push_row(doc, Some(&columns), &cells);
    }
    Ok(())
}

/// A path as the path of a `file:` URI (`%`, `?` and `#` escaped).
fn url_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_row_by_row_with_its_column_names_and_nothing_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm #1?.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, \
             email TEXT, customer_no TEXT, photo BLOB);
             INSERT INTO customers VALUES (1, 'Maija', 'Virtanen', 'maija@example.fi', '1234567', x'00ff');
             INSERT INTO customers VALUES (2, 'Erik', NULL, 'erik@example.se', '7654321', NULL);
             CREATE TABLE \"order \"\"lines\"\"\" (order_id INTEGER, amount REAL);
             INSERT INTO \"order \"\"lines\"\"\" VALUES (4111111111111111, 12.5);",
        )
        .unwrap();
        drop(conn);
        let before: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        let mut doc = Doc::built();
        read(&path, &mut doc).unwrap();
        let texts: Vec<&str> = doc.records.iter().map(|r| &doc.text[r.clone()]).collect();
        assert_eq!(
            texts,
            [
                "1 | Maija | Virtanen | maija@example.fi | 1234567 | ",
                "2 | Erik |  | erik@example.se | 7654321 | ",
                "4111111111111111 | 12.5",
            ]
        );
        assert_eq!(doc.columns[0][0].value, "maija virtanen");
        // The order id's cell is a reference's; the customer number's its own.
        let cues: Vec<_> = doc
            .cues
            .iter()
            .map(|(r, c)| (&doc.text[r.clone()], *c))
            .collect();
        assert!(cues.contains(&("4111111111111111", crate::doc::Cue::Reference)));
        assert!(cues.contains(&("1234567", crate::doc::Cue::CustomerNumber)));
        let after: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(before, after, "no journal or lock file beside the database");
        // Not a database: SQLite's own word for it.
        std::fs::write(&path, b"SQLite format 3\0 but then nothing").unwrap();
        assert!(read(&path, &mut Doc::built()).is_err());
    }
}
