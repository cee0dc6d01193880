//! Moving a trust between databases: the demo on the embedded default, exported as an
//! archive and restored into PostgreSQL, and migrated there directly, gives the same
//! counts, the same search results and the same pages; an archive cut short or
//! altered restores nothing and says where.
use crate::common;

use common::web::WebUser;
use common::{Backend, Node, TestDb, cli};
use signpost::{Location, demo, open};
use signpost_domain::archive::{ArchiveStore, TABLES};
use signpost_domain::assets::{Status, Visibility};
use signpost_domain::search::SearchRequest;
use signpost_services::assets::AssetInput;

const AMIRA: &str = "amira.haddad@northfield.nhs.uk";
const QUERIES: [&str; 6] = ["falls", "handover", "sepsis", "after action review", "discharge planning", "infection"];

/// Each table's row count.
async fn counts(location: &Location, every_table: bool) -> Vec<(String, i64)> {
    let (_, db) = open(location).await.unwrap();
    let mut out = Vec::new();
    for t in TABLES.iter().filter(|t| every_table || t.in_file) {
        out.push((t.name.to_string(), db.row_count(t.name).await.unwrap()));
    }
    db.close().await;
    out
}

/// What Amira finds for each query: the total and the ids in order (equal scores in
/// asset order, whatever order each index met them in).
async fn searches(location: &Location) -> Vec<(usize, Vec<i64>)> {
    let (app, db) = open(location).await.unwrap();
    app.prepare_index(&|_, _| {}).await.unwrap();
    let amira = app.actor(app.user_by_email(AMIRA).await.unwrap().id).await.unwrap();
    let mut out = Vec::new();
    for q in QUERIES {
        let found = app.search(&amira, SearchRequest { query: q.into(), limit: 20, ..SearchRequest::default() }).await.unwrap();
        out.push((found.total, found.hits.iter().map(|h| h.id.0).collect()));
    }
    db.close().await;
    out
}

/// A page with what differs between sessions (form tokens, script nonces) taken out.
fn comparable(html: &str) -> String {
    let mut out = html.to_string();
    for marker in ["name=\"csrf_token\" value=\"", "nonce=\""] {
        let mut cleaned = String::new();
        let mut rest = out.as_str();
        while let Some(at) = rest.find(marker) {
            let (before, after) = rest.split_at(at + marker.len());
            cleaned.push_str(before);
            rest = &after[after.find('"').unwrap_or(0)..];
        }
        cleaned.push_str(rest);
        out = cleaned;
    }
    out
}

