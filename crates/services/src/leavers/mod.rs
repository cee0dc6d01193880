//! Securing knowledge from movers and leavers: a plan that follows the six steps of
//! the HEE knowledge retention and transfer toolkit, from the leaver's list of
//! knowledge areas to handover notes stored for the team and every holding passed on.
mod areas;
mod handover;
mod work;

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::notifications::Category;
use signpost_domain::people::{Actor, Role, User};
use signpost_domain::retention::{Departure, LeaverPlan, PlanId, STEPS};
use signpost_domain::{FieldError, StoreError, UserId};
use utoipa::ToSchema;

pub(crate) use handover::leaving_notice;
pub use handover::{HandoverInput, HoldingView, Move};
pub use work::{ActionInput, AreaInput, AreaScore, ExchangeLists, OutputInput, ScoresInput, exchange_outline};

use crate::policy::{self, PlanPermissions};
use crate::validate::check_text;
use crate::{ServiceError, Signpost};
use signpost_domain::ids::AssetId;

/// Starting a plan, or changing its people and date.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// Who is leaving or moving.
    pub leaver_id: UserId,
    /// `leaving` or `moving`.
    pub departure: Departure,
    /// Last day in the role, `YYYY-MM-DD`.
    pub leaving_on: String,
    /// The role being left.
    pub role: String,
    /// Who takes over, when known.
    #[serde(default)]
    pub successor_id: Option<UserId>,
    /// Who helps facilitate, when known.
    #[serde(default)]
    pub key_colleague_id: Option<UserId>,
}

/// One of the six steps and whether it is done.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepView {
    /// 1 to 6.
    pub number: usize,
    /// What the step is.
    pub label: &'static str,
    /// Done.
    pub done: bool,
}

/// A plan as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanSummary {
    /// The plan.
    pub plan: LeaverPlan,
    /// The leaver's name.
    pub leaver: String,
    /// Steps done, of six.
    pub steps_done: usize,
    /// Actions done.
    pub actions_done: usize,
    /// Actions in all.
    pub actions_total: usize,
    /// Days to the leaving date (negative once past).
    pub days_left: i64,
}

/// A stored handover note.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutputRef {
    /// The asset.
    #[schema(value_type = i64)]
    pub asset_id: AssetId,
    /// Its title.
    pub title: String,
}

/// A plan as one person sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanView {
    /// The plan.
    pub plan: LeaverPlan,
    /// Names of everyone the plan mentions, by user id (as text, as JSON object keys are).
    #[schema(value_type = HashMap<String, String>)]
    pub names: HashMap<UserId, String>,
    /// The six steps.
    pub steps: Vec<StepView>,
    /// Days to the leaving date (negative once past).
    pub days_left: i64,
    /// Actions done.
    pub actions_done: usize,
    /// Actions in all.
    pub actions_total: usize,
    /// What the leaver still holds and must pass on.
    pub holdings: Vec<HoldingView>,
    /// The handover notes stored so far that the reader may see.
    pub outputs: Vec<OutputRef>,
    /// How many more there are that the reader may not open (they are for the team).
    pub hidden_outputs: usize,
    /// What the reader may do.
    pub may: PlanPermissions,
    /// The knowledge areas the reader may reword, remove or merge.
    pub changeable_areas: Vec<i64>,
    /// What still stands between the plan and closing it.
    pub outstanding: Vec<String>,
}

fn staff(users: &HashMap<UserId, User>, field: &str, id: UserId, errors: &mut Vec<FieldError>) -> bool {
    match users.get(&id) {
        Some(u) if u.role != Role::Guest => true,
        Some(_) => {
            errors.push(FieldError::new(field, "guest accounts cannot take part in a plan"));
            false
        }
        None => {
            errors.push(FieldError::new(field, "choose someone from the organisation"));
            false
        }
    }
}

/// A plan's page; a plan not yet stored (id 0) links to `/leavers/{plan}`, which the
/// store fills in when it saves the plan with its notifications.
pub(crate) fn plan_link(id: PlanId) -> String {
    if id == PlanId(0) { "/leavers/{plan}".to_string() } else { format!("/leavers/{id}") }
}

/// The people a plan tells about changes, except `except`.
pub(crate) fn participants(plan: &LeaverPlan, except: UserId) -> Vec<UserId> {
    let mut out = vec![plan.leaver_id, plan.line_manager_id];
    out.extend(plan.successor_id);
    out.extend(plan.key_colleague_id);
    out.sort_unstable();
    out.dedup();
    out.retain(|u| *u != except);
    out
}

