//! Mentoring: offers and requests by skill, and the matches people agree.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::UserId;

/// Whether a listing offers or asks for mentoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListingKind {
    /// "I can mentor in…"
    Offer,
    /// "I would like a mentor in…"
    Request,
}

impl ListingKind {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ListingKind::Offer => "offer",
            ListingKind::Request => "request",
        }
    }
}

/// An offer of, or a request for, mentoring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Listing {
    /// Identifier.
    pub id: i64,
    /// Whose.
    pub user_id: UserId,
    /// Offer or request.
    pub kind: ListingKind,
    /// The skills, lower case.
    pub skills: Vec<String>,
    /// More about it: time available, what they hope for.
    pub note: String,
    /// Still looking for a match.
    pub open: bool,
    /// When listed.
    pub created_at: DateTime<Utc>,
}

/// Where a match stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    /// One of them asked; the other has not answered.
    Proposed,
    /// Both agreed; mentoring is under way.
    Accepted,
    /// The other said no.
    Declined,
    /// Finished.
    Ended,
}

impl MatchStatus {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchStatus::Proposed => "proposed",
            MatchStatus::Accepted => "accepted",
            MatchStatus::Declined => "declined",
            MatchStatus::Ended => "ended",
        }
    }
}

/// A mentor and mentee brought together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MentoringMatch {
    /// Identifier.
    pub id: i64,
    /// The mentor.
    pub mentor_id: UserId,
    /// The mentee.
    pub mentee_id: UserId,
    /// The mentee's request.
    pub request_id: i64,
    /// The mentor's offer.
    pub offer_id: i64,
    /// The skills they share.
    pub skills: Vec<String>,
    /// Why they were suggested to each other.
    pub reasons: Vec<String>,
    /// Who proposed it; the other person accepts or declines.
    pub proposed_by: UserId,
    /// Where it stands.
    pub status: MatchStatus,
    /// When proposed.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}
