//! Webhook endpoints, their messages and the log of attempts to deliver them.
use async_trait::async_trait;
use signpost_domain::StoreError;
use signpost_domain::audit::{AuditEntry, AuditRecord};
use signpost_domain::ids::EndpointId;
use signpost_domain::jobs::{JobId, NewJob};
use signpost_domain::search::Page;
use signpost_domain::webhooks::{Attempt, AttemptOutcome, Endpoint, Message, MessageState, NewMessage, WebhookStore};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::jobs::enqueue_in;
use crate::learning::{from_doc_with_id, to_doc};
use crate::logs::{AUDIT_COLUMNS, audit_entry};
use crate::rows::{ms, now_ms, time};
use crate::{Db, append_logs, map_err};

fn endpoint(row: &AnyRow) -> Result<Endpoint, StoreError> {
    let mut e: Endpoint = from_doc_with_id(row, "webhook endpoint")?;
    e.version = row.try_get("version").map_err(map_err)?;
    Ok(e)
}

fn message(row: &AnyRow) -> Result<Message, StoreError> {
    let state: String = row.try_get("state").map_err(map_err)?;
    Ok(Message {
        id: row.try_get("id").map_err(map_err)?,
        endpoint_id: EndpointId(row.try_get("endpoint_id").map_err(map_err)?),
        event_type: row.try_get("event_type").map_err(map_err)?,
        body: row.try_get("body").map_err(map_err)?,
        created_at: time(row.try_get("created_at").map_err(map_err)?),
        state: MessageState::parse(&state)
            .ok_or_else(|| StoreError::unexpected(format!("a webhook message is in no known state ({state})")))?,
        attempts: row.try_get("attempts").map_err(map_err)?,
    })
}

fn attempt(row: &AnyRow) -> Result<Attempt, StoreError> {
    Ok(Attempt {
        id: row.try_get("id").map_err(map_err)?,
        message_id: row.try_get("message_id").map_err(map_err)?,
        event_type: row.try_get("event_type").map_err(map_err)?,
        at: time(row.try_get("at").map_err(map_err)?),
        request: row.try_get("request").map_err(map_err)?,
        status: row.try_get("status").map_err(map_err)?,
        response: row.try_get("response").map_err(map_err)?,
        duration_ms: row.try_get("duration_ms").map_err(map_err)?,
        delivered: row.try_get::<i64, _>("delivered").map_err(map_err)? == 1,
    })
}

/// Sets the endpoint's failing and enabled columns as an attempt's outcome says.
async fn mark_endpoint(tx: &mut Transaction<'static, Any>, id: EndpointId, outcome: &AttemptOutcome) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT id, version, doc FROM webhook_endpoints WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_err)?;
    let Some(row) = row else { return Ok(()) };
    let mut e = endpoint(&row)?;
    match outcome {
        AttemptOutcome::Delivered => e.failing_since = None,
        AttemptOutcome::Disable(reason, _) => {
            e.enabled = false;
            e.disabled_reason = reason.clone();
        }
        AttemptOutcome::Retry(_) | AttemptOutcome::GiveUp => {
            e.failing_since.get_or_insert_with(chrono::Utc::now);
        }
    }
    sqlx::query("UPDATE webhook_endpoints SET doc = $1, version = version + 1 WHERE id = $2")
        .bind(to_doc(&e)?)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(())
}

