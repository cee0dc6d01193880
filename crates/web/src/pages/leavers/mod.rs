//! Movers and leavers: the plans, and the forms that fill them in.
use super::Pages;

mod areas;
pub mod forms;
pub mod plans;

/// This area's pages and forms.
pub fn routes() -> Pages {
    [plans::routes(), forms::routes(), areas::routes()].into_iter().fold(Pages::new(), Pages::merge)
}
