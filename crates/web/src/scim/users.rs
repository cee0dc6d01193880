//! `/scim/v2/Users`: people. `userName` is unique; the primary email is the address the
//! account signs in with; `active: false` and DELETE take the person out as a leaver.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use signpost_domain::UserId;
use signpost_services::provisioning::{PersonRecord, ProvisionedPerson, Provisioner};

use super::discovery::{ENTERPRISE_URN, USER_URN};
use super::filter::get_ci;
use super::{Caller, ListQuery, ScimError, base_url, check_if_match, etag, json_object, list_response, one_response, resource_response};
use crate::AppState;
use crate::extract::{ApiPath, ApiQuery};

/// A person as SCIM JSON, with `meta` and its ETag. Of the attributes Signpost keeps,
/// those the provider's last document gave are shown with their current values (an
/// administrator may have changed them since); those it left out stay out. Someone SCIM
/// never sent is shown whole.
pub fn representation(base: &str, r: &PersonRecord) -> Value {
    let u = &r.user;
    let document: Map<String, Value> = serde_json::from_str(&r.state.document).unwrap_or_default();
    let provisioned = !r.state.user_name.is_empty();
    let gave = |key: &str| !provisioned || get_ci(&document, key).is_some_and(|v| !v.is_null());
    let mut body = json!({
        "schemas": [USER_URN],
        "id": u.id.to_string(),
        "userName": if provisioned { r.state.user_name.clone() } else { u.email.clone() },
    });
    if gave("displayName") {
        body["displayName"] = json!(u.name);
    }
    if gave("title") && !u.job_title.is_empty() {
        body["title"] = json!(u.job_title);
    }
    if gave("active") {
        body["active"] = json!(u.disabled_at.is_none());
    }
    match get_ci(&document, "emails") {
        Some(Value::Array(emails)) if !emails.is_empty() => body["emails"] = Value::Array(emails.clone()),
        _ if !provisioned => body["emails"] = json!([{"value": u.email, "type": "work", "primary": true}]),
        _ => {}
    }
    if let Some(ext) = &r.state.external_id {
        body["externalId"] = json!(ext);
    }
    let extension = get_ci(&document, ENTERPRISE_URN).and_then(Value::as_object);
    if let Some(m) = u.line_manager_id.filter(|_| !provisioned || extension.and_then(|e| get_ci(e, "manager")).is_some()) {
        body[ENTERPRISE_URN] = json!({"manager": {"value": m.to_string(), "$ref": format!("{base}/Users/{m}")}});
        body["schemas"] = json!([USER_URN, ENTERPRISE_URN]);
    }
    let version = etag(r.state.version, &body);
    let modified = r.state.modified_at.filter(|m| *m > u.created_at).unwrap_or(u.created_at);
    body["meta"] = json!({
        "resourceType": "User",
        "created": u.created_at.to_rfc3339(),
        "lastModified": modified.to_rfc3339(),
        "location": format!("{base}/Users/{}", u.id),
        "version": version,
    });
    body
}

fn text(object: &Map<String, Value>, key: &str) -> Result<Option<String>, ScimError> {
    match get_ci(object, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(_) => Err(ScimError::invalid(format!("{key} must be a string"))),
    }
}

/// Entra ID sends booleans as "True" and "False" in PATCH values.
fn boolean(value: Option<&Value>, key: &str) -> Result<Option<bool>, ScimError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(ScimError::invalid(format!("{key} must be true or false"))),
    }
}

fn id_of(value: &Value, what: &str) -> Result<UserId, ScimError> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return Err(ScimError::invalid(format!("{what} must be a User's id"))),
    };
    text.parse::<i64>().map(UserId).map_err(|_| ScimError::invalid(format!("{what} {text:?} is not a User's id")))
}

