//! Who may see and do what among profiles, communities, questions, advocates,
//! mentoring and coffee programmes. Staff see communities and their questions;
//! guests see none of this. A profile's details follow its owner's chosen audience.
use signpost_domain::TeamId;
use signpost_domain::coffee::{Programme, ProgrammeScope};
use signpost_domain::communities::{Community, CommunityKind, MemberRole, Membership, Question};
use signpost_domain::people::{Actor, Role, User};
use signpost_domain::profiles::{Profile, ProfileAudience};

use crate::ServiceError;
use signpost_domain::ids::UserId;

fn is_specialist(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::KnowledgeSpecialist)
}

/// Fails for guests: connecting people is for the organisation's staff.
pub fn ensure_staff(actor: &Actor) -> Result<(), ServiceError> {
    if actor.role == Role::Guest {
        Err(ServiceError::Forbidden("guest accounts cannot see communities, profiles, mentoring or coffee programmes".into()))
    } else {
        Ok(())
    }
}

/// Whether `actor` may see the details of `owner`'s profile (skills, interests, band, availability).
pub fn can_see_profile(actor: &Actor, owner: &User, profile: &Profile) -> bool {
    if actor.user_id == owner.id || actor.role == Role::Admin {
        return true;
    }
    match profile.audience {
        ProfileAudience::Everyone => true,
        ProfileAudience::Staff => actor.role != Role::Guest,
        ProfileAudience::Team => actor.role != Role::Guest && owner.team_id.is_some() && actor.own_team() == owner.team_id,
    }
}

/// What of `user`'s account `actor` may read. The person themselves and admins read
/// all of it; guests a name only; staff the work details, and the email address only
/// where the person's profile audience includes them.
pub fn user_as_seen_by(actor: &Actor, user: User, profile: &Profile) -> User {
    if actor.user_id == user.id || actor.role == Role::Admin {
        return user;
    }
    if actor.role == Role::Guest {
        let blank = String::new;
        return User { email: blank(), job_title: blank(), profession: blank(), site: blank(), team_id: None, ..user };
    }
    if can_see_profile(actor, &user, profile) { user } else { User { email: String::new(), ..user } }
}

/// Whether the person `reader` may see the details of `owner`'s profile (for text written to them, such as an introduction).
pub fn user_can_see_profile(reader: &User, owner: &User, profile: &Profile) -> bool {
    let as_actor = Actor { user_id: reader.id, role: reader.role, teams: reader.team_id.into_iter().collect() };
    can_see_profile(&as_actor, owner, profile)
}

/// Whether `actor` coordinates the community of `membership`, or may act as if they did (specialists and admins).
pub fn can_coordinate(actor: &Actor, membership: Option<&Membership>) -> bool {
    is_specialist(actor) || membership.is_some_and(|m| m.role == MemberRole::Coordinator && m.user_id == actor.user_id)
}

/// Fails unless `actor` may run the community.
pub fn ensure_can_coordinate(actor: &Actor, membership: Option<&Membership>) -> Result<(), ServiceError> {
    ensure_staff(actor)?;
    if can_coordinate(actor, membership) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("only the community's coordinators and knowledge specialists can do this".into()))
    }
}

/// Fails unless `actor` may ask in a community: its members (join first).
pub fn ensure_can_ask(actor: &Actor, membership: Option<&Membership>) -> Result<(), ServiceError> {
    ensure_can_contribute_as_staff(actor)?;
    if membership.is_some() || is_specialist(actor) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("join the community to ask a question in it".into()))
    }
}

/// Fails unless `actor` may write answers, comments and votes: any member of staff.
pub fn ensure_can_contribute_as_staff(actor: &Actor) -> Result<(), ServiceError> {
    ensure_staff(actor)?;
    super::ensure_can_contribute(actor)
}

/// Whether `actor` may accept an answer to `question`: its asker, the community's coordinators, specialists.
pub fn can_accept_answer(actor: &Actor, question: &Question, membership: Option<&Membership>) -> bool {
    actor.role != Role::Guest && (question.author_id == actor.user_id || can_coordinate(actor, membership))
}

/// Whether `actor` may change the words of a question, answer or comment `author` wrote:
/// its author only (nobody puts words in someone else's mouth).
pub fn can_edit_post(actor: &Actor, author: UserId) -> bool {
    actor.role != Role::Guest && actor.user_id == author
}

/// Whether `actor` may take down a question, answer or comment `author` wrote: its
/// author, and as moderators the community's coordinators and knowledge specialists.
pub fn can_remove_post(actor: &Actor, author: UserId, membership: Option<&Membership>) -> bool {
    can_edit_post(actor, author) || (actor.role != Role::Guest && can_coordinate(actor, membership))
}

/// Whether `actor` may register `user` as an advocate: specialists and admins anyone, staff themselves.
pub fn can_register_advocate(actor: &Actor, user_id: UserId) -> bool {
    can_register_others(actor) || (actor.role == Role::Member && actor.user_id == user_id)
}

/// Whether `actor` may register `user` as an advocate for `team_id`: specialists for any
/// team; anyone else only for their own team.
pub fn can_advocate_for(actor: &Actor, user: &User, team_id: TeamId) -> bool {
    can_register_others(actor) || (actor.user_id == user.id && user.team_id == Some(team_id))
}

/// Whether anyone may join `community` directly: any community but the advocates', whose
/// members are the registered advocates (registering makes them members).
pub fn can_join_directly(community: &Community) -> bool {
    community.kind != CommunityKind::Advocates
}

/// Whether `actor` may register and remove other people as advocates: specialists and admins.
pub fn can_register_others(actor: &Actor) -> bool {
    is_specialist(actor)
}

/// Whether `actor` may start a coffee programme with this scope: specialists and admins
/// any; a community's coordinators one for their community.
pub fn can_start_programme(actor: &Actor, scope: ProgrammeScope, membership: Option<&Membership>) -> bool {
    is_specialist(actor)
        || (matches!(scope, ProgrammeScope::Community { .. })
            && membership.is_some_and(|m| m.role == MemberRole::Coordinator && m.user_id == actor.user_id))
}

/// Whether `actor` may read what a round was paired from: everyone's do-not-pair choices
/// and seniority bands. Knowledge specialists only; organisers who coordinate a
/// community run rounds without seeing them.
pub fn may_see_pairing_inputs(actor: &Actor) -> bool {
    is_specialist(actor)
}

/// Whether `actor` may run rounds and read the whole report of `programme`: its organiser, specialists and admins.
pub fn can_run_programme(actor: &Actor, programme: &Programme) -> bool {
    is_specialist(actor) || programme.organiser_id == actor.user_id
}

/// Fails unless `actor` may join `programme`: staff, and for a community's programme its members.
pub fn ensure_can_join_programme(actor: &Actor, programme: &Programme, membership: Option<&Membership>) -> Result<(), ServiceError> {
    ensure_can_contribute_as_staff(actor)?;
    match programme.scope {
        ProgrammeScope::Community { .. } if membership.is_none() => {
            Err(ServiceError::Forbidden("this programme is for the members of its community: join the community first".into()))
        }
        _ => Ok(()),
    }
}
