//! SMTP delivery with lettre: STARTTLS or implicit TLS (rustls, web PKI roots) in production,
//! plain SMTP only when configured so (a relay on localhost, the test server).

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use breachdesk_core::ports::{MailError, Mailer, OutgoingMail};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::{Address, Message};
use serde::Deserialize;

/// How the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// STARTTLS required (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same host or a trusted network.
    None,
}

/// The `[smtp]` section of the configuration file.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: Option<u16>,
    #[serde(default)]
    pub security: SmtpSecurity,
    /// The sender, e.g. `BreachDesk <breachdesk@uni.example>`.
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Seconds to wait for the server.
    pub timeout_secs: Option<u64>,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .finish_non_exhaustive()
    }
}

/// Delivers through one SMTP server: the day-to-day mail (alerts, reminders, acknowledgements,
/// setup links), one message at a time over one kept connection (a [`Courier`] connection:
/// `TCP_NODELAY`, so that the message's last small write is not held back for the server's
/// delayed ACK — tens of milliseconds a message otherwise). A connection idle for a while, or
/// broken, is replaced; a message a broken connection failed is tried once on a new one.
pub struct SmtpMailer {
    courier: Courier,
    from: Mailbox,
    kept: tokio::sync::Mutex<Option<(Connection, std::time::Instant)>>,
    /// The longest any step (connecting, one message) may take.
    timeout: Duration,
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("from", &self.from.email.to_string())
            .finish_non_exhaustive()
    }
}

/// How long a connection is kept without traffic (servers close idle ones after a few minutes).
const KEEP_IDLE: Duration = Duration::from_secs(20);

impl SmtpMailer {
    /// Checks the configuration (sender address); connects only when sending.
    pub fn new(config: &SmtpConfig) -> Result<Self, MailError> {
        let courier = Courier::new(config)?;
        Ok(Self {
            from: courier.from().clone(),
            courier,
            kept: tokio::sync::Mutex::new(None),
            timeout: Duration::from_secs(config.timeout_secs.unwrap_or(30)),
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| MailError::Invalid(format!("recipient: {e}")))?;
        let envelope_to = to.email.to_string();
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        if let Some(reply_to) = &mail.reply_to {
            let reply_to: Mailbox = reply_to
                .parse()
                .map_err(|e| MailError::Invalid(format!("reply-to: {e}")))?;
            builder = builder.reply_to(reply_to);
        }
        builder = builder.header(OwnMail);
        if let Some(auto) = &mail.auto_reply {
            builder = builder
                .message_id(Some(format!("<{}>", auto.message_id)))
                .in_reply_to(format!("<{}>", auto.in_reply_to))
                .references(format!("<{}>", auto.in_reply_to))
                .header(AutoSubmitted("auto-replied"));
        } else {
            // A Message-ID of its own (lettre draws it), as every mail should carry.
            builder = builder
                .message_id(None)
                .header(AutoSubmitted("auto-generated"));
        }
        let message = builder
            .body(mail.body.clone())
            .map_err(|e| MailError::Invalid(e.to_string()))?
            .formatted();
        // A server that stops answering must not hold every later mail: each step is timed.
        let limit = self.timeout;
        let mut kept = self.kept.lock().await;
        for attempt in 0..2 {
            let mut connection = match kept.take() {
                Some((c, used)) if !c.broken() && used.elapsed() < KEEP_IDLE => c,
                old => {
                    if let Some((c, _)) = old {
                        let _ = tokio::time::timeout(limit, c.quit()).await;
                    }
                    // A refusal at connecting or signing in (a wrong password, a busy server)
                    // says nothing about this message: always worth another try later.
                    match tokio::time::timeout(limit, self.courier.connect()).await {
                        Ok(Ok(c)) => c,
                        Ok(Err(SendError::Permanent(code) | SendError::Transient(code))) => {
                            return Err(MailError::Transport(code));
                        }
                        Err(_) => return Err(MailError::Transport("timeout".into())),
                    }
                }
            };
            let Ok(sent) =
                tokio::time::timeout(limit, connection.send(&self.from, &envelope_to, &message))
                    .await
            else {
                // Dropped mid-conversation: the connection is not used again.
                return Err(MailError::Transport("timeout".into()));
            };
            let broken = connection.broken();
            if !broken {
                *kept = Some((connection, std::time::Instant::now()));
            }
            match sent {
                Ok(()) => return Ok(()),
                Err(SendError::Permanent(code)) => return Err(MailError::Invalid(code)),
                // A kept connection the server had closed: once more on a new one.
                Err(SendError::Transient(_)) if broken && attempt == 0 => {}
                Err(SendError::Transient(code)) => return Err(MailError::Transport(code)),
            }
        }
        Err(MailError::Transport("connection".into()))
    }
}

/// `Auto-Submitted` (RFC 3834): mail sent by a program — `auto-replied` for an answer to a
/// received message, `auto-generated` for the rest — which other programs must not answer.
#[derive(Debug, Clone)]
struct AutoSubmitted(&'static str);

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(if s.trim() == "auto-replied" {
            "auto-replied"
        } else {
            "auto-generated"
        }))
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.to_owned())
    }
}

