//! Mentoring: offers and requests by skill, suggested matches with their reasons,
//! and matches proposed by one side, answered by the other and tracked to the end.
use std::collections::HashMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::UserId;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::mentoring::{Listing, ListingKind, MatchStatus, MentoringMatch};
use signpost_domain::people::{Actor, User};
use signpost_domain::profiles::{BANDS, Profile};
use utoipa::ToSchema;

use super::{coverage, terms};
use crate::validate::check_text;
use crate::validate::clean_skills;
use crate::{ServiceError, Signpost, policy};

/// A new offer or request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingInput {
    /// `offer` or `request`.
    pub kind: ListingKind,
    /// The skills.
    pub skills: Vec<String>,
    /// More about it.
    #[serde(default)]
    pub note: String,
}

/// A possible mentor or mentee for one of the reader's listings.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = MentoringSuggestion)]
pub struct Suggestion {
    /// The reader's listing.
    pub mine: Listing,
    /// The other person's listing.
    pub theirs: Listing,
    /// The other person.
    pub person: User,
    /// The skills in common.
    pub skills: Vec<String>,
    /// Why they fit, in short sentences.
    pub reasons: Vec<String>,
    /// How well (higher first).
    pub score: f64,
}

/// A match as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatchView {
    /// The match.
    pub entry: MentoringMatch,
    /// The mentor's name.
    pub mentor: String,
    /// The mentee's name.
    pub mentee: String,
    /// Whether the reader is the one to accept or decline it.
    pub awaiting_me: bool,
}

/// What the mentoring page shows a person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentoringBoard {
    /// The reader's own offers and requests.
    pub mine: Vec<Listing>,
    /// Suggested partners for the reader's open listings, best first.
    pub suggestions: Vec<Suggestion>,
    /// Matches the reader is part of.
    pub matches: Vec<MatchView>,
    /// Matches accepted across the organisation, for specialists tracking the programme.
    pub accepted_overall: usize,
}

fn band_rank(band: &str) -> Option<usize> {
    BANDS.iter().position(|b| *b == band)
}

fn shared_skills(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|s| b.iter().any(|t| coverage(&terms(s), &terms(t)) >= 0.5 || coverage(&terms(t), &terms(s)) >= 0.5)).cloned().collect()
}

/// Why `mentor` suits `mentee`, and how well.
fn reasons(skills: &[String], mentor: &User, mentee: &User, profiles: &HashMap<UserId, Profile>) -> (Vec<String>, f64) {
    let mut out = vec![format!("offers mentoring in {}", skills.join(", "))];
    let mut score = skills.len() as f64 * 2.0;
    let band = |u: &User| profiles.get(&u.id).and_then(|p| band_rank(&p.band));
    if let (Some(a), Some(b)) = (band(mentor), band(mentee))
        && a > b
    {
        out.push(format!("more senior ({})", BANDS[a]));
        score += 1.0;
    }
    if mentor.team_id != mentee.team_id {
        out.push("from another team, so a fresh view".to_string());
        score += 0.5;
    }
    if !mentor.site.is_empty() && mentor.site == mentee.site {
        out.push(format!("on the same site ({})", mentor.site));
        score += 0.5;
    }
    if mentor.profession == mentee.profession && !mentor.profession.is_empty() {
        out.push(format!("same profession ({})", mentor.profession));
        score += 0.5;
    }
    (out, score)
}

impl Signpost {
    /// Lists an offer of, or a request for, mentoring.
    pub async fn add_listing(&self, actor: &Actor, input: ListingInput) -> Result<Listing, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let mut errors = Vec::new();
        let skills = clean_skills("skills", &input.skills, &mut errors);
        if skills.is_empty() && errors.is_empty() {
            errors.push(signpost_domain::FieldError::new("skills", "name at least one skill"));
        }
        check_text("note", &input.note, false, 2000, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let listing = Listing {
            id: 0,
            user_id: actor.user_id,
            kind: input.kind,
            skills,
            note: input.note.trim().to_string(),
            open: true,
            created_at: Utc::now(),
        };
        let audit = AuditRecord::new(Some(actor.user_id), "mentoring.list", format!("listed a mentoring {}", input.kind.as_str()));
        Ok(self.store.save_listing(&listing, audit).await?)
    }

