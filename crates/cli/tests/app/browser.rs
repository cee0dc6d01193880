//! Journeys in a real browser (Debian's chromium), with JavaScript on and off, and
//! axe-core on every page reached: zero WCAG 2.2 AA violations. Screenshots of the
//! key pages are saved (SIGNPOST_SCREENSHOTS sets where).
use crate::common;

use common::browser::Browser;

use common::{Backend, PASSWORD, TestApp, lesson};
use fantoccini::Locator;
use fantoccini::key::Key;
use signpost_domain::learning::ProjectStage;

on_both_backends!(
    sign_in_search_edit_meet_the_guard_fix_publish_verify_and_sign_out,
    the_demo_trust_pages_pass_axe_and_make_the_readme_screenshots,
    every_administration_page_passes_axe,
    the_keyboard_alone_goes_everywhere_in_order_with_focus_always_visible,
);

async fn sign_in(b: &Browser, base: &str, who: &str) {
    b.client.goto(&format!("{base}/sign-in")).await.unwrap();
    b.fill("email", &format!("{who}@trust.nhs.uk")).await;
    b.fill("password", PASSWORD).await;
    b.click("form[action='/sign-in'] button[type=submit]").await;
    assert!(b.wait_for_text(&format!("Hello {who}")).await, "home page after sign-in");
}

