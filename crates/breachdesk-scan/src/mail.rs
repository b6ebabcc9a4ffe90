//! E-mail: single messages (`.eml`) and mailboxes (mbox). MIME parts, quoted-printable and base64,
//! RFC 2047 headers and charsets are decoded by `mailparse`. A message is one record (its sender,
//! subject and text: what one person wrote about one matter); each recipient is a record of its
//! own, since the people a mail went to are not its author. Attachments are scanned as files of
//! their own, named `mail.eml!attachment`.

use mailparse::{MailHeaderMap, ParsedMail};

/// What a message yields: text records, and attachments as (name, bytes).
#[derive(Debug, Default)]
pub struct Message {
    pub records: Vec<String>,
    pub attachments: Vec<(String, Vec<u8>)>,
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn walk(part: &ParsedMail<'_>, text: &mut String, attachments: &mut Vec<(String, Vec<u8>)>) {
    if !part.subparts.is_empty() {
        for p in &part.subparts {
            walk(p, text, attachments);
        }
        return;
    }
    let disposition = part.get_content_disposition();
    let file_name = disposition
        .params
        .get("filename")
        .or_else(|| part.ctype.params.get("name"))
        .cloned();
    let mime = part.ctype.mimetype.to_ascii_lowercase();
    if let Some(name) = file_name {
        if let Ok(body) = part.get_body_raw() {
            attachments.push((name, body));
        }
    } else if mime.starts_with("text/")
        && let Ok(body) = part.get_body()
    {
        if mime == "text/html" {
            text.push_str(&strip_tags(&body));
        } else {
            text.push_str(&body);
        }
        text.push('\n');
    }
}

/// Parses one message; `None` if it is not a message at all.
#[must_use]
pub fn parse(bytes: &[u8]) -> Option<Message> {
    let mail = mailparse::parse_mail(bytes).ok()?;
    let headers = mail.get_headers();
    headers.get_first_value("From")?;
    // The display name of an address is a person's name: written as a labelled line so that the
    // name rule reads it ("Name: Päivi Pyörälä").
    let people = |header: &str| -> Vec<String> {
        headers
            .get_all_headers(header)
            .iter()
            .filter_map(|h| mailparse::addrparse_header(h).ok())
            .flat_map(|list| {
                list.iter()
                    .flat_map(|a| match a {
                        mailparse::MailAddr::Single(s) => vec![s.clone()],
                        mailparse::MailAddr::Group(g) => g.addrs.clone(),
                    })
                    .collect::<Vec<_>>()
            })
            .map(|s| match s.display_name {
                Some(name) if !name.trim().is_empty() => {
                    format!("Name: {}\n{}", name.trim(), s.addr)
                }
                _ => s.addr,
            })
            .collect()
    };
    let mut own = String::new();
    for line in people("From").into_iter().chain(people("Reply-To")) {
        own.push_str(&line);
        own.push('\n');
    }
    for v in headers.get_all_values("Subject") {
        own.push_str(&v);
        own.push('\n');
    }
    let mut attachments = Vec::new();
    walk(&mail, &mut own, &mut attachments);
    let mut records = vec![own];
    for h in ["To", "Cc", "Bcc"] {
        records.extend(people(h));
    }
    Some(Message {
        records,
        attachments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_headers_parts_and_attachments_are_decoded() {
        let eml = b"From: =?ISO-8859-1?Q?P=E4ivi_Py=F6r=E4l=E4?= <paivi.p@example.fi>\r\n\
To: asiakaspalvelu@shop.example, erik.s@example.se\r\n\
Subject: =?UTF-8?B?VGlsYXVz?=\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=XX\r\n\
\r\n\
--XX\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Hetuni on 131052-308T, puhelin 040 123 4567. P=E4ivi\r\n\
--XX\r\n\
Content-Type: text/csv; name=list.csv\r\n\
Content-Disposition: attachment; filename=list.csv\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
ZW1haWwKYW5uYUBleGFtcGxlLmZpCg==\r\n\
--XX--\r\n";
        let m = parse(eml).unwrap();
        assert!(
            m.records[0].contains("Name: Päivi Pyörälä"),
            "{:?}",
            m.records[0]
        );
        assert!(m.records[0].contains("131052-308T"));
        assert!(m.records[0].contains("Tilaus"));
        assert_eq!(
            m.records[1..],
            ["asiakaspalvelu@shop.example", "erik.s@example.se"]
        );
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].0, "list.csv");
        assert_eq!(m.attachments[0].1, b"email\nanna@example.fi\n");
    }

    #[test]
    fn an_mbox_splits_into_messages() {
        let mbox = b"From a@x Mon Jan 1 00:00:00 2026\nFrom: a@example.fi\n\none\n\nFrom b@x Mon Jan 1 00:00:00 2026\nFrom: b@example.fi\n\ntwo\n";
        let parts = breachdesk_mbox::messages(mbox);
        assert_eq!(parts.len(), 2);
        assert!(parse(parts[1]).unwrap().records[0].contains("b@example.fi"));
    }
}
