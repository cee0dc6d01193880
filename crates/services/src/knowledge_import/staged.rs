//! Imports started from a page: the uploaded export kept in a temporary folder under
//! its own name (so the dry run's messages name it), its dry run, then the import
//! running in the background while the page shows how far it has got. A staged import
//! lives in this process's memory for an hour and is only ever shown to the person who
//! staged it; behind a load balancer the import pages need sticky sessions.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use signpost_domain::ids::UserId;
use signpost_domain::people::Actor;
use utoipa::ToSchema;

use super::apply::ImportOutcome;
use super::{ImportChoices, ImportPlan, ImportReport, Limits, Progress};
use crate::{ServiceError, Signpost, policy};

/// How long a staged import is kept.
const KEPT_FOR: Duration = Duration::from_secs(60 * 60);
/// Staged imports one person may have at once.
const PER_PERSON: usize = 3;
/// The file types an upload may be, by extension.
pub const ACCEPTED: [&str; 5] = ["zip", "docx", "html", "htm", "md"];

/// Where a staged import has got to.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StageState {
    /// Dry run done; waiting to be confirmed.
    Planned,
    /// Writing.
    Importing {
        /// Documents written.
        done: u64,
        /// Documents in all.
        total: u64,
    },
    /// Done.
    Imported {
        /// What it did.
        outcome: ImportOutcome,
    },
    /// Nothing was imported.
    Failed {
        /// Why.
        message: String,
    },
}

/// A staged import as its owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Staged {
    /// Its id, for its page's address.
    pub id: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// The dry run.
    pub report: ImportReport,
    /// Where it has got to.
    pub state: StageState,
}

struct Stage {
    owner: UserId,
    made: Instant,
    view: Staged,
    plan: Option<ImportPlan>,
    /// The upload; removed when the stage is.
    _folder: tempfile::TempDir,
}

/// The staged imports of this process.
#[derive(Default)]
pub struct Stages(Mutex<HashMap<String, Stage>>);

impl Stages {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Stage>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// An upload's name reduced to something safe to create in a folder, or why it is refused.
pub fn safe_file_name(name: &str) -> Result<String, ServiceError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| c.is_alphanumeric() || " ._-()".contains(*c)).take(120).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    let ext = cleaned.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if cleaned.is_empty() || !ACCEPTED.contains(&ext.as_str()) {
        return Err(ServiceError::invalid("file", "choose a .zip export, or a .docx, .html or .md document"));
    }
    Ok(cleaned)
}

impl Signpost {
    /// Refuses anyone who may not import knowledge.
    pub fn ensure_may_import(&self, actor: &Actor) -> Result<(), ServiceError> {
        policy::ensure_specialist(actor)
    }

    /// A folder to receive an upload into, for [`Signpost::stage_knowledge_import`];
    /// refused to anyone who may not import.
    pub fn import_upload_folder(&self, actor: &Actor) -> Result<tempfile::TempDir, ServiceError> {
        policy::ensure_specialist(actor)?;
        tempfile::tempdir().map_err(|e| ServiceError::caused("a folder for the upload could not be made", e))
    }

    /// Runs the dry run of the export uploaded as `file_name` in `folder`, and keeps it
    /// for its owner to confirm.
    pub async fn stage_knowledge_import(
        &self,
        actor: &Actor,
        folder: tempfile::TempDir,
        file_name: &str,
        choices: ImportChoices,
    ) -> Result<Staged, ServiceError> {
        policy::ensure_specialist(actor)?;
        {
            let mut stages = self.stages.lock();
            stages.retain(|_, s| s.made.elapsed() < KEPT_FOR || matches!(s.view.state, StageState::Importing { .. }));
            if stages.values().filter(|s| s.owner == actor.user_id).count() >= PER_PERSON {
                return Err(ServiceError::Conflict(format!(
                    "you have {PER_PERSON} imports waiting: import or leave them (they are forgotten after an hour) before starting another"
                )));
            }
        }
        let path = folder.path().join(file_name);
        let plan = self.plan_knowledge_import(Some(actor), &path, choices, Limits::default(), Arc::new(|_| {})).await?;
        let id = hex::encode(rand::random::<[u8; 12]>());
        let view = Staged { id: id.clone(), file_name: file_name.to_string(), report: plan.report.clone(), state: StageState::Planned };
        self.stages
            .lock()
            .insert(id, Stage { owner: actor.user_id, made: Instant::now(), view: view.clone(), plan: Some(plan), _folder: folder });
        Ok(view)
    }

    /// A staged import, to the person who staged it.
    pub fn staged_import(&self, actor: &Actor, id: &str) -> Result<Staged, ServiceError> {
        policy::ensure_specialist(actor)?;
        let stages = self.stages.lock();
        match stages.get(id) {
            Some(s) if s.owner == actor.user_id => Ok(s.view.clone()),
            _ => Err(ServiceError::NotFound("that import (imports are forgotten an hour after their dry run)".into())),
        }
    }

    /// Starts the import a dry run planned, in the background; its page shows progress.
    pub fn start_staged_import(&self, actor: &Actor, id: &str) -> Result<Staged, ServiceError> {
        policy::ensure_specialist(actor)?;
        let plan = {
            let mut stages = self.stages.lock();
            let stage = match stages.get_mut(id) {
                Some(s) if s.owner == actor.user_id => s,
                _ => return Err(ServiceError::NotFound("that import (imports are forgotten an hour after their dry run)".into())),
            };
            // Taking the plan out is the claim: a second press of the button finds none.
            let Some(plan) = stage.plan.take() else { return Ok(stage.view.clone()) };
            stage.view.state = StageState::Importing { done: 0, total: plan.report.documents as u64 };
            plan
        };
        let app = self.clone();
        let task_actor = actor.clone();
        let task_id = id.to_string();
        let stages = self.stages.clone();
        let progress_id = id.to_string();
        let progress = Arc::new(move |p: Progress| {
            if let Some(s) = stages.lock().get_mut(&progress_id) {
                s.view.state = StageState::Importing { done: p.done, total: p.total };
            }
        });
        tokio::spawn(async move {
            let state = match app.import_knowledge(Some(&task_actor), plan, progress).await {
                Ok(outcome) => StageState::Imported { outcome },
                Err(e) => StageState::Failed { message: e.to_string() },
            };
            if let Some(s) = app.stages.lock().get_mut(&task_id) {
                s.view.state = state;
                s.made = Instant::now();
            }
        });
        self.staged_import(actor, id)
    }
}
