//! Notifications by email, through a real SMTP server: each category from the event
//! that causes it to the message (with its link, an HTML part and a one-click
//! unsubscribe), people's choices (at once, digests, never), and nothing sent for what
//! was already read in Signpost.
use reqwest::StatusCode;
use serde_json::{Value, json};
use signpost_domain::communities::Notification;
use signpost_domain::notifications::{Category, Frequency};
use signpost_domain::ports::PeopleStore;

use crate::common;
use common::{Backend, MailSink, PUBLIC_URL, TestApp};

/// Runs what is due (reminders, review notices, notification emails) and returns the
/// messages that arrived since `before`.
async fn deliver(t: &TestApp, sink: &MailSink, before: usize) -> Vec<Value> {
    t.app.remind_now().await.unwrap();
    // Review notices become notifications in the first pass; their emails go in the second.
    t.app.remind_now().await.unwrap();
    sink.received().into_iter().skip(before).collect()
}

fn mail_to<'a>(mail: &'a [Value], to: &str, subject_has: &str) -> &'a Value {
    mail.iter()
        .find(|m| m["to"] == format!("{to}@trust.nhs.uk") && m["subject"].as_str().unwrap().contains(subject_has))
        .unwrap_or_else(|| panic!("no email to {to} about {subject_has:?} among {mail:#?}"))
}

