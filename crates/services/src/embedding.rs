//! Embedding assets in the background, incrementally, and embedding queries, when a
//! model is configured. Without one, or while assets are still being embedded,
//! search works by words alone (unembedded assets rank as their words place them).
use std::sync::Arc;
use std::time::Duration;

use signpost_domain::assets::Asset;
use signpost_domain::ports::{Embedder, Embedding};
use signpost_domain::search::{SearchRequest, SortOrder};

use crate::{ServiceError, Signpost};
use signpost_domain::ids::AssetId;

/// Assets embedded per store round trip.
const EMBED_BATCH: i64 = 32;
/// Embeddings read per page when loading them at start-up.
const LOAD_BATCH: i64 = 5_000;
/// How often the embedder looks for work when nothing woke it.
const IDLE_POLL: Duration = Duration::from_secs(2);

/// The text of an asset that is embedded: what a reader sees first.
pub fn text_of(a: &Asset) -> String {
    [a.title.as_str(), a.summary.as_str(), a.body.as_str()].into_iter().filter(|t| !t.trim().is_empty()).collect::<Vec<_>>().join("\n")
}

/// How far embedding has got on this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddingStatus {
    /// Assets whose embedding this node holds.
    pub embedded: u64,
    /// Assets in this node's index.
    pub documents: u64,
}

impl Signpost {
    /// Ranks searches by meaning as well as words from now on, with `embedder`.
    pub fn with_embedder(mut self, embedder: Arc<dyn Embedder>) -> Self {
        self.embedder = Some(embedder);
        self
    }

    /// The configured model's name, if any.
    pub fn embedding_model(&self) -> Option<&str> {
        self.embedder.as_deref().map(|e| e.model())
    }

    /// Embedded assets against indexed ones; `None` without a model.
    pub fn embedding_status(&self) -> Option<EmbeddingStatus> {
        self.embedder.as_ref()?;
        Some(EmbeddingStatus { embedded: self.index.vector_count() as u64, documents: self.index.doc_count() })
    }

    async fn run_model(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, ServiceError> {
        let Some(embedder) = self.embedder.clone() else { return Ok(Vec::new()) };
        tokio::task::spawn_blocking(move || embedder.embed(&texts.iter().map(String::as_str).collect::<Vec<_>>()))
            .await
            .map_err(|e| ServiceError::caused("the embedding task stopped", e))?
            .map_err(|e| ServiceError::caused("the embedding model failed", e))
    }

    /// Adds the query's embedding to a relevance-ordered text search when a model
    /// is configured and assets have been embedded; a failure leaves it lexical.
    pub(crate) async fn with_query_vector(&self, mut request: SearchRequest) -> SearchRequest {
        let wanted = self.embedder.is_some() && request.sort == SortOrder::Relevance && !request.query.trim().is_empty();
        if !wanted || self.index.vector_count() == 0 {
            return request;
        }
        match self.run_model(vec![request.query.clone()]).await {
            Ok(mut v) => request.vector = v.pop(),
            Err(e) => tracing::warn!(error = %e, "could not embed the query; searching by words alone"),
        }
        request
    }

    /// Embeds the next batch of assets whose embedding is missing or stale and
    /// stores them; returns how many (0: nothing left, or no model).
    pub async fn embed_pending(&self) -> Result<usize, ServiceError> {
        let Some(model) = self.embedding_model().map(str::to_string) else { return Ok(0) };
        let assets = self.store.assets_to_embed(&model, EMBED_BATCH).await?;
        if assets.is_empty() {
            return Ok(0);
        }
        let vectors = self.run_model(assets.iter().map(text_of).collect()).await?;
        let embeddings: Vec<Embedding> =
            assets.iter().zip(vectors).map(|(a, vector)| Embedding { asset_id: a.id, version: a.version, vector }).collect();
        self.store.save_embeddings(&model, &embeddings).await?;
        self.wrote();
        Ok(embeddings.len())
    }

    /// Loads this node's copy of every stored embedding by the configured model.
    pub(crate) async fn load_embeddings(&self) -> Result<(), ServiceError> {
        let Some(model) = self.embedding_model().map(str::to_string) else { return Ok(()) };
        let mut after = 0;
        loop {
            let page = self.store.embeddings_after(&model, AssetId(after), LOAD_BATCH).await?;
            let Some(last) = page.last().map(|e| e.asset_id) else { return Ok(()) };
            after = last.0;
            self.index.set_vectors(page);
        }
    }

    /// Picks up embeddings stored by any node (from the change log).
    pub(crate) async fn refresh_embeddings(&self, ids: &[AssetId]) -> Result<(), ServiceError> {
        let Some(model) = self.embedding_model().map(str::to_string) else { return Ok(()) };
        for chunk in ids.chunks(500) {
            self.index.set_vectors(self.store.embeddings(&model, chunk).await?);
        }
        Ok(())
    }

    /// Embeds assets in the background for as long as the process runs, woken by
    /// local writes and polling for other nodes' (no-op without a model).
    pub fn spawn_embedder(&self) -> Option<tokio::task::JoinHandle<()>> {
        self.embedder.as_ref()?;
        let this = self.clone();
        Some(tokio::spawn(async move {
            loop {
                match this.embed_pending().await {
                    Ok(0) => {
                        tokio::select! {
                            _ = this.embed_wanted.notified() => {}
                            _ = tokio::time::sleep(IDLE_POLL) => {}
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::error!(error = %e, "embedding failed; retrying");
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                }
            }
        }))
    }
}
