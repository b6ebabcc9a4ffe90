//! The use cases of access control (issue 17), shared by the desk pages: giving a role under
//! separation of duties (`core::grant`), deciding requests, and offboarding — removing a role,
//! disabling an account, resetting its second factor, ending its sessions. Each change is
//! audited in the same transaction; requests and grants of roles are mailed to the
//! organisation's DPOs (and, for a first DPO, its administrators and DPO contact address).

use std::collections::BTreeMap;

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::grant::{self, Decider, DecisionRefused, GrantRequest, OnRequest};
use breachdesk_core::org::Organisation;
use breachdesk_core::ports::{
    ApiTokenInfo, EnsuredUser, Member, NewApiToken, OutgoingMail, StoreError, TokenHolder, UserRole,
};
use breachdesk_core::report::Language;
use breachdesk_core::user::{Principal, Role, TokenScope};
use uuid::Uuid;

use crate::App;
use crate::error::{AppError, Refusal};

/// What [`App::add_account`] did.
#[derive(Debug)]
pub struct AccountAdded {
    pub user_id: Uuid,
    /// The one-time setup link's token, when the account is new.
    pub setup_token: Option<String>,
    /// The role given, or asked for from a DPO.
    pub outcome: RoleOutcome,
}

/// Who acts: their memberships and whether they administer the installation.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub principal: &'a Principal,
    pub installation_admin: bool,
}

impl Actor<'_> {
    fn id(&self) -> Uuid {
        self.principal.user_id
    }

    fn has(&self, org_id: Uuid, role: Role) -> bool {
        self.principal
            .memberships
            .iter()
            .any(|m| m.org_id == org_id && m.role == role)
    }

    /// Administers `org_id`: the installation's administrator, or an administrator there.
    #[must_use]
    pub fn administers(&self, org_id: Uuid) -> bool {
        self.installation_admin || self.has(org_id, Role::Admin)
    }

    #[must_use]
    pub fn is_dpo(&self, org_id: Uuid) -> bool {
        self.has(org_id, Role::Dpo)
    }
}

/// What asking for a role led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleOutcome {
    /// The membership exists now.
    Granted,
    /// It waits for a DPO (or, for a first DPO, the installation's administrator).
    Requested,
    /// The same request was waiting already.
    AlreadyRequested,
}

/// An open request as a decider sees it.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    pub request: GrantRequest,
    pub org_name: String,
    /// May the viewer confirm or refuse it, and if not, why.
    pub decidable: Result<(), DecisionRefused>,
}

/// What may be done to an account as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    Disable,
    Enable,
    ResetSecondFactor,
    EndSessions,
    /// Every role ends and the account is disabled: it signs in nowhere and is listed in no
    /// organisation. The account itself stays, as the actor its audit entries name.
    Remove,
}

impl AccountAction {
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "disable" => Some(Self::Disable),
            "enable" => Some(Self::Enable),
            "second-factor" => Some(Self::ResetSecondFactor),
            "sessions" => Some(Self::EndSessions),
            "remove" => Some(Self::Remove),
            _ => None,
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            Self::Disable => "admin.account_disable",
            Self::Enable => "admin.account_enable",
            Self::ResetSecondFactor => "admin.second_factor_reset",
            Self::EndSessions => "admin.sessions_end",
            Self::Remove => "admin.account_remove",
        }
    }
}

/// The store's own last-holder rule (checked inside its transaction, so that two changes at
/// the same moment cannot both pass) as the product's refusal.
fn last_holder(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(breachdesk_core::ports::Conflict::LastHolder(role)) => {
            Refusal::LastOfRole(role).into()
        }
        e => e.into(),
    }
}

fn access_event(
    actor: Uuid,
    org_id: Option<Uuid>,
    action: &'static str,
    detail: String,
) -> AuditEvent {
    AuditEvent {
        actor: Some(actor),
        org_id,
        case_id: None,
        action,
        detail,
    }
}

