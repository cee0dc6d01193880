//! Nobody sees an asset they may not see: through search results, snippets, facet
//! counts, suggestions, get, list, history or export; nor, on the surfaces added since,
//! impact quotes, the report and its CSV, earlier versions, leaver plans and holdings,
//! the directory's emails, private answers or another person's notifications. Organisations, people and
//! assets are random (seeded, so a failure can be replayed with SIGNPOST_TEST_SEED),
//! and the expected answer comes from the rules written out again here, independently
//! of the services' policy code.
use crate::common;

use std::collections::{BTreeSet, HashMap};

use common::{Backend, TestDb};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use signpost::open;
use signpost_domain::assets::{Status, Visibility};
use signpost_domain::fields::AssetKind;
use signpost_domain::ids::{AssetId, TeamId, UserId};
use signpost_domain::people::{NewUser, Role, TeamKind};
use signpost_domain::ports::AssetQuery;
use signpost_domain::search::SearchRequest;
use signpost_services::accounts::UserUpdate;
use signpost_services::assets::AssetInput;
use signpost_services::transfer::ImportItem;
use signpost_services::{ServiceError, Signpost};

on_both_backends!(
    nobody_sees_an_asset_they_may_not_see_by_any_route,
    nobody_sees_an_asset_they_may_not_see_when_ranked_by_meaning,
    nobody_reads_what_they_may_not_on_the_newer_surfaces,
);

#[derive(Debug, Clone)]
struct Person {
    id: UserId,
    role: Role,
    team: TeamId,
}

#[derive(Debug, Clone)]
struct Doc {
    id: AssetId,
    owner: UserId,
    team: TeamId,
    status: Status,
    visibility: Visibility,
    named: Vec<UserId>,
}

/// The visibility rules, as the issue and DOMAIN state them.
fn may_see(p: &Person, d: &Doc, parents: &HashMap<TeamId, Option<TeamId>>) -> bool {
    if p.role == Role::Admin || d.owner == p.id {
        return true;
    }
    let status_ok = match p.role {
        Role::Guest => d.status == Status::Published,
        Role::Member => d.status != Status::Draft,
        _ => true,
    };
    let mut ancestry = vec![p.team];
    while let Some(Some(up)) = parents.get(ancestry.last().unwrap()) {
        ancestry.push(*up);
    }
    let audience = match d.visibility {
        Visibility::Public => true,
        Visibility::Organisation => p.role != Role::Guest,
        Visibility::Team => p.role != Role::Guest && ancestry.contains(&d.team),
        Visibility::Named => d.named.contains(&p.id),
    };
    status_ok && audience
}

