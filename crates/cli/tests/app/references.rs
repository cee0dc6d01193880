//! References: database and reference-manager exports imported into an evidence
//! summary's sources, held field for field to rispy and bibtexparser (and to what a
//! librarian reads in the PubMed and EndNote files); duplicates skipped and shown;
//! malformed files refused by record and line with nothing written; sources exported
//! as RIS and BibTeX that those parsers read back; the import journey in Chromium.
use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common;
use common::browser::Browser;
use common::web::WebUser;
use common::{Backend, Good, PASSWORD, TestApp};

on_both_backends!(
    an_import_adds_what_is_new_skips_duplicates_and_exports_what_parsers_read_back,
    a_malformed_or_oversized_file_is_refused_where_it_is_wrong_and_imports_nothing,
    a_specialist_previews_an_import_in_the_browser_then_adds_it,
    a_reading_list_takes_imported_references_and_exports_them,
);

/// The fields held to the other parsers, in order.
const FIELDS: [&str; 10] = ["title", "authors", "journal", "year", "volume", "issue", "pages", "doi", "pmid", "abstract"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/references").join(name)
}

/// What rispy (`ris`) or bibtexparser (`bib`) reads in `file`.
fn python_reads(kind: &str, file: &Path) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/read_references.py");
    let out = Command::new("python3").arg(&script).arg(kind).arg(file).output().expect("python3 runs");
    assert!(out.status.success(), "{} failed on {}: {}", script.display(), file.display(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A source as Signpost's API gives it, in the same ten fields (absent ones null).
fn ten_fields(source: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for f in FIELDS {
        let v = source.get(f).cloned().unwrap_or(Value::Null);
        out.insert(f.to_string(), if f == "authors" && v.is_null() { json!([]) } else { v });
    }
    Value::Object(out)
}

async fn summary(t: &TestApp, who: &str, sources: Value) -> (i64, i64) {
    let team = t.teams["Library"];
    // A published summary must cite something; one without sources is a draft.
    let status = if sources.as_array().is_some_and(|s| s.is_empty()) { "draft" } else { "published" };
    let body = json!({
        "kind": "evidence_summary", "title": "Preventing falls after discharge", "summary": "What helps older people avoid falls at home.",
        "body": "Three studies.", "team_id": team, "status": status,
        "fields": {"question": "What reduces falls after discharge?", "date_searched": "2026-11-20", "sources": sources, "appraisal": "Moderate."},
    });
    let created: Value = t.post(who, "/api/v1/assets", body).await.good();
    (created["id"].as_i64().unwrap(), created["version"].as_i64().unwrap())
}

async fn send(t: &TestApp, who: &str, path: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let res = t.client.post(format!("{}{path}", t.base)).bearer_auth(&t.tokens[who]).body(body).send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn text_of(t: &TestApp, who: &str, path: &str) -> (StatusCode, String) {
    let res = t.client.get(format!("{}{path}", t.base)).bearer_auth(&t.tokens[who]).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn sources_of(t: &TestApp, id: i64) -> Vec<Value> {
    let asset: Value = t.get("spec", &format!("/api/v1/assets/{id}")).await.good();
    asset["fields"]["sources"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_agree_field_for_field_with_rispy_bibtexparser_and_the_files_themselves() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let (id, _) = summary(&t, "spec", json!([])).await;
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(fixture("expected.json")).unwrap()).unwrap();
    let cases: Vec<(&str, Vec<Value>)> = vec![
        ("ovid_medline.ris", python_reads("ris", &fixture("ovid_medline.ris"))),
        ("ebscohost.ris", python_reads("ris", &fixture("ebscohost.ris"))),
        ("zotero.ris", python_reads("ris", &fixture("zotero.ris"))),
        ("zotero.bib", python_reads("bib", &fixture("zotero.bib"))),
        ("pubmed.nbib", expected["pubmed.nbib"].as_array().unwrap().clone()),
        ("endnote.xml", expected["endnote.xml"].as_array().unwrap().clone()),
    ];
    for (name, theirs) in cases {
        let plan: Value =
            send(&t, "spec", &format!("/api/v1/assets/{id}/references?dry_run=true"), std::fs::read(fixture(name)).unwrap()).await.good();
        let ours: Vec<Value> = plan["adding"].as_array().unwrap().iter().map(ten_fields).collect();
        assert_eq!(ours.len(), theirs.len(), "{name}: as many references as the other reader finds");
        assert!(plan["skipped"].as_array().unwrap().is_empty(), "{name}: nothing taken for a duplicate");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            for f in FIELDS {
                assert_eq!(a[f], b[f], "{name}, record {}: {f} differs (Signpost left, the other reader right)", i + 1);
            }
        }
    }
    assert!(sources_of(&t, id).await.is_empty(), "a dry run writes nothing");
}

async fn an_import_adds_what_is_new_skips_duplicates_and_exports_what_parsers_read_back(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    // Cited already, by hand: the falls cohort, by its DOI.
    let (id, version) = summary(&t, "spec", json!([{"title": "Smith 2021", "doi": "10.5555/ageing.2021.0812"}])).await;
    let path = format!("/api/v1/assets/{id}/references");

    let preview: Value =
        send(&t, "spec", &format!("{path}?dry_run=true"), std::fs::read(fixture("ovid_medline.ris")).unwrap()).await.good();
    assert_eq!(preview["format"], "RIS");
    assert_eq!(preview["version"], version);
    assert_eq!(preview["adding"].as_array().unwrap().len(), 1, "{preview}");
    assert_eq!(preview["skipped"][0]["record"], 1);
    assert_eq!(preview["skipped"][0]["reason"], "same DOI as “Smith 2021”, already a source");

    // Imported against the version previewed; a stale version changes nothing.
    let (status, body) =
        send(&t, "spec", &format!("{path}?expected_version={}", version - 1), std::fs::read(fixture("ovid_medline.ris")).unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(sources_of(&t, id).await.len(), 1);
    let done: Value =
        send(&t, "spec", &format!("{path}?expected_version={version}"), std::fs::read(fixture("ovid_medline.ris")).unwrap()).await.good();
    assert_eq!(done["version"], version + 1, "one change, one new version");
    let sources = sources_of(&t, id).await;
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[1]["authors"], json!(["Patel, Ravi", "O'Brien, Siobhan M"]));
    assert_eq!(sources[1]["pmid"], "34098765", "Ovid MEDLINE's accession number is the PMID");

    // PubMed's record of the same cohort matches by DOI; its other record is new.
    let plan: Value = send(&t, "spec", &path, std::fs::read(fixture("pubmed.nbib")).unwrap()).await.good();
    assert_eq!(plan["adding"].as_array().unwrap().len(), 1);
    assert_eq!(plan["skipped"][0]["reason"], "same DOI as “Smith 2021”, already a source");
    // EndNote's copy of the pharmacist trial matches the Ovid import by title and year.
    let (status, body) = send(&t, "spec", &path, std::fs::read(fixture("endnote.xml")).unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing new to add is said, not silently done: {body}");
    assert!(body.to_string().contains("already a source"), "{body}");

    // The sources go out as RIS and BibTeX that rispy and bibtexparser read.
    let (status, ris) = text_of(&t, "alice", &format!("{path}.ris")).await;
    assert_eq!(status, StatusCode::OK, "anyone who may read the summary may export it");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("out.ris"), &ris).unwrap();
    let back = python_reads("ris", &dir.path().join("out.ris"));
    let titles: Vec<&str> = back.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Smith 2021",
            "Pharmacist-led medicines reconciliation at hospital discharge: a stepped-wedge trial",
            "Discharge letters written with patients: a quality improvement project"
        ]
    );
    assert_eq!(back[1]["pmid"], "34098765", "the PMID travels in C2");
    assert_eq!(back[1]["pages"], "501-509");
    let (_, bib) = text_of(&t, "alice", &format!("{path}.bib")).await;
    std::fs::write(dir.path().join("out.bib"), &bib).unwrap();
    let back = python_reads("bib", &dir.path().join("out.bib"));
    assert_eq!(back.len(), 3);
    assert_eq!(back[1]["authors"], json!(["Patel, Ravi", "O'Brien, Siobhan M"]));
    assert_eq!(back[1]["journal"], "BMJ Quality & Safety", "the ampersand survives BibTeX's escaping");
    // Signpost's own export, read back in, duplicates every source.
    let plan: Value = send(&t, "spec", &format!("{path}?dry_run=true"), bib.into_bytes()).await.good();
    assert_eq!((plan["adding"].as_array().unwrap().len(), plan["skipped"].as_array().unwrap().len()), (0, 3), "{plan}");
}

async fn a_malformed_or_oversized_file_is_refused_where_it_is_wrong_and_imports_nothing(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (id, version) = summary(&t, "spec", json!([])).await;
    let path = format!("/api/v1/assets/{id}/references");
    let cut_short = "TY  - JOUR\r\nTI  - One\r\nPY  - 2020\r\nER  - \r\n\r\nTY  - JOUR\r\nTI  - Two\r\nAU  - Smith, J\r\n";
    let stray = "PMID- 123\nTI  - A title\n      that wraps\nJUNK here\nAU  - Smith J\n\nPMID- 456\nTI  - Two\n";
    let unclosed = "@article{a,\n title={One},\n year={2020}\n}\n\n@article{b,\n title={Two,\n year=2021\n}\n";
    let bad_xml = "<?xml version=\"1.0\"?><xml><records><record><titles><title>x</titles></record></records></xml>";
    for (file, place) in [(cut_short, "record 2, line 6"), (stray, "record 1, line 4"), (unclosed, "record 2, line "), (bad_xml, "line 1")]
    {
        let (status, body) = send(&t, "spec", &path, file.as_bytes().to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem = body["errors"][0].to_string();
        assert!(problem.contains(place) && problem.contains("file"), "the problem says where: {body}");
    }
    // A file good but for one record imports nothing at all.
    let mut mixed = std::fs::read_to_string(fixture("zotero.ris")).unwrap();
    mixed.push_str("\n\nTY  - JOUR\nTI  - Three\nPY  - 20x\nER  - \n");
    let (status, body) = send(&t, "spec", &path, mixed.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("record 3, line 37: PY must start with a four-digit year"), "{body}");
    let asset: Value = t.get("spec", &format!("/api/v1/assets/{id}")).await.good();
    assert_eq!((asset["version"].as_i64(), sources_of(&t, id).await.len()), (Some(version), 0), "nothing written");

    // 50 MB is refused before it is parsed, and so is 2 MB of references.
    let huge = vec![b'a'; 50 * 1024 * 1024];
    let res = t.client.post(format!("{}{path}", t.base)).bearer_auth(&t.tokens["spec"]).body(huge).send().await;
    match res {
        Ok(r) => assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE),
        Err(e) => assert!(e.is_request() || e.is_body(), "the server stops reading: {e}"),
    }
    let mut big = String::new();
    while big.len() < 1_990_000 {
        big.push_str("TY  - JOUR\nTI  - A title\nER  - \n");
    }
    let (status, body) = send(&t, "spec", &path, big.into_bytes()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body.to_string().contains("1920 KB"), "the limit is named: {body}");

    // Someone who may not see the draft learns nothing, about it or from the file: it is not read.
    let (status, body) = send(&t, "bob", &path, cut_short.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(!body.to_string().contains("record"), "the file was not parsed: {body}");
    // Only evidence summaries have sources.
    let lesson: Value =
        t.post("alice", "/api/v1/assets", common::lesson("Flu clinic", t.teams["Ward A"], "organisation", "published")).await.good();
    let (status, body) = send(&t, "alice", &format!("/api/v1/assets/{}/references", lesson["id"]), cut_short.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("evidence summary"), "{body}");
}

/// A multipart body carrying `field` as a file.
fn multipart(csrf: &str, field: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "signpostreferences";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n").into_bytes();
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\r\n").as_bytes());
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn a_specialist_previews_an_import_in_the_browser_then_adds_it(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let cited = json!([{"title": "Smith 2021", "doi": "10.5555/ageing.2021.0812"}]);

    // Without a browser first: a member who may not change it is refused before the file is read.
    let (id, _) = summary(&t, "spec", cited.clone()).await;
    let bob = WebUser::sign_in(&t, "bob").await;
    let (kind, body) = multipart(&bob.csrf, "file", "x.ris", b"not even RIS");
    let res = bob
        .client
        .post(format!("{}/assets/{id}/references/preview", t.base))
        .header("cookie", &bob.cookie)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, page) = bob.get(&format!("/assets/{id}")).await;
    assert!(status.is_success() && !page.contains("Import references"), "no import button for someone who cannot use it");

    t.app.set_password(None, t.users["spec"], PASSWORD.to_string()).await.unwrap();
    for javascript in [true, false] {
        let (id, _) = summary(&t, "spec", cited.clone()).await;
        let b = Browser::start(javascript).await;
        b.sign_in_as(&t.base, "spec@trust.nhs.uk", PASSWORD).await;
        b.visit_accessible(&t.base, &format!("/assets/{id}")).await;
        b.click("a[href$='/references']").await;
        assert!(b.wait_for_text("You will see what would be added").await);
        b.assert_accessible("import references form").await;
        // Nothing chosen: the form says so, accessibly.
        b.click("form[action$='/references/preview'] button").await;
        assert!(b.wait_for_text("There is a problem").await);
        b.assert_accessible("import form with an error").await;
        let input = b.client.find(fantoccini::Locator::Id("file")).await.unwrap();
        input.send_keys(fixture("ovid_medline.ris").to_str().unwrap()).await.unwrap();
        b.click("form[action$='/references/preview'] button").await;
        assert!(b.wait_for_text("Check the import").await);
        let page = b.client.source().await.unwrap();
        assert!(page.contains("1 reference would be added and 1 duplicate skipped"), "{page}");
        assert!(page.contains("Same DOI as “Smith 2021”, already a source"));
        b.assert_accessible("import preview").await;
        if !javascript {
            b.screenshot("references-preview").await;
        }
        b.click("form[action*='/references/add'] button").await;
        assert!(b.wait_for_text("The references are added to the sources.").await);
        let page = b.client.source().await.unwrap();
        assert!(
            page.contains("Patel R, O'Brien SM. Pharmacist-led medicines reconciliation at hospital discharge: a stepped-wedge trial. BMJ Quality &amp; Safety. 2022;31(7):501-509."),
            "the new source as a Vancouver citation: {page}"
        );
        b.assert_accessible("summary with imported sources").await;
        if !javascript {
            b.screenshot("references-added").await;
        }
        b.close().await;
        let sources = sources_of(&t, id).await;
        assert_eq!(sources.len(), 2);
        assert_eq!(sources[1]["abstract"].as_str().map(|a| a.starts_with("Medication errors")), Some(true));
        // Editing the summary shows each source as a line, which keeps what the import brought.
        let spec = WebUser::sign_in(&t, "spec").await;
        let (_, form) = spec.get(&format!("/assets/{id}/edit")).await;
        assert!(
            form.contains("Pharmacist-led medicines reconciliation at hospital discharge: a stepped-wedge trial | 10.5555/bmjqs.2022.0501")
        );
    }
}

async fn a_reading_list_takes_imported_references_and_exports_them(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    // Without sources it can only be a draft: a reading list must list something to be published.
    let list = json!({
        "kind": "reading_list", "title": "Preceptorship reading for new nurses", "team_id": t.teams["Ward A"], "status": "published",
        "fields": {"purpose": "The first six weeks on the ward.", "sources": []},
    });
    let (status, body) = t.post("alice", "/api/v1/assets", list.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("fields.sources"), "{body}");
    let mut draft = list;
    draft["status"] = json!("draft");
    let created: Value = t.post("alice", "/api/v1/assets", draft).await.good();
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/assets/{id}/references");

    let plan: Value = send(&t, "alice", &path, std::fs::read(fixture("zotero.bib")).unwrap()).await.good();
    let added = plan["adding"].as_array().unwrap().len();
    assert_eq!(added, 2, "{plan}");
    let alice = WebUser::sign_in(&t, "alice").await;
    let (_, page) = alice.get(&format!("/assets/{id}")).await;
    assert!(page.contains("Sources") && page.contains("Import references") && page.contains("sources.ris"), "{page}");

    let dir = tempfile::tempdir().unwrap();
    let (status, ris) = text_of(&t, "alice", &format!("{path}.ris")).await;
    assert_eq!(status, StatusCode::OK);
    std::fs::write(dir.path().join("list.ris"), &ris).unwrap();
    let (_, bib) = text_of(&t, "alice", &format!("{path}.bib")).await;
    std::fs::write(dir.path().join("list.bib"), &bib).unwrap();
    let from_ris = python_reads("ris", &dir.path().join("list.ris"));
    let from_bib = python_reads("bib", &dir.path().join("list.bib"));
    assert_eq!(from_ris.len(), added);
    let titles = |records: &[Value]| records.iter().map(|r| r["title"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(titles(&from_ris), titles(&from_bib), "RIS and BibTeX carry the same list");
    // Importing its own export adds nothing.
    let (status, body) = send(&t, "alice", &path, ris.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("already a source"), "{body}");
}
