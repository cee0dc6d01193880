//! Counts matches by review state in the same pass as the search, reading each
//! match's review date from its fast field, instead of re-running the query per state.
use signpost_domain::Timestamp;
use signpost_domain::review::DUE_SOON_DAYS;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Matches counted as `[current, due soon, overdue]`.
pub(crate) type ReviewCounts = [u64; 3];

pub(crate) struct ReviewStates {
    now: i64,
    soon: i64,
}

impl ReviewStates {
    pub(crate) fn at(now: Timestamp) -> Self {
        ReviewStates { now: now.timestamp_millis(), soon: (now + chrono::Duration::days(DUE_SOON_DAYS)).timestamp_millis() }
    }
}

pub(crate) struct SegmentReviewStates {
    column: Column<i64>,
    now: i64,
    soon: i64,
    counts: ReviewCounts,
}

impl Collector for ReviewStates {
    type Fruit = ReviewCounts;
    type Child = SegmentReviewStates;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentReviewStates> {
        Ok(SegmentReviewStates { column: segment.fast_fields().i64("next_review_at")?, now: self.now, soon: self.soon, counts: [0; 3] })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<ReviewCounts>) -> tantivy::Result<ReviewCounts> {
        Ok(fruits.into_iter().fold([0; 3], |acc, f| [acc[0] + f[0], acc[1] + f[1], acc[2] + f[2]]))
    }
}

impl SegmentCollector for SegmentReviewStates {
    type Fruit = ReviewCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        // The same boundaries as ReviewState::at: due on or before now is overdue.
        if let Some(due) = self.column.first(doc) {
            let state = if due <= self.now {
                2
            } else if due <= self.soon {
                1
            } else {
                0
            };
            self.counts[state] += 1;
        }
    }

    fn harvest(self) -> ReviewCounts {
        self.counts
    }
}
