//! Counts every facet (kind, topic, team, status, review state) in the search's own
//! pass, reading each match's values from fast-field columns into arrays indexed by
//! term ordinal: no per-match string or facet-path work, and nothing re-run.
use std::collections::HashMap;

use signpost_domain::Timestamp;
use signpost_domain::review::DUE_SOON_DAYS;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts by value, across segments.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Counted {
    pub kind: HashMap<String, u64>,
    pub topic: HashMap<String, u64>,
    pub status: HashMap<String, u64>,
    pub team: HashMap<u64, u64>,
    /// `[current, due soon, overdue]`.
    pub review: [u64; 3],
}

/// The collector: what "now" and "soon" are for review states.
pub(crate) struct FacetCounts {
    now: i64,
    soon: i64,
}

impl FacetCounts {
    pub(crate) fn at(now: Timestamp) -> Self {
        FacetCounts { now: now.timestamp_millis(), soon: (now + chrono::Duration::days(DUE_SOON_DAYS)).timestamp_millis() }
    }
}

/// A string column and its counts by term ordinal.
struct Ordinals {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl Ordinals {
    fn open(segment: &SegmentReader, field: &str) -> tantivy::Result<Self> {
        let column = segment.fast_fields().str(field)?;
        let size = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(Ordinals { column, counts: vec![0; size] })
    }

    fn count(&mut self, doc: DocId) {
        if let Some(c) = &self.column {
            for ord in c.term_ords(doc) {
                self.counts[ord as usize] += 1;
            }
        }
    }

    fn into_map(self, into: &mut HashMap<String, u64>) {
        let Some(column) = self.column else { return };
        let mut text = String::new();
        for (ord, n) in self.counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
            text.clear();
            if column.ord_to_str(ord as u64, &mut text).unwrap_or(false) {
                *into.entry(text.clone()).or_default() += n;
            }
        }
    }
}

pub(crate) struct SegmentFacetCounts {
    kind: Ordinals,
    topic: Ordinals,
    status: Ordinals,
    team: Column<u64>,
    teams: HashMap<u64, u64>,
    review: Column<i64>,
    now: i64,
    soon: i64,
    states: [u64; 3],
}

impl Collector for FacetCounts {
    type Fruit = Counted;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounts> {
        Ok(SegmentFacetCounts {
            kind: Ordinals::open(segment, "kind")?,
            topic: Ordinals::open(segment, "topic")?,
            status: Ordinals::open(segment, "status")?,
            team: segment.fast_fields().u64("team")?,
            teams: HashMap::new(),
            review: segment.fast_fields().i64("next_review_at")?,
            now: self.now,
            soon: self.soon,
            states: [0; 3],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counted>) -> tantivy::Result<Counted> {
        let mut all = Counted::default();
        for f in fruits {
            for (into, from) in [(&mut all.kind, f.kind), (&mut all.topic, f.topic), (&mut all.status, f.status)] {
                for (k, n) in from {
                    *into.entry(k).or_default() += n;
                }
            }
            for (k, n) in f.team {
                *all.team.entry(k).or_default() += n;
            }
            for (a, b) in all.review.iter_mut().zip(f.review) {
                *a += b;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = Counted;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.kind.count(doc);
        self.topic.count(doc);
        self.status.count(doc);
        if let Some(team) = self.team.first(doc) {
            *self.teams.entry(team).or_default() += 1;
        }
        // The same boundaries as ReviewState::at: due on or before now is overdue.
        if let Some(due) = self.review.first(doc) {
            let state = if due <= self.now {
                2
            } else if due <= self.soon {
                1
            } else {
                0
            };
            self.states[state] += 1;
        }
    }

    fn harvest(self) -> Counted {
        let mut c = Counted { team: self.teams, review: self.states, ..Counted::default() };
        self.kind.into_map(&mut c.kind);
        self.topic.into_map(&mut c.topic);
        self.status.into_map(&mut c.status);
        c
    }
}
