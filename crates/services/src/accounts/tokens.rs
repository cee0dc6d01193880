//! Personal API tokens, and revoking someone's access.
use chrono::{Duration, Utc};
use signpost_domain::UserId;
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{Actor, ApiToken, RevokedAccess};

use super::{TOKEN_PREFIX, not_found_as, random_hex, secret_hash};
use crate::{ServiceError, Signpost, policy};

/// A token as created: the secret is shown once and never again.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    /// The token's record.
    pub token: ApiToken,
    /// The secret to send as `Authorization: Bearer …`.
    pub secret: String,
}

impl Signpost {
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
            Some(text) => match crate::validate::read_date(text).ok_or(()) {
                Ok(d) if d >= today && d <= today + Duration::days(5 * 366) => {
                    d.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
                }
                Ok(_) => {
                    errors.push(signpost_domain::FieldError::new("expires_on", "choose a day from today to five years ahead"));
                    None
                }
                Err(_) => {
                    errors.push(signpost_domain::FieldError::new("expires_on", "enter the day as a real date, like 31 3 2027"));
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
        let revoked = self.store.revoke_access(user_id, audit).await?;
        self.token_actors.forget();
        Ok(revoked)
    }

    /// The actor's own tokens.
    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>, ServiceError> {
        Ok(self.store.tokens(actor.user_id).await?)
    }

    /// Revokes one of the actor's tokens.
    pub async fn revoke_token(&self, actor: &Actor, token_id: i64) -> Result<(), ServiceError> {
        let audit = AuditRecord::new(Some(actor.user_id), "token.revoke", format!("token {token_id} revoked"));
        self.store.revoke_token(actor.user_id, token_id, audit).await.map_err(not_found_as("token"))?;
        self.token_actors.forget();
        Ok(())
    }
}
