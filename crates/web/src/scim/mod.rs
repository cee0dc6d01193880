//! SCIM 2.0 (RFC 7643/7644) at `/scim/v2`: an identity provider creates, changes and
//! removes people and groups (teams) with a provisioning token an administrator made.
//! This module speaks the protocol (JSON shapes, filters, PATCH, ETags, errors); the
//! services decide what each change does to accounts, teams and leavers' plans.
use axum::Router;
use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use signpost_services::ServiceError;
use signpost_services::provisioning::Provisioner;

use crate::AppState;

mod discovery;
mod filter;
mod groups;
mod patch;
mod users;

/// The SCIM media type every response carries.
pub const SCIM_JSON: &str = "application/scim+json";
const ERROR_URN: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST_URN: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// Most resources one page returns.
pub const MAX_COUNT: usize = 1000;

/// The SCIM routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ServiceProviderConfig", get(discovery::service_provider_config))
        .route("/ResourceTypes", get(discovery::resource_types))
        .route("/ResourceTypes/{name}", get(discovery::resource_type))
        .route("/Schemas", get(discovery::schemas))
        .route("/Schemas/{urn}", get(discovery::schema))
        .route("/.search", post(search_all))
        .route("/Users/.search", post(users::search))
        .route("/Groups/.search", post(groups::search))
        .route("/Users", get(users::list).post(users::create))
        .route("/Users/{id}", get(users::get).put(users::replace).patch(users::patch).delete(users::delete))
        .route("/Groups", get(groups::list).post(groups::create))
        .route("/Groups/{id}", get(groups::get).put(groups::replace).patch(groups::patch).delete(groups::delete))
        .fallback(|| async { ScimError::new(StatusCode::NOT_FOUND, None, "there is no such SCIM endpoint").into_response() })
}

/// A SCIM error (RFC 7644 §3.12).
#[derive(Debug)]
pub struct ScimError {
    status: StatusCode,
    scim_type: Option<&'static str>,
    detail: String,
}

impl ScimError {
    /// An error with a status, an optional `scimType` and what went wrong.
    pub fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> ScimError {
        ScimError { status, scim_type, detail: detail.into() }
    }

    /// 400 `invalidValue`.
    pub fn invalid(detail: impl Into<String>) -> ScimError {
        ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), detail)
    }
}

impl From<ServiceError> for ScimError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(errors) => {
                ScimError::invalid(errors.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "))
            }
            ServiceError::NotFound(what) => ScimError::new(StatusCode::NOT_FOUND, None, format!("{what} not found")),
            ServiceError::Conflict(m) if m.contains("changed since") => ScimError::new(StatusCode::PRECONDITION_FAILED, None, m),
            ServiceError::Conflict(m) => ScimError::new(StatusCode::CONFLICT, Some("uniqueness"), m),
            ServiceError::Unauthenticated(m) => ScimError::new(StatusCode::UNAUTHORIZED, None, m),
            ServiceError::Forbidden(m) => ScimError::new(StatusCode::FORBIDDEN, None, m),
            ServiceError::TooLarge(m) => ScimError::new(StatusCode::PAYLOAD_TOO_LARGE, Some("tooMany"), m),
            other => {
                let api = crate::error::ApiError::from(other);
                ScimError::new(api.status(), None, "something went wrong on our side; it has been logged")
            }
        }
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({"schemas": [ERROR_URN], "status": self.status.as_u16().to_string(), "detail": self.detail});
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        let mut response = scim_json(self.status, &body);
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"SCIM\""));
        }
        response
    }
}

/// A SCIM JSON response.
pub fn scim_json(status: StatusCode, body: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON))], body.to_string()).into_response()
}

/// A resource with its ETag and, for a new one, its Location.
pub fn resource_response(status: StatusCode, body: &Value) -> Response {
    let mut response = scim_json(status, body);
    if let Some(v) = body["meta"]["version"].as_str().and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::ETAG, v);
    }
    if status == StatusCode::CREATED
        && let Some(l) = body["meta"]["location"].as_str().and_then(|l| HeaderValue::from_str(l).ok())
    {
        response.headers_mut().insert(header::LOCATION, l);
    }
    response
}

/// The provisioning client calling, from its bearer token (checked before any body is read).
pub struct Caller(pub Provisioner);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let refused = || ScimError::new(StatusCode::UNAUTHORIZED, None, "send a provisioning token as Authorization: Bearer");
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(refused)?;
        state.app.provisioner(token.trim()).await?.map(Caller).ok_or_else(refused)
    }
}

