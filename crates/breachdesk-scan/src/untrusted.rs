//! Strings taken from the scanned material (file and member names, parsers' messages about
//! them) that the CLI prints to a terminal: shown with control characters, ESC, C1 controls,
//! and invisible or direction-changing formatting characters as escapes, so that a file name
//! cannot move the cursor, retitle the window, clear the screen or reverse the text around
//! it. Serialised as they are (JSON escapes them its own way).

use std::fmt;

use serde::Serialize;

/// A string from the scanned material: `Display` escapes it, `Serialize` gives it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Untrusted(pub String);

impl Untrusted {
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for Untrusted {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Untrusted {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl std::ops::Deref for Untrusted {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Untrusted {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Untrusted {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape(&self.0, f)
    }
}

/// Whether a character must not reach a terminal as it is: C0 and C1 controls, DEL, and the
/// invisible formatting characters that reorder or hide text (bidi embeddings, overrides and
/// isolates, marks, zero-width characters, the BOM).
#[must_use]
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// Writes `s` with backslashes doubled, C0 controls and DEL as `\xNN`, and the other
/// characters of [`needs_escape`] as `\u{N}`.
pub fn escape(s: &str, out: &mut impl fmt::Write) -> fmt::Result {
    for c in s.chars() {
        if c == '\\' {
            out.write_str("\\\\")?;
        } else if needs_escape(c) {
            if u32::from(c) < 0x80 {
                write!(out, "\\x{:02x}", u32::from(c))?;
            } else {
                write!(out, "\\u{{{:x}}}", u32::from(c))?;
            }
        } else {
            out.write_char(c)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_escapes_and_bidi_overrides_are_shown_as_escapes() {
        let shown = Untrusted::from("a\u{1b}[2J\tb\u{9b}31m\u{202e}c\\d\u{7f}ä日").to_string();
        assert_eq!(shown, r"a\x1b[2J\x09b\u{9b}31m\u{202e}c\\d\x7fä日");
        assert!(!shown.chars().any(needs_escape));
        assert_eq!(
            serde_json::to_string(&Untrusted::from("a\u{1b}b")).unwrap(),
            r#""a\u001bb""#
        );
    }
}