#[async_trait]
impl WebhookStore for Db {
    async fn create_endpoint(&self, e: &Endpoint, audit: AuditRecord) -> Result<Endpoint, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("INSERT INTO webhook_endpoints (version, doc) VALUES (1, $1) RETURNING id")
            .bind(to_doc(e)?)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
        let id: i64 = row.try_get("id").map_err(map_err)?;
        append_logs(&mut tx, &audit, "webhook_endpoint", Some(id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(Endpoint { id: EndpointId(id), version: 1, ..e.clone() })
    }

    async fn endpoints(&self) -> Result<Vec<Endpoint>, StoreError> {
        let rows =
            sqlx::query("SELECT id, version, doc FROM webhook_endpoints ORDER BY id").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(endpoint).collect()
    }

    async fn endpoint(&self, id: EndpointId) -> Result<Endpoint, StoreError> {
        let row = sqlx::query("SELECT id, version, doc FROM webhook_endpoints WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        endpoint(&row)
    }

    async fn update_endpoint(&self, e: &Endpoint, audit: AuditRecord) -> Result<Endpoint, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE webhook_endpoints SET doc = $1, version = $2 WHERE id = $3 AND version = $4")
            .bind(to_doc(e)?)
            .bind(e.version + 1)
            .bind(e.id)
            .bind(e.version)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("the endpoint was changed meanwhile: reload it and try again".into()));
        }
        append_logs(&mut tx, &audit, "webhook_endpoint", Some(e.id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(Endpoint { version: e.version + 1, ..e.clone() })
    }

    async fn delete_endpoint(&self, id: EndpointId, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        // Children first: SQLite enforces the references but not every build cascades.
        for table in ["webhook_attempts", "webhook_messages"] {
            sqlx::query(sql!("DELETE FROM {table} WHERE endpoint_id = $1")).bind(id).execute(&mut *tx).await.map_err(map_err)?;
        }
        let done = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        append_logs(&mut tx, &audit, "webhook_endpoint", Some(id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn webhook_cursor(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT position FROM webhook_cursor WHERE one = 1").fetch_one(&self.pool).await.map_err(map_err)?;
        row.try_get("position").map_err(map_err)
    }

    async fn audit_after(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(sql!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"))
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(audit_entry).collect()
    }

    async fn queue_messages(&self, from: i64, to: i64, messages: &[NewMessage]) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let moved = sqlx::query("UPDATE webhook_cursor SET position = $1 WHERE one = 1 AND position = $2")
            .bind(to)
            .bind(from)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if moved.rows_affected() != 1 {
            return Ok(false);
        }
        for m in messages {
            let m_ = &m.message;
            sqlx::query(
                "INSERT INTO webhook_messages (id, endpoint_id, event_type, body, created_at, state, attempts) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', 0) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&m_.id)
            .bind(m_.endpoint_id)
            .bind(&m_.event_type)
            .bind(&m_.body)
            .bind(ms(m_.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        let jobs: Vec<NewJob> = messages.iter().map(|m| m.job.clone()).collect();
        enqueue_in(&mut tx, &jobs).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn message(&self, id: &str) -> Result<Message, StoreError> {
        let row = sqlx::query("SELECT * FROM webhook_messages WHERE id = $1").bind(id).fetch_one(&self.pool).await.map_err(map_err)?;
        message(&row)
    }

    async fn record_attempt(
        &self,
        job: JobId,
        worker: &str,
        a: &Attempt,
        endpoint_id: EndpointId,
        outcome: AttemptOutcome,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let (job_state, run_at, error) = match &outcome {
            AttemptOutcome::Delivered => ("done", None, String::new()),
            AttemptOutcome::Retry(at) => ("pending", Some(ms(*at)), a.response.clone()),
            AttemptOutcome::GiveUp => ("failed", None, a.response.clone()),
            AttemptOutcome::Disable(reason, _) => ("failed", None, reason.clone()),
        };
        let held = sqlx::query(
            "UPDATE jobs SET state = $1, run_at = COALESCE($2, run_at), last_error = $3, locked_by = NULL, locked_until = NULL, \
             updated_at = $4 WHERE id = $5 AND locked_by = $6 AND state = 'running'",
        )
        .bind(job_state)
        .bind(run_at)
        .bind(error.chars().take(2_000).collect::<String>())
        .bind(now_ms())
        .bind(job)
        .bind(worker)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if held.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO webhook_attempts (message_id, endpoint_id, event_type, at, request, status, response, duration_ms, delivered) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&a.message_id)
        .bind(endpoint_id)
        .bind(&a.event_type)
        .bind(ms(a.at))
        .bind(&a.request)
        .bind(a.status)
        .bind(&a.response)
        .bind(a.duration_ms)
        .bind(i64::from(a.delivered))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        let state = match outcome {
            AttemptOutcome::Delivered => MessageState::Delivered,
            AttemptOutcome::Retry(_) => MessageState::Pending,
            _ => MessageState::Failed,
        };
        sqlx::query("UPDATE webhook_messages SET state = $1, attempts = attempts + 1 WHERE id = $2")
            .bind(state.as_str())
            .bind(&a.message_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        mark_endpoint(&mut tx, endpoint_id, &outcome).await?;
        if let AttemptOutcome::Disable(_, then) = &outcome {
            enqueue_in(&mut tx, then).await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn replay_message(&self, id: &str, job: &NewJob, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done =
            sqlx::query("UPDATE webhook_messages SET state = 'pending' WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        enqueue_in(&mut tx, std::slice::from_ref(job)).await?;
        append_logs(&mut tx, &audit, "webhook_message", None, false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn attempts(&self, endpoint_id: EndpointId, offset: i64, limit: i64) -> Result<Page<Attempt>, StoreError> {
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM webhook_attempts WHERE endpoint_id = $1")
            .bind(endpoint_id)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?
            .try_get("n")
            .map_err(map_err)?;
        let rows = sqlx::query("SELECT * FROM webhook_attempts WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3")
            .bind(endpoint_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(Page { items: rows.iter().map(attempt).collect::<Result<_, _>>()?, total, offset, limit })
    }

    async fn messages(&self, endpoint_id: EndpointId, offset: i64, limit: i64) -> Result<Page<Message>, StoreError> {
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM webhook_messages WHERE endpoint_id = $1")
            .bind(endpoint_id)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?
            .try_get("n")
            .map_err(map_err)?;
        let rows =
            sqlx::query("SELECT * FROM webhook_messages WHERE endpoint_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3")
                .bind(endpoint_id)
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
        Ok(Page { items: rows.iter().map(message).collect::<Result<_, _>>()?, total, offset, limit })
    }
}
