//! The organisation: teams in a hierarchy, users and their roles.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AssetId;
use crate::StoreError;
use crate::Timestamp;
use crate::audit::AuditRecord;
use crate::coffee::CoffeeFeedback;
use crate::coffee::CoffeeMember;
use crate::coffee::CoffeeRound;
use crate::coffee::Programme;
use crate::coffee::ProgrammeId;
use crate::communities::Advocate;
use crate::communities::Answer;
use crate::communities::Comment;
use crate::communities::Community;
use crate::communities::CommunityId;
use crate::communities::Membership;
use crate::communities::Notification;
use crate::communities::Post;
use crate::communities::Question;
use crate::communities::QuestionId;
use crate::communities::Vote;
use crate::mentoring::Listing;
use crate::mentoring::MentoringMatch;
use crate::profiles::Profile;
use crate::{FieldError, TeamId, UserId};
use async_trait::async_trait;

/// What a user may do across Signpost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages accounts, teams, roles and configuration; sees everything.
    Admin,
    /// Curates knowledge across the organisation: sees drafts, overrides the identifier guard.
    KnowledgeSpecialist,
    /// A member of staff: searches, contributes, edits their team's knowledge.
    Member,
    /// Read-only: sees only what is public.
    Guest,
}

impl Role {
    /// All roles, most powerful first.
    pub const ALL: [Role; 4] = [Role::Admin, Role::KnowledgeSpecialist, Role::Member, Role::Guest];

    /// The stable name used in the API, the database and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::KnowledgeSpecialist => "knowledge_specialist",
            Role::Member => "member",
            Role::Guest => "guest",
        }
    }

    /// Parses a stable role name.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| FieldError::new("role", format!("unknown role {s:?}: use admin, knowledge_specialist, member or guest")))
    }
}

/// The level of a team in the hierarchy organisation → directorate → team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TeamKind {
    /// The whole organisation (the root).
    Organisation,
    /// A directorate inside the organisation.
    Directorate,
    /// A team inside a directorate.
    Team,
}

impl TeamKind {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            TeamKind::Organisation => "organisation",
            TeamKind::Directorate => "directorate",
            TeamKind::Team => "team",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        match s {
            "organisation" => Ok(TeamKind::Organisation),
            "directorate" => Ok(TeamKind::Directorate),
            "team" => Ok(TeamKind::Team),
            _ => Err(FieldError::new("kind", format!("unknown team kind {s:?}: use organisation, directorate or team"))),
        }
    }

    /// The kind a parent of this kind must have (`None` for the root).
    pub fn parent_kind(self) -> Option<TeamKind> {
        match self {
            TeamKind::Organisation => None,
            TeamKind::Directorate => Some(TeamKind::Organisation),
            TeamKind::Team => Some(TeamKind::Directorate),
        }
    }
}

/// A unit of the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Team {
    /// Identifier.
    pub id: TeamId,
    /// Display name, unique in the organisation.
    pub name: String,
    /// Level in the hierarchy.
    pub kind: TeamKind,
    /// The team above this one; `None` only for the organisation.
    pub parent_id: Option<TeamId>,
}

/// A person with an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct User {
    /// Identifier.
    pub id: UserId,
    /// Email address, unique, used to sign in.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Job title.
    pub job_title: String,
    /// Profession, e.g. nursing, public health, library and knowledge services.
    pub profession: String,
    /// Site or base.
    pub site: String,
    /// The team the person belongs to.
    pub team_id: Option<TeamId>,
    /// What the person may do.
    pub role: Role,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Since when the account has been disabled (it cannot sign in); `None` while it works.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Their line manager, recorded by an administrator or the identity provider.
    pub line_manager_id: Option<UserId>,
}

/// The details needed to create a user; the password is hashed by the services.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewUser {
    /// Email address.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Job title.
    #[serde(default)]
    pub job_title: String,
    /// Profession.
    #[serde(default)]
    pub profession: String,
    /// Site or base.
    #[serde(default)]
    pub site: String,
    /// Team.
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// Role.
    pub role: Role,
    /// Line manager.
    #[serde(default)]
    pub line_manager_id: Option<UserId>,
}

impl NewUser {
    /// Someone with an email address, a name and a role, and nothing else said yet.
    pub fn new(email: impl Into<String>, name: impl Into<String>, role: Role) -> NewUser {
        NewUser {
            email: email.into(),
            name: name.into(),
            job_title: String::new(),
            profession: String::new(),
            site: String::new(),
            team_id: None,
            role,
            line_manager_id: None,
        }
    }