/// [`breachdesk_core::ports::OWN_MAIL_HEADER`] on every mail the product sends.
#[derive(Debug, Clone)]
struct OwnMail;

impl lettre::message::header::Header for OwnMail {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str(
            breachdesk_core::ports::OWN_MAIL_HEADER,
        )
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "1".to_owned())
    }
}

/// What became of one message on one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The server refused it for good (5xx): its reply code, never its text.
    Permanent(String),
    /// The server could not take it now (4xx) or the connection broke: try again later.
    Transient(String),
}

fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    let code = e
        .status()
        .map_or_else(|| "connection".to_owned(), |c| c.to_string());
    if e.is_permanent() {
        SendError::Permanent(code)
    } else {
        SendError::Transient(code)
    }
}

/// Delivers many prepared messages over long-lived connections: one per worker, opened once
/// (TLS and authentication once) and reused for every message until it breaks.
pub struct Courier {
    config: SmtpConfig,
    from: Mailbox,
    hello: ClientId,
}

impl fmt::Debug for Courier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Courier")
            .field("host", &self.config.host)
            .finish_non_exhaustive()
    }
}

/// One open connection of a [`Courier`].
pub struct Connection {
    smtp: AsyncSmtpConnection,
    /// The server offers PIPELINING (RFC 2920): MAIL, RCPT and DATA go out in one write.
    pipelining: bool,
    /// The connection failed mid-conversation and must not be used again.
    broken: bool,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("pipelining", &self.pipelining)
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

impl Courier {
    pub fn new(config: &SmtpConfig) -> Result<Self, MailError> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| MailError::Invalid(format!("smtp.from: {e}")))?;
        Ok(Self {
            config: config.clone(),
            from,
            hello: ClientId::default(),
        })
    }

    /// The configured sender (the envelope sender and the address letters come from).
    #[must_use]
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    fn tls(&self) -> Result<TlsParameters, SendError> {
        TlsParameters::new(self.config.host.clone()).map_err(|_| SendError::Transient("tls".into()))
    }

    /// Opens a connection: TLS as configured, EHLO, authentication.
    pub async fn connect(&self) -> Result<Connection, SendError> {
        let port = self.config.port.unwrap_or(match self.config.security {
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        });
        let timeout = Duration::from_secs(self.config.timeout_secs.unwrap_or(30));
        let implicit = match self.config.security {
            SmtpSecurity::Tls => Some(self.tls()?),
            _ => None,
        };
        let mut c = if implicit.is_some() {
            AsyncSmtpConnection::connect_tokio1(
                (self.config.host.as_str(), port),
                Some(timeout),
                &self.hello,
                implicit,
                None,
            )
            .await
            .map_err(|e| classify(&e))?
        } else {
            // Our own socket, so that small commands are not held back by Nagle's algorithm
            // waiting for the server's delayed ACK (milliseconds per message otherwise).
            let connect = tokio::net::TcpStream::connect((self.config.host.as_str(), port));
            let stream = tokio::time::timeout(timeout, connect)
                .await
                .map_err(|_| SendError::Transient("timeout".into()))?
                .map_err(|_| SendError::Transient("connection".into()))?;
            stream
                .set_nodelay(true)
                .map_err(|_| SendError::Transient("connection".into()))?;
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
                .await
                .map_err(|e| classify(&e))?
        };
        if self.config.security == SmtpSecurity::Starttls {
            c.starttls(self.tls()?, &self.hello)
                .await
                .map_err(|e| classify(&e))?;
        }
        // lettre keeps only the extensions it uses itself; ask again to learn whether the
        // server pipelines (one more round trip per connection, not per message).
        let hello = c
            .command(Ehlo::new(self.hello.clone()))
            .await
            .map_err(|e| classify(&e))?;
        let pipelining = hello
            .message()
            .any(|line| line.trim().eq_ignore_ascii_case("PIPELINING"));
        if let (Some(user), Some(password)) = (&self.config.username, &self.config.password) {
            c.auth(
                &[Mechanism::Plain, Mechanism::Login],
                &Credentials::new(user.clone(), password.clone()),
            )
            .await
            .map_err(|e| classify(&e))?;
        }
        Ok(Connection {
            smtp: c,
            pipelining,
            broken: false,
        })
    }
}

