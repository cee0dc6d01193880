//! Teams, users, browser sessions and API tokens.
use signpost_domain::accounts::NewLink;
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{ApiToken, BrowserSession, Credentials, NewUser, RevokedAccess, Team, TeamKind, User};
use signpost_domain::search::Page;
use signpost_domain::{StoreError, TeamId, Timestamp, UserId};
use sqlx::{Any, Row, Transaction};

use crate::rows::{self, USER_COLUMNS, ms, now_ms, time};
use crate::{Db, append_logs, map_err};

/// How precisely a token's last use is recorded.
const TOKEN_USE_RESOLUTION_MS: i64 = 60_000;

impl Db {
    pub(crate) async fn create_team_row(
        &self,
        name: &str,
        kind: TeamKind,
        parent_id: Option<TeamId>,
        audit: AuditRecord,
    ) -> Result<Team, StoreError> {
        let mut tx = self.begin().await?;
        let team = insert_team(&mut tx, name, kind, parent_id, &audit).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(team)
    }

    pub(crate) async fn team_rows(&self) -> Result<Vec<Team>, StoreError> {
        let rows = sqlx::query("SELECT id, name, kind, parent_id FROM teams ORDER BY id").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(rows::team).collect()
    }

    pub(crate) async fn create_user_row(
        &self,
        u: &NewUser,
        password_hash: Option<&str>,
        invitation: Option<&NewLink>,
        audit: AuditRecord,
    ) -> Result<User, StoreError> {
        let mut tx = self.begin().await?;
        let user = insert_user(&mut tx, u, password_hash, &audit).await?;
        if let Some(link) = invitation {
            insert_link(&mut tx, user.id, link).await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(user)
    }

    pub(crate) async fn user_row(&self, id: UserId) -> Result<User, StoreError> {
        let row =
            sqlx::query(sql!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_one(&self.pool).await.map_err(map_err)?;
        rows::user(&row)
    }

    pub(crate) async fn credentials_row(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query(sql!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"))
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.map(|r| Ok(Credentials { user: rows::user(&r)?, password_hash: r.try_get("password_hash").map_err(map_err)? })).transpose()
    }

    pub(crate) async fn user_page(&self, offset: i64, limit: i64) -> Result<Page<User>, StoreError> {
        let total: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&self.pool).await.map_err(map_err)?.try_get("n").map_err(map_err)?;
        let rows = sqlx::query(sql!("SELECT {USER_COLUMNS} FROM users ORDER BY name, id LIMIT $1 OFFSET $2"))
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(Page { items: rows.iter().map(rows::user).collect::<Result<_, _>>()?, total, offset, limit })
    }

    pub(crate) async fn update_user_row(&self, u: &User, audit: AuditRecord) -> Result<User, StoreError> {
        let mut tx = self.begin().await?;
        let before =
            sqlx::query(sql!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(u.id).fetch_one(&mut *tx).await.map_err(map_err)?;
        let before = rows::user(&before)?;
        let row = sqlx::query(sql!(
            "UPDATE users SET email = $1, name = $2, job_title = $3, profession = $4, site = $5, team_id = $6, role = $7, \
             line_manager_id = $8 WHERE id = $9 RETURNING {USER_COLUMNS}"
        ))
        .bind(u.email.trim().to_lowercase())
        .bind(&u.name)
        .bind(&u.job_title)
        .bind(&u.profession)
        .bind(&u.site)
        .bind(u.team_id)
        .bind(u.role.as_str())
        .bind(u.line_manager_id)
        .bind(u.id)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        let user = rows::user(&row)?;
        let audit = audit.with_diff(Some(user_summary(&before)), Some(user_summary(&user)));
        append_logs(&mut tx, &audit, "user", Some(user.id.0), true).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(user)
    }

    pub(crate) async fn set_password_row(&self, id: UserId, hash: &str, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        // An administrator may set a disabled account's password, ready for when it is enabled.
        write_password(&mut tx, id, hash, false).await?;
        end_sessions(&mut tx, id, None).await?;
        append_logs(&mut tx, &audit, "user", Some(id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    pub(crate) async fn create_session_row(&self, secret_hash: &str, s: &BrowserSession) -> Result<(), StoreError> {
        // Expired sessions are swept whenever someone signs in, so the table stays small.
        sqlx::query("DELETE FROM browser_sessions WHERE expires_at < $1").bind(now_ms()).execute(&self.pool).await.map_err(map_err)?;
        sqlx::query("INSERT INTO browser_sessions (secret_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(secret_hash)
            .bind(s.user_id)
            .bind(&s.csrf_token)
            .bind(ms(s.expires_at))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    pub(crate) async fn session_row(&self, secret_hash: &str, now: Timestamp) -> Result<Option<BrowserSession>, StoreError> {
        // A disabled account's sessions are deleted when it is disabled; the join keeps one
        // created in the same instant from working either.
        let row = sqlx::query(
            "SELECT s.user_id, s.csrf_token, s.expires_at FROM browser_sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.secret_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(secret_hash)
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        row.map(|r| {
            Ok(BrowserSession {
                user_id: r.try_get("user_id").map_err(map_err)?,
                csrf_token: r.try_get("csrf_token").map_err(map_err)?,
                expires_at: time(r.try_get("expires_at").map_err(map_err)?),
            })
        })
        .transpose()
    }

    pub(crate) async fn delete_session_row(&self, secret_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM browser_sessions WHERE secret_hash = $1").bind(secret_hash).execute(&self.pool).await.map_err(map_err)?;
        Ok(())
    }

    pub(crate) async fn create_token_row(
        &self,
        user_id: UserId,
        name: &str,
        secret_hash: &str,
        expires_at: Option<Timestamp>,
        audit: AuditRecord,
    ) -> Result<ApiToken, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, secret_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, user_id, name, created_at, last_used_at, revoked_at, expires_at",
        )
        .bind(user_id)
        .bind(name)
        .bind(secret_hash)
        .bind(now_ms())
        .bind(expires_at.map(ms))
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        let token = token(&row)?;
        append_logs(&mut tx, &audit, "api_token", Some(token.id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(token)
    }

    /// The owner of a working token of `scope` (`api`, or `feeds` for feed keys) with
    /// this hash, recording its use.
    pub(crate) async fn token_user_row(&self, secret_hash: &str, now: Timestamp, scope: &str) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query(
            "SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.secret_hash = $1 AND t.scope = $3 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled_at IS NULL",
        )
        .bind(secret_hash)
        .bind(ms(now))
        .bind(scope)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let last_used: Option<i64> = row.try_get("last_used_at").map_err(map_err)?;
        // Every API call reads the token; recording its use at most once a minute keeps requests from queuing on writes.
        if last_used.is_none_or(|t| ms(now) - t > TOKEN_USE_RESOLUTION_MS) {
            let id: i64 = row.try_get("id").map_err(map_err)?;
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(ms(now))
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err(map_err)?;
        }
        row.try_get("user_id").map(Some).map_err(map_err)
    }

    pub(crate) async fn token_rows(&self, user_id: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at, expires_at FROM api_tokens WHERE user_id = $1 AND scope = 'api' ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(token).collect()
    }

    pub(crate) async fn revoke_access_rows(&self, user_id: UserId, audit: AuditRecord) -> Result<RevokedAccess, StoreError> {
        let mut tx = self.begin().await?;
        let access = revoke_all(&mut tx, user_id).await?;
        append_logs(&mut tx, &audit, "user", Some(user_id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(access)
    }

    pub(crate) async fn revoke_token_row(&self, user_id: UserId, token_id: i64, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done =
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND scope = 'api' AND revoked_at IS NULL")
                .bind(now_ms())
                .bind(token_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_logs(&mut tx, &audit, "api_token", Some(token_id), false).await?;
        tx.commit().await.map_err(map_err)
    }
}

pub(crate) fn token(r: &sqlx::any::AnyRow) -> Result<ApiToken, StoreError> {
    let last: Option<i64> = r.try_get("last_used_at").map_err(map_err)?;
    let revoked: Option<i64> = r.try_get("revoked_at").map_err(map_err)?;
    let expires: Option<i64> = r.try_get("expires_at").map_err(map_err)?;
    Ok(ApiToken {
        id: r.try_get("id").map_err(map_err)?,
        user_id: r.try_get("user_id").map_err(map_err)?,
        name: r.try_get("name").map_err(map_err)?,
        created_at: time(r.try_get("created_at").map_err(map_err)?),
        last_used_at: last.map(time),
        revoked_at: revoked.map(time),
        expires_at: expires.map(time),
    })
}

/// Inserts a team with its audit and change-log entries.
pub(crate) async fn insert_team(
    tx: &mut Transaction<'static, Any>,
    name: &str,
    kind: TeamKind,
    parent_id: Option<TeamId>,
    audit: &AuditRecord,
) -> Result<Team, StoreError> {
    let row = sqlx::query("INSERT INTO teams (name, kind, parent_id) VALUES ($1, $2, $3) RETURNING id, name, kind, parent_id")
        .bind(name)
        .bind(kind.as_str())
        .bind(parent_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(map_err)?;
    let team = rows::team(&row)?;
    let audit =
        AuditRecord { after: Some(serde_json::json!({"name": team.name, "kind": kind.as_str(), "parent_id": parent_id})), ..audit.clone() };
    append_logs(tx, &audit, "team", Some(team.id.0), true).await?;
    Ok(team)
}

/// Inserts a user with their audit and change-log entries.
pub(crate) async fn insert_user(
    tx: &mut Transaction<'static, Any>,
    u: &NewUser,
    password_hash: Option<&str>,
    audit: &AuditRecord,
) -> Result<User, StoreError> {
    let row = sqlx::query(sql!(
        "INSERT INTO users (email, name, job_title, profession, site, team_id, role, password_hash, created_at, line_manager_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {USER_COLUMNS}"
    ))
    .bind(u.email.trim().to_lowercase())
    .bind(u.name.trim())
    .bind(&u.job_title)
    .bind(&u.profession)
    .bind(&u.site)
    .bind(u.team_id)
    .bind(u.role.as_str())
    .bind(password_hash)
    .bind(now_ms())
    .bind(u.line_manager_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(map_err)?;
    let user = rows::user(&row)?;
    let audit = AuditRecord { after: Some(user_summary(&user)), ..audit.clone() };
    append_logs(tx, &audit, "user", Some(user.id.0), true).await?;
    Ok(user)
}

pub(crate) fn user_summary(u: &User) -> serde_json::Value {
    serde_json::json!({
        "email": u.email, "name": u.name, "role": u.role.as_str(), "team_id": u.team_id, "job_title": u.job_title,
        "line_manager_id": u.line_manager_id, "disabled": u.disabled_at.is_some(),
    })
}

/// Sets a person's password hash (only while the account works, if `working_only`);
/// [`StoreError::NotFound`] when no such account is there to set.
pub(crate) async fn write_password(
    tx: &mut Transaction<'static, Any>,
    id: UserId,
    hash: &str,
    working_only: bool,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND (disabled_at IS NULL OR $3 = 0)")
        .bind(hash)
        .bind(id)
        .bind(working_only as i64)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Ends a person's browser sessions but `keep` (a session's secret hash); returns how many.
pub(crate) async fn end_sessions(tx: &mut Transaction<'static, Any>, id: UserId, keep: Option<&str>) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM browser_sessions WHERE user_id = $1 AND secret_hash <> $2")
        .bind(id)
        .bind(keep.unwrap_or(""))
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(done.rows_affected())
}

/// Revokes every API token of a person and ends every session of theirs.
pub(crate) async fn revoke_all(tx: &mut Transaction<'static, Any>, id: UserId) -> Result<RevokedAccess, StoreError> {
    let tokens = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?
        .rows_affected();
    Ok(RevokedAccess { tokens, sessions: end_sessions(tx, id, None).await? })
}

/// Stores a link (its secret's hash) and the email carrying it; earlier unused links of
/// the same purpose for the same person stop working.
pub(crate) async fn insert_link(tx: &mut Transaction<'static, Any>, user_id: UserId, link: &NewLink) -> Result<(), StoreError> {
    let now = now_ms();
    sqlx::query("UPDATE password_links SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .bind(link.purpose.as_str())
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    sqlx::query("INSERT INTO password_links (secret_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&link.secret_hash)
        .bind(user_id)
        .bind(link.purpose.as_str())
        .bind(now)
        .bind(ms(link.expires_at))
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    crate::jobs::enqueue_in(tx, std::slice::from_ref(&link.email)).await?;
    Ok(())
}
