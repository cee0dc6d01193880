//! The organisation's techniques: edits to the shipped catalogue and its own.
use signpost_domain::StoreError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::techniques::Technique;
use sqlx::Row;

use crate::rows::now_ms;
use crate::{Db, append_logs, map_err};

impl Db {
    pub(crate) async fn technique_rows(&self) -> Result<Vec<Technique>, StoreError> {
        let rows = sqlx::query("SELECT definition FROM techniques ORDER BY key").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let json: String = r.try_get("definition").map_err(map_err)?;
                serde_json::from_str(&json).map_err(|e| StoreError::caused("a stored technique is unreadable", e))
            })
            .collect()
    }

    pub(crate) async fn upsert_technique(&self, technique: &Technique, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let definition = serde_json::to_string(technique).map_err(|e| StoreError::caused("a technique could not be stored", e))?;
        sqlx::query(
            "INSERT INTO techniques (key, definition, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at",
        )
        .bind(&technique.key)
        .bind(definition)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        append_logs(&mut tx, &audit, "technique", None, false).await?;
        tx.commit().await.map_err(map_err)
    }
}