    /// Checks the fields a person typed; returns every problem at once.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let email = self.email.trim();
        let valid_email = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
            })
            && !email.contains(char::is_whitespace);
        if !valid_email {
            errors.push(FieldError::new("email", "enter an email address in the correct format, like name@example.nhs.uk"));
        }
        if self.name.trim().is_empty() || self.name.len() > 200 {
            errors.push(FieldError::new("name", "enter a name of 1 to 200 characters"));
        }
        for (field, value) in [("job_title", &self.job_title), ("profession", &self.profession), ("site", &self.site)] {
            if value.len() > 200 {
                errors.push(FieldError::new(field, "must be 200 characters or fewer"));
            }
        }
        errors
    }
}

/// Who is asking: every service call carries one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in user.
    pub user_id: UserId,
    /// Their role.
    pub role: Role,
    /// Their own team followed by its ancestors up to the organisation.
    pub teams: Vec<TeamId>,
}

impl Actor {
    /// The actor's own team, if they have one.
    pub fn own_team(&self) -> Option<TeamId> {
        self.teams.first().copied()
    }
}

/// A personal API token as listed to its owner (never the secret itself).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiToken {
    /// Identifier.
    pub id: i64,
    /// Owner.
    pub user_id: UserId,
    /// A label chosen by the owner.
    pub name: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it stops working, if it was given an expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

/// What was ended when someone's access was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct RevokedAccess {
    /// API tokens revoked.
    pub tokens: u64,
    /// Browser sessions ended.
    pub sessions: u64,
}

/// A browser session stored server-side.
#[derive(Debug, Clone)]
pub struct BrowserSession {
    /// Owner.
    pub user_id: UserId,
    /// The CSRF token that form posts in this session must carry.
    pub csrf_token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A user and the secret needed to check their password.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// The argon2id PHC string, if the user has a password.
    pub password_hash: Option<String>,
}

