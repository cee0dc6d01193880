//! Learning before, during and after: techniques, the chooser, projects, sessions and their reports, actions and lessons.
use super::Pages;

pub mod actions;
pub mod chooser;
pub mod projects;
pub mod session_report;
pub mod session_start;
pub mod sessions;
pub mod techniques;

/// This area's pages and forms.
pub fn routes() -> Pages {
    [
        techniques::routes(),
        chooser::routes(),
        projects::routes(),
        session_start::routes(),
        sessions::routes(),
        session_report::routes(),
        actions::routes(),
    ]
    .into_iter()
    .fold(Pages::new(), Pages::merge)
}
