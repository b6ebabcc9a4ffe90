//! The breach register (Art. 33(5), issue 21) on the desk and through the API: every breach of
//! the organisation with its facts, effects and remedial action, filtered, exported as CSV and
//! JSON (each export audited), for the DPO, the security manager and the auditor only.

use breachdesk_core::register::COLUMNS;
use breachdesk_core::user::Role;
use uuid::Uuid;

use crate::helpers::spawn;

#[tokio::test]
async fn the_register_lists_every_breach_for_those_who_keep_it_and_exports_it_audited() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    // One case scoped, assessed and decided (health data of 1,200 patients), one just reported,
    // and one of another organisation.
    let assessed = crate::notices::assessed_case(&app, &mut b).await;
    let received = app.reported_case("uni").await;
    let elsewhere = app.reported_case("museum").await;
    let reference = |id: Uuid| {
        let store = app.store.clone();
        async move { store.case_by_id(id).await.unwrap().unwrap().reference }
    };
    let (assessed_ref, received_ref, elsewhere_ref) = (
        reference(assessed).await,
        reference(received).await,
        reference(elsewhere).await,
    );

    // The page: the organisation's breaches, not another's, with the scope's facts.
    let page = b.get("/desk/register?lang=en").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("href=\"/desk/register\""),
        "the menu links it"
    );
    assert!(page.body.contains(&assessed_ref) && page.body.contains(&received_ref));
    assert!(!page.body.contains(&elsewhere_ref));
    assert!(page.body.contains("<td>1200</td>"), "the people concerned");
    assert!(page.body.contains("Breaches: 2."), "{}", page.body);
    // At a glance: the numbers against the 72 hours and the charts, drawn on the server as SVG
    // with a text alternative (no script: the page's CSP has none).
    assert!(page.body.contains("id=\"statistics\""));
    let open = page
        .body
        .find("Within the 72 hours or not yet aware</dt><dd>")
        .unwrap();
    assert!(page.body[open..].starts_with("Within the 72 hours or not yet aware</dt><dd>2</dd>"));
    for chart in ["chart-months", "chart-natures"] {
        assert!(
            page.body.contains(&format!("<figure id=\"{chart}\">")),
            "{chart}"
        );
    }
    assert!(page.body.contains("<rect class=\"bar\""));
    assert!(page.body.contains(
        "<desc id=\"chart-natures-d\">confidentiality: 1; integrity: 0; availability: 0</desc>"
    ));
    assert!(
        page.body.contains("<li>student register export: 1</li>"),
        "top systems"
    );
    assert!(!page.body.contains("<script"));

    // Filters: by decision, by category, by year; a value the register does not know is named.
    let only = |body: &str, yes: &str, no: &str| body.contains(yes) && !body.contains(no);
    let page = b.get("/desk/register?lang=en&decision=undecided").await;
    assert!(
        only(&page.body, &received_ref, &assessed_ref),
        "{}",
        page.body
    );
    let page = b.get("/desk/register?lang=en&category=health").await;
    assert!(only(&page.body, &assessed_ref, &received_ref));
    let page = b.get("/desk/register?lang=en&nature=confidentiality").await;
    assert!(only(&page.body, &assessed_ref, &received_ref));
    let page = b.get("/desk/register?lang=en&year=2019").await;
    assert!(page.body.contains("No breaches match."));
    let page = b
        .get("/desk/register?lang=en&status=open&decision=maybe")
        .await;
    assert_eq!(page.status, 422);
    let summary = &page.body[page.body.find("error-summary").unwrap()..];
    let summary = &summary[..summary.find("</div>").unwrap()];
    assert_eq!(summary.matches("<li>").count(), 2, "{summary}");
    assert!(summary.contains("the whole register is shown"));

    // The CSV export: the documented columns, one row a breach, the scope's numbers in place.
    let (status, content_type, bytes) = b
        .get_bytes("/desk/register/export?format=csv&org=uni")
        .await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let mut csv = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, COLUMNS);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
    let row = rows
        .iter()
        .find(|r| r[col("reference")] == assessed_ref)
        .expect("the assessed case is a row");
    assert_eq!(&row[col("status")], "assessed");
    assert_eq!(&row[col("nature")], "confidentiality");
    assert_eq!(&row[col("categories")], "person_name;health");
    assert_eq!(&row[col("subject_categories")], "patients");
    assert_eq!(
        (&row[col("subjects")], &row[col("subjects_certainty")]),
        ("1200", "approximate")
    );
    assert_eq!(
        (&row[col("records")], &row[col("records_certainty")]),
        ("1250", "exact")
    );
    assert_eq!(&row[col("cause")], "internal_non_malicious");
    assert_eq!(&row[col("systems")], "Student register export");
    assert_eq!(
        &row[col("measures_after")],
        "The file was removed from the shared drive."
    );
    assert_eq!(&row[col("notify_authority")], "true");
    assert_eq!(
        &row[col("late")],
        "false",
        "aware 10 hours ago, within the 72 hours"
    );
    assert!(!row[col("aware_at")].is_empty());
    let other = rows
        .iter()
        .find(|r| r[col("reference")] == received_ref)
        .unwrap();
    assert_eq!(&other[col("decided")], "false");

    // The Excel export: the same columns and rows, read back by an independent reader
    // (calamine); numbers are numbers.
    let (status, content_type, bytes) = b
        .get_bytes("/desk/register/export?format=xlsx&org=uni")
        .await;
    assert_eq!(status, 200);
    assert!(content_type.contains("spreadsheetml"), "{content_type}");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "register").unwrap();
    let rows: Vec<Vec<calamine::Data>> = sheet.rows().map(<[calamine::Data]>::to_vec).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0].iter().map(ToString::to_string).collect::<Vec<_>>(),
        COLUMNS
    );
    let xlsx_row = rows
        .iter()
        .find(|r| r[col("reference")].to_string() == assessed_ref)
        .unwrap();
    assert_eq!(xlsx_row[col("subjects")], calamine::Data::Float(1200.0));
    assert_eq!(
        xlsx_row[col("systems")].to_string(),
        "Student register export"
    );

    // The printable PDF for the authority, in the reader's language (read back by lopdf).
    let (status, content_type, pdf) = b
        .get_bytes("/desk/register/export?format=pdf&org=uni&lang=en")
        .await;
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    assert!(
        text.contains(&assessed_ref) && text.contains(&received_ref),
        "{text}"
    );
    assert!(
        text.contains("People concerned (approx.)") && text.contains("1200"),
        "{text}"
    );
    assert!(text.contains("Student register export"), "{text}");

    // The auditor reads it through the API as JSON; the same facts.
    let auditor = app
        .token(&app.uni, "auditor@uni.example", Role::Auditor)
        .await;
    let (status, json) = app.get_json("/api/v1/register?org=uni", &auditor).await;
    assert_eq!(status, 200, "{json}");
    let entries = json.as_array().expect("an array of breaches");
    assert_eq!(entries.len(), 2);
    let e = entries
        .iter()
        .find(|e| e["reference"] == assessed_ref.as_str())
        .unwrap();
    assert_eq!(e["subjects"], 1200);
    assert_eq!(
        e["categories"],
        serde_json::json!(["person_name", "health"])
    );
    let (status, _) = app
        .get_json("/api/v1/register?org=uni&decision=maybe", &auditor)
        .await;
    assert_eq!(status, 422);

    // Each export is in the audit trail: who, which format, how many rows — no content.
    let exports: Vec<_> = app
        .store
        .audit_trail(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "register.export")
        .collect();
    assert_eq!(exports.len(), 4, "{exports:?}");
    let reads = app.store.audit_trail(None).await.unwrap();
    assert!(
        reads.iter().any(|a| a.action == "register.read"
            && a.actor == Some(dpo.id)
            && a.detail == "rows=2"),
        "reading the register on the desk is audited too"
    );
    assert_eq!(exports[0].actor, Some(dpo.id));
    assert_eq!(exports[0].detail, "format=csv rows=2");
    assert_eq!(exports[1].detail, "format=xlsx rows=2");
    assert_eq!(exports[2].detail, "format=pdf rows=2");
    assert_eq!(exports[3].detail, "format=json rows=2");

    // Who may not: a team member, the communications delegate, an administrator, and the DPO
    // of another organisation asking for this one — on the desk (403) and the API (404).
    for (email, org, role) in [
        ("team@uni.example", &app.uni, Role::PrivacyTeam),
        ("comms@uni.example", &app.uni, Role::Communications),
        ("admin@uni.example", &app.uni, Role::Admin),
        ("dpo@museum.example", &app.museum, Role::Dpo),
    ] {
        let account = app.account(&[(org, role)], email).await;
        let mut other = app.signed_in(&account).await;
        let page = other.get("/desk/register?org=uni&lang=en").await;
        assert_eq!(page.status, 403, "{email}");
        assert!(!page.body.contains(&assessed_ref), "{email}");
        let (status, _, bytes) = other
            .get_bytes("/desk/register/export?format=csv&org=uni")
            .await;
        assert_eq!(status, 403, "{email}");
        assert!(!String::from_utf8_lossy(&bytes).contains(&assessed_ref));
        let token = app.token_for(account.id).await;
        let (status, _) = app.get_json("/api/v1/register?org=uni", &token).await;
        assert_eq!(status, 404, "{email}");
    }
    let museum_dpo_page = {
        let account = app
            .account(&[(&app.museum, Role::Dpo)], "dpo2@museum.example")
            .await;
        app.signed_in(&account)
            .await
            .get("/desk/register?lang=en")
            .await
    };
    assert_eq!(museum_dpo_page.status, 200, "their own register");
    assert!(museum_dpo_page.body.contains(&elsewhere_ref));
    assert!(!museum_dpo_page.body.contains(&assessed_ref));
    let exports_after = app
        .store
        .audit_trail(None)
        .await
        .unwrap()
        .iter()
        .filter(|a| a.action == "register.export")
        .count();
    assert_eq!(exports_after, 4, "refused exports leave no export behind");
}

