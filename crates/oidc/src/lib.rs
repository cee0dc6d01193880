//! Signpost's single sign-on: an OpenID Connect relying party for each configured
//! provider (Microsoft Entra ID, NHS CIS2, any conformant provider). The `openidconnect`
//! crate does discovery, the authorisation-code request with PKCE (S256), the code
//! exchange and the ID token checks (signature against the provider's keys, issuer,
//! audience, expiry, nonce); this crate adds what it leaves to the application: a
//! `private_key_jwt` client assertion, back-channel logout tokens, the signing keys
//! fetched again when the provider rotates them, and reading the claims the role and
//! team rules need.
#![warn(missing_docs)]

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdToken};
use openidconnect::{
    AuthType, AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse,
};
use signpost_domain::sign_on::{IdentityProvider, LogoutNotice, PendingSignOn, ProvidedIdentity, ProviderRules, SignOnError, SignOnStart};
use tokio::sync::RwLock;

mod assertion;
mod claims;
mod logout;

pub use assertion::{ClientKey, KeyAlgorithm};

/// How Signpost proves to the provider's token endpoint that it is the client.
#[derive(Clone)]
pub enum ClientAuth {
    /// `client_secret_basic`: the secret in an HTTP Basic header.
    SecretBasic(String),
    /// `client_secret_post`: the secret in the request body.
    SecretPost(String),
    /// `private_key_jwt`: a short-lived assertion signed with Signpost's private key,
    /// whose public half the provider holds (CIS2's choice; no shared secret).
    PrivateKeyJwt(ClientKey),
}

impl std::fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ClientAuth::SecretBasic(_) => "client_secret_basic",
            ClientAuth::SecretPost(_) => "client_secret_post",
            ClientAuth::PrivateKeyJwt(_) => "private_key_jwt",
        })
    }
}

/// One provider's protocol settings (its account rules are [`ProviderRules`]).
#[derive(Clone, Debug)]
pub struct ProviderSettings {
    /// The issuer; its `/.well-known/openid-configuration` is read.
    pub issuer: String,
    /// Signpost's client id at the provider.
    pub client_id: String,
    /// How Signpost authenticates at the token endpoint.
    pub auth: ClientAuth,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// `acr_values` asked for (CIS2's authentication assurance levels).
    pub acr_values: Vec<String>,
    /// When set, an ID token whose `acr` is not one of these is refused.
    pub required_acr: Vec<String>,
    /// The claim holding the email address (`email` unless the provider differs).
    pub email_claim: String,
    /// The claim saying the provider checked the address (`email_verified`; Entra ID's is `xms_edov`).
    pub email_verified_claim: String,
    /// Extra certificate authorities (PEM) to trust for this provider, beside the system's.
    pub ca_file: Option<PathBuf>,
}

/// Discovery documents and keys are fetched again after this long.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// No request to a provider may take longer.
const HTTP_TIMEOUT: Duration = Duration::from_secs(15);

struct Discovered {
    metadata: ProviderMetadataWithLogout,
    fetched: Instant,
}

/// A configured OpenID Connect provider.
pub struct OidcProvider {
    rules: ProviderRules,
    settings: ProviderSettings,
    issuer: IssuerUrl,
    http: reqwest::Client,
    discovered: RwLock<Option<Arc<Discovered>>>,
}

fn unreachable(what: &str, e: impl std::fmt::Display) -> SignOnError {
    SignOnError::Unreachable(format!("{what}: {e}"))
}

fn refused(what: &str, e: impl std::fmt::Display) -> SignOnError {
    SignOnError::Refused(format!("{what}: {e}"))
}

