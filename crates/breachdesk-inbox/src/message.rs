//! One message as read from a mailbox: what intake needs of it, read with `mailparse` (MIME,
//! RFC 2047 headers, charsets such as ISO-8859-1 and Windows-1252).
//!
//! Reading never fails: a message the parser cannot take is `malformed`, keeps its raw bytes and
//! is stored as it came, so that nothing that reached the mailbox is dropped.

use breachdesk_core::report::Language;
use mailparse::{DispositionType, MailAddr, MailHeaderMap, ParsedMail};
use sha2::{Digest, Sha256};

/// The most Message-IDs of a message's thread that are looked up.
const MAX_THREAD: usize = 20;

/// The most parts of one message that are looked at (a message of thousands of tiny parts is
/// read as far as this and flagged).
const MAX_PARTS: usize = 500;

/// A sender or recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub name: Option<String>,
    pub addr: String,
}

/// A message sent by a program rather than a person (RFC 3834): never acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Automatic {
    /// An out-of-office or other automatic reply (`Auto-Submitted`, `X-Autoreply`, …).
    AutoReply,
    /// A delivery status notification or other mail from a mailer daemon.
    Bounce,
    /// Mail from a mailing list or bulk mail (`List-Id`, `Precedence: bulk`).
    List,
}

impl Automatic {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AutoReply => "auto_reply",
            Self::Bounce => "bounce",
            Self::List => "list",
        }
    }
}

/// A file attached to the message.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What intake reads of a message.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// The Message-ID without its angle brackets.
    pub message_id: Option<String>,
    /// The message's identity for recognising it again: the SHA-256 (hex) of its Message-ID, or
    /// of the whole raw message when it has none.
    pub key: String,
    pub from: Option<Address>,
    pub reply_to: Option<Address>,
    /// Every address in To and Cc.
    pub to: Vec<String>,
    pub subject: String,
    pub date: Option<jiff::Timestamp>,
    /// The text of the message (its plain-text part, else its HTML part as text).
    pub text: String,
    pub attachments: Vec<Part>,
    /// The Message-IDs this message answers: In-Reply-To, References and, for a bounce, those of
    /// the returned message.
    pub thread: Vec<String>,
    pub automatic: Option<Automatic>,
    /// The language the message declares (`Content-Language`) or is written in.
    pub language: Language,
    /// The parser could not read the message, or it has no sender address: stored raw, flagged.
    pub malformed: bool,
    pub raw: Vec<u8>,
}

