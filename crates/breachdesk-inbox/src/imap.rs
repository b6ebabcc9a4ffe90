//! Reading a mailbox over IMAP (`async-imap`), the way a help desk reads a shared mailbox: every
//! message in the folder is handed to intake and, only once intake has stored it, moved to
//! another folder or deleted, so that personal data do not linger in the mailbox. A crash in
//! between leaves the message where it was; it is read again and intake recognises it.
//!
//! IDLE where the server offers it, polling otherwise; a lost connection is opened again after a
//! growing pause.

use std::sync::Arc;
use std::time::Duration;

use async_imap::Session;
use futures::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use zeroize::Zeroizing;

/// How many messages are fetched and settled at a time.
const BATCH: usize = 200;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 993).
    Tls,
    /// A plain connection upgraded with STARTTLS (port 143).
    StartTls,
    /// No protection: only for a server on the same machine.
    None,
}

impl Security {
    /// # Errors
    /// For anything but `tls`, `starttls` or `none`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "tls" => Ok(Self::Tls),
            "starttls" => Ok(Self::StartTls),
            "none" => Ok(Self::None),
            other => Err(format!(
                "security \"{other}\": expected \"tls\", \"starttls\" or \"none\""
            )),
        }
    }
}

/// What becomes of a message once intake has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// Moved to this folder (created if missing).
    Move(String),
    /// Deleted (flagged `\Deleted` and expunged).
    Delete,
}

/// One mailbox to read.
#[derive(Clone)]
pub struct MailboxConfig {
    /// A name for logs (the organisation and folder; never the account's secrets).
    pub label: String,
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: Zeroizing<String>,
    pub folder: String,
    pub after: After,
    /// Certificate authorities trusted besides the web PKI's (an organisation's own CA), DER.
    pub extra_roots: Vec<rustls_pki_types::CertificateDer<'static>>,
    /// How often the folder is read when the server has no IDLE, and the longest IDLE wait.
    pub poll: Duration,
}

impl std::fmt::Debug for MailboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailboxConfig")
            .field("label", &self.label)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("folder", &self.folder)
            .field("after", &self.after)
            .finish_non_exhaustive()
    }
}

/// What intake did with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Stored (or recognised as stored): move or delete it.
    Done,
    /// Not settled yet (the database or an acknowledgement failed): leave it for the next round.
    Keep,
}

/// Intake, as the mailbox reader sees it.
#[async_trait::async_trait]
pub trait Sink: Send + Sync {
    async fn accept(&self, raw: Vec<u8>) -> Disposition;
}

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("IMAP: {0}")]
    Imap(#[from] async_imap::error::Error),
    #[error("connection: {0}")]
    Io(#[from] std::io::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("the server closed the connection")]
    Closed,
}

/// What a round of reading found, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub seen: usize,
    pub settled: usize,
}

/// The stream type sessions run on: TCP, or TLS over TCP.
pub trait IoStream: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> IoStream for T {}
type Stream = Box<dyn IoStream>;

/// Reads the certificates of a PEM file (an organisation's CA for its IMAP server).
///
/// # Errors
/// When the file cannot be read or holds no certificate.
pub fn read_roots(
    path: &std::path::Path,
) -> Result<Vec<rustls_pki_types::CertificateDer<'static>>, String> {
    use rustls_pki_types::pem::PemObject;
    let certs: Vec<_> = rustls_pki_types::CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate in the file", path.display()));
    }
    Ok(certs)
}

