//! Evidence search requests, each one document under a version, and the instance's settings.
use async_trait::async_trait;
use chrono::NaiveDate;
use signpost_domain::StoreError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::evidence::{EvidenceRequest, EvidenceStore, NEW_REQUEST_LINK};
use signpost_domain::impact::ImpactStatement;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::learning::{from_doc_with_id, to_doc, upsert};
use crate::people::insert_notifications;
use crate::{Db, append_logs, map_err};

fn request(row: &AnyRow) -> Result<EvidenceRequest, StoreError> {
    let mut r: EvidenceRequest = from_doc_with_id(row, "evidence request")?;
    r.version = row.try_get("version").map_err(map_err)?;
    Ok(r)
}

const COLUMNS: &str = "SELECT id, version, doc FROM evidence_requests";

/// Replaces the request if it is still at its version; returns it at the next.
async fn replace(tx: &mut Transaction<'static, Any>, r: &EvidenceRequest) -> Result<EvidenceRequest, StoreError> {
    let next = EvidenceRequest { version: r.version + 1, ..r.clone() };
    let done = sqlx::query(
        "UPDATE evidence_requests SET state = $1, version = $2, follow_up_due = $3, followed_up = $4, doc = $5 \
         WHERE id = $6 AND version = $7",
    )
    .bind(next.state.as_str())
    .bind(next.version)
    .bind(next.follow_up_due.map(|d| d.to_string()))
    .bind(i64::from(next.follow_up.is_some()))
    .bind(to_doc(&next)?)
    .bind(r.id)
    .bind(r.version)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("the request changed since you opened it; look at it again".into()));
    }
    Ok(next)
}

#[async_trait]
impl EvidenceStore for Db {
    async fn create_evidence_request(
        &self,
        r: &EvidenceRequest,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<EvidenceRequest, StoreError> {
        let mut tx = self.begin().await?;
        let fresh = EvidenceRequest { version: 1, ..r.clone() };
        let doc = to_doc(&fresh)?;
        let columns = ["requester_id", "state", "version", "followed_up", "doc"];
        let id = upsert(&mut tx, "evidence_requests", 0, &columns, |q| {
            q.bind(fresh.requester_id).bind(fresh.state.as_str()).bind(fresh.version).bind(0i64).bind(doc)
        })
        .await?;
        let linked: Vec<Notification> = notify
            .iter()
            .map(|n| Notification { link: n.link.replace(NEW_REQUEST_LINK, &format!("/evidence/requests/{id}")), ..n.clone() })
            .collect();
        insert_notifications(&mut tx, &linked).await?;
        append_logs(&mut tx, &audit, "evidence_request", Some(id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(EvidenceRequest { id, ..fresh })
    }

    async fn evidence_request(&self, id: i64) -> Result<EvidenceRequest, StoreError> {
        let row = sqlx::query(sql!("{COLUMNS} WHERE id = $1")).bind(id).fetch_optional(&self.pool).await.map_err(map_err)?;
        row.as_ref().map(request).transpose()?.ok_or(StoreError::NotFound)
    }

    async fn evidence_requests(&self) -> Result<Vec<EvidenceRequest>, StoreError> {
        let rows = sqlx::query(sql!("{COLUMNS} ORDER BY id DESC")).fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(request).collect()
    }

    async fn update_evidence_request(
        &self,
        r: &EvidenceRequest,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<EvidenceRequest, StoreError> {
        let mut tx = self.begin().await?;
        let next = replace(&mut tx, r).await?;
        insert_notifications(&mut tx, notify).await?;
        append_logs(&mut tx, &audit, "evidence_request", Some(r.id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(next)
    }

    async fn answer_follow_up(
        &self,
        r: &EvidenceRequest,
        statement: &ImpactStatement,
        audit: AuditRecord,
    ) -> Result<(EvidenceRequest, ImpactStatement), StoreError> {
        let mut tx = self.begin().await?;
        let doc = to_doc(statement)?;
        let impact_id = upsert(&mut tx, "impact_statements", 0, &["doc"], |q| q.bind(doc)).await?;
        let mut answered = r.clone();
        if let Some(f) = answered.follow_up.as_mut() {
            f.impact_id = Some(impact_id);
            f.answered_at = Some(statement.recorded_at);
        }
        let next = replace(&mut tx, &answered).await?;
        append_logs(&mut tx, &audit, "evidence_request", Some(r.id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok((next, ImpactStatement { id: impact_id, ..statement.clone() }))
    }

    async fn follow_ups_due(&self, today: NaiveDate) -> Result<Vec<EvidenceRequest>, StoreError> {
        // Dates are stored as YYYY-MM-DD, so text order is date order on both backends.
        let rows = sqlx::query(sql!("{COLUMNS} WHERE state = 'delivered' AND followed_up = 0 AND follow_up_due <= $1 ORDER BY id"))
            .bind(today.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(request).collect()
    }

    async fn instance_setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM instance_settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.map(|r| r.try_get("value").map_err(map_err)).transpose()
    }

    async fn set_instance_setting(&self, name: &str, value: &str, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO instance_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = $2")
            .bind(name)
            .bind(value)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        append_logs(&mut tx, &audit, "settings", None, false).await?;
        tx.commit().await.map_err(map_err)
    }
}
