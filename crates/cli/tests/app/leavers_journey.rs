//! A leaver's plan in a real browser, with JavaScript on and off and axe-core on
//! every page: the leaver starts it and lists what they know; the ward manager accepts, adds
//! the team's question, merges a duplicate area and rewords it, agrees priorities, chooses actions, stores the handover note,
//! passes on everything the leaver holds and closes the plan.
use crate::common;

use chrono::{Duration, Utc};
use common::browser::Browser;
use common::{Backend, PASSWORD, TestApp};
use fantoccini::Locator;
use serde_json::json;
use signpost_domain::awareness::AlertFrequency;
use signpost_domain::people::{NewUser, Role};

on_both_backends!(a_leavers_plan_runs_from_start_to_stored_handover_notes_with_everything_passed_on);

async fn signed_in(t: &TestApp, email: &str, javascript: bool) -> Browser {
    let b = Browser::start(javascript).await;
    b.client.goto(&format!("{}/sign-in", t.base)).await.unwrap();
    b.fill("email", email).await;
    b.fill("password", PASSWORD).await;
    b.click("form[action='/sign-in'] button[type=submit]").await;
    assert!(b.wait_for_text("Sign out").await, "{email} signs in");
    b
}

async fn choose(b: &Browser, id: &str, value: &str) {
    let select = b.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("no select #{id}"));
    select.select_by_value(value).await.unwrap_or_else(|_| panic!("#{id} has no option {value}"));
}

/// The text of the first element matching `css`, once the page has it: a click that
/// navigates returns before the new page arrives, and an element found on the old page
/// goes stale.
async fn text_of(b: &Browser, css: &str) -> String {
    let mut text = None;
    let found = common::eventually(std::time::Duration::from_secs(20), async || {
        let element = b.client.find(Locator::Css(css)).await;
        text = match element {
            Ok(e) => e.text().await.ok(),
            Err(_) => None,
        };
        text.is_some()
    })
    .await;
    assert!(found.is_some(), "nothing matches {css}");
    text.unwrap_or_default()
}

/// Adds someone to Ward A, with a password and an API token.
async fn on_ward_a(t: &mut TestApp, name: &'static str, job_title: &str) -> i64 {
    let user = NewUser {
        job_title: job_title.into(),
        team_id: Some(t.teams["Ward A"]),
        ..NewUser::new(format!("{name}@trust.nhs.uk"), name, Role::Member)
    };
    let user = t.app.create_user(None, user, Some(PASSWORD.to_string())).await.unwrap();
    let actor = t.app.actor(user.id).await.unwrap();
    t.tokens.insert(name, t.app.create_token(&actor, "tests").await.unwrap().secret);
    user.id.0
}

