//! The notification to the supervisory authority on the desk: drafted from the case, saved as
//! versions, approved by the DPO only, exported as template JSON (validated here with an
//! independently compiled JSON Schema validator), HTML and PDF, recorded as submitted; a
//! follow-up names the authority's reference.

use breachdesk_core::case::CaseStatus;
use breachdesk_core::clock::Clock as _;
use breachdesk_core::user::Role;
use jiff::SignedDuration;
use uuid::Uuid;

use crate::desk::{Browser, Page};
use crate::helpers::{TestApp, spawn};

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// The values of the notification form as the page shows them, field by field.
fn form_values(page: &Page) -> Vec<(String, String)> {
    let body = &page.body;
    let mut out = Vec::new();
    for f in &breachdesk_notify::edpb::template().fields {
        let key = &f.key;
        if let Some(i) = body.find(&format!("<select id=\"{key}\" name=\"{key}\">")) {
            let rest = &body[i..];
            let select = &rest[..rest.find("</select>").unwrap()];
            if let Some(j) = select.find("\" selected>") {
                let before = &select[..j];
                let v = &before[before.rfind("value=\"").unwrap() + 7..];
                out.push((key.clone(), unescape(v)));
            }
        } else if let Some(i) = body.find(&format!(
            "<textarea id=\"{key}\" name=\"{key}\" rows=\"2\">"
        )) {
            let rest = &body[i..];
            let start = rest.find('>').unwrap() + 1;
            let end = rest.find("</textarea>").unwrap();
            out.push((key.clone(), unescape(&rest[start..end])));
        } else if let Some(i) = body.find(&format!("id=\"{key}\" name=\"{key}\"")) {
            let rest = &body[i..];
            let tag = &rest[..rest.find('>').unwrap()];
            if tag.contains("value=\"on\"") {
                if tag.contains("checked") {
                    out.push((key.clone(), "on".into()));
                }
            } else if let Some(j) = tag.find("value=\"") {
                let v = &tag[j + 7..];
                out.push((key.clone(), unescape(&v[..v.find('"').unwrap()])));
            }
        } else {
            panic!("{key} is not on the form");
        }
    }
    out
}

fn with(values: &[(String, String)], changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = values
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .cloned()
        .collect();
    v.extend(
        changes
            .iter()
            .map(|(k, x)| ((*k).to_owned(), (*x).to_owned())),
    );
    v
}

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, x)| (k.as_str(), x.as_str())).collect()
}

