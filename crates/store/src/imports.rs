//! Imports from other systems: what each made (`import_sources`), and the one
//! transaction an import of any size is written in, batch by batch.
use async_trait::async_trait;
use signpost_domain::StoreError;
use signpost_domain::assets::{Asset, VersionEvent};
use signpost_domain::ids::AssetId;
use signpost_domain::imports::{AssetFile, ImportSession, ImportSource, KnowledgeImportStore, TitleMatch};
use signpost_domain::ports::AssetWrite;
use sqlx::{Any, Row, Transaction};

use crate::assets::{kept_snapshot, summary, update_in};
use crate::rows::ASSET_COLUMNS;
use crate::rows::{now_ms, to_json};
use crate::{Db, map_err};

/// Keys or titles per `IN (...)` list, well under both backends' parameter limits.
const PER_QUERY: usize = 500;

fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

#[async_trait]
impl KnowledgeImportStore for Db {
    async fn import_sources(&self, keys: &[String]) -> Result<Vec<ImportSource>, StoreError> {
        let mut out = Vec::new();
        for chunk in keys.chunks(PER_QUERY) {
            let mut q = sqlx::query(sql!(
                "SELECT source_key, asset_id, content_hash FROM import_sources WHERE source_key IN ({})",
                placeholders(chunk.len())
            ));
            for k in chunk {
                q = q.bind(k.as_str());
            }
            for r in q.fetch_all(&self.pool).await.map_err(map_err)? {
                out.push(ImportSource {
                    key: r.try_get("source_key").map_err(map_err)?,
                    asset_id: AssetId(r.try_get("asset_id").map_err(map_err)?),
                    content_hash: r.try_get("content_hash").map_err(map_err)?,
                });
            }
        }
        Ok(out)
    }

    async fn assets_titled(&self, titles: &[String]) -> Result<Vec<TitleMatch>, StoreError> {
        let mut out = Vec::new();
        for chunk in titles.chunks(PER_QUERY) {
            let mut q = sqlx::query(sql!("SELECT id, title FROM assets WHERE LOWER(title) IN ({}) ORDER BY id", placeholders(chunk.len())));
            for t in chunk {
                q = q.bind(t.to_lowercase());
            }
            for r in q.fetch_all(&self.pool).await.map_err(map_err)? {
                out.push(TitleMatch { asset_id: AssetId(r.try_get("id").map_err(map_err)?), title: r.try_get("title").map_err(map_err)? });
            }
        }
        Ok(out)
    }

    async fn asset_file(&self, asset_id: AssetId, id: i64) -> Result<AssetFile, StoreError> {
        let r = sqlx::query("SELECT id, asset_id, name, media_type, bytes FROM asset_files WHERE id = $1 AND asset_id = $2")
            .bind(id)
            .bind(asset_id)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(AssetFile {
            id: r.try_get("id").map_err(map_err)?,
            asset_id: AssetId(r.try_get("asset_id").map_err(map_err)?),
            name: r.try_get("name").map_err(map_err)?,
            media_type: r.try_get("media_type").map_err(map_err)?,
            bytes: r.try_get("bytes").map_err(map_err)?,
        })
    }

    async fn begin_import(&self) -> Result<Box<dyn ImportSession>, StoreError> {
        Ok(Box::new(Importing { tx: self.begin().await? }))
    }
}

struct Importing {
    tx: Transaction<'static, Any>,
}

#[async_trait]
impl ImportSession for Importing {
    async fn insert(&mut self, writes: Vec<AssetWrite>) -> Result<Vec<Asset>, StoreError> {
        let mut out = Vec::with_capacity(writes.len());
        for w in &writes {
            out.push(crate::assets::insert_row(&mut self.tx, &w.asset).await?);
        }
        crate::bulk::insert_histories(&mut self.tx, &writes, &out, summary).await?;
        Ok(out)
    }

    async fn asset(&mut self, id: AssetId) -> Result<Asset, StoreError> {
        let row = sqlx::query(sql!("SELECT {ASSET_COLUMNS} FROM assets WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(map_err)?;
        crate::rows::asset(&row)
    }

    async fn update(&mut self, write: AssetWrite, expected_version: i64) -> Result<Asset, StoreError> {
        update_in(&mut self.tx, &write, expected_version).await
    }

    async fn settle(&mut self, id: AssetId, body: &str, links: &[AssetId]) -> Result<(), StoreError> {
        let row = sqlx::query(sql!("UPDATE assets SET body = $1, links = $2 WHERE id = $3 RETURNING {ASSET_COLUMNS}"))
            .bind(body)
            .bind(to_json(&links))
            .bind(id)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(map_err)?;
        let asset = crate::rows::asset(&row)?;
        sqlx::query("UPDATE asset_versions SET snapshot = $1 WHERE asset_id = $2 AND version = $3")
            .bind(kept_snapshot(VersionEvent::Updated, &asset))
            .bind(asset.id)
            .bind(asset.version)
            .execute(&mut *self.tx)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn add_file(&mut self, asset_id: AssetId, name: &str, media_type: &str, bytes: &[u8]) -> Result<i64, StoreError> {
        let row =
            sqlx::query("INSERT INTO asset_files (asset_id, name, media_type, bytes, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(asset_id)
                .bind(name)
                .bind(media_type)
                .bind(bytes)
                .bind(now_ms())
                .fetch_one(&mut *self.tx)
                .await
                .map_err(map_err)?;
        row.try_get("id").map_err(map_err)
    }

    async fn remember(&mut self, sources: &[ImportSource]) -> Result<(), StoreError> {
        let now = now_ms();
        for chunk in sources.chunks(PER_QUERY / 4) {
            let rows: Vec<String> =
                (0..chunk.len()).map(|i| format!("(${}, ${}, ${}, ${})", i * 4 + 1, i * 4 + 2, i * 4 + 3, i * 4 + 4)).collect();
            let mut q = sqlx::query(sql!(
                "INSERT INTO import_sources (source_key, asset_id, content_hash, imported_at) VALUES {} \
                 ON CONFLICT (source_key) DO UPDATE SET asset_id = excluded.asset_id, content_hash = excluded.content_hash, \
                 imported_at = excluded.imported_at",
                rows.join(", ")
            ));
            for s in chunk {
                q = q.bind(s.key.as_str()).bind(s.asset_id).bind(s.content_hash.as_str()).bind(now);
            }
            q.execute(&mut *self.tx).await.map_err(map_err)?;
        }
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(map_err)
    }
}
