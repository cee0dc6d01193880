//! Bulk inserts for imports: asset rows, version snapshots, audit entries and
//! change-log entries go in a few hundred per statement. Every statement is a round
//! trip to the connection's own thread, and with five per asset those hops dominated
//! imports.
use signpost_domain::StoreError;
use signpost_domain::assets::Asset;
use signpost_domain::ports::AssetWrite;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use crate::map_err;
use crate::rows::now_ms;

/// Rows per statement: well under SQLite's and PostgreSQL's bound-parameter limits.
pub(crate) const ROWS_PER_STATEMENT: usize = 300;

/// A value to bind.
pub(crate) enum Value {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// The statement inserting `rows` into `table (columns)`, with its values bound.
///
/// SQLite gets anonymous `?` placeholders: for numbered ones sqlx asks SQLite each
/// parameter's name, a linear search, which made a statement quadratic in its
/// parameters (a third of the database thread's time in a 1M import).
fn insert_statement(
    backend: &str,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    returning: &str,
) -> sqlx::query::Query<'static, Any, sqlx::any::AnyArguments> {
    let anonymous = backend == "SQLite";
    let mut n = 0;
    let placeholders: Vec<String> = rows
        .iter()
        .map(|_| {
            let cells: Vec<String> = columns
                .iter()
                .map(|_| {
                    n += 1;
                    if anonymous { "?".to_string() } else { format!("${n}") }
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    let mut sql = format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), placeholders.join(", "));
    if !returning.is_empty() {
        sql = format!("{sql} RETURNING {returning}");
    }
    let mut q = sqlx::query(crate::sql(sql));
    for value in rows.into_iter().flatten() {
        q = match value {
            Value::Int(v) => q.bind(v),
            Value::OptInt(v) => q.bind(v),
            Value::Text(v) => q.bind(v),
            Value::OptText(v) => q.bind(v),
        };
    }
    q
}

/// Inserts `rows` into `table (columns)`, several rows per statement.
pub(crate) async fn insert_rows(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    let backend = tx.backend_name().to_string();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        insert_statement(&backend, table, columns, chunk, "").execute(&mut **tx).await.map_err(map_err)?;
    }
    Ok(())
}

/// Inserts `rows` (at most [`ROWS_PER_STATEMENT`]) into `table (columns)` in one
/// statement, giving back `returning` of each row in the order of their ids.
pub(crate) async fn insert_returning(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    returning: &str,
) -> Result<Vec<AnyRow>, StoreError> {
    let backend = tx.backend_name().to_string();
    insert_statement(&backend, table, columns, rows, returning).fetch_all(&mut **tx).await.map_err(map_err)
}

/// The version snapshots, audit entries and change-log entries of newly inserted assets,
/// in the order the assets were inserted (so change ids follow asset ids).
pub(crate) async fn insert_histories(
    tx: &mut Transaction<'static, Any>,
    writes: &[AssetWrite],
    stored: &[Asset],
    summary: fn(&Asset) -> serde_json::Value,
) -> Result<(), StoreError> {
    let now = now_ms();
    let versions = writes.iter().zip(stored).map(|(w, a)| crate::assets::version_values(w, a)).collect();
    insert_rows(tx, "asset_versions", &crate::assets::VERSION_COLUMNS, versions).await?;
    let audits = writes
        .iter()
        .zip(stored)
        .map(|(w, a)| {
            let audit = w.audit.clone().with_diff(None, Some(summary(a)));
            vec![
                Value::Int(now),
                Value::OptInt(audit.actor_id.map(i64::from)),
                Value::Text(audit.action.clone()),
                Value::Text("asset".into()),
                Value::OptInt(Some(a.id.0)),
                Value::Text(audit.summary.clone()),
                Value::OptText(audit.before.as_ref().map(|v| v.to_string())),
                Value::OptText(audit.after.as_ref().map(|v| v.to_string())),
            ]
        })
        .collect();
    let audit_columns = ["at", "actor_id", "action", "entity", "entity_id", "summary", "before_state", "after_state"];
    insert_rows(tx, "audit_log", &audit_columns, audits).await?;
    let changes = stored.iter().map(|a| vec![Value::Text("asset".into()), Value::Int(a.id.0), Value::Int(now)]).collect();
    insert_rows(tx, "changes", &["entity", "entity_id", "at"], changes).await
}
