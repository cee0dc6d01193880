//! Ranking by words and meaning together: the best BM25 matches and the assets
//! closest in meaning, both taken only from what the asker may see, each score
//! scaled to 0–1 over the pool and added with the tuning's weights.
use std::collections::HashMap;

use signpost_domain::AssetId;
use signpost_domain::ports::SearchError;
use tantivy::{DocAddress, Searcher};

use crate::collect::{self, View};
use crate::facet_counts::{self, Counted, Filters};
use crate::fields::Fields;
use crate::query::TextQuery;
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

/// Everything a hybrid search needs besides the index and what the asker may see.
pub(crate) struct HybridQuery<'a> {
    pub text: &'a TextQuery,
    pub vector: &'a [f32],
    pub fusion: Fusion,
    pub offset: usize,
    pub limit: usize,
    pub facets: Option<&'a Filters>,
}

/// The closest assets the asker may see (after the filters), closest first: asks
/// the vectors for more and more until enough pass or none are left.
fn visible_nearest(
    f: &Fields,
    searcher: &Searcher,
    vectors: &Vectors,
    view: &View,
    vector: &[f32],
    want: usize,
) -> Result<Vec<(AssetId, f32, DocAddress)>, SearchError> {
    let mut asked = want * 2;
    loop {
        let near = vectors.nearest(vector, asked);
        if near.is_empty() {
            return Ok(Vec::new());
        }
        let mut kept = Vec::new();
        for (id, similarity) in &near {
            if let Some(addr) = view.address_of(searcher, f.id, id.0 as u64).map_err(err)? {
                kept.push((*id, *similarity, addr));
                if kept.len() == want {
                    return Ok(kept);
                }
            }
        }
        if near.len() < asked || asked >= vectors.len() {
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

pub(crate) fn rank(f: &Fields, searcher: &Searcher, vectors: &Vectors, view: &View, q: HybridQuery) -> Result<Ranked, SearchError> {
    let depth = (q.offset + q.limit).max(POOL);
    let near = visible_nearest(f, searcher, vectors, view, q.vector, depth)?;

    // Matches by words or by meaning: the total and the facets.
    let matching = q.text.matching.iter().map(|m| collect::weight(searcher, &**m, false)).collect::<Result<Vec<_>, _>>().map_err(err)?;
    let mut sets = collect::matched(searcher, &matching, view).map_err(err)?;
    for (_, _, addr) in &near {
        sets[addr.segment_ord as usize].insert(addr.doc_id as usize);
    }
    let (total, facets) = facet_counts::tally(&sets, &view.columns, q.facets);

    // The best by words, and the word scores of the close-in-meaning assets outside them.
    let scoring = collect::Scoring::new(searcher, &*q.text.scoring, &q.text.clauses).map_err(err)?;
    let mut address: HashMap<AssetId, DocAddress> = HashMap::new();
    let mut lexical: HashMap<AssetId, f32> = HashMap::new();
    for (score, addr) in collect::best_by_score(searcher, &scoring, view, depth).map_err(err)? {
        let id = AssetId(view.id(addr) as i64);
        address.insert(id, addr);
        lexical.insert(id, score);
    }
    let near_addrs: Vec<DocAddress> = near.iter().map(|(_, _, addr)| *addr).collect();
    for ((id, _, _), score) in near.iter().zip(collect::scores_of(searcher, &scoring, &near_addrs).map_err(err)?) {
        if score > 0.0 {
            lexical.insert(*id, score);
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
