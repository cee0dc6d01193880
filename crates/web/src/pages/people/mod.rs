//! People and connection: the directory and profiles, the expertise finder, communities and questions, advocates, mentoring, coffee trials and notifications.
use super::Pages;

pub mod advocates;
pub mod coffee;
mod coffee_round;
pub mod communities;
pub mod directory;
pub mod experts;
pub mod mentoring;
pub mod notifications;
mod question_posts;
pub mod questions;

/// This area's pages and forms.
pub fn routes() -> Pages {
    [
        directory::routes(),
        experts::routes(),
        communities::routes(),
        questions::routes(),
        question_posts::routes(),
        advocates::routes(),
        mentoring::routes(),
        coffee::routes(),
        notifications::routes(),
    ]
    .into_iter()
    .fold(Pages::new(), Pages::merge)
}
