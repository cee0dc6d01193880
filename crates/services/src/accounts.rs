//! Sign-in, browser sessions, API tokens, users and teams.
use std::collections::HashMap;
use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, password_hash::rand_core::OsRng};
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{Actor, ApiToken, BrowserSession, NewUser, RevokedAccess, Role, Team, TeamKind, User};
use signpost_domain::profiles::Profile;
use signpost_domain::search::Page;
use signpost_domain::{StoreError, TeamId, UserId};

use crate::login_limit;
use crate::{ServiceError, Signpost, policy};

/// How long a browser session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 12;
/// Prefix of every API token, so leaked tokens are easy to recognise.
pub const TOKEN_PREFIX: &str = "sp_";

/// A new browser session: the cookie secret and the CSRF token for its forms.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Goes in the HttpOnly cookie; only its hash is stored.
    pub secret: String,
    /// Must accompany every form post in this session.
    pub csrf_token: String,
    /// The signed-in user.
    pub user: User,
}

/// A valid browser session: who it belongs to, as a person and as the services see them.
#[derive(Debug, Clone)]
pub struct SignedInSession {
    /// Role and teams, for every service call.
    pub actor: Actor,
    /// The person, for the page header.
    pub user: User,
    /// The session, with its CSRF token.
    pub session: BrowserSession,
}

/// A token as created: the secret is shown once and never again.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    /// The token's record.
    pub token: ApiToken,
    /// The secret to send as `Authorization: Bearer …`.
    pub secret: String,
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// SHA-256 of a high-entropy secret: enough for random tokens, unlike passwords.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A hash to verify against when the account does not exist, so the answer takes as long.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"signpost-dummy-password", &SaltString::generate(&mut OsRng))
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Hashes a password with argon2id on a blocking thread, away from the async runtime.
pub async fn hash_password(password: String) -> Result<String, ServiceError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(ServiceError::invalid("password", format!("must be at least {MIN_PASSWORD} characters")));
    }
    tokio::task::spawn_blocking(move || {
        Argon2::default().hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng)).map(|h| h.to_string())
    })
    .await
    .map_err(|e| ServiceError::caused("the password task stopped", e))?
    .map_err(|e| ServiceError::caused("the password could not be hashed", e.to_string()))
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

fn not_found_as(what: &str) -> impl Fn(StoreError) -> ServiceError + '_ {
    move |e| match e {
        StoreError::NotFound => ServiceError::NotFound(what.to_string()),
        other => other.into(),
    }
}

impl Signpost {
    /// Checks an email and password, rate-limited per account and per client.
    /// Unknown accounts take as long to refuse as wrong passwords.
    pub async fn sign_in(&self, email: &str, password: &str, client: &str) -> Result<NewSession, ServiceError> {
        let reservation = self
            .limiter
            .reserve(&login_limit::keys(email, client))
            .map_err(|retry_after_secs| ServiceError::RateLimited { retry_after_secs })?;
        let credentials = self.store.credentials(email).await?;
        let hash = credentials.as_ref().and_then(|c| c.password_hash.clone()).unwrap_or_else(|| dummy_hash().to_string());
        let verified = {
            let _turn = self.limiter.hashing.acquire().await.map_err(|e| ServiceError::caused("the password queue closed", e))?;
            verify_password(password.to_string(), hash).await
        };
        let ok = verified && credentials.as_ref().is_some_and(|c| c.password_hash.is_some());
        // A failure keeps its reservation: that is the failure counted.
        let Some(user) = credentials.filter(|_| ok).map(|c| c.user) else {
            return Err(ServiceError::Unauthenticated("the email address or password is not right".into()));
        };
        self.limiter.succeed(reservation);
        let secret = random_hex(32);
        let session =
            BrowserSession { user_id: user.id, csrf_token: random_hex(32), expires_at: Utc::now() + Duration::hours(SESSION_HOURS) };
        self.store.create_session(&secret_hash(&secret), &session).await?;
        self.store.record(AuditRecord::new(Some(user.id), "session.sign_in", format!("{} signed in", user.email))).await?;
        Ok(NewSession { secret, csrf_token: session.csrf_token, user })
    }

    /// The session behind a cookie secret, if it is still valid, with who it belongs to.
    pub async fn session(&self, secret: &str) -> Result<Option<SignedInSession>, ServiceError> {
        let Some(session) = self.store.session(&secret_hash(secret), Utc::now()).await? else { return Ok(None) };
        let user = self.store.user(session.user_id).await.map_err(not_found_as("user"))?;
        let actor = self.actor_of(&user).await?;
        Ok(Some(SignedInSession { actor, user, session }))
    }

    /// Ends a browser session.
    pub async fn sign_out(&self, secret: &str) -> Result<(), ServiceError> {
        Ok(self.store.delete_session(&secret_hash(secret)).await?)
    }

