//! The lessons loop in a real browser, with JavaScript on and off and axe-core on
//! every page: plan a project, see what was learned before, run an after action
//! review, record a lesson, agree and close its action, and find the lesson waiting
//! when the next similar project is planned.
use crate::common;

use common::browser::Browser;
use common::{Backend, PASSWORD, TestApp};
use fantoccini::Locator;
use serde_json::json;

on_both_backends!(plan_learn_from_the_past_run_an_aar_record_a_lesson_close_its_action_and_see_it_return);

async fn past_work(t: &TestApp) {
    let (_, past) = t.post("bob", "/api/v1/projects", json!({"title": "Staff flu vaccination clinic", "tags": ["flu"]})).await;
    let (_, aar) = t.post("bob", "/api/v1/sessions", json!({"technique_key": "after-action-review", "project_id": past["id"]})).await;
    let lesson = json!({"session_id": aar["id"], "title": "Book flu clinic slots",
        "observation": "Queues for flu vaccination built up at the clinic door.", "recommendation": "Book flu vaccination slots in advance."});
    assert_eq!(t.post("bob", "/api/v1/lessons", lesson).await.0, reqwest::StatusCode::CREATED);
    t.settle().await;
}

async fn choose(b: &Browser, select: &str, value: &str) {
    b.click(&format!("#{select} option[value='{value}']")).await;
}

