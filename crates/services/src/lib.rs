//! Signpost's use cases. One function per use case, called by the web and the CLI
//! alike; every call says who is asking, and [`policy`] is the only place that
//! decides what that person may see or do.
#![warn(missing_docs)]

pub mod accounts;
pub mod archive;
pub mod asset_list;
pub mod assets;
pub mod awareness;
pub mod cells;
pub mod embedding;
mod errors;
pub mod evidence;
pub mod feeds;
pub mod impact;
pub mod indexing;
pub mod insights;
pub mod interests;
pub mod jobs;
pub mod knowledge_import;
pub mod learning;
pub mod leavers;
mod login_limit;
pub mod markdown;
pub mod maturity;
pub mod notifications;
pub mod people;
pub mod policy;
pub mod preview;
pub mod provisioning;
pub mod references;
pub mod report;
pub mod risk;
pub mod search;
pub mod search_params;
pub mod techniques;
pub mod thesaurus;
pub mod transfer;
pub mod upload;
pub mod validate;
pub mod webhooks;

use std::sync::Arc;

pub use errors::ServiceError;
use signpost_domain::ports::{Embedder, Mailer, SearchIndex, Store};
use tokio::sync::Notify;

/// The application: the store, the search index and what the use cases share.
#[derive(Clone)]
pub struct Signpost {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) index: Arc<dyn SearchIndex>,
    pub(crate) limiter: Arc<login_limit::LoginLimiter>,
    /// Woken after every local write so the index catches up at once.
    pub(crate) written: Arc<Notify>,
    /// Woken after every local write so new text is embedded soon.
    pub(crate) embed_wanted: Arc<Notify>,
    /// The sentence-embedding model, when one is configured.
    pub(crate) embedder: Option<Arc<dyn Embedder>>,
    /// Where reminders are sent from, when mail is configured.
    pub(crate) mailer: Option<Arc<dyn Mailer>>,
    /// The address people reach the server at, so emails can carry whole links.
    pub(crate) public_url: Option<String>,
    /// This process among the nodes, for claiming background jobs.
    pub(crate) worker: Arc<str>,
    /// How long a claimed job is this node's before another may take it up.
    pub(crate) job_lease: std::time::Duration,
    /// How long a notification waits before it is emailed on its own.
    pub(crate) notification_delay: std::time::Duration,
    /// The key unsubscribe links are signed with, read from the database once.
    pub(crate) unsubscribe_key: Arc<tokio::sync::OnceCell<String>>,
    /// The identity providers people may sign in with, in the configured order.
    pub(crate) providers: Arc<[Arc<dyn signpost_domain::sign_on::IdentityProvider>]>,
    /// The waits between webhook delivery attempts.
    pub(crate) webhook_delays: Arc<[std::time::Duration]>,
    /// Imports staged from the import page, waiting to be confirmed or running.
    pub(crate) stages: Arc<knowledge_import::Stages>,
    /// API tokens' people, remembered for a moment.
    pub(crate) token_actors: Arc<accounts::token_cache::TokenActors>,
}

impl Signpost {
    /// Builds the application over a store and an index.
    pub fn new(store: Arc<dyn Store>, index: Arc<dyn SearchIndex>) -> Self {
        Signpost {
            store,
            index,
            limiter: Arc::new(login_limit::LoginLimiter::default()),
            written: Arc::new(Notify::new()),
            embed_wanted: Arc::new(Notify::new()),
            embedder: None,
            mailer: None,
            public_url: None,
            worker: Arc::from(format!("{}-{:016x}", std::process::id(), rand::random::<u64>())),
            job_lease: std::time::Duration::from_secs(300),
            notification_delay: std::time::Duration::from_secs(60),
            unsubscribe_key: Arc::new(tokio::sync::OnceCell::new()),
            providers: Arc::from(Vec::new()),
            webhook_delays: Arc::from(webhooks::delivery::SCHEDULE.to_vec()),
            stages: Arc::default(),
            token_actors: Arc::default(),
        }
    }

    /// The same application with mail switched off, for loading records (such as the
    /// demo's past rounds) that must not email anyone.
    pub fn without_mail(&self) -> Self {
        Signpost { mailer: None, ..self.clone() }
    }

    /// Puts whole links to `url` (such as `https://signpost.example.nhs.uk`) in emails;
    /// without it, emails name the page instead.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = Some(url.trim_end_matches('/').to_string());
        self
    }

    /// The address people reach the server at, when configured.
    pub fn public_url(&self) -> Option<&str> {
        self.public_url.as_deref()
    }

    /// `path` as a link an email can carry, or `page` when the server's address is unknown.
    pub(crate) fn mail_link(&self, path: &str, page: &str) -> String {
        match &self.public_url {
            Some(base) => format!("{base}{path}"),
            None => format!("the {page} page in Signpost"),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// Whether the database answers and the index is open (for `/readyz`).
    pub async fn ready(&self) -> Result<(), ServiceError> {
        self.store.ping().await?;
        Ok(())
    }

    /// How far the index lags behind the change log, and how many assets it holds (for `/metrics`).
    pub async fn index_status(&self) -> Result<IndexStatus, ServiceError> {
        let last = self.store.last_change().await?;
        let applied = self.index.applied_change();
        Ok(IndexStatus { changes_behind: (last - applied).max(0), documents: self.index.doc_count() })
    }

    pub(crate) fn wrote(&self) {
        self.written.notify_one();
        self.embed_wanted.notify_one();
    }
}

/// The state of this node's search index.
#[derive(Debug, Clone, Copy)]
pub struct IndexStatus {
    /// Change-log entries not yet applied.
    pub changes_behind: i64,
    /// Assets in the index.
    pub documents: u64,
}
