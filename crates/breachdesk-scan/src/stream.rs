//! Large text files read in pieces, so that memory stays bounded whatever a file's size: logs,
//! tables, NDJSON, plain text and mailboxes are cut where no record is split — after a line,
//! after a blank line between paragraphs, after a table row outside any quoted cell, before the
//! `From ` line of the next message.

use std::io::Read;

/// Where a file of this kind may be cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// After any line (logs, NDJSON).
    Line,
    /// After a blank line if there is one in the second half of the piece, else after a line.
    Paragraph,
    /// After a line that ends outside a quoted cell (CSV, TSV).
    Row,
    /// Before a line starting with `From ` (mbox).
    Message,
}

impl Cut {
    /// How a file with this extension and these first bytes is cut; `None` for what must be
    /// read whole (archives, office documents, PDF, JSON, UTF-16, binary).
    #[must_use]
    pub fn of(ext: &str, head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) || head.contains(&0) {
            return None;
        }
        if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0x1F, 0x8B]) {
            return None;
        }
        match ext {
            "mbox" | "mbx" => Some(Self::Message),
            _ if head.starts_with(b"From ") => Some(Self::Message),
            "csv" | "tsv" => Some(Self::Row),
            "log" | "sql" | "ndjson" | "jsonl" => Some(Self::Line),
            "txt" | "md" | "" => Some(Self::Paragraph),
            _ => None,
        }
    }

    /// Whether a file with this extension may be read in pieces (before its first bytes are seen).
    #[must_use]
    pub fn may_apply(ext: &str) -> bool {
        matches!(
            ext,
            "mbox" | "mbx" | "csv" | "tsv" | "log" | "sql" | "ndjson" | "jsonl" | "txt" | "md" | ""
        )
    }
}

/// A piece no record fits in (one line or one message longer than this) is cut anyway.
const MAX_PIECE_FACTOR: usize = 8;

/// The pieces of a reader, each about `size` bytes and ending where a record ends.
pub struct Pieces<R> {
    reader: R,
    cut: Cut,
    size: usize,
    buf: Vec<u8>,
    /// Inside a quoted cell at the start of `buf` (tables).
    quoted: bool,
    eof: bool,
}

impl<R: Read> Pieces<R> {
    pub fn new(reader: R, cut: Cut, size: usize) -> Self {
        Self {
            reader,
            cut,
            size: size.max(1024),
            buf: Vec::new(),
            quoted: false,
            eof: false,
        }
    }

    fn fill(&mut self, upto: usize) -> std::io::Result<()> {
        while !self.eof && self.buf.len() < upto {
            let want = upto - self.buf.len();
            let start = self.buf.len();
            self.buf.resize(start + want, 0);
            let n = self.reader.read(&mut self.buf[start..])?;
            self.buf.truncate(start + n);
            if n == 0 {
                self.eof = true;
            }
        }
        Ok(())
    }

    /// Where to cut `buf` (the length of the piece), if a record ends in it.
    fn cut_at(&self) -> Option<usize> {
        let b = &self.buf;
        let last_newline = || memchr::memrchr(b'\n', b).map(|i| i + 1);
        match self.cut {
            Cut::Line => last_newline(),
            Cut::Paragraph => {
                let half = b.len() / 2;
                memchr::memmem::rfind(&b[half..], b"\n\n")
                    .map(|i| half + i + 2)
                    .or_else(last_newline)
            }
            Cut::Row => {
                let mut quoted = self.quoted;
                let mut at = None;
                for (i, &c) in b.iter().enumerate() {
                    if c == b'"' {
                        quoted = !quoted;
                    } else if c == b'\n' && !quoted {
                        at = Some(i + 1);
                    }
                }
                at
            }
            Cut::Message => memchr::memmem::rfind(b, b"\nFrom ").map(|i| i + 1),
        }
    }

    /// The next piece; `None` at the end.
    pub fn next_piece(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        self.fill(self.size)?;
        if self.buf.is_empty() {
            return Ok(None);
        }
        if self.eof {
            return Ok(Some(std::mem::take(&mut self.buf)));
        }
        let mut limit = self.size;
        let at = loop {
            if let Some(at) = self.cut_at() {
                break at;
            }
            // No record ends in the piece: read on, up to a bound.
            if self.eof || limit >= self.size * MAX_PIECE_FACTOR {
                break self.buf.len();
            }
            limit += self.size;
            self.fill(limit)?;
        };
        let rest = self.buf.split_off(at);
        let piece = std::mem::replace(&mut self.buf, rest);
        if self.cut == Cut::Row {
            self.quoted ^= memchr::memchr_iter(b'"', &piece).count() % 2 == 1;
        }
        Ok(Some(piece))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, cut: Cut, size: usize) -> Vec<String> {
        let mut p = Pieces::new(text.as_bytes(), cut, size);
        let mut out = Vec::new();
        while let Some(piece) = p.next_piece().unwrap() {
            out.push(String::from_utf8(piece).unwrap());
        }
        assert_eq!(out.concat(), text, "nothing lost, nothing doubled");
        out
    }

    #[test]
    fn pieces_end_where_records_end() {
        let line = "x".repeat(99) + "\n";
        let text = line.repeat(50);
        let p = pieces(&text, Cut::Line, 1024);
        assert!(p.len() >= 4, "{}", p.len());
        assert!(p.iter().all(|p| p.ends_with('\n') && p.len() <= 1024));

        // A quoted cell with line breaks is never split.
        let row = "1;\"a\nb\nc\";x\n";
        let text = row.repeat(300);
        for piece in pieces(&text, Cut::Row, 1024) {
            assert_eq!(piece.matches('"').count() % 2, 0, "{piece:?}");
            assert!(piece.starts_with("1;"));
        }

        // Messages stay whole.
        let message = format!("From x Mon\nSubject: s\n\n{}\n", "body line\n".repeat(40));
        let text = message.repeat(20);
        for piece in pieces(&text, Cut::Message, 1024) {
            assert!(piece.starts_with("From x"), "{piece:?}");
        }

        // One line longer than a piece is read whole (up to a bound).
        let text = format!("{}\n{}", "y".repeat(3000), "short\n".repeat(500));
        let p = pieces(&text, Cut::Line, 1024);
        assert!(p[0].len() >= 3001 && p[0].ends_with('\n'), "{}", p[0].len());
        let text = "z".repeat(10_000);
        assert_eq!(pieces(&text, Cut::Line, 1024)[0].len(), 8 * 1024, "bounded");
    }
}
