//! Stored and reflected script injection: payloads in asset titles, summaries, bodies,
//! tags, topics, fields and search queries must execute nothing in Chromium, on every
//! page that shows them. Each payload, if it ran, would set `window.__xss`.
use crate::common;

use common::browser::Browser;
use common::{Backend, PASSWORD, TestApp, lesson};
use fantoccini::Locator;
use serde_json::json;

on_both_backends!(script_payloads_in_content_and_queries_never_execute_in_the_browser);

const PAYLOADS: [&str; 10] = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=2\">",
    "<svg onload=\"window.__xss=3\">",
    "\"><script>window.__xss=4</script>",
    "'><img src=x onerror=window.__xss=5>",
    "<iframe srcdoc=\"<script>parent.__xss=6</script>\"></iframe>",
    "[click](javascript:window.__xss=7)",
    "<a href=\"javascript:window.__xss=8\">link</a>",
    "<details open ontoggle=\"window.__xss=9\">",
    "</mark><script>window.__xss=10</script><mark>",
];

async fn script_payloads_in_content_and_queries_never_execute_in_the_browser(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let mut ids = Vec::new();
    for (i, p) in PAYLOADS.iter().enumerate() {
        let mut a = lesson(&format!("Payload {i} {p}"), t.teams["Ward A"], "organisation", "published");
        a["summary"] = json!(format!("xsscanary summary {p}"));
        a["body"] = json!(format!("xsscanary body {p}\n\n{p}\n"));
        a["tags"] = json!([format!("tag {p}")]);
        a["topics"] = json!([format!("topic {p}")]);
        a["fields"]["context"] = json!(format!("context {p}"));
        let (status, v) = t.post("alice", "/api/v1/assets", a).await;
        assert_eq!(status.as_u16(), 201, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    t.settle().await;

    let b = Browser::start(true).await;
    let url = |p: &str| format!("{}{p}", t.base);
    b.client.goto(&url("/sign-in")).await.unwrap();
    b.client.find(Locator::Id("email")).await.unwrap().send_keys("alice@trust.nhs.uk").await.unwrap();
    b.client.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    b.client.find(Locator::Css("form[action='/sign-in'] button[type=submit]")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Hello alice").await);

    let mut pages = vec!["/".to_string(), "/search?q=xsscanary".to_string()];
    pages.extend(PAYLOADS.iter().map(|p| format!("/search?q={}", serde_urlencoded::to_string([("", p)]).unwrap().trim_start_matches('='))));
    pages.extend(ids.iter().map(|id| format!("/assets/{id}")));
    // Where the same text reappears: the editor's fields, lists, and the type-ahead fragment.
    pages.extend(ids.iter().map(|id| format!("/assets/{id}/edit")));
    pages.extend([
        format!("/teams/{}", t.teams["Ward A"]),
        format!("/people/{}", t.users["alice"]),
        "/teams".to_string(),
        "/search/suggest?q=payload".to_string(),
    ]);
    for page in &pages {
        b.client.goto(&url(page)).await.unwrap();
        // Give event handlers (onerror, onload, ontoggle) a moment to fire if anything slipped through.
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let fired = b.client.execute("return window.__xss || null;", vec![]).await.unwrap();
        assert!(fired.is_null(), "payload {fired} executed on {page}");
        let injected = b.client.execute("return document.querySelectorAll('main script, main iframe, main svg[onload], main [onerror], main [ontoggle], main a[href^=javascript]').length;", vec![]).await.unwrap();
        assert_eq!(injected, json!(0), "an injected element survived on {page}");
    }
    let source = {
        b.client.goto(&url("/search?q=xsscanary")).await.unwrap();
        b.client.source().await.unwrap()
    };
    assert!(source.contains("10 results"), "every payload asset was found and shown");
    b.close().await;
}
