//! Running a coffee round: pairing from a fresh seed under the programme's rules,
//! storing everything the pairing read so the round can be re-run and checked, and
//! introducing each group in Signpost and by email with an `.ics` invitation.
//! Feedback on a round comes back here too.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use signpost_domain::UserId;
use signpost_domain::audit::AuditRecord;
use signpost_domain::coffee::{CoffeeFeedback, CoffeeRound, Programme, ProgrammeId, ProgrammeScope, RoundEntrant};
use signpost_domain::communities::Notification;
use signpost_domain::jobs::NewJob;
use signpost_domain::pairing::{Forbidden, Participant, pair};
use signpost_domain::people::{Actor, User};
use signpost_domain::ports::Mail;
use utoipa::ToSchema;

use super::coffee::Directory;
use super::invitation::{calendar, introduction, starters, suggested_day};
use crate::validate::check_text;
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::TeamId;

/// What running a round did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoundOutcome {
    /// The round as stored.
    pub round: CoffeeRound,
    /// Introductions queued to be emailed, each with its calendar invitation (0 when mail
    /// is not configured); they are background jobs, retried until the relay takes them.
    pub emails_queued: usize,
}

/// A round as its runner reads it: who may not be paired with whom, and people's bands,
/// are kept for re-checking the round but shown only to knowledge specialists, not to
/// the community coordinators who organise most programmes.
fn as_seen_by(actor: &Actor, mut round: CoffeeRound) -> CoffeeRound {
    if !policy::may_see_pairing_inputs(actor) {
        round.do_not_pair.clear();
        for e in &mut round.entrants {
            e.band.clear();
        }
    }
    round
}

/// Whether re-running a round from its record gives the same groups.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoundCheck {
    /// The round.
    pub round_id: i64,
    /// Its seed.
    pub seed: u64,
    /// Whether the re-run matched what was stored.
    pub reproduced: bool,
}

/// Feedback after a round.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// Did you meet?
    pub met: bool,
    /// Had you met before?
    pub met_before: bool,
    /// Would you do it again?
    pub again: bool,
    /// Anything else.
    #[serde(default)]
    pub comment: String,
}

pub(crate) fn participants(round: &CoffeeRound) -> Vec<Participant> {
    round
        .entrants
        .iter()
        .map(|e| Participant {
            id: e.user_id,
            team: e.team,
            department: e.department,
            profession: e.profession.clone(),
            site: e.site.clone(),
            band: e.band.clone(),
        })
        .collect()
}

/// Pairs that may not be made in a round numbered `number`: the groups of the rounds
/// within the look-back, and the do-not-pair pairs.
pub(crate) fn forbidden(earlier: &[CoffeeRound], number: u32, look_back: u32, do_not_pair: &[Vec<UserId>]) -> Forbidden {
    let mut f = Forbidden::default();
    for r in earlier.iter().filter(|r| r.number < number && r.number + look_back >= number) {
        for g in &r.groups {
            f.add_group(g);
        }
    }
    for pair in do_not_pair {
        f.add_group(pair);
    }
    f
}

/// A round paired but not yet sent: what the organiser previews, and what sending stores.
pub(crate) struct PlannedRound {
    pub(crate) programme: Programme,
    pub(crate) round: CoffeeRound,
    pub(crate) directory: Directory,
}

impl PlannedRound {
    /// A short fingerprint of who is in the round and how they were grouped. Sending a
    /// previewed round re-pairs it from the same seed; if the fingerprint differs
    /// (someone joined, left or chose to sit out meanwhile), the organiser looks again
    /// rather than sending pairs they never saw.
    pub(crate) fn fingerprint(&self) -> String {
        let r = &self.round;
        let mut h = Sha256::new();
        h.update(r.number.to_le_bytes());
        for (label, lists) in [("g", &r.groups), ("d", &r.do_not_pair)] {
            h.update(label.as_bytes());
            for list in lists {
                h.update(b"|");
                for u in list {
                    h.update(u.0.to_le_bytes());
                }
            }
        }
        for (label, list) in [("u", &r.unmatched), ("s", &r.skipped)] {
            h.update(label.as_bytes());
            for u in list {
                h.update(u.0.to_le_bytes());
            }
        }
        hex::encode(&h.finalize()[..12])
    }
}

impl Signpost {
    /// Pairs the next round of a programme and sends the introductions (its organiser, specialists).
    pub async fn run_round(&self, actor: &Actor, id: ProgrammeId) -> Result<RoundOutcome, ServiceError> {
        let seed = rand::thread_rng().next_u64();
        self.run_round_with_seed(actor, id, seed).await
    }

    /// As [`Signpost::run_round`], with a chosen seed (for demonstrations and tests).
    pub async fn run_round_with_seed(&self, actor: &Actor, id: ProgrammeId, seed: u64) -> Result<RoundOutcome, ServiceError> {
        let planned = self.plan_round(actor, id, seed).await?;
        self.send_round(actor, planned).await
    }

