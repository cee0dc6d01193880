//! Sessions: a technique run once, on a project or on its own, recording what its
//! method produces, with participants' private answers kept hidden until shared.
use std::collections::BTreeMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::learning::{Action, ActionFilter, Contribution, Project, RecordValue, Session, SessionId};
use signpost_domain::notifications::Category;
use signpost_domain::people::Actor;
use signpost_domain::techniques::{RecordKind, Technique};
use signpost_domain::{FieldError, UserId};
use utoipa::ToSchema;

use super::projects::{LessonEntry, not_found};
use crate::validate::{check_text, parse_date};
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::ProjectId;

/// The technique whose third question the lessons loop answers before the team meets.
pub const BEFORE_ACTION_REVIEW: &str = "before-action-review";
/// Where a before action review records "what have we or others learned from similar situations?".
pub const BAR_LEARNED_FIELD: &str = "q3";
/// The technique whose members report back at each meeting on the actions of the last.
pub const ACTION_LEARNING: &str = "action-learning-sets";
const MAX_TEXT: usize = 10_000;
const MAX_ENTRIES: usize = 50;
const MAX_ENTRY: usize = 1_000;

/// A session as written by a person. On update, the project and technique stay as they were.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// The project it belongs to, if any.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<ProjectId>,
    /// The technique run, e.g. `after-action-review`.
    #[serde(default)]
    pub technique_key: String,
    /// A name; defaults to the technique's name and the date.
    #[serde(default)]
    pub title: String,
    /// Who facilitates.
    #[serde(default)]
    pub facilitator_id: Option<UserId>,
    /// Who takes part.
    #[serde(default)]
    pub participants: Vec<UserId>,
    /// When, `YYYY-MM-DD`; defaults to today.
    #[serde(default)]
    pub held_on: String,
    /// The technique's fields by key: text, a list of entries (or one per line), or a score.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub record: BTreeMap<String, serde_json::Value>,
    /// Anything else worth keeping.
    #[serde(default)]
    pub notes: String,
}

/// A session as one reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    /// The session.
    pub session: Session,
    /// Its technique.
    pub technique: Technique,
    /// Its project.
    pub project: Option<Project>,
    /// The private answers this reader may read: their own, or everyone's once shared.
    pub contributions: Vec<Contribution>,
    /// Other people's answers not yet shared.
    pub hidden_answers: usize,
    /// Lessons identified in it that the reader may see.
    pub lessons: Vec<LessonEntry>,
    /// Actions agreed in it.
    pub actions: Vec<Action>,
    /// Whether the reader may record in it.
    pub can_record: bool,
    /// Whether the reader may share the private answers.
    pub can_share: bool,
}

fn entries(value: &serde_json::Value) -> Option<Vec<String>> {
    match value {
        serde_json::Value::String(s) => Some(s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()),
        serde_json::Value::Array(items) => items.iter().map(|i| i.as_str().map(|s| s.trim().to_string())).collect(),
        serde_json::Value::Null => Some(Vec::new()),
        _ => None,
    }
}

/// Checks a record against the technique's fields and converts it.
pub(crate) fn parse_record(
    technique: &Technique,
    input: &BTreeMap<String, serde_json::Value>,
    errors: &mut Vec<FieldError>,
) -> BTreeMap<String, RecordValue> {
    let fields = technique.record_fields();
    let mut out = BTreeMap::new();
    for (key, value) in input {
        let at = format!("record.{key}");
        let Some(field) = fields.iter().find(|f| &f.key == key) else {
            let known: Vec<&str> = fields.iter().filter(|f| f.kind != RecordKind::Private).map(|f| f.key.as_str()).collect();
            errors.push(FieldError::new(at, format!("is not a field of {}: expected {}", technique.name, known.join(", "))));
            continue;
        };
        match field.kind {
            RecordKind::Private => {
                errors.push(FieldError::new(at, "is answered by each participant privately, not in the shared record"));
            }
            RecordKind::Text => match value {
                serde_json::Value::String(s) if s.chars().count() > MAX_TEXT => {
                    errors.push(FieldError::new(at, format!("must be {MAX_TEXT} characters or fewer")))
                }
                serde_json::Value::String(s) if !s.trim().is_empty() => {
                    crate::validate::check_identifiers(&at, s, errors);
                    out.insert(key.clone(), RecordValue::Text(s.trim().to_string()));
                }
                serde_json::Value::String(_) | serde_json::Value::Null => {}
                _ => errors.push(FieldError::new(at, "must be text")),
            },
            RecordKind::List => match entries(value) {
                None => errors.push(FieldError::new(at, "must be a list of texts, or text with one entry per line")),
                Some(list) if list.len() > MAX_ENTRIES => errors.push(FieldError::new(at, format!("at most {MAX_ENTRIES} entries"))),
                Some(list) => {
                    if let Some(i) = list.iter().position(|e| e.chars().count() > MAX_ENTRY) {
                        errors.push(FieldError::new(format!("{at}[{i}]"), format!("must be {MAX_ENTRY} characters or fewer")));
                    } else if !list.is_empty() {
                        for (i, entry) in list.iter().enumerate() {
                            crate::validate::check_identifiers(&format!("{at}[{i}]"), entry, errors);
                        }
                        out.insert(key.clone(), RecordValue::List(list.into_iter().filter(|e| !e.is_empty()).collect()));
                    }
                }
            },
            RecordKind::Score => {
                let score = match value {
                    serde_json::Value::Number(n) => n.as_u64(),
                    serde_json::Value::String(s) if s.trim().is_empty() => continue,
                    serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
                    serde_json::Value::Null => continue,
                    _ => None,
                };
                match score {
                    Some(n) if n <= 10 => {
                        out.insert(key.clone(), RecordValue::Score(n as u8));
                    }
                    _ => errors.push(FieldError::new(at, "must be a whole number from 0 to 10")),
                }
            }
        }
    }
    out
}

