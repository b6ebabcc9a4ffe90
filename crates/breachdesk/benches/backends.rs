//! Backends benchmark (issue 19): the same work on `SQLite`, on `PostgreSQL` with one server, and
//! on `PostgreSQL` with two servers sharing it, measured in one run on one machine. Not a test.
//!
//! - Intake: encrypted reports over HTTP from 32 concurrent clients into the real
//!   `breachdesk-web` server, every report durable before its 201; with two servers the clients
//!   alternate between them. Afterwards every report is checked to be stored. Receipt codes are
//!   hashed at the test cost, inline: at OWASP cost Argon2 is > 95 % of an intake (see the
//!   intake benchmark) and a receipt pool refilling in the background would take the two cores
//!   from the servers — once per server — so the figures would compare hashing, not storage.
//! - Letters: messages delivered from the durable outbox to the Rust SMTP sink over 4
//!   connections per server; with two servers each delivers one of two cases at the same time.
//!
//! Everything shares the machine's cores: the servers, the clients, the SMTP sink and the
//! `PostgreSQL` server itself.
//!
//! `cargo bench -p breachdesk --bench backends` — environment: `BENCH_REPORTS` (1000),
//! `BENCH_CLIENTS` (32), `BENCH_DELIVER` (20000), `BENCH_DIR` (the `SQLite` disk; default a
//! temp dir), `BREACHDESK_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`;
//! each configuration gets a fresh schema, dropped afterwards).

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::disallowed_methods,
    clippy::doc_markdown
)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use breachdesk_app::letters::DeliveryOptions;
use breachdesk_core::clock::SystemClock;
use breachdesk_core::ports::Store;
use breachdesk_crypto::{Argon2Hasher, HashCost, MasterKey, MasterKeyring};
use breachdesk_notify::{Courier, SmtpConfig, SmtpSecurity};
use breachdesk_web::{AppState, Limits};
use common::{
    Burst, app, approved_case, env, ms, new_org, pct, post_reports, recipients, rust_sink, serve,
    stored_reports,
};

/// One configuration's stores: one per server, all on the same database.
struct Setup {
    name: &'static str,
    stores: Vec<Arc<dyn Store>>,
    schema: Option<breachdesk_testkit::Schema>,
    _dir: Option<tempfile::TempDir>,
}

async fn setup(
    name: &'static str,
    servers: usize,
    postgres: bool,
    base: &std::path::Path,
) -> Setup {
    if postgres {
        let schema = breachdesk_testkit::Schema::create().await.unwrap();
        let mut stores: Vec<Arc<dyn Store>> = Vec::new();
        for _ in 0..servers {
            stores.push(Arc::new(
                breachdesk_store::PgStore::open_with(schema.options())
                    .await
                    .unwrap(),
            ));
        }
        Setup {
            name,
            stores,
            schema: Some(schema),
            _dir: None,
        }
    } else {
        let dir = tempfile::tempdir_in(base).unwrap();
        let store = breachdesk_store::connect(None, dir.path()).await.unwrap();
        Setup {
            name,
            stores: vec![store],
            schema: None,
            _dir: Some(dir),
        }
    }
}

struct Intake {
    rate: f64,
    p50: Duration,
    p99: Duration,
}

/// Serves each store and sends `total` reports from `clients` clients, alternating servers.
fn intake(
    rt: &tokio::runtime::Runtime,
    s: &Setup,
    master: &MasterKey,
    clients: usize,
    total: usize,
) -> Intake {
    rt.block_on(new_org(&*s.stores[0]));
    let served: Vec<_> = s
        .stores
        .iter()
        .map(|store| {
            let state = AppState::new(
                store.clone(),
                MasterKeyring::new(master),
                Argon2Hasher::new(HashCost::Test),
                Arc::new(SystemClock),
                Limits {
                    intake_per_minute: 0,
                    receipt_pool: 0,
                    ..Limits::default()
                },
            );
            serve(rt, state)
        })
        .collect();
    let bases: Vec<String> = served.iter().map(|s| s.base.clone()).collect();
    let Burst { elapsed, latencies } = post_reports(&bases, clients, total);
    let stored = stored_reports(rt, &*s.stores[0]);
    assert_eq!(stored, total, "every accepted report is stored");
    drop(served);
    Intake {
        rate: total as f64 / elapsed.as_secs_f64(),
        p50: pct(&latencies, 0.50),
        p99: pct(&latencies, 0.99),
    }
}

/// Delivers `total` letters to the sink at `port`: one case per server, all at once.
fn letters(
    rt: &tokio::runtime::Runtime,
    s: &Setup,
    master: &MasterKey,
    port: u16,
    total: usize,
) -> f64 {
    let smtp = SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: SmtpSecurity::None,
        from: "BreachDesk <breachdesk@museum.example>".into(),
        username: None,
        password: None,
        timeout_secs: Some(30),
    };
    rt.block_on(async {
        let keyring = MasterKeyring::new(master);
        let org = s.stores[0].org_by_slug("uni").await.unwrap().unwrap().id;
        let per = total / s.stores.len();
        let mut runs = Vec::new();
        for (i, store) in s.stores.iter().enumerate() {
            let case = approved_case(&**store, &keyring, org).await;
            let app = app(store, master, Courier::new(&smtp).unwrap());
            app.import_recipients(&case, None, &recipients(per, i * per), false)
                .await
                .unwrap();
            app.queue_letters(&case, None).await.unwrap();
            runs.push((app, case));
        }
        let t = Instant::now();
        let sent = futures::future::join_all(runs.iter().map(|(app, case)| {
            app.deliver_letters(
                case,
                None,
                DeliveryOptions {
                    connections: 4,
                    per_second: None,
                    batch: 20,
                    wait_for_lease: true,
                },
                &|_| {},
            )
        }))
        .await;
        let e = t.elapsed();
        let sent: u64 = sent.into_iter().map(|r| r.unwrap().sent).sum();
        assert_eq!(sent as usize, per * s.stores.len());
        sent as f64 / e.as_secs_f64()
    })
}

fn main() {
    let total = env("BENCH_REPORTS", 1000);
    let clients = env("BENCH_CLIENTS", 32);
    let deliver = env("BENCH_DELIVER", 20_000);
    let base = tempfile::tempdir_in(
        std::env::var("BENCH_DIR").unwrap_or_else(|_| std::env::temp_dir().display().to_string()),
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!("# BreachDesk backends benchmark");
    println!(
        "cores: {}, reports: {total} from {clients} clients, letters: {deliver}, SQLite dir: {}",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        base.path().display()
    );
    let port = rust_sink();
    println!("| configuration | intake reports/s | p50 | p99 | letters delivered/s |");
    println!("|---|---|---|---|---|");
    for (name, servers, postgres) in [
        ("SQLite, one server", 1, false),
        ("PostgreSQL, one server", 1, true),
        ("PostgreSQL, two servers", 2, true),
    ] {
        let master = MasterKey::generate();
        let s = rt.block_on(setup(name, servers, postgres, base.path()));
        let i = intake(&rt, &s, &master, clients, total);
        let l = letters(&rt, &s, &master, port, deliver);
        println!(
            "| {} | {:.0} | {:.0} ms | {:.0} ms | {l:.0} |",
            s.name,
            i.rate,
            ms(i.p50),
            ms(i.p99)
        );
        if let Some(schema) = s.schema {
            rt.block_on(schema.drop_schema());
        }
    }
}
