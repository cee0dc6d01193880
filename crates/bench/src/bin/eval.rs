//! `signpost-eval`: relevance on a BEIR-format collection. Imports the corpus through
//! Signpost's import path into SQLite, indexes it once per configuration compared,
//! runs every judged query through the normal permission-filtered search, and
//! reports nDCG@10, Recall@100 and MRR@10. See BENCHMARKS.md.
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use signpost::{Location, open};
use signpost_bench::baselines::{Fts5, PgFts, ScratchPg, Viewer, all_assets};
use signpost_bench::relevance::{Collection, Scores, evaluate};
use signpost_domain::assets::Status;
use signpost_domain::fields::AssetKind;
use signpost_domain::ids::{AssetId, UserId};
use signpost_domain::people::{Actor, NewUser, Role, TeamKind};
use signpost_domain::ports::Embedder;
use signpost_domain::search::SearchRequest;
use signpost_embed::SentenceModel;
use signpost_search::{FieldWeights, Fusion, TantivyIndex, Tuning};
use signpost_services::Signpost;
use signpost_services::assets::AssetInput;
use signpost_services::transfer::ImportItem;

#[derive(Parser)]
struct Args {
    /// The collection's folder (corpus.jsonl, queries.jsonl, qrels/).
    #[arg(long, default_value = "../shared/data/beir/scifact")]
    beir: PathBuf,
    /// Which qrels file to score against.
    #[arg(long, default_value = "test")]
    split: String,
    /// Where to write the JSON results.
    #[arg(long, default_value = "bench-results/relevance.json")]
    json: PathBuf,
    /// PostgreSQL server for the PostgreSQL full-text search comparison (no database name).
    #[arg(long, env = "SIGNPOST_TEST_POSTGRES", default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres: String,
    /// Leave PostgreSQL out.
    #[arg(long)]
    no_postgres: bool,
    /// A sentence-embedding model folder: the corpus is embedded through the
    /// background embedder's path and hybrid ranking is evaluated too.
    #[arg(long, env = "SIGNPOST_EMBEDDING_MODEL")]
    embedding_model: Option<PathBuf>,
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// A title Signpost accepts: at most 300 characters, never empty.
fn title_of(doc: &signpost_bench::relevance::Document) -> String {
    let t =
        if doc.title.trim().is_empty() { doc.text.split_whitespace().take(12).collect::<Vec<_>>().join(" ") } else { doc.title.clone() };
    t.chars().take(300).collect()
}

fn item(doc: &signpost_bench::relevance::Document, owner: &str, status: Status) -> ImportItem {
    ImportItem {
        source: doc.id.clone(),
        input: AssetInput { body: doc.text.clone(), status: Some(status), ..AssetInput::new(AssetKind::Guidance, title_of(doc)) },
        team: Some("Evaluation team".into()),
        owner: Some(owner.into()),
        named_viewer_emails: vec![],
        last_verified_at: None,
        created_at: None,
    }
}

async fn rankings(
    app: &Signpost,
    actor: &Actor,
    c: &Collection,
    ids: &HashMap<AssetId, String>,
) -> anyhow::Result<HashMap<String, Vec<String>>> {
    let mut out = HashMap::new();
    for q in &c.queries {
        let r = app.search(actor, SearchRequest { query: q.text.clone(), limit: 100, ..SearchRequest::default() }).await.map_err(err)?;
        out.insert(q.id.clone(), r.hits.iter().filter_map(|h| ids.get(&h.id).cloned()).collect());
    }
    Ok(out)
}

fn report(name: &str, ranked: &HashMap<String, Vec<String>>, c: &Collection, secs: f64) -> serde_json::Value {
    let Scores { ndcg10, recall100, mrr10 } = evaluate(ranked, &c.qrels);
    let per_query = secs * 1000.0 / c.queries.len().max(1) as f64;
    println!("{name:<55} {ndcg10:>8.4} {recall100:>10.4} {mrr10:>8.4} {per_query:>9.2}");
    serde_json::json!({"configuration": name.trim(), "ndcg@10": ndcg10, "recall@100": recall100, "mrr@10": mrr10, "ms_per_query": per_query})
}

/// Embeds the corpus as a server's background embedder would, then ranks with
/// meaning alone and with words and meaning fused.
async fn hybrid(
    dir: &std::path::Path,
    db: &signpost_store::Db,
    evaluator: i64,
    c: &Collection,
    ids: &HashMap<AssetId, String>,
) -> anyhow::Result<Vec<serde_json::Value>> {
    let model: Arc<dyn Embedder> =
        Arc::new(SentenceModel::open(dir).with_context(|| format!("cannot load the embedding model in {}", dir.display()))?);
    let started = Instant::now();
    let app = Signpost::new(Arc::new(db.clone()), Arc::new(TantivyIndex::in_memory().map_err(err)?)).with_embedder(model.clone());
    let mut done = 0;
    loop {
        let n = app.embed_pending().await.map_err(err)?;
        if n == 0 {
            break;
        }
        done += n;
        if done % 512 == 0 {
            eprintln!("embedded {done} of {} ({:.1} per second)", c.corpus.len(), done as f64 / started.elapsed().as_secs_f64());
        }
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!("embedded {done} documents in {secs:.0} s ({:.1} per second)", done as f64 / secs);
    let mut out = Vec::new();
    let base = Tuning::default();
    for (name, fusion) in [
        ("meaning alone (all-MiniLM-L6-v2 cosine)", Fusion { lexical: 0.0, semantic: 1.0 }),
        ("+ hybrid: words and meaning, equal weights (default)", base.fusion),
    ] {
        let app = Signpost::new(Arc::new(db.clone()), Arc::new(TantivyIndex::in_memory_tuned(Tuning { fusion, ..base }).map_err(err)?))
            .with_embedder(model.clone());
        app.prepare_index(&|_, _| {}).await.map_err(err)?;
        let actor = app.actor(UserId(evaluator)).await.map_err(err)?;
        let started = Instant::now();
        let ranked = rankings(&app, &actor, c, ids).await?;
        out.push(report(name, &ranked, c, started.elapsed().as_secs_f64()));
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let collection = Collection::load(&args.beir, &args.split)?;
    eprintln!("{} documents, {} judged queries", collection.corpus.len(), collection.queries.len());
    let dir = tempfile::tempdir()?;
    let (app, db) = open(&Location { data: dir.path().to_path_buf(), database: None }).await?;
    let org = app.create_team(None, "Evaluation", TeamKind::Organisation, None).await.map_err(err)?;
    let team = app.create_team(None, "Evaluation team", TeamKind::Directorate, Some(org.id)).await.map_err(err)?;
    let email = "evaluator@example.org";
    let user = NewUser { team_id: Some(team.id), ..NewUser::new(email, "Evaluator", Role::KnowledgeSpecialist) };
    let evaluator = app.create_user(None, user, None).await.map_err(err)?;

    // Published, unless the identifier guard refuses (an abstract's number that looks
    // like an NHS number): those go in as drafts, which a knowledge specialist still finds.
    let started = Instant::now();
    let mut items: Vec<ImportItem> = collection.corpus.iter().map(|d| item(d, email, Status::Published)).collect();
    let assets = match app.import_assets(None, items.clone()).await {
        Ok(a) => a,
        Err(Ok(problems)) => {
            let refused: std::collections::HashSet<String> = problems.iter().map(|p| p.source.clone()).collect();
            eprintln!("{} documents held numbers like NHS numbers: imported as drafts", refused.len());
            for it in items.iter_mut().filter(|it| refused.contains(&it.source)) {
                it.input.status = Some(Status::Draft);
            }
            app.import_assets(None, items).await.map_err(|e| anyhow::anyhow!("import failed: {e:?}"))?
        }
        Err(Err(e)) => return Err(err(e)),
    };
    let ids: HashMap<AssetId, String> = assets.iter().zip(&collection.corpus).map(|(a, d)| (a.id, d.id.clone())).collect();
    eprintln!("imported in {:.1} s", started.elapsed().as_secs_f64());

    let base = Tuning::default();
    let fields =
        |title: f32, tags: f32, summary: f32, details: f32, body: f32, all: f32| FieldWeights { title, tags, summary, details, body, all };
    let before = fields(3.0, 2.0, 1.5, 1.2, 1.0, 0.0);
    // (name, tuning, synonyms on)
    let variants: Vec<(&str, Tuning, bool)> = vec![
        (
            "before: per-field BM25 summed, title x3, no stop words",
            Tuning { stop_words: false, ascii_folding: false, weights: before, ..base },
            true,
        ),
        ("+ accent folding", Tuning { stop_words: false, weights: before, ..base }, true),
        ("+ English stop words", Tuning { weights: before, ..base }, true),
        ("  per-field, every field weighted 1", Tuning { weights: fields(1.0, 1.0, 1.0, 1.0, 1.0, 0.0), ..base }, true),
        ("  per-field, title x2", Tuning { weights: FieldWeights { title: 2.0, ..before }, ..base }, true),
        ("+ one BM25 over all text (no field boosts)", Tuning { weights: fields(0.0, 0.0, 0.0, 0.0, 0.0, 1.0), ..base }, true),
        ("+ title and tags x0.5 on top (the default)", base, true),
        ("  default, title x1 on top", Tuning { weights: FieldWeights { title: 1.0, ..base.weights }, ..base }, true),
        ("  default without stemming", Tuning { stemming: false, ..base }, true),
        ("  default without stop words", Tuning { stop_words: false, ..base }, true),
        ("  default without synonyms", base, false),
    ];
    let mut results = Vec::new();
    println!("{:<55} {:>8} {:>10} {:>8} {:>9}", "configuration", "nDCG@10", "Recall@100", "MRR@10", "ms/query");
    for (name, tuning, synonyms) in variants {
        let index = Arc::new(TantivyIndex::in_memory_tuned(tuning).map_err(err)?);
        let app = Signpost::new(Arc::new(db.clone()), index.clone());
        app.rebuild_index(&|_, _| {}).await.map_err(err)?;
        if !synonyms {
            signpost_search::SearchIndex::set_synonyms(index.as_ref(), &[]);
        }
        let actor = app.actor(evaluator.id).await.map_err(err)?;
        let started = Instant::now();
        let ranked = rankings(&app, &actor, &collection, &ids).await?;
        results.push(report(name, &ranked, &collection, started.elapsed().as_secs_f64()));
    }
    if let Some(dir) = &args.embedding_model {
        results.extend(hybrid(dir, &db, evaluator.id.0, &collection, &ids).await?);
    }
    // The engines Signpost is compared with, on the same documents and queries.
    let actor = app.actor(evaluator.id).await.map_err(err)?;
    let viewer = Viewer { user_id: actor.user_id, teams: actor.teams.clone() };
    let assets = all_assets(&db).await?;
    let fts5_dir = tempfile::tempdir()?;
    let fts5 = Fts5::create(&fts5_dir.path().join("fts5.db")).await?;
    fts5.load(&assets).await?;
    fts5.finish().await?;
    let mut engines: Vec<(String, HashMap<String, Vec<String>>, f64)> = Vec::new();
    let started = Instant::now();
    let mut ranked = HashMap::new();
    for q in &collection.queries {
        let hits = fts5.search(&q.text, &viewer, 100, false).await?;
        ranked.insert(q.id.clone(), hits.ids.iter().filter_map(|id| ids.get(id).cloned()).collect());
    }
    engines.push(("SQLite FTS5 bm25 (porter, title x2, words OR-ed)".into(), ranked, started.elapsed().as_secs_f64()));
    fts5.close().await;
    if !args.no_postgres {
        let scratch = ScratchPg::create(&args.postgres, "signpost_eval").await?;
        let pg = PgFts::create(&scratch.url()).await?;
        pg.load(&assets).await?;
        pg.finish().await?;
        let started = Instant::now();
        let mut ranked = HashMap::new();
        for q in &collection.queries {
            let hits = pg.search(&q.text, &viewer, 100, false).await?;
            ranked.insert(q.id.clone(), hits.ids.iter().filter_map(|id| ids.get(id).cloned()).collect());
        }
        engines.push(("PostgreSQL FTS ts_rank_cd (english, weights A/B/C, OR-ed)".into(), ranked, started.elapsed().as_secs_f64()));
        pg.close().await;
        scratch.drop_now().await?;
    }
    for (name, ranked, secs) in engines {
        results.push(report(&name, &ranked, &collection, secs));
    }

    if let Some(parent) = args.json.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let out = serde_json::json!({"collection": args.beir, "split": args.split, "documents": collection.corpus.len(), "queries": collection.queries.len(), "results": results});
    std::fs::write(&args.json, serde_json::to_string_pretty(&out)?).with_context(|| format!("cannot write {}", args.json.display()))?;
    db.close().await;
    Ok(())
}
