//! Knowledge assets, their versions and their named viewers.
use signpost_domain::assets::{Asset, AssetFacts, AssetVersion, Status, VersionEntry, VersionEvent, Visibility};
use signpost_domain::fields::AssetKind;
use signpost_domain::ports::{AssetQuery, AssetWrite};
use signpost_domain::search::Page;
use signpost_domain::visibility::Condition;
use signpost_domain::{AssetId, StoreError, Timestamp, UserId};
use sqlx::{Any, Row, Transaction};

use crate::bulk::Value;
use crate::rows::{self, ASSET_COLUMNS, ms, now_ms, time, to_json};
use crate::{Db, append_logs, map_err, visibility_sql};

/// What the audit log keeps of an asset before and after a change.
pub(crate) fn summary(a: &Asset) -> serde_json::Value {
    serde_json::json!({
        "title": a.title, "status": a.status.as_str(), "visibility": a.visibility.as_str(),
        "team_id": a.team_id, "owner_id": a.owner_id, "version": a.version,
        "next_review_at": a.next_review_at,
    })
}

/// Binds the sixteen columns that insert and update share, as `$1` to `$16`.
fn bind_columns<'q>(
    q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    a: &'q Asset,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    q.bind(a.kind.as_str())
        .bind(&a.title)
        .bind(&a.summary)
        .bind(&a.body)
        .bind(to_json(&a.fields))
        .bind(to_json(&a.tags))
        .bind(to_json(&a.topics))
        .bind(a.owner_id)
        .bind(a.team_id)
        .bind(a.status.as_str())
        .bind(a.visibility.as_str())
        .bind(to_json(&a.named_viewers))
        .bind(i64::from(a.review_interval_days))
        .bind(ms(a.next_review_at))
        .bind(a.last_verified_at.map(ms))
        .bind(to_json(&a.links))
}

