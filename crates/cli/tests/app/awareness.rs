//! Current awareness: a member saves a search from the search page; knowledge added
//! after it is emailed through a real SMTP server, filtered by what the member may see
//! at the moment of sending (a team-only item added in the same period is left out,
//! and so is one whose audience narrowed after it was written); nothing new, no email;
//! a saved search that can no longer run is reported to its owner, not dropped.
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common;
use common::browser::Browser;
use common::web::{WebUser, assert_redirect};
use common::{Backend, Good, MailSink, TestApp, lesson};

on_both_backends!(
    a_saved_search_emails_what_is_new_that_its_owner_may_see_when_it_is_sent,
    an_interest_profile_sends_its_subjects_and_teams_and_takes_the_librarys_suggestions,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_builds_an_interest_profile_in_the_browser_and_the_library_suggests_a_subject() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let csv = "term,broader,non_preferred,scope_note\nHospital settings,,,\nIntensive care,Hospital settings,ICU,\nFalls,,,\n";
    t.app.import_thesaurus(&common::operator_actor(), csv.as_bytes().to_vec(), 0).await.unwrap();
    for who in ["spec", "bob"] {
        t.app.set_password(None, t.users[who], common::PASSWORD.to_string()).await.unwrap();
    }
    // Alice with JavaScript, Bob without: each builds a profile of their own.
    for (javascript, member) in [(true, "alice"), (false, "bob")] {
        let b = Browser::start(javascript).await;
        b.sign_in_as(&t.base, &format!("{member}@trust.nhs.uk"), common::PASSWORD).await;
        b.visit_accessible(&t.base, "/alerts").await;
        b.click("a[href='/alerts/interests']").await;
        assert!(b.wait_for_text("Intensive care (within Hospital settings)").await);
        b.assert_accessible("the interest profile").await;
        b.click("label[for='terms-1']").await;
        b.click("label[for='teams-1']").await;
        b.click("form[action='/alerts/interests'] button").await;
        assert!(b.wait_for_text("Interest profile saved.").await);
        b.assert_accessible("the saved interest profile").await;
        b.close().await;

        let s = Browser::start(javascript).await;
        s.sign_in_as(&t.base, "spec@trust.nhs.uk", common::PASSWORD).await;
        s.visit_accessible(&t.base, "/alerts/everyone").await;
        let page = s.client.source().await.unwrap();
        let profiles = page.split("Interest profiles").nth(1).unwrap().split("Saved searches").next().unwrap();
        assert!(profiles.contains(&format!(">{member}</a>")) && profiles.contains("Intensive care"), "{profiles}");
        if javascript {
            s.click("form[action='/alerts/interests/suggest'] button").await;
            assert!(s.wait_for_text("Suggestion sent.").await);
            s.assert_accessible("what members follow, after a suggestion").await;
        } else {
            s.screenshot("interest-profiles").await;
        }
        s.close().await;
    }
    let alice = WebUser::sign_in(&t, "alice").await;
    let (_, page) = alice.get("/alerts/interests").await;
    assert!(page.contains("Suggested by the library service") && page.contains("Hospital settings"), "{page}");
}

async fn publish(t: &TestApp, who: &str, title: &str, team: &str, visibility: &str) -> Value {
    let mut body = lesson(title, t.teams[team], visibility, "published");
    body["body"] = json!("Falls after discharge: what helped older people at home.");
    t.post(who, "/api/v1/assets", body).await.good()
}

/// Messages to `to` received after the first `from`.
fn to(sink: &MailSink, who: &str, from: usize) -> Vec<Value> {
    sink.received().into_iter().skip(from).filter(|m| m["to"].as_str().is_some_and(|t| t.contains(who))).collect()
}

