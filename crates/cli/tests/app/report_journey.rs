//! Impact and the programme report in a real browser, with JavaScript on and off and
//! axe-core on every page: a member records what a piece of knowledge changed and
//! reacts to a story in the showcase; a knowledge specialist reads the report for a
//! period, prints it, downloads it as CSV and XLSX, and withdraws a statement.
use crate::common;

use std::io::Cursor;

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use chrono::{Duration, Utc};
use common::browser::Browser;
use common::{Backend, PASSWORD, TestApp};
use fantoccini::Locator;
use serde_json::json;

on_both_backends!(impact_is_recorded_and_the_programme_report_for_a_period_downloads);

async fn signed_in(t: &TestApp, who: &str, javascript: bool) -> Browser {
    let b = Browser::start(javascript).await;
    b.client.goto(&format!("{}/sign-in", t.base)).await.unwrap();
    b.fill("email", &format!("{who}@trust.nhs.uk")).await;
    b.fill("password", PASSWORD).await;
    b.click("form[action='/sign-in'] button[type=submit]").await;
    assert!(b.wait_for_text("Sign out").await, "{who} signs in");
    b
}

async fn text_of(b: &Browser, css: &str) -> String {
    b.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("nothing matches {css}")).text().await.unwrap()
}

/// Fetches `path` with the browser's session, as its download link would.
async fn download(t: &TestApp, b: &Browser, path: &str) -> (String, Vec<u8>) {
    let cookie = b.client.get_named_cookie("signpost_session").await.unwrap();
    let res =
        t.client.get(format!("{}{path}", t.base)).header("cookie", format!("signpost_session={}", cookie.value())).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK, "{path}");
    let kind = res.headers()["content-type"].to_str().unwrap().to_string();
    (kind, res.bytes().await.unwrap().to_vec())
}

async fn journey(backend: Backend, javascript: bool) {
    let t = TestApp::spawn(backend).await;
    let hash = signpost_services::accounts::hash_password(PASSWORD.to_string()).await.unwrap();
    t.app.set_hashed_password(t.users["spec"], &hash).await.unwrap();
    let (_, lesson) =
        t.post("bob", "/api/v1/assets", common::lesson("Falls huddle method", t.teams["Ward B"], "organisation", "published")).await;
    let story = json!({ "kind": "story", "title": "The huddle that stopped the falls", "summary": "Five minutes at handover.", "body": "It began on Ward B.",
        "fields": { "storyteller": "bob", "impact": "Falls halved" }, "visibility": "organisation", "status": "published" });
    let (_, story) = t.post("bob", "/api/v1/assets", story).await;

    // alice records what the lesson changed, and reacts to the story.
    let b = signed_in(&t, "alice", javascript).await;
    b.visit_accessible(&t.base, &format!("/assets/{}", lesson["id"])).await;
    b.client.find(Locator::LinkText("Record impact")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("What difference did this knowledge make?").await);
    b.assert_accessible("the impact form").await;
    b.click("form[action^='/impact'] button").await;
    assert!(b.wait_for_text("There is a problem").await, "a quote needs words and a name");
    b.assert_accessible("the impact form with errors").await;
    b.client.find(Locator::Id("kind")).await.unwrap().select_by_value("changed_practice").await.unwrap();
    b.fill("quote", "We copied the huddle and our falls went down.").await;
    b.fill("attributed_to", "Jo Park").await;
    b.fill("role", "Ward A manager").await;
    b.click("form[action^='/impact'] button").await;
    assert!(b.wait_for_text("Impact recorded.").await);
    assert!(text_of(&b, ".nhsuk-inset-text").await.contains("We copied the huddle"));
    b.assert_accessible("an asset with its impact").await;
    b.visit_accessible(&t.base, "/showcase").await;
    b.click(&format!("#story-{} form:first-of-type button", story["id"])).await;
    assert!(b.wait_for_text("Inspiring (1)").await, "the reaction counts");
    b.assert_accessible("the showcase after a reaction").await;
    b.close().await;

    // The specialist's report for the last month, printed and downloaded.
    let b = signed_in(&t, "spec", javascript).await;
    b.visit_accessible(&t.base, "/reports?from=2026-13-01").await;
    assert!(text_of(&b, ".nhsuk-error-summary").await.contains("Enter the first day"), "a bad period says what is wrong");
    let from = (Utc::now() - Duration::days(31)).date_naive().to_string();
    let to = Utc::now().date_naive().to_string();
    b.fill("from", &from).await;
    b.fill("to", &to).await;
    b.click("form[action='/reports'] button").await;
    assert!(b.wait_for_text("Download CSV").await);
    assert!(text_of(&b, "#summary").await.contains("Outcome 2 level the evidence supports"));
    b.assert_accessible("the programme report").await;
    b.client.find(Locator::LinkText("Printable report")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Outcome 6: impact").await);
    assert!(text_of(&b, "#iso-30401").await.contains("ISO 30401"));
    assert_eq!(text_of(&b, "#organisation").await, "Test Trust", "paper says whose report it is");
    let printed = text_of(&b, "#printed").await;
    assert!(printed.starts_with("Prepared by spec on ") && printed.contains(&format!("{}/reports", t.base)), "{printed}");
    let links = b.client.find_all(Locator::Css(".signpost-print a[href]")).await.unwrap();
    assert!(!links.is_empty());
    for link in links {
        let href = link.attr("href").await.unwrap().unwrap_or_default();
        assert!(href.starts_with("http"), "a printed link is whole: {href}");
    }
    assert!(
        b.client.find(Locator::Css("body")).await.unwrap().text().await.unwrap().contains("We copied the huddle"),
        "quotes are attributable in print"
    );
    b.assert_accessible("the printable report").await;
    let period = format!("from={from}&to={to}");
    let (kind, csv) = download(&t, &b, &format!("/reports/report.csv?{period}")).await;
    assert!(kind.starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("Summary,Impact statements,,1\n"), "{csv}");
    assert!(
        csv.contains("Impact,It changed practice,\"Falls huddle method — Jo Park, Ward A manager (team)\",We copied the huddle"),
        "{csv}"
    );
    let (kind, xlsx) = download(&t, &b, &format!("/reports/report.xlsx?{period}")).await;
    assert!(kind.contains("spreadsheetml"));
    let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
    assert!(book.sheet_names().contains(&"Impact".to_string()));

    // The person quoted asks for it to come out: the specialist withdraws it.
    b.visit_accessible(&t.base, &format!("/assets/{}", lesson["id"])).await;
    b.click("#impact ~ .nhsuk-inset-text a[href$='/withdraw']").await;
    assert!(b.wait_for_text("Withdraw this impact statement?").await);
    assert!(text_of(&b, ".nhsuk-inset-text").await.contains("We copied the huddle"), "it shows what will go");
    b.assert_accessible("withdrawing an impact statement").await;
    b.click("form[action$='/withdraw'] button").await;
    assert!(b.wait_for_text("The impact statement is withdrawn.").await);
    assert!(text_of(&b, "main").await.contains("No impact recorded yet."));
    b.assert_accessible("an asset after its impact was withdrawn").await;
    let (_, csv) = download(&t, &b, &format!("/reports/report.csv?{period}")).await;
    assert!(String::from_utf8(csv).unwrap().contains("Summary,Impact statements,,0\n"), "and it leaves the report");
    b.close().await;
}

async fn impact_is_recorded_and_the_programme_report_for_a_period_downloads(backend: Backend) {
    journey(backend, true).await;
    journey(backend, false).await;
}
