//! Interest profiles: the thesaurus subjects and teams a person follows, and how often
//! they hear of new knowledge on them. A profile keeps two saved searches in step (its
//! subjects, each taking in its narrower terms; its teams), so digests, feeds and the
//! report treat it as any other subscription. The communities a person follows are the
//! ones they belong to. The library service sees every profile, is told when one
//! changes, and suggests subjects, which the member takes or declines.
use chrono::Utc;
use serde::Serialize;
use signpost_domain::audit::AuditRecord;
use signpost_domain::awareness::AlertFrequency;
use signpost_domain::communities::Notification;
use signpost_domain::interests::{InterestProfile, ProfileSearches, TermSuggestion};
use signpost_domain::notifications::Category;
use signpost_domain::people::{Actor, Role};
use signpost_domain::{FieldError, StoreError, TeamId, UserId};
use utoipa::ToSchema;

use crate::{ServiceError, Signpost, policy};

/// Subjects one profile may follow.
pub const MAX_TERMS: usize = 50;
/// Teams one profile may follow.
pub const MAX_TEAMS: usize = 20;
/// Suggestions waiting on one profile.
const MAX_SUGGESTIONS: usize = 20;
/// Where a member keeps their profile.
pub const PROFILE_PAGE: &str = "/alerts/interests";

/// A profile with the names a page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileView {
    /// Whose.
    pub name: String,
    /// The profile (empty if they have not made one).
    pub profile: InterestProfile,
    /// The names of its teams, in its order.
    pub team_names: Vec<String>,
    /// The communities they belong to (and so follow).
    pub communities: Vec<String>,
}

fn empty(user_id: UserId) -> InterestProfile {
    InterestProfile {
        user_id,
        terms: Vec::new(),
        teams: Vec::new(),
        frequency: AlertFrequency::Weekly,
        suggestions: Vec::new(),
        updated_at: Utc::now(),
        version: 0,
    }
}

/// The saved searches that send a profile's new knowledge.
fn searches(p: &InterestProfile) -> ProfileSearches {
    let query = |pairs: Vec<(&str, String)>| serde_urlencoded::to_string(pairs).unwrap_or_default();
    ProfileSearches {
        subjects: (!p.terms.is_empty()).then(|| query(vec![("topic", p.terms.join(",")), ("narrower", "true".into())])),
        teams: (!p.teams.is_empty()).then(|| query(vec![("team", p.teams.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(","))])),
    }
}

impl Signpost {
    async fn interests_of(&self, user_id: UserId) -> Result<InterestProfile, ServiceError> {
        Ok(self.store.interest_profile(user_id).await?.unwrap_or_else(|| empty(user_id)))
    }

    async fn view_of(&self, actor: &Actor, profile: InterestProfile) -> Result<ProfileView, ServiceError> {
        let teams = self.teams(actor).await?;
        let team_names = profile.teams.iter().filter_map(|id| teams.iter().find(|t| t.id == *id).map(|t| t.name.clone())).collect();
        let member_of: Vec<_> = self.store.memberships(None).await?.into_iter().filter(|m| m.user_id == profile.user_id).collect();
        let communities = self
            .store
            .communities()
            .await?
            .into_iter()
            .filter(|c| member_of.iter().any(|m| m.community_id == c.id))
            .map(|c| c.name)
            .collect();
        let name = self.store.user(profile.user_id).await?.name;
        Ok(ProfileView { name, profile, team_names, communities })
    }

    /// The actor's interest profile.
    pub async fn interest_profile(&self, actor: &Actor) -> Result<ProfileView, ServiceError> {
        policy::ensure_staff(actor)?;
        let profile = self.interests_of(actor.user_id).await?;
        self.view_of(actor, profile).await
    }

