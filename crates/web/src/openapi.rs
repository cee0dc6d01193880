//! The OpenAPI 3.1 document, generated from the handlers' annotations.
use utoipa::OpenApi;

use crate::api;

/// The API description served at `/api/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    info(title = "Signpost API", description = "Knowledge mobilisation for health organisations: knowledge assets, search, accounts, learning before, during and after a piece of work, and connecting people: profiles, experts, communities of practice, advocates, mentoring and randomised coffee trials; securing knowledge from movers and leavers, knowledge at risk, maturity self-assessment, impact, the stories showcase and programme reports."),
    paths(
        api::assets::list, api::assets::create, api::assets::show, api::assets::update, api::assets::publish, api::assets::verify,
        api::assets::archive, api::assets::restore, api::assets::history, api::assets::diff, api::assets::reviews,
        api::search::search, api::search::suggest,
        api::accounts::sign_in, api::accounts::sign_out, api::accounts::me, api::accounts::users, api::accounts::create_user,
        api::accounts::user, api::accounts::update_user, api::accounts::set_role, api::accounts::revoke_access, api::accounts::teams, api::accounts::create_team, api::accounts::tokens,
        api::accounts::create_token, api::accounts::revoke_token,
        api::admin::audit, api::admin::synonyms, api::admin::replace_synonyms, api::admin::export, api::admin::jobs, api::admin::retry_job,
        api::techniques::list, api::techniques::show, api::techniques::save,
        api::learning::projects, api::learning::create_project, api::learning::project, api::learning::update_project,
        api::learning::suggestions, api::learning::mark, api::learning::sessions, api::learning::start_session,
        api::learning::session, api::learning::record_session, api::learning::answer, api::learning::share, api::learning::report,
        api::learning::actions, api::learning::create_action, api::learning::action, api::learning::close_action,
        api::learning::record_lesson, api::learning::unlearned, api::learning::lesson, api::learning::lesson_state,
        api::learning::choose,
        api::people::my_profile, api::people::update_profile, api::people::person_profile, api::people::experts,
        api::people::communities, api::people::create_community, api::people::community, api::people::update_community,
        api::people::join, api::people::leave, api::people::set_role, api::people::add_event, api::people::ask, api::people::similar,
        api::people::question, api::people::answer, api::people::comment, api::people::vote, api::people::accept,
        api::people::coverage, api::people::register_advocate, api::people::remove_advocate, api::people::mentoring,
        api::people::add_listing, api::people::close_listing, api::people::propose_match, api::people::answer_match,
        api::people::notifications, api::people::read_notifications,
        api::coffee::programmes, api::coffee::create, api::coffee::programme, api::coffee::join, api::coffee::leave,
        api::coffee::run_round, api::coffee::check_round, api::coffee::feedback,
        api::leavers::plans, api::leavers::start, api::leavers::plan, api::leavers::update, api::leavers::accept, api::leavers::add_area, api::leavers::score,
        api::leavers::add_action, api::leavers::lists, api::leavers::done, api::leavers::output, api::leavers::handover, api::leavers::complete,
        api::leavers::register, api::leavers::add_area_at_risk, api::leavers::update_area_at_risk, api::leavers::remove_area_at_risk,
        api::maturity::models, api::maturity::load_model, api::maturity::overview, api::maturity::export, api::maturity::record,
        api::maturity::import, api::maturity::assessment,
        api::impact::record, api::impact::withdraw, api::impact::showcase, api::impact::react, api::impact::report, api::impact::report_csv, api::impact::report_xlsx,
    ),
    // Query parameters refer to these by name without listing them as schemas themselves.
    components(schemas(signpost_domain::search::SortOrder)),
    modifiers(&BearerAuth, &UniqueOperationIds, &CommonErrors),
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

/// The document as pretty JSON.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}
