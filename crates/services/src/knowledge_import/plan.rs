//! The dry run: read the export once on a blocking thread, converting and checking each
//! document and spooling it to a temporary file, then look up what earlier imports
//! made, existing assets with the same titles, and the authors among the people here.
use std::collections::{HashMap, HashSet};
use std::io::{BufWriter, Seek, Write};
use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use sha2::{Digest, Sha256};
use signpost_domain::FieldError;
use signpost_domain::assets::Status;
use signpost_domain::fields::AssetFields;
use signpost_domain::ids::{AssetId, UserId};
use signpost_domain::people::{Actor, User};
use signpost_sources::{Document, Export, Limits};

use super::{Action, ImportChoices, ImportPlan, ImportReport, LISTED, PlannedItem, Progress};
use crate::assets::{AssetInput, content_of, new_asset, scan};
use crate::{ServiceError, Signpost, policy};

/// What the plan keeps of each document; its text stays in the spool.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub key: String,
    pub action: Action,
    pub asset_id: Option<AssetId>,
    pub owner: UserId,
    pub hash: String,
    /// It links to other documents of the export, sits under one, or shows images.
    pub settle: bool,
}

/// What the blocking read keeps of each document for the lookups that follow.
struct Read {
    key: String,
    path: String,
    title: String,
    author: Option<String>,
    hash: String,
    settle: bool,
    /// It holds what looks like an NHS number.
    identifiers: bool,
}

pub(super) type OnProgress = Arc<dyn Fn(Progress) + Send + Sync>;

/// The asset input a document becomes under the dry run's choices.
pub(super) fn input_of(doc: &Document, choices: &ImportChoices) -> AssetInput {
    AssetInput {
        body: doc.body.clone(),
        tags: doc.labels.clone(),
        team_id: Some(choices.team_id),
        visibility: Some(choices.visibility),
        review_interval_days: Some(choices.review_interval_days),
        status: Some(Status::Draft),
        ..AssetInput::new(choices.kind, doc.title.clone())
    }
}

fn hash_of(doc: &Document) -> String {
    let mut h = Sha256::new();
    for part in [&doc.title, &doc.body, &doc.labels.join("\u{1f}"), doc.parent.as_deref().unwrap_or_default()] {
        h.update(part.as_bytes());
        h.update([0x1e]);
    }
    hex::encode(h.finalize())
}

fn read_export(
    path: &Path,
    limits: Limits,
    choices: &ImportChoices,
    progress: &OnProgress,
) -> Result<(std::fs::File, Vec<Read>, ImportReport), ServiceError> {
    let mut export = Export::open(path, limits).map_err(|p| ServiceError::Invalid(vec![FieldError::new(p.place, p.message)]))?;
    let listing = export.listing();
    let mut report = ImportReport { source: listing.kind.label().to_string(), documents: listing.documents, ..ImportReport::default() };
    let spool = tempfile::tempfile().map_err(|e| ServiceError::caused("a spool file for the import could not be made", e))?;
    let mut writer = BufWriter::new(spool);
    let mut reads = Vec::with_capacity(listing.documents);
    let mut seen = HashSet::new();
    let mut failed = None;
    let total = listing.documents as u64;
    let now = Utc::now();
    export.read_each(|result| {
        progress(Progress { phase: "reading", done: reads.len() as u64 + report.problems.total as u64, total });
        let doc = match result {
            Ok(doc) => doc,
            Err(p) => return report.problems.push(p.place, p.message),
        };
        if !seen.insert(doc.key.clone()) {
            return report.problems.push(&doc.path, format!("is the same page as another document of the export ({})", doc.key));
        }
        let input = input_of(&doc, choices);
        let content = content_of(&input, choices.team_id);
        for e in content.validate() {
            report.problems.push(format!("{} ({})", doc.path, e.field), e.message);
        }
        let asset =
            new_asset(content, AssetFields::parse(choices.kind, &input.fields).0, UserId(0), choices.team_id, Status::Draft, now, now);
        let findings = scan(&asset);
        let identifiers = !findings.is_empty();
        for f in findings {
            report.identifiers.push(
                format!("{} {} line {} column {}", doc.path, f.field, f.line, f.column),
                format!("looks like an NHS number ({}); the asset stays a draft until it is removed", f.masked),
            );
        }
        report.links_rewritten += doc.internal_links.len();
        for target in &doc.broken_links {
            report.broken_links.push(&doc.path, format!("links to {target:?}, which is not in the export; the link text is kept"));
        }
        for file in &doc.attachments {
            report.attachments.push(&doc.path, format!("uses {file}"));
        }
        for what in &doc.unsupported {
            report.unsupported.push(&doc.path, format!("{what}: kept as its text, without what the macro did"));
        }
        if failed.is_none()
            && let Err(e) = serde_json::to_writer(&mut writer, &doc).map_err(std::io::Error::from).and_then(|()| writer.write_all(b"\n"))
        {
            failed = Some(e);
        }
        reads.push(Read {
            hash: hash_of(&doc),
            settle: !doc.internal_links.is_empty() || doc.parent.is_some() || !doc.attachments.is_empty(),
            identifiers,
            key: doc.key,
            path: doc.path,
            title: doc.title,
            author: doc.author,
        });
    });
    if let Some(e) = failed {
        return Err(ServiceError::caused("the import's spool file could not be written", e));
    }
    let mut spool =
        writer.into_inner().map_err(|e| ServiceError::caused("the import's spool file could not be written", e.into_error()))?;
    spool.rewind().map_err(|e| ServiceError::caused("the import's spool file could not be read", e))?;
    Ok((spool, reads, report))
}