/// The leaver's line manager as their account records it (set by an administrator or
/// the identity provider), never as whoever starts the plan says.
fn recorded_manager(input: &PlanInput, users: &HashMap<UserId, User>, errors: &mut Vec<FieldError>) -> Option<UserId> {
    let leaver = users.get(&input.leaver_id)?;
    match leaver.line_manager_id.and_then(|m| users.get(&m)) {
        Some(manager) if manager.disabled_at.is_none() && manager.role != Role::Guest => Some(manager.id),
        Some(manager) => {
            errors.push(FieldError::new(
                "leaver_id",
                format!(
                    "{}'s recorded line manager, {}, can no longer take part: ask an administrator to record their current one",
                    leaver.name, manager.name
                ),
            ));
            None
        }
        None => {
            errors.push(FieldError::new(
                "leaver_id",
                format!("{} has no line manager recorded: ask an administrator to record one on their account", leaver.name),
            ));
            None
        }
    }
}

fn check_people(input: &PlanInput, users: &HashMap<UserId, User>, errors: &mut Vec<FieldError>) {
    staff(users, "leaver_id", input.leaver_id, errors);
    for (field, id) in [("successor_id", input.successor_id), ("key_colleague_id", input.key_colleague_id)] {
        if let Some(id) = id
            && staff(users, field, id, errors)
            && id == input.leaver_id
        {
            errors.push(FieldError::new(field, "must be someone other than the person leaving"));
        }
    }
}

fn parse_date(text: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match crate::validate::read_date(text) {
        Some(d) => Some(d),
        None => {
            errors.push(FieldError::new("leaving_on", "enter the last day as a real date, like 31 3 2027"));
            None
        }
    }
}

impl Signpost {
    /// Starts a plan for someone leaving or moving: the person themselves, a knowledge
    /// specialist or an admin. One open plan per person (the database holds to it).
    /// The line manager named must accept before they have any say over the plan.
    pub async fn start_plan(&self, actor: &Actor, input: PlanInput) -> Result<LeaverPlan, ServiceError> {
        policy::ensure_staff(actor)?;
        policy::ensure_can_start_plan(actor, input.leaver_id)?;
        let users = self.people_by_id().await?;
        let mut errors = Vec::new();
        check_people(&input, &users, &mut errors);
        let manager = recorded_manager(&input, &users, &mut errors);
        check_text("role", &input.role, true, 200, &mut errors);
        let leaving_on = parse_date(&input.leaving_on, &mut errors);
        let today = Utc::now().date_naive();
        if leaving_on.is_some_and(|d| d < today) {
            errors.push(FieldError::new("leaving_on", "the last day must be today or later"));
        }
        let leaver = users.get(&input.leaver_id);
        let team_id = leaver.and_then(|u| u.team_id);
        if leaver.is_some() && team_id.is_none() {
            errors
                .push(FieldError::new("leaver_id", "they belong to no team, so no team could keep the knowledge: give them a team first"));
        }
        let (Some(leaving_on), Some(team_id), Some(line_manager_id), true) = (leaving_on, team_id, manager, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let now = Utc::now();
        let plan = LeaverPlan {
            id: PlanId(0),
            leaver_id: input.leaver_id,
            departure: input.departure,
            leaving_on,
            role: input.role.trim().to_string(),
            team_id,
            line_manager_id,
            manager_accepted_at: self_accepted(actor, line_manager_id, now),
            successor_id: input.successor_id,
            key_colleague_id: input.key_colleague_id,
            areas: Vec::new(),
            agreed: None,
            handed: Vec::new(),
            reminded_days: None,
            created_by: actor.user_id,
            created_at: now,
            completed_at: None,
            revision: 0,
        };
        let name = &users[&input.leaver_id].name;
        let text = format!("A plan to secure {name}'s knowledge before {leaving_on} has started, and you are part of it");
        let mut notify: Vec<Notification> = participants(&plan, actor.user_id)
            .into_iter()
            .filter(|u| *u != plan.line_manager_id)
            .map(|u| Notification::new(u, text.clone(), plan_link(plan.id), now).about(Category::LeaverPlan))
            .collect();
        notify.extend(manager_request(&plan, actor.user_id, name, now));
        let audit =
            AuditRecord::new(Some(actor.user_id), "leaver_plan.start", format!("started a plan for {name}, leaving on {leaving_on}"));
        let saved = self.store.save_leaver_plan(&plan, &notify, audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict("they already have an open plan: carry on with that one".into()),
            e => e.into(),
        })?;
        Ok(saved)
    }

    /// The named line manager accepts the role; from then on they agree the priorities
    /// and manage the plan.
    pub async fn accept_manager(&self, actor: &Actor, id: PlanId) -> Result<LeaverPlan, ServiceError> {
        let plan = self.readable_plan(actor, id).await?;
        policy::ensure_plan(policy::plan_permissions(actor, &plan).accept_manager, "accept this", "the line manager named on the plan")?;
        self.change_plan(actor, id, "leaver_plan.accept_manager", |plan| {
            if plan.line_manager_id != actor.user_id || plan.manager_accepted_at.is_some() {
                return Err(ServiceError::Conflict("the plan's line manager has changed: reload it".into()));
            }
            plan.manager_accepted_at = Some(Utc::now());
            Ok("accepted being the line manager".into())
        })
        .await
    }

