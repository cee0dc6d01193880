//! Searching on a phone, as a person would: the results come before the filters,
//! which fold behind one control; drafts and archived knowledge wait behind the status
//! filter; snippets read as text, not Markdown; the type-ahead under the home page's
//! box lists titles and says how many it found.
use fantoccini::Locator;
use serde_json::json;

use crate::common::browser::Browser;
use crate::common::{Backend, TestApp, lesson};

async fn on_a_phone(javascript: bool) {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let ward = t.teams["Ward A"];
    let mut published = lesson("Sepsis screening at handover", ward, "organisation", "published");
    published["body"] = json!("## What we did\nWe screened every patient for **sepsis** at each handover.");
    t.post("alice", "/api/v1/assets", published).await;
    t.post("alice", "/api/v1/assets", lesson("Sepsis screening draft for nights", ward, "organisation", "draft")).await;
    t.post("alice", "/api/v1/assets", lesson("Sepsis screening, the old way", ward, "organisation", "archived")).await;
    t.settle().await;

    let b = Browser::start(javascript).await;
    b.client.set_window_size(390, 844).await.unwrap();
    b.sign_in_as(&t.base, "alice@trust.nhs.uk", crate::common::PASSWORD).await;

    if javascript {
        // The home page's own search box suggests titles as one types.
        b.fill("home-search", "seps").await;
        let shown = b.wait_for_text("signpost-suggestions__list").await;
        b.screenshot(&format!("home-typeahead-phone-js-{javascript}")).await;
        assert!(shown, "the home page's box suggests titles");
        let said = b.client.find(Locator::Css("#home-suggestions p")).await.unwrap().html(true).await.unwrap();
        let listed = b.client.find_all(Locator::Css("#home-suggestions li")).await.unwrap().len();
        let expected = if listed == 1 { "1 suggestion".to_string() } else { format!("{listed} suggestions") };
        assert_eq!(said.trim(), expected, "the count reads as English");
    }

    b.visit_accessible(&t.base, "/search?q=sepsis").await;
    b.screenshot(&format!("search-phone-js-{javascript}")).await;
    let page = b.client.source().await.unwrap();
    assert!(page.contains("1 result for"), "only the published lesson by default");
    assert!(!page.contains("draft for nights") && !page.contains("the old way"));
    assert!(!page.contains("## What we did"), "snippets are text, not Markdown");
    let filters = b.client.find(Locator::Css("details#filters")).await.unwrap();
    assert_eq!(filters.attr("open").await.unwrap(), None, "on a phone the filters are folded");
    let result_top =
        b.client.execute("return document.querySelector('main ul.nhsuk-list li h2').getBoundingClientRect().top;", vec![]).await.unwrap();
    assert!(result_top.as_f64().unwrap() < 844.0, "the first result is on the first screen ({result_top} px down)");

    // Drafts are a filter away.
    b.click("details#filters summary").await;
    b.click("label[for=status-1]").await;
    if !javascript {
        b.click("form[data-apply-on-change] button[type=submit]").await;
    }
    assert!(b.wait_for_text("2 results for").await, "ticking Draft applies{}", if javascript { " at once" } else { " with the button" });
    let page = b.client.source().await.unwrap();
    assert!(page.contains("draft for nights"), "the draft is found");
    b.assert_accessible("search with the draft filter").await;
    b.screenshot(&format!("search-phone-filtered-js-{javascript}")).await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searching_on_a_phone_with_javascript() {
    on_a_phone(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searching_on_a_phone_without_javascript() {
    on_a_phone(false).await;
}
