//! Ranking by words and meaning together: the best BM25 matches and the assets
//! closest in meaning, both taken only from what the asker may see, each score
//! scaled to 0–1 over the pool and added with the tuning's weights.
use std::collections::HashMap;

use signpost_domain::AssetId;
use signpost_domain::ports::SearchError;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermSetQuery};
use tantivy::{DocAddress, Order, Searcher, Term};

use crate::facet_counts::{Counted, FacetCounts};
use crate::fields::Fields;
use crate::tuning::Fusion;
use crate::vectors::Vectors;

/// Each side contributes at least this many candidates to the pool.
pub(crate) const POOL: usize = 100;

fn err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Index(e.to_string())
}

/// What a hybrid search found: the page in order with fused scores, the number of
/// visible assets matching by words or meaning, and their facet counts.
pub(crate) struct Ranked {
    pub page: Vec<(f32, DocAddress)>,
    pub total: usize,
    pub facets: Option<Counted>,
}

/// Everything a hybrid search needs besides the index.
pub(crate) struct HybridQuery<'a> {
    pub text: Box<dyn Query>,
    /// Visibility first, then the request's filters; all required.
    pub filters: Vec<Box<dyn Query>>,
    pub vector: &'a [f32],
    pub fusion: Fusion,
    pub offset: usize,
    pub limit: usize,
    pub facets: Option<FacetCounts>,
}

fn all_of(mut required: Vec<Box<dyn Query>>, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
    required.extend(filters.iter().map(|q| Box::new(ConstScoreQuery::new(q.box_clone(), 0.0)) as Box<dyn Query>));
    Box::new(BooleanQuery::new(required.into_iter().map(|q| (Occur::Must, q)).collect()))
}

fn id_set(f: &Fields, ids: impl IntoIterator<Item = AssetId>) -> Box<dyn Query> {
    Box::new(TermSetQuery::new(ids.into_iter().map(|id| Term::from_field_u64(f.id, id.0 as u64))))
}

fn asset_id(searcher: &Searcher, addr: DocAddress) -> Result<AssetId, SearchError> {
    let column = searcher.segment_reader(addr.segment_ord).fast_fields().u64("id").map_err(err)?;
    column.first(addr.doc_id).map(|id| AssetId(id as i64)).ok_or_else(|| err("indexed document has no id"))
}

/// The closest assets the filters let through, closest first: asks the vectors
/// for more and more until enough pass or none are left.
fn visible_nearest(
    f: &Fields,
    searcher: &Searcher,
    vectors: &Vectors,
    q: &HybridQuery,
    want: usize,
) -> Result<Vec<(AssetId, f32, DocAddress)>, SearchError> {
    let mut asked = want * 2;
    loop {
        let near = vectors.nearest(q.vector, asked);
        if near.is_empty() {
            return Ok(Vec::new());
        }
        let filtered = all_of(vec![id_set(f, near.iter().map(|(id, _)| *id))], &q.filters);
        let passed: HashMap<AssetId, DocAddress> = searcher
            .search(&*filtered, &TopDocs::with_limit(near.len()).order_by_fast_field::<u64>("id", Order::Asc))
            .map_err(err)?
            .into_iter()
            .filter_map(|(id, addr)| Some((AssetId(id? as i64), addr)))
            .collect();
        let kept: Vec<_> = near.iter().filter_map(|(id, s)| passed.get(id).map(|addr| (*id, *s, *addr))).take(want).collect();
        if kept.len() >= want || near.len() < asked || asked >= vectors.len() {
            return Ok(kept);
        }
        asked *= 4;
    }
}

/// Scales scores to 0–1 over the pool (all equal: all 1).
fn scaled(scores: &HashMap<AssetId, f32>) -> impl Fn(Option<&f32>) -> f32 {
    let lo = scores.values().copied().fold(f32::INFINITY, f32::min);
    let hi = scores.values().copied().fold(f32::NEG_INFINITY, f32::max);
    move |s| match s {
        Some(s) if hi > lo => (s - lo) / (hi - lo),
        Some(_) => 1.0,
        None => 0.0,
    }
}

pub(crate) fn rank(f: &Fields, searcher: &Searcher, vectors: &Vectors, q: HybridQuery) -> Result<Ranked, SearchError> {
    let depth = (q.offset + q.limit).max(POOL);
    let near = visible_nearest(f, searcher, vectors, &q, depth)?;
    let near_ids: Vec<AssetId> = near.iter().map(|(id, _, _)| *id).collect();

    // Matches by words or by meaning: the total, the facets, and the best by words.
    let by_meaning: Box<dyn Query> = Box::new(ConstScoreQuery::new(id_set(f, near_ids.iter().copied()), 0.0));
    let either: Box<dyn Query> = Box::new(BooleanQuery::new(vec![(Occur::Should, q.text.box_clone()), (Occur::Should, by_meaning)]));
    let (best_by_words, total, facets) = searcher
        .search(&*all_of(vec![either], &q.filters), &(TopDocs::with_limit(depth).order_by_score(), Count, q.facets))
        .map_err(err)?;

    let mut address: HashMap<AssetId, DocAddress> = HashMap::new();
    let mut lexical: HashMap<AssetId, f32> = HashMap::new();
    for (score, addr) in best_by_words.into_iter().filter(|(s, _)| *s > 0.0) {
        let id = asset_id(searcher, addr)?;
        address.insert(id, addr);
        lexical.insert(id, score);
    }
    // The word scores of the close-in-meaning assets outside the best by words.
    if !near.is_empty() {
        let words_of_near = all_of(vec![q.text.box_clone(), id_set(f, near_ids.iter().copied())], &q.filters);
        for (score, addr) in searcher.search(&*words_of_near, &TopDocs::with_limit(near.len()).order_by_score()).map_err(err)? {
            lexical.insert(asset_id(searcher, addr)?, score);
        }
    }
    let mut semantic: HashMap<AssetId, f32> = near.iter().map(|(id, s, _)| (*id, *s)).collect();
    for (id, _, addr) in &near {
        address.insert(*id, *addr);
    }
    for id in lexical.keys() {
        if let Some(s) = vectors.similarity(q.vector, *id) {
            semantic.entry(*id).or_insert(s);
        }
    }

    let (lex, sem) = (scaled(&lexical), scaled(&semantic));
    let mut pool: Vec<(f32, AssetId, DocAddress)> = address
        .iter()
        .map(|(id, addr)| {
            let by_words = lex(lexical.get(id));
            // An asset not yet embedded ranks as its words alone would place it.
            let by_meaning = semantic.get(id).map_or(by_words, |s| sem(Some(s)));
            (q.fusion.lexical * by_words + q.fusion.semantic * by_meaning, *id, *addr)
        })
        .collect();
    pool.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let page = pool.into_iter().skip(q.offset).take(q.limit).map(|(s, _, addr)| (s, addr)).collect();
    Ok(Ranked { page, total, facets })
}
