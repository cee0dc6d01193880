//! The command line as an operator uses it: import (all or nothing, errors by file
//! and line), export that round-trips, backup, reindex, a corrupt index rebuilt
//! without help, accounts and tokens, the demo organisation, and reminders by email
//! through a real SMTP server.
use crate::common;

use common::{Backend, MailSink, TestDb, cli, seed, write};
use signpost::open;
use signpost_domain::notifications::{Category, Frequency};
use signpost_domain::ports::AssetQuery;
use signpost_services::accounts::operator;

on_both_backends!(import_is_all_or_nothing_and_markdown_export_round_trips);

const GOOD: &str = "---\ntitle: Norovirus bay closures\nkind: lesson\nteam: Ward A\nowner: alice@trust.nhs.uk\nstatus: published\ntags: [norovirus, outbreak]\nfields:\n  context: Winter outbreak on Ward A\n  what_happened: Bays closed within the hour\n  recommendation: Agree cleaning rotas at the first huddle\n---\n## Summary\nClose bays, not wards.\n";
const GUIDE: &str = "---\ntitle: SBAR handover\nkind: guidance\nteam: Ward B\nowner: bob@trust.nhs.uk\nvisibility: team\nlast_verified: 2024-05-01\nfields:\n  audience: Nurses\n  source: Local policy\n---\nUse SBAR at every handover.\n";

async fn count(location: &signpost::Location) -> i64 {
    let (app, db) = open(location).await.unwrap();
    let n = app.list_assets(&operator(), AssetQuery { limit: 100, ..Default::default() }).await.unwrap().total;
    db.close().await;
    n
}

