//! The client's address, for rate limits only: it is never stored or logged.
//!
//! Behind a reverse proxy the TCP peer is the proxy, and counting it would let one client use up
//! the limits of everyone (issue 17). So when — and only when — the peer is one of the configured
//! trusted proxies, the address the proxies report is believed: the right-most entry of
//! `X-Forwarded-For` or of `Forwarded` (RFC 7239, `for=`) that is not itself a trusted proxy.
//! Each proxy appends the address it received the request from, so the entries to the right of
//! the client are the proxies' and everything to its left is the client's own claim: prepending
//! addresses spoofs nothing.
//!
//! A proxy writes one of the two headers and passes the other through as the client sent it, so
//! when a request carries both they are believed only if they name the same client; otherwise,
//! or when the entry cannot be read (`unknown`, an obfuscated name), the proxy's own address
//! counts. Either way a lying client only lands in the proxy's bucket, never in another client's.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, header};

use crate::state::AppState;

/// The address rate limits count: the TCP peer, or behind a trusted proxy the client it reports.
/// 0.0.0.0 when the server runs without connect info (in-process tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        Ok(Self(
            state.0.limits.trusted_proxies.client(peer, &parts.headers),
        ))
    }
}

/// One address or a CIDR range, e.g. `10.0.0.5`, `10.0.0.0/8`, `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

/// Why `--trusted-proxy` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)")]
pub struct BadIpRange(String);

impl FromStr for IpRange {
    type Err = BadIpRange;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadIpRange(s.to_owned());
        let text = s.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr = IpAddr::from_str(addr).map_err(|_| bad())?.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
        };
        // Host bits are dropped: 192.168.1.1/16 means 192.168.0.0/16.
        let network = match addr {
            IpAddr::V4(a) => IpAddr::V4((u32::from(a) & mask32(prefix)).into()),
            IpAddr::V6(a) => IpAddr::V6((u128::from(a) & mask128(prefix)).into()),
        };
        Ok(Self { network, prefix })
    }
}

impl std::fmt::Display for IpRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn mask32(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

impl IpRange {
    /// Is `ip` in this range? IPv4-mapped IPv6 addresses count as IPv4.
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => u32::from(a) & mask32(self.prefix) == u32::from(n),
            (IpAddr::V6(n), IpAddr::V6(a)) => u128::from(a) & mask128(self.prefix) == u128::from(n),
            _ => false,
        }
    }
}

/// The peers whose forwarding headers are believed (`serve --trusted-proxy`). Empty by default:
/// then the TCP peer is the client.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[IpRange]>);

impl TrustedProxies {
    #[must_use]
    pub fn new(ranges: impl IntoIterator<Item = IpRange>) -> Self {
        Self(ranges.into_iter().collect())
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Is `ip` one of the trusted proxies?
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(ip))
    }

    /// The client's address for a request from `peer` with these headers.
    #[must_use]
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        let xff = entries(headers, &X_FORWARDED_FOR, |list| {
            list.split(',').map(node).collect()
        });
        let forwarded = entries(headers, &header::FORWARDED, forwarded_for);
        let reported = match (xff, forwarded) {
            (Some(x), None) => self.right_most_client(&x),
            (None, Some(f)) => self.right_most_client(&f),
            (Some(x), Some(f)) => Some(self.right_most_client(&x))
                .filter(|c| *c == self.right_most_client(&f))
                .flatten(),
            (None, None) => None,
        };
        reported.unwrap_or(peer)
    }

    /// Walks from the right past the trusted proxies; the first other entry is the client.
    /// `None` when that entry cannot be read or every entry is a trusted proxy.
    fn right_most_client(&self, list: &[Option<IpAddr>]) -> Option<IpAddr> {
        for entry in list.iter().rev() {
            match entry {
                Some(ip) if self.contains(*ip) => {}
                other => return *other,
            }
        }
        None
    }
}

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The entries of every instance of a list header, in order; `None` when the header is absent.
fn entries(
    headers: &HeaderMap,
    name: &HeaderName,
    parse: fn(&str) -> Vec<Option<IpAddr>>,
) -> Option<Vec<Option<IpAddr>>> {
    let mut values = headers.get_all(name).iter().peekable();
    values.peek()?;
    // A header that is not visible ASCII cannot be read: one unreadable entry.
    Some(
        values
            .flat_map(|v| v.to_str().map_or_else(|_| vec![None], parse))
            .collect(),
    )
}

