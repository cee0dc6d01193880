//! Coffee programmes: starting one, the one-minute opt-in, sitting a round out,
//! do-not-pair lists, what a participant sees of their match, and the report.
use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use signpost_domain::audit::AuditRecord;
use signpost_domain::coffee::{CoffeeFeedback, CoffeeMember, CoffeeRound, Programme, ProgrammeId, ProgrammeScope};
use signpost_domain::pairing::Preference;
use signpost_domain::people::{Actor, User};
use signpost_domain::profiles::Profile;
use signpost_domain::{FieldError, StoreError, UserId};
use utoipa::ToSchema;

use super::invitation::{Partner, starters};
use crate::validate::check_text;
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::TeamId;

/// A new programme.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeInput {
    /// Name, unique.
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// Who it is for.
    pub scope: ProgrammeScope,
    /// Weeks between rounds (1 to 26).
    pub cadence_weeks: u32,
    /// Nobody meets someone they met within this many rounds (0 to 52).
    pub avoid_repeat_rounds: u32,
    /// Who to prefer as a partner.
    #[serde(default)]
    pub preference: Preference,
}

/// Joining a programme, or changing one's place in it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinInput {
    /// A line about yourself for your partner.
    #[serde(default)]
    pub about: String,
    /// Your organisation (programmes across organisations).
    #[serde(default)]
    pub organisation: String,
    /// Sit out the next round.
    #[serde(default)]
    pub skip_next: bool,
    /// People you are not to be paired with.
    #[serde(default)]
    pub do_not_pair: Vec<UserId>,
}

/// A partner in the reader's latest round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatchPartner {
    /// Who.
    pub user: User,
    /// Their team.
    pub team: String,
    /// Their line about themselves.
    pub about: String,
}

/// The reader's place in the latest round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyMatch {
    /// The round.
    pub round_id: i64,
    /// Its number.
    pub number: u32,
    /// When it was paired.
    pub held_on: NaiveDate,
    /// Their partner or partners.
    pub partners: Vec<MatchPartner>,
    /// Conversation starters.
    pub starters: Vec<String>,
    /// Their feedback, if given.
    pub feedback: Option<CoffeeFeedback>,
}

/// A round in the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoundSummary {
    /// The round (groups, seed and all).
    pub round: CoffeeRound,
    /// Feedback received.
    pub responses: usize,
    /// Of those, how many met.
    pub met: usize,
}

/// The programme report.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CoffeeProgrammeReport)]
pub struct ProgrammeReport {
    /// Active participants now.
    pub participants: usize,
    /// People paired in at least one round.
    pub ever_paired: usize,
    /// Rounds run.
    pub rounds: Vec<RoundSummary>,
    /// Feedback forms returned.
    pub responses: usize,
    /// Share of responses that met (0 to 1).
    pub met_share: f64,
    /// Share of meetings between people who had not met before.
    pub new_connection_share: f64,
    /// Share of responses that would do it again.
    pub repeat_share: f64,
    /// Share of groups that spanned more than one team.
    pub cross_team_share: f64,
    /// How many teams took part.
    pub teams_reached: usize,
}

/// A programme's page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgrammeView {
    /// The programme.
    pub programme: Programme,
    /// The organiser's name.
    pub organiser: String,
    /// The community's name, for a community programme.
    pub community: Option<String>,
    /// The reader's place, if they joined.
    pub me: Option<CoffeeMember>,
    /// Whether the reader may join (or rejoin).
    pub may_join: bool,
    /// The reader's latest match.
    pub my_match: Option<MyMatch>,
    /// Whether the reader runs the programme (rounds, report).
    pub may_run: bool,
    /// When the next round is due, by the cadence.
    pub next_round_due: Option<NaiveDate>,
    /// The report, for those who run it.
    pub report: Option<ProgrammeReport>,
    /// Everyone active, for do-not-pair choices.
    pub members: Vec<User>,
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

