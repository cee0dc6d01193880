//! Who may see and do what. The only place these decisions are made: the store
//! and the search index receive the [`Condition`] built here and translate it.
mod evidence;
mod leavers;
mod people;
mod programme;
mod webhooks;
pub use evidence::*;
pub use leavers::*;
pub use people::*;
pub use programme::*;
pub use webhooks::*;

use signpost_domain::assets::{Asset, Status, Visibility};
use signpost_domain::learning::{Action, Contribution, Project, Session};
use signpost_domain::people::{Actor, Role};
use signpost_domain::visibility::{AccessView, Condition};

use crate::ServiceError;
use signpost_domain::ids::TeamId;

/// The assets `actor` may see:
/// - admins see everything; owners always see their own assets;
/// - otherwise the status must suit the role (guests: published; members: published
///   or archived; knowledge specialists: drafts too), and the audience must include
///   the actor: public; organisation (not guests); team (members of the asset's team
///   or of a team beneath it); named (the people named on it).
pub fn view_condition(actor: &Actor) -> Condition {
    use Condition::*;
    if actor.role == Role::Admin {
        return Always;
    }
    let statuses = match actor.role {
        Role::Guest => vec![Status::Published],
        Role::Member => vec![Status::Published, Status::Archived],
        Role::KnowledgeSpecialist | Role::Admin => Status::ALL.to_vec(),
    };
    let named = All(vec![VisibilityIn(vec![Visibility::Named]), NamedViewer(actor.user_id)]);
    let audience = if actor.role == Role::Guest {
        Any(vec![VisibilityIn(vec![Visibility::Public]), named])
    } else {
        Any(vec![
            VisibilityIn(vec![Visibility::Public, Visibility::Organisation]),
            All(vec![VisibilityIn(vec![Visibility::Team]), TeamIn(actor.teams.clone())]),
            named,
        ])
    };
    Any(vec![OwnerIs(actor.user_id), All(vec![StatusIn(statuses), audience])])
}

/// Whether `actor` may see `asset`.
pub fn can_view(actor: &Actor, asset: &Asset) -> bool {
    view_condition(actor).matches(asset.into())
}

/// Fails with not-found (so nothing leaks about its existence) unless `actor` may see `asset`.
pub fn ensure_can_view(actor: &Actor, asset: &Asset) -> Result<(), ServiceError> {
    if can_view(actor, asset) { Ok(()) } else { Err(ServiceError::NotFound(format!("asset {}", asset.id))) }
}

/// Whether `actor` may change `asset`: anyone but a guest who can see it and either
/// owns it, belongs to its team, or is a knowledge specialist or admin.
pub fn can_edit(actor: &Actor, asset: &Asset) -> bool {
    can_view(actor, asset)
        && match actor.role {
            Role::Admin | Role::KnowledgeSpecialist => true,
            Role::Member => asset.owner_id == actor.user_id || actor.own_team() == Some(asset.team_id),
            Role::Guest => false,
        }
}

/// Fails unless `actor` may change `asset`.
pub fn ensure_can_edit(actor: &Actor, asset: &Asset) -> Result<(), ServiceError> {
    ensure_can_view(actor, asset)?;
    if can_edit(actor, asset) { Ok(()) } else { Err(ServiceError::Forbidden("you can view this asset but not change it".into())) }
}

/// Whether `actor` may open an earlier version of `current`, which stood as `then`:
/// whoever could have read it then, and those who may change it now (its editors and
/// the specialists who answer for it). Content removed before an asset was widened
/// stays with the people who could see it.
pub fn can_read_version(actor: &Actor, current: &Asset, then: AccessView<'_>) -> bool {
    can_edit(actor, current) || (can_view(actor, current) && view_condition(actor).matches(then))
}

/// Fails for guests, who may only read.
pub fn ensure_can_contribute(actor: &Actor) -> Result<(), ServiceError> {
    if actor.role == Role::Guest { Err(ServiceError::Forbidden("guest accounts are read-only".into())) } else { Ok(()) }
}

/// Fails unless `actor` is an admin.
pub fn ensure_admin(actor: &Actor) -> Result<(), ServiceError> {
    if actor.role == Role::Admin { Ok(()) } else { Err(ServiceError::Forbidden("only administrators can do this".into())) }
}

