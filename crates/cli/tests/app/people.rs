//! Connecting people through the API: profiles and their audiences, the expertise
//! finder's evidence within what the searcher may see, communities with questions and
//! answers, advocates and coverage, mentoring matches, and coffee programmes (rounds,
//! the audit re-run, feedback, the report, and introductions by email with an .ics).
use crate::common;

use std::path::Path;
use std::sync::Arc;

use common::{Backend, MailSink, SinkTls, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use signpost_domain::ids::ProgrammeId;
use signpost_domain::people::{NewUser, Role};
use signpost_mail::{Relay, RelayOptions, SmtpMailer};

on_both_backends!(
    profiles_show_details_only_to_their_audience_and_opted_out_people_are_never_suggested,
    the_expertise_finder_explains_results_only_with_evidence_the_searcher_may_see,
    a_question_is_routed_to_experts_answered_voted_on_and_accepted,
    advocates_cover_teams_and_join_the_advocates_community,
    mentoring_requests_find_offers_with_reasons_and_matches_are_agreed,
    coffee_rounds_pair_without_repeats_reproduce_from_their_seed_and_feed_the_report,
);

fn fields(err: &Value) -> Vec<String> {
    err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

fn profile(skills: &[&str], audience: &str, suggest_me: bool) -> Value {
    json!({ "band": "Band 7", "skills": skills, "interests": ["quality improvement"], "mentoring": true, "audience": audience, "suggest_me": suggest_me })
}

fn expert_names(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|e| e["user"]["name"].as_str().unwrap().to_string()).collect()
}

async fn profiles_show_details_only_to_their_audience_and_opted_out_people_are_never_suggested(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (status, err) = t
        .put("alice", "/api/v1/profile", json!({ "band": "Band 99", "skills": ["x".repeat(61)], "audience": "staff", "suggest_me": true }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(fields(&err), ["band", "skills[0]"]);
    assert_eq!(t.put("alice", "/api/v1/profile", profile(&["Sepsis Screening"], "team", true)).await.0, StatusCode::OK);
    assert_eq!(t.put("guest", "/api/v1/profile", profile(&["x"], "team", true)).await.0, StatusCode::FORBIDDEN);

    let alice = t.users["alice"];
    let (_, seen_by_bob) = t.get("bob", &format!("/api/v1/people/{alice}/profile")).await;
    assert!(seen_by_bob["profile"].is_null(), "bob is not in alice's team: {seen_by_bob}");
    assert_eq!(seen_by_bob["user"]["name"], "alice", "the account itself stays visible");
    let (_, seen_by_admin) = t.get("admin", &format!("/api/v1/people/{alice}/profile")).await;
    assert_eq!(seen_by_admin["profile"]["skills"], json!(["sepsis screening"]), "skills are tidied");
    assert_eq!(t.get("guest", &format!("/api/v1/people/{alice}/profile")).await.0, StatusCode::FORBIDDEN);

    // Bob cannot see alice's skills, so they cannot put her in his results either.
    let (_, found) = t.get("bob", "/api/v1/experts?q=sepsis%20screening").await;
    assert!(!expert_names(&found).contains(&"alice".to_string()), "{found}");
    t.put("alice", "/api/v1/profile", profile(&["sepsis screening"], "staff", true)).await;
    let (_, found) = t.get("bob", "/api/v1/experts?q=sepsis%20screening").await;
    assert_eq!(expert_names(&found), ["alice"], "{found}");
    assert_eq!(found[0]["explanation"], "lists \u{201c}sepsis screening\u{201d} as a skill");

    t.put("alice", "/api/v1/profile", profile(&["sepsis screening"], "staff", false)).await;
    let (_, found) = t.get("bob", "/api/v1/experts?q=sepsis%20screening").await;
    assert!(expert_names(&found).is_empty(), "alice opted out of being suggested: {found}");
    let (status, err) = t.get("bob", "/api/v1/experts?q=").await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["q".to_string()]));
}

async fn the_expertise_finder_explains_results_only_with_evidence_the_searcher_may_see(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    // Alice writes a lesson only her team may read; bob writes one for everyone.
    let ward_a = t.teams["Ward A"];
    let ward_b = t.teams["Ward B"];
    let mut hidden = common::lesson("Sepsis screening on night shifts", ward_a, "team", "published");
    hidden["summary"] = json!("Screen for sepsis at every handover on nights.");
    assert_eq!(t.post("alice", "/api/v1/assets", hidden).await.0, StatusCode::CREATED);
    let open = common::lesson("Sepsis screening tool in the emergency department", ward_b, "organisation", "published");
    let (status, created) = t.post("bob", "/api/v1/assets", open).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    t.settle().await;

    let (_, for_alice) = t.get("alice", "/api/v1/experts?q=sepsis%20screening").await;
    assert!(
        expert_names(&for_alice).contains(&"alice".to_string()) && expert_names(&for_alice).contains(&"bob".to_string()),
        "{for_alice}"
    );
    let alice_entry = for_alice.as_array().unwrap().iter().find(|e| e["user"]["name"] == "alice").unwrap();
    assert_eq!(alice_entry["explanation"], "wrote 1 lesson", "{alice_entry}");

    let (_, for_guest_team_outsider) = t.get("bob", "/api/v1/experts?q=sepsis%20screening").await;
    assert_eq!(expert_names(&for_guest_team_outsider), ["bob"], "alice's only evidence is hidden from bob: {for_guest_team_outsider}");

    // A specialist verifies bob's lesson: the verification is evidence too.
    let id = created["id"].as_i64().unwrap();
    let (status, body) = t.post("spec", &format!("/api/v1/assets/{id}/verify"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t.settle().await;
    let (_, found) = t.get("alice", "/api/v1/experts?q=sepsis%20screening").await;
    let spec = found.as_array().unwrap().iter().find(|e| e["user"]["name"] == "spec").expect("the verifier is listed");
    assert_eq!(spec["explanation"], "verified 1 asset");
}

async fn a_question_is_routed_to_experts_answered_voted_on_and_accepted(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    t.put("admin", "/api/v1/profile", profile(&["sepsis screening"], "staff", true)).await;
    let (status, err) = t.post("alice", "/api/v1/communities", json!({ "name": " ", "tags": ["x".repeat(81)] })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["name".to_string(), "tags[0]".to_string()]));
    let (status, c) = t
        .post(
            "alice",
            "/api/v1/communities",
            json!({ "name": "Deteriorating patients", "description": "Sepsis and NEWS2", "tags": ["sepsis"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    let (status, err) = t.post("bob", "/api/v1/communities", json!({ "name": "Deteriorating patients" })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["name".to_string()]), "names are unique");
    assert_eq!(t.get("guest", &format!("/api/v1/communities/{id}")).await.0, StatusCode::FORBIDDEN);

    let question =
        json!({ "title": "How often should we repeat sepsis screening?", "body": "After a negative screen", "tags": ["sepsis"] });
    let (status, err) = t.post("bob", &format!("/api/v1/communities/{id}/questions"), question.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "join first: {err}");
    assert_eq!(t.post("bob", &format!("/api/v1/communities/{id}/members"), json!({})).await.0, StatusCode::OK);
    let (status, q) = t.post("bob", &format!("/api/v1/communities/{id}/questions"), question).await;
    assert_eq!(status, StatusCode::CREATED, "{q}");
    let qid = q["id"].as_i64().unwrap();
    assert_eq!(q["routed_to"], json!([t.users["admin"]]), "sent to the person who lists the skill");

    let (_, admin_news) = t.get("admin", "/api/v1/notifications").await;
    assert!(admin_news[0]["text"].as_str().unwrap().starts_with("You may know the answer"), "{admin_news}");
    assert_eq!(admin_news[0]["link"], format!("/questions/{qid}"));
    let (_, alice_news) = t.get("alice", "/api/v1/notifications").await;
    assert!(
        alice_news[0]["text"].as_str().unwrap().starts_with("New question in Deteriorating patients"),
        "members are told: {alice_news}"
    );

    let (status, err) = t.post("admin", &format!("/api/v1/questions/{qid}/answers"), json!({ "body": "  " })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["body".to_string()]));
    let (_, first) = t.post("admin", &format!("/api/v1/questions/{qid}/answers"), json!({ "body": "Whenever NEWS2 rises by 2." })).await;
    let (_, second) = t.post("alice", &format!("/api/v1/questions/{qid}/answers"), json!({ "body": "At every handover." })).await;
    let (first, second) = (first["id"].as_i64().unwrap(), second["id"].as_i64().unwrap());
    assert_eq!(
        t.put("admin", &format!("/api/v1/questions/{qid}/answers/{first}/vote"), json!({ "value": 1 })).await.0,
        StatusCode::FORBIDDEN,
        "not on one's own answer"
    );
    assert_eq!(
        t.put("spec", &format!("/api/v1/questions/{qid}/answers/{second}/vote"), json!({ "value": 1 })).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.put("spec", &format!("/api/v1/questions/{qid}/answers/{second}/vote"), json!({ "value": 5 })).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        t.post("spec", &format!("/api/v1/questions/{qid}/comments"), json!({ "body": "Which tool?", "answer_id": first })).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        t.post("alice", &format!("/api/v1/questions/{qid}/accept"), json!({ "answer_id": first })).await.0,
        StatusCode::OK,
        "alice coordinates the community"
    );
    assert_eq!(
        t.post("bob", &format!("/api/v1/questions/{qid}/accept"), json!({ "answer_id": 999_999 })).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let (_, view) = t.get("bob", &format!("/api/v1/questions/{qid}")).await;
    let answers = view["answers"].as_array().unwrap();
    assert_eq!(answers[0]["answer"]["id"], first, "the accepted answer comes first: {view}");
    assert_eq!(answers[0]["accepted"], true);
    assert_eq!(answers[0]["comments"][0]["comment"]["body"], "Which tool?");
    assert_eq!(answers[1]["score"], 1);
    let (_, admin_news) = t.get("admin", "/api/v1/notifications").await;
    assert!(admin_news[0]["text"].as_str().unwrap().starts_with("Your answer was accepted"), "{admin_news}");

    // Writing a similar question shows this one; an unrelated draft shows nothing.
    let (_, similar) = t.get("alice", "/api/v1/questions/similar?q=repeat%20sepsis%20screening").await;
    assert_eq!(similar[0]["question"]["id"], qid, "{similar}");
    let (_, none) = t.get("alice", "/api/v1/questions/similar?q=car%20parking%20permits").await;
    assert_eq!(none, json!([]));
    // The accepted answer is now evidence for the expertise finder.
    let (_, found) = t.get("bob", "/api/v1/experts?q=sepsis%20screening").await;
    assert!(found[0]["explanation"].as_str().unwrap().contains("1 accepted answer"), "{found}");

    assert_eq!(
        t.call("alice", reqwest::Method::DELETE, &format!("/api/v1/communities/{id}/members"), None).await.0,
        StatusCode::CONFLICT,
        "the only coordinator stays until another is named"
    );
    assert_eq!(
        t.put("alice", &format!("/api/v1/communities/{id}/members/{}", t.users["bob"]), json!({ "role": "coordinator" })).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.call("alice", reqwest::Method::DELETE, &format!("/api/v1/communities/{id}/members"), None).await.0,
        StatusCode::NO_CONTENT
    );
}

async fn advocates_cover_teams_and_join_the_advocates_community(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, communities) = t.get("alice", "/api/v1/communities").await;
    let advocates = communities.as_array().unwrap().iter().find(|c| c["community"]["kind"] == "advocates").expect("exists from the start");
    let advocates_id = advocates["community"]["id"].as_i64().unwrap();
    let (_, coverage) = t.get("alice", "/api/v1/advocates").await;
    assert_eq!(coverage["uncovered"], 3, "{coverage}");

    assert_eq!(t.post("alice", "/api/v1/advocates", json!({ "user_id": t.users["bob"] })).await.0, StatusCode::FORBIDDEN, "only yourself");
    assert_eq!(t.post("alice", "/api/v1/advocates", json!({ "user_id": t.users["alice"] })).await.0, StatusCode::CREATED);
    let (status, err) = t.post("spec", "/api/v1/advocates", json!({ "user_id": t.users["bob"], "team_id": t.teams["Clinical"] })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["team_id".to_string()]), "a directorate is not a team");
    assert_eq!(t.post("spec", "/api/v1/advocates", json!({ "user_id": t.users["bob"] })).await.0, StatusCode::CREATED);

    let (_, coverage) = t.get("alice", "/api/v1/advocates").await;
    assert_eq!(coverage["uncovered"], 1, "{coverage}");
    assert_eq!(coverage["teams"][0]["team"]["name"], "Library", "teams without an advocate come first");
    let (_, community) = t.get("alice", &format!("/api/v1/communities/{advocates_id}")).await;
    let members: Vec<&str> = community["members"].as_array().unwrap().iter().map(|m| m["user"]["name"].as_str().unwrap()).collect();
    assert_eq!(members, ["alice", "bob"]);
    assert_eq!(
        t.call("bob", reqwest::Method::DELETE, &format!("/api/v1/advocates/{}", t.users["bob"]), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(t.get("alice", "/api/v1/advocates").await.1["uncovered"], 2);
}

async fn mentoring_requests_find_offers_with_reasons_and_matches_are_agreed(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (status, err) = t.post("bob", "/api/v1/mentoring/listings", json!({ "kind": "request", "skills": [] })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["skills".to_string()]));
    let (_, offer) =
        t.post("alice", "/api/v1/mentoring/listings", json!({ "kind": "offer", "skills": ["Sepsis screening", "leadership"] })).await;
    let (_, request) = t.post("bob", "/api/v1/mentoring/listings", json!({ "kind": "request", "skills": ["sepsis screening"] })).await;
    let (_, board) = t.get("bob", "/api/v1/mentoring").await;
    let s = &board["suggestions"][0];
    assert_eq!(s["person"]["name"], "alice", "{board}");
    assert_eq!(s["reasons"][0], "offers mentoring in sepsis screening");
    assert!(s["reasons"].as_array().unwrap().iter().any(|r| r == "from another team, so a fresh view"), "{s}");

    let propose = json!({ "mine": request["id"], "theirs": offer["id"] });
    let (status, m) = t.post("bob", "/api/v1/mentoring/matches", propose.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let mid = m["id"].as_i64().unwrap();
    assert_eq!(
        t.put("bob", &format!("/api/v1/mentoring/matches/{mid}"), json!({ "status": "accepted" })).await.0,
        StatusCode::CONFLICT,
        "the other person answers"
    );
    assert_eq!(t.put("spec", &format!("/api/v1/mentoring/matches/{mid}"), json!({ "status": "accepted" })).await.0, StatusCode::NOT_FOUND);
    let (status, accepted) = t.put("alice", &format!("/api/v1/mentoring/matches/{mid}"), json!({ "status": "accepted" })).await;
    assert_eq!((status, accepted["status"].as_str()), (StatusCode::OK, Some("accepted")));
    let (_, board) = t.get("bob", "/api/v1/mentoring").await;
    assert_eq!(board["mine"][0]["open"], false, "the request is matched");
    assert_eq!(board["accepted_overall"], 1);
    let (_, news) = t.get("bob", "/api/v1/notifications").await;
    assert!(news[0]["text"].as_str().unwrap().contains("now accepted"), "{news}");
}

async fn coffee_rounds_pair_without_repeats_reproduce_from_their_seed_and_feed_the_report(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let programme = json!({ "name": "Coffee roulette", "scope": { "kind": "organisation" }, "cadence_weeks": 4, "avoid_repeat_rounds": 1,
        "preference": { "different_team": true } });
    assert_eq!(t.post("alice", "/api/v1/coffee", programme.clone()).await.0, StatusCode::FORBIDDEN, "specialists start programmes");
    // A community's coordinator starts one for its members only.
    let (_, c) = t.post("alice", "/api/v1/communities", json!({ "name": "Ward A link nurses" })).await;
    let scoped = json!({ "name": "Link nurse coffee", "scope": { "kind": "community", "community_id": c["id"] }, "cadence_weeks": 2, "avoid_repeat_rounds": 3 });
    let (status, cp) = t.post("alice", "/api/v1/coffee", scoped).await;
    assert_eq!(status, StatusCode::CREATED, "{cp}");
    assert_eq!(
        t.post("bob", &format!("/api/v1/coffee/{}/participants", cp["id"]), json!({})).await.0,
        StatusCode::FORBIDDEN,
        "members only"
    );
    assert_eq!(t.post("alice", &format!("/api/v1/coffee/{}/participants", cp["id"]), json!({})).await.0, StatusCode::OK);
    let (status, err) = t
        .post(
            "spec",
            "/api/v1/coffee",
            json!({ "name": "", "scope": { "kind": "organisation" }, "cadence_weeks": 0, "avoid_repeat_rounds": 99 }),
        )
        .await;
    assert_eq!(
        (status, fields(&err)),
        (StatusCode::UNPROCESSABLE_ENTITY, ["name", "cadence_weeks", "avoid_repeat_rounds"].map(String::from).to_vec())
    );
    let (status, p) = t.post("spec", "/api/v1/coffee", programme).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let id = p["id"].as_i64().unwrap();
    assert_eq!(t.post("spec", &format!("/api/v1/coffee/{id}/rounds"), json!({})).await.0, StatusCode::CONFLICT, "nobody has joined");
    for who in ["admin", "spec", "alice", "bob"] {
        assert_eq!(t.post(who, &format!("/api/v1/coffee/{id}/participants"), json!({})).await.0, StatusCode::OK);
    }
    assert_eq!(t.post("guest", &format!("/api/v1/coffee/{id}/participants"), json!({})).await.0, StatusCode::FORBIDDEN);
    let (status, err) = t.post("alice", &format!("/api/v1/coffee/{id}/participants"), json!({ "do_not_pair": [t.users["guest"]] })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["do_not_pair[0]".to_string()]));
    assert_eq!(
        t.post("alice", &format!("/api/v1/coffee/{id}/participants"), json!({ "do_not_pair": [t.users["bob"]] })).await.0,
        StatusCode::OK
    );
    assert_eq!(t.post("alice", &format!("/api/v1/coffee/{id}/rounds"), json!({})).await.0, StatusCode::FORBIDDEN);

    let mut met: Vec<Vec<i64>> = Vec::new();
    for number in 1..=2 {
        let (status, outcome) = t.post("spec", &format!("/api/v1/coffee/{id}/rounds"), json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{outcome}");
        let round = &outcome["round"];
        assert_eq!(round["number"], number);
        let groups: Vec<Vec<i64>> = serde_json::from_value(round["groups"].clone()).unwrap();
        assert_eq!(groups.len(), 2, "{round}");
        for g in &groups {
            let mut g = g.clone();
            g.sort();
            assert!(!met.contains(&g), "a pair from the last round met again: {g:?}");
            assert!(!(g.contains(&t.users["alice"].0) && g.contains(&t.users["bob"].0)), "do-not-pair");
        }
        met = groups
            .iter()
            .map(|g| {
                let mut g = g.clone();
                g.sort();
                g
            })
            .collect();
        let rid = round["id"].as_i64().unwrap();
        let (_, check) = t.get("alice", &format!("/api/v1/coffee/{id}/rounds/{rid}/check")).await;
        assert_eq!(check["reproduced"], true, "{check}");
    }

    let (_, view) = t.get("alice", &format!("/api/v1/coffee/{id}")).await;
    let round_id = view["my_match"]["round_id"].as_i64().unwrap();
    assert_eq!(view["my_match"]["number"], 2);
    assert_eq!(view["my_match"]["partners"].as_array().unwrap().len(), 1);
    assert!(view["report"].is_null(), "only organisers read the report");
    let (_, news) = t.get("alice", "/api/v1/notifications").await;
    assert!(news[0]["text"].as_str().unwrap().starts_with("Your Coffee roulette match this round"), "{news}");
    let feedback = json!({ "met": true, "met_before": false, "again": true, "comment": "Good to meet" });
    assert_eq!(t.post("alice", &format!("/api/v1/coffee/{id}/rounds/{round_id}/feedback"), feedback.clone()).await.0, StatusCode::OK);
    assert_eq!(t.post("guest", &format!("/api/v1/coffee/{id}/rounds/{round_id}/feedback"), feedback).await.0, StatusCode::FORBIDDEN);
    let partner = view["my_match"]["partners"][0]["user"]["name"].as_str().unwrap().to_string();
    let who: &str = ["admin", "spec", "bob"].into_iter().find(|w| *w == partner).unwrap();
    t.post(who, &format!("/api/v1/coffee/{id}/rounds/{round_id}/feedback"), json!({ "met": true, "met_before": true, "again": false }))
        .await;

    // Bob sits the next round out.
    t.post("bob", &format!("/api/v1/coffee/{id}/participants"), json!({ "skip_next": true })).await;
    let (_, outcome) = t.post("spec", &format!("/api/v1/coffee/{id}/rounds"), json!({})).await;
    assert_eq!(outcome["round"]["skipped"], json!([t.users["bob"]]));
    // Three people, one of whom met another last round: one pair, and the third left unmatched rather than repeat.
    let mut placed: Vec<i64> = serde_json::from_value::<Vec<Vec<i64>>>(outcome["round"]["groups"].clone()).unwrap().concat();
    placed.extend(serde_json::from_value::<Vec<i64>>(outcome["round"]["unmatched"].clone()).unwrap());
    placed.sort();
    let mut expected = vec![t.users["admin"], t.users["spec"], t.users["alice"]];
    expected.sort();
    assert_eq!(placed, expected, "everyone but bob is placed or reported unmatched: {outcome}");
    for g in serde_json::from_value::<Vec<Vec<i64>>>(outcome["round"]["groups"].clone()).unwrap() {
        let mut g = g;
        g.sort();
        assert!(!met.iter().any(|m| g.iter().filter(|u| m.contains(u)).count() > 1), "no repeat of last round: {outcome}");
    }

    let (_, view) = t.get("spec", &format!("/api/v1/coffee/{id}")).await;
    let report = &view["report"];
    assert_eq!(report["participants"], 4);
    assert_eq!(report["responses"], 2);
    assert_eq!(report["met_share"], 1.0);
    assert_eq!(report["new_connection_share"], 0.5);
    assert_eq!(report["repeat_share"], 0.5);
    assert_eq!(report["teams_reached"], 3);
    let (_, view) = t.get("bob", &format!("/api/v1/coffee/{id}")).await;
    assert_eq!(view["me"]["skip_next"], false, "skipping lasts one round");
}

fn read_invites(folder: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/read_invites.py");
    let out = std::process::Command::new("python3").arg(script).arg(folder).output().expect("python3 runs");
    assert!(
        out.status.success(),
        "reading the mail failed (is the Python package icalendar installed?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn coffee_introductions_arrive_by_email_with_an_invitation_a_calendar_can_read() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    // As NHSmail on port 587: STARTTLS required, then AUTH as the sending mailbox.
    let sink = MailSink::with(SinkTls::StartTls, Some(("signpost@trust.nhs.uk", "correct horse")), false).await;
    let relay = Relay::parse(
        &sink.url(),
        RelayOptions {
            username: Some("signpost@trust.nhs.uk".into()),
            password: Some("correct horse".into()),
            ca_file: Some(sink.ca_file()),
            ..RelayOptions::default()
        },
    )
    .unwrap();
    let app = t.app.clone().with_mailer(Arc::new(SmtpMailer::new(relay).unwrap())).with_public_url("https://signpost.trust.nhs.uk/");
    let (_, p) = t
        .post(
            "spec",
            "/api/v1/coffee",
            json!({ "name": "Coffee roulette", "scope": { "kind": "organisation" }, "cadence_weeks": 4, "avoid_repeat_rounds": 6 }),
        )
        .await;
    let id = p["id"].as_i64().unwrap();
    for who in ["alice", "bob"] {
        t.post(who, &format!("/api/v1/coffee/{id}/participants"), json!({ "about": format!("{who} works on the wards") })).await;
    }
    let spec = app.actor(t.users["spec"]).await.unwrap();
    let outcome = app.run_round_with_seed(&spec, ProgrammeId(id), 42).await.unwrap();
    assert_eq!(outcome.emails_queued, 2, "one introduction each, queued with the round");
    assert!(sink.received().is_empty(), "queued, not yet sent");
    let run = app.run_due_jobs().await.unwrap();
    assert_eq!((run.emails, run.failed), (2, 0));
    let received = sink.received();
    assert_eq!(received.len(), 2);
    for m in &received {
        assert_eq!(m["login"], "signpost@trust.nhs.uk", "sent after logging in over TLS: {m}");
        assert_eq!(m["from"], "signpost@trust.nhs.uk", "as the account that logged in: {m}");
        assert!(m["html"].as_str().is_some_and(|h| h.contains("Conversation starters:")), "with an HTML part as well: {m}");
    }
    let mail = read_invites(sink.folder.path());
    let mail = mail.as_array().unwrap();
    for (reader, partner) in [("alice", "bob"), ("bob", "alice")] {
        let m =
            mail.iter().find(|m| m["to"] == format!("{reader}@trust.nhs.uk")).unwrap_or_else(|| panic!("no mail for {reader}: {mail:?}"));
        assert_eq!(m["subject"], format!("Your Coffee roulette match: {partner}"));
        let body = m["body"].as_str().unwrap();
        assert!(body.contains(&format!("Hello {reader},")) && body.contains(&format!("Email: {partner}@trust.nhs.uk")), "{body}");
        assert!(body.contains(&format!("In their words: {partner} works on the wards")), "{body}");
        assert!(body.contains("Conversation starters:"), "{body}");
        let back = format!("tell us how it went: https://signpost.trust.nhs.uk/coffee/{id}#feedback");
        assert!(body.contains(&back), "the introduction links back to the feedback form: {body}");
        let event = &m["events"][0];
        assert_eq!(event["filename"], "invite.ics");
        assert_eq!(event["summary"], "Coffee: alice and bob", "{event}");
        assert_eq!(event["minutes"], 30);
        let mut attendees: Vec<&str> = event["attendees"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        attendees.sort();
        assert_eq!(attendees, ["alice@trust.nhs.uk", "bob@trust.nhs.uk"]);
        assert!(event["start"].as_str().unwrap().ends_with("T10:00:00+00:00"), "{event}");
    }
}

/// The walkthrough's case: a team leader's many flu-clinic lessons mention "the
/// knowledge manager", and a colleague's accepted answer is about knowledge cafés.
/// For "knowledge café" the answer's author comes first, with the answer as a link
/// saying why it matched; the word in common is not evidence.
#[tokio::test]
async fn the_expert_finder_ranks_by_the_whole_query_and_links_its_evidence() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let ward_a = t.teams["Ward A"];
    for site in ["North", "South", "East", "West", "Central", "Riverside"] {
        let mut l = common::lesson(&format!("After action review: flu clinic at {site}"), ward_a, "organisation", "published");
        l["body"] =
            json!("The team held an AAR at the end of the day, facilitated by the knowledge manager. Waits were long before 10:00.");
        assert_eq!(t.post("alice", "/api/v1/assets", l).await.0, StatusCode::CREATED);
    }
    let mut cafe = common::lesson("Knowledge café on missed doses", ward_a, "organisation", "published");
    cafe["body"] = json!("Twenty staff met in tables of four to talk about time-critical medicines.");
    assert_eq!(t.post("spec", "/api/v1/assets", cafe).await.0, StatusCode::CREATED);
    let (_, c) = t.post("admin", "/api/v1/communities", json!({ "name": "Advocates", "description": "Knowledge advocates" })).await;
    let id = c["id"].as_i64().unwrap();
    t.post("alice", &format!("/api/v1/communities/{id}/members"), json!({})).await;
    t.post("bob", &format!("/api/v1/communities/{id}/members"), json!({})).await;
    let (_, q) = t
        .post(
            "alice",
            &format!("/api/v1/communities/{id}/questions"),
            json!({ "title": "How do we run a knowledge cafe across three sites?" }),
        )
        .await;
    let qid = q["id"].as_i64().unwrap();
    let (_, a) = t.post("bob", &format!("/api/v1/questions/{qid}/answers"), json!({ "body": "Two short cafés, one online." })).await;
    assert_eq!(t.post("alice", &format!("/api/v1/questions/{qid}/accept"), json!({ "answer_id": a["id"] })).await.0, StatusCode::OK);
    t.settle().await;

    let (status, found) = t.get("admin", "/api/v1/experts?q=knowledge%20caf%C3%A9").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(expert_names(&found)[..2], ["bob", "spec"], "the answer and the café lesson, not the word in common: {found}");
    assert!(!expert_names(&found).contains(&"alice".to_string()), "mentioning \"knowledge\" is not knowing about knowledge cafés: {found}");
    let answer = &found[0]["evidence"][0];
    assert_eq!(answer["kind"], "accepted_answer");
    assert_eq!(answer["items"][0]["link"], format!("/questions/{qid}"));
    assert_eq!(answer["items"][0]["why"], "mentions \u{201c}knowledge café\u{201d}", "accents folded, as a phrase: {answer}");

    // The page shows the evidence itself, as links.
    let admin = common::web::WebUser::sign_in(&t, "admin").await;
    let (_, page) = admin.get("/experts?q=knowledge+caf%C3%A9").await;
    assert!(page.contains(&format!("href=\"/questions/{qid}\"")), "{page}");
    assert!(page.contains("2 people for"), "{page}");
}

/// The demo's labelled subjects find one of their people in the top three (BENCHMARKS.md has the figure).
#[tokio::test]
async fn the_demo_expert_finder_puts_the_right_person_in_the_top_three() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    signpost::demo::load(&t.app).await.unwrap();
    t.settle().await;
    let score = signpost::demo::experts::measure_experts(&t.app).await.unwrap();
    assert_eq!(score.subjects, signpost::demo::experts::SUBJECTS.len());
    assert!(score.share() >= 0.9, "{} of {} found; missed {:?}", score.hits, score.subjects, score.misses);
}

/// The organiser sees the pairs before anyone is told; sending keeps exactly those
/// pairs, and if someone joins in between, nothing is sent until they look again.
#[tokio::test]
async fn a_round_is_previewed_sent_as_shown_and_refused_when_the_people_changed() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let (_, p) = t
        .post(
            "spec",
            "/api/v1/coffee",
            json!({ "name": "Coffee roulette", "scope": { "kind": "organisation" }, "cadence_weeks": 4, "avoid_repeat_rounds": 6 }),
        )
        .await;
    let id = ProgrammeId(p["id"].as_i64().unwrap());
    for who in ["alice", "bob", "spec", "admin"] {
        t.post(who, &format!("/api/v1/coffee/{id}/participants"), json!({})).await;
    }
    let (spec, alice) = (t.app.actor(t.users["spec"]).await.unwrap(), t.app.actor(t.users["alice"]).await.unwrap());
    assert!(t.app.preview_round(&alice, id).await.is_err(), "a participant does not preview rounds");
    let preview = t.app.preview_round(&spec, id).await.unwrap();
    let names = |groups: &[Vec<signpost_services::people::coffee_pairs::RoundPerson>]| {
        groups.iter().map(|g| g.iter().map(|p| p.name.clone()).collect::<Vec<_>>()).collect::<Vec<_>>()
    };
    assert_eq!(preview.groups.len(), 2, "four people, two pairs: {:?}", names(&preview.groups));
    let (_, view) = t.get("spec", &format!("/api/v1/coffee/{id}")).await;
    assert_eq!(view["report"]["rounds"].as_array().unwrap().len(), 0, "a preview stores nothing");
    assert!(t.get("alice", "/api/v1/notifications").await.1.as_array().unwrap().is_empty(), "and tells nobody");

    let sent = t.app.send_previewed_round(&spec, id, preview.seed, &preview.fingerprint).await.unwrap();
    let shown = t.app.round_pairs(&spec, id, sent.round.id).await.unwrap();
    assert_eq!(names(&shown.groups), names(&preview.groups), "the pairs sent are the pairs shown");
    assert_eq!(shown.reproduced, Some(true));
    assert!(t.app.round_pairs(&alice, id, sent.round.id).await.is_err(), "participants see their own match, not everyone's");

    let next = t.app.preview_round(&spec, id).await.unwrap();
    let carol = NewUser::new("carol@trust.nhs.uk", "carol", Role::Member);
    let carol = t.app.actor(t.app.create_user(None, carol, None).await.unwrap().id).await.unwrap();
    t.app.join_programme(&carol, id, Default::default()).await.unwrap();
    let refused = t.app.send_previewed_round(&spec, id, next.seed, &next.fingerprint).await.unwrap_err();
    assert!(refused.to_string().contains("has changed since the preview"), "{refused}");
    let (_, view) = t.get("spec", &format!("/api/v1/coffee/{id}")).await;
    assert_eq!(view["report"]["rounds"].as_array().unwrap().len(), 1, "nothing was sent");
}
