//! Profiles: what people say about themselves, shown only to the audience they chose,
//! and their choice to be suggested to others or not.
use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::{Advocate, MemberRole};
use signpost_domain::people::{Actor, User};
use signpost_domain::profiles::{BANDS, Profile, ProfileAudience};
use signpost_domain::{FieldError, StoreError, UserId};
use utoipa::ToSchema;

use crate::validate::clean_skills;
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::CommunityId;

/// A person's changes to their own profile.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// Seniority band: one of the listed bands, or empty.
    #[serde(default)]
    pub band: String,
    /// Declared skills.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Interests.
    #[serde(default)]
    pub interests: Vec<String>,
    /// Willing to mentor.
    #[serde(default)]
    pub mentoring: bool,
    /// Willing to visit other teams' peer assists.
    #[serde(default)]
    pub peer_assist: bool,
    /// Who sees the details.
    pub audience: ProfileAudience,
    /// Whether Signpost may suggest them as an expert, mentor or person to ask.
    pub suggest_me: bool,
}

/// A community someone belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommunityRole {
    /// The community.
    #[schema(value_type = i64)]
    pub community_id: CommunityId,
    /// Its name.
    pub name: String,
    /// Their part in it.
    pub role: MemberRole,
}

/// A person as another person sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileView {
    /// The account's public details: name, job title, profession, site, team.
    pub user: User,
    /// The profile's details, when the reader is in its audience.
    pub profile: Option<Profile>,
    /// The team they advocate in, if they are a knowledge advocate.
    pub advocate_team: Option<String>,
    /// Communities they belong to, with their role.
    pub communities: Vec<CommunityRole>,
    /// Whether this is the reader's own profile.
    pub own: bool,
}

impl Signpost {
    /// A person's profile (empty if never filled in).
    pub(crate) async fn profile_of(&self, user_id: UserId) -> Result<Profile, ServiceError> {
        Ok(self.store.profiles().await?.into_iter().find(|p| p.user_id == user_id).unwrap_or_else(|| Profile::empty(user_id)))
    }

    /// The actor's own profile, for editing.
    pub async fn my_profile(&self, actor: &Actor) -> Result<Profile, ServiceError> {
        policy::ensure_staff(actor)?;
        self.profile_of(actor.user_id).await
    }

    /// Someone's profile as `actor` may see it.
    pub async fn person_profile(&self, actor: &Actor, user_id: UserId) -> Result<ProfileView, ServiceError> {
        policy::ensure_staff(actor)?;
        let user = match self.store.user(user_id).await {
            Err(StoreError::NotFound) => return Err(ServiceError::NotFound("the person".into())),
            other => other?,
        };
        let profile = self.profile_of(user_id).await?;
        let user = policy::user_as_seen_by(actor, user, &profile);
        let visible = policy::can_see_profile(actor, &user, &profile).then_some(profile);
        let teams = self.store.teams().await?;
        let advocate: Option<Advocate> = self.store.advocates().await?.into_iter().find(|a| a.user_id == user_id);
        let advocate_team = advocate.and_then(|a| teams.iter().find(|t| t.id == a.team_id).map(|t| t.name.clone()));
        let names: std::collections::HashMap<CommunityId, String> =
            self.store.communities().await?.into_iter().map(|c| (c.id, c.name)).collect();
        let communities = self
            .store
            .memberships(None)
            .await?
            .into_iter()
            .filter(|m| m.user_id == user_id)
            .filter_map(|m| {
                names.get(&m.community_id).map(|n| CommunityRole { community_id: m.community_id, name: n.clone(), role: m.role })
            })
            .collect();
        Ok(ProfileView { own: actor.user_id == user_id, user, profile: visible, advocate_team, communities })
    }

    /// Replaces the actor's own profile.
    pub async fn update_profile(&self, actor: &Actor, input: ProfileInput) -> Result<Profile, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let mut errors: Vec<FieldError> = Vec::new();
        let band = input.band.trim().to_string();
        if !band.is_empty() && !BANDS.contains(&band.as_str()) {
            errors.push(FieldError::new("band", format!("choose one of {}, or leave it empty", BANDS.join(", "))));
        }
        let skills = clean_skills("skills", &input.skills, &mut errors);
        let interests = clean_skills("interests", &input.interests, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let profile = Profile {
            user_id: actor.user_id,
            band,
            skills,
            interests,
            mentoring: input.mentoring,
            peer_assist: input.peer_assist,
            audience: input.audience,
            suggest_me: input.suggest_me,
            updated_at: Some(Utc::now()),
        };
        let audit = AuditRecord::new(Some(actor.user_id), "profile.update", "updated their profile");
        self.store.save_profile(&profile, audit).await?;
        Ok(profile)
    }
}
