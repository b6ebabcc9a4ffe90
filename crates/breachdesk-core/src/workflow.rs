//! Who may do what to a case, and how a case moves from received to closed.
//!
//! Every page and API endpoint asks [`may`] before it acts; the status machine in
//! [`check_transition`] is the only way a status changes. Both are pure and tested here, and the
//! web crate proves with a role × endpoint × organisation matrix that it asks them.

use crate::case::CaseStatus;
use crate::user::Role;

/// Something a user may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read a case's content: reports, investigation record, scope, history.
    ReadCase,
    /// Add to the investigation record: timeline, tasks, meetings, attachments, communications,
    /// questions to the reporter, scope.
    EditInvestigation,
    /// Set or change the awareness time that starts the 72-hour clock.
    SetAwareness,
    /// Assign handlers to a case.
    Assign,
    /// Link or merge duplicate reports and cases.
    Merge,
    /// Share a case with named handlers of a joint controller, or end a share.
    Share,
    /// Accept or override the proposed assessment.
    DecideAssessment,
    /// Record a notification to the supervisory authority.
    RecordNotification,
    /// Approve a notice (authority, letters, public) for sending or publishing: the DPO only.
    ApproveNotice,
    /// Import the recipients of the letters to data subjects and send the approved letters:
    /// the DPO and the organisation's delegate for them (`Role::Communications`), never a
    /// shared external handler (issue 17: a recipient list decides who receives mail signed by
    /// the organisation).
    SendLetters,
    /// Read the audit trail of the whole organisation.
    ReadAuditTrail,
    /// Read and export the organisation's breach register (Art. 33(5)): the DPO, the security
    /// manager and the auditor.
    ReadRegister,
    /// Set or lift a legal hold on a case (nothing of it is deleted while it stands): the DPO.
    LegalHold,
    /// Bring the organisation's old breach register in, and set how long its cases are kept:
    /// the DPO.
    ImportRegister,
    /// Ask for an unfounded case to be destroyed before its date, or withdraw the request: the
    /// DPO.
    RequestDeletion,
    /// Confirm another's request to destroy a case early (never one's own): the DPO and the
    /// security manager.
    ConfirmDeletion,
    /// Enter a report taken by phone or in person on the desk (issue 22): those who handle
    /// cases — the DPO, the security manager, the privacy and security teams.
    TakeReport,
    /// Manage accounts, roles and settings of the organisation (no case content).
    Administer,
}

/// How a user is related to the case they act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// A member of the controller organisation that owns the case, in this role.
    Member(Role),
    /// A handler of a joint controller with whom the case was shared by name.
    SharedWith,
}

/// The one permission table. Roles (DESIGN.md "Who uses it"):
/// - DPO: everything about cases, including sharing, deciding and recording notifications, and
///   the letters' recipients and their sending;
/// - security manager: as the DPO, except sharing a case outside the organisation, approving
///   notices, sending letters, legal holds and asking for early deletion (but confirming one);
/// - privacy and security team members: investigate (read, record, assign, merge, triage);
/// - communications: the delegate for the letters: reads cases, imports the letters'
///   recipients and sends what the DPO approved, changes nothing else;
/// - auditor: reads cases, the audit trail and the register, changes nothing;
/// - administrator: accounts and settings, no case content;
/// - a named handler of a joint controller: reads the shared case and adds to its record.
#[must_use]
pub fn may(standing: Standing, action: Action) -> bool {
    use Action::{
        Administer, ApproveNotice, Assign, EditInvestigation, ImportRegister, LegalHold, Merge,
        ReadAuditTrail, ReadCase, ReadRegister, RequestDeletion, SendLetters, Share, TakeReport,
    };
    match standing {
        Standing::SharedWith => matches!(action, ReadCase | EditInvestigation),
        Standing::Member(role) => match role {
            Role::Dpo => action != Administer,
            Role::SecurityManager => !matches!(
                action,
                Administer
                    | Share
                    | ApproveNotice
                    | SendLetters
                    | LegalHold
                    | RequestDeletion
                    | ImportRegister
            ),
            Role::PrivacyTeam | Role::SecurityTeam => {
                matches!(
                    action,
                    ReadCase | EditInvestigation | Assign | Merge | TakeReport
                )
            }
            Role::Communications => matches!(action, ReadCase | SendLetters),
            Role::Auditor => matches!(action, ReadCase | ReadAuditTrail | ReadRegister),
            Role::Admin => action == Administer,
        },
    }
}

/// Why a status change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a case cannot go from {from} to {to}")]
    NotAllowed { from: CaseStatus, to: CaseStatus },
    #[error("your role may not move a case from {from} to {to}")]
    Forbidden { from: CaseStatus, to: CaseStatus },
    #[error("set the awareness time first: confirming a breach starts the 72-hour clock")]
    AwarenessRequired,
    #[error("give a reason for this change")]
    ReasonRequired,
}

/// Who may make a transition: `Lead` = DPO or security manager, `Team` = any handler of the
/// organisation (DPO, security manager, privacy or security team).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Team,
    Lead,
    Dpo,
}

