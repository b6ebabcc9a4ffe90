//! Bounces that arrive after a server accepted a letter: delivery status notifications
//! (RFC 3464, `multipart/report; report-type=delivery-status`) mailed back to the sender by a
//! server further along. Each one names the letter by the `Message-ID` it was sent with —
//! `<outbox row id@domain>` — in its returned headers, and says per recipient whether delivery
//! failed for good or is only delayed. Only the status code is kept, never the diagnostic text
//! (it usually repeats the address).

use mailparse::{MailHeaderMap, ParsedMail};
use uuid::Uuid;

/// What one returned message says about one of our letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// Delivery failed for good (`Action: failed`): the enhanced status code, e.g. `5.1.1`.
    Failed { message: Uuid, status: String },
    /// Delivery is still being tried (`Action: delayed`): nothing to record yet.
    Delayed { message: Uuid, status: String },
    /// Delivered, relayed or expanded: a success notice.
    Delivered { message: Uuid },
    /// A delivery report about a message that is not one of ours (not a `Message-ID` we gave).
    NotOurs,
    /// Not a delivery status notification at all (an auto-reply, a person writing back …).
    NotAReport,
}

/// Reads one returned message.
#[must_use]
pub fn read(raw: &[u8]) -> Report {
    let Ok(mail) = mailparse::parse_mail(raw) else {
        return Report::NotAReport;
    };
    let mut status_part = None;
    let mut original = None;
    collect(&mail, &mut status_part, &mut original);
    let Some(fields) = status_part else {
        return Report::NotAReport;
    };
    let Some(message) = original.as_deref().and_then(outbox_id) else {
        return Report::NotOurs;
    };
    // Per-recipient blocks follow the per-message block; our letters have one recipient, and
    // the worst action among the blocks is the answer.
    let mut worst: Option<(u8, String)> = None;
    for block in blocks(&fields) {
        let Ok((headers, _)) = mailparse::parse_headers(block.as_bytes()) else {
            continue;
        };
        let Some(action) = headers.get_first_value("Action") else {
            continue;
        };
        let status = headers
            .get_first_value("Status")
            .map(|s| s.split_whitespace().next().unwrap_or_default().to_owned())
            .filter(|s| is_status(s))
            .unwrap_or_default();
        let rank = match action.trim().to_ascii_lowercase().as_str() {
            "failed" => 3,
            "delayed" => 2,
            "delivered" | "relayed" | "expanded" => 1,
            _ => continue,
        };
        if worst.as_ref().is_none_or(|(r, _)| rank > *r) {
            worst = Some((rank, status));
        }
    }
    match worst {
        Some((3, status)) => Report::Failed {
            message,
            status: if status.is_empty() {
                "5.0.0".into()
            } else {
                status
            },
        },
        Some((2, status)) => Report::Delayed {
            message,
            status: if status.is_empty() {
                "4.0.0".into()
            } else {
                status
            },
        },
        Some(_) => Report::Delivered { message },
        None => Report::NotAReport,
    }
}

/// Finds the delivery-status fields and the returned message's Message-ID anywhere in the tree.
fn collect(part: &ParsedMail<'_>, status: &mut Option<String>, original: &mut Option<String>) {
    let mimetype = part.ctype.mimetype.to_ascii_lowercase();
    match mimetype.as_str() {
        "message/delivery-status" | "message/global-delivery-status" if status.is_none() => {
            *status = part.get_body().ok();
        }
        "text/rfc822-headers" | "message/rfc822" | "message/global" | "message/global-headers"
            if original.is_none() =>
        {
            *original = part.get_body_raw().ok().and_then(|raw| {
                mailparse::parse_headers(&raw)
                    .ok()
                    .and_then(|(headers, _)| headers.get_first_value("Message-ID"))
            });
        }
        _ => {}
    }
    for sub in &part.subparts {
        collect(sub, status, original);
    }
}

