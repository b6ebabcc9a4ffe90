//! `breachdesk`: parse arguments, set up logging, open the data dir and the store, run the
//! subcommand. The logic lives in the library crates.

mod cli;
mod commands;

use anyhow::Context;
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BREACHDESK_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let data_dir = commands::init_data_dir(&cli.global.data_dir)
        .with_context(|| format!("data dir {}", cli.global.data_dir.display()))?;
    let store = breachdesk_store::connect(cli.global.database_url.as_deref(), &data_dir)
        .await
        .context("opening the database")?;
    commands::run(cli.command, &data_dir, store).await
}