impl App {
    async fn org_has_dpo(&self, org_id: Uuid) -> Result<bool, StoreError> {
        Ok(self
            .0
            .store
            .members(&[org_id])
            .await?
            .iter()
            .any(|m| m.role == Role::Dpo))
    }

    /// Refuses when `user_id` is the organisation's last active holder of `role` and the role
    /// is one an organisation cannot be without: its DPO (who alone confirms case-reading
    /// roles) and its administrator.
    async fn keep_last(&self, user_id: Uuid, org_id: Uuid, role: Role) -> Result<(), AppError> {
        if !matches!(role, Role::Dpo | Role::Admin) {
            return Ok(());
        }
        let holders: Vec<Uuid> = self
            .0
            .store
            .members(&[org_id])
            .await?
            .iter()
            .filter(|m| m.role == role)
            .map(|m| m.user_id)
            .collect();
        // A disabled account holds nothing to keep; someone else holding it is enough.
        if !holders.contains(&user_id) || holders.iter().any(|h| *h != user_id) {
            Ok(())
        } else {
            Err(Refusal::LastOfRole(role).into())
        }
    }

    /// The roles of the disabled accounts of the organisations the actor administers.
    pub async fn disabled_members(
        &self,
        actor: Actor<'_>,
        org_ids: &[Uuid],
    ) -> Result<Vec<Member>, AppError> {
        let mine: Vec<Uuid> = org_ids
            .iter()
            .copied()
            .filter(|o| actor.administers(*o))
            .collect();
        Ok(self.0.store.disabled_members(&mine).await?)
    }

    /// Moves an account's roles from one organisation to another, both administered by the
    /// actor: each role is given in `to` under the usual rules (a case-reading role waits for
    /// the DPO of `to`) and taken away in `from` (a DPO role only by a DPO of `from`; never the
    /// last DPO or administrator). The account created in the wrong organisation loses its
    /// access there at once, before anything is given in `to`.
    pub async fn move_account(
        &self,
        actor: Actor<'_>,
        user_id: Uuid,
        from: &Organisation,
        to: &Organisation,
    ) -> Result<Vec<(Role, RoleOutcome)>, AppError> {
        if !actor.administers(from.id) || !actor.administers(to.id) {
            return Err(AppError::Forbidden);
        }
        if from.id == to.id {
            return Err(Refusal::NothingToMove.into());
        }
        let held: Vec<Member> = self
            .0
            .store
            .members(&[from.id])
            .await?
            .into_iter()
            .filter(|m| m.user_id == user_id)
            .collect();
        if held.is_empty() {
            return Err(Refusal::NothingToMove.into());
        }
        // Every rule is checked before anything changes.
        for m in &held {
            if m.role == Role::Dpo && !actor.is_dpo(from.id) {
                return Err(AppError::Forbidden);
            }
            self.keep_last(user_id, from.id, m.role).await?;
        }
        // Access in the wrong organisation ends first: should giving a role in `to` fail (its
        // mail, say), the account holds less, never more, and the administrator adds it there.
        let mut out = Vec::new();
        for m in held {
            self.remove_role(actor, user_id, from.id, m.role).await?;
            let given = match self.give_role(actor, user_id, &m.email, to, m.role).await {
                Err(AppError::Conflict(breachdesk_core::ports::Conflict::Membership)) => {
                    RoleOutcome::Granted
                }
                r => r?,
            };
            out.push((m.role, given));
        }
        Ok(out)
    }

