//! The account life cycle: links that set a password, changing one, and disabling an
//! account. Each is one transaction; a link is used by a conditional update, so it works
//! once however many requests race for it.
use async_trait::async_trait;
use signpost_domain::accounts::{AccountStore, FirstRun, LinkPurpose, NewLink, PasswordLink};
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{NewUser, RevokedAccess, TeamKind, User};
use signpost_domain::{StoreError, Timestamp, UserId};
use sqlx::{Any, Row, Transaction};

use crate::accounts::{end_sessions, insert_link, insert_team, insert_user, revoke_all, write_password};
use crate::rows::{ms, now_ms, time};
use crate::{Db, append_logs, map_err};

/// Why a conditional update of a user changed nothing: they are not in the state it
/// needs (`conflict`), or there is no such user.
async fn conflict_if_exists(tx: &mut Transaction<'static, Any>, id: UserId, conflict: &str) -> StoreError {
    match sqlx::query("SELECT id FROM users WHERE id = $1").bind(id).fetch_optional(&mut **tx).await {
        Ok(Some(_)) => StoreError::Conflict(conflict.into()),
        Ok(None) => StoreError::NotFound,
        Err(e) => map_err(e),
    }
}

async fn count_users(tx: &mut Transaction<'static, Any>) -> Result<i64, StoreError> {
    sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&mut **tx).await.map_err(map_err)?.try_get("n").map_err(map_err)
}

#[async_trait]
impl AccountStore for Db {
    async fn create_password_link(&self, user_id: UserId, link: &NewLink, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        insert_link(&mut tx, user_id, link).await?;
        append_logs(&mut tx, &audit, "user", Some(user_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn password_link(&self, secret_hash: &str, now: Timestamp) -> Result<Option<PasswordLink>, StoreError> {
        let row = sqlx::query(
            "SELECT l.user_id, l.purpose, l.expires_at FROM password_links l JOIN users u ON u.id = l.user_id \
             WHERE l.secret_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(secret_hash)
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let purpose: String = row.try_get("purpose").map_err(map_err)?;
        Ok(Some(PasswordLink {
            user_id: row.try_get("user_id").map_err(map_err)?,
            purpose: LinkPurpose::parse(&purpose)
                .ok_or_else(|| StoreError::unexpected(format!("corrupt password link purpose {purpose:?}")))?,
            expires_at: time(row.try_get("expires_at").map_err(map_err)?),
        }))
    }

    async fn use_password_link(
        &self,
        secret_hash: &str,
        password_hash: &str,
        now: Timestamp,
        audit: AuditRecord,
    ) -> Result<UserId, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE password_links SET used_at = $1 WHERE secret_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL) RETURNING user_id",
        )
        .bind(ms(now))
        .bind(secret_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let Some(row) = row else { return Err(StoreError::NotFound) };
        let id: UserId = row.try_get("user_id").map_err(map_err)?;
        write_password(&mut tx, id, password_hash, true).await?;
        end_sessions(&mut tx, id, None).await?;
        append_logs(&mut tx, &audit, "user", Some(id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(id)
    }

    async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
        audit: AuditRecord,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        write_password(&mut tx, id, password_hash, true).await?;
        let ended = end_sessions(&mut tx, id, keep_session).await?;
        append_logs(&mut tx, &audit, "user", Some(id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(ended)
    }

    async fn disable_user(&self, id: UserId, now: Timestamp, audit: AuditRecord) -> Result<RevokedAccess, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
            .bind(ms(now))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            let exists = sqlx::query("SELECT id FROM users WHERE id = $1").bind(id).fetch_optional(&mut *tx).await.map_err(map_err)?;
            return Err(if exists.is_some() {
                StoreError::Conflict("the account is already disabled".into())
            } else {
                StoreError::NotFound
            });
        }
        let access = revoke_all(&mut tx, id).await?;
        sqlx::query("UPDATE password_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        append_logs(&mut tx, &audit, "user", Some(id.0), true).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(access)
    }

    async fn enable_user(&self, id: UserId, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE users SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(conflict_if_exists(&mut tx, id, "the account is not disabled").await);
        }
        append_logs(&mut tx, &audit, "user", Some(id.0), true).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn replace_setup_secret(&self, secret_hash: &str, now: Timestamp) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        if count_users(&mut tx).await? > 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM setup_secret").execute(&mut *tx).await.map_err(map_err)?;
        sqlx::query("INSERT INTO setup_secret (id, secret_hash, created_at) VALUES (1, $1, $2)")
            .bind(secret_hash)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn setup_secret_valid(&self, secret_hash: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT id FROM setup_secret WHERE id = 1 AND secret_hash = $1 AND NOT EXISTS (SELECT 1 FROM users)")
            .bind(secret_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(row.is_some())
    }

    async fn complete_setup(
        &self,
        secret_hash: &str,
        setup: &FirstRun,
        password_hash: &str,
        audit: AuditRecord,
    ) -> Result<User, StoreError> {
        let mut tx = self.begin().await?;
        // Deleting the secret first makes a second, simultaneous set-up wait and then find nothing.
        let used = sqlx::query("DELETE FROM setup_secret WHERE id = 1 AND secret_hash = $1")
            .bind(secret_hash)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if used.rows_affected() == 0 || count_users(&mut tx).await? > 0 {
            return Err(StoreError::NotFound);
        }
        let org = insert_team(&mut tx, &setup.organisation, TeamKind::Organisation, None, &audit).await?;
        for (directorate, teams) in &setup.directorates {
            let d = insert_team(&mut tx, directorate, TeamKind::Directorate, Some(org.id), &audit).await?;
            for team in teams {
                insert_team(&mut tx, team, TeamKind::Team, Some(d.id), &audit).await?;
            }
        }
        let admin = NewUser { team_id: Some(org.id), ..setup.admin.clone() };
        let user = insert_user(&mut tx, &admin, Some(password_hash), &audit).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(user)
    }
}
