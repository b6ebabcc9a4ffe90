//! What the benchmark programs share: the report they send, figures, a server on a free port,
//! the burst of reports over HTTP and the count of what was stored, the Rust SMTP sink, the
//! approved case and the recipients of the letter benchmarks, the application over a store.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::disallowed_methods,
    reason = "each benchmark uses its own part; measuring programs unwrap and round"
)]

use std::sync::Arc;
use std::time::Duration;

use breachdesk_app::{App, MailSettings};
use breachdesk_core::audit::AuditEvent;
use breachdesk_core::clock::{Clock, SystemClock};
use breachdesk_core::input::JsonInput;
use breachdesk_core::intake::{IssuedReceipt, seal_intake};
use breachdesk_core::investigation::{Entry, seal_entry};
use breachdesk_core::notice::{NoticeKind, digest};
use breachdesk_core::org::{NewOrganisation, OrgSlug};
use breachdesk_core::ports::{CaseChange, CaseRecord, Keyring, Store};
use breachdesk_core::report::{Language, validate_report};
use breachdesk_crypto::{Argon2Hasher, HashCost, MasterKey, MasterKeyring};
use breachdesk_notify::Courier;
use breachdesk_notify::i18n::Overrides;
use breachdesk_notify::letter::{self, LetterFacts, Recipient};
use breachdesk_notify::recipients::Imported;
use serde_json::{Value, json};
use uuid::Uuid;

pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn report(i: usize) -> Value {
    json!({
        "kind": "breach",
        "how_noticed": format!("Noticed in the weekly access log review, item {i}"),
        "noticed_at": "2026-11-20T09:15:00+02:00",
        "what_happened": "An export of the course enrolment list was attached to a public forum post and stayed visible for about three hours before it was removed by a moderator. The list held names, student numbers and e-mail addresses of roughly 240 students.",
        "system": "Course enrolment (Sisu), forum",
        "reporter_name": "Maija Meikäläinen",
        "reporter_email": format!("reporter{i}@uni.example"),
        "reporter_phone": "+358 40 123 4567",
    })
}

pub fn pct(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub async fn new_org(store: &dyn Store) -> Uuid {
    let new = NewOrganisation {
        slug: OrgSlug::try_from("uni").unwrap(),
        name: "University".into(),
        name_sv: None,
        name_en: None,
        dpo_name: None,
        dpo_email: None,
        dpo_phone: None,
    };
    store
        .create_org(&new, Uuid::now_v7(), "UNI", jiff::Timestamp::UNIX_EPOCH)
        .await
        .unwrap()
        .id
}

/// A minimal SMTP receiver on its own thread and single-threaded runtime (as a separate
/// one-core server would be): EHLO with PIPELINING and 8BITMIME, 250 to the envelope, 354 to
/// DATA, the message read up to the lone dot and dropped. Replies are flushed once the client's
/// pipelined commands in the buffer are answered. It shows the outbox's own ceiling where
/// aiosmtpd is the limit.
pub fn rust_sink() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                stream.set_nodelay(true).unwrap();
                tokio::spawn(sink_session(stream));
            }
        });
    });
    port
}

async fn sink_session(stream: tokio::net::TcpStream) -> std::io::Result<()> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let (read, mut write) = stream.into_split();
    let mut read = tokio::io::BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut line = Vec::new();
    let mut out = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let verb = line
            .get(..4)
            .map(<[u8]>::to_ascii_uppercase)
            .unwrap_or_default();
        match verb.as_slice() {
            b"EHLO" => out.extend_from_slice(b"250-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n"),
            b"DATA" => {
                out.extend_from_slice(b"354 go ahead\r\n");
                write.write_all(&out).await?;
                out.clear();
                loop {
                    line.clear();
                    if read.read_until(b'\n', &mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == b".\r\n" {
                        break;
                    }
                }
                out.extend_from_slice(b"250 OK\r\n");
            }
            b"QUIT" => {
                out.extend_from_slice(b"221 bye\r\n");
                write.write_all(&out).await?;
                return Ok(());
            }
            _ => out.extend_from_slice(b"250 OK\r\n"),
        }
        if read.buffer().is_empty() {
            write.write_all(&out).await?;
            out.clear();
        }
    }
}

pub fn recipients(n: usize, from: usize) -> Imported {
    let langs = [Language::Fi, Language::Sv, Language::En];
    let sets: [&[&str]; 3] = [
        &["email", "phone"],
        &["national_id", "person_name", "postal_address"],
        &["iban", "email", "credential"],
    ];
    Imported {
        recipients: (from..from + n)
            .map(|i| Recipient {
                email: Some(format!("person{i}@example.org")),
                name: Some(format!("Person {i}")),
                language: langs[i % 3],
                elements: sets[i % 3].iter().map(|s| (*s).to_owned()).collect(),
                postal_address: None,
            })
            .collect(),
        unreachable: 0,
    }
}

