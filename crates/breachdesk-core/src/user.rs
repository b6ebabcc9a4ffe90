//! Handlers, auditors and administrators, and what each role may do.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// A role a user holds in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Dpo,
    SecurityManager,
    PrivacyTeam,
    SecurityTeam,
    /// The organisation's delegate for the letters to data subjects (its communications
    /// officer): reads the organisation's cases, imports the letters' recipients and sends the
    /// letters the DPO approved; changes nothing else (issue 17: recipients and sending are the
    /// DPO's or an explicitly delegated role's, never an external handler's).
    Communications,
    Auditor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Dpo,
        Role::SecurityManager,
        Role::PrivacyTeam,
        Role::SecurityTeam,
        Role::Communications,
        Role::Auditor,
        Role::Admin,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Dpo => "dpo",
            Self::SecurityManager => "security_manager",
            Self::PrivacyTeam => "privacy_team",
            Self::SecurityTeam => "security_team",
            Self::Communications => "communications",
            Self::Auditor => "auditor",
            Self::Admin => "admin",
        }
    }

    /// May this role read the content of the organisation's cases? Handlers may; auditors read
    /// the register (Art. 33(5)); administrators manage accounts but read no case content.
    #[must_use]
    pub const fn reads_case_content(self) -> bool {
        !matches!(self, Self::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "unknown role {0:?}; expected one of dpo, security_manager, privacy_team, security_team, communications, auditor, admin"
)]
pub struct UnknownRole(String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// What an API token may do (issue 17): a `ReadOnly` token reads; the endpoints that change a
/// case (`/api/v1/cases/{id}/…`, issue 23) answer it 403 and take only `CaseHandling`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenScope {
    ReadOnly,
    CaseHandling,
}

impl TokenScope {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ReadOnly => "read_only",
            Self::CaseHandling => "case_handling",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "read_only" => Some(Self::ReadOnly),
            "case_handling" => Some(Self::CaseHandling),
            _ => None,
        }
    }
}

/// A user and the organisations they act for, as resolved from a bearer token or session.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: Uuid,
    pub memberships: Vec<Membership>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub org_id: Uuid,
    pub role: Role,
}

impl Principal {
    /// Organisations whose case content this principal may read.
    #[must_use]
    pub fn readable_orgs(&self) -> Vec<Uuid> {
        self.memberships
            .iter()
            .filter(|m| m.role.reads_case_content())
            .map(|m| m.org_id)
            .collect()
    }
}
