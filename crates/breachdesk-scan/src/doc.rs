//! A file's text as records: one buffer, the byte ranges of its records, and for each record what
//! its columns or keys said (tables, JSON, spreadsheets).
//!
//! The detectors run once over the whole buffer, not once per record: a CSV export or a log has
//! millions of short records, and a pattern search has a fixed cost per call that would otherwise
//! be paid millions of times. Each match is then given to the record it lies in.

use std::borrow::Cow;
use std::ops::Range;

use crate::detect::Hit;

/// Records of one text.
#[derive(Debug, Default)]
pub struct Doc<'t> {
    pub text: Cow<'t, str>,
    /// Sorted, non-overlapping byte ranges of `text`.
    pub records: Vec<Range<usize>>,
    /// What each record's columns or keys said: empty, or one entry per record.
    pub columns: Vec<Vec<Hit>>,
    /// Cells whose column or key says what a number in them is (or is not), sorted by position:
    /// the context that tells a customer number from a 7-digit metric, and a card from a
    /// Luhn-valid transaction id.
    pub cues: Vec<(Range<usize>, Cue)>,
    /// What the format itself says of each record (a message's sender by its display name):
    /// empty, or one entry per record; added to what the detectors find, overriding nothing.
    pub given: Vec<Vec<Hit>>,
}

/// A text with its escaped line breaks and tabs (`\n`, `\r`, `\t` written as two characters, as
/// logs and exports of JSON strings have them) read as what they stand for, so that
/// `…\nName: Maija Virtanen\nPhone: …` has a label and a name that ends at its line, and
/// `\nMaija.V@example.fi` no address starting with `n` (`\nmaija.v@…` still does: before a
/// lower-case letter the pair is left, see below). The two characters become a blank and
/// the break (`\r` two blanks): every offset stays, and the records, found before this, stay
/// what the file's own lines or paragraphs make them. An escape before a lower-case letter
/// (`C:\new`) and an escaped backslash (`\\n`) are left as they are. Every text read as
/// lines or paragraphs goes through this (logs, plain text, documents' text).
#[must_use]
pub fn escaped_breaks_read(text: Cow<'_, str>) -> Cow<'_, str> {
    let b = text.as_bytes();
    let escapes: Vec<usize> = memchr::memchr_iter(b'\\', b)
        .filter(|&i| {
            // An escape when the backslashes that end at it are odd in number (`\\\n`).
            let run = b[..=i].iter().rev().take_while(|&&c| c == b'\\').count();
            matches!(b.get(i + 1), Some(b'n' | b'r' | b't'))
                && run % 2 == 1
                && !b.get(i + 2).is_some_and(u8::is_ascii_lowercase)
        })
        .collect();
    if escapes.is_empty() {
        return text;
    }
    let mut bytes = text.into_owned().into_bytes();
    for i in escapes {
        bytes[i] = b' ';
        bytes[i + 1] = match bytes[i + 1] {
            b'n' => b'\n',
            b't' => b'\t',
            _ => b' ',
        };
    }
    // Only ASCII was replaced by ASCII.
    Cow::Owned(String::from_utf8(bytes).expect("ASCII for ASCII keeps UTF-8"))
}

/// The byte ranges of a text's paragraphs (blank-line separated).
#[must_use]
pub fn paragraph_ranges(text: &str) -> Vec<Range<usize>> {
    let mut records = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                records.push(s..offset);
            }
        } else if start.is_none() {
            start = Some(offset);
        }
        offset += line.len();
    }
    if let Some(s) = start {
        records.push(s..text.len());
    }
    records
}

/// What a cell's column or key says about the numbers in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// The organisation's customer number (`asiakasnumero`, `kundnummer`, `customer_no`).
    CustomerNumber,
    /// A telephone number (`puhelin`, `telefon`, `phone`): no card or customer number is read
    /// in it.
    Phone,
    /// An identifier that is no card, phone or customer number: an order, transaction or
    /// refund id, a reference, an invoice number, an EAN code, a database key.
    Reference,
}