impl Signpost {
    pub(crate) async fn programme_or_404(&self, id: ProgrammeId) -> Result<Programme, ServiceError> {
        match self.store.programme(id).await {
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("the programme".into())),
            other => Ok(other?),
        }
    }

    /// The programmes the actor may start, with how to describe each: organisation-wide
    /// and across organisations for specialists, one per community they coordinate.
    pub async fn programme_scopes(&self, actor: &Actor) -> Result<Vec<(ProgrammeScope, String)>, ServiceError> {
        if policy::ensure_can_contribute_as_staff(actor).is_err() {
            return Ok(Vec::new());
        }
        let mut out: Vec<(ProgrammeScope, String)> = [
            (ProgrammeScope::Organisation, "Everyone in the organisation".to_string()),
            (ProgrammeScope::AcrossOrganisations, "People from several organisations".to_string()),
        ]
        .into_iter()
        .filter(|(scope, _)| policy::can_start_programme(actor, *scope, None))
        .collect();
        let memberships = self.store.memberships(None).await?;
        for c in self.store.communities().await? {
            let scope = ProgrammeScope::Community { community_id: c.id };
            let mine = memberships.iter().find(|m| m.community_id == c.id && m.user_id == actor.user_id);
            if policy::can_start_programme(actor, scope, mine) {
                out.push((scope, format!("Members of {}", c.name)));
            }
        }
        Ok(out)
    }

    /// Every programme.
    pub async fn programmes(&self, actor: &Actor) -> Result<Vec<Programme>, ServiceError> {
        policy::ensure_staff(actor)?;
        Ok(self.store.programmes().await?)
    }

    /// Starts a programme.
    pub async fn create_programme(&self, actor: &Actor, input: ProgrammeInput) -> Result<Programme, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let mut errors = Vec::new();
        check_text("name", &input.name, true, 120, &mut errors);
        check_text("description", &input.description, false, 4000, &mut errors);
        if !(1..=26).contains(&input.cadence_weeks) {
            errors.push(FieldError::new("cadence_weeks", "must be between 1 and 26 weeks"));
        }
        if input.avoid_repeat_rounds > 52 {
            errors.push(FieldError::new("avoid_repeat_rounds", "must be between 0 and 52 rounds"));
        }
        let membership = match input.scope {
            ProgrammeScope::Community { community_id } => match self.store.community(community_id).await {
                Err(StoreError::NotFound) => {
                    errors.push(FieldError::new("scope.community_id", "no such community"));
                    None
                }
                other => {
                    other?;
                    self.membership_of(community_id, actor.user_id).await?
                }
            },
            _ => None,
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        if !policy::can_start_programme(actor, input.scope, membership.as_ref()) {
            return Err(ServiceError::Forbidden(
                "knowledge specialists start programmes; a community's coordinators start one for their community".into(),
            ));
        }
        let programme = Programme {
            id: ProgrammeId(0),
            name: input.name.trim().to_string(),
            description: input.description.trim().to_string(),
            scope: input.scope,
            cadence_weeks: input.cadence_weeks,
            avoid_repeat_rounds: input.avoid_repeat_rounds,
            preference: input.preference,
            organiser_id: actor.user_id,
            created_at: Utc::now(),
        };
        let audit = AuditRecord::new(Some(actor.user_id), "coffee.create", format!("started the coffee programme {:?}", programme.name));
        match self.store.save_programme(&programme, audit).await {
            Err(StoreError::Conflict(_)) => Err(ServiceError::invalid("name", "a programme with this name already exists")),
            other => Ok(other?),
        }
    }

    /// Joins a programme, or changes one's place in it (skip the next round, do-not-pair, about).
    pub async fn join_programme(&self, actor: &Actor, id: ProgrammeId, input: JoinInput) -> Result<CoffeeMember, ServiceError> {
        let programme = self.programme_or_404(id).await?;
        let membership = match programme.scope {
            ProgrammeScope::Community { community_id } => self.membership_of(community_id, actor.user_id).await?,
            _ => None,
        };
        policy::ensure_can_join_programme(actor, &programme, membership.as_ref())?;
        let mut errors = Vec::new();
        check_text("about", &input.about, false, 300, &mut errors);
        let across = programme.scope == ProgrammeScope::AcrossOrganisations;
        check_text("organisation", &input.organisation, across, 200, &mut errors);
        let members = self.store.coffee_members(id).await?;
        let current: HashSet<UserId> = members.iter().map(|m| m.user_id).collect();
        let mut do_not_pair: Vec<UserId> = input.do_not_pair.iter().copied().filter(|u| *u != actor.user_id).collect();
        do_not_pair.sort_unstable();
        do_not_pair.dedup();
        for (i, u) in do_not_pair.iter().enumerate() {
            if !current.contains(u) {
                errors.push(FieldError::new(format!("do_not_pair[{i}]"), "is not taking part in this programme"));
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let joined_at = members.iter().find(|m| m.user_id == actor.user_id).map_or_else(Utc::now, |m| m.joined_at);
        let member = CoffeeMember {
            programme_id: id,
            user_id: actor.user_id,
            organisation: input.organisation.trim().to_string(),
            about: input.about.trim().to_string(),
            skip_next: input.skip_next,
            do_not_pair,
            active: true,
            joined_at,
        };
        let audit = AuditRecord::new(Some(actor.user_id), "coffee.join", format!("joined or updated their place in {:?}", programme.name));
        self.store.save_coffee_member(&member, audit).await?;
        Ok(member)
    }

    /// Leaves a programme; past rounds keep them so repeats stay avoided if they rejoin.
    pub async fn leave_programme(&self, actor: &Actor, id: ProgrammeId) -> Result<(), ServiceError> {
        policy::ensure_staff(actor)?;
        let programme = self.programme_or_404(id).await?;
        let Some(member) = self.store.coffee_members(id).await?.into_iter().find(|m| m.user_id == actor.user_id && m.active) else {
            return Err(ServiceError::Conflict("you are not taking part in this programme".into()));
        };
        let audit = AuditRecord::new(Some(actor.user_id), "coffee.leave", format!("left {:?}", programme.name));
        Ok(self.store.save_coffee_member(&CoffeeMember { active: false, ..member }, audit).await?)
    }

    /// A programme as the actor sees it: their place, their match, and for its organisers the report.
    pub async fn programme_view(&self, actor: &Actor, id: ProgrammeId) -> Result<ProgrammeView, ServiceError> {
        policy::ensure_staff(actor)?;
        let programme = self.programme_or_404(id).await?;
        let members = self.store.coffee_members(id).await?;
        let directory = Directory::load(self, &members).await?;
        let people = &directory.people;
        let rounds = self.store.rounds(id).await?;
        let feedback = self.store.feedback(id).await?;
        let (community, membership) = match programme.scope {
            ProgrammeScope::Community { community_id } => {
                (Some(self.community_or_404(community_id).await?.name), self.membership_of(community_id, actor.user_id).await?)
            }
            _ => (None, None),
        };
        let me = members.iter().find(|m| m.user_id == actor.user_id && m.active).cloned();
        let may_run = policy::can_run_programme(actor, &programme);
        let latest = rounds.iter().rev().find(|r| r.groups.iter().any(|g| g.contains(&actor.user_id)));
        let my_match = latest.map(|round| my_match(actor, round, &directory, &feedback));
        let report = may_run.then(|| report(&members, &rounds, &feedback, people));
        Ok(ProgrammeView {
            organiser: people.get(&programme.organiser_id).map(|u| u.name.clone()).unwrap_or_default(),
            community,
            may_join: me.is_none() && policy::ensure_can_join_programme(actor, &programme, membership.as_ref()).is_ok(),
            me,
            my_match,
            may_run,
            next_round_due: rounds.last().map(|r| r.held_on + Duration::weeks(programme.cadence_weeks as i64)),
            report,
            members: self
                .as_seen_by(actor, members.iter().filter(|m| m.active).filter_map(|m| people.get(&m.user_id).cloned()).collect())
                .await?,
            programme,
        })
    }
}

fn my_match(actor: &Actor, round: &CoffeeRound, directory: &Directory, feedback: &[CoffeeFeedback]) -> MyMatch {
    let group = round.groups.iter().find(|g| g.contains(&actor.user_id)).cloned().unwrap_or_default();
    let partners = directory.partners(actor.user_id, &group);
    let starters = starters(&directory.interests(actor.user_id), &partners);
    MyMatch {
        round_id: round.id,
        number: round.number,
        held_on: round.held_on,
        partners: partners.into_iter().map(|p| MatchPartner { team: p.team, about: p.about, user: p.user }).collect(),
        starters,
        feedback: feedback.iter().find(|f| f.round_id == round.id && f.user_id == actor.user_id).cloned(),
    }
}

/// Everything an introduction reads about people, loaded once per page or round.
pub(crate) struct Directory {
    pub(crate) people: HashMap<UserId, User>,
    teams: HashMap<TeamId, String>,
    profiles: HashMap<UserId, Profile>,
    about: HashMap<UserId, String>,
}

impl Directory {
    pub(crate) async fn load(app: &Signpost, members: &[CoffeeMember]) -> Result<Directory, ServiceError> {
        Ok(Directory {
            people: app.people_by_id().await?,
            teams: app.store.teams().await?.into_iter().map(|t| (t.id, t.name)).collect(),
            profiles: app.store.profiles().await?.into_iter().map(|p| (p.user_id, p)).collect(),
            about: members.iter().map(|m| (m.user_id, m.about.clone())).collect(),
        })
    }

    /// A person's seniority band, or "" if not given.
    pub(crate) fn band(&self, user_id: UserId) -> String {
        self.profiles.get(&user_id).map(|p| p.band.clone()).unwrap_or_default()
    }

    /// The name of a person's team, or "".
    pub(crate) fn team_of(&self, user: &User) -> String {
        user.team_id.and_then(|t| self.teams.get(&t)).cloned().unwrap_or_default()
    }

    /// A person's skills and interests, for conversation starters.
    pub(crate) fn interests(&self, user_id: UserId) -> Vec<String> {
        self.profiles.get(&user_id).map(|p| [p.skills.clone(), p.interests.clone()].concat()).unwrap_or_default()
    }

    /// The others in `group`, as `reader` is introduced to them (interests only where their profile lets the reader see them).
    pub(crate) fn partners(&self, reader: UserId, group: &[UserId]) -> Vec<Partner> {
        let reader_user = self.people.get(&reader);
        group
            .iter()
            .filter(|u| **u != reader)
            .filter_map(|u| self.people.get(u))
            .map(|user| {
                let visible = self.profiles.get(&user.id).filter(|p| reader_user.is_some_and(|r| policy::user_can_see_profile(r, user, p)));
                Partner {
                    team: self.team_of(user),
                    about: self.about.get(&user.id).cloned().unwrap_or_default(),
                    interests: visible.map(|p| [p.skills.clone(), p.interests.clone()].concat()).unwrap_or_default(),
                    user: user.clone(),
                }
            })
            .collect()
    }
}

/// The figures organisers report: who took part, who met, new connections, who would repeat, reach across teams.
fn report(
    members: &[CoffeeMember],
    rounds: &[CoffeeRound],
    feedback: &[CoffeeFeedback],
    people: &HashMap<UserId, User>,
) -> ProgrammeReport {
    let paired: HashSet<UserId> = rounds.iter().flat_map(|r| r.groups.iter().flatten().copied()).collect();
    let groups: Vec<&Vec<UserId>> = rounds.iter().flat_map(|r| r.groups.iter()).collect();
    let team = |u: &UserId| people.get(u).and_then(|p| p.team_id);
    let cross = groups.iter().filter(|g| g.iter().map(team).collect::<HashSet<_>>().len() > 1).count();
    let met = feedback.iter().filter(|f| f.met).count();
    ProgrammeReport {
        participants: members.iter().filter(|m| m.active).count(),
        ever_paired: paired.len(),
        rounds: rounds
            .iter()
            .map(|r| {
                let here: Vec<&CoffeeFeedback> = feedback.iter().filter(|f| f.round_id == r.id).collect();
                RoundSummary { round: r.clone(), responses: here.len(), met: here.iter().filter(|f| f.met).count() }
            })
            .collect(),
        responses: feedback.len(),
        met_share: share(met, feedback.len()),
        new_connection_share: share(feedback.iter().filter(|f| f.met && !f.met_before).count(), met),
        repeat_share: share(feedback.iter().filter(|f| f.again).count(), feedback.len()),
        cross_team_share: share(cross, groups.len()),
        teams_reached: paired.iter().filter_map(team).collect::<HashSet<_>>().len(),
    }
}
