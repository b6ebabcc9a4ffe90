//! The audit trail: every read of case content and every change, appended to a hash chain.
//!
//! Each entry's hash covers its content and the hash of the entry before it, so an entry edited,
//! deleted or moved breaks the chain where it happened; [`verify`] says where and how. Entries
//! carry ids and codes, never personal data (the reasons and texts live, sealed, in the case).
//!
//! What a chain cannot show by itself is the loss of its newest entries; `breachdesk audit verify`
//! prints the head (sequence number and hash) so that an operator can keep it elsewhere and compare.

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash before the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// What happened, as a stable code (`case.read`, `case.status`, …) and non-personal detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub actor: Option<Uuid>,
    pub org_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub action: &'static str,
    /// Ids, enum values and counts only: e.g. `received->triage`.
    pub detail: String,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: Option<Uuid>,
    pub org_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub action: String,
    pub detail: String,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

fn put(h: &mut Sha256, field: &[u8]) {
    h.update((field.len() as u64).to_be_bytes());
    h.update(field);
}

fn put_id(h: &mut Sha256, id: Option<Uuid>) {
    match id {
        Some(id) => put(h, id.as_bytes()),
        None => put(h, &[]),
    }
}

/// The hash of an entry: length-prefixed fields, so no two different entries encode alike.
#[must_use]
pub fn entry_hash(
    prev: &[u8; 32],
    at: Timestamp,
    actor: Option<Uuid>,
    org_id: Option<Uuid>,
    case_id: Option<Uuid>,
    action: &str,
    detail: &str,
) -> [u8; 32] {
    let mut h = Sha256::new();
    put(&mut h, b"breachdesk-audit-v1");
    put(&mut h, prev);
    put(&mut h, &at.as_nanosecond().to_be_bytes());
    put_id(&mut h, actor);
    put_id(&mut h, org_id);
    put_id(&mut h, case_id);
    put(&mut h, action.as_bytes());
    put(&mut h, detail.as_bytes());
    h.finalize().into()
}

impl AuditRecord {
    /// The entry that follows `prev` (its seq and hash) for `event` at `at`.
    #[must_use]
    pub fn next(prev_seq: i64, prev_hash: [u8; 32], at: Timestamp, event: &AuditEvent) -> Self {
        // Stores keep microseconds: hash what will be read back.
        let at = Timestamp::from_microsecond(at.as_microsecond()).unwrap_or(at);
        let hash = entry_hash(
            &prev_hash,
            at,
            event.actor,
            event.org_id,
            event.case_id,
            event.action,
            &event.detail,
        );
        Self {
            seq: prev_seq + 1,
            at,
            actor: event.actor,
            org_id: event.org_id,
            case_id: event.case_id,
            action: event.action.to_owned(),
            detail: event.detail.clone(),
            prev_hash,
            hash,
        }
    }

    fn computed_hash(&self) -> [u8; 32] {
        entry_hash(
            &self.prev_hash,
            self.at,
            self.actor,
            self.org_id,
            self.case_id,
            &self.action,
            &self.detail,
        )
    }
}

/// A break in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditProblem {
    /// The entry's content no longer matches its hash.
    Edited { seq: i64 },
    /// Entries are missing: sequence numbers jump, or the entry's predecessor is gone.
    Deleted { before_seq: i64 },
    /// The entry follows a different entry than the one before it: entries were moved.
    Reordered { seq: i64 },
}

impl std::fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Edited { seq } => write!(
                f,
                "entry {seq} was edited: its content does not match its hash"
            ),
            Self::Deleted { before_seq } => write!(f, "entries before {before_seq} were deleted"),
            Self::Reordered { seq } => write!(
                f,
                "entry {seq} was moved: it follows another entry than the one before it"
            ),
        }
    }
}

