//! Opening, writing and rebuilding the index on disk.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, RwLock};

use signpost_domain::assets::Asset;
use signpost_domain::ports::{Embedding, SearchError, SearchIndex};
use signpost_domain::search::{SearchRequest, SearchResults, Suggestion, SynonymGroup, TextMatch};
use signpost_domain::visibility::Condition;
use signpost_domain::{AssetId, Timestamp};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use crate::columns::ColumnCache;
use crate::fields::{Fields, SCHEMA_VERSION};
use crate::query::Synonyms;
use crate::tuning::Tuning;
use crate::vectors::Vectors;
use crate::visibility::VisibleSets;

const WRITER_HEAP: usize = 64 * 1024 * 1024;

/// The Tantivy index of one node.
pub struct TantivyIndex {
    pub(crate) fields: Fields,
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    /// Empty only while `compact` swaps it for a fresh one.
    writer: Mutex<Option<IndexWriter>>,
    pub(crate) synonyms: RwLock<Synonyms>,
    pub(crate) tuning: Tuning,
    /// Assets' embeddings; kept in memory only, reloaded from the store at start-up.
    pub(crate) vectors: RwLock<Vectors>,
    /// Per-segment arrays of the values searches filter, sort and count by.
    pub(crate) columns: ColumnCache,
    /// Per-segment bitsets of what each recent asker may see.
    pub(crate) visible: VisibleSets,
    applied: AtomicI64,
    path: Option<PathBuf>,
}

fn index_err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Index(e.to_string())
}

/// What the index records with each commit.
fn payload(change: i64) -> String {
    format!("{{\"schema\":{SCHEMA_VERSION},\"change\":{change}}}")
}

fn read_payload(index: &Index) -> Option<i64> {
    let metas = index.load_metas().ok()?;
    let v: serde_json::Value = serde_json::from_str(metas.payload.as_deref()?).ok()?;
    (v["schema"].as_u64()? == u64::from(SCHEMA_VERSION)).then_some(v["change"].as_i64()?)
}

impl TantivyIndex {
    /// Opens the index in `dir`, or creates an empty one there. An index that is
    /// unreadable or from another schema version is deleted and started afresh
    /// (its change position is then 0, so the caller rebuilds it from the store).
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        let fields = Fields::new();
        std::fs::create_dir_all(dir).map_err(index_err)?;
        let existing = MmapDirectory::open(dir).ok().and_then(|d| Index::open(d).ok()).filter(|i| read_payload(i).is_some());
        let index = match existing {
            Some(i) if i.schema() == fields.schema => i,
            other => {
                if other.is_some() || std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false) {
                    tracing::warn!(dir = %dir.display(), "search index unreadable or outdated: rebuilding it");
                }
                std::fs::remove_dir_all(dir).map_err(index_err)?;
                std::fs::create_dir_all(dir).map_err(index_err)?;
                Index::create_in_dir(dir, fields.schema.clone()).map_err(index_err)?
            }
        };
        Self::from_index(index, fields, Some(dir.to_path_buf()), Tuning::default())
    }

    /// An index held in memory only (tests and benchmarks).
    pub fn in_memory() -> Result<Self, SearchError> {
        Self::in_memory_tuned(Tuning::default())
    }

    /// An in-memory index analysing and weighting text as `tuning` says (relevance evaluation).
    pub fn in_memory_tuned(tuning: Tuning) -> Result<Self, SearchError> {
        let fields = Fields::new();
        let index = Index::create_in_ram(fields.schema.clone());
        Self::from_index(index, fields, None, tuning)
    }

    fn from_index(index: Index, fields: Fields, path: Option<PathBuf>, tuning: Tuning) -> Result<Self, SearchError> {
        tuning.register(&index);
        let applied = read_payload(&index).unwrap_or(0);
        let writer = index.writer(WRITER_HEAP).map_err(index_err)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(index_err)?;
        Ok(TantivyIndex {
            fields,
            index,
            reader,
            writer: Mutex::new(Some(writer)),
            synonyms: RwLock::new(Synonyms::default()),
            tuning,
            vectors: RwLock::new(Vectors::default()),
            columns: ColumnCache::default(),
            visible: VisibleSets::default(),
            applied: AtomicI64::new(applied),
            path,
        })
    }

    /// Where the index lives, if on disk.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The writer, opened again if a compaction could not open its fresh one.
    fn writer_in<'a>(&self, slot: &'a mut Option<IndexWriter>) -> Result<&'a mut IndexWriter, SearchError> {
        if slot.is_none() {
            *slot = Some(self.index.writer(WRITER_HEAP).map_err(index_err)?);
        }
        Ok(slot.as_mut().expect("filled above"))
    }

    fn commit(&self, writer: &mut IndexWriter, change: i64) -> Result<(), SearchError> {
        let mut prepared = writer.prepare_commit().map_err(index_err)?;
        prepared.set_payload(&payload(change));
        prepared.commit().map_err(index_err)?;
        self.reader.reload().map_err(index_err)?;
        self.applied.store(change, Ordering::SeqCst);
        Ok(())
    }
}