impl Connection {
    /// Sends one prepared message to one address. A refusal (4xx/5xx) ends only this message's
    /// transaction (RSET), never the connection; a broken connection is reported as transient
    /// and [`Connection::broken`] tells the caller to open a new one.
    pub async fn send(
        &mut self,
        from: &Mailbox,
        to: &str,
        message: &[u8],
    ) -> Result<(), SendError> {
        let to: Address = to
            .parse()
            .map_err(|_| SendError::Permanent("address".into()))?;
        let mut parameters = Vec::new();
        if !AsRef::<str>::as_ref(&from.email).is_ascii() || !AsRef::<str>::as_ref(&to).is_ascii() {
            if !self
                .smtp
                .server_info()
                .supports_feature(Extension::SmtpUtfEight)
            {
                return Err(SendError::Permanent("smtputf8".into()));
            }
            parameters.push(MailParameter::SmtpUtfEight);
        }
        if !message.is_ascii() {
            if !self
                .smtp
                .server_info()
                .supports_feature(Extension::EightBitMime)
            {
                return Err(SendError::Permanent("8bitmime".into()));
            }
            parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let mail = Mail::new(Some(from.email.clone()), parameters);
        let rcpt = Rcpt::new(to, vec![]);
        let envelope = if self.pipelining {
            self.pipelined_envelope(&mail, &rcpt).await
        } else {
            self.stepwise_envelope(&mail, &rcpt).await
        };
        if let Err(e) = envelope {
            if !self.broken {
                // End the refused transaction so that the next one starts clean.
                if let Err(r) = self.smtp.command(Rset).await {
                    self.fail(&r);
                }
            }
            return Err(e);
        }
        self.smtp
            .message(message)
            .await
            .map(|_| ())
            .map_err(|e| self.fail(&e))
    }

    /// MAIL, RCPT and DATA in one write, then their three replies in order (RFC 2920).
    async fn pipelined_envelope(&mut self, mail: &Mail, rcpt: &Rcpt) -> Result<(), SendError> {
        let group = format!("{mail}{rcpt}{Data}");
        let mut reply = self.smtp.command(group).await;
        let mut first_refusal = None;
        // MAIL, RCPT, DATA: each reply read in turn; a broken connection ends the reading (the
        // replies still owed would only wait for the timeout).
        for step in 0..3 {
            if step > 0 {
                reply = self.smtp.read_response().await;
            }
            if let Err(e) = &reply {
                let e = self.fail(e);
                if self.broken {
                    return Err(e);
                }
                first_refusal.get_or_insert(e);
            }
        }
        match first_refusal {
            None => Ok(()),
            Some(e) => {
                if reply.is_ok() {
                    // The server said "go ahead" to DATA although the envelope was refused:
                    // send the empty message it now waits for; the reply does not matter.
                    if let Err(r) = self.smtp.message(b"").await {
                        self.fail(&r);
                    }
                }
                Err(e)
            }
        }
    }

    /// The same, one command and reply at a time, for servers that do not pipeline.
    async fn stepwise_envelope(&mut self, mail: &Mail, rcpt: &Rcpt) -> Result<(), SendError> {
        for command in [mail.to_string(), rcpt.to_string(), Data.to_string()] {
            if let Err(e) = self.smtp.command(command).await {
                return Err(self.fail(&e));
            }
        }
        Ok(())
    }

    /// Classifies an error and remembers when it broke the connection (no reply code).
    fn fail(&mut self, e: &lettre::transport::smtp::Error) -> SendError {
        if e.status().is_none() {
            self.broken = true;
        }
        classify(e)
    }

    /// Whether the server pipelines.
    #[must_use]
    pub fn pipelining(&self) -> bool {
        self.pipelining
    }

    /// Whether the connection can no longer be used (open a new one).
    #[must_use]
    pub fn broken(&self) -> bool {
        self.broken || self.smtp.has_broken()
    }

    pub async fn quit(mut self) {
        if !self.broken() {
            let _ = self.smtp.quit().await;
        }
    }
}
