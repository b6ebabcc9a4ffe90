//! Conformance suite of the `Store` port. Every test body is a function of an `Arc<dyn Store>`,
//! run against `SQLite` (a fresh directory) and `PostgreSQL` (a fresh schema of the test
//! database, dropped afterwards); see [`conformance!`] and the `backend` module.

// Test helpers state expectations with unwrap; a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use breachdesk_core::case::CaseStatus;
use breachdesk_core::org::{NewOrganisation, OrgSlug, Organisation};
use breachdesk_core::ports::{
    Bounce, DeliveryOutcome, EnsuredUser, FailedMessage, IntakeStore, MessageOutcome, NewCase,
    NewRecipient, NewReport, NewShare, NewSupplement, NewUser, OrgTemplate, Page, RecipientCounts,
    SetupLinkFor, Store, StoreError, TokenHolder, UserRole, WrappedKey,
};
use breachdesk_core::report::{Language, ReportKind};
use breachdesk_core::user::Role;
use jiff::Timestamp;
use uuid::Uuid;

mod backend;
mod copy;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn org(store: &dyn Store, slug: &str) -> Organisation {
    let new = NewOrganisation {
        slug: OrgSlug::try_from(slug).unwrap(),
        name: format!("{slug} organisation"),
        name_sv: None,
        name_en: None,
        dpo_name: None,
        dpo_email: Some("dpo@example.fi".into()),
        dpo_phone: None,
    };
    let prefix = new.slug.default_ref_prefix();
    store
        .create_org(&new, Uuid::now_v7(), &prefix, at("2026-01-01T00:00:00Z"))
        .await
        .unwrap()
}

fn intake(org_id: Uuid, locator: &str, now: Timestamp) -> (NewCase, NewReport) {
    let case_id = Uuid::now_v7();
    (
        NewCase {
            id: case_id,
            org_id,
            created_at: now,
            wrapped_key: WrappedKey(vec![7; 72]),
        },
        NewReport {
            id: Uuid::now_v7(),
            case_id,
            kind: ReportKind::Breach,
            created_at: now,
            language: Language::Sv,
            receipt_locator: locator.into(),
            receipt_hash: "$argon2id$fake".into(),
            body: b"sealed body".to_vec(),
            contact: Some(b"sealed contact".to_vec()),
            channel: breachdesk_core::report::Channel::Form,
            taken_by: None,
        },
    )
}

/// Issue 21: deleting a report early honours every hold that covers it — the case's own, that
/// of a duplicate the report came from, and that of the case a duplicate was merged into.
async fn early_deletion_honours_the_holds_of_merged_cases(db: Arc<dyn Store>) {
    use breachdesk_core::ports::{CaseChange, Conflict, Hold, StoreError};
    let uni = org(&*db, "uni").await;
    let dpo = db
        .ensure_user(&NewUser {
            id: Uuid::now_v7(),
            email: "dpo@uni.example".into(),
            password_hash: "x".into(),
            created_at: Timestamp::UNIX_EPOCH,
        })
        .await
        .unwrap()
        .id;
    let now = at("2026-04-01T00:00:00Z");
    let event = |case: Uuid, action: &'static str| breachdesk_core::audit::AuditEvent {
        actor: Some(dpo),
        org_id: Some(uni.id),
        case_id: Some(case),
        action,
        detail: String::new(),
    };
    let (c, r1) = intake(uni.id, "51111111", at("2026-03-01T10:00:00Z"));
    db.insert_intake(&c, &r1, 2026).await.unwrap();
    let (d, r2) = intake(uni.id, "52222222", at("2026-03-01T11:00:00Z"));
    db.insert_intake(&d, &r2, 2026).await.unwrap();
    db.change_case(
        &CaseChange {
            case_id: d.id,
            merged_into: Some(c.id),
            ..CaseChange::default()
        },
        &event(d.id, "case.merge"),
        now,
    )
    .await
    .unwrap();
    let note = || breachdesk_core::ports::NewCaseEntry {
        id: Uuid::now_v7(),
        kind: "early_deletion",
        created_by: Some(dpo),
        body: vec![1],
    };
    let hold = Hold {
        reason: "court case".into(),
        until: None,
        set_by: dpo,
        set_at: now,
    };
    let refused_held =
        |r: Result<(), StoreError>| matches!(r, Err(StoreError::Conflict(Conflict::Held)));
    // The duplicate the report came from is held.
    db.set_hold(d.id, Some(&hold), &event(d.id, "case.hold"), now)
        .await
        .unwrap();
    assert!(refused_held(
        db.delete_report(c.id, r2.id, &note(), &event(c.id, "x"), now)
            .await
    ));
    db.set_hold(d.id, None, &event(d.id, "case.hold_lifted"), now)
        .await
        .unwrap();
    // The case the duplicate was merged into is held: nothing of the duplicate goes either.
    db.set_hold(c.id, Some(&hold), &event(c.id, "case.hold"), now)
        .await
        .unwrap();
    assert!(refused_held(
        db.delete_report(d.id, r2.id, &note(), &event(d.id, "x"), now)
            .await
    ));
    assert!(refused_held(
        db.delete_attachment(
            d.id,
            Uuid::now_v7(),
            Uuid::now_v7(),
            &note(),
            &event(d.id, "x"),
            now
        )
        .await
    ));
    db.set_hold(c.id, None, &event(c.id, "case.hold_lifted"), now)
        .await
        .unwrap();
    assert_eq!(
        db.reports_of_case(d.id).await.unwrap().len(),
        1,
        "nothing went"
    );
    // Without holds: the duplicate's report goes from the case; the last one is refused.
    db.delete_report(
        c.id,
        r2.id,
        &note(),
        &event(c.id, "case.report_deleted"),
        now,
    )
    .await
    .unwrap();
    assert!(db.reports_of_case(d.id).await.unwrap().is_empty());
    assert!(matches!(
        db.delete_report(c.id, r1.id, &note(), &event(c.id, "x"), now)
            .await,
        Err(StoreError::Conflict(Conflict::LastReport))
    ));
}

/// Issue 22: a report keeps how it came in and, when a handler took it by phone or in person,
/// who that was — also in the audit entry of its arrival.
async fn a_report_keeps_its_channel_and_who_took_it(db: Arc<dyn Store>) {
    use breachdesk_core::report::Channel;
    let uni = org(&*db, "uni").await;
    let handler = db
        .ensure_user(&NewUser {
            id: Uuid::now_v7(),
            email: "dpo@uni.example".into(),
            password_hash: "x".into(),
            created_at: Timestamp::UNIX_EPOCH,
        })
        .await
        .unwrap()
        .id;
    let (form_case, form_report) = intake(uni.id, "41111111", at("2026-03-01T10:00:00Z"));
    db.insert_intake(&form_case, &form_report, 2026)
        .await
        .unwrap();
    let (case, mut report) = intake(uni.id, "42222222", at("2026-03-01T11:00:00Z"));
    report.channel = Channel::Phone;
    report.taken_by = Some(handler);
    db.insert_intake(&case, &report, 2026).await.unwrap();
    let stored = &db.reports_of_case(case.id).await.unwrap()[0];
    assert_eq!(
        (stored.channel, stored.taken_by),
        (Channel::Phone, Some(handler))
    );
    let plain = &db.reports_of_case(form_case.id).await.unwrap()[0];
    assert_eq!((plain.channel, plain.taken_by), (Channel::Form, None));
    let trail = db.audit_trail(Some(case.id)).await.unwrap();
    assert_eq!(trail[0].action, "report.received");
    assert_eq!(trail[0].actor, Some(handler));
    assert!(
        trail[0].detail.ends_with("channel=phone"),
        "{}",
        trail[0].detail
    );
}

