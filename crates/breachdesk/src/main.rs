//! `breachdesk`: parse arguments, set up logging, open the data dir and the store, run the
//! subcommand. The logic lives in the library crates.

mod accounts;
mod backup;
mod case;
mod cli;
mod commands;
mod config;
mod mailboxes;
mod migrate;
mod notify;

use anyhow::Context;
use clap::Parser;

/// mimalloc rather than the system's allocator: a leak scan allocates a value per finding on
/// the reading threads and frees it on the linking thread, which glibc's allocator serves
/// slowly (about a sixth of a scan's time was spent in it); see docs/BENCHMARKS.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `BREACHDESK_LOG` (default `info,sqlx=warn,tower_http=warn`), with one rule no setting can
/// lift: axum's connection tracing names client addresses, which are personal data.
fn log_filter() -> tracing_subscriber::EnvFilter {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BREACHDESK_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    match "axum::serve=warn".parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(log_filter())
        .init();
    // Commands that touch no data come first: they must not create a data dir.
    if let cli::Command::Assess(args) = &cli.command {
        return commands::assess(args);
    }
    if let cli::Command::Scan(args) = &cli.command {
        return commands::scan(args);
    }
    let data_dir = commands::init_data_dir(&cli.global.data_dir)
        .with_context(|| format!("data dir {}", cli.global.data_dir.display()))?;
    if let cli::Command::Migrate(args) = &cli.command {
        return migrate::run(args, cli.global.database_url.as_deref(), &data_dir).await;
    }
    if let cli::Command::Backup(args) = &cli.command {
        return backup::backup(args, cli.global.database_url.as_deref(), &data_dir).await;
    }
    if let cli::Command::Restore(args) = &cli.command {
        return backup::restore(args, cli.global.database_url.as_deref(), &data_dir).await;
    }
    // A server must be able to store what it acknowledges: on a data dir it cannot write to
    // (a file system remounted read-only after errors, a full one), it does not start, and says
    // why (SQLite would open such a database read-only and fail each report later).
    if matches!(cli.command, cli::Command::Serve(_))
        && cli.global.database_url.is_none()
        && let Some(why) = commands::unwritable(&data_dir)
    {
        anyhow::bail!(
            "the data dir {} is {why}: BreachDesk does not start where it cannot store what it \
             acknowledges; make it writable and start again",
            data_dir.display()
        );
    }
    // Every command that opens the database holds a shared lock on the data dir while it runs
    // (`serve` for its lifetime, `retention run`, `register import` … for theirs); a restore
    // takes it exclusively, so no write lands in a database being replaced. Where the lock file
    // cannot be made (a read-only copy of a data dir), no restore can run there either.
    let _data_dir_lock = match backup::lock_file(&data_dir) {
        Ok(lock) => {
            if lock.try_lock_shared().is_err() {
                anyhow::bail!(
                    "a restore is replacing the database in {}: run this when it is done",
                    data_dir.display()
                );
            }
            Some(lock)
        }
        Err(_) if !matches!(cli.command, cli::Command::Serve(_)) => None,
        Err(e) => return Err(e),
    };
    let store = match breachdesk_store::connect_pooled(
        cli.global.database_url.as_deref(),
        &data_dir,
        cli.global.database_pool,
    )
    .await
    {
        Ok(store) => store,
        Err(e) => {
            // SQLite only says "unable to open database file": name the cause an operator can
            // act on when it is the data dir itself (issue 17: a read-only or full file system).
            if cli.global.database_url.is_none()
                && let Some(why) = commands::unwritable(&data_dir)
            {
                anyhow::bail!(
                    "the data dir {} is {why}: BreachDesk does not start where it cannot store \
                     what it acknowledges; make it writable and start again",
                    data_dir.display()
                );
            }
            return Err(anyhow::Error::new(e).context("opening the database"));
        }
    };
    commands::run(cli.command, &data_dir, store).await
}
