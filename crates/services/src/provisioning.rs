//! Provisioning by an identity provider (SCIM 2.0): clients an administrator makes,
//! people created, changed and deprovisioned, teams as groups. A client acts with the
//! authority of the administrator who made it, for as long as they are one. Taking a
//! person out (`active: false`, or deleting them) does what a leaver needs: the account
//! is disabled, its sessions and tokens revoked in that transaction, and a leaver's plan
//! started for their line manager.
use std::collections::HashMap;

use chrono::Utc;
use sha2::Digest;
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{Actor, NewUser, Role, Team, TeamKind, User};
use signpost_domain::provisioning::{ScimClient, ScimGroupState, ScimUserState};
use signpost_domain::retention::Departure;
use signpost_domain::{StoreError, TeamId, UserId};

use crate::accounts::{UserUpdate, random_hex, secret_hash};
use crate::leavers::PlanInput;
use crate::{ServiceError, Signpost, policy};

/// Prefix of every provisioning token.
pub const SCIM_TOKEN_PREFIX: &str = "spscim_";
/// Most people or groups one provisioning request reads at once (a whole organisation fits).
pub const MAX_PROVISIONED: usize = 100_000;

/// A provisioning client, signed in by its token.
#[derive(Debug, Clone)]
pub struct Provisioner {
    /// The client.
    pub client: ScimClient,
    /// The administrator it acts for.
    pub actor: Actor,
}

/// A person as SCIM describes them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProvisionedPerson {
    /// `userName`, unique.
    pub user_name: String,
    /// `emails`; the primary one (or the first, or a userName that is an address) is the
    /// address they sign in with.
    pub emails: Vec<serde_json::Value>,
    /// The whole User document as sent (`meta` aside), kept for what SCIM shows back.
    pub document: serde_json::Value,
    /// `displayName`.
    pub name: String,
    /// `title`.
    pub job_title: String,
    /// `active`; left out, it stays as it is (a new person is active).
    pub active: Option<bool>,
    /// The enterprise extension's `manager.value`.
    pub manager: Option<UserId>,
    /// `externalId`.
    pub external_id: Option<String>,
}

/// A person with what SCIM knows of them.
#[derive(Debug, Clone)]
pub struct PersonRecord {
    /// The account.
    pub user: User,
    /// SCIM's facts.
    pub state: ScimUserState,
}

/// A team SCIM manages, with its people.
#[derive(Debug, Clone)]
pub struct GroupRecord {
    /// The team.
    pub team: Team,
    /// Its members.
    pub members: Vec<User>,
    /// SCIM's facts.
    pub state: ScimGroupState,
}

/// A group as SCIM describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProvisionedGroup {
    /// `displayName`: the team's name.
    pub name: String,
    /// `members[].value`.
    pub members: Vec<UserId>,
    /// `externalId`.
    pub external_id: Option<String>,
}

impl ProvisionedPerson {
    /// The address the account signs in with: the primary email, the first, a userName
    /// that is an address, or else a stand-in in the reserved `.invalid` domain (RFC 6761),
    /// which nothing is ever sent to, until the provider sends a real one.
    pub fn account_email(&self) -> String {
        let value = |e: &serde_json::Value| e.get("value").and_then(|v| v.as_str()).map(str::to_string);
        let primary = self.emails.iter().find(|e| e.get("primary").and_then(|p| p.as_bool()) == Some(true)).and_then(value);
        primary
            .or_else(|| self.emails.iter().find_map(value))
            .or_else(|| self.user_name.contains('@').then(|| self.user_name.clone()))
            .map(|e| e.trim().to_lowercase())
            .unwrap_or_else(|| {
                let name = self.user_name.trim().to_lowercase();
                let safe = !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
                let local = if safe { name } else { hex::encode(&sha2::Sha256::digest(name.as_bytes())[..12]) };
                format!("{local}@provisioned.invalid")
            })
    }

