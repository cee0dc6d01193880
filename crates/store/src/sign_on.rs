//! Single sign-on: linked identities, sign-ins under way (taken by one `DELETE … RETURNING`,
//! so a state works once however many requests race for it), the sessions a provider
//! started, and the sign-in settings.
use async_trait::async_trait;
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{BrowserSession, NewUser, User};
use signpost_domain::sign_on::{LogoutNotice, PendingSignOn, SessionOrigin, SignInSettings, SignOnStore};
use signpost_domain::{StoreError, Timestamp, UserId};
use sqlx::{Any, Row, Transaction};

use crate::accounts::insert_user;
use crate::rows::{ms, now_ms, time};
use crate::{Db, append_logs, map_err};

const LOCAL_PASSWORDS: &str = "local_passwords";

async fn insert_identity(tx: &mut Transaction<'static, Any>, provider: &str, subject: &str, user_id: UserId) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO sign_on_identities (provider, subject, user_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(provider)
        .bind(subject)
        .bind(user_id)
        .bind(now_ms())
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(())
}

#[async_trait]
impl SignOnStore for Db {
    async fn begin_sign_on(&self, state_hash: &str, p: &PendingSignOn) -> Result<(), StoreError> {
        // Sign-ins abandoned at the provider are swept as new ones begin.
        sqlx::query("DELETE FROM sign_on_requests WHERE expires_at < $1").bind(now_ms()).execute(&self.pool).await.map_err(map_err)?;
        sqlx::query(
            "INSERT INTO sign_on_requests (state_hash, provider, nonce, pkce_verifier, next, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(state_hash)
        .bind(&p.provider)
        .bind(&p.nonce)
        .bind(&p.pkce_verifier)
        .bind(&p.next)
        .bind(ms(p.expires_at))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn take_sign_on(&self, state_hash: &str, now: Timestamp) -> Result<Option<PendingSignOn>, StoreError> {
        let row =
            sqlx::query("DELETE FROM sign_on_requests WHERE state_hash = $1 RETURNING provider, nonce, pkce_verifier, next, expires_at")
                .bind(state_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let pending = PendingSignOn {
            provider: row.try_get("provider").map_err(map_err)?,
            nonce: row.try_get("nonce").map_err(map_err)?,
            pkce_verifier: row.try_get("pkce_verifier").map_err(map_err)?,
            next: row.try_get("next").map_err(map_err)?,
            expires_at: time(row.try_get("expires_at").map_err(map_err)?),
        };
        Ok((pending.expires_at > now).then_some(pending))
    }

    async fn linked_user(&self, provider: &str, subject: &str) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query("SELECT user_id FROM sign_on_identities WHERE provider = $1 AND subject = $2")
            .bind(provider)
            .bind(subject)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.map(|r| r.try_get("user_id").map_err(map_err)).transpose()
    }

    async fn link_identity(&self, provider: &str, subject: &str, user_id: UserId, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        insert_identity(&mut tx, provider, subject, user_id).await?;
        append_logs(&mut tx, &audit, "user", Some(user_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn create_linked_user(&self, user: &NewUser, provider: &str, subject: &str, audit: AuditRecord) -> Result<User, StoreError> {
        let mut tx = self.begin().await?;
        let created = insert_user(&mut tx, user, None, &audit).await?;
        insert_identity(&mut tx, provider, subject, created.id).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(created)
    }

    async fn create_provider_session(&self, secret_hash: &str, s: &BrowserSession, origin: &SessionOrigin) -> Result<(), StoreError> {
        self.create_session_row(secret_hash, s).await?;
        sqlx::query(
            "UPDATE browser_sessions SET provider = $1, provider_subject = $2, provider_session = $3, id_token = $4 WHERE secret_hash = $5",
        )
        .bind(&origin.provider)
        .bind(&origin.subject)
        .bind(&origin.session_id)
        .bind(&origin.id_token)
        .bind(secret_hash)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn session_origin(&self, secret_hash: &str) -> Result<Option<SessionOrigin>, StoreError> {
        let row = sqlx::query(
            "SELECT provider, provider_subject, provider_session, id_token FROM browser_sessions \
             WHERE secret_hash = $1 AND provider IS NOT NULL",
        )
        .bind(secret_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(SessionOrigin {
            provider: row.try_get("provider").map_err(map_err)?,
            subject: row.try_get("provider_subject").map_err(map_err)?,
            session_id: row.try_get("provider_session").map_err(map_err)?,
            id_token: row.try_get::<Option<String>, _>("id_token").map_err(map_err)?.unwrap_or_default(),
        }))
    }

    async fn end_provider_sessions(&self, provider: &str, notice: &LogoutNotice, audit: AuditRecord) -> Result<u64, StoreError> {
        // A notice naming both a person and a session ends only that session of theirs.
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "DELETE FROM browser_sessions WHERE provider = $1 \
             AND ($2 IS NULL OR provider_subject = $2) AND ($3 IS NULL OR provider_session = $3)",
        )
        .bind(provider)
        .bind(&notice.subject)
        .bind(&notice.session_id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        if done > 0 {
            append_logs(&mut tx, &audit, "session", None, false).await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(done)
    }

    async fn sign_in_settings(&self) -> Result<SignInSettings, StoreError> {
        let row = sqlx::query("SELECT value FROM instance_settings WHERE name = $1")
            .bind(LOCAL_PASSWORDS)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        let value: Option<String> = row.map(|r| r.try_get("value").map_err(map_err)).transpose()?;
        Ok(SignInSettings { local_passwords: value.as_deref() != Some("off") })
    }

    async fn set_sign_in_settings(&self, settings: SignInSettings, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO instance_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = $2")
            .bind(LOCAL_PASSWORDS)
            .bind(if settings.local_passwords { "on" } else { "off" })
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        append_logs(&mut tx, &audit, "settings", None, false).await?;
        tx.commit().await.map_err(map_err)
    }
}
