//! Knowledge assets: one asset's page, the editor and its form, the review queue, and
//! an evidence summary's references.
use super::Pages;

pub mod editor;
pub mod form;
pub mod references;
pub mod reviews;
pub mod view;

/// This area's pages and forms.
pub fn routes() -> Pages {
    [view::routes(), editor::routes(), reviews::routes(), references::routes()].into_iter().fold(Pages::new(), Pages::merge)
}
