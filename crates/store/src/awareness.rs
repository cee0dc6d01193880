//! Saved searches and what their digests delivered.
use async_trait::async_trait;
use signpost_domain::audit::AuditRecord;
use signpost_domain::awareness::{AlertFrequency, AwarenessStore, SavedSearch};
use signpost_domain::{StoreError, Timestamp, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::rows::{ms, time};
use crate::{Db, append_logs, map_err};

fn saved(r: &AnyRow) -> Result<SavedSearch, StoreError> {
    let frequency: String = r.try_get("frequency").map_err(map_err)?;
    Ok(SavedSearch {
        id: r.try_get("id").map_err(map_err)?,
        user_id: r.try_get("user_id").map_err(map_err)?,
        name: r.try_get("name").map_err(map_err)?,
        query: r.try_get("query").map_err(map_err)?,
        frequency: AlertFrequency::parse(&frequency).map_err(|e| StoreError::unexpected(e.message))?,
        paused_because: r.try_get("paused_because").map_err(map_err)?,
        problem: r.try_get("problem").map_err(map_err)?,
        created_at: time(r.try_get("created_at").map_err(map_err)?),
        checked_until: time(r.try_get("checked_until").map_err(map_err)?),
    })
}

const COLUMNS: &str = "SELECT id, user_id, name, query, frequency, paused_because, problem, created_at, checked_until FROM saved_searches";

#[async_trait]
impl AwarenessStore for Db {
    async fn create_saved_search(
        &self,
        user_id: UserId,
        name: &str,
        query: &str,
        frequency: AlertFrequency,
        now: Timestamp,
        audit: AuditRecord,
    ) -> Result<SavedSearch, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "INSERT INTO saved_searches (user_id, name, query, frequency, created_at, checked_until) VALUES ($1, $2, $3, $4, $5, $5) \
             RETURNING id, user_id, name, query, frequency, paused_because, problem, created_at, checked_until",
        )
        .bind(user_id)
        .bind(name)
        .bind(query)
        .bind(frequency.as_str())
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        let search = saved(&row)?;
        append_logs(&mut tx, &audit, "saved_search", Some(search.id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(search)
    }

    async fn saved_search(&self, id: i64) -> Result<SavedSearch, StoreError> {
        let row = sqlx::query(sql!("{COLUMNS} WHERE id = $1")).bind(id).fetch_optional(&self.pool).await.map_err(map_err)?;
        row.as_ref().map(saved).transpose()?.ok_or(StoreError::NotFound)
    }

    async fn saved_searches(&self, user_id: UserId) -> Result<Vec<SavedSearch>, StoreError> {
        let rows =
            sqlx::query(sql!("{COLUMNS} WHERE user_id = $1 ORDER BY id")).bind(user_id).fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(saved).collect()
    }

    async fn saved_searches_at(&self, frequency: AlertFrequency) -> Result<Vec<SavedSearch>, StoreError> {
        let rows = sqlx::query(sql!("{COLUMNS} WHERE frequency = $1 ORDER BY id"))
            .bind(frequency.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(saved).collect()
    }

    async fn set_search_frequency(
        &self,
        id: i64,
        user_id: UserId,
        frequency: AlertFrequency,
        audit: AuditRecord,
    ) -> Result<SavedSearch, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE saved_searches SET frequency = $1, paused_because = NULL WHERE id = $2 AND user_id = $3 \
             RETURNING id, user_id, name, query, frequency, paused_because, problem, created_at, checked_until",
        )
        .bind(frequency.as_str())
        .bind(id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let search = row.as_ref().map(saved).transpose()?.ok_or(StoreError::NotFound)?;
        append_logs(&mut tx, &audit, "saved_search", Some(id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(search)
    }

    async fn delete_saved_search(&self, id: i64, user_id: UserId, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM saved_searches WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_logs(&mut tx, &audit, "saved_search", Some(id), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn pause_saved_search(&self, id: i64, reason: &str, audit: AuditRecord) -> Result<SavedSearch, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE saved_searches SET frequency = 'paused', paused_because = $1 WHERE id = $2 \
             RETURNING id, user_id, name, query, frequency, paused_because, problem, created_at, checked_until",
        )
        .bind(reason)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let search = row.as_ref().map(saved).transpose()?.ok_or(StoreError::NotFound)?;
        append_logs(&mut tx, &audit, "saved_search", Some(id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(search)
    }

    async fn pause_saved_searches(&self, user_id: UserId, reason: &str, audit: AuditRecord) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let done =
            sqlx::query("UPDATE saved_searches SET frequency = 'paused', paused_because = $1 WHERE user_id = $2 AND frequency <> 'paused'")
                .bind(reason)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        if done.rows_affected() > 0 {
            append_logs(&mut tx, &audit, "user", Some(user_id.0), false).await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(done.rows_affected())
    }

    async fn record_delivery(
        &self,
        id: i64,
        from: Timestamp,
        until: Timestamp,
        items: i64,
        problem: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let moved = sqlx::query("UPDATE saved_searches SET checked_until = $1, problem = $2 WHERE id = $3 AND checked_until = $4")
            .bind(ms(until))
            .bind(problem)
            .bind(id)
            .bind(ms(from))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if moved.rows_affected() == 0 {
            return Ok(false);
        }
        if items > 0 {
            sqlx::query("INSERT INTO alert_deliveries (saved_search_id, user_id, sent_at, items) SELECT id, user_id, $1, $2 FROM saved_searches WHERE id = $3")
                .bind(ms(until))
                .bind(items)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn deliveries(&self, from: Timestamp, to: Timestamp) -> Result<Vec<(UserId, i64)>, StoreError> {
        let rows = sqlx::query("SELECT user_id, items FROM alert_deliveries WHERE sent_at >= $1 AND sent_at < $2")
            .bind(ms(from))
            .bind(ms(to))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(|r| Ok((r.try_get("user_id").map_err(map_err)?, r.try_get("items").map_err(map_err)?))).collect()
    }

    async fn all_saved_searches(&self) -> Result<Vec<SavedSearch>, StoreError> {
        let rows = sqlx::query(sql!("{COLUMNS} ORDER BY id")).fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(saved).collect()
    }

    async fn record_alert_open(&self, saved_search_id: i64, user_id: UserId, asset_id: i64, at: Timestamp) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO alert_opens (saved_search_id, user_id, asset_id, opened_at) VALUES ($1, $2, $3, $4)")
            .bind(saved_search_id)
            .bind(user_id)
            .bind(asset_id)
            .bind(ms(at))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn alert_opens(&self, from: Timestamp, to: Timestamp) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM alert_opens WHERE opened_at >= $1 AND opened_at < $2")
            .bind(ms(from))
            .bind(ms(to))
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        row.try_get("n").map_err(map_err)
    }
}
