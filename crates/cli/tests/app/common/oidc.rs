//! Real OpenID Connect providers for the tests: the npm `oidc-provider`
//! (`tests/support/oidc/provider.mjs`, with back-channel logout and `private_key_jwt`)
//! and the PyPI `oidc-provider-mock` (client registration and `client_secret_basic`),
//! and a scripted browser that signs in through them.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};
use signpost_domain::people::Role;
use signpost_domain::sign_on::{IdentityProvider, ProviderRules, UnknownPeople};
use signpost_oidc::{ClientAuth, ClientKey, KeyAlgorithm, OidcProvider, ProviderSettings};

use super::{eventually, free_port};

fn wait_for_port(port: u16, what: &str) -> impl Future<Output = ()> {
    let what = what.to_string();
    async move {
        let up = eventually(Duration::from_secs(30), async || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()).await;
        assert!(up.is_some(), "{what} did not start");
    }
}

/// The rules the tests sign in under: new people are created; roles and teams come from claims.
pub fn rules(key: &str, label: &str) -> ProviderRules {
    ProviderRules {
        key: key.into(),
        label: label.into(),
        unknown_people: UnknownPeople::Create,
        default_role: Role::Member,
        role_claim: Some("roles".into()),
        roles: vec![("Signpost.Specialist".into(), Role::KnowledgeSpecialist), ("Signpost.Admin".into(), Role::Admin)],
        team_claim: Some("groups".into()),
        teams: vec![("grp-library".into(), "Library".into())],
    }
}

/// The npm `oidc-provider`, with one `private_key_jwt` client for `signpost` at `base`.
pub struct NpmProvider {
    child: Child,
    pub issuer: String,
    pub key_pem: PathBuf,
    _dir: tempfile::TempDir,
}

/// Where the npm provider's packages are (`npm ci` there installs them).
pub fn npm_provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/oidc")
}

impl NpmProvider {
    /// Starts the provider for a Signpost at `base` signing in with provider key `key`;
    /// `accounts` maps each login to its claims.
    pub async fn start(base: &str, key: &str, accounts: Value) -> NpmProvider {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let key_pem = dir.path().join("signpost.pem");
        let config = json!({
            "port": port,
            "key_dir": dir.path(),
            "clients": [{
                "client_id": "signpost",
                "token_endpoint_auth_method": "private_key_jwt",
                "token_endpoint_auth_signing_alg": "RS256",
                "redirect_uris": [format!("{base}/sign-in/sso/{key}/callback")],
                "post_logout_redirect_uris": [format!("{base}/sign-in?signed_out=1")],
                "backchannel_logout_uri": format!("{base}/sign-in/sso/{key}/logout"),
                "backchannel_logout_session_required": true,
            }],
            "accounts": accounts,
        });
        let config_path = dir.path().join("config.json");
        std::fs::write(&config_path, config.to_string()).unwrap();
        let script = npm_provider_dir().join("provider.mjs");
        assert!(
            npm_provider_dir().join("node_modules/oidc-provider").exists(),
            "run `npm ci` in {} first (.ci/run does)",
            npm_provider_dir().display()
        );
        let child =
            Command::new("node").arg(script).arg(&config_path).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("node runs");
        wait_for_port(port, "oidc-provider (node)").await;
        assert!(key_pem.exists(), "the provider wrote Signpost's client key");
        NpmProvider { child, issuer: format!("http://127.0.0.1:{port}"), key_pem, _dir: dir }
    }

    /// Signpost's side of it: `private_key_jwt` with the key the provider made.
    pub fn identity_provider(&self, key: &str, label: &str) -> Arc<dyn IdentityProvider> {
        let pem = std::fs::read(&self.key_pem).unwrap();
        let settings = ProviderSettings {
            issuer: self.issuer.clone(),
            client_id: "signpost".into(),
            auth: ClientAuth::PrivateKeyJwt(ClientKey::from_pem(&pem, KeyAlgorithm::Rs256, Some("signpost-client".into())).unwrap()),
            scopes: vec!["email".into(), "profile".into()],
            acr_values: Vec::new(),
            required_acr: Vec::new(),
            email_claim: "email".into(),
            email_verified_claim: "email_verified".into(),
            ca_file: None,
        };
        Arc::new(OidcProvider::new(rules(key, label), settings).unwrap())
    }