/// Issue 22: a message read from a mailbox is stored once with what it became — read again, or
/// delivered to a second mailbox of the organisation, it is recognised and nothing is written;
/// concurrent readings of one message store it once; replies find their case by the keys of
/// stored messages and of acknowledgements; an acknowledgement is claimed once and can be given
/// back; the rows go with the case.
async fn mail_messages_are_stored_once_and_thread_replies(db: Arc<dyn Store>) {
    use breachdesk_core::ports::{MailStored, MailTarget, NewAttachment, NewCaseEntry, NewMail};
    let uni = org(&*db, "uni").await;
    let museum = org(&*db, "museum").await;
    let t = at("2026-05-01T10:00:00Z");
    let new_mail = |org_id: Uuid, key: &str, locator: &str| {
        let (case, mut report) = intake(org_id, locator, t);
        report.channel = breachdesk_core::report::Channel::Email;
        let attachment = NewAttachment {
            id: Uuid::now_v7(),
            size: 3,
            body: b"sealed file".to_vec(),
        };
        NewMail {
            org_id,
            key: key.into(),
            received_at: t,
            target: MailTarget::NewCase {
                case,
                report,
                year: 2026,
            },
            attachments: vec![(
                NewCaseEntry {
                    id: attachment.id,
                    kind: "attachment",
                    created_by: None,
                    body: b"sealed entry".to_vec(),
                },
                attachment,
            )],
        }
    };
    let first = new_mail(uni.id, "key-1", "11110001");
    let MailStored::New(stored) = db.insert_mail(&first).await.unwrap() else {
        panic!("a new message is stored");
    };
    let MailTarget::NewCase { case, report, .. } = &first.target else {
        unreachable!()
    };
    assert_eq!(stored.case_id, case.id);
    assert_eq!(stored.report_id, report.id);
    assert_eq!(stored.reference, "UNI-2026-0001");
    assert!(stored.new_case);
    assert_eq!(stored.acknowledged_at, None);
    let entries = db.case_entries(case.id).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].kind, "attachment");
    // Cases found by the kind of an entry they hold, in one query.
    let with = db.cases_with_entry(uni.id, "attachment", 10).await.unwrap();
    assert_eq!(with.iter().map(|c| c.id).collect::<Vec<_>>(), [case.id]);
    assert!(
        db.cases_with_entry(uni.id, "notice_approved", 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.cases_with_entry(Uuid::now_v7(), "attachment", 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.attachment(case.id, entries[0].id)
            .await
            .unwrap()
            .unwrap(),
        b"sealed file"
    );
    let reports = db.reports_of_case(case.id).await.unwrap();
    assert_eq!(reports[0].channel, breachdesk_core::report::Channel::Email);

    // The same message again (the other mailbox, or after a crash): nothing written.
    let again = new_mail(uni.id, "key-1", "11110002");
    let MailStored::Seen(seen) = db.insert_mail(&again).await.unwrap() else {
        panic!("a message read twice is recognised");
    };
    assert_eq!(seen, stored);
    let MailTarget::NewCase { case: c2, .. } = &again.target else {
        unreachable!()
    };
    assert!(db.case_by_id(c2.id).await.unwrap().is_none());
    // The same key in another organisation is another message.
    let other = new_mail(museum.id, "key-1", "11110003");
    assert!(matches!(
        db.insert_mail(&other).await.unwrap(),
        MailStored::New(_)
    ));

    // Concurrent readings of one new message: one stores it, the others see it.
    let racers: Vec<NewMail> = (0..6)
        .map(|i| new_mail(uni.id, "key-race", &format!("2222000{i}")))
        .collect();
    let outcomes = futures::future::join_all(racers.iter().map(|m| db.insert_mail(m))).await;
    let new = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(MailStored::New(_))))
        .count();
    let seen = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(MailStored::Seen(_))))
        .count();
    assert_eq!((new, seen), (1, 5), "{outcomes:?}");

    // A reply: a supplement to the case, found by the first message's key.
    assert_eq!(
        db.mail_thread(uni.id, &["unknown".into(), "key-1".into()])
            .await
            .unwrap(),
        Some(case.id)
    );
    assert_eq!(
        db.mail_thread(uni.id, &["unknown".into()]).await.unwrap(),
        None
    );
    let MailTarget::NewCase {
        case: museum_case, ..
    } = &other.target
    else {
        unreachable!()
    };
    assert_eq!(
        db.mail_thread(museum.id, &["key-1".into()]).await.unwrap(),
        Some(museum_case.id),
        "each organisation's messages lead to its own cases"
    );
    let supplement = NewSupplement {
        id: Uuid::now_v7(),
        report_id: report.id,
        created_at: t,
        body: b"sealed reply".to_vec(),
    };
    let reply = NewMail {
        org_id: uni.id,
        key: "key-2".into(),
        received_at: t,
        target: MailTarget::Supplement {
            case_id: case.id,
            supplement,
        },
        attachments: Vec::new(),
    };
    let MailStored::New(r) = db.insert_mail(&reply).await.unwrap() else {
        panic!("a reply is stored");
    };
    assert!(!r.new_case);
    assert_eq!(r.case_id, case.id);
    assert_eq!(db.supplements_of_report(report.id).await.unwrap().len(), 1);

    // The acknowledgement: claimed once; its own key threads a reply; given back, claimed again.
    assert!(
        db.claim_mail_ack(uni.id, "key-1", "ack-key", t)
            .await
            .unwrap()
    );
    assert!(
        !db.claim_mail_ack(uni.id, "key-1", "ack-key-b", t)
            .await
            .unwrap()
    );
    assert_eq!(
        db.mail_thread(uni.id, &["ack-key".into()]).await.unwrap(),
        Some(case.id)
    );
    let MailStored::Seen(after) = db.insert_mail(&again).await.unwrap() else {
        panic!("seen");
    };
    assert!(after.acknowledged_at.is_some());
    // Another server's claim is not given back by this one.
    db.unclaim_mail_ack(uni.id, "key-1", "not-mine")
        .await
        .unwrap();
    assert_eq!(
        db.mail_thread(uni.id, &["ack-key".into()]).await.unwrap(),
        Some(case.id)
    );
    db.unclaim_mail_ack(uni.id, "key-1", "ack-key")
        .await
        .unwrap();
    assert_eq!(
        db.mail_thread(uni.id, &["ack-key".into()]).await.unwrap(),
        None
    );
    assert!(
        db.claim_mail_ack(uni.id, "key-1", "ack-key-c", t)
            .await
            .unwrap()
    );

    // Destroyed with the case: the keys no longer lead anywhere.
    let destruction = breachdesk_core::ports::Destruction {
        case_id: case.id,
        tombstone: r#"{"reference":"UNI-2026-0001"}"#.into(),
        reason: "retention".into(),
        by: None,
    };
    let event = breachdesk_core::audit::AuditEvent {
        actor: None,
        org_id: Some(uni.id),
        case_id: Some(case.id),
        action: "case.destroy",
        detail: String::new(),
    };
    db.destroy_case(&destruction, &event, t).await.unwrap();
    assert_eq!(
        db.mail_thread(uni.id, &["key-1".into(), "key-2".into()])
            .await
            .unwrap(),
        None
    );
}

async fn organisations_are_found_by_slug_and_slugs_are_unique(db: Arc<dyn Store>) {
    let uni = org(&*db, "uni").await;
    let found = db.org_by_slug("uni").await.unwrap().unwrap();
    assert_eq!(found.id, uni.id);
    assert_eq!(found.ref_prefix, "UNI");
    assert!(db.org_by_slug("museum").await.unwrap().is_none());
    let again = NewOrganisation {
        slug: OrgSlug::try_from("uni").unwrap(),
        name: "x".into(),
        name_sv: None,
        name_en: None,
        dpo_name: None,
        dpo_email: None,
        dpo_phone: None,
    };
    let err = db
        .create_org(&again, Uuid::now_v7(), "UNI", Timestamp::UNIX_EPOCH)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict(breachdesk_core::ports::Conflict::OrganisationSlug)
        ),
        "{err:?}"
    );
    // Its names per language: set together, with their audit entry; read back as set.
    let names = breachdesk_core::org::OrgName {
        name: "Helsingin yliopisto".into(),
        sv: Some("Helsingfors universitet".into()),
        en: Some("University of Helsinki".into()),
    };
    let event = breachdesk_core::audit::AuditEvent {
        actor: None,
        org_id: Some(uni.id),
        case_id: None,
        action: "admin.org_rename",
        detail: String::new(),
    };
    db.set_org_names(uni.id, &names, &event, Timestamp::UNIX_EPOCH)
        .await
        .unwrap();
    let found = db.org_by_slug("uni").await.unwrap().unwrap();
    assert_eq!(found.names(), names);
    assert_eq!(
        found.names().in_lang(breachdesk_core::report::Language::Sv),
        "Helsingfors universitet"
    );
    assert!(
        db.audit_trail(None)
            .await
            .unwrap()
            .iter()
            .any(|r| r.action == "admin.org_rename")
    );
    assert!(matches!(
        db.set_org_names(Uuid::now_v7(), &names, &event, Timestamp::UNIX_EPOCH)
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn references_count_per_organisation_and_year(db: Arc<dyn Store>) {
    let uni = org(&*db, "uni").await;
    let museum = org(&*db, "museum").await;
    let t = at("2026-03-01T10:00:00Z");
    let mut refs = Vec::new();
    for (i, (o, year)) in [(&uni, 2026), (&uni, 2026), (&museum, 2026), (&uni, 2027)]
        .into_iter()
        .enumerate()
    {
        let (c, r) = intake(o.id, &format!("{i:08}"), t);
        refs.push(db.insert_intake(&c, &r, year).await.unwrap());
    }
    assert_eq!(
        refs,
        [
            "UNI-2026-0001",
            "UNI-2026-0002",
            "MUSEUM-2026-0001",
            "UNI-2027-0001"
        ]
    );
}

async fn an_intake_is_all_or_nothing(db: Arc<dyn Store>) {
    let uni = org(&*db, "uni").await;
    let t = at("2026-03-01T10:00:00Z");
    let (c1, r1) = intake(uni.id, "12345678", t);
    db.insert_intake(&c1, &r1, 2026).await.unwrap();
    // Same receipt locator: the report insert fails, so neither the case nor the counter move.
    let (c2, r2) = intake(uni.id, "12345678", t);
    let err = db.insert_intake(&c2, &r2, 2026).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict(breachdesk_core::ports::Conflict::ReceiptLocator)
        ),
        "{err:?}"
    );
    assert!(db.case_by_id(c2.id).await.unwrap().is_none());
    let (c3, r3) = intake(uni.id, "87654321", t);
    assert_eq!(
        db.insert_intake(&c3, &r3, 2026).await.unwrap(),
        "UNI-2026-0002"
    );
}

async fn cases_and_reports_come_back_as_stored_and_only_for_the_asked_organisations(
    db: Arc<dyn Store>,
) {
    let uni = org(&*db, "uni").await;
    let museum = org(&*db, "museum").await;
    let (c1, r1) = intake(uni.id, "00000001", at("2026-03-01T10:00:00Z"));
    let (c2, r2) = intake(museum.id, "00000002", at("2026-03-02T10:00:00Z"));
    db.insert_intake(&c1, &r1, 2026).await.unwrap();
    db.insert_intake(&c2, &r2, 2026).await.unwrap();

    let list = db
        .list_cases(
            &[uni.id],
            None,
            Page {
                limit: 50,
                offset: 0,
            },
        )
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, c1.id);
    assert_eq!(list[0].org_slug, "uni");
    assert_eq!(list[0].status, CaseStatus::Received);
    assert_eq!(list[0].report_count, 1);
    assert_eq!(list[0].first_kind, ReportKind::Breach);
    assert!(
        db.list_cases(
            &[],
            None,
            Page {
                limit: 50,
                offset: 0
            }
        )
        .await
        .unwrap()
        .is_empty()
    );
    let both = db
        .list_cases(
            &[uni.id, museum.id],
            None,
            Page {
                limit: 50,
                offset: 0,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        both.iter().map(|c| c.id).collect::<Vec<_>>(),
        [c2.id, c1.id],
        "newest first"
    );
    let second = db
        .list_cases(
            &[uni.id, museum.id],
            None,
            Page {
                limit: 1,
                offset: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(second[0].id, c1.id);
    // A case shared by name is listed for that person beside their organisations' own.
    let partner = crate::handling::user(&*db, "partner@museum.example").await;
    let giver = crate::handling::user(&*db, "dpo@uni.example").await;
    db.change_case(
        &breachdesk_core::ports::CaseChange {
            case_id: c1.id,
            add_share: Some(NewShare {
                user_id: partner,
                granted_by: giver,
            }),
            ..breachdesk_core::ports::CaseChange::default()
        },
        &breachdesk_core::audit::AuditEvent {
            actor: Some(giver),
            org_id: Some(uni.id),
            case_id: Some(c1.id),
            action: "case.share",
            detail: String::new(),
        },
        at("2026-03-03T10:00:00Z"),
    )
    .await
    .unwrap();
    let page = Page {
        limit: 50,
        offset: 0,
    };
    let shared_only = db.list_cases(&[], Some(partner), page).await.unwrap();
    assert_eq!(
        shared_only.iter().map(|c| c.id).collect::<Vec<_>>(),
        [c1.id]
    );
    let with_own = db
        .list_cases(&[museum.id], Some(partner), page)
        .await
        .unwrap();
    assert_eq!(
        with_own.iter().map(|c| c.id).collect::<Vec<_>>(),
        [c2.id, c1.id]
    );
    assert!(
        db.list_cases(&[], Some(giver), page)
            .await
            .unwrap()
            .is_empty(),
        "sharing lists the case for the one it is shared with only"
    );

    let case = db.case_by_id(c1.id).await.unwrap().unwrap();
    assert_eq!(case.wrapped_key, c1.wrapped_key);
    assert_eq!(case.created_at, c1.created_at);
    let reports = db.reports_of_case(c1.id).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].body, r1.body);
    assert_eq!(reports[0].contact, r1.contact);
    assert_eq!(reports[0].language, Language::Sv);
}

