//! Knowledge accuracy: when an asset is due for review and how stale it is.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Timestamp;

/// How many days before its review date an asset counts as "due soon".
pub const DUE_SOON_DAYS: i64 = 30;

/// Where an asset stands against its review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Reviewed recently enough.
    Current,
    /// Its review date falls within the next [`DUE_SOON_DAYS`] days.
    DueSoon,
    /// Past its review date: flagged as stale wherever it appears.
    Overdue,
}

impl ReviewState {
    /// Every state.
    pub const ALL: [ReviewState; 3] = [ReviewState::Current, ReviewState::DueSoon, ReviewState::Overdue];

    /// Where an asset due at `next_review_at` stands at `now`.
    pub fn at(next_review_at: Timestamp, now: Timestamp) -> Self {
        if next_review_at <= now {
            ReviewState::Overdue
        } else if next_review_at <= now + chrono::Duration::days(DUE_SOON_DAYS) {
            ReviewState::DueSoon
        } else {
            ReviewState::Current
        }
    }

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Current => "current",
            ReviewState::DueSoon => "due_soon",
            ReviewState::Overdue => "overdue",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Self> {
        ReviewState::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The window of review dates in this state at `now`, as `[from, to)`; `None` is unbounded.
    pub fn window(self, now: Timestamp) -> (Option<Timestamp>, Option<Timestamp>) {
        let soon = now + chrono::Duration::days(DUE_SOON_DAYS);
        match self {
            ReviewState::Overdue => (None, Some(now + chrono::Duration::milliseconds(1))),
            ReviewState::DueSoon => (Some(now + chrono::Duration::milliseconds(1)), Some(soon + chrono::Duration::milliseconds(1))),
            ReviewState::Current => (Some(soon + chrono::Duration::milliseconds(1)), None),
        }
    }
}

/// The next review date after a verification (or first publication) at `from`.
pub fn next_review(from: Timestamp, interval_days: i32) -> Timestamp {
    // Out-of-range intervals are refused by validation; until then the date saturates
    // rather than overflowing, so checking bad input never panics.
    from.checked_add_signed(chrono::Duration::days(i64::from(interval_days))).unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn a_huge_interval_saturates_instead_of_panicking() {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(next_review(t, i32::MAX), chrono::DateTime::<Utc>::MAX_UTC);
        assert_eq!(next_review(t, 7), t + Duration::days(7));
    }

    #[test]
    fn an_asset_past_its_date_is_overdue_and_one_within_a_month_is_due_soon() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        assert_eq!(ReviewState::at(now - Duration::days(1), now), ReviewState::Overdue);
        assert_eq!(ReviewState::at(now + Duration::days(10), now), ReviewState::DueSoon);
        assert_eq!(ReviewState::at(now + Duration::days(90), now), ReviewState::Current);
        for state in ReviewState::ALL {
            for at in [now - Duration::days(1), now, now + Duration::days(10), now + Duration::days(30), now + Duration::days(90)] {
                let (from, to) = state.window(now);
                let inside = from.is_none_or(|f| at >= f) && to.is_none_or(|t| at < t);
                assert_eq!(inside, ReviewState::at(at, now) == state, "{state:?} at {at}");
            }
        }
    }
}
