//! How long after a write it can be found: on the node that took the write, and on a
//! second node sharing the same PostgreSQL database (which learns of it from the
//! change log).
use std::time::{Duration, Instant};

use serde::Serialize;
use signpost::{Location, open};
use signpost_bench::baselines::ScratchPg;
use signpost_domain::assets::Status;
use signpost_domain::fields::AssetKind;
use signpost_domain::people::Actor;
use signpost_domain::search::SearchRequest;
use signpost_services::Signpost;
use signpost_services::assets::AssetInput;

use super::err;

const WRITES: usize = 20;

/// Write-to-searchable times.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Freshness {
    /// Median, ms.
    pub p50: f64,
    /// Slowest, ms.
    pub max: f64,
    /// Writes timed.
    pub writes: usize,
}

fn lesson(word: &str) -> AssetInput {
    AssetInput {
        body: format!("Written to time how soon {word} can be found."),
        fields: serde_json::json!({"context": "benchmark", "what_happened": "a write", "recommendation": "find it"}),
        status: Some(Status::Published),
        ..AssetInput::new(AssetKind::Lesson, format!("Freshness check {word}"))
    }
}

/// Writes on `writer` and times until `reader` finds each write.
async fn measure(writer: &Signpost, writer_actor: &Actor, reader: &Signpost, reader_actor: &Actor, tag: &str) -> anyhow::Result<Freshness> {
    let mut samples = Vec::new();
    for i in 0..WRITES {
        let word = format!("fresh{tag}{i}z{}", std::process::id());
        let id = writer.create_asset(writer_actor, lesson(&word)).await.map_err(err)?.asset.id;
        let written = Instant::now();
        loop {
            // By id: typo tolerance would otherwise find the previous write's near-identical word.
            let r = reader
                .search(reader_actor, SearchRequest { query: word.clone(), limit: 5, ..SearchRequest::default() })
                .await
                .map_err(err)?;
            if r.hits.iter().any(|h| h.id == id) {
                break;
            }
            if written.elapsed() > Duration::from_secs(30) {
                anyhow::bail!("a write was not searchable after 30 s");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        samples.push(written.elapsed().as_secs_f64() * 1000.0);
        // Spread the writes over the other node's polling cycle rather than in step with it.
        tokio::time::sleep(Duration::from_millis((i as u64 * 37) % 250)).await;
    }
    samples.sort_by(f64::total_cmp);
    Ok(Freshness { p50: samples[samples.len() / 2], max: samples[samples.len() - 1], writes: samples.len() })
}

/// On the node that takes the write.
pub async fn one_node(app: &Signpost, actor: &Actor) -> anyhow::Result<Freshness> {
    let indexer = app.spawn_indexer();
    let f = measure(app, actor, app, actor, "one").await;
    indexer.abort();
    f
}

/// On a second node over the same PostgreSQL database.
pub async fn two_nodes(server: &str) -> anyhow::Result<Freshness> {
    let scratch = ScratchPg::create(server, "signpost_bench_nodes").await?;
    let (dir_a, dir_b) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let (a, db_a) = open(&Location { data: dir_a.path().to_path_buf(), database: Some(scratch.url()) }).await?;
    let (b, db_b) = open(&Location { data: dir_b.path().to_path_buf(), database: Some(scratch.url()) }).await?;
    let (_, emails) = super::organisation(&a).await?;
    let user = a.user_by_email(&emails[0]).await.map_err(err)?;
    let (actor_a, actor_b) = (a.actor(user.id).await.map_err(err)?, b.actor(user.id).await.map_err(err)?);
    a.prepare_index(&|_, _| {}).await.map_err(err)?;
    b.prepare_index(&|_, _| {}).await.map_err(err)?;
    let (ia, ib) = (a.spawn_indexer(), b.spawn_indexer());
    let f = measure(&a, &actor_a, &b, &actor_b, "two").await;
    ia.abort();
    ib.abort();
    db_a.close().await;
    db_b.close().await;
    scratch.drop_now().await?;
    f
}
