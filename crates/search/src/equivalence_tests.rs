//! The pruned, bitset-filtered search held against a plain evaluation of the same
//! query: every match scored by Tantivy without pruning, visibility and filters
//! decided per asset by `Condition::matches` and the assets' own fields. Results,
//! their order, totals and every facet count must agree, over several segments
//! with replaced (deleted) documents, for many askers and queries.
use std::collections::HashMap;

use chrono::{Duration, TimeZone, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use signpost_domain::assets::{Asset, Status, Visibility};
use signpost_domain::fields::{AssetFields, AssetKind};
use signpost_domain::ports::SearchIndex;
use signpost_domain::review::ReviewState;
use signpost_domain::search::{FACET_VALUES, FacetCount, SearchRequest, SortOrder};
use signpost_domain::visibility::Condition;
use signpost_domain::{AssetId, TeamId, Timestamp, UserId};
use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{DocAddress, TantivyDocument};

use crate::TantivyIndex;

const WORDS: [&str; 14] = [
    "sepsis",
    "screening",
    "handover",
    "falls",
    "discharge",
    "learning",
    "review",
    "ward",
    "audit",
    "patient",
    "safety",
    "pathway",
    "coffee",
    "knowledge",
];
/// More topics than a facet lists, so the cut and the chosen ones are checked.
const TOPICS: [&str; 30] = [
    "infection",
    "safety",
    "education",
    "research",
    "audit",
    "sepsis",
    "falls",
    "diabetes",
    "stroke",
    "maternity",
    "mental",
    "cancer",
    "frailty",
    "pharmacy",
    "nursing",
    "surgery",
    "dementia",
    "asthma",
    "renal",
    "cardiac",
    "wound",
    "nutrition",
    "oncology",
    "trauma",
    "paediatrics",
    "radiology",
    "theatres",
    "estates",
    "finance",
    "workforce",
];

fn text(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..rng.gen_range(1..=n)).map(|_| *WORDS.choose(rng).unwrap()).collect::<Vec<_>>().join(" ")
}

fn asset(rng: &mut ChaCha8Rng, id: i64, now: Timestamp) -> Asset {
    let kind = *AssetKind::ALL.choose(rng).unwrap();
    let topics = rng.gen_range(0..3);
    let at = |days: i64| now + Duration::days(days);
    Asset {
        id: AssetId(id),
        kind,
        title: text(rng, 4),
        summary: text(rng, 8),
        body: text(rng, 30),
        fields: AssetFields::empty(kind),
        tags: vec![text(rng, 2)],
        topics: TOPICS.choose_multiple(rng, topics).map(|t| t.to_string()).collect(),
        owner_id: UserId(rng.gen_range(1..6)),
        team_id: TeamId(rng.gen_range(1..5)),
        status: *Status::ALL.choose(rng).unwrap(),
        visibility: *Visibility::ALL.choose(rng).unwrap(),
        named_viewers: vec![UserId(rng.gen_range(1..6))],
        review_interval_days: 365,
        next_review_at: at(rng.gen_range(-60..120)),
        last_verified_at: None,
        links: vec![],
        version: 1,
        created_at: at(-400),
        // Few distinct dates, so ordering by date has ties to break by id.
        updated_at: at(-rng.gen_range(0..5)),
    }
}

fn condition(rng: &mut ChaCha8Rng) -> Condition {
    let me = UserId(rng.gen_range(1..6));
    match rng.gen_range(0..4) {
        0 => Condition::Always,
        1 => Condition::Never,
        _ => Condition::Any(vec![
            Condition::All(vec![
                Condition::VisibilityIn(vec![Visibility::Public, Visibility::Organisation]),
                Condition::StatusIn(vec![Status::Published, Status::Archived]),
            ]),
            Condition::All(vec![Condition::VisibilityIn(vec![Visibility::Team]), Condition::TeamIn(vec![TeamId(rng.gen_range(1..5))])]),
            Condition::OwnerIs(me),
            Condition::All(vec![Condition::VisibilityIn(vec![Visibility::Named]), Condition::NamedViewer(me)]),
        ]),
    }
}

