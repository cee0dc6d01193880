//! `signpost-bench`: a first search benchmark. Generates a deterministic corpus,
//! imports it through the normal import path into SQLite, rebuilds the index, then
//! times permission-filtered searches (with facets and snippets) as a member of staff.
//! Prints a table and writes JSON. Run in release mode; see BENCHMARKS.md.
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use signpost::corpus::Corpus;
use signpost::{Location, open};
use signpost_domain::people::{NewUser, Role, TeamKind};
use signpost_domain::search::SearchRequest;
use signpost_services::transfer::ImportItem;

#[derive(Parser)]
struct Args {
    /// Assets to generate.
    #[arg(long, default_value_t = 100_000)]
    assets: usize,
    /// Queries to time.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// Corpus seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Leave out facet counts (to see what they cost).
    #[arg(long)]
    no_facets: bool,
    /// Where to write the JSON results.
    #[arg(long, default_value = "bench-results/search.json")]
    json: std::path::PathBuf,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let location = Location { data: dir.path().to_path_buf(), database: None };
    let (app, db) = open(&location).await?;

    let org = app.create_team(None, "Bench Trust", TeamKind::Organisation, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut team_names = Vec::new();
    for d in 0..3 {
        let dir = app
            .create_team(None, &format!("Directorate {d}"), TeamKind::Directorate, Some(org.id))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for t in 0..4 {
            let name = format!("Team {d}-{t}");
            app.create_team(None, &name, TeamKind::Team, Some(dir.id)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            team_names.push(name);
        }
    }
    let teams = app.teams(&signpost_services::accounts::operator()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut emails = Vec::new();
    for i in 0..48 {
        let team = teams.iter().find(|t| t.name == team_names[i % team_names.len()]).map(|t| t.id);
        let email = format!("staff{i}@bench.nhs.uk");
        let user = NewUser {
            email: email.clone(),
            name: format!("Staff {i}"),
            job_title: String::new(),
            profession: String::new(),
            site: String::new(),
            team_id: team,
            role: Role::Member,
        };
        app.create_user(None, user, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        emails.push(email);
    }

    let mut corpus = Corpus::new(args.seed, team_names.clone());
    let started = Instant::now();
    let mut done = 0;
    while done < args.assets {
        let batch: Vec<ImportItem> = (0..(args.assets - done).min(5_000))
            .map(|i| {
                let (input, team) = corpus.next_asset();
                ImportItem {
                    source: format!("generated {}", done + i),
                    input,
                    team: Some(team),
                    owner: Some(emails[(done + i) % emails.len()].clone()),
                    named_viewer_emails: vec![],
                    last_verified_at: None,
                    created_at: None,
                }
            })
            .collect();
        done += batch.len();
        app.import_assets(None, batch).await.map_err(|e| match e {
            Ok(problems) => anyhow::anyhow!("{} generated assets were refused; the first: {:?}", problems.len(), problems.first()),
            Err(e) => anyhow::anyhow!("import failed: {e}"),
        })?;
        eprint!("\rimported {done}/{}", args.assets);
    }
    let import_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let indexed = app.rebuild_index(&|_, _| {}).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let index_secs = started.elapsed().as_secs_f64();
    eprintln!("\rimported {done} assets in {import_secs:.1} s, indexed {indexed} in {index_secs:.1} s");

    let member = app.user_by_email(&emails[5]).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let actor = app.actor(member.id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let queries: Vec<String> = (0..args.queries + 200).map(|_| corpus.query()).collect();
    let facets = !args.no_facets;
    let request = |q: &str| SearchRequest { query: q.to_string(), limit: 10, snippets: true, facets, ..SearchRequest::default() };
    for q in &queries[..200] {
        app.search(&actor, request(q)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let mut latencies = Vec::with_capacity(args.queries);
    let mut total_hits = 0usize;
    let started = Instant::now();
    for q in &queries[200..] {
        let t = Instant::now();
        let r = app.search(&actor, request(q)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        latencies.push(t.elapsed());
        total_hits += r.total;
    }
    let wall = started.elapsed().as_secs_f64();
    latencies.sort();

    // Two concurrent searchers, one per core.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..2 {
        let (app, actor, qs) = (app.clone(), actor.clone(), queries[200..].to_vec());
        tasks.push(tokio::spawn(async move {
            for q in qs.iter().skip(w).step_by(2) {
                let _ = app
                    .search(&actor, SearchRequest { query: q.clone(), limit: 10, snippets: true, facets: true, ..SearchRequest::default() })
                    .await;
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let concurrent_qps = args.queries as f64 / started.elapsed().as_secs_f64();

    let results = serde_json::json!({
        "assets": args.assets,
        "queries": args.queries,
        "seed": args.seed,
        "import_assets_per_second": args.assets as f64 / import_secs,
        "index_assets_per_second": indexed as f64 / index_secs,
        "search_ms": {"p50": percentile(&latencies, 0.50), "p95": percentile(&latencies, 0.95), "p99": percentile(&latencies, 0.99), "max": percentile(&latencies, 1.0)},
        "queries_per_second_one_searcher": args.queries as f64 / wall,
        "queries_per_second_two_searchers": concurrent_qps,
        "mean_matches_per_query": total_hits as f64 / args.queries as f64,
        "filter": "member of staff: public and organisation assets, their team's, their own",
        "with": if facets { "facets (kind, topic, team, status, review state) and highlighted snippets, top 10" } else { "highlighted snippets, top 10, no facets" },
    });
    println!("Signpost search benchmark: {} assets, {} queries (seed {})", args.assets, args.queries, args.seed);
    println!("  import (normal import path, SQLite) {:>10.0} assets/s", results["import_assets_per_second"].as_f64().unwrap_or_default());
    println!("  index rebuild                       {:>10.0} assets/s", results["index_assets_per_second"].as_f64().unwrap_or_default());
    println!(
        "  search p50 / p95 / p99              {:>6.2} / {:.2} / {:.2} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.95),
        percentile(&latencies, 0.99)
    );
    println!("  queries per second, 1 searcher      {:>10.0}", args.queries as f64 / wall);
    println!("  queries per second, 2 searchers     {:>10.0}", concurrent_qps);
    if let Some(parent) = args.json.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.json, serde_json::to_string_pretty(&results)?).with_context(|| format!("cannot write {}", args.json.display()))?;
    db.close().await;
    Ok(())
}
