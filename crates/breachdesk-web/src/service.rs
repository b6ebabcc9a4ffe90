//! Intake at the HTTP edge: the per-address rate limits in front of the intake use cases
//! (`breachdesk_app::intake`), which the JSON API and the report pages both call.

use std::net::IpAddr;

use breachdesk_core::ports::ReceiptRecord;
use jiff::Timestamp;

use crate::state::AppState;

/// The use cases' error, from the application layer.
pub use breachdesk_app::AppError as ServiceError;

impl AppState {
    pub(crate) fn now(&self) -> Timestamp {
        self.0.clock.now()
    }

    pub(crate) fn check_intake_rate(&self, ip: IpAddr) -> Result<(), ServiceError> {
        match &self.0.intake_limiter {
            Some(l) if l.check_key(&ip).is_err() => Err(ServiceError::RateLimited),
            _ => Ok(()),
        }
    }

    /// A typed receipt code: the per-address rate limit here, then the use case.
    pub(crate) async fn verify_receipt(
        &self,
        ip: IpAddr,
        typed: &str,
    ) -> Result<ReceiptRecord, ServiceError> {
        if let Some(l) = &self.0.follow_up_limiter
            && l.check_key(&ip).is_err()
        {
            return Err(ServiceError::RateLimited);
        }
        self.app().verify_receipt(ip, typed).await
    }
}