/// Where profiles, communities and their questions, advocates, mentoring and coffee
/// programmes are kept. Every write is one transaction with its audit entry and the
/// notifications it causes.
#[async_trait]
pub trait PeopleStore: Send + Sync + 'static {
    /// Inserts or replaces a person's profile.
    async fn save_profile(&self, profile: &Profile, audit: AuditRecord) -> Result<(), StoreError>;
    /// Every profile that has been filled in.
    async fn profiles(&self) -> Result<Vec<Profile>, StoreError>;

    /// Inserts a community (id 0) or replaces one; `founder` becomes its first coordinator.
    async fn save_community(
        &self,
        community: &Community,
        founder: Option<&Membership>,
        audit: AuditRecord,
    ) -> Result<Community, StoreError>;
    /// One community.
    async fn community(&self, id: CommunityId) -> Result<Community, StoreError>;
    /// Every community, by name.
    async fn communities(&self) -> Result<Vec<Community>, StoreError>;
    /// Adds or changes a membership.
    async fn save_membership(&self, membership: &Membership, audit: AuditRecord) -> Result<(), StoreError>;
    /// Ends a membership.
    async fn remove_membership(&self, community_id: CommunityId, user_id: UserId, audit: AuditRecord) -> Result<(), StoreError>;
    /// Memberships of one community, or of every community when `None`.
    async fn memberships(&self, community_id: Option<CommunityId>) -> Result<Vec<Membership>, StoreError>;

    /// Inserts a question (id 0) or replaces one, with the notifications it sends.
    async fn save_question(&self, question: &Question, notify: &[Notification], audit: AuditRecord) -> Result<Question, StoreError>;
    /// One question.
    async fn question(&self, id: QuestionId) -> Result<Question, StoreError>;
    /// Questions of one community, or every question when `None`, newest first.
    async fn questions(&self, community_id: Option<CommunityId>) -> Result<Vec<Question>, StoreError>;
    /// Adds an answer, with the notifications it sends.
    async fn add_answer(&self, answer: &Answer, notify: &[Notification], audit: AuditRecord) -> Result<Answer, StoreError>;
    /// Answers to one question, or every answer when `None`, oldest first.
    async fn answers(&self, question_id: Option<QuestionId>) -> Result<Vec<Answer>, StoreError>;
    /// Adds a comment.
    async fn add_comment(&self, comment: &Comment, audit: AuditRecord) -> Result<Comment, StoreError>;
    /// Comments on a question and its answers, oldest first.
    async fn comments(&self, question_id: QuestionId) -> Result<Vec<Comment>, StoreError>;
    /// Replaces a question, answer or comment with `revised` only if it is still exactly
    /// `expected`; a change made in between is a [`StoreError::Conflict`] and nothing is written.
    async fn revise_post(&self, expected: &Post, revised: &Post, notify: &[Notification], audit: AuditRecord) -> Result<(), StoreError>;
    /// Sets a person's vote on an answer (value 0 withdraws it).
    async fn vote(&self, vote: &Vote) -> Result<(), StoreError>;
    /// Votes on a question's answers.
    async fn votes(&self, question_id: QuestionId) -> Result<Vec<Vote>, StoreError>;

    /// Adds notifications.
    async fn notify(&self, notify: &[Notification]) -> Result<(), StoreError>;
    /// A person's notifications, newest first.
    async fn notifications(&self, user_id: UserId, limit: i64) -> Result<Vec<Notification>, StoreError>;
    /// Marks all of a person's notifications read.
    async fn mark_notifications_read(&self, user_id: UserId) -> Result<(), StoreError>;

    /// Registers an advocate (replacing their team if already registered) and makes them a member of the advocates' community.
    async fn save_advocate(&self, advocate: &Advocate, membership: &Membership, audit: AuditRecord) -> Result<(), StoreError>;
    /// Removes someone from the register.
    async fn remove_advocate(&self, user_id: UserId, audit: AuditRecord) -> Result<(), StoreError>;
    /// The register.
    async fn advocates(&self) -> Result<Vec<Advocate>, StoreError>;

    /// Inserts a mentoring offer or request (id 0) or replaces one.
    async fn save_listing(&self, listing: &Listing, audit: AuditRecord) -> Result<Listing, StoreError>;
    /// Every offer and request, newest first.
    async fn listings(&self) -> Result<Vec<Listing>, StoreError>;
    /// Inserts a match (id 0) or replaces one, with the notifications it sends.
    async fn save_match(&self, m: &MentoringMatch, notify: &[Notification], audit: AuditRecord) -> Result<MentoringMatch, StoreError>;
    /// Every match, newest first.
    async fn matches(&self) -> Result<Vec<MentoringMatch>, StoreError>;

    /// Inserts a programme (id 0) or replaces one.
    async fn save_programme(&self, programme: &Programme, audit: AuditRecord) -> Result<Programme, StoreError>;
    /// One programme.
    async fn programme(&self, id: ProgrammeId) -> Result<Programme, StoreError>;
    /// Every programme, by name.
    async fn programmes(&self) -> Result<Vec<Programme>, StoreError>;
    /// Adds or replaces someone's place in a programme.
    async fn save_coffee_member(&self, member: &CoffeeMember, audit: AuditRecord) -> Result<(), StoreError>;
    /// Everyone who has joined a programme.
    async fn coffee_members(&self, programme_id: ProgrammeId) -> Result<Vec<CoffeeMember>, StoreError>;
    /// Stores a paired round with its notifications and the email jobs introducing each group, and clears the skip flag of those who sat it out, in one transaction.
    async fn insert_round(
        &self,
        round: &CoffeeRound,
        notify: &[Notification],
        emails: &[crate::jobs::NewJob],
        audit: AuditRecord,
    ) -> Result<CoffeeRound, StoreError>;
    /// A programme's rounds, oldest first.
    async fn rounds(&self, programme_id: ProgrammeId) -> Result<Vec<CoffeeRound>, StoreError>;
    /// Adds or replaces someone's feedback on a round.
    async fn save_feedback(&self, feedback: &CoffeeFeedback, audit: AuditRecord) -> Result<(), StoreError>;
    /// Feedback on a programme's rounds.
    async fn feedback(&self, programme_id: ProgrammeId) -> Result<Vec<CoffeeFeedback>, StoreError>;

    /// Who verified which assets, and when (for the expertise finder's evidence).
    async fn verifications(&self, ids: &[AssetId]) -> Result<Vec<(AssetId, UserId, Timestamp)>, StoreError>;
    /// How many times any asset was verified from `from` up to, not including, `until`.
    async fn verifications_between(&self, from: Timestamp, until: Timestamp) -> Result<i64, StoreError>;
}
