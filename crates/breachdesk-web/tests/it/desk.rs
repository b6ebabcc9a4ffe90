//! The handlers' desk over HTTP: setup link, sign-in with TOTP, sessions, lock-out, the case
//! page and its workflow, the role × page × organisation matrix (issue #3).

use std::collections::BTreeMap;

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::case::CaseStatus;
use breachdesk_core::org::Organisation;
use breachdesk_core::ports::{
    Aad, CaseChange, EnsuredUser, NewShare, NewUser, SecretHasher, UserRole,
};
use breachdesk_core::user::Role;
use breachdesk_crypto::{Argon2Hasher, HashCost, TotpSecret};
use jiff::SignedDuration;
use uuid::Uuid;

use crate::helpers::{TestApp, breach, spawn, spawn_with};

/// A browser without JavaScript: keeps cookies, does not follow redirects.
pub struct Browser<'a> {
    app: &'a TestApp,
    cookies: BTreeMap<String, String>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    /// The value of the first hidden `name` field.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no {name} field in {}", self.body))
            + marker.len();
        self.body[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: BTreeMap::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, r: reqwest::Response) -> Page {
        for c in r.headers().get_all(reqwest::header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').unwrap();
            assert!(attrs.contains("HttpOnly"), "{c}");
            assert!(attrs.contains("SameSite=Strict"), "{c}");
            if k == "bd_session" {
                assert!(attrs.contains("Secure"), "session cookies are Secure: {c}");
            }
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        Page {
            status: r.status().as_u16(),
            location: r
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|l| l.to_str().unwrap().to_owned()),
            body: r.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let r = self
            .app
            .http
            .get(self.app.url(path))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    /// A download: status, content type and the raw bytes.
    pub async fn get_bytes(&mut self, path: &str) -> (u16, String, Vec<u8>) {
        let r = self
            .app
            .http
            .get(self.app.url(path))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let ct = r
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, ct, r.bytes().await.unwrap().to_vec())
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let r = self
            .app
            .http
            .post(self.app.url(path))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    /// Posts a form of the page at `page_path`, with that page's CSRF token.
    pub async fn submit(&mut self, page_path: &str, action: &str, form: &[(&str, &str)]) -> Page {
        let page = self.get(page_path).await;
        assert_eq!(page.status, 200, "{page_path}: {}", page.body);
        let csrf = page.hidden("csrf_token");
        let mut fields = vec![("csrf_token", csrf.as_str())];
        fields.extend_from_slice(form);
        self.post(action, &fields).await
    }
}

/// A handler account with a password and an enrolled second factor.
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub password: String,
    pub secret: TotpSecret,
}

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    pub async fn account(&self, memberships: &[(&Organisation, Role)], email: &str) -> Account {
        let hash = Argon2Hasher::new(HashCost::Test).hash(PASSWORD);
        let EnsuredUser { id, .. } = self
            .store
            .ensure_user(&NewUser {
                id: Uuid::now_v7(),
                email: email.into(),
                password_hash: hash,
                created_at: jiff::Timestamp::UNIX_EPOCH,
            })
            .await
            .unwrap();
        for (org, role) in memberships {
            self.store
                .add_membership(
                    &UserRole {
                        user_id: id,
                        org_id: org.id,
                        role: *role,
                    },
                    jiff::Timestamp::UNIX_EPOCH,
                )
                .await
                .unwrap();
        }
        let secret = TotpSecret::generate();
        let sealed = self.keyring.seal_secret(
            &Aad {
                table: "users",
                column: "totp_secret",
                row: id,
            },
            secret.as_bytes(),
        );
        self.store
            .enrol_totp(id, &sealed, &[], jiff::Timestamp::UNIX_EPOCH)
            .await
            .unwrap();
        Account {
            id,
            email: email.into(),
            password: PASSWORD.into(),
            secret,
        }
    }

    pub fn code(&self, secret: &TotpSecret) -> String {
        let now = self.state_now();
        secret.code_at(u64::try_from(now.as_second()).unwrap())
    }

    pub fn state_now(&self) -> jiff::Timestamp {
        breachdesk_core::clock::Clock::now(&*self.clock)
    }

    /// Signs in with password and TOTP; the next code needs a new time step, so the clock moves
    /// on by one step first.
    pub async fn signed_in(&self, account: &Account) -> Browser<'_> {
        self.clock.advance(SignedDuration::from_secs(30));
        let mut b = Browser::new(self);
        let p = b
            .submit(
                "/sign-in",
                "/sign-in",
                &[("email", &account.email), ("password", &account.password)],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        assert_eq!(p.location.as_deref(), Some("/sign-in/code?lang=fi"));
        let code = self.code(&account.secret);
        let p = b
            .submit("/sign-in/code", "/sign-in/code", &[("code", &code)])
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        assert_eq!(p.location.as_deref(), Some("/desk?lang=fi"));
        b
    }

    /// A breach report through the public API; returns the case id.
    pub async fn reported_case(&self, slug: &str) -> Uuid {
        let r = self.post_report(slug, &breach()).await;
        assert_eq!(r.status(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        v["case_id"].as_str().unwrap().parse().unwrap()
    }

    pub async fn status_of(&self, case: Uuid) -> CaseStatus {
        self.store.case_by_id(case).await.unwrap().unwrap().status
    }
}

#[tokio::test]
async fn the_first_administrator_sets_up_once_then_enrols_totp_and_gets_recovery_codes() {
    let app = spawn().await;
    // Issue 17: every start without accounts issued another valid link. Only the newest works.
    let earlier = app.state.first_admin_setup_token().await.unwrap().unwrap();
    let token = app.state.first_admin_setup_token().await.unwrap().unwrap();
    let link = format!("/setup/{token}");
    let mut b = Browser::new(&app);
    assert_eq!(b.get(&format!("/setup/{earlier}")).await.status, 404);

    // Bad input: a clear message for each problem, and no account.
    let p = b
        .submit(
            &link,
            &link,
            &[
                ("email", "not-an-address"),
                ("name", "Ada Admin"),
                ("password", "short"),
                ("password_again", "different"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Sähköpostiosoite ei kelpaa"), "{}", p.body);
    assert!(p.body.contains("Salasana on liian lyhyt"));
    assert!(p.body.contains("Salasanat eroavat"));
    assert_eq!(app.store.count_users().await.unwrap(), 0);

    let p = b
        .submit(
            &format!("{link}?lang=en"),
            &format!("{link}?lang=en"),
            &[
                ("email", "Ada@Uni.Example"),
                ("name", "Ada Admin"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/sign-in?done=setup&lang=en"));
    let admin = app
        .store
        .user_auth_by_email("ada@uni.example")
        .await
        .unwrap()
        .unwrap();
    assert!(admin.installation_admin);
    assert_eq!(admin.display_name.as_deref(), Some("Ada Admin"));
    // Once only, and no second first-admin link once an account exists.
    let again = b.get(&link).await;
    assert_eq!(again.status, 404);
    assert!(app.state.first_admin_setup_token().await.unwrap().is_none());

    // Sign-in: the password leads to enrolment, since there is no second factor yet.
    let p = b
        .submit(
            "/sign-in?lang=en",
            "/sign-in?lang=en",
            &[("email", "ada@uni.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/sign-in/enrol?lang=en"));
    // Not signed in yet: the desk sends back to sign-in.
    assert_eq!(b.get("/desk").await.location.as_deref(), Some("/sign-in"));

    let enrol = b.get("/sign-in/enrol?lang=en").await;
    assert_eq!(enrol.status, 200);
    assert!(enrol.body.contains("<svg"), "the QR code is inline SVG");
    let secret_text: String = {
        let start = enrol.body.find("id=\"totp-secret\">").unwrap() + 17;
        enrol.body[start..]
            .split('<')
            .next()
            .unwrap()
            .replace(' ', "")
    };
    let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &secret_text)
        .expect("the key is base32");
    let secret = TotpSecret::from_bytes(&bytes).unwrap();
    let pending = enrol.hidden("pending");
    let csrf = enrol.hidden("csrf_token");

    let wrong = b
        .post(
            "/sign-in/enrol?lang=en",
            &[
                ("csrf_token", &csrf),
                ("pending", &pending),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("does not match"));
    assert!(
        app.store
            .user_auth_by_id(admin.id)
            .await
            .unwrap()
            .unwrap()
            .totp_secret
            .is_none()
    );

    let code = app.code(&secret);
    let done = b
        .post(
            "/sign-in/enrol",
            &[
                ("csrf_token", &csrf),
                ("pending", &pending),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let codes: Vec<String> = done
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| c.len() == 14));
    let desk = b.get("/desk?lang=en").await;
    assert_eq!(desk.status, 200, "{}", desk.body);
    assert!(desk.body.contains("Administrators manage accounts"));

    // Sign out: the session is over, its cookie useless.
    let old_cookie = b.cookies.get("bd_session").cloned().unwrap();
    let out = b.submit("/desk", "/sign-out", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location.as_deref(), Some("/sign-in?done=signed-out"));
    b.cookies.insert("bd_session".into(), old_cookie);
    assert_eq!(b.get("/desk").await.location.as_deref(), Some("/sign-in"));

    // The same TOTP code (time step) is not accepted twice; the next step's is.
    let mut b = Browser::new(&app);
    let p = b
        .submit(
            "/sign-in",
            "/sign-in",
            &[("email", "ada@uni.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/sign-in/code?lang=fi"));
    let replay = b
        .submit("/sign-in/code", "/sign-in/code", &[("code", &code)])
        .await;
    assert_eq!(replay.status, 401);
    // A recovery code works once.
    let rc = b
        .submit(
            "/sign-in/code",
            "/sign-in/code",
            &[("code", &codes[3].to_uppercase())],
        )
        .await;
    assert_eq!(rc.status, 303, "{}", rc.body);
    let mut b = Browser::new(&app);
    b.submit(
        "/sign-in",
        "/sign-in",
        &[("email", "ada@uni.example"), ("password", PASSWORD)],
    )
    .await;
    let reused = b
        .submit("/sign-in/code", "/sign-in/code", &[("code", &codes[3])])
        .await;
    assert_eq!(reused.status, 401);
    app.clock.advance(SignedDuration::from_secs(30));
    let next = b
        .submit(
            "/sign-in/code",
            "/sign-in/code",
            &[("code", &app.code(&secret))],
        )
        .await;
    assert_eq!(next.status, 303, "{}", next.body);

    let trail = app.store.audit_trail(None).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|r| r.action.as_str()).collect();
    for a in [
        "account.setup",
        "auth.totp_enrolled",
        "auth.sign_in",
        "auth.sign_out",
        "auth.failed",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn sessions_end_when_idle_or_too_old() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    // Busy: each request within 30 minutes keeps the session, up to 12 hours.
    for _ in 0..23 {
        app.clock.advance(SignedDuration::from_mins(29));
        assert_eq!(b.get("/desk").await.status, 200);
    }
    app.clock.advance(SignedDuration::from_mins(29)); // 11 h 36 min after sign-in
    assert_eq!(b.get("/desk").await.status, 200);
    app.clock.advance(SignedDuration::from_mins(25)); // past 12 h
    assert_eq!(b.get("/desk").await.location.as_deref(), Some("/sign-in"));

    // Idle: 31 minutes without a request end it.
    let mut b = app.signed_in(&dpo).await;
    app.clock.advance(SignedDuration::from_mins(29));
    assert_eq!(b.get("/desk").await.status, 200);
    app.clock.advance(SignedDuration::from_mins(31));
    assert_eq!(b.get("/desk").await.location.as_deref(), Some("/sign-in"));
}

#[tokio::test]
async fn wrong_passwords_and_codes_lock_the_account_and_the_address_is_rate_limited() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let mut b = Browser::new(&app);
    for _ in 0..5 {
        let p = b
            .submit(
                "/sign-in",
                "/sign-in",
                &[
                    ("email", "dpo@uni.example"),
                    ("password", "wrong password!"),
                ],
            )
            .await;
        assert_eq!(p.status, 401);
        assert!(p.body.contains("Väärä sähköpostiosoite tai salasana"));
    }
    // Locked: the right password does not help, and the answer is the same as for a wrong one.
    let p = b
        .submit(
            "/sign-in",
            "/sign-in",
            &[("email", "dpo@uni.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 401);
    // An unknown address is answered alike.
    let p = b
        .submit(
            "/sign-in",
            "/sign-in",
            &[("email", "nobody@uni.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 401);
    app.clock.advance(SignedDuration::from_mins(16));
    let _ = app.signed_in(&dpo).await;

    // Wrong codes count too.
    let mut b = Browser::new(&app);
    b.submit(
        "/sign-in",
        "/sign-in",
        &[("email", "dpo@uni.example"), ("password", PASSWORD)],
    )
    .await;
    for _ in 0..5 {
        let p = b
            .submit("/sign-in/code", "/sign-in/code", &[("code", "123456")])
            .await;
        assert!(p.status == 401 || p.location.as_deref() == Some("/sign-in"));
    }
    let locked = app
        .store
        .user_auth_by_id(dpo.id)
        .await
        .unwrap()
        .unwrap()
        .locked_until;
    assert!(locked.is_some_and(|t| t > app.state_now()));

    // Forms without the CSRF token are refused.
    let mut b = Browser::new(&app);
    let p = b
        .post(
            "/sign-in",
            &[("email", "dpo@uni.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 403);

    // The address is limited across accounts.
    let limited = spawn_with(breachdesk_web::Limits {
        sign_in_per_minute: 3,
        ..breachdesk_web::Limits::default()
    })
    .await;
    let mut b = Browser::new(&limited);
    let mut statuses = Vec::new();
    for i in 0..4 {
        let email = format!("user{i}@uni.example");
        let p = b
            .submit(
                "/sign-in",
                "/sign-in",
                &[("email", &email), ("password", "whatever it is")],
            )
            .await;
        statuses.push(p.status);
    }
    assert_eq!(statuses, [401, 401, 401, 429]);
}

/// Issue 17: 40 concurrent wrong passwords and the right one — the right one reached the second
/// factor although the threshold is 5. The attempt is now counted before it is verified.
#[tokio::test]
async fn concurrent_wrong_passwords_cannot_outrun_the_lock_out() {
    let app = spawn_with(breachdesk_web::Limits {
        sign_in_per_minute: 0,
        ..breachdesk_web::Limits::default()
    })
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    // Every client has its form first; then all 41 posts go at once, the right one last.
    let mut clients = Vec::new();
    for _ in 0..41 {
        let mut b = Browser::new(&app);
        let csrf = b.get("/sign-in").await.hidden("csrf_token");
        clients.push((b, csrf));
    }
    let n = clients.len();
    let posts = clients.iter_mut().enumerate().map(|(i, (b, csrf))| {
        let password = if i + 1 == n {
            PASSWORD
        } else {
            "wrong password!"
        };
        let csrf = csrf.clone();
        async move {
            b.post(
                "/sign-in",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("email", "dpo@uni.example"),
                    ("password", password),
                ],
            )
            .await
        }
    });
    let pages = futures::future::join_all(posts).await;
    let passed = pages.iter().filter(|p| p.status == 303).count();
    assert!(
        pages.iter().all(|p| p.status == 303 || p.status == 401),
        "{:?}",
        pages.iter().map(|p| p.status).collect::<Vec<_>>()
    );
    let verified_wrong = app
        .store
        .audit_trail(None)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.action == "auth.failed" && r.actor == Some(dpo.id))
        .count();
    assert!(
        verified_wrong + passed <= 5,
        "{verified_wrong} wrong passwords were verified and {passed} passed: the threshold is 5"
    );
    // Whatever the order, the account is now locked for the right password too.
    let mut b = Browser::new(&app);
    let p = b
        .submit(
            "/sign-in",
            "/sign-in",
            &[("email", "dpo@uni.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 401);
}

#[tokio::test]
async fn a_dpo_works_a_case_from_report_to_investigation_with_the_clock_in_view() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let older = app.reported_case("uni").await;
    app.clock.advance(SignedDuration::from_mins(5));
    let case = app.reported_case("uni").await;
    let other_org = app.reported_case("museum").await;
    let mut b = app.signed_in(&dpo).await;

    let dash = b.get("/desk?lang=en").await;
    assert_eq!(dash.status, 200);
    let reference = app.store.case_by_id(case).await.unwrap().unwrap().reference;
    assert!(dash.body.contains(&reference));
    assert!(dash.body.contains("The clock has not started"));
    assert!(
        !dash.body.contains(&other_org.to_string()),
        "another organisation's case"
    );

    let page_path = format!("/desk/cases/{case}?lang=en");
    let page = b.get(&page_path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("The exam grade list of course ABC-123"));
    assert!(page.body.contains("maija.meikalainen@uni.example"));

    // Triage needs no awareness time; investigating does.
    let action = format!("/desk/cases/{case}/status?lang=en");
    let p = b.submit(&page_path, &action, &[("to", "triage")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(app.status_of(case).await, CaseStatus::Triage);
    let p = b
        .submit(&page_path, &action, &[("to", "investigating")])
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Set the awareness time first"));
    assert_eq!(app.status_of(case).await, CaseStatus::Triage);

    // Awareness 60 hours ago (Helsinki time): 12 hours left, approaching.
    let aware = app.state_now() - SignedDuration::from_hours(60);
    let local = aware
        .to_zoned(jiff::tz::TimeZone::get("Europe/Helsinki").unwrap())
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let awareness = format!("/desk/cases/{case}/awareness?lang=en");
    let future = (app.state_now() + SignedDuration::from_hours(3))
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let p = b
        .submit(&page_path, &awareness, &[("at", &future), ("zone", "UTC")])
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Cannot be in the future"), "{}", p.body);
    let p = b
        .submit(
            &page_path,
            &awareness,
            &[("at", &local), ("zone", "Europe/Helsinki")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let stored = app.store.case_by_id(case).await.unwrap().unwrap();
    assert_eq!(stored.awareness_at, Some(aware));
    let page = b.get(&page_path).await;
    assert!(
        page.body
            .contains("12 h 0 min left to notify the authority"),
        "{}",
        page.body
    );
    assert!(page.body.contains("deadline-panel deadline-approaching"));

    // Changing it needs a reason.
    let p = b
        .submit(
            &page_path,
            &awareness,
            &[("at", &local), ("zone", "Europe/Helsinki"), ("reason", "")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(
        p.body.contains("Reason: This field is required."),
        "{}",
        p.body
    );

    let p = b
        .submit(&page_path, &action, &[("to", "investigating")])
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(app.status_of(case).await, CaseStatus::Investigating);

    // A timeline event, with its zone.
    let timeline = format!("/desk/cases/{case}/timeline?lang=en");
    let p = b
        .submit(
            &page_path,
            &timeline,
            &[
                ("at", "2026-11-19T08:30"),
                ("zone", "Europe/Stockholm"),
                ("source", "mail server log"),
                ("description", "The grade list left for faculty-all@"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = b
        .submit(
            &page_path,
            &timeline,
            &[
                ("at", ""),
                ("zone", "UTC"),
                ("source", ""),
                ("description", "x"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    let page = b.get(&page_path).await;
    assert!(page.body.contains("2026-11-19 08:30 CET"));
    assert!(page.body.contains("The grade list left for faculty-all@"));

    // Overdue after 12 more hours; the dashboard puts it before the case without a clock.
    app.clock.advance(SignedDuration::from_hours(13));
    // (The session has ended meanwhile: 13 idle hours.)
    assert_eq!(b.get("/desk").await.location.as_deref(), Some("/sign-in"));
    let mut b = app.signed_in(&dpo).await;
    let dash = b.get("/desk?lang=en").await;
    assert!(dash.body.contains("Overdue by 1 h 0 min"), "{}", dash.body);
    let older_ref = app
        .store
        .case_by_id(older)
        .await
        .unwrap()
        .unwrap()
        .reference;
    assert!(dash.body.find(&reference).unwrap() < dash.body.find(&older_ref).unwrap());
    let only_overdue = b.get("/desk?lang=en&deadline=overdue").await;
    assert!(only_overdue.body.contains(&reference));
    assert!(!only_overdue.body.contains(&older_ref));
    let bad = b.get("/desk?lang=en&from=yesterday").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("YYYY-MM-DD"));

    // The record is sealed at rest: the timeline text is not in the database file.
    let stored = app.db.raw_contents().await;
    assert!(!stored.is_empty());
    assert!(!String::from_utf8_lossy(&stored).contains("faculty-all@"));

    // The history shows every read and change.
    let history = b.get(&format!("/desk/cases/{case}/history?lang=en")).await;
    assert_eq!(history.status, 200);
    for what in [
        "report received",
        "read the case",
        "changed the status",
        "set the awareness time",
        "added to the record",
    ] {
        assert!(history.body.contains(what), "{what}");
    }
    assert!(
        history.body.contains("triage-&#62;investigating"),
        "{}",
        history.body
    );
    // Reads are folded between changes: three reads in a row are one row, and every read is
    // listed on request.
    for _ in 0..3 {
        assert_eq!(
            b.get(&format!("/desk/cases/{case}?lang=en")).await.status,
            200
        );
    }
    let history = b.get(&format!("/desk/cases/{case}/history?lang=en")).await;
    let first_row = &history.body[history.body.find("<tbody>").unwrap()..];
    let first_row = &first_row[..first_row.find("</tr>").unwrap()];
    let folded: usize = first_row
        .split("read the case ")
        .nth(1)
        .and_then(|r| r.split(" times").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{first_row}"));
    assert!(folded >= 3, "{first_row}");
    let all = b
        .get(&format!("/desk/cases/{case}/history?reads=all&lang=en"))
        .await;
    assert!(!all.body.contains("times</td>"));
    // Listed one by one: the same reads, up to the newest change.
    let rows: Vec<&str> = all.body[all.body.find("<tbody>").unwrap()..]
        .split("<tr")
        .skip(1)
        .collect();
    let leading_reads = rows
        .iter()
        .take_while(|r| r.contains("<td>read the case</td>"))
        .count();
    assert_eq!(leading_reads, folded);
    let whole = app.store.audit_trail(None).await.unwrap();
    assert!(breachdesk_core::audit::verify(&whole).is_empty());
}

/// What each kind of user gets from each page of one University case.
#[tokio::test]
async fn who_may_read_and_change_a_case_role_by_role() {
    let app = spawn().await;
    let case = app.reported_case("uni").await;
    let mut users = Vec::new();
    for (i, role) in Role::ALL.iter().enumerate() {
        let a = app
            .account(
                &[(&app.uni, *role)],
                &format!("{}{i}@uni.example", role.as_str()),
            )
            .await;
        users.push((role.as_str().to_owned(), a));
    }
    let museum_dpo = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    users.push(("museum dpo".into(), museum_dpo));
    let partner = app
        .account(
            &[(&app.museum, Role::SecurityTeam)],
            "partner@museum.example",
        )
        .await;
    let dpo_id = users[0].1.id;
    app.store
        .change_case(
            &CaseChange {
                case_id: case,
                add_share: Some(NewShare {
                    user_id: partner.id,
                    granted_by: dpo_id,
                }),
                ..CaseChange::default()
            },
            &AuditEvent {
                actor: Some(dpo_id),
                org_id: Some(app.uni.id),
                case_id: Some(case),
                action: "case.share",
                detail: "add".into(),
            },
            app.state_now(),
        )
        .await
        .unwrap();
    users.push(("shared with".into(), partner));
    let unrelated = app.account(&[], "nobody@elsewhere.example").await;
    users.push(("no role".into(), unrelated));

    // (who, read page, read history, record timeline, set awareness, move to triage)
    let expected: &[(&str, u16, u16, u16, u16, u16)] = &[
        ("dpo", 200, 200, 303, 303, 303),
        ("security_manager", 200, 200, 303, 303, 303),
        ("privacy_team", 200, 200, 303, 403, 303),
        ("security_team", 200, 200, 303, 403, 303),
        ("communications", 200, 200, 403, 403, 403),
        ("auditor", 200, 200, 403, 403, 403),
        ("admin", 404, 404, 404, 404, 404),
        ("museum dpo", 404, 404, 404, 404, 404),
        ("shared with", 200, 200, 303, 403, 403),
        ("no role", 404, 404, 404, 404, 404),
    ];
    assert_eq!(expected.len(), users.len());
    for ((who, account), (name, read, hist, record, aware, status)) in users.iter().zip(expected) {
        assert_eq!(who, name);
        // Each starts from a case in `received` without awareness time.
        let before = app.store.case_by_id(case).await.unwrap().unwrap();
        app.store
            .change_case(
                &CaseChange {
                    case_id: case,
                    status: Some(CaseStatus::Received),
                    ..CaseChange::default()
                },
                &AuditEvent {
                    actor: None,
                    org_id: Some(app.uni.id),
                    case_id: Some(case),
                    action: "case.status",
                    detail: "test reset".into(),
                },
                app.state_now(),
            )
            .await
            .unwrap();
        let entries_before = app.store.case_entries(case).await.unwrap().len();
        let mut b = app.signed_in(account).await;
        // The CSRF token of the user's own dashboard is valid for every form of theirs.
        let csrf = b.get("/desk").await.hidden("csrf_token");
        let page = b.get(&format!("/desk/cases/{case}")).await;
        assert_eq!(page.status, *read, "{who} reads the case page");
        assert_eq!(
            b.get(&format!("/desk/cases/{case}/history")).await.status,
            *hist,
            "{who} reads the history"
        );
        let r = b
            .post(
                &format!("/desk/cases/{case}/timeline"),
                &[
                    ("csrf_token", &csrf),
                    ("at", "2026-11-20T10:00"),
                    ("zone", "UTC"),
                    ("source", "test"),
                    ("description", "entry"),
                ],
            )
            .await;
        assert_eq!(r.status, *record, "{who} records a timeline event");
        let entries_after = app.store.case_entries(case).await.unwrap().len();
        assert_eq!(entries_after > entries_before, *record == 303, "{who}");
        let r = b
            .post(
                &format!("/desk/cases/{case}/awareness"),
                &[
                    ("csrf_token", &csrf),
                    ("at", "2026-11-20T10:00"),
                    ("zone", "UTC"),
                    ("reason", "matrix"),
                ],
            )
            .await;
        assert_eq!(r.status, *aware, "{who} sets the awareness time");
        let after = app.store.case_by_id(case).await.unwrap().unwrap();
        if *aware != 303 {
            assert_eq!(after.awareness_at, before.awareness_at, "{who}");
        }
        let r = b
            .post(
                &format!("/desk/cases/{case}/status"),
                &[("csrf_token", &csrf), ("to", "triage")],
            )
            .await;
        assert_eq!(r.status, *status, "{who} moves the case");
        assert_eq!(
            app.status_of(case).await == CaseStatus::Triage,
            *status == 303,
            "{who}"
        );
        // The API answers exactly as the desk does (issue 19: one use case): the organisation's
        // readers and those a case is shared with read it; administrators read no content.
        let token = format!("bd_test_{}", Uuid::new_v4().simple());
        app.store
            .create_token(
                Uuid::now_v7(),
                account.id,
                &breachdesk_crypto::token_digest(&token),
                jiff::Timestamp::UNIX_EPOCH,
            )
            .await
            .unwrap();
        let (api_status, _) = app.get_json(&format!("/api/v1/cases/{case}"), &token).await;
        assert_eq!(api_status, *read, "{who} reads the case through the API");
        // Early deletion of a part (issue 21) is the DPO's alone: past the permission check the
        // DPO meets "no such attachment" (404); other readers 403; the rest do not see the case.
        let r = b
            .post(
                &format!("/desk/cases/{case}/deletion/item"),
                &[
                    ("csrf_token", &csrf),
                    ("item", &format!("attachment:{}", Uuid::now_v7())),
                    ("reason", "matrix"),
                ],
            )
            .await;
        let expected = match (*name, *read) {
            ("dpo", _) | (_, 404) => 404,
            _ => 403,
        };
        assert_eq!(r.status, expected, "{who} deletes a part early");
    }
}

#[tokio::test]
async fn desk_forms_need_the_sessions_csrf_token_and_change_nothing_without_it() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let case = app.reported_case("uni").await;
    let mut b = app.signed_in(&dpo).await;
    for token in ["", "forged-token-forged-token-forged-token-xx"] {
        let r = b
            .post(
                &format!("/desk/cases/{case}/status"),
                &[("csrf_token", token), ("to", "triage")],
            )
            .await;
        assert_eq!(r.status, 403);
    }
    assert_eq!(app.status_of(case).await, CaseStatus::Received);
    // Another user's token is not this session's.
    let other = app
        .account(&[(&app.uni, Role::Dpo)], "dpo2@uni.example")
        .await;
    let mut b2 = app.signed_in(&other).await;
    let theirs = b2.get("/desk").await.hidden("csrf_token");
    let r = b
        .post(
            &format!("/desk/cases/{case}/status"),
            &[("csrf_token", &theirs), ("to", "triage")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.status_of(case).await, CaseStatus::Received);
    // Without a session, forms lead to sign-in and change nothing.
    let mut anon = Browser::new(&app);
    let r = anon
        .post(
            &format!("/desk/cases/{case}/status"),
            &[("csrf_token", &theirs), ("to", "triage")],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/sign-in"));
    assert_eq!(app.status_of(case).await, CaseStatus::Received);
}

#[tokio::test]
async fn the_scope_is_recorded_as_structured_data_and_refused_field_by_field() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let auditor = app
        .account(&[(&app.uni, Role::Auditor)], "auditor@uni.example")
        .await;
    let case = app.reported_case("uni").await;
    let other = app.reported_case("uni").await;
    let mut b = app.signed_in(&dpo).await;
    let page_path = format!("/desk/cases/{case}?lang=en");
    let action = format!("/desk/cases/{case}/scope?lang=en");

    // Contradictions and gaps are named field by field; nothing is saved.
    let p = b
        .submit(
            &page_path,
            &action,
            &[
                ("nature", "confidentiality"),
                ("confidentiality_type", "disclosed"),
                ("affected", "health"),
                ("not_affected", "health"),
                ("subject_categories", "patients"),
                ("subjects", "exact"),
                ("subjects_value", "lots"),
                ("records", "unknown"),
                ("cause", ""),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    for msg in [
        "Was the data unintelligible to unauthorised persons?: This field is required.",
        "Data categories known not to be affected: Contradicts another answer",
        "Number of people: Must be a whole number",
        "Cause: This field is required.",
    ] {
        assert!(p.body.contains(msg), "{msg}");
    }
    // What was typed is shown again.
    assert!(p.body.contains("value=\"lots\""));
    assert!(app.store.case_entries(case).await.unwrap().is_empty());

    let p = b
        .submit(
            &page_path,
            &action,
            &[
                ("nature", "confidentiality"),
                ("nature", "availability"),
                ("confidentiality_type", "disclosed"),
                ("unintelligible", "no"),
                ("availability_type", "temporary"),
                ("affected", "person_name"),
                ("affected", "health"),
                ("not_affected", "payment_card"),
                ("subject_categories", "patients"),
                ("subjects", "approximate"),
                ("subjects_value", "12 000"),
                ("records", "unknown"),
                ("systems", "Patient records, on premises"),
                ("cause", "external_malicious"),
                ("measures_before", "Disk encryption on laptops"),
                ("measures_after", "Passwords reset, supplier contacted"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = b.get(&page_path).await;
    for shown in [
        "Exfiltrated or disclosed",
        "12000 (approximate)",
        "cannot be determined yet",
        "External, malicious",
        "Patients",
        "Passwords reset, supplier contacted",
    ] {
        assert!(page.body.contains(shown), "{shown}");
    }
    let stored = app.store.case_by_id(case).await.unwrap().unwrap();
    assert_eq!(stored.categories, ["person_name", "health"]);

    // The register filters by category.
    let reference = stored.reference;
    let other_ref = app
        .store
        .case_by_id(other)
        .await
        .unwrap()
        .unwrap()
        .reference;
    let dash = b.get("/desk?lang=en&category=health").await;
    assert!(dash.body.contains(&reference));
    assert!(!dash.body.contains(&other_ref));

    // An auditor reads the scope but has no form to change it, and a post is refused.
    let mut a = app.signed_in(&auditor).await;
    let seen = a.get(&page_path).await;
    assert!(seen.body.contains("Passwords reset, supplier contacted"));
    assert!(!seen.body.contains(&format!("/desk/cases/{case}/scope")));
    let csrf = seen.hidden("csrf_token");
    let r = a
        .post(
            &action,
            &[("csrf_token", csrf.as_str()), ("nature", "integrity")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.store.case_entries(case).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_record_keeps_tasks_meetings_communications_and_the_notification_with_its_delay() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let team = app
        .account(&[(&app.uni, Role::SecurityTeam)], "team@uni.example")
        .await;
    let museum = app
        .account(&[(&app.museum, Role::SecurityTeam)], "m@museum.example")
        .await;
    let case = app.reported_case("uni").await;
    let mut b = app.signed_in(&dpo).await;
    let page_path = format!("/desk/cases/{case}?lang=en");

    // A task for a handler of the organisation; not for someone of another one.
    let tasks = format!("/desk/cases/{case}/tasks?lang=en");
    let p = b
        .submit(
            &page_path,
            &tasks,
            &[
                ("title", "Collect the mail server logs"),
                ("assignee", &museum.id.to_string()),
                ("due", "2026-11-25"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Assignee: Must be one of"), "{}", p.body);
    let p = b
        .submit(
            &page_path,
            &tasks,
            &[
                ("title", "Collect the mail server logs"),
                ("assignee", &team.id.to_string()),
                ("due", "2026-11-25"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = b.get(&page_path).await;
    assert!(
        page.body
            .contains("Collect the mail server logs — team@uni.example — due 2026-11-25")
    );
    let task_id = app
        .store
        .case_entries(case)
        .await
        .unwrap()
        .iter()
        .find(|e| e.kind == "task")
        .unwrap()
        .id;
    let p = b
        .submit(
            &page_path,
            &format!("/desk/cases/{case}/tasks/{task_id}/done?lang=en"),
            &[],
        )
        .await;
    assert_eq!(p.status, 303);
    assert!(
        b.get(&page_path)
            .await
            .body
            .contains("<s>Collect the mail server logs</s> (done)")
    );

    let p = b
        .submit(
            &page_path,
            &format!("/desk/cases/{case}/meetings?lang=en"),
            &[
                ("at", "2026-11-22T09:00"),
                ("zone", "Europe/Helsinki"),
                ("participants", "DPO, CISO, IT service desk"),
                ("minutes", "Went through the logs."),
                ("decisions", "Reset the passwords of the faculty list."),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = b
        .submit(
            &page_path,
            &format!("/desk/cases/{case}/communications?lang=en"),
            &[
                ("at", "2026-11-22T10:30"),
                ("zone", "Europe/Helsinki"),
                ("direction", "outgoing"),
                ("party", "Mail service supplier"),
                ("summary", "Asked for the delivery logs"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = b.get(&page_path).await;
    for shown in [
        "DPO, CISO, IT service desk",
        "Reset the passwords of the faculty list.",
        "2026-11-22 10:30 EET",
        "Mail service supplier",
    ] {
        assert!(page.body.contains(shown), "{shown}");
    }

    // To the notification: awareness 70 hours ago, then triage → investigating → assessed.
    let aware = app.state_now() - SignedDuration::from_hours(70);
    let local = |t: jiff::Timestamp| {
        t.to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%Y-%m-%dT%H:%M:%S")
            .to_string()
    };
    b.submit(
        &page_path,
        &format!("/desk/cases/{case}/awareness"),
        &[("at", &local(aware)), ("zone", "UTC")],
    )
    .await;
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
    // A team member may not record it.
    let mut t = app.signed_in(&team).await;
    let csrf = t.get(&page_path).await.hidden("csrf_token");
    let r = t
        .post(
            &format!("/desk/cases/{case}/notified"),
            &[
                ("csrf_token", csrf.as_str()),
                ("at", &local(app.state_now())),
                ("zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    // Three hours later: 73 hours after awareness, so the reasons are required.
    app.clock.advance(SignedDuration::from_hours(3));
    let mut b = app.signed_in(&dpo).await;
    let now = local(app.state_now());
    let notified = format!("/desk/cases/{case}/notified?lang=en");
    let p = b
        .submit(&page_path, &notified, &[("at", &now), ("zone", "UTC")])
        .await;
    assert_eq!(p.status, 422);
    assert!(
        p.body.contains("give the reasons for the delay"),
        "{}",
        p.body
    );
    assert_eq!(app.status_of(case).await, CaseStatus::Assessed);
    let p = b
        .submit(
            &page_path,
            &notified,
            &[
                ("at", &now),
                ("zone", "UTC"),
                ("reference", "TSV/1234/2026"),
                (
                    "delay_reasons",
                    "The supplier's logs arrived only on day three.",
                ),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let stored = app.store.case_by_id(case).await.unwrap().unwrap();
    assert_eq!(stored.status, CaseStatus::Notified);
    assert!(stored.notified_at.is_some());
    let page = b.get(&page_path).await;
    // 70 h + 30 s (the team member's sign-in) + 3 h + 30 s (the DPO's) after awareness.
    assert!(
        page.body.contains("Notified 1 h 1 min late"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn handlers_are_assigned_and_a_case_is_shared_only_by_name_and_only_by_the_dpo() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let team = app
        .account(&[(&app.uni, Role::PrivacyTeam)], "team@uni.example")
        .await;
    let auditor = app
        .account(&[(&app.uni, Role::Auditor)], "auditor@uni.example")
        .await;
    let partner = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let case = app.reported_case("uni").await;
    let page_path = format!("/desk/cases/{case}?lang=en");

    // The team may assign, but an auditor cannot be assigned, and the team may not share.
    let mut t = app.signed_in(&team).await;
    let p = t
        .submit(
            &page_path,
            &format!("/desk/cases/{case}/assign?lang=en"),
            &[("user", &auditor.id.to_string()), ("action", "add")],
        )
        .await;
    assert_eq!(p.status, 422);
    let p = t
        .submit(
            &page_path,
            &format!("/desk/cases/{case}/assign?lang=en"),
            &[("user", &team.id.to_string()), ("action", "add")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        app.store.case_by_id(case).await.unwrap().unwrap().assignees,
        [team.id]
    );
    assert!(!t.get(&page_path).await.body.contains("/share?"));
    let p = t
        .submit(
            &page_path,
            &format!("/desk/cases/{case}/share"),
            &[("email", "dpo@museum.example")],
        )
        .await;
    assert_eq!(p.status, 403);

    // Before the share, the partner does not see the case at all.
    let mut m = app.signed_in(&partner).await;
    assert_eq!(m.get(&page_path).await.status, 404);

    // An account that handles no organisation's cases answers like no account at all.
    let _ = app
        .account(&[(&app.museum, Role::Admin)], "admin@museum.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    let share = format!("/desk/cases/{case}/share?lang=en");
    for (email, expected) in [
        (
            "nobody@nowhere.example",
            "Cannot be shared with this address",
        ),
        ("admin@museum.example", "Cannot be shared with this address"),
        ("team@uni.example", "Belongs to this organisation"),
        ("", "This field is required"),
    ] {
        let p = b.submit(&page_path, &share, &[("email", email)]).await;
        assert_eq!(p.status, 422, "{email}");
        assert!(p.body.contains(expected), "{email}");
    }
    let p = b
        .submit(&page_path, &share, &[("email", "DPO@museum.example")])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(m.get(&page_path).await.status, 200);
    // The partner sees it on their dashboard too, and may record but not move it.
    assert!(
        m.get("/desk")
            .await
            .body
            .contains(&format!("/desk/cases/{case}"))
    );

    // Ending the share ends the access.
    let p = b
        .submit(&page_path, &share, &[("end", &partner.id.to_string())])
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(m.get(&page_path).await.status, 404);
    let trail = app.store.audit_trail(Some(case)).await.unwrap();
    let shares: Vec<_> = trail
        .iter()
        .filter(|r| r.action == "case.share")
        .map(|r| r.detail.split(' ').next().unwrap().to_owned())
        .collect();
    assert_eq!(shares, ["add", "remove"]);
}

#[tokio::test]
async fn a_duplicate_report_is_merged_into_the_case_it_repeats() {
    let app = spawn().await;
    let team = app
        .account(&[(&app.uni, Role::SecurityTeam)], "team@uni.example")
        .await;
    let auditor = app
        .account(&[(&app.uni, Role::Auditor)], "auditor@uni.example")
        .await;
    let first = app.reported_case("uni").await;
    let r = app.post_report("uni", &crate::helpers::anonymous()).await;
    let duplicate: Uuid = r.json::<serde_json::Value>().await.unwrap()["case_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let museum_case = app.reported_case("museum").await;
    let first_ref = app
        .store
        .case_by_id(first)
        .await
        .unwrap()
        .unwrap()
        .reference;
    let museum_ref = app
        .store
        .case_by_id(museum_case)
        .await
        .unwrap()
        .unwrap()
        .reference;
    let dup_path = format!("/desk/cases/{duplicate}?lang=en");
    let merge = format!("/desk/cases/{duplicate}/merge?lang=en");

    let mut a = app.signed_in(&auditor).await;
    let csrf = a.get(&dup_path).await.hidden("csrf_token");
    let r = a
        .post(
            &merge,
            &[("csrf_token", csrf.as_str()), ("into", &first_ref)],
        )
        .await;
    assert_eq!(r.status, 403);

    let mut b = app.signed_in(&team).await;
    for (into, expected) in [
        ("UNI-1999-0001", "No such case"),
        (museum_ref.as_str(), "No such case"),
        ("", "This field is required"),
    ] {
        let p = b.submit(&dup_path, &merge, &[("into", into)]).await;
        assert_eq!(p.status, 422, "{into}");
        assert!(p.body.contains(expected), "{into}");
    }
    let p = b
        .submit(
            &dup_path,
            &merge,
            &[
                ("into", &first_ref.to_lowercase()),
                ("reason", "Same incident"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        app.store
            .case_by_id(duplicate)
            .await
            .unwrap()
            .unwrap()
            .merged_into,
        Some(first)
    );
    // The first case shows both reports; the duplicate left the dashboard and points there.
    let page = b.get(&format!("/desk/cases/{first}?lang=en")).await;
    assert!(page.body.contains("The exam grade list"));
    assert!(page.body.contains("Printed museum card customer lists"));
    assert!(page.body.contains("merged from"));
    let dup_ref = app
        .store
        .case_by_id(duplicate)
        .await
        .unwrap()
        .unwrap()
        .reference;
    assert!(!b.get("/desk").await.body.contains(&dup_ref));
    let dup_page = b.get(&dup_path).await;
    assert!(dup_page.body.contains("was merged into"));
    assert!(!dup_page.body.contains("/merge?"), "merged only once");
    // Reading the merged report through the other case is on the duplicate's own record.
    let reads = app
        .store
        .audit_trail(Some(duplicate))
        .await
        .unwrap()
        .iter()
        .filter(|r| r.action == "case.read" && r.detail.starts_with("merged into"))
        .count();
    assert!(reads >= 1);
}

/// Issue 17: a team member who may not share merged a case into one shared with a joint
/// controller's handler, who then read the merged anonymous report through it.
#[tokio::test]
async fn a_merge_never_shows_a_report_to_someone_who_may_not_read_its_case() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let team = app
        .account(&[(&app.uni, Role::PrivacyTeam)], "team@uni.example")
        .await;
    let partner = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let shared = app.reported_case("uni").await;
    let r = app.post_report("uni", &crate::helpers::anonymous()).await;
    let anonymous: Uuid = r.json::<serde_json::Value>().await.unwrap()["case_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let shared_ref = app
        .store
        .case_by_id(shared)
        .await
        .unwrap()
        .unwrap()
        .reference;
    let shared_path = format!("/desk/cases/{shared}?lang=en");
    let mut dpo_b = app.signed_in(&dpo).await;
    let p = dpo_b
        .submit(
            &shared_path,
            &format!("/desk/cases/{shared}/share?lang=en"),
            &[("email", "dpo@museum.example")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);

    // The team member may not share, but may merge the anonymous report into the shared case.
    let mut team_b = app.signed_in(&team).await;
    let anon_path = format!("/desk/cases/{anonymous}?lang=en");
    let p = team_b
        .submit(
            &anon_path,
            &format!("/desk/cases/{anonymous}/share?lang=en"),
            &[("email", "dpo@museum.example")],
        )
        .await;
    assert_eq!(p.status, 403);
    let p = team_b
        .submit(
            &anon_path,
            &format!("/desk/cases/{anonymous}/merge?lang=en"),
            &[("into", &shared_ref)],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);

    // The organisation's own handlers read both reports on the shared case …
    let page = dpo_b.get(&shared_path).await;
    assert!(page.body.contains("The exam grade list"));
    assert!(page.body.contains("Printed museum card customer lists"));
    // … the joint controller's handler reads the case shared with them, not the merged report,
    // and the merged case itself stays invisible to them.
    let mut partner_b = app.signed_in(&partner).await;
    let page = partner_b.get(&shared_path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("The exam grade list"));
    assert!(
        !page.body.contains("Printed museum card customer lists"),
        "the merged anonymous report reached the partner"
    );
    assert_eq!(partner_b.get(&anon_path).await.status, 404);
    let reads_by_partner = app
        .store
        .audit_trail(Some(anonymous))
        .await
        .unwrap()
        .iter()
        .filter(|r| r.action == "case.read" && r.actor == Some(partner.id))
        .count();
    assert_eq!(reads_by_partner, 0);
}

#[tokio::test]
async fn a_question_to_the_reporter_is_answered_on_the_follow_up_page() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let r = app.post_report("uni", &crate::helpers::anonymous()).await;
    let accepted: serde_json::Value = r.json().await.unwrap();
    let case: Uuid = accepted["case_id"].as_str().unwrap().parse().unwrap();
    let report = accepted["id"].as_str().unwrap().to_owned();
    let code = accepted["receipt_code"].as_str().unwrap().to_owned();
    let page_path = format!("/desk/cases/{case}?lang=en");
    let mut b = app.signed_in(&dpo).await;
    let ask = format!("/desk/cases/{case}/questions?lang=en");
    let p = b
        .submit(&page_path, &ask, &[("report", &report), ("text", " ")])
        .await;
    assert_eq!(p.status, 422);
    let p = b
        .submit(
            &page_path,
            &ask,
            &[
                ("report", &report),
                ("text", "Which recycling bin was it, and on which floor?"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(b.get(&page_path).await.body.contains("Not answered yet."));

    // The reporter, with nothing but the receipt code.
    let mut reporter = Browser::new(&app);
    let page = reporter.get("/follow-up?lang=en").await;
    let csrf = page.hidden("csrf_token");
    let status = reporter
        .post(
            "/follow-up",
            &[
                ("csrf_token", &csrf),
                ("language", "en"),
                ("receipt_code", &code),
            ],
        )
        .await;
    assert_eq!(status.status, 200, "{}", status.body);
    assert!(
        status
            .body
            .contains("Which recycling bin was it, and on which floor?")
    );
    let question_id = app
        .store
        .case_entries(case)
        .await
        .unwrap()
        .iter()
        .find(|e| e.kind == "question")
        .unwrap()
        .id
        .to_string();
    // A made-up question id is refused.
    let bogus = reporter
        .post(
            "/follow-up/supplement",
            &[
                ("csrf_token", &csrf),
                ("language", "en"),
                ("receipt_code", &code),
                ("text", "Second floor"),
                ("answers", &Uuid::now_v7().to_string()),
            ],
        )
        .await;
    assert_eq!(bogus.status, 422);
    let answered = reporter
        .post(
            "/follow-up/supplement",
            &[
                ("csrf_token", &csrf),
                ("language", "en"),
                ("receipt_code", &code),
                ("text", "The blue bin by the lifts, second floor"),
                ("answers", &question_id),
            ],
        )
        .await;
    assert_eq!(answered.status, 201, "{}", answered.body);
    assert!(answered.body.contains("You have answered this question."));

    let page = b.get(&page_path).await;
    assert!(
        page.body
            .contains("The blue bin by the lifts, second floor")
    );
    assert!(!page.body.contains("Not answered yet."));

    // The API shows the question to the reporter too, and refuses a wrong id.
    let v: serde_json::Value = app
        .http
        .post(app.url("/api/v1/follow-up"))
        .json(&serde_json::json!({ "receipt_code": code }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["questions"][0]["answered"], true);
    let r = app
        .http
        .post(app.url("/api/v1/follow-up/supplements"))
        .json(&serde_json::json!({
            "receipt_code": code, "text": "more", "answers": Uuid::now_v7()
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

impl Browser<'_> {
    pub async fn upload(&mut self, path: &str, csrf: &str, name: &str, bytes: Vec<u8>) -> Page {
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", csrf.to_owned())
            .text("description", "evidence")
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        let r = self
            .app
            .http
            .post(self.app.url(path))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }
}

#[tokio::test]
async fn attachments_are_type_checked_size_limited_sealed_and_only_downloaded() {
    let app = spawn_with(breachdesk_web::Limits {
        intake_per_minute: 0,
        sign_in_per_minute: 0,
        max_attachment_bytes: 1024 * 1024,
        ..breachdesk_web::Limits::default()
    })
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let auditor = app
        .account(&[(&app.uni, Role::Auditor)], "auditor@uni.example")
        .await;
    let case = app.reported_case("uni").await;
    let page_path = format!("/desk/cases/{case}?lang=en");
    let upload = format!("/desk/cases/{case}/attachments?lang=en");
    let mut b = app.signed_in(&dpo).await;
    let csrf = b.get(&page_path).await.hidden("csrf_token");

    // An executable named like a text file is refused by its content.
    let p = b
        .upload(
            &upload,
            &csrf,
            "notes.txt",
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00".to_vec(),
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(
        p.body.contains("This kind of file is not accepted"),
        "{}",
        p.body
    );
    // Too large.
    let p = b
        .upload(&upload, &csrf, "big.txt", vec![b'a'; 1024 * 1024 + 1])
        .await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("The file is too large: at most 1 MiB."));
    // Without the session's token.
    let p = b.upload(&upload, "forged", "log.txt", b"x".to_vec()).await;
    assert_eq!(p.status, 403);
    assert!(app.store.case_entries(case).await.unwrap().is_empty());

    let log = "2026-11-20 09:14 user=maija exported grades.csv\n".repeat(20);
    let p = b
        .upload(
            &upload,
            &csrf,
            "../../mail server.log",
            log.clone().into_bytes(),
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let p = b.upload(&upload, &csrf, "letter.pdf", pdf.clone()).await;
    assert_eq!(p.status, 303, "{}", p.body);

    let page = b.get(&page_path).await;
    assert!(page.body.contains("mail server.log"));
    assert!(page.body.contains("application/pdf"));
    let entries = app.store.case_entries(case).await.unwrap();
    let ids: Vec<Uuid> = entries
        .iter()
        .filter(|e| e.kind == "attachment")
        .map(|e| e.id)
        .collect();
    assert_eq!(ids.len(), 2);
    // The attachment id is in the link on the page.
    let link_start = page
        .body
        .find(&format!("/desk/cases/{case}/attachments/"))
        .unwrap();
    let link: String = page.body[link_start..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();

    // Downloaded as opaque bytes, never inline, unchanged.
    let r = app
        .http
        .get(app.url(&link))
        .header(reqwest::header::COOKIE, b.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment; "), "{disposition}");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let body = r.bytes().await.unwrap();
    // The first link is the first upload.
    assert_eq!(body.as_ref(), log.as_bytes());

    // Sealed at rest.
    let stored = app.db.raw_contents().await;
    assert!(!stored.is_empty());
    assert!(!String::from_utf8_lossy(&stored).contains("user=maija exported"));
    // An auditor may download (read) but not upload; the download is in the audit trail.
    let mut reader = app.signed_in(&auditor).await;
    let acsrf = reader.get(&page_path).await.hidden("csrf_token");
    assert_eq!(
        reader
            .upload(&upload, &acsrf, "x.txt", b"x".to_vec())
            .await
            .status,
        403
    );
    assert_eq!(reader.get(&link).await.status, 200);
    let reads = app
        .store
        .audit_trail(Some(case))
        .await
        .unwrap()
        .iter()
        .filter(|r| r.action == "case.read" && r.detail.starts_with("attachment "))
        .count();
    assert_eq!(reads, 2);
    // Another organisation's handler gets nothing.
    let other = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let mut outsider = app.signed_in(&other).await;
    assert_eq!(outsider.get(&link).await.status, 404);
}

#[tokio::test]
async fn administrators_create_organisations_and_accounts_with_one_time_setup_links() {
    let app = spawn().await;
    let root = app.account(&[], "root@it.example").await;
    app.store.set_installation_admin(root.id).await.unwrap();
    let uni_admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;

    // Not for handlers.
    let mut handler = app.signed_in(&dpo).await;
    assert_eq!(handler.get("/admin").await.status, 403);
    let csrf = handler.get("/desk").await.hidden("csrf_token");
    let r = handler
        .post(
            "/admin/accounts",
            &[
                ("csrf_token", csrf.as_str()),
                ("org", "uni"),
                ("email", "x@uni.example"),
                ("role", "dpo"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);

    let mut b = app.signed_in(&root).await;
    let p = b
        .submit(
            "/admin?lang=en",
            "/admin/orgs?lang=en",
            &[("slug", "Bad Slug!"), ("name", "")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Name: This field is required."));
    let p = b
        .submit(
            "/admin?lang=en",
            "/admin/orgs?lang=en",
            &[("slug", "uni"), ("name", "Duplicate")],
        )
        .await;
    assert_eq!(p.status, 409);
    assert!(p.body.contains("Is already in use."));
    let p = b
        .submit(
            "/admin?lang=en",
            "/admin/orgs?lang=en",
            &[
                ("slug", "hospital"),
                ("name", "Hospital District"),
                ("dpo_email", "tietosuoja@hospital.example"),
                ("ref_prefix", "HUS-1"),
            ],
        )
        .await;
    assert_eq!(p.status, 422, "a prefix of capitals and digits only");
    assert!(
        p.body.contains("Use 1–12 capital letters or digits"),
        "{}",
        p.body
    );
    assert!(app.store.org_by_slug("hospital").await.unwrap().is_none());
    let p = b
        .submit(
            "/admin?lang=en",
            "/admin/orgs?lang=en",
            &[
                ("slug", "hospital"),
                ("name", "Hospital District"),
                ("dpo_email", "tietosuoja@hospital.example"),
                ("ref_prefix", "hus"),
            ],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    let hospital = app.store.org_by_slug("hospital").await.unwrap().unwrap();
    assert_eq!(hospital.ref_prefix, "HUS", "as given, in capitals");
    // The public form of the new organisation exists at once.
    assert_eq!(b.get("/report/hospital").await.status, 200);

    // With several organisations none is chosen for the administrator (issue 23): an account
    // is not created in whichever comes first.
    let admin_page = b.get("/admin?lang=en").await.body;
    assert!(
        admin_page.contains("<option value=\"\" selected>Choose the organisation</option>"),
        "{admin_page}"
    );
    let p = b
        .submit(
            "/admin?lang=en",
            "/admin/accounts?lang=en",
            &[
                ("org", ""),
                ("email", "someone@hospital.example"),
                ("role", "dpo"),
            ],
        )
        .await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(
        app.store
            .user_id_by_email("someone@hospital.example")
            .await
            .unwrap()
            .is_none()
    );
    let p = b
        .submit(
            "/admin?lang=en",
            "/admin/accounts?lang=en",
            &[
                ("org", "hospital"),
                ("email", "DPO@hospital.example"),
                ("role", "dpo"),
            ],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    let start = p.body.find("id=\"setup-link\">").unwrap() + 16;
    let link = p.body[start..].split('<').next().unwrap().to_owned();
    let path = link
        .split_once("/setup/")
        .map(|(_, t)| format!("/setup/{t}"))
        .unwrap();
    // The link is not shown again.
    assert!(!b.get("/admin?lang=en").await.body.contains(&path));

    // The new DPO sets a password with it, in Swedish; it works once, and the language stays
    // with the form and the account.
    let mut newcomer = Browser::new(&app);
    let form = newcomer.get(&format!("{path}?lang=sv")).await;
    assert!(
        form.body
            .contains(&format!("<form method=\"post\" action=\"{path}?lang=sv\">")),
        "{}",
        form.body
    );
    let p = newcomer
        .submit(
            &format!("{path}?lang=sv"),
            &format!("{path}?lang=sv"),
            &[
                ("name", "Hanna Hoitaja"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/sign-in?done=setup&lang=sv"));
    assert_eq!(newcomer.get(&path).await.status, 404);
    // The account keeps Swedish: the desk speaks it where no page asks for another language.
    assert_eq!(
        app.store
            .user_auth_by_email("dpo@hospital.example")
            .await
            .unwrap()
            .unwrap()
            .language,
        breachdesk_core::report::Language::Sv
    );
    let p = newcomer
        .submit(
            "/sign-in?done=setup&lang=sv",
            "/sign-in?lang=sv",
            &[("email", "dpo@hospital.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/sign-in/enrol?lang=sv"));

    // An organisation's administrator adds accounts to their own organisation only.
    let mut org_admin = app.signed_in(&uni_admin).await;
    let page = org_admin.get("/admin?lang=en").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("dpo@uni.example"));
    assert!(!page.body.contains("Hospital District"));
    // No form to create organisations (only the installation's administrator has one).
    assert!(!page.body.contains("action=\"/admin/orgs?"));
    let csrf = page.hidden("csrf_token");
    let r = org_admin
        .post(
            "/admin/accounts",
            &[
                ("csrf_token", csrf.as_str()),
                ("org", "hospital"),
                ("email", "spy@uni.example"),
                ("role", "dpo"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = org_admin
        .post(
            "/admin/orgs",
            &[
                ("csrf_token", csrf.as_str()),
                ("slug", "mine"),
                ("name", "Mine"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = org_admin
        .post(
            "/admin/accounts",
            &[
                ("csrf_token", csrf.as_str()),
                ("org", "uni"),
                ("email", "auditor@uni.example"),
                ("role", "auditor"),
            ],
        )
        .await;
    assert_eq!(r.status, 201);
    // And still reads no case content.
    let case = app.reported_case("uni").await;
    assert_eq!(
        org_admin.get(&format!("/desk/cases/{case}")).await.status,
        404
    );
    let actions: Vec<String> = app
        .store
        .audit_trail(None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert!(actions.iter().any(|a| a == "admin.org_create"));
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "admin.account_create")
            .count(),
        2
    );
}

#[tokio::test]
async fn the_dashboard_filters_by_status_organisation_and_reference() {
    let app = spawn().await;
    // A DPO of two organisations.
    let dpo = app
        .account(
            &[(&app.uni, Role::Dpo), (&app.museum, Role::Dpo)],
            "dpo@both.example",
        )
        .await;
    let uni_case = app.reported_case("uni").await;
    let museum_case = app.reported_case("museum").await;
    let reference = |id| {
        let store = app.store.clone();
        async move { store.case_by_id(id).await.unwrap().unwrap().reference }
    };
    let (uni_ref, museum_ref) = (reference(uni_case).await, reference(museum_case).await);
    let mut b = app.signed_in(&dpo).await;
    let both = b.get("/desk?lang=en").await;
    assert!(both.body.contains(&uni_ref) && both.body.contains(&museum_ref));
    let only = b.get("/desk?lang=en&org=museum").await;
    assert!(only.body.contains(&museum_ref) && !only.body.contains(&uni_ref));
    let p = b
        .submit(
            &format!("/desk/cases/{uni_case}?lang=en"),
            &format!("/desk/cases/{uni_case}/status"),
            &[("to", "unfounded"), ("reason", "A phishing exercise")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    // Closed as unfounded: not among the open cases, but found by status.
    assert!(!b.get("/desk?lang=en").await.body.contains(&uni_ref));
    let unfounded = b.get("/desk?lang=en&status=unfounded").await;
    assert!(unfounded.body.contains(&uni_ref) && !unfounded.body.contains(&museum_ref));
    assert!(
        b.get("/desk?lang=en&status=all")
            .await
            .body
            .contains(&uni_ref)
    );
    let by_ref = b
        .get(&format!(
            "/desk?lang=en&status=all&q={}",
            uni_ref.to_lowercase()
        ))
        .await;
    assert!(by_ref.body.contains(&uni_ref) && !by_ref.body.contains(&museum_ref));
    let bad = b.get("/desk?lang=en&status=lost").await;
    assert_eq!(bad.status, 422);
}

#[tokio::test]
async fn the_case_page_proposes_an_assessment_from_scope_and_questionnaire_and_keeps_the_decision()
{
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let team = app
        .account(&[(&app.uni, Role::SecurityTeam)], "team@uni.example")
        .await;
    let case = app.reported_case("uni").await;
    let page_path = format!("/desk/cases/{case}?lang=en");
    let mut b = app.signed_in(&dpo).await;
    assert!(
        b.get(&page_path)
            .await
            .body
            .contains("Record the scope first")
    );
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
                ("subject_categories", "patients"),
                ("subjects", "approximate"),
                ("subjects_value", "12000"),
                ("records", "unknown"),
                ("cause", "external_malicious"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    // Nothing assumed: the engine asks for what neither the scope nor the questions say.
    let page = b.get(&page_path).await;
    assert!(
        page.body.contains("Needed before a proposal can be made"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Who has, or may have, the data?"));
    assert!(
        !page.body.contains("id=\"q-malicious\""),
        "the scope says it was malicious"
    );

    let decision = format!("/desk/cases/{case}/assessment/decision?lang=en");
    let p = b
        .submit(&page_path, &decision, &[("decision", "accept")])
        .await;
    assert_eq!(p.status, 422);
    assert!(
        p.body
            .contains("There is no complete proposal to accept yet")
    );
    let answers = format!("/desk/cases/{case}/assessment/answers?lang=en");
    let p = b
        .submit(
            &page_path,
            &answers,
            &[
                ("adj1_category", "health"),
                ("adj1_factor", "vulnerable_subjects"),
                ("adj1_steps", "1"),
                ("adj1_justification", ""),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(
        p.body
            .contains("Context of the data: This field is required."),
        "{}",
        p.body
    );
    // The team answers the questions.
    let mut t = app.signed_in(&team).await;
    let p = t
        .submit(
            &page_path,
            &answers,
            &[
                ("acting_as", "controller"),
                ("recipients", "malicious"),
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
    let page = t.get(&page_path).await;
    assert!(
        page.body.contains(
            "loss of confidentiality: severity very high, likelihood likely — a high risk"
        ),
        "the risk of each type of breach is shown: {}",
        page.body
    );
    assert!(
        page.body.contains("id=\"severity\">very high"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"risk\">a high risk"));
    assert!(page.body.contains("id=\"authority\">notify the authority"));
    assert!(page.body.contains("id=\"subjects\">tell each person"));
    assert!(page.body.contains("report the crime to the police"));
    assert!(
        page.body.contains("basic score 4"),
        "the reasons are listed"
    );
    assert!(page.body.contains("recorded in the breach register"));
    // The team may not decide.
    let csrf = page.hidden("csrf_token");
    let r = t
        .post(
            &format!("/desk/cases/{case}/assessment/decision"),
            &[("csrf_token", csrf.as_str()), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, 403);

    let p = b
        .submit(&page_path, &decision, &[("decision", "accept")])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        app.store
            .case_by_id(case)
            .await
            .unwrap()
            .unwrap()
            .notification_required,
        Some(true)
    );
    // Overriding needs the decision and a reason.
    let p = b
        .submit(&page_path, &decision, &[("decision", "override")])
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Reason: This field is required."));
    // An override states the risk it decides, with its severity and likelihood.
    let p = b
        .submit(
            &page_path,
            &decision,
            &[
                ("decision", "override"),
                ("notify_authority", "no"),
                ("communicate_to_subjects", "not_required"),
                ("reason", "Recovered."),
                ("risk", "dangerous"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(
        p.body
            .contains("Severity of the consequences: This field is required."),
        "{}",
        p.body
    );
    let p = b
        .submit(
            &page_path,
            &decision,
            &[
                ("decision", "override"),
                ("notify_authority", "no"),
                ("communicate_to_subjects", "not_required"),
                ("risk", "unlikely"),
                ("severity", "very_high"),
                ("likelihood", "remote"),
                (
                    "reason",
                    "The list was recovered unopened from the only recipient.",
                ),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let stored = app.store.case_by_id(case).await.unwrap().unwrap();
    assert_eq!(stored.notification_required, Some(false));
    let page = b.get(&page_path).await;
    // Both decisions and the proposal they departed from are shown.
    assert!(
        page.body.contains(
            "accepted: a high risk (severity very high, likelihood likely) · notify the authority"
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(
            "overridden</strong>: unlikely to result in a risk (severity very high, likelihood remote) · no notification to the authority"
        ),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("The list was recovered unopened from the only recipient.")
    );
    assert!(
        page.body
            .contains("very high · a high risk · notify the authority")
    );
}

/// Issue 23: an account added to the wrong organisation is moved (its case-reading role waits
/// for the DPO of the right one, its access in the wrong one ends at once); a disabled account is
/// listed and enabled again; the last DPO and the last administrator keep their roles; moving
/// needs both organisations administered.
#[tokio::test]
async fn accounts_are_moved_enabled_again_and_the_last_dpo_and_administrator_kept() {
    let app = spawn_with(breachdesk_web::Limits {
        intake_per_minute: 0,
        sign_in_per_minute: 0,
        ..breachdesk_web::Limits::default()
    })
    .await;
    let root = app.account(&[], "root@it.example").await;
    app.store.set_installation_admin(root.id).await.unwrap();
    let uni_admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let uni_dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    // Added to the museum by mistake: administrator and security team member.
    let wrong = app
        .account(
            &[
                (&app.museum, Role::Admin),
                (&app.museum, Role::SecurityTeam),
            ],
            "wrong@uni.example",
        )
        .await;
    let museum_admin = app
        .account(&[(&app.museum, Role::Admin)], "admin@museum.example")
        .await;
    let museum_case = app.reported_case("museum").await;
    let mut wrong_b = app.signed_in(&wrong).await;
    assert_eq!(
        wrong_b
            .get(&format!("/desk/cases/{museum_case}?lang=en"))
            .await
            .status,
        200
    );

    let mut root_b = app.signed_in(&root).await;
    let page = root_b.get("/admin?lang=en").await;
    let wrong_id = wrong.id.to_string();
    // One move form per account (it moves all its roles there); none on a DPO's account for an
    // administrator who is no DPO there.
    assert_eq!(
        page.body
            .matches(&format!("/admin/accounts/{wrong_id}/move"))
            .count(),
        1,
        "{}",
        page.body
    );
    assert!(
        !page
            .body
            .contains(&format!("/admin/accounts/{}/move", uni_dpo.id))
    );
    let p = root_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{wrong_id}/move?lang=en"),
            &[("from", "museum"), ("to", "uni")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let roles_in = |members: Vec<breachdesk_core::ports::Member>| {
        members
            .into_iter()
            .filter(|m| m.user_id == wrong.id)
            .map(|m| m.role)
            .collect::<Vec<_>>()
    };
    assert!(roles_in(app.store.members(&[app.museum.id]).await.unwrap()).is_empty());
    // The administrator role is given at once; the case-reading one waits for the uni's DPO.
    assert_eq!(
        roles_in(app.store.members(&[app.uni.id]).await.unwrap()),
        [Role::Admin]
    );
    let open = app.store.open_grants(&[app.uni.id]).await.unwrap();
    assert!(
        open.iter()
            .any(|g| g.user_id == wrong.id && g.role == Role::SecurityTeam),
        "{open:?}"
    );
    assert_eq!(
        wrong_b
            .get(&format!("/desk/cases/{museum_case}?lang=en"))
            .await
            .status,
        404,
        "no access left in the wrong organisation"
    );
    // Nothing left to move.
    let p = root_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{wrong_id}/move?lang=en"),
            &[("from", "museum"), ("to", "uni")],
        )
        .await;
    assert_eq!(p.status, 303);
    let p = root_b.get(p.location.as_deref().unwrap()).await;
    assert!(
        p.body.contains("the account has no role to move"),
        "{}",
        p.body
    );

    // Moving needs both organisations: the uni's administrator cannot move to the museum, nor
    // can a handler move anyone.
    let mut admin_b = app.signed_in(&uni_admin).await;
    let page = admin_b.get("/admin?lang=en").await;
    assert!(
        !page.body.contains("/move?"),
        "one organisation: nowhere to move"
    );
    let csrf = page.hidden("csrf_token");
    let r = admin_b
        .post(
            &format!("/admin/accounts/{wrong_id}/move?lang=en"),
            &[
                ("csrf_token", csrf.as_str()),
                ("from", "uni"),
                ("to", "museum"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    let mut dpo_b = app.signed_in(&uni_dpo).await;
    let csrf = dpo_b.get("/desk").await.hidden("csrf_token");
    let r = dpo_b
        .post(
            &format!("/admin/accounts/{wrong_id}/move?lang=en"),
            &[
                ("csrf_token", csrf.as_str()),
                ("from", "uni"),
                ("to", "museum"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);

    // The last DPO keeps the role, even against their own wish; so does the last administrator.
    let dpo_id = uni_dpo.id.to_string();
    let r = dpo_b
        .post(
            "/admin/memberships/remove?lang=en",
            &[
                ("csrf_token", csrf.as_str()),
                ("user", &dpo_id),
                ("org", "uni"),
                ("role", "dpo"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.location.as_deref(),
        Some("/admin?lang=en&refused=last&role=dpo")
    );
    assert!(
        app.store
            .members(&[app.uni.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == uni_dpo.id && m.role == Role::Dpo)
    );
    let museum_admin_id = museum_admin.id.to_string();
    let p = root_b
        .submit(
            "/admin?lang=en",
            "/admin/memberships/remove?lang=en",
            &[
                ("user", &museum_admin_id),
                ("org", "museum"),
                ("role", "admin"),
            ],
        )
        .await;
    let p = root_b.get(p.location.as_deref().unwrap()).await;
    assert!(
        p.body.contains("Not done: this account is the only one"),
        "{}",
        p.body
    );
    let p = root_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{museum_admin_id}/disable?lang=en"),
            &[],
        )
        .await;
    let p = root_b.get(p.location.as_deref().unwrap()).await;
    assert!(
        p.body.contains("Not done: this account is the only one"),
        "{}",
        p.body
    );

    // Nor is the last administrator moved away.
    let p = root_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{museum_admin_id}/move?lang=en"),
            &[("from", "museum"), ("to", "uni")],
        )
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some("/admin?lang=en&refused=last&role=admin")
    );
    assert!(
        app.store
            .members(&[app.museum.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == museum_admin.id)
    );

    // Disabled, listed as such, enabled again.
    let p = root_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{}/disable?lang=en", uni_admin.id),
            &[],
        )
        .await;
    assert_eq!(p.status, 303);
    let page = root_b.get("/admin?lang=en").await;
    assert!(
        page.body.contains("<caption>Disabled accounts</caption>"),
        "{}",
        page.body
    );
    let enable = format!("/admin/accounts/{}/enable?lang=en", uni_admin.id);
    assert!(page.body.contains(&enable), "{}", page.body);
    let p = root_b.submit("/admin?lang=en", &enable, &[]).await;
    assert_eq!(p.status, 303);
    let p = root_b.get(p.location.as_deref().unwrap()).await;
    assert!(!p.body.contains("<caption>Disabled accounts</caption>"));
    assert_eq!(
        app.signed_in(&uni_admin)
            .await
            .get("/admin?lang=en")
            .await
            .status,
        200
    );

    // The organisation's own administrator enables what they disabled.
    let team = app
        .account(&[(&app.uni, Role::PrivacyTeam)], "team@uni.example")
        .await;
    let mut admin_b = app.signed_in(&uni_admin).await;
    for action in ["disable", "enable"] {
        let p = admin_b
            .submit(
                "/admin?lang=en",
                &format!("/admin/accounts/{}/{action}?lang=en", team.id),
                &[],
            )
            .await;
        assert_eq!(p.status, 303, "{action}: {}", p.body);
    }
    assert!(
        app.store
            .members(&[app.uni.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == team.id)
    );
    // A disabled DPO is enabled by a DPO of the organisation, not by an administrator, not
    // even the installation's.
    let dpo2 = app
        .account(&[(&app.uni, Role::Dpo)], "dpo2@uni.example")
        .await;
    // Accounts are acted on from the administration page: a DPO who also administers.
    let dpo_admin = app
        .account(
            &[(&app.uni, Role::Dpo), (&app.uni, Role::Admin)],
            "dpo-admin@uni.example",
        )
        .await;
    let mut dpo_b = app.signed_in(&dpo_admin).await;
    let csrf = dpo_b.get("/desk").await.hidden("csrf_token");
    let disable = dpo_b
        .post(
            &format!("/admin/accounts/{}/disable?lang=en", dpo2.id),
            &[("csrf_token", csrf.as_str())],
        )
        .await;
    assert_eq!(disable.status, 303);
    let enable = format!("/admin/accounts/{}/enable?lang=en", dpo2.id);
    let p = root_b.submit("/admin?lang=en", &enable, &[]).await;
    assert_eq!(p.status, 403);
    let csrf = admin_b.get("/admin?lang=en").await.hidden("csrf_token");
    assert_eq!(
        admin_b
            .post(&enable, &[("csrf_token", csrf.as_str())])
            .await
            .status,
        403
    );
    let csrf = csrf_of(&mut dpo_b).await;
    let r = dpo_b.post(&enable, &[("csrf_token", csrf.as_str())]).await;
    assert_eq!(r.status, 303);
    assert!(
        app.store
            .members(&[app.uni.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == dpo2.id && m.role == Role::Dpo)
    );
}

async fn csrf_of(b: &mut Browser<'_>) -> String {
    b.get("/desk").await.hidden("csrf_token")
}

/// Issue 17: nothing could take access away. Now an administrator removes a role, ends
/// sessions, resets a second factor and disables an account (its tokens die with it) — only for
/// accounts of organisations they administer, never their own account.
#[tokio::test]
async fn access_is_taken_away_by_removing_roles_ending_sessions_resetting_and_disabling() {
    let app = spawn_with(breachdesk_web::Limits {
        intake_per_minute: 0,
        sign_in_per_minute: 0,
        ..breachdesk_web::Limits::default()
    })
    .await;
    let root = app.account(&[], "root@it.example").await;
    app.store.set_installation_admin(root.id).await.unwrap();
    let admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let team = app
        .account(&[(&app.uni, Role::PrivacyTeam)], "team@uni.example")
        .await;
    let museum_dpo = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let both = app
        .account(
            &[
                (&app.uni, Role::SecurityTeam),
                (&app.museum, Role::SecurityTeam),
            ],
            "both@uni.example",
        )
        .await;
    let token = app.token_for(team.id).await;
    let case = app.reported_case("uni").await;
    let case_path = format!("/desk/cases/{case}?lang=en");
    let mut team_b = app.signed_in(&team).await;
    assert_eq!(team_b.get(&case_path).await.status, 200);

    let mut admin_b = app.signed_in(&admin).await;
    let page = admin_b.get("/admin?lang=en").await;
    assert!(
        page.body
            .contains(&format!("/admin/accounts/{}/disable", team.id))
    );
    assert!(
        !page
            .body
            .contains(&format!("/admin/accounts/{}/disable", admin.id)),
        "no button to disable oneself"
    );
    // The role goes: the case is gone for the team member at once.
    let team_id = team.id.to_string();
    let p = admin_b
        .submit(
            "/admin?lang=en",
            "/admin/memberships/remove?lang=en",
            &[("user", &team_id), ("org", "uni"), ("role", "privacy_team")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(team_b.get(&case_path).await.status, 404);
    assert_eq!(
        app.get_json(&format!("/api/v1/cases/{case}"), &token)
            .await
            .0,
        404
    );
    app.store
        .add_membership(
            &UserRole {
                user_id: team.id,
                org_id: app.uni.id,
                role: Role::PrivacyTeam,
            },
            app.state_now(),
        )
        .await
        .unwrap();
    assert_eq!(team_b.get(&case_path).await.status, 200);

    // Sessions end.
    let p = admin_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{}/sessions?lang=en", team.id),
            &[],
        )
        .await;
    assert_eq!(p.status, 303);
    let p = team_b.get(&case_path).await;
    assert_eq!(p.location.as_deref(), Some("/sign-in"), "signed out");

    // The second factor is reset: the next sign-in enrols anew.
    let mut team_b = app.signed_in(&team).await;
    let p = admin_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{}/second-factor?lang=en", team.id),
            &[],
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(
        team_b.get(&case_path).await.location.as_deref(),
        Some("/sign-in")
    );
    app.clock.advance(SignedDuration::from_secs(30));
    let mut fresh = Browser::new(&app);
    let p = fresh
        .submit(
            "/sign-in",
            "/sign-in",
            &[("email", "team@uni.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/sign-in/enrol?lang=fi"));

    // Disabled: no sign-in, no token.
    assert_eq!(
        app.get_json(&format!("/api/v1/cases/{case}"), &token)
            .await
            .0,
        200
    );
    let p = admin_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{}/disable?lang=en", team.id),
            &[],
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(
        app.get_json(&format!("/api/v1/cases/{case}"), &token)
            .await
            .0,
        401
    );
    let p = Browser::new(&app)
        .submit(
            "/sign-in",
            "/sign-in",
            &[("email", "team@uni.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 401);

    // An administrator cannot take the DPO away (issue 17: disabling the DPO, then having a
    // "first DPO" confirmed, made an administrator a case reader).
    let uni_dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let uni_dpo_id = uni_dpo.id.to_string();
    let p = admin_b
        .submit(
            "/admin?lang=en",
            "/admin/memberships/remove?lang=en",
            &[("user", &uni_dpo_id), ("org", "uni"), ("role", "dpo")],
        )
        .await;
    assert_eq!(p.status, 403, "an administrator removed the DPO role");
    // Only accounts of organisations one administers, never one's own, never a DPO.
    for (who, id) in [
        ("the organisation's DPO", uni_dpo.id),
        ("another organisation's DPO", museum_dpo.id),
        ("an account also in another organisation", both.id),
        ("oneself", admin.id),
    ] {
        let p = admin_b
            .submit(
                "/admin?lang=en",
                &format!("/admin/accounts/{id}/disable?lang=en"),
                &[],
            )
            .await;
        assert_eq!(p.status, 403, "{who}");
    }
    let museum_id = museum_dpo.id.to_string();
    let p = admin_b
        .submit(
            "/admin?lang=en",
            "/admin/memberships/remove?lang=en",
            &[("user", &museum_id), ("org", "museum"), ("role", "dpo")],
        )
        .await;
    assert_eq!(p.status, 403);
    // A handler is no administrator.
    let mut handler_b = app.signed_in(&both).await;
    let csrf = handler_b.get("/desk").await.hidden("csrf_token");
    let root_b = handler_b
        .post(
            &format!("/admin/accounts/{}/disable", admin.id),
            &[("csrf_token", csrf.as_str())],
        )
        .await;
    assert_eq!(root_b.status, 403);
    // The installation's administrator may act on other accounts, but a DPO's only as a DPO.
    let mut root_b = app.signed_in(&root).await;
    let p = root_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{}/disable?lang=en", both.id),
            &[],
        )
        .await;
    assert_eq!(p.status, 303);
    let p = root_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{}/disable?lang=en", museum_dpo.id),
            &[],
        )
        .await;
    assert_eq!(p.status, 403);
    // Another DPO of the organisation may.
    let museum_dpo2 = app
        .account(&[(&app.museum, Role::Dpo)], "dpo2@museum.example")
        .await;
    let mut dpo2_b = app.signed_in(&museum_dpo2).await;
    let csrf = dpo2_b.get("/desk").await.hidden("csrf_token");
    let museum_id = museum_dpo.id.to_string();
    let r = dpo2_b
        .post(
            "/admin/memberships/remove?lang=en",
            &[
                ("csrf_token", csrf.as_str()),
                ("user", &museum_id),
                ("org", "museum"),
                ("role", "dpo"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);

    let actions: Vec<String> = app
        .store
        .audit_trail(None)
        .await
        .unwrap()
        .into_iter()
        .map(|root_b| root_b.action)
        .collect();
    for action in [
        "admin.role_remove",
        "admin.sessions_end",
        "admin.second_factor_reset",
        "admin.account_disable",
    ] {
        assert!(actions.iter().any(|admin_b| admin_b == action), "{action}");
    }
}

/// Issue 17: API tokens never expired, had no scope and could not be listed or revoked. Now a
/// handler makes a named token with a scope and an expiry on the desk (after the second
/// factor), sees it once, and revokes it; an administrator revokes the tokens of accounts they
/// administer; nobody else sees them.
#[tokio::test]
async fn api_tokens_are_made_on_the_desk_expire_and_are_revoked_by_owner_or_administrator() {
    let app = spawn_with(breachdesk_web::Limits {
        intake_per_minute: 0,
        sign_in_per_minute: 0,
        ..breachdesk_web::Limits::default()
    })
    .await;
    // A team member's tokens (a DPO's account is the DPOs' alone to act on).
    let dpo = app
        .account(&[(&app.uni, Role::PrivacyTeam)], "team@uni.example")
        .await;
    let admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let other = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let case = app.reported_case("uni").await;
    let case_api = format!("/api/v1/cases/{case}");
    let mut dpo_b = app.signed_in(&dpo).await;
    // Bad input is refused field by field and makes nothing.
    let p = dpo_b
        .submit(
            "/desk/tokens?lang=en",
            "/desk/tokens?lang=en",
            &[("name", ""), ("scope", "root"), ("days", "9999")],
        )
        .await;
    assert_eq!(p.status, 422);
    for e in [
        "Name: This field is required.",
        "Scope: Choose read only or case handling.",
        "Valid for days: A whole number from 1 to 365.",
    ] {
        assert!(p.body.contains(e), "{e}");
    }
    assert!(app.store.api_tokens(&[dpo.id]).await.unwrap().is_empty());
    let make = |name: &'static str, days: &'static str| {
        [("name", name), ("scope", "read_only"), ("days", days)]
    };
    let p = dpo_b
        .submit(
            "/desk/tokens?lang=en",
            "/desk/tokens?lang=en",
            &make("reporting script", "30"),
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    let start = p.body.find("id=\"new-token\">").unwrap() + 15;
    let token = p.body[start..].split('<').next().unwrap().to_owned();
    assert!(token.starts_with("bd_"));
    assert_eq!(app.get_json(&case_api, &token).await.0, 200);
    let page = dpo_b.get("/desk/tokens?lang=en").await;
    assert!(page.body.contains("reporting script"));
    assert!(page.body.contains("read only"));
    assert!(!page.body.contains(&token), "shown only once");
    // It expires.
    app.clock.advance(SignedDuration::from_hours(24 * 31));
    assert_eq!(app.get_json(&case_api, &token).await.0, 401);
    // The owner revokes a token; another organisation's handler cannot see or revoke it.
    let mut dpo_b = app.signed_in(&dpo).await;
    let p = dpo_b
        .submit(
            "/desk/tokens?lang=en",
            "/desk/tokens?lang=en",
            &make("second", "90"),
        )
        .await;
    let start = p.body.find("id=\"new-token\">").unwrap() + 15;
    let second = p.body[start..].split('<').next().unwrap().to_owned();
    let id = app
        .store
        .api_tokens(&[dpo.id])
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "second")
        .unwrap()
        .id;
    let revoke = format!("/desk/tokens/{id}/revoke?lang=en");
    let mut other_b = app.signed_in(&other).await;
    let page = other_b.get("/desk/tokens?lang=en").await;
    assert!(!page.body.contains("second"));
    assert_eq!(
        other_b
            .submit("/desk/tokens?lang=en", &revoke, &[])
            .await
            .status,
        404
    );
    assert_eq!(app.get_json(&case_api, &second).await.0, 200);
    // The administrator of the organisation sees and revokes it.
    let mut admin_b = app.signed_in(&admin).await;
    let page = admin_b.get("/desk/tokens?lang=en").await;
    assert!(page.body.contains("second") && page.body.contains("team@uni.example"));
    assert_eq!(
        admin_b
            .submit("/desk/tokens?lang=en", &revoke, &[])
            .await
            .status,
        303
    );
    assert_eq!(app.get_json(&case_api, &second).await.0, 401);
    let actions: Vec<String> = app
        .store
        .audit_trail(None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(actions.iter().filter(|a| *a == "token.create").count(), 2);
    assert_eq!(actions.iter().filter(|a| *a == "token.revoke").count(), 1);
}

/// Issue 17: a first-administrator link made before any account existed still worked after the
/// operator created accounts, and made another installation administrator.
#[tokio::test]
async fn a_first_administrator_link_dies_once_any_account_exists() {
    let app = spawn().await;
    let token = app.state.first_admin_setup_token().await.unwrap().unwrap();
    let link = format!("/setup/{token}");
    let mut b = Browser::new(&app);
    assert_eq!(b.get(&link).await.status, 200);
    // The operator creates an account from the command line meanwhile.
    let _ = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    assert_eq!(b.get(&link).await.status, 404);
    let csrf_page = b.get("/sign-in").await;
    let csrf = csrf_page.hidden("csrf_token");
    let p = b
        .post(
            &link,
            &[
                ("csrf_token", csrf.as_str()),
                ("email", "mallory@evil.example"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, 404);
    assert!(
        app.store
            .user_auth_by_email("mallory@evil.example")
            .await
            .unwrap()
            .is_none()
    );
}

/// Issue 17: the password `breachdesk user create` prints on the console was never forced to
/// change. Its first use now leads to choosing a new one, and only that one signs in.
#[tokio::test]
async fn a_password_printed_by_the_operator_must_be_replaced_at_the_first_sign_in() {
    let app = spawn_with(breachdesk_web::Limits {
        sign_in_per_minute: 0,
        ..breachdesk_web::Limits::default()
    })
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    app.store.require_password_change(dpo.id).await.unwrap();
    let mut b = Browser::new(&app);
    let p = b
        .submit(
            "/sign-in",
            "/sign-in",
            &[("email", "dpo@uni.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let to = p.location.clone().unwrap();
    assert!(to.starts_with("/setup/"), "{to}");
    assert_eq!(
        b.get("/desk").await.location.as_deref(),
        Some("/sign-in"),
        "not signed in"
    );
    let new_password = "a brand new passphrase of mine";
    let p = b
        .submit(
            &to,
            &to,
            &[("password", new_password), ("password_again", new_password)],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(
        !app.store
            .user_auth_by_id(dpo.id)
            .await
            .unwrap()
            .unwrap()
            .password_change_required
    );
    let mut b = Browser::new(&app);
    let p = b
        .submit(
            "/sign-in",
            "/sign-in",
            &[("email", "dpo@uni.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 401, "the printed password is gone");
    let p = b
        .submit(
            "/sign-in",
            "/sign-in",
            &[("email", "dpo@uni.example"), ("password", new_password)],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/sign-in/code?lang=fi"));
}

/// Issue 17: who may not decide roles or take access away — handlers and auditors, whatever
/// they send.
#[tokio::test]
async fn handlers_and_auditors_neither_decide_roles_nor_take_access_away() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let team = app
        .account(&[(&app.uni, Role::PrivacyTeam)], "team@uni.example")
        .await;
    let auditor = app
        .account(&[(&app.uni, Role::Auditor)], "auditor@uni.example")
        .await;
    let request = Uuid::now_v7();
    let dpo_id = dpo.id.to_string();
    for account in [&team, &auditor] {
        let mut b = app.signed_in(account).await;
        assert_eq!(b.get("/desk/roles?lang=en").await.status, 403);
        let csrf = b.get("/desk").await.hidden("csrf_token");
        for (path, form) in [
            (
                format!("/desk/roles/{request}"),
                vec![("csrf_token", csrf.as_str()), ("decision", "confirm")],
            ),
            (
                format!("/admin/accounts/{}/disable", dpo.id),
                vec![("csrf_token", csrf.as_str())],
            ),
            (
                "/admin/memberships/remove".to_owned(),
                vec![
                    ("csrf_token", csrf.as_str()),
                    ("user", dpo_id.as_str()),
                    ("org", "uni"),
                    ("role", "dpo"),
                ],
            ),
        ] {
            assert_eq!(b.post(&path, &form).await.status, 403, "{path}");
        }
    }
    let p = app.store.principal_by_user(dpo.id).await.unwrap().unwrap();
    assert_eq!(p.memberships.len(), 1, "nothing changed");
}

/// A form's fields, in order.
type Fields = Vec<(String, String)>;

/// The scope form and the questionnaire a DPO would fill in for an example's facts.
fn desk_forms(input: &serde_json::Value) -> (Fields, Fields) {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let pair = |k: &str, v: String| (k.to_owned(), v);
    let mut scope = Vec::new();
    let mut answers = Vec::new();
    let conf = s(&input["confidentiality"]);
    let integ = s(&input["integrity"]);
    let avail = s(&input["availability"]);
    if conf != "none" {
        scope.push(pair("nature", "confidentiality".into()));
        scope.push(pair(
            "confidentiality_type",
            if conf == "exposed_no_evidence" {
                "likely_disclosed".into()
            } else {
                "disclosed".into()
            },
        ));
        let u = &input["unintelligible"];
        let encrypted = u["strongly_encrypted"].as_bool() == Some(true);
        let leaked = u["key_compromised"].as_bool() == Some(true);
        scope.push(pair(
            "unintelligible",
            match (encrypted, leaked) {
                (true, false) => "protection_intact",
                (true, true) => "protection_likely_subverted",
                _ => "no",
            }
            .into(),
        ));
        answers.push(pair("recipients", s(&input["recipients"])));
        answers.push(pair("containment", s(&input["containment"])));
        if conf != "exposed_no_evidence" {
            // The ENISA circumstance as the example states it.
            answers.push(pair("confidentiality", conf.clone()));
        }
    }
    if integ != "none" {
        scope.push(pair("nature", "integrity".into()));
        scope.push(pair(
            "integrity_type",
            match integ.as_str() {
                "altered_not_used" => "no_misuse",
                "recoverable" => "misuse_reversible",
                _ => "misuse_irreversible",
            }
            .into(),
        ));
    }
    if avail != "none" {
        scope.push(pair("nature", "availability".into()));
        if avail == "full" {
            scope.push(pair("availability_type", "permanent".into()));
        } else {
            scope.push(pair("availability_type", "temporary".into()));
            answers.push(pair("availability", avail.clone()));
            answers.push(pair("unavailable_for", s(&input["unavailable_for"])));
        }
        answers.push(pair("outage_effect", s(&input["outage_effect"])));
    }
    for c in input["data_categories"].as_array().into_iter().flatten() {
        scope.push(pair("affected", s(c)));
    }
    if input["vulnerable_people"].as_bool() == Some(true) {
        scope.push(pair("subject_categories", "vulnerable".into()));
    } else {
        scope.push(pair("subject_categories", "customers".into()));
        answers.push(pair("vulnerable_people", "no".into()));
    }
    let subjects = &input["data_subjects"];
    scope.push(pair("subjects", s(&subjects["kind"])));
    if let Some(n) = subjects["value"].as_u64() {
        scope.push(pair("subjects_value", n.to_string()));
    }
    scope.push(pair("records", "unknown".into()));
    scope.push(pair(
        "cause",
        if input["malicious"].as_bool() == Some(true) {
            "external_malicious".into()
        } else {
            "internal_non_malicious".into()
        },
    ));
    let yes_no = |v: &serde_json::Value| {
        if v.as_bool() == Some(true) {
            "yes"
        } else {
            "no"
        }
    };
    for k in [
        "subsequent_measures_remove_high_risk",
        "disproportionate_effort",
        "joint_controllers",
        "at_processor",
    ] {
        answers.push(pair(k, yes_no(&input[k]).into()));
    }
    for k in [
        "acting_as",
        "identification",
        "sector",
        "credentials_give_access_to",
    ] {
        if input[k].is_string() {
            answers.push(pair(k, s(&input[k])));
        }
    }
    for (i, adj) in input["dpc_adjustments"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let n = i + 1;
        answers.push(pair(&format!("adj{n}_category"), s(&adj["category"])));
        answers.push(pair(&format!("adj{n}_factor"), s(&adj["factor"])));
        answers.push(pair(&format!("adj{n}_steps"), adj["steps"].to_string()));
        answers.push(pair(
            &format!("adj{n}_justification"),
            s(&adj["justification"]),
        ));
    }
    (scope, answers)
}

fn text_of(body: &str, id: &str) -> String {
    let start = format!("id=\"{id}\">");
    body.split(&start)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_default()
        .to_owned()
}

/// Issue 18: the case page gives the published outcome for every worked example
/// (`docs/worked-examples/`, written by the domain crate's tests), entered as a DPO would —
/// the scope form, then the questionnaire — and the same answer as the engine (and so the CLI)
/// gives for the same facts.
#[tokio::test]
async fn every_worked_example_gives_the_published_outcome_on_the_case_page() {
    use breachdesk_core::assessment::{Assessment, AssessmentInput, SubjectCommunication, assess};
    let app = spawn_with(breachdesk_web::Limits {
        intake_per_minute: 0,
        ..breachdesk_web::Limits::default()
    })
    .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/worked-examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 20, "{} examples", files.len());
    for path in files {
        let example: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let id = example["id"].as_str().unwrap().to_owned();
        let input = &example["input"];
        let (scope, answers) = desk_forms(input);
        let case = app.reported_case("uni").await;
        let page_path = format!("/desk/cases/{case}?lang=en");
        let refs: Vec<(&str, &str)> = scope
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let p = b
            .submit(&page_path, &format!("/desk/cases/{case}/scope"), &refs)
            .await;
        assert_eq!(p.status, 303, "{id} scope: {}", p.body);
        let refs: Vec<(&str, &str)> = answers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let p = b
            .submit(
                &page_path,
                &format!("/desk/cases/{case}/assessment/answers"),
                &refs,
            )
            .await;
        assert_eq!(p.status, 303, "{id} answers: {}", p.body);
        let page = b.get(&page_path).await;
        let engine: AssessmentInput = serde_json::from_value(input.clone()).unwrap();
        match assess(&engine).unwrap() {
            Assessment::Assessed {
                decisions,
                severity,
                ..
            } => {
                // The same ENISA score on the page as from the engine (and so the CLI).
                let shown = text_of(&page.body, "severity");
                assert!(
                    shown.ends_with(&format!("({:.2})", severity.score)),
                    "{id}: page says {shown}, engine {}",
                    severity.score
                );
                let authority = text_of(&page.body, "authority");
                let subjects = text_of(&page.body, "subjects");
                let want_authority = if decisions.notify_authority {
                    "notify the authority"
                } else {
                    "no notification to the authority"
                };
                assert_eq!(authority, want_authority, "{id}: desk and engine differ");
                let want_subjects = match decisions.communicate_to_subjects {
                    SubjectCommunication::Individual => "tell each person",
                    SubjectCommunication::Public => "public communication instead",
                    SubjectCommunication::NotRequired => "no communication to the people required",
                };
                assert_eq!(subjects, want_subjects, "{id}: desk and engine differ");
                if let Some(a) = example["published"]["notify_authority"].as_bool() {
                    assert_eq!(decisions.notify_authority, a, "{id}: published authority");
                }
                if let Some(p) = example["published"]["communicate_to_subjects"].as_bool() {
                    assert_eq!(
                        decisions.communicate_to_subjects != SubjectCommunication::NotRequired,
                        p,
                        "{id}: published people"
                    );
                }
            }
            Assessment::NotifyController { .. } => {
                assert!(
                    text_of(&page.body, "authority").starts_with("we are a processor"),
                    "{id}: {}",
                    page.body
                );
            }
            other @ Assessment::NeedsMoreInformation { .. } => panic!("{id}: {other:?}"),
        }
    }
}

/// The case page leads with what happened and says the reports' values in words: the
/// reporter's data under the desk's own labels, a processor's phase by name, yes and no for
/// flags, times in the display zone — in each language.
#[tokio::test]
async fn the_case_page_leads_with_the_reports_in_words() {
    let app = spawn().await;
    let r = app
        .post_report("uni", &crate::helpers::processor("initial"))
        .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    let case = v["case_id"].as_str().unwrap();
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let mut b = app.signed_in(&dpo).await;
    for (lang, phase, yes, confirmed) in [
        ("en", "Initial", "yes", "Breach confirmed by the processor"),
        (
            "fi",
            "Alustava",
            "kyllä",
            "Käsittelijä vahvistaa loukkauksen",
        ),
        ("sv", "Inledande", "ja", "Biträdet bekräftar incidenten"),
    ] {
        let page = b.get(&format!("/desk/cases/{case}?lang={lang}")).await;
        assert_eq!(page.status, 200);
        let body = &page.body;
        let what = body.find("id=\"case-what\"").unwrap();
        let facts = body.find("id=\"case-facts\"").unwrap();
        let work = body.find("id=\"case-work\"").unwrap();
        assert!(what < facts && facts < work, "what happened first");
        let reports = body.find("id=\"reports\"").unwrap();
        assert!(what < reports && reports < facts, "the reports lead");
        assert!(
            body.contains(&format!("<dd>{phase}</dd>")),
            "{lang}: {body}"
        );
        assert!(
            body.contains(&format!("<dt>{confirmed}</dt><dd>{yes}</dd>")),
            "{lang}"
        );
        assert!(!body.contains("<dd>true</dd>"), "{lang}");
        assert!(!body.contains("<dd>initial</dd>"), "{lang}");
        // 2026-11-21T08:00:00+02:00 in the display zone, not as RFC 3339.
        assert!(
            body.contains("<dd>2026-11-21 08:00 EET</dd>"),
            "{lang}: {body}"
        );
        assert!(!body.contains("2026-11-21T08:00:00+02:00"), "{lang}");
    }
    let page = b.get(&format!("/desk/cases/{case}?lang=en")).await;
    assert!(!page.body.contains("Your name"));
}

/// An organisation manages its own people: an administrator renames an account and removes
/// one (every role ends, the account signs in nowhere and leaves the page, its history keeps
/// its name); the last DPO cannot be removed; an administrator cannot remove a DPO, themself
/// or another organisation's people.
#[tokio::test]
async fn an_administrator_renames_and_removes_accounts_within_the_rules() {
    let app = spawn_with(breachdesk_web::Limits {
        intake_per_minute: 0,
        sign_in_per_minute: 0,
        ..breachdesk_web::Limits::default()
    })
    .await;
    let admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let second_admin = app
        .account(&[(&app.uni, Role::Admin)], "admin2@uni.example")
        .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let leaver = app
        .account(
            &[
                (&app.uni, Role::SecurityTeam),
                (&app.uni, Role::Communications),
            ],
            "leaver@uni.example",
        )
        .await;
    let museum_team = app
        .account(&[(&app.museum, Role::SecurityTeam)], "team@museum.example")
        .await;
    let case = app.reported_case("uni").await;
    let mut leaver_b = app.signed_in(&leaver).await;
    assert_eq!(
        leaver_b
            .get(&format!("/desk/cases/{case}?lang=en"))
            .await
            .status,
        200
    );

    let mut b = app.signed_in(&admin).await;
    let page = b.get("/admin?lang=en").await;
    let leaver_id = leaver.id.to_string();
    assert!(
        page.body
            .contains(&format!("/admin/accounts/{leaver_id}/remove"))
    );
    assert!(
        page.body
            .contains(&format!("/admin/accounts/{leaver_id}/name"))
    );
    assert!(
        !page
            .body
            .contains(&format!("/admin/accounts/{}/remove", admin.id)),
        "no button to remove oneself"
    );

    // Rename: checked, audited, shown.
    let p = b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{leaver_id}/name?lang=en"),
            &[("display_name", "Leena Lähtijä")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(b.get("/admin?lang=en").await.body.contains("Leena Lähtijä"));
    let p = b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{leaver_id}/name?lang=en"),
            &[("display_name", "  ")],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/admin?lang=en&refused=name"));
    let shown = b.get(p.location.as_deref().unwrap()).await;
    assert!(
        shown
            .body
            .contains("a name is one line of 1 to 100 characters")
    );
    assert!(shown.body.contains("Leena Lähtijä"), "nothing changed");

    // Who may not: the administrator removes no DPO (a DPO's account is the DPOs' to act on),
    // not themself, not another organisation's people; the DPO, no administrator, removes
    // nobody from the administration page.
    let csrf = b.get("/admin?lang=en").await.hidden("csrf_token");
    for (user, expected) in [(dpo.id, 403), (admin.id, 403), (museum_team.id, 403)] {
        let r = b
            .post(
                &format!("/admin/accounts/{user}/remove?lang=en"),
                &[("csrf_token", csrf.as_str())],
            )
            .await;
        assert_eq!(r.status, expected, "{user}");
    }
    let mut dpo_b = app.signed_in(&dpo).await;
    let dpo_csrf = dpo_b.get("/desk").await.hidden("csrf_token");
    let r = dpo_b
        .post(
            &format!("/admin/accounts/{leaver_id}/remove?lang=en"),
            &[("csrf_token", dpo_csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = b
        .post(&format!("/admin/accounts/{leaver_id}/remove?lang=en"), &[])
        .await;
    assert_eq!(r.status, 403, "no CSRF token");
    assert!(
        app.store
            .members(&[app.uni.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == leaver.id),
        "nothing removed yet"
    );

    // Removal: every role ends, the session ends, the account is on no list.
    let p = b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{leaver_id}/remove?lang=en"),
            &[],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(
        !app.store
            .members(&[app.uni.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == leaver.id)
    );
    assert!(
        !app.store
            .disabled_members(&[app.uni.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == leaver.id)
    );
    assert_ne!(
        leaver_b
            .get(&format!("/desk/cases/{case}?lang=en"))
            .await
            .status,
        200,
        "the removed account's session is over"
    );
    let page = b.get("/admin?lang=en").await;
    assert!(!page.body.contains("leaver@uni.example"));
    let trail = app.store.audit_trail(None).await.unwrap();
    for action in [
        "admin.account_rename",
        "admin.account_remove",
        "admin.role_remove",
    ] {
        assert!(
            trail
                .iter()
                .any(|r| r.action == action && r.actor == Some(admin.id)),
            "{action}"
        );
    }

    // The second administrator goes; the first is then the last and stays, even for the
    // installation's administrator.
    let second_id = second_admin.id.to_string();
    let mut second_b = app.signed_in(&second_admin).await;
    let p = b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{second_id}/remove?lang=en"),
            &[],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/admin?lang=en&done=1"));
    assert_ne!(second_b.get("/admin?lang=en").await.status, 200);
    let root = app.account(&[], "root@it.example").await;
    app.store.set_installation_admin(root.id).await.unwrap();
    let mut root_b = app.signed_in(&root).await;
    let p = root_b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{}/remove?lang=en", admin.id),
            &[],
        )
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some("/admin?lang=en&refused=last&role=admin")
    );
    assert!(
        app.store
            .members(&[app.uni.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == admin.id && m.role == Role::Admin)
    );
}

/// An organisation's name per language: set by its administrator, used by each language's
/// notice and letter; the DPO (no administrator) cannot change it; a blank name is refused.
#[tokio::test]
async fn an_organisations_name_in_each_language_reaches_its_notices() {
    let app = spawn().await;
    let admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let mut a = app.signed_in(&admin).await;
    let names = [
        ("name", "Esimerkin yliopisto"),
        ("name_sv", "Exempels universitet"),
        ("name_en", "University of Example"),
    ];
    let mut d = app.signed_in(&dpo).await;
    let csrf = d.get("/desk").await.hidden("csrf_token");
    let mut form = names.to_vec();
    form.push(("csrf_token", csrf.as_str()));
    assert_eq!(
        d.post("/admin/orgs/uni/names?lang=en", &form).await.status,
        403
    );
    let p = a
        .submit(
            "/admin?lang=en",
            "/admin/orgs/uni/names?lang=en",
            &[("name", " "), ("name_sv", "x"), ("name_en", "y")],
        )
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some("/admin?lang=en&refused=org-name")
    );
    let p = a
        .submit("/admin?lang=en", "/admin/orgs/uni/names?lang=en", &names)
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some("/admin?lang=en&done=1"),
        "{}",
        p.body
    );
    let org = app.store.org_by_slug("uni").await.unwrap().unwrap();
    assert_eq!(org.name_sv.as_deref(), Some("Exempels universitet"));
    let p = a
        .submit("/admin?lang=en", "/admin/orgs/nobody/names?lang=en", &names)
        .await;
    assert_eq!(p.status, 404);

    // The public notice's draft names the organisation in each version's language.
    let case = crate::notices::assessed_case(&app, &mut d).await;
    crate::notices::record_facts(&mut d, case).await;
    let page = d
        .get(&format!(
            "/desk/cases/{case}/notices/public?fresh=true&lang=en"
        ))
        .await;
    for (lang, name) in [
        ("fi", "Esimerkin yliopisto"),
        ("sv", "Exempels universitet"),
        ("en", "University of Example"),
    ] {
        let id = format!("id=\"{lang}_headline\" name=\"{lang}_headline\" rows=\"3\">");
        let at = page.body.find(&id).unwrap() + id.len();
        assert!(
            page.body[at..].starts_with(&format!("{name}:")),
            "{lang}: {}",
            &page.body[at..at + 80]
        );
    }
}

/// Without outgoing mail, an invitation's one-time setup link is shown to the inviting DPO,
/// once; the administrator cannot invite anyone to a case it may not read.
#[tokio::test]
async fn an_invitation_that_cannot_be_mailed_shows_its_link_once() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let case = app.reported_case("uni").await;
    let case_path = format!("/desk/cases/{case}?lang=fi");
    let invite = format!("/desk/cases/{case}/invite?lang=fi");
    let mut b = app.signed_in(&dpo).await;
    let p = b
        .submit(
            &case_path,
            &invite,
            &[("invite_email", "partner@joint.example")],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    assert!(
        p.body
            .contains("Kutsua ei voitu lähettää osoitteeseen partner@joint.example")
    );
    let link = &p.body[p.body.find("<code id=\"invite-link\">").unwrap()..];
    assert!(link.contains("/setup/"), "{link}");
    let again = b.get(&case_path).await;
    assert!(!again.body.contains("invite-link"), "shown once");
    // Invited again before setting up (the link lost): a fresh link, the first one void.
    let first_link = link[23..link.find("</code>").unwrap()].to_owned();
    let p = b
        .submit(
            &case_path,
            &invite,
            &[("invite_email", "partner@joint.example")],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    let second = &p.body[p.body.find("<code id=\"invite-link\">").unwrap() + 23..];
    let second_link = second[..second.find("</code>").unwrap()].to_owned();
    assert!(second_link.contains("/setup/") && second_link != first_link);
    let mut a = app.signed_in(&admin).await;
    let csrf = a.get("/admin?lang=en").await.hidden("csrf_token");
    let r = a
        .post(
            &invite,
            &[
                ("csrf_token", csrf.as_str()),
                ("invite_email", "x@joint.example"),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(
        app.store
            .user_auth_by_email("x@joint.example")
            .await
            .unwrap()
            .is_none()
    );
}

/// Removing an account touches every organisation it has roles in: a DPO of one organisation
/// cannot take away its roles in another; an account already disabled is removed whole.
#[tokio::test]
async fn removing_an_account_needs_every_organisation_and_finishes_a_disabled_one() {
    let app = spawn_with(breachdesk_web::Limits {
        intake_per_minute: 0,
        sign_in_per_minute: 0,
        ..breachdesk_web::Limits::default()
    })
    .await;
    let actor = app
        .account(
            &[(&app.uni, Role::Dpo), (&app.uni, Role::Admin)],
            "dpo-admin@uni.example",
        )
        .await;
    let other_dpo = app
        .account(
            &[(&app.uni, Role::Dpo), (&app.museum, Role::SecurityTeam)],
            "both@uni.example",
        )
        .await;
    let leaver = app
        .account(&[(&app.uni, Role::SecurityTeam)], "leaver@uni.example")
        .await;
    let mut b = app.signed_in(&actor).await;
    let csrf = b.get("/admin?lang=en").await.hidden("csrf_token");
    let r = b
        .post(
            &format!("/admin/accounts/{}/remove?lang=en", other_dpo.id),
            &[("csrf_token", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, 403, "the museum's role is not this DPO's to take");
    assert!(
        app.store
            .members(&[app.museum.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == other_dpo.id),
        "the museum role stays"
    );
    let r = b
        .post(
            &format!("/admin/accounts/{}/name?lang=en", other_dpo.id),
            &[("csrf_token", csrf.as_str()), ("display_name", "Renamed")],
        )
        .await;
    assert_eq!(r.status, 403, "nor to rename");

    // Disabled first, removed later: its roles go, it leaves the disabled list.
    let leaver_id = leaver.id.to_string();
    let p = b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{leaver_id}/disable?lang=en"),
            &[],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/admin?lang=en&done=1"));
    assert!(
        app.store
            .disabled_members(&[app.uni.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == leaver.id)
    );
    let p = b
        .submit(
            "/admin?lang=en",
            &format!("/admin/accounts/{leaver_id}/remove?lang=en"),
            &[],
        )
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some("/admin?lang=en&done=1"),
        "{}",
        p.body
    );
    assert!(
        !app.store
            .disabled_members(&[app.uni.id])
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == leaver.id),
        "removed whole"
    );
}

/// Search by system: the name is sealed in the reports, so the search opens each case the
/// filters leave and records that read in the case's history; without asking for it, only
/// references are searched and nothing is opened.
#[tokio::test]
async fn a_search_by_system_opens_the_cases_and_says_so_in_their_history() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let sisu = app.reported_case("uni").await;
    let mut other = breach();
    other["system"] = serde_json::json!("Moodle learning platform");
    let r = app.post_report("uni", &other).await;
    let moodle: Uuid = r.json::<serde_json::Value>().await.unwrap()["case_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let reads = |trail: &[breachdesk_core::audit::AuditRecord], case: Uuid| {
        trail
            .iter()
            .filter(|r| r.action == "case.read" && r.case_id == Some(case) && r.detail == "search")
            .count()
    };
    let mut b = app.signed_in(&dpo).await;
    let page = b.get("/desk?lang=en&q=sisu").await;
    assert!(
        page.body.contains("No cases"),
        "references only: {}",
        page.body
    );
    let trail = app.store.audit_trail(None).await.unwrap();
    assert_eq!(reads(&trail, sisu), 0, "nothing opened");

    let page = b.get("/desk?lang=en&q=sisu&systems=on").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!("/desk/cases/{sisu}?")),
        "{}",
        page.body
    );
    assert!(!page.body.contains(&format!("/desk/cases/{moodle}?")));
    assert!(
        page.body.contains("Searched the systems of 2 cases"),
        "{}",
        page.body
    );
    let trail = app.store.audit_trail(None).await.unwrap();
    assert_eq!(reads(&trail, sisu), 1);
    assert_eq!(
        reads(&trail, moodle),
        1,
        "every case searched is a case read"
    );
    let page = b.get("/desk?lang=fi&q=MOODLE&systems=on").await;
    assert!(page.body.contains(&format!("/desk/cases/{moodle}?")));
}

/// The new actions of issue 23 and who may not take them: the auditor reads a case but records
/// no notice facts and invites no one; a shared external handler (a joint controller's, named on
/// the case) adds to the record but neither invites anyone nor approves a notice.
#[tokio::test]
async fn the_auditor_and_a_shared_external_handler_may_not_invite_or_approve() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let auditor = app
        .account(&[(&app.uni, Role::Auditor)], "auditor@uni.example")
        .await;
    let partner = app
        .account(
            &[(&app.museum, Role::SecurityTeam)],
            "partner@museum.example",
        )
        .await;
    let mut d = app.signed_in(&dpo).await;
    let case = crate::notices::assessed_case(&app, &mut d).await;
    let p = d
        .submit(
            &format!("/desk/cases/{case}?lang=en"),
            &format!("/desk/cases/{case}/share?lang=en"),
            &[("email", "partner@museum.example")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    crate::notices::record_facts(&mut d, case).await;
    let page = d
        .get(&format!(
            "/desk/cases/{case}/notices/public?fresh=true&lang=en"
        ))
        .await;
    let draft: Vec<(String, String)> = breachdesk_notify::public::PARTS
        .iter()
        .flat_map(|p| ["fi", "sv", "en"].map(|l| (format!("{l}_{p}"), String::new())))
        .collect();
    assert!(page.body.contains("fi_headline"));
    let p = d
        .submit(
            &format!("/desk/cases/{case}/notices/public?lang=en"),
            &format!("/desk/cases/{case}/notices/public?lang=en"),
            &draft
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(p.status, 303, "a version to approve");

    for (who, account) in [("auditor", &auditor), ("shared", &partner)] {
        let mut b = app.signed_in(account).await;
        assert_eq!(
            b.get(&format!("/desk/cases/{case}?lang=en")).await.status,
            200,
            "{who} reads the case"
        );
        let csrf = b.get("/desk").await.hidden("csrf_token");
        let invite = b
            .post(
                &format!("/desk/cases/{case}/invite?lang=en"),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("invite_email", "x@joint.example"),
                ],
            )
            .await;
        assert_eq!(invite.status, 403, "{who} invites no one");
        let approve = b
            .post(
                &format!("/desk/cases/{case}/notices/public/1/approve?lang=en"),
                &[("csrf_token", csrf.as_str())],
            )
            .await;
        assert_eq!(approve.status, 403, "{who} approves nothing");
    }
    let mut a = app.signed_in(&auditor).await;
    let csrf = a.get("/desk").await.hidden("csrf_token");
    let facts = a
        .post(
            &format!("/desk/cases/{case}/notices/facts?lang=en"),
            &[
                ("csrf_token", csrf.as_str()),
                ("progress", "ongoing"),
                ("must_act", "no"),
                ("reach", "all"),
            ],
        )
        .await;
    assert_eq!(facts.status, 403, "the auditor records no facts");
    assert!(
        app.store
            .user_auth_by_email("x@joint.example")
            .await
            .unwrap()
            .is_none(),
        "no account was made"
    );
}