async fn receipt_failures_lock_and_reset(db: Arc<dyn Store>) {
    let uni = org(&*db, "uni").await;
    let (c, r) = intake(uni.id, "55555555", at("2026-03-01T10:00:00Z"));
    db.insert_intake(&c, &r, 2026).await.unwrap();
    let until = at("2026-03-01T11:00:00Z");
    for _ in 0..2 {
        db.record_receipt_failure(r.id, 3, until).await.unwrap();
    }
    let rec = db.receipt_by_locator("55555555").await.unwrap().unwrap();
    assert_eq!((rec.failed_attempts, rec.locked_until), (2, None));
    db.record_receipt_failure(r.id, 3, until).await.unwrap();
    let rec = db.receipt_by_locator("55555555").await.unwrap().unwrap();
    assert_eq!((rec.failed_attempts, rec.locked_until), (3, Some(until)));
    assert_eq!(rec.case_id, c.id);
    db.reset_receipt_failures(r.id).await.unwrap();
    let rec = db.receipt_by_locator("55555555").await.unwrap().unwrap();
    assert_eq!((rec.failed_attempts, rec.locked_until), (0, None));
    assert!(db.receipt_by_locator("00000000").await.unwrap().is_none());
}

async fn supplements_are_kept_in_order_and_touch_the_case(db: Arc<dyn Store>) {
    let uni = org(&*db, "uni").await;
    let (c, r) = intake(uni.id, "11111111", at("2026-03-01T10:00:00Z"));
    db.insert_intake(&c, &r, 2026).await.unwrap();
    for (i, t) in ["2026-03-02T10:00:00Z", "2026-03-03T10:00:00Z"]
        .into_iter()
        .enumerate()
    {
        let s = NewSupplement {
            id: Uuid::now_v7(),
            report_id: r.id,
            created_at: at(t),
            body: vec![u8::try_from(i).unwrap()],
        };
        db.insert_supplement(&s).await.unwrap();
    }
    let got = db.supplements_of_report(r.id).await.unwrap();
    assert_eq!(
        got.iter().map(|s| s.body.clone()).collect::<Vec<_>>(),
        [vec![0], vec![1]]
    );
    let case = db.case_by_id(c.id).await.unwrap().unwrap();
    assert_eq!(case.updated_at, at("2026-03-03T10:00:00Z"));
    let orphan = NewSupplement {
        id: Uuid::now_v7(),
        report_id: Uuid::now_v7(),
        created_at: at("2026-03-03T10:00:00Z"),
        body: vec![],
    };
    assert!(
        db.insert_supplement(&orphan).await.is_err(),
        "foreign key must hold"
    );
}

async fn tokens_resolve_to_principals_with_their_memberships(db: Arc<dyn Store>) {
    let uni = org(&*db, "uni").await;
    let user = NewUser {
        id: Uuid::now_v7(),
        email: "dpo@uni.example".into(),
        password_hash: "$argon2id$x".into(),
        created_at: Timestamp::UNIX_EPOCH,
    };
    let EnsuredUser { id, created } = db.ensure_user(&user).await.unwrap();
    assert!(created);
    let EnsuredUser { id: again, created } = db
        .ensure_user(&NewUser {
            id: Uuid::now_v7(),
            ..user.clone()
        })
        .await
        .unwrap();
    assert_eq!((again, created), (id, false));
    assert_eq!(
        db.user_id_by_email("dpo@uni.example").await.unwrap(),
        Some(id)
    );
    db.add_membership(
        &UserRole {
            user_id: id,
            org_id: uni.id,
            role: Role::Dpo,
        },
        Timestamp::UNIX_EPOCH,
    )
    .await
    .unwrap();
    db.add_membership(
        &UserRole {
            user_id: id,
            org_id: uni.id,
            role: Role::Dpo,
        },
        Timestamp::UNIX_EPOCH,
    )
    .await
    .unwrap();
    db.create_token(Uuid::now_v7(), id, &[1; 32], Timestamp::UNIX_EPOCH)
        .await
        .unwrap();
    let now = at("2026-06-01T00:00:00Z");
    let TokenHolder {
        principal: p,
        scope,
    } = db.principal_by_token(&[1; 32], now).await.unwrap().unwrap();
    assert_eq!(p.user_id, id);
    assert_eq!(p.readable_orgs(), [uni.id]);
    assert_eq!(scope, breachdesk_core::user::TokenScope::CaseHandling);
    assert!(
        db.principal_by_token(&[2; 32], now)
            .await
            .unwrap()
            .is_none()
    );
    // A named token with a scope and an expiry: listed, valid until it expires, revocable.
    let token = breachdesk_core::ports::NewApiToken {
        id: Uuid::now_v7(),
        user_id: id,
        token_hash: vec![3; 32],
        name: "reporting script".into(),
        scope: breachdesk_core::user::TokenScope::ReadOnly,
        created_at: now,
        expires_at: Some(at("2026-07-01T00:00:00Z")),
    };
    let event = breachdesk_core::audit::AuditEvent {
        actor: Some(id),
        org_id: None,
        case_id: None,
        action: "token.create",
        detail: String::new(),
    };
    db.create_api_token(&token, &event).await.unwrap();
    let scope = db
        .principal_by_token(&[3; 32], now)
        .await
        .unwrap()
        .unwrap()
        .scope;
    assert_eq!(scope, breachdesk_core::user::TokenScope::ReadOnly);
    assert!(
        db.principal_by_token(&[3; 32], at("2026-07-01T00:00:00Z"))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    let listed = db.api_tokens(&[id]).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].name, "reporting script");
    db.revoke_token(token.id, &event, now).await.unwrap();
    assert!(matches!(
        db.revoke_token(token.id, &event, now).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        db.principal_by_token(&[3; 32], now)
            .await
            .unwrap()
            .is_none(),
        "revoked"
    );
}

#[tokio::test]
async fn data_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let case_id;
    {
        let store = breachdesk_store::SqliteStore::open(&dir.path().join("breachdesk.db"))
            .await
            .unwrap();
        let uni = org(&store, "uni").await;
        let (c, r) = intake(uni.id, "22222222", at("2026-03-01T10:00:00Z"));
        case_id = c.id;
        store.insert_intake(&c, &r, 2026).await.unwrap();
        store.close().await;
    }
    let store = breachdesk_store::connect(None, dir.path()).await.unwrap();
    assert_eq!(
        store.case_by_id(case_id).await.unwrap().unwrap().reference,
        "UNI-2026-0001"
    );
}

mod handling {
    use breachdesk_core::audit::{AuditEvent, verify};
    use breachdesk_core::ports::{
        CaseChange, CaseFilter, NewCaseEntry, SessionRecord, SessionStage, SetupPurpose,
    };

    use super::*;

    fn event(case_id: Uuid, action: &'static str) -> AuditEvent {
        AuditEvent {
            actor: None,
            org_id: None,
            case_id: Some(case_id),
            action,
            detail: String::new(),
        }
    }

    pub(crate) async fn user(store: &dyn Store, email: &str) -> Uuid {
        let new = NewUser {
            id: Uuid::now_v7(),
            email: email.into(),
            password_hash: "$argon2id$fake".into(),
            created_at: at("2026-01-01T00:00:00Z"),
        };
        store.ensure_user(&new).await.unwrap().id
    }

