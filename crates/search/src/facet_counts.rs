//! The request's filters and the facet counts, both over a segment's [`Columns`]:
//! a filter narrows the visible bitset document by document, and the counts walk
//! the bitset of visible matches once for all facets, adding to arrays indexed by
//! term ordinal.
use std::collections::HashMap;
use std::sync::Arc;

use fixedbitset::FixedBitSet;
use signpost_domain::Timestamp;
use signpost_domain::review::DUE_SOON_DAYS;
use signpost_domain::search::SearchRequest;

use crate::columns::{Columns, Values};

/// Counts by value, across segments.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Counted {
    pub kind: HashMap<String, u64>,
    pub topic: HashMap<String, u64>,
    pub status: HashMap<String, u64>,
    pub team: HashMap<String, u64>,
    /// `[current, due soon, overdue]`.
    pub review: [u64; 3],
}

/// What "now" and "soon" are for review states, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReviewClock {
    now: i64,
    soon: i64,
}

impl ReviewClock {
    pub(crate) fn at(now: Timestamp) -> Self {
        ReviewClock { now: now.timestamp_millis(), soon: (now + chrono::Duration::days(DUE_SOON_DAYS)).timestamp_millis() }
    }

    /// 0 current, 1 due soon, 2 overdue: the same boundaries as `ReviewState::at`.
    fn state(self, due: i64) -> usize {
        if due <= self.now {
            2
        } else if due <= self.soon {
            1
        } else {
            0
        }
    }
}

/// The request's filters; each list empty when it does not filter.
pub(crate) struct Filters {
    kinds: Vec<String>,
    topics: Vec<String>,
    teams: Vec<String>,
    statuses: Vec<String>,
    /// Wanted review states, `[current, due soon, overdue]`; `None` when not filtered.
    review: Option<[bool; 3]>,
    clock: ReviewClock,
}

/// Which ordinals of a facet a filter wants; `None` when it does not filter.
fn wanted(values: &Values, names: &[String]) -> Option<Vec<bool>> {
    if names.is_empty() {
        return None;
    }
    let mut mask = vec![false; values.names.len()];
    names.iter().filter_map(|n| values.ord(n)).for_each(|o| mask[o as usize] = true);
    Some(mask)
}

impl Filters {
    pub(crate) fn of(r: &SearchRequest, clock: ReviewClock) -> Self {
        let review = (!r.review_states.is_empty()).then(|| {
            use signpost_domain::review::ReviewState::*;
            [Current, DueSoon, Overdue].map(|s| r.review_states.contains(&s))
        });
        Filters {
            kinds: r.kinds.iter().map(|k| k.as_str().to_string()).collect(),
            topics: r.topics.iter().map(|t| t.to_lowercase()).collect(),
            teams: r.teams.iter().map(|t| t.0.to_string()).collect(),
            statuses: r.statuses.iter().map(|s| s.as_str().to_string()).collect(),
            review,
            clock,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.kinds.is_empty() && self.topics.is_empty() && self.teams.is_empty() && self.statuses.is_empty() && self.review.is_none()
    }

    /// The documents of `visible` the filters let through.
    pub(crate) fn narrow(&self, c: &Columns, visible: &FixedBitSet) -> FixedBitSet {
        let masks: Vec<(&Values, Vec<bool>)> =
            [(&c.kind, &self.kinds), (&c.topic, &self.topics), (&c.team, &self.teams), (&c.status, &self.statuses)]
                .into_iter()
                .filter_map(|(values, names)| wanted(values, names).map(|m| (values, m)))
                .collect();
        let mut out = FixedBitSet::with_capacity(visible.len());
        for doc in visible.ones() {
            let by_values = masks.iter().all(|(values, mask)| values.any(doc, mask));
            let by_review = self.review.is_none_or(|w| w[self.clock.state(c.next_review_at[doc])]);
            if by_values && by_review {
                out.insert(doc);
            }
        }
        out
    }
}

/// The number of documents in `sets` (one per segment) and, when asked for, their facet counts.
pub(crate) fn tally(sets: &[FixedBitSet], columns: &[Arc<Columns>], facets: Option<ReviewClock>) -> (usize, Option<Counted>) {
    let total = sets.iter().map(|s| s.count_ones(..)).sum();
    let Some(clock) = facets else { return (total, None) };
    // Keyed by the segments' own names until the end: one string per value, not per segment.
    let mut by: [HashMap<&str, u64>; 4] = Default::default();
    let mut review = [0u64; 3];
    for (set, c) in sets.iter().zip(columns) {
        let facets = [&c.kind, &c.topic, &c.status, &c.team];
        let mut counts = facets.map(|values| vec![0u64; values.names.len()]);
        // One pass over the matches for every facet: the arrays are read in document order.
        for d in set.ones() {
            for (values, counts) in facets.iter().zip(counts.iter_mut()) {
                values.add(d, counts);
            }
            review[clock.state(c.next_review_at[d])] += 1;
        }
        for ((values, counts), into) in facets.iter().zip(counts).zip(by.iter_mut()) {
            for (name, n) in values.names.iter().zip(counts).filter(|(_, n)| *n > 0) {
                *into.entry(name.as_str()).or_default() += n;
            }
        }
    }
    let [kind, topic, status, team] = by.map(|m| m.into_iter().map(|(k, n)| (k.to_string(), n)).collect());
    (total, Some(Counted { kind, topic, status, team, review }))
}