async fn journey(mut t: TestApp, javascript: bool) {
    let alice = t.users["alice"];
    // bob, on another ward, is kept out: the plan and its notes are Ward A's.
    let lena = on_ward_a(&mut t, "lena", "Ward Manager").await;
    let dana = on_ward_a(&mut t, "dana", "Staff Nurse").await;
    let t = &t;
    // Her account records lena, the ward manager, as her line manager.
    let (status, body) = t.put("admin", &format!("/api/v1/users/{alice}"), json!({ "line_manager_id": lena })).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    let (_, lesson) =
        t.post("alice", "/api/v1/assets", common::lesson("Night handover lesson", t.teams["Ward A"], "organisation", "published")).await;
    // She follows a search, which should stop once she has gone.
    let as_alice = t.app.actor(alice).await.unwrap();
    t.app.save_search(&as_alice, "Night shifts", "q=night", AlertFrequency::Weekly).await.unwrap();

    // The leaver starts the plan and lists what she knows.
    let b = signed_in(t, "alice@trust.nhs.uk", javascript).await;
    b.visit_accessible(&t.base, "/leavers").await;
    b.click("form[action='/leavers'] button").await;
    assert!(b.wait_for_text("There is a problem").await, "an empty form is refused");
    b.assert_accessible("start a plan with errors").await;
    choose(&b, "leaver_id", &alice.to_string()).await;
    b.fill_date("leaving_on", &(Utc::now() + Duration::days(25)).date_naive().to_string()).await;
    b.fill("role", "Ward A sister").await;
    choose(&b, "successor_id", &dana.to_string()).await;
    choose(&b, "key_colleague_id", &t.users["spec"].to_string()).await;
    b.click("form[action='/leavers'] button").await;
    assert!(b.wait_for_text("Plan started.").await);
    b.assert_accessible("a new plan").await;
    let plan_url = b.client.current_url().await.unwrap();
    let id: i64 = plan_url.path().rsplit('/').next().unwrap().parse().unwrap();
    b.click(&format!("form[action='/leavers/{id}/areas'] button")).await;
    assert!(b.wait_for_text("There is a problem").await);
    b.assert_accessible("an area with errors").await;
    b.fill("area_title", "Rostering the night shift").await;
    b.fill("area_who_needs", "Whoever writes the rota").await;
    b.click(&format!("form[action='/leavers/{id}/areas'] button")).await;
    assert!(b.wait_for_text("Knowledge area added.").await);
    assert!(text_of(&b, "#steps").await.contains("Done"), "step 1 is done");
    b.close().await;

    // The line manager adds the team's question, agrees priorities and chooses actions.
    assert_eq!(t.get("bob", &format!("/api/v1/leaver-plans/{id}")).await.0, reqwest::StatusCode::NOT_FOUND);
    let b = signed_in(t, "lena@trust.nhs.uk", javascript).await;
    b.visit_accessible(&t.base, &format!("/leavers/{id}")).await;
    assert!(text_of(&b, "#accept-manager").await.contains("named as alice's line manager"), "she is asked first");
    b.click(&format!("form[action='/leavers/{id}/accept'] button")).await;
    assert!(b.wait_for_text("You are the plan's line manager").await);
    b.assert_accessible("the line manager has accepted").await;
    b.fill("area_title", "Who to call in estates").await;
    b.click(&format!("form[action='/leavers/{id}/areas'] button")).await;
    assert!(b.wait_for_text("Knowledge area added.").await);
    // She raises the same area again in other words, then merges the two and rewords the result.
    b.fill("area_title", "Estates out of hours").await;
    b.fill("area_detail", "The site manager holds the estates on-call list.").await;
    b.click(&format!("form[action='/leavers/{id}/areas'] button")).await;
    assert!(b.wait_for_text("Estates out of hours").await);
    let (_, view) = t.get("lena", &format!("/api/v1/leaver-plans/{id}")).await;
    let areas: Vec<i64> = view["plan"]["areas"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(areas.len(), 3);
    b.client
        .find(Locator::Css(&format!("#area-{} a[href='/leavers/{id}/areas/{}']", areas[1], areas[1])))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(b.wait_for_text("Merge another area into this one").await);
    b.assert_accessible("a knowledge area's page").await;
    choose(&b, "from", &areas[2].to_string()).await;
    b.click(&format!("form[action='/leavers/{id}/areas/{}/merge'] button", areas[1])).await;
    assert!(b.wait_for_text("The areas are merged into one.").await);
    let merged = text_of(&b, &format!("#area-{}", areas[1])).await;
    assert!(merged.contains("The site manager holds the estates on-call list."), "{merged}");
    assert!(b.client.find(Locator::Id(&format!("area-{}", areas[2]))).await.is_err(), "the duplicate is gone");
    b.client.goto(&format!("{}/leavers/{id}/areas/{}", t.base, areas[1])).await.unwrap();
    b.fill("area_title", "").await;
    b.click(&format!("form[action='/leavers/{id}/areas/{}'] button", areas[1])).await;
    assert!(b.wait_for_text("There is a problem").await, "an area needs a title");
    b.assert_accessible("a knowledge area with errors").await;
    b.fill("area_title", "Who to call in estates, day and night").await;
    b.click(&format!("form[action='/leavers/{id}/areas/{}'] button", areas[1])).await;
    assert!(b.wait_for_text("Knowledge area changed.").await);
    let areas = &areas[..2];

    // Scoring is one click per part.
    b.click(&format!("label[for='importance-{}-3']", areas[0])).await;
    b.click("#scores button[value='yes']").await;
    assert!(b.wait_for_text("There is a problem").await, "every part of every area needs a score");
    b.assert_accessible("scores with errors").await;
    for (area, scores) in areas.iter().zip([["3", "3", "2"], ["2", "1", "1"]]) {
        for (part, value) in ["importance", "availability", "frequency"].iter().zip(scores) {
            b.click(&format!("label[for='{part}-{area}-{value}']")).await;
        }
    }
    b.click("#scores button[value='yes']").await;
    assert!(b.wait_for_text("Priorities agreed.").await);
    assert!(text_of(&b, &format!("#area-{}", areas[0])).await.contains("priority score 8 out of 9"));
    b.assert_accessible("priorities agreed").await;
    choose(&b, &format!("tool-{}", areas[0]), "knowledge_exchange").await;
    b.click(&format!("form[action='/leavers/{id}/areas/{}/actions'] button", areas[0])).await;
    assert!(b.wait_for_text("Action added.").await);
    choose(&b, &format!("tool-{}", areas[1]), "key_contacts").await;
    b.click(&format!("form[action='/leavers/{id}/areas/{}/actions'] button", areas[1])).await;
    // The page already says "Action added." from the first action: wait for the second.
    let second_added =
        async || b.wait_for_text("Action added.").await && text_of(&b, &format!("#area-{}", areas[1])).await.contains("Not done");
    assert!(common::eventually(std::time::Duration::from_secs(20), second_added).await.is_some());
    let (_, view) = t.get("lena", &format!("/api/v1/leaver-plans/{id}")).await;
    let exchange = view["plan"]["areas"][0]["actions"][0]["id"].as_i64().unwrap();
    let contacts = view["plan"]["areas"][1]["actions"][0]["id"].as_i64().unwrap();
    b.fill(&format!("we_want_to_know-{exchange}"), "Who covers nights at short notice?").await;
    b.fill(&format!("you_need_to_know-{exchange}"), "The rota closes on the 20th").await;
    b.click(&format!("form[action='/leavers/{id}/actions/{exchange}/lists'] button")).await;
    assert!(b.wait_for_text("Lists saved.").await);
    b.assert_accessible("a knowledge exchange's lists").await;

    // The handover notes: the exchange's starts from both lists.
    b.client.goto(&format!("{}/leavers/{id}/actions/{exchange}/note", t.base)).await.unwrap();
    assert!(b.wait_for_text("Handover note: Rostering the night shift").await);
    let outline = b.client.find(Locator::Id("body")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert!(outline.contains("### Who covers nights at short notice?") && outline.contains("### The rota closes on the 20th"), "{outline}");
    b.assert_accessible("a handover note form").await;
    b.fill("body", "## Who covers nights at short notice?\nThe bank office first, then the site manager.").await;
    b.click(&format!("form[action='/leavers/{id}/actions/{exchange}/note'] button")).await;
    assert!(b.wait_for_text("Handover note stored for the team.").await);
    b.client.goto(&format!("{}/leavers/{id}/actions/{contacts}/note", t.base)).await.unwrap();
    b.fill("title", "").await;
    b.click(&format!("form[action='/leavers/{id}/actions/{contacts}/note'] button")).await;
    assert!(b.wait_for_text("There is a problem").await, "a note needs a title");
    b.assert_accessible("a handover note with errors").await;
    b.fill("title", "Estates contacts").await;
    b.fill("body", "Call the estates helpdesk first; out of hours, the site manager.").await;
    b.fill("key_contacts", "Pat Jones, Estates helpdesk, ext 4410\nSite manager on call, bleep 2222").await;
    b.click(&format!("form[action='/leavers/{id}/actions/{contacts}/note'] button")).await;
    assert!(b.wait_for_text("Handover note stored for the team.").await);
    assert!(text_of(&b, "#outputs").await.contains("Estates contacts"));

    // Everything alice holds passes to her successor, then the plan closes.
    assert!(text_of(&b, "#outstanding").await.contains("still with the leaver"), "the lesson is still hers");
    assert!(text_of(&b, "#holdings").await.contains("Night handover lesson"));
    b.click(&format!("form[action='/leavers/{id}/handover'] button")).await;
    assert!(b.wait_for_text("Passed on.").await);
    assert!(text_of(&b, "#handed").await.contains("Night handover lesson to dana"));
    b.assert_accessible("everything passed on").await;
    b.click(&format!("form[action='/leavers/{id}/complete'] button")).await;
    assert!(b.wait_for_text("Plan closed.").await);
    b.assert_accessible("a closed plan").await;
    b.close().await;

    let (_, lesson) = t.get("lena", &format!("/api/v1/assets/{}", lesson["id"])).await;
    assert_eq!(lesson["owner_id"], dana);
    let saved = t.app.saved_searches(&as_alice).await.unwrap();
    assert_eq!(saved[0].frequency, AlertFrequency::Paused, "a leaver's saved searches pause as her plan closes");
    assert!(saved[0].paused_because.as_deref().is_some_and(|why| why.contains("you are leaving")));
    let (_, view) = t.get("lena", &format!("/api/v1/leaver-plans/{id}")).await;
    assert!(view["plan"]["completed_at"].is_string(), "{view}");
    let notes: Vec<i64> = view["outputs"].as_array().unwrap().iter().map(|o| o["asset_id"].as_i64().unwrap()).collect();
    assert_eq!(notes.len(), 2);
    for note in notes {
        let (_, asset) = t.get("alice", &format!("/api/v1/assets/{note}")).await;
        assert_eq!((asset["kind"].as_str(), asset["owner_id"].as_i64()), (Some("handover_note"), Some(dana)), "{asset}");
    }
    let (_, contacts) = t.get("alice", &format!("/api/v1/assets/{}", view["outputs"][1]["asset_id"])).await;
    assert_eq!(
        contacts["fields"]["key_contacts"],
        json!([
            { "name": "Pat Jones", "role": "Estates helpdesk", "contact": "ext 4410" },
            { "name": "Site manager on call", "role": "", "contact": "bleep 2222" }
        ])
    );
}

async fn a_leavers_plan_runs_from_start_to_stored_handover_notes_with_everything_passed_on(backend: Backend) {
    journey(TestApp::spawn(backend).await, true).await;
    journey(TestApp::spawn(backend).await, false).await;
}
