//! The thesaurus: a specialist imports a SKOS file; a search for a term takes in its
//! narrower terms on request and finds what is filed under its synonyms; malformed
//! CSV and SKOS files are refused by line or concept with nothing changed; exports
//! read back as the same thesaurus; an edit from a stale version is refused; members
//! read it but cannot change it.
use std::path::Path;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common;
use common::web::{WebUser, hidden};
use common::{Backend, Good, TestApp, lesson};

on_both_backends!(a_specialist_imports_a_thesaurus_and_searches_take_in_narrower_terms_and_synonyms);

async fn upload(user: &WebUser, path: &str, name: &str, bytes: &[u8]) -> (StatusCode, Option<String>, String) {
    let boundary = "signpostthesaurus";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n", user.csrf).into_bytes();
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n").as_bytes());
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = user
        .client
        .post(format!("{}{path}", user.base))
        .header("cookie", &user.cookie)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    (res.status(), location, res.text().await.unwrap())
}

async fn titles(t: &TestApp, query: &str) -> Vec<String> {
    let found: Value = t.get("alice", &format!("/api/v1/search?{query}")).await.good();
    let mut titles: Vec<String> = found["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_string()).collect();
    titles.sort();
    titles
}

/// The version the page's import form names.
fn version(page: &str) -> String {
    page.split("/thesaurus/import?version=").nth(1).and_then(|r| r.split('"').next()).unwrap().to_string()
}

async fn a_specialist_imports_a_thesaurus_and_searches_take_in_narrower_terms_and_synonyms(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    for (title, topic) in [
        ("Proning on the unit", "intensive care"),
        ("Neonatal transfers", "paediatric intensive care"),
        ("Triage at the front door", "emergency department"),
        ("Bed rails", "falls prevention"),
        // Filed under a synonym, as older knowledge often is.
        ("Sedation holds", "icu"),
    ] {
        let mut body = lesson(title, t.teams["Library"], "organisation", "published");
        body["topics"] = json!([topic]);
        let _: Value = t.post("spec", "/api/v1/assets", body).await.good();
    }
    t.settle().await;
    let spec = WebUser::sign_in(&t, "spec").await;
    let skos = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/thesaurus/settings.ttl")).unwrap();

    // A broken file changes nothing and says where it is wrong.
    let (_, page) = spec.get("/thesaurus").await;
    let v0 = version(&page);
    let mut broken = String::from_utf8(skos.clone()).unwrap();
    broken = broken.replace("skos:prefLabel \"Emergency department\"@en ;", "skos:prefLabel \"Emergency department ;");
    let (status, _, page) = upload(&spec, &format!("/thesaurus/import?version={v0}"), "bad.ttl", broken.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Line 22: Line jumps are not allowed in string literals"), "the line of the broken literal is named: {page}");
    let csv = "term,broader,non_preferred\nIntensive care,Hospital settings,ICU\nHospital settings,,\nParamedics,Ambulance services,\n";
    let (status, _, page) = upload(&spec, &format!("/thesaurus/import?version={v0}"), "bad.csv", csv.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Line 4: &quot;Ambulance services&quot; is not a term of the thesaurus"), "{page}");
    let dangling = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<urn:a> skos:prefLabel \"A\" ; skos:broader <urn:gone> .\n";
    let (status, _, page) = upload(&spec, &format!("/thesaurus/import?version={v0}"), "dangling.ttl", dangling.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Concept &lt;urn:a&gt;: its broader concept &lt;urn:gone&gt; is not in the file"), "{page}");
    let now: Value = t.get("alice", "/api/v1/search?topic=hospital%20settings&narrower=true").await.good();
    assert_eq!(now["total"], 0, "nothing was imported");

    // The real file imports whole.
    let (status, location, _) = upload(&spec, &format!("/thesaurus/import?version={v0}"), "settings.ttl", &skos).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/thesaurus?done=imported")));
    let (_, page) = spec.get("/thesaurus").await;
    assert!(page.contains("5 terms") && page.contains("Use for: ICU, Critical care unit, Soins intensifs"), "{page}");

    // A term takes in its narrower terms on request; a synonym leads to its term.
    assert_eq!(
        titles(&t, "topic=hospital%20settings&narrower=true").await,
        ["Neonatal transfers", "Proning on the unit", "Sedation holds", "Triage at the front door"],
        "filed under a narrower term, or under a synonym of one"
    );
    assert!(titles(&t, "topic=hospital%20settings").await.is_empty(), "without asking, only the term itself");
    assert_eq!(titles(&t, "topic=ICU").await, ["Proning on the unit", "Sedation holds"]);
    assert_eq!(
        titles(&t, "topic=intensive%20care").await,
        ["Proning on the unit", "Sedation holds"],
        "the term finds what its synonym files"
    );
    assert_eq!(titles(&t, "topic=ICU&narrower=true").await, ["Neonatal transfers", "Proning on the unit", "Sedation holds"]);
    let (_, results) = spec.get("/search?topic=hospital+settings&narrower=yes").await;
    assert!(results.contains("4 results"), "the search page takes the same request");

    // Exports read back as the same thesaurus.
    let (_, ttl) = spec.get("/thesaurus/export.ttl").await;
    let (_, csv_out) = spec.get("/thesaurus/export.csv").await;
    assert!(
        csv_out.starts_with('\u{feff}') && csv_out.contains("Intensive care,Hospital settings,ICU|Critical care unit|Soins intensifs"),
        "{csv_out}"
    );
    let before = t.app.thesaurus(&t.app.actor(t.users["spec"]).await.unwrap()).await.unwrap();
    for (name, file) in [("again.ttl", ttl), ("again.csv", csv_out)] {
        let (_, page) = spec.get("/thesaurus").await;
        let (status, _, _) = upload(&spec, &format!("/thesaurus/import?version={}", version(&page)), name, file.as_bytes()).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{name} imports");
        let after = t.app.thesaurus(&t.app.actor(t.users["spec"]).await.unwrap()).await.unwrap();
        assert_eq!(after.terms, before.terms, "{name} reads back as the same terms");
    }

    // One term at a time: renaming keeps its narrower terms under it; a stale version is refused.
    let (_, form) = spec.get("/thesaurus/term?label=Intensive%20care").await;
    let v = hidden(&form, "version");
    let fields = [
        ("was", "Intensive care"),
        ("label", "Critical care"),
        ("broader", "Hospital settings"),
        ("non_preferred", "ICU, ITU"),
        ("scope_note", ""),
        ("version", v.as_str()),
    ];
    let answer = spec.post("/thesaurus", &fields).await;
    assert_eq!(answer.0, StatusCode::SEE_OTHER);
    let after = t.app.thesaurus(&t.app.actor(t.users["spec"]).await.unwrap()).await.unwrap();
    let picu = after.terms.iter().find(|x| x.label == "Paediatric intensive care").unwrap();
    assert_eq!(picu.broader, ["Critical care"], "the narrower term follows the rename");
    let (status, _, page) = spec.post("/thesaurus", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the same form again, from the old version");
    assert!(page.contains("The thesaurus changed since you opened it"), "{page}");
    let cycle = [
        ("was", "Hospital settings"),
        ("label", "Hospital settings"),
        ("broader", "Paediatric intensive care"),
        ("non_preferred", ""),
        ("scope_note", ""),
        ("version", &(v.parse::<i64>().unwrap() + 1).to_string()),
    ];
    let (status, _, page) = spec.post("/thesaurus", &cycle).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("would end up broader than itself"), "{page}");

    // Members read it, and cannot change it.
    let alice = WebUser::sign_in(&t, "alice").await;
    let (status, page) = alice.get("/thesaurus").await;
    assert!(status.is_success() && page.contains("Critical care") && !page.contains("Add a term"));
    let (status, _, _) = alice.post("/thesaurus", &[("label", "Mine"), ("version", "0")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
