//! Background work as durable jobs. Any number of nodes look for reminders that fall due
//! and enqueue them under a key of their own (`action-reminder:12:2026-11-30`), so the
//! same reminder is only ever one job; every node then claims due jobs one at a time
//! under a lease. A job's effects and its completion are one transaction; a node that
//! stops mid-job leaves its lease to lapse and another node takes the job up again.
//!
//! An email is the one effect outside the database: if a node stops after the relay
//! accepted a message but before recording it, the retry sends it again, with the same
//! Message-ID (`<job-ID@signpost>`) so mail systems treat it as the same message.
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;
use serde_json::json;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::jobs::{Job, JobId, JobState, NewJob, backoff};
use signpost_domain::learning::{ActionFilter, ActionStatus};
use signpost_domain::people::Actor;
use signpost_domain::ports::Mail;
use signpost_domain::search::Page;
use utoipa::ToSchema;

use crate::learning::reminders::{message, reminder_due};
use crate::leavers::{leaving_notice, participants, plan_link};
use crate::notifications::{DIGEST, NOTIFICATION_EMAIL};
use crate::{ServiceError, Signpost, policy};
use signpost_domain::assets::Status;
use signpost_domain::ids::AssetId;
use signpost_domain::ids::{ActionId, PlanId, UserId};
use signpost_domain::notifications::{Category, Frequency};

/// An asset's owner is told it is due for review (`{"asset_id", "due"}`).
pub const REVIEW_NOTICE: &str = "review_notice";
/// How far ahead of its review date an owner is told.
const REVIEW_NOTICE_DAYS: i64 = 14;
/// An action's owner is emailed a reminder (`{"action_id", "on"}`).
pub const ACTION_REMINDER: &str = "action_reminder";
/// The people in a leaver's plan are told the date is near (`{"plan_id", "days"}`).
pub const LEAVING_NOTICE: &str = "leaving_notice";
pub use signpost_domain::jobs::EMAIL;

/// How often each node looks for reminders that have fallen due.
const SCAN_EVERY: Duration = Duration::from_secs(3_600);
/// How often an idle node looks for jobs to run.
const POLL: Duration = Duration::from_secs(2);
/// How long finished jobs are kept, for the admin page.
const KEEP_DONE_DAYS: i64 = 30;

/// What one pass over the due jobs did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct JobRun {
    /// Leavers' plans whose people were told the date is near.
    pub leaving_notices: usize,
    /// Action reminders emailed.
    pub action_reminders: usize,
    /// Other emails sent.
    pub emails: usize,
    /// Webhook delivery attempts made (each logged, delivered or not).
    pub webhook_attempts: usize,
    /// Attempts that failed (to be retried, or given up).
    pub failed: usize,
}

/// What a job did, for counting.
enum Done {
    LeavingNotice,
    ActionReminder,
    Email,
    Webhook,
    Nothing,
}

impl Signpost {
    /// Claims a job at most this long before another node may take it up.
    pub fn with_job_lease(mut self, lease: Duration) -> Self {
        self.job_lease = lease;
        self
    }

    /// Enqueues every reminder due today: action reminders (when mail is configured),
    /// notices of leaving dates, notices to owners of knowledge due for review, and the
    /// digests whose time has come. Safe from any number of nodes at once: each is one job.
    pub async fn enqueue_due_reminders(&self) -> Result<usize, ServiceError> {
        let today = Utc::now().date_naive();
        let mut jobs = Vec::new();
        for plan in self.store.leaver_plans().await? {
            if let Some(days) = plan.reminder_due(today) {
                let key = format!("leaving-notice:{}:{days}:{}", plan.id, plan.leaving_on);
                jobs.push(NewJob::now(LEAVING_NOTICE, json!({ "plan_id": plan.id, "days": days }), key));
            }
        }
        if self.mailer.is_some() {
            let open = self.store.actions(&ActionFilter { open_only: true, ..ActionFilter::default() }).await?;
            for action in open.into_iter().filter(|a| reminder_due(a, today)) {
                let key = format!("action-reminder:{}:{today}", action.id);
                jobs.push(NewJob::now(ACTION_REMINDER, json!({ "action_id": action.id, "on": today }), key));
            }
        }
        // A review date is noticed as it comes within the horizon (or on the day it is set,
        // if nearer); dates long past had theirs, so the hourly scan stays small.
        let (from, horizon) = (Utc::now() - chrono::Duration::days(1), Utc::now() + chrono::Duration::days(REVIEW_NOTICE_DAYS));
        for asset in self.store.published_due_between(from, horizon).await? {
            let due = asset.next_review_at.date_naive();
            let key = format!("review-notice:{}:{due}", asset.id);
            jobs.push(NewJob::now(REVIEW_NOTICE, json!({ "asset_id": asset.id, "due": due }), key));
        }
        self.store.purge_done_jobs(Utc::now() - chrono::Duration::days(KEEP_DONE_DAYS)).await?;
        self.send_evidence_follow_ups(today).await?;
        let digests = self.queue_due_digests().await? + self.queue_alert_digests(Utc::now()).await?;
        Ok(self.store.enqueue(&jobs).await? + digests)
    }

