//! Atom feeds: each kind passes three independent checks (the RFC 4287 RELAX NG schema
//! under Debian's jing, Python's feedparser with bozo 0, and feed-rs), shows only what
//! its reader may see at the moment of the fetch, answers 304 to a reader that has it,
//! and stops with its key.
use std::path::Path;
use std::process::Command;

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use serde_json::{Value, json};

use crate::common;
use common::web::WebUser;
use common::{Backend, Good, TestApp, lesson};

on_both_backends!(
    a_feed_shows_what_its_reader_may_see_at_each_fetch_answers_304_and_stops_with_its_key,
    the_feeds_page_shows_addresses_once_and_revokes_them
);

fn support(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support").join(name)
}

async fn fetch(t: &TestApp, path: &str) -> (StatusCode, String) {
    let res = t.client.get(format!("{}{path}", t.base)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Titles of a feed's entries, as feed-rs reads them.
fn titles(xml: &str) -> Vec<String> {
    let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("feed-rs cannot read the feed ({e}): {xml}"));
    feed.entries.into_iter().map(|e| e.title.map(|t| t.content).unwrap_or_default()).collect()
}

async fn published(t: &TestApp, who: &str, title: &str, team: &str, visibility: &str) -> i64 {
    let v: Value = t.post(who, "/api/v1/assets", lesson(title, t.teams[team], visibility, "published")).await.good();
    v["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_feed_passes_jing_feedparser_and_feed_rs() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let ward_a = t.teams["Ward A"];
    let first = published(&t, "alice", "Flu clinic queues & consent <at the door>", "Ward A", "organisation").await;
    published(&t, "alice", "Flu vaccine fridge checks", "Ward A", "team").await;
    let due = lesson("Handover sheet review", ward_a, "organisation", "published");
    let mut due = due.as_object().unwrap().clone();
    due.insert("review_interval_days".into(), json!(7));
    let _: Value = t.post("alice", "/api/v1/assets", Value::Object(due)).await.good();
    t.settle().await;
    let alice = t.app.actor(t.users["alice"]).await.unwrap();
    let key = t.app.create_feed_key(&alice).await.unwrap().secret;
    // A community with two questions, the older one answered since: it comes first.
    let community: Value = t.post("bob", "/api/v1/communities", json!({ "name": "Flu leads", "description": "Flu season" })).await.good();
    let cid = community["id"].as_i64().unwrap();
    let older: Value =
        t.post("bob", &format!("/api/v1/communities/{cid}/questions"), json!({ "title": "Who keeps the PGD list?" })).await.good();
    let _: Value =
        t.post("bob", &format!("/api/v1/communities/{cid}/questions"), json!({ "title": "Fridge & <alarm> numbers?" })).await.good();
    let _: Value = t.post("spec", &format!("/api/v1/questions/{}/answers", older["id"]), json!({ "body": "Pharmacy does." })).await.good();

    let dir = tempfile::tempdir().unwrap();
    let feeds = [
        // Every test lesson's context is a flu clinic.
        (format!("/feeds/{key}/search?q=flu"), 3),
        (format!("/feeds/{key}/search?q=fridge&kind=lesson&team={ward_a}"), 1),
        (format!("/feeds/{key}/teams/{ward_a}"), 3),
        (format!("/feeds/{key}/reviews"), 1),
        (format!("/feeds/{key}/communities/{cid}"), 2),
        (format!("/feeds/{key}/search?q=nothing+matches+this+at+all"), 0),
    ];
    for (i, (path, count)) in feeds.iter().enumerate() {
        let res = t.client.get(format!("{}{path}", t.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["content-type"], "application/atom+xml; charset=utf-8");
        let xml = res.text().await.unwrap();
        let file = dir.path().join(format!("feed-{i}.xml"));
        std::fs::write(&file, &xml).unwrap();

        let jing = Command::new("jing").arg("-c").arg(support("atom/atom.rnc")).arg(&file).output().expect("jing runs");
        assert!(jing.status.success(), "{path} fails the RFC 4287 schema: {}\n{xml}", String::from_utf8_lossy(&jing.stdout));

        let out = Command::new("python3").arg(support("read_feed.py")).arg(&file).output().expect("python3 runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let parsed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(parsed["bozo"], 0, "feedparser had to work around {path}: {parsed}");
        assert_eq!(parsed["version"], "atom10");
        let entries = parsed["entries"].as_array().unwrap();
        assert_eq!(entries.len(), *count, "{path}: {parsed}");
        for e in entries {
            // The Schematron rules jing leaves unchecked: every entry has an author and a link.
            assert!(
                e["author"].as_str().is_some_and(|a| !a.is_empty())
                    && e["link"].as_str().is_some_and(|l| l.contains("/assets/") || l.contains("/questions/")),
                "{e}"
            );
        }

        let ours = titles(&xml);
        let theirs: Vec<String> = entries.iter().map(|e| e["title"].as_str().unwrap().to_string()).collect();
        assert_eq!(ours, theirs, "feed-rs and feedparser read the same entries");
    }
    // Entries carry the asset's page as a stable id, newest first, text escaped rather than lost.
    let (_, xml) = fetch(&t, &format!("/feeds/{key}/search?q=flu")).await;
    let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
    assert_eq!(titles(&xml), ["Handover sheet review", "Flu vaccine fridge checks", "Flu clinic queues & consent <at the door>"]);
    assert!(feed.entries[2].id.ends_with(&format!("/assets/{first}")), "{}", feed.entries[1].id);
    assert_eq!(feed.updated, Some(feed.entries[0].updated.unwrap()), "the feed is as new as its newest entry");
    // A community's feed puts the question with the newest activity first, linked to its page.
    let (_, xml) = fetch(&t, &format!("/feeds/{key}/communities/{cid}")).await;
    assert_eq!(titles(&xml), ["Who keeps the PGD list?", "Fridge & <alarm> numbers?"]);
    let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
    assert!(feed.entries[0].id.ends_with(&format!("/questions/{}", older["id"])), "{}", feed.entries[0].id);
    // A guest may not see communities: their key finds no such feed.
    let guest = t.app.actor(t.users["guest"]).await.unwrap();
    let guest_key = t.app.create_feed_key(&guest).await.unwrap().secret;
    assert_eq!(fetch(&t, &format!("/feeds/{guest_key}/communities/{cid}")).await.0, StatusCode::NOT_FOUND);
}

async fn a_feed_shows_what_its_reader_may_see_at_each_fetch_answers_304_and_stops_with_its_key(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    published(&t, "alice", "Flu clinic queues", "Ward A", "organisation").await;
    // Ward B's own lesson, for its team only, written in the same period.
    published(&t, "bob", "Flu outbreak bay closures", "Ward B", "team").await;
    t.settle().await;
    let alice = t.app.actor(t.users["alice"]).await.unwrap();
    let key = t.app.create_feed_key(&alice).await.unwrap().secret;
    let path = format!("/feeds/{key}/search?q=flu");
    let (_, xml) = fetch(&t, &path).await;
    assert_eq!(titles(&xml), ["Flu clinic queues"], "Ward B's team-only lesson is not in alice's feed");

    // Alice moves to Ward B: the next fetch shows its lesson; moving back takes it away.
    let _: Value = t.put("admin", &format!("/api/v1/users/{}", t.users["alice"]), json!({"team_id": t.teams["Ward B"]})).await.good();
    let (_, xml) = fetch(&t, &path).await;
    assert_eq!(titles(&xml), ["Flu outbreak bay closures", "Flu clinic queues"]);
    let _: Value = t.put("admin", &format!("/api/v1/users/{}", t.users["alice"]), json!({"team_id": t.teams["Ward A"]})).await.good();
    let (_, xml) = fetch(&t, &path).await;
    assert_eq!(titles(&xml), ["Flu clinic queues"], "nothing shown before a permission change leaks after it");

    // A reader that has the feed gets a 304, by ETag or by date, until something new arrives.
    let first = t.client.get(format!("{}{path}", t.base)).send().await.unwrap();
    let etag = first.headers()[ETAG].to_str().unwrap().to_string();
    let modified = first.headers()[LAST_MODIFIED].to_str().unwrap().to_string();
    let again = t.client.get(format!("{}{path}", t.base)).header(IF_NONE_MATCH, &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let again = t.client.get(format!("{}{path}", t.base)).header(IF_MODIFIED_SINCE, &modified).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    published(&t, "alice", "Flu clinic signage", "Ward A", "organisation").await;
    t.settle().await;
    let changed = t.client.get(format!("{}{path}", t.base)).header(IF_NONE_MATCH, &etag).send().await.unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()[ETAG].to_str().unwrap(), etag);
    assert_eq!(titles(&changed.text().await.unwrap())[0], "Flu clinic signage");

    // A feed key opens feeds only; an API token opens no feed.
    let res = t.client.get(format!("{}/api/v1/me", t.base)).bearer_auth(&key).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(fetch(&t, &format!("/feeds/{}/search?q=flu", t.tokens["alice"])).await.0, StatusCode::NOT_FOUND);
    // A team alice is not in, and no team at all, are not found rather than empty.
    assert_eq!(fetch(&t, &format!("/feeds/{key}/teams/999999")).await.0, StatusCode::NOT_FOUND);
    // A revoked key is a plain 404, and so is a replaced one.
    let newer = t.app.create_feed_key(&alice).await.unwrap().secret;
    assert_eq!(fetch(&t, &path).await.0, StatusCode::NOT_FOUND, "the earlier key stopped when a new one was made");
    assert_eq!(fetch(&t, &format!("/feeds/{newer}/search?q=flu")).await.0, StatusCode::OK);
    t.app.revoke_feed_key(&alice).await.unwrap();
    assert_eq!(fetch(&t, &format!("/feeds/{newer}/search?q=flu")).await.0, StatusCode::NOT_FOUND);
}

async fn the_feeds_page_shows_addresses_once_and_revokes_them(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    published(&t, "alice", "Flu clinic queues", "Ward A", "organisation").await;
    t.settle().await;
    // Alice belongs to one community; her feeds include its questions, not those of one she has not joined.
    let joined: Value = t.post("alice", "/api/v1/communities", json!({ "name": "Flu leads", "description": "Flu season" })).await.good();
    let _: Value = t.post("bob", "/api/v1/communities", json!({ "name": "Tissue viability", "description": "Wounds" })).await.good();
    let alice = WebUser::sign_in(&t, "alice").await;
    let (_, search) = alice.get("/search?q=flu").await;
    assert!(search.contains("Follow this search in a feed reader"));
    let (status, page) = alice.get("/account/feeds?search=q%3Dflu").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("You have no feed key"));

    let (status, _, page) = alice.post("/account/feeds", &[("search", "q=flu")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Copy them into your feed reader now"));
    let start = page.find("/feeds/spf_").expect("the addresses hold the key");
    let address: String = page[start..].chars().take_while(|c| *c != '<').collect();
    assert!(address.ends_with("/search?q=flu"), "{address}");
    assert!(page.contains("Questions in Flu leads") && page.contains(&format!("/communities/{}</code>", joined["id"])), "{page}");
    assert!(!page.contains("Questions in Tissue viability"));
    let (status, xml) = fetch(&t, &address.replace("&amp;", "&")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(titles(&xml), ["Flu clinic queues"]);
    let (_, again) = alice.get("/account/feeds").await;
    assert!(!again.contains("/feeds/spf_") && again.contains("You made your key on"), "the key is shown once");

    let (status, _, page) = alice.post("/account/feeds/revoke", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your feed key is revoked"));
    assert_eq!(fetch(&t, &address).await.0, StatusCode::NOT_FOUND);
}
