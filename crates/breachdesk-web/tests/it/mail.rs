//! Deadline reminders by e-mail through a real SMTP server on localhost (aiosmtpd, from
//! `breachdesk_testkit::smtp`; `scripts/test` installs it), read back from its Maildir.

use std::sync::Arc;

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::ports::{CaseChange, SecretHasher as _};
use breachdesk_core::user::Role;
use breachdesk_notify::{SmtpConfig, SmtpMailer, SmtpSecurity};
use breachdesk_web::{Limits, MailSettings};
use jiff::SignedDuration;

use breachdesk_testkit::smtp::{SmtpOptions, SmtpServer, free_port};

use crate::helpers::{TestApp, spawn_full};

fn mail_settings(port: u16) -> MailSettings {
    let mailer = SmtpMailer::new(&SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: SmtpSecurity::None,
        from: "BreachDesk <breachdesk@uni.example>".into(),
        username: None,
        password: None,
        timeout_secs: Some(10),
    })
    .unwrap();
    let courier = breachdesk_notify::Courier::new(&SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: SmtpSecurity::None,
        from: "BreachDesk <breachdesk@uni.example>".into(),
        username: None,
        password: None,
        timeout_secs: Some(10),
    })
    .unwrap();
    MailSettings {
        mailer: Some(Arc::new(mailer)),
        courier: Some(Arc::new(courier)),
        reminders: breachdesk_core::deadline::ReminderSchedule::default(),
        public_url: "https://breachdesk.uni.example".into(),
        delivery: breachdesk_app::letters::DeliveryOptions::default(),
    }
}

async fn change(app: &TestApp, change: CaseChange) {
    let case = change.case_id;
    app.store
        .change_case(
            &change,
            &AuditEvent {
                actor: None,
                org_id: Some(app.uni.id),
                case_id: Some(case),
                action: "case.test",
                detail: String::new(),
            },
            app.state_now(),
        )
        .await
        .unwrap();
}

/// The body of a message as text: quoted-printable soft breaks joined, `=XX` decoded.
fn body_text(message: &str) -> String {
    let body = message
        .split_once("\n\n")
        .map_or(message, |(_, b)| b)
        .replace("=\r\n", "")
        .replace("=\n", "");
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&body[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn recipients(messages: &[String]) -> Vec<String> {
    let mut to: Vec<String> = messages
        .iter()
        .filter_map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("To: ").map(str::to_owned))
        })
        .collect();
    to.sort();
    to
}

#[tokio::test]
async fn reminders_go_to_the_dpos_and_assigned_handlers_once_at_24_48_and_64_hours() {
    let server = SmtpServer::start();
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(server.port)),
    )
    .await;
    let _dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let assigned = app
        .account(&[(&app.uni, Role::SecurityTeam)], "team@uni.example")
        .await;
    let _other = app
        .account(&[(&app.uni, Role::SecurityTeam)], "other@uni.example")
        .await;
    let _museum = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let case = app.reported_case("uni").await;
    let reference = app.store.case_by_id(case).await.unwrap().unwrap().reference;
    let waiting = app.reported_case("uni").await; // no awareness time: no reminders
    change(
        &app,
        CaseChange {
            case_id: case,
            awareness_at: Some(app.state_now()),
            add_assignee: Some(assigned.id),
            ..CaseChange::default()
        },
    )
    .await;

    app.clock.advance(SignedDuration::from_hours(23));
    assert_eq!(app.state.send_due_reminders().await.unwrap().sent, 0);
    assert!(server.messages().is_empty());

    app.clock.advance(SignedDuration::from_hours(1));
    let round = app.state.send_due_reminders().await.unwrap();
    assert_eq!((round.sent, round.failed), (2, 0));
    let first = server.messages();
    assert_eq!(recipients(&first), ["dpo@uni.example", "team@uni.example"]);
    let m = &first[0];
    assert!(
        m.contains(&format!("Subject: [BreachDesk] {reference}: 24 h")),
        "{m}"
    );
    let body = body_text(m);
    assert!(body.contains("24 tuntia sitten"), "{body}");
    assert!(body.contains("2 d 0 h jäljellä"), "{body}");
    assert!(body.contains(&format!("https://breachdesk.uni.example/desk/cases/{case}")));
    // No content of the report, no reporter's data.
    for secret in ["grade list", "Meikäläinen", "maija", "Sisu"] {
        assert!(!body.contains(secret) && !m.contains(secret), "{secret}");
    }

    // Once only.
    assert_eq!(app.state.send_due_reminders().await.unwrap().sent, 0);
    app.clock.advance(SignedDuration::from_hours(24));
    assert_eq!(app.state.send_due_reminders().await.unwrap().sent, 2);
    app.clock.advance(SignedDuration::from_hours(16));
    assert_eq!(app.state.send_due_reminders().await.unwrap().sent, 2);
    app.clock.advance(SignedDuration::from_hours(100));
    assert_eq!(app.state.send_due_reminders().await.unwrap().sent, 0);
    let all = server.messages();
    assert_eq!(all.len(), 6);
    assert_eq!(
        app.store.reminders_sent(case).await.unwrap().len(),
        3,
        "24, 48 and 64 recorded"
    );
    assert!(app.store.reminders_sent(waiting).await.unwrap().is_empty());

    // A case found late: the points passed meanwhile make one mail, naming the latest.
    let late = app.reported_case("uni").await;
    change(
        &app,
        CaseChange {
            case_id: late,
            awareness_at: Some(app.state_now() - SignedDuration::from_hours(50)),
            ..CaseChange::default()
        },
    )
    .await;
    assert_eq!(app.state.send_due_reminders().await.unwrap().sent, 1);
    let late_ref = app.store.case_by_id(late).await.unwrap().unwrap().reference;
    let late_mail: Vec<_> = server
        .messages()
        .into_iter()
        .filter(|m| m.contains(&late_ref))
        .collect();
    assert_eq!(late_mail.len(), 1);
    assert!(late_mail[0].contains(": 48 h"), "{}", late_mail[0]);
    assert!(body_text(&late_mail[0]).contains("48 tuntia sitten"));
    assert_eq!(app.store.reminders_sent(late).await.unwrap().len(), 2);
    assert_eq!(app.state.send_due_reminders().await.unwrap().sent, 0);
}