/// The blocks of a delivery-status body (header groups separated by blank lines).
fn blocks(fields: &str) -> Vec<String> {
    let text = fields.replace("\r\n", "\n");
    text.split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| format!("{}\n\n", b.replace('\n', "\r\n")))
        .collect()
}

/// An enhanced status code `class.subject.detail` (RFC 3463), nothing else.
fn is_status(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && matches!(parts[0], "2" | "4" | "5")
        && parts[1..]
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The outbox row a Message-ID names, if it is one we gave.
fn outbox_id(message_id: &str) -> Option<Uuid> {
    let inner = message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    let (local, _) = inner.split_once('@')?;
    Uuid::parse_str(local).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dsn(action: &str, status: &str, original_id: &str, returned: &str) -> Vec<u8> {
        format!(
            "From: MAILER-DAEMON@mx.example.org\r\n\
             To: breachdesk@uni.example\r\n\
             Subject: Undelivered Mail Returned to Sender\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\
             \r\n\
             --B\r\n\
             Content-Type: text/plain\r\n\
             \r\n\
             This is the mail system at host mx.example.org. <person@example.org>: user unknown\r\n\
             --B\r\n\
             Content-Type: message/delivery-status\r\n\
             \r\n\
             Reporting-MTA: dns; mx.example.org\r\n\
             Arrival-Date: Mon, 23 Nov 2026 10:00:00 +0200\r\n\
             \r\n\
             Final-Recipient: rfc822; person@example.org\r\n\
             Action: {action}\r\n\
             Status: {status}\r\n\
             Diagnostic-Code: smtp; 550 5.1.1 <person@example.org>: Recipient address rejected\r\n\
             \r\n\
             --B\r\n\
             Content-Type: {returned}\r\n\
             \r\n\
             From: breachdesk@uni.example\r\n\
             To: person@example.org\r\n\
             Message-ID: {original_id}\r\n\
             Subject: Tietoturvaloukkaus\r\n\
             \r\n\
             --B--\r\n"
        )
        .into_bytes()
    }

    const ID: &str = "019a4b2e-6c1d-7a00-8c00-0123456789ab";

    #[test]
    fn a_failed_delivery_names_our_message_and_its_status_only() {
        let id = Uuid::parse_str(ID).unwrap();
        for returned in ["text/rfc822-headers", "message/rfc822"] {
            assert_eq!(
                read(&dsn(
                    "failed",
                    "5.1.1",
                    &format!("<{ID}@uni.example>"),
                    returned
                )),
                Report::Failed {
                    message: id,
                    status: "5.1.1".into()
                },
                "{returned}"
            );
        }
        assert_eq!(
            read(&dsn(
                "delayed",
                "4.4.7 (queue)",
                &format!("<{ID}@uni.example>"),
                "text/rfc822-headers"
            )),
            Report::Delayed {
                message: id,
                status: "4.4.7".into()
            }
        );
        assert_eq!(
            read(&dsn(
                "delivered",
                "2.0.0",
                &format!("<{ID}@uni.example>"),
                "text/rfc822-headers"
            )),
            Report::Delivered { message: id }
        );
        // A status that is not an enhanced code is not copied.
        assert_eq!(
            read(&dsn(
                "failed",
                "person@example.org",
                &format!("<{ID}@uni.example>"),
                "text/rfc822-headers"
            )),
            Report::Failed {
                message: id,
                status: "5.0.0".into()
            }
        );
    }

    #[test]
    fn other_mail_is_told_apart() {
        assert_eq!(
            read(&dsn(
                "failed",
                "5.1.1",
                "<20261123.abc@elsewhere.example>",
                "text/rfc822-headers"
            )),
            Report::NotOurs
        );
        assert_eq!(
            read(b"From: person@example.org\r\nSubject: Re: Tietoturvaloukkaus\r\n\r\nKiitos tiedosta.\r\n"),
            Report::NotAReport
        );
        assert_eq!(read(b"\xff\xfe not mail"), Report::NotAReport);
    }
}
