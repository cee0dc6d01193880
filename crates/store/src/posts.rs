//! Editing and removing questions, answers and comments: a compare-and-swap on the
//! stored document, so two people changing the same post cannot overwrite each other.
use signpost_domain::StoreError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::{Notification, Post};
use sqlx::Row;

use crate::learning::{from_doc_with_id, to_doc};
use crate::people::insert_notifications;
use crate::{Db, append_logs, map_err};

fn table_and_id(post: &Post) -> (&'static str, i64) {
    match post {
        Post::Question(q) => ("questions", q.id.0),
        Post::Answer(a) => ("answers", a.id.0),
        Post::Comment(c) => ("comments", c.id),
    }
}

fn read_as(shape: &Post, row: &sqlx::any::AnyRow) -> Result<Post, StoreError> {
    Ok(match shape {
        Post::Question(_) => Post::Question(from_doc_with_id(row, "question")?),
        Post::Answer(_) => Post::Answer(from_doc_with_id(row, "answer")?),
        Post::Comment(_) => Post::Comment(from_doc_with_id(row, "comment")?),
    })
}

fn doc_of(post: &Post) -> Result<String, StoreError> {
    match post {
        Post::Question(q) => to_doc(q),
        Post::Answer(a) => to_doc(a),
        Post::Comment(c) => to_doc(c),
    }
}

impl Db {
    pub(crate) async fn revise(
        &self,
        expected: &Post,
        revised: &Post,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<(), StoreError> {
        let (table, id) = table_and_id(expected);
        if table_and_id(revised) != (table, id) {
            return Err(StoreError::unexpected("a post can only be revised into itself"));
        }
        let mut tx = self.begin().await?;
        let select = match table {
            "questions" => "SELECT id, doc FROM questions WHERE id = $1",
            "answers" => "SELECT id, doc FROM answers WHERE id = $1",
            _ => "SELECT id, doc FROM comments WHERE id = $1",
        };
        let row = sqlx::query(select).bind(id).fetch_optional(&mut *tx).await.map_err(map_err)?.ok_or(StoreError::NotFound)?;
        let stored_doc: String = row.try_get("doc").map_err(map_err)?;
        let changed = || StoreError::Conflict("it was changed by someone else meanwhile: reload it and try again".into());
        if read_as(expected, &row)? != *expected {
            return Err(changed());
        }
        let update = match table {
            "questions" => "UPDATE questions SET doc = $1 WHERE id = $2 AND doc = $3",
            "answers" => "UPDATE answers SET doc = $1 WHERE id = $2 AND doc = $3",
            _ => "UPDATE comments SET doc = $1 WHERE id = $2 AND doc = $3",
        };
        let done = sqlx::query(update).bind(doc_of(revised)?).bind(id).bind(&stored_doc).execute(&mut *tx).await.map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(changed());
        }
        insert_notifications(&mut tx, notify).await?;
        append_logs(&mut tx, &audit, "question", Some(expected.question_id().0), false).await?;
        tx.commit().await.map_err(map_err)
    }
}
