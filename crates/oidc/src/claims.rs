//! Reading the claims Signpost uses out of an ID token that has already been verified.
use serde_json::{Map, Value};
use signpost_domain::sign_on::{ProvidedIdentity, SignOnError};

use crate::ProviderSettings;

/// The identity in `raw`, an ID token whose signature and claims openidconnect has
/// checked; every claim is read again here because the role and team rules may name any.
pub(crate) fn identity(raw: &str, settings: &ProviderSettings) -> Result<ProvidedIdentity, SignOnError> {
    // Safe only because the caller verified this exact token first.
    let claims = jsonwebtoken::dangerous::insecure_decode::<Map<String, Value>>(raw)
        .map_err(|e| SignOnError::Refused(format!("the ID token's claims could not be read: {e}")))?
        .claims;
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    if !settings.required_acr.is_empty() {
        let acr = text("acr").unwrap_or_default();
        if !settings.required_acr.contains(&acr) {
            return Err(SignOnError::Refused(format!(
                "the sign-in's assurance level {acr:?} is not one of {}",
                settings.required_acr.join(", ")
            )));
        }
    }
    let subject = text("sub").ok_or_else(|| SignOnError::Refused("the ID token names nobody (no sub)".into()))?;
    // Some providers send booleans as strings.
    let email_verified = match claims.get(&settings.email_verified_claim) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    Ok(ProvidedIdentity {
        subject,
        email: text(&settings.email_claim).map(|e| e.to_lowercase()),
        email_verified,
        name: text("name").or_else(|| match (text("given_name"), text("family_name")) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (g, f) => g.or(f),
        }),
        session_id: text("sid"),
        id_token: raw.to_string(),
        claims,
    })
}