/// The body as a JSON object: SCIM clients send `application/scim+json` or `application/json`.
pub fn json_object(body: &Bytes) -> Result<serde_json::Map<String, Value>, ScimError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ScimError::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), "the body must be a JSON object")),
        Err(e) => Err(ScimError::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), format!("the body is not JSON: {e}"))),
    }
}

/// Where this server is, for `meta.location`: the public URL when set, else the Host header.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    format!("{}/scim/v2", state.site_url(headers))
}

/// A weak ETag over the resource's version and content (`meta` aside).
pub fn etag(version: i64, resource: &Value) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(resource.to_string().as_bytes());
    format!("W/\"{version}-{}\"", hex::encode(&digest[..8]))
}

/// Refuses a change whose `If-Match` names another version (RFC 7644 §3.14).
pub fn check_if_match(headers: &HeaderMap, current: &str) -> Result<(), ScimError> {
    let Some(wanted) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else { return Ok(()) };
    if wanted.split(',').map(str::trim).any(|w| w == "*" || w == current) {
        Ok(())
    } else {
        Err(ScimError::new(StatusCode::PRECONDITION_FAILED, None, "the resource has changed since that version: read it again"))
    }
}

/// `startIndex`, `count`, `filter`, `attributes` and `excludedAttributes`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListQuery {
    filter: Option<String>,
    start_index: Option<String>,
    count: Option<String>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

impl ListQuery {
    /// The query a POST `.search` body (RFC 7644 §3.4.3) asks for.
    pub fn from_search(body: &Bytes) -> Result<ListQuery, ScimError> {
        let object = json_object(body)?;
        let text = |key: &str| -> Option<String> {
            match filter::get_ci(&object, key) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::Array(items)) => Some(items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(",")),
                _ => None,
            }
        };
        Ok(ListQuery {
            filter: text("filter"),
            start_index: text("startIndex"),
            count: text("count"),
            attributes: text("attributes"),
            excluded_attributes: text("excludedAttributes"),
        })
    }
}

/// `POST /.search`: people and groups together.
async fn search_all(
    axum::extract::State(s): axum::extract::State<AppState>,
    headers: HeaderMap,
    Caller(p): Caller,
    body: Bytes,
) -> Result<Response, ScimError> {
    let query = ListQuery::from_search(&body)?;
    let base = base_url(&s, &headers);
    let mut all: Vec<Value> = s.app.provisioned_people(&p).await?.iter().map(|r| users::representation(&base, r)).collect();
    all.extend(s.app.provisioned_groups(&p).await?.iter().map(|g| groups::representation(&base, g)));
    list_response(all, &query)
}

/// Filters, pages and trims `resources` into a ListResponse.
pub fn list_response(resources: Vec<Value>, query: &ListQuery) -> Result<Response, ScimError> {
    let matcher = match query.filter.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        Some(text) => Some(
            text.parse::<scim_v2::filter::Filter>()
                .map_err(|e| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidFilter"), format!("the filter is not valid: {e}")))?,
        ),
        None => None,
    };
    let number = |text: &Option<String>, name: &str| -> Result<Option<i64>, ScimError> {
        text.as_deref()
            .map(|t| t.trim().parse::<i64>().map_err(|_| ScimError::invalid(format!("{name} must be a whole number"))))
            .transpose()
    };
    let start = number(&query.start_index, "startIndex")?.unwrap_or(1).max(1) as usize;
    let count = (number(&query.count, "count")?.unwrap_or(100).max(0) as usize).min(MAX_COUNT);
    let matching: Vec<Value> = resources.into_iter().filter(|r| matcher.as_ref().is_none_or(|f| filter::matches(f, r))).collect();
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip(start - 1)
        .take(count)
        .map(|r| filter::project(r, query.attributes.as_deref(), query.excluded_attributes.as_deref()))
        .collect();
    let body = json!({"schemas": [LIST_URN], "totalResults": total, "startIndex": start, "itemsPerPage": page.len(), "Resources": page});
    Ok(scim_json(StatusCode::OK, &body))
}

/// One resource, trimmed as `attributes` and `excludedAttributes` ask.
pub fn one_response(resource: Value, query: &ListQuery) -> Response {
    let trimmed = filter::project(resource.clone(), query.attributes.as_deref(), query.excluded_attributes.as_deref());
    let mut response = resource_response(StatusCode::OK, &resource);
    *response.body_mut() = axum::body::Body::from(trimmed.to_string());
    response
}
