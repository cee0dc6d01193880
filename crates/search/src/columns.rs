//! Each segment's per-document values that searches filter, sort and count by, read
//! once from Tantivy's fast fields into plain arrays and kept while the segment
//! lives: a search then touches an array slot per match instead of decoding a column.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

/// No value.
const NONE: u32 = u32::MAX;

/// Values of one facet by term ordinal, one per document where no document has more.
#[derive(Debug)]
enum Layout {
    /// `ords[d]`, or [`NONE`].
    Single(Vec<u32>),
    /// Document `d` has `ords[offsets[d]..offsets[d + 1]]`.
    Multi { offsets: Vec<u32>, ords: Vec<u32> },
}

/// One facet's values in a segment: their names, and which documents have which.
#[derive(Debug)]
pub(crate) struct Values {
    pub names: Vec<String>,
    layout: Layout,
}

impl Values {
    /// From each document's ordinals in turn.
    fn collect(names: Vec<String>, per_doc: impl Iterator<Item = Vec<u32>>) -> Values {
        let (mut offsets, mut ords) = (vec![0u32], Vec::new());
        for doc in per_doc {
            ords.extend(doc);
            offsets.push(ords.len() as u32);
        }
        let layout = if offsets.windows(2).all(|w| w[1] - w[0] <= 1) {
            Layout::Single(offsets.windows(2).map(|w| if w[1] > w[0] { ords[w[0] as usize] } else { NONE }).collect())
        } else {
            Layout::Multi { offsets, ords }
        };
        Values { names, layout }
    }

    /// Whether document `doc` has any value `wanted` marks.
    pub(crate) fn any(&self, doc: usize, wanted: &[bool]) -> bool {
        match &self.layout {
            Layout::Single(ords) => ords[doc] != NONE && wanted[ords[doc] as usize],
            Layout::Multi { offsets, ords } => ords[offsets[doc] as usize..offsets[doc + 1] as usize].iter().any(|o| wanted[*o as usize]),
        }
    }

    /// Adds one to the count of each value document `doc` has.
    #[inline]
    pub(crate) fn add(&self, doc: usize, counts: &mut [u64]) {
        match &self.layout {
            Layout::Single(ords) => {
                if let Some(n) = counts.get_mut(ords[doc] as usize) {
                    *n += 1;
                }
            }
            Layout::Multi { offsets, ords } => {
                for o in &ords[offsets[doc] as usize..offsets[doc + 1] as usize] {
                    counts[*o as usize] += 1;
                }
            }
        }
    }

    /// The ordinal of a value, if any document of the segment has it.
    pub(crate) fn ord(&self, name: &str) -> Option<u32> {
        self.names.iter().position(|n| n == name).map(|o| o as u32)
    }

    fn from_str_column(column: Option<StrColumn>, max_doc: DocId) -> tantivy::Result<Values> {
        let Some(c) = column else { return Ok(Values::collect(Vec::new(), (0..max_doc).map(|_| Vec::new()))) };
        let mut names = Vec::with_capacity(c.num_terms());
        let mut text = String::new();
        for ord in 0..c.num_terms() as u64 {
            text.clear();
            c.ord_to_str(ord, &mut text)?;
            names.push(text.clone());
        }
        Ok(Values::collect(names, (0..max_doc).map(|doc| c.term_ords(doc).map(|o| o as u32).collect())))
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
        let mut team_names = Vec::new();
        let mut team_ords: HashMap<u64, u32> = HashMap::new();
        let per_doc: Vec<Vec<u32>> = (0..max_doc)
            .map(|doc| {
                let ord = team.first(doc).map(|t| {
                    *team_ords.entry(t).or_insert_with(|| {
                        team_names.push(t.to_string());
                        (team_names.len() - 1) as u32
                    })
                });
                ord.into_iter().collect()
            })
            .collect();
        let team_values = Values::collect(team_names, per_doc.into_iter());
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
    /// The columns of every segment of `searcher`, in segment order. A new segment's
    /// are read outside the lock (a merged million-document segment takes about
    /// 100 ms), so other searches wait for nothing; two searches may both read it.
    pub(crate) fn of(&self, searcher: &Searcher) -> tantivy::Result<Vec<Arc<Columns>>> {
        let poisoned = |_| tantivy::TantivyError::InternalError("column cache poisoned".into());
        let segments = searcher.segment_readers();
        let mut out: Vec<Option<Arc<Columns>>> = {
            let mut held = self.held.lock().map_err(poisoned)?;
            if held.len() > segments.len() {
                let live: Vec<SegmentId> = segments.iter().map(|s| s.segment_id()).collect();
                held.retain(|id, _| live.contains(id));
            }
            segments.iter().map(|s| held.get(&s.segment_id()).cloned()).collect()
        };
        let mut read = Vec::new();
        for (s, slot) in segments.iter().zip(out.iter_mut()).filter(|(_, slot)| slot.is_none()) {
            let c = Arc::new(Columns::read(s)?);
            read.push((s.segment_id(), c.clone()));
            *slot = Some(c);
        }
        if !read.is_empty() {
            self.held.lock().map_err(poisoned)?.extend(read);
        }
        Ok(out.into_iter().map(|c| c.expect("every slot filled above")).collect())
    }
}
