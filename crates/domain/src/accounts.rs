//! The account life cycle: single-use links that set a password (a forgotten one, or an
//! invitation's first), changing a password, and disabling an account.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::AuditRecord;
use crate::jobs::NewJob;
use crate::people::{NewUser, RevokedAccess, User};
use crate::{StoreError, Timestamp, UserId};

/// Why a link that sets a password was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    /// The person forgot their password (lasts 30 minutes).
    Reset,
    /// An administrator invited them; they choose their first password (lasts 7 days).
    Invitation,
}

impl LinkPurpose {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Reset => "reset",
            LinkPurpose::Invitation => "invitation",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<LinkPurpose> {
        [LinkPurpose::Reset, LinkPurpose::Invitation].into_iter().find(|p| p.as_str() == s)
    }
}

/// A link to store: only the hash of its secret, and the email that carries the secret.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLink {
    /// SHA-256 of the secret in the link.
    pub secret_hash: String,
    /// What it is for.
    pub purpose: LinkPurpose,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// The email job that sends it, stored in the same transaction.
    pub email: NewJob,
}

/// A stored link that can still be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordLink {
    /// Whose password it sets.
    pub user_id: UserId,
    /// What it is for.
    pub purpose: LinkPurpose,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// What a new installation starts with: the organisation, its directorates and their
/// teams, and the first administrator.
#[derive(Debug, Clone)]
pub struct FirstRun {
    /// The organisation's name.
    pub organisation: String,
    /// Each directorate with its teams.
    pub directorates: Vec<(String, Vec<String>)>,
    /// The first administrator (their team is the organisation).
    pub admin: NewUser,
}

/// Where the account life cycle is kept.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Stores a link for `user_id` with the email carrying it; earlier unused links of the
    /// same purpose stop working.
    async fn create_password_link(&self, user_id: UserId, link: &NewLink, audit: AuditRecord) -> Result<(), StoreError>;
    /// The unused, unexpired link with this secret hash, for a person whose account works.
    async fn password_link(&self, secret_hash: &str, now: Timestamp) -> Result<Option<PasswordLink>, StoreError>;
    /// Uses a link: marks it used (only if it still is unused and unexpired, so it works
    /// once however many tabs post it), sets the password and ends every session of its
    /// person, in one transaction. [`StoreError::NotFound`] when the link no longer works.
    async fn use_password_link(
        &self,
        secret_hash: &str,
        password_hash: &str,
        now: Timestamp,
        audit: AuditRecord,
    ) -> Result<UserId, StoreError>;
    /// Sets a person's password and ends their other sessions (all but `keep_session`,
    /// the hash of the session changing it); returns how many ended.
    async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
        audit: AuditRecord,
    ) -> Result<u64, StoreError>;
    /// Disables an account: it cannot sign in, its sessions end and its API tokens are
    /// revoked, in one transaction. [`StoreError::Conflict`] if it already is.
    async fn disable_user(&self, id: UserId, now: Timestamp, audit: AuditRecord) -> Result<RevokedAccess, StoreError>;
    /// Lets a disabled account sign in again. [`StoreError::Conflict`] if it is not disabled.
    async fn enable_user(&self, id: UserId, audit: AuditRecord) -> Result<(), StoreError>;

    /// Replaces the one-time set-up secret (its hash) while no account exists; returns
    /// false, storing nothing, once one does.
    async fn replace_setup_secret(&self, secret_hash: &str, now: Timestamp) -> Result<bool, StoreError>;
    /// Whether `secret_hash` is the set-up secret, while no account exists.
    async fn setup_secret_valid(&self, secret_hash: &str) -> Result<bool, StoreError>;
    /// Uses the set-up secret and creates the organisation, its directorates and teams
    /// and the first administrator with `password_hash`, in one transaction; the secret
    /// is gone afterwards. [`StoreError::NotFound`] when the secret is not (or no longer)
    /// the set-up secret or an account exists.
    async fn complete_setup(
        &self,
        secret_hash: &str,
        setup: &FirstRun,
        password_hash: &str,
        audit: AuditRecord,
    ) -> Result<User, StoreError>;
}
