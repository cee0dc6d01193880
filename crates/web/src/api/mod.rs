//! The JSON API under `/api/v1`, one router per area. Each endpoint is registered once,
//! beside its handler, with `utoipa-axum`'s `routes!`: the path in its `#[utoipa::path]`
//! is both where it is served and what the OpenAPI document says.
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub mod accounts;
pub mod admin;
pub mod assets;
pub mod coffee;
pub mod emails;
pub mod impact;
pub mod learning;
pub mod leavers;
pub mod lifecycle;
pub mod maturity;
pub mod people;
mod posts;
pub mod references;
pub mod search;
pub mod sign_in;
pub mod techniques;
pub mod webhooks;

/// Every `/api/v1` route.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(assets::routes())
        .merge(search::routes())
        .merge(accounts::routes())
        .merge(lifecycle::routes())
        .merge(emails::routes())
        .merge(sign_in::routes())
        .merge(admin::routes())
        .merge(techniques::routes())
        .merge(learning::routes())
        .merge(people::routes())
        .merge(posts::routes())
        .merge(references::routes())
        .merge(coffee::routes())
        .merge(leavers::routes())
        .merge(maturity::routes())
        .merge(impact::routes())
        .merge(webhooks::routes())
}