    /// Claims and runs due jobs one at a time until none is left.
    pub async fn run_due_jobs(&self) -> Result<JobRun, ServiceError> {
        let mut run = JobRun::default();
        // Events since the last pass become messages first, so they go out in this one.
        if let Err(e) = self.queue_webhook_events().await {
            tracing::warn!(error = %e, "webhook events could not be queued");
        }
        loop {
            let now = Utc::now();
            let lease = chrono::Duration::from_std(self.job_lease).unwrap_or(chrono::Duration::minutes(5));
            let Some(job) = self.store.claim_job(&self.worker, now, now + lease).await? else { return Ok(run) };
            // A job may use at most three quarters of its lease, so it never runs on
            // after another node could have taken it up.
            let limit = self.job_lease.mul_f64(0.75);
            let outcome = match tokio::time::timeout(limit, self.run_job(&job)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(format!("did not finish within {} seconds", limit.as_secs())),
            };
            match outcome {
                Ok(Done::LeavingNotice) => run.leaving_notices += 1,
                Ok(Done::ActionReminder) => run.action_reminders += 1,
                Ok(Done::Email) => run.emails += 1,
                Ok(Done::Webhook) => run.webhook_attempts += 1,
                Ok(Done::Nothing) => {}
                Err(error) => {
                    run.failed += 1;
                    let retry = (job.attempts < job.max_attempts).then(|| Utc::now() + backoff(job.attempts));
                    tracing::warn!(job = job.id.0, kind = %job.kind, attempt = job.attempts, error = %error, "a background job failed");
                    self.store.fail_job(job.id, &self.worker, &error, retry).await?;
                }
            }
        }
    }

