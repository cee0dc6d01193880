//! Bringing knowledge in from where it lives, as an operator does it at the console:
//! a Confluence HTML space export (zipped with zip64 records), an Outline Markdown
//! export and Word and HTML documents import with the links between their pages
//! pointing at the assets those pages became; a dry run writes nothing; importing the
//! same export again updates what it made instead of copying it; a damaged archive says
//! where and imports nothing.
use crate::common;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::web::WebUser;
use common::{Backend, TestApp, cli};
use signpost_domain::assets::{Asset, Status, Visibility};
use signpost_domain::fields::AssetKind;
use signpost_domain::ports::Store;
use signpost_services::ServiceError;
use signpost_services::knowledge_import::{ImportChoices, Limits};

on_both_backends!(a_confluence_space_imports_with_its_links_and_imports_again_as_updates);

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sources/fixtures").join(name)
}

/// Zips `dir` as `zip -r` would, with zip64 records on every entry (as archives over
/// 4 GB must have them), replacing any file named in `changes`.
fn zip_folder(dir: &Path, out: &Path, changes: &HashMap<&str, String>) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let options = zip::write::SimpleFileOptions::default().large_file(true);
    let mut stack = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { stack.push(p) } else { files.push(p) }
        }
    }
    files.sort();
    for f in files {
        let name = f.strip_prefix(dir.parent().unwrap()).unwrap().to_string_lossy().replace('\\', "/");
        zip.start_file(name.as_str(), options).unwrap();
        match changes.get(name.as_str()) {
            Some(text) => zip.write_all(text.as_bytes()).unwrap(),
            None => zip.write_all(&std::fs::read(&f).unwrap()).unwrap(),
        }
    }
    zip.finish().unwrap();
}

async fn assets(t: &TestApp) -> HashMap<String, Asset> {
    t.app.export(None).await.unwrap().assets.into_iter().map(|a| (a.title.clone(), a)).collect()
}

fn import(t: &TestApp, zip: &Path, yes: bool) -> (bool, String, String) {
    let mut args = vec!["import-knowledge", zip.to_str().unwrap(), "--team", "Library", "--owner", "spec@trust.nhs.uk"];
    if yes {
        args.push("--yes");
    }
    cli(&t.db.location("a"), &args)
}