    /// Checks terms against the thesaurus (a non-preferred term becomes its preferred one).
    async fn preferred_terms(&self, terms: &[String], errors: &mut Vec<FieldError>) -> Result<Vec<String>, ServiceError> {
        let thesaurus = self.store.thesaurus().await?;
        let mut out: Vec<String> = Vec::new();
        for t in terms.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            match thesaurus.preferred(t) {
                Some(p) if !out.iter().any(|o| o == p) => out.push(p.to_string()),
                Some(_) => {}
                None => errors.push(FieldError::new("terms", format!("\u{201c}{t}\u{201d} is not a subject in the thesaurus"))),
            }
        }
        Ok(out)
    }

    /// Replaces the actor's subjects, teams and frequency, made against `version` (0 for
    /// a first profile). The library service is told.
    pub async fn save_interest_profile(
        &self,
        actor: &Actor,
        terms: &[String],
        teams: &[TeamId],
        frequency: AlertFrequency,
        version: i64,
    ) -> Result<ProfileView, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        if terms.len() > MAX_TERMS || teams.len() > MAX_TEAMS {
            return Err(ServiceError::TooLarge(format!("a profile follows at most {MAX_TERMS} subjects and {MAX_TEAMS} teams")));
        }
        let mut errors = Vec::new();
        let terms = self.preferred_terms(terms, &mut errors).await?;
        let known = self.teams(actor).await?;
        let mut chosen: Vec<TeamId> = Vec::new();
        for t in teams {
            if !known.iter().any(|k| k.id == *t) {
                errors.push(FieldError::new("teams", format!("there is no team {t}")));
            } else if !chosen.contains(t) {
                chosen.push(*t);
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let current = self.interests_of(actor.user_id).await?;
        if current.version != version {
            return Err(ServiceError::Conflict("your interest profile changed since you opened it; look at it again".into()));
        }
        // A suggestion the member has now chosen is settled.
        let suggestions = current.suggestions.iter().filter(|s| !terms.contains(&s.term)).cloned().collect();
        let profile = InterestProfile { terms, teams: chosen, frequency, suggestions, updated_at: Utc::now(), ..current };
        let summary = format!("{} subjects, {} teams, {}", profile.terms.len(), profile.teams.len(), frequency.as_str());
        let audit = AuditRecord::new(Some(actor.user_id), "interest_profile.save", format!("interest profile saved: {summary}"));
        let notes = self.library_notices(actor, "changed their interest profile").await?;
        let saved = self.store.save_interest_profile(&profile, Some(&searches(&profile)), &notes, audit).await.map_err(conflict)?;
        self.view_of(actor, saved).await
    }

    /// Every member's profile (knowledge specialists), by name.
    pub async fn everyones_interest_profiles(&self, actor: &Actor) -> Result<Vec<ProfileView>, ServiceError> {
        policy::ensure_specialist(actor)?;
        let mut out = Vec::new();
        for p in self.store.interest_profiles().await? {
            out.push(self.view_of(actor, p).await?);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Suggests a subject to a member (knowledge specialists); they are told and choose.
    pub async fn suggest_interest(&self, actor: &Actor, user_id: UserId, term: &str) -> Result<(), ServiceError> {
        policy::ensure_specialist(actor)?;
        let member = match self.store.user(user_id).await {
            Ok(u) if u.disabled_at.is_none() && u.role != Role::Guest => u,
            Ok(_) | Err(StoreError::NotFound) => return Err(ServiceError::NotFound("the member".into())),
            Err(e) => return Err(e.into()),
        };
        let mut errors = Vec::new();
        let term = self.preferred_terms(&[term.to_string()], &mut errors).await?.pop();
        let Some(term) = term.filter(|_| errors.is_empty()) else {
            return Err(ServiceError::Invalid(if errors.is_empty() { vec![FieldError::new("terms", "choose a subject")] } else { errors }));
        };
        let mut profile = self.interests_of(member.id).await?;
        if profile.terms.contains(&term) || profile.suggestions.iter().any(|s| s.term == term) {
            return Err(ServiceError::Conflict(format!("{} already follows or has been offered \u{201c}{term}\u{201d}", member.name)));
        }
        if profile.suggestions.len() >= MAX_SUGGESTIONS {
            return Err(ServiceError::TooLarge(format!("{} has {MAX_SUGGESTIONS} suggestions waiting already", member.name)));
        }
        let now = Utc::now();
        profile.suggestions.push(TermSuggestion { term: term.clone(), by: actor.user_id, at: now });
        let by = self.store.user(actor.user_id).await?.name;
        let note = Notification::new(member.id, format!("{by} suggests you follow \u{201c}{term}\u{201d}"), PROFILE_PAGE, now)
            .about(Category::General);
        let audit = AuditRecord::new(Some(actor.user_id), "interest_profile.suggest", format!("suggested \"{term}\" to {}", member.name));
        self.store.save_interest_profile(&profile, None, &[note], audit).await.map_err(conflict)?;
        Ok(())
    }

    /// Takes or declines a subject the library suggested.
    pub async fn answer_interest_suggestion(&self, actor: &Actor, term: &str, take: bool) -> Result<ProfileView, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let profile = self.interests_of(actor.user_id).await?;
        if !profile.suggestions.iter().any(|s| s.term == term) {
            return Err(ServiceError::NotFound("that suggestion".into()));
        }
        if take {
            let mut terms = profile.terms.clone();
            terms.push(term.to_string());
            return self.save_interest_profile(actor, &terms, &profile.teams, profile.frequency, profile.version).await;
        }
        let declined = InterestProfile { suggestions: profile.suggestions.iter().filter(|s| s.term != term).cloned().collect(), ..profile };
        let audit = AuditRecord::new(Some(actor.user_id), "interest_profile.decline", format!("declined the suggestion \"{term}\""));
        let saved = self.store.save_interest_profile(&declined, None, &[], audit).await.map_err(conflict)?;
        self.view_of(actor, saved).await
    }
}

fn conflict(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict(m) => ServiceError::Conflict(m),
        e => e.into(),
    }
}
