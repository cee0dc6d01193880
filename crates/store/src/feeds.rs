//! Feed keys: rows of `api_tokens` with the scope `feeds`, which bearer
//! authentication never accepts (and feeds accept nothing else).
use async_trait::async_trait;
use signpost_domain::audit::AuditRecord;
use signpost_domain::feeds::FeedStore;
use signpost_domain::people::ApiToken;
use signpost_domain::{StoreError, Timestamp, UserId};

use crate::accounts::token;
use crate::rows::now_ms;
use crate::{Db, append_logs, map_err};

#[async_trait]
impl FeedStore for Db {
    async fn replace_feed_key(&self, user_id: UserId, secret_hash: &str, audit: AuditRecord) -> Result<ApiToken, StoreError> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND scope = 'feeds' AND revoked_at IS NULL")
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let row = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, secret_hash, created_at, scope) VALUES ($1, 'Feed key', $2, $3, 'feeds') \
             RETURNING id, user_id, name, created_at, last_used_at, revoked_at, expires_at",
        )
        .bind(user_id)
        .bind(secret_hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        let key = token(&row)?;
        append_logs(&mut tx, &audit, "api_token", Some(key.id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(key)
    }

    async fn feed_key_user(&self, secret_hash: &str, now: Timestamp) -> Result<Option<UserId>, StoreError> {
        self.token_user_row(secret_hash, now, "feeds").await
    }

    async fn feed_key(&self, user_id: UserId) -> Result<Option<ApiToken>, StoreError> {
        let row = sqlx::query(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at, expires_at FROM api_tokens \
             WHERE user_id = $1 AND scope = 'feeds' AND revoked_at IS NULL ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        row.as_ref().map(token).transpose()
    }

    async fn revoke_feed_key(&self, user_id: UserId, audit: AuditRecord) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND scope = 'feeds' AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        append_logs(&mut tx, &audit, "user", Some(user_id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }
}
