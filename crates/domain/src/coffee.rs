//! Randomised coffee trials as a programme: who takes part, rounds paired from a
//! recorded seed (see [`crate::pairing`]), and what people said afterwards.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::UserId;
use crate::communities::CommunityId;
pub use crate::ids::ProgrammeId;
use crate::pairing::Preference;

/// Who a programme is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProgrammeScope {
    /// Anyone in the organisation.
    Organisation,
    /// Members of one community.
    Community {
        /// The community.
        community_id: CommunityId,
    },
    /// People from several organisations; each says which organisation they are from.
    AcrossOrganisations,
}

/// A coffee programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Programme {
    /// Identifier.
    pub id: ProgrammeId,
    /// Name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Who may join.
    pub scope: ProgrammeScope,
    /// Weeks between rounds.
    pub cadence_weeks: u32,
    /// Nobody is paired with someone they met within this many rounds.
    pub avoid_repeat_rounds: u32,
    /// Who to prefer as a partner.
    pub preference: Preference,
    /// Who runs it.
    pub organiser_id: UserId,
    /// When started.
    pub created_at: DateTime<Utc>,
}

/// Someone taking part in a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CoffeeMember {
    /// Which programme.
    pub programme_id: ProgrammeId,
    /// Who.
    pub user_id: UserId,
    /// Their organisation (programmes across organisations).
    pub organisation: String,
    /// A line about themselves for their partner.
    pub about: String,
    /// Sitting out the next round.
    pub skip_next: bool,
    /// People they are not to be paired with.
    pub do_not_pair: Vec<UserId>,
    /// Still taking part (leaving keeps their history).
    pub active: bool,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

/// One person as they were when a round was paired: what the pairing used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoundEntrant {
    /// Who.
    pub user_id: UserId,
    /// Team.
    pub team: i64,
    /// Directorate, or in a programme across organisations the organisation's number.
    pub department: i64,
    /// Profession.
    pub profession: String,
    /// Site.
    pub site: String,
    /// Seniority band.
    pub band: String,
}

/// A round: its seed and everything the pairing read, so it can be re-run and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CoffeeRound {
    /// Identifier.
    pub id: i64,
    /// Which programme.
    pub programme_id: ProgrammeId,
    /// 1, 2, 3…
    pub number: u32,
    /// The random seed the pairing used.
    pub seed: u64,
    /// When it was paired.
    pub held_on: NaiveDate,
    /// Who was in it, as the pairing saw them.
    pub entrants: Vec<RoundEntrant>,
    /// The programme's preference when it was paired.
    pub preference: Preference,
    /// Rounds looked back over for repeats when it was paired.
    pub avoid_repeat_rounds: u32,
    /// Do-not-pair pairs in force, each smaller id first.
    pub do_not_pair: Vec<Vec<UserId>>,
    /// Pairs (and a trio when the count was odd).
    pub groups: Vec<Vec<UserId>>,
    /// Who could not be placed without a forbidden pair.
    pub unmatched: Vec<UserId>,
    /// Who sat this round out.
    pub skipped: Vec<UserId>,
    /// Who ran it.
    pub run_by: UserId,
}

/// What someone said after a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CoffeeFeedback {
    /// The round.
    pub round_id: i64,
    /// The programme.
    pub programme_id: ProgrammeId,
    /// Who.
    pub user_id: UserId,
    /// Did you meet?
    pub met: bool,
    /// Had you met before?
    pub met_before: bool,
    /// Would you do it again?
    pub again: bool,
    /// Anything else.
    pub comment: String,
    /// When given.
    pub given_at: DateTime<Utc>,
}
