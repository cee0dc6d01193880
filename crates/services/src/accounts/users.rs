//! People's accounts: creating them, looking them up as the reader may see them, and
//! changing their details.
use std::collections::HashMap;

use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{Actor, NewUser, RevokedAccess, Role, User};
use signpost_domain::profiles::Profile;
use signpost_domain::search::Page;
use signpost_domain::{FieldError, StoreError, TeamId, UserId};

use super::{check_new_password, hash_password, not_found_as, page_bounds};
use crate::{ServiceError, Signpost, policy};

impl Signpost {
    /// Creates a user (admins only). `actor` is `None` for the CLI run by the operator.
    pub async fn create_user(&self, actor: Option<&Actor>, new: NewUser, password: Option<String>) -> Result<User, ServiceError> {
        if let Some(a) = actor {
            policy::ensure_admin(a)?;
        }
        self.check_new_user(&new, password.as_deref()).await?;
        let hash = match password {
            Some(p) => Some(hash_password(p).await?),
            None => None,
        };
        let audit = AuditRecord::new(actor.map(|a| a.user_id), "user.create", format!("user {} created", new.email.trim()));
        self.store.create_user(&new, hash.as_deref(), None, audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict(format!("a user with the email {} already exists", new.email.trim())),
            other => other.into(),
        })
    }

    /// Every problem with a new account's details (and its password, when one is set).
    pub(crate) async fn check_new_user(&self, new: &NewUser, password: Option<&str>) -> Result<(), ServiceError> {
        let mut errors = new.validate();
        if let Some(team) = new.team_id
            && !self.store.teams().await?.iter().any(|t| t.id == team)
        {
            errors.push(FieldError::new("team_id", format!("there is no team {team}")));
        }
        if let Some(manager) = new.line_manager_id {
            self.check_line_manager(manager, None, &mut errors).await?;
        }
        if let Some(p) = password
            && let Err(e) = check_new_password(p, new.email.trim(), new.name.trim())
        {
            errors.push(e);
        }
        if errors.is_empty() { Ok(()) } else { Err(ServiceError::Invalid(errors)) }
    }

    /// A line manager must be a working account, and not the person themself or anyone
    /// who (through their own managers) reports to them.
    async fn check_line_manager(&self, manager: UserId, person: Option<UserId>, errors: &mut Vec<FieldError>) -> Result<(), ServiceError> {
        let refuse = |errors: &mut Vec<FieldError>, message: &str| errors.push(FieldError::new("line_manager_id", message));
        let mut next = Some(manager);
        let mut seen = Vec::new();
        while let Some(id) = next {
            if Some(id) == person {
                refuse(errors, "would make the person their own manager, directly or through the people they manage");
                return Ok(());
            }
            if seen.contains(&id) || seen.len() > 1_000 {
                break;
            }
            seen.push(id);
            match self.store.user(id).await {
                Ok(u) if id == manager && u.disabled_at.is_some() => {
                    refuse(errors, &format!("{}'s account is disabled: choose someone whose account works", u.name));
                    return Ok(());
                }
                Ok(u) => next = u.line_manager_id,
                Err(StoreError::NotFound) if id == manager => {
                    refuse(errors, &format!("there is no person {manager}"));
                    return Ok(());
                }
                Err(StoreError::NotFound) => break,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// One user; everyone signed in may look people up.
    pub async fn user(&self, actor: &Actor, id: UserId) -> Result<User, ServiceError> {
        let user = self.store.user(id).await.map_err(not_found_as("user"))?;
        Ok(self.as_seen_by(actor, vec![user]).await?.remove(0))
    }

    /// A page of users, each as far as the actor may read it.
    pub async fn users(&self, actor: &Actor, offset: i64, limit: i64) -> Result<Page<User>, ServiceError> {
        let (offset, limit) = page_bounds(offset, limit)?;
        let page = self.store.users(offset, limit).await?;
        Ok(Page { items: self.as_seen_by(actor, page.items).await?, ..page })
    }

    /// Everyone `actor` may see, by name: the choices a page offers when it asks
    /// "who" (session participants, a project's people).
    pub async fn everyone(&self, actor: &Actor) -> Result<Vec<User>, ServiceError> {
        let mut all = Vec::new();
        loop {
            let page = self.users(actor, all.len() as i64, 100).await?;
            let last = page.items.len() < 100;
            all.extend(page.items);
            if last {
                break;
            }
        }
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// Every account, unfiltered: for matching people by email inside the services.
    pub(crate) async fn every_account(&self) -> Result<Vec<User>, ServiceError> {
        let mut all = Vec::new();
        loop {
            let page = self.store.users(all.len() as i64, 500).await?;
            let last = page.items.len() < 500;
            all.extend(page.items);
            if last {
                return Ok(all);
            }
        }
    }

    /// `users` with what `actor` may not read of each left out (see [`policy::user_as_seen_by`]).
    pub(crate) async fn as_seen_by(&self, actor: &Actor, users: Vec<User>) -> Result<Vec<User>, ServiceError> {
        let profiles: HashMap<UserId, Profile> = self.store.profiles().await?.into_iter().map(|p| (p.user_id, p)).collect();
        Ok(users
            .into_iter()
            .map(|u| {
                let profile = profiles.get(&u.id).cloned().unwrap_or_else(|| Profile::empty(u.id));
                policy::user_as_seen_by(actor, u, &profile)
            })
            .collect())
    }

    /// Changes a user's role (admins only; an admin cannot demote themselves).
    pub async fn set_role(&self, actor: &Actor, id: UserId, role: Role) -> Result<User, ServiceError> {
        policy::ensure_admin(actor)?;
        if id == actor.user_id && role != Role::Admin {
            return Err(ServiceError::Conflict("you cannot remove your own administrator role".into()));
        }
        let mut user = self.store.user(id).await.map_err(not_found_as("user"))?;
        user.role = role;
        let audit = AuditRecord::new(Some(actor.user_id), "user.set_role", format!("{} is now {}", user.email, role.as_str()));
        let updated = self.store.update_user(&user, audit).await?;
        self.token_actors.forget();
        Ok(updated)
    }

    /// Sets a user's password (the operator from the CLI, or an admin); every session of
    /// theirs ends.
    pub async fn set_password(&self, actor: Option<&Actor>, id: UserId, password: String) -> Result<(), ServiceError> {
        if let Some(a) = actor
            && a.user_id != id
        {
            policy::ensure_admin(a)?;
        }
        let user = self.store.user(id).await.map_err(not_found_as("user"))?;
        check_new_password(&password, &user.email, &user.name)?;
        let hash = hash_password(password).await?;
        let audit = AuditRecord::new(actor.map(|a| a.user_id), "user.set_password", format!("password of {} set", user.email));
        self.store.set_password(id, &hash, audit).await.map_err(not_found_as("user"))
    }

    /// Sets a password hash made earlier with [`hash_password`]; for the operator's
    /// tools (the demo gives every account the same password without hashing it 30 times).
    pub async fn set_hashed_password(&self, id: UserId, hash: &str) -> Result<(), ServiceError> {
        let audit = AuditRecord::new(None, "user.set_password", format!("password of user {id} set by the operator"));
        self.store.set_password(id, hash, audit).await.map_err(not_found_as("user"))
    }

    /// The user with this email, for the CLI.
    pub async fn user_by_email(&self, email: &str) -> Result<User, ServiceError> {
        self.store.credentials(email).await?.map(|c| c.user).ok_or_else(|| ServiceError::NotFound(format!("user {email}")))
    }
}

/// Changes to a person's details. Fields left out stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// Full name.
    pub name: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Profession.
    pub profession: Option<String>,
    /// Site or base.
    pub site: Option<String>,
    /// Team (administrators only).
    pub team_id: Option<TeamId>,
    /// Email address, used to sign in (administrators only).
    pub email: Option<String>,
    /// Role (administrators only; not their own).
    pub role: Option<Role>,
    /// Line manager, or `null` for none (administrators only).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub line_manager_id: Option<Option<UserId>>,
}

/// A field that is present, even as `null`, is `Some`; one left out stays `None`.
fn present<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    serde::Deserialize::deserialize(d).map(Some)
}

impl UserUpdate {
    fn admin_only(&self) -> Option<&'static str> {
        if self.team_id.is_some() {
            Some("only administrators move people between teams")
        } else if self.email.is_some() {
            Some("only administrators change the address people sign in with")
        } else if self.role.is_some() {
            Some("only administrators change roles")
        } else if self.line_manager_id.is_some() {
            Some("only administrators record line managers")
        } else {
            None
        }
    }
}

