//! Timestamps as fixed-width RFC 3339 UTC text, so that text order is time order.

use breachdesk_core::ports::StoreError;
use jiff::Timestamp;

pub fn to_text(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn from_text(s: &str) -> Result<Timestamp, StoreError> {
    s.parse().map_err(|e: jiff::Error| {
        StoreError::Other(format!("bad timestamp in database: {e}").into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips_and_sorts_like_time() {
        let a: Timestamp = "2026-11-22T09:00:00.5Z".parse().unwrap();
        let b: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        assert_eq!(from_text(&to_text(a)).unwrap(), a);
        assert!(to_text(a) < to_text(b));
        assert_eq!(to_text(b), "2026-11-22T10:00:00.000000Z");
    }
}
