//! Accounts and administration: signing in, tokens and synonyms, people and teams, background jobs.
use super::Pages;

pub mod admin;
pub mod jobs;
pub mod settings;
pub mod sign_in;

/// This area's pages and forms.
pub fn routes() -> Pages {
    [sign_in::routes(), settings::routes(), admin::routes(), jobs::routes()].into_iter().fold(Pages::new(), Pages::merge)
}