    /// The user behind an API token, if it is valid and not revoked.
    pub async fn token_actor(&self, secret: &str) -> Result<Option<Actor>, ServiceError> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        match self.store.token_user(&secret_hash(secret), Utc::now()).await? {
            Some(user_id) => Ok(Some(self.actor(user_id).await?)),
            None => Ok(None),
        }
    }

    /// Who a user is, as the services see them: role and teams up to the organisation.
    pub async fn actor(&self, user_id: UserId) -> Result<Actor, ServiceError> {
        let user = self.store.user(user_id).await.map_err(not_found_as("user"))?;
        self.actor_of(&user).await
    }

    async fn actor_of(&self, user: &User) -> Result<Actor, ServiceError> {
        let teams = self.store.teams().await?;
        let mut chain = Vec::new();
        let mut next = user.team_id;
        while let Some(id) = next {
            if chain.contains(&id) {
                break;
            }
            chain.push(id);
            next = teams.iter().find(|t| t.id == id).and_then(|t| t.parent_id);
        }
        Ok(Actor { user_id: user.id, role: user.role, teams: chain })
    }

    /// Creates a personal API token for the actor.
    pub async fn create_token(&self, actor: &Actor, name: &str) -> Result<CreatedToken, ServiceError> {
        self.create_expiring_token(actor, name, None).await
    }

    /// Creates an API token for the actor that stops working at the end of `expires_on`
    /// (`YYYY-MM-DD`, today to five years ahead), or lasts until revoked without one.
    pub async fn create_expiring_token(&self, actor: &Actor, name: &str, expires_on: Option<&str>) -> Result<CreatedToken, ServiceError> {
        let name = name.trim();
        let mut errors = Vec::new();
        if name.is_empty() || name.len() > 100 {
            errors.push(signpost_domain::FieldError::new("name", "enter a name of 1 to 100 characters for the token"));
        }
        let today = Utc::now().date_naive();
        let expires_at = match expires_on.map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(text) => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) if d >= today && d <= today + Duration::days(5 * 366) => {
                    d.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
                }
                Ok(_) => {
                    errors.push(signpost_domain::FieldError::new("expires_on", "choose a day from today to five years ahead"));
                    None
                }
                Err(_) => {
                    errors.push(signpost_domain::FieldError::new("expires_on", "enter the day as a date like 2027-03-31"));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let secret = format!("{TOKEN_PREFIX}{}", random_hex(32));
        let audit = AuditRecord::new(Some(actor.user_id), "token.create", format!("token {name:?} created"));
        let token = self.store.create_token(actor.user_id, name, &secret_hash(&secret), expires_at, audit).await?;
        Ok(CreatedToken { token, secret })
    }

    /// Revokes every API token of a person and ends every browser session of theirs
    /// (admins only): for a lost laptop, a leaked token or someone who has left.
    pub async fn revoke_access(&self, actor: &Actor, user_id: UserId) -> Result<RevokedAccess, ServiceError> {
        policy::ensure_admin(actor)?;
        let user = self.store.user(user_id).await.map_err(not_found_as("user"))?;
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "user.revoke_access",
            format!("revoked every API token and ended every session of {}", user.email),
        );
        Ok(self.store.revoke_access(user_id, audit).await?)
    }

    /// The actor's own tokens.
    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>, ServiceError> {
        Ok(self.store.tokens(actor.user_id).await?)
    }

    /// Revokes one of the actor's tokens.
    pub async fn revoke_token(&self, actor: &Actor, token_id: i64) -> Result<(), ServiceError> {
        let audit = AuditRecord::new(Some(actor.user_id), "token.revoke", format!("token {token_id} revoked"));
        self.store.revoke_token(actor.user_id, token_id, audit).await.map_err(not_found_as("token"))
    }

    /// Creates a user (admins only). `actor` is `None` for the CLI run by the operator.
    pub async fn create_user(&self, actor: Option<&Actor>, new: NewUser, password: Option<String>) -> Result<User, ServiceError> {
        if let Some(a) = actor {
            policy::ensure_admin(a)?;
        }
        let mut errors = new.validate();
        if let Some(team) = new.team_id
            && !self.store.teams().await?.iter().any(|t| t.id == team)
        {
            errors.push(signpost_domain::FieldError::new("team_id", format!("there is no team {team}")));
        }
        if let Some(p) = &password
            && p.chars().count() < MIN_PASSWORD
        {
            errors.push(signpost_domain::FieldError::new("password", format!("must be at least {MIN_PASSWORD} characters")));
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let hash = match password {
            Some(p) => Some(hash_password(p).await?),
            None => None,
        };
        let audit = AuditRecord::new(actor.map(|a| a.user_id), "user.create", format!("user {} created", new.email.trim()));
        self.store.create_user(&new, hash.as_deref(), audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict(format!("a user with the email {} already exists", new.email.trim())),
            other => other.into(),
        })
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
        Ok(self.store.update_user(&user, audit).await?)
    }

    /// Sets a user's password (the operator from the CLI, or an admin).
    pub async fn set_password(&self, actor: Option<&Actor>, id: UserId, password: String) -> Result<(), ServiceError> {
        if let Some(a) = actor
            && a.user_id != id
        {
            policy::ensure_admin(a)?;
        }
        let hash = hash_password(password).await?;
        let audit = AuditRecord::new(actor.map(|a| a.user_id), "user.set_password", format!("password of user {id} changed"));
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

    /// Creates a team under `parent_id` (admins, or the operator from the CLI).
    pub async fn create_team(
        &self,
        actor: Option<&Actor>,
        name: &str,
        kind: TeamKind,
        parent_id: Option<TeamId>,
    ) -> Result<Team, ServiceError> {
        if let Some(a) = actor {
            policy::ensure_admin(a)?;
        }
        let name = name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(ServiceError::invalid("name", "enter a team name of 1 to 200 characters"));
        }
        let teams = self.store.teams().await?;
        let parent = parent_id.and_then(|p| teams.iter().find(|t| t.id == p));
        match (kind.parent_kind(), parent_id, parent) {
            (None, None, _) => {}
            (None, Some(_), _) => return Err(ServiceError::invalid("parent_id", "an organisation has no parent")),
            (Some(_), None, _) => return Err(ServiceError::invalid("parent_id", format!("a {} needs a parent", kind.as_str()))),
            (Some(_), Some(p), None) => return Err(ServiceError::invalid("parent_id", format!("there is no team {p}"))),
            (Some(expected), Some(_), Some(parent)) if parent.kind != expected => {
                return Err(ServiceError::invalid("parent_id", format!("a {} belongs under a {}", kind.as_str(), expected.as_str())));
            }
            _ => {}
        }
        let audit = AuditRecord::new(actor.map(|a| a.user_id), "team.create", format!("team {name:?} created"));
        self.store.create_team(name, kind, parent_id, audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict(format!("a team called {name:?} already exists")),
            other => other.into(),
        })
    }

    /// Everyone whose team is `team_id`, by name.
    pub async fn team_members(&self, actor: &Actor, team_id: TeamId) -> Result<Vec<User>, ServiceError> {
        let mut members = Vec::new();
        let mut offset = 0;
        loop {
            let page = self.store.users(offset, 100).await?;
            let n = page.items.len() as i64;
            members.extend(page.items.into_iter().filter(|u| u.team_id == Some(team_id)));
            offset += n;
            if n < 100 {
                break;
            }
        }
        members.sort_by(|a, b| a.name.cmp(&b.name));
        self.as_seen_by(actor, members).await
    }

    /// All teams.
    pub async fn teams(&self, _actor: &Actor) -> Result<Vec<Team>, ServiceError> {
        Ok(self.store.teams().await?)
    }
}