/// The identity of a Message-ID, as stored: its SHA-256 in hex.
#[must_use]
pub fn message_key(message_id: &str) -> String {
    hex(&Sha256::digest(message_id.trim().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            use std::fmt::Write;
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The Message-IDs in a header value such as References: `<a@b> <c@d>`.
#[must_use]
pub fn message_ids(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else { break };
        let id = after[..end].trim();
        if !id.is_empty() && id.len() <= 998 && !out.iter().any(|x| x == id) {
            out.push(id.to_owned());
        }
        rest = &after[end + 1..];
    }
    out
}

impl Inbound {
    /// Reads a raw message (RFC 5322 bytes, as fetched).
    #[must_use]
    pub fn read(raw: Vec<u8>) -> Self {
        match mailparse::parse_mail(&raw) {
            Ok(parsed) => {
                let mut msg = from_parsed(&parsed);
                msg.raw = raw;
                if msg.malformed && msg.message_id.is_none() {
                    msg.key = format!("raw-{}", hex(&Sha256::digest(&msg.raw)));
                }
                msg
            }
            Err(_) => Self::unreadable(raw),
        }
    }

    fn unreadable(raw: Vec<u8>) -> Self {
        Self {
            message_id: None,
            key: format!("raw-{}", hex(&Sha256::digest(&raw))),
            from: None,
            reply_to: None,
            to: Vec::new(),
            subject: String::new(),
            date: None,
            text: String::new(),
            attachments: Vec::new(),
            thread: Vec::new(),
            automatic: None,
            language: Language::Fi,
            malformed: true,
            raw,
        }
    }

    /// Where an acknowledgement would go: Reply-To, else From; `None` for automatic mail, which
    /// is never answered (RFC 3834), and for a message without a usable address.
    #[must_use]
    pub fn reply_address(&self) -> Option<&str> {
        if self.automatic.is_some() || self.malformed {
            return None;
        }
        self.reply_to
            .as_ref()
            .or(self.from.as_ref())
            .map(|a| a.addr.as_str())
            .filter(|a| a.contains('@') && !a.contains(char::is_whitespace))
    }
}

fn single(list: Option<mailparse::MailAddrList>) -> Option<Address> {
    list?.into_inner().into_iter().find_map(|a| match a {
        MailAddr::Single(s) => Some(Address {
            name: s.display_name.filter(|n| !n.trim().is_empty()),
            addr: s.addr,
        }),
        MailAddr::Group(g) => g.addrs.into_iter().next().map(|s| Address {
            name: s.display_name,
            addr: s.addr,
        }),
    })
}

fn addresses(parsed: &ParsedMail<'_>, name: &str) -> Option<mailparse::MailAddrList> {
    let header = parsed
        .headers
        .iter()
        .find(|h| h.get_key_ref().eq_ignore_ascii_case(name))?;
    mailparse::addrparse_header(header).ok()
}

fn from_parsed(parsed: &ParsedMail<'_>) -> Inbound {
    let h = &parsed.headers;
    // A message redirected to the reporting address (`Resent-*`) is its own delivery: several
    // people redirecting one misdirected mail are several reports.
    let message_id = h
        .get_first_value("Resent-Message-ID")
        .or_else(|| h.get_first_value("Message-ID"))
        .and_then(|v| message_ids(&v).into_iter().next());
    let from = single(addresses(parsed, "From"));
    let reply_to = single(addresses(parsed, "Reply-To"));
    let mut to = Vec::new();
    for field in ["To", "Cc"] {
        if let Some(list) = addresses(parsed, field) {
            for a in list.into_inner() {
                match a {
                    MailAddr::Single(s) => to.push(s.addr),
                    MailAddr::Group(g) => to.extend(g.addrs.into_iter().map(|s| s.addr)),
                }
            }
        }
    }
    let subject = h.get_first_value("Subject").unwrap_or_default();
    let date = h
        .get_first_value("Date")
        .and_then(|d| mailparse::dateparse(&d).ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok());
    let mut thread = Vec::new();
    for field in ["In-Reply-To", "References"] {
        for v in h.get_all_values(field) {
            for id in message_ids(&v) {
                if !thread.contains(&id) && thread.len() < MAX_THREAD {
                    thread.push(id);
                }
            }
        }
    }
    let is_report = parsed
        .ctype
        .mimetype
        .eq_ignore_ascii_case("multipart/report");
    let automatic = automatic(parsed, from.as_ref());
    let mut text: Option<String> = None;
    let mut html = None;
    let mut attachments = Vec::new();
    let mut malformed = false;
    for (n, part) in parsed.parts().enumerate() {
        if n >= MAX_PARTS {
            malformed = true;
            break;
        }
        if !part.subparts.is_empty() {
            continue;
        }
        let mime = part.ctype.mimetype.to_ascii_lowercase();
        let disposition = part.get_content_disposition();
        let file_name = disposition
            .params
            .get("filename")
            .or_else(|| part.ctype.params.get("name"))
            .cloned();
        if mime == "message/rfc822"
            || mime == "text/rfc822-headers"
            || mime == "message/delivery-status"
        {
            // What a bounce returns: the original's Message-ID threads the bounce (a message
            // merely forwarded as an attachment threads nothing: it may be a new report).
            if is_report && let Ok(body) = part.get_body_raw() {
                for id in returned_ids(&body) {
                    if !thread.contains(&id) && thread.len() < MAX_THREAD {
                        thread.push(id);
                    }
                }
            }
            if mime != "message/rfc822" {
                // A delivery report's machine parts: read for the thread, not kept as files.
                continue;
            }
        }
        let is_attachment = disposition.disposition == DispositionType::Attachment
            || file_name.is_some()
            || !(mime.starts_with("text/") || mime.starts_with("multipart/"));
        if is_attachment {
            match part.get_body_raw() {
                Ok(bytes) => attachments.push(Part {
                    name: file_name.unwrap_or_else(|| {
                        if mime == "message/rfc822" {
                            "message.eml".to_owned()
                        } else {
                            "attachment".to_owned()
                        }
                    }),
                    bytes,
                }),
                Err(_) => malformed = true,
            }
            continue;
        }
        match part.get_body() {
            Ok(body) if mime == "text/html" => {
                if html.is_none() {
                    html = Some(html_to_text(&body));
                }
            }
            Ok(body) if mime == "text/plain" || mime.is_empty() => {
                // Every inline text part, in order (a client may split the text around an
                // image); the plain alternative of an HTML part is one of them.
                match &mut text {
                    Some(t) => {
                        t.push_str("\n\n");
                        t.push_str(&body);
                    }
                    None => text = Some(body),
                }
            }
            Ok(_) => {}
            Err(_) => malformed = true,
        }
    }
    let text = text.or(html).unwrap_or_default();
    let text = text.replace("\r\n", "\n").trim().to_owned();
    let language = h
        .get_first_value("Content-Language")
        .and_then(|v| Language::parse(v.trim().get(..2)?.to_ascii_lowercase().as_str()))
        .unwrap_or_else(|| guess_language(&format!("{subject}\n{text}")));
    if from.is_none() {
        malformed = true;
    }
    let key = message_id.as_deref().map_or_else(
        || {
            // Without a Message-ID: what the sender wrote, not the trace headers each delivery
            // adds, so a copy to the other address is recognised too.
            let from = from.as_ref().map_or("", |a| a.addr.as_str());
            let date = h.get_first_value("Date").unwrap_or_default();
            format!(
                "content-{}",
                hex(&Sha256::digest(
                    format!("{from}\n{date}\n{subject}\n{text}").as_bytes()
                ))
            )
        },
        message_key,
    );
    Inbound {
        key,
        message_id,
        from,
        reply_to,
        to,
        subject: subject.trim().to_owned(),
        date,
        text,
        attachments,
        thread,
        automatic,
        language,
        malformed,
        raw: Vec::new(),
    }
}

/// The Message-ID and In-Reply-To of a message or headers returned in a bounce.
fn returned_ids(body: &[u8]) -> Vec<String> {
    let Ok((headers, _)) = mailparse::parse_headers(body) else {
        return Vec::new();
    };
    ["Message-ID", "Original-Message-ID"]
        .iter()
        .filter_map(|k| headers.get_first_value(k))
        .flat_map(|v| message_ids(&v))
        .collect()
}

fn automatic(parsed: &ParsedMail<'_>, from: Option<&Address>) -> Option<Automatic> {
    let h = &parsed.headers;
    let value = |k: &str| h.get_first_value(k).map(|v| v.trim().to_ascii_lowercase());
    let mime = parsed.ctype.mimetype.to_ascii_lowercase();
    let from_daemon = from.is_some_and(|a| {
        let local = a.addr.split('@').next().unwrap_or("").to_ascii_lowercase();
        local == "mailer-daemon" || local == "postmaster"
    });
    if mime == "multipart/report" || from_daemon || value("Return-Path").as_deref() == Some("<>") {
        return Some(Automatic::Bounce);
    }
    if value("Auto-Submitted").is_some_and(|v| !v.starts_with("no"))
        || h.get_first_value("X-Autoreply").is_some()
        || h.get_first_value("X-Autorespond").is_some()
        || value("Precedence").as_deref() == Some("auto_reply")
    {
        return Some(Automatic::AutoReply);
    }
    if h.get_first_value("List-Id").is_some()
        || h.get_first_value("List-Unsubscribe").is_some()
        || matches!(
            value("Precedence").as_deref(),
            Some("bulk" | "list" | "junk")
        )
    {
        return Some(Automatic::List);
    }
    None
}

/// The text of an HTML body: tags dropped, scripts and styles with them, block ends as lines.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        if html.as_bytes()[i] == b'<' {
            let rest = &lower[i..];
            let skip_to = if rest.starts_with("<script") {
                rest.find("</script>").map(|e| e + "</script>".len())
            } else if rest.starts_with("<style") {
                rest.find("</style>").map(|e| e + "</style>".len())
            } else {
                rest.find('>').map(|e| e + 1)
            };
            let Some(len) = skip_to else { break };
            let tag = &rest[..len];
            if tag.starts_with("<br")
                || tag.starts_with("</p")
                || tag.starts_with("</div")
                || tag.starts_with("</tr")
                || tag.starts_with("</li")
            {
                out.push('\n');
            } else if tag.starts_with("</td") {
                out.push(' ');
            }
            i += len;
        } else {
            let next = html[i..].find('<').map_or(html.len(), |n| i + n);
            out.push_str(&html[i..next]);
            i = next;
        }
    }
    entities(&out)
}