    pub(super) async fn a_case_change_is_applied_with_its_audit_entry_or_not_at_all(
        db: Arc<dyn Store>,
    ) {
        let uni = org(&*db, "uni").await;
        let now = at("2026-11-20T08:00:00Z");
        let (case, report) = intake(uni.id, "00000001", now);
        db.insert_intake(&case, &report, 2026).await.unwrap();
        let dpo = user(&*db, "dpo@uni.example").await;

        let change = CaseChange {
            case_id: case.id,
            expected_status: Some(CaseStatus::Received),
            status: Some(CaseStatus::Triage),
            awareness_at: Some(at("2026-11-20T07:30:00Z")),
            categories: Some(vec!["email".into(), "health".into()]),
            add_assignee: Some(dpo),
            entry: Some(NewCaseEntry {
                id: Uuid::now_v7(),
                kind: "status",
                created_by: Some(dpo),
                body: b"sealed".to_vec(),
            }),
            ..CaseChange::default()
        };
        db.change_case(&change, &event(case.id, "case.status"), now)
            .await
            .unwrap();
        let c = db.case_by_id(case.id).await.unwrap().unwrap();
        assert_eq!(c.status, CaseStatus::Triage);
        assert_eq!(c.awareness_at, Some(at("2026-11-20T07:30:00Z")));
        assert_eq!(c.categories, vec!["email", "health"]);
        assert_eq!(c.assignees, vec![dpo]);
        assert_eq!(c.updated_at, now);
        let entries = db.case_entries(case.id).await.unwrap();
        assert_eq!(
            (
                entries.len(),
                entries[0].kind.as_str(),
                entries[0].body.as_slice()
            ),
            (1, "status", &b"sealed"[..])
        );

        // Decided on a stale status: refused, and neither the case, the record nor the trail moves.
        let stale = CaseChange {
            case_id: case.id,
            expected_status: Some(CaseStatus::Received),
            status: Some(CaseStatus::Unfounded),
            entry: Some(NewCaseEntry {
                id: Uuid::now_v7(),
                kind: "status",
                created_by: None,
                body: vec![1],
            }),
            ..CaseChange::default()
        };
        let err = db
            .change_case(&stale, &event(case.id, "case.status"), now)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Conflict(breachdesk_core::ports::Conflict::CaseStatus)
            ),
            "{err:?}"
        );
        assert_eq!(
            db.case_by_id(case.id).await.unwrap().unwrap().status,
            CaseStatus::Triage
        );
        assert_eq!(db.case_entries(case.id).await.unwrap().len(), 1);
        let trail = db.audit_trail(Some(case.id)).await.unwrap();
        assert_eq!(
            trail.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
            vec!["report.received", "case.status"],
            "the intake and the one accepted change"
        );

        // Unknown case.
        let missing = CaseChange {
            case_id: Uuid::now_v7(),
            ..CaseChange::default()
        };
        assert!(matches!(
            db.change_case(&missing, &event(case.id, "x"), now).await,
            Err(StoreError::NotFound)
        ));

        // Filters.
        let all = db
            .find_cases(&[uni.id], &CaseFilter::default())
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
        let health = CaseFilter {
            category: Some("health".into()),
            ..CaseFilter::default()
        };
        assert_eq!(db.find_cases(&[uni.id], &health).await.unwrap().len(), 1);
        let hea = CaseFilter {
            category: Some("heal".into()),
            ..CaseFilter::default()
        };
        assert!(
            db.find_cases(&[uni.id], &hea).await.unwrap().is_empty(),
            "whole ids only"
        );
        for near in ["HEALTH", "h_alth", "%"] {
            let near = CaseFilter {
                category: Some(near.into()),
                ..CaseFilter::default()
            };
            assert!(
                db.find_cases(&[uni.id], &near).await.unwrap().is_empty(),
                "exact ids only"
            );
        }
        let closed = CaseFilter {
            status: Some(CaseStatus::Closed),
            ..CaseFilter::default()
        };
        assert!(db.find_cases(&[uni.id], &closed).await.unwrap().is_empty());
        let later = CaseFilter {
            created_from: Some(at("2026-11-21T00:00:00Z")),
            ..CaseFilter::default()
        };
        assert!(db.find_cases(&[uni.id], &later).await.unwrap().is_empty());
        assert!(
            db.find_cases(&[], &CaseFilter::default())
                .await
                .unwrap()
                .is_empty()
        );

        // Shares reach exactly the named handler of the other organisation.
        let museum = org(&*db, "museum").await;
        let partner = user(&*db, "partner@museum.example").await;
        let share = CaseChange {
            case_id: case.id,
            add_share: Some(NewShare {
                user_id: partner,
                granted_by: dpo,
            }),
            ..CaseChange::default()
        };
        db.change_case(&share, &event(case.id, "case.share"), now)
            .await
            .unwrap();
        let theirs = CaseFilter {
            shared_with: Some(partner),
            ..CaseFilter::default()
        };
        assert_eq!(db.find_cases(&[museum.id], &theirs).await.unwrap().len(), 1);
        assert!(
            db.find_cases(&[museum.id], &CaseFilter::default())
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            db.case_by_id(case.id).await.unwrap().unwrap().shared_with,
            vec![partner]
        );

        assert!(verify(&db.audit_trail(None).await.unwrap()).is_empty());
    }

    pub(super) async fn the_audit_trail_chains_across_writers_and_reminders_go_once(
        db: Arc<dyn Store>,
    ) {
        let uni = org(&*db, "uni").await;
        let now = at("2026-11-20T08:00:00Z");
        let (case, report) = intake(uni.id, "00000002", now);
        db.insert_intake(&case, &report, 2026).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..20 {
            let store = db.clone();
            tasks.push(tokio::spawn(async move {
                if i % 2 == 0 {
                    store
                        .append_audit(
                            &[event(case.id, "case.read"), event(case.id, "case.read")],
                            now,
                        )
                        .await
                } else {
                    let c = CaseChange {
                        case_id: case.id,
                        ..CaseChange::default()
                    };
                    store
                        .change_case(&c, &event(case.id, "case.touch"), now)
                        .await
                }
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let trail = db.audit_trail(None).await.unwrap();
        assert_eq!(trail.len(), 31, "the intake and 30 entries");
        assert!(verify(&trail).is_empty());
        assert_eq!(
            trail.iter().map(|r| r.seq).collect::<Vec<_>>(),
            (1..=31).collect::<Vec<_>>()
        );

        assert!(db.mark_reminder_sent(case.id, 24, now).await.unwrap());
        assert!(!db.mark_reminder_sent(case.id, 24, now).await.unwrap());
        assert!(db.mark_reminder_sent(case.id, 48, now).await.unwrap());
        assert_eq!(db.reminders_sent(case.id).await.unwrap(), vec![24, 48]);
        // A reminder nobody could be sent is taken back, and can be claimed again.
        db.unmark_reminder(case.id, 48).await.unwrap();
        assert_eq!(db.reminders_sent(case.id).await.unwrap(), vec![24]);
        assert!(db.mark_reminder_sent(case.id, 48, now).await.unwrap());
    }

    pub(super) async fn second_factor_setup_links_and_sessions(db: Arc<dyn Store>) {
        let now = at("2026-11-20T08:00:00Z");
        assert_eq!(db.count_users().await.unwrap(), 0);
        // While no account exists, a first-administrator link is valid and names no account.
        db.create_setup_token(
            b"hash-0",
            None,
            SetupPurpose::FirstAdmin,
            now,
            at("2026-11-20T09:00:00Z"),
        )
        .await
        .unwrap();
        assert_eq!(
            db.peek_setup_token(b"hash-0", SetupPurpose::FirstAdmin, now)
                .await
                .unwrap(),
            Some(SetupLinkFor::FirstAdministrator)
        );
        let u = user(&*db, "dpo@uni.example").await;
        assert_eq!(db.count_users().await.unwrap(), 1);
        let auth = db
            .user_auth_by_email("dpo@uni.example")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (auth.id, auth.totp_secret.is_none(), auth.installation_admin),
            (u, true, false)
        );
        db.set_installation_admin(u).await.unwrap();
        assert!(
            db.user_auth_by_id(u)
                .await
                .unwrap()
                .unwrap()
                .installation_admin
        );

        // Lock-out: attempts are reserved before they are verified; the third locks, a locked
        // account reserves nothing until the lock lapses; a right attempt is given back.
        let until = at("2026-11-20T09:00:00Z");
        let before = at("2026-11-20T08:00:00Z");
        for _ in 0..2 {
            assert!(db.reserve_login_attempt(u, 3, until, before).await.unwrap());
        }
        let a = db.user_auth_by_id(u).await.unwrap().unwrap();
        assert_eq!((a.failed_logins, a.locked_until), (2, None));
        db.release_login_attempt(u).await.unwrap();
        let a = db.user_auth_by_id(u).await.unwrap().unwrap();
        assert_eq!(a.failed_logins, 1);
        for _ in 0..2 {
            assert!(db.reserve_login_attempt(u, 3, until, before).await.unwrap());
        }
        assert_eq!(
            db.user_auth_by_id(u).await.unwrap().unwrap().locked_until,
            Some(until)
        );
        assert!(
            !db.reserve_login_attempt(u, 3, until, before).await.unwrap(),
            "locked"
        );
        let later = at("2026-11-20T09:00:01Z");
        assert!(
            db.reserve_login_attempt(u, 3, at("2026-11-20T10:00:00Z"), later)
                .await
                .unwrap(),
            "the lock lapsed"
        );
        db.reset_login_failures(u).await.unwrap();
        let a = db.user_auth_by_id(u).await.unwrap().unwrap();
        assert_eq!((a.failed_logins, a.locked_until), (0, None));

        // TOTP: enrolment replaces recovery codes; a time step is accepted once.
        db.enrol_totp(u, b"sealed secret", &["h1".into(), "h2".into()], now)
            .await
            .unwrap();
        assert_eq!(
            db.user_auth_by_id(u)
                .await
                .unwrap()
                .unwrap()
                .totp_secret
                .as_deref(),
            Some(&b"sealed secret"[..])
        );
        assert!(db.accept_totp_step(u, 100).await.unwrap());
        assert!(!db.accept_totp_step(u, 100).await.unwrap(), "replay");
        assert!(!db.accept_totp_step(u, 99).await.unwrap(), "older");
        assert!(db.accept_totp_step(u, 101).await.unwrap());
        let codes = db.recovery_codes(u).await.unwrap();
        assert_eq!(
            codes.iter().map(|c| c.phc.as_str()).collect::<Vec<_>>(),
            vec!["h1", "h2"]
        );
        assert!(db.use_recovery_code(codes[0].row, now).await.unwrap());
        assert!(!db.use_recovery_code(codes[0].row, now).await.unwrap());
        assert_eq!(db.recovery_codes(u).await.unwrap().len(), 1);

        // One-time links.
        db.create_setup_token(b"hash-1", Some(u), SetupPurpose::Account, now, until)
            .await
            .unwrap();
        assert_eq!(
            db.peek_setup_token(b"hash-1", SetupPurpose::Account, now)
                .await
                .unwrap(),
            Some(SetupLinkFor::User(u))
        );
        assert_eq!(
            db.peek_setup_token(b"hash-1", SetupPurpose::FirstAdmin, now)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            db.peek_setup_token(b"hash-1", SetupPurpose::Account, until)
                .await
                .unwrap(),
            None,
            "expired"
        );
        assert!(db.take_setup_token(b"hash-1", now).await.unwrap());
        assert!(!db.take_setup_token(b"hash-1", now).await.unwrap());
        assert_eq!(
            db.peek_setup_token(b"hash-1", SetupPurpose::Account, now)
                .await
                .unwrap(),
            None
        );
        // A first-administrator link is dead once any account exists (issue 17).
        db.create_setup_token(b"hash-2", None, SetupPurpose::FirstAdmin, now, until)
            .await
            .unwrap();
        assert_eq!(
            db.peek_setup_token(b"hash-2", SetupPurpose::FirstAdmin, now)
                .await
                .unwrap(),
            None
        );
        assert!(!db.take_setup_token(b"hash-2", now).await.unwrap());

        // Sessions.
        let s = SessionRecord {
            id_hash: vec![1; 32],
            user_id: u,
            stage: SessionStage::Password,
            csrf_token: "csrf".into(),
            created_at: now,
            last_seen_at: now,
            ended: false,
        };
        db.create_session(&s).await.unwrap();
        db.touch_session(&s.id_hash, SessionStage::Full, until)
            .await
            .unwrap();
        let back = db.session(&s.id_hash).await.unwrap().unwrap();
        assert_eq!(
            (back.stage, back.last_seen_at, back.ended),
            (SessionStage::Full, until, false)
        );
        db.end_session(&s.id_hash, until).await.unwrap();
        assert!(db.session(&s.id_hash).await.unwrap().unwrap().ended);
        assert!(db.session(&[2; 32]).await.unwrap().is_none());
    }
}

async fn the_outbox_queues_each_recipient_once_and_recovers_what_a_dead_run_left(
    db: Arc<dyn Store>,
) {
    use breachdesk_core::audit::AuditEvent;
    use breachdesk_core::ports::{DeliveryOutcome, NewOutboxMessage};
    let store = &*db;
    let uni = org(store, "uni").await;
    let t = at("2026-03-01T10:00:00Z");
    let (c, r) = intake(uni.id, "12345678", t);
    let reference = store.insert_intake(&c, &r, 2026).await.unwrap();
    assert_eq!(
        store
            .case_by_reference(uni.id, &reference.to_lowercase())
            .await
            .unwrap()
            .unwrap()
            .id,
        c.id
    );
    let audit = AuditEvent {
        actor: None,
        org_id: Some(uni.id),
        case_id: Some(c.id),
        action: "notice.subjects.recipients",
        detail: "added recipients=3".into(),
    };
    let rows: Vec<NewRecipient> = (0..3)
        .map(|i| NewRecipient {
            id: Uuid::now_v7(),
            email: i != 2,
            body: vec![i; 8],
        })
        .collect();
    store
        .import_recipients(c.id, false, &rows, &audit, t)
        .await
        .unwrap();
    assert_eq!(
        store.recipient_counts(c.id).await.unwrap(),
        RecipientCounts { email: 2, post: 1 }
    );
    assert!(matches!(
        store
            .import_recipients(Uuid::now_v7(), false, &rows, &audit, t)
            .await,
        Err(StoreError::NotFound)
    ));
    let page = store.recipients(c.id, 1, 10).await.unwrap();
    assert_eq!(page.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![2, 3]);

    let message = |seq: u64| NewOutboxMessage {
        id: Uuid::now_v7(),
        seq,
        body: vec![1, 2, 3],
    };
    assert_eq!(
        store
            .queue_messages(c.id, 1, &[message(1), message(2)], t)
            .await
            .unwrap(),
        2
    );
    // Queued again (after a crash mid-queue): only the new one is added.
    assert_eq!(
        store
            .queue_messages(c.id, 1, &[message(2), message(3)], t)
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.queued_up_to(c.id).await.unwrap(), 3);
    // Replacing the list is refused once anything is queued.
    let err = store
        .import_recipients(c.id, true, &rows, &audit, t)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::Conflict(breachdesk_core::ports::Conflict::LettersAlreadyQueued)
    ));

    // A run claims two and dies; the next one re-queues them as in doubt.
    let claimed = store.claim_messages(c.id, 2, t).await.unwrap();
    assert_eq!(
        claimed.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![1, 2]
    );
    let counts = store.outbox_counts(c.id).await.unwrap();
    assert_eq!((counts.queued, counts.sending), (1, 2));
    assert_eq!(store.recover_messages(c.id).await.unwrap(), 2);
    let all = store.claim_messages(c.id, 10, t).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].attempts, 2);
    let later = at("2026-03-01T10:05:00Z");
    store
        .finish_messages(
            &[
                outcome(all[0].id, DeliveryOutcome::Sent),
                outcome(
                    all[1].id,
                    DeliveryOutcome::Retry {
                        reply: "421".into(),
                        at: later,
                    },
                ),
                outcome(
                    all[2].id,
                    DeliveryOutcome::Failed {
                        reply: "550".into(),
                    },
                ),
            ],
            t,
        )
        .await
        .unwrap();
    let counts = store.outbox_counts(c.id).await.unwrap();
    assert_eq!(
        (counts.queued, counts.sent, counts.failed, counts.in_doubt),
        (1, 1, 1, 2)
    );
    assert_eq!(
        store.failed_messages(c.id).await.unwrap(),
        vec![failed(3, "550")]
    );
    // A delivery report returned later marks the sent one failed; an unknown id and another
    // case's id change nothing.
    assert_eq!(
        store
            .record_bounces(Uuid::new_v4(), &[bounce(all[0].id, "5.1.1")])
            .await
            .unwrap(),
        0,
        "another case"
    );
    assert_eq!(
        store
            .record_bounces(
                c.id,
                &[bounce(all[0].id, "5.1.1"), bounce(Uuid::new_v4(), "5.1.1")]
            )
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.failed_messages(c.id).await.unwrap(),
        vec![failed(1, "bounce 5.1.1"), failed(3, "550")]
    );
    // The retry is not due before its time.
    assert!(store.claim_messages(c.id, 10, t).await.unwrap().is_empty());
    assert!(store.cases_with_due_messages(t).await.unwrap().is_empty());
    assert_eq!(
        store.cases_with_due_messages(later).await.unwrap(),
        vec![c.id]
    );
    assert_eq!(store.retry_failed_messages(c.id, t).await.unwrap(), 2);
    assert_eq!(
        store.claim_messages(c.id, 10, later).await.unwrap().len(),
        3
    );
    // Messages left "sending" make the case due whatever the time: the run that claimed them
    // may have died, and the scheduler must come back (the lease tells whether it lives).
    assert_eq!(store.cases_with_due_messages(t).await.unwrap(), vec![c.id]);

    // One delivery run per case: the lease, measured on the database's clock.
    let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
    let ttl = std::time::Duration::from_secs(15);
    assert!(store.lease_outbox(c.id, first, ttl).await.unwrap());
    assert!(!store.lease_outbox(c.id, second, ttl).await.unwrap());
    assert!(
        store.lease_outbox(c.id, first, ttl).await.unwrap(),
        "renewed"
    );
    let short = std::time::Duration::from_millis(300);
    assert!(
        store.lease_outbox(c.id, first, short).await.unwrap(),
        "renewed shorter"
    );
    assert!(
        !store.lease_outbox(c.id, second, ttl).await.unwrap(),
        "still running"
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert!(
        store.lease_outbox(c.id, second, ttl).await.unwrap(),
        "lapsed"
    );
    assert!(
        !store.lease_outbox(c.id, first, ttl).await.unwrap(),
        "taken over"
    );
    store.release_outbox(c.id, second).await.unwrap();
    assert!(store.lease_outbox(c.id, first, ttl).await.unwrap());
}