fn request(rng: &mut ChaCha8Rng) -> SearchRequest {
    let mut query = text(rng, 3);
    if rng.gen_bool(0.15) {
        query = format!("\"{query}\"");
    }
    if rng.gen_bool(0.1) {
        query.push_str(" sepsys");
    }
    if rng.gen_bool(0.1) {
        query.clear();
    }
    let mut r = SearchRequest {
        query,
        limit: rng.gen_range(1..15),
        offset: rng.gen_range(0..3) * 5,
        facets: true,
        sort: if rng.gen_bool(0.2) { SortOrder::Recency } else { SortOrder::Relevance },
        ..SearchRequest::default()
    };
    if rng.gen_bool(0.2) {
        r.kinds = vec![*AssetKind::ALL.choose(rng).unwrap()];
    }
    if rng.gen_bool(0.2) {
        // Sometimes more topics than a facet lists, so chosen ones fall outside the most common.
        let n = if rng.gen_bool(0.5) { 1 } else { rng.gen_range(2..=25) };
        r.topics = TOPICS.choose_multiple(rng, n).map(|t| t.to_uppercase()).collect();
    }
    if rng.gen_bool(0.2) {
        r.review_states = vec![ReviewState::Overdue, ReviewState::DueSoon];
    }
    if rng.gen_bool(0.1) {
        r.teams = vec![TeamId(2), TeamId(3)];
        r.statuses = vec![Status::Published];
    }
    r
}

fn passes(a: &Asset, r: &SearchRequest, now: Timestamp) -> bool {
    (r.kinds.is_empty() || r.kinds.contains(&a.kind))
        && (r.topics.is_empty() || r.topics.iter().any(|t| a.topics.contains(&t.to_lowercase())))
        && (r.teams.is_empty() || r.teams.contains(&a.team_id))
        && (r.statuses.is_empty() || r.statuses.contains(&a.status))
        && (r.review_states.is_empty() || r.review_states.contains(&ReviewState::at(a.next_review_at, now)))
}

