//! Real `signpost serve` processes: a `kill -9` in the middle of a stream of writes
//! loses no acknowledged write and the index agrees with the store afterwards; two
//! nodes on one PostgreSQL database share nothing else, yet find each other's writes.
use crate::common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Backend, MailSink, Node, TestDb, eventually, lesson, seed};
use reqwest::StatusCode;
use serde_json::Value;
use signpost::open;
use signpost_domain::ids::TeamId;

on_both_backends!(
    kill_9_during_writes_loses_no_acknowledged_write_and_the_index_agrees,
    kill_9_during_a_reminder_neither_loses_nor_repeats_it,
);

/// Seeds the organisation in-process and returns (admin token, alice token, Ward A id).
async fn prepare(db: &TestDb) -> (String, String, i64) {
    let (app, store) = open(&db.location("seed")).await.unwrap();
    let (teams, users) = seed(&app).await;
    let admin = app.create_token(&app.actor(users["admin"]).await.unwrap(), "t").await.unwrap().secret;
    let alice = app.create_token(&app.actor(users["alice"]).await.unwrap(), "t").await.unwrap().secret;
    store.close().await;
    (admin, alice, (teams["Ward A"]).0)
}

/// Seeds the organisation and `n` of alice's actions due tomorrow (so each is reminded
/// today); returns the admin's token.
async fn with_actions_due(db: &TestDb, n: usize) -> String {
    let (app, store) = open(&db.location("seed")).await.unwrap();
    let (_, users) = seed(&app).await;
    let alice = app.actor(users["alice"]).await.unwrap();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive().to_string();
    for i in 0..n {
        let input = signpost_services::learning::actions::ActionInput {
            title: format!("Audit the night handover, part {i}"),
            due_on: tomorrow.clone(),
            ..Default::default()
        };
        app.create_action(&alice, input).await.unwrap();
    }
    let admin = app.create_token(&app.actor(users["admin"]).await.unwrap(), "t").await.unwrap().secret;
    store.close().await;
    admin
}

/// The Message-IDs of the messages received.
fn message_ids(sink: &MailSink) -> Vec<String> {
    let mut ids: Vec<String> = sink
        .messages()
        .iter()
        .filter_map(|m| m.lines().find(|l| l.to_ascii_lowercase().starts_with("message-id:")).map(|l| l[11..].trim().to_string()))
        .collect();
    ids.sort();
    ids
}

async fn done_jobs(base: &str, admin: &str) -> Value {
    reqwest::Client::new().get(format!("{base}/api/v1/jobs?state=done")).bearer_auth(admin).send().await.unwrap().json().await.unwrap()
}

async fn kill_9_during_a_reminder_neither_loses_nor_repeats_it(backend: Backend) {
    let db = TestDb::new(backend);
    let admin = with_actions_due(&db, 1).await;
    let sink = MailSink::start(true).await;
    let relay = sink.url();
    let options = ["--smtp-url", relay.as_str(), "--mail-from", "signpost@trust.nhs.uk"];
    let location = db.location("node");
    // A short lease, so the second node takes the job up soon after the first one dies.
    let lease = ["--job-lease-seconds", "10"];
    let mut first = Node::start_with(&location, &options, &lease).await;
    let stalled = eventually(Duration::from_secs(20), async || sink.folder.path().join("stalled").exists()).await;
    assert!(stalled.is_some(), "the first node started sending the reminder");
    first.kill();

    let second = Node::start_with(&location, &options, &lease).await;
    let arrived = eventually(Duration::from_secs(40), async || !sink.messages().is_empty()).await;
    assert!(arrived.is_some(), "the reminder the first node never finished is sent by the second");
    tokio::time::sleep(Duration::from_secs(6)).await;
    let ids = message_ids(&sink);
    assert_eq!(ids.len(), 1, "sent once: {:?}", sink.messages());
    let done = done_jobs(&second.base, &admin).await;
    assert_eq!(done["total"], 1, "{done}");
    assert_eq!(done["items"][0]["attempts"], 2, "the second attempt, after the first node's lease lapsed: {done}");
    assert_eq!(format!("<job-{}@signpost>", done["items"][0]["id"]), ids[0]);
}

/// Every id a paged endpoint lists, following `offset` until a page comes back empty.
async fn ids(client: &reqwest::Client, base: &str, token: &str, path: &str, key: &str) -> Vec<i64> {
    let mut out = Vec::new();
    loop {
        let page: Value =
            client.get(format!("{base}{path}&offset={}", out.len())).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        let items = page[key].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        out.extend(items.iter().map(|a| a["id"].as_i64().unwrap()));
    }
    out.sort_unstable();
    out
}

/// The ids the store lists and the ids the index finds.
async fn all_ids(client: &reqwest::Client, base: &str, token: &str) -> (Vec<i64>, Vec<i64>) {
    (
        ids(client, base, token, "/api/v1/assets?limit=100", "items").await,
        ids(client, base, token, "/api/v1/search?limit=100&sort=recency", "hits").await,
    )
}