/// Issue 17: a requested role is no membership until decided; a decision happens once; taking
/// access away (membership, account, second factor, sessions) commits with its audit entry.
async fn roles_wait_for_their_decision_and_access_can_be_taken_away(db: Arc<dyn Store>) {
    use breachdesk_core::audit::AuditEvent;
    use breachdesk_core::grant::GrantRequest;
    use breachdesk_core::ports::{SessionRecord, SessionStage};
    let s = &*db;
    let uni = org(s, "uni").await;
    let now = at("2026-03-01T10:00:00Z");
    let user = |email: &str| NewUser {
        id: Uuid::now_v7(),
        email: email.into(),
        password_hash: "!unset".into(),
        created_at: now,
    };
    let admin = s.ensure_user(&user("admin@uni.example")).await.unwrap().id;
    let dpo = s.ensure_user(&user("dpo@uni.example")).await.unwrap().id;
    let event = |action: &'static str| AuditEvent {
        actor: Some(admin),
        org_id: Some(uni.id),
        case_id: None,
        action,
        detail: String::new(),
    };
    let request = GrantRequest {
        id: Uuid::now_v7(),
        user_id: admin,
        email: "admin@uni.example".into(),
        org_id: uni.id,
        role: Role::Dpo,
        requested_by: admin,
        requested_at: now,
    };
    s.request_grant(&request, &event("admin.role_request"))
        .await
        .unwrap();
    let again = GrantRequest {
        id: Uuid::now_v7(),
        ..request.clone()
    };
    assert!(matches!(
        s.request_grant(&again, &event("admin.role_request")).await,
        Err(StoreError::Conflict(
            breachdesk_core::ports::Conflict::RoleRequest
        ))
    ));
    let open = s.open_grants(&[uni.id]).await.unwrap();
    assert_eq!(open, std::slice::from_ref(&request));
    let p = s.principal_by_user(admin).await.unwrap().unwrap();
    assert!(p.memberships.is_empty(), "a request is no membership");
    s.decide_grant(request.id, dpo, true, &event("admin.role_confirm"), now)
        .await
        .unwrap();
    assert!(matches!(
        s.decide_grant(request.id, dpo, false, &event("admin.role_refuse"), now)
            .await,
        Err(StoreError::NotFound)
    ));
    let p = s.principal_by_user(admin).await.unwrap().unwrap();
    assert_eq!(p.memberships.len(), 1);
    assert!(s.open_grants(&[uni.id]).await.unwrap().is_empty());

    // Taking it away again.
    s.remove_membership(
        &UserRole {
            user_id: admin,
            org_id: uni.id,
            role: Role::Dpo,
        },
        &event("admin.role_remove"),
        now,
    )
    .await
    .unwrap();
    assert!(matches!(
        s.remove_membership(
            &UserRole {
                user_id: admin,
                org_id: uni.id,
                role: Role::Dpo
            },
            &event("admin.role_remove"),
            now
        )
        .await,
        Err(StoreError::NotFound)
    ));
    s.grant_role(
        &UserRole {
            user_id: dpo,
            org_id: uni.id,
            role: Role::Dpo,
        },
        &event("admin.role_grant"),
        now,
    )
    .await
    .unwrap();
    s.create_token(Uuid::now_v7(), dpo, &[5; 32], now)
        .await
        .unwrap();
    s.create_session(&SessionRecord {
        id_hash: vec![6; 32],
        user_id: dpo,
        stage: SessionStage::Full,
        csrf_token: "c".into(),
        created_at: now,
        last_seen_at: now,
        ended: false,
    })
    .await
    .unwrap();
    s.set_user_disabled(dpo, true, &event("admin.account_disable"), now)
        .await
        .unwrap();
    assert!(s.principal_by_user(dpo).await.unwrap().is_none());
    assert!(s.principal_by_token(&[5; 32], now).await.unwrap().is_none());
    assert!(s.session(&[6; 32]).await.unwrap().unwrap().ended);
    // A disabled account leaves the member lists and is listed among the disabled, roles kept.
    assert!(
        !s.members(&[uni.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == dpo)
    );
    let disabled = s.disabled_members(&[uni.id]).await.unwrap();
    assert_eq!(
        disabled
            .iter()
            .map(|m| (m.user_id, m.role))
            .collect::<Vec<_>>(),
        [(dpo, Role::Dpo)]
    );
    s.set_user_disabled(dpo, false, &event("admin.account_enable"), now)
        .await
        .unwrap();
    assert!(s.principal_by_user(dpo).await.unwrap().is_some());
    assert!(s.disabled_members(&[uni.id]).await.unwrap().is_empty());
    assert!(
        s.principal_by_token(&[5; 32], now).await.unwrap().is_none(),
        "revoked tokens stay revoked"
    );
    s.reset_second_factor(dpo, &event("admin.second_factor_reset"), now)
        .await
        .unwrap();
    let actions: Vec<String> = s
        .audit_trail(None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    for a in [
        "admin.role_request",
        "admin.role_confirm",
        "admin.role_remove",
        "admin.role_grant",
        "admin.account_disable",
        "admin.account_enable",
        "admin.second_factor_reset",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
}

/// Intakes arriving at once (as from several servers) take distinct, consecutive references.
async fn concurrent_intakes_take_consecutive_references(db: Arc<dyn Store>) {
    let uni = org(&*db, "uni").await;
    let t = at("2026-03-01T10:00:00Z");
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = Arc::clone(&db);
            let (c, r) = intake(uni.id, &format!("{i:08}"), t);
            tokio::spawn(async move { store.insert_intake(&c, &r, 2026).await })
        })
        .collect();
    let mut refs = Vec::new();
    for task in tasks {
        refs.push(task.await.unwrap().unwrap());
    }
    refs.sort();
    let expected: Vec<String> = (1..=16).map(|n| format!("UNI-2026-{n:04}")).collect();
    assert_eq!(refs, expected);
    let trail = db.audit_trail(None).await.unwrap();
    assert_eq!(trail.len(), 16);
    assert!(breachdesk_core::audit::verify(&trail).is_empty());
}

