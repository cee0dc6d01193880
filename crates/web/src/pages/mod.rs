//! Server-rendered pages on the NHS.UK design system. Every page and form works
//! without JavaScript; every form is read through [`extract::CsrfForm`], so none can
//! skip the CSRF check.
//!
//! The shared pieces: [`extract`] (what a handler takes), [`respond`] (how it answers),
//! [`router`] (how an area registers its routes), [`layout`] and [`form`] (the markup).
//! Each area is a folder mirroring `services/src/`; each file holds its handlers and
//! its `routes()`, and the folder's `mod.rs` merges them.

pub mod charts;
pub mod extract;
pub mod form;
pub mod layout;
pub mod prelude;
pub mod respond;
pub mod router;

pub mod accounts;
pub mod alerts;
pub mod assets;
pub mod evidence;
pub mod home;
pub mod imports;
pub mod interests;
pub mod learning;
pub mod leavers;
pub mod maturity;
pub mod people;
pub mod reports;
pub mod search;
pub mod statement;
pub mod thesaurus;
pub mod webhooks;

pub use extract::{CsrfForm, CsrfUpload, MaybeSignedIn, PagePath, PageQuery, SignedIn};
pub use layout::{Viewer, capitalised, label};
pub use respond::{Done, Notice, PageError, PageMarkup, PageResult, done, error_page, refused, refused_as, safe_next, see_other};
pub use router::Pages;

/// Every page route, area by area.
pub fn pages() -> Pages {
    [
        home::routes(),
        statement::routes(),
        search::routes(),
        alerts::routes(),
        interests::routes(),
        evidence::routes(),
        thesaurus::routes(),
        accounts::routes(),
        assets::routes(),
        learning::routes(),
        people::routes(),
        leavers::routes(),
        maturity::routes(),
        reports::routes(),
        webhooks::routes(),
        imports::routes(),
    ]
    .into_iter()
    .fold(Pages::new(), Pages::merge)
}
