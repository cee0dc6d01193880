//! Back-channel logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4, §2.6): a JWT
//! the provider posts when someone signs out there, checked against the provider's keys.
use chrono::Utc;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use openidconnect::ProviderMetadataWithLogout;
use serde::Deserialize;
use serde_json::{Map, Value};
use signpost_domain::sign_on::{LogoutNotice, SignOnError};

const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// How old a logout token may be: it is posted as the person signs out.
const MAX_AGE_SECS: i64 = 300;
/// Clock difference allowed between Signpost and the provider.
const LEEWAY_SECS: u64 = 60;

pub(crate) enum Failure {
    UnknownKey,
    Bad(String),
}

impl Failure {
    pub(crate) fn into_error(self) -> SignOnError {
        match self {
            Failure::UnknownKey => SignOnError::Refused("the logout token is signed with a key the provider does not publish".into()),
            Failure::Bad(m) => SignOnError::Refused(format!("the logout token was refused: {m}")),
        }
    }
}

#[derive(Deserialize)]
struct Claims {
    iat: i64,
    #[serde(default)]
    events: Map<String, Value>,
    sub: Option<String>,
    sid: Option<String>,
    nonce: Option<Value>,
}

pub(crate) fn check(token: &str, metadata: &ProviderMetadataWithLogout, client_id: &str) -> Result<LogoutNotice, Failure> {
    let bad = |m: &str| Failure::Bad(m.to_string());
    let header = jsonwebtoken::decode_header(token).map_err(|e| Failure::Bad(format!("not a JWT: {e}")))?;
    // Only the provider's published public keys sign logout tokens; a shared-secret
    // (HS…) token could be made by anyone holding the client secret.
    if matches!(header.alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
        return Err(bad("it is signed with a shared secret, not the provider's key"));
    }
    let keys: JwkSet = serde_json::to_value(metadata.jwks())
        .and_then(serde_json::from_value)
        .map_err(|e| Failure::Bad(format!("the provider's keys could not be read: {e}")))?;
    let jwk = match &header.kid {
        Some(kid) => keys.find(kid),
        None if keys.keys.len() == 1 => keys.keys.first(),
        None => None,
    }
    .ok_or(Failure::UnknownKey)?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| Failure::Bad(format!("the provider's key could not be used: {e}")))?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[metadata.issuer().as_str()]);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["iss", "aud"]);
    validation.leeway = LEEWAY_SECS;
    let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| Failure::Bad(e.to_string()))?.claims;
    let now = Utc::now().timestamp();
    if claims.iat > now + LEEWAY_SECS as i64 || claims.iat < now - MAX_AGE_SECS {
        return Err(bad("it was not issued in the last five minutes"));
    }
    if !claims.events.contains_key(EVENT) {
        return Err(bad("it carries no back-channel logout event"));
    }
    if claims.nonce.is_some() {
        return Err(bad("it carries a nonce, which logout tokens must not"));
    }
    if claims.sub.is_none() && claims.sid.is_none() {
        return Err(bad("it names neither a person (sub) nor a session (sid)"));
    }
    Ok(LogoutNotice { subject: claims.sub, session_id: claims.sid })
}
