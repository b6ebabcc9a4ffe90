//! A real SMTP server for the suites: aiosmtpd (Python; `scripts/test` installs it) on a local
//! port. It records every message it accepts — one line "recipient TAB Message-ID" written
//! before its 250 reply — and keeps messages in a Maildir (all of them, or only those to
//! recipients with a prefix, for runs of 100,000 letters), with aiosmtpd's `X-Peer`,
//! `X-MailFrom` and `X-RcptTo` headers on top. It answers as real servers do for three
//! test domains: `refused.invalid` 550 (an unknown user), `busy.invalid` 451 (try later), and
//! `slow.invalid` after six seconds. It can advertise RFC 2920 PIPELINING (aiosmtpd serves
//! pipelined clients either way; it just does not say so) and take a while over each message
//! (a client killed meanwhile has delivered nothing: aiosmtpd cancels the handler when the
//! connection drops).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const SERVER: &str = r#"
import asyncio, mailbox, sys
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP
port, maildir, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
pipelining, delay, prefix = sys.argv[4] == "1", float(sys.argv[5]), sys.argv[6]
out = open(log, "a", buffering=1)
class Handler(Mailbox):
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return responses[:1] + ["250-PIPELINING"] * pipelining + responses[1:]
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain == "refused.invalid":
            return "550 5.1.1 No such user"
        if domain == "busy.invalid":
            return "451 4.3.0 Try again later"
        if domain == "slow.invalid":
            await asyncio.sleep(6)
        envelope.rcpt_tos.append(address)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        if delay:
            await asyncio.sleep(delay)
        mid = ""
        for line in envelope.content.split(b"\r\n"):
            if line == b"":
                break
            if line.lower().startswith(b"message-id:"):
                mid = line[11:].strip().decode()
        for r in envelope.rcpt_tos:
            out.write(f"{r}\t{mid}\n")
        if any(r.startswith(prefix) for r in envelope.rcpt_tos):
            return await super().handle_DATA(server, session, envelope)
        return "250 OK"
loop = asyncio.new_event_loop()
loop.run_until_complete(loop.create_server(lambda: SMTP(Handler(maildir)), "127.0.0.1", port))
print("ready", flush=True)
loop.run_forever()
"#;

/// A free local TCP port (bound and let go: for a server started right after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// How to start an [`SmtpServer`].
#[derive(Debug, Clone, Default)]
pub struct SmtpOptions {
    /// The port to listen on (a free one when `None`).
    pub port: Option<u16>,
    /// Advertise PIPELINING (RFC 2920).
    pub pipelining: bool,
    /// Seconds taken over each message before it is recorded and accepted.
    pub delay_secs: f64,
    /// Keep only the messages to recipients starting with this (all when `None`).
    pub keep_prefix: Option<String>,
}

/// A running aiosmtpd; stopped when dropped.
#[derive(Debug)]
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    /// A server keeping every message, on a free port, without PIPELINING.
    pub fn start() -> Self {
        Self::with(&SmtpOptions::default())
    }

    pub fn with(options: &SmtpOptions) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(dir.path().join("maildir").join(sub)).unwrap();
        }
        let port = options.port.unwrap_or_else(free_port);
        let mut child = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
            .args(["-c", SERVER, &port.to_string()])
            .arg(dir.path().join("maildir"))
            .arg(dir.path().join("received.txt"))
            .arg(if options.pipelining { "1" } else { "0" })
            .arg(options.delay_secs.to_string())
            .arg(options.keep_prefix.as_deref().unwrap_or(""))
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test installs it: pip install aiosmtpd)");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "aiosmtpd did not start: is it installed?"
        );
        Self { child, port, dir }
    }

    /// Every (recipient, Message-ID) accepted so far, in order.
    pub fn received(&self) -> Vec<(String, String)> {
        std::fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(r, m)| (r.to_owned(), m.to_owned()))
            .collect()
    }

    /// The file [`SmtpServer::received`] reads, one line a recipient.
    pub fn log(&self) -> PathBuf {
        self.dir.path().join("received.txt")
    }

    /// The kept messages as written to the Maildir (headers `X-Peer`, `X-MailFrom`, `X-RcptTo`
    /// first), sorted.
    pub fn messages(&self) -> Vec<String> {
        let new: &Path = &self.dir.path().join("maildir").join("new");
        let mut out: Vec<String> = std::fs::read_dir(new)
            .map(|d| {
                d.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// The kept message to `recipient`, if one arrived.
    pub fn message_to(&self, recipient: &str) -> Option<String> {
        let header = format!("X-RcptTo: {recipient}\n");
        self.messages().into_iter().find(|m| m.contains(&header))
    }
}
