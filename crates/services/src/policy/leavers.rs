//! Who may see and change a leaver's plan. The plan belongs to the people in it
//! (leaver, line manager, successor, key colleague) and the team that keeps the
//! knowledge; knowledge specialists and admins support every plan.
use serde::Serialize;
use signpost_domain::UserId;
use signpost_domain::assets::Asset;
use signpost_domain::communities::Membership;
use signpost_domain::learning::Action;
use signpost_domain::people::{Actor, Role};
use signpost_domain::retention::{KnowledgeArea, LeaverPlan};
use utoipa::ToSchema;

use crate::ServiceError;

fn is_specialist(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::KnowledgeSpecialist)
}

/// What one person may do with one plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanPermissions {
    /// See the plan.
    pub view: bool,
    /// Add knowledge areas (the leaver's own, or the team's).
    pub add_area: bool,
    /// Score the priorities and agree them: the line manager.
    pub agree: bool,
    /// Choose actions from the toolbox, draft the "top 10" lists, mark actions done.
    pub plan_actions: bool,
    /// Store a handover note as an action's output.
    pub record_output: bool,
    /// Change the date, role, successor and key colleague; pass holdings on; close the plan.
    pub manage: bool,
    /// Accept being the plan's line manager: the person named, until they have.
    pub accept_manager: bool,
    /// Change the date, role and people: whoever manages it, and the leaver while the
    /// manager they named has not accepted (so a wrong name can be put right).
    pub edit: bool,
}

/// What `actor` may do with `plan`. Guests may do nothing; a closed plan can only be read.
pub fn plan_permissions(actor: &Actor, plan: &LeaverPlan) -> PlanPermissions {
    if actor.role == Role::Guest {
        return PlanPermissions::default();
    }
    let me = actor.user_id;
    let leaver = plan.leaver_id == me;
    let named_manager = plan.line_manager_id == me;
    // Naming someone line manager gives them nothing until they accept.
    let manager = (named_manager && plan.manager_accepted_at.is_some()) || is_specialist(actor);
    let successor = plan.successor_id == Some(me);
    let colleague = plan.key_colleague_id == Some(me);
    let team = actor.own_team() == Some(plan.team_id);
    let view = leaver || manager || named_manager || successor || colleague || team;
    let open = plan.completed_at.is_none();
    PlanPermissions {
        view,
        add_area: open && view,
        agree: open && manager,
        plan_actions: open && (leaver || manager || colleague || successor),
        record_output: open && (leaver || manager || colleague || successor),
        manage: open && manager,
        accept_manager: open && named_manager && plan.manager_accepted_at.is_none(),
        edit: open && (manager || (leaver && plan.manager_accepted_at.is_none())),
    }
}

/// Whether `actor` may reword, remove or merge `area`: whoever raised it, and the line
/// manager (or a specialist), while the plan is open.
pub fn can_change_area(actor: &Actor, plan: &LeaverPlan, area: &KnowledgeArea) -> bool {
    let may = plan_permissions(actor, plan);
    may.add_area && (area.raised_by == actor.user_id || may.agree)
}

/// Fails unless `actor` may see `plan`; a plan they may not see is reported as missing.
pub fn ensure_can_view_plan(actor: &Actor, plan: &LeaverPlan) -> Result<PlanPermissions, ServiceError> {
    let may = plan_permissions(actor, plan);
    if may.view { Ok(may) } else { Err(ServiceError::NotFound("the plan".into())) }
}

/// Fails unless `allowed`, saying who may do `what`.
pub fn ensure_plan(allowed: bool, what: &str, who: &str) -> Result<(), ServiceError> {
    if allowed { Ok(()) } else { Err(ServiceError::Forbidden(format!("only {who} can {what}"))) }
}

/// Fails unless `actor` may start a plan for `leaver_id`: the person leaving, a
/// knowledge specialist or an admin. Nobody starts a plan for a colleague, which would
/// give them a say over that colleague's knowledge.
pub fn ensure_can_start_plan(actor: &Actor, leaver_id: UserId) -> Result<(), ServiceError> {
    let allowed = actor.role != Role::Guest && (actor.user_id == leaver_id || is_specialist(actor));
    ensure_plan(allowed, "start a plan for someone", "the person leaving, a knowledge specialist or an administrator")
}

/// Whether `actor` may pick `leaver_id` when starting a plan (the people a form offers).
pub fn may_start_plan_for(actor: &Actor, leaver_id: UserId) -> bool {
    ensure_can_start_plan(actor, leaver_id).is_ok()
}

/// Whether `actor`, managing a plan, may pass on a leaver's asset: only one they could
/// change themselves, so a handover never moves what they could not otherwise touch.
pub fn may_pass_on_asset(actor: &Actor, asset: &Asset) -> bool {
    super::can_edit(actor, asset)
}

/// Whether `actor` may pass on a leaver's open action: one they could update themselves.
pub fn may_pass_on_action(actor: &Actor, action: &Action) -> bool {
    super::can_update_action(actor, action)
}

/// Whether `actor` may pass on a community's coordination: one they could run themselves
/// (`membership` is the actor's own in that community).
pub fn may_pass_on_coordination(actor: &Actor, membership: Option<&Membership>) -> bool {
    super::can_coordinate(actor, membership)
}

/// Whether `actor` may pass on an advocate's place: only those who register others as advocates.
pub fn may_pass_on_advocacy(actor: &Actor) -> bool {
    super::can_register_others(actor)
}