impl Signpost {
    /// Updates a person's details: people change their own name, job title, profession
    /// and site; administrators anyone's, and their email, team, role and line manager.
    pub async fn update_user(&self, actor: &Actor, id: UserId, update: UserUpdate) -> Result<User, ServiceError> {
        if actor.user_id != id {
            policy::ensure_admin(actor)?;
        }
        if let Some(why) = update.admin_only() {
            policy::ensure_admin(actor).map_err(|_| ServiceError::Forbidden(why.into()))?;
        }
        if id == actor.user_id && update.role.is_some_and(|r| r != Role::Admin) {
            return Err(ServiceError::Conflict("you cannot remove your own administrator role".into()));
        }
        let current = self.store.user(id).await.map_err(not_found_as("user"))?;
        let candidate = NewUser {
            email: update.email.clone().unwrap_or(current.email.clone()),
            name: update.name.clone().unwrap_or(current.name.clone()),
            job_title: update.job_title.clone().unwrap_or(current.job_title.clone()),
            profession: update.profession.clone().unwrap_or(current.profession.clone()),
            site: update.site.clone().unwrap_or(current.site.clone()),
            team_id: update.team_id.or(current.team_id),
            role: update.role.unwrap_or(current.role),
            line_manager_id: update.line_manager_id.unwrap_or(current.line_manager_id),
        };
        let mut errors = candidate.validate();
        if let Some(team) = update.team_id
            && !self.store.teams().await?.iter().any(|t| t.id == team)
        {
            errors.push(FieldError::new("team_id", format!("there is no team {team}")));
        }
        if let Some(Some(manager)) = update.line_manager_id {
            self.check_line_manager(manager, Some(id), &mut errors).await?;
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let user = User {
            email: candidate.email.trim().to_lowercase(),
            name: candidate.name.trim().to_string(),
            job_title: candidate.job_title,
            profession: candidate.profession,
            site: candidate.site,
            team_id: candidate.team_id,
            role: candidate.role,
            line_manager_id: candidate.line_manager_id,
            ..current
        };
        let audit = AuditRecord::new(Some(actor.user_id), "user.update", format!("details of {} changed", user.email));
        let updated = self.store.update_user(&user, audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict(format!("another account already uses {}", user.email)),
            other => other.into(),
        })?;
        self.token_actors.forget();
        Ok(updated)
    }

