//! The subcommands.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use breachdesk_core::clock::SystemClock;
use breachdesk_core::org::{NewOrganisation, OrgSlug};
use breachdesk_core::ports::{Store, StoreError};
use breachdesk_core::report::is_plausible_email;
use breachdesk_core::user::Role;
use breachdesk_crypto::{Argon2Hasher, HashCost, MasterKey, MasterKeyring};

use crate::cli::{AssessArgs, AuditCommand, Command, OrgCommand, ServeArgs, UserCommand};

/// Creates the data dir (mode 0700) if it does not exist.
pub fn init_data_dir(dir: &Path) -> anyhow::Result<PathBuf> {
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).context("creating the data dir")?;
        tracing::info!(path = %dir.display(), "initialised a new data dir");
    }
    Ok(dir.to_path_buf())
}

/// Prints a line on stdout for the operator (or the test that started us).
pub(crate) fn say(line: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    // One write for the whole text, even when it spans lines: a reader that takes only the first
    // line and goes away must not break the server with a half-written second one.
    out.write_all(format!("{line}\n").as_bytes())?;
    out.flush()?;
    Ok(())
}

pub async fn run(command: Command, data_dir: &Path, store: Arc<dyn Store>) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve(args, data_dir, store).await,
        Command::Assess(args) => assess(&args),
        Command::Scan(args) => scan(&args),
        Command::Notify(cmd) => crate::notify::run(cmd, data_dir, store).await,
        Command::Case(cmd) => crate::case::run(cmd, data_dir, store).await,
        Command::Migrate(_) => bail!("migrate runs before a store is opened"),
        Command::Backup(_) | Command::Restore(_) => {
            bail!("backup and restore run before a store is opened")
        }
        Command::Audit(AuditCommand::Verify) => audit_verify(&operator(&store)).await,
        Command::Register(crate::cli::RegisterCommand::Import { file, org, keys }) => {
            let meta = std::fs::metadata(&file).with_context(|| format!("{}", file.display()))?;
            if meta.len() > 64 * 1024 * 1024 {
                bail!("{}: larger than 64 MiB", file.display());
            }
            let bytes = std::fs::read(&file).with_context(|| format!("{}", file.display()))?;
            let (app, _) = app(&keys, data_dir, store).await?;
            let Some(organisation) = app.organisation_by_slug(&org).await? else {
                bail!("no organisation with slug {org}");
            };
            let n = app.import_register(None, organisation.id, &bytes).await?;
            say(&format!(
                "{n} breaches of the old register imported into {org} as closed historical cases"
            ))
        }
        Command::Retention(crate::cli::RetentionCommand::Run { keys }) => {
            let (app, _) = app(&keys, data_dir, store).await?;
            let r = app.run_retention().await?;
            say(&format!(
                "retention: {} cases destroyed{}{}",
                r.destroyed,
                if r.held > 0 {
                    format!(", {} held meanwhile and kept", r.held)
                } else {
                    String::new()
                },
                if r.bound > 0 {
                    format!(
                        "; {} case keys from before the key vault bound to it",
                        r.bound
                    )
                } else {
                    String::new()
                }
            ))
        }
        Command::Org(OrgCommand::Retention {
            org,
            years,
            unfounded_days,
        }) => {
            let org = operator(&store)
                .set_retention(
                    &org,
                    breachdesk_core::retention::Retention {
                        years,
                        unfounded_days,
                    },
                )
                .await?;
            say(&format!(
                "{}: closed cases are kept {} years, unfounded ones {} days",
                org.slug.as_str(),
                org.retention.years,
                org.retention.unfounded_days
            ))
        }
        Command::Org(OrgCommand::Create {
            slug,
            name,
            name_sv,
            name_en,
            ref_prefix,
            dpo_name,
            dpo_email,
            dpo_phone,
        }) => {
            let slug = OrgSlug::try_from(slug.as_str()).map_err(|_| {
                anyhow::anyhow!(
                    "--slug: use 2–40 characters: lower-case letters, digits and inner hyphens"
                )
            })?;
            if name.trim().is_empty() {
                bail!("--name must not be empty");
            }
            if let Some(e) = &dpo_email
                && !is_plausible_email(e)
            {
                bail!("--dpo-email is not a valid e-mail address");
            }
            let prefix = ref_prefix.unwrap_or_else(|| slug.default_ref_prefix());
            if !breachdesk_core::org::is_valid_ref_prefix(&prefix) {
                bail!("--ref-prefix: use 1–12 capital letters or digits");
            }
            let org = NewOrganisation {
                slug,
                name: name.trim().to_owned(),
                name_sv: name_sv
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty()),
                name_en: name_en
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty()),
                dpo_name,
                dpo_email,
                dpo_phone,
            };
            match operator(&store).create_org(&org, &prefix).await {
                Ok(o) => say(&format!(
                    "created organisation {} ({}); report form at /report/{}",
                    o.slug, o.ref_prefix, o.slug
                )),
                Err(StoreError::Conflict(_)) => {
                    bail!("an organisation with slug {} already exists", org.slug)
                }
                Err(e) => Err(e).context("creating the organisation"),
            }
        }
        Command::User(UserCommand::Create { org, email, role }) => {
            let role: Role = role.parse().map_err(|_| {
                anyhow::anyhow!(
                    "--role must be one of {}",
                    Role::ALL.map(Role::as_str).join(", ")
                )
            })?;
            let email = email.trim().to_lowercase();
            if !is_plausible_email(&email) {
                bail!("--email is not a valid e-mail address");
            }
            let (account, org) = operator(&store).create_user(&org, &email, role).await?;
            match account.password {
                // Printed on a console: its owner replaces it at the first sign-in.
                Some(password) => say(&format!(
                    "created user {email} with role {role} in {}\none-time password: {password}",
                    org.slug
                )),
                None => say(&format!(
                    "user {email} already existed; role {role} in {} added",
                    org.slug
                )),
            }
        }
        Command::Token(cmd) => crate::accounts::token(cmd, &operator(&store), say).await,
        Command::User(cmd) => crate::accounts::user(cmd, &operator(&store), say).await,
    }
}