fn tls_connector(
    extra: &[rustls_pki_types::CertificateDer<'static>],
) -> tokio_rustls::TlsConnector {
    let mut roots: tokio_rustls::rustls::RootCertStore =
        webpki_roots::TLS_SERVER_ROOTS.iter().cloned().collect();
    for cert in extra {
        // A certificate the store cannot take is left out; the handshake then says why.
        let _ = roots.add(cert.clone());
    }
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("the ring provider supports the default TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

async fn tls(cfg: &MailboxConfig, tcp: TcpStream) -> Result<Stream, InboxError> {
    let host = cfg.host.as_str();
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| InboxError::Tls(e.to_string()))?;
    let stream = tls_connector(&cfg.extra_roots)
        .connect(name, tcp)
        .await
        .map_err(|e| InboxError::Tls(e.to_string()))?;
    Ok(Box::new(stream))
}

/// Opens a signed-in session with the folder selected.
///
/// # Errors
/// When the server cannot be reached, refuses the account or has no such folder.
pub async fn connect(cfg: &MailboxConfig) -> Result<Session<Box<dyn IoStream>>, InboxError> {
    let tcp = tokio::time::timeout(
        Duration::from_secs(30),
        TcpStream::connect((cfg.host.as_str(), cfg.port)),
    )
    .await
    .map_err(|_| InboxError::Io(std::io::ErrorKind::TimedOut.into()))??;
    tcp.set_nodelay(true)?;
    let stream: Stream = match cfg.security {
        Security::Tls => tls(cfg, tcp).await?,
        Security::None => Box::new(tcp),
        Security::StartTls => {
            let mut client = async_imap::Client::new(tcp);
            client.read_response().await?.ok_or(InboxError::Closed)?;
            client.run_command_and_check_ok("STARTTLS", None).await?;
            tls(cfg, client.into_inner()).await?
        }
    };
    let mut client = async_imap::Client::new(stream);
    if cfg.security != Security::StartTls {
        // The greeting (after STARTTLS there is none).
        client.read_response().await?.ok_or(InboxError::Closed)?;
    }
    let mut session = client
        .login(&cfg.username, cfg.password.as_str())
        .await
        .map_err(|(e, _)| e)?;
    if let After::Move(to) = &cfg.after {
        // Made once; "already exists" is the usual answer.
        let _ = session.create(to).await;
    }
    session.select(&cfg.folder).await?;
    Ok(session)
}

/// The longest one IMAP command (or one fetched message) may take before the connection is
/// given up and opened again.
const COMMAND_TIMEOUT: Duration = Duration::from_mins(2);

async fn timed<T>(
    f: impl std::future::Future<Output = Result<T, async_imap::error::Error>>,
) -> Result<T, InboxError> {
    match tokio::time::timeout(COMMAND_TIMEOUT, f).await {
        Ok(r) => Ok(r?),
        Err(_) => Err(InboxError::Io(std::io::ErrorKind::TimedOut.into())),
    }
}

/// What the server offers that the reader uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct Capabilities {
    pub moves: bool,
    pub idle: bool,
    /// `UID EXPUNGE` (RFC 4315): only the settled messages are expunged.
    pub uidplus: bool,
}

/// Reads every message now in the folder — except those flagged `\Deleted` and the product's
/// own mail ([`breachdesk_core::ports::OWN_MAIL_HEADER`]) — hands each to intake, and moves or
/// deletes what intake settled, a batch at a time.
///
/// # Errors
/// When the connection fails; what was settled before stays settled.
pub async fn read_folder(
    session: &mut Session<Stream>,
    cfg: &MailboxConfig,
    sink: &dyn Sink,
    caps: Capabilities,
) -> Result<Round, InboxError> {
    let mut round = Round::default();
    let query = format!(
        "UNDELETED NOT HEADER {} \"\"",
        breachdesk_core::ports::OWN_MAIL_HEADER
    );
    let mut uids: Vec<u32> = timed(session.uid_search(&query))
        .await?
        .into_iter()
        .collect();
    uids.sort_unstable();
    for batch in uids.chunks(BATCH) {
        let set = uid_set(batch);
        let mut settled = Vec::with_capacity(batch.len());
        {
            let mut fetches = timed(session.uid_fetch(&set, "(UID BODY.PEEK[])")).await?;
            loop {
                let next = tokio::time::timeout(COMMAND_TIMEOUT, fetches.try_next()).await;
                let Some(fetch) =
                    next.map_err(|_| InboxError::Io(std::io::ErrorKind::TimedOut.into()))??
                else {
                    break;
                };
                let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) else {
                    continue;
                };
                round.seen += 1;
                if sink.accept(body.to_vec()).await == Disposition::Done {
                    settled.push(uid);
                }
            }
        }
        if settled.is_empty() {
            continue;
        }
        let set = uid_set(&settled);
        match &cfg.after {
            After::Move(to) if caps.moves => timed(session.uid_mv(&set, to)).await?,
            After::Move(to) => {
                timed(session.uid_copy(&set, to)).await?;
                delete(session, &set, &settled, caps).await?;
            }
            After::Delete => delete(session, &set, &settled, caps).await?,
        }
        round.settled += settled.len();
    }
    Ok(round)
}

