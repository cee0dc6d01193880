//! The engines Signpost is measured against, loaded with the same assets and asked
//! the same queries under the same permission filter: PostgreSQL full-text search
//! (tsvector, GIN, ts_rank_cd, ts_headline — the approach Outline takes) and SQLite
//! FTS5 (bm25, snippet). Words are OR-ed, as Signpost does, and both return the top
//! hits with a snippet and the exact number of matches, as Signpost does.
use anyhow::Context;
use signpost_domain::assets::Asset;
use signpost_domain::ids::{AssetId, TeamId, UserId};
use signpost_domain::ports::Store;
use sqlx::{PgPool, Row, SqlitePool};

/// Who is searching, as the filter needs it: the same rule as Signpost's policy for a
/// member of staff (own assets; otherwise published or archived, and public,
/// organisation-wide, or team-only for one of their teams).
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The person.
    pub user_id: UserId,
    /// Their team and the teams above it.
    pub teams: Vec<TeamId>,
}

/// A query's words and "quoted phrases", lower-cased, letters and digits only.
fn parts(query: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (i, chunk) in query.split('"').enumerate() {
        let words: Vec<String> = chunk.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        if i % 2 == 1 && words.len() > 1 {
            out.push(words);
        } else {
            out.extend(words.into_iter().map(|w| vec![w]));
        }
    }
    out
}

/// A `to_tsquery` expression: words and phrases OR-ed.
pub fn pg_tsquery(query: &str) -> String {
    parts(query).iter().map(|p| if p.len() == 1 { p[0].clone() } else { format!("({})", p.join(" <-> ")) }).collect::<Vec<_>>().join(" | ")
}

/// An FTS5 MATCH expression: words and phrases OR-ed.
pub fn fts5_match(query: &str) -> String {
    parts(query).iter().map(|p| format!("\"{}\"", p.join(" "))).collect::<Vec<_>>().join(" OR ")
}

/// Every asset in the store, in id order, to load into the other engines.
pub async fn all_assets(store: &dyn Store) -> anyhow::Result<Vec<Asset>> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let batch = store.assets_after(AssetId(after), 5_000).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let Some(last) = batch.last().map(|a| a.id) else { break };
        after = last.0;
        out.extend(batch);
    }
    Ok(out)
}

/// What a baseline search returns.
pub struct BaselineHits {
    /// Asset ids, best first.
    pub ids: Vec<AssetId>,
    /// Matches in all.
    pub total: i64,
}

/// PostgreSQL full-text search over its own table.
pub struct PgFts {
    pool: PgPool,
}

const PG_FILTER: &str = "(owner_id = $2 OR (status IN ('published', 'archived') AND (visibility IN ('public', 'organisation') OR (visibility = 'team' AND team_id = ANY($3)))))";

impl PgFts {
    /// Creates the table in the database at `url` (which must exist and be empty of it).
    pub async fn create(url: &str) -> anyhow::Result<Self> {
        let pool = PgPool::connect(url).await.with_context(|| format!("cannot connect to {}", signpost::redact(url)))?;
        sqlx::query(
            "CREATE TABLE docs (id BIGINT PRIMARY KEY, title TEXT NOT NULL, summary TEXT NOT NULL, body TEXT NOT NULL, \
             team_id BIGINT NOT NULL, owner_id BIGINT NOT NULL, visibility TEXT NOT NULL, status TEXT NOT NULL, \
             tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') || \
             setweight(to_tsvector('english', summary), 'B') || setweight(to_tsvector('english', body), 'C')) STORED)",
        )
        .execute(&pool)
        .await?;
        Ok(PgFts { pool })
    }

