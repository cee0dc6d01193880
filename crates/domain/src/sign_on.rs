//! Single sign-on through an organisation's identity provider (OpenID Connect): what a
//! provider is trusted to say, the sign-in under way between leaving for the provider
//! and coming back, and which sessions a provider started (so it can end them).
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::AuditRecord;
use crate::people::{BrowserSession, NewUser, Role, User};
use crate::{StoreError, Timestamp, UserId};

/// What happens when someone the provider vouches for has no Signpost account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownPeople {
    /// An account is made for them on their first sign-in.
    Create,
    /// They are turned away until an administrator adds them.
    Refuse,
}

/// How one provider's word becomes a Signpost account: set by the operator, not by
/// the provider or the person signing in.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderRules {
    /// The short name in addresses (`/sign-in/sso/{key}`) and in the database.
    pub key: String,
    /// What the sign-in button says after "Sign in with".
    pub label: String,
    /// Whether people without an account are given one.
    pub unknown_people: UnknownPeople,
    /// The role of an account made on first sign-in when no role claim matches.
    pub default_role: Role,
    /// The claim holding role names (a string or a list), if roles come from the provider.
    pub role_claim: Option<String>,
    /// Claim value → role; the most powerful match wins.
    pub roles: Vec<(String, Role)>,
    /// The claim holding the person's team or groups (a string or a list).
    pub team_claim: Option<String>,
    /// Claim value (a group id, say) → team name; without any, the value is the team's name.
    pub teams: Vec<(String, String)>,
}

/// Where to send the person to sign in, and the secrets that must come back with them.
#[derive(Debug, Clone)]
pub struct SignOnStart {
    /// The provider's authorisation address with every parameter.
    pub url: String,
    /// The `state` parameter: binds the answer to this browser.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier whose S256 challenge went in `url`.
    pub pkce_verifier: String,
}

/// A sign-in under way, kept server-side under the hash of its `state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignOn {
    /// The provider's key.
    pub provider: String,
    /// The nonce sent.
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
    /// Where to go afterwards (a path on this site).
    pub next: String,
    /// When it can no longer be finished.
    pub expires_at: DateTime<Utc>,
}

/// Who the provider says signed in, from an ID token whose signature, issuer, audience,
/// expiry and nonce were checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvidedIdentity {
    /// The provider's stable identifier for the person (`sub`).
    pub subject: String,
    /// Their email address, if the provider gave one.
    pub email: Option<String>,
    /// Whether the provider asserts the email address is theirs.
    pub email_verified: bool,
    /// Their name, if given.
    pub name: Option<String>,
    /// The provider's session (`sid`), which back-channel logout names.
    pub session_id: Option<String>,
    /// The ID token itself, the hint for signing out at the provider.
    pub id_token: String,
    /// Every claim, for the role and team rules.
    pub claims: serde_json::Map<String, serde_json::Value>,
}

/// Which sessions a provider's back-channel logout token ends: one provider session, or
/// every session of one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutNotice {
    /// The person (`sub`), if named.
    pub subject: Option<String>,
    /// The provider session (`sid`), if named.
    pub session_id: Option<String>,
}

/// Why a provider could not sign someone in.
#[derive(Debug, thiserror::Error)]
pub enum SignOnError {
    /// The provider could not be reached or answered nonsense: try again later.
    #[error("{0}")]
    Unreachable(String),
    /// The provider's answer is not to be trusted (a bad token, a refused code).
    #[error("{0}")]
    Refused(String),
}

/// An OpenID Connect provider (crates/oidc).
#[async_trait]
pub trait IdentityProvider: Send + Sync + 'static {
    /// How its word becomes an account.
    fn rules(&self) -> &ProviderRules;
    /// The provider's site (`https://login.example.org`), which the browser is sent to.
    fn origin(&self) -> String;
    /// Where to send someone to sign in, coming back to `redirect_uri`.
    async fn start(&self, redirect_uri: &str) -> Result<SignOnStart, SignOnError>;
    /// Redeems the code that came back and checks the ID token against `pending`.
    async fn finish(&self, redirect_uri: &str, code: &str, pending: &PendingSignOn) -> Result<ProvidedIdentity, SignOnError>;
    /// Checks a back-channel logout token and says whose sessions it ends.
    async fn logout_notice(&self, logout_token: &str) -> Result<LogoutNotice, SignOnError>;
    /// Where to send someone to sign out at the provider too, if it offers that.
    async fn end_session_url(&self, id_token_hint: &str, post_logout_redirect_uri: &str) -> Option<String>;
}

/// The provider that started a browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOrigin {
    /// The provider's key.
    pub provider: String,
    /// The person at the provider (`sub`).
    pub subject: String,
    /// The provider's session (`sid`), if it gave one.
    pub session_id: Option<String>,
    /// The ID token, kept for signing out at the provider.
    pub id_token: String,
}

/// Whether people may sign in with a Signpost password as well as through a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignInSettings {
    /// Passwords work (sign-in, resetting and invitations to set one).
    pub local_passwords: bool,
}

/// Where sign-ons, linked identities and sign-in settings are kept.
#[async_trait]
pub trait SignOnStore: Send + Sync + 'static {
    /// Keeps a sign-in under way under the hash of its `state`.
    async fn begin_sign_on(&self, state_hash: &str, pending: &PendingSignOn) -> Result<(), StoreError>;
    /// Takes a sign-in under way, once: a second take of the same state finds nothing.
    async fn take_sign_on(&self, state_hash: &str, now: Timestamp) -> Result<Option<PendingSignOn>, StoreError>;
    /// The account linked to a person at a provider.
    async fn linked_user(&self, provider: &str, subject: &str) -> Result<Option<UserId>, StoreError>;
    /// Links a person at a provider to an account. [`StoreError::Conflict`] if either is
    /// already linked there.
    async fn link_identity(&self, provider: &str, subject: &str, user_id: UserId, audit: AuditRecord) -> Result<(), StoreError>;
    /// Creates an account (no password) linked to a person at a provider, in one transaction.
    async fn create_linked_user(&self, user: &NewUser, provider: &str, subject: &str, audit: AuditRecord) -> Result<User, StoreError>;
    /// Stores a browser session a provider started.
    async fn create_provider_session(&self, secret_hash: &str, session: &BrowserSession, origin: &SessionOrigin) -> Result<(), StoreError>;
    /// The provider behind a session, if one started it.
    async fn session_origin(&self, secret_hash: &str) -> Result<Option<SessionOrigin>, StoreError>;
    /// Ends a provider's sessions for a provider session or a person; returns how many.
    async fn end_provider_sessions(&self, provider: &str, notice: &LogoutNotice, audit: AuditRecord) -> Result<u64, StoreError>;
    /// The sign-in settings (passwords allowed until an administrator says otherwise).
    async fn sign_in_settings(&self) -> Result<SignInSettings, StoreError>;
    /// Replaces the sign-in settings.
    async fn set_sign_in_settings(&self, settings: SignInSettings, audit: AuditRecord) -> Result<(), StoreError>;
}
