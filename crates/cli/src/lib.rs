//! The `signpost` binary's library: opening the application from a data directory
//! and database URL, the demo organisation, and the file
//! formats of import and export.
#![warn(missing_docs)]

pub mod demo;
pub mod files;
pub mod knowledge;
pub mod mail;
pub mod sign_on;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use signpost_search::TantivyIndex;
use signpost_services::Signpost;
use signpost_store::Db;

/// Where the data lives.
#[derive(Debug, Clone)]
pub struct Location {
    /// The data directory: the SQLite file (by default) and this node's search index.
    pub data: PathBuf,
    /// The database URL; `None` means `sqlite://DATA/signpost.db`.
    pub database: Option<String>,
}

impl Location {
    /// The database URL in use.
    pub fn database_url(&self) -> String {
        self.database.clone().unwrap_or_else(|| format!("sqlite://{}", self.data.join("signpost.db").display()))
    }

    /// This node's index directory.
    pub fn index_dir(&self) -> PathBuf {
        self.data.join("index")
    }
}

/// Opens the store (applying migrations) and this node's index.
pub async fn open(location: &Location) -> anyhow::Result<(Signpost, Db)> {
    open_with(location, true).await
}

/// Opens the store, and either this node's on-disk index or, for commands that
/// never search (backup, export, accounts, imports), an empty in-memory one, so
/// they run while a server holds the on-disk index. Their writes reach every
/// node's index through the change log.
pub async fn open_with(location: &Location, on_disk_index: bool) -> anyhow::Result<(Signpost, Db)> {
    std::fs::create_dir_all(&location.data).with_context(|| format!("cannot create the data directory {}", location.data.display()))?;
    let url = location.database_url();
    let db = Db::connect(&url).await.with_context(|| format!("cannot open the database {}", redact(&url)))?;
    let index = if on_disk_index { open_index(&location.index_dir())? } else { TantivyIndex::in_memory()? };
    Ok((Signpost::new(Arc::new(db.clone()), Arc::new(index)), db))
}

fn open_index(dir: &Path) -> anyhow::Result<TantivyIndex> {
    TantivyIndex::open(dir).with_context(|| {
        format!(
            "cannot open the search index in {}: if `signpost serve` is running on this data directory, stop it or use the API",
            dir.display()
        )
    })
}

/// A database URL with any password hidden, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
