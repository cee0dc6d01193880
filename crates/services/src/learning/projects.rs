//! Projects: any piece of work a team learns before, during and after, and the
//! timeline of that learning.
use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::assets::Asset;
use signpost_domain::audit::AuditRecord;
use signpost_domain::learning::{Action, ActionFilter, LessonRecord, Project, ProjectId, ProjectStage, Session};
use signpost_domain::people::Actor;
use signpost_domain::techniques::Stage;
use signpost_domain::{FieldError, StoreError};
use utoipa::ToSchema;

use crate::validate::{check_text, clean_tags, parse_date};
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::TeamId;

/// A project as written by a person.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// Name.
    pub title: String,
    /// What the work is and what it should achieve; the lessons loop reads it.
    #[serde(default)]
    pub description: String,
    /// The team doing it; defaults to the creator's own team.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub team_id: Option<TeamId>,
    /// Labels.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Start date, `YYYY-MM-DD`, or empty.
    #[serde(default)]
    pub starts_on: String,
    /// End date, `YYYY-MM-DD`, or empty.
    #[serde(default)]
    pub ends_on: String,
    /// Stage; defaults to planning.
    #[serde(default)]
    pub stage: Option<ProjectStage>,
}

/// A lesson on a timeline: its record and the asset, when the reader may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LessonEntry {
    /// The lesson's record.
    pub record: LessonRecord,
    /// The lesson itself.
    pub asset: Asset,
}

/// The learning before, during and after a project.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Timeline {
    /// The project.
    pub project: Project,
    /// Sessions by the stage of their technique, each oldest first.
    pub before: Vec<Session>,
    /// Sessions during the work.
    pub during: Vec<Session>,
    /// Sessions after the work.
    pub after: Vec<Session>,
    /// The lessons identified on it that the reader may see.
    pub lessons: Vec<LessonEntry>,
    /// Its actions, soonest due first.
    pub actions: Vec<Action>,
    /// Whether the reader may change it.
    pub can_edit: bool,
}

pub(crate) fn not_found(what: &'static str) -> impl Fn(StoreError) -> ServiceError {
    move |e| match e {
        StoreError::NotFound => ServiceError::NotFound(what.into()),
        e => e.into(),
    }
}

impl Signpost {
    async fn checked_project(&self, actor: &Actor, input: ProjectInput, base: Project) -> Result<Project, ServiceError> {
        let mut errors = Vec::new();
        check_text("title", &input.title, true, 200, &mut errors);
        check_text("description", &input.description, false, 10_000, &mut errors);
        let tags = clean_tags("tags", &input.tags, &mut errors);
        let starts_on = parse_date("starts_on", &input.starts_on, &mut errors);
        let ends_on = parse_date("ends_on", &input.ends_on, &mut errors);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            errors.push(FieldError::new("ends_on", "must not be before the start date"));
        }
        let team_id = input.team_id.or(if base.id == 0 { actor.own_team() } else { Some(base.team_id) });
        match team_id {
            None => errors.push(FieldError::new("team_id", "is required: you are not in a team")),
            Some(t) if !self.store.teams().await?.iter().any(|team| team.id == t) => {
                errors.push(FieldError::new("team_id", format!("there is no team {t}")))
            }
            Some(_) => {}
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        Ok(Project {
            title: input.title.trim().to_string(),
            description: input.description.trim().to_string(),
            team_id: team_id.unwrap_or_default(),
            tags,
            starts_on,
            ends_on,
            stage: input.stage.unwrap_or(base.stage),
            ..base
        })
    }

    /// Creates a project.
    pub async fn create_project(&self, actor: &Actor, input: ProjectInput) -> Result<Project, ServiceError> {
        self.may_plan(actor)?;
        let base = Project {
            id: ProjectId(0),
            title: String::new(),
            description: String::new(),
            team_id: TeamId(0),
            tags: Vec::new(),
            starts_on: None,
            ends_on: None,
            stage: ProjectStage::Planning,
            created_by: actor.user_id,
            created_at: Utc::now(),
        };
        let project = self.checked_project(actor, input, base).await?;
        let audit = AuditRecord::new(Some(actor.user_id), "project.create", format!("created project {:?}", project.title));
        Ok(self.store.save_project(&project, audit).await?)
    }

    /// Changes a project.
    pub async fn update_project(&self, actor: &Actor, id: ProjectId, input: ProjectInput) -> Result<Project, ServiceError> {
        let current = self.editable_project(actor, id).await?;
        let project = self.checked_project(actor, input, current).await?;
        let audit = AuditRecord::new(Some(actor.user_id), "project.update", format!("changed project {:?}", project.title));
        Ok(self.store.save_project(&project, audit).await?)
    }

    /// Fails unless the actor may plan projects and start sessions (asked before showing the empty forms).
    pub fn may_plan(&self, actor: &Actor) -> Result<(), ServiceError> {
        policy::ensure_can_see_learning(actor)?;
        policy::ensure_can_contribute(actor)
    }

    /// One project, for the actor to change: refused unless they may.
    pub async fn editable_project(&self, actor: &Actor, id: ProjectId) -> Result<Project, ServiceError> {
        let project = self.project(actor, id).await?;
        policy::ensure_can_edit_project(actor, &project)?;
        Ok(project)
    }

    /// One project.
    pub async fn project(&self, actor: &Actor, id: ProjectId) -> Result<Project, ServiceError> {
        policy::ensure_can_see_learning(actor)?;
        self.store.project(id).await.map_err(not_found("the project"))
    }

    /// Every project, newest first.
    pub async fn projects(&self, actor: &Actor) -> Result<Vec<Project>, ServiceError> {
        policy::ensure_can_see_learning(actor)?;
        Ok(self.store.projects().await?)
    }

    /// A project with its sessions by stage, the lessons the reader may see, and its actions.
    pub async fn project_timeline(&self, actor: &Actor, id: ProjectId) -> Result<Timeline, ServiceError> {
        let project = self.project(actor, id).await?;
        let techniques = self.techniques(actor).await?;
        let stage_of = |s: &Session| techniques.iter().find(|t| t.key == s.technique_key).map_or(Stage::During, |t| t.stage);
        let (mut before, mut during, mut after) = (Vec::new(), Vec::new(), Vec::new());
        for s in self.store.learning_sessions(Some(id)).await? {
            match stage_of(&s) {
                Stage::Before => before.push(s),
                Stage::During => during.push(s),
                Stage::After => after.push(s),
            }
        }
        let lessons = self.visible_lessons(actor, |r| r.project_id == Some(id)).await?;
        let actions = self.store.actions(&ActionFilter { project_id: Some(id), ..ActionFilter::default() }).await?;
        let can_edit = policy::can_edit_project(actor, &project);
        Ok(Timeline { project, before, during, after, lessons, actions, can_edit })
    }

    /// Lessons whose records match, that the actor may see, oldest first.
    pub(crate) async fn visible_lessons(
        &self,
        actor: &Actor,
        keep: impl Fn(&LessonRecord) -> bool,
    ) -> Result<Vec<LessonEntry>, ServiceError> {
        let mut out = Vec::new();
        for record in self.store.lesson_records(None).await?.into_iter().filter(|r| keep(r)) {
            let asset = self.store.asset(record.asset_id).await?;
            if policy::can_view(actor, &asset) {
                out.push(LessonEntry { record, asset });
            }
        }
        Ok(out)
    }
}