    /// Gives `role` in `org` to the account `user_id` (`email`) if the rules let the actor do so
    /// alone, and otherwise records a request for a DPO to decide. The actor must administer the
    /// organisation or be its DPO.
    pub async fn give_role(
        &self,
        actor: Actor<'_>,
        user_id: Uuid,
        email: &str,
        org: &Organisation,
        role: Role,
    ) -> Result<RoleOutcome, AppError> {
        if !actor.administers(org.id) && !actor.is_dpo(org.id) {
            return Err(AppError::Forbidden);
        }
        let now = self.now();
        let store = &self.0.store;
        let detail = format!("{} user={user_id}", role.as_str());
        match grant::on_request(role, actor.id(), user_id, actor.is_dpo(org.id)) {
            OnRequest::Immediate => {
                let event = access_event(actor.id(), Some(org.id), "admin.role_grant", detail);
                let held = UserRole {
                    user_id,
                    org_id: org.id,
                    role,
                };
                store.grant_role(&held, &event, now).await?;
                if role.reads_case_content() {
                    self.mail_about_roles(org, false, "role-mail-granted", email, role)
                        .await?;
                }
                Ok(RoleOutcome::Granted)
            }
            OnRequest::Pending => {
                let request = GrantRequest {
                    id: Uuid::now_v7(),
                    user_id,
                    email: email.to_owned(),
                    org_id: org.id,
                    role,
                    requested_by: actor.id(),
                    requested_at: now,
                };
                let event = access_event(actor.id(), Some(org.id), "admin.role_request", detail);
                match store.request_grant(&request, &event).await {
                    Ok(()) => {}
                    Err(StoreError::Conflict(breachdesk_core::ports::Conflict::RoleRequest)) => {
                        return Ok(RoleOutcome::AlreadyRequested);
                    }
                    Err(e) => return Err(e.into()),
                }
                let first_dpo = role == Role::Dpo && !self.org_has_dpo(org.id).await?;
                self.mail_about_roles(org, first_dpo, "role-mail-requested", email, role)
                    .await?;
                Ok(RoleOutcome::Requested)
            }
        }
    }

    /// The open requests of the organisations where the viewer is a DPO or administers, with
    /// whether the viewer may decide each.
    pub async fn open_requests(&self, actor: Actor<'_>) -> Result<Vec<OpenRequest>, AppError> {
        let store = &self.0.store;
        let orgs = store.organisations().await?;
        let visible: Vec<&Organisation> = orgs
            .iter()
            .filter(|o| actor.administers(o.id) || actor.is_dpo(o.id))
            .collect();
        let ids: Vec<Uuid> = visible.iter().map(|o| o.id).collect();
        let mut has_dpo = BTreeMap::new();
        let mut out = Vec::new();
        for request in store.open_grants(&ids).await? {
            let org = visible.iter().find(|o| o.id == request.org_id);
            let Some(org) = org else { continue };
            let org_has_dpo = if let Some(v) = has_dpo.get(&org.id) {
                *v
            } else {
                let v = self.org_has_dpo(org.id).await?;
                has_dpo.insert(org.id, v);
                v
            };
            let decider = Decider {
                user_id: actor.id(),
                is_dpo: actor.is_dpo(org.id),
                installation_admin: actor.installation_admin,
            };
            out.push(OpenRequest {
                decidable: grant::check_decision(&decider, &request, org_has_dpo),
                org_name: org.name.clone(),
                request,
            });
        }
        Ok(out)
    }

    /// Confirms or refuses an open request, if the actor may.
    pub async fn decide_request(
        &self,
        actor: Actor<'_>,
        id: Uuid,
        confirm: bool,
    ) -> Result<GrantRequest, AppError> {
        let open = self.open_requests(actor).await?;
        let Some(found) = open.into_iter().find(|o| o.request.id == id) else {
            return Err(AppError::NotFound);
        };
        found.decidable?;
        let request = found.request;
        if confirm
            && self
                .0
                .store
                .principal_by_user(request.user_id)
                .await?
                .is_none()
        {
            // The account was disabled since the request: nothing to confirm.
            return Err(AppError::NotFound);
        }
        let (action, mail) = if confirm {
            ("admin.role_confirm", "role-mail-confirmed")
        } else {
            ("admin.role_refuse", "role-mail-refused")
        };
        let event = access_event(
            actor.id(),
            Some(request.org_id),
            action,
            format!(
                "{} user={} request={}",
                request.role.as_str(),
                request.user_id,
                request.id
            ),
        );
        self.0
            .store
            .decide_grant(id, actor.id(), confirm, &event, self.now())
            .await?;
        if let Some(org) = self
            .0
            .store
            .organisations()
            .await?
            .into_iter()
            .find(|o| o.id == request.org_id)
        {
            self.mail_about_roles(&org, false, mail, &request.email, request.role)
                .await?;
        }
        Ok(request)
    }