#[tokio::test]
async fn a_reminder_that_could_not_be_delivered_stays_due() {
    let dead_port = free_port(); // nothing listens there
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(dead_port)),
    )
    .await;
    let _dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let case = app.reported_case("uni").await;
    change(
        &app,
        CaseChange {
            case_id: case,
            awareness_at: Some(app.state_now()),
            ..CaseChange::default()
        },
    )
    .await;
    app.clock.advance(SignedDuration::from_hours(25));
    let round = app.state.send_due_reminders().await.unwrap();
    assert_eq!((round.sent, round.failed), (0, 1));
    assert!(app.store.reminders_sent(case).await.unwrap().is_empty());
}

fn letter_fields(page: &crate::desk::Page) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = page.body.as_str();
    while let Some(i) = rest.find("<textarea id=\"") {
        rest = &rest[i + 14..];
        let name = &rest[..rest.find('"').unwrap()];
        let start = rest.find('>').unwrap() + 1;
        let end = rest.find("</textarea>").unwrap();
        let value = rest[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&amp;", "&");
        out.push((name.to_owned(), value));
        rest = &rest[end..];
    }
    out
}

#[tokio::test]
async fn letters_are_previewed_approved_by_the_dpo_and_sent_to_each_recipient_in_their_language() {
    let server = SmtpServer::start();
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(server.port)),
    )
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let manager = app
        .account(&[(&app.uni, Role::SecurityManager)], "ciso@uni.example")
        .await;
    let stranger = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let case = app.reported_case("uni").await;
    let path = format!("/desk/cases/{case}/notices/subjects?lang=en");
    let mut b = app.signed_in(&dpo).await;

    // The draft, previewed for a sample person in each language.
    let page = b.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Hyvä vastaanottaja,"), "{}", page.body);
    assert!(page.body.contains("Bästa mottagare,"));
    assert!(page.body.contains("Dear recipient,"));
    let fields = letter_fields(&page);
    assert!(fields.iter().any(|(k, _)| k == "sv_advice.iban"));

    // The live preview shows an edit and saves nothing.
    let mut edited: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            if k == "en_closing" {
                (
                    k.clone(),
                    "With our sincere apologies, the University.".into(),
                )
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    edited.push(("action".into(), "preview".into()));
    let pairs = |v: &[(String, String)]| -> Vec<(String, String)> { v.to_vec() };
    let form: Vec<(&str, &str)> = edited
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let preview = b.submit(&path, &path, &form).await;
    assert_eq!(preview.status, 200);
    assert!(
        preview
            .body
            .contains("With our sincere apologies, the University.")
    );
    assert!(
        preview.body.contains(">No versions yet") || !preview.body.contains("id=\"version-1\"")
    );

    // An unknown placeholder keeps a version from approval.
    let mut bad = pairs(&edited);
    for (k, v) in &mut bad {
        if k == "fi_closing" {
            *v = "Terveisin { $org }".into();
        }
        if k == "action" {
            *v = "save".into();
        }
    }
    let form: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = b.submit(&path, &path, &form).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = b.get(&format!("{path}&version=1")).await;
    assert!(page.body.contains("unknown placeholder"), "{}", page.body);
    assert!(!page.body.contains("/notices/subjects/1/approve"));

    // Version 2 is fine; the manager may not approve it, another organisation sees nothing.
    let mut good = pairs(&edited);
    for (k, v) in &mut good {
        if k == "action" {
            *v = "save".into();
        }
    }
    let form: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(b.submit(&path, &path, &form).await.status, 303);
    let approve = format!("/desk/cases/{case}/notices/subjects/2/approve?lang=en");
    let mut m = app.signed_in(&manager).await;
    assert_eq!(m.submit(&path, &approve, &[]).await.status, 403);
    let mut s = app.signed_in(&stranger).await;
    assert_eq!(s.get(&path).await.status, 404);

    // Recipients: a bad file is refused whole with its lines named.
    let csrf = b.get(&path).await.hidden("csrf_token");
    let upload = format!("/desk/cases/{case}/notices/subjects/recipients?lang=en");
    let refused = b
        .upload(
            &upload,
            &csrf,
            "r.csv",
            b"email,name,language,elements\nnot-an-address,X,fi,email\n".to_vec(),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("line 2: the e-mail address is not valid"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("not-an-address"));
    assert!(refused.body.contains("<dd id=\"by-email\">0</dd>"));
    let csv = "email,name,language,elements,postal_address\n\
               anna@example.se,Anna Andersson,sv,iban;email,\n\
               matti@example.fi,Matti Meikäläinen,fi,national_id,\n\
               ,Ánde Ŋuolja-Đuođđa,en,health,\"1 Main Street\nHelsinki\"\n";
    let csrf = b.get(&path).await.hidden("csrf_token");
    let ok = b
        .upload(&upload, &csrf, "r.csv", csv.as_bytes().to_vec())
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let page = b.get(&path).await;
    assert!(
        page.body.contains("<dd id=\"by-email\">2</dd>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<dd id=\"by-letter\">1</dd>"));
    // The preview is now the first recipient's own letter.
    assert!(page.body.contains("Bästa Anna Andersson,"));

    // A name that would add lines to the letter is refused, value unquoted (issue 17).
    let csrf = b.get(&path).await.hidden("csrf_token");
    let injected = b
        .upload(
            &upload,
            &csrf,
            "r.csv",
            b"email,name,language,elements\nx@example.fi,\"X\r\nBcc: victim@example.org\",fi,email\n"
                .to_vec(),
        )
        .await;
    assert_eq!(injected.status, 422);
    assert!(
        injected.body.contains("line 2: the name has a line break"),
        "{}",
        injected.body
    );
    assert!(!injected.body.contains("victim@example.org"));

    // Recipients and sending are the DPO's: not the security manager's, not a joint
    // controller's handler with whom the case is shared (issue 17).
    let send = format!("/desk/cases/{case}/notices/subjects/send?lang=en");
    let share = format!("/desk/cases/{case}/share?lang=en");
    let case_page = format!("/desk/cases/{case}?lang=en");
    let shared = b
        .submit(&case_page, &share, &[("email", "dpo@museum.example")])
        .await;
    assert_eq!(shared.status, 303, "{}", shared.body);
    for (who, account) in [("manager", &manager), ("shared handler", &stranger)] {
        let mut other = app.signed_in(account).await;
        let page = other.get(&path).await;
        assert_eq!(page.status, 200, "{who}");
        assert!(!page.body.contains("/notices/subjects/send"), "{who}");
        assert!(!page.body.contains("/notices/subjects/recipients"), "{who}");
        let csrf = page.hidden("csrf_token");
        let r = other
            .upload(
                &upload,
                &csrf,
                "r.csv",
                b"email,name,language,elements\nme@example.org,Me,fi,email\n".to_vec(),
            )
            .await;
        assert_eq!(r.status, 403, "{who} uploaded recipients");
        assert_eq!(
            other.submit(&path, &send, &[]).await.status,
            403,
            "{who} sent"
        );
    }
    let page = b.get(&path).await;
    assert!(
        page.body.contains("<dd id=\"by-email\">2</dd>"),
        "nothing changed"
    );
    let ended = b
        .submit(&case_page, &share, &[("end", &stranger.id.to_string())])
        .await;
    assert_eq!(ended.status, 303);

    // Nothing goes before approval.
    assert_eq!(b.submit(&path, &send, &[]).await.status, 409);
    assert!(server.messages().is_empty());
    assert_eq!(b.submit(&path, &approve, &[]).await.status, 303);
    assert_eq!(b.submit(&path, &send, &[]).await.status, 303);

    // Delivered in the background: wait for the outbox, not for a clock.
    let started = std::time::Instant::now();
    loop {
        let page = b.get(&path).await;
        if page.body.contains("<dd id=\"sent\">2</dd>") {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{}",
            page.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let messages = server.messages();
    assert_eq!(
        recipients(&messages),
        vec!["anna@example.se", "matti@example.fi"]
    );
    let anna = messages
        .iter()
        .find(|m| m.contains("To: anna@example.se"))
        .unwrap();
    let text = body_text(anna);
    assert!(text.contains("Bästa Anna Andersson,"), "{text}");
    assert!(text.contains("- ditt bankkontonummer"), "{text}");
    assert!(!text.contains("personbeteckning"), "{text}");
    assert!(
        anna.contains("From: \"University of Example\" <breachdesk@uni.example>"),
        "{anna}"
    );
    let matti = body_text(
        messages
            .iter()
            .find(|m| m.contains("To: matti@example.fi"))
            .unwrap(),
    );
    assert!(matti.contains("- henkilötunnuksesi"), "{matti}");
    assert!(
        !matti.contains("With our sincere apologies"),
        "the English closing is not in Finnish letters"
    );

    // Sending again sends nothing twice.
    assert_eq!(b.submit(&path, &send, &[]).await.status, 303);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(server.messages().len(), 2);

    // Returned mail: a delivery report for Anna's letter marks it failed, with the code only.
    let anna_id = anna
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap()
        .trim()
        .to_owned();
    let dsn = format!(
        "From: MAILER-DAEMON@mx.example.se\r\nTo: breachdesk@uni.example\r\nSubject: Undeliverable\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"x\"\r\n\r\n\
         --x\r\nContent-Type: text/plain\r\n\r\nanna@example.se: mailbox unavailable\r\n\
         --x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.se\r\n\r\n\
         Final-Recipient: rfc822; anna@example.se\r\nAction: failed\r\nStatus: 5.2.1\r\n\r\n\
         --x\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {anna_id}\r\nTo: anna@example.se\r\n\r\n--x--\r\n"
    );
    let bounces = format!("/desk/cases/{case}/notices/subjects/bounces?lang=en");
    let page = b.get(&path).await;
    assert!(page.body.contains(&format!("action=\"{bounces}\"")));
    let csrf = page.hidden("csrf_token");
    let (status, _, _) = s
        .get_bytes(&format!("/desk/cases/{case}/notices/subjects?lang=en"))
        .await;
    assert_eq!(status, 404);
    let stranger_csrf = s.get("/desk?lang=en").await.hidden("csrf_token");
    let refused = s
        .upload(
            &bounces,
            &stranger_csrf,
            "bounce.eml",
            dsn.clone().into_bytes(),
        )
        .await;
    assert_eq!(refused.status, 404, "another organisation's case");
    let read = b
        .upload(&bounces, &csrf, "bounce.eml", dsn.into_bytes())
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert!(
        read.body
            .contains("1 letters marked failed, 0 still being tried, 0 other messages left alone."),
        "{}",
        read.body
    );
    assert!(
        read.body.contains("<dd id=\"failed\">1</dd>"),
        "{}",
        read.body
    );
    assert!(read.body.contains("<td>bounce 5.2.1</td>"), "{}", read.body);
    let empty = b.upload(&bounces, &csrf, "none.eml", Vec::new()).await;
    assert_eq!(empty.status, 422);

    // The printed letter for the person without an e-mail address.
    let (status, ct, pdf) = b
        .get_bytes(&format!("/desk/cases/{case}/notices/subjects/letters.pdf"))
        .await;
    assert_eq!((status, ct.as_str()), (200, "application/pdf"));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let text = doc.extract_text(&[1]).unwrap();
    // A Northern Sámi name prints (an embedded Unicode font, not WinAnsi Helvetica).
    assert!(text.contains("Ánde Ŋuolja-Đuođđa"), "{text}");
    assert!(text.contains("1 Main Street"), "{text}");
    assert!(text.contains("information about your health"), "{text}");
    assert!(text.contains("With our sincere apologies"), "{text}");
    let (status, _, _) = s
        .get_bytes(&format!("/desk/cases/{case}/notices/subjects/letters.pdf"))
        .await;
    assert_eq!(status, 404);

    // The audit trail names counts, never a person.
    let trail = app.store.audit_trail(Some(case)).await.unwrap();
    let details: Vec<String> = trail
        .iter()
        .map(|a| format!("{} {}", a.action, a.detail))
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("notice.subjects.recipients added recipients=3")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("notice.subjects.delivery sent=2 failed=0")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d == "notice.subjects.bounces failed=1 delayed=0 other=0"),
        "{details:?}"
    );
    assert!(
        !details
            .iter()
            .any(|d| d.contains("anna") || d.contains("Anna"))
    );
}

#[tokio::test]
async fn letters_the_server_could_not_take_are_retried_by_the_scheduler_after_the_back_off() {
    let port = free_port();
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(port)),
    )
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let (record, path, mut b) = case_with_approved_letters(
        &app,
        &dpo,
        "email,language,elements\na@example.fi,fi,email\nb@example.fi,en,phone\n",
    )
    .await;

    // The server is down: both messages wait for a retry, nothing is lost or failed.
    assert_eq!(app.state.queue_letters(&record, None).await.unwrap(), 2);
    let report = app
        .state
        .deliver_letters(
            &record,
            None,
            breachdesk_app::letters::DeliveryOptions::default(),
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!((report.sent, report.retry_later, report.failed), (0, 2, 0));
    let page = b.get(&path).await;
    assert!(
        page.body.contains("<dd id=\"queued\">2</dd>"),
        "{}",
        page.body
    );

    // Not due yet: the scheduler's round sends nothing.
    let server = SmtpServer::with(&SmtpOptions {
        port: Some(port),
        pipelining: false,
        ..SmtpOptions::default()
    });
    assert_eq!(app.state.deliver_due_letters().await.unwrap().sent, 0);
    assert!(server.messages().is_empty());
    // After the back-off it sends both, once.
    app.clock.advance(SignedDuration::from_mins(2));
    assert_eq!(app.state.deliver_due_letters().await.unwrap().sent, 2);
    assert_eq!(app.state.deliver_due_letters().await.unwrap().sent, 0);
    assert_eq!(
        recipients(&server.messages()),
        vec!["a@example.fi", "b@example.fi"]
    );
}

