//! Dates typed as people in the UK type them, in three boxes, and shown one way;
//! a lesson's own page showing where it is in its life cycle and moving it on.
use fantoccini::Locator;
use signpost_services::learning::lessons::LessonInput;
use signpost_services::learning::sessions::SessionInput;

use crate::common::browser::Browser;
use crate::common::{Backend, PASSWORD, TestApp};

async fn signed_in(t: &TestApp, javascript: bool) -> Browser {
    let b = Browser::start(javascript).await;
    b.sign_in_as(&t.base, "alice@trust.nhs.uk", PASSWORD).await;
    b
}

async fn a_project_is_planned_with_dates_in_boxes(javascript: bool) {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let b = signed_in(&t, javascript).await;
    b.visit_accessible(&t.base, "/projects/new").await;
    b.fill("title", "Falls prevention on nights").await;
    b.fill("starts_on", "14").await;
    b.fill("starts_on-month", "12").await;
    b.fill("starts_on-year", "2026").await;
    b.fill("ends_on", "31").await;
    b.fill("ends_on-month", "2").await;
    b.fill("ends_on-year", "2027").await;
    b.screenshot(&format!("project-dates-js-{javascript}")).await;
    b.click("main form button.nhsuk-button[type=submit]").await;
    assert!(b.wait_for_text("There is a problem").await, "31 February is refused");
    let kept = b.client.find(Locator::Id("starts_on-month")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("12"), "what was typed is kept");
    b.assert_accessible("a project with a date that does not exist").await;
    b.fill("ends_on", "30").await;
    b.fill("ends_on-month", "6").await;
    b.click("main form button.nhsuk-button[type=submit]").await;
    assert!(b.wait_for_text("Starts 14 December 2026; ends 30 June 2027.").await, "dates read the one way every page shows them");
    b.assert_accessible("the project").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_is_planned_with_dates_in_boxes_with_javascript() {
    a_project_is_planned_with_dates_in_boxes(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_is_planned_with_dates_in_boxes_without_javascript() {
    a_project_is_planned_with_dates_in_boxes(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lesson_shows_its_state_and_moves_on_from_its_own_page() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let alice = t.app.actor(t.users["alice"]).await.unwrap();
    let session = SessionInput { technique_key: "after-action-review".into(), ..SessionInput::default() };
    let session = t.app.start_session(&alice, session).await.unwrap();
    let lesson = LessonInput {
        session_id: Some(session.id),
        title: "Check bed rails at every handover".into(),
        observation: "Two falls from beds with lowered rails.".into(),
        recommendation: "Check the rails at every handover on nights.".into(),
        ..LessonInput::default()
    };
    let lesson = t.app.record_lesson(&alice, lesson).await.unwrap();
    t.settle().await;

    let b = signed_in(&t, false).await;
    b.visit_accessible(&t.base, &format!("/assets/{}", lesson.asset.id)).await;
    assert!(b.wait_for_text("Lesson: identified").await, "the lesson's state is on its page");
    assert!(b.client.find(Locator::Css(&format!("#lesson-state a[href='/sessions/{}']", session.id))).await.is_ok());
    b.screenshot("lesson-state").await;
    b.click("#lesson-state button[type=submit]").await;
    assert!(b.wait_for_text("Lesson: action agreed").await, "moved on to the next state, back on the lesson's page");
    let history = b.client.find(Locator::Id("lesson-history")).await.unwrap().text().await.unwrap();
    assert!(history.contains("Identified on") && history.contains("Action agreed on"), "each move is kept: {history}");
    b.assert_accessible("a lesson moved on").await;
    // Rejecting needs a reason: refused on the lesson's own page, saying so.
    b.client.find(Locator::Id("lesson-next-state")).await.unwrap().select_by_value("rejected").await.unwrap();
    b.click("#lesson-state button[type=submit]").await;
    assert!(b.wait_for_text("There is a problem").await, "a refused move says why");
    assert!(b.wait_for_text("Lesson: action agreed").await, "on the lesson's page, unmoved");
    b.assert_accessible("a refused move").await;
    b.close().await;
}
