//! Email choices and the notifications waiting to be emailed. A notification is marked
//! as emailed in the same transaction as the job that emails it is enqueued, so two
//! nodes scanning at once queue it once.
use async_trait::async_trait;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::jobs::NewJob;
use signpost_domain::notifications::{Category, Frequency, NotificationStore};
use signpost_domain::{StoreError, Timestamp, UserId};
use sqlx::Row;

use crate::learning::from_doc_with_id;
use crate::rows::ms;
use crate::{Db, append_logs, map_err};

fn read_notification(row: &sqlx::any::AnyRow) -> Result<Notification, StoreError> {
    let mut n: Notification = from_doc_with_id(row, "notification")?;
    n.read = row.try_get::<i64, _>("seen").map_err(map_err)? != 0;
    Ok(n)
}

#[async_trait]
impl NotificationStore for Db {
    async fn email_preferences(&self, user_id: UserId) -> Result<Vec<(Category, Frequency)>, StoreError> {
        let rows = sqlx::query("SELECT category, frequency FROM email_preferences WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let mut out = Vec::new();
        for row in rows {
            let category: String = row.try_get("category").map_err(map_err)?;
            let frequency: String = row.try_get("frequency").map_err(map_err)?;
            // A category a later version dropped is ignored, not an error.
            if let (Some(c), Some(f)) = (Category::parse(&category), Frequency::parse(&frequency)) {
                out.push((c, f));
            }
        }
        Ok(out)
    }

    async fn set_email_preferences(
        &self,
        user_id: UserId,
        choices: &[(Category, Frequency)],
        audit: AuditRecord,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for (category, frequency) in choices {
            sqlx::query(
                "INSERT INTO email_preferences (user_id, category, frequency) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, category) DO UPDATE SET frequency = excluded.frequency",
            )
            .bind(user_id)
            .bind(category.as_str())
            .bind(frequency.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        append_logs(&mut tx, &audit, "user", Some(user_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn pending_emails(
        &self,
        user: Option<UserId>,
        wanted: Frequency,
        since: Timestamp,
        until: Timestamp,
        defaults: &[(Category, Frequency)],
        limit: i64,
    ) -> Result<Vec<Notification>, StoreError> {
        // Categories whose default is the frequency wanted, for people who chose nothing.
        // Names come from Category::as_str, never from input, so they are safe to inline.
        let by_default: Vec<String> = defaults.iter().filter(|(_, f)| *f == wanted).map(|(c, _)| format!("'{}'", c.as_str())).collect();
        let default_clause = if by_default.is_empty() { "FALSE".to_string() } else { format!("n.category IN ({})", by_default.join(", ")) };
        let rows = sqlx::query(sql!(
            "SELECT n.id, n.seen, n.doc FROM notifications n \
             LEFT JOIN email_preferences p ON p.user_id = n.user_id AND p.category = n.category \
             WHERE n.emailed_at IS NULL AND n.seen = 0 AND n.category <> 'general' \
             AND n.created_at >= $1 AND n.created_at <= $2 AND ($3 = 0 OR n.user_id = $3) \
             AND (p.frequency = $4 OR (p.frequency IS NULL AND {default_clause})) \
             ORDER BY n.created_at, n.id LIMIT $5"
        ))
        .bind(ms(since))
        .bind(ms(until))
        .bind(user.map_or(0, |u| u.0))
        .bind(wanted.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(read_notification).collect()
    }

    async fn queue_emails(&self, ids: &[i64], jobs: &[NewJob], now: Timestamp) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let mut marked = 0;
        for id in ids {
            marked += sqlx::query("UPDATE notifications SET emailed_at = $1 WHERE id = $2 AND emailed_at IS NULL")
                .bind(ms(now))
                .bind(*id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?
                .rows_affected();
        }
        crate::jobs::enqueue_in(&mut tx, jobs).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(marked)
    }

    async fn notification(&self, id: i64) -> Result<Notification, StoreError> {
        let row =
            sqlx::query("SELECT id, seen, doc FROM notifications WHERE id = $1").bind(id).fetch_one(&self.pool).await.map_err(map_err)?;
        read_notification(&row)
    }

    async fn shared_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        // The first node to ask stores its fresh secret; every node then reads that one.
        sqlx::query("INSERT INTO shared_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(fresh)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        sqlx::query("SELECT secret FROM shared_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?
            .try_get("secret")
            .map_err(map_err)
    }
}
