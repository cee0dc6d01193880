//! Webhooks as a receiving system meets them: every delivery checked by the Standard
//! Webhooks reference library for Python, retried on failure with the same
//! `webhook-id`, disabled by a 410, refused at an internal address, logged, replayed,
//! and signed with both secrets while one is rotated.
use crate::common;

use std::time::Duration;

use common::browser::Browser;
use common::{Backend, Good, Node, PASSWORD, PUBLIC_URL, TestApp, TestDb, WebhookReceiver, eventually, lesson, seed};
use serde_json::{Value, json};
use signpost::open;

on_both_backends!(
    deliveries_are_signed_retried_logged_replayed_and_rotated,
    a_410_disables_and_internal_addresses_are_refused,
    kill_9_during_a_delivery_delivers_it_after_restart,
    a_coordinator_hears_of_their_own_communitys_questions_only,
);

/// An application that retries after a second instead of the specification's hours.
async fn app(backend: Backend) -> TestApp {
    TestApp::spawn_configured(backend, |app| app.with_public_url(PUBLIC_URL).with_webhook_delays(vec![Duration::from_secs(1); 9])).await
}

/// Runs due jobs until `done` holds of what the receiver got, or ten seconds pass.
async fn deliver_until(t: &TestApp, receiver: &WebhookReceiver, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    for _ in 0..100 {
        t.app.run_due_jobs().await.unwrap();
        let got = receiver.received();
        if done(&got) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the receiver did not get what was expected: {:#?}", receiver.received());
}

fn body(delivery: &Value) -> Value {
    serde_json::from_str(delivery["body"].as_str().unwrap()).unwrap()
}

async fn register(t: &TestApp, url: &str, events: Value) -> Value {
    t.post("admin", "/api/v1/webhooks", json!({ "url": url, "description": "Trust intranet", "events": events })).await.good()
}

async fn deliveries_are_signed_retried_logged_replayed_and_rotated(backend: Backend) {
    let t = app(backend).await;
    let receiver = WebhookReceiver::start(&[500, 503], Some(1), false).await;
    let ward_a = t.teams["Ward A"];

    // Only admins register organisation-wide endpoints, and plain http needs the allow-list.
    let (status, _) = t.post("alice", "/api/v1/webhooks", json!({ "url": receiver.url() })).await;
    assert_eq!(status, 403);
    let (status, refused) = t.post("admin", "/api/v1/webhooks", json!({ "url": receiver.url() })).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused.to_string().contains("https://"), "{refused}");
    let (status, _) = t.put("alice", "/api/v1/webhook-allow-list", json!({ "allow_list": "127.0.0.1" })).await;
    assert_eq!(status, 403);
    let (status, bad) = t.put("admin", "/api/v1/webhook-allow-list", json!({ "allow_list": "127.0.0.1, not-an-address" })).await;
    assert_eq!(status, 422);
    assert!(bad.to_string().contains("not-an-address"), "{bad}");
    t.put("admin", "/api/v1/webhook-allow-list", json!({ "allow_list": "127.0.0.1" })).await.good::<Value>();
    let (status, unknown) = t.post("admin", "/api/v1/webhooks", json!({ "url": receiver.url(), "events": ["knowledge.exploded"] })).await;
    assert_eq!(status, 422);
    assert!(unknown.to_string().contains("knowledge.exploded"), "{unknown}");

    let endpoint = register(&t, &receiver.url(), json!(["knowledge.published", "lesson.recorded"])).await;
    let id = endpoint["id"].as_i64().unwrap();
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{endpoint}");
    receiver.trust(&[&secret]);
    let (status, _) = t.get("alice", &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(status, 404, "a member cannot see the endpoint or its secret");

    // An organisation-wide lesson and a team-only one, both published as written.
    t.post("alice", "/api/v1/assets", lesson("Consent links cut the flu clinic queue", ward_a, "organisation", "published"))
        .await
        .good::<Value>();
    t.post("alice", "/api/v1/assets", lesson("Ward A's private handover lesson", ward_a, "team", "published")).await.good::<Value>();

    // Four messages (each lesson is published and recorded); the first fails twice.
    let got = deliver_until(&t, &receiver, |got| got.iter().filter(|d| d["status"] == 200).count() == 4).await;
    assert!(got.iter().all(|d| d["verified_with"] == json!([0])), "every delivery verifies with the Python library: {got:#?}");
    let first = &got[0]["id"];
    let tries: Vec<&Value> = got.iter().filter(|d| &d["id"] == first).collect();
    assert_eq!(
        tries.iter().map(|d| d["status"].as_i64().unwrap()).collect::<Vec<_>>(),
        [500, 503, 200],
        "retried until it succeeded, with one webhook-id"
    );
    let stamps: Vec<i64> = tries.iter().map(|d| d["timestamp"].as_str().unwrap().parse().unwrap()).collect();
    assert!(stamps[2] > stamps[0], "each attempt is signed at its own time: {stamps:?}");
    let delivered: Vec<Value> = got.iter().filter(|d| d["status"] == 200).map(body).collect();
    let mut types: Vec<&str> = delivered.iter().map(|b| b["type"].as_str().unwrap()).collect();
    types.sort_unstable();
    assert_eq!(types, ["knowledge.published", "knowledge.published", "lesson.recorded", "lesson.recorded"]);
    let titles: Vec<&Value> = delivered.iter().map(|b| &b["data"]["title"]).collect();
    assert!(titles.iter().any(|t| *t == "Consent links cut the flu clinic queue"), "{delivered:#?}");
    let all = serde_json::to_string(&delivered).unwrap();
    assert!(!all.contains("private handover"), "a team's knowledge is announced by id and address only: {all}");
    assert!(delivered.iter().all(|b| b["data"]["url"].as_str().unwrap().starts_with(&format!("{PUBLIC_URL}/assets/"))), "{delivered:#?}");

    // The delivery log shows each attempt, and the message is delivered.
    let log: Value = t.get("admin", &format!("/api/v1/webhooks/{id}/attempts?limit=100")).await.good();
    let statuses: Vec<i64> =
        log["items"].as_array().unwrap().iter().filter(|a| &a["message_id"] == first).map(|a| a["status"].as_i64().unwrap()).collect();
    assert_eq!(statuses, [200, 503, 500], "newest first: {log:#}");
    assert!(log["items"][0]["request"].as_str().unwrap().contains("webhook-signature: v1,"), "{log:#}");
    let messages: Value = t.get("admin", &format!("/api/v1/webhooks/{id}/messages")).await.good();
    assert_eq!(messages["total"], 4);
    assert!(messages["items"].as_array().unwrap().iter().all(|m| m["state"] == "delivered"), "{messages:#}");

    // Replayed by hand, with the same webhook-id.
    let first_id = first.as_str().unwrap().to_string();
    let (status, _) = t.post("admin", &format!("/api/v1/webhooks/{id}/messages/{first_id}/replay"), json!({})).await;
    assert_eq!(status, 202);
    let got =
        deliver_until(&t, &receiver, |got| got.iter().filter(|d| d["id"] == first_id.as_str() && d["status"] == 200).count() == 2).await;
    assert_eq!(got.len(), 7);

    // A rotation signs with both secrets for a day; the receiver may hold either.
    let rotated: Value =
        t.post("admin", &format!("/api/v1/webhooks/{id}/rotate"), json!({ "version": endpoint_version(&t, id).await })).await.good();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    receiver.trust(&[&secret, new_secret]);
    t.post("alice", "/api/v1/assets", lesson("Text reminders halve missed appointments", ward_a, "organisation", "draft"))
        .await
        .good::<Value>();
    let got = deliver_until(&t, &receiver, |got| got.len() == 8).await;
    let last = got.last().unwrap();
    assert_eq!(body(last)["type"], "lesson.recorded", "a draft lesson is recorded, not published");
    assert_eq!(last["verified_with"], json!([0, 1]), "both the old and the new secret verify it: {last}");
    assert_eq!(last["signature"].as_str().unwrap().split(' ').count(), 2);
}

async fn endpoint_version(t: &TestApp, id: i64) -> i64 {
    let e: Value = t.get("admin", &format!("/api/v1/webhooks/{id}")).await.good();
    e["version"].as_i64().unwrap()
}

async fn a_410_disables_and_internal_addresses_are_refused(backend: Backend) {
    let t = app(backend).await;
    let gone = WebhookReceiver::start(&[410], None, false).await;
    t.put("admin", "/api/v1/webhook-allow-list", json!({ "allow_list": "127.0.0.1/32" })).await.good::<Value>();
    let leaving = register(&t, &gone.url(), json!([])).await;
    gone.trust(&[leaving["secret"].as_str().unwrap()]);
    // The cloud metadata service, and a loopback address not on the allow-list.
    let metadata = register(&t, "https://169.254.169.254/latest/meta-data", json!([])).await;
    let loopback = register(&t, &format!("https://127.0.0.2:{}/hooks", gone.port), json!([])).await;

    let ward_a = t.teams["Ward A"];
    t.post("alice", "/api/v1/assets", lesson("Huddles before the ward round", ward_a, "organisation", "published")).await.good::<Value>();
    let got = deliver_until(&t, &gone, |got| !got.is_empty()).await;
    assert_eq!(got[0]["status"], 410);
    // Both events of the lesson were for it: the second is not sent once it is disabled.
    for _ in 0..5 {
        t.app.run_due_jobs().await.unwrap();
    }
    let disabled: Value = t.get("admin", &format!("/api/v1/webhooks/{}", leaving["id"])).await.good();
    assert_eq!(disabled["enabled"], false, "{disabled}");
    assert!(disabled["disabled_reason"].as_str().unwrap().contains("410"), "{disabled}");
    assert_eq!(gone.received().len(), 1, "nothing more is sent to a disabled endpoint");

    for endpoint in [&metadata, &loopback] {
        let log: Value = t.get("admin", &format!("/api/v1/webhooks/{}/attempts", endpoint["id"])).await.good();
        let first = &log["items"][0];
        assert!(first["status"].is_null(), "no request was made: {log:#}");
        assert!(first["response"].as_str().unwrap().contains("not a public address"), "the log says why: {log:#}");
        let messages: Value = t.get("admin", &format!("/api/v1/webhooks/{}/messages", endpoint["id"])).await.good();
        assert_eq!(messages["items"][0]["state"], "pending", "it is retried, in case the allow-list changes: {messages:#}");
    }

    // Enabled again, the endpoint hears of new events.
    let version = endpoint_version(&t, leaving["id"].as_i64().unwrap()).await;
    let enabled: Value = t
        .put("admin", &format!("/api/v1/webhooks/{}", leaving["id"]), json!({ "version": version, "url": gone.url(), "enabled": true }))
        .await
        .good();
    assert_eq!(enabled["enabled"], true, "{enabled}");
    t.post("alice", "/api/v1/assets", lesson("Bleep-free hour on nights", ward_a, "organisation", "published")).await.good::<Value>();
    let got = deliver_until(&t, &gone, |got| got.len() >= 3).await;
    assert!(got[1..].iter().all(|d| d["status"] == 200 && d["verified_with"] == json!([0])), "{got:#?}");
}

/// Seeds the organisation; returns the admin's and alice's tokens and Ward A's id.
async fn prepare(db: &TestDb) -> (String, String, i64) {
    let (app, store) = open(&db.location("seed")).await.unwrap();
    let (teams, users) = seed(&app).await;
    let admin = app.create_token(&app.actor(users["admin"]).await.unwrap(), "t").await.unwrap().secret;
    let alice = app.create_token(&app.actor(users["alice"]).await.unwrap(), "t").await.unwrap().secret;
    store.close().await;
    (admin, alice, teams["Ward A"].0)
}

/// Allow-lists the receiver and registers it for published knowledge through `base`.
async fn register_with(client: &reqwest::Client, base: &str, admin: &str, receiver: &WebhookReceiver) -> i64 {
    let allowed = client
        .put(format!("{base}/api/v1/webhook-allow-list"))
        .bearer_auth(admin)
        .json(&json!({ "allow_list": "127.0.0.1" }))
        .send()
        .await
        .unwrap();
    assert!(allowed.status().is_success());
    let endpoint: Value = client
        .post(format!("{base}/api/v1/webhooks"))
        .bearer_auth(admin)
        .json(&json!({ "url": receiver.url(), "events": ["knowledge.published"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    receiver.trust(&[endpoint["secret"].as_str().unwrap()]);
    endpoint["id"].as_i64().unwrap()
}

async fn publish(client: &reqwest::Client, base: &str, token: &str, title: &str, team: i64) {
    let made = client
        .post(format!("{base}/api/v1/assets"))
        .bearer_auth(token)
        .json(&lesson(title, signpost_domain::ids::TeamId(team), "organisation", "published"))
        .send()
        .await
        .unwrap();
    assert!(made.status().is_success(), "{}", made.text().await.unwrap());
}

async fn kill_9_during_a_delivery_delivers_it_after_restart(backend: Backend) {
    let db = TestDb::new(backend);
    let (admin, alice, ward_a) = prepare(&db).await;
    let receiver = WebhookReceiver::start(&[], None, true).await;
    let client = reqwest::Client::new();
    let location = db.location("node");
    // A short lease, so the second node takes the delivery up soon after the first one dies.
    let lease = ["--job-lease-seconds", "10"];
    let mut first = Node::start_with(&location, &[], &lease).await;
    let id = register_with(&client, &first.base, &admin, &receiver).await;
    publish(&client, &first.base, &alice, "Safety huddles at shift change", ward_a).await;
    let stalled = eventually(Duration::from_secs(20), async || receiver.stalled()).await;
    assert!(stalled.is_some(), "the first node started the delivery");
    first.kill();

    let second = Node::start_with(&location, &[], &lease).await;
    let arrived = eventually(Duration::from_secs(40), async || receiver.received().iter().any(|d| d["status"] == 200)).await;
    assert!(arrived.is_some(), "the delivery the first node never finished is made by the second: {:?}", receiver.received());
    let messages: Value = client
        .get(format!("{}/api/v1/webhooks/{id}/messages", second.base))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(messages["total"], 1, "{messages:#}");
    let delivered = receiver.received().into_iter().find(|d| d["status"] == 200).unwrap();
    assert_eq!(delivered["id"], messages["items"][0]["id"], "the same webhook-id as the attempt that stalled");
    assert_eq!(delivered["verified_with"], json!([0]));
    assert_eq!(messages["items"][0]["state"], "delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_nodes_deliver_each_event_once() {
    let db = TestDb::new(Backend::Postgres);
    let (admin, alice, ward_a) = prepare(&db).await;
    let receiver = WebhookReceiver::start(&[], None, false).await;
    let client = reqwest::Client::new();
    let (here, there) = (db.location("a"), db.location("b"));
    let (a, b) = tokio::join!(Node::start(&here), Node::start(&there));
    register_with(&client, &a.base, &admin, &receiver).await;
    for i in 0..10 {
        let node = if i % 2 == 0 { &a } else { &b };
        publish(&client, &node.base, &alice, &format!("Falls bundle, ward {i}"), ward_a).await;
    }
    let all = eventually(Duration::from_secs(40), async || receiver.received().len() >= 10).await;
    assert!(all.is_some(), "every event is delivered: {} of 10", receiver.received().len());
    // Both nodes read the audit log and run jobs every few seconds: give them time to repeat one.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let got = receiver.received();
    let mut ids: Vec<String> = got.iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (10, 10), "each event delivered exactly once: {got:#?}");
    assert!(got.iter().all(|d| d["verified_with"] == json!([0])));
    drop((a, b));
}

/// An admin adds an endpoint, reads its secret and delivery log, sends a message again,
/// rotates the secret and disables it, in Chromium with and without JavaScript, every
/// state checked by axe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_manages_an_endpoint_and_reads_its_log_in_the_browser() {
    let t = app(Backend::Sqlite).await;
    t.app.set_password(None, t.users["admin"], PASSWORD.to_string()).await.unwrap();
    let receiver = WebhookReceiver::start(&[500], None, false).await;
    for javascript in [true, false] {
        t.put("admin", "/api/v1/webhook-allow-list", json!({ "allow_list": "" })).await.good::<Value>();
        let b = Browser::start(javascript).await;
        b.sign_in_as(&t.base, "admin@trust.nhs.uk", PASSWORD).await;
        b.visit_accessible(&t.base, "/admin").await;
        b.click("a[href='/webhooks']").await;
        assert!(b.wait_for_text("Add an endpoint").await);
        b.assert_accessible("webhooks").await;

        // Plain http to an address not yet allowed is refused, and says why.
        b.fill("url", &receiver.url()).await;
        b.click("form[action='/webhooks'] button[type=submit]").await;
        assert!(b.wait_for_text("There is a problem").await);
        assert!(b.wait_for_text("allow-listed").await);
        b.assert_accessible("an endpoint refused").await;
        b.fill("allow_list", "127.0.0.1").await;
        b.click("form[action='/webhooks/allow-list'] button").await;
        assert!(b.wait_for_text("Allow-list saved").await);
        b.fill("url", &receiver.url()).await;
        b.fill("description", "Intranet news feed").await;
        b.click("input[value='knowledge.published']").await;
        b.click("form[action='/webhooks'] button[type=submit]").await;
        assert!(b.wait_for_text("Endpoint added").await);
        b.assert_accessible("a new endpoint").await;
        let page = b.client.current_url().await.unwrap();
        let secret = b.client.find(fantoccini::Locator::Id("secret")).await.unwrap().html(true).await.unwrap();
        receiver.trust(&[secret.trim()]);

        let title = format!("Falls huddles work ({})", if javascript { "with script" } else { "without" });
        t.post("alice", "/api/v1/assets", lesson(&title, t.teams["Ward A"], "organisation", "published")).await.good::<Value>();
        deliver_until(&t, &receiver, |got| got.iter().filter(|d| d["status"] == 200).count() == if javascript { 1 } else { 2 }).await;
        b.client.goto(page.as_str()).await.unwrap();
        assert!(b.wait_for_text("Delivered").await);
        if javascript {
            assert!(b.wait_for_text("receiver says 500").await, "the failed attempt is in the log");
        }
        b.assert_accessible("an endpoint's messages and delivery log").await;
        b.screenshot(&format!("webhook-endpoint-{javascript}")).await;

        b.click("form[action$='/replay'] button").await;
        assert!(b.wait_for_text("sent again in a moment").await);
        b.click("form[action$='/rotate'] button").await;
        assert!(b.wait_for_text("New signing secret made").await);
        assert!(b.wait_for_text("previous secret also signs").await);
        b.click("form[action$='/enabled'] button").await;
        assert!(b.wait_for_text("Endpoint disabled").await);
        b.assert_accessible("a disabled endpoint").await;
        b.client.goto(&format!("{}/webhooks", t.base)).await.unwrap();
        b.screenshot(&format!("webhooks-{javascript}")).await;
        b.close().await;
    }
}

async fn a_coordinator_hears_of_their_own_communitys_questions_only(backend: Backend) {
    let t = app(backend).await;
    let receiver = WebhookReceiver::start(&[], None, false).await;
    t.put("admin", "/api/v1/webhook-allow-list", json!({ "allow_list": "127.0.0.1" })).await.good::<Value>();
    let mine: Value =
        t.post("alice", "/api/v1/communities", json!({ "name": "Falls prevention", "description": "Ward staff on falls" })).await.good();
    let theirs: Value =
        t.post("bob", "/api/v1/communities", json!({ "name": "Sepsis", "description": "Spotting sepsis early" })).await.good();
    let (mine, theirs) = (mine["id"].as_i64().unwrap(), theirs["id"].as_i64().unwrap());

    // A coordinator registers for their own community only; a member for none.
    let (status, _) = t.post("alice", "/api/v1/webhooks", json!({ "url": receiver.url() })).await;
    assert_eq!(status, 403, "not for the whole organisation");
    let (status, _) = t.post("alice", "/api/v1/webhooks", json!({ "url": receiver.url(), "community_id": theirs })).await;
    assert_eq!(status, 403, "not for another's community");
    let (status, _) = t.post("admin", "/api/v1/webhooks", json!({ "url": receiver.url(), "community_id": 9999 })).await;
    assert_eq!(status, 422, "not for a community that does not exist");
    let endpoint: Value = t.post("alice", "/api/v1/webhooks", json!({ "url": receiver.url(), "community_id": mine })).await.good();
    receiver.trust(&[endpoint["secret"].as_str().unwrap()]);
    let listed: Vec<Value> = t.get("alice", "/api/v1/webhooks").await.good();
    assert_eq!(listed.len(), 1);
    let (status, _) = t.get("bob", &format!("/api/v1/webhooks/{}", endpoint["id"])).await;
    assert_eq!(status, 404, "another coordinator cannot see it");

    let question = json!({ "title": "Do hip protectors help?", "body": "On a ward of frail patients" });
    t.post("bob", &format!("/api/v1/communities/{theirs}/questions"), question.clone()).await.good::<Value>();
    t.post("bob", "/api/v1/assets", lesson("Bed rails and falls", t.teams["Ward B"], "organisation", "published")).await.good::<Value>();
    t.post("alice", &format!("/api/v1/communities/{mine}/questions"), question).await.good::<Value>();
    let got = deliver_until(&t, &receiver, |got| !got.is_empty()).await;
    for _ in 0..3 {
        t.app.run_due_jobs().await.unwrap();
    }
    let got = if receiver.received().len() > got.len() { receiver.received() } else { got };
    assert_eq!(got.len(), 1, "only the question in alice's community: {got:#?}");
    let delivered = body(&got[0]);
    assert_eq!(delivered["type"], "question.asked");
    assert_eq!(delivered["data"]["community_id"], mine);
    assert_eq!(got[0]["verified_with"], json!([0]));
}
