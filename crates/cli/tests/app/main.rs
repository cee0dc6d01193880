//! Signpost end to end: one test binary (linking the application once) with a module
//! per area, each starting the real server on a fresh database, on both engines
//! where the behaviour depends on the store.
//!
//! Modules follow `crates/services/src`: knowledge (`api`, `editing`, `admin_pages`,
//! `pages`), learning, people, leavers, maturity, impact and reports; then what
//! crosses areas (permissions, security, script injection, several nodes, the CLI,
//! operations) and the journeys in a real browser.
#[macro_use]
mod common;

mod accounts;
mod accounts_journey;
mod admin_pages;
mod api;
mod archive;
mod awareness;
mod editing;
mod evidence;
mod feeds;
mod pages;
mod references;

mod learning;
mod lessons_journey;

mod people;
mod people_journey;
mod questions;

mod leavers;
mod leavers_journey;

mod maturity;
mod maturity_journey;

mod impact;
mod knowledge_import;
mod report_journey;

mod permissions;
mod routes;
mod scim;
mod security;
mod semantic;
mod sign_on;
mod thesaurus;
mod wayfinding;
mod webhooks;
mod xss;

mod browser;
mod cli;
mod forms_journey;
mod mail;
mod nodes;
mod notifications;
mod ops;
mod search_journey;