async fn every_category_is_emailed_with_its_link_and_a_one_click_unsubscribe(backend: Backend) {
    let sink = MailSink::start(false).await;
    let t = TestApp::spawn_with_mail(backend, &sink).await;
    let (alice, bob, admin, spec) = (t.users["alice"], t.users["bob"], t.users["admin"], t.users["spec"]);

    // An action given to bob.
    let (status, action) =
        t.post("spec", "/api/v1/actions", json!({ "title": "Audit night checks", "owner_id": bob, "due_on": "2099-01-01" })).await;
    assert_eq!(status, StatusCode::CREATED, "{action}");
    // A question routed to the admin, who lists the skill; answered; the answer accepted.
    t.put("admin", "/api/v1/profile", json!({ "skills": ["sepsis screening"], "audience": "staff", "suggest_me": true })).await;
    let (_, c) = t.post("alice", "/api/v1/communities", json!({ "name": "Deteriorating patients", "tags": ["sepsis"] })).await;
    t.post("bob", &format!("/api/v1/communities/{}/members", c["id"]), json!({})).await;
    let question =
        json!({ "title": "How often should we repeat sepsis screening?", "body": "After a negative screen", "tags": ["sepsis"] });
    let (_, q) = t.post("bob", &format!("/api/v1/communities/{}/questions", c["id"]), question).await;
    assert_eq!(q["routed_to"], json!([admin]), "{q}");
    let (_, answer) =
        t.post("admin", &format!("/api/v1/questions/{}/answers", q["id"]), json!({ "body": "Whenever NEWS2 rises by 2." })).await;
    assert_eq!(
        t.post("bob", &format!("/api/v1/questions/{}/accept", q["id"]), json!({ "answer_id": answer["id"] })).await.0,
        StatusCode::OK
    );
    // A session whose facilitator shares its answers.
    let (_, session) = t
        .post("alice", "/api/v1/sessions", json!({ "technique_key": "premortem", "facilitator_id": spec, "participants": [alice, bob] }))
        .await;
    assert_eq!(t.post("spec", &format!("/api/v1/sessions/{}/share", session["id"]), json!({})).await.0, StatusCode::OK);
    // A leaver's plan naming bob, alice's recorded line manager.
    t.put("admin", &format!("/api/v1/users/{alice}"), json!({ "line_manager_id": bob })).await;
    let leaving_on = (chrono::Utc::now() + chrono::Duration::days(60)).date_naive().to_string();
    let plan = json!({ "leaver_id": alice, "departure": "leaving", "leaving_on": leaving_on, "role": "Staff nurse" });
    let (status, plan) = t.post("alice", "/api/v1/leaver-plans", plan).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    // Knowledge of alice's due for review within a week (she wants those at once, not weekly).
    t.put("alice", "/api/v1/me/email-preferences", json!({ "review_due": "immediately" })).await;
    let mut asset = common::lesson("Consent at the door", t.teams["Ward A"], "organisation", "published");
    asset["review_interval_days"] = json!(7);
    let (status, asset) = t.post("alice", "/api/v1/assets", asset).await;
    assert_eq!(status, StatusCode::CREATED, "{asset}");
    // A handover, as the plan's last step records it (the plan's steps are tested in leavers.rs).
    let db = signpost_store::Db::connect(t.db.location("node").database.as_deref().unwrap()).await.unwrap();
    let handed = Notification::new(
        spec,
        "You have taken on 2 responsibilities from alice as they leave their role",
        format!("/leavers/{}", plan["id"]),
        chrono::Utc::now(),
    );
    db.notify(&[handed.about(Category::Handover)]).await.unwrap();

    let mail = deliver(&t, &sink, 0).await;
    let expected = [
        ("bob", "You have a new action: Audit night checks", "/actions"),
        ("admin", "You may know the answer to a question in Deteriorating patients", &format!("/questions/{}", q["id"])),
        ("bob", "Your question has a new answer", &format!("/questions/{}", q["id"])),
        ("admin", "Your answer was accepted", &format!("/questions/{}", q["id"])),
        ("alice", "The answers in", &format!("/sessions/{}", session["id"])),
        ("bob", "The answers in", &format!("/sessions/{}", session["id"])),
        ("bob", "You are named as line manager", &format!("/leavers/{}", plan["id"])),
        ("alice", "Consent at the door is due for review", &format!("/assets/{}", asset["id"])),
        ("spec", "You have taken on 2 responsibilities", &format!("/leavers/{}", plan["id"])),
    ];
    for (to, subject, path) in expected {
        let m = mail_to(&mail, to, subject);
        let text = m["text"].as_str().unwrap();
        assert!(text.contains(&format!("{PUBLIC_URL}{path}")), "the email links to the page it is about: {m:#}");
        assert!(m["html"].as_str().unwrap().contains(&format!("href=\"{PUBLIC_URL}{path}\"")), "an HTML part too: {m:#}");
        assert_eq!(m["list_unsubscribe_post"], "List-Unsubscribe=One-Click", "{m:#}");
        assert!(m["list_unsubscribe"].as_str().unwrap().starts_with(&format!("<{PUBLIC_URL}/unsubscribe/")), "{m:#}");
    }
    assert!(
        !mail.iter().any(|m| m["to"] == "spec@trust.nhs.uk" && m["subject"].as_str().unwrap().contains("action")),
        "no email about one's own doing"
    );
    assert!(deliver(&t, &sink, sink.received().len()).await.is_empty(), "each is emailed once");

    // One click unsubscribes bob from action emails; a tampered link does nothing.
    let header = mail_to(&mail, "bob", "You have a new action")["list_unsubscribe"].as_str().unwrap().to_string();
    let link = header.trim_start_matches('<').trim_end_matches('>').replace(PUBLIC_URL, &t.base);
    // The last character changed, whatever it was (a link ending in "0" stays a link).
    let last = if link.ends_with('0') { '1' } else { '0' };
    let tampered = format!("{}{last}", &link[..link.len() - 1]);
    let res = t.client.post(&tampered).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(t.client.get(&tampered).send().await.unwrap().status(), StatusCode::NOT_FOUND, "a mistyped link says so");
    let (status, page) =
        (t.client.get(&link).send().await.unwrap().status(), t.client.get(&link).send().await.unwrap().text().await.unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Stop these emails"), "a GET only asks: {page}");
    assert_eq!(t.get("bob", "/api/v1/me/email-preferences").await.1["choices"]["action_assigned"], "immediately", "a GET changes nothing");
    let res = t.client.post(&link).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "one-click, with no session and no CSRF token");
    assert_eq!(t.get("bob", "/api/v1/me/email-preferences").await.1["choices"]["action_assigned"], "never");
    let before = sink.received().len();
    t.post("spec", "/api/v1/actions", json!({ "title": "Order bed rails", "owner_id": bob, "due_on": "2099-01-01" })).await;
    assert!(deliver(&t, &sink, before).await.is_empty(), "bob gets no more action emails");
    let (_, news) = t.get("bob", "/api/v1/notifications").await;
    assert!(news[0]["text"].as_str().unwrap().contains("Order bed rails"), "but still sees it in Signpost: {news}");
    db.close().await;
}

