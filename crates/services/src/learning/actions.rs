//! Actions: who will do what by when, the overdue lists per person and per team,
//! and closing an action with what changed. An action on a lesson moves the lesson
//! along its lifecycle in the same transaction.
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::learning::{Action, ActionFilter, ActionId, ActionStatus, LessonState};
use signpost_domain::notifications::Category;
use signpost_domain::people::{Actor, Team, User};
use signpost_domain::{AssetId, FieldError, StoreError, UserId};
use utoipa::ToSchema;

use super::projects::not_found;
use crate::validate::{check_text, parse_date};
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::{ProjectId, SessionId};

/// An action as agreed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// What will be done.
    pub title: String,
    /// Who will do it; defaults to the person agreeing it.
    #[serde(default)]
    pub owner_id: Option<UserId>,
    /// When it is due, `YYYY-MM-DD`.
    pub due_on: String,
    /// The session it came from.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub session_id: Option<SessionId>,
    /// The project it belongs to; defaults to the session's.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<ProjectId>,
    /// The lesson it acts on.
    #[serde(default)]
    pub lesson_id: Option<AssetId>,
}

/// Closing an action.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseAction {
    /// `done` or `dropped`.
    pub status: ActionStatus,
    /// What changed, or why it will not happen.
    pub outcome: String,
}

/// A person's overdue actions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonOverdue {
    /// The person.
    pub who: User,
    /// Their overdue actions, most overdue first.
    pub actions: Vec<Action>,
}

/// A team's overdue actions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamOverdue {
    /// The team.
    pub who: Team,
    /// Its overdue actions, most overdue first.
    pub actions: Vec<Action>,
}

/// The actions a person needs to see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionBoard {
    /// Today, as the lists were drawn up.
    pub today: NaiveDate,
    /// The reader's open actions, soonest due first.
    pub mine: Vec<Action>,
    /// Overdue actions per person.
    pub overdue_by_person: Vec<PersonOverdue>,
    /// Overdue actions per team.
    pub overdue_by_team: Vec<TeamOverdue>,
}

/// What a person is reminded of when they arrive: their own open actions that are overdue or due within a week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct ActionReminder {
    /// Open and past their due date.
    pub overdue: usize,
    /// Open and due in the next seven days.
    pub due_this_week: usize,
}

impl Signpost {
    /// The reminder shown to `actor` on arrival.
    pub async fn action_reminder(&self, actor: &Actor) -> Result<ActionReminder, ServiceError> {
        if policy::ensure_can_see_learning(actor).is_err() {
            return Ok(ActionReminder { overdue: 0, due_this_week: 0 });
        }
        let today = Utc::now().date_naive();
        let mine = self.store.actions(&ActionFilter { owner_id: Some(actor.user_id), open_only: true, ..ActionFilter::default() }).await?;
        Ok(ActionReminder {
            overdue: mine.iter().filter(|a| a.due_on < today).count(),
            due_this_week: mine.iter().filter(|a| a.due_on >= today && a.due_on <= today + chrono::Duration::days(7)).count(),
        })
    }

