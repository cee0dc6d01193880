//! Ranking by meaning: with an embedding model configured, assets are embedded in
//! the background and a search finds what its words miss, still only among what
//! the asker may see; edits are re-embedded; without a model search is by words.
use crate::common;

use std::time::Duration;

use common::{Backend, TestApp, embedding_model, eventually, lesson};
use serde_json::{Value, json};
use signpost::open;
use signpost_domain::search::SearchRequest;

on_both_backends!(meaning_finds_what_words_miss_only_among_what_the_asker_may_see);

fn asset(t: &TestApp, team: &str, visibility: &str, title: &str, body: &str) -> Value {
    let mut a = lesson(title, t.teams[team], visibility, "published");
    a["summary"] = json!("");
    a["body"] = json!(body);
    a["tags"] = json!([]);
    a
}

async fn create(t: &TestApp, who: &str, a: Value) -> i64 {
    let (status, created) = t.post(who, "/api/v1/assets", a).await;
    assert!(status.is_success(), "{created}");
    created["id"].as_i64().unwrap()
}

async fn titles(t: &TestApp, who: &str, q: &str) -> (Vec<String>, u64, u64) {
    let (status, r) = t.get(who, &format!("/api/v1/search?q={}&facets=true", q.replace(' ', "+"))).await;
    assert!(status.is_success(), "{r}");
    let titles = r["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_string()).collect();
    let kinds = r["facets"]["kind"].as_array().unwrap().iter().map(|f| f["count"].as_u64().unwrap()).sum();
    (titles, r["total"].as_u64().unwrap(), kinds)
}

async fn embedded_everything(t: &TestApp) {
    let done = eventually(Duration::from_secs(120), async || {
        t.settle().await;
        t.app.embedding_status().is_some_and(|s| s.documents > 0 && s.embedded == s.documents)
    })
    .await;
    assert!(done.is_some(), "the background embedder did not embed every asset: {:?}", t.app.embedding_status());
}

async fn meaning_finds_what_words_miss_only_among_what_the_asker_may_see(backend: Backend) {
    let t = TestApp::spawn_with(backend, Some(embedding_model())).await;
    let falls = "Preventing falls among older inpatients";
    let audit = "Night-time incidents audit on Ward B";
    let written = [
        (
            "alice",
            "Ward A",
            "organisation",
            falls,
            "Bed rails, non-slip socks and a mobility assessment on admission reduced falls on the ward.",
        ),
        (
            "alice",
            "Ward A",
            "organisation",
            "Sepsis screening in the emergency department",
            "Screen adults with suspected infection using NEWS2 and give antibiotics within the hour.",
        ),
        ("bob", "Ward B", "team", audit, "Elderly patients tumbled out of bed at night when call bells were out of reach."),
        (
            "alice",
            "Ward A",
            "organisation",
            "Car parking permits for staff",
            "Apply to the estates office for a permit; night staff park free.",
        ),
    ];
    let mut ids = Vec::new();
    for (who, team, visibility, title, body) in written {
        ids.push(create(&t, who, asset(&t, team, visibility, title, body)).await);
    }
    let parking = ids[3];
    embedded_everything(&t).await;
    let metrics = t.client.get(format!("{}/metrics", t.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("signpost_embedded_documents 4"), "{metrics}");

    // None of these words is in the falls lesson, and "elderly" and "tumbling" only in Ward B's restricted audit.
    let query = "elderly people tumbling";
    let (alice_sees, total, facet_sum) = titles(&t, "alice", query).await;
    assert_eq!(alice_sees.first().map(String::as_str), Some(falls), "alice's results: {alice_sees:?}");
    assert!(!alice_sees.contains(&audit.to_string()), "Ward B's team-only audit reached Ward A: {alice_sees:?}");
    assert_eq!((total as usize, facet_sum), (alice_sees.len(), total), "totals and facets count only what alice may see");
    let (bob_sees, _, _) = titles(&t, "bob", query).await;
    assert_eq!(bob_sees.first().map(String::as_str), Some(audit), "bob's own team's audit matches by words and meaning: {bob_sees:?}");
    assert!(bob_sees.contains(&falls.to_string()));

    // The same store searched by a node without a model: words alone find nothing for alice.
    let (lexical, _) = open(&t.db.location("lexical-node")).await.unwrap();
    lexical.prepare_index(&|_, _| {}).await.unwrap();
    let actor = lexical.actor(t.users["alice"]).await.unwrap();
    let r = lexical.search(&actor, SearchRequest { query: query.into(), limit: 10, ..SearchRequest::default() }).await.unwrap();
    assert_eq!(r.total, 0, "by words alone: {:?}", r.hits.iter().map(|h| &h.title).collect::<Vec<_>>());

    // An edit changes what the asset means; the background embedder catches up.
    let mut edit = asset(
        &t,
        "Ward A",
        "organisation",
        "Hip protectors for frail residents",
        "Frail older residents who keep falling wear hip protectors.",
    );
    edit["expected_version"] = json!(1);
    let (status, body) = t.put("alice", &format!("/api/v1/assets/{parking}"), edit).await;
    assert!(status.is_success(), "{body}");
    let reembedded = eventually(Duration::from_secs(60), async || {
        let (seen, _, _) = titles(&t, "alice", "shielding the pelvis of old people").await;
        seen.first().is_some_and(|s| s == "Hip protectors for frail residents")
    })
    .await;
    assert!(
        reembedded.is_some(),
        "the edited asset was not re-embedded: {:?}",
        titles(&t, "alice", "shielding the pelvis of old people").await
    );
}