    /// Adds assets (one statement per batch).
    pub async fn load(&self, assets: &[Asset]) -> anyhow::Result<()> {
        let col = |f: fn(&Asset) -> String| assets.iter().map(f).collect::<Vec<_>>();
        sqlx::query(
            "INSERT INTO docs (id, title, summary, body, team_id, owner_id, visibility, status) \
             SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[])",
        )
        .bind(assets.iter().map(|a| a.id).collect::<Vec<_>>())
        .bind(col(|a| a.title.clone()))
        .bind(col(|a| a.summary.clone()))
        .bind(col(|a| a.body.clone()))
        .bind(assets.iter().map(|a| a.team_id).collect::<Vec<_>>())
        .bind(assets.iter().map(|a| a.owner_id).collect::<Vec<_>>())
        .bind(col(|a| a.visibility.as_str().to_string()))
        .bind(col(|a| a.status.as_str().to_string()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Builds the GIN index and statistics once everything is loaded.
    pub async fn finish(&self) -> anyhow::Result<()> {
        sqlx::query("CREATE INDEX docs_tsv ON docs USING GIN (tsv)").execute(&self.pool).await?;
        sqlx::query("ANALYZE docs").execute(&self.pool).await?;
        Ok(())
    }

    /// The top `limit` by ts_rank_cd, with ts_headline snippets when asked, and the total.
    pub async fn search(&self, query: &str, viewer: &Viewer, limit: i64, snippets: bool) -> anyhow::Result<BaselineHits> {
        let tsquery = pg_tsquery(query);
        if tsquery.is_empty() {
            return Ok(BaselineHits { ids: vec![], total: 0 });
        }
        let headline = if snippets { "ts_headline('english', hits.body, q.q, 'MaxWords=30, MinWords=15')" } else { "''" };
        let sql = format!(
            "WITH q AS (SELECT to_tsquery('english', $1) AS q), \
             hits AS (SELECT id, body, ts_rank_cd(tsv, q.q) AS rank, COUNT(*) OVER () AS total FROM docs, q \
                      WHERE tsv @@ q.q AND {PG_FILTER} ORDER BY rank DESC, id LIMIT $4) \
             SELECT hits.id, hits.total, {headline} AS snippet FROM hits, q ORDER BY hits.rank DESC, hits.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&tsquery)
            .bind(viewer.user_id)
            .bind(&viewer.teams)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let total = rows.first().map(|r| r.get::<i64, _>("total")).unwrap_or(0);
        Ok(BaselineHits { ids: rows.iter().map(|r| r.get("id")).collect(), total })
    }

    /// Closes the pool.
    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// SQLite FTS5 over its own file.
pub struct Fts5 {
    pool: SqlitePool,
}

const FTS5_FILTER: &str = "(meta.owner_id = ?2 OR (meta.status IN ('published', 'archived') AND (meta.visibility IN ('public', 'organisation') OR (meta.visibility = 'team' AND meta.team_id IN (SELECT value FROM json_each(?3))))))";

impl Fts5 {
    /// Creates the tables in a new SQLite file at `path`.
    pub async fn create(path: &std::path::Path) -> anyhow::Result<Self> {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(2).connect_with(options).await?;
        sqlx::query("CREATE TABLE meta (id INTEGER PRIMARY KEY, team_id INTEGER NOT NULL, owner_id INTEGER NOT NULL, visibility TEXT NOT NULL, status TEXT NOT NULL)")
            .execute(&pool)
            .await?;
        sqlx::query("CREATE VIRTUAL TABLE fts USING fts5(title, summary, body, tokenize = 'porter unicode61')").execute(&pool).await?;
        Ok(Fts5 { pool })
    }

    /// Adds assets in one transaction.
    pub async fn load(&self, assets: &[Asset]) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        for a in assets {
            sqlx::query("INSERT INTO meta (id, team_id, owner_id, visibility, status) VALUES (?1, ?2, ?3, ?4, ?5)")
                .bind(a.id)
                .bind(a.team_id)
                .bind(a.owner_id)
                .bind(a.visibility.as_str())
                .bind(a.status.as_str())
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO fts (rowid, title, summary, body) VALUES (?1, ?2, ?3, ?4)")
                .bind(a.id)
                .bind(&a.title)
                .bind(&a.summary)
                .bind(&a.body)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Merges the index's segments once everything is loaded.
    pub async fn finish(&self) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO fts (fts) VALUES ('optimize')").execute(&self.pool).await?;
        Ok(())
    }

    /// The top `limit` by bm25 (title weighted ×2), with snippets when asked, and the total.
    pub async fn search(&self, query: &str, viewer: &Viewer, limit: i64, snippets: bool) -> anyhow::Result<BaselineHits> {
        let expr = fts5_match(query);
        if expr.is_empty() {
            return Ok(BaselineHits { ids: vec![], total: 0 });
        }
        let teams = serde_json::to_string(&viewer.teams)?;
        let snippet = if snippets { "snippet(fts, 2, '<mark>', '</mark>', '…', 24)" } else { "''" };
        let sql = format!(
            "SELECT fts.rowid AS id, {snippet} AS snippet FROM fts JOIN meta ON meta.id = fts.rowid \
             WHERE fts MATCH ?1 AND {FTS5_FILTER} ORDER BY bm25(fts, 2.0, 1.0, 1.0), fts.rowid LIMIT ?4"
        );
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&expr).bind(viewer.user_id).bind(&teams).bind(limit).fetch_all(&self.pool).await?;
        let count = format!("SELECT COUNT(*) AS n FROM fts JOIN meta ON meta.id = fts.rowid WHERE fts MATCH ?1 AND {FTS5_FILTER}");
        let total: i64 =
            sqlx::query(sqlx::AssertSqlSafe(count)).bind(&expr).bind(viewer.user_id).bind(&teams).fetch_one(&self.pool).await?.get("n");
        Ok(BaselineHits { ids: rows.iter().map(|r| r.get("id")).collect(), total })
    }

    /// Closes the pool.
    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// A scratch PostgreSQL database, dropped by [`ScratchPg::drop_now`].
pub struct ScratchPg {
    server: String,
    name: String,
}

impl ScratchPg {
    /// Creates an empty database on the server at `server` (a URL without a database name).
    pub async fn create(server: &str, prefix: &str) -> anyhow::Result<Self> {
        let name = format!("{prefix}_{}", std::process::id());
        let admin = PgPool::connect(&format!("{server}/postgres"))
            .await
            .with_context(|| format!("cannot reach PostgreSQL at {}", signpost::redact(server)))?;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&admin).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await?;
        admin.close().await;
        Ok(ScratchPg { server: server.to_string(), name })
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }

    /// Drops it.
    pub async fn drop_now(self) -> anyhow::Result<()> {
        let admin = PgPool::connect(&format!("{}/postgres", self.server)).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))).execute(&admin).await?;
        admin.close().await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_or_expressions_with_phrases_kept() {
        assert_eq!(pg_tsquery("hand \"duty of candour\" MRSA"), "hand | (duty <-> of <-> candour) | mrsa");
        assert_eq!(fts5_match("hand \"duty of candour\" MRSA"), "\"hand\" OR \"duty of candour\" OR \"mrsa\"");
        assert_eq!(pg_tsquery("0-dimensional (biomaterials)!"), "0 | dimensional | biomaterials", "punctuation never becomes an operator");
        assert_eq!(fts5_match("\"\""), "");
    }
}
