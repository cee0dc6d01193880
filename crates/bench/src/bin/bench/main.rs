//! `signpost-bench`: one run, one corpus, one query log, one permission filter.
//! Generates a deterministic corpus, imports it through Signpost's import path into
//! SQLite and indexes it, then measures Signpost in-process and over HTTP, the same
//! assets in PostgreSQL full-text search and SQLite FTS5, the time from a write to
//! it being searchable on its node and on a second node (PostgreSQL), and memory.
//! Prints a table with ratios and writes JSON. Run in release mode; see BENCHMARKS.md.
mod freshness;
mod stats;

use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use signpost::{Location, open};
use signpost_bench::baselines::{Fts5, PgFts, ScratchPg, Viewer, all_assets};
use signpost_bench::corpus::Corpus;
use signpost_domain::people::{Actor, NewUser, Role, TeamKind};
use signpost_domain::search::SearchRequest;
use signpost_services::Signpost;
use signpost_services::transfer::ImportItem;
use stats::{Latency, latency, memory_mib};

#[derive(Parser)]
struct Args {
    /// Assets to generate.
    #[arg(long, default_value_t = 100_000)]
    assets: usize,
    /// Queries to time in-process.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// Queries to time on each engine side by side (PostgreSQL is slow; keep this modest).
    #[arg(long, default_value_t = 300)]
    compare_queries: usize,
    /// HTTP requests to send, and how many at once.
    #[arg(long, default_value_t = 20_000)]
    http_requests: usize,
    #[arg(long, default_value_t = 32)]
    http_concurrency: usize,
    /// Corpus seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// PostgreSQL server for the comparison and the two-node test (no database name).
    #[arg(long, env = "SIGNPOST_TEST_POSTGRES", default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres: String,
    /// Leave PostgreSQL out (no server at hand).
    #[arg(long)]
    no_postgres: bool,
    /// Stop after importing and indexing (to measure the import alone at scale).
    #[arg(long)]
    import_only: bool,
    /// Keep the data directory here, with a member of staff's API token in `bench-token`
    /// and the query log in `bench-queries.txt`, for `scripts/http-bench.sh` to serve.
    #[arg(long)]
    keep: Option<std::path::PathBuf>,
    /// Where to write the JSON results.
    #[arg(long, default_value = "bench-results/bench.json")]
    json: std::path::PathBuf,
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Creates the benchmark organisation: 3 directorates of 4 teams, 48 members of staff.
pub async fn organisation(app: &Signpost) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let org = app.create_team(None, "Bench Trust", TeamKind::Organisation, None).await.map_err(err)?;
    let mut team_ids = Vec::new();
    let mut team_names = Vec::new();
    for d in 0..3 {
        let dir = app.create_team(None, &format!("Directorate {d}"), TeamKind::Directorate, Some(org.id)).await.map_err(err)?;
        for t in 0..4 {
            let name = format!("Team {d}-{t}");
            team_ids.push(app.create_team(None, &name, TeamKind::Team, Some(dir.id)).await.map_err(err)?.id);
            team_names.push(name);
        }
    }
    let mut emails = Vec::new();
    for i in 0..48 {
        let email = format!("staff{i}@bench.nhs.uk");
        let user =
            NewUser { team_id: Some(team_ids[i % team_ids.len()]), ..NewUser::new(email.clone(), format!("Staff {i}"), Role::Member) };
        app.create_user(None, user, None).await.map_err(err)?;
        emails.push(email);
    }
    Ok((team_names, emails))
}

/// The median of three programme reports for the year to today, as a knowledge specialist.
async fn programme_report_ms(app: &Signpost) -> anyhow::Result<f64> {
    let user = NewUser::new("specialist@bench.nhs.uk", "Bench Specialist", Role::KnowledgeSpecialist);
    let specialist = app.create_user(None, user, None).await.map_err(err)?;
    let actor = app.actor(specialist.id).await.map_err(err)?;
    let to = chrono::Utc::now().date_naive();
    let from = to - chrono::Days::new(365);
    let mut samples = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let report = app.programme_report(&actor, from, to).await.map_err(err)?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(report.assets_created > 0, "the report saw no assets");
    }
    samples.sort_by(f64::total_cmp);
    Ok(samples[1])
}

