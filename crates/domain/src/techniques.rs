//! The knowledge mobilisation techniques a team runs: what each is for, who takes
//! part, its steps and the questions its method asks.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// When in a piece of work a technique is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Learning before.
    Before,
    /// Learning during.
    During,
    /// Learning after.
    After,
}

/// A technique in the catalogue. Empty texts mean the sources say nothing about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Technique {
    /// Stable identifier, e.g. `after-action-review`.
    pub key: String,
    /// Name, e.g. "After action review (AAR)".
    pub name: String,
    /// Before, during or after.
    pub stage: Stage,
    /// Where the method comes from.
    pub source: String,
    /// What it is for.
    pub purpose: String,
    /// Who and how many take part.
    pub group_size: String,
    /// How long it takes.
    pub duration: String,
    /// The roles people play.
    pub roles: Vec<String>,
    /// The steps, in order.
    pub steps: Vec<String>,
    /// The questions a session answers, in order.
    pub questions: Vec<String>,
    /// What running it produces.
    pub output: String,
}
