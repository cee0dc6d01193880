//! Webhooks per the Standard Webhooks specification: endpoints an admin (or a
//! community's coordinator, for that community) registers, the events they hear of, and
//! the log of every attempt to deliver one. Events are read from the audit log, which
//! each change writes in its own transaction, so no change is missed and none is
//! announced that did not commit.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::{AuditEntry, AuditRecord};
use crate::ids::{CommunityId, EndpointId, UserId};
use crate::jobs::{JobId, NewJob};
use crate::search::Page;
use crate::{StoreError, Timestamp};

/// The events an endpoint may hear of, each with the audit action it comes from and the
/// words the pages use. Names follow the specification: full-stop delimited, `[a-z_]`.
pub const EVENTS: [(&str, &str, &str); 17] = [
    ("knowledge.published", "asset.publish", "Knowledge published"),
    ("knowledge.updated", "asset.update", "Knowledge updated"),
    ("knowledge.archived", "asset.archive", "Knowledge archived"),
    ("knowledge.verified", "asset.verify", "Knowledge verified as still right"),
    ("lesson.recorded", "asset.create", "Lesson recorded"),
    ("lesson.state_changed", "lesson.state", "Lesson moved on (identified, actioned, embedded)"),
    ("action.recorded", "action.create", "Action recorded"),
    ("action.closed", "action.close", "Action closed"),
    ("question.asked", "question.ask", "Question asked"),
    ("question.answered", "question.answer", "Question answered"),
    ("question.accepted", "question.accept", "Answer accepted"),
    ("session.scheduled", "session.create", "Learning session planned"),
    ("session.updated", "session.update", "Learning session updated"),
    ("leaver_plan.started", "leaver_plan.start", "Leaver's knowledge plan started"),
    ("leaver_plan.completed", "leaver_plan.complete", "Leaver's knowledge plan completed"),
    ("coffee_round.drawn", "coffee.round", "Coffee round drawn"),
    ("coffee_programme.created", "coffee.create", "Coffee programme started"),
];

/// The event types an audit entry announces: those of its action, when the entity is
/// the one the action names (sign-in sessions are `session.*` actions about users, not
/// learning sessions); an asset published as it is created is also recorded (the store
/// logs a new asset with only an "after").
pub fn events_for(entry: &AuditEntry) -> Vec<&'static str> {
    if entry.entity_id.is_none() {
        return Vec::new();
    }
    let created = entry.entity == "asset" && entry.before.is_none() && entry.after.is_some();
    EVENTS
        .iter()
        .filter(|(_, action, _)| *action == entry.action || (created && *action == "asset.create"))
        .filter(|(_, action, _)| match action.split('.').next().unwrap_or_default() {
            "lesson" => entry.entity == "asset",
            "coffee" => entry.entity == "coffee_programme",
            other => entry.entity == other,
        })
        .map(|(event, _, _)| *event)
        .collect()
}

/// Whether `name` is an event type.
pub fn is_event(name: &str) -> bool {
    EVENTS.iter().any(|(event, _, _)| *event == name)
}

/// A registered endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Endpoint {
    /// Identifier.
    pub id: EndpointId,
    /// Where deliveries go: `https://…` (or `http://` for an allow-listed address).
    pub url: String,
    /// What it is for, in the registrant's words.
    pub description: String,
    /// The events it hears of; empty for every event.
    pub events: Vec<String>,
    /// Only events about this community (a coordinator's endpoint).
    pub community_id: Option<CommunityId>,
    /// Who registered it, and is told when it is disabled.
    pub owner_id: UserId,
    /// The signing secret, `whsec_` and base64: the receiver checks signatures with it.
    pub secret: String,
    /// The secret before the last rotation, still signed with until `previous_until`.
    pub previous_secret: Option<String>,
    /// When the previous secret stops being used.
    pub previous_until: Option<DateTime<Utc>>,
    /// Whether deliveries are made.
    pub enabled: bool,
    /// Why it was disabled (a 410, days of failures, or by hand).
    pub disabled_reason: String,
    /// Since when every attempt has failed; `None` after a success.
    pub failing_since: Option<DateTime<Utc>>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// Changes so far; an update names the version it read.
    pub version: i64,
}

impl Endpoint {
    /// Whether it hears of `event`.
    pub fn wants(&self, event: &str) -> bool {
        self.enabled && (self.events.is_empty() || self.events.iter().any(|e| e == event))
    }

    /// The secrets to sign with at `now`: the current one, and the previous one during
    /// its grace period.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut out = vec![self.secret.as_str()];
        if let (Some(old), Some(until)) = (&self.previous_secret, self.previous_until)
            && now < until
        {
            out.push(old);
        }
        out
    }
}

/// Where a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// Waiting for an attempt or a retry.
    Pending,
    /// A 2xx came back.
    Delivered,
    /// Every attempt failed, or the endpoint was disabled.
    Failed,
}

impl MessageState {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Pending => "pending",
            MessageState::Delivered => "delivered",
            MessageState::Failed => "failed",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [MessageState::Pending, MessageState::Delivered, MessageState::Failed].into_iter().find(|m| m.as_str() == s)
    }
}