/// Delivery runs claiming at once never get the same message; each is claimed exactly once.
async fn concurrent_claims_never_share_a_message(db: Arc<dyn Store>) {
    use breachdesk_core::ports::NewOutboxMessage;
    let uni = org(&*db, "uni").await;
    let t = at("2026-03-01T10:00:00Z");
    let (c, r) = intake(uni.id, "12345678", t);
    db.insert_intake(&c, &r, 2026).await.unwrap();
    let messages: Vec<NewOutboxMessage> = (1..=60)
        .map(|seq| NewOutboxMessage {
            id: Uuid::now_v7(),
            seq,
            body: vec![1],
        })
        .collect();
    assert_eq!(db.queue_messages(c.id, 1, &messages, t).await.unwrap(), 60);
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let store = Arc::clone(&db);
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let got = store.claim_messages(c.id, 7, t).await.unwrap();
                    if got.is_empty() {
                        break mine;
                    }
                    mine.extend(got.into_iter().map(|m| m.seq));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort_unstable();
    assert_eq!(all, (1..=60).collect::<Vec<u64>>());
    assert_eq!(db.outbox_counts(c.id).await.unwrap().sending, 60);
}

/// The last DPO and the last administrator are kept by the store itself: two removals (or a
/// removal and a disabling) of an organisation's two DPOs at the same moment — two servers —
/// leave one; the operator's unguarded path still takes the last one away.
async fn the_last_dpo_is_kept_even_against_simultaneous_removals(db: Arc<dyn Store>) {
    use breachdesk_core::ports::{Conflict, UserRole};
    let uni = org(&*db, "uni").await;
    let now = at("2026-11-20T08:00:00Z");
    let event = breachdesk_core::audit::AuditEvent {
        actor: None,
        org_id: Some(uni.id),
        case_id: None,
        action: "admin.role_remove",
        detail: String::new(),
    };
    for round in 0..6 {
        let mut dpos = Vec::new();
        for who in ["a", "b"] {
            let id = db
                .ensure_user(&NewUser {
                    id: Uuid::now_v7(),
                    email: format!("dpo-{who}-{round}@uni.example"),
                    password_hash: "$argon2id$fake".into(),
                    created_at: now,
                })
                .await
                .unwrap()
                .id;
            db.add_membership(
                &UserRole {
                    user_id: id,
                    org_id: uni.id,
                    role: Role::Dpo,
                },
                now,
            )
            .await
            .unwrap();
            dpos.push(id);
        }
        let (a, b) = (dpos[0], dpos[1]);
        let (s1, s2) = (Arc::clone(&db), Arc::clone(&db));
        let (e1, e2) = (event.clone(), event.clone());
        let org_id = uni.id;
        let first = tokio::spawn(async move {
            s1.remove_membership_keeping_last(
                &UserRole {
                    user_id: a,
                    org_id,
                    role: Role::Dpo,
                },
                &e1,
                now,
            )
            .await
        });
        let second = tokio::spawn(async move {
            if round % 2 == 0 {
                s2.remove_membership_keeping_last(
                    &UserRole {
                        user_id: b,
                        org_id,
                        role: Role::Dpo,
                    },
                    &e2,
                    now,
                )
                .await
            } else {
                s2.disable_user_keeping_last(b, &e2, now).await
            }
        });
        let results = [first.await.unwrap(), second.await.unwrap()];
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "round {round}: {results:?}"
        );
        assert!(
            results.iter().any(|r| matches!(
                r,
                Err(StoreError::Conflict(Conflict::LastHolder(Role::Dpo)))
            )),
            "{results:?}"
        );
        let active: Vec<Uuid> = db
            .members(&[uni.id])
            .await
            .unwrap()
            .iter()
            .filter(|m| m.role == Role::Dpo)
            .map(|m| m.user_id)
            .collect();
        assert_eq!(active.len(), 1, "round {round}: one DPO stays");
        // The last one: refused on the guarded paths, taken away on the operator's.
        let last = active[0];
        assert!(matches!(
            db.disable_user_keeping_last(last, &event, now).await,
            Err(StoreError::Conflict(Conflict::LastHolder(Role::Dpo)))
        ));
        db.remove_membership(
            &UserRole {
                user_id: last,
                org_id: uni.id,
                role: Role::Dpo,
            },
            &event,
            now,
        )
        .await
        .unwrap();
        // The other's disabled account keeps its role row: clean it for the next round.
        for id in [a, b] {
            let _ = db
                .remove_membership(
                    &UserRole {
                        user_id: id,
                        org_id: uni.id,
                        role: Role::Dpo,
                    },
                    &event,
                    now,
                )
                .await;
        }
    }
}

/// Concurrent sign-in attempts cannot outrun the lock-out count.
async fn concurrent_login_attempts_are_counted_one_by_one(db: Arc<dyn Store>) {
    let now = at("2026-11-20T08:00:00Z");
    let until = at("2026-11-20T09:00:00Z");
    let u = db
        .ensure_user(&NewUser {
            id: Uuid::now_v7(),
            email: "dpo@uni.example".into(),
            password_hash: "$argon2id$fake".into(),
            created_at: now,
        })
        .await
        .unwrap()
        .id;
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let store = Arc::clone(&db);
            tokio::spawn(async move { store.reserve_login_attempt(u, 5, until, now).await })
        })
        .collect();
    let mut reserved = 0;
    for task in tasks {
        if task.await.unwrap().unwrap() {
            reserved += 1;
        }
    }
    assert_eq!(reserved, 5, "at most max attempts per lock-out window");
}

/// The rest of the port: health probes, the organisation list, members, account settings,
/// an organisation's wording, attachments, the remaining case fields and ending all sessions.
async fn the_remaining_methods_keep_their_promises(db: Arc<dyn Store>) {
    use breachdesk_core::audit::AuditEvent;
    use breachdesk_core::ports::{
        CaseChange, NewAttachment, NewCaseEntry, SessionRecord, SessionStage,
    };
    let now = at("2026-11-20T08:00:00Z");
    db.ping().await.unwrap();
    db.ping_writer(now).await.unwrap();
    db.ping_writer(now).await.unwrap();
    assert_eq!(db.writer_fault(), None);

    let museum = org(&*db, "museum").await;
    let uni = org(&*db, "uni").await;
    assert_eq!(
        db.organisations()
            .await
            .unwrap()
            .iter()
            .map(|o| o.slug.as_str().to_owned())
            .collect::<Vec<_>>(),
        ["museum", "uni"],
        "by name"
    );
    let user = |email: &str| NewUser {
        id: Uuid::now_v7(),
        email: email.into(),
        password_hash: "$argon2id$old".into(),
        created_at: now,
    };
    let dpo = db.ensure_user(&user("dpo@uni.example")).await.unwrap().id;
    let auditor = db
        .ensure_user(&user("auditor@uni.example"))
        .await
        .unwrap()
        .id;
    let curator = db
        .ensure_user(&user("curator@museum.example"))
        .await
        .unwrap()
        .id;
    db.add_membership(
        &UserRole {
            user_id: dpo,
            org_id: uni.id,
            role: Role::Dpo,
        },
        now,
    )
    .await
    .unwrap();
    db.add_membership(
        &UserRole {
            user_id: auditor,
            org_id: uni.id,
            role: Role::Auditor,
        },
        now,
    )
    .await
    .unwrap();
    db.add_membership(
        &UserRole {
            user_id: curator,
            org_id: museum.id,
            role: Role::Dpo,
        },
        now,
    )
    .await
    .unwrap();
    let members = db.members(&[uni.id]).await.unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| (m.user_id, m.role))
            .collect::<Vec<_>>(),
        [(auditor, Role::Auditor), (dpo, Role::Dpo)],
        "by e-mail"
    );
    assert_eq!(db.members(&[uni.id, museum.id]).await.unwrap().len(), 3);
    assert!(db.members(&[]).await.unwrap().is_empty());
    assert!(db.disabled_members(&[uni.id]).await.unwrap().is_empty());

    // Account settings.
    db.require_password_change(dpo).await.unwrap();
    let a = db.user_auth_by_id(dpo).await.unwrap().unwrap();
    assert!(a.password_change_required);
    assert_eq!(a.language, Language::Fi);
    db.set_preferred_language(dpo, Language::Sv).await.unwrap();
    assert_eq!(
        db.user_auth_by_id(dpo).await.unwrap().unwrap().language,
        Language::Sv
    );
    db.set_password(dpo, "$argon2id$new").await.unwrap();
    db.set_display_name(dpo, "Dana P. O.").await.unwrap();
    let a = db
        .user_auth_by_email("dpo@uni.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            a.password_hash.as_str(),
            a.password_change_required,
            a.display_name.as_deref()
        ),
        ("$argon2id$new", false, Some("Dana P. O."))
    );
    assert!(
        db.user_auth_by_email("nobody@uni.example")
            .await
            .unwrap()
            .is_none()
    );

    // An organisation's wording: replaced as a whole, empty text removes a language.
    let event = |action: &'static str| AuditEvent {
        actor: Some(dpo),
        org_id: Some(uni.id),
        case_id: None,
        action,
        detail: String::new(),
    };
    db.set_org_templates(
        uni.id,
        &[
            template(Language::Sv, "a = b"),
            template(Language::Fi, "c = d"),
        ],
        &event("org.templates"),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        db.org_templates(uni.id).await.unwrap(),
        [
            template(Language::Fi, "c = d"),
            template(Language::Sv, "a = b")
        ]
    );
    db.set_org_templates(
        uni.id,
        &[template(Language::Sv, " "), template(Language::En, "e = f")],
        &event("org.templates"),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        db.org_templates(uni.id).await.unwrap(),
        [template(Language::En, "e = f")]
    );
    assert!(db.org_templates(museum.id).await.unwrap().is_empty());

    // The remaining case fields, an attachment, assignees and shares taken away.
    let (c, r) = intake(uni.id, "33333333", now);
    db.insert_intake(&c, &r, 2026).await.unwrap();
    let (other_case, other_report) = intake(uni.id, "44444444", now);
    db.insert_intake(&other_case, &other_report, 2026)
        .await
        .unwrap();
    let attachment = Uuid::now_v7();
    let change = CaseChange {
        case_id: c.id,
        status: Some(CaseStatus::Closed),
        notified_at: Some(at("2026-11-21T08:00:00Z")),
        notification_required: Some(false),
        merged_into: Some(other_case.id),
        add_assignee: Some(dpo),
        add_share: Some(NewShare {
            user_id: curator,
            granted_by: dpo,
        }),
        attachment: Some(NewAttachment {
            id: attachment,
            size: 3,
            body: vec![9, 9, 9],
        }),
        entry: Some(NewCaseEntry {
            id: Uuid::now_v7(),
            kind: "attachment",
            created_by: Some(dpo),
            body: vec![1],
        }),
        ..CaseChange::default()
    };
    db.change_case(&change, &event("case.close"), now)
        .await
        .unwrap();
    let case = db.case_by_id(c.id).await.unwrap().unwrap();
    assert_eq!(case.status, CaseStatus::Closed);
    assert_eq!(case.notified_at, Some(at("2026-11-21T08:00:00Z")));
    assert_eq!(case.notification_required, Some(false));
    assert_eq!(case.merged_into, Some(other_case.id));
    assert_eq!(
        (case.assignees, case.shared_with),
        (vec![dpo], vec![curator])
    );
    assert_eq!(
        db.attachment(c.id, attachment).await.unwrap(),
        Some(vec![9, 9, 9])
    );
    assert_eq!(
        db.attachment(other_case.id, attachment).await.unwrap(),
        None,
        "another case's"
    );
    let change = CaseChange {
        case_id: c.id,
        expected_status: Some(CaseStatus::Closed),
        notification_required: Some(true),
        remove_assignee: Some(dpo),
        remove_share: Some(curator),
        entry: Some(NewCaseEntry {
            id: Uuid::now_v7(),
            kind: "note",
            created_by: None,
            body: vec![2],
        }),
        ..CaseChange::default()
    };
    db.change_case(&change, &event("case.unshare"), now)
        .await
        .unwrap();
    let case = db.case_by_id(c.id).await.unwrap().unwrap();
    assert_eq!(case.notification_required, Some(true));
    assert!(case.assignees.is_empty() && case.shared_with.is_empty());
    assert_eq!(
        db.case_entries(c.id)
            .await
            .unwrap()
            .iter()
            .map(|e| e.kind.as_str())
            .collect::<Vec<_>>(),
        ["attachment", "note"],
        "entries of the same instant in the order written"
    );

    // Ending every session of a user.
    for i in 0..3u8 {
        db.create_session(&SessionRecord {
            id_hash: vec![i; 32],
            user_id: dpo,
            stage: SessionStage::Full,
            csrf_token: "c".into(),
            created_at: now,
            last_seen_at: now,
            ended: false,
        })
        .await
        .unwrap();
    }
    db.end_session(&[0; 32], now).await.unwrap();
    assert_eq!(
        db.end_sessions_of(dpo, &event("admin.sessions_end"), now)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        db.end_sessions_of(dpo, &event("admin.sessions_end"), now)
            .await
            .unwrap(),
        0
    );
    assert!(db.session(&[2; 32]).await.unwrap().unwrap().ended);
    assert!(breachdesk_core::audit::verify(&db.audit_trail(None).await.unwrap()).is_empty());
    assert_eq!(db.writer_fault(), None);
}

