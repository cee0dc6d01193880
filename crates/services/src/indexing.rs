//! Keeping this node's search index in step with the store by tailing the change log.
use std::time::Duration;

use signpost_domain::ports::AssetQuery;
use signpost_domain::visibility::Condition;

use crate::{ServiceError, Signpost};
use signpost_domain::ids::AssetId;

const CHANGE_BATCH: i64 = 1_000;
const REBUILD_BATCH: i64 = 5_000;
/// Assets read by id in one query.
const ASSETS_PER_READ: usize = 500;
/// How often the change log is polled for other nodes' writes.
pub const POLL: Duration = Duration::from_millis(200);

impl Signpost {
    /// Applies every change-log entry the index has not seen; returns how many.
    pub async fn catch_up(&self) -> Result<usize, ServiceError> {
        let mut applied = 0;
        loop {
            let after = self.index.applied_change();
            let changes = self.store.changes_after(after, CHANGE_BATCH).await?;
            let Some(last) = changes.last().map(|c| c.id) else { return Ok(applied) };
            let mut changed = Vec::new();
            let mut embedded = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for change in changes.iter().rev() {
                match change.entity.as_str() {
                    "asset" if seen.insert(change.entity_id) => changed.push(AssetId(change.entity_id)),
                    "synonyms" if seen.insert(-1) => self.index.set_synonyms(&self.store.synonyms().await?),
                    "embedding" => embedded.push(AssetId(change.entity_id)),
                    _ => {}
                }
            }
            // The changed assets read a few hundred at a time; those gone are deleted.
            let mut upserts = Vec::with_capacity(changed.len());
            for ids in changed.chunks(ASSETS_PER_READ) {
                let query = AssetQuery { ids: Some(ids.to_vec()), limit: ids.len() as i64, ..AssetQuery::default() };
                upserts.extend(self.store.assets(&query, &Condition::Always).await?.items);
            }
            let found: std::collections::HashSet<AssetId> = upserts.iter().map(|a| a.id).collect();
            let deletes: Vec<AssetId> = changed.into_iter().filter(|id| !found.contains(id)).collect();
            self.refresh_embeddings(&embedded).await?;
            let index = self.index.clone();
            tokio::task::spawn_blocking(move || index.apply(&upserts, &deletes, last))
                .await
                .map_err(|e| ServiceError::caused("the indexing task stopped", e))??;
            applied += changes.len();
        }
    }

    /// Rebuilds the index from the store, reporting `(done, total)` as it goes.
    pub async fn rebuild_index(&self, progress: &(dyn Fn(u64, u64) + Send + Sync)) -> Result<u64, ServiceError> {
        // Read the log position first: changes after it are replayed by catch_up, and replays are idempotent.
        let position = self.store.last_change().await?;
        let total = self.store.asset_count().await?.max(0) as u64;
        self.index.clear()?;
        self.index.set_synonyms(&self.store.synonyms().await?);
        let mut done = 0u64;
        let mut after = 0;
        loop {
            let batch = self.store.assets_after(AssetId(after), REBUILD_BATCH).await?;
            let Some(last) = batch.last().map(|a| a.id) else { break };
            after = last.0;
            done += batch.len() as u64;
            let index = self.index.clone();
            tokio::task::spawn_blocking(move || index.apply(&batch, &[], 0))
                .await
                .map_err(|e| ServiceError::caused("the indexing task stopped", e))??;
            progress(done, total);
        }
        self.index.apply(&[], &[], position)?;
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.compact()).await.map_err(|e| ServiceError::caused("the indexing task stopped", e))??;
        self.catch_up().await?;
        Ok(done)
    }

    /// Brings the index up to date at start-up: rebuilt when new, missing or from
    /// another database; otherwise caught up from the change log.
    pub async fn prepare_index(&self, progress: &(dyn Fn(u64, u64) + Send + Sync)) -> Result<(), ServiceError> {
        self.index.set_synonyms(&self.store.synonyms().await?);
        self.load_embeddings().await?;
        let last = self.store.last_change().await?;
        let applied = self.index.applied_change();
        if (applied == 0 && last > 0) || applied > last {
            tracing::info!(applied, last, "rebuilding the search index from the store");
            self.rebuild_index(progress).await?;
        } else {
            self.catch_up().await?;
        }
        Ok(())
    }

    /// Tails the change log for as long as the process runs: woken at once by
    /// local writes, and polling for writes made by other nodes.
    pub fn spawn_indexer(&self) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = this.written.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
                if let Err(e) = this.catch_up().await {
                    tracing::error!(error = %e, "search index could not apply changes; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        })
    }
}