/// Issue 21: the DPO brings the old register in on the register page; a bad file is refused
/// whole with its line named; a team member may not import.
#[tokio::test]
async fn the_dpo_brings_the_old_register_in_on_the_page_whole_or_not_at_all() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    let page = b.get("/desk/register?lang=en").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("action=\"/desk/register/import"),
        "the import form"
    );
    let csrf = page.hidden("csrf_token");
    let header = "reference,reported_at,status,nature,categories,subjects";
    let bad = format!(
        "{header}\nMUS-OLD-1,2018-06-01,closed,confidentiality,email,40\nMUS-OLD-2,2018-07-01,open,,,\n"
    );
    let r = b
        .upload(
            "/desk/register/import?lang=en",
            &csrf,
            "old.csv",
            bad.into_bytes(),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("line 3, column status"), "{}", r.body);
    let none = b.get("/desk/register?lang=en").await;
    assert!(!none.body.contains("MUS-OLD-1"), "nothing was imported");
    let good = format!(
        "{header}\nMUS-OLD-1,2018-06-01,closed,confidentiality,email,40\nMUS-OLD-2,2018-07-01,unfounded,,,\n"
    );
    let r = b
        .upload(
            "/desk/register/import?lang=en",
            &csrf,
            "old.csv",
            good.into_bytes(),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.location.clone().unwrap_or_default();
    assert!(location.contains("imported=2"), "{location}");
    let shown = b.get(&location).await;
    assert!(
        shown.body.contains("Imported: 2 breaches."),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("MUS-OLD-1") && shown.body.contains("MUS-OLD-2"));
    assert!(shown.body.contains("<td>40</td>"));

    // A team member reads no register and imports nothing.
    let team = app
        .account(&[(&app.museum, Role::PrivacyTeam)], "team@museum.example")
        .await;
    let mut t = app.signed_in(&team).await;
    let csrf = t.get("/desk").await.hidden("csrf_token");
    let r = t
        .upload(
            "/desk/register/import?lang=en",
            &csrf,
            "old.csv",
            format!("{header}\nMUS-OLD-9,2018-06-01,closed,,,\n").into_bytes(),
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(
        app.store
            .audit_trail(None)
            .await
            .unwrap()
            .iter()
            .filter(|a| a.action == "register.import")
            .count()
            == 1
    );
}
