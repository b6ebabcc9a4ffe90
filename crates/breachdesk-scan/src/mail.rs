//! E-mail: single messages (`.eml`) and mailboxes (mbox). MIME parts, quoted-printable and base64,
//! RFC 2047 headers and charsets are decoded by `mailparse`. A message is one record (its sender,
//! subject and text: what one person wrote about one matter); the text it quotes (`> …` lines) is
//! a record of its own, since a reply quotes another person's message; each recipient is a
//! record of its own, since the people a mail went to are not its author. A display name that
//! reads as a person's (see [`crate::names::person_like`]) is that record's name, as written.
//! Attachments are scanned as files of their own, named `mail.eml!attachment`.

use mailparse::{MailHeaderMap, ParsedMail};

use crate::detect::{Category, Hit};

/// What a message yields: text records with the names its headers give them, and attachments
/// as (name, bytes).
#[derive(Debug, Default)]
pub struct Message {
    pub records: Vec<(String, Vec<Hit>)>,
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
    // The addresses of a header, each with its display name when that reads as a person's.
    let people = |header: &str| -> Vec<(String, Option<String>)> {
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
            .map(|s| {
                let local = s.addr.split('@').next().unwrap_or_default().to_owned();
                let name = s
                    .display_name
                    .map(|n| n.trim().trim_matches(['"', '\'']).trim().to_owned())
                    .filter(|n| crate::names::person_like(n, &local));
                (s.addr, name)
            })
            .collect()
    };
    let name_hit = |name: Option<String>| -> Vec<Hit> {
        name.map(|n| Hit::new(Category::PersonName, crate::names::normal(&n)))
            .into_iter()
            .collect()
    };
    let mut own = String::new();
    let mut own_names = Vec::new();
    for (addr, name) in people("From").into_iter().chain(people("Reply-To")) {
        own.push_str(&addr);
        own.push('\n');
        own_names.extend(name_hit(name));
    }
    for v in headers.get_all_values("Subject") {
        own.push_str(&v);
        own.push('\n');
    }
    let mut body = String::new();
    let mut attachments = Vec::new();
    walk(&mail, &mut body, &mut attachments);
    let mut recipients: Vec<(String, Vec<Hit>)> = ["To", "Cc", "Bcc"]
        .into_iter()
        .flat_map(|h| {
            people(h)
                .into_iter()
                .map(|(addr, name)| (addr, name_hit(name)))
        })
        .collect();
    // What the message quotes is another message: a record of its own. A salutation names
    // whom the message is to, not who wrote it: with one recipient, its line goes to the
    // recipient's record.
    let mut quoted = String::new();
    let mut first = true;
    for line in body.lines() {
        if let Some(q) = line.trim_start().strip_prefix('>') {
            quoted.push_str(q.trim_start_matches(['>', ' ']));
            quoted.push('\n');
            continue;
        }
        let was_first = first;
        first &= line.trim().is_empty();
        if was_first
            && recipients.len() == 1
            && crate::names::SALUTATION
                .find(line)
                .is_some_and(|m| line[..m.start()].trim().is_empty())
        {
            recipients[0].0.push('\n');
            recipients[0].0.push_str(line);
            continue;
        }
        own.push_str(line);
        own.push('\n');
    }
    let mut records = vec![(own, own_names)];
    if !quoted.trim().is_empty() {
        records.push((quoted, Vec::new()));
    }
    records.extend(recipients);
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
        assert_eq!(m.records[0].1[0].value, "päivi pyörälä");
        assert!(m.records[0].0.contains("131052-308T"));
        assert!(m.records[0].0.contains("Tilaus"));
        let rest: Vec<&str> = m.records[1..].iter().map(|r| r.0.as_str()).collect();
        assert_eq!(rest, ["asiakaspalvelu@shop.example", "erik.s@example.se"]);
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].0, "list.csv");
        assert_eq!(m.attachments[0].1, b"email\nanna@example.fi\n");
    }

    #[test]
    fn an_mbox_splits_into_messages() {
        let mbox = b"From a@x Mon Jan 1 00:00:00 2026\nFrom: a@example.fi\n\none\n\nFrom b@x Mon Jan 1 00:00:00 2026\nFrom: b@example.fi\n\ntwo\n";
        let parts = breachdesk_mbox::messages(mbox);
        assert_eq!(parts.len(), 2);
        assert!(
            parse(parts[1]).unwrap().records[0]
                .0
                .contains("b@example.fi")
        );
    }

    #[test]
    fn a_reply_quotes_another_message_and_a_company_is_no_person() {
        let eml = "From: \"Kauppahuone Lumo\" <helpdesk@lumo.example>\n\
To: \"Virtanen, Maija\" <maija.v@example.fi>, \"Asiakaspalvelu\" <ap@lumo.example>\n\
Subject: Re: Tilaus\n\n\
Hei Maija,\nkiitos.\n\n> Puhelinnumeroni on 040 123 4567.\n> t. Maija\n";
        let m = parse(eml.as_bytes()).unwrap();
        assert!(m.records[0].1.is_empty(), "{:?}", m.records[0]);
        assert!(!m.records[0].0.contains("040 123"));
        assert_eq!(
            m.records[1].0,
            "Puhelinnumeroni on 040 123 4567.\nt. Maija\n"
        );
        assert_eq!(m.records[2].1[0].value, "virtanen, maija");
        assert!(m.records[3].1.is_empty());
    }
}