impl SearchIndex for TantivyIndex {
    fn search(&self, request: &SearchRequest, visible: &Condition, now: Timestamp) -> Result<SearchResults, SearchError> {
        crate::results::search(self, request, visible, now)
    }

    fn suggest(&self, prefix: &str, visible: &Condition, limit: usize) -> Result<Vec<Suggestion>, SearchError> {
        crate::results::suggest(self, prefix, visible, limit)
    }

    fn match_texts(&self, query: &str, texts: &[&str]) -> Vec<TextMatch> {
        crate::matching::match_texts(&self.reader.searcher(), &self.fields, query, texts)
    }

    fn apply(&self, upserts: &[Asset], deletes: &[AssetId], change_id: i64) -> Result<(), SearchError> {
        let mut guard = self.writer.lock().map_err(index_err)?;
        let writer = self.writer_in(&mut guard)?;
        for id in deletes.iter().chain(upserts.iter().map(|a| &a.id)) {
            writer.delete_term(Term::from_field_u64(self.fields.id, id.0 as u64));
        }
        for a in upserts {
            writer.add_document(self.fields.document(a)).map_err(index_err)?;
        }
        if !deletes.is_empty() {
            let mut vectors = self.vectors.write().map_err(index_err)?;
            deletes.iter().for_each(|id| vectors.remove(*id));
        }
        self.commit(writer, change_id)
    }

    fn applied_change(&self) -> i64 {
        self.applied.load(Ordering::SeqCst)
    }

    fn clear(&self) -> Result<(), SearchError> {
        let mut guard = self.writer.lock().map_err(index_err)?;
        let writer = self.writer_in(&mut guard)?;
        writer.delete_all_documents().map_err(index_err)?;
        self.commit(writer, 0)
    }

    fn set_synonyms(&self, groups: &[SynonymGroup]) {
        let synonyms = Synonyms::new(self.index.tokenizers(), groups);
        if let Ok(mut s) = self.synonyms.write() {
            *s = synonyms;
        }
    }

    fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn set_vectors(&self, embeddings: Vec<Embedding>) {
        if let Ok(mut v) = self.vectors.write() {
            v.upsert(embeddings);
        }
    }

    fn vector_count(&self) -> usize {
        self.vectors.read().map_or(0, |v| v.len())
    }

    fn compact(&self) -> Result<(), SearchError> {
        let mut guard = self.writer.lock().map_err(index_err)?;
        // Merges the writer started in the background hold some segments; they finish
        // with the old writer, and a fresh one merges everything.
        if let Some(old) = guard.take() {
            old.wait_merging_threads().map_err(index_err)?;
        }
        let writer = self.writer_in(&mut guard)?;
        let segments = self.index.searchable_segment_ids().map_err(index_err)?;
        if segments.len() > 1 {
            writer.merge(&segments).wait().map_err(index_err)?;
        }
        let change = self.applied.load(Ordering::SeqCst);
        self.commit(writer, change)
    }
}