/// Issue 17: the organisation may delegate the letters to a communications officer — the one
/// role besides the DPO that imports recipients and sends what the DPO approved. The delegate
/// reads the case but approves nothing and changes nothing else; only a DPO of the
/// organisation makes someone a delegate.
#[tokio::test]
async fn a_delegated_communications_officer_sends_the_approved_letters_and_does_nothing_else() {
    let server = SmtpServer::start();
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(server.port)),
    )
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let comms = app
        .account(&[(&app.uni, Role::Communications)], "viestinta@uni.example")
        .await;
    let (record, path, _dpo_browser) = case_with_approved_letters(
        &app,
        &dpo,
        "email,language,elements\na@example.fi,fi,email\n",
    )
    .await;
    let case = record.id;
    let mut c = app.signed_in(&comms).await;

    // The delegate sees the letters page with its forms, and the case.
    let page = c.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("/notices/subjects/send"),
        "{}",
        page.body
    );
    assert!(page.body.contains("/notices/subjects/recipients"));
    assert_eq!(
        c.get(&format!("/desk/cases/{case}?lang=en")).await.status,
        200
    );

    // Approving, editing the letter, the case's record and its status are not the delegate's.
    let approve = format!("/desk/cases/{case}/notices/subjects/1/approve?lang=en");
    assert_eq!(c.submit(&path, &approve, &[]).await.status, 403);
    let mut fields = letter_fields(&page);
    fields.push(("action".into(), "save".into()));
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(c.submit(&path, &path, &form).await.status, 403);
    let case_page = format!("/desk/cases/{case}?lang=en");
    let timeline = format!("/desk/cases/{case}/timeline?lang=en");
    assert_eq!(
        c.submit(
            &case_page,
            &timeline,
            &[
                ("at", "2026-12-01T10:00"),
                ("zone", "Europe/Helsinki"),
                ("source", "x"),
                ("description", "y")
            ]
        )
        .await
        .status,
        403
    );

    // The recipients and the sending are: a second recipient, then the run.
    let csrf = page.hidden("csrf_token");
    let upload = format!("/desk/cases/{case}/notices/subjects/recipients?lang=en");
    let added = c
        .upload(
            &upload,
            &csrf,
            "more.csv",
            b"email,language,elements\nb@example.fi,en,phone\n".to_vec(),
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let send = format!("/desk/cases/{case}/notices/subjects/send?lang=en");
    assert_eq!(c.submit(&path, &send, &[]).await.status, 303);
    let started = std::time::Instant::now();
    while !c.get(&path).await.body.contains("<dd id=\"sent\">2</dd>") {
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        recipients(&server.messages()),
        vec!["a@example.fi", "b@example.fi"]
    );
    // The delegate's import and run are audited under their name.
    let trail = app.store.audit_trail(Some(case)).await.unwrap();
    for action in ["notice.subjects.recipients", "notice.subjects.queued"] {
        assert!(
            trail
                .iter()
                .any(|e| e.actor == Some(comms.id) && e.action == action),
            "{action}"
        );
    }
}

