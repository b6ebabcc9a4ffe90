//! Per-address rate limits in front of the public and sign-in endpoints, counted in the
//! installation's shared attempt counters (issue 19): with several servers behind a load
//! balancer, a client's requests count alike whichever server answers them. Fixed windows of
//! a minute: at most `per_minute` requests in each, so at most twice that across a window's
//! edge. IPv6 clients count by their /64. The address is stored as a keyed digest, never in
//! the clear.

use std::net::IpAddr;

use jiff::SignedDuration;

use crate::{App, AppError};

/// Which limit a request counts against; each has its own counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimit {
    /// Reports sent (the form and the API).
    Intake,
    /// Receipt codes typed on the follow-up page.
    FollowUp,
    /// Passwords and second-factor codes at sign-in.
    SignIn,
}

impl RateLimit {
    const fn bucket(self) -> &'static [u8] {
        match self {
            Self::Intake => b"rate/intake",
            Self::FollowUp => b"rate/follow-up",
            Self::SignIn => b"rate/sign-in",
        }
    }
}

/// What a limit counts by: an IPv4 address, or an IPv6 address's /64 (one subscriber's
/// network: counting whole IPv6 addresses would give one client 2^64 fresh counters).
fn client_prefix(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4.to_string();
            }
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

impl App {
    /// Counts one request of `ip` against `limit`, at most `per_minute` a minute (0: no limit).
    ///
    /// # Errors
    /// [`AppError::RateLimited`] beyond the limit; a storage error when the counters cannot be
    /// reached.
    pub async fn count_request(
        &self,
        limit: RateLimit,
        ip: IpAddr,
        per_minute: u32,
    ) -> Result<(), AppError> {
        if per_minute == 0 {
            return Ok(());
        }
        let key = self
            .0
            .keyring
            .pseudonym(&[limit.bucket(), client_prefix(ip).as_bytes()]);
        let hits = self
            .0
            .store
            .counters()
            .hit(&key, SignedDuration::from_mins(1), self.now())
            .await?;
        if hits > per_minute {
            return Err(AppError::RateLimited);
        }
        Ok(())
    }

    /// Forgets ended windows and the receipt-code waits of addresses that have been quiet for
    /// a day, so the counters stay small.
    ///
    /// # Errors
    /// When the counters cannot be reached.
    pub async fn prune_counters(&self) -> Result<(), AppError> {
        let now = self.now();
        self.0
            .store
            .counters()
            .prune(now, now - crate::receipt_throttle::MAX_WAIT)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::client_prefix;

    #[test]
    fn ipv6_clients_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        let a = client_prefix("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = client_prefix("2001:db8:1:2:bbbb::9".parse().unwrap());
        let c = client_prefix("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            client_prefix("::ffff:192.0.2.7".parse().unwrap()),
            "192.0.2.7"
        );
        assert_eq!(client_prefix("192.0.2.7".parse().unwrap()), "192.0.2.7");
    }
}
