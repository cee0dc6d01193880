//! The import itself: everything the dry run planned, from its spool, in one
//! transaction. New assets go in a batch at a time; once every document has its asset,
//! the links between them are pointed at those assets in place.
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Seek};

use chrono::Utc;
use serde::Serialize;
use signpost_domain::assets::{Status, VersionEvent};
use signpost_domain::audit::AuditRecord;
use signpost_domain::fields::AssetFields;
use signpost_domain::ids::AssetId;
use signpost_domain::imports::ImportSource;
use signpost_domain::people::Actor;
use signpost_domain::ports::AssetWrite;
use signpost_domain::{FieldError, StoreError};
use signpost_sources::{Document, LINK_SCHEME, replace_images, replace_placeholders};
use utoipa::ToSchema;

use super::images;
use super::plan::{Entry, OnProgress, input_of};
use super::{Action, ImportPlan, Progress};
use crate::assets::{content_of, new_asset, scan};
use crate::{ServiceError, Signpost, policy};

/// New assets per insert batch.
const BATCH: usize = 200;

/// What an import did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportOutcome {
    /// New assets.
    pub created: usize,
    /// Assets updated from a newer export.
    pub updated: usize,
    /// Assets that already said the same.
    pub unchanged: usize,
}

fn spool_lines(plan: &mut ImportPlan) -> Result<impl Iterator<Item = Result<Document, ServiceError>> + '_, ServiceError> {
    plan.spool.rewind().map_err(|e| ServiceError::caused("the import's spool file could not be read", e))?;
    Ok(BufReader::new(&plan.spool).lines().map(|line| {
        let line = line.map_err(|e| ServiceError::caused("the import's spool file could not be read", e))?;
        serde_json::from_str(&line).map_err(|e| ServiceError::caused("the import's spool file could not be read", e))
    }))
}

fn stale(path: &str, e: StoreError) -> ServiceError {
    match e {
        StoreError::StaleVersion { .. } => ServiceError::Conflict(format!(
            "{path}: its asset was changed while the import ran; nothing was imported, so run the dry run again"
        )),
        StoreError::NotFound => ServiceError::Conflict(format!(
            "{path}: its asset was deleted after the dry run; nothing was imported, so run the dry run again"
        )),
        e => e.into(),
    }
}