    /// Makes the next ID token the token endpoint hands out altered: `signature`,
    /// `nonce`, `expired` or `audience`.
    pub async fn tamper_next(&self, mode: &str) {
        let res = reqwest::Client::new().post(format!("{}/_test/tamper?mode={mode}", self.issuer)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
}

impl Drop for NpmProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The PyPI `oidc-provider-mock`, requiring registered clients (so the secret is checked) and a nonce.
pub struct MockProvider {
    child: Child,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

impl MockProvider {
    /// Starts it and registers Signpost at `base` as a `client_secret_basic` client.
    pub async fn start(base: &str, key: &str) -> MockProvider {
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "oidc_provider_mock", "--port", &port.to_string(), "--require-registration", "--require-nonce"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        wait_for_port(port, "oidc-provider-mock (is the PyPI package installed?)").await;
        let issuer = format!("http://127.0.0.1:{port}");
        let registered: Value = reqwest::Client::new()
            .post(format!("{issuer}/oauth2/clients"))
            .json(&json!({"redirect_uris": [format!("{base}/sign-in/sso/{key}/callback")], "token_endpoint_auth_method": "client_secret_basic"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        MockProvider {
            child,
            issuer,
            client_id: registered["client_id"].as_str().unwrap().to_string(),
            client_secret: registered["client_secret"].as_str().unwrap().to_string(),
        }
    }

    /// Sets the claims the provider gives person `sub`.
    pub async fn set_person(&self, sub: &str, claims: Value) {
        let res = reqwest::Client::new().put(format!("{}/users/{sub}", self.issuer)).json(&claims).send().await.unwrap();
        assert!(res.status().is_success(), "{}", res.status());
    }

    /// Signpost's side of it, with the registered id and secret.
    pub fn identity_provider(&self, key: &str, label: &str) -> Arc<dyn IdentityProvider> {
        let settings = ProviderSettings {
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            auth: ClientAuth::SecretBasic(self.client_secret.clone()),
            scopes: vec!["email".into(), "profile".into()],
            acr_values: Vec::new(),
            required_acr: Vec::new(),
            email_claim: "email".into(),
            email_verified_claim: "email_verified".into(),
            ca_file: None,
        };
        Arc::new(OidcProvider::new(rules(key, label), settings).unwrap())
    }
}

impl Drop for MockProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser without JavaScript, scripted: it keeps cookies and follows redirects one by one.
pub struct ScriptedBrowser {
    pub client: reqwest::Client,
}

/// Where a sign-in ended: the last address and what it answered.
pub struct Landing {
    pub url: String,
    pub status: StatusCode,
    pub body: String,
}

impl Default for ScriptedBrowser {
    fn default() -> Self {
        ScriptedBrowser {
            client: reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap(),
        }
    }
}

fn absolute(base: &str, location: &str) -> String {
    reqwest::Url::parse(base).unwrap().join(location).unwrap().to_string()
}

impl ScriptedBrowser {
    /// Follows redirects from `url` until a page answers, or until the provider sends the
    /// browser back to Signpost's callback when `stop_at_callback`.
    pub async fn follow(&self, url: &str, stop_at_callback: bool) -> Landing {
        let mut url = url.to_string();
        for _ in 0..20 {
            if stop_at_callback && url.contains("/callback?") {
                return Landing { url, status: StatusCode::FOUND, body: String::new() };
            }
            let res = self.client.get(&url).send().await.unwrap();
            let status = res.status();
            if status.is_redirection() {
                let to = res.headers()[LOCATION].to_str().unwrap().to_string();
                url = absolute(&url, &to);
                continue;
            }
            return Landing { url, status, body: res.text().await.unwrap() };
        }
        panic!("too many redirects from {url}");
    }

    /// Posts a form at `url`, then follows where it leads.
    pub async fn submit(&self, url: &str, fields: &[(&str, &str)], stop_at_callback: bool) -> Landing {
        let res = self.client.post(url).form(fields).send().await.unwrap();
        let status = res.status();
        if status.is_redirection() {
            let to = absolute(url, res.headers()[LOCATION].to_str().unwrap());
            return self.follow(&to, stop_at_callback).await;
        }
        Landing { url: url.to_string(), status, body: res.text().await.unwrap() }
    }

    /// Signs in at the npm provider as `login` from Signpost's button for `key`, through
    /// its login and consent pages.
    pub async fn through_npm(&self, base: &str, key: &str, login: &str, stop_at_callback: bool) -> Landing {
        let mut landing = self.follow(&format!("{base}/sign-in/sso/{key}"), stop_at_callback).await;
        for _ in 0..3 {
            if !landing.url.contains("/interaction/") || landing.status != StatusCode::OK {
                return landing;
            }
            let url = landing.url.split('?').next().unwrap().to_string();
            landing = if landing.body.contains("name=\"login\"") {
                self.submit(&url, &[("prompt", "login"), ("login", login), ("password", "any")], stop_at_callback).await
            } else {
                self.submit(&url, &[("prompt", "consent")], stop_at_callback).await
            };
        }
        landing
    }

    /// Signs in at the mock provider as `sub` from Signpost's button for `key`.
    pub async fn through_mock(&self, base: &str, key: &str, sub: &str, stop_at_callback: bool) -> Landing {
        let form = self.follow(&format!("{base}/sign-in/sso/{key}"), false).await;
        assert_eq!(form.status, StatusCode::OK, "the mock's sign-in form at {}: {}", form.url, form.body);
        self.submit(&form.url, &[("sub", sub)], stop_at_callback).await
    }

    /// Whether this browser's Signpost session works.
    pub async fn signed_in(&self, base: &str) -> bool {
        self.client.get(format!("{base}/account")).send().await.unwrap().status() == StatusCode::OK
    }
}
