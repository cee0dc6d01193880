//! Which documents of each segment the asker may see, as a bitset per segment: the
//! visibility [`Condition`] translated into a Tantivy query once, run without
//! scoring, with deleted documents taken out. Searches check a match against the
//! bitset instead of carrying the condition as a required clause, which lets
//! Tantivy prune by score; the bitsets are kept for the askers seen lately.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use fixedbitset::FixedBitSet;
use signpost_domain::visibility::Condition;
use tantivy::index::SegmentId;
use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use crate::fields::Fields;

/// Bitsets kept (a million-document segment's is 122 KiB).
const HELD: usize = 256;

pub(crate) fn filter(f: &Fields, c: &Condition) -> Box<dyn Query> {
    let term = |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    let any = |qs: Vec<Box<dyn Query>>| -> Box<dyn Query> {
        if qs.is_empty() { Box::new(EmptyQuery) } else { Box::new(BooleanQuery::new(qs.into_iter().map(|q| (Occur::Should, q)).collect())) }
    };
    match c {
        Condition::Always => Box::new(AllQuery),
        Condition::Never => Box::new(EmptyQuery),
        Condition::Any(cs) => any(cs.iter().map(|c| filter(f, c)).collect()),
        Condition::All(cs) if cs.is_empty() => Box::new(AllQuery),
        Condition::All(cs) => Box::new(BooleanQuery::new(cs.iter().map(|c| (Occur::Must, filter(f, c))).collect())),
        Condition::OwnerIs(u) => term(Term::from_field_u64(f.owner, u.0 as u64)),
        Condition::StatusIn(s) => any(s.iter().map(|s| term(Term::from_field_text(f.status, s.as_str()))).collect()),
        Condition::VisibilityIn(v) => any(v.iter().map(|v| term(Term::from_field_text(f.visibility, v.as_str()))).collect()),
        Condition::TeamIn(t) => any(t.iter().map(|t| term(Term::from_field_u64(f.team, t.0 as u64))).collect()),
        Condition::NamedViewer(u) => term(Term::from_field_u64(f.named, u.0 as u64)),
    }
}

/// A segment as it was when a bitset was made: the same segment with more deletions is another.
type Key = (SegmentId, u32, String);

/// Visible-document bitsets by segment and condition.
#[derive(Default)]
pub(crate) struct VisibleSets {
    held: Mutex<HashMap<Key, Arc<FixedBitSet>>>,
}

fn err(e: impl std::fmt::Display) -> tantivy::TantivyError {
    tantivy::TantivyError::InternalError(e.to_string())
}

impl VisibleSets {
    /// For every segment of `searcher`, in order, the live documents `visible` lets through.
    pub(crate) fn of(&self, f: &Fields, searcher: &Searcher, visible: &Condition) -> tantivy::Result<Vec<Arc<FixedBitSet>>> {
        let condition = format!("{visible:?}");
        let mut out = Vec::new();
        let mut weight = None;
        for segment in searcher.segment_readers() {
            let key = (segment.segment_id(), segment.num_deleted_docs(), condition.clone());
            if let Some(set) = self.held.lock().map_err(err)?.get(&key) {
                out.push(set.clone());
                continue;
            }
            if weight.is_none() {
                weight = Some(filter(f, visible).weight(EnableScoring::disabled_from_searcher(searcher))?);
            }
            let mut set = FixedBitSet::with_capacity(segment.max_doc() as usize);
            weight.as_ref().expect("made above").for_each_no_score(segment, &mut |docs| {
                docs.iter().for_each(|d| set.insert(*d as usize));
            })?;
            if let Some(alive) = segment.alive_bitset() {
                let deleted: Vec<usize> = set.ones().filter(|d| alive.is_deleted(*d as u32)).collect();
                deleted.into_iter().for_each(|d| set.set(d, false));
            }
            let set = Arc::new(set);
            let mut held = self.held.lock().map_err(err)?;
            if held.len() >= HELD {
                let live: Vec<SegmentId> = searcher.segment_readers().iter().map(|s| s.segment_id()).collect();
                held.retain(|(segment, ..), _| live.contains(segment));
                if held.len() >= HELD {
                    held.clear();
                }
            }
            held.insert(key, set.clone());
            out.push(set);
        }
        Ok(out)
    }
}
