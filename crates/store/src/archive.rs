//! Every table as rows, and a restore into an empty database in one transaction.
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use signpost_domain::StoreError;
use signpost_domain::archive::{ArchiveStore, Cell, CellKind, Restore, RowCursor, TABLES};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{Backend, Db, map_err};

/// Whether `table` is one Signpost keeps (names come from [`TABLES`], never from input).
fn known(table: &str) -> Result<&'static str, StoreError> {
    TABLES.iter().map(|t| t.name).find(|t| *t == table).ok_or_else(|| StoreError::Conflict(format!("there is no table {table:?}")))
}

/// A column name as SQL: only names the database itself reported are used, quoted.
fn quoted(column: &str) -> String {
    format!("\"{}\"", column.replace('"', "\"\""))
}

fn cell(row: &AnyRow, i: usize, kind: CellKind) -> Result<Cell, StoreError> {
    Ok(match kind {
        CellKind::Int => row.try_get::<Option<i64>, _>(i).map_err(map_err)?.map_or(Cell::Null, Cell::Int),
        CellKind::Text => row.try_get::<Option<String>, _>(i).map_err(map_err)?.map_or(Cell::Null, Cell::Text),
        CellKind::Bytes => match row.try_get::<Option<Vec<u8>>, _>(i).map_err(map_err)? {
            Some(bytes) => Cell::Bytes { base64: base64_encode(&bytes) },
            None => Cell::Null,
        },
    })
}

fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

fn base64_decode(text: &str) -> Result<Vec<u8>, StoreError> {
    STANDARD.decode(text).map_err(|e| StoreError::Conflict(format!("bytes are not base64 ({e})")))
}

#[async_trait]
impl ArchiveStore for Db {
    async fn table_names(&self) -> Result<Vec<String>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '_sqlx%' ORDER BY table_name"
            }
        };
        let rows = sqlx::query(sql).fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(|r| r.try_get::<String, _>("name").map_err(map_err)).collect()
    }

    async fn columns(&self, table: &str) -> Result<Vec<(String, CellKind)>, StoreError> {
        let table = known(table)?;
        let sql = match self.backend {
            Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
            Backend::Postgres => {
                "SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
            }
        };
        let rows = sqlx::query(sql).bind(table).fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("name").map_err(map_err)?,
                    CellKind::of_sql_type(&r.try_get::<String, _>("type").map_err(map_err)?),
                ))
            })
            .collect()
    }

    async fn row_count(&self, table: &str) -> Result<i64, StoreError> {
        let table = known(table)?;
        sqlx::query(sql!("SELECT COUNT(*) AS n FROM {table}")).fetch_one(&self.pool).await.map_err(map_err)?.try_get("n").map_err(map_err)
    }

    async fn rows(
        &self,
        table: &str,
        columns: &[(String, CellKind)],
        after: Option<&RowCursor>,
        limit: i64,
    ) -> Result<(Vec<Vec<Cell>>, Option<RowCursor>), StoreError> {
        let table = known(table)?;
        let list = columns.iter().map(|(c, _)| quoted(c)).collect::<Vec<_>>().join(", ");
        let by_id = columns.iter().any(|(c, k)| c == "id" && *k == CellKind::Int);
        let rows = if by_id {
            let from = match after {
                Some(RowCursor::Id(id)) => *id,
                _ => i64::MIN,
            };
            sqlx::query(sql!("SELECT {list} FROM {table} WHERE id > $1 ORDER BY id LIMIT $2"))
                .bind(from)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
        } else {
            let offset = match after {
                Some(RowCursor::Offset(n)) => *n,
                _ => 0,
            };
            let order: Vec<String> = columns.iter().filter(|(_, k)| *k != CellKind::Bytes).map(|(c, _)| quoted(c)).collect();
            sqlx::query(sql!("SELECT {list} FROM {table} ORDER BY {} LIMIT $1 OFFSET $2", order.join(", ")))
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await
        }
        .map_err(map_err)?;
        let cells: Vec<Vec<Cell>> =
            rows.iter().map(|r| columns.iter().enumerate().map(|(i, (_, k))| cell(r, i, *k)).collect()).collect::<Result<_, _>>()?;
        let next = match (by_id, cells.last()) {
            (_, None) => None,
            (true, Some(last)) => {
                let at = columns.iter().position(|(c, _)| c == "id").unwrap_or(0);
                match last[at] {
                    Cell::Int(id) => Some(RowCursor::Id(id)),
                    _ => None,
                }
            }
            (false, Some(_)) => {
                let before = match after {
                    Some(RowCursor::Offset(n)) => *n,
                    _ => 0,
                };
                Some(RowCursor::Offset(before + cells.len() as i64))
            }
        };
        Ok((cells, next))
    }

    async fn begin_restore(&self) -> Result<Box<dyn Restore>, StoreError> {
        let mut tx = self.begin().await?;
        for table in ["users", "assets"] {
            let n: i64 = sqlx::query(sql!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?
                .try_get("n")
                .map_err(map_err)?;
            if n > 0 {
                return Err(StoreError::Conflict(format!(
                    "the database already holds {n} {table}: restore into an empty database (a new one, with nothing loaded)"
                )));
            }
        }
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *tx).await.map_err(map_err)?;
        }
        // The migrations' own rows (default synonyms, counters) make way for the archive's.
        for spec in TABLES.iter().rev() {
            let table = spec.name;
            sqlx::query(sql!("DELETE FROM {table}")).execute(&mut *tx).await.map_err(map_err)?;
        }
        Ok(Box::new(Restoring { tx, backend: self.backend, held: Vec::new() }))
    }
}