    /// Removes a role: an administrator of the organisation or its DPO may.
    pub async fn remove_role(
        &self,
        actor: Actor<'_>,
        user_id: Uuid,
        org_id: Uuid,
        role: Role,
    ) -> Result<(), AppError> {
        if !actor.administers(org_id) && !actor.is_dpo(org_id) {
            return Err(AppError::Forbidden);
        }
        // The DPO role is taken away only by a DPO of the organisation (or on the command
        // line), so that no administrator can empty the organisation of DPOs and then have a
        // "first DPO" confirmed (issue 17).
        if role == Role::Dpo && !actor.is_dpo(org_id) {
            return Err(AppError::Forbidden);
        }
        self.keep_last(user_id, org_id, role).await?;
        let event = access_event(
            actor.id(),
            Some(org_id),
            "admin.role_remove",
            format!("{} user={user_id}", role.as_str()),
        );
        self.0
            .store
            .remove_membership_keeping_last(
                &UserRole {
                    user_id,
                    org_id,
                    role,
                },
                &event,
                self.now(),
            )
            .await
            .map_err(last_holder)?;
        Ok(())
    }

    /// Acts on an account as a whole. The installation's administrator may act on any account;
    /// an organisation's administrator only on accounts whose every role is in organisations
    /// they administer. Nobody disables their own account.
    pub async fn act_on_account(
        &self,
        actor: Actor<'_>,
        user_id: Uuid,
        action: AccountAction,
    ) -> Result<(), AppError> {
        let store = &self.0.store;
        if !self.may_act_on(actor, user_id).await? {
            return Err(AppError::Forbidden);
        }
        let ending = matches!(action, AccountAction::Disable | AccountAction::Remove);
        if ending && user_id == actor.id() {
            return Err(AppError::Forbidden);
        }
        if action == AccountAction::Remove && !self.answers_for_every_role(actor, user_id).await? {
            return Err(AppError::Forbidden);
        }
        // Whether the account is active or already disabled (a removal may finish one that
        // stopped half-way).
        let memberships = self.roles_of(user_id).await?;
        let already_disabled = store
            .user_auth_by_id(user_id)
            .await?
            .is_some_and(|u| u.disabled);
        if ending {
            for (org_id, role) in &memberships {
                self.keep_last(user_id, *org_id, *role).await?;
            }
        }
        let now = self.now();
        let event = access_event(
            actor.id(),
            None,
            action.audit_action(),
            format!("user={user_id}"),
        );
        match action {
            AccountAction::Disable => store
                .disable_user_keeping_last(user_id, &event, now)
                .await
                .map_err(last_holder)?,
            AccountAction::Enable => store.set_user_disabled(user_id, false, &event, now).await?,
            AccountAction::ResetSecondFactor => {
                store.reset_second_factor(user_id, &event, now).await?;
            }
            AccountAction::EndSessions => {
                store.end_sessions_of(user_id, &event, now).await?;
            }
            AccountAction::Remove => {
                // Access ends first: disabled, the account can do nothing while its roles go.
                // An account disabled before keeps the date it was disabled.
                if already_disabled {
                    self.record(event.clone()).await;
                } else {
                    store
                        .disable_user_keeping_last(user_id, &event, now)
                        .await
                        .map_err(last_holder)?;
                }
                for (org_id, role) in &memberships {
                    let removed = access_event(
                        actor.id(),
                        Some(*org_id),
                        "admin.role_remove",
                        format!("{} user={user_id}", role.as_str()),
                    );
                    store
                        .remove_membership_keeping_last(
                            &UserRole {
                                user_id,
                                org_id: *org_id,
                                role: *role,
                            },
                            &removed,
                            now,
                        )
                        .await
                        .map_err(last_holder)?;
                }
            }
        }
        Ok(())
    }

