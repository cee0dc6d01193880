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
    /// What a session records, field by field; empty means one answer per question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub record: Vec<RecordField>,
    /// When the technique suits, for the choosing tool.
    #[serde(default)]
    pub fit: Fit,
}

/// How a session records one part of a technique's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// Free text.
    Text,
    /// A list of short entries, one per line.
    List,
    /// A whole number from 0 to 10.
    Score,
    /// Each participant's own answer, hidden from the others until the facilitator shares them.
    Private,
}

/// One part of what a session records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordField {
    /// Stable key within the technique, e.g. `went_well`.
    pub key: String,
    /// The label or question shown to the team.
    pub label: String,
    /// How it is recorded.
    pub kind: RecordKind,
}

/// What a technique is for, in the choosing tool's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Plan a piece of work using what others already know.
    PlanAhead,
    /// Learn from what has just happened.
    LearnFromExperience,
    /// Get help with one problem.
    SolveAProblem,
    /// Share knowledge and ideas across a group.
    ShareIdeas,
    /// Connect people who would not otherwise meet.
    ConnectPeople,
    /// Capture what someone knows before it is lost.
    CaptureKnowledge,
    /// Assess how well the team manages knowledge.
    AssessCapability,
}

impl Purpose {
    /// Every purpose, in the order the choosing tool asks.
    pub const ALL: [Purpose; 7] = [
        Purpose::PlanAhead,
        Purpose::LearnFromExperience,
        Purpose::SolveAProblem,
        Purpose::ShareIdeas,
        Purpose::ConnectPeople,
        Purpose::CaptureKnowledge,
        Purpose::AssessCapability,
    ];

    /// How the choosing tool words it.
    pub fn label(self) -> &'static str {
        match self {
            Purpose::PlanAhead => "plan a piece of work using what others already know",
            Purpose::LearnFromExperience => "learn from something that has just happened",
            Purpose::SolveAProblem => "get help with a specific problem",
            Purpose::ShareIdeas => "share knowledge and ideas across a group",
            Purpose::ConnectPeople => "connect people who would not otherwise meet",
            Purpose::CaptureKnowledge => "capture what someone knows before it is lost",
            Purpose::AssessCapability => "assess how well we manage knowledge",
        }
    }

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::PlanAhead => "plan_ahead",
            Purpose::LearnFromExperience => "learn_from_experience",
            Purpose::SolveAProblem => "solve_a_problem",
            Purpose::ShareIdeas => "share_ideas",
            Purpose::ConnectPeople => "connect_people",
            Purpose::CaptureKnowledge => "capture_knowledge",
            Purpose::AssessCapability => "assess_capability",
        }
    }
}

/// Whether the knowledge in question is mostly in people's heads or already written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum KnowledgeForm {
    /// Experience, judgement, know-how.
    Tacit,
    /// Documents, guidance, data.
    Explicit,
    /// Either.
    #[default]
    Both,
}

/// When a technique suits. Absent bounds mean the sources set none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Fit {
    /// What it is for.
    #[serde(default)]
    pub purposes: Vec<Purpose>,
    /// Fewest people it works with.
    #[serde(default)]
    pub min_people: Option<u32>,
    /// Most people it works with.
    #[serde(default)]
    pub max_people: Option<u32>,
    /// Shortest useful session, in minutes.
    #[serde(default)]
    pub min_minutes: Option<u32>,
    /// The knowledge it draws out best.
    #[serde(default)]
    pub knowledge: KnowledgeForm,
    /// Whether it needs a facilitator from outside the team.
    #[serde(default)]
    pub needs_facilitator: bool,
}

impl Technique {
    /// What a session of this technique records: its own fields, or one answer per question.
    pub fn record_fields(&self) -> Vec<RecordField> {
        if !self.record.is_empty() {
            return self.record.clone();
        }
        self.questions
            .iter()
            .enumerate()
            .map(|(i, q)| RecordField { key: format!("q{}", i + 1), label: q.clone(), kind: RecordKind::Text })
            .collect()
    }
}
