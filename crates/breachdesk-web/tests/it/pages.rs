//! The public HTML pages, and what ends up on disk.

use serde_json::Value;

use crate::helpers::{TestApp, breach, spawn};

/// A browser session reduced to what the forms need: the CSRF cookie.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: Option<String>,
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self { app, cookie: None }
    }

    fn remember(&mut self, r: &reqwest::Response) {
        if let Some(c) = r.headers().get("set-cookie") {
            let c = c.to_str().unwrap();
            assert!(
                c.contains("HttpOnly") && c.contains("SameSite=Strict"),
                "{c}"
            );
            self.cookie = Some(c.split(';').next().unwrap().to_owned());
        }
    }

    async fn get(&mut self, path: &str, accept_language: Option<&str>) -> (u16, String) {
        let mut req = self.app.http.get(self.app.url(path));
        if let Some(l) = accept_language {
            req = req.header("accept-language", l);
        }
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let r = req.send().await.unwrap();
        self.remember(&r);
        (r.status().as_u16(), r.text().await.unwrap())
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let mut req = self.app.http.post(self.app.url(path)).form(form);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let r = req.send().await.unwrap();
        self.remember(&r);
        (r.status().as_u16(), r.text().await.unwrap())
    }
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in page"))
        + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

fn receipt_code(html: &str) -> String {
    let start = html
        .find("<strong id=\"receipt-code\">")
        .expect("receipt code on the page")
        + "<strong id=\"receipt-code\">".len();
    html[start..start + html[start..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn the_form_speaks_finnish_swedish_and_english_by_accept_language_or_choice() {
    let app = spawn().await;
    let mut b = Browser::new(&app);
    let (s, fi) = b.get("/report/uni", None).await;
    assert_eq!(s, 200);
    assert!(
        fi.contains("<html lang=\"fi\">")
            && fi
                .contains("Ilmoita henkilötietojen tietoturvaloukkauksesta: University of Example")
    );
    let (_, sv) = b
        .get("/report/uni?kind=breach", Some("sv-FI,sv;q=0.9,en;q=0.5"))
        .await;
    assert!(sv.contains("<html lang=\"sv\">") && sv.contains("Vad hände?"));
    let (_, en) = b.get("/report/uni?kind=breach&lang=en", Some("sv")).await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("What happened?"));
    assert!(
        en.contains("href=\"/report/uni?kind=breach&#38;lang=fi\""),
        "language switch links"
    );
    assert!(!en.contains("<script"), "works without JavaScript");
    // Every control has a label.
    for id in [
        "how_noticed",
        "noticed_at",
        "noticed_tz",
        "what_happened",
        "system",
        "reporter_email",
        "reporter_phone",
    ] {
        assert!(
            en.contains(&format!("<label for=\"f-{id}\""))
                && en.contains(&format!("id=\"f-{id}\"")),
            "{id}"
        );
    }
    let (_, anon) = b.get("/report/uni?kind=anonymous&lang=en", None).await;
    assert!(!anon.contains("reporter_email") && anon.contains("not ask for or store your name"));
    let (_, proc) = b.get("/report/uni?kind=processor&lang=en", None).await;
    assert!(
        proc.contains("name=\"breach_confirmed\"")
            && proc.contains("Measures taken or proposed (Art. 33(3)(d))")
    );
    assert_eq!(b.get("/report/nobody", None).await.0, 404);
}

#[tokio::test]
async fn a_form_with_errors_comes_back_with_messages_beside_the_fields_and_everything_kept() {
    let app = spawn().await;
    let mut b = Browser::new(&app);
    let (_, page) = b.get("/report/uni?kind=breach&lang=en", None).await;
    let csrf = hidden(&page, "csrf_token");
    let (status, html) = b
        .post(
            "/report/uni",
            &[
                ("csrf_token", &csrf),
                ("kind", "breach"),
                ("language", "en"),
                ("how_noticed", "Saw <b>it</b> in the log"),
                ("noticed_at", "2026-12-24T10:00"),
                ("noticed_tz", "Europe/Helsinki"),
                ("what_happened", ""),
                ("system", "Sisu"),
                ("reporter_email", "not-an-address"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("There is a problem with the report"));
    assert!(
        html.contains("<a href=\"#f-what_happened\">What happened?: This field is required.</a>"),
        "summary links to the field"
    );
    assert!(html.contains("id=\"f-noticed_at-error-1\">Cannot be in the future.</p>"));
    assert!(html.contains("id=\"f-reporter_email-error-1\">Is not a valid e-mail address.</p>"));
    assert!(html.contains(
        "aria-describedby=\"f-what_happened-hint f-what_happened-error-1\" aria-invalid=\"true\""
    ));
    // Kept, and escaped.
    assert!(
        html.contains("Saw &#60;b&#62;it&#60;/b&#62; in the log"),
        "typed text kept and escaped"
    );
    assert!(html.contains("value=\"2026-12-24T10:00\""));
    assert!(html.contains("value=\"not-an-address\""));
    assert_eq!(app.case_count().await, 0);
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_but_keeps_what_was_typed() {
    let app = spawn().await;
    let mut b = Browser::new(&app);
    let (status, html) = b
        .post(
            "/report/uni",
            &[
                ("kind", "anonymous"),
                ("language", "en"),
                ("what_happened", "Lists in the bin"),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert!(html.contains("The form had expired") && html.contains("Lists in the bin"));
    assert_eq!(app.case_count().await, 0);
}

#[tokio::test]
async fn identifiers_in_the_text_are_warned_about_before_the_report_is_sent() {
    let app = spawn().await;
    let mut b = Browser::new(&app);
    let (_, page) = b.get("/report/uni?kind=anonymous&lang=en", None).await;
    let csrf = hidden(&page, "csrf_token");
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("kind", "anonymous"),
        ("language", "en"),
        ("how_noticed", "Found a list"),
        ("noticed_at", "2026-11-22T08:30"),
        ("noticed_tz", "Europe/Helsinki"),
        (
            "what_happened",
            "A list with 131052-308T was on the printer",
        ),
        ("system", "Printing service"),
    ];
    let (status, html) = b.post("/report/uni", &form).await;
    assert_eq!(status, 200);
    assert!(html.contains("The report seems to contain protected personal data"));
    assert!(html.contains("What happened?: looks like a Finnish personal identity code"));
    assert!(html.contains("name=\"acknowledge_warnings\""));
    assert_eq!(
        app.case_count().await,
        0,
        "nothing is stored before the reporter decides"
    );

    form.push(("acknowledge_warnings", "on"));
    let (status, html) = b.post("/report/uni", &form).await;
    assert_eq!(status, 201);
    assert!(html.contains("Case reference: UNI-2026-0001"));
    let code = receipt_code(&html);
    assert_eq!(code.len(), 29, "24 digits in groups of four: {code}");
    assert_eq!(app.case_count().await, 1);

    // The local time was stored with its offset.
    let token = app
        .token(
            &app.uni,
            "dpo@uni.example",
            breachdesk_core::user::Role::Dpo,
        )
        .await;
    let (_, list) = app.get_json("/api/v1/cases", &token).await;
    let (_, case) = app
        .get_json(
            &format!("/api/v1/cases/{}", list["cases"][0]["id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert_eq!(
        case["reports"][0]["body"]["noticed_at"],
        "2026-11-22T08:30:00+02:00"
    );
}

#[tokio::test]
async fn the_follow_up_page_shows_the_status_and_takes_supplements() {
    let app = spawn().await;
    let created: Value = app
        .post_report("uni", &breach())
        .await
        .json()
        .await
        .unwrap();
    let code = created["receipt_code"].as_str().unwrap();
    let mut b = Browser::new(&app);
    let (_, page) = b.get("/follow-up", Some("sv")).await;
    assert!(page.contains("Följ upp en anmälan"));
    let csrf = hidden(&page, "csrf_token");
    let (status, html) = b
        .post(
            "/follow-up",
            &[
                ("csrf_token", &csrf),
                ("language", "en"),
                ("receipt_code", "0000 0000"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("The receipt code is not valid."));
    let (status, html) = b
        .post(
            "/follow-up",
            &[
                ("csrf_token", &csrf),
                ("language", "en"),
                ("receipt_code", code),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Case reference: UNI-2026-0001") && html.contains("Status: received"));
    assert!(
        !html.contains("faculty list"),
        "no report content on the reporter's page"
    );
    let (status, html) = b
        .post(
            "/follow-up/supplement",
            &[
                ("csrf_token", &csrf),
                ("language", "en"),
                ("receipt_code", code),
                ("text", "It was also sent to alumni"),
            ],
        )
        .await;
    assert_eq!(status, 201);
    assert!(html.contains("your addition has been received"));
    let token = app
        .token(
            &app.uni,
            "dpo@uni.example",
            breachdesk_core::user::Role::Dpo,
        )
        .await;
    let (_, case) = app
        .get_json(
            &format!("/api/v1/cases/{}", created["case_id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert_eq!(
        case["reports"][0]["supplements"][0]["text"],
        "It was also sent to alumni"
    );
}

#[tokio::test]
async fn the_database_file_and_its_wal_hold_no_report_text_or_contact_data() {
    let app = spawn().await;
    let mut body = breach();
    let secret_text = "Zebra-unique-phrase about the leaked grade list 7f3a";
    let email = "unique.reporter.91c2@uni.example";
    body["what_happened"] = serde_json::json!(secret_text);
    body["reporter_email"] = serde_json::json!(email);
    let created: Value = app
        .http
        .post(app.url("/api/v1/orgs/uni/reports"))
        .header("user-agent", "Distinctive-Agent/9.9")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = created["receipt_code"].as_str().unwrap();
    let supplement = "Supplement-phrase-5d1e that must be encrypted too";
    let r = app
        .http
        .post(app.url("/api/v1/follow-up/supplements"))
        .json(&serde_json::json!({"receipt_code": code, "text": supplement}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    // Everything the database holds: the SQLite file and its WAL, or every row of every
    // PostgreSQL table as text.
    let bytes = app.db.raw_contents().await;
    assert!(!bytes.is_empty());
    for needle in [
        secret_text,
        email,
        supplement,
        "Maija",
        &code[8..],
        "Distinctive-Agent",
        "127.0.0.1",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle:?} found in the database"
        );
    }
    // The case reference is stored in clear: the check would find it, so it can find things.
    assert!(
        bytes.windows(13).any(|w| w == b"UNI-2026-0001"),
        "the scan sees clear text when there is some"
    );
}