/// A reported case whose letter the DPO saved and approved, with `csv`'s recipients uploaded:
/// the case, its letters page and the DPO's browser.
async fn case_with_approved_letters<'a>(
    app: &'a TestApp,
    dpo: &crate::desk::Account,
    csv: &str,
) -> (
    breachdesk_core::ports::CaseRecord,
    String,
    crate::desk::Browser<'a>,
) {
    let case = app.reported_case("uni").await;
    let path = format!("/desk/cases/{case}/notices/subjects?lang=en");
    let mut b = app.signed_in(dpo).await;
    let page = b.get(&path).await;
    let mut fields = letter_fields(&page);
    fields.push(("action".into(), "save".into()));
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(b.submit(&path, &path, &form).await.status, 303);
    let approve = format!("/desk/cases/{case}/notices/subjects/1/approve?lang=en");
    assert_eq!(b.submit(&path, &approve, &[]).await.status, 303);
    let csrf = b.get(&path).await.hidden("csrf_token");
    let upload = format!("/desk/cases/{case}/notices/subjects/recipients?lang=en");
    assert_eq!(
        b.upload(&upload, &csrf, "r.csv", csv.as_bytes().to_vec())
            .await
            .status,
        303
    );
    let record = app.store.case_by_id(case).await.unwrap().unwrap();
    (record, path, b)
}

