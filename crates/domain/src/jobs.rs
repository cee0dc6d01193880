//! Background work kept in the database: a job is stored (often in the same
//! transaction as the change that causes it), claimed by one node at a time under a
//! lease, retried with backoff up to a limit, and finished in the same transaction as
//! its own effects, so a crash or a second node neither loses nor repeats it.
use crate::StoreError;
use crate::Timestamp;
use crate::audit::AuditRecord;
use crate::communities::Notification;
pub use crate::ids::JobId;
use crate::search::Page;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for its time, or for a retry.
    Pending,
    /// Claimed by a node, until its lease runs out.
    Running,
    /// Finished.
    Done,
    /// Gave up after its last attempt; an admin may retry it.
    Failed,
}

impl JobState {
    /// Every state.
    pub const ALL: [JobState; 4] = [JobState::Pending, JobState::Running, JobState::Done, JobState::Failed];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Job {
    /// Identifier.
    pub id: JobId,
    /// What to do, e.g. `action_reminder`.
    pub kind: String,
    /// What it is about, as the job's kind defines it.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Jobs with the same key are one job: enqueuing it again does nothing.
    pub dedupe_key: Option<String>,
    /// Where it is.
    pub state: JobState,
    /// Attempts started so far.
    pub attempts: i32,
    /// Attempts allowed before it fails.
    pub max_attempts: i32,
    /// Not before this time.
    pub run_at: DateTime<Utc>,
    /// The node holding it while it runs.
    pub locked_by: Option<String>,
    /// When that node's claim lapses.
    pub locked_until: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: String,
    /// When it was enqueued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What to do.
    pub kind: String,
    /// What it is about.
    pub payload: serde_json::Value,
    /// One job per key, however often it is enqueued.
    pub dedupe_key: Option<String>,
    /// Not before this time.
    pub run_at: DateTime<Utc>,
    /// Attempts allowed.
    pub max_attempts: i32,
}

impl NewJob {
    /// A job to run now, tried up to [`DEFAULT_ATTEMPTS`] times.
    pub fn now(kind: &str, payload: serde_json::Value, dedupe_key: impl Into<String>) -> NewJob {
        NewJob { kind: kind.to_string(), payload, dedupe_key: Some(dedupe_key.into()), run_at: Utc::now(), max_attempts: DEFAULT_ATTEMPTS }
    }

    /// One email to send now, once per key.
    pub fn email(mail: &crate::ports::Mail, dedupe_key: impl Into<String>) -> NewJob {
        let payload = serde_json::to_value(mail).unwrap_or_default();
        NewJob::now(EMAIL, payload, dedupe_key)
    }
}

/// The kind of job that sends one email; its payload is a serialised [`crate::ports::Mail`].
pub const EMAIL: &str = "email";

/// Attempts a job gets unless it asks for others.
pub const DEFAULT_ATTEMPTS: i32 = 8;

/// How long to wait before attempt `attempts + 1`: 30 seconds, doubling, at most six hours.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = attempts.clamp(1, 20) - 1;
    Duration::seconds(30i64.saturating_mul(1i64 << doublings)).min(Duration::hours(6))
}

/// Durable background jobs (see [`crate::jobs`]).
#[async_trait]
pub trait JobStore: Send + Sync + 'static {
    /// Enqueues jobs; one whose key is already stored is left as it is. Returns how many were new.
    async fn enqueue(&self, jobs: &[crate::jobs::NewJob]) -> Result<usize, StoreError>;
    /// Claims the next due job for `worker` until `lease_until`: a pending job whose time
    /// has come, or a running one whose node's lease lapsed. One node gets each job.
    async fn claim_job(&self, worker: &str, now: Timestamp, lease_until: Timestamp) -> Result<Option<crate::jobs::Job>, StoreError>;
    /// Finishes a job `worker` still holds, enqueuing `then` in the same transaction;
    /// false, changing nothing, if its lease went to another node.
    async fn finish_job(&self, id: crate::jobs::JobId, worker: &str, then: &[crate::jobs::NewJob]) -> Result<bool, StoreError>;
    /// Finishes a job with the notifications it sends and the notifications it emailed
    /// marked so, in one transaction; false if another node had taken it over.
    async fn finish_job_with(
        &self,
        id: crate::jobs::JobId,
        worker: &str,
        notify: &[Notification],
        emailed: &[i64],
    ) -> Result<bool, StoreError>;
    /// Records a failed attempt: pending again at `retry_at`, or failed for good without one.
    async fn fail_job(&self, id: crate::jobs::JobId, worker: &str, error: &str, retry_at: Option<Timestamp>) -> Result<(), StoreError>;
    /// A page of jobs in `state`, or of every job not done, most recently changed first.
    async fn jobs(&self, state: Option<crate::jobs::JobState>, offset: i64, limit: i64) -> Result<Page<crate::jobs::Job>, StoreError>;
    /// Deletes finished jobs last changed before `before`; returns how many.
    async fn purge_done_jobs(&self, before: Timestamp) -> Result<u64, StoreError>;
    /// Puts a failed job back to run now with fresh attempts.
    async fn retry_job(&self, id: crate::jobs::JobId, audit: AuditRecord) -> Result<crate::jobs::Job, StoreError>;
    /// Finishes an action reminder's job and records the day it was sent on the action
    /// (read inside the transaction, so a change made meanwhile is kept). False if the lease was lost.
    async fn finish_action_reminder(
        &self,
        id: crate::jobs::JobId,
        worker: &str,
        action_id: crate::learning::ActionId,
        on: chrono::NaiveDate,
        audit: AuditRecord,
    ) -> Result<bool, StoreError>;
    /// Finishes a leaving-date notice's job: records the milestone on the plan, adds the
    /// notifications and enqueues the emails, in one transaction. False if the lease was lost.
    #[allow(clippy::too_many_arguments)]
    async fn finish_leaving_notice(
        &self,
        id: crate::jobs::JobId,
        worker: &str,
        plan_id: crate::retention::PlanId,
        days: i64,
        notify: &[Notification],
        then: &[crate::jobs::NewJob],
        audit: AuditRecord,
    ) -> Result<bool, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(30), Duration::hours(6));
        assert_eq!(JobState::parse("failed"), Some(JobState::Failed));
    }
}
