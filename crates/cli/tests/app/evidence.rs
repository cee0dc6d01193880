//! Evidence search requests: a member asks; a specialist takes the request, records the
//! searches, imports the RIS and PubMed results into the summary, selects and appraises
//! them and delivers; weeks later the member's answer to the follow-up becomes an impact
//! statement in the programme report, and the expert finder counts the search. A second,
//! similar request shows the first one's search and summary. The request stays with the
//! people it names; bad input is refused where it is wrong, with nothing written.
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common;
use common::browser::Browser;
use common::web::{WebUser, assert_redirect};
use common::{Backend, Good, PASSWORD, TestApp};
use signpost_domain::people::{NewUser, Role};

on_both_backends!(a_request_goes_from_member_to_delivered_summary_to_the_difference_it_made);

/// The browser journey on the embedded default; the journey above holds both backends to the same steps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_made_and_delivered_in_the_browser() {
    browser_journey(Backend::Sqlite).await
}

const QUESTION: &str = "Does hourly rounding reduce falls in older inpatients?";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/references").join(name)).unwrap()
}

/// The request id a `/evidence/requests/N?done=…` redirect names.
fn request_id(location: &Option<String>) -> i64 {
    let loc = location.as_deref().expect("a redirect");
    loc.trim_start_matches("/evidence/requests/").split(['?', '#']).next().unwrap().parse().unwrap_or_else(|_| panic!("{loc}"))
}

/// The evidence summary a request page offers to import results into.
fn summary_id(page: &str) -> i64 {
    let end = page.find("/references\"").expect("a link to import results into the summary");
    let digits: String = page[..end].chars().rev().take_while(char::is_ascii_digit).collect();
    digits.chars().rev().collect::<String>().parse().unwrap()
}

fn deadline() -> String {
    (Utc::now().date_naive() + Duration::days(14)).to_string()
}

async fn notifications(u: &WebUser) -> String {
    u.get("/notifications").await.1
}

