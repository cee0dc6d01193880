//! The whole instance as one file and back, and from one database to another, for the
//! server's operator (the command line; there is no web route to any of it).
//!
//! An archive is JSON Lines, so it is written and read a row at a time whatever its
//! size: a header (`{"format": "signpost-archive", "version": 1, …}`), then for each
//! table a line naming it and its columns followed by one line per row (an array of
//! values), and a last line with every table's count. Sessions, tokens, password
//! hashes, secrets, queued jobs, webhook endpoints and embeddings stay behind. A
//! restore is one transaction that checks the counts before it commits: a file cut
//! short or changed by hand restores nothing, and says at which line it went wrong.
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use signpost_domain::FieldError;
use signpost_domain::archive::{Cell, CellKind, Restore, TABLES, TableSpec};

use crate::{ServiceError, Signpost};

/// What the first line says.
pub const FORMAT: &str = "signpost-archive";
/// The version of the file's layout this build writes and reads.
pub const VERSION: u32 = 1;
/// Rows read and written at a time.
const BATCH: i64 = 1_000;

/// Reports rows done of rows in all.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    exported_at: DateTime<Utc>,
    /// Rows in all, for a progress bar.
    rows: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct TableStart {
    table: String,
    columns: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct End {
    end: BTreeMap<String, i64>,
}

/// Each table and how many rows it holds (in the source, and in the copy for a migration).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(pub Vec<(String, i64)>);

fn failed(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Unexpected { context: format!("the archive could not be written: {e}"), source: None }
}

fn at_line(line: usize, message: impl std::fmt::Display) -> ServiceError {
    ServiceError::Invalid(vec![FieldError::new("archive", format!("line {line}: {message}; nothing was imported"))])
}

impl Signpost {
    /// Writes every table an archive keeps to `out`.
    pub async fn write_archive(&self, out: &mut (dyn Write + Send), progress: Progress<'_>) -> Result<Counts, ServiceError> {
        let tables: Vec<&TableSpec> = TABLES.iter().filter(|t| t.in_file).collect();
        let mut total = 0;
        for t in &tables {
            total += self.store.row_count(t.name).await?;
        }
        let header = Header { format: FORMAT.into(), version: VERSION, exported_at: Utc::now(), rows: total };
        writeln!(out, "{}", serde_json::to_string(&header).map_err(failed)?).map_err(failed)?;
        let mut counts = Counts::default();
        let mut done = 0u64;
        for spec in tables {
            let columns = self.store.columns(spec.name).await?;
            let start = TableStart { table: spec.name.into(), columns: columns.iter().map(|(c, _)| c.clone()).collect() };
            writeln!(out, "{}", serde_json::to_string(&start).map_err(failed)?).map_err(failed)?;
            let blank: Vec<bool> = columns.iter().map(|(c, _)| spec.blank_in_file.contains(&c.as_str())).collect();
            let mut cursor = None;
            let mut n = 0;
            loop {
                let (rows, next) = self.store.rows(spec.name, &columns, cursor.as_ref(), BATCH).await?;
                for mut row in rows.iter().cloned() {
                    for (cell, blank) in row.iter_mut().zip(&blank) {
                        if *blank {
                            *cell = Cell::Null;
                        }
                    }
                    writeln!(out, "{}", serde_json::to_string(&row).map_err(failed)?).map_err(failed)?;
                }
                n += rows.len() as i64;
                done += rows.len() as u64;
                progress(done, total as u64);
                if (rows.len() as i64) < BATCH {
                    break;
                }
                cursor = next;
            }
            counts.0.push((spec.name.to_string(), n));
        }
        let end = End { end: counts.0.iter().cloned().collect() };
        writeln!(out, "{}", serde_json::to_string(&end).map_err(failed)?).map_err(failed)?;
        out.flush().map_err(failed)?;
        Ok(counts)
    }

    /// Whether `first_line` starts an archive, or something that means to be one (a
    /// JSON object naming its format), so `signpost import` knows what it has.
    pub fn is_archive(first_line: &str) -> bool {
        serde_json::from_str::<Value>(first_line).is_ok_and(|v| v.get("format").is_some())
    }

    /// Restores an archive into this instance, which must be empty, in one transaction.
    pub async fn restore_archive(&self, input: &mut (dyn BufRead + Send), progress: Progress<'_>) -> Result<Counts, ServiceError> {
        let mut lines = input.lines().enumerate().map(|(i, l)| (i + 1, l));
        let next_line =
            |lines: &mut dyn Iterator<Item = (usize, std::io::Result<String>)>| -> Result<Option<(usize, String)>, ServiceError> {
                match lines.next() {
                    None => Ok(None),
                    Some((n, Ok(text))) => Ok(Some((n, text))),
                    Some((n, Err(e))) => Err(at_line(n, format!("cannot be read ({e})"))),
                }
            };
        let Some((_, first)) = next_line(&mut lines)? else { return Err(at_line(1, "the file is empty")) };
        let header: Header = serde_json::from_str(&first).map_err(|e| at_line(1, format!("this is not a Signpost archive ({e})")))?;
        if header.format != FORMAT {
            return Err(at_line(1, format!("this is not a Signpost archive (its format is {:?})", header.format)));
        }
        if header.version > VERSION {
            return Err(at_line(
                1,
                format!("the archive is version {}, newer than this Signpost reads ({VERSION}): upgrade first", header.version),
            ));
        }
        let mut restore = self.store.begin_restore().await?;
        let mut table: Option<(String, Vec<(String, CellKind)>)> = None;
        let mut batch: Vec<Vec<Cell>> = Vec::new();
        let mut done = 0u64;
        let mut ended = None;
        let mut last = 1;
        while let Some((n, text)) = next_line(&mut lines)? {
            last = n;
            if ended.is_some() {
                return Err(at_line(n, "there is more after the archive's last line"));
            }
            let value: Value = serde_json::from_str(&text).map_err(|e| at_line(n, format!("is not JSON ({e})")))?;
            match value {
                Value::Array(values) => {
                    let Some((name, columns)) = &table else { return Err(at_line(n, "a row comes before any table")) };
                    if values.len() != columns.len() {
                        return Err(at_line(n, format!("a row of {name} has {} values for {} columns", values.len(), columns.len())));
                    }
                    let row = values
                        .into_iter()
                        .zip(columns)
                        .map(|(v, (column, kind))| {
                            cell(v, *kind).ok_or_else(|| at_line(n, format!("{name}.{column} cannot hold that value")))
                        })
                        .collect::<Result<Vec<Cell>, _>>()?;
                    batch.push(row);
                    if batch.len() as i64 >= BATCH {
                        done += flush(&mut *restore, &table, &mut batch, n).await?;
                        progress(done, header.rows.max(0) as u64);
                    }
                }
                Value::Object(ref fields) if fields.contains_key("table") => {
                    done += flush(&mut *restore, &table, &mut batch, n).await?;
                    let start: TableStart =
                        serde_json::from_value(value).map_err(|e| at_line(n, format!("is not a table's first line ({e})")))?;
                    if !TABLES.iter().any(|t| t.name == start.table) {
                        return Err(at_line(n, format!("there is no table {:?} in this version of Signpost", start.table)));
                    }
                    let known = self.store.columns(&start.table).await?;
                    let mut columns = Vec::new();
                    for c in start.columns {
                        let Some(kind) = known.iter().find(|(k, _)| *k == c).map(|(_, k)| *k) else {
                            return Err(at_line(n, format!("{} has no column {c:?} in this version of Signpost", start.table)));
                        };
                        columns.push((c, kind));
                    }
                    table = Some((start.table, columns));
                }
                Value::Object(ref fields) if fields.contains_key("end") => {
                    done += flush(&mut *restore, &table, &mut batch, n).await?;
                    let end: End =
                        serde_json::from_value(value).map_err(|e| at_line(n, format!("is not the archive's last line ({e})")))?;
                    ended = Some((n, end));
                }
                _ => return Err(at_line(n, "is neither a table, a row nor the archive's last line")),
            }
        }
        let Some((n, end)) = ended else {
            return Err(at_line(last, "the archive ends here, before its last line: it was cut short"));
        };
        let mut counts = Counts::default();
        for (name, expected) in end.end {
            let found = restore.count(&name).await.map_err(|_| at_line(n, format!("counts a table {name:?} that is not there")))?;
            if found != expected {
                return Err(at_line(n, format!("{name} should have {expected} rows but the archive held {found}")));
            }
            counts.0.push((name, found));
        }
        progress(done, done);
        restore.commit().await?;
        Ok(counts)
    }

    /// Copies every table of this instance into `target`, which must be empty, in one
    /// transaction on the target that commits only if every table's count matches.
    /// Everything moves, sessions and password hashes too: people carry on as before.
    pub async fn migrate_to(&self, target: &Signpost, progress: Progress<'_>) -> Result<Vec<(String, i64, i64)>, ServiceError> {
        let mut total = 0;
        for t in TABLES {
            total += self.store.row_count(t.name).await?;
        }
        let mut restore = target.store.begin_restore().await?;
        let mut done = 0u64;
        let mut report = Vec::new();
        for spec in TABLES {
            let columns = self.store.columns(spec.name).await?;
            let theirs = target.store.columns(spec.name).await?;
            if columns.iter().any(|(c, _)| !theirs.iter().any(|(t, _)| t == c)) {
                return Err(ServiceError::Conflict(format!(
                    "{} differs between the two databases: run the same version of Signpost on both",
                    spec.name
                )));
            }
            let mut cursor = None;
            loop {
                let (rows, next) = self.store.rows(spec.name, &columns, cursor.as_ref(), BATCH).await?;
                restore.insert(spec.name, &columns, &rows).await?;
                done += rows.len() as u64;
                progress(done, total as u64);
                if (rows.len() as i64) < BATCH {
                    break;
                }
                cursor = next;
            }
            let (from, to) = (self.store.row_count(spec.name).await?, restore.count(spec.name).await?);
            if from != to {
                return Err(ServiceError::Conflict(format!(
                    "{}: {from} rows in the source but {to} copied (was the server still running?); nothing was moved",
                    spec.name
                )));
            }
            report.push((spec.name.to_string(), from, to));
        }
        restore.commit().await?;
        Ok(report)
    }
}

/// Writes the rows read so far into their table; returns how many.
async fn flush(
    restore: &mut dyn Restore,
    table: &Option<(String, Vec<(String, CellKind)>)>,
    batch: &mut Vec<Vec<Cell>>,
    line: usize,
) -> Result<u64, ServiceError> {
    let Some((name, columns)) = table else { return Ok(0) };
    let n = batch.len() as u64;
    restore
        .insert(name, columns, batch)
        .await
        .map_err(|e| at_line(line, format!("the rows of {name} before here could not be written ({e})")))?;
    batch.clear();
    Ok(n)
}

/// A JSON value as a column of `kind` holds it.
fn cell(value: Value, kind: CellKind) -> Option<Cell> {
    match (value, kind) {
        (Value::Null, _) => Some(Cell::Null),
        (Value::Number(n), CellKind::Int) => n.as_i64().map(Cell::Int),
        (Value::String(s), CellKind::Text) => Some(Cell::Text(s)),
        (Value::Object(mut o), CellKind::Bytes) => match o.remove("base64") {
            Some(Value::String(b)) => Some(Cell::Bytes { base64: b }),
            _ => None,
        },
        _ => None,
    }
}
