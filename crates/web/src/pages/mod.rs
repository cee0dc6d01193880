//! Server-rendered pages on the NHS.UK design system. Every page and form works
//! without JavaScript; every form is read through [`extract::CsrfForm`], so none can
//! skip the CSRF check.
//!
//! The shared pieces: [`extract`] (what a handler takes), [`respond`] (how it answers),
//! [`router`] (how an area registers its routes), [`layout`] and [`form`] (the markup).
//! Each area's file holds its handlers and its `routes()`.

pub mod charts;
pub mod extract;
pub mod form;
pub mod layout;
pub mod maturity_charts;
pub mod prelude;
pub mod respond;
pub mod router;

pub mod actions;
pub mod admin;
pub mod advocates;
pub mod asset;
pub mod asset_form;
pub mod chooser;
pub mod coffee;
pub mod communities;
pub mod editor;
pub mod experts;
pub mod home;
pub mod impact;
pub mod jobs;
pub mod leaver_forms;
pub mod leavers;
pub mod maturity;
pub mod mentoring;
pub mod notifications;
pub mod people;
pub mod projects;
pub mod questions;
pub mod reports;
pub mod reviews;
pub mod risks;
pub mod search;
pub mod session_report;
pub mod session_start;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod statement;
pub mod techniques;

pub use extract::{CsrfForm, CsrfUpload, MaybeSignedIn, PagePath, PageQuery, SignedIn};
pub use layout::{Viewer, capitalised, label};
pub use respond::{Done, Notice, PageError, done, error_page, refused, refused_as, safe_next, see_other};
pub use router::Pages;

/// Every page route, area by area.
pub fn pages() -> Pages {
    [
        home::routes(),
        sign_in::routes(),
        statement::routes(),
        search::routes(),
        admin::routes(),
        settings::routes(),
        jobs::routes(),
        reviews::routes(),
        people::routes(),
        techniques::routes(),
        chooser::routes(),
        projects::routes(),
        session_start::routes(),
        sessions::routes(),
        session_report::routes(),
        actions::routes(),
        experts::routes(),
        communities::routes(),
        questions::routes(),
        advocates::routes(),
        leavers::routes(),
        leaver_forms::routes(),
        maturity::routes(),
        impact::routes(),
        reports::routes(),
        risks::routes(),
        mentoring::routes(),
        coffee::routes(),
        notifications::routes(),
        editor::routes(),
        asset::routes(),
    ]
    .into_iter()
    .fold(Pages::new(), Pages::merge)
}
