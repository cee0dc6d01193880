//! Bringing knowledge in from where it lives: a Confluence space export, a Markdown
//! archive or Word and HTML documents. A dry run reads the whole export once,
//! converting each document and keeping it in a spool file (so memory does not grow
//! with the export), and says what would be created and updated, which links were
//! rewritten and which lead nowhere, attachments, unsupported content, probable NHS
//! numbers and duplicates of existing assets. The import then writes everything from
//! the spool in one transaction: all of it, or none of it.
mod apply;
mod images;
mod plan;
mod staged;

pub use apply::ImportOutcome;
pub use staged::{ACCEPTED, StageState, Staged, Stages, safe_file_name};

use std::fs::File;

use serde::Serialize;
use signpost_domain::assets::Visibility;
use signpost_domain::fields::AssetKind;
use signpost_domain::ids::{AssetId, TeamId, UserId};
use utoipa::ToSchema;

pub use signpost_sources::Limits;

/// The most findings of each sort a report lists; the totals are always exact.
pub const LISTED: usize = 200;

/// What every imported item gets, chosen in the dry run.
#[derive(Debug, Clone)]
pub struct ImportChoices {
    /// Kind.
    pub kind: AssetKind,
    /// Team.
    pub team_id: TeamId,
    /// Owner of items whose author is not a person here; `None` is the importer.
    pub owner_id: Option<UserId>,
    /// Days between reviews; the first review falls due this long after the import.
    pub review_interval_days: i32,
    /// Who may see them.
    pub visibility: Visibility,
}

/// How far a dry run or an import has got.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// `reading` or `writing`.
    pub phase: &'static str,
    /// Documents done.
    pub done: u64,
    /// Documents in all.
    pub total: u64,
}

/// Something a report says about one place in the export.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Finding {
    /// The document (and where in it).
    pub place: String,
    /// What.
    pub detail: String,
}

/// Findings of one sort: the first [`LISTED`] and how many there were.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Findings {
    /// The first few.
    pub items: Vec<Finding>,
    /// How many in all.
    pub total: usize,
}

impl Findings {
    pub(crate) fn push(&mut self, place: impl Into<String>, detail: impl Into<String>) {
        self.total += 1;
        if self.items.len() < LISTED {
            self.items.push(Finding { place: place.into(), detail: detail.into() });
        }
    }
}

/// What one document will become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A new asset.
    Create,
    /// The asset an earlier import made of it, updated.
    Update,
    /// The asset an earlier import made of it, which already says this.
    Unchanged,
}

/// One document of the plan.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannedItem {
    /// Where it is in the export.
    pub path: String,
    /// Its title.
    pub title: String,
    /// What will happen.
    pub action: Action,
    /// The asset it updates.
    pub asset_id: Option<AssetId>,
}

/// What a dry run found, and so what the import will do.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ImportReport {
    /// What the export is.
    pub source: String,
    /// Pages or documents in it.
    pub documents: usize,
    /// New assets.
    pub create: usize,
    /// Assets an earlier import made that will be updated.
    pub update: usize,
    /// Assets an earlier import made that already say the same.
    pub unchanged: usize,
    /// Links between documents of the export, pointed at the assets they become.
    pub links_rewritten: usize,
    /// Links into the export that lead nowhere; their text is kept.
    pub broken_links: Findings,
    /// Images and files the documents use: images are kept with their assets.
    pub attachments: Findings,
    /// Content that cannot be carried over faithfully.
    pub unsupported: Findings,
    /// Probable NHS numbers: the identifier guard stops these assets being published until they are removed.
    pub identifiers: Findings,
    /// Existing assets with the same title as a new one.
    pub duplicates: Findings,
    /// Authors matched to people here, who become owners.
    pub authors_matched: usize,
    /// Authors who are not people here; their documents go to the default owner.
    pub authors_unmatched: Findings,
    /// Problems that stop the import: nothing is written while there are any.
    pub problems: Findings,
    /// The first documents of the plan.
    pub items: Vec<PlannedItem>,
}

impl ImportReport {
    /// Whether the import can go ahead.
    pub fn ready(&self) -> bool {
        self.problems.total == 0
    }
}

/// A dry run's result, kept to import from: the report, the converted documents in a
/// spool file, and what each will become.
pub struct ImportPlan {
    /// What it found.
    pub report: ImportReport,
    choices: ImportChoices,
    /// The export, opened again to read the images its documents use.
    source: std::path::PathBuf,
    limits: Limits,
    spool: File,
    entries: Vec<plan::Entry>,
}