/// The allowed transitions: (from, to, who, reason required).
const TRANSITIONS: &[(CaseStatus, CaseStatus, Who, bool)] = {
    use CaseStatus::{Assessed, Closed, Investigating, Notified, Received, Triage, Unfounded};
    &[
        (Received, Triage, Who::Team, false),
        (Received, Unfounded, Who::Lead, true),
        (Triage, Investigating, Who::Team, false),
        (Triage, Unfounded, Who::Lead, true),
        (Investigating, Assessed, Who::Lead, false),
        (Investigating, Unfounded, Who::Lead, true),
        (Assessed, Investigating, Who::Team, true),
        (Assessed, Notified, Who::Dpo, false),
        (Assessed, Closed, Who::Dpo, false),
        (Notified, Investigating, Who::Lead, true),
        (Notified, Closed, Who::Dpo, false),
        (Closed, Investigating, Who::Dpo, true),
        (Unfounded, Triage, Who::Lead, true),
    ]
};

/// The statuses a case in `from` may move to (for any role).
#[must_use]
pub fn next_statuses(from: CaseStatus) -> Vec<CaseStatus> {
    TRANSITIONS
        .iter()
        .filter(|t| t.0 == from)
        .map(|t| t.1)
        .collect()
}

/// Does this move need a reason?
#[must_use]
pub fn needs_reason(from: CaseStatus, to: CaseStatus) -> bool {
    TRANSITIONS.iter().any(|t| t.0 == from && t.1 == to && t.3)
}