/// Fails unless `actor` is a knowledge specialist or an admin.
pub fn ensure_specialist(actor: &Actor) -> Result<(), ServiceError> {
    match actor.role {
        Role::Admin | Role::KnowledgeSpecialist => Ok(()),
        _ => Err(ServiceError::Forbidden("only knowledge specialists and administrators can do this".into())),
    }
}

/// Whether `actor` may place an asset in `team_id`: their own team or one above it,
/// or any team for specialists and admins.
pub fn may_file_in_team(actor: &Actor, team_id: TeamId) -> bool {
    matches!(actor.role, Role::Admin | Role::KnowledgeSpecialist) || actor.teams.contains(&team_id)
}

/// Whether `actor` may publish despite a probable NHS number, giving a reason.
pub fn may_override_identifier_guard(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::KnowledgeSpecialist)
}

/// Projects, sessions and actions are the organisation's working record: every member
/// sees them (lessons are assets and keep their own audience). Guests see none.
pub fn ensure_can_see_learning(actor: &Actor) -> Result<(), ServiceError> {
    if actor.role == Role::Guest { Err(ServiceError::Forbidden("guest accounts cannot see projects and sessions".into())) } else { Ok(()) }
}

/// Whether `actor` may change a project: its creator, members of its own team (not of
/// every team beneath it: a directorate's project is not every ward's to run),
/// specialists and admins.
pub fn can_edit_project(actor: &Actor, project: &Project) -> bool {
    match actor.role {
        Role::Admin | Role::KnowledgeSpecialist => true,
        Role::Member => project.created_by == actor.user_id || actor.own_team() == Some(project.team_id),
        Role::Guest => false,
    }
}

/// Fails unless `actor` may change `project`.
pub fn ensure_can_edit_project(actor: &Actor, project: &Project) -> Result<(), ServiceError> {
    ensure_can_see_learning(actor)?;
    if can_edit_project(actor, project) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("only the project's team, its creator and knowledge specialists can change it".into()))
    }
}

/// Whether `actor` may record in a session: whoever runs or attends it, whoever may change its project, specialists and admins.
pub fn can_record_session(actor: &Actor, session: &Session, project: Option<&Project>) -> bool {
    actor.role != Role::Guest
        && (matches!(actor.role, Role::Admin | Role::KnowledgeSpecialist)
            || session.created_by == actor.user_id
            || session.facilitator_id == Some(actor.user_id)
            || session.participants.contains(&actor.user_id)
            || project.is_some_and(|p| can_edit_project(actor, p)))
}

/// Whether `actor` may share a session's private answers with everyone: its facilitator, its creator, specialists and admins.
pub fn can_share_session(actor: &Actor, session: &Session) -> bool {
    matches!(actor.role, Role::Admin | Role::KnowledgeSpecialist)
        || session.created_by == actor.user_id
        || session.facilitator_id == Some(actor.user_id)
}

/// Whether `actor` may name or change a session's facilitator: its creator, its current
/// facilitator, specialists and admins. Recorders may not, since the facilitator decides
/// when everyone's private answers are shared.
pub fn can_change_facilitator(actor: &Actor, session: &Session) -> bool {
    can_share_session(actor, session)
}

/// Whether `actor` may read `contribution`: its author always; everyone else only once the session has shared them.
pub fn can_read_contribution(actor: &Actor, session: &Session, contribution: &Contribution) -> bool {
    contribution.author_id == actor.user_id || session.shared
}

/// Whether `actor` may update or close an action: its owner, its team, specialists and admins.
pub fn can_update_action(actor: &Actor, action: &Action) -> bool {
    match actor.role {
        Role::Admin | Role::KnowledgeSpecialist => true,
        Role::Member => action.owner_id == actor.user_id || actor.teams.contains(&action.team_id),
        Role::Guest => false,
    }
}

/// Whether every member may read `asset`: published to the whole organisation or beyond.
/// Text copied out of an asset into something every member reads must come from such an asset.
pub fn readable_by_every_member(asset: &Asset) -> bool {
    asset.status == Status::Published && matches!(asset.visibility, Visibility::Public | Visibility::Organisation)
}

/// Fails unless `actor` may record in `session` (lessons and actions are recorded there too).
pub fn ensure_can_record_session(actor: &Actor, session: &Session, project: Option<&Project>) -> Result<(), ServiceError> {
    if can_record_session(actor, session, project) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("only the session's facilitator, participants and project team can record in it".into()))
    }
}