/// Guarded writes racing each other (as from several servers): exactly one status change made
/// on the same status, one lease holder, one reminder, one use of a one-time link.
async fn guarded_writes_let_exactly_one_concurrent_writer_through(db: Arc<dyn Store>) {
    use breachdesk_core::audit::AuditEvent;
    use breachdesk_core::ports::{CaseChange, Conflict, SetupPurpose};
    let uni = org(&*db, "uni").await;
    let t = at("2026-03-01T10:00:00Z");
    let until = at("2026-03-01T10:00:15Z");
    let (c, r) = intake(uni.id, "12345678", t);
    db.insert_intake(&c, &r, 2026).await.unwrap();
    db.create_setup_token(b"link", None, SetupPurpose::Account, t, until)
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = Arc::clone(&db);
            tokio::spawn(async move {
                let change = CaseChange {
                    case_id: c.id,
                    expected_status: Some(CaseStatus::Received),
                    status: Some(if i % 2 == 0 {
                        CaseStatus::Triage
                    } else {
                        CaseStatus::Unfounded
                    }),
                    ..CaseChange::default()
                };
                let audit = AuditEvent {
                    actor: None,
                    org_id: None,
                    case_id: Some(c.id),
                    action: "case.status",
                    detail: String::new(),
                };
                let changed = match store.change_case(&change, &audit, t).await {
                    Ok(()) => true,
                    Err(StoreError::Conflict(Conflict::CaseStatus)) => false,
                    Err(e) => panic!("{e:?}"),
                };
                let leased = store
                    .lease_outbox(c.id, Uuid::new_v4(), std::time::Duration::from_secs(15))
                    .await
                    .unwrap();
                let reminded = store.mark_reminder_sent(c.id, 24, t).await.unwrap();
                let linked = store.take_setup_token(b"link", t).await.unwrap();
                [changed, leased, reminded, linked]
            })
        })
        .collect();
    let mut wins = [0; 4];
    for task in tasks {
        for (n, won) in wins.iter_mut().zip(task.await.unwrap()) {
            *n += usize::from(won);
        }
    }
    assert_eq!(wins, [1; 4], "status change, lease, reminder, link");
    let trail = db.audit_trail(Some(c.id)).await.unwrap();
    assert_eq!(trail.len(), 2, "the intake and the one change");
}

/// Issue 19: the attempt counters — fixed windows, failures and waits — counted one by one
/// under concurrency, and forgotten when pruned.
async fn attempt_counters_count_windows_failures_and_waits(db: Arc<dyn Store>) {
    let counters = db.counters();
    let (a, b) = ([1u8; 32], [2u8; 32]);
    let minute = jiff::SignedDuration::from_mins(1);
    let t = at("2026-03-01T10:00:10Z");
    assert_eq!(counters.hit(&a, minute, t).await.unwrap(), 1);
    assert_eq!(
        counters
            .hit(&a, minute, at("2026-03-01T10:00:59Z"))
            .await
            .unwrap(),
        2
    );
    assert_eq!(counters.hit(&b, minute, t).await.unwrap(), 1, "another key");
    assert_eq!(
        counters
            .hit(&a, minute, at("2026-03-01T10:01:00Z"))
            .await
            .unwrap(),
        1,
        "the next window"
    );
    // Concurrent hits are each counted once: no two see the same count.
    let mut hits = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let c = counters.clone();
        hits.spawn(async move { c.hit(&[3u8; 32], minute, t).await.unwrap() });
    }
    let mut seen = hits.join_all().await;
    seen.sort_unstable();
    assert_eq!(seen, (1..=20).collect::<Vec<_>>());

    assert_eq!(counters.waiting_until(&a).await.unwrap(), None);
    assert_eq!(counters.fail(&a, t).await.unwrap(), 1);
    assert_eq!(counters.fail(&a, t).await.unwrap(), 2);
    let until = at("2026-03-01T11:00:00Z");
    counters.wait_until(&a, until).await.unwrap();
    counters
        .wait_until(&a, at("2026-03-01T10:30:00Z"))
        .await
        .unwrap();
    assert_eq!(
        counters.waiting_until(&a).await.unwrap(),
        Some(until),
        "the later wait stays"
    );
    assert_eq!(counters.waiting_until(&b).await.unwrap(), None);
    counters.clear(&a).await.unwrap();
    assert_eq!(counters.waiting_until(&a).await.unwrap(), None);
    assert_eq!(counters.fail(&a, t).await.unwrap(), 1, "counted afresh");

    // Pruning forgets ended windows and quiet failures without a running wait, nothing else.
    counters.fail(&b, t).await.unwrap();
    counters.wait_until(&b, until).await.unwrap();
    let later = at("2026-03-01T10:40:00Z");
    counters.prune(later, later).await.unwrap();
    assert_eq!(
        counters.waiting_until(&b).await.unwrap(),
        Some(until),
        "still waiting"
    );
    assert_eq!(
        counters.fail(&a, later).await.unwrap(),
        1,
        "quiet failures forgotten"
    );
    assert_eq!(
        counters.hit(&b, minute, t).await.unwrap(),
        1,
        "ended window forgotten"
    );
}