/// One connection, with and without PIPELINING: accepted, refused for good, refused for now,
/// accepted again — each message gets its own answer and the connection stays usable.
#[tokio::test]
async fn one_connection_reports_each_refusal_and_goes_on_with_and_without_pipelining() {
    use breachdesk_notify::{Courier, SendError};
    for pipelining in [true, false] {
        let server = SmtpServer::with(&SmtpOptions {
            port: Some(free_port()),
            pipelining,
            ..SmtpOptions::default()
        });
        let courier = Courier::new(&SmtpConfig {
            host: "127.0.0.1".into(),
            port: Some(server.port),
            security: SmtpSecurity::None,
            from: "BreachDesk <breachdesk@uni.example>".into(),
            username: None,
            password: None,
            timeout_secs: Some(10),
        })
        .unwrap();
        let from = courier.from().clone();
        let mut c = courier.connect().await.unwrap();
        assert_eq!(c.pipelining(), pipelining);
        let message = |n: u32| {
            format!(
                "From: breachdesk@uni.example\r\nTo: x@example.org\r\nSubject: {n}\r\nMessage-ID: <{n}@uni.example>\r\n\r\n.leading dot {n}\r\nÄäkköset\r\n"
            )
            .into_bytes()
        };
        let outcomes = [
            c.send(&from, "first@example.org", &message(1)).await,
            c.send(&from, "nobody@refused.invalid", &message(2)).await,
            c.send(&from, "later@busy.invalid", &message(3)).await,
            c.send(&from, "fourth@example.org", &message(4)).await,
        ];
        assert_eq!(
            outcomes,
            [
                Ok(()),
                Err(SendError::Permanent("550".into())),
                Err(SendError::Transient("451".into())),
                Ok(())
            ],
            "pipelining {pipelining}"
        );
        assert!(!c.broken());
        c.quit().await;
        let got = server.messages();
        assert_eq!(got.len(), 2, "pipelining {pipelining}: {got:?}");
        assert!(got[0].contains("Subject: 1") && got[0].contains("\n.leading dot 1"));
        assert!(got[1].contains("Subject: 4") && got[1].contains("Ääkköset"));
        assert!(got[0].contains("X-RcptTo: first@example.org"));
    }
}

