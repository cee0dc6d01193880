//! Lessons: identified in a session, kept as knowledge assets of kind lesson linked
//! to their session and project, and followed from identified to embedded (or
//! rejected with a reason).
use chrono::Utc;
use serde::Deserialize;
use signpost_domain::assets::{Status, Visibility};
use signpost_domain::audit::AuditRecord;
use signpost_domain::fields::AssetKind;
use signpost_domain::learning::{LessonRecord, LessonState};
use signpost_domain::people::Actor;
use signpost_domain::{AssetId, FieldError, StoreError};
use utoipa::ToSchema;

use super::projects::{LessonEntry, not_found};
use crate::assets::AssetInput;
use crate::validate::check_text;
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::SessionId;

/// A lesson as written in a session.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonInput {
    /// The session it comes from.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub session_id: Option<SessionId>,
    /// A short name for the lesson.
    pub title: String,
    /// What was observed.
    pub observation: String,
    /// What it means: the insight.
    #[serde(default)]
    pub insight: String,
    /// What others should do as a result.
    pub recommendation: String,
    /// Context tags: where it applies.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Who may read it; defaults to the whole organisation.
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

/// Moving a lesson along its lifecycle.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonStateChange {
    /// The new state.
    pub state: LessonState,
    /// Why, when rejecting it.
    #[serde(default)]
    pub reason: String,
}

impl Signpost {
    /// Records a lesson: a published knowledge asset of kind lesson, linked to its session and project.
    pub async fn record_lesson(&self, actor: &Actor, input: LessonInput) -> Result<LessonEntry, ServiceError> {
        policy::ensure_can_see_learning(actor)?;
        let mut errors = Vec::new();
        check_text("observation", &input.observation, true, 5_000, &mut errors);
        check_text("insight", &input.insight, false, 5_000, &mut errors);
        check_text("recommendation", &input.recommendation, true, 5_000, &mut errors);
        let (session, project) = match input.session_id {
            None => (None, None),
            Some(s) => match self.store.learning_session(s).await {
                Ok(session) => {
                    let project = match session.project_id {
                        Some(p) => Some(self.store.project(p).await?),
                        None => None,
                    };
                    policy::ensure_can_record_session(actor, &session, project.as_ref())?;
                    (Some(session), project)
                }
                Err(StoreError::NotFound) => {
                    errors.push(FieldError::new("session_id", format!("there is no session {s}")));
                    (None, None)
                }
                Err(e) => return Err(e.into()),
            },
        };
        if !errors.is_empty() {
            // Title and tags are checked with the asset below; report everything found so far first.
            return Err(ServiceError::Invalid(errors));
        }
        let context = match (&project, &session) {
            (Some(p), Some(s)) => format!("{} ({})", p.title, s.title),
            (None, Some(s)) => s.title.clone(),
            _ => "Recorded outside a session".to_string(),
        };
        // The lesson's own context first, then its project's tags; the asset's checks tidy case and repeats.
        let mut tags = input.tags.clone();
        if let Some(p) = &project {
            tags.extend(p.tags.iter().cloned());
        }
        tags.retain(|t| !t.trim().is_empty());
        let (observation, insight, recommendation) = (input.observation.trim(), input.insight.trim(), input.recommendation.trim());
        let mut body = format!("## What we observed\n{observation}\n\n");
        if !insight.is_empty() {
            body.push_str(&format!("## Insight\n{insight}\n\n"));
        }
        body.push_str(&format!("## Recommendation\n{recommendation}\n"));
        if let Some(p) = &project
            && !p.description.is_empty()
        {
            body.push_str(&format!("\n## About the work\n{}\n", p.description));
        }
        let summary = if insight.is_empty() { recommendation } else { insight };
        let asset_input = AssetInput {
            summary: summary.chars().take(2_000).collect(),
            body,
            fields: serde_json::json!({"context": context, "what_happened": observation, "recommendation": recommendation}),
            tags,
            team_id: project.as_ref().map(|p| p.team_id).filter(|t| policy::may_file_in_team(actor, *t)),
            visibility: Some(input.visibility.unwrap_or(Visibility::Organisation)),
            status: Some(Status::Published),
            ..AssetInput::new(AssetKind::Lesson, input.title.trim())
        };
        let write = self.new_asset_write(actor, asset_input).await?;
        let now = Utc::now();
        let record = LessonRecord {
            asset_id: AssetId(0),
            session_id: session.map(|s| s.id),
            project_id: project.map(|p| p.id),
            state: LessonState::Identified,
            rejected_reason: String::new(),
            created_at: now,
            updated_at: now,
            moves: Vec::new(),
        };
        let (asset, record) = self.store.insert_lesson(write, record).await?;
        self.wrote();
        Ok(LessonEntry { record, asset })
    }

    /// A lesson's record, if the actor may see the lesson.
    pub async fn lesson(&self, actor: &Actor, id: AssetId) -> Result<LessonEntry, ServiceError> {
        let asset = self.store.asset(id).await.map_err(not_found("the lesson"))?;
        policy::ensure_can_view(actor, &asset)?;
        let record = self.store.lesson_records(Some(&[id])).await?.pop().ok_or_else(|| ServiceError::NotFound("the lesson".into()))?;
        Ok(LessonEntry { record, asset })
    }

    /// Moves a lesson along its lifecycle; rejecting needs a reason.
    pub async fn set_lesson_state(&self, actor: &Actor, id: AssetId, change: LessonStateChange) -> Result<LessonEntry, ServiceError> {
        let entry = self.lesson(actor, id).await?;
        policy::ensure_can_edit(actor, &entry.asset)?;
        let reason = change.reason.trim();
        let mut errors = Vec::new();
        if change.state == LessonState::Rejected && reason.is_empty() {
            errors.push(FieldError::new("reason", "say why the lesson is rejected"));
        }
        check_text("reason", reason, false, 2_000, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let record = LessonRecord {
            rejected_reason: if change.state == LessonState::Rejected { reason.to_string() } else { String::new() },
            ..entry.record.moved(change.state, actor.user_id, Utc::now())
        };
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "lesson.state",
            format!("lesson {:?} is now {}", entry.asset.title, change.state.label().to_lowercase()),
        );
        self.store.save_lesson_record(&record, audit).await?;
        Ok(LessonEntry { record, asset: entry.asset })
    }

    /// Lessons identified but never learned (neither embedded nor rejected) that the actor may see, oldest first.
    pub async fn unlearned_lessons(&self, actor: &Actor) -> Result<Vec<LessonEntry>, ServiceError> {
        policy::ensure_can_see_learning(actor)?;
        self.visible_lessons(actor, |r| !r.state.is_settled()).await
    }
}