async fn a_confluence_space_imports_with_its_links_and_imports_again_as_updates(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("OPS.zip");
    zip_folder(&fixture("confluence/OPS"), &zip, &HashMap::new());

    // The dry run says what would happen and writes nothing.
    let (ok, out, err) = import(&t, &zip, false);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("Confluence space export: 3 document(s): 3 to create, 0 to update, 0 unchanged"), "{out}");
    assert!(out.contains("Probable NHS numbers (1)") && out.contains("OPS/Falls-prevention_65541.html body line 3"), "{out}");
    assert!(out.contains("links to \"Old-checklist_65550.html\", which is not in the export"), "{out}");
    assert!(out.contains("Confluence macro \"jira\""), "{out}");
    assert!(out.contains("Jane Smith is not a person here"), "{out}");
    assert!(out.contains("This was a dry run: nothing was imported"), "{out}");
    assert!(assets(&t).await.is_empty(), "a dry run writes nothing");

    let (ok, out, err) = import(&t, &zip, true);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("imported: 3 created, 0 updated, 0 unchanged"), "{out}");
    let found = assets(&t).await;
    let (handbook, handover, falls) = (&found["Ward handbook"], &found["Handover guide"], &found["Falls prevention"]);
    // Links between pages lead to the assets the pages became; the page tree is kept as related links.
    assert!(handover.body.contains(&format!("[Falls prevention](/assets/{})", falls.id)), "{}", handover.body);
    assert!(falls.body.contains(&format!("[handover guide](/assets/{})", handover.id)), "{}", falls.body);
    assert!(handbook.body.contains(&format!("(/assets/{})", handover.id)), "{}", handbook.body);
    assert!(handover.body.contains(&format!("![SBAR card](/assets/{}/files/", handover.id)), "the attachment is kept: {}", handover.body);
    assert_eq!(handover.links, vec![handbook.id]);
    assert_eq!(falls.links, vec![handbook.id]);
    // Authors who are people here own their pages (by name or by email); the rest go to the default owner.
    assert_eq!(handbook.owner_id, t.users["alice"], "the author Alice is the person called alice");
    assert_eq!(falls.owner_id, t.users["alice"], "the author alice@trust.nhs.uk is alice");
    assert_eq!(handover.owner_id, t.users["spec"], "Jane Smith is nobody here, so the default owner has it");
    assert_eq!(handover.tags, ["handover", "sbar"]);
    for a in found.values() {
        assert_eq!(
            (a.status, a.visibility, a.kind, a.team_id),
            (Status::Draft, Visibility::Organisation, AssetKind::Guidance, t.teams["Library"])
        );
        assert_eq!(a.version, 1, "one import is one version: {}", a.title);
    }
    let (_, db) = signpost::open(&t.db.location("reader")).await.unwrap();
    let first = db.version(handover.id, 1).await.unwrap();
    assert_eq!(first.snapshot.body, handover.body, "the history holds the settled links too");
    db.close().await;
    // The identifier guard still stands between the imported draft and publication.
    let spec = t.app.actor(t.users["spec"]).await.unwrap();
    let refused = t.app.publish_asset(&spec, falls.id, None).await;
    assert!(matches!(refused, Err(ServiceError::IdentifierFound(_))), "{refused:?}");

    // The same export again: nothing to do.
    let (ok, out, err) = import(&t, &zip, false);
    assert!(ok && out.contains("0 to create, 0 to update, 3 unchanged"), "{out}\n{err}");

    // A newer export with one page changed updates that page's asset, in place.
    let page = std::fs::read_to_string(fixture("confluence/OPS/Falls-prevention_65541.html")).unwrap();
    let changed = page.replace("Assess every patient over 65", "Assess every patient over 60");
    let newer = dir.path().join("OPS-newer.zip");
    zip_folder(&fixture("confluence/OPS"), &newer, &HashMap::from([("OPS/Falls-prevention_65541.html", changed)]));
    let (ok, out, err) = import(&t, &newer, true);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("0 to create, 1 to update, 2 unchanged") && out.contains("imported: 0 created, 1 updated, 2 unchanged"), "{out}");
    let after = assets(&t).await;
    assert_eq!(after.len(), 3, "no copies");
    let falls_after = &after["Falls prevention"];
    assert_eq!((falls_after.id, falls_after.version), (falls.id, 2));
    assert!(
        falls_after.body.contains("over 60") && falls_after.body.contains(&format!("(/assets/{})", handover.id)),
        "{}",
        falls_after.body
    );

    // A published asset never takes on an NHS number from a newer export: the dry run refuses it.
    t.app.publish_asset(&spec, handbook.id, None).await.unwrap();
    let handbook_page = std::fs::read_to_string(fixture("confluence/OPS/Ward-handbook_65537.html")).unwrap();
    let leaky = handbook_page.replace("Everything a new starter", "Patient 943 476 5919: everything a new starter");
    let leaky_zip = dir.path().join("OPS-leaky.zip");
    zip_folder(&fixture("confluence/OPS"), &leaky_zip, &HashMap::from([("OPS/Ward-handbook_65537.html", leaky)]));
    let (ok, out, err) = import(&t, &leaky_zip, true);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("would change asset {}, which is published", handbook.id)), "{out}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(!assets(&t).await["Ward handbook"].body.contains("5919"));

    // An archive cut short says so, by name, and imports nothing.
    let bytes = std::fs::read(&newer).unwrap();
    let cut = dir.path().join("OPS-cut.zip");
    std::fs::write(&cut, &bytes[..bytes.len() - 200]).unwrap();
    let (ok, out, err) = import(&t, &cut, true);
    assert!(!ok, "{out}");
    assert!(err.contains("OPS-cut.zip") && err.contains("damaged"), "{err}");
    // An archive whose entry is damaged inside names the entry, and imports nothing either.
    let mut damaged = bytes.clone();
    let at = find(&damaged, b"Handover-guide_65539.html").unwrap() + 400;
    for b in &mut damaged[at..at + 16] {
        *b ^= 0x5a;
    }
    let damaged_path = dir.path().join("OPS-damaged.zip");
    std::fs::write(&damaged_path, &damaged).unwrap();
    let (ok, out, err) = import(&t, &damaged_path, true);
    assert!(!ok, "{out}");
    assert!(out.contains("OPS/Handover-guide_65539.html: could not be"), "{out}");
    assert!(err.contains("nothing was imported"), "{err}");
    let last = assets(&t).await;
    assert_eq!(last.len(), 3);
    assert_eq!(last["Falls prevention"].version, 2);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn choices(t: &TestApp) -> ImportChoices {
    ImportChoices {
        kind: AssetKind::Guidance,
        team_id: t.teams["Ward A"],
        owner_id: Some(t.users["spec"]),
        review_interval_days: 180,
        visibility: Visibility::Team,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outline_and_word_exports_import_with_their_links_intact() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let spec = t.app.actor(t.users["spec"]).await.unwrap();
    for (folder, titles) in [
        ("outline", vec!["Sepsis", "Escalation steps", "Antibiotic timing audit"]),
        ("word", vec!["Discharge checklist", "Medicines reconciliation", "Visiting hours"]),
    ] {
        let plan =
            t.app.plan_knowledge_import(Some(&spec), &fixture(folder), choices(&t), Limits::default(), Arc::new(|_| {})).await.unwrap();
        assert!(plan.report.ready(), "{:?}", plan.report.problems);
        assert_eq!(plan.report.create, 3);
        let outcome = t.app.import_knowledge(Some(&spec), plan, Arc::new(|_| {})).await.unwrap();
        assert_eq!(outcome.created, 3);
        let found = assets(&t).await;
        for title in titles {
            let a = &found[title];
            assert_eq!((a.team_id, a.visibility, a.review_interval_days), (t.teams["Ward A"], Visibility::Team, 180), "{title}");
            assert!(!a.body.contains("signpost-import:"), "every link was pointed at an asset: {}", a.body);
        }
    }
    let found = assets(&t).await;
    let (sepsis, steps, audit) = (&found["Sepsis"], &found["Escalation steps"], &found["Antibiotic timing audit"]);
    assert!(sepsis.body.contains(&format!("[escalation steps](/assets/{})", steps.id)), "{}", sepsis.body);
    assert!(sepsis.body.contains(&format!("[Antibiotic timing](/assets/{})", audit.id)), "an Obsidian-style [[link]]: {}", sepsis.body);
    assert!(steps.body.contains(&format!("[Sepsis](/assets/{})", sepsis.id)), "{}", steps.body);
    assert_eq!(steps.links, vec![sepsis.id], "a child page is related to its parent");
    assert_eq!(audit.owner_id, t.users["alice"], "front matter's author is alice");
    assert_eq!(audit.tags, ["sepsis", "audit"]);
    let (discharge, medicines, visiting) = (&found["Discharge checklist"], &found["Medicines reconciliation"], &found["Visiting hours"]);
    assert!(discharge.body.contains(&format!("[medicines reconciliation](/assets/{})", medicines.id)), "{}", discharge.body);
    assert!(medicines.body.contains(&format!("[discharge checklist](/assets/{})", discharge.id)), "{}", medicines.body);
    assert!(visiting.body.contains(&format!("(/assets/{})", discharge.id)), "{}", visiting.body);
    assert!(discharge.body.contains("| Transport | Ward clerk |") && discharge.body.contains("- Book transport"), "{}", discharge.body);
    assert_eq!(discharge.owner_id, t.users["alice"], "the document's author Alice");

    // Images come with their pages, kept with the asset and shown only to those who may see it:
    // these are drafts visible to Ward A, so their owners see them and nobody else does.
    let png = std::fs::read(fixture("outline/uploads/3f2a/qsofa.png")).unwrap();
    let image = |a: &Asset| {
        let at = a.body.find("/files/").unwrap_or_else(|| panic!("no image in {}", a.body));
        let end = a.body[at..].find(')').unwrap() + at;
        a.body[a.body[..at].rfind('(').unwrap() + 1..end].to_string()
    };
    let web: HashMap<&str, WebUser> = HashMap::from([
        ("alice", WebUser::sign_in(&t, "alice").await),
        ("bob", WebUser::sign_in(&t, "bob").await),
        ("spec", WebUser::sign_in(&t, "spec").await),
    ]);
    for (a, owner, others) in [(sepsis, "spec", ["alice", "bob"]), (discharge, "alice", ["spec", "bob"])] {
        let url = image(a);
        let sees = &web[owner];
        let res = sees.client.get(format!("{}{url}", t.base)).header("cookie", &sees.cookie).send().await.unwrap();
        assert_eq!(res.status(), 200, "{owner} owns {url}");
        assert_eq!(res.headers()["content-type"], "image/png");
        assert_eq!(res.bytes().await.unwrap().to_vec(), png, "{url}");
        for other in others {
            assert_eq!(web[other].get(&url).await.0, 404, "{other} may not see the draft {url}");
        }
    }
    let (status, page) = web["spec"].get(&format!("/assets/{}", sepsis.id)).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("src=\"{}\"", image(sepsis))) && page.contains("alt=\"qSOFA card\""), "the page shows it");

    // A dry run staged from the page is its maker's alone: another specialist, even an admin, cannot see or start it.
    let folder = t.app.import_upload_folder(&spec).unwrap();
    std::fs::copy(fixture("word/Visiting hours.html"), folder.path().join("Visiting hours.html")).unwrap();
    let staged = t.app.stage_knowledge_import(&spec, folder, "Visiting hours.html", choices(&t)).await.unwrap();
    assert_eq!(staged.report.update, 1, "the page imported above, its link now leading nowhere");
    let admin = t.app.actor(t.users["admin"]).await.unwrap();
    assert!(matches!(t.app.staged_import(&admin, &staged.id), Err(ServiceError::NotFound(_))));
    assert!(matches!(t.app.start_staged_import(&admin, &staged.id), Err(ServiceError::NotFound(_))));
    assert!(t.app.staged_import(&spec, &staged.id).is_ok());

    // Only knowledge specialists and admins import, and they are told so before anything is read.
    let alice = t.app.actor(t.users["alice"]).await.unwrap();
    let refused =
        t.app.plan_knowledge_import(Some(&alice), Path::new("/nonexistent.zip"), choices(&t), Limits::default(), Arc::new(|_| {})).await;
    assert!(matches!(refused, Err(ServiceError::Forbidden(_))), "{:?}", refused.err());
}