/// A case by its reference (or id) among all organisations' cases.
pub(crate) async fn find_case(
    store: &Arc<dyn Store>,
    wanted: &str,
) -> anyhow::Result<breachdesk_core::ports::CaseRecord> {
    operator(store)
        .find_case(wanted)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no case {wanted:?}"))
}

/// The application for the letter commands: the store, the keys and, when configured, the
/// SMTP courier — nothing of the web server (no rate limiters, translations or dummy hashes).
pub(crate) async fn app(
    keys: &crate::cli::KeyArgs,
    data_dir: &Path,
    store: Arc<dyn Store>,
) -> anyhow::Result<(breachdesk_app::App, crate::config::ConfigFile)> {
    let config = crate::config::ConfigFile::load(keys.config.as_deref(), data_dir)?;
    let key = master_key(keys.master_key_file.as_deref(), data_dir)?;
    let courier = match &config.smtp {
        Some(smtp) => Some(Arc::new(
            breachdesk_notify::Courier::new(smtp).map_err(|e| anyhow::anyhow!("smtp: {e}"))?,
        )),
        None => None,
    };
    let keyring = keyring(&key, keys.key_vault.as_deref(), data_dir)?;
    check_vault(&*store, &keyring).await?;
    let app = breachdesk_app::App::new(
        store,
        Arc::new(keyring),
        Arc::new(Argon2Hasher::new(HashCost::Owasp)),
        Arc::new(SystemClock),
        breachdesk_app::MailSettings {
            courier,
            ..breachdesk_app::MailSettings::default()
        },
    );
    Ok((app, config))
}

/// The operator's use cases over the store (no master key needed).
pub(crate) fn operator(store: &Arc<dyn Store>) -> breachdesk_app::operator::Operator {
    breachdesk_app::operator::Operator::new(
        store.clone(),
        Arc::new(Argon2Hasher::new(HashCost::Owasp)),
        Arc::new(SystemClock),
    )
}

/// Why files cannot be written in `dir`, if they cannot: found by writing a small file there
/// and removing it again.
pub(crate) fn unwritable(dir: &Path) -> Option<&'static str> {
    let probe = dir.join(format!(".breachdesk-write-check-{}", std::process::id()));
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"x"));
    let _ = std::fs::remove_file(&probe);
    match result {
        Ok(()) => None,
        Err(e) => Some(match e.kind() {
            std::io::ErrorKind::ReadOnlyFilesystem => "on a read-only file system",
            std::io::ErrorKind::StorageFull => "on a full file system",
            std::io::ErrorKind::PermissionDenied => "not writable for this user",
            _ => "not writable",
        }),
    }
}

