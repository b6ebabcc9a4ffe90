//! The main flows in a real headless Chromium (Debian's chromium and chromedriver, driven over
//! `WebDriver`), with an axe-core accessibility check of every page on the way: first
//! administrator setup, TOTP enrolment, sign-in with a code, open a case, set the awareness
//! time, record a timeline event, change the status.
//!
//! `.ci/run` installs chromium, chromedriver and axe-core. Without them this test fails with a
//! message saying what is missing; `BREACHDESK_SKIP_BROWSER=1` skips it on purpose.

use breachdesk_core::case::CaseStatus;
use breachdesk_core::user::Role;
use breachdesk_crypto::TotpSecret;
use fantoccini::Locator;
use jiff::SignedDuration;

use crate::desk::PASSWORD;
use crate::helpers::{TestApp, spawn};
use breachdesk_testkit::browser::{
    axe_source, body, browser, check_accessibility, choose, chromedriver, click_through, current,
    fill, set_value, submit,
};

fn code(app: &TestApp, secret: &TotpSecret) -> String {
    secret.code_at(u64::try_from(app.state_now().as_second()).unwrap())
}

#[tokio::test]
async fn main_flows_in_headless_chromium_pass_the_accessibility_check() {
    if std::env::var_os("BREACHDESK_SKIP_BROWSER").is_some() {
        eprintln!("BREACHDESK_SKIP_BROWSER is set: browser flows not run");
        return;
    }
    let axe = axe_source();
    let app = spawn().await;
    let case = app.reported_case("uni").await;
    let reference = app.store.case_by_id(case).await.unwrap().unwrap().reference;
    let (_driver, port) = chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = browser(port, profile.path()).await;

    // 1. The first administrator, from the link `serve` prints.
    let token = app.state.first_admin_setup_token().await.unwrap().unwrap();
    c.goto(&app.url(&format!("/setup/{token}?lang=en")))
        .await
        .unwrap();
    check_accessibility(&c, &axe, "setup").await;
    fill(&c, "email", "ada@uni.example").await;
    fill(&c, "name", "Ada Admin").await;
    fill(&c, "password", PASSWORD).await;
    fill(&c, "password_again", PASSWORD).await;
    submit(&c, "form").await;
    assert_eq!(current(&c).await, "/sign-in?done=setup&lang=en");
    assert!(body(&c).await.contains("Your account is ready"));
    check_accessibility(&c, &axe, "sign-in").await;

    // 2. Sign-in leads to TOTP enrolment with a QR code; the key is read off the page.
    fill(&c, "email", "ada@uni.example").await;
    fill(&c, "password", PASSWORD).await;
    submit(&c, "form").await;
    assert_eq!(current(&c).await, "/sign-in/enrol?lang=en");
    check_accessibility(&c, &axe, "enrolment").await;
    assert!(c.find(Locator::Css("figure.qr svg")).await.is_ok());
    let key = c
        .find(Locator::Id("totp-secret"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace(' ', "");
    let secret = TotpSecret::from_bytes(
        &base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &key).unwrap(),
    )
    .unwrap();
    fill(&c, "code", &code(&app, &secret)).await;
    submit(&c, "form").await;
    assert!(body(&c).await.contains("Your recovery codes"));
    check_accessibility(&c, &axe, "recovery codes").await;
    click_through(
        &c,
        Locator::LinkText("I have stored them: continue to the cases"),
    )
    .await;
    assert!(current(&c).await.starts_with("/desk"));
    check_accessibility(&c, &axe, "administrator's dashboard").await;
    click_through(&c, Locator::Css("button.link")).await;
    assert_eq!(current(&c).await, "/sign-in?done=signed-out");

    // 3. A DPO signs in with password and authenticator code.
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    app.clock.advance(SignedDuration::from_secs(30));
    c.goto(&app.url("/sign-in?lang=en")).await.unwrap();
    fill(&c, "email", &dpo.email).await;
    fill(&c, "password", &dpo.password).await;
    submit(&c, "form").await;
    assert_eq!(current(&c).await, "/sign-in/code?lang=en");
    check_accessibility(&c, &axe, "code").await;
    fill(&c, "code", &code(&app, &dpo.secret)).await;
    submit(&c, "form").await;
    assert_eq!(current(&c).await, "/desk?lang=en");
    c.goto(&app.url("/desk?lang=en")).await.unwrap();
    check_accessibility(&c, &axe, "dashboard").await;

    // 4. The newest case, from the dashboard.
    click_through(&c, Locator::LinkText(&reference)).await;
    assert!(
        current(&c)
            .await
            .starts_with(&format!("/desk/cases/{case}"))
    );
    check_accessibility(&c, &axe, "case page").await;
    assert!(body(&c).await.contains("The clock has not started"));

    // 5. Awareness time two hours ago (to the minute): 69 h 59 min left.
    let aware = (app.state_now() - SignedDuration::from_hours(2))
        .to_zoned(jiff::tz::TimeZone::get("Europe/Helsinki").unwrap())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    set_value(&c, "awareness-at", &aware).await;
    submit(&c, "#deadline form").await;
    let text = c
        .find(Locator::Id("time-left"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, "2 d 21 h left to notify the authority");

    // 6. A timeline event.
    set_value(&c, "timeline-at", "2026-11-21T14:05").await;
    fill(&c, "timeline-source", "firewall log").await;
    fill(
        &c,
        "timeline-description",
        "Outbound transfer of 2 GB to an unknown host",
    )
    .await;
    submit(&c, "#timeline form").await;
    let timeline = c
        .find(Locator::Css("ol.timeline"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(timeline.contains("2026-11-21 14:05 EET"), "{timeline}");
    assert!(timeline.contains("Outbound transfer of 2 GB"));

    // 7. The status: received → triage.
    submit(&c, "#status form").await;
    let now = c
        .find(Locator::Id("current-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(now, "being triaged");
    assert_eq!(app.status_of(case).await, CaseStatus::Triage);
    check_accessibility(&c, &axe, "case page after changes").await;

    // 8. Who is affected: the scope, then the questions the scope leaves open, then the
    // proposal with its reasons.
    for id in [
        "nature-confidentiality",
        "affected-person_name",
        "affected-health",
        "subject_categories-patients",
    ] {
        c.find(Locator::Id(id))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    choose(&c, "scope-conf", "disclosed").await;
    choose(&c, "scope-unint", "no").await;
    choose(&c, "scope-subjects", "approximate").await;
    fill(&c, "scope-subjects-value", "12000").await;
    choose(&c, "scope-records", "unknown").await;
    choose(&c, "scope-cause", "external_malicious").await;
    submit(&c, "#scope form").await;
    assert!(body(&c).await.contains("12000 (approximate)"));
    for (id, value) in [
        ("q-acting_as", "controller"),
        ("q-recipients", "malicious"),
        ("q-containment", "none"),
        ("q-identification", "maximum"),
        ("q-sector", "health_care"),
        ("q-joint_controllers", "no"),
        ("q-at_processor", "no"),
    ] {
        choose(&c, id, value).await;
    }
    submit(&c, "#assessment form[action*='answers']").await;
    // A high risk: only now are the Art. 34(3)(b) and (c) questions asked.
    for (id, value) in [
        ("q-subsequent_measures_remove_high_risk", "no"),
        ("q-disproportionate_effort", "no"),
    ] {
        choose(&c, id, value).await;
    }
    submit(&c, "#assessment form[action*='answers']").await;
    let severity = c
        .find(Locator::Id("severity"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(severity.starts_with("very high"), "{severity}");
    let risk = c
        .find(Locator::Id("risk"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(risk.starts_with("a high risk"), "{risk}");
    check_accessibility(&c, &axe, "case page with scope and assessment").await;

    // 9. The history.
    click_through(&c, Locator::LinkText("History of the case")).await;
    check_accessibility(&c, &axe, "history").await;
    let history = body(&c).await;
    for what in [
        "changed the status",
        "set the awareness time",
        "added to the record",
    ] {
        assert!(history.contains(what), "{what}");
    }

    // 10. The facts of the notices, in three languages, then the public notice drafted from
    // them.
    click_through(&c, Locator::LinkText("Back to the case")).await;
    click_through(&c, Locator::LinkText("Facts for the notices")).await;
    check_accessibility(&c, &axe, "facts for the notices").await;
    for id in ["progress-2", "must_act-1", "reach-2", "misuse-2"] {
        c.find(Locator::Id(id))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    for (id, value) in [
        (
            "cause_fi",
            "Hyökkääjä pääsi järjestelmään vanhentuneen ohjelmiston kautta.",
        ),
        (
            "cause_sv",
            "Angriparen tog sig in i systemet via en föråldrad programvara.",
        ),
        (
            "cause_en",
            "The attacker got into the system through outdated software.",
        ),
        ("media_contact", "Viestintä, press@uni.example"),
    ] {
        fill(&c, id, value).await;
    }
    submit(&c, "form[action*='notices/facts']").await;
    assert!(body(&c).await.contains("The facts were saved."));
    click_through(&c, Locator::Id("facts-draft")).await;
    check_accessibility(&c, &axe, "public notice drafted from the facts").await;
    let headline = c
        .find(Locator::Id("fi_headline"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        headline.ends_with("loukkaus on saatu rajattua, sinun ei tarvitse tehdä mitään"),
        "{headline}"
    );

    // 11. The case page on a phone, 360 px wide, in Finnish and Swedish (the longest words):
    // what happened first, nothing wider than the screen, the accessibility check, and a
    // screenshot kept for a person to look at (target/browser/case-360-*.png).
    c.set_window_size(360, 780).await.unwrap();
    for lang in ["fi", "sv"] {
        c.goto(&app.url(&format!("/desk/cases/{case}?lang={lang}")))
            .await
            .unwrap();
        check_accessibility(&c, &axe, &format!("case page at 360 px ({lang})")).await;
        let widths = c
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, inner) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
        assert!(
            scroll <= inner,
            "{lang}: the page is {scroll} px wide on a {inner} px screen"
        );
        let order = c
            .execute(
                "return ['case-what','case-facts','case-work'].map(id => document.getElementById(id).getBoundingClientRect().top);",
                vec![],
            )
            .await
            .unwrap();
        let tops: Vec<f64> = order
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert!(tops[0] < tops[1] && tops[1] < tops[2], "{tops:?}");
        let png = c.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("case-360-{lang}.png")), &png).unwrap();
    }
    c.close().await.unwrap();
}