fn counts<'a>(values: impl Iterator<Item = String> + 'a) -> Vec<FacetCount> {
    let mut by: HashMap<String, u64> = HashMap::new();
    values.for_each(|v| *by.entry(v).or_default() += 1);
    let mut v: Vec<FacetCount> = by.into_iter().map(|(value, count)| FacetCount { value, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v
}

/// The first [`FACET_VALUES`] of `all` and any of `chosen`, and how many there were.
fn listed(all: Vec<FacetCount>, chosen: &[String]) -> (Vec<FacetCount>, usize) {
    let n = all.len();
    (
        all.into_iter()
            .enumerate()
            .filter(|(i, f)| *i < FACET_VALUES || chosen.contains(&f.value.to_lowercase()))
            .map(|(_, f)| f)
            .collect(),
        n,
    )
}

/// Every asset the query matches, with its unpruned score (0 with no words).
fn every_match(ix: &TantivyIndex, query: &str) -> Vec<(f32, i64)> {
    let searcher = ix.reader.searcher();
    let synonyms = ix.synonyms.read().unwrap().clone();
    let Some(text) = crate::query::text_query(&ix.fields, &ix.tuning.weights, &searcher, &synonyms, query) else {
        return Vec::new();
    };
    let docs: Vec<(f32, DocAddress)> = searcher.search(&*text.scoring, &TopDocs::with_limit(100_000).order_by_score()).unwrap();
    // Scored clause by clause in query order, as the search's final ranking is.
    let addrs: Vec<DocAddress> = docs.iter().map(|(_, a)| *a).collect();
    let scoring = crate::collect::Scoring::new(&searcher, &*text.scoring, &text.clauses).unwrap();
    let scores = crate::collect::scores_of(&searcher, &scoring, &addrs).unwrap();
    addrs
        .into_iter()
        .zip(scores)
        .map(|(addr, score)| {
            let doc: TantivyDocument = searcher.doc(addr).unwrap();
            (score, doc.get_first(ix.fields.id).and_then(|v| v.as_u64()).unwrap() as i64)
        })
        .collect()
}

#[test]
fn pruned_search_agrees_with_evaluating_every_asset() {
    let mut rng = ChaCha8Rng::seed_from_u64(22);
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
    let ix = TantivyIndex::in_memory().unwrap();
    let mut assets: HashMap<i64, Asset> = HashMap::new();
    // Several commits make several segments; replacing assets leaves deleted documents behind.
    for batch in 0..6 {
        let mut upserts: Vec<Asset> = (0..120).map(|i| asset(&mut rng, batch * 120 + i + 1, now)).collect();
        if batch > 0 {
            for _ in 0..30 {
                let id = rng.gen_range(1..=batch * 120);
                if !upserts.iter().any(|a| a.id.0 == id) {
                    upserts.push(asset(&mut rng, id, now));
                }
            }
        }
        let deletes = if batch == 5 { vec![AssetId(7), AssetId(8)] } else { vec![] };
        ix.apply(&upserts, &deletes, batch + 1).unwrap();
        for a in upserts {
            assets.insert(a.id.0, a);
        }
        deletes.iter().for_each(|d| drop(assets.remove(&d.0)));
    }
    assert!(ix.reader.searcher().segment_readers().len() > 1);

    // Rounds in which the topic facet was cut, and in which chosen topics outside the most common were listed.
    let (mut cut, mut chosen_beyond) = (0, 0);
    for round in 0..300 {
        if round == 150 {
            // The second half runs on the one segment a rebuild leaves, its deletions merged away.
            ix.compact().unwrap();
            assert_eq!(ix.reader.searcher().segment_readers().len(), 1);
        }
        let (visible, r) = (condition(&mut rng), request(&mut rng));
        let got = ix.search(&r, &visible, now).unwrap();
        let mut expected: Vec<(f32, &Asset)> = if r.query.is_empty() {
            assets.values().map(|a| (0.0, a)).collect()
        } else {
            every_match(&ix, &r.query).into_iter().map(|(s, id)| (s, &assets[&id])).collect()
        };
        expected.retain(|(_, a)| visible.matches((*a).into()) && passes(a, &r, now));
        let context = format!("round {round}: {:?} as {visible:?}", r.query);
        assert_eq!(got.total, expected.len(), "total, {context}");

        if r.sort == SortOrder::Relevance && !r.query.is_empty() {
            expected.sort_by(|(s, a), (t, b)| t.total_cmp(s).then(a.id.cmp(&b.id)));
        } else {
            expected.sort_by(|(_, a), (_, b)| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
        }
        let page: Vec<AssetId> = expected.iter().skip(r.offset).take(r.limit).map(|(_, a)| a.id).collect();
        assert_eq!(got.hits.iter().map(|h| h.id).collect::<Vec<_>>(), page, "page, {context}");

        let matched = || expected.iter().map(|(_, a)| *a);
        let facets = got.facets.expect("asked for");
        assert_eq!(facets.kind, counts(matched().map(|a| a.kind.as_str().to_string())), "kinds, {context}");
        assert_eq!(facets.status, counts(matched().map(|a| a.status.as_str().to_string())), "statuses, {context}");
        let teams: Vec<String> = r.teams.iter().map(|t| t.0.to_string()).collect();
        assert_eq!(
            (facets.team, facets.team_values),
            listed(counts(matched().map(|a| a.team_id.0.to_string())), &teams),
            "teams, {context}"
        );
        let topics: Vec<String> = r.topics.iter().map(|t| t.to_lowercase()).collect();
        let (topic, topic_values) = listed(counts(matched().flat_map(|a| a.topics.clone())), &topics);
        cut += usize::from(topic_values > FACET_VALUES);
        chosen_beyond += usize::from(topic.len() > FACET_VALUES);
        assert_eq!((facets.topic, facets.topic_values), (topic, topic_values), "topics, {context}");
        let states: Vec<u64> = [ReviewState::Current, ReviewState::DueSoon, ReviewState::Overdue]
            .iter()
            .map(|s| matched().filter(|a| ReviewState::at(a.next_review_at, now) == *s).count() as u64)
            .collect();
        assert_eq!(facets.review_state.iter().map(|f| f.count).collect::<Vec<_>>(), states, "review states, {context}");
    }
    assert!(cut > 20 && chosen_beyond > 0, "the facet cut was exercised: {cut} cut, {chosen_beyond} with chosen topics beyond it");
}
