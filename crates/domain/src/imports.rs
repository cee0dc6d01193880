//! Imports from other systems: what each made, and the one transaction an import is
//! written in, however many batches it takes.
use async_trait::async_trait;

use crate::StoreError;
use crate::assets::Asset;
use crate::ids::AssetId;
use crate::ports::AssetWrite;

/// A page or document of another system that an import made into an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    /// The source's own key, e.g. `confluence:OPS:65539`.
    pub key: String,
    /// The asset it became.
    pub asset_id: AssetId,
    /// A hash of what was imported, to tell whether it changed since.
    pub content_hash: String,
}

/// An asset that already exists with the same title as something being imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleMatch {
    /// The existing asset.
    pub asset_id: AssetId,
    /// Its title.
    pub title: String,
}

/// An image kept with an asset, as imported with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFile {
    /// Its id.
    pub id: i64,
    /// The asset whose text shows it.
    pub asset_id: AssetId,
    /// Its name in the source.
    pub name: String,
    /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`.
    pub media_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Store operations for imports from other systems.
#[async_trait]
pub trait KnowledgeImportStore: Send + Sync + 'static {
    /// What earlier imports made of these keys.
    async fn import_sources(&self, keys: &[String]) -> Result<Vec<ImportSource>, StoreError>;
    /// Assets whose titles equal any of `titles`, ignoring case.
    async fn assets_titled(&self, titles: &[String]) -> Result<Vec<TitleMatch>, StoreError>;
    /// An image kept with `asset_id`.
    async fn asset_file(&self, asset_id: AssetId, id: i64) -> Result<AssetFile, StoreError>;
    /// Starts the one transaction an import is written in.
    async fn begin_import(&self) -> Result<Box<dyn ImportSession>, StoreError>;
}

/// An import in progress: nothing is visible to anyone until `commit`, and dropping it
/// without committing leaves the database as it was.
#[async_trait]
pub trait ImportSession: Send {
    /// Inserts new assets with their first version, audit entries and change-log entries.
    async fn insert(&mut self, writes: Vec<AssetWrite>) -> Result<Vec<Asset>, StoreError>;
    /// An asset as this import sees it.
    async fn asset(&mut self, id: AssetId) -> Result<Asset, StoreError>;
    /// Updates an asset if it is still at `expected_version`, as any edit does.
    async fn update(&mut self, write: AssetWrite, expected_version: i64) -> Result<Asset, StoreError>;
    /// Rewrites the body and related links of an asset made or updated by this import in
    /// place, its current version's snapshot included, once the assets they point at exist.
    async fn settle(&mut self, id: AssetId, body: &str, links: &[AssetId]) -> Result<(), StoreError>;
    /// Keeps an image with an asset; returns its id.
    async fn add_file(&mut self, asset_id: AssetId, name: &str, media_type: &str, bytes: &[u8]) -> Result<i64, StoreError>;
    /// Remembers (or updates) what each source key became.
    async fn remember(&mut self, sources: &[ImportSource]) -> Result<(), StoreError>;
    /// Makes everything visible at once.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}
