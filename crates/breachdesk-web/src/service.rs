//! Intake at the HTTP edge: the per-address rate limits in front of the intake use cases
//! (`breachdesk_app::intake`), which the JSON API and the report pages both call.

use std::net::IpAddr;

use breachdesk_app::RateLimit;
use breachdesk_core::ports::ReceiptRecord;
use jiff::Timestamp;

use crate::state::AppState;

/// The use cases' error, from the application layer.
pub use breachdesk_app::AppError as ServiceError;

impl AppState {
    pub(crate) fn now(&self) -> Timestamp {
        self.app().now()
    }

    pub(crate) async fn check_intake_rate(&self, ip: IpAddr) -> Result<(), ServiceError> {
        self.app()
            .count_request(RateLimit::Intake, ip, self.0.limits.intake_per_minute)
            .await
    }

    /// A typed receipt code: the per-address rate limit here, then the use case.
    pub(crate) async fn verify_receipt(
        &self,
        ip: IpAddr,
        typed: &str,
    ) -> Result<ReceiptRecord, ServiceError> {
        self.app()
            .count_request(RateLimit::FollowUp, ip, self.0.limits.follow_up_per_minute)
            .await?;
        self.app().verify_receipt(ip, typed).await
    }
}