    /// Disables an account (administrators; not their own): it cannot sign in, and its
    /// sessions and API tokens stop working at once.
    pub async fn disable_user(&self, actor: &Actor, id: UserId) -> Result<RevokedAccess, ServiceError> {
        policy::ensure_admin(actor)?;
        if id == actor.user_id {
            return Err(ServiceError::Conflict("you cannot disable your own account".into()));
        }
        let user = self.store.user(id).await.map_err(not_found_as("user"))?;
        let audit = AuditRecord::new(Some(actor.user_id), "user.disable", format!("disabled the account of {}", user.email));
        let revoked = self.store.disable_user(id, chrono::Utc::now(), audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict(format!("{}'s account is already disabled", user.name)),
            other => not_found_as("user")(other),
        })?;
        self.token_actors.forget();
        Ok(revoked)
    }

    /// Lets a disabled account sign in again (administrators).
    pub async fn enable_user(&self, actor: &Actor, id: UserId) -> Result<(), ServiceError> {
        policy::ensure_admin(actor)?;
        let user = self.store.user(id).await.map_err(not_found_as("user"))?;
        let audit = AuditRecord::new(Some(actor.user_id), "user.enable", format!("enabled the account of {} again", user.email));
        self.store.enable_user(id, audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict(format!("{}'s account is not disabled", user.name)),
            other => not_found_as("user")(other),
        })?;
        self.token_actors.forget();
        Ok(())
    }
}