/// Checks paging parameters: offset from 0, page size 1 to 100.
pub fn page_bounds(offset: i64, limit: i64) -> Result<(i64, i64), ServiceError> {
    if offset < 0 {
        return Err(ServiceError::invalid("offset", "must be 0 or more"));
    }
    if !(1..=100).contains(&limit) {
        return Err(ServiceError::invalid("limit", "must be between 1 and 100"));
    }
    Ok((offset, limit))
}

impl Signpost {
    /// A page of the audit log, newest first (admins only).
    pub async fn audit_log(
        &self,
        actor: &Actor,
        offset: i64,
        limit: i64,
    ) -> Result<Page<signpost_domain::audit::AuditEntry>, ServiceError> {
        policy::ensure_admin(actor)?;
        let (offset, limit) = page_bounds(offset, limit)?;
        Ok(self.store.audit(offset, limit).await?)
    }
}

/// The operator at the console (the CLI run on the server): sees and may do everything,
/// as anyone with the database file or URL already can.
pub fn operator() -> Actor {
    Actor { user_id: UserId(0), role: Role::Admin, teams: Vec::new() }
}

/// Changes to a person's details.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
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
}

impl Signpost {
    /// Updates a person's details: people change their own, administrators anyone's;
    /// only administrators move people between teams.
    pub async fn update_user(&self, actor: &Actor, id: UserId, update: UserUpdate) -> Result<User, ServiceError> {
        if actor.user_id != id {
            policy::ensure_admin(actor)?;
        }
        if update.team_id.is_some() {
            policy::ensure_admin(actor).map_err(|_| ServiceError::Forbidden("only administrators move people between teams".into()))?;
        }
        let current = self.store.user(id).await.map_err(not_found_as("user"))?;
        let candidate = NewUser {
            email: current.email.clone(),
            name: update.name.clone().unwrap_or(current.name.clone()),
            job_title: update.job_title.clone().unwrap_or(current.job_title.clone()),
            profession: update.profession.clone().unwrap_or(current.profession.clone()),
            site: update.site.clone().unwrap_or(current.site.clone()),
            team_id: update.team_id.or(current.team_id),
            role: current.role,
        };
        let mut errors = candidate.validate();
        if let Some(team) = update.team_id
            && !self.store.teams().await?.iter().any(|t| t.id == team)
        {
            errors.push(signpost_domain::FieldError::new("team_id", format!("there is no team {team}")));
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let user = User {
            name: candidate.name.trim().to_string(),
            job_title: candidate.job_title,
            profession: candidate.profession,
            site: candidate.site,
            team_id: candidate.team_id,
            ..current
        };
        let audit = AuditRecord::new(Some(actor.user_id), "user.update", format!("details of {} changed", user.email));
        Ok(self.store.update_user(&user, audit).await?)
    }
}