impl Signpost {
    async fn check_people(&self, field: &str, ids: &[UserId], errors: &mut Vec<FieldError>) -> Result<(), ServiceError> {
        for (i, id) in ids.iter().enumerate() {
            match self.store.user(*id).await {
                Ok(_) => {}
                Err(signpost_domain::StoreError::NotFound) => {
                    errors.push(FieldError::new(format!("{field}[{i}]"), format!("there is no person {id}")))
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Starts a session. A before action review on a project starts with its third
    /// question answered from the lessons loop, and an action learning set with the last
    /// meeting's actions to report back on, for the team to edit.
    pub async fn start_session(&self, actor: &Actor, input: SessionInput) -> Result<Session, ServiceError> {
        self.may_plan(actor)?;
        let mut errors = Vec::new();
        let technique = match self.technique(actor, &input.technique_key).await {
            Ok(t) => Some(t),
            Err(ServiceError::NotFound(_)) => {
                errors.push(FieldError::new("technique_key", format!("there is no technique {:?}", input.technique_key)));
                None
            }
            Err(e) => return Err(e),
        };
        let project = match input.project_id {
            None => None,
            Some(p) => match self.store.project(p).await {
                Ok(p) => Some(p),
                Err(signpost_domain::StoreError::NotFound) => {
                    errors.push(FieldError::new("project_id", format!("there is no project {p}")));
                    None
                }
                Err(e) => return Err(e.into()),
            },
        };
        check_text("title", &input.title, false, 200, &mut errors);
        check_text("notes", &input.notes, false, MAX_TEXT, &mut errors);
        let held_on = parse_date("held_on", &input.held_on, &mut errors).unwrap_or_else(|| Utc::now().date_naive());
        self.check_people("participants", &input.participants, &mut errors).await?;
        self.check_people("facilitator_id", input.facilitator_id.as_slice(), &mut errors).await?;
        let mut record = technique.as_ref().map(|t| parse_record(t, &input.record, &mut errors)).unwrap_or_default();
        let Some(technique) = technique else { return Err(ServiceError::Invalid(errors)) };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        if technique.key == BEFORE_ACTION_REVIEW
            && let Some(p) = &project
            && !record.contains_key(BAR_LEARNED_FIELD)
        {
            // The record is read by every member, so only lessons everyone may read are copied into it.
            let mut lines = Vec::new();
            for s in self.project_suggestions(actor, p.id).await?.lessons {
                if policy::readable_by_every_member(&self.store.asset(s.asset_id).await?) {
                    lines.push(format!("{} (lesson {}): {}", s.title, s.asset_id, s.summary));
                }
            }
            if !lines.is_empty() {
                record.insert(BAR_LEARNED_FIELD.to_string(), RecordValue::Text(lines.join("\n")));
            }
        }
        if technique.key == ACTION_LEARNING
            && let Some(p) = &project
            && !record.contains_key("reported_back")
        {
            let last = self.store.learning_sessions(Some(p.id)).await?.into_iter().rfind(|s| s.technique_key == ACTION_LEARNING);
            if let Some(RecordValue::List(committed)) = last.and_then(|s| s.record.get("actions_committed").cloned()) {
                let to_report = committed.iter().map(|a| format!("{a}: not yet reported")).collect();
                record.insert("reported_back".to_string(), RecordValue::List(to_report));
            }
        }
        let title = if input.title.trim().is_empty() {
            format!("{} on {}", technique.name, held_on.format("%-d %B %Y"))
        } else {
            input.title.trim().to_string()
        };
        let session = Session {
            id: SessionId(0),
            project_id: project.map(|p| p.id),
            technique_key: technique.key.clone(),
            title,
            facilitator_id: input.facilitator_id,
            participants: input.participants,
            held_on,
            record,
            notes: input.notes.trim().to_string(),
            shared: false,
            created_by: actor.user_id,
            created_at: Utc::now(),
        };
        let audit = AuditRecord::new(Some(actor.user_id), "session.create", format!("started {:?}", session.title));
        Ok(self.store.save_learning_session(&session, &[], audit).await?)
    }

    /// Changes what a session recorded (title, people, date, record, notes).
    pub async fn record_session(&self, actor: &Actor, id: SessionId, input: SessionInput) -> Result<Session, ServiceError> {
        let (session, technique, project) = self.session_parts(actor, id).await?;
        policy::ensure_can_record_session(actor, &session, project.as_ref())?;
        let mut errors = Vec::new();
        check_text("title", &input.title, true, 200, &mut errors);
        check_text("notes", &input.notes, false, MAX_TEXT, &mut errors);
        let held_on = parse_date("held_on", &input.held_on, &mut errors).unwrap_or(session.held_on);
        self.check_people("participants", &input.participants, &mut errors).await?;
        self.check_people("facilitator_id", input.facilitator_id.as_slice(), &mut errors).await?;
        let record = parse_record(&technique, &input.record, &mut errors);
        if input.facilitator_id != session.facilitator_id && !policy::can_change_facilitator(actor, &session) {
            return Err(ServiceError::Forbidden(
                "only the session's facilitator, whoever started it and knowledge specialists can change the facilitator".into(),
            ));
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let updated = Session {
            title: input.title.trim().to_string(),
            facilitator_id: input.facilitator_id,
            participants: input.participants,
            held_on,
            record,
            notes: input.notes.trim().to_string(),
            ..session
        };
        let audit = AuditRecord::new(Some(actor.user_id), "session.update", format!("recorded in {:?}", updated.title));
        Ok(self.store.save_learning_session(&updated, &[], audit).await?)
    }

    pub(crate) async fn session_parts(&self, actor: &Actor, id: SessionId) -> Result<(Session, Technique, Option<Project>), ServiceError> {
        policy::ensure_can_see_learning(actor)?;
        let session = self.store.learning_session(id).await.map_err(not_found("the session"))?;
        let technique = self.technique(actor, &session.technique_key).await?;
        let project = match session.project_id {
            Some(p) => Some(self.store.project(p).await?),
            None => None,
        };
        Ok((session, technique, project))
    }

    /// A session as the actor may see it.
    pub async fn learning_session(&self, actor: &Actor, id: SessionId) -> Result<SessionView, ServiceError> {
        let (session, technique, project) = self.session_parts(actor, id).await?;
        let all = self.store.contributions(id).await?;
        let (contributions, hidden): (Vec<Contribution>, Vec<Contribution>) =
            all.into_iter().partition(|c| policy::can_read_contribution(actor, &session, c));
        let lessons = self.visible_lessons(actor, |r| r.session_id == Some(id)).await?;
        let actions = self.store.actions(&ActionFilter { session_id: Some(id), ..ActionFilter::default() }).await?;
        Ok(SessionView {
            can_record: policy::can_record_session(actor, &session, project.as_ref()),
            can_share: policy::can_share_session(actor, &session),
            session,
            technique,
            project,
            contributions,
            hidden_answers: hidden.len(),
            lessons,
            actions,
        })
    }

    /// Every session, oldest first.
    pub async fn learning_sessions(&self, actor: &Actor) -> Result<Vec<Session>, ServiceError> {
        policy::ensure_can_see_learning(actor)?;
        Ok(self.store.learning_sessions(None).await?)
    }

    /// Adds the actor's private answer to one of the session's private fields.
    pub async fn contribute(&self, actor: &Actor, id: SessionId, field: &str, body: &str) -> Result<Contribution, ServiceError> {
        let (session, technique, project) = self.session_parts(actor, id).await?;
        policy::ensure_can_record_session(actor, &session, project.as_ref())?;
        let mut errors = Vec::new();
        if !technique.record_fields().iter().any(|f| f.key == field && f.kind == RecordKind::Private) {
            errors.push(FieldError::new("field", format!("{} has no private question {field:?}", technique.name)));
        }
        check_text("body", body, true, MAX_ENTRY, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let contribution = Contribution {
            id: 0,
            session_id: id,
            field: field.to_string(),
            author_id: actor.user_id,
            body: body.trim().to_string(),
            created_at: Utc::now(),
        };
        let audit = AuditRecord::new(Some(actor.user_id), "session.answer", format!("answered privately in {:?}", session.title));
        Ok(self.store.add_contribution(&contribution, audit).await?)
    }

    /// Shows every participant's private answers to everyone who can see the session.
    pub async fn share_answers(&self, actor: &Actor, id: SessionId) -> Result<Session, ServiceError> {
        let (session, _, _) = self.session_parts(actor, id).await?;
        if !policy::can_share_session(actor, &session) {
            return Err(ServiceError::Forbidden("only the session's facilitator can share the answers".into()));
        }
        if session.shared {
            return Ok(session);
        }
        let shared = Session { shared: true, ..session };
        let audit = AuditRecord::new(Some(actor.user_id), "session.share", format!("shared the answers in {:?}", shared.title));
        let now = Utc::now();
        let text = format!("The answers in {} are shared: see what everyone wrote", shared.title);
        let mut people = shared.participants.clone();
        people.sort_unstable();
        people.dedup();
        let notify: Vec<Notification> = people
            .into_iter()
            .filter(|u| *u != actor.user_id)
            .map(|u| Notification::new(u, text.clone(), format!("/sessions/{id}"), now).about(Category::SessionShared))
            .collect();
        Ok(self.store.save_learning_session(&shared, &notify, audit).await?)
    }
}
