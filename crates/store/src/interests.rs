//! Interest profiles, each one document under a version, with the saved searches they keep.
use async_trait::async_trait;
use chrono::Utc;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::interests::{InterestProfile, InterestStore, ProfileSearches, SUBJECTS_SEARCH, TEAMS_SEARCH};
use signpost_domain::{StoreError, UserId};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::learning::{from_doc, to_doc};
use crate::people::insert_notifications;
use crate::rows::ms;
use crate::{Db, append_logs, map_err};

fn profile(row: &AnyRow) -> Result<InterestProfile, StoreError> {
    let mut p: InterestProfile = from_doc(row, "interest profile")?;
    p.version = row.try_get("version").map_err(map_err)?;
    Ok(p)
}

/// Keeps one of the profile's saved searches in step: changed in place (so what it has
/// already sent is not sent again), made, or removed. Returns its id.
async fn keep(
    tx: &mut Transaction<'static, Any>,
    p: &InterestProfile,
    name: &str,
    query: Option<&str>,
    id: Option<i64>,
) -> Result<Option<i64>, StoreError> {
    let frequency = p.frequency.as_str();
    match (query, id) {
        (Some(q), Some(id)) => {
            let done = sqlx::query("UPDATE saved_searches SET name = $1, query = $2, frequency = $3, paused_because = NULL, problem = NULL WHERE id = $4 AND user_id = $5")
                .bind(name)
                .bind(q)
                .bind(frequency)
                .bind(id)
                .bind(p.user_id)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
            if done.rows_affected() == 1 { Ok(Some(id)) } else { Box::pin(keep(tx, p, name, query, None)).await }
        }
        (Some(q), None) => {
            let now = ms(Utc::now());
            let row = sqlx::query(
                "INSERT INTO saved_searches (user_id, name, query, frequency, created_at, checked_until) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(p.user_id)
            .bind(name)
            .bind(q)
            .bind(frequency)
            .bind(now)
            .fetch_one(&mut **tx)
            .await
            .map_err(map_err)?;
            Ok(Some(row.try_get("id").map_err(map_err)?))
        }
        (None, Some(id)) => {
            sqlx::query("DELETE FROM saved_searches WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(p.user_id)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
            Ok(None)
        }
        (None, None) => Ok(None),
    }
}

#[async_trait]
impl InterestStore for Db {
    async fn interest_profile(&self, user_id: UserId) -> Result<Option<InterestProfile>, StoreError> {
        let row = sqlx::query("SELECT version, doc FROM interest_profiles WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(profile).transpose()
    }

    async fn interest_profiles(&self) -> Result<Vec<InterestProfile>, StoreError> {
        let rows =
            sqlx::query("SELECT version, doc FROM interest_profiles ORDER BY user_id").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(profile).collect()
    }

    async fn save_interest_profile(
        &self,
        p: &InterestProfile,
        searches: Option<&ProfileSearches>,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<InterestProfile, StoreError> {
        let next = InterestProfile { version: p.version + 1, ..p.clone() };
        let doc = to_doc(&next)?;
        let mut tx = self.begin().await?;
        let done = if p.version == 0 {
            sqlx::query("INSERT INTO interest_profiles (user_id, version, doc) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING")
                .bind(p.user_id)
                .bind(next.version)
                .bind(&doc)
                .execute(&mut *tx)
                .await
        } else {
            sqlx::query("UPDATE interest_profiles SET version = $1, doc = $2 WHERE user_id = $3 AND version = $4")
                .bind(next.version)
                .bind(&doc)
                .bind(p.user_id)
                .bind(p.version)
                .execute(&mut *tx)
                .await
        }
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("the interest profile changed since you opened it; look at it again".into()));
        }
        if let Some(s) = searches {
            let row = sqlx::query("SELECT subjects_search, teams_search FROM interest_profiles WHERE user_id = $1")
                .bind(p.user_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
            let subjects: Option<i64> = row.try_get("subjects_search").map_err(map_err)?;
            let teams: Option<i64> = row.try_get("teams_search").map_err(map_err)?;
            let subjects = keep(&mut tx, &next, SUBJECTS_SEARCH, s.subjects.as_deref(), subjects).await?;
            let teams = keep(&mut tx, &next, TEAMS_SEARCH, s.teams.as_deref(), teams).await?;
            sqlx::query("UPDATE interest_profiles SET subjects_search = $1, teams_search = $2 WHERE user_id = $3")
                .bind(subjects)
                .bind(teams)
                .bind(p.user_id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        insert_notifications(&mut tx, notify).await?;
        append_logs(&mut tx, &audit, "interest_profile", Some(p.user_id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(next)
    }
}
