//! Signpost's store: the source of truth, in SQLite (the embedded default) or
//! PostgreSQL (scale-out), behind the domain's [`Store`] trait.
//!
//! One implementation serves both engines through sqlx's `Any` driver: the SQL
//! is written to the subset both understand (numbered `$n` parameters, `RETURNING`,
//! times as epoch milliseconds, lists as JSON text). Each engine has its own
//! migration history with the same version numbers. Every write runs in one
//! transaction that also appends to the `changes` table, the outbox that search
//! indexes tail; on PostgreSQL a transaction-scoped advisory lock makes change ids
//! commit in order, so a tailer never skips a change that commits late.
#![warn(missing_docs)]

/// Builds SQL from fixed column lists and [`visibility_sql`] predicates (ids and
/// enum names only) and marks it safe; user input always travels as bind parameters.
macro_rules! sql {
    ($($t:tt)*) => { sqlx::AssertSqlSafe(format!($($t)*)) };
}

mod accounts;
mod archive;
mod assets;
mod awareness;
mod bulk;
mod embeddings;
mod evidence;
mod feeds;
mod impact;
mod imports;
mod interests;
mod jobs;
mod learning;
mod lifecycle;
mod logs;
mod maturity;
mod notifications;
mod people;
mod posts;
mod provisioning;
mod retention;
mod rows;
mod sign_on;
mod store_impl;
mod techniques;
mod thesaurus;
mod visibility_sql;
mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use signpost_domain::StoreError;
use signpost_domain::audit::AuditRecord;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Transaction};

pub use signpost_domain::ports::Store;

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite: one file, WAL mode.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A connection pool to either engine, with migrations applied.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    url: String,
}

const PG_CHANGE_LOCK: i64 = 0x5167_9057;

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`), creating an SQLite file
    /// if needed, and applies the engine's migrations.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::unexpected(format!("unsupported database URL {url:?}: use sqlite://PATH or postgres://…")));
        };
        let url = if backend == Backend::Sqlite && !url.contains("mode=") {
            format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
        } else {
            url.to_string()
        };
        let options = AnyConnectOptions::from_str(&url).map_err(unexpected)?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
            }
            Backend::Postgres => {
                AnyPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect_with(options).await
            }
        }
        .map_err(unexpected)?;
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await.map_err(unexpected)?;
        }
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        migrator.run(&pool).await.map_err(|e| StoreError::caused("migration failed", e))?;
        Ok(Db { pool, backend, url })
    }

    /// The engine in use.
    pub fn engine(&self) -> Backend {
        self.backend
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction that holds the write lock from its first statement,
    /// so change-log ids commit in order and SQLite never fails a lock upgrade.
    async fn begin(&self) -> Result<Transaction<'static, Any>, StoreError> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(map_err),
            Backend::Postgres => {
                let mut tx = self.pool.begin().await.map_err(map_err)?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(PG_CHANGE_LOCK).execute(&mut *tx).await.map_err(map_err)?;
                Ok(tx)
            }
        }
    }
}

/// Appends an audit entry and, when `change` names an entity, a change-log entry.
async fn append_logs(
    tx: &mut Transaction<'static, Any>,
    audit: &AuditRecord,
    entity: &str,
    entity_id: Option<i64>,
    change: bool,
) -> Result<(), StoreError> {
    let now = rows::now_ms();
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, summary, before_state, after_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now)
    .bind(audit.actor_id)
    .bind(&audit.action)
    .bind(entity)
    .bind(entity_id)
    .bind(&audit.summary)
    .bind(audit.before.as_ref().map(|v| v.to_string()))
    .bind(audit.after.as_ref().map(|v| v.to_string()))
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    if change {
        sqlx::query("INSERT INTO changes (entity, entity_id, at) VALUES ($1, $2, $3)")
            .bind(entity)
            .bind(entity_id.unwrap_or(0))
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

fn unexpected(e: impl std::fmt::Display) -> StoreError {
    StoreError::caused("the database failed", e.to_string())
}

/// Maps database errors: broken uniqueness or references are the caller's conflict, not a failure.
fn map_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(format!("already exists ({})", db.message())),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::Conflict(format!("refers to something that does not exist ({})", db.message()))
        }
        _ => StoreError::caused("the database failed", e),
    }
}

/// Marks SQL assembled from fixed column lists and [`visibility_sql`] predicates
/// (ids and enum names only) as safe; user input always travels as bind parameters.
fn sql(text: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(text)
}
