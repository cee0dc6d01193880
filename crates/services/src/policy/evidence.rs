//! Who may see and work on evidence search requests. A request can hold a clinical
//! question about one patient's care, so it is read only by its requester, the people
//! they named, and the library service.
use signpost_domain::evidence::{EvidenceRequest, RequestState};
use signpost_domain::people::{Actor, Role};

use crate::ServiceError;

fn library(actor: &Actor) -> bool {
    matches!(actor.role, Role::KnowledgeSpecialist | Role::Admin)
}

/// Whether `actor` may read `request`.
pub fn can_see_request(actor: &Actor, request: &EvidenceRequest) -> bool {
    request.requester_id == actor.user_id || request.shared_with.contains(&actor.user_id) || library(actor)
}

/// Fails with not-found unless `actor` may read `request`, so nothing leaks about it.
pub fn ensure_can_see_request(actor: &Actor, request: &EvidenceRequest) -> Result<(), ServiceError> {
    if can_see_request(actor, request) { Ok(()) } else { Err(ServiceError::NotFound(format!("evidence request {}", request.id))) }
}

/// Whether `actor` may take a waiting request: any knowledge specialist or admin.
pub fn can_take_request(actor: &Actor, request: &EvidenceRequest) -> bool {
    library(actor) && request.state == RequestState::Submitted
}

/// Whether `actor` may record searches, write the summary and deliver: the specialist
/// who took the request, or an admin standing in.
pub fn can_work_on_request(actor: &Actor, request: &EvidenceRequest) -> bool {
    request.state == RequestState::Taken && (request.specialist_id == Some(actor.user_id) || actor.role == Role::Admin)
}

/// Fails unless `actor` may work on `request` now.
pub fn ensure_can_work_on_request(actor: &Actor, request: &EvidenceRequest) -> Result<(), ServiceError> {
    ensure_can_see_request(actor, request)?;
    if can_work_on_request(actor, request) {
        Ok(())
    } else if request.state != RequestState::Taken {
        Err(ServiceError::Conflict(format!("the request is {}, not being searched", request.state.describe().to_lowercase())))
    } else {
        Err(ServiceError::Forbidden("only the specialist who took the request can work on it".into()))
    }
}

/// Whether `actor` may withdraw `request`: its requester, before it is delivered.
pub fn can_withdraw_request(actor: &Actor, request: &EvidenceRequest) -> bool {
    request.requester_id == actor.user_id && matches!(request.state, RequestState::Submitted | RequestState::Taken)
}

/// Whether `actor` may answer the follow-up: the requester, once asked and not yet answered.
pub fn can_answer_follow_up(actor: &Actor, request: &EvidenceRequest) -> bool {
    request.requester_id == actor.user_id && request.follow_up.as_ref().is_some_and(|f| f.impact_id.is_none())
}