pub(crate) fn master_key(file: Option<&Path>, data_dir: &Path) -> anyhow::Result<MasterKey> {
    if let Ok(text) = std::env::var("BREACHDESK_MASTER_KEY") {
        return MasterKey::from_base64(&text).context("BREACHDESK_MASTER_KEY");
    }
    if let Some(path) = file {
        return MasterKey::read_file(path).context("--master-key-file");
    }
    let path = data_dir.join("master.key");
    let (key, created) = MasterKey::load_or_create(&path)?;
    if created {
        tracing::warn!(path = %path.display(), "created a new master key; back it up: without it no report can be read");
    }
    Ok(key)
}

/// Where the key vault is: `--key-vault` (or `BREACHDESK_KEY_VAULT`), else `case-keys` in the
/// data dir.
pub(crate) fn vault_dir(given: Option<&Path>, data_dir: &Path) -> std::path::PathBuf {
    given.map_or_else(|| data_dir.join("case-keys"), Path::to_path_buf)
}

/// The installation's keyring: the master key and the key vault (created on first use, mode
/// 0700).
pub(crate) fn keyring(
    key: &MasterKey,
    vault: Option<&Path>,
    data_dir: &Path,
) -> anyhow::Result<MasterKeyring> {
    let vault = breachdesk_crypto::KeyVault::open(&vault_dir(vault, data_dir))?;
    Ok(MasterKeyring::with_vault(key, vault))
}

/// Refuses a key vault that cannot be the installation's: one holding nothing while the
/// database holds case keys bound to a vault (a server of several started without
/// `BREACHDESK_KEY_VAULT`, a vault copy not put back): new cases would be readable only there,
/// and no case there could be opened.
pub(crate) async fn check_vault(store: &dyn Store, keyring: &MasterKeyring) -> anyhow::Result<()> {
    if let Some(vault) = keyring.vault()
        && vault.is_empty()?
        && store.has_vault_bound_keys().await?
    {
        bail!(
            "the key vault {} is empty, but this database holds cases whose keys are in a key \
             vault: give the installation's vault with --key-vault (BREACHDESK_KEY_VAULT), or put \
             its copy back (README, Backups); nothing was started",
            vault.dir().display()
        );
    }
    Ok(())
}

/// The installation's master key, which must exist already (from the environment, the given
/// file or the data dir's `master.key`); never creates one.
pub(crate) fn existing_master_key(
    file: Option<&Path>,
    data_dir: &Path,
) -> anyhow::Result<MasterKey> {
    if std::env::var_os("BREACHDESK_MASTER_KEY").is_none() && file.is_none() {
        let path = data_dir.join("master.key");
        if !path.exists() {
            bail!(
                "no master key at {} (give --master-key-file or BREACHDESK_MASTER_KEY)",
                path.display()
            );
        }
        return MasterKey::read_file(&path).context("master.key");
    }
    master_key(file, data_dir)
}

