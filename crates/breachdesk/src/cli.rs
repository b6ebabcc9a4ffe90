//! Command-line interface (the interface contract of DESIGN.md).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "breachdesk",
    version,
    about = "Personal data breach intake, investigation and register"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Directory for the `SQLite` database and the master key file; created on first start.
    #[arg(
        long,
        global = true,
        env = "BREACHDESK_DATA_DIR",
        default_value = "./breachdesk-data"
    )]
    pub data_dir: PathBuf,
    /// Database URL instead of the `SQLite` file in the data dir (`sqlite:…` or `postgres://…`).
    #[arg(
        long,
        global = true,
        env = "BREACHDESK_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Connections each process keeps to `PostgreSQL` at most (several servers: mind the
    /// server's `max_connections` across all of them).
    #[arg(
        long,
        global = true,
        env = "BREACHDESK_DATABASE_POOL",
        default_value_t = 10,
        value_parser = clap::value_parser!(u32).range(1..=1000)
    )]
    pub database_pool: u32,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server.
    Serve(ServeArgs),
    /// Manage organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage handler accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Assess a breach described in a JSON file (the input of docs/assessment-input.schema.json)
    /// and print the severity, the decisions and the reasoning as JSON. Needs no data dir.
    Assess(AssessArgs),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The end of cases' lives: destroy what is due (for cron; `serve` also runs it daily).
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// The breach register (Art. 33(5)).
    #[command(subcommand)]
    Register(RegisterCommand),
    /// Scan a copy of leaked material for personal data: categories, counts, distinct people.
    /// Reads only; needs no data dir. Exit status 0 even when some files could not be read.
    Scan(ScanArgs),
    /// Letters to data subjects (Art. 34(2)): import recipients, send the approved letter.
    #[command(subcommand)]
    Notify(NotifyCommand),
    /// Work on a case from the server.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Move this `SQLite` installation into an empty `PostgreSQL` database (for several
    /// servers): everything is copied in one transaction, sealed data stays sealed, and the
    /// copy's audit chain and case keys are checked before it is reported done. The `SQLite`
    /// file is not changed.
    Migrate(MigrateArgs),
    /// Write a consistent, checked copy of the `SQLite` database to FILE while servers run
    /// (the master key is never in it).
    Backup(BackupArgs),
    /// Replace the `SQLite` database with a backup, after checking it whole (intact, every case
    /// key opened by this installation's master key, the audit chain verified); every `serve`
    /// must be stopped. The replaced database is kept beside it.
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write; it must not exist.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to restore.
    pub file: PathBuf,
    /// File holding the base64 master key. Default: `master.key` in the data dir.
    /// `BREACHDESK_MASTER_KEY` may hold the key itself instead.
    #[arg(long, env = "BREACHDESK_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
    /// The key vault: the directory of per-case keys, outside the database and its backups
    /// (crypto-shredding). Default: `case-keys` in the data dir.
    #[arg(long, env = "BREACHDESK_KEY_VAULT")]
    pub key_vault: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The `PostgreSQL` database to move into (`postgres://…`); it must hold no installation.
    /// Give a URL holding a password through the environment, not the command line (which
    /// other users of the machine can see).
    #[arg(long, env = "BREACHDESK_MIGRATE_TO", hide_env_values = true)]
    pub to: String,
    /// File holding the base64 master key. Default: `master.key` in the data dir.
    /// `BREACHDESK_MASTER_KEY` may hold the key itself instead.
    #[arg(long, env = "BREACHDESK_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
    /// The key vault: the directory of per-case keys, outside the database and its backups
    /// (crypto-shredding). Default: `case-keys` in the data dir.
    #[arg(long, env = "BREACHDESK_KEY_VAULT")]
    pub key_vault: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Put a leak scan into the case's scope: the categories found join the affected ones and
    /// the number of data subjects becomes the scan's count (saved as a new scope version).
    /// FILE is the scanner's `--subjects` file (masked or revealed; only the categories and the
    /// count are read). A bad file is refused with its line named, and nothing changes.
    ImportScan {
        /// The case reference (e.g. `UNI-2026-0001`) or id.
        case: String,
        /// The `breachdesk scan … --subjects FILE` output.
        file: PathBuf,
        #[command(flatten)]
        keys: KeyArgs,
    },
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    /// Configuration file (default: `breachdesk.toml` in the data dir, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// File holding the base64 master key. Default: `master.key` in the data dir.
    /// `BREACHDESK_MASTER_KEY` may hold the key itself instead.
    #[arg(long, env = "BREACHDESK_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
    /// The key vault: the directory of per-case keys, outside the database and its backups
    /// (crypto-shredding). Default: `case-keys` in the data dir.
    #[arg(long, env = "BREACHDESK_KEY_VAULT")]
    pub key_vault: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RecipientFormat {
    /// CSV with a header: `email`, `name`, `language`, `elements` (ids separated by `;`),
    /// `postal_address`.
    Csv,
    /// The leak scanner's `--subjects` file, written with `--reveal`.
    Subjects,
}

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Import the recipients of a case's letters (accepted whole, or refused with every line's
    /// problem and nothing imported).
    Recipients {
        /// The case reference (e.g. `UNI-2026-0001`) or id.
        case: String,
        /// The file to read.
        file: PathBuf,
        #[arg(long, value_enum, default_value = "csv")]
        format: RecipientFormat,
        /// Language of subjects the scanner found no hint for.
        #[arg(long, default_value = "fi")]
        language: String,
        /// Replace the list instead of adding to it (only before any letter is queued).
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Render the approved letter for every recipient not yet written to, queue the messages
    /// and send everything due, with a progress bar. Run it again after a crash: nothing is
    /// queued twice, and only the messages the crashed run left mid-send can go twice (with
    /// the same Message-ID).
    Send {
        /// The case reference or id.
        case: String,
        /// SMTP connections at once (each reused for all its messages).
        #[arg(long)]
        connections: Option<usize>,
        /// At most this many messages per second (default: the `[letters]` rate, else no limit).
        #[arg(long)]
        rate: Option<u32>,
        /// Queue failed messages again first.
        #[arg(long)]
        retry_failed: bool,
        /// Only queue the messages and return: the running servers' scheduler sends them (any
        /// one of them; another takes over if it stops).
        #[arg(long)]
        queue_only: bool,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Read returned mail — delivery status notifications that came back after a server
    /// accepted a letter — and mark the case's letters they report as failed (with the status
    /// code only). Files may be single messages (`.eml`), mbox files or Maildir directories.
    Bounces {
        /// The case reference or id.
        case: String,
        /// Files or directories of returned mail.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Print the letters' state: recipients, queued, sent, failed, in doubt.
    Status {
        /// The case reference or id.
        case: String,
        #[command(flatten)]
        keys: KeyArgs,
    },
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// A directory or a file.
    pub path: PathBuf,
    /// Print one JSON document (subjects, categories, files) instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Write every occurrence as JSON Lines to this file (outside the scanned tree).
    #[arg(long)]
    pub findings: Option<PathBuf>,
    /// Write one JSON line per data subject to this file (outside the scanned tree).
    #[arg(long)]
    pub subjects: Option<PathBuf>,
    /// Write values in full instead of masked.
    #[arg(long)]
    pub reveal: bool,
    /// The organisation's customer-number pattern (a regular expression). A pattern of digits
    /// only (`[0-9]{7}`) counts where context says customer number: a column or JSON key
    /// (asiakasnumero, kundnummer, customer no …) or a label just before it
    /// ("Asiakasnumeroni on", "Mitt kundnummer är", "Customer No.:"), since such numbers are
    /// everywhere (metrics, order ids). A distinctive pattern, one whose every match begins or
    /// ends with letters or a sign (`AS-[0-9]{6}`, `C[0-9]{7}`), counts anywhere except in a
    /// column of order or transaction ids or of phones. Without a pattern, what a column or label calls a
    /// customer number is reported as it is written.
    #[arg(long)]
    pub customer_number: Option<String>,
    /// A further label that announces a customer number in the organisation's documents
    /// (besides the built-in Finnish, Swedish and English ones); may be given many times.
    #[arg(long = "customer-number-label", value_name = "TEXT")]
    pub customer_number_labels: Vec<String>,
    /// Skip files larger than this many MiB that must be read whole (archives, office documents,
    /// PDF, JSON); logs, tables, NDJSON, plain text and mailboxes are read in pieces at any size.
    #[arg(long, default_value_t = 256)]
    pub max_file_mib: u64,
}

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Bring an organisation's old breach register in: a CSV or XLSX file in the export's
    /// column layout (README, The breach register) becomes closed historical cases, sealed like
    /// the rest; a file with any bad line is refused whole, every bad line named.
    Import {
        /// The CSV or XLSX file.
        file: PathBuf,
        /// The organisation's slug.
        #[arg(long)]
        org: String,
        #[command(flatten)]
        keys: KeyArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Destroy every case whose retention date has come and that no legal hold keeps: its data
    /// key and content go, a tombstone stays in the register, each is audited.
    Run {
        #[command(flatten)]
        keys: KeyArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify the hash chain of the audit trail: reports every edited, deleted or reordered entry
    /// and where, and prints the head (last sequence number and hash) to keep elsewhere. Exit
    /// status 0 when intact, 1 when not.
    Verify,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// The case description; `-` reads standard input.
    #[arg(required_unless_present = "schema")]
    pub file: Option<PathBuf>,
    /// Language of the explanation: fi, sv or en.
    #[arg(long, default_value = "en", value_parser = ["fi", "sv", "en"])]
    pub lang: String,
    /// Print the JSON Schema of the input instead.
    #[arg(long, conflicts_with = "file")]
    pub schema: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Configuration file for mail and reminders (default: `breachdesk.toml` in the data dir,
    /// if present).
    #[arg(long, env = "BREACHDESK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port (printed on stdout).
    #[arg(long, env = "BREACHDESK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// File holding the base64 master key (mode 0600). Default: `master.key` in the data dir,
    /// created on first start. `BREACHDESK_MASTER_KEY` may hold the key itself instead.
    #[arg(long, env = "BREACHDESK_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
    /// The key vault: the directory of per-case keys, outside the database and its backups
    /// (crypto-shredding). Default: `case-keys` in the data dir.
    #[arg(long, env = "BREACHDESK_KEY_VAULT")]
    pub key_vault: Option<PathBuf>,
    /// How often the scheduler looks for work: reminders that fell due, letters due again,
    /// delivery runs another server left. Every server of an installation may run it; each
    /// piece of work is done once.
    #[arg(long, env = "BREACHDESK_SCHEDULE_EVERY_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub schedule_every_secs: u64,
    /// Reports accepted per client address and minute (0 = no limit).
    #[arg(long, env = "BREACHDESK_INTAKE_PER_MINUTE", default_value_t = 30)]
    pub intake_per_minute: u32,
    /// Receipt-code attempts per client address and minute (0 = no limit).
    #[arg(long, env = "BREACHDESK_FOLLOW_UP_PER_MINUTE", default_value_t = 10)]
    pub follow_up_per_minute: u32,
    /// Wrong receipt codes from one address for one report locator before that address waits.
    #[arg(long, env = "BREACHDESK_MAX_RECEIPT_FAILURES", default_value_t = 5)]
    pub max_receipt_failures: i64,
    /// Minutes of the first wait after too many wrong receipt codes; it doubles with each further
    /// one (at most a day). Other addresses, the reporter's included, are not affected.
    #[arg(long, env = "BREACHDESK_RECEIPT_LOCKOUT_MINUTES", default_value_t = 60)]
    pub receipt_lockout_minutes: i64,
    /// Largest accepted request body in KiB.
    #[arg(long, env = "BREACHDESK_MAX_BODY_KIB", default_value_t = 256)]
    pub max_body_kib: usize,
    /// Receipt codes hashed ahead of time by a background thread, so that bursts of reports do
    /// not wait for Argon2 (0 = hash each code when its report arrives).
    #[arg(long, env = "BREACHDESK_RECEIPT_POOL", default_value_t = 256)]
    pub receipt_pool: usize,
    /// Seconds before a request is answered with 408.
    #[arg(long, env = "BREACHDESK_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Largest attachment of the investigation record in MiB.
    #[arg(long, env = "BREACHDESK_MAX_ATTACHMENT_MIB", default_value_t = 10)]
    pub max_attachment_mib: usize,
    /// Sign-in attempts per client address and minute (0 = no limit).
    #[arg(long, env = "BREACHDESK_SIGN_IN_PER_MINUTE", default_value_t = 10)]
    pub sign_in_per_minute: u32,
    /// Wrong passwords or codes before a handler account is locked.
    #[arg(long, env = "BREACHDESK_MAX_LOGIN_FAILURES", default_value_t = 5)]
    pub max_login_failures: i64,
    /// Minutes an account stays locked after too many failures.
    #[arg(long, env = "BREACHDESK_LOGIN_LOCKOUT_MINUTES", default_value_t = 15)]
    pub login_lockout_minutes: i64,
    /// Minutes without activity after which a handler session ends.
    #[arg(long, env = "BREACHDESK_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,
    /// Hours after sign-in after which a handler session ends, however busy.
    #[arg(long, env = "BREACHDESK_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,
    /// Send session cookies without the `Secure` flag. Only for a plain-HTTP deployment behind
    /// a TLS-terminating proxy on a trusted network; browsers accept `Secure` cookies from
    /// `http://localhost` anyway.
    #[arg(long, env = "BREACHDESK_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
    /// Reverse proxies (addresses or CIDR ranges, comma-separated) whose `X-Forwarded-For` or
    /// `Forwarded` header names the client for rate limits. Only requests whose TCP peer is one
    /// of them are believed; the right-most address that is not a trusted proxy counts. They are
    /// also exempt from the per-address connection limit.
    #[arg(
        long,
        env = "BREACHDESK_TRUSTED_PROXY",
        value_name = "ADDR[,ADDR…]",
        value_delimiter = ','
    )]
    pub trusted_proxy: Vec<breachdesk_web::IpRange>,
    /// Seconds a client has to send a request's headers: the first request's from connecting
    /// (a connection that sends nothing is closed after it too), a later one's from its first
    /// byte.
    #[arg(long, env = "BREACHDESK_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Seconds a kept-alive connection may wait idle for its next request.
    #[arg(long, env = "BREACHDESK_KEEP_ALIVE_SECS", default_value_t = 75)]
    pub keep_alive_secs: u64,
    /// Connections open at once. At the limit a new connection takes the place of an idle one
    /// nearest its timeout; it is closed only when every connection is handling a request. Keep
    /// it below the process's open-file limit (`ulimit -n`).
    #[arg(long, env = "BREACHDESK_MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,
    /// Connections open at once from one address, trusted proxies exempt (0 = no limit).
    #[arg(
        long,
        env = "BREACHDESK_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 64
    )]
    pub max_connections_per_address: usize,
    /// Send `Strict-Transport-Security: max-age=SECS` (only when users reach this server over
    /// HTTPS: browsers will then refuse plain HTTP to this host for that long). Off by default.
    #[arg(long, env = "BREACHDESK_HSTS_MAX_AGE", value_name = "SECS")]
    pub hsts_max_age: Option<u64>,
    /// The address handlers reach this server at, for links printed on the console and sent by
    /// e-mail (default: `http://` and the listening address).
    #[arg(long, env = "BREACHDESK_PUBLIC_URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation that receives reports at /report/SLUG.
    Create {
        /// Lower-case letters, digits and hyphens, e.g. `uni`.
        #[arg(long)]
        slug: String,
        /// The name (usually Finnish): the default in every language.
        #[arg(long)]
        name: String,
        /// The name in Swedish, for Swedish notices and letters.
        #[arg(long)]
        name_sv: Option<String>,
        /// The name in English, for English notices and letters.
        #[arg(long)]
        name_en: Option<String>,
        /// Case reference prefix (default: the slug in capitals, e.g. `UNI`).
        #[arg(long)]
        ref_prefix: Option<String>,
        #[arg(long)]
        dpo_name: Option<String>,
        #[arg(long)]
        dpo_email: Option<String>,
        #[arg(long)]
        dpo_phone: Option<String>,
    },
    /// Set how long the organisation's cases are kept once they end: years after a case is
    /// closed (default 10) and days after it is found unfounded (default 365). Cases already
    /// ended keep the date they got.
    Retention {
        #[arg(long)]
        org: String,
        #[arg(long)]
        years: u16,
        #[arg(long)]
        unfounded_days: u16,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a handler (or give an existing one a role in another organisation); prints a
    /// one-time password for a new account. The operator on the server gives roles directly;
    /// on the desk, an administrator's request of a case-reading role waits for a DPO.
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// dpo | `security_manager` | `privacy_team` | `security_team` | communications | auditor | admin
        #[arg(long)]
        role: String,
    },
    /// Disable an account: it signs in nowhere, its sessions end and its API tokens are revoked.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account again (its old tokens stay revoked).
    Enable {
        #[arg(long)]
        email: String,
    },
    /// Remove one role of an account in one organisation.
    RemoveRole {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
    },
    /// Forget an account's authenticator and recovery codes: the next sign-in enrols anew.
    ResetSecondFactor {
        #[arg(long)]
        email: String,
    },
    /// End every session of an account.
    EndSessions {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a bearer API token for a user and print it (shown only once).
    Create {
        #[arg(long)]
        email: String,
        /// The owner's name for the token.
        #[arg(long, default_value = "command line")]
        name: String,
        /// `read_only` or `case_handling`.
        #[arg(long, default_value = "case_handling")]
        scope: String,
        /// Days until the token expires; 0 = never.
        #[arg(long, default_value_t = 90)]
        expires_days: i64,
    },
    /// List a user's tokens (never the tokens themselves).
    List {
        #[arg(long)]
        email: String,
    },
    /// Revoke a token by its id (from `token list`).
    Revoke {
        #[arg(long)]
        id: String,
    },
}
