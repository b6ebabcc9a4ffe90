//! Conformance suite of the `Store` port. Every test runs against `SQLite` in a fresh directory;
//! the same functions will run against `PostgreSQL` when that backend lands.

// Test helpers state expectations with unwrap; a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use breachdesk_core::case::CaseStatus;
use breachdesk_core::org::{NewOrganisation, OrgSlug, Organisation};
use breachdesk_core::ports::{
    NewCase, NewReport, NewSupplement, NewUser, Page, Store, StoreError, WrappedKey,
};
use breachdesk_core::report::{Language, ReportKind};
use breachdesk_core::user::Role;
use jiff::Timestamp;
use uuid::Uuid;

struct Db {
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

async fn sqlite() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let store = breachdesk_store::connect(None, dir.path()).await.unwrap();
    Db { store, _dir: dir }
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn org(store: &dyn Store, slug: &str) -> Organisation {
    let new = NewOrganisation {
        slug: OrgSlug::try_from(slug).unwrap(),
        name: format!("{slug} organisation"),
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
        },
    )
}

#[tokio::test]
async fn organisations_are_found_by_slug_and_slugs_are_unique() {
    let db = sqlite().await;
    let uni = org(&*db.store, "uni").await;
    let found = db.store.org_by_slug("uni").await.unwrap().unwrap();
    assert_eq!(found.id, uni.id);
    assert_eq!(found.ref_prefix, "UNI");
    assert!(db.store.org_by_slug("museum").await.unwrap().is_none());
    let again = NewOrganisation {
        slug: OrgSlug::try_from("uni").unwrap(),
        name: "x".into(),
        dpo_name: None,
        dpo_email: None,
        dpo_phone: None,
    };
    let err = db
        .store
        .create_org(&again, Uuid::now_v7(), "UNI", Timestamp::UNIX_EPOCH)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict("organisation slug")),
        "{err:?}"
    );
}

#[tokio::test]
async fn references_count_per_organisation_and_year() {
    let db = sqlite().await;
    let uni = org(&*db.store, "uni").await;
    let museum = org(&*db.store, "museum").await;
    let t = at("2026-03-01T10:00:00Z");
    let mut refs = Vec::new();
    for (i, (o, year)) in [(&uni, 2026), (&uni, 2026), (&museum, 2026), (&uni, 2027)]
        .into_iter()
        .enumerate()
    {
        let (c, r) = intake(o.id, &format!("{i:08}"), t);
        refs.push(db.store.insert_intake(&c, &r, year).await.unwrap());
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

#[tokio::test]
async fn an_intake_is_all_or_nothing() {
    let db = sqlite().await;
    let uni = org(&*db.store, "uni").await;
    let t = at("2026-03-01T10:00:00Z");
    let (c1, r1) = intake(uni.id, "12345678", t);
    db.store.insert_intake(&c1, &r1, 2026).await.unwrap();
    // Same receipt locator: the report insert fails, so neither the case nor the counter move.
    let (c2, r2) = intake(uni.id, "12345678", t);
    let err = db.store.insert_intake(&c2, &r2, 2026).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict("receipt locator")),
        "{err:?}"
    );
    assert!(db.store.case_by_id(c2.id).await.unwrap().is_none());
    let (c3, r3) = intake(uni.id, "87654321", t);
    assert_eq!(
        db.store.insert_intake(&c3, &r3, 2026).await.unwrap(),
        "UNI-2026-0002"
    );
}

