//! Showing difference: the programme report, impact statements and knowledge at risk.
use super::Pages;

pub mod impact;
pub mod programme;
pub mod risks;

/// This area's pages and forms.
pub fn routes() -> Pages {
    [programme::routes(), impact::routes(), risks::routes()].into_iter().fold(Pages::new(), Pages::merge)
}
