//! The JSON API: intake, validation, case register, follow-up, `OpenAPI`.

use breachdesk_core::ports::NewShare;
use breachdesk_core::report::{ReportKind, fields_of};
use breachdesk_core::user::Role;
use breachdesk_web::Limits;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{anonymous, breach, processor, spawn, spawn_with};
use breachdesk_crypto::token_digest;

const SECURITY_HEADERS: [(&str, &str); 4] = [
    (
        "content-security-policy",
        breachdesk_web::CONTENT_SECURITY_POLICY,
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
];

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn().await;
    let responses = [
        app.http.get(app.url("/healthz")).send().await.unwrap(),
        app.http
            .get(app.url("/api/v1/nothing"))
            .send()
            .await
            .unwrap(),
        app.http.get(app.url("/report/uni")).send().await.unwrap(),
        app.post_report("uni", &json!({"kind": "breach"})).await,
        app.http.get(app.url("/no/such/page")).send().await.unwrap(),
    ];
    for r in responses {
        for (name, value) in SECURITY_HEADERS {
            assert_eq!(
                r.headers().get(name).and_then(|v| v.to_str().ok()),
                Some(value),
                "{name} on {}",
                r.url()
            );
        }
        assert!(
            !r.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("script-src"),
            "no scripts allowed at all"
        );
        assert_eq!(r.headers()["cache-control"], "no-store");
    }
    assert_eq!(
        app.http
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn a_breach_report_opens_a_case_that_its_organisations_handler_reads_decrypted() {
    let app = spawn().await;
    let r = app.post_report("uni", &breach()).await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let code = created["receipt_code"].as_str().unwrap();
    assert_eq!(code.len(), 24);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(created["reference"], "UNI-2026-0001");
    assert_eq!(created["warnings"], json!([]));

    let token = app.token(&app.uni, "dpo@uni.example", Role::Dpo).await;
    let (status, list) = app.get_json("/api/v1/cases", &token).await;
    assert_eq!(status, 200);
    assert_eq!(list["cases"].as_array().unwrap().len(), 1);
    assert_eq!(list["cases"][0]["id"], created["case_id"]);
    assert_eq!(list["cases"][0]["status"], "received");
    assert_eq!(list["cases"][0]["kind"], "breach");

    let (status, case) = app
        .get_json(
            &format!("/api/v1/cases/{}", created["case_id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(case["reference"], "UNI-2026-0001");
    let report = &case["reports"][0];
    assert_eq!(report["id"], created["id"]);
    assert_eq!(report["language"], "en");
    assert_eq!(report["body"]["what_happened"], breach()["what_happened"]);
    assert_eq!(report["body"]["noticed_at"], "2026-11-22T09:15:00+02:00");
    assert_eq!(report["contact"]["email"], "maija.meikalainen@uni.example");
    assert_eq!(report["contact"]["name"], "Maija Meikäläinen");

    // References count on per organisation.
    let second: Value = app
        .post_report("uni", &anonymous())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["reference"], "UNI-2026-0002");
    let museum: Value = app
        .post_report("museum", &anonymous())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(museum["reference"], "MUSEUM-2026-0001");
}

#[tokio::test]
async fn processor_notifications_need_confirmation_and_a_complete_final_phase() {
    let app = spawn().await;
    assert_eq!(
        app.post_report("uni", &processor("initial")).await.status(),
        201
    );
    let mut unconfirmed = processor("final");
    unconfirmed["breach_confirmed"] = json!(false);
    unconfirmed
        .as_object_mut()
        .unwrap()
        .remove("processor_email");
    let r = app.post_report("uni", &unconfirmed).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["errors"]["breach_confirmed"][0],
        "Must be confirmed: a processor notifies confirmed breaches."
    );
    assert_eq!(
        e["errors"]["likely_consequences"][0],
        "This field is required."
    );
    assert_eq!(e["errors"]["measures"][0], "This field is required.");
    assert_eq!(e["errors"]["processor_email"][0], "This field is required.");
    let mut complete = processor("final");
    complete["likely_consequences"] = json!("Phishing against students is possible");
    complete["measures"] = json!("Bucket made private; access logs reviewed");
    assert_eq!(app.post_report("uni", &complete).await.status(), 201);
    assert_eq!(app.case_count().await, 2);
}

#[tokio::test]
async fn an_anonymous_report_with_contact_data_is_refused_and_nothing_is_stored() {
    let app = spawn().await;
    let mut body = anonymous();
    body["reporter_email"] = json!("me@example.fi");
    let r = app.post_report("uni", &body).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["errors"]["reporter_email"][0],
        "Is not allowed in this kind of report."
    );
    assert_eq!(app.case_count().await, 0);
    let ok: Value = app
        .post_report("uni", &anonymous())
        .await
        .json()
        .await
        .unwrap();
    let token = app.token(&app.uni, "dpo@uni.example", Role::Dpo).await;
    let (_, case) = app
        .get_json(
            &format!("/api/v1/cases/{}", ok["case_id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert_eq!(case["reports"][0]["contact"], Value::Null);
    assert_eq!(case["reports"][0]["kind"], "anonymous");
}

#[tokio::test]
async fn bad_requests_get_specific_errors_and_change_nothing() {
    let app = spawn().await;
    let url = app.url("/api/v1/orgs/uni/reports");
    let text = app
        .http
        .post(&url)
        .header("content-type", "text/plain")
        .body(breach().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    assert_eq!(
        text.json::<Value>().await.unwrap()["error"],
        "unsupported_media_type"
    );
    let malformed = app
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert!(
        malformed.json::<Value>().await.unwrap()["message"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON")
    );
    let array = app
        .http
        .post(&url)
        .json(&json!([1, 2]))
        .send()
        .await
        .unwrap();
    assert_eq!(array.status(), 400);
    let mut huge = breach();
    huge["what_happened"] = json!("x".repeat(300 * 1024));
    let big = app.http.post(&url).json(&huge).send().await.unwrap();
    assert_eq!(big.status(), 413);
    assert_eq!(
        big.json::<Value>().await.unwrap()["error"],
        "payload_too_large"
    );
    assert_eq!(
        app.post_report("no-such-org", &breach()).await.status(),
        404
    );
    assert_eq!(app.post_report("Not A Slug", &breach()).await.status(), 404);

    let mut bad = breach();
    bad["noticed_at"] = json!("2026-11-23T09:15:00+02:00");
    bad["reporter_email"] = json!("maija at uni");
    bad["system"] = json!("s".repeat(1001));
    bad["colour"] = json!("red");
    bad["what_happened"] = json!(42);
    let r = app.post_report("uni", &bad).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e,
        json!({"errors": {
            "noticed_at": ["Cannot be in the future."],
            "reporter_email": ["Is not a valid e-mail address."],
            "system": ["Too long: at most 1000 characters."],
            "colour": ["Is not a known field."],
            "what_happened": ["Must be text."],
        }})
    );
    let mut no_zone = breach();
    no_zone["noticed_at"] = json!("2026-11-22 09:15");
    let e: Value = app.post_report("uni", &no_zone).await.json().await.unwrap();
    assert!(
        e["errors"]["noticed_at"][0]
            .as_str()
            .unwrap()
            .contains("time zone offset")
    );
    let e: Value = app
        .post_report("uni", &json!({"kind": "complaint"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        e["errors"]["kind"][0],
        "Must be one of: breach, processor, anonymous."
    );
    assert_eq!(
        app.case_count().await,
        0,
        "no bad request may create anything"
    );
}

#[tokio::test]
async fn pasted_identity_codes_cards_and_ibans_produce_warnings_but_the_report_is_kept() {
    let app = spawn().await;
    let mut body = breach();
    body["what_happened"] =
        json!("List with 131052-308T and 010594Y9032 and card 4111 1111 1111 1111 was sent out");
    body["system"] = json!("Payroll FI21 1234 5600 0007 85");
    let r = app.post_report("uni", &body).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    let got: Vec<(String, String)> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["field"].as_str().unwrap().to_owned(),
                w["category"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("what_happened".to_owned(), "national_id".to_owned()),
            ("what_happened".to_owned(), "payment_card".to_owned()),
            ("system".to_owned(), "iban".to_owned())
        ]
    );
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not the leaked data")
    );
    // A checksum-invalid code is not a warning.
    let mut fine = breach();
    fine["what_happened"] = json!("Reference 131052-308U is not an identity code");
    let v: Value = app.post_report("uni", &fine).await.json().await.unwrap();
    assert_eq!(v["warnings"], json!([]));
}

#[tokio::test]
async fn handlers_need_a_token_and_see_only_their_own_organisations_cases() {
    let app = spawn().await;
    let uni_case: Value = app
        .post_report("uni", &breach())
        .await
        .json()
        .await
        .unwrap();
    let museum_case: Value = app
        .post_report("museum", &anonymous())
        .await
        .json()
        .await
        .unwrap();
    let uni_dpo = app.token(&app.uni, "dpo@uni.example", Role::Dpo).await;
    let museum_team = app
        .token(&app.museum, "team@museum.example", Role::PrivacyTeam)
        .await;
    let uni_admin = app.token(&app.uni, "admin@uni.example", Role::Admin).await;
    let uni_path = format!("/api/v1/cases/{}", uni_case["case_id"].as_str().unwrap());
    let museum_path = format!("/api/v1/cases/{}", museum_case["case_id"].as_str().unwrap());

    for path in ["/api/v1/cases", uni_path.as_str()] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
        let r = app
            .http
            .get(app.url(path))
            .bearer_auth("bd_forged")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    assert_eq!(app.get_json(&uni_path, &uni_dpo).await.0, 200);
    assert_eq!(
        app.get_json(&museum_path, &uni_dpo).await.0,
        404,
        "another organisation's case does not exist"
    );
    assert_eq!(app.get_json(&uni_path, &museum_team).await.0, 404);
    assert_eq!(app.get_json(&museum_path, &museum_team).await.0, 200);
    assert_eq!(
        app.get_json("/api/v1/cases/not-a-uuid", &uni_dpo).await.0,
        404
    );
    let (_, list) = app.get_json("/api/v1/cases", &museum_team).await;
    assert_eq!(list["cases"].as_array().unwrap().len(), 1);
    assert_eq!(list["cases"][0]["organisation"], "museum");
    // Administrators manage accounts; they read no case content.
    assert_eq!(app.get_json(&uni_path, &uni_admin).await.0, 404);
    assert_eq!(
        app.get_json("/api/v1/cases", &uni_admin).await.1["cases"],
        json!([])
    );

    // Every read of content is in the audit trail; refused reads read nothing and leave none.
    let uni_id = Uuid::parse_str(uni_case["case_id"].as_str().unwrap()).unwrap();
    let trail = app.store.audit_trail(Some(uni_id)).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        vec!["report.received", "case.read"],
        "one successful read of the uni case"
    );
    assert!(trail[1].actor.is_some());
    assert!(breachdesk_core::audit::verify(&app.store.audit_trail(None).await.unwrap()).is_empty());
}

#[tokio::test]
async fn the_receipt_code_shows_the_status_and_adds_supplements_that_handlers_read() {
    let app = spawn().await;
    let created: Value = app
        .post_report("uni", &processor("initial"))
        .await
        .json()
        .await
        .unwrap();
    let code = created["receipt_code"].as_str().unwrap();
    let spaced = code
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let r = app
        .http
        .post(app.url("/api/v1/follow-up"))
        .json(&json!({"receipt_code": spaced}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let status: Value = r.json().await.unwrap();
    assert_eq!(status["reference"], "UNI-2026-0001");
    assert_eq!(status["status"], "received");
    assert_eq!(status["supplements"], json!([]));
    assert!(
        status.get("body").is_none(),
        "the reporter's view holds no content"
    );

    let r = app
        .http
        .post(app.url("/api/v1/follow-up/supplements"))
        .json(&json!({"receipt_code": code, "text": "Final: 1250 students; bucket closed on 21 Nov.", "phase": "final"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let status: Value = app
        .http
        .post(app.url("/api/v1/follow-up"))
        .json(&json!({"receipt_code": code}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["supplements"][0]["phase"], "final");

    let token = app.token(&app.uni, "dpo@uni.example", Role::Dpo).await;
    let (_, case) = app
        .get_json(
            &format!("/api/v1/cases/{}", created["case_id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert_eq!(
        case["reports"][0]["supplements"][0]["text"],
        "Final: 1250 students; bucket closed on 21 Nov."
    );

    let e: Value = app
        .http
        .post(app.url("/api/v1/follow-up/supplements"))
        .json(&json!({"text": ""}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(e["errors"]["text"][0], "This field is required.");
    assert_eq!(e["errors"]["receipt_code"][0], "This field is required.");
}

/// Issue 17: five wrong codes from anyone who knew a report's locator locked its reporter out for
/// an hour, again and again. Wrong codes now make that address wait on that locator, with
/// back-off; the reporter, from another address, is not affected, and a locator that does not
/// exist is throttled alike.
#[tokio::test]
async fn wrong_receipt_codes_make_the_guessing_address_wait_not_the_reporter() {
    let app = spawn_with(Limits {
        intake_per_minute: 0,
        follow_up_per_minute: 0,
        max_receipt_failures: 3,
        trusted_proxies: breachdesk_web::TrustedProxies::new(["127.0.0.1".parse().unwrap()]),
        ..Limits::default()
    })
    .await;
    let created: Value = app
        .post_report("uni", &breach())
        .await
        .json()
        .await
        .unwrap();
    let code = created["receipt_code"].as_str().unwrap().to_owned();
    let last = code.chars().last().unwrap().to_digit(10).unwrap();
    let wrong = format!("{}{}", &code[..23], (last + 1) % 10);
    let follow = |c: String, from: &'static str| {
        let app = &app;
        async move {
            app.http
                .post(app.url("/api/v1/follow-up"))
                .header("x-forwarded-for", from)
                .json(&json!({"receipt_code": c}))
                .send()
                .await
                .unwrap()
        }
    };
    let attacker = "203.0.113.66";
    let reporter = "198.51.100.7";
    let r = follow("12345".into(), attacker).await;
    assert_eq!(r.status(), 422, "malformed code");
    for _ in 0..3 {
        let r = follow(wrong.clone(), attacker).await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            r.json::<Value>().await.unwrap()["errors"]["receipt_code"][0],
            "The receipt code is not valid."
        );
    }
    let r = follow(wrong.clone(), attacker).await;
    assert_eq!(r.status(), 403, "the guessing address waits");
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "receipt_locked");
    // The reporter, elsewhere, is not locked out; nor behind the same address (a company
    // network): the right code opens the report even while the address waits.
    let r = follow(code.clone(), reporter).await;
    assert_eq!(r.status(), 200, "the reporter reads their report");
    let r = follow(code.clone(), attacker).await;
    assert_eq!(r.status(), 200, "the right code from the waiting address");
    // A locator that does not exist answers alike, so the throttle tells nothing.
    let unknown = format!(
        "{}{}",
        if code.starts_with('9') { "1" } else { "9" },
        &code[1..]
    );
    let answers = {
        let mut v = Vec::new();
        for _ in 0..4 {
            v.push(follow(unknown.clone(), attacker).await.status().as_u16());
        }
        v
    };
    assert_eq!(answers, [422, 422, 422, 403]);
    // On the unknown locator the wait ends after an hour; it doubles with the next failure.
    app.clock.advance(jiff::SignedDuration::from_mins(61));
    assert_eq!(follow(unknown.clone(), attacker).await.status(), 422);
    assert_eq!(follow(unknown.clone(), attacker).await.status(), 403);
    app.clock.advance(jiff::SignedDuration::from_mins(61));
    assert_eq!(
        follow(unknown.clone(), attacker).await.status(),
        403,
        "two hours now"
    );
    app.clock.advance(jiff::SignedDuration::from_mins(60));
    assert_eq!(follow(unknown.clone(), attacker).await.status(), 422);

    let limited = spawn_with(Limits {
        intake_per_minute: 0,
        follow_up_per_minute: 2,
        ..Limits::default()
    })
    .await;
    let statuses = {
        let mut v = Vec::new();
        for _ in 0..3 {
            v.push(
                limited
                    .http
                    .post(limited.url("/api/v1/follow-up"))
                    .json(&json!({"receipt_code": "1".repeat(24)}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16(),
            );
        }
        v
    };
    assert_eq!(statuses, [422, 422, 429]);
}

#[tokio::test]
async fn intake_is_rate_limited_per_address() {
    let app = spawn_with(Limits {
        intake_per_minute: 2,
        ..Limits::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(app.post_report("uni", &anonymous()).await.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 429]);
    assert_eq!(app.case_count().await, 2);
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_exactly_the_accepted_fields() {
    let app = spawn().await;
    let doc: Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/orgs/{slug}/reports",
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/follow-up",
        "/api/v1/follow-up/supplements",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(doc["paths"]["/api/v1/cases"]["get"]["security"].is_array());
    let schemas = &doc["components"]["schemas"];
    for (schema, kind) in [
        ("BreachReport", ReportKind::Breach),
        ("AnonymousReport", ReportKind::Anonymous),
        ("ProcessorReport", ReportKind::Processor),
    ] {
        let mut documented: Vec<&str> = schemas[schema]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        documented.retain(|f| *f != "language");
        documented.sort_unstable();
        let mut accepted = fields_of(kind);
        accepted.sort_unstable();
        assert_eq!(documented, accepted, "{schema}");
    }
}

#[tokio::test]
async fn receipt_codes_work_whether_pooled_or_hashed_on_arrival() {
    for pool in [0, 8] {
        let app = spawn_with(Limits {
            intake_per_minute: 0,
            follow_up_per_minute: 0,
            receipt_pool: pool,
            ..Limits::default()
        })
        .await;
        let mut codes = Vec::new();
        for _ in 0..12 {
            let created: Value = app
                .post_report("uni", &anonymous())
                .await
                .json()
                .await
                .unwrap();
            codes.push(created["receipt_code"].as_str().unwrap().to_owned());
        }
        for code in &codes {
            let r = app
                .http
                .post(app.url("/api/v1/follow-up"))
                .json(&json!({"receipt_code": code}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "pool {pool}");
        }
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 12, "every code is different (pool {pool})");
    }
}

#[tokio::test]
async fn a_request_that_stalls_is_answered_with_408_after_the_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_with(Limits {
        request_timeout: std::time::Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let addr = app.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    // Announce a body and never finish it.
    tcp.write_all(b"POST /api/v1/orgs/uni/reports HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"kind\":")
        .await
        .unwrap();
    let mut buf = vec![0u8; 1024];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), tcp.read(&mut buf))
        .await
        .expect("answered before 10 s")
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    assert_eq!(app.case_count().await, 0);
}

/// Issue 19: the API reads a case through the same use case as the desk — a case shared by
/// name with a handler of another organisation is readable to them through the API too, and the
/// read is in the audit trail.
#[tokio::test]
async fn the_api_reads_a_case_as_the_desk_does_including_shares_and_audits_the_read() {
    let app = spawn().await;
    let created: Value = app
        .post_report("uni", &breach())
        .await
        .json()
        .await
        .unwrap();
    let case_id = Uuid::parse_str(created["case_id"].as_str().unwrap()).unwrap();
    let path = format!("/api/v1/cases/{case_id}");
    let outsider = app
        .token(&app.museum, "dpo@museum.example", Role::Dpo)
        .await;
    assert_eq!(app.get_json(&path, &outsider).await.0, 404);
    let (_, before) = app.get_json("/api/v1/cases", &outsider).await;
    assert!(before["cases"].as_array().unwrap().is_empty());
    let dpo = app.token(&app.uni, "dpo@uni.example", Role::Dpo).await;
    let museum_dpo = app
        .store
        .user_auth_by_email("dpo@museum.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let uni_dpo = app
        .store
        .user_auth_by_email("dpo@uni.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    app.store
        .change_case(
            &breachdesk_core::ports::CaseChange {
                case_id,
                add_share: Some(NewShare {
                    user_id: museum_dpo,
                    granted_by: uni_dpo,
                }),
                ..breachdesk_core::ports::CaseChange::default()
            },
            &breachdesk_core::audit::AuditEvent {
                actor: Some(uni_dpo),
                org_id: Some(app.uni.id),
                case_id: Some(case_id),
                action: "case.share",
                detail: String::new(),
            },
            jiff::Timestamp::UNIX_EPOCH,
        )
        .await
        .unwrap();
    let (status, body) = app.get_json(&path, &outsider).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["reports"].as_array().unwrap().len(), 1);
    // And the register lists it for them, beside their own organisation's cases.
    let (_, list) = app.get_json("/api/v1/cases", &outsider).await;
    let listed: Vec<&str> = list["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [case_id.to_string().as_str()]);
    assert_eq!(app.get_json(&path, &dpo).await.0, 200);
    let trail = app.store.audit_trail(None).await.unwrap();
    let reads = trail
        .iter()
        .filter(|e| e.action == "case.read" && e.case_id == Some(case_id))
        .count();
    assert_eq!(reads, 2, "each read through the API is audited");
}

/// One JSON call with a bearer token: the status and the body (`null` when none).
async fn call(
    app: &crate::helpers::TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut r = app.http.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn facts_json() -> Value {
    json!({
        "progress": "resolved",
        "fixed_on": "2026-11-22",
        "must_act": false,
        "reach": "part",
        "cause": {
            "fi": "Arvosanalista lähetettiin vahingossa koko tiedekunnan postituslistalle.",
            "sv": "Betygslistan skickades av misstag till hela fakultetens sändlista.",
            "en": "The grade list was sent by mistake to the whole faculty mailing list."
        },
        "not_reached": {
            "fi": "Opiskelijarekisteriin ei päästy käsiksi.",
            "sv": "Studentregistret nåddes inte.",
            "en": "The student register itself was not reached."
        },
        "categories": [{"category": "education", "count": 48, "caveat": {
            "fi": "vain yhden kurssin arvosanat", "sv": "endast betygen i en kurs", "en": "only the grades of one course"}}],
        "never_collected": ["national_id"],
        "misuse": "none_seen",
        "service_contact": "opintopalvelut@uni.example",
        "service_hours": {"fi": "arkisin 9–15", "sv": "vardagar 9–15", "en": "weekdays 9–15"},
        "media_contact": "Viestintä, press@uni.example"
    })
}

#[tokio::test]
async fn a_case_is_driven_from_report_to_published_notice_over_the_api() {
    use reqwest::Method;
    let app = spawn().await;
    let created: Value = app
        .post_report("uni", &breach())
        .await
        .json()
        .await
        .unwrap();
    let case = created["case_id"].as_str().unwrap().to_owned();
    let dpo = app.token(&app.uni, "dpo@uni.example", Role::Dpo).await;
    let team = app
        .token(&app.uni, "team@uni.example", Role::PrivacyTeam)
        .await;
    let comms = app
        .token(&app.uni, "comms@uni.example", Role::Communications)
        .await;
    let admin = app.token(&app.uni, "admin@uni.example", Role::Admin).await;
    let other = app
        .token(&app.museum, "dpo@museum.example", Role::Dpo)
        .await;
    let p = |rest: &str| format!("/api/v1/cases/{case}/{rest}");

    // Who may not: another organisation's DPO and the administrator do not see the case; the
    // communications officer reads it but changes nothing; a read-only token changes nothing.
    let status_body = json!({"to": "triage"});
    for (token, expected) in [(&other, 404), (&admin, 404), (&comms, 403)] {
        let (s, _) = call(&app, Method::POST, &p("status"), token, Some(&status_body)).await;
        assert_eq!(s, expected);
    }
    let read_only = {
        let dpo_id = app
            .store
            .principal_by_token(&token_digest(&dpo), app.state_now())
            .await
            .unwrap()
            .unwrap()
            .principal
            .user_id;
        let token = format!("bd_test_{}", Uuid::new_v4().simple());
        app.store
            .create_api_token(
                &breachdesk_core::ports::NewApiToken {
                    id: Uuid::now_v7(),
                    user_id: dpo_id,
                    token_hash: token_digest(&token),
                    name: "dashboard".into(),
                    scope: breachdesk_core::user::TokenScope::ReadOnly,
                    created_at: app.state_now(),
                    expires_at: None,
                },
                &breachdesk_core::audit::AuditEvent {
                    actor: Some(dpo_id),
                    org_id: None,
                    case_id: None,
                    action: "token.create",
                    detail: String::new(),
                },
            )
            .await
            .unwrap();
        token
    };
    let (s, body) = call(
        &app,
        Method::POST,
        &p("status"),
        &read_only,
        Some(&status_body),
    )
    .await;
    assert_eq!((s, body["error"].as_str()), (403, Some("forbidden")));
    let (s, _) = call(&app, Method::GET, &p("notices/public"), &read_only, None).await;
    assert_eq!(s, 200, "a read-only token reads");

    // The workflow, the awareness time, the scope, the assessment.
    let (s, b) = call(
        &app,
        Method::POST,
        &p("status"),
        &team,
        Some(&json!({"to": "triage"})),
    )
    .await;
    assert_eq!((s, b["status"].as_str()), (200, Some("triage")), "{b}");
    let (s, b) = call(
        &app,
        Method::POST,
        &p("status"),
        &team,
        Some(&json!({"to": "investigating"})),
    )
    .await;
    assert_eq!(s, 409, "confirming needs the awareness time: {b}");
    assert!(b["message"].as_str().unwrap().contains("awareness"), "{b}");
    let (s, b) = call(
        &app,
        Method::PUT,
        &p("awareness"),
        &dpo,
        Some(&json!({"at": "yesterday"})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["errors"]["at"].is_array());
    let (s, b) = call(
        &app,
        Method::PUT,
        &p("awareness"),
        &dpo,
        Some(&json!({"at": "2026-11-22T09:30:00+02:00"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["awareness_at"], "2026-11-22T07:30:00Z");
    let (s, b) = call(
        &app,
        Method::POST,
        &p("status"),
        &team,
        Some(&json!({"to": "investigating"})),
    )
    .await;
    assert_eq!(
        (s, b["status"].as_str()),
        (200, Some("investigating")),
        "{b}"
    );
    let (s, b) = call(
        &app,
        Method::POST,
        &p("status"),
        &team,
        Some(&json!({"to": "nonsense"})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let scope = json!({
        "nature": ["confidentiality"],
        "confidentiality_type": "disclosed",
        "unintelligible": "no",
        "affected": ["person_name", "education"],
        "not_affected": ["email"],
        "subject_categories": ["students"],
        "subjects": "exact", "subjects_value": 48,
        "records": "exact", "records_value": 48,
        "cause": "internal_non_malicious",
        "systems": "Sisu"
    });
    let (s, b) = call(
        &app,
        Method::PUT,
        &p("scope"),
        &team,
        Some(&json!({"nature": ["wind"]})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["errors"]["nature"].is_array(), "{b}");
    let (s, b) = call(&app, Method::PUT, &p("scope"), &team, Some(&scope)).await;
    assert_eq!(s, 204, "{b}");
    let answers = json!({
        "acting_as": "controller", "recipients": "known_many", "containment": "none",
        "identification": "maximum", "sector": "school", "vulnerable_people": "no",
        "subsequent_measures_remove_high_risk": "no", "disproportionate_effort": "no",
        "joint_controllers": "no", "at_processor": "no"
    });
    let (s, b) = call(
        &app,
        Method::PUT,
        &p("assessment/answers"),
        &team,
        Some(&answers),
    )
    .await;
    assert_eq!(s, 204, "{b}");
    // Deciding is not the privacy team's.
    let (s, _) = call(
        &app,
        Method::POST,
        &p("assessment/decision"),
        &team,
        Some(&json!({"decision": "accept"})),
    )
    .await;
    assert_eq!(s, 403);
    let (s, b) = call(
        &app,
        Method::POST,
        &p("assessment/decision"),
        &dpo,
        Some(&json!({"decision": "accept"})),
    )
    .await;
    assert_eq!(s, 204, "{b}");

    let (s, b) = call(
        &app,
        Method::POST,
        &p("status"),
        &dpo,
        Some(&json!({"to": "assessed"})),
    )
    .await;
    assert_eq!((s, b["status"].as_str()), (200, Some("assessed")), "{b}");

    // The investigation record: a timeline event and a communication; bad ones named.
    let (s, b) = call(
        &app,
        Method::POST,
        &p("record"),
        &team,
        Some(&json!({"kind": "timeline_event", "at": "2026-11-22T08:40:00+02:00",
            "source": "Mail server log", "description": "The list message went out to 412 addresses."})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = call(
        &app,
        Method::POST,
        &p("record"),
        &team,
        Some(&json!({"kind": "communication", "at": "2026-11-22T10:00:00+02:00",
            "direction": "outgoing", "party": "Faculty IT", "summary": "Asked to recall the message."})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = call(
        &app,
        Method::POST,
        &p("record"),
        &team,
        Some(&json!({"kind": "poem"})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["errors"]["kind"].is_array());
    let (s, b) = call(
        &app,
        Method::POST,
        &p("record"),
        &team,
        Some(&json!({"kind": "timeline_event", "at": "2030-01-01T00:00:00Z", "source": "x", "description": "y"})),
    )
    .await;
    assert_eq!(s, 422, "in the future: {b}");
    let (s, _) = call(
        &app,
        Method::POST,
        &p("record"),
        &read_only,
        Some(&json!({"kind": "task", "title": "x"})),
    )
    .await;
    assert_eq!(s, 403);

    // The notification to the authority: drafted from the case, saved, approved by the DPO
    // only; a field the template does not have, or a code it does not know, is named.
    let (s, n) = call(&app, Method::GET, &p("notices/authority"), &team, None).await;
    assert_eq!(s, 200, "{n}");
    assert_eq!(n["draft"]["field_7"], "UNI-2026-0001");
    // Written by a privacy team member, not the DPO: their function (2.2) is theirs to give.
    assert_eq!(
        n["draft_problems"],
        json!([{"field": "field_24", "problem": "required"}]),
        "{n}"
    );
    let mut draft = n["draft"].clone();
    draft["field_24"] = json!("Member of the privacy team");
    let (s, b) = call(
        &app,
        Method::POST,
        &p("notices/authority/versions"),
        &team,
        Some(&json!({"field_999": "x", "field_3": "z"})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(
        b["errors"]["field_999"].is_array() && b["errors"]["field_3"].is_array(),
        "{b}"
    );
    let (s, b) = call(
        &app,
        Method::POST,
        &p("notices/authority/versions"),
        &team,
        Some(&draft),
    )
    .await;
    assert_eq!((s, b["number"].as_u64()), (201, Some(1)), "{b}");
    assert_eq!(b["problems"], json!([]));
    let (s, _) = call(
        &app,
        Method::POST,
        &p("notices/authority/versions/1/approve"),
        &team,
        None,
    )
    .await;
    assert_eq!(s, 403, "only the DPO approves");
    let (s, b) = call(
        &app,
        Method::POST,
        &p("notices/authority/versions/1/approve"),
        &dpo,
        None,
    )
    .await;
    assert_eq!(s, 204, "{b}");
    let (s, b) = call(
        &app,
        Method::POST,
        &p("notices/authority/versions/1/approve"),
        &dpo,
        None,
    )
    .await;
    assert_eq!(s, 409, "approved once: {b}");
    let (_, n) = call(&app, Method::GET, &p("notices/authority"), &team, None).await;
    assert!(n["versions"][0]["approved_at"].is_string(), "{n}");

    // The facts: a Finnish text in English is refused, named; a count for a category not
    // affected contradicts the scope; then the facts as they are.
    let mut wrong = facts_json();
    wrong["cause"]["fi"] = wrong["cause"]["en"].clone();
    wrong["categories"][0]["category"] = json!("health");
    let (s, b) = call(&app, Method::PUT, &p("notices/facts"), &team, Some(&wrong)).await;
    assert_eq!(s, 422, "{b}");
    assert!(
        b["errors"]["cause_fi"][0]
            .as_str()
            .unwrap()
            .contains("English"),
        "{b}"
    );
    assert!(b["errors"]["count_health"].is_array(), "{b}");
    let (s, b) = call(
        &app,
        Method::PUT,
        &p("notices/facts"),
        &team,
        Some(&json!({"progress": "maybe"})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let mut misspelt = facts_json();
    misspelt["media_contcat"] = json!("x");
    let (s, b) = call(
        &app,
        Method::PUT,
        &p("notices/facts"),
        &team,
        Some(&misspelt),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(
        b["errors"]["facts"][0]
            .as_str()
            .unwrap()
            .contains("media_contcat"),
        "{b}"
    );
    let (s, b) = call(
        &app,
        Method::PUT,
        &p("notices/facts"),
        &team,
        Some(&facts_json()),
    )
    .await;
    assert_eq!(s, 204, "{b}");

    // The draft; saved as it stands; not publishable before the authority is told (nobody
    // informed yet); the notification recorded; drafted again, saved, approved by the DPO only.
    let (s, n) = call(&app, Method::GET, &p("notices/public"), &team, None).await;
    assert_eq!(s, 200, "{n}");
    assert_eq!(
        n["draft_problems"],
        json!([
            {"language": "fi", "part": "informed", "problem": "blank"},
            {"language": "sv", "part": "informed", "problem": "blank"},
            {"language": "en", "part": "informed", "problem": "blank"}
        ])
    );
    let (s, b) = call(
        &app,
        Method::POST,
        &p("notices/public/versions"),
        &team,
        Some(&n["draft"]),
    )
    .await;
    assert_eq!((s, b["number"].as_u64()), (201, Some(1)), "{b}");
    let (s, b) = call(
        &app,
        Method::POST,
        &p("notices/public/versions/1/approve"),
        &dpo,
        None,
    )
    .await;
    assert_eq!((s, b["error"].as_str()), (409, Some("not_ready")), "{b}");
    assert_eq!(b["problems"].as_array().unwrap().len(), 3);
    let (s, b) = call(
        &app,
        Method::POST,
        &p("notified"),
        &dpo,
        Some(&json!({"at": "2026-11-22T13:00:00+02:00", "reference": "TSV/99/2026"})),
    )
    .await;
    assert_eq!((s, b["status"].as_str()), (200, Some("notified")), "{b}");
    let (_, n) = call(&app, Method::GET, &p("notices/public"), &team, None).await;
    assert_eq!(n["draft_problems"], json!([]), "{n}");
    let (s, b) = call(
        &app,
        Method::POST,
        &p("notices/public/versions"),
        &team,
        Some(&n["draft"]),
    )
    .await;
    assert_eq!((s, b["problems"].clone()), (201, json!([])), "{b}");
    let (s, _) = call(
        &app,
        Method::POST,
        &p("notices/public/versions/2/approve"),
        &team,
        None,
    )
    .await;
    assert_eq!(s, 403, "only the DPO approves");
    let (s, _) = call(
        &app,
        Method::POST,
        &p("notices/public/versions/9/approve"),
        &dpo,
        None,
    )
    .await;
    assert_eq!(s, 404);
    let (s, b) = call(
        &app,
        Method::POST,
        &p("notices/public/versions/2/approve"),
        &dpo,
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let address = b["address"].as_str().unwrap().to_owned();
    assert!(
        address.starts_with("/notices/uni/UNI-2026-0001/"),
        "{address}"
    );
    let (s, b) = call(
        &app,
        Method::POST,
        &p("notices/public/versions/2/approve"),
        &dpo,
        None,
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (409, Some("not_ready")),
        "approved once"
    );

    // Published, as the desk would have published it.
    let html = reqwest::get(app.url(&address))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "vain osaa opiskelijoistamme",
        "Opiskelijarekisteriin ei päästy käsiksi.",
        "Studentregistret nåddes inte.",
        "only the grades of one course",
        "tietosuojavaltuutetun toimistolle",
        "Media enquiries: Viestintä, press@uni.example.",
    ] {
        assert!(html.contains(needle), "{needle}\n{html}");
    }
    // Each change is in the case's audit trail, by the token's owner, as the desk writes it.
    let case_id: Uuid = case.parse().unwrap();
    let trail = app.store.audit_trail(Some(case_id)).await.unwrap();
    for action in [
        "case.entry",
        "case.status",
        "case.awareness",
        "case.scope",
        "case.notice_facts",
        "notice.approved",
        "case.notified",
    ] {
        assert!(
            trail
                .iter()
                .any(|r| r.action == action && r.actor.is_some()),
            "{action}: {:?}",
            trail.iter().map(|r| r.action.clone()).collect::<Vec<_>>()
        );
    }
    let (_, n) = call(&app, Method::GET, &p("notices/public"), &dpo, None).await;
    assert_eq!(n["address"].as_str(), Some(address.as_str()));
    let spec: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/cases/{id}/status",
        "/api/v1/cases/{id}/notices/facts",
        "/api/v1/cases/{id}/notices/public/versions/{number}/approve",
    ] {
        assert!(spec["paths"][path].is_object(), "{path}");
    }
}

/// The example in `docs/examples/case-to-published-notice.sh` runs against a real server and
/// publishes its notice: the documented path works as written.
#[tokio::test]
async fn the_documented_example_script_publishes_a_notice() {
    let app = spawn().await;
    let handler = app
        .token(&app.uni, "team@uni.example", Role::PrivacyTeam)
        .await;
    let dpo = app.token(&app.uni, "dpo@uni.example", Role::Dpo).await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/case-to-published-notice.sh");
    let now = (app.state_now() - jiff::SignedDuration::from_hours(1))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let out = tokio::process::Command::new("bash")
        .arg(&script)
        .env("BASE", app.url(""))
        .env("ORG", "uni")
        .env("HANDLER_TOKEN", &handler)
        .env("DPO_TOKEN", &dpo)
        .env("NOW", &now)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("published at "))
        .unwrap_or_else(|| panic!("{stdout}"));
    let page = reqwest::get(url).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("vain osaa opiskelijoistamme"), "{html}");
    assert!(html.contains("only the grades of one course"), "{html}");
}