async fn what_was_read_in_signpost_is_not_emailed_and_digests_gather_the_rest(backend: Backend) {
    let sink = MailSink::start(false).await;
    let t = TestApp::spawn_with_mail(backend, &sink).await;
    let bob = t.users["bob"];
    let give = |title: &'static str| {
        let t = &t;
        async move { t.post("spec", "/api/v1/actions", json!({ "title": title, "owner_id": bob, "due_on": "2099-01-01" })).await }
    };

    // Read before the scan: never queued.
    give("Check the crash trolley").await;
    assert_eq!(t.post("bob", "/api/v1/notifications/read", json!({})).await.0, StatusCode::NO_CONTENT);
    assert!(deliver(&t, &sink, 0).await.is_empty(), "read in Signpost first: no email");
    // Queued, then read before the job ran: skipped when it runs.
    give("Restock the sluice").await;
    assert_eq!(t.app.queue_notification_emails().await.unwrap(), 1);
    t.post("bob", "/api/v1/notifications/read", json!({})).await;
    let run = t.app.run_due_jobs().await.unwrap();
    assert_eq!((run.emails, sink.received().len()), (0, 0), "read meanwhile: skipped");

    // A daily digest gathers what is unread and sends nothing when nothing is.
    let (status, prefs) = t.put("bob", "/api/v1/me/email-preferences", json!({ "action_assigned": "daily" })).await;
    assert_eq!((status, prefs["choices"]["action_assigned"].as_str()), (StatusCode::OK, Some("daily")), "{prefs}");
    give("Label the oxygen cylinders").await;
    give("Book the fire training").await;
    // Not `deliver`: after 07:00 UTC its hourly look would send today's digest itself.
    assert_eq!(t.app.queue_notification_emails().await.unwrap(), 0, "nothing queued at once for a digest category");
    t.app.run_due_jobs().await.unwrap();
    assert!(sink.received().is_empty(), "nothing at once for a digest category");
    let today = chrono::Utc::now().date_naive();
    assert_eq!(t.app.queue_digests(Frequency::Daily, today).await.unwrap(), 1);
    t.app.run_due_jobs().await.unwrap();
    let mail = sink.received();
    assert_eq!(mail.len(), 1, "one digest: {mail:#?}");
    assert!(mail[0]["subject"].as_str().unwrap().contains("daily digest (2 unread)"), "{}", mail[0]);
    let text = mail[0]["text"].as_str().unwrap();
    assert!(text.contains("Label the oxygen cylinders") && text.contains("Book the fire training") && !text.contains("Restock"), "{text}");
    assert_eq!(t.app.queue_digests(Frequency::Daily, today).await.unwrap(), 0, "one digest a day");
    assert_eq!(t.app.queue_digests(Frequency::Daily, today.succ_opt().unwrap()).await.unwrap(), 0, "nothing left to gather tomorrow");
    give("Update the rota").await;
    assert_eq!(t.app.queue_digests(Frequency::Daily, today.succ_opt().unwrap()).await.unwrap(), 1);
    t.post("bob", "/api/v1/notifications/read", json!({})).await;
    t.app.run_due_jobs().await.unwrap();
    assert_eq!(sink.received().len(), 1, "read before the digest went: no empty digest");

    let (status, err) = t.put("bob", "/api/v1/me/email-preferences", json!({ "general": "immediately" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
}

on_both_backends!(
    every_category_is_emailed_with_its_link_and_a_one_click_unsubscribe,
    what_was_read_in_signpost_is_not_emailed_and_digests_gather_the_rest,
);

#[tokio::test]
async fn the_settings_page_saves_a_choice_per_category() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let bob = common::web::WebUser::sign_in(&t, "bob").await;
    let (status, html) = bob.get("/account/notifications").await;
    assert_eq!(status, StatusCode::OK);
    for c in Category::EMAILED {
        assert!(html.contains(c.describe()), "{} is listed", c.as_str());
    }
    assert!(
        html.contains(r#"id="review_due-weekly" name="review_due" type="radio" value="weekly" checked"#),
        "weekly by default for reviews"
    );
    let saved = bob.post("/account/notifications", &[("review_due", "never"), ("handover", "daily")]).await;
    common::web::assert_redirect(&saved, "/account/notifications?done=saved");
    let prefs = t.get("bob", "/api/v1/me/email-preferences").await.1;
    assert_eq!((prefs["choices"]["review_due"].as_str(), prefs["choices"]["handover"].as_str()), (Some("never"), Some("daily")));
    let (status, _, html) = bob.post("/account/notifications", &[("review_due", "hourly")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("There is a problem"));
}