impl OidcProvider {
    /// A provider from its settings; nothing is fetched until [`OidcProvider::check`] or a sign-in.
    pub fn new(rules: ProviderRules, settings: ProviderSettings) -> Result<Self, String> {
        let issuer = IssuerUrl::new(settings.issuer.clone()).map_err(|e| format!("issuer {:?} is not a URL: {e}", settings.issuer))?;
        let url = issuer.url();
        let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        if url.scheme() != "https" && !loopback {
            return Err(format!("issuer {} must use https (plain http is accepted only on this machine)", settings.issuer));
        }
        // Redirects are refused: the provider's endpoints are where discovery says they are
        // (the openidconnect crate's advice, against a provider sending requests elsewhere).
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent("Signpost");
        if let Some(path) = &settings.ca_file {
            let pem = std::fs::read(path).map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| format!("the CA file {} holds no PEM certificate: {e}", path.display()))?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|e| format!("cannot set up HTTPS for {}: {e}", settings.issuer))?;
        Ok(OidcProvider { rules, settings, issuer, http, discovered: RwLock::new(None) })
    }

    /// Fetches the discovery document and keys now, so a wrong issuer shows at start-up.
    pub async fn check(&self) -> Result<(), SignOnError> {
        self.metadata(true).await.map(|_| ())
    }

    async fn metadata(&self, fresh: bool) -> Result<Arc<Discovered>, SignOnError> {
        if !fresh
            && let Some(d) = self.discovered.read().await.as_ref()
            && d.fetched.elapsed() < METADATA_TTL
        {
            return Ok(d.clone());
        }
        let metadata = ProviderMetadataWithLogout::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| unreachable(&format!("could not read {}'s OpenID configuration", self.settings.issuer), error_chain(&e)))?;
        let discovered = Arc::new(Discovered { metadata, fetched: Instant::now() });
        *self.discovered.write().await = Some(discovered.clone());
        Ok(discovered)
    }

    fn client(&self, d: &Discovered, redirect_uri: &str) -> Result<ClientFor, SignOnError> {
        let secret = match &self.settings.auth {
            ClientAuth::SecretBasic(s) | ClientAuth::SecretPost(s) => Some(ClientSecret::new(s.clone())),
            ClientAuth::PrivateKeyJwt(_) => None,
        };
        let redirect = RedirectUrl::new(redirect_uri.to_string()).map_err(|e| refused("the redirect address", e))?;
        let client = CoreClient::from_provider_metadata(d.metadata.clone(), ClientId::new(self.settings.client_id.clone()), secret)
            .set_redirect_uri(redirect);
        Ok(match self.settings.auth {
            ClientAuth::SecretPost(_) | ClientAuth::PrivateKeyJwt(_) => client.set_auth_type(AuthType::RequestBody),
            ClientAuth::SecretBasic(_) => client.set_auth_type(AuthType::BasicAuth),
        })
    }

    async fn verified_identity(&self, d: &Discovered, redirect_uri: &str, raw: &str, nonce: &Nonce) -> Result<ProvidedIdentity, Verify> {
        let token = CoreIdToken::from_str(raw).map_err(|e| Verify::Bad(refused("the ID token is not a JWT", e)))?;
        let client = self.client(d, redirect_uri).map_err(Verify::Bad)?;
        let verifier = client.id_token_verifier();
        if let Err(e) = token.claims(&verifier, nonce) {
            use openidconnect::{ClaimsVerificationError as C, SignatureVerificationError as S};
            return Err(match e {
                C::SignatureVerification(S::NoMatchingKey) => Verify::UnknownKey,
                e => Verify::Bad(refused("the ID token was refused", error_chain(&e))),
            });
        }
        claims::identity(raw, &self.settings).map_err(Verify::Bad)
    }
}

/// Why an ID token did not pass: bad, or signed with a key not yet fetched.
enum Verify {
    Bad(SignOnError),
    UnknownKey,
}

type ClientFor = openidconnect::Client<
    openidconnect::EmptyAdditionalClaims,
    openidconnect::core::CoreAuthDisplay,
    openidconnect::core::CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    openidconnect::core::CoreAuthPrompt,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    openidconnect::core::CoreTokenResponse,
    openidconnect::core::CoreTokenIntrospectionResponse,
    openidconnect::core::CoreRevocableToken,
    openidconnect::core::CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// An error with its causes, for a log line that says what went wrong underneath.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[async_trait]
