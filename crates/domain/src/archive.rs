//! The whole database as rows, table by table: what `signpost export --format archive`
//! writes, `signpost import` restores into an empty instance on either engine, and
//! `signpost migrate` copies from one database to another. Copying rows rather than
//! rebuilding records keeps everything: assets with every version and the links
//! between them, learning, people, leavers, maturity, impact, settings.
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// One value in a row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    /// SQL NULL.
    Null,
    /// An integer (ids, times in milliseconds, counts, flags).
    Int(i64),
    /// Text (including JSON documents).
    Text(String),
    /// Bytes, base64 in an archive file.
    Bytes {
        /// The bytes, base64.
        base64: String,
    },
}

/// How a column stores its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// `BIGINT`, `INTEGER`.
    Int,
    /// `TEXT`.
    Text,
    /// `BYTEA`, `BLOB`.
    Bytes,
}

impl CellKind {
    /// The kind of a column from its declared SQL type.
    pub fn of_sql_type(declared: &str) -> CellKind {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            CellKind::Int
        } else if t.contains("BYTEA") || t.contains("BLOB") {
            CellKind::Bytes
        } else {
            CellKind::Text
        }
    }
}

/// A table and what an archive file keeps of it.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    /// Its name.
    pub name: &'static str,
    /// Whether an archive file holds it: secrets, sessions, tokens, queued work and
    /// embeddings (recomputed) stay behind; `migrate` copies every table.
    pub in_file: bool,
    /// Columns an archive file leaves empty (password hashes).
    pub blank_in_file: &'static [&'static str],
}

const fn kept(name: &'static str) -> TableSpec {
    TableSpec { name, in_file: true, blank_in_file: &[] }
}

const fn held_back(name: &'static str) -> TableSpec {
    TableSpec { name, in_file: false, blank_in_file: &[] }
}

/// Every table, each after the tables it refers to (the order the migrations made them).
pub const TABLES: [TableSpec; 63] = [
    kept("teams"),
    TableSpec { name: "users", in_file: true, blank_in_file: &["password_hash"] },
    held_back("browser_sessions"),
    held_back("api_tokens"),
    kept("assets"),
    kept("asset_viewers"),
    kept("asset_versions"),
    kept("audit_log"),
    kept("changes"),
    kept("synonyms"),
    held_back("asset_embeddings"),
    kept("techniques"),
    kept("projects"),
    kept("learning_sessions"),
    kept("session_contributions"),
    kept("actions"),
    kept("lesson_records"),
    kept("useful_marks"),
    kept("profiles"),
    kept("communities"),
    kept("community_members"),
    kept("questions"),
    kept("answers"),
    kept("comments"),
    kept("answer_votes"),
    kept("notifications"),
    kept("advocates"),
    kept("mentoring_listings"),
    kept("mentoring_matches"),
    kept("coffee_programmes"),
    kept("coffee_members"),
    kept("coffee_rounds"),
    kept("coffee_feedback"),
    kept("leaver_plans"),
    kept("critical_areas"),
    kept("maturity_models"),
    kept("maturity_assessments"),
    kept("impact_statements"),
    kept("reactions"),
    held_back("jobs"),
    held_back("password_links"),
    held_back("setup_secret"),
    kept("email_preferences"),
    held_back("shared_secrets"),
    kept("sign_on_identities"),
    held_back("sign_on_requests"),
    kept("instance_settings"),
    held_back("scim_clients"),
    kept("scim_users"),
    kept("scim_groups"),
    kept("saved_searches"),
    kept("alert_deliveries"),
    kept("alert_opens"),
    kept("thesaurus_terms"),
    kept("thesaurus_version"),
    kept("evidence_requests"),
    kept("interest_profiles"),
    held_back("webhook_endpoints"),
    held_back("webhook_messages"),
    held_back("webhook_attempts"),
    held_back("webhook_cursor"),
    kept("import_sources"),
    kept("asset_files"),
];

/// Reading every table, and writing them into an empty database in one transaction.
#[async_trait]
pub trait ArchiveStore: Send + Sync + 'static {
    /// The tables the database holds (to check [`TABLES`] misses none).
    async fn table_names(&self) -> Result<Vec<String>, StoreError>;
    /// A table's columns and how each stores its values.
    async fn columns(&self, table: &str) -> Result<Vec<(String, CellKind)>, StoreError>;
    /// How many rows a table holds.
    async fn row_count(&self, table: &str) -> Result<i64, StoreError>;
    /// Up to `limit` rows of `table` in a stable order, after the row `after` returned
    /// last time (`None` at the start): tables with an integer `id` are read by it, the
    /// rest by position.
    async fn rows(
        &self,
        table: &str,
        columns: &[(String, CellKind)],
        after: Option<&RowCursor>,
        limit: i64,
    ) -> Result<(Vec<Vec<Cell>>, Option<RowCursor>), StoreError>;
    /// Starts writing into this database, which must hold no people or knowledge; the
    /// rows the migrations put there are removed first.
    async fn begin_restore(&self) -> Result<Box<dyn Restore>, StoreError>;
}

/// Where reading a table got to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowCursor {
    /// The last `id` read.
    Id(i64),
    /// Rows read so far.
    Offset(i64),
}

/// A restore in progress: one transaction, committed only at the end.
#[async_trait]
pub trait Restore: Send {
    /// Adds rows to `table`.
    async fn insert(&mut self, table: &str, columns: &[(String, CellKind)], rows: &[Vec<Cell>]) -> Result<(), StoreError>;
    /// How many rows `table` holds so far in this transaction.
    async fn count(&mut self, table: &str) -> Result<i64, StoreError>;
    /// Finishes: references held back are set, identity counters moved past the
    /// rows written, and everything committed.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}
