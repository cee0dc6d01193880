//! Impact statements and reactions to stories.
use async_trait::async_trait;
use signpost_domain::StoreError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::impact::{ImpactStatement, Reaction, ReactionKind};
use signpost_domain::ports::ImpactStore;
use sqlx::Row;

use crate::learning::{from_doc_with_id, to_doc, upsert};
use crate::{Db, append_logs, map_err};

#[async_trait]
impl ImpactStore for Db {
    async fn add_impact(&self, statement: &ImpactStatement, audit: AuditRecord) -> Result<ImpactStatement, StoreError> {
        let mut tx = self.begin().await?;
        let doc = to_doc(statement)?;
        let id = upsert(&mut tx, "impact_statements", 0, &["doc"], |q| q.bind(doc)).await?;
        append_logs(&mut tx, &audit, "impact", Some(id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(ImpactStatement { id, ..statement.clone() })
    }

    async fn impact(&self, id: i64) -> Result<ImpactStatement, StoreError> {
        self.doc_by_id("SELECT id, doc FROM impact_statements WHERE id = $1", id, "impact statement").await
    }

    async fn impacts(&self) -> Result<Vec<ImpactStatement>, StoreError> {
        let rows = sqlx::query("SELECT id, doc FROM impact_statements ORDER BY id").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(|r| from_doc_with_id(r, "impact statement")).collect()
    }

    async fn remove_impact(&self, id: i64, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM impact_statements WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_logs(&mut tx, &audit, "impact", Some(id), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn set_reaction(&self, r: &Reaction, on: bool) -> Result<(), StoreError> {
        let sql = if on {
            "INSERT INTO reactions (asset_id, user_id, kind) VALUES ($1, $2, $3) ON CONFLICT (asset_id, user_id, kind) DO NOTHING"
        } else {
            "DELETE FROM reactions WHERE asset_id = $1 AND user_id = $2 AND kind = $3"
        };
        sqlx::query(sql).bind(r.asset_id).bind(r.user_id).bind(r.kind.as_str()).execute(&self.pool).await.map_err(map_err)?;
        Ok(())
    }

    async fn reactions(&self) -> Result<Vec<Reaction>, StoreError> {
        let rows = sqlx::query("SELECT asset_id, user_id, kind FROM reactions").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind").map_err(map_err)?;
                Ok(Reaction {
                    asset_id: r.try_get("asset_id").map_err(map_err)?,
                    user_id: r.try_get("user_id").map_err(map_err)?,
                    kind: ReactionKind::parse(&kind).ok_or_else(|| StoreError::unexpected(format!("unknown reaction {kind:?}")))?,
                })
            })
            .collect()
    }
}
