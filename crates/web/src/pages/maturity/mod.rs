//! The maturity self-assessment and its diagrams.
use super::Pages;

pub mod assessment;
pub mod charts;

/// This area's pages and forms.
pub fn routes() -> Pages {
    [assessment::routes()].into_iter().fold(Pages::new(), Pages::merge)
}
