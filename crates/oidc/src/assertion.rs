//! The `private_key_jwt` client assertion (RFC 7523, OpenID Connect Core §9): a JWT that
//! Signpost signs with its own private key for each code exchange. The openidconnect
//! crate sends only client secrets, so the assertion goes in as two extra parameters.
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use signpost_domain::sign_on::SignOnError;

/// The `client_assertion_type` for a JWT bearer assertion.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How long an assertion is good for: long enough for one request.
const LIFETIME_SECS: i64 = 120;

/// The algorithms a client key may sign with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512 (what NHS CIS2 asks for).
    Rs512,
    /// RSASSA-PSS with SHA-256.
    Ps256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
}

impl KeyAlgorithm {
    /// Parses a JOSE algorithm name (`RS256`, `RS512`, `ES256`, …).
    pub fn parse(name: &str) -> Option<KeyAlgorithm> {
        Some(match name {
            "RS256" => KeyAlgorithm::Rs256,
            "RS384" => KeyAlgorithm::Rs384,
            "RS512" => KeyAlgorithm::Rs512,
            "PS256" => KeyAlgorithm::Ps256,
            "ES256" => KeyAlgorithm::Es256,
            _ => return None,
        })
    }

    fn jose(self) -> Algorithm {
        match self {
            KeyAlgorithm::Rs256 => Algorithm::RS256,
            KeyAlgorithm::Rs384 => Algorithm::RS384,
            KeyAlgorithm::Rs512 => Algorithm::RS512,
            KeyAlgorithm::Ps256 => Algorithm::PS256,
            KeyAlgorithm::Es256 => Algorithm::ES256,
        }
    }
}

/// Signpost's private key at one provider.
#[derive(Clone)]
pub struct ClientKey {
    key: EncodingKey,
    algorithm: KeyAlgorithm,
    key_id: Option<String>,
}

impl ClientKey {
    /// A key from a PEM file's text (PKCS#1 or PKCS#8; EC keys for ES256).
    pub fn from_pem(pem: &[u8], algorithm: KeyAlgorithm, key_id: Option<String>) -> Result<ClientKey, String> {
        let key = match algorithm {
            KeyAlgorithm::Es256 => EncodingKey::from_ec_pem(pem),
            _ => EncodingKey::from_rsa_pem(pem),
        }
        .map_err(|e| format!("the private key is not a PEM {} key: {e}", if algorithm == KeyAlgorithm::Es256 { "EC" } else { "RSA" }))?;
        Ok(ClientKey { key, algorithm, key_id })
    }

    /// A signed assertion for one request to `audience` (the token endpoint).
    pub(crate) fn assertion(&self, client_id: &str, audience: &str) -> Result<String, SignOnError> {
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            sub: &'a str,
            aud: &'a str,
            jti: String,
            iat: i64,
            exp: i64,
        }
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: client_id,
            sub: client_id,
            aud: audience,
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now,
            exp: now + LIFETIME_SECS,
        };
        let mut header = Header::new(self.algorithm.jose());
        header.kid = self.key_id.clone();
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| SignOnError::Refused(format!("could not sign the client assertion: {e}")))
    }
}