/// A restore's transaction, and the references to people set at the end (a line
/// manager may come later in the table than the people they manage).
struct Restoring {
    tx: Transaction<'static, Any>,
    backend: Backend,
    held: Vec<(&'static str, &'static str, i64, i64)>,
}

/// References within one table, set once all of its rows are in.
const SELF_REFERENCES: [(&str, &str); 2] = [("users", "line_manager_id"), ("teams", "parent_id")];

#[async_trait]
impl Restore for Restoring {
    async fn insert(&mut self, table: &str, columns: &[(String, CellKind)], rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        let table = known(table)?;
        if rows.is_empty() {
            return Ok(());
        }
        let width = columns.len();
        let held_columns: Vec<(usize, &'static str)> = SELF_REFERENCES
            .iter()
            .filter(|(t, _)| *t == table)
            .filter_map(|(_, c)| columns.iter().position(|(name, _)| name == c).map(|i| (i, *c)))
            .collect();
        let id_at = columns.iter().position(|(c, _)| c == "id");
        let list = columns.iter().map(|(c, _)| quoted(c)).collect::<Vec<_>>().join(", ");
        // As many rows a statement as keep it under both engines' limits on parameters.
        let per_statement = (10_000 / width.max(1)).max(1);
        for batch in rows.chunks(per_statement) {
            let mut values = Vec::with_capacity(batch.len());
            for r in 0..batch.len() {
                let params: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
                values.push(format!("({})", params.join(", ")));
            }
            let statement = sql!("INSERT INTO {table} ({list}) VALUES {}", values.join(", "));
            let mut query = sqlx::query(statement);
            for row in batch {
                if row.len() != width {
                    return Err(StoreError::Conflict(format!("a row of {table} has {} values for {width} columns", row.len())));
                }
                for (i, ((_, kind), value)) in columns.iter().zip(row).enumerate() {
                    let value = if held_columns.iter().any(|(at, _)| *at == i) {
                        if let (Cell::Int(target), Some(Cell::Int(id))) = (value, id_at.map(|at| &row[at])) {
                            let column = held_columns.iter().find(|(at, _)| *at == i).map(|(_, c)| *c).unwrap_or_default();
                            self.held.push((table, column, *id, *target));
                        }
                        &Cell::Null
                    } else {
                        value
                    };
                    query = match (kind, value) {
                        (CellKind::Int, Cell::Int(n)) => query.bind(*n),
                        (CellKind::Int, Cell::Null) => query.bind(None::<i64>),
                        (CellKind::Text, Cell::Text(t)) => query.bind(t.clone()),
                        (CellKind::Text, Cell::Null) => query.bind(None::<String>),
                        (CellKind::Bytes, Cell::Bytes { base64 }) => query.bind(base64_decode(base64)?),
                        (CellKind::Bytes, Cell::Null) => query.bind(None::<Vec<u8>>),
                        (kind, value) => {
                            return Err(StoreError::Conflict(format!("{table}.{}: {value:?} is not {kind:?}", columns[i].0)));
                        }
                    };
                }
            }
            query.execute(&mut *self.tx).await.map_err(map_err)?;
        }
        Ok(())
    }

    async fn count(&mut self, table: &str) -> Result<i64, StoreError> {
        let table = known(table)?;
        sqlx::query(sql!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(map_err)?
            .try_get("n")
            .map_err(map_err)
    }

    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        for (table, column, id, target) in std::mem::take(&mut self.held) {
            sqlx::query(sql!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
                .bind(target)
                .bind(id)
                .execute(&mut *self.tx)
                .await
                .map_err(map_err)?;
        }
        if self.backend == Backend::Postgres {
            // Identity columns count on from the highest id restored. (An error here
            // would abort the transaction, and PostgreSQL then answers COMMIT with a
            // rollback, so only tables that have one are asked.)
            let rows = sqlx::query(
                "SELECT table_name::text AS t FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND column_name = 'id' AND is_identity = 'YES'",
            )
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_err)?;
            for row in rows {
                let name: String = row.try_get("t").map_err(map_err)?;
                let Ok(table) = known(&name) else { continue };
                sqlx::query(sql!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
                ))
                .execute(&mut *self.tx)
                .await
                .map_err(map_err)?;
            }
        }
        self.tx.commit().await.map_err(map_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_survive_base64() {
        for bytes in [vec![], vec![0u8], vec![1, 2], vec![255, 254, 253], (0..=255).collect::<Vec<u8>>()] {
            assert_eq!(base64_decode(&base64_encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(base64_encode(b"Man"), "TWFu");
        assert_eq!(base64_encode(b"Ma"), "TWE=");
    }
}