/// The person an author names: by email, or by a name only one person here has.
fn author_match<'a>(
    author: &str,
    by_email: &'a HashMap<String, &'a User>,
    by_name: &'a HashMap<String, Vec<&'a User>>,
) -> Option<&'a User> {
    let a = author.trim().to_lowercase();
    let email = a.split(['<', '>', ' ']).find(|p| p.contains('@')).unwrap_or(&a);
    by_email.get(email).copied().or_else(|| by_name.get(&a).filter(|us| us.len() == 1).map(|us| us[0]))
}

impl Signpost {
    /// The dry run of an import from another system: reads `path` (a zip, a folder or a
    /// document), and reports what the import would do. Nothing is written.
    pub async fn plan_knowledge_import(
        &self,
        actor: Option<&Actor>,
        path: &Path,
        choices: ImportChoices,
        limits: Limits,
        progress: OnProgress,
    ) -> Result<ImportPlan, ServiceError> {
        if let Some(a) = actor {
            policy::ensure_specialist(a)?;
        }
        let mut invalid = Vec::new();
        if !self.store.teams().await?.iter().any(|t| t.id == choices.team_id) {
            invalid.push(FieldError::new("team", format!("there is no team {}", choices.team_id)));
        }
        if !(1..=3650).contains(&choices.review_interval_days) {
            invalid.push(FieldError::new("review_interval_days", "give a number of days from 1 to 3650"));
        }
        let users = self.every_account().await?;
        let default_owner = match (choices.owner_id, actor) {
            (Some(id), _) if users.iter().any(|u| u.id == id && u.disabled_at.is_none()) => Some(id),
            (Some(id), _) => {
                invalid.push(FieldError::new("owner", format!("there is no active person {id}")));
                None
            }
            (None, Some(a)) => Some(a.user_id),
            (None, None) => {
                invalid.push(FieldError::new("owner", "say who owns what is imported (--owner EMAIL)"));
                None
            }
        };
        if !invalid.is_empty() {
            return Err(ServiceError::Invalid(invalid));
        }
        let default_owner = default_owner.unwrap_or(UserId(0));
        let source = path.to_path_buf();
        let path = source.clone();
        let for_read = choices.clone();
        let (spool, reads, mut report) = tokio::task::spawn_blocking(move || read_export(&path, limits, &for_read, &progress))
            .await
            .map_err(|e| ServiceError::caused("the export could not be read", e))??;

        let keys: Vec<String> = reads.iter().map(|r| r.key.clone()).collect();
        let earlier: HashMap<String, (AssetId, String)> =
            self.store.import_sources(&keys).await?.into_iter().map(|s| (s.key, (s.asset_id, s.content_hash))).collect();
        let new_titles: Vec<String> = reads
            .iter()
            .filter(|r| !earlier.contains_key(&r.key))
            .map(|r| r.title.to_lowercase())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut same_title: HashMap<String, Vec<(AssetId, String)>> = HashMap::new();
        for m in self.store.assets_titled(&new_titles).await? {
            same_title.entry(m.title.to_lowercase()).or_default().push((m.asset_id, m.title));
        }
        let active: Vec<&User> = users.iter().filter(|u| u.disabled_at.is_none()).collect();
        let by_email: HashMap<String, &User> = active.iter().map(|u| (u.email.to_lowercase(), *u)).collect();
        let mut by_name: HashMap<String, Vec<&User>> = HashMap::new();
        for u in &active {
            by_name.entry(u.name.trim().to_lowercase()).or_default().push(u);
        }
        let mut unmatched = HashSet::new();
        let mut entries = Vec::with_capacity(reads.len());
        for r in reads {
            let owner = match r.author.as_deref().filter(|a| !a.trim().is_empty()) {
                Some(author) => match author_match(author, &by_email, &by_name) {
                    Some(u) => {
                        report.authors_matched += 1;
                        u.id
                    }
                    None => {
                        if unmatched.insert(author.to_string()) {
                            report.authors_unmatched.push(&r.path, format!("{author} is not a person here; the default owner gets it"));
                        }
                        default_owner
                    }
                },
                None => default_owner,
            };
            let (action, asset_id) = match earlier.get(&r.key) {
                Some((id, hash)) if *hash == r.hash => (Action::Unchanged, Some(*id)),
                Some((id, _)) => {
                    // An update keeps the asset's status: one that is published must not take on an identifier.
                    if r.identifiers && self.store.asset(*id).await.is_ok_and(|a| a.status == Status::Published) {
                        report.problems.push(&r.path, format!("looks like it holds an NHS number, and would change asset {id}, which is published: remove the number in the source and export again"));
                    }
                    (Action::Update, Some(*id))
                }
                None => {
                    for (id, title) in same_title.get(&r.title.to_lowercase()).into_iter().flatten() {
                        report.duplicates.push(&r.path, format!("has the same title as asset {id}, {title:?}"));
                    }
                    (Action::Create, None)
                }
            };
            match action {
                Action::Create => report.create += 1,
                Action::Update => report.update += 1,
                Action::Unchanged => report.unchanged += 1,
            }
            if report.items.len() < LISTED {
                report.items.push(PlannedItem { path: r.path, title: r.title, action, asset_id });
            }
            entries.push(Entry { key: r.key, action, asset_id, owner, hash: r.hash, settle: r.settle });
        }
        Ok(ImportPlan { report, choices, source, limits, spool, entries })
    }
}