async fn serve(args: ServeArgs, data_dir: &Path, store: Arc<dyn Store>) -> anyhow::Result<()> {
    let config = crate::config::ConfigFile::load(args.config.as_deref(), data_dir)?;
    let reminders = config.reminder_schedule()?;
    let mut mailer: Option<Arc<dyn breachdesk_core::ports::Mailer>> = None;
    let mut courier = None;
    if let Some(smtp) = &config.smtp {
        let m =
            breachdesk_notify::SmtpMailer::new(smtp).map_err(|e| anyhow::anyhow!("smtp: {e}"))?;
        mailer = Some(Arc::new(m));
        courier = Some(Arc::new(
            breachdesk_notify::Courier::new(smtp).map_err(|e| anyhow::anyhow!("smtp: {e}"))?,
        ));
    } else {
        tracing::warn!("no [smtp] in the configuration: deadline reminders are not mailed");
    }
    let key = master_key(args.master_key_file.as_deref(), data_dir)?;
    if args.master_key_file.is_none() && std::env::var_os("BREACHDESK_MASTER_KEY").is_none() {
        // The contract's default, but a copy of the data dir then holds the database and its key
        // together (issue 17; docs/SECURITY.md "Keys").
        tracing::warn!(
            "the master key file is in the data dir: a copy of that folder holds both the database \
             and its key; keep the key elsewhere (--master-key-file on another volume, or \
             BREACHDESK_MASTER_KEY from a secrets manager) and back it up separately"
        );
    }
    let limits = breachdesk_web::Limits {
        intake_per_minute: args.intake_per_minute,
        follow_up_per_minute: args.follow_up_per_minute,
        max_receipt_failures: args.max_receipt_failures.max(1),
        receipt_lockout: jiff::SignedDuration::from_mins(args.receipt_lockout_minutes.max(1)),
        max_body_bytes: args.max_body_kib.max(1) * 1024,
        request_timeout: std::time::Duration::from_secs(args.request_timeout_secs.max(1)),
        receipt_pool: args.receipt_pool,
        max_attachment_bytes: args.max_attachment_mib.max(1) * 1024 * 1024,
        sign_in_per_minute: args.sign_in_per_minute,
        max_login_failures: args.max_login_failures.max(1),
        login_lockout: jiff::SignedDuration::from_mins(args.login_lockout_minutes.max(1)),
        session_idle: jiff::SignedDuration::from_mins(args.session_idle_minutes.max(1)),
        session_absolute: jiff::SignedDuration::from_hours(args.session_max_hours.max(1)),
        secure_cookies: !args.insecure_cookies,
        trusted_proxies: breachdesk_web::TrustedProxies::new(args.trusted_proxy),
        header_read_timeout: std::time::Duration::from_secs(args.header_timeout_secs.max(1)),
        keep_alive_timeout: std::time::Duration::from_secs(args.keep_alive_secs.max(1)),
        max_connections: args.max_connections.max(1),
        max_connections_per_address: args.max_connections_per_address,
        hsts_max_age: args.hsts_max_age,
    };
    let keyring = keyring(&key, args.key_vault.as_deref(), data_dir)?;
    check_vault(&*store, &keyring).await?;
    let state = breachdesk_web::AppState::new(
        store,
        keyring,
        Argon2Hasher::new(HashCost::Owasp),
        Arc::new(SystemClock),
        limits,
    );
    drop(key);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving");
    let shutdown = shutdown_signal()?;
    let base = args
        .public_url
        .as_deref()
        .or(config.public_url.as_deref())
        .map_or_else(
            || format!("http://{addr}"),
            |u| u.trim_end_matches('/').to_owned(),
        );
    let mut announcement = format!("listening on http://{addr}");
    // An installation without accounts: one link, valid for a day, creates the first
    // administrator. It goes to the console only, never to the log. (One write with the
    // listening line, so that a supervisor reading only the first line does not break it.)
    if let Some(token) = state.first_admin_setup_token().await? {
        announcement = format!(
            "{announcement}\nno accounts yet: create the first administrator at {base}/setup/{token} (valid for 24 hours, once)"
        );
    }
    say(&announcement)?;
    let delivery = config.delivery();
    let state = state.with_mail(breachdesk_web::MailSettings {
        mailer,
        courier,
        reminders,
        public_url: base,
        delivery,
    });
    // The scheduler: new-report alerts as soon as a report is stored; reminders that fell due
    // within a round (a minute by default); the retention run once a day (and at start).
    let every = std::time::Duration::from_secs(args.schedule_every_secs.max(1));
    let scheduler = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let day = std::time::Duration::from_hours(24);
            let mut retention_ran: Option<std::time::Instant> = None;
            loop {
                // A round on every tick, and at once when a report has been stored (its alert).
                tokio::select! {
                    _ = tick.tick() => {}
                    () = state.report_stored() => {}
                }
                match state.send_report_alerts().await {
                    Ok(r) if r.failed > 0 => {
                        tracing::warn!(
                            sent = r.sent,
                            failed = r.failed,
                            "new-report alerts: some not delivered"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "new-report alerts: the store failed"),
                }
                if retention_ran.is_none_or(|t| t.elapsed() >= day) {
                    match state.run_retention().await {
                        Ok(r) => {
                            retention_ran = Some(std::time::Instant::now());
                            if r.destroyed > 0 {
                                tracing::info!(destroyed = r.destroyed, "retention run");
                            }
                        }
                        Err(e) => tracing::error!(error = %e, "retention: the run failed"),
                    }
                }
                match state.send_due_reminders().await {
                    Ok(r) if r.failed > 0 => {
                        tracing::warn!(
                            sent = r.sent,
                            failed = r.failed,
                            "reminders: some not delivered"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "reminders: the store failed"),
                }
                // Letters due again (after a temporary refusal or a crashed run).
                if let Err(e) = state.deliver_due_letters().await {
                    tracing::error!(error = %e, "letters: the delivery round failed");
                }
            }
        })
    };
    let mailboxes = crate::mailboxes::start(&config, &state).await?;
    let served = breachdesk_web::serve(listener, state, shutdown).await;
    scheduler.abort();
    for reader in mailboxes {
        reader.abort();
    }
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// Listens for SIGTERM and Ctrl-C from now on (before the server announces itself, so that a
/// signal sent right after start-up is not lost) and completes when one arrives.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("installing the SIGTERM handler")?;
    #[cfg(unix)]
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("installing the SIGINT handler")?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    })
}

