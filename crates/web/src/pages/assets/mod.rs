//! Knowledge assets: one asset's page, the editor and its form, and the review queue.
use super::Pages;

pub mod editor;
pub mod form;
pub mod reviews;
pub mod view;

/// This area's pages and forms.
pub fn routes() -> Pages {
    [view::routes(), editor::routes(), reviews::routes()].into_iter().fold(Pages::new(), Pages::merge)
}