async fn a_saved_search_emails_what_is_new_that_its_owner_may_see_when_it_is_sent(backend: Backend) {
    let sink = MailSink::start(false).await;
    let t = TestApp::spawn_with_mail(backend, &sink).await;
    publish(&t, "spec", "Falls audit from last year", "Library", "organisation").await;
    t.settle().await;

    // Alice saves a search from the search page, to hear of new knowledge as it happens.
    let alice = WebUser::sign_in(&t, "alice").await;
    let (_, page) = alice.get("/search?q=falls").await;
    assert!(page.contains("Save this search"), "the search page offers to save it");
    let query = common::web::hidden(&page, "query");
    assert!(query.contains("q=falls"), "{query}");
    let answer = alice.post("/alerts", &[("name", "Falls"), ("query", &query), ("frequency", "as_it_happens")]).await;
    assert_redirect(&answer, "/alerts?done=saved");
    // One that can never run: a team that does not exist.
    let answer = alice.post("/alerts", &[("name", "Old team"), ("query", "q=falls&team=999999"), ("frequency", "as_it_happens")]).await;
    assert_redirect(&answer, "/alerts?done=saved");
    // One that finds nothing new.
    let answer = alice.post("/alerts", &[("name", "Sepsis"), ("query", "q=sepsis"), ("frequency", "as_it_happens")]).await;
    assert_redirect(&answer, "/alerts?done=saved");
    let (status, _, page) = alice.post("/alerts", &[("name", ""), ("query", "kind=memo"), ("frequency", "weekly")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a bad save is refused");
    assert!(page.contains("Give the search a name") && page.contains("&quot;memo&quot; is not a valid value"), "{page}");
    let (_, page) = alice.get("/alerts").await;
    assert!(page.contains("Falls") && page.contains("Sepsis") && page.contains("Old team"));

    // After saving: new knowledge alice may see, Ward B's team-only lesson she may not,
    // and one written for everyone and then narrowed to its team before the email.
    publish(&t, "spec", "Falls after discharge", "Library", "organisation").await;
    publish(&t, "bob", "Falls in the Ward B bay", "Ward B", "team").await;
    let narrowed = publish(&t, "spec", "Falls clinic staffing", "Library", "organisation").await;
    let mut change = narrowed.clone();
    for k in [
        "id",
        "owner_id",
        "version",
        "created_at",
        "updated_at",
        "next_review_at",
        "last_verified_at",
        "body_html",
        "review_state",
        "stale",
        "can_edit",
        "identifier_warnings",
        "status",
    ] {
        change.as_object_mut().unwrap().remove(k);
    }
    change["visibility"] = json!("team");
    change["expected_version"] = narrowed["version"].clone();
    let _: Value = t.put("spec", &format!("/api/v1/assets/{}", narrowed["id"]), change).await.good();
    t.settle().await;

    let before = sink.received().len();
    t.app.remind_now().await.unwrap();
    let mail = to(&sink, "alice@", before);
    assert_eq!(mail.len(), 1, "one digest, for the one search with something new: {mail:?}");
    assert_eq!(mail[0]["subject"], "Signpost: 1 new for \"Falls\"");
    let text = mail[0]["text"].as_str().unwrap();
    assert!(text.contains("Falls after discharge") && text.contains("/alerts/open/"), "{text}");
    assert!(!text.contains("Ward B bay"), "a team-only item alice cannot see is left out");
    assert!(!text.contains("Falls clinic staffing"), "narrowed before sending: left out");
    assert!(!text.contains("Falls audit from last year"), "only what is new since the search was saved");

    // Its link goes through a redirect that counts the open and checks the reader may see it.
    let link = text.split_whitespace().find(|w| w.contains("/alerts/open/")).unwrap();
    let path = link.trim_start_matches(common::PUBLIC_URL);
    let res = alice.client.get(format!("{}{path}", t.base)).header("cookie", &alice.cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/assets/"));
    let sid = path.split('/').nth(3).unwrap();
    let bob = WebUser::sign_in(&t, "bob").await;
    let (status, _) = bob.get(&format!("/alerts/open/{sid}/{}", narrowed["id"])).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a link to what the reader may not see leads nowhere");
    let today = chrono::Utc::now().date_naive();
    let report: Value = t.get("spec", &format!("/api/v1/reports/programme?from={today}&to={today}")).await.good();
    let a = &report["awareness"];
    assert_eq!((a["subscribers"].as_u64(), a["digests"].as_u64(), a["items_delivered"].as_i64()), (Some(1), Some(1), Some(1)), "{a}");
    assert_eq!((a["reached"].as_u64(), a["opens"].as_i64()), (Some(1), Some(1)), "bob's refused link is not an open: {a}");
    assert_eq!(a["members"].as_u64(), Some(5));
    assert_eq!(a["most_followed"][0], json!({"term": "falls", "searches": 2}), "{a}");

    // Sent once: running again sends nothing, as nothing is new.
    let before = sink.received().len();
    t.app.remind_now().await.unwrap();
    assert!(to(&sink, "alice@", before).is_empty());

    // The search that cannot run is reported to alice, on her page and as a notification.
    let (_, page) = alice.get("/alerts").await;
    assert!(page.contains("This search could not be run") && page.contains("Team 999999 no longer exists"), "{page}");
    let (_, notes) = alice.get("/notifications").await;
    assert!(
        notes.contains("Your saved search \"Old team\" could not be run")
            || notes.contains("Your saved search &quot;Old team&quot; could not be run"),
        "{notes}"
    );

    // The library service sees what members follow, is told of changes, and can pause a search.
    let spec = WebUser::sign_in(&t, "spec").await;
    let (_, notes) = spec.get("/notifications").await;
    assert!(notes.contains("alice saved the search &quot;Falls&quot; (as it happens)"), "{notes}");
    let (status, everyone) = spec.get("/alerts/everyone").await;
    assert_eq!(status, StatusCode::OK);
    assert!(everyone.contains("3 saved searches") && everyone.contains("Cannot run: team 999999 no longer exists"), "{everyone}");
    let (status, _) = alice.get("/alerts/everyone").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "members see only their own");
    let sepsis = everyone.split("action=\"/alerts/").nth(3).and_then(|r| r.split('/').next()).unwrap().to_string();
    let answer = spec.post(&format!("/alerts/{sepsis}/pause"), &[]).await;
    assert_redirect(&answer, "/alerts/everyone?done=paused");
    let (_, page) = alice.get("/alerts").await;
    assert!(page.contains("Paused by a knowledge specialist"), "{page}");
    let (_, notes) = alice.get("/notifications").await;
    assert!(notes.contains("A knowledge specialist paused your saved search &quot;Sepsis&quot;"), "{notes}");

    // Paused, a search sends nothing however much is new.
    let (_, page) = alice.get("/alerts").await;
    let id = page.split("id=\"saved-").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_string();
    let answer = alice.post(&format!("/alerts/{id}/frequency"), &[(&format!("frequency-{id}"), "paused")]).await;
    assert_redirect(&answer, "/alerts?done=changed");
    publish(&t, "spec", "Falls prevention leaflet", "Library", "organisation").await;
    t.settle().await;
    let before = sink.received().len();
    t.app.remind_now().await.unwrap();
    assert!(to(&sink, "alice@", before).is_empty(), "paused");
}

async fn an_interest_profile_sends_its_subjects_and_teams_and_takes_the_librarys_suggestions(backend: Backend) {
    let sink = MailSink::start(false).await;
    let t = TestApp::spawn_with_mail(backend, &sink).await;
    let operator = common::operator_actor();
    let csv = "term,broader,non_preferred,scope_note\nHospital settings,,,\nIntensive care,Hospital settings,ICU,\nFalls,,Slips and trips,\nNutrition,,,\n";
    t.app.import_thesaurus(&operator, csv.as_bytes().to_vec(), 0).await.unwrap();
    let alice = WebUser::sign_in(&t, "alice").await;
    let (_, page) = alice.get("/alerts/interests").await;
    assert!(page.contains("Intensive care") && page.contains("Ward B"), "subjects and teams to choose from: {page}");
    let version = common::web::hidden(&page, "version");

    // A subject that is not in the thesaurus is refused, and nothing is saved.
    let ward_b = t.teams["Ward B"].to_string();
    let (status, _, page) =
        alice.post("/alerts/interests", &[("version", &version), ("terms", "Gardening"), ("frequency", "as_it_happens")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("“Gardening” is not a subject in the thesaurus"), "{page}");
    let answer = alice
        .post(
            "/alerts/interests",
            &[("version", &version), ("terms", "Hospital settings"), ("teams", &ward_b), ("frequency", "as_it_happens")],
        )
        .await;
    assert_redirect(&answer, "/alerts/interests?done=saved");
    let (_, saved) = alice.get("/alerts").await;
    assert!(saved.contains("My subjects (interest profile)") && saved.contains("My teams (interest profile)"), "{saved}");
    // The same form again is refused: the profile moved on.
    let (status, _, _) = alice.post("/alerts/interests", &[("version", &version), ("frequency", "weekly")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The library is told and sees the profile.
    let spec = WebUser::sign_in(&t, "spec").await;
    assert!(spec.get("/notifications").await.1.contains("alice changed their interest profile"));
    let (_, everyone) = spec.get("/alerts/everyone").await;
    let profiles = everyone.split("Interest profiles").nth(1).unwrap();
    assert!(profiles.contains("Hospital settings") && profiles.contains("Ward B"), "{profiles}");

    // New knowledge under a narrower subject, from a followed team, and from neither.
    let mut icu = common::lesson("Proning rota on the unit", t.teams["Library"], "organisation", "published");
    icu["topics"] = json!(["ICU"]);
    let _: Value = t.post("spec", "/api/v1/assets", icu).await.good();
    let _: Value = t
        .post("bob", "/api/v1/assets", common::lesson("Ward B handover huddle", t.teams["Ward B"], "organisation", "published"))
        .await
        .good();
    let mut other = common::lesson("Menu choices for patients", t.teams["Library"], "organisation", "published");
    other["topics"] = json!(["Nutrition"]);
    let _: Value = t.post("spec", "/api/v1/assets", other).await.good();
    t.settle().await;
    let before = sink.received().len();
    t.app.remind_now().await.unwrap();
    let text: String = to(&sink, "alice@", before).iter().map(|m| m["text"].as_str().unwrap().to_string()).collect();
    assert!(text.contains("Proning rota on the unit"), "a narrower subject's knowledge (filed under a synonym) arrives: {text}");
    assert!(text.contains("Ward B handover huddle"), "a followed team's knowledge arrives: {text}");
    assert!(!text.contains("Menu choices"), "nothing outside the profile: {text}");

    // The library suggests a subject; alice is told, follows it, and it joins her profile.
    let alice_id = t.users["alice"].to_string();
    let answer = spec.post("/alerts/interests/suggest", &[("user_id", &alice_id), ("term", "Slips and trips")]).await;
    assert_redirect(&answer, "/alerts/everyone?done=suggested");
    let (status, _, _) = spec.post("/alerts/interests/suggest", &[("user_id", &alice_id), ("term", "Falls")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "offered already");
    assert!(alice.get("/notifications").await.1.contains("spec suggests you follow “Falls”"));
    let (_, page) = alice.get("/alerts/interests").await;
    assert!(page.contains("Suggested by the library service"), "{page}");
    assert_redirect(
        &alice.post("/alerts/interests/suggestion", &[("term", "Falls"), ("take", "yes")]).await,
        "/alerts/interests?done=saved",
    );
    let (_, page) = alice.get("/alerts/interests").await;
    assert!(!page.contains("Suggested by the library service"));
    assert!(page.contains("value=\"Falls\" checked"), "{page}");
    // Members cannot suggest.
    let (status, _, _) = alice.post("/alerts/interests/suggest", &[("user_id", &alice_id), ("term", "Nutrition")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
