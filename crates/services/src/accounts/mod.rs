//! Sign-in, browser sessions, API tokens, users, teams and passwords.
use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, password_hash::rand_core::OsRng};
use chrono::Utc;
use rand::RngCore;
use sha2::{Digest, Sha256};
use signpost_domain::people::{Actor, BrowserSession, Role, User};
use signpost_domain::search::Page;
use signpost_domain::{StoreError, UserId};

use crate::login_limit;
use crate::{ServiceError, Signpost, policy};

mod passwords;
mod setup;
mod sign_on;
mod teams;
pub(crate) mod token_cache;
mod tokens;
mod users;

pub use passwords::{INVITATION_DAYS, PasswordChange, RESET_MINUTES, check_new_password};
pub use setup::{SetupInput, parse_structure};
pub use sign_on::{ProviderButton, SIGN_ON_MINUTES, SignOnRedirect};
pub use tokens::CreatedToken;
pub use users::UserUpdate;

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

pub(crate) fn random_hex(bytes: usize) -> String {
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

pub(crate) fn not_found_as(what: &str) -> impl Fn(StoreError) -> ServiceError + '_ {
    move |e| match e {
        StoreError::NotFound => ServiceError::NotFound(what.to_string()),
        other => other.into(),
    }
}

impl Signpost {
    /// Checks an email and password, rate-limited per account and per client.
    /// Unknown accounts take as long to refuse as wrong passwords.
    pub async fn sign_in(&self, email: &str, password: &str, client: &str) -> Result<NewSession, ServiceError> {
        self.ensure_passwords_allowed().await?;
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
        if user.disabled_at.is_some() {
            // Said only to someone who knows the password.
            return Err(ServiceError::Unauthenticated("this account has been disabled: ask an administrator".into()));
        }
        self.open_session(user).await
    }

    /// A new browser session for someone whose identity has just been checked.
    pub(crate) async fn open_session(&self, user: User) -> Result<NewSession, ServiceError> {
        self.open_session_from(user, None).await
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
        let hash = secret_hash(secret);
        if let Some(actor) = self.token_actors.get(&hash) {
            return Ok(Some(actor));
        }
        match self.store.token_user(&hash, Utc::now()).await? {
            Some(user_id) => {
                let actor = self.actor(user_id).await?;
                self.token_actors.put(hash, actor.clone());
                Ok(Some(actor))
            }
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
