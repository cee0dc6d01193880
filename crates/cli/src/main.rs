//! `signpost`: serve the application, load the demo, manage accounts, import,
//! export, back up, rebuild the index and search from the command line.
use std::io::{BufRead, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use signpost::mail::{self, MailArgs, MailConfig};
use signpost::{Location, demo, files, open_with};
use signpost_domain::assets::Visibility;
use signpost_domain::fields::AssetKind;
use signpost_domain::ids::TeamId;
use signpost_domain::people::{Actor, NewUser, Role, TeamKind};
use signpost_domain::ports::Embedder;
use signpost_domain::search::SearchRequest;
use signpost_embed::SentenceModel;
use signpost_services::accounts::operator;
use signpost_services::knowledge_import::{ImportChoices, Limits};
use signpost_services::{ServiceError, Signpost};

#[derive(Parser)]
#[command(name = "signpost", version, about = "Knowledge mobilisation for health organisations")]
struct Cli {
    #[command(flatten)]
    location: LocationArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct LocationArgs {
    /// A TOML file with `data`, `database`, `listen`, `secure_cookies`, `embedding_model`, `smtp_url`, `smtp_starttls`, `smtp_username`, `smtp_password`, `smtp_ca_file`, `smtp_from_must_match_login`, `mail_from`, `public_url`, `metrics_token`, `trusted_proxies` and `[[sign_on]]` providers (see the README); flags and SIGNPOST_* variables win over it.
    #[arg(long, env = "SIGNPOST_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Data directory: the SQLite database (by default) and this node's search index [default: data].
    #[arg(long, env = "SIGNPOST_DATA", global = true)]
    data: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB (default: SQLite in the data directory).
    #[arg(long, env = "SIGNPOST_DATABASE", global = true)]
    database: Option<String>,
    #[command(flatten)]
    mail: MailArgs,
    /// The address people open Signpost at, such as https://signpost.example.nhs.uk, so emails carry whole links.
    #[arg(long, env = "SIGNPOST_PUBLIC_URL", global = true)]
    public_url: Option<String>,
}

/// The settings a configuration file may hold.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    data: Option<PathBuf>,
    database: Option<String>,
    listen: Option<String>,
    secure_cookies: Option<bool>,
    embedding_model: Option<PathBuf>,
    smtp_url: Option<String>,
    smtp_starttls: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    smtp_ca_file: Option<PathBuf>,
    smtp_from_must_match_login: Option<bool>,
    mail_from: Option<String>,
    public_url: Option<String>,
    metrics_token: Option<String>,
    trusted_proxies: Option<Vec<String>>,
    /// Single sign-on providers, each a `[[sign_on]]` table.
    #[serde(default)]
    sign_on: Vec<signpost::sign_on::ProviderConfig>,
}

/// A trusted proxy as a network: `10.0.0.5` is the one address, `10.0.0.0/24` a network.
fn parse_proxy(text: &str) -> anyhow::Result<ipnet::IpNet> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| anyhow::anyhow!("--trusted-proxy {text:?} is neither an address nor a network such as 10.0.0.0/24"))
}

fn read_config(path: Option<&PathBuf>) -> anyhow::Result<ConfigFile> {
    let Some(path) = path else { return Ok(ConfigFile::default()) };
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("the configuration file {} is not valid", path.display()))
}