async fn kill_9_during_writes_loses_no_acknowledged_write_and_the_index_agrees(backend: Backend) {
    let db = TestDb::new(backend);
    let (admin, alice, ward_a) = prepare(&db).await;
    let location = db.location("node");
    let mut node = Node::start(&location).await;
    let acknowledged: Arc<Mutex<BTreeMap<i64, String>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (base, token, acked) = (node.base.clone(), alice.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for i in 0..10_000 {
                let title = format!("Write {w}-{i} before the crash");
                let res = client
                    .post(format!("{base}/api/v1/assets"))
                    .bearer_auth(&token)
                    .json(&lesson(&title, TeamId(ward_a), "organisation", "published"))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        let v: Value = r.json().await.unwrap();
                        acked.lock().unwrap().insert(v["id"].as_i64().unwrap(), title);
                    }
                    _ => return,
                }
            }
        }));
    }
    assert!(
        eventually(Duration::from_secs(30), async || acknowledged.lock().unwrap().len() >= 60).await.is_some(),
        "writes did not get going"
    );
    node.kill(); // SIGKILL: no shutdown, no flush.
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let node = Node::start(&location).await;
    let client = reqwest::Client::new();
    for (id, title) in &acknowledged {
        let res = client.get(format!("{}/api/v1/assets/{id}", node.base)).bearer_auth(&admin).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "acknowledged asset {id} was lost");
        assert_eq!(res.json::<Value>().await.unwrap()["title"], title.as_str());
    }
    let agreed = eventually(Duration::from_secs(10), async || {
        let (listed, searched) = all_ids(&client, &node.base, &admin).await;
        listed == searched && acknowledged.keys().all(|id| listed.binary_search(id).is_ok())
    })
    .await;
    let (listed, searched) = all_ids(&client, &node.base, &admin).await;
    assert!(agreed.is_some(), "after restart the index holds {} assets and the store {}", searched.len(), listed.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_nodes_find_each_others_writes_within_two_seconds() {
    let db = TestDb::new(Backend::Postgres);
    let (_, alice, ward_a) = prepare(&db).await;
    let a = Node::start(&db.location("node-a")).await;
    let b = Node::start(&db.location("node-b")).await;
    let client = reqwest::Client::new();
    for round in 0..3 {
        let title = format!("Written on node A, round {round}: norovirus bay closure checklist");
        let res = client
            .post(format!("{}/api/v1/assets", a.base))
            .bearer_auth(&alice)
            .json(&lesson(&title, TeamId(ward_a), "organisation", "published"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let took = eventually(Duration::from_secs(2), async || {
            let r: Value = client
                .get(format!("{}/api/v1/search?q=norovirus%20round%20{round}", b.base))
                .bearer_auth(&alice)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            r["hits"].as_array().is_some_and(|h| h.iter().any(|h| h["id"] == id))
        })
        .await;
        assert!(took.is_some(), "node B did not find node A's write within 2 s (round {round})");
    }
    assert!(!db.location("node-a").index_dir().starts_with(db.location("node-b").index_dir()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_nodes_send_each_reminder_exactly_once() {
    let db = TestDb::new(Backend::Postgres);
    let admin = with_actions_due(&db, 12).await;
    let sink = MailSink::start(false).await;
    let relay = sink.url();
    let options = ["--smtp-url", relay.as_str(), "--mail-from", "signpost@trust.nhs.uk"];
    let (here, there) = (db.location("a"), db.location("b"));
    let (a, b) = tokio::join!(Node::start_with(&here, &options, &[]), Node::start_with(&there, &options, &[]));
    let all = eventually(Duration::from_secs(40), async || sink.messages().len() >= 12).await;
    assert!(all.is_some(), "every reminder arrives: {} of 12", sink.messages().len());
    // Both nodes look for reminders and run jobs every few seconds: give them time to repeat one.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let ids = message_ids(&sink);
    let mut distinct = ids.clone();
    distinct.dedup();
    assert_eq!((ids.len(), distinct.len()), (12, 12), "each reminder exactly once");
    assert_eq!(done_jobs(&a.base, &admin).await["total"], 12);
    drop(b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_nodes_email_each_notification_exactly_once() {
    let db = TestDb::new(Backend::Postgres);
    let (app, store) = open(&db.location("seed")).await.unwrap();
    let (_, users) = seed(&app).await;
    let spec = app.actor(users["spec"]).await.unwrap();
    for i in 0..10 {
        let input = signpost_services::learning::actions::ActionInput {
            title: format!("Check the resuscitation trolley, bay {i}"),
            due_on: "2099-01-01".into(),
            owner_id: Some(users["bob"]),
            ..Default::default()
        };
        app.create_action(&spec, input).await.unwrap();
    }
    store.close().await;
    let sink = MailSink::start(false).await;
    let relay = sink.url();
    let options = ["--smtp-url", relay.as_str(), "--mail-from", "signpost@trust.nhs.uk"];
    let serving = ["--notification-delay-seconds", "0"];
    let (here, there) = (db.location("a"), db.location("b"));
    let (a, b) = tokio::join!(Node::start_with(&here, &options, &serving), Node::start_with(&there, &options, &serving));
    let all = eventually(Duration::from_secs(40), async || sink.messages().len() >= 10).await;
    assert!(all.is_some(), "every notification is emailed: {} of 10", sink.messages().len());
    // Both nodes scan every poll: give them time to queue one twice.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let ids = message_ids(&sink);
    let mut distinct = ids.clone();
    distinct.dedup();
    assert_eq!((ids.len(), distinct.len()), (10, 10), "each notification emailed exactly once");
    drop((a, b));
}
