//! The OpenAPI 3.1 document, generated from the handlers' annotations.
use utoipa::OpenApi;

use crate::api;

/// The API description served at `/api/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    info(title = "Signpost API", description = "Knowledge mobilisation for health organisations: knowledge assets, search, accounts, learning before, during and after a piece of work, and connecting people: profiles, experts, communities of practice, advocates, mentoring and randomised coffee trials; securing knowledge from movers and leavers, knowledge at risk, maturity self-assessment, impact, the stories showcase and programme reports."),
    // Query parameters refer to these by name without listing them as schemas themselves.
    components(schemas(signpost_domain::search::SortOrder)),
    modifiers(&BearerAuth),
    security(("bearer" = []), ("session" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        components.add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("signpost_session"))));
    }
}

/// Handlers in different areas share names (`create`, `list`, `show`), but client
/// generators name their functions after operation ids, which OpenAPI requires to be
/// unique; the area's tag in front makes them so (`impact_withdraw`, `assets_create`).
struct UniqueOperationIds;

impl utoipa::Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in operations.into_iter().flatten() {
                let tag = op.tags.as_ref().and_then(|t| t.first()).map(|t| t.replace([' ', '-'], "_"));
                if let (Some(tag), Some(id)) = (tag, op.operation_id.as_mut()) {
                    *id = format!("{tag}_{id}");
                }
            }
        }
    }
}

/// Answers every operation can give whatever it does, because they come from the
/// layers in front of it: a malformed query or body (400), no or a bad credential (401),
/// a role that may not (403), a path that names nothing (404), input the rules refuse
/// (422); for operations that change something, a clash with what is stored or with a
/// change made meanwhile (409); and for operations with a body, one too large (413) or
/// not JSON (415).
struct CommonErrors;

impl utoipa::Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, ResponseBuilder, content::ContentBuilder};
        let error = |description: &str| {
            let body = ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody"))).build();
            RefOr::T(ResponseBuilder::new().description(description).content("application/json", body).build())
        };
        let always = [
            ("400", "the query string or body is malformed"),
            ("401", "no credentials, or they are not valid"),
            ("403", "the caller may not do this"),
            ("404", "there is nothing at this address that the caller may see"),
            ("422", "the input breaks a rule; each problem is listed with where it is"),
        ];
        let with_body = [("413", "the body is larger than Signpost accepts"), ("415", "the body is not of the type this operation reads")];
        let changing = [("409", "it clashes with what is stored, or with a change made meanwhile")];
        for item in openapi.paths.paths.values_mut() {
            let writes = [&mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in writes.into_iter().flatten() {
                for (code, description) in changing {
                    op.responses.responses.entry(code.to_string()).or_insert_with(|| error(description));
                }
            }
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in operations.into_iter().flatten() {
                let extra: Vec<_> = always.iter().chain(if op.request_body.is_some() { with_body.iter() } else { [].iter() }).collect();
                for (code, description) in extra {
                    op.responses.responses.entry(code.to_string()).or_insert_with(|| error(description));
                }
            }
        }
    }
}

/// The whole document: the info above, every path the API registers, then the operation
/// ids and shared errors, which are derived from the paths and so come last.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::Modify;
    let (_, mut doc) = utoipa_axum::router::OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(api::routes()).split_for_parts();
    UniqueOperationIds.modify(&mut doc);
    CommonErrors.modify(&mut doc);
    doc
}

/// The document as pretty JSON, built once.
pub fn document() -> String {
    static DOCUMENT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| openapi().to_pretty_json().unwrap_or_default());
    DOCUMENT.clone()
}