    fn state(&self, deprovisioned: bool) -> ScimUserState {
        ScimUserState {
            user_name: self.user_name.trim().to_string(),
            document: self.document.to_string(),
            external_id: self.external_id.clone(),
            deprovisioned,
            ..ScimUserState::default()
        }
    }

    fn checked(&self) -> Result<String, ServiceError> {
        if self.user_name.trim().is_empty() || self.user_name.chars().count() > 254 {
            return Err(ServiceError::invalid("userName", "is required, up to 254 characters"));
        }
        Ok(self.account_email())
    }
}

fn conflict_as(what: &str) -> impl Fn(StoreError) -> ServiceError + '_ {
    move |e| match e {
        StoreError::Conflict(_) => ServiceError::Conflict(format!("{what} was changed since that version: read it again")),
        StoreError::NotFound => ServiceError::NotFound(what.to_string()),
        other => other.into(),
    }
}

impl Signpost {
    /// Makes a provisioning client (administrators); its token is shown once.
    pub async fn create_scim_client(&self, actor: &Actor, name: &str) -> Result<(ScimClient, String), ServiceError> {
        policy::ensure_admin(actor)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ServiceError::invalid("name", "enter a name of up to 100 characters, such as Entra ID provisioning"));
        }
        let secret = format!("{SCIM_TOKEN_PREFIX}{}", random_hex(32));
        let audit = AuditRecord::new(Some(actor.user_id), "scim_client.create", format!("provisioning client {name} made"));
        let client = self.store.create_scim_client(name, &secret_hash(&secret), actor.user_id, None, audit).await?;
        Ok((client, secret))
    }

    /// Every provisioning client (administrators).
    pub async fn scim_clients(&self, actor: &Actor) -> Result<Vec<ScimClient>, ServiceError> {
        policy::ensure_admin(actor)?;
        Ok(self.store.scim_clients().await?)
    }

    /// Revokes a provisioning client (administrators): its token stops working at once.
    pub async fn revoke_scim_client(&self, actor: &Actor, id: i64) -> Result<(), ServiceError> {
        policy::ensure_admin(actor)?;
        let audit = AuditRecord::new(Some(actor.user_id), "scim_client.revoke", format!("provisioning client {id} revoked"));
        self.store.revoke_scim_client(id, Utc::now(), audit).await.map_err(|e| match e {
            StoreError::NotFound => ServiceError::NotFound("working provisioning client".into()),
            other => other.into(),
        })
    }

    /// The client behind a provisioning token, while it works and its maker is an administrator.
    pub async fn provisioner(&self, secret: &str) -> Result<Option<Provisioner>, ServiceError> {
        if !secret.starts_with(SCIM_TOKEN_PREFIX) {
            return Ok(None);
        }
        let Some(client) = self.store.scim_client_by_secret(&secret_hash(secret), Utc::now()).await? else { return Ok(None) };
        let maker = match self.store.user(client.created_by).await {
            Ok(u) if u.disabled_at.is_none() && u.role == Role::Admin => u,
            Ok(_) | Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let actor = self.actor(maker.id).await?;
        Ok(Some(Provisioner { client, actor }))
    }

    async fn all_users(&self) -> Result<Vec<User>, ServiceError> {
        let mut all = Vec::new();
        loop {
            let page = self.store.users(all.len() as i64, 100).await?;
            let last = page.items.len() < 100;
            all.extend(page.items);
            if last || all.len() >= MAX_PROVISIONED {
                return Ok(all);
            }
        }
    }

    /// Everyone SCIM sees: every account it has not deleted.
    pub async fn provisioned_people(&self, p: &Provisioner) -> Result<Vec<PersonRecord>, ServiceError> {
        policy::ensure_admin(&p.actor)?;
        let states: HashMap<UserId, ScimUserState> = self.store.scim_user_states().await?.into_iter().collect();
        let users = self.all_users().await?;
        Ok(users
            .into_iter()
            .filter_map(|user| {
                let state = states.get(&user.id).cloned().unwrap_or_default();
                (!state.deprovisioned).then_some(PersonRecord { user, state })
            })
            .collect())
    }

    /// One person SCIM sees.
    pub async fn provisioned_person(&self, p: &Provisioner, id: UserId) -> Result<PersonRecord, ServiceError> {
        policy::ensure_admin(&p.actor)?;
        let user = self.store.user(id).await.map_err(|_| ServiceError::NotFound("person".into()))?;
        let state = self.store.scim_user_states().await?.into_iter().find(|(u, _)| *u == id).map(|(_, s)| s).unwrap_or_default();
        if state.deprovisioned {
            return Err(ServiceError::NotFound("person".into()));
        }
        Ok(PersonRecord { user, state })
    }

    /// Creates a person, or brings back one SCIM deleted earlier with the same address.
    pub async fn provision_person(&self, p: &Provisioner, person: ProvisionedPerson) -> Result<PersonRecord, ServiceError> {
        policy::ensure_admin(&p.actor)?;
        let email = person.checked()?;
        let states = self.store.scim_user_states().await?;
        let user_name = person.user_name.trim().to_lowercase();
        if states.iter().any(|(_, s)| s.user_name == user_name && !s.deprovisioned) {
            return Err(ServiceError::Conflict(format!("a person with the userName {} already exists", person.user_name.trim())));
        }
        if let Some(existing) = self.store.credentials(&email).await?.map(|c| c.user) {
            let state = states.iter().find(|(u, _)| *u == existing.id).map(|(_, s)| s);
            if state.is_some_and(|s| !s.deprovisioned) || (state.is_none() && existing.disabled_at.is_none()) {
                return Err(ServiceError::Conflict(format!("a person with the address {email} already exists")));
            }
            // Someone SCIM deleted (or an account never provisioned, now disabled) comes back.
            let state = person.state(false);
            self.apply_person(p, existing.id, person).await?;
            self.store.record_scim_user(existing.id, &state, None).await.map_err(conflict_as("person"))?;
            return self.provisioned_person(p, existing.id).await;
        }
        let mut new = NewUser::new(email, person.name.clone(), Role::Member);
        new.job_title = person.job_title.clone();
        new.line_manager_id = person.manager;
        let created = self.create_user(Some(&p.actor), new, None).await?;
        self.store.record_scim_user(created.id, &person.state(false), None).await.map_err(conflict_as("person"))?;
        if person.active == Some(false) {
            self.take_out(p, &created).await?;
        }
        self.provisioned_person(p, created.id).await
    }

    /// Replaces a person's details (`expected`: the version their ETag named, if any).
    pub async fn replace_person(
        &self,
        p: &Provisioner,
        id: UserId,
        person: ProvisionedPerson,
        expected: Option<i64>,
    ) -> Result<PersonRecord, ServiceError> {
        person.checked()?;
        let current = self.provisioned_person(p, id).await?;
        let user_name = person.user_name.trim().to_lowercase();
        if self.store.scim_user_states().await?.iter().any(|(u, s)| *u != id && s.user_name == user_name) {
            return Err(ServiceError::Conflict(format!("a person with the userName {} already exists", person.user_name.trim())));
        }
        // The account first: input it refuses leaves SCIM's record as it was. A change
        // another client made meanwhile then fails the conditional version update.
        let state = person.state(false);
        self.apply_person(p, id, person).await?;
        self.store.record_scim_user(id, &state, expected.or(Some(current.state.version))).await.map_err(conflict_as("person"))?;
        self.provisioned_person(p, id).await
    }

    async fn apply_person(&self, p: &Provisioner, id: UserId, person: ProvisionedPerson) -> Result<(), ServiceError> {
        let update = UserUpdate {
            name: Some(person.name.clone()),
            job_title: Some(person.job_title.clone()),
            email: Some(person.account_email()),
            line_manager_id: Some(person.manager),
            ..UserUpdate::default()
        };
        let user = self.update_user(&p.actor, id, update).await?;
        match (user.disabled_at.is_some(), person.active) {
            (false, Some(false)) => self.take_out(p, &user).await?,
            (true, Some(true)) => self.enable_user(&p.actor, id).await?,
            _ => {}
        }
        Ok(())
    }

    /// Deletes a person as SCIM sees it: taken out as a leaver, and no longer listed.
    pub async fn deprovision_person(&self, p: &Provisioner, id: UserId) -> Result<(), ServiceError> {
        let current = self.provisioned_person(p, id).await?;
        let state = ScimUserState { deprovisioned: true, ..current.state.clone() };
        let state = if state.user_name.is_empty() { ScimUserState { user_name: current.user.email.clone(), ..state } } else { state };
        if current.user.disabled_at.is_none() {
            self.take_out(p, &current.user).await?;
        }
        self.store.record_scim_user(id, &state, Some(current.state.version)).await.map_err(conflict_as("person"))?;
        Ok(())
    }

    /// A leaver, as the identity provider says: the account is disabled (its sessions and
    /// tokens revoked in the same transaction) and a plan to secure what they know is
    /// started for their line manager, listing everything they hold.
    async fn take_out(&self, p: &Provisioner, user: &User) -> Result<(), ServiceError> {
        if p.actor.user_id == user.id {
            return Err(ServiceError::Conflict("a provisioning client cannot take out the administrator it acts for".into()));
        }
        self.disable_user(&p.actor, user.id).await?;
        let input = PlanInput {
            leaver_id: user.id,
            departure: Departure::Leaving,
            leaving_on: Utc::now().date_naive().to_string(),
            role: if user.job_title.trim().is_empty() { "Their role".into() } else { user.job_title.clone() },
            successor_id: None,
            key_colleague_id: None,
        };
        if let Err(e) = self.start_plan(&p.actor, input).await {
            // The account is already safe; a plan that cannot start (no line manager or
            // team recorded, one already open) is noted for an administrator to follow up.
            let why = match &e {
                ServiceError::Invalid(errors) => errors.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; "),
                other => other.to_string(),
            };
            let audit = AuditRecord::new(
                Some(p.actor.user_id),
                "leaver_plan.not_started",
                format!("{} was deprovisioned by {}, but no leaver's plan could start: {why}", user.email, p.client.name),
            );
            self.store.record(audit).await?;
        }
        Ok(())
    }

    /// The teams SCIM manages, with their members.
    pub async fn provisioned_groups(&self, p: &Provisioner) -> Result<Vec<GroupRecord>, ServiceError> {
        policy::ensure_admin(&p.actor)?;
        let states: HashMap<TeamId, ScimGroupState> = self.store.scim_group_states().await?.into_iter().collect();
        let teams = self.store.teams().await?;
        let users = self.all_users().await?;
        Ok(teams
            .into_iter()
            .filter_map(|team| {
                let state = states.get(&team.id)?.clone();
                let members = users.iter().filter(|u| u.team_id == Some(team.id)).cloned().collect();
                Some(GroupRecord { team, members, state })
            })
            .collect())
    }

    /// One team SCIM manages.
    pub async fn provisioned_group(&self, p: &Provisioner, id: TeamId) -> Result<GroupRecord, ServiceError> {
        self.provisioned_groups(p).await?.into_iter().find(|g| g.team.id == id).ok_or_else(|| ServiceError::NotFound("group".into()))
    }

    /// A group: the team of that name (made under the client's parent, or the
    /// organisation, when there is none), now managed by SCIM, with these members.
    pub async fn provision_group(&self, p: &Provisioner, group: ProvisionedGroup) -> Result<GroupRecord, ServiceError> {
        policy::ensure_admin(&p.actor)?;
        let name = group.name.trim().to_string();
        let teams = self.store.teams().await?;
        let linked: Vec<TeamId> = self.store.scim_group_states().await?.into_iter().map(|(t, _)| t).collect();
        let team = match teams.iter().find(|t| t.name.eq_ignore_ascii_case(&name)) {
            Some(t) if linked.contains(&t.id) => {
                return Err(ServiceError::Conflict(format!("a group with the displayName {name} already exists")));
            }
            Some(t) => t.clone(),
            None => {
                let parent = p.client.group_parent_id.or_else(|| teams.iter().find(|t| t.kind == TeamKind::Organisation).map(|t| t.id));
                let parent_kind = parent.and_then(|id| teams.iter().find(|t| t.id == id)).map(|t| t.kind);
                let kind = if parent_kind == Some(TeamKind::Directorate) { TeamKind::Team } else { TeamKind::Directorate };
                self.create_team(Some(&p.actor), &name, kind, parent).await?
            }
        };
        self.store.record_scim_group(team.id, group.external_id.as_deref(), None).await?;
        self.set_members(p, team.id, &group.members).await?;
        self.provisioned_group(p, team.id).await
    }

    /// Replaces a group's name and members.
    pub async fn replace_group(
        &self,
        p: &Provisioner,
        id: TeamId,
        group: ProvisionedGroup,
        expected: Option<i64>,
    ) -> Result<GroupRecord, ServiceError> {
        let current = self.provisioned_group(p, id).await?;
        self.store
            .record_scim_group(id, group.external_id.as_deref(), expected.or(Some(current.state.version)))
            .await
            .map_err(conflict_as("group"))?;
        if current.team.name != group.name.trim() {
            let name = group.name.trim();
            if name.is_empty() || name.chars().count() > 200 {
                return Err(ServiceError::invalid("displayName", "enter a name of up to 200 characters"));
            }
            let audit = AuditRecord::new(
                Some(p.actor.user_id),
                "team.rename",
                format!("{} renamed {} to {name}", p.client.name, current.team.name),
            );
            self.store.rename_team(id, name, audit).await.map_err(|e| match e {
                StoreError::Conflict(_) => ServiceError::Conflict(format!("a team is already called {name}")),
                other => other.into(),
            })?;
        }
        self.set_members(p, id, &group.members).await?;
        self.provisioned_group(p, id).await
    }

    /// Stops managing a team as a group; the team and its people stay as they are.
    pub async fn unlink_group(&self, p: &Provisioner, id: TeamId) -> Result<(), ServiceError> {
        let current = self.provisioned_group(p, id).await?;
        let audit = AuditRecord::new(
            Some(p.actor.user_id),
            "team.scim_unlink",
            format!("{} stopped managing the team {} (it stays, with its people)", p.client.name, current.team.name),
        );
        Ok(self.store.unlink_scim_group(id, audit).await?)
    }

    /// Puts exactly `members` in the team: newcomers move into it; people no longer
    /// listed leave it (to no team). An id no account has is passed over, as RFC 7644
    /// allows: a provider may name a member before it has created them.
    async fn set_members(&self, p: &Provisioner, team: TeamId, members: &[UserId]) -> Result<(), ServiceError> {
        let users = self.all_users().await?;
        let unknown: Vec<String> = members.iter().filter(|id| !users.iter().any(|u| u.id == **id)).map(|id| id.to_string()).collect();
        if !unknown.is_empty() {
            tracing::info!(client = %p.client.name, team = %team, members = %unknown.join(", "), "group members with no account passed over");
        }
        for user in &users {
            let listed = members.contains(&user.id);
            if listed && user.team_id != Some(team) {
                self.move_to_team(p, user, Some(team)).await?;
            } else if !listed && user.team_id == Some(team) {
                self.move_to_team(p, user, None).await?;
            }
        }
        Ok(())
    }

    async fn move_to_team(&self, p: &Provisioner, user: &User, team: Option<TeamId>) -> Result<(), ServiceError> {
        let moved = User { team_id: team, ..user.clone() };
        let audit =
            AuditRecord::new(Some(p.actor.user_id), "user.update", format!("{} moved {} to another team", p.client.name, user.email));
        self.store.update_user(&moved, audit).await?;
        self.token_actors.forget();
        Ok(())
    }
}
