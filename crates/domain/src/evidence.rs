//! The evidence service: a member asks the library for a literature search, a
//! knowledge specialist runs it (the strategy recorded database by database), writes an
//! evidence summary from what was found, and weeks later the member says what
//! difference it made.
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::AuditRecord;
use crate::communities::Notification;
use crate::impact::ImpactStatement;
use crate::{AssetId, FieldError, StoreError, UserId};

/// What the evidence is for, as NHS library services ask on their request forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Direct patient care.
    PatientCare,
    /// Developing or changing a service.
    ServiceChange,
    /// Writing a policy, guideline or protocol.
    Policy,
    /// Teaching, learning or study.
    Education,
    /// Research or audit.
    Research,
}

impl Purpose {
    /// Every purpose, in the order the form offers them.
    pub const ALL: [Purpose; 5] = [Purpose::PatientCare, Purpose::ServiceChange, Purpose::Policy, Purpose::Education, Purpose::Research];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::PatientCare => "patient_care",
            Purpose::ServiceChange => "service_change",
            Purpose::Policy => "policy",
            Purpose::Education => "education",
            Purpose::Research => "research",
        }
    }

    /// What people read.
    pub fn describe(self) -> &'static str {
        match self {
            Purpose::PatientCare => "Patient care",
            Purpose::ServiceChange => "Service change or development",
            Purpose::Policy => "Policy, guideline or protocol",
            Purpose::Education => "Education or study",
            Purpose::Research => "Research or audit",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| FieldError::new("purpose", "choose what the evidence is for"))
    }
}

/// Who may read the evidence summary besides the requester and the specialist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Only the requester and the people they name.
    Named,
    /// The requester's team too.
    Team,
    /// Everyone in the organisation.
    Organisation,
}

impl Audience {
    /// Every audience, narrowest first.
    pub const ALL: [Audience; 3] = [Audience::Named, Audience::Team, Audience::Organisation];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Named => "named",
            Audience::Team => "team",
            Audience::Organisation => "organisation",
        }
    }

    /// What people read.
    pub fn describe(self) -> &'static str {
        match self {
            Audience::Named => "Only me and the people I name",
            Audience::Team => "My team",
            Audience::Organisation => "Everyone in the organisation",
        }
    }

    /// Who reads the summary, as anyone but the requester reads it.
    pub fn readers(self) -> &'static str {
        match self {
            Audience::Named => "The requester and the people they named",
            Audience::Team => "The requester's team",
            Audience::Organisation => "Everyone in the organisation",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Audience::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| FieldError::new("audience", "choose who else may read the evidence summary"))
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Waiting for a specialist.
    Submitted,
    /// A specialist is searching.
    Taken,
    /// The evidence summary has been sent.
    Delivered,
    /// The requester no longer needs it.
    Withdrawn,
}

impl RequestState {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Submitted => "submitted",
            RequestState::Taken => "taken",
            RequestState::Delivered => "delivered",
            RequestState::Withdrawn => "withdrawn",
        }
    }

    /// What people read.
    pub fn describe(self) -> &'static str {
        match self {
            RequestState::Submitted => "Waiting for a specialist",
            RequestState::Taken => "Being searched",
            RequestState::Delivered => "Delivered",
            RequestState::Withdrawn => "Withdrawn",
        }
    }
}

/// A question's parts in the PICO frame, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Pico {
    /// Population, patient or problem.
    #[serde(default)]
    pub population: String,
    /// Intervention.
    #[serde(default)]
    pub intervention: String,
    /// Comparison.
    #[serde(default)]
    pub comparison: String,
    /// Outcome.
    #[serde(default)]
    pub outcome: String,
}

impl Pico {
    /// The parts given, labelled, in PICO order.
    pub fn parts(&self) -> Vec<(&'static str, &str)> {
        [
            ("Population", self.population.as_str()),
            ("Intervention", self.intervention.as_str()),
            ("Comparison", self.comparison.as_str()),
            ("Outcome", self.outcome.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }
}

/// One line of a search strategy, as a database's search history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SearchLine {
    /// What was searched, such as `exp Accidental Falls/` or `1 AND 2`.
    pub text: String,
    /// How many records it found.
    pub results: u64,
}

/// A search of one database, recorded so it can be reported and run again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SearchRecord {
    /// The database, such as MEDLINE or CINAHL.
    pub database: String,
    /// The platform or interface, such as Ovid or EBSCOhost.
    #[serde(default)]
    pub platform: String,
    /// When it was run.
    pub run_on: NaiveDate,
    /// The publication dates searched, such as `2015-current`.
    #[serde(default)]
    pub date_limits: String,
    /// Other limits applied, such as English language or humans.
    #[serde(default)]
    pub limits: String,
    /// The lines, in order.
    pub lines: Vec<SearchLine>,
    /// Who ran it.
    pub recorded_by: UserId,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// What the requester said the evidence was used for, weeks after delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FollowUp {
    /// When they were asked.
    pub asked_at: DateTime<Utc>,
    /// The impact statement their answer became, once answered.
    #[serde(default)]
    pub impact_id: Option<i64>,
    /// When they answered.
    #[serde(default)]
    pub answered_at: Option<DateTime<Utc>>,
}