#[derive(Subcommand)]
enum Command {
    /// Switch signing in with a password on or off (off needs a `[[sign_on]]` provider in the configuration file).
    Passwords {
        /// on or off.
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Serve the web application and API.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long, env = "SIGNPOST_LISTEN")]
        listen: Option<String>,
        /// Load the demo organisation first (if it is not there yet).
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure even over plain HTTP (when a TLS proxy sits in front).
        #[arg(long, env = "SIGNPOST_SECURE_COOKIES")]
        secure_cookies: bool,
        /// A sentence-embedding model folder (sentence-transformers layout, e.g.
        /// all-MiniLM-L6-v2): assets are embedded in the background and searches
        /// rank by meaning as well as words. Without it, search is by words alone.
        #[arg(long, env = "SIGNPOST_EMBEDDING_MODEL")]
        embedding_model: Option<PathBuf>,
        /// The bearer token `/metrics` asks for. Without one, `/metrics` answers only
        /// direct connections from this machine that came through no proxy.
        #[arg(long, env = "SIGNPOST_METRICS_TOKEN")]
        metrics_token: Option<String>,
        /// A proxy (address or network, such as 10.0.0.0/24) whose X-Forwarded-For or
        /// Forwarded header names the client; repeat for several. Only these are believed.
        #[arg(long = "trusted-proxy", env = "SIGNPOST_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<String>,
        /// How long a node may hold a background job before another node takes it up (a
        /// node that stopped mid-job is noticed after this long).
        #[arg(long, env = "SIGNPOST_JOB_LEASE_SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(5..=86_400))]
        job_lease_seconds: u64,
        /// How long a notification waits before it is emailed on its own, so one read in
        /// Signpost meanwhile is not emailed.
        #[arg(long, env = "SIGNPOST_NOTIFICATION_DELAY_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(0..=86_400))]
        notification_delay_seconds: u64,
    },
    /// Load the demo organisation: teams, people and about 200 knowledge assets.
    Demo,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage teams.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Import assets from a folder of Markdown files with YAML front matter or a CSV file, or restore a whole archive (from `export --format archive`) into an empty instance. All or nothing.
    Import {
        /// The folder, CSV file or archive.
        path: PathBuf,
    },
    /// Bring knowledge in from where it lives: a Confluence HTML space export, a Markdown archive (Outline, Obsidian, Notion) or Word and HTML documents, as a zip (zip64 too), a folder or one file. Reports what would happen; with --yes, then imports all of it or none. Importing the same export again updates what it made.
    ImportKnowledge {
        /// The zip, folder or document.
        path: PathBuf,
        /// The team every imported item belongs to.
        #[arg(long)]
        team: String,
        /// Who owns items whose author is not a person here (an email).
        #[arg(long)]
        owner: String,
        /// The kind every imported item becomes (guidance, lesson, case_study, …).
        #[arg(long, default_value = "guidance")]
        kind: String,
        /// Days between reviews; the first falls due this long after the import.
        #[arg(long, default_value_t = 365)]
        review_days: i32,
        /// Who may see imported items: organisation, team or public.
        #[arg(long, default_value = "organisation")]
        visibility: String,
        /// Import after the report; without it the command is a dry run.
        #[arg(long)]
        yes: bool,
    },
    /// Move everything from one database to another, empty one (stop the server first), with a count check at the end: `signpost migrate --from sqlite://data/signpost.db --to postgres://signpost@db/signpost`.
    Migrate {
        /// The database to copy from.
        #[arg(long)]
        from: String,
        /// The empty database to copy into.
        #[arg(long)]
        to: String,
    },
    /// Export everything as JSON, the assets as a folder of Markdown files that `import` reads back, or the whole instance as an archive that `import` restores (no passwords, sessions, tokens or secrets).
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
        /// Output file (json) or folder (markdown).
        #[arg(long)]
        out: PathBuf,
        /// Export only what this user may see.
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// Write a consistent copy of the database while the server keeps running.
    Backup {
        /// The backup file to create.
        #[arg(long)]
        out: PathBuf,
    },
    /// Rebuild this node's search index from the database.
    Reindex,
    /// Remind the people in leavers' plans as leaving dates near, and email owners of actions due within two days or overdue, running every background job that is due (a server does this itself).
    Remind,
    /// Search from the command line.
    Search {
        /// What to look for.
        query: String,
        /// Search as this user, seeing only what they may see.
        #[arg(long = "as")]
        as_user: Option<String>,
        /// How many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Json,
    Markdown,
    Archive,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input (or SIGNPOST_PASSWORD).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, knowledge_specialist, member or guest.
        #[arg(long, default_value = "member")]
        role: String,
        /// The team's name.
        #[arg(long)]
        team: Option<String>,
        #[arg(long, default_value = "")]
        job_title: String,
        #[arg(long, default_value = "")]
        profession: String,
        #[arg(long, default_value = "")]
        site: String,
        /// Create the account without a password (it cannot sign in until one is set).
        #[arg(long)]
        no_password: bool,
    },
}

