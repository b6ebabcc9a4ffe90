//! Attachments of the investigation record: which files are accepted and how they are named.
//!
//! The content decides the type, not the name: the caller detects the type from the first bytes
//! and this module accepts only an allow-list of document and image types. Attachments are
//! sealed like report text and only ever served as downloads.

use crate::errors::FieldError;

/// The accepted content types, by what the bytes are.
pub const ALLOWED: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/zip",
    "text/plain",
];

/// Decides the content type: the detected binary type if it is allowed, plain text if the bytes
/// are UTF-8 without control characters other than tab and line breaks, otherwise refused.
pub fn accept(detected: Option<&str>, bytes: &[u8]) -> Result<&'static str, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::Required);
    }
    if let Some(d) = detected {
        return ALLOWED
            .iter()
            .find(|a| **a == d && **a != "text/plain")
            .copied()
            .ok_or(FieldError::FileTypeNotAllowed);
    }
    match std::str::from_utf8(bytes) {
        Ok(text)
            if !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) =>
        {
            Ok("text/plain")
        }
        _ => Err(FieldError::FileTypeNotAllowed),
    }
}

/// A file name safe to show and to put in a download header: the last path component, without
/// control characters, quotes or path separators, at most 120 characters; `attachment` if
/// nothing is left.
#[must_use]
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';' | '<' | '>'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "attachment".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_decide_and_only_the_allow_list_passes() {
        assert_eq!(
            accept(Some("application/pdf"), b"%PDF-1.7"),
            Ok("application/pdf")
        );
        assert_eq!(
            accept(Some("application/x-executable"), b"\x7fELF"),
            Err(FieldError::FileTypeNotAllowed)
        );
        assert_eq!(
            accept(None, "login failures\n12:00 ä".as_bytes()),
            Ok("text/plain")
        );
        assert_eq!(
            accept(None, b"<html>\x00binary"),
            Err(FieldError::FileTypeNotAllowed)
        );
        assert_eq!(
            accept(None, b"\xff\xfe"),
            Err(FieldError::FileTypeNotAllowed)
        );
        assert_eq!(accept(None, b""), Err(FieldError::Required));
    }

    #[test]
    fn file_names_lose_paths_and_header_breaking_characters() {
        assert_eq!(safe_file_name("C:\\Users\\x\\loki.txt"), "loki.txt");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("a\"b;c\r\n.pdf"), "abc.pdf");
        assert_eq!(safe_file_name(".."), "attachment");
        assert_eq!(safe_file_name("lokitiedosto äö.csv"), "lokitiedosto äö.csv");
    }
}
