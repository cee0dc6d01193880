//! `signpost-loop-eval`: how well the lessons loop brings past lessons to new work.
//! Loads the demo organisation (with its learning history) into a scratch SQLite
//! database, plans each of the demo's labelled new projects, and reports the share
//! whose top five surfaced lessons include one written for that project's subject:
//! by words alone, and by words and meaning when a model is given. It then measures
//! the expert finder on the demo's labelled subjects: the share whose top three
//! people include one labelled for the subject. See BENCHMARKS.md.
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use signpost::demo::experts::{ExpertScore, TOP, measure_experts};
use signpost::demo::learning::{LoopScore, measure_loop};
use signpost::{Location, demo, open};
use signpost_domain::ports::Embedder;
use signpost_embed::SentenceModel;
use signpost_search::TantivyIndex;
use signpost_services::Signpost;

#[derive(Parser)]
struct Args {
    /// A sentence-embedding model folder: the loop is measured with hybrid ranking too.
    #[arg(long, env = "SIGNPOST_EMBEDDING_MODEL")]
    embedding_model: Option<PathBuf>,
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

fn print(name: &str, s: &LoopScore) {
    println!("{name}: {} of {} new projects ({:.0}%) have a lesson for their subject in the top 5", s.hits, s.projects, 100.0 * s.share());
    for (topic, title) in &s.misses {
        println!("  missed [{topic}] {title}");
    }
}

fn print_experts(name: &str, s: &ExpertScore) {
    println!(
        "expert finder, {name}: {} of {} subjects ({:.0}%) have a right person in the top {TOP}",
        s.hits,
        s.subjects,
        100.0 * s.share()
    );
    for (subject, top) in &s.misses {
        println!("  missed \"{subject}\": {}", top.join(", "));
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let (app, db) = open(&Location { data: dir.path().to_path_buf(), database: None }).await?;
    demo::load(&app).await.map_err(err)?;
    app.prepare_index(&|_, _| {}).await.map_err(err)?;
    // The experts first: measuring the loop plans new projects, which are evidence too.
    print_experts("words alone (BM25)", &measure_experts(&app).await.map_err(err)?);
    print("words alone (BM25)", &measure_loop(&app).await.map_err(err)?);
    if let Some(dir) = args.embedding_model {
        let model: Arc<dyn Embedder> =
            Arc::new(SentenceModel::open(&dir).with_context(|| format!("cannot load the embedding model in {}", dir.display()))?);
        let app = Signpost::new(Arc::new(db.clone()), Arc::new(TantivyIndex::in_memory().map_err(err)?)).with_embedder(model);
        while app.embed_pending().await.map_err(err)? > 0 {}
        app.prepare_index(&|_, _| {}).await.map_err(err)?;
        print("words and meaning (hybrid, all-MiniLM-L6-v2)", &measure_loop(&app).await.map_err(err)?);
    }
    Ok(())
}