    /// Changes a plan's date, role, successor and key colleague (whoever manages it; the
    /// leaver while the manager has not accepted). The line manager follows the leaver's
    /// account: if an administrator has recorded another since, they take over and must
    /// accept again.
    pub async fn update_plan(&self, actor: &Actor, id: PlanId, input: PlanInput) -> Result<LeaverPlan, ServiceError> {
        let plan = self.readable_plan(actor, id).await?;
        policy::ensure_plan(policy::plan_permissions(actor, &plan).edit, "change the plan", "the line manager or a knowledge specialist")?;
        let users = self.people_by_id().await?;
        let mut errors = Vec::new();
        if input.leaver_id != plan.leaver_id {
            errors.push(FieldError::new("leaver_id", "a plan stays with the person it was started for"));
        }
        check_people(&input, &users, &mut errors);
        let manager = recorded_manager(&input, &users, &mut errors);
        check_text("role", &input.role, true, 200, &mut errors);
        let leaving_on = parse_date(&input.leaving_on, &mut errors);
        let (Some(leaving_on), Some(line_manager_id), true) = (leaving_on, manager, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let new_manager = line_manager_id != plan.line_manager_id;
        let expected_manager = plan.line_manager_id;
        let saved = self
            .change_plan(actor, id, "leaver_plan.update", |plan| {
                if plan.line_manager_id != expected_manager {
                    return Err(ServiceError::Conflict("someone else changed the line manager: reload the plan".into()));
                }
                if plan.leaving_on != leaving_on {
                    plan.reminded_days = None;
                }
                if plan.line_manager_id != line_manager_id {
                    plan.manager_accepted_at = self_accepted(actor, line_manager_id, Utc::now());
                    plan.agreed = None;
                }
                plan.departure = input.departure;
                plan.leaving_on = leaving_on;
                plan.role = input.role.trim().to_string();
                plan.line_manager_id = line_manager_id;
                plan.successor_id = input.successor_id;
                plan.key_colleague_id = input.key_colleague_id;
                Ok(format!("changed the plan for {leaving_on}"))
            })
            .await?;
        if new_manager {
            let name = users.get(&saved.leaver_id).map(|u| u.name.as_str()).unwrap_or("someone");
            self.store.notify(&manager_request(&saved, actor.user_id, name, Utc::now()).into_iter().collect::<Vec<_>>()).await?;
        }
        Ok(saved)
    }

    /// The plans the actor may see, soonest leaving date first; closed plans last.
    pub async fn plans(&self, actor: &Actor) -> Result<Vec<PlanSummary>, ServiceError> {
        policy::ensure_staff(actor)?;
        let users = self.people_by_id().await?;
        let today = Utc::now().date_naive();
        let mut out: Vec<PlanSummary> = self
            .store
            .leaver_plans()
            .await?
            .into_iter()
            .filter(|p| policy::plan_permissions(actor, p).view)
            .map(|plan| PlanSummary {
                leaver: users.get(&plan.leaver_id).map(|u| u.name.clone()).unwrap_or_default(),
                steps_done: plan.steps_done().iter().filter(|d| **d).count(),
                actions_done: plan.action_progress().0,
                actions_total: plan.action_progress().1,
                days_left: plan.days_left(today),
                plan,
            })
            .collect();
        out.sort_by_key(|s| (s.plan.completed_at.is_some(), s.plan.leaving_on));
        Ok(out)
    }

    /// One plan with its steps, progress and what the leaver still holds.
    pub async fn plan_view(&self, actor: &Actor, id: PlanId) -> Result<PlanView, ServiceError> {
        let plan = self.readable_plan(actor, id).await?;
        let may = policy::plan_permissions(actor, &plan);
        let users = self.people_by_id().await?;
        let holdings = self.holdings(actor, &plan).await?;
        let mut outputs = Vec::new();
        let mut hidden_outputs = 0;
        for id in plan.actions().filter_map(|(_, x)| x.output_asset_id) {
            match self.store.asset(id).await {
                Ok(a) if policy::can_view(actor, &a) => outputs.push(OutputRef { asset_id: a.id, title: a.title }),
                Ok(_) => hidden_outputs += 1,
                Err(_) => {}
            }
        }
        let done = plan.steps_done();
        let steps = STEPS.iter().zip(done).enumerate().map(|(i, (label, done))| StepView { number: i + 1, label, done }).collect();
        let mut mentioned: Vec<UserId> = vec![plan.leaver_id, plan.line_manager_id, plan.created_by];
        mentioned.extend(plan.successor_id.into_iter().chain(plan.key_colleague_id));
        mentioned.extend(plan.areas.iter().map(|a| a.raised_by));
        mentioned.extend(plan.handed.iter().map(|h| h.to));
        mentioned.extend(plan.agreed.map(|a| a.by));
        let names = mentioned.into_iter().filter_map(|u| users.get(&u).map(|p| (u, p.name.clone()))).collect();
        let outstanding = outstanding(&plan, &holdings);
        let changeable_areas = plan.areas.iter().filter(|a| policy::can_change_area(actor, &plan, a)).map(|a| a.id).collect();
        Ok(PlanView {
            days_left: plan.days_left(Utc::now().date_naive()),
            actions_done: plan.action_progress().0,
            actions_total: plan.action_progress().1,
            plan,
            names,
            steps,
            holdings,
            outputs,
            hidden_outputs,
            may,
            changeable_areas,
            outstanding,
        })
    }

    /// Everyone who may take part in a plan (staff, not guests), by name, for choosing people.
    pub async fn plan_people(&self, actor: &Actor) -> Result<Vec<(UserId, String)>, ServiceError> {
        policy::ensure_staff(actor)?;
        let mut out: Vec<(UserId, String)> =
            self.people_by_id().await?.into_values().filter(|u| u.role != Role::Guest).map(|u| (u.id, u.name)).collect();
        out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        Ok(out)
    }

    /// The people `actor` may start a plan for: themselves, or anyone on the staff for
    /// knowledge specialists and admins.
    pub async fn plan_leavers(&self, actor: &Actor) -> Result<Vec<(UserId, String)>, ServiceError> {
        let mut people = self.plan_people(actor).await?;
        people.retain(|(id, _)| policy::may_start_plan_for(actor, *id));
        Ok(people)
    }

    pub(crate) async fn readable_plan(&self, actor: &Actor, id: PlanId) -> Result<LeaverPlan, ServiceError> {
        policy::ensure_staff(actor)?;
        let plan = self.store.leaver_plan(id).await.map_err(|e| match e {
            StoreError::NotFound => ServiceError::NotFound("the plan".into()),
            e => e.into(),
        })?;
        policy::ensure_can_view_plan(actor, &plan)?;
        Ok(plan)
    }

    /// Reads, changes and saves a plan, trying again from a fresh read if someone else
    /// saved it in between (so two people adding areas at once both keep theirs).
    pub(crate) async fn change_plan(
        &self,
        actor: &Actor,
        id: PlanId,
        action: &str,
        mut change: impl FnMut(&mut LeaverPlan) -> Result<String, ServiceError>,
    ) -> Result<LeaverPlan, ServiceError> {
        for _ in 0..3 {
            let mut plan = self.readable_plan(actor, id).await?;
            let summary = change(&mut plan)?;
            let audit = AuditRecord::new(Some(actor.user_id), action, summary);
            match self.store.save_leaver_plan(&plan, &[], audit).await {
                Err(StoreError::StaleVersion { .. }) => continue,
                other => return Ok(other?),
            }
        }
        Err(ServiceError::Conflict("the plan is changing quickly: reload it and try again".into()))
    }
}

/// A specialist who names themselves line manager has accepted by naming; anyone else must accept.
fn self_accepted(actor: &Actor, manager: UserId, now: chrono::DateTime<Utc>) -> Option<chrono::DateTime<Utc>> {
    (manager == actor.user_id && matches!(actor.role, Role::Admin | Role::KnowledgeSpecialist)).then_some(now)
}

/// Asks the named line manager to accept, unless they already have or named themselves.
fn manager_request(plan: &LeaverPlan, by: UserId, leaver: &str, now: chrono::DateTime<Utc>) -> Option<Notification> {
    (plan.manager_accepted_at.is_none() && plan.line_manager_id != by).then(|| {
        let text = format!("You are named as line manager on the plan to secure {leaver}'s knowledge: accept it to agree its priorities");
        Notification::new(plan.line_manager_id, text, plan_link(plan.id), now).about(Category::LeaverPlan)
    })
}

/// What stands between a plan and closing it, in words.
fn outstanding(plan: &LeaverPlan, holdings: &[HoldingView]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    out.extend(
        STEPS
            .iter()
            .zip(plan.steps_done())
            .enumerate()
            .filter(|(_, (_, done))| !done)
            .map(|(i, (label, _))| format!("Step {}: {}", i + 1, label.to_lowercase())),
    );
    if !holdings.is_empty() {
        let n = holdings.len();
        out.push(format!("{n} {} still with the leaver: pass them on", if n == 1 { "holding" } else { "holdings" }));
    }
    out
}
