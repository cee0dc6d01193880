//! Who may see and change the register of critical knowledge, who may record maturity
//! assessments and load models, and who may withdraw impact statements. Assessments
//! themselves are open to all staff: they exist to share what works.
use std::collections::HashSet;

use signpost_domain::TeamId;
use signpost_domain::impact::ImpactStatement;
use signpost_domain::people::{Actor, Role, Team};

use crate::ServiceError;

fn is_specialist(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::KnowledgeSpecialist)
}

/// `team` and every team beneath it.
fn with_descendants(teams: &[Team], team: TeamId) -> HashSet<TeamId> {
    let mut out = HashSet::from([team]);
    loop {
        let children: Vec<TeamId> = teams.iter().filter(|t| t.parent_id.is_some_and(|p| out.contains(&p))).map(|t| t.id).collect();
        let before = out.len();
        out.extend(children);
        if out.len() == before {
            return out;
        }
    }
}

/// Teams whose entries in the register `actor` may see and change: every team for
/// specialists and admins; otherwise their own team and those beneath it (team leads).
pub fn register_teams(actor: &Actor, teams: &[Team]) -> HashSet<TeamId> {
    if actor.role == Role::Guest {
        HashSet::new()
    } else if is_specialist(actor) {
        teams.iter().map(|t| t.id).collect()
    } else {
        actor.own_team().map(|t| with_descendants(teams, t)).unwrap_or_default()
    }
}

/// The teams whose people may be named as holders of a critical area filed in `team_id`:
/// that team and those beneath it, so the register cannot be used to ask about anyone.
pub fn area_reach(teams: &[Team], team_id: TeamId) -> HashSet<TeamId> {
    with_descendants(teams, team_id)
}

/// Whether `actor` may record an assessment for `team_id`: their own team, or any team as a specialist.
pub fn can_assess_team(actor: &Actor, team_id: TeamId) -> bool {
    actor.role != Role::Guest && (is_specialist(actor) || actor.own_team() == Some(team_id))
}

/// Whether `actor` may load the organisation's own maturity models.
pub fn may_load_models(actor: &Actor) -> bool {
    is_specialist(actor)
}

/// Fails unless `actor` may load maturity models.
pub fn ensure_can_load_models(actor: &Actor) -> Result<(), ServiceError> {
    if may_load_models(actor) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("only knowledge specialists and admins can load maturity models".into()))
    }
}

/// Whether `actor` may withdraw `statement`: whoever recorded it, or a knowledge
/// specialist, who answers for the evidence in programme reports.
pub fn can_withdraw_impact(actor: &Actor, statement: &ImpactStatement) -> bool {
    actor.role != Role::Guest && (statement.recorded_by == actor.user_id || is_specialist(actor))
}

/// Whether `actor` may read impact statements: staff, and only about what they may see
/// (checked with the subject). Guests read none: the quotes are people's own words about
/// their work, given to colleagues.
pub fn may_read_impact(actor: &Actor) -> bool {
    actor.role != Role::Guest
}
