//! Separation of duties for roles (issue 17): administrators manage accounts, but a role that
//! reads case content is never given by an administrator alone.
//!
//! An administrator *requests* such a role; a DPO of the organisation *confirms* it. An
//! organisation without a DPO gets its first one confirmed by the installation's administrator —
//! an account no organisation's administrator can make — who did not ask for it. Nobody
//! confirms a request of their own or a role for themselves. A DPO who gives a role to someone
//! else is the confirmation already. Roles that read no case content (administrator) are given at
//! once. Every request and decision is audited and mailed to the organisation's DPOs (the web
//! crate does that); the command line on the server, whose operator holds the master key anyway,
//! gives roles directly.

use jiff::Timestamp;
use uuid::Uuid;

use crate::user::Role;

/// A request to give `role` in `org_id` to `user_id`, waiting for a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRequest {
    pub id: Uuid,
    pub user_id: Uuid,
    /// The grantee's address, for the page that lists requests.
    pub email: String,
    pub org_id: Uuid,
    pub role: Role,
    pub requested_by: Uuid,
    pub requested_at: Timestamp,
}

/// What a request of a role leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnRequest {
    /// The membership is added now.
    Immediate,
    /// The request waits for a DPO (or, for the first DPO, the installation's administrator).
    Pending,
}

/// What happens when `requester` asks to give `role` to `grantee`. `requester_is_dpo`: the
/// requester is a DPO of the organisation concerned.
#[must_use]
pub fn on_request(role: Role, requester: Uuid, grantee: Uuid, requester_is_dpo: bool) -> OnRequest {
    if !role.reads_case_content() || (requester_is_dpo && requester != grantee) {
        OnRequest::Immediate
    } else {
        OnRequest::Pending
    }
}

/// How the person deciding stands to the organisation of a request.
#[derive(Debug, Clone, Copy)]
pub struct Decider {
    pub user_id: Uuid,
    /// A DPO of the request's organisation.
    pub is_dpo: bool,
    /// The installation's administrator (made only by the first-administrator link): the one
    /// who confirms an organisation's first DPO. An organisation's own administrators do not,
    /// since one of them could make a second administrator account of their own to confirm
    /// themselves.
    pub installation_admin: bool,
}

/// Why someone may not decide a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecisionRefused {
    #[error("nobody decides a request of their own")]
    OwnRequest,
    #[error("nobody decides a role for themselves")]
    OwnRole,
    #[error("only a DPO of the organisation decides this request")]
    NotDpo,
    #[error("the organisation has no DPO yet: its first DPO must be confirmed first")]
    NeedsDpoFirst,
    #[error("only the installation's administrator confirms an organisation's first DPO")]
    NotAdministrator,
}

/// May `decider` confirm or refuse `request`? `org_has_dpo`: the organisation has an active DPO.
pub fn check_decision(
    decider: &Decider,
    request: &GrantRequest,
    org_has_dpo: bool,
) -> Result<(), DecisionRefused> {
    if decider.user_id == request.requested_by {
        return Err(DecisionRefused::OwnRequest);
    }
    if decider.user_id == request.user_id {
        return Err(DecisionRefused::OwnRole);
    }
    if org_has_dpo {
        return if decider.is_dpo {
            Ok(())
        } else {
            Err(DecisionRefused::NotDpo)
        };
    }
    if request.role != Role::Dpo {
        return Err(DecisionRefused::NeedsDpoFirst);
    }
    if decider.installation_admin {
        Ok(())
    } else {
        Err(DecisionRefused::NotAdministrator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(role: Role, by: Uuid, to: Uuid) -> GrantRequest {
        GrantRequest {
            id: Uuid::from_u128(9),
            user_id: to,
            email: "x@example.org".into(),
            org_id: Uuid::from_u128(1),
            role,
            requested_by: by,
            requested_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn an_administrator_alone_never_gives_a_case_reading_role() {
        let (admin, other) = (Uuid::from_u128(2), Uuid::from_u128(3));
        for role in Role::ALL {
            let expected = if role == Role::Admin {
                OnRequest::Immediate
            } else {
                OnRequest::Pending
            };
            assert_eq!(on_request(role, admin, admin, false), expected, "{role}");
            assert_eq!(on_request(role, admin, other, false), expected, "{role}");
        }
        // A DPO giving a role to someone else is the confirmation; to themselves it is not.
        assert_eq!(
            on_request(Role::PrivacyTeam, admin, other, true),
            OnRequest::Immediate
        );
        assert_eq!(
            on_request(Role::Dpo, admin, admin, true),
            OnRequest::Pending
        );
    }

    #[test]
    fn who_decides_a_request() {
        let (admin, grantee, dpo, admin2) = (
            Uuid::from_u128(2),
            Uuid::from_u128(3),
            Uuid::from_u128(4),
            Uuid::from_u128(5),
        );
        let d = |user_id, is_dpo, installation_admin| Decider {
            user_id,
            is_dpo,
            installation_admin,
        };
        let team = request(Role::PrivacyTeam, admin, grantee);
        assert_eq!(check_decision(&d(dpo, true, false), &team, true), Ok(()));
        assert_eq!(
            check_decision(&d(admin2, false, true), &team, true),
            Err(DecisionRefused::NotDpo)
        );
        assert_eq!(
            check_decision(&d(admin, true, true), &team, true),
            Err(DecisionRefused::OwnRequest)
        );
        assert_eq!(
            check_decision(&d(grantee, true, true), &team, true),
            Err(DecisionRefused::OwnRole)
        );
        // Without a DPO: the first DPO by a second administrator, nothing else.
        let first = request(Role::Dpo, admin, admin);
        assert_eq!(
            check_decision(&d(admin, false, true), &first, false),
            Err(DecisionRefused::OwnRequest)
        );
        assert_eq!(
            check_decision(&d(admin2, false, true), &first, false),
            Ok(())
        );
        assert_eq!(
            check_decision(&d(dpo, false, false), &first, false),
            Err(DecisionRefused::NotAdministrator)
        );
        assert_eq!(
            check_decision(&d(admin2, false, true), &team, false),
            Err(DecisionRefused::NeedsDpoFirst)
        );
    }
}