async fn import(t: &TestApp, summary: i64, file: &str) -> Value {
    let path = format!("{}/api/v1/assets/{summary}/references", t.base);
    let res = t.client.post(path).bearer_auth(&t.tokens["spec"]).body(fixture(file)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{file} imports");
    res.json().await.unwrap()
}

/// Sets the summary's overall appraisal through the API, as an edit would.
async fn write_appraisal(t: &TestApp, summary: i64) {
    let mut asset: Value = t.get("spec", &format!("/api/v1/assets/{summary}")).await.good();
    let mut change = json!({});
    for k in [
        "kind",
        "title",
        "summary",
        "body",
        "fields",
        "tags",
        "topics",
        "team_id",
        "visibility",
        "named_viewers",
        "review_interval_days",
        "links",
    ] {
        change[k] = asset[k].take();
    }
    change["fields"]["appraisal"] = json!("Two cohort studies of moderate quality; applicable to our medical wards.");
    change["summary"] = json!("Hourly rounding is associated with fewer falls in older inpatients.");
    change["expected_version"] = asset["version"].clone();
    let _: Value = t.put("spec", &format!("/api/v1/assets/{summary}"), change).await.good();
}

async fn a_request_goes_from_member_to_delivered_summary_to_the_difference_it_made(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (alice, bob, spec, guest) = (
        WebUser::sign_in(&t, "alice").await,
        WebUser::sign_in(&t, "bob").await,
        WebUser::sign_in(&t, "spec").await,
        WebUser::sign_in(&t, "guest").await,
    );

    // Bad input is refused field by field, and nothing is written.
    let (status, _, page) = alice
        .post(
            "/evidence/new",
            &[
                ("question", ""),
                ("purpose", "gossip"),
                ("deadline", "2020-01-01"),
                ("audience", "named"),
                ("shared_with", "nobody@trust.nhs.uk"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Enter the question you need the evidence to answer",
        "Choose what the evidence is for",
        "today or later",
        "Nobody in Signpost has the email address nobody@trust.nhs.uk",
    ] {
        assert!(page.contains(message), "{message}: {page}");
    }
    assert!(spec.get("/evidence/queue").await.1.contains("No request is waiting."));

    // Alice asks, naming Bob; the library is told and so is she.
    let due = deadline();
    let answer = alice
        .post(
            "/evidence/new",
            &[
                ("question", QUESTION),
                ("population", "Older inpatients on medical wards"),
                ("intervention", "Hourly rounding"),
                ("outcome", "Fewer falls"),
                ("purpose", "service_change"),
                ("deadline", &due),
                ("audience", "named"),
                ("shared_with", "bob@trust.nhs.uk"),
            ],
        )
        .await;
    let id = request_id(&answer.1);
    assert_redirect(&answer, &format!("/evidence/requests/{id}?done=requested"));
    assert!(notifications(&spec).await.contains("alice asked for a literature search"), "specialists are told");
    assert!(notifications(&alice).await.contains("Your request for a literature search was received"));
    assert!(spec.get("/evidence/queue").await.1.contains(QUESTION));
    assert!(bob.get("/evidence").await.1.contains(QUESTION), "the person named follows it");
    // The request is the requester's, the people named and the library's alone.
    assert_eq!(guest.get(&format!("/evidence/requests/{id}")).await.0, StatusCode::NOT_FOUND);
    t.app.set_password(None, t.users["admin"], PASSWORD.to_string()).await.unwrap();
    let (status, page) = bob.get(&format!("/evidence/requests/{id}")).await;
    assert!(status.is_success() && page.contains("Older inpatients on medical wards") && !page.contains("Take this request"));
    assert_eq!(bob.post(&format!("/evidence/requests/{id}/take"), &[]).await.0, StatusCode::FORBIDDEN);

    // The specialist takes it; a second specialist is told it is taken.
    let (_, page) = spec.get(&format!("/evidence/requests/{id}")).await;
    assert!(page.contains("Nothing like this has been searched for before."), "{page}");
    assert_redirect(&spec.post(&format!("/evidence/requests/{id}/take"), &[]).await, &format!("/evidence/requests/{id}?done=taken"));
    assert!(notifications(&alice).await.contains("spec is searching for the evidence you asked for"));
    let admin = WebUser::sign_in(&t, "admin").await;
    let (status, _, page) = admin.post(&format!("/evidence/requests/{id}/take"), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Someone has already taken this request"), "{page}");

    // A strategy with a line that has no count is refused by its line; nothing is recorded.
    let today = Utc::now().date_naive().to_string();
    let path = format!("/evidence/requests/{id}/searches");
    let search = |lines: &'static str, database: &'static str, platform: &'static str| {
        [("database", database), ("platform", platform), ("date_limits", "2015-current"), ("limits", "English language"), ("lines", lines)]
    };
    let send = |fields: [(&'static str, &'static str); 5]| {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("run_on", today.as_str()));
        all
    };
    let (status, _, page) = spec.post(&path, &send(search("exp Accidental Falls/ | 23456\nhourly rounding", "MEDLINE", "Ovid"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Line 2: end it with its number of results"), "{page}");
    assert!(page.contains("No searches recorded yet."), "nothing was recorded");
    let medline = "1\texp Accidental Falls/\t23456\n2\t(hourly adj2 round*).tw.\t412\n3\t1 and 2\t87";
    assert_redirect(
        &spec.post(&path, &send(search(medline, "MEDLINE", "Ovid"))).await,
        &format!("/evidence/requests/{id}?done=search_recorded#searches"),
    );
    let cinahl = "S1   (MH \"Accidental Falls\")   12,345\nS2   hourly rounding   1,020\nS3   S1 AND S2   64";
    assert_redirect(
        &spec.post(&path, &send(search(cinahl, "CINAHL", "EBSCOhost"))).await,
        &format!("/evidence/requests/{id}?done=search_recorded#searches"),
    );
    let (_, page) = alice.get(&format!("/evidence/requests/{id}")).await;
    assert!(
        page.contains("(hourly adj2 round*).tw.") && page.contains("12345") && page.contains("CINAHL (EBSCOhost)"),
        "the strategy is shown: {page}"
    );

    // Delivering before there is a summary says what to do first.
    let (status, _, page) = spec.post(&format!("/evidence/requests/{id}/deliver"), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Start the evidence summary first"), "{page}");
    let answer = spec.post(&format!("/evidence/requests/{id}/summary"), &[]).await;
    assert_redirect(&answer, &format!("/evidence/requests/{id}?done=summary_started#summary"));
    let (_, page) = spec.get(&format!("/evidence/requests/{id}")).await;
    let summary = summary_id(&page);
    assert_eq!(bob.get(&format!("/assets/{summary}")).await.0, StatusCode::NOT_FOUND, "a draft until delivered");

    // The results exported from MEDLINE (RIS) and PubMed (.nbib), one of them in both.
    let ris = import(&t, summary, "ovid_medline.ris").await;
    assert_eq!(ris["adding"].as_array().unwrap().len(), 2, "{ris}");
    let nbib = import(&t, summary, "pubmed.nbib").await;
    assert_eq!(nbib["adding"].as_array().unwrap().len(), 1, "{nbib}");
    assert_eq!(nbib["skipped"].as_array().unwrap().len(), 1, "the duplicate is skipped: {nbib}");

    // Select two of the three and appraise one.
    let (_, page) = spec.get(&format!("/evidence/requests/{id}")).await;
    let version = common::web::hidden(&page, "summary_version");
    let note = "Prospective cohort, 30-day follow-up; close to our population.";
    let fields = [
        ("summary_version", version.as_str()),
        ("position", "0"),
        ("keep-0", "yes"),
        ("appraisal-0", note),
        ("position", "1"),
        ("appraisal-1", ""),
        ("position", "2"),
        ("keep-2", "yes"),
        ("appraisal-2", ""),
    ];
    assert_redirect(
        &spec.post(&format!("/evidence/requests/{id}/appraise"), &fields).await,
        &format!("/evidence/requests/{id}?done=appraised#results"),
    );
    let asset: Value = t.get("spec", &format!("/api/v1/assets/{summary}")).await.good();
    let sources = asset["fields"]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2, "the unticked result is left out: {sources:?}");
    assert_eq!(sources[0]["appraisal"], json!(note));
    assert!(sources.iter().all(|s| !s["title"].as_str().unwrap().starts_with("Pharmacist-led")), "{sources:?}");
    // The same form again is refused: the summary moved on.
    let (status, _, page) = spec.post(&format!("/evidence/requests/{id}/appraise"), &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("The evidence summary changed since you opened it"), "{page}");

    // Delivery needs the summary's own appraisal.
    let (status, _, page) = spec.post(&format!("/evidence/requests/{id}/deliver"), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Before it can be delivered, the summary needs its appraisal"), "{page}");
    write_appraisal(&t, summary).await;
    assert_redirect(&spec.post(&format!("/evidence/requests/{id}/deliver"), &[]).await, &format!("/evidence/requests/{id}?done=delivered"));
    assert!(notifications(&alice).await.contains("The evidence you asked for is ready"));
    assert!(notifications(&bob).await.contains("The evidence you asked for is ready"), "the people named are told too");
    let (status, page) = bob.get(&format!("/assets/{summary}")).await;
    assert!(status.is_success() && page.contains(note), "the named colleague reads the summary with its appraisal");
    assert_eq!(guest.get(&format!("/assets/{summary}")).await.0, StatusCode::NOT_FOUND, "and nobody else");
    let delivered: Value = t.get("spec", &format!("/api/v1/assets/{summary}")).await.good();
    assert_eq!(delivered["status"], json!("published"));
    assert_eq!(delivered["fields"]["date_searched"], json!(today), "dated by the latest search");

    // The follow-up goes once, when it falls due (four weeks unless set).
    let now = Utc::now().date_naive();
    assert_eq!(t.app.send_evidence_follow_ups(now + Duration::days(27)).await.unwrap(), 0, "not before it is due");
    assert_eq!(t.app.send_evidence_follow_ups(now + Duration::days(28)).await.unwrap(), 1);
    assert_eq!(t.app.send_evidence_follow_ups(now + Duration::days(29)).await.unwrap(), 0, "and only once");
    assert!(notifications(&alice).await.contains("What difference did the evidence make?"));
    let (status, _, _) =
        bob.post(&format!("/evidence/requests/{id}/follow-up"), &[("kind", "used_it"), ("quote", "x"), ("stakeholder", "team")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "only the requester answers");
    let (status, _, page) = alice.post(&format!("/evidence/requests/{id}/follow-up"), &[("quote", ""), ("stakeholder", "team")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Choose what happened") && page.contains("Say what you used the evidence for and what changed"), "{page}");
    let quote = "We added hourly rounding to the falls policy for wards 7 and 8.";
    let answer = alice
        .post(
            &format!("/evidence/requests/{id}/follow-up"),
            &[("kind", "changed_practice"), ("quote", quote), ("stakeholder", "service"), ("role", "Ward manager")],
        )
        .await;
    assert_redirect(&answer, &format!("/evidence/requests/{id}?done=followed_up"));
    let (status, _, _) = alice
        .post(&format!("/evidence/requests/{id}/follow-up"), &[("kind", "used_it"), ("quote", "again"), ("stakeholder", "team")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "answered once");

    // The report counts it all and quotes the answer.
    let from = now - Duration::days(1);
    let to = now + Duration::days(1);
    let report: Value = t.get("spec", &format!("/api/v1/reports/programme?from={from}&to={to}")).await.good();
    let e = &report["evidence"];
    assert_eq!((e["received"].as_i64(), e["delivered"].as_i64(), e["searches"].as_i64()), (Some(1), Some(1), Some(2)), "{e}");
    assert_eq!(e["median_turnaround_days"], json!(0.0));
    assert_eq!(e["on_time"], json!(1));
    assert!(report["impacts"].to_string().contains(quote), "the answer is an impact statement on the summary");
    let (_, page) = spec.get(&format!("/reports?from={from}&to={to}")).await;
    assert!(page.contains("Evidence searches") && page.contains("Median turnaround") && page.contains("0.0 days"), "{page}");
    // The follow-up figures are counted when they happen: the answer came later in the test's clock too.
    assert_eq!(e["follow_ups_answered"], json!(1));

    // The expert finder counts the search as evidence of what the specialist knows, shown
    // to the requester as the request and to others only as the summary they may read.
    let experts = alice.get("/experts?q=hourly+rounding").await.1;
    assert!(experts.contains("Ran 1 literature search"), "{}", experts.split("maincontent").last().unwrap());
    let carol = NewUser { team_id: Some(t.teams["Ward A"]), ..NewUser::new("carol@trust.nhs.uk", "carol", Role::Member) };
    t.app.create_user(None, carol, Some(PASSWORD.to_string())).await.unwrap();
    let carol = WebUser::sign_in_with(&t.base, "carol@trust.nhs.uk", PASSWORD).await;
    let (_, others) = carol.get("/experts?q=hourly+rounding").await;
    assert!(!others.contains(QUESTION) && !others.contains("literature search:"), "the finder never reveals a private question: {others}");

    // A second, similar request shows the first one's search and summary before anyone searches.
    let answer = bob
        .post(
            "/evidence/new",
            &[
                ("question", "Is hourly rounding effective at reducing falls among older inpatients?"),
                ("purpose", "patient_care"),
                ("deadline", &due),
                ("audience", "organisation"),
            ],
        )
        .await;
    let second = request_id(&answer.1);
    assert_eq!(alice.get(&format!("/evidence/requests/{second}")).await.0, StatusCode::NOT_FOUND, "Bob's request is not Alice's");
    let (_, page) = spec.get(&format!("/evidence/requests/{second}")).await;
    let earlier = page.split("Earlier work on similar questions").nth(1).expect("the similar-work section");
    assert!(
        earlier.contains(QUESTION) && earlier.contains("Searched MEDLINE (Ovid)") && earlier.contains(&format!("/assets/{summary}")),
        "{earlier}"
    );
    assert_redirect(
        &spec.post(&format!("/evidence/requests/{second}/take"), &[]).await,
        &format!("/evidence/requests/{second}?done=taken"),
    );
    let answer = spec.post(&format!("/evidence/requests/{second}/reuse"), &[("earlier", &id.to_string())]).await;
    assert_redirect(&answer, &format!("/evidence/requests/{second}?done=reused#earlier-work"));
    let report: Value = t.get("spec", &format!("/api/v1/reports/programme?from={from}&to={to}")).await.good();
    assert_eq!((report["evidence"]["received"].as_i64(), report["evidence"]["reused"].as_i64()), (Some(2), Some(1)));
}

async fn browser_journey(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    t.app.set_password(None, t.users["spec"], PASSWORD.to_string()).await.unwrap();
    for javascript in [true, false] {
        let member = Browser::start(javascript).await;
        member.sign_in_as(&t.base, "alice@trust.nhs.uk", PASSWORD).await;
        member.visit_accessible(&t.base, "/evidence").await;
        member.click("a[href='/evidence/new']").await;
        assert!(member.wait_for_text("Your question in parts").await);
        member.assert_accessible("the request form").await;
        member.click("form[action='/evidence/new'] button").await;
        assert!(member.wait_for_text("There is a problem").await);
        member.assert_accessible("the request form with errors").await;
        member.fill("question", QUESTION).await;
        member.fill("population", "Older inpatients").await;
        member.click("label[for='purpose-1']").await;
        member.fill_date("deadline", &deadline()).await;
        member.click("form[action='/evidence/new'] button").await;
        assert!(member.wait_for_text("Request sent.").await);
        member.assert_accessible("the request as its requester sees it").await;
        let url = member.client.current_url().await.unwrap();
        let id: i64 = url.path().trim_start_matches("/evidence/requests/").parse().unwrap();
        if !javascript {
            member.screenshot("evidence-requested").await;
        }

        let spec = Browser::start(javascript).await;
        spec.sign_in_as(&t.base, "spec@trust.nhs.uk", PASSWORD).await;
        spec.visit_accessible(&t.base, "/evidence/queue").await;
        spec.click(&format!("a[href='/evidence/requests/{id}']")).await;
        assert!(spec.wait_for_text("Earlier work on similar questions").await);
        spec.click(&format!("form[action='/evidence/requests/{id}/take'] button")).await;
        assert!(spec.wait_for_text("You have taken this request.").await);
        spec.assert_accessible("the request as its specialist sees it").await;
        spec.fill("database", "MEDLINE").await;
        spec.fill("platform", "Ovid").await;
        spec.fill_date("run_on", &Utc::now().date_naive().to_string()).await;
        spec.fill("lines", "exp Accidental Falls/ | 23456\nhourly rounding | 412\n1 and 2 | 87").await;
        spec.click(&format!("form[action='/evidence/requests/{id}/searches'] button")).await;
        assert!(spec.wait_for_text("Search recorded.").await);
        spec.click(&format!("form[action='/evidence/requests/{id}/summary'] button")).await;
        assert!(spec.wait_for_text("Evidence summary started as a draft").await);
        let page = spec.client.source().await.unwrap();
        let summary = summary_id(&page);
        import(&t, summary, "ovid_medline.ris").await;
        spec.visit_accessible(&t.base, &format!("/evidence/requests/{id}")).await;
        assert!(spec.wait_for_text("Select and appraise the results").await);
        spec.fill("appraisal-0", "Prospective cohort; applies to our wards.").await;
        spec.click(&format!("form[action='/evidence/requests/{id}/appraise'] button")).await;
        assert!(spec.wait_for_text("Selection saved.").await);
        // Not ready: the summary has no appraisal of its own yet, and the page says so.
        spec.click(&format!("form[action='/evidence/requests/{id}/deliver'] button")).await;
        assert!(spec.wait_for_text("the summary needs its appraisal").await);
        spec.assert_accessible("delivery refused").await;
        if !javascript {
            spec.screenshot("evidence-specialist").await;
        }
        write_appraisal(&t, summary).await;
        spec.visit_accessible(&t.base, &format!("/evidence/requests/{id}")).await;
        spec.click(&format!("form[action='/evidence/requests/{id}/deliver'] button")).await;
        assert!(spec.wait_for_text("Evidence summary published and delivered.").await);
        spec.close().await;

        t.app.send_evidence_follow_ups(Utc::now().date_naive() + Duration::days(60)).await.unwrap();
        member.visit_accessible(&t.base, &format!("/evidence/requests/{id}")).await;
        member.click(&format!("a[href='/evidence/requests/{id}/follow-up']")).await;
        assert!(member.wait_for_text("What difference did the evidence make?").await);
        member.assert_accessible("the follow-up form").await;
        member.click("label[for='kind-2']").await;
        member.fill("quote", "It informed the decision to roll out hourly rounding.").await;
        member.fill("decision", "Roll out hourly rounding on medical wards").await;
        member.click("label[for='stakeholder-2']").await;
        member.click(&format!("form[action='/evidence/requests/{id}/follow-up'] button")).await;
        assert!(member.wait_for_text("What you said is recorded").await);
        member.assert_accessible("the request after the follow-up").await;
        if !javascript {
            member.screenshot("evidence-followed-up").await;
        }
        member.close().await;
    }
}