    /// Agrees an action. On a lesson that is only identified, the lesson becomes "action agreed".
    pub async fn create_action(&self, actor: &Actor, input: ActionInput) -> Result<Action, ServiceError> {
        policy::ensure_can_see_learning(actor)?;
        policy::ensure_can_contribute(actor)?;
        let mut errors = Vec::new();
        check_text("title", &input.title, true, 300, &mut errors);
        let due_on = parse_date("due_on", &input.due_on, &mut errors);
        if due_on.is_none() && input.due_on.trim().is_empty() {
            errors.push(FieldError::new("due_on", "is required"));
        }
        let owner_id = input.owner_id.unwrap_or(actor.user_id);
        let owner = match self.store.user(owner_id).await {
            Ok(u) => Some(u),
            Err(StoreError::NotFound) => {
                errors.push(FieldError::new("owner_id", format!("there is no person {owner_id}")));
                None
            }
            Err(e) => return Err(e.into()),
        };
        let mut project_id = input.project_id;
        if let Some(s) = input.session_id {
            match self.session_parts(actor, s).await {
                Ok((session, _, project)) => {
                    policy::ensure_can_record_session(actor, &session, project.as_ref())?;
                    project_id = project_id.or(session.project_id);
                }
                Err(ServiceError::NotFound(_)) => errors.push(FieldError::new("session_id", format!("there is no session {s}"))),
                Err(e) => return Err(e),
            }
        }
        if let Some(p) = project_id
            && let Err(e) = self.store.project(p).await
        {
            match e {
                StoreError::NotFound => errors.push(FieldError::new("project_id", format!("there is no project {p}"))),
                e => return Err(e.into()),
            }
        }
        let lesson = match input.lesson_id {
            None => None,
            Some(l) => {
                let record = self.store.lesson_records(Some(&[l])).await?.pop();
                let visible = match self.store.asset(l).await {
                    Ok(a) => policy::can_view(actor, &a),
                    Err(StoreError::NotFound) => false,
                    Err(e) => return Err(e.into()),
                };
                if record.is_none() || !visible {
                    errors.push(FieldError::new("lesson_id", format!("there is no lesson {l} you can see")));
                }
                record.filter(|_| visible)
            }
        };
        let team_id = owner.as_ref().and_then(|o| o.team_id);
        if owner.is_some() && team_id.is_none() {
            errors.push(FieldError::new("owner_id", "this person is not in a team, so the action would count against no one"));
        }
        let (Some(due_on), Some(team_id), true) = (due_on, team_id, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let action = Action {
            id: ActionId(0),
            title: input.title.trim().to_string(),
            owner_id,
            team_id,
            due_on,
            status: ActionStatus::Open,
            session_id: input.session_id,
            project_id,
            lesson_id: input.lesson_id,
            outcome: String::new(),
            reminded_on: None,
            created_at: Utc::now(),
            closed_at: None,
        };
        let lesson =
            lesson.filter(|r| r.state == LessonState::Identified).map(|r| r.moved(LessonState::ActionAgreed, actor.user_id, Utc::now()));
        let audit = AuditRecord::new(Some(actor.user_id), "action.create", format!("agreed action {:?}", action.title));
        let notify: Vec<Notification> = (owner_id != actor.user_id)
            .then(|| {
                let text = format!("You have a new action: {}, due {}", action.title, action.due_on.format("%-d %B %Y"));
                Notification::new(owner_id, text, "/actions", Utc::now()).about(Category::ActionAssigned)
            })
            .into_iter()
            .collect();
        Ok(self.store.save_action(&action, lesson, &notify, audit).await?)
    }

    /// One action.
    pub async fn action(&self, actor: &Actor, id: ActionId) -> Result<Action, ServiceError> {
        policy::ensure_can_see_learning(actor)?;
        self.store.action(id).await.map_err(not_found("the action"))
    }

    /// Closes an action with what changed. When the last open action on a lesson is done, the lesson is "actioned".
    pub async fn close_action(&self, actor: &Actor, id: ActionId, close: CloseAction) -> Result<Action, ServiceError> {
        self.close_action_at(actor, id, close, Utc::now()).await
    }

    /// As [`Signpost::close_action`], recorded as closed `at` (the demo's history; not
    /// offered to the web or the API, where an action closes now).
    pub async fn close_action_at(
        &self,
        actor: &Actor,
        id: ActionId,
        close: CloseAction,
        at: chrono::DateTime<Utc>,
    ) -> Result<Action, ServiceError> {
        let action = self.action(actor, id).await?;
        if !policy::can_update_action(actor, &action) {
            return Err(ServiceError::Forbidden("only the action's owner, their team and knowledge specialists can close it".into()));
        }
        if action.status != ActionStatus::Open {
            return Err(ServiceError::Conflict(format!("the action is already {}", action.status.as_str())));
        }
        let mut errors = Vec::new();
        if close.status == ActionStatus::Open {
            errors.push(FieldError::new("status", "must be done or dropped"));
        }
        let what = if close.status == ActionStatus::Dropped { "why it will not happen" } else { "what changed" };
        if close.outcome.trim().is_empty() {
            errors.push(FieldError::new("outcome", format!("say {what}")));
        }
        check_text("outcome", &close.outcome, false, 5_000, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let closed = Action { status: close.status, outcome: close.outcome.trim().to_string(), closed_at: Some(at), ..action };
        let mut lesson = None;
        if let Some(l) = closed.lesson_id
            && closed.status == ActionStatus::Done
        {
            let others_open = self
                .store
                .actions(&ActionFilter { lesson_id: Some(l), open_only: true, ..ActionFilter::default() })
                .await?
                .iter()
                .any(|a| a.id != closed.id);
            let record = self.store.lesson_records(Some(&[l])).await?.pop();
            lesson = record
                .filter(|r| !others_open && matches!(r.state, LessonState::Identified | LessonState::ActionAgreed))
                .map(|r| r.moved(LessonState::Actioned, actor.user_id, at));
        }
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "action.close",
            format!("{} action {:?}: {}", closed.status.as_str(), closed.title, closed.outcome),
        );
        Ok(self.store.save_action(&closed, lesson, &[], audit).await?)
    }

    /// The reader's open actions and the overdue ones per person and per team.
    pub async fn action_board(&self, actor: &Actor) -> Result<ActionBoard, ServiceError> {
        policy::ensure_can_see_learning(actor)?;
        let today = Utc::now().date_naive();
        let open = self.store.actions(&ActionFilter { open_only: true, ..ActionFilter::default() }).await?;
        let mine = open.iter().filter(|a| a.owner_id == actor.user_id).cloned().collect();
        let overdue: Vec<&Action> = open.iter().filter(|a| a.due_on < today).collect();
        let mut by_person: Vec<PersonOverdue> = Vec::new();
        let mut by_team: Vec<TeamOverdue> = Vec::new();
        let teams = self.store.teams().await?;
        for a in overdue {
            match by_person.iter_mut().find(|g| g.who.id == a.owner_id) {
                Some(g) => g.actions.push(a.clone()),
                None => by_person.push(PersonOverdue { who: self.store.user(a.owner_id).await?, actions: vec![a.clone()] }),
            }
            match by_team.iter_mut().find(|g| g.who.id == a.team_id) {
                Some(g) => g.actions.push(a.clone()),
                None => {
                    if let Some(t) = teams.iter().find(|t| t.id == a.team_id) {
                        by_team.push(TeamOverdue { who: t.clone(), actions: vec![a.clone()] });
                    }
                }
            }
        }
        by_person.sort_by(|a, b| b.actions.len().cmp(&a.actions.len()).then(a.who.name.cmp(&b.who.name)));
        by_team.sort_by(|a, b| b.actions.len().cmp(&a.actions.len()).then(a.who.name.cmp(&b.who.name)));
        Ok(ActionBoard { today, mine, overdue_by_person: by_person, overdue_by_team: by_team })
    }
}