async fn plan(b: &Browser, base: &str, title: &str, description: &str) {
    b.client.goto(&format!("{base}/projects")).await.unwrap();
    b.assert_accessible("projects").await;
    b.client.find(Locator::LinkText("Plan a project")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Describe the work in plain words").await);
    b.assert_accessible("plan a project").await;
    b.fill("title", title).await;
    b.fill("description", description).await;
    b.click("form[action='/projects'] button[type=submit]").await;
    assert!(b.wait_for_text("Learned elsewhere").await, "the new project's page");
}

async fn journey(t: &TestApp, javascript: bool) {
    past_work(t).await;
    let b = Browser::start(javascript).await;
    b.client.goto(&format!("{}/sign-in", t.base)).await.unwrap();
    b.fill("email", "alice@trust.nhs.uk").await;
    b.fill("password", PASSWORD).await;
    b.click("form[action='/sign-in'] button[type=submit]").await;
    assert!(b.wait_for_text("Hello alice").await);

    // Plan: refused without a name, then the loop shows what Ward B learned.
    b.client.goto(&format!("{}/projects/new", t.base)).await.unwrap();
    b.click("form[action='/projects'] button[type=submit]").await;
    assert!(b.wait_for_text("There is a problem").await);
    b.assert_accessible("plan a project with errors").await;
    plan(&b, &t.base, "Flu vaccination clinic for Ward A", "Run a flu vaccination clinic for ward staff this winter without queues.").await;
    let surfaced = b.client.find(Locator::Css("#suggested-lessons")).await.unwrap().text().await.unwrap();
    assert!(surfaced.contains("Book flu clinic slots") && surfaced.contains("Staff flu vaccination clinic"), "{surfaced}");
    b.assert_accessible("project page with past lessons").await;
    b.click("#suggested-lessons button[value=yes]").await;
    assert!(b.wait_for_text("You marked this useful.").await);

    // The work starts: its stage changes.
    b.client.find(Locator::LinkText("Change the project")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Change the project</h1>").await);
    b.assert_accessible("change a project").await;
    choose(&b, "stage", "running").await;
    b.click("form[action$='/edit'] button[type=submit]").await;
    assert!(b.wait_for_text("Project · Under way").await);

    // Run an after action review on it.
    choose(&b, "technique", "after-action-review").await;
    b.click("form[action='/sessions/new'] button").await;
    assert!(b.wait_for_text("Start a session").await);
    b.assert_accessible("start a session").await;
    b.click("form[action='/sessions'] button[type=submit]").await;
    assert!(b.wait_for_text("What was supposed to happen?").await, "the AAR's questions");
    b.assert_accessible("after action review").await;
    for (field, text) in [
        ("record-q1", "Every member of staff vaccinated in two days."),
        ("record-q2", "Night staff were missed."),
        ("record-q3", "The clinic ran only in the day."),
        ("record-q4", "Take the vaccine to the night shift."),
    ] {
        b.fill(field, text).await;
    }
    b.click("form[action^='/sessions/'][method=post] button.nhsuk-button:not(.nhsuk-button--secondary)").await;
    assert!(b.wait_for_text("The record is saved.").await);

    // Record a lesson; refused first without an observation.
    open_details(&b, "Record a lesson").await;
    b.fill("lesson-title", "Take flu vaccine to night shifts").await;
    b.fill("lesson-recommendation", "Send a peer vaccinator to night handovers.").await;
    b.click("form[action$='/lessons'] button").await;
    assert!(b.wait_for_text("There is a problem").await, "the observation is required");
    b.assert_accessible("lesson form with errors").await;
    b.fill("lesson-observation", "Night staff missed the daytime flu vaccination clinic.").await;
    b.click("form[action$='/lessons'] button").await;
    assert!(b.wait_for_text("The lesson is recorded").await);
    assert!(b.client.find(Locator::Css("#session-lessons")).await.unwrap().text().await.unwrap().contains("Identified"));

    // Agree an action on it.
    open_details(&b, "Agree an action").await;
    b.fill("action-title", "Roster a night peer vaccinator").await;
    b.fill_date("action-due_on", "2027-01-31").await;
    b.click("#action-lesson_id option:nth-child(2)").await;
    b.click("form[action$='/actions'] button").await;
    assert!(b.wait_for_text("The action is agreed.").await);
    assert!(b.client.find(Locator::Css("#session-lessons")).await.unwrap().text().await.unwrap().contains("Action agreed"));
    b.assert_accessible("session with a lesson and an action").await;
    let session_url = b.client.current_url().await.unwrap();

    // Close it from the actions page, saying what changed.
    b.client.goto(&format!("{}/actions", t.base)).await.unwrap();
    assert!(b.wait_for_text("Roster a night peer vaccinator").await);
    b.assert_accessible("actions").await;
    open_details(&b, "Close").await;
    let outcome = b.client.find(Locator::Css("textarea[id$='-outcome']")).await.unwrap();
    outcome.send_keys("A peer vaccinator now covers every night handover.").await.unwrap();
    b.click("form[action$='/close'] button").await;
    assert!(b.wait_for_text("The action is closed.").await);
    b.client.goto(session_url.as_str()).await.unwrap();
    assert!(b.client.find(Locator::Css("#session-lessons")).await.unwrap().text().await.unwrap().contains("Actioned"));
    b.visit_accessible(&t.base, &format!("{}/print", session_url.path())).await;
    assert!(b.wait_for_text("Take the vaccine to the night shift.").await, "the printable report");

    // The next similar project meets the lesson.
    plan(&b, &t.base, "Winter flu jabs for theatre staff", "Plan flu vaccination for theatre staff, including the night shift.").await;
    let surfaced = b.client.find(Locator::Css("#suggested-lessons")).await.unwrap().text().await.unwrap();
    assert!(surfaced.contains("Take flu vaccine to night shifts"), "the lesson comes back: {surfaced}");
    assert!(surfaced.contains("Flu vaccination clinic for Ward A"), "with the project it came from: {surfaced}");

    // Its before action review: the record is in the first screen, past lessons beside it.
    choose(&b, "technique", "before-action-review").await;
    b.click("form[action='/sessions/new'] button").await;
    assert!(b.wait_for_text("Start a session").await);
    b.click("form[action='/sessions'] button[type=submit]").await;
    assert!(b.wait_for_text("Save the record").await);
    let top = b
        .client
        .execute(
            "return document.querySelector(\"form[action^='/sessions/'][method=post]\").getBoundingClientRect().top + window.scrollY;",
            vec![],
        )
        .await
        .unwrap();
    assert!(top.as_f64().unwrap() < 1000.0, "the record form starts within the first screen, not below the suggestions: {top}");
    assert!(b.client.find(Locator::Css("#learned-elsewhere")).await.is_ok(), "what was learned elsewhere is still there");
    b.assert_accessible("a before action review").await;

    for path in ["/lessons/unlearned", "/techniques/choose?stage=during&purpose=learn_from_experience&people=6&minutes=20&facilitator=no"] {
        b.visit_accessible(&t.base, path).await;
    }
    assert!(b.client.find(Locator::Css("#choices")).await.unwrap().text().await.unwrap().contains("After action review"));
    b.close().await;
}

/// Opens a closed `<details>` by its summary's text, as a person would.
async fn open_details(b: &Browser, summary: &str) {
    let xpath = format!("//summary[contains(., '{summary}')]");
    b.client.find(Locator::XPath(&xpath)).await.unwrap_or_else(|_| panic!("no {summary:?} summary")).click().await.unwrap();
}

async fn plan_learn_from_the_past_run_an_aar_record_a_lesson_close_its_action_and_see_it_return(backend: Backend) {
    journey(&TestApp::spawn(backend).await, true).await;
    journey(&TestApp::spawn(backend).await, false).await;
}
