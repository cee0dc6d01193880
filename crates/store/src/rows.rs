//! Reading rows into domain types, and the JSON form of stored snapshots.
use chrono::{DateTime, Utc};
use serde::Deserialize;
use signpost_domain::assets::{Asset, AssetFacts, Status, Visibility};
use signpost_domain::fields::{AssetFields, AssetKind};
use signpost_domain::people::{Role, Team, TeamKind, User};
use signpost_domain::{AssetId, StoreError, TeamId, Timestamp, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::map_err;

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn ms(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn time(ms: i64) -> Timestamp {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::unexpected(format!("corrupt {what}: {detail}"))
}

pub(crate) fn json_list<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<Vec<T>, StoreError> {
    let text: String = row.try_get(col).map_err(map_err)?;
    serde_json::from_str(&text).map_err(|e| corrupt(col, e))
}

pub(crate) fn team(row: &AnyRow) -> Result<Team, StoreError> {
    let kind: String = row.try_get("kind").map_err(map_err)?;
    Ok(Team {
        id: row.try_get("id").map_err(map_err)?,
        name: row.try_get("name").map_err(map_err)?,
        kind: TeamKind::parse(&kind).map_err(|e| corrupt("team kind", e.message))?,
        parent_id: row.try_get("parent_id").map_err(map_err)?,
    })
}

pub(crate) const USER_COLUMNS: &str =
    "id, email, name, job_title, profession, site, team_id, role, created_at, disabled_at, line_manager_id";

pub(crate) fn user(row: &AnyRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role").map_err(map_err)?;
    Ok(User {
        id: row.try_get("id").map_err(map_err)?,
        email: row.try_get("email").map_err(map_err)?,
        name: row.try_get("name").map_err(map_err)?,
        job_title: row.try_get("job_title").map_err(map_err)?,
        profession: row.try_get("profession").map_err(map_err)?,
        site: row.try_get("site").map_err(map_err)?,
        team_id: row.try_get("team_id").map_err(map_err)?,
        role: Role::parse(&role).map_err(|e| corrupt("role", e.message))?,
        created_at: time(row.try_get("created_at").map_err(map_err)?),
        disabled_at: row.try_get::<Option<i64>, _>("disabled_at").map_err(map_err)?.map(time),
        line_manager_id: row.try_get("line_manager_id").map_err(map_err)?,
    })
}

pub(crate) const ASSET_COLUMNS: &str = "id, kind, title, summary, body, fields, tags, topics, owner_id, team_id, status, visibility, \
     named_viewers, review_interval_days, next_review_at, last_verified_at, links, version, created_at, updated_at";

pub(crate) fn asset(row: &AnyRow) -> Result<Asset, StoreError> {
    let kind: String = row.try_get("kind").map_err(map_err)?;
    let kind = AssetKind::parse(&kind).map_err(|e| corrupt("asset kind", e.message))?;
    let fields_text: String = row.try_get("fields").map_err(map_err)?;
    let fields_json: serde_json::Value = serde_json::from_str(&fields_text).map_err(|e| corrupt("asset fields", e))?;
    let status: String = row.try_get("status").map_err(map_err)?;
    let visibility: String = row.try_get("visibility").map_err(map_err)?;
    let interval: i64 = row.try_get("review_interval_days").map_err(map_err)?;
    let last_verified: Option<i64> = row.try_get("last_verified_at").map_err(map_err)?;
    Ok(Asset {
        id: row.try_get("id").map_err(map_err)?,
        kind,
        title: row.try_get("title").map_err(map_err)?,
        summary: row.try_get("summary").map_err(map_err)?,
        body: row.try_get("body").map_err(map_err)?,
        fields: AssetFields::parse(kind, &fields_json).0,
        tags: json_list(row, "tags")?,
        topics: json_list(row, "topics")?,
        owner_id: row.try_get("owner_id").map_err(map_err)?,
        team_id: row.try_get("team_id").map_err(map_err)?,
        status: Status::parse(&status).map_err(|e| corrupt("status", e.message))?,
        visibility: Visibility::parse(&visibility).map_err(|e| corrupt("visibility", e.message))?,
        named_viewers: json_list(row, "named_viewers")?,
        review_interval_days: i32::try_from(interval).map_err(|e| corrupt("review interval", e))?,
        next_review_at: time(row.try_get("next_review_at").map_err(map_err)?),
        last_verified_at: last_verified.map(time),
        links: json_list(row, "links")?,
        version: row.try_get("version").map_err(map_err)?,
        created_at: time(row.try_get("created_at").map_err(map_err)?),
        updated_at: time(row.try_get("updated_at").map_err(map_err)?),
    })
}

pub(crate) fn asset_facts(row: &AnyRow) -> Result<AssetFacts, StoreError> {
    let kind: String = row.try_get("kind").map_err(map_err)?;
    let status: String = row.try_get("status").map_err(map_err)?;
    Ok(AssetFacts {
        id: row.try_get("id").map_err(map_err)?,
        kind: AssetKind::parse(&kind).map_err(|e| corrupt("asset kind", e.message))?,
        owner_id: row.try_get("owner_id").map_err(map_err)?,
        status: Status::parse(&status).map_err(|e| corrupt("status", e.message))?,
        created_at: time(row.try_get("created_at").map_err(map_err)?),
        next_review_at: time(row.try_get("next_review_at").map_err(map_err)?),
    })
}

/// The stored JSON of an asset snapshot: the asset's own JSON, with fields read back by kind.
#[derive(Deserialize)]
struct Snapshot {
    id: i64,
    kind: AssetKind,
    title: String,
    summary: String,
    body: String,
    fields: serde_json::Value,
    tags: Vec<String>,
    topics: Vec<String>,
    owner_id: UserId,
    team_id: TeamId,
    status: Status,
    visibility: Visibility,
    named_viewers: Vec<UserId>,
    review_interval_days: i32,
    next_review_at: Timestamp,
    last_verified_at: Option<Timestamp>,
    links: Vec<AssetId>,
    version: i64,
    created_at: Timestamp,
    updated_at: Timestamp,
}

pub(crate) fn snapshot(text: &str) -> Result<Asset, StoreError> {
    let s: Snapshot = serde_json::from_str(text).map_err(|e| corrupt("version snapshot", e))?;
    Ok(Asset {
        id: AssetId(s.id),
        kind: s.kind,
        title: s.title,
        summary: s.summary,
        body: s.body,
        fields: AssetFields::parse(s.kind, &s.fields).0,
        tags: s.tags,
        topics: s.topics,
        owner_id: s.owner_id,
        team_id: s.team_id,
        status: s.status,
        visibility: s.visibility,
        named_viewers: s.named_viewers,
        review_interval_days: s.review_interval_days,
        next_review_at: s.next_review_at,
        last_verified_at: s.last_verified_at,
        links: s.links,
        version: s.version,
        created_at: s.created_at,
        updated_at: s.updated_at,
    })
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
}