/// Amira's view of a set of pages on a node.
async fn pages(location: &Location, paths: &[String]) -> Vec<(String, String)> {
    let node = Node::start(location).await;
    let amira = WebUser::sign_in_with(&node.base, AMIRA, demo::DEMO_PASSWORD).await;
    let mut out = Vec::new();
    for path in paths {
        let (status, html) = amira.get(path).await;
        assert!(status.is_success(), "{path}: {status}");
        out.push((path.clone(), comparable(&html)));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_moves_to_postgres_by_archive_and_by_migration_unchanged() {
    let sqlite = TestDb::new(Backend::Sqlite);
    let source = sqlite.location("source");
    let (app, db) = open(&source).await.unwrap();
    demo::load(&app).await.unwrap();
    // Lessons linked to the guidance they led to, as people link them.
    let amira = app.actor(app.user_by_email(AMIRA).await.unwrap().id).await.unwrap();
    let mut all = app.export(None).await.unwrap().assets;
    all.retain(|a| a.visibility == Visibility::Organisation && a.status == Status::Published);
    for pair in all.chunks(2).take(5) {
        let [from, to] = pair else { continue };
        let a = &from;
        let input = AssetInput {
            summary: a.summary.clone(),
            body: a.body.clone(),
            fields: serde_json::to_value(&a.fields).unwrap(),
            tags: a.tags.clone(),
            topics: a.topics.clone(),
            team_id: Some(a.team_id),
            visibility: Some(a.visibility),
            named_viewers: a.named_viewers.clone(),
            review_interval_days: Some(a.review_interval_days),
            links: vec![to.id],
            status: Some(a.status),
            expected_version: Some(a.version),
            ..AssetInput::new(a.kind, a.title.clone())
        };
        app.update_asset(&amira, a.id, input).await.unwrap();
    }
    db.close().await;

    // Exported, and restored into an empty PostgreSQL database.
    let file = sqlite.location("files").data.join("trust.signpost.jsonl");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let (ok, out, err) = cli(&source, &["export", "--format", "archive", "--out", file.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("{\"format\":\"signpost-archive\",\"version\":1"), "{}", &text[..200]);
    assert!(!text.contains("$argon2"), "no password hashes in an archive");
    let restored = TestDb::new(Backend::Postgres);
    let target = restored.location("restored");
    let (ok, out, err) = cli(&target, &["import", file.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("restored"), "{out}");

    // Migrated directly into another.
    let migrated = TestDb::new(Backend::Postgres);
    let moved = migrated.location("migrated");
    let (ok, out, err) = cli(&source, &["migrate", "--from", &source.database_url(), "--to", &moved.database_url()]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("every table's count matches"), "{out}");

    let before = counts(&source, true).await;
    assert!(before.iter().any(|(t, n)| t == "assets" && *n > 100), "{before:?}");
    assert_eq!(counts(&moved, true).await, before, "a migration copies every row of every table");
    let kept: Vec<(String, i64)> = before.iter().filter(|(t, _)| TABLES.iter().any(|s| s.name == t && s.in_file)).cloned().collect();
    assert_eq!(counts(&target, false).await, kept, "a restore holds every row the archive keeps");

    // Links between assets survive.
    let (app, db) = open(&target).await.unwrap();
    let linked: i64 = {
        let (from_app, from_db) = open(&source).await.unwrap();
        let all = from_app.export(None).await.unwrap();
        from_db.close().await;
        let restored_all = app.export(None).await.unwrap();
        let links = |b: &signpost_services::transfer::ExportBundle| {
            b.assets.iter().map(|a| (a.id.0, a.links.iter().map(|l| l.0).collect::<Vec<_>>())).collect::<Vec<_>>()
        };
        assert_eq!(links(&restored_all), links(&all));
        all.assets.iter().map(|a| a.links.len() as i64).sum()
    };
    assert!(linked > 0, "the demo has links between assets to carry over");
    // The archive holds no passwords: people set one (or use single sign-on).
    let amira = app.user_by_email(AMIRA).await.unwrap();
    app.set_password(None, amira.id, demo::DEMO_PASSWORD.to_string()).await.unwrap();
    db.close().await;

    let found = searches(&source).await;
    assert!(found.iter().filter(|(total, _)| *total > 0).count() >= 4, "{found:?}");
    assert_eq!(searches(&target).await, found, "the same results after a restore");
    assert_eq!(searches(&moved).await, found, "the same results after a migration");

    let some = &found[0].1;
    let mut paths: Vec<String> =
        ["/", "/search?q=falls", "/people", "/communities", "/reports", "/maturity", "/leavers", "/actions"].map(String::from).to_vec();
    paths.extend(some.iter().take(3).map(|id| format!("/assets/{id}")));
    let shown = pages(&source, &paths).await;
    for (label, location) in [("restored", &target), ("migrated", &moved)] {
        for ((path, want), (_, got)) in shown.iter().zip(pages(location, &paths).await) {
            assert!(got == *want, "{path} differs once {label}:\n{}", first_difference(want, &got));
        }
    }
}

/// Where two pages first differ, with a little around it.
fn first_difference(a: &str, b: &str) -> String {
    let at = a.bytes().zip(b.bytes()).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(200);
    let cut = |s: &str| s.get(from..(at + 200).min(s.len())).unwrap_or_default().to_string();
    format!("before: …{}…\nafter:  …{}…", cut(a), cut(b))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_cut_short_or_altered_restores_nothing_and_says_where() {
    let db = TestDb::new(Backend::Sqlite);
    let source = db.location("source");
    let (app, store) = open(&source).await.unwrap();
    common::seed(&app).await;
    store.close().await;
    let file = db.location("files").data.join("trust.jsonl");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let (ok, out, err) = cli(&source, &["export", "--format", "archive", "--out", file.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();

    let cases = [
        ("cut short", lines[..lines.len() - 3].join("\n"), "cut short"),
        ("a row altered", text.replacen("\"Ward A\"", "1234", 1), "cannot hold that value"),
        (
            "a row removed",
            lines.iter().enumerate().filter(|(i, l)| !(l.contains("\"Ward B\"") && *i > 0)).map(|(_, l)| *l).collect::<Vec<_>>().join("\n"),
            "should have",
        ),
        ("not an archive", "{\"format\":\"something-else\"}".to_string(), "not a Signpost archive"),
    ];
    for (what, broken, says) in cases {
        let path = db.location("files").data.join(format!("{}.jsonl", what.replace(' ', "-")));
        std::fs::write(&path, broken).unwrap();
        let empty = TestDb::new(Backend::Sqlite);
        let target = empty.location("target");
        let (ok, out, err) = cli(&target, &["import", path.to_str().unwrap()]);
        assert!(!ok, "{what}: {out}");
        assert!(err.contains("line ") && err.contains(says) && err.contains("nothing was imported"), "{what}: {err}");
        let rows: i64 =
            counts(&target, true).await.iter().filter(|(t, _)| t == "users" || t == "teams" || t == "assets").map(|(_, n)| n).sum();
        assert_eq!(rows, 0, "{what}: nothing restored");
    }

    // Only into an empty instance.
    let (ok, _, err) = cli(&source, &["import", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("already holds"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_table_is_either_archived_or_held_back_by_name() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend);
        let (_, store) = open(&db.location("node")).await.unwrap();
        let mut names = store.table_names().await.unwrap();
        names.sort();
        let mut listed: Vec<String> = TABLES.iter().map(|t| t.name.to_string()).collect();
        listed.sort();
        assert_eq!(names, listed, "a new table must be added to signpost_domain::archive::TABLES ({backend:?})");
        store.close().await;
    }
}
