//! Each segment's per-document values that searches filter, sort and count by, read
//! once from Tantivy's fast fields into plain arrays and kept while the segment
//! lives: a search then touches an array slot per match instead of decoding a column.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

/// Values of one facet, by term ordinal: document `d` has `ords[offsets[d]..offsets[d + 1]]`.
#[derive(Debug, Default)]
pub(crate) struct Values {
    pub names: Vec<String>,
    offsets: Vec<u32>,
    ords: Vec<u32>,
}

impl Values {
    fn push_doc(&mut self, ords: impl Iterator<Item = u32>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.ords.extend(ords);
        self.offsets.push(self.ords.len() as u32);
    }

    /// The ordinals of document `doc`.
    pub(crate) fn of(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        &self.ords[self.offsets[d] as usize..self.offsets[d + 1] as usize]
    }

    /// The ordinal of a value, if any document of the segment has it.
    pub(crate) fn ord(&self, name: &str) -> Option<u32> {
        self.names.iter().position(|n| n == name).map(|o| o as u32)
    }

    fn from_str_column(column: Option<StrColumn>, max_doc: DocId) -> tantivy::Result<Values> {
        let mut v = Values::default();
        match column {
            Some(c) => {
                let mut text = String::new();
                for ord in 0..c.num_terms() as u64 {
                    text.clear();
                    c.ord_to_str(ord, &mut text)?;
                    v.names.push(text.clone());
                }
                for doc in 0..max_doc {
                    v.push_doc(c.term_ords(doc).map(|o| o as u32));
                }
            }
            None => (0..max_doc).for_each(|_| v.push_doc(std::iter::empty())),
        }
        Ok(v)
    }
}

/// One segment's arrays, indexed by document id.
#[derive(Debug)]
pub(crate) struct Columns {
    /// Asset ids, to break ties in the same order on every node.
    pub ids: Vec<u64>,
    pub updated_at: Vec<i64>,
    /// Next review, in milliseconds (i64::MAX when absent: never due).
    pub next_review_at: Vec<i64>,
    pub kind: Values,
    pub topic: Values,
    pub status: Values,
    /// Team ids as decimal strings, as facets report them.
    pub team: Values,
}

impl Columns {
    fn read(segment: &SegmentReader) -> tantivy::Result<Columns> {
        let max_doc = segment.max_doc();
        let fast = segment.fast_fields();
        let (id, updated, review, team) = (fast.u64("id")?, fast.i64("updated_at")?, fast.i64("next_review_at")?, fast.u64("team")?);
        let mut team_values = Values::default();
        let mut team_ords: HashMap<u64, u32> = HashMap::new();
        for doc in 0..max_doc {
            let ord = team.first(doc).map(|t| {
                *team_ords.entry(t).or_insert_with(|| {
                    team_values.names.push(t.to_string());
                    (team_values.names.len() - 1) as u32
                })
            });
            team_values.push_doc(ord.into_iter());
        }
        Ok(Columns {
            ids: (0..max_doc).map(|d| id.first(d).unwrap_or_default()).collect(),
            updated_at: (0..max_doc).map(|d| updated.first(d).unwrap_or_default()).collect(),
            next_review_at: (0..max_doc).map(|d| review.first(d).unwrap_or(i64::MAX)).collect(),
            kind: Values::from_str_column(fast.str("kind")?, max_doc)?,
            topic: Values::from_str_column(fast.str("topic")?, max_doc)?,
            status: Values::from_str_column(fast.str("status")?, max_doc)?,
            team: team_values,
        })
    }
}

/// Columns of the segments searched lately; a segment's are dropped once no
/// searcher holds it (after a merge or a clear).
#[derive(Default)]
pub(crate) struct ColumnCache {
    held: Mutex<HashMap<SegmentId, Arc<Columns>>>,
}

impl ColumnCache {
    /// The columns of every segment of `searcher`, in segment order.
    pub(crate) fn of(&self, searcher: &Searcher) -> tantivy::Result<Vec<Arc<Columns>>> {
        let segments = searcher.segment_readers();
        let mut held = self.held.lock().map_err(|_| tantivy::TantivyError::InternalError("column cache poisoned".into()))?;
        let mut out = Vec::with_capacity(segments.len());
        for s in segments {
            let columns = match held.get(&s.segment_id()) {
                Some(c) => c.clone(),
                None => {
                    let c = Arc::new(Columns::read(s)?);
                    held.insert(s.segment_id(), c.clone());
                    c
                }
            };
            out.push(columns);
        }
        if held.len() > segments.len() {
            let live: Vec<SegmentId> = segments.iter().map(|s| s.segment_id()).collect();
            held.retain(|id, _| live.contains(id));
        }
        Ok(out)
    }
}
