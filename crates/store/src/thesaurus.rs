//! The thesaurus: its terms in order, replaced whole under a version check.
use async_trait::async_trait;
use signpost_domain::StoreError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::thesaurus::{Term, Thesaurus, ThesaurusStore};
use sqlx::Row;

use crate::{Db, append_logs, map_err};

fn list(text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::unexpected(format!("a thesaurus list is not JSON: {e}")))
}

#[async_trait]
impl ThesaurusStore for Db {
    async fn thesaurus(&self) -> Result<Thesaurus, StoreError> {
        let version: i64 = sqlx::query("SELECT version FROM thesaurus_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?
            .try_get("version")
            .map_err(map_err)?;
        let rows = sqlx::query("SELECT label, broader, non_preferred, scope_note FROM thesaurus_terms ORDER BY position")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let terms = rows
            .iter()
            .map(|r| {
                Ok(Term {
                    label: r.try_get("label").map_err(map_err)?,
                    broader: list(&r.try_get::<String, _>("broader").map_err(map_err)?)?,
                    non_preferred: list(&r.try_get::<String, _>("non_preferred").map_err(map_err)?)?,
                    scope_note: r.try_get("scope_note").map_err(map_err)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Thesaurus { terms, version })
    }

    async fn replace_thesaurus(&self, terms: &[Term], expected_version: i64, audit: AuditRecord) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let moved = sqlx::query("UPDATE thesaurus_version SET version = version + 1 WHERE id = 1 AND version = $1")
            .bind(expected_version)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if moved.rows_affected() == 0 {
            return Err(StoreError::Conflict("the thesaurus changed since you opened it".into()));
        }
        sqlx::query("DELETE FROM thesaurus_terms").execute(&mut *tx).await.map_err(map_err)?;
        for (i, t) in terms.iter().enumerate() {
            let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
            sqlx::query("INSERT INTO thesaurus_terms (position, label, broader, non_preferred, scope_note) VALUES ($1, $2, $3, $4, $5)")
                .bind(i as i64)
                .bind(&t.label)
                .bind(json(&t.broader))
                .bind(json(&t.non_preferred))
                .bind(&t.scope_note)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        append_logs(&mut tx, &audit, "thesaurus", None, false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(expected_version + 1)
    }
}