    /// Sets an organisation's name and its Swedish and English names (each one line of at most
    /// 200 characters; the name itself is required), for its administrators and the
    /// installation's; audited.
    ///
    /// # Errors
    /// `Forbidden` for anyone else; `Invalid` naming `name`, `name_sv` or `name_en`.
    pub async fn rename_org(
        &self,
        actor: Actor<'_>,
        org_id: Uuid,
        names: &breachdesk_core::org::OrgName,
    ) -> Result<(), AppError> {
        use breachdesk_core::errors::{FieldError, FieldErrors};
        if !actor.administers(org_id) {
            return Err(AppError::Forbidden);
        }
        let clean = |s: &str| s.trim().to_owned();
        let names = breachdesk_core::org::OrgName {
            name: clean(&names.name),
            sv: names.sv.as_deref().map(clean).filter(|s| !s.is_empty()),
            en: names.en.as_deref().map(clean).filter(|s| !s.is_empty()),
        };
        let mut errors = FieldErrors::new();
        if names.name.is_empty() {
            errors.add("name", FieldError::Required);
        }
        for (field, v) in [
            ("name", Some(names.name.as_str())),
            ("name_sv", names.sv.as_deref()),
            ("name_en", names.en.as_deref()),
        ] {
            let v = v.unwrap_or_default();
            if v.chars().count() > 200 {
                errors.add(field, FieldError::TooLong { max: 200 });
            } else if v.chars().any(char::is_control) {
                errors.add(field, FieldError::NotText);
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let event = access_event(actor.id(), Some(org_id), "admin.org_rename", String::new());
        self.0
            .store
            .set_org_names(org_id, &names, &event, self.now())
            .await?;
        Ok(())
    }

    /// Changes the name an account is shown by (1–100 characters, one line), for an actor who
    /// may act on the account (see [`Self::act_on_account`]); audited.
    ///
    /// # Errors
    /// `Forbidden` for an account the actor may not act on; `Invalid` naming `display_name`.
    pub async fn rename_account(
        &self,
        actor: Actor<'_>,
        user_id: Uuid,
        name: &str,
    ) -> Result<(), AppError> {
        if !self.may_act_on(actor, user_id).await?
            || !self.answers_for_every_role(actor, user_id).await?
        {
            return Err(AppError::Forbidden);
        }
        let name = name.trim();
        let mut errors = breachdesk_core::errors::FieldErrors::new();
        if name.is_empty() {
            errors.add(
                "display_name",
                breachdesk_core::errors::FieldError::Required,
            );
        } else if name.chars().count() > 100 {
            errors.add(
                "display_name",
                breachdesk_core::errors::FieldError::TooLong { max: 100 },
            );
        } else if name.chars().any(char::is_control) {
            errors.add("display_name", breachdesk_core::errors::FieldError::NotText);
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        self.0.store.set_display_name(user_id, name).await?;
        self.record(access_event(
            actor.id(),
            None,
            "admin.account_rename",
            format!("user={user_id}"),
        ))
        .await;
        Ok(())
    }

    /// An account's sign-in record (name and address among it), for naming who writes.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn account_of(
        &self,
        user_id: Uuid,
    ) -> Result<Option<breachdesk_core::ports::UserAuth>, AppError> {
        Ok(self.0.store.user_auth_by_id(user_id).await?)
    }

    /// The account's roles, whether it is active or disabled.
    async fn roles_of(&self, user_id: Uuid) -> Result<Vec<(Uuid, Role)>, AppError> {
        let store = &self.0.store;
        Ok(if let Some(t) = store.principal_by_user(user_id).await? {
            t.memberships.iter().map(|m| (m.org_id, m.role)).collect()
        } else {
            let orgs: Vec<Uuid> = store.organisations().await?.iter().map(|o| o.id).collect();
            store
                .disabled_members(&orgs)
                .await?
                .iter()
                .filter(|m| m.user_id == user_id)
                .map(|m| (m.org_id, m.role))
                .collect()
        })
    }

    /// Removing or renaming an account touches every organisation it has roles in: each must be
    /// one the actor administers or is the DPO of (a DPO role: is the DPO of). A DPO of one
    /// organisation does not take away the account's roles in another.
    async fn answers_for_every_role(
        &self,
        actor: Actor<'_>,
        user_id: Uuid,
    ) -> Result<bool, AppError> {
        if actor.installation_admin {
            return Ok(true);
        }
        Ok(self.roles_of(user_id).await?.iter().all(|(o, r)| {
            if *r == Role::Dpo {
                actor.is_dpo(*o)
            } else {
                actor.administers(*o) || actor.is_dpo(*o)
            }
        }))
    }

    /// May the actor act on this account (see [`AppState::act_on_account`])?
    ///
    /// An account that is a DPO somewhere is acted on only by a DPO of each such organisation
    /// (or the operator on the command line): otherwise an administrator could disable the DPO
    /// and have the organisation's "first DPO" confirmed anew. The installation's administrator
    /// is acted on only by itself.
    async fn may_act_on(&self, actor: Actor<'_>, user_id: Uuid) -> Result<bool, AppError> {
        let store = &self.0.store;
        let target_installation_admin = store
            .user_auth_by_id(user_id)
            .await?
            .is_some_and(|u| u.installation_admin);
        if target_installation_admin && !actor.installation_admin {
            return Ok(false);
        }
        // The account's roles, whether it is active or disabled: enabling a disabled DPO is a
        // DPO's to do as much as disabling one.
        let roles = self.roles_of(user_id).await?;
        let dpo_of: Vec<Uuid> = roles
            .iter()
            .filter(|(_, r)| *r == Role::Dpo)
            .map(|(o, _)| *o)
            .collect();
        if !dpo_of.is_empty() && user_id != actor.id() {
            return Ok(dpo_of.iter().all(|org| actor.is_dpo(*org)));
        }
        if actor.installation_admin {
            return Ok(true);
        }
        Ok(!roles.is_empty() && roles.iter().all(|(o, _)| actor.administers(*o)))
    }

    /// A new API token of the actor's own, shown once. Made on the desk, i.e. after the second
    /// factor; it expires after `days` (1–365).
    pub async fn create_own_token(
        &self,
        actor: Actor<'_>,
        name: &str,
        scope: TokenScope,
        days: i64,
    ) -> Result<String, AppError> {
        let now = self.now();
        let (token, digest) = breachdesk_crypto::new_api_token();
        let new = NewApiToken {
            id: Uuid::now_v7(),
            user_id: actor.id(),
            token_hash: digest,
            name: name.to_owned(),
            scope,
            created_at: now,
            expires_at: Some(now + jiff::SignedDuration::from_hours(24 * days.clamp(1, 365))),
        };
        let event = access_event(
            actor.id(),
            None,
            "token.create",
            format!("token={} scope={} days={days}", new.id, scope.as_str()),
        );
        self.0.store.create_api_token(&new, &event).await?;
        Ok(token)
    }

    /// The actor's own tokens, and those of the accounts they may act on as an administrator,
    /// with each owner's address.
    pub async fn visible_tokens(
        &self,
        actor: Actor<'_>,
    ) -> Result<Vec<(ApiTokenInfo, String)>, AppError> {
        let store = &self.0.store;
        let orgs: Vec<Uuid> = store
            .organisations()
            .await?
            .iter()
            .map(|o| o.id)
            .filter(|id| actor.administers(*id))
            .collect();
        let mut owners: BTreeMap<Uuid, String> = BTreeMap::new();
        for m in store.members(&orgs).await? {
            if self.may_act_on(actor, m.user_id).await? {
                owners.insert(m.user_id, m.email);
            }
        }
        if let Some(me) = store.user_auth_by_id(actor.id()).await? {
            owners.insert(me.id, me.email);
        }
        let ids: Vec<Uuid> = owners.keys().copied().collect();
        Ok(store
            .api_tokens(&ids)
            .await?
            .into_iter()
            .map(|t| {
                let email = owners.get(&t.user_id).cloned().unwrap_or_default();
                (t, email)
            })
            .collect())
    }

    /// Revokes a token: its owner, or an administrator who may act on the owner's account.
    pub async fn revoke_token(&self, actor: Actor<'_>, id: Uuid) -> Result<(), AppError> {
        let visible = self.visible_tokens(actor).await?;
        let Some((token, _)) = visible.iter().find(|(t, _)| t.id == id) else {
            return Err(AppError::NotFound);
        };
        let event = access_event(
            actor.id(),
            None,
            "token.revoke",
            format!("token={id} user={}", token.user_id),
        );
        self.0.store.revoke_token(id, &event, self.now()).await?;
        Ok(())
    }

    /// Sends a new account's one-time setup link to the account's own address, when mail is
    /// configured (issue 17: shown to the administrator, the link let them set up the account
    /// that a DPO would then confirm as someone else's). `false` when there is no mail, or it
    /// could not be sent: the page shows the link to hand over instead.
    pub async fn mail_setup_link(&self, email: &str, link: &str, lang: Language) -> bool {
        let Some(mailer) = self.0.mail.mailer.clone() else {
            return false;
        };
        let i18n = &*self.0.texts;
        let args = [("link", link)];
        let mail = OutgoingMail {
            to: email.to_owned(),
            subject: i18n.message(lang, "setup-mail-subject", &args),
            body: i18n.message(lang, "setup-mail-body", &args),
            ..OutgoingMail::default()
        };
        if mailer.send(&mail).await.is_ok() {
            true
        } else {
            tracing::warn!("setup link not delivered; shown to the administrator instead");
            false
        }
    }

    /// Mails the organisation's DPOs (and its DPO contact address; with `admins`, also its
    /// administrators) about a role. A mail that cannot be sent is logged by kind only: the
    /// request or grant stands, and the desk lists open requests anyway.
    async fn mail_about_roles(
        &self,
        org: &Organisation,
        admins: bool,
        message: &str,
        email: &str,
        role: Role,
    ) -> Result<(), StoreError> {
        let Some(mailer) = self.0.mail.mailer.clone() else {
            return Ok(());
        };
        let store = &self.0.store;
        let mut to: BTreeMap<String, Language> = BTreeMap::new();
        if let Some(contact) = &org.dpo_email {
            to.insert(contact.to_lowercase(), Language::default());
        }
        for m in store.members(&[org.id]).await? {
            if m.role == Role::Dpo || (admins && m.role == Role::Admin) {
                let lang = store
                    .user_auth_by_id(m.user_id)
                    .await?
                    .map_or_else(Language::default, |u| u.language);
                to.insert(m.email.to_lowercase(), lang);
            }
        }
        let link = format!("{}/desk/roles", self.0.mail.public_url);
        for (address, lang) in to {
            let i18n = &*self.0.texts;
            let role_name = i18n.message(lang, &format!("role-{}", role.as_str()), &[]);
            let args = [
                ("email", email),
                ("role", role_name.as_str()),
                ("org", org.name.as_str()),
                ("link", link.as_str()),
            ];
            let mail = OutgoingMail {
                to: address,
                subject: i18n.message(lang, &format!("{message}-subject"), &args),
                body: i18n.message(lang, &format!("{message}-body"), &args),
                ..OutgoingMail::default()
            };
            if let Err(e) = mailer.send(&mail).await {
                let kind = match e {
                    breachdesk_core::ports::MailError::Invalid(_) => "invalid",
                    breachdesk_core::ports::MailError::Transport(_) => "transport",
                };
                tracing::warn!(org_id = %org.id, kind, "role mail not delivered");
            }
        }
        Ok(())
    }
}

impl App {
    /// The holder of an API token (its digest is looked up; expired and revoked tokens, and
    /// disabled accounts, have none) and the token's scope.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn api_principal(&self, token: &str) -> Result<Option<TokenHolder>, AppError> {
        let digest = breachdesk_crypto::token_digest(token);
        Ok(self.0.store.principal_by_token(&digest, self.now()).await?)
    }
}

/// How long a new account's setup link stays valid.
pub const ACCOUNT_LINK_VALID: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

impl App {
    /// Writes an audit entry; a failure is logged, not returned (what it records has happened).
    pub async fn record(&self, event: AuditEvent) {
        let action = event.action;
        if let Err(e) = self.0.store.append_audit(&[event], self.now()).await {
            tracing::error!(error = %e, action, "audit entry failed");
        }
    }

