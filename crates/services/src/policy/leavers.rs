//! Who may see and change a leaver's plan. The plan belongs to the people in it
//! (leaver, line manager, successor, key colleague) and the team that keeps the
//! knowledge; knowledge specialists and admins support every plan.
use serde::Serialize;
use signpost_domain::UserId;
use signpost_domain::people::{Actor, Role};
use signpost_domain::retention::LeaverPlan;
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
}

/// What `actor` may do with `plan`. Guests may do nothing; a closed plan can only be read.
pub fn plan_permissions(actor: &Actor, plan: &LeaverPlan) -> PlanPermissions {
    if actor.role == Role::Guest {
        return PlanPermissions::default();
    }
    let me = actor.user_id;
    let leaver = plan.leaver_id == me;
    let manager = plan.line_manager_id == me || is_specialist(actor);
    let successor = plan.successor_id == Some(me);
    let colleague = plan.key_colleague_id == Some(me);
    let team = actor.own_team() == Some(plan.team_id);
    let view = leaver || manager || successor || colleague || team;
    let open = plan.completed_at.is_none();
    PlanPermissions {
        view,
        add_area: open && view,
        agree: open && manager,
        plan_actions: open && (leaver || manager || colleague || successor),
        record_output: open && (leaver || manager || colleague || successor),
        manage: open && manager,
    }
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

/// Whether `actor` may start a plan for `leaver_id` with `line_manager_id` agreeing it:
/// the leaver, the line manager, or a knowledge specialist.
pub fn ensure_can_start_plan(actor: &Actor, leaver_id: UserId, line_manager_id: UserId) -> Result<(), ServiceError> {
    let allowed = actor.role != Role::Guest && (actor.user_id == leaver_id || actor.user_id == line_manager_id || is_specialist(actor));
    ensure_plan(allowed, "start a plan", "the person leaving, their line manager or a knowledge specialist")
}
