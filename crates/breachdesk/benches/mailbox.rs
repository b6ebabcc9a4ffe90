//! Mailbox intake throughput (issue 22): a reporting mailbox of `BENCH_MESSAGES` (10,000)
//! messages on a real Dovecot, read by the built `breachdesk serve` into its register — every
//! message parsed, sealed, stored durably (fsynced, Message-ID recorded), acknowledged over SMTP
//! (to a Rust sink that stores nothing), alerted, then moved — beside Dovecot's own rate for
//! fetching the same messages in one `UID FETCH 1:* BODY.PEEK[]` (the fastest way to read them;
//! no storing), measured in the same run.
//!
//! `cargo bench -p breachdesk --bench mailbox` (`BENCH_MESSAGES`, default 10000). Needs Dovecot
//! (`apt install dovecot-imapd`; `scripts/test` installs it).

#![allow(
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    clippy::print_stdout,
    reason = "a measuring program: unwraps and prints its figures"
)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use breachdesk_testkit::imap::ImapServer;
use common::{env, rust_sink};
use futures::TryStreamExt;

const ACCOUNT: (&str, &str) = ("tietosuoja", "bench-password");

/// A plausible report: 1–3 KB of text in one of the three languages, every tenth with a small
/// PDF attached.
fn message(i: usize) -> Vec<u8> {
    let (subject, text) = match i % 3 {
        0 => (
            "Tietoja lähti väärälle vastaanottajalle",
            "Hei, lähetin vahingossa kurssin arvosanalistan väärälle jakelulistalle. Listalla oli opiskelijoiden nimet, opiskelijanumerot ja arvosanat. Huomasin virheen noin tunnin kuluttua ja pyysin vastaanottajia poistamaan viestin.",
        ),
        1 => (
            "Förlorad bärbar dator",
            "Hej, min bärbara dator med en export av kundregistret försvann på tåget i morse. Disken var inte krypterad. Jag har anmält förlusten till polisen.",
        ),
        _ => (
            "Phishing: credentials entered",
            "Hello, a colleague entered her university credentials on a phishing page this morning. The account has access to the payroll system. We reset the password at 10:40.",
        ),
    };
    let mut body = String::new();
    for _ in 0..=(i % 3) {
        body.push_str(text);
        body.push_str("\r\n\r\n");
    }
    let head = format!(
        "From: Reporter {i} <reporter{i}@uni.example>\r\nTo: tietosuoja@uni.example\r\nSubject: {subject} #{i}\r\nDate: Fri, 04 Dec 2026 09:15:00 +0200\r\nMessage-ID: <bench-{i}@uni.example>\r\nMIME-Version: 1.0\r\n"
    );
    let mut m = head.into_bytes();
    if i.is_multiple_of(10) {
        m.extend_from_slice(
            format!(
                "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}--b\r\nContent-Type: application/pdf; name=\"log.pdf\"\r\nContent-Disposition: attachment; filename=\"log.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCnRyYWlsZXIKPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==\r\n--b--\r\n"
            )
            .as_bytes(),
        );
    } else {
        m.extend_from_slice(
            format!("Content-Type: text/plain; charset=utf-8\r\n\r\n{body}").as_bytes(),
        );
    }
    m
}