/// One event for one endpoint: its `webhook-id` stays the same on every attempt.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Message {
    /// The `webhook-id`, `msg_` and the audit entry and endpoint it comes from.
    pub id: String,
    /// The endpoint.
    pub endpoint_id: EndpointId,
    /// The event type.
    pub event_type: String,
    /// The exact body sent (and signed).
    pub body: String,
    /// When the event happened.
    pub created_at: DateTime<Utc>,
    /// Where it is.
    pub state: MessageState,
    /// Attempts made.
    pub attempts: i64,
}

/// A message to store, with the job that delivers it.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// The message.
    pub message: Message,
    /// Its delivery job.
    pub job: NewJob,
}

/// One attempt to deliver a message, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Attempt {
    /// Position in the log.
    pub id: i64,
    /// The message.
    pub message_id: String,
    /// The event type.
    pub event_type: String,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The request: method, address and headers, one a line (signatures shortened).
    pub request: String,
    /// The status that came back, if any did.
    pub status: Option<i64>,
    /// The start of the response body, or why there was none.
    pub response: String,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
    /// Whether it counted as delivered.
    pub delivered: bool,
}

/// What an attempt leads to, written with the attempt in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptOutcome {
    /// Delivered: the job is done and the endpoint no longer failing.
    Delivered,
    /// Failed; tried again at this time.
    Retry(Timestamp),
    /// Failed for the last time.
    GiveUp,
    /// The endpoint is disabled for this reason (a 410, or days of failures), and `then`
    /// (the email to its owner) is enqueued.
    Disable(String, Vec<NewJob>),
}

/// The storage webhooks need.
#[async_trait]
pub trait WebhookStore: Send + Sync + 'static {
    /// Registers an endpoint.
    async fn create_endpoint(&self, endpoint: &Endpoint, audit: AuditRecord) -> Result<Endpoint, StoreError>;
    /// Every endpoint, oldest first.
    async fn endpoints(&self) -> Result<Vec<Endpoint>, StoreError>;
    /// One endpoint.
    async fn endpoint(&self, id: EndpointId) -> Result<Endpoint, StoreError>;
    /// Replaces an endpoint if it is still at its version (`Conflict` otherwise).
    async fn update_endpoint(&self, endpoint: &Endpoint, audit: AuditRecord) -> Result<Endpoint, StoreError>;
    /// Removes an endpoint with its messages and log.
    async fn delete_endpoint(&self, id: EndpointId, audit: AuditRecord) -> Result<(), StoreError>;
    /// Where the announcing of events has reached in the audit log.
    async fn webhook_cursor(&self) -> Result<i64, StoreError>;
    /// Audit entries after `after`, oldest first, at most `limit`.
    async fn audit_after(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError>;
    /// Stores messages with their jobs and moves the cursor from `from` to `to`, in one
    /// transaction; false, storing nothing, if another node moved it first.
    async fn queue_messages(&self, from: i64, to: i64, messages: &[NewMessage]) -> Result<bool, StoreError>;
    /// One message.
    async fn message(&self, id: &str) -> Result<Message, StoreError>;
    /// Records an attempt and what it leads to, finishing or rescheduling the job `worker`
    /// holds, in one transaction; false if the lease went to another node.
    async fn record_attempt(
        &self,
        job: JobId,
        worker: &str,
        attempt: &Attempt,
        endpoint: EndpointId,
        outcome: AttemptOutcome,
    ) -> Result<bool, StoreError>;
    /// Sends a message again with its own id, as a new job.
    async fn replay_message(&self, id: &str, job: &NewJob, audit: AuditRecord) -> Result<(), StoreError>;
    /// A page of an endpoint's delivery log, newest first.
    async fn attempts(&self, endpoint: EndpointId, offset: i64, limit: i64) -> Result<Page<Attempt>, StoreError>;
    /// A page of an endpoint's messages, newest first.
    async fn messages(&self, endpoint: EndpointId, offset: i64, limit: i64) -> Result<Page<Message>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, entity: &str, after: Option<serde_json::Value>) -> AuditEntry {
        AuditEntry {
            id: 1,
            at: Utc::now(),
            actor_id: None,
            action: action.into(),
            entity: entity.into(),
            entity_id: Some(7),
            summary: String::new(),
            before: None,
            after,
        }
    }

    #[test]
    fn audit_entries_announce_their_events() {
        let changed = AuditEntry { before: Some(serde_json::json!({})), ..entry("asset.publish", "asset", Some(serde_json::json!({}))) };
        assert_eq!(events_for(&changed), ["knowledge.published"]);
        let created = Some(serde_json::json!({ "status": "published" }));
        assert_eq!(events_for(&entry("asset.publish", "asset", created.clone())), ["knowledge.published", "lesson.recorded"]);
        assert_eq!(events_for(&entry("asset.create", "asset", created)), ["lesson.recorded"]);
        assert!(events_for(&entry("session.sign_in", "user", None)).is_empty(), "signing in is not a learning session");
        assert_eq!(events_for(&entry("session.create", "session", None)), ["session.scheduled"]);
        assert_eq!(events_for(&entry("coffee.round", "coffee_programme", None)), ["coffee_round.drawn"]);
        assert!(events_for(&entry("user.update", "user", None)).is_empty());
    }
}
