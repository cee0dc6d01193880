//! What the server supports (RFC 7644 §4): its configuration, its resource types and
//! their schemas. The schemas name only what Signpost keeps, so a client knows that
//! anything else it sends is not stored.
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Caller, LIST_URN, MAX_COUNT, ScimError, base_url, scim_json};
use crate::AppState;
use crate::extract::ApiPath;

/// The core User schema.
pub const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise User extension.
pub const ENTERPRISE_URN: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The core Group schema.
pub const GROUP_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

fn attribute(name: &str, kind: &str, description: &str, required: bool, mutability: &str) -> Value {
    json!({
        "name": name, "type": kind, "multiValued": false, "description": description, "required": required,
        "caseExact": false, "mutability": mutability, "returned": "default", "uniqueness": "none",
    })
}

fn reference(name: &str, description: &str, types: &[&str], mutability: &str) -> Value {
    let mut a = attribute(name, "reference", description, false, mutability);
    a["referenceTypes"] = json!(types);
    a["caseExact"] = json!(true);
    a
}

fn user_schema() -> Value {
    let mut user_name = attribute("userName", "string", "Unique identifier for the person, such as their sign-in name.", true, "readWrite");
    user_name["uniqueness"] = json!("server");
    let email = |name: &str, kind: &str, d: &str| attribute(name, kind, d, false, "readWrite");
    let mut emails =
        attribute("emails", "complex", "Email addresses; the primary one is the address the person signs in with.", false, "readWrite");
    emails["multiValued"] = json!(true);
    emails["subAttributes"] = json!([
        email("value", "string", "An email address."),
        email("type", "string", "work, home or other."),
        email("primary", "boolean", "The address the person signs in with."),
    ]);
    emails["subAttributes"][1]["canonicalValues"] = json!(["work", "home", "other"]);
    json!({
        "id": USER_URN, "name": "User", "description": "A person with a Signpost account",
        "attributes": [
            user_name,
            attribute("displayName", "string", "The person's name as Signpost shows it.", false, "readWrite"),
            attribute("title", "string", "Job title.", false, "readWrite"),
            attribute("active", "boolean", "false disables the account and starts a leaver's plan.", false, "readWrite"),
            emails,
        ],
    })
}

fn enterprise_schema() -> Value {
    let mut manager = attribute("manager", "complex", "The person's line manager.", false, "readWrite");
    manager["subAttributes"] = json!([
        attribute("value", "string", "The id of the manager's User.", false, "readWrite"),
        reference("$ref", "The URI of the manager's User.", &["User"], "readWrite"),
    ]);
    json!({"id": ENTERPRISE_URN, "name": "EnterpriseUser", "description": "Enterprise User", "attributes": [manager]})
}

fn group_schema() -> Value {
    let mut members = attribute("members", "complex", "The people in the team.", false, "readWrite");
    members["multiValued"] = json!(true);
    members["subAttributes"] = json!([
        attribute("value", "string", "The id of a User.", false, "immutable"),
        reference("$ref", "The URI of the User.", &["User"], "immutable"),
    ]);
    json!({
        "id": GROUP_URN, "name": "Group", "description": "A Signpost team",
        "attributes": [attribute("displayName", "string", "The team's name.", true, "readWrite"), members],
    })
}

fn with_meta(mut resource: Value, kind: &str, location: String) -> Value {
    resource["schemas"] = json!([if kind == "Schema" {
        "urn:ietf:params:scim:schemas:core:2.0:Schema"
    } else {
        "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
    }]);
    resource["meta"] = json!({"resourceType": kind, "location": location});
    resource
}

fn all_schemas(base: &str) -> Vec<Value> {
    [user_schema(), enterprise_schema(), group_schema()]
        .into_iter()
        .map(|s| {
            let location = format!("{base}/Schemas/{}", s["id"].as_str().unwrap_or_default());
            with_meta(s, "Schema", location)
        })
        .collect()
}

fn all_resource_types(base: &str) -> Vec<Value> {
    let user = json!({
        "id": "User", "name": "User", "endpoint": "/Users", "description": "People", "schema": USER_URN,
        "schemaExtensions": [{"schema": ENTERPRISE_URN, "required": false}],
    });
    let group =
        json!({"id": "Group", "name": "Group", "endpoint": "/Groups", "description": "Teams", "schema": GROUP_URN, "schemaExtensions": []});
    [user, group]
        .into_iter()
        .map(|r| {
            let location = format!("{base}/ResourceTypes/{}", r["id"].as_str().unwrap_or_default());
            with_meta(r, "ResourceType", location)
        })
        .collect()
}

fn list(items: Vec<Value>) -> Response {
    let n = items.len();
    scim_json(StatusCode::OK, &json!({"schemas": [LIST_URN], "totalResults": n, "startIndex": 1, "itemsPerPage": n, "Resources": items}))
}

/// `GET /ServiceProviderConfig`.
pub async fn service_provider_config(State(s): State<AppState>, headers: HeaderMap, _: Caller) -> Response {
    let base = base_url(&s, &headers);
    scim_json(
        StatusCode::OK,
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": MAX_COUNT},
            "changePassword": {"supported": false},
            "sort": {"supported": false},
            "etag": {"supported": true},
            "authenticationSchemes": [{
                "type": "oauthbearertoken", "name": "Provisioning token", "primary": true,
                "description": "A token an administrator makes in Signpost under Admin → Provisioning, sent as Authorization: Bearer",
            }],
            "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")},
        }),
    )
}

/// `GET /ResourceTypes`.
pub async fn resource_types(State(s): State<AppState>, headers: HeaderMap, _: Caller) -> Response {
    list(all_resource_types(&base_url(&s, &headers)))
}

/// `GET /ResourceTypes/{name}`.
pub async fn resource_type(
    State(s): State<AppState>,
    headers: HeaderMap,
    _: Caller,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, ScimError> {
    all_resource_types(&base_url(&s, &headers))
        .into_iter()
        .find(|r| r["id"] == name)
        .map(|r| scim_json(StatusCode::OK, &r))
        .ok_or_else(|| ScimError::new(StatusCode::NOT_FOUND, None, format!("there is no resource type {name}")))
}

/// `GET /Schemas`.
pub async fn schemas(State(s): State<AppState>, headers: HeaderMap, _: Caller) -> Response {
    list(all_schemas(&base_url(&s, &headers)))
}

/// `GET /Schemas/{urn}`.
pub async fn schema(
    State(s): State<AppState>,
    headers: HeaderMap,
    _: Caller,
    ApiPath(urn): ApiPath<String>,
) -> Result<Response, ScimError> {
    all_schemas(&base_url(&s, &headers))
        .into_iter()
        .find(|r| r["id"] == urn)
        .map(|r| scim_json(StatusCode::OK, &r))
        .ok_or_else(|| ScimError::new(StatusCode::NOT_FOUND, None, format!("there is no schema {urn}")))
}