pub async fn approved_case(store: &dyn Store, keyring: &MasterKeyring, org: Uuid) -> CaseRecord {
    let now = SystemClock.now();
    let v = json!({
        "kind": "breach", "how_noticed": "log review", "noticed_at": "2026-11-20T09:15:00+02:00",
        "what_happened": "A member list was exposed.", "system": "Members",
    });
    let valid = validate_report(&JsonInput(v.as_object().unwrap()), now).unwrap();
    let fast = Argon2Hasher::new(HashCost::Test);
    let s = seal_intake(keyring, org, &valid, IssuedReceipt::new(&fast), now).unwrap();
    store.insert_intake(&s.case, &s.report, 2026).await.unwrap();
    let case = store.case_by_id(s.case.id).await.unwrap().unwrap();
    let key = keyring.unwrap_case_key(case.id, &case.wrapped_key).unwrap();
    let content = serde_json::to_value(letter::draft(
        &LetterFacts {
            loss: breachdesk_notify::public::Loss::Disclosed,
            organisation: "Museum Card Ltd".into(),
            discovered_on: Some(jiff::civil::date(2026, 11, 20)),
            measures: String::new(),
            authority_notified: false,
            dpo_email: Some("dpo@museum.example".into()),
            dpo_phone: None,
            facts: None,
        },
        &Overrides::default(),
    ))
    .unwrap();
    for entry in [
        Entry::NoticeVersion {
            notice: NoticeKind::Subjects,
            version: 1,
            content: content.clone(),
        },
        Entry::NoticeApproved {
            notice: NoticeKind::Subjects,
            version: 1,
            sha256: digest(&content),
        },
    ] {
        store
            .change_case(
                &CaseChange {
                    case_id: case.id,
                    entry: Some(seal_entry(&key, &entry, None)),
                    ..CaseChange::default()
                },
                &AuditEvent {
                    actor: None,
                    org_id: Some(org),
                    case_id: Some(case.id),
                    action: "case.entry",
                    detail: String::new(),
                },
                now,
            )
            .await
            .unwrap();
    }
    case
}

/// The use cases over the benchmark's store, sending (and taking the letters' sender) through
/// `courier`.
pub fn app(store: &Arc<dyn Store>, master: &MasterKey, courier: Courier) -> App {
    App::new(
        store.clone(),
        Arc::new(MasterKeyring::new(master)),
        Arc::new(Argon2Hasher::new(HashCost::Test)),
        Arc::new(SystemClock),
        MailSettings {
            courier: Some(Arc::new(courier)),
            ..MailSettings::default()
        },
    )
}

/// Serves `state` on a free local port (the test kit's in-process server).
pub fn serve(
    rt: &tokio::runtime::Runtime,
    state: breachdesk_web::AppState,
) -> breachdesk_testkit::server::Served {
    rt.block_on(breachdesk_testkit::server::serve(state))
}

/// What a burst of reports took: the whole, and each report's latency (sorted).
pub struct Burst {
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
}

/// Posts `total` reports from `clients` concurrent clients (on a runtime of their own, one
/// thread), spread round-robin over the servers at `bases`; every answer must be `201`.
pub fn post_reports(bases: &[String], clients: usize, total: usize) -> Burst {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (elapsed, mut latencies) = client_rt.block_on(async {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(clients)
            .build()
            .unwrap();
        let urls: Arc<Vec<String>> = Arc::new(
            bases
                .iter()
                .map(|b| format!("{b}/api/v1/orgs/uni/reports"))
                .collect(),
        );
        let next = Arc::new(AtomicUsize::new(0));
        let t = std::time::Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..clients {
            let (http, next, urls) = (http.clone(), next.clone(), urls.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let start = std::time::Instant::now();
                    let r = http
                        .post(&urls[i % urls.len()])
                        .json(&report(i))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 201);
                    r.bytes().await.unwrap();
                    lat.push(start.elapsed());
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }
        (t.elapsed(), all)
    });
    latencies.sort_unstable();
    Burst { elapsed, latencies }
}

/// How many cases the organisation `uni` has: each accepted report made one.
pub fn stored_reports(rt: &tokio::runtime::Runtime, store: &dyn Store) -> usize {
    rt.block_on(async {
        let org = store.org_by_slug("uni").await.unwrap().unwrap();
        store
            .list_cases(
                &[org.id],
                None,
                breachdesk_core::ports::Page {
                    limit: 100_000,
                    offset: 0,
                },
            )
            .await
            .unwrap()
            .len()
    })
}
