//! `breachdesk user …` and `breachdesk token …` beyond creating users (issue 17): offboarding
//! from the command line, and API tokens with a name, a scope and an expiry, listed and
//! revoked. The use cases are `breachdesk_app::operator` (the operator acts as the
//! installation; every change is audited with no actor and the detail `cli`); this file parses
//! and prints.

use anyhow::{Context, bail};
use breachdesk_app::operator::Operator;
use breachdesk_core::user::{Role, TokenScope};
use uuid::Uuid;

use crate::cli::{TokenCommand, UserCommand};

type Say = fn(&str) -> anyhow::Result<()>;

pub async fn user(cmd: UserCommand, operator: &Operator, say: Say) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create { .. } => bail!("user create is handled by commands::run"),
        UserCommand::Disable { email } => {
            operator.set_disabled(&email, true).await?;
            say(&format!(
                "disabled {email}: its sessions ended and its API tokens are revoked"
            ))
        }
        UserCommand::Enable { email } => {
            operator.set_disabled(&email, false).await?;
            say(&format!("enabled {email} (its old tokens stay revoked)"))
        }
        UserCommand::RemoveRole { org, email, role } => {
            let role: Role = role.parse().map_err(|_| {
                anyhow::anyhow!(
                    "--role must be one of {}",
                    Role::ALL.map(Role::as_str).join(", ")
                )
            })?;
            let org = operator.remove_role(&org, &email, role).await?;
            say(&format!("removed role {role} of {email} in {}", org.slug))
        }
        UserCommand::ResetSecondFactor { email } => {
            operator.reset_second_factor(&email).await?;
            say(&format!(
                "reset the authenticator of {email}: the next sign-in enrols anew"
            ))
        }
        UserCommand::EndSessions { email } => {
            let n = operator.end_sessions(&email).await?;
            say(&format!("ended {n} sessions of {email}"))
        }
    }
}

pub async fn token(cmd: TokenCommand, operator: &Operator, say: Say) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create {
            email,
            name,
            scope,
            expires_days,
        } => {
            let scope =
                TokenScope::parse(&scope).context("--scope must be read_only or case_handling")?;
            let token = operator
                .create_token(&email, &name, scope, expires_days)
                .await?;
            say(&token)
        }
        TokenCommand::List { email } => {
            let lines: Vec<String> = operator
                .tokens(&email)
                .await?
                .into_iter()
                .map(|t| {
                    format!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        t.info.id,
                        t.info.scope.as_str(),
                        t.state,
                        t.info.created_at,
                        t.info
                            .expires_at
                            .map_or_else(|| "never".to_owned(), |e| e.to_string()),
                        t.info.name
                    )
                })
                .collect();
            if lines.is_empty() {
                return say(&format!("{email} has no API tokens"));
            }
            say(&lines.join("\n"))
        }
        TokenCommand::Revoke { id } => {
            let id = Uuid::parse_str(id.trim()).context("--id is not a token id")?;
            operator.revoke_token(id).await?;
            say(&format!("revoked token {id}"))
        }
    }
}
