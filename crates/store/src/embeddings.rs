//! Assets' embeddings: which are missing or stale, storing them, reading them back.
use signpost_domain::assets::Asset;
use signpost_domain::ports::Embedding;
use signpost_domain::{AssetId, StoreError};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::rows::{self, ASSET_COLUMNS, now_ms};
use crate::{Db, map_err};

fn to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_bytes(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

fn embedding(r: &AnyRow) -> Result<Embedding, StoreError> {
    Ok(Embedding {
        asset_id: r.try_get("asset_id").map_err(map_err)?,
        version: r.try_get("version").map_err(map_err)?,
        vector: from_bytes(&r.try_get::<Vec<u8>, _>("vector").map_err(map_err)?),
    })
}

impl Db {
    pub(crate) async fn assets_without_embedding(&self, model: &str, limit: i64) -> Result<Vec<Asset>, StoreError> {
        let rows = sqlx::query(sql!(
            "SELECT {ASSET_COLUMNS} FROM assets WHERE NOT EXISTS \
             (SELECT 1 FROM asset_embeddings e WHERE e.asset_id = assets.id AND e.model = $1 AND e.version >= assets.version) \
             ORDER BY id LIMIT $2"
        ))
        .bind(model)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(rows::asset).collect()
    }

    pub(crate) async fn upsert_embeddings(&self, model: &str, embeddings: &[Embedding]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        for e in embeddings {
            // An asset deleted while it was being embedded is skipped, not an error.
            let stored = sqlx::query(
                "INSERT INTO asset_embeddings (asset_id, model, version, vector) SELECT $1, $2, $3, $4 \
                 WHERE EXISTS (SELECT 1 FROM assets WHERE id = $1) \
                 ON CONFLICT (asset_id, model) DO UPDATE SET version = excluded.version, vector = excluded.vector",
            )
            .bind(e.asset_id)
            .bind(model)
            .bind(e.version)
            .bind(to_bytes(&e.vector))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            if stored.rows_affected() > 0 {
                sqlx::query("INSERT INTO changes (entity, entity_id, at) VALUES ('embedding', $1, $2)")
                    .bind(e.asset_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
            }
        }
        tx.commit().await.map_err(map_err)
    }

    pub(crate) async fn embedding_rows(&self, model: &str, ids: &[AssetId]) -> Result<Vec<Embedding>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(",");
        let rows = sqlx::query(sql!("SELECT asset_id, version, vector FROM asset_embeddings WHERE model = $1 AND asset_id IN ({list})"))
            .bind(model)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(embedding).collect()
    }

    pub(crate) async fn embedding_rows_after(&self, model: &str, after: AssetId, limit: i64) -> Result<Vec<Embedding>, StoreError> {
        let rows = sqlx::query(
            "SELECT asset_id, version, vector FROM asset_embeddings WHERE model = $1 AND asset_id > $2 ORDER BY asset_id LIMIT $3",
        )
        .bind(model)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(embedding).collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn vectors_survive_the_byte_encoding() {
        let v = vec![0.25, -1.5, f32::MIN_POSITIVE, 3.0e7];
        assert_eq!(super::from_bytes(&super::to_bytes(&v)), v);
    }
}
