//! Projects, sessions, private answers, actions, lesson records and usefulness marks.
//! Each row keeps the whole record as JSON in `doc`; the other columns are for
//! filtering, and a row's `id` column, not its document, says which record it is.
use signpost_domain::assets::Asset;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::learning::{
    Action, ActionFilter, ActionId, Contribution, LessonRecord, Project, ProjectId, Session, SessionId, UsefulMark,
};
use signpost_domain::ports::AssetWrite;
use signpost_domain::{AssetId, StoreError};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{Db, append_logs, map_err};

pub(crate) fn to_doc<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::caused("a record could not be stored", e))
}

pub(crate) fn from_doc<T: serde::de::DeserializeOwned>(row: &AnyRow, what: &str) -> Result<T, StoreError> {
    let doc: String = row.try_get("doc").map_err(map_err)?;
    serde_json::from_str(&doc).map_err(|e| StoreError::unexpected(format!("a stored {what} is unreadable: {e}")))
}

/// A record from a row with its own `id` column: the column is the identity, so a new
/// row's document (written before its id existed) never needs rewriting.
pub(crate) fn from_doc_with_id<T: serde::de::DeserializeOwned>(row: &AnyRow, what: &str) -> Result<T, StoreError> {
    let doc: String = row.try_get("doc").map_err(map_err)?;
    let id: i64 = row.try_get("id").map_err(map_err)?;
    let mut value: serde_json::Value =
        serde_json::from_str(&doc).map_err(|e| StoreError::unexpected(format!("a stored {what} is unreadable: {e}")))?;
    if let Some(fields) = value.as_object_mut() {
        fields.insert("id".to_string(), id.into());
    }
    serde_json::from_value(value).map_err(|e| StoreError::unexpected(format!("a stored {what} is unreadable: {e}")))
}

