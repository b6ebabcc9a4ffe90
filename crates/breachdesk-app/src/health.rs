//! Is this server able to do its work? (moved from the web crate, issue 19). Liveness: the
//! database answers reads and the writer is not known to be broken; after a storage fault (disk
//! full, I/O error, read-only, locked) the writer is probed with a real, durable write until one
//! commits again. Readiness: always such a write. Probes run one at a time and a success is
//! reused for a second, so that a flood of health checks cannot occupy the writer.

use std::time::{Duration, Instant};

use crate::App;

/// What a health check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Ok,
    /// The database does not answer reads.
    Unavailable,
    /// The writer cannot commit; the storage fault, described (never data).
    WriterFault(String),
}

/// The last writer probe and when it ran.
pub(crate) type LastProbe = tokio::sync::Mutex<Option<(Instant, Result<(), String>)>>;

impl App {
    /// Liveness.
    pub async fn liveness(&self) -> Health {
        if let Err(e) = self.0.store.ping().await {
            tracing::error!(error = %e, "health check: database does not answer");
            return Health::Unavailable;
        }
        if self.0.store.writer_fault().is_some() {
            return self.readiness().await;
        }
        Health::Ok
    }

    /// Readiness: can this server durably store a report right now?
    pub async fn readiness(&self) -> Health {
        let mut last = self.0.last_probe.lock().await;
        let fresh = last
            .as_ref()
            .filter(|(at, r)| r.is_ok() && at.elapsed() < Duration::from_secs(1))
            .map(|(_, r)| r.clone());
        let result = if let Some(r) = fresh {
            r
        } else {
            let r = match self.0.store.ping_writer(self.now()).await {
                Ok(()) => Ok(()),
                Err(e) => {
                    let fault = self
                        .0
                        .store
                        .writer_fault()
                        .unwrap_or_else(|| "database error".to_owned());
                    tracing::error!(error = %e, %fault, "health check: the writer cannot commit");
                    Err(fault)
                }
            };
            *last = Some((Instant::now(), r.clone()));
            r
        };
        drop(last);
        match result {
            Ok(()) => Health::Ok,
            Err(fault) => Health::WriterFault(fault),
        }
    }
}
