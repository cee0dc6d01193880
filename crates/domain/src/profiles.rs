//! What people say about themselves beyond their account: seniority, skills,
//! interests and availability, with who may see it and whether Signpost may suggest
//! them to others.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::UserId;

/// The seniority bands a profile may give (NHS Agenda for Change, plus medical and other).
pub const BANDS: [&str; 12] =
    ["Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7", "Band 8a", "Band 8b", "Band 8c", "Band 8d", "Band 9", "Medical"];

/// Who may see a profile's details (skills, interests, band and availability).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProfileAudience {
    /// Everyone signed in, guests included.
    Everyone,
    /// Staff of the organisation (not guests).
    #[default]
    Staff,
    /// Only the person's own team (and administrators).
    Team,
}

impl ProfileAudience {
    /// All audiences, widest first.
    pub const ALL: [ProfileAudience; 3] = [ProfileAudience::Everyone, ProfileAudience::Staff, ProfileAudience::Team];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileAudience::Everyone => "everyone",
            ProfileAudience::Staff => "staff",
            ProfileAudience::Team => "team",
        }
    }

    /// What a person reads on the form.
    pub fn label(self) -> &'static str {
        match self {
            ProfileAudience::Everyone => "Everyone who can sign in, guests included",
            ProfileAudience::Staff => "Staff of the organisation",
            ProfileAudience::Team => "Only my team",
        }
    }
}

/// A person's profile. Everyone has one: until they fill it in it is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Profile {
    /// Whose.
    pub user_id: UserId,
    /// Seniority band, one of [`BANDS`], or empty.
    pub band: String,
    /// Skills the person declares, lower case.
    pub skills: Vec<String>,
    /// Subjects the person wants to learn about or follow, lower case.
    pub interests: Vec<String>,
    /// Willing to mentor.
    pub mentoring: bool,
    /// Willing to be a visitor in other teams' peer assists.
    pub peer_assist: bool,
    /// Who sees the details above.
    pub audience: ProfileAudience,
    /// Whether Signpost may suggest the person as an expert, mentor or person to ask.
    pub suggest_me: bool,
    /// When last changed.
    pub updated_at: Option<DateTime<Utc>>,
}

impl Profile {
    /// The profile of someone who has not filled theirs in.
    pub fn empty(user_id: UserId) -> Self {
        Profile {
            user_id,
            band: String::new(),
            skills: Vec::new(),
            interests: Vec::new(),
            mentoring: false,
            peer_assist: false,
            audience: ProfileAudience::Staff,
            suggest_me: true,
            updated_at: None,
        }
    }
}