    /// Creates an organisation (the caller has checked who may), audited as
    /// `admin.org_create` by `actor` (`None`: the operator).
    ///
    /// # Errors
    /// [`AppError::Conflict`] when the slug is taken; a storage error otherwise.
    pub async fn create_org(
        &self,
        actor: Option<Uuid>,
        new: &breachdesk_core::org::NewOrganisation,
        ref_prefix: &str,
    ) -> Result<Organisation, crate::AppError> {
        let org = self
            .0
            .store
            .create_org(new, Uuid::now_v7(), ref_prefix, self.now())
            .await?;
        self.record(AuditEvent {
            actor,
            org_id: Some(org.id),
            case_id: None,
            action: "admin.org_create",
            detail: org.slug.as_str().to_owned(),
        })
        .await;
        Ok(org)
    }

    /// An administrator's "add an account": the account (a new one gets a one-time setup
    /// link, [`App::ensure_account`]), then the role under separation of duties
    /// ([`App::give_role`]), audited as `admin.account_create`.
    ///
    /// # Errors
    /// As [`App::give_role`]; a storage error.
    pub async fn add_account(
        &self,
        actor: Actor<'_>,
        email: &str,
        org: &Organisation,
        role: Role,
    ) -> Result<AccountAdded, AppError> {
        let (user_id, setup_token) = self.ensure_account(email).await?;
        let outcome = self.give_role(actor, user_id, email, org, role).await?;
        self.record(AuditEvent {
            actor: Some(actor.id()),
            org_id: Some(org.id),
            case_id: None,
            action: "admin.account_create",
            detail: format!(
                "{} {}",
                role.as_str(),
                if setup_token.is_some() {
                    "new"
                } else {
                    "existing"
                }
            ),
        })
        .await;
        Ok(AccountAdded {
            user_id,
            setup_token,
            outcome,
        })
    }

    /// The account with this address, made if there is none; a new account has no usable
    /// password until its owner follows the one-time setup link returned with it (valid for a
    /// week).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn ensure_account(&self, email: &str) -> Result<(Uuid, Option<String>), StoreError> {
        let now = self.now();
        let EnsuredUser { id, created } =
            crate::operator::ensure_account(&*self.0.store, email, "!unset".into(), now).await?;
        if !created {
            return Ok((id, None));
        }
        Ok((id, Some(self.fresh_setup_token(id).await?)))
    }

    /// A new one-time setup token (valid for a week) for an account that was never set up.
    pub(crate) async fn fresh_setup_token(&self, id: Uuid) -> Result<String, StoreError> {
        let now = self.now();
        let (token, digest) = crate::sessions::new_token();
        self.0
            .store
            .create_setup_token(
                &digest,
                Some(id),
                breachdesk_core::ports::SetupPurpose::Account,
                now,
                now + ACCOUNT_LINK_VALID,
            )
            .await?;
        Ok(token)
    }
}
