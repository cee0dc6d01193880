//! Who may see an asset, as a condition that the services build once per actor
//! and that the store (SQL) and the search index (Tantivy) translate into their
//! own queries. The decision is made in one place; the translations are mechanical.
use crate::assets::{Asset, Status, Visibility};
use crate::{TeamId, UserId};

/// A condition over the access attributes of an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Every asset.
    Always,
    /// No asset.
    Never,
    /// At least one holds.
    Any(Vec<Condition>),
    /// All hold.
    All(Vec<Condition>),
    /// The asset is owned by this user.
    OwnerIs(UserId),
    /// The asset's status is one of these.
    StatusIn(Vec<Status>),
    /// The asset's visibility is one of these.
    VisibilityIn(Vec<Visibility>),
    /// The asset belongs to one of these teams.
    TeamIn(Vec<TeamId>),
    /// This user is among the asset's named viewers.
    NamedViewer(UserId),
}

/// The attributes of an asset that visibility depends on.
#[derive(Debug, Clone, Copy)]
pub struct AccessView<'a> {
    /// Owner.
    pub owner_id: UserId,
    /// Status.
    pub status: Status,
    /// Visibility.
    pub visibility: Visibility,
    /// Team.
    pub team_id: TeamId,
    /// Named viewers.
    pub named_viewers: &'a [UserId],
}

impl<'a> From<&'a Asset> for AccessView<'a> {
    fn from(a: &'a Asset) -> Self {
        AccessView { owner_id: a.owner_id, status: a.status, visibility: a.visibility, team_id: a.team_id, named_viewers: &a.named_viewers }
    }
}

impl Condition {
    /// Evaluates the condition for one asset.
    pub fn matches(&self, a: AccessView<'_>) -> bool {
        match self {
            Condition::Always => true,
            Condition::Never => false,
            Condition::Any(cs) => cs.iter().any(|c| c.matches(a)),
            Condition::All(cs) => cs.iter().all(|c| c.matches(a)),
            Condition::OwnerIs(u) => a.owner_id == *u,
            Condition::StatusIn(s) => s.contains(&a.status),
            Condition::VisibilityIn(v) => v.contains(&a.visibility),
            Condition::TeamIn(t) => t.contains(&a.team_id),
            Condition::NamedViewer(u) => a.named_viewers.contains(u),
        }
    }
}
