//! Intake benchmark (issue #2): encrypted reports over HTTP into SQLite, every accepted report
//! durable, receipt codes hashed with Argon2id at OWASP parameters. Not a test.
//!
//! `cargo bench -p breachdesk --bench intake` — environment: `BENCH_CLIENTS` (32),
//! `BENCH_REPORTS` (1200), `BENCH_DIR` (a directory on the disk to measure; default: a temp dir).
//!
//! Prints, in this order: the cost of each part of an intake measured alone (Argon2id hash, AEAD
//! sealing, durable commit through the store, raw fsync rate of the disk), then the end-to-end
//! figures at N concurrent HTTP clients (throughput, latency percentiles).

// A measuring program: it prints, panics on surprises and rounds figures.
#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::many_single_char_names,
    clippy::doc_markdown
)]

mod common;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use breachdesk_core::clock::{Clock, SystemClock};
use breachdesk_core::input::JsonInput;
use breachdesk_core::intake::{IssuedReceipt, seal_intake};
use breachdesk_core::ports::{Keyring, SecretHasher};
use breachdesk_core::report::validate_report;
use breachdesk_crypto::{Argon2Hasher, CaseCipher, HashCost, MasterKey, MasterKeyring};
use breachdesk_web::{AppState, Limits};
use common::{Burst, env, ms, new_org, pct, post_reports, report, serve, stored_reports};
use uuid::Uuid;

fn main() {
    let clients = env("BENCH_CLIENTS", 32);
    let total = env("BENCH_REPORTS", 1200);
    let tmp = tempfile::tempdir_in(
        std::env::var("BENCH_DIR").unwrap_or_else(|_| std::env::temp_dir().display().to_string()),
    )
    .unwrap();
    println!("# BreachDesk intake benchmark");
    println!(
        "cores: {}, data dir: {}",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        tmp.path().display()
    );

    // 1. Argon2id alone.
    let hasher = Argon2Hasher::new(HashCost::Owasp);
    let n = 40;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(hasher.hash("1234567890123456"));
    }
    let argon_one = t.elapsed() / n;
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..n {
                    std::hint::black_box(hasher.hash("1234567890123456"));
                }
            });
        }
    });
    let argon_rate = f64::from(2 * n) / t.elapsed().as_secs_f64();
    println!(
        "argon2id (m=19456 KiB, t=2, p=1): {:.1} ms per hash on one core; {argon_rate:.0} hashes/s on 2 threads",
        ms(argon_one)
    );

    // 2. Sealing alone (case key, wrap, body + contact AEAD), without the hash.
    let keyring = MasterKeyring::new(&MasterKey::generate());
    let body = serde_json::to_vec(&report(0)).unwrap();
    let n = 20_000u32;
    let t = Instant::now();
    for _ in 0..n {
        let id = Uuid::now_v7();
        let (key, wrapped) = keyring.new_case_key(id).unwrap();
        let aad = breachdesk_core::ports::Aad {
            table: "reports",
            column: "body",
            row: id,
        };
        std::hint::black_box((key.seal(&aad, &body), key.seal(&aad, b"contact"), wrapped));
    }
    println!(
        "sealing (new case key + wrap + 2 AEAD seals of a {}-byte report): {:.1} µs",
        body.len(),
        t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // 3. Durable commits through the store (pre-sealed intakes, one writer, synchronous=FULL).
    let commit_dir = tempfile::tempdir_in(tmp.path()).unwrap();
    let (commit_rate, commit_mean) = rt.block_on(async {
        let store = breachdesk_store::connect(None, commit_dir.path())
            .await
            .unwrap();
        let org = new_org(&*store).await;
        let fast = Argon2Hasher::new(HashCost::Test);
        let now = SystemClock.now();
        let sealed: Vec<_> = (0..500)
            .map(|i| {
                let v = report(i);
                let valid = validate_report(&JsonInput(v.as_object().unwrap()), now).unwrap();
                seal_intake(&keyring, org, &valid, IssuedReceipt::new(&fast), now).unwrap()
            })
            .collect();
        let t = Instant::now();
        for s in &sealed {
            store.insert_intake(&s.case, &s.report, 2026).await.unwrap();
        }
        let e = t.elapsed();
        (
            sealed.len() as f64 / e.as_secs_f64(),
            e / sealed.len() as u32,
        )
    });
    println!(
        "durable intake commits through the store (sequential): {commit_rate:.0} commits/s, {:.2} ms each",
        ms(commit_mean)
    );

    // 4. The disk's raw durable write rate: append 4 KiB + fdatasync, as a WAL commit does.
    let path = tmp.path().join("fsync-probe");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap();
    let block = [0u8; 4096];
    let n = 500u32;
    let t = Instant::now();
    for _ in 0..n {
        f.write_all(&block).unwrap();
        f.sync_data().unwrap();
    }
    let fsync_rate = f64::from(n) / t.elapsed().as_secs_f64();
    println!("disk: {fsync_rate:.0} durable 4 KiB appends/s (write + fdatasync)");

    // 5. End to end over HTTP: sustained (every code hashed on arrival), then a burst that the
    // receipt pool, filled while the server was idle, absorbs.
    let argon_per_hash = argon_one;
    http_phase(
        &rt,
        tmp.path(),
        clients,
        total,
        0,
        Duration::ZERO,
        "sustained, receipt pool off",
    );
    let warmup = argon_per_hash * u32::try_from(total).unwrap() * 3 / 2;
    http_phase(
        &rt,
        tmp.path(),
        clients,
        total,
        total,
        warmup,
        "burst into a full receipt pool",
    );
}

/// Serves on a fresh data dir and sends `total` reports from `clients` concurrent clients.
#[allow(clippy::too_many_arguments)]
fn http_phase(
    rt: &tokio::runtime::Runtime,
    dir: &std::path::Path,
    clients: usize,
    total: usize,
    pool: usize,
    warmup: Duration,
    label: &str,
) {
    let serve_dir = tempfile::tempdir_in(dir).unwrap();
    let store = rt
        .block_on(breachdesk_store::connect(None, serve_dir.path()))
        .unwrap();
    rt.block_on(new_org(&*store));
    let state = AppState::new(
        store.clone(),
        MasterKeyring::new(&MasterKey::generate()),
        Argon2Hasher::new(HashCost::Owasp),
        Arc::new(SystemClock),
        Limits {
            intake_per_minute: 0,
            receipt_pool: pool,
            ..Limits::default()
        },
    );
    let served = serve(rt, state);
    // Let the pool fill as it would while the server waits for reports.
    std::thread::sleep(warmup);
    let Burst { elapsed, latencies } =
        post_reports(std::slice::from_ref(&served.base), clients, total);
    let stored = stored_reports(rt, &*store);
    assert_eq!(stored, total, "every accepted report is stored");
    drop(served);
    println!(
        "HTTP intake ({label}), {clients} clients, {total} reports: {:.0} reports/s; latency p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        total as f64 / elapsed.as_secs_f64(),
        ms(pct(&latencies, 0.50)),
        ms(pct(&latencies, 0.95)),
        ms(pct(&latencies, 0.99)),
        ms(*latencies.last().unwrap()),
    );
}
