//! The end of a case's life (issue 21): a case found unfounded gets its retention date, a legal
//! hold set by the DPO keeps it past that date through any retention run, and once the hold is
//! lifted the run destroys it — key and content gone from the database and its log, a tombstone
//! left in the register, the audit chain intact.

use breachdesk_core::ports::Keyring;
use breachdesk_core::user::Role;
use jiff::SignedDuration;
use uuid::Uuid;

use crate::helpers::{breach, spawn};

async fn case_with(app: &crate::helpers::TestApp, marker: &str) -> Uuid {
    let mut body = breach();
    body["what_happened"] = marker.into();
    let r = app.post_report("uni", &body).await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    v["case_id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_held_case_outlives_its_retention_and_a_destroyed_one_leaves_only_its_tombstone() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let manager = app
        .account(&[(&app.uni, Role::SecurityManager)], "ciso@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    let (held_marker, gone_marker) = ("QZX-HELD-7311 leaked list", "QZX-GONE-9127 leaked list");
    let held = case_with(&app, held_marker).await;
    let gone = case_with(&app, gone_marker).await;
    assert!(
        app.db
            .raw_contents()
            .await
            .windows(13)
            .all(|w| w != b"QZX-GONE-9127"),
        "sealed"
    );

    // Found unfounded: each gets its retention date (a year by default).
    for case in [held, gone] {
        let page = format!("/desk/cases/{case}?lang=en");
        let p = b
            .submit(
                &page,
                &format!("/desk/cases/{case}/status"),
                &[("to", "unfounded"), ("reason", "a test message, no breach")],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let record = app.store.case_by_id(case).await.unwrap().unwrap();
        assert_eq!(
            record.retain_until,
            Some(app.state_now() + SignedDuration::from_hours(24 * 365))
        );
    }
    let page = format!("/desk/cases/{held}?lang=en");
    assert!(b.get(&page).await.body.contains("id=\"retain-until\""));

    // The hold: the DPO's alone, with a reason; a past end is refused.
    let hold_path = format!("/desk/cases/{held}/hold");
    let mut m = app.signed_in(&manager).await;
    let csrf = m.get(&page).await.hidden("csrf_token");
    let r = m
        .post(
            &hold_path,
            &[("csrf_token", &csrf), ("reason", "court case 2027/55")],
        )
        .await;
    assert_eq!(r.status, 403, "the security manager may not hold");
    let r = b.submit(&page, &hold_path, &[("reason", "  ")]).await;
    assert_eq!(r.status, 422);
    let r = b
        .submit(
            &page,
            &hold_path,
            &[("reason", "court case 2027/55"), ("until", "2020-01-01")],
        )
        .await;
    assert_eq!(r.status, 422, "an end in the past");
    let r = b
        .submit(&page, &hold_path, &[("reason", "court case 2027/55")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let shown = b.get(&page).await;
    assert!(
        shown.body.contains("id=\"hold-standing\"") && shown.body.contains("court case 2027/55")
    );

    // A year and a day later: the run destroys the one without a hold, never the held one.
    app.clock.advance(SignedDuration::from_hours(24 * 366));
    let mut b = app.signed_in(&dpo).await;
    // What must go: the wrapped key and the sealed report, as bytes on disk (SQLite; the
    // PostgreSQL suite checks the rows through the store below).
    let sqlite = matches!(app.db.backend, breachdesk_testkit::Backend::Sqlite);
    let key_bytes = app
        .store
        .case_by_id(gone)
        .await
        .unwrap()
        .unwrap()
        .wrapped_key
        .0;
    let sealed_report = app.store.reports_of_case(gone).await.unwrap()[0]
        .body
        .clone();
    let on_disk = |raw: &[u8], needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    if sqlite {
        let raw = app.db.raw_contents().await;
        assert!(
            on_disk(&raw, &key_bytes),
            "the check can see the key before"
        );
        assert!(on_disk(&raw, &sealed_report[..32]), "and the sealed report");
    }
    let report = app.state.run_retention().await.unwrap();
    assert_eq!((report.destroyed, report.held), (1, 0));
    assert_eq!(
        app.state.run_retention().await.unwrap().destroyed,
        0,
        "once"
    );
    let kept = app.store.case_by_id(held).await.unwrap().unwrap();
    assert!(kept.destroyed_at.is_none() && !kept.wrapped_key.0.is_empty());
    assert_eq!(app.store.reports_of_case(held).await.unwrap().len(), 1);
    let destroyed = app.store.case_by_id(gone).await.unwrap().unwrap();
    assert!(destroyed.destroyed_at.is_some() && destroyed.wrapped_key.0.is_empty());
    assert!(app.store.reports_of_case(gone).await.unwrap().is_empty());
    assert_eq!(
        b.get(&format!("/desk/cases/{gone}?lang=en")).await.status,
        404
    );

    // Nothing of it in the database, its log or its tables (the held one is still sealed).
    let raw = app.db.raw_contents().await;
    if sqlite {
        assert!(
            !on_disk(&raw, &key_bytes),
            "the wrapped key is gone from the file and log"
        );
        assert!(
            !on_disk(&raw, &sealed_report[..32]),
            "so is the sealed report"
        );
    }
    assert!(raw.windows(13).all(|w| w != b"QZX-GONE-9127"));
    assert!(
        !String::from_utf8_lossy(&raw).contains("a test message, no breach"),
        "the status reason was in the sealed record and is gone with it"
    );

    // The register still lists it, as its tombstone; the held case shows its hold.
    let register = b.get("/desk/register?lang=en").await;
    assert_eq!(register.status, 200);
    let gone_ref = destroyed.reference.clone();
    assert!(
        register.body.contains(&gone_ref),
        "the tombstone stays in the register"
    );
    assert!(register.body.contains("destroyed "));
    assert!(register.body.contains("legal hold"));
    assert!(
        !register.body.contains(&format!("/desk/cases/{gone}")),
        "no link to a tombstone"
    );

    // Lifted (with a reason), the held case goes at the next run.
    let r = b
        .submit(
            &page,
            &format!("/desk/cases/{held}/hold/lift"),
            &[("reason", "case settled")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(app.state.run_retention().await.unwrap().destroyed, 1);
    assert!(
        app.db
            .raw_contents()
            .await
            .windows(13)
            .all(|w| w != b"QZX-HELD-7311")
    );

    // The audit chain verifies with the destructions in it, and says who held and lifted.
    let trail = app.store.audit_trail(None).await.unwrap();
    assert!(
        breachdesk_core::audit::verify(&trail).is_empty(),
        "the chain verifies"
    );
    let actions: Vec<(&str, Option<Uuid>)> = trail
        .iter()
        .filter(|a| a.case_id == Some(held))
        .map(|a| (a.action.as_str(), a.actor))
        .collect();
    for expected in [
        ("case.hold", Some(dpo.id)),
        ("case.hold_lifted", Some(dpo.id)),
        ("case.destroyed", None),
    ] {
        assert!(actions.contains(&expected), "{expected:?} in {actions:?}");
    }
}

/// Early deletion: the DPO asks, with a reason, for an unfounded case only; a second handler
/// (never the one who asked, never a team member) confirms, and the case goes at once with who
/// and why kept; a legal hold refuses the request.
#[tokio::test]
async fn an_unfounded_case_is_destroyed_early_only_when_a_second_handler_confirms() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let manager = app
        .account(&[(&app.uni, Role::SecurityManager)], "ciso@uni.example")
        .await;
    let team = app
        .account(&[(&app.uni, Role::PrivacyTeam)], "team@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    let case = case_with(&app, "QZX-EARLY-5521 leaked list").await;
    let page = format!("/desk/cases/{case}?lang=en");
    let ask = format!("/desk/cases/{case}/deletion");
    let confirm = format!("/desk/cases/{case}/deletion/confirm");

    // Only an unfounded case, and only with a reason.
    let r = b.submit(&page, &ask, &[("reason", "a test report")]).await;
    assert_eq!(r.status, 422, "not unfounded");
    let r = b
        .submit(
            &page,
            &format!("/desk/cases/{case}/status"),
            &[("to", "unfounded"), ("reason", "a test report")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(b.submit(&page, &ask, &[("reason", " ")]).await.status, 422);
    // Under a legal hold, refused.
    let hold = format!("/desk/cases/{case}/hold");
    assert_eq!(
        b.submit(&page, &hold, &[("reason", "inquiry 12")])
            .await
            .status,
        303
    );
    let r = b.submit(&page, &ask, &[("reason", "a test report")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body.contains("Tapauksella on säilytysvelvoite"),
        "{}",
        r.body
    );
    let lift = format!("/desk/cases/{case}/hold/lift");
    assert_eq!(
        b.submit(&page, &lift, &[("reason", "closed")]).await.status,
        303
    );
    let r = b.submit(&page, &ask, &[("reason", "a test report")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        b.get(&page)
            .await
            .body
            .contains("id=\"deletion-requested\"")
    );
    // Reopening the case withdraws the request; asked again once it is unfounded again.
    let status = format!("/desk/cases/{case}/status");
    let r = b
        .submit(
            &page,
            &status,
            &[("to", "triage"), ("reason", "it was real after all")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let reopened = app.store.case_by_id(case).await.unwrap().unwrap();
    assert!(
        reopened.deletion_request.is_none(),
        "withdrawn by the reopening"
    );
    assert!(
        reopened.retain_until.is_none(),
        "and kept until it ends again"
    );
    let r = b
        .submit(
            &page,
            &status,
            &[("to", "unfounded"), ("reason", "a test report")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        b.submit(&page, &ask, &[("reason", "a test report")])
            .await
            .status,
        303
    );

    // Not by the one who asked, not by a team member.
    assert_eq!(b.submit(&page, &confirm, &[]).await.status, 403);
    let mut t = app.signed_in(&team).await;
    let csrf = t.get(&page).await.hidden("csrf_token");
    assert_eq!(t.post(&confirm, &[("csrf_token", &csrf)]).await.status, 403);
    assert!(
        app.store
            .case_by_id(case)
            .await
            .unwrap()
            .unwrap()
            .destroyed_at
            .is_none()
    );

    // The security manager confirms: gone at once, who and why kept, audited.
    // (The wrapped key as a backup taken now would hold it; it opens now.)
    let in_backup = app
        .store
        .case_by_id(case)
        .await
        .unwrap()
        .unwrap()
        .wrapped_key;
    assert!(app.keyring.unwrap_case_key(case, &in_backup).is_ok());
    let mut m = app.signed_in(&manager).await;
    let r = m.submit(&page, &confirm, &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Crypto-shredded: the older copy of the key no longer opens, the vault says why.
    assert!(matches!(
        app.keyring.unwrap_case_key(case, &in_backup),
        Err(breachdesk_core::ports::CryptoError::Destroyed)
    ));
    assert!(
        app.vault
            .path()
            .join("keys")
            .join(format!("{case}.destroyed"))
            .exists()
    );
    let gone = app.store.case_by_id(case).await.unwrap().unwrap();
    assert!(gone.destroyed_at.is_some() && gone.wrapped_key.0.is_empty());
    assert_eq!(gone.destroyed_by, Some(manager.id));
    assert_eq!(gone.destruction_reason.as_deref(), Some("a test report"));
    assert!(
        app.db
            .raw_contents()
            .await
            .windows(14)
            .all(|w| w != b"QZX-EARLY-5521")
    );
    let trail = app.store.audit_trail(Some(case)).await.unwrap();
    assert!(
        trail
            .iter()
            .any(|a| a.action == "case.deletion_requested" && a.actor == Some(dpo.id))
    );
    assert!(trail.iter().any(|a| a.action == "case.destroyed"
        && a.actor == Some(manager.id)
        && a.detail == "early"));
    assert!(breachdesk_core::audit::verify(&app.store.audit_trail(None).await.unwrap()).is_empty());
    assert_eq!(m.get(&page).await.status, 404);
}

/// The DPO sets the organisation's retention periods on the register page, within bounds and
/// audited; a case found unfounded afterwards gets the new date; others may not set them.
#[tokio::test]
async fn the_dpo_sets_the_retention_periods_and_new_dates_follow_them() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    let register = "/desk/register?lang=en";
    let shown = b.get(register).await;
    assert!(
        shown
            .body
            .contains("destroyed 10 years after it was closed, an unfounded one 365 days")
    );
    let set = "/desk/register/retention?lang=en";
    for bad in [["0", "30"], ["5", "9999"], ["five", "30"]] {
        let r = b
            .submit(
                register,
                set,
                &[
                    ("org", "uni"),
                    ("years", bad[0]),
                    ("unfounded_days", bad[1]),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{bad:?}");
        assert!(r.body.contains("Give whole years from 1 to 100"));
    }
    let r = b
        .submit(
            register,
            set,
            &[("org", "uni"), ("years", "6"), ("unfounded_days", "30")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        b.get(register)
            .await
            .body
            .contains("6 years after it was closed, an unfounded one 30 days")
    );
    let case = case_with(&app, "QZX-PERIOD-1").await;
    let page = format!("/desk/cases/{case}?lang=en");
    let r = b
        .submit(
            &page,
            &format!("/desk/cases/{case}/status"),
            &[("to", "unfounded"), ("reason", "no breach")],
        )
        .await;
    assert_eq!(r.status, 303);
    let record = app.store.case_by_id(case).await.unwrap().unwrap();
    assert_eq!(
        record.retain_until,
        Some(app.state_now() + SignedDuration::from_hours(24 * 30))
    );
    let audited = app.store.audit_trail(None).await.unwrap();
    assert_eq!(
        audited
            .iter()
            .filter(|a| a.action == "org.retention" && a.actor == Some(dpo.id))
            .count(),
        1,
        "set once, refused values leave nothing"
    );
    // The security manager reads the register but sets no periods.
    let manager = app
        .account(&[(&app.uni, Role::SecurityManager)], "ciso@uni.example")
        .await;
    let mut m = app.signed_in(&manager).await;
    let csrf = m.get(register).await.hidden("csrf_token");
    let r = m
        .post(
            set,
            &[
                ("csrf_token", &csrf),
                ("org", "uni"),
                ("years", "1"),
                ("unfounded_days", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
}

/// Issue 21, early deletion of a part: the DPO deletes a report (here the second report of a
/// breach, merged in as a duplicate) and an attachment, each with a reason; the content goes at
/// once, the record keeps a sealed note of what and why, the audit trail has it; the case's last
/// report is refused (it goes only with the whole case), so is anything under a legal hold, a
/// missing reason, and anyone but the DPO.
#[tokio::test]
async fn the_dpo_deletes_a_report_or_an_attachment_early_with_a_reason() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let manager = app
        .account(&[(&app.uni, Role::SecurityManager)], "ciso@uni.example")
        .await;
    let admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let case = case_with(&app, "QZX-FIRST-4410 the first report").await;
    let dup = case_with(&app, "QZX-SECOND-8812 the same breach again").await;
    let reference = app.store.case_by_id(case).await.unwrap().unwrap().reference;
    let mut b = app.signed_in(&dpo).await;
    let dup_page = format!("/desk/cases/{dup}?lang=en");
    let p = b
        .submit(
            &dup_page,
            &format!("/desk/cases/{dup}/merge?lang=en"),
            &[("into", &reference), ("reason", "same incident")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = format!("/desk/cases/{case}?lang=en");
    let csrf = b.get(&page).await.hidden("csrf_token");
    let p = b
        .upload(
            &format!("/desk/cases/{case}/attachments?lang=en"),
            &csrf,
            "export.csv",
            b"QZX-ATTACH-3391,Maija Meikalainen,maija@example.org\n".to_vec(),
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let record = app.store.case_by_id(case).await.unwrap().unwrap();
    let key = app
        .keyring
        .unwrap_case_key(case, &record.wrapped_key)
        .unwrap();
    let attachment = app
        .store
        .case_entries(case)
        .await
        .unwrap()
        .iter()
        .find_map(
            |e| match breachdesk_core::investigation::open_entry(&key, e).unwrap() {
                breachdesk_core::investigation::Entry::Attachment { id, .. } => Some(id),
                _ => None,
            },
        )
        .unwrap();
    let second_record = app.store.reports_of_case(dup).await.unwrap()[0].clone();
    let second = second_record.id;
    let attachment_sealed = app
        .store
        .attachment(case, attachment)
        .await
        .unwrap()
        .unwrap();
    let holds = |raw: &[u8], sealed: &[u8]| {
        let hex = sealed.iter().fold(String::new(), |mut hex, b| {
            use std::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
            hex
        });
        raw.windows(sealed.len()).any(|w| w == sealed)
            || raw.windows(hex.len()).any(|w| w == hex.as_bytes())
    };
    // The check below can fail: the sealed bytes are there before.
    let raw = app.db.raw_contents().await;
    assert!(holds(&raw, &second_record.body[..48]) && holds(&raw, &attachment_sealed[..48]));
    let first = app.store.reports_of_case(case).await.unwrap()[0].id;

    // The page offers both reports and the attachment to the DPO.
    let body = b.get(&page).await.body;
    for value in [
        format!("report:{first}"),
        format!("report:{second}"),
        format!("attachment:{attachment}"),
    ] {
        assert!(body.contains(&value), "{value}");
    }
    let delete = format!("/desk/cases/{case}/deletion/item?lang=en");
    let second_item = format!("report:{second}");

    // Refused, changing nothing: no reason; an unknown item; others than the DPO.
    let r = b
        .submit(&page, &delete, &[("item", &second_item), ("reason", " ")])
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = b
        .submit(
            &page,
            &delete,
            &[
                ("item", &format!("report:{}", Uuid::now_v7())),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    let r = b
        .submit(&page, &delete, &[("item", "nonsense"), ("reason", "x")])
        .await;
    assert_eq!(r.status, 422);
    let mut ciso = app.signed_in(&manager).await;
    let csrf_m = ciso.get(&page).await.hidden("csrf_token");
    let r = ciso
        .post(
            &delete,
            &[
                ("csrf_token", &csrf_m),
                ("item", &second_item),
                ("reason", "not needed"),
            ],
        )
        .await;
    assert_eq!(r.status, 403, "the security manager may not");
    let mut administrator = app.signed_in(&admin).await;
    // The administrator's own valid token: what refuses is the permission, not the form.
    let csrf_a = administrator.get("/desk").await.hidden("csrf_token");
    let r = administrator
        .post(
            &delete,
            &[
                ("csrf_token", &csrf_a),
                ("item", &second_item),
                ("reason", "not needed"),
            ],
        )
        .await;
    assert_eq!(r.status, 404, "the administrator does not see the case");
    assert_eq!(app.store.reports_of_case(dup).await.unwrap().len(), 1);

    // Under a legal hold nothing goes.
    let r = b
        .submit(
            &page,
            &format!("/desk/cases/{case}/hold"),
            &[("reason", "authority inquiry 2027/3")],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = b
        .submit(
            &page,
            &delete,
            &[("item", &second_item), ("reason", "duplicate")],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("legal hold"));
    let r = b
        .submit(
            &page,
            &format!("/desk/cases/{case}/hold/lift"),
            &[("reason", "inquiry closed")],
        )
        .await;
    assert_eq!(r.status, 303);

    // The duplicate's report goes, then the attachment.
    let r = b
        .submit(
            &page,
            &delete,
            &[
                ("item", &second_item),
                ("reason", "a duplicate of the first report"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(app.store.reports_of_case(dup).await.unwrap().is_empty());
    let r = b
        .submit(
            &page,
            &delete,
            &[
                ("item", &format!("attachment:{attachment}")),
                ("reason", "more personal data than the case needs"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        app.store
            .attachment(case, attachment)
            .await
            .unwrap()
            .is_none()
    );
    // Their sealed bytes are gone from the database (and, on SQLite, its log): the content is
    // sealed anyway, so what is looked for is the ciphertext itself (as PostgreSQL prints a
    // bytea, in hex, too).
    let raw = app.db.raw_contents().await;
    for sealed in [&second_record.body[..48], &attachment_sealed[..48]] {
        assert!(!holds(&raw, sealed));
    }
    // The record says what went and why; the last report is not offered and is refused.
    let body = b.get(&page).await.body;
    assert!(body.contains("Deleted early"), "{body}");
    assert!(body.contains("a duplicate of the first report"));
    assert!(body.contains("Attachment: export.csv"));
    assert!(!body.contains(&format!("report:{first}")));
    let r = b
        .submit(
            &page,
            &delete,
            &[
                ("item", &format!("report:{first}")),
                ("reason", "not needed"),
            ],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("only report"), "{}", r.body);
    assert_eq!(app.store.reports_of_case(case).await.unwrap().len(), 1);
    let trail = app.store.audit_trail(Some(case)).await.unwrap();
    for action in ["case.report_deleted", "case.attachment_deleted"] {
        assert!(
            trail
                .iter()
                .any(|e| e.action == action && e.actor == Some(dpo.id)),
            "{action}"
        );
    }
    assert!(breachdesk_core::audit::verify(&app.store.audit_trail(None).await.unwrap()).is_empty());
}