/// Inserts a row (when `id` is 0) or replaces its columns, returning the id.
/// `columns` are bound as `$1..$n`; the id, when updating, as `$n+1`.
pub(crate) async fn upsert(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    id: i64,
    columns: &[&str],
    bind: impl FnOnce(sqlx::query::Query<'_, Any, sqlx::any::AnyArguments>) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments>,
) -> Result<i64, StoreError> {
    let params: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    if id == 0 {
        let sql = sql!("INSERT INTO {table} ({}) VALUES ({}) RETURNING id", columns.join(", "), params.join(", "));
        let row = bind(sqlx::query(sql)).fetch_one(&mut **tx).await.map_err(map_err)?;
        row.try_get("id").map_err(map_err)
    } else {
        let sets: Vec<String> = columns.iter().zip(&params).map(|(c, p)| format!("{c} = {p}")).collect();
        let sql = sql!("UPDATE {table} SET {} WHERE id = ${}", sets.join(", "), columns.len() + 1);
        let done = bind(sqlx::query(sql)).bind(id).execute(&mut **tx).await.map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(id)
    }
}

async fn write_lesson_record(tx: &mut Transaction<'static, Any>, record: &LessonRecord) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO lesson_records (asset_id, doc) VALUES ($1, $2) ON CONFLICT (asset_id) DO UPDATE SET doc = excluded.doc")
        .bind(record.asset_id)
        .bind(to_doc(record)?)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(())
}

/// Inserts (id 0) or replaces an action inside the caller's transaction; returns its id.
pub(crate) async fn write_action(tx: &mut Transaction<'static, Any>, action: &Action) -> Result<i64, StoreError> {
    let columns = ["owner_id", "team_id", "session_id", "project_id", "lesson_id", "status", "due_on", "doc"];
    let doc = to_doc(action)?;
    upsert(tx, "actions", action.id.0, &columns, |q| {
        q.bind(action.owner_id)
            .bind(action.team_id)
            .bind(action.session_id)
            .bind(action.project_id)
            .bind(action.lesson_id)
            .bind(action.status.as_str())
            .bind(action.due_on.to_string())
            .bind(doc)
    })
    .await
}

impl Db {
    pub(crate) async fn save_project_row(&self, project: &Project, audit: AuditRecord) -> Result<Project, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = project.clone();
        let doc = to_doc(project)?;
        saved.id = ProjectId(upsert(&mut tx, "projects", project.id.0, &["team_id", "doc"], |q| q.bind(project.team_id).bind(doc)).await?);
        append_logs(&mut tx, &audit, "project", Some(saved.id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    pub(crate) async fn project_row(&self, id: ProjectId) -> Result<Project, StoreError> {
        let row = sqlx::query("SELECT id, doc FROM projects WHERE id = $1").bind(id).fetch_one(&self.pool).await.map_err(map_err)?;
        from_doc_with_id(&row, "project")
    }

    pub(crate) async fn project_rows(&self) -> Result<Vec<Project>, StoreError> {
        let rows = sqlx::query("SELECT id, doc FROM projects ORDER BY id DESC").fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(|r| from_doc_with_id(r, "project")).collect()
    }

    pub(crate) async fn save_learning_session_row(
        &self,
        session: &Session,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<Session, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = session.clone();
        // Sharing the private answers is one-way: a record saved from a copy read before
        // they were shared must not hide them again. Read inside the write transaction,
        // which holds the writer's lock on both engines.
        if session.id != SessionId(0) {
            let row = sqlx::query("SELECT id, doc FROM learning_sessions WHERE id = $1")
                .bind(session.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
            if let Some(row) = row {
                let stored: Session = from_doc_with_id(&row, "session")?;
                saved.shared |= stored.shared;
            }
        }
        let doc = to_doc(&saved)?;
        let session = &saved.clone();
        let held_on = session.held_on.to_string();
        saved.id = SessionId(
            upsert(&mut tx, "learning_sessions", session.id.0, &["project_id", "held_on", "doc"], |q| {
                q.bind(session.project_id).bind(held_on).bind(doc)
            })
            .await?,
        );
        crate::people::insert_notifications(&mut tx, notify).await?;
        append_logs(&mut tx, &audit, "session", Some(saved.id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    pub(crate) async fn learning_session_row(&self, id: SessionId) -> Result<Session, StoreError> {
        let row =
            sqlx::query("SELECT id, doc FROM learning_sessions WHERE id = $1").bind(id).fetch_one(&self.pool).await.map_err(map_err)?;
        from_doc_with_id(&row, "session")
    }

    pub(crate) async fn learning_session_rows(&self, project_id: Option<ProjectId>) -> Result<Vec<Session>, StoreError> {
        let rows = match project_id {
            Some(p) => sqlx::query("SELECT id, doc FROM learning_sessions WHERE project_id = $1 ORDER BY held_on, id").bind(p),
            None => sqlx::query("SELECT id, doc FROM learning_sessions ORDER BY held_on, id"),
        }
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(|r| from_doc_with_id(r, "session")).collect()
    }

    pub(crate) async fn add_contribution_row(&self, c: &Contribution, audit: AuditRecord) -> Result<Contribution, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = c.clone();
        let row = sqlx::query("INSERT INTO session_contributions (session_id, doc) VALUES ($1, $2) RETURNING id")
            .bind(c.session_id)
            .bind(to_doc(c)?)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
        saved.id = row.try_get("id").map_err(map_err)?;
        append_logs(&mut tx, &audit, "session", Some(c.session_id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    pub(crate) async fn contribution_rows(&self, session_id: SessionId) -> Result<Vec<Contribution>, StoreError> {
        let rows = sqlx::query("SELECT id, doc FROM session_contributions WHERE session_id = $1 ORDER BY id")
            .bind(session_id)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(|r| from_doc_with_id(r, "contribution")).collect()
    }

    pub(crate) async fn save_action_row(
        &self,
        action: &Action,
        lesson: Option<LessonRecord>,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<Action, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = action.clone();
        saved.id = ActionId(write_action(&mut tx, action).await?);
        if let Some(record) = lesson {
            write_lesson_record(&mut tx, &record).await?;
        }
        crate::people::insert_notifications(&mut tx, notify).await?;
        append_logs(&mut tx, &audit, "action", Some(saved.id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    pub(crate) async fn action_row(&self, id: ActionId) -> Result<Action, StoreError> {
        let row = sqlx::query("SELECT id, doc FROM actions WHERE id = $1").bind(id).fetch_one(&self.pool).await.map_err(map_err)?;
        from_doc_with_id(&row, "action")
    }

    pub(crate) async fn action_rows(&self, f: &ActionFilter) -> Result<Vec<Action>, StoreError> {
        // Ids only, so the filter is bound safely and never interpolated.
        let mut clauses = vec!["1 = 1".to_string()];
        let mut binds: Vec<i64> = Vec::new();
        for (column, value) in [
            ("owner_id", f.owner_id.map(i64::from)),
            ("session_id", f.session_id.map(i64::from)),
            ("project_id", f.project_id.map(i64::from)),
            ("lesson_id", f.lesson_id.map(i64::from)),
        ] {
            if let Some(v) = value {
                binds.push(v);
                clauses.push(format!("{column} = ${}", binds.len()));
            }
        }
        if !f.team_ids.is_empty() {
            let mut params = Vec::new();
            for t in &f.team_ids {
                binds.push(t.0);
                params.push(format!("${}", binds.len()));
            }
            clauses.push(format!("team_id IN ({})", params.join(", ")));
        }
        if f.open_only {
            clauses.push("status = 'open'".to_string());
        }
        let sql = sql!("SELECT id, doc FROM actions WHERE {} ORDER BY due_on, id", clauses.join(" AND "));
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(|r| from_doc_with_id(r, "action")).collect()
    }

    pub(crate) async fn insert_lesson_rows(&self, write: AssetWrite, record: LessonRecord) -> Result<(Asset, LessonRecord), StoreError> {
        let mut tx = self.begin().await?;
        let asset = crate::assets::insert_in(&mut tx, write).await?;
        let record = LessonRecord { asset_id: asset.id, ..record };
        write_lesson_record(&mut tx, &record).await?;
        tx.commit().await.map_err(map_err)?;
        Ok((asset, record))
    }

    pub(crate) async fn save_lesson_record_row(&self, record: &LessonRecord, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        write_lesson_record(&mut tx, record).await?;
        append_logs(&mut tx, &audit, "asset", Some(record.asset_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    pub(crate) async fn lesson_record_rows(&self, ids: Option<&[AssetId]>) -> Result<Vec<LessonRecord>, StoreError> {
        let rows = match ids {
            None => sqlx::query("SELECT doc FROM lesson_records ORDER BY asset_id").fetch_all(&self.pool).await.map_err(map_err)?,
            Some([]) => Vec::new(),
            Some(ids) => {
                let params: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
                let sql = sql!("SELECT doc FROM lesson_records WHERE asset_id IN ({}) ORDER BY asset_id", params.join(", "));
                let mut q = sqlx::query(sql);
                for id in ids {
                    q = q.bind(*id);
                }
                q.fetch_all(&self.pool).await.map_err(map_err)?
            }
        };
        rows.iter().map(|r| from_doc(r, "lesson record")).collect()
    }

    pub(crate) async fn mark_row(&self, m: &UsefulMark) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO useful_marks (project_id, asset_id, user_id, useful) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (project_id, asset_id, user_id) DO UPDATE SET useful = excluded.useful",
        )
        .bind(m.project_id)
        .bind(m.asset_id)
        .bind(m.user_id)
        .bind(i64::from(m.useful))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    pub(crate) async fn mark_rows(&self, project_id: ProjectId) -> Result<Vec<UsefulMark>, StoreError> {
        let rows = sqlx::query("SELECT asset_id, user_id, useful FROM useful_marks WHERE project_id = $1 ORDER BY asset_id, user_id")
            .bind(project_id)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(UsefulMark {
                    project_id,
                    asset_id: r.try_get("asset_id").map_err(map_err)?,
                    user_id: r.try_get("user_id").map_err(map_err)?,
                    useful: r.try_get::<i64, _>("useful").map_err(map_err)? != 0,
                })
            })
            .collect()
    }

    pub(crate) async fn usefulness_rows(&self) -> Result<Vec<(AssetId, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT asset_id, CAST(SUM(2 * useful - 1) AS BIGINT) AS net FROM useful_marks GROUP BY asset_id ORDER BY asset_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(|r| Ok((r.try_get("asset_id").map_err(map_err)?, r.try_get("net").map_err(map_err)?))).collect()
    }
}