async fn import_is_all_or_nothing_and_markdown_export_round_trips(backend: Backend) {
    let db = TestDb::new(backend);
    let location = db.location("node");
    let (app, store) = open(&location).await.unwrap();
    seed(&app).await;
    store.close().await;
    let dir = db.dir.path().join("import");
    write(&dir.join("lessons/norovirus.md"), GOOD);
    write(&dir.join("guidance/sbar.md"), GUIDE);

    // One malformed file: nothing is imported, and the message names file and line.
    write(&dir.join("lessons/broken.md"), "---\ntitle: Broken\nkind: lesson\nteam: Ward A\ncolour: blue\n---\nBody\n");
    let (ok, _, err) = cli(&location, &["import", dir.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("lessons/broken.md line 5") && err.contains("colour"), "{err}");
    assert_eq!(count(&location).await, 0);

    // Parses, but breaks a rule: still nothing, and the problem names its source.
    write(
        &dir.join("lessons/broken.md"),
        "---\ntitle: No recommendation\nkind: lesson\nteam: Ward A\nowner: alice@trust.nhs.uk\nstatus: published\nfields:\n  context: x\n  what_happened: y\n---\nThe patient's NHS number 943 476 5919 was on the form.\n",
    );
    let (ok, _, err) = cli(&location, &["import", dir.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("lessons/broken.md: fields.recommendation"), "{err}");
    assert!(err.contains("lessons/broken.md: body line 1 column 26") && err.contains("NHS number"), "{err}");
    assert_eq!(count(&location).await, 0);

    // A review interval far beyond any date, with a date it was last verified: an error, not a crash.
    write(
        &dir.join("lessons/broken.md"),
        "---\ntitle: Forever\nkind: lesson\nteam: Ward A\nowner: alice@trust.nhs.uk\nreview_interval_days: 2147483647\nlast_verified: 2025-01-01\n---\nBody\n",
    );
    let (ok, _, err) = cli(&location, &["import", dir.to_str().unwrap()]);
    assert!(!ok && err.contains("lessons/broken.md: review_interval_days") && !err.contains("panicked"), "{err}");
    assert_eq!(count(&location).await, 0);

    std::fs::remove_file(dir.join("lessons/broken.md")).unwrap();
    let (ok, out, err) = cli(&location, &["import", dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("imported 2 assets"), "{out}");
    let (_, out, _) = cli(&location, &["search", "norovirus"]);
    assert!(out.contains("Norovirus bay closures"), "{out}");
    let (_, out, _) = cli(&location, &["search", "SBAR", "--as", "alice@trust.nhs.uk"]);
    assert!(out.starts_with("0 matching"), "alice is not in Ward B and the guidance is team-only: {out}");
    let (_, out, _) = cli(&location, &["search", "SBAR"]);
    assert!(out.contains("[overdue for review]"), "last verified in 2024 with a yearly review: {out}");

    // Export as Markdown, import into a fresh organisation: the same content comes back.
    let exported = db.dir.path().join("export");
    let (ok, out, err) = cli(&location, &["export", "--format", "markdown", "--out", exported.to_str().unwrap()]);
    assert!(ok && out.contains("exported 2 assets"), "{out}{err}");
    let other = TestDb::new(backend);
    let other_location = other.location("node");
    let (app2, store2) = open(&other_location).await.unwrap();
    seed(&app2).await;
    store2.close().await;
    let (ok, _, err) = cli(&other_location, &["import", exported.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (a, db_a) = open(&location).await.unwrap();
    let (b, db_b) = open(&other_location).await.unwrap();
    let one = a.export(None).await.unwrap().assets;
    let two = b.export(None).await.unwrap().assets;
    assert_eq!(one.len(), two.len());
    for (x, y) in one.iter().zip(&two) {
        assert_eq!(
            (&x.title, &x.body, &x.fields, &x.tags, x.status, x.visibility, x.kind),
            (&y.title, &y.body, &y.fields, &y.tags, y.status, y.visibility, y.kind)
        );
        assert_eq!(x.next_review_at.timestamp(), y.next_review_at.timestamp(), "review dates survive the round trip");
        assert_eq!(x.created_at.timestamp(), y.created_at.timestamp(), "creation dates survive the round trip");
    }
    db_a.close().await;
    db_b.close().await;

    let json = db.dir.path().join("export.json");
    let (ok, _, err) = cli(&location, &["export", "--out", json.to_str().unwrap(), "--as", "bob@trust.nhs.uk"]);
    assert!(ok, "{err}");
    let bundle: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let titles: Vec<&str> = bundle["assets"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["SBAR handover", "Norovirus bay closures"],
        "bob sees both, in import order: his team's guidance and the organisation's lesson"
    );
}

#[tokio::test]
async fn csv_import_reports_the_row_and_imports_nothing_on_error() {
    let db = TestDb::new(Backend::Sqlite);
    let location = db.location("node");
    let (app, store) = open(&location).await.unwrap();
    seed(&app).await;
    store.close().await;
    let csv = db.dir.path().join("assets.csv");
    write(
        &csv,
        "title,kind,team,owner,status,tags,fields\nFalls audit,guidance,Ward A,alice@trust.nhs.uk,published,falls;audit,\"{\"\"audience\"\": \"\"Ward staff\"\"}\"\nBad row,memo,Ward A,,draft,,\n",
    );
    let (ok, _, err) = cli(&location, &["import", csv.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("assets.csv line 3") && err.contains("memo"), "{err}");
    assert_eq!(count(&location).await, 0);
    write(
        &csv,
        "title,kind,team,owner,status,tags,fields\nFalls audit,guidance,Ward A,alice@trust.nhs.uk,published,falls;audit,\"{\"\"audience\"\": \"\"Ward staff\"\"}\"\n",
    );
    let (ok, out, err) = cli(&location, &["import", csv.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("imported 1 assets"));
}

#[tokio::test]
async fn accounts_tokens_backup_and_a_corrupt_index_from_the_command_line() {
    let db = TestDb::new(Backend::Sqlite);
    let location = db.location("node");
    let (ok, _, err) = cli(&location, &["team", "add", "--name", "Trust", "--kind", "organisation"]);
    assert!(ok, "{err}");
    let (ok, _, err) = cli(&location, &["team", "add", "--name", "Ward A", "--kind", "team", "--parent", "Trust"]);
    assert!(!ok && err.contains("belongs under a directorate"), "{err}");

    let mut child = std::process::Command::new(common::binary())
        .args([
            "--data",
            location.data.to_str().unwrap(),
            "--database",
            location.database.as_deref().unwrap(),
            "user",
            "add",
            "--email",
            "ops@trust.nhs.uk",
            "--name",
            "Ops",
            "--role",
            "admin",
            "--team",
            "Trust",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"a long enough passphrase\n").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let (ok, out, _) = cli(&location, &["token", "create", "--email", "ops@trust.nhs.uk", "--name", "ci"]);
    assert!(ok && out.trim().starts_with("sp_") && out.trim().len() > 40, "{out}");

    let (ok, out, err) = cli(&location, &["demo"]);
    assert!(ok, "{err}");
    let _ = out;
    let (_, out, _) = cli(&location, &["search", "norovirus outbreak"]);
    assert!(out.contains("norovirus"), "{out}");

    let backup = db.dir.path().join("backup.db");
    let (ok, _, err) = cli(&location, &["backup", "--out", backup.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, _, err) = cli(&location, &["backup", "--out", backup.to_str().unwrap()]);
    assert!(!ok && err.contains("already exists"), "{err}");
    let restored = signpost::Location { data: db.dir.path().join("restored"), database: Some(format!("sqlite://{}", backup.display())) };
    assert_eq!(count(&restored).await, count(&location).await);

    // Scribble over the index: the next start notices and rebuilds it from the store.
    for entry in std::fs::read_dir(location.index_dir()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::write(&p, b"not an index").unwrap();
        }
    }
    let (ok, out, err) = cli(&location, &["search", "norovirus outbreak"]);
    assert!(ok && out.contains("norovirus"), "{out}{err}");
    std::fs::remove_dir_all(location.index_dir()).unwrap();
    let (ok, out, _) = cli(&location, &["search", "norovirus outbreak"]);
    assert!(ok && out.contains("norovirus"), "{out}");
    let (ok, out, _) = cli(&location, &["reindex"]);
    assert!(
        ok && out.contains("indexed 227 assets"),
        "the 200 demo assets, the 24 lessons of its projects, a handover note and two stories: {out}"
    );
}

#[test]
fn the_demo_is_the_same_every_time_and_has_no_placeholder_text() {
    let a: Vec<String> = signpost::demo::assets().into_iter().map(|i| i.input.title).collect();
    let b: Vec<String> = signpost::demo::assets().into_iter().map(|i| i.input.title).collect();
    assert_eq!(a, b);
    assert_eq!(a.len(), 200);
    for item in signpost::demo::assets() {
        let text = format!("{} {} {}", item.input.title, item.input.summary, item.input.body).to_lowercase();
        assert!(!text.contains("lorem") && !text.contains("{site}") && !text.contains("{month}"), "{text}");
    }
}

#[test]
fn a_configuration_file_sets_the_data_directory_and_flags_win_over_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("signpost.toml");
    write(&config, &format!("data = \"{}\"\n", dir.path().join("from-config").display()));
    let run = |args: &[&str]| std::process::Command::new(common::binary()).env_remove("SIGNPOST_DATA").args(args).output().unwrap();
    assert!(run(&["--config", config.to_str().unwrap(), "team", "add", "--name", "Trust", "--kind", "organisation"]).status.success());
    assert!(dir.path().join("from-config/signpost.db").exists());
    let flagged = dir.path().join("from-flag");
    assert!(
        run(&[
            "--config",
            config.to_str().unwrap(),
            "--data",
            flagged.to_str().unwrap(),
            "team",
            "add",
            "--name",
            "Trust",
            "--kind",
            "organisation"
        ])
        .status
        .success()
    );
    assert!(flagged.join("signpost.db").exists());
    write(&config, "data = \"x\"\ncolour = \"blue\"\n");
    let out = run(&["--config", config.to_str().unwrap(), "reindex"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("colour"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The messages a sink received, as headers and plain text, one after another.
fn received(sink: &MailSink) -> String {
    let text = |m: &serde_json::Value, key: &str| m[key].as_str().unwrap_or_default().to_string();
    sink.received()
        .iter()
        .map(|m| format!("From: {}\nTo: {}\nSubject: {}\n\n{}\n", text(m, "from"), text(m, "to"), text(m, "subject"), text(m, "text")))
        .collect()
}

#[tokio::test]
async fn owners_of_overdue_actions_are_reminded_by_email_once_a_week() {
    let db = TestDb::new(Backend::Sqlite);
    let location = db.location("node");
    let (ok, _, err) = cli(&location, &["demo"]);
    assert!(ok, "{err}");
    let (ok, _, err) = cli(&location, &["remind"]);
    assert!(!ok && err.contains("no mail relay is configured"), "{err}");

    let smtp = MailSink::start(false).await;
    let relay = smtp.url();
    let (ok, _, err) = cli(&location, &["remind", "--smtp-url", relay.as_str(), "--public-url", "signpost.northfield.nhs.uk"]);
    assert!(!ok && err.contains("--public-url must start with https://"), "{err}");
    assert!(received(&smtp).is_empty(), "nothing is sent when the settings are wrong");
    // The demo's made-up people are never emailed; here they choose reminders, as real people would.
    let (app, store) = open(&location).await.unwrap();
    for user in app.everyone(&operator()).await.unwrap() {
        let choices = [(Category::ActionReminder, Frequency::Immediately), (Category::LeaverPlan, Frequency::Immediately)];
        app.set_email_preferences(&app.actor(user.id).await.unwrap(), &choices).await.unwrap();
    }
    store.close().await;
    let args = [
        "remind",
        "--smtp-url",
        relay.as_str(),
        "--mail-from",
        "signpost@northfield.nhs.uk",
        "--public-url",
        "https://signpost.northfield.nhs.uk/",
    ];
    let (ok, out, err) = cli(&location, &args);
    assert!(ok, "{err}");
    assert!(out.starts_with("reminded the people in 1 leavers' plans"), "Helen Marsh leaves within four weeks: {out}");
    let last = out.lines().last().unwrap();
    let sent: usize = last.strip_prefix("sent ").and_then(|r| r.strip_suffix(" reminders")).unwrap().parse().unwrap();
    assert!(sent > 0, "the demo has overdue actions: {out}");
    let mail =
        common::eventually(std::time::Duration::from_secs(10), async || received(&smtp).matches("Subject: Reminder: ").count() == sent);
    assert!(mail.await.is_some(), "every reminder arrives: {}", received(&smtp));
    let received = received(&smtp);
    assert!(received.contains("From: signpost@northfield.nhs.uk"), "{received}");
    assert_eq!(
        received.matches("To: ").count(),
        sent + 4,
        "one message per overdue action, to its owner, and one to each of the four people in the plan: {received}"
    );
    assert_eq!(received.matches("Subject: Helen Marsh leaves the role in 20 days").count(), 4, "{received}");
    assert!(received.contains("Hello "), "{received}");
    assert!(
        received.contains("Your actions: https://signpost.northfield.nhs.uk/actions"),
        "reminders link to the actions page: {received}"
    );
    assert!(received.contains("See the plan: https://signpost.northfield.nhs.uk/leavers/"), "and to the leaver's plan: {received}");

    let (ok, out, _) = cli(&location, &args);
    assert!(
        ok && out.trim() == "reminded the people in 0 leavers' plans\nsent 0 other emails\nsent 0 reminders",
        "nobody is told twice in a week: {out}"
    );
}

#[tokio::test]
async fn serving_the_demo_with_mail_configured_emails_none_of_its_made_up_people() {
    let db = TestDb::new(Backend::Sqlite);
    let location = db.location("node");
    let smtp = MailSink::start(false).await;
    let relay = smtp.url();
    let node = common::Node::start_with(
        &location,
        &["--smtp-url", relay.as_str(), "--public-url", "https://signpost.northfield.nhs.uk"],
        &["--demo"],
    )
    .await;
    // The node scans for reminders at once and runs jobs every two seconds: give it several rounds.
    tokio::time::sleep(std::time::Duration::from_secs(8)).await;
    assert!(received(&smtp).is_empty(), "no reminders, notifications or coffee introductions for the demo: {}", received(&smtp));
    drop(node);
}
