//! `/scim/v2/Groups`: teams. A group is the team of its name (made when there is none);
//! its members are the people in that team. Deleting a group stops SCIM managing the
//! team; the team and its knowledge stay.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use signpost_domain::{TeamId, UserId};
use signpost_services::provisioning::{GroupRecord, ProvisionedGroup, Provisioner};

use super::discovery::GROUP_URN;
use super::filter::get_ci;
use super::{Caller, ListQuery, ScimError, base_url, check_if_match, etag, json_object, list_response, one_response, resource_response};
use crate::AppState;
use crate::extract::{ApiPath, ApiQuery};

/// Most members one group body may list.
const MAX_MEMBERS: usize = 10_000;

/// A group as SCIM JSON, with `meta` and its ETag.
pub fn representation(base: &str, g: &GroupRecord) -> Value {
    let members: Vec<Value> =
        g.members.iter().map(|u| json!({"value": u.id.to_string(), "$ref": format!("{base}/Users/{}", u.id)})).collect();
    let mut body = json!({"schemas": [GROUP_URN], "id": g.team.id.to_string(), "displayName": g.team.name, "members": members});
    if let Some(ext) = &g.state.external_id {
        body["externalId"] = json!(ext);
    }
    let version = etag(g.state.version, &body);
    let modified = g.state.modified_at.map(|m| m.to_rfc3339());
    body["meta"] = json!({
        "resourceType": "Group",
        "created": modified.clone(),
        "lastModified": modified,
        "location": format!("{base}/Groups/{}", g.team.id),
        "version": version,
    });
    body
}

/// The group a SCIM Group body describes.
pub fn group_from(object: &Map<String, Value>) -> Result<ProvisionedGroup, ScimError> {
    let name = match get_ci(object, "displayName") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => return Err(ScimError::invalid("displayName is required")),
    };
    let members = match get_ci(object, "members") {
        None | Some(Value::Null) => Vec::new(),
        // A value that is no User's id is passed over, as RFC 7644 allows: a provider may
        // name a member before it has created them (the services skip ids no account has).
        Some(Value::Array(items)) if items.len() <= MAX_MEMBERS => items
            .iter()
            .filter_map(|m| m.as_object().and_then(|o| get_ci(o, "value")).and_then(Value::as_str))
            .filter_map(|value| value.trim().parse::<i64>().ok().map(UserId))
            .collect(),
        Some(_) => return Err(ScimError::invalid(format!("members must be a list of up to {MAX_MEMBERS}"))),
    };
    let external_id = match get_ci(object, "externalId") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    };
    Ok(ProvisionedGroup { name, members, external_id })
}

fn team_id(id: &str) -> Result<TeamId, ScimError> {
    id.parse::<i64>().map(TeamId).map_err(|_| ScimError::new(StatusCode::NOT_FOUND, None, format!("there is no Group {id}")))
}

async fn current(s: &AppState, p: &Provisioner, base: &str, id: &str) -> Result<(GroupRecord, Value), ScimError> {
    let record = s.app.provisioned_group(p, team_id(id)?).await?;
    let body = representation(base, &record);
    Ok((record, body))
}

/// `GET /Groups`.
pub async fn list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Caller(p): Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ScimError> {
    let base = base_url(&s, &headers);
    let groups = s.app.provisioned_groups(&p).await?;
    list_response(groups.iter().map(|g| representation(&base, g)).collect(), &q)
}

/// `POST /Groups/.search`.
pub async fn search(State(s): State<AppState>, headers: HeaderMap, Caller(p): Caller, body: Bytes) -> Result<Response, ScimError> {
    let query = ListQuery::from_search(&body)?;
    let base = base_url(&s, &headers);
    let all = s.app.provisioned_groups(&p).await?;
    list_response(all.iter().map(|r| representation(&base, r)).collect(), &query)
}

/// `GET /Groups/{id}`.
pub async fn get(
    State(s): State<AppState>,
    headers: HeaderMap,
    Caller(p): Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ScimError> {
    let (_, body) = current(&s, &p, &base_url(&s, &headers), &id).await?;
    Ok(one_response(body, &q))
}

/// `POST /Groups`.
pub async fn create(State(s): State<AppState>, headers: HeaderMap, Caller(p): Caller, body: Bytes) -> Result<Response, ScimError> {
    let group = group_from(&json_object(&body)?)?;
    let record = s.app.provision_group(&p, group).await?;
    Ok(resource_response(StatusCode::CREATED, &representation(&base_url(&s, &headers), &record)))
}

/// `PUT /Groups/{id}`.
pub async fn replace(
    State(s): State<AppState>,
    headers: HeaderMap,
    Caller(p): Caller,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    let base = base_url(&s, &headers);
    let (record, now) = current(&s, &p, &base, &id).await?;
    check_if_match(&headers, now["meta"]["version"].as_str().unwrap_or_default())?;
    let group = group_from(&json_object(&body)?)?;
    let saved = s.app.replace_group(&p, record.team.id, group, Some(record.state.version)).await?;
    Ok(resource_response(StatusCode::OK, &representation(&base, &saved)))
}

/// `PATCH /Groups/{id}`.
pub async fn patch(
    State(s): State<AppState>,
    headers: HeaderMap,
    Caller(p): Caller,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    let base = base_url(&s, &headers);
    let (record, now) = current(&s, &p, &base, &id).await?;
    check_if_match(&headers, now["meta"]["version"].as_str().unwrap_or_default())?;
    let message = json_object(&body)?;
    let Value::Object(mut resource) = now else { return Err(ScimError::invalid("the group could not be read")) };
    resource.remove("meta");
    super::patch::apply(&mut resource, &message, GROUP_URN)?;
    let group = group_from(&resource)?;
    let saved = s.app.replace_group(&p, record.team.id, group, Some(record.state.version)).await?;
    Ok(resource_response(StatusCode::OK, &representation(&base, &saved)))
}

/// `DELETE /Groups/{id}`.
pub async fn delete(
    State(s): State<AppState>,
    headers: HeaderMap,
    Caller(p): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ScimError> {
    let (record, now) = current(&s, &p, &base_url(&s, &headers), &id).await?;
    check_if_match(&headers, now["meta"]["version"].as_str().unwrap_or_default())?;
    s.app.unlink_group(&p, record.team.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
