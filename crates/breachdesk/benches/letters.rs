//! Letters benchmark (issue #5): render and queue personalised letters into the durable outbox,
//! then deliver to two local SMTP servers — aiosmtpd (Python, the server of the tests) and a
//! minimal Rust receiver that stores nothing — each beside that server's own receiving rate,
//! measured the same way (the same connections sending prepared messages, no database). Both
//! servers advertise PIPELINING. Not a test.
//!
//! `cargo bench -p breachdesk --bench letters` — environment: `BENCH_LETTERS` (1000000),
//! `BENCH_DELIVER` (20000), `BENCH_CONNECTIONS` (4), `BENCH_DIR` (default: a temp dir),
//! `PYTHON` (python3 with aiosmtpd).

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::similar_names,
    clippy::disallowed_methods,
    clippy::doc_markdown
)]

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Instant;

use breachdesk_app::letters::DeliveryOptions;
use breachdesk_core::org::{NewOrganisation, OrgSlug};
use breachdesk_crypto::{MasterKey, MasterKeyring};
use breachdesk_notify::i18n::Overrides;
use breachdesk_notify::letter::{self, LetterFacts};
use breachdesk_notify::{Courier, SmtpConfig, SmtpSecurity};
use common::{app, approved_case, env, recipients, rust_sink};
use uuid::Uuid;

const SINK: &str = r#"
import asyncio, sys
from aiosmtpd.smtp import SMTP
class Sink:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return responses[:1] + ["250-PIPELINING"] + responses[1:]
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
loop = asyncio.new_event_loop()
loop.run_until_complete(loop.create_server(lambda: SMTP(Sink()), "127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
loop.run_forever()
"#;

struct Sink(Child);

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sink(port: u16) -> Sink {
    let mut child = Command::new(std::env::var("PYTHON").unwrap_or("python3".into()))
        .args(["-c", SINK, &port.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with aiosmtpd");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "ready");
    Sink(child)
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// Prepared messages over `connections` connections of `courier`: the server's own rate.
async fn own_rate(courier: &Courier, total: usize, connections: usize) -> f64 {
    let sample = letter::render(
        &letter::draft(&LetterFacts::default(), &Overrides::default()),
        &recipients(1, 0).recipients[0],
    );
    let from = courier.from().clone();
    let bytes = letter::email(
        &sample,
        &from,
        "person0@example.org",
        "<x@museum.example>",
        std::time::SystemTime::now(),
    )
    .unwrap();
    let per = total / connections;
    let t = Instant::now();
    let runs = (0..connections).map(|_| async {
        let mut c = courier.connect().await.unwrap();
        assert!(c.pipelining());
        for i in 0..per {
            c.send(&from, &format!("p{i}@example.org"), &bytes)
                .await
                .unwrap();
        }
        c.quit().await;
    });
    futures::future::join_all(runs).await;
    (per * connections) as f64 / t.elapsed().as_secs_f64()
}

fn main() {
    let letters = env("BENCH_LETTERS", 1_000_000);
    let deliver = env("BENCH_DELIVER", 20_000);
    let connections = env("BENCH_CONNECTIONS", 4);
    let tmp = tempfile::tempdir_in(
        std::env::var("BENCH_DIR").unwrap_or_else(|_| std::env::temp_dir().display().to_string()),
    )
    .unwrap();
    println!("# BreachDesk letters benchmark");
    println!(
        "cores: {}, data dir: {}, letters: {letters}, delivered: {deliver}, connections: {connections}",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        tmp.path().display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _sink = sink(port);
    let smtp = SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: SmtpSecurity::None,
        from: "BreachDesk <breachdesk@museum.example>".into(),
        username: None,
        password: None,
        timeout_secs: Some(30),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = breachdesk_store::connect(None, tmp.path()).await.unwrap();
        let master = MasterKey::generate();
        let keyring = MasterKeyring::new(&master);
        let org = store
            .create_org(
                &NewOrganisation {
                    slug: OrgSlug::try_from("museum").unwrap(),
                    name: "Museum Card Ltd".into(),
                    name_sv: None,
                    name_en: None,
                    dpo_name: None,
                    dpo_email: None,
                    dpo_phone: None,
                },
                Uuid::now_v7(),
                "MUS",
                jiff::Timestamp::UNIX_EPOCH,
            )
            .await
            .unwrap()
            .id;
        let big = approved_case(&*store, &keyring, org).await;
        let state = app(&store, &master, Courier::new(&smtp).unwrap());

        // 1. Import (seal + store) in chunks of 100k.
        let t = Instant::now();
        let mut done = 0;
        while done < letters {
            let n = (letters - done).min(100_000);
            state
                .import_recipients(&big, None, &recipients(n, done), false)
                .await
                .unwrap();
            done += n;
        }
        let e = t.elapsed();
        println!(
            "import (seal + store) {letters} recipients: {:.1} s, {:.0} /s",
            e.as_secs_f64(),
            letters as f64 / e.as_secs_f64()
        );
        let rss_before = peak_rss_mib();

        // 2. Render and queue.
        let t = Instant::now();
        let queued = state.queue_letters(&big, None).await.unwrap();
        let e = t.elapsed();
        assert_eq!(queued as usize, letters);
        println!(
            "render + queue {queued} letters: {:.1} s, **{:.0} letters/s**; peak RSS {:.0} MiB (before queueing {:.0} MiB)",
            e.as_secs_f64(),
            queued as f64 / e.as_secs_f64(),
            peak_rss_mib(),
            rss_before
        );
        let db = std::fs::metadata(tmp.path().join("breachdesk.db")).map_or(0, |m| m.len());
        println!("database size: {} MiB", db / (1024 * 1024));

        // 3. Per server: its own receiving rate (the same connections, prepared messages, no
        // database), then delivery from the outbox to it.
        for (name, port) in [("aiosmtpd (Python)", port), ("Rust sink", rust_sink())] {
            let smtp = SmtpConfig {
                port: Some(port),
                ..smtp.clone()
            };
            let courier = Courier::new(&smtp).unwrap();
            let peer = own_rate(&courier, deliver, connections).await;
            println!(
                "{name}: the server's own receiving rate ({connections} connections, prepared messages, no database): **{peer:.0} messages/s**"
            );
            let case = approved_case(&*store, &keyring, org).await;
            let state = app(&store, &master, courier);
            state
                .import_recipients(&case, None, &recipients(deliver, 0), false)
                .await
                .unwrap();
            state.queue_letters(&case, None).await.unwrap();
            let t = Instant::now();
            let report = state
                .deliver_letters(
                    &case,
                    None,
                    DeliveryOptions {
                        connections,
                        per_second: None,
                        batch: 20,
                        wait_for_lease: true,
                    },
                    &|_| {},
                )
                .await
                .unwrap();
            let e = t.elapsed();
            assert_eq!(report.sent as usize, deliver);
            let rate = deliver as f64 / e.as_secs_f64();
            println!(
                "{name}: deliver {deliver} from the outbox ({connections} connections): {:.1} s, **{rate:.0} messages/s** = {:.0} % of the server's own rate",
                e.as_secs_f64(),
                rate / peer * 100.0
            );
        }
    });
}
