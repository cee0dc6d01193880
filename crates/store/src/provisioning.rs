//! Provisioning clients and SCIM's own facts about people and teams. A SCIM change
//! bumps a version with a conditional update, so two changes made against the same
//! ETag cannot both land.
use async_trait::async_trait;
use signpost_domain::audit::AuditRecord;
use signpost_domain::provisioning::{ProvisioningStore, ScimClient, ScimGroupState, ScimUserState};
use signpost_domain::{StoreError, TeamId, Timestamp, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::rows::{ms, now_ms, time};
use crate::{Db, append_logs, map_err};

const CLIENT_COLUMNS: &str = "id, name, created_by, group_parent_id, created_at, last_used_at, revoked_at";

fn client(row: &AnyRow) -> Result<ScimClient, StoreError> {
    let at = |name: &str| -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(name).map_err(map_err)?.map(time))
    };
    Ok(ScimClient {
        id: row.try_get("id").map_err(map_err)?,
        name: row.try_get("name").map_err(map_err)?,
        created_by: row.try_get("created_by").map_err(map_err)?,
        group_parent_id: row.try_get("group_parent_id").map_err(map_err)?,
        created_at: time(row.try_get("created_at").map_err(map_err)?),
        last_used_at: at("last_used_at")?,
        revoked_at: at("revoked_at")?,
    })
}

#[async_trait]
impl ProvisioningStore for Db {
    async fn create_scim_client(
        &self,
        name: &str,
        secret_hash: &str,
        created_by: UserId,
        group_parent_id: Option<TeamId>,
        audit: AuditRecord,
    ) -> Result<ScimClient, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(sql!(
            "INSERT INTO scim_clients (name, secret_hash, created_by, group_parent_id, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING {CLIENT_COLUMNS}"
        ))
        .bind(name)
        .bind(secret_hash)
        .bind(created_by)
        .bind(group_parent_id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        let created = client(&row)?;
        append_logs(&mut tx, &audit, "scim_client", Some(created.id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(created)
    }

    async fn scim_clients(&self) -> Result<Vec<ScimClient>, StoreError> {
        let rows =
            sqlx::query(sql!("SELECT {CLIENT_COLUMNS} FROM scim_clients ORDER BY id DESC")).fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(client).collect()
    }

    async fn revoke_scim_client(&self, id: i64, now: Timestamp, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE scim_clients SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(ms(now))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_logs(&mut tx, &audit, "scim_client", Some(id), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn scim_client_by_secret(&self, secret_hash: &str, now: Timestamp) -> Result<Option<ScimClient>, StoreError> {
        let row = sqlx::query(sql!(
            "UPDATE scim_clients SET last_used_at = $1 WHERE secret_hash = $2 AND revoked_at IS NULL RETURNING {CLIENT_COLUMNS}"
        ))
        .bind(ms(now))
        .bind(secret_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        row.as_ref().map(client).transpose()
    }

    async fn scim_user_states(&self) -> Result<Vec<(UserId, ScimUserState)>, StoreError> {
        let rows = sqlx::query("SELECT user_id, user_name, document, external_id, modified_at, deprovisioned_at, version FROM scim_users")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("user_id").map_err(map_err)?,
                    ScimUserState {
                        user_name: r.try_get("user_name").map_err(map_err)?,
                        document: r.try_get("document").map_err(map_err)?,
                        modified_at: Some(time(r.try_get("modified_at").map_err(map_err)?)),
                        external_id: r.try_get("external_id").map_err(map_err)?,
                        deprovisioned: r.try_get::<Option<i64>, _>("deprovisioned_at").map_err(map_err)?.is_some(),
                        version: r.try_get("version").map_err(map_err)?,
                    },
                ))
            })
            .collect()
    }

    async fn record_scim_user(&self, id: UserId, state: &ScimUserState, expected: Option<i64>) -> Result<i64, StoreError> {
        let deprovisioned_at = state.deprovisioned.then(now_ms);
        let row = sqlx::query(
            "INSERT INTO scim_users (user_id, user_name, document, external_id, modified_at, deprovisioned_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, 1) \
             ON CONFLICT (user_id) DO UPDATE SET user_name = $2, document = $3, external_id = $4, modified_at = $5, \
             deprovisioned_at = $6, version = scim_users.version + 1 \
             WHERE $7 < 0 OR scim_users.version = $7 RETURNING version",
        )
        .bind(id)
        .bind(state.user_name.to_lowercase())
        .bind(&state.document)
        .bind(&state.external_id)
        .bind(now_ms())
        .bind(deprovisioned_at)
        .bind(expected.unwrap_or(-1))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        match row {
            Some(r) => r.try_get("version").map_err(map_err),
            None => Err(StoreError::Conflict("the person was changed since that version".into())),
        }
    }

    async fn scim_group_states(&self) -> Result<Vec<(TeamId, ScimGroupState)>, StoreError> {
        let rows = sqlx::query("SELECT team_id, external_id, modified_at, version FROM scim_groups")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("team_id").map_err(map_err)?,
                    ScimGroupState {
                        modified_at: Some(time(r.try_get("modified_at").map_err(map_err)?)),
                        external_id: r.try_get("external_id").map_err(map_err)?,
                        version: r.try_get("version").map_err(map_err)?,
                    },
                ))
            })
            .collect()
    }

    async fn record_scim_group(&self, id: TeamId, external_id: Option<&str>, expected: Option<i64>) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO scim_groups (team_id, external_id, modified_at, version) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (team_id) DO UPDATE SET external_id = $2, modified_at = $3, version = scim_groups.version + 1 \
             WHERE $4 < 0 OR scim_groups.version = $4 RETURNING version",
        )
        .bind(id)
        .bind(external_id)
        .bind(now_ms())
        .bind(expected.unwrap_or(-1))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        match row {
            Some(r) => r.try_get("version").map_err(map_err),
            None => Err(StoreError::Conflict("the group was changed since that version".into())),
        }
    }

    async fn rename_team(&self, id: TeamId, name: &str, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE teams SET name = $1 WHERE id = $2").bind(name).bind(id).execute(&mut *tx).await.map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_logs(&mut tx, &audit, "team", Some(id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn unlink_scim_group(&self, id: TeamId, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM scim_groups WHERE team_id = $1").bind(id).execute(&mut *tx).await.map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_logs(&mut tx, &audit, "team", Some(id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }
}