/// Issue 17: an administrator added himself as DPO and then read every case, on the desk and
/// with an API token. A case-reading role now waits for a DPO of the organisation (the first
/// DPO for a second administrator), and every request and decision is mailed to the DPOs.
#[tokio::test]
async fn an_administrator_gives_no_one_a_case_reading_role_without_a_dpo() {
    let server = SmtpServer::start();
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(server.port)),
    )
    .await;
    let root = app.account(&[], "root@it.example").await;
    app.store.set_installation_admin(root.id).await.unwrap();
    let admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let token = app.token_for(admin.id).await;
    let case = app.reported_case("uni").await;
    let case_path = format!("/desk/cases/{case}?lang=en");
    let open = |app: &TestApp| {
        let store = app.store.clone();
        let org = app.uni.id;
        async move { store.open_grants(&[org]).await.unwrap() }
    };

    // The administrator asks for the DPO role for himself: a request, not a role.
    let mut a = app.signed_in(&admin).await;
    let p = a
        .submit(
            "/admin?lang=en",
            "/admin/accounts?lang=en",
            &[
                ("org", "uni"),
                ("email", "admin@uni.example"),
                ("role", "dpo"),
            ],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    assert!(p.body.contains("waits for confirmation"), "{}", p.body);
    assert_eq!(a.get(&case_path).await.status, 404);
    assert_eq!(
        app.get_json(&format!("/api/v1/cases/{case}"), &token)
            .await
            .0,
        404
    );
    // The organisation's DPO address hears of it (it has no DPO account yet), and so do its
    // administrators, who decide a first DPO.
    let mails = server.messages();
    assert_eq!(recipients(&mails), ["admin@uni.example", "dpo@uni.example"]);
    assert!(
        mails
            .iter()
            .all(|m| body_text(m).contains("admin@uni.example"))
    );
    // He cannot decide his own request.
    let requests = open(&app).await;
    assert_eq!(requests.len(), 1);
    let roles = a.get("/desk/roles?lang=en").await;
    assert!(
        roles.body.contains("You asked for this role"),
        "{}",
        roles.body
    );
    let decide = format!("/desk/roles/{}?lang=en", requests[0].id);
    assert_eq!(
        a.submit("/desk/roles?lang=en", &decide, &[("decision", "confirm")])
            .await
            .status,
        403
    );
    assert_eq!(a.get(&case_path).await.status, 404);

    // Nor can another administrator of the organisation (who could be an account of his own):
    // the first DPO is the installation's administrator's to confirm.
    let admin2 = app
        .account(&[(&app.uni, Role::Admin)], "admin2@uni.example")
        .await;
    let mut a2 = app.signed_in(&admin2).await;
    let roles = a2.get("/desk/roles?lang=en").await;
    assert!(
        roles
            .body
            .contains("The installation&#39;s administrator confirms"),
        "{}",
        roles.body
    );
    assert_eq!(
        a2.submit("/desk/roles?lang=en", &decide, &[("decision", "confirm")])
            .await
            .status,
        403
    );
    assert_eq!(a.get(&case_path).await.status, 404);

    // The installation's administrator confirms the first DPO.
    let mut r = app.signed_in(&root).await;
    let p = r
        .submit("/desk/roles?lang=en", &decide, &[("decision", "confirm")])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(a.get(&case_path).await.status, 200);
    assert!(open(&app).await.is_empty());

    // With a DPO present, the installation's administrator can only ask, not decide.
    let p = r
        .submit(
            "/admin?lang=en",
            "/admin/accounts?lang=en",
            &[
                ("org", "uni"),
                ("email", "team@uni.example"),
                ("role", "privacy_team"),
            ],
        )
        .await;
    assert_eq!(p.status, 201);
    assert!(p.body.contains("waits for confirmation"));
    // With mail configured, a new account's setup link goes to its owner, not to the page of
    // the administrator who made it.
    assert!(
        !p.body.contains("/setup/"),
        "the link is not shown: {}",
        p.body
    );
    assert!(p.body.contains("went to team@uni.example by e-mail"));
    let setup_mail = server
        .messages()
        .into_iter()
        .find(|m| m.contains("To: team@uni.example"))
        .expect("the setup link mailed to its owner");
    assert!(body_text(&setup_mail).contains("/setup/"));
    let requests = open(&app).await;
    assert_eq!(requests.len(), 1);
    let decide = format!("/desk/roles/{}?lang=en", requests[0].id);
    let roles = r.get("/desk/roles?lang=en").await;
    assert!(roles.body.contains("You asked for this role"));
    assert_eq!(
        r.submit("/desk/roles?lang=en", &decide, &[("decision", "confirm")])
            .await
            .status,
        403
    );
    // The DPO decides.
    assert_eq!(
        a.submit("/desk/roles?lang=en", &decide, &[("decision", "confirm")])
            .await
            .status,
        303
    );
    let team = app
        .store
        .user_id_by_email("team@uni.example")
        .await
        .unwrap()
        .unwrap();
    let p = app.store.principal_by_user(team).await.unwrap().unwrap();
    assert_eq!(p.memberships.len(), 1);
    assert_eq!(p.memberships[0].role, Role::PrivacyTeam);
    // A DPO giving a role to someone else is the confirmation already.
    let p = a
        .submit(
            "/admin?lang=en",
            "/admin/accounts?lang=en",
            &[
                ("org", "uni"),
                ("email", "sec@uni.example"),
                ("role", "security_team"),
            ],
        )
        .await;
    assert_eq!(p.status, 201);
    assert!(p.body.contains("sec@uni.example added."), "{}", p.body);
    assert!(open(&app).await.is_empty());

    let actions: Vec<String> = app
        .store
        .audit_trail(None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    for (action, n) in [
        ("admin.role_request", 2),
        ("admin.role_confirm", 2),
        ("admin.role_grant", 1),
    ] {
        assert_eq!(
            actions.iter().filter(|a| *a == action).count(),
            n,
            "{action}"
        );
    }
    // Requests and decisions went to the DPOs: the contact address and, once there, the DPO.
    let to = recipients(&server.messages());
    assert!(
        to.iter().filter(|t| *t == "admin@uni.example").count() >= 3,
        "{to:?}"
    );
}

/// Issue 19: two servers on one database (two applications over the same store, their
/// scheduler rounds at the same moment) send each deadline reminder once, not once each.
#[tokio::test]
async fn two_servers_on_one_database_send_each_reminder_once() {
    let server = SmtpServer::start();
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(server.port)),
    )
    .await;
    let _dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let mut cases = Vec::new();
    for _ in 0..4 {
        let case = app.reported_case("uni").await;
        change(
            &app,
            CaseChange {
                case_id: case,
                awareness_at: Some(app.state_now()),
                ..CaseChange::default()
            },
        )
        .await;
        cases.push(case);
    }
    let second = breachdesk_app::App::new(
        app.store.clone(),
        Arc::new(breachdesk_crypto::MasterKeyring::new(
            &breachdesk_crypto::MasterKey::generate(),
        )),
        Arc::new(breachdesk_crypto::Argon2Hasher::new(
            breachdesk_crypto::HashCost::Test,
        )),
        app.clock.clone(),
        mail_settings(server.port),
    )
    .with_texts(Arc::new(breachdesk_web::i18n::I18n::load()));
    for (hours, expected) in [(24, 4), (24, 4), (16, 4)] {
        app.clock.advance(SignedDuration::from_hours(hours));
        let (a, b) = tokio::join!(app.state.send_due_reminders(), second.send_due_reminders());
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(
            a.sent + b.sent,
            expected,
            "one mail per case and point across both servers"
        );
    }
    assert_eq!(server.messages().len(), 12, "4 cases × 3 points, each once");
    for case in cases {
        assert_eq!(app.store.reminders_sent(case).await.unwrap(), [24, 48, 64]);
    }
}

/// Issue 19: a delivery run keeps its lease for as long as it lasts, even while one SMTP reply
/// takes longer than the lease: another server (another application over the same store) does
/// not take the case over mid-run, and every recipient gets one message.
#[tokio::test]
async fn a_live_delivery_run_keeps_its_lease_while_a_slow_server_answers() {
    let server = SmtpServer::start();
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(server.port)),
    )
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let (record, _, _) = case_with_approved_letters(
        &app,
        &dpo,
        "email,language,elements\nslow@slow.invalid,fi,email\nquick@example.fi,en,phone\n",
    )
    .await;
    assert_eq!(app.state.queue_letters(&record, None).await.unwrap(), 2);

    // The second server: the same store, keys and clock.
    let parts = app.state.parts();
    let second = breachdesk_app::App::new(
        app.store.clone(),
        parts.keyring.clone(),
        parts.hasher.clone(),
        app.clock.clone(),
        mail_settings(server.port),
    );
    let one_connection = breachdesk_app::letters::DeliveryOptions {
        connections: 1,
        ..breachdesk_app::letters::DeliveryOptions::default()
    };
    let first = {
        let state = app.state.clone();
        let record = record.clone();
        tokio::spawn(async move {
            state
                .deliver_letters(&record, None, one_connection, &|_| {})
                .await
        })
    };
    // The first run is waiting for the slow server; meanwhile more than a lease's time passes.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    app.clock.advance(SignedDuration::from_secs(20));
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let taken = second
        .deliver_letters(
            &record,
            None,
            breachdesk_app::letters::DeliveryOptions {
                wait_for_lease: false,
                ..breachdesk_app::letters::DeliveryOptions::default()
            },
            &|_| {},
        )
        .await;
    assert!(
        matches!(
            taken,
            Err(breachdesk_app::AppError::Refused(
                breachdesk_app::Refusal::DeliveryBusy
            ))
        ),
        "the live run's lease was renewed: {taken:?}"
    );
    let report = first.await.unwrap().unwrap();
    assert_eq!(report.sent, 2);
    assert_eq!(
        recipients(&server.messages()),
        vec!["quick@example.fi", "slow@slow.invalid"],
        "each recipient once"
    );
}

