//! A team's maturity self-assessment in a real browser, with JavaScript on and off and
//! axe-core on every page: record it through the form, see it on the river diagram and
//! the stairs beside another team, download the workbook and upload it into another
//! organisation, where it arrives identically.
use crate::common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::browser::Browser;
use common::{Backend, PASSWORD, TestApp};
use fantoccini::Locator;
use serde_json::json;

on_both_backends!(a_team_assesses_itself_sees_the_river_diagram_and_its_workbook_round_trips);

async fn signed_in(t: &TestApp, who: &str, javascript: bool) -> Browser {
    let b = Browser::start(javascript).await;
    b.client.goto(&format!("{}/sign-in", t.base)).await.unwrap();
    b.fill("email", &format!("{who}@trust.nhs.uk")).await;
    b.fill("password", PASSWORD).await;
    b.click("form[action='/sign-in'] button[type=submit]").await;
    assert!(b.wait_for_text("Sign out").await, "{who} signs in");
    b
}

async fn choose(b: &Browser, id: &str, value: &str) {
    b.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("no #{id}")).select_by_value(value).await.unwrap();
}

async fn text_of(b: &Browser, css: &str) -> String {
    b.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("nothing matches {css}")).text().await.unwrap()
}

async fn workbook(t: &TestApp) -> Vec<u8> {
    let url = format!("{}/api/v1/maturity/models/nhs-km/assessments.xlsx", t.base);
    t.client.get(url).bearer_auth(&t.tokens["alice"]).send().await.unwrap().bytes().await.unwrap().to_vec()
}

fn cells(xlsx: &[u8]) -> Vec<Vec<Vec<String>>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|n| book.worksheet_range(&n).unwrap().rows().map(|r| r.iter().map(|c: &Data| c.to_string()).collect()).collect())
        .collect()
}

async fn journey(backend: Backend, javascript: bool) {
    let t = TestApp::spawn(backend).await;
    let ratings = json!([
        { "category": "Taking a strategic approach", "current": 4, "target": 5, "evidence": "A KM strategy signed off by the board" },
        { "category": "Leadership", "current": 4, "target": 4 },
        { "category": "Building a learning organisation", "current": 3, "target": 4 },
    ]);
    let ward_b = json!({ "model_key": "nhs-km", "team_id": t.teams["Ward B"], "held_on": "2026-10-02", "ratings": ratings });
    assert_eq!(t.post("bob", "/api/v1/maturity/assessments", ward_b).await.0, reqwest::StatusCode::CREATED);

    let b = signed_in(&t, "alice", javascript).await;
    b.visit_accessible(&t.base, "/maturity").await;
    assert!(text_of(&b, ".nhsuk-warning-callout").await.contains("nine categories"), "the incomplete model says so");
    b.client.find(Locator::LinkText("Record an assessment")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Assess against NHS knowledge management maturity model").await);
    b.assert_accessible("the assessment form").await;
    b.click("form[action^='/maturity/assess'] button").await;
    assert!(b.wait_for_text("There is a problem").await, "every category needs its levels");
    b.assert_accessible("the assessment form with errors").await;
    b.fill_date("held_on", "2026-11-02").await;
    b.fill("facilitator", "Amira Haddad").await;
    b.fill("participants", "alice\nA healthcare assistant").await;
    for (i, (now, target)) in [("2", "4"), ("1", "3"), ("2", "3")].iter().enumerate() {
        choose(&b, &format!("current-{i}"), now).await;
        choose(&b, &format!("target-{i}"), target).await;
    }
    b.fill("evidence-0", "Lessons are captured after every incident review").await;
    b.fill("actions", "Ask Ward B how they wrote their strategy\nName a knowledge advocate").await;
    b.click("form[action^='/maturity/assess'] button").await;
    assert!(b.wait_for_text("Assessment recorded.").await);
    assert!(text_of(&b, "#ratings").await.contains("2 Reaction"));
    assert!(text_of(&b, "#action-plan").await.contains("Name a knowledge advocate"));
    b.assert_accessible("an assessment").await;

    b.visit_accessible(&t.base, "/maturity?model=nhs-km").await;
    let river = b.client.find(Locator::Css("#river .signpost-chart__canvas svg")).await.expect("the river diagram is drawn");
    assert_eq!(river.attr("role").await.unwrap().as_deref(), Some("img"));
    assert!(text_of(&b, "#river-desc").await.contains("2 teams"), "the text alternative says what it shows");
    assert!(text_of(&b, "#helpers").await.contains("Ward B (at 4) could help Ward A reach 4 in Taking a strategic approach"));
    assert!(b.client.find(Locator::Css("a[href='/maturity/nhs-km/assessments.xlsx']")).await.is_ok());
    // The key is text that wraps, and no chart's text is drawn smaller than 14 px, on a
    // wide screen or a phone (where the drawing scrolls sideways instead of shrinking).
    let key = text_of(&b, "#river .signpost-legend").await;
    assert!(key.contains("Ward A") && key.contains("Ward B"), "{key}");
    assert!(text_of(&b, "#stairs").await.contains("Ward B"), "the stairs name each team on its step");
    let smallest = "return Math.min(...[...document.querySelectorAll('.signpost-chart svg text')].map(t => {\
        const svg = t.ownerSVGElement; return parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; }));";
    for (width, name) in [(1280, "wide"), (390, "phone")] {
        b.client.set_window_size(width, 900).await.unwrap();
        let px = b.client.execute(smallest, vec![]).await.unwrap().as_f64().unwrap();
        assert!(px >= 13.9, "chart text is {px:.1} px on a {name} screen");
        for chart in ["river", "stairs", "heatmap", "trends"] {
            b.client.execute(&format!("document.getElementById('{chart}').scrollIntoView()"), vec![]).await.unwrap();
            b.screenshot(&format!("maturity-{chart}-{name}-js-{javascript}")).await;
        }
    }
    b.close().await;

    // The workbook goes to another organisation through its import form and arrives identically.
    let exported = workbook(&t).await;
    let file = tempfile::Builder::new().suffix(".xlsx").tempfile().unwrap();
    std::fs::write(file.path(), &exported).unwrap();
    // A knowledge specialist imports it: the workbook holds two teams' assessments.
    let other = TestApp::spawn(backend).await;
    let hash = signpost_services::accounts::hash_password(PASSWORD.to_string()).await.unwrap();
    other.app.set_hashed_password(other.users["spec"], &hash).await.unwrap();
    let b = signed_in(&other, "spec", javascript).await;
    b.visit_accessible(&other.base, "/maturity").await;
    b.click("form[action='/maturity/import'] button").await;
    assert!(b.wait_for_text("There is a problem").await, "a file is needed");
    b.assert_accessible("import with errors").await;
    b.client.find(Locator::Id("file")).await.unwrap().send_keys(&file.path().to_string_lossy()).await.unwrap();
    b.click("form[action='/maturity/import'] button").await;
    assert!(b.wait_for_text("Imported.").await);
    assert!(text_of(&b, "#assessments").await.contains("Ward A"));
    b.assert_accessible("imported assessments").await;
    b.close().await;
    assert_eq!(cells(&workbook(&other).await), cells(&exported));
}

async fn a_team_assesses_itself_sees_the_river_diagram_and_its_workbook_round_trips(backend: Backend) {
    journey(backend, true).await;
    journey(backend, false).await;
}