/// The `for=` node of each element of a `Forwarded` header (RFC 7239 section 4); an element
/// without one is an unreadable entry.
fn forwarded_for(value: &str) -> Vec<Option<IpAddr>> {
    split_outside_quotes(value, ',')
        .into_iter()
        .map(|element| {
            split_outside_quotes(element, ';')
                .into_iter()
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, v)| node(v))
        })
        .collect()
}

fn split_outside_quotes(s: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// A node: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`, quoted or not.
/// `unknown` and obfuscated identifiers (`_hidden`) are unreadable.
fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    let ip = IpAddr::from_str(text)
        .ok()
        .or_else(|| SocketAddr::from_str(text).ok().map(|a| a.ip()))
        .or_else(|| {
            text.strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| IpAddr::from_str(t).ok())
        })?;
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::new(list.split(',').map(|r| r.parse().unwrap()))
    }

    fn headers(pairs: &[(&HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    static XFF: HeaderName = X_FORWARDED_FOR;
    static FWD: HeaderName = header::FORWARDED;

    #[test]
    fn ranges_are_read_as_addresses_or_cidr_and_nonsense_is_refused() {
        assert!(proxies("10.0.0.0/8").contains(ip("10.200.3.4")));
        assert!(!proxies("10.0.0.0/8").contains(ip("11.0.0.1")));
        assert!(proxies("192.168.1.1/16").contains(ip("192.168.7.7")));
        assert!(proxies("fd00::/8").contains(ip("fd12::1")));
        assert!(proxies("127.0.0.1").contains(ip("::ffff:127.0.0.1")));
        assert!(proxies("0.0.0.0/0").contains(ip("203.0.113.1")));
        assert!(!proxies("0.0.0.0/0").contains(ip("2001:db8::1")));
        for bad in [
            "",
            "10.0.0.0/33",
            "fd00::/129",
            "example.org",
            "10.0.0.0/x",
            "10.0.0",
        ] {
            assert!(bad.parse::<IpRange>().is_err(), "{bad}");
        }
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let h = headers(&[(&XFF, "198.51.100.1"), (&FWD, "for=198.51.100.1")]);
        assert_eq!(
            TrustedProxies::default().client(ip("203.0.113.5"), &h),
            ip("203.0.113.5")
        );
        assert_eq!(
            proxies("10.0.0.1").client(ip("203.0.113.5"), &h),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client() {
        let p = proxies("10.0.0.1,10.1.0.0/16");
        let peer = ip("10.0.0.1");
        let client = |pairs: &[(&HeaderName, &str)]| p.client(peer, &headers(pairs));
        assert_eq!(client(&[(&XFF, "198.51.100.7")]), ip("198.51.100.7"));
        // The client prepended a lie; the proxies appended the truth.
        assert_eq!(
            client(&[(&XFF, "203.0.113.9, 198.51.100.7, 10.1.2.3")]),
            ip("198.51.100.7")
        );
        assert_eq!(
            client(&[(&XFF, "203.0.113.9"), (&XFF, "198.51.100.7")]),
            ip("198.51.100.7")
        );
        assert_eq!(client(&[(&XFF, "198.51.100.7:4711")]), ip("198.51.100.7"));
        assert_eq!(client(&[(&XFF, "[2001:db8::7]:4711")]), ip("2001:db8::7"));
        assert_eq!(
            client(&[(
                &FWD,
                "for=203.0.113.9, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.1"
            )]),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            client(&[(&FWD, "For=\"198.51.100.7:80\", for=10.1.0.9")]),
            ip("198.51.100.7")
        );
        // Both headers, naming the same client: believed.
        assert_eq!(
            client(&[(&XFF, "198.51.100.7"), (&FWD, "for=198.51.100.7")]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn what_cannot_be_trusted_counts_as_the_proxy_itself() {
        let p = proxies("10.0.0.1");
        let peer = ip("10.0.0.1");
        let client = |pairs: &[(&HeaderName, &str)]| p.client(peer, &headers(pairs));
        assert_eq!(client(&[]), peer);
        assert_eq!(client(&[(&XFF, "")]), peer);
        assert_eq!(client(&[(&XFF, "10.0.0.1")]), peer);
        assert_eq!(client(&[(&XFF, "198.51.100.7, garbage")]), peer);
        assert_eq!(client(&[(&FWD, "for=unknown")]), peer);
        assert_eq!(client(&[(&FWD, "for=_hidden, for=10.0.0.1")]), peer);
        assert_eq!(client(&[(&FWD, "proto=https")]), peer);
        // The proxy wrote one header, the client the other: which is which cannot be told.
        assert_eq!(
            client(&[(&XFF, "198.51.100.7"), (&FWD, "for=203.0.113.9")]),
            peer
        );
    }
}