/// Issue 21: the DPO deletes a recipient list early, with a reason; nobody else may; a hold
/// refuses it.
#[tokio::test]
async fn the_dpo_deletes_a_recipient_list_early_with_a_reason_and_never_under_a_hold() {
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        None,
    )
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let manager = app
        .account(&[(&app.uni, Role::SecurityManager)], "ciso@uni.example")
        .await;
    let (record, path, mut b) = case_with_approved_letters(
        &app,
        &dpo,
        "email,language,elements\na@example.fi,fi,email\nb@example.fi,en,phone\n",
    )
    .await;
    let case = record.id;
    let delete = format!("/desk/cases/{case}/notices/subjects/recipients/delete?lang=en");
    assert!(b.get(&path).await.body.contains("id=\"delete-recipients\""));
    let mut m = app.signed_in(&manager).await;
    let csrf = m.get(&path).await.hidden("csrf_token");
    assert_eq!(
        m.post(&delete, &[("csrf_token", &csrf), ("reason", "done")])
            .await
            .status,
        403
    );
    assert_eq!(
        b.submit(&path, &delete, &[("reason", " ")]).await.status,
        422
    );
    let page = format!("/desk/cases/{case}?lang=en");
    let hold = format!("/desk/cases/{case}/hold");
    assert_eq!(
        b.submit(&page, &hold, &[("reason", "complaint 7")])
            .await
            .status,
        303
    );
    assert_eq!(
        b.submit(&path, &delete, &[("reason", "letters are out")])
            .await
            .status,
        409
    );
    assert_eq!(app.store.recipient_counts(case).await.unwrap().email, 2);
    let lift = format!("/desk/cases/{case}/hold/lift");
    assert_eq!(
        b.submit(&page, &lift, &[("reason", "settled")])
            .await
            .status,
        303
    );
    let r = b
        .submit(&path, &delete, &[("reason", "letters are out")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(app.store.recipient_counts(case).await.unwrap().email, 0);
    assert!(
        app.store
            .audit_trail(Some(case))
            .await
            .unwrap()
            .iter()
            .any(|a| a.action == "notice.subjects.recipients_deleted" && a.actor == Some(dpo.id))
    );
}

/// Issue 22: every new report mails the organisation's DPOs and security managers once — the
/// reference, the kind, the time and a link, nothing of the content; other roles and other
/// organisations get nothing; when no mail can be delivered the alert stays due.
#[tokio::test]
async fn a_new_report_alerts_the_dpo_and_the_security_manager_once_without_its_content() {
    let server = SmtpServer::start();
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(server.port)),
    )
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    app.account(&[(&app.uni, Role::SecurityManager)], "ciso@uni.example")
        .await;
    app.account(&[(&app.uni, Role::SecurityTeam)], "team@uni.example")
        .await;
    app.account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    // Nothing waits before a report comes.
    assert_eq!(app.state.send_report_alerts().await.unwrap().sent, 0);
    let case = app.reported_case("uni").await;
    let reference = app.store.case_by_id(case).await.unwrap().unwrap().reference;

    let round = app.state.send_report_alerts().await.unwrap();
    assert_eq!((round.sent, round.failed), (2, 0));
    let mails = server.messages();
    assert_eq!(recipients(&mails), ["ciso@uni.example", "dpo@uni.example"]);
    for m in &mails {
        let body = body_text(m);
        assert!(body.contains(&reference), "{body}");
        assert!(
            body.contains("loukkausilmoitus"),
            "in the reader's language: {body}"
        );
        assert!(body.contains(&format!("https://breachdesk.uni.example/desk/cases/{case}")));
        for secret in ["grade list", "Meikäläinen", "maija", "Sisu"] {
            assert!(!body.contains(secret) && !m.contains(secret), "{secret}");
        }
    }
    // Once only.
    assert_eq!(app.state.send_report_alerts().await.unwrap().sent, 0);
    assert_eq!(server.messages().len(), 2);
    let trail = app.store.audit_trail(Some(case)).await.unwrap();
    assert!(
        trail
            .iter()
            .any(|a| a.action == "case.alerted" && a.detail.ends_with("to 2"))
    );
    // The history shows it in words.
    let mut b = app.signed_in(&dpo).await;
    let history = b.get(&format!("/desk/cases/{case}/history?lang=en")).await;
    assert!(
        history
            .body
            .contains("alerted the DPO and the security manager to a new report"),
        "{}",
        history.body
    );

    // The mail server is gone: nothing delivered, the alert stays due for the next round.
    drop(server);
    let later = app.reported_case("uni").await;
    let round = app.state.send_report_alerts().await.unwrap();
    assert_eq!((round.sent, round.failed), (0, 2));
    assert!(
        app.store
            .unalerted_reports()
            .await
            .unwrap()
            .iter()
            .any(|(_, c)| *c == later),
        "given back"
    );
}