impl<'t> Doc<'t> {
    /// A text whose records are its lines (tables read as text, NDJSON, logs).
    #[must_use]
    pub fn lines(text: Cow<'t, str>) -> Self {
        let mut records = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let end = start + line.trim_end_matches(['\n', '\r']).len();
            if end > start {
                records.push(start..end);
            }
            start += line.len();
        }
        Self {
            text: escaped_breaks_read(text),
            records,
            ..Self::default()
        }
    }

    /// A text whose records are its paragraphs (blank-line separated): an e-mail signature, an
    /// address block, one entry of a list.
    #[must_use]
    pub fn paragraphs(text: Cow<'t, str>) -> Self {
        let records = paragraph_ranges(&text);
        Self {
            text: escaped_breaks_read(text),
            records,
            ..Self::default()
        }
    }

    /// An empty text to which records are added one by one.
    #[must_use]
    pub fn built() -> Self {
        Self::default()
    }

    /// Adds a record of cells (joined by ` | `) with what its columns said.
    pub fn push<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>, columns: Vec<Hit>) {
        self.push_cued(cells, &[], columns);
    }

    /// As [`Doc::push`], with what each cell's column says about its numbers (`cues[i]` for
    /// cell `i`; cells beyond `cues` have none).
    pub fn push_cued<S: AsRef<str>>(
        &mut self,
        cells: impl IntoIterator<Item = S>,
        cues: &[Option<Cue>],
        columns: Vec<Hit>,
    ) {
        let text = self.text.to_mut();
        let start = text.len();
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                text.push_str(" | ");
            }
            let at = text.len();
            text.push_str(cell.as_ref());
            if let Some(Some(cue)) = cues.get(i) {
                self.cues.push((at..text.len(), *cue));
            }
        }
        let end = text.len();
        // Records are separated by a line break, so that no word runs from one into the next.
        text.push('\n');
        // Column hits are kept one per record once any record has some.
        if !columns.is_empty() && self.columns.len() < self.records.len() {
            self.columns.resize_with(self.records.len(), Vec::new);
        }
        if !columns.is_empty() || !self.columns.is_empty() {
            self.columns.push(columns);
        }
        self.records.push(start..end);
    }

    /// Adds a record of one text with what its format says of it.
    pub fn push_given(&mut self, text: &str, given: Vec<Hit>) {
        if !given.is_empty() && self.given.len() < self.records.len() {
            self.given.resize_with(self.records.len(), Vec::new);
        }
        let keep = !given.is_empty() || !self.given.is_empty();
        self.push([text], Vec::new());
        if keep {
            self.given.push(given);
        }
    }

    /// The number of records so far, and of bytes: a mark to go back to with [`Doc::truncate`].
    #[must_use]
    pub fn mark(&self) -> (usize, usize) {
        (self.records.len(), self.text.len())
    }

    /// Forgets the records added since `mark`.
    pub fn truncate(&mut self, (records, bytes): (usize, usize)) {
        self.records.truncate(records);
        self.columns.truncate(records);
        self.given.truncate(records);
        self.cues.retain(|(r, _)| r.end <= bytes);
        self.text.to_mut().truncate(bytes);
    }

    /// What the format said of record `i`.
    pub fn take_given(&mut self, i: usize) -> Vec<Hit> {
        self.given
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The column hits of record `i` (none for text that has no columns).
    pub fn take_columns(&mut self, i: usize) -> Vec<Hit> {
        self.columns
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_breaks_are_read_as_breaks_and_offsets_stay() {
        let text = r"a\nName: Maija\r\n\tX \\n \\\nY C:\new \n";
        let out = escaped_breaks_read(text.into());
        assert_eq!(out.len(), text.len());
        assert_eq!(out, "a \nName: Maija   \n \tX \\\\n \\\\ \nY C:\\new  \n");
        // Before a lower-case letter it may be a path or a word: left.
        assert_eq!(escaped_breaks_read(r"\tally \nb".into()), r"\tally \nb");
        // Nothing to do: the text is not copied.
        assert!(matches!(
            escaped_breaks_read("plain".into()),
            Cow::Borrowed(_)
        ));
    }

    fn texts<'a>(d: &'a Doc<'_>) -> Vec<&'a str> {
        d.records.iter().map(|r| &d.text[r.clone()]).collect()
    }

    #[test]
    fn lines_paragraphs_and_built_records() {
        let d = Doc::lines("a,b\r\n\nc\nlast".into());
        assert_eq!(texts(&d), ["a,b", "c", "last"]);
        let d = Doc::paragraphs("Maija\nKatu 1\n\n \nNext\n".into());
        assert_eq!(texts(&d), ["Maija\nKatu 1\n", "Next\n"]);
        let mut d = Doc::built();
        d.push(["a", "b"], Vec::new());
        let mark = d.mark();
        d.push(["gone"], Vec::new());
        d.truncate(mark);
        d.push(["c"], Vec::new());
        assert_eq!(texts(&d), ["a | b", "c"]);
        assert!(d.columns.is_empty());
        // A cell's cue covers that cell's bytes only; a truncated record takes its cues along.
        let mark = d.mark();
        d.push_cued(
            ["x", "1234567"],
            &[None, Some(Cue::CustomerNumber)],
            Vec::new(),
        );
        assert_eq!(d.cues.len(), 1);
        assert_eq!(&d.text[d.cues[0].0.clone()], "1234567");
        d.truncate(mark);
        assert!(d.cues.is_empty());
    }
}
