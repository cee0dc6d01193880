//! Single sign-on providers, from the configuration file's `[[sign_on]]` tables.
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use signpost_domain::people::Role;
use signpost_domain::sign_on::{IdentityProvider, ProviderRules, SignOnError, UnknownPeople};
use signpost_oidc::{ClientAuth, ClientKey, KeyAlgorithm, OidcProvider, ProviderSettings};

/// One `[[sign_on]]` table: an OpenID Connect provider and how its word becomes an account.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Short name in addresses: lower-case letters, digits and hyphens.
    pub key: String,
    /// The button says "Sign in with {label}".
    pub label: String,
    /// The issuer URL (its discovery document is read).
    pub issuer: String,
    /// Signpost's client id there.
    pub client_id: String,
    /// `client_secret_basic` (the default with a secret), `client_secret_post` or `private_key_jwt`.
    pub client_auth: Option<String>,
    /// The client secret, for the first two.
    pub client_secret: Option<String>,
    /// A PEM private key, for `private_key_jwt`.
    pub private_key_file: Option<PathBuf>,
    /// The key's id (`kid`) as registered with the provider.
    pub private_key_id: Option<String>,
    /// RS256 (default), RS384, RS512, PS256 or ES256.
    pub private_key_algorithm: Option<String>,
    /// Scopes besides `openid` [default: email, profile].
    pub scopes: Option<Vec<String>>,
    /// `acr_values` to ask for.
    #[serde(default)]
    pub acr_values: Vec<String>,
    /// Refuse ID tokens whose `acr` is not one of these.
    #[serde(default)]
    pub required_acr: Vec<String>,
    /// The email claim [default: email].
    pub email_claim: Option<String>,
    /// The claim asserting the address was checked [default: email_verified].
    pub email_verified_claim: Option<String>,
    /// Extra certificate authorities (PEM) to trust for this provider.
    pub ca_file: Option<PathBuf>,
    /// `create` or `refuse` (the default) people without an account.
    pub unknown_people: Option<String>,
    /// The role given to new accounts when no role claim matches [default: member].
    pub default_role: Option<String>,
    /// The claim with role names.
    pub role_claim: Option<String>,
    /// Claim value → role name.
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    /// The claim with the team or groups.
    pub team_claim: Option<String>,
    /// Claim value → team name.
    #[serde(default)]
    pub teams: BTreeMap<String, String>,
}

fn provider(c: ProviderConfig) -> anyhow::Result<OidcProvider> {
    let key = c.key.clone();
    let ctx = |what: &str| format!("[[sign_on]] {key:?}: {what}");
    anyhow::ensure!(
        !key.is_empty() && key.len() <= 32 && key.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
        "{}",
        ctx("key must be 1 to 32 lower-case letters, digits or hyphens")
    );
    anyhow::ensure!(!c.label.trim().is_empty(), "{}", ctx("label is empty"));
    let role = |name: &str| Role::parse(name).map_err(|e| anyhow::anyhow!(ctx(&format!("role {name:?}: {}", e.message))));
    let unknown_people = match c.unknown_people.as_deref().unwrap_or("refuse") {
        "create" => UnknownPeople::Create,
        "refuse" => UnknownPeople::Refuse,
        other => anyhow::bail!(ctx(&format!("unknown_people must be create or refuse, not {other:?}"))),
    };
    let rules = ProviderRules {
        key: key.clone(),
        label: c.label.trim().to_string(),
        unknown_people,
        default_role: role(c.default_role.as_deref().unwrap_or("member"))?,
        role_claim: c.role_claim,
        roles: c.roles.iter().map(|(value, name)| Ok((value.clone(), role(name)?))).collect::<anyhow::Result<_>>()?,
        team_claim: c.team_claim,
        teams: c.teams.into_iter().collect(),
    };
    let auth = match (c.client_auth.as_deref(), c.client_secret, c.private_key_file) {
        (Some("private_key_jwt"), _, Some(path)) | (None, None, Some(path)) => {
            let pem = std::fs::read(&path).with_context(|| ctx(&format!("cannot read private_key_file {}", path.display())))?;
            let name = c.private_key_algorithm.as_deref().unwrap_or("RS256");
            let algorithm = KeyAlgorithm::parse(name).ok_or_else(|| {
                anyhow::anyhow!(ctx(&format!("private_key_algorithm {name:?} is not RS256, RS384, RS512, PS256 or ES256")))
            })?;
            ClientAuth::PrivateKeyJwt(ClientKey::from_pem(&pem, algorithm, c.private_key_id).map_err(|e| anyhow::anyhow!(ctx(&e)))?)
        }
        (Some("private_key_jwt"), _, None) => anyhow::bail!(ctx("private_key_jwt needs private_key_file")),
        (Some("client_secret_basic") | None, Some(secret), _) => ClientAuth::SecretBasic(secret),
        (Some("client_secret_post"), Some(secret), _) => ClientAuth::SecretPost(secret),
        (Some(m @ ("client_secret_basic" | "client_secret_post")), None, _) => anyhow::bail!(ctx(&format!("{m} needs client_secret"))),
        (None, None, None) => anyhow::bail!(ctx("give client_secret or private_key_file")),
        (Some(other), _, _) => {
            anyhow::bail!(ctx(&format!("client_auth must be client_secret_basic, client_secret_post or private_key_jwt, not {other:?}")))
        }
    };
    let settings = ProviderSettings {
        issuer: c.issuer,
        client_id: c.client_id,
        auth,
        scopes: c.scopes.unwrap_or_else(|| vec!["email".into(), "profile".into()]),
        acr_values: c.acr_values,
        required_acr: c.required_acr,
        email_claim: c.email_claim.unwrap_or_else(|| "email".into()),
        email_verified_claim: c.email_verified_claim.unwrap_or_else(|| "email_verified".into()),
        ca_file: c.ca_file,
    };
    OidcProvider::new(rules, settings).map_err(|e| anyhow::anyhow!(ctx(&e)))
}

/// The configured providers, each checked for what can be checked without the network.
pub fn providers(configs: Vec<ProviderConfig>, public_url: Option<&str>) -> anyhow::Result<Vec<Arc<OidcProvider>>> {
    if configs.is_empty() {
        return Ok(Vec::new());
    }
    anyhow::ensure!(
        public_url.is_some(),
        "single sign-on needs public_url (or --public-url): providers send people back to {{public_url}}/sign-in/sso/KEY/callback"
    );
    let mut keys = HashSet::new();
    configs
        .into_iter()
        .map(|c| {
            anyhow::ensure!(keys.insert(c.key.clone()), "[[sign_on]] key {:?} is used twice", c.key);
            provider(c).map(Arc::new)
        })
        .collect()
}

/// Reads each provider's discovery document and keys. A provider that cannot be reached
/// is a warning (people can still use the others, or passwords); a configuration it
/// refuses stops the server.
pub async fn check(providers: &[Arc<OidcProvider>]) -> anyhow::Result<()> {
    for p in providers {
        match p.check().await {
            Ok(()) => eprintln!("Single sign-on with {} is ready", p.rules().label),
            Err(SignOnError::Unreachable(m)) => {
                tracing::warn!("{m}; sign-in with {} will try again when someone uses it", p.rules().label)
            }
            Err(SignOnError::Refused(m)) => anyhow::bail!("single sign-on with {}: {m}", p.rules().label),
        }
    }
    Ok(())
}

/// The providers as the services take them.
pub fn as_ports(providers: &[Arc<OidcProvider>]) -> Vec<Arc<dyn IdentityProvider>> {
    providers.iter().map(|p| p.clone() as Arc<dyn IdentityProvider>).collect()
}