#[tokio::test]
async fn cases_and_reports_come_back_as_stored_and_only_for_the_asked_organisations() {
    let db = sqlite().await;
    let uni = org(&*db.store, "uni").await;
    let museum = org(&*db.store, "museum").await;
    let (c1, r1) = intake(uni.id, "00000001", at("2026-03-01T10:00:00Z"));
    let (c2, r2) = intake(museum.id, "00000002", at("2026-03-02T10:00:00Z"));
    db.store.insert_intake(&c1, &r1, 2026).await.unwrap();
    db.store.insert_intake(&c2, &r2, 2026).await.unwrap();

    let list = db
        .store
        .list_cases(
            &[uni.id],
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
        db.store
            .list_cases(
                &[],
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
        .store
        .list_cases(
            &[uni.id, museum.id],
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
        .store
        .list_cases(
            &[uni.id, museum.id],
            Page {
                limit: 1,
                offset: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(second[0].id, c1.id);

    let case = db.store.case_by_id(c1.id).await.unwrap().unwrap();
    assert_eq!(case.wrapped_key, c1.wrapped_key);
    assert_eq!(case.created_at, c1.created_at);
    let reports = db.store.reports_of_case(c1.id).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].body, r1.body);
    assert_eq!(reports[0].contact, r1.contact);
    assert_eq!(reports[0].language, Language::Sv);
}

#[tokio::test]
async fn receipt_failures_lock_and_reset() {
    let db = sqlite().await;
    let uni = org(&*db.store, "uni").await;
    let (c, r) = intake(uni.id, "55555555", at("2026-03-01T10:00:00Z"));
    db.store.insert_intake(&c, &r, 2026).await.unwrap();
    let until = at("2026-03-01T11:00:00Z");
    for _ in 0..2 {
        db.store
            .record_receipt_failure(r.id, 3, until)
            .await
            .unwrap();
    }
    let rec = db
        .store
        .receipt_by_locator("55555555")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((rec.failed_attempts, rec.locked_until), (2, None));
    db.store
        .record_receipt_failure(r.id, 3, until)
        .await
        .unwrap();
    let rec = db
        .store
        .receipt_by_locator("55555555")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((rec.failed_attempts, rec.locked_until), (3, Some(until)));
    assert_eq!(rec.case_id, c.id);
    db.store.reset_receipt_failures(r.id).await.unwrap();
    let rec = db
        .store
        .receipt_by_locator("55555555")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((rec.failed_attempts, rec.locked_until), (0, None));
    assert!(
        db.store
            .receipt_by_locator("00000000")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn supplements_are_kept_in_order_and_touch_the_case() {
    let db = sqlite().await;
    let uni = org(&*db.store, "uni").await;
    let (c, r) = intake(uni.id, "11111111", at("2026-03-01T10:00:00Z"));
    db.store.insert_intake(&c, &r, 2026).await.unwrap();
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
        db.store.insert_supplement(&s).await.unwrap();
    }
    let got = db.store.supplements_of_report(r.id).await.unwrap();
    assert_eq!(
        got.iter().map(|s| s.body.clone()).collect::<Vec<_>>(),
        [vec![0], vec![1]]
    );
    let case = db.store.case_by_id(c.id).await.unwrap().unwrap();
    assert_eq!(case.updated_at, at("2026-03-03T10:00:00Z"));
    let orphan = NewSupplement {
        id: Uuid::now_v7(),
        report_id: Uuid::now_v7(),
        created_at: at("2026-03-03T10:00:00Z"),
        body: vec![],
    };
    assert!(
        db.store.insert_supplement(&orphan).await.is_err(),
        "foreign key must hold"
    );
}

#[tokio::test]
async fn tokens_resolve_to_principals_with_their_memberships() {
    let db = sqlite().await;
    let uni = org(&*db.store, "uni").await;
    let user = NewUser {
        id: Uuid::now_v7(),
        email: "dpo@uni.example".into(),
        password_hash: "$argon2id$x".into(),
        created_at: Timestamp::UNIX_EPOCH,
    };
    let (id, created) = db.store.ensure_user(&user).await.unwrap();
    assert!(created);
    let (again, created) = db
        .store
        .ensure_user(&NewUser {
            id: Uuid::now_v7(),
            ..user.clone()
        })
        .await
        .unwrap();
    assert_eq!((again, created), (id, false));
    assert_eq!(
        db.store.user_id_by_email("dpo@uni.example").await.unwrap(),
        Some(id)
    );
    db.store
        .add_membership(id, uni.id, Role::Dpo, Timestamp::UNIX_EPOCH)
        .await
        .unwrap();
    db.store
        .add_membership(id, uni.id, Role::Dpo, Timestamp::UNIX_EPOCH)
        .await
        .unwrap();
    db.store
        .create_token(Uuid::now_v7(), id, &[1; 32], Timestamp::UNIX_EPOCH)
        .await
        .unwrap();
    let p = db
        .store
        .principal_by_token(&[1; 32])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.user_id, id);
    assert_eq!(p.readable_orgs(), [uni.id]);
    assert!(
        db.store
            .principal_by_token(&[2; 32])
            .await
            .unwrap()
            .is_none()
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