async fn journey(t: &TestApp, javascript: bool) {
    let b = Browser::start(javascript).await;
    let url = |p: &str| format!("{}{p}", t.base);
    b.client.goto(&url("/")).await.unwrap();
    assert!(b.client.current_url().await.unwrap().path().ends_with("/sign-in"), "signed-out visitors are sent to sign in");
    b.assert_accessible("sign-in page").await;
    if !javascript {
        b.screenshot("sign-in").await;
    }

    // Submitting empty shows the error summary, which must itself be accessible.
    b.click("form[action='/sign-in'] button[type=submit]").await;
    assert!(b.wait_for_text("There is a problem").await, "error summary shown");
    b.assert_accessible("sign-in page with errors").await;

    b.fill("email", "alice@trust.nhs.uk").await;
    b.fill("password", PASSWORD).await;
    b.click("form[action='/sign-in'] button[type=submit]").await;
    assert!(b.wait_for_text("Hello alice").await, "home page after sign-in");
    assert_eq!(b.client.current_url().await.unwrap().path(), "/");
    assert!(b.client.source().await.unwrap().contains("Infection control huddles"), "recent knowledge on the home page");
    b.assert_accessible("home page").await;

    // Search from the home page, then narrow by a facet: a plain GET form, so it works with JavaScript off too.
    b.fill("home-search", "infection").await;
    b.click("main form[action='/search'] button").await;
    assert!(b.wait_for_text("2 results").await, "search results");
    let source = b.client.source().await.unwrap();
    assert!(source.contains("Infection control huddles") && source.contains("Infection prevention audit"), "both matches listed");
    b.assert_accessible("search results").await;
    // On a wide screen the script unfolds the filters and applies a change at once;
    // without it they are one click away, with a button to apply them.
    if !javascript {
        b.click("details#filters summary").await;
    }
    b.click("label[for='kind-0']").await;
    if !javascript {
        b.click("form[action='/search'] button.nhsuk-button--secondary").await;
    }
    assert!(b.wait_for_text(">1 result for").await, "a facet narrows the results");
    assert!(b.client.current_url().await.unwrap().query().is_some_and(|q| q.contains("kind=")));

    // Open a result and compare its versions.
    b.client.find(Locator::LinkText("Infection prevention audit")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("About this knowledge").await, "the result opens the asset page");
    b.assert_accessible("asset page").await;

    // A draft from the home page: edit it, meet the NHS-number guard, fix it, publish, verify.
    b.client.goto(&url("/")).await.unwrap();
    b.client.find(Locator::LinkText("Discharge letters")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Edit this knowledge").await);
    b.client.find(Locator::LinkText("Edit this knowledge")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Edit “Discharge letters”").await, "the edit form");
    b.assert_accessible("edit form").await;
    b.fill("body", "Letters went out late.\nThe patient, NHS number 943 476 5919, was readmitted.").await;
    b.click("button[value=publish]").await;
    assert!(b.wait_for_text("looks like an NHS number").await, "the guard refuses to publish");
    let next_to_body = b.client.find(Locator::Css("#body-error")).await.expect("the message sits on the body field");
    let message = next_to_body.text().await.unwrap();
    assert!(message.contains("Line 2") && !message.contains("943 476 5919"), "{message}");
    b.assert_accessible("edit form refusing an NHS number").await;
    if javascript {
        b.screenshot("nhs-number-warning").await;
    }
    b.fill("body", "Letters went out late.\nThe patient was readmitted.").await;
    b.click("button[value=preview]").await;
    assert!(b.wait_for_text("No probable NHS numbers found").await, "the preview");
    b.assert_accessible("edit form with preview").await;
    b.click("button[value=publish]").await;
    assert!(b.wait_for_text("You published this knowledge").await, "fixed, it publishes");
    b.assert_accessible("asset page after publishing").await;
    b.click("form[action$='/verify'] button").await;
    assert!(b.wait_for_text("You verified this knowledge").await, "verify shows a success banner");
    b.click("a[href*='/diff?from=']").await;
    assert!(b.wait_for_text("Changes from version").await, "the history links to the differences");
    b.assert_accessible("differences between versions").await;

    if javascript {
        // Type-ahead: titles appear under the header's search box as you type.
        b.fill("search-field", "discha").await;
        let suggested = common::eventually(std::time::Duration::from_secs(10), async || {
            b.client.find(Locator::Css("#header-suggestions a")).await.is_ok()
        })
        .await;
        assert!(suggested.is_some(), "suggestions appear");
        assert!(b.client.find(Locator::Css("#header-suggestions")).await.unwrap().text().await.unwrap().contains("Discharge letters"));
        // Seen in the walkthrough: the kind beside each title was white on white, and the
        // list as narrow as the box, so each title took four lines.
        let looks = b
            .client
            .execute(
                "const list = document.querySelector('#header-suggestions'); \
                 const kind = list.querySelector('.nhsuk-body-s'); \
                 return [getComputedStyle(kind).color, list.getBoundingClientRect().width];",
                vec![],
            )
            .await
            .unwrap();
        assert_ne!(looks[0], "rgb(255, 255, 255)", "each suggestion's kind is readable: {looks}");
        assert!(looks[1].as_f64().unwrap() >= 400.0, "the list is wide enough to read a title in a line or two: {looks}");
        b.assert_accessible("page showing suggestions").await;
    }

    let (alice, ward_a) = (t.users["alice"], t.teams["Ward A"]);
    for path in [
        "/assets/new".to_string(),
        "/assets/new?kind=evidence_summary".into(),
        "/reviews".into(),
        format!("/reviews?team={ward_a}"),
        "/people".into(),
        format!("/people/{alice}"),
        "/teams".into(),
        format!("/teams/{ward_a}"),
        "/techniques".into(),
        "/techniques/retrospect".into(),
        "/techniques/conversation-cafe".into(),
        "/account/tokens".into(),
        "/account/feeds".into(),
        "/alerts".into(),
        "/thesaurus".into(),
        "/accessibility".into(),
        "/no-such-page".into(),
        "/admin".into(),
    ] {
        b.visit_accessible(&t.base, &path).await;
    }

    b.client.goto(&url("/")).await.unwrap();
    b.click("form[action='/sign-out'] button").await;
    assert!(b.wait_for_text("Sign in to Signpost").await, "sign out lands on the sign-in page");
    b.client.goto(&url("/")).await.unwrap();
    assert!(b.client.current_url().await.unwrap().path().ends_with("/sign-in"), "signed out for good");
    b.close().await;
}

async fn seeded(backend: Backend) -> TestApp {
    let t = TestApp::spawn(backend).await;
    t.post("alice", "/api/v1/assets", lesson("Infection control huddles", t.teams["Ward A"], "organisation", "published")).await;
    let mut guide = lesson("Infection prevention audit", t.teams["Ward A"], "organisation", "published");
    guide["kind"] = serde_json::json!("guidance");
    guide["fields"] = serde_json::json!({"audience": "Ward staff", "source": "Local policy"});
    t.post("alice", "/api/v1/assets", guide).await;
    t.post("alice", "/api/v1/assets", lesson("Discharge letters", t.teams["Ward A"], "organisation", "draft")).await;
    t.settle().await;
    t
}

async fn sign_in_search_edit_meet_the_guard_fix_publish_verify_and_sign_out(backend: Backend) {
    let t = seeded(backend).await;
    journey(&t, true).await;
    // The first run published the draft; the run without JavaScript starts from a fresh one.
    let t = seeded(backend).await;
    journey(&t, false).await;
}

async fn every_administration_page_passes_axe(backend: Backend) {
    let t = seeded(backend).await;
    t.app.set_password(None, t.users["admin"], PASSWORD.to_string()).await.unwrap();
    // A job that failed for good, so the jobs page shows its error and the button to retry it.
    {
        use signpost_domain::ports::JobStore;
        let db = signpost_store::Db::connect(t.db.location("node").database.as_deref().unwrap()).await.unwrap();
        let body = serde_json::json!({ "to": "alice@trust.nhs.uk", "subject": "Hello", "body": "Hi" });
        let mut email = signpost_domain::jobs::NewJob::now("email", body, "axe-mail");
        email.max_attempts = 1;
        db.enqueue(&[email]).await.unwrap();
        db.close().await;
        t.app.run_due_jobs().await.unwrap();
    }
    for javascript in [true, false] {
        let b = Browser::start(javascript).await;
        sign_in(&b, &t.base, "admin").await;
        let bob = t.users["bob"];
        for path in [
            "/admin".to_string(),
            "/admin/users".into(),
            format!("/admin/users/{bob}"),
            "/admin/teams".into(),
            "/admin/synonyms".into(),
            "/admin/audit".into(),
            "/admin/jobs".into(),
            "/admin/jobs?state=failed".into(),
            "/admin/sign-in".into(),
            "/admin/provisioning".into(),
            "/account".into(),
            "/account/password".into(),
            "/account/notifications".into(),
            "/alerts/everyone".into(),
            "/thesaurus".into(),
        ] {
            b.visit_accessible(&t.base, &path).await;
        }
        if !javascript {
            b.client.goto(&format!("{}/admin/jobs?state=failed", t.base)).await.unwrap();
            b.screenshot("admin-jobs-failed").await;
            b.client.goto(&format!("{}/admin/users/{bob}", t.base)).await.unwrap();
            b.screenshot("admin-user").await;
            b.client.goto(&format!("{}/account/notifications", t.base)).await.unwrap();
            b.screenshot("account-emails").await;
            b.client.goto(&format!("{}/admin/provisioning", t.base)).await.unwrap();
            b.fill("name", "Entra ID provisioning").await;
            b.click("form[action='/admin/provisioning'] button").await;
            assert!(b.wait_for_text("Copy it now").await);
            b.assert_accessible("a new provisioning token").await;
            b.screenshot("admin-provisioning").await;
        }
        b.client.goto(&format!("{}/admin/synonyms", t.base)).await.unwrap();
        b.fill("groups", "lonely").await;
        b.click("form[action='/admin/synonyms'] button").await;
        assert!(b.wait_for_text("a group needs at least two terms").await);
        b.assert_accessible("synonyms refusing a group of one").await;
        b.client.goto(&format!("{}/admin/users", t.base)).await.unwrap();
        b.fill("name", "Dana").await;
        b.click("form[action='/admin/users'] button").await;
        assert!(b.wait_for_text("There is a problem").await);
        b.assert_accessible("add user refusing bad input").await;
        b.close().await;
    }
}

/// Presses Tab and describes where focus landed, recording it for the order check.
async fn tab(b: &Browser) -> serde_json::Value {
    b.client.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
    let script = "const e = document.activeElement; (window.stops = window.stops || []).push(e);\
        const s = getComputedStyle(e); const r = e.getBoundingClientRect();\
        const outline = s.outlineStyle !== 'none' && s.outlineColor !== 'rgba(0, 0, 0, 0)' && parseFloat(s.outlineWidth) > 0;\
        return { what: e.tagName + ' ' + (e.id || (e.textContent || '').trim().slice(0, 30)),\
                 visible: outline || s.boxShadow !== 'none', onScreen: r.width > 0 && r.height > 0 };";
    b.client.execute(script, vec![]).await.unwrap()
}

async fn the_keyboard_alone_goes_everywhere_in_order_with_focus_always_visible(backend: Backend) {
    let t = seeded(backend).await;
    let b = Browser::start(true).await;
    b.client.goto(&format!("{}/sign-in", t.base)).await.unwrap();
    // Sign in with the keyboard: skip link, then into the form.
    let first = tab(&b).await;
    assert!(first["what"].as_str().unwrap().contains("Skip to main content") && first["visible"] == true, "{first}");
    b.client.active_element().await.unwrap().send_keys(&Key::Enter.to_string()).await.unwrap();
    let email = tab(&b).await;
    assert_eq!(email["what"], "INPUT email", "the skip link leads straight to the form");
    b.client.active_element().await.unwrap().send_keys("alice@trust.nhs.uk").await.unwrap();
    tab(&b).await;
    b.client.active_element().await.unwrap().send_keys(&format!("{PASSWORD}{}", Key::Enter)).await.unwrap();
    assert!(b.wait_for_text("Hello alice").await, "signed in with the keyboard alone");

    // Every tab stop on the home page shows focus, and the order follows the page.
    for _ in 0..16 {
        let stop = tab(&b).await;
        assert!(stop["visible"] == true && stop["onScreen"] == true, "focus is not visible on {stop}");
    }
    let ordered = b
        .client
        .execute("return window.stops.every((e, i, all) => i === 0 || all[i - 1].compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);", vec![])
        .await
        .unwrap();
    assert_eq!(ordered, true, "tab order follows the reading order");

    // Skip to the content, search, and open a result without a mouse.
    b.client.goto(&format!("{}/", t.base)).await.unwrap();
    tab(&b).await;
    b.client.active_element().await.unwrap().send_keys(&Key::Enter.to_string()).await.unwrap();
    let search = tab(&b).await;
    assert_eq!(search["what"], "INPUT home-search", "after the skip link, the first stop is the page's search box");
    b.client.active_element().await.unwrap().send_keys(&format!("prevention audit{}", Key::Enter)).await.unwrap();
    assert!(b.wait_for_text("1 result").await);
    let mut reached = false;
    for _ in 0..60 {
        let stop = tab(&b).await;
        assert!(stop["visible"] == true, "focus is not visible on {stop}");
        if stop["what"].as_str().unwrap().contains("Infection prevention audit") {
            reached = true;
            break;
        }
    }
    assert!(reached, "the result can be reached with Tab");
    b.client.active_element().await.unwrap().send_keys(&Key::Enter.to_string()).await.unwrap();
    assert!(b.wait_for_text("About this knowledge").await, "Enter opens it");
    b.close().await;
}

/// The demo organisation's pages, full of realistic content, checked with axe; their
/// screenshots are the ones in the README.
async fn the_demo_trust_pages_pass_axe_and_make_the_readme_screenshots(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let loaded = signpost::demo::load(&t.app).await.unwrap();
    assert!(loaded > 0);
    t.settle().await;
    let amira = t.app.user_by_email(&signpost::demo::demo_email("Amira Haddad")).await.unwrap();
    let b = Browser::start(true).await;
    b.client.goto(&format!("{}/sign-in", t.base)).await.unwrap();
    b.fill("email", &amira.email).await;
    b.fill("password", signpost::demo::DEMO_PASSWORD).await;
    b.click("form[action='/sign-in'] button[type=submit]").await;
    assert!(b.wait_for_text("Hello Amira").await);
    b.assert_accessible("demo home page").await;
    b.screenshot("home").await;

    b.fill("home-search", "handover").await;
    b.click("main form[action='/search'] button").await;
    assert!(b.wait_for_text("results for").await);
    b.assert_accessible("demo search results").await;
    b.screenshot("search").await;

    b.click("main li h2 a").await;
    assert!(b.wait_for_text("About this knowledge").await);
    b.assert_accessible("demo asset page").await;
    b.screenshot("asset").await;

    let team = amira.team_id.unwrap();
    let actor = t.app.actor(amira.id).await.unwrap();
    let planning = t.app.projects(&actor).await.unwrap().into_iter().find(|p| p.stage == ProjectStage::Planning).unwrap();
    let sessions = t.app.learning_sessions(&actor).await.unwrap();
    let session_of = |technique: &str| sessions.iter().find(|s| s.technique_key == technique).unwrap().id;
    let network =
        t.app.communities(&actor).await.unwrap().into_iter().find(|c| c.community.name == "Deteriorating patient network").unwrap();
    let answered = t
        .app
        .community_view(&actor, network.community.id)
        .await
        .unwrap()
        .questions
        .into_iter()
        .find(|q| q.question.accepted_answer.is_some())
        .unwrap();
    let programme = t.app.programmes(&actor).await.unwrap().remove(0);
    let plan = t.app.plans(&actor).await.unwrap().remove(0).plan;
    let exchange = plan.areas[0].actions[0].id;
    let at_risk = t.app.risk_register(&actor).await.unwrap().entries.remove(0).area.id;
    let assessment = t.app.maturity_overview(&actor, "nhs-km").await.unwrap().teams.remove(0).latest.id;
    for (path, name) in [
        ("/leavers".to_string(), "leavers"),
        (format!("/leavers/{}", plan.id), "leaver-plan"),
        (format!("/leavers/{}/actions/{exchange}/note", plan.id), "handover-note"),
        ("/risks".to_string(), "knowledge-at-risk"),
        (format!("/risks/{at_risk}"), "critical-area"),
        ("/maturity".to_string(), "maturity"),
        ("/showcase".to_string(), "showcase"),
        ("/reports".to_string(), "programme-report"),
        ("/reports/print".to_string(), "programme-report-print"),
        (format!("/impact/new?session={}", session_of("retrospect")), "record-impact"),
        ("/maturity/assess?model=collison-parcell".to_string(), "maturity-assess"),
        (format!("/maturity/assessments/{assessment}"), "maturity-assessment"),
        ("/communities".to_string(), "communities"),
        (format!("/communities/{}", network.community.id), "community"),
        (format!("/communities/{}/ask?title=repeat+sepsis+screening", network.community.id), "ask"),
        (format!("/questions/{}", answered.question.id), "question"),
        ("/experts?q=sepsis+screening".to_string(), "experts"),
        ("/advocates".to_string(), "advocates"),
        ("/mentoring".to_string(), "mentoring"),
        ("/coffee".to_string(), "coffee"),
        (format!("/coffee/{}", programme.id), "coffee-programme"),
        ("/profile".to_string(), "profile"),
        (format!("/people/{}", amira.id), "person"),
        ("/notifications".to_string(), "notifications"),
        (format!("/teams/{team}"), "team"),
        ("/teams".to_string(), "teams"),
        ("/reviews".to_string(), "reviews"),
        ("/assets/new?kind=lesson".to_string(), "editor"),
        ("/projects".to_string(), "projects"),
        (format!("/projects/{}", planning.id), "project"),
        (format!("/sessions/{}", session_of("before-action-review")), "before-action-review"),
        (format!("/sessions/{}", session_of("premortem")), "premortem"),
        (format!("/sessions/{}/print", session_of("retrospect")), "retrospect-report"),
        ("/actions".to_string(), "actions"),
        ("/lessons/unlearned".to_string(), "unlearned-lessons"),
        ("/techniques/choose?stage=before&purpose=plan_ahead&people=8&minutes=90&knowledge=tacit&facilitator=yes".to_string(), "choose"),
    ] {
        b.visit_accessible(&t.base, &path).await;
        b.screenshot(name).await;
    }
    b.close().await;
}