async fn write_viewers(tx: &mut Transaction<'static, Any>, a: &Asset) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM asset_viewers WHERE asset_id = $1").bind(a.id).execute(&mut **tx).await.map_err(map_err)?;
    for u in &a.named_viewers {
        sqlx::query("INSERT INTO asset_viewers (asset_id, user_id) VALUES ($1, $2)")
            .bind(a.id)
            .bind(u)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

/// The columns of a version row, in the order [`version_values`] gives them.
pub(crate) const VERSION_COLUMNS: [&str; 13] = [
    "asset_id",
    "version",
    "event",
    "author_id",
    "created_at",
    "note",
    "snapshot",
    "status",
    "visibility",
    "team_id",
    "owner_id",
    "named_viewers",
    "next_review_at",
];

/// The copy a version keeps: none for a verification, which changes no content and
/// reads as the version before it.
pub(crate) fn kept_snapshot(event: VersionEvent, a: &Asset) -> String {
    if event == VersionEvent::Verified { String::new() } else { to_json(a) }
}

/// A version row's values: its content, and how the asset stood (who could read it).
pub(crate) fn version_values(w: &AssetWrite, a: &Asset) -> Vec<Value> {
    vec![
        Value::Int(a.id.0),
        Value::Int(a.version),
        Value::Text(w.event.as_str().to_string()),
        Value::Int(w.author_id.0),
        Value::Int(ms(a.updated_at)),
        Value::Text(w.note.clone()),
        Value::Text(kept_snapshot(w.event, a)),
        Value::Text(a.status.as_str().to_string()),
        Value::Text(a.visibility.as_str().to_string()),
        Value::Int(a.team_id.0),
        Value::Int(a.owner_id.0),
        Value::Text(to_json(&a.named_viewers)),
        Value::Int(ms(a.next_review_at)),
    ]
}

async fn write_version(tx: &mut Transaction<'static, Any>, w: &AssetWrite, a: &Asset) -> Result<(), StoreError> {
    crate::bulk::insert_rows(tx, "asset_versions", &VERSION_COLUMNS, vec![version_values(w, a)]).await
}

const ENTRY_COLUMNS: &str =
    "asset_id, version, event, author_id, created_at, note, status, visibility, team_id, owner_id, named_viewers, next_review_at";

fn version_entry(r: &sqlx::any::AnyRow) -> Result<VersionEntry, StoreError> {
    let event: String = r.try_get("event").map_err(map_err)?;
    let status: String = r.try_get("status").map_err(map_err)?;
    let visibility: String = r.try_get("visibility").map_err(map_err)?;
    Ok(VersionEntry {
        asset_id: r.try_get("asset_id").map_err(map_err)?,
        version: r.try_get("version").map_err(map_err)?,
        event: VersionEvent::parse(&event).ok_or_else(|| StoreError::unexpected(format!("unknown version event {event}")))?,
        author_id: r.try_get("author_id").map_err(map_err)?,
        created_at: time(r.try_get("created_at").map_err(map_err)?),
        note: r.try_get("note").map_err(map_err)?,
        status: Status::parse(&status).map_err(|e| StoreError::unexpected(format!("version status: {}", e.message)))?,
        visibility: Visibility::parse(&visibility).map_err(|e| StoreError::unexpected(format!("version visibility: {}", e.message)))?,
        team_id: r.try_get("team_id").map_err(map_err)?,
        owner_id: r.try_get("owner_id").map_err(map_err)?,
        named_viewers: rows::json_list(r, "named_viewers")?,
        next_review_at: time(r.try_get("next_review_at").map_err(map_err)?),
        readable: false,
    })
}

/// Inserts the asset row (and its named viewers) alone; the caller writes its history.
/// The columns a new asset row is written with, in the order [`insert_values`] gives them.
const INSERT_COLUMNS: [&str; 19] = [
    "kind",
    "title",
    "summary",
    "body",
    "fields",
    "tags",
    "topics",
    "owner_id",
    "team_id",
    "status",
    "visibility",
    "named_viewers",
    "review_interval_days",
    "next_review_at",
    "last_verified_at",
    "links",
    "version",
    "created_at",
    "updated_at",
];

/// A new asset's row, as [`bind_columns`] binds it, at version 1 with its own dates.
fn insert_values(a: &Asset) -> Vec<Value> {
    vec![
        Value::Text(a.kind.as_str().to_string()),
        Value::Text(a.title.clone()),
        Value::Text(a.summary.clone()),
        Value::Text(a.body.clone()),
        Value::Text(to_json(&a.fields)),
        Value::Text(to_json(&a.tags)),
        Value::Text(to_json(&a.topics)),
        Value::Int(a.owner_id.0),
        Value::Int(a.team_id.0),
        Value::Text(a.status.as_str().to_string()),
        Value::Text(a.visibility.as_str().to_string()),
        Value::Text(to_json(&a.named_viewers)),
        Value::Int(i64::from(a.review_interval_days)),
        Value::Int(ms(a.next_review_at)),
        Value::OptInt(a.last_verified_at.map(ms)),
        Value::Text(to_json(&a.links)),
        Value::Int(1),
        Value::Int(ms(a.created_at)),
        Value::Int(ms(a.updated_at)),
    ]
}

pub(crate) async fn insert_row(tx: &mut Transaction<'static, Any>, a: &Asset) -> Result<Asset, StoreError> {
    let row = sqlx::query(sql!(
        "INSERT INTO assets (kind, title, summary, body, fields, tags, topics, owner_id, team_id, status, visibility, named_viewers, \
         review_interval_days, next_review_at, last_verified_at, links, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $18) RETURNING {ASSET_COLUMNS}"
    ));
    // The services date a new asset: now, or when an imported one was first written elsewhere.
    let row = bind_columns(row, a).bind(ms(a.created_at)).bind(ms(a.updated_at)).fetch_one(&mut **tx).await.map_err(map_err)?;
    let stored = rows::asset(&row)?;
    if !stored.named_viewers.is_empty() {
        write_viewers(tx, &stored).await?;
    }
    Ok(stored)
}

pub(crate) async fn insert_in(tx: &mut Transaction<'static, Any>, w: AssetWrite) -> Result<Asset, StoreError> {
    let stored = insert_row(tx, &w.asset).await?;
    write_version(tx, &w, &stored).await?;
    let audit = w.audit.clone().with_diff(None, Some(summary(&stored)));
    append_logs(tx, &audit, "asset", Some(stored.id.0), true).await?;
    Ok(stored)
}

/// Replaces an asset still at `expected_version` and writes its history, inside the caller's transaction.
pub(crate) async fn update_in(tx: &mut Transaction<'static, Any>, w: &AssetWrite, expected_version: i64) -> Result<Asset, StoreError> {
    let a = &w.asset;
    let before =
        sqlx::query(sql!("SELECT {ASSET_COLUMNS} FROM assets WHERE id = $1")).bind(a.id).fetch_one(&mut **tx).await.map_err(map_err)?;
    let before = rows::asset(&before)?;
    if before.version != expected_version {
        return Err(StoreError::StaleVersion { current: before.version });
    }
    let row = sqlx::query(sql!(
        "UPDATE assets SET kind = $1, title = $2, summary = $3, body = $4, fields = $5, tags = $6, topics = $7, owner_id = $8, \
         team_id = $9, status = $10, visibility = $11, named_viewers = $12, review_interval_days = $13, next_review_at = $14, \
         last_verified_at = $15, links = $16, version = version + 1, updated_at = $17 WHERE id = $18 RETURNING {ASSET_COLUMNS}"
    ));
    // Only what readers read counts as an update: a new owner, team, review date or
    // verification leaves the asset where it was in "recently published and updated".
    let content_changed = (&before.kind, &before.title, &before.summary, &before.body, &before.fields, &before.tags, &before.topics)
        != (&a.kind, &a.title, &a.summary, &a.body, &a.fields, &a.tags, &a.topics)
        || (before.status, before.visibility, &before.links) != (a.status, a.visibility, &a.links);
    let updated_at = if content_changed { now_ms().max(ms(before.updated_at) + 1) } else { ms(before.updated_at) };
    let row = bind_columns(row, a).bind(updated_at).bind(a.id).fetch_one(&mut **tx).await.map_err(map_err)?;
    let stored = rows::asset(&row)?;
    write_viewers(tx, &stored).await?;
    write_version(tx, w, &stored).await?;
    let audit = w.audit.clone().with_diff(Some(summary(&before)), Some(summary(&stored)));
    append_logs(tx, &audit, "asset", Some(stored.id.0), true).await?;
    Ok(stored)
}

impl Db {
    pub(crate) async fn insert_asset_row(&self, w: AssetWrite) -> Result<Asset, StoreError> {
        let mut tx = self.begin().await?;
        let a = insert_in(&mut tx, w).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(a)
    }

    pub(crate) async fn insert_asset_rows(&self, writes: Vec<AssetWrite>) -> Result<Vec<Asset>, StoreError> {
        let mut tx = self.begin().await?;
        let mut out = Vec::with_capacity(writes.len());
        for chunk in writes.chunks(crate::bulk::ROWS_PER_STATEMENT) {
            let values = chunk.iter().map(|w| insert_values(&w.asset)).collect();
            let rows = crate::bulk::insert_returning(&mut tx, "assets", &INSERT_COLUMNS, values, ASSET_COLUMNS).await?;
            // Both databases number a multi-row insert's rows in the order given (as
            // Django's bulk_create relies on); each row is checked against its asset.
            let mut stored = rows.iter().map(rows::asset).collect::<Result<Vec<_>, _>>()?;
            stored.sort_by_key(|a| a.id);
            let same = |w: &AssetWrite, a: &Asset| (&w.asset.title, ms(w.asset.created_at)) == (&a.title, ms(a.created_at));
            if stored.len() != chunk.len() || !chunk.iter().zip(&stored).all(|(w, a)| same(w, a)) {
                return Err(StoreError::Unexpected { context: "inserted assets came back in another order".into(), source: None });
            }
            for a in stored.iter().filter(|a| !a.named_viewers.is_empty()) {
                write_viewers(&mut tx, a).await?;
            }
            out.extend(stored);
        }
        crate::bulk::insert_histories(&mut tx, &writes, &out, summary).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }

    pub(crate) async fn update_asset_row(&self, w: AssetWrite, expected_version: i64) -> Result<Asset, StoreError> {
        let mut tx = self.begin().await?;
        let stored = update_in(&mut tx, &w, expected_version).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(stored)
    }

    pub(crate) async fn asset_row(&self, id: AssetId) -> Result<Asset, StoreError> {
        let row =
            sqlx::query(sql!("SELECT {ASSET_COLUMNS} FROM assets WHERE id = $1")).bind(id).fetch_one(&self.pool).await.map_err(map_err)?;
        rows::asset(&row)
    }

    pub(crate) async fn asset_page(&self, q: &AssetQuery, visible: &Condition) -> Result<Page<Asset>, StoreError> {
        let mut clauses = vec![visibility_sql::predicate(visible)];
        let mut binds: Vec<String> = Vec::new();
        let mut bind = |v: String, clauses: &mut Vec<String>, sql: &str| {
            binds.push(v);
            clauses.push(sql.replace('?', &format!("${}", binds.len())));
        };
        if let Some(k) = q.kind {
            bind(k.as_str().to_string(), &mut clauses, "assets.kind = ?");
        }
        if let Some(s) = q.status {
            bind(s.as_str().to_string(), &mut clauses, "assets.status = ?");
        }
        if let Some(tag) = &q.tag {
            bind(format!("%{}%", to_json(&tag.to_lowercase())), &mut clauses, "assets.tags LIKE ?");
        }
        if let Some(t) = q.team_id {
            clauses.push(format!("assets.team_id = {t}"));
        }
        if let Some(o) = q.owner_id {
            clauses.push(format!("assets.owner_id = {o}"));
        }
        if let Some(ids) = &q.ids {
            let list = ids.iter().map(AssetId::to_string).collect::<Vec<_>>().join(",");
            clauses.push(if ids.is_empty() { "1 = 0".to_string() } else { format!("assets.id IN ({list})") });
        }
        if let Some(due) = q.review_due_before {
            clauses.push(format!("assets.next_review_at < {} AND assets.status = 'published'", ms(due)));
        }
        let order =
            if q.review_due_before.is_some() { "assets.next_review_at, assets.id" } else { "assets.updated_at DESC, assets.id DESC" };
        let filter = clauses.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) AS n FROM assets WHERE {filter}");
        let mut count = sqlx::query(crate::sql(count_sql));
        for b in &binds {
            count = count.bind(b.clone());
        }
        let total: i64 = count.fetch_one(&self.pool).await.map_err(map_err)?.try_get("n").map_err(map_err)?;
        let n = binds.len();
        let list_sql = format!("SELECT {ASSET_COLUMNS} FROM assets WHERE {filter} ORDER BY {order} LIMIT ${} OFFSET ${}", n + 1, n + 2);
        let mut list = sqlx::query(crate::sql(list_sql));
        for b in &binds {
            list = list.bind(b.clone());
        }
        let rows = list.bind(q.limit).bind(q.offset).fetch_all(&self.pool).await.map_err(map_err)?;
        Ok(Page { items: rows.iter().map(rows::asset).collect::<Result<_, _>>()?, total, offset: q.offset, limit: q.limit })
    }

    pub(crate) async fn assets_after_rows(&self, after: AssetId, limit: i64) -> Result<Vec<Asset>, StoreError> {
        let rows = sqlx::query(sql!("SELECT {ASSET_COLUMNS} FROM assets WHERE id > $1 ORDER BY id LIMIT $2"))
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(rows::asset).collect()
    }

    pub(crate) async fn created_counts(&self, before: &[Timestamp], visible: &Condition) -> Result<Vec<i64>, StoreError> {
        if before.is_empty() {
            return Ok(Vec::new());
        }
        // One pass over the table, however many instants are asked for.
        let columns: Vec<String> = before
            .iter()
            .enumerate()
            .map(|(i, t)| format!("COALESCE(SUM(CASE WHEN created_at < {} THEN 1 ELSE 0 END), 0) AS c{i}", ms(*t)))
            .collect();
        let query = format!("SELECT {} FROM assets WHERE {}", columns.join(", "), visibility_sql::predicate(visible));
        let row = sqlx::query(crate::sql(query)).fetch_one(&self.pool).await.map_err(map_err)?;
        (0..before.len()).map(|i| row.try_get::<i64, _>(format!("c{i}").as_str()).map_err(map_err)).collect()
    }

    pub(crate) async fn created_by_kind_rows(&self, from: Timestamp, until: Timestamp) -> Result<Vec<(AssetKind, i64)>, StoreError> {
        let rows = sqlx::query("SELECT kind, COUNT(*) AS n FROM assets WHERE created_at >= $1 AND created_at < $2 GROUP BY kind")
            .bind(ms(from))
            .bind(ms(until))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind").map_err(map_err)?;
                let kind = AssetKind::parse(&kind).map_err(|e| rows::corrupt("asset kind", e.message))?;
                Ok((kind, row.try_get("n").map_err(map_err)?))
            })
            .collect()
    }

    pub(crate) async fn published_overdue_count(&self, now: Timestamp) -> Result<i64, StoreError> {
        sqlx::query("SELECT COUNT(*) AS n FROM assets WHERE next_review_at <= $1 AND status = 'published'")
            .bind(ms(now))
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?
            .try_get("n")
            .map_err(map_err)
    }

    pub(crate) async fn published_due_rows(&self, from: Timestamp, until: Timestamp) -> Result<Vec<AssetFacts>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, owner_id, status, created_at, next_review_at FROM assets \
             WHERE next_review_at >= $1 AND next_review_at <= $2 AND status = 'published' ORDER BY id",
        )
        .bind(ms(from))
        .bind(ms(until))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(rows::asset_facts).collect()
    }

    pub(crate) async fn asset_owner_rows(&self, ids: &[AssetId]) -> Result<Vec<(AssetId, UserId)>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        // Bounded lists of ids per query, whatever the caller passes.
        for chunk in ids.chunks(500) {
            let list = chunk.iter().map(AssetId::to_string).collect::<Vec<_>>().join(",");
            for row in
                sqlx::query(sql!("SELECT id, owner_id FROM assets WHERE id IN ({list})")).fetch_all(&self.pool).await.map_err(map_err)?
            {
                out.push((row.try_get("id").map_err(map_err)?, row.try_get("owner_id").map_err(map_err)?));
            }
        }
        Ok(out)
    }

    pub(crate) async fn asset_total(&self) -> Result<i64, StoreError> {
        sqlx::query("SELECT COUNT(*) AS n FROM assets").fetch_one(&self.pool).await.map_err(map_err)?.try_get("n").map_err(map_err)
    }

    pub(crate) async fn version_log_page(&self, id: AssetId, offset: i64, limit: i64) -> Result<Page<VersionEntry>, StoreError> {
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM asset_versions WHERE asset_id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?
            .try_get("n")
            .map_err(map_err)?;
        let rows =
            sqlx::query(sql!("SELECT {ENTRY_COLUMNS} FROM asset_versions WHERE asset_id = $1 ORDER BY version DESC LIMIT $2 OFFSET $3"))
                .bind(id)
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
        Ok(Page { items: rows.iter().map(version_entry).collect::<Result<_, _>>()?, total, offset, limit })
    }

    pub(crate) async fn version_entry_rows(&self, ids: &[AssetId]) -> Result<Vec<VersionEntry>, StoreError> {
        let mut out = Vec::new();
        // Bounded lists of ids per query, whatever the caller passes.
        for chunk in ids.chunks(500) {
            let list = chunk.iter().map(AssetId::to_string).collect::<Vec<_>>().join(",");
            let rows =
                sqlx::query(sql!("SELECT {ENTRY_COLUMNS} FROM asset_versions WHERE asset_id IN ({list}) ORDER BY asset_id, version DESC"))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(map_err)?;
            for r in &rows {
                out.push(version_entry(r)?);
            }
        }
        Ok(out)
    }

    /// One version; a verification's content is the nearest version before it that kept a copy.
    pub(crate) async fn version_row(&self, id: AssetId, version: i64) -> Result<AssetVersion, StoreError> {
        let row = sqlx::query(sql!("SELECT {ENTRY_COLUMNS} FROM asset_versions WHERE asset_id = $1 AND version = $2"))
            .bind(id)
            .bind(version)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        let entry = version_entry(&row)?;
        let content = sqlx::query(
            "SELECT snapshot FROM asset_versions WHERE asset_id = $1 AND version <= $2 AND snapshot <> '' ORDER BY version DESC LIMIT 1",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        let snapshot: String = content.try_get("snapshot").map_err(map_err)?;
        Ok(AssetVersion {
            asset_id: entry.asset_id,
            version: entry.version,
            event: entry.event,
            author_id: entry.author_id,
            created_at: entry.created_at,
            note: entry.note,
            snapshot: rows::snapshot(&snapshot)?,
        })
    }
}