/// A request for a literature search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceRequest {
    /// Identifier.
    pub id: i64,
    /// Who asked.
    pub requester_id: UserId,
    /// The question, in the requester's words.
    pub question: String,
    /// The question in the PICO frame, where given.
    #[serde(default)]
    pub pico: Pico,
    /// What the evidence is for.
    pub purpose: Purpose,
    /// When it is needed by.
    pub deadline: NaiveDate,
    /// Who else may read the result.
    pub audience: Audience,
    /// People the requester named to see the request and its result.
    #[serde(default)]
    pub shared_with: Vec<UserId>,
    /// Where it stands.
    pub state: RequestState,
    /// The specialist searching, once taken.
    #[serde(default)]
    pub specialist_id: Option<UserId>,
    /// The evidence summary written for it.
    #[serde(default)]
    pub summary_id: Option<AssetId>,
    /// The searches run, database by database.
    #[serde(default)]
    pub searches: Vec<SearchRecord>,
    /// Earlier requests whose searches or summaries this one built on.
    #[serde(default)]
    pub reused: Vec<i64>,
    /// When it was asked.
    pub created_at: DateTime<Utc>,
    /// When a specialist took it.
    #[serde(default)]
    pub taken_at: Option<DateTime<Utc>>,
    /// When the summary was sent.
    #[serde(default)]
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the requester is to be asked what difference it made.
    #[serde(default)]
    pub follow_up_due: Option<NaiveDate>,
    /// The follow-up, once asked.
    #[serde(default)]
    pub follow_up: Option<FollowUp>,
    /// Bumped by every change, so concurrent changes are caught.
    #[serde(default)]
    pub version: i64,
}

impl EvidenceRequest {
    /// Days from asking to delivery, once delivered.
    pub fn turnaround_days(&self) -> Option<i64> {
        self.delivered_at.map(|d| (d.date_naive() - self.created_at.date_naive()).num_days())
    }
}

/// A new request's address before it has an id: the store writes the id into notices
/// that link here, in the transaction that creates the request.
pub const NEW_REQUEST_LINK: &str = "/evidence/requests/new-request";

/// Where evidence requests are kept.
#[async_trait]
pub trait EvidenceStore: Send + Sync + 'static {
    /// Stores a new request, with the notices it sends, in one transaction.
    async fn create_evidence_request(
        &self,
        request: &EvidenceRequest,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<EvidenceRequest, StoreError>;
    /// One request.
    async fn evidence_request(&self, id: i64) -> Result<EvidenceRequest, StoreError>;
    /// Every request, newest first.
    async fn evidence_requests(&self) -> Result<Vec<EvidenceRequest>, StoreError>;
    /// Replaces a request only if it is still at `request.version`, with the notices the
    /// change sends, in one transaction; [`StoreError::Conflict`] if it changed meanwhile.
    async fn update_evidence_request(
        &self,
        request: &EvidenceRequest,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<EvidenceRequest, StoreError>;
    /// Records the requester's answer to the follow-up as an impact statement and links
    /// it to the request (still at `request.version`), in one transaction.
    async fn answer_follow_up(
        &self,
        request: &EvidenceRequest,
        statement: &ImpactStatement,
        audit: AuditRecord,
    ) -> Result<(EvidenceRequest, ImpactStatement), StoreError>;
    /// Delivered requests whose follow-up is due on or before `today` and not yet asked.
    async fn follow_ups_due(&self, today: NaiveDate) -> Result<Vec<EvidenceRequest>, StoreError>;
    /// A setting of the whole instance, if set.
    async fn instance_setting(&self, name: &str) -> Result<Option<String>, StoreError>;
    /// Sets a setting of the whole instance.
    async fn set_instance_setting(&self, name: &str, value: &str, audit: AuditRecord) -> Result<(), StoreError>;
}
