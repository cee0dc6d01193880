//! Signing in through an organisation's identity provider: the round trip (state and
//! nonce kept server-side, taken once), which account the provider's word opens (a
//! linked one; one with the same address only when the provider says it checked the
//! address; a new one only when the operator allows it), roles and teams from claims,
//! back-channel logout, and whether passwords still work.
use std::sync::Arc;

use chrono::{Duration, Utc};
use serde_json::{Map, Value};
use signpost_domain::StoreError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{Actor, NewUser, Role, User};
use signpost_domain::sign_on::{
    IdentityProvider, PendingSignOn, ProvidedIdentity, ProviderRules, SessionOrigin, SignInSettings, SignOnError, UnknownPeople,
};

use super::{NewSession, not_found_as, random_hex, secret_hash};
use crate::{ServiceError, Signpost, policy};

/// How long someone may take at the provider before the sign-in must start again.
pub const SIGN_ON_MINUTES: i64 = 10;

/// A provider people can sign in with: its button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderButton {
    /// The key in its addresses.
    pub key: String,
    /// What the button names.
    pub label: String,
}

/// Where to send someone to sign in, and the state their browser must bring back.
#[derive(Debug, Clone)]
pub struct SignOnRedirect {
    /// The provider's address.
    pub url: String,
    /// Kept in a cookie by the browser that started the sign-in.
    pub state: String,
}

fn provider_error(label: &str, e: SignOnError) -> ServiceError {
    match e {
        SignOnError::Unreachable(detail) => {
            tracing::warn!(provider = label, %detail, "identity provider unreachable");
            ServiceError::Unavailable(format!("Signpost could not reach {label}. Try again in a few minutes"))
        }
        SignOnError::Refused(detail) => {
            // The detail (which check failed) is for the log; the person is told what to do.
            tracing::warn!(provider = label, %detail, "single sign-on refused");
            ServiceError::Unauthenticated(format!("Signpost could not confirm who you are with {label}. Try signing in again"))
        }
    }
}