impl IdentityProvider for OidcProvider {
    fn rules(&self) -> &ProviderRules {
        &self.rules
    }

    fn origin(&self) -> String {
        self.issuer.url().origin().ascii_serialization()
    }

    async fn start(&self, redirect_uri: &str) -> Result<SignOnStart, SignOnError> {
        let d = self.metadata(false).await?;
        let client = self.client(&d, redirect_uri)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .set_pkce_challenge(challenge);
        for scope in &self.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        for acr in &self.settings.acr_values {
            request = request.add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok(SignOnStart {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    async fn finish(&self, redirect_uri: &str, code: &str, pending: &PendingSignOn) -> Result<ProvidedIdentity, SignOnError> {
        let d = self.metadata(false).await?;
        let client = self.client(&d, redirect_uri)?;
        let mut request = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| refused("the provider has no token endpoint", e))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()));
        if let ClientAuth::PrivateKeyJwt(key) = &self.settings.auth {
            let endpoint = d.metadata.token_endpoint().map(|u| u.as_str()).unwrap_or_default();
            let jwt = key.assertion(&self.settings.client_id, endpoint)?;
            request = request.add_extra_param("client_assertion_type", assertion::ASSERTION_TYPE).add_extra_param("client_assertion", jwt);
        }
        let response = request.request_async(&self.http).await.map_err(|e| {
            use openidconnect::RequestTokenError as R;
            match e {
                R::ServerResponse(r) => refused("the provider refused the sign-in code", r),
                e => unreachable("could not redeem the sign-in code", error_chain(&e)),
            }
        })?;
        let raw = response.id_token().ok_or_else(|| refused("the provider's answer", "it has no ID token"))?.to_string();
        let nonce = Nonce::new(pending.nonce.clone());
        match self.verified_identity(&d, redirect_uri, &raw, &nonce).await {
            Ok(identity) => Ok(identity),
            Err(Verify::Bad(e)) => Err(e),
            Err(Verify::UnknownKey) => {
                // The provider may have rotated its keys since they were fetched: fetch once more.
                let fresh = self.metadata(true).await?;
                match self.verified_identity(&fresh, redirect_uri, &raw, &nonce).await {
                    Ok(identity) => Ok(identity),
                    Err(Verify::Bad(e)) => Err(e),
                    Err(Verify::UnknownKey) => Err(refused("the ID token was refused", "no key of the provider's matches its signature")),
                }
            }
        }
    }

    async fn logout_notice(&self, logout_token: &str) -> Result<LogoutNotice, SignOnError> {
        let d = self.metadata(false).await?;
        match logout::check(logout_token, &d.metadata, &self.settings.client_id) {
            Err(logout::Failure::UnknownKey) => {
                let fresh = self.metadata(true).await?;
                logout::check(logout_token, &fresh.metadata, &self.settings.client_id).map_err(logout::Failure::into_error)
            }
            other => other.map_err(logout::Failure::into_error),
        }
    }

    async fn end_session_url(&self, id_token_hint: &str, post_logout_redirect_uri: &str) -> Option<String> {
        let d = self.metadata(false).await.ok()?;
        let endpoint = d.metadata.additional_metadata().end_session_endpoint.clone()?;
        let mut request = openidconnect::LogoutRequest::from(endpoint).set_client_id(ClientId::new(self.settings.client_id.clone()));
        if let Ok(hint) = CoreIdToken::from_str(id_token_hint) {
            request = request.set_id_token_hint(&hint);
        }
        if let Ok(url) = PostLogoutRedirectUrl::new(post_logout_redirect_uri.to_string()) {
            request = request.set_post_logout_redirect_uri(url);
        }
        Some(request.http_get_url().to_string())
    }
}
