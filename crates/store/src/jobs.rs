//! Durable background jobs. Every write here runs in the store's write transaction,
//! which holds SQLite's single writer or, on PostgreSQL, the writers' advisory lock, so
//! two nodes never claim the same job; `FOR UPDATE SKIP LOCKED` keeps the claim itself
//! cheap there. A job is finished only by the node whose lease it still holds, in the
//! same transaction as the effects it records.
use async_trait::async_trait;
use chrono::NaiveDate;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::jobs::{Job, JobId, JobState, NewJob};
use signpost_domain::learning::{Action, ActionId};
use signpost_domain::ports::JobStore;
use signpost_domain::retention::{LeaverPlan, PlanId};
use signpost_domain::search::Page;
use signpost_domain::{StoreError, Timestamp};
use sqlx::{Any, Row, Transaction};

use crate::learning::{from_doc_with_id, write_action};
use crate::people::insert_notifications;
use crate::retention::write_plan;
use crate::rows::{ms, now_ms, time};
use crate::{Backend, Db, append_logs, map_err};

const JOB_COLUMNS: &str =
    "id, kind, payload, dedupe_key, state, attempts, max_attempts, run_at, locked_by, locked_until, last_error, created_at, updated_at";

fn job(r: &sqlx::any::AnyRow) -> Result<Job, StoreError> {
    let state: String = r.try_get("state").map_err(map_err)?;
    let payload: String = r.try_get("payload").map_err(map_err)?;
    let locked_until: Option<i64> = r.try_get("locked_until").map_err(map_err)?;
    let attempts: i64 = r.try_get("attempts").map_err(map_err)?;
    let max_attempts: i64 = r.try_get("max_attempts").map_err(map_err)?;
    Ok(Job {
        id: r.try_get("id").map_err(map_err)?,
        kind: r.try_get("kind").map_err(map_err)?,
        payload: serde_json::from_str(&payload).map_err(|e| StoreError::caused("job payload", e))?,
        dedupe_key: r.try_get("dedupe_key").map_err(map_err)?,
        state: JobState::parse(&state).ok_or_else(|| StoreError::unexpected(format!("unknown job state {state}")))?,
        attempts: attempts as i32,
        max_attempts: max_attempts as i32,
        run_at: time(r.try_get("run_at").map_err(map_err)?),
        locked_by: r.try_get("locked_by").map_err(map_err)?,
        locked_until: locked_until.map(time),
        last_error: r.try_get("last_error").map_err(map_err)?,
        created_at: time(r.try_get("created_at").map_err(map_err)?),
        updated_at: time(r.try_get("updated_at").map_err(map_err)?),
    })
}