/// Checks a status change by a member of the owning organisation.
pub fn check_transition(
    role: Role,
    from: CaseStatus,
    to: CaseStatus,
    awareness_set: bool,
    reason: Option<&str>,
) -> Result<(), TransitionError> {
    let Some(&(_, _, who, reason_required)) = TRANSITIONS.iter().find(|t| t.0 == from && t.1 == to)
    else {
        return Err(TransitionError::NotAllowed { from, to });
    };
    let allowed = match who {
        Who::Team => matches!(
            role,
            Role::Dpo | Role::SecurityManager | Role::PrivacyTeam | Role::SecurityTeam
        ),
        Who::Lead => matches!(role, Role::Dpo | Role::SecurityManager),
        Who::Dpo => role == Role::Dpo,
    };
    if !allowed {
        return Err(TransitionError::Forbidden { from, to });
    }
    if reason_required && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(TransitionError::ReasonRequired);
    }
    // A confirmed breach has an awareness time: everything past triage (except unfounded) needs it.
    if !awareness_set && !matches!(to, CaseStatus::Triage | CaseStatus::Unfounded) {
        return Err(TransitionError::AwarenessRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::{Assessed, Closed, Investigating, Notified, Received, Triage, Unfounded};

    #[test]
    fn the_happy_path_from_report_to_closure() {
        let path = [Received, Triage, Investigating, Assessed, Notified, Closed];
        for w in path.windows(2) {
            assert_eq!(
                check_transition(Role::Dpo, w[0], w[1], true, None),
                Ok(()),
                "{} -> {}",
                w[0],
                w[1]
            );
        }
    }

    #[test]
    fn every_pair_not_in_the_table_is_refused_for_everyone() {
        for from in CaseStatus::ALL {
            for to in CaseStatus::ALL {
                let listed = next_statuses(from).contains(&to);
                for role in Role::ALL {
                    let r = check_transition(role, from, to, true, Some("why"));
                    if !listed {
                        assert_eq!(
                            r,
                            Err(TransitionError::NotAllowed { from, to }),
                            "{role} {from}->{to}"
                        );
                    }
                }
            }
        }
        // Some notable refusals.
        for (from, to) in [
            (Received, Closed),
            (Triage, Notified),
            (Closed, Received),
            (Unfounded, Closed),
            (Received, Received),
        ] {
            assert!(!next_statuses(from).contains(&to));
        }
    }

    #[test]
    fn who_may_move_a_case() {
        // Auditors and administrators change nothing.
        for role in [Role::Auditor, Role::Admin] {
            for from in CaseStatus::ALL {
                for to in next_statuses(from) {
                    assert_eq!(
                        check_transition(role, from, to, true, Some("x")),
                        Err(TransitionError::Forbidden { from, to })
                    );
                }
            }
        }
        // The team triages and investigates; only leads decide it was no breach; only the DPO
        // records notification and closes.
        assert!(check_transition(Role::SecurityTeam, Received, Triage, false, None).is_ok());
        assert!(check_transition(Role::PrivacyTeam, Triage, Investigating, true, None).is_ok());
        assert!(check_transition(Role::PrivacyTeam, Triage, Unfounded, true, Some("x")).is_err());
        assert!(
            check_transition(
                Role::SecurityManager,
                Triage,
                Unfounded,
                true,
                Some("test alert")
            )
            .is_ok()
        );
        assert!(check_transition(Role::PrivacyTeam, Investigating, Assessed, true, None).is_err());
        assert!(
            check_transition(Role::SecurityManager, Investigating, Assessed, true, None).is_ok()
        );
        assert!(check_transition(Role::SecurityManager, Assessed, Closed, true, None).is_err());
        assert!(check_transition(Role::SecurityManager, Assessed, Notified, true, None).is_err());
        assert!(check_transition(Role::Dpo, Assessed, Closed, true, None).is_ok());
        assert!(
            check_transition(
                Role::SecurityManager,
                Closed,
                Investigating,
                true,
                Some("x")
            )
            .is_err()
        );
    }

    #[test]
    fn confirming_a_breach_needs_the_awareness_time_and_going_back_needs_a_reason() {
        assert_eq!(
            check_transition(Role::Dpo, Triage, Investigating, false, None),
            Err(TransitionError::AwarenessRequired)
        );
        assert!(
            check_transition(Role::Dpo, Triage, Unfounded, false, Some("a phishing test")).is_ok()
        );
        assert!(check_transition(Role::Dpo, Received, Triage, false, None).is_ok());
        for (from, to) in [
            (Triage, Unfounded),
            (Closed, Investigating),
            (Assessed, Investigating),
            (Unfounded, Triage),
        ] {
            assert!(needs_reason(from, to));
            assert_eq!(
                check_transition(Role::Dpo, from, to, true, None),
                Err(TransitionError::ReasonRequired)
            );
            assert_eq!(
                check_transition(Role::Dpo, from, to, true, Some("  ")),
                Err(TransitionError::ReasonRequired)
            );
            assert!(check_transition(Role::Dpo, from, to, true, Some("new facts")).is_ok());
        }
    }

    #[test]
    fn the_permission_table() {
        use Action::*;
        let all = [
            ReadCase,
            EditInvestigation,
            SetAwareness,
            Assign,
            Merge,
            Share,
            DecideAssessment,
            RecordNotification,
            ApproveNotice,
            SendLetters,
            ReadAuditTrail,
            ReadRegister,
            LegalHold,
            RequestDeletion,
            ConfirmDeletion,
            ImportRegister,
            Administer,
        ];
        let allowed = |s: Standing| all.into_iter().filter(|a| may(s, *a)).collect::<Vec<_>>();
        assert_eq!(allowed(Standing::Member(Role::Admin)), vec![Administer]);
        assert_eq!(
            allowed(Standing::Member(Role::Auditor)),
            vec![ReadCase, ReadAuditTrail, ReadRegister]
        );
        assert_eq!(
            allowed(Standing::SharedWith),
            vec![ReadCase, EditInvestigation]
        );
        assert_eq!(
            allowed(Standing::Member(Role::SecurityTeam)),
            vec![ReadCase, EditInvestigation, Assign, Merge]
        );
        assert_eq!(
            allowed(Standing::Member(Role::PrivacyTeam)),
            allowed(Standing::Member(Role::SecurityTeam))
        );
        assert!(!may(Standing::Member(Role::SecurityManager), Share));
        assert!(may(Standing::Member(Role::SecurityManager), SetAwareness));
        assert!(may(Standing::Member(Role::Dpo), Share));
        assert!(!may(Standing::Member(Role::Dpo), Administer));
        // Issue 17: recipients and sending are the DPO's and the delegate's alone, and the
        // delegate does nothing else but read.
        for role in Role::ALL {
            assert_eq!(
                may(Standing::Member(role), SendLetters),
                matches!(role, Role::Dpo | Role::Communications),
                "{role}"
            );
        }
        assert_eq!(
            allowed(Standing::Member(Role::Communications)),
            vec![ReadCase, SendLetters]
        );
        assert!(!may(Standing::SharedWith, SendLetters));
        // Issue 21: the register is the DPO's, the security manager's and the auditor's.
        for role in Role::ALL {
            assert_eq!(
                may(Standing::Member(role), ReadRegister),
                matches!(role, Role::Dpo | Role::SecurityManager | Role::Auditor),
                "{role}"
            );
        }
        assert!(!may(Standing::SharedWith, ReadRegister));
        // Issue 21: a legal hold is the DPO's alone.
        for role in Role::ALL {
            assert_eq!(
                may(Standing::Member(role), LegalHold),
                role == Role::Dpo,
                "{role}"
            );
        }
        assert!(!may(Standing::SharedWith, LegalHold));
        // Early deletion: the DPO asks, a DPO or the security manager confirms.
        for role in Role::ALL {
            assert_eq!(
                may(Standing::Member(role), RequestDeletion),
                role == Role::Dpo,
                "{role}"
            );
            assert_eq!(
                may(Standing::Member(role), ConfirmDeletion),
                matches!(role, Role::Dpo | Role::SecurityManager),
                "{role}"
            );
        }
        assert!(!may(Standing::SharedWith, ConfirmDeletion));
        for role in Role::ALL {
            assert_eq!(
                may(Standing::Member(role), ImportRegister),
                role == Role::Dpo,
                "{role}"
            );
        }
        // A report taken by phone: those who handle cases, nobody else.
        for role in Role::ALL {
            assert_eq!(
                may(Standing::Member(role), Action::TakeReport),
                matches!(
                    role,
                    Role::Dpo | Role::SecurityManager | Role::PrivacyTeam | Role::SecurityTeam
                ),
                "{role}"
            );
        }
        assert!(!may(Standing::SharedWith, Action::TakeReport));
    }
}