    /// As [`Signpost::run_round_with_seed`], recorded as paired on `held_on` (the demo's
    /// history; not offered to the web or the API, where a round is paired today).
    pub async fn run_round_held_on(
        &self,
        actor: &Actor,
        id: ProgrammeId,
        seed: u64,
        held_on: chrono::NaiveDate,
    ) -> Result<RoundOutcome, ServiceError> {
        let mut planned = self.plan_round(actor, id, seed).await?;
        planned.round.held_on = held_on;
        self.send_round(actor, planned).await
    }

    /// Sends a round the organiser previewed: pairs it again from the preview's seed and
    /// refuses, changing nothing, when the result is not what the preview showed.
    pub async fn send_previewed_round(
        &self,
        actor: &Actor,
        id: ProgrammeId,
        seed: u64,
        fingerprint: &str,
    ) -> Result<RoundOutcome, ServiceError> {
        let planned = self.plan_round(actor, id, seed).await?;
        if planned.fingerprint() != fingerprint {
            return Err(ServiceError::Conflict(
                "who is taking part has changed since the preview, so the pairs would differ: check the new pairs before sending".into(),
            ));
        }
        self.send_round(actor, planned).await
    }

    /// Pairs the next round from `seed` without storing or sending anything.
    pub(crate) async fn plan_round(&self, actor: &Actor, id: ProgrammeId, seed: u64) -> Result<PlannedRound, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let programme = self.programme_or_404(id).await?;
        if !policy::can_run_programme(actor, &programme) {
            return Err(ServiceError::Forbidden("only the programme's organiser and knowledge specialists run rounds".into()));
        }
        let members = self.store.coffee_members(id).await?;
        let earlier = self.store.rounds(id).await?;
        let directory = Directory::load(self, &members).await?;
        let people = &directory.people;
        let teams = self.store.teams().await?;
        let directorate =
            |team: Option<TeamId>| team.and_then(|t| teams.iter().find(|x| x.id == t)).and_then(|t| t.parent_id).map_or(0, |d| d.0);
        let mut organisations: Vec<String> = Vec::new();
        let active: Vec<_> = members.iter().filter(|m| m.active && people.contains_key(&m.user_id)).collect();
        let skipped: Vec<UserId> = active.iter().filter(|m| m.skip_next).map(|m| m.user_id).collect();
        let entrants: Vec<RoundEntrant> = active
            .iter()
            .filter(|m| !m.skip_next)
            .map(|m| {
                let user = &people[&m.user_id];
                let department = if programme.scope == ProgrammeScope::AcrossOrganisations {
                    let key = m.organisation.trim().to_lowercase();
                    let at = organisations.iter().position(|o| *o == key).unwrap_or_else(|| {
                        organisations.push(key);
                        organisations.len() - 1
                    });
                    at as i64 + 1
                } else {
                    directorate(user.team_id)
                };
                RoundEntrant {
                    user_id: user.id,
                    team: user.team_id.map_or(0, |t| t.0),
                    department,
                    profession: user.profession.clone(),
                    site: user.site.clone(),
                    band: directory.band(user.id),
                }
            })
            .collect();
        if entrants.len() < 2 {
            return Err(ServiceError::Conflict(format!(
                "a round needs at least two people taking part; {} would be paired",
                entrants.len()
            )));
        }
        let mut do_not_pair: Vec<Vec<UserId>> =
            active.iter().flat_map(|m| m.do_not_pair.iter().map(move |o| vec![m.user_id.min(*o), m.user_id.max(*o)])).collect();
        do_not_pair.sort_unstable();
        do_not_pair.dedup();
        let number = earlier.last().map_or(1, |r| r.number + 1);
        let mut round = CoffeeRound {
            id: 0,
            programme_id: id,
            number,
            seed,
            held_on: Utc::now().date_naive(),
            entrants,
            preference: programme.preference,
            avoid_repeat_rounds: programme.avoid_repeat_rounds,
            do_not_pair,
            groups: Vec::new(),
            unmatched: Vec::new(),
            skipped,
            run_by: actor.user_id,
        };
        let paired = pair(
            &participants(&round),
            &forbidden(&earlier, number, round.avoid_repeat_rounds, &round.do_not_pair),
            round.preference,
            seed,
        );
        round.groups = paired.groups;
        round.unmatched = paired.unmatched;