/// The person a SCIM User body describes.
pub fn person_from(object: &Map<String, Value>) -> Result<ProvisionedPerson, ScimError> {
    let user_name = text(object, "userName")?.filter(|u| !u.is_empty()).ok_or_else(|| ScimError::invalid("userName is required"))?;
    let name = match (text(object, "displayName")?, get_ci(object, "name").and_then(Value::as_object)) {
        (Some(d), _) if !d.is_empty() => d,
        (_, Some(n)) => match (text(n, "formatted")?, text(n, "givenName")?, text(n, "familyName")?) {
            (Some(f), _, _) if !f.is_empty() => f,
            (_, g, f) => [g, f].into_iter().flatten().collect::<Vec<_>>().join(" "),
        },
        _ => String::new(),
    };
    let name = if name.trim().is_empty() { user_name.split('@').next().unwrap_or(&user_name).to_string() } else { name };
    let mut emails = match get_ci(object, "emails") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) if items.len() <= 20 && items.iter().all(Value::is_object) => items.clone(),
        Some(_) => return Err(ScimError::invalid("emails must be a list of up to 20 objects")),
    };
    // One primary at most (RFC 7643 §2.4): the last one marked wins.
    if let Some(last) = emails.iter().rposition(|e| e.get("primary") == Some(&Value::Bool(true))) {
        for (i, e) in emails.iter_mut().enumerate() {
            if i != last && e.get("primary") == Some(&Value::Bool(true)) {
                e["primary"] = Value::Bool(false);
            }
        }
    }
    let mut document = object.clone();
    document.remove("meta");
    document.remove("id");
    if !emails.is_empty() {
        document.insert("emails".into(), Value::Array(emails.clone()));
    }
    let extension = get_ci(object, ENTERPRISE_URN).and_then(Value::as_object);
    let manager = match extension.and_then(|e| get_ci(e, "manager")) {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => match get_ci(m, "value") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(v) => Some(id_of(v, "manager.value")?),
        },
        Some(v) => Some(id_of(v, "manager")?),
    };
    Ok(ProvisionedPerson {
        user_name,
        emails,
        name,
        job_title: text(object, "title")?.unwrap_or_default(),
        active: boolean(get_ci(object, "active"), "active")?,
        document: Value::Object(document),
        manager,
        external_id: text(object, "externalId")?.filter(|e| !e.is_empty()),
    })
}

fn user_id(id: &str) -> Result<UserId, ScimError> {
    id.parse::<i64>().map(UserId).map_err(|_| ScimError::new(StatusCode::NOT_FOUND, None, format!("there is no User {id}")))
}

async fn current(s: &AppState, p: &Provisioner, base: &str, id: &str) -> Result<(PersonRecord, Value), ScimError> {
    let record = s.app.provisioned_person(p, user_id(id)?).await?;
    let body = representation(base, &record);
    Ok((record, body))
}

/// `GET /Users`.
pub async fn list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Caller(p): Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ScimError> {
    let base = base_url(&s, &headers);
    let people = s.app.provisioned_people(&p).await?;
    list_response(people.iter().map(|r| representation(&base, r)).collect(), &q)
}

/// `POST /Users/.search`.
pub async fn search(State(s): State<AppState>, headers: HeaderMap, Caller(p): Caller, body: Bytes) -> Result<Response, ScimError> {
    let query = ListQuery::from_search(&body)?;
    let base = base_url(&s, &headers);
    let all = s.app.provisioned_people(&p).await?;
    list_response(all.iter().map(|r| representation(&base, r)).collect(), &query)
}

/// `GET /Users/{id}`.
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

/// `POST /Users`.
pub async fn create(State(s): State<AppState>, headers: HeaderMap, Caller(p): Caller, body: Bytes) -> Result<Response, ScimError> {
    let person = person_from(&json_object(&body)?)?;
    let record = s.app.provision_person(&p, person).await?;
    Ok(resource_response(StatusCode::CREATED, &representation(&base_url(&s, &headers), &record)))
}

/// `PUT /Users/{id}`.
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
    let person = person_from(&json_object(&body)?)?;
    let saved = s.app.replace_person(&p, record.user.id, person, Some(record.state.version)).await?;
    Ok(resource_response(StatusCode::OK, &representation(&base, &saved)))
}

/// `PATCH /Users/{id}`: the operations applied to the person as SCIM shows them, then stored.
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
    let Value::Object(mut resource) = now else { return Err(ScimError::invalid("the person could not be read")) };
    resource.remove("meta");
    super::patch::apply(&mut resource, &message, USER_URN)?;
    let person = person_from(&resource)?;
    let saved = s.app.replace_person(&p, record.user.id, person, Some(record.state.version)).await?;
    Ok(resource_response(StatusCode::OK, &representation(&base, &saved)))
}

/// `DELETE /Users/{id}`: disabled, sessions and tokens revoked, a leaver's plan started;
/// SCIM no longer sees them.
pub async fn delete(
    State(s): State<AppState>,
    headers: HeaderMap,
    Caller(p): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ScimError> {
    let (record, now) = current(&s, &p, &base_url(&s, &headers), &id).await?;
    check_if_match(&headers, now["meta"]["version"].as_str().unwrap_or_default())?;
    s.app.deprovision_person(&p, record.user.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
