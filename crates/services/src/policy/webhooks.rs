//! Who may register webhook endpoints and read their deliveries. An endpoint is a
//! standing copy of events leaving the organisation, so only admins register them,
//! and a community's coordinators for that community's own questions.
use signpost_domain::communities::{MemberRole, Membership};
use signpost_domain::people::{Actor, Role};
use signpost_domain::webhooks::Endpoint;

use crate::ServiceError;

fn coordinates(actor: &Actor, membership: Option<&Membership>) -> bool {
    actor.role != Role::Guest && membership.is_some_and(|m| m.role == MemberRole::Coordinator && m.user_id == actor.user_id)
}

/// Fails unless `actor` may register an endpoint for `community` (or, without one, for
/// the whole organisation); `membership` is the actor's in that community.
pub fn ensure_may_register_webhook(actor: &Actor, community: bool, membership: Option<&Membership>) -> Result<(), ServiceError> {
    if actor.role == Role::Admin || (community && coordinates(actor, membership)) {
        Ok(())
    } else if community {
        Err(ServiceError::Forbidden("only administrators and the community's coordinators can add webhooks for it".into()))
    } else {
        Err(ServiceError::Forbidden("only administrators can add webhooks for the whole organisation".into()))
    }
}

/// Whether `actor` may see and manage `endpoint`: admins, and the coordinator who
/// registered it while they still coordinate its community.
pub fn may_manage_webhook(actor: &Actor, endpoint: &Endpoint, membership: Option<&Membership>) -> bool {
    actor.role == Role::Admin || (endpoint.community_id.is_some() && endpoint.owner_id == actor.user_id && coordinates(actor, membership))
}