    /// Closes one of the actor's own listings.
    pub async fn close_listing(&self, actor: &Actor, id: i64) -> Result<Listing, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let Some(listing) = self.store.listings().await?.into_iter().find(|l| l.id == id && l.user_id == actor.user_id) else {
            return Err(ServiceError::NotFound("your listing".into()));
        };
        let audit = AuditRecord::new(Some(actor.user_id), "mentoring.close", "closed a mentoring listing");
        Ok(self.store.save_listing(&Listing { open: false, ..listing }, audit).await?)
    }

    /// The actor's listings, suggested partners with reasons, and matches.
    pub async fn mentoring_board(&self, actor: &Actor) -> Result<MentoringBoard, ServiceError> {
        policy::ensure_staff(actor)?;
        let people = self.people_by_id().await?;
        let profiles: HashMap<UserId, Profile> = self.store.profiles().await?.into_iter().map(|p| (p.user_id, p)).collect();
        // A partner's band counts towards a suggestion only if their profile is open to the reader.
        let bands_seen: HashMap<UserId, Profile> = profiles
            .iter()
            .filter(|(id, p)| people.get(id).is_some_and(|owner| policy::can_see_profile(actor, owner, p)))
            .map(|(id, p)| (*id, p.clone()))
            .collect();
        let listings = self.store.listings().await?;
        let matches = self.store.matches().await?;
        let mine: Vec<Listing> = listings.iter().filter(|l| l.user_id == actor.user_id).cloned().collect();
        let suggestable = |id: UserId| profiles.get(&id).is_none_or(|p| p.suggest_me);
        let mut suggestions = Vec::new();
        for my in mine.iter().filter(|l| l.open) {
            for theirs in listings.iter().filter(|l| l.open && l.kind != my.kind && l.user_id != actor.user_id && suggestable(l.user_id)) {
                let (Some(me), Some(them)) = (people.get(&actor.user_id), people.get(&theirs.user_id)) else { continue };
                let skills = shared_skills(&theirs.skills, &my.skills);
                if skills.is_empty() {
                    continue;
                }
                let already = matches.iter().any(|m| {
                    m.status != MatchStatus::Declined
                        && [m.request_id, m.offer_id].contains(&my.id)
                        && [m.request_id, m.offer_id].contains(&theirs.id)
                });
                if already {
                    continue;
                }
                let (mentor, mentee) = if my.kind == ListingKind::Request { (them, me) } else { (me, them) };
                let (reasons, score) = reasons(&skills, mentor, mentee, &bands_seen);
                let person = self.as_seen_by(actor, vec![them.clone()]).await?.remove(0);
                suggestions.push(Suggestion { mine: my.clone(), theirs: theirs.clone(), person, skills, reasons, score });
            }
        }
        suggestions.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.person.name.cmp(&b.person.name)));
        let name = |id: UserId| people.get(&id).map(|u| u.name.clone()).unwrap_or_default();
        Ok(MentoringBoard {
            accepted_overall: matches.iter().filter(|m| m.status == MatchStatus::Accepted).count(),
            matches: matches
                .iter()
                .filter(|m| m.mentor_id == actor.user_id || m.mentee_id == actor.user_id)
                .map(|m| MatchView {
                    mentor: name(m.mentor_id),
                    mentee: name(m.mentee_id),
                    awaiting_me: m.status == MatchStatus::Proposed && m.proposed_by != actor.user_id,
                    entry: m.clone(),
                })
                .collect(),
            mine,
            suggestions,
        })
    }

    /// Proposes a match between one of the actor's listings and someone else's; the other person is told.
    pub async fn propose_match(&self, actor: &Actor, mine: i64, theirs: i64) -> Result<MentoringMatch, ServiceError> {
        let board = self.mentoring_board(actor).await?;
        policy::ensure_can_contribute_as_staff(actor)?;
        let Some(s) = board.suggestions.into_iter().find(|s| s.mine.id == mine && s.theirs.id == theirs) else {
            return Err(ServiceError::invalid("theirs", "is not a suggested match for your listing (it may be closed or already matched)"));
        };
        let (request, offer) = if s.mine.kind == ListingKind::Request { (&s.mine, &s.theirs) } else { (&s.theirs, &s.mine) };
        let now = Utc::now();
        let m = MentoringMatch {
            id: 0,
            mentor_id: offer.user_id,
            mentee_id: request.user_id,
            request_id: request.id,
            offer_id: offer.id,
            skills: s.skills.clone(),
            reasons: s.reasons.clone(),
            proposed_by: actor.user_id,
            status: MatchStatus::Proposed,
            created_at: now,
            updated_at: now,
        };
        let notify = [Notification::new(
            s.theirs.user_id,
            format!("Someone would like to start mentoring with you in {}", s.skills.join(", ")),
            "/mentoring",
            now,
        )];
        let audit = AuditRecord::new(Some(actor.user_id), "mentoring.propose", format!("proposed mentoring in {}", s.skills.join(", ")));
        Ok(self.store.save_match(&m, &notify, audit).await?)
    }

    /// Accepts or declines a proposed match (the person it was proposed to), or ends an accepted one (either).
    pub async fn answer_match(&self, actor: &Actor, id: i64, status: MatchStatus) -> Result<MentoringMatch, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let Some(m) =
            self.store.matches().await?.into_iter().find(|m| m.id == id && (m.mentor_id == actor.user_id || m.mentee_id == actor.user_id))
        else {
            return Err(ServiceError::NotFound("the match".into()));
        };
        let allowed = match (m.status, status) {
            (MatchStatus::Proposed, MatchStatus::Accepted | MatchStatus::Declined) => m.proposed_by != actor.user_id,
            (MatchStatus::Accepted, MatchStatus::Ended) => true,
            _ => false,
        };
        if !allowed {
            return Err(ServiceError::Conflict(format!("a {} match cannot become {}", m.status.as_str(), status.as_str())));
        }
        let now = Utc::now();
        let other = if m.mentor_id == actor.user_id { m.mentee_id } else { m.mentor_id };
        let notify = [Notification::new(
            other,
            format!("Your mentoring match in {} is now {}", m.skills.join(", "), status.as_str()),
            "/mentoring",
            now,
        )];
        let audit = AuditRecord::new(Some(actor.user_id), "mentoring.answer", format!("mentoring match {id} {}", status.as_str()));
        let updated = MentoringMatch { status, updated_at: now, ..m };
        let saved = self.store.save_match(&updated, &notify, audit).await?;
        if status == MatchStatus::Accepted
            && let Some(request) = self.store.listings().await?.into_iter().find(|l| l.id == saved.request_id)
        {
            let audit = AuditRecord::new(Some(actor.user_id), "mentoring.close", "request matched");
            self.store.save_listing(&Listing { open: false, ..request }, audit).await?;
        }
        Ok(saved)
    }
}
