//! What a programme's organisers see of a round's pairs: before it is sent (the
//! preview, which sending must match) and afterwards, with the check that it re-runs
//! from its seed.
use chrono::NaiveDate;
use rand::RngCore;
use serde::Serialize;
use signpost_domain::UserId;
use signpost_domain::coffee::{CoffeeRound, ProgrammeId};
use signpost_domain::people::Actor;
use utoipa::ToSchema;

use super::coffee::Directory;
use super::coffee_rounds::reproduces;
use crate::{ServiceError, Signpost, policy};

/// Someone in a round, as its organisers see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoundPerson {
    /// Who.
    pub user_id: UserId,
    /// Their name.
    pub name: String,
    /// Their job title.
    pub job_title: String,
    /// Their team's name, or "".
    pub team: String,
}

/// A round's pairs, previewed or sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoundPairs {
    /// The programme's name.
    pub programme: String,
    /// The round's number.
    pub number: u32,
    /// The stored round, once it is sent.
    pub round_id: Option<i64>,
    /// When it was paired, once it is sent.
    pub held_on: Option<NaiveDate>,
    /// The seed the pairing used.
    pub seed: u64,
    /// The groups: pairs, and a trio when the count was odd.
    pub groups: Vec<Vec<RoundPerson>>,
    /// Who could not be placed without breaking a rule.
    pub unmatched: Vec<RoundPerson>,
    /// Who chose to sit this round out.
    pub skipped: Vec<RoundPerson>,
    /// For a preview: what sending must match (see [`Signpost::send_previewed_round`]).
    pub fingerprint: String,
    /// For a sent round: whether pairing it again from its record gives the same groups.
    pub reproduced: Option<bool>,
}

fn people(directory: &Directory, ids: &[UserId]) -> Vec<RoundPerson> {
    ids.iter()
        .map(|id| match directory.people.get(id) {
            Some(u) => RoundPerson { user_id: *id, name: u.name.clone(), job_title: u.job_title.clone(), team: directory.team_of(u) },
            None => RoundPerson { user_id: *id, name: "a former member".into(), job_title: String::new(), team: String::new() },
        })
        .collect()
}

fn pairs_of(programme: String, round: &CoffeeRound, directory: &Directory) -> RoundPairs {
    RoundPairs {
        programme,
        number: round.number,
        round_id: None,
        held_on: None,
        seed: round.seed,
        groups: round.groups.iter().map(|g| people(directory, g)).collect(),
        unmatched: people(directory, &round.unmatched),
        skipped: people(directory, &round.skipped),
        fingerprint: String::new(),
        reproduced: None,
    }
}

impl Signpost {
    /// Pairs the next round from a fresh seed and shows it, storing and sending nothing
    /// (its organiser, specialists).
    pub async fn preview_round(&self, actor: &Actor, id: ProgrammeId) -> Result<RoundPairs, ServiceError> {
        let seed = rand::thread_rng().next_u64();
        let planned = self.plan_round(actor, id, seed).await?;
        let fingerprint = planned.fingerprint();
        Ok(RoundPairs { fingerprint, ..pairs_of(planned.programme.name, &planned.round, &planned.directory) })
    }

    /// A sent round's pairs, and whether it re-runs from its seed (its organiser, specialists).
    pub async fn round_pairs(&self, actor: &Actor, id: ProgrammeId, round_id: i64) -> Result<RoundPairs, ServiceError> {
        policy::ensure_staff(actor)?;
        let programme = self.programme_or_404(id).await?;
        if !policy::can_run_programme(actor, &programme) {
            return Err(ServiceError::Forbidden("only the programme's organiser and knowledge specialists see a round's pairs".into()));
        }
        let rounds = self.store.rounds(id).await?;
        let Some(round) = rounds.iter().find(|r| r.id == round_id) else { return Err(ServiceError::NotFound("the round".into())) };
        let directory = Directory::load(self, &self.store.coffee_members(id).await?).await?;
        Ok(RoundPairs {
            round_id: Some(round.id),
            held_on: Some(round.held_on),
            reproduced: Some(reproduces(&rounds, round)),
            ..pairs_of(programme.name, round, &directory)
        })
    }
}
