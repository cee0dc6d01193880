//! The request's filters and the facet counts, both over a segment's [`Columns`]:
//! a filter narrows the visible bitset document by document, and the counts walk
//! the bitset of visible matches once for all facets, adding to arrays indexed by
//! term ordinal.
use std::collections::HashMap;
use std::sync::Arc;

use fixedbitset::FixedBitSet;
use signpost_domain::Timestamp;
use signpost_domain::review::DUE_SOON_DAYS;
use signpost_domain::search::{FACET_VALUES, FacetCount, SearchRequest};

use crate::columns::{Columns, Values};

/// Counts by value, across segments, most first then by value: every kind and
/// status, the most common topics and teams (with how many there are in all).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Counted {
    pub kind: Vec<FacetCount>,
    pub topic: Vec<FacetCount>,
    pub topic_values: usize,
    pub status: Vec<FacetCount>,
    pub team: Vec<FacetCount>,
    pub team_values: usize,
    /// `[current, due soon, overdue]`.
    pub review: [u64; 3],
}

/// Most first, then by value.
fn order(a: &(&str, u64), b: &(&str, u64)) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0))
}

/// The `limit` most common values and any of `chosen`, in order, and how many values
/// there are in all. Only the values listed become strings: a large index has
/// thousands of topics, and a search's matches may have most of them.
fn most_common(mut counts: Vec<(&str, u64)>, limit: Option<usize>, chosen: &[String]) -> (Vec<FacetCount>, usize) {
    let all = counts.len();
    if let Some(limit) = limit.filter(|l| counts.len() > *l) {
        counts.select_nth_unstable_by(limit, order);
        let rest = counts.split_off(limit);
        counts.extend(rest.into_iter().filter(|(value, _)| chosen.iter().any(|c| c == value)));
    }
    counts.sort_unstable_by(order);
    (counts.into_iter().map(|(value, count)| FacetCount { value: value.to_string(), count }).collect(), all)
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

/// The number of documents in `sets` (one per segment) and, when asked for, their
/// facet counts (`filters` say which values were chosen and when "now" is).
pub(crate) fn tally(sets: &[FixedBitSet], columns: &[Arc<Columns>], facets: Option<&Filters>) -> (usize, Option<Counted>) {
    let total = sets.iter().map(|s| s.count_ones(..)).sum();
    let Some(filters) = facets else { return (total, None) };
    let mut per_segment: Vec<[Vec<u64>; 4]> = Vec::with_capacity(sets.len());
    let mut review = [0u64; 3];
    for (set, c) in sets.iter().zip(columns) {
        let facets = [&c.kind, &c.topic, &c.status, &c.team];
        let mut counts = facets.map(|values| vec![0u64; values.names.len()]);
        // One pass over the matches for every facet: the arrays are read in document order.
        for d in set.ones() {
            for (values, counts) in facets.iter().zip(counts.iter_mut()) {
                values.add(d, counts);
            }
            review[filters.clock.state(c.next_review_at[d])] += 1;
        }
        per_segment.push(counts);
    }
    // By name across segments, without a string per value unless it is listed.
    let by_name = |facet: usize| -> Vec<(&str, u64)> {
        let named = columns.iter().zip(&per_segment).flat_map(|(c, counts)| {
            let values = [&c.kind, &c.topic, &c.status, &c.team][facet];
            values.names.iter().map(String::as_str).zip(counts[facet].iter().copied()).filter(|(_, n)| *n > 0)
        });
        if columns.len() == 1 {
            return named.collect();
        }
        let mut merged: HashMap<&str, u64> = HashMap::new();
        named.for_each(|(name, n)| *merged.entry(name).or_default() += n);
        merged.into_iter().collect()
    };
    let (kind, _) = most_common(by_name(0), None, &[]);
    let (topic, topic_values) = most_common(by_name(1), Some(FACET_VALUES), &filters.topics);
    let (status, _) = most_common(by_name(2), None, &[]);
    let (team, team_values) = most_common(by_name(3), Some(FACET_VALUES), &filters.teams);
    (total, Some(Counted { kind, topic, topic_values, status, team, team_values, review }))
}
