//! The mbox mail-file format (the `mboxo`/`mboxrd` family that mail clients export): a file of
//! messages, each starting with a `From ` envelope line. The leak scanner reads leaked mailboxes
//! with it, and the letters' bounce handling reads returned mail exported from a mailbox; both
//! take a file that is either one message (`.eml`) or an mbox.
//!
//! ```
//! let file = b"From a@x Mon Jan 1 00:00:00 2026\nSubject: one\n\nbody\n\nFrom b@x Mon Jan 1 00:00:00 2026\nSubject: two\n\n";
//! let messages = breachdesk_mbox::messages(file);
//! assert_eq!(messages.len(), 2);
//! assert!(messages[1].starts_with(b"Subject: two"));
//! ```

/// The messages of a mail file, without their envelope lines: the file itself when it is one
/// message (it does not start with `From `, and no line does).
#[must_use]
pub fn messages(bytes: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    if bytes.starts_with(b"From ") {
        starts.push(0);
    }
    let mut i = 0;
    while let Some(pos) = bytes[i..].windows(6).position(|w| w == b"\nFrom ") {
        starts.push(i + pos + 1);
        i += pos + 1;
    }
    if starts.is_empty() {
        return vec![bytes];
    }
    starts
        .iter()
        .enumerate()
        .map(|(n, &s)| {
            let end = starts.get(n + 1).copied().unwrap_or(bytes.len());
            // Skip the "From " envelope line itself.
            let body = &bytes[s..end];
            let first_line = body
                .iter()
                .position(|b| *b == b'\n')
                .map_or(body.len(), |p| p + 1);
            &body[first_line..]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::messages;

    #[test]
    fn one_message_is_itself() {
        let eml = b"From: a@example.fi\nSubject: hi\n\nbody\n";
        assert_eq!(messages(eml), vec![&eml[..]]);
    }

    #[test]
    fn an_mbox_splits_at_envelope_lines_only() {
        let mbox = b"From a@x Mon Jan 1 00:00:00 2026\nFrom: a@example.fi\n\none\n\nFrom b@x Mon Jan 1 00:00:00 2026\nFrom: b@example.fi\n\ntwo\n";
        let parts = messages(mbox);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].starts_with(b"From: a@example.fi"));
        assert!(parts[1].starts_with(b"From: b@example.fi"));
        assert!(parts[1].ends_with(b"two\n"));
    }

    #[test]
    fn an_envelope_line_without_a_message_gives_an_empty_one() {
        assert_eq!(
            messages(b"From a@x Mon Jan 1 00:00:00 2026"),
            vec![&b""[..]]
        );
    }
}