/// Issue 21: a case is due once its retention date has come, unless a hold stands; destroying
/// it removes every row of its content with its key in one transaction and keeps a tombstone;
/// a hold refuses destruction, an ended hold does not; a destroyed case cannot be held or
/// destroyed again.
async fn destruction_takes_every_row_and_the_key_and_never_a_held_case(db: Arc<dyn Store>) {
    use breachdesk_core::ports::{Conflict, Destruction, Hold, StoreError};
    let uni = org(&*db, "uni").await;
    let (c, r) = intake(uni.id, "31111111", at("2026-03-01T10:00:00Z"));
    db.insert_intake(&c, &r, 2026).await.unwrap();
    db.insert_supplement(&NewSupplement {
        id: Uuid::now_v7(),
        report_id: r.id,
        created_at: at("2026-03-02T10:00:00Z"),
        body: vec![7; 8],
    })
    .await
    .unwrap();
    let (other, other_report) = intake(uni.id, "32222222", at("2026-03-01T11:00:00Z"));
    db.insert_intake(&other, &other_report, 2026).await.unwrap();
    let event = |action: &'static str| breachdesk_core::audit::AuditEvent {
        actor: None,
        org_id: Some(uni.id),
        case_id: Some(c.id),
        action,
        detail: String::new(),
    };
    let now = at("2036-04-01T00:00:00Z");
    assert!(
        db.cases_due(now).await.unwrap().is_empty(),
        "no date, never due"
    );
    db.set_retention(c.id, Some(at("2036-03-01T00:00:00Z")))
        .await
        .unwrap();
    db.set_retention(other.id, Some(at("2036-06-01T00:00:00Z")))
        .await
        .unwrap();
    let due: Vec<Uuid> = db
        .cases_due(now)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(due, [c.id], "only what is due");

    // A hold: not due, not destroyable; an ended hold is neither.
    let hold = Hold {
        reason: "police investigation 2036/12".into(),
        until: Some(at("2036-05-01T00:00:00Z")),
        set_by: Uuid::now_v7(),
        set_at: at("2036-03-15T00:00:00Z"),
    };
    let unknown_user = db
        .set_hold(c.id, Some(&hold), &event("case.hold"), now)
        .await;
    assert!(unknown_user.is_err(), "the one who holds is an account");
    let dpo = db
        .ensure_user(&NewUser {
            id: Uuid::now_v7(),
            email: "dpo@uni.example".into(),
            password_hash: "x".into(),
            created_at: Timestamp::UNIX_EPOCH,
        })
        .await
        .unwrap()
        .id;
    let hold = Hold {
        set_by: dpo,
        ..hold
    };
    db.set_hold(c.id, Some(&hold), &event("case.hold"), now)
        .await
        .unwrap();
    let on_hold = db.case_by_id(c.id).await.unwrap().unwrap();
    assert_eq!(on_hold.hold.as_ref(), Some(&hold));
    assert!(db.cases_due(now).await.unwrap().is_empty(), "held, not due");
    let destruction = Destruction {
        case_id: c.id,
        tombstone: r#"{"reference":"UNI-2026-0001"}"#.into(),
        reason: "retention".into(),
        by: None,
    };
    let refused = db
        .destroy_case(&destruction, &event("case.destroy"), now)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(Conflict::Held))),
        "{refused:?}"
    );
    assert_eq!(
        db.reports_of_case(c.id).await.unwrap().len(),
        1,
        "nothing went"
    );
    let after_hold = at("2036-05-02T00:00:00Z");
    let due: Vec<Uuid> = db
        .cases_due(after_hold)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(due, [c.id], "an ended hold stops nothing");

    // Destroyed: content and key gone, the tombstone and the audit entry there, the other case
    // untouched.
    // A duplicate merged into the case goes with it, and its own hold stops both.
    let (dup, dup_report) = intake(uni.id, "33333333", at("2026-03-01T12:00:00Z"));
    db.insert_intake(&dup, &dup_report, 2026).await.unwrap();
    db.change_case(
        &breachdesk_core::ports::CaseChange {
            case_id: dup.id,
            merged_into: Some(c.id),
            ..breachdesk_core::ports::CaseChange::default()
        },
        &event("case.merge"),
        now,
    )
    .await
    .unwrap();
    // The case's hold keeps its duplicate too, even when the duplicate's own date has come.
    db.set_retention(dup.id, Some(at("2030-01-01T00:00:00Z")))
        .await
        .unwrap();
    assert!(
        db.cases_due(now)
            .await
            .unwrap()
            .iter()
            .all(|x| x.id != dup.id),
        "the duplicate of a held case is not due"
    );
    let dup_destruction = Destruction {
        case_id: dup.id,
        ..destruction.clone()
    };
    assert!(matches!(
        db.destroy_case(&dup_destruction, &event("case.destroy"), now)
            .await,
        Err(StoreError::Conflict(Conflict::Held))
    ));
    db.set_retention(dup.id, None).await.unwrap();
    let dup_hold = Hold {
        until: None,
        ..hold.clone()
    };
    db.set_hold(dup.id, Some(&dup_hold), &event("case.hold"), now)
        .await
        .unwrap();
    // The case's own hold has ended by then: only the duplicate's stops it.
    assert!(matches!(
        db.destroy_case(&destruction, &event("case.destroy"), after_hold)
            .await,
        Err(StoreError::Conflict(Conflict::Held))
    ));
    assert_eq!(
        db.reports_of_case(c.id).await.unwrap().len(),
        1,
        "nothing went"
    );
    db.set_hold(dup.id, None, &event("case.hold_lifted"), now)
        .await
        .unwrap();
    let trail_before = db.audit_trail(Some(c.id)).await.unwrap().len();
    assert!(db.destroyed_case_ids().await.unwrap().is_empty());
    let destroyed = db
        .destroy_case(&destruction, &event("case.destroy"), after_hold)
        .await
        .unwrap();
    assert_eq!(destroyed, vec![c.id, dup.id], "the case and its duplicate");
    let mut all_destroyed = db.destroyed_case_ids().await.unwrap();
    all_destroyed.sort();
    let mut expected = vec![c.id, dup.id];
    expected.sort();
    assert_eq!(all_destroyed, expected);
    let gone = db.case_by_id(c.id).await.unwrap().unwrap();
    assert!(gone.wrapped_key.0.is_empty(), "the data key is gone");
    assert_eq!(gone.destroyed_at, Some(after_hold));
    assert_eq!(
        gone.tombstone.as_deref(),
        Some(destruction.tombstone.as_str())
    );
    assert!(gone.hold.is_none());
    assert!(db.reports_of_case(c.id).await.unwrap().is_empty());
    assert!(db.supplements_of_report(r.id).await.unwrap().is_empty());
    assert!(db.case_entries(c.id).await.unwrap().is_empty());
    assert_eq!(
        db.audit_trail(Some(c.id)).await.unwrap().len(),
        trail_before + 1
    );
    assert_eq!(db.reports_of_case(other.id).await.unwrap().len(), 1);
    let dup_gone = db.case_by_id(dup.id).await.unwrap().unwrap();
    assert!(dup_gone.destroyed_at.is_some() && dup_gone.wrapped_key.0.is_empty());
    assert!(
        db.reports_of_case(dup.id).await.unwrap().is_empty(),
        "the duplicate went too"
    );
    assert!(
        db.cases_due(at("2037-01-01T00:00:00Z"))
            .await
            .unwrap()
            .iter()
            .all(|x| x.id != c.id)
    );
    assert!(matches!(
        db.destroy_case(&destruction, &event("case.destroy"), after_hold)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.set_hold(c.id, Some(&hold), &event("case.hold"), after_hold)
            .await,
        Err(StoreError::NotFound)
    ));

    // Keys from before the key vault (first byte not 2) are listed for binding; binding is a
    // compare and set; a destroyed case's key is neither listed nor bound, nor is an empty one
    // (which must not break the query either).
    let (empty, empty_report) = intake(uni.id, "34444444", at("2026-03-01T13:00:00Z"));
    let empty = breachdesk_core::ports::NewCase {
        wrapped_key: WrappedKey(Vec::new()),
        ..empty
    };
    db.insert_intake(&empty, &empty_report, 2026).await.unwrap();
    let legacy = db.cases_without_vault().await.unwrap();
    assert_eq!(
        legacy.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        vec![other.id]
    );
    let bound = WrappedKey([vec![2], vec![9; 80]].concat());
    assert!(
        !db.rebind_case_key(other.id, &WrappedKey(vec![1; 72]), &bound)
            .await
            .unwrap(),
        "not the key it holds: unchanged"
    );
    assert!(
        db.rebind_case_key(other.id, &legacy[0].1, &bound)
            .await
            .unwrap()
    );
    assert_eq!(
        db.case_by_id(other.id).await.unwrap().unwrap().wrapped_key,
        bound
    );
    assert!(db.cases_without_vault().await.unwrap().is_empty());
    assert!(
        !db.rebind_case_key(c.id, &WrappedKey(Vec::new()), &bound)
            .await
            .unwrap()
    );
}

/// Runs each test body once per backend: `sqlite::<name>` and `postgres::<name>`.
macro_rules! conformance {
    ($($name:ident = $body:path),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::backend::sqlite($body).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::backend::postgres($body).await;
                }
            )*
        }
    };
}

conformance! {
    mail_messages_are_stored_once_and_thread_replies = crate::mail_messages_are_stored_once_and_thread_replies,
    organisations_are_found_by_slug_and_slugs_are_unique = crate::organisations_are_found_by_slug_and_slugs_are_unique,
    references_count_per_organisation_and_year = crate::references_count_per_organisation_and_year,
    an_intake_is_all_or_nothing = crate::an_intake_is_all_or_nothing,
    cases_and_reports_come_back_as_stored_and_only_for_the_asked_organisations = crate::cases_and_reports_come_back_as_stored_and_only_for_the_asked_organisations,
    receipt_failures_lock_and_reset = crate::receipt_failures_lock_and_reset,
    supplements_are_kept_in_order_and_touch_the_case = crate::supplements_are_kept_in_order_and_touch_the_case,
    tokens_resolve_to_principals_with_their_memberships = crate::tokens_resolve_to_principals_with_their_memberships,
    a_case_change_is_applied_with_its_audit_entry_or_not_at_all = crate::handling::a_case_change_is_applied_with_its_audit_entry_or_not_at_all,
    the_audit_trail_chains_across_writers_and_reminders_go_once = crate::handling::the_audit_trail_chains_across_writers_and_reminders_go_once,
    second_factor_setup_links_and_sessions = crate::handling::second_factor_setup_links_and_sessions,
    the_outbox_queues_each_recipient_once_and_recovers_what_a_dead_run_left = crate::the_outbox_queues_each_recipient_once_and_recovers_what_a_dead_run_left,
    roles_wait_for_their_decision_and_access_can_be_taken_away = crate::roles_wait_for_their_decision_and_access_can_be_taken_away,
    concurrent_intakes_take_consecutive_references = crate::concurrent_intakes_take_consecutive_references,
    concurrent_claims_never_share_a_message = crate::concurrent_claims_never_share_a_message,
    concurrent_login_attempts_are_counted_one_by_one = crate::concurrent_login_attempts_are_counted_one_by_one,
    the_last_dpo_is_kept_even_against_simultaneous_removals = crate::the_last_dpo_is_kept_even_against_simultaneous_removals,
    the_remaining_methods_keep_their_promises = crate::the_remaining_methods_keep_their_promises,
    guarded_writes_let_exactly_one_concurrent_writer_through = crate::guarded_writes_let_exactly_one_concurrent_writer_through,
    attempt_counters_count_windows_failures_and_waits = crate::attempt_counters_count_windows_failures_and_waits,
    a_report_keeps_its_channel_and_who_took_it = crate::a_report_keeps_its_channel_and_who_took_it,
    early_deletion_honours_the_holds_of_merged_cases = crate::early_deletion_honours_the_holds_of_merged_cases,
    destruction_takes_every_row_and_the_key_and_never_a_held_case = crate::destruction_takes_every_row_and_the_key_and_never_a_held_case,
}

/// `PostgreSQL`: `connect` opens a `postgres://` URL, and what one store committed is there for
/// a second one on the same schema (another server).
#[tokio::test]
async fn postgres_urls_open_through_connect_and_data_is_shared() {
    let Some(schema) = backend::Schema::create().await else {
        return;
    };
    let first = breachdesk_store::PgStore::open_with(schema.options())
        .await
        .unwrap();
    let uni = org(&first, "uni").await;
    let (c, r) = intake(uni.id, "22222222", at("2026-03-01T10:00:00Z"));
    first.insert_intake(&c, &r, 2026).await.unwrap();
    // Through the URL an operator passes: migrating again is a no-op, the case is there.
    let dir = tempfile::tempdir().unwrap();
    let second = breachdesk_store::connect(Some(&schema.url()), dir.path()).await;
    let reference = match &second {
        Ok(store) => store.case_by_id(c.id).await.map(|c| c.map(|c| c.reference)),
        Err(e) => Err(breachdesk_core::ports::StoreError::Other(
            e.to_string().into(),
        )),
    };
    first.close().await;
    drop(second);
    schema.drop_schema().await;
    assert_eq!(reference.unwrap().as_deref(), Some("UNI-2026-0001"));
    assert!(
        !dir.path().join("breachdesk.db").exists(),
        "no SQLite file made"
    );
}

fn outcome(message_id: Uuid, outcome: DeliveryOutcome) -> MessageOutcome {
    MessageOutcome {
        message_id,
        outcome,
    }
}

fn bounce(message_id: Uuid, status: &str) -> Bounce {
    Bounce {
        message_id,
        status: status.to_owned(),
    }
}

fn failed(seq: u64, reply: &str) -> FailedMessage {
    FailedMessage {
        seq,
        reply: reply.to_owned(),
    }
}

fn template(language: Language, ftl: &str) -> OrgTemplate {
    OrgTemplate {
        language,
        ftl: ftl.to_owned(),
    }
}