fn request(q: &str, facets: bool) -> SearchRequest {
    SearchRequest { query: q.to_string(), limit: 10, snippets: true, facets, ..SearchRequest::default() }
}

async fn time_signpost(app: &Signpost, actor: &Actor, queries: &[String], facets: bool) -> anyhow::Result<(Latency, f64)> {
    let mut samples = Vec::with_capacity(queries.len());
    let mut matches = 0usize;
    let started = Instant::now();
    for q in queries {
        let t = Instant::now();
        matches += app.search(actor, request(q, facets)).await.map_err(err)?.total;
        samples.push(t.elapsed());
    }
    Ok((latency(samples, started.elapsed()), matches as f64 / queries.len().max(1) as f64))
}

async fn two_searchers(app: &Signpost, actor: &Actor, queries: &[String]) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..2 {
        let (app, actor, qs) = (app.clone(), actor.clone(), queries.to_vec());
        tasks.push(tokio::spawn(async move {
            for q in qs.iter().skip(w).step_by(2) {
                let _ = app.search(&actor, request(q, true)).await;
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    Ok(queries.len() as f64 / started.elapsed().as_secs_f64())
}

/// Searches over HTTP on loopback from `concurrency` clients at once; the server and
/// the clients share the machine's two cores.
async fn over_http(
    app: &Signpost,
    actor: &Actor,
    queries: &[String],
    requests: usize,
    concurrency: usize,
) -> anyhow::Result<(Latency, usize)> {
    let token = app.create_token(actor, "bench").await.map_err(err)?.secret;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/api/v1/search", listener.local_addr()?);
    tokio::spawn(signpost_web::serve(listener, app.clone(), signpost_web::WebConfig::default()));
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let (client, base, token, qs) = (client.clone(), base.clone(), token.clone(), queries.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut errors = 0usize;
            for i in (w..requests).step_by(concurrency) {
                let t = Instant::now();
                let res = client.get(&base).bearer_auth(&token).query(&[("q", qs[i % qs.len()].as_str())]).send().await;
                match res {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        samples.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (samples, errors)
        }));
    }
    let mut samples = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (s, e) = t.await?;
        samples.extend(s);
        errors += e;
    }
    Ok((latency(samples, started.elapsed()), errors))
}

async fn time_baseline<F, Fut>(queries: &[String], search: F) -> anyhow::Result<(Latency, f64)>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<i64>>,
{
    let mut samples = Vec::with_capacity(queries.len());
    let mut matches = 0i64;
    let started = Instant::now();
    for q in queries {
        let t = Instant::now();
        matches += search(q.clone()).await?;
        samples.push(t.elapsed());
    }
    Ok((latency(samples, started.elapsed()), matches as f64 / queries.len().max(1) as f64))
}

fn row(name: &str, l: &Latency, against: Option<&Latency>) -> String {
    let ratio = against.map_or(String::new(), |s| format!("{:>8.1}×", l.p50 / s.p50));
    format!("  {name:<44} {:>8.2} {:>8.2} {:>8.2} {:>8.0} {ratio}", l.p50, l.p95, l.p99, l.qps)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let scratch = tempfile::tempdir()?;
    let data = args.keep.clone().unwrap_or_else(|| scratch.path().to_path_buf());
    let (app, db) = open(&Location { data: data.clone(), database: None }).await?;
    let (team_names, emails) = organisation(&app).await?;

    let mut corpus = Corpus::new(args.seed, team_names);
    // The index follows the import as it would on a running server.
    let indexer = app.spawn_indexer();
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
    eprintln!("\rimported {done} assets; waiting for the index to catch up");
    app.catch_up().await.map_err(err)?;
    let searchable_secs = started.elapsed().as_secs_f64();
    indexer.abort();
    // Then from scratch, as `signpost reindex` does, which also leaves one tidy index for the searches.
    let started = Instant::now();
    let indexed = app.rebuild_index(&|_, _| {}).await.map_err(err)?;
    let index_secs = started.elapsed().as_secs_f64();
    eprintln!(
        "\rimported {done} assets in {import_secs:.1} s, all searchable after {searchable_secs:.1} s; rebuilt the index in {index_secs:.1} s"
    );
    let (rss_indexed, _) = memory_mib();
    let report_ms = programme_report_ms(&app).await?;
    let (rss_reported, _) = memory_mib();
    let report_line = format!(
        "programme report for a year (every asset in it): {report_ms:.0} ms, resident memory {rss_indexed:.0} → {rss_reported:.0} MiB"
    );
    let member = app.user_by_email(&emails[5]).await.map_err(err)?;
    let actor = app.actor(member.id).await.map_err(err)?;
    let queries: Vec<String> = (0..args.queries + 200).map(|_| corpus.query()).collect();
    if args.keep.is_some() {
        std::fs::write(data.join("bench-token"), app.create_token(&actor, "load generator").await.map_err(err)?.secret)?;
        std::fs::write(data.join("bench-queries.txt"), queries.join("\n") + "\n")?;
    }
    if args.import_only {
        println!(
            "imported {} assets at {:.0}/s with the index following; all searchable after {searchable_secs:.0} s ({:.0}/s); index rebuild {:.0}/s; {rss_indexed:.0} MiB resident\n{report_line}",
            args.assets,
            args.assets as f64 / import_secs,
            args.assets as f64 / searchable_secs,
            indexed as f64 / index_secs,
        );
        db.close().await;
        return Ok(());
    }

    let viewer = Viewer { user_id: actor.user_id, teams: actor.teams.clone() };
    let (warm, timed) = queries.split_at(200);
    time_signpost(&app, &actor, warm, true).await?;
    let (with_facets, matches) = time_signpost(&app, &actor, timed, true).await?;
    let (without_facets, _) = time_signpost(&app, &actor, timed, false).await?;
    let two = two_searchers(&app, &actor, timed).await?;
    eprintln!("in-process searches done");
    let (http, http_errors) = over_http(&app, &actor, timed, args.http_requests, args.http_concurrency).await?;
    let (rss_after_search, peak_rss) = memory_mib();
    eprintln!("HTTP searches done");

    // The engines side by side on the same queries, each returning the top 10 with a snippet and the total.
    let compare = &timed[..args.compare_queries.min(timed.len())];
    let (signpost_compare, _) = time_signpost(&app, &actor, compare, false).await?;
    let assets = all_assets(&db).await?;
    let fts5_dir = tempfile::tempdir()?;
    let fts5 = Fts5::create(&fts5_dir.path().join("fts5.db")).await?;
    let started = Instant::now();
    for (i, chunk) in assets.chunks(5_000).enumerate() {
        fts5.load(chunk).await?;
        eprint!("\rloading SQLite FTS5 {}/{}", (i * 5_000 + chunk.len()), assets.len());
    }
    eprintln!();
    fts5.finish().await?;
    let fts5_load = assets.len() as f64 / started.elapsed().as_secs_f64();
    for q in &compare[..compare.len().min(50)] {
        fts5.search(q, &viewer, 10, true).await?;
    }
    let (fts5_latency, fts5_matches) = time_baseline(compare, |q| {
        let (fts5, viewer) = (&fts5, &viewer);
        async move { Ok(fts5.search(&q, viewer, 10, true).await?.total) }
    })
    .await?;
    fts5.close().await;
    eprintln!("SQLite FTS5 done");

    let mut pg_figures = None;
    if !args.no_postgres {
        let scratch = ScratchPg::create(&args.postgres, "signpost_bench").await?;
        let pg = PgFts::create(&scratch.url()).await?;
        let started = Instant::now();
        for (i, chunk) in assets.chunks(2_000).enumerate() {
            pg.load(chunk).await?;
            eprint!("\rloading PostgreSQL {}/{}", (i * 2_000 + chunk.len()), assets.len());
        }
        eprintln!("\nbuilding PostgreSQL's GIN index");
        pg.finish().await?;
        let pg_load = assets.len() as f64 / started.elapsed().as_secs_f64();
        for q in &compare[..compare.len().min(20)] {
            pg.search(q, &viewer, 10, true).await?;
        }
        let (pg_latency, pg_matches) = time_baseline(compare, |q| {
            let (pg, viewer) = (&pg, &viewer);
            async move { Ok(pg.search(&q, viewer, 10, true).await?.total) }
        })
        .await?;
        pg.close().await;
        scratch.drop_now().await?;
        eprintln!("PostgreSQL FTS done");
        pg_figures = Some((pg_latency, pg_matches, pg_load));
    }

    let one_node = freshness::one_node(&app, &actor).await?;
    let two_nodes = if args.no_postgres { None } else { Some(freshness::two_nodes(&args.postgres).await?) };

    println!("\nSignpost benchmark: {} assets, seed {}, as a member of staff (permission-filtered)", args.assets, args.seed);
    println!("  import through the import path (SQLite)      {:>10.0} assets/s", args.assets as f64 / import_secs);
    println!("  index rebuild                                {:>10.0} assets/s", indexed as f64 / index_secs);
    println!(
        "  import until all searchable (index following) {:>9.0} assets/s ({searchable_secs:.0} s)",
        args.assets as f64 / searchable_secs
    );
    println!("  mean matches per query                       {:>10.0}", matches);
    println!("\n  {:<44} {:>8} {:>8} {:>8} {:>8} {:>9}", "search (ms)", "p50", "p95", "p99", "QPS", "vs Signpost");
    println!("{}", row("Signpost, facets + snippets", &with_facets, None));
    println!("{}", row("Signpost, snippets", &without_facets, None));
    println!("  {:<44} {:>44.0}", "Signpost, facets + snippets, 2 searchers QPS", two);
    println!("{}", row(&format!("Signpost over HTTP, {} at once ({http_errors} errors)", args.http_concurrency), &http, None));
    println!("  side by side, {} queries, top 10 + snippet + total:", compare.len());
    println!("{}", row("Signpost", &signpost_compare, None));
    println!("{}", row(&format!("SQLite FTS5 (loads {fts5_load:.0}/s)"), &fts5_latency, Some(&signpost_compare)));
    if let Some((pg, _, load)) = &pg_figures {
        println!("{}", row(&format!("PostgreSQL FTS (loads {load:.0}/s)"), pg, Some(&signpost_compare)));
    }
    println!("\n  write to searchable, same node   p50 {:>7.0} ms, max {:>7.0} ms", one_node.p50, one_node.max);
    if let Some(t) = &two_nodes {
        println!("  write to searchable, other node  p50 {:>7.0} ms, max {:>7.0} ms (PostgreSQL)", t.p50, t.max);
    }
    println!(
        "  memory: {rss_indexed:.0} MiB resident after indexing, {rss_after_search:.0} MiB after searching, {peak_rss:.0} MiB peak (whole run)"
    );
    println!("  {report_line}");

    let results = serde_json::json!({
        "assets": args.assets,
        "seed": args.seed,
        "vocabulary": corpus.vocabulary(),
        "filter": "member of staff: own assets, or published/archived and public, organisation-wide or one of their teams",
        "import_assets_per_second": args.assets as f64 / import_secs,
        "index_assets_per_second": indexed as f64 / index_secs,
        "import_until_searchable_seconds": searchable_secs,
        "import_until_searchable_assets_per_second": args.assets as f64 / searchable_secs,
        "mean_matches_per_query": matches,
        "signpost_facets_snippets_ms": with_facets,
        "signpost_snippets_ms": without_facets,
        "signpost_two_searchers_qps": two,
        "http": {"latency_ms": http, "errors": http_errors, "requests": args.http_requests, "concurrency": args.http_concurrency},
        "side_by_side": {
            "queries": compare.len(),
            "signpost_ms": signpost_compare,
            "sqlite_fts5_ms": fts5_latency, "sqlite_fts5_mean_matches": fts5_matches, "sqlite_fts5_load_per_second": fts5_load,
            "postgres_fts_ms": pg_figures.as_ref().map(|p| p.0), "postgres_fts_mean_matches": pg_figures.as_ref().map(|p| p.1),
            "postgres_fts_load_per_second": pg_figures.as_ref().map(|p| p.2),
        },
        "write_to_searchable_ms": {"same_node": one_node, "other_node_postgres": two_nodes},
        "memory_mib": {"after_indexing": rss_indexed, "after_searching": rss_after_search, "peak": peak_rss},
        "programme_report": {"median_ms": report_ms, "resident_mib_before": rss_indexed, "resident_mib_after": rss_reported},
    });
    if let Some(parent) = args.json.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.json, serde_json::to_string_pretty(&results)?).with_context(|| format!("cannot write {}", args.json.display()))?;
    db.close().await;
    Ok(())
}
