//! Learning before, during and after a piece of work: projects and their timelines,
//! sessions that run a technique and record its output, actions, lessons with their
//! lifecycle, the lessons loop that brings past lessons to new work, and the tool
//! that helps choose a technique.
pub mod actions;
pub mod chooser;
pub mod lessons;
pub mod lessons_loop;
pub mod projects;
pub mod reminders;
pub mod report;
pub mod sessions;