/// A claim's values: a string, or the strings in a list.
fn claim_values(claims: &Map<String, Value>, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// The role the claims give, if the provider is the source of roles.
fn claimed_role(rules: &ProviderRules, claims: &Map<String, Value>) -> Option<Role> {
    let claim = rules.role_claim.as_ref()?;
    let values = claim_values(claims, claim);
    let matched = rules.roles.iter().filter(|(value, _)| values.contains(value)).map(|(_, role)| *role);
    // Role::ALL runs most powerful first, so the lowest index is the strongest match.
    Some(matched.min_by_key(|r| Role::ALL.iter().position(|x| x == r)).unwrap_or(rules.default_role))
}

/// The team name the claims give, if any.
fn claimed_team(rules: &ProviderRules, claims: &Map<String, Value>) -> Option<String> {
    let values = claim_values(claims, rules.team_claim.as_ref()?);
    if rules.teams.is_empty() {
        return values.into_iter().next();
    }
    values.iter().find_map(|v| rules.teams.iter().find(|(value, _)| value == v).map(|(_, team)| team.clone()))
}

impl Signpost {
    /// Adds the identity providers people may sign in with.
    pub fn with_identity_providers(mut self, providers: Vec<Arc<dyn IdentityProvider>>) -> Self {
        self.providers = providers.into();
        self
    }

    /// The providers people may sign in with, in the configured order.
    pub fn sign_on_providers(&self) -> Vec<ProviderButton> {
        self.providers.iter().map(|p| ProviderButton { key: p.rules().key.clone(), label: p.rules().label.clone() }).collect()
    }

    /// The providers' sites, which pages must let the browser go on to.
    pub fn sign_on_origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = self.providers.iter().map(|p| p.origin()).collect();
        origins.sort();
        origins.dedup();
        origins
    }

    fn provider(&self, key: &str) -> Result<&Arc<dyn IdentityProvider>, ServiceError> {
        self.providers.iter().find(|p| p.rules().key == key).ok_or_else(|| ServiceError::NotFound("sign-in provider".into()))
    }

    fn callback_uri(&self, key: &str) -> Result<String, ServiceError> {
        let base = self.public_url.as_ref().ok_or_else(|| ServiceError::unexpected("single sign-on needs the server's public URL"))?;
        Ok(format!("{base}/sign-in/sso/{key}/callback"))
    }

    /// Starts signing in with provider `key`; `next` is where to go afterwards.
    pub async fn begin_sign_on(&self, key: &str, next: &str) -> Result<SignOnRedirect, ServiceError> {
        let provider = self.provider(key)?;
        let start = provider.start(&self.callback_uri(key)?).await.map_err(|e| provider_error(&provider.rules().label, e))?;
        let pending = PendingSignOn {
            provider: key.to_string(),
            nonce: start.nonce,
            pkce_verifier: start.pkce_verifier,
            next: next.to_string(),
            expires_at: Utc::now() + Duration::minutes(SIGN_ON_MINUTES),
        };
        self.store.begin_sign_on(&secret_hash(&start.state), &pending).await?;
        Ok(SignOnRedirect { url: start.url, state: start.state })
    }

    /// Finishes a sign-in the provider sent back with `code`: the state is used up,
    /// the ID token checked, and a session opened for the account it names. Returns the
    /// session and where the person was heading.
    pub async fn finish_sign_on(&self, key: &str, state: &str, code: &str) -> Result<(NewSession, String), ServiceError> {
        let provider = self.provider(key)?;
        let label = provider.rules().label.clone();
        let expired = || ServiceError::Unauthenticated(format!("Your sign-in with {label} took too long or was already used. Start again"));
        let pending = self.store.take_sign_on(&secret_hash(state), Utc::now()).await?.ok_or_else(expired)?;
        if pending.provider != key {
            return Err(expired());
        }
        let identity =
            provider.finish(&self.callback_uri(key)?, code, &pending).await.map_err(|e| provider_error(&provider.rules().label, e))?;
        let user = self.account_for(provider.rules(), &identity).await?;
        if user.disabled_at.is_some() {
            return Err(ServiceError::Unauthenticated("This account has been disabled: ask an administrator".into()));
        }
        let origin = SessionOrigin {
            provider: key.to_string(),
            subject: identity.subject,
            session_id: identity.session_id,
            id_token: identity.id_token,
        };
        Ok((self.open_session_from(user, Some(origin)).await?, pending.next))
    }

    /// The account the provider's word opens, linking or creating it as the rules allow.
    async fn account_for(&self, rules: &ProviderRules, identity: &ProvidedIdentity) -> Result<User, ServiceError> {
        // Two first sign-ins at once race to link or create; the loser finds the winner's link.
        for _ in 0..2 {
            if let Some(id) = self.store.linked_user(&rules.key, &identity.subject).await? {
                let user = self.store.user(id).await.map_err(not_found_as("user"))?;
                return self.apply_claims(rules, identity, user).await;
            }
            match self.link_or_create(rules, identity).await {
                Err(ServiceError::Conflict(_)) => continue,
                other => return other,
            }
        }
        Err(ServiceError::Conflict("signing in at the same moment from two places: try again".into()))
    }

    async fn link_or_create(&self, rules: &ProviderRules, identity: &ProvidedIdentity) -> Result<User, ServiceError> {
        let label = &rules.label;
        let email = identity.email.clone().ok_or_else(|| {
            ServiceError::Unauthenticated(format!("{label} did not give Signpost your email address, so it cannot find your account"))
        })?;
        let conflict = |e: StoreError| match e {
            StoreError::Conflict(m) => ServiceError::Conflict(m),
            other => other.into(),
        };
        if let Some(existing) = self.store.credentials(&email).await?.map(|c| c.user) {
            if !identity.email_verified {
                return Err(ServiceError::Unauthenticated(format!(
                    "A Signpost account uses {email}, but {label} did not confirm that address is yours. Ask an administrator"
                )));
            }
            let audit = AuditRecord::new(
                Some(existing.id),
                "user.link_identity",
                format!("{} signed in with {label} for the first time; the account is linked by its verified email", existing.email),
            );
            self.store.link_identity(&rules.key, &identity.subject, existing.id, audit).await.map_err(conflict)?;
            return self.apply_claims(rules, identity, existing).await;
        }
        if rules.unknown_people == UnknownPeople::Refuse {
            return Err(ServiceError::Unauthenticated(format!(
                "You do not have a Signpost account yet. Ask an administrator to add {email}"
            )));
        }
        let role = claimed_role(rules, &identity.claims).unwrap_or(rules.default_role);
        let name = identity.name.clone().unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
        let mut new = NewUser::new(email.clone(), name, role);
        new.team_id = self.claimed_team_id(rules, &identity.claims).await?;
        let errors = new.validate();
        if !errors.is_empty() {
            let list = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
            return Err(ServiceError::Unauthenticated(format!("{label} gave details Signpost cannot use ({list}). Ask an administrator")));
        }
        let audit = AuditRecord::new(None, "user.create", format!("user {email} created on first sign-in with {label}"));
        self.store.create_linked_user(&new, &rules.key, &identity.subject, audit).await.map_err(conflict)
    }

    async fn claimed_team_id(
        &self,
        rules: &ProviderRules,
        claims: &Map<String, Value>,
    ) -> Result<Option<signpost_domain::TeamId>, ServiceError> {
        let Some(name) = claimed_team(rules, claims) else { return Ok(None) };
        Ok(self.store.teams().await?.into_iter().find(|t| t.name.eq_ignore_ascii_case(name.trim())).map(|t| t.id))
    }

    /// Brings the role and team up to date with the claims, when the provider gives them.
    async fn apply_claims(&self, rules: &ProviderRules, identity: &ProvidedIdentity, user: User) -> Result<User, ServiceError> {
        let mut updated = user.clone();
        if let Some(role) = claimed_role(rules, &identity.claims) {
            updated.role = role;
        }
        if let Some(team) = self.claimed_team_id(rules, &identity.claims).await? {
            updated.team_id = Some(team);
        }
        if updated.role == user.role && updated.team_id == user.team_id {
            return Ok(user);
        }
        let audit = AuditRecord::new(
            None,
            "user.update_from_provider",
            format!("{}'s role or team was updated from {}'s claims", user.email, rules.label),
        );
        let updated = self.store.update_user(&updated, audit).await?;
        self.token_actors.forget();
        Ok(updated)
    }

    /// Ends the sessions a provider's back-channel logout token names; returns how many.
    pub async fn provider_logout(&self, key: &str, logout_token: &str) -> Result<u64, ServiceError> {
        let provider = self.provider(key)?;
        let label = provider.rules().label.clone();
        let notice = provider.logout_notice(logout_token).await.map_err(|e| provider_error(&label, e))?;
        if notice.subject.is_none() && notice.session_id.is_none() {
            // Never read as "every session from this provider".
            return Err(ServiceError::Unauthenticated("a logout token must name a person or a session".into()));
        }
        let audit = AuditRecord::new(None, "session.provider_logout", format!("{label} ended its sessions by back-channel logout"));
        let ended = self.store.end_provider_sessions(key, &notice, audit).await?;
        tracing::info!(provider = %label, ended, "back-channel logout");
        Ok(ended)
    }

    /// Where to send someone signing out so the provider that signed them in signs them
    /// out too (RP-initiated logout), if it did and offers that. Ask before ending the session.
    pub async fn provider_sign_out_url(&self, session_secret: &str) -> Result<Option<String>, ServiceError> {
        let Some(origin) = self.store.session_origin(&secret_hash(session_secret)).await? else { return Ok(None) };
        let (Ok(provider), Some(base)) = (self.provider(&origin.provider), &self.public_url) else { return Ok(None) };
        Ok(provider.end_session_url(&origin.id_token, &format!("{base}/sign-in?signed_out=1")).await)
    }

    /// Whether passwords work alongside the providers.
    pub async fn sign_in_settings(&self) -> Result<SignInSettings, ServiceError> {
        if self.providers.is_empty() {
            // With no provider, a password is the only way in whatever was stored.
            return Ok(SignInSettings { local_passwords: true });
        }
        Ok(self.store.sign_in_settings().await?)
    }

    /// The sign-in settings as the administrators' page shows them.
    pub async fn sign_in_settings_for(&self, actor: &Actor) -> Result<SignInSettings, ServiceError> {
        policy::ensure_admin(actor)?;
        self.sign_in_settings().await
    }

    /// Changes the sign-in settings (administrators). Passwords can be switched off only
    /// while a provider is configured, so nobody is locked out.
    pub async fn set_sign_in_settings(&self, actor: &Actor, settings: SignInSettings) -> Result<SignInSettings, ServiceError> {
        policy::ensure_admin(actor)?;
        if !settings.local_passwords && self.providers.is_empty() {
            return Err(ServiceError::invalid(
                "local_passwords",
                "passwords are the only way to sign in until a single sign-on provider is configured",
            ));
        }
        let what = if settings.local_passwords { "switched passwords on" } else { "switched passwords off: single sign-on only" };
        self.store.set_sign_in_settings(settings, AuditRecord::new(Some(actor.user_id), "settings.sign_in", what)).await?;
        Ok(settings)
    }

    /// Refuses what needs a password when passwords are switched off.
    pub(crate) async fn ensure_passwords_allowed(&self) -> Result<(), ServiceError> {
        if self.sign_in_settings().await?.local_passwords {
            return Ok(());
        }
        let names = self.providers.iter().map(|p| p.rules().label.clone()).collect::<Vec<_>>().join(" or ");
        Err(ServiceError::Forbidden(format!("Signing in with a password is switched off here: sign in with {names}")))
    }

    /// A new browser session, remembering the provider that started it.
    pub(crate) async fn open_session_from(&self, user: User, origin: Option<SessionOrigin>) -> Result<NewSession, ServiceError> {
        let secret = random_hex(32);
        let session = signpost_domain::people::BrowserSession {
            user_id: user.id,
            csrf_token: random_hex(32),
            expires_at: Utc::now() + Duration::hours(super::SESSION_HOURS),
        };
        let hash = secret_hash(&secret);
        let how = match &origin {
            Some(o) => {
                self.store.create_provider_session(&hash, &session, o).await?;
                format!("{} signed in with {}", user.email, self.provider(&o.provider).map(|p| p.rules().label.clone()).unwrap_or_default())
            }
            None => {
                self.store.create_session(&hash, &session).await?;
                format!("{} signed in", user.email)
            }
        };
        self.store.record(AuditRecord::new(Some(user.id), "session.sign_in", how)).await?;
        Ok(NewSession { secret, csrf_token: session.csrf_token, user })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> ProviderRules {
        ProviderRules {
            key: "entra".into(),
            label: "Entra ID".into(),
            unknown_people: UnknownPeople::Create,
            default_role: Role::Member,
            role_claim: Some("roles".into()),
            roles: vec![("Signpost.Admin".into(), Role::Admin), ("Signpost.Specialist".into(), Role::KnowledgeSpecialist)],
            team_claim: Some("groups".into()),
            teams: vec![("0f1e".into(), "Critical care".into())],
        }
    }

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_strongest_mapped_role_wins_and_unmapped_people_get_the_default() {
        let r = rules();
        assert_eq!(claimed_role(&r, &claims(serde_json::json!({"roles": ["Signpost.Specialist", "Signpost.Admin"]}))), Some(Role::Admin));
        assert_eq!(claimed_role(&r, &claims(serde_json::json!({"roles": "Signpost.Specialist"}))), Some(Role::KnowledgeSpecialist));
        assert_eq!(claimed_role(&r, &claims(serde_json::json!({"roles": ["Other"]}))), Some(Role::Member));
        let no_claim = ProviderRules { role_claim: None, ..rules() };
        assert_eq!(claimed_role(&no_claim, &claims(serde_json::json!({"roles": ["Signpost.Admin"]}))), None);
    }

    #[test]
    fn groups_map_to_team_names_and_unmapped_groups_to_none() {
        let r = rules();
        assert_eq!(claimed_team(&r, &claims(serde_json::json!({"groups": ["aaaa", "0f1e"]}))).as_deref(), Some("Critical care"));
        assert_eq!(claimed_team(&r, &claims(serde_json::json!({"groups": ["aaaa"]}))), None);
        let by_name = ProviderRules { teams: Vec::new(), team_claim: Some("department".into()), ..rules() };
        assert_eq!(claimed_team(&by_name, &claims(serde_json::json!({"department": "Pharmacy"}))).as_deref(), Some("Pharmacy"));
    }
}
