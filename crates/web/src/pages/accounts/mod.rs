//! Accounts and administration: signing in, passwords, tokens, feed keys and synonyms, people's
//! accounts and teams, background jobs.
use super::Pages;

pub mod account;
pub mod admin;
pub mod emails;
pub mod feeds;
pub mod jobs;
pub mod password;
pub mod provisioning;
pub mod settings;
pub mod setup;
pub mod sign_in;
pub mod sign_in_settings;
pub mod sign_on;
pub mod users;

/// This area's pages and forms.
pub fn routes() -> Pages {
    [
        account::routes(),
        emails::routes(),
        feeds::routes(),
        sign_in::routes(),
        sign_on::routes(),
        sign_in_settings::routes(),
        provisioning::routes(),
        password::routes(),
        setup::routes(),
        settings::routes(),
        admin::routes(),
        users::routes(),
        jobs::routes(),
    ]
    .into_iter()
    .fold(Pages::new(), Pages::merge)
}