/// Enqueues `jobs` inside a transaction that is already open; a key already stored is left alone.
pub(crate) async fn enqueue_in(tx: &mut Transaction<'static, Any>, jobs: &[NewJob]) -> Result<usize, StoreError> {
    let mut added = 0;
    let now = now_ms();
    for j in jobs {
        let done = sqlx::query(
            "INSERT INTO jobs (kind, payload, dedupe_key, state, attempts, max_attempts, run_at, last_error, created_at, updated_at) \
             VALUES ($1, $2, $3, 'pending', 0, $4, $5, '', $6, $6) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(&j.kind)
        .bind(j.payload.to_string())
        .bind(&j.dedupe_key)
        .bind(i64::from(j.max_attempts))
        .bind(ms(j.run_at))
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
        added += done.rows_affected() as usize;
    }
    Ok(added)
}

/// Marks the job done if `worker` still holds it; false (and nothing is to be kept) if not.
async fn finish_in(tx: &mut Transaction<'static, Any>, id: JobId, worker: &str) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'done', locked_by = NULL, locked_until = NULL, last_error = '', updated_at = $1 \
         WHERE id = $2 AND locked_by = $3 AND state = 'running'",
    )
    .bind(now_ms())
    .bind(id)
    .bind(worker)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl JobStore for Db {
    async fn enqueue(&self, jobs: &[NewJob]) -> Result<usize, StoreError> {
        if jobs.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let added = enqueue_in(&mut tx, jobs).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(added)
    }

    async fn claim_job(&self, worker: &str, now: Timestamp, lease_until: Timestamp) -> Result<Option<Job>, StoreError> {
        // Every node asks every few seconds; most of the time nothing is due, and a plain
        // read says so without taking the writers' lock.
        let anything = sqlx::query(
            "SELECT id FROM jobs WHERE (state = 'pending' AND run_at <= $1) OR (state = 'running' AND locked_until < $1) LIMIT 1",
        )
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        if anything.is_none() {
            return Ok(None);
        }
        let mut tx = self.begin().await?;
        // A job whose node stopped after its last allowed attempt will not run again.
        sqlx::query(
            "UPDATE jobs SET state = 'failed', locked_by = NULL, locked_until = NULL, updated_at = $1, \
             last_error = 'the node running it stopped before it finished, on every attempt' \
             WHERE state = 'running' AND locked_until < $1 AND attempts >= max_attempts",
        )
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        let skip_locked = if self.backend == Backend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
        let due = sqlx::query(sql!(
            "SELECT id FROM jobs WHERE (state = 'pending' AND run_at <= $1) OR (state = 'running' AND locked_until < $1) \
             ORDER BY run_at, id LIMIT 1{skip_locked}"
        ))
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let Some(due) = due else {
            tx.commit().await.map_err(map_err)?;
            return Ok(None);
        };
        let id: i64 = due.try_get("id").map_err(map_err)?;
        let row = sqlx::query(sql!(
            "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3 \
             WHERE id = $4 RETURNING {JOB_COLUMNS}"
        ))
        .bind(worker)
        .bind(ms(lease_until))
        .bind(ms(now))
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        let claimed = job(&row)?;
        tx.commit().await.map_err(map_err)?;
        Ok(Some(claimed))
    }

    async fn finish_job(&self, id: JobId, worker: &str, then: &[NewJob]) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        if !finish_in(&mut tx, id, worker).await? {
            return Ok(false);
        }
        enqueue_in(&mut tx, then).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn finish_job_with(&self, id: JobId, worker: &str, notify: &[Notification], emailed: &[i64]) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        if !finish_in(&mut tx, id, worker).await? {
            return Ok(false);
        }
        insert_notifications(&mut tx, notify).await?;
        for n in emailed {
            sqlx::query("UPDATE notifications SET emailed_at = $1 WHERE id = $2 AND emailed_at IS NULL")
                .bind(now_ms())
                .bind(*n)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn fail_job(&self, id: JobId, worker: &str, error: &str, retry_at: Option<Timestamp>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let (state, run_at) = match retry_at {
            Some(t) => ("pending", Some(ms(t))),
            None => ("failed", None),
        };
        sqlx::query(
            "UPDATE jobs SET state = $1, run_at = COALESCE($2, run_at), last_error = $3, locked_by = NULL, locked_until = NULL, \
             updated_at = $4 WHERE id = $5 AND locked_by = $6",
        )
        .bind(state)
        .bind(run_at)
        .bind(error.chars().take(2_000).collect::<String>())
        .bind(now_ms())
        .bind(id)
        .bind(worker)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    async fn jobs(&self, state: Option<JobState>, offset: i64, limit: i64) -> Result<Page<Job>, StoreError> {
        let filter = match state {
            Some(s) => format!("state = '{}'", s.as_str()),
            None => "state <> 'done'".to_string(),
        };
        let total: i64 = sqlx::query(sql!("SELECT COUNT(*) AS n FROM jobs WHERE {filter}"))
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?
            .try_get("n")
            .map_err(map_err)?;
        let rows = sqlx::query(sql!("SELECT {JOB_COLUMNS} FROM jobs WHERE {filter} ORDER BY updated_at DESC, id DESC LIMIT $1 OFFSET $2"))
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(Page { items: rows.iter().map(job).collect::<Result<_, _>>()?, total, offset, limit })
    }

    async fn purge_done_jobs(&self, before: Timestamp) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM jobs WHERE state = 'done' AND updated_at < $1")
            .bind(ms(before))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(done.rows_affected())
    }

    async fn retry_job(&self, id: JobId, audit: AuditRecord) -> Result<Job, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(sql!(
            "UPDATE jobs SET state = 'pending', attempts = 0, run_at = $1, updated_at = $1 WHERE id = $2 AND state = 'failed' \
             RETURNING {JOB_COLUMNS}"
        ))
        .bind(now_ms())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        let retried = job(&row)?;
        append_logs(&mut tx, &audit, "job", Some(id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(retried)
    }

    async fn finish_action_reminder(
        &self,
        id: JobId,
        worker: &str,
        action_id: ActionId,
        on: NaiveDate,
        audit: AuditRecord,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        if !finish_in(&mut tx, id, worker).await? {
            return Ok(false);
        }
        // Read inside the transaction: whatever happened to the action while the email
        // was on its way (closed, reassigned) is kept; only the reminder date changes.
        let row =
            sqlx::query("SELECT id, doc FROM actions WHERE id = $1").bind(action_id).fetch_optional(&mut *tx).await.map_err(map_err)?;
        if let Some(row) = row {
            let action: Action = from_doc_with_id(&row, "action")?;
            write_action(&mut tx, &Action { reminded_on: Some(on), ..action }).await?;
        }
        append_logs(&mut tx, &audit, "action", Some(action_id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn finish_leaving_notice(
        &self,
        id: JobId,
        worker: &str,
        plan_id: PlanId,
        days: i64,
        notify: &[Notification],
        then: &[NewJob],
        audit: AuditRecord,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        if !finish_in(&mut tx, id, worker).await? {
            return Ok(false);
        }
        let row =
            sqlx::query("SELECT id, doc FROM leaver_plans WHERE id = $1").bind(plan_id).fetch_optional(&mut *tx).await.map_err(map_err)?;
        if let Some(row) = row {
            let plan: LeaverPlan = from_doc_with_id(&row, "leaver plan")?;
            write_plan(&mut tx, &LeaverPlan { reminded_days: Some(days), ..plan }).await?;
            insert_notifications(&mut tx, notify).await?;
            enqueue_in(&mut tx, then).await?;
            append_logs(&mut tx, &audit, "leaver_plan", Some(plan_id.0), false).await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }
}
