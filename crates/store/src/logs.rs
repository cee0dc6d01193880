//! The audit log, the change log, synonyms and online backup.
use signpost_domain::StoreError;
use signpost_domain::audit::{AuditEntry, AuditRecord, Change};
use signpost_domain::search::{Page, SynonymGroup};
use sqlx::Row;

use crate::rows::{time, to_json};
use crate::{Backend, Db, append_logs, map_err};

impl Db {
    pub(crate) async fn audit_page(&self, offset: i64, limit: i64) -> Result<Page<AuditEntry>, StoreError> {
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?
            .try_get("n")
            .map_err(map_err)?;
        let rows = sqlx::query(
            "SELECT id, at, actor_id, action, entity, entity_id, summary, before_state, after_state FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let items = rows.iter().map(audit_entry).collect::<Result<_, StoreError>>()?;
        Ok(Page { items, total, offset, limit })
    }

    pub(crate) async fn record_audit(&self, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let entity = audit.action.split('.').next().unwrap_or("system").to_string();
        append_logs(&mut tx, &audit, &entity, None, false).await?;
        tx.commit().await.map_err(map_err)
    }

    pub(crate) async fn change_rows(&self, after: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
        let rows = sqlx::query("SELECT id, entity, entity_id FROM changes WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(Change {
                    id: r.try_get("id").map_err(map_err)?,
                    entity: r.try_get("entity").map_err(map_err)?,
                    entity_id: r.try_get("entity_id").map_err(map_err)?,
                })
            })
            .collect()
    }

    pub(crate) async fn last_change_id(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM changes").fetch_one(&self.pool).await.map_err(map_err)?;
        row.try_get("n").map_err(map_err)
    }

    pub(crate) async fn synonym_rows(&self) -> Result<Vec<SynonymGroup>, StoreError> {
        let rows = sqlx::query("SELECT terms FROM synonyms ORDER BY id").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let terms: String = r.try_get("terms").map_err(map_err)?;
                Ok(SynonymGroup { terms: serde_json::from_str(&terms).map_err(|e| StoreError::caused("corrupt synonyms", e))? })
            })
            .collect()
    }

    pub(crate) async fn replace_synonym_rows(&self, groups: &[SynonymGroup], audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let before = sqlx::query("SELECT COUNT(*) AS n FROM synonyms").fetch_one(&mut *tx).await.map_err(map_err)?;
        let before: i64 = before.try_get("n").map_err(map_err)?;
        sqlx::query("DELETE FROM synonyms").execute(&mut *tx).await.map_err(map_err)?;
        for g in groups {
            sqlx::query("INSERT INTO synonyms (terms) VALUES ($1)").bind(to_json(&g.terms)).execute(&mut *tx).await.map_err(map_err)?;
        }
        let audit = audit.with_diff(Some(serde_json::json!({"groups": before})), Some(serde_json::json!({"groups": groups.len()})));
        append_logs(&mut tx, &audit, "synonyms", Some(0), true).await?;
        tx.commit().await.map_err(map_err)
    }

    pub(crate) async fn backup_to(&self, destination: &str) -> Result<(), StoreError> {
        if std::path::Path::new(destination).exists() {
            return Err(StoreError::Conflict(format!("{destination} already exists: choose a new file for the backup")));
        }
        match self.backend {
            // VACUUM INTO reads one consistent snapshot while writers carry on (WAL).
            Backend::Sqlite => {
                sqlx::query("VACUUM INTO $1").bind(destination).execute(&self.pool).await.map_err(map_err)?;
                Ok(())
            }
            // pg_dump takes a consistent snapshot of a live database.
            Backend::Postgres => {
                let out = std::process::Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--file", destination, &self.url])
                    .output()
                    .map_err(|e| StoreError::caused("could not run pg_dump (is the PostgreSQL client installed?)", e))?;
                if out.status.success() {
                    Ok(())
                } else {
                    Err(StoreError::unexpected(format!("pg_dump failed: {}", String::from_utf8_lossy(&out.stderr).trim())))
                }
            }
        }
    }
}

/// The columns [`audit_entry`] reads.
pub(crate) const AUDIT_COLUMNS: &str = "id, at, actor_id, action, entity, entity_id, summary, before_state, after_state";

/// An audit entry from its row.
pub(crate) fn audit_entry(r: &sqlx::any::AnyRow) -> Result<AuditEntry, StoreError> {
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(AuditEntry {
        id: r.try_get("id").map_err(map_err)?,
        at: time(r.try_get("at").map_err(map_err)?),
        actor_id: r.try_get("actor_id").map_err(map_err)?,
        action: r.try_get("action").map_err(map_err)?,
        entity: r.try_get("entity").map_err(map_err)?,
        entity_id: r.try_get("entity_id").map_err(map_err)?,
        summary: r.try_get("summary").map_err(map_err)?,
        before: parse(r.try_get("before_state").map_err(map_err)?),
        after: parse(r.try_get("after_state").map_err(map_err)?),
    })
}