async fn build(app: &Signpost, rng: &mut ChaCha8Rng) -> (Vec<Person>, Vec<Doc>, HashMap<TeamId, Option<TeamId>>) {
    let mut parents = HashMap::new();
    let org = app.create_team(None, "Random Trust", TeamKind::Organisation, None).await.unwrap();
    parents.insert(org.id, None);
    let mut all_teams = vec![(org.id, "Random Trust".to_string())];
    for d in 0..2 {
        let dir = app.create_team(None, &format!("Directorate {d}"), TeamKind::Directorate, Some(org.id)).await.unwrap();
        parents.insert(dir.id, Some(org.id));
        all_teams.push((dir.id, dir.name.clone()));
        for t in 0..2 {
            let team = app.create_team(None, &format!("Team {d}{t}"), TeamKind::Team, Some(dir.id)).await.unwrap();
            parents.insert(team.id, Some(dir.id));
            all_teams.push((team.id, team.name.clone()));
        }
    }
    let mut people = Vec::new();
    for i in 0..12 {
        let role = *[Role::Admin, Role::KnowledgeSpecialist, Role::Member, Role::Member, Role::Member, Role::Guest, Role::Guest]
            .choose(rng)
            .unwrap();
        let team = all_teams.choose(rng).unwrap().0;
        let u = NewUser {
            email: format!("p{i}@random.nhs.uk"),
            name: format!("Person {i}"),
            job_title: String::new(),
            profession: String::new(),
            site: String::new(),
            team_id: Some(team),
            role,
            line_manager_id: None,
        };
        people.push(Person { id: UserId((app.create_user(None, u, None).await.unwrap().id).0), role, team });
    }
    let mut items = Vec::new();
    let mut specs = Vec::new();
    for i in 0..80 {
        let owner = people.choose(rng).unwrap().clone();
        let team = all_teams.choose(rng).unwrap();
        let status = *[Status::Draft, Status::Published, Status::Published, Status::Archived].choose(rng).unwrap();
        let visibility = *Visibility::ALL.choose(rng).unwrap();
        let how_many = rng.gen_range(1..4);
        let named: Vec<&Person> = if visibility == Visibility::Named { people.choose_multiple(rng, how_many).collect() } else { vec![] };
        let kind = *AssetKind::ALL
            .choose(rng)
            .filter(|k| {
                !matches!(
                    k,
                    AssetKind::Lesson | AssetKind::EvidenceSummary | AssetKind::HowTo | AssetKind::HandoverNote | AssetKind::ReadingList
                )
            })
            .unwrap_or(&AssetKind::Guidance);
        let input = AssetInput {
            summary: format!("Summary of asset {i}"),
            body: format!("Shared knowledge for everyone, and the secret{i}zz marker of asset {i} only."),
            tags: vec![format!("tag{}", i % 5)],
            topics: vec![format!("topic{}", i % 3)],
            visibility: Some(visibility),
            review_interval_days: Some(365),
            status: Some(status),
            ..AssetInput::new(kind, format!("Asset t{i}x about handover"))
        };
        items.push(ImportItem {
            source: format!("asset {i}"),
            input,
            team: Some(team.1.clone()),
            owner: Some(format!("p{}@random.nhs.uk", people.iter().position(|p| p.id == owner.id).unwrap())),
            named_viewer_emails: named
                .iter()
                .map(|p| format!("p{}@random.nhs.uk", people.iter().position(|q| q.id == p.id).unwrap()))
                .collect(),
            last_verified_at: None,
            created_at: None,
        });
        specs.push((owner.id, team.0, status, visibility, named.iter().map(|p| p.id).collect::<Vec<_>>()));
    }
    let stored = app.import_assets(None, items).await.unwrap();
    let docs = stored
        .iter()
        .zip(specs)
        .map(|(a, (owner, team, status, visibility, named))| Doc { id: a.id, owner, team, status, visibility, named })
        .collect();
    (people, docs, parents)
}

