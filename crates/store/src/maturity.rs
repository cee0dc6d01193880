//! The organisation's maturity models (keyed, replaced in place) and teams' assessments.
use async_trait::async_trait;
use signpost_domain::StoreError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::maturity::{Assessment, MaturityModel};
use signpost_domain::ports::MaturityStore;

use crate::learning::{from_doc, from_doc_with_id, to_doc, upsert};
use crate::{Db, append_logs, map_err};

#[async_trait]
impl MaturityStore for Db {
    async fn save_model(&self, model: &MaturityModel, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO maturity_models (key, doc) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET doc = excluded.doc")
            .bind(&model.key)
            .bind(to_doc(model)?)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        append_logs(&mut tx, &audit, "maturity_model", None, false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn models(&self) -> Result<Vec<MaturityModel>, StoreError> {
        let rows = sqlx::query("SELECT doc FROM maturity_models ORDER BY key").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(|r| from_doc(r, "maturity model")).collect()
    }

    async fn insert_assessments(&self, assessments: &[Assessment], audit: AuditRecord) -> Result<Vec<Assessment>, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = Vec::with_capacity(assessments.len());
        for a in assessments {
            let doc = to_doc(a)?;
            let held_on = a.held_on.to_string();
            let id = upsert(&mut tx, "maturity_assessments", 0, &["model_key", "team_id", "held_on", "doc"], |q| {
                q.bind(&a.model_key).bind(a.team_id).bind(held_on).bind(doc)
            })
            .await?;
            saved.push(Assessment { id, ..a.clone() });
        }
        append_logs(&mut tx, &audit, "maturity_assessment", saved.first().map(|a| a.id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn assessments(&self) -> Result<Vec<Assessment>, StoreError> {
        let rows =
            sqlx::query("SELECT id, doc FROM maturity_assessments ORDER BY held_on, id").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(|r| from_doc_with_id(r, "assessment")).collect()
    }
}