        Ok(PlannedRound { programme, round, directory })
    }

    /// Stores a planned round and queues its notifications and introductions, at once.
    async fn send_round(&self, actor: &Actor, planned: PlannedRound) -> Result<RoundOutcome, ServiceError> {
        let PlannedRound { programme, round, directory } = planned;
        let (id, number, seed) = (round.programme_id, round.number, round.seed);
        let people = &directory.people;
        let now = Utc::now();
        let mut notify = Vec::new();
        let mut mails = Vec::new();
        for group in &round.groups {
            for reader in group {
                let partners = directory.partners(*reader, group);
                let names = partners.iter().map(|p| p.user.name.clone()).collect::<Vec<_>>().join(" and ");
                notify.push(Notification::new(
                    *reader,
                    format!("Your {} match this round: {names}", programme.name),
                    format!("/coffee/{id}"),
                    now,
                ));
                let openers = starters(&directory.interests(*reader), &partners);
                let body = introduction(
                    &programme.name,
                    &people[reader],
                    &partners,
                    &openers,
                    &self.mail_link(&format!("/coffee/{id}#feedback"), &programme.name),
                );
                mails.push((*reader, names, body));
            }
        }
        for u in &round.unmatched {
            notify.push(Notification::new(
                *u,
                format!("No partner could be found for you in this round of {}; you are first in line next time", programme.name),
                format!("/coffee/{id}"),
                now,
            ));
        }
        let emails: Vec<NewJob> = match self.mailer {
            None => Vec::new(),
            Some(_) => mails
                .into_iter()
                .map(|(reader, names, body)| {
                    let group = round.groups.iter().find(|g| g.contains(&reader)).cloned().unwrap_or_default();
                    let mail = Mail::text(people[&reader].email.clone(), format!("Your {} match: {names}", programme.name), body)
                        .with_calendar(coffee_invitation(&programme.name, &round, &group, people, now));
                    NewJob::email(&mail, format!("coffee-introduction:{id}:{number}:{reader}"))
                })
                .collect(),
        };
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "coffee.round",
            format!("paired round {number} of {:?} with seed {seed}", programme.name),
        );
        let round = self.store.insert_round(&round, &notify, &emails, audit).await.map_err(|e| match e {
            signpost_domain::StoreError::Conflict(_) => {
                ServiceError::Conflict("another round was paired at the same moment: reload the page".into())
            }
            other => other.into(),
        })?;
        Ok(RoundOutcome { round: as_seen_by(actor, round), emails_queued: emails.len() })
    }
}

/// The calendar invitation for one group's conversation, on the round's suggested day.
fn coffee_invitation(programme: &str, round: &CoffeeRound, group: &[UserId], people: &HashMap<UserId, User>, now: DateTime<Utc>) -> String {
    let mut attendees: Vec<_> = group.iter().filter_map(|u| people.get(u)).collect();
    attendees.sort_by(|a, b| a.name.cmp(&b.name));
    let uid = format!(
        "coffee-{}-{}-{}@signpost",
        round.programme_id,
        round.number,
        group.iter().map(|u| u.to_string()).collect::<Vec<_>>().join("-")
    );
    let summary = format!("Coffee: {}", attendees.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(" and "));
    let description =
        format!("{programme} round {}: a 15 to 30 minute conversation. Move this to a time that suits you both.", round.number);
    calendar(&uid, &summary, &description, suggested_day(round.held_on), &attendees, now)
}

/// Whether pairing `round` again from its seed, its recorded entrants and the rounds
/// before it (`rounds`, the programme's) gives the groups it stored.
pub(crate) fn reproduces(rounds: &[CoffeeRound], round: &CoffeeRound) -> bool {
    let again = pair(
        &participants(round),
        &forbidden(rounds, round.number, round.avoid_repeat_rounds, &round.do_not_pair),
        round.preference,
        round.seed,
    );
    again.groups == round.groups && again.unmatched == round.unmatched
}

impl Signpost {
    /// Re-runs a stored round from its seed and recorded inputs and says whether it comes out the same.
    pub async fn check_round(&self, actor: &Actor, id: ProgrammeId, round_id: i64) -> Result<RoundCheck, ServiceError> {
        policy::ensure_staff(actor)?;
        self.programme_or_404(id).await?;
        let rounds = self.store.rounds(id).await?;
        let Some(round) = rounds.iter().find(|r| r.id == round_id) else { return Err(ServiceError::NotFound("the round".into())) };
        Ok(RoundCheck { round_id, seed: round.seed, reproduced: reproduces(&rounds, round) })
    }

    /// Records the actor's feedback on a round they were paired in.
    pub async fn give_feedback(
        &self,
        actor: &Actor,
        id: ProgrammeId,
        round_id: i64,
        input: FeedbackInput,
    ) -> Result<CoffeeFeedback, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let programme = self.programme_or_404(id).await?;
        let Some(round) = self.store.rounds(id).await?.into_iter().find(|r| r.id == round_id) else {
            return Err(ServiceError::NotFound("the round".into()));
        };
        if !round.groups.iter().any(|g| g.contains(&actor.user_id)) {
            return Err(ServiceError::Forbidden("you were not paired in this round".into()));
        }
        let mut errors = Vec::new();
        check_text("comment", &input.comment, false, 2000, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let feedback = CoffeeFeedback {
            round_id,
            programme_id: id,
            user_id: actor.user_id,
            met: input.met,
            met_before: input.met_before,
            again: input.again,
            comment: input.comment.trim().to_string(),
            given_at: Utc::now(),
        };
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "coffee.feedback",
            format!("gave feedback on round {} of {:?}", round.number, programme.name),
        );
        self.store.save_feedback(&feedback, audit).await?;
        Ok(feedback)
    }
}