impl Signpost {
    /// Imports everything a dry run planned, in one transaction: if anything fails,
    /// nothing is written. `actor` is `None` for the operator.
    pub async fn import_knowledge(
        &self,
        actor: Option<&Actor>,
        mut plan: ImportPlan,
        progress: OnProgress,
    ) -> Result<ImportOutcome, ServiceError> {
        if let Some(a) = actor {
            policy::ensure_specialist(a)?;
        }
        if !plan.report.ready() {
            let first = plan.report.problems.items.first().map_or_else(String::new, |p| format!("{}: {}", p.place, p.detail));
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "file",
                format!("the dry run found {} problem(s), so nothing was imported; the first: {first}", plan.report.problems.total),
            )]));
        }
        let entries = std::mem::take(&mut plan.entries);
        let choices = plan.choices.clone();
        let total = entries.len() as u64;
        let now = Utc::now();
        let mut ids: HashMap<String, AssetId> = entries.iter().filter_map(|e| e.asset_id.map(|id| (e.key.clone(), id))).collect();
        let mut session = self.store.begin_import().await?;
        let mut batch: Vec<(AssetWrite, String)> = Vec::with_capacity(BATCH);
        let mut remembered = Vec::new();
        let mut done = 0u64;
        let hashes = entries_hashes(&entries);
        let actor_id = actor.map(|a| a.user_id);
        {
            let lines = spool_lines(&mut plan)?;
            for (doc, entry) in lines.zip(&entries) {
                let doc = doc?;
                done += 1;
                if done.is_multiple_of(100) || done == total {
                    progress(Progress { phase: "writing", done, total });
                }
                match entry.action {
                    Action::Unchanged => {}
                    Action::Create => {
                        let input = input_of(&doc, &choices);
                        let fields = AssetFields::parse(choices.kind, &input.fields).0;
                        // What it was last changed in its source dates it; the first review is one interval from now.
                        let written = doc.modified.unwrap_or(now).min(now);
                        let mut asset = new_asset(
                            content_of(&input, choices.team_id),
                            fields,
                            entry.owner,
                            choices.team_id,
                            Status::Draft,
                            now,
                            written,
                        );
                        asset.updated_at = written;
                        let audit = AuditRecord::new(actor_id, "asset.import", format!("imported {:?} from {}", asset.title, doc.path));
                        let write = AssetWrite {
                            asset,
                            event: VersionEvent::Created,
                            author_id: entry.owner,
                            note: format!("imported from {}", doc.path),
                            audit,
                        };
                        batch.push((write, doc.key));
                        if batch.len() == BATCH {
                            insert_batch(&mut *session, &mut batch, &mut ids, &hashes, &mut remembered).await?;
                        }
                    }
                    Action::Update => {
                        let id = entry.asset_id.unwrap_or(AssetId(0));
                        let mut asset = session.asset(id).await.map_err(|e| stale(&doc.path, e))?;
                        let expected = asset.version;
                        asset.title = doc.title.trim().to_string();
                        asset.body = doc.body.clone();
                        asset.tags = doc.labels.clone();
                        // Checked in the dry run too; this catches an asset published since.
                        if asset.status == Status::Published && !scan(&asset).is_empty() {
                            return Err(ServiceError::Invalid(vec![FieldError::new(
                                doc.path.clone(),
                                format!("looks like it holds an NHS number, and asset {id} is published; nothing was imported"),
                            )]));
                        }
                        let audit = AuditRecord::new(actor_id, "asset.update", format!("updated {:?} from {}", asset.title, doc.path));
                        let write = AssetWrite {
                            asset,
                            event: VersionEvent::Updated,
                            author_id: entry.owner,
                            note: format!("imported again from {}", doc.path),
                            audit,
                        };
                        session.update(write, expected).await.map_err(|e| stale(&doc.path, e))?;
                        remembered.push(ImportSource { key: entry.key.clone(), asset_id: id, content_hash: entry.hash.clone() });
                    }
                }
            }
        }
        insert_batch(&mut *session, &mut batch, &mut ids, &hashes, &mut remembered).await?;
        self.settle_links(&mut plan, &entries, &ids, &mut *session).await?;
        session.remember(&remembered).await?;
        session.commit().await?;
        self.wrote();
        let outcome = ImportOutcome {
            created: entries.iter().filter(|e| e.action == Action::Create).count(),
            updated: entries.iter().filter(|e| e.action == Action::Update).count(),
            unchanged: entries.iter().filter(|e| e.action == Action::Unchanged).count(),
        };
        self.store
            .record(AuditRecord::new(
                actor_id,
                "import.knowledge",
                format!(
                    "imported a {}: {} created, {} updated, {} unchanged",
                    plan.report.source, outcome.created, outcome.updated, outcome.unchanged
                ),
            ))
            .await?;
        Ok(outcome)
    }

    /// Points every link between documents of the export at the asset it became, and
    /// relates each page to the page it sat under.
    async fn settle_links(
        &self,
        plan: &mut ImportPlan,
        entries: &[Entry],
        ids: &HashMap<String, AssetId>,
        session: &mut dyn signpost_domain::imports::ImportSession,
    ) -> Result<(), ServiceError> {
        let (source, limits) = (plan.source.clone(), plan.limits);
        let mut export = None;
        let lines = spool_lines(plan)?;
        for (doc, entry) in lines.zip(entries) {
            if !entry.settle || entry.action == Action::Unchanged {
                continue;
            }
            let doc = doc?;
            let Some(id) = ids.get(&entry.key).copied() else { continue };
            let mut kept = HashMap::new();
            for path in doc.attachments.iter().filter(|p| images::media_type_by_name(p).is_some()).take(images::PER_DOCUMENT) {
                let opened = match export.take() {
                    Some(e) => e,
                    None => images::open(&source, limits).await?,
                };
                let (opened, image) = images::read(opened, path.clone()).await?;
                export = Some(opened);
                if let Some((media_type, bytes)) = image {
                    let name = path.rsplit(['/', '!']).next().unwrap_or(path);
                    kept.insert(path.clone(), session.add_file(id, name, media_type, &bytes).await?);
                }
            }
            let body = replace_images(&doc.body, |path, alt| match kept.get(path) {
                Some(file) => format!("![{alt}](/assets/{id}/files/{file})"),
                None => format!("\\[Image: {alt}\\]"),
            });
            let body = replace_placeholders(&body, LINK_SCHEME, |key| ids.get(key).map(|id| format!("/assets/{id}")));
            let links: Vec<AssetId> = doc.parent.as_ref().and_then(|p| ids.get(p)).copied().into_iter().collect();
            session.settle(id, &body, &links).await?;
        }
        Ok(())
    }
}

fn entries_hashes(entries: &[Entry]) -> HashMap<&str, &str> {
    entries.iter().map(|e| (e.key.as_str(), e.hash.as_str())).collect()
}

async fn insert_batch(
    session: &mut dyn signpost_domain::imports::ImportSession,
    batch: &mut Vec<(AssetWrite, String)>,
    ids: &mut HashMap<String, AssetId>,
    hashes: &HashMap<&str, &str>,
    remembered: &mut Vec<ImportSource>,
) -> Result<(), ServiceError> {
    if batch.is_empty() {
        return Ok(());
    }
    let (writes, keys): (Vec<AssetWrite>, Vec<String>) = std::mem::take(batch).into_iter().unzip();
    let stored = session.insert(writes).await?;
    for (asset, key) in stored.into_iter().zip(keys) {
        let content_hash = hashes.get(key.as_str()).map(|h| h.to_string()).unwrap_or_default();
        remembered.push(ImportSource { key: key.clone(), asset_id: asset.id, content_hash });
        ids.insert(key, asset.id);
    }
    Ok(())
}