/// Character references: numeric ones, and the named ones Nordic text uses.
fn entities(s: &str) -> String {
    const NAMED: &[(&str, char)] = &[
        ("nbsp", ' '),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("amp", '&'),
        ("auml", 'ä'),
        ("ouml", 'ö'),
        ("aring", 'å'),
        ("Auml", 'Ä'),
        ("Ouml", 'Ö'),
        ("Aring", 'Å'),
        ("uuml", 'ü'),
        ("Uuml", 'Ü'),
        ("eacute", 'é'),
        ("euro", '€'),
        ("ndash", '–'),
        ("mdash", '—'),
        ("hellip", '…'),
        ("rsquo", '’'),
        ("lsquo", '‘'),
        ("rdquo", '”'),
        ("ldquo", '“'),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let decoded = after.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &after[..end];
            let c = if let Some(num) = name.strip_prefix('#') {
                let n = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                };
                n.and_then(char::from_u32)
            } else {
                NAMED.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
            };
            c.map(|c| (c, end))
        });
        if let Some((c, end)) = decoded {
            out.push(c);
            rest = &after[end + 1..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The language a text is most likely written in, by its most common short words; Finnish
/// when nothing decides (the guidance's first language).
#[must_use]
pub fn guess_language(text: &str) -> Language {
    const FI: &[&str] = &[
        "ja",
        "on",
        "ei",
        "että",
        "oli",
        "se",
        "kun",
        "tai",
        "olen",
        "ovat",
        "mutta",
        "myös",
        "tämä",
        "hei",
        "terveisin",
        "ystävällisin",
        "tietoja",
        "tiedot",
        "sähköposti",
    ];
    const SV: &[&str] = &[
        "och",
        "att",
        "är",
        "det",
        "som",
        "inte",
        "för",
        "med",
        "har",
        "jag",
        "en",
        "ett",
        "vi",
        "hej",
        "hälsningar",
        "till",
        "av",
        "på",
        "uppgifter",
    ];
    const EN: &[&str] = &[
        "the", "and", "is", "to", "of", "that", "was", "have", "we", "our", "this", "with",
        "hello", "regards", "please", "were", "been", "data",
    ];
    let (mut fi, mut sv, mut en) = (0usize, 0usize, 0usize);
    for word in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(2000)
    {
        let w = word.to_lowercase();
        fi += usize::from(FI.contains(&w.as_str()));
        sv += usize::from(SV.contains(&w.as_str()));
        en += usize::from(EN.contains(&w.as_str()));
    }
    if sv > fi && sv >= en {
        Language::Sv
    } else if en > fi && en > sv {
        Language::En
    } else {
        Language::Fi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_a_references_header() {
        assert_eq!(
            message_ids(" <a@x.fi>\r\n <b@y.fi> junk <a@x.fi>"),
            vec!["a@x.fi".to_owned(), "b@y.fi".to_owned()]
        );
        assert!(message_ids("no brackets").is_empty());
    }

    #[test]
    fn the_language_follows_the_common_words() {
        assert_eq!(
            guess_language("Hei, lähetin vahingossa tiedot väärälle henkilölle ja se oli virhe"),
            Language::Fi
        );
        assert_eq!(
            guess_language("Hej, jag har skickat uppgifter till fel person och det är fel"),
            Language::Sv
        );
        assert_eq!(
            guess_language("Hello, we sent the data to the wrong person and this was a mistake"),
            Language::En
        );
    }

    #[test]
    fn html_bodies_are_read_as_text() {
        let t = html_to_text("<p>Hei &amp; moi</p><script>x()</script><br>rivi");
        assert_eq!(t, "Hei & moi\n\nrivi");
        assert_eq!(
            entities("V&auml;&#228;r&#xE4; &amp;c &unknown; & 5 &lt 6"),
            "Vää: &c &unknown; & 5 &lt 6".replace(':', "rä")
        );
    }

    #[test]
    fn a_message_without_a_message_id_is_recognised_by_what_the_sender_wrote() {
        let a = Inbound::read(
            b"Received: by mx1\r\nFrom: a@x.fi\r\nSubject: s\r\nDate: Fri, 04 Dec 2026 09:00:00 +0000\r\n\r\nbody\r\n"
                .to_vec(),
        );
        let b = Inbound::read(
            b"Received: by mx2\r\nX-Other: 1\r\nFrom: a@x.fi\r\nSubject: s\r\nDate: Fri, 04 Dec 2026 09:00:00 +0000\r\n\r\nbody\r\n"
                .to_vec(),
        );
        assert_eq!(a.key, b.key);
        assert!(a.key.starts_with("content-"));
        let resent = Inbound::read(
            b"From: a@x.fi\r\nMessage-ID: <orig@x.fi>\r\nResent-Message-ID: <r1@y.fi>\r\n\r\nbody\r\n"
                .to_vec(),
        );
        assert_eq!(resent.key, message_key("r1@y.fi"));
    }

    #[test]
    fn a_forwarded_message_threads_nothing_but_a_bounce_does() {
        let forward = b"From: a@x.fi\r\nMessage-ID: <f@x.fi>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee below\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@z.fi\r\nMessage-ID: <old@z.fi>\r\n\r\nold\r\n--b--\r\n";
        let m = Inbound::read(forward.to_vec());
        assert!(m.thread.is_empty(), "{:?}", m.thread);
        assert_eq!(m.attachments.len(), 1);
        let bounce =
            String::from_utf8_lossy(forward).replace("multipart/mixed", "multipart/report");
        let m = Inbound::read(bounce.into_bytes());
        assert_eq!(m.thread, vec!["old@z.fi".to_owned()]);
    }

    #[test]
    fn every_inline_text_part_is_kept() {
        let m = Inbound::read(b"From: a@x.fi\r\nMessage-ID: <t@x.fi>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--b\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\n\r\nxx\r\n--b\r\nContent-Type: text/plain\r\n\r\nsecond\r\n--b--\r\n".to_vec());
        assert!(
            m.text.contains("first") && m.text.contains("second"),
            "{}",
            m.text
        );
    }
}
