//! Leavers' plans and the register of critical knowledge. A plan is one JSON document; handing holdings on touches
//! assets, actions, memberships and the advocates' register in the same transaction.
use async_trait::async_trait;
use signpost_domain::assets::Asset;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::ports::{AssetWrite, Handover, RetentionStore};
use signpost_domain::retention::{LeaverPlan, PlanId};
use signpost_domain::risk::CriticalArea;
use signpost_domain::{StoreError, UserId};
use sqlx::{Any, Row, Transaction};

use crate::learning::{from_doc_with_id, to_doc, upsert, write_action};
use crate::people::{insert_notifications, write_advocate, write_membership};
use crate::{Db, append_logs, assets, map_err};

/// Writes the plan at the next revision, failing if someone else saved it since it was read.
pub(crate) async fn write_plan(tx: &mut Transaction<'static, Any>, plan: &LeaverPlan) -> Result<LeaverPlan, StoreError> {
    let mut saved = plan.clone();
    saved.revision = plan.revision + 1;
    let open = i64::from(plan.completed_at.is_none());
    let doc = to_doc(&saved)?;
    if plan.id == PlanId(0) {
        let row = sqlx::query(
            "INSERT INTO leaver_plans (leaver_id, team_id, leaving_on, open, revision, doc) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(plan.leaver_id)
        .bind(plan.team_id)
        .bind(plan.leaving_on.to_string())
        .bind(open)
        .bind(saved.revision)
        .bind(doc)
        .fetch_one(&mut **tx)
        .await
        .map_err(map_err)?;
        saved.id = row.try_get("id").map_err(map_err)?;
        return Ok(saved);
    }
    let done = sqlx::query(
        "UPDATE leaver_plans SET leaver_id = $1, team_id = $2, leaving_on = $3, open = $4, revision = $5, doc = $6 \
         WHERE id = $7 AND revision = $8",
    )
    .bind(plan.leaver_id)
    .bind(plan.team_id)
    .bind(plan.leaving_on.to_string())
    .bind(open)
    .bind(saved.revision)
    .bind(doc)
    .bind(plan.id)
    .bind(plan.revision)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        let current = sqlx::query("SELECT revision FROM leaver_plans WHERE id = $1")
            .bind(plan.id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        return Err(StoreError::StaleVersion { current: current.try_get("revision").map_err(map_err)? });
    }
    Ok(saved)
}

async fn step_down(tx: &mut Transaction<'static, Any>, user_id: UserId) -> Result<(), StoreError> {
    let done = sqlx::query("DELETE FROM advocates WHERE user_id = $1").bind(user_id).execute(&mut **tx).await.map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("they are no longer on the advocates' register".into()));
    }
    Ok(())
}

#[async_trait]
impl RetentionStore for Db {
    async fn save_leaver_plan(&self, plan: &LeaverPlan, notify: &[Notification], audit: AuditRecord) -> Result<LeaverPlan, StoreError> {
        let mut tx = self.begin().await?;
        let saved = write_plan(&mut tx, plan).await?;
        // A new plan's notifications link to `/leavers/{plan}` until its id is known.
        let linked: Vec<Notification> =
            notify.iter().map(|n| Notification { link: n.link.replace("{plan}", &saved.id.to_string()), ..n.clone() }).collect();
        insert_notifications(&mut tx, &linked).await?;
        append_logs(&mut tx, &audit, "leaver_plan", Some(saved.id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn leaver_plan(&self, id: PlanId) -> Result<LeaverPlan, StoreError> {
        let row = sqlx::query("SELECT id, doc FROM leaver_plans WHERE id = $1").bind(id).fetch_one(&self.pool).await.map_err(map_err)?;
        from_doc_with_id(&row, "leaver plan")
    }

    async fn leaver_plans(&self) -> Result<Vec<LeaverPlan>, StoreError> {
        let rows = sqlx::query("SELECT id, doc FROM leaver_plans ORDER BY leaving_on, id").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(|r| from_doc_with_id(r, "leaver plan")).collect()
    }

    async fn store_plan_output(&self, plan: &LeaverPlan, action_id: i64, write: AssetWrite) -> Result<(Asset, LeaverPlan), StoreError> {
        let mut tx = self.begin().await?;
        let asset = assets::insert_in(&mut tx, write).await?;
        let mut plan = plan.clone();
        if !plan.record_output(action_id, asset.id) {
            return Err(StoreError::NotFound);
        }
        let saved = write_plan(&mut tx, &plan).await?;
        tx.commit().await.map_err(map_err)?;
        Ok((asset, saved))
    }

    async fn hand_over(
        &self,
        plan: &LeaverPlan,
        handover: Handover,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<LeaverPlan, StoreError> {
        let mut tx = self.begin().await?;
        for (write, expected) in &handover.assets {
            assets::update_in(&mut tx, write, *expected).await?;
        }
        for action in &handover.actions {
            write_action(&mut tx, action).await?;
        }
        for m in &handover.memberships {
            write_membership(&mut tx, m).await?;
        }
        for user_id in &handover.retired_advocates {
            step_down(&mut tx, *user_id).await?;
        }
        for (advocate, membership) in &handover.advocates {
            write_advocate(&mut tx, advocate, membership).await?;
        }
        let saved = write_plan(&mut tx, plan).await?;
        // A new plan's notifications link to `/leavers/{plan}` until its id is known.
        let linked: Vec<Notification> =
            notify.iter().map(|n| Notification { link: n.link.replace("{plan}", &saved.id.to_string()), ..n.clone() }).collect();
        insert_notifications(&mut tx, &linked).await?;
        append_logs(&mut tx, &audit, "leaver_plan", Some(saved.id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn save_critical_area(&self, area: &CriticalArea, audit: AuditRecord) -> Result<CriticalArea, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = area.clone();
        let doc = to_doc(area)?;
        saved.id = upsert(&mut tx, "critical_areas", area.id, &["team_id", "doc"], |q| q.bind(area.team_id).bind(doc)).await?;
        append_logs(&mut tx, &audit, "critical_area", Some(saved.id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn remove_critical_area(&self, id: i64, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM critical_areas WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_logs(&mut tx, &audit, "critical_area", Some(id), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn critical_areas(&self) -> Result<Vec<CriticalArea>, StoreError> {
        let rows = sqlx::query("SELECT id, doc FROM critical_areas ORDER BY id").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(|r| from_doc_with_id(r, "critical knowledge area")).collect()
    }
}