/// A progress bar on standard error when it is a terminal (bytes, throughput, ETA); nothing
/// otherwise, so that pipes and CI logs stay clean.
struct ScanBar(Option<indicatif::ProgressBar>);

impl ScanBar {
    fn new() -> Self {
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            return Self(None);
        }
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {msg} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {wide_bar}",
        ) {
            bar.set_style(style);
        }
        Self(Some(bar))
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl breachdesk_scan::Progress for ScanBar {
    fn start(&self, files: u64, bytes: u64) {
        if let Some(b) = &self.0 {
            b.set_length(bytes);
            b.set_message(format!("{files} files"));
        }
    }

    fn file_done(&self, bytes: u64) {
        if let Some(b) = &self.0 {
            b.inc(bytes);
        }
    }
}

/// `breachdesk scan PATH`: the leak scanner. Output files may not lie inside the scanned tree.
/// An output file being written: a temporary file beside its destination, and the destination.
type Output = (std::io::BufWriter<tempfile::NamedTempFile>, PathBuf);

/// `--findings` and `--subjects` as JSON lines.
#[derive(Default)]
struct JsonLines {
    findings: Option<Output>,
    subjects: Option<Output>,
}

fn json_line(out: &mut Option<Output>, line: &impl serde::Serialize) -> std::io::Result<()> {
    if let Some((w, _)) = out {
        serde_json::to_writer(&mut *w, line)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

impl breachdesk_scan::Sink for JsonLines {
    fn finding(&mut self, line: breachdesk_scan::FindingLine) -> std::io::Result<()> {
        json_line(&mut self.findings, &line)
    }

    fn subject(&mut self, line: breachdesk_scan::SubjectLine) -> std::io::Result<()> {
        json_line(&mut self.subjects, &line)
    }
}

pub fn scan(args: &crate::cli::ScanArgs) -> anyhow::Result<()> {
    use std::fmt::Write as _;

    let customer_number = breachdesk_scan::CustomerNumbers::new(
        args.customer_number.as_deref(),
        &args.customer_number_labels,
    )
    .map_err(|e| anyhow::anyhow!("--customer-number: {e}"))?;
    let root = std::fs::canonicalize(&args.path)
        .with_context(|| format!("cannot read {}", args.path.display()))?;
    // Each output is written to a temporary file beside it, which replaces it only when the scan
    // is complete; the scan's own temporary files go to the same directory.
    let mut outputs = JsonLines::default();
    let mut spill_dir = None;
    for (out, slot) in [
        (&args.findings, &mut outputs.findings),
        (&args.subjects, &mut outputs.subjects),
    ] {
        let Some(out) = out else { continue };
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let parent = std::fs::canonicalize(parent)
            .with_context(|| format!("cannot write {}", out.display()))?;
        if parent.starts_with(&root) {
            bail!(
                "{} is inside the scanned tree: a scan never writes there; choose another place",
                out.display()
            );
        }
        let file = tempfile::NamedTempFile::new_in(&parent)
            .with_context(|| format!("cannot write {}", out.display()))?;
        *slot = Some((std::io::BufWriter::new(file), out.clone()));
        spill_dir = Some(parent);
    }
    let options = breachdesk_scan::Options {
        max_file_bytes: args.max_file_mib.max(1) * 1024 * 1024,
        customer_number: Some(customer_number),
        reveal: args.reveal,
        collect_findings: args.findings.is_some(),
        collect_subjects: args.subjects.is_some(),
        spill_dir,
        ..breachdesk_scan::Options::default()
    };
    let started = std::time::Instant::now();
    let bar = ScanBar::new();
    let report = breachdesk_scan::scan_into(&root, &options, &bar, &mut outputs)?;
    bar.finish();
    let elapsed = started.elapsed();
    for (w, path) in [outputs.findings, outputs.subjects].into_iter().flatten() {
        w.into_inner()
            .map_err(std::io::IntoInnerError::into_error)
            .and_then(|f| f.persist(&path).map_err(|e| e.error))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.json {
        return say(&serde_json::to_string_pretty(&report)?);
    }
    let mut out = String::new();
    let f = report.files;
    let _ = writeln!(
        out,
        "scanned {} files in {:.1} s ({} skipped, {} failed)",
        f.scanned,
        elapsed.as_secs_f64(),
        f.skipped,
        f.failed
    );
    let _ = writeln!(out, "distinct data subjects: {}", report.subjects);
    let _ = writeln!(
        out,
        "  of which identified only by a name with an address: {}",
        report.subjects_by_name_and_address
    );
    let _ = writeln!(
        out,
        "  of which known only by a card, account or customer number and a name that another \
         subject with contact details has (at most this many may be duplicates; a name alone \
         does not link): {}",
        report.subjects_named_like_another
    );
    let _ = writeln!(
        out,
        "  joined to another: a card and its holder's name to the one subject of that name whose \
         records show the card masked with the same last four digits (were any of them other \
         people, there would be this many more): {}",
        report.subjects_joined_by_name_and_card_ending
    );
    let _ = writeln!(
        out,
        "  joined to another: a Finnish or Swedish number written without its country, read as \
         the other country's number that the leak holds with its country and a name (were any \
         of them other people, there would be this many more): {}",
        report.subjects_joined_by_a_number_read_again
    );
    let _ = writeln!(
        out,
        "  joined to another: a first name alone with an address, to the one subject of a full \
         name with that first name at that address (were any of them other people, there would \
         be this many more): {}",
        report.subjects_joined_by_first_name_and_address
    );
    let _ = writeln!(
        out,
        "{:<18} {:>12} {:>16}",
        "category", "occurrences", "distinct values"
    );
    for (id, c) in &report.categories {
        let _ = writeln!(
            out,
            "{id:<18} {:>12} {:>16}",
            c.occurrences, c.distinct_values
        );
    }
    for p in &report.problems {
        let _ = writeln!(out, "{}: {} ({})", p.outcome, p.file, p.reason);
    }
    say(out.trim_end())
}

/// `breachdesk assess FILE`: the engine on a case description, the result and its reasoning as
/// JSON on stdout. Malformed input is refused with the place of the error and nothing printed on
/// stdout.
pub fn assess(args: &AssessArgs) -> anyhow::Result<()> {
    use breachdesk_core::assessment;
    use breachdesk_core::report::Language;

    if args.schema {
        return say(&serde_json::to_string_pretty(&assessment::input_schema())?);
    }
    let Some(file) = &args.file else {
        bail!("give the FILE to assess, or --schema");
    };
    let text = if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("reading standard input")?;
        text
    } else {
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?
    };
    let input: assessment::AssessmentInput = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: not a valid case description: {e}", file.display()))?;
    let result =
        assessment::assess(&input).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let lang = Language::parse(&args.lang).unwrap_or(Language::En);
    let out = serde_json::json!({
        "language": lang.as_str(),
        "result": result,
        "explanation": assessment::explain(lang, &result),
    });
    say(&serde_json::to_string_pretty(&out)?)
}

/// `breachdesk audit verify`: the whole chain, every break named by its sequence number.
async fn audit_verify(operator: &breachdesk_app::operator::Operator) -> anyhow::Result<()> {
    let check = operator
        .verify_audit()
        .await
        .context("reading the audit trail")?;
    for p in &check.problems {
        say(&format!("BROKEN: {p}"))?;
    }
    let head = check.head.map_or_else(
        || "empty".to_owned(),
        |(seq, hash)| {
            use std::fmt::Write as _;
            let mut hex = String::with_capacity(64);
            for b in hash {
                let _ = write!(hex, "{b:02x}");
            }
            format!("seq {seq} hash {hex}")
        },
    );
    if check.problems.is_empty() {
        say(&format!(
            "audit trail intact: {} entries; head {head}",
            check.entries
        ))?;
        Ok(())
    } else {
        say(&format!(
            "audit trail BROKEN: {} problem(s) in {} entries; head {head}",
            check.problems.len(),
            check.entries
        ))?;
        std::process::exit(1);
    }
}