/// A knowledge specialist finds the import page, uploads a Confluence space, reads the
/// dry run and imports it, watching its progress, in Chromium with and without
/// JavaScript, every state checked by axe; a file of the wrong type is refused on its field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_specialist_imports_a_confluence_space_from_the_page() {
    use common::browser::Browser;
    use fantoccini::Locator;
    let t = TestApp::spawn(Backend::Sqlite).await;
    t.app.set_password(None, t.users["spec"], common::PASSWORD.to_string()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("OPS.zip");
    zip_folder(&fixture("confluence/OPS"), &zip, &HashMap::new());
    let page = std::fs::read_to_string(fixture("confluence/OPS/Falls-prevention_65541.html")).unwrap();
    let newer = dir.path().join("OPS-newer.zip");
    let changed = page.replace("Assess every patient over 65", "Assess every patient over 60");
    zip_folder(&fixture("confluence/OPS"), &newer, &HashMap::from([("OPS/Falls-prevention_65541.html", changed)]));
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not an export").unwrap();
    for javascript in [true, false] {
        let b = Browser::start(javascript).await;
        b.sign_in_as(&t.base, "spec@trust.nhs.uk", common::PASSWORD).await;
        b.visit_accessible(&t.base, "/assets/new").await;
        b.click("a[href='/import']").await;
        assert!(b.wait_for_text("Import knowledge").await);
        b.assert_accessible("the import page").await;

        b.client.find(Locator::Id("file")).await.unwrap().send_keys(notes.to_str().unwrap()).await.unwrap();
        b.click("form[action='/import/upload'] button").await;
        assert!(b.wait_for_text("There is a problem").await);
        assert!(b.wait_for_text("Choose a .zip export").await);
        b.assert_accessible("a refused upload").await;

        // The second time round, a newer export of the same space: one page changed.
        let export = if javascript { &zip } else { &newer };
        b.client.find(Locator::Id("file")).await.unwrap().send_keys(export.to_str().unwrap()).await.unwrap();
        b.click(&format!("#team option[value='{}']", t.teams["Library"])).await;
        b.click("form[action='/import/upload'] button").await;
        assert!(b.wait_for_text("Check the import").await);
        assert!(b.wait_for_text("Confluence space export").await);
        assert!(b.wait_for_text("Probable NHS numbers").await);
        assert!(b.wait_for_text("Confluence macro \"jira\"").await);
        b.assert_accessible("the dry run").await;
        b.screenshot(&format!("import-dry-run-{javascript}")).await;

        b.click("form[action$='/start'] button").await;
        if !javascript {
            // Without script the page is refreshed by a link until the import is done.
            for _ in 0..20 {
                if b.wait_for_text("Imported").await {
                    break;
                }
                b.click("#import-progress a").await;
            }
        }
        assert!(b.wait_for_text("Imported").await);
        assert!(b.wait_for_text(if javascript { "3 created, 0 updated" } else { "0 created, 1 updated, 2 unchanged" }).await);
        b.assert_accessible("an import done").await;
        b.screenshot(&format!("import-done-{javascript}")).await;
        b.close().await;
    }
    let found = assets(&t).await;
    assert_eq!(found.len(), 3, "the newer export updated the space's assets rather than copying them");
    assert!(found["Falls prevention"].body.contains("over 60"));
}
