//! Connecting people in a real browser, with JavaScript on and off and axe-core on
//! every page: ask a question (similar answered questions appear as it is written),
//! accept the answer an expert gives and reword the question; find that expert; join a coffee programme,
//! have its organiser preview a round's pairs, send them and check them, see the match
//! and give feedback, and find the answers sent still chosen.
use crate::common;

use common::browser::Browser;
use common::{Backend, PASSWORD, TestApp};
use fantoccini::Locator;
use serde_json::json;
use signpost_domain::people::{NewUser, Role};

on_both_backends!(ask_and_accept_an_answer_find_the_expert_and_take_part_in_a_coffee_round);

async fn signed_in(t: &TestApp, email: &str, javascript: bool) -> Browser {
    let b = Browser::start(javascript).await;
    b.client.goto(&format!("{}/sign-in", t.base)).await.unwrap();
    b.fill("email", email).await;
    b.fill("password", PASSWORD).await;
    b.click("form[action='/sign-in'] button[type=submit]").await;
    assert!(b.wait_for_text("Sign out").await, "{email} signs in");
    b
}

async fn text_of(b: &Browser, css: &str) -> String {
    b.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("nothing matches {css}")).text().await.unwrap()
}

async fn journey(t: &TestApp, javascript: bool) {
    // Admin knows about sepsis; bob's community already has an answered question.
    t.put("admin", "/api/v1/profile", json!({ "skills": ["sepsis screening"], "audience": "staff", "suggest_me": true })).await;
    let (_, c) = t
        .post(
            "bob",
            "/api/v1/communities",
            json!({ "name": "Deteriorating patients", "description": "Sepsis, NEWS2 and escalation.", "tags": ["sepsis"] }),
        )
        .await;
    let cid = c["id"].as_i64().unwrap();
    let (_, old) = t
        .post("bob", &format!("/api/v1/communities/{cid}/questions"), json!({ "title": "Who checks the sepsis screening tool is used?" }))
        .await;
    t.post("admin", &format!("/api/v1/questions/{}/answers", old["id"]), json!({ "body": "The matron audits ten notes a week." })).await;

    let b = signed_in(t, "alice@trust.nhs.uk", javascript).await;
    b.visit_accessible(&t.base, "/communities").await;
    b.client.find(Locator::LinkText("Deteriorating patients")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Join community").await);
    b.assert_accessible("a community").await;
    b.click(&format!("form[action='/communities/{cid}/join'] button")).await;
    assert!(b.wait_for_text("You have joined the community.").await);
    b.client.find(Locator::LinkText("Ask a question")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Ask a question</h1>").await);
    b.click(&format!("form[action='/communities/{cid}/questions'] button.nhsuk-button:not(.nhsuk-button--secondary)")).await;
    assert!(b.wait_for_text("There is a problem").await, "a question needs words");
    b.assert_accessible("ask with errors").await;
    b.fill("title", "How do other wards audit sepsis screening?").await;
    if !javascript {
        b.click("button[formaction]").await;
    }
    assert!(b.wait_for_text("Answered questions like yours").await, "similar questions appear while writing");
    assert!(text_of(&b, "#similar-list").await.contains("Who checks the sepsis screening tool is used?"));
    b.assert_accessible("ask with similar questions").await;
    b.fill("body", "We want to start a weekly audit on Ward A.").await;
    b.click(&format!("form[action='/communities/{cid}/questions'] button.nhsuk-button:not(.nhsuk-button--secondary)")).await;
    assert!(b.wait_for_text("Your question is asked.").await);
    assert!(text_of(&b, "#routed").await.contains("admin"), "sent to the person who knows");
    b.assert_accessible("a new question").await;
    let question_url = b.client.current_url().await.unwrap();
    let qid: i64 = question_url.path().rsplit('/').next().unwrap().parse().unwrap();

    // The expert answers (through the API, as their own client would); alice accepts it.
    let (_, news) = t.get("admin", "/api/v1/notifications").await;
    assert!(news[0]["text"].as_str().unwrap().contains("How do other wards audit sepsis screening?"), "{news}");
    t.post("admin", &format!("/api/v1/questions/{qid}/answers"), json!({ "body": "Ten sets of notes a week, chosen at random." })).await;
    b.client.goto(&format!("{}/notifications", t.base)).await.unwrap();
    assert!(b.wait_for_text("Your question has a new answer").await);
    b.assert_accessible("notifications").await;
    b.client.goto(question_url.as_str()).await.unwrap();
    b.click(&format!("form[action='/questions/{qid}/accept'] button")).await;
    assert!(b.wait_for_text("The answer is accepted.").await);
    assert!(b.wait_for_text("Accepted answer").await);
    b.assert_accessible("an answered question").await;

    // She rewords her question; the page keeps the earlier wording.
    b.client.find(Locator::Css(&format!("a[href='/questions/{qid}/change']"))).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Change your question").await);
    b.assert_accessible("changing a question").await;
    b.fill("title", "").await;
    b.click(&format!("form[action='/questions/{qid}/change'] button")).await;
    assert!(b.wait_for_text("There is a problem").await, "a question needs words");
    b.assert_accessible("changing a question with errors").await;
    b.fill("title", "How do other wards audit sepsis screening each week?").await;
    b.click(&format!("form[action='/questions/{qid}/change'] button")).await;
    assert!(b.wait_for_text("Your changes are saved.").await);
    assert!(text_of(&b, "h1").await.contains("each week"));
    assert!(b.wait_for_text("1 earlier version").await, "the change is shown with what it replaced");
    b.assert_accessible("a changed question").await;

    // Find the expert: their accepted answer explains why.
    b.client.goto(&format!("{}/experts?q=sepsis+screening", t.base)).await.unwrap();
    let experts = text_of(&b, "#experts").await;
    assert!(experts.starts_with("admin"), "{experts}");
    assert!(experts.contains("Lists \u{201c}sepsis screening\u{201d} as a skill"), "{experts}");
    assert!(experts.contains("1 accepted answer: "), "the answer itself is listed: {experts}");
    let answer_link = format!("#experts a[href='/questions/{qid}']");
    assert!(b.client.find(Locator::Css(&answer_link)).await.is_ok(), "as a link to the question");
    b.assert_accessible("expertise finder").await;
    b.visit_accessible(&t.base, "/profile").await;
    b.visit_accessible(&t.base, "/advocates").await;
    b.visit_accessible(&t.base, "/mentoring").await;

    // A coffee programme: alice joins in a minute.
    let (_, p) = t
        .post(
            "spec",
            "/api/v1/coffee",
            json!({ "name": "Coffee roulette", "description": "Meet someone new each month.",
        "scope": { "kind": "organisation" }, "cadence_weeks": 4, "avoid_repeat_rounds": 6, "preference": { "different_team": true } }),
        )
        .await;
    let pid = p["id"].as_i64().unwrap();
    t.post("bob", &format!("/api/v1/coffee/{pid}/participants"), json!({ "about": "I run the Ward B huddle" })).await;
    b.visit_accessible(&t.base, "/coffee").await;
    b.client.find(Locator::LinkText("Coffee roulette")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Join programme").await);
    b.assert_accessible("a coffee programme").await;
    b.fill("about", "Ward A nurse, keen on sepsis audit").await;
    b.click(&format!("form[action='/coffee/{pid}/join'] button")).await;
    assert!(b.wait_for_text("You are in.").await);
    b.assert_accessible("joined a programme").await;

    // Its organiser looks at the pairs before anyone is told, sends them, and the
    // round's page shows the same pairs and that they re-run from the seed.
    let organiser = signed_in(t, "cara@trust.nhs.uk", javascript).await;
    organiser.client.goto(&format!("{}/coffee/{pid}", t.base)).await.unwrap();
    organiser.client.find(Locator::LinkText("Pair the next round")).await.unwrap().click().await.unwrap();
    assert!(organiser.wait_for_text("check the pairs</h1>").await);
    let previewed = text_of(&organiser, "#pairs tbody").await;
    assert!(previewed.contains("alice") && previewed.contains("bob"), "{previewed}");
    assert!(
        t.get("alice", "/api/v1/notifications").await.1.as_array().unwrap().iter().all(|n| !n.to_string().contains("match")),
        "nobody is told yet"
    );
    organiser.assert_accessible("round preview").await;
    organiser.click("#round").await;
    assert!(organiser.wait_for_text("The round is paired").await);
    assert_eq!(text_of(&organiser, "#pairs tbody").await, previewed, "the pairs sent are the pairs previewed");
    assert!(text_of(&organiser, "#check-result").await.contains("It came out the same"));
    organiser.assert_accessible("a sent round").await;
    organiser.client.find(Locator::LinkText("Back to the programme")).await.unwrap().click().await.unwrap();
    assert!(organiser.wait_for_text("id=\"report\"").await);
    let report = text_of(&organiser, "#report").await.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(report.contains("Paired at least once 2") && report.contains("Rounds 1"), "{report}");
    organiser.assert_accessible("programme report").await;
    assert!(organiser.client.find(Locator::LinkText("Round 1")).await.is_ok(), "the report links to the round's pairs");
    organiser.close().await;

    // Alice sees her match and says how it went.
    b.client.goto(&format!("{}/coffee/{pid}", t.base)).await.unwrap();
    let matched = text_of(&b, "#my-match").await;
    assert!(matched.contains("bob") && matched.contains("bob@trust.nhs.uk") && matched.contains("I run the Ward B huddle"), "{matched}");
    b.click("form[action$='/feedback'] button").await;
    assert!(b.wait_for_text("There is a problem").await, "the three questions need answers");
    b.assert_accessible("feedback with errors").await;
    for id in ["met-yes", "met_before-no", "again-yes"] {
        b.click(&format!("label[for='{id}']")).await;
    }
    b.fill("comment", "We swapped audit tools.").await;
    b.click("form[action$='/feedback'] button").await;
    assert!(b.wait_for_text("Thank you for your feedback.").await);
    assert!(text_of(&b, "#feedback-given").await.contains("you met"));
    for (id, chosen) in [("met-yes", true), ("met_before-no", true), ("again-no", false)] {
        let radio = b.client.find(Locator::Id(id)).await.unwrap();
        assert_eq!(radio.prop("checked").await.unwrap().as_deref() == Some("true"), chosen, "{id}: the form shows what was sent");
    }
    assert_eq!(
        b.client.find(Locator::Id("comment")).await.unwrap().prop("value").await.unwrap().as_deref(),
        Some("We swapped audit tools.")
    );
    b.assert_accessible("feedback given").await;
    b.close().await;

    let (_, view) = t.get("spec", &format!("/api/v1/coffee/{pid}")).await;
    assert_eq!(view["report"]["responses"], 1);
    assert_eq!(view["report"]["new_connection_share"], 1.0);
}

async fn ask_and_accept_an_answer_find_the_expert_and_take_part_in_a_coffee_round(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    // The organiser: a knowledge specialist who signs in with a password.
    let cara = NewUser {
        job_title: "Knowledge Manager".into(),
        team_id: Some(t.teams["Library"]),
        ..NewUser::new("cara@trust.nhs.uk", "cara", Role::KnowledgeSpecialist)
    };
    t.app.create_user(None, cara, Some(PASSWORD.to_string())).await.unwrap();
    journey(&t, true).await;
    // The same journey without JavaScript, on a fresh organisation.
    let t = TestApp::spawn(backend).await;
    let cara = NewUser {
        job_title: "Knowledge Manager".into(),
        team_id: Some(t.teams["Library"]),
        ..NewUser::new("cara@trust.nhs.uk", "cara", Role::KnowledgeSpecialist)
    };
    t.app.create_user(None, cara, Some(PASSWORD.to_string())).await.unwrap();
    journey(&t, false).await;
}
