//! Collecting a search segment by segment against the asker's bitsets: the best `k`
//! by score with Tantivy pruning everything that cannot reach them, and, separately
//! and without scoring, every visible match as a bitset for totals and facets.
use std::collections::BinaryHeap;
use std::sync::Arc;

use fixedbitset::FixedBitSet;
use signpost_domain::visibility::Condition;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED, Term};

use crate::columns::Columns;
use crate::facet_counts::Filters;
use crate::index::TantivyIndex;

/// Every segment's columns and the documents the asker may see in it after the filters.
pub(crate) struct View {
    pub columns: Vec<Arc<Columns>>,
    pub allowed: Vec<Arc<FixedBitSet>>,
}

impl View {
    pub(crate) fn new(ix: &TantivyIndex, searcher: &Searcher, visible: &Condition, filters: Option<&Filters>) -> tantivy::Result<View> {
        let columns = ix.columns.of(searcher)?;
        let mut allowed = ix.visible.of(&ix.fields, searcher, visible)?;
        if let Some(filters) = filters.filter(|f| !f.is_empty()) {
            allowed = allowed.iter().zip(&columns).map(|(set, c)| Arc::new(filters.narrow(c, set))).collect();
        }
        Ok(View { columns, allowed })
    }

    /// The asset id of a document.
    pub(crate) fn id(&self, addr: DocAddress) -> u64 {
        self.columns[addr.segment_ord as usize].ids[addr.doc_id as usize]
    }

    /// Where the live, allowed document of an asset is, if there is one.
    pub(crate) fn address_of(&self, searcher: &Searcher, id_field: Field, id: u64) -> tantivy::Result<Option<DocAddress>> {
        let term = Term::from_field_u64(id_field, id);
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let Some(mut postings) = segment.inverted_index(id_field)?.read_postings(&term, IndexRecordOption::Basic)? else { continue };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if self.allowed[ord].contains(doc as usize) {
                    return Ok(Some(DocAddress::new(ord as u32, doc)));
                }
                doc = postings.advance();
            }
        }
        Ok(None)
    }
}

/// A candidate: a higher score first, then the lower asset id, so equal scores list
/// the same way on every node whichever segment a document landed in.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    score: f64,
    id: u64,
    addr: DocAddress,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    /// Better is less, so the heap's top is the worst kept.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.score.total_cmp(&self.score).then(self.id.cmp(&other.id))
    }
}

/// The best `k` seen so far.
struct Best {
    k: usize,
    heap: BinaryHeap<Candidate>,
}

impl Best {
    fn new(k: usize) -> Self {
        Best { k, heap: BinaryHeap::with_capacity(k + 1) }
    }

    fn offer(&mut self, c: Candidate) {
        if self.heap.len() < self.k {
            self.heap.push(c);
        } else if self.heap.peek().is_some_and(|worst| c < *worst) {
            self.heap.pop();
            self.heap.push(c);
        }
    }

    /// The worst score kept, once `k` are kept.
    fn floor(&self) -> Option<f64> {
        self.heap.peek().filter(|_| self.heap.len() >= self.k).map(|c| c.score)
    }

    fn into_sorted(self) -> Vec<(f64, DocAddress)> {
        self.heap.into_sorted_vec().into_iter().map(|c| (c.score, c.addr)).collect()
    }
}

/// A text query's weight as a whole, for Tantivy to prune with, and clause by clause.
///
/// Floating-point addition depends on order, and the order in which Tantivy adds
/// clause scores follows where each document sits in its segment. Equal documents
/// would then rank by index layout rather than asset id, differently on each node;
/// so the best candidates are scored again clause by clause, always in query order.
pub(crate) struct Scoring {
    whole: Box<dyn Weight>,
    clauses: Vec<Box<dyn Weight>>,
}

impl Scoring {
    pub(crate) fn new(searcher: &Searcher, whole: &dyn Query, clauses: &[Box<dyn Query>]) -> tantivy::Result<Scoring> {
        Ok(Scoring {
            whole: weight(searcher, whole, true)?,
            clauses: clauses.iter().map(|q| weight(searcher, &**q, true)).collect::<tantivy::Result<_>>()?,
        })
    }
}

/// How far below the `k`-th pruned score a candidate may be and still be scored
/// again: far more than order-of-addition rounding, far less than real differences.
const NEAR: f64 = 1e-4;

/// A query's weight, scoring or not, with the whole index's statistics.
pub(crate) fn weight(searcher: &Searcher, q: &dyn Query, scoring: bool) -> tantivy::Result<Box<dyn Weight>> {
    q.weight(if scoring { EnableScoring::enabled_from_searcher(searcher) } else { EnableScoring::disabled_from_searcher(searcher) })
}

/// Documents with their scores, best first.
pub(crate) type Scored = Vec<(f32, DocAddress)>;

/// The `k` allowed documents scoring highest, best first, equal scores by asset id.
pub(crate) fn best_by_score(searcher: &Searcher, scoring: &Scoring, view: &View, k: usize) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    best_of(searcher, scoring, view, k, None)
}