async fn check(app: &Signpost, people: &[Person], docs: &[Doc], parents: &HashMap<TeamId, Option<TeamId>>, seed: u64) {
    for p in people {
        let actor = app.actor(p.id).await.unwrap();
        let expected: BTreeSet<AssetId> = docs.iter().filter(|d| may_see(p, d, parents)).map(|d| d.id).collect();
        let ctx = format!("seed {seed}, person {p:?}");

        let mut found = BTreeSet::new();
        let mut offset = 0;
        let mut facet_total = None;
        loop {
            let r = app
                .search(
                    &actor,
                    SearchRequest { query: "knowledge".into(), limit: 30, offset, snippets: true, facets: true, ..Default::default() },
                )
                .await
                .unwrap();
            assert_eq!(r.total, expected.len(), "search total, {ctx}");
            facet_total.get_or_insert_with(|| {
                let kinds: u64 = r.facets.as_ref().unwrap().kind.iter().map(|f| f.count).sum();
                let statuses: HashMap<String, u64> = r.facets.as_ref().unwrap().status.iter().map(|f| (f.value.clone(), f.count)).collect();
                let teams: u64 = r.facets.as_ref().unwrap().team.iter().map(|f| f.count).sum();
                let review: u64 = r.facets.as_ref().unwrap().review_state.iter().map(|f| f.count).sum();
                (kinds, statuses, teams, review)
            });
            if r.hits.is_empty() {
                break;
            }
            offset += r.hits.len();
            found.extend(r.hits.iter().map(|h| h.id));
        }
        assert_eq!(found, expected, "search results, {ctx}");
        let (kinds, statuses, teams, review) = facet_total.unwrap();
        assert_eq!((kinds, teams, review), (expected.len() as u64, expected.len() as u64, expected.len() as u64), "facet counts, {ctx}");
        for s in Status::ALL {
            let want = docs.iter().filter(|d| expected.contains(&d.id) && d.status == s).count() as u64;
            assert_eq!(statuses.get(s.as_str()).copied().unwrap_or(0), want, "status facet {s:?}, {ctx}");
        }

        for d in docs {
            let visible = expected.contains(&d.id);
            let i = docs.iter().position(|x| x.id == d.id).unwrap();
            let r = app
                .search(
                    &actor,
                    SearchRequest { query: format!("secret{i}zz"), limit: 10, snippets: true, facets: true, ..Default::default() },
                )
                .await
                .unwrap();
            assert_eq!(r.total, usize::from(visible), "unique word of asset {} in search, {ctx}", d.id);
            assert_eq!(
                r.facets.as_ref().unwrap().kind.iter().map(|f| f.count).sum::<u64>(),
                u64::from(visible),
                "facets of asset {}, {ctx}",
                d.id
            );
            if let Some(h) = r.hits.first() {
                assert!(h.snippet.contains(&format!("<mark>secret{i}zz</mark>")), "snippet, {ctx}");
            }
            let s = app.suggest(&actor, &format!("asset t{i}x"), 5).await.unwrap();
            assert_eq!(s.iter().any(|s| s.id == d.id), visible, "suggestion of asset {}, {ctx}", d.id);
            match app.asset(&actor, d.id).await {
                Ok(_) => assert!(visible, "get of asset {}, {ctx}", d.id),
                Err(ServiceError::NotFound(_)) => assert!(!visible, "get of asset {}, {ctx}", d.id),
                Err(e) => panic!("get answered {e:?}, which would reveal the asset exists; {ctx}"),
            }
            match app.asset_history(&actor, d.id, 0, 20).await {
                Ok(v) => assert!(visible && !v.items.is_empty(), "history of asset {}, {ctx}", d.id),
                Err(ServiceError::NotFound(_)) => assert!(!visible, "history of asset {}, {ctx}", d.id),
                Err(e) => panic!("history answered {e:?}; {ctx}"),
            }
        }
        let suggested = app.suggest(&actor, "asset", 20).await.unwrap();
        assert!(suggested.iter().all(|s| expected.contains(&s.id)), "suggestions, {ctx}");

        let listed = app.list_assets(&actor, AssetQuery { limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(listed.items.iter().map(|a| a.id).collect::<BTreeSet<_>>(), expected, "list, {ctx}");
        assert_eq!(listed.total, expected.len() as i64, "list total, {ctx}");
        let exported = app.export(Some(&actor)).await.unwrap();
        assert_eq!(exported.assets.iter().map(|a| a.id).collect::<BTreeSet<_>>(), expected, "export, {ctx}");
    }
}

async fn nobody_sees_an_asset_they_may_not_see_by_any_route(backend: Backend) {
    let seeds: Vec<u64> = match std::env::var("SIGNPOST_TEST_SEED") {
        Ok(s) => vec![s.parse().expect("SIGNPOST_TEST_SEED must be a number")],
        Err(_) => vec![7, 2026],
    };
    for seed in seeds {
        let db = TestDb::new(backend);
        let (app, _) = open(&db.location("node")).await.unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (people, mut docs, parents) = build(&app, &mut rng).await;
        app.prepare_index(&|_, _| {}).await.unwrap();
        check(&app, &people, &docs, &parents, seed).await;

        // Change visibility, status and team of a third of the assets; the index must follow.
        let editor = NewUser::new("editor@random.nhs.uk", "Editor", Role::Admin);
        let editor = app.create_user(None, editor, None).await.unwrap();
        let admin = app.actor(editor.id).await.unwrap();
        let mut team_ids: Vec<TeamId> = parents.keys().copied().collect();
        team_ids.sort_unstable();
        for d in docs.iter_mut() {
            if !rng.gen_bool(0.33) {
                continue;
            }
            let current = app.asset(&admin, d.id).await.unwrap().asset;
            let mut input: AssetInput = serde_json::from_value(serde_json::json!({
                "kind": current.kind, "title": current.title, "summary": current.summary, "body": current.body,
                "tags": current.tags, "topics": current.topics, "expected_version": current.version,
            }))
            .unwrap();
            d.visibility = *[Visibility::Public, Visibility::Organisation, Visibility::Team].choose(&mut rng).unwrap();
            d.named.clear();
            input.visibility = Some(d.visibility);
            input.team_id = Some(*team_ids.choose(&mut rng).unwrap());
            d.team = input.team_id.unwrap();
            if d.status == Status::Draft && rng.gen_bool(0.5) {
                input.status = Some(Status::Published);
                d.status = Status::Published;
            }
            app.update_asset(&admin, d.id, input).await.unwrap();
        }
        app.catch_up().await.unwrap();
        check(&app, &people, &docs, &parents, seed).await;
    }
}

/// Ranking by meaning adds the assets closest to the query; none may be one the
/// asker may not see, in the results, the total or the facet counts.
async fn nobody_sees_an_asset_they_may_not_see_when_ranked_by_meaning(backend: Backend) {
    let seed = 7;
    let db = TestDb::new(backend);
    let (app, _) = open(&db.location("node")).await.unwrap();
    let app = app.with_embedder(common::embedding_model());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (people, docs, parents) = build(&app, &mut rng).await;
    while app.embed_pending().await.unwrap() > 0 {}
    app.prepare_index(&|_, _| {}).await.unwrap();
    assert_eq!(app.embedding_status().map(|s| s.embedded), Some(docs.len() as u64), "every asset embedded");
    for p in &people {
        let actor = app.actor(p.id).await.unwrap();
        let expected: BTreeSet<AssetId> = docs.iter().filter(|d| may_see(p, d, &parents)).map(|d| d.id).collect();
        for query in ["knowledge", "handover of a patient", "secret3zz", "what everyone should know"] {
            let ctx = format!("seed {seed}, query {query:?}, person {p:?}");
            let mut found = BTreeSet::new();
            let mut offset = 0;
            loop {
                let request = SearchRequest { query: query.into(), limit: 30, offset, snippets: true, facets: true, ..Default::default() };
                let r = app.search(&actor, request).await.unwrap();
                assert!(r.total <= expected.len(), "total {} over {} visible, {ctx}", r.total, expected.len());
                assert_eq!(
                    r.facets.as_ref().unwrap().kind.iter().map(|f| f.count).sum::<u64>(),
                    r.total as u64,
                    "facets against total, {ctx}"
                );
                if r.hits.is_empty() {
                    break;
                }
                offset += r.hits.len();
                found.extend(r.hits.iter().map(|h| h.id));
            }
            assert!(found.is_subset(&expected), "leaked {:?}, {ctx}", found.difference(&expected).collect::<Vec<_>>());
            if query == "knowledge" {
                assert_eq!(found, expected, "every visible asset holds the word, {ctx}");
            }
        }
    }
}

/// Whether `p` may change `d` (and so read all its history): the rules again, by hand.
fn may_edit(p: &Person, d: &Doc, parents: &HashMap<TeamId, Option<TeamId>>) -> bool {
    may_see(p, d, parents)
        && match p.role {
            Role::Admin | Role::KnowledgeSpecialist => true,
            Role::Member => d.owner == p.id || p.team == d.team,
            Role::Guest => false,
        }
}

/// The surfaces added since the first test: impact quotes and the programme report with
/// its CSV, earlier versions, leaver plans and what they say of a leaver's holdings, the
/// directory, private answers and notifications, each checked against rules written out
/// here again.
async fn nobody_reads_what_they_may_not_on_the_newer_surfaces(backend: Backend) {
    use signpost_domain::impact::{ImpactKind, ImpactSubject, StakeholderLevel};
    use signpost_domain::retention::Departure;
    use signpost_services::impact::ImpactInput;
    use signpost_services::learning::sessions::SessionInput;
    use signpost_services::leavers::PlanInput;

    let seed: u64 = std::env::var("SIGNPOST_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(11);
    let db = TestDb::new(backend);
    let (app, _) = open(&db.location("node")).await.unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (people, mut docs, parents) = build(&app, &mut rng).await;
    let staff: Vec<&Person> = people.iter().filter(|p| p.role != Role::Guest).collect();

    // Impact: staff quote people about assets they can see.
    let mut quotes: Vec<(String, i64)> = Vec::new();
    for (n, p) in staff.iter().enumerate() {
        let Some(d) = docs.iter().filter(|d| may_see(p, d, &parents)).collect::<Vec<_>>().choose(&mut rng).map(|d| (*d).clone()) else {
            continue;
        };
        let actor = app.actor(p.id).await.unwrap();
        let quote = format!("quote{n}zz changed our practice");
        let input = ImpactInput {
            subject: ImpactSubject::Asset(d.id),
            kind: ImpactKind::UsedIt,
            quote: quote.clone(),
            attributed_to: format!("Speaker {n}"),
            role: String::new(),
            stakeholder: StakeholderLevel::Team,
            decision: String::new(),
            said_on: String::new(),
        };
        app.record_impact(&actor, input).await.unwrap();
        quotes.push((quote, d.id.0));
    }

    // Earlier versions: a third of the assets are widened to the whole organisation by an admin.
    let narrowed: Vec<(i64, Doc)> = {
        let mut out = Vec::new();
        let editor = NewUser::new("widener@random.nhs.uk", "Widener", Role::Admin);
        let editor = app.actor(app.create_user(None, editor, None).await.unwrap().id).await.unwrap();
        for d in docs.iter_mut().filter(|d| d.status == Status::Published && d.visibility != Visibility::Public) {
            if !rng.gen_bool(0.33) {
                continue;
            }
            let before = d.clone();
            let current = app.asset(&editor, d.id).await.unwrap().asset;
            let mut input: AssetInput = serde_json::from_value(serde_json::json!({
                "kind": current.kind, "title": current.title, "summary": current.summary, "body": "widened",
                "fields": current.fields, "tags": current.tags, "topics": current.topics, "expected_version": current.version,
            }))
            .unwrap();
            input.visibility = Some(Visibility::Organisation);
            input.status = Some(Status::Published);
            let widened = app.update_asset(&editor, d.id, input).await;
            assert!(widened.is_ok(), "widening asset {}: {widened:?}", d.id);
            {
                d.visibility = Visibility::Organisation;
                d.named.clear();
                out.push((current.version, before));
            }
        }
        out
    };

    // Leavers: an administrator records another member of staff as some people's line
    // manager, and they start plans, which go to that manager.
    let records = NewUser::new("records@random.nhs.uk", "Records", Role::Admin);
    let operator_admin = app.actor(app.create_user(None, records, None).await.unwrap().id).await.unwrap();
    let mut plans = Vec::new();
    let leavers: Vec<&&Person> = staff.iter().filter(|_| rng.gen_bool(0.4)).collect();
    // Managers are chosen from those who are not leavers (and so get no manager here):
    // a leaver managing their own manager would be a loop, which Signpost refuses.
    let managers: Vec<&&Person> = staff.iter().filter(|m| !leavers.iter().any(|l| l.id == m.id)).collect();
    for p in &leavers {
        let Some(manager) = managers.choose(&mut rng).map(|m| (**m).clone()) else {
            continue;
        };
        let recorded = UserUpdate { line_manager_id: Some(Some(manager.id)), ..UserUpdate::default() };
        app.update_user(&operator_admin, p.id, recorded).await.unwrap();
        let input = PlanInput {
            leaver_id: p.id,
            departure: Departure::Leaving,
            leaving_on: (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().to_string(),
            role: "Role".into(),
            successor_id: None,
            key_colleague_id: None,
        };
        let plan = app.start_plan(&app.actor(p.id).await.unwrap(), input).await.unwrap();
        plans.push((plan.id, (**p).clone(), manager));
    }

    // A premortem in which everyone on the staff answers privately; never shared.
    let first = app.actor(staff[0].id).await.unwrap();
    let everyone: Vec<UserId> = staff.iter().map(|p| p.id).collect();
    let session = SessionInput { technique_key: "premortem".into(), participants: everyone.clone(), ..SessionInput::default() };
    let session = app.start_session(&first, session).await.unwrap();
    for p in &staff {
        app.contribute(&app.actor(p.id).await.unwrap(), session.id, "reasons", &format!("answer of person {}", p.id)).await.unwrap();
    }
    app.prepare_index(&|_, _| {}).await.unwrap();
    assert!(
        !quotes.is_empty() && !narrowed.is_empty() && !plans.is_empty(),
        "seed {seed} exercises every surface: {} quotes, {} versions, {} plans",
        quotes.len(),
        narrowed.len(),
        plans.len()
    );

    let today = chrono::Utc::now().date_naive();
    for p in &people {
        let actor = app.actor(p.id).await.unwrap();
        let ctx = format!("seed {seed}, person {p:?}");
        let specialist = matches!(p.role, Role::Admin | Role::KnowledgeSpecialist);

        // The report (specialists) quotes only statements about assets its reader may see, in CSV too.
        match app.programme_report(&actor, today, today).await {
            Ok(report) => {
                assert!(specialist, "only specialists read the report, {ctx}");
                let csv = report.csv().unwrap();
                for (quote, asset) in &quotes {
                    let visible = may_see(p, docs.iter().find(|d| d.id == *asset).unwrap(), &parents);
                    let quoted = report.impacts.iter().any(|i| i.statement.quote == *quote);
                    assert_eq!(quoted, visible, "{quote} about asset {asset} in the report, {ctx}");
                    assert_eq!(csv.contains(quote.as_str()), visible, "{quote} in the report's CSV, {ctx}");
                }
            }
            Err(ServiceError::Forbidden(_)) => assert!(!specialist, "{ctx}"),
            Err(e) => panic!("report answered {e:?}, {ctx}"),
        }

        // Earlier versions: open to those who could read them then, or may change the asset now.
        for (old, before) in &narrowed {
            let now = docs.iter().find(|d| d.id == before.id).unwrap();
            let page = match app.asset_history(&actor, before.id, 0, 100).await {
                Ok(page) => page,
                Err(ServiceError::NotFound(_)) => {
                    assert!(!may_see(p, now, &parents), "history of asset {}, {ctx}", before.id);
                    continue;
                }
                Err(e) => panic!("history answered {e:?}, {ctx}"),
            };
            let expected = may_edit(p, now, &parents) || may_see(p, before, &parents);
            let entry = page.items.iter().find(|v| v.version == *old).unwrap();
            assert_eq!(entry.readable, expected, "version {old} of asset {}, {ctx}", before.id);
            let diff = app.asset_diff(&actor, before.id, *old, old + 1).await;
            assert_eq!(diff.is_ok(), expected, "diff of asset {}, {ctx}: {diff:?}", before.id);
        }

        // Plans: the people in them, the leaver's team and specialists; never guests. A
        // holding is named and described only to those who may see it.
        for (id, leaver, manager) in &plans {
            let expected = p.role != Role::Guest && (specialist || p.id == leaver.id || p.id == manager.id || p.team == leaver.team);
            match app.plan_view(&actor, *id).await {
                Ok(view) => {
                    assert!(expected, "plan {id}, {ctx}");
                    for h in &view.holdings {
                        let Some(asset) = h.key.strip_prefix("asset-").and_then(|a| a.parse::<i64>().ok()) else { continue };
                        let d = docs.iter().find(|d| d.id == asset).unwrap();
                        let hidden = h.label == "An asset you cannot see";
                        assert_eq!(hidden, !may_see(p, d, &parents), "holding {asset} in plan {id}, {ctx}");
                        assert!(!hidden || h.detail.is_empty(), "a hidden holding is not described, {ctx}");
                    }
                }
                Err(ServiceError::NotFound(_) | ServiceError::Forbidden(_)) => assert!(!expected, "plan {id}, {ctx}"),
                Err(e) => panic!("plan answered {e:?}, {ctx}"),
            }
        }

        // The directory: guests read names only; staff read emails (every profile is for all staff).
        let page = app.users(&actor, 0, 100).await.unwrap();
        for u in &page.items {
            let expected = p.role != Role::Guest || u.id == p.id;
            assert_eq!(!u.email.is_empty(), expected, "email of user {}, {ctx}", u.id);
        }

        // Private answers: each reads only their own until they are shared.
        match app.learning_session(&actor, session.id).await {
            Ok(view) => {
                let authors: Vec<UserId> = view.contributions.iter().map(|c| c.author_id).collect();
                let expected: Vec<i64> = if everyone.contains(&p.id) { vec![p.id.0] } else { vec![] };
                assert_eq!(authors, expected, "private answers, {ctx}");
            }
            Err(ServiceError::Forbidden(_)) => assert_eq!(p.role, Role::Guest, "{ctx}"),
            Err(e) => panic!("session answered {e:?}, {ctx}"),
        }

        // Notifications are the reader's own.
        if let Ok(mine) = app.notifications(&actor).await {
            assert!(mine.iter().all(|n| n.user_id == p.id), "notifications, {ctx}");
        }
    }
}