/// Issue 22: a reporter who gave an e-mail address is told that a question waits for them on
/// the follow-up page — in the report's language, with the reference and the link, never the
/// question; an anonymous reporter gets nothing (there is no address).
#[tokio::test]
async fn a_reporter_with_an_address_is_told_that_a_question_waits_never_what_it_is() {
    let server = SmtpServer::start();
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(server.port)),
    )
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    for (body, told) in [
        (crate::helpers::breach(), true),
        (crate::helpers::anonymous(), false),
    ] {
        let before = server.messages().len();
        let r = app.post_report("uni", &body).await;
        let accepted: serde_json::Value = r.json().await.unwrap();
        let case: uuid::Uuid = accepted["case_id"].as_str().unwrap().parse().unwrap();
        let report = accepted["id"].as_str().unwrap().to_owned();
        let reference = accepted["reference"].as_str().unwrap().to_owned();
        let page = format!("/desk/cases/{case}?lang=en");
        let p = b
            .submit(
                &page,
                &format!("/desk/cases/{case}/questions?lang=en"),
                &[
                    ("report", &report),
                    ("text", "Which QZX-QUESTION-5120 printer was it?"),
                ],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let mails = server.messages();
        assert_eq!(mails.len(), before + usize::from(told));
        let trail = app.store.audit_trail(Some(case)).await.unwrap();
        assert_eq!(
            trail.iter().any(|a| a.action == "case.question_mailed"),
            told
        );
        if told {
            let mail = server.message_to("maija.meikalainen@uni.example").unwrap();
            let text = body_text(&mail);
            assert!(mail.contains(&reference), "{mail}");
            assert!(
                text.contains("have asked you a question"),
                "in English: {text}"
            );
            assert!(text.contains("https://breachdesk.uni.example/follow-up?lang=en"));
            assert!(!mail.contains("QZX-QUESTION"), "never the question");
        }
    }
}

/// The DPO invites a joint controller's contact to one case by e-mail: a new address gets an
/// account with no role and a one-time setup link, mailed with the case's reference and
/// address and nothing of its content; the invited person reads that case and no other. Someone
/// with an account elsewhere is told too. Addresses of the organisation itself, administrators
/// elsewhere and blanks are refused; only the DPO invites.
#[tokio::test]
async fn the_dpo_invites_a_joint_controllers_contact_to_one_case_and_they_are_told() {
    let server = SmtpServer::start();
    let app = spawn_full(
        Limits {
            intake_per_minute: 0,
            sign_in_per_minute: 0,
            ..Limits::default()
        },
        Some(mail_settings(server.port)),
    )
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let team = app
        .account(&[(&app.uni, Role::PrivacyTeam)], "team@uni.example")
        .await;
    let museum_handler = app
        .account(
            &[(&app.museum, Role::SecurityTeam)],
            "handler@museum.example",
        )
        .await;
    app.account(&[(&app.museum, Role::Admin)], "admin@museum.example")
        .await;
    let case = app.reported_case("uni").await;
    let other_case = app.reported_case("uni").await;
    let reference = app.store.case_by_id(case).await.unwrap().unwrap().reference;
    let case_path = format!("/desk/cases/{case}?lang=en");
    let invite = format!("/desk/cases/{case}/invite?lang=en");
    let before = server.messages().len();

    let mut d = app.signed_in(&dpo).await;
    // Refused, each named, nothing shared, nobody mailed.
    for (email, message) in [
        ("", "This field is required"),
        ("not an address", "not a valid e-mail address"),
        ("team@uni.example", "Belongs to this organisation"),
        ("admin@museum.example", "Cannot be shared with this address"),
    ] {
        let p = d
            .submit(&case_path, &invite, &[("invite_email", email)])
            .await;
        assert_eq!(p.status, 422, "{email}: {}", p.body);
        assert!(p.body.contains(message), "{email}");
    }
    // Only the DPO shares: the privacy team may not.
    let mut t = app.signed_in(&team).await;
    let p = t
        .submit(
            &case_path,
            &invite,
            &[("invite_email", "partner@joint.example")],
        )
        .await;
    assert_eq!(p.status, 403);
    assert_eq!(server.messages().len(), before);

    // A new address: an account with no role, the case shared with it, an e-mail in the
    // inviter's language with the setup link and the case's address — not its content.
    let p = d
        .submit(
            &case_path,
            &invite,
            &[("invite_email", "Partner@Joint.example")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let mails = server.messages();
    let mail = mails
        .iter()
        .find(|m| m.contains("To: partner@joint.example"))
        .expect("the invitation was mailed");
    let text = body_text(mail);
    assert!(mail.contains(&reference), "{mail}");
    assert!(
        text.contains(&format!("https://breachdesk.uni.example/desk/cases/{case}")),
        "{text}"
    );
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/setup/"))
        .unwrap_or_else(|| panic!("{text}"))
        .to_owned();
    assert!(
        !text.contains("faculty"),
        "no content of the case in the mail"
    );
    let setup = d
        .get(link.trim_start_matches("https://breachdesk.uni.example"))
        .await;
    assert_eq!(setup.status, 200, "the setup link opens");
    let partner_id = app
        .store
        .user_auth_by_email("partner@joint.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let principal = app
        .store
        .principal_by_user(partner_id)
        .await
        .unwrap()
        .unwrap();
    assert!(principal.memberships.is_empty(), "no role anywhere");
    assert!(
        app.store
            .case_by_id(case)
            .await
            .unwrap()
            .unwrap()
            .shared_with
            .contains(&partner_id)
    );
    // Once set up (here: a password and an authenticator given directly), the invited person
    // reads this case and nothing else.
    let partner = app.account(&[], "partner@joint.example").await;
    assert_eq!(partner.id, partner_id);
    app.store
        .set_password(
            partner_id,
            &breachdesk_crypto::Argon2Hasher::new(breachdesk_crypto::HashCost::Test)
                .hash(crate::desk::PASSWORD),
        )
        .await
        .unwrap();
    let mut p_b = app.signed_in(&partner).await;
    assert_eq!(p_b.get(&case_path).await.status, 200);
    assert_eq!(
        p_b.get(&format!("/desk/cases/{other_case}?lang=en"))
            .await
            .status,
        404
    );
    assert_ne!(p_b.get("/admin?lang=en").await.status, 200);
    assert_ne!(p_b.get("/desk/register?lang=en").await.status, 200);

    // A handler of another organisation is told that a case was shared with them.
    let p = d
        .submit(
            &case_path,
            &invite,
            &[("invite_email", "handler@museum.example")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let mails = server.messages();
    let told = mails
        .iter()
        .find(|m| m.contains("To: handler@museum.example"))
        .expect("told");
    assert!(!body_text(told).contains("/setup/"));
    let mut h = app.signed_in(&museum_handler).await;
    assert_eq!(h.get(&case_path).await.status, 200);
    let trail = app.store.audit_trail(Some(case)).await.unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|r| r.action == "case.invite" && r.actor == Some(dpo.id))
            .count(),
        2
    );
}