#[derive(Subcommand)]
enum TeamCommand {
    /// Create a team: the organisation first, then directorates, then teams.
    Add {
        #[arg(long)]
        name: String,
        /// organisation, directorate or team.
        #[arg(long)]
        kind: String,
        /// The parent team's name.
        #[arg(long)]
        parent: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a personal API token for a user and print its secret once.
    Create {
        /// The user's email.
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
    },
}

/// A progress bar: `what` is being done to `total` `unit`s; drawn only on a terminal.
fn progress(what: &'static str, unit: &str) -> impl Fn(u64, u64) + Send + Sync {
    let bar = ProgressBar::new(0);
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template(&format!("{{msg}} [{{bar:40}}] {{pos}}/{{len}} {unit} ({{eta}})"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what);
    move |done, total| {
        bar.set_length(total);
        bar.set_position(done);
        if done >= total {
            bar.finish_and_clear();
        }
    }
}

/// Whether `path` is a file whose first line is an archive's.
fn is_archive(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else { return false };
    let mut first = String::new();
    path.is_file() && std::io::BufReader::new(file).take(64 * 1024).read_line(&mut first).is_ok() && Signpost::is_archive(first.trim_end())
}

/// `signpost migrate`: every table from one database into another, with the counts.
async fn migrate(location: &Location, from: &str, to: &str) -> anyhow::Result<()> {
    anyhow::ensure!(from != to, "--from and --to are the same database");
    let open_at = |url: &str| Location { data: location.data.clone(), database: Some(url.to_string()) };
    let (source, source_db) = open_with(&open_at(from), false).await?;
    let (target, target_db) = open_with(&open_at(to), false).await?;
    let report = source.migrate_to(&target, &progress("copying", "rows")).await.map_err(service)?;
    println!("{:<24} {:>10} {:>10}", "table", "source", "copied");
    for (table, from, to) in &report {
        println!("{table:<24} {from:>10} {to:>10}");
    }
    let rows: i64 = report.iter().map(|(_, n, _)| n).sum();
    println!("moved {rows} rows: every table's count matches; start `signpost serve --database {}`", signpost::redact(to));
    source_db.close().await;
    target_db.close().await;
    Ok(())
}

fn service(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(errors) => {
            anyhow::anyhow!(errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("\n"))
        }
        other => anyhow::anyhow!(other.to_string()),
    }
}

async fn actor_for(app: &Signpost, email: Option<&str>) -> anyhow::Result<Actor> {
    match email {
        Some(e) => {
            let user = app.user_by_email(e).await.map_err(service)?;
            app.actor(user.id).await.map_err(service)
        }
        None => Ok(operator()),
    }
}

async fn team_id(app: &Signpost, name: &str) -> anyhow::Result<TeamId> {
    let teams = app.teams(&operator()).await.map_err(service)?;
    teams.iter().find(|t| t.name.eq_ignore_ascii_case(name)).map(|t| t.id).with_context(|| format!("there is no team called {name:?}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tantivy=warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let mut config = read_config(cli.location.config.as_ref())?;
    let location = Location {
        data: cli.location.data.or(config.data).unwrap_or_else(|| PathBuf::from("data")),
        database: cli.location.database.or(config.database),
    };
    if let Command::Migrate { from, to } = &cli.command {
        return migrate(&location, from, to).await;
    }
    let searches = matches!(cli.command, Command::Serve { .. } | Command::Reindex | Command::Search { .. });
    let (app, db) = open_with(&location, searches).await?;
    let mail_config = MailConfig {
        smtp_url: config.smtp_url.take(),
        smtp_starttls: config.smtp_starttls.take(),
        smtp_username: config.smtp_username.take(),
        smtp_password: config.smtp_password.take(),
        smtp_ca_file: config.smtp_ca_file.take(),
        mail_from: config.mail_from.take(),
        smtp_from_must_match_login: config.smtp_from_must_match_login.take(),
    };
    let app = match mail::mailer(cli.location.mail, mail_config)? {
        Some(mailer) => {
            if matches!(cli.command, Command::Serve { .. } | Command::Remind) {
                mail::check(&mailer).await?;
            }
            app.with_mailer(Arc::new(mailer))
        }
        None => app,
    };
    let public_url = cli.location.public_url.or(config.public_url).map(|u| u.trim_end_matches('/').to_string());
    let app = match public_url.clone() {
        Some(url) => {
            anyhow::ensure!(
                url.starts_with("https://") || url.starts_with("http://"),
                "--public-url must start with https:// or http://, not {url:?}"
            );
            app.with_public_url(&url)
        }
        None => {
            if app.mails() && matches!(cli.command, Command::Serve { .. }) {
                eprintln!("warning: mail is set up but --public-url is not, so emails cannot link back to Signpost's pages");
            }
            app
        }
    };
    let providers = signpost::sign_on::providers(std::mem::take(&mut config.sign_on), public_url.as_deref())?;
    if matches!(cli.command, Command::Serve { .. }) {
        signpost::sign_on::check(&providers).await?;
    }
    let app = app.with_identity_providers(signpost::sign_on::as_ports(&providers));
    match cli.command {
        Command::Serve {
            listen,
            demo: with_demo,
            secure_cookies,
            embedding_model,
            metrics_token,
            trusted_proxies,
            job_lease_seconds,
            notification_delay_seconds,
        } => {
            let app = app
                .with_job_lease(std::time::Duration::from_secs(job_lease_seconds))
                .with_notification_delay(std::time::Duration::from_secs(notification_delay_seconds));
            let listen = listen.or(config.listen).unwrap_or_else(|| "127.0.0.1:8080".to_string());
            let secure_cookies = secure_cookies || config.secure_cookies.unwrap_or(false);
            let app = match embedding_model.or(config.embedding_model) {
                Some(dir) => {
                    let model =
                        SentenceModel::open(&dir).with_context(|| format!("cannot load the embedding model in {}", dir.display()))?;
                    eprintln!("Ranking by meaning as well as words with the model {}", model.model());
                    app.with_embedder(Arc::new(model))
                }
                None => app,
            };
            app.prepare_index(&progress("indexing", "assets")).await.map_err(service)?;
            if with_demo {
                let n = demo::load(&app).await.map_err(service)?;
                if n > 0 {
                    eprintln!(
                        "Loaded the demo organisation: {n} assets. Sign in as {} with the password {}",
                        demo::demo_email("Amira Haddad"),
                        demo::DEMO_PASSWORD
                    );
                }
            }
            app.catch_up().await.map_err(service)?;
            app.spawn_indexer();
            app.spawn_embedder();
            app.spawn_jobs();
            let listener = tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            eprintln!("Signpost is serving http://{} ({} database)", listener.local_addr()?, app.backend());
            if let Some(secret) = app.prepare_setup().await.map_err(service)? {
                let base = public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{}", listener.local_addr().map(|a| a.to_string()).unwrap_or(listen.clone())));
                eprintln!("Signpost has no accounts yet. Set it up in your browser (this link works once): {base}/setup?token={secret}");
            }
            let proxies = if trusted_proxies.is_empty() { config.trusted_proxies.unwrap_or_default() } else { trusted_proxies };
            let web = signpost_web::WebConfig {
                force_secure_cookies: secure_cookies,
                metrics_token: metrics_token.or(config.metrics_token).filter(|t| !t.is_empty()),
                trusted_proxies: proxies.iter().map(|p| parse_proxy(p)).collect::<anyhow::Result<_>>()?,
            };
            signpost_web::serve(listener, app, web).await?;
        }
        Command::Demo => {
            let n = demo::load(&app).await.map_err(service)?;
            if n == 0 {
                eprintln!("The demo organisation is already loaded.");
            } else {
                eprintln!("Loaded the demo organisation: {n} assets. Password for every demo account: {}", demo::DEMO_PASSWORD);
            }
        }
        Command::User(UserCommand::Add { email, name, role, team, job_title, profession, site, no_password }) => {
            let role = Role::parse(&role).map_err(|e| anyhow::anyhow!(e.message))?;
            let team_id = match team {
                Some(t) => Some(team_id(&app, &t).await?),
                None => None,
            };
            let password = if no_password {
                None
            } else if let Ok(p) = std::env::var("SIGNPOST_PASSWORD") {
                Some(p)
            } else {
                if std::io::stdin().is_terminal() {
                    eprint!("Password (at least 12 characters): ");
                }
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                Some(line.trim_end_matches(['\n', '\r']).to_string())
            };
            let user = app
                .create_user(None, NewUser { email, name, job_title, profession, site, team_id, role, line_manager_id: None }, password)
                .await
                .map_err(service)?;
            println!("{}", user.id);
        }
        Command::Team(TeamCommand::Add { name, kind, parent }) => {
            let kind = TeamKind::parse(&kind).map_err(|e| anyhow::anyhow!(e.message))?;
            let parent = match parent {
                Some(p) => Some(team_id(&app, &p).await?),
                None => None,
            };
            let team = app.create_team(None, &name, kind, parent).await.map_err(service)?;
            println!("{}", team.id);
        }
        Command::Token(TokenCommand::Create { email, name }) => {
            let actor = actor_for(&app, Some(&email)).await?;
            let created = app.create_token(&actor, &name).await.map_err(service)?;
            println!("{}", created.secret);
        }
        Command::Import { path } if is_archive(&path) => {
            let file = std::fs::File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
            let mut reader = std::io::BufReader::new(file);
            let counts = app.restore_archive(&mut reader, &progress("restoring", "rows")).await.map_err(service)?;
            let rows: i64 = counts.0.iter().map(|(_, n)| n).sum();
            println!("restored {rows} rows in {} tables from {}", counts.0.len(), path.display());
            println!("people sign in with single sign-on, or choose a new password from a link (the archive holds no passwords)");
        }
        Command::Migrate { .. } => unreachable!("handled before the database is opened"),
        Command::ImportKnowledge { path, team, owner, kind, review_days, visibility, yes } => {
            let choices = ImportChoices {
                kind: AssetKind::parse(&kind).map_err(|e| anyhow::anyhow!("--kind: {}", e.message))?,
                team_id: team_id(&app, &team).await?,
                owner_id: Some(app.user_by_email(&owner).await.map_err(service)?.id),
                review_interval_days: review_days,
                visibility: Visibility::parse(&visibility).map_err(|e| anyhow::anyhow!("--visibility: {}", e.message))?,
            };
            let reading = progress("reading", "documents");
            let plan = app
                .plan_knowledge_import(None, &path, choices, Limits::default(), Arc::new(move |p| reading(p.done, p.total)))
                .await
                .map_err(service)?;
            print!("{}", signpost::knowledge::describe(&plan.report));
            if !plan.report.ready() {
                bail!("nothing was imported: the dry run found {} problem(s)", plan.report.problems.total);
            }
            if !yes {
                println!("\nThis was a dry run: nothing was imported. Run again with --yes to import.");
                return Ok(());
            }
            let writing = progress("importing", "documents");
            let outcome = app.import_knowledge(None, plan, Arc::new(move |p| writing(p.done, p.total))).await.map_err(service)?;
            println!("\nimported: {} created, {} updated, {} unchanged", outcome.created, outcome.updated, outcome.unchanged);
        }
        Command::Import { path } => {
            let items = match files::read_import(&path) {
                Ok(items) => items,
                Err(problems) => {
                    for p in &problems {
                        eprintln!("{}: {}", p.source, p.message);
                    }
                    bail!("nothing was imported: {} file problem(s)", problems.len());
                }
            };
            match app.import_assets(None, items).await {
                Ok(assets) => {
                    println!("imported {} assets", assets.len());
                }
                Err(Ok(problems)) => {
                    for p in &problems {
                        for e in &p.errors {
                            eprintln!("{}: {}: {}", p.source, e.field, e.message);
                        }
                    }
                    bail!("nothing was imported: {} item(s) have problems", problems.len());
                }
                Err(Err(e)) => return Err(service(e)),
            }
        }
        Command::Export { format: ExportFormat::Archive, out, as_user } => {
            anyhow::ensure!(as_user.is_none(), "an archive holds everything: --as is for the json and markdown formats");
            let file = std::fs::File::create(&out).with_context(|| format!("cannot create {}", out.display()))?;
            let mut writer = std::io::BufWriter::new(file);
            let counts = app.write_archive(&mut writer, &progress("exporting", "rows")).await.map_err(service)?;
            let rows: i64 = counts.0.iter().map(|(_, n)| n).sum();
            println!("exported {rows} rows in {} tables to {}", counts.0.len(), out.display());
        }
        Command::Export { format, out, as_user } => {
            let actor = match as_user {
                Some(e) => Some(actor_for(&app, Some(&e)).await?),
                None => None,
            };
            let bundle = app.export(actor.as_ref()).await.map_err(service)?;
            match format {
                ExportFormat::Archive => unreachable!("written above"),
                ExportFormat::Json => {
                    let file = std::fs::File::create(&out).with_context(|| format!("cannot create {}", out.display()))?;
                    serde_json::to_writer_pretty(std::io::BufWriter::new(file), &bundle)?;
                    println!("exported {} assets to {}", bundle.assets.len(), out.display());
                }
                ExportFormat::Markdown => {
                    let n = files::write_markdown(&bundle, &out)?;
                    println!("exported {n} assets to {}", out.display());
                }
            }
        }
        Command::Backup { out } => {
            use signpost_domain::ports::Store;
            db.backup(&out.to_string_lossy()).await.map_err(|e| anyhow::anyhow!(e.to_string()))?;
            println!("backed up to {}", out.display());
        }
        Command::Reindex => {
            let n = app.rebuild_index(&progress("indexing", "assets")).await.map_err(service)?;
            println!("indexed {n} assets");
        }
        Command::Passwords { state } => {
            let settings = signpost_domain::sign_on::SignInSettings { local_passwords: state == "on" };
            app.set_sign_in_settings(&signpost_services::accounts::operator(), settings).await.map_err(service)?;
            println!("signing in with a password is now {state}");
        }
        Command::Remind => {
            anyhow::ensure!(app.mails(), "no mail relay is configured: give --smtp-url smtp://HOST:PORT (or SIGNPOST_SMTP_URL)");
            let run = app.remind_now().await.map_err(service)?;
            println!("reminded the people in {} leavers' plans", run.leaving_notices);
            println!("sent {} other emails", run.emails);
            if run.failed > 0 {
                eprintln!("{} attempts failed: they are retried later (see /admin/jobs)", run.failed);
            }
            println!("sent {} reminders", run.action_reminders);
        }
        Command::Search { query, as_user, limit } => {
            let actor = actor_for(&app, as_user.as_deref()).await?;
            app.catch_up().await.map_err(service)?;
            let request = SearchRequest { query, limit: limit.clamp(1, 100), snippets: false, facets: false, ..SearchRequest::default() };
            let results = app.search(&actor, request).await.map_err(service)?;
            println!("{} matching assets", results.total);
            for h in results.hits {
                let stale = if h.stale { "  [overdue for review]" } else { "" };
                println!("{:>6}  {:<16} {}{stale}", h.id, h.kind.as_str(), h.title);
            }
        }
    }
    db.close().await;
    Ok(())
}
