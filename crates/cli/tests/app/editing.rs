//! Creating and editing knowledge in the browser's forms: errors next to the field
//! they concern, the NHS-number guard's message next to the offending text,
//! previews, and nothing saved until everything is right.
use crate::common;

use common::web::WebUser;
use common::{Backend, TestApp, lesson};
use reqwest::StatusCode;

on_both_backends!(
    a_new_asset_is_checked_previewed_and_saved_from_the_form,
    the_nhs_number_guard_speaks_next_to_the_text_and_nothing_is_published,
    editing_is_limited_to_those_who_may_and_catches_concurrent_changes,
);

async fn asset_count(t: &TestApp) -> i64 {
    t.get("admin", "/api/v1/assets?limit=1").await.1["total"].as_i64().unwrap()
}

/// The error message shown for one field, if any.
fn field_error(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}-error\""))?;
    let message = &html[start..].split_once("Error: </span>")?.1;
    Some(message.split("</span>").next()?.to_string())
}

async fn a_new_asset_is_checked_previewed_and_saved_from_the_form(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let alice = WebUser::sign_in(&t, "alice").await;

    let (status, html) = alice.get("/assets/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("What kind of knowledge are you sharing?") && html.contains("Evidence summary"));
    let (status, html) = alice.get("/assets/new?kind=memo").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown kind is refused");
    assert!(html.contains("Choose the kind of knowledge"));
    let (status, html) = alice.get("/assets/new?kind=evidence_summary").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Date searched") && html.contains("Sources") && html.contains("Appraisal"), "the kind's own fields");

    let before = asset_count(&t).await;
    let team = t.teams["Ward A"].to_string();
    let mut fields = vec![
        ("kind", "evidence_summary"),
        ("title", ""),
        ("summary", "Does early mobilisation shorten stays?"),
        ("body", "## Findings\n\nShorter stays in **two** trials."),
        ("f-question", "Does early mobilisation after hip fracture shorten length of stay?"),
        ("f-date_searched", "31/02/2026"),
        ("f-sources", "Smith 2024 | 10.1136/bmj.n71\nJones 2023 | not-an-identifier"),
        ("f-appraisal", "Two small randomised trials."),
        ("tags", "falls, orthopaedics"),
        ("team_id", &team),
        ("visibility", "organisation"),
        ("review_interval_days", "a year"),
        ("action", "publish"),
    ];
    let (status, _, html) = alice.post("/assets/new", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("There is a problem"), "error summary");
    assert!(field_error(&html, "title").is_some(), "the missing title is flagged on the title: {html}");
    assert!(field_error(&html, "f-date_searched").is_some_and(|e| e.contains("2026-03-31")), "the date's error says the format");
    assert!(field_error(&html, "review_interval_days").is_some_and(|e| e.contains("number of days")));
    assert!(html.contains("Jones 2023 | not-an-identifier"), "what was typed is kept");
    assert_eq!(asset_count(&t).await, before, "nothing saved");

    fields[1] = ("title", "Early mobilisation after hip fracture");
    fields[5] = ("f-date_searched", "2026-03-31");
    fields[6] = ("f-sources", "Smith 2024 | 10.1136/bmj.n71\nJones 2023 | 38012345");
    fields[11] = ("review_interval_days", "180");
    fields[12] = ("action", "preview");
    let (status, _, html) = alice.post("/assets/new", &fields).await;
    assert_eq!(status, StatusCode::OK, "a preview is not an error");
    assert!(html.contains("<h2>Findings</h2>") && html.contains("<strong>two</strong>"), "the preview renders the Markdown");
    assert!(html.contains("No probable NHS numbers found"));
    assert_eq!(asset_count(&t).await, before, "previewing saves nothing");

    fields[12] = ("action", "publish");
    let (status, location, _) = alice.post("/assets/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert!(location.ends_with("?done=published"), "{location}");
    let (_, html) = alice.get(&location).await;
    assert!(html.contains("You published this knowledge"));
    assert!(
        html.contains(r#"Smith 2024. <a href="https://doi.org/10.1136/bmj.n71">DOI: 10.1136/bmj.n71</a>"#)
            && html.contains(r#"Jones 2023. <a href="https://pubmed.ncbi.nlm.nih.gov/38012345/">PMID: 38012345</a>"#),
        "sources became links to their DOI and PMID"
    );
    let id = location.trim_start_matches("/assets/").split('?').next().unwrap().to_string();
    let (_, api) = t.get("alice", &format!("/api/v1/assets/{id}")).await;
    assert_eq!(api["review_interval_days"], 180);
    assert_eq!(api["tags"], serde_json::json!(["falls", "orthopaedics"]));

    // The edit form is filled with what is stored, and saving it unchanged keeps it so.
    let (status, html) = alice.get(&format!("/assets/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Smith 2024 | 10.1136/bmj.n71\nJones 2023 | 38012345"));
    for (part, value) in [("day", "31"), ("month", "3"), ("year", "2026")] {
        let box_ = format!("name=\"f-date_searched-{part}\" type=\"text\" inputmode=\"numeric\" value=\"{value}\"");
        assert!(html.contains(&box_), "the date searched is in its day, month and year boxes: {box_}");
    }
    assert!(html.contains("Save and publish changes"), "a published asset is saved as published");
}

async fn the_nhs_number_guard_speaks_next_to_the_text_and_nothing_is_published(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, created) = t.post("alice", "/api/v1/assets", lesson("Discharge letters", t.teams["Ward A"], "organisation", "draft")).await;
    let id = created["id"].as_i64().unwrap();
    let alice = WebUser::sign_in(&t, "alice").await;
    let (_, form) = alice.get(&format!("/assets/{id}/edit")).await;
    let version = common::web::hidden(&form, "expected_version");
    let team = t.teams["Ward A"].to_string();
    let body = "Letters went out late.\nThe patient, NHS number 943 476 5919, was readmitted.";
    let mut fields = vec![
        ("title", "Discharge letters"),
        ("body", body),
        ("f-context", "Ward A discharges"),
        ("f-what_happened", "Letters were late"),
        ("f-recommendation", "Send letters the same day"),
        ("team_id", &team),
        ("visibility", "organisation"),
        ("review_interval_days", "365"),
        ("expected_version", &version),
        ("action", "publish"),
    ];
    let (status, _, html) = alice.post(&format!("/assets/{id}/edit"), &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = field_error(&html, "body").expect("the guard's message is on the body");
    assert!(error.contains("Line 2") && error.contains("looks like an NHS number"), "{error}");
    assert!(!error.contains("943 476 5919") && !html.contains("ready to publish"), "the number is masked in the message");
    assert!(!html.contains("Reason to publish despite"), "a member is not offered the override");
    let (_, api) = t.get("alice", &format!("/api/v1/assets/{id}")).await;
    assert_eq!(api["status"], "draft", "nothing was published");
    assert_eq!(api["version"].as_i64().unwrap().to_string(), version, "nothing was saved");

    // A knowledge specialist is offered the override; the reason goes on record.
    let spec = WebUser::sign_in(&t, "spec").await;
    let (status, _, html) = spec.post(&format!("/assets/{id}/edit"), &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Reason to publish despite the NHS-number check"));

    fields[1] = ("body", "Letters went out late.\nThe patient was readmitted.");
    let (status, location, _) = alice.post(&format!("/assets/{id}/edit"), &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "fixed, it publishes");
    assert_eq!(location.unwrap(), format!("/assets/{id}?done=published"));
    let (_, api) = t.get("alice", &format!("/api/v1/assets/{id}")).await;
    assert_eq!(api["status"], "published");
}

async fn editing_is_limited_to_those_who_may_and_catches_concurrent_changes(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, bobs) = t.post("bob", "/api/v1/assets", lesson("Ward B rota", t.teams["Ward B"], "team", "published")).await;
    let (_, open) = t.post("bob", "/api/v1/assets", lesson("Ward B open lesson", t.teams["Ward B"], "organisation", "published")).await;
    let (_, mine) = t.post("alice", "/api/v1/assets", lesson("Ward A handover", t.teams["Ward A"], "organisation", "published")).await;
    let alice = WebUser::sign_in(&t, "alice").await;
    assert_eq!(alice.get(&format!("/assets/{}/edit", bobs["id"])).await.0, StatusCode::NOT_FOUND, "unseen: not found");
    let (status, html) = alice.get(&format!("/assets/{}/edit", open["id"])).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "seen but not hers to change");
    assert!(html.contains("You do not have permission"));
    let (_, page) = alice.get(&format!("/assets/{}", open["id"])).await;
    assert!(!page.contains("Edit this knowledge"), "no edit button where editing is refused");
    let (status, _, _) = alice.post(&format!("/assets/{}/edit", open["id"]), &[("title", "Taken over"), ("action", "preview")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not even a preview of a change she may not make");

    let guest = WebUser::sign_in(&t, "guest").await;
    assert_eq!(guest.get("/assets/new").await.0, StatusCode::FORBIDDEN, "guests are read-only");

    let id = mine["id"].as_i64().unwrap();
    let (_, form) = alice.get(&format!("/assets/{id}/edit")).await;
    let version = common::web::hidden(&form, "expected_version");
    let team = t.teams["Ward A"].to_string();
    let fields = [
        ("title", "Ward A handover, revised"),
        ("f-context", "c"),
        ("f-what_happened", "w"),
        ("f-recommendation", "r"),
        ("team_id", team.as_str()),
        ("visibility", "organisation"),
        ("expected_version", version.as_str()),
        ("action", "save"),
    ];
    // Someone else saves first.
    let mut other = lesson("Ward A handover (changed meanwhile)", t.teams["Ward A"], "organisation", "published");
    other["expected_version"] = serde_json::json!(version.parse::<i64>().unwrap());
    assert_eq!(t.put("alice", &format!("/api/v1/assets/{id}"), other).await.0, StatusCode::OK);
    let (status, _, html) = alice.post(&format!("/assets/{id}/edit"), &fields).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Someone else changed this since you opened it"), "{html}");
    assert!(html.contains("Ward A handover, revised"), "the edit is kept on the page to copy");

    let (status, _, _) = alice.post_with_csrf(&format!("/assets/{id}/edit"), "forged", &fields).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a form without the session's CSRF token is refused");
}