/// Flags the settled messages `\Deleted` and expunges exactly them: with `UID EXPUNGE` where the
/// server has it; otherwise a plain `EXPUNGE` only when no other message of the folder is flagged
/// (it would go too) — else they stay flagged, unread again, for the server's own expunge.
async fn delete(
    session: &mut Session<Stream>,
    set: &str,
    settled: &[u32],
    caps: Capabilities,
) -> Result<(), InboxError> {
    timed(async {
        session
            .uid_store(set, "+FLAGS.SILENT (\\Deleted)")
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?;
    if caps.uidplus {
        timed(async {
            session
                .uid_expunge(set)
                .await?
                .try_collect::<Vec<_>>()
                .await
        })
        .await?;
        return Ok(());
    }
    let flagged = timed(session.uid_search("DELETED")).await?;
    if flagged.iter().all(|uid| settled.contains(uid)) {
        timed(async { session.expunge().await?.try_collect::<Vec<_>>().await }).await?;
    } else {
        tracing::warn!(
            "mailbox intake: other messages are flagged deleted and the server has no UID EXPUNGE; the settled ones stay flagged until the server expunges"
        );
    }
    Ok(())
}

/// `1,2,5:9`: a UID set in as few ranges as the sorted UIDs allow.
fn uid_set(uids: &[u32]) -> String {
    use std::fmt::Write;
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        let _ = if start == end {
            write!(out, "{start}")
        } else {
            write!(out, "{start}:{end}")
        };
        i += 1;
    }
    out
}

/// Reads the mailbox until the task is dropped: every message now in the folder, then each new
/// one as IDLE announces it (or at every poll). A broken connection is opened again after a pause
/// that grows to five minutes; the reason is logged without the account's secrets.
pub async fn watch(cfg: MailboxConfig, sink: Arc<dyn Sink>) {
    let mut pause = Duration::from_secs(1);
    loop {
        match session_loop(&cfg, &*sink, &mut pause).await {
            Ok(()) => {}
            Err(e) => {
                tracing::warn!(mailbox = %cfg.label, error = %e, "mailbox intake: connection failed, trying again");
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_mins(5));
    }
}

async fn session_loop(
    cfg: &MailboxConfig,
    sink: &dyn Sink,
    pause: &mut Duration,
) -> Result<(), InboxError> {
    let mut session = tokio::time::timeout(COMMAND_TIMEOUT, connect(cfg))
        .await
        .map_err(|_| InboxError::Io(std::io::ErrorKind::TimedOut.into()))??;
    let offered = timed(session.capabilities()).await?;
    let caps = Capabilities {
        moves: offered.has_str("MOVE"),
        idle: offered.has_str("IDLE"),
        uidplus: offered.has_str("UIDPLUS"),
    };
    let has_idle = caps.idle;
    tracing::info!(mailbox = %cfg.label, idle = has_idle, "mailbox intake: connected");
    *pause = Duration::from_secs(1);
    loop {
        let round = read_folder(&mut session, cfg, sink, caps).await?;
        if round.seen > 0 {
            tracing::info!(mailbox = %cfg.label, seen = round.seen, settled = round.settled, "mailbox intake: read");
        }
        if round.settled < round.seen {
            // Something is not settled (the database or an acknowledgement failed): wait a poll
            // before trying it again rather than at once.
            tokio::time::sleep(cfg.poll).await;
            continue;
        }
        if has_idle {
            let mut idle = session.idle();
            timed(idle.init()).await?;
            let (wait, _stop) = idle.wait_with_timeout(cfg.poll);
            wait.await?;
            session = timed(idle.done()).await?;
        } else {
            tokio::time::sleep(cfg.poll).await;
            timed(session.noop()).await?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_ranges() {
        assert_eq!(uid_set(&[5, 1, 2, 3, 9, 10]), "1:3,5,9:10");
        assert_eq!(uid_set(&[7]), "7");
    }
}
