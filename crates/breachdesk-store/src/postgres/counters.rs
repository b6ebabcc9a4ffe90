//! The attempt counters on `PostgreSQL` ([`Counters`]): every server of the installation counts
//! in the same unlogged tables (`migrations/postgres/0002_counters.sql`), each count one
//! upsert, so two servers never both let the same attempt through the limit.

use async_trait::async_trait;
use breachdesk_core::ports::{CounterKey, Counters, StoreError};
use jiff::{SignedDuration, Timestamp};
use sqlx::PgPool;

use super::map_err;
use crate::counters::window_of;
use crate::time::{from_text, to_text};

#[derive(Debug, Clone)]
pub struct PgCounters {
    pub(super) pool: PgPool,
}

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

#[async_trait]
impl Counters for PgCounters {
    async fn hit(
        &self,
        key: &CounterKey,
        window: SignedDuration,
        now: Timestamp,
    ) -> Result<u32, StoreError> {
        let (start, end) = window_of(window, now)?;
        let hits: i32 = sqlx::query_scalar(
            "INSERT INTO rate_windows (key, window_start, ends_at, hits) VALUES ($1, $2, $3, 1)
             ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_windows.hits + 1
             RETURNING hits",
        )
        .bind(key.as_slice())
        .bind(start)
        .bind(to_text(end))
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(count(hits))
    }

    async fn fail(&self, key: &CounterKey, now: Timestamp) -> Result<u32, StoreError> {
        let failures: i32 = sqlx::query_scalar(
            "INSERT INTO attempt_failures (key, failures, last_at) VALUES ($1, 1, $2)
             ON CONFLICT (key) DO UPDATE SET failures = attempt_failures.failures + 1, last_at = $2
             RETURNING failures",
        )
        .bind(key.as_slice())
        .bind(to_text(now))
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(count(failures))
    }

    async fn wait_until(&self, key: &CounterKey, until: Timestamp) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE attempt_failures SET wait_until = GREATEST(coalesce(wait_until, ''), $2)
             WHERE key = $1",
        )
        .bind(key.as_slice())
        .bind(to_text(until))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn waiting_until(&self, key: &CounterKey) -> Result<Option<Timestamp>, StoreError> {
        let until: Option<Option<String>> =
            sqlx::query_scalar("SELECT wait_until FROM attempt_failures WHERE key = $1")
                .bind(key.as_slice())
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
        until.flatten().as_deref().map(from_text).transpose()
    }

    async fn clear(&self, key: &CounterKey) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM attempt_failures WHERE key = $1")
            .bind(key.as_slice())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn prune(&self, now: Timestamp, quiet_since: Timestamp) -> Result<(), StoreError> {
        let now = to_text(now);
        sqlx::query("DELETE FROM rate_windows WHERE ends_at <= $1")
            .bind(&now)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        sqlx::query(
            "DELETE FROM attempt_failures
             WHERE last_at < $2 AND (wait_until IS NULL OR wait_until <= $1)",
        )
        .bind(&now)
        .bind(to_text(quiet_since))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }
}