    /// Looks for reminders every hour and runs due jobs every few seconds, on every node.
    pub fn spawn_jobs(&self) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            let mut last_scan: Option<std::time::Instant> = None;
            loop {
                if last_scan.is_none_or(|t| t.elapsed() >= SCAN_EVERY) {
                    match this.enqueue_due_reminders().await {
                        Ok(_) => last_scan = Some(std::time::Instant::now()),
                        Err(e) => tracing::error!(error = %e, "looking for reminders failed; trying again shortly"),
                    }
                }
                if let Err(e) = this.queue_notification_emails().await {
                    tracing::error!(error = %e, "queuing notification emails failed; trying again shortly");
                }
                if let Err(e) = this.run_due_jobs().await {
                    tracing::error!(error = %e, "running background jobs failed; trying again shortly");
                }
                tokio::time::sleep(POLL).await;
            }
        })
    }

    /// Enqueues what is due and runs every due job now (`signpost remind`, and tests).
    pub async fn remind_now(&self) -> Result<JobRun, ServiceError> {
        self.enqueue_due_reminders().await?;
        self.queue_notification_emails().await?;
        self.run_due_jobs().await
    }

    /// As [`Signpost::remind_now`], counting the leavers' plans whose people were told.
    pub async fn send_leaving_reminders(&self) -> Result<usize, ServiceError> {
        Ok(self.remind_now().await?.leaving_notices)
    }

    /// As [`Signpost::remind_now`], counting the action reminders emailed.
    pub async fn send_action_reminders(&self) -> Result<usize, ServiceError> {
        Ok(self.remind_now().await?.action_reminders)
    }

    /// A page of background jobs (admins): those in `state`, or every job not done.
    pub async fn background_jobs(
        &self,
        actor: &Actor,
        state: Option<JobState>,
        offset: i64,
        limit: i64,
    ) -> Result<Page<Job>, ServiceError> {
        policy::ensure_admin(actor)?;
        let (offset, limit) = crate::accounts::page_bounds(offset, limit)?;
        Ok(self.store.jobs(state, offset, limit).await?)
    }

    /// Runs a failed job again with fresh attempts (admins).
    pub async fn retry_background_job(&self, actor: &Actor, id: JobId) -> Result<Job, ServiceError> {
        policy::ensure_admin(actor)?;
        let audit = AuditRecord::new(Some(actor.user_id), "job.retry", format!("retried background job {id}"));
        self.store.retry_job(id, audit).await.map_err(|e| match e {
            signpost_domain::StoreError::NotFound => ServiceError::NotFound("a failed job with that id".into()),
            e => e.into(),
        })
    }

    async fn run_job(&self, job: &Job) -> Result<Done, String> {
        let number = |key: &str| job.payload[key].as_i64().ok_or_else(|| format!("the job has no {key}"));
        let lost = |kept: Result<bool, signpost_domain::StoreError>| match kept {
            Ok(true) => Ok(()),
            Ok(false) => Err("another node took the job over".to_string()),
            Err(e) => Err(e.to_string()),
        };
        match job.kind.as_str() {
            crate::webhooks::delivery::WEBHOOK_DELIVERY => {
                if self.deliver_webhook(job).await? {
                    Ok(Done::Webhook)
                } else {
                    Err("another node took the job over".to_string())
                }
            }
            ACTION_REMINDER => {
                let on = job.payload["on"].as_str().and_then(|d| d.parse().ok()).ok_or("the job has no date")?;
                let action = match self.store.action(ActionId(number("action_id")?)).await {
                    Ok(a) if a.status == ActionStatus::Open => a,
                    // Closed or gone since it was enqueued: nothing to remind anyone of.
                    _ => return lost(self.store.finish_job(job.id, &self.worker, &[]).await).map(|()| Done::Nothing),
                };
                let mailer = self.mailer.clone().ok_or("mail is not configured on this node")?;
                let owner = self.store.user(action.owner_id).await.map_err(|e| e.to_string())?;
                if !self.wants_email(owner.id, Category::ActionReminder).await.map_err(|e| e.to_string())? || owner.disabled_at.is_some() {
                    return lost(self.store.finish_job(job.id, &self.worker, &[]).await).map(|()| Done::Nothing);
                }
                let (subject, body) = message(&action, &owner.name, on, &self.mail_link("/actions", "Actions"));
                let mail = Mail::text(owner.email.clone(), subject, body).with_message_id(message_id(job.id));
                deliver(&mailer, &mail).await?;
                let audit = AuditRecord::new(None, "action.remind", format!("reminded {} about {:?}", owner.email, action.title));
                lost(self.store.finish_action_reminder(job.id, &self.worker, action.id, on, audit).await)?;
                Ok(Done::ActionReminder)
            }
            LEAVING_NOTICE => {
                let days = number("days")?;
                let plan = self.store.leaver_plan(PlanId(number("plan_id")?)).await.map_err(|e| e.to_string())?;
                let today = Utc::now().date_naive();
                if plan.reminder_due(today) != Some(days) {
                    // Closed, or its date moved since: the next scan decides anew.
                    return lost(self.store.finish_job(job.id, &self.worker, &[]).await).map(|()| Done::Nothing);
                }
                let users = self.people_by_id().await.map_err(|e| e.to_string())?;
                let name = users.get(&plan.leaver_id).map_or("someone", |u| u.name.as_str());
                let (subject, text) = leaving_notice(&plan, name, today);
                let now = Utc::now();
                let people = participants(&plan, UserId(0));
                let notify: Vec<Notification> =
                    people.iter().map(|u| Notification::new(*u, text.clone(), plan_link(plan.id), now)).collect();
                let link = self.mail_link(&plan_link(plan.id), "Leavers");
                let mut wanted = Vec::new();
                for u in &people {
                    if self.wants_email(*u, Category::LeaverPlan).await.map_err(|e| e.to_string())? {
                        wanted.push(*u);
                    }
                }
                let emails: Vec<NewJob> = match self.mailer {
                    None => Vec::new(),
                    Some(_) => wanted
                        .iter()
                        .filter_map(|u| users.get(u))
                        .filter(|u| u.disabled_at.is_none())
                        .map(|u| {
                            let body = format!("{text}.\n\nSee the plan: {link}\n");
                            let key = format!("leaving-mail:{}:{days}:{}:{}", plan.id, plan.leaving_on, u.id);
                            NewJob::email(&Mail::text(u.email.clone(), subject.clone(), body), key)
                        })
                        .collect(),
                };
                let audit = AuditRecord::new(None, "leaver_plan.remind", text.clone());
                lost(self.store.finish_leaving_notice(job.id, &self.worker, plan.id, days, &notify, &emails, audit).await)?;
                Ok(Done::LeavingNotice)
            }
            EMAIL => {
                let mailer = self.mailer.clone().ok_or("mail is not configured on this node")?;
                let mail: Mail = serde_json::from_value(job.payload.clone()).map_err(|e| format!("the email job is not an email: {e}"))?;
                let mail = Mail { message_id: Some(message_id(job.id)), ..mail };
                deliver(&mailer, &mail).await?;
                lost(self.store.finish_job(job.id, &self.worker, &[]).await)?;
                Ok(Done::Email)
            }
            REVIEW_NOTICE => {
                let due: chrono::NaiveDate = job.payload["due"].as_str().and_then(|d| d.parse().ok()).ok_or("the job has no date")?;
                let notify = match self.store.asset(AssetId(number("asset_id")?)).await {
                    // Still published and still due that day: tell its owner.
                    Ok(a) if a.status == Status::Published && a.next_review_at.date_naive() == due => {
                        let when = if due < Utc::now().date_naive() { "was due for review on" } else { "is due for review on" };
                        let text = format!("{} {when} {}", a.title, due.format("%-d %B %Y"));
                        vec![Notification::new(a.owner_id, text, format!("/assets/{}", a.id), Utc::now()).about(Category::ReviewDue)]
                    }
                    _ => Vec::new(),
                };
                lost(self.store.finish_job_with(job.id, &self.worker, &notify, &[]).await)?;
                Ok(Done::Nothing)
            }
            NOTIFICATION_EMAIL => {
                let mailer = self.mailer.clone().ok_or("mail is not configured on this node")?;
                let id = number("notification_id")?;
                match self.notification_mail(id).await.map_err(|e| e.to_string())? {
                    // Read in Signpost meanwhile, or no longer wanted by email.
                    None => lost(self.store.finish_job(job.id, &self.worker, &[]).await).map(|()| Done::Nothing),
                    Some(mail) => {
                        deliver(&mailer, &mail.with_message_id(message_id(job.id))).await?;
                        lost(self.store.finish_job(job.id, &self.worker, &[]).await)?;
                        Ok(Done::Email)
                    }
                }
            }
            DIGEST => {
                let mailer = self.mailer.clone().ok_or("mail is not configured on this node")?;
                let user = UserId(number("user_id")?);
                let frequency = job.payload["frequency"].as_str().and_then(Frequency::parse).ok_or("the job has no frequency")?;
                match self.digest_mail(user, frequency).await.map_err(|e| e.to_string())? {
                    // Nothing waiting: no empty digest.
                    None => lost(self.store.finish_job(job.id, &self.worker, &[]).await).map(|()| Done::Nothing),
                    Some((mail, listed)) => {
                        deliver(&mailer, &mail.with_message_id(message_id(job.id))).await?;
                        lost(self.store.finish_job_with(job.id, &self.worker, &[], &listed).await)?;
                        Ok(Done::Email)
                    }
                }
            }
            crate::awareness::ALERT_DIGEST => {
                let sent = self.send_alert_digest(number("saved_search_id")?).await?;
                lost(self.store.finish_job(job.id, &self.worker, &[]).await)?;
                Ok(if sent { Done::Email } else { Done::Nothing })
            }
            other => Err(format!("no node here knows how to run a {other:?} job")),
        }
    }
}

/// The Message-ID every attempt at a job's email carries.
fn message_id(job: JobId) -> String {
    format!("<job-{job}@signpost>")
}

/// Sends `mail`, except to an address in the reserved `.invalid` domain (RFC 6761): the
/// stand-in for a person their identity provider gave no address.
pub(crate) async fn deliver(mailer: &std::sync::Arc<dyn signpost_domain::ports::Mailer>, mail: &Mail) -> Result<(), String> {
    if mail.to.trim().to_ascii_lowercase().ends_with(".invalid") {
        return Ok(());
    }
    mailer.send(mail).await.map_err(|e| e.0)
}
