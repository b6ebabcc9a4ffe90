use std::sync::Arc;

use breachdesk_core::clock::ManualClock;
use breachdesk_core::org::{NewOrganisation, OrgSlug, Organisation};
use breachdesk_core::ports::{EnsuredUser, NewUser, Store, UserRole};
use breachdesk_core::user::Role;
use breachdesk_crypto::{Argon2Hasher, HashCost, MasterKey, MasterKeyring, token_digest};
use breachdesk_web::{AppState, Limits};
use jiff::Timestamp;
use serde_json::{Value, json};
use uuid::Uuid;

pub const NOW: &str = "2026-11-22T12:00:00Z";

pub struct TestApp {
    /// The server; first to go when the test app is dropped.
    _served: breachdesk_testkit::server::Served,
    pub base: String,
    pub http: reqwest::Client,
    pub store: Arc<dyn Store>,
    /// The test's own database (`SQLite`, or `PostgreSQL` with `BREACHDESK_TEST_BACKEND=postgres`).
    pub db: breachdesk_testkit::TestDb,
    pub uni: Organisation,
    pub museum: Organisation,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    /// The same master key and key vault as the server's, to seal what tests put in the store
    /// directly.
    pub keyring: MasterKeyring,
    /// Holds the key vault (`keys` in it), where the server destroys keys.
    pub vault: tempfile::TempDir,
}

pub async fn spawn() -> TestApp {
    spawn_with(Limits {
        intake_per_minute: 0,
        follow_up_per_minute: 0,
        sign_in_per_minute: 0,
        ..Limits::default()
    })
    .await
}

pub async fn spawn_with(limits: Limits) -> TestApp {
    spawn_full(limits, None).await
}

pub async fn spawn_full(limits: Limits, mail: Option<breachdesk_web::MailSettings>) -> TestApp {
    let db = breachdesk_testkit::TestDb::fresh(breachdesk_testkit::Backend::from_env())
        .await
        .expect("PostgreSQL skipped: run the web suite on SQLite instead");
    let store = db.store.clone();
    let clock = Arc::new(ManualClock::new(NOW.parse().unwrap()));
    let uni = org(&*store, "uni", "University of Example").await;
    let museum = org(&*store, "museum", "City Museum").await;
    let master = MasterKey::generate();
    let vault = tempfile::tempdir().unwrap();
    let open_vault = || breachdesk_crypto::KeyVault::open(&vault.path().join("keys")).unwrap();
    let state = AppState::new(
        store.clone(),
        MasterKeyring::with_vault(&master, open_vault()),
        Argon2Hasher::new(HashCost::Test),
        clock.clone(),
        limits,
    );
    let state = match mail {
        Some(m) => state.with_mail(m),
        None => state,
    };
    let served = breachdesk_testkit::server::serve(state.clone()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base: served.base.clone(),
        http,
        store,
        db,
        uni,
        museum,
        state,
        clock,
        keyring: MasterKeyring::with_vault(&master, open_vault()),
        vault,
        _served: served,
    }
}

async fn org(store: &dyn Store, slug: &str, name: &str) -> Organisation {
    let new = NewOrganisation {
        slug: OrgSlug::try_from(slug).unwrap(),
        name: name.into(),
        name_sv: None,
        name_en: None,
        dpo_name: Some("Data Protection Officer".into()),
        dpo_email: Some(format!("dpo@{slug}.example")),
        dpo_phone: None,
    };
    let prefix = new.slug.default_ref_prefix();
    store
        .create_org(&new, Uuid::now_v7(), &prefix, Timestamp::UNIX_EPOCH)
        .await
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A user with `role` in `org` and a bearer token for them.
    pub async fn token(&self, org: &Organisation, email: &str, role: Role) -> String {
        let EnsuredUser { id, .. } = self
            .store
            .ensure_user(&NewUser {
                id: Uuid::now_v7(),
                email: email.into(),
                password_hash: "x".into(),
                created_at: Timestamp::UNIX_EPOCH,
            })
            .await
            .unwrap();
        self.store
            .add_membership(
                &UserRole {
                    user_id: id,
                    org_id: org.id,
                    role,
                },
                Timestamp::UNIX_EPOCH,
            )
            .await
            .unwrap();
        let token = format!("bd_test_{}", Uuid::new_v4().simple());
        self.store
            .create_token(
                Uuid::now_v7(),
                id,
                &token_digest(&token),
                Timestamp::UNIX_EPOCH,
            )
            .await
            .unwrap();
        token
    }

    /// A bearer token for an existing account.
    pub async fn token_for(&self, user_id: Uuid) -> String {
        let token = format!("bd_test_{}", Uuid::new_v4().simple());
        self.store
            .create_token(
                Uuid::now_v7(),
                user_id,
                &token_digest(&token),
                Timestamp::UNIX_EPOCH,
            )
            .await
            .unwrap();
        token
    }

    pub async fn post_report(&self, slug: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/api/v1/orgs/{slug}/reports")))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str, token: &str) -> (u16, Value) {
        let r = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn case_count(&self) -> usize {
        self.store
            .list_cases(
                &[self.uni.id, self.museum.id],
                None,
                breachdesk_core::ports::Page {
                    limit: 1000,
                    offset: 0,
                },
            )
            .await
            .unwrap()
            .len()
    }
}

pub fn breach() -> Value {
    json!({
        "kind": "breach",
        "how_noticed": "A student told me at the service desk",
        "noticed_at": "2026-11-22T09:15:00+02:00",
        "what_happened": "The exam grade list of course ABC-123 was e-mailed to the whole faculty list",
        "system": "Sisu student register",
        "reporter_name": "Maija Meikäläinen",
        "reporter_phone": "+358 40 123 4567",
        "reporter_email": "maija.meikalainen@uni.example",
        "language": "en"
    })
}

pub fn processor(phase: &str) -> Value {
    json!({
        "kind": "processor",
        "processor_name": "Hosting Oy",
        "processor_contact_name": "Pekka Palvelin",
        "processor_email": "security@hosting.example",
        "breach_confirmed": true,
        "noticed_at": "2026-11-21T08:00:00+02:00",
        "phase": phase,
        "nature": "A backup bucket was publicly readable for two days",
        "data_subject_categories": "students, staff",
        "approx_data_subjects": 1200,
        "personal_data_categories": "names, student numbers, grades",
        "approx_records": 56000,
        "contact_point": "security@hosting.example, +358 9 123 456"
    })
}

pub fn anonymous() -> Value {
    json!({
        "kind": "anonymous",
        "how_noticed": "I found printed customer lists in the recycling bin",
        "noticed_at": "2026-11-20T16:00:00Z",
        "what_happened": "Printed museum card customer lists were thrown away unshredded",
        "system": "Museum card register"
    })
}
