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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClientAuth, ProviderSettings};
    use serde_json::json;

    fn settings(required_acr: &[&str]) -> ProviderSettings {
        ProviderSettings {
            issuer: "https://idp.example".into(),
            client_id: "signpost".into(),
            auth: ClientAuth::SecretBasic("s".into()),
            scopes: Vec::new(),
            acr_values: Vec::new(),
            required_acr: required_acr.iter().map(|a| a.to_string()).collect(),
            email_claim: "email".into(),
            email_verified_claim: "xms_edov".into(),
            ca_file: None,
        }
    }

    /// A token as `identity` sees it: already verified, so any signature does here.
    fn token(claims: serde_json::Value) -> String {
        let key = jsonwebtoken::EncodingKey::from_secret(b"test");
        jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap()
    }

    #[test]
    fn a_sign_in_below_the_required_assurance_level_is_refused() {
        let low = token(json!({"sub": "u1", "acr": "AAL1_USERPASS"}));
        assert!(matches!(identity(&low, &settings(&["AAL3_ANY"])), Err(SignOnError::Refused(m)) if m.contains("AAL1_USERPASS")));
        let none = token(json!({"sub": "u1"}));
        assert!(identity(&none, &settings(&["AAL3_ANY"])).is_err(), "no acr at all is not enough");
        let high = token(json!({"sub": "u1", "acr": "AAL3_ANY"}));
        assert!(identity(&high, &settings(&["AAL3_ANY"])).is_ok());
    }

    #[test]
    fn the_configured_claim_says_whether_the_address_was_checked() {
        let t = token(
            json!({"sub": "u1", "email": "Ada@Trust.NHS.uk", "xms_edov": "True", "given_name": "Ada", "family_name": "Lovelace", "sid": "s9"}),
        );
        let who = identity(&t, &settings(&[])).unwrap();
        assert_eq!((who.email.as_deref(), who.email_verified), (Some("ada@trust.nhs.uk"), true));
        assert_eq!((who.name.as_deref(), who.session_id.as_deref()), (Some("Ada Lovelace"), Some("s9")));
        let unverified = token(json!({"sub": "u1", "email": "a@b.nhs.uk", "email_verified": true}));
        assert!(!identity(&unverified, &settings(&[])).unwrap().email_verified, "only the configured claim counts");
        assert!(identity(&token(json!({"email": "a@b.nhs.uk"})), &settings(&[])).is_err(), "no sub, nobody");
    }
}