fn bin(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_breachdesk"))
        .env_remove("BREACHDESK_MASTER_KEY")
        .env("BREACHDESK_LOG", "warn")
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn session(port: u16) -> async_imap::Session<tokio::net::TcpStream> {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    tcp.set_nodelay(true).unwrap();
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap().unwrap();
    client
        .login(ACCOUNT.0, ACCOUNT.1)
        .await
        .map_err(|(e, _)| e)
        .unwrap()
}

async fn count(path: &Path) -> usize {
    let url = format!("sqlite://{}?mode=ro", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE channel = 'email'")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    usize::try_from(n).unwrap()
}

fn main() {
    let n = env("BENCH_MESSAGES", 10_000);
    println!("# BreachDesk mailbox intake benchmark");
    println!(
        "cores: {}, messages: {n}",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let imap = ImapServer::start(&[ACCOUNT]);
    let messages: Vec<Vec<u8>> = (0..n).map(message).collect();
    let bytes: usize = messages.iter().map(Vec::len).sum();
    let t = Instant::now();
    rt.block_on(imap.append(ACCOUNT.0, ACCOUNT.1, "INBOX", &messages));
    let append = t.elapsed();
    println!(
        "delivered by IMAP APPEND: {n} messages, {:.1} MiB, {:.1} s ({:.0} messages/s)",
        bytes as f64 / 1_048_576.0,
        append.as_secs_f64(),
        n as f64 / append.as_secs_f64()
    );

    // The peer: Dovecot serving all of them to one client in one FETCH (read, not stored).
    let t = Instant::now();
    let fetched = rt.block_on(async {
        let mut s = session(imap.port).await;
        s.select("INBOX").await.unwrap();
        let all: Vec<_> = s
            .uid_fetch("1:*", "(UID BODY.PEEK[])")
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        let got = all.iter().filter(|f| f.body().is_some()).count();
        s.logout().await.unwrap();
        got
    });
    let peer = t.elapsed();
    assert_eq!(fetched, n);
    println!(
        "Dovecot's own rate (UID FETCH 1:* BODY.PEEK[], one client): {:.2} s, {:.0} messages/s",
        peer.as_secs_f64(),
        n as f64 / peer.as_secs_f64()
    );

    // BreachDesk: `serve` reads the mailbox into its register.
    let tmp = tempfile::tempdir_in(
        std::env::var("BENCH_DIR").unwrap_or_else(|_| std::env::temp_dir().display().to_string()),
    )
    .unwrap();
    let dir = tmp.path();
    bin(
        dir,
        &[
            "org",
            "create",
            "--slug",
            "uni",
            "--name",
            "University of Example",
        ],
    );
    bin(
        dir,
        &[
            "user",
            "create",
            "--org",
            "uni",
            "--email",
            "dpo@uni.example",
            "--role",
            "dpo",
        ],
    );
    // BENCH_SMTP=0: no SMTP server, so no acknowledgements and no alerts (intake alone).
    let with_smtp = env("BENCH_SMTP", 1) == 1;
    let smtp = if with_smtp {
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nfrom = \"BreachDesk <breachdesk@uni.example>\"\n",
            rust_sink()
        )
    } else {
        String::new()
    };
    let config = format!(
        "public_url = \"http://breachdesk.test\"\n{smtp}\n[[intake.imap]]\norg = \"uni\"\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nusername = \"{}\"\npassword_file = \"{}\"\npoll_seconds = 5\n",
        imap.port,
        ACCOUNT.0,
        dir.join("imap-password").display()
    );
    std::fs::write(dir.join("imap-password"), ACCOUNT.1).unwrap();
    std::fs::write(dir.join("breachdesk.toml"), config).unwrap();
    let t = Instant::now();
    let mut server = Command::new(env!("CARGO_BIN_EXE_breachdesk"))
        .env_remove("BREACHDESK_MASTER_KEY")
        .env("BREACHDESK_LOG", "warn")
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let db = dir.join("breachdesk.db");
    let stored = rt.block_on(async {
        let mut last = (0, Instant::now());
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let c = count(&db).await;
            if c != last.0 {
                last = (c, Instant::now());
            }
            if c >= n {
                // And moved away: the folder is empty.
                let mut s = session(imap.port).await;
                let left = s.select("INBOX").await.unwrap().exists;
                s.logout().await.unwrap();
                if left == 0 {
                    return c;
                }
            }
            assert!(
                last.1.elapsed() < Duration::from_mins(2),
                "no progress for two minutes at {c}"
            );
        }
    });
    let ours = t.elapsed();
    let _ = server.kill();
    let _ = server.wait();
    println!(
        "breachdesk serve (parse, seal, store fsynced, {}move; from process start): {stored} stored in {:.2} s, {:.0} messages/s",
        if with_smtp {
            "acknowledge and alert by SMTP, "
        } else {
            "no SMTP, "
        },
        ours.as_secs_f64(),
        stored as f64 / ours.as_secs_f64()
    );
    println!(
        "ratio (BreachDesk / Dovecot's fetch rate): {:.3}",
        peer.as_secs_f64() / ours.as_secs_f64()
    );
}