/// A case of `uni` with awareness, scope, answers and the DPO's decision, in status assessed.
pub(crate) async fn assessed_case(app: &TestApp, b: &mut Browser<'_>) -> Uuid {
    let case = app.reported_case("uni").await;
    let page_path = format!("/desk/cases/{case}?lang=en");
    let aware = app.state_now() - SignedDuration::from_hours(10);
    let at = aware
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let p = b
        .submit(
            &page_path,
            &format!("/desk/cases/{case}/awareness"),
            &[("at", &at), ("zone", "UTC")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    for to in ["triage", "investigating", "assessed"] {
        let p = b
            .submit(
                &page_path,
                &format!("/desk/cases/{case}/status"),
                &[("to", to)],
            )
            .await;
        assert_eq!(p.status, 303, "{to}: {}", p.body);
    }
    let p = b
        .submit(
            &page_path,
            &format!("/desk/cases/{case}/scope"),
            &[
                ("nature", "confidentiality"),
                ("confidentiality_type", "disclosed"),
                ("unintelligible", "no"),
                ("affected", "person_name"),
                ("affected", "health"),
                ("not_affected", "payment_card"),
                ("subject_categories", "patients"),
                ("subjects", "approximate"),
                ("subjects_value", "1200"),
                ("records", "exact"),
                ("records_value", "1250"),
                ("cause", "internal_non_malicious"),
                ("systems", "Student register export"),
                (
                    "measures_after",
                    "The file was removed from the shared drive.",
                ),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = b
        .submit(
            &page_path,
            &format!("/desk/cases/{case}/assessment/answers"),
            &[
                ("acting_as", "controller"),
                ("recipients", "unknown"),
                ("containment", "none"),
                ("identification", "maximum"),
                ("sector", "health_care"),
                ("subsequent_measures_remove_high_risk", "no"),
                ("disproportionate_effort", "no"),
                ("joint_controllers", "no"),
                ("at_processor", "no"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = b
        .submit(
            &page_path,
            &format!("/desk/cases/{case}/assessment/decision"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    case
}

fn versions_saved(page: &Page) -> usize {
    page.body.matches("<tr id=\"version-").count()
}

#[tokio::test]
async fn the_dpo_drafts_approves_exports_and_records_the_authority_notification() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let manager = app
        .account(&[(&app.uni, Role::SecurityManager)], "ciso@uni.example")
        .await;
    let auditor = app
        .account(&[(&app.uni, Role::Auditor)], "audit@uni.example")
        .await;
    let outsider = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    let case = assessed_case(&app, &mut b).await;
    let notice = format!("/desk/cases/{case}/notices/authority?lang=en");

    // The draft comes from the case.
    let page = b.get(&notice).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Draft from the case"));
    assert!(
        page.body
            .contains("No version of the notification has been saved yet.")
    );
    let values = form_values(&page);
    let get = |k: &str| values.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str());
    assert_eq!(get("field_3"), Some("a"), "new notification");
    assert_eq!(
        get("field_4"),
        Some("a"),
        "complete: the case answers everything"
    );
    assert_eq!(
        get("field_7"),
        Some(
            app.store
                .case_by_id(case)
                .await
                .unwrap()
                .unwrap()
                .reference
                .as_str()
        )
    );
    assert_eq!(get("field_12"), Some(app.uni.name.as_str()));
    assert_eq!(get("field_30"), Some("Data Protection Officer"));
    assert_eq!(get("field_56"), Some("a"), "disclosed");
    assert_eq!(get("field_65"), Some("e"), "patients");
    assert_eq!(get("field_68"), Some("1200"));
    assert_eq!(get("field_70"), Some("k"), "health data weigh most");
    assert_eq!(get("field_89"), Some("a"), "high risk, as decided");
    assert_eq!(get("field_97"), Some("b"), "letters decided, not yet sent");
    assert!(page.body.contains("id=\"no-problems\""), "{}", page.body);

    // Bad input is refused field by field and saves nothing.
    let bad = with(
        &values,
        &[("field_68", "about a thousand"), ("field_3", "z")],
    );
    let p = b.submit(&notice, &notice, &pairs(&bad)).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(
        p.body.contains("3.3 Number of data subjects concerned"),
        "{}",
        p.body
    );
    assert!(p.body.contains("1.1 Type of notification"));
    assert_eq!(versions_saved(&b.get(&notice).await), 0);

    // Saved as version 1.
    let p = b.submit(&notice, &notice, &pairs(&values)).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = b.get(&notice).await;
    assert_eq!(versions_saved(&page), 1);
    assert!(
        page.body.contains("Draft, ready for approval"),
        "{}",
        &page.body[page.body.find("<section id=\"draft\"").unwrap()..][..1500]
    );
    let approve = format!("/desk/cases/{case}/notices/authority/1/approve?lang=en");

    // Only the DPO approves: not the security manager, not the auditor; another
    // organisation's DPO does not see the case at all.
    for (who, acct, status) in [
        ("manager", &manager, 403),
        ("auditor", &auditor, 403),
        ("outsider", &outsider, 404),
    ] {
        let mut other = app.signed_in(acct).await;
        let csrf = other.get("/desk").await.hidden("csrf_token");
        let r = other.post(&approve, &[("csrf_token", csrf.as_str())]).await;
        assert_eq!(r.status, status, "{who} approves");
        let r = other.get(&notice).await;
        assert_eq!(
            r.status,
            if who == "outsider" { 404 } else { 200 },
            "{who} reads"
        );
        let (s, _, _) = other
            .get_bytes(&format!(
                "/desk/cases/{case}/notices/authority/1/export/json"
            ))
            .await;
        assert_eq!(
            s,
            if who == "outsider" { 404 } else { 200 },
            "{who} exports"
        );
    }
    let mut a = app.signed_in(&auditor).await;
    let csrf = a.get("/desk").await.hidden("csrf_token");
    let mut fields = pairs(&values);
    fields.push(("csrf_token", csrf.as_str()));
    assert_eq!(
        a.post(&notice, &fields).await.status,
        403,
        "the auditor changes nothing"
    );

    let p = b.submit(&notice, &approve, &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = b.get(&notice).await;
    assert!(page.body.contains("Approved"), "{}", page.body);
    assert!(!page.body.contains("Approve version 1"), "approved once");

    // The JSON validates against the EDPB schema, compiled here on its own.
    let (status, ct, json) = b
        .get_bytes(&format!(
            "/desk/cases/{case}/notices/authority/1/export/json"
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(ct, "application/json");
    let schema: serde_json::Value = serde_json::from_str(breachdesk_notify::edpb::SCHEMA).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let exported: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&exported)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(exported["field_3"], "a");

    // Readable documents in the language asked for.
    let (status, ct, html) = b
        .get_bytes(&format!(
            "/desk/cases/{case}/notices/authority/1/export/html?doc=fi"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html"));
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("<html lang=\"fi\">"));
    assert!(html.contains("Uusi ilmoitus"));
    assert!(html.contains("Potilaat"));
    let (status, ct, pdf) = b
        .get_bytes(&format!(
            "/desk/cases/{case}/notices/authority/1/export/pdf?doc=sv"
        ))
        .await;
    assert_eq!((status, ct.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"));
    // Every format and language is linked from the page, Markdown too.
    let page = b.get(&notice).await;
    for format in [
        "json",
        "html?doc=fi",
        "pdf?doc=sv",
        "md?doc=fi",
        "md?doc=sv",
        "md?doc=en",
    ] {
        assert!(
            page.body
                .contains(&format!("/notices/authority/1/export/{format}")),
            "{format}"
        );
    }
    // Each language's file has a name of its own; the JSON has none to tell.
    for (format, lang, expected) in [
        ("pdf", "sv", "-authority-v1-sv.pdf\""),
        ("pdf", "fi", "-authority-v1-fi.pdf\""),
        ("md", "en", "-authority-v1-en.md\""),
        ("json", "fi", "-authority-v1.json\""),
    ] {
        let r = app
            .http
            .get(app.url(&format!(
                "/desk/cases/{case}/notices/authority/1/export/{format}?doc={lang}"
            )))
            .header(reqwest::header::COOKIE, b.cookie_header())
            .send()
            .await
            .unwrap();
        let disposition = r.headers()[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(disposition.ends_with(expected), "{disposition}");
    }

    // Submitted with the authority's reference: the case is notified.
    let submitted = format!("/desk/cases/{case}/notices/authority/1/submitted?lang=en");
    let now = app
        .state_now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Helsinki").unwrap())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let p = b
        .submit(
            &notice,
            &submitted,
            &[("at", &now), ("reference", "TSV/1234/2026")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let stored = app.store.case_by_id(case).await.unwrap().unwrap();
    assert_eq!(stored.status, CaseStatus::Notified);
    assert!(stored.notified_at.is_some());
    let page = b.get(&notice).await;
    assert!(page.body.contains("Submitted"));
    assert!(page.body.contains("TSV/1234/2026"));

    // A follow-up: a fresh draft names the first notification's reference.
    let fresh = b
        .get(&format!(
            "/desk/cases/{case}/notices/authority?fresh=true&lang=en"
        ))
        .await;
    let follow = form_values(&fresh);
    let get = |k: &str| follow.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str());
    assert_eq!(get("field_3"), Some("b"));
    assert_eq!(get("field_6"), Some("TSV/1234/2026"));
    // A version with problems cannot be approved.
    let broken = with(&follow, &[("field_4", "c")]);
    let p = b.submit(&notice, &notice, &pairs(&broken)).await;
    assert_eq!(p.status, 303);
    let page = b.get(&notice).await;
    assert!(page.body.contains("Problems (1)"), "{}", page.body);
    let p = b
        .submit(
            &notice,
            &format!("/desk/cases/{case}/notices/authority/2/approve?lang=en"),
            &[],
        )
        .await;
    assert_eq!(p.status, 409);
    // The history names the approval and the submission.
    let history = b.get(&format!("/desk/cases/{case}/history?lang=en")).await;
    assert!(history.body.contains("approved a notice"));
    assert!(
        history
            .body
            .contains("recorded the notification to the authority")
    );
}

/// The textareas of the public notice form, as the page shows them.
/// The facts of the notices of an [`assessed_case`] (affected: names and health data of part of
/// the patients; payment cards not affected), recorded through the facts form in three
/// languages: fixed yesterday, nobody needs to act, no misuse seen, outside help, contacts.
pub(crate) async fn record_facts(b: &mut Browser<'_>, case: Uuid) {
    let path = format!("/desk/cases/{case}/notices/facts?lang=en");
    let p = b.submit(&path, &path, &facts_form()).await;
    assert_eq!(p.status, 303, "{}", p.body);
}

fn facts_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("progress", "resolved"),
        ("fixed_on", "2026-11-21"),
        ("must_act", "no"),
        ("reach", "part"),
        (
            "who_fi",
            "Potilaat, joiden käynti kirjattiin marraskuun ensimmäisellä viikolla.",
        ),
        (
            "who_sv",
            "Patienter vars besök registrerades under den första veckan i november.",
        ),
        (
            "who_en",
            "Patients whose visit was recorded in the first week of November.",
        ),
        (
            "cause_fi",
            "Raportti tallennettiin vahingossa kansioon, johon oli pääsy liian monella.",
        ),
        (
            "cause_sv",
            "Rapporten sparades av misstag i en mapp som alltför många hade tillgång till.",
        ),
        (
            "cause_en",
            "The report was saved by mistake in a folder that too many people could open.",
        ),
        (
            "not_reached_fi",
            "Potilastietojärjestelmään ja maksutietoihin ei päästy käsiksi.",
        ),
        (
            "not_reached_sv",
            "Patientdatasystemet och betalningsuppgifterna nåddes inte.",
        ),
        (
            "not_reached_en",
            "The patient record system and payment data were not reached.",
        ),
        ("count_health", "1 200"),
        ("caveat_health_fi", "vain käynnin syy, ei diagnooseja"),
        (
            "caveat_health_sv",
            "endast orsaken till besöket, inga diagnoser",
        ),
        (
            "caveat_health_en",
            "only the reason for the visit, no diagnoses",
        ),
        ("never_national_id", "on"),
        ("misuse", "none_seen"),
        ("outside_help_fi", "ulkopuolinen tietoturvayhtiö"),
        (
            "outside_help_sv",
            "ett utomstående informationssäkerhetsföretag",
        ),
        ("outside_help_en", "an outside information security company"),
        ("service_contact", "potilaspalvelu@uni.example, 09 123 4567"),
        ("service_hours_fi", "arkisin 9–16"),
        ("service_hours_sv", "vardagar 9–16"),
        ("service_hours_en", "weekdays 9–16"),
        (
            "media_contact",
            "Viestintä, press@uni.example, 040 765 4321",
        ),
    ]
}

fn textareas(page: &Page) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for lang in ["fi", "sv", "en"] {
        for part in breachdesk_notify::public::PARTS {
            let name = format!("{lang}_{part}");
            let open = format!("<textarea id=\"{name}\" name=\"{name}\" rows=\"3\">");
            let i = page.body.find(&open).unwrap_or_else(|| panic!("{name}")) + open.len();
            let end = page.body[i..].find("</textarea>").unwrap();
            out.push((name, unescape(&page.body[i..i + end])));
        }
    }
    out
}

#[tokio::test]
async fn the_trilingual_public_notice_is_published_only_when_the_dpo_approves_it() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let manager = app
        .account(&[(&app.uni, Role::SecurityManager)], "ciso@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    let case = assessed_case(&app, &mut b).await;
    let reference = app.store.case_by_id(case).await.unwrap().unwrap().reference;
    let desk_page = format!("/desk/cases/{case}/notices/public?lang=en");
    let public_url = format!("/notices/uni/{reference}");

    let page = b.get(&desk_page).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let bare = textareas(&page);
    let bare_get = |k: &str| bare.iter().find(|(x, _)| x == k).unwrap().1.clone();
    // Before the facts are recorded, whether misuse has been seen, what people should do and
    // the lead are nobody's guess: blank, so the version cannot be approved.
    for part in ["fi_misuse", "en_misuse", "sv_lead", "en_action", "fi_media"] {
        assert_eq!(bare_get(part), "", "{part}");
    }
    record_facts(&mut b, case).await;
    let page = b
        .get(&format!(
            "/desk/cases/{case}/notices/public?fresh=true&lang=en"
        ))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let values = textareas(&page);
    let get = |k: &str| values.iter().find(|(x, _)| x == k).unwrap().1.clone();
    assert!(get("fi_headline").contains(&app.uni.name));
    assert!(
        get("fi_data_not_affected").contains("Maksukorttitiedot"),
        "{}",
        get("fi_data_not_affected")
    );
    assert!(
        get("sv_data_affected").contains("Hälsouppgifter"),
        "{}",
        get("sv_data_affected")
    );
    assert!(
        get("en_concerns").contains("1,200"),
        "{}",
        get("en_concerns")
    );
    // Nobody has been told yet: the notice must say whom the controller informed.
    assert_eq!(get("en_informed"), "");
    // The handler's English note on the measures goes into the English version only.
    assert!(get("en_what_happened").contains("The file was removed from the shared drive."));
    assert!(!get("sv_what_happened").contains("The file was removed"));
    assert!(!get("fi_what_happened").contains("The file was removed"));
    assert!(
        get("sv_misuse").contains("inte sett tecken"),
        "{}",
        get("sv_misuse")
    );
    // Nothing is public before approval.
    assert_eq!(b.get(&public_url).await.status, 404);

    // A version with an empty required part cannot be published.
    let mut incomplete = with(&values, &[("sv_customer_service", "")]);
    let p = b.submit(&desk_page, &desk_page, &pairs(&incomplete)).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = b
        .submit(
            &desk_page,
            &format!("/desk/cases/{case}/notices/public/1/approve?lang=en"),
            &[],
        )
        .await;
    assert_eq!(p.status, 409);
    assert_eq!(b.get(&public_url).await.status, 404);

    incomplete = with(
        &values,
        &[
            (
                "en_customer_service",
                "Customer service +358 9 123 456, weekdays 9–16",
            ),
            ("en_media", "Communications, press@uni.example"),
            (
                "fi_informed",
                "Olemme ilmoittaneet tietosuojavaltuutetulle.",
            ),
            (
                "sv_informed",
                "Vi har anmält incidenten till dataombudsmannen.",
            ),
            (
                "en_informed",
                "We have notified the Data Protection Ombudsman.",
            ),
        ],
    );
    // A version whose Finnish text carries an English paragraph is refused, the part named.
    let mixed = with(
        &incomplete,
        &[(
            "fi_what_happened",
            &format!(
                "{}\n\nWe closed the shared folder and reset the passwords of every account.",
                get("fi_what_happened")
            ),
        )],
    );
    let p = b.submit(&desk_page, &desk_page, &pairs(&mixed)).await;
    assert_eq!(p.status, 303);
    let p = b
        .submit(
            &desk_page,
            &format!("/desk/cases/{case}/notices/public/2/approve?lang=en"),
            &[],
        )
        .await;
    assert_eq!(p.status, 409);
    assert!(
        p.body
            .contains("This reads as English: write it in this version&#39;s language."),
        "{}",
        p.body
    );
    assert!(
        p.body.contains("id=\"fi_what_happened-error\""),
        "{}",
        p.body
    );
    assert_eq!(b.get(&public_url).await.status, 404);

    let p = b.submit(&desk_page, &desk_page, &pairs(&incomplete)).await;
    assert_eq!(p.status, 303);
    let approve2 = format!("/desk/cases/{case}/notices/public/3/approve?lang=en");
    let mut m = app.signed_in(&manager).await;
    let csrf = m.get("/desk").await.hidden("csrf_token");
    assert_eq!(
        m.post(&approve2, &[("csrf_token", csrf.as_str())])
            .await
            .status,
        403
    );
    assert_eq!(b.get(&public_url).await.status, 404);

    let p = b.submit(&desk_page, &approve2, &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);

    // Public, without signing in: the short address leads to the readable one, made of the
    // Finnish headline's words; the three languages on one page, Finnish first.
    let anon = reqwest::get(app.url(&public_url)).await.unwrap();
    assert_eq!(anon.status(), 200);
    let readable = anon.url().path().to_owned();
    assert!(
        readable.starts_with(&format!(
            "{public_url}/henkilotietoja-paljastui-ulkopuolisille-vika-on-korjattu"
        )),
        "{readable}"
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for from in [
        public_url.clone(),
        format!("{public_url}/old-words-of-an-earlier-headline"),
    ] {
        let r = no_redirects.get(app.url(&from)).send().await.unwrap();
        assert_eq!(r.status(), 308, "{from}");
        assert_eq!(r.headers()["location"].to_str().unwrap(), readable);
    }
    let page = b.get(&desk_page).await;
    assert!(
        page.body.contains(&format!("href=\"{readable}\"")),
        "the desk shows the address"
    );
    let html = anon.text().await.unwrap();
    let fi = html.find("<article lang=\"fi\" id=\"fi\">").unwrap();
    let sv = html.find("<article lang=\"sv\" id=\"sv\">").unwrap();
    let en = html.find("<article lang=\"en\" id=\"en\">").unwrap();
    assert!(fi < sv && sv < en);
    assert!(html.contains("weekdays 9–16"));
    // Styles from the server's own stylesheet, which the strict CSP allows; no inline style.
    assert!(!html.contains("<style"), "{html}");
    assert!(
        html.contains("<link rel=\"stylesheet\" href=\"/static/notice.css\">"),
        "{html}"
    );
    let css = reqwest::get(app.url("/static/notice.css")).await.unwrap();
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.text().await.unwrap().contains("max-width:46rem"));
    // Links between the languages, each version dated as its readers write dates, one title.
    for code in ["fi", "sv", "en"] {
        assert!(html.contains(&format!("href=\"#{code}\"")), "{html}");
        assert!(html.contains(&format!("<article lang=\"{code}\" id=\"{code}\">")));
    }
    let today = app
        .clock
        .now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Helsinki").unwrap())
        .date();
    assert!(
        html.contains(&format!(
            "Julkaistu {}.{}.{}",
            today.day(),
            today.month(),
            today.year()
        )),
        "{html}"
    );
    assert!(html.contains("Published "), "{html}");
    let title = &html[html.find("<title>").unwrap()..html.find("</title>").unwrap()];
    assert!(!title.contains(" / "), "{title}");
    // The organisation's index lists it in each language, linked and dated; another
    // organisation's index does not; an unknown organisation has none.
    let index = reqwest::get(app.url("/notices/uni")).await.unwrap();
    assert_eq!(index.status(), 200);
    let index = index.text().await.unwrap();
    for code in ["fi", "sv", "en"] {
        assert!(
            index.contains(&format!(
                "<a href=\"{readable}#{code}\" hreflang=\"{code}\">"
            )),
            "{index}"
        );
    }
    assert!(index.contains(&format!(
        "{}: tiedotteet tietoturvaloukkauksista",
        app.uni.name
    )));
    assert!(index.contains("Julkaistu "), "{index}");
    assert!(index.contains("<link rel=\"stylesheet\" href=\"/static/notice.css\">"));
    let other = reqwest::get(app.url("/notices/museum"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(other.contains("Julkaistuja tiedotteita ei ole."), "{other}");
    assert!(!other.contains(&public_url));
    assert_eq!(
        reqwest::get(app.url(&format!("/notices/museum/{reference}/any-words")))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        reqwest::get(app.url("/notices/nobody"))
            .await
            .unwrap()
            .status(),
        404
    );
    assert!(html.contains("press@uni.example"));
    let md = reqwest::get(app.url(&format!("{public_url}/notice.md")))
        .await
        .unwrap();
    assert_eq!(md.status(), 200);
    let md = md.text().await.unwrap();
    assert!(md.contains("## For the media"), "{md}");
    assert_eq!(
        reqwest::get(app.url("/notices/uni/UNI-1999-0001"))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        reqwest::get(app.url(&format!("/notices/museum/{reference}")))
            .await
            .unwrap()
            .status(),
        404,
        "another organisation's address does not show it"
    );
}

#[tokio::test]
async fn an_organisations_own_wording_is_previewed_checked_and_used_in_new_drafts() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let team = app
        .account(&[(&app.uni, Role::SecurityTeam)], "team@uni.example")
        .await;
    let other = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let path = "/desk/orgs/uni/templates?lang=en";
    let mut b = app.signed_in(&dpo).await;
    let page = b.get(path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("letter-closing = We are sorry for what happened.")
    );
    for outsider in [&team, &other] {
        let mut o = app.signed_in(outsider).await;
        assert_eq!(o.get(path).await.status, 404);
        let csrf = o.get("/desk?lang=en").await.hidden("csrf_token");
        let r = o
            .post(
                path,
                &[("csrf_token", &csrf), ("source_fi", "letter-closing = x")],
            )
            .await;
        assert_eq!(r.status, 404);
    }

    let fi = "letter-closing = Pahoittelemme. Opiskelijapalvelut auttaa numerossa 029 123 4567.";
    // The live preview shows the wording and saves nothing.
    let preview = b
        .submit(path, path, &[("source_fi", fi), ("action", "preview")])
        .await;
    assert_eq!(preview.status, 200);
    assert!(
        preview
            .body
            .contains("Opiskelijapalvelut auttaa numerossa 029 123 4567.")
    );
    assert!(
        app.store
            .org_templates(app.uni.id)
            .await
            .unwrap()
            .is_empty()
    );
    // A typo, a broken line or a variable the default does not have is refused, nothing saved.
    let bad = b
        .submit(
            path,
            path,
            &[
                ("source_fi", "letter-closng = typo"),
                ("source_sv", "letter-subject = { $ssn }"),
                ("source_en", "letter-closing = fine\nno equals sign here"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body.contains("letter-closng: no such message"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("letter-subject: uses a variable"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("English 2: not a valid Fluent message"),
        "{}",
        bad.body
    );
    assert!(
        app.store
            .org_templates(app.uni.id)
            .await
            .unwrap()
            .is_empty()
    );
    // Saved, it is used when a draft is written.
    let saved = b
        .submit(path, path, &[("source_fi", fi), ("action", "save")])
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let case = app.reported_case("uni").await;
    let letters = b
        .get(&format!("/desk/cases/{case}/notices/subjects?lang=fi"))
        .await;
    assert!(
        letters
            .body
            .contains("Pahoittelemme. Opiskelijapalvelut auttaa numerossa 029 123 4567."),
        "{}",
        letters.body
    );
    // Other organisations keep the default.
    let trail = app.store.audit_trail(None).await.unwrap();
    assert!(
        trail
            .iter()
            .any(|a| a.action == "org.templates" && a.detail == "fi")
    );
}

/// Issue 18: an override must hold together as the law does, and the authority draft states
/// the decided risk and the exemption relied on — not the proposal it departed from.
#[tokio::test]
async fn an_overridden_decision_must_be_coherent_and_the_draft_follows_it() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    let case = assessed_case(&app, &mut b).await;
    let page_path = format!("/desk/cases/{case}?lang=en");
    let decision = format!("/desk/cases/{case}/assessment/decision?lang=en");
    let base = [
        ("decision", "override"),
        ("risk", "high"),
        ("severity", "very_high"),
        ("likelihood", "likely"),
        (
            "reason",
            "The shared drive's access log shows the file was copied.",
        ),
    ];
    // A risk is notified to the authority.
    let mut form = base.to_vec();
    form.extend([
        ("notify_authority", "no"),
        ("communicate_to_subjects", "individual"),
    ]);
    let p = b.submit(&page_path, &decision, &form).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("Supervisory authority:"), "{}", p.body);
    // A high risk not communicated needs the exemption it relies on.
    let mut form = base.to_vec();
    form.extend([
        ("notify_authority", "yes"),
        ("communicate_to_subjects", "not_required"),
    ]);
    let p = b.submit(&page_path, &decision, &form).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(
        p.body
            .contains("Art. 34(3) exemption relied on: This field is required."),
        "{}",
        p.body
    );
    form.push(("exemption", "b"));
    let p = b.submit(&page_path, &decision, &form).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = b.get(&page_path).await;
    assert!(
        page.body.contains(
            "a high risk (severity very high, likelihood likely) · Art. 34(3)(b) applies"
        ),
        "{}",
        page.body
    );
    // The draft: high risk, severe impact, not communicated because of Art. 34(3)(b).
    let notice = b
        .get(&format!("/desk/cases/{case}/notices/authority?lang=en"))
        .await;
    let values = form_values(&notice);
    let get = |k: &str| values.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str());
    assert_eq!(get("field_87"), Some("c"), "severe, as decided");
    assert_eq!(get("field_89"), Some("a"), "high risk, as decided");
    assert_eq!(get("field_97"), Some("e"), "an Art. 34(3) condition is met");
    assert_eq!(get("field_100"), Some("b"), "subsequent measures");
    assert!(
        get("field_90").is_some_and(|m| m.contains("severity very high, likelihood likely")),
        "{:?}",
        get("field_90")
    );
}

#[tokio::test]
async fn the_notice_facts_are_checked_and_the_dpo_approves_the_drafted_notice_unchanged() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let comms = app
        .account(&[(&app.uni, Role::Communications)], "comms@uni.example")
        .await;
    let admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    let case = assessed_case(&app, &mut b).await;
    let reference = app.store.case_by_id(case).await.unwrap().unwrap().reference;
    let facts_page = format!("/desk/cases/{case}/notices/facts?lang=en");

    // The form names each affected category for its count and caveat, and offers as "never
    // collected" only categories neither affected nor unaffected.
    let page = b.get(&facts_page).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("name=\"count_health\""));
    assert!(page.body.contains("name=\"caveat_health_sv\""));
    assert!(page.body.contains("name=\"never_national_id\""));
    assert!(!page.body.contains("name=\"never_health\""));
    assert!(!page.body.contains("name=\"never_payment_card\""));
    assert!(page.body.contains("lang=\"sv\""));

    // Bad input: each problem named at its field, nothing saved.
    let mut bad: Vec<(&str, &str)> = facts_form()
        .into_iter()
        .filter(|(k, _)| !["fixed_on", "cause_fi", "count_health"].contains(k))
        .collect();
    bad.extend([
        (
            "cause_fi",
            "The report was saved by mistake in a folder that too many people could open.",
        ),
        ("count_health", "many"),
        ("never_health", "on"),
    ]);
    let p = b.submit(&facts_page, &facts_page, &bad).await;
    assert_eq!(p.status, 422, "{}", p.body);
    for (field, message) in [
        ("fixed_on", "This field is required"),
        ("count_health", ""),
        ("never_collected", "never collected"),
    ] {
        assert!(
            p.body.contains(&format!("id=\"{field}-error\"")),
            "{field}: {}",
            p.body
        );
        assert!(p.body.contains(message), "{message}");
    }
    // The English cause in the Finnish field is caught only once the form parses; a
    // resubmission with the form's structure right names it.
    let mut wrong_language: Vec<(&str, &str)> = facts_form()
        .into_iter()
        .filter(|(k, _)| *k != "cause_fi")
        .collect();
    wrong_language.push((
        "cause_fi",
        "The report was saved by mistake in a folder that too many people could open.",
    ));
    let p = b.submit(&facts_page, &facts_page, &wrong_language).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("id=\"cause_fi-error\""), "{}", p.body);
    assert!(
        p.body
            .contains("This reads as English: write it in this field&#39;s language."),
        "{}",
        p.body
    );
    // What was typed stays in the form.
    assert!(p.body.contains(">vardagar 9–16</textarea>"));
    let page = b.get(&facts_page).await;
    assert!(
        !page.body.contains("potilaspalvelu@uni.example"),
        "nothing was saved"
    );

    // Who may not: a communications officer reads cases but does not edit them; the
    // administrator does not read cases at all; a form without the session's token is refused.
    let mut c = app.signed_in(&comms).await;
    let csrf = c.get("/desk").await.hidden("csrf_token");
    let mut form = facts_form();
    form.push(("csrf_token", csrf.as_str()));
    assert_eq!(c.post(&facts_page, &form).await.status, 403);
    let mut a = app.signed_in(&admin).await;
    assert_eq!(a.get(&facts_page).await.status, 404);
    let csrf = a.get("/desk").await.hidden("csrf_token");
    let mut form = facts_form();
    form.push(("csrf_token", csrf.as_str()));
    assert_eq!(a.post(&facts_page, &form).await.status, 404);
    assert_eq!(b.post(&facts_page, &facts_form()).await.status, 403);
    let page = b.get(&facts_page).await;
    assert!(
        !page.body.contains("potilaspalvelu@uni.example"),
        "nothing was saved"
    );

    // The DPO records the facts; the form shows them again.
    record_facts(&mut b, case).await;
    let page = b.get(&facts_page).await;
    assert!(page.body.contains(">vardagar 9–16</textarea>"));
    assert!(page.body.contains("value=\"1200\""), "{}", page.body);

    // The draft from the facts is saved as it stands and approved: nothing rewritten.
    let desk_page = format!("/desk/cases/{case}/notices/public?lang=en");
    let page = b
        .get(&format!(
            "/desk/cases/{case}/notices/public?fresh=true&lang=en"
        ))
        .await;
    let values = textareas(&page);
    let p = b.submit(&desk_page, &desk_page, &pairs(&values)).await;
    assert_eq!(p.status, 303, "{}", p.body);
    // Nobody informed yet is the one part the case cannot fill: the notice says whom.
    let p = b
        .submit(
            &desk_page,
            &format!("/desk/cases/{case}/notices/public/1/approve?lang=en"),
            &[],
        )
        .await;
    assert_eq!(p.status, 409, "no one informed yet");
    let notified = format!("/desk/cases/{case}?lang=en");
    let at = app
        .state_now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let p = b
        .submit(
            &notified,
            &format!("/desk/cases/{case}/notified"),
            &[("at", &at), ("zone", "UTC"), ("reference", "TSV/77/2026")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = b
        .get(&format!(
            "/desk/cases/{case}/notices/public?fresh=true&lang=en"
        ))
        .await;
    let values = textareas(&page);
    let p = b.submit(&desk_page, &desk_page, &pairs(&values)).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = b
        .submit(
            &desk_page,
            &format!("/desk/cases/{case}/notices/public/2/approve?lang=en"),
            &[],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);

    // The published page carries every element, each language from its own texts.
    let html = reqwest::get(app.url(&format!("/notices/uni/{reference}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "vika on korjattu, sinun ei tarvitse tehdä mitään",
        "felet är åtgärdat, du behöver inte göra något",
        "the fault is fixed, you do not need to do anything",
        "vain osaa potilaistamme",
        "21.11.2026",
        "21 November 2026",
        "Raportti tallennettiin vahingossa",
        "Patientdatasystemet och betalningsuppgifterna nåddes inte.",
        "<li>Health data (1,200 people): only the reason for the visit, no diagnoses</li>",
        "Mitä tietoja emme kerää",
        "Emme ole havainneet, että tietoja olisi käytetty väärin.",
        "tietosuojavaltuutetun toimistolle",
        "ulkopuolinen tietoturvayhtiö",
        "Palveluaika: arkisin 9–16.",
        "Media enquiries: Viestintä, press@uni.example, 040 765 4321.",
    ] {
        assert!(html.contains(needle), "{needle}\n{html}");
    }
    // No English sentence in the Finnish article.
    let fi = &html
        [html.find("<article lang=\"fi\"").unwrap()..html.find("<article lang=\"sv\"").unwrap()];
    assert!(!fi.contains("The report was saved"), "{fi}");
    assert!(!fi.contains("outside information security"), "{fi}");

    // The notification to the authority is drafted from the same facts: saved as drafted, its
    // Swedish document gives the cause in Swedish and names the data in Swedish.
    let authority = format!("/desk/cases/{case}/notices/authority?lang=en");
    let page = b.get(&authority).await;
    let values = form_values(&page);
    let p = b.submit(&authority, &authority, &pairs(&values)).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let sv = b
        .get(&format!(
            "/desk/cases/{case}/notices/authority/1/export/md?doc=sv"
        ))
        .await;
    assert_eq!(sv.status, 200);
    assert!(
        sv.body.contains(
            "Rapporten sparades av misstag i en mapp som alltför många hade tillgång till."
        ),
        "{}",
        sv.body
    );
    assert!(
        !sv.body.contains("Raportti tallennettiin vahingossa"),
        "{}",
        sv.body
    );
    assert!(!sv.body.contains("Not affected"), "{}", sv.body);
    assert!(sv.body.contains("hälsouppgifter"), "{}", sv.body);
    // The same documents over the API, for a ticketing system: the Swedish Markdown, the
    // template's JSON, the PDF; a format it does not know is named; the administrator sees no case.
    let token = app.token_for(dpo.id).await;
    let export = |format: &str| format!("/api/v1/cases/{case}/notices/authority/1/export/{format}");
    let api_sv = app
        .http
        .get(app.url(&format!("{}?doc=sv", export("md"))))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(api_sv.status(), 200);
    assert_eq!(api_sv.text().await.unwrap(), sv.body);
    let (status, json) = app.get_json(&export("json"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(json["field_109"], "b", "the police were not told");
    let pdf = app
        .http
        .get(app.url(&export("pdf")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    assert_eq!(app.get_json(&export("docx"), &token).await.0, 422);
    let admin_token = app.token(&app.uni, "admin@uni.example", Role::Admin).await;
    assert_eq!(app.get_json(&export("md"), &admin_token).await.0, 404);

    // Published pages are kept for a minute, but an approval shows at once: a corrected
    // headline is on the index and at the notice's (new) address right after it is approved.
    let index = reqwest::get(app.url("/notices/uni"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(index.contains("vika on korjattu"), "{index}");
    let page = b
        .get(&format!("/desk/cases/{case}/notices/public?lang=en"))
        .await;
    let corrected = with(
        &textareas(&page),
        &[(
            "fi_headline",
            "Yliopisto: potilastietoja paljastui – korjattu versio",
        )],
    );
    let p = b.submit(&desk_page, &desk_page, &pairs(&corrected)).await;
    assert_eq!(p.status, 303);
    let p = b
        .submit(
            &desk_page,
            &format!("/desk/cases/{case}/notices/public/3/approve?lang=en"),
            &[],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let index = reqwest::get(app.url("/notices/uni"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(index.contains("korjattu versio"), "{index}");
    let notice = reqwest::get(app.url(&format!("/notices/uni/{reference}")))
        .await
        .unwrap();
    assert!(
        notice
            .url()
            .path()
            .ends_with("/potilastietoja-paljastui-korjattu-versio"),
        "{}",
        notice.url()
    );
}