/// As [`best_by_score`] for a query Tantivy cannot prune, which visits every match
/// anyway: the same pass also marks, per segment, every allowed match.
pub(crate) fn best_and_matched(
    searcher: &Searcher,
    scoring: &Scoring,
    view: &View,
    k: usize,
) -> tantivy::Result<(Scored, Vec<FixedBitSet>)> {
    let mut sets: Vec<FixedBitSet> = searcher.segment_readers().iter().map(|s| FixedBitSet::with_capacity(s.max_doc() as usize)).collect();
    let best = best_of(searcher, scoring, view, k, Some(&mut sets))?;
    Ok((best, sets))
}

fn best_of(
    searcher: &Searcher,
    scoring: &Scoring,
    view: &View,
    k: usize,
    mut every: Option<&mut Vec<FixedBitSet>>,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    let mut best = Best::new(k);
    let mut near: Vec<Candidate> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let (allowed, ids) = (&view.allowed[ord], &view.columns[ord].ids);
        let mut set = every.as_deref_mut().map(|sets| &mut sets[ord]);
        // Collecting every match means no pruning: the threshold stays at the bottom.
        let prune = set.is_none();
        let threshold = |best: &Best| match best.floor() {
            Some(f) if prune => ((f * (1.0 - NEAR)) as f32).next_down(),
            _ => f32::MIN,
        };
        scoring.whole.for_each_pruning(threshold(&best), segment, &mut |doc, score| {
            if allowed.contains(doc as usize) {
                if let Some(set) = set.as_deref_mut() {
                    set.insert(doc as usize);
                }
                let c = Candidate { score: f64::from(score), id: ids[doc as usize], addr: DocAddress::new(ord as u32, doc) };
                if best.floor().is_none_or(|f| c.score >= f * (1.0 - NEAR)) {
                    best.offer(c);
                    near.push(c);
                }
                if near.len() > 4 * k + 256
                    && let Some(floor) = best.floor()
                {
                    near.retain(|c| c.score >= floor * (1.0 - NEAR));
                }
            }
            threshold(&best)
        })?;
    }
    if let Some(floor) = best.floor() {
        near.retain(|c| c.score >= floor * (1.0 - NEAR));
    }
    let addrs: Vec<DocAddress> = near.iter().map(|c| c.addr).collect();
    let mut rescored = Best::new(k);
    for (c, score) in near.iter().zip(scores_of(searcher, scoring, &addrs)?) {
        rescored.offer(Candidate { score: f64::from(score), ..*c });
    }
    Ok(rescored.into_sorted().into_iter().map(|(s, a)| (s as f32, a)).collect())
}

/// The `k` documents of `sets` updated most recently, most recent first.
pub(crate) fn most_recent(sets: &[FixedBitSet], view: &View, k: usize) -> Vec<DocAddress> {
    let mut best = Best::new(k);
    for (ord, set) in sets.iter().enumerate() {
        let c = &view.columns[ord];
        for doc in set.ones() {
            best.offer(Candidate { score: c.updated_at[doc] as f64, id: c.ids[doc], addr: DocAddress::new(ord as u32, doc as u32) });
        }
    }
    best.into_sorted().into_iter().map(|(_, a)| a).collect()
}

/// Per segment, the allowed documents any of `matching` (weights without scoring) matches.
pub(crate) fn matched(searcher: &Searcher, matching: &[Box<dyn Weight>], view: &View) -> tantivy::Result<Vec<FixedBitSet>> {
    let mut out = Vec::with_capacity(view.allowed.len());
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let mut set = FixedBitSet::with_capacity(segment.max_doc() as usize);
        for w in matching {
            w.for_each_no_score(segment, &mut |docs| docs.iter().for_each(|d| set.insert(*d as usize)))?;
        }
        set.intersect_with(&view.allowed[ord]);
        out.push(set);
    }
    Ok(out)
}

/// The scores of particular documents (0 where none matches), each clause's score
/// added in query order.
pub(crate) fn scores_of(searcher: &Searcher, scoring: &Scoring, addrs: &[DocAddress]) -> tantivy::Result<Vec<f32>> {
    let mut order: Vec<usize> = (0..addrs.len()).collect();
    order.sort_by_key(|i| (addrs[*i].segment_ord, addrs[*i].doc_id));
    let mut out = vec![0.0f32; addrs.len()];
    for clause in &scoring.clauses {
        let mut current: Option<(u32, Box<dyn tantivy::query::Scorer>)> = None;
        for &i in &order {
            let addr = addrs[i];
            if current.as_ref().is_none_or(|(ord, _)| *ord != addr.segment_ord) {
                current = Some((addr.segment_ord, clause.scorer(searcher.segment_reader(addr.segment_ord), 1.0)?));
            }
            let (_, scorer) = current.as_mut().expect("set above");
            if scorer.doc() <= addr.doc_id && scorer.seek(addr.doc_id) == addr.doc_id {
                out[i] += scorer.score();
            }
        }
    }
    Ok(out)
}
