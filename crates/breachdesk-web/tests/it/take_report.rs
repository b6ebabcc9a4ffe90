//! Issue 22: a report taken by phone or in person is entered on the desk by those who handle
//! the organisation's cases; the case is created as from the form, with the channel and who took
//! it (on the case page and in the audit entry of its arrival); bad input changes nothing; the
//! roles that do not handle cases may not.

use breachdesk_core::report::Channel;
use breachdesk_core::user::Role;

use crate::helpers::spawn;

#[tokio::test]
async fn a_handler_enters_a_report_taken_by_phone_and_others_may_not() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let team = app
        .account(&[(&app.uni, Role::SecurityTeam)], "team@uni.example")
        .await;
    let museum_dpo = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let cases = || async {
        app.store
            .find_cases(
                &[app.uni.id],
                &breachdesk_core::ports::CaseFilter::default(),
            )
            .await
            .unwrap()
            .len()
    };
    let uni = app.uni.id.to_string();
    let page = "/desk/reports/new?lang=en";
    let mut b = app.signed_in(&dpo).await;
    let form = b.get(page).await;
    assert_eq!(form.status, 200);
    assert!(
        form.body
            .contains("Enter a report taken by phone or in person")
    );
    assert!(
        b.get("/desk?lang=en")
            .await
            .body
            .contains("href=\"/desk/reports/new\""),
        "linked from the desk"
    );
    let good = |channel: &'static str| {
        vec![
            ("org", uni.clone()),
            ("channel", channel.to_owned()),
            ("language", "fi".to_owned()),
            ("how_noticed", "A caller from the library".to_owned()),
            ("noticed_at", "2026-11-20T09:15".to_owned()),
            ("noticed_tz", "Europe/Helsinki".to_owned()),
            (
                "what_happened",
                "QZX-PHONE-2231 a list of borrowers left on a public printer".to_owned(),
            ),
            ("system", "Library printing".to_owned()),
            ("reporter_name", "Liisa Lainaaja".to_owned()),
            ("reporter_email", "liisa@uni.example".to_owned()),
        ]
    };

    // Refused, nothing created: a missing field, a channel that is not taken on the desk, an
    // organisation that is not the handler's.
    let before = cases().await;
    let mut missing = good("phone");
    missing.retain(|(k, _)| *k != "what_happened");
    let pairs: Vec<(&str, &str)> = missing.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.submit(page, "/desk/reports?lang=en", &pairs).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("What happened"), "{}", r.body);
    assert!(
        r.body.contains("Library printing"),
        "what was typed is kept"
    );
    let mut email = good("email");
    email.retain(|(k, _)| *k != "channel");
    email.push(("channel", "email".to_owned()));
    let pairs: Vec<(&str, &str)> = email.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        b.submit(page, "/desk/reports?lang=en", &pairs).await.status,
        422
    );
    let mut museum = app.signed_in(&museum_dpo).await;
    let fields = good("phone");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = museum.submit(page, "/desk/reports?lang=en", &pairs).await;
    assert_eq!(r.status, 422, "not the museum's organisation");
    assert_eq!(cases().await, before);

    // Taken: a case with the channel and the taker, the receipt code shown once.
    let r = b.submit(page, "/desk/reports?lang=en", &pairs).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.body.contains("id=\"receipt-code\""));
    assert_eq!(cases().await, before + 1);
    let case = app
        .store
        .find_cases(
            &[app.uni.id],
            &breachdesk_core::ports::CaseFilter::default(),
        )
        .await
        .unwrap()
        .into_iter()
        .max_by_key(|c| c.created_at)
        .unwrap();
    assert!(r.body.contains(&case.reference));
    let report = &app.store.reports_of_case(case.id).await.unwrap()[0];
    assert_eq!(
        (report.channel, report.taken_by),
        (Channel::Phone, Some(dpo.id))
    );
    assert_eq!(report.language, breachdesk_core::report::Language::Fi);
    let trail = app.store.audit_trail(Some(case.id)).await.unwrap();
    assert_eq!(trail[0].action, "report.received");
    assert_eq!(trail[0].actor, Some(dpo.id));
    assert!(trail[0].detail.ends_with("channel=phone"));
    let case_page = b.get(&format!("/desk/cases/{}?lang=en", case.id)).await;
    assert!(
        case_page.body.contains("Taken by phone by"),
        "{}",
        case_page.body
    );
    assert!(case_page.body.contains("QZX-PHONE-2231"));
    // Sealed like any report.
    let raw = app.db.raw_contents().await;
    assert!(raw.windows(14).all(|w| w != b"QZX-PHONE-2231"));

    // A team member takes one in person too.
    let mut member = app.signed_in(&team).await;
    let fields = good("in_person");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        member
            .submit(page, "/desk/reports?lang=en", &pairs)
            .await
            .status,
        201
    );

    // Those who do not handle cases may not: neither the page nor the form.
    for role in [Role::Auditor, Role::Communications, Role::Admin] {
        let who = app
            .account(
                &[(&app.uni, role)],
                &format!("{}@uni.example", role.as_str()),
            )
            .await;
        let mut other = app.signed_in(&who).await;
        assert_eq!(other.get(page).await.status, 403, "{role}");
        let csrf = other.get("/desk").await.hidden("csrf_token");
        let mut with_csrf = pairs.clone();
        with_csrf.push(("csrf_token", &csrf));
        assert_eq!(
            other.post("/desk/reports", &with_csrf).await.status,
            403,
            "{role}"
        );
    }
    assert_eq!(cases().await, before + 2);
}
