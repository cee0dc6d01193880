//! Bulk inserts for imports: each asset row is still inserted on its own (its id comes
//! back from the database), but its version snapshot, audit entry and change-log entry
//! go in with a few hundred others per statement. Every statement is a round trip to
//! the connection's own thread, and with five per asset those hops dominated imports.
use signpost_domain::StoreError;
use signpost_domain::assets::Asset;
use signpost_domain::ports::AssetWrite;
use sqlx::{Any, Transaction};

use crate::map_err;
use crate::rows::now_ms;

/// Rows per statement: well under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_STATEMENT: usize = 300;

/// A value to bind.
pub(crate) enum Value {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// Inserts `rows` into `table (columns)`, several rows per statement.
pub(crate) async fn insert_rows(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        let placeholders: Vec<String> = (0..chunk.len())
            .map(|r| {
                let cells: Vec<String> = (0..columns.len()).map(|c| format!("${}", r * columns.len() + c + 1)).collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        let sql = format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), placeholders.join(", "));
        let mut q = sqlx::query(crate::sql(sql));
        for value in chunk.into_iter().flatten() {
            q = match value {
                Value::Int(v) => q.bind(v),
                Value::OptInt(v) => q.bind(v),
                Value::Text(v) => q.bind(v),
                Value::OptText(v) => q.bind(v),
            };
        }
        q.execute(&mut **tx).await.map_err(map_err)?;
    }
    Ok(())
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