/// Checks a whole trail, in sequence order, and lists every break found.
#[must_use]
pub fn verify(records: &[AuditRecord]) -> Vec<AuditProblem> {
    let all_hashes: std::collections::HashSet<[u8; 32]> = records.iter().map(|r| r.hash).collect();
    let mut problems = Vec::new();
    let mut prev_seq = 0;
    let mut prev_hash = GENESIS;
    for r in records {
        if r.computed_hash() != r.hash {
            problems.push(AuditProblem::Edited { seq: r.seq });
        } else if r.prev_hash != prev_hash {
            if r.prev_hash != GENESIS && all_hashes.contains(&r.prev_hash) {
                problems.push(AuditProblem::Reordered { seq: r.seq });
            } else {
                problems.push(AuditProblem::Deleted { before_seq: r.seq });
            }
        } else if r.seq != prev_seq + 1 {
            problems.push(AuditProblem::Deleted { before_seq: r.seq });
        }
        prev_seq = r.seq;
        prev_hash = r.hash;
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        let start: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        let case = Some(Uuid::from_u128(7));
        for i in 0..n {
            let (seq, hash) = out.last().map_or((0, GENESIS), |r| (r.seq, r.hash));
            let event = AuditEvent {
                actor: Some(Uuid::from_u128(1)),
                org_id: Some(Uuid::from_u128(2)),
                case_id: case,
                action: if i % 2 == 0 {
                    "case.read"
                } else {
                    "case.status"
                },
                detail: format!("step {i}"),
            };
            out.push(AuditRecord::next(
                seq,
                hash,
                start
                    .checked_add(jiff::SignedDuration::from_secs(i))
                    .unwrap(),
                &event,
            ));
        }
        out
    }

    #[test]
    fn times_are_hashed_at_the_precision_stores_keep() {
        let at: Timestamp = "2026-11-22T10:00:00.123456789Z".parse().unwrap();
        let event = AuditEvent {
            actor: None,
            org_id: None,
            case_id: None,
            action: "x",
            detail: String::new(),
        };
        let mut r = AuditRecord::next(0, GENESIS, at, &event);
        assert_eq!(
            r.at,
            "2026-11-22T10:00:00.123456Z".parse::<Timestamp>().unwrap()
        );
        r.at = Timestamp::from_microsecond(r.at.as_microsecond()).unwrap();
        assert!(verify(&[r]).is_empty());
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert!(verify(&chain(10)).is_empty());
        assert!(verify(&[]).is_empty());
    }

    #[test]
    fn an_edited_entry_is_found_where_it_is() {
        let mut c = chain(10);
        c[4].detail = "triage->closed".into();
        assert_eq!(verify(&c), vec![AuditProblem::Edited { seq: 5 }]);
        let mut c = chain(10);
        c[6].actor = Some(Uuid::from_u128(99));
        assert_eq!(verify(&c), vec![AuditProblem::Edited { seq: 7 }]);
        let mut c = chain(10);
        c[2].at = c[2]
            .at
            .checked_add(jiff::SignedDuration::from_secs(1))
            .unwrap();
        assert_eq!(verify(&c), vec![AuditProblem::Edited { seq: 3 }]);
    }

    #[test]
    fn a_deleted_entry_is_found_even_when_renumbered() {
        let mut c = chain(10);
        c.remove(3);
        assert_eq!(verify(&c), vec![AuditProblem::Deleted { before_seq: 5 }]);
        for (i, r) in c.iter_mut().enumerate() {
            r.seq = i64::try_from(i).unwrap() + 1;
        }
        assert_eq!(verify(&c), vec![AuditProblem::Deleted { before_seq: 4 }]);
        let mut c = chain(3);
        c.remove(0);
        assert_eq!(verify(&c), vec![AuditProblem::Deleted { before_seq: 2 }]);
    }

    #[test]
    fn moved_entries_are_reported_as_reordered() {
        let mut c = chain(10);
        c.swap(4, 5);
        let seqs: Vec<i64> = (1..=10).collect();
        for (r, s) in c.iter_mut().zip(seqs) {
            r.seq = s;
        }
        let problems = verify(&c);
        assert_eq!(problems[0], AuditProblem::Reordered { seq: 5 });
        assert!(
            problems
                .iter()
                .all(|p| matches!(p, AuditProblem::Reordered { .. })),
            "{problems:?}"
        );
    }
}
